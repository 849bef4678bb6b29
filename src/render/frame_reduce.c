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

int frame_reduce(p3d_ctx *ctx, const raster_canvas *cv, int f, p3d_image *out)
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
    int w[MAX_TAPS];
    int taps = fold_weights(f, w);
    uint32_t norm = (uint32_t)(blur_table_sum[r] * f) * (uint32_t)(blur_table_sum[r] * f);
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    int failed = 0;
#pragma omp parallel num_threads(threads)
    {
        /* one output row: the vertical fold of its canvas rows, padded by r on both sides */
        uint32_t *col = malloc(sizeof(uint32_t) * (size_t)(n + 2 * r));
        if (!col) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int y = 0; y < s; y++) {
            if (!col)
                continue;
            for (int ch = 0; ch < 3; ch++) {
                uint32_t *acc = col + r;
                memset(acc, 0, sizeof(uint32_t) * n);
                for (int t = 0; t < taps; t++) {
                    const uint8_t *src = cv->plane[ch] + (size_t)reflect101(f * y - r + t, n) * n;
                    uint32_t wt = (uint32_t)w[t];
                    for (int x = 0; x < n; x++)
                        acc[x] += wt * src[x];
                }
                for (int k = 1; k <= r; k++) {
                    acc[-k] = acc[reflect101(-k, n)];
                    acc[n - 1 + k] = acc[reflect101(n - 1 + k, n)];
                }
                uint8_t *dst = out->data + (size_t)y * s * 3 + ch;
                for (int x = 0; x < s; x++) {
                    const uint32_t *a = acc + f * x - r;
                    uint32_t sum = 0;
                    for (int t = 0; t < taps; t++)
                        sum += (uint32_t)w[t] * a[t];
                    dst[3 * x] = (uint8_t)((sum + norm / 2) / norm);
                }
            }
        }
        free(col);
    }
    if (failed)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory reducing the render canvas");
    return P3D_OK;
}
