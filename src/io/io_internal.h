/* Internal interface of src/io: whole-file reading, format sniffing and the
 * memory-buffer decoders behind the public loaders (also used by the fuzz
 * targets, which feed bytes without touching the file system). Every decoder
 * names the input `name` in its error messages ("<name>: <problem>"). */
#ifndef P3D_IO_INTERNAL_H
#define P3D_IO_INTERNAL_H

#include "photo3d/io.h"

typedef enum {
    P3D_FMT_UNKNOWN,
    P3D_FMT_JPEG,
    P3D_FMT_PNG,
    P3D_FMT_NPY,
    P3D_FMT_PFM
} p3d_format;

/* Decodes the bytes of a file whose format was recognised into out. */
typedef int (*p3d_decode_fn)(p3d_ctx *ctx, const char *path, p3d_format format,
                             const uint8_t *buf, size_t len, void *out, p3d_file_info *info);
/* Reads the whole of path, recognises its format and calls decode; the bytes
 * are freed after. Refuses directories, empty files and files over 2 GiB. */
int p3d_decode_file(p3d_ctx *ctx, const char *path, p3d_decode_fn decode, void *out,
                    p3d_file_info *info);
/* Recognises a format by its first bytes (magic numbers, not extensions). */
p3d_format p3d_sniff_format(const uint8_t *buf, size_t len);

/* Decoders from memory. On failure the outputs are left empty (freed). */
int p3d_jpeg_decode(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len,
                    p3d_image *img, p3d_file_info *info);
/* as_map: keep the raw gray samples (8 or 16 bit) as floats in *map instead
 * of producing an 8-bit RGB *img; colour PNGs are refused then. */
int p3d_png_decode(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len, int as_map,
                   p3d_image *img, p3d_map *map, p3d_file_info *info);
int p3d_npy_parse(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len, p3d_array *a,
                  p3d_file_info *info);
int p3d_pfm_parse(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len, p3d_map *map,
                  p3d_file_info *info);

/* Refuses width x height over ctx->max_pixels (checked before allocating). */
int p3d_check_pixels(p3d_ctx *ctx, const char *name, uint64_t width, uint64_t height);

/* Writes an 8- or 16-bit PNG atomically. rows: height rows of width*channels
 * samples in PNG byte order (16-bit samples big-endian). channels 1, 3 or 4. */
int p3d_png_write(p3d_ctx *ctx, const char *path, int width, int height, int channels,
                  int bit_depth, const uint8_t *data);

/* cv2.blur(d, (3, 3)) of a w x h float map in place, border reflect-101:
 * box sums in double, scaled by 1/9, stored as float (ALGORITHM.md 2.4 step
 * 3 and 7). Returns 0 when out of memory, 1 otherwise. */
int p3d_box3x3(float *d, int w, int h);

#endif
