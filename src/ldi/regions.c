/* Context and synthesis regions by BFS over LDI links (mesh.py:
 * context_and_holes; ALGORITHM.md 5).
 *
 * The synthesis region (mask) grows from the edge's own nodes over the
 * foreground surface, the context from the edge's far nodes over the
 * background, one ring at a time, mask first; each pixel goes to whoever
 * reaches it first, and neither crosses a torn link. Kept from the reference:
 * context seed groups of one node dropped for edges of more than 2 nodes, the
 * mask frontier that keeps occupying pixels past its thickness, the
 * intersect rule at ring 10 (passive_background) and the erosion of the
 * context rings next to the silhouette (ratio 0.3). Simplified: no
 * untouchable sets, no intersect growth after ring 10, no preliminary depth
 * and extended context (steps 6, 8, 9), and the 3-pixel forbidden border is
 * applied on all four sides of the canvas (the reference forbids only the
 * top and left band, by accident). */
#include "ldi/regions.h"

#include <stdlib.h>
#include <string.h>

#define PASSIVE_BACKGROUND 10
#define FORBIDDEN_BORDER 3
#define ERODE_RATIO 0.3
#define MAX_SEEDS 16

int region_ws_init(p3d_ctx *ctx, region_ws *ws, const ldi *l)
{
    memset(ws, 0, sizeof *ws);
    size_t n = (size_t)l->cw * l->ch;
    ws->cw = l->cw, ws->ch = l->ch;
    ws->label = calloc(n, 1);
    ws->ring = malloc(n * sizeof *ws->ring);
    ws->node = malloc(n * sizeof *ws->node);
    ws->touched = malloc(n * sizeof *ws->touched);
    ws->keys = malloc(n * sizeof *ws->keys);
    int ok = ws->label && ws->ring && ws->node && ws->touched && ws->keys;
    for (int k = 0; k < 4; k++)
        ok = ok && (ws->queue[k] = malloc(n * sizeof *ws->queue[k]));
    if (!ok) {
        region_ws_free(ws);
        return p3d_fail(ctx, P3D_E_NOMEM, "regions: out of memory for the %dx%d canvas", l->cw, l->ch);
    }
    return P3D_OK;
}

void region_ws_free(region_ws *ws)
{
    free(ws->label), free(ws->ring), free(ws->node), free(ws->touched), free(ws->keys);
    for (int k = 0; k < 4; k++)
        free(ws->queue[k]);
    memset(ws, 0, sizeof *ws);
}

static int forbidden(const region_ws *ws, int pix)
{
    int x = pix % ws->cw, y = pix / ws->cw;
    return x < FORBIDDEN_BORDER || y < FORBIDDEN_BORDER || x >= ws->cw - FORBIDDEN_BORDER ||
           y >= ws->ch - FORBIDDEN_BORDER;
}

static void put(region_ws *ws, int pix, int label, long node, int ring)
{
    if (ws->label[pix] == REGION_NONE)
        ws->touched[ws->ntouched++] = pix;
    ws->label[pix] = (uint8_t)label;
    ws->node[pix] = (int32_t)node;
    ws->ring[pix] = (int16_t)ring;
}

static int touches_context(const region_ws *ws, int pix)
{
    int x = pix % ws->cw, y = pix / ws->cw;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx, yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < ws->cw && yy < ws->ch &&
                ws->label[yy * ws->cw + xx] == REGION_CONTEXT)
                return 1;
        }
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Context seeds: far nodes of the edge, minus groups (by their own edge id)
 * of a single node when the edge has more than 2 nodes. keys is scratch of
 * the canvas size. Returns the count written to seeds. */
static long seed_context(const ldi *l, const int32_t *nodes, long len, const region_params *p,
                         region_ws *ws, int32_t *seeds, int64_t *keys)
{
    long n = 0, cap = (long)ws->cw * ws->ch;
    for (long k = 0; k < len; k++) {
        int32_t far[MAX_SEEDS];
        int nf = ldi_relations(l, nodes[k], 1, p->iter, far, MAX_SEEDS);
        for (int f = 0; f < nf && f < MAX_SEEDS && n < cap; f++)
            if (l->edge[far[f]] != l->edge[nodes[k]])
                keys[n++] = ((int64_t)(l->edge[far[f]] + 1) << 32) | far[f];
    }
    qsort(keys, n, sizeof *keys, cmp_i64);
    long kept = 0;
    for (long i = 0, j; i < n; i = j) {
        int64_t group = keys[i] >> 32;
        long distinct = 0;
        for (j = i; j < n && keys[j] >> 32 == group; j++)
            distinct += j == i || keys[j] != keys[j - 1];
        if (len > 2 && group > 0 && distinct == 1)
            continue;
        for (long k = i; k < j; k++) {
            int32_t node = (int32_t)(keys[k] & 0xffffffff);
            int pix = l->pix[node];
            if (ws->label[pix] == REGION_NONE && !forbidden(ws, pix)) {
                put(ws, pix, REGION_CONTEXT, node, 0);
                seeds[kept++] = node;
            }
        }
    }
    return kept;
}

