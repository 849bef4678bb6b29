/* Internal interface of the per-frame pipeline (ALGORITHM.md 9, "Per frame"):
 * render the supersampled canvas, reduce it, crop it to the photo's aspect
 * and border, cut to even size. */
#ifndef P3D_FRAME_H
#define P3D_FRAME_H

#include "photo3d/core.h"
#include "photo3d/render.h"
#include "render/raster.h"

#define FRAME_MAX_SUPERSAMPLE 7

/* Steps 2-3: blur + area downscale of the canvas by f into out (S x S RGB;
 * reallocated when its size differs). Only the pixels of rect (NULL: all)
 * are computed; they read the canvas within f*rect widened by f/2. */
int frame_reduce(p3d_ctx *ctx, const raster_canvas *canvas, int f, const raster_rect *rect,
                 p3d_image *out);

/* The same for the output rows of rect in [y_begin, y_end) only (out is
 * still (re)allocated when its size differs). */
int frame_reduce_rows(p3d_ctx *ctx, const raster_canvas *canvas, int f, const raster_rect *rect,
                      int y_begin, int y_end, p3d_image *out);
/* The first canvas row past those that output row y of frame_reduce reads
 * at factor f (before reflection at the canvas's edges). */
int frame_reduce_reach(int f, int y);

/* Step 4: the aspect crop of a square S x S frame for a photo of H x W
 * (the "anchor"): rows (landscape/square) or columns (portrait) [a, b). */
void frame_anchor(int size, int height, int width, int *row0, int *row1, int *col0, int *col1);

/* Steps 4-7 for an S x S frame of an H x W photo: the anchor crop at (r0,
 * c0), hc x wc after the border crop; crop_border cuts top/left/... and
 * leaves ch x cw; the video frame is oh x ow (even). */
typedef struct frame_layout {
    int r0, c0, hc, wc;
    int top, left, ch, cw;
    int oh, ow;
} frame_layout;
int frame_layout_of(p3d_ctx *ctx, int size, int height, int width, const double crop_border[4],
                    frame_layout *l);
/* The pixels of the S x S frame that frame_finish reads. */
raster_rect frame_source_rect(const frame_layout *l);
/* The canvas pixels (side size) that frame_reduce reads for the frame
 * pixels used, at supersampling factor f. */
raster_rect frame_canvas_view(const raster_rect *used, int f, int size);
/* Buffers kept from frame to frame (zero-initialise; free mem). */
typedef struct frame_scratch {
    void *mem;
    size_t bytes;
} frame_scratch;
/* Steps 4-7 on a reduced S x S frame: anchor crop, border crop, crop_border
 * resized back with cubic interpolation, even size, into out. scratch may
 * be NULL (buffers allocated for this frame only). */
int frame_finish(p3d_ctx *ctx, const p3d_image *square, const frame_layout *l, frame_scratch *scratch,
                 p3d_image *out);
/* The same; portable: the plain C resize even where the AVX-512 one is
 * built (tests: both give the same bytes). */
int frame_finish_path(p3d_ctx *ctx, const p3d_image *square, const frame_layout *l, int portable,
                      frame_scratch *scratch, p3d_image *out);

/* The bound for raster_lod_build under which no point moves by more than
 * err_px output pixels on an S x S frame (side S) with fields of view of
 * at least min_fov and camera centres within shift (per axis, absolute). */
raster_lod_bound frame_lod_bound(double err_px, int side, double min_fov, const double shift[3]);

/* Everything for one frame, reusing canvas and square between calls. */
typedef struct frame_work {
    raster_canvas canvas;
    p3d_image square;
    frame_scratch scratch;
} frame_work;
/* lod: the mesh simplified for these frames (NULL: the mesh as it is). */
int frame_render(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod, const double center[3],
                 double fov, int supersample, const double crop_border[4], frame_work *work,
                 p3d_image *out);
void frame_work_free(frame_work *work);

/* One video's frames: per frame the camera centre (x, y, z) and field of
 * view (radians), written as the video at path. */
typedef struct frame_job {
    const char *name, *path;
    const double (*views)[4];
    int n;
} frame_job;
/* Renders the job's frames with nworks workers (one frame each at a time,
 * each with its own works[i]) and hands them to the encoder in order;
 * frames with the view of an earlier one are copies of it
 * (render_frames.c). On success *done is the writer, still finishing: the
 * caller commits it with video_close (meanwhile the next video can render). */
struct video_writer;
int frames_to_video(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod,
                    const p3d_render_options *opt, const frame_job *job, frame_work *works,
                    int nworks, p3d_render_stats *stats, struct video_writer **done);
/* reuse[k]: an earlier frame with the same view as frame k, or -1; keep[j]:
 * frame j is copied later. At most a memory budget of frames of frame_bytes
 * are kept. Returns the number of frames reused. */
int frame_plan_reuse(const double (*views)[4], int n, long frame_bytes, int *reuse, char *keep);

#endif
