/* The reference's depth normalisation (src/io/depth_reference.c, ALGORITHM.md
 * 2.4): a hand-computed case, the output range, invariance to positive affine
 * changes, and the defined handling of NaN, inf, zero and negative values.
 * Parity with the Python reference itself is in test_io_parity.py. */
#include "photo3d/io.h"
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static p3d_ctx ctx;

static p3d_map depth_of(float *v, int w, int h, p3d_depth_kind kind, int dw, int dh)
{
    p3d_map raw = {w, h, v}, out;
    CHECK_INT(p3d_depth_from_map(&ctx, &raw, kind, dw, dh, &out), P3D_OK);
    return out;
}

static int same_map(const p3d_map *a, const p3d_map *b, double rel)
{
    if (!a->data || !b->data || a->width != b->width || a->height != b->height)
        return 0;
    for (int i = 0; i < a->width * a->height; i++)
        if (fabs(a->data[i] - b->data[i]) > rel * fabs(b->data[i]))
            return 0;
    return 1;
}

int main(void)
{
    p3d_ctx_init(&ctx);

    /* [0, 1, 2] at the same size: d/max = [0, .5, 1]; the 3x3 box with
     * reflect-101 gives [1/3, 1/2, 2/3], times max 2 = [2/3, 1, 4/3]; scaled
     * to max 3: [1.5, 2.25, 3]; depth = 1/d = [2/3, 4/9, 1/3]. */
    float ramp[3] = {0, 1, 2};
    p3d_map d = depth_of(ramp, 3, 1, P3D_DEPTH_KIND_DISPARITY, 3, 1);
    CHECK_NEAR(d.data[0], 2.0 / 3, 1e-6);
    CHECK_NEAR(d.data[1], 4.0 / 9, 1e-6);
    CHECK_NEAR(d.data[2], 1.0 / 3, 1e-6);
    p3d_map_free(&d);

    /* A random map enlarged 1.5x: depth within [1/3, 20]; the far clamp (d < 0.05) hits. */
    enum { W = 20, H = 16 };
    float v[W * H], shifted[W * H];
    srand(3);
    for (int i = 0; i < W * H; i++)
        v[i] = (float)(rand() % 1000) / 100 - 2 + (i % W) * 0.5f;
    for (int y = 0; y < 4; y++) /* a far 4x4 patch: its inside stays below 0.05 after the blur */
        for (int x = 0; x < 4; x++)
            v[y * W + x] = -40;
    p3d_map base = depth_of(v, W, H, P3D_DEPTH_KIND_DISPARITY, 30, 24);
    float lo = 100, hi = 0;
    for (int i = 0; i < 30 * 24; i++) {
        lo = fminf(lo, base.data[i]);
        hi = fmaxf(hi, base.data[i]);
    }
    CHECK(lo >= 1.0f / 3 - 1e-6f && hi <= 20.0f);
    CHECK_NEAR(hi, 20.0, 1e-6);

    /* Invariance to d -> 2d + 5 (the reason MiDaS floats and 16-bit PNGs agree). */
    for (int i = 0; i < W * H; i++)
        shifted[i] = 2 * v[i] + 5;
    d = depth_of(shifted, W, H, P3D_DEPTH_KIND_DISPARITY, 30, 24);
    CHECK(same_map(&d, &base, 1e-5));
    p3d_map_free(&d);

    /* Non-finite disparities take the smallest finite value (the farthest). */
    float with_nan[W * H], filled[W * H];
    memcpy(with_nan, v, sizeof v);
    memcpy(filled, v, sizeof v);
    with_nan[40] = NAN;
    with_nan[41] = INFINITY;
    with_nan[42] = -INFINITY;
    filled[40] = filled[41] = filled[42] = -40;
    d = depth_of(with_nan, W, H, P3D_DEPTH_KIND_DISPARITY, 12, 10);
    p3d_map ref = depth_of(filled, W, H, P3D_DEPTH_KIND_DISPARITY, 12, 10);
    CHECK(same_map(&d, &ref, 0));
    p3d_map_free(&d);
    p3d_map_free(&ref);

    /* Depth kind: 1/z first; z <= 0 or non-finite is unknown -> farthest (smallest 1/z). */
    float z[W * H], inv[W * H];
    for (int i = 0; i < W * H; i++) {
        z[i] = 1.0f + (float)(i % 7) * 0.5f + (float)(i / W) * 0.1f;
        inv[i] = 1.0f / z[i];
    }
    float farthest = inv[0];
    for (int i = 0; i < W * H; i++)
        farthest = fminf(farthest, inv[i]);
    z[10] = 0;
    z[11] = -3;
    z[12] = NAN;
    inv[10] = inv[11] = inv[12] = farthest;
    d = depth_of(z, W, H, P3D_DEPTH_KIND_DEPTH, W, H);
    ref = depth_of(inv, W, H, P3D_DEPTH_KIND_DISPARITY, W, H);
    CHECK(same_map(&d, &ref, 1e-6)); /* 1/z is taken in double inside, in float here */
    p3d_map_free(&d);
    p3d_map_free(&ref);

    /* A flat map has no reference behaviour: defined here as depth 1/3 everywhere. */
    float flat[4] = {2, 2, 2, NAN};
    d = depth_of(flat, 2, 2, P3D_DEPTH_KIND_DISPARITY, 3, 3);
    CHECK_NEAR(d.data[0], 1.0 / 3, 1e-7);
    CHECK_NEAR(d.data[8], 1.0 / 3, 1e-7);
    p3d_map_free(&d);

    /* Extreme but finite inputs do not overflow: a denormal depth is very near,
     * a range wider than FLT_MAX still normalises. */
    float extreme[4] = {1e-40f, 1, 2, 3};
    d = depth_of(extreme, 4, 1, P3D_DEPTH_KIND_DEPTH, 4, 1);
    CHECK(d.data[0] < d.data[3] && d.data[3] == 20.0f);
    p3d_map_free(&d);
    float wide[3] = {-3e38f, 0, 3e38f};
    d = depth_of(wide, 3, 1, P3D_DEPTH_KIND_DISPARITY, 3, 1);
    CHECK_NEAR(d.data[0], 2.0 / 3, 1e-6); /* as [0, 1, 2] above */
    CHECK_NEAR(d.data[2], 1.0 / 3, 1e-6);
    p3d_map_free(&d);

    /* No valid value at all is an input error. */
    float none[2] = {NAN, INFINITY}, nonpos[2] = {0, -1};
    p3d_map raw = {2, 1, none};
    CHECK_INT(p3d_depth_from_map(&ctx, &raw, P3D_DEPTH_KIND_DISPARITY, 2, 1, &d), P3D_E_INPUT);
    CHECK(d.data == NULL && strstr(p3d_errmsg(&ctx), "no valid value"));
    p3d_clear_error(&ctx);
    raw.data = nonpos;
    CHECK_INT(p3d_depth_from_map(&ctx, &raw, P3D_DEPTH_KIND_DEPTH, 2, 1, &d), P3D_E_INPUT);
    p3d_clear_error(&ctx);
    /* ... while zero and negative disparities are ordinary values. */
    CHECK_INT(p3d_depth_from_map(&ctx, &raw, P3D_DEPTH_KIND_DISPARITY, 2, 1, &d), P3D_OK);
    p3d_map_free(&d);
    p3d_map_free(&base);

    /* Real data: TUM's 16-bit depth in 1/5000 m with 0 = invalid, as depth kind. */
    const char *data = tl_shared_data();
    if (data) {
        char path[1024];
        snprintf(path, sizeof path, "%s/rgbd/tum/TUM_depth.png", data);
        p3d_map tum;
        CHECK_INT(p3d_map_load(&ctx, path, &tum), P3D_OK);
        CHECK(tum.width == 640 && tum.height == 480);
        int zeros = 0;
        for (int i = 0; i < 640 * 480; i++)
            zeros += tum.data[i] == 0;
        CHECK(zeros > 0);
        d = depth_of(tum.data, 640, 480, P3D_DEPTH_KIND_DEPTH, 960, 720);
        int at_far = 0;
        float dmin = 100, dmax = 0;
        for (int i = 0; i < 960 * 720; i++) {
            dmin = fminf(dmin, d.data[i]);
            dmax = fmaxf(dmax, d.data[i]);
            at_far += d.data[i] == 20.0f;
        }
        /* Invalid pixels take the farthest disparity, which step 2 makes 0:
         * they and the farthest valid pixels land on the far plane (20); the
         * nearest pixel is at 1/3. */
        CHECK_NEAR(dmin, 1.0 / 3, 1e-3);
        CHECK(dmax == 20.0f && at_far > zeros);
        p3d_map_free(&d);
        p3d_map_free(&tum);
    }
    return tl_finish();
}
