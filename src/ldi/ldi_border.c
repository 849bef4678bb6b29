/* Border extrapolation (ALGORITHM.md 4.8, 4.10): 8 inpainting jobs fill a
 * band of extrapolation_thickness pixels around the image, then the band
 * becomes one more part of the LDI.
 *
 * Before the band, the image's outermost ring copies its inward neighbours'
 * depth and lateral links (refresh_bord_depth), so discontinuities run
 * straight into the border. Simplified: no path tracing in the band (the band tears where its synthesised
 * disparity jumps), and the edge input of a side is every foreground edge
 * that reaches the side's valid line (the reference also records their end
 * depths for path tracing). */
#include "ldi/ldi_border.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    int y0, y1, x0, x1;      /* block, half-open, canvas coords */
    int my0, my1, mx0, mx1;  /* the band part it fills */
    int line_y, line_x;      /* valid line (row or column) or -1 */
} block;

static void make_blocks(const ldi *l, int c, block b[8])
{
    int P = l->pad, H = l->height, W = l->width, CH = l->ch, CW = l->cw;
    block t[8] = {
        {0, P + c, P, P + W, 0, P, P, P + W, P, -1},                           /* up */
        {P, P + H, 0, P + c, P, P + H, 0, P, -1, P},                           /* left */
        {P + H - c, CH, P, P + W, P + H, CH, P, P + W, P + H - 1, -1},         /* down */
        {P, P + H, P + W - c, CW, P, P + H, P + W, CW, -1, P + W - 1},         /* right */
        {0, P + c, P + W - c, CW, 0, P, P + W, CW, -1, -1},                    /* right-up */
        {P + H - c, CH, P + W - c, CW, P + H, CH, P + W, CW, -1, -1},          /* right-down */
        {0, P + c, 0, P + c, 0, P, 0, P, -1, -1},                              /* left-up */
        {P + H - c, CH, 0, P + c, P + H, CH, 0, P, -1, -1},                    /* left-down */
    };
    for (int k = 0; k < 8; k++) {
        b[k] = t[k];
        b[k].y0 = b[k].y0 < 0 ? 0 : b[k].y0, b[k].x0 = b[k].x0 < 0 ? 0 : b[k].x0;
        b[k].y1 = b[k].y1 > CH ? CH : b[k].y1, b[k].x1 = b[k].x1 > CW ? CW : b[k].x1;
    }
}

/* Known values on the canvas: the front layer inside the image, then the
 * band as it gets filled. */
typedef struct canvas_values {
    float *depth;
    uint8_t *rgb, *known;
    int32_t *edge_id;  /* foreground edge id of the front node, -1 */
} canvas_values;

