/* Separable resampling as in OpenCV 4's resizeGeneric (ALGORITHM.md 2.3, 7,
 * 9): INTER_LINEAR (2 taps) and INTER_CUBIC (4 taps, Keys a = -0.75) with
 * half-pixel centres, and INTER_AREA when enlarging, which is linear with
 * OpenCV's area weights: sx = floor(dx*src/dst), f = (dx+1) - (sx+1)*dst/src,
 * f = f <= 0 ? 0 : f - floor(f). Source positions outside the image take the
 * edge pixel (replicate). A horizontal pass over every source row is
 * followed by a vertical pass. uint8 uses OpenCV's fixed point (weights
 * scaled by 2048 and rounded, result rounded at 2^22); float uses float
 * weights and the same summation order. */
#include "io/resize_internal.h"

#include <math.h>
#include <stdlib.h>

#define COEF_SCALE 2048
#define MAX_TAPS 4

typedef struct {
    int ofs[MAX_TAPS];  /* source indices, already clamped to the image */
    float w[MAX_TAPS];  /* float weights */
    short iw[MAX_TAPS]; /* fixed-point weights for uint8 */
} taps;

static int tap_count(p3d_resize_mode mode)
{
    return mode == P3D_RESIZE_CUBIC ? 4 : 2;
}

/* interpolateCubic (A = -0.75), in float as OpenCV computes it. */
static void cubic_weights(float x, float *c)
{
    const float A = -0.75f;
    c[0] = ((A * (x + 1) - 5 * A) * (x + 1) + 8 * A) * (x + 1) - 4 * A;
    c[1] = ((A + 2) * x - (A + 3)) * x * x + 1;
    c[2] = ((A + 2) * (1 - x) - (A + 3)) * (1 - x) * (1 - x) + 1;
    c[3] = 1.f - c[0] - c[1] - c[2];
}

