/* Synthesised depth edges as paths, and the depth clean-up around them
 * (utils.py: clean_far_edge_new, plan_path, plan_path_e2e,
 * smooth_cntsyn_gap, refine_depth_around_edge; ALGORITHM.md 6.2-6.3).
 *
 * The edge net's thresholded output is a blob of "edge" pixels in the hole.
 * Tracing turns it into one near path per continued context edge (the
 * synthesised silhouette, starting at the context edge's end point) and a
 * far path beside it, one pixel over on the side of the end node's far
 * node (the background the silhouette occludes). The depth net then gets
 * the near paths as its edge channel, and the depth is made a crisp step
 * between the two paths. All maps are crop-sized, row-major. */
#ifndef P3D_INPAINT_EDGE_PATHS_H
#define P3D_INPAINT_EDGE_PATHS_H

#include <stdint.h>

/* smooth_cntsyn_gap: two Jacobi steps, every mask pixel becoming the mean
 * of its 4-neighbours in context or mask, sum / (count + 1e-6) as the
 * reference writes it (a mean of 0 leaves the pixel). Neighbours outside
 * the crop do not count (the reference's np.roll wraps around the canvas,
 * which the 3-pixel forbidden border keeps the regions away from). */
void depth_smooth_gap(float *depth, const uint8_t *mask, const uint8_t *context, int w, int h);

#endif
