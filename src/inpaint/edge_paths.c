/* Near and far paths of the synthesised depth edges (utils.py:
 * clean_far_edge_new, plan_path, plan_path_e2e; ALGORITHM.md 6.3a): see
 * edge_paths.h.
 *
 * The graph: every E pixel in the mask ("core") is linked to its E
 * 8-neighbours (step length 1 or sqrt 2); an E pixel outside the mask next to
 * a core pixel that is not itself an end point is also linked to the end
 * points among its 4-neighbours (the reference's one-step bridge). Per
 * connected component (in the raster order of their first core pixel), its
 * end points decide:
 *  - 0 or more than 2: ignored;
 *  - 1: the near path is the shortest path from the end point to the
 *    periphery node (largest eccentricity in steps) farthest from it; the far
 *    path starts at the end node's far node and follows the near path at a
 *    constant side offset, turning with it on an 8-direction ring; where it
 *    cannot go on (it would touch another path's far path, meet another
 *    near path or leave the valid area) the near path is cut;
 *  - 2: the path between them is traced from both ends; when the two traces
 *    overlap by more than half (near and far) it is traced end to end, else
 *    split in proportion to the disparity jumps at the two ends (less
 *    band pixels), each piece traced again as a one-end component later.
 * Far-path pixels on context edges are dropped after every component.
 *
 * Deliberate differences: paths are numbered per trace, not keyed by the
 * touching edge's id (the reference's dicts keyed by edge id let a second
 * path from the same edge overwrite the first, and let a far path step over
 * that other path's near path); ties (equal distances, equal path lengths)
 * go to the lowest pixel index; components of more than EXACT_PERIPHERY
 * nodes (the blobs random or untrained weights give) take a double-sweep
 * estimate of the periphery instead of all eccentricities (quadratic); the
 * end-to-end far path stops at the crop's border. */
#include "inpaint/edge_paths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_PERIPHERY 1024
#define OVERLAP 0.5
#define MAX_NEIGHBOURS 12

/* The reference's barrel_dir ring of (row, col) steps. */
static const int ring_dy[8] = {1, 1, 0, -1, -1, -1, 0, 1};
static const int ring_dx[8] = {0, 1, 1, 1, 0, -1, -1, -1};
static const int dy4[4] = {-1, 0, 1, 0}, dx4[4] = {0, 1, 0, -1};

typedef struct item {
    long start;  /* nodes in pool[start .. start + count) */
    int count;
    int32_t end; /* given end point (a split piece), or -1: find the component's */
} item;

typedef struct tracer {
    const edge_path_input *in;
    int w, h;
    long n;
    int32_t *npath, *fpath;
    uint8_t *member, *flags;
    uint32_t *stamp, cur;
    double *dist;
    int32_t *prev, *hop, *queue, *path, *far;
    struct { double d; int32_t v; } *heap;
    long heap_cap;
    int32_t *pool;
    long npool, pool_cap;
    item *items;
    int nitems, items_cap;
    uint8_t *has_far;
    int nids, ids_cap;
} tracer;

static int is_core(const tracer *t, long i)
{
    return t->in->edges[i] && t->in->mask[i];
}

static int is_end(const tracer *t, long i)
{
    return t->in->end_depth[i] > 0.0f;
}

/* Graph neighbours of member pixel i (see the file comment). */
static int neighbours(const tracer *t, long i, int32_t *out)
{
    const edge_path_input *in = t->in;
    int x = (int)(i % t->w), y = (int)(i / t->w), k = 0;
    int core = is_core(t, i);
    for (int d = 0; d < 8; d++) {
        int xx = x + ring_dx[d], yy = y + ring_dy[d];
        if (xx < 0 || yy < 0 || xx >= t->w || yy >= t->h)
            continue;
        long j = (long)yy * t->w + xx;
        if (core ? in->edges[j] != 0 : in->edges[i] && is_core(t, j))
            out[k++] = (int32_t)j;
    }
    if (core || in->mask[i])
        return k;
    for (int d = 0; d < 4; d++) {
        int xx = x + dx4[d], yy = y + dy4[d];
        if (xx < 0 || yy < 0 || xx >= t->w || yy >= t->h)
            continue;
        long j = (long)yy * t->w + xx;
        if (!is_end(t, i) ? in->edges[i] && is_end(t, j)
                          : t->member[j] && in->edges[j] && !in->mask[j] && !is_end(t, j))
            out[k++] = (int32_t)j;
    }
    return k;
}

