/* The classical inpainting backend (no network weights; the default): the
 * three steps of ALGORITHM.md 6 done with classical methods.
 *   edges: straight continuation of the context's depth edges into the hole
 *          (edge_continue.c);
 *   depth: membrane interpolation of log-depth from the background context,
 *          with the continued edges as barriers (depth_fill.c);
 *   color: multi-scale exemplar-based synthesis (PatchMatch + voting) from the
 *          context, guided by the filled depth (patch_synth.c), blended where
 *          its patches match poorly with a membrane fill that half distrusts
 *          the mixed-colour fringe next to the silhouette (fringe_fill.c).
 * Outputs: edge_out = input edges + continued edges; depth_out and rgb_out hold
 * the context's own values at context pixels, the synthesised values at mask
 * pixels and 0 elsewhere. A job without any context pixel gets depth 1 and
 * gray 128 in the mask. Deterministic; reentrant (no shared state). */
#ifndef P3D_INPAINT_CLASSICAL_H
#define P3D_INPAINT_CLASSICAL_H

#include "inpaint/backend.h"

/* Fills *out; destroy(out->state) is safe to call (there is no state). */
int p3d_inpaint_classical_create(p3d_ctx *ctx, p3d_inpaint_backend *out);

#endif
