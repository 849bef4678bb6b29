/* Video encoding with libavcodec/libavformat (ALGORITHM.md 9 step 8): H.264
 * yuv420p MP4 (libx264, like the reference's moviepy/ffmpeg; another H.264
 * encoder or MPEG-4 part 2 when libx264 is missing), VP9 WebM, GIF with a
 * fixed 6x7x6 palette and ordered dithering, or PNG frames in a folder. The
 * yuv420p formats take I420 frames (yuv420.h: BT.601, limited range, as
 * ffmpeg's default conversion for the reference), which the render workers
 * convert; RGB frames given to them are converted by the caller's thread.
 * A producer/consumer queue hands frames to an encoder thread. The output
 * is a temporary file (or folder) renamed into place on success. */
#define _GNU_SOURCE
#include "render/video.h"
#include "core/atomic_file.h"
#include "core/clock.h"
#include "render/yuv420.h"

#include <dirent.h>
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_SLOTS 3

struct video_writer {
    p3d_video_format format;
    int width, height, fps;
    p3d_atomic file;      /* the temporary file (video formats) */
    char dir[4096];       /* png: the final folder */
    char tmp_dir[4096];   /* png: the temporary folder */
    AVFormatContext *mux; /* NULL for png */
    AVStream *stream;
    AVCodecContext *enc;
    AVFrame *frame;
    AVPacket *packet;
    long frames_in;
    /* queue */
    pthread_t thread;
    int thread_started;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    p3d_image slot[QUEUE_SLOTS];
    int head, count, closing;
    int error; /* first encoder error, with message in err */
    char err[256];
    double encode_seconds;
};

static void set_error(video_writer *vw, const char *what, int averr)
{
    if (vw->error)
        return;
    char buf[AV_ERROR_MAX_STRING_SIZE] = "";
    if (averr)
        av_strerror(averr, buf, sizeof buf);
    snprintf(vw->err, sizeof vw->err, "%s%s%s", what, averr ? ": " : "", buf);
    vw->error = 1;
}

/* ---- encoders ---- */

static const AVCodec *pick_encoder(p3d_video_format format)
{
    static const char *const mp4[] = {"libx264", "libopenh264", "mpeg4", NULL};
    static const char *const webm[] = {"libvpx-vp9", "libvpx", NULL};
    static const char *const gif[] = {"gif", NULL};
    static const char *const png[] = {"png", NULL};
    const char *const *names = format == P3D_VIDEO_MP4 ? mp4 : format == P3D_VIDEO_WEBM ? webm
                             : format == P3D_VIDEO_GIF ? gif : png;
    for (int i = 0; names[i]; i++) {
        const AVCodec *c = avcodec_find_encoder_by_name(names[i]);
        if (c)
            return c;
    }
    return NULL;
}

static enum AVPixelFormat encoder_pix_fmt(p3d_video_format format)
{
    return format == P3D_VIDEO_GIF ? AV_PIX_FMT_PAL8
         : format == P3D_VIDEO_PNG ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUV420P;
}

