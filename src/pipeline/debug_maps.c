/* Debug images: filtered depth, discontinuities, region labels and the
 * synthesised layers, all on the padded canvas except the depth. */
#include "pipeline/debug_maps.h"

#include <stdlib.h>
#include <string.h>

void p3d_pipeline_debug_free(p3d_pipeline_debug *d)
{
    p3d_map_free(&d->depth_filtered);
    p3d_image_free(&d->edges);
    for (int k = 0; k < 2; k++) {
        p3d_image_free(&d->labels[k]);
        p3d_image_free(&d->inpaint_depth[k]);
        p3d_image_free(&d->inpaint_rgb[k]);
    }
}

int debug_keep_depth(p3d_ctx *ctx, p3d_pipeline_debug *d, const p3d_map *depth)
{
    return p3d_map_copy(ctx, depth, &d->depth_filtered);
}

int debug_edges_image(p3d_ctx *ctx, p3d_pipeline_debug *d, const ldi *l, const uint8_t *cls)
{
    int rc = p3d_image_alloc(ctx, &d->edges, l->cw, l->ch, 1);
    for (int pix = 0; !rc && pix < l->cw * l->ch; pix++) {
        int32_t m = l->head[pix];
        if (m >= 0 && l->edge[m] >= 0)
            d->edges.data[pix] = cls[m] == LDI_CLASS_FG ? 255 : 128;
    }
    return rc;
}

int debug_inpaint_maps(p3d_ctx *ctx, p3d_pipeline_debug *d, const ldi *l, int iter,
                       ldi_inpaint_debug *m)
{
    size_t n = (size_t)l->cw * l->ch;
    m->labels = calloc(n, 1);
    m->depth = calloc(n, sizeof *m->depth);
    m->rgb = calloc(n, 3);
    int rc = P3D_OK;
    if (!m->labels || !m->depth || !m->rgb)
        rc = p3d_fail(ctx, P3D_E_NOMEM, "debug: out of memory");
    if (!rc)
        rc = p3d_image_alloc(ctx, &d->labels[iter], l->cw, l->ch, 3);
    if (!rc)
        rc = p3d_image_alloc(ctx, &d->inpaint_depth[iter], l->cw, l->ch, 1);
    if (!rc)
        rc = p3d_image_alloc(ctx, &d->inpaint_rgb[iter], l->cw, l->ch, 3);
    if (rc)
        free(m->labels), free(m->depth), free(m->rgb);
    return rc;
}

void debug_inpaint_finish(p3d_pipeline_debug *d, const ldi *l, int iter, ldi_inpaint_debug *m)
{
    static const uint8_t colour[4][3] = {{0, 0, 0}, {255, 0, 0}, {0, 200, 0}, {0, 0, 255}};
    size_t n = (size_t)l->cw * l->ch;
    float near = 0;
    for (size_t i = 0; i < n; i++)
        if (m->depth[i] > 0 && 1.0f / m->depth[i] > near)
            near = 1.0f / m->depth[i];
    for (size_t i = 0; i < n; i++) {
        uint8_t *lab = d->labels[iter].data + 3 * i;
        int32_t f = l->head[i];
        if (m->labels[i] >= 1 && m->labels[i] <= 3) {
            memcpy(lab, colour[m->labels[i]], 3);
        } else if (f >= 0) {
            const uint8_t *c = l->rgb + 3 * (long)f; /* the photo, dimmed */
            lab[0] = lab[1] = lab[2] = (uint8_t)((c[0] + c[1] + c[2]) / 9);
        }
        if (m->depth[i] > 0)
            d->inpaint_depth[iter].data[i] = (uint8_t)(255.0f * (1.0f / m->depth[i]) / near);
        memcpy(d->inpaint_rgb[iter].data + 3 * i, m->rgb + 3 * i, 3);
    }
    free(m->labels), free(m->depth), free(m->rgb);
    memset(m, 0, sizeof *m);
}
