/* Mesh from the LDI (src/mesh/mesh_build.c; ALGORITHM.md 2.6, 8): camera,
 * vertex order and provenance, faces only between linked neighbours; the
 * half-pixel rim along the silhouettes (mesh_silhouette.c). */
#include "ldi/ldi_build.h"
#include "ldi_fixtures.h"
#include "mesh/mesh_build.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>

static void test_flat(p3d_ctx *ctx)
{
    /* 4x3 at depth 2, photo decoded at 4x3. K: longer side 4, fx = 4/4 * 4 =
     * 4, cx = (4/2)/4 * 4 = 2, fy = 4/3 * 3 = 4, cy = (3/2 = 1)/3 * 3 = 1.
     * Pixel (0,0): X = 2 * (0.5 - 2) / 4 = -0.75, Y = 2 * (0.5 - 1) / 4 =
     * -0.25, Z = 2. 6 cells, all linked: 12 triangles (the reference: 24). */
    p3d_image img;
    p3d_map dep;
    fixture_scene(&img, &dep, 4, 3, 2.0f, 2.0f, 0, 0, 0, 0);
    ldi l;
    p3d_mesh m;
    CHECK_INT(ldi_create(ctx, &l, &img, &dep, 0), P3D_OK);
    CHECK_INT(p3d_mesh_from_ldi(ctx, &l, 4, 3, &m), P3D_OK);
    CHECK_INT(m.nverts, 12);
    CHECK_INT(m.nfaces, 12);
    CHECK_INT(mesh_reference_face_count(&l), 24); /* 4 per cell in the reference */
    CHECK_NEAR(m.xyz[0], -0.75, 1e-6);
    CHECK_NEAR(m.xyz[1], -0.25, 1e-6);
    CHECK_NEAR(m.xyz[2], 2.0, 1e-6);
    CHECK_NEAR(m.xyz[3 * 11], 2 * (3.5 - 2) / 4.0, 1e-6); /* last pixel, x = 3 */
    CHECK_NEAR(m.hfov, 2 * atan(0.5), 1e-9);
    CHECK_NEAR(m.vfov, 2 * atan(1 / (2 * 4 / 3.0)), 1e-6);
    CHECK_INT(m.rgba[4 * 5 + 0], 1); /* colour = position: vertex 5 is (1,1) */
    CHECK_INT(m.rgba[4 * 5 + 3], P3D_VERTEX_ORIGINAL);
    /* The camera comes from the photo's decoded size: a 2100x2100 photo
     * worked at 960: fx = 960, cx = (1050/2100) * 960 = 480. An odd photo
     * width 5: cx = (2/5) * W. */
    p3d_camera cam;
    p3d_reference_camera(2100, 2100, 960, 960, &cam);
    CHECK_NEAR(cam.fx, 960, 1e-3);
    CHECK_NEAR(cam.cx, 480, 1e-3);
    p3d_reference_camera(5, 3, 10, 6, &cam);
    CHECK_NEAR(cam.cx, 0.4 * 10, 1e-5);
    CHECK_NEAR(cam.fy, 5 / 3.0 * 6, 1e-5);
    p3d_mesh_free(&m);

    /* One link removed (top-left cell's left side): that cell keeps one
     * triangle, the L at its top-right corner. */
    ldi_unlink(&l, fixture_front(&l, 0, 0), LDI_DOWN);
    CHECK_INT(p3d_mesh_from_ldi(ctx, &l, 4, 3, &m), P3D_OK);
    CHECK_INT(m.nfaces, 11);
    /* A layer behind pixel (1,1): its vertex follows the front one. */
    uint8_t c[3] = {9, 9, 9};
    long back = ldi_add_node(ctx, &l, 1 * l.cw + 1, 5.0f, c, LDI_SYNTH | LDI_EDGE_OCCLUSION, 1);
    CHECK(back >= 0);
    p3d_mesh_free(&m);
    CHECK_INT(p3d_mesh_from_ldi(ctx, &l, 4, 3, &m), P3D_OK);
    CHECK_INT(m.nverts, 13);
    CHECK_NEAR(m.xyz[3 * 6 + 2], 5.0, 1e-6);
    CHECK_INT(m.rgba[4 * 6 + 3], P3D_VERTEX_SYNTH_EDGE);
    p3d_mesh_free(&m);
    ldi_free(&l);
    free(img.data), free(dep.data);
}

/* A 4x4 scene at depth 5 with the block [x0, x1) x [y0, y1) at depth 1,
 * its LDI torn at the depth jumps and its mesh. */
typedef struct torn_scene {
    p3d_image img;
    p3d_map dep;
    ldi l;
    p3d_mesh m;
} torn_scene;

