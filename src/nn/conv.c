/* Convolutions through oneDNN (see conv.h). One process-wide CPU engine and
 * stream; per layer, the primitive for the last input size and the weights
 * reordered into the layout that primitive wants. oneDNN's own primitive
 * cache makes re-creating a primitive for a size seen before cheap; the
 * weights are reordered again only when the wanted layout changes. */
#include "nn/conv.h"

#include <dnnl.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct nn_conv_prim {
    int in_h, in_w;
    dnnl_primitive_t conv;
    dnnl_memory_desc_t weights_md; /* layout of weights_mem */
    dnnl_memory_t weights_mem, bias_mem, src_mem, dst_mem;
};

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static dnnl_status_t engine_status = dnnl_runtime_error;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_create(void)
{
    engine_status = dnnl_engine_create(&engine, dnnl_cpu, 0);
    if (engine_status == dnnl_success)
        engine_status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
}

void nn_set_threads(int threads)
{
    omp_set_num_threads(threads > 0 ? threads : 1);
}

int nn_conv_init(p3d_ctx *ctx, nn_conv *cv, int cin, int cout, int k, int stride, int pad,
                 int dilation, int transposed, int has_bias)
{
    memset(cv, 0, sizeof *cv);
    cv->cin = cin;
    cv->cout = cout;
    cv->k = k;
    cv->stride = stride;
    cv->pad = pad;
    cv->dilation = dilation;
    cv->transposed = transposed;
    cv->weight = calloc((size_t)cin * cout * k * k, sizeof(float));
    cv->bias = has_bias ? calloc((size_t)cout, sizeof(float)) : NULL;
    if (!cv->weight || (has_bias && !cv->bias)) {
        nn_conv_free(cv);
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory for convolution weights");
    }
    return P3D_OK;
}

static void prim_free(nn_conv_prim *p)
{
    if (!p)
        return;
    dnnl_primitive_destroy(p->conv);
    dnnl_memory_destroy(p->weights_mem);
    dnnl_memory_destroy(p->bias_mem);
    dnnl_memory_destroy(p->src_mem);
    dnnl_memory_destroy(p->dst_mem);
    free(p);
}

void nn_conv_free(nn_conv *cv)
{
    prim_free(cv->prim);
    free(cv->narrow_weight);
    free(cv->weight);
    free(cv->bias);
    memset(cv, 0, sizeof *cv);
}

int nn_conv_out_size(const nn_conv *cv, int in)
{
    int span = cv->dilation * (cv->k - 1);
    if (cv->transposed)
        return (in - 1) * cv->stride - 2 * cv->pad + span + 1;
    return (in + 2 * cv->pad - span - 1) / cv->stride + 1;
}

#define DNNL_TRY(call)                                                                       \
    do {                                                                                     \
        dnnl_status_t st_ = (call);                                                          \
        if (st_ != dnnl_success) {                                                           \
            p3d_fail(ctx, P3D_E_INTERNAL, "nn: oneDNN %s failed (status %d)", #call, (int)st_); \
            goto fail;                                                                       \
        }                                                                                    \
    } while (0)

/* Reorders the PyTorch-layout weights into the layout of want. */
static int reorder_weights(p3d_ctx *ctx, const nn_conv *cv, nn_conv_prim *p,
                           const dnnl_memory_desc_t *want)
{
    dnnl_memory_desc_t user_md;
    dnnl_memory_t user_mem = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t reorder = NULL;
    dnnl_dims_t wdims = {cv->cout, cv->cin, cv->k, cv->k};
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&user_md, 4, wdims, dnnl_f32,
                                          cv->transposed ? dnnl_iohw : dnnl_oihw));
    DNNL_TRY(dnnl_memory_create(&user_mem, &user_md, engine, cv->weight));
    dnnl_memory_destroy(p->weights_mem);
    p->weights_mem = NULL;
    DNNL_TRY(dnnl_memory_create(&p->weights_mem, want, engine, DNNL_MEMORY_ALLOCATE));
    DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &user_md, engine, want, engine, NULL));
    DNNL_TRY(dnnl_primitive_create(&reorder, rpd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, user_mem}, {DNNL_ARG_TO, p->weights_mem}};
    DNNL_TRY(dnnl_primitive_execute(reorder, stream, 2, args));
    DNNL_TRY(dnnl_stream_wait(stream));
    p->weights_md = *want;
fail:
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(rpd);
    dnnl_memory_destroy(user_mem);
    return ctx->status;
}

