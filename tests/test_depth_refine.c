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

/* refine_depth_around_edge: 12x5, context x = 0 (depth 9), mask x 1..10;
 * near path x = 5, far path x = 6 (id 3; another id 4 elsewhere is left
 * alone). Band 2: near band x 3..5, far band x 6..8 (alternate cross
 * dilations). Net depth 1 at x 1..2, 2 at x 9..10, 1.5 in between: the
 * bands fill from outside in, each from its own side only: a crisp step. */
static void refine_edge(void)
{
    enum { W = 12, H = 5 };
    uint8_t mask[W * H];
    int32_t npath[W * H], fpath[W * H];
    float d[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int i = y * W + x;
            mask[i] = x >= 1 && x <= 10;
            npath[i] = x == 5 ? 3 : -1;
            fpath[i] = x == 6 ? 3 : -1;
            d[i] = x == 0 ? 9.0f : x <= 2 ? 1.0f : x >= 9 ? 2.0f : 1.5f;
        }
    npath[2] = 4, fpath[1] = 4;
    d[11] = 0.0f; /* x = 11 is outside the mask: 0, never read */
    CHECK_INT(depth_refine_edge(d, npath, fpath, 3, mask, W, H, 2), 0);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            float want = x == 0 ? 9.0f : x == 11 && y == 0 ? 0.0f : x <= 5 ? 1.0f : 2.0f;
            if (x == 11 && y > 0)
                want = 2.0f;
            CHECK_NEAR(d[y * W + x], want, 0);
        }
    /* With band 0 only the two paths are refilled, from their other
     * neighbours: x = 5 from x = 4 (1.25), x = 6 from x = 7 (1.75). */
    for (int y = 0; y < H; y++)
        for (int x = 3; x <= 8; x++)
            d[y * W + x] = x == 4 ? 1.25f : x == 7 ? 1.75f : 1.5f;
    CHECK_INT(depth_refine_edge(d, npath, fpath, 3, mask, W, H, 0), 0);
    for (int y = 0; y < H; y++) {
        CHECK_NEAR(d[y * W + 5], 1.25, 0);
        CHECK_NEAR(d[y * W + 6], 1.75, 0);
        CHECK_NEAR(d[y * W + 3], 1.5, 0);
    }
}

int main(void)
{
    smooth_gap();
    refine_edge();
    return tl_finish();
}
