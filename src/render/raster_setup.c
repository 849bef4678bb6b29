/* Triangle set-up for the rasterizer (ALGORITHM.md 9; see raster.c): the
 * pixel bounding box inside a band, the oriented edge functions in
 * canonical vertex order (so that two triangles sharing an edge evaluate
 * the very same float value with opposite signs and no pixel centre on it
 * falls through a crack), and 1/z and colour/z at the vertices divided by
 * twice the area, which turns the edge functions into barycentric weights.
 * The scalar and the AVX-512 versions do the same float operations in the
 * same order (no FMA contraction in ISO C mode), so they agree bit for bit. */
#include "render/raster_batch.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

static void setup_one(const projected *const v[3], const fan_vertices *fan, const int32_t *idx,
                      const raster_rect *band, setup_batch *out)
{
    int x0 = band->x0, y0 = band->y0, x1 = band->x1, y1 = band->y1;
    if (v[0]->inv_z <= 0 || v[1]->inv_z <= 0 || v[2]->inv_z <= 0)
        return;
    float minx = min3(v[0]->x, v[1]->x, v[2]->x), maxx = max3(v[0]->x, v[1]->x, v[2]->x);
    float miny = min3(v[0]->y, v[1]->y, v[2]->y), maxy = max3(v[0]->y, v[1]->y, v[2]->y);
    if (!(minx < x1 && maxx > x0 && miny < y1 && maxy > y0)) /* also drops NaN */
        return;
    minx = minx < x0 - 1 ? x0 - 1 : minx, maxx = maxx > x1 + 1 ? x1 + 1 : maxx;
    miny = miny < y0 - 1 ? y0 - 1 : miny, maxy = maxy > y1 + 1 ? y1 + 1 : maxy;
    /* pixels whose centres (i + 0.5) lie in [min, max] */
    int xa = (int)ceilf(minx - 0.5f), xb = (int)floorf(maxx - 0.5f);
    int ya = (int)ceilf(miny - 0.5f), yb = (int)floorf(maxy - 0.5f);
    xa = xa < x0 ? x0 : xa;
    xb = xb > x1 - 1 ? x1 - 1 : xb;
    ya = ya < y0 ? y0 : ya;
    yb = yb > y1 - 1 ? y1 - 1 : yb;
    if (xa > xb || ya > yb)
        return;
    float area = (v[1]->x - v[0]->x) * (v[2]->y - v[0]->y) - (v[2]->x - v[0]->x) * (v[1]->y - v[0]->y);
    float size = fabsf(area);
    if (!(size > 1e-12f))
        return;
    float orient = area > 0 ? 1.0f : -1.0f, inv_area = 1.0f / size;
    int i = out->n++;
    out->xa[i] = xa, out->xb[i] = xb, out->ya[i] = ya, out->yb[i] = yb;
    for (int k = 0; k < 3; k++) {
        /* edge k joins the other two vertices, lower address first */
        const projected *a = v[(k + 1) % 3], *b = v[(k + 2) % 3];
        float sign = a < b ? orient : -orient;
        const projected *lo = a < b ? a : b, *hi = a < b ? b : a;
        out->ax[k][i] = lo->x, out->ay[k][i] = lo->y;
        out->dx[k][i] = sign * (hi->x - lo->x), out->dy[k][i] = sign * (hi->y - lo->y);
        out->iz[k][i] = v[k]->inv_z * inv_area;
        if (fan) {
            float q = fan->xyz[3 * (long)idx[k] + 2] * v[k]->inv_z;
            out->cz[0][k][i] = v[k]->u * q * inv_area;
            out->cz[1][k][i] = fan->uv[2 * (long)idx[k] + 1] * q * inv_area;
            out->cz[2][k][i] = q * inv_area;
            continue;
        }
        for (int ch = 0; ch < 3; ch++)
            out->cz[ch][k][i] = (float)v[k]->rgba[ch] * v[k]->inv_z * inv_area;
    }
}

void setup_faces_portable(const int32_t *faces, int n, const projected *pv, const fan_vertices *fan,
                          const raster_rect *band, setup_batch *out)
{
    out->n = 0;
    for (int f = 0; f < n; f++) {
        const int32_t *idx = faces + 3 * f;
        const projected *v[3] = {pv + idx[0], pv + idx[1], pv + idx[2]};
        setup_one(v, fan, idx, band, out);
    }
}

