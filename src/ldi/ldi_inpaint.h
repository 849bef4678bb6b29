/* One inpainting iteration over the depth edges of the LDI (mesh.py:
 * DL_inpaint_edge; ALGORITHM.md 6, 6.5, 6.6). */
#ifndef P3D_LDI_INPAINT_H
#define P3D_LDI_INPAINT_H

#include "inpaint/backend.h"
#include "ldi/regions.h"

/* Canvas-sized debug maps filled when given: the last region label per
 * pixel, and the synthesised depth and colour of the new layer. */
typedef struct ldi_inpaint_debug {
    uint8_t *labels;
    float *depth;
    uint8_t *rgb;
} ldi_inpaint_debug;

typedef struct ldi_inpaint_stats {
    long edges;      /* edges with both regions non-empty */
    long new_nodes;  /* nodes added (iteration p->iter + 1) */
    long tears;      /* links not made inside the new layers (disparity jump) */
} ldi_inpaint_stats;

/* Path tracing parameters for backends that trace (neural): extra edge-net
 * passes (repeat_inpaint_edge: 2, or 0) and refine_depth_around_edge's band
 * (depth_edge_dilate_2). NULL gives the reference's 2 and 5. */
typedef struct ldi_path_params {
    int edge_repeats, refine_band;
} ldi_path_params;

/* For every edge with cls FG: regions (regions.h), a crop job for the
 * backend (context, mask = synthesis region plus eroded band, continued
 * context edges, depth, colour), then the merge: every synthesis pixel whose
 * ring is at most mask_rings / 3 beyond the smallest ring at which any
 * edge's synthesis region of this iteration reaches it gets a new node
 * behind all earlier layers (at least 0.01 behind the front,
 * 0.001 behind others), linked to its 4-neighbours in the same synthesis
 * region and to the context nodes next to it unless their disparities differ
 * by more than threshold; such tears along the backend's synthesised edges
 * (edge_out) mark the nearer node LDI_SYNTH_NEAR, the next iteration's edges;
 * where the backend traced near/far paths, links between them are not
 * made and the near side is marked LDI_SYNTH_NEAR. The eroded band's nodes take the new colours
 * after all edges. Edges are processed in parallel batches (the backend must
 * be thread-safe) and merged in edge order, so the result does not depend on
 * the thread count. */
int ldi_inpaint_iteration(p3d_ctx *ctx, ldi *l, const ldi_edges *edges, const uint8_t *cls,
                          const region_params *p, const ldi_path_params *pp, double threshold,
                          int gray, const p3d_inpaint_backend *backend, ldi_inpaint_debug *dbg,
                          ldi_inpaint_stats *stats);

#endif
