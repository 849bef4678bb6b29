/* PNG writing with libpng, always through an atomic file (src/core/atomic_file.h):
 * 8-bit photos and masks, and the 16-bit depth PNG of the reference. */
#include "io/io_internal.h"
#include "core/atomic_file.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static void on_write_error(png_structp png, png_const_charp msg)
{
    char *err = png_get_error_ptr(png);
    snprintf(err, 200, "%s", msg);
    png_longjmp(png, 1);
}

static void on_write_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

int p3d_png_write(p3d_ctx *ctx, const char *path, int width, int height, int channels,
                  int bit_depth, const uint8_t *data)
{
    int ctype = channels == 1 ? PNG_COLOR_TYPE_GRAY
              : channels == 3 ? PNG_COLOR_TYPE_RGB
              : channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : -1;
    if (ctype < 0 || width <= 0 || height <= 0 || (bit_depth != 8 && bit_depth != 16))
        return p3d_fail(ctx, P3D_E_USAGE, "%s: cannot write a %dx%d PNG with %d channels of %d bits",
                        path, width, height, channels, bit_depth);
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    char err[200] = "";
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_write_error,
                                              on_write_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        p3d_atomic_abort(&af);
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        p3d_atomic_abort(&af);
        return p3d_fail(ctx, P3D_E_IO, "%s: PNG write failed: %s", path, err);
    }
    png_init_io(png, af.fp);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, ctype,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t stride = (size_t)width * channels * (bit_depth / 8);
    for (int y = 0; y < height; y++)
        png_write_row(png, data + (size_t)y * stride);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return p3d_atomic_commit(ctx, &af);
}

int p3d_image_save_png(p3d_ctx *ctx, const char *path, const p3d_image *img)
{
    return p3d_png_write(ctx, path, img->width, img->height, img->channels, 8, img->data);
}
