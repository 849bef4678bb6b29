/* Pixel filling of set-up triangles (raster_batch.h; ALGORITHM.md 9,
 * z-buffer and perspective-correct vertex colours; see raster.c) in stamps
 * of 4x4 (AVX-512) or 4x2 pixels (portable). A pixel is drawn when its
 * centre lies inside or on all three edges and its 1/z is larger than the
 * z-buffer's. The barycentric weights come straight from the edge
 * functions; 1/z and colour/z are interpolated with them (both are linear
 * in screen space), so the colour is perspective-correct. Textured
 * triangles (the simplified mesh's blocks, raster_lod.c) take their colour
 * from the texels around the point's place in the mesh's own camera,
 * interpolated as the mesh's cells are (texel()). Every pixel goes through
 * the same operations (no FMA contraction in ISO C mode), which keeps
 * shared edges exact and makes the two versions agree bit for bit: the
 * portable one uses GCC vector types and stores lane by lane, the AVX-512
 * one masked stores. The AVX-512 one also draws two consecutive triangles
 * that fit one stamp together (a grid cell) in one stamp when no pixel is
 * in both, which gives the pixels of drawing them in turn.
 *
 * Measured and not kept (moon, tool_render_bench): drawing a block's fan
 * stamp by stamp over the triangles' joint box, each stamp shaded once
 * with every lane's coefficients permuted from the batch's (textured
 * shades 271 k -> 225 k per frame) cost more in edge functions than it
 * saved: raster 18.3 -> 20.2 ms per frame, 20.1 for pairs only; full-row
 * z stores (forwardable) instead of masked ones: no change. The textured
 * stamps are about half the raster time (a constant colour instead: 20.5
 * -> 9 ms); their division and permutes are 2-4 % each. */
#include "render/raster_batch.h"

#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#define STAMP 4 /* stamp width, and height of the AVX-512 ones */

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

/* x * w / 2^15 rounded as vpmulhrsw does (x a colour difference, w a Q15
 * weight); >> of a negative int is arithmetic in GCC and Clang. */
static inline int mul_round_q15(int x, int w)
{
    return ((x * w >> 14) + 1) >> 1;
}

/* The colour at texel coordinate (u, v) (texel centres at integers),
 * interpolated as the mesh's own triangles do: a cell is split along its
 * top-right to bottom-left diagonal (mesh_build.c), and each half is
 * linear. In the float operations of the AVX-512 version's lanes. */
static uint32_t texel(const raster_texture *tex, float u, float v)
{
    u = u > 0 ? u : 0; /* NaN goes to 0, as with max(u, 0) */
    u = u < tex->umax ? u : tex->umax;
    v = v > 0 ? v : 0;
    v = v < tex->vmax ? v : tex->vmax;
    int iu = (int)u, iv = (int)v;
    float fx = u - (float)iu, fy = v - (float)iv;
    const uint32_t *p = tex->texels + (size_t)iv * tex->stride + iu;
    /* corners a, b, c and weights along a -> b and a -> c of the half */
    int upper = fx + fy <= 1.0f;
    uint32_t a = upper ? p[0] : p[tex->stride + 1], b = upper ? p[1] : p[tex->stride];
    uint32_t c = upper ? p[tex->stride] : p[1];
    float gx = upper ? fx : 1.0f - fx, gy = upper ? fy : 1.0f - fy;
    /* weights in Q15 (1 held at 32767), channels in integers, as vpmulhrsw */
    int wx = (int)(gx * 32768.0f), wy = (int)(gy * 32768.0f);
    wx = wx < 32767 ? wx : 32767;
    wy = wy < 32767 ? wy : 32767;
    uint32_t out = 0;
    for (int ch = 0; ch < 3; ch++) {
        int va = (int)(a >> 8 * ch & 255), vb = (int)(b >> 8 * ch & 255), vc = (int)(c >> 8 * ch & 255);
        int value = va + mul_round_q15(vb - va, wx) + mul_round_q15(vc - va, wy);
        value = value < 0 ? 0 : value > 255 ? 255 : value;
        out |= (uint32_t)value << 8 * ch;
    }
    return out;
}