void region_build(const ldi *l, const ldi_edges *edges, int e,
                  const region_params *p, region_ws *ws)
{
    for (long k = 0; k < ws->ntouched; k++)
        ws->label[ws->touched[k]] = REGION_NONE;
    ws->ntouched = 0;
    ws->nmask = ws->ncontext = 0;
    const int32_t *nodes = edges->nodes + edges->start[e];
    long len = edges->start[e + 1] - edges->start[e];
    int32_t *mcur = ws->queue[0], *mnext = ws->queue[1], *ccur = ws->queue[2], *cnext = ws->queue[3];
    long nm = 0, nc;
    for (long k = 0; k < len; k++) {
        int pix = l->pix[nodes[k]];
        if (ws->label[pix] == REGION_NONE && !forbidden(ws, pix))
            put(ws, pix, REGION_MASK, nodes[k], 0), mcur[nm++] = nodes[k];
    }
    nc = seed_context(l, nodes, len, p, ws, ccur, ws->keys);
    if (nc == 0 || nm == 0) {
        ws->nmask = ws->ncontext = 0;
        return;
    }
    int rings = p->mask_rings > p->context_rings ? p->mask_rings : p->context_rings;
    long ring_count[1024] = {0};
    ring_count[0] = nc;
    for (int i = 0; i < rings && (nm || nc); i++) {
        long nm2 = 0, nc2 = 0;
        for (long k = 0; k < nm; k++)
            for (int d = 0; d < 4; d++) {
                int32_t m = l->link[4 * (long)mcur[k] + d];
                if (m < 0 || l->iter[m] > p->iter || (p->iter == 1 && l->iter[m] != 1))
                    continue;
                int pix = l->pix[m];
                if (ws->label[pix] != REGION_NONE || forbidden(ws, pix))
                    continue;
                if (p->iter == 0 && i == PASSIVE_BACKGROUND && touches_context(ws, pix)) {
                    put(ws, pix, REGION_INTERSECT, -1, 0);
                    continue;
                }
                put(ws, pix, i < p->mask_rings ? REGION_MASK : REGION_OCCUPIED, m, 0);
                mnext[nm2++] = m;
            }
        for (long k = 0; k < nc; k++)
            for (int d = 0; d < 4; d++) {
                int32_t m = l->link[4 * (long)ccur[k] + d];
                if (m < 0 || l->iter[m] > p->iter)
                    continue;
                int pix = l->pix[m];
                int lab = ws->label[pix];
                if ((lab != REGION_NONE && lab != REGION_INTERSECT) || forbidden(ws, pix))
                    continue;
                put(ws, pix, REGION_CONTEXT, m, i + 1);
                cnext[nc2++] = m;
            }
        if (i + 1 < 1024)
            ring_count[i + 1] = nc2;
        int32_t *t = mcur;
        mcur = mnext, mnext = t, nm = nm2;
        t = ccur, ccur = cnext, cnext = t, nc = nc2;
    }
    /* Erosion: rings 0..t-1 of the context, t from erode_max down while they
     * hold more than 30 % of the context. */
    long total = 0;
    for (int r = 0; r <= rings && r < 1024; r++)
        total += ring_count[r];
    int t = p->erode_max;
    for (;;) {
        long s = 0;
        for (int r = 0; r < t; r++)
            s += ring_count[r];
        if (t == 0 || s / (total + 1e-6) <= ERODE_RATIO)
            break;
        t--;
    }
    int x0 = ws->cw, y0 = ws->ch, x1 = -1, y1 = -1;
    for (long k = 0; k < ws->ntouched; k++) {
        int pix = ws->touched[k];
        int lab = ws->label[pix];
        if (lab == REGION_CONTEXT && ws->ring[pix] < t)
            ws->label[pix] = lab = REGION_ERODE;
        if (lab == REGION_MASK)
            ws->nmask++;
        else if (lab == REGION_CONTEXT)
            ws->ncontext++;
        else if (lab != REGION_ERODE)
            continue;
        int x = pix % ws->cw, y = pix / ws->cw;
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1, y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
    }
    ws->box[0] = x0, ws->box[1] = y0, ws->box[2] = x1, ws->box[3] = y1;
}
