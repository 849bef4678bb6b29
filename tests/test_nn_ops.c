/* The inference engine's operations against their scalar references and
 * hand-computed values: oneDNN convolutions (strided, dilated, transposed,
 * kernels 7/5/4/3/1) vs direct loops, threaded instance norm vs the plain
 * one, partial-convolution mask sums (box sums) vs a real all-ones mask
 * convolution over per-channel masks, padding, upsampling, the pool, the
 * per-layout weight copies across input sizes. */
#include "nn/conv.h"
#include "nn/ops.h"
#include "nn/pconv.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static unsigned rng = 12345;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static nn_tensor tensor(int c, int h, int w)
{
    nn_tensor t = {c, h, w, malloc((size_t)c * h * w * sizeof(float))};
    for (size_t i = 0; i < nn_tensor_len(&t); i++)
        t.data[i] = frand();
    return t;
}

static double max_abs_diff(const nn_tensor *a, const nn_tensor *b)
{
    double m = 0.0;
    for (size_t i = 0; i < nn_tensor_len(a); i++) {
        double d = fabs((double)a->data[i] - b->data[i]);
        m = d > m ? d : m;
    }
    return m;
}

static nn_pool *pool;

static void check_conv_alg(int cin, int cout, int k, int stride, int pad, int dil, int transposed,
                           int bias, int h, int w, int winograd)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    nn_conv cv;
    CHECK_INT(nn_conv_init(&ctx, &cv, cin, cout, k, stride, pad, dil, transposed, bias), P3D_OK);
    cv.winograd = winograd;
    for (int i = 0; i < cin * cout * k * k; i++)
        cv.weight[i] = frand() * 0.2f;
    for (int i = 0; bias && i < cout; i++)
        cv.bias[i] = frand();
    nn_tensor x = tensor(cin, h, w);
    int oh = nn_conv_out_size(&cv, h), ow = nn_conv_out_size(&cv, w);
    nn_tensor y = tensor(cout, oh, ow), r = tensor(cout, oh, ow);
    CHECK_INT(nn_conv_run(&ctx, pool, &cv, &x, &y), P3D_OK);
    nn_conv_ref(&cv, &x, &r);
    double err = max_abs_diff(&y, &r);
    if (err > 1e-4)
        fprintf(stderr, "conv %d->%d k%d s%d p%d d%d t%d: max error %g\n", cin, cout, k, stride, pad,
                dil, transposed, err);
    CHECK(err <= 1e-4);
    /* A second run at another size re-plans the primitive. */
    nn_tensor x2 = tensor(cin, h + 4, w + 8);
    int oh2 = nn_conv_out_size(&cv, h + 4), ow2 = nn_conv_out_size(&cv, w + 8);
    nn_tensor y2 = tensor(cout, oh2, ow2), r2 = tensor(cout, oh2, ow2);
    CHECK_INT(nn_conv_run(&ctx, pool, &cv, &x2, &y2), P3D_OK);
    nn_conv_ref(&cv, &x2, &r2);
    CHECK(max_abs_diff(&y2, &r2) <= 1e-4);
    free(x.data), free(y.data), free(r.data), free(x2.data), free(y2.data), free(r2.data);
    nn_conv_free(&cv);
}

static void check_conv(int cin, int cout, int k, int stride, int pad, int dil, int transposed,
                       int bias, int h, int w)
{
    check_conv_alg(cin, cout, k, stride, pad, dil, transposed, bias, h, w, 0);
}

/* A layer fed alternating sizes (the inpainting crops) reuses or adds
 * weight layouts (conv_weights.h); with release_weights the PyTorch-layout
 * weights go after the first run and new layouts come from oneDNN's copy,
 * except for a Winograd-capable layer. Every run still matches the
 * reference, computed before the weights went. */
