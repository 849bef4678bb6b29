/* The two PyTorch resizes the colour step uses (ALGORITHM.md 6.4): 'area'
 * (adaptive average pooling: output cell i averages input
 * [floor(i*in/out), ceil((i+1)*in/out))) and 'bicubic' with
 * align_corners=False (source x = (i + 0.5) * in/out - 0.5, not clamped;
 * Keys cubic a = -0.75; taps clamped to the image). */
#include "inpaint/neural.h"

#include <math.h>

void neural_resize_area(const float *src, int c, int h, int w, int oh, int ow, float *dst)
{
    for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < oh; y++) {
            int y0 = (int)((long)y * h / oh), y1 = (int)(((long)(y + 1) * h + oh - 1) / oh);
            for (int x = 0; x < ow; x++) {
                int x0 = (int)((long)x * w / ow), x1 = (int)(((long)(x + 1) * w + ow - 1) / ow);
                double sum = 0.0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        sum += src[((long)ch * h + yy) * w + xx];
                dst[((long)ch * oh + y) * ow + x] = (float)(sum / ((y1 - y0) * (x1 - x0)));
            }
        }
}

static void cubic_weights(float t, float wt[4])
{
    const float a = -0.75f;
    float x = t + 1.0f;
    wt[0] = ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a;
    x = t;
    wt[1] = ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
    x = 1.0f - t;
    wt[2] = ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
    x = 2.0f - t;
    wt[3] = ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a;
}

static int clampi(int v, int hi)
{
    return v < 0 ? 0 : v > hi ? hi : v;
}

void neural_resize_bicubic(const float *src, int c, int h, int w, int oh, int ow, float *dst)
{
    const float sy = (float)h / oh, sx = (float)w / ow;
    for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < oh; y++) {
            float fy = sy * (y + 0.5f) - 0.5f;
            int iy = (int)floorf(fy);
            float wy[4];
            cubic_weights(fy - iy, wy);
            for (int x = 0; x < ow; x++) {
                float fx = sx * (x + 0.5f) - 0.5f;
                int ix = (int)floorf(fx);
                float wx[4], sum = 0.0f;
                cubic_weights(fx - ix, wx);
                for (int k = 0; k < 4; k++) {
                    const float *row = src + ((long)ch * h + clampi(iy - 1 + k, h - 1)) * w;
                    float r = 0.0f;
                    for (int j = 0; j < 4; j++)
                        r += wx[j] * row[clampi(ix - 1 + j, w - 1)];
                    sum += wy[k] * r;
                }
                dst[((long)ch * oh + y) * ow + x] = sum;
            }
        }
}
