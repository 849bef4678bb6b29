/* Anti-flickering reduction of a supersampled canvas (ALGORITHM.md 9, per
 * frame steps 2-3): OpenCV GaussianBlur with a (f//2*2+1)^2 kernel and sigma
 * 0, then INTER_AREA downscale by the integer factor f, folded into one
 * separable filter. For sigma 0 and kernels up to 7 taps OpenCV uses its
 * fixed binomial-like table (getGaussianKernel's small_gaussian_tab), e.g.
 * [1 2 1]/4 for f = 3, so the fold is exact in integers: per axis the blur
 * convolved with the f-box, [1 3 4 3 1]/12 for f = 3, with the blur's
 * reflect-101 border. The reference rounds to 8 bits after the blur and
 * again after the average; this rounds once. */
#include "render/frame.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TAPS (FRAME_MAX_SUPERSAMPLE + 6)

/* OpenCV's small_gaussian_tab scaled to integers (sums 1, 4, 16, 64). */
static const int blur_table[4][7] = {
    {1}, {1, 2, 1}, {1, 4, 6, 4, 1}, {2, 7, 14, 18, 14, 7, 2}};
static const int blur_table_sum[4] = {1, 4, 16, 64};

static int reflect101(int i, int n)
{
    if (n == 1)
        return 0;
    while (i < 0 || i >= n)
        i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

/* Per-axis weights of blur then f-box: taps at offsets -r .. f-1+r. */
static int fold_weights(int f, int *w)
{
    int r = f / 2, taps = f + 2 * r;
    memset(w, 0, sizeof(int) * taps);
    for (int k = 0; k < f; k++)
        for (int d = 0; d <= 2 * r; d++)
            w[k + d] += blur_table[r][d];
    return taps;
}

/* 16 bytes at a time where AVX-512 holds them in one register, else 8
 * (wider generic vectors spill on AVX2). */
#ifdef __AVX512F__
#define FOLD_LANES 16
#else
#define FOLD_LANES 8
#endif
typedef uint32_t vfold32 __attribute__((vector_size(4 * FOLD_LANES)));
typedef uint16_t vfold16 __attribute__((vector_size(2 * FOLD_LANES)));
typedef uint8_t vfold8 __attribute__((vector_size(FOLD_LANES)));
typedef uint32_t v4u32 __attribute__((vector_size(16)));
typedef int32_t v4i32 __attribute__((vector_size(16)));
typedef double v4f64 __attribute__((vector_size(32)));

/* acc = sum over taps t of w[t] * rows[t], FOLD_LANES bytes at a time (GCC
 * vector types: -O2's cheap cost model does not vectorize the plain loop). */
static void fold_rows(uint32_t *restrict acc, const uint8_t *const rows[], const int *w, int taps,
                      int n)
{
    int x = 0;
    for (; x + FOLD_LANES <= n; x += FOLD_LANES) {
        vfold32 sum = {0};
        for (int t = 0; t < taps; t++) {
            vfold8 s8;
            memcpy(&s8, rows[t] + x, sizeof s8);
            /* widened in two steps, which GCC turns into two zero-extensions */
            sum += (uint32_t)w[t] * __builtin_convertvector(__builtin_convertvector(s8, vfold16), vfold32);
        }
        memcpy(acc + x, &sum, sizeof sum);
    }
    for (; x < n; x++) {
        acc[x] = 0;
        for (int t = 0; t < taps; t++)
            acc[x] += (uint32_t)w[t] * rows[t][x];
    }
}

int frame_reduce(p3d_ctx *ctx, const raster_canvas *cv, int f, const raster_rect *rect,
                 p3d_image *out)
{
    if (f < 1 || f > FRAME_MAX_SUPERSAMPLE || cv->size % f)
        return p3d_fail(ctx, P3D_E_USAGE, "supersampling factor %d is not in 1..%d", f,
                        FRAME_MAX_SUPERSAMPLE);
    int n = cv->size, s = n / f, r = f / 2;
    if (!out->data || out->width != s || out->height != s || out->channels != 3) {
        p3d_image_free(out);
        int rc = p3d_image_alloc(ctx, out, s, s, 3);
        if (rc)
            return rc;
    }
    raster_rect all = {0, 0, s, s};
    const raster_rect q = rect ? *rect : all;
    /* canvas columns the wanted output columns read */
    int cx0 = f * q.x0 - r < 0 ? 0 : f * q.x0 - r, cx1 = f * q.x1 + r > n ? n : f * q.x1 + r;
    int w[MAX_TAPS];
    int taps = fold_weights(f, w);
    uint32_t norm = (uint32_t)(blur_table_sum[r] * f) * (uint32_t)(blur_table_sum[r] * f);
    double inv_norm = 1.0 / norm;
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    int failed = 0;
#pragma omp parallel num_threads(threads)
    {
        /* one output row: the vertical fold of its canvas rows, 4 bytes per
         * pixel (R, G, B, unused), padded by r pixels on both sides */
        uint32_t *col = malloc(sizeof(uint32_t) * 4 * (size_t)(n + 2 * r));
        if (!col) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int y = q.y0; y < q.y1; y++) {
            if (!col)
                continue;
            uint32_t *acc = col + 4 * r;
            const uint8_t *rows[MAX_TAPS];
            for (int t = 0; t < taps; t++)
                rows[t] = (const uint8_t *)(cv->rgbx + (size_t)reflect101(f * y - r + t, n) * n + cx0);
            fold_rows(acc + 4 * cx0, rows, w, taps, 4 * (cx1 - cx0));
            for (int k = 1; k <= r; k++) /* reflect-101 beyond the canvas (read when at its edge) */
                for (int ch = 0; ch < 4; ch++) {
                    if (cx0 == 0)
                        acc[4 * -k + ch] = acc[4 * reflect101(-k, n) + ch];
                    if (cx1 == n)
                        acc[4 * (n - 1 + k) + ch] = acc[4 * reflect101(n - 1 + k, n) + ch];
                }
            uint8_t *dst = out->data + (size_t)y * s * 3;
            for (int x = q.x0; x < q.x1; x++) {
                const uint32_t *a = acc + 4 * (f * x - r);
                v4u32 sum = {0, 0, 0, 0};
                for (int t = 0; t < taps; t++) {
                    v4u32 pixel;
                    memcpy(&pixel, a + 4 * t, sizeof pixel);
                    sum += (uint32_t)w[t] * pixel;
                }
                /* (sum + norm/2) / norm exactly: the quotient's fraction is
                 * a multiple of 1/norm, far above the double's error */
                v4i32 numerator = (v4i32)(sum + norm / 2); /* below 2^31: signed converts faster */
                v4f64 q = __builtin_convertvector(numerator, v4f64) * inv_norm + 1e-7;
                v4i32 level = __builtin_convertvector(q, v4i32);
                for (int ch = 0; ch < 3; ch++)
                    dst[3 * x + ch] = (uint8_t)level[ch];
            }
        }
        free(col);
    }
    if (failed)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory reducing the render canvas");
    return P3D_OK;
}
