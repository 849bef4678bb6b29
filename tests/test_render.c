/* Rendering (src/render/): projection, rasterizer coverage, z-order and
 * perspective-correct colours, the frame reduction and crops, trajectories,
 * path files. Expected values are worked out in the comments. */
#include "photo3d/io.h"
#include "photo3d/render.h"
#include "render/frame.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

/* A mesh of axis-aligned quads (two triangles each) facing the camera. */
typedef struct {
    float xyz[3 * 64];
    uint8_t rgba[4 * 64];
    int32_t faces[3 * 64];
    p3d_mesh mesh;
} quad_mesh;

static void add_quad(quad_mesh *q, float x0, float y0, float x1, float y1, float z0, float z1,
                     const uint8_t c0[3], const uint8_t c1[3])
{
    /* corners: (x0,y0) (x1,y0) (x0,y1) (x1,y1); depth and colour vary along x */
    p3d_mesh *m = &q->mesh;
    int base = (int)m->nverts;
    float xs[2] = {x0, x1}, ys[2] = {y0, y1}, zs[2] = {z0, z1};
    const uint8_t *cs[2] = {c0, c1};
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 2; i++) {
            float *p = q->xyz + 3 * m->nverts;
            p[0] = xs[i], p[1] = ys[j], p[2] = zs[i];
            uint8_t *c = q->rgba + 4 * m->nverts;
            memcpy(c, cs[i], 3);
            c[3] = P3D_VERTEX_ORIGINAL;
            m->nverts++;
        }
    int32_t tri[6] = {base, base + 2, base + 1, base + 1, base + 2, base + 3};
    memcpy(q->faces + 3 * m->nfaces, tri, sizeof tri);
    m->nfaces += 2;
}

static void init_mesh(quad_mesh *q, int size, double fov)
{
    memset(q, 0, sizeof *q);
    q->mesh.xyz = q->xyz;
    q->mesh.rgba = q->rgba;
    q->mesh.faces = q->faces;
    q->mesh.width = q->mesh.height = size;
    q->mesh.hfov = q->mesh.vfov = fov;
}

/* Two RGB images with the same size and bytes. */
static int same_image(const p3d_image *a, const p3d_image *b)
{
    return a->width == b->width && a->height == b->height &&
           memcmp(a->data, b->data, (size_t)a->width * a->height * 3) == 0;
}

static const uint8_t *px(const raster_canvas *c, int x, int y, uint8_t out[3])
{
    for (int k = 0; k < 3; k++)
        out[k] = (uint8_t)(c->rgbx[(size_t)y * c->size + x] >> 8 * k);
    return out;
}

static void test_projection(void)
{
    /* tan(fov/2) = 0.5, S = 100: u = 50 + 50 (px/pz) / 0.5 = 50 + 100 px/pz */
    double fov = 0.9272952180016122, u, v;
    double origin[3] = {0, 0, 0}, back[3] = {0, 0, -1}, p[3] = {1, -0.5, 4};
    raster_project(origin, fov, 100, p, &u, &v);
    CHECK_NEAR(u, 75, 1e-9);   /* 50 + 100 * 0.25 */
    CHECK_NEAR(v, 37.5, 1e-9); /* 50 - 100 * 0.125 */
    raster_project(back, fov, 100, p, &u, &v); /* the camera 1 behind: pz = 5 */
    CHECK_NEAR(u, 70, 1e-9);
    CHECK_NEAR(v, 40, 1e-9);
}

