/* Depth of the synthesis region from the background context only: the
 * classical stand-in for the depth network (ALGORITHM.md 6.3). Log-depth is
 * interpolated harmonically from the context pixels (which are background by
 * construction, so foreground depth cannot bleed in); mask pixels on a
 * continued edge are walls, so each side of the edge takes its own side's
 * depth, and afterwards take the nearest (smallest) depth of their neighbours,
 * as the reference's near path does (6.3 step 5). The result is clamped to the
 * context's depth range (the harmonic fill obeys the maximum principle up to
 * solver error). */
#include "inpaint/inpaint_steps.h"
#include "inpaint/membrane.h"

#include <math.h>
#include <stdlib.h>

/* Mask pixels on barriers: the smallest depth among 8-neighbours already
 * known, repeated until none changes; then whatever is left (no filled
 * neighbour anywhere) gets `fallback`. */
static void fill_barrier_pixels(const p3d_inpaint_job *job, uint8_t *state, float *logd,
                                float fallback)
{
    membrane_fill_walls(job->mask, job->width, job->height, state, logd, 1, logd);
    long n = (long)job->width * job->height;
    for (long i = 0; i < n; i++)
        if (job->mask[i] && state[i] == MEMBRANE_WALL)
            logd[i] = fallback;
}

int inpaint_fill_depth(p3d_ctx *ctx, p3d_inpaint_job *job, const uint8_t *barrier)
{
    long n = (long)job->width * job->height;
    if (n <= 0)
        return P3D_OK;
    uint8_t *state = malloc((size_t)n);
    float *logd = malloc(sizeof(float) * n);
    if (!state || !logd) {
        free(state);
        free(logd);
        return p3d_fail(ctx, P3D_E_NOMEM, "depth fill: out of memory for %dx%d pixels",
                        job->width, job->height);
    }
    float lo = INFINITY, hi = -INFINITY; /* context depth range */
    for (long i = 0; i < n; i++) {
        state[i] = MEMBRANE_WALL;
        logd[i] = 0;
        if (inpaint_is_known(job, i) && job->depth[i] > 0) {
            state[i] = MEMBRANE_KNOWN;
            logd[i] = logf(job->depth[i]);
            lo = fminf(lo, job->depth[i]);
            hi = fmaxf(hi, job->depth[i]);
        } else if (job->mask[i] && !(barrier && barrier[i])) {
            state[i] = MEMBRANE_UNKNOWN;
        }
    }
    const float fallback = logf(lo <= hi ? lo : INPAINT_FALLBACK_DEPTH);
    int rc = membrane_fill(ctx, job->width, job->height, 1, state, logd, &fallback);
    if (!rc) {
        fill_barrier_pixels(job, state, logd, fallback);
        for (long i = 0; i < n; i++) {
            float d = 0;
            if (job->mask[i])
                d = lo <= hi ? fminf(fmaxf(expf(logd[i]), lo), hi) : INPAINT_FALLBACK_DEPTH;
            else if (inpaint_is_known(job, i))
                d = job->depth[i];
            job->depth_out[i] = d;
        }
    }
    free(state);
    free(logd);
    return rc;
}