static int open_encoder(p3d_ctx *ctx, video_writer *vw, const AVCodec *codec, int crf, int threads)
{
    AVCodecContext *enc = vw->enc = avcodec_alloc_context3(codec);
    if (!enc)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for the video encoder");
    enc->width = vw->width;
    enc->height = vw->height;
    enc->pix_fmt = encoder_pix_fmt(vw->format);
    enc->time_base = (AVRational){1, vw->fps};
    enc->framerate = (AVRational){vw->fps, 1};
    enc->thread_count = threads;
    if (vw->mux && (vw->mux->oformat->flags & AVFMT_GLOBALHEADER))
        enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    char crf_text[16];
    snprintf(crf_text, sizeof crf_text, "%d", crf);
    if (strcmp(codec->name, "libx264") == 0) {
        /* Usually one x264 thread: it runs beside the renderers, which keep
         * every core busy, and frame threads cost 10 % more CPU (moon
         * circle, 240 frames: 2.79 against 3.07 CPU-s, same bytes within
         * 0.1 %). The caller asks for more where the renderers are idle. */
        enc->thread_count = threads;
        av_opt_set(enc->priv_data, "preset", "veryfast", 0);
        av_opt_set(enc->priv_data, "crf", crf_text, 0);
        /* Intra partitions only (no inter 8x8 splits), as x264's superfast:
         * 25 % less encoder CPU for 5 % larger files and 0.05 dB (moon
         * circle, 240 frames against the raw frames: 2.18 against 2.83
         * CPU-s, 40.71 against 40.76 dB); superfast's other settings cost
         * 70 % in size. Diamond motion search: 6 % less again, for the same
         * size and PSNR (2.15 against 2.30 CPU-s, 40.709 against 40.711 dB):
         * the camera moves by under a pixel per frame. Sub-pixel
         * refinement 1 instead of 2 makes x264 24 % faster (circle: 124.9
         * against 100.9 frames per CPU second) but the dolly-zoom-in video
         * 2.5 times larger (3.29 against 1.34 MB): its zoom needs the
         * sub-pixel search. Deblocking, chroma motion estimation or psy
         * off: no measurable gain. */
        av_opt_set(enc->priv_data, "partitions", "i8x8,i4x4", 0);
        av_opt_set(enc->priv_data, "motion-est", "dia", 0);
        /* Two threads (a video of mostly repeated frames) as slices of
         * each frame, not as frames in flight: frame threads made the moon
         * swing video differ from run to run (39-47 dB between two runs of
         * the four videos; one thread or slices: the same bytes every
         * time), and slices were as fast (13.80 / 13.35 against 15.03 /
         * 13.43 s for the four videos, alternating runs). */
        if (threads > 1)
            av_opt_set(enc->priv_data, "x264-params", "sliced-threads=1", 0);
    } else if (strncmp(codec->name, "libvpx", 6) == 0) {
        av_opt_set(enc->priv_data, "crf", crf_text, 0);
        av_opt_set(enc->priv_data, "deadline", "realtime", 0);
        av_opt_set(enc->priv_data, "cpu-used", "8", 0);
        enc->bit_rate = 0;
    } else if (strcmp(codec->name, "mpeg4") == 0) {
        enc->bit_rate = 8000000;
    }
    int err = avcodec_open2(enc, codec, NULL);
    if (err < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(err, buf, sizeof buf);
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot open the %s encoder: %s", vw->file.path,
                        codec->name, buf);
    }
    vw->frame = av_frame_alloc();
    vw->packet = av_packet_alloc();
    if (!vw->frame || !vw->packet)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for video frames");
    vw->frame->format = enc->pix_fmt;
    vw->frame->width = vw->width;
    vw->frame->height = vw->height;
    if (av_frame_get_buffer(vw->frame, 0) < 0)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for video frames");
    return P3D_OK;
}

/* 6x7x6 uniform palette with a 4x4 ordered dither, for GIF. */
static void rgb_to_pal8(const p3d_image *img, AVFrame *f)
{
    static const int bayer[4][4] = {{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};
    static const int levels[3] = {6, 7, 6};
    uint32_t *pal = (uint32_t *)f->data[1];
    for (int i = 0; i < 256; i++) {
        int r = i / 42, g = i / 6 % 7, b = i % 6;
        pal[i] = i < 252 ? 0xFF000000u | (uint32_t)(r * 255 / 5) << 16 | (uint32_t)(g * 255 / 6) << 8 |
                               (uint32_t)(b * 255 / 5)
                         : 0xFF000000u;
    }
    for (int y = 0; y < img->height; y++) {
        const uint8_t *s = img->data + (size_t)y * img->width * 3;
        uint8_t *d = f->data[0] + (size_t)y * f->linesize[0];
        for (int x = 0; x < img->width; x++) {
            int q[3];
            float t = (bayer[y & 3][x & 3] + 0.5f) / 16.0f;
            for (int c = 0; c < 3; c++) {
                float v = s[3 * x + c] * (levels[c] - 1) / 255.0f;
                int lo = (int)v;
                q[c] = lo + (v - lo > t) - (lo == levels[c] - 1 && v - lo > t);
            }
            d[x] = (uint8_t)(q[0] * 42 + q[1] * 6 + q[2]);
        }
    }
}

static void fill_frame(video_writer *vw, const p3d_image *img)
{
    av_frame_make_writable(vw->frame);
    if (vw->format == P3D_VIDEO_GIF) {
        rgb_to_pal8(img, vw->frame);
    } else if (vw->format == P3D_VIDEO_PNG) {
        for (int y = 0; y < img->height; y++)
            memcpy(vw->frame->data[0] + (size_t)y * vw->frame->linesize[0],
                   img->data + (size_t)y * img->width * 3, (size_t)img->width * 3);
    } else { /* the I420 planes */
        const uint8_t *plane = img->data;
        for (int p = 0; p < 3; p++) {
            int w = p ? vw->width / 2 : vw->width, h = p ? vw->height / 2 : vw->height;
            for (int y = 0; y < h; y++, plane += w)
                memcpy(vw->frame->data[p] + (size_t)y * vw->frame->linesize[p], plane, (size_t)w);
        }
    }
    vw->frame->pts = vw->frames_in++;
}

static void write_png_packet(video_writer *vw, const AVPacket *pkt)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/frame_%05ld.png", vw->tmp_dir, (long)pkt->pts);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(pkt->data, 1, pkt->size, fp) != (size_t)pkt->size) {
        set_error(vw, "cannot write a PNG frame", 0);
    }
    if (fp && fclose(fp) != 0)
        set_error(vw, "cannot write a PNG frame", 0);
}