static void test_coverage_and_zorder(p3d_ctx *ctx)
{
    /* fov 90 degrees on a 40-pixel canvas: u = 20 + 20 X/Z. A blue square
     * X, Y in [-0.25, 0.25] at Z = 1 covers u in [15, 25]: pixels 15..24.
     * Behind it a red square X, Y in [-1, 1] at Z = 2 covers [10, 30]. The
     * near quad is listed first, so the z-buffer, not the order, decides. */
    static const uint8_t red[3] = {255, 0, 0}, blue[3] = {0, 0, 255};
    quad_mesh q;
    init_mesh(&q, 40, P3D_PI / 2);
    add_quad(&q, -0.25f, -0.25f, 0.25f, 0.25f, 1, 1, blue, blue);
    add_quad(&q, -1, -1, 1, 1, 2, 2, red, red);
    raster_canvas cv;
    CHECK_INT(raster_canvas_alloc(ctx, &cv, 40), P3D_OK);
    double center[3] = {0, 0, 0};
    CHECK_INT(raster_draw(ctx, &q.mesh, center, P3D_PI / 2, NULL, &cv), P3D_OK);
    uint8_t c[3];
    CHECK(memcmp(px(&cv, 20, 20, c), blue, 3) == 0);
    CHECK(memcmp(px(&cv, 15, 15, c), blue, 3) == 0);
    CHECK(memcmp(px(&cv, 24, 24, c), blue, 3) == 0);
    CHECK(memcmp(px(&cv, 14, 20, c), red, 3) == 0);
    CHECK(memcmp(px(&cv, 25, 20, c), red, 3) == 0);
    CHECK(memcmp(px(&cv, 10, 10, c), red, 3) == 0);
    CHECK(memcmp(px(&cv, 29, 29, c), red, 3) == 0);
    px(&cv, 9, 20, c); /* background is gray */
    CHECK(c[0] == 128 && c[1] == 128 && c[2] == 128);
    px(&cv, 30, 30, c);
    CHECK(c[0] == 128 && c[1] == 128 && c[2] == 128);
    CHECK_NEAR(cv.inv_depth[20 * cv.zstride + 20], 1.0, 1e-6);
    CHECK_NEAR(cv.inv_depth[20 * cv.zstride + 12], 0.5, 1e-6);
    CHECK_NEAR(cv.inv_depth[0], 0.0, 0);

    /* The same with 1 and 3 threads: identical pixels. */
    raster_canvas cv3;
    CHECK_INT(raster_canvas_alloc(ctx, &cv3, 40), P3D_OK);
    int threads = ctx->threads;
    ctx->threads = 3;
    CHECK_INT(raster_draw(ctx, &q.mesh, center, P3D_PI / 2, NULL, &cv3), P3D_OK);
    ctx->threads = threads;
    CHECK(memcmp(cv.rgbx, cv3.rgbx, 1600 * sizeof *cv.rgbx) == 0);
    raster_canvas_free(&cv3);

    /* Moving the camera to z = 1.5 puts the blue quad behind the near plane's
     * side of the camera: only red remains, now covering the whole view. */
    double inside[3] = {0, 0, 1.5};
    CHECK_INT(raster_draw(ctx, &q.mesh, inside, P3D_PI / 2, NULL, &cv), P3D_OK);
    CHECK(memcmp(px(&cv, 20, 20, c), red, 3) == 0);
    raster_canvas_free(&cv);
}

static void test_extreme_triangles(p3d_ctx *ctx)
{
    /* A huge quad just beyond the near plane projects to coordinates around
     * 1e7 pixels: it must be clipped to the canvas (filling all of it), not
     * overflow the pixel loops. A NaN vertex drops its triangles. */
    static const uint8_t green[3] = {0, 200, 0};
    quad_mesh q;
    init_mesh(&q, 32, P3D_PI / 2);
    add_quad(&q, -50, -50, 50, 50, 0.0015f, 0.0015f, green, green);
    add_quad(&q, -1, -1, 1, 1, 5, 5, green, green);
    q.xyz[3 * 4] = NAN;
    raster_canvas cv;
    CHECK_INT(raster_canvas_alloc(ctx, &cv, 32), P3D_OK);
    double center[3] = {0, 0, 0};
    CHECK_INT(raster_draw(ctx, &q.mesh, center, P3D_PI / 2, NULL, &cv), P3D_OK);
    uint8_t c[3];
    CHECK(memcmp(px(&cv, 0, 0, c), green, 3) == 0);
    CHECK(memcmp(px(&cv, 31, 31, c), green, 3) == 0);
    CHECK_NEAR(cv.inv_depth[16 * cv.zstride + 16], 1 / 0.0015, 1);
    raster_canvas_free(&cv);
}

