/* Inpaint_Edge_Net (ALGORITHM.md 6.7): the EdgeConnect-style generator that
 * continues depth edges into the hole. Encoder (reflection pad 3 + 7x7 conv,
 * two 4x4 stride-2 convs), eight dilated residual blocks, two transposed
 * convs fed with skip concatenations, reflection pad 3 + 7x7 conv, sigmoid.
 * Every conv but the last is spectral-normalised (folded at load) and
 * followed by affine-free instance norm. */
#include "nn/load.h"
#include "nn/net_internal.h"
#include "nn/ops.h"

#include <stdio.h>
#include <stdlib.h>

#define EDGE_BLOCKS 8
#define LAST_LAYER_BAND 64 /* output rows per band of the last layer */

typedef struct edge_layers {
    nn_conv enc0, enc1, enc2;
    nn_conv mid[EDGE_BLOCKS][2]; /* dilated 3x3, then plain 3x3; no bias */
    nn_conv dec0, dec1, dec2;
} edge_layers;

static void edge_free(void *p)
{
    edge_layers *L = p;
    nn_conv_free(&L->enc0);
    nn_conv_free(&L->enc1);
    nn_conv_free(&L->enc2);
    for (int b = 0; b < EDGE_BLOCKS; b++) {
        nn_conv_free(&L->mid[b][0]);
        nn_conv_free(&L->mid[b][1]);
    }
    nn_conv_free(&L->dec0);
    nn_conv_free(&L->dec1);
    nn_conv_free(&L->dec2);
    free(L);
}

/* x -> act(IN(conv(x))), x given back to the pool when consume is set. */
static int conv_in_act(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, nn_tensor *x, int consume,
                       nn_act act, nn_tensor *y)
{
    if (nn_tensor_get(ctx, pool, cv->cout, nn_conv_out_size(cv, x->h), nn_conv_out_size(cv, x->w), y) ||
        nn_conv_run(ctx, pool, cv, x, y))
        return ctx->status;
    if (consume)
        nn_tensor_put(pool, x);
    nn_instance_norm(y, act);
    return P3D_OK;
}

static int pad_reflect(p3d_ctx *ctx, nn_pool *pool, const nn_tensor *x, int p, nn_tensor *y)
{
    if (nn_tensor_get(ctx, pool, x->c, x->h + 2 * p, x->w + 2 * p, y))
        return ctx->status;
    nn_pad_reflect(x, p, y);
    return P3D_OK;
}

static int concat(p3d_ctx *ctx, nn_pool *pool, const nn_tensor *a, const nn_tensor *b, nn_tensor *y)
{
    if (nn_tensor_get(ctx, pool, a->c + b->c, a->h, a->w, y))
        return ctx->status;
    nn_concat(a, b, y);
    return P3D_OK;
}

/* x + IN(conv(pad1(lrelu(IN(conv_d2(pad2(x))))))); x is kept. */
static int resnet_block(p3d_ctx *ctx, nn_pool *pool, nn_conv cv[2], const nn_tensor *x, nn_tensor *y)
{
    nn_tensor p = {0}, t = {0};
    if (pad_reflect(ctx, pool, x, 2, &p) || conv_in_act(ctx, pool, &cv[0], &p, 1, NN_ACT_LRELU, &t) ||
        pad_reflect(ctx, pool, &t, 1, &p))
        goto fail;
    nn_tensor_put(pool, &t);
    if (conv_in_act(ctx, pool, &cv[1], &p, 1, NN_ACT_NONE, y))
        goto fail;
    nn_add(y, x);
fail:
    nn_tensor_put(pool, &p);
    nn_tensor_put(pool, &t);
    return ctx->status;
}

/* o = conv(pad3([x6, x1])), in bands of rows: the padded concatenation
 * exists for one band at a time (at full resolution it would be the
 * largest tensor of the pass). p: the band buffer. */
static int last_layer(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const nn_tensor *x6,
                      const nn_tensor *x1, nn_tensor *p, nn_tensor *o)
{
    const int pad = cv->k / 2, w = o->w;
    const int band = LAST_LAYER_BAND < o->h ? LAST_LAYER_BAND : o->h;
    if (nn_tensor_get(ctx, pool, x6->c + x1->c, band + 2 * pad, w + 2 * pad, p))
        return ctx->status;
    for (int y0 = 0; y0 < o->h; y0 += band) {
        const int rows = o->h - y0 < band ? o->h - y0 : band;
        nn_tensor in = {p->c, rows + 2 * pad, p->w, p->data};
        nn_tensor out = {o->c, rows, w, o->data + (size_t)y0 * w * o->c};
        nn_pad_reflect_concat(x6, x1, pad, y0, &in);
        if (nn_conv_run(ctx, pool, cv, &in, &out))
            return ctx->status;
    }
    return P3D_OK;
}

