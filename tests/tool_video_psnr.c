/* Tool for bench/render.sh: frame-by-frame PSNR (RGB, 8-bit) between two videos, decoded
 * with libavformat/libavcodec and converted to RGB with swscale.
 * Usage: tool_video_psnr A.mp4 B.mp4
 * Prints frame counts, sizes, per-tenth PSNRs and the mean over the frames
 * both videos have (the shorter length; sizes must agree). */
#include "video_decode_rgb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int width, height, count;
    uint8_t **frames; /* RGB */
} clip;

typedef struct {
    clip *c;
    int cap;
} loader;

static void keep_frame(void *user, int width, int height, const uint8_t *rgb)
{
    loader *l = user;
    clip *c = l->c;
    if (!c->width)
        c->width = width, c->height = height;
    if (c->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        c->frames = realloc(c->frames, sizeof *c->frames * l->cap);
    }
    size_t bytes = (size_t)width * height * 3;
    c->frames[c->count] = malloc(bytes);
    memcpy(c->frames[c->count++], rgb, bytes);
}

static int load(const char *path, clip *c)
{
    memset(c, 0, sizeof *c);
    video_stream_info info;
    loader l = {c, 0};
    int ok = decode_video_rgb(path, &info, keep_frame, &l);
    if (!ok)
        fprintf(stderr, "%s: cannot open or no video stream\n", path);
    return ok;
}

static double psnr(const uint8_t *a, const uint8_t *b, size_t n)
{
    double se = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        se += d * d;
    }
    double mse = se / n;
    return mse > 0 ? 10 * log10(255.0 * 255.0 / mse) : 99.0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: tool_video_psnr A.mp4 B.mp4\n");
        return 2;
    }
    av_log_set_level(AV_LOG_ERROR);
    clip a, b;
    if (!load(argv[1], &a) || !load(argv[2], &b))
        return 1;
    printf("%s: %d frames %dx%d\n%s: %d frames %dx%d\n", argv[1], a.count, a.width, a.height,
           argv[2], b.count, b.width, b.height);
    if (a.width != b.width || a.height != b.height) {
        fprintf(stderr, "sizes differ\n");
        return 1;
    }
    int n = a.count < b.count ? a.count : b.count;
    double sum = 0, worst = 1e9;
    size_t bytes = (size_t)a.width * a.height * 3;
    for (int k = 0; k < n; k++) {
        double p = psnr(a.frames[k], b.frames[k], bytes);
        sum += p;
        worst = p < worst ? p : worst;
        if (k % (n / 10 > 0 ? n / 10 : 1) == 0 || k == n - 1)
            printf("  frame %3d: %.2f dB\n", k, p);
    }
    printf("mean PSNR %.2f dB over %d frames (worst %.2f dB)\n", sum / n, n, worst);
    return 0;
}
