/* Small connected components of the torn LDI are dropped and their pixels
 * refilled from the surrounding depth edge (mesh.py: generate_init_node,
 * reassign_floating_island; ALGORITHM.md 4.3, 4.5). */
#include "ldi/ldi_build.h"

#include <stdlib.h>
#include <string.h>

/* Labels connected components over links with a BFS queue; comp[node] = id,
 * sizes[id] = node count. Returns the number of components or -1. */
static long label_components(const ldi *l, int32_t *comp, int32_t *queue, long **sizes_out)
{
    long ncomp = 0, cap = 64;
    long *sizes = malloc(cap * sizeof *sizes);
    if (!sizes)
        return -1;
    for (long i = 0; i < l->n; i++)
        comp[i] = -1;
    for (long s = 0; s < l->n; s++) {
        if (comp[s] >= 0 || (l->flags[s] & LDI_DEAD))
            continue;
        if (ncomp == cap) {
            long *p = realloc(sizes, 2 * cap * sizeof *sizes);
            if (!p)
                return free(sizes), -1;
            sizes = p, cap *= 2;
        }
        long qh = 0, qt = 0;
        queue[qt++] = (int32_t)s;
        comp[s] = (int32_t)ncomp;
        while (qh < qt) {
            long a = queue[qh++];
            for (int d = 0; d < 4; d++) {
                int32_t b = l->link[4 * a + d];
                if (b >= 0 && comp[b] < 0)
                    comp[b] = (int32_t)ncomp, queue[qt++] = b;
            }
        }
        sizes[ncomp++] = qt;
    }
    *sizes_out = sizes;
    return ncomp;
}

long ldi_drop_small_components(p3d_ctx *ctx, ldi *l, int min_nodes)
{
    int32_t *comp = malloc(l->n * sizeof *comp), *queue = malloc(l->n * sizeof *queue);
    long *sizes = NULL;
    long ncomp = comp && queue ? label_components(l, comp, queue, &sizes) : -1;
    if (ncomp < 0) {
        free(comp), free(queue);
        return p3d_fail(ctx, P3D_E_NOMEM, "ldi: out of memory labelling components"), -1;
    }
    long largest = 0, removed = 0;
    for (long c = 1; c < ncomp; c++)
        if (sizes[c] > sizes[largest])
            largest = c;
    for (long i = 0; i < l->n; i++)
        if (comp[i] >= 0 && comp[i] != largest && sizes[comp[i]] < min_nodes)
            ldi_remove_node(l, i), removed++;
    free(comp), free(queue), free(sizes);
    return removed;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Picks the seeds of one hole: bordering front nodes, restricted to the
 * most frequent edge id among them when any has one. */
static void choose_seeds(const ldi *l, const int32_t *hole, long len, uint8_t *seeded,
                         int32_t *ids, long *touched, long *ntouched)
{
    long nids = 0;
    for (long k = 0; k < len; k++)
        for (int d = 0; d < 4; d++) {
            int q = ldi_neighbour_pix(l, hole[k], d);
            if (q >= 0 && l->head[q] >= 0 && l->edge[l->head[q]] >= 0)
                ids[nids++] = l->edge[l->head[q]];
        }
    qsort(ids, nids, sizeof *ids, cmp_int32);
    int32_t best = -1;
    long best_count = 0;
    for (long i = 0, j; i < nids; i = j) {
        for (j = i; j < nids && ids[j] == ids[i]; j++)
            ;
        if (j - i > best_count)
            best = ids[i], best_count = j - i;
    }
    for (long k = 0; k < len; k++)
        for (int d = 0; d < 4; d++) {
            int q = ldi_neighbour_pix(l, hole[k], d);
            if (q < 0 || l->head[q] < 0 || seeded[q])
                continue;
            if (best < 0 || l->edge[l->head[q]] == best)
                seeded[q] = 1, touched[(*ntouched)++] = q;
        }
}

long ldi_refill_lost_pixels(p3d_ctx *ctx, ldi *l)
{
    size_t npix = (size_t)l->cw * l->ch;
    uint8_t *seeded = calloc(npix, 1), *lost = calloc(npix, 1);
    int32_t *hole = malloc(npix * sizeof *hole), *ids = malloc(4 * npix * sizeof *ids);
    long *touched = malloc(npix * sizeof *touched);
    long refilled = 0;
    if (!seeded || !lost || !hole || !ids || !touched) {
        p3d_fail(ctx, P3D_E_NOMEM, "ldi: out of memory refilling holes");
        refilled = -1;
        goto done;
    }
    for (int y = l->bord[0]; y < l->bord[2]; y++)
        for (int x = l->bord[1]; x < l->bord[3]; x++)
            lost[y * l->cw + x] = l->head[y * l->cw + x] < 0;
    for (size_t s = 0; s < npix && refilled >= 0; s++) {
        if (lost[s] != 1)
            continue;
        long len = 0, ntouched = 0;
        hole[len++] = (int32_t)s;
        lost[s] = 2;
        for (long k = 0; k < len; k++)
            for (int d = 0; d < 4; d++) {
                int q = ldi_neighbour_pix(l, hole[k], d);
                if (q >= 0 && lost[q] == 1)
                    lost[q] = 2, hole[len++] = q;
            }
        choose_seeds(l, hole, len, seeded, ids, touched, &ntouched);
        int y0 = l->ch, y1 = 0, x0 = l->cw, x1 = 0;
        for (long k = 0; k < len; k++) {
            int x = hole[k] % l->cw, y = hole[k] / l->cw;
            y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1, x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
        }
        /* hole[] is in BFS order; the sweeps go in raster order over its box. */
        for (long remaining = len, progress = 1; remaining > 0 && progress;) {
            progress = 0;
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++) {
                    int p = y * l->cw + x;
                    if (lost[p] != 2)
                        continue;
                    double sum = 0;
                    int cnt = 0;
                    for (int d = 0; d < 4; d++) {
                        int q = ldi_neighbour_pix(l, p, d);
                        if (q >= 0 && seeded[q])
                            sum += l->depth[l->head[q]], cnt++;
                    }
                    if (!cnt)
                        continue;
                    long orig = (long)(y - l->pad) * l->width + (x - l->pad);
                    long id = ldi_add_node(ctx, l, p, (float)(sum / cnt), l->rgb + 3 * orig, 0, 0);
                    if (id < 0) {
                        refilled = -1;
                        goto done;
                    }
                    for (int d = 0; d < 4; d++) {
                        int q = ldi_neighbour_pix(l, p, d);
                        if (q >= 0 && seeded[q] && l->link[4 * (long)l->head[q] + LDI_OPPOSITE(d)] < 0)
                            ldi_link(l, id, d, l->head[q]);
                    }
                    lost[p] = 3, seeded[p] = 1, touched[ntouched++] = p;
                    remaining--, progress = 1, refilled++;
                }
        }
        for (long k = 0; k < ntouched; k++)
            seeded[touched[k]] = 0;
    }
done:
    free(seeded), free(lost), free(hole), free(ids), free(touched);
    return refilled;
}
