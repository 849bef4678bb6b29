/* Context and synthesis regions and the merge of one inpainting iteration
 * (src/ldi/regions.c, ldi_inpaint.c; ALGORITHM.md 5, 6.5) on a crafted scene. */
#include "nearest_backend.h"
#include "ldi/ldi_inpaint.h"
#include "ldi_fixtures.h"
#include "testlib.h"

#include <stdlib.h>

/* 40x40 at depth 4 with a 12x12 square at depth 1 (columns/rows 14..25),
 * no band. The foreground edge is the square's outline. */
enum { W = 40, S0 = 14, S1 = 26 };

static int in_square(int x, int y) { return x >= S0 && x < S1 && y >= S0 && y < S1; }

/* Manhattan distance from a background pixel to the square. */
static int dist_to_square(int x, int y)
{
    int dx = x < S0 ? S0 - x : x >= S1 ? x - S1 + 1 : 0;
    int dy = y < S0 ? S0 - y : y >= S1 ? y - S1 + 1 : 0;
    return dx + dy;
}

/* The same square with a 2x2 object C at depth 0.5 in front of it at
 * columns/rows 17..18. C is torn off the square, so its 3 pixels at inward
 * distance 3 are no longer mask (125 of 128). The mask reaches the square's
 * nodes next to C at ring 2; C lies in front of them, so C's pixels become
 * untouchable (without that rule they would stay unlabelled). */
static void test_untouchable(p3d_ctx *ctx)
{
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, W, W, 4.0f, 1.0f, S0, S0, S1, S1);
    for (int y = 17; y < 19; y++)
        for (int x = 17; x < 19; x++)
            dep.data[y * W + x] = 0.5f;
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
    ldi_tear_links(&l, 0.04);
    uint8_t *cls = malloc(l.n + 1);
    ldi_edges edges;
    ldi_classify_discontinuities(&l, 1, cls);
    CHECK_INT(ldi_group_edges(ctx, &l, cls, 0.04, &edges), P3D_OK);
    int fg = l.edge[fixture_front(&l, S0, S0)];
    region_params p = {0, 3, 8, 2};
    region_ws ws;
    CHECK_INT(region_ws_init(ctx, &ws, &l), P3D_OK);
    region_build(&l, &edges, fg, &p, &ws);
    long mask = 0;
    for (int i = 0; i < W * W; i++)
        mask += ws.label[i] == REGION_MASK;
    CHECK_INT(mask, 125);
    for (int y = 17; y < 19; y++)
        for (int x = 17; x < 19; x++)
            CHECK_INT(ws.label[y * W + x], REGION_UNTOUCHABLE);
    region_ws_free(&ws);
    ldi_edges_free(&edges);
    free(cls);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, W, W, 4.0f, 1.0f, S0, S0, S1, S1);
    ldi l;
    CHECK_INT(ldi_create(&ctx, &l, &img, &dep, 0), P3D_OK);
    ldi_tear_links(&l, 0.04);
    uint8_t *cls = malloc(l.n + 1);
    ldi_edges edges;
    ldi_classify_discontinuities(&l, 1, cls);
    CHECK_INT(ldi_group_edges(&ctx, &l, cls, 0.04, &edges), P3D_OK);
    int fg = l.edge[fixture_front(&l, S0, S0)];
    CHECK_INT(edges.start[fg + 1] - edges.start[fg], 44); /* 4*12 - 4 */

    /* Mask 3 rings, context 8 rings, erosion up to 2 rings. Mask: square
     * pixels at inward distance <= 3 from the outline: 144 - 4*4 = 128; the
     * 16 central ones are only occupied. Context: background pixels at
     * distance 1 (the 48 seeds, ring 0) to 9 (ring 8), minus the 3-pixel
     * forbidden frame. Erosion: rings 0 and 1 hold 48 + 52 = 100 of the
     * context; whether that is over 30 % decides t = 2 or t = 1. */
    region_params p = {0, 3, 8, 2};
    region_ws ws;
    CHECK_INT(region_ws_init(&ctx, &ws, &l), P3D_OK);
    region_build(&l, &edges, fg, &p, &ws);
    long mask = 0, occupied = 0, ctx_all = 0, erode = 0, expect_ctx = 0, bad_side = 0, ring01 = 0;
    for (int y = 0; y < W; y++)
        for (int x = 0; x < W; x++) {
            int lab = ws.label[y * W + x], d = dist_to_square(x, y);
            int allowed = x >= 3 && y >= 3 && x < W - 3 && y < W - 3;
            if (!in_square(x, y) && d >= 1 && d <= 9 && allowed)
                expect_ctx++;
            if (!in_square(x, y) && (d == 1 || d == 2) && allowed)
                ring01++;
            mask += lab == REGION_MASK;
            occupied += lab == REGION_OCCUPIED;
            ctx_all += lab == REGION_CONTEXT || lab == REGION_ERODE;
            erode += lab == REGION_ERODE;
            if ((lab == REGION_MASK || lab == REGION_OCCUPIED) && !in_square(x, y))
                bad_side++;
            if ((lab == REGION_CONTEXT || lab == REGION_ERODE) && in_square(x, y))
                bad_side++;
        }
    CHECK_INT(mask, 128);
    CHECK_INT(occupied, 16);
    CHECK_INT(bad_side, 0);
    CHECK_INT(ctx_all, expect_ctx);
    CHECK_INT(erode, ring01 / (double)expect_ctx > 0.3 ? 48 : ring01);
    CHECK_INT(ws.nmask, 128);
    region_ws_free(&ws);

    /* One iteration with the nearest-context test backend: every mask pixel
     * gets one node behind the square, at the background's depth 4 (the
     * nearest context), linked to its mask neighbours and the context. */
    long before = l.n;
    ldi_inpaint_stats st;
    CHECK_INT(ldi_inpaint_iteration(&ctx, &l, &edges, cls, &p, NULL, 0.04, 0, &nearest_backend, NULL, &st),
              P3D_OK);
    CHECK_INT(st.edges, 1);
    CHECK_INT(st.new_nodes, 128);
    CHECK_INT(l.n - before, 128);
    CHECK_INT(st.tears, 0);
    long behind = 0, linked_ok = 0;
    for (long i = before; i < l.n; i++) {
        int32_t front = l.head[l.pix[i]];
        behind += front != i && l.depth[i] >= l.depth[front] + 0.01f - 1e-6f && l.iter[i] == 1 &&
                  (l.flags[i] & LDI_SYNTH);
        int ok = 1;
        for (int d = 0; d < 4; d++) {
            int32_t m = l.link[4 * i + d];
            ok &= m < 0 || (l.link[4 * (long)m + (d ^ 2)] == i && l.depth[m] == 4.0f);
        }
        linked_ok += ok;
    }
    CHECK_INT(behind, 128);
    CHECK_INT(linked_ok, 128);
    /* a new node at the square's corner links up to the background (context) */
    long corner = l.next[fixture_front(&l, S0, S0)];
    CHECK(corner >= before);
    CHECK_INT(l.link[4 * corner + LDI_UP], fixture_front(&l, S0, S0 - 1));
    CHECK_INT(l.link[4 * corner + LDI_DOWN], l.next[fixture_front(&l, S0, S0 + 1)]);
    CHECK_NEAR(l.depth[corner], 4.0, 1e-6);

    ldi_edges_free(&edges);
    free(cls);
    ldi_free(&l);
    free(img.data), free(dep.data);
    test_untouchable(&ctx);
    return tl_finish();
}
