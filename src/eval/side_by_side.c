/* The picture to look at after an evaluation (photo3d/eval.h): per method a
 * row of source | rendered view | real target | error heat map, with the
 * disoccluded region outlined so that the pixels the scores are about can
 * be found at a glance. */
#include "photo3d/eval.h"

#include <stdlib.h>
#include <string.h>

#define GAP 4

/* |error| x 4 on a black -> red -> yellow -> white ramp. */
static void heat(int err, uint8_t out[3])
{
    int v = err * 4 > 765 ? 765 : err * 4;
    out[0] = (uint8_t)(v > 255 ? 255 : v);
    out[1] = (uint8_t)(v > 510 ? 255 : v > 255 ? v - 255 : 0);
    out[2] = (uint8_t)(v > 510 ? v - 510 : 0);
}

static int on_outline(const p3d_image *mask, int x, int y)
{
    const uint8_t *m = mask->data;
    int w = mask->width, h = mask->height;
    if (m[y * w + x] != P3D_EVAL_DISOCCLUDED)
        return 0;
    return x == 0 || y == 0 || x == w - 1 || y == h - 1 || m[y * w + x - 1] != P3D_EVAL_DISOCCLUDED ||
           m[y * w + x + 1] != P3D_EVAL_DISOCCLUDED || m[(y - 1) * w + x] != P3D_EVAL_DISOCCLUDED ||
           m[(y + 1) * w + x] != P3D_EVAL_DISOCCLUDED;
}

static void paste(p3d_image *out, const p3d_image *img, int x0, int y0)
{
    for (int y = 0; y < img->height; y++)
        memcpy(out->data + ((size_t)(y0 + y) * out->width + x0) * 3,
               img->data + (size_t)y * img->width * 3, (size_t)img->width * 3);
}

int p3d_eval_side_by_side(p3d_ctx *ctx, const p3d_eval_job *job,
                          const p3d_eval_result results[P3D_EVAL_METHODS], p3d_image *out)
{
    int w = job->source->width, h = job->source->height, rows = 0;
    for (int m = 0; m < P3D_EVAL_METHODS; m++)
        rows += results[m].done;
    memset(out, 0, sizeof *out);
    if (!rows)
        return p3d_fail(ctx, P3D_E_USAGE, "eval: no method was evaluated");
    int rc = p3d_image_alloc(ctx, out, 4 * w + 3 * GAP, rows * h + (rows - 1) * GAP, 3);
    if (rc)
        return rc;
    memset(out->data, 255, (size_t)out->width * out->height * 3);
    int row = 0;
    for (int m = 0; m < P3D_EVAL_METHODS; m++) {
        if (!results[m].done)
            continue;
        int y0 = row++ * (h + GAP);
        paste(out, job->source, 0, y0);
        paste(out, &results[m].view, w + GAP, y0);
        paste(out, job->target, 2 * (w + GAP), y0);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                size_t i = (size_t)y * w + x;
                uint8_t *o = out->data + ((size_t)(y0 + y) * out->width + 3 * (w + GAP) + x) * 3;
                const uint8_t *a = results[m].view.data + 3 * i, *b = job->target->data + 3 * i;
                int err = (abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2])) / 3;
                heat(err, o);
                if (job->mask->data[i] == P3D_EVAL_UNKNOWN)
                    o[0] = 0, o[1] = 0, o[2] = 96;
                if (on_outline(job->mask, x, y))
                    o[0] = 0, o[1] = 255, o[2] = 255;
            }
    }
    return P3D_OK;
}