/* Sends frame (NULL = flush) and writes every packet that comes out. */
static void encode(video_writer *vw, AVFrame *frame)
{
    int err = avcodec_send_frame(vw->enc, frame);
    if (err < 0) {
        set_error(vw, "encoding failed", err);
        return;
    }
    for (;;) {
        err = avcodec_receive_packet(vw->enc, vw->packet);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            return;
        if (err < 0) {
            set_error(vw, "encoding failed", err);
            return;
        }
        if (vw->mux) {
            av_packet_rescale_ts(vw->packet, vw->enc->time_base, vw->stream->time_base);
            vw->packet->stream_index = vw->stream->index;
            err = av_interleaved_write_frame(vw->mux, vw->packet);
            if (err < 0)
                set_error(vw, "writing the video failed", err);
        } else {
            write_png_packet(vw, vw->packet);
        }
        av_packet_unref(vw->packet);
    }
}

/* ---- the encoder thread ---- */

static void *encoder_thread(void *arg)
{
    video_writer *vw = arg;
    for (;;) {
        pthread_mutex_lock(&vw->lock);
        while (vw->count == 0 && !vw->closing)
            pthread_cond_wait(&vw->changed, &vw->lock);
        if (vw->count == 0) {
            pthread_mutex_unlock(&vw->lock);
            break;
        }
        p3d_image *img = &vw->slot[vw->head];
        pthread_mutex_unlock(&vw->lock);

        double t0 = p3d_seconds();
        if (!vw->error) {
            fill_frame(vw, img);
            encode(vw, vw->frame);
        }
        vw->encode_seconds += p3d_seconds() - t0;

        pthread_mutex_lock(&vw->lock);
        vw->head = (vw->head + 1) % QUEUE_SLOTS;
        vw->count--;
        pthread_cond_broadcast(&vw->changed);
        pthread_mutex_unlock(&vw->lock);
    }
    double t0 = p3d_seconds();
    if (!vw->error)
        encode(vw, NULL);
    vw->encode_seconds += p3d_seconds() - t0;
    return NULL;
}

/* ---- public ---- */

static int open_output(p3d_ctx *ctx, video_writer *vw, const char *path)
{
    if (vw->format == P3D_VIDEO_PNG) {
        if (strlen(path) + 16 >= sizeof vw->dir)
            return p3d_fail(ctx, P3D_E_USAGE, "%s: path too long", path);
        strcpy(vw->dir, path);
        snprintf(vw->tmp_dir, sizeof vw->tmp_dir, "%s.tmp.XXXXXX", path);
        if (!mkdtemp(vw->tmp_dir)) {
            vw->tmp_dir[0] = 0;
            return p3d_fail(ctx, P3D_E_IO, "%s: cannot create: %s", path, strerror(errno));
        }
        chmod(vw->tmp_dir, 0755);
        strcpy(vw->file.path, path);
        return P3D_OK;
    }
    int rc = p3d_atomic_reserve(ctx, &vw->file, path);
    if (rc)
        return rc;
    const char *muxer = vw->format == P3D_VIDEO_MP4 ? "mp4" : vw->format == P3D_VIDEO_WEBM ? "webm" : "gif";
    if (avformat_alloc_output_context2(&vw->mux, NULL, muxer, vw->file.tmp_path) < 0 || !vw->mux)
        return p3d_fail(ctx, P3D_E_INTERNAL, "%s: no %s muxer in libavformat", path, muxer);
    vw->stream = avformat_new_stream(vw->mux, NULL);
    if (!vw->stream)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for the video stream");
    return P3D_OK;
}

