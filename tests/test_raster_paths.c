/* Rasterizer code paths (src/render/raster*.c): the AVX-512 triangle set-up
 * and stamp filling must draw exactly the pixels of the portable plain-C
 * path, for any thread count, on a mesh like the pipeline's (an image grid
 * of small triangles, two depth layers, faces in image order, each cell's
 * two triangles one after the other, which the AVX-512 path draws as one
 * stamp) with the awkward cases mixed in: faces behind the near plane, NaN
 * vertices, slivers, triangles larger than a stamp, pixel centres exactly
 * on a cell's diagonal (the front grid), cells folded over, consecutive
 * small triangles that are no cell (apart, overlapping nearer or farther)
 * and a face count that is no multiple of the batch or chunk sizes. Also
 * checks that the grid leaves no crack: every pixel inside the front
 * layer's outline is drawn. */
#include "render/raster.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID 97 /* vertices per side of each layer */

static uint32_t rng = 12345;
static float uniform(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / (float)(1u << 24);
}

/* Small triangles in front of the grid, in order, as pixel (u, v) from the
 * first camera and depth: consecutive ones fit a 4x4 stamp together. */
static const float small[][3] = {
    /* a cell folded over: the second triangle (its 4th corner inside the
     * first) overlaps the first, nearer */
    {100.2f, 100.1f, 1.5f}, {103.1f, 100.3f, 1.5f}, {100.4f, 103.2f, 1.5f},
    {103.1f, 100.3f, 1.5f}, {101.0f, 101.0f, 1.3f}, {100.4f, 103.2f, 1.5f},
    /* the same, the second farther */
    {100.2f, 110.1f, 1.5f}, {103.1f, 110.3f, 1.5f}, {100.4f, 113.2f, 1.5f},
    {103.1f, 110.3f, 1.5f}, {101.0f, 111.0f, 1.7f}, {100.4f, 113.2f, 1.5f},
    /* apart, no shared vertex */
    {110.2f, 100.2f, 1.5f}, {111.8f, 100.4f, 1.5f}, {110.5f, 101.9f, 1.5f},
    {112.1f, 102.2f, 1.6f}, {113.6f, 102.1f, 1.6f}, {112.3f, 103.7f, 1.6f},
    /* the same pixels, the second nearer, then the second at the same depth */
    {120.1f, 100.2f, 1.5f}, {123.4f, 100.6f, 1.5f}, {121.0f, 103.3f, 1.5f},
    {120.3f, 100.1f, 1.4f}, {123.2f, 100.9f, 1.4f}, {120.8f, 103.4f, 1.4f},
    {120.3f, 100.1f, 1.4f}, {123.2f, 100.9f, 1.4f}, {120.8f, 103.4f, 1.4f},
    /* a cell whose diagonal runs through pixel centres, at an angle */
    {130.5f, 100.5f, 1.5f}, {133.5f, 101.5f, 1.5f}, {129.5f, 103.5f, 1.5f},
    {132.5f, 104.5f, 1.5f}, {129.5f, 103.5f, 1.5f}, {133.5f, 101.5f, 1.5f},
};
#define NSMALL ((int)(sizeof small / sizeof small[0]))

typedef struct {
    p3d_mesh mesh;
    long nfaces_cap;
} grid_mesh;

/* Two layers of GRID x GRID vertices, two triangles per cell: in front a
 * flat grid at depth 2 whose edges pass exactly through pixel centres from
 * the first camera, behind a jittered one at depth ~3 covering the view. */
