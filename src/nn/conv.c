/* Convolutions through oneDNN (see conv.h). One process-wide CPU engine and
 * stream; per layer, the primitive for the last input size and the weights
 * in the layouts recent primitives wanted (conv_weights.h). oneDNN's own
 * primitive cache makes re-creating a primitive for a size seen before
 * cheap.
 *
 * Direct convolutions read and write the channels-last tensors in place.
 * Winograd convolutions (3x3, stride 1) exist in oneDNN only for blocked
 * layouts: their input and output are reordered through pool buffers. A
 * dilation-2 layer becomes an undilated one on four phase images (rows and
 * columns of equal parity, a batch of 4): out(2i+a, 2j+b) only reads
 * in(2i+a+2u, 2j+b+2v). A transposed 4x4 stride-2 padding-1 convolution
 * (oneDNN's is slow in this layout) becomes four 2x2 convolutions, one per
 * output phase: out(2m) = in(m) w(1) + in(m-1) w(3), out(2m+1) =
 * in(m+1) w(0) + in(m) w(2) along each axis, i.e. taps w(3 - 2t) with one
 * pixel of zero padding before, or w(2 - 2t) with one after.
 *
 * Scratchpads are user-managed: the pool's one scratch buffer serves every
 * primitive (oneDNN's own, in library mode, is freed after every execution
 * and faulted in afresh by the next, seconds of system time over a
 * pipeline run).
 *
 * Optional bfloat16 mode (nn_set_bf16; AVX512_BF16 hardware): inputs and
 * weights are rounded to bf16, products accumulate in f32, outputs are f32.
 * Winograd layers then run the direct bf16 algorithm. */
#include "nn/conv.h"
#include "nn/conv_weights.h"

#include <dnnl.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct conv_geometry {
    int batch, in_h, in_w, out_h, out_w, dilation, winograd;
    int pad_lo[2], pad_hi[2]; /* zero padding before/after, (y, x) */
    int bf16;                 /* input and weights rounded to bfloat16 (output stays f32) */
} conv_geometry;

struct nn_conv_prim {
    conv_geometry geo;
    int valid;
    dnnl_primitive_t conv, reorder_in, reorder_out; /* reorders only for blocked layouts */
    nn_weight_cache weights;                        /* the layer's weights per layout */
    dnnl_memory_t weights_mem, bias_mem;            /* weights_mem: the primitive's, in the cache */
    dnnl_memory_t user_src, user_dst; /* channels-last views, handles set per run */
    dnnl_memory_t conv_src, conv_dst; /* the primitive's layouts (== user_* when direct) */
    dnnl_memory_t scratch;            /* the primitive's scratchpad, NULL when it needs none */
    size_t conv_src_floats, conv_dst_floats, scratch_floats;
};

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static dnnl_primitive_attr_t user_scratchpad; /* attributes of every convolution */
static dnnl_status_t engine_status = dnnl_runtime_error;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static int use_bf16;

void nn_set_bf16(int on)
{
    use_bf16 = on;
}

