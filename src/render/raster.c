/* Software rasterizer for the 3D photo mesh with the reference's camera
 * (ALGORITHM.md 9, "Camera convention"): u = S/2 + (S/2)(px/pz)/tan(fov/2),
 * likewise v, pixel centres at integer + 0.5. Triangles are filled when a
 * pixel centre lies inside or on an edge; the nearest surface wins (z-buffer
 * on 1/z, which is linear in screen space) and colours are interpolated
 * perspective-correctly as colour/z over 1/z. No culling; triangles with a
 * vertex closer than RASTER_NEAR are dropped (the reference clips nothing in
 * practice). Row bands are drawn in parallel: each band owns its rows, so no
 * locking is needed and the result does not depend on the thread count.
 * Pixels are tested in 4x2 stamps with GCC vector types (AVX2 or SSE,
 * whatever the target has); at the 3x supersampled size most mesh triangles
 * fit one or two stamps. */
#include "render/raster.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define RASTER_NEAR 1e-3
#define BACKGROUND 128
#define STAMP_W 4 /* stamp of 4 x 2 pixels = 8 lanes */
#define STAMP_H 2

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
static const v8f lane_x = {0, 1, 2, 3, 0, 1, 2, 3};
static const v8f lane_y = {0, 0, 0, 0, 1, 1, 1, 1};
static const v8f max_value = {255, 255, 255, 255, 255, 255, 255, 255};
static const v4f beyond = {INFINITY, INFINITY, INFINITY, INFINITY}; /* a row past the band */

/* Plain comparisons: fminf/fmaxf are library calls with NaN rules. */
static inline float min3(float a, float b, float c)
{
    float m = a < b ? a : b;
    return m < c ? m : c;
}

static inline float max3(float a, float b, float c)
{
    float m = a > b ? a : b;
    return m > c ? m : c;
}

/* Bit k set when lane k of the mask is true. */
static inline unsigned lane_bits(v8i mask)
{
#ifdef __AVX__
    return (unsigned)__builtin_ia32_movmskps256((v8f)mask);
#else
    unsigned bits = 0;
    for (int lane = 0; lane < 8; lane++)
        bits |= (unsigned)(mask[lane] & 1) << lane;
    return bits;
#endif
}

typedef struct {
    float x, y, inv_z; /* inv_z <= 0: in front of the near plane */
    uint8_t rgba[4];   /* colour; colour * inv_z is interpolated linearly on screen */
} projected;           /* 16 bytes: the bands stream these from memory for every face */

int raster_canvas_alloc(p3d_ctx *ctx, raster_canvas *c, int size)
{
    memset(c, 0, sizeof *c);
    size_t n = (size_t)size * size;
    if (size <= 0 || (long long)n > ctx->max_pixels)
        return p3d_fail(ctx, P3D_E_LIMIT, "render canvas %dx%d is over the pixel limit", size, size);
    for (int k = 0; k < 3; k++)
        c->plane[k] = malloc(n);
    c->zstride = size + STAMP_W;
    c->inv_depth = malloc((size_t)size * c->zstride * sizeof(float));
    c->size = size;
    if (!c->plane[0] || !c->plane[1] || !c->plane[2] || !c->inv_depth) {
        raster_canvas_free(c);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for a %dx%d render canvas", size, size);
    }
    return P3D_OK;
}

void raster_canvas_free(raster_canvas *c)
{
    for (int k = 0; k < 3; k++)
        free(c->plane[k]);
    free(c->inv_depth);
    free(c->projected);
    memset(c, 0, sizeof *c);
}

void raster_project(const double center[3], double fov, int size, const double p[3], double *u,
                    double *v)
{
    double half = size / 2.0, focal = half / tan(fov / 2.0);
    double pz = p[2] - center[2];
    *u = half + focal * (p[0] - center[0]) / pz;
    *v = half + focal * (p[1] - center[1]) / pz;
}

static void project_vertices(const p3d_mesh *m, const double center[3], double fov, int size,
                             int threads, projected *out)
{
    double half = size / 2.0, focal = half / tan(fov / 2.0);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long i = 0; i < m->nverts; i++) {
        const float *p = m->xyz + 3 * i;
        double pz = p[2] - center[2];
        if (pz < RASTER_NEAR) {
            out[i].x = out[i].y = 0;
            out[i].inv_z = -1;
            continue;
        }
        double iz = 1.0 / pz;
        out[i].x = (float)(half + focal * (p[0] - center[0]) * iz);
        out[i].y = (float)(half + focal * (p[1] - center[1]) * iz);
        out[i].inv_z = (float)iz;
        memcpy(out[i].rgba, m->rgba + 4 * i, 4);
    }
}

