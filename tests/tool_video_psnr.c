/* Tool for bench/render.sh: frame-by-frame PSNR (RGB, 8-bit) between two videos, decoded
 * with libavformat/libavcodec and converted to RGB with swscale.
 * Usage: video_psnr A.mp4 B.mp4 [--crop-even]
 * Prints frame counts, sizes, per-tenth PSNRs and the mean over the frames
 * both videos have (the shorter length; sizes must agree). */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int width, height, count;
    uint8_t **frames; /* RGB */
} clip;

static int load(const char *path, clip *c)
{
    memset(c, 0, sizeof *c);
    AVFormatContext *fmt = NULL;
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 0;
    }
    avformat_find_stream_info(fmt, NULL);
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (si < 0) {
        fprintf(stderr, "%s: no video stream\n", path);
        return 0;
    }
    AVStream *st = fmt->streams[si];
    const AVCodec *dec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *dc = avcodec_alloc_context3(dec);
    avcodec_parameters_to_context(dc, st->codecpar);
    avcodec_open2(dc, dec, NULL);
    c->width = st->codecpar->width;
    c->height = st->codecpar->height;
    struct SwsContext *sws = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int cap = 0, eof = 0;
    while (!eof) {
        if (av_read_frame(fmt, pkt) < 0) {
            eof = 1;
            avcodec_send_packet(dc, NULL);
        } else if (pkt->stream_index == si) {
            avcodec_send_packet(dc, pkt);
        }
        av_packet_unref(pkt);
        while (avcodec_receive_frame(dc, fr) == 0) {
            if (!sws)
                sws = sws_getContext(fr->width, fr->height, fr->format, c->width, c->height,
                                     AV_PIX_FMT_RGB24, SWS_BICUBIC, NULL, NULL, NULL);
            if (c->count == cap) {
                cap = cap ? 2 * cap : 64;
                c->frames = realloc(c->frames, sizeof *c->frames * cap);
            }
            uint8_t *rgb = malloc((size_t)c->width * c->height * 3);
            int stride = c->width * 3;
            sws_scale(sws, (const uint8_t *const *)fr->data, fr->linesize, 0, fr->height, &rgb, &stride);
            c->frames[c->count++] = rgb;
        }
    }
    sws_freeContext(sws);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&dc);
    avformat_close_input(&fmt);
    return 1;
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
        fprintf(stderr, "usage: video_psnr A.mp4 B.mp4\n");
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
