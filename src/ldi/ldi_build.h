/* LDI construction and cleaning stages (ALGORITHM.md 4.2 - 4.9). */
#ifndef P3D_LDI_BUILD_H
#define P3D_LDI_BUILD_H

#include "ldi/ldi.h"

/* 4.2: unlinks 4-neighbours whose disparities differ by more than threshold,
 * then closes one-pixel gaps between torn links (a link between two torn
 * parallel links is torn too). Returns the number of torn links. */
long ldi_tear_links(ldi *l, double threshold);

/* 4.3: removes the nodes of connected components smaller than min_nodes
 * (the largest component is always kept, so tiny images survive). Returns
 * the number of removed nodes, or -1 on error. */
long ldi_drop_small_components(p3d_ctx *ctx, ldi *l, int min_nodes);

/* 4.5: refills image pixels without a node: per 4-connected hole, seeded by
 * the bordering nodes of the depth edge most of them belong to (all bordering
 * nodes when none carries an edge id), raster sweeps give each hole pixel the
 * mean depth of its already known 4-neighbours and links it to them. Colour
 * is the original pixel's. Returns the number of refilled pixels or -1. */
long ldi_refill_lost_pixels(p3d_ctx *ctx, ldi *l);

/* Depth edges: connected sets of discontinuity nodes (ALGORITHM.md 4.4). */
typedef struct ldi_edges {
    int count;
    int32_t *start;  /* count + 1 offsets into nodes */
    int32_t *nodes;  /* node ids, edge by edge, ascending within an edge */
} ldi_edges;
void ldi_edges_free(ldi_edges *e);

enum { LDI_CLASS_NONE = 0, LDI_CLASS_FG = 1, LDI_CLASS_BG = 2, LDI_CLASS_ANY = 3 };

/* Discontinuity nodes of the current border's interior (its outer ring is
 * skipped): degree < 4. split_sides: classify by near/far relations into
 * foreground side (has far neighbours) and background side (has near ones;
 * a node with both takes the side with more, ties foreground), else all
 * LDI_CLASS_ANY. cls has l->n entries. */
void ldi_classify_discontinuities(const ldi *l, int split_sides, uint8_t *cls);

/* Groups nodes of equal non-zero class into edges: linked pairs, and
 * diagonal pairs joined through a common degree-4 neighbour whose disparities
 * differ by at most threshold. Sets l->edge (-1 for other nodes); edges are
 * numbered by their first node. */
int ldi_group_edges(p3d_ctx *ctx, ldi *l, const uint8_t *cls, double threshold, ldi_edges *out);

/* 4.7 (simplified): nodes left with 0 or 1 links inside the border are
 * re-attached to the largest group of 4-neighbours whose disparities agree
 * within threshold, taking that group's mean depth. Returns count. */
long ldi_repair_dangling(ldi *l, double threshold);

/* 4.9 (simplified): foreground edges with context of at most max_nodes nodes
 * that have a free end (an end node with no other edge in its 8-neighbourhood)
 * are healed: their nodes are re-linked to the 4-neighbours not on another
 * foreground edge. Returns the number of healed edges. */
long ldi_remove_short_edges(ldi *l, const ldi_edges *edges, const uint8_t *cls,
                            int max_nodes);

#endif