static int fill_block(p3d_ctx *ctx, const ldi *l, const block *b, canvas_values *cv, int gray,
                      const p3d_inpaint_backend *backend)
{
    int w = b->x1 - b->x0, h = b->y1 - b->y0;
    if (w <= 0 || h <= 0 || b->my1 <= b->my0 || b->mx1 <= b->mx0)
        return P3D_OK;
    size_t n = (size_t)w * h;
    uint8_t *mem = calloc(n, 4 + 6 + 8);
    if (!mem)
        return p3d_fail(ctx, P3D_E_NOMEM, "border: out of memory for a %dx%d block", w, h);
    float *depth = (float *)mem, *depth_out = depth + n;
    uint8_t *context = (uint8_t *)(depth_out + n), *mask = context + n, *edge = mask + n;
    uint8_t *edge_out = edge + n, *rgb = edge_out + n, *rgb_out = rgb + 3 * n;
    /* foreground edges reaching the valid line */
    int32_t ids[64];
    int nids = 0, any_edge = 0;
    for (int y = b->y0; y < b->y1 && (b->line_y >= 0 || b->line_x >= 0); y++)
        for (int x = b->x0; x < b->x1; x++) {
            if (y != b->line_y && x != b->line_x)
                continue;
            int32_t id = cv->edge_id[y * l->cw + x];
            int seen = id < 0;
            for (int k = 0; k < nids && !seen; k++)
                seen = ids[k] == id;
            if (!seen && nids < 64)
                ids[nids++] = id;
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            int yy = y + b->y0, xx = x + b->x0, pix = yy * l->cw + xx;
            if (yy >= b->my0 && yy < b->my1 && xx >= b->mx0 && xx < b->mx1) {
                mask[i] = 1;
            } else if (cv->known[pix]) {
                context[i] = 1;
                depth[i] = cv->depth[pix];
                memcpy(rgb + 3 * i, cv->rgb + 3 * (size_t)pix, 3);
                for (int k = 0; k < nids; k++)
                    if (cv->edge_id[pix] == ids[k])
                        edge[i] = 1, any_edge = 1;
            }
        }
    p3d_inpaint_job job = {w, h, context, mask, edge, depth, rgb, gray, edge_out, depth_out, rgb_out};
    int rc = any_edge ? backend->edges(ctx, backend->state, &job)
                      : (memcpy(edge_out, edge, n), P3D_OK);
    if (!rc)
        rc = backend->depth(ctx, backend->state, &job);
    if (!rc)
        rc = backend->color(ctx, backend->state, &job);
    for (size_t i = 0; i < n && !rc; i++) {
        if (!mask[i])
            continue;
        int pix = (int)((i / w + b->y0) * l->cw + i % w + b->x0);
        float d = depth_out[i];
        cv->depth[pix] = d > 0 && isfinite(d) ? d : 1.0f;
        memcpy(cv->rgb + 3 * (size_t)pix, rgb_out + 3 * i, 3);
        cv->known[pix] = 1;
    }
    free(mem);
    return rc;
}

/* Nodes for the band in raster order, linked where the disparity is smooth. */
static int add_band_nodes(p3d_ctx *ctx, ldi *l, const canvas_values *cv, double threshold)
{
    for (int pix = 0; pix < l->cw * l->ch; pix++) {
        if (l->head[pix] >= 0 || !cv->known[pix])
            continue;
        long id = ldi_add_node(ctx, l, pix, cv->depth[pix], cv->rgb + 3 * (size_t)pix, LDI_BAND, 0);
        if (id < 0)
            return ctx->status;
    }
    for (int pix = 0; pix < l->cw * l->ch; pix++) {
        long a = l->head[pix];
        if (a < 0 || !(l->flags[a] & LDI_BAND))
            continue;
        for (int d = 0; d < 4; d++) {
            int q = ldi_neighbour_pix(l, pix, d);
            long b = q >= 0 ? l->head[q] : -1;
            if (b < 0 || l->link[4 * a + d] >= 0 || l->link[4 * b + LDI_OPPOSITE(d)] >= 0)
                continue;
            if (fabs(1.0 / l->depth[a] - 1.0 / l->depth[b]) <= threshold)
                ldi_link(l, a, d, b);
        }
    }
    return P3D_OK;
}

/* refresh_bord_depth: each ring pixel (corners apart) takes the depth of its
 * inward neighbour and mirrors that neighbour's links along the ring; a
 * corner takes the mean of its two ring neighbours and links to both. */
