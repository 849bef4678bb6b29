/* Safe reader of PyTorch checkpoint files (state_dicts) in the legacy
 * (pre-zip) and the zip format. It interprets only a small pickle subset and
 * refuses every global outside an allow-list: loading never executes
 * anything. See ../shared/specs/checkpoints/README.md. */
#ifndef P3D_NN_CHECKPOINT_H
#define P3D_NN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>
#include "photo3d/core.h"

#define P3D_CKPT_MAXDIM 6

typedef struct p3d_ckpt_tensor {
    const char *name;            /* state_dict key, e.g. "enc_1.input_conv.weight" */
    int ndim;
    int64_t shape[P3D_CKPT_MAXDIM];
    const float *data;           /* contiguous float32 (C order), owned by the checkpoint */
} p3d_ckpt_tensor;

/* An integer tensor (int64/int32/int16/int8/uint8/bool storages), e.g. a
 * batch-norm num_batches_tracked scalar (ndim 0, one value). */
typedef struct p3d_ckpt_int_tensor {
    const char *name;
    int ndim;
    int64_t shape[P3D_CKPT_MAXDIM];
    const int64_t *data;         /* contiguous, widened to int64, owned by the checkpoint */
} p3d_ckpt_int_tensor;

typedef struct p3d_ckpt p3d_ckpt;

/* Opens and fully validates a checkpoint (every float tensor converted to
 * contiguous float32; integer scalars such as num_batches_tracked are kept
 * but not exposed as float data). On failure *out is NULL and ctx says why,
 * naming the file. */
int p3d_ckpt_open(p3d_ctx *ctx, const char *path, p3d_ckpt **out);
/* The same from bytes in memory (size bytes at data, not kept after the
 * call); name stands for the file in error messages. */
int p3d_ckpt_open_memory(p3d_ctx *ctx, const char *name, const void *data, size_t size, p3d_ckpt **out);
void p3d_ckpt_close(p3d_ckpt *ck);
/* Float tensors, in state_dict order. */
int p3d_ckpt_count(const p3d_ckpt *ck);
const p3d_ckpt_tensor *p3d_ckpt_at(const p3d_ckpt *ck, int i);
const p3d_ckpt_tensor *p3d_ckpt_find(const p3d_ckpt *ck, const char *name);
/* Integer tensors, in state_dict order. */
int p3d_ckpt_int_count(const p3d_ckpt *ck);
const p3d_ckpt_int_tensor *p3d_ckpt_int_at(const p3d_ckpt *ck, int i);
const p3d_ckpt_int_tensor *p3d_ckpt_find_int(const p3d_ckpt *ck, const char *name);
/* Looks up a tensor and checks its shape: ndim and every dimension must
 * match. Error messages name the file and the key. */
int p3d_ckpt_get(p3d_ctx *ctx, const p3d_ckpt *ck, const char *name, int ndim,
                 const int64_t *shape, const float **data);
/* Spectral normalisation folded at load time: W = W_orig / sigma with
 * sigma = u . (W_mat v), from "<prefix>.weight_orig/_u/_v". transposed: the
 * weight is a ConvTranspose weight (in, out, k, k) and W_mat takes dim 1
 * first. Returns a newly allocated weight (caller frees) of W_orig's shape. */
int p3d_ckpt_spectral_weight(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix,
                             int transposed, float **weight_out);

#endif
