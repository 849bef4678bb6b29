/* Per-edge inpainting jobs and the merge of their results into the LDI as
 * new layers (mesh.py: DL_inpaint_edge, utils.py: create_placeholder;
 * ALGORITHM.md 6.1, 6.5, 6.6).
 *
 * The job carries what the neural backend's path tracing needs (end points
 * with their depth and far node, the front layer's depth); a backend that
 * traces returns near and far paths, and the new layer is torn between them
 * (create_placeholder, 6.5 step 1), the near side becoming the next
 * iteration's edges. Besides, the new layer is torn wherever its depth
 * jumps by more than depth_threshold (the classical backend traces nothing:
 * there the tears along its synthesised edges, edge_out, become the next
 * iteration's edges). Simplified against the reference: no colour
 * refinement around the new edges (6.5 step 6); no key nudging (layers are
 * a list, not keys), so a node's depth is its real depth; a path whose far
 * (or near) side has no pixel in the mask does not stop the tearing along
 * the later paths (the reference's loop breaks there). Deliberate change:
 * where the synthesis regions of several edges overlap, a pixel gets a node
 * only from the edges whose region reaches it within a third of the
 * synthesis thickness (OVERLAP_SHARE) of the nearest one's ring. In the
 * reference every overlapping region adds its layer, and a fill far from
 * its own edge (e.g. the inside of a cone continued behind the cone's front
 * for 70 rings) then stands in front of the fill of the edge next to it
 * (the background behind the cone's outline), which a camera move reveals
 * (measured, docs/EVAL.md step 9). */
#include "ldi/ldi_inpaint.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define UNION_MARGIN 20
#define FRONT_PUSH 0.01f
#define LAYER_PUSH 0.001f
#define MAX_TOUCHING 64
#define OVERLAP_SHARE 3 /* a node from rings up to mask_rings / 3 beyond the nearest edge's */
#define NO_RING INT16_MAX

typedef struct edge_job {
    int e, x0, y0, occlusion, status;
    char msg[512];
    uint8_t *label;   /* crop copy of the region labels */
    int32_t *node;    /* crop copy of the region nodes */
    int16_t *ring;    /* crop copy of the region rings */
    void *mem;
    p3d_inpaint_job job;
} edge_job;

static void job_free(edge_job *j)
{
    free(j->mem);
    memset(j, 0, sizeof *j);
}

/* Ids of other foreground edges met in the 3x3 neighbourhood of the edge. */
static int touching_edges(const ldi *l, const int32_t *nodes, long len, int e, const uint8_t *cls,
                          int max_iter, int32_t *ids)
{
    int n = 0;
    for (long k = 0; k < len; k++) {
        int x = l->pix[nodes[k]] % l->cw, y = l->pix[nodes[k]] / l->cw;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= l->cw || yy >= l->ch)
                    continue;
                for (int32_t m = l->head[yy * l->cw + xx]; m >= 0; m = l->next[m]) {
                    int id = l->edge[m];
                    if (id < 0 || id == e || cls[m] != LDI_CLASS_FG || l->iter[m] > max_iter)
                        continue;
                    int seen = 0;
                    for (int i = 0; i < n && !seen; i++)
                        seen = ids[i] == id;
                    if (!seen && n < MAX_TOUCHING)
                        ids[n++] = id;
                }
            }
    }
    return n;
}

/* Chebyshev distance (up to 3) from crop pixel (x, y) to the mask, 4 = farther. */
static int mask_distance(const uint8_t *mask, int w, int h, int x, int y)
{
    int best = 4;
    for (int dy = -3; dy <= 3; dy++)
        for (int dx = -3; dx <= 3; dx++) {
            int xx = x + dx, yy = y + dy, d = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
            if (xx >= 0 && yy >= 0 && xx < w && yy < h && mask[(size_t)yy * w + xx] && d < best)
                best = d;
        }
    return best;
}

/* The path tracing's inputs (filter_irrelevant_edge_new, clean_far_edge_new;
 * ALGORITHM.md 6.2 step 2, 6.3a): end points are the edge pixels in the 3x3
 * neighbourhood of the edge's own nodes, with their depth; the far path
 * starts at the end node's far node nearest the mask (at most 3 dilations
 * of it away, outside it; layers of this iteration are not seen). The
 * reference's one bridging pixel for a touch that is only diagonal is not
 * added (the tracing's own 4-step bridge covers most of those). */
