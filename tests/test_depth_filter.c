/* The sparse bilateral median filter (src/depth/bilateral_median.c) on small
 * maps with the expected values worked out by hand (ALGORITHM.md 3). */
#include "depth/depth_filter.h"
#include "testlib.h"

#include <string.h>

/* 7x5 map, every row  1.00 1.01 1.02 1.03 1.04 | 3.00 3.00.
 * Disparity steps between the first five columns are ~0.0095 < 0.04; the
 * jump 1/1.04 - 1/3 = 0.628 flags interior columns 4 and 5; the ring
 * replacement copies column 5's flags to column 6 and column 1's depth
 * (1.01) to column 0. Window 5 (m = 2), rows are all equal:
 *   x=0: cols 0,0,0,1,2 hold no flag        -> ring depth 1.01
 *   x=1: cols 0,0,1,2,3 no flag             -> 1.01
 *   x=2: cols 0..4, unflagged 0..3, k = 20: 1.01 x10, 1.02 x5, 1.03 x5.
 *        1/20 summed in float32 exceeds 0.5 already at the 10th term
 *        (0.50000006), so the answer is the 10th value: 1.01 (lower median)
 *   x=3: cols 1..5, unflagged 1..3, k = 15: 1.01,1.02,1.03 x5; 8th -> 1.02
 *   x=4: cols 2..6, unflagged 2,3, k = 10: 1/10 x5 sums to exactly 0.5
 *        (not > 0.5) so the 6th value: 1.03 (upper median)
 *   x=5: cols 3..6,6, unflagged 3, k = 5 -> 1.03 (the flying pixel snaps)
 *   x=6: cols 4,5,6,6,6 all flagged, k = 0 -> stays 3.0 */
static const float row_in[7] = {1.00f, 1.01f, 1.02f, 1.03f, 1.04f, 3.0f, 3.0f};
static const float row_out[7] = {1.01f, 1.01f, 1.01f, 1.02f, 1.03f, 1.03f, 3.0f};

static void fill(p3d_map *m, float *buf)
{
    m->width = 7, m->height = 5, m->data = buf;
    for (int y = 0; y < 5; y++)
        memcpy(buf + y * 7, row_in, sizeof row_in);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    float buf[35];
    p3d_map m;
    int sizes[4] = {5, 3, 5, 5};

    /* num_iter 1: no pass takes effect. */
    fill(&m, buf);
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &m, 0.04, sizes, 1), P3D_OK);
    CHECK_NEAR(buf[0], 1.00, 1e-7);

    /* num_iter 2: pass 0 (window 5) only. */
    fill(&m, buf);
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &m, 0.04, sizes, 2), P3D_OK);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 7; x++)
            CHECK_NEAR(buf[y * 7 + x], row_out[x], 1e-6);

    /* num_iter 3: pass 1 (window 3) sees the jump 1.03 | 3.0 between
     * columns 5 and 6: x=4: unflagged cols 3,4 (k = 6, 1/6 x3 = 0.5 exactly
     * -> 4th of 1.02 x3, 1.03 x3 = 1.03); x=5: unflagged col 4 -> 1.03;
     * x=6: all flagged, keeps its ring-replaced depth, a copy of column 5:
     * 1.03. Columns 0..5 are unchanged by the second pass. */
    fill(&m, buf);
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &m, 0.04, sizes, 3), P3D_OK);
    for (int x = 0; x < 6; x++)
        CHECK_NEAR(buf[2 * 7 + x], row_out[x], 1e-6);
    CHECK_NEAR(buf[2 * 7 + 6], 1.03f, 1e-6);

    /* The border ring is replaced even without any discontinuity: a corner
     * takes the diagonal interior value. */
    float flat[16];
    for (int i = 0; i < 16; i++)
        flat[i] = 2.0f + 0.001f * i; /* disparity steps far below 0.04 */
    p3d_map f = {4, 4, flat};
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &f, 0.04, sizes, 2), P3D_OK);
    CHECK_NEAR(flat[0], 2.0f + 0.001f * 5, 1e-6);  /* (0,0) <- (1,1) */
    CHECK_NEAR(flat[15], 2.0f + 0.001f * 10, 1e-6); /* (3,3) <- (2,2) */
    CHECK_NEAR(flat[5], 2.0f + 0.001f * 5, 1e-6);  /* interior unchanged */

    /* Maps without an interior are left alone; even windows are refused. */
    float tiny[3] = {1, 5, 9};
    p3d_map t = {3, 1, tiny};
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &t, 0.04, sizes, 5), P3D_OK);
    CHECK_NEAR(tiny[1], 5, 0);
    int bad[2] = {4, 3};
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &f, 0.04, bad, 2), P3D_E_USAGE);
    return tl_finish();
}