static void engine_create(void)
{
    engine_status = dnnl_engine_create(&engine, dnnl_cpu, 0);
    if (engine_status == dnnl_success)
        engine_status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (engine_status == dnnl_success)
        engine_status = dnnl_primitive_attr_create(&user_scratchpad);
    if (engine_status == dnnl_success)
        engine_status = dnnl_primitive_attr_set_scratchpad_mode(user_scratchpad, dnnl_scratchpad_mode_user);
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

static void destroy_primitives(nn_conv_prim *p)
{
    dnnl_primitive_destroy(p->conv);
    dnnl_primitive_destroy(p->reorder_in);
    dnnl_primitive_destroy(p->reorder_out);
    dnnl_memory_destroy(p->user_src);
    dnnl_memory_destroy(p->user_dst);
    dnnl_memory_destroy(p->scratch);
    if (p->conv_src != p->user_src)
        dnnl_memory_destroy(p->conv_src);
    if (p->conv_dst != p->user_dst)
        dnnl_memory_destroy(p->conv_dst);
    p->conv = p->reorder_in = p->reorder_out = NULL;
    p->user_src = p->user_dst = p->conv_src = p->conv_dst = p->scratch = NULL;
    p->valid = 0;
}

void nn_conv_free(nn_conv *cv)
{
    if (cv->prim) {
        destroy_primitives(cv->prim);
        nn_weights_free(&cv->prim->weights);
        dnnl_memory_destroy(cv->prim->bias_mem);
        free(cv->prim);
    }
    if (cv->phases)
        for (int n = 0; n < 4; n++)
            nn_conv_free(&cv->phases[n]);
    free(cv->phases);
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

/* The primitive descriptor for geo; Winograd may be unavailable (then NULL, no error). */
static dnnl_primitive_desc_t create_pd(const nn_conv *cv, const conv_geometry *g,
                                       const dnnl_memory_desc_t *user_src,
                                       const dnnl_memory_desc_t *user_dst)
{
    dnnl_memory_desc_t w_any, bias_md, src_any, dst_any, src_bf16;
    dnnl_dims_t wdims = {cv->cout, cv->cin, cv->k, cv->k}, bdims = {cv->cout};
    dnnl_dims_t strides = {cv->stride, cv->stride}, dil = {g->dilation - 1, g->dilation - 1};
    dnnl_dims_t pad_l = {g->pad_lo[0], g->pad_lo[1]}, pad_r = {g->pad_hi[0], g->pad_hi[1]};
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_desc_init_by_tag(&w_any, 4, wdims, g->bf16 ? dnnl_bf16 : dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&bias_md, 1, bdims, dnnl_f32, dnnl_a);
    if (g->bf16) {
        dnnl_memory_desc_init_by_tag(&src_bf16, 4, user_src->dims, dnnl_bf16, dnnl_nhwc);
        user_src = &src_bf16;
    }
    const dnnl_memory_desc_t *bias = cv->bias ? &bias_md : NULL;
    if (cv->transposed) {
        dnnl_deconvolution_desc_t d;
        if (dnnl_dilated_deconvolution_forward_desc_init(&d, dnnl_forward_inference,
                dnnl_deconvolution_direct, user_src, &w_any, bias, user_dst, strides, dil, pad_l,
                pad_r) == dnnl_success)
            dnnl_primitive_desc_create(&pd, &d, user_scratchpad, engine, NULL);
        return pd;
    }
    dnnl_convolution_desc_t d;
    if (g->winograd && !g->bf16) {
        dnnl_memory_desc_init_by_tag(&src_any, 4, user_src->dims, dnnl_f32, dnnl_format_tag_any);
        dnnl_memory_desc_init_by_tag(&dst_any, 4, user_dst->dims, dnnl_f32, dnnl_format_tag_any);
        user_src = &src_any;
        user_dst = &dst_any;
    }
    if (dnnl_dilated_convolution_forward_desc_init(&d, dnnl_forward_inference,
            g->winograd && !g->bf16 ? dnnl_convolution_winograd : dnnl_convolution_direct, user_src, &w_any,
            bias, user_dst, strides, dil, pad_l, pad_r) == dnnl_success)
        dnnl_primitive_desc_create(&pd, &d, user_scratchpad, engine, NULL);
    return pd;
}

/* A memory in the primitive's layout plus a reorder from/to the user's. */
static int blocked_side(p3d_ctx *ctx, const dnnl_memory_desc_t *conv_md, dnnl_memory_t user,
                        const dnnl_memory_desc_t *user_md, int to_user, dnnl_memory_t *conv_mem,
                        dnnl_primitive_t *reorder, size_t *floats)
{
    dnnl_primitive_desc_t rpd = NULL;
    *floats = (dnnl_memory_desc_get_size(conv_md) + sizeof(float) - 1) / sizeof(float);
    if (dnnl_memory_desc_equal(conv_md, user_md)) {
        *conv_mem = user;
        return P3D_OK;
    }
    DNNL_TRY(dnnl_memory_create(conv_mem, conv_md, engine, DNNL_MEMORY_NONE));
    if (to_user)
        DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, conv_md, engine, user_md, engine, NULL));
    else
        DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, user_md, engine, conv_md, engine, NULL));
    DNNL_TRY(dnnl_primitive_create(reorder, rpd));
