/* Synthetic inpainting jobs for the tests of src/inpaint: buffers for one crop,
 * owned by the fixture, and a helper that runs a backend's three steps. */
#ifndef P3D_TEST_INPAINT_FIXTURE_H
#define P3D_TEST_INPAINT_FIXTURE_H

#include "inpaint/backend.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    p3d_inpaint_job job;
    int w, h;
    uint8_t *context, *mask, *edge, *rgb, *edge_out, *rgb_out;
    float *depth, *depth_out;
} fixture;

/* All buffers zeroed (one extra byte so that 0x0 crops get valid pointers). */
static inline void fixture_alloc(fixture *f, int w, int h)
{
    size_t n = (size_t)w * h + 1;
    memset(f, 0, sizeof *f);
    f->w = w;
    f->h = h;
    f->context = calloc(n, 1);
    f->mask = calloc(n, 1);
    f->edge = calloc(n, 1);
    f->rgb = calloc(n, 3);
    f->edge_out = calloc(n, 1);
    f->rgb_out = calloc(n, 3);
    f->depth = calloc(n, sizeof(float));
    f->depth_out = calloc(n, sizeof(float));
    f->job = (p3d_inpaint_job){w, h, f->context, f->mask, f->edge, f->depth, f->rgb, 0,
                               f->edge_out, f->depth_out, f->rgb_out};
}

static inline void fixture_free(fixture *f)
{
    free(f->context);
    free(f->mask);
    free(f->edge);
    free(f->rgb);
    free(f->edge_out);
    free(f->rgb_out);
    free(f->depth);
    free(f->depth_out);
}

/* Pixel (x, y) becomes context with the given depth and colour. */
static inline void fixture_set_context(fixture *f, int x, int y, float depth, const uint8_t rgb[3])
{
    long i = (long)y * f->w + x;
    f->mask[i] = 0;
    f->context[i] = 1;
    f->depth[i] = depth;
    memcpy(&f->rgb[i * 3], rgb, 3);
}

/* Pixel (x, y) becomes mask (its context colour and depth are cleared). */
static inline void fixture_set_mask(fixture *f, int x, int y)
{
    long i = (long)y * f->w + x;
    f->mask[i] = 1;
    f->context[i] = 0;
    f->depth[i] = 0;
    memset(&f->rgb[i * 3], 0, 3);
}

static inline int fixture_run(p3d_ctx *ctx, const p3d_inpaint_backend *b, fixture *f)
{
    int rc = b->edges(ctx, b->state, &f->job);
    if (!rc)
        rc = b->depth(ctx, b->state, &f->job);
    if (!rc)
        rc = b->color(ctx, b->state, &f->job);
    return rc;
}

#endif
