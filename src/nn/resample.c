/* Max pooling and bilinear x2 upsampling (see resample.h). Loops run over
 * contiguous channel vectors; rows are split across threads. */
#include "nn/resample.h"

#include <float.h>

int nn_maxpool_out_size(int in, int k, int stride, int pad)
{
    return (in + 2 * pad - k) / stride + 1;
}

void nn_maxpool(const nn_tensor *src, int k, int stride, int pad, nn_tensor *dst)
{
    const int c = src->c;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < dst->h; y++)
        for (int x = 0; x < dst->w; x++) {
            float *d = dst->data + ((size_t)y * dst->w + x) * c;
            for (int ch = 0; ch < c; ch++)
                d[ch] = -FLT_MAX;
            for (int dy = 0; dy < k; dy++) {
                int sy = y * stride - pad + dy;
                if (sy < 0 || sy >= src->h)
                    continue;
                for (int dx = 0; dx < k; dx++) {
                    int sx = x * stride - pad + dx;
                    if (sx < 0 || sx >= src->w)
                        continue;
                    const float *s = src->data + ((size_t)sy * src->w + sx) * c;
                    for (int ch = 0; ch < c; ch++)
                        d[ch] = s[ch] > d[ch] ? s[ch] : d[ch];
                }
            }
        }
}

/* Source position of output index i along one axis: the two neighbours
 * and the weight of the second. */
static void source_index(int i, int in, int out, int align_corners, int *i0, int *i1, float *t)
{
    float pos;
    if (align_corners)
        pos = out > 1 ? (float)i * ((float)(in - 1) / (float)(out - 1)) : 0.0f;
    else {
        pos = ((float)i + 0.5f) * ((float)in / (float)out) - 0.5f;
        if (pos < 0.0f)
            pos = 0.0f;
    }
    *i0 = (int)pos;
    if (*i0 > in - 1)
        *i0 = in - 1;
    *i1 = *i0 + (*i0 < in - 1);
    *t = pos - (float)*i0;
}

void nn_upsample_bilinear2x(const nn_tensor *src, int align_corners, nn_tensor *dst)
{
    const int c = src->c;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < dst->h; y++) {
        int y0, y1;
        float ty;
        source_index(y, src->h, dst->h, align_corners, &y0, &y1, &ty);
        const float *r0 = src->data + (size_t)y0 * src->w * c, *r1 = src->data + (size_t)y1 * src->w * c;
        for (int x = 0; x < dst->w; x++) {
            int x0, x1;
            float tx;
            source_index(x, src->w, dst->w, align_corners, &x0, &x1, &tx);
            const float *a = r0 + (size_t)x0 * c, *b = r0 + (size_t)x1 * c;
            const float *e = r1 + (size_t)x0 * c, *f = r1 + (size_t)x1 * c;
            float *d = dst->data + ((size_t)y * dst->w + x) * c;
            for (int ch = 0; ch < c; ch++)
                d[ch] = (1.0f - ty) * ((1.0f - tx) * a[ch] + tx * b[ch]) +
                        ty * ((1.0f - tx) * e[ch] + tx * f[ch]);
        }
    }
}
