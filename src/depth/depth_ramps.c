/* How much of a depth map's discontinuity is ramp: the measure that decides
 * whether the bilateral median filter has work to do (depth_filter.h). */
#include "depth/depth_filter.h"

#include <math.h>
#include <stddef.h>

/* The steps along one axis between q and its neighbours a and b: 1 if either
 * is larger than t; 2 more if both are, q lies between a and b, and a and b
 * are more than RAMP_JUMP thresholds apart: a sample inside a smeared jump,
 * not on a steep slope (Middlebury teddy's floor steps by about t per
 * pixel). */
#define RAMP_JUMP 4
static int steps(double a, double q, double b, double t)
{
    int big_a = fabs(q - a) > t, big_b = fabs(q - b) > t;
    int between = (a < q && q < b) || (b < q && q < a);
    return (big_a || big_b) | (big_a && big_b && between && fabs(b - a) > RAMP_JUMP * t) << 1;
}

/* The ramp share of v (w x h): disparities, or depths (inverse) whose
 * inverses are. */
static double ramp_share(const float *v, int w, int h, int inverse, double threshold, long *discontinuities)
{
    long edge = 0, ramp = 0;
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            size_t i = (size_t)y * w + x;
            double q = inverse ? 1.0 / v[i] : v[i];
            double l = inverse ? 1.0 / v[i - 1] : v[i - 1], r = inverse ? 1.0 / v[i + 1] : v[i + 1];
            double u = inverse ? 1.0 / v[i - w] : v[i - w], d = inverse ? 1.0 / v[i + w] : v[i + w];
            int s = steps(l, q, r, threshold) | steps(u, q, d, threshold);
            edge += s & 1;
            ramp += s >> 1 & 1;
        }
    if (discontinuities)
        *discontinuities = edge;
    return edge ? (double)ramp / (double)edge : 0.0;
}

double p3d_depth_ramp_fraction(const p3d_map *depth, double threshold, long *discontinuities)
{
    return ramp_share(depth->data, depth->width, depth->height, 1, threshold, discontinuities);
}

double p3d_disparity_ramp_fraction(const float *disparity, int width, int height, double threshold,
                                   long *discontinuities)
{
    return ramp_share(disparity, width, height, 0, threshold, discontinuities);
}

int p3d_depth_preprocess(p3d_ctx *ctx, p3d_map *depth, const p3d_pipeline_options *o, int *filtered)
{
    int run = o->filter_min_ramp <= 0 ||
              p3d_depth_ramp_fraction(depth, o->depth_threshold, NULL) >= o->filter_min_ramp;
    if (filtered)
        *filtered = run;
    return run ? p3d_depth_bilateral_median(ctx, depth, o->depth_threshold, o->filter_size, o->sparse_iter)
               : P3D_OK;
}
