/* The neural inpainting backend: the paper's three networks (src/nn) with
 * the reference's tensor conventions (ALGORITHM.md 6.1-6.4): channel order,
 * crop-relative disparity and log-depth normalisation, zero padding to
 * multiples of 128 (centred), the 0.002 edge threshold, the mask closing
 * (open_small_mask) of the depth and colour inputs, and the colour net's
 * 512-pixel size limit (area down, bicubic up).
 * Not done here (LDI-level steps of the reference): edge path tracing and
 * its repeated edge passes (6.2 step 4), smooth_cntsyn_gap and
 * refine_depth_around_edge (6.3 steps 4-5). */
#ifndef P3D_INPAINT_NEURAL_H
#define P3D_INPAINT_NEURAL_H

#include "inpaint/backend.h"

/* Loads the three checkpoints; destroy(out->state) frees them. Not
 * reentrant: one job at a time per backend. */
int p3d_inpaint_neural_create(p3d_ctx *ctx, const char *edge_weights, const char *depth_weights,
                              const char *color_weights, p3d_inpaint_backend *out);

/* open_small_mask(mask, context, 3, 41) of the reference: u = mask | context,
 * three times erode(dilate(u)) with a 41x41 square (pixels outside the image
 * never count), then out = mask | (closed(u) & !context). */
void neural_close_mask(const uint8_t *mask, const uint8_t *context, int w, int h, uint8_t *out);
/* PyTorch interpolate(mode='area') (adaptive average pooling) and
 * interpolate(mode='bicubic', align_corners=False) of c planes. */
void neural_resize_area(const float *src, int c, int h, int w, int oh, int ow, float *dst);
void neural_resize_bicubic(const float *src, int c, int h, int w, int oh, int ow, float *dst);

#endif
