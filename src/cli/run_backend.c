/* Chooses the inpainting backend of photo3d run: classical (no weights),
 * neural (the paper's three networks, from the model directory or
 * --weights-dir), auto (neural when its three checkpoints are installed),
 * or the diffusion baseline. */
#include "cli.h"
#include "inpaint/baselines.h"
#include "inpaint/classical.h"
#include "inpaint/neural.h"
#include "photo3d/models.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const neural_files[3] = {"edge-model.pth", "depth-model.pth", "color-model.pth"};

/* Paths of the three checkpoints; 1 when all exist. */
static int neural_paths(p3d_ctx *ctx, const char *weights_dir, char paths[3][4096])
{
    int found = 1;
    for (int i = 0; i < 3; i++) {
        if (weights_dir) {
            snprintf(paths[i], sizeof paths[i], "%s/%s", weights_dir, neural_files[i]);
            if (access(paths[i], R_OK) != 0 && found) {
                found = 0;
                p3d_fail(ctx, P3D_E_INPUT, "%s: not found (--weights-dir holds the three "
                         "checkpoints edge-model.pth, depth-model.pth, color-model.pth)", paths[i]);
            }
        } else if (p3d_models_find(ctx, neural_files[i], paths[i], sizeof paths[i])) {
            found = 0;
        }
    }
    return found;
}

int run_backend_create(p3d_ctx *ctx, const char *name, const char *weights_dir,
                       p3d_inpaint_backend *out)
{
    if (!name)
        name = "auto";
    if (!strcmp(name, "classical"))
        return p3d_inpaint_classical_create(ctx, out);
    if (!strcmp(name, "diffusion"))
        return p3d_inpaint_diffusion_create(ctx, out);
    if (strcmp(name, "neural") && strcmp(name, "auto"))
        return p3d_fail(ctx, P3D_E_USAGE, "--inpaint '%s': expected auto, neural, classical or diffusion",
                        name);
    char paths[3][4096];
    if (!neural_paths(ctx, weights_dir, paths)) {
        if (!strcmp(name, "neural"))
            return ctx->status;
        p3d_clear_error(ctx);
        return p3d_inpaint_classical_create(ctx, out);
    }
    return p3d_inpaint_neural_create(ctx, paths[0], paths[1], paths[2], out);
}
