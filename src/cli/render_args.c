/* The video options shared by photo3d render and photo3d run (CLI_VIDEO_OPTS
 * in cli.h) and their parsing into p3d_render_options. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

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

int cli_render_options(const cli_args *a, p3d_render_options *opt, double *center_depth)
{
    long frames = opt->num_frames, fps = opt->fps, crf = opt->crf, ss = opt->supersample;
    if (!cli_get_int(a, "frames", 1, 100000, &frames) || !cli_get_int(a, "fps", 1, 1000, &fps) ||
        !cli_get_int(a, "crf", 0, 63, &crf) || !cli_get_int(a, "supersample", 1, 7, &ss) ||
        !cli_get_double(a, "center-depth", center_depth) || !cli_get_double(a, "simplify", &opt->simplify))
        return 0;
    if (!(opt->simplify >= 0 && opt->simplify <= 10)) {
        cli_error(a->spec->command, "--simplify: %g is not a distance in pixels from 0 to 10", opt->simplify);
        return 0;
    }
    opt->num_frames = (int)frames;
    opt->fps = (int)fps;
    opt->crf = (int)crf;
    opt->supersample = (int)ss;
    const char *fmt = cli_get(a, "format");
    if (fmt && !parse_format(fmt, &opt->format)) {
        cli_error(a->spec->command, "--format: '%s' is not mp4, webm, gif or png", fmt);
        return 0;
    }
    const char *crop = cli_get(a, "crop-border");
    if (crop) {
        double c[4];
        char tail;
        if (sscanf(crop, "%lf,%lf,%lf,%lf%c", &c[0], &c[1], &c[2], &c[3], &tail) != 4 ||
            c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0 || c[0] + c[2] >= 0.9 || c[1] + c[3] >= 0.9) {
            cli_error(a->spec->command, "--crop-border: '%s' is not four fractions T,L,B,R (each pair below 0.9)", crop);
            return 0;
        }
        memcpy(opt->crop_border, c, sizeof c);
    }
    return 1;
}

