/* Depth fill (src/inpaint/depth_fill.c, membrane.c): harmonic interpolation
 * from the background context with continued edges as barriers. */
#include "inpaint/baselines.h"
#include "inpaint/classical.h"
#include "inpaint/membrane.h"
#include "inpaint_fixture.h"
#include "testlib.h"

#include <math.h>

static const uint8_t GRAY[3] = {100, 100, 100};

/* The membrane solver on a 200 x 20 strip: known columns x = 0 (value 0) and
 * x = 199 (value 199), unknown between, walls above and below: the harmonic
 * solution is linear, v(x) = x. Checks the coarse-to-fine solver converges on
 * a long domain (plain Gauss-Seidel would need ~40000 sweeps). */
static void test_membrane_linear(p3d_ctx *ctx)
{
    enum { W = 200, H = 20 };
    static uint8_t state[W * H];
    static float v[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            state[y * W + x] = x == 0 || x == W - 1 ? MEMBRANE_KNOWN : MEMBRANE_UNKNOWN;
            v[y * W + x] = x == 0 || x == W - 1 ? (float)x : -1000.0f;
        }
    const float zero = 0;
    CHECK_INT(membrane_fill(ctx, W, H, 1, state, v, &zero), P3D_OK);
    double worst = 0;
    for (int i = 0; i < W * H; i++)
        worst = fmax(worst, fabs(v[i] - i % W));
    printf("membrane on a 200-px strip: max error %.3f\n", worst);
    CHECK(worst < 0.2);

    /* A wall column at x = 100 cuts the strip: each half is constant. Unknown
     * pixels cut off from all data take the nearest known value. */
    for (int y = 0; y < H; y++) {
        state[y * W + 100] = MEMBRANE_WALL;
        v[y * W + 100] = 7;
        v[y * W + W - 1] = 50;
        for (int x = 1; x < W - 1; x++)
            if (x != 100)
                v[y * W + x] = -1;
    }
    state[5 * W + W - 1] = MEMBRANE_WALL; /* one wall pixel in the data column */
    CHECK_INT(membrane_fill(ctx, W, H, 1, state, v, &zero), P3D_OK);
    CHECK_NEAR(v[3 * W + 60], 0, 1e-4);
    CHECK_NEAR(v[17 * W + 160], 50, 1e-4);
    CHECK_NEAR(v[4 * W + 100], 7, 0); /* walls unchanged */
    CHECK_NEAR(v[5 * W + W - 1], 50, 0);
}

/* 64x64 crop, mask [16,48)^2; context depth 2 left of x = 32 (and on the edge
 * column, the near side), 5 right of it; vertical depth edge at x = 32 above
 * and below the mask. */
static void make_two_planes(fixture *f)
{
    fixture_alloc(f, 64, 64);
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++) {
            if (x >= 16 && x < 48 && y >= 16 && y < 48)
                fixture_set_mask(f, x, y);
            else
                fixture_set_context(f, x, y, x <= 32 ? 2.0f : 5.0f, GRAY);
        }
    for (int y = 0; y < 16; y++)
        f->edge[y * 64 + 32] = f->edge[(63 - y) * 64 + 32] = 1;
}

static void test_two_planes(p3d_ctx *ctx)
{
    p3d_inpaint_backend classical, diffusion;
    CHECK_INT(p3d_inpaint_classical_create(ctx, &classical), P3D_OK);
    CHECK_INT(p3d_inpaint_diffusion_create(ctx, &diffusion), P3D_OK);
    fixture f;
    make_two_planes(&f);
    CHECK_INT(fixture_run(ctx, &classical, &f), P3D_OK);
    double worst_left = 0, worst_right = 0, lowest = 1e9;
    for (int y = 16; y < 48; y++)
        for (int x = 16; x < 48; x++) {
            float d = f.depth_out[y * 64 + x];
            lowest = fmin(lowest, d);
            if (x < 32)
                worst_left = fmax(worst_left, fabs(d - 2.0));
            else if (x > 32)
                worst_right = fmax(worst_right, fabs(d - 5.0));
            else
                CHECK_NEAR(d, 2.0, 1e-3); /* the edge itself: near side */
        }
    printf("two planes, classical: max error left %.2g, right %.2g\n", worst_left, worst_right);
    CHECK(worst_left <= 1e-3);
    CHECK(worst_right <= 1e-3);
    CHECK(lowest >= 2.0f);
    CHECK_NEAR(f.depth_out[5 * 64 + 40], 5.0, 0); /* context passed through */
    CHECK_NEAR(f.depth_out[5 * 64 + 10], 2.0, 0);
    fixture_free(&f);

    /* Without barriers, the two planes blend across the middle. */
    make_two_planes(&f);
    CHECK_INT(fixture_run(ctx, &diffusion, &f), P3D_OK);
    double blend = fabs(f.depth_out[32 * 64 + 34] - 5.0);
    printf("two planes, diffusion: error right of the edge %.2f\n", blend);
    CHECK(blend > 0.5);
    fixture_free(&f);
}

/* A wavy background (depth 3 ... 4) around the mask and a foreground (depth 1)
 * that is neither context nor mask: filled depth stays within [3, 4]. */
static void test_no_foreground_bleed(p3d_ctx *ctx)
{
    p3d_inpaint_backend b;
    CHECK_INT(p3d_inpaint_classical_create(ctx, &b), P3D_OK);
    fixture f;
    fixture_alloc(&f, 80, 60);
    for (int y = 0; y < 60; y++)
        for (int x = 0; x < 80; x++) {
            if (x >= 50)
                f.depth[y * 80 + x] = 1.0f; /* foreground, not given to the backend */
            else if (x >= 20)
                fixture_set_mask(&f, x, y);
            else
                fixture_set_context(&f, x, y, 3.5f + 0.5f * sinf(0.3f * x + 0.2f * y), GRAY);
        }
    CHECK_INT(fixture_run(ctx, &b, &f), P3D_OK);
    float lo = 1e9f, hi = 0;
    for (int y = 0; y < 60; y++)
        for (int x = 20; x < 50; x++) {
            lo = fminf(lo, f.depth_out[y * 80 + x]);
            hi = fmaxf(hi, f.depth_out[y * 80 + x]);
        }
    CHECK(lo >= 3.0f && hi <= 4.0f);
    CHECK_NEAR(f.depth_out[10 * 80 + 60], 0, 0); /* neither context nor mask: 0 */
    fixture_free(&f);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    test_membrane_linear(&ctx);
    test_two_planes(&ctx);
    test_no_foreground_bleed(&ctx);
    return tl_finish();
}