/* 4x2 stamps of 8 lanes: the width of AVX2 and the same pixels as the
 * AVX-512 4x4 stamps (each pixel's arithmetic does not depend on the
 * stamp). */
static void fill_triangle_portable(const setup_batch *t, int i, raster_canvas *cv)
{
    const v8f lx = {0, 1, 2, 3, 0, 1, 2, 3}, ly = {0, 0, 0, 0, 1, 1, 1, 1};
    const v8f top = {255, 255, 255, 255, 255, 255, 255, 255};
    const v4f beyond = {INFINITY, INFINITY, INFINITY, INFINITY}; /* a row past the triangle */
    float ax[3], ay[3], dx[3], dy[3], iz[3], cz[3][3];
    for (int k = 0; k < 3; k++) {
        ax[k] = t->ax[k][i], ay[k] = t->ay[k][i], dx[k] = t->dx[k][i], dy[k] = t->dy[k][i];
        iz[k] = t->iz[k][i];
        for (int ch = 0; ch < 3; ch++)
            cz[ch][k] = t->cz[ch][k][i];
    }
    int xa = t->xa[i], xb = t->xb[i], ya = t->ya[i], yb = t->yb[i];
    for (int sy = ya; sy <= yb; sy += 2) {
        v8f py = (float)sy + 0.5f + ly;
        const float *zrow0 = cv->inv_depth + (size_t)(sy - cv->zrow0) * cv->zstride;
        const float *zrow1 = sy < yb ? zrow0 + cv->zstride : NULL;
        for (int sx = xa; sx <= xb; sx += STAMP) {
            v8f px = (float)sx + 0.5f + lx;
            v8f w0 = dx[0] * (py - ay[0]) - dy[0] * (px - ax[0]);
            v8f w1 = dx[1] * (py - ay[1]) - dy[1] * (px - ax[1]);
            v8f w2 = dx[2] * (py - ay[2]) - dy[2] * (px - ax[2]);
            v8f z = w0 * iz[0] + w1 * iz[1] + w2 * iz[2];
            /* two 4-wide row loads joined in registers (a join through
             * memory stalls store forwarding) */
            v4f zb0, zb1 = beyond;
            memcpy(&zb0, zrow0 + sx, sizeof zb0);
            if (zrow1)
                memcpy(&zb1, zrow1 + sx, sizeof zb1);
            v8f zb = __builtin_shufflevector(zb0, zb1, 0, 1, 2, 3, 4, 5, 6, 7);
            v8i pass = (w0 >= 0) & (w1 >= 0) & (w2 >= 0) & (z > zb) & (px < xb + 1.0f);
#ifdef __AVX__
            unsigned bits = (unsigned)__builtin_ia32_movmskps256((v8f)pass);
#else
            unsigned bits = 0;
            for (int lane = 0; lane < 8; lane++)
                bits |= (unsigned)(pass[lane] & 1) << lane;
#endif
            if (!bits)
                continue;
            v8f inv = 1.0f / z;
            v8i c[3];
            if (t->tex) {
                v8f inv_q = 1.0f / (w0 * cz[2][0] + w1 * cz[2][1] + w2 * cz[2][2]);
                v8f u = (w0 * cz[0][0] + w1 * cz[0][1] + w2 * cz[0][2]) * inv_q;
                v8f v = (w0 * cz[1][0] + w1 * cz[1][1] + w2 * cz[1][2]) * inv_q;
                for (int lane = 0; lane < 8; lane++) {
                    uint32_t rgbx = texel(t->tex, u[lane], v[lane]);
                    for (int ch = 0; ch < 3; ch++)
                        c[ch][lane] = (int32_t)(rgbx >> 8 * ch & 255);
                }
            }
            for (int ch = 0; ch < 3 && !t->tex; ch++) {
                /* clamped to [0, 255] with masks (NaN from slivers goes to 0) */
                v8f value = (w0 * cz[ch][0] + w1 * cz[ch][1] + w2 * cz[ch][2]) * inv + 0.5f;
                v8i clamped = (v8i)value & (value > 0);
                v8i below = (v8f)clamped < 255;
                clamped = (clamped & below) | ((v8i)top & ~below);
                c[ch] = __builtin_convertvector((v8f)clamped, v8i);
            }
            for (; bits; bits &= bits - 1) {
                int lane = __builtin_ctz(bits);
                size_t x = (size_t)sx + lane % STAMP, y = (size_t)sy + lane / STAMP;
                cv->inv_depth[(y - (size_t)cv->zrow0) * cv->zstride + x] = z[lane];
                cv->rgbx[(y - (size_t)cv->crow0) * cv->size + x] =
                    (uint32_t)c[0][lane] | (uint32_t)c[1][lane] << 8 | (uint32_t)c[2][lane] << 16;
            }
        }
    }
}

