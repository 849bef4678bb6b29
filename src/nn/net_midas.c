/* MiDaS v1 MonoDepthNet (ALGORITHM.md 7; tensor names in
 * specs/checkpoints/midas-model.tsv): a torchvision ResNet-50 trunk with
 * BatchNorm folded into the convolutions at load (num_batches_tracked is
 * never read: the official file has none), then the fusion decoder:
 * 3x3 "layerN_rn" projections to 256 channels, four FeatureFusionBlocks that
 * share one ResidualConvUnit each (applied twice; its skip adds relu(x), as
 * the reference's in-place ReLU makes it), bilinear x2 with align_corners,
 * and the output convolutions with a final bilinear x2 (half-pixel). Input
 * (1, 3, H, W) with H, W multiples of 32; output (1, 1, H, W). */
#include "nn/load.h"
#include "nn/net_internal.h"
#include "nn/ops.h"
#include "nn/resample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define STAGES 4
#define MAX_BLOCKS 6
#define FEATURES 256
#define BN_EPS 1e-5

static const int stage_planes[STAGES] = {64, 128, 256, 512};
static const int stage_blocks[STAGES] = {3, 4, 6, 3};

typedef struct bottleneck {
    nn_conv conv1, conv2, conv3, down; /* down.weight == NULL: identity shortcut */
} bottleneck;

typedef struct rcu {
    nn_conv conv1, conv2;
} rcu;

typedef struct midas_layers {
    nn_conv stem;
    bottleneck block[STAGES][MAX_BLOCKS];
    nn_conv rn[STAGES];
    rcu refine[STAGES];
    nn_conv out0, out1;
} midas_layers;

static void midas_free(void *p)
{
    midas_layers *L = p;
    nn_conv_free(&L->stem);
    for (int s = 0; s < STAGES; s++) {
        for (int b = 0; b < MAX_BLOCKS; b++) {
            nn_conv_free(&L->block[s][b].conv1);
            nn_conv_free(&L->block[s][b].conv2);
            nn_conv_free(&L->block[s][b].conv3);
            nn_conv_free(&L->block[s][b].down);
        }
        nn_conv_free(&L->rn[s]);
        nn_conv_free(&L->refine[s].conv1);
        nn_conv_free(&L->refine[s].conv2);
    }
    nn_conv_free(&L->out0);
    nn_conv_free(&L->out1);
    free(L);
}

/* "<conv>.weight" followed by BatchNorm "<bn>.*", folded: W' = a W,
 * bias = beta - a mean, a = gamma / sqrt(var + eps). */
static int load_conv_bn(p3d_ctx *ctx, const p3d_ckpt *ck, const char *conv, const char *bn,
                        int cin, int cout, int k, int stride, nn_conv *cv)
{
    static const char *const field[4] = {"weight", "bias", "running_mean", "running_var"};
    if (nn_conv_init(ctx, cv, cin, cout, k, stride, k / 2, 1, 0, 0) || nn_load_conv(ctx, ck, conv, cv))
        return ctx->status;
    float *stats = malloc((size_t)cout * 4 * sizeof(float));
    cv->bias = malloc((size_t)cout * sizeof(float));
    if (!stats || !cv->bias) {
        free(stats);
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    }
    for (int f = 0; f < 4; f++) {
        char key[160];
        snprintf(key, sizeof key, "%s.%s", bn, field[f]);
        if (nn_load_vector(ctx, ck, key, cout, stats + (size_t)f * cout)) {
            free(stats);
            return ctx->status;
        }
    }
    const float *gamma = stats, *beta = stats + cout, *mean = beta + cout, *var = mean + cout;
    const size_t per_out = (size_t)cin * k * k;
    for (int o = 0; o < cout; o++) {
        double a = gamma[o] / sqrt((double)var[o] + BN_EPS);
        cv->bias[o] = (float)(beta[o] - a * mean[o]);
        for (size_t i = 0; i < per_out; i++)
            cv->weight[o * per_out + i] = (float)(a * cv->weight[o * per_out + i]);
    }
    free(stats);
    return P3D_OK;
}

static int load_plain(p3d_ctx *ctx, const p3d_ckpt *ck, const char *key, int cin, int cout,
                      int bias, nn_conv *cv)
{
    if (nn_conv_init(ctx, cv, cin, cout, 3, 1, 1, 1, 0, bias))
        return ctx->status;
    return nn_load_conv(ctx, ck, key, cv);
}