void face_rows_portable(const int32_t *faces, long n, const projected *pv, float *lo, float *hi)
{
    float l = INFINITY, h = -INFINITY;
    for (long f = 0; f < n; f++) {
        const int32_t *idx = faces + 3 * f;
        const projected *v[3] = {pv + idx[0], pv + idx[1], pv + idx[2]};
        if (v[0]->inv_z <= 0 || v[1]->inv_z <= 0 || v[2]->inv_z <= 0)
            continue;
        float a = min3(v[0]->y, v[1]->y, v[2]->y), b = max3(v[0]->y, v[1]->y, v[2]->y);
        l = a < l ? a : l; /* a NaN row is left out */
        h = b > h ? b : h;
    }
    *lo = l, *hi = h;
}

#if defined(__AVX512F__)
/* immediates even at -O0 */
#define ROUND_UP (_MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)
#define ROUND_DOWN (_MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)

static inline __m512 min3v(__m512 a, __m512 b, __m512 c)
{
    __m512 m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_LT_OQ), b, a);
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(m, c, _CMP_LT_OQ), c, m);
}

static inline __m512 max3v(__m512 a, __m512 b, __m512 c)
{
    __m512 m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_GT_OQ), b, a);
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(m, c, _CMP_GT_OQ), c, m);
}

/* Packs the lanes in keep to the front and stores all 16. */
static inline void put(float *dst, __mmask16 keep, __m512 v)
{
    _mm512_storeu_ps(dst, _mm512_maskz_compress_ps(keep, v));
}

/* The k-th vertex index of 16 faces (3 indices each). */
static inline __m512i face_vertex_ids(const int32_t *faces, int k)
{
    __m512i f0 = _mm512_loadu_si512(faces), f1 = _mm512_loadu_si512(faces + 16);
    __m512i f2 = _mm512_loadu_si512(faces + 32);
    int32_t first[16], second[16];
    for (int j = 0; j < 16; j++) {
        int at = 3 * j + k;
        first[j] = at < 32 ? at : 0;
        second[j] = at < 32 ? j : 16 + at - 32;
    }
    __m512i t = _mm512_permutex2var_epi32(f0, _mm512_loadu_si512(first), f1);
    return _mm512_permutex2var_epi32(t, _mm512_loadu_si512(second), f2);
}

/* x, y, 1/z and colour of the k-th vertex of 16 faces: the 16-byte
 * vertices loaded whole and transposed, four faces per 128-bit lane
 * (faster than gathers). */
static inline void load_vertices(const int32_t *faces, int k, const projected *pv, __m512 *x,
                                 __m512 *y, __m512 *iz, __m512i *rgb)
{
    __m512 q[4]; /* q[l], lane m: face 4 m + l */
    for (int l = 0; l < 4; l++) {
        __m512 v = _mm512_castps128_ps512(_mm_loadu_ps(&pv[faces[3 * l + k]].x));
        v = _mm512_insertf32x4(v, _mm_loadu_ps(&pv[faces[3 * (4 + l) + k]].x), 1);
        v = _mm512_insertf32x4(v, _mm_loadu_ps(&pv[faces[3 * (8 + l) + k]].x), 2);
        q[l] = _mm512_insertf32x4(v, _mm_loadu_ps(&pv[faces[3 * (12 + l) + k]].x), 3);
    }
    __m512d t0 = _mm512_castps_pd(_mm512_unpacklo_ps(q[0], q[1])); /* x0 x1 y0 y1 */
    __m512d t1 = _mm512_castps_pd(_mm512_unpackhi_ps(q[0], q[1])); /* z0 z1 c0 c1 */
    __m512d t2 = _mm512_castps_pd(_mm512_unpacklo_ps(q[2], q[3]));
    __m512d t3 = _mm512_castps_pd(_mm512_unpackhi_ps(q[2], q[3]));
    *x = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    *y = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    *iz = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    *rgb = _mm512_castpd_si512(_mm512_unpackhi_pd(t1, t3));
}

