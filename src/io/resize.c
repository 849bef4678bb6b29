/* Resizing entry points (ALGORITHM.md 2.3, 7, 9): picks OpenCV's engine for
 * the mode and sizes exactly as cv::resize does, and the reference's working
 * size rule. */
#include "io/resize_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

double p3d_resize_scale(int src, int dst)
{
    double inv = (double)dst / src;
    return 1.0 / inv;
}

static int is_integer_scale(int src, int dst)
{
    double s = p3d_resize_scale(src, dst);
    return fabs(s - lrint(s)) < DBL_EPSILON;
}

int p3d_resize_integer_scales(int sw, int sh, int dw, int dh)
{
    return is_integer_scale(sw, dw) && is_integer_scale(sh, dh);
}

/* cv::resize turns INTER_LINEAR at exactly half size into INTER_AREA, and
 * only shrinks by true area averaging when both axes shrink. */
static int use_area(int sw, int sh, int dw, int dh, p3d_resize_mode mode)
{
    if (mode == P3D_RESIZE_LINEAR && p3d_resize_integer_scales(sw, sh, dw, dh) &&
        lrint(p3d_resize_scale(sw, dw)) == 2 && lrint(p3d_resize_scale(sh, dh)) == 2)
        return 1;
    return mode == P3D_RESIZE_AREA && sw >= dw && sh >= dh;
}

static int check_sizes(p3d_ctx *ctx, int sw, int sh, int dw, int dh)
{
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0)
        return p3d_fail(ctx, P3D_E_USAGE, "cannot resize %dx%d to %dx%d", sw, sh, dw, dh);
    return P3D_OK;
}

int p3d_image_resize(p3d_ctx *ctx, const p3d_image *src, int width, int height,
                     p3d_resize_mode mode, p3d_image *dst)
{
    int rc = check_sizes(ctx, src->width, src->height, width, height);
    if (rc || (rc = p3d_image_alloc(ctx, dst, width, height, src->channels)))
        return rc;
    dst->gray = src->gray;
    if (width == src->width && height == src->height)
        memcpy(dst->data, src->data, (size_t)width * height * src->channels);
    else if (use_area(src->width, src->height, width, height, mode)
                 ? p3d_resize_area_u8(src->data, src->width, src->height, src->channels, dst->data,
                                      width, height)
                 : p3d_resize_kernel_u8(src->data, src->width, src->height, src->channels,
                                        dst->data, width, height, mode)) {
        p3d_image_free(dst);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory resizing to %dx%d", width, height);
    }
    return P3D_OK;
}

int p3d_map_resize(p3d_ctx *ctx, const p3d_map *src, int width, int height,
                   p3d_resize_mode mode, p3d_map *dst)
{
    int rc = check_sizes(ctx, src->width, src->height, width, height);
    if (rc || (rc = p3d_map_alloc(ctx, dst, width, height)))
        return rc;
    if (width == src->width && height == src->height)
        memcpy(dst->data, src->data, (size_t)width * height * sizeof(float));
    else if (use_area(src->width, src->height, width, height, mode)
                 ? p3d_resize_area_f32(src->data, src->width, src->height, dst->data, width, height)
                 : p3d_resize_kernel_f32(src->data, src->width, src->height, dst->data, width,
                                         height, mode)) {
        p3d_map_free(dst);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory resizing to %dx%d", width, height);
    }
    return P3D_OK;
}

/* main.py: frac = longer_side_len / max(h, w); H = int(h * frac); W = int(w * frac). */
void p3d_working_size(int w, int h, int longer_side, int *out_w, int *out_h)
{
    double frac = (double)longer_side / (w > h ? w : h);
    *out_w = (int)(w * frac);
    *out_h = (int)(h * frac);
}