fail:
    dnnl_primitive_desc_destroy(rpd);
    return ctx->status;
}

/* The layer may run as Winograd (see geometry()). */
static int winograd_capable(const nn_conv *cv)
{
    return cv->winograd && !cv->transposed && cv->k == 3 && cv->stride == 1 && cv->pad <= 1;
}

static int prepare(p3d_ctx *ctx, nn_conv *cv, const conv_geometry *g)
{
    nn_conv_prim *p = cv->prim;
    if (p && p->valid && memcmp(&p->geo, g, sizeof *g) == 0)
        return P3D_OK;
    pthread_once(&engine_once, engine_create);
    if (engine_status != dnnl_success)
        return p3d_fail(ctx, P3D_E_INTERNAL, "nn: no oneDNN CPU engine (status %d)", (int)engine_status);
    if (!p) {
        p = cv->prim = calloc(1, sizeof *p);
        if (!p)
            return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    }
    destroy_primitives(p);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_desc_t src_md, dst_md, bias_md;
    dnnl_dims_t sdims = {g->batch, cv->cin, g->in_h, g->in_w};
    dnnl_dims_t ddims = {g->batch, cv->cout, g->out_h, g->out_w}, bdims = {cv->cout};
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_md, 4, sdims, dnnl_f32, dnnl_nhwc));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst_md, 4, ddims, dnnl_f32, dnnl_nhwc));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&bias_md, 1, bdims, dnnl_f32, dnnl_a));
    pd = create_pd(cv, g, &src_md, &dst_md);
    if (!pd && g->winograd) { /* not on this CPU: the direct algorithm on the same geometry */
        conv_geometry direct = *g;
        direct.winograd = 0;
        pd = create_pd(cv, &direct, &src_md, &dst_md);
    }
    if (!pd)
        return p3d_fail(ctx, P3D_E_INTERNAL, "nn: oneDNN has no %s convolution %d->%d k%d",
                        g->winograd ? "Winograd" : "direct", cv->cin, cv->cout, cv->k);
    if (nn_weights_get(ctx, engine, stream, cv, &p->weights,
                       dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &p->weights_mem))
        goto fail;
    if (cv->release_weights && !winograd_capable(cv)) {
        free(cv->weight);
        cv->weight = NULL;
    }
    if (cv->bias && !p->bias_mem)
        DNNL_TRY(dnnl_memory_create(&p->bias_mem, &bias_md, engine, cv->bias));
    DNNL_TRY(dnnl_memory_create(&p->user_src, &src_md, engine, DNNL_MEMORY_NONE));
    DNNL_TRY(dnnl_memory_create(&p->user_dst, &dst_md, engine, DNNL_MEMORY_NONE));
    if (blocked_side(ctx, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), p->user_src,
                     &src_md, 0, &p->conv_src, &p->reorder_in, &p->conv_src_floats) ||
        blocked_side(ctx, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), p->user_dst,
                     &dst_md, 1, &p->conv_dst, &p->reorder_out, &p->conv_dst_floats))
        goto fail;
    const dnnl_memory_desc_t *scratch_md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    p->scratch_floats = scratch_md ? (dnnl_memory_desc_get_size(scratch_md) + sizeof(float) - 1) / sizeof(float) : 0;
    if (p->scratch_floats)
        DNNL_TRY(dnnl_memory_create(&p->scratch, scratch_md, engine, DNNL_MEMORY_NONE));
    DNNL_TRY(dnnl_primitive_create(&p->conv, pd));
    p->geo = *g;
    p->valid = 1;
fail:
    dnnl_primitive_desc_destroy(pd);
    if (ctx->status)
        destroy_primitives(p);
    return ctx->status;
}

