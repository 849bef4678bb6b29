/* Internal interface of the video writer (ALGORITHM.md 9 step 8): frames go
 * into a small queue and a separate thread converts and encodes them, so
 * that encoding runs while the next frame renders. */
#ifndef P3D_VIDEO_H
#define P3D_VIDEO_H

#include "photo3d/render.h"

typedef struct video_writer video_writer;

/* Whether format's writer takes I420 frames (yuv420.h) rather than RGB. */
int video_takes_yuv420(p3d_video_format format);
/* Opens path (written atomically: a temporary file or folder until
 * video_close commits) for width x height frames at fps, encoded with
 * threads threads (beside the caller's own). */
int video_open(p3d_ctx *ctx, video_writer **vw, const char *path, p3d_video_format format,
               int width, int height, int fps, int crf, int threads);
/* Queues one frame (copied): RGB, or I420 where the writer takes it (an
 * RGB frame is then converted by the calling thread); blocks while the
 * queue is full. */
int video_write(p3d_ctx *ctx, video_writer *vw, const p3d_image *frame);
/* The same without the copy, for a frame in the writer's own layout:
 * frame's buffer goes to the queue and frame gets a free one of the same
 * size in exchange. */
int video_give(p3d_ctx *ctx, video_writer *vw, p3d_image *frame);
/* No more frames: the encoder thread drains its queue and flushes the
 * encoder while the caller goes on (video_close still joins and commits). */
void video_end(video_writer *vw);
/* Finishes the stream and renames it into place (commit) or removes it.
 * stats (may be NULL) gets the encoder's name and the time the encoder
 * thread spent converting and encoding added. */
int video_close(p3d_ctx *ctx, video_writer *vw, int commit, p3d_render_stats *stats);

#endif
