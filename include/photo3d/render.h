/* Rendering a 3D photo mesh into parallax videos (ALGORITHM.md 9): camera
 * trajectories, a software rasterizer with the reference's camera, the
 * per-frame post-processing (3x supersampling, blur, area downscale, aspect
 * crop, border crop) and video encoding (libavcodec). Also the glTF export. */
#ifndef PHOTO3D_RENDER_H
#define PHOTO3D_RENDER_H

#include "photo3d/core.h"
#include "photo3d/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- trajectories (utils.py: path_planning) ---- */

typedef enum {
    P3D_TRAJ_DOUBLE_STRAIGHT_LINE, /* linear from -shift to +shift */
    P3D_TRAJ_CIRCLE,               /* (x cos(pi t), y sin(pi t), z cos(pi t / 2)), t = -2 + 4k/N */
    P3D_TRAJ_STRAIGHT_LINE         /* linear from 0 to shift */
} p3d_traj_type;

/* The reference's anti-flickering renders 3x3 samples per pixel, blurs
 * them and averages (supersample 3, its exact pipeline). 2x2 samples with
 * the matched filter of frame_reduce.c give the same effect: frames within
 * about 50 dB of the 3x ones and the same PSNR against the reference's
 * videos (33.0 dB zoom-in), for 25 % less CPU. */
#define P3D_SUPERSAMPLE_DEFAULT 2

/* One camera pose: the translation t of the pose [I | t]; the camera centre
 * is at -t in mesh coordinates. fov (radians) <= 0 means "the mesh's fov"
 * (or the dolly-zoom fov when the video asks for it). */
typedef struct p3d_pose {
    double t[3];
    double fov;
} p3d_pose;

/* Fills poses[0..nframes-1]; fov is set to 0. */
void p3d_trajectory(p3d_traj_type type, const double shift[3], int nframes, p3d_pose *poses);
/* "double-straight-line" | "circle" | "straight-line"; -1 if unknown. */
int p3d_traj_type_from_name(const char *name);
/* A user path: one pose per line, "tx ty tz" or "tx ty tz fov_degrees";
 * blank lines and lines starting with '#' are skipped. *poses is malloc'd. */
int p3d_trajectory_load(p3d_ctx *ctx, const char *path, p3d_pose **poses, int *nposes);

/* ---- videos ---- */

#define P3D_MAX_VIDEOS 16

typedef struct p3d_video_spec {
    char name[64]; /* file suffix: <stem>_<name>.<ext>; a name containing "dolly" zooms */
    p3d_traj_type type;
    double shift[3];
} p3d_video_spec;

typedef enum { P3D_VIDEO_MP4, P3D_VIDEO_WEBM, P3D_VIDEO_GIF, P3D_VIDEO_PNG } p3d_video_format;

/* Where the time went (filled by p3d_render_videos when asked). */
typedef struct p3d_render_stats {
    long frames;
    double render_seconds; /* rasterising and post-processing */
    double encode_seconds; /* colour conversion and encoding, in the encoder thread */
    char encoder[32];      /* the libavcodec encoder used (libx264 unless it is missing) */
    double total_seconds;
} p3d_render_stats;

/* How far (output pixels) the renderer's simplification of flat mesh
 * regions may move any point, at most (0: the mesh as it is). */
#define P3D_LOD_ERROR_DEFAULT 0.25

typedef struct p3d_render_options {
    int nvideos;
    p3d_video_spec videos[P3D_MAX_VIDEOS]; /* default: dolly-zoom-in, zoom-in, circle, swing */
    int num_frames;                       /* 240 */
    int fps;                              /* 40 */
    int supersample;                      /* anti-flickering factor (1 = off), P3D_SUPERSAMPLE_DEFAULT */
    double crop_border[4];                /* fractions [top, left, bottom, right] */
    p3d_video_format format;              /* mp4 */
    int crf;                              /* quality for H.264 / VP9, 18 */
    double simplify;                      /* largest on-screen error (output pixels) of the
                                           * simplified mesh, P3D_LOD_ERROR_DEFAULT; 0 = exact */
    const p3d_pose *path;                 /* a custom path replaces the videos when set */
    int path_len;
    const char *path_name;                /* its file suffix ("path" when NULL) */
    p3d_render_stats *stats;              /* may be NULL */
} p3d_render_options;

void p3d_render_options_default(p3d_render_options *opt);
/* Sets one option from text with the reference's argument.yml names: fps,
 * num_frames, x_shift_range, y_shift_range, z_shift_range, traj_types,
 * video_postfix (parallel lists "[a, b]" or "a,b": each sets the first n
 * videos and makes n the video count), crop_border, anti_flickering.
 * P3D_E_USAGE for unknown keys and bad values. */
int p3d_render_options_set(p3d_ctx *ctx, p3d_render_options *opt, const char *key,
                           const char *value);
/* Selects default videos by name ("zoom-in,circle"); P3D_E_USAGE for unknown names. */
int p3d_render_options_select(p3d_ctx *ctx, p3d_render_options *opt, const char *names);
const char *p3d_video_format_ext(p3d_video_format f);

/* The depth of the image centre (mean_loc_depth of ALGORITHM.md 2.4) as
 * far as the mesh tells it: the original-layer vertex nearest to the
 * centre pixel's ray. Used when the depth map is not at hand. */
double p3d_mesh_center_depth(const p3d_mesh *mesh);

/* Renders every video of opt into out_dir/<stem>_<name>.<ext> (png: a
 * folder <stem>_<name> of frame_NNNNN.png). mean_loc_depth drives the dolly zoom. Each output is
 * atomic. */
int p3d_render_videos(p3d_ctx *ctx, const p3d_mesh *mesh, const p3d_render_options *opt,
                      const char *out_dir, const char *stem, double mean_loc_depth);

/* ---- single frames ---- */

/* One finished video frame as the reference makes it: the square canvas of
 * side max(H, W) rendered supersample times larger from the camera centre
 * -pose->t with the given fov (radians), blurred, area-downscaled,
 * aspect-cropped, border-cropped (crop_border) and cut to even size. out is
 * allocated (RGB). */
int p3d_render_frame(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                     int supersample, const double crop_border[4], p3d_image *out);

/* ---- one view at a given camera ---- */

/* One view at an arbitrary pinhole camera, with no video post-processing
 * (no supersampling, blur or crops): cam->width x cam->height pixels, pixel
 * (i, j) sampled at its centre (j + 0.5, i + 0.5), projection
 * u = cx + fx X / Z, v = cy + fy Y / Z of p - centre (camera centre in mesh
 * coordinates; pose t of p3d_pose is centre = -t), z-buffer, gray 128 where
 * no triangle covers. rgb (3 channels) is allocated here; depth (may be
 * NULL) receives Z of the visible surface, 0 where uncovered. For the
 * mesh's own camera use p3d_reference_camera (photo3d/pipeline.h). */
int p3d_render_view(p3d_ctx *ctx, const p3d_mesh *mesh, const p3d_camera *cam,
                    const double center[3], p3d_image *rgb, p3d_map *depth);

/* ---- glTF ---- */

/* glTF 2.0 binary (.glb): positions in glTF axes (Y up, camera looking
 * down -Z: y and z negated), vertex colours, triangles, and a perspective
 * camera with the photo's field of view at the origin. Atomic. */
int p3d_mesh_save_glb(p3d_ctx *ctx, const char *path, const p3d_mesh *mesh);

#ifdef __cplusplus
}
#endif
#endif