static void refresh_border_ring(ldi *l)
{
    int y0 = l->bord[0], x0 = l->bord[1], y1 = l->bord[2] - 1, x1 = l->bord[3] - 1;
    if (y1 - y0 < 2 || x1 - x0 < 2)
        return;
    for (int side = 0; side < 4; side++) {
        int inward = (side + 2) & 3; /* side = the direction the ring faces */
        int along = (side + 1) & 3;
        int n = side & 1 ? y1 - y0 - 1 : x1 - x0 - 1;
        for (int k = 1; k <= n; k++) {
            int x = side == LDI_LEFT ? x0 : side == LDI_RIGHT ? x1 : x0 + k;
            int y = side == LDI_UP ? y0 : side == LDI_DOWN ? y1 : y0 + k;
            long a = l->head[y * l->cw + x];
            long in = l->head[(y + ldi_dy[inward]) * l->cw + x + ldi_dx[inward]];
            if (a < 0 || in < 0)
                continue;
            l->depth[a] = l->depth[in];
            ldi_unlink(l, a, inward);
            ldi_link(l, a, inward, in);
            for (int dir = along, t = 0; t < 2; t++, dir = LDI_OPPOSITE(along)) {
                int q = ldi_neighbour_pix(l, l->pix[a], dir);
                long b = q >= 0 ? l->head[q] : -1;
                ldi_unlink(l, a, dir);
                if (b >= 0 && l->link[4 * in + dir] >= 0) {
                    ldi_unlink(l, b, LDI_OPPOSITE(dir));
                    ldi_link(l, a, dir, b);
                }
            }
        }
    }
    int cx[4] = {x0, x1, x1, x0}, cy[4] = {y0, y0, y1, y1};
    for (int c = 0; c < 4; c++) {
        long a = l->head[cy[c] * l->cw + cx[c]];
        if (a < 0)
            continue;
        double sum = 0;
        int cnt = 0;
        for (int dir = 0; dir < 4; dir++) {
            int q = ldi_neighbour_pix(l, l->pix[a], dir);
            long b = q >= 0 && ldi_inside_border(l, q) ? l->head[q] : -1;
            if (b < 0)
                continue;
            ldi_unlink(l, a, dir);
            ldi_unlink(l, b, LDI_OPPOSITE(dir));
            ldi_link(l, a, dir, b);
            sum += l->depth[b], cnt++;
        }
        if (cnt)
            l->depth[a] = (float)(sum / cnt);
    }
}

int ldi_extrapolate_border(p3d_ctx *ctx, ldi *l, const uint8_t *cls,
                           const p3d_pipeline_options *o, int gray,
                           const p3d_inpaint_backend *backend)
{
    refresh_border_ring(l);
    if (l->pad == 0)
        return P3D_OK;
    size_t n = (size_t)l->cw * l->ch;
    canvas_values cv = {malloc(n * sizeof(float)), malloc(3 * n), calloc(n, 1), malloc(n * sizeof(int32_t))};
    if (!cv.depth || !cv.rgb || !cv.known || !cv.edge_id) {
        free(cv.depth), free(cv.rgb), free(cv.known), free(cv.edge_id);
        return p3d_fail(ctx, P3D_E_NOMEM, "border: out of memory");
    }
    for (size_t pix = 0; pix < n; pix++) {
        int32_t m = l->head[pix];
        cv.edge_id[pix] = m >= 0 && cls[m] == LDI_CLASS_FG ? l->edge[m] : -1;
        if (m < 0)
            continue;
        cv.known[pix] = 1;
        cv.depth[pix] = l->depth[m];
        memcpy(cv.rgb + 3 * pix, l->rgb + 3 * (long)m, 3);
    }
    block b[8];
    make_blocks(l, o->context_thickness, b);
    /* When the image is at least context_thickness in both directions no
     * block reads another's band in the same group (the 4 sides, then the 4
     * corners), so each group runs in parallel with the reference's result. */
    int independent = l->height >= o->context_thickness && l->width >= o->context_thickness;
    int threads = independent && !backend->serial && ctx->threads > 1 ? (ctx->threads < 4 ? ctx->threads : 4) : 1;
    int rc = P3D_OK;
    for (int group = 0; group < 2 && !rc; group++) {
        int status[4] = {0};
        char msg[4][512];
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int k = 0; k < 4; k++) {
            p3d_ctx local;
            p3d_ctx_init(&local);
            local.max_pixels = ctx->max_pixels;
            status[k] = fill_block(&local, l, &b[4 * group + k], &cv, gray, backend);
            snprintf(msg[k], sizeof msg[k], "%s", p3d_errmsg(&local));
        }
        for (int k = 0; k < 4 && !rc; k++)
            if (status[k])
                rc = p3d_fail(ctx, status[k], "border extrapolation: %s", msg[k]);
        p3d_report(ctx, "border extrapolation", 4 * group + 4, 8);
    }
    if (!rc)
        rc = add_band_nodes(ctx, l, &cv, o->depth_threshold);
    if (!rc)
        l->bord[0] = 0, l->bord[1] = 0, l->bord[2] = l->ch, l->bord[3] = l->cw;
    free(cv.depth), free(cv.rgb), free(cv.known), free(cv.edge_id);
    return rc;
}