static void check_conv_sizes(int cin, int cout, int pad, int winograd)
{
    enum { RUNS = 7 };
    const int hs[RUNS] = {24, 1, 40, 24, 2, 40, 24}, ws[RUNS] = {32, 1, 16, 32, 3, 16, 32};
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    nn_conv cv;
    CHECK_INT(nn_conv_init(&ctx, &cv, cin, cout, 3, 1, pad, 1, 0, 0), P3D_OK);
    cv.winograd = winograd;
    for (int i = 0; i < cin * cout * 9; i++)
        cv.weight[i] = frand() * 0.2f;
    nn_tensor x[RUNS], r[RUNS];
    for (int n = 0; n < RUNS; n++) {
        if (!pad && (hs[n] < 3 || ws[n] < 3)) { /* no output without padding */
            x[n].data = r[n].data = NULL;
            continue;
        }
        x[n] = tensor(cin, hs[n], ws[n]);
        r[n] = tensor(cout, nn_conv_out_size(&cv, hs[n]), nn_conv_out_size(&cv, ws[n]));
        nn_conv_ref(&cv, &x[n], &r[n]);
    }
    cv.release_weights = 1;
    for (int n = 0; n < RUNS; n++) {
        if (!x[n].data)
            continue;
        nn_tensor y = tensor(cout, r[n].h, r[n].w);
        CHECK_INT(nn_conv_run(&ctx, pool, &cv, &x[n], &y), P3D_OK);
        double err = max_abs_diff(&y, &r[n]);
        if (err > 1e-4)
            fprintf(stderr, "conv %d->%d at %dx%d (run %d): max error %g\n", cin, cout, x[n].w,
                    x[n].h, n, err);
        CHECK(err <= 1e-4);
        CHECK(winograd ? cv.weight != NULL : cv.weight == NULL);
        free(y.data), free(x[n].data), free(r[n].data);
    }
    nn_conv_free(&cv);
}

static void test_convs(void)
{
    /* Every layer shape of the three networks, at small sizes. */
    check_conv(7, 64, 7, 1, 0, 1, 0, 1, 13, 11);    /* edge encoder_0 after reflection pad */
    check_conv(64, 128, 4, 2, 1, 1, 0, 1, 12, 10);  /* edge encoder_1 */
    check_conv(32, 32, 3, 1, 0, 2, 0, 0, 9, 10);    /* edge middle, dilated */
    check_conv(32, 32, 3, 1, 0, 1, 0, 0, 9, 10);
    check_conv(64, 16, 4, 2, 1, 1, 1, 1, 6, 5);     /* edge decoders, transposed */
    check_conv(16, 1, 7, 1, 0, 1, 0, 1, 12, 12);    /* edge decoder_2 */
    check_conv(4, 64, 7, 2, 3, 1, 0, 1, 16, 16);    /* pconv enc_1 */
    check_conv(64, 32, 5, 2, 2, 1, 0, 0, 8, 8);     /* pconv enc_2/3 */
    check_conv(70, 3, 3, 1, 1, 1, 0, 0, 8, 8);      /* pconv dec_1 */
    check_conv(24, 8, 1, 1, 0, 1, 0, 1, 5, 7);      /* 1x1 */
    /* Winograd, undilated and (through phase images) dilated; odd sizes fall back. */
    check_conv_alg(64, 64, 3, 1, 0, 1, 0, 0, 20, 18, 1);
    check_conv_alg(64, 64, 3, 1, 0, 2, 0, 0, 20, 18, 1);
    check_conv_alg(32, 32, 3, 1, 0, 2, 0, 1, 15, 18, 1);
    check_conv_alg(96, 32, 3, 1, 1, 1, 0, 0, 16, 12, 1); /* padded (partial-conv decoders) */
    check_conv_sizes(64, 64, 1, 0);
    check_conv_sizes(96, 32, 1, 1);
    check_conv_sizes(64, 48, 0, 1);
}

static void test_instance_norm(void)
{
    nn_tensor a = tensor(48, 9, 7), b = {48, 9, 7, malloc(48 * 63 * sizeof(float))};
    for (size_t i = 0; i < nn_tensor_len(&a); i++)
        a.data[i] = a.data[i] * 3.0f + 100.0f * (float)(i % 48) / 48.0f; /* per-channel offsets */
    nn_act acts[3] = {NN_ACT_NONE, NN_ACT_RELU, NN_ACT_LRELU};
    for (int k = 0; k < 3; k++) {
        nn_tensor x = tensor(48, 9, 7);
        memcpy(x.data, a.data, nn_tensor_len(&a) * sizeof(float));
        memcpy(b.data, a.data, nn_tensor_len(&a) * sizeof(float));
        nn_instance_norm(&x, acts[k]);
        nn_instance_norm_ref(&b, acts[k]);
        CHECK(max_abs_diff(&x, &b) <= 1e-5);
        free(x.data);
    }
    /* Hand value: channel (1, 3) -> mean 2, biased var 1 -> (-1, 1) / sqrt(1 + 1e-5). */
    float v[2] = {1.0f, 3.0f};
    nn_tensor t = {1, 1, 2, v};
    nn_instance_norm(&t, NN_ACT_RELU);
    CHECK_NEAR(v[0], 0.0, 1e-7);
    CHECK_NEAR(v[1], 1.0 / sqrt(1.00001), 1e-6);
    free(a.data), free(b.data);
}

