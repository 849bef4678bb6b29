/* Anti-flickering reduction of a supersampled canvas (ALGORITHM.md 9, per
 * frame steps 2-3): OpenCV GaussianBlur with a (f//2*2+1)^2 kernel and sigma
 * 0, then INTER_AREA downscale by the integer factor f, folded into one
 * separable filter. For sigma 0 and kernels up to 7 taps OpenCV uses its
 * fixed binomial-like table (getGaussianKernel's small_gaussian_tab), e.g.
 * [1 2 1]/4 for f = 3, so the fold is exact in integers: per axis the blur
 * convolved with the f-box, [1 3 4 3 1]/12 for f = 3, with the blur's
 * reflect-101 border. The reference rounds to 8 bits after the blur and
 * again after the average; this rounds once. f = 2 and 3 have a 16-bit
 * AVX-512 version (2.5x faster) that gives the same bytes
 * (canvas->portable selects the general one; tests/test_render.c). */
#include "render/frame.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAPS (FRAME_MAX_SUPERSAMPLE + 6)

/* OpenCV's small_gaussian_tab scaled to integers (sums 1, 4, 16, 64). */
static const int blur_table[4][7] = {
    {1}, {1, 2, 1}, {1, 4, 6, 4, 1}, {2, 7, 14, 18, 14, 7, 2}};

static int reflect101(int i, int n)
{
    if (n == 1)
        return 0;
    while (i < 0 || i >= n)
        i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

/* Per-axis weights of blur then f-box: taps at offsets -r .. f-1+r. f = 2
 * is not a setting of the reference: its rule would give [1 3 3 1], whose
 * spread (standard deviation 0.43 output pixels) is wider than f = 3's
 * (0.36); [1 7 7 1] has f = 3's, and its frames come within about 50 dB of
 * the f = 3 ones (moon, 16 frames of circle and zoom-in) against 46 dB for
 * the rule, with 4 samples per pixel instead of 9. */
static int fold_weights(int f, int *w)
{
    if (f == 2) {
        static const int matched[4] = {1, 7, 7, 1};
        memcpy(w, matched, sizeof matched);
        return 4;
    }
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

#if defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>
#define FAST16 1
/* f = 2 and 3 in 16-bit lanes, the same bytes as the general fold below:
 * per axis the weights sum to 16 (f = 2) or 12 (f = 3), so the vertical
 * fold of 8-bit values stays below 16 * 255 and the whole one below
 * 256 * 255 = 65280 (f = 2) or 144 * 255 = 36720 (f = 3), 16 bits even with
 * the rounding half added. The division by 256 is a shift; (sum + 72) / 144
 * is a multiply-high by 58255 and a shift by 7 (exact for every sum up to
 * 36792, checked exhaustively). */
#define FAST16_PAD 16 /* pixels readable past the fold's end: the 4-output loads read 16 */

/* acc[i] (4 channels of canvas pixel i, 16 bits each) = sum of w[t] rows[t]
 * over pixels [0, n). */
static void fold_rows16(uint16_t *restrict acc, const uint8_t *const rows[], const int *w, int taps, int n)
{
    int b = 0, bytes = 4 * n;
    for (; b + 32 <= bytes; b += 32) {
        __m512i sum = _mm512_setzero_si512();
        for (int t = 0; t < taps; t++) {
            __m512i v = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(rows[t] + b)));
            sum = _mm512_add_epi16(sum, _mm512_mullo_epi16(v, _mm512_set1_epi16((short)w[t])));
        }
        _mm512_storeu_si512(acc + b, sum);
    }
    for (; b < bytes; b++) {
        unsigned sum = 0;
        for (int t = 0; t < taps; t++)
            sum += (unsigned)w[t] * rows[t][b];
        acc[b] = (uint16_t)sum;
    }
}

/* (sum + norm / 2) / norm for norm 144 or 256, 16 lanes. */
static inline __m256i divide16(__m256i sum, uint32_t norm)
{
    sum = _mm256_add_epi16(sum, _mm256_set1_epi16((short)(norm / 2)));
    if (norm == 256)
        return _mm256_srli_epi16(sum, 8);
    return _mm256_srli_epi16(_mm256_mulhi_epu16(sum, _mm256_set1_epi16((short)58255)), 7);
}

/* Output pixels [x0, x1) of one row from the vertical fold acc, indexed by
 * canvas pixel (acc[4 i + ch]; pixels f x - 1 .. f x - 1 + taps - 1 are
 * read); taps = f + 2 weights w, norm 144 (f = 3) or 256 (f = 2). */
