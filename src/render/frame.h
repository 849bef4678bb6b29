/* Internal interface of the per-frame pipeline (ALGORITHM.md 9, "Per frame"):
 * render the supersampled canvas, reduce it, crop it to the photo's aspect
 * and border, cut to even size. */
#ifndef P3D_FRAME_H
#define P3D_FRAME_H

#include "photo3d/core.h"
#include "render/raster.h"

#define FRAME_MAX_SUPERSAMPLE 7

/* Steps 2-3: blur + area downscale of the canvas by f into out (S x S RGB;
 * reallocated when its size differs). */
int frame_reduce(p3d_ctx *ctx, const raster_canvas *canvas, int f, p3d_image *out);

/* Step 4: the aspect crop of a square S x S frame for a photo of H x W
 * (the "anchor"): rows (landscape/square) or columns (portrait) [a, b). */
void frame_anchor(int size, int height, int width, int *row0, int *row1, int *col0, int *col1);

/* Steps 4-7 on a reduced S x S frame: anchor crop, border crop to at most
 * H x W, crop_border fractions [top, left, bottom, right] resized back with
 * cubic interpolation, even size. Writes a new image into out. */
int frame_finish(p3d_ctx *ctx, const p3d_image *square, int height, int width,
                 const double crop_border[4], p3d_image *out);

/* Everything for one frame, reusing canvas and square between calls. */
typedef struct frame_work {
    raster_canvas canvas;
    p3d_image square;
} frame_work;
int frame_render(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                 int supersample, const double crop_border[4], frame_work *work, p3d_image *out);
void frame_work_free(frame_work *work);

#endif
