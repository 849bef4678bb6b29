/* Ground-truth rendering of the synthetic scene: one analytic ray per
 * sub-pixel, 3x3 sub-pixels per pixel averaged for the colour, the
 * pixel-centre ray for the depth. Pixel rays follow photo3d's camera
 * (ALGORITHM.md 2.6, 8): through (j + 0.5 - cx) / f, (i + 0.5 - cy) / f.
 * Shading is Lambertian with cast shadows from one directional light, so a
 * surface point has the same colour in every view. */
#include "photo3d/synth.h"
#include "raycast.h"
#include "texture.h"

#include <math.h>

#define SUBSAMPLES 3
/* Shadow rays start this far off the surface to avoid hitting it again. */
#define SHADOW_OFFSET 1e-7

/* Colour seen along the ray o + t d; its depth (t, since d has z = 1) in *t_out. */
static void trace(const p3d_synth_scene *s, const synth_prim *prims, const double o[3],
                  const double d[3], double rgb[3], double *t_out)
{
    synth_hit hit;
    if (!synth_ray_cast(prims, s->nobjects, o, d, 0, INFINITY, &hit)) {
        rgb[0] = rgb[1] = rgb[2] = 0;
        *t_out = INFINITY;
        return;
    }
    *t_out = hit.t;
    const p3d_synth_object *ob = &s->objects[hit.object];
    synth_texture_color(&ob->texture, hit.u, hit.v, hit.local, rgb);
    const double *n = hit.normal, *l = s->light_dir;
    double lambert = n[0] * l[0] + n[1] * l[1] + n[2] * l[2];
    if (lambert > 0) {
        double p[3];
        for (int k = 0; k < 3; k++)
            p[k] = o[k] + hit.t * d[k] + SHADOW_OFFSET * n[k];
        synth_hit blocker;
        if (synth_ray_cast(prims, s->nobjects, p, l, 0, INFINITY, &blocker))
            lambert = 0;
    }
    double shade = s->ambient + (1 - s->ambient) * fmax(lambert, 0);
    for (int k = 0; k < 3; k++)
        rgb[k] *= shade;
}

int p3d_synth_render(p3d_ctx *ctx, const p3d_synth_scene *s, const double centre[3],
                     p3d_image *rgb, p3d_map *depth)
{
    int rc = p3d_synth_pose_check(ctx, s, centre);
    if (rc)
        return rc;
    if ((rc = p3d_image_alloc(ctx, rgb, s->width, s->height, 3)))
        return rc;
    if ((rc = p3d_map_alloc(ctx, depth, s->width, s->height))) {
        p3d_image_free(rgb);
        return rc;
    }
    synth_prim prims[P3D_SYNTH_MAX_OBJECTS];
    synth_prepare(s, prims);
    const p3d_camera *cam = &s->camera;
    const int w = s->width, h = s->height;
#pragma omp parallel for schedule(dynamic, 4) num_threads(ctx->threads)
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            double sum[3] = {0, 0, 0};
            for (int si = 0; si < SUBSAMPLES; si++)
                for (int sj = 0; sj < SUBSAMPLES; sj++) {
                    double d[3] = {(j + (sj + 0.5) / SUBSAMPLES - cam->cx) / cam->fx,
                                   (i + (si + 0.5) / SUBSAMPLES - cam->cy) / cam->fy, 1};
                    double c[3], t;
                    trace(s, prims, centre, d, c, &t);
                    for (int k = 0; k < 3; k++)
                        sum[k] += c[k];
                    if (2 * si + 1 == SUBSAMPLES && 2 * sj + 1 == SUBSAMPLES)
                        depth->data[(size_t)i * w + j] = (float)t;
                }
            uint8_t *px = rgb->data + ((size_t)i * w + j) * 3;
            for (int k = 0; k < 3; k++) {
                double v = sum[k] / (SUBSAMPLES * SUBSAMPLES);
                px[k] = (uint8_t)lround(fmin(fmax(v, 0), 1) * 255);
            }
        }
    return P3D_OK;
}