static void fold_columns16(const uint16_t *acc, int f, const int *w, int taps, uint32_t norm, int x0,
                           int x1, uint8_t *dst)
{
    /* lanes of 64 bits = one pixel's 4 channels; tap t of outputs j = 0..3
     * is pixel f j + t of the 16 loaded from f x - 1 */
    __m512i tap[MAX_TAPS];
    for (int t = 0; t < taps; t++)
        tap[t] = _mm512_setr_epi64(t, f + t, 2 * f + t, 3 * f + t, 0, 0, 0, 0);
    const __m128i rgb = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    int x = x0;
    for (; x + 4 <= x1; x += 4) {
        const uint16_t *p = acc + 4 * (f * x - 1);
        __m512i lo = _mm512_loadu_si512(p), hi = _mm512_loadu_si512(p + 32);
        __m256i sum = _mm256_setzero_si256();
        for (int t = 0; t < taps; t++) {
            __m256i v = _mm512_castsi512_si256(_mm512_permutex2var_epi64(lo, tap[t], hi));
            sum = _mm256_add_epi16(sum, _mm256_mullo_epi16(v, _mm256_set1_epi16((short)w[t])));
        }
        __m128i bytes = _mm_shuffle_epi8(_mm256_cvtepi16_epi8(divide16(sum, norm)), rgb);
        _mm_mask_storeu_epi8(dst + 3 * x, 0x0FFF, bytes);
    }
    for (; x < x1; x++)
        for (int ch = 0; ch < 3; ch++) {
            const uint16_t *a = acc + 4 * (f * x - 1) + ch;
            uint32_t sum = norm / 2;
            for (int t = 0; t < taps; t++)
                sum += (uint32_t)w[t] * a[4 * t];
            dst[3 * x + ch] = (uint8_t)(sum / norm);
        }
}
#else
#define FAST16 0
#define FAST16_PAD 0
#endif

/* Reflect-101 beyond the canvas (read when the fold reaches its edge): the
 * r pixels before column 0 and after column n - 1 of a row's fold acc
 * (4 channels, elements of size bytes, 16 or 32 bits). */
static void reflect_beyond(void *acc, int r, int cx0, int cx1, int n, size_t size)
{
    for (int k = 1; k <= r; k++)
        for (int ch = 0; ch < 4; ch++) {
            if (cx0 == 0)
                memcpy((char *)acc + size * (4 * -k + ch), (char *)acc + size * (4 * reflect101(-k, n) + ch), size);
            if (cx1 == n)
                memcpy((char *)acc + size * (4 * (n - 1 + k) + ch),
                       (char *)acc + size * (4 * reflect101(n - 1 + k, n) + ch), size);
        }
}

int frame_reduce_reach(int f, int y)
{
    return f * y + f + f / 2; /* taps f * y - r .. f * y + f + r - 1 (f = 2: 4 taps, r = 1) */
}

int frame_reduce(p3d_ctx *ctx, const raster_canvas *cv, int f, const raster_rect *rect,
                 p3d_image *out)
{
    return frame_reduce_rows(ctx, cv, f, rect, INT_MIN, INT_MAX, out);
}

int frame_reduce_rows(p3d_ctx *ctx, const raster_canvas *cv, int f, const raster_rect *rect, int y_begin,
                      int y_end, p3d_image *out)
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
    raster_rect q = rect ? *rect : all;
    q.y0 = q.y0 > y_begin ? q.y0 : y_begin;
    q.y1 = q.y1 < y_end ? q.y1 : y_end;
    if (q.y0 >= q.y1)
        return P3D_OK;
    /* canvas columns the wanted output columns read */
    int cx0 = f * q.x0 - r < 0 ? 0 : f * q.x0 - r, cx1 = f * q.x1 + r > n ? n : f * q.x1 + r;
    int w[MAX_TAPS];
    int taps = fold_weights(f, w);
    uint32_t axis = 0;
    for (int t = 0; t < taps; t++)
        axis += (uint32_t)w[t];
    uint32_t norm = axis * axis;
    double inv_norm = 1.0 / norm;
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    int failed = 0;
#if FAST16
    int fast = (f == 2 || f == 3) && !cv->portable;
#endif
    /* one output row's vertical fold, 4 channels per pixel (R, G, B,
     * unused), with r reflected pixels on both sides (and FAST16_PAD more for
     * the fast fold): 32-bit sums, or 16-bit ones for the fast fold */
    size_t col_bytes = sizeof(uint32_t) * 4 * (size_t)(n + 2 * r + FAST16_PAD);
#pragma omp parallel num_threads(threads)
    {
        void *col = calloc(1, col_bytes);
        if (!col) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int y = q.y0; y < q.y1; y++) {
            if (!col)
                continue;
            const uint8_t *rows[MAX_TAPS];
            for (int t = 0; t < taps; t++)
                rows[t] = (const uint8_t *)(raster_canvas_row(cv, reflect101(f * y - r + t, n)) + cx0);
            uint8_t *dst = out->data + (size_t)y * s * 3;
#if FAST16
            if (fast) {
                uint16_t *acc = (uint16_t *)col + 4;
                fold_rows16(acc + 4 * cx0, rows, w, taps, cx1 - cx0);
                reflect_beyond(acc, 1, cx0, cx1, n, sizeof *acc);
                fold_columns16(acc, f, w, taps, norm, q.x0, q.x1, dst);
                continue;
            }
#endif
            uint32_t *acc = (uint32_t *)col + 4 * r;
            fold_rows(acc + 4 * cx0, rows, w, taps, 4 * (cx1 - cx0));
            reflect_beyond(acc, r, cx0, cx1, n, sizeof *acc);
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
