/* The 3D photo pipeline as a library call: photo + depth at the working size
 * -> filtered depth -> layered depth image -> inpainted layers -> mesh
 * (ALGORITHM.md 3 - 6, 8), configured with the reference's argument.yml keys
 * (ALGORITHM.md 10). */
#ifndef PHOTO3D_PIPELINE_H
#define PHOTO3D_PIPELINE_H

#include "photo3d/core.h"
#include "photo3d/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

#define P3D_MAX_FILTER_PASSES 8

/* The options, named and defaulted as the reference's argument.yml. */
typedef struct p3d_pipeline_options {
    double depth_threshold;          /* 0.04: disparity jump of a discontinuity */
    int sparse_iter;                 /* 5: bilateral passes (num_iter - 1 take effect) */
    int filter_size[P3D_MAX_FILTER_PASSES]; /* 7 7 5 5 5 */
    int filter_size_count;
    double filter_min_ramp;          /* 0.1: the read blur and the filter run when ramps make this share of the jumps */
    double sigma_s, sigma_r;         /* 4.0, 0.5: read, unused (as in the reference) */
    int redundant_number;            /* 12: longest edge healed by short-edge removal */
    int background_thickness;        /* 70: synthesis rings, iteration 0 */
    int context_thickness;           /* 140 */
    int background_thickness_2;      /* 70: iteration 1 */
    int context_thickness_2;         /* 70 */
    int depth_edge_dilate;           /* 10: largest context erosion */
    int depth_edge_dilate_2;         /* 5: path refinement band (neural backend) */
    int extrapolate_border;          /* 1: fill the band and run the edge clean-up */
    int extrapolation_thickness;     /* 60: band width P */
    int largest_size;                /* 512: colour patch limit (for neural backends) */
    int log_depth;                   /* 1: (for neural backends) */
    double ext_edge_threshold;       /* 0.002: (for neural backends) */
    int repeat_inpaint_edge;         /* 1: two extra edge-net passes (neural backend) */
    int longer_side_len;             /* 960: working size */
    int min_component;               /* 200: smaller LDI components are dropped (hard-coded in the reference) */
} p3d_pipeline_options;

void p3d_pipeline_defaults(p3d_pipeline_options *o);

/* Sets one option from text ("depth_threshold", "0.05"; lists as "[7,7,5]"
 * or "7,7,5"). Keys of the reference's argument.yml that photo3d does not use
 * (video, paths, model files, ...) return 1 with *note set to why they are
 * ignored; a bad value is P3D_E_USAGE, an unknown key P3D_E_USAGE naming it. */
int p3d_pipeline_set(p3d_ctx *ctx, p3d_pipeline_options *o, const char *key, const char *value,
                     const char **note);
/* Reads a YAML mapping (the reference's argument.yml) into o. Ignored keys
 * are passed to the note callback (may be NULL). */
typedef void (*p3d_note_fn)(void *user, const char *key, const char *note);
int p3d_pipeline_load_yaml(p3d_ctx *ctx, p3d_pipeline_options *o, const char *path,
                           p3d_note_fn note, void *user);

/* The option table (for help text): name, default as text, help. */
typedef struct p3d_option_info {
    const char *name, *default_text, *help;
} p3d_option_info;
const p3d_option_info *p3d_pipeline_option_table(int *count);

/* The reference camera (ALGORITHM.md 2.6): focal length = longer side of the
 * photo, principal point at integer halves, both normalised by the photo
 * size (photo_w x photo_h, as decoded) and scaled to width x height. */
void p3d_reference_camera(int photo_w, int photo_h, int width, int height, p3d_camera *cam);

struct p3d_inpaint_backend;

/* What one build produced besides the mesh; maps are filled when
 * want_maps is set before the call (free with p3d_pipeline_debug_free). */
#define P3D_STAGE_COUNT 8
typedef struct p3d_pipeline_debug {
    int want_maps;
    p3d_map depth_filtered;     /* working size, after the bilateral filter */
    p3d_image edges;            /* canvas, gray: 255 foreground-side, 128 background-side edge */
    p3d_image labels[2];        /* canvas RGB per iteration: synthesis red, context green, eroded blue */
    p3d_image inpaint_depth[2]; /* canvas gray: synthesised depth (near = bright) */
    p3d_image inpaint_rgb[2];   /* canvas RGB: synthesised colour */
    long pixels, layers, edges_fg, edges_bg, regions[2], synthesized[2], tears, vertices, faces;
    long faces_reference;       /* what the reference's face rule gives on the same LDI */
    long dropped_nodes, refilled, healed_edges, dangling;
    const char *stage_name[P3D_STAGE_COUNT];
    double stage_seconds[P3D_STAGE_COUNT];
    int nstages;
} p3d_pipeline_debug;
void p3d_pipeline_debug_free(p3d_pipeline_debug *d);

/* The reference's input preparation (ALGORITHM.md 2.3, 2.4): the working
 * size comes from the depth map's shape (longer side = o->longer_side_len),
 * the photo is resized to it with INTER_AREA (keeping its gray flag), the
 * map is normalised to depth in [1/3, 20] by p3d_depth_from_map_sharp with
 * o's depth_threshold and filter_min_ramp: a map whose jumps are already
 * sharp is not blurred (nor, at the working size, filtered later; README).
 * depth_kind is a p3d_depth_kind (photo3d/io.h). */
int p3d_photo3d_inputs(p3d_ctx *ctx, const p3d_image *raw_photo, const p3d_map *raw_map,
                       int depth_kind, const p3d_pipeline_options *o, p3d_image *photo, p3d_map *depth);

/* photo and depth at the working size (depth > 0, as p3d_depth_from_map
 * returns it; non-finite values are replaced by the farthest finite depth);
 * photo_w, photo_h: the photo's decoded size (camera). The backend is asked
 * for edges, depth and colour of every crop. debug may be NULL. */
int p3d_photo3d_build(p3d_ctx *ctx, const p3d_image *photo, const p3d_map *depth, int photo_w,
                      int photo_h, const p3d_pipeline_options *o,
                      const struct p3d_inpaint_backend *backend, p3d_mesh *mesh,
                      p3d_pipeline_debug *debug);

#ifdef __cplusplus
}
#endif
#endif
