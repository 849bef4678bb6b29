/* The disocclusion mask of a target view by forward warping the source
 * depth (docs/EVAL.md): the source pixels form a grid mesh at their depths
 * whose links tear where two neighbours' image motions differ by more than
 * half a pixel (a gap opens between them); it is drawn at the target camera
 * with the project's rasterizer (z-buffer), and target pixels it leaves
 * uncovered were hidden in the source view, unless their ray leaves the
 * source frame. The mesh's colour flags source pixels of unknown depth. */
#include "photo3d/eval.h"
#include "photo3d/mesh.h"
#include "photo3d/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TEAR_PIXELS 0.5
#define EDGE_SLACK 0.01

/* Image motion of source pixel (x, y) at depth z towards the camera at c. */
static void motion(const p3d_camera *cam, const double c[3], int x, int y, double z, double m[2])
{
    double u = x + 0.5, v = y + 0.5;
    double px = z * (u - cam->cx) / cam->fx, py = z * (v - cam->cy) / cam->fy;
    m[0] = cam->cx + cam->fx * (px - c[0]) / (z - c[2]) - u;
    m[1] = cam->cy + cam->fy * (py - c[1]) / (z - c[2]) - v;
}

static int joined(const double *a, const double *b)
{
    return fabs(a[0] - b[0]) <= TEAR_PIXELS && fabs(a[1] - b[1]) <= TEAR_PIXELS;
}

/* The source grid mesh: white vertices of known depth, black ones filled. */
static int warp_mesh(p3d_ctx *ctx, const p3d_map *z, const p3d_camera *cam, const double c[3],
                     p3d_mesh *m)
{
    int w = z->width, h = z->height;
    long n = (long)w * h;
    memset(m, 0, sizeof *m);
    p3d_map filled = {0};
    int rc = p3d_map_copy(ctx, z, &filled);
    if (rc)
        return rc;
    double *mot = malloc(sizeof(double) * 2 * n);
    m->xyz = malloc(sizeof(float) * 3 * n);
    m->rgba = malloc(4 * (size_t)n);
    m->faces = malloc(sizeof(int32_t) * 6 * n);
    if (!mot || !m->xyz || !m->rgba || !m->faces)
        rc = p3d_fail(ctx, P3D_E_NOMEM, "disocclusion: out of memory for %dx%d", w, h);
    if (!rc)
        rc = p3d_eval_fill_unknown(ctx, &filled);
    for (long i = 0; i < n && !rc; i++) {
        int x = (int)(i % w), y = (int)(i / w);
        double d = filled.data[i];
        /* the outer ring reaches EDGE_SLACK beyond the pixel centres, so
         * that target pixel centres on the frame's last centres are covered */
        double u = x + 0.5 + (x == 0 ? -EDGE_SLACK : x == w - 1 ? EDGE_SLACK : 0);
        double v = y + 0.5 + (y == 0 ? -EDGE_SLACK : y == h - 1 ? EDGE_SLACK : 0);
        m->xyz[3 * i] = (float)(d * (u - cam->cx) / cam->fx);
        m->xyz[3 * i + 1] = (float)(d * (v - cam->cy) / cam->fy);
        m->xyz[3 * i + 2] = (float)d;
        memset(m->rgba + 4 * i, z->data[i] > 0 ? 255 : 0, 3);
        m->rgba[4 * i + 3] = P3D_VERTEX_ORIGINAL;
        motion(cam, c, x, y, d, mot + 2 * i);
    }
    for (int y = 0; y + 1 < h && !rc; y++)
        for (int x = 0; x + 1 < w; x++) {
            long a = (long)y * w + x, b = a + 1, d = a + w, e = d + 1;
            const double *ma = mot + 2 * a, *mb = mot + 2 * b, *md = mot + 2 * d, *me = mot + 2 * e;
            if (joined(ma, mb) && joined(ma, md) && joined(mb, md)) {
                int32_t t[3] = {(int32_t)a, (int32_t)d, (int32_t)b};
                memcpy(m->faces + 3 * m->nfaces++, t, sizeof t);
            }
            if (joined(mb, md) && joined(mb, me) && joined(md, me)) {
                int32_t t[3] = {(int32_t)b, (int32_t)d, (int32_t)e};
                memcpy(m->faces + 3 * m->nfaces++, t, sizeof t);
            }
        }
    m->nverts = n;
    m->width = w, m->height = h;
    free(mot);
    p3d_map_free(&filled);
    if (rc)
        p3d_mesh_free(m);
    return rc;
}

/* Whether the target ray of pixel (x, y) at distance t along the target's
 * axis misses the source frame, i.e. passes outside its outermost pixel
 * centres (where the source mesh ends; uncovered rays within EDGE_SLACK of
 * them count as outside too). */
static int misses_source(const p3d_camera *cam, const double c[3], int x, int y, double t)
{
    double pz = c[2] + t;
    if (!(pz > 0))
        return 1;
    double px = c[0] + t * (x + 0.5 - cam->cx) / cam->fx;
    double py = c[1] + t * (y + 0.5 - cam->cy) / cam->fy;
    double u = cam->cx + cam->fx * px / pz, v = cam->cy + cam->fy * py / pz;
    double lo = 0.5 + EDGE_SLACK;
    return !(u >= lo && u <= cam->width - lo && v >= lo && v <= cam->height - lo);
}

int p3d_eval_disocclusion(p3d_ctx *ctx, const p3d_map *z, const p3d_camera *cam,
                          const double center[3], const p3d_map *target_z, p3d_image *mask)
{
    memset(mask, 0, sizeof *mask);
    int w = z->width, h = z->height;
    if (cam->width != w || cam->height != h || (target_z && (target_z->width != w || target_z->height != h)))
        return p3d_fail(ctx, P3D_E_USAGE, "disocclusion: source depth %dx%d, camera %dx%d and target depth differ",
                        w, h, cam->width, cam->height);
    double zmin = INFINITY, zmax = 0;
    for (long i = 0; i < (long)w * h; i++)
        if (z->data[i] > 0)
            zmin = fmin(zmin, z->data[i]), zmax = fmax(zmax, z->data[i]);
    if (!(zmax > 0))
        return p3d_fail(ctx, P3D_E_INPUT, "disocclusion: the source depth has no known value");
    p3d_mesh m;
    int rc = warp_mesh(ctx, z, cam, center, &m);
    if (rc)
        return rc;
    p3d_image seen = {0};
    p3d_map seen_z = {0};
    rc = p3d_render_view(ctx, &m, cam, center, &seen, &seen_z);
    p3d_mesh_free(&m);
    if (!rc)
        rc = p3d_image_alloc(ctx, mask, w, h, 1);
    for (int y = 0; y < h && !rc; y++)
        for (int x = 0; x < w; x++) {
            long i = (long)y * w + x;
            uint8_t *out = mask->data + i;
            if (target_z && !(target_z->data[i] > 0))
                *out = P3D_EVAL_UNKNOWN;
            else if (seen_z.data[i] > 0)
                *out = seen.data[3 * i] == 255 ? P3D_EVAL_SEEN : P3D_EVAL_UNKNOWN;
            else if (target_z ? misses_source(cam, center, x, y, target_z->data[i])
                              : misses_source(cam, center, x, y, zmin - center[2]) ||
                                    misses_source(cam, center, x, y, zmax - center[2]))
                *out = P3D_EVAL_OUTSIDE;
            else
                *out = P3D_EVAL_DISOCCLUDED;
        }
    p3d_image_free(&seen);
    p3d_map_free(&seen_z);
    return rc;
}
