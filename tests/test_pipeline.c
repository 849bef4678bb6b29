/* The whole pipeline in memory (p3d_photo3d_build) with the nearest-context
 * test backend: mesh invariants on a crafted scene, and defined results for
 * bad inputs (flat depth, all-edge noise, tiny images, NaN holes). */
#include "nearest_backend.h"
#include "ldi_fixtures.h"
#include "photo3d/pipeline.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>

static p3d_pipeline_options small_options(int band)
{
    p3d_pipeline_options o;
    p3d_pipeline_defaults(&o);
    o.extrapolate_border = band;
    o.extrapolation_thickness = band ? 6 : 0;
    o.background_thickness = o.background_thickness_2 = o.context_thickness_2 = 8;
    o.context_thickness = 16;
    o.min_component = 20;
    return o;
}

/* Invariants of any mesh from a w x h photo: valid faces; one front vertex
 * per image pixel, original, at the pixel's position; synthesised vertices
 * behind the front vertex of their pixel. Vertices come in raster order of
 * the canvas, front first, so the front vertex of a pixel is the first one
 * with its (X/Z, Y/Z). */
static void check_mesh(const p3d_mesh *m, int w, int h, const char *what)
{
    long invalid = 0, fronts = 0, synth = 0, synth_behind = 0;
    for (long f = 0; f < 3 * m->nfaces; f++)
        invalid += m->faces[f] < 0 || m->faces[f] >= m->nverts;
    double fx = (w > h ? w : h), cx = (double)(w / 2) / w * w, cy = (double)(h / 2) / h * h;
    float front_z = 0;
    int last_u = -99999, last_v = -99999;
    for (long v = 0; v < m->nverts; v++) {
        const float *p = m->xyz + 3 * v;
        int u = (int)floor(p[0] / p[2] * fx + cx), row = (int)floor(p[1] / p[2] * fx + cy);
        int first = u != last_u || row != last_v;
        last_u = u, last_v = row;
        if (first) {
            front_z = p[2];
            if (u >= 0 && row >= 0 && u < w && row < h)
                fronts += m->rgba[4 * v + 3] == P3D_VERTEX_ORIGINAL;
        } else if (m->rgba[4 * v + 3] == P3D_VERTEX_SYNTH || m->rgba[4 * v + 3] == P3D_VERTEX_SYNTH_EDGE) {
            synth++;
            synth_behind += p[2] > front_z;
        }
    }
    fprintf(stderr, "%s: %ld vertices, %ld faces, %ld synthesised\n", what, m->nverts, m->nfaces, synth);
    CHECK_INT(invalid, 0);
    CHECK_INT(fronts, (long)w * h);
    CHECK_INT(synth_behind, synth);
}

