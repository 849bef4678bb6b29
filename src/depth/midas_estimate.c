/* Depth estimation of a photo with MiDaS v1 (ALGORITHM.md 7; reference
 * MiDaS/run.py run_depth): input preparation, the MonoDepthNet forward pass,
 * output post-processing. */
#include "photo3d/midas.h"

int p3d_midas_estimate(p3d_ctx *ctx, const p3d_image *photo, const char *weights_path,
                       p3d_map *disparity)
{
    /* The forward pass runs on the src/nn inference engine, which this
     * build does not have yet. */
    return p3d_fail(ctx, P3D_E_INTERNAL,
                    "%s: the MiDaS network is not available in this build yet; give a depth map",
                    weights_path);
}