void fill_batch_portable(const setup_batch *t, raster_canvas *cv)
{
    for (int i = 0; i < t->n; i++)
        fill_triangle_portable(t, i, cv);
}

#if defined(__AVX512F__) && defined(__AVX512VL__) && defined(__AVX512BW__)
/* GCC at -O2 leaves these as calls, passing the 16-lane values through the
 * stack, which costs more than the arithmetic. */
#define FORCE_INLINE static inline __attribute__((always_inline))

static const float lane_x[16] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
static const float lane_y[16] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};

/* Four rows of 4 floats joined into one register. */
FORCE_INLINE __m512 load_rows(const float *r0, const float *r1, const float *r2, const float *r3)
{
    __m512 v = _mm512_castps128_ps512(_mm_loadu_ps(r0));
    v = _mm512_insertf32x4(v, _mm_loadu_ps(r1), 1);
    v = _mm512_insertf32x4(v, _mm_loadu_ps(r2), 2);
    return _mm512_insertf32x4(v, _mm_loadu_ps(r3), 3);
}

FORCE_INLINE __m512 edge(__m512 px, __m512 py, const setup_batch *t, int k, int i)
{
    return _mm512_sub_ps(_mm512_mul_ps(_mm512_set1_ps(t->dx[k][i]), _mm512_sub_ps(py, _mm512_set1_ps(t->ay[k][i]))),
                         _mm512_mul_ps(_mm512_set1_ps(t->dy[k][i]), _mm512_sub_ps(px, _mm512_set1_ps(t->ax[k][i]))));
}

/* The three edge functions (barycentric weights) at the lanes' pixel
 * centres; a struct, not an array, so that GCC keeps them in registers. */
typedef struct weights {
    __m512 w0, w1, w2;
} weights;

FORCE_INLINE weights edges(const setup_batch *t, int i, __m512 px, __m512 py)
{
    weights w = {edge(px, py, t, 0, i), edge(px, py, t, 1, i), edge(px, py, t, 2, i)};
    return w;
}

/* The lanes inside or on all three edges. */
FORCE_INLINE __mmask16 inside(weights w)
{
    const __m512 zero = _mm512_setzero_ps();
    return _mm512_cmp_ps_mask(w.w0, zero, _CMP_GE_OQ) & _mm512_cmp_ps_mask(w.w1, zero, _CMP_GE_OQ) &
           _mm512_cmp_ps_mask(w.w2, zero, _CMP_GE_OQ);
}

/* Where each lane takes its coefficients from: triangle i, or for a pair
 * (fill_pair) triangle i + 1 in the lanes of second. */
typedef struct source {
    const setup_batch *t;
    int i, pair;
    __mmask16 second;
} source;

/* Each lane's triangle's coefficient c[triangle]. */
FORCE_INLINE __m512 coefficient(const source *s, const float *c)
{
    __m512 v = _mm512_set1_ps(c[s->i]);
    return s->pair ? _mm512_mask_blend_ps(s->second, v, _mm512_set1_ps(c[s->i + 1])) : v;
}