static void test_perspective_colour(p3d_ctx *ctx)
{
    /* A slanted quad from (X=-1, Z=1) to (X=1, Z=3), red 0 at X=-1 to 254 at
     * X=1. A pixel column u sees the ray X = Z (u + 0.5 - 50)/50 (fov 90,
     * S = 100) hitting Z = 2 + X, so X = t(2+X) with t = (u+0.5-50)/50,
     * X = 2t/(1-t), and the red value is 254 (X + 1) / 2 (linear in 3-D, not
     * on screen). u = 30: t = -0.39, X = -0.5611, red 55.74 -> 56.
     * u = 60: t = 0.21, X = 0.5316, red 194.5 -> 195 (or 194). */
    static const uint8_t dark[3] = {0, 0, 0}, bright[3] = {254, 0, 0};
    quad_mesh q;
    init_mesh(&q, 100, P3D_PI / 2);
    add_quad(&q, -1, -1, 1, 1, 1, 3, dark, bright);
    raster_canvas cv;
    CHECK_INT(raster_canvas_alloc(ctx, &cv, 100), P3D_OK);
    double center[3] = {0, 0, 0};
    CHECK_INT(raster_draw(ctx, &q.mesh, center, P3D_PI / 2, NULL, &cv), P3D_OK);
    uint8_t c[3];
    CHECK_NEAR(px(&cv, 30, 50, c)[0], 56, 1);
    CHECK_NEAR(px(&cv, 60, 50, c)[0], 194.5, 1);
    /* 1/z at u = 60: Z = 2 + 0.5316 */
    CHECK_NEAR(cv.inv_depth[50 * cv.zstride + 60], 1 / 2.5316, 1e-3);
    raster_canvas_free(&cv);
}

