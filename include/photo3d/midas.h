/* Monocular depth with MiDaS v1 (ALGORITHM.md 7): the reference's
 * pre-processing of the photo into the network's input and post-processing
 * of the network's output into the disparity map it saves (longer side 640;
 * relative inverse depth: larger = nearer). */
#ifndef PHOTO3D_MIDAS_H
#define PHOTO3D_MIDAS_H

#include "photo3d/core.h"
#include "photo3d/io.h"

#ifdef __cplusplus
extern "C" {
#endif

#define P3D_MIDAS_WEIGHTS "model.pt"

/* The network's input size for a width x height photo: the longer side 384,
 * the other ceil(side * 384 / longer / 32) * 32 (evaluated in double exactly
 * as the reference does), e.g. 1200x800 -> 384x256, 2100x2100 -> 384x384. */
void p3d_midas_input_size(int width, int height, int *in_w, int *in_h);
/* The saved map's size: round(side * 640 / longer), half to even. */
void p3d_midas_output_size(int width, int height, int *out_w, int *out_h);

/* The network input as a (1, 3, in_h, in_w) float32 array: RGB / 255,
 * resized with OpenCV INTER_AREA; no mean/std normalisation. */
int p3d_midas_preprocess(p3d_ctx *ctx, const p3d_image *photo, p3d_array *input);
/* The network output (in_w x in_h) to the saved disparity map of a
 * width x height photo: 3x3 box blur (reflect-101), then INTER_AREA resize
 * to p3d_midas_output_size. */
int p3d_midas_postprocess(p3d_ctx *ctx, const p3d_map *net_out, int width, int height,
                          p3d_map *disparity);

/* The whole depth estimation of a photo: pre-processing, the network with
 * the weights at weights_path (a checkpoint file: see
 * p3d_models_find(ctx, P3D_MIDAS_WEIGHTS, ...) for the installed one), and
 * post-processing into the disparity map the reference saves. */
int p3d_midas_estimate(p3d_ctx *ctx, const p3d_image *photo, const char *weights_path,
                       p3d_map *disparity);

#ifdef __cplusplus
}
#endif
#endif