/* sum_k w_k c_k with c the coefficients (iz or one channel of cz, indexed
 * [k][triangle]) of each lane's triangle, in the portable version's order. */
FORCE_INLINE __m512 weigh(const source *s, weights w, const float (*c)[SETUP_BATCH])
{
    return _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(w.w0, coefficient(s, c[0])),
                                       _mm512_mul_ps(w.w1, coefficient(s, c[1]))),
                         _mm512_mul_ps(w.w2, coefficient(s, c[2])));
}

FORCE_INLINE __m512i channel(const source *s, weights w, int ch, __m512 inv)
{
    __m512 value = _mm512_add_ps(_mm512_mul_ps(weigh(s, w, s->t->cz[ch]), inv), _mm512_set1_ps(0.5f));
    /* as the portable clamp: max with 0 returns 0 for NaN (second operand) */
    value = _mm512_min_ps(_mm512_max_ps(value, _mm512_setzero_ps()), _mm512_set1_ps(255.0f));
    return _mm512_cvttps_epi32(value);
}

/* The texel colours at each lane's texel coordinate, as texel() in the
 * portable version; lanes off in m are not read. */
FORCE_INLINE __m512i texels(const source *s, weights w, __mmask16 m)
{
    const raster_texture *tex = s->t->tex;
    const __m512 zero = _mm512_setzero_ps();
    __m512 inv_q = _mm512_div_ps(_mm512_set1_ps(1.0f), weigh(s, w, s->t->cz[2]));
    __m512 u = _mm512_mul_ps(weigh(s, w, s->t->cz[0]), inv_q);
    __m512 v = _mm512_mul_ps(weigh(s, w, s->t->cz[1]), inv_q);
    u = _mm512_min_ps(_mm512_max_ps(u, zero), _mm512_set1_ps(tex->umax));
    v = _mm512_min_ps(_mm512_max_ps(v, zero), _mm512_set1_ps(tex->vmax));
    __m512i iu = _mm512_cvttps_epi32(u), iv = _mm512_cvttps_epi32(v);
    __m512 fx = _mm512_sub_ps(u, _mm512_cvtepi32_ps(iu)), fy = _mm512_sub_ps(v, _mm512_cvtepi32_ps(iv));
    __m512i none = _mm512_setzero_si512(), one = _mm512_set1_epi32(1), c00, c10, c01, c11;
    /* the 4x4 texels from the first lane's: where every lane's taps are
     * among them (the usual case at 2x2 supersampling, where a stamp spans
     * about 2 texels), one load and four permutes instead of gathers; the
     * first lane, not the lanes' minimum, keeps reductions off the path */
    int u0 = _mm512_cvtsi512_si32(iu), v0 = _mm512_cvtsi512_si32(iv);
    __m512i du = _mm512_sub_epi32(iu, _mm512_set1_epi32(u0)), dv = _mm512_sub_epi32(iv, _mm512_set1_epi32(v0));
    __m512i two = _mm512_set1_epi32(2);
    if ((_mm512_mask_cmple_epu32_mask(m, du, two) & _mm512_mask_cmple_epu32_mask(m, dv, two)) == m) {
        const uint32_t *p = tex->texels + (size_t)v0 * tex->stride + u0;
        __m512i window = _mm512_castps_si512(load_rows((const float *)p, (const float *)(p + tex->stride),
                                                       (const float *)(p + 2 * tex->stride),
                                                       (const float *)(p + 3 * tex->stride)));
        /* the two texel rows that the stamp below needs and this one did
         * not (4 canvas rows down is about 2 texels at 2x2 supersampling):
         * the textured stamps waited on texel loads, the atlas being some
         * MB per frame; 8 texels on, as measured best against 0 and 16
         * and four rows (moon, tool_render_bench: raster 17.2 -> 15.4 ms
         * per frame at best); addresses as integers, since the rows can
         * lie past the atlas (a prefetch never faults) */
        uintptr_t ahead = (uintptr_t)p + sizeof *p * (4 * (size_t)tex->stride + 8);
        _mm_prefetch((const char *)ahead, _MM_HINT_T0);
        _mm_prefetch((const char *)(ahead + sizeof *p * (size_t)tex->stride), _MM_HINT_T0);
        __m512i at = _mm512_add_epi32(_mm512_slli_epi32(dv, 2), du);
        __m512i below = _mm512_add_epi32(at, _mm512_set1_epi32(4));
        c00 = _mm512_permutexvar_epi32(at, window);
        c10 = _mm512_permutexvar_epi32(_mm512_add_epi32(at, one), window);
        c01 = _mm512_permutexvar_epi32(below, window);
        c11 = _mm512_permutexvar_epi32(_mm512_add_epi32(below, one), window);
    } else {
        __m512i stride = _mm512_set1_epi32(tex->stride);
        __m512i at = _mm512_add_epi32(_mm512_mullo_epi32(iv, stride), iu);
        __m512i below = _mm512_add_epi32(at, stride);
        c00 = _mm512_mask_i32gather_epi32(none, m, at, tex->texels, 4);
        c10 = _mm512_mask_i32gather_epi32(none, m, _mm512_add_epi32(at, one), tex->texels, 4);
        c01 = _mm512_mask_i32gather_epi32(none, m, below, tex->texels, 4);
        c11 = _mm512_mask_i32gather_epi32(none, m, _mm512_add_epi32(below, one), tex->texels, 4);
    }
    /* the half of the cell (texel()) and its corners */
    const __m512 unit = _mm512_set1_ps(1.0f);
    __mmask16 upper = _mm512_cmp_ps_mask(_mm512_add_ps(fx, fy), unit, _CMP_LE_OQ);
    __m512i a = _mm512_mask_blend_epi32(upper, c11, c00), b = _mm512_mask_blend_epi32(upper, c01, c10);
    __m512i c = _mm512_mask_blend_epi32(upper, c10, c01);
    __m512 gx = _mm512_mask_blend_ps(upper, _mm512_sub_ps(unit, fx), fx);
    __m512 gy = _mm512_mask_blend_ps(upper, _mm512_sub_ps(unit, fy), fy);
    /* channel math in 16 bits, in place: R and B are the two words of one
     * register's lanes, G (and the empty 4th byte) of another's, and each
     * lane's Q15 weights fill both its words (a spread of 8 texels' bytes
     * into words, twice per stamp, took more permutes than arithmetic) */
    const __m512 q15 = _mm512_set1_ps(32768.0f);
    const __m512i top = _mm512_set1_epi32(32767), bytes = _mm512_set1_epi32(0x00FF00FF);
    __m512i wx = _mm512_min_epi32(_mm512_cvttps_epi32(_mm512_mul_ps(gx, q15)), top);
    __m512i wy = _mm512_min_epi32(_mm512_cvttps_epi32(_mm512_mul_ps(gy, q15)), top);
    wx = _mm512_or_si512(wx, _mm512_slli_epi32(wx, 16));
    wy = _mm512_or_si512(wy, _mm512_slli_epi32(wy, 16));
    __m512i out[2];
    for (int h = 0; h < 2; h++) { /* R and B, then G */
        __m512i va = _mm512_and_si512(h ? _mm512_srli_epi32(a, 8) : a, bytes);
        __m512i vb = _mm512_and_si512(h ? _mm512_srli_epi32(b, 8) : b, bytes);
        __m512i vc = _mm512_and_si512(h ? _mm512_srli_epi32(c, 8) : c, bytes);
        __m512i value = _mm512_add_epi16(va, _mm512_mulhrs_epi16(_mm512_sub_epi16(vb, va), wx));
        value = _mm512_add_epi16(value, _mm512_mulhrs_epi16(_mm512_sub_epi16(vc, va), wy));
        out[h] = _mm512_min_epi16(_mm512_max_epi16(value, none), _mm512_set1_epi16(255));
    }
    return _mm512_or_si512(out[0], _mm512_slli_epi32(out[1], 8));
}

