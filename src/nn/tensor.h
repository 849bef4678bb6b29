/* Activation tensors of the CPU inference engine and the buffer pool they
 * live in. A tensor is one image, channels last (NHWC with N = 1): every
 * per-pixel operation (masking, partial-convolution renormalisation,
 * concatenation) then runs over a contiguous channel vector, and oneDNN's
 * AVX-512 convolutions read and write this layout directly. The networks'
 * public interface stays NCHW (networks.h); conversion happens once at the
 * input and once at the output.
 *
 * The pool hands out 64-byte aligned buffers and takes them back; a buffer
 * is reused by the next request it fits (best fit), so a forward pass at a
 * size seen before allocates nothing. */
#ifndef P3D_NN_TENSOR_H
#define P3D_NN_TENSOR_H

#include <stddef.h>
#include "photo3d/core.h"

typedef struct nn_tensor {
    int c, h, w;
    float *data; /* h*w*c floats, (y*w + x)*c + channel; owned by the pool */
} nn_tensor;

typedef struct nn_pool nn_pool;

nn_pool *nn_pool_new(void);
/* One more owner (a pool shared by networks that run one after another). */
nn_pool *nn_pool_retain(nn_pool *pool);
/* Drops one owner; the last frees every buffer, handed out or not. */
void nn_pool_free(nn_pool *pool);
/* A buffer of c*h*w floats (contents undefined). */
int nn_tensor_get(p3d_ctx *ctx, nn_pool *pool, int c, int h, int w, nn_tensor *t);
/* Gives the buffer back to the pool; t->data becomes NULL. NULL data is a no-op. */
void nn_tensor_put(nn_pool *pool, nn_tensor *t);
/* The pool's one scratch buffer of at least floats floats (contents
 * undefined; valid until the next call): oneDNN's scratchpads, which one
 * primitive at a time uses. Grows, never shrinks. NULL when out of memory. */
float *nn_pool_scratch(nn_pool *pool, size_t floats);
/* Bytes currently allocated by the pool (in use or free). */
size_t nn_pool_bytes(const nn_pool *pool);

static inline size_t nn_tensor_len(const nn_tensor *t)
{
    return (size_t)t->c * t->h * t->w;
}

#endif