/* Fills the pixels of one triangle inside rows [y0, y1). The barycentric
 * weights come straight from the edge functions used for the inside test;
 * 1/z and colour/z are interpolated with them (both are linear in screen
 * space), so the colour is perspective-correct. Every pixel goes through the
 * same vector arithmetic, which keeps shared edges exact (no FMA
 * contraction in ISO C mode). */
/* Edge function of the edge a-b in canonical order (see draw_triangle). */
static inline void edge_setup(const projected *a, const projected *b, float orient, float *ax,
                              float *ay, float *dx, float *dy)
{
    float sign = a < b ? orient : -orient;
    const projected *lo = a < b ? a : b, *hi = a < b ? b : a;
    *ax = lo->x, *ay = lo->y;
    *dx = sign * (hi->x - lo->x), *dy = sign * (hi->y - lo->y);
}

/* Draws one triangle into the part [x0, x1) x [y0, y1) of the canvas. */
static void draw_triangle(const projected *const v[3], raster_canvas *cv, int x0, int y0, int x1,
                          int y1)
{
    float minx = min3(v[0]->x, v[1]->x, v[2]->x), maxx = max3(v[0]->x, v[1]->x, v[2]->x);
    float miny = min3(v[0]->y, v[1]->y, v[2]->y), maxy = max3(v[0]->y, v[1]->y, v[2]->y);
    if (!(minx < x1 && maxx > x0 && miny < y1 && maxy > y0)) /* also drops NaN */
        return;
    minx = minx < x0 - 1 ? x0 - 1 : minx, maxx = maxx > x1 + 1 ? x1 + 1 : maxx;
    miny = miny < y0 - 1 ? y0 - 1 : miny, maxy = maxy > y1 + 1 ? y1 + 1 : maxy;
    /* pixels whose centres (i + 0.5) lie in [min, max] */
    int xa = (int)ceilf(minx - 0.5f), xb = (int)floorf(maxx - 0.5f);
    int ya = (int)ceilf(miny - 0.5f), yb = (int)floorf(maxy - 0.5f);
    xa = xa < x0 ? x0 : xa;
    xb = xb > x1 - 1 ? x1 - 1 : xb;
    ya = ya < y0 ? y0 : ya;
    yb = yb > y1 - 1 ? y1 - 1 : yb;
    if (xa > xb || ya > yb)
        return;
    float area = (v[1]->x - v[0]->x) * (v[2]->y - v[0]->y) - (v[2]->x - v[0]->x) * (v[1]->y - v[0]->y);
    if (!(fabsf(area) > 1e-12f))
        return;
    /* Edge k is opposite vertex k. Its function e(p) = (b - a) x (p - a) is
     * evaluated with the edge's endpoints in a canonical order (by address),
     * so the two triangles sharing an edge compute the very same float value
     * with opposite signs (a sign flip of dx, dy is exact): a pixel centre on
     * the edge belongs to both and never falls through a crack. The sign
     * orients it (inside >= 0); divided by |area| it is vertex k's
     * barycentric weight. */
    float ax[3], ay[3], dx[3], dy[3], iz[3], cz[3][3];
    float orient = area > 0 ? 1.0f : -1.0f, inv_area = 1.0f / fabsf(area);
    edge_setup(v[1], v[2], orient, &ax[0], &ay[0], &dx[0], &dy[0]);
    edge_setup(v[2], v[0], orient, &ax[1], &ay[1], &dx[1], &dy[1]);
    edge_setup(v[0], v[1], orient, &ax[2], &ay[2], &dx[2], &dy[2]);
    for (int k = 0; k < 3; k++) {
        iz[k] = v[k]->inv_z * inv_area;
        for (int ch = 0; ch < 3; ch++)
            cz[ch][k] = v[k]->rgba[ch] * v[k]->inv_z * inv_area;
    }
    for (int sy = ya; sy <= yb; sy += STAMP_H) {
        v8f py = (float)sy + 0.5f + lane_y;
        const float *zrow0 = cv->inv_depth + (size_t)sy * cv->zstride;
        const float *zrow1 = sy < yb ? zrow0 + cv->zstride : NULL;
        for (int sx = xa; sx <= xb; sx += STAMP_W) {
            v8f px = (float)sx + 0.5f + lane_x;
            v8f w0 = dx[0] * (py - ay[0]) - dy[0] * (px - ax[0]);
            v8f w1 = dx[1] * (py - ay[1]) - dy[1] * (px - ax[1]);
            v8f w2 = dx[2] * (py - ay[2]) - dy[2] * (px - ax[2]);
            v8f z = w0 * iz[0] + w1 * iz[1] + w2 * iz[2];
            /* two 4-wide row loads joined in registers (a join through
             * memory stalls store forwarding) */
            v4f zb0, zb1 = beyond;
            memcpy(&zb0, zrow0 + sx, sizeof zb0);
            if (zrow1)
                memcpy(&zb1, zrow1 + sx, sizeof zb1);
            v8f zb = __builtin_shufflevector(zb0, zb1, 0, 1, 2, 3, 4, 5, 6, 7);
            v8i pass = (w0 >= 0) & (w1 >= 0) & (w2 >= 0) & (z > zb) & (px < xb + 1.0f);
            unsigned bits = lane_bits(pass);
            if (!bits)
                continue;
            v8f inv = 1.0f / z;
            v8i c[3];
            for (int ch = 0; ch < 3; ch++) {
                v8f value = (w0 * cz[ch][0] + w1 * cz[ch][1] + w2 * cz[ch][2]) * inv + 0.5f;
                /* clamp to [0, 255] with masks (NaN from slivers goes to 0) */
                v8i bits = (v8i)value & (value > 0);
                v8i below = (v8f)bits < 255;
                bits = (bits & below) | ((v8i)max_value & ~below);
                c[ch] = __builtin_convertvector((v8f)bits, v8i);
            }
            for (; bits; bits &= bits - 1) {
                int lane = __builtin_ctz(bits);
                int x = sx + lane % STAMP_W, y = sy + lane / STAMP_W;
                cv->inv_depth[(size_t)y * cv->zstride + x] = z[lane];
                size_t at = (size_t)y * cv->size + x;
                for (int ch = 0; ch < 3; ch++)
                    cv->plane[ch][at] = (uint8_t)c[ch][lane];
            }
        }
    }
}