/* Phase images of a dilation-2 input: batch n = 2a + b holds rows 2i+a, columns 2j+b. */
static void split_phases(const nn_tensor *src, float *phases)
{
    const int c = src->c, ph = src->h / 2, pw = src->w / 2;
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < 4; n++)
        for (int i = 0; i < ph; i++)
            for (int j = 0; j < pw; j++)
                memcpy(phases + (((size_t)n * ph + i) * pw + j) * c,
                       src->data + ((size_t)(2 * i + n / 2) * src->w + 2 * j + n % 2) * c,
                       c * sizeof(float));
}

/* Phase image n (rows 2i + n/2, columns 2j + n%2) into dst. */
static void merge_phase(const float *phase, int n, nn_tensor *dst)
{
    const int c = dst->c, ph = dst->h / 2, pw = dst->w / 2;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < ph; i++)
        for (int j = 0; j < pw; j++)
            memcpy(dst->data + ((size_t)(2 * i + n / 2) * dst->w + 2 * j + n % 2) * c,
                   phase + ((size_t)i * pw + j) * c, c * sizeof(float));
}

static void merge_phases(const float *phases, nn_tensor *dst)
{
    const size_t size = (size_t)(dst->h / 2) * (dst->w / 2) * dst->c;
    for (int n = 0; n < 4; n++)
        merge_phase(phases + n * size, n, dst);
}

static conv_geometry geometry(const nn_conv *cv, const nn_tensor *src, const nn_tensor *dst)
{
    conv_geometry g = {1, src->h, src->w, dst->h, dst->w, cv->dilation, 0,
                       {cv->pad, cv->pad}, {cv->pad, cv->pad}, use_bf16 && !cv->transposed};
    if (!winograd_capable(cv))
        return g;
    if (cv->dilation == 1)
        g.winograd = 1;
    if (cv->dilation == 2 && cv->pad == 0 && src->h % 2 == 0 && src->w % 2 == 0) {
        g.batch = 4;
        g.in_h = src->h / 2, g.in_w = src->w / 2, g.out_h = dst->h / 2, g.out_w = dst->w / 2;
        g.dilation = 1;
        g.winograd = 1;
    }
    return g;
}

static int execute(p3d_ctx *ctx, dnnl_primitive_t prim, int nargs, const dnnl_exec_arg_t *args)
{
    DNNL_TRY(dnnl_primitive_execute(prim, stream, nargs, args));
    DNNL_TRY(dnnl_stream_wait(stream));
fail:
    return ctx->status;
}

/* Runs cv's primitive for g on channels-last buffers (batch g->batch). */
static int run_primitive(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const conv_geometry *g,
                         float *src, float *dst)
{
    if (prepare(ctx, cv, g))
        return ctx->status;
    nn_conv_prim *p = cv->prim;
    nn_tensor in_blocked = {0}, out_blocked = {0};
    DNNL_TRY(dnnl_memory_set_data_handle(p->user_src, src));
    DNNL_TRY(dnnl_memory_set_data_handle(p->user_dst, dst));
    if (p->reorder_in) {
        if (nn_tensor_get(ctx, pool, 1, 1, (int)p->conv_src_floats, &in_blocked))
            goto fail;
        DNNL_TRY(dnnl_memory_set_data_handle(p->conv_src, in_blocked.data));
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, p->user_src}, {DNNL_ARG_TO, p->conv_src}};
        if (execute(ctx, p->reorder_in, 2, args))
            goto fail;
    }
    if (p->reorder_out) {
        if (nn_tensor_get(ctx, pool, 1, 1, (int)p->conv_dst_floats, &out_blocked))
            goto fail;
        DNNL_TRY(dnnl_memory_set_data_handle(p->conv_dst, out_blocked.data));
    }
    dnnl_exec_arg_t args[5] = {{DNNL_ARG_SRC, p->conv_src}, {DNNL_ARG_WEIGHTS, p->weights_mem},
                               {DNNL_ARG_DST, p->conv_dst}, {DNNL_ARG_BIAS, p->bias_mem}};
    int nargs = cv->bias ? 4 : 3;
    if (p->scratch) {
        float *scratch = nn_pool_scratch(pool, p->scratch_floats);
        if (!scratch) {
            p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory for a convolution's scratchpad");
            goto fail;
        }
        DNNL_TRY(dnnl_memory_set_data_handle(p->scratch, scratch));
        args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, p->scratch};
    }
    if (execute(ctx, p->conv, nargs, args))
        goto fail;
    nn_tensor_put(pool, &in_blocked);
    if (p->reorder_out) {
        dnnl_exec_arg_t back[2] = {{DNNL_ARG_FROM, p->conv_dst}, {DNNL_ARG_TO, p->user_dst}};
        execute(ctx, p->reorder_out, 2, back);
    }