static void test_pad_upsample(void)
{
    /* A 4x4 image v = x + 10 y reflected by 2: a row/column 0 1 2 3 becomes 2 1 | 0 1 2 3 | 2 1. */
    float src[16], dst[8 * 8];
    for (int i = 0; i < 16; i++)
        src[i] = (float)(i % 4 + 10 * (i / 4));
    nn_tensor s = {1, 4, 4, src}, d = {1, 8, 8, dst};
    nn_pad_reflect(&s, 2, &d);
    float expect[8] = {2, 1, 0, 1, 2, 3, 2, 1};
    for (int i = 0; i < 8; i++) {
        CHECK_NEAR(dst[2 * 8 + i], expect[i], 0);      /* row y = 0 */
        CHECK_NEAR(dst[i * 8 + 2], 10 * expect[i], 0); /* column x = 0 */
    }
    CHECK_NEAR(dst[0], 22, 0); /* corner (-2, -2) -> (2, 2) */
    /* The same with a second tensor (-v) concatenated along channels. */
    float neg[16], both[2 * 8 * 8];
    for (int i = 0; i < 16; i++)
        neg[i] = -src[i];
    nn_tensor n = {1, 4, 4, neg}, bd = {2, 8, 8, both};
    nn_pad_reflect_concat(&s, &n, 2, 0, &bd);
    for (int i = 0; i < 64; i++) {
        CHECK_NEAR(both[2 * i], dst[i], 0);
        CHECK_NEAR(both[2 * i + 1], -dst[i], 0);
    }
    /* Rows 5..7 of the padded image alone. */
    nn_tensor band = {2, 3, 8, both};
    nn_pad_reflect_concat(&s, &n, 2, 5, &band);
    for (int i = 0; i < 24; i++) {
        CHECK_NEAR(both[2 * i], dst[40 + i], 0);
        CHECK_NEAR(both[2 * i + 1], -dst[40 + i], 0);
    }

    /* Upsample 2 channels of a 1x2 image to 2x4, then one skip channel. */
    float low[4] = {1, 2, 3, 4}, skip[8] = {9, 9, 9, 9, 8, 8, 8, 8}, out[24];
    nn_tensor l = {2, 1, 2, low}, k = {1, 2, 4, skip}, o = {3, 2, 4, out};
    nn_upsample_concat(&l, &k, &o);
    CHECK_NEAR(out[0], 1, 0);
    CHECK_NEAR(out[1], 2, 0);
    CHECK_NEAR(out[2], 9, 0);
    CHECK_NEAR(out[(1 * 4 + 3) * 3 + 0], 3, 0); /* pixel (1, 3) <- low (0, 1) */
    CHECK_NEAR(out[(1 * 4 + 3) * 3 + 2], 8, 0);
}

/* Max pooling 3x3/2 pad 1 and bilinear x2 (MiDaS) on hand values. */
static void test_pool_bilinear(void)
{
    /* 4x4 ramp v = 4y + x: outputs take the max of rows/cols {2o-1, 2o, 2o+1} in range:
     * (0,0) -> v(1,1) = 5, (0,1) -> v(1,3) = 7, (1,1) -> v(3,3) = 15. */
    float v[16], o[4];
    for (int i = 0; i < 16; i++)
        v[i] = (float)i;
    nn_tensor s = {1, 4, 4, v}, d = {1, 2, 2, o};
    nn_maxpool3s2(&s, &d);
    CHECK_NEAR(o[0], 5, 0);
    CHECK_NEAR(o[1], 7, 0);
    CHECK_NEAR(o[3], 15, 0);
    /* Row (0, 1, 2) -> 6 samples. align_corners: x = o * 2/5 -> 0, .4, .8, 1.2, 1.6, 2.
     * Half-pixel: x = (o + .5)/2 - .5 clamped -> 0, .25, .75, 1.25, 1.75, 2 (edge). */
    float row[3] = {0, 1, 2}, up[12];
    nn_tensor r = {1, 1, 3, row}, u = {1, 2, 6, up};
    nn_upsample_bilinear2x(&r, &u, 1);
    const float ac[6] = {0, 0.4f, 0.8f, 1.2f, 1.6f, 2};
    for (int i = 0; i < 6; i++) {
        CHECK_NEAR(up[i], ac[i], 1e-6);
        CHECK_NEAR(up[6 + i], ac[i], 1e-6); /* one input row: both output rows equal */
    }
    nn_upsample_bilinear2x(&r, &u, 0);
    const float hp[6] = {0, 0.25f, 0.75f, 1.25f, 1.75f, 2};
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(up[i], hp[i], 1e-6);
}

