/* Cropping a reduced frame to the video frame (ALGORITHM.md 9, per frame
 * steps 4-7): the aspect "anchor" crop with the reference's floating-point
 * length L, the border crop to the photo size, the crop_border fractions
 * [top, left, bottom, right] resized back with OpenCV-style INTER_CUBIC, and
 * the cut to even width and height for yuv420p. The cubic resize is a
 * float, multi-threaded one that writes only the even-cut part: io's
 * OpenCV-exact fixed-point p3d_image_resize (single-threaded, plus copies in
 * and out) made each frame 12% slower; the two differ by at most 1 level. */
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

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
static const v8f top = {255, 255, 255, 255, 255, 255, 255, 255};

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
    int failed = 0;
#pragma omp parallel num_threads(threads)
    {
        /* a source row in float, padded so that a pixel loads as 4 floats */
        float *line = malloc(sizeof(float) * (3 * (size_t)w + 1));
        if (!line) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int y = 0; y < h; y++) {
            if (!line)
                continue;
            const uint8_t *s = src->data + ((size_t)(y0 + y) * src->width + x0) * 3;
            for (int i = 0; i < 3 * w; i++)
                line[i] = s[i];
            line[3 * w] = 0;
            float *r = rows + (size_t)y * ow * 3;
            for (int x = 0; x < ow; x++) {
                /* the 3 channels at once (the 4th lane is dropped) */
                const cubic_tap *t = tx + x;
                v4f p[4];
                for (int k = 0; k < 4; k++)
                    memcpy(&p[k], line + 3 * t->idx[k], sizeof p[k]);
                v4f sum = t->w[0] * p[0] + t->w[1] * p[1] + t->w[2] * p[2] + t->w[3] * p[3];
                memcpy(r + 3 * x, &sum, 3 * sizeof(float));
            }
        }
        free(line);
        int bad;
#pragma omp atomic read
        bad = failed;
#pragma omp for schedule(static)
        for (int y = 0; y < oh * !bad; y++) {
            const cubic_tap *t = ty + y;
            const float *r0 = rows + (size_t)t->idx[0] * ow * 3, *r1 = rows + (size_t)t->idx[1] * ow * 3;
            const float *r2 = rows + (size_t)t->idx[2] * ow * 3, *r3 = rows + (size_t)t->idx[3] * ow * 3;
            uint8_t *d = dst->data + (size_t)y * ow * 3;
            int x = 0;
            for (; x + 8 <= 3 * ow; x += 8) { /* as to_u8, 8 at a time */
                v8f p[4];
                memcpy(&p[0], r0 + x, sizeof p[0]);
                memcpy(&p[1], r1 + x, sizeof p[1]);
                memcpy(&p[2], r2 + x, sizeof p[2]);
                memcpy(&p[3], r3 + x, sizeof p[3]);
                v8f v = t->w[0] * p[0] + t->w[1] * p[1] + t->w[2] * p[2] + t->w[3] * p[3] + 0.5f;
                v8i bits = (v8i)v & (v > 0.5f); /* v <= 0 before rounding: 0 */
                v8i below = (v8f)bits < 255.5f;
                v8f clamped = (v8f)((bits & below) | ((v8i)top & ~below));
                v8i level = __builtin_convertvector(clamped, v8i);
                for (int k = 0; k < 8; k++)
                    d[x + k] = (uint8_t)level[k];
            }
            for (; x < 3 * ow; x++)
                d[x] = to_u8(t->w[0] * r0[x] + t->w[1] * r1[x] + t->w[2] * r2[x] + t->w[3] * r3[x]);
        }
    }
    free(tx), free(ty), free(rows);
    return !failed;
}

int frame_layout_of(p3d_ctx *ctx, int size, int height, int width, const double crop_border[4],
                    frame_layout *l)
{
    int r1, c1;
    frame_anchor(size, height, width, &l->r0, &r1, &l->c0, &c1);
    /* border crop [0, H) x [0, W) of the anchored frame: a no-op unless the
     * canvas is larger than the photo */
    l->hc = r1 - l->r0 < height ? r1 - l->r0 : height;
    l->wc = c1 - l->c0 < width ? c1 - l->c0 : width;
    l->top = (int)(l->hc * crop_border[0]);
    l->left = (int)(l->wc * crop_border[1]);
    l->ch = l->hc - l->top - (int)(l->hc * crop_border[2]);
    l->cw = l->wc - l->left - (int)(l->wc * crop_border[3]);
    l->oh = l->hc & ~1;
    l->ow = l->wc & ~1;
    if (l->ch <= 0 || l->cw <= 0 || l->oh <= 0 || l->ow <= 0)
        return p3d_fail(ctx, P3D_E_USAGE, "frame %dx%d is too small for crop_border", l->wc, l->hc);
    return P3D_OK;
}

/* Nothing cut by crop_border: the cubic resize would be the identity. */
static int uncut(const frame_layout *l)
{
    return l->ch == l->hc && l->cw == l->wc;
}

raster_rect frame_source_rect(const frame_layout *l)
{
    if (uncut(l))
        return (raster_rect){l->c0, l->r0, l->c0 + l->ow, l->r0 + l->oh};
    int x0 = l->c0 + l->left, y0 = l->r0 + l->top;
    return (raster_rect){x0, y0, x0 + l->cw, y0 + l->ch};
}

int frame_finish(p3d_ctx *ctx, const p3d_image *square, const frame_layout *l, p3d_image *out)
{
    int oh = l->oh, ow = l->ow;
    if (!out->data || out->width != ow || out->height != oh || out->channels != 3) {
        p3d_image_free(out);
        int rc = p3d_image_alloc(ctx, out, ow, oh, 3);
        if (rc)
            return rc;
    }
    if (uncut(l)) {
        for (int y = 0; y < oh; y++)
            memcpy(out->data + (size_t)y * ow * 3,
                   square->data + ((size_t)(l->r0 + y) * square->width + l->c0) * 3, (size_t)ow * 3);
        return P3D_OK;
    }
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    if (!resize_cubic_region(square, l->c0 + l->left, l->r0 + l->top, l->cw, l->ch, l->wc, l->hc,
                             out, threads))
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory resizing a frame");
    return P3D_OK;
}
