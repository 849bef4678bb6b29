/* Ground truth for disocclusions: which pixels of a view show a surface
 * point that the source camera (at the origin) does not see. Decided
 * exactly by casting the segment from the source centre to the point,
 * rather than by comparing depth maps with a tolerance. */
#include "photo3d/synth.h"
#include "raycast.h"

#include <math.h>

/* The segment to the point stops this fraction short, so the point's own surface is not a blocker. */
#define SEGMENT_END (1 - 1e-9)

int p3d_synth_visibility(p3d_ctx *ctx, const p3d_synth_scene *s, const double centre[3], p3d_image *mask)
{
    int rc = p3d_synth_pose_check(ctx, s, centre);
    if (rc || (rc = p3d_image_alloc(ctx, mask, s->width, s->height, 1)))
        return rc;
    synth_prim prims[P3D_SYNTH_MAX_OBJECTS];
    synth_prepare(s, prims);
    const p3d_camera *cam = &s->camera;
    const int w = s->width, h = s->height;
    static const double origin[3] = {0, 0, 0};
#pragma omp parallel for schedule(dynamic, 8) num_threads(ctx->threads)
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            double d[3] = {(j + 0.5 - cam->cx) / cam->fx, (i + 0.5 - cam->cy) / cam->fy, 1};
            synth_hit hit, blocker;
            uint8_t *m = &mask->data[(size_t)i * w + j];
            if (!synth_ray_cast(prims, s->nobjects, centre, d, 0, INFINITY, &hit)) {
                *m = P3D_SYNTH_OUTSIDE_SOURCE;
                continue;
            }
            double p[3] = {centre[0] + hit.t * d[0], centre[1] + hit.t * d[1], centre[2] + hit.t * d[2]};
            double u = cam->cx + cam->fx * p[0] / p[2], v = cam->cy + cam->fy * p[1] / p[2];
            if (p[2] <= 0 || u < 0 || u >= w || v < 0 || v >= h)
                *m = P3D_SYNTH_OUTSIDE_SOURCE;
            else if (synth_ray_cast(prims, s->nobjects, origin, p, 0, SEGMENT_END, &blocker))
                *m = P3D_SYNTH_HIDDEN_IN_SOURCE;
            else
                *m = P3D_SYNTH_SEEN_IN_SOURCE;
        }
    return P3D_OK;
}
