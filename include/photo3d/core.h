/* photo3d core types: the explicit context, errors, images and 2-D float maps.
 *
 * Every library function takes a p3d_ctx and returns P3D_OK (0) or an error
 * code; on error the context holds a one-line message (p3d_errmsg). The
 * library never prints and never exits: the CLI does. */
#ifndef PHOTO3D_CORE_H
#define PHOTO3D_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PHOTO3D_VERSION "0.1.0"

/* Error codes. P3D_E_INPUT and P3D_E_USAGE map to the CLI exit codes 1 and 2. */
typedef enum {
    P3D_OK = 0,
    P3D_E_INPUT = 1,   /* bad or unreadable input file / data */
    P3D_E_USAGE = 2,   /* bad argument from the caller */
    P3D_E_NOMEM = 3,   /* allocation failed */
    P3D_E_IO = 4,      /* writing an output failed */
    P3D_E_LIMIT = 5,   /* input exceeds a configured limit */
    P3D_E_INTERNAL = 6 /* a bug: an invariant did not hold */
} p3d_status;

/* Progress callback: stage name, done units, total units (total 0 = unknown). */
typedef void (*p3d_progress_fn)(void *user, const char *stage, long done, long total);

/* Explicit context: error slot, limits, threads, progress. Zero-initialise
 * with p3d_ctx_init; it owns no heap memory. */
typedef struct p3d_ctx {
    int status;
    char msg[512];
    long max_pixels;          /* images/maps larger than this are refused before allocation */
    int threads;              /* worker threads for parallel stages (>= 1) */
    p3d_progress_fn progress; /* may be NULL */
    void *progress_user;
} p3d_ctx;

void p3d_ctx_init(p3d_ctx *ctx);
const char *p3d_errmsg(const p3d_ctx *ctx);
/* Records an error (printf-style message) and returns the code. The first
 * error wins until p3d_clear_error: context set by callers can be prefixed
 * with p3d_error_prefix. */
int p3d_fail(p3d_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void p3d_error_prefix(p3d_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void p3d_clear_error(p3d_ctx *ctx);
void p3d_report(p3d_ctx *ctx, const char *stage, long done, long total);

/* 8-bit interleaved image. channels is 3 (RGB) for photos after loading. */
typedef struct p3d_image {
    int width, height, channels;
    uint8_t *data; /* width*height*channels bytes, row-major, owned */
    bool gray;     /* every pixel had R == G == B at load time (reference semantics) */
} p3d_image;

/* Single-channel float map (depth, disparity, masks). */
typedef struct p3d_map {
    int width, height;
    float *data; /* width*height, row-major, owned */
} p3d_map;

int p3d_image_alloc(p3d_ctx *ctx, p3d_image *img, int width, int height, int channels);
void p3d_image_free(p3d_image *img);
int p3d_map_alloc(p3d_ctx *ctx, p3d_map *map, int width, int height);
void p3d_map_free(p3d_map *map);
/* dst = a new copy of src (dst is overwritten, not freed). */
int p3d_map_copy(p3d_ctx *ctx, const p3d_map *src, p3d_map *dst);

/* Pinhole camera in pixels of a width x height image. */
typedef struct p3d_camera {
    int width, height;
    double fx, fy, cx, cy;
} p3d_camera;

#ifdef __cplusplus
}
#endif
#endif
