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
 * source patch exists), 1 elsewhere; source (width*height, may be NULL): per
 * mask pixel, the centre of the finest level's source patch matched to the
 * patch centred there (so the pixel's colour mostly comes from that pixel),
 * -1 where there is none and elsewhere. */
int inpaint_synthesize_color(p3d_ctx *ctx, p3d_inpaint_job *job, float *confidence,
                             int32_t *source);
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
/* classical.c: the low-frequency gate of the blend. At mask pixels p with a
 * source q (source[p] >= 0, inpaint_synthesize_color) whose column and row
 * are multiples of step: D = RMS over the three
 * channels of the mean of rgb(p + d) - rgb(q + d) over the offsets d of the
 * (2r+1)^2 box where both pixels are known; gate = 1 / (1 + (D / tau)^2),
 * weight = 1. Elsewhere (and where no offset qualifies) gate = 1, weight = 0.
 * The synthesis that continues the hole's own surface copies from where the
 * surroundings look like the hole's (D small); one that copies another
 * surface's colour (a white pin next to a red crown) does not. */
void inpaint_source_gate(const p3d_inpaint_job *job, const int32_t *source, int r, int step,
                         float tau, float *gate, float *weight);

#endif
