/* Degenerate jobs and determinism for both inpainting backends (src/inpaint):
 * empty mask, empty context, 1x1 and 0x0 crops, a mask covering the whole
 * crop, a context too thin for a 7x7 patch: defined outputs, never a crash;
 * and the same input gives byte-identical outputs. */
#include "inpaint/baselines.h"
#include "inpaint/classical.h"
#include "inpaint/inpaint_steps.h"
#include "inpaint_fixture.h"
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A crop of random texture (fixed LCG) with a random-ish blob hole and a
 * vertical edge entering it. */
static void make_random_job(fixture *f, int w, int h)
{
    fixture_alloc(f, w, h);
    uint32_t s = 12345;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            s = s * 1664525u + 1013904223u;
            uint8_t rgb[3] = {(uint8_t)(s >> 24), (uint8_t)(x * 4), (uint8_t)(y * 4)};
            int dx = x - w / 2, dy = y - h / 2;
            if (dx * dx + 2 * dy * dy < w * h / 8)
                fixture_set_mask(f, x, y);
            else
                fixture_set_context(f, x, y, 2.0f + (x > w / 2) + 0.01f * y, rgb);
        }
    for (int y = 0; y < h && !f->mask[y * w + w / 2]; y++)
        f->edge[y * w + w / 2] = 1;
}

static void test_determinism(p3d_ctx *ctx, const p3d_inpaint_backend *b)
{
    fixture a, c;
    make_random_job(&a, 61, 47);
    make_random_job(&c, 61, 47);
    CHECK_INT(fixture_run(ctx, b, &a), P3D_OK);
    CHECK_INT(fixture_run(ctx, b, &c), P3D_OK);
    CHECK(memcmp(a.edge_out, c.edge_out, 61 * 47) == 0);
    CHECK(memcmp(a.depth_out, c.depth_out, sizeof(float) * 61 * 47) == 0);
    CHECK(memcmp(a.rgb_out, c.rgb_out, 3 * 61 * 47) == 0);
    /* Every mask pixel got a positive depth. */
    int positive = 1;
    for (int i = 0; i < 61 * 47; i++)
        positive &= !a.mask[i] || a.depth_out[i] > 0;
    CHECK(positive);
    fixture_free(&a);
    fixture_free(&c);
}

/* No mask: outputs equal the inputs on the context, 0 elsewhere. */
static void test_empty_mask(p3d_ctx *ctx, const p3d_inpaint_backend *b)
{
    fixture f;
    make_random_job(&f, 20, 10);
    for (int i = 0; i < 200; i++)
        if (f.mask[i]) {
            f.mask[i] = 0; /* the hole becomes "neither": not context, not mask */
            f.edge[i] = 0;
        }
    CHECK_INT(fixture_run(ctx, b, &f), P3D_OK);
    int same = 1;
    for (int i = 0; i < 200; i++) {
        same &= f.edge_out[i] == f.edge[i];
        same &= f.depth_out[i] == (f.context[i] ? f.depth[i] : 0.0f);
        for (int c = 0; c < 3; c++)
            same &= f.rgb_out[i * 3 + c] == (f.context[i] ? f.rgb[i * 3 + c] : 0);
    }
    CHECK(same);
    fixture_free(&f);
}

/* The whole crop is mask (so there is no context): fallback depth and gray. */
static void test_all_mask(p3d_ctx *ctx, const p3d_inpaint_backend *b, int w, int h)
{
    fixture f;
    fixture_alloc(&f, w, h);
    for (int i = 0; i < w * h; i++)
        f.mask[i] = 1;
    CHECK_INT(fixture_run(ctx, b, &f), P3D_OK);
    int fallback = 1;
    for (int i = 0; i < w * h; i++) {
        fallback &= f.depth_out[i] == INPAINT_FALLBACK_DEPTH;
        for (int c = 0; c < 3; c++)
            fallback &= f.rgb_out[i * 3 + c] == INPAINT_FALLBACK_GRAY;
    }
    CHECK(fallback);
    fixture_free(&f);
}

/* 1x1 context only, 1x1 of neither, 0x0. */
static void test_tiny(p3d_ctx *ctx, const p3d_inpaint_backend *b)
{
    fixture f;
    fixture_alloc(&f, 1, 1);
    const uint8_t rgb[3] = {1, 2, 3};
    fixture_set_context(&f, 0, 0, 7.0f, rgb);
    CHECK_INT(fixture_run(ctx, b, &f), P3D_OK);
    CHECK_NEAR(f.depth_out[0], 7.0, 0);
    CHECK(memcmp(f.rgb_out, rgb, 3) == 0);
    f.context[0] = 0;
    CHECK_INT(fixture_run(ctx, b, &f), P3D_OK);
    CHECK_NEAR(f.depth_out[0], 0, 0);
    fixture_free(&f);
    fixture_alloc(&f, 0, 0);
    CHECK_INT(fixture_run(ctx, b, &f), P3D_OK);
    fixture_free(&f);
}

