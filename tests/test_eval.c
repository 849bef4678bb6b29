/* Novel-view evaluation (src/eval, src/render/view.c): PSNR and SSIM on
 * hand-computed cases, the disocclusion mask of a crafted stereo pair, the
 * stereo-to-camera geometry through an actual render, the unknown-depth
 * fill and the general-camera render. Expected values are worked out in
 * the comments. */
#include "photo3d/eval.h"
#include "photo3d/render.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fill_image(p3d_ctx *ctx, p3d_image *img, int w, int h, uint8_t v)
{
    CHECK_INT(p3d_image_alloc(ctx, img, w, h, 3), P3D_OK);
    memset(img->data, v, (size_t)w * h * 3);
}

static void test_psnr(p3d_ctx *ctx)
{
    p3d_image a, b;
    fill_image(ctx, &a, 8, 4, 100);
    fill_image(ctx, &b, 8, 4, 100);
    CHECK(isinf(p3d_psnr(&a, &b, NULL)) && p3d_psnr(&a, &b, NULL) > 0);
    /* every sample off by 5: MSE 25, PSNR = 10 log10(255^2 / 25) = 20 log10(51) = 34.1514 dB */
    memset(b.data, 105, 8 * 4 * 3);
    CHECK_NEAR(p3d_psnr(&a, &b, NULL), 34.151404, 1e-5);
    /* one pixel off by 30 in one channel, selected with one equal pixel:
     * MSE = 900 / 6 = 150, PSNR = 10 log10(65025 / 150) = 26.3699 dB */
    memset(b.data, 100, 8 * 4 * 3);
    b.data[0] = 130;
    uint8_t sel[32] = {1, 1};
    CHECK_NEAR(p3d_psnr(&a, &b, sel), 10 * log10(65025.0 / 150.0), 1e-9);
    sel[0] = 0;
    CHECK(isinf(p3d_psnr(&a, &b, sel))); /* the differing pixel is not selected */
    memset(sel, 0, sizeof sel);
    CHECK(isnan(p3d_psnr(&a, &b, sel)));

    /* SSIM of identical images is 1 everywhere; of two flat images of
     * luminance 100 and 110 it is the luminance term only (no variance):
     * (2*100*110 + C1) / (100^2 + 110^2 + C1), C1 = (0.01*255)^2 = 6.5025. */
    p3d_map m;
    CHECK_INT(p3d_ssim_map(ctx, &a, &a, &m), P3D_OK);
    CHECK_NEAR(p3d_map_mean(&m, NULL), 1.0, 1e-12);
    p3d_map_free(&m);
    memset(b.data, 110, 8 * 4 * 3);
    CHECK_INT(p3d_ssim_map(ctx, &a, &b, &m), P3D_OK);
    double c1 = 6.5025, want = (22000 + c1) / (22100 + c1);
    CHECK_NEAR(m.data[0], want, 1e-5);
    CHECK_NEAR(m.data[31], want, 1e-5);
    p3d_map_free(&m);
    p3d_image_free(&a);
    p3d_image_free(&b);
}

/* A 40x20 disparity map (f = 40, cx = 20, cy = 10): background disparity
 * 1, a foreground square (columns 10..19, rows 5..14) of disparity 4; the
 * target is one baseline to the right (pose 1,0,0), so the background
 * moves 1 px left and the square 4 px. Target columns 16..18 of rows 5..14
 * then look at background the square hid (the 4 - 1 = 3 px strip on its
 * right), column 39 at background beyond the source frame's right edge. */
