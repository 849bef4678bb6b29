/* The classical backend (classical.h): binds the three classical steps to the
 * backend interface of ALGORITHM.md 6. */
#include "inpaint/classical.h"
#include "inpaint/inpaint_steps.h"

static int classical_edges(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_continue_edges(ctx, job);
}

/* Continued edges (edge_out) separate the two sides of the depth step. */
static int classical_depth(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_fill_depth(ctx, job, job->edge_out);
}

static int classical_color(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return inpaint_synthesize_color(ctx, job);
}

static void no_state(void *state) {}

int p3d_inpaint_classical_create(p3d_ctx *ctx, p3d_inpaint_backend *out)
{
    *out = (p3d_inpaint_backend){"classical", NULL, classical_edges, classical_depth,
                                 classical_color, no_state, 0, 1};
    return P3D_OK;
}
