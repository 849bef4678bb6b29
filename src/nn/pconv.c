/* Partial convolution layers (see pconv.h; ALGORITHM.md 6.7):
 *   S = sum of the mask over window and channels,
 *   Y = (W*(X.M) - b) * C*k*k / S + b  where S > 0, 0 elsewhere,
 *   M' = (S > 0), then BatchNorm (folded into W and shift) and activation. */
#include "nn/pconv.h"

#include <stdlib.h>
#include <string.h>

void nn_pconv_mask_sum(const nn_mask_part *parts, int nparts, int k, int stride, int pad,
                       int out_h, int out_w, float *sum)
{
#pragma omp parallel for schedule(static)
    for (int oy = 0; oy < out_h; oy++)
        for (int ox = 0; ox < out_w; ox++) {
            double s = 0.0;
            for (int i = 0; i < nparts; i++) {
                const nn_mask_part *pt = &parts[i];
                const int up = pt->up, ih = pt->mask->h * up, iw = pt->mask->w * up;
                double box = 0.0;
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * stride - pad + ky;
                    if (iy < 0 || iy >= ih)
                        continue;
                    const float *row = pt->mask->data + (size_t)(iy / up) * pt->mask->w;
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * stride - pad + kx;
                        if (ix >= 0 && ix < iw)
                            box += row[ix / up];
                    }
                }
                s += box * pt->channels;
            }
            sum[(size_t)oy * out_w + ox] = (float)s;
        }
}

void nn_pconv_finish(nn_tensor *y, const float *sum, float window, const float *shift,
                     nn_act act, nn_tensor *new_mask)
{
    const int c = y->c;
    const size_t n = (size_t)y->h * y->w;
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < n; p++) {
        float *v = y->data + p * c;
        if (sum[p] <= 0.0f) {
            memset(v, 0, c * sizeof(float));
            new_mask->data[p] = 0.0f;
            continue;
        }
        const float r = window / sum[p];
        new_mask->data[p] = 1.0f;
        if (act == NN_ACT_RELU) {
#pragma omp simd
            for (int ch = 0; ch < c; ch++) { /* not fmaxf: a library call here */
                float t = v[ch] * r + shift[ch];
                v[ch] = t > 0.0f ? t : 0.0f;
            }
        } else if (act == NN_ACT_LRELU) {
#pragma omp simd
            for (int ch = 0; ch < c; ch++) {
                float t = v[ch] * r + shift[ch];
                v[ch] = t > 0.0f ? t : 0.2f * t;
            }
        } else {
            for (int ch = 0; ch < c; ch++)
                v[ch] = nn_act_apply(act, v[ch] * r + shift[ch]);
        }
    }
}

void nn_upsample_concat(const nn_tensor *low, const nn_tensor *skip, nn_tensor *dst)
{
    const size_t lo = low->c * sizeof(float), sk = skip->c * sizeof(float);
#pragma omp parallel for schedule(static)
    for (int y = 0; y < dst->h; y++)
        for (int x = 0; x < dst->w; x++) {
            float *d = dst->data + ((size_t)y * dst->w + x) * dst->c;
            memcpy(d, low->data + ((size_t)(y / 2) * low->w + x / 2) * low->c, lo);
            memcpy(d + low->c, skip->data + ((size_t)y * skip->w + x) * skip->c, sk);
        }
}

int nn_pconv_run(p3d_ctx *ctx, nn_pool *pool, nn_pconv *pc, const nn_tensor *x,
                 const nn_mask_part *parts, int nparts, nn_tensor *y, nn_tensor *new_mask)
{
    const nn_conv *cv = &pc->conv;
    int oh = nn_conv_out_size(cv, x->h), ow = nn_conv_out_size(cv, x->w);
    nn_tensor sum = {0};
    if (nn_tensor_get(ctx, pool, cv->cout, oh, ow, y) ||
        nn_tensor_get(ctx, pool, 1, oh, ow, new_mask) || nn_tensor_get(ctx, pool, 1, oh, ow, &sum))
        goto fail;
    if (nn_conv_run(ctx, pool, &pc->conv, x, y))
        goto fail;
    nn_pconv_mask_sum(parts, nparts, cv->k, cv->stride, cv->pad, oh, ow, sum.data);
    nn_pconv_finish(y, sum.data, (float)cv->cin * cv->k * cv->k, pc->shift, pc->act, new_mask);
    nn_tensor_put(pool, &sum);
    return P3D_OK;
fail:
    nn_tensor_put(pool, &sum);
    nn_tensor_put(pool, new_mask);
    nn_tensor_put(pool, y);
    return ctx->status;
}

void nn_pconv_free(nn_pconv *pc)
{
    nn_conv_free(&pc->conv);
    free(pc->shift);
    pc->shift = NULL;
}