static void test_disocclusion(p3d_ctx *ctx)
{
    p3d_map disp, z;
    CHECK_INT(p3d_map_alloc(ctx, &disp, 40, 20), P3D_OK);
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < 40; x++)
            disp.data[y * 40 + x] = x >= 10 && x < 20 && y >= 5 && y < 15 ? 4.0f : 1.0f;
    disp.data[2 * 40 + 30] = 0; /* one unknown source pixel */
    CHECK_INT(p3d_eval_metric_depth(ctx, &disp, P3D_EVAL_INPUT_DISPARITY, 1.0, 40.0, &z), P3D_OK);
    CHECK_NEAR(z.data[0], 40.0, 1e-5);             /* Z = f / d */
    CHECK_NEAR(z.data[6 * 40 + 12], 10.0, 1e-5);
    double s = p3d_eval_scene_scale(&z);           /* max 1/(sZ) = 3: s = 1 / 30 */
    CHECK_NEAR(s, 1.0 / 30.0, 1e-9);
    for (int i = 0; i < 800; i++)
        z.data[i] = (float)(z.data[i] * s);
    p3d_camera cam;
    p3d_reference_camera(40, 20, 40, 20, &cam);
    double c[3] = {s, 0, 0};
    p3d_image mask;
    CHECK_INT(p3d_eval_disocclusion(ctx, &z, &cam, c, NULL, &mask), P3D_OK);
    long wrong = 0, hidden = 0;
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < 40; x++) {
            int v = mask.data[y * 40 + x], want = P3D_EVAL_SEEN;
            if (x == 39)
                want = P3D_EVAL_OUTSIDE;
            else if (y >= 5 && y < 15 && x >= 16 && x <= 18)
                want = P3D_EVAL_DISOCCLUDED;
            else if (y >= 1 && y <= 3 && x >= 28 && x <= 30)
                continue; /* near the unknown pixel (source 30 -> target 29) */
            hidden += v == P3D_EVAL_DISOCCLUDED;
            wrong += v != want;
        }
    CHECK_INT(hidden, 30);
    CHECK_INT(wrong, 0);
    CHECK_INT(mask.data[2 * 40 + 29], P3D_EVAL_UNKNOWN); /* shows the unknown source pixel */
    p3d_image_free(&mask);
    /* with the target's own depth map, unknown target pixels are left out */
    p3d_map tz;
    CHECK_INT(p3d_map_alloc(ctx, &tz, 40, 20), P3D_OK);
    for (int i = 0; i < 800; i++)
        tz.data[i] = (float)(40 * s);
    tz.data[0] = 0;
    CHECK_INT(p3d_eval_disocclusion(ctx, &z, &cam, c, &tz, &mask), P3D_OK);
    CHECK_INT(mask.data[0], P3D_EVAL_UNKNOWN);
    CHECK_INT(mask.data[7 * 40 + 17], P3D_EVAL_DISOCCLUDED);
    CHECK_INT(mask.data[7 * 40 + 39], P3D_EVAL_OUTSIDE); /* x = 39.5 + 1 at depth 40: beyond 39.5 */
    p3d_image_free(&mask);
    p3d_map_free(&tz);
    p3d_map_free(&z);
    p3d_map_free(&disp);
}

/* Middlebury geometry: a plane of disparity 8 px seen from the view k = 2
 * steps of 4 (pose 0.5 baselines) moves by d k / 4 = 4 px to the left. The
 * source shows one bright column (x = 30); the rendered view must show it
 * at x = 26. Goes through the whole mapping: disparity -> Z = f/d -> scale
 * -> render at the reference camera (the stretch mesh). */
static void test_stereo_shift(p3d_ctx *ctx)
{
    int w = 64, h = 16;
    p3d_map disp, z;
    p3d_image src, mask;
    CHECK_INT(p3d_map_alloc(ctx, &disp, w, h), P3D_OK);
    for (int i = 0; i < w * h; i++)
        disp.data[i] = 32; /* stored value; x 0.25 = 8 px as Middlebury 2003 */
    fill_image(ctx, &src, w, h, 40);
    for (int y = 0; y < h; y++)
        memset(src.data + (y * w + 30) * 3, 250, 3);
    CHECK_INT(p3d_image_alloc(ctx, &mask, w, h, 1), P3D_OK);
    memset(mask.data, P3D_EVAL_SEEN, (size_t)w * h);
    CHECK_INT(p3d_eval_metric_depth(ctx, &disp, P3D_EVAL_INPUT_DISPARITY, 0.25, w, &z), P3D_OK);
    double s = p3d_eval_scene_scale(&z);
    for (int i = 0; i < w * h; i++)
        z.data[i] = (float)(z.data[i] * s);
    CHECK_NEAR(1.0 / z.data[0], 3.0, 1e-5);
    p3d_pipeline_options o;
    p3d_pipeline_defaults(&o);
    p3d_eval_job job = {&src, &z, &src, &mask, {0.5 * s, 0, 0}, &o, 1u << P3D_EVAL_STRETCH};
    p3d_eval_result res[P3D_EVAL_METHODS];
    CHECK_INT(p3d_eval_run(ctx, &job, res), P3D_OK);
    CHECK(res[P3D_EVAL_STRETCH].done && !res[P3D_EVAL_OURS].done);
    const p3d_image *v = &res[P3D_EVAL_STRETCH].view;
    int row = h / 2, brightest = -1;
    for (int x = 0; x < w; x++)
        if (brightest < 0 || v->data[(row * w + x) * 3] > v->data[(row * w + brightest) * 3])
            brightest = x;
    CHECK_INT(brightest, 26);
    CHECK_INT(v->data[(row * w + 26) * 3], 250);
    CHECK_INT(v->data[(row * w + 27) * 3], 40);
    p3d_eval_results_free(res);
    p3d_image_free(&src);
    p3d_image_free(&mask);
    p3d_map_free(&z);
    p3d_map_free(&disp);
}