/* Box sums against a literal mask convolution: per-channel mask tensor of
 * the concatenation [up2(m_low) x c_low, m_skip x c_skip], all-ones weights. */
static void test_mask_sums(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    const int hl = 5, wl = 6, h = 10, w = 12, cl = 3, cs = 2, k = 3;
    float ml[30], ms[120];
    for (int i = 0; i < hl * wl; i++)
        ml[i] = (i * 7) % 3 != 0;
    for (int i = 0; i < h * w; i++)
        ms[i] = (i * 5) % 7 < 2;
    nn_tensor tl = {1, hl, wl, ml}, ts = {1, h, w, ms};
    nn_mask_part parts[2] = {{&tl, 2, cl}, {&ts, 1, cs}};
    const int stride[2] = {1, 2};
    for (int t = 0; t < 2; t++) {
        nn_conv ones;
        CHECK_INT(nn_conv_init(&ctx, &ones, cl + cs, 1, k, stride[t], 1, 1, 0, 0), P3D_OK);
        for (int i = 0; i < (cl + cs) * k * k; i++)
            ones.weight[i] = 1.0f;
        nn_tensor full = tensor(cl + cs, h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < cl; c++)
                    full.data[(y * w + x) * (cl + cs) + c] = ml[(y / 2) * wl + x / 2];
                for (int c = 0; c < cs; c++)
                    full.data[(y * w + x) * (cl + cs) + cl + c] = ms[y * w + x];
            }
        int oh = nn_conv_out_size(&ones, h), ow = nn_conv_out_size(&ones, w);
        nn_tensor ref = tensor(1, oh, ow), box = tensor(1, oh, ow);
        nn_conv_ref(&ones, &full, &ref);
        nn_pconv_mask_sum(parts, 2, k, stride[t], 1, oh, ow, box.data);
        CHECK(max_abs_diff(&ref, &box) == 0.0);
        free(full.data), free(ref.data), free(box.data);
        nn_conv_free(&ones);
    }
}

/* y = act(y * window / sum + shift) where sum > 0, else 0. */
static void test_pconv_finish(void)
{
    float y[4] = {2, -3, 5, 7}, sum[2] = {4, 0}, shift[2] = {1, 0.5f}, mask[2];
    nn_tensor t = {2, 1, 2, y}, m = {1, 1, 2, mask};
    nn_pconv_finish(&t, sum, 8.0f, shift, NN_ACT_LRELU, &m);
    CHECK_NEAR(y[0], 2 * 2 + 1, 1e-6);         /* 2 * 8/4 + 1 = 5 */
    CHECK_NEAR(y[1], 0.2 * (-3 * 2 + 0.5), 1e-6); /* leaky: 0.2 * -5.5 */
    CHECK_NEAR(y[2], 0, 0);
    CHECK_NEAR(y[3], 0, 0);
    CHECK_NEAR(mask[0], 1, 0);
    CHECK_NEAR(mask[1], 0, 0);
}

static void test_pool(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    nn_pool *pool = nn_pool_new();
    nn_tensor a, b, c;
    CHECK_INT(nn_tensor_get(&ctx, pool, 4, 8, 8, &a), P3D_OK);
    CHECK_INT(nn_tensor_get(&ctx, pool, 2, 8, 8, &b), P3D_OK);
    float *pa = a.data, *pb = b.data;
    nn_tensor_put(pool, &a);
    nn_tensor_put(pool, &b);
    CHECK(a.data == NULL);
    size_t bytes = nn_pool_bytes(pool);
    /* The smaller request takes the smaller block (best fit), nothing new is allocated. */
    CHECK_INT(nn_tensor_get(&ctx, pool, 1, 8, 8, &c), P3D_OK);
    CHECK(c.data == pb);
    CHECK_INT(nn_tensor_get(&ctx, pool, 4, 8, 8, &a), P3D_OK);
    CHECK(a.data == pa);
    CHECK_INT(nn_pool_bytes(pool), bytes);
    /* A shared pool lives until its last owner lets go. */
    CHECK(nn_pool_retain(pool) == pool);
    nn_pool_free(pool);
    nn_tensor_put(pool, &a);
    CHECK_INT(nn_tensor_get(&ctx, pool, 4, 8, 8, &a), P3D_OK);
    CHECK(a.data == pa);
    nn_pool_free(pool);
}

int main(void)
{
    nn_set_threads(2);
    pool = nn_pool_new();
    test_convs();
    test_instance_norm();
    test_pad_upsample();
    test_mask_sums();
    test_pool_bilinear();
    test_pconv_finish();
    test_pool();
    nn_pool_free(pool);
    return tl_finish();
}
