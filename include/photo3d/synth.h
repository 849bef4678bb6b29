/* Synthetic RGB-D scenes of known geometry: a room (back wall, floor) with
 * textured boxes, spheres and cylinders that occlude each other, rendered by
 * analytic ray casting with photo3d's own camera model (ALGORITHM.md 2.6, 8).
 * Used as the bundled example and as exact ground truth for novel views.
 *
 * Coordinates: X right, Y down, Z forward (into the scene); the source camera
 * sits at the origin. A pixel (col j, row i) with depth Z is the point
 * X = Z (j + 0.5 - cx) / f, Y = Z (i + 0.5 - cy) / f, with f = max(W, H),
 * cx = W / 2, cy = H / 2 (integer halves). Other views translate the camera
 * centre without rotating it. */
#ifndef PHOTO3D_SYNTH_H
#define PHOTO3D_SYNTH_H

#include "photo3d/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    P3D_SYNTH_PLANE,    /* infinite plane through centre with unit normal */
    P3D_SYNTH_SPHERE,   /* size[0] = radius */
    P3D_SYNTH_BOX,      /* size = full extents along its own x, y, z; yaw_deg about Y */
    P3D_SYNTH_CYLINDER  /* upright (axis Y), closed; size[0] = radius, size[1] = height */
} p3d_synth_shape;

typedef enum {
    P3D_SYNTH_CHECKER, /* squares of side scale */
    P3D_SYNTH_STRIPES, /* bands of period scale along the surface's u, soft-edged */
    P3D_SYNTH_BRICKS,  /* running-bond bricks (scale x scale/2) with mortar joints */
    P3D_SYNTH_NOISE,   /* fractal value noise of feature size scale, blending a and b */
    P3D_SYNTH_RINGS,   /* concentric rings of period scale around the surface origin */
    P3D_SYNTH_DOTS     /* discs on a square grid of period scale */
} p3d_synth_texture_kind;

typedef struct p3d_synth_texture {
    p3d_synth_texture_kind kind;
    double color_a[3], color_b[3]; /* linear RGB in 0..1 */
    double scale;                  /* pattern period, scene units */
    uint32_t noise_seed;           /* per-object variation of noise and brick tints */
} p3d_synth_texture;

typedef struct p3d_synth_object {
    char name[32];
    p3d_synth_shape shape;
    double centre[3]; /* plane: a point on it */
    double normal[3]; /* plane only: unit normal facing the camera */
    double size[3];
    double yaw_deg;   /* box only */
    p3d_synth_texture texture;
} p3d_synth_object;

#define P3D_SYNTH_MAX_OBJECTS 12

typedef struct p3d_synth_scene {
    int width, height;
    uint64_t seed;
    p3d_camera camera;
    double light_dir[3]; /* unit vector pointing towards the (directional) light */
    double ambient;      /* shade = ambient + (1 - ambient) max(0, n.l) when lit */
    int nobjects;
    p3d_synth_object objects[P3D_SYNTH_MAX_OBJECTS]; /* objects[0] wall, [1] floor */
} p3d_synth_scene;

/* Poses used when the caller gives none: camera centres in scene units. */
#define P3D_SYNTH_DEFAULT_POSES 3
extern const double p3d_synth_default_poses[P3D_SYNTH_DEFAULT_POSES][3];

/* The camera photo3d assumes for a width x height photo: f = max(W, H),
 * cx = W / 2, cy = H / 2 (integer division). */
void p3d_synth_camera(int width, int height, p3d_camera *cam);

/* Builds the scene for a seed; the same seed always gives the same scene.
 * Sizes from 16 to 8192 per side are accepted (P3D_E_USAGE otherwise). */
int p3d_synth_scene_make(p3d_ctx *ctx, int width, int height, uint64_t seed, p3d_synth_scene *s);

/* P3D_E_USAGE unless a camera centred at `centre` is inside the room (in
 * front of the wall, above the floor) and outside every object. */
int p3d_synth_pose_check(p3d_ctx *ctx, const p3d_synth_scene *s, const double centre[3]);

/* Renders the view from camera centre `centre` (no rotation): colour as the
 * 3x3 box average of supersamples, depth Z (along the optical axis, from the
 * camera centre) of the pixel-centre ray. rgb (3 channels) and depth are
 * allocated here; the caller frees them. */
int p3d_synth_render(p3d_ctx *ctx, const p3d_synth_scene *s, const double centre[3],
                     p3d_image *rgb, p3d_map *depth);

/* Values of the disocclusion mask. */
#define P3D_SYNTH_SEEN_IN_SOURCE 0     /* the source view shows this surface point too */
#define P3D_SYNTH_OUTSIDE_SOURCE 128   /* the point projects outside the source frame */
#define P3D_SYNTH_HIDDEN_IN_SOURCE 255 /* inside the source frame but occluded there */

/* For the view from `centre`: per pixel, whether the surface point its centre
 * ray hits is seen by the source camera (at the origin), decided by an exact
 * segment test. mask (1 channel) is allocated here; the caller frees it. */
int p3d_synth_visibility(p3d_ctx *ctx, const p3d_synth_scene *s, const double centre[3],
                         p3d_image *mask);

/* Renders the source view and one view per pose and writes into dir (created
 * if missing): image.png, depth.npy, disparity.pfm, view_K.png,
 * view_K_depth.npy and view_K_hidden.png (the visibility mask) for
 * K = 1..npose, scene.json. Poses are checked before
 * anything is written. */
int p3d_synth_write(p3d_ctx *ctx, const p3d_synth_scene *s, const char *dir,
                    const double (*poses)[3], int npose);

#ifdef __cplusplus
}
#endif
#endif
