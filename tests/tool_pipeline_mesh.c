/* Builds the 3D photo mesh of a photo + disparity map with photo3d's
 * pipeline (p3d_photo3d_build, classical inpainting backend) and writes it
 * as binary PLY; prints mean_loc_depth (the depth at the image centre,
 * ALGORITHM.md 2.4) for the dolly zoom. Used by bench/render.sh.
 * Usage: tool_pipeline_mesh PHOTO DEPTH OUT.ply */
#include "inpaint/classical.h"
#include "photo3d.h"
#include "photo3d/pipeline.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tool_pipeline_mesh PHOTO DEPTH OUT.ply\n");
        return 2;
    }
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.threads = 2;
    p3d_image raw, photo;
    p3d_map map, depth;
    p3d_pipeline_options opt;
    p3d_pipeline_defaults(&opt);
    p3d_inpaint_backend backend;
    p3d_mesh mesh;
    int rc = p3d_image_load(&ctx, argv[1], &raw);
    if (!rc)
        rc = p3d_map_load(&ctx, argv[2], &map);
    if (!rc)
        rc = p3d_photo3d_inputs(&ctx, &raw, &map, P3D_DEPTH_KIND_DISPARITY, &opt, &photo, &depth);
    if (!rc)
        rc = p3d_inpaint_classical_create(&ctx, &backend);
    if (!rc)
        rc = p3d_photo3d_build(&ctx, &photo, &depth, raw.width, raw.height, &opt, &backend, &mesh,
                               NULL);
    if (!rc)
        rc = p3d_mesh_save_ply(&ctx, argv[3], &mesh, 0);
    if (rc) {
        fprintf(stderr, "tool_pipeline_mesh: %s\n", p3d_errmsg(&ctx));
        return 1;
    }
    printf("%.9g\n", depth.data[(size_t)(depth.height / 2) * depth.width + depth.width / 2]);
    return 0;
}
