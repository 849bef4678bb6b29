/* The neural inpainting backend: the paper's three networks (src/nn) with
 * the reference's tensor conventions (ALGORITHM.md 6.1-6.4): channel order,
 * crop-relative disparity and log-depth normalisation, zero padding to
 * multiples of 128 (centred), the 0.002 edge threshold, the mask closing
 * (open_small_mask) of the depth and colour inputs, and the colour net's
 * 512-pixel size limit (area down, bicubic up); when the job has end
 * points, the near/far path tracing of the thresholded edges and the
 * repeated edge passes (6.2 steps 4-5, inpaint/edge_paths.h); after the
 * depth net smooth_cntsyn_gap and refine_depth_around_edge (6.3 steps 4-5).
 * Not done: the reference's second pass that lets a mask's path defer to
 * another mask's (6.2), the preliminary depth and extended context (5). */
#ifndef P3D_INPAINT_NEURAL_H
#define P3D_INPAINT_NEURAL_H

#include "inpaint/backend.h"

/* Loads the three checkpoints; destroy(out->state) frees them. Not
 * reentrant: one job at a time per backend. */
int p3d_inpaint_neural_create(p3d_ctx *ctx, const char *edge_weights, const char *depth_weights,
                              const char *color_weights, p3d_inpaint_backend *out);

/* Edge-net runs so far (the repeated passes count; for tests and benches);
 * *passes (may be NULL) also counts the repeated passes not run because
 * their input was the previous pass's. */
long p3d_inpaint_neural_edge_runs(const p3d_inpaint_backend *b, long *passes);
/* Tests: run every repeated pass, even one whose input repeats. */
void p3d_inpaint_neural_always_run(p3d_inpaint_backend *b);

/* open_small_mask(mask, context, 3, 41) of the reference: u = mask | context,
 * three times erode(dilate(u)) with a 41x41 square (pixels outside the image
 * never count), then out = mask | (closed(u) & !context). */
void neural_close_mask(const uint8_t *mask, const uint8_t *context, int w, int h, uint8_t *out);
/* PyTorch interpolate(mode='area') (adaptive average pooling) and
 * interpolate(mode='bicubic', align_corners=False) of c planes. */
void neural_resize_area(const float *src, int c, int h, int w, int oh, int ow, float *dst);
void neural_resize_bicubic(const float *src, int c, int h, int w, int oh, int ow, float *dst);

#endif