static int start_muxer(p3d_ctx *ctx, video_writer *vw)
{
    if (!vw->mux)
        return P3D_OK;
    vw->stream->time_base = vw->enc->time_base;
    vw->stream->avg_frame_rate = vw->enc->framerate;
    if (avcodec_parameters_from_context(vw->stream->codecpar, vw->enc) < 0)
        return p3d_fail(ctx, P3D_E_INTERNAL, "cannot set the video stream parameters");
    int err = avio_open(&vw->mux->pb, vw->file.tmp_path, AVIO_FLAG_WRITE);
    if (err >= 0)
        err = avformat_write_header(vw->mux, NULL);
    if (err < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(err, buf, sizeof buf);
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot write: %s", vw->file.path, buf);
    }
    return P3D_OK;
}

/* libav* log to stderr by default; the library never prints, errors come
 * back as messages instead. */
static void silence_libav(void)
{
    av_log_set_level(AV_LOG_QUIET);
}

int video_open(p3d_ctx *ctx, video_writer **out, const char *path, p3d_video_format format,
               int width, int height, int fps, int crf, int threads)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, silence_libav);
    *out = NULL;
    if (width <= 0 || height <= 0 || (format != P3D_VIDEO_GIF && format != P3D_VIDEO_PNG &&
                                      (width % 2 || height % 2)))
        return p3d_fail(ctx, P3D_E_USAGE, "%s: video size %dx%d must be even", path, width, height);
    if (fps <= 0 || fps > 1000)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: fps %d is not in 1..1000", path, fps);
    video_writer *vw = calloc(1, sizeof *vw);
    if (!vw)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for the video writer");
    vw->format = format;
    vw->width = width;
    vw->height = height;
    vw->fps = fps;
    pthread_mutex_init(&vw->lock, NULL);
    pthread_cond_init(&vw->changed, NULL);
    *out = vw;
    const AVCodec *codec = pick_encoder(format);
    if (!codec)
        return p3d_fail(ctx, P3D_E_INTERNAL, "%s: libavcodec has no encoder for %s", path,
                        p3d_video_format_ext(format));
    int rc = open_output(ctx, vw, path);
    if (!rc)
        rc = open_encoder(ctx, vw, codec, crf, threads);
    if (!rc)
        rc = start_muxer(ctx, vw);
    int yuv = video_takes_yuv420(format);
    for (int i = 0; !rc && i < QUEUE_SLOTS; i++)
        rc = p3d_image_alloc(ctx, &vw->slot[i], width, yuv ? yuv420_rows(height) : height, yuv ? 1 : 3);
    if (!rc) {
        if (pthread_create(&vw->thread, NULL, encoder_thread, vw) != 0)
            rc = p3d_fail(ctx, P3D_E_INTERNAL, "cannot start the encoder thread");
        else
            vw->thread_started = 1;
    }
    return rc;
}

int video_takes_yuv420(p3d_video_format format)
{
    return format == P3D_VIDEO_MP4 || format == P3D_VIDEO_WEBM;
}

/* Queues frame: copied (converted, an RGB frame for an I420 writer), or
 * where swap (frame itself) is given, swapped with the free slot's buffer
 * of the same size, which swap then holds. */