static double step_length(const tracer *t, int32_t a, int32_t b)
{
    return a % t->w != b % t->w && a / t->w != b / t->w ? 1.4142135623730951 : 1.0;
}

static void find_members(tracer *t)
{
    const edge_path_input *in = t->in;
    for (long i = 0; i < t->n; i++) {
        if (!in->edges[i] || is_core(t, i)) {
            t->member[i] = is_core(t, i);
            continue;
        }
        int x = (int)(i % t->w), y = (int)(i / t->w), m = 0;
        for (int d = 0; d < 8 && !m; d++) {
            int xx = x + ring_dx[d], yy = y + ring_dy[d];
            m = xx >= 0 && yy >= 0 && xx < t->w && yy < t->h && is_core(t, (long)yy * t->w + xx);
        }
        t->member[i] = (uint8_t)m;
    }
    /* end points reached only by the bridge */
    for (long i = 0; i < t->n; i++) {
        if (t->member[i] || !is_end(t, i) || in->mask[i])
            continue;
        int x = (int)(i % t->w), y = (int)(i / t->w);
        for (int d = 0; d < 4; d++) {
            int xx = x + dx4[d], yy = y + dy4[d];
            long j = (long)yy * t->w + xx;
            if (xx >= 0 && yy >= 0 && xx < t->w && yy < t->h && t->member[j] == 1 && !in->mask[j] &&
                !is_end(t, j))
                t->member[i] = 2;
        }
    }
}

static int pool_push(tracer *t, int32_t v)
{
    if (t->npool == t->pool_cap) {
        long cap = t->pool_cap ? 2 * t->pool_cap : 1024;
        int32_t *p = realloc(t->pool, cap * sizeof *p);
        if (!p)
            return -1;
        t->pool = p, t->pool_cap = cap;
    }
    t->pool[t->npool++] = v;
    return 0;
}

static int item_push(tracer *t, long start, int count, int32_t end)
{
    if (t->nitems == t->items_cap) {
        int cap = t->items_cap ? 2 * t->items_cap : 64;
        item *p = realloc(t->items, cap * sizeof *p);
        if (!p)
            return -1;
        t->items = p, t->items_cap = cap;
    }
    t->items[t->nitems++] = (item){start, count, end};
    return 0;
}

