/* MiDaS v1 MonoDepthNet (ALGORITHM.md 7): a ResNet-50 trunk (BatchNorm
 * folded into the convolutions at load) and the RefineNet-style decoder:
 * 3x3 projections to 256 channels, four fusion blocks (each applies its one
 * residual conv unit twice, then bilinear x2 with align_corners=True), two
 * output convolutions and a final bilinear x2 (align_corners=False). The
 * residual unit adds relu(x), not x: the reference's ReLU is in place. */
#include "nn/load.h"
#include "nn/net_internal.h"
#include "nn/ops.h"

#include <stdio.h>
#include <stdlib.h>

#define BLOCKS 16
static const int stage_blocks[4] = {3, 4, 6, 3};

typedef struct bottleneck {
    nn_conv c1, c2, c3, down;
    int has_down;
} bottleneck;

typedef struct midas_layers {
    nn_conv stem;
    bottleneck block[BLOCKS];
    nn_conv rn[4], rcu1[4], rcu2[4]; /* per level 1..4 */
    nn_conv out0, out1;
} midas_layers;

static void midas_free(void *p)
{
    midas_layers *L = p;
    nn_conv_free(&L->stem);
    for (int b = 0; b < BLOCKS; b++) {
        nn_conv_free(&L->block[b].c1);
        nn_conv_free(&L->block[b].c2);
        nn_conv_free(&L->block[b].c3);
        nn_conv_free(&L->block[b].down);
    }
    for (int i = 0; i < 4; i++) {
        nn_conv_free(&L->rn[i]);
        nn_conv_free(&L->rcu1[i]);
        nn_conv_free(&L->rcu2[i]);
    }
    nn_conv_free(&L->out0);
    nn_conv_free(&L->out1);
    free(L);
}

/* y = act(conv(x)), y from the pool. */
static int conv_act(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const nn_tensor *x, nn_act act,
                    nn_tensor *y)
{
    if (nn_tensor_get(ctx, pool, cv->cout, nn_conv_out_size(cv, x->h), nn_conv_out_size(cv, x->w), y) ||
        nn_conv_run(ctx, pool, cv, x, y))
        return ctx->status;
    nn_activate(y, act);
    return P3D_OK;
}

/* relu(c3(relu(c2(relu(c1(x))))) + identity or projection of x). */
static int bottleneck_run(p3d_ctx *ctx, nn_pool *pool, bottleneck *b, const nn_tensor *x, nn_tensor *y)
{
    nn_tensor t1 = {0}, t2 = {0}, id = {0};
    if (conv_act(ctx, pool, &b->c1, x, NN_ACT_RELU, &t1) ||
        conv_act(ctx, pool, &b->c2, &t1, NN_ACT_RELU, &t2))
        goto done;
    nn_tensor_put(pool, &t1);
    if (conv_act(ctx, pool, &b->c3, &t2, NN_ACT_NONE, y) ||
        (b->has_down && conv_act(ctx, pool, &b->down, x, NN_ACT_NONE, &id)))
        goto done;
    nn_add(y, b->has_down ? &id : x);
    nn_activate(y, NN_ACT_RELU);
done:
    nn_tensor_put(pool, &t1);
    nn_tensor_put(pool, &t2);
    nn_tensor_put(pool, &id);
    return ctx->status;
}

/* Residual conv unit in place: x <- conv2(relu(conv1(relu(x)))) + relu(x). */
static int rcu(p3d_ctx *ctx, nn_pool *pool, nn_conv *c1, nn_conv *c2, nn_tensor *x)
{
    nn_tensor t = {0}, u = {0};
    nn_activate(x, NN_ACT_RELU);
    if (!conv_act(ctx, pool, c1, x, NN_ACT_RELU, &t) && !conv_act(ctx, pool, c2, &t, NN_ACT_NONE, &u))
        nn_add(x, &u);
    nn_tensor_put(pool, &t);
    nn_tensor_put(pool, &u);
    return ctx->status;
}

/* Fusion block of level i: x (+ rcu(skip)), rcu, bilinear x2 (align corners). x is consumed. */
static int fuse(p3d_ctx *ctx, nn_pool *pool, midas_layers *L, int i, nn_tensor *x, nn_tensor *skip,
                nn_tensor *y)
{
    if (skip) {
        if (rcu(ctx, pool, &L->rcu1[i], &L->rcu2[i], skip))
            return ctx->status;
        nn_add(x, skip);
    }
    if (rcu(ctx, pool, &L->rcu1[i], &L->rcu2[i], x) ||
        nn_tensor_get(ctx, pool, x->c, 2 * x->h, 2 * x->w, y))
        return ctx->status;
    nn_upsample_bilinear2x(x, y, 1);
    nn_tensor_put(pool, x);
    return P3D_OK;
}

