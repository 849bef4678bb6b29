/* Resampling ops of the engine (ops.h): ResNet's 3x3/2 max pooling and
 * PyTorch's bilinear x2 upsampling (MiDaS decoder, ALGORITHM.md 7). Source
 * coordinates: align_corners=True: x * (in-1)/(out-1); False (scale factor
 * 2 given): (x + 0.5) / 2 - 0.5 clamped at 0. Channels-last: every output
 * pixel blends whole channel vectors. */
#include "nn/ops.h"

#include <float.h>
#include <math.h>

void nn_maxpool3s2(const nn_tensor *src, nn_tensor *dst)
{
    const int c = src->c;
#pragma omp parallel for schedule(static)
    for (int oy = 0; oy < dst->h; oy++)
        for (int ox = 0; ox < dst->w; ox++) {
            float *d = dst->data + ((size_t)oy * dst->w + ox) * c;
            for (int ch = 0; ch < c; ch++)
                d[ch] = -FLT_MAX;
            for (int ky = 0; ky < 3; ky++) {
                int iy = 2 * oy - 1 + ky;
                if (iy < 0 || iy >= src->h)
                    continue;
                for (int kx = 0; kx < 3; kx++) {
                    int ix = 2 * ox - 1 + kx;
                    if (ix < 0 || ix >= src->w)
                        continue;
                    const float *s = src->data + ((size_t)iy * src->w + ix) * c;
#pragma omp simd
                    for (int ch = 0; ch < c; ch++)
                        d[ch] = s[ch] > d[ch] ? s[ch] : d[ch];
                }
            }
        }
}

/* Source index pair and weight of output coordinate o along an axis. */
static void source(int o, int in, int out, int align_corners, int *i0, int *i1, float *t)
{
    float x = align_corners ? (out > 1 ? (float)o * (float)(in - 1) / (float)(out - 1) : 0.0f)
                            : fmaxf(((float)o + 0.5f) * 0.5f - 0.5f, 0.0f);
    *i0 = (int)x;
    *i1 = *i0 + 1 < in ? *i0 + 1 : in - 1;
    *t = x - (float)*i0;
}

void nn_upsample_bilinear2x(const nn_tensor *src, nn_tensor *dst, int align_corners)
{
    const int c = src->c;
#pragma omp parallel for schedule(static)
    for (int oy = 0; oy < dst->h; oy++) {
        int y0, y1;
        float ty;
        source(oy, src->h, dst->h, align_corners, &y0, &y1, &ty);
        for (int ox = 0; ox < dst->w; ox++) {
            int x0, x1;
            float tx;
            source(ox, src->w, dst->w, align_corners, &x0, &x1, &tx);
            const float *a = src->data + ((size_t)y0 * src->w + x0) * c;
            const float *b = src->data + ((size_t)y0 * src->w + x1) * c;
            const float *e = src->data + ((size_t)y1 * src->w + x0) * c;
            const float *f = src->data + ((size_t)y1 * src->w + x1) * c;
            float *d = dst->data + ((size_t)oy * dst->w + ox) * c;
#pragma omp simd
            for (int ch = 0; ch < c; ch++)
                d[ch] = (1.0f - ty) * ((1.0f - tx) * a[ch] + tx * b[ch]) +
                        ty * ((1.0f - tx) * e[ch] + tx * f[ch]);
        }
    }
}