static void path_inputs(const ldi *l, const ldi_edges *edges, int e, int max_iter, edge_job *j,
                        uint8_t *self, float *end_depth, int8_t *far_dir, float *front, uint8_t *hole)
{
    p3d_inpaint_job *job = &j->job;
    int w = job->width, h = job->height;
    for (size_t i = 0; i < (size_t)w * h; i++)
        hole[i] = job->mask[i] && !(job->erode && job->erode[i]);
    for (int32_t k = edges->start[e]; k < edges->start[e + 1]; k++) {
        int pix = l->pix[edges->nodes[k]], x = pix % l->cw - j->x0, y = pix / l->cw - j->y0;
        if (x >= 0 && y >= 0 && x < w && y < h)
            self[(size_t)y * w + x] = 1;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            int32_t head = l->head[(y + j->y0) * l->cw + x + j->x0];
            front[i] = head >= 0 ? l->depth[head] : 0.0f;
            far_dir[i] = -1;
            if (!job->edge[i])
                continue;
            int touch = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx, yy = y + dy;
                    touch |= xx >= 0 && yy >= 0 && xx < w && yy < h && self[(size_t)yy * w + xx];
                }
            if (!touch)
                continue;
            end_depth[i] = job->depth[i];
            int32_t far[16], best = 4;
            int nfar = ldi_relations(l, j->node[i], 1, max_iter, far, 16);
            for (int f = 0; f < nfar && f < 16; f++) {
                int fp = l->pix[far[f]], fx = fp % l->cw - j->x0, fy = fp / l->cw - j->y0;
                if (fx < 0 || fy < 0 || fx >= w || fy >= h || hole[(size_t)fy * w + fx])
                    continue;
                int dist = mask_distance(hole, w, h, fx, fy);
                for (int d = 0; d < 4 && dist < best; d++)
                    if (fx == x + ldi_dx[d] && fy == y + ldi_dy[d])
                        far_dir[i] = (int8_t)d, best = dist;
            }
        }
}

/* Fills the crop job from the regions in ws. Returns 0 or an error code. */
static int build_job(p3d_ctx *ctx, const ldi *l, const ldi_edges *edges, const uint8_t *cls,
                     const region_params *p, const ldi_path_params *pp, int gray,
                     int band_known, const region_ws *ws, edge_job *j)
{
    int x0 = ws->box[0] - UNION_MARGIN, y0 = ws->box[1] - UNION_MARGIN;
    int x1 = ws->box[2] + UNION_MARGIN, y1 = ws->box[3] + UNION_MARGIN;
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 >= l->cw ? l->cw - 1 : x1, y1 = y1 >= l->ch ? l->ch - 1 : y1;
    int w = x1 - x0 + 1, h = y1 - y0 + 1;
    size_t n = (size_t)w * h;
    /* per pixel: label, context, mask, edge, edge_out (5) + rgb, rgb_out (6)
     * + depth, depth_out (8) + node (4) + ring (2); for the paths: npath,
     * fpath (8), end depth, front depth (8), far direction, own edge,
     * erode, hole (4) */
    uint8_t *mem = calloc(n, 45);
    if (!mem)
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory for a %dx%d crop", w, h);
    j->mem = mem;
    j->x0 = x0, j->y0 = y0;
    /* 4-byte arrays first (alignment), then the byte arrays */
    float *depth = (float *)mem, *depth_out = depth + n;
    float *end_depth = depth_out + n, *front = end_depth + n;
    j->node = (int32_t *)(front + n);
    int32_t *npath = j->node + n, *fpath = npath + n;
    j->ring = (int16_t *)(fpath + n);
    j->label = (uint8_t *)(j->ring + n);
    uint8_t *context = j->label + n, *mask = context + n, *edge = mask + n, *edge_out = edge + n;
    uint8_t *rgb = edge_out + n, *rgb_out = rgb + 3 * n;
    int8_t *far_dir = (int8_t *)(rgb_out + 3 * n);
    uint8_t *self = (uint8_t *)(far_dir + n), *erode = self + n, *hole = erode + n;
    int32_t ids[MAX_TOUCHING];
    const int32_t *nodes = edges->nodes + edges->start[j->e];
    int nids = touching_edges(l, nodes, edges->start[j->e + 1] - edges->start[j->e], j->e, cls,
                              p->iter, ids);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            int pix = (y + y0) * l->cw + x + x0;
            int lab = ws->label[pix];
            j->label[i] = (uint8_t)lab;
            j->ring[i] = ws->ring[pix];
            j->node[i] = lab == REGION_NONE ? -1 : ws->node[pix];
            mask[i] = lab == REGION_MASK || lab == REGION_ERODE;
            erode[i] = band_known && lab == REGION_ERODE;
            if (lab != REGION_CONTEXT && !erode[i])
                continue;
            int32_t c = ws->node[pix];
            context[i] = lab == REGION_CONTEXT;
            depth[i] = l->depth[c];
            memcpy(rgb + 3 * i, l->rgb + 3 * (long)c, 3);
            for (int k = 0; k < nids; k++)
                if (l->edge[c] == ids[k] && cls[c] == LDI_CLASS_FG)
                    edge[i] = 1;
        }
    /* require_depth_edge: an input edge pixel in the 3x3 dilation of the mask
     * (without the eroded band where the backend sees it as context) */
    for (int y = 0; y < h && !j->occlusion; y++)
        for (int x = 0; x < w && !j->occlusion; x++) {
            if (!edge[(size_t)y * w + x])
                continue;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx, yy = y + dy;
                    if (xx >= 0 && yy >= 0 && xx < w && yy < h && mask[(size_t)yy * w + xx] &&
                        !erode[(size_t)yy * w + xx])
                        j->occlusion = 1;
                }
        }
    p3d_inpaint_job *job = &j->job;
    job->width = w, job->height = h;
    job->context = context, job->mask = mask, job->edge = edge;
    job->depth = depth, job->rgb = rgb, job->gray = gray;
    job->edge_out = edge_out, job->depth_out = depth_out, job->rgb_out = rgb_out;
    job->smooth_gap = 1;
    for (size_t i = 0; i < n; i++)
        npath[i] = fpath[i] = -1;
    job->erode = band_known ? erode : NULL;
    path_inputs(l, edges, j->e, p->iter, j, self, end_depth, far_dir, front, hole);
    job->end_depth = end_depth, job->far_dir = far_dir, job->front_depth = front;
    job->edge_repeats = pp->edge_repeats, job->refine_band = pp->refine_band;
    job->npath = npath, job->fpath = fpath;
    return P3D_OK;
}

