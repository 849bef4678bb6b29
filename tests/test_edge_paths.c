/* Path tracing of synthesised depth edges (src/inpaint/edge_paths.c,
 * ALGORITHM.md 6.3a) on hand-made edge maps: a 22x20 crop, context x <= 7
 * and x >= 18, hole (mask) x 8..17, rows 2..17; end points are context
 * pixels of E with an end depth. Coordinates below are (x, y). */
#include "inpaint/edge_paths.h"
#include "testlib.h"

#include <string.h>

#define W 22
#define H 20
#define AT(x, y) ((y) * W + (x))

static uint8_t edges[W * H], mask[W * H], context[W * H];
static float end_depth[W * H], front[W * H];
static int8_t far_dir[W * H];
static int32_t npath[W * H], fpath[W * H];

static void reset(void)
{
    memset(edges, 0, sizeof edges), memset(end_depth, 0, sizeof end_depth);
    memset(far_dir, -1, sizeof far_dir);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            mask[AT(x, y)] = x >= 8 && x <= 17 && y >= 2 && y <= 17;
            context[AT(x, y)] = x <= 7 || x >= 18;
            front[AT(x, y)] = 0.5f;
        }
}

static void end_point(int x, int y, float depth, int dir)
{
    edges[AT(x, y)] = 1, end_depth[AT(x, y)] = depth, far_dir[AT(x, y)] = (int8_t)dir;
}

static int trace(int final)
{
    edge_path_input in = {W, H, edges, mask, context, end_depth, far_dir, front, 5};
    return edge_paths_trace(&in, final, npath, fpath);
}

static int count(const int32_t *map, int id)
{
    int n = 0;
    for (int i = 0; i < W * H; i++)
        n += map[i] == id;
    return n;
}

/* A straight edge from (7,10) into the hole up to x = 15, far node below:
 * the near path is the edge, the far path the row below it. */
static void straight(void)
{
    reset();
    end_point(7, 10, 1.0f, 2);
    for (int x = 8; x <= 15; x++)
        edges[AT(x, 10)] = 1;
    CHECK_INT(trace(1), 1);
    for (int x = 7; x <= 15; x++) {
        CHECK_INT(npath[AT(x, 10)], 0);
        CHECK_INT(fpath[AT(x, 11)], 0);
    }
    CHECK_INT(count(npath, 0), 9);
    CHECK_INT(count(fpath, 0), 9);
}

/* The edge turns: right to (11,10), diagonally down to (14,13), then down
 * to (14,15). The far path keeps to the same side (below going right, left
 * going down), 4-adjacent to the near path, worked out step by step. */
static void bent(void)
{
    reset();
    end_point(7, 10, 1.0f, 2);
    static const int nx[] = {8, 9, 10, 11, 12, 13, 14, 14, 14}, ny[] = {10, 10, 10, 10, 11, 12, 13, 14, 15};
    for (int k = 0; k < 9; k++)
        edges[AT(nx[k], ny[k])] = 1;
    CHECK_INT(trace(1), 1);
    CHECK_INT(npath[AT(7, 10)], 0);
    for (int k = 0; k < 9; k++)
        CHECK_INT(npath[AT(nx[k], ny[k])], 0);
    CHECK_INT(count(npath, 0), 10);
    static const int fx[] = {7, 8, 9, 10, 11, 12, 13, 13, 13}, fy[] = {11, 11, 11, 11, 11, 12, 13, 14, 15};
    for (int k = 0; k < 9; k++)
        CHECK_INT(fpath[AT(fx[k], fy[k])], 0);
    CHECK_INT(count(fpath, 0), 9);
    /* Without a far node the near path stays in the working map (what the
     * repeated edge passes are fed) but not in the final one. */
    far_dir[AT(7, 10)] = -1;
    CHECK_INT(trace(0), 1);
    CHECK_INT(count(npath, 0), 10);
    CHECK_INT(count(fpath, 0), 0);
    trace(1);
    CHECK_INT(count(npath, 0), 0);
}

/* Two end points across the hole, both far nodes below: the traces from
 * both ends agree, so one end-to-end path. */
static void two_ends(void)
{
    reset();
    end_point(7, 10, 1.0f, 2);
    end_point(18, 10, 2.0f, 2);
    for (int x = 8; x <= 17; x++)
        edges[AT(x, 10)] = 1;
    CHECK_INT(trace(1), 1);
    for (int x = 7; x <= 18; x++) {
        CHECK_INT(npath[AT(x, 10)], 0);
        CHECK_INT(fpath[AT(x, 11)], 0);
    }
    CHECK_INT(count(npath, 0), 12);
    CHECK_INT(count(fpath, 0), 12);
    /* The right end's far node above: the traces disagree, the path is
     * split by the disparity jumps |1/0.5 - 1/1| = 1 and |2 - 0.5| = 1.5 of
     * the 12 - 5 = 7 pixels: 2 from the left, 4 from the right, each traced
     * on its own (ids in queue order). */
    far_dir[AT(18, 10)] = 0;
    CHECK_INT(trace(1), 2);
    for (int x = 7; x <= 18; x++) {
        int id = x <= 8 ? 0 : x >= 15 ? 1 : -1;
        CHECK_INT(npath[AT(x, 10)], id);
        CHECK_INT(fpath[AT(x, 11)], id == 0 ? 0 : -1);
        CHECK_INT(fpath[AT(x, 9)], id == 1 ? 1 : -1);
    }
}

/* Components with no end point, or three, are left alone; a blob with one
 * end point gets a one-pixel-wide path through it. */
static void ignored(void)
{
    reset();
    for (int y = 4; y <= 6; y++)
        for (int x = 10; x <= 14; x++)
            edges[AT(x, y)] = 1;
    CHECK_INT(trace(0), 0);
    CHECK_INT(count(npath, -1), W * H);
    reset();
    end_point(7, 10, 1.0f, 2);
    end_point(18, 10, 1.0f, 2);
    end_point(12, 18, 1.0f, 3);
    context[AT(12, 18)] = 1, mask[AT(12, 18)] = 0;
    for (int x = 8; x <= 17; x++)
        edges[AT(x, 10)] = 1;
    for (int y = 11; y <= 17; y++)
        edges[AT(12, y)] = 1;
    CHECK_INT(trace(0), 0);
    CHECK_INT(count(npath, -1), W * H);
    CHECK_INT(count(fpath, -1), W * H);
}

int main(void)
{
    straight();
    bent();
    two_ends();
    ignored();
    return tl_finish();
}
