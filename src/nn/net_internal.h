/* What the network files share: the p3d_net object (networks.h) with its
 * per-architecture forward pass, and each architecture's loader. */
#ifndef P3D_NN_NET_INTERNAL_H
#define P3D_NN_NET_INTERNAL_H

#include "nn/checkpoint.h"
#include "nn/networks.h"
#include "nn/tensor.h"

struct p3d_net {
    p3d_net_kind kind;
    int in_c, out_c, multiple, bf16;
    nn_pool *pool;
    void *layers;
    int (*forward)(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out);
    void (*free_layers)(void *layers);
};

int net_edge_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net);
int net_unet_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net);
int net_midas_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net);

#endif