static int load_block(p3d_ctx *ctx, const p3d_ckpt *ck, int s, int b, bottleneck *blk)
{
    char pre[64], conv[96], bn[96];
    if (s == 0)
        snprintf(pre, sizeof pre, "pretrained.layer1.4.%d", b);
    else
        snprintf(pre, sizeof pre, "pretrained.layer%d.%d", s + 1, b);
    int planes = stage_planes[s], out = 4 * planes;
    int cin = b ? out : s ? 2 * planes : planes, stride = b == 0 && s > 0 ? 2 : 1;
    const int cins[3] = {cin, planes, planes}, couts[3] = {planes, planes, out};
    const int ks[3] = {1, 3, 1}, strides[3] = {1, stride, 1};
    nn_conv *convs[3] = {&blk->conv1, &blk->conv2, &blk->conv3};
    for (int i = 0; i < 3; i++) {
        snprintf(conv, sizeof conv, "%s.conv%d", pre, i + 1);
        snprintf(bn, sizeof bn, "%s.bn%d", pre, i + 1);
        if (load_conv_bn(ctx, ck, conv, bn, cins[i], couts[i], ks[i], strides[i], convs[i]))
            return ctx->status;
    }
    if (b > 0)
        return P3D_OK;
    snprintf(conv, sizeof conv, "%s.downsample.0", pre);
    snprintf(bn, sizeof bn, "%s.downsample.1", pre);
    return load_conv_bn(ctx, ck, conv, bn, cin, out, 1, stride, &blk->down);
}

/* dst = cv(src), dst taken from the pool. */
static int conv(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const nn_tensor *src, nn_act act,
                nn_tensor *dst)
{
    if (nn_tensor_get(ctx, pool, cv->cout, nn_conv_out_size(cv, src->h),
                      nn_conv_out_size(cv, src->w), dst) ||
        nn_conv_run(ctx, pool, cv, src, dst))
        return ctx->status;
    if (act != NN_ACT_NONE)
        nn_activate(dst, act);
    return P3D_OK;
}

static int bottleneck_run(p3d_ctx *ctx, nn_pool *pool, bottleneck *b, const nn_tensor *x,
                          nn_tensor *out)
{
    nn_tensor t1 = {0}, t2 = {0}, shortcut = {0};
    if (!conv(ctx, pool, &b->conv1, x, NN_ACT_RELU, &t1) &&
        !conv(ctx, pool, &b->conv2, &t1, NN_ACT_RELU, &t2) &&
        !conv(ctx, pool, &b->conv3, &t2, NN_ACT_NONE, out) &&
        (!b->down.weight || !conv(ctx, pool, &b->down, x, NN_ACT_NONE, &shortcut))) {
        nn_add(out, b->down.weight ? &shortcut : x);
        nn_activate(out, NN_ACT_RELU);
    }
    nn_tensor_put(pool, &t1);
    nn_tensor_put(pool, &t2);
    nn_tensor_put(pool, &shortcut);
    return ctx->status;
}

/* out = conv2(relu(conv1(relu(x)))) + relu(x); x is replaced by relu(x). */
static int rcu_run(p3d_ctx *ctx, nn_pool *pool, rcu *u, nn_tensor *x, nn_tensor *out)
{
    nn_tensor t = {0};
    nn_activate(x, NN_ACT_RELU);
    if (!conv(ctx, pool, &u->conv1, x, NN_ACT_RELU, &t) &&
        !conv(ctx, pool, &u->conv2, &t, NN_ACT_NONE, out))
        nn_add(out, x);
    nn_tensor_put(pool, &t);
    return ctx->status;
}

/* FeatureFusionBlock: x (+ RCU(skip)), RCU, bilinear x2 (align_corners).
 * x and skip are consumed. */
static int fusion_run(p3d_ctx *ctx, nn_pool *pool, rcu *u, nn_tensor *x, nn_tensor *skip,
                      nn_tensor *out)
{
    nn_tensor s = {0}, r = {0};
    if (skip && !rcu_run(ctx, pool, u, skip, &s))
        nn_add(x, &s);
    if (!ctx->status && !rcu_run(ctx, pool, u, x, &r) &&
        !nn_tensor_get(ctx, pool, r.c, 2 * r.h, 2 * r.w, out))
        nn_upsample_bilinear2x(&r, 1, out);
    nn_tensor_put(pool, &s);
    nn_tensor_put(pool, &r);
    nn_tensor_put(pool, x);
    if (skip)
        nn_tensor_put(pool, skip);
    return ctx->status;
}

