/* The classical backend (classical.h): binds the three classical steps to the
 * backend interface of ALGORITHM.md 6. Colour: exemplar synthesis where its
 * source patches match well, falling back towards the membrane (diffusion)
 * fill where they do not (a texture that is not there in the context would be
 * a guess; the local mean is the better estimate there) or where they were
 * copied from surroundings unlike the hole's own (another surface's colour;
 * inpaint_source_gate). The membrane fill half distrusts the mixed-colour
 * fringe of the context (fringe_fill.c). */
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

/* The low-frequency gate (the synthesis' sources against the hole's own
 * surroundings): box radius, colour scale tau and the radius over which the
 * gate is averaged over the hole (measured, bench/quality.sh, docs/EVAL.md). */
#define GATE_RADIUS 8
#define GATE_TAU 20.0f
#define GATE_SMOOTH_RADIUS 6
#define GATE_STEP 2 /* computed at every other pixel (a quarter of the cost); the
                     * averaging fills the others */

void inpaint_source_gate(const p3d_inpaint_job *job, const int32_t *source, int r, int step,
                         float tau, float *gate, float *weight)
{
    const int w = job->width, h = job->height;
    for (long p = 0; p < (long)w * h; p++) {
        gate[p] = 1, weight[p] = 0;
        int px = (int)(p % w), py = (int)(p / w);
        if (!job->mask[p] || source[p] < 0 || px % step || py % step)
            continue;
        int qx = source[p] % w, qy = source[p] / w;
        float sum[3] = {0, 0, 0}, k = 0;
        for (int dy = -r; dy <= r; dy++) {
            if (py + dy < 0 || py + dy >= h || qy + dy < 0 || qy + dy >= h)
                continue;
            for (int dx = -r; dx <= r; dx++) {
                if (px + dx < 0 || px + dx >= w || qx + dx < 0 || qx + dx >= w)
                    continue;
                long pi = (long)(py + dy) * w + px + dx, qi = (long)(qy + dy) * w + qx + dx;
                if (!inpaint_is_known(job, pi) || !inpaint_is_known(job, qi))
                    continue;
                for (int c = 0; c < 3; c++)
                    sum[c] += (float)job->rgb[3 * pi + c] - job->rgb[3 * qi + c];
                k++;
            }
        }
        if (k <= 0)
            continue;
        float d2 = 0;
        for (int c = 0; c < 3; c++)
            d2 += (sum[c] / k) * (sum[c] / k);
        gate[p] = 1 / (1 + d2 / 3 / (tau * tau));
        weight[p] = 1;
    }
}

/* rgb_out at mask pixels = a s + (1 - a) m: s the synthesis, m the membrane
 * fill that half distrusts the context's fringe and does not mix colours
 * across continued edges (fringe_fill.c) and a the synthesis confidence,
 * averaged over the hole pixels within CONFIDENCE_RADIUS, to the power 3,
 * times the low-frequency gate (inpaint_source_gate, averaged the same way).
 * The average keeps a lone well-matched patch amid poorly matched ones
 * from putting its texture there (measured, docs/EVAL.md). */
static int classical_color(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    size_t n = (size_t)(job->width > 0 && job->height > 0 ? job->width * job->height : 0);
    float *confidence = malloc(sizeof(float) * (n ? 3 * n : 1)); /* and 2 n for the smoothing */
    uint8_t *synth = malloc(n ? 3 * n : 1);
    int32_t *source = malloc(sizeof(int32_t) * (n ? n : 1));
    float *gate = malloc(sizeof(float) * (n ? 4 * n : 1));
    int rc = confidence && synth && source && gate
                 ? P3D_OK
                 : p3d_fail(ctx, P3D_E_NOMEM, "classical: out of memory for %dx%d pixels",
                            job->width, job->height);
    if (!rc)
        rc = inpaint_synthesize_color(ctx, job, confidence, source);
    if (!rc) {
        memcpy(synth, job->rgb_out, 3 * n);
        rc = inpaint_diffuse_color_fringe(ctx, job);
    }
    if (!rc && n)
        inpaint_smooth_over_mask(confidence, job->mask, job->width, job->height, CONFIDENCE_RADIUS, confidence + n);
    if (!rc && n) {
        /* hole pixels with no known pixel near them take the mean gate of
         * those nearby that have one (1 where none has) */
        float *weight = gate + n, *tmp = gate + 2 * n;
        inpaint_source_gate(job, source, GATE_RADIUS, GATE_STEP, GATE_TAU, gate, weight);
        for (size_t i = 0; i < n; i++)
            gate[i] *= weight[i];
        inpaint_smooth_over_mask(gate, job->mask, job->width, job->height, GATE_SMOOTH_RADIUS, tmp);
        inpaint_smooth_over_mask(weight, job->mask, job->width, job->height, GATE_SMOOTH_RADIUS, tmp);
        for (size_t i = 0; i < n; i++)
            if (job->mask[i])
                gate[i] = weight[i] > 0 ? gate[i] / weight[i] : 1;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        /* power 3: a patch that only partly matches mostly defers to the
         * mean; the gate then sends synthesis copied from surroundings
         * unlike the hole's own towards the membrane (measured,
         * bench/quality.sh, docs/EVAL.md); the same arithmetic per channel
         * keeps gray photos R == G == B */
        float conf = confidence[i], a = conf * conf * conf * gate[i];
        for (int c = 0; c < 3 && job->mask[i]; c++)
            job->rgb_out[3 * i + c] =
                (uint8_t)lrintf(a * synth[3 * i + c] + (1 - a) * job->rgb_out[3 * i + c]);
    }
    free(confidence);
    free(synth);
    free(source);
    free(gate);
    return rc;
}

static void no_state(void *state) {}

int p3d_inpaint_classical_create(p3d_ctx *ctx, p3d_inpaint_backend *out)
{
    *out = (p3d_inpaint_backend){"classical", NULL, classical_edges, classical_depth,
                                 classical_color, no_state, 0, 1};
    out->extend_silhouettes = 1;
    return P3D_OK;
}