static int clamp_index(int i, int n)
{
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* One axis. OpenCV pins the horizontal position of linear/area taps to the
 * edge pixel (fraction 0); vertically it only clamps the rows, which gives
 * the same float result but can differ in the fixed-point weights. */
static void build_taps(int ssize, int dsize, p3d_resize_mode mode, int horizontal, taps *t)
{
    double scale = p3d_resize_scale(ssize, dsize), inv = (double)dsize / ssize;
    int n = tap_count(mode);
    for (int d = 0; d < dsize; d++) {
        int s;
        float f;
        if (mode != P3D_RESIZE_AREA) {
            f = (float)((d + 0.5) * scale - 0.5);
            s = (int)floorf(f);
            f -= (float)s;
        } else {
            s = (int)floor(d * scale);
            f = (float)((d + 1) - (s + 1) * inv);
            f = f <= 0 ? 0.f : f - floorf(f);
        }
        if (horizontal && mode != P3D_RESIZE_CUBIC) {
            if (s < 0)
                f = 0, s = 0;
            if (s >= ssize - 1)
                f = 0, s = ssize - 1;
        }
        float c[MAX_TAPS];
        if (mode == P3D_RESIZE_CUBIC)
            cubic_weights(f, c);
        else
            c[0] = 1.f - f, c[1] = f;
        for (int k = 0; k < n; k++) {
            t[d].ofs[k] = clamp_index(s - n / 2 + 1 + k, ssize);
            t[d].w[k] = c[k];
            long iw = lrintf(c[k] * COEF_SCALE);
            t[d].iw[k] = (short)(iw < -32768 ? -32768 : iw > 32767 ? 32767 : iw);
        }
    }
}

/* OpenCV's vectorised vertical passes for uint8 (VResizeLinearVec_32s8u,
 * VResizeCubicVec_32s8u) round differently from its scalar code. Rows of at
 * least 8 samples are done entirely by them (the vector loop ends with an
 * overlapping last block); shorter rows take the scalar formula
 * (sum + 2^21) >> 22. Measured bit-exact against cv2 4.6 in test_io_parity.py. */
#define SIMD_MIN_ROW 8

/* Linear: 4 low bits dropped before a 16 x 16 -> high-16 multiply. */
static int64_t linear_simd_sample(int32_t s0, short b0, int32_t s1, short b1)
{
    int32_t a = (int32_t)(int16_t)(s0 >> 4) * b0, b = (int32_t)(int16_t)(s1 >> 4) * b1;
    return ((a >> 16) + (b >> 16) + 2) >> 2;
}

/* Cubic: float multiply-adds nested from the last tap, rounded half to even. */
static int64_t cubic_simd_sample(const int32_t *s, const short *b)
{
    const float scale = 1.f / (COEF_SCALE * COEF_SCALE);
    float v = (float)s[3] * (b[3] * scale);
    v = (float)s[2] * (b[2] * scale) + v;
    v = (float)s[1] * (b[1] * scale) + v;
    v = (float)s[0] * (b[0] * scale) + v;
    return lrintf(v);
}

/* Tap tables for both axes and the horizontal-pass buffer (h_bytes). */
typedef struct {
    taps *x, *y;
    void *h;
} kernel_plan;

static void plan_free(kernel_plan *p)
{
    free(p->x), free(p->y), free(p->h);
}

static int plan_create(kernel_plan *p, int sw, int sh, int dw, int dh, p3d_resize_mode mode,
                       size_t h_bytes)
{
    p->x = malloc(sizeof *p->x * dw);
    p->y = malloc(sizeof *p->y * dh);
    p->h = malloc(h_bytes);
    if (!p->x || !p->y || !p->h) {
        plan_free(p);
        return P3D_E_NOMEM;
    }
    build_taps(sw, dw, mode, 1, p->x);
    build_taps(sh, dh, mode, 0, p->y);
    return P3D_OK;
}

int p3d_resize_kernel_u8(const uint8_t *src, int sw, int sh, int cn, uint8_t *dst, int dw,
                         int dh, p3d_resize_mode mode)
{
    int n = tap_count(mode);
    size_t hlen = (size_t)dw * cn;
    kernel_plan plan;
    if (plan_create(&plan, sw, sh, dw, dh, mode, sizeof(int32_t) * hlen * sh))
        return P3D_E_NOMEM;
    const taps *xt = plan.x, *yt = plan.y;
    int32_t *h = plan.h;
    for (int y = 0; y < sh; y++) {
        const uint8_t *s = src + (size_t)y * sw * cn;
        int32_t *hr = h + (size_t)y * hlen;
        for (int x = 0; x < dw; x++)
            for (int c = 0; c < cn; c++) {
                int32_t v = 0;
                for (int k = 0; k < n; k++)
                    v += s[xt[x].ofs[k] * cn + c] * xt[x].iw[k];
                hr[x * cn + c] = v;
            }
    }
    for (int y = 0; y < dh; y++) {
        uint8_t *d = dst + (size_t)y * hlen;
        const taps *t = &yt[y];
        for (size_t i = 0; i < hlen; i++) {
            int32_t s[MAX_TAPS];
            int64_t v = 0;
            for (int k = 0; k < n; k++)
                s[k] = h[(size_t)t->ofs[k] * hlen + i];
            if (hlen >= SIMD_MIN_ROW && n == 2)
                v = linear_simd_sample(s[0], t->iw[0], s[1], t->iw[1]);
            else if (hlen >= SIMD_MIN_ROW)
                v = cubic_simd_sample(s, t->iw);
            else {
                for (int k = 0; k < n; k++)
                    v += (int64_t)t->iw[k] * s[k];
                v = (v + (1 << 21)) >> 22;
            }
            d[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    plan_free(&plan);
    return P3D_OK;
}

int p3d_resize_kernel_f32(const float *src, int sw, int sh, float *dst, int dw, int dh,
                          p3d_resize_mode mode)
{
    int n = tap_count(mode);
    kernel_plan plan;
    if (plan_create(&plan, sw, sh, dw, dh, mode, sizeof(float) * (size_t)dw * sh))
        return P3D_E_NOMEM;
    const taps *xt = plan.x, *yt = plan.y;
    float *h = plan.h;
    for (int y = 0; y < sh; y++) {
        const float *s = src + (size_t)y * sw;
        float *hr = h + (size_t)y * dw;
        for (int x = 0; x < dw; x++) {
            float v = s[xt[x].ofs[0]] * xt[x].w[0];
            for (int k = 1; k < n; k++)
                v += s[xt[x].ofs[k]] * xt[x].w[k];
            hr[x] = v;
        }
    }
    for (int y = 0; y < dh; y++) {
        float *d = dst + (size_t)y * dw;
        const taps *t = &yt[y];
        for (int x = 0; x < dw; x++) {
            float v = t->w[0] * h[(size_t)t->ofs[0] * dw + x];
            for (int k = 1; k < n; k++)
                v += t->w[k] * h[(size_t)t->ofs[k] * dw + x];
            d[x] = v;
        }
    }
    plan_free(&plan);
    return P3D_OK;
}
