/* The depth clean-up after the depth net (src/inpaint/depth_refine.c,
 * ALGORITHM.md 6.3 steps 4-5) on small grids with values worked out by hand. */
#include "inpaint/edge_paths.h"
#include "testlib.h"

#include <string.h>

static void smooth_gap(void)
{
    /* 4x3: context column x = 0 (depth 1, 2, 3 down), mask x = 1..2, x = 3
     * nothing. Net depth 10 in the mask. Step 1 (sum / (count + 1e-6)):
     * (1,0): left 1, right 10, down 10 -> 21 / 3; (2,0): left 10, down 10
     * -> 20 / 2; (1,1): 2 + 10 + 10 + 10 -> 32 / 4; (2,1): 10 + 10 + 10 ->
     * 30 / 3; (1,2): 3 + 10 + 10 -> 23 / 3; (2,2): 10 + 10 -> 20 / 2.
     * Step 2 from those. */
    enum { W = 4, H = 3 };
    uint8_t mask[W * H] = {0}, context[W * H] = {0};
    float d[W * H] = {0};
    for (int y = 0; y < H; y++) {
        context[y * W] = 1, d[y * W] = (float)(y + 1);
        for (int x = 1; x < 3; x++)
            mask[y * W + x] = 1, d[y * W + x] = 10.0f;
    }
    const double e = 1e-6;
    double s1[H][3] = {{0, 21 / (3 + e), 20 / (2 + e)},
                       {0, 32 / (4 + e), 30 / (3 + e)},
                       {0, 23 / (3 + e), 20 / (2 + e)}};
    for (int y = 0; y < H; y++)
        s1[y][0] = y + 1;
    double s2[H][2];
    s2[0][0] = (s1[0][0] + s1[0][2] + s1[1][1]) / (3 + e);
    s2[0][1] = (s1[0][1] + s1[1][2]) / (2 + e);
    s2[1][0] = (s1[1][0] + s1[1][2] + s1[0][1] + s1[2][1]) / (4 + e);
    s2[1][1] = (s1[1][1] + s1[0][2] + s1[2][2]) / (3 + e);
    s2[2][0] = (s1[2][0] + s1[2][2] + s1[1][1]) / (3 + e);
    s2[2][1] = (s1[2][1] + s1[1][2]) / (2 + e);
    depth_smooth_gap(d, mask, context, W, H);
    for (int y = 0; y < H; y++) {
        CHECK_NEAR(d[y * W], y + 1, 0); /* context untouched */
        CHECK_NEAR(d[y * W + 3], 0, 0); /* outside untouched */
        for (int x = 1; x < 3; x++)
            CHECK_NEAR(d[y * W + x], s2[y][x - 1], 1e-5);
    }
    CHECK_NEAR(d[1 * W + 1], 6.666663, 1e-5); /* (2 + 10 + 7.0 + 7.67) / 4 */
    /* A mask pixel with no neighbour in context or mask keeps its value,
     * and so does one whose neighbours' mean is 0. */
    memset(mask, 0, sizeof mask), memset(context, 0, sizeof context), memset(d, 0, sizeof d);
    mask[5] = 1, d[5] = 4.0f;
    depth_smooth_gap(d, mask, context, W, H);
    CHECK_NEAR(d[5], 4.0, 0);
    context[6] = 1; /* depth 0 there: mean 0 */
    depth_smooth_gap(d, mask, context, W, H);
    CHECK_NEAR(d[5], 4.0, 0);
}

int main(void)
{
    smooth_gap();
    return tl_finish();
}
