/* photo3d run: photo (+ depth map, else MiDaS) -> 3D photo mesh (PLY) ->
 * the reference's four parallax videos, with optional GLB and debug images
 * of every stage. Inputs are prepared as the reference's main.py does
 * (ALGORITHM.md 2): the depth map's shape sets the working size, the photo is
 * resized to it with INTER_AREA, the depth is normalised by
 * p3d_depth_from_map_sharp; then p3d_photo3d_build does the rest. */
#include "cli.h"
#include "core/atomic_file.h"
#include "inpaint/backend.h"
#include "inpaint/neural.h"
#include "photo3d/midas.h"
#include "photo3d/models.h"
#include "photo3d/pipeline.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const cli_opt run_opts[] = {
    {"depth", "FILE", "depth or disparity map (.npy, 8/16-bit PNG, PFM); without it MiDaS estimates one", 0},
    {"midas-weights", "FILE", "MiDaS v1 checkpoint (default: model.pt in the model directory)", 0},
    {"output", "DIR", "output directory; the mesh is DIR/<stem>.ply", 0, 'o'},
    {"depth-kind", "KIND", "disparity (default: larger = nearer, as MiDaS) or depth", 0},
    {"inpaint", "NAME", "auto (default: neural when its weights are installed), neural, classical, diffusion", 0},
    {"weights-dir", "DIR", "folder with edge-model.pth, depth-model.pth, color-model.pth (default: model directory)", 0},
    {"video", "LIST", "videos after the mesh: dolly-zoom-in,zoom-in,circle,swing (default) or none", 0},
    CLI_VIDEO_OPTS,
    {"config", "FILE", "the reference's argument.yml (keys photo3d does not use are noted and ignored)", 0},
    {"set", "KEY=VALUE", "set one pipeline option (see --help-options)", 1},
    {"help-options", NULL, "list the pipeline options with defaults and exit", 0},
    {"ply-ascii", NULL, "write the reference's ascii PLY instead of binary", 0},
    {"debug-dir", "DIR", "write intermediate maps (depth, edges, regions, inpainting) and ldi.json", 0},
    {0},
};

static const cli_spec run_spec = {
    "run", "IMAGE [--depth DEPTH] -o OUT_DIR",
    "Turns a photo and its depth map into a 3D photo: sparse bilateral median filter, "
    "layered depth image torn at depth discontinuities, border extrapolation, two iterations of "
    "context-aware inpainting behind every foreground edge, mesh (OUT_DIR/<stem>.ply), then the "
    "reference's four parallax videos (OUT_DIR/<stem>_<video>.mp4). Without --depth the depth "
    "comes from MiDaS (photo3d models fetch model.pt).",
    run_opts, 0, 1};

static void print_note(void *user, const char *key, const char *note)
{
    (void)user;
    fprintf(stderr, "photo3d run: note: option '%s' ignored: %s\n", key, note);
}

static int print_options(void)
{
    int n;
    const p3d_option_info *t = p3d_pipeline_option_table(&n);
    for (int i = 0; i < n; i++)
        printf("  %-26s %-18s %s\n", t[i].name, t[i].default_text, t[i].help);
    return 0;
}

/* Pipeline options from --config and --set; --set keys of the reference's
 * video settings (fps, num_frames, x_shift_range, ...) go to the videos. */
static int configure(const cli_args *a, p3d_ctx *ctx, p3d_pipeline_options *o,
                     p3d_render_options *ropt)
{
    p3d_pipeline_defaults(o);
    const char *cfg = cli_get(a, "config");
    if (cfg && p3d_pipeline_load_yaml(ctx, o, cfg, a->quiet ? NULL : print_note, NULL))
        return 1;
    for (int k = 0; k < cli_count(a, "set"); k++) {
        const char *kv = cli_get_nth(a, "set", k), *eq = strchr(kv, '=');
        char key[128];
        if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof key) {
            p3d_fail(ctx, P3D_E_USAGE, "--set '%s': expected KEY=VALUE", kv);
            return 1;
        }
        memcpy(key, kv, eq - kv);
        key[eq - kv] = 0;
        const char *note = NULL;
        int r = p3d_pipeline_set(ctx, o, key, eq + 1, &note);
        p3d_ctx video;
        p3d_ctx_init(&video);
        if (r == 1 && p3d_render_options_set(&video, ropt, key, eq + 1) == P3D_OK)
            continue;
        if (r == 1 && !a->quiet)
            print_note(NULL, key, note);
        else if (r)
            return 1;
    }
    return 0;
}

/* "dir/name.ext" -> "name" */
static void file_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

