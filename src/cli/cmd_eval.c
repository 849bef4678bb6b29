/* photo3d eval: novel-view quality of a 3D photo against a real target view
 * (src/eval, docs/EVAL.md): builds the 3D photo of the source view with each
 * method, renders it at the target camera, scores PSNR/SSIM over all,
 * seen and disoccluded pixels, writes a JSON report and a side-by-side PNG. */
#include "cli.h"
#include "core/atomic_file.h"
#include "photo3d/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SET 32

static const cli_opt eval_opts[] = {
    {"target", "IMAGE", "the real photo at the target camera (required; same size as SOURCE)", 0},
    {"pose", "X,Y,Z", "target camera centre in the source camera's frame (X right, Y down, Z "
                      "forward), in the units of DEPTH; for disparity: in stereo baselines "
                      "(required)", 0},
    {"depth-kind", "KIND", "depth (metric Z, default) | disparity (stereo disparity in pixels)", 0},
    {"disparity-scale", "S", "disparity in pixels = stored value x S (Middlebury 2003: 0.25, "
                             "2005/2006 half size: 0.5; default 1)", 0},
    {"target-depth", "FILE", "the target's own depth/disparity map (same kind and scale as DEPTH): "
                             "exact 'outside the source frame' test, unknown pixels left out", 0},
    {"mask", "FILE", "disocclusion mask of the target (0 seen, 128 outside, 255 disoccluded, 64 "
                     "unknown; e.g. synth's view_K_hidden.png) instead of forward warping", 0},
    {"backend", "LIST", "methods, comma-separated: classical (= ours), diffusion, stretch, holes "
                        "(default: all four)", 0},
    {"set", "KEY=VALUE", "pipeline option (argument.yml key), e.g. depth_threshold=0.04", 1},
    {"json", "FILE", "write the report as JSON", 0},
    {"mask-out", "FILE", "write the target's pixel classes used for the scores (PNG, values as --mask)", 0},
    {"png", "FILE", "write the side-by-side picture (source | rendered | truth | error) per method", 0},
    {0},
};

static const cli_spec eval_spec = {
    "eval", "SOURCE DEPTH",
    "Novel-view quality: builds the 3D photo of SOURCE + DEPTH, renders it at the target camera\n"
    "(photo3d's camera f = max(W,H), principal point (W/2, H/2); the exact image size, no video\n"
    "crop) and compares it with the real target photo: PSNR and SSIM (luminance, 11x11 Gaussian)\n"
    "over all pixels, pixels the source sees, and disoccluded pixels (hidden in the source).\n"
    "Geometry: depth Z is used as is; a disparity d (pixels, after --disparity-scale) becomes\n"
    "Z = f / d with the stereo baseline as unit length, so Middlebury im2 -> im6 is --pose 1,0,0\n"
    "and im2 -> im4 --pose 0.5,0,0. The scene is then scaled (depths and pose alike, which keeps\n"
    "every image) so that the largest disparity 1/Z is 3.0, the range the reference's\n"
    "depth_threshold is meant for. Unknown depth (0, inf) takes the farthest neighbouring known\n"
    "depth. The disocclusion mask comes from --mask or from forward warping DEPTH with a z-buffer\n"
    "(see docs/EVAL.md). Methods: classical = ours; diffusion = membrane-filled holes; stretch =\n"
    "one untorn mesh; holes = ours without synthesised pixels (gray 128).",
    eval_opts, 2, 2};

static int parse_methods(const char *list, unsigned *methods)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    *methods = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int m = p3d_eval_method_from_name(tok);
        if (m < 0) {
            cli_error("eval", "--backend: unknown method '%s' (classical, diffusion, stretch, holes)", tok);
            return 0;
        }
        *methods |= 1u << m;
    }
    if (!*methods)
        cli_error("eval", "--backend: empty list");
    return *methods != 0;
}

/* Everything the command reads and derives. */
typedef struct eval_inputs {
    p3d_image source, target, mask;
    p3d_map z, target_z;
    double scale;
    const char *mask_origin;
} eval_inputs;

static void inputs_free(eval_inputs *in)
{
    p3d_image_free(&in->source), p3d_image_free(&in->target), p3d_image_free(&in->mask);
    p3d_map_free(&in->z), p3d_map_free(&in->target_z);
}

/* Loads a depth/disparity file as scaled metric depth (0 = unknown). */
static int load_depth(p3d_ctx *ctx, const char *path, p3d_eval_input_kind kind, double dscale,
                      double focal, const p3d_image *photo, p3d_map *z)
{
    p3d_map raw = {0};
    int rc = p3d_map_load(ctx, path, &raw);
    if (!rc && (raw.width != photo->width || raw.height != photo->height))
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: %dx%d, the photo is %dx%d", path, raw.width,
                      raw.height, photo->width, photo->height);
    if (!rc)
        rc = p3d_eval_metric_depth(ctx, &raw, kind, dscale, focal, z);
    if (rc && ctx->msg[0] && !strstr(ctx->msg, path))
        p3d_error_prefix(ctx, "%s: ", path);
    p3d_map_free(&raw);
    return rc;
}

