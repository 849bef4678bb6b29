/* A convolution's weights in the layouts oneDNN asks for (conv.c). The
 * layout a primitive wants depends on the input size as well as on the
 * layer: Winograd blockings follow the number of tiles, and direct kernels
 * for tiny images differ from those for large ones. A layer fed crops of
 * alternating sizes would reorder (and, for Winograd, re-transform) its
 * weights at every call; the cache keeps the last few layouts instead. */
#ifndef P3D_NN_CONV_WEIGHTS_H
#define P3D_NN_CONV_WEIGHTS_H

#include <dnnl.h>
#include "nn/conv.h"

#define NN_WEIGHT_LAYOUTS 4

/* Runs a oneDNN call; on failure records it in ctx and jumps to the
 * caller's fail label. */
#define DNNL_TRY(call)                                                                       \
    do {                                                                                     \
        dnnl_status_t st_ = (call);                                                          \
        if (st_ != dnnl_success) {                                                           \
            p3d_fail(ctx, P3D_E_INTERNAL, "nn: oneDNN %s failed (status %d)", #call, (int)st_); \
            goto fail;                                                                       \
        }                                                                                    \
    } while (0)

typedef struct nn_weight_copy {
    dnnl_memory_desc_t md;
    dnnl_memory_t mem; /* NULL: free slot */
    unsigned long used; /* cache clock of the last request */
} nn_weight_copy;

typedef struct nn_weight_cache {
    nn_weight_copy copy[NN_WEIGHT_LAYOUTS];
    unsigned long clock;
} nn_weight_cache;

/* *mem = cv's weights in layout want (owned by the cache): a cached copy, or
 * a new one reordered from cv->weight (PyTorch layout) or, once that is
 * released, from a cached copy in a plain or blocked layout; the least
 * recently used copy makes room. */
int nn_weights_get(p3d_ctx *ctx, dnnl_engine_t engine, dnnl_stream_t stream, const nn_conv *cv,
                   nn_weight_cache *wc, const dnnl_memory_desc_t *want, dnnl_memory_t *mem);
void nn_weights_free(nn_weight_cache *wc);

#endif
