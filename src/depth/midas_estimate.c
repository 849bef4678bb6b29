/* Depth estimation of a photo with MiDaS v1 (ALGORITHM.md 7; reference
 * MiDaS/run.py run_depth): input preparation, the MonoDepthNet forward pass
 * (src/nn/net_midas.c), output post-processing. */
#include "photo3d/midas.h"

#include "nn/networks.h"

int p3d_midas_estimate(p3d_ctx *ctx, const p3d_image *photo, const char *weights_path,
                       p3d_map *disparity)
{
    p3d_array input = {0};
    p3d_map raw = {0};
    p3d_net *net = NULL;
    int st = p3d_midas_preprocess(ctx, photo, &input);
    if (!st)
        st = p3d_net_load(ctx, P3D_NET_MIDAS, weights_path, &net);
    int w = (int)input.shape[3], h = (int)input.shape[2];
    if (!st)
        st = p3d_map_alloc(ctx, &raw, w, h);
    if (!st) {
        p3d_report(ctx, "depth network", 0, 1);
        st = p3d_net_forward(ctx, net, h, w, input.data, raw.data);
        p3d_report(ctx, "depth network", 1, 1);
    }
    if (!st)
        st = p3d_midas_postprocess(ctx, &raw, photo->width, photo->height, disparity);
    p3d_net_free(net);
    p3d_map_free(&raw);
    p3d_array_free(&input);
    return st;
}
