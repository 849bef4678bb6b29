/* Element-wise and layout operations (see ops.h). Instance norm follows
 * ALGORITHM.md 6.7 (affine-free, biased variance, eps 1e-5); statistics are
 * accumulated in double, per thread over a share of the rows, then summed. */
#include "nn/ops.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define IN_EPS 1e-5

void nn_from_planar(const float *src, nn_tensor *dst)
{
    const int c = dst->c;
    const size_t plane = (size_t)dst->h * dst->w;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < dst->h; y++)
        for (int x = 0; x < dst->w; x++) {
            size_t p = (size_t)y * dst->w + x;
            float *d = dst->data + p * c;
            for (int ch = 0; ch < c; ch++)
                d[ch] = src[ch * plane + p];
        }
}

void nn_to_planar(const nn_tensor *src, float *dst)
{
    const int c = src->c;
    const size_t plane = (size_t)src->h * src->w;
#pragma omp parallel for schedule(static)
    for (int ch = 0; ch < c; ch++)
        for (size_t p = 0; p < plane; p++)
            dst[ch * plane + p] = src->data[p * c + ch];
}

static int reflect(int i, int n)
{
    if (i < 0)
        return -i;
    if (i >= n)
        return 2 * (n - 1) - i;
    return i;
}

void nn_pad_reflect(const nn_tensor *src, int p, nn_tensor *dst)
{
    nn_pad_reflect_concat(src, NULL, p, 0, dst);
}

void nn_pad_reflect_concat(const nn_tensor *a, const nn_tensor *b, int p, int y0, nn_tensor *dst)
{
    const int bc = b ? b->c : 0;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < dst->h; y++) {
        const size_t sy = (size_t)reflect(y0 + y - p, a->h) * a->w;
        float *d = dst->data + (size_t)y * dst->w * dst->c;
        for (int x = 0; x < dst->w; x++, d += dst->c) {
            const size_t s = sy + reflect(x - p, a->w);
            memcpy(d, a->data + s * a->c, a->c * sizeof(float));
            if (b)
                memcpy(d + a->c, b->data + s * bc, bc * sizeof(float));
        }
    }
}

/* Per-channel sums of (v - shift) and (v - shift)^2; shift = 0 gives plain sums. */
static void channel_sums(const nn_tensor *t, const double *shift, double *sum, double *sq)
{
    const int c = t->c;
    const size_t n = (size_t)t->h * t->w;
    memset(sum, 0, c * sizeof(double));
    memset(sq, 0, c * sizeof(double));
#pragma omp parallel
    {
        double *ls = calloc(2 * (size_t)c, sizeof(double));
        double *lq = ls + c;
#pragma omp for schedule(static)
        for (size_t p = 0; p < n; p++) {
            const float *v = t->data + p * c;
#pragma omp simd
            for (int ch = 0; ch < c; ch++) {
                double d = (double)v[ch] - shift[ch];
                ls[ch] += d;
                lq[ch] += d * d;
            }
        }
#pragma omp critical
        for (int ch = 0; ch < c; ch++) {
            sum[ch] += ls[ch];
            sq[ch] += lq[ch];
        }
        free(ls);
    }
}

void nn_instance_norm(nn_tensor *t, nn_act act)
{
    const int c = t->c;
    const size_t n = (size_t)t->h * t->w;
    double *buf = calloc(4 * (size_t)c, sizeof(double));
    double *zero = buf, *mean = buf + c, *sum = buf + 2 * c, *sq = buf + 3 * c;
    channel_sums(t, zero, mean, sq);
    for (int ch = 0; ch < c; ch++)
        mean[ch] /= (double)n;
    /* Second pass around the mean: no cancellation in the variance. */
    channel_sums(t, mean, sum, sq);
    float *scale = malloc(2 * (size_t)c * sizeof(float));
    float *offset = scale + c;
    for (int ch = 0; ch < c; ch++) {
        double var = sq[ch] / (double)n - (sum[ch] / n) * (sum[ch] / n);
        double inv = 1.0 / sqrt(var + IN_EPS);
        scale[ch] = (float)inv;
        offset[ch] = (float)(-mean[ch] * inv);
    }
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < n; p++) {
        float *v = t->data + p * c;
        if (act == NN_ACT_RELU) {
#pragma omp simd
            for (int ch = 0; ch < c; ch++) { /* not fmaxf: a library call here */
                float y = v[ch] * scale[ch] + offset[ch];
                v[ch] = y > 0.0f ? y : 0.0f;
            }
        } else if (act == NN_ACT_LRELU) {
#pragma omp simd
            for (int ch = 0; ch < c; ch++) {
                float y = v[ch] * scale[ch] + offset[ch];
                v[ch] = y > 0.0f ? y : 0.2f * y;
            }
        } else {
#pragma omp simd
            for (int ch = 0; ch < c; ch++)
                v[ch] = nn_act_apply(act, v[ch] * scale[ch] + offset[ch]);
        }
    }
    free(scale);
    free(buf);
}

void nn_instance_norm_ref(nn_tensor *t, nn_act act)
{
    const size_t n = (size_t)t->h * t->w;
    for (int ch = 0; ch < t->c; ch++) {
        double mean = 0.0, var = 0.0;
        for (size_t p = 0; p < n; p++)
            mean += t->data[p * t->c + ch];
        mean /= (double)n;
        for (size_t p = 0; p < n; p++) {
            double d = t->data[p * t->c + ch] - mean;
            var += d * d;
        }
        var /= (double)n;
        for (size_t p = 0; p < n; p++) {
            float *v = &t->data[p * t->c + ch];
            *v = nn_act_apply(act, (float)((*v - mean) / sqrt(var + IN_EPS)));
        }
    }
}

void nn_activate(nn_tensor *t, nn_act act)
{
    const size_t n = nn_tensor_len(t);
    if (act == NN_ACT_NONE)
        return;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        t->data[i] = nn_act_apply(act, t->data[i]);
}

void nn_add(nn_tensor *dst, const nn_tensor *src)
{
    const size_t n = nn_tensor_len(dst);
#pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < n; i++)
        dst->data[i] += src->data[i];
}

void nn_concat(const nn_tensor *a, const nn_tensor *b, nn_tensor *dst)
{
    const size_t n = (size_t)dst->h * dst->w;
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < n; p++) {
        memcpy(dst->data + p * dst->c, a->data + p * a->c, a->c * sizeof(float));
        memcpy(dst->data + p * dst->c + a->c, b->data + p * b->c, b->c * sizeof(float));
    }
}