/* The ResNet trunk: level[s] = output of stage s (1/4 ... 1/32 of the input). */
static int trunk_run(p3d_ctx *ctx, nn_pool *pool, midas_layers *L, const nn_tensor *in,
                     nn_tensor level[STAGES])
{
    nn_tensor stem = {0}, cur = {0}, next = {0};
    if (conv(ctx, pool, &L->stem, in, NN_ACT_RELU, &stem) ||
        nn_tensor_get(ctx, pool, stem.c, nn_maxpool_out_size(stem.h, 3, 2, 1),
                      nn_maxpool_out_size(stem.w, 3, 2, 1), &cur))
        goto done;
    nn_maxpool(&stem, 3, 2, 1, &cur);
    /* src is the block's input: cur (an intermediate, freed once used) or
     * the previous stage's output (kept in level[]). */
    const nn_tensor *src = &cur;
    for (int s = 0; s < STAGES; s++) {
        for (int b = 0; b < stage_blocks[s]; b++) {
            if (bottleneck_run(ctx, pool, &L->block[s][b], src, &next))
                goto done;
            nn_tensor_put(pool, &cur);
            cur = next;
            next.data = NULL;
            src = &cur;
        }
        level[s] = cur;
        cur.data = NULL;
        src = &level[s];
    }
done:
    nn_tensor_put(pool, &stem);
    nn_tensor_put(pool, &cur);
    nn_tensor_put(pool, &next);
    return ctx->status;
}

static int midas_forward(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out)
{
    midas_layers *L = net->layers;
    nn_pool *pool = net->pool;
    nn_tensor x = {0}, level[STAGES] = {{0}}, rn[STAGES] = {{0}}, path = {0}, next = {0};
    nn_tensor o0 = {0}, o1 = {0}, up = {0};
    if (nn_tensor_get(ctx, pool, 3, h, w, &x))
        return ctx->status;
    nn_from_planar(in, &x);
    if (trunk_run(ctx, pool, L, &x, level))
        goto done;
    nn_tensor_put(pool, &x);
    for (int s = 0; s < STAGES; s++) {
        if (conv(ctx, pool, &L->rn[s], &level[s], NN_ACT_NONE, &rn[s]))
            goto done;
        nn_tensor_put(pool, &level[s]);
    }
    /* refinenet4(rn4), refinenet3(path, rn3), ..., refinenet1(path, rn1) */
    path = rn[STAGES - 1];
    rn[STAGES - 1].data = NULL;
    for (int s = STAGES - 1; s >= 0; s--) {
        if (fusion_run(ctx, pool, &L->refine[s], &path, s < STAGES - 1 ? &rn[s] : NULL, &next))
            goto done;
        path = next;
        next.data = NULL;
    }
    if (conv(ctx, pool, &L->out0, &path, NN_ACT_NONE, &o0) ||
        conv(ctx, pool, &L->out1, &o0, NN_ACT_NONE, &o1) ||
        nn_tensor_get(ctx, pool, 1, 2 * o1.h, 2 * o1.w, &up))
        goto done;
    nn_upsample_bilinear2x(&o1, 0, &up);
    nn_to_planar(&up, out);
done:
    nn_tensor_put(pool, &x);
    for (int s = 0; s < STAGES; s++) {
        nn_tensor_put(pool, &level[s]);
        nn_tensor_put(pool, &rn[s]);
    }
    nn_tensor_put(pool, &path);
    nn_tensor_put(pool, &next);
    nn_tensor_put(pool, &o0);
    nn_tensor_put(pool, &o1);
    nn_tensor_put(pool, &up);
    return ctx->status;
}

int net_midas_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net)
{
    midas_layers *L = calloc(1, sizeof *L);
    if (!L)
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    net->layers = L;
    net->free_layers = midas_free;
    net->forward = midas_forward;
    net->in_c = 3;
    net->out_c = 1;
    net->multiple = 32;
    if (load_conv_bn(ctx, ck, "pretrained.layer1.0", "pretrained.layer1.1", 3, 64, 7, 2, &L->stem))
        return ctx->status;
    for (int s = 0; s < STAGES; s++)
        for (int b = 0; b < stage_blocks[s]; b++)
            if (load_block(ctx, ck, s, b, &L->block[s][b]))
                return ctx->status;
    for (int s = 0; s < STAGES; s++) {
        char key[64];
        snprintf(key, sizeof key, "scratch.layer%d_rn", s + 1);
        if (load_plain(ctx, ck, key, 4 * stage_planes[s], FEATURES, 0, &L->rn[s]))
            return ctx->status;
        snprintf(key, sizeof key, "scratch.refinenet%d.resConfUnit.conv1", s + 1);
        if (load_plain(ctx, ck, key, FEATURES, FEATURES, 1, &L->refine[s].conv1))
            return ctx->status;
        snprintf(key, sizeof key, "scratch.refinenet%d.resConfUnit.conv2", s + 1);
        if (load_plain(ctx, ck, key, FEATURES, FEATURES, 0, &L->refine[s].conv2))
            return ctx->status;
    }
    if (load_plain(ctx, ck, "scratch.output_conv.0", FEATURES, 128, 1, &L->out0))
        return ctx->status;
    return load_plain(ctx, ck, "scratch.output_conv.1", 128, 1, 1, &L->out1);
}