static void test_reduce(p3d_ctx *ctx)
{
    /* f = 3: per axis the fold of [1 2 1]/4 (OpenCV's 3x3 sigma-0 Gaussian)
     * with the 3-box is [1 3 4 3 1]/12 over canvas offsets -1..3 of a block.
     * One white canvas pixel at (3, 3) = offset 0 of block 1, offset 3 of
     * block 0: output (1,1) = 255*3*3/144 = 15.9 -> 16, (0,0) = 255/144 = 1.8
     * -> 2, (1,0) = 255*3*1/144 = 5.3 -> 5, (2,2) = 0. */
    raster_canvas cv;
    CHECK_INT(raster_canvas_alloc(ctx, &cv, 9), P3D_OK);
    memset(cv.rgbx, 0, 81 * sizeof *cv.rgbx);
    cv.rgbx[3 * 9 + 3] = 0xffffff;
    p3d_image out = {0};
    CHECK_INT(frame_reduce(ctx, &cv, 3, NULL, &out), P3D_OK);
    CHECK_INT(out.width, 3);
    CHECK_INT(out.data[(1 * 3 + 1) * 3], 16);
    CHECK_INT(out.data[0], 2);
    CHECK_INT(out.data[(0 * 3 + 1) * 3 + 2], 5);
    CHECK_INT(out.data[(2 * 3 + 2) * 3], 0);
    /* Reflect-101 at the border: a white first row blurs into row -1 as its
     * mirror, row 1: output row 0 = 255 * (3 + 4*0 + 1*... ) -> weights of
     * canvas rows -1 (mirror of 1: 0), 0 (3): 255*3/12 = 63.75 -> 64. */
    memset(cv.rgbx, 0, 81 * sizeof *cv.rgbx);
    for (int x = 0; x < 9; x++)
        cv.rgbx[x] = 0xffffff;
    CHECK_INT(frame_reduce(ctx, &cv, 3, NULL, &out), P3D_OK);
    CHECK_INT(out.data[3], 64);
    CHECK_INT(out.data[3 * 3 * 1], 0);
    /* The 16-bit f = 2 and 3 paths (AVX-512 builds) against the general
     * fold (canvas->portable): noise, whole frame and a rectangle away from
     * the borders, byte for byte. */
    raster_canvas big;
    CHECK_INT(raster_canvas_alloc(ctx, &big, 114), P3D_OK);
    uint32_t seed = 99;
    for (int i = 0; i < 114 * 114; i++) {
        seed = seed * 1664525u + 1013904223u;
        big.rgbx[i] = seed >> 8;
    }
    big.rgbx[0] = big.rgbx[114 * 114 - 1] = 0xffffff; /* the largest sums */
    for (int f = 2; f <= 3; f++) {
        int s = 114 / f;
        raster_rect rects[2] = {{0, 0, s, s}, {3, 5, s - 7, s - 16}};
        for (int k = 0; k < 2; k++) {
            p3d_image fast = {0}, plain = {0};
            big.portable = 0;
            CHECK_INT(frame_reduce(ctx, &big, f, &rects[k], &fast), P3D_OK);
            big.portable = 1;
            CHECK_INT(frame_reduce(ctx, &big, f, &rects[k], &plain), P3D_OK);
            int same = 1;
            for (int y = rects[k].y0; y < rects[k].y1; y++)
                same &= memcmp(fast.data + ((size_t)y * s + rects[k].x0) * 3,
                               plain.data + ((size_t)y * s + rects[k].x0) * 3,
                               (size_t)(rects[k].x1 - rects[k].x0) * 3) == 0;
            CHECK(same);
            p3d_image_free(&fast);
            p3d_image_free(&plain);
        }
    }
    /* f = 2's matched filter [1 7 7 1] per axis: a white canvas pixel at
     * (2, 2) (offset 0 of block 1, offset 2 of block 0) gives output (1, 1)
     * 255 * 7 * 7 / 256 = 48.8 -> 49 and (0, 0) 255 / 256 -> 1. */
    memset(big.rgbx, 0, 114 * 114 * sizeof *big.rgbx);
    big.rgbx[2 * 114 + 2] = 0xffffff;
    for (int portable = 0; portable < 2; portable++) {
        p3d_image two = {0};
        big.portable = portable;
        CHECK_INT(frame_reduce(ctx, &big, 2, NULL, &two), P3D_OK);
        CHECK_INT(two.data[(1 * 57 + 1) * 3], 49);
        CHECK_INT(two.data[0], 1);
        CHECK_INT(two.data[(0 * 57 + 1) * 3 + 1], 7); /* 255 * 7 / 256 = 6.97 */
        p3d_image_free(&two);
    }
    raster_canvas_free(&big);
    /* f = 1 is the identity. */
    CHECK_INT(frame_reduce(ctx, &cv, 1, NULL, &out), P3D_OK);
    CHECK_INT(out.width, 9);
    CHECK_INT(out.data[3 * 4], 255);
    CHECK_INT(out.data[3 * 9], 0);
    p3d_image_free(&out);
    raster_canvas_free(&cv);
}

