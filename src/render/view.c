/* One view of a mesh at a given pinhole camera (render.h: p3d_render_view),
 * drawn by the video rasterizer (raster.c, ALGORITHM.md 9). The rasterizer
 * projects onto a square canvas with its principal point at the centre; a
 * general camera (fx, fy, cx, cy) is the same projection of the sheared
 * vertices X' = (fx X + (cx - S/2) Z) / F, Y' likewise, Z' = Z (F = the
 * canvas focal length). The shear is linear in camera space, so triangles
 * stay triangles, 1/Z and the perspective-correct colours are unchanged, and
 * the top-left width x height of the canvas is the requested view exactly. */
#include "photo3d/render.h"
#include "render/raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_FOV (P3D_PI / 2) /* canvas fov: any value works, F = S/2 for 90 degrees */

int p3d_render_view(p3d_ctx *ctx, const p3d_mesh *mesh, const p3d_camera *cam,
                    const double center[3], p3d_image *rgb, p3d_map *depth)
{
    memset(rgb, 0, sizeof *rgb);
    if (depth)
        memset(depth, 0, sizeof *depth);
    if (cam->width < 1 || cam->height < 1 || !(cam->fx > 0) || !(cam->fy > 0) ||
        !isfinite(cam->cx) || !isfinite(cam->cy))
        return p3d_fail(ctx, P3D_E_USAGE, "render view: bad camera %dx%d f=(%g, %g)", cam->width,
                        cam->height, cam->fx, cam->fy);
    int size = cam->width > cam->height ? cam->width : cam->height;
    double half = size / 2.0, focal = half / tan(VIEW_FOV / 2);
    p3d_mesh sheared = *mesh;
    sheared.xyz = malloc(sizeof(float) * 3 * (size_t)(mesh->nverts ? mesh->nverts : 1));
    if (!sheared.xyz)
        return p3d_fail(ctx, P3D_E_NOMEM, "render view: out of memory for %ld vertices",
                        mesh->nverts);
    double ax = cam->fx / focal, bx = (cam->cx - half) / focal;
    double ay = cam->fy / focal, by = (cam->cy - half) / focal;
    for (long i = 0; i < mesh->nverts; i++) {
        const float *p = mesh->xyz + 3 * i;
        double x = p[0] - center[0], y = p[1] - center[1], z = p[2] - center[2];
        float *q = sheared.xyz + 3 * i;
        q[0] = (float)(ax * x + bx * z);
        q[1] = (float)(ay * y + by * z);
        q[2] = (float)z;
    }
    raster_canvas cv;
    const double origin[3] = {0, 0, 0};
    int rc = raster_canvas_alloc(ctx, &cv, size);
    raster_rect shown = {0, 0, cam->width, cam->height}; /* the rest of the square is not read */
    if (!rc)
        rc = raster_draw(ctx, &sheared, origin, VIEW_FOV, &shown, &cv);
    free(sheared.xyz);
    if (!rc)
        rc = p3d_image_alloc(ctx, rgb, cam->width, cam->height, 3);
    if (!rc && depth)
        rc = p3d_map_alloc(ctx, depth, cam->width, cam->height);
    if (!rc)
        for (int y = 0; y < cam->height; y++)
            for (int x = 0; x < cam->width; x++) {
                size_t c = (size_t)y * size + x, o = (size_t)y * cam->width + x;
                float inv_z = cv.inv_depth[(size_t)y * cv.zstride + x];
                for (int ch = 0; ch < 3; ch++)
                    rgb->data[3 * o + ch] = (uint8_t)(cv.rgbx[c] >> 8 * ch);
                if (depth)
                    depth->data[o] = inv_z > 0 ? 1.0f / inv_z : 0.0f;
            }
    raster_canvas_free(&cv);
    if (rc) {
        p3d_image_free(rgb);
        if (depth)
            p3d_map_free(depth);
    }
    return rc;
}