/* Clears and draws the rows [y0, y1), columns [x0, x1) of the canvas. */
static void draw_band(const p3d_mesh *m, const projected *pv, raster_canvas *cv, int x0, int y0,
                      int x1, int y1)
{
    for (int y = y0; y < y1; y++) {
        for (int ch = 0; ch < 3; ch++)
            memset(cv->plane[ch] + (size_t)y * cv->size + x0, BACKGROUND, (size_t)(x1 - x0));
        /* the padding columns too: 4-wide stamp loads read them */
        memset(cv->inv_depth + (size_t)y * cv->zstride + x0, 0, sizeof(float) * (x1 - x0 + STAMP_W));
    }
    float top = y0 + 0.5f, bottom = y1 - 0.5f;
    for (long f = 0; f < m->nfaces; f++) {
        const int32_t *idx = m->faces + 3 * f;
        const projected *v[3] = {pv + idx[0], pv + idx[1], pv + idx[2]};
        if (max3(v[0]->y, v[1]->y, v[2]->y) < top || min3(v[0]->y, v[1]->y, v[2]->y) > bottom)
            continue;
        if (v[0]->inv_z <= 0 || v[1]->inv_z <= 0 || v[2]->inv_z <= 0)
            continue;
        draw_triangle(v, cv, x0, y0, x1, y1);
    }
}

int raster_draw(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                const raster_rect *view, raster_canvas *canvas)
{
    raster_rect all = {0, 0, canvas->size, canvas->size};
    if (!view)
        view = &all;
    if (view->x0 < 0 || view->y0 < 0 || view->x1 > canvas->size || view->y1 > canvas->size ||
        view->x0 >= view->x1 || view->y0 >= view->y1)
        return p3d_fail(ctx, P3D_E_INTERNAL, "render view [%d,%d)x[%d,%d) is not inside the canvas",
                        view->x0, view->x1, view->y0, view->y1);
    if (!(fov > 0 && fov < P3D_PI))
        return p3d_fail(ctx, P3D_E_INPUT, "mesh field of view %g rad is not in (0, pi)", fov);
    if (canvas->nprojected < mesh->nverts || !canvas->projected) {
        free(canvas->projected);
        canvas->nprojected = mesh->nverts ? mesh->nverts : 1;
        canvas->projected = malloc(sizeof(projected) * (size_t)canvas->nprojected);
        if (!canvas->projected) {
            canvas->nprojected = 0;
            return p3d_fail(ctx, P3D_E_NOMEM, "out of memory projecting %ld vertices", mesh->nverts);
        }
    }
    projected *pv = canvas->projected;
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    project_vertices(mesh, center, fov, canvas->size, threads, pv);
    int bands = threads;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int b = 0; b < bands; b++) {
        int rows = view->y1 - view->y0;
        int y0 = view->y0 + (int)((long)rows * b / bands), y1 = view->y0 + (int)((long)rows * (b + 1) / bands);
        if (y0 < y1)
            draw_band(mesh, pv, canvas, view->x0, y0, view->x1, y1);
    }
    return P3D_OK;
}
