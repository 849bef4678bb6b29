/* Context and synthesis regions of one depth edge (mesh.py:
 * context_and_holes; ALGORITHM.md 5). */
#ifndef P3D_REGIONS_H
#define P3D_REGIONS_H

#include "ldi/ldi_build.h"

enum {
    REGION_NONE = 0,
    REGION_MASK,      /* synthesis region: gets a new layer */
    REGION_CONTEXT,   /* known pixels the inpainting reads */
    REGION_ERODE,     /* context band next to the silhouette, repainted */
    REGION_OCCUPIED,  /* reached by the mask beyond its thickness: blocks the context only */
    REGION_INTERSECT, /* mask candidate touching the context at ring 10: blocks the mask only */
    REGION_UNTOUCHABLE /* in front of the edge or behind the mask's other edges: blocks the context */
};

typedef struct region_params {
    int iter;           /* 0 or 1: nodes with a higher iter are invisible */
    int mask_rings;     /* background_thickness(_2) */
    int context_rings;  /* context_thickness(_2) */
    int erode_max;      /* depth_edge_dilate at iteration 0, 0 at iteration 1 */
} region_params;

/* Per-thread workspace over the canvas; labels of the last region built. */
typedef struct region_ws {
    int cw, ch;
    uint8_t *label;  /* REGION_* per canvas pixel */
    int16_t *ring;   /* BFS ring of context and mask pixels (0: the edge's own nodes) */
    int32_t *node;   /* node occupying the pixel in the region (mask or context) */
    int32_t *touched;
    long ntouched;
    int32_t *queue[8];
    int64_t *keys;   /* scratch for the context seeds */
    int box[4];      /* bounding box of all labelled pixels: x0, y0, x1, y1 (inclusive) */
    long nmask, ncontext;
} region_ws;

int region_ws_init(p3d_ctx *ctx, region_ws *ws, const ldi *l);
void region_ws_free(region_ws *ws);

/* Builds the regions of edge e (its nodes: edges->nodes[start[e]..]) into ws
 * (previous labels are cleared first). nmask or ncontext is 0 when the edge
 * has nothing to inpaint (a background-side edge has no far nodes). */
void region_build(const ldi *l, const ldi_edges *edges, int e,
                  const region_params *p, region_ws *ws);

#endif
