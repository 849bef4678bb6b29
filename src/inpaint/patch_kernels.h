/* The inner kernels of patch synthesis (patchmatch.c): sum of squared
 * differences of two 8-bit patches (search) and weighted accumulation of a
 * patch row (voting). Each has a scalar reference and an AVX2 version (used
 * when the compiler targets AVX2), tested against each other. */
#ifndef P3D_INPAINT_PATCH_KERNELS_H
#define P3D_INPAINT_PATCH_KERNELS_H

#include <stdint.h>

/* Bytes that must be readable after the last byte of any patch passed to
 * patch_ssd (images and masks it reads are allocated this much larger). */
#define PATCH_SSD_PADDING 32
#define PATCH_SSD_MAX_ROW 32 /* row_bytes limit of patch_ssd */

/* SSD over `rows` rows of `row_bytes` bytes, rows `stride` bytes apart, plus
 * `start`; may stop early (returning a value >= bound) once the sum reaches
 * bound. */
int32_t patch_ssd_scalar(const uint8_t *a, const uint8_t *b, long stride, int rows, int row_bytes,
                         int32_t start, int32_t bound);
int32_t patch_ssd(const uint8_t *a, const uint8_t *b, long stride, int rows, int row_bytes,
                  int32_t start, int32_t bound);

/* The same over the bytes where the mask m (laid out like a: 0x00 or 0xFF per
 * byte) is set. */
int32_t patch_ssd_masked_scalar(const uint8_t *a, const uint8_t *b, const uint8_t *m, long stride,
                                int rows, int row_bytes, int32_t start, int32_t bound);
int32_t patch_ssd_masked(const uint8_t *a, const uint8_t *b, const uint8_t *m, long stride,
                         int rows, int row_bytes, int32_t start, int32_t bound);

/* sum[j] += weight * src[j] for j < n (same results from both). */
void patch_accumulate_scalar(float *sum, const uint8_t *src, int n, float weight);
void patch_accumulate(float *sum, const uint8_t *src, int n, float weight);

#endif
