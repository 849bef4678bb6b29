/* A trivial inpainting backend for tests only: every mask pixel copies the
 * depth and colour of its nearest context pixel (4-connected BFS over the
 * crop; pixels no context reaches get depth 0 and black); its edges are the
 * input edges plus the mask pixels whose nearest context pixel's depth
 * differs from a 4-neighbour's (where the copied depth will jump). */
#ifndef P3D_TEST_NEAREST_BACKEND_H
#define P3D_TEST_NEAREST_BACKEND_H

#include "inpaint/backend.h"

#include <stdlib.h>
#include <string.h>

static int nearest_fill(p3d_ctx *ctx, p3d_inpaint_job *j, int want_depth)
{
    size_t n = (size_t)j->width * j->height;
    int32_t *src = malloc(n * sizeof *src), *queue = malloc(n * sizeof *queue);
    if (!src || !queue) {
        free(src), free(queue);
        return p3d_fail(ctx, P3D_E_NOMEM, "test backend: out of memory");
    }
    long qh = 0, qt = 0;
    for (size_t i = 0; i < n; i++) {
        src[i] = j->context[i] ? (int32_t)i : -1;
        if (j->context[i])
            queue[qt++] = (int32_t)i;
    }
    static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    while (qh < qt) {
        int i = queue[qh++], x = i % j->width, y = i / j->width;
        for (int d = 0; d < 4; d++) {
            int xx = x + dx[d], yy = y + dy[d];
            if (xx < 0 || yy < 0 || xx >= j->width || yy >= j->height)
                continue;
            int k = yy * j->width + xx;
            if (src[k] < 0)
                src[k] = src[i], queue[qt++] = k;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!j->mask[i])
            continue;
        if (want_depth)
            j->depth_out[i] = src[i] >= 0 ? j->depth[src[i]] : 0;
        else if (src[i] >= 0)
            memcpy(j->rgb_out + 3 * i, j->rgb + 3 * (size_t)src[i], 3);
        else
            memset(j->rgb_out + 3 * i, 0, 3);
    }
    free(src), free(queue);
    return P3D_OK;
}

static int nearest_edges(p3d_ctx *ctx, void *state, p3d_inpaint_job *j)
{
    (void)state;
    size_t n = (size_t)j->width * j->height;
    float *saved = j->depth_out, *d = malloc(n * sizeof *d);
    if (!d)
        return p3d_fail(ctx, P3D_E_NOMEM, "test backend: out of memory");
    j->depth_out = d;
    int rc = nearest_fill(ctx, j, 1);
    j->depth_out = saved;
    memcpy(j->edge_out, j->edge, n);
    for (int y = 0; y < j->height && !rc; y++)
        for (int x = 0; x < j->width; x++) {
            size_t i = (size_t)y * j->width + x;
            if (!j->mask[i])
                continue;
            if ((x + 1 < j->width && j->mask[i + 1] && d[i + 1] != d[i]) ||
                (y + 1 < j->height && j->mask[i + j->width] && d[i + j->width] != d[i]))
                j->edge_out[i] = 1;
        }
    free(d);
    return rc;
}

static int nearest_depth(p3d_ctx *ctx, void *state, p3d_inpaint_job *j)
{
    (void)state;
    return nearest_fill(ctx, j, 1);
}

static int nearest_color(p3d_ctx *ctx, void *state, p3d_inpaint_job *j)
{
    (void)state;
    return nearest_fill(ctx, j, 0);
}

static const p3d_inpaint_backend nearest_backend = {"nearest (test)", NULL, nearest_edges,
                                                    nearest_depth, nearest_color, NULL};

#endif
