/* How a metric or stereo input maps onto photo3d's camera (docs/EVAL.md).
 * The camera is the reference's (ALGORITHM.md 2.6): focal length
 * f = max(W, H). A stereo disparity d (pixels) for a baseline B is the depth
 * Z = f B / d; we take B as the unit of length, so a target camera k
 * baselines away sits at centre (k, 0, 0) and a pixel moves by k d. The
 * reference normalises disparity so that its maximum is 3.0 (ALGORITHM.md
 * 2.4) and its depth_threshold (0.04) is meant for that range; scaling the
 * scene (Z' = s Z, centre' = s centre) keeps every image exactly, so we
 * pick s to make max 1/Z' = 3. Unknown depths are filled from their
 * background side. */
#include "photo3d/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int p3d_eval_metric_depth(p3d_ctx *ctx, const p3d_map *raw, p3d_eval_input_kind kind,
                          double disparity_scale, double focal, p3d_map *z)
{
    if (kind == P3D_EVAL_INPUT_DISPARITY && !(disparity_scale > 0 && focal > 0))
        return p3d_fail(ctx, P3D_E_USAGE, "disparity scale %g and focal length %g must be positive",
                        disparity_scale, focal);
    int rc = p3d_map_alloc(ctx, z, raw->width, raw->height);
    if (rc)
        return rc;
    size_t n = (size_t)raw->width * raw->height, known = 0;
    for (size_t i = 0; i < n; i++) {
        double v = raw->data[i];
        double d = !(isfinite(v) && v > 0) ? 0 : kind == P3D_EVAL_INPUT_DEPTH ? v : focal / (v * disparity_scale);
        z->data[i] = isfinite(d) && d > 0 ? (float)d : 0.0f;
        known += z->data[i] > 0;
    }
    if (!known) {
        p3d_map_free(z);
        return p3d_fail(ctx, P3D_E_INPUT, "depth map has no known value (all 0, negative or not finite)");
    }
    return P3D_OK;
}

double p3d_eval_scene_scale(const p3d_map *z)
{
    size_t n = (size_t)z->width * z->height;
    double zmin = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (z->data[i] > 0 && z->data[i] < zmin)
            zmin = z->data[i];
    return isfinite(zmin) ? 1.0 / (3.0 * zmin) : 1.0;
}

int p3d_eval_fill_unknown(p3d_ctx *ctx, p3d_map *z)
{
    int w = z->width, h = z->height;
    size_t n = (size_t)w * h;
    float *next = malloc(sizeof(float) * (n ? n : 1));
    if (!next)
        return p3d_fail(ctx, P3D_E_NOMEM, "depth fill: out of memory for %dx%d", w, h);
    for (int changed = 1; changed;) {
        changed = 0;
        memcpy(next, z->data, sizeof(float) * n);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                size_t i = (size_t)y * w + x;
                if (z->data[i] > 0)
                    continue;
                float far = 0;
                if (x > 0 && z->data[i - 1] > far)
                    far = z->data[i - 1];
                if (x + 1 < w && z->data[i + 1] > far)
                    far = z->data[i + 1];
                if (y > 0 && z->data[i - w] > far)
                    far = z->data[i - w];
                if (y + 1 < h && z->data[i + w] > far)
                    far = z->data[i + w];
                if (far > 0)
                    next[i] = far, changed = 1;
            }
        memcpy(z->data, next, sizeof(float) * n);
    }
    free(next);
    return P3D_OK;
}