void setup_faces(const int32_t *faces, int n, const projected *pv, const fan_vertices *fan,
                 const raster_rect *band, setup_batch *out)
{
    __mmask16 live = (__mmask16)((1u << n) - 1);
    int32_t padded[3 * SETUP_BATCH];
    if (n < SETUP_BATCH) { /* missing faces read vertex 0 and are dropped */
        memset(padded, 0, sizeof padded);
        memcpy(padded, faces, sizeof(int32_t) * 3 * n);
        faces = padded;
    }
    __m512 X[3], Y[3], IZ[3];
    __m512i RGB[3], ID[3];
    for (int k = 0; k < 3; k++) {
        ID[k] = face_vertex_ids(faces, k);
        load_vertices(faces, k, pv, &X[k], &Y[k], &IZ[k], &RGB[k]);
    }
    const __m512 zero = _mm512_setzero_ps();
    __mmask16 keep = live;
    for (int k = 0; k < 3; k++)
        keep &= _mm512_cmp_ps_mask(IZ[k], zero, _CMP_GT_OQ);
    __m512 fx0 = _mm512_set1_ps((float)band->x0), fx1 = _mm512_set1_ps((float)band->x1);
    __m512 fy0 = _mm512_set1_ps((float)band->y0), fy1 = _mm512_set1_ps((float)band->y1);
    __m512 minx = min3v(X[0], X[1], X[2]), maxx = max3v(X[0], X[1], X[2]);
    __m512 miny = min3v(Y[0], Y[1], Y[2]), maxy = max3v(Y[0], Y[1], Y[2]);
    keep &= _mm512_cmp_ps_mask(minx, fx1, _CMP_LT_OQ) & _mm512_cmp_ps_mask(maxx, fx0, _CMP_GT_OQ) &
            _mm512_cmp_ps_mask(miny, fy1, _CMP_LT_OQ) & _mm512_cmp_ps_mask(maxy, fy0, _CMP_GT_OQ);
    if (!keep) {
        out->n = 0;
        return;
    }
    const __m512 one = _mm512_set1_ps(1.0f), half = _mm512_set1_ps(0.5f);
    __m512 lx = _mm512_sub_ps(fx0, one), hx = _mm512_add_ps(fx1, one);
    __m512 ly = _mm512_sub_ps(fy0, one), hy = _mm512_add_ps(fy1, one);
    minx = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(minx, lx, _CMP_LT_OQ), minx, lx);
    maxx = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(maxx, hx, _CMP_GT_OQ), maxx, hx);
    miny = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(miny, ly, _CMP_LT_OQ), miny, ly);
    maxy = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(maxy, hy, _CMP_GT_OQ), maxy, hy);
    __m512i xa = _mm512_cvttps_epi32(_mm512_roundscale_ps(_mm512_sub_ps(minx, half), ROUND_UP));
    __m512i xb = _mm512_cvttps_epi32(_mm512_roundscale_ps(_mm512_sub_ps(maxx, half), ROUND_DOWN));
    __m512i ya = _mm512_cvttps_epi32(_mm512_roundscale_ps(_mm512_sub_ps(miny, half), ROUND_UP));
    __m512i yb = _mm512_cvttps_epi32(_mm512_roundscale_ps(_mm512_sub_ps(maxy, half), ROUND_DOWN));
    xa = _mm512_max_epi32(xa, _mm512_set1_epi32(band->x0));
    xb = _mm512_min_epi32(xb, _mm512_set1_epi32(band->x1 - 1));
    ya = _mm512_max_epi32(ya, _mm512_set1_epi32(band->y0));
    yb = _mm512_min_epi32(yb, _mm512_set1_epi32(band->y1 - 1));
    keep &= _mm512_cmple_epi32_mask(xa, xb) & _mm512_cmple_epi32_mask(ya, yb);
    __m512 area = _mm512_sub_ps(_mm512_mul_ps(_mm512_sub_ps(X[1], X[0]), _mm512_sub_ps(Y[2], Y[0])),
                                _mm512_mul_ps(_mm512_sub_ps(X[2], X[0]), _mm512_sub_ps(Y[1], Y[0])));
    __m512 size = _mm512_abs_ps(area);
    keep &= _mm512_cmp_ps_mask(size, _mm512_set1_ps(1e-12f), _CMP_GT_OQ);
    out->n = __builtin_popcount(keep);
    if (!keep)
        return;
    __m512 orient = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(area, zero, _CMP_GT_OQ),
                                         _mm512_set1_ps(-1.0f), one);
    __m512 inv_area = _mm512_div_ps(one, size);
    _mm512_storeu_si512(out->xa, _mm512_maskz_compress_epi32(keep, xa));
    _mm512_storeu_si512(out->xb, _mm512_maskz_compress_epi32(keep, xb));
    _mm512_storeu_si512(out->ya, _mm512_maskz_compress_epi32(keep, ya));
    _mm512_storeu_si512(out->yb, _mm512_maskz_compress_epi32(keep, yb));
    for (int k = 0; k < 3; k++) {
        int a = (k + 1) % 3, b = (k + 2) % 3;
        /* a first when its address (index) is lower */
        __mmask16 a_first = _mm512_cmplt_epi32_mask(ID[a], ID[b]);
        __m512 sign = _mm512_mask_blend_ps(a_first, _mm512_sub_ps(zero, orient), orient);
        __m512 lox = _mm512_mask_blend_ps(a_first, X[b], X[a]), hix = _mm512_mask_blend_ps(a_first, X[a], X[b]);
        __m512 loy = _mm512_mask_blend_ps(a_first, Y[b], Y[a]), hiy = _mm512_mask_blend_ps(a_first, Y[a], Y[b]);
        put(out->ax[k], keep, lox);
        put(out->ay[k], keep, loy);
        put(out->dx[k], keep, _mm512_mul_ps(sign, _mm512_sub_ps(hix, lox)));
        put(out->dy[k], keep, _mm512_mul_ps(sign, _mm512_sub_ps(hiy, loy)));
        put(out->iz[k], keep, _mm512_mul_ps(IZ[k], inv_area));
        if (fan) {
            __m512 u = _mm512_castsi512_ps(RGB[k]);
            __m512i two = _mm512_add_epi32(ID[k], ID[k]), three = _mm512_add_epi32(two, ID[k]);
            __m512 v = _mm512_mask_i32gather_ps(zero, keep, two, fan->uv + 1, 4);
            __m512 depth = _mm512_mask_i32gather_ps(zero, keep, three, fan->xyz + 2, 4);
            __m512 q = _mm512_mul_ps(depth, IZ[k]);
            put(out->cz[0][k], keep, _mm512_mul_ps(_mm512_mul_ps(u, q), inv_area));
            put(out->cz[1][k], keep, _mm512_mul_ps(_mm512_mul_ps(v, q), inv_area));
            put(out->cz[2][k], keep, _mm512_mul_ps(q, inv_area));
            continue;
        }
        for (int ch = 0; ch < 3; ch++) {
            __m512i byte = _mm512_and_si512(_mm512_srli_epi32(RGB[k], 8 * ch), _mm512_set1_epi32(255));
            __m512 c = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(byte), IZ[k]), inv_area);
            put(out->cz[ch][k], keep, c);
        }
    }
}
/* As the portable version, 16 faces at a time in lanes, then the rest;
 * the same bounds (at most the sign of a zero differs, which no band
 * test sees). */
