/* Depth edges: discontinuity nodes split into foreground / background side
 * by their near/far relations and grouped into connected edges
 * (mesh.py: group_edges, update_status; ALGORITHM.md 4.4, 4.6).
 *
 * Simplification: the reference groups first and then splits edges whose
 * nodes disagree about their side (remove_conflict_ordinal); here the side is
 * decided per node first and only nodes of one side are grouped together,
 * which gives the same edges when every node has one kind of relation. */
#include "ldi/ldi_build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ldi_edges_free(ldi_edges *e)
{
    free(e->start), free(e->nodes);
    memset(e, 0, sizeof *e);
}

void ldi_classify_discontinuities(const ldi *l, int split_sides, uint8_t *cls)
{
    for (long i = 0; i < l->n; i++) {
        cls[i] = LDI_CLASS_NONE;
        if ((l->flags[i] & LDI_DEAD) || ldi_degree(l, i) == 4)
            continue;
        int x = l->pix[i] % l->cw, y = l->pix[i] / l->cw;
        if (y <= l->bord[0] || x <= l->bord[1] || y >= l->bord[2] - 1 || x >= l->bord[3] - 1)
            continue;
        if (!split_sides) {
            cls[i] = LDI_CLASS_ANY;
            continue;
        }
        int nfar = ldi_relations(l, i, 1, 255, NULL, 0), nnear = ldi_relations(l, i, 0, 255, NULL, 0);
        if (nfar || nnear)
            cls[i] = nfar >= nnear ? LDI_CLASS_FG : LDI_CLASS_BG;
    }
}

static int32_t find(int32_t *parent, int32_t a)
{
    while (parent[a] != a)
        a = parent[a] = parent[parent[a]];
    return a;
}

static void unite(int32_t *parent, int32_t a, int32_t b)
{
    a = find(parent, a), b = find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

int ldi_group_edges(p3d_ctx *ctx, ldi *l, const uint8_t *cls, double threshold, ldi_edges *out)
{
    memset(out, 0, sizeof *out);
    int32_t *parent = malloc(l->n * sizeof *parent);
    if (!parent)
        return p3d_fail(ctx, P3D_E_NOMEM, "ldi: out of memory grouping edges");
    for (long i = 0; i < l->n; i++)
        parent[i] = (int32_t)i;
    for (long i = 0; i < l->n; i++) {
        if (!cls[i])
            continue;
        for (int d = 0; d < 4; d++) {
            int32_t a = l->link[4 * i + d];
            if (a < 0)
                continue;
            if (cls[a] == cls[i]) {
                unite(parent, (int32_t)i, a);
                continue;
            }
            if (ldi_degree(l, a) != 4)
                continue;
            /* diagonal partners: a's neighbours perpendicular to i -> a */
            for (int s = 1; s <= 3; s += 2) {
                int32_t c = l->link[4 * (long)a + ((d + s) & 3)];
                if (c >= 0 && cls[c] == cls[i] &&
                    fabs(1.0 / l->depth[i] - 1.0 / l->depth[c]) <= threshold)
                    unite(parent, (int32_t)i, c);
            }
        }
    }
    /* Number edges by their first node; count, then fill (CSR). */
    long nedge = 0, total = 0;
    for (long i = 0; i < l->n; i++) {
        l->edge[i] = -1;
        if (!cls[i])
            continue;
        int32_t r = find(parent, (int32_t)i);
        if (r == i)
            l->edge[i] = (int32_t)nedge++;
        else
            l->edge[i] = l->edge[r];
        total++;
    }
    out->count = (int)nedge;
    out->start = calloc(nedge + 2, sizeof *out->start);
    out->nodes = malloc((total + 1) * sizeof *out->nodes);
    free(parent);
    if (!out->start || !out->nodes) {
        ldi_edges_free(out);
        return p3d_fail(ctx, P3D_E_NOMEM, "ldi: out of memory grouping edges");
    }
    for (long i = 0; i < l->n; i++)
        if (l->edge[i] >= 0)
            out->start[l->edge[i] + 2]++;
    for (long e = 0; e < nedge; e++)
        out->start[e + 2] += out->start[e + 1];
    for (long i = 0; i < l->n; i++)
        if (l->edge[i] >= 0)
            out->nodes[out->start[l->edge[i] + 1]++] = (int32_t)i;
    return P3D_OK;
}
