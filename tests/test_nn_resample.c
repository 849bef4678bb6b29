/* Max pooling and bilinear x2 upsampling of the inference engine
 * (src/nn/resample.c) on tiny tensors with hand-computed values; the
 * MonoDepthNet parity test (test_midas_net.py) checks them against PyTorch. */
#include "nn/resample.h"
#include "testlib.h"

static void test_maxpool(void)
{
    /* 4x4 map 0..15, two channels (the second negated): 3x3, stride 2, pad 1.
     * Out (0,0): rows -1..1, cols -1..1 -> max{0,1,4,5} = 5; (1,0): cols 1..3 -> 7;
     * (0,1): rows 1..3 -> 13; (1,1) -> 15. Negated: the minima 0, 1, 4, 5 negated. */
    float in[32], out[8];
    for (int i = 0; i < 16; i++)
        in[2 * i] = (float)i, in[2 * i + 1] = -(float)i;
    nn_tensor src = {2, 4, 4, in}, dst = {2, 2, 2, out};
    CHECK_INT(nn_maxpool_out_size(4, 3, 2, 1), 2);
    CHECK_INT(nn_maxpool_out_size(7, 3, 2, 1), 4);
    nn_maxpool(&src, 3, 2, 1, &dst);
    const float want[8] = {5, 0, 7, -1, 13, -4, 15, -5};
    for (int i = 0; i < 8; i++)
        CHECK_NEAR(out[i], want[i], 0);
}

static void test_upsample(void)
{
    /* 2x2 [[0, 3], [6, 9]] -> 4x4. align_corners: source = d * 1/3, so rows
     * are 0 1 2 3 | 2 3 4 5 | 4 5 6 7 | 6 7 8 9. Half-pixel: source =
     * (d + 0.5)/2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (-> 1):
     * weights 0, .25, .75, 1 -> columns 0 .75 2.25 3 on row 0. */
    float in[4] = {0, 3, 6, 9}, out[16];
    nn_tensor src = {1, 2, 2, in}, dst = {1, 4, 4, out};
    nn_upsample_bilinear2x(&src, 1, &dst);
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++)
            CHECK_NEAR(out[y * 4 + x], 2 * y + x, 1e-6);
    nn_upsample_bilinear2x(&src, 0, &dst);
    const float row0[4] = {0, 0.75f, 2.25f, 3};
    for (int x = 0; x < 4; x++) {
        CHECK_NEAR(out[x], row0[x], 1e-6);
        CHECK_NEAR(out[12 + x], 6 + row0[x], 1e-6); /* last row = input row 1 */
    }
    CHECK_NEAR(out[4], 0.25 * 6, 1e-6); /* row 1, column 0: 0.75 * 0 + 0.25 * 6 */
}

int main(void)
{
    test_maxpool();
    test_upsample();
    return tl_finish();
}
