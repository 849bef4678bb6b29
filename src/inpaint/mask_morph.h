/* Square dilation and erosion of binary masks (nonzero = set). Both are
 * separable; along one line, a window's count of set pixels comes from
 * prefix sums, with the window clipped to the image (as OpenCV treats the
 * border for morphology). */
#ifndef P3D_INPAINT_MASK_MORPH_H
#define P3D_INPAINT_MASK_MORPH_H

#include <stdint.h>

/* img (w x h, 0/1 out) = dilate (erode = 0: any pixel set in the
 * (2 radius + 1)^2 window) or erode (erode = 1: all in-image pixels set)
 * of img. tmp: w*h bytes of scratch; prefix: max(w, h) + 1 ints. */
void mask_morph(uint8_t *img, uint8_t *tmp, int w, int h, int radius, int erode, int *prefix);

#endif
