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
    const uint8_t *erode;     /* band_known backends: 1 = mask pixel of the eroded context band,
                               * with depth, rgb and edge given as at context pixels; else NULL */
    /* Edge path tracing (inpaint/edge_paths.h; NULL where the caller has no LDI to give them): */
    const float *end_depth;   /* > 0 at end points: edge pixels touching the inpainted edge's own
                               * silhouette (filter_irrelevant_edge_new), their depth */
    const int8_t *far_dir;    /* at end points: direction (0 up, 1 right, 2 down, 3 left) of the end
                               * node's far node that starts the far path, -1 none */
    const float *front_depth; /* front-layer depth per pixel (splits a path between two end points) */
    int edge_repeats;         /* repeat_inpaint_edge: extra edge-net passes fed the near paths (2) */
    int refine_band;          /* depth_edge_dilate_2: refine_depth_around_edge's band */
    int32_t *npath, *fpath;   /* edges(): near / far path id per pixel, -1 elsewhere (the caller
                               * fills -1); depth() makes the depth a step between them */
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
    int band_known;        /* 1: jobs give the eroded band's depth, colour and edges too (job->erode):
                            * the reference's edge and depth nets see the band as context and only
                            * the colour net repaints it (ALGORITHM.md 6.2 step 1, 6.3 step 1) */
    int extend_silhouettes; /* 1: the mesh gets a half-pixel rim along the front layer's
                             * silhouettes, out to the expected edge of the surface beyond
                             * the last pixel centre (mesh_build.h: mesh_extend_silhouettes;
                             * docs/EVAL.md step 7) */
} p3d_inpaint_backend;

#endif