static void scale_map(p3d_map *m, double s)
{
    for (long i = 0; i < (long)m->width * m->height; i++)
        m->data[i] = (float)(m->data[i] * s);
}

static int read_inputs(p3d_ctx *ctx, const cli_args *a, p3d_eval_input_kind kind, double dscale,
                       double pose[3], eval_inputs *in)
{
    const char *target_depth = cli_get(a, "target-depth"), *mask = cli_get(a, "mask");
    int rc = p3d_image_load(ctx, a->pos[0], &in->source);
    if (!rc)
        rc = p3d_image_load(ctx, cli_get(a, "target"), &in->target);
    if (!rc && (in->target.width != in->source.width || in->target.height != in->source.height))
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: %dx%d, the source photo is %dx%d", cli_get(a, "target"),
                      in->target.width, in->target.height, in->source.width, in->source.height);
    p3d_camera cam;
    p3d_reference_camera(in->source.width, in->source.height, in->source.width, in->source.height, &cam);
    if (!rc)
        rc = load_depth(ctx, a->pos[1], kind, dscale, cam.fx, &in->source, &in->z);
    if (!rc && target_depth)
        rc = load_depth(ctx, target_depth, kind, dscale, cam.fx, &in->source, &in->target_z);
    if (rc)
        return rc;
    in->scale = p3d_eval_scene_scale(&in->z);
    scale_map(&in->z, in->scale);
    if (in->target_z.data)
        scale_map(&in->target_z, in->scale);
    for (int k = 0; k < 3; k++)
        pose[k] *= in->scale;
    if (mask) {
        p3d_image m3 = {0};
        in->mask_origin = "file";
        if ((rc = p3d_image_load(ctx, mask, &m3)))
            return rc;
        if (m3.width != in->source.width || m3.height != in->source.height)
            rc = p3d_fail(ctx, P3D_E_INPUT, "%s: %dx%d, the photo is %dx%d", mask, m3.width,
                          m3.height, in->source.width, in->source.height);
        if (!rc)
            rc = p3d_image_alloc(ctx, &in->mask, m3.width, m3.height, 1);
        for (long i = 0; !rc && i < (long)m3.width * m3.height; i++)
            in->mask.data[i] = m3.data[3 * i];
        p3d_image_free(&m3);
    } else {
        in->mask_origin = target_depth ? "forward warp, target depth" : "forward warp, depth range";
        rc = p3d_eval_disocclusion(ctx, &in->z, &cam, pose, target_depth ? &in->target_z : NULL,
                                   &in->mask);
    }
    if (!rc)
        rc = p3d_eval_fill_unknown(ctx, &in->z);
    return rc;
}

/* A JSON number; non-finite values (PSNR of identical pixels, empty regions) are null. */
static void json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.4f", v);
    else
        fputs("null", f);
}

static void json_score(FILE *f, const char *name, const p3d_eval_score *s)
{
    fprintf(f, "\"%s\": {\"psnr\": ", name);
    json_number(f, s->psnr);
    fputs(", \"ssim\": ", f);
    json_number(f, s->ssim);
    fprintf(f, ", \"pixels\": %ld}", s->pixels);
}

