/* The steps that the classical and baseline backends are assembled from
 * (private to src/inpaint). Each reads the job's inputs and writes one output. */
#ifndef P3D_INPAINT_STEPS_H
#define P3D_INPAINT_STEPS_H

#include "inpaint/backend.h"

/* Depth and colour given to mask pixels when the job has no context pixel. */
#define INPAINT_FALLBACK_DEPTH 1.0f
#define INPAINT_FALLBACK_GRAY 128

/* True where the job's pixel i is known (context, not mask) / to synthesise. */
static inline int inpaint_is_known(const p3d_inpaint_job *job, long i)
{
    return job->context[i] && !job->mask[i];
}

/* edge_continue.c: edge_out = edge + straight continuations inside the mask. */
int inpaint_continue_edges(p3d_ctx *ctx, p3d_inpaint_job *job);
/* edge_out = edge (no continuation). */
void inpaint_copy_edges(p3d_inpaint_job *job);

/* depth_fill.c: depth_out by membrane interpolation of log-depth from the
 * context; mask pixels on barrier (may be NULL) are walls during the solve and
 * then take the nearest (smallest) depth of their neighbours. */
int inpaint_fill_depth(p3d_ctx *ctx, p3d_inpaint_job *job, const uint8_t *barrier);

/* patch_synth.c: rgb_out by exemplar-based synthesis from the context;
 * confidence (width*height, may be NULL): per mask pixel, how well the source
 * patches that made it match (0..1, see patch_vote_confidence; 0 where no
 * source patch exists), 1 elsewhere. */
int inpaint_synthesize_color(p3d_ctx *ctx, p3d_inpaint_job *job, float *confidence);
/* baselines.c: rgb_out by membrane interpolation of colour; mask pixels on
 * barrier (may be NULL) are walls during the solve, so the colours of the two
 * sides of a continued depth edge do not mix, and then take the colour of
 * their nearest (smallest depth, depth_out) neighbour, like their depth. */
int inpaint_diffuse_color(p3d_ctx *ctx, p3d_inpaint_job *job, const uint8_t *barrier);
/* fringe_fill.c: the same with the continued edges (edge_out) as barrier and
 * the context pixels next to the mask (the silhouette's mixed-colour fringe)
 * half repainted by the background beyond them; context pixels are passed
 * through unchanged. */
int inpaint_diffuse_color_fringe(p3d_ctx *ctx, p3d_inpaint_job *job);
/* classical.c: conf (w x h) at mask pixels := its mean over the mask pixels
 * of the (2r+1)^2 box around (separable: rows, then the columns of row sums
 * and counts); other pixels unchanged. tmp: 2 w h floats. */
void inpaint_smooth_over_mask(float *conf, const uint8_t *mask, int w, int h, int r, float *tmp);

#endif
