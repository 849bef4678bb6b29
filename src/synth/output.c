/* Writes a synthetic scene's files: the source view (image.png, depth.npy,
 * disparity.pfm), one ground-truth view per camera pose (view_K.png,
 * view_K_depth.npy, view_K_hidden.png: what the source does not see) and
 * scene.json. Every pose is validated before the first
 * file is written; every file is written atomically. */
#include "photo3d/synth.h"
#include "scene_json.h"
#include "photo3d/io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p: creates dir and its missing parents. */
static int make_dirs(p3d_ctx *ctx, const char *dir)
{
    char path[4096];
    if (!dir[0])
        return p3d_fail(ctx, P3D_E_USAGE, "the output directory name is empty");
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: path too long", dir);
    for (char *p = path + 1;; p++) {
        char saved = *p;
        if (saved != '/' && saved != 0)
            continue;
        *p = 0;
        struct stat st;
        if (stat(path, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return p3d_fail(ctx, P3D_E_IO, "%s: cannot create directory: a file is in the way", path);
        } else if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            return p3d_fail(ctx, P3D_E_IO, "%s: cannot create directory: %s", path, strerror(errno));
        }
        *p = saved;
        if (saved == 0)
            return P3D_OK;
    }
}

static int join(p3d_ctx *ctx, char *out, size_t size, const char *dir, const char *name)
{
    if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: path too long", dir);
    return P3D_OK;
}

/* Renders the view from `centre` and writes its colour and depth (and, for the source, disparity). */
static int write_view(p3d_ctx *ctx, const p3d_synth_scene *s, const char *dir, const double centre[3],
                      const char *image_name, const char *depth_name, const char *disparity_name)
{
    p3d_image rgb;
    p3d_map depth;
    char path[4096];
    int rc = p3d_synth_render(ctx, s, centre, &rgb, &depth);
    if (rc)
        return rc;
    if (!(rc = join(ctx, path, sizeof path, dir, image_name)))
        rc = p3d_image_save_png(ctx, path, &rgb);
    if (!rc && !(rc = join(ctx, path, sizeof path, dir, depth_name)))
        rc = p3d_map_save_npy(ctx, path, &depth);
    if (!rc && disparity_name && !(rc = join(ctx, path, sizeof path, dir, disparity_name))) {
        /* Middlebury marks "no surface" with inf; the closed room never leaves one. */
        for (size_t k = 0; k < (size_t)depth.width * depth.height; k++)
            depth.data[k] = isfinite(depth.data[k]) ? 1.0f / depth.data[k] : INFINITY;
        rc = p3d_map_save_pfm(ctx, path, &depth);
    }
    p3d_image_free(&rgb);
    p3d_map_free(&depth);
    return rc;
}

static int write_visibility(p3d_ctx *ctx, const p3d_synth_scene *s, const char *dir,
                            const double centre[3], const char *mask_name)
{
    p3d_image mask;
    char path[4096];
    int rc = p3d_synth_visibility(ctx, s, centre, &mask);
    if (rc)
        return rc;
    if (!(rc = join(ctx, path, sizeof path, dir, mask_name)))
        rc = p3d_image_save_png(ctx, path, &mask);
    p3d_image_free(&mask);
    return rc;
}

int p3d_synth_write(p3d_ctx *ctx, const p3d_synth_scene *s, const char *dir,
                    const double (*poses)[3], int npose)
{
    static const double origin[3] = {0, 0, 0};
    int rc;
    for (int k = 0; k < npose; k++)
        if ((rc = p3d_synth_pose_check(ctx, s, poses[k]))) {
            p3d_error_prefix(ctx, "pose %d", k + 1);
            return rc;
        }
    if ((rc = make_dirs(ctx, dir)))
        return rc;
    p3d_report(ctx, "synth: rendering views", 0, npose + 1);
    if ((rc = write_view(ctx, s, dir, origin, "image.png", "depth.npy", "disparity.pfm")))
        return rc;
    for (int k = 0; k < npose; k++) {
        p3d_report(ctx, "synth: rendering views", k + 1, npose + 1);
        char image_name[64], depth_name[64], mask_name[64];
        snprintf(image_name, sizeof image_name, "view_%d.png", k + 1);
        snprintf(depth_name, sizeof depth_name, "view_%d_depth.npy", k + 1);
        snprintf(mask_name, sizeof mask_name, "view_%d_hidden.png", k + 1);
        if ((rc = write_view(ctx, s, dir, poses[k], image_name, depth_name, NULL)) ||
            (rc = write_visibility(ctx, s, dir, poses[k], mask_name)))
            return rc;
    }
    p3d_report(ctx, "synth: rendering views", npose + 1, npose + 1);
    char path[4096];
    if ((rc = join(ctx, path, sizeof path, dir, "scene.json")))
        return rc;
    return synth_write_json(ctx, path, s, poses, npose);
}