static void test_crops(p3d_ctx *ctx)
{
    int r0, r1, c0, c1;
    frame_anchor(960, 960, 960, &r0, &r1, &c0, &c1); /* square: loses its last row */
    CHECK(r0 == 0 && r1 == 959 && c0 == 0 && c1 == 960);
    frame_anchor(100, 58, 100, &r0, &r1, &c0, &c1); /* L = 57.99999999999999: 56 rows */
    CHECK(r0 == 22 && r1 == 78 && c0 == 0 && c1 == 100);
    frame_anchor(100, 100, 58, &r0, &r1, &c0, &c1); /* L = 58.00000000000001 */
    CHECK(r0 == 0 && r1 == 100 && c0 == 21 && c1 == 79);
    frame_anchor(450, 375, 450, &r0, &r1, &c0, &c1); /* rows 225 -+ 187 */
    CHECK(r0 == 38 && r1 == 412);

    /* The moon's 960x960: 959 rows, cut to even 958 x 960. A frame whose
     * rows are numbered by their gray level shows the cut positions. */
    p3d_image sq, out = {0};
    CHECK_INT(p3d_image_alloc(ctx, &sq, 960, 960, 3), P3D_OK);
    for (int y = 0; y < 960; y++)
        memset(sq.data + (size_t)y * 960 * 3, y % 251, 960 * 3);
    double none[4] = {0, 0, 0, 0}, crop[4] = {0.03, 0.03, 0.05, 0.03};
    frame_layout l;
    CHECK_INT(frame_layout_of(ctx, 960, 960, 960, none, &l), P3D_OK);
    CHECK_INT(frame_finish(ctx, &sq, &l, NULL, &out), P3D_OK);
    CHECK_INT(out.width, 960);
    CHECK_INT(out.height, 958);
    CHECK_INT(out.data[(size_t)957 * 960 * 3], 957 % 251);
    /* crop_border on 959 x 960: cut int(959*.03) = 28 rows on top and
     * int(959*.05) = 47 at the bottom, resized back to 959 rows: output row
     * y samples source row 28 + (y + 0.5) * 884/959 - 0.5; row 0 -> 27.96
     * (cubic, nearly 28), row 479 -> 28 + 441.5 = 469.5 -> between 469, 470 */
    CHECK_INT(frame_layout_of(ctx, 960, 960, 960, crop, &l), P3D_OK);
    CHECK(l.r0 == 0 && l.hc == 959 && l.wc == 960 && l.top == 28 && l.left == 28);
    CHECK(l.ch == 884 && l.cw == 904 && l.oh == 958 && l.ow == 960);
    raster_rect used = frame_source_rect(&l); /* what frame_finish reads */
    CHECK(used.x0 == 28 && used.x1 == 932 && used.y0 == 28 && used.y1 == 912);
    CHECK_INT(frame_finish(ctx, &sq, &l, NULL, &out), P3D_OK);
    CHECK_INT(out.height, 958);
    CHECK_NEAR(out.data[0], 28, 1);
    CHECK_NEAR(out.data[(size_t)479 * 960 * 3 + 500], 469.5 - 251, 1);
    /* Against io's OpenCV-exact fixed-point INTER_CUBIC on a noisy frame:
     * within one level everywhere. */
    uint32_t seed = 12345;
    for (size_t i = 0; i < (size_t)960 * 960 * 3; i++) {
        seed = seed * 1664525u + 1013904223u;
        sq.data[i] = (uint8_t)(seed >> 24);
    }
    CHECK_INT(frame_finish(ctx, &sq, &l, NULL, &out), P3D_OK);
    p3d_image cut, back;
    CHECK_INT(p3d_image_alloc(ctx, &cut, l.cw, l.ch, 3), P3D_OK);
    for (int y = 0; y < l.ch; y++)
        memcpy(cut.data + (size_t)y * l.cw * 3, sq.data + ((size_t)(l.top + y) * 960 + l.left) * 3,
               (size_t)l.cw * 3);
    CHECK_INT(p3d_image_resize(ctx, &cut, l.wc, l.hc, P3D_RESIZE_CUBIC, &back), P3D_OK);
    int worst = 0;
    for (int y = 0; y < out.height; y++)
        for (int x = 0; x < out.width * 3; x++) {
            int d = abs(out.data[(size_t)y * out.width * 3 + x] - back.data[(size_t)y * l.wc * 3 + x]);
            worst = d > worst ? d : worst;
        }
    CHECK(worst <= 1);
    /* The AVX-512 resize (where built) gives the plain version's bytes. */
    p3d_image plain = {0};
    CHECK_INT(frame_finish_path(ctx, &sq, &l, 1, NULL, &plain), P3D_OK);
    CHECK(same_image(&plain, &out));
    p3d_image_free(&plain);
    p3d_image_free(&cut);
    p3d_image_free(&back);
    p3d_image_free(&sq);
    p3d_image_free(&out);
}