void face_rows(const int32_t *faces, long n, const projected *pv, float *lo, float *hi)
{
    const __m512 zero = _mm512_setzero_ps();
    __m512 l = _mm512_set1_ps(INFINITY), h = _mm512_set1_ps(-INFINITY);
    long f = 0;
    for (; f + SETUP_BATCH <= n; f += SETUP_BATCH) {
        __m512 X, Y[3], IZ;
        __m512i RGB;
        __mmask16 keep = 0xffff;
        for (int k = 0; k < 3; k++) {
            load_vertices(faces + 3 * f, k, pv, &X, &Y[k], &IZ, &RGB);
            keep &= _mm512_cmp_ps_mask(IZ, zero, _CMP_GT_OQ);
        }
        __m512 a = min3v(Y[0], Y[1], Y[2]), b = max3v(Y[0], Y[1], Y[2]);
        l = _mm512_mask_blend_ps(keep & _mm512_cmp_ps_mask(a, l, _CMP_LT_OQ), l, a);
        h = _mm512_mask_blend_ps(keep & _mm512_cmp_ps_mask(b, h, _CMP_GT_OQ), h, b);
    }
    float tl, th;
    face_rows_portable(faces + 3 * f, n - f, pv, &tl, &th);
    float vl = _mm512_reduce_min_ps(l), vh = _mm512_reduce_max_ps(h);
    *lo = tl < vl ? tl : vl;
    *hi = th > vh ? th : vh;
}
#else
void setup_faces(const int32_t *faces, int n, const projected *pv, const fan_vertices *fan,
                 const raster_rect *band, setup_batch *out)
{
    setup_faces_portable(faces, n, pv, fan, band, out);
}

void face_rows(const int32_t *faces, long n, const projected *pv, float *lo, float *hi)
{
    face_rows_portable(faces, n, pv, lo, hi);
}
#endif