static int run_job(p3d_ctx *ctx, const p3d_inpaint_backend *b, edge_job *j, int iter)
{
    p3d_inpaint_job *job = &j->job;
    int rc;
    if (iter == 0 && j->occlusion)
        rc = b->edges(ctx, b->state, job);
    else
        rc = (memcpy(job->edge_out, job->edge, (size_t)job->width * job->height), P3D_OK);
    if (!rc)
        rc = b->depth(ctx, b->state, job);
    if (!rc)
        rc = b->color(ctx, b->state, job);
    if (iter == 1)
        j->occlusion = 1;
    return rc;
}

static int jump(float a, float b, double threshold)
{
    return fabs(1.0 / a - 1.0 / b) > threshold;
}

/* The new node's depth: the synthesised one, pushed behind every earlier layer. */
static float new_depth(const ldi *l, int pix, float d, int iter)
{
    int32_t front = l->head[pix];
    if (!(d > 0) || !isfinite(d))
        d = l->depth[front];
    for (int32_t m = front; m >= 0; m = l->next[m])
        if (l->iter[m] <= iter && d <= l->depth[m])
            d = l->depth[m] + (m == front ? FRONT_PUSH : LAYER_PUSH);
    return d;
}

typedef struct colour_update {
    int32_t node;
    uint8_t rgb[3];
} colour_update;

typedef struct merge_state {
    colour_update *updates;
    long nupdates, cap;
    int32_t *made;    /* scratch: new node per crop pixel */
    size_t made_cap;
    const int16_t *nearest; /* per canvas pixel: the smallest ring of any edge's synthesis region */
    int margin;             /* nodes from rings up to this far beyond it */
} merge_state;