static int build(p3d_ctx *ctx, p3d_image *img, p3d_map *dep, const p3d_pipeline_options *o,
                 p3d_mesh *m, p3d_pipeline_debug *dbg)
{
    p3d_ctx_init(ctx);
    return p3d_photo3d_build(ctx, img, dep, img->width, img->height, o, &nearest_backend, m, dbg);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_image img;
    p3d_map dep;
    p3d_mesh m;
    p3d_pipeline_debug dbg = {0};

    /* A square in front of a wall, with and without the band. */
    for (int band = 0; band <= 1; band++) {
        p3d_pipeline_options o = small_options(band);
        o.sparse_iter = 1; /* unfiltered: the filter rounds the square's corners */
        fixture_scene(&img, &dep, 48, 40, 4.0f, 1.0f, 16, 12, 32, 28);
        CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
        check_mesh(&m, 48, 40, band ? "square, band" : "square");
        CHECK(dbg.regions[0] >= 1);
        CHECK_INT(dbg.edges_fg, 1);
        /* the square hides 16x16 pixels; the synthesis region covers them up
         * to 8 rings from the outline (all: the square is 16 wide) */
        CHECK_INT(m.nverts, band ? 60 * 52 + 16 * 16 : 48 * 40 + 16 * 16);
        long border = 0, band_depth_ok = 0;
        for (long v = 0; v < m.nverts; v++)
            if (m.rgba[4 * v + 3] == P3D_VERTEX_BORDER) {
                border++;
                band_depth_ok += fabsf(m.xyz[3 * v + 2] - 4.0f) < 1e-5f; /* the wall, extrapolated */
            }
        CHECK_INT(border, band ? 60 * 52 - 48 * 40 : 0);
        CHECK_INT(band_depth_ok, border);
        p3d_mesh_free(&m);
        free(img.data), free(dep.data);
    }

    /* Overlapping synthesis regions: a bar (columns 20-29, depth 1) over
     * the whole height, between a wall at depth 3 (left) and one at 6
     * (right). Its two outlines are two edges whose regions (the outline
     * and 8 rings) both reach across the bar; a pixel gets a node only from
     * the edges within 8 / 3 = 2 rings of the nearest one's ring: the left
     * fill (depth 3) in columns 20-25, the right one (depth 6) in 24-29. */
    {
        p3d_pipeline_options o = small_options(0);
        o.sparse_iter = 1;
        fixture_scene(&img, &dep, 48, 40, 3.0f, 1.0f, 20, 0, 30, 40);
        for (int y = 0; y < 40; y++)
            for (int x = 30; x < 48; x++)
                dep.data[y * 48 + x] = 6.0f;
        CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
        check_mesh(&m, 48, 40, "bar between two walls");
        CHECK_INT(dbg.edges_fg, 2);
        int left[48] = {0}, right[48] = {0}, other = 0;
        for (long v = 0; v < m.nverts; v++) {
            const float *q = m.xyz + 3 * v;
            int u = (int)floor(q[0] / q[2] * 48 + 24), row = (int)floor(q[1] / q[2] * 48 + 20);
            if (m.rgba[4 * v + 3] != P3D_VERTEX_SYNTH || row < 8 || row >= 32 || u < 0 || u >= 48)
                continue;
            if (fabsf(q[2] - 3.0f) < 1e-4f)
                left[u]++;
            else if (fabsf(q[2] - 6.0f) < 1e-4f)
                right[u]++;
            else
                other++;
        }
        for (int x = 0; x < 48; x++) {
            CHECK_INT(left[x], x >= 20 && x <= 25 ? 24 : 0);
            CHECK_INT(right[x], x >= 24 && x <= 29 ? 24 : 0);
        }
        CHECK_INT(other, 0);
        p3d_mesh_free(&m);
        free(img.data), free(dep.data);
    }

    /* The square in front of a step in the background (depth 3 left of
     * column 24, 6 right of it): the nearest-context fill behind the square
     * jumps at the step, the new layer tears there (16 rows, more than
     * redundant_number), and iteration 1 inpaints behind that tear. */
    {
        p3d_pipeline_options o = small_options(0);
        o.sparse_iter = 1;
        fixture_scene(&img, &dep, 48, 40, 3.0f, 1.0f, 16, 12, 32, 28);
        for (int y = 0; y < 40; y++)
            for (int x = 24; x < 48; x++)
                if (dep.data[y * 48 + x] == 3.0f)
                    dep.data[y * 48 + x] = 6.0f;
        CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
        check_mesh(&m, 48, 40, "square over a step");
        CHECK(dbg.tears >= 16);
        CHECK(dbg.regions[1] >= 1);
        CHECK(dbg.synthesized[1] > 0);
        p3d_mesh_free(&m);
        free(img.data), free(dep.data);
    }

    /* Flat depth: one layer, fully linked: 2 triangles per cell. */
    p3d_pipeline_options o = small_options(0);
    fixture_scene(&img, &dep, 20, 10, 3.0f, 3.0f, 0, 0, 0, 0);
    CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
    CHECK_INT(m.nverts, 200);
    CHECK_INT(m.nfaces, 2 * 19 * 9);
    CHECK_INT(dbg.edges_fg + dbg.edges_bg, 0);
    p3d_mesh_free(&m);

    /* NaN holes take the farthest depth; the result is a valid mesh. */
    dep.data[5 * 20 + 5] = NAN;
    dep.data[5 * 20 + 6] = INFINITY;
    dep.data[0] = -1;
    CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
    check_mesh(&m, 20, 10, "nan holes");
    for (long v = 0; v < 3 * m.nverts; v++)
        CHECK(isfinite(m.xyz[v]));
    p3d_mesh_free(&m);
    free(img.data), free(dep.data);

    /* Noise: every pixel a discontinuity. */
    o = small_options(1);
    fixture_scene(&img, &dep, 32, 24, 1.0f, 1.0f, 0, 0, 0, 0);
    srand(7);
    for (int i = 0; i < 32 * 24; i++)
        dep.data[i] = 0.5f + 19.5f * (float)((double)rand() / RAND_MAX);
    CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
    check_mesh(&m, 32, 24, "noise");
    p3d_mesh_free(&m);
    free(img.data), free(dep.data);

    /* Tiny images, with the band. */
    int sizes[3][2] = {{1, 1}, {3, 5}, {5, 3}};
    for (int k = 0; k < 3; k++) {
        fixture_scene(&img, &dep, sizes[k][0], sizes[k][1], 2.0f, 1.0f, 0, 0, 1, 1);
        CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_OK);
        check_mesh(&m, sizes[k][0], sizes[k][1], "tiny");
        p3d_mesh_free(&m);
        free(img.data), free(dep.data);
    }

    /* The canvas (image and band) is checked against the pixel limit. */
    fixture_scene(&img, &dep, 8, 8, 2.0f, 2.0f, 0, 0, 0, 0);
    p3d_ctx_init(&ctx);
    ctx.max_pixels = 8 * 8 + 10;
    CHECK_INT(p3d_photo3d_build(&ctx, &img, &dep, 8, 8, &o, &nearest_backend, &m, NULL), P3D_E_LIMIT);
    free(img.data), free(dep.data);

    /* Mismatched sizes are a usage error. */
    fixture_scene(&img, &dep, 8, 8, 2.0f, 2.0f, 0, 0, 0, 0);
    dep.width = 4, dep.height = 16;
    CHECK_INT(build(&ctx, &img, &dep, &o, &m, &dbg), P3D_E_USAGE);
    free(img.data), free(dep.data);
    p3d_pipeline_debug_free(&dbg);
    return tl_finish();
}
