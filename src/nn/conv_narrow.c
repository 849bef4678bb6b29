/* Convolutions with very few output channels (the networks' last layers:
 * 128 -> 1 with a 7x7 kernel, 68 -> 1 and 70 -> 3 with 3x3), where oneDNN's
 * kernels, built to block over output channels, reach a few GFLOP/s. Here
 * every output pixel is a sum of k*k dot products of contiguous channel
 * vectors (channels-last input), accumulated in 16 lanes that the compiler
 * maps to one AVX-512 register, reduced once per pixel. Away from the left
 * and right borders four pixels go together (independent accumulators,
 * each weight vector loaded once for the four). Threads split rows.
 * Reference: nn_conv_ref (conv_ref.c). */
#include "nn/conv.h"

#include <stdlib.h>
#include <string.h>

#define LANES 16
#define PIXELS 4 /* output pixels per step of the inner kernel */

int nn_conv_is_narrow(const nn_conv *cv)
{
    return !cv->transposed && cv->cout <= NN_CONV_NARROW_MAX_OUT;
}

/* Weights regrouped as [out][ky][kx][in], contiguous along in. */
static void weights_by_tap(const nn_conv *cv, float *w)
{
    const int k = cv->k, ci = cv->cin;
    for (int o = 0; o < cv->cout; o++)
        for (int c = 0; c < ci; c++)
            for (int t = 0; t < k * k; t++)
                w[((size_t)o * k * k + t) * ci + c] = cv->weight[((size_t)o * ci + c) * k * k + t];
}

static inline void dot_lanes(const float *restrict a, const float *restrict b, int n,
                             float acc[LANES])
{
    int c = 0;
    for (; c + LANES <= n; c += LANES) {
#pragma omp simd
        for (int j = 0; j < LANES; j++)
            acc[j] += a[c + j] * b[c + j];
    }
    for (int j = 0; c < n; c++, j++)
        acc[j] += a[c] * b[c];
}

/* One output pixel, taps outside src skipped (the image borders). */
static void pixel_any(const nn_conv *cv, const float *w_by_tap, const nn_tensor *src, int oy, int ox,
                      float *d)
{
    const int k = cv->k, ci = cv->cin, co = cv->cout;
    float acc[NN_CONV_NARROW_MAX_OUT][LANES];
    memset(acc, 0, sizeof acc);
    for (int ky = 0; ky < k; ky++) {
        int iy = oy * cv->stride - cv->pad + ky * cv->dilation;
        if (iy < 0 || iy >= src->h)
            continue;
        for (int kx = 0; kx < k; kx++) {
            int ix = ox * cv->stride - cv->pad + kx * cv->dilation;
            if (ix < 0 || ix >= src->w)
                continue;
            const float *s = src->data + ((size_t)iy * src->w + ix) * ci;
            for (int o = 0; o < co; o++)
                dot_lanes(s, w_by_tap + ((size_t)o * k * k + ky * k + kx) * ci, ci, acc[o]);
        }
    }
    for (int o = 0; o < co; o++) {
        float sum = cv->bias ? cv->bias[o] : 0.0f;
        for (int j = 0; j < LANES; j++)
            sum += acc[o][j];
        d[o] = sum;
    }
}

/* PIXELS adjacent output pixels whose taps all lie inside src along x:
 * PIXELS * co independent accumulators, each weight vector loaded once for
 * all of them. co is a constant at each call (specialised by inlining). */
static inline __attribute__((always_inline)) void pixels_inside(const nn_conv *cv, const float *w_by_tap,
                                                                const nn_tensor *src, int oy, int ox,
                                                                const int co, float *d)
{
    const int k = cv->k, ci = cv->cin, full = ci / LANES * LANES;
    const size_t step = (size_t)cv->stride * ci, per_out = (size_t)k * k * ci;
    float acc[PIXELS][NN_CONV_NARROW_MAX_OUT][LANES];
    memset(acc, 0, sizeof acc);
    for (int ky = 0; ky < k; ky++) {
        int iy = oy * cv->stride - cv->pad + ky * cv->dilation;
        if (iy < 0 || iy >= src->h)
            continue;
        for (int kx = 0; kx < k; kx++) {
            const float *s = src->data +
                             ((size_t)iy * src->w + ox * cv->stride - cv->pad + kx * cv->dilation) * ci;
            const float *w = w_by_tap + (size_t)(ky * k + kx) * ci;
            for (int c = 0; c < full; c += LANES)
                for (int o = 0; o < co; o++)
                    for (int p = 0; p < PIXELS; p++) {
#pragma omp simd
                        for (int j = 0; j < LANES; j++)
                            acc[p][o][j] += s[p * step + c + j] * w[o * per_out + c + j];
                    }
            for (int c = full; c < ci; c++)
                for (int o = 0; o < co; o++)
                    for (int p = 0; p < PIXELS; p++)
                        acc[p][o][c - full] += s[p * step + c] * w[o * per_out + c];
        }
    }
    for (int p = 0; p < PIXELS; p++)
        for (int o = 0; o < co; o++) {
            float sum = cv->bias ? cv->bias[o] : 0.0f;
            for (int j = 0; j < LANES; j++)
                sum += acc[p][o][j];
            d[p * co + o] = sum;
        }
}

void nn_conv_narrow(const nn_conv *cv, const float *w_by_tap, const nn_tensor *src, nn_tensor *dst)
{
    const int co = cv->cout, reach = (cv->k - 1) * cv->dilation;
    /* Output columns [x0, x1) have every tap inside src along x. */
    int x0 = (cv->pad + cv->stride - 1) / cv->stride, x1 = x0;
    while (x1 < dst->w && x1 * cv->stride - cv->pad + reach < src->w)
        x1++;
    if (x0 > dst->w)
        x0 = x1 = dst->w;
#pragma omp parallel for schedule(static)
    for (int oy = 0; oy < dst->h; oy++) {
        float *row = dst->data + (size_t)oy * dst->w * co;
        int ox = 0;
        for (; ox < x0; ox++)
            pixel_any(cv, w_by_tap, src, oy, ox, row + (size_t)ox * co);
        for (; ox + PIXELS <= x1; ox += PIXELS) {
            if (co == 1)
                pixels_inside(cv, w_by_tap, src, oy, ox, 1, row + ox);
            else if (co == 3)
                pixels_inside(cv, w_by_tap, src, oy, ox, 3, row + (size_t)ox * 3);
            else
                pixels_inside(cv, w_by_tap, src, oy, ox, co, row + (size_t)ox * co);
        }
        for (; ox < dst->w; ox++)
            pixel_any(cv, w_by_tap, src, oy, ox, row + (size_t)ox * co);
    }
}

int nn_conv_narrow_weights(p3d_ctx *ctx, const nn_conv *cv, float **w_by_tap)
{
    *w_by_tap = malloc((size_t)cv->cin * cv->cout * cv->k * cv->k * sizeof(float));
    if (!*w_by_tap)
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    weights_by_tap(cv, *w_by_tap);
    return P3D_OK;
}
