/* The renderer's mesh simplification (src/render/raster_lod.c): flat blocks
 * of grid cells become textured (or plainly coloured) fans. Checked on a
 * grid mesh built like the pipeline's (a vertex on every pixel centre of
 * the mesh's camera, two triangles per cell) with a flat part, a curved
 * part, random colours (texture) and a smooth colour ramp (plain fans):
 * - blocks form where the surface is flat and not where it is curved;
 * - from the mesh's own camera, every pixel centre is a vertex: the
 *   simplified mesh draws the same colours there, and depths within the
 *   tolerance;
 * - from a moved camera: no crack (every pixel inside the surface drawn),
 *   depth within the tolerance, and close colours;
 * - the AVX-512 and portable paths draw the same pixels with 1 and 3
 *   threads;
 * - a mesh that is no grid, or a zero tolerance, keeps every face;
 * - raster_lod_allowed_dw keeps a point's on-screen move within the
 *   pixels asked for, at every camera of the bound. */
#include "render/frame.h"
#include "render/raster.h"
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIDE 64 /* pixels per side of the mesh's image */
#define BORDER 8 /* grid vertices beyond the image on each side, as the pipeline's border band */

static uint32_t rng = 99;
static int rand_byte(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (int)(rng >> 24);
}

/* Inverse depth of the surface at pixel (col, row): a tilted plane, with a
 * bump on the right third. */
static double surface_w(int col, int row)
{
    double w = 0.5 + 0.004 * col + 0.002 * row;
    if (col > 2 * SIDE / 3)
        w += 0.03 * sin(col * 0.7) * cos(row * 0.5);
    return w;
}

static void build_grid(p3d_mesh *m)
{
    memset(m, 0, sizeof *m);
    int n = SIDE + 2 * BORDER;
    m->width = m->height = SIDE;
    m->hfov = m->vfov = 1.0;
    m->xyz = malloc(sizeof(float) * 3 * n * n);
    m->rgba = malloc(4L * n * n);
    m->faces = malloc(sizeof(int32_t) * 6 * (n - 1) * (n - 1));
    double fx = SIDE / (2.0 * tan(0.5)), cx = SIDE / 2;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int col = j - BORDER, row = i - BORDER;
            long v = m->nverts++;
            double z = 1.0 / surface_w(col, row);
            m->xyz[3 * v] = (float)(z * (col + 0.5 - cx) / fx);
            m->xyz[3 * v + 1] = (float)(z * (row + 0.5 - cx) / fx);
            m->xyz[3 * v + 2] = (float)z;
            for (int ch = 0; ch < 3; ch++) /* noise on top, a ramp below */
                m->rgba[4 * v + ch] = (uint8_t)(row < SIDE / 2 ? rand_byte() : 2 * i + j + 40 * ch);
            m->rgba[4 * v + 3] = 1;
        }
    for (int i = 0; i + 1 < n; i++)
        for (int j = 0; j + 1 < n; j++) {
            int32_t a = i * n + j, b = a + 1, c = a + n, d = c + 1;
            int32_t *f = m->faces + 3 * m->nfaces;
            /* as mesh_build.c: top-left and bottom-right triangles */
            f[0] = a, f[1] = b, f[2] = c, f[3] = d, f[4] = c, f[5] = b;
            m->nfaces += 2;
        }
}

static void draw(p3d_ctx *ctx, const p3d_mesh *m, const raster_lod *lod, int size, const double c[3],
                 int portable, int threads, raster_canvas *cv)
{
    CHECK_INT(raster_canvas_alloc(ctx, cv, size), P3D_OK);
    cv->portable = portable;
    ctx->threads = threads;
    CHECK_INT(raster_draw_lod(ctx, m, lod, c, 1.0, NULL, cv), P3D_OK);
}

