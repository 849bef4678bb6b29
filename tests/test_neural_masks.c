/* open_small_mask (ALGORITHM.md 6.1) on hand-made masks, and the two
 * PyTorch resizes of the colour step on values worked out by hand. */
#include "inpaint/neural.h"
#include "testlib.h"

#include <string.h>

#define W 90
#define H 70

int main(void)
{
    /* Hole x 25..34, context x 40..49, rows 25..44: the 5-pixel gap between
     * them closes (41x41 window) and joins the hole; context stays context;
     * pixels 10 px above or 5 px beside the blocks stay outside (the window
     * there reaches pixels more than 20 px from both blocks). Near the
     * border the closing reaches the border, since outside pixels never
     * count: a hole 3 px from the top border, rows 3..12, pulls rows 0..2 in. */
    static uint8_t mask[W * H], context[W * H], out[W * H];
    for (int y = 25; y < 45; y++)
        for (int x = 0; x < W; x++) {
            mask[y * W + x] = x >= 25 && x < 35;
            context[y * W + x] = x >= 40 && x < 50;
        }
    neural_close_mask(mask, context, W, H, out);
    CHECK_INT(out[30 * W + 37], 1); /* gap */
    CHECK_INT(out[30 * W + 30], 1); /* hole stays hole */
    CHECK_INT(out[30 * W + 45], 0); /* context is never hole */
    CHECK_INT(out[15 * W + 37], 0); /* above the gap */
    CHECK_INT(out[30 * W + 20], 0); /* beside the hole */
    /* No context: a rectangle far from the border is its own closing. */
    memset(context, 0, sizeof context);
    neural_close_mask(mask, context, W, H, out);
    CHECK(memcmp(out, mask, sizeof out) == 0);
    memset(mask, 0, sizeof mask);
    for (int y = 3; y < 13; y++)
        for (int x = 40; x < 50; x++)
            mask[y * W + x] = 1;
    neural_close_mask(mask, context, W, H, out);
    CHECK_INT(out[0 * W + 45], 1);
    CHECK_INT(out[0 * W + 35], 0);

    /* Area 4 -> 2: averages of pairs; 3 -> 2: cells [0, 2) and [1, 3). */
    float src[4] = {1, 3, 5, 7}, dst[2];
    neural_resize_area(src, 1, 1, 4, 1, 2, dst);
    CHECK_NEAR(dst[0], 2, 1e-6);
    CHECK_NEAR(dst[1], 6, 1e-6);
    neural_resize_area(src, 1, 1, 3, 1, 2, dst);
    CHECK_NEAR(dst[0], 2, 1e-6);
    CHECK_NEAR(dst[1], 4, 1e-6);
    /* Bicubic 2 -> 4 of (0, 1): x = -0.25 -> floor -1, t 0.75, taps clamped
     * (0, 0, 0, 1) with weights w(1.75), w(0.75), w(0.25), w(1.25):
     * w(1.25) = ((-0.75*1.25 + 3.75)*1.25 - 6)*1.25 + 3 = -0.10546875, the
     * first output (undershoot; PyTorch gives the same); the row is
     * antisymmetric about 0.5. */
    float two[2] = {0, 1}, four[4];
    neural_resize_bicubic(two, 1, 1, 2, 1, 4, four);
    CHECK_NEAR(four[0], -0.10546875, 1e-6);
    CHECK_NEAR(four[3], 1.10546875, 1e-6);
    CHECK_NEAR(four[1] + four[2], 1.0, 1e-6);
    return tl_finish();
}