static void build(grid_mesh *g)
{
    p3d_mesh *m = &g->mesh;
    memset(m, 0, sizeof *m);
    long nv = 2L * GRID * GRID + 3 + NSMALL, nf = 2L * 2 * (GRID - 1) * (GRID - 1) + 7 + NSMALL / 3;
    m->xyz = malloc(sizeof(float) * 3 * nv);
    m->rgba = malloc(4 * nv);
    m->faces = malloc(sizeof(int32_t) * 3 * nf);
    m->width = m->height = 64;
    m->hfov = m->vfov = 1.0;
    for (int layer = 0; layer < 2; layer++)
        for (int i = 0; i < GRID; i++)
            for (int j = 0; j < GRID; j++) {
                long v = m->nverts++;
                if (layer == 0) {
                    /* exact: with a 90 degree fov on 192 pixels a vertex
                     * projects to 96 + 1.5 (j - 48), so edges run through
                     * pixel centres */
                    m->xyz[3 * v] = (j - 48) / 32.0f;
                    m->xyz[3 * v + 1] = (i - 48) / 32.0f;
                    m->xyz[3 * v + 2] = 2.0f;
                } else {
                    float z = 3.0f + 0.2f * uniform();
                    m->xyz[3 * v] = 1.6f * (-1 + 2.0f * j / (GRID - 1)) * z + 0.01f * uniform();
                    m->xyz[3 * v + 1] = 1.6f * (-1 + 2.0f * i / (GRID - 1)) * z + 0.01f * uniform();
                    m->xyz[3 * v + 2] = z;
                }
                for (int ch = 0; ch < 3; ch++)
                    m->rgba[4 * v + ch] = (uint8_t)(255 * uniform());
                m->rgba[4 * v + 3] = 1;
            }
    for (int layer = 0; layer < 2; layer++)
        for (int i = 0; i + 1 < GRID; i++)
            for (int j = 0; j + 1 < GRID; j++) {
                int32_t a = layer * GRID * GRID + i * GRID + j, b = a + 1, c = a + GRID, d = c + 1;
                int32_t *f = m->faces + 3 * m->nfaces;
                f[0] = a, f[1] = b, f[2] = c, f[3] = b, f[4] = d, f[5] = c;
                m->nfaces += 2;
            }
    /* extra vertices: one behind the camera, one NaN, one far off to the side */
    long e = m->nverts;
    float extra[3][3] = {{0.1f, 0.1f, -1.0f}, {NAN, 0.0f, 2.0f}, {5.0f, -4.0f, 2.5f}};
    for (int k = 0; k < 3; k++) {
        memcpy(m->xyz + 3 * (e + k), extra[k], sizeof extra[k]);
        memset(m->rgba + 4 * (e + k), 200, 4);
    }
    m->nverts += 3;
    long s = m->nverts; /* small triangles in front, three vertices each */
    for (int k = 0; k < NSMALL; k++) {
        /* pixel (u, v) from the first camera at depth z */
        float u = small[k][0], v = small[k][1], z = small[k][2];
        float p[3] = {(u - 96) * z / 96, (v - 96) * z / 96, z};
        memcpy(m->xyz + 3 * (s + k), p, sizeof p);
        for (int ch = 0; ch < 3; ch++)
            m->rgba[4 * (s + k) + ch] = (uint8_t)(255 * uniform());
        m->rgba[4 * (s + k) + 3] = 1;
    }
    m->nverts += NSMALL;
    for (int k = 0; k < NSMALL / 3; k++) {
        int32_t *f = m->faces + 3 * m->nfaces++;
        f[0] = (int32_t)s + 3 * k, f[1] = (int32_t)s + 3 * k + 1, f[2] = (int32_t)s + 3 * k + 2;
    }
    int32_t odd[7][3] = {
        {0, 1, (int32_t)e},                  /* behind the near plane */
        {5, 6, (int32_t)e + 1},              /* NaN */
        {10, GRID * 40, (int32_t)e + 2},     /* huge, across the view */
        {GRID * GRID, GRID * GRID + 5, GRID * GRID + 10}, /* sliver: collinear */
        {300, 300, 301},                     /* degenerate */
        {GRID * 50 + 3, GRID * 20 + 60, GRID * 90 + 30}, /* large, in front */
        {7, 7, 7}};
    memcpy(m->faces + 3 * m->nfaces, odd, sizeof odd);
    m->nfaces += 7;
}

static void draw(p3d_ctx *ctx, const p3d_mesh *m, int portable, int threads, const double c[3],
                 raster_canvas *cv)
{
    CHECK_INT(raster_canvas_alloc(ctx, cv, 192), P3D_OK);
    cv->portable = portable;
    ctx->threads = threads;
    raster_rect view = {5, 3, 190, 187};
    CHECK_INT(raster_draw(ctx, m, c, P3D_PI / 2, &view, cv), P3D_OK);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    grid_mesh g;
    build(&g);
    const double centers[2][3] = {{0, 0, 0}, {0.05, -0.03, 0.4}};
    for (int k = 0; k < 2; k++) {
        raster_canvas ref, fast, fast3;
        draw(&ctx, &g.mesh, 1, 1, centers[k], &ref);
        draw(&ctx, &g.mesh, 0, 1, centers[k], &fast);
        draw(&ctx, &g.mesh, 0, 3, centers[k], &fast3);
        long colour_diff = 0, depth_diff = 0, drawn = 0;
        for (int y = 3; y < 187; y++)
            for (int x = 5; x < 190; x++) {
                size_t c = (size_t)y * 192 + x, z = (size_t)y * ref.zstride + x;
                colour_diff += ref.rgbx[c] != fast.rgbx[c] || ref.rgbx[c] != fast3.rgbx[c];
                depth_diff += ref.inv_depth[z] != fast.inv_depth[z] || ref.inv_depth[z] != fast3.inv_depth[z];
                drawn += ref.inv_depth[z] > 0;
            }
        CHECK_INT(colour_diff, 0);
        CHECK_INT(depth_diff, 0);
        /* the back layer covers the whole view from both centres, so a
         * crack (or a hole) would leave a pixel at 0 */
        CHECK_INT(drawn, 185L * 184);
        /* the front layer (depth 2) is in front at the centre */
        CHECK_NEAR(ref.inv_depth[(size_t)96 * ref.zstride + 96], 1 / (2 - centers[k][2]), 1e-6);
        raster_canvas_free(&ref);
        raster_canvas_free(&fast);
        raster_canvas_free(&fast3);
    }
    p3d_mesh_free(&g.mesh);
    return tl_finish();
}