static int edge_forward(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out)
{
    edge_layers *L = net->layers;
    nn_pool *pool = net->pool;
    nn_tensor x0 = {0}, p = {0}, x1 = {0}, x2 = {0}, x3 = {0}, m = {0}, mn = {0}, c = {0},
              x5 = {0}, x6 = {0}, o = {0};
    if (nn_tensor_get(ctx, pool, net->in_c, h, w, &x0))
        goto done;
    nn_from_planar(in, &x0);
    if (pad_reflect(ctx, pool, &x0, 3, &p))
        goto done;
    nn_tensor_put(pool, &x0);
    if (conv_in_act(ctx, pool, &L->enc0, &p, 1, NN_ACT_RELU, &x1) ||
        conv_in_act(ctx, pool, &L->enc1, &x1, 0, NN_ACT_RELU, &x2) ||
        conv_in_act(ctx, pool, &L->enc2, &x2, 0, NN_ACT_RELU, &x3))
        goto done;
    const nn_tensor *cur = &x3;
    for (int b = 0; b < EDGE_BLOCKS; b++) {
        if (resnet_block(ctx, pool, L->mid[b], cur, &mn))
            goto done;
        nn_tensor_put(pool, &m);
        m = mn;
        mn.data = NULL;
        cur = &m;
    }
    if (concat(ctx, pool, &m, &x3, &c))
        goto done;
    nn_tensor_put(pool, &m);
    nn_tensor_put(pool, &x3);
    if (conv_in_act(ctx, pool, &L->dec0, &c, 1, NN_ACT_RELU, &x5) || concat(ctx, pool, &x5, &x2, &c))
        goto done;
    nn_tensor_put(pool, &x5);
    nn_tensor_put(pool, &x2);
    if (conv_in_act(ctx, pool, &L->dec1, &c, 1, NN_ACT_RELU, &x6) ||
        nn_tensor_get(ctx, pool, 1, h, w, &o) || last_layer(ctx, pool, &L->dec2, &x6, &x1, &p, &o))
        goto done;
    nn_activate(&o, NN_ACT_SIGMOID);
    nn_to_planar(&o, out);
done:
    nn_tensor_put(pool, &x0);
    nn_tensor_put(pool, &p);
    nn_tensor_put(pool, &x1);
    nn_tensor_put(pool, &x2);
    nn_tensor_put(pool, &x3);
    nn_tensor_put(pool, &m);
    nn_tensor_put(pool, &mn);
    nn_tensor_put(pool, &c);
    nn_tensor_put(pool, &x5);
    nn_tensor_put(pool, &x6);
    nn_tensor_put(pool, &o);
    return ctx->status;
}

int net_edge_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net)
{
    edge_layers *L = net_attach_layers(ctx, net, sizeof *L, edge_forward, edge_free, 7, 1, 16);
    if (!L)
        return ctx->status;
    if (nn_conv_init(ctx, &L->enc0, 7, 64, 7, 1, 0, 1, 0, 1) ||
        nn_load_sn_conv(ctx, ck, "encoder_0.1", &L->enc0) ||
        nn_conv_init(ctx, &L->enc1, 64, 128, 4, 2, 1, 1, 0, 1) ||
        nn_load_sn_conv(ctx, ck, "encoder_1.0", &L->enc1) ||
        nn_conv_init(ctx, &L->enc2, 128, 256, 4, 2, 1, 1, 0, 1) ||
        nn_load_sn_conv(ctx, ck, "encoder_2.0", &L->enc2))
        return ctx->status;
    for (int b = 0; b < EDGE_BLOCKS; b++) {
        char key[64];
        snprintf(key, sizeof key, "middle.%d.conv_block.1", b);
        if (nn_conv_init(ctx, &L->mid[b][0], 256, 256, 3, 1, 0, 2, 0, 0) ||
            nn_load_sn_conv(ctx, ck, key, &L->mid[b][0]))
            return ctx->status;
        snprintf(key, sizeof key, "middle.%d.conv_block.5", b);
        if (nn_conv_init(ctx, &L->mid[b][1], 256, 256, 3, 1, 0, 1, 0, 0) ||
            nn_load_sn_conv(ctx, ck, key, &L->mid[b][1]))
            return ctx->status;
        L->mid[b][0].winograd = L->mid[b][1].winograd = 1;
    }
    if (nn_conv_init(ctx, &L->dec0, 512, 128, 4, 2, 1, 1, 1, 1) ||
        nn_load_sn_conv(ctx, ck, "decoder_0.0", &L->dec0) ||
        nn_conv_init(ctx, &L->dec1, 256, 64, 4, 2, 1, 1, 1, 1) ||
        nn_load_sn_conv(ctx, ck, "decoder_1.0", &L->dec1) ||
        nn_conv_init(ctx, &L->dec2, 128, 1, 7, 1, 0, 1, 0, 1) ||
        nn_load_conv(ctx, ck, "decoder_2.1", &L->dec2))
        return ctx->status;
    return P3D_OK;
}
