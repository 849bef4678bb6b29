/* LDI construction: tearing, gap closing, small components and their refill,
 * edge grouping (src/ldi; ALGORITHM.md 4.2 - 4.6), on crafted depth maps. */
#include "ldi/ldi_border.h"
#include "ldi/ldi_build.h"
#include "ldi_fixtures.h"
#include "testlib.h"

static long count_links(const ldi *l)
{
    long n = 0;
    for (long i = 0; i < l->n; i++)
        n += ldi_degree(l, i);
    return n / 2;
}

static void test_island_refilled(p3d_ctx *ctx)
{
    /* 20x20 at depth 5 with a 6x6 square at depth 1: every link across the
     * square's outline tears (disparity 1 - 0.2 = 0.8 > 0.04): 4 sides x 6 =
     * 24 links. The square (36 nodes < 200) is dropped; the 24 background
     * nodes around it form one edge (the ring's corners join diagonally
     * through the degree-4 corner node) and refill the hole at depth 5. */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 20, 20, 5.0f, 1.0f, 7, 7, 13, 13);
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 3), P3D_OK);
    CHECK_INT(l.cw, 26);
    CHECK_INT(count_links(&l), 2 * 20 * 19);
    CHECK_INT(ldi_tear_links(&l, 0.04), 24);
    CHECK_INT(ldi_drop_small_components(ctx, &l, 200), 36);
    CHECK_INT(fixture_front(&l, 9, 9), -1);
    uint8_t *cls = malloc(l.n);
    ldi_edges e;
    ldi_classify_discontinuities(&l, 0, cls);
    CHECK_INT(ldi_group_edges(ctx, &l, cls, 0.04, &e), P3D_OK);
    CHECK_INT(e.count, 1);
    CHECK_INT(e.start[1], 24);
    CHECK_INT(ldi_refill_lost_pixels(ctx, &l), 36);
    long c = fixture_front(&l, 9, 9);
    CHECK(c >= 0);
    CHECK_NEAR(l.depth[c], 5.0, 1e-6);
    CHECK_INT(l.rgb[3 * c], 9); /* the original pixel's colour */
    CHECK_INT(ldi_degree(&l, c), 4);
    CHECK_INT(count_links(&l), 2 * 20 * 19); /* fully healed */
    ldi_edges_free(&e);
    free(cls);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

static void test_two_sided_edges(p3d_ctx *ctx)
{
    /* 30x30 at depth 4 with a 15x15 square at depth 1 (225 nodes, kept).
     * Foreground side: the square's outline, 4*15 - 4 = 56 nodes, one edge.
     * Background side: 4 rows/columns of 15 outside it = 60 nodes, joined at
     * the corners through the diagonal degree-4 background node: one edge. */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 30, 30, 4.0f, 1.0f, 8, 8, 23, 23);
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
    CHECK_INT(ldi_tear_links(&l, 0.04), 60);
    CHECK_INT(ldi_drop_small_components(ctx, &l, 200), 0);
    uint8_t *cls = malloc(l.n);
    ldi_edges e;
    ldi_classify_discontinuities(&l, 1, cls);
    CHECK_INT(cls[fixture_front(&l, 8, 8)], LDI_CLASS_FG);
    CHECK_INT(cls[fixture_front(&l, 7, 10)], LDI_CLASS_BG);
    CHECK_INT(cls[fixture_front(&l, 7, 7)], LDI_CLASS_NONE); /* diagonal only: degree 4 */
    CHECK_INT(ldi_group_edges(ctx, &l, cls, 0.04, &e), P3D_OK);
    CHECK_INT(e.count, 2);
    int fg = l.edge[fixture_front(&l, 8, 8)], bg = l.edge[fixture_front(&l, 7, 10)];
    CHECK(fg != bg && fg >= 0 && bg >= 0);
    CHECK_INT(e.start[fg + 1] - e.start[fg], 56);
    CHECK_INT(e.start[bg + 1] - e.start[bg], 60);
    /* relations of the square's corner: far neighbours up and left */
    int32_t far[4];
    CHECK_INT(ldi_relations(&l, fixture_front(&l, 8, 8), 1, 0, far, 4), 2);
    CHECK_INT(far[0], fixture_front(&l, 8, 7));
    ldi_edges_free(&e);
    free(cls);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

static void test_gap_closing(p3d_ctx *ctx)
{
    /* 12x12 at depth 5; a 1-pixel line at depth 1 on row 5, columns 3..8,
     * except column 6 which stays at depth 5. Torn: vertical links above and
     * below the line at columns 3,4,5,7,8 (10) and horizontal links at the
     * line's ends and around column 6 (4) = 14. Gap closing: at column 6 the
     * vertical links (4,6)-(5,6) and (5,6)-(6,6) have torn neighbours left
     * and right, so they tear too: 16. */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 12, 12, 5.0f, 1.0f, 3, 5, 9, 6);
    dep.data[5 * 12 + 6] = 5.0f;
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 2), P3D_OK);
    CHECK_INT(ldi_tear_links(&l, 0.04), 16);
    CHECK_INT(l.link[4 * fixture_front(&l, 6, 5) + LDI_UP], -1);
    CHECK_INT(l.link[4 * fixture_front(&l, 6, 5) + LDI_DOWN], -1);
    CHECK(l.link[4 * fixture_front(&l, 6, 4) + LDI_RIGHT] >= 0);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

