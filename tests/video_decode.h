/* Test helper: decodes every frame of a video (or image) file with
 * libavformat/libavcodec and hands each to a callback; used by test_video.c
 * and tool_video_psnr.c. */
#ifndef P3D_TEST_VIDEO_DECODE_H
#define P3D_TEST_VIDEO_DECODE_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

typedef struct {
    int width, height;
    double fps;
} video_stream_info;

/* Returns 0 when the file cannot be opened or has no video stream. */
static int decode_video(const char *path, video_stream_info *info,
                        void (*on_frame)(void *user, const AVFrame *frame), void *user)
{
    AVFormatContext *fmt = NULL;
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0)
        return 0;
    avformat_find_stream_info(fmt, NULL);
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (si < 0) {
        avformat_close_input(&fmt);
        return 0;
    }
    AVStream *st = fmt->streams[si];
    info->width = st->codecpar->width;
    info->height = st->codecpar->height;
    info->fps = av_q2d(st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate);
    const AVCodec *dec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *dc = avcodec_alloc_context3(dec);
    avcodec_parameters_to_context(dc, st->codecpar);
    avcodec_open2(dc, dec, NULL);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    for (int eof = 0; !eof;) {
        if (av_read_frame(fmt, pkt) < 0) {
            eof = 1;
            avcodec_send_packet(dc, NULL);
        } else if (pkt->stream_index == si) {
            avcodec_send_packet(dc, pkt);
        }
        av_packet_unref(pkt);
        while (avcodec_receive_frame(dc, fr) == 0)
            on_frame(user, fr);
    }
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&dc);
    avformat_close_input(&fmt);
    return 1;
}

#endif