static int channel(uint32_t rgbx, int ch)
{
    return (int)(rgbx >> 8 * ch & 255);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_mesh m;
    build_grid(&m);
    /* 0.05 px at the moved camera below, drawn at 2x the mesh's size */
    const double moved[3] = {0.05, -0.03, -0.1};
    const raster_lod_bound bound = {0.05, 2 * SIDE / (2 * tan(0.5)), {0.05, 0.03, 0.1}};
    /* the largest depth error allowed anywhere (at the image centre) */
    const double max_dw = raster_lod_allowed_dw(&bound, 0, 0, surface_w(0, 0), 1.0);
    CHECK(max_dw > 0 && max_dw <= 0.01 * surface_w(0, 0));
    raster_lod lod;
    CHECK_INT(raster_lod_build(&ctx, &m, &bound, &lod), P3D_OK);
    /* flat part: 3/4 of the grid, minus margins; the bump keeps its cells */
    CHECK(lod.nblocks >= 20);
    CHECK(lod.ntfaces > 0 && lod.npfaces > 0);
    CHECK(lod.nfaces + lod.ntfaces + lod.npfaces < m.nfaces / 2);
    CHECK(lod.nfaces > 2L * (SIDE / 3 - 2) * SIDE); /* the curved third is kept */

    /* the mesh's own camera: pixel centres on the vertices */
    const double origin[3] = {0, 0, 0};
    raster_canvas exact, simple;
    draw(&ctx, &m, NULL, SIDE, origin, 0, 1, &exact);
    draw(&ctx, &m, &lod, SIDE, origin, 0, 1, &simple);
    int worst_colour = 0;
    double worst_dw = 0;
    for (int y = 1; y < SIDE - 1; y++)
        for (int x = 1; x < SIDE - 1; x++) {
            size_t p = (size_t)y * SIDE + x, z = (size_t)y * exact.zstride + x;
            for (int ch = 0; ch < 3; ch++) {
                int d = abs(channel(exact.rgbx[p], ch) - channel(simple.rgbx[p], ch));
                worst_colour = d > worst_colour ? d : worst_colour;
            }
            worst_dw = fmax(worst_dw, fabs(exact.inv_depth[z] - simple.inv_depth[z]));
        }
    CHECK(worst_colour <= 1);
    CHECK(worst_dw <= 1e-5); /* vertices themselves keep their depth */
    raster_canvas_free(&exact);
    raster_canvas_free(&simple);

    /* a moved camera, 2x the pixels: no crack, depth within the tolerance */
    int size = 2 * SIDE;
    draw(&ctx, &m, NULL, size, moved, 0, 1, &exact);
    draw(&ctx, &m, &lod, size, moved, 0, 1, &simple);
    long holes = 0, holes_exact = 0, pixels = 0;
    double se = 0, depth_excess = 0;
    for (int y = 16; y < size - 16; y++)
        for (int x = 16; x < size - 16; x++) {
            size_t p = (size_t)y * size + x, z = (size_t)y * exact.zstride + x;
            holes += simple.inv_depth[z] == 0;
            holes_exact += exact.inv_depth[z] == 0;
            pixels++;
            /* pixels next to the bump's cells may see another part of
             * the fan; the flat part is drawn within the tolerance */
            depth_excess = fmax(depth_excess, fabs(exact.inv_depth[z] - simple.inv_depth[z]) - max_dw);
            for (int ch = 0; ch < 3; ch++) {
                double d = channel(exact.rgbx[p], ch) - channel(simple.rgbx[p], ch);
                se += d * d;
            }
        }
    CHECK_INT(holes_exact, 0);
    CHECK_INT(holes, 0);
    CHECK(depth_excess <= 1e-6);
    double psnr = 10 * log10(255.0 * 255.0 * 3 * pixels / (se + 1e-9));
    printf("simplified against exact at a moved camera: %.1f dB\n", psnr);
    CHECK(psnr > 50); /* texels interpolated as the cells are split */
    raster_canvas_free(&exact);
    raster_canvas_free(&simple);

    /* AVX-512 against portable, 1 and 3 threads */
    raster_canvas ref, fast, fast3;
    draw(&ctx, &m, &lod, size, moved, 1, 1, &ref);
    draw(&ctx, &m, &lod, size, moved, 0, 1, &fast);
    draw(&ctx, &m, &lod, size, moved, 0, 3, &fast3);
    long diff = 0;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            size_t p = (size_t)y * size + x, z = (size_t)y * ref.zstride + x;
            diff += ref.rgbx[p] != fast.rgbx[p] || ref.rgbx[p] != fast3.rgbx[p] ||
                    ref.inv_depth[z] != fast.inv_depth[z] || ref.inv_depth[z] != fast3.inv_depth[z];
        }
    CHECK_INT(diff, 0);
    raster_canvas_free(&ref);
    raster_canvas_free(&fast);
    raster_canvas_free(&fast3);
    raster_lod_free(&lod);

    /* no bound keeps every face, and so does a mesh off the grid */
    CHECK_INT(raster_lod_build(&ctx, &m, NULL, &lod), P3D_OK);
    CHECK_INT(lod.nfaces, m.nfaces);
    CHECK_INT(lod.nblocks, 0);
    raster_lod_free(&lod);
    for (long v = 0; v < m.nverts; v++)
        m.xyz[3 * v] += 0.0013f * m.xyz[3 * v + 2]; /* a third of a pixel off */
    CHECK_INT(raster_lod_build(&ctx, &m, &bound, &lod), P3D_OK);
    CHECK_INT(lod.nfaces, m.nfaces);
    CHECK_INT(lod.nblocks, 0);
    raster_lod_free(&lod);

    /* the allowed error: a point at inverse depth w + dw instead of w, seen
     * from any camera centre within the bound's shifts, lands at most
     * err_px from where w puts it, and the bound is not needlessly strict */
    raster_lod_bound video = frame_lod_bound(0.1, 960, 0.9, (double[3]){0.03, -0.02, -0.07});
    CHECK_NEAR(video.focal, 960 / (2 * tan(0.45)), 1e-9);
    CHECK(video.shift[1] == 0.02 && video.shift[2] == 0.07);
    double worst_px = 0;
    for (double a = -0.55; a <= 0.56; a += 0.11)
        for (double w = 0.3; w <= 3; w += 0.3) {
            double dw = raster_lod_allowed_dw(&video, fabs(a), 0, w, w * 1.01);
            for (int k = 0; k < 8; k++) { /* the corners of the box of camera centres */
                double cx = k & 1 ? 0.03 : -0.03, cz = k & 4 ? 0.07 : -0.07;
                double x0 = video.focal * (a - cx * w) / (1 - cz * w);
                double x1 = video.focal * (a - cx * (w + dw)) / (1 - cz * (w + dw));
                worst_px = fmax(worst_px, fabs(x1 - x0));
            }
        }
    printf("largest on-screen move at the allowed error: %.3f px (bound %.2f)\n", worst_px, video.err_px);
    CHECK(worst_px <= video.err_px);
    CHECK(worst_px >= video.err_px / 2);
    CHECK(raster_lod_allowed_dw(&video, 0, 0, 10, 10) == 0); /* 1 - c_z w < 1/2: too close */
    p3d_mesh_free(&m);
    return tl_finish();
}
