/* Partial convolution (ALGORITHM.md 6.7) as used by the depth and colour
 * networks. The validity mask of a tensor is the same for all its channels,
 * so it is kept as one 2-D plane per tensor, and the reference's mask
 * convolution (all-ones weights) is a box sum over the window times the
 * channel count: for a concatenated input each part contributes with its own
 * plane and channel count. The feature convolution runs on the already
 * masked input; its weights carry the BatchNorm scale (folded at load).
 *
 * Feature values at pixels whose mask is 0 are stored as 0 (the reference
 * has the BatchNorm shift there), which changes nothing downstream: every
 * consumer multiplies by that mask, and the last layer has no BatchNorm. */
#ifndef P3D_NN_PCONV_H
#define P3D_NN_PCONV_H

#include "nn/conv.h"
#include "nn/ops.h"

/* One part of a partial convolution's (concatenated) input. */
typedef struct nn_mask_part {
    const nn_tensor *mask; /* 1-channel plane */
    int up;                /* 2: the part is the nearest x2 upsampling of the plane, else 1 */
    int channels;          /* channels of the part sharing this mask */
} nn_mask_part;

typedef struct nn_pconv {
    nn_conv conv;  /* weights (and no bias) already scaled by BatchNorm */
    float *shift;  /* per output channel: BN(bias) after the renormalisation */
    nn_act act;
} nn_pconv;

/* sum[p] = sum over the k x k window (stride, zero padding) and channels of
 * the parts' masks at every output pixel p of an out_h x out_w plane. */
void nn_pconv_mask_sum(const nn_mask_part *parts, int nparts, int k, int stride, int pad,
                       int out_h, int out_w, float *sum);
/* y = act(y * window / sum + shift) where sum > 0, else 0; new_mask = sum > 0. */
void nn_pconv_finish(nn_tensor *y, const float *sum, float window, const float *shift,
                     nn_act act, nn_tensor *new_mask);
/* dst = [nearest x2 upsampling of low, skip] along channels. */
void nn_upsample_concat(const nn_tensor *low, const nn_tensor *skip, nn_tensor *dst);
/* One partial convolution layer: x (masked input) with its mask parts ->
 * y and its new mask, both taken from the pool. */
int nn_pconv_run(p3d_ctx *ctx, nn_pool *pool, nn_pconv *pc, const nn_tensor *x,
                 const nn_mask_part *parts, int nparts, nn_tensor *y, nn_tensor *new_mask);
void nn_pconv_free(nn_pconv *pc);

#endif