static void test_add_from_own_colours(p3d_ctx *ctx)
{
    /* Adding nodes whose colour points into the node arrays themselves must
     * survive the arrays growing (regression: refill copied a freed colour). */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 4, 4, 2.0f, 2.0f, 0, 0, 0, 0);
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
    long bad = 0;
    for (int k = 0; k < 5000; k++) {
        long id = ldi_add_node(ctx, &l, k % 16, 3.0f + k, l.rgb + 3 * 5, LDI_SYNTH, 1);
        bad += id < 0 || l.rgb[3 * id] != 1 || l.rgb[3 * id + 1] != 1 || l.rgb[3 * id + 2] != 7;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(l.n, 16 + 5000);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

static void test_border_ring_refresh(p3d_ctx *ctx)
{
    /* 10x10, columns 0-4 at depth 1 and 5-9 at depth 5, except the top row
     * which is all at depth 1: the top row has no tear between columns 4
     * and 5. The ring refresh copies the inward row: (5,0) takes depth 5 and
     * the tear below it, so the discontinuity runs into the border. The
     * corner (9,0) takes the mean of its neighbours (5 and 5). */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 10, 10, 5.0f, 1.0f, 0, 0, 5, 10);
    for (int x = 5; x < 10; x++)
        dep.data[x] = 1.0f;
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
    ldi_tear_links(&l, 0.04);
    CHECK(l.link[4 * fixture_front(&l, 4, 0) + LDI_RIGHT] >= 0);
    p3d_pipeline_options o;
    p3d_pipeline_defaults(&o);
    CHECK_INT(ldi_extrapolate_border(ctx, &l, NULL, &o, 0, NULL), P3D_OK);
    CHECK_INT(l.link[4 * fixture_front(&l, 4, 0) + LDI_RIGHT], -1);
    CHECK_NEAR(l.depth[fixture_front(&l, 5, 0)], 5.0, 0);
    CHECK_INT(l.link[4 * fixture_front(&l, 5, 0) + LDI_DOWN], fixture_front(&l, 5, 1));
    CHECK_INT(l.link[4 * fixture_front(&l, 5, 0) + LDI_RIGHT], fixture_front(&l, 6, 0));
    CHECK_NEAR(l.depth[fixture_front(&l, 9, 0)], 5.0, 0);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

/* Depth 2, with columns >= 11 pushed back by 0.5 * s on the rows around
 * row 12: s = 1 on `rows` rows, ramping 0.2, 0.4, 0.6, 0.8 over 4 rows above
 * and back down below (vertical disparity steps <= 0.024 < 0.04). Across
 * columns 10 | 11 the disparity jumps by more than 0.04 where s >= 0.4
 * (1/2 - 1/2.2 = 0.045): a vertical crack of rows + 6 links with the
 * foreground side on column 10 and two free ends. */
static void crack_scene(p3d_image *img, p3d_map *dep, int rows)
{
    fixture_scene(img, dep, 30, 40, 2.0f, 2.0f, 0, 0, 0, 0);
    int top = 12 - rows / 2;
    for (int y = 0; y < 40; y++) {
        double s = 0;
        if (y >= top && y < top + rows)
            s = 1;
        else if (y >= top - 4 && y < top)
            s = 0.2 * (y - top + 5);
        else if (y >= top + rows && y < top + rows + 4)
            s = 1 - 0.2 * (y - top - rows + 1);
        for (int x = 11; x < 30; x++)
            dep->data[y * 30 + x] = (float)(2.0 + 0.5 * s);
    }
}

static void test_short_edges(p3d_ctx *ctx)
{
    /* rows 5: 11 torn links, 11 foreground nodes <= redundant_number 12,
     * free ends: healed, every link restored. rows 16: 22 nodes: kept. */
    for (int k = 0; k < 2; k++) {
        p3d_image img;
        p3d_map dep;
        crack_scene(&img, &dep, k ? 16 : 5);
        ldi l;
        CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
        CHECK_INT(ldi_tear_links(&l, 0.04), k ? 22 : 11);
        uint8_t *cls = malloc(l.n);
        ldi_edges e;
        ldi_classify_discontinuities(&l, 1, cls);
        CHECK_INT(ldi_group_edges(ctx, &l, cls, 0.04, &e), P3D_OK);
        CHECK_INT(e.count, 2);
        CHECK_INT(cls[fixture_front(&l, 10, 12)], LDI_CLASS_FG);
        CHECK_INT(ldi_remove_short_edges(&l, &e, cls, 12), k ? 0 : 1);
        CHECK_INT(count_links(&l), k ? 2 * 30 * 40 - 30 - 40 - 22 : 2 * 30 * 40 - 30 - 40);
        ldi_edges_free(&e);
        free(cls);
        ldi_free(&l);
        free(img.data), free(dep.data);
    }
}

static void test_dangling(p3d_ctx *ctx)
{
    /* A node left with one link and a node with none re-attach to their
     * agreeing 4-neighbours and take their mean depth. */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 8, 8, 5.0f, 1.0f, 5, 5, 6, 6);
    ldi l;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
    CHECK_INT(ldi_tear_links(&l, 0.04), 4); /* the depth-1 pixel at (5,5) */
    long spur = fixture_front(&l, 2, 2);
    ldi_unlink(&l, spur, LDI_UP), ldi_unlink(&l, spur, LDI_LEFT), ldi_unlink(&l, spur, LDI_DOWN);
    CHECK_INT(ldi_repair_dangling(&l, 0.04), 2);
    CHECK_INT(ldi_degree(&l, spur), 4);
    long lone = fixture_front(&l, 5, 5);
    CHECK_INT(ldi_degree(&l, lone), 4);
    CHECK_NEAR(l.depth[lone], 5.0, 1e-6);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    test_island_refilled(&ctx);
    test_two_sided_edges(&ctx);
    test_gap_closing(&ctx);
    test_add_from_own_colours(&ctx);
    test_border_ring_refresh(&ctx);
    test_short_edges(&ctx);
    test_dangling(&ctx);
    return tl_finish();
}
