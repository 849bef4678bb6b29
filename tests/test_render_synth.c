/* Rendering against exact ground truth: a mesh built from the synthetic
 * scene's source view (one vertex per pixel at its true depth, triangles
 * not spanning depth jumps) is rendered with photo3d's video frame pipeline
 * (3x supersampling, no crop_border) from each default novel pose and
 * compared with the analytic ray-cast view of that pose over the pixels the
 * source camera also sees (away from depth edges and the frame border).
 * Both use the camera of ALGORITHM.md 2.6/9: f = max(W, H), so the anchor
 * crop of the square canvas lines up with the synthetic view exactly. */
#include "photo3d/render.h"
#include "photo3d/synth.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 160
#define H 120
#define PSNR_BOUND 30.0 /* dB over the compared pixels */
#define EDGE_MARGIN 2   /* pixels skipped around depth jumps and the border */

static int jump(float a, float b)
{
    return fabsf(a - b) > 0.03f * fminf(a, b);
}

static void mesh_from_view(const p3d_image *rgb, const p3d_map *depth, p3d_mesh *m)
{
    p3d_camera cam;
    p3d_synth_camera(W, H, &cam);
    memset(m, 0, sizeof *m);
    m->width = W, m->height = H;
    m->hfov = 2 * atan(W / (2 * cam.fx));
    m->vfov = 2 * atan(H / (2 * cam.fy));
    m->nverts = W * H;
    m->xyz = malloc(sizeof(float) * 3 * W * H);
    m->rgba = malloc(4 * W * H);
    m->faces = malloc(sizeof(int32_t) * 6 * W * H);
    for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++) {
            int v = i * W + j;
            double z = depth->data[v];
            m->xyz[3 * v] = (float)(z * (j + 0.5 - cam.cx) / cam.fx);
            m->xyz[3 * v + 1] = (float)(z * (i + 0.5 - cam.cy) / cam.fy);
            m->xyz[3 * v + 2] = (float)z;
            memcpy(m->rgba + 4 * v, rgb->data + 3 * v, 3);
            m->rgba[4 * v + 3] = P3D_VERTEX_ORIGINAL;
        }
    const float *d = depth->data;
    for (int i = 0; i + 1 < H; i++)
        for (int j = 0; j + 1 < W; j++) {
            int a = i * W + j, b = a + 1, c = a + W, e = c + 1;
            if (!jump(d[a], d[b]) && !jump(d[a], d[c]) && !jump(d[b], d[c])) {
                int32_t t[3] = {a, c, b};
                memcpy(m->faces + 3 * m->nfaces++, t, sizeof t);
            }
            if (!jump(d[b], d[c]) && !jump(d[b], d[e]) && !jump(d[c], d[e])) {
                int32_t t[3] = {b, c, e};
                memcpy(m->faces + 3 * m->nfaces++, t, sizeof t);
            }
        }
}

/* Pixels to compare: seen by the source, no depth jump within the margin. */
static int comparable(const p3d_image *mask, const p3d_map *depth, int x, int y)
{
    if (x < EDGE_MARGIN || y < EDGE_MARGIN || x >= W - EDGE_MARGIN || y >= H - EDGE_MARGIN)
        return 0;
    for (int dy = -EDGE_MARGIN; dy <= EDGE_MARGIN; dy++)
        for (int dx = -EDGE_MARGIN; dx <= EDGE_MARGIN; dx++) {
            int p = (y + dy) * W + x + dx;
            if (mask->data[p] != P3D_SYNTH_SEEN_IN_SOURCE ||
                jump(depth->data[p], depth->data[y * W + x]))
                return 0;
        }
    return 1;
}

/* Source-view pixels without a depth jump in their 3x3 neighbourhood (so
 * that every triangle around the vertex exists). */
static int comparable_source(const p3d_map *depth, int x, int y)
{
    if (x < 1 || y < 1 || x >= W - 1 || y >= H - 1)
        return 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            for (int ey = -1; ey <= 1; ey++)
                for (int ex = -1; ex <= 1; ex++)
                    if (jump(depth->data[(y + dy) * W + x + dx], depth->data[(y + ey) * W + x + ex]))
                        return 0;
    return 1;
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.threads = 2;
    p3d_synth_scene scene;
    CHECK_INT(p3d_synth_scene_make(&ctx, W, H, 7, &scene), P3D_OK);
    double origin[3] = {0, 0, 0}, no_crop[4] = {0, 0, 0, 0};
    p3d_image src_rgb;
    p3d_map src_depth;
    CHECK_INT(p3d_synth_render(&ctx, &scene, origin, &src_rgb, &src_depth), P3D_OK);
    p3d_mesh mesh;
    mesh_from_view(&src_rgb, &src_depth, &mesh);
    CHECK(mesh.nfaces > W * H); /* most cells are whole */

    /* Without supersampling, from the source camera, each pixel centre lands
     * exactly on its vertex: the source image comes back (to float rounding). */
    p3d_image same;
    CHECK_INT(p3d_render_frame(&ctx, &mesh, origin, mesh.hfov, 1, no_crop, &same), P3D_OK);
    long differ = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3 && comparable_source(&src_depth, x, y); c++)
                differ += abs(same.data[(y * W + x) * 3 + c] - src_rgb.data[(y * W + x) * 3 + c]) > 1;
    CHECK_INT(differ, 0);
    p3d_image_free(&same);

    for (int k = -1; k < P3D_SYNTH_DEFAULT_POSES; k++) {
        const double *centre = k < 0 ? origin : p3d_synth_default_poses[k];
        p3d_image truth, mask, frame;
        p3d_map truth_depth;
        CHECK_INT(p3d_synth_render(&ctx, &scene, centre, &truth, &truth_depth), P3D_OK);
        CHECK_INT(p3d_synth_visibility(&ctx, &scene, centre, &mask), P3D_OK);
        CHECK_INT(p3d_render_frame(&ctx, &mesh, centre, mesh.hfov, 3, no_crop, &frame), P3D_OK);
        CHECK_INT(frame.width, W);
        CHECK_INT(frame.height, H);
        double se = 0;
        long n = 0;
        for (int y = 0; y < H && frame.height == H; y++)
            for (int x = 0; x < W; x++) {
                if (!comparable(&mask, &truth_depth, x, y))
                    continue;
                for (int c = 0; c < 3; c++) {
                    double d = (double)frame.data[(y * W + x) * 3 + c] - truth.data[(y * W + x) * 3 + c];
                    se += d * d;
                }
                n++;
            }
        double psnr = n ? 10 * log10(255.0 * 255.0 * 3 * n / (se > 0 ? se : 1e-9)) : 0;
        printf("pose %d (%.2f, %.2f, %.2f): %ld pixels compared, PSNR %.2f dB\n", k + 1, centre[0],
               centre[1], centre[2], n, psnr);
        CHECK(n > W * H / 3);
        CHECK(psnr > PSNR_BOUND);
        p3d_image_free(&truth);
        p3d_image_free(&mask);
        p3d_image_free(&frame);
        p3d_map_free(&truth_depth);
    }
    p3d_mesh_free(&mesh);
    p3d_image_free(&src_rgb);
    p3d_map_free(&src_depth);
    return tl_finish();
}
