/* photo3d render: videos (and optionally a glTF file) from an existing 3D
 * photo mesh (PLY), with the reference's trajectories or a user path. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt render_opts[] = {
    {"out", "DIR", "output folder (created if missing; default: the mesh's folder)", 0, 'o'},
    {"video", "LIST", "videos to render: dolly-zoom-in,zoom-in,circle,swing (default: all four)", 0},
    CLI_VIDEO_OPTS,
    {"path", "FILE", "custom camera path: one pose per line, \"tx ty tz [fov_degrees]\"", 0},
    {"center-depth", "D", "depth at the image centre for the dolly zoom (default: from the mesh)", 0},
    {"set", "KEY=VALUE", "an argument.yml video key: fps, num_frames, x/y/z_shift_range, traj_types, "
                         "video_postfix, crop_border, anti_flickering (lists as [a,b,...])", 1},
    {"stats", NULL, "print render and encode timing", 0},
    {0},
};

static const cli_spec render_spec = {
    "render", "MESH.ply",
    "Renders parallax videos of a 3D photo mesh written by 'photo3d run' (or the reference "
    "implementation's PLY) as the reference does: supersampled (2x2 with a filter matched to the "
    "reference's 3x3 blur and average; --supersample 3 for its exact pipeline), cropped, H.264 at "
    "40 fps.",
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
    if (!cli_render_options(&a, &opt, &center_depth))
        return 2;
    const char *videos = cli_get(&a, "video");
    if (videos && cli_has(&a, "path")) {
        cli_error("render", "--video and --path exclude each other");
        return 2;
    }
    if (videos && p3d_render_options_select(&ctx, &opt, videos))
        return cli_fail("render", &ctx);
    for (int i = 0; i < cli_count(&a, "set"); i++) {
        const char *kv = cli_get_nth(&a, "set", i), *eq = strchr(kv, '=');
        char key[64];
        if (!eq || eq == kv || eq - kv >= (long)sizeof key) {
            cli_error("render", "--set: '%s' is not KEY=VALUE", kv);
            return 2;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        if (p3d_render_options_set(&ctx, &opt, key, eq + 1))
            return cli_fail("render", &ctx);
    }

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
    if (cli_make_dir(&ctx, out)) {
        p3d_mesh_free(&mesh);
        free(path);
        return cli_fail("render", &ctx);
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
