/* RGB to I420 (yuv420.h). BT.601 limited range in 15-bit fixed point:
 * Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, Cb = 128 + (-37.797 R
 * - 74.203 G + 112 B) / 255, Cr = 128 + (112 R - 93.786 G - 18.214 B) / 255,
 * each coefficient times 32768 / 255 rounded (the chroma ones so that each
 * row sums to 0, which keeps grays at exactly 128), rounded to nearest.
 * Chroma takes the sum of a 2x2 block, so its shift is 2 more. The
 * AVX-512 version does the same integer arithmetic, 16 pixels of two rows
 * at a time: one byte permute spreads each row's R and G (and another its
 * B) into 16-bit words, and vpmaddwd forms the weighted sums. */
#include "render/yuv420.h"

#include <string.h>

#define Y_R 8414
#define Y_G 16519
#define Y_B 3208
#define CB_R (-4857)
#define CB_G (-9535)
#define CB_B 14392
#define CR_R 14392
#define CR_G (-12052)
#define CR_B (-2340)
#define Y_BIAS ((16 << 15) + (1 << 14))
#define C_BIAS ((128 << 17) + (1 << 16))

static uint8_t luma(const uint8_t *p)
{
    return (uint8_t)((Y_R * p[0] + Y_G * p[1] + Y_B * p[2] + Y_BIAS) >> 15);
}

/* Columns [x, w) of rows a and b (x even) into luma rows ya, yb and chroma
 * row positions x / 2 on. */
static void rows_plain(const uint8_t *a, const uint8_t *b, int x, int w, uint8_t *ya, uint8_t *yb,
                       uint8_t *u, uint8_t *v)
{
    for (; x < w; x += 2) {
        const uint8_t *p = a + 3 * x, *q = b + 3 * x;
        ya[x] = luma(p), ya[x + 1] = luma(p + 3);
        yb[x] = luma(q), yb[x + 1] = luma(q + 3);
        int r = p[0] + p[3] + q[0] + q[3], g = p[1] + p[4] + q[1] + q[4], bl = p[2] + p[5] + q[2] + q[5];
        u[x / 2] = (uint8_t)((CB_R * r + CB_G * g + CB_B * bl + C_BIAS) >> 17);
        v[x / 2] = (uint8_t)((CR_R * r + CR_G * g + CR_B * bl + C_BIAS) >> 17);
    }
}

#if defined(__AVX512BW__) && defined(__AVX512VBMI__)
#include <immintrin.h>
#define FAST_YUV 1

/* Two 16-bit coefficients as the pair vpmaddwd multiplies a word pair by. */
static inline __m512i pair(int lo, int hi)
{
    return _mm512_set1_epi32((int)((uint32_t)(uint16_t)hi << 16 | (uint16_t)lo));
}

/* Pixel i's R and G as words 2i and 2i + 1 (rg), its B as word 2i (b),
 * from 16 pixels of RGB. */
static inline void spread(const uint8_t *p, __m512i *rg, __m512i *b)
{
    /* byte 4i takes source byte 3i (R) or 3i + 2 (B), byte 4i + 2 takes 3i + 1 (G); the rest are 0 */
    static const uint8_t rg_at[64] = {
        0,  0, 1,  0, 3,  0, 4,  0, 6,  0, 7,  0, 9,  0, 10, 0, 12, 0, 13, 0, 15, 0,
        16, 0, 18, 0, 19, 0, 21, 0, 22, 0, 24, 0, 25, 0, 27, 0, 28, 0, 30, 0, 31, 0,
        33, 0, 34, 0, 36, 0, 37, 0, 39, 0, 40, 0, 42, 0, 43, 0, 45, 0, 46, 0};
    static const uint8_t b_at[64] = {
        2,  0, 0, 0, 5,  0, 0, 0, 8,  0, 0, 0, 11, 0, 0, 0, 14, 0, 0, 0, 17, 0,
        0,  0, 20, 0, 0, 0, 23, 0, 0, 0, 26, 0, 0, 0, 29, 0, 0, 0, 32, 0, 0, 0,
        35, 0, 0, 0, 38, 0, 0, 0, 41, 0, 0, 0, 44, 0, 0, 0, 47, 0, 0, 0};
    __m512i px = _mm512_maskz_loadu_epi8(0xFFFFFFFFFFFFull, p); /* 48 bytes */
    *rg = _mm512_maskz_permutexvar_epi8(0x5555555555555555ull, _mm512_loadu_si512(rg_at), px);
    *b = _mm512_maskz_permutexvar_epi8(0x1111111111111111ull, _mm512_loadu_si512(b_at), px);
}

