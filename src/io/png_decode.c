/* PNG decoding with libpng from memory (ALGORITHM.md 2.2 and 2.4): either a
 * photo (any PNG -> 8-bit RGB: palette expanded, 16-bit samples rounded to 8
 * bits, alpha dropped) or a depth map (gray PNG -> raw 8/16-bit values as
 * floats). libpng errors come back through longjmp and become P3D_E_INPUT;
 * the pixel limit is checked on the header, before any pixel memory exists. */
#include "io/io_internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *buf;
    size_t len, pos;
    char err[200];
} png_source;

static void on_error(png_structp png, png_const_charp msg)
{
    png_source *s = png_get_error_ptr(png);
    snprintf(s->err, sizeof s->err, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* libpng warnings (bad ancillary chunks) are not worth a failure */
}

static void read_from_memory(png_structp png, png_bytep out, size_t n)
{
    png_source *s = png_get_io_ptr(png);
    if (n > s->len - s->pos)
        png_error(png, "file is truncated");
    memcpy(out, s->buf + s->pos, n);
    s->pos += n;
}

static int file_channels(int color_type, int has_trns)
{
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return has_trns ? 2 : 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_PALETTE: return has_trns ? 4 : 3;
    case PNG_COLOR_TYPE_RGB: return has_trns ? 4 : 3;
    default: return 4;
    }
}

/* Converts height x width native-endian 8/16-bit samples to floats. */
static void samples_to_floats(const uint8_t *raw, int bit_depth, size_t n, float *out)
{
    if (bit_depth == 16) {
        const uint16_t *s = (const uint16_t *)raw;
        for (size_t i = 0; i < n; i++)
            out[i] = s[i];
    } else {
        for (size_t i = 0; i < n; i++)
            out[i] = raw[i];
    }
}

int p3d_png_decode(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len, int as_map,
                   p3d_image *img, p3d_map *map, p3d_file_info *info)
{
    if (img)
        memset(img, 0, sizeof *img);
    if (map)
        memset(map, 0, sizeof *map);
    /* The IHDR chunk always comes first: refuse an oversized image before
     * libpng reads further (png_read_info reads up to the first IDAT). */
    if (len >= 24 && memcmp(buf + 12, "IHDR", 4) == 0) {
        uint32_t w = (uint32_t)buf[16] << 24 | (uint32_t)buf[17] << 16 | (uint32_t)buf[18] << 8 | buf[19];
        uint32_t h = (uint32_t)buf[20] << 24 | (uint32_t)buf[21] << 16 | (uint32_t)buf[22] << 8 | buf[23];
        int rc = p3d_check_pixels(ctx, name, w, h);
        if (rc)
            return rc;
    }
    png_source src = {buf, len, 0, ""};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error, on_warning);
    png_infop pinfo = png ? png_create_info_struct(png) : NULL;
    if (!pinfo) {
        png_destroy_read_struct(&png, NULL, NULL);
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", name);
    }
    uint8_t *volatile raw = NULL;
    png_bytep *volatile rows = NULL;
    volatile int rc = P3D_OK;
    if (setjmp(png_jmpbuf(png))) {
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: bad PNG: %s", name, src.err);
        goto done;
    }
    png_set_read_fn(png, &src, read_from_memory);
    png_read_info(png, pinfo);
    png_uint_32 w, h;
    int depth, ctype, interlace;
    png_get_IHDR(png, pinfo, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    int has_trns = png_get_valid(png, pinfo, PNG_INFO_tRNS) != 0;
    if (info) {
        memset(info, 0, sizeof *info);
        strcpy(info->format, "PNG");
        info->channels = file_channels(ctype, has_trns);
        info->bit_depth = depth;
    }
    if ((rc = p3d_check_pixels(ctx, name, w, h)))
        goto done;
    if (as_map) {
        if (ctype & PNG_COLOR_MASK_COLOR) {
            rc = p3d_fail(ctx, P3D_E_INPUT, "%s: a depth map PNG must be gray (one channel), "
                          "this one has colour", name);
            goto done;
        }
        png_set_expand_gray_1_2_4_to_8(png);
        if (depth == 16) {
            const uint16_t one = 1;
            if (*(const uint8_t *)&one == 1)
                png_set_swap(png);
        }
    } else {
        png_set_expand(png);
        png_set_scale_16(png);
        png_set_gray_to_rgb(png);
    }
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    size_t rowbytes = png_get_rowbytes(png, pinfo);
    size_t want = as_map ? (size_t)w * (depth == 16 ? 2 : 1) : (size_t)w * 3;
    if (rowbytes != want) {
        rc = p3d_fail(ctx, P3D_E_INTERNAL, "%s: unexpected PNG row size %zu", name, rowbytes);
        goto done;
    }
    if (as_map)
        raw = malloc(rowbytes * h);
    else if ((rc = p3d_image_alloc(ctx, img, (int)w, (int)h, 3)))
        goto done;
    rows = malloc(sizeof(png_bytep) * h);
    if (!rows || (as_map && !raw)) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory for %ux%u pixels", name, w, h);
        goto done;
    }
    uint8_t *base = as_map ? raw : img->data;
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = base + (size_t)y * rowbytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    if (as_map) {
        if ((rc = p3d_map_alloc(ctx, map, (int)w, (int)h)))
            goto done;
        samples_to_floats(raw, depth == 16 ? 16 : 8, (size_t)w * h, map->data);
    }
done:
    png_destroy_read_struct(&png, &pinfo, NULL);
    free(rows);
    free(raw);
    if (rc) {
        if (img)
            p3d_image_free(img);
        if (map)
            p3d_map_free(map);
    }
    return rc;
}
