/* Inpaint_Depth_Net and Inpaint_Color_Net (ALGORITHM.md 6.7): the same
 * partial-convolution U-Net, seven stride-2 encoder levels and seven decoder
 * levels (nearest x2 upsampling, skip concatenation), PCBActiv layers with
 * BatchNorm folded at load. The two differ in input/output channels, in
 * which layers carry a bias, in the decoder layer names and in the final
 * sigmoid of the colour net. */
#include "nn/load.h"
#include "nn/net_internal.h"
#include "nn/pconv.h"

#include <stdio.h>
#include <stdlib.h>

#define LEVELS 7
#define WINOGRAD_MAX_WEIGHTS_PER_TAP (768 * 256)

typedef struct unet_layers {
    nn_pconv enc[LEVELS]; /* enc_1 .. enc_7 */
    nn_pconv dec[LEVELS]; /* dec_1 .. dec_7 */
    int sigmoid;
} unet_layers;

static void unet_free(void *p)
{
    unet_layers *L = p;
    for (int i = 0; i < LEVELS; i++) {
        nn_pconv_free(&L->enc[i]);
        nn_pconv_free(&L->dec[i]);
    }
    free(L);
}

typedef struct layer_spec {
    int cin, cout, k, stride, bias, bn;
    nn_act act;
} layer_spec;

/* Loads "<name>.conv.input_conv.*" (checking "<name>.conv.mask_conv.weight",
 * never used: its sums are box sums) and folds "<name>.bn.*" into the
 * weights and the shift. */
static int load_pconv(p3d_ctx *ctx, const p3d_ckpt *ck, const char *name, const layer_spec *s,
                      nn_pconv *pc)
{
    char key[128];
    const float *data;
    int64_t mshape[4] = {s->cout, s->cin, s->k, s->k};
    if (nn_conv_init(ctx, &pc->conv, s->cin, s->cout, s->k, s->stride, s->k / 2, 1, 0, s->bias))
        return ctx->status;
    pc->act = s->act;
    /* Winograd for the decoder's 3x3 layers up to dec_4. dec_5..dec_7
     * (1024 -> 512) run on images 1/16 of the input's side or less, where
     * Winograd saves little, and their transformed weights would be 4x
     * their 19 MB, re-made for every tile blocking oneDNN picks. */
    pc->conv.winograd = s->stride == 1 && (long)s->cin * s->cout <= WINOGRAD_MAX_WEIGHTS_PER_TAP;
    snprintf(key, sizeof key, "%s.conv.input_conv", name);
    if (nn_load_conv(ctx, ck, key, &pc->conv))
        return ctx->status;
    snprintf(key, sizeof key, "%s.conv.mask_conv.weight", name);
    if (p3d_ckpt_get(ctx, ck, key, 4, mshape, &data))
        return ctx->status;
    pc->shift = calloc((size_t)s->cout * 2, sizeof(float));
    if (!pc->shift)
        return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory");
    float *scale = pc->shift + s->cout; /* BN scale, kept beside the shift */
    for (int o = 0; o < s->cout; o++)
        scale[o] = 1.0f;
    snprintf(key, sizeof key, "%s.bn", name);
    if (s->bn && nn_load_bn(ctx, ck, key, s->cout, scale, pc->shift))
        return ctx->status;
    /* BN(y) = a*y + c with y carrying the bias b: shift = a*b + c. */
    const size_t per_out = (size_t)s->cin * s->k * s->k;
    for (int o = 0; o < s->cout; o++) {
        float b = pc->conv.bias ? pc->conv.bias[o] : 0.0f;
        pc->shift[o] = scale[o] * b + (s->bn ? pc->shift[o] : 0.0f);
        for (size_t i = 0; i < per_out; i++)
            pc->conv.weight[o * per_out + i] *= scale[o];
    }
    /* The convolution itself runs without bias: the bias enters after the renormalisation. */
    free(pc->conv.bias);
    pc->conv.bias = NULL;
    return P3D_OK;
}

