/* Photo and depth map to the pipeline's working-size inputs, as the
 * reference's main.py prepares them (ALGORITHM.md 2.3, 2.4). */
#include "photo3d/io.h"
#include "photo3d/pipeline.h"

#include <string.h>

int p3d_photo3d_inputs(p3d_ctx *ctx, const p3d_image *raw_photo, const p3d_map *raw_map,
                       int depth_kind, const p3d_pipeline_options *o, p3d_image *photo, p3d_map *depth)
{
    int longer_side_len = o->longer_side_len;
    memset(photo, 0, sizeof *photo);
    memset(depth, 0, sizeof *depth);
    if (longer_side_len < 1)
        return p3d_fail(ctx, P3D_E_USAGE, "longer_side_len %d: must be positive", longer_side_len);
    int w, h;
    p3d_working_size(raw_map->width, raw_map->height, longer_side_len, &w, &h);
    if (w < 1 || h < 1)
        return p3d_fail(ctx, P3D_E_INPUT, "depth map %dx%d: working size %dx%d is empty",
                        raw_map->width, raw_map->height, w, h);
    int rc = p3d_image_resize(ctx, raw_photo, w, h, P3D_RESIZE_AREA, photo);
    if (!rc) {
        photo->gray = raw_photo->gray;
        rc = p3d_depth_from_map_sharp(ctx, raw_map, (p3d_depth_kind)depth_kind, w, h, o->depth_threshold,
                                      o->filter_min_ramp, depth, NULL);
    }
    if (rc) {
        p3d_image_free(photo);
        p3d_map_free(depth);
    }
    return rc;
}