static void test_partial_render(p3d_ctx *ctx)
{
    /* p3d_render_frame rasterises and reduces only what the cropped frame
     * shows, with a z-buffer per band and (one thread) each output row
     * reduced once the band holding its last canvas row is drawn, the
     * colours in a ring of two bands; the result must equal the
     * full-canvas pipeline byte for byte. A 160x128 photo of coloured cells
     * seen from an offset camera; canvases of 320 and 480 rows (bands of
     * 128: the frames span three or four, the middle ones whole), one and
     * two threads. */
    quad_mesh q;
    init_mesh(&q, 160, 0.9272952180016122);
    q.mesh.height = 128;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            uint8_t a[3] = {(uint8_t)(60 * i), (uint8_t)(60 * j), 200}, b[3] = {250, (uint8_t)(40 * i), (uint8_t)(50 * j)};
            float x = -1.2f + 0.6f * j, y = -1.0f + 0.5f * i;
            add_quad(&q, x, y, x + 0.6f, y + 0.5f, 2 + 0.1f * i, 2.3f + 0.1f * j, a, b);
        }
    double center[3] = {0.05, -0.03, -0.1}, crop[4] = {0.03, 0.03, 0.05, 0.03};
    int threads = ctx->threads;
    for (int k = 0; k < 4; k++) {
        int f = k < 2 ? 3 : 2;
        ctx->threads = 1 + k % 2;
        p3d_image fast;
        CHECK_INT(p3d_render_frame(ctx, &q.mesh, center, q.mesh.hfov, f, crop, &fast), P3D_OK);
        raster_canvas cv;
        p3d_image square = {0}, full = {0};
        frame_layout l;
        CHECK_INT(raster_canvas_alloc(ctx, &cv, 160 * f), P3D_OK);
        CHECK_INT(raster_draw(ctx, &q.mesh, center, q.mesh.hfov, NULL, &cv), P3D_OK);
        CHECK_INT(frame_reduce(ctx, &cv, f, NULL, &square), P3D_OK);
        CHECK_INT(frame_layout_of(ctx, 160, 128, 160, crop, &l), P3D_OK);
        CHECK_INT(frame_finish(ctx, &square, &l, NULL, &full), P3D_OK);
        CHECK_INT(fast.width, 160);
        CHECK_INT(fast.height, 128); /* L = 160 (128/160) = 128.0: rows [16, 144) */
        CHECK(same_image(&fast, &full));
        p3d_image_free(&fast);
        p3d_image_free(&square);
        p3d_image_free(&full);
        raster_canvas_free(&cv);
    }
    ctx->threads = threads;
}

/* Frames with the view of an earlier frame are copies (render_frames.c):
 * the swing path (a circle with no y shift) passes theta and -theta, so
 * frame 240 - k is frame k for k = 1..119. */
static void test_reuse_plan(void)
{
    static p3d_pose p[240];
    static double views[240][4];
    static int reuse[240];
    static char keep[240];
    double swing[3] = {-0.015, 0, -0.05}, circle[3] = {-0.015, -0.015, -0.05};
    p3d_trajectory(P3D_TRAJ_CIRCLE, swing, 240, p);
    for (int k = 0; k < 240; k++) {
        for (int i = 0; i < 3; i++)
            views[k][i] = -p[k].t[i];
        views[k][3] = 0.9;
    }
    CHECK_INT(frame_plan_reuse((const double(*)[4])views, 240, 960 * 958 * 3, reuse, keep), 119);
    CHECK_INT(reuse[0], -1);
    CHECK_INT(reuse[120], -1);
    int mirrored = 1, kept = 0;
    for (int k = 1; k < 120; k++)
        mirrored &= reuse[k] == -1 && reuse[240 - k] == k && keep[k] && !keep[240 - k];
    for (int k = 0; k < 240; k++)
        kept += keep[k];
    CHECK(mirrored);
    CHECK_INT(kept, 119);
    /* a memory budget of 10 frames (512 MiB): 10 copies */
    CHECK_INT(frame_plan_reuse((const double(*)[4])views, 240, (512L << 20) / 10, reuse, keep), 10);
    /* another field of view is another view */
    views[239][3] = 0.9 + 1e-9;
    CHECK_INT(frame_plan_reuse((const double(*)[4])views, 240, 1000, reuse, keep), 118);
    CHECK_INT(reuse[239], -1);
    p3d_trajectory(P3D_TRAJ_CIRCLE, circle, 240, p);
    for (int k = 0; k < 240; k++)
        for (int i = 0; i < 3; i++)
            views[k][i] = -p[k].t[i];
    /* the circle meets itself once: theta = -1 and 1 are both (x, 0, 0) */
    CHECK_INT(frame_plan_reuse((const double(*)[4])views, 240, 1000, reuse, keep), 1);
    CHECK_INT(reuse[180], 60);
}

