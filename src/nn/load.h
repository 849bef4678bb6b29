/* Loading layer weights from a checkpoint into engine layers: every tensor
 * is looked up by its state_dict key and its shape checked (the error names
 * the file and the key). Spectral normalisation is folded into the weight.
 * Loaded layers keep one copy of their weights once they have run
 * (conv.h: release_weights). */
#ifndef P3D_NN_LOAD_H
#define P3D_NN_LOAD_H

#include "nn/checkpoint.h"
#include "nn/conv.h"

/* Copies the 1-D tensor "<key>" of length n into dst. */
int nn_load_vector(p3d_ctx *ctx, const p3d_ckpt *ck, const char *key, int n, float *dst);
/* Fills an initialised cv from "<prefix>.weight" (and "<prefix>.bias" when
 * cv has a bias). */
int nn_load_conv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv);
/* Eval-mode BatchNorm "<prefix>.{weight,bias,running_mean,running_var}"
 * (eps 1e-5) as y = scale * x + shift; n values each. */
int nn_load_bn(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, int n, float *scale,
               float *shift);
/* Bias-free "<conv>.weight" followed by BatchNorm "<bn>": the BN folded into
 * the weights and cv's bias (cv must have one). */
int nn_load_conv_bn(p3d_ctx *ctx, const p3d_ckpt *ck, const char *conv, const char *bn, nn_conv *cv);
/* Same from a spectral-normalised layer: "<prefix>.weight_orig/_u/_v". */
int nn_load_sn_conv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv);

#endif