/* Writes the lanes of m whose 1/z beats the z-buffer's into the 4x4 stamp
 * at (sx, sy) whose rows past sy + last are off: those load and (masked
 * off) store row sy + last, which the band owns. */
FORCE_INLINE void shade(const source *s, weights w, __mmask16 m, raster_canvas *cv, int sx,
                         int sy, int last)
{
    __m512 z = weigh(s, w, s->t->iz);
    ptrdiff_t zs = cv->zstride, cs = cv->size;
    ptrdiff_t r1 = last < 1 ? last : 1, r2 = last < 2 ? last : 2, r3 = last < 3 ? last : 3;
    float *zb = cv->inv_depth + (ptrdiff_t)(sy - cv->zrow0) * zs + sx;
    uint32_t *cb = cv->rgbx + (ptrdiff_t)(sy - cv->crow0) * cs + sx;
    __m512 old = load_rows(zb, zb + r1 * zs, zb + r2 * zs, zb + r3 * zs);
    m &= _mm512_cmp_ps_mask(z, old, _CMP_GT_OQ);
    if (!m)
        return;
    __m512i rgbx;
    if (s->t->tex) {
        rgbx = texels(s, w, m);
    } else {
        __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), z);
        __m512i red = channel(s, w, 0, inv), green = channel(s, w, 1, inv), blue = channel(s, w, 2, inv);
        rgbx = _mm512_or_si512(red, _mm512_or_si512(_mm512_slli_epi32(green, 8), _mm512_slli_epi32(blue, 16)));
    }
    _mm_mask_storeu_ps(zb, m & 15, _mm512_extractf32x4_ps(z, 0));
    _mm_mask_storeu_ps(zb + r1 * zs, (m >> 4) & 15, _mm512_extractf32x4_ps(z, 1));
    _mm_mask_storeu_ps(zb + r2 * zs, (m >> 8) & 15, _mm512_extractf32x4_ps(z, 2));
    _mm_mask_storeu_ps(zb + r3 * zs, (m >> 12) & 15, _mm512_extractf32x4_ps(z, 3));
    _mm_mask_storeu_epi32(cb, m & 15, _mm512_extracti32x4_epi32(rgbx, 0));
    _mm_mask_storeu_epi32(cb + r1 * cs, (m >> 4) & 15, _mm512_extracti32x4_epi32(rgbx, 1));
    _mm_mask_storeu_epi32(cb + r2 * cs, (m >> 8) & 15, _mm512_extracti32x4_epi32(rgbx, 2));
    _mm_mask_storeu_epi32(cb + r3 * cs, (m >> 12) & 15, _mm512_extracti32x4_epi32(rgbx, 3));
}

