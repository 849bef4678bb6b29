/* Spectral normalisation folded into a weight at load time, as PyTorch's
 * torch.nn.utils.spectral_norm computes it in eval mode (no power
 * iteration): W = W_orig / sigma, sigma = u . (W_mat v), where W_mat is
 * W_orig with dimension 0 (convolutions) or 1 (transposed convolutions)
 * first, reshaped to (rows, -1). ALGORITHM.md 6.7, specs/checkpoints/README.md. */
#include "nn/checkpoint_reader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int p3d_ckpt_spectral_weight(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, int transposed,
                             float **weight_out)
{
    char name[512];
    *weight_out = NULL;
    snprintf(name, sizeof name, "%s.weight_orig", prefix);
    const p3d_ckpt_tensor *w = p3d_ckpt_find(ck, name);
    if (!w || w->ndim < 2)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: %s tensor '%s'", ck->path, w ? "not a matrix or kernel:" : "missing",
                        name);
    int64_t numel = 1;
    for (int d = 0; d < w->ndim; d++)
        numel *= w->shape[d];
    /* W_orig viewed as (outer, rows, inner) with W_mat[r][o * inner + i] = W(o, r, i) */
    int64_t rows = w->shape[transposed ? 1 : 0], outer = transposed ? w->shape[0] : 1;
    int64_t cols = rows ? numel / rows : 0, inner = outer && rows ? numel / (outer * rows) : 0;
    const float *u, *v;
    snprintf(name, sizeof name, "%s.weight_u", prefix);
    if (p3d_ckpt_get(ctx, ck, name, 1, &rows, &u))
        return ctx->status;
    snprintf(name, sizeof name, "%s.weight_v", prefix);
    if (p3d_ckpt_get(ctx, ck, name, 1, &cols, &v))
        return ctx->status;
    double sigma = 0;
    for (int64_t r = 0; r < rows; r++) {
        double wv = 0;
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < inner; i++)
                wv += (double)w->data[(o * rows + r) * inner + i] * v[o * inner + i];
        sigma += u[r] * wv;
    }
    if (!(fabs(sigma) > 0) || !isfinite(sigma))
        return p3d_fail(ctx, P3D_E_INPUT, "%s: spectral norm of '%s' is %g", ck->path, prefix, sigma);
    float *out = malloc((size_t)(numel ? numel : 1) * sizeof *out);
    if (!out)
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", ck->path);
    float sigma_f = (float)sigma; /* PyTorch divides in float32 */
    for (int64_t k = 0; k < numel; k++)
        out[k] = w->data[k] / sigma_f;
    *weight_out = out;
    return P3D_OK;
}