static void test_trajectories(void)
{
    p3d_pose p[240];
    double zoom[3] = {0, 0, -0.05}, circle[3] = {-0.015, -0.015, -0.05};
    p3d_trajectory(P3D_TRAJ_DOUBLE_STRAIGHT_LINE, zoom, 240, p);
    CHECK_NEAR(p[0].t[2], 0.05, 1e-15);   /* camera centre -t starts at z = -0.05 */
    CHECK_NEAR(p[239].t[2], -0.05, 1e-15);
    CHECK_NEAR(p[120].t[2], 0.05 - 0.1 * 120 / 239, 1e-15);
    CHECK_NEAR(p[120].t[0], 0, 0);
    p3d_trajectory(P3D_TRAJ_STRAIGHT_LINE, zoom, 240, p);
    CHECK_NEAR(p[0].t[2], 0, 0);
    CHECK_NEAR(p[239].t[2], -0.05, 1e-15);
    /* circle: theta = -2 + 4k/240; k = 0: (x cos(-2pi), y sin(-2pi), z cos(-pi)) = (x, 0, -z) */
    p3d_trajectory(P3D_TRAJ_CIRCLE, circle, 240, p);
    CHECK_NEAR(p[0].t[0], -0.015, 1e-15);
    CHECK_NEAR(p[0].t[1], 0, 1e-15);
    CHECK_NEAR(p[0].t[2], 0.05, 1e-15);
    CHECK_NEAR(p[60].t[0], 0.015, 1e-15); /* theta = -1 */
    CHECK_NEAR(p[60].t[2], 0, 1e-15);
    CHECK_NEAR(p[90].t[1], 0.015, 1e-15); /* theta = -0.5: sin(-pi/2) y = -1 * -0.015 */
    CHECK_NEAR(p[120].t[0], -0.015, 1e-15);   /* theta = 0 */
    CHECK_NEAR(p[120].t[2], -0.05, 1e-15);
    CHECK_NEAR(p[239].t[2], -0.05 * cos(P3D_PI * (-2 + 4.0 * 239 / 240) / 2), 1e-15);
    CHECK_INT(p3d_traj_type_from_name("circle"), P3D_TRAJ_CIRCLE);
    CHECK_INT(p3d_traj_type_from_name("spiral"), -1);
}

static void test_path_file(p3d_ctx *ctx)
{
    char path[300];
    snprintf(path, sizeof path, "%s/path.txt", tl_tmpdir());
    FILE *fp = fopen(path, "w");
    fputs("# x y z [fov]\n0 0 0\n\n0.01 -0.02 0.03 45\n  1e-3,2e-3,3e-3\n", fp);
    fclose(fp);
    p3d_pose *poses;
    int n;
    CHECK_INT(p3d_trajectory_load(ctx, path, &poses, &n), P3D_OK);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_NEAR(poses[1].t[1], -0.02, 0);
        CHECK_NEAR(poses[1].fov, P3D_PI / 4, 1e-15);
        CHECK_NEAR(poses[2].t[2], 3e-3, 0);
        CHECK_NEAR(poses[0].fov, 0, 0);
    }
    free(poses);
    fp = fopen(path, "w");
    fputs("0 0 0\n0 0\n", fp);
    fclose(fp);
    CHECK_INT(p3d_trajectory_load(ctx, path, &poses, &n), P3D_E_INPUT);
    CHECK(strstr(p3d_errmsg(ctx), "path.txt:2:") != NULL);
    p3d_clear_error(ctx);
    fp = fopen(path, "w");
    fputs("0 0 0 200\n", fp);
    fclose(fp);
    CHECK_INT(p3d_trajectory_load(ctx, path, &poses, &n), P3D_E_INPUT);
    p3d_clear_error(ctx);
}

