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

typedef struct edge_path_input {
    int width, height;
    const uint8_t *edges;      /* E: the edge net's thresholded output in the mask + the input edges */
    const uint8_t *mask, *context;
    const float *end_depth;    /* > 0 at end points (context edge pixels touching the edge's silhouette) */
    const int8_t *far_dir;     /* at end points: 0 up, 1 right, 2 down, 3 left to the far node, -1 none */
    const float *front_depth;  /* front-layer depth (mask pixels), for splitting a two-end path; may be NULL */
    int band;                  /* depth_edge_dilate_2: split margin */
} edge_path_input;

/* clean_far_edge_new: fills npath and fpath (width*height) with path ids
 * 0, 1, ... and -1 elsewhere. final = 0 gives the working maps the repeated
 * edge passes are fed (a near path whose end point has no usable far node
 * is kept); final = 1 keeps only paths that have a far path, as the
 * reference's second pass draws them. Returns the number of ids used, or
 * -1 when out of memory (maps left at -1). */
int edge_paths_trace(const edge_path_input *in, int final, int32_t *npath, int32_t *fpath);

/* smooth_cntsyn_gap: two Jacobi steps, every mask pixel becoming the mean
 * of its 4-neighbours in context or mask, sum / (count + 1e-6) as the
 * reference writes it (a mean of 0 leaves the pixel). Neighbours outside
 * the crop do not count (the reference's np.roll wraps around the canvas,
 * which the 3-pixel forbidden border keeps the regions away from). */
void depth_smooth_gap(float *depth, const uint8_t *mask, const uint8_t *context, int w, int h);

/* refine_depth_around_edge for path id: the near path (in the mask) keeps
 * the pixels 4-adjacent to the far path and vice versa; both grow by band
 * cross dilations, alternately, each excluding the other, clipped to the
 * mask; then each band is filled from outside in, each pixel the mean of its
 * already-known 4-neighbours in the mask with a non-zero depth (the other
 * band never counts as known), until nothing changes: each side of the
 * synthesised edge takes its own side's depth. Returns -1 when out of
 * memory (depth unchanged), else 0. */
int depth_refine_edge(float *depth, const int32_t *npath, const int32_t *fpath, int id,
                      const uint8_t *mask, int w, int h, int band);

#endif
