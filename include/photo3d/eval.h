/* Novel-view quality: a 3D photo built from a source view is rendered at the
 * camera of a real target view and compared with it (PSNR, SSIM), over all
 * pixels, the pixels the source also sees and the disoccluded ones. Also the
 * geometry that maps metric depth or stereo disparity onto photo3d's camera
 * (ALGORITHM.md 2.6) and the baselines the classical backend is measured
 * against. docs/EVAL.md describes the protocol. */
#ifndef PHOTO3D_EVAL_H
#define PHOTO3D_EVAL_H

#include "photo3d/core.h"
#include "photo3d/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- metrics ---- */

/* PSNR (dB, peak 255) of the mean squared error over all three channels of
 * the pixels where select is non-zero (select NULL: every pixel). INFINITY
 * for identical pixels, NAN when nothing is selected. Sizes must match. */
double p3d_psnr(const p3d_image *a, const p3d_image *b, const uint8_t *select);

/* SSIM (Wang et al. 2004) of the luminance Y = 0.299 R + 0.587 G + 0.114 B:
 * 11x11 Gaussian window (sigma 1.5, truncated at the image border and
 * renormalised), K1 = 0.01, K2 = 0.03, L = 255. map receives the per-pixel
 * SSIM (allocated here). */
int p3d_ssim_map(p3d_ctx *ctx, const p3d_image *a, const p3d_image *b, p3d_map *map);
/* Mean of map over the selected pixels (NAN when none). */
double p3d_map_mean(const p3d_map *map, const uint8_t *select);

/* ---- geometry ---- */

typedef enum {
    P3D_EVAL_INPUT_DEPTH,    /* metric depth Z along the optical axis */
    P3D_EVAL_INPUT_DISPARITY /* stereo disparity in pixels (after a scale), baseline = 1 unit */
} p3d_eval_input_kind;

/* Metric depth from a depth or disparity map of the photo's size: depth Z
 * is kept; disparity v gives Z = focal / (v * disparity_scale), i.e. the
 * baseline of the disparity is the unit of length. Unknown values (not
 * finite, <= 0) become 0. P3D_E_INPUT when nothing is known. */
int p3d_eval_metric_depth(p3d_ctx *ctx, const p3d_map *raw, p3d_eval_input_kind kind,
                          double disparity_scale, double focal, p3d_map *z);
/* The scale s that makes the largest disparity 1 / (s Z) of the known
 * (> 0) depths 3.0, the reference's normalisation (ALGORITHM.md 2.4): scaling
 * depths and the camera centre by s keeps every image exactly. */
double p3d_eval_scene_scale(const p3d_map *z);
/* Unknown depths (0) take the largest known depth among their 4-neighbours,
 * ring by ring from the known pixels (holes are filled from their
 * background side). */
int p3d_eval_fill_unknown(p3d_ctx *ctx, p3d_map *z);

/* Values of a target view's pixel class (the synth masks use 0, 128, 255). */
#define P3D_EVAL_SEEN 0          /* the source view shows this point */
#define P3D_EVAL_UNKNOWN 64      /* ground truth unknown: left out of every score */
#define P3D_EVAL_OUTSIDE 128     /* outside the source frame */
#define P3D_EVAL_DISOCCLUDED 255 /* inside the source frame, hidden in the source view */

/* Disocclusion mask of the target camera (cam, centre `center` in the units
 * of z) by forward warping the source depth z (0 = unknown; source camera
 * cam at the origin): the source pixels form a grid mesh whose links tear
 * where the image motions of two neighbours differ by more than half a
 * pixel; target pixels the mesh does not cover are disoccluded, or outside
 * when their ray leaves the source frame (at the target's depth when
 * target_z is given, else at any depth of z's range). Target pixels with
 * unknown target_z, or showing a source pixel of unknown depth, are
 * unknown. mask (1 channel) is allocated here. */
int p3d_eval_disocclusion(p3d_ctx *ctx, const p3d_map *z, const p3d_camera *cam,
                          const double center[3], const p3d_map *target_z, p3d_image *mask);

/* ---- the comparison ---- */

typedef enum {
    P3D_EVAL_OURS,      /* the classical backend */
    P3D_EVAL_DIFFUSION, /* holes filled by membrane diffusion of depth and colour */
    P3D_EVAL_STRETCH,   /* one untorn mesh of the filtered depth, nothing synthesised */
    P3D_EVAL_HOLES,     /* ours torn mesh without synthesised vertices: gray holes */
    P3D_EVAL_METHODS
} p3d_eval_method;

/* "classical", "diffusion", "stretch", "holes"; p3d_eval_method_from_name -1 if unknown. */
const char *p3d_eval_method_name(int method);
int p3d_eval_method_from_name(const char *name);

typedef struct p3d_eval_score {
    double psnr, ssim; /* NAN when the region is empty */
    long pixels;
} p3d_eval_score;

typedef struct p3d_eval_result {
    int done;
    p3d_eval_score all, seen, disoccluded; /* all = every pixel not unknown */
    double build_seconds;                  /* 0 for holes (it reuses ours' mesh) */
    p3d_image view;                        /* the rendered target view (owned) */
} p3d_eval_result;

typedef struct p3d_eval_job {
    const p3d_image *source;     /* the source photo */
    const p3d_map *depth;        /* its depth, scaled (p3d_eval_scene_scale), no unknowns */
    const p3d_image *target;     /* the real target photo, same size */
    const p3d_image *mask;       /* target pixel classes (P3D_EVAL_*), same size */
    double center[3];            /* target camera centre, same units as depth */
    const p3d_pipeline_options *options;
    unsigned methods;            /* bit (1 << p3d_eval_method) per method to run */
} p3d_eval_job;

/* Builds, renders (p3d_render_view at the source's reference camera) and
 * scores each requested method. results[m] is filled for every method;
 * free with p3d_eval_results_free. */
int p3d_eval_run(p3d_ctx *ctx, const p3d_eval_job *job, p3d_eval_result results[P3D_EVAL_METHODS]);
void p3d_eval_results_free(p3d_eval_result results[P3D_EVAL_METHODS]);

/* The side-by-side picture: one row per done method of source | rendered |
 * truth | error heat map (|error| averaged over channels, x4, black-red-
 * yellow; disoccluded pixels outlined in cyan, unknown ones dark blue). */
int p3d_eval_side_by_side(p3d_ctx *ctx, const p3d_eval_job *job,
                          const p3d_eval_result results[P3D_EVAL_METHODS], p3d_image *out);

#ifdef __cplusplus
}
#endif
#endif