static int new_id(tracer *t)
{
    if (t->nids == t->ids_cap) {
        int cap = t->ids_cap ? 2 * t->ids_cap : 64;
        uint8_t *p = realloc(t->has_far, cap);
        if (!p)
            return -1;
        t->has_far = p, t->ids_cap = cap;
    }
    t->has_far[t->nids] = 0;
    return t->nids++;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Connected components, each one item, nodes in raster order. */
static int components(tracer *t)
{
    uint32_t *seen = t->stamp; /* stamps are all 0 here */
    for (long s = 0; s < t->n; s++) {
        if (!is_core(t, s) || seen[s])
            continue;
        long start = t->npool;
        if (pool_push(t, (int32_t)s))
            return -1;
        seen[s] = 1;
        for (long q = start; q < t->npool; q++) {
            int32_t nb[MAX_NEIGHBOURS];
            int k = neighbours(t, t->pool[q], nb);
            for (int m = 0; m < k; m++)
                if (!seen[nb[m]]) {
                    seen[nb[m]] = 1;
                    if (pool_push(t, nb[m]))
                        return -1;
                }
        }
        qsort(t->pool + start, t->npool - start, sizeof *t->pool, cmp_i32);
        if (item_push(t, start, (int)(t->npool - start), -1))
            return -1;
    }
    memset(t->stamp, 0, t->n * sizeof *t->stamp);
    t->cur = 0;
    return 0;
}

static void mark_subset(tracer *t, const item *it)
{
    t->cur++;
    for (int k = 0; k < it->count; k++)
        t->stamp[t->pool[it->start + k]] = t->cur;
}

static int in_subset(const tracer *t, int32_t v)
{
    return t->stamp[v] == t->cur;
}

/* Steps from src to every node of the subset (hop; -1 unreached); returns
 * the farthest node (lowest index on ties) and its distance in *ecc. */
static int32_t bfs(tracer *t, const item *it, int32_t src, int *ecc)
{
    for (int k = 0; k < it->count; k++)
        t->hop[t->pool[it->start + k]] = -1;
    long qh = 0, qt = 0;
    t->queue[qt++] = src;
    t->hop[src] = 0;
    int32_t far = src;
    while (qh < qt) {
        int32_t v = t->queue[qh++];
        if (t->hop[v] > t->hop[far] || (t->hop[v] == t->hop[far] && v < far))
            far = v;
        int32_t nb[MAX_NEIGHBOURS];
        int k = neighbours(t, v, nb);
        for (int m = 0; m < k; m++)
            if (in_subset(t, nb[m]) && t->hop[nb[m]] < 0) {
                t->hop[nb[m]] = t->hop[v] + 1;
                t->queue[qt++] = nb[m];
            }
    }
    *ecc = t->hop[far];
    return far;
}

static double dist2(const tracer *t, int32_t a, int32_t b)
{
    double dx = a % t->w - b % t->w, dy = a / t->w - b / t->w;
    return dx * dx + dy * dy;
}

/* The periphery node (eccentricity = diameter) farthest from end. */
static int32_t periphery_target(tracer *t, const item *it, int32_t end)
{
    int32_t best = end;
    double best_d = -1.0;
    if (it->count <= EXACT_PERIPHERY) {
        int diam = -1, ecc;
        int32_t *ecc_of = t->path; /* scratch: path is not in use yet */
        for (int k = 0; k < it->count; k++) {
            bfs(t, it, t->pool[it->start + k], &ecc);
            ecc_of[k] = ecc;
            diam = ecc > diam ? ecc : diam;
        }
        for (int k = 0; k < it->count; k++) {
            int32_t v = t->pool[it->start + k];
            if (ecc_of[k] == diam && dist2(t, v, end) > best_d)
                best = v, best_d = dist2(t, v, end);
        }
        return best;
    }
    int ecc;
    int32_t a = bfs(t, it, end, &ecc);
    bfs(t, it, a, &ecc);
    for (int k = 0; k < it->count; k++) {
        int32_t v = t->pool[it->start + k];
        if ((v == a || t->hop[v] == ecc) && dist2(t, v, end) > best_d)
            best = v, best_d = dist2(t, v, end);
    }
    return best;
}

static void heap_push(tracer *t, long *len, double d, int32_t v)
{
    long i = (*len)++;
    while (i > 0) {
        long p = (i - 1) / 2;
        if (t->heap[p].d <= d)
            break;
        t->heap[i] = t->heap[p];
        i = p;
    }
    t->heap[i].d = d, t->heap[i].v = v;
}

static void heap_pop(tracer *t, long *len)
{
    double d = t->heap[--*len].d;
    int32_t v = t->heap[*len].v;
    long i = 0;
    for (;;) {
        long c = 2 * i + 1;
        if (c >= *len)
            break;
        if (c + 1 < *len && t->heap[c + 1].d < t->heap[c].d)
            c++;
        if (t->heap[c].d >= d)
            break;
        t->heap[i] = t->heap[c];
        i = c;
    }
    if (*len > 0)
        t->heap[i].d = d, t->heap[i].v = v;
}

/* Shortest path (step lengths) from src to dst in the subset into t->path;
 * returns its length in nodes, 0 when dst is unreached, -1 out of memory. */
static int shortest_path(tracer *t, const item *it, int32_t src, int32_t dst)
{
    long need = (long)it->count * MAX_NEIGHBOURS + 1;
    if (need > t->heap_cap) {
        void *p = realloc(t->heap, need * sizeof *t->heap);
        if (!p)
            return -1;
        t->heap = p, t->heap_cap = need;
    }
    for (int k = 0; k < it->count; k++) {
        int32_t v = t->pool[it->start + k];
        t->dist[v] = INFINITY, t->prev[v] = -1;
    }
    long len = 0;
    t->dist[src] = 0.0;
    heap_push(t, &len, 0.0, src);
    while (len > 0) {
        double d = t->heap[0].d;
        int32_t v = t->heap[0].v;
        heap_pop(t, &len);
        if (d > t->dist[v])
            continue;
        if (v == dst)
            break;
        int32_t nb[MAX_NEIGHBOURS];
        int k = neighbours(t, v, nb);
        for (int m = 0; m < k; m++) {
            double nd = d + step_length(t, v, nb[m]);
            if (in_subset(t, nb[m]) && nd < t->dist[nb[m]]) {
                t->dist[nb[m]] = nd, t->prev[nb[m]] = v;
                heap_push(t, &len, nd, nb[m]);
            }
        }
    }
    if (!isfinite(t->dist[dst]))
        return 0;
    int n = 0;
    for (int32_t v = dst; v >= 0; v = t->prev[v])
        t->path[n++] = v;
    for (int a = 0, b = n - 1; a < b; a++, b--) {
        int32_t s = t->path[a];
        t->path[a] = t->path[b], t->path[b] = s;
    }
    return n;
}

static int ring_index(int dy, int dx)
{
    for (int r = 0; r < 8; r++)
        if (ring_dy[r] == dy && ring_dx[r] == dx)
            return r;
    return 0;
}

/* The far node of end point e, or -1. */
static int32_t far_start(const tracer *t, int32_t e)
{
    int fd = t->in->far_dir ? t->in->far_dir[e] : -1;
    if (fd < 0 || fd > 3)
        return -1;
    int x = e % t->w + dx4[fd], y = e / t->w + dy4[fd];
    return x >= 0 && y >= 0 && x < t->w && y < t->h ? y * t->w + x : -1;
}

enum { FOLLOW_TRACE, FOLLOW_PLAN, FOLLOW_E2E };

/* The far path beside path[0 .. len) from far pixel f0 into t->far
 * (*nfar pixels); the near path's own pixels are those with flags bit 0
 * (plan and end-to-end) or npath == id (trace). Returns how much of the near
 * path is kept (where the far path stopped; all when it got to the end). */
static int follow(tracer *t, const int32_t *path, int len, int32_t f0, int mode, int id, int *nfar)
{
    const edge_path_input *in = t->in;
    int nf = 0, step, d1 = 0;
    t->far[nf++] = f0;
    int off = ring_index(f0 / t->w - path[0] / t->w, f0 % t->w - path[0] % t->w);
    for (step = 1; step < len; step++) {
        int ds = ring_index(path[step] / t->w - path[step - 1] / t->w,
                            path[step] % t->w - path[step - 1] % t->w);
        if (step == 1)
            d1 = ds;
        int o = (off + ds - d1 + 16) % 8;
        int py = path[step] / t->w, px = path[step] % t->w;
        int cy[2], cx[2], nc = 0;
        if (ring_dy[o])
            cy[nc] = py + ring_dy[o], cx[nc++] = px;
        if (ring_dx[o])
            cy[nc] = py, cx[nc++] = px + ring_dx[o];
        if (nc == 2) {
            int32_t last = t->far[nf - 1];
            double a = hypot(cy[0] - last / t->w, cx[0] - last % t->w);
            double b = hypot(cy[1] - last / t->w, cx[1] - last % t->w);
            if (b < a) {
                int s = cy[0];
                cy[0] = cy[1], cy[1] = s, s = cx[0], cx[0] = cx[1], cx[1] = s;
            }
        }
        int stop = 0;
        for (int c = 0; c < nc && !stop; c++) {
            if (cx[c] < 0 || cy[c] < 0 || cx[c] >= t->w || cy[c] >= t->h) {
                stop = 1;
                break;
            }
            int32_t v = cy[c] * t->w + cx[c];
            if (mode == FOLLOW_TRACE) {
                int touches = 0;
                for (int d = 0; d < 4; d++) {
                    int xx = cx[c] + dx4[d], yy = cy[c] + dy4[d];
                    touches |= xx >= 0 && yy >= 0 && xx < t->w && yy < t->h && t->fpath[yy * t->w + xx] >= 0;
                }
                if (touches)
                    break; /* this step gives no far pixel, the path goes on */
                if (t->npath[v] >= 0) {
                    stop = t->npath[v] != id;
                    continue;
                }
            } else if (t->flags[v] & 1) {
                continue;
            }
            if (mode != FOLLOW_E2E && !in->mask[v] && !in->context[v]) {
                stop = 1;
                break;
            }
            t->far[nf++] = v;
        }
        if (stop)
            break;
    }
    if (step == len)
        step = len - 1;
    *nfar = nf;
    return step != len - 1 ? step : len;
}

/* Far-path pixels on context edges are not part of it. */
static void drop_far_on_context_edges(tracer *t)
{
    for (long i = 0; i < t->n; i++)
        if (t->in->edges[i] && t->in->context[i])
            t->fpath[i] = -1;
}

/* One end point: near path to the periphery (or the given path[0 .. len)),
 * far path beside it. Returns -1 when out of memory. */
static int trace_one(tracer *t, const item *it, int32_t end)
{
    int32_t target = periphery_target(t, it, end);
    int len = shortest_path(t, it, end, target);
    if (len <= 0)
        return len;
    int id = new_id(t);
    if (id < 0)
        return -1;
    for (int k = 0; k < len; k++)
        t->npath[t->path[k]] = id;
    int32_t f0 = far_start(t, end);
    if (f0 < 0)
        return 0; /* the near path stays in the working map, without a far path */
    int nf;
    int kept = follow(t, t->path, len, f0, FOLLOW_TRACE, id, &nf);
    for (int k = kept; k < len; k++)
        if (t->npath[t->path[k]] == id)
            t->npath[t->path[k]] = -1;
    for (int k = 0; k < nf; k++)
        t->fpath[t->far[k]] = id;
    t->has_far[id] = nf > 0;
    drop_far_on_context_edges(t);
    return 0;
}

/* plan_path: the trace from path[0] along path[0 .. len) on its own (flags
 * bit 0 = the path), near pixels kept flagged with near_bit, far pixels with
 * far_bit. Returns the disparity jump at the end, -1 without a far node. */
static double plan(tracer *t, const int32_t *path, int len, int near_bit, int far_bit)
{
    const edge_path_input *in = t->in;
    int32_t f0 = far_start(t, path[0]);
    if (f0 < 0) {
        for (int k = 0; k < len; k++)
            t->flags[path[k]] |= near_bit;
        return -1.0;
    }
    double jump = 0.0;
    for (int k = 0; k < len; k++)
        if (in->mask[path[k]]) {
            float front = in->front_depth ? in->front_depth[path[k]] : 0.0f;
            if (front > 0.0f)
                jump = fabs(fabs(1.0 / front) - fabs(1.0 / in->end_depth[path[0]]));
            break;
        }
    int nf;
    int kept = follow(t, path, len, f0, FOLLOW_PLAN, 0, &nf);
    for (int k = 0; k < kept; k++)
        t->flags[path[k]] |= near_bit;
    for (int k = 0; k < nf; k++)
        t->flags[t->far[k]] |= far_bit;
    return jump;
}

/* Python's seq[:k] length for a sequence of len items. */
static int slice_len(int len, int k)
{
    if (k < 0)
        k += len;
    return k < 0 ? 0 : k > len ? len : k;
}

/* Two end points (e0 first): end to end, or split into two one-end pieces
 * queued as items. Returns -1 when out of memory. */
static int trace_two(tracer *t, const item *it, int32_t e0, int32_t e1)
{
    const edge_path_input *in = t->in;
    int len = shortest_path(t, it, e0, e1);
    if (len <= 0)
        return len;
    int32_t *p = t->path, *r = t->path + len; /* forward and reversed */
    for (int k = 0; k < len; k++)
        r[k] = p[len - 1 - k];
    for (int k = 0; k < len; k++)
        t->flags[p[k]] |= 1;
    double j0 = plan(t, p, len, 2, 4);
    double j1 = plan(t, r, len, 8, 16);
    long both_n = 0, any_n = 0, both_f = 0, any_f = 0;
    for (long i = 0; i < t->n; i++) {
        int f = t->flags[i];
        if (!f || !in->mask[i])
            continue;
        both_n += (f & 2) && (f & 8), any_n += (f & 2) || (f & 8);
        both_f += (f & 4) && (f & 16), any_f += (f & 4) || (f & 16);
    }
    int e2e = both_n / (any_n + 1e-6) > OVERLAP && both_f / (any_f + 1e-6) > OVERLAP && j0 != -1.0 &&
              j1 != -1.0;
    for (long i = 0; i < t->n; i++)
        t->flags[i] &= 1;
    if (e2e) {
        int id = new_id(t), nf;
        if (id < 0)
            return -1;
        int kept = follow(t, p, len, far_start(t, e0), FOLLOW_E2E, id, &nf);
        t->far[nf++] = far_start(t, e1);
        for (int k = 0; k < kept; k++)
            t->npath[p[k]] = id;
        for (int k = 0; k < nf; k++)
            t->fpath[t->far[k]] = id;
        t->has_far[id] = 1;
    } else {
        double sum = j0 + j1 + 1e-8;
        double ra = j0 != -1.0 ? j0 / sum : 0.0, rb = j1 != -1.0 ? j1 / sum : 0.0;
        int plen = len > 2 * in->band ? len - in->band : len;
        int na = slice_len(len, (int)floor(plen * ra)), nb = slice_len(len, (int)floor(plen * rb));
        /* a starts at e0 whenever it is not empty; without a, nothing is queued */
        if (na > 0) {
            int32_t pieces[2][2] = {{0, na}, {1, nb}};
            for (int q = 0; q < 2; q++) {
                const int32_t *src = q ? r : p;
                int n = pieces[q][1];
                if (n <= 0 || !in->mask[src[n - 1]])
                    continue;
                long start = t->npool;
                for (int k = 0; k < n; k++)
                    if (pool_push(t, src[k]))
                        return -1;
                if (item_push(t, start, n, src[0]))
                    return -1;
            }
        }
    }
    for (int k = 0; k < len; k++)
        t->flags[p[k]] = 0;
    drop_far_on_context_edges(t);
    return 0;
}

static int trace_all(tracer *t)
{
    find_members(t);
    if (components(t))
        return -1;
    for (int q = 0; q < t->nitems; q++) {
        item it = t->items[q]; /* items may move as pieces are queued */
        mark_subset(t, &it);
        int32_t ends[3];
        int nends = 0;
        if (it.end >= 0) {
            ends[nends++] = it.end;
        } else {
            for (int k = 0; k < it.count && nends < 3; k++)
                if (is_end(t, t->pool[it.start + k]))
                    ends[nends++] = t->pool[it.start + k];
        }
        int rc = 0;
        if (nends == 1)
            rc = trace_one(t, &it, ends[0]);
        else if (nends == 2)
            rc = trace_two(t, &it, ends[0], ends[1]);
        if (rc)
            return -1;
    }
    return 0;
}

int edge_paths_trace(const edge_path_input *in, int final, int32_t *npath, int32_t *fpath)
{
    tracer t = {0};
    t.in = in, t.w = in->width, t.h = in->height, t.n = (long)in->width * in->height;
    t.npath = npath, t.fpath = fpath;
    for (long i = 0; i < t.n; i++)
        npath[i] = fpath[i] = -1;
    t.member = calloc(t.n, 1);
    t.flags = calloc(t.n, 1);
    t.stamp = calloc(t.n, sizeof *t.stamp);
    t.dist = malloc(t.n * sizeof *t.dist);
    t.prev = malloc(t.n * sizeof *t.prev);
    t.hop = malloc(t.n * sizeof *t.hop);
    t.queue = malloc(t.n * sizeof *t.queue);
    t.path = malloc((2 * t.n + 2) * sizeof *t.path);
    t.far = malloc((2 * t.n + 4) * sizeof *t.far);
    int rc = -1;
    if (t.member && t.flags && t.stamp && t.dist && t.prev && t.hop && t.queue && t.path && t.far)
        rc = trace_all(&t);
    if (rc) {
        for (long i = 0; i < t.n; i++)
            npath[i] = fpath[i] = -1;
    } else if (final) {
        for (long i = 0; i < t.n; i++)
            if (npath[i] >= 0 && !t.has_far[npath[i]])
                npath[i] = -1;
    }
    free(t.member), free(t.flags), free(t.stamp), free(t.dist), free(t.prev), free(t.hop);
    free(t.queue), free(t.path), free(t.far), free(t.heap), free(t.pool), free(t.items);
    free(t.has_far);
    return rc ? -1 : t.nids;
}