/* JSON strings here are file names: escape quotes, backslashes and controls. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static int write_json(p3d_ctx *ctx, const char *path, const cli_args *a, const eval_inputs *in,
                      const double pose[3], const p3d_eval_result *res)
{
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    FILE *f = af.fp;
    long count[256] = {0};
    for (long i = 0; i < (long)in->mask.width * in->mask.height; i++)
        count[in->mask.data[i]]++;
    fputs("{\n  \"source\": ", f);
    json_string(f, a->pos[0]);
    fputs(",\n  \"depth\": ", f);
    json_string(f, a->pos[1]);
    fputs(",\n  \"target\": ", f);
    json_string(f, cli_get(a, "target"));
    fprintf(f, ",\n  \"width\": %d, \"height\": %d,\n  \"depth_kind\": \"%s\",\n", in->source.width,
            in->source.height, cli_get(a, "depth-kind") ? cli_get(a, "depth-kind") : "depth");
    fprintf(f, "  \"scene_scale\": %.9g,\n  \"pose_scaled\": [%.9g, %.9g, %.9g],\n", in->scale,
            pose[0], pose[1], pose[2]);
    fprintf(f, "  \"mask\": \"%s\",\n", in->mask_origin);
    fprintf(f, "  \"pixels\": {\"seen\": %ld, \"disoccluded\": %ld, \"outside\": %ld, \"unknown\": %ld},\n",
            count[P3D_EVAL_SEEN], count[P3D_EVAL_DISOCCLUDED], count[P3D_EVAL_OUTSIDE],
            count[P3D_EVAL_UNKNOWN]);
    fputs("  \"ssim\": \"luminance 0.299R+0.587G+0.114B, 11x11 Gaussian sigma 1.5\",\n", f);
    fputs("  \"methods\": {", f);
    int first = 1;
    for (int m = 0; m < P3D_EVAL_METHODS; m++) {
        if (!res[m].done)
            continue;
        fprintf(f, "%s\n    \"%s\": {", first ? "" : ",", p3d_eval_method_name(m));
        json_score(f, "all", &res[m].all);
        fputs(", ", f);
        json_score(f, "seen", &res[m].seen);
        fputs(", ", f);
        json_score(f, "disoccluded", &res[m].disoccluded);
        fprintf(f, ", \"build_seconds\": %.3f}", res[m].build_seconds);
        first = 0;
    }
    fputs("\n  }\n}\n", f);
    return p3d_atomic_commit(ctx, &af);
}

static void print_table(const p3d_eval_result *res)
{
    printf("%-10s %21s %21s %21s %8s\n", "method", "all PSNR / SSIM", "seen PSNR / SSIM",
           "disocc. PSNR / SSIM", "build s");
    for (int m = 0; m < P3D_EVAL_METHODS; m++) {
        const p3d_eval_result *r = res + m;
        if (r->done)
            printf("%-10s %10.2f / %8.4f %10.2f / %8.4f %10.2f / %8.4f %8.2f\n", p3d_eval_method_name(m),
                   r->all.psnr, r->all.ssim, r->seen.psnr, r->seen.ssim, r->disoccluded.psnr,
                   r->disoccluded.ssim, r->build_seconds);
    }
}

/* Reads the options; 0 after printing a usage error. */
static int read_options(const cli_args *a, p3d_eval_input_kind *kind, double *dscale,
                        double pose[3], unsigned *methods, p3d_pipeline_options *o, p3d_ctx *ctx)
{
    const char *k = cli_get(a, "depth-kind"), *p = cli_get(a, "pose");
    if (!cli_get(a, "target") || !p) {
        cli_error("eval", "--target and --pose are required");
        return 0;
    }
    if (!cli_parse_numbers(p, pose, 3)) {
        cli_error("eval", "--pose: '%s' is not X,Y,Z (three numbers)", p);
        return 0;
    }
    *kind = P3D_EVAL_INPUT_DEPTH;
    if (k && strcmp(k, "disparity") == 0)
        *kind = P3D_EVAL_INPUT_DISPARITY;
    else if (k && strcmp(k, "depth") != 0) {
        cli_error("eval", "--depth-kind: '%s' is not depth or disparity", k);
        return 0;
    }
    *dscale = 1;
    if (!cli_get_double(a, "disparity-scale", dscale))
        return 0;
    if (!(*dscale > 0)) {
        cli_error("eval", "--disparity-scale: must be positive");
        return 0;
    }
    if (cli_get(a, "mask") && cli_get(a, "target-depth")) {
        cli_error("eval", "--mask and --target-depth exclude each other");
        return 0;
    }
    *methods = (1u << P3D_EVAL_METHODS) - 1;
    if (cli_get(a, "backend") && !parse_methods(cli_get(a, "backend"), methods))
        return 0;
    p3d_pipeline_defaults(o);
    for (int i = 0; i < cli_count(a, "set"); i++) {
        const char *kv = cli_get_nth(a, "set", i), *eq = strchr(kv, '=');
        char key[64];
        const char *note = NULL;
        if (!eq || eq - kv >= (long)sizeof key) {
            cli_error("eval", "--set: '%s' is not KEY=VALUE", kv);
            return 0;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        int rc = p3d_pipeline_set(ctx, o, key, eq + 1, &note);
        if (rc < 0 || rc > 1) {
            cli_fail("eval", ctx);
            return 0;
        }
    }
    return 1;
}

int cmd_eval(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&eval_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    p3d_ctx ctx;
    cli_ctx(&a, &ctx);
    p3d_eval_input_kind kind;
    double dscale, pose[3];
    unsigned methods;
    p3d_pipeline_options opt;
    if (!read_options(&a, &kind, &dscale, pose, &methods, &opt, &ctx))
        return 2;
    eval_inputs in;
    memset(&in, 0, sizeof in);
    p3d_eval_result res[P3D_EVAL_METHODS];
    memset(res, 0, sizeof res);
    p3d_image picture = {0};
    rc = read_inputs(&ctx, &a, kind, dscale, pose, &in);
    p3d_eval_job job = {&in.source, &in.z, &in.target, &in.mask, {pose[0], pose[1], pose[2]}, &opt, methods};
    if (!rc)
        rc = p3d_eval_run(&ctx, &job, res);
    if (!rc && cli_get(&a, "png"))
        rc = p3d_eval_side_by_side(&ctx, &job, res, &picture);
    if (!rc && cli_get(&a, "png"))
        rc = p3d_image_save_png(&ctx, cli_get(&a, "png"), &picture);
    if (!rc && cli_get(&a, "mask-out"))
        rc = p3d_image_save_png(&ctx, cli_get(&a, "mask-out"), &in.mask);
    if (!rc && cli_get(&a, "json"))
        rc = write_json(&ctx, cli_get(&a, "json"), &a, &in, pose, res);
    if (!rc && !a.quiet)
        print_table(res);
    int code = rc ? cli_fail("eval", &ctx) : 0;
    p3d_image_free(&picture);
    p3d_eval_results_free(res);
    inputs_free(&in);
    return code;
}
