/* photo3d render: videos (and optionally a glTF file) from an existing 3D
 * photo mesh (PLY), with the reference's trajectories or a user path. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const cli_opt render_opts[] = {
    {"out", "DIR", "output folder (created if missing; default: the mesh's folder)", 0, 'o'},
    {"video", "LIST", "videos to render: dolly-zoom-in,zoom-in,circle,swing (default: all four)", 0},
    {"format", "FMT", "mp4 (H.264, default) | webm (VP9) | gif | png (a folder of frames)", 0},
    {"path", "FILE", "custom camera path: one pose per line, \"tx ty tz [fov_degrees]\"", 0},
    {"frames", "N", "frames per video (default 240)", 0},
    {"fps", "N", "frames per second (default 40)", 0},
    {"crf", "N", "quality for mp4/webm, lower is better (default 18)", 0},
    {"supersample", "N", "anti-flickering supersampling factor, 1 = off (default 3)", 0},
    {"crop-border", "T,L,B,R", "fractions cut at top, left, bottom, right (default 0.03,0.03,0.05,0.03)", 0},
    {"center-depth", "D", "depth at the image centre for the dolly zoom (default: from the mesh)", 0},
    {"glb", NULL, "also write <stem>.glb (glTF 2.0 binary)", 0},
    {"stats", NULL, "print render and encode timing", 0},
    {0},
};

static const cli_spec render_spec = {
    "render", "MESH.ply",
    "Renders parallax videos of a 3D photo mesh written by 'photo3d run' (or the reference "
    "implementation's PLY) as the reference does: 3x supersampled, blurred, cropped, H.264 at 40 fps.",
    render_opts, 1, 1,
};

/* "<dir>/<stem>.ply" -> stem; dir is the mesh's folder. */
static void split_mesh_path(const char *path, char *dir, size_t ndir, char *stem, size_t nstem)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    snprintf(dir, ndir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    snprintf(stem, nstem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = 0;
}

static int parse_format(const char *s, p3d_video_format *f)
{
    static const char *const names[] = {"mp4", "webm", "gif", "png"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *f = (p3d_video_format)i;
            return 1;
        }
    return 0;
}

/* Reads the numeric options into opt; 0 after printing a usage error. */
static int read_options(const cli_args *a, p3d_render_options *opt, double *center_depth)
{
    long frames = opt->num_frames, fps = opt->fps, crf = opt->crf, ss = opt->supersample;
    if (!cli_get_int(a, "frames", 1, 100000, &frames) || !cli_get_int(a, "fps", 1, 1000, &fps) ||
        !cli_get_int(a, "crf", 0, 63, &crf) || !cli_get_int(a, "supersample", 1, 7, &ss) ||
        !cli_get_double(a, "center-depth", center_depth))
        return 0;
    opt->num_frames = (int)frames;
    opt->fps = (int)fps;
    opt->crf = (int)crf;
    opt->supersample = (int)ss;
    const char *fmt = cli_get(a, "format");
    if (fmt && !parse_format(fmt, &opt->format)) {
        cli_error("render", "--format: '%s' is not mp4, webm, gif or png", fmt);
        return 0;
    }
    const char *crop = cli_get(a, "crop-border");
    if (crop) {
        double c[4];
        char tail;
        if (sscanf(crop, "%lf,%lf,%lf,%lf%c", &c[0], &c[1], &c[2], &c[3], &tail) != 4 ||
            c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0 || c[0] + c[2] >= 0.9 || c[1] + c[3] >= 0.9) {
            cli_error("render", "--crop-border: '%s' is not four fractions T,L,B,R (each pair below 0.9)", crop);
            return 0;
        }
        memcpy(opt->crop_border, c, sizeof c);
    }
    return 1;
}

int cmd_render(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&render_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    p3d_ctx ctx;
    cli_ctx(&a, &ctx);
    p3d_render_options opt;
    p3d_render_options_default(&opt);
    double center_depth = 0;
    if (!read_options(&a, &opt, &center_depth))
        return 2;
    const char *videos = cli_get(&a, "video");
    if (videos && cli_has(&a, "path")) {
        cli_error("render", "--video and --path exclude each other");
        return 2;
    }
    if (videos && p3d_render_options_select(&ctx, &opt, videos))
        return cli_fail("render", &ctx);

    char dir[4096], stem[1024];
    split_mesh_path(a.pos[0], dir, sizeof dir, stem, sizeof stem);
    const char *out = cli_get(&a, "out");
    if (!out)
        out = dir;
    p3d_mesh mesh;
    if (p3d_mesh_load_ply(&ctx, a.pos[0], &mesh))
        return cli_fail("render", &ctx);
    p3d_pose *path = NULL;
    const char *path_file = cli_get(&a, "path");
    if (path_file && p3d_trajectory_load(&ctx, path_file, &path, &opt.path_len)) {
        p3d_mesh_free(&mesh);
        return cli_fail("render", &ctx);
    }
    opt.path = path;
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        cli_error("render", "%s: cannot create the output folder: %s", out, strerror(errno));
        p3d_mesh_free(&mesh);
        free(path);
        return 1;
    }
    p3d_render_stats stats;
    opt.stats = &stats;
    if (!cli_has(&a, "center-depth"))
        center_depth = p3d_mesh_center_depth(&mesh);
    rc = 0;
    if (cli_has(&a, "glb")) {
        char glb[5200];
        snprintf(glb, sizeof glb, "%s/%s.glb", out, stem);
        if (p3d_mesh_save_glb(&ctx, glb, &mesh))
            rc = cli_fail("render", &ctx);
    }
    if (!rc && p3d_render_videos(&ctx, &mesh, &opt, out, stem, center_depth))
        rc = cli_fail("render", &ctx);
    if (!rc && opt.format == P3D_VIDEO_MP4 && strcmp(stats.encoder, "libx264") != 0)
        fprintf(stderr, "photo3d render: note: libx264 is not available; the MP4 videos use %s\n",
                stats.encoder);
    if (!rc && cli_has(&a, "stats"))
        printf("frames %ld  render %.2f s (%.1f fps)  encode %.2f s (%.1f fps)  total %.2f s\n",
               stats.frames, stats.render_seconds, stats.frames / stats.render_seconds,
               stats.encode_seconds, stats.frames / stats.encode_seconds, stats.total_seconds);
    p3d_mesh_free(&mesh);
    free(path);
    return rc;
}
