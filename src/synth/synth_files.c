/* Minimal atomic writers for the synth outputs: 8-bit gray or RGB PNG (libpng),
 * float32 .npy (format version 1.0) and Middlebury PFM (little-endian,
 * bottom row first). Stop-gap until the io stage provides them. */
#include "synth_files.h"
#include "core/atomic_file.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static int write_png_rows(FILE *fp, const p3d_image *img)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, img->width, img->height, 8,
                 img->channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int i = 0; i < img->height; i++)
        png_write_row(png, img->data + (size_t)i * img->width * img->channels);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int synth_save_png(p3d_ctx *ctx, const char *path, const p3d_image *img)
{
    if (img->channels != 1 && img->channels != 3)
        return p3d_fail(ctx, P3D_E_INTERNAL, "%s: expected a gray or RGB image", path);
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    if (write_png_rows(af.fp, img)) {
        p3d_atomic_abort(&af);
        return p3d_fail(ctx, P3D_E_IO, "%s: PNG encoding failed", path);
    }
    return p3d_atomic_commit(ctx, &af);
}

int synth_save_npy(p3d_ctx *ctx, const char *path, const p3d_map *map)
{
    char header[192];
    int len = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }",
                       map->height, map->width);
    /* Pad with spaces and a final newline so that the data starts at a multiple of 64. */
    int total = (10 + len + 1 + 63) / 64 * 64;
    memset(header + len, ' ', (size_t)(total - 10 - len));
    header[total - 10 - 1] = '\n';
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)((total - 10) & 0xff),
                             (unsigned char)((total - 10) >> 8)};
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    fwrite(pre, 1, sizeof pre, af.fp);
    fwrite(header, 1, (size_t)(total - 10), af.fp);
    fwrite(map->data, sizeof(float), (size_t)map->width * map->height, af.fp);
    return p3d_atomic_commit(ctx, &af);
}

int synth_save_pfm(p3d_ctx *ctx, const char *path, const p3d_map *map)
{
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    fprintf(af.fp, "Pf\n%d %d\n-1.0\n", map->width, map->height);
    for (int i = map->height - 1; i >= 0; i--)
        fwrite(map->data + (size_t)i * map->width, sizeof(float), (size_t)map->width, af.fp);
    return p3d_atomic_commit(ctx, &af);
}
