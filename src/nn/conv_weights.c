/* Cache of a convolution's reordered weights, one copy per layout (see
 * conv_weights.h). */
#include "nn/conv_weights.h"

#include <string.h>

void nn_weights_free(nn_weight_cache *wc)
{
    for (int i = 0; i < NN_WEIGHT_LAYOUTS; i++)
        dnnl_memory_destroy(wc->copy[i].mem);
    memset(wc, 0, sizeof *wc);
}

/* The slot to fill: a free one, else the least recently used. */
static nn_weight_copy *victim(nn_weight_cache *wc)
{
    nn_weight_copy *v = &wc->copy[0];
    for (int i = 0; i < NN_WEIGHT_LAYOUTS; i++) {
        nn_weight_copy *c = &wc->copy[i];
        if (!c->mem)
            return c;
        if (c->used < v->used)
            v = c;
    }
    return v;
}

/* A cached copy that oneDNN's general reorder reads (not a Winograd one). */
static const nn_weight_copy *blocked_copy(const nn_weight_cache *wc)
{
    for (int i = 0; i < NN_WEIGHT_LAYOUTS; i++)
        if (wc->copy[i].mem && wc->copy[i].md.format_kind == dnnl_blocked)
            return &wc->copy[i];
    return NULL;
}

int nn_weights_get(p3d_ctx *ctx, dnnl_engine_t engine, dnnl_stream_t stream, const nn_conv *cv,
                   nn_weight_cache *wc, const dnnl_memory_desc_t *want, dnnl_memory_t *mem)
{
    wc->clock++;
    for (int i = 0; i < NN_WEIGHT_LAYOUTS; i++)
        if (wc->copy[i].mem && dnnl_memory_desc_equal(&wc->copy[i].md, want)) {
            wc->copy[i].used = wc->clock;
            *mem = wc->copy[i].mem;
            return P3D_OK;
        }
    dnnl_memory_desc_t src_md;
    dnnl_memory_t src = NULL, dst = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t reorder = NULL;
    const nn_weight_copy *from = cv->weight ? NULL : blocked_copy(wc);
    if (from) {
        src_md = from->md;
    } else if (cv->weight) {
        dnnl_dims_t wdims = {cv->cout, cv->cin, cv->k, cv->k};
        DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_md, 4, wdims, dnnl_f32,
                                              cv->transposed ? dnnl_iohw : dnnl_oihw));
    } else {
        return p3d_fail(ctx, P3D_E_INTERNAL, "nn: convolution weights released and no copy to reorder");
    }
    DNNL_TRY(dnnl_memory_create(&src, &src_md, engine, from ? DNNL_MEMORY_NONE : cv->weight));
    if (from) {
        void *handle = NULL;
        DNNL_TRY(dnnl_memory_get_data_handle(from->mem, &handle));
        DNNL_TRY(dnnl_memory_set_data_handle(src, handle));
    }
    DNNL_TRY(dnnl_memory_create(&dst, want, engine, DNNL_MEMORY_ALLOCATE));
    DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &src_md, engine, want, engine, NULL));
    DNNL_TRY(dnnl_primitive_create(&reorder, rpd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}};
    DNNL_TRY(dnnl_primitive_execute(reorder, stream, 2, args));
    DNNL_TRY(dnnl_stream_wait(stream));
    nn_weight_copy *slot = victim(wc);
    dnnl_memory_destroy(slot->mem);
    *slot = (nn_weight_copy){*want, dst, wc->clock};
    *mem = dst;
    dst = NULL;
fail:
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(rpd);
    dnnl_memory_destroy(src);
    dnnl_memory_destroy(dst);
    return ctx->status;
}
