/* Tool for bench/render.sh: the video encoder alone (src/render/video.c,
 * photo3d render's settings: H.264 MP4 through libx264, one encoder
 * thread). The frames of a video (e.g. one photo3d render wrote) are
 * decoded into memory first, untimed, then encoded again as photo3d render
 * hands them over; prints frames per wall and per CPU second (process CPU
 * time: colour conversion and x264).
 * Usage: tool_encode_bench IN.mp4 OUT.mp4 [CRF=18] */
#include "photo3d/core.h"
#include "render/video.h"
#include "video_decode_rgb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
    p3d_image *frames;
    int count, cap;
} clip;

static void keep_frame(void *user, int width, int height, const uint8_t *rgb)
{
    clip *c = user;
    if (c->count == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->frames = realloc(c->frames, sizeof *c->frames * c->cap);
    }
    size_t bytes = (size_t)width * height * 3;
    p3d_image *img = &c->frames[c->count++];
    *img = (p3d_image){width, height, 3, malloc(bytes), false};
    memcpy(img->data, rgb, bytes);
}

static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tool_encode_bench IN.mp4 OUT.mp4 [CRF]\n");
        return 2;
    }
    int crf = argc > 3 ? atoi(argv[3]) : 18;
    clip c = {0};
    video_stream_info info;
    if (!decode_video_rgb(argv[1], &info, keep_frame, &c) || c.count == 0) {
        fprintf(stderr, "%s: cannot decode\n", argv[1]);
        return 1;
    }
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    video_writer *vw = NULL;
    double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    int rc = video_open(&ctx, &vw, argv[2], P3D_VIDEO_MP4, c.frames[0].width, c.frames[0].height, 40, crf, 1);
    for (int k = 0; k < c.count && !rc; k++)
        rc = video_write(&ctx, vw, &c.frames[k]);
    p3d_render_stats stats = {0};
    int close_rc = vw ? video_close(&ctx, vw, rc == P3D_OK, &stats) : P3D_OK;
    rc = rc ? rc : close_rc;
    double wall = seconds(CLOCK_MONOTONIC) - w0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (rc) {
        fprintf(stderr, "%s\n", p3d_errmsg(&ctx));
        return 1;
    }
    struct stat st;
    long size = stat(argv[2], &st) == 0 ? (long)st.st_size : -1;
    printf("encoding alone (%s, crf %d): %d frames %dx%d, %.1f frames per wall second, %.1f per CPU "
           "second, %ld bytes\n",
           stats.encoder, crf, c.count, c.frames[0].width, c.frames[0].height, c.count / wall, c.count / cpu,
           size);
    for (int k = 0; k < c.count; k++)
        free(c.frames[k].data);
    free(c.frames);
    return 0;
}
