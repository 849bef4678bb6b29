/* The pipeline's options: one table with the reference's argument.yml names,
 * defaults and help (ALGORITHM.md 10), set from text or from a YAML file
 * (libyaml). Keys that configure parts of the reference photo3d does
 * elsewhere or not at all are accepted and reported as ignored. */
#include "photo3d/pipeline.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef enum { OPT_DOUBLE, OPT_INT, OPT_BOOL, OPT_INT_LIST } opt_type;

typedef struct option_def {
    p3d_option_info info;
    opt_type type;
    size_t offset;
    double lo, hi;
} option_def;

#define O(name, type, def, lo, hi, help) \
    {{#name, def, help}, type, offsetof(p3d_pipeline_options, name), lo, hi}
static const option_def options[] = {
    O(depth_threshold, OPT_DOUBLE, "0.04", 1e-6, 1e3, "disparity jump that makes a depth discontinuity"),
    O(sparse_iter, OPT_INT, "5", 1, P3D_MAX_FILTER_PASSES, "bilateral median passes (the last one is discarded, as in the reference)"),
    O(filter_size, OPT_INT_LIST, "[7, 7, 5, 5, 5]", 1, 15, "window size per bilateral pass (odd)"),
    O(filter_min_ramp, OPT_DOUBLE, "0.1", 0, 1, "the read blur and the bilateral filter run only on depth whose jumps are smeared: ramp pixels at least this share of the discontinuity pixels (0 = always, as the reference; not an argument.yml key)"),
    O(sigma_s, OPT_DOUBLE, "4.0", 0, 1e6, "read but unused, as in the reference"),
    O(sigma_r, OPT_DOUBLE, "0.5", 0, 1e6, "read but unused, as in the reference"),
    O(redundant_number, OPT_INT, "12", 0, 1e6, "depth edges of at most this many pixels with a free end are healed"),
    O(background_thickness, OPT_INT, "70", 1, 1000, "synthesis region rings, first inpainting iteration"),
    O(context_thickness, OPT_INT, "140", 1, 1000, "context region rings, first iteration"),
    O(background_thickness_2, OPT_INT, "70", 1, 1000, "synthesis region rings, second iteration"),
    O(context_thickness_2, OPT_INT, "70", 1, 1000, "context region rings, second iteration"),
    O(depth_edge_dilate, OPT_INT, "10", 0, 1000, "largest erosion of the context next to the silhouette"),
    O(depth_edge_dilate_2, OPT_INT, "5", 0, 1000, "band width of the neural depth refinement around synthesised edges; path split margin"),
    O(extrapolate_border, OPT_BOOL, "true", 0, 1, "extend the image by extrapolation_thickness and fill the band; also enables short-edge clean-up"),
    O(extrapolation_thickness, OPT_INT, "60", 0, 1000, "width of the extrapolated border band"),
    O(largest_size, OPT_INT, "512", 128, 1e5, "largest colour patch side for the neural backend"),
    O(log_depth, OPT_BOOL, "true", 0, 1, "neural depth net works on zero-mean log depth"),
    O(ext_edge_threshold, OPT_DOUBLE, "0.002", 0, 1, "neural edge net output threshold"),
    O(repeat_inpaint_edge, OPT_BOOL, "true", 0, 1, "neural edge net: two extra passes fed the traced near paths"),
    O(longer_side_len, OPT_INT, "960", 1, 16384, "working size: longer side of the depth map is scaled to this"),
    O(min_component, OPT_INT, "200", 1, 1e9, "LDI components with fewer nodes are dropped and refilled (not an argument.yml key)"),
};
#undef O

/* argument.yml keys of the reference that are valid but not pipeline options here. */
static const struct {
    const char *key, *note;
} ignored[] = {
    {"depth_edge_model_ckpt", "weights are managed by 'photo3d models'"},
    {"depth_feat_model_ckpt", "weights are managed by 'photo3d models'"},
    {"rgb_feat_model_ckpt", "weights are managed by 'photo3d models'"},
    {"MiDaS_model_ckpt", "weights are managed by 'photo3d models'"},
    {"use_boostmonodepth", "BoostingMonocularDepth is not supported"},
    {"fps", "video option (photo3d render)"},
    {"num_frames", "video option (photo3d render)"},
    {"x_shift_range", "video option (photo3d render)"},
    {"y_shift_range", "video option (photo3d render)"},
    {"z_shift_range", "video option (photo3d render)"},
    {"traj_types", "video option (photo3d render)"},
    {"video_postfix", "video option (photo3d render)"},
    {"crop_border", "video option (photo3d render)"},
    {"anti_flickering", "video option (photo3d render)"},
    {"specific", "inputs are given on the command line"},
    {"src_folder", "inputs are given on the command line"},
    {"depth_folder", "inputs are given on the command line"},
    {"mesh_folder", "the output directory is given with -o"},
    {"video_folder", "the output directory is given with -o"},
    {"load_ply", "use 'photo3d render' on an existing PLY"},
    {"save_ply", "the PLY is always written"},
    {"inference_video", "unused in the reference too"},
    {"gpu_ids", "photo3d runs on the CPU"},
    {"offscreen_rendering", "photo3d renders in software"},
    {"img_format", "inputs are given on the command line"},
    {"depth_format", "the depth file's format is recognised by content"},
    {"require_midas", "depth is estimated only when no --depth is given"},
    {"discount_factor", "unused in the reference too"},
};

void p3d_pipeline_defaults(p3d_pipeline_options *o)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        p3d_pipeline_set(&ctx, o, options[i].info.name, options[i].info.default_text, NULL);
}

const p3d_option_info *p3d_pipeline_option_table(int *count)
{
    static p3d_option_info table[sizeof options / sizeof *options];
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        table[i] = options[i].info;
    *count = (int)(sizeof options / sizeof *options);
    return table;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
        return *out = 1, 0;
    if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
        return *out = 0, 0;
    return -1;
}

static int set_option(p3d_ctx *ctx, p3d_pipeline_options *o, const option_def *d, const char *value)
{
    char *base = (char *)o + d->offset;
    double v;
    int b;
    switch (d->type) {
    case OPT_DOUBLE:
    case OPT_INT:
        if (parse_number(value, &v) || v < d->lo || v > d->hi || (d->type == OPT_INT && v != floor(v)))
            return p3d_fail(ctx, P3D_E_USAGE, "option %s: '%s' is not a%s number in [%g, %g]",
                            d->info.name, value, d->type == OPT_INT ? "n integer" : "", d->lo, d->hi);
        if (d->type == OPT_DOUBLE)
            *(double *)base = v;
        else
            *(int *)base = (int)v;
        return P3D_OK;
    case OPT_BOOL:
        if (parse_bool(value, &b))
            return p3d_fail(ctx, P3D_E_USAGE, "option %s: '%s' is not true or false", d->info.name, value);
        *(int *)base = b;
        return P3D_OK;
    case OPT_INT_LIST: {
        int *list = (int *)base, n = 0;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", value);
        for (char *tok = strtok(buf, "[], "); tok; tok = strtok(NULL, "[], ")) {
            if (n == P3D_MAX_FILTER_PASSES || parse_number(tok, &v) || v != floor(v) || v < d->lo ||
                v > d->hi || ((int)v % 2) == 0)
                return p3d_fail(ctx, P3D_E_USAGE, "option %s: '%s' must be up to %d odd integers in [%g, %g]",
                                d->info.name, value, P3D_MAX_FILTER_PASSES, d->lo, d->hi);
            list[n++] = (int)v;
        }
        if (n == 0)
            return p3d_fail(ctx, P3D_E_USAGE, "option %s: empty list", d->info.name);
        o->filter_size_count = n;
        return P3D_OK;
    }
    }
    return P3D_OK;
}

int p3d_pipeline_set(p3d_ctx *ctx, p3d_pipeline_options *o, const char *key, const char *value,
                     const char **note)
{
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        if (!strcmp(options[i].info.name, key))
            return set_option(ctx, o, &options[i], value);
    for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++)
        if (!strcmp(ignored[i].key, key)) {
            if (note)
                *note = ignored[i].note;
            return 1;
        }
    return p3d_fail(ctx, P3D_E_USAGE, "unknown option '%s' (not an argument.yml key)", key);
}

