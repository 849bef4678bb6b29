/* 2-D convolution and transposed convolution on channels-last tensors
 * (tensor.h): oneDNN's JIT kernels (the weights are reordered once into the
 * primitive's preferred layout and kept), with a plain scalar reference next
 * to them for testing. Padding here is zero padding; reflection padding is a
 * separate op (ops.h). Weights are in PyTorch's layout: (out, in, k, k) for a
 * convolution, (in, out, k, k) for a transposed one. */
#ifndef P3D_NN_CONV_H
#define P3D_NN_CONV_H

#include "nn/tensor.h"

typedef struct nn_conv_prim nn_conv_prim;

typedef struct nn_conv {
    int cin, cout, k, stride, pad, dilation, transposed;
    /* Allow Winograd F(4x4, 3x3) for a 3x3, stride-1 layer with padding 0
     * or 1 (a dilation-2 layer, unpadded, is split into four undilated
     * phase images first).
     * Faster; rounding differs from the direct algorithm (~1e-6 relative). */
    int winograd;
    float *weight;      /* cin*cout*k*k floats, owned */
    /* Free weight once oneDNN holds a copy in its own layout (networks set
     * this; later layouts are reordered from that copy). Kept for layers
     * that may run as Winograd: its weight transform reads the plain layout. */
    int release_weights;
    float *bias;        /* cout floats or NULL, owned */
    nn_conv_prim *prim; /* oneDNN state for the last input size, created on demand */
    float *narrow_weight; /* weights regrouped for conv_narrow.c, created on demand */
    struct nn_conv *phases; /* a k4 s2 p1 transposed conv as 4 convs (conv.c), on demand */
} nn_conv;

/* Layers with at most this many outputs run on conv_narrow.c's kernel. */
#define NN_CONV_NARROW_MAX_OUT 4

/* Allocates weight (and bias when has_bias) for the caller to fill. */
int nn_conv_init(p3d_ctx *ctx, nn_conv *cv, int cin, int cout, int k, int stride, int pad,
                 int dilation, int transposed, int has_bias);
void nn_conv_free(nn_conv *cv);
/* Output height/width for an input of size in. */
int nn_conv_out_size(const nn_conv *cv, int in);
/* dst must have cout channels and the output size; src must not alias dst.
 * Scratch buffers (layout changes, phase images) come from pool. */
int nn_conv_run(p3d_ctx *ctx, nn_pool *pool, nn_conv *cv, const nn_tensor *src, nn_tensor *dst);
/* Scalar reference of nn_conv_run (slow; for tests). */
void nn_conv_ref(const nn_conv *cv, const nn_tensor *src, nn_tensor *dst);
/* The kernel for few output channels (conv_narrow.c), used by nn_conv_run
 * when nn_conv_is_narrow; w_by_tap from nn_conv_narrow_weights. */
int nn_conv_is_narrow(const nn_conv *cv);
int nn_conv_narrow_weights(p3d_ctx *ctx, const nn_conv *cv, float **w_by_tap);
void nn_conv_narrow(const nn_conv *cv, const float *w_by_tap, const nn_tensor *src, nn_tensor *dst);
/* Process-wide: oneDNN convolutions in bfloat16 (inputs and weights; f32
 * accumulation and output). Off by default; faster where the CPU has
 * AVX512_BF16, less exact (about 3 significant digits per product). */
void nn_set_bf16(int on);
/* Threads used by oneDNN and the engine's own loops. */
void nn_set_threads(int threads);

#endif
