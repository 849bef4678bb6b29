/* Videos (src/render/video.c, render_videos.c): each format is written,
 * read back with libavformat/libavcodec, and its frame count, size and rate
 * checked; the first frame's colours are compared with the rendered frame;
 * failures leave no output behind. */
#include "photo3d/render.h"
#include "testlib.h"
#include "video_decode.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    int frames, width, height;
    double fps;
    int center_rgb[3]; /* first frame, centre pixel (from the decoder's YUV) */
} probe;

/* The first frame's centre pixel, from the decoder's YUV (BT.601 limited). */
static void probe_frame(void *user, const AVFrame *fr)
{
    probe *p = user;
    if (p->frames++ == 0 && fr->format == AV_PIX_FMT_YUV420P) {
        int x = fr->width / 2, y = fr->height / 2;
        double Y = fr->data[0][y * fr->linesize[0] + x] - 16.0;
        double U = fr->data[1][y / 2 * fr->linesize[1] + x / 2] - 128.0;
        double V = fr->data[2][y / 2 * fr->linesize[2] + x / 2] - 128.0;
        p->center_rgb[0] = (int)(1.164 * Y + 1.596 * V + 0.5);
        p->center_rgb[1] = (int)(1.164 * Y - 0.392 * U - 0.813 * V + 0.5);
        p->center_rgb[2] = (int)(1.164 * Y + 2.017 * U + 0.5);
    }
}

static int probe_video(const char *path, probe *p)
{
    memset(p, 0, sizeof *p);
    video_stream_info info;
    if (!decode_video(path, &info, probe_frame, p))
        return 0;
    p->width = info.width;
    p->height = info.height;
    p->fps = info.fps;
    return 1;
}

static int count_dir(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, suffix) != NULL;
    closedir(d);
    return n;
}

/* A 64x64 "photo": an orange plane at depth 2 filling the view. */
static void make_mesh(p3d_mesh *m)
{
    static float xyz[] = {-2, -2, 2, 2, -2, 2, -2, 2, 2, 2, 2, 2};
    static uint8_t rgba[] = {240, 120, 30, 1, 240, 120, 30, 1, 240, 120, 30, 1, 240, 120, 30, 1};
    static int32_t faces[] = {0, 2, 1, 1, 2, 3};
    memset(m, 0, sizeof *m);
    m->width = m->height = 64;
    m->hfov = m->vfov = 0.9272952180016122;
    m->nverts = 4;
    m->xyz = xyz;
    m->rgba = rgba;
    m->nfaces = 2;
    m->faces = faces;
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.threads = 2;
    p3d_mesh mesh;
    make_mesh(&mesh);
    const char *dir = tl_tmpdir();
    p3d_render_options opt;
    p3d_render_options_default(&opt);
    opt.num_frames = 10;
    CHECK_INT(p3d_render_options_select(&ctx, &opt, "zoom-in,circle"), P3D_OK);

    /* mp4: 64 px square -> 63 rows after the anchor crop -> 62 x 64 even */
    p3d_render_stats stats;
    opt.stats = &stats;
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, dir, "t", 2.0), P3D_OK);
    CHECK_INT(stats.frames, 20);
    CHECK(stats.render_seconds > 0 && stats.encode_seconds > 0);
    if (avcodec_find_encoder_by_name("libx264"))
        CHECK(strcmp(stats.encoder, "libx264") == 0);
    char path[400];
    probe p;
    snprintf(path, sizeof path, "%s/t_zoom-in.mp4", dir);
    CHECK(probe_video(path, &p));
    CHECK_INT(p.frames, 10);
    CHECK_INT(p.width, 64);
    CHECK_INT(p.height, 62);
    CHECK_NEAR(p.fps, 40, 1e-9);
    CHECK_NEAR(p.center_rgb[0], 240, 6);
    CHECK_NEAR(p.center_rgb[1], 120, 6);
    CHECK_NEAR(p.center_rgb[2], 30, 6);
    snprintf(path, sizeof path, "%s/t_circle.mp4", dir);
    CHECK(probe_video(path, &p));
    CHECK_INT(p.frames, 10);

    /* webm and gif, other rates */
    opt.fps = 25;
    opt.format = P3D_VIDEO_WEBM;
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, dir, "w", 2.0), P3D_OK);
    CHECK(strncmp(stats.encoder, "libvpx", 6) == 0);
    snprintf(path, sizeof path, "%s/w_circle.webm", dir);
    CHECK(probe_video(path, &p));
    CHECK_INT(p.frames, 10);
    CHECK_INT(p.height, 62);
    CHECK_NEAR(p.fps, 25, 1e-9);
    opt.format = P3D_VIDEO_GIF;
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, dir, "g", 2.0), P3D_OK);
    snprintf(path, sizeof path, "%s/g_zoom-in.gif", dir);
    CHECK(probe_video(path, &p));
    CHECK_INT(p.frames, 10);
    CHECK_INT(p.width, 64);

    /* png: a folder of frames */
    opt.format = P3D_VIDEO_PNG;
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, dir, "p", 2.0), P3D_OK);
    snprintf(path, sizeof path, "%s/p_zoom-in", dir);
    CHECK_INT(count_dir(path, ".png"), 10);
    snprintf(path, sizeof path, "%s/p_zoom-in/frame_00009.png", dir);
    CHECK(probe_video(path, &p));
    CHECK_INT(p.width, 64);
    CHECK_INT(p.height, 62);

    /* A custom path: 3 poses, one with its own fov. */
    /* A custom path: 4 poses, one with its own fov, the last a copy of the
     * first (its frame is the first one's, not rendered again). */
    p3d_pose poses[4] = {{{0, 0, 0}, 0}, {{0.01, 0, 0}, 0}, {{0, 0, 0.02}, 0.5}, {{0, 0, 0}, 0}};
    opt.format = P3D_VIDEO_MP4;
    opt.path = poses;
    opt.path_len = 4;
    opt.path_name = "mine";
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, dir, "c", 2.0), P3D_OK);
    snprintf(path, sizeof path, "%s/c_mine.mp4", dir);
    CHECK(probe_video(path, &p));
    CHECK_INT(p.frames, 4);

    /* Failures leave nothing: a missing folder, and a mesh without size. */
    int before = count_dir(dir, "");
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, "/nonexistent/dir", "x", 2.0), P3D_E_IO);
    p3d_clear_error(&ctx);
    mesh.width = 0;
    CHECK_INT(p3d_render_videos(&ctx, &mesh, &opt, dir, "bad", 2.0), P3D_E_INPUT);
    CHECK(strstr(p3d_errmsg(&ctx), "H and W") != NULL);
    p3d_clear_error(&ctx);
    CHECK_INT(count_dir(dir, ""), before);
    return tl_finish();
}
