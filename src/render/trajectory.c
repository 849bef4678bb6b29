/* Camera trajectories of the reference (utils.py: path_planning, ALGORITHM.md
 * 9) and user path files. The quadratic interpolation the reference runs
 * through three collinear corner points is exactly linear, so it is written
 * as such. */
#include "photo3d/render.h"
#include "render/raster.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_POSES 100000

void p3d_trajectory(p3d_traj_type type, const double shift[3], int nframes, p3d_pose *poses)
{
    for (int k = 0; k < nframes; k++) {
        /* numpy linspace(0, 1, N) */
        double t = nframes > 1 ? (k == nframes - 1 ? 1.0 : k * (1.0 / (nframes - 1))) : 0.0;
        double *p = poses[k].t;
        poses[k].fov = 0;
        switch (type) {
        case P3D_TRAJ_DOUBLE_STRAIGHT_LINE:
            for (int i = 0; i < 3; i++)
                p[i] = -shift[i] + 2.0 * shift[i] * t;
            break;
        case P3D_TRAJ_STRAIGHT_LINE:
            for (int i = 0; i < 3; i++)
                p[i] = shift[i] * t;
            break;
        case P3D_TRAJ_CIRCLE: {
            double theta = -2.0 + k * (4.0 / nframes); /* numpy arange(-2, 2, 4/N) */
            p[0] = cos(theta * P3D_PI) * shift[0];
            p[1] = sin(theta * P3D_PI) * shift[1];
            p[2] = cos(theta * P3D_PI / 2.0) * shift[2];
            break;
        }
        }
    }
}

int p3d_traj_type_from_name(const char *name)
{
    if (strcmp(name, "double-straight-line") == 0)
        return P3D_TRAJ_DOUBLE_STRAIGHT_LINE;
    if (strcmp(name, "circle") == 0)
        return P3D_TRAJ_CIRCLE;
    if (strcmp(name, "straight-line") == 0)
        return P3D_TRAJ_STRAIGHT_LINE;
    return -1;
}

/* Parses one non-comment line into a pose; returns 0 when malformed. */
static int parse_pose(const char *line, p3d_pose *pose)
{
    double v[4];
    int n = 0;
    const char *s = line;
    char *end;
    while (n < 5) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        if (!*s || *s == '\n' || *s == '\r')
            break;
        if (n == 4)
            return 0;
        v[n] = strtod(s, &end);
        if (end == s || !isfinite(v[n]))
            return 0;
        s = end;
        n++;
    }
    if (n != 3 && n != 4)
        return 0;
    memcpy(pose->t, v, sizeof pose->t);
    pose->fov = n == 4 ? v[3] * P3D_PI / 180.0 : 0.0;
    return n == 3 || (v[3] > 0 && v[3] < 180);
}

int p3d_trajectory_load(p3d_ctx *ctx, const char *path, p3d_pose **poses, int *nposes)
{
    *poses = NULL;
    *nposes = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open: %s", path, strerror(errno));
    char line[512];
    int n = 0, cap = 0, lineno = 0, rc = P3D_OK;
    p3d_pose *list = NULL;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        const char *s = line + strspn(line, " \t");
        if (*s == '#' || *s == '\n' || *s == '\r' || !*s)
            continue;
        if (n == PATH_MAX_POSES) {
            rc = p3d_fail(ctx, P3D_E_LIMIT, "%s: more than %d poses", path, PATH_MAX_POSES);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            p3d_pose *grown = realloc(list, sizeof *list * cap);
            if (!grown) {
                rc = p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
                break;
            }
            list = grown;
        }
        if (!parse_pose(s, &list[n])) {
            rc = p3d_fail(ctx, P3D_E_INPUT,
                          "%s:%d: expected \"tx ty tz\" or \"tx ty tz fov_degrees\" (0 < fov < 180)",
                          path, lineno);
            break;
        }
        n++;
    }
    fclose(fp);
    if (!rc && n == 0)
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: no poses in the path file", path);
    if (rc) {
        free(list);
        return rc;
    }
    *poses = list;
    *nposes = n;
    return P3D_OK;
}