static void torn_scene_make(p3d_ctx *ctx, torn_scene *s, int x0, int y0, int x1, int y1, long tears)
{
    fixture_scene(&s->img, &s->dep, 4, 4, 5.0f, 1.0f, x0, y0, x1, y1);
    CHECK_INT(ldi_create(ctx, &s->l, &s->img, &s->dep, 1), P3D_OK);
    CHECK_INT(ldi_tear_links(&s->l, 0.04), tears);
    CHECK_INT(p3d_mesh_from_ldi(ctx, &s->l, 4, 4, &s->m), P3D_OK);
}

static void torn_scene_free(torn_scene *s)
{
    p3d_mesh_free(&s->m);
    ldi_free(&s->l);
    free(s->img.data), free(s->dep.data);
}

static void test_torn(p3d_ctx *ctx)
{
    /* 4x4, columns 0-1 at depth 1, columns 2-3 at depth 5: the column of
     * cells between them has only vertical links, no L, no face; the others
     * are full: 2 x 3 cells x 2 = 12 faces, none across the tear. */
    torn_scene s;
    torn_scene_make(ctx, &s, 0, 0, 2, 4, 4);
    p3d_mesh m = s.m;
    CHECK_INT(m.nverts, 16);
    CHECK_INT(m.nfaces, 12);
    long across = 0, invalid = 0;
    for (long f = 0; f < m.nfaces; f++) {
        float z0 = m.xyz[3 * m.faces[3 * f] + 2];
        for (int k = 0; k < 3; k++) {
            invalid += m.faces[3 * f + k] < 0 || m.faces[3 * f + k] >= m.nverts;
            across += m.xyz[3 * m.faces[3 * f + k] + 2] != z0;
        }
    }
    CHECK_INT(invalid, 0);
    CHECK_INT(across, 0);
    /* pad 1: pixel (0,0) is canvas (1,1); X = 1 * (0.5 - 2) / 4 */
    CHECK_NEAR(m.xyz[0], -0.375, 1e-6);
    /* The rim: a copy of each silhouette vertex (column 1, in front of
     * column 2) half a pixel out, X = 1 * (1.5 + 0.5 - 2) / 4 = 0, at its
     * depth and colour, and 2 triangles per pair of rows; the original
     * vertices (column 1 at X = 1 * (1.5 - 2) / 4) stay, and nothing
     * reaches the background's pixel centres (X = 5 * (2.5 - 2) / 4). */
    CHECK_INT(mesh_extend_silhouettes(ctx, &s.l, 4, 4, 0.5f, &s.m), 4);
    m = s.m;
    CHECK_INT(m.nverts, 20);
    CHECK_INT(m.nfaces, 18);
    float maxx = -1;
    for (int y = 0; y < 4; y++) {
        CHECK_NEAR(m.xyz[3 * (16 + y)], 0.0, 1e-6);
        CHECK_NEAR(m.xyz[3 * (16 + y) + 1], (y + 0.5 - 2) / 4, 1e-6);
        CHECK_NEAR(m.xyz[3 * (16 + y) + 2], 1.0, 1e-6);
        CHECK_INT(m.rgba[4 * (16 + y)], m.rgba[4 * (4 * y + 1)]);
        CHECK_NEAR(m.xyz[3 * (4 * y + 1)], -0.125, 1e-6);
    }
    for (long f = 12; f < m.nfaces; f++)
        for (int k = 0; k < 3; k++) {
            const float *p = m.xyz + 3 * m.faces[3 * f + k];
            CHECK_NEAR(p[2], 1.0, 1e-6);
            maxx = p[0] > maxx ? p[0] : maxx;
        }
    CHECK_NEAR(maxx, 0.0, 1e-6);
    torn_scene_free(&s);
}

static void test_rim_corners(p3d_ctx *ctx)
{
    /* A 2x2 block at depth 1 in the middle of a 4x4 background at depth 5:
     * every block node is a corner, torn two ways. Rim: 2 copies and 1
     * corner copy per node (12 vertices), a strip along each of the 4
     * block links (8 triangles) and a square per corner (8). The top-left
     * node (1,1)'s corner copy sits at the pixel corner (1, 1): X = Y =
     * 1 * (1 - 2) / 4. */
    torn_scene s;
    torn_scene_make(ctx, &s, 1, 1, 3, 3, 8);
    long nv = s.m.nverts, nf = s.m.nfaces;
    CHECK_INT(mesh_extend_silhouettes(ctx, &s.l, 4, 4, 0.5f, &s.m), 12);
    p3d_mesh m = s.m;
    CHECK_INT(m.nverts, nv + 12);
    CHECK_INT(m.nfaces, nf + 16);
    int corner_found = 0;
    for (long v = nv; v < m.nverts; v++) {
        CHECK_NEAR(m.xyz[3 * v + 2], 1.0, 1e-6);
        corner_found += fabs(m.xyz[3 * v] + 0.25) < 1e-6 && fabs(m.xyz[3 * v + 1] + 0.25) < 1e-6;
    }
    CHECK_INT(corner_found, 1);
    torn_scene_free(&s);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    test_flat(&ctx);
    test_torn(&ctx);
    test_rim_corners(&ctx);
    return tl_finish();
}
