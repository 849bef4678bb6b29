/* LDI storage: growable node arrays, pixel layer lists and links
 * (ALGORITHM.md 4.1, 4.6). */
#include "ldi/ldi.h"

#include <stdlib.h>
#include <string.h>

const int ldi_dx[4] = {0, 1, 0, -1}, ldi_dy[4] = {-1, 0, 1, 0};

static int grow(p3d_ctx *ctx, ldi *l, long need)
{
    if (need <= l->cap)
        return P3D_OK;
    long cap = l->cap ? l->cap : 1024;
    while (cap < need)
        cap += cap / 2;
#define GROW(field, per)                                                              \
    do {                                                                              \
        void *p = realloc(l->field, (size_t)cap * (per) * sizeof *l->field);          \
        if (!p)                                                                       \
            return p3d_fail(ctx, P3D_E_NOMEM, "ldi: out of memory for %ld nodes", cap); \
        l->field = p;                                                                 \
    } while (0)
    GROW(pix, 1);
    GROW(next, 1);
    GROW(link, 4);
    GROW(edge, 1);
    GROW(depth, 1);
    GROW(rgb, 3);
    GROW(flags, 1);
    GROW(iter, 1);
#undef GROW
    l->cap = cap;
    return P3D_OK;
}

long ldi_add_node(p3d_ctx *ctx, ldi *l, int pix, float depth, const uint8_t *rgb_in, int flags,
                  int iter)
{
    uint8_t rgb[3] = {rgb_in[0], rgb_in[1], rgb_in[2]}; /* rgb_in may point into l->rgb */
    if (grow(ctx, l, l->n + 1))
        return -1;
    long id = l->n++;
    l->pix[id] = pix;
    l->depth[id] = depth;
    memcpy(l->rgb + 3 * id, rgb, 3);
    l->flags[id] = (uint8_t)flags;
    l->iter[id] = (uint8_t)iter;
    l->edge[id] = -1;
    for (int d = 0; d < 4; d++)
        l->link[4 * id + d] = -1;
    int32_t *at = &l->head[pix];
    if (*at >= 0)
        at = &l->next[*at]; /* the front node stays first */
    while (*at >= 0 && l->depth[*at] <= depth)
        at = &l->next[*at];
    l->next[id] = *at;
    *at = (int32_t)id;
    return id;
}

void ldi_remove_node(ldi *l, long node)
{
    for (int d = 0; d < 4; d++)
        ldi_unlink(l, node, d);
    int32_t *at = &l->head[l->pix[node]];
    while (*at != node)
        at = &l->next[*at];
    *at = l->next[node];
    l->next[node] = -1;
    l->flags[node] |= LDI_DEAD;
}

int ldi_create(p3d_ctx *ctx, ldi *l, const p3d_image *photo, const p3d_map *depth, int pad)
{
    memset(l, 0, sizeof *l);
    int w = depth->width, h = depth->height;
    if (photo->width != w || photo->height != h || photo->channels != 3)
        return p3d_fail(ctx, P3D_E_USAGE, "ldi: photo %dx%dx%d does not match depth %dx%d",
                        photo->width, photo->height, photo->channels, w, h);
    l->width = w, l->height = h, l->pad = pad;
    l->cw = w + 2 * pad, l->ch = h + 2 * pad;
    l->bord[0] = pad, l->bord[1] = pad, l->bord[2] = pad + h, l->bord[3] = pad + w;
    l->head = malloc((size_t)l->cw * l->ch * sizeof *l->head);
    if (!l->head || grow(ctx, l, (long)w * h + (long)w * h / 4)) {
        ldi_free(l);
        return ctx->status ? ctx->status : p3d_fail(ctx, P3D_E_NOMEM, "ldi: out of memory");
    }
    memset(l->head, 0xff, (size_t)l->cw * l->ch * sizeof *l->head);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int pix = (y + pad) * l->cw + x + pad;
            long id = ldi_add_node(ctx, l, pix, depth->data[(size_t)y * w + x],
                                   photo->data + 3 * ((size_t)y * w + x), 0, 0);
            if (x > 0)
                ldi_link(l, id, LDI_LEFT, id - 1);
            if (y > 0)
                ldi_link(l, id, LDI_UP, id - w);
        }
    return P3D_OK;
}

void ldi_free(ldi *l)
{
    free(l->head), free(l->pix), free(l->next), free(l->link), free(l->edge);
    free(l->depth), free(l->rgb), free(l->flags), free(l->iter);
    memset(l, 0, sizeof *l);
}

void ldi_link(ldi *l, long a, int dir, long b)
{
    l->link[4 * a + dir] = (int32_t)b;
    l->link[4 * b + LDI_OPPOSITE(dir)] = (int32_t)a;
}

void ldi_unlink(ldi *l, long a, int dir)
{
    int32_t b = l->link[4 * a + dir];
    if (b < 0)
        return;
    l->link[4 * a + dir] = -1;
    l->link[4 * (long)b + LDI_OPPOSITE(dir)] = -1;
}

int ldi_degree(const ldi *l, long node)
{
    const int32_t *k = l->link + 4 * node;
    return (k[0] >= 0) + (k[1] >= 0) + (k[2] >= 0) + (k[3] >= 0);
}

int ldi_neighbour_pix(const ldi *l, int pix, int dir)
{
    int x = pix % l->cw + ldi_dx[dir], y = pix / l->cw + ldi_dy[dir];
    if (x < 0 || y < 0 || x >= l->cw || y >= l->ch)
        return -1;
    return y * l->cw + x;
}

int ldi_relations(const ldi *l, long node, int want_far, int max_iter, int32_t *out, int max)
{
    int count = 0;
    float d = l->depth[node];
    for (int dir = 0; dir < 4; dir++) {
        int32_t linked = l->link[4 * node + dir];
        if (linked >= 0 && l->iter[linked] <= max_iter)
            continue;
        int q = ldi_neighbour_pix(l, l->pix[node], dir);
        if (q < 0 || !ldi_inside_border(l, q))
            continue;
        for (int32_t m = l->head[q]; m >= 0; m = l->next[m]) {
            if (l->iter[m] > max_iter)
                continue;
            int is_far = !(d > l->depth[m]);
            if (is_far == want_far) {
                if (out && count < max)
                    out[count] = m;
                count++;
            }
        }
    }
    return count;
}