static int write_json(p3d_ctx *ctx, const char *path, const p3d_pipeline_debug *d)
{
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    fprintf(af.fp,
            "{\n  \"pixels\": %ld,\n  \"max_layers\": %ld,\n  \"edges_foreground\": %ld,\n"
            "  \"edges_background\": %ld,\n  \"regions\": [%ld, %ld],\n  \"synthesized\": [%ld, %ld],\n"
            "  \"synth_tears\": %ld,\n"
            "  \"dropped_nodes\": %ld,\n  \"refilled_pixels\": %ld,\n  \"dangling_repaired\": %ld,\n"
            "  \"short_edges_healed\": %ld,\n  \"vertices\": %ld,\n  \"faces\": %ld,\n"
            "  \"faces_reference_rule\": %ld,\n  \"seconds\": {",
            d->pixels, d->layers, d->edges_fg, d->edges_bg, d->regions[0], d->regions[1],
            d->synthesized[0], d->synthesized[1], d->tears,
            d->dropped_nodes, d->refilled, d->dangling, d->healed_edges, d->vertices, d->faces,
            d->faces_reference);
    for (int s = 0; s < d->nstages; s++)
        fprintf(af.fp, "%s\n    \"%s\": %.4f", s ? "," : "", d->stage_name[s], d->stage_seconds[s]);
    fprintf(af.fp, "\n  }\n}\n");
    return p3d_atomic_commit(ctx, &af);
}

static int write_debug(p3d_ctx *ctx, const char *dir, const p3d_pipeline_debug *d)
{
    char path[4096];
    int rc = cli_make_dir(ctx, dir);
#define OUT(name) (snprintf(path, sizeof path, "%s/%s", dir, name), path)
    if (!rc)
        rc = p3d_map_save_npy(ctx, OUT("depth_filtered.npy"), &d->depth_filtered);
    if (!rc)
        rc = p3d_image_save_png(ctx, OUT("edges.png"), &d->edges);
    static const char *names[2][3] = {
        {"regions_iter0.png", "inpaint_depth_iter0.png", "inpaint_rgb_iter0.png"},
        {"regions_iter1.png", "inpaint_depth_iter1.png", "inpaint_rgb_iter1.png"}};
    for (int it = 0; it < 2 && !rc; it++) {
        if (!d->labels[it].data)
            continue;
        rc = p3d_image_save_png(ctx, OUT(names[it][0]), &d->labels[it]);
        if (!rc)
            rc = p3d_image_save_png(ctx, OUT(names[it][1]), &d->inpaint_depth[it]);
        if (!rc)
            rc = p3d_image_save_png(ctx, OUT(names[it][2]), &d->inpaint_rgb[it]);
    }
    if (!rc)
        rc = write_json(ctx, OUT("ldi.json"), d);
#undef OUT
    return rc;
}

/* MiDaS disparity for a photo given without depth; also written as
 * OUT_DIR/<stem>_disparity.npy so a later run can reuse it with --depth. */
static int estimate_depth(p3d_ctx *ctx, const cli_args *a, const p3d_image *photo, p3d_map *map)
{
    char weights[4096], stem[1024], path[4096];
    const char *given = cli_get(a, "midas-weights");
    if (given)
        snprintf(weights, sizeof weights, "%s", given);
    else if (p3d_models_find(ctx, "model.pt", weights, sizeof weights))
        return ctx->status;
    if (!a->quiet)
        fprintf(stderr, "photo3d run: no --depth: estimating depth with MiDaS (%s)\n", weights);
    int rc = p3d_midas_estimate(ctx, photo, weights, map);
    file_stem(a->pos[0], stem, sizeof stem);
    snprintf(path, sizeof path, "%s/%s_disparity.npy", cli_get(a, "output"), stem);
    if (!rc)
        rc = cli_make_dir(ctx, cli_get(a, "output"));
    if (!rc)
        rc = p3d_map_save_npy(ctx, path, map);
    return rc;
}

