/* The AVX2 patch kernels against their scalar references
 * (src/inpaint/patch_kernels.c): SSD (plain and masked) on random patches of
 * every row width up to the limit, with and without an early-termination
 * bound; weighted row accumulation. */
#include "inpaint/patch_kernels.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
    enum { STRIDE = 40, ROWS = 9 };
    static uint8_t a[STRIDE * ROWS + PATCH_SSD_PADDING], b[STRIDE * ROWS + PATCH_SSD_PADDING];
    static uint8_t m[STRIDE * ROWS + PATCH_SSD_PADDING];
    uint32_t s = 99;
    int exact = 1, bounded = 1, masked_exact = 1, masked_bounded = 1;
    for (int trial = 0; trial < 200; trial++) {
        for (int i = 0; i < STRIDE * ROWS + PATCH_SSD_PADDING; i++) {
            s = s * 1664525u + 1013904223u;
            a[i] = (uint8_t)(s >> 24);
            b[i] = (uint8_t)(s >> 16);
            m[i] = (s >> 8) & 1 ? 0xFF : 0;
        }
        int row_bytes = 1 + trial % PATCH_SSD_MAX_ROW, rows = 1 + trial % ROWS;
        int32_t start = trial % 3 ? 0 : 1000;
        int32_t ref = patch_ssd_scalar(a, b, STRIDE, rows, row_bytes, start, INT32_MAX);
        exact &= patch_ssd(a, b, STRIDE, rows, row_bytes, start, INT32_MAX) == ref;
        /* With a bound below the full sum, both stop at or above the bound. */
        int32_t bound = ref / 2;
        bounded &= patch_ssd(a, b, STRIDE, rows, row_bytes, start, bound) >= bound &&
                   patch_ssd_scalar(a, b, STRIDE, rows, row_bytes, start, bound) >= bound;

        int32_t mref = patch_ssd_masked_scalar(a, b, m, STRIDE, rows, row_bytes, start, INT32_MAX);
        masked_exact &= patch_ssd_masked(a, b, m, STRIDE, rows, row_bytes, start, INT32_MAX) == mref;
        bound = mref / 2;
        masked_bounded &=
            patch_ssd_masked(a, b, m, STRIDE, rows, row_bytes, start, bound) >= bound &&
            patch_ssd_masked_scalar(a, b, m, STRIDE, rows, row_bytes, start, bound) >= bound;
    }
    CHECK(exact);
    CHECK(bounded);
    CHECK(masked_exact);
    CHECK(masked_bounded);
    /* Hand value: rows of 3 bytes {1, 2, 3} vs {4, 0, 3}: 9 + 4 + 0 = 13 per row, 2 rows. */
    uint8_t p[2 * 3 + PATCH_SSD_PADDING] = {1, 2, 3, 1, 2, 3}, q[2 * 3 + PATCH_SSD_PADDING] = {4, 0, 3, 4, 0, 3};
    CHECK_INT(patch_ssd(p, q, 3, 2, 3, 0, INT32_MAX), 26);
    CHECK_INT(patch_ssd_scalar(p, q, 3, 2, 3, 5, INT32_MAX), 31);
    /* Masking out the first byte of each row leaves 4 + 0 per row. */
    uint8_t mask[2 * 3 + PATCH_SSD_PADDING] = {0, 0xFF, 0xFF, 0, 0xFF, 0xFF};
    CHECK_INT(patch_ssd_masked(p, q, mask, 3, 2, 3, 0, INT32_MAX), 8);
    CHECK_INT(patch_ssd_masked_scalar(p, q, mask, 3, 2, 3, 0, INT32_MAX), 8);

    /* Accumulation: identical floats from both, for every length up to 40. */
    static float sum_ref[STRIDE], sum_fast[STRIDE];
    int same = 1;
    for (int n = 0; n <= STRIDE; n++) {
        for (int j = 0; j < STRIDE; j++)
            sum_ref[j] = sum_fast[j] = 0.5f * j;
        patch_accumulate_scalar(sum_ref, a, n, 0.37f);
        patch_accumulate(sum_fast, a, n, 0.37f);
        same &= memcmp(sum_ref, sum_fast, sizeof sum_ref) == 0;
    }
    CHECK(same);
    float acc[3] = {1, 2, 3};
    const uint8_t px[3] = {10, 0, 255};
    patch_accumulate(acc, px, 2, 0.5f); /* 1 + 5, 2 + 0, untouched */
    CHECK_NEAR(acc[0], 6, 0);
    CHECK_NEAR(acc[1], 2, 0);
    CHECK_NEAR(acc[2], 3, 0);
    return tl_finish();
}