/* A 2-px context ring around a 30x30 hole: no 7x7 (or 5x5) source patch
 * exists, so synthesis falls back to smaller patches; every hole pixel takes
 * one of the two ring colours' range, depth within the ring's depths. */
static void test_thin_context(p3d_ctx *ctx, const p3d_inpaint_backend *b)
{
    fixture f;
    fixture_alloc(&f, 34, 34);
    for (int y = 0; y < 34; y++)
        for (int x = 0; x < 34; x++) {
            const uint8_t rgb[3] = {(uint8_t)(x < 17 ? 40 : 220), 90, 90};
            if (x >= 2 && x < 32 && y >= 2 && y < 32)
                fixture_set_mask(&f, x, y);
            else
                fixture_set_context(&f, x, y, x < 17 ? 3.0f : 3.5f, rgb);
        }
    CHECK_INT(fixture_run(ctx, b, &f), P3D_OK);
    int in_range = 1;
    for (int i = 0; i < 34 * 34; i++)
        if (f.mask[i])
            in_range &= f.rgb_out[i * 3] >= 40 && f.rgb_out[i * 3] <= 220 &&
                        f.rgb_out[i * 3 + 1] == 90 && f.depth_out[i] >= 3.0f &&
                        f.depth_out[i] <= 3.5f;
    CHECK(in_range);
    fixture_free(&f);
}

/* Random small jobs (sizes 1..40, random context/mask/edge/depth, gray or
 * not): every backend returns P3D_OK and the invariants hold: context passed
 * through, mask depth positive and within the context's depth range (or the
 * fallback without context), gray output R == G == B, edge_out covers edge. */
static void test_random_jobs(p3d_ctx *ctx, const p3d_inpaint_backend *b)
{
    uint32_t s = 2024;
    int ok = 1;
    for (int trial = 0; trial < 150 && ok; trial++) {
        s = s * 1664525u + 1013904223u;
        int w = 1 + (int)(s >> 8) % 40, h = 1 + (int)(s >> 16) % 40, gray = trial % 3 == 0;
        fixture f;
        fixture_alloc(&f, w, h);
        f.job.gray = gray;
        float lo = 1e9f, hi = 0;
        for (int i = 0; i < w * h; i++) {
            s = s * 1664525u + 1013904223u;
            int kind = (int)(s >> 24) % 4; /* 0 neither, 1 context, 2-3 mask */
            uint8_t v = (uint8_t)(s >> 12);
            const uint8_t rgb[3] = {v, gray ? v : (uint8_t)(s >> 4), gray ? v : (uint8_t)s};
            if (kind == 1) {
                fixture_set_context(&f, i % w, i / w, 1.0f + (float)(s % 1000) / 100, rgb);
                lo = fminf(lo, f.depth[i]);
                hi = fmaxf(hi, f.depth[i]);
                f.edge[i] = (s >> 20) % 5 == 0;
            } else if (kind >= 2) {
                fixture_set_mask(&f, i % w, i / w);
            }
        }
        ok &= fixture_run(ctx, b, &f) == P3D_OK;
        for (int i = 0; i < w * h; i++) {
            const uint8_t *o = &f.rgb_out[i * 3];
            if (f.context[i])
                ok &= memcmp(o, &f.rgb[i * 3], 3) == 0 && f.depth_out[i] == f.depth[i];
            if (f.mask[i])
                ok &= lo <= hi ? f.depth_out[i] >= lo && f.depth_out[i] <= hi
                               : f.depth_out[i] == INPAINT_FALLBACK_DEPTH;
            if (gray)
                ok &= o[0] == o[1] && o[1] == o[2];
            ok &= !f.edge[i] || f.edge_out[i];
        }
        if (!ok)
            fprintf(stderr, "random job %d (%dx%d, %s) broke an invariant\n", trial, w, h, b->name);
        fixture_free(&f);
    }
    CHECK(ok);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_inpaint_backend backends[2];
    CHECK_INT(p3d_inpaint_classical_create(&ctx, &backends[0]), P3D_OK);
    CHECK_INT(p3d_inpaint_diffusion_create(&ctx, &backends[1]), P3D_OK);
    for (int k = 0; k < 2; k++) {
        const p3d_inpaint_backend *b = &backends[k];
        test_determinism(&ctx, b);
        test_empty_mask(&ctx, b);
        test_all_mask(&ctx, b, 1, 1);
        test_all_mask(&ctx, b, 37, 23);
        test_tiny(&ctx, b);
        test_thin_context(&ctx, b);
        test_random_jobs(&ctx, b);
        CHECK_INT(ctx.status, P3D_OK);
        b->destroy(b->state);
    }
    return tl_finish();
}
