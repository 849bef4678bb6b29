/* EXIF orientation: reads tag 0x0112 from IFD0 of a JPEG's APP1 TIFF block
 * (either byte order) and applies the flip/rotation it names (TIFF 6.0 /
 * EXIF 2.3 "Orientation": 1 upright, 2 mirrored, 3 rotated 180, 4 flipped,
 * 5 transposed, 6 needs 90 degrees clockwise, 7 transversed, 8 needs 90
 * degrees counter-clockwise). Every read is bounds-checked. */
#include "io/exif_orientation.h"

#include <stdlib.h>
#include <string.h>

static unsigned read16(const uint8_t *p, int big)
{
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t read32(const uint8_t *p, int big)
{
    return big ? (uint32_t)read16(p, 1) << 16 | read16(p + 2, 1)
               : (uint32_t)read16(p + 2, 0) << 16 | read16(p, 0);
}

int p3d_exif_orientation(const uint8_t *app1, size_t len)
{
    if (len < 14 || memcmp(app1, "Exif\0\0", 6) != 0)
        return 1;
    const uint8_t *tiff = app1 + 6;
    size_t n = len - 6;
    int big;
    if (memcmp(tiff, "MM", 2) == 0)
        big = 1;
    else if (memcmp(tiff, "II", 2) == 0)
        big = 0;
    else
        return 1;
    uint32_t ifd = read32(tiff + 4, big);
    if (ifd > n || n - ifd < 2)
        return 1;
    unsigned count = read16(tiff + ifd, big);
    for (unsigned i = 0; i < count; i++) {
        size_t e = ifd + 2 + (size_t)i * 12;
        if (e + 12 > n)
            return 1;
        if (read16(tiff + e, big) == 0x0112 && read16(tiff + e + 2, big) == 3) {
            unsigned v = read16(tiff + e + 8, big);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* Source pixel of destination (dx, dy) for a w x h source. */
static void source_of(int orientation, int w, int h, int dx, int dy, int *sx, int *sy)
{
    switch (orientation) {
    case 2: *sx = w - 1 - dx, *sy = dy; break;
    case 3: *sx = w - 1 - dx, *sy = h - 1 - dy; break;
    case 4: *sx = dx, *sy = h - 1 - dy; break;
    case 5: *sx = dy, *sy = dx; break;
    case 6: *sx = dy, *sy = h - 1 - dx; break;
    case 7: *sx = w - 1 - dy, *sy = h - 1 - dx; break;
    case 8: *sx = w - 1 - dy, *sy = dx; break;
    default: *sx = dx, *sy = dy; break;
    }
}

int p3d_apply_orientation(p3d_ctx *ctx, p3d_image *img, int orientation)
{
    if (orientation <= 1 || orientation > 8)
        return P3D_OK;
    int w = img->width, h = img->height, c = img->channels;
    int swap = orientation >= 5;
    p3d_image out;
    int rc = p3d_image_alloc(ctx, &out, swap ? h : w, swap ? w : h, c);
    if (rc)
        return rc;
    for (int dy = 0; dy < out.height; dy++)
        for (int dx = 0; dx < out.width; dx++) {
            int sx, sy;
            source_of(orientation, w, h, dx, dy, &sx, &sy);
            memcpy(out.data + ((size_t)dy * out.width + dx) * c,
                   img->data + ((size_t)sy * w + sx) * c, (size_t)c);
        }
    out.gray = img->gray;
    p3d_image_free(img);
    *img = out;
    return P3D_OK;
}
