/* Test helper: every frame of a video as 8-bit RGB (swscale, bicubic, as
 * ffmpeg converts for the reference), handed to a callback; used by
 * tool_video_psnr.c and tool_encode_bench.c. */
#ifndef P3D_TEST_VIDEO_DECODE_RGB_H
#define P3D_TEST_VIDEO_DECODE_RGB_H

#include "video_decode.h"

#include <libswscale/swscale.h>
#include <stdint.h>
#include <stdlib.h>

typedef void (*rgb_frame_fn)(void *user, int width, int height, const uint8_t *rgb);

typedef struct {
    rgb_frame_fn on_rgb;
    void *user;
    struct SwsContext *sws;
    uint8_t *rgb; /* width * height * 3 of the first frame's size */
} rgb_decoder;

static void convert_frame(void *user, const AVFrame *fr)
{
    rgb_decoder *d = user;
    if (!d->sws) {
        d->sws = sws_getContext(fr->width, fr->height, fr->format, fr->width, fr->height, AV_PIX_FMT_RGB24,
                                SWS_BICUBIC, NULL, NULL, NULL);
        d->rgb = malloc((size_t)fr->width * fr->height * 3);
    }
    int stride = fr->width * 3;
    sws_scale(d->sws, (const uint8_t *const *)fr->data, fr->linesize, 0, fr->height, &d->rgb, &stride);
    d->on_rgb(d->user, fr->width, fr->height, d->rgb);
}

/* Returns 0 when the file cannot be opened or has no video stream. */
static int decode_video_rgb(const char *path, video_stream_info *info, rgb_frame_fn on_rgb, void *user)
{
    rgb_decoder d = {on_rgb, user, NULL, NULL};
    int ok = decode_video(path, info, convert_frame, &d);
    sws_freeContext(d.sws);
    free(d.rgb);
    return ok;
}

#endif
