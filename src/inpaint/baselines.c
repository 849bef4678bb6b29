/* The "diffusion" evaluation baseline: no edge continuation, depth and colour
 * by harmonic interpolation from the context (membrane.c). It shows what the
 * classical backend's texture synthesis adds over smooth filling. */
#include "inpaint/baselines.h"
#include "inpaint/inpaint_steps.h"
#include "inpaint/membrane.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* depth of pixel i as the colour step sees it: the context's, or the filled one */
static float job_depth(const p3d_inpaint_job *job, long i)
{
    return job->mask[i] ? job->depth_out[i] : job->depth[i];
}

/* Mask pixels on the barrier (state WALL) take the colour of their nearest
 * (smallest depth) solved or known 8-neighbour, as depth_fill.c gives them
 * the near side's depth: the colour then belongs to the surface whose depth
 * the pixel has. Left over (no such neighbour anywhere): gray. */
static int fill_barrier_colours(const p3d_inpaint_job *job, uint8_t *state, float *rgb)
{
    long n = (long)job->width * job->height;
    float *depth = malloc(sizeof(float) * n);
    if (!depth)
        return 0;
    for (long i = 0; i < n; i++)
        depth[i] = job_depth(job, i);
    membrane_fill_walls(job->mask, job->width, job->height, state, depth, 3, rgb);
    free(depth);
    for (long i = 0; i < n; i++)
        if (job->mask[i] && state[i] == MEMBRANE_WALL) {
            state[i] = MEMBRANE_UNKNOWN;
            for (int c = 0; c < 3; c++)
                rgb[3 * i + c] = INPAINT_FALLBACK_GRAY;
        }
    return 1;
}

int inpaint_diffuse_color(p3d_ctx *ctx, p3d_inpaint_job *job, const uint8_t *barrier)
{
    long n = (long)job->width * job->height;
    if (n <= 0)
        return P3D_OK;
    uint8_t *state = malloc((size_t)n);
    float *rgb = malloc(sizeof(float) * 3 * n);
    if (!state || !rgb) {
        free(state);
        free(rgb);
        return p3d_fail(ctx, P3D_E_NOMEM, "diffusion: out of memory for %dx%d pixels",
                        job->width, job->height);
    }
    for (long i = 0; i < n; i++) {
        state[i] = inpaint_is_known(job, i)               ? MEMBRANE_KNOWN
                   : job->mask[i] && !(barrier && barrier[i]) ? MEMBRANE_UNKNOWN
                                                              : MEMBRANE_WALL;
        for (int c = 0; c < 3; c++)
            rgb[i * 3 + c] = state[i] == MEMBRANE_KNOWN ? job->rgb[i * 3 + c] : 0.0f;
    }
    const float gray[3] = {INPAINT_FALLBACK_GRAY, INPAINT_FALLBACK_GRAY, INPAINT_FALLBACK_GRAY};
    int rc = membrane_fill(ctx, job->width, job->height, 3, state, rgb, gray);
    if (!rc && barrier && !fill_barrier_colours(job, state, rgb))
        rc = p3d_fail(ctx, P3D_E_NOMEM, "diffusion: out of memory for %dx%d pixels", job->width,
                      job->height);
    if (!rc)
        for (long i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) {
                /* gray photos: every channel copies R, so R == G == B holds exactly */
                float v = rgb[i * 3 + (job->gray ? 0 : c)];
                job->rgb_out[i * 3 + c] =
                    state[i] == MEMBRANE_WALL ? 0 : (uint8_t)lrintf(fminf(fmaxf(v, 0), 255));
            }
    free(state);
    free(rgb);
    return rc;
}

static int diffusion_edges(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    inpaint_copy_edges(job);
    return P3D_OK;
}

static int diffusion_depth(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_fill_depth(ctx, job, NULL);
}

static int diffusion_color(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_diffuse_color(ctx, job, NULL);
}

static void no_state(void *state) {}

int p3d_inpaint_diffusion_create(p3d_ctx *ctx, p3d_inpaint_backend *out)
{
    *out = (p3d_inpaint_backend){"diffusion", NULL, diffusion_edges, diffusion_depth,
                                 diffusion_color, no_state};
    return P3D_OK;
}
