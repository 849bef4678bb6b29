/* Scalar reference convolutions (direct loops), the yardstick the oneDNN
 * path in conv.c is tested against. Same definitions as PyTorch's Conv2d
 * and ConvTranspose2d (zero padding, dilation, stride). */
#include "nn/conv.h"

#include <string.h>

static void conv_direct(const nn_conv *cv, const nn_tensor *src, nn_tensor *dst)
{
    const int k = cv->k, ci = cv->cin;
    for (int oy = 0; oy < dst->h; oy++)
        for (int ox = 0; ox < dst->w; ox++)
            for (int oc = 0; oc < cv->cout; oc++) {
                double acc = cv->bias ? cv->bias[oc] : 0.0;
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * cv->stride - cv->pad + ky * cv->dilation;
                    if (iy < 0 || iy >= src->h)
                        continue;
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * cv->stride - cv->pad + kx * cv->dilation;
                        if (ix < 0 || ix >= src->w)
                            continue;
                        const float *s = src->data + ((size_t)iy * src->w + ix) * ci;
                        for (int ic = 0; ic < ci; ic++)
                            acc += (double)s[ic] * cv->weight[(((size_t)oc * ci + ic) * k + ky) * k + kx];
                    }
                }
                dst->data[((size_t)oy * dst->w + ox) * cv->cout + oc] = (float)acc;
            }
}

/* Transposed: every input pixel scatters its k x k footprint. */
static void conv_transposed(const nn_conv *cv, const nn_tensor *src, nn_tensor *dst)
{
    const int k = cv->k, co = cv->cout;
    for (size_t p = 0; p < (size_t)dst->h * dst->w; p++)
        for (int oc = 0; oc < co; oc++)
            dst->data[p * co + oc] = cv->bias ? cv->bias[oc] : 0.0f;
    for (int iy = 0; iy < src->h; iy++)
        for (int ix = 0; ix < src->w; ix++) {
            const float *s = src->data + ((size_t)iy * src->w + ix) * cv->cin;
            for (int ky = 0; ky < k; ky++) {
                int oy = iy * cv->stride - cv->pad + ky * cv->dilation;
                if (oy < 0 || oy >= dst->h)
                    continue;
                for (int kx = 0; kx < k; kx++) {
                    int ox = ix * cv->stride - cv->pad + kx * cv->dilation;
                    if (ox < 0 || ox >= dst->w)
                        continue;
                    float *d = dst->data + ((size_t)oy * dst->w + ox) * co;
                    for (int ic = 0; ic < cv->cin; ic++)
                        for (int oc = 0; oc < co; oc++)
                            d[oc] += s[ic] * cv->weight[(((size_t)ic * co + oc) * k + ky) * k + kx];
                }
            }
        }
}

void nn_conv_ref(const nn_conv *cv, const nn_tensor *src, nn_tensor *dst)
{
    if (cv->transposed)
        conv_transposed(cv, src, dst);
    else
        conv_direct(cv, src, dst);
}
