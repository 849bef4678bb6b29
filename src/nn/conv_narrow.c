/* Convolutions with very few output channels (the networks' last layers:
 * 128 -> 1 with a 7x7 kernel, 68 -> 1 and 70 -> 3 with 3x3), where oneDNN's
 * kernels, built to block over output channels, reach a few GFLOP/s. Here
 * every output pixel is a sum of k*k dot products of contiguous channel
 * vectors (channels-last input), accumulated in 16 lanes that the compiler
 * maps to one AVX-512 register, reduced once per pixel. Threads split rows.
 * Reference: nn_conv_ref (conv_ref.c). */
#include "nn/conv.h"

#include <stdlib.h>
#include <string.h>

#define LANES 16

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

void nn_conv_narrow(const nn_conv *cv, const float *w_by_tap, const nn_tensor *src, nn_tensor *dst)
{
    const int k = cv->k, ci = cv->cin, co = cv->cout;
#pragma omp parallel for schedule(static)
    for (int oy = 0; oy < dst->h; oy++)
        for (int ox = 0; ox < dst->w; ox++) {
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
            float *d = dst->data + ((size_t)oy * dst->w + ox) * co;
            for (int o = 0; o < co; o++) {
                float sum = cv->bias ? cv->bias[o] : 0.0f;
                for (int j = 0; j < LANES; j++)
                    sum += acc[o][j];
                d[o] = sum;
            }
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
