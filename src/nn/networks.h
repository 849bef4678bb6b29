/* The three inpainting networks of Shih et al. (ALGORITHM.md 6.7) on the
 * CPU inference engine: load from a PyTorch checkpoint (legacy or zip
 * format; every tensor's shape is checked), run the plain forward pass of
 * the reference's network in eval mode on one (1, C, H, W) tensor, free.
 * H and W must be multiples of 128 for the partial-convolution U-Nets
 * (seven stride-2 levels) and of 16 for the edge network (two stride-2
 * levels, then reflection padding that needs more than 2 pixels); the
 * callers pad. MiDaS takes multiples of 32. */
#ifndef P3D_NN_NETWORKS_H
#define P3D_NN_NETWORKS_H

#include "photo3d/core.h"

typedef enum {
    P3D_NET_EDGE,  /* Inpaint_Edge_Net: 7 channels in, 1 out (sigmoid) */
    P3D_NET_DEPTH, /* Inpaint_Depth_Net: 4 in, 1 out (raw log-depth offset) */
    P3D_NET_COLOR, /* Inpaint_Color_Net: 6 in, 3 out (sigmoid) */
    P3D_NET_MIDAS  /* MiDaS v1 MonoDepthNet (ALGORITHM.md 7): RGB in [0,1], 1 out (inverse depth) */
} p3d_net_kind;

typedef struct p3d_net p3d_net;

/* Parses "edge", "depth", "color", "midas"; -1 when unknown. */
int p3d_net_kind_from_name(const char *name);
int p3d_net_load(p3d_ctx *ctx, p3d_net_kind kind, const char *checkpoint_path, p3d_net **out);
void p3d_net_free(p3d_net *net);
int p3d_net_in_channels(const p3d_net *net);
int p3d_net_out_channels(const p3d_net *net);
/* Size granularity of the input (128, 16 or 32). */
int p3d_net_size_multiple(const p3d_net *net);
/* Lets net take its activation buffers from the pool of other (and give
 * its own up): networks that run one after another then need the memory of
 * the largest pass, not the sum. They must not run at the same time. */
void p3d_net_share_buffers(p3d_net *net, p3d_net *other);
/* Runs later forward passes with bfloat16 convolutions (see src/nn/conv.h). */
void p3d_net_set_bf16(p3d_net *net, int on);
/* in: in_channels x h x w floats (planar, as a (1,C,H,W) tensor); out:
 * out_channels x h x w floats. Uses ctx->threads threads. Buffers are
 * pooled inside the net: repeated calls at one size allocate nothing. */
int p3d_net_forward(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out);

#endif