static int queue_frame(p3d_ctx *ctx, video_writer *vw, const p3d_image *frame, p3d_image *swap)
{
    const p3d_image *slot = &vw->slot[0];
    int rgb = frame->width == vw->width && frame->height == vw->height && frame->channels == 3;
    int same = frame->width == slot->width && frame->height == slot->height && frame->channels == slot->channels;
    if (!same && !(rgb && !swap))
        return p3d_fail(ctx, P3D_E_INTERNAL, "frame %dx%dx%d does not match the video %dx%d",
                        frame->width, frame->height, frame->channels, vw->width, vw->height);
    pthread_mutex_lock(&vw->lock);
    while (vw->count == QUEUE_SLOTS)
        pthread_cond_wait(&vw->changed, &vw->lock);
    int tail = (vw->head + vw->count) % QUEUE_SLOTS;
    int error = vw->error;
    pthread_mutex_unlock(&vw->lock);
    if (error)
        return p3d_fail(ctx, P3D_E_IO, "%s: %s", vw->file.path, vw->err);
    if (swap) {
        p3d_image t = vw->slot[tail];
        vw->slot[tail] = *swap;
        *swap = t;
    } else if (same) {
        memcpy(vw->slot[tail].data, frame->data, (size_t)frame->width * frame->height * frame->channels);
    } else {
        int rc = rgb_to_yuv420(ctx, frame, &vw->slot[tail]); /* the slot's size: no allocation */
        if (rc)
            return rc;
    }
    pthread_mutex_lock(&vw->lock);
    vw->count++;
    pthread_cond_broadcast(&vw->changed);
    pthread_mutex_unlock(&vw->lock);
    return P3D_OK;
}

int video_write(p3d_ctx *ctx, video_writer *vw, const p3d_image *frame)
{
    return queue_frame(ctx, vw, frame, NULL);
}

int video_give(p3d_ctx *ctx, video_writer *vw, p3d_image *frame)
{
    return queue_frame(ctx, vw, frame, frame);
}

/* Removes a folder of frames (only plain files inside). */
static void remove_frame_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(dir);
}

static int commit_output(p3d_ctx *ctx, video_writer *vw)
{
    if (vw->format != P3D_VIDEO_PNG)
        return p3d_atomic_commit(ctx, &vw->file);
    struct stat st;
    if (stat(vw->dir, &st) == 0 && S_ISDIR(st.st_mode))
        remove_frame_dir(vw->dir); /* replaced, as a file output would be */
    if (rename(vw->tmp_dir, vw->dir) != 0)
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot rename into place: %s", vw->dir, strerror(errno));
    vw->tmp_dir[0] = 0;
    return P3D_OK;
}

void video_end(video_writer *vw)
{
    pthread_mutex_lock(&vw->lock);
    vw->closing = 1;
    pthread_cond_broadcast(&vw->changed);
    pthread_mutex_unlock(&vw->lock);
}

int video_close(p3d_ctx *ctx, video_writer *vw, int commit, p3d_render_stats *stats)
{
    if (!vw)
        return P3D_OK;
    int rc = P3D_OK;
    if (vw->thread_started) {
        video_end(vw);
        pthread_join(vw->thread, NULL);
    }
    if (stats) {
        stats->encode_seconds += vw->encode_seconds;
        if (vw->enc)
            snprintf(stats->encoder, sizeof stats->encoder, "%s", vw->enc->codec->name);
    }
    if (commit && vw->error)
        rc = p3d_fail(ctx, P3D_E_IO, "%s: %s", vw->file.path, vw->err);
    if (vw->mux && vw->mux->pb) {
        if (commit && !rc && av_write_trailer(vw->mux) < 0)
            rc = p3d_fail(ctx, P3D_E_IO, "%s: cannot finish the video", vw->file.path);
        avio_closep(&vw->mux->pb);
    }
    if (commit && !rc)
        rc = commit_output(ctx, vw);
    if (vw->format == P3D_VIDEO_PNG) {
        if (vw->tmp_dir[0])
            remove_frame_dir(vw->tmp_dir);
    } else {
        p3d_atomic_abort(&vw->file);
    }
    avformat_free_context(vw->mux);
    avcodec_free_context(&vw->enc);
    av_frame_free(&vw->frame);
    av_packet_free(&vw->packet);
    for (int i = 0; i < QUEUE_SLOTS; i++)
        p3d_image_free(&vw->slot[i]);
    pthread_mutex_destroy(&vw->lock);
    pthread_cond_destroy(&vw->changed);
    free(vw);
    return rc;
}
