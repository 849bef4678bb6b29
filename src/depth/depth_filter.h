/* Depth preprocessing before the LDI is built (ALGORITHM.md 3). */
#ifndef P3D_DEPTH_FILTER_H
#define P3D_DEPTH_FILTER_H

#include "photo3d/core.h"
#include "photo3d/pipeline.h"

/* The reference's sparse bilateral *median* filter, in place on a depth map
 * (depth > 0). Runs passes 0 .. num_iter-2 with window sizes[pass] (the
 * reference computes a last pass and throws it away, so only num_iter - 1
 * take effect). Each pass flags interior pixels whose disparity differs from
 * a 4-neighbour by more than threshold, replaces the outer ring of depth and
 * flags by the edge-replicated interior, and replaces every pixel whose
 * window holds a flag by the upper weighted median of the window's unflagged
 * depths (float32 cumulative weights, first one > 0.5). Maps smaller than
 * 3x3 have no interior and are left unchanged. */
int p3d_depth_bilateral_median(p3d_ctx *ctx, p3d_map *depth, double threshold, const int *sizes,
                               int num_iter);

/* The share of a depth map's discontinuity pixels (interior pixels whose
 * disparity 1/depth differs from a 4-neighbour by more than threshold, as
 * the filter flags them) that are ramp pixels: along a row or a column,
 * more than threshold from both neighbours, strictly between them, and
 * these more than 4 thresholds apart: a sample in the middle of a smeared
 * jump (a steep slope steps by more than threshold too, but by little
 * more). Estimated depth (MiDaS) smears its jumps over several pixels,
 * sensors and ground truth jump from one pixel to the next. 0 when there
 * is no discontinuity; their count goes to *discontinuities (may be
 * NULL). */
double p3d_depth_ramp_fraction(const p3d_map *depth, double threshold, long *discontinuities);
/* The same on a map of disparities (width x height floats). */
double p3d_disparity_ramp_fraction(const float *disparity, int width, int height, double threshold,
                                   long *discontinuities);

/* The depth preprocessing of the pipeline (and of the eval's baselines):
 * the bilateral median filter with o's passes, windows and threshold, when
 * p3d_depth_ramp_fraction is at least o->filter_min_ramp. The filter exists
 * to snap smeared jumps to one side; on depth whose jumps are already sharp
 * its medians only move them, eroding round silhouettes by a pixel or more
 * (docs/EVAL.md), so such depth is left as it is. *filtered (may be NULL)
 * tells which. */
int p3d_depth_preprocess(p3d_ctx *ctx, p3d_map *depth, const p3d_pipeline_options *o, int *filtered);

#endif
