/* Colour membrane fill that distrusts the fringe of the context: the
 * background pixels next to a silhouette carry the foreground's colour mixed
 * in (anti-aliasing, defocus, depth edges placed to about a pixel), and a
 * membrane fill carries that tint across the whole hole. Each fringe pixel
 * (context within FRINGE_RINGS pixels of the mask, chessboard distance)
 * therefore enters the fill with the mean of its own colour and that of the
 * nearest context pixel beyond the fringe (4-connected, through the fringe).
 * The membrane is linear in its data, so the result is the mean of the fill
 * from the context as it is and the fill from the context with its fringe
 * repainted by the background beyond: half trust, measured best against
 * full repainting, other ring counts and leaving the fringe out
 * (bench/quality.sh, docs/EVAL.md). The continued depth edges (edge_out) are
 * walls of the solve, as they are for the depth (depth_fill.c): each side of
 * a surface boundary inside the hole takes its own side's colour (+0.09 dB,
 * docs/EVAL.md). The classical stand-in for the colour network's context
 * handling (ALGORITHM.md 5 step 7, 6.4). */
#include "inpaint/inpaint_steps.h"
#include "inpaint/mask_morph.h"

#include <stdlib.h>
#include <string.h>

#define FRINGE_RINGS 2

/* fringe = context pixels within `rings` of the mask: the mask dilated by
 * a (2 rings + 1)^2 square, kept to the known pixels (tmp: scratch). */
static void mark_fringe(const p3d_inpaint_job *job, int rings, uint8_t *tmp, int *prefix,
                        uint8_t *fringe)
{
    long n = (long)job->width * job->height;
    memcpy(fringe, job->mask, (size_t)n);
    mask_morph(fringe, tmp, job->width, job->height, rings, 0, prefix);
    for (long i = 0; i < n; i++)
        fringe[i] = fringe[i] && inpaint_is_known(job, i);
}

/* near[i] = the nearest known non-fringe pixel for fringe pixels reached
 * through the fringe from one, else -1 (order: breadth-first queue). */
static void nearest_beyond(const p3d_inpaint_job *job, const uint8_t *fringe, int32_t *near,
                           int32_t *order)
{
    const int w = job->width, h = job->height;
    long n = (long)w * h, head = 0, tail = 0;
    for (long i = 0; i < n; i++) {
        near[i] = inpaint_is_known(job, i) && !fringe[i] ? (int32_t)i : -1;
        if (near[i] >= 0)
            order[tail++] = (int32_t)i;
    }
    while (head < tail) {
        long i = order[head++];
        int x = (int)(i % w), y = (int)(i / w);
        long nb[4] = {x > 0 ? i - 1 : -1, x + 1 < w ? i + 1 : -1, y > 0 ? i - w : -1,
                      y + 1 < h ? i + w : -1};
        for (int k = 0; k < 4; k++)
            if (nb[k] >= 0 && fringe[nb[k]] && near[nb[k]] < 0) {
                near[nb[k]] = near[i];
                order[tail++] = (int32_t)nb[k];
            }
    }
}

int inpaint_diffuse_color_fringe(p3d_ctx *ctx, p3d_inpaint_job *job)
{
    long n = (long)job->width * job->height;
    if (n <= 0)
        return P3D_OK;
    uint8_t *fringe = malloc((size_t)n), *tmp = malloc((size_t)n), *rgb = malloc(3 * (size_t)n);
    int32_t *near = malloc(sizeof(int32_t) * n), *order = malloc(sizeof(int32_t) * n);
    int *prefix = malloc(sizeof(int) * ((job->width > job->height ? job->width : job->height) + 1));
    int rc = fringe && tmp && rgb && near && order && prefix
                 ? P3D_OK
                 : p3d_fail(ctx, P3D_E_NOMEM, "fringe fill: out of memory for %dx%d pixels",
                            job->width, job->height);
    if (!rc) {
        mark_fringe(job, FRINGE_RINGS, tmp, prefix, fringe);
        nearest_beyond(job, fringe, near, order);
        memcpy(rgb, job->rgb, 3 * (size_t)n);
        for (long i = 0; i < n; i++)
            for (int c = 0; c < 3 && fringe[i] && near[i] >= 0; c++)
                rgb[3 * i + c] = (uint8_t)((job->rgb[3 * i + c] + job->rgb[3 * (long)near[i] + c] + 1) / 2);
        p3d_inpaint_job halved = *job;
        halved.rgb = rgb;
        rc = inpaint_diffuse_color(ctx, &halved, job->edge_out);
    }
    /* the context itself is passed through as it is */
    for (long i = 0; i < n && !rc; i++)
        if (fringe[i])
            memcpy(&job->rgb_out[3 * i], &job->rgb[3 * i], 3);
    free(fringe);
    free(tmp);
    free(rgb);
    free(near);
    free(order);
    free(prefix);
    return rc;
}