FORCE_INLINE __m512 stamp_x(int sx)
{
    return _mm512_add_ps(_mm512_set1_ps((float)sx + 0.5f), _mm512_loadu_ps(lane_x));
}

FORCE_INLINE __m512 stamp_y(int sy)
{
    return _mm512_add_ps(_mm512_set1_ps((float)sy + 0.5f), _mm512_loadu_ps(lane_y));
}

/* One 4x4 stamp of triangle i at (sx, sy); lanes past xb or yb are off. */
FORCE_INLINE void fill_stamp(const setup_batch *t, int i, raster_canvas *cv, int sx, int sy)
{
    int xb = t->xb[i], yb = t->yb[i];
    __m512 px = stamp_x(sx), py = stamp_y(sy);
    weights w = edges(t, i, px, py);
    __mmask16 m = inside(w) & _mm512_cmp_ps_mask(py, _mm512_set1_ps(yb + 1.0f), _CMP_LT_OQ) &
                  _mm512_cmp_ps_mask(px, _mm512_set1_ps(xb + 1.0f), _CMP_LT_OQ);
    source s = {t, i, 0, 0};
    if (m)
        shade(&s, w, m, cv, sx, sy, yb - sy);
}

/* The lanes of the stamp at (sx, sy) inside triangle i's pixel box. */
FORCE_INLINE __mmask16 box_lanes(const setup_batch *t, int i, int sx, int sy)
{
    unsigned cols = ((1u << (t->xb[i] - t->xa[i] + 1)) - 1) << (t->xa[i] - sx);
    unsigned rows = ((1u << 4 * (t->yb[i] - t->ya[i] + 1)) - 1) << 4 * (t->ya[i] - sy);
    return (__mmask16)(rows & cols * 0x1111u);
}

