/* Depth preprocessing before the LDI is built (ALGORITHM.md 3). */
#ifndef P3D_DEPTH_FILTER_H
#define P3D_DEPTH_FILTER_H

#include "photo3d/core.h"

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

#endif
