/* Checkpoint tensors into engine layers (see load.h); the shapes expected
 * are those of specs/checkpoints/ *.tsv. */
#include "nn/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nn_load_vector(p3d_ctx *ctx, const p3d_ckpt *ck, const char *key, int n, float *dst)
{
    const int64_t shape[1] = {n};
    const float *data;
    if (p3d_ckpt_get(ctx, ck, key, 1, shape, &data))
        return ctx->status;
    memcpy(dst, data, (size_t)n * sizeof(float));
    return P3D_OK;
}

/* PyTorch weight shape: (out, in, k, k), transposed (in, out, k, k). */
static void weight_shape(const nn_conv *cv, int64_t shape[4])
{
    shape[0] = cv->transposed ? cv->cin : cv->cout;
    shape[1] = cv->transposed ? cv->cout : cv->cin;
    shape[2] = shape[3] = cv->k;
}

static int load_bias(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv)
{
    char key[256];
    if (!cv->bias)
        return P3D_OK;
    snprintf(key, sizeof key, "%s.bias", prefix);
    return nn_load_vector(ctx, ck, key, cv->cout, cv->bias);
}

int nn_load_conv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv)
{
    char key[256];
    int64_t shape[4];
    const float *data;
    weight_shape(cv, shape);
    snprintf(key, sizeof key, "%s.weight", prefix);
    if (p3d_ckpt_get(ctx, ck, key, 4, shape, &data))
        return ctx->status;
    memcpy(cv->weight, data, (size_t)cv->cin * cv->cout * cv->k * cv->k * sizeof(float));
    return load_bias(ctx, ck, prefix, cv);
}

int nn_load_sn_conv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv)
{
    char key[256];
    int64_t shape[4];
    const float *data;
    weight_shape(cv, shape);
    snprintf(key, sizeof key, "%s.weight_orig", prefix);
    if (p3d_ckpt_get(ctx, ck, key, 4, shape, &data))
        return ctx->status;
    /* W_mat is (out, -1) for a convolution, (weight.shape[1], -1) for a
     * transposed one: out channels by in*k*k either way. */
    int64_t u_shape[1] = {cv->cout}, v_shape[1] = {(int64_t)cv->cin * cv->k * cv->k};
    snprintf(key, sizeof key, "%s.weight_u", prefix);
    if (p3d_ckpt_get(ctx, ck, key, 1, u_shape, &data))
        return ctx->status;
    snprintf(key, sizeof key, "%s.weight_v", prefix);
    if (p3d_ckpt_get(ctx, ck, key, 1, v_shape, &data))
        return ctx->status;
    float *w;
    if (p3d_ckpt_spectral_weight(ctx, ck, prefix, cv->transposed, &w))
        return ctx->status;
    memcpy(cv->weight, w, (size_t)cv->cin * cv->cout * cv->k * cv->k * sizeof(float));
    free(w);
    return load_bias(ctx, ck, prefix, cv);
}