/* Triangles i and i + 1, whose boxes fit together in the stamp at (sx,
 * sy) with rows past sy + last off, drawn exactly as one after the other:
 * when no lane lies inside both, each lane takes the weights and
 * coefficients of the triangle it lies in (the same floats as drawn
 * alone) and the stamp is shaded once, one z-buffer load, division and set
 * of stores for the two. Grid cells (about 3x3 pixels at 3x
 * supersampling) whose two triangles come in a row are such pairs, as in
 * the test grid; the pipeline's meshes list a cell's triangles apart
 * (mesh_build.c says why), but at the default 2x2 their consecutive faces,
 * triangles of diagonally neighbouring cells, often fit one stamp too
 * (moon: raster 44 against 48 CPU ms per frame without pairs). When a
 * lane is in both (a pixel centre exactly on the diagonal, a quad folded
 * over) the second must see the first's z, so they are drawn one after the
 * other. */
FORCE_INLINE void fill_pair(const setup_batch *t, int i, raster_canvas *cv, int sx, int sy, int last)
{
    __m512 px = stamp_x(sx), py = stamp_y(sy);
    weights wa = edges(t, i, px, py), wb = edges(t, i + 1, px, py);
    __mmask16 in_a = inside(wa) & box_lanes(t, i, sx, sy);
    __mmask16 in_b = inside(wb) & box_lanes(t, i + 1, sx, sy);
    if (in_a & in_b) {
        fill_stamp(t, i, cv, t->xa[i], t->ya[i]);
        fill_stamp(t, i + 1, cv, t->xa[i + 1], t->ya[i + 1]);
        return;
    }
    weights w = {_mm512_mask_blend_ps(in_b, wa.w0, wb.w0), _mm512_mask_blend_ps(in_b, wa.w1, wb.w1),
                 _mm512_mask_blend_ps(in_b, wa.w2, wb.w2)};
    source s = {t, i, 1, in_b};
    if (in_a | in_b)
        shade(&s, w, in_a | in_b, cv, sx, sy, last);
}

/* One loop over the batch with the stamps inlined (a call per triangle
 * cost about 1 ms per frame). Two triangles in a row whose boxes fit one
 * stamp together (a grid cell) are drawn as a pair. */
void fill_batch(const setup_batch *t, raster_canvas *cv)
{
    for (int i = 0; i < t->n; i++) {
        int xa = t->xa[i], xb = t->xb[i], ya = t->ya[i], yb = t->yb[i];
        if (i + 1 < t->n) {
            int sx = xa < t->xa[i + 1] ? xa : t->xa[i + 1], sy = ya < t->ya[i + 1] ? ya : t->ya[i + 1];
            int ex = xb > t->xb[i + 1] ? xb : t->xb[i + 1], ey = yb > t->yb[i + 1] ? yb : t->yb[i + 1];
            if (ex - sx < STAMP && ey - sy < STAMP) {
                fill_pair(t, i, cv, sx, sy, ey - sy);
                i++;
                continue;
            }
        }
        if (xb - xa < STAMP && yb - ya < STAMP) { /* most other triangles */
            fill_stamp(t, i, cv, xa, ya);
            continue;
        }
        for (int sy = ya; sy <= yb; sy += STAMP)
            for (int sx = xa; sx <= xb; sx += STAMP)
                fill_stamp(t, i, cv, sx, sy);
    }
}
#else
void fill_batch(const setup_batch *t, raster_canvas *cv)
{
    fill_batch_portable(t, cv);
}
#endif
