/* Network objects (networks.h): open the checkpoint, let the architecture
 * copy its layers out of it, close it (the checkpoint's memory is not kept),
 * and dispatch the forward pass. */
#include "nn/conv.h"
#include "nn/net_internal.h"

#include <stdlib.h>
#include <string.h>

int p3d_net_kind_from_name(const char *name)
{
    if (strcmp(name, "edge") == 0)
        return P3D_NET_EDGE;
    if (strcmp(name, "depth") == 0)
        return P3D_NET_DEPTH;
    if (strcmp(name, "color") == 0)
        return P3D_NET_COLOR;
    if (strcmp(name, "midas") == 0)
        return P3D_NET_MIDAS;
    return -1;
}

int p3d_net_load(p3d_ctx *ctx, p3d_net_kind kind, const char *checkpoint_path, p3d_net **out)
{
    *out = NULL;
    p3d_net *net = calloc(1, sizeof *net);
    if (!net || !(net->pool = nn_pool_new())) {
        free(net);
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    }
    net->kind = kind;
    p3d_ckpt *ck = NULL;
    if (p3d_ckpt_open(ctx, checkpoint_path, &ck) == P3D_OK) {
        if (kind == P3D_NET_EDGE)
            net_edge_load(ctx, ck, net);
        else if (kind == P3D_NET_MIDAS)
            net_midas_load(ctx, ck, net);
        else
            net_unet_load(ctx, ck, net);
        p3d_ckpt_close(ck);
    }
    if (ctx->status) {
        p3d_net_free(net);
        return ctx->status;
    }
    *out = net;
    return P3D_OK;
}

void *net_attach_layers(p3d_ctx *ctx, p3d_net *net, size_t size,
                        int (*forward)(p3d_ctx *, p3d_net *, int, int, const float *, float *),
                        void (*free_layers)(void *), int in_c, int out_c, int multiple)
{
    void *layers = calloc(1, size);
    if (!layers) {
        p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
        return NULL;
    }
    net->layers = layers;
    net->free_layers = free_layers;
    net->forward = forward;
    net->in_c = in_c;
    net->out_c = out_c;
    net->multiple = multiple;
    return layers;
}

void p3d_net_free(p3d_net *net)
{
    if (!net)
        return;
    if (net->layers)
        net->free_layers(net->layers);
    nn_pool_free(net->pool);
    free(net);
}

int p3d_net_in_channels(const p3d_net *net)
{
    return net->in_c;
}

int p3d_net_out_channels(const p3d_net *net)
{
    return net->out_c;
}

int p3d_net_size_multiple(const p3d_net *net)
{
    return net->multiple;
}

void p3d_net_share_buffers(p3d_net *net, p3d_net *other)
{
    if (net->pool == other->pool)
        return;
    nn_pool_free(net->pool);
    net->pool = nn_pool_retain(other->pool);
}

void p3d_net_set_bf16(p3d_net *net, int on)
{
    net->bf16 = on;
}

int p3d_net_forward(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out)
{
    if (h <= 0 || w <= 0 || h % net->multiple || w % net->multiple)
        return p3d_fail(ctx, P3D_E_USAGE, "nn: input size %dx%d is not a positive multiple of %d",
                        w, h, net->multiple);
    if (ctx->max_pixels > 0 && (long)h * w > ctx->max_pixels)
        return p3d_fail(ctx, P3D_E_LIMIT, "nn: input size %dx%d exceeds the pixel limit %ld", w, h,
                        ctx->max_pixels);
    nn_set_threads(ctx->threads);
    nn_set_bf16(net->bf16);
    return net->forward(ctx, net, h, w, in, out);
}
