/* Video options (ALGORITHM.md 9, 10): the reference's four default videos
 * and the argument.yml keys that configure them (fps, num_frames,
 * x/y/z_shift_range, traj_types, video_postfix, crop_border,
 * anti_flickering), settable from text. */
#define _GNU_SOURCE
#include "photo3d/render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const p3d_video_spec default_videos[] = {
    {"dolly-zoom-in", P3D_TRAJ_DOUBLE_STRAIGHT_LINE, {0.00, 0.00, -0.05}},
    {"zoom-in", P3D_TRAJ_DOUBLE_STRAIGHT_LINE, {0.00, 0.00, -0.05}},
    {"circle", P3D_TRAJ_CIRCLE, {-0.015, -0.015, -0.05}},
    {"swing", P3D_TRAJ_CIRCLE, {-0.015, -0.00, -0.05}},
};
#define NDEFAULT ((int)(sizeof default_videos / sizeof *default_videos))

void p3d_render_options_default(p3d_render_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->nvideos = NDEFAULT;
    memcpy(opt->videos, default_videos, sizeof default_videos);
    opt->num_frames = 240;
    opt->fps = 40;
    opt->supersample = P3D_SUPERSAMPLE_DEFAULT;
    const double crop[4] = {0.03, 0.03, 0.05, 0.03};
    memcpy(opt->crop_border, crop, sizeof crop);
    opt->format = P3D_VIDEO_MP4;
    opt->crf = 18;
    opt->simplify = P3D_LOD_ERROR_DEFAULT;
}

int p3d_render_options_select(p3d_ctx *ctx, p3d_render_options *opt, const char *names)
{
    char list[512];
    snprintf(list, sizeof list, "%s", names);
    opt->nvideos = 0;
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        int k = 0;
        while (k < NDEFAULT && strcmp(default_videos[k].name, name) != 0)
            k++;
        if (k == NDEFAULT)
            return p3d_fail(ctx, P3D_E_USAGE,
                            "unknown video '%s' (dolly-zoom-in, zoom-in, circle, swing)", name);
        if (opt->nvideos == P3D_MAX_VIDEOS)
            return p3d_fail(ctx, P3D_E_USAGE, "more than %d videos", P3D_MAX_VIDEOS);
        opt->videos[opt->nvideos++] = default_videos[k];
    }
    if (opt->nvideos == 0)
        return p3d_fail(ctx, P3D_E_USAGE, "no video selected");
    return P3D_OK;
}

const char *p3d_video_format_ext(p3d_video_format f)
{
    static const char *const ext[] = {"mp4", "webm", "gif", "png"};
    return ext[f];
}

#define MAX_ITEMS P3D_MAX_VIDEOS

/* Splits "[a, 'b', c]" or "a,b,c" into at most MAX_ITEMS trimmed items
 * (quotes removed) in buf; returns the count or -1. */
static int split_list(const char *value, char buf[512], char *items[MAX_ITEMS])
{
    snprintf(buf, 512, "%s", value);
    char *s = buf;
    while (*s == ' ' || *s == '[')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == ']'))
        *--end = 0;
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\'' || *tok == '"')
            tok++;
        char *e = tok + strlen(tok);
        while (e > tok && (e[-1] == ' ' || e[-1] == '\'' || e[-1] == '"'))
            *--e = 0;
        if (!*tok || n == MAX_ITEMS)
            return -1;
        items[n++] = tok;
    }
    return n;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return end != s && !*end && !errno && isfinite(*out);
}

static int set_list(p3d_ctx *ctx, p3d_render_options *opt, const char *key, const char *value)
{
    char buf[512], *items[MAX_ITEMS];
    int n = split_list(value, buf, items);
    if (n <= 0)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: '%s' is not a list of 1 to %d items", key, value,
                        MAX_ITEMS);
    int axis = !strcmp(key, "x_shift_range") ? 0 : !strcmp(key, "y_shift_range") ? 1
             : !strcmp(key, "z_shift_range") ? 2 : -1;
    for (int i = 0; i < n; i++) {
        p3d_video_spec *v = &opt->videos[i];
        if (axis >= 0) {
            if (!parse_double(items[i], &v->shift[axis]) || fabs(v->shift[axis]) > 100)
                return p3d_fail(ctx, P3D_E_USAGE, "%s: '%s' is not a shift in [-100, 100]", key, items[i]);
        } else if (!strcmp(key, "traj_types")) {
            int t = p3d_traj_type_from_name(items[i]);
            if (t < 0)
                return p3d_fail(ctx, P3D_E_USAGE,
                                "%s: '%s' is not double-straight-line, circle or straight-line", key, items[i]);
            v->type = (p3d_traj_type)t;
        } else {
            if (strlen(items[i]) >= sizeof v->name || strpbrk(items[i], "/\\"))
                return p3d_fail(ctx, P3D_E_USAGE, "%s: '%s' is not a file suffix", key, items[i]);
            strcpy(v->name, items[i]);
        }
    }
    opt->nvideos = n; /* the lists are parallel: give them the same length */
    return P3D_OK;
}

int p3d_render_options_set(p3d_ctx *ctx, p3d_render_options *opt, const char *key, const char *value)
{
    double v;
    if (!strcmp(key, "fps") || !strcmp(key, "num_frames")) {
        int fps = !strcmp(key, "fps");
        if (!parse_double(value, &v) || v != floor(v) || v < 1 || v > (fps ? 1000 : 100000))
            return p3d_fail(ctx, P3D_E_USAGE, "%s: '%s' is not an integer in 1..%d", key, value,
                            fps ? 1000 : 100000);
        *(fps ? &opt->fps : &opt->num_frames) = (int)v;
        return P3D_OK;
    }
    if (!strcmp(key, "anti_flickering")) {
        int on = !strcasecmp(value, "true") || !strcmp(value, "1");
        if (!on && strcasecmp(value, "false") && strcmp(value, "0"))
            return p3d_fail(ctx, P3D_E_USAGE, "%s: '%s' is not true or false", key, value);
        opt->supersample = on ? P3D_SUPERSAMPLE_DEFAULT : 1;
        return P3D_OK;
    }
    if (!strcmp(key, "crop_border")) {
        char buf[512], *items[MAX_ITEMS];
        double c[4];
        int n = split_list(value, buf, items), ok = n == 4;
        for (int i = 0; ok && i < 4; i++)
            ok = parse_double(items[i], &c[i]) && c[i] >= 0 && c[i] < 0.45;
        if (!ok)
            return p3d_fail(ctx, P3D_E_USAGE,
                            "%s: '%s' is not four fractions [top, left, bottom, right] below 0.45",
                            key, value);
        memcpy(opt->crop_border, c, sizeof c);
        return P3D_OK;
    }
    if (!strcmp(key, "x_shift_range") || !strcmp(key, "y_shift_range") ||
        !strcmp(key, "z_shift_range") || !strcmp(key, "traj_types") || !strcmp(key, "video_postfix"))
        return set_list(ctx, opt, key, value);
    return p3d_fail(ctx, P3D_E_USAGE,
                    "unknown video option '%s' (fps, num_frames, x_shift_range, y_shift_range, "
                    "z_shift_range, traj_types, video_postfix, crop_border, anti_flickering)", key);
}