/* Unknown depths take the farthest known 4-neighbour, ring by ring:
 * [2 0 0 5 0] -> ring 1: [2 2 5 5 5] (pixel 2 sees 0 and 5). */
static void test_fill(p3d_ctx *ctx)
{
    p3d_map z;
    CHECK_INT(p3d_map_alloc(ctx, &z, 5, 1), P3D_OK);
    const float in[5] = {2, 0, 0, 5, 0}, want[5] = {2, 2, 5, 5, 5};
    memcpy(z.data, in, sizeof in);
    CHECK_INT(p3d_eval_fill_unknown(ctx, &z), P3D_OK);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(z.data[i], want[i], 0);
    p3d_map_free(&z);
    p3d_map raw;
    CHECK_INT(p3d_map_alloc(ctx, &raw, 2, 2), P3D_OK);
    memset(raw.data, 0, sizeof(float) * 4);
    CHECK_INT(p3d_eval_metric_depth(ctx, &raw, P3D_EVAL_INPUT_DEPTH, 1, 1, &z), P3D_E_INPUT);
    p3d_clear_error(ctx);
    p3d_map_free(&raw);
}

/* A quad X in [0, 0.4], Y in [0, 0.2] at Z = 2 seen by a 30x20 camera with
 * fx 50, fy 60, cx 12.3, cy 7.7: u in [12.3, 22.3], v in [7.7, 13.7], so
 * pixel centres j + 0.5 cover columns 12..21 and rows 8..13. */
static void test_render_view(p3d_ctx *ctx)
{
    float xyz[12] = {0, 0, 2, 0.4f, 0, 2, 0, 0.2f, 2, 0.4f, 0.2f, 2};
    uint8_t rgba[16] = {200, 10, 10, 1, 200, 10, 10, 1, 200, 10, 10, 1, 200, 10, 10, 1};
    int32_t faces[6] = {0, 2, 1, 1, 2, 3};
    p3d_mesh m = {30, 20, 1, 1, 4, xyz, rgba, 2, faces};
    p3d_camera cam = {30, 20, 50, 60, 12.3, 7.7};
    double origin[3] = {0, 0, 0};
    p3d_image img;
    p3d_map depth;
    CHECK_INT(p3d_render_view(ctx, &m, &cam, origin, &img, &depth), P3D_OK);
    long wrong = 0;
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < 30; x++) {
            int in = x >= 12 && x <= 21 && y >= 8 && y <= 13;
            int i = y * 30 + x;
            wrong += img.data[3 * i] != (in ? 200 : 128) || fabsf(depth.data[i] - (in ? 2.0f : 0.0f)) > 1e-5f;
        }
    CHECK_INT(wrong, 0);
    p3d_image_free(&img);
    p3d_map_free(&depth);
    /* the camera moved by (0.1, 0, 0): the quad moves left by 50 * 0.1 / 2 = 2.5 px */
    double moved[3] = {0.1, 0, 0};
    CHECK_INT(p3d_render_view(ctx, &m, &cam, moved, &img, NULL), P3D_OK);
    CHECK_INT(img.data[3 * (10 * 30 + 9)], 128);  /* u range [9.8, 19.8]: column 9 (9.5) out */
    CHECK_INT(img.data[3 * (10 * 30 + 10)], 200);
    CHECK_INT(img.data[3 * (10 * 30 + 19)], 200);
    CHECK_INT(img.data[3 * (10 * 30 + 20)], 128);
    p3d_image_free(&img);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.threads = 2;
    test_psnr(&ctx);
    test_disocclusion(&ctx);
    test_stereo_shift(&ctx);
    test_fill(&ctx);
    test_render_view(&ctx);
    return tl_finish();
}