/* 16 luma values from the spread pixels. */
static inline __m128i luma16(__m512i rg, __m512i b)
{
    __m512i s = _mm512_add_epi32(_mm512_madd_epi16(rg, pair(Y_R, Y_G)), _mm512_madd_epi16(b, pair(Y_B, 0)));
    return _mm512_cvtepi32_epi8(_mm512_srli_epi32(_mm512_add_epi32(s, _mm512_set1_epi32(Y_BIAS)), 15));
}

/* 8 chroma values from the column sums of two rows (rg, b), with the
 * coefficients cr, cg, cb: the sums of column pairs land in the even
 * 32-bit lanes, whose low bytes vpmovqb keeps. */
static inline __m128i chroma8(__m512i rg, __m512i b, int cr, int cg, int cb)
{
    __m512i s = _mm512_add_epi32(_mm512_madd_epi16(rg, pair(cr, cg)), _mm512_madd_epi16(b, pair(cb, 0)));
    s = _mm512_add_epi32(s, _mm512_srli_epi64(s, 32));
    return _mm512_cvtepi64_epi8(_mm512_srli_epi32(_mm512_add_epi32(s, _mm512_set1_epi32(C_BIAS)), 17));
}

/* Columns [0, w - w % 16) of rows a and b; returns where it stopped. */
static int rows_fast(const uint8_t *a, const uint8_t *b, int w, uint8_t *ya, uint8_t *yb, uint8_t *u,
                     uint8_t *v)
{
    int x = 0;
    for (; x + 16 <= w; x += 16) {
        __m512i rga, ba, rgb, bb;
        spread(a + 3 * x, &rga, &ba);
        spread(b + 3 * x, &rgb, &bb);
        _mm_storeu_si128((__m128i *)(ya + x), luma16(rga, ba));
        _mm_storeu_si128((__m128i *)(yb + x), luma16(rgb, bb));
        __m512i rg = _mm512_add_epi16(rga, rgb), bl = _mm512_add_epi16(ba, bb);
        _mm_storel_epi64((__m128i *)(u + x / 2), chroma8(rg, bl, CB_R, CB_G, CB_B));
        _mm_storel_epi64((__m128i *)(v + x / 2), chroma8(rg, bl, CR_R, CR_G, CR_B));
    }
    return x;
}
#else
#define FAST_YUV 0
#endif

int rgb_to_yuv420_path(p3d_ctx *ctx, const p3d_image *rgb, int portable, p3d_image *out)
{
    int w = rgb->width, h = rgb->height;
    if (rgb->channels != 3 || w <= 0 || h <= 0 || w % 2 || h % 2)
        return p3d_fail(ctx, P3D_E_INTERNAL, "yuv420p needs an RGB frame of even size, not %dx%dx%d", w,
                        h, rgb->channels);
    if (!out->data || out->width != w || out->height != yuv420_rows(h) || out->channels != 1) {
        p3d_image_free(out);
        int rc = p3d_image_alloc(ctx, out, w, yuv420_rows(h), 1);
        if (rc)
            return rc;
    }
    uint8_t *y = out->data, *u = y + (size_t)w * h, *v = u + (size_t)w * h / 4;
    for (int r = 0; r < h; r += 2) {
        const uint8_t *a = rgb->data + (size_t)r * w * 3, *b = a + (size_t)w * 3;
        uint8_t *ya = y + (size_t)r * w, *yb = ya + w;
        uint8_t *ur = u + (size_t)r / 2 * (w / 2), *vr = v + (size_t)r / 2 * (w / 2);
        int x = 0;
#if FAST_YUV
        if (!portable)
            x = rows_fast(a, b, w, ya, yb, ur, vr);
#else
        (void)portable;
#endif
        rows_plain(a, b, x, w, ya, yb, ur, vr);
    }
    return P3D_OK;
}

int rgb_to_yuv420(p3d_ctx *ctx, const p3d_image *rgb, p3d_image *out)
{
    return rgb_to_yuv420_path(ctx, rgb, 0, out);
}
