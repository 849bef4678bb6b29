/* Checkpoint tensors into engine layers (see load.h); the shapes expected
 * are those of specs/checkpoints/ *.tsv. */
#include "nn/load.h"

#include <math.h>
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

/* "<prefix><suffix>" with cv's PyTorch weight shape. */
static int get_weight(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, const char *suffix,
                      const nn_conv *cv, const float **data)
{
    char key[256];
    int64_t shape[4];
    weight_shape(cv, shape);
    snprintf(key, sizeof key, "%s%s", prefix, suffix);
    return p3d_ckpt_get(ctx, ck, key, 4, shape, data);
}

int nn_load_conv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv)
{
    const float *data;
    if (get_weight(ctx, ck, prefix, ".weight", cv, &data))
        return ctx->status;
    memcpy(cv->weight, data, (size_t)cv->cin * cv->cout * cv->k * cv->k * sizeof(float));
    cv->release_weights = 1;
    return load_bias(ctx, ck, prefix, cv);
}

int nn_load_sn_conv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, nn_conv *cv)
{
    char key[256];
    const float *data;
    if (get_weight(ctx, ck, prefix, ".weight_orig", cv, &data))
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
    cv->release_weights = 1;
    return load_bias(ctx, ck, prefix, cv);
}

int nn_load_bn(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, int n, float *scale,
               float *shift)
{
    static const char *const field[4] = {"weight", "bias", "running_mean", "running_var"};
    float *v = malloc((size_t)4 * n * sizeof(float));
    if (!v)
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    for (int f = 0; f < 4; f++) {
        char key[256];
        snprintf(key, sizeof key, "%s.%s", prefix, field[f]);
        if (nn_load_vector(ctx, ck, key, n, v + (size_t)f * n))
            break;
    }
    for (int i = 0; i < n && !ctx->status; i++) {
        double a = v[i] / sqrt((double)v[3 * n + i] + 1e-5);
        scale[i] = (float)a;
        shift[i] = (float)(v[n + i] - a * v[2 * n + i]);
    }
    free(v);
    return ctx->status;
}

int nn_load_conv_bn(p3d_ctx *ctx, const p3d_ckpt *ck, const char *conv, const char *bn, nn_conv *cv)
{
    float *bias = cv->bias;
    cv->bias = NULL; /* the checkpoint's convolution has none */
    int st = nn_load_conv(ctx, ck, conv, cv);
    cv->bias = bias;
    float *scale = malloc((size_t)cv->cout * sizeof(float));
    if (!scale)
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    if (!st && !nn_load_bn(ctx, ck, bn, cv->cout, scale, cv->bias)) {
        const size_t per_out = (size_t)cv->cin * cv->k * cv->k;
        for (int o = 0; o < cv->cout; o++)
            for (size_t i = 0; i < per_out; i++)
                cv->weight[o * per_out + i] *= scale[o];
    }
    free(scale);
    return ctx->status;
}