static int merge_job(p3d_ctx *ctx, ldi *l, const edge_job *j, int iter, double threshold,
                     merge_state *ms, ldi_inpaint_debug *dbg, ldi_inpaint_stats *st)
{
    const p3d_inpaint_job *job = &j->job;
    int w = job->width, h = job->height;
    size_t n = (size_t)w * h;
    if (n > ms->made_cap) {
        int32_t *p = realloc(ms->made, n * sizeof *p);
        if (!p)
            return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory merging");
        ms->made = p, ms->made_cap = n;
    }
    int flags = LDI_SYNTH | (j->occlusion ? LDI_EDGE_OCCLUSION : 0);
    for (size_t i = 0; i < n; i++) {
        ms->made[i] = -1;
        int pix = (int)((i / w + j->y0) * l->cw + i % w + j->x0);
        if (j->label[i] == REGION_ERODE) {
            if (ms->nupdates == ms->cap) {
                long cap = ms->cap ? 2 * ms->cap : 4096;
                colour_update *p = realloc(ms->updates, cap * sizeof *p);
                if (!p)
                    return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory merging");
                ms->updates = p, ms->cap = cap;
            }
            ms->updates[ms->nupdates].node = j->node[i];
            memcpy(ms->updates[ms->nupdates++].rgb, job->rgb_out + 3 * i, 3);
        }
        if (dbg && j->label[i] != REGION_NONE && j->label[i] <= REGION_ERODE)
            dbg->labels[pix] = j->label[i];
        if (j->label[i] != REGION_MASK || j->ring[i] > ms->nearest[pix] + ms->margin)
            continue;
        float d = new_depth(l, pix, job->depth_out[i], iter);
        long id = ldi_add_node(ctx, l, pix, d, job->rgb_out + 3 * i, flags, iter + 1);
        if (id < 0)
            return ctx->status;
        ms->made[i] = (int32_t)id;
        st->new_nodes++;
        if (dbg) {
            dbg->depth[pix] = d;
            memcpy(dbg->rgb + 3 * (size_t)pix, job->rgb_out + 3 * i, 3);
        }
    }
    for (size_t i = 0; i < n; i++) {
        long a = ms->made[i];
        if (a < 0)
            continue;
        int x = (int)(i % w), y = (int)(i / w);
        for (int d = 0; d < 4; d++) {
            int xx = x + ldi_dx[d], yy = y + ldi_dy[d];
            if (xx < 0 || yy < 0 || xx >= w || yy >= h)
                continue;
            size_t k = (size_t)yy * w + xx;
            long b = ms->made[k];
            if (b < 0) {
                int lab = j->label[k];
                if (lab == REGION_CONTEXT || lab == REGION_ERODE)
                    b = j->node[k];
            } else if (d == LDI_UP || d == LDI_LEFT) {
                continue; /* pairs of new nodes are visited once */
            }
            if (b < 0 || l->link[4 * a + d] >= 0 || l->link[4 * b + LDI_OPPOSITE(d)] >= 0)
                continue;
            int32_t np = job->npath[i], fp = job->fpath[i];
            if ((np >= 0 && job->fpath[k] == np) || (fp >= 0 && job->npath[k] == fp)) {
                /* torn along a traced path (create_placeholder); the near side
                 * in the new layer is an edge of the next iteration */
                long near = np >= 0 && job->fpath[k] == np ? a : b;
                if (near == a || ms->made[k] >= 0)
                    l->flags[near] |= LDI_SYNTH_NEAR;
                st->tears++;
                continue;
            }
            if (!jump(l->depth[a], l->depth[b], threshold)) {
                ldi_link(l, a, d, b);
            } else if (ms->made[k] >= 0) {
                /* only tears along a synthesised edge become edges of the
                 * next iteration (the reference's near/far paths) */
                if (job->edge_out[i] || job->edge_out[k])
                    l->flags[l->depth[a] < l->depth[b] ? a : b] |= LDI_SYNTH_NEAR;
                st->tears++;
            }
        }
    }
    return P3D_OK;
}

/* The regions of edge e built in the calling thread's workspace; NULL where
 * the edge has nothing to inpaint (no mask or no context). */
static region_ws *thread_regions(const ldi *l, const ldi_edges *edges, int e,
                                 const region_params *p, region_ws *ws)
{
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    region_build(l, edges, e, p, &ws[t]);
    return ws[t].nmask && ws[t].ncontext ? &ws[t] : NULL;
}

/* nearest[pix] = the smallest ring at which the synthesis region of an edge
 * of todo reaches pix (NO_RING: none). The regions do not depend on the
 * merges (nodes of later iterations are invisible to them), so they are the
 * jobs' own. Per-thread maps, then their minimum. */