/* Flattens a YAML sequence value into "[a, b, c]". */
static int read_value(yaml_parser_t *p, yaml_event_t *first, char *buf, size_t cap)
{
    if (first->type == YAML_SCALAR_EVENT) {
        snprintf(buf, cap, "%s", (const char *)first->data.scalar.value);
        return 0;
    }
    if (first->type != YAML_SEQUENCE_START_EVENT)
        return -1;
    size_t len = snprintf(buf, cap, "[");
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev))
            return -1;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            yaml_event_delete(&ev);
            return -1;
        }
        if (len < cap)
            len += snprintf(buf + len, cap - len, "%s%s", len > 1 ? ", " : "",
                            (const char *)ev.data.scalar.value);
        yaml_event_delete(&ev);
    }
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
    return 0;
}

int p3d_pipeline_load_yaml(p3d_ctx *ctx, p3d_pipeline_options *o, const char *path,
                           p3d_note_fn note, void *user)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open: %s", path, strerror(errno));
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int rc = P3D_OK, depth = 0;
    char key[256] = "", value[1024];
    for (int done = 0; !done && !rc;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = p3d_fail(ctx, P3D_E_INPUT, "%s:%zu: YAML error: %s", path, p.problem_mark.line + 1,
                          p.problem ? p.problem : "malformed");
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_MAPPING_START_EVENT:
            if (++depth > 1)
                rc = p3d_fail(ctx, P3D_E_INPUT, "%s: nested mappings are not argument.yml", path);
            break;
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (depth != 1) {
                rc = p3d_fail(ctx, P3D_E_INPUT, "%s: expected a mapping of keys to values", path);
            } else if (!key[0]) {
                if (ev.type != YAML_SCALAR_EVENT)
                    rc = p3d_fail(ctx, P3D_E_INPUT, "%s: a key must be text", path);
                else
                    snprintf(key, sizeof key, "%s", (const char *)ev.data.scalar.value);
            } else {
                if (read_value(&p, &ev, value, sizeof value))
                    rc = p3d_fail(ctx, P3D_E_INPUT, "%s: key %s: value is not a scalar or a list", path, key);
                const char *why = NULL;
                int r = rc ? rc : p3d_pipeline_set(ctx, o, key, value, &why);
                if (r == 1 && note)
                    note(user, key, why);
                else if (r > 1 || r < 0)
                    rc = r;
                if (rc && rc != P3D_E_INPUT) {
                    p3d_error_prefix(ctx, "%s", path);
                    rc = ctx->status = P3D_E_INPUT;
                }
                key[0] = 0;
            }
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    fclose(f);
    return rc;
}