fail:
    nn_tensor_put(pool, &in_blocked);
    nn_tensor_put(pool, &out_blocked);
    return ctx->status;
}

static int is_subpixel(const nn_conv *cv)
{
    return cv->transposed && cv->k == 4 && cv->stride == 2 && cv->pad == 1 && cv->dilation == 1;
}

/* The four 2x2 phase convolutions of a k4 s2 p1 transposed convolution. */
static int make_phases(p3d_ctx *ctx, nn_conv *cv)
{
    nn_conv *ph = calloc(4, sizeof *ph);
    if (!ph)
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    cv->phases = ph;
    for (int n = 0; n < 4; n++) {
        const int a = n / 2, b = n % 2;
        if (nn_conv_init(ctx, &ph[n], cv->cin, cv->cout, 2, 1, 0, 1, 0, cv->bias != NULL))
            return ctx->status;
        for (int o = 0; o < cv->cout; o++)
            for (int i = 0; i < cv->cin; i++)
                for (int ty = 0; ty < 2; ty++)
                    for (int tx = 0; tx < 2; tx++) {
                        int ky = a ? 2 - 2 * ty : 3 - 2 * ty, kx = b ? 2 - 2 * tx : 3 - 2 * tx;
                        ph[n].weight[(((size_t)o * cv->cin + i) * 2 + ty) * 2 + tx] =
                            cv->weight[(((size_t)i * cv->cout + o) * 4 + ky) * 4 + kx];
                    }
        if (cv->bias)
            memcpy(ph[n].bias, cv->bias, cv->cout * sizeof(float));
    }
    return P3D_OK;
}

static int run_subpixel(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const nn_tensor *src, nn_tensor *dst)
{
    nn_tensor phase = {0}; /* one output phase at a time: a quarter of dst */
    if ((!cv->phases && make_phases(ctx, cv)) ||
        nn_tensor_get(ctx, pool, dst->c, src->h, src->w, &phase))
        return ctx->status;
    for (int n = 0; n < 4; n++) {
        const int a = n / 2, b = n % 2;
        conv_geometry g = {1, src->h, src->w, src->h, src->w, 1, 0, {1 - a, 1 - b}, {a, b}, use_bf16};
        if (run_primitive(ctx, pool, &cv->phases[n], &g, src->data, phase.data))
            break;
        merge_phase(phase.data, n, dst);
    }
    nn_tensor_put(pool, &phase);
    return ctx->status;
}

int nn_conv_run(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const nn_tensor *src, nn_tensor *dst)
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
    if (is_subpixel(cv))
        return run_subpixel(ctx, pool, cv, src, dst);
    conv_geometry g = geometry(cv, src, dst);
    if (g.batch == 1)
        return run_primitive(ctx, pool, cv, &g, src->data, dst->data);
    nn_tensor in_phases = {0}, out_phases = {0};
    if (!nn_tensor_get(ctx, pool, src->c, src->h, src->w, &in_phases) &&
        !nn_tensor_get(ctx, pool, dst->c, dst->h, dst->w, &out_phases)) {
        split_phases(src, in_phases.data);
        if (!run_primitive(ctx, pool, cv, &g, in_phases.data, out_phases.data))
            merge_phases(out_phases.data, dst);
    }
    nn_tensor_put(pool, &in_phases);
    nn_tensor_put(pool, &out_phases);
    return ctx->status;
}