static int nearest_rings(p3d_ctx *ctx, const ldi *l, const ldi_edges *edges, const int *todo,
                         int ntodo, const region_params *p, region_ws *ws, int threads,
                         int16_t **out)
{
    size_t n = (size_t)l->cw * l->ch;
    int16_t *maps = malloc(sizeof(int16_t) * n * threads);
    *out = maps;
    if (!maps)
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory for the region rings");
    for (size_t i = 0; i < n * threads; i++)
        maps[i] = NO_RING;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int k = 0; k < ntodo; k++) {
        region_ws *w = thread_regions(l, edges, todo[k], p, ws);
        if (!w)
            continue;
        int16_t *map = maps + n * (size_t)(w - ws);
        for (long i = 0; i < w->ntouched; i++) {
            int pix = w->touched[i];
            if (w->label[pix] == REGION_MASK && w->ring[pix] < map[pix])
                map[pix] = w->ring[pix];
        }
    }
    for (int t = 1; t < threads; t++)
        for (size_t i = 0; i < n; i++)
            if (maps[n * t + i] < maps[i])
                maps[i] = maps[n * t + i];
    return P3D_OK;
}

int ldi_inpaint_iteration(p3d_ctx *ctx, ldi *l, const ldi_edges *edges, const uint8_t *cls,
                          const region_params *p, const ldi_path_params *pp, double threshold,
                          int gray, const p3d_inpaint_backend *backend, ldi_inpaint_debug *dbg,
                          ldi_inpaint_stats *stats)
{
    static const ldi_path_params reference_paths = {2, 5};
    if (!pp)
        pp = &reference_paths;
    memset(stats, 0, sizeof *stats);
    int threads = ctx->threads > 0 && !backend->serial ? ctx->threads : 1;
#ifndef _OPENMP
    threads = 1;
#endif
    int batch = 4 * threads;
    region_ws *ws = calloc(threads, sizeof *ws);
    edge_job *jobs = calloc(batch, sizeof *jobs);
    merge_state ms = {0};
    int rc = ws && jobs ? P3D_OK : p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    for (int t = 0; t < threads && !rc; t++)
        rc = region_ws_init(ctx, &ws[t], l);
    /* foreground edges only: background-side edges have no far nodes */
    int *todo = rc ? NULL : malloc((edges->count + 1) * sizeof *todo);
    int ntodo = 0;
    if (!rc && !todo)
        rc = p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    for (int e = 0; !rc && e < edges->count; e++)
        if (cls[edges->nodes[edges->start[e]]] == LDI_CLASS_FG)
            todo[ntodo++] = e;
    int16_t *nearest = NULL;
    if (!rc)
        rc = nearest_rings(ctx, l, edges, todo, ntodo, p, ws, threads, &nearest);
    ms.nearest = nearest;
    ms.margin = p->mask_rings / OVERLAP_SHARE;
    for (int b0 = 0; !rc && b0 < ntodo; b0 += batch) {
        int nb = ntodo - b0 < batch ? ntodo - b0 : batch;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int k = 0; k < nb; k++) {
            edge_job *j = &jobs[k];
            j->e = todo[b0 + k];
            region_ws *w = thread_regions(l, edges, j->e, p, ws);
            if (!w)
                continue;
            p3d_ctx local;
            p3d_ctx_init(&local);
            local.max_pixels = ctx->max_pixels;
            j->status = build_job(&local, l, edges, cls, p, pp, gray, backend->band_known, w, j);
            if (!j->status)
                j->status = run_job(&local, backend, j, p->iter);
            if (j->status)
                snprintf(j->msg, sizeof j->msg, "%s", p3d_errmsg(&local));
        }
        for (int k = 0; k < nb; k++) {
            if (!rc && jobs[k].status)
                rc = p3d_fail(ctx, jobs[k].status, "inpaint (%s): %s", backend->name, jobs[k].msg);
            if (!rc && jobs[k].mem) {
                stats->edges++;
                rc = merge_job(ctx, l, &jobs[k], p->iter, threshold, &ms, dbg, stats);
            }
            job_free(&jobs[k]);
        }
        p3d_report(ctx, p->iter ? "inpaint iteration 1" : "inpaint iteration 0", b0 + nb, ntodo);
    }
    for (long u = 0; !rc && u < ms.nupdates; u++)
        memcpy(l->rgb + 3 * (long)ms.updates[u].node, ms.updates[u].rgb, 3);
    for (int t = 0; ws && t < threads; t++)
        region_ws_free(&ws[t]);
    free(ws), free(jobs), free(todo), free(ms.updates), free(ms.made), free(nearest);
    return rc;
}
