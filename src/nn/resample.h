/* Resampling operations of the inference engine on channels-last tensors
 * (tensor.h), as PyTorch computes them: max pooling (nn.MaxPool2d) and
 * bilinear x2 upsampling (F.interpolate(scale_factor=2, mode='bilinear'))
 * with and without align_corners. Used by MiDaS (ALGORITHM.md 7). */
#ifndef P3D_NN_RESAMPLE_H
#define P3D_NN_RESAMPLE_H

#include "nn/tensor.h"

/* Output size of a k x k max pool with stride s and padding p. */
int nn_maxpool_out_size(int in, int k, int stride, int pad);
/* dst = max over each k x k window (stride, pad; padding never wins). dst
 * has src's channels and nn_maxpool_out_size rows and columns. */
void nn_maxpool(const nn_tensor *src, int k, int stride, int pad, nn_tensor *dst);
/* dst (2h x 2w, src's channels) = bilinear upsampling of src. align_corners:
 * the corner samples coincide, source = dst * (in - 1) / (out - 1);
 * otherwise half-pixel centres, source = (dst + 0.5) / 2 - 0.5 clamped at 0. */
void nn_upsample_bilinear2x(const nn_tensor *src, int align_corners, nn_tensor *dst);

#endif
