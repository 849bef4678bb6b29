/* Test tool: applies the sparse bilateral median filter with the default
 * options to a depth .npy (tests/test_depth_filter_parity.py).
 * Usage: tool_depth_filter IN.npy OUT.npy */
#include "depth/depth_filter.h"
#include "photo3d/io.h"
#include "photo3d/pipeline.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: tool_depth_filter IN.npy OUT.npy\n");
        return 2;
    }
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_pipeline_options o;
    p3d_pipeline_defaults(&o);
    p3d_map m;
    int rc = p3d_map_load(&ctx, argv[1], &m);
    if (!rc)
        rc = p3d_depth_bilateral_median(&ctx, &m, o.depth_threshold, o.filter_size, o.sparse_iter);
    if (!rc)
        rc = p3d_map_save_npy(&ctx, argv[2], &m);
    if (rc)
        fprintf(stderr, "tool_depth_filter: %s\n", p3d_errmsg(&ctx));
    p3d_map_free(&m);
    return rc ? 1 : 0;
}
