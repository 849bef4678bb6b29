/* Element-wise and layout operations of the inference engine on channels-
 * last tensors (tensor.h): layout conversion, reflection padding, instance
 * normalisation, activations, residual sums, channel concatenation, max
 * pooling, bilinear upsampling. Each
 * loop runs over contiguous channel vectors (vectorised by the compiler)
 * and is split across threads by rows. nn_instance_norm_ref is the plain
 * per-channel reference of the fused, threaded nn_instance_norm. */
#ifndef P3D_NN_OPS_H
#define P3D_NN_OPS_H

#include <math.h>
#include "nn/tensor.h"

typedef enum { NN_ACT_NONE, NN_ACT_RELU, NN_ACT_LRELU, NN_ACT_SIGMOID } nn_act;

/* (c,h,w) planar <-> channels-last. */
void nn_from_planar(const float *src, nn_tensor *dst);
void nn_to_planar(const nn_tensor *src, float *dst);
/* dst = src reflected by p pixels on every side (PyTorch ReflectionPad2d; p < h, w). */
void nn_pad_reflect(const nn_tensor *src, int p, nn_tensor *dst);
/* Rows y0 .. y0 + dst->h - 1 of [a, b] (along channels) reflected by p
 * pixels, in one pass with no intermediate concatenation; b may be NULL. */
void nn_pad_reflect_concat(const nn_tensor *a, const nn_tensor *b, int p, int y0, nn_tensor *dst);
/* Per-channel normalisation over the image (biased variance, eps 1e-5,
 * no affine terms), then the activation; in place. */
void nn_instance_norm(nn_tensor *t, nn_act act);
void nn_instance_norm_ref(nn_tensor *t, nn_act act);
void nn_activate(nn_tensor *t, nn_act act);
/* dst += src (same shape). */
void nn_add(nn_tensor *dst, const nn_tensor *src);
/* dst = [a, b] along channels (same h, w). */
void nn_concat(const nn_tensor *a, const nn_tensor *b, nn_tensor *dst);

/* 3x3 max pooling, stride 2, padding 1 (padding never wins). */
void nn_maxpool3s2(const nn_tensor *src, nn_tensor *dst);
/* Bilinear x2 upsampling as PyTorch's interpolate(scale_factor=2,
 * mode='bilinear', align_corners=...). */
void nn_upsample_bilinear2x(const nn_tensor *src, nn_tensor *dst, int align_corners);

static inline float nn_act_apply(nn_act act, float v)
{
    switch (act) {
    case NN_ACT_RELU: return v > 0.0f ? v : 0.0f;
    case NN_ACT_LRELU: return v > 0.0f ? v : 0.2f * v;
    case NN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
    default: return v;
    }
}

#endif
