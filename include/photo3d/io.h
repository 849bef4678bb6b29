/* Reading and writing photos, depth/disparity maps and arrays; resizing; the
 * reference's depth normalisation. Decoding is done by libjpeg-turbo and
 * libpng; every writer is atomic (temporary file, then rename). */
#ifndef PHOTO3D_IO_H
#define PHOTO3D_IO_H

#include "photo3d/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Photo: JPEG or PNG (8/16-bit, gray/RGB/RGBA/palette; recognised by
 * content). The result is always 3-channel 8-bit RGB; alpha is dropped;
 * 16-bit samples are rounded to 8 bits; JPEGs are turned upright by their
 * EXIF orientation; img->gray is set when R == G == B everywhere. The pixel
 * limit (ctx->max_pixels, P3D_E_LIMIT) is checked on the header before
 * allocating; damaged files give P3D_E_INPUT "<path>: <problem>". */
int p3d_image_load(p3d_ctx *ctx, const char *path, p3d_image *img);

/* What a file held before conversion (shown by `photo3d info`). */
typedef struct p3d_file_info {
    char format[8]; /* "JPEG", "PNG", "NPY", "PFM" */
    int channels;   /* samples per pixel in the file (PNG palette: 3, or 4 with transparency) */
    int bit_depth;  /* bits per sample in the file (npy: item size x 8) */
    char dtype[8];  /* .npy only: the descr, e.g. "<f4" */
    int fortran_order;
    int ndim;       /* .npy only: the stored shape */
    long shape[4];
} p3d_file_info;
/* Recognises a file by its first bytes (never by its name): *format becomes
 * "JPEG", "PNG", "NPY", "PFM" or "" when unknown. Fails only when the file
 * cannot be read. */
int p3d_file_format(p3d_ctx *ctx, const char *path, const char **format);
/* p3d_image_load that also describes the file; info may be NULL. JPEGs
 * with an EXIF orientation tag are turned upright. */
int p3d_image_load_info(p3d_ctx *ctx, const char *path, p3d_image *img, p3d_file_info *info);
/* PNG writer for 1, 3 or 4 channel 8-bit images. */
int p3d_image_save_png(p3d_ctx *ctx, const char *path, const p3d_image *img);

/* N-dimensional float32 array (as read from / written to .npy). */
#define P3D_ARRAY_MAXDIM 4
typedef struct p3d_array {
    int ndim;
    long shape[P3D_ARRAY_MAXDIM];
    float *data; /* C order, owned */
} p3d_array;
void p3d_array_free(p3d_array *a);
/* .npy of float32/float64/uint8/uint16 (and other integer types), either
 * endianness, C or Fortran order, up to 4 dimensions; converted to float32. */
int p3d_npy_load(p3d_ctx *ctx, const char *path, p3d_array *a);
int p3d_npy_save(p3d_ctx *ctx, const char *path, const p3d_array *a);
/* p3d_npy_load that also describes the file; info may be NULL. Arrays of more
 * than 4 x ctx->max_pixels elements are refused before allocating. */
int p3d_npy_load_info(p3d_ctx *ctx, const char *path, p3d_array *a, p3d_file_info *info);

/* Depth/disparity map: .npy of shape (H,W) or (H,W,1), 8/16-bit gray PNG (raw
 * values 0..255 / 0..65535; 1/2/4-bit gray is scaled to 0..255 by libpng;
 * alpha is dropped; colour is refused), or PFM (Middlebury; +-inf kept as given). */
int p3d_map_load(p3d_ctx *ctx, const char *path, p3d_map *map);
/* p3d_map_load that also describes the file; info may be NULL. A colour PFM
 * ("PF") is refused: depth maps are single-channel. The PFM scale's sign
 * gives the byte order; its magnitude is ignored (values are kept as stored). */
int p3d_map_load_info(p3d_ctx *ctx, const char *path, p3d_map *map, p3d_file_info *info);
int p3d_map_save_npy(p3d_ctx *ctx, const char *path, const p3d_map *map);
int p3d_map_save_pfm(p3d_ctx *ctx, const char *path, const p3d_map *map);
/* 16-bit PNG of a linear min-max rescale as the reference's MiDaS write_depth:
 * uint16(65535 * (d - min) / (max - min)) in float32, truncated; all 0 for a
 * flat map; non-finite values are written as 0 and ignored for min/max. */
int p3d_map_save_png16(p3d_ctx *ctx, const char *path, const p3d_map *map);

typedef enum {
    P3D_RESIZE_AREA,   /* OpenCV INTER_AREA: exact area average down, its linear scheme up */
    P3D_RESIZE_LINEAR, /* bilinear, half-pixel centres, edge clamp */
    P3D_RESIZE_CUBIC   /* bicubic a = -0.75 (OpenCV INTER_CUBIC), half-pixel centres, edge clamp */
} p3d_resize_mode;
/* Both follow cv2.resize 4.6 including its rounding: uint8 results are
 * bit-identical and float results agree to float rounding (tests/test_io_parity.py).
 * dst is allocated (pixel limit checked) and owned by the caller. */
int p3d_image_resize(p3d_ctx *ctx, const p3d_image *src, int width, int height,
                     p3d_resize_mode mode, p3d_image *dst);
int p3d_map_resize(p3d_ctx *ctx, const p3d_map *src, int width, int height,
                   p3d_resize_mode mode, p3d_map *dst);

/* The working size of the reference: the longer side of (w, h) becomes
 * longer_side (truncating the other), e.g. 640x640 -> 960x960. */
void p3d_working_size(int w, int h, int longer_side, int *out_w, int *out_h);

typedef enum {
    P3D_DEPTH_KIND_DISPARITY, /* larger = nearer (MiDaS output, the reference's .npy) */
    P3D_DEPTH_KIND_DEPTH      /* distance; converted to disparity 1/d first */
} p3d_depth_kind;

/* The reference's depth read path (ALGORITHM.md 2.4): d -= min(d);
 * 3x3 box blur (reflect-101) of d/max * max; rescale so max = 3.0;
 * skimage-style bilinear resize to width x height (anti-aliased when
 * shrinking); depth = 1 / max(d, 0.05). Values that are not finite (or, for
 * P3D_DEPTH_KIND_DEPTH, not positive) are unknown and take the farthest
 * value of the map; a map without any known value is P3D_E_INPUT. A flat
 * map (no reference behaviour: it divides by zero) gives depth 1/3
 * everywhere. Output depth lies in [1/3, 20]. Matches the Python reference
 * to float rounding (tests/test_io_parity.py). */
int p3d_depth_from_map(p3d_ctx *ctx, const p3d_map *raw, p3d_depth_kind kind, int width,
                       int height, p3d_map *depth);
/* The same, except that the 3x3 box blur is left out where the map's jumps
 * are already sharp: it has discontinuities (disparity steps above
 * threshold in the units of the result, maximum 3) and its ramp pixels are
 * fewer than min_ramp of them (p3d_disparity_ramp_fraction, before the
 * blur). min_ramp <= 0: always blurred, as p3d_depth_from_map. *blurred
 * (may be NULL) tells which. */
int p3d_depth_from_map_sharp(p3d_ctx *ctx, const p3d_map *raw, p3d_depth_kind kind, int width, int height,
                             double threshold, double min_ramp, p3d_map *depth, int *blurred);

#ifdef __cplusplus
}
#endif
#endif
