/* Cropping a reduced frame to the video frame (ALGORITHM.md 9, per frame
 * steps 4-7): the aspect "anchor" crop with the reference's floating-point
 * length L, the border crop to the photo size, the crop_border fractions
 * [top, left, bottom, right] resized back with OpenCV-style INTER_CUBIC, and
 * the cut to even width and height for yuv420p. */
#include "render/frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void frame_anchor(int size, int height, int width, int *row0, int *row1, int *col0, int *col1)
{
    double ratio = (double)height / width;
    int half_size = size / 2;
    *row0 = *col0 = 0;
    *row1 = *col1 = size;
    if (ratio <= 1) {
        double len = width * ratio; /* floating-point error can shorten the crop */
        int half = (int)floor(len / 2);
        *row0 = half_size - half;
        *row1 = half_size + half < size - 1 ? half_size + half : size - 1;
    } else {
        double len = height / ratio;
        int half = (int)floor(len / 2);
        *col0 = half_size - half;
        *col1 = half_size + half < size - 1 ? half_size + half : size - 1;
    }
}

/* OpenCV's cubic weights (A = -0.75) for a fractional offset t in [0, 1). */
static void cubic_weights(float t, float w[4])
{
    const float a = -0.75f;
    w[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
    w[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
    w[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
    w[3] = 1 - w[0] - w[1] - w[2];
}

typedef struct {
    int idx[4];
    float w[4];
} cubic_tap;

/* Taps for dst_n outputs sampling a source of src_n pixels (replicated edges). */
static void cubic_taps(int src_n, int dst_n, int out_n, cubic_tap *taps)
{
    double scale = (double)src_n / dst_n;
    for (int d = 0; d < out_n; d++) {
        double f = (d + 0.5) * scale - 0.5;
        int s = (int)floor(f);
        cubic_weights((float)(f - s), taps[d].w);
        for (int k = 0; k < 4; k++) {
            int i = s - 1 + k;
            taps[d].idx[k] = i < 0 ? 0 : i >= src_n ? src_n - 1 : i;
        }
    }
}

static uint8_t to_u8(float v)
{
    return (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5f);
}

/* Resizes region (x0, y0, w, h) of src to full_w x full_h and keeps the
 * top-left dst->width x dst->height of the result. */
static int resize_cubic_region(const p3d_image *src, int x0, int y0, int w, int h, int full_w,
                               int full_h, p3d_image *dst, int threads)
{
    int ow = dst->width, oh = dst->height;
    cubic_tap *tx = malloc(sizeof *tx * ow), *ty = malloc(sizeof *ty * oh);
    float *rows = malloc(sizeof(float) * 3 * (size_t)ow * h);
    if (!tx || !ty || !rows) {
        free(tx), free(ty), free(rows);
        return 0;
    }
    cubic_taps(w, full_w, ow, tx);
    cubic_taps(h, full_h, oh, ty);
#pragma omp parallel num_threads(threads)
    {
#pragma omp for schedule(static)
        for (int y = 0; y < h; y++) {
            const uint8_t *s = src->data + ((size_t)(y0 + y) * src->width + x0) * 3;
            float *r = rows + (size_t)y * ow * 3;
            for (int x = 0; x < ow; x++)
                for (int ch = 0; ch < 3; ch++) {
                    const cubic_tap *t = tx + x;
                    r[3 * x + ch] = t->w[0] * s[3 * t->idx[0] + ch] + t->w[1] * s[3 * t->idx[1] + ch] +
                                    t->w[2] * s[3 * t->idx[2] + ch] + t->w[3] * s[3 * t->idx[3] + ch];
                }
        }
#pragma omp for schedule(static)
        for (int y = 0; y < oh; y++) {
            const cubic_tap *t = ty + y;
            const float *r0 = rows + (size_t)t->idx[0] * ow * 3, *r1 = rows + (size_t)t->idx[1] * ow * 3;
            const float *r2 = rows + (size_t)t->idx[2] * ow * 3, *r3 = rows + (size_t)t->idx[3] * ow * 3;
            uint8_t *d = dst->data + (size_t)y * ow * 3;
            for (int x = 0; x < 3 * ow; x++)
                d[x] = to_u8(t->w[0] * r0[x] + t->w[1] * r1[x] + t->w[2] * r2[x] + t->w[3] * r3[x]);
        }
    }
    free(tx), free(ty), free(rows);
    return 1;
}

int frame_finish(p3d_ctx *ctx, const p3d_image *square, int height, int width,
                 const double crop_border[4], p3d_image *out)
{
    int r0, r1, c0, c1;
    frame_anchor(square->width, height, width, &r0, &r1, &c0, &c1);
    /* border crop [0, H) x [0, W) of the anchored frame: a no-op unless the
     * canvas is larger than the photo */
    int hc = r1 - r0 < height ? r1 - r0 : height, wc = c1 - c0 < width ? c1 - c0 : width;
    int top = (int)(hc * crop_border[0]), left = (int)(wc * crop_border[1]);
    int bottom = (int)(hc * crop_border[2]), right = (int)(wc * crop_border[3]);
    int ch = hc - top - bottom, cw = wc - left - right;
    int oh = hc & ~1, ow = wc & ~1;
    if (ch <= 0 || cw <= 0 || oh <= 0 || ow <= 0)
        return p3d_fail(ctx, P3D_E_USAGE, "frame %dx%d is too small for crop_border", wc, hc);
    if (!out->data || out->width != ow || out->height != oh || out->channels != 3) {
        p3d_image_free(out);
        int rc = p3d_image_alloc(ctx, out, ow, oh, 3);
        if (rc)
            return rc;
    }
    if (ch == hc && cw == wc) { /* nothing cut: the cubic resize would be the identity */
        for (int y = 0; y < oh; y++)
            memcpy(out->data + (size_t)y * ow * 3,
                   square->data + ((size_t)(r0 + y) * square->width + c0) * 3, (size_t)ow * 3);
        return P3D_OK;
    }
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    if (!resize_cubic_region(square, c0 + left, r0 + top, cw, ch, wc, hc, out, threads))
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory resizing a frame");
    return P3D_OK;
}
