/* Clean-up of the discontinuities before inpainting: dangling one-pixel
 * spurs and isolated nodes are re-attached, short dangling depth edges are
 * healed (mesh.py: remove_dangling, combine_end_node, remove_redundant_edge;
 * ALGORITHM.md 4.7, 4.9).
 *
 * Simplified: the reference's mark-1/2/3 cases and the recursive re-linking
 * of strips become one rule (a node with at most one link joins the largest
 * agreeing group of its 4-neighbours); combine_end_node (joining touching
 * edge ends) and the invalid-edge pass of remove_redundant_edge are not done. */
#include "ldi/ldi_build.h"

#include <math.h>
#include <stdlib.h>

static int agree(const ldi *l, long a, long b, double threshold)
{
    return fabs(1.0 / l->depth[a] - 1.0 / l->depth[b]) <= threshold;
}

static int interior(const ldi *l, int pix)
{
    int x = pix % l->cw, y = pix / l->cw;
    return y > l->bord[0] && x > l->bord[1] && y < l->bord[2] - 1 && x < l->bord[3] - 1;
}

long ldi_repair_dangling(ldi *l, double threshold)
{
    long repaired = 0;
    for (long i = 0; i < l->n; i++) {
        if ((l->flags[i] & LDI_DEAD) || l->iter[i] || ldi_degree(l, i) > 1 || !interior(l, l->pix[i]))
            continue;
        int32_t nb[4];
        for (int d = 0; d < 4; d++) {
            int q = ldi_neighbour_pix(l, l->pix[i], d);
            nb[d] = q >= 0 ? l->head[q] : -1;
        }
        int best = -1, best_size = 0;
        double best_cost = 0;
        for (int d = 0; d < 4; d++) {
            if (nb[d] < 0)
                continue;
            int size = 0;
            double cost = 0;
            for (int k = 0; k < 4; k++)
                if (nb[k] >= 0 && agree(l, nb[d], nb[k], threshold))
                    size++, cost += fabs(l->depth[nb[k]] - l->depth[i]);
            if (size > best_size || (size == best_size && cost < best_cost))
                best = d, best_size = size, best_cost = cost;
        }
        if (best < 0 || (best_size < 2 && ldi_degree(l, i) > 0))
            continue;
        for (int d = 0; d < 4; d++)
            ldi_unlink(l, i, d);
        double sum = 0;
        int cnt = 0;
        for (int d = 0; d < 4; d++)
            if (nb[d] >= 0 && (best_size < 2 || agree(l, nb[best], nb[d], threshold)) &&
                l->link[4 * (long)nb[d] + LDI_OPPOSITE(d)] < 0) {
                ldi_link(l, i, d, nb[d]);
                sum += l->depth[nb[d]], cnt++;
            }
        if (cnt)
            l->depth[i] = (float)(sum / cnt);
        repaired++;
    }
    return repaired;
}

/* Number of nodes of edge e among the 8 front-layer neighbours of pix, and
 * whether another foreground edge is there. */
static int edge_neighbours(const ldi *l, int pix, int e, const uint8_t *cls, int *other)
{
    int x = pix % l->cw, y = pix / l->cw, same = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx, yy = y + dy;
            if ((!dx && !dy) || xx < 0 || yy < 0 || xx >= l->cw || yy >= l->ch)
                continue;
            int32_t m = l->head[yy * l->cw + xx];
            if (m < 0 || l->edge[m] < 0)
                continue;
            if (l->edge[m] == e)
                same++;
            else if (cls[m] == LDI_CLASS_FG)
                *other = 1;
        }
    return same;
}

long ldi_remove_short_edges(ldi *l, const ldi_edges *edges, const uint8_t *cls,
                            int max_nodes)
{
    long healed = 0;
    for (int e = 0; e < edges->count; e++) {
        const int32_t *nodes = edges->nodes + edges->start[e];
        long len = edges->start[e + 1] - edges->start[e];
        if (len > max_nodes || cls[nodes[0]] != LDI_CLASS_FG || l->iter[nodes[0]])
            continue;
        int free_end = 0, has_context = 0;
        for (long k = 0; k < len; k++) {
            has_context |= ldi_relations(l, nodes[k], 1, 0, NULL, 0) > 0;
            int other = 0;
            if (edge_neighbours(l, l->pix[nodes[k]], e, cls, &other) <= 1 && !other)
                free_end = 1;
        }
        if (!free_end || !has_context)
            continue;
        for (long k = 0; k < len; k++)
            for (int d = 0; d < 4; d++) {
                int q = ldi_neighbour_pix(l, l->pix[nodes[k]], d);
                int32_t m = q >= 0 && ldi_inside_border(l, q) ? l->head[q] : -1;
                if (m < 0 || l->link[4 * (long)nodes[k] + d] >= 0 || l->link[4 * (long)m + LDI_OPPOSITE(d)] >= 0)
                    continue;
                if (l->edge[m] >= 0 && l->edge[m] != e && cls[m] == LDI_CLASS_FG)
                    continue;
                ldi_link(l, nodes[k], d, m);
            }
        healed++;
    }
    return healed;
}
