/* Pixel filling of set-up triangles (raster_batch.h; ALGORITHM.md 9,
 * z-buffer and perspective-correct vertex colours; see raster.c) in stamps
 * of 4x4 (AVX-512) or 4x2 pixels (portable). A pixel is drawn when its
 * centre lies inside or on all three edges and its 1/z is larger than the
 * z-buffer's. The barycentric weights come straight from the edge
 * functions; 1/z and colour/z are interpolated with them (both are linear
 * in screen space), so the colour is perspective-correct. Every pixel goes
 * through the same float operations (no FMA contraction in ISO C mode),
 * which keeps shared edges exact and makes the two versions agree bit for
 * bit: the portable one uses GCC vector types and stores lane by lane, the
 * AVX-512 one masked stores. The AVX-512 one also draws two consecutive
 * triangles that fit one stamp together (a grid cell) in one stamp when no
 * pixel is in both, which gives the pixels of drawing them in turn. */
#include "render/raster_batch.h"

#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#define STAMP 4 /* stamp width, and height of the AVX-512 ones */

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

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
        const float *zrow0 = cv->inv_depth + (size_t)sy * cv->zstride;
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
            for (int ch = 0; ch < 3; ch++) {
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
                cv->inv_depth[y * cv->zstride + x] = z[lane];
                cv->rgbx[y * cv->size + x] =
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

#if defined(__AVX512F__) && defined(__AVX512VL__)
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

/* Writes the lanes of m whose 1/z beats the z-buffer's into the 4x4 stamp
 * at (sx, sy) whose rows past sy + last are off: those load and (masked
 * off) store row sy + last, which the band owns. */
FORCE_INLINE void shade(const source *s, weights w, __mmask16 m, raster_canvas *cv, int sx,
                         int sy, int last)
{
    __m512 z = weigh(s, w, s->t->iz);
    ptrdiff_t zs = cv->zstride, cs = cv->size;
    ptrdiff_t r1 = last < 1 ? last : 1, r2 = last < 2 ? last : 2, r3 = last < 3 ? last : 3;
    float *zb = cv->inv_depth + (ptrdiff_t)sy * zs + sx;
    uint32_t *cb = cv->rgbx + (ptrdiff_t)sy * cs + sx;
    __m512 old = load_rows(zb, zb + r1 * zs, zb + r2 * zs, zb + r3 * zs);
    m &= _mm512_cmp_ps_mask(z, old, _CMP_GT_OQ);
    if (!m)
        return;
    __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), z);
    __m512i red = channel(s, w, 0, inv), green = channel(s, w, 1, inv), blue = channel(s, w, 2, inv);
    __m512i rgbx = _mm512_or_si512(red, _mm512_or_si512(_mm512_slli_epi32(green, 8),
                                                        _mm512_slli_epi32(blue, 16)));
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