static int unet_forward(p3d_ctx *ctx, p3d_net *net, int h, int w, const float *in, float *out)
{
    unet_layers *L = net->layers;
    nn_pool *pool = net->pool;
    nn_tensor feat[LEVELS + 1] = {{0}}, mask[LEVELS + 1] = {{0}};
    nn_tensor d = {0}, dm = {0}, cat = {0}, nd = {0}, ndm = {0};
    const int c = net->in_c;
    const size_t plane = (size_t)h * w;
    /* Level 0: the input times its validity mask clamp(ch[-2] + ch[-1], 0, 1). */
    if (nn_tensor_get(ctx, pool, c, h, w, &feat[0]) || nn_tensor_get(ctx, pool, 1, h, w, &mask[0]))
        goto done;
    nn_from_planar(in, &feat[0]);
    for (size_t p = 0; p < plane; p++) {
        float v = in[(c - 2) * plane + p] + in[(c - 1) * plane + p];
        float m = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        mask[0].data[p] = m;
        for (int ch = 0; ch < c; ch++)
            feat[0].data[p * c + ch] *= m;
    }
    for (int i = 0; i < LEVELS; i++) {
        nn_mask_part part = {&mask[i], 1, feat[i].c};
        if (nn_pconv_run(ctx, pool, &L->enc[i], &feat[i], &part, 1, &feat[i + 1], &mask[i + 1]))
            goto done;
    }
    d = feat[LEVELS];
    dm = mask[LEVELS];
    feat[LEVELS].data = mask[LEVELS].data = NULL;
    for (int i = LEVELS - 1; i >= 0; i--) {
        const nn_tensor *skip = &feat[i];
        if (nn_tensor_get(ctx, pool, d.c + skip->c, skip->h, skip->w, &cat))
            goto done;
        nn_upsample_concat(&d, skip, &cat);
        nn_mask_part parts[2] = {{&dm, 2, d.c}, {&mask[i], 1, skip->c}};
        if (nn_pconv_run(ctx, pool, &L->dec[i], &cat, parts, 2, &nd, &ndm))
            goto done;
        nn_tensor_put(pool, &cat);
        nn_tensor_put(pool, &d);
        nn_tensor_put(pool, &dm);
        nn_tensor_put(pool, &feat[i]);
        nn_tensor_put(pool, &mask[i]);
        d = nd;
        dm = ndm;
        nd.data = ndm.data = NULL;
    }
    if (L->sigmoid)
        nn_activate(&d, NN_ACT_SIGMOID);
    nn_to_planar(&d, out);
done:
    for (int i = 0; i <= LEVELS; i++) {
        nn_tensor_put(pool, &feat[i]);
        nn_tensor_put(pool, &mask[i]);
    }
    nn_tensor_put(pool, &d);
    nn_tensor_put(pool, &dm);
    nn_tensor_put(pool, &cat);
    return ctx->status;
}

int net_unet_load(p3d_ctx *ctx, const p3d_ckpt *ck, p3d_net *net)
{
    const int color = net->kind == P3D_NET_COLOR;
    unet_layers *L = net_attach_layers(ctx, net, sizeof *L, unet_forward, unet_free, color ? 6 : 4,
                                       color ? 3 : 1, 128);
    if (!L)
        return ctx->status;
    L->sigmoid = color;
    const int enc_out[LEVELS] = {64, 128, 256, 512, 512, 512, 512};
    const int enc_k[LEVELS] = {7, 5, 5, 3, 3, 3, 3};
    for (int i = 0; i < LEVELS; i++) {
        char name[16];
        layer_spec s = {i ? enc_out[i - 1] : net->in_c, enc_out[i], enc_k[i], 2,
                        i < 2 && !color, i > 0, NN_ACT_RELU};
        snprintf(name, sizeof name, "enc_%d", i + 1);
        if (load_pconv(ctx, ck, name, &s, &L->enc[i]))
            return ctx->status;
    }
    /* dec_(i+1) takes up(dec_(i+2) or enc_7) ++ enc_i (the input for i = 0). */
    for (int i = LEVELS - 1; i >= 0; i--) {
        char name[16];
        int up_c = i == LEVELS - 1 ? enc_out[LEVELS - 1] : enc_out[i];
        int skip_c = i ? enc_out[i - 1] : net->in_c;
        layer_spec s = {up_c + skip_c, i ? enc_out[i - 1] : net->out_c, 3, 1, i == 0, i > 0,
                        i ? NN_ACT_LRELU : NN_ACT_NONE};
        snprintf(name, sizeof name, "dec_%d%s", i + 1, color && i < 5 ? "A" : "");
        if (load_pconv(ctx, ck, name, &s, &L->dec[i]))
            return ctx->status;
    }
    return P3D_OK;
}
