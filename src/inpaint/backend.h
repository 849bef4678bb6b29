/* The inpainting backend interface (ALGORITHM.md 6): the LDI code cuts a crop
 * around one depth edge, fills a job, and asks a backend for the three steps
 * in order: edges (continue depth edges into the hole), depth, colour.
 * Backends: classical (no weights, the default) and neural (the paper's
 * three networks). Both read only what the job gives them. */
#ifndef P3D_INPAINT_BACKEND_H
#define P3D_INPAINT_BACKEND_H

#include <stdint.h>
#include "photo3d/core.h"

typedef struct p3d_inpaint_job {
    int width, height;     /* crop size */
    /* Inputs, width*height each (rgb: 3 bytes per pixel). */
    const uint8_t *context; /* 1 = known pixel of the context region (far side of the edge) */
    const uint8_t *mask;    /* 1 = pixel to synthesise (synthesis region) */
    const uint8_t *edge;    /* 1 = depth-edge pixel in the context that should be continued */
    const float *depth;     /* depth (> 0) at context pixels, 0 elsewhere */
    const uint8_t *rgb;     /* colour at context pixels, 0 elsewhere */
    int gray;               /* photo is grayscale: colour output must have R == G == B */
    /* Outputs, allocated by the caller, width*height each (rgb_out: 3 bytes per pixel). */
    uint8_t *edge_out;      /* edges(): 1 = synthesised depth edge inside the mask, plus the input edges */
    float *depth_out;       /* depth(): depth at every mask pixel (may read edge_out) */
    uint8_t *rgb_out;       /* color(): colour at every mask pixel (may read edge_out, depth_out) */
    /* Reference steps a backend may do (ALGORITHM.md 6.3; the classical one does not): */
    int smooth_gap;         /* depth(): smooth_cntsyn_gap after the depth net (inpainting jobs;
                             * the border band's are not smoothed, as in the reference) */
} p3d_inpaint_job;

typedef struct p3d_inpaint_backend {
    const char *name;
    void *state;
    int (*edges)(p3d_ctx *ctx, void *state, p3d_inpaint_job *job);
    int (*depth)(p3d_ctx *ctx, void *state, p3d_inpaint_job *job);
    int (*color)(p3d_ctx *ctx, void *state, p3d_inpaint_job *job);
    void (*destroy)(void *state);
    int serial; /* 1: the backend is not reentrant (it threads internally); jobs run one at a time */
    int keep_context_band; /* 1: the visible context next to the silhouette is kept as it is
                            * (no depth_edge_dilate erosion band repainted): exemplar synthesis
                            * copies from it rather than needing a band to blend its fill into */
} p3d_inpaint_backend;

#endif
