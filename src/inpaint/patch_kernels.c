/* Patch kernels (patch_kernels.h). The AVX2 SSD widens one row (up to 32
 * bytes, read in full and masked to row_bytes) to 16-bit lanes, squares and
 * sums pairwise with madd, and tests the bound every second row. The AVX2
 * accumulation widens 8 bytes at a time to floats and multiplies, then adds,
 * as the scalar code does, so both round alike. */
#include "inpaint/patch_kernels.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

int32_t patch_ssd_scalar(const uint8_t *a, const uint8_t *b, long stride, int rows, int row_bytes,
                         int32_t start, int32_t bound)
{
    int32_t sum = start;
    for (int y = 0; y < rows && sum < bound; y++, a += stride, b += stride)
        for (int j = 0; j < row_bytes; j++) {
            int d = a[j] - b[j];
            sum += d * d;
        }
    return sum;
}

int32_t patch_ssd_masked_scalar(const uint8_t *a, const uint8_t *b, const uint8_t *m, long stride,
                                int rows, int row_bytes, int32_t start, int32_t bound)
{
    int32_t sum = start;
    for (int y = 0; y < rows && sum < bound; y++, a += stride, b += stride, m += stride)
        for (int j = 0; j < row_bytes; j++) {
            int d = m[j] ? a[j] - b[j] : 0;
            sum += d * d;
        }
    return sum;
}

void patch_accumulate_scalar(float *restrict sum, const uint8_t *restrict src, int n, float weight)
{
    for (int j = 0; j < n; j++)
        sum[j] += weight * src[j];
}

#ifdef __AVX2__
void patch_accumulate(float *restrict sum, const uint8_t *restrict src, int n, float weight)
{
    const __m256 wv = _mm256_set1_ps(weight);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(src + j))));
        _mm256_storeu_ps(sum + j, _mm256_add_ps(_mm256_loadu_ps(sum + j), _mm256_mul_ps(wv, v)));
    }
    for (; j < n; j++)
        sum[j] += weight * src[j];
}

/* Squared differences of one row, pairwise summed into 8 int32 lanes; lanes
 * where the 16-bit keep masks are 0 count nothing. */
static inline __m256i row_squares(const uint8_t *a, const uint8_t *b, __m256i keep_lo,
                                  __m256i keep_hi)
{
    __m256i va = _mm256_loadu_si256((const __m256i *)a), vb = _mm256_loadu_si256((const __m256i *)b);
    __m256i lo = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm256_castsi256_si128(va)),
                                  _mm256_cvtepu8_epi16(_mm256_castsi256_si128(vb)));
    __m256i hi = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm256_extracti128_si256(va, 1)),
                                  _mm256_cvtepu8_epi16(_mm256_extracti128_si256(vb, 1)));
    lo = _mm256_and_si256(lo, keep_lo);
    hi = _mm256_and_si256(hi, keep_hi);
    return _mm256_add_epi32(_mm256_madd_epi16(lo, lo), _mm256_madd_epi16(hi, hi));
}

/* The row's byte mask widened to 16-bit lanes (0xFF sign-extends to 0xFFFF)
 * and combined with the row-length masks. */
static inline __m256i row_squares_masked(const uint8_t *a, const uint8_t *b, const uint8_t *m,
                                         __m256i keep_lo, __m256i keep_hi)
{
    __m256i vm = _mm256_loadu_si256((const __m256i *)m);
    return row_squares(a, b,
                       _mm256_and_si256(keep_lo, _mm256_cvtepi8_epi16(_mm256_castsi256_si128(vm))),
                       _mm256_and_si256(keep_hi,
                                        _mm256_cvtepi8_epi16(_mm256_extracti128_si256(vm, 1))));
}

static inline int32_t horizontal_sum(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

int32_t patch_ssd(const uint8_t *a, const uint8_t *b, long stride, int rows, int row_bytes,
                  int32_t start, int32_t bound)
{
    if (row_bytes > PATCH_SSD_MAX_ROW)
        return patch_ssd_scalar(a, b, stride, rows, row_bytes, start, bound);
    const __m256i lane = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i keep_lo = _mm256_cmpgt_epi16(_mm256_set1_epi16((short)row_bytes), lane);
    const __m256i keep_hi = _mm256_cmpgt_epi16(_mm256_set1_epi16((short)(row_bytes - 16)), lane);
    int32_t sum = start;
    int y = 0;
    for (; y + 1 < rows && sum < bound; y += 2, a += 2 * stride, b += 2 * stride)
        sum += horizontal_sum(_mm256_add_epi32(row_squares(a, b, keep_lo, keep_hi),
                                               row_squares(a + stride, b + stride, keep_lo, keep_hi)));
    if (y < rows && sum < bound)
        sum += horizontal_sum(row_squares(a, b, keep_lo, keep_hi));
    return sum;
}

int32_t patch_ssd_masked(const uint8_t *a, const uint8_t *b, const uint8_t *m, long stride,
                         int rows, int row_bytes, int32_t start, int32_t bound)
{
    if (row_bytes > PATCH_SSD_MAX_ROW)
        return patch_ssd_masked_scalar(a, b, m, stride, rows, row_bytes, start, bound);
    const __m256i lane = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i keep_lo = _mm256_cmpgt_epi16(_mm256_set1_epi16((short)row_bytes), lane);
    const __m256i keep_hi = _mm256_cmpgt_epi16(_mm256_set1_epi16((short)(row_bytes - 16)), lane);
    int32_t sum = start;
    for (int y = 0; y < rows && sum < bound; y++, a += stride, b += stride, m += stride)
        sum += horizontal_sum(row_squares_masked(a, b, m, keep_lo, keep_hi));
    return sum;
}
#else
void patch_accumulate(float *sum, const uint8_t *src, int n, float weight)
{
    patch_accumulate_scalar(sum, src, n, weight);
}

int32_t patch_ssd(const uint8_t *a, const uint8_t *b, long stride, int rows, int row_bytes,
                  int32_t start, int32_t bound)
{
    return patch_ssd_scalar(a, b, stride, rows, row_bytes, start, bound);
}

int32_t patch_ssd_masked(const uint8_t *a, const uint8_t *b, const uint8_t *m, long stride,
                         int rows, int row_bytes, int32_t start, int32_t bound)
{
    return patch_ssd_masked_scalar(a, b, m, stride, rows, row_bytes, start, bound);
}
#endif