static int midas_forward(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out)
{
    midas_layers *L = net->layers;
    nn_pool *pool = net->pool;
    nn_tensor x = {0}, t = {0}, rn[4] = {{0}}, p = {0}, q = {0};
    if (nn_tensor_get(ctx, pool, 3, h, w, &x))
        goto done;
    nn_from_planar(in, &x);
    if (conv_act(ctx, pool, &L->stem, &x, NN_ACT_RELU, &t) ||
        nn_tensor_get(ctx, pool, t.c, (t.h + 1) / 2, (t.w + 1) / 2, &p))
        goto done;
    nn_tensor_put(pool, &x);
    nn_maxpool3s2(&t, &p);
    nn_tensor_put(pool, &t);
    for (int s = 0, b = 0; s < 4; s++) {
        for (int k = 0; k < stage_blocks[s]; k++, b++) {
            if (bottleneck_run(ctx, pool, &L->block[b], &p, &q))
                goto done;
            nn_tensor_put(pool, &p);
            p = q;
            q.data = NULL;
        }
        /* The decoder reads each level only through its projection. */
        if (conv_act(ctx, pool, &L->rn[s], &p, NN_ACT_NONE, &rn[s]))
            goto done;
    }
    nn_tensor_put(pool, &p);
    if (fuse(ctx, pool, L, 3, &rn[3], NULL, &p))
        goto done;
    for (int s = 2; s >= 0; s--) {
        if (fuse(ctx, pool, L, s, &p, &rn[s], &q))
            goto done;
        nn_tensor_put(pool, &rn[s]);
        p = q;
        q.data = NULL;
    }
    if (conv_act(ctx, pool, &L->out0, &p, NN_ACT_NONE, &t))
        goto done;
    nn_tensor_put(pool, &p);
    if (conv_act(ctx, pool, &L->out1, &t, NN_ACT_NONE, &q) ||
        nn_tensor_get(ctx, pool, 1, 2 * q.h, 2 * q.w, &p))
        goto done;
    nn_upsample_bilinear2x(&q, &p, 0);
    nn_to_planar(&p, out);
done:
    nn_tensor_put(pool, &x);
    nn_tensor_put(pool, &t);
    for (int s = 0; s < 4; s++)
        nn_tensor_put(pool, &rn[s]);
    nn_tensor_put(pool, &p);
    nn_tensor_put(pool, &q);
    return ctx->status;
}

static int load_bottlenecks(p3d_ctx *ctx, const p3d_ckpt *ck, midas_layers *L)
{
    int cin = 64;
    for (int s = 0, b = 0; s < 4; s++) {
        const int mid = 64 << s, cout = 256 << s;
        for (int k = 0; k < stage_blocks[s]; k++, b++) {
            bottleneck *B = &L->block[b];
            const int stride = k == 0 && s > 0 ? 2 : 1;
            char pre[64], conv[96], bn[96];
            if (s == 0)
                snprintf(pre, sizeof pre, "pretrained.layer1.4.%d", k);
            else
                snprintf(pre, sizeof pre, "pretrained.layer%d.%d", s + 1, k);
            const int ci[3] = {cin, mid, mid}, co[3] = {mid, mid, cout}, ks[3] = {1, 3, 1};
            nn_conv *cv[3] = {&B->c1, &B->c2, &B->c3};
            for (int j = 0; j < 3; j++) {
                snprintf(conv, sizeof conv, "%s.conv%d", pre, j + 1);
                snprintf(bn, sizeof bn, "%s.bn%d", pre, j + 1);
                if (nn_conv_init(ctx, cv[j], ci[j], co[j], ks[j], j == 1 ? stride : 1, ks[j] / 2, 1, 0, 1) ||
                    nn_load_conv_bn(ctx, ck, conv, bn, cv[j]))
                    return ctx->status;
            }
            B->has_down = k == 0;
            if (B->has_down) {
                snprintf(conv, sizeof conv, "%s.downsample.0", pre);
                snprintf(bn, sizeof bn, "%s.downsample.1", pre);
                if (nn_conv_init(ctx, &B->down, cin, cout, 1, stride, 0, 1, 0, 1) ||
                    nn_load_conv_bn(ctx, ck, conv, bn, &B->down))
                    return ctx->status;
            }
            cin = cout;
        }
    }
    return P3D_OK;
}

int net_midas_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net)
{
    midas_layers *L = net_attach_layers(ctx, net, sizeof *L, midas_forward, midas_free, 3, 1, 32);
    if (!L)
        return ctx->status;
    if (nn_conv_init(ctx, &L->stem, 3, 64, 7, 2, 3, 1, 0, 1) ||
        nn_load_conv_bn(ctx, ck, "pretrained.layer1.0", "pretrained.layer1.1", &L->stem) ||
        load_bottlenecks(ctx, ck, L))
        return ctx->status;
    for (int i = 0; i < 4; i++) {
        char key[96];
        snprintf(key, sizeof key, "scratch.layer%d_rn", i + 1);
        if (nn_conv_init(ctx, &L->rn[i], 256 << i, 256, 3, 1, 1, 1, 0, 0) ||
            nn_load_conv(ctx, ck, key, &L->rn[i]))
            return ctx->status;
        snprintf(key, sizeof key, "scratch.refinenet%d.resConfUnit.conv1", i + 1);
        if (nn_conv_init(ctx, &L->rcu1[i], 256, 256, 3, 1, 1, 1, 0, 1) ||
            nn_load_conv(ctx, ck, key, &L->rcu1[i]))
            return ctx->status;
        snprintf(key, sizeof key, "scratch.refinenet%d.resConfUnit.conv2", i + 1);
        if (nn_conv_init(ctx, &L->rcu2[i], 256, 256, 3, 1, 1, 1, 0, 0) ||
            nn_load_conv(ctx, ck, key, &L->rcu2[i]))
            return ctx->status;
    }
    if (nn_conv_init(ctx, &L->out0, 256, 128, 3, 1, 1, 1, 0, 1) ||
        nn_load_conv(ctx, ck, "scratch.output_conv.0", &L->out0) ||
        nn_conv_init(ctx, &L->out1, 128, 1, 3, 1, 1, 1, 0, 1) ||
        nn_load_conv(ctx, ck, "scratch.output_conv.1", &L->out1))
        return ctx->status;
    /* Winograd where the work is: the residual units run up to three times
     * per level. Its transformed weights (4x) and per-call scratch (about
     * 4.5x the activations) cost too much memory for the trunk, the
     * projections and the half-resolution output convolution. */
    for (int i = 0; i < 4; i++)
        L->rcu1[i].winograd = L->rcu2[i].winograd = 1;
    return P3D_OK;
}
