/* Context and synthesis regions by BFS over LDI links (mesh.py:
 * context_and_holes; ALGORITHM.md 5).
 *
 * The synthesis region (mask) grows from the edge's own nodes over the
 * foreground surface, the context from the edge's far nodes over the
 * background, one ring at a time, mask first; each pixel goes to whoever
 * reaches it first, and neither crosses a torn link. Kept from the reference:
 * context seed groups of one node dropped for edges of more than 2 nodes, the
 * mask frontier that keeps occupying pixels past its thickness, the
 * intersect buffer started at ring 10 (passive_background) next to the
 * context and grown by BFS after it, and the erosion of the context rings
 * next to the silhouette (ratio 0.3), and the untouchable set (what lies in
 * front of the edge or of the mask's other discontinuities, and behind
 * those; grows by BFS). Deliberate change: untouchables block only the
 * context here; blocking the mask too, as the reference does, left visible
 * holes (no layer) next to other edges on the moon example. Simplified: no
 * preliminary depth and extended context (steps 6, 8, 9), and the 3-pixel
 * forbidden border is applied on all four sides of the canvas (the
 * reference forbids only the top and left band, by accident). */
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
    for (int k = 0; k < 8; k++)
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
    for (int k = 0; k < 8; k++)
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

static int next_to_mask(const region_ws *ws, int pix)
{
    int x = pix % ws->cw, y = pix / ws->cw;
    for (int d = 0; d < 4; d++) {
        int xx = x + ldi_dx[d], yy = y + ldi_dy[d];
        if (xx >= 0 && yy >= 0 && xx < ws->cw && yy < ws->ch && ws->label[yy * ws->cw + xx] == REGION_MASK)
            return 1;
    }
    return 0;
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

/* One BFS frontier: the nodes reached in the last ring and the next one. */
typedef struct frontier {
    int32_t *cur, *next;
    long n, n2;
} frontier;

static void frontier_advance(frontier *f)
{
    int32_t *t = f->cur;
    f->cur = f->next, f->next = t, f->n = f->n2, f->n2 = 0;
}

static void add(region_ws *ws, frontier *f, int pix, int label, long node, int ring)
{
    put(ws, pix, label, node, ring);
    f->next[f->n2++] = (int32_t)node;
}

/* Untouchable: blocks the context, grows by BFS (iteration 0). */
static void mark_untouchable(region_ws *ws, frontier *u, const ldi *l, long node)
{
    int pix = l->pix[node];
    if (ws->label[pix] == REGION_NONE && !forbidden(ws, pix))
        add(ws, u, pix, REGION_UNTOUCHABLE, node, 0);
}

/* When the mask reaches a node on another discontinuity: what lies in front
 * of it, and (for a foreground-side node) what lies behind it with its
 * neighbours, is no context of this edge. */
static void untouchables_of(region_ws *ws, frontier *u, const ldi *l, long n, int iter)
{
    int32_t rel[MAX_SEEDS];
    int nr = ldi_relations(l, n, 0, iter, rel, MAX_SEEDS);
    for (int k = 0; k < nr && k < MAX_SEEDS; k++)
        mark_untouchable(ws, u, l, rel[k]);
    nr = ldi_relations(l, n, 1, iter, rel, MAX_SEEDS);
    for (int k = 0; k < nr && k < MAX_SEEDS; k++) {
        mark_untouchable(ws, u, l, rel[k]);
        for (int d = 0; d < 4; d++) {
            int32_t m = l->link[4 * (long)rel[k] + d];
            if (m >= 0 && l->iter[m] <= iter)
                mark_untouchable(ws, u, l, m);
        }
    }
}

static void grow_mask(const ldi *l, const region_params *p, int i, region_ws *ws, frontier *m,
                      frontier *in, frontier *u)
{
    for (long k = 0; k < m->n; k++)
        for (int d = 0; d < 4; d++) {
            int32_t n = l->link[4 * (long)m->cur[k] + d];
            if (n < 0 || l->iter[n] > p->iter || (p->iter == 1 && l->iter[n] != 1))
                continue;
            int pix = l->pix[n];
            int lab = ws->label[pix];
            if ((lab != REGION_NONE && lab != REGION_UNTOUCHABLE) || forbidden(ws, pix))
                continue;
            if (p->iter == 0 && i == PASSIVE_BACKGROUND && touches_context(ws, pix)) {
                add(ws, in, pix, REGION_INTERSECT, n, 0);
                continue;
            }
            add(ws, m, pix, i < p->mask_rings ? REGION_MASK : REGION_OCCUPIED, n, i + 1);
            if (p->iter == 0 && ldi_degree(l, n) < 4)
                untouchables_of(ws, u, l, n, p->iter);
        }
}

/* Intersect and untouchable sets grow into free pixels; the intersect buffer
 * leaves the pixels next to the mask alone on some rings. */
static void grow_blocker(const ldi *l, const region_params *p, region_ws *ws, frontier *f,
                         int label, int spare_mask)
{
    for (long k = 0; k < f->n; k++)
        for (int d = 0; d < 4; d++) {
            int32_t n = l->link[4 * (long)f->cur[k] + d];
            if (n < 0 || l->iter[n] > p->iter)
                continue;
            int pix = l->pix[n];
            if (ws->label[pix] != REGION_NONE || forbidden(ws, pix) ||
                (spare_mask && next_to_mask(ws, pix)))
                continue;
            add(ws, f, pix, label, n, 0);
        }
}

static void grow_context(const ldi *l, const region_params *p, int i, region_ws *ws, frontier *c)
{
    for (long k = 0; k < c->n; k++)
        for (int d = 0; d < 4; d++) {
            int32_t n = l->link[4 * (long)c->cur[k] + d];
            if (n < 0 || l->iter[n] > p->iter)
                continue;
            int pix = l->pix[n];
            int lab = ws->label[pix];
            if ((lab != REGION_NONE && lab != REGION_INTERSECT) || forbidden(ws, pix))
                continue;
            add(ws, c, pix, REGION_CONTEXT, n, i + 1);
        }
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
    frontier m = {ws->queue[0], ws->queue[1], 0, 0}, c = {ws->queue[2], ws->queue[3], 0, 0};
    frontier in = {ws->queue[4], ws->queue[5], 0, 0}, u = {ws->queue[6], ws->queue[7], 0, 0};
    for (long k = 0; k < len; k++) {
        int pix = l->pix[nodes[k]];
        if (ws->label[pix] == REGION_NONE && !forbidden(ws, pix))
            add(ws, &m, pix, REGION_MASK, nodes[k], 0);
    }
    frontier_advance(&m);
    c.n = seed_context(l, nodes, len, p, ws, c.cur, ws->keys);
    if (c.n == 0 || m.n == 0)
        return;
    /* near nodes of the edge that are themselves on an edge with context */
    for (long k = 0; p->iter == 0 && k < len; k++) {
        int32_t rel[MAX_SEEDS];
        int nr = ldi_relations(l, nodes[k], 0, p->iter, rel, MAX_SEEDS);
        for (int r = 0; r < nr && r < MAX_SEEDS; r++)
            if (ldi_relations(l, rel[r], 1, p->iter, NULL, 0) > 0)
                mark_untouchable(ws, &u, l, rel[r]);
    }
    frontier_advance(&u);
    int rings = p->mask_rings > p->context_rings ? p->mask_rings : p->context_rings;
    long ring_count[1024] = {0};
    ring_count[0] = c.n;
    for (int i = 0; i < rings && (m.n || c.n); i++) {
        grow_mask(l, p, i, ws, &m, &in, &u);
        if (i > PASSIVE_BACKGROUND)
            grow_blocker(l, p, ws, &in, REGION_INTERSECT,
                         (i - PASSIVE_BACKGROUND) % 2 == 0 && (i - PASSIVE_BACKGROUND) % 8 != 0);
        grow_blocker(l, p, ws, &u, REGION_UNTOUCHABLE, 0);
        grow_context(l, p, i, ws, &c);
        if (i + 1 < 1024)
            ring_count[i + 1] = c.n2;
        frontier_advance(&m);
        frontier_advance(&c);
        frontier_advance(&u);
        if (i >= PASSIVE_BACKGROUND)
            frontier_advance(&in);
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
