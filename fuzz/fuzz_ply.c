/* libFuzzer target for the PLY reader (src/mesh/ply_read.c): any byte string
 * must load or fail cleanly, never crash or read out of bounds. A mesh that
 * loads also goes through the renderer's simplification
 * (src/render/raster_lod.c), which trusts nothing in it but its indices. */
#include "photo3d/mesh.h"
#include "render/raster.h"

#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_ply.%d.ply", (int)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_mesh mesh;
    if (p3d_mesh_load_ply(&ctx, path, &mesh) == P3D_OK) {
        raster_lod lod;
        raster_lod_bound bound = {0.5, 1000, {0.05, 0.05, 0.05}};
        if (raster_lod_build(&ctx, &mesh, &bound, &lod) == P3D_OK)
            raster_lod_free(&lod);
        p3d_mesh_free(&mesh);
    }
    unlink(path);
    return 0;
}