static void test_select(p3d_ctx *ctx)
{
    p3d_render_options o;
    p3d_render_options_default(&o);
    CHECK_INT(o.nvideos, 4);
    CHECK(strcmp(o.videos[3].name, "swing") == 0);
    CHECK_NEAR(o.videos[3].shift[1], 0, 0);
    CHECK_NEAR(o.videos[2].shift[1], -0.015, 0);
    CHECK_INT(p3d_render_options_select(ctx, &o, "swing,zoom-in"), P3D_OK);
    CHECK_INT(o.nvideos, 2);
    CHECK(strcmp(o.videos[1].name, "zoom-in") == 0);
    CHECK_INT(p3d_render_options_select(ctx, &o, "zoom-out"), P3D_E_USAGE);
    p3d_clear_error(ctx);
}

static void test_options_set(p3d_ctx *ctx)
{
    /* The reference's argument.yml keys, lists in YAML or plain form. */
    p3d_render_options o;
    p3d_render_options_default(&o);
    CHECK_INT(p3d_render_options_set(ctx, &o, "fps", "25"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "num_frames", "100"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "video_postfix", "['a', 'b']"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "traj_types", "[circle, straight-line]"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "x_shift_range", "[-0.02, 0.01]"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "z_shift_range", "-0.07,0.03"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "crop_border", "[0.1, 0, 0.2, 0]"), P3D_OK);
    CHECK_INT(p3d_render_options_set(ctx, &o, "anti_flickering", "False"), P3D_OK);
    CHECK(o.fps == 25 && o.num_frames == 100 && o.nvideos == 2 && o.supersample == 1);
    CHECK(strcmp(o.videos[1].name, "b") == 0 && o.videos[0].type == P3D_TRAJ_CIRCLE);
    CHECK(o.videos[1].type == P3D_TRAJ_STRAIGHT_LINE);
    CHECK(o.videos[0].shift[0] == -0.02 && o.videos[1].shift[2] == 0.03);
    CHECK(o.crop_border[2] == 0.2);
    CHECK_INT(p3d_render_options_set(ctx, &o, "traj_types", "[spiral]"), P3D_E_USAGE);
    p3d_clear_error(ctx);
    CHECK_INT(p3d_render_options_set(ctx, &o, "fps", "0"), P3D_E_USAGE);
    p3d_clear_error(ctx);
    CHECK_INT(p3d_render_options_set(ctx, &o, "crop_border", "[0.1, 0.1]"), P3D_E_USAGE);
    p3d_clear_error(ctx);
    CHECK_INT(p3d_render_options_set(ctx, &o, "video_postfix", "[../x]"), P3D_E_USAGE);
    p3d_clear_error(ctx);
    CHECK_INT(p3d_render_options_set(ctx, &o, "gpu_ids", "0"), P3D_E_USAGE);
    CHECK(strstr(p3d_errmsg(ctx), "unknown video option 'gpu_ids'") != NULL);
    p3d_clear_error(ctx);
}

static void test_center_depth(void)
{
    /* A plane at Z = 2 with one nearer original vertex off-centre: the
     * vertex on the centre pixel's ray decides. */
    static const uint8_t gray[3] = {9, 9, 9};
    quad_mesh q;
    init_mesh(&q, 100, P3D_PI / 2);
    add_quad(&q, -1, -1, 1, 1, 2, 2, gray, gray);
    add_quad(&q, 0.0098f, 0.0098f, 0.5f, 0.5f, 1.0f, 1.0f, gray, gray); /* (50.5-50)/50 = 0.01 */
    CHECK_NEAR(p3d_mesh_center_depth(&q.mesh), 1.0, 1e-6);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.threads = 2;
    test_projection();
    test_coverage_and_zorder(&ctx);
    test_perspective_colour(&ctx);
    test_extreme_triangles(&ctx);
    test_reduce(&ctx);
    test_crops(&ctx);
    test_partial_render(&ctx);
    test_trajectories();
    test_reuse_plan();
    test_path_file(&ctx);
    test_select(&ctx);
    test_options_set(&ctx);
    test_center_depth();
    return tl_finish();
}
