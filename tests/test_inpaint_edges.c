/* Edge continuation of the classical backend (src/inpaint/edge_continue.c):
 * straight context edges are continued through the mask along their
 * direction, to the mask's far border or to another edge. */
#include "inpaint/classical.h"
#include "inpaint_fixture.h"
#include "testlib.h"

#include <math.h>

static const uint8_t GRAY[3] = {100, 100, 100};

/* A w x h crop: mask [x0, x1) x [y0, y1), context elsewhere. */
static void make_square_mask(fixture *f, int w, int h, int x0, int y0, int x1, int y1)
{
    fixture_alloc(f, w, h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (x >= x0 && x < x1 && y >= y0 && y < y1)
                fixture_set_mask(f, x, y);
            else
                fixture_set_context(f, x, y, 4.0f, GRAY);
        }
}

static long count_continued(const fixture *f)
{
    long n = 0;
    for (long i = 0; i < (long)f->w * f->h; i++)
        n += f->mask[i] && f->edge_out[i];
    return n;
}

/* Largest distance of a continued pixel from the line through (px, py) with
 * direction (dx, dy). */
static double max_line_distance(const fixture *f, double px, double py, double dx, double dy)
{
    double norm = hypot(dx, dy), worst = 0;
    for (int y = 0; y < f->h; y++)
        for (int x = 0; x < f->w; x++) {
            long i = (long)y * f->w + x;
            if (f->mask[i] && f->edge_out[i]) {
                double d = fabs((x - px) * dy - (y - py) * dx) / norm;
                worst = d > worst ? d : worst;
            }
        }
    return worst;
}

static int input_edges_kept(const fixture *f)
{
    for (long i = 0; i < (long)f->w * f->h; i++)
        if (f->edge[i] && !f->edge_out[i])
            return 0;
    return 1;
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_inpaint_backend b;
    CHECK_INT(p3d_inpaint_classical_create(&ctx, &b), P3D_OK);
    fixture f;

    /* Diagonal y = x from (5,5) to (19,19) entering the mask [20,50)^2 at its
     * corner: continued through (20,20) ... (49,49), the far corner; 30 pixels. */
    make_square_mask(&f, 64, 64, 20, 20, 50, 50);
    for (int i = 5; i < 20; i++)
        f.edge[i * 64 + i] = 1;
    CHECK_INT(b.edges(&ctx, b.state, &f.job), P3D_OK);
    CHECK(input_edges_kept(&f));
    CHECK_INT(f.edge_out[49 * 64 + 49], 1);
    CHECK_INT(count_continued(&f), 30);
    CHECK(max_line_distance(&f, 0, 0, 1, 1) <= 1.0);
    fixture_free(&f);

    /* A shallow line, y = 10 + (x - 2) / 3 for x in [2, 20), entering the mask
     * [20,60) x [5,40) from the left: it must reach the right border (x = 59,
     * y = 10 + 57/3 = 29) within 1 px of the line. */
    make_square_mask(&f, 64, 48, 20, 5, 60, 40);
    for (int x = 2; x < 20; x++)
        f.edge[(10 + (int)lround((x - 2) / 3.0)) * 64 + x] = 1;
    CHECK_INT(b.edges(&ctx, b.state, &f.job), P3D_OK);
    CHECK(max_line_distance(&f, 2, 10, 3, 1) <= 1.0);
    int reached = 0;
    for (int y = 0; y < 48; y++)
        reached |= f.edge_out[y * 64 + 59] && fabs(y - 29.0) <= 1.0;
    CHECK(reached);
    CHECK_INT(count_continued(&f), 40); /* one pixel per column x = 20 ... 59 */
    fixture_free(&f);

    /* A horizontal edge on row 20, x = 0 ... 29, meeting a diagonal mask
     * border (mask: x + y >= 50): (28, 20) touches the mask too, but the tip
     * (29, 20) protrudes most and marches along row 20 to x = 63. */
    fixture_alloc(&f, 64, 64);
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++) {
            if (x + y >= 50)
                fixture_set_mask(&f, x, y);
            else
                fixture_set_context(&f, x, y, 4.0f, GRAY);
        }
    for (int x = 0; x < 30; x++)
        f.edge[20 * 64 + x] = 1;
    CHECK_INT(b.edges(&ctx, b.state, &f.job), P3D_OK);
    CHECK_INT(count_continued(&f), 34);
    for (int x = 30; x < 64; x++)
        CHECK_INT(f.edge_out[20 * 64 + x], 1);
    fixture_free(&f);

    /* Two vertical edges at x = 32 entering from the top and the bottom meet
     * in the middle: one unbroken line through the mask [16,48)^2, 32 pixels,
     * none twice (a single pixel per row). */
    make_square_mask(&f, 64, 64, 16, 16, 48, 48);
    for (int y = 0; y < 16; y++)
        f.edge[y * 64 + 32] = f.edge[(63 - y) * 64 + 32] = 1;
    CHECK_INT(b.edges(&ctx, b.state, &f.job), P3D_OK);
    CHECK_INT(count_continued(&f), 32);
    for (int y = 16; y < 48; y++)
        CHECK_INT(f.edge_out[y * 64 + 32], 1);
    fixture_free(&f);

    /* An edge running along the mask border (parallel to it) is not continued;
     * neither is a single isolated edge pixel (no direction). */
    make_square_mask(&f, 64, 64, 16, 16, 48, 48);
    for (int x = 20; x < 40; x++)
        f.edge[15 * 64 + x] = 1;
    f.edge[30 * 64 + 15] = 1;
    CHECK_INT(b.edges(&ctx, b.state, &f.job), P3D_OK);
    CHECK_INT(count_continued(&f), 0);
    CHECK(input_edges_kept(&f));
    fixture_free(&f);

    /* Meeting other edges. Inside the mask [16,48)^2: a vertical edge enters
     * at x = 24 from the top; a context island at row 30, x = 30 ... 47, is a
     * horizontal edge pointing left; an isolated edge pixel sits at (24, 40).
     * Equal protrusion, so the upper entry marches first: down to row 39, where
     * it touches the isolated pixel. The horizontal one then marches left from
     * x = 29 and stops at x = 25, next to the vertical line. */
    make_square_mask(&f, 64, 64, 16, 16, 48, 48);
    for (int y = 0; y < 16; y++)
        f.edge[y * 64 + 24] = 1;
    for (int x = 30; x < 48; x++) {
        fixture_set_context(&f, x, 30, 4.0f, GRAY);
        f.edge[30 * 64 + x] = 1;
    }
    fixture_set_context(&f, 24, 40, 4.0f, GRAY);
    f.edge[40 * 64 + 24] = 1;
    CHECK_INT(b.edges(&ctx, b.state, &f.job), P3D_OK);
    for (int y = 16; y < 40; y++)
        CHECK_INT(f.edge_out[y * 64 + 24], 1);
    CHECK_INT(f.edge_out[41 * 64 + 24], 0);
    for (int x = 25; x < 30; x++)
        CHECK_INT(f.edge_out[30 * 64 + x], 1);
    CHECK_INT(f.edge_out[30 * 64 + 23], 0);
    CHECK_INT(count_continued(&f), 24 + 5);
    fixture_free(&f);

    b.destroy(b.state);
    return tl_finish();
}