/* Loads both files and prepares the working-size inputs. */
static int prepare(p3d_ctx *ctx, const cli_args *a, const p3d_pipeline_options *o,
                   p3d_image *photo, p3d_map *depth, int *photo_w, int *photo_h)
{
    const char *kind = cli_get(a, "depth-kind");
    p3d_depth_kind dk = P3D_DEPTH_KIND_DISPARITY;
    if (kind && !strcmp(kind, "depth"))
        dk = P3D_DEPTH_KIND_DEPTH;
    else if (kind && strcmp(kind, "disparity"))
        return p3d_fail(ctx, P3D_E_USAGE, "--depth-kind '%s': expected depth or disparity", kind);
    p3d_image raw = {0};
    p3d_map map = {0};
    int rc = p3d_image_load(ctx, a->pos[0], &raw);
    if (!rc && cli_get(a, "depth"))
        rc = p3d_map_load(ctx, cli_get(a, "depth"), &map);
    else if (!rc)
        rc = estimate_depth(ctx, a, &raw, &map);
    if (!rc)
        rc = p3d_photo3d_inputs(ctx, &raw, &map, dk, o, photo, depth);
    if (!rc) {
        *photo_w = raw.width, *photo_h = raw.height;
        if ((map.width != raw.width || map.height != raw.height) && !a->quiet)
            fprintf(stderr, "photo3d run: depth map %dx%d and photo %dx%d differ: both resized to %dx%d\n",
                    map.width, map.height, raw.width, raw.height, depth->width, depth->height);
    }
    p3d_image_free(&raw);
    p3d_map_free(&map);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    cli_args a;
    int r = cli_parse(&run_spec, argc, argv, &a);
    if (r >= 0)
        return r;
    if (cli_has(&a, "help-options"))
        return print_options();
    if (a.npos != 1 || !cli_get(&a, "output")) {
        cli_error("run", "expected IMAGE [--depth DEPTH] -o OUT_DIR (see photo3d run --help)");
        return 2;
    }
    p3d_render_options ropt;
    p3d_render_options_default(&ropt);
    if (!cli_render_options(&a, &ropt, NULL))
        return 2;
    p3d_ctx ctx;
    cli_ctx(&a, &ctx);
    const char *videos = cli_get(&a, "video");
    int want_videos = !videos || strcmp(videos, "none") != 0;
    if (want_videos && videos && p3d_render_options_select(&ctx, &ropt, videos))
        return cli_fail("run", &ctx);
    p3d_pipeline_options o;
    if (configure(&a, &ctx, &o, &ropt))
        return cli_fail("run", &ctx);
    p3d_image photo = {0};
    p3d_map depth = {0};
    p3d_mesh mesh = {0};
    p3d_inpaint_backend backend = {0};
    p3d_pipeline_debug dbg = {0};
    const char *debug_dir = cli_get(&a, "debug-dir");
    dbg.want_maps = debug_dir != NULL;
    int photo_w = 0, photo_h = 0;
    int rc = run_backend_create(&ctx, cli_get(&a, "inpaint"), cli_get(&a, "weights-dir"), &backend);
    double t0 = p3d_seconds();
    if (!rc)
        rc = prepare(&ctx, &a, &o, &photo, &depth, &photo_w, &photo_h);
    double t_load = p3d_seconds() - t0;
    if (!rc)
        rc = p3d_photo3d_build(&ctx, &photo, &depth, photo_w, photo_h, &o, &backend, &mesh, &dbg);
    if (backend.destroy) /* the networks' memory is not needed for the files and videos */
        backend.destroy(backend.state);
    char stem[1024], path[4096];
    file_stem(a.pos[0], stem, sizeof stem);
    snprintf(path, sizeof path, "%s/%s.ply", cli_get(&a, "output"), stem);
    /* the mesh last: a run that fails leaves no PLY */
    if (!rc && debug_dir)
        rc = write_debug(&ctx, debug_dir, &dbg);
    if (!rc)
        rc = cli_make_dir(&ctx, cli_get(&a, "output"));
    t0 = p3d_seconds();
    if (!rc)
        rc = p3d_mesh_save_ply(&ctx, path, &mesh, cli_has(&a, "ply-ascii"));
    double t_save = p3d_seconds() - t0;
    if (!rc && cli_has(&a, "glb")) {
        char glb[4096];
        snprintf(glb, sizeof glb, "%s/%s.glb", cli_get(&a, "output"), stem);
        rc = p3d_mesh_save_glb(&ctx, glb, &mesh);
    }
    /* the dolly zoom keeps the plane at the image centre's depth, taken (as
     * the reference does) before the bilateral filter */
    double center_depth = depth.data ? depth.data[(size_t)(depth.height / 2) * depth.width + depth.width / 2] : 1;
    t0 = p3d_seconds();
    if (!rc && want_videos)
        rc = p3d_render_videos(&ctx, &mesh, &ropt, cli_get(&a, "output"), stem, center_depth);
    double t_video = p3d_seconds() - t0;
    if (!rc && !a.quiet) {
        fprintf(stderr, "photo3d run: %s: %ld vertices, %ld faces (%dx%d), %s inpainting\n", path,
                mesh.nverts, mesh.nfaces, mesh.width, mesh.height, backend.name);
        fprintf(stderr, "  %-22s %7.3f s\n", "read inputs", t_load);
        for (int s = 0; s < dbg.nstages; s++)
            fprintf(stderr, "  %-22s %7.3f s\n", dbg.stage_name[s], dbg.stage_seconds[s]);
        fprintf(stderr, "  %-22s %7.3f s\n", "write PLY", t_save);
        if (want_videos)
            fprintf(stderr, "  %-22s %7.3f s\n", "videos", t_video);
        if (!strcmp(backend.name, "neural")) {
            long passes, runs = p3d_inpaint_neural_edge_runs(&backend, &passes);
            fprintf(stderr, "  %-22s %7ld (of %ld passes)\n", "edge-net runs", runs, passes);
        }
    }
    p3d_pipeline_debug_free(&dbg);
    p3d_mesh_free(&mesh);
    p3d_image_free(&photo);
    p3d_map_free(&depth);
    return rc ? cli_fail("run", &ctx) : 0;
}
