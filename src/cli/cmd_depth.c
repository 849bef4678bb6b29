/* photo3d depth: a disparity map for a photo from the MiDaS v1 network, saved
 * as the reference saves it (ALGORITHM.md 7): float32 .npy and/or a 16-bit
 * min-max scaled .png, longer side 640. */
#include "cli.h"
#include "photo3d/midas.h"
#include "photo3d/models.h"

#include <stdio.h>
#include <string.h>

static const cli_opt depth_opts[] = {
    {"out", "FILE", "output: FILE.npy (float32 disparity, larger = nearer) or FILE.png (16-bit, min-max scaled)", 1, 'o'},
    {"weights", "FILE", "MiDaS v1 checkpoint (default: model.pt in the model directory, see 'photo3d models')", 0},
    {0},
};

static const cli_spec depth_spec = {
    "depth", "IMAGE --out FILE.npy|FILE.png",
    "Estimates relative inverse depth (disparity) for a photo with MiDaS v1, as the reference\n"
    "does when no depth map is given: the map's longer side is 640 pixels. Needs the weights\n"
    "model.pt ('photo3d models fetch model.pt').",
    depth_opts, 1, 1,
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

int cmd_depth(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&depth_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    int n_out = cli_count(&a, "out");
    if (n_out == 0) {
        cli_error("depth", "no output: give --out FILE.npy or --out FILE.png");
        return 2;
    }
    for (int i = 0; i < n_out; i++) {
        const char *out = cli_get_nth(&a, "out", i);
        if (!has_suffix(out, ".npy") && !has_suffix(out, ".png")) {
            cli_error("depth", "--out %s: the name must end in .npy or .png", out);
            return 2;
        }
    }
    p3d_ctx ctx;
    cli_ctx(&a, &ctx);
    char weights[P3D_MODEL_PATH_MAX + P3D_MODEL_NAME_MAX];
    const char *given = cli_get(&a, "weights");
    if (given)
        snprintf(weights, sizeof weights, "%s", given);
    else if (p3d_models_find(&ctx, P3D_MIDAS_WEIGHTS, weights, sizeof weights))
        return cli_fail("depth", &ctx);
    p3d_image photo = {0};
    p3d_map disparity = {0};
    int st = p3d_image_load(&ctx, a.pos[0], &photo);
    if (!st)
        st = p3d_midas_estimate(&ctx, &photo, weights, &disparity);
    for (int i = 0; i < n_out && !st; i++) {
        const char *out = cli_get_nth(&a, "out", i);
        st = has_suffix(out, ".npy") ? p3d_map_save_npy(&ctx, out, &disparity)
                                     : p3d_map_save_png16(&ctx, out, &disparity);
    }
    p3d_image_free(&photo);
    p3d_map_free(&disparity);
    return st ? cli_fail("depth", &ctx) : 0;
}
