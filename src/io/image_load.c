/* Photo loading (ALGORITHM.md 2.2): the format is recognised by content,
 * decoded to 8-bit RGB, and flagged gray when R == G == B at every pixel of
 * the full-resolution image (the reference's gray_image test). */
#include "io/io_internal.h"

#include <string.h>

static bool all_pixels_gray(const p3d_image *img)
{
    size_t n = (size_t)img->width * img->height;
    const uint8_t *p = img->data;
    for (size_t i = 0; i < n; i++, p += 3)
        if (p[0] != p[1] || p[1] != p[2])
            return false;
    return true;
}

static int decode_image(p3d_ctx *ctx, const char *path, p3d_format format, const uint8_t *buf,
                        size_t len, void *out, p3d_file_info *info)
{
    switch (format) {
    case P3D_FMT_JPEG: return p3d_jpeg_decode(ctx, path, buf, len, out, info);
    case P3D_FMT_PNG: return p3d_png_decode(ctx, path, buf, len, 0, out, NULL, info);
    default: return p3d_fail(ctx, P3D_E_INPUT, "%s: not a JPEG or PNG image", path);
    }
}

int p3d_image_load_info(p3d_ctx *ctx, const char *path, p3d_image *img, p3d_file_info *info)
{
    memset(img, 0, sizeof *img);
    int rc = p3d_decode_file(ctx, path, decode_image, img, info);
    if (rc == P3D_OK)
        img->gray = all_pixels_gray(img);
    return rc;
}

int p3d_image_load(p3d_ctx *ctx, const char *path, p3d_image *img)
{
    return p3d_image_load_info(ctx, path, img, NULL);
}
