/* The classical backend (classical.h): binds the three classical steps to the
 * backend interface of ALGORITHM.md 6. Colour: exemplar synthesis where its
 * source patches match well, falling back towards the membrane (diffusion)
 * fill where they do not (a texture that is not there in the context would be
 * a guess; the local mean is the better estimate there). The membrane fill
 * half distrusts the mixed-colour fringe of the context (fringe_fill.c). */
#include "inpaint/classical.h"
#include "inpaint/inpaint_steps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int classical_edges(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_continue_edges(ctx, job);
}

/* Continued edges (edge_out) separate the two sides of the depth step. */
static int classical_depth(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_fill_depth(ctx, job, job->edge_out);
}

/* Radius of the box over which the synthesis confidence is averaged. */
#define CONFIDENCE_RADIUS 6

void inpaint_smooth_over_mask(float *conf, const uint8_t *mask, int w, int h, int r, float *tmp)
{
    float *sum = tmp, *count = tmp + (size_t)w * h;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float s = 0, k = 0;
            for (int xx = x - r < 0 ? 0 : x - r; xx <= x + r && xx < w; xx++)
                if (mask[(size_t)y * w + xx])
                    s += conf[(size_t)y * w + xx], k++;
            sum[(size_t)y * w + x] = s, count[(size_t)y * w + x] = k;
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (!mask[(size_t)y * w + x])
                continue;
            float s = 0, k = 0;
            for (int yy = y - r < 0 ? 0 : y - r; yy <= y + r && yy < h; yy++)
                s += sum[(size_t)yy * w + x], k += count[(size_t)yy * w + x];
            conf[(size_t)y * w + x] = s / k; /* k >= 1: the pixel itself */
        }
}

/* rgb_out at mask pixels = a s + (1 - a) m: s the synthesis, m the membrane
 * fill that half distrusts the context's fringe and does not mix colours
 * across continued edges (fringe_fill.c) and a the synthesis confidence,
 * averaged over the hole pixels within CONFIDENCE_RADIUS, to the power 3.5.
 * The average keeps a lone well-matched patch amid poorly matched ones
 * from putting its texture there (measured, docs/EVAL.md). */
static int classical_color(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    size_t n = (size_t)(job->width > 0 && job->height > 0 ? job->width * job->height : 0);
    float *confidence = malloc(sizeof(float) * (n ? 3 * n : 1)); /* and 2 n for the smoothing */
    uint8_t *synth = malloc(n ? 3 * n : 1);
    int rc = confidence && synth
                 ? P3D_OK
                 : p3d_fail(ctx, P3D_E_NOMEM, "classical: out of memory for %dx%d pixels",
                            job->width, job->height);
    if (!rc)
        rc = inpaint_synthesize_color(ctx, job, confidence);
    if (!rc) {
        memcpy(synth, job->rgb_out, 3 * n);
        rc = inpaint_diffuse_color_fringe(ctx, job);
    }
    if (!rc && n)
        inpaint_smooth_over_mask(confidence, job->mask, job->width, job->height, CONFIDENCE_RADIUS, confidence + n);
    for (size_t i = 0; i < n && !rc; i++) {
        /* power 3.5: a patch that only partly matches mostly defers to the
         * mean (measured, bench/quality.sh, docs/EVAL.md); the same
         * arithmetic per channel keeps gray photos R == G == B */
        float conf = confidence[i], a = conf * conf * conf * sqrtf(conf);
        for (int c = 0; c < 3 && job->mask[i]; c++)
            job->rgb_out[3 * i + c] =
                (uint8_t)lrintf(a * synth[3 * i + c] + (1 - a) * job->rgb_out[3 * i + c]);
    }
    free(confidence);
    free(synth);
    return rc;
}

static void no_state(void *state) {}

int p3d_inpaint_classical_create(p3d_ctx *ctx, p3d_inpaint_backend *out)
{
    *out = (p3d_inpaint_backend){"classical", NULL, classical_edges, classical_depth,
                                 classical_color, no_state, 0, 1};
    return P3D_OK;
}