static int prepare(p3d_ctx *ctx, nn_conv *cv, const nn_tensor *src, const nn_tensor *dst)
{
    nn_conv_prim *p = cv->prim;
    if (p && p->in_h == src->h && p->in_w == src->w)
        return P3D_OK;
    pthread_once(&engine_once, engine_create);
    if (engine_status != dnnl_success)
        return p3d_fail(ctx, P3D_E_INTERNAL, "nn: no oneDNN CPU engine (status %d)", (int)engine_status);
    if (!p) {
        p = cv->prim = calloc(1, sizeof *p);
        if (!p)
            return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    }
    dnnl_primitive_destroy(p->conv);
    p->conv = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_desc_t src_md, dst_md, w_any, bias_md;
    dnnl_dims_t sdims = {1, cv->cin, src->h, src->w}, ddims = {1, cv->cout, dst->h, dst->w};
    dnnl_dims_t wdims = {cv->cout, cv->cin, cv->k, cv->k}, bdims = {cv->cout};
    dnnl_dims_t strides = {cv->stride, cv->stride}, dil = {cv->dilation - 1, cv->dilation - 1};
    dnnl_dims_t pad = {cv->pad, cv->pad};
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_md, 4, sdims, dnnl_f32, dnnl_nhwc));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst_md, 4, ddims, dnnl_f32, dnnl_nhwc));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&w_any, 4, wdims, dnnl_f32, dnnl_format_tag_any));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&bias_md, 1, bdims, dnnl_f32, dnnl_a));
    const dnnl_memory_desc_t *bias = cv->bias ? &bias_md : NULL;
    if (cv->transposed) {
        dnnl_deconvolution_desc_t d;
        DNNL_TRY(dnnl_dilated_deconvolution_forward_desc_init(&d, dnnl_forward_inference,
                 dnnl_deconvolution_direct, &src_md, &w_any, bias, &dst_md, strides, dil, pad, pad));
        DNNL_TRY(dnnl_primitive_desc_create(&pd, &d, NULL, engine, NULL));
    } else {
        dnnl_convolution_desc_t d;
        DNNL_TRY(dnnl_dilated_convolution_forward_desc_init(&d, dnnl_forward_inference,
                 dnnl_convolution_direct, &src_md, &w_any, bias, &dst_md, strides, dil, pad, pad));
        DNNL_TRY(dnnl_primitive_desc_create(&pd, &d, NULL, engine, NULL));
    }
    const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    if (!p->weights_mem || !dnnl_memory_desc_equal(want, &p->weights_md))
        if (reorder_weights(ctx, cv, p, want))
            goto fail;
    if (cv->bias && !p->bias_mem)
        DNNL_TRY(dnnl_memory_create(&p->bias_mem, &bias_md, engine, cv->bias));
    dnnl_memory_destroy(p->src_mem);
    dnnl_memory_destroy(p->dst_mem);
    p->src_mem = p->dst_mem = NULL;
    DNNL_TRY(dnnl_memory_create(&p->src_mem, &src_md, engine, DNNL_MEMORY_NONE));
    DNNL_TRY(dnnl_memory_create(&p->dst_mem, &dst_md, engine, DNNL_MEMORY_NONE));
    DNNL_TRY(dnnl_primitive_create(&p->conv, pd));
    p->in_h = src->h;
    p->in_w = src->w;
fail:
    dnnl_primitive_desc_destroy(pd);
    if (ctx->status)
        p->in_h = p->in_w = -1;
    return ctx->status;
}

int nn_conv_run(p3d_ctx *ctx, nn_conv *cv, const nn_tensor *src, nn_tensor *dst)
{
    if (src->c != cv->cin || dst->c != cv->cout || dst->h != nn_conv_out_size(cv, src->h) ||
        dst->w != nn_conv_out_size(cv, src->w))
        return p3d_fail(ctx, P3D_E_INTERNAL, "nn: convolution shape mismatch");
    if (nn_conv_is_narrow(cv)) {
        if (!cv->narrow_weight && nn_conv_narrow_weights(ctx, cv, &cv->narrow_weight))
            return ctx->status;
        nn_conv_narrow(cv, cv->narrow_weight, src, dst);
        return P3D_OK;
    }
    if (prepare(ctx, cv, src, dst))
        return ctx->status;
    nn_conv_prim *p = cv->prim;
    DNNL_TRY(dnnl_memory_set_data_handle(p->src_mem, src->data));
    DNNL_TRY(dnnl_memory_set_data_handle(p->dst_mem, dst->data));
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, p->src_mem}, {DNNL_ARG_WEIGHTS, p->weights_mem},
                               {DNNL_ARG_DST, p->dst_mem}, {DNNL_ARG_BIAS, p->bias_mem}};
    DNNL_TRY(dnnl_primitive_execute(p->conv, stream, cv->bias ? 4 : 3, args));
    DNNL_TRY(dnnl_stream_wait(stream));
fail:
    return ctx->status;
}
