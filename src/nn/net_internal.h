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

/* Gives net zeroed layers of `size` bytes (freed by p3d_net_free through
 * free_layers) and its forward pass and shapes; NULL when out of memory
 * (the error is in ctx). The architectures' loaders start with it. */
void *net_attach_layers(p3d_ctx *ctx, p3d_net *net, size_t size,
                        int (*forward)(p3d_ctx *, p3d_net *, int, int, const float *, float *),
                        void (*free_layers)(void *), int in_c, int out_c, int multiple);

int net_edge_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net);
int net_unet_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net);
int net_midas_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net);

#endif
