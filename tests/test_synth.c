/* The synthetic scene (src/synth): camera model, determinism, exact depths
 * against independent closed-form intersections, reprojection between views,
 * disocclusions (depth-map estimate and exact mask), pose checks and the written files. Renders at 320x240
 * (f = 320, cx = 160, cy = 120) to stay fast. */
#include "photo3d/io.h"
#include "photo3d/synth.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define W 320
#define H 240

static p3d_ctx ctx;

static float depth_at(const p3d_map *m, int i, int j)
{
    return m->data[(size_t)i * m->width + j];
}

/* Pixel-centre ray direction (z = 1) of pixel (row i, col j). */
static void pixel_ray(const p3d_camera *c, int i, int j, double d[3])
{
    d[0] = (j + 0.5 - c->cx) / c->fx;
    d[1] = (i + 0.5 - c->cy) / c->fy;
    d[2] = 1;
}

/* The pixel containing the projection of point p (camera at the origin). */
static void project(const p3d_camera *c, const double p[3], int *i, int *j)
{
    *j = (int)floor(c->cx + c->fx * p[0] / p[2]);
    *i = (int)floor(c->cy + c->fy * p[1] / p[2]);
}

static const p3d_synth_object *find(const p3d_synth_scene *s, const char *name)
{
    for (int k = 0; k < s->nobjects; k++)
        if (strcmp(s->objects[k].name, name) == 0)
            return &s->objects[k];
    return NULL;
}

/* Ray t d (from the origin) against a box turned by yaw about Y: nearest t, or -1. */
static double box_hit(const p3d_synth_object *b, const double d[3])
{
    double a = b->yaw_deg * 3.14159265358979323846 / 180, ca = cos(a), sa = sin(a);
    double o[3] = {-b->centre[0], -b->centre[1], -b->centre[2]};
    /* World -> box frame: x' = cos x - sin z, z' = sin x + cos z. */
    double ol[3] = {ca * o[0] - sa * o[2], o[1], sa * o[0] + ca * o[2]};
    double dl[3] = {ca * d[0] - sa * d[2], d[1], sa * d[0] + ca * d[2]};
    double tnear = -1e30, tfar = 1e30;
    for (int k = 0; k < 3; k++) {
        double t1 = (-b->size[k] / 2 - ol[k]) / dl[k], t2 = (b->size[k] / 2 - ol[k]) / dl[k];
        tnear = fmax(tnear, fmin(t1, t2));
        tfar = fmin(tfar, fmax(t1, t2));
    }
    return tnear <= tfar && tnear > 0 ? tnear : -1;
}

static void test_camera(void)
{
    p3d_camera c;
    p3d_synth_camera(640, 480, &c);
    CHECK_NEAR(c.fx, 640, 0);
    CHECK_NEAR(c.fy, 640, 0);
    CHECK_NEAR(c.cx, 320, 0);
    CHECK_NEAR(c.cy, 240, 0);
    /* Odd and portrait sizes: f = the longer side, integer halves. */
    p3d_synth_camera(301, 455, &c);
    CHECK_NEAR(c.fx, 455, 0);
    CHECK_NEAR(c.cx, 150, 0);
    CHECK_NEAR(c.cy, 227, 0);
}

static void test_determinism(const p3d_synth_scene *s)
{
    static const double origin[3] = {0, 0, 0};
    p3d_image a, b, c;
    p3d_map da, db, dc;
    ctx.threads = 2;
    CHECK_INT(p3d_synth_render(&ctx, s, origin, &a, &da), P3D_OK);
    ctx.threads = 1;
    CHECK_INT(p3d_synth_render(&ctx, s, origin, &b, &db), P3D_OK);
    CHECK(memcmp(a.data, b.data, (size_t)W * H * 3) == 0);
    CHECK(memcmp(da.data, db.data, sizeof(float) * W * H) == 0);
    p3d_synth_scene other;
    CHECK_INT(p3d_synth_scene_make(&ctx, W, H, 2, &other), P3D_OK);
    CHECK_INT(p3d_synth_render(&ctx, &other, origin, &c, &dc), P3D_OK);
    long differ = 0;
    for (size_t k = 0; k < (size_t)W * H * 3; k++)
        differ += a.data[k] != c.data[k];
    CHECK(differ > W * H); /* another seed changes colours and textures nearly everywhere */
    p3d_image_free(&a), p3d_image_free(&b), p3d_image_free(&c);
    p3d_map_free(&da), p3d_map_free(&db), p3d_map_free(&dc);
}

/* Depths at chosen pixels against closed-form intersections computed here. */
static void test_exact_depths(const p3d_synth_scene *s, const p3d_map *depth)
{
    const p3d_camera *cam = &s->camera;
    const double wall_z = s->objects[0].centre[2], floor_y = s->objects[1].centre[1];
    CHECK_NEAR(wall_z, 8, 0);
    /* The top corners see the wall: Z = wall distance. */
    CHECK_NEAR(depth_at(depth, 0, 0), wall_z, 1e-4);
    CHECK_NEAR(depth_at(depth, 0, W - 1), wall_z, 1e-4);
    /* Bottom row, middle: the floor, Z = floor_y / ray slope = 1.1 / ((239.5 - 120) / 320) = 2.94561. */
    CHECK_NEAR(depth_at(depth, H - 1, W / 2), floor_y * cam->fy / (H - 1 + 0.5 - cam->cy), 1e-4);
    CHECK_NEAR(depth_at(depth, H - 1, W / 2), 2.945607, 1e-5);

    /* Ball: the pixel under its centre; |t d - c| = r, nearer root. */
    const p3d_synth_object *ball = find(s, "ball");
    CHECK(ball != NULL);
    int i, j;
    double d[3];
    project(cam, ball->centre, &i, &j);
    pixel_ray(cam, i, j, d);
    const double *c = ball->centre;
    double dd = d[0] * d[0] + d[1] * d[1] + 1, dc = d[0] * c[0] + d[1] * c[1] + c[2];
    double cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2], r = ball->size[0];
    double t = (dc - sqrt(dc * dc - dd * (cc - r * r))) / dd;
    CHECK_NEAR(depth_at(depth, i, j), t, 1e-4);
    CHECK(t < c[2] - 0.9 * r); /* the near side, about one radius in front of the centre */

    /* Pedestal: the pixel under its centre hits the round side: (t dx - cx)^2 + (t - cz)^2 = r^2. */
    const p3d_synth_object *ped = find(s, "pedestal");
    CHECK(ped != NULL);
    project(cam, ped->centre, &i, &j);
    pixel_ray(cam, i, j, d);
    c = ped->centre;
    r = ped->size[0];
    double a = d[0] * d[0] + 1, b = d[0] * c[0] + c[2], q = c[0] * c[0] + c[2] * c[2] - r * r;
    t = (b - sqrt(b * b - a * q)) / a;
    CHECK_NEAR(depth_at(depth, i, j), t, 1e-4);

    /* Crate: along the row through its centre, the first pixels off the wall from the left
     * edge are the crate (the ball stands to its right); slab test in the box's frame. */
    const p3d_synth_object *crate = find(s, "crate");
    CHECK(crate != NULL);
    project(cam, crate->centre, &i, &j);
    for (j = 0; j < W && depth_at(depth, i, j) > wall_z - 0.5; j++)
        ;
    j += 2;
    pixel_ray(cam, i, j, d);
    CHECK_NEAR(depth_at(depth, i, j), box_hit(crate, d), 1e-4);
    CHECK(depth_at(depth, i, j) < crate->centre[2]);

    /* Depths stay inside the room: between the nearest object and the wall. */
    float lo = INFINITY, hi = 0;
    for (size_t k = 0; k < (size_t)W * H; k++) {
        lo = fminf(lo, depth->data[k]);
        hi = fmaxf(hi, depth->data[k]);
    }
    CHECK(lo > 1.5 && lo < 2.6);
    CHECK_NEAR(hi, wall_z, 1e-4);
}

/* The pixel and its 8 neighbours see the wall (Z = 8). */
static int amid_wall(const p3d_map *m, int i, int j)
{
    for (int di = -1; di <= 1; di++)
        for (int dj = -1; dj <= 1; dj++)
            if (depth_at(m, i + di, j + dj) != 8.0f)
                return 0;
    return 1;
}

/* A camera moved by tx along X: a wall pixel (Z = 8) moves by -f tx / Z = -320 * 0.25 / 8 = -10
 * columns, exactly, so colour and depth must match where the wall is visible in both. A pure Z
 * move shortens every wall depth by tz. */
static void test_reprojection(const p3d_synth_scene *s, const p3d_image *src, const p3d_map *sd)
{
    const double pose[3] = {0.25, 0, 0};
    p3d_image dst;
    p3d_map dd;
    CHECK_INT(p3d_synth_render(&ctx, s, pose, &dst, &dd), P3D_OK);
    long compared = 0, colour_bad = 0, depth_bad = 0;
    for (int i = 1; i < H - 1; i++)
        for (int j = 11; j < W - 1; j++) {
            /* Only pixels amid wall in both views: silhouette pixels mix in other surfaces. */
            if (!amid_wall(sd, i, j) || !amid_wall(&dd, i, j - 10))
                continue;
            compared++;
            const uint8_t *p = src->data + ((size_t)i * W + j) * 3, *q = dst.data + ((size_t)i * W + j - 10) * 3;
            for (int k = 0; k < 3; k++)
                colour_bad += abs(p[k] - q[k]) > 1;
        }
    for (int i = 0; i < H; i++)
        for (int j = 10; j < W; j++)
            if (depth_at(sd, i, j) == 8.0f && depth_at(&dd, i, j - 10) != 8.0f)
                depth_bad += depth_at(&dd, i, j - 10) > 8.0f; /* something nearer may cover it, never farther */
    CHECK(compared > W * H / 4);
    CHECK_INT(colour_bad, 0);
    CHECK_INT(depth_bad, 0);

    /* Disocclusions: target pixels whose surface point, projected back into the source
     * (column + f tx / Z, same row), lies behind what the source sees there. */
    long hidden = 0;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++) {
            double z = depth_at(&dd, i, j);
            int js = (int)floor(j + 0.5 + s->camera.fx * pose[0] / z);
            if (js >= 0 && js < W && depth_at(sd, i, js) < z * 0.97)
                hidden++;
        }
    CHECK(hidden > 1000);

    /* The exact mask agrees with that depth-map estimate but for a few silhouette pixels; the
     * columns whose wall point lies beyond the source's right edge (j + 10 >= 320) are outside. */
    p3d_image mask;
    CHECK_INT(p3d_synth_visibility(&ctx, s, pose, &mask), P3D_OK);
    long masked = 0, disagree = 0, outside = 0, wrong = 0;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++) {
            uint8_t m = mask.data[(size_t)i * W + j];
            double z = depth_at(&dd, i, j);
            int js = (int)floor(j + 0.5 + s->camera.fx * pose[0] / z);
            int estimate = js >= 0 && js < W && depth_at(sd, i, js) < z * 0.97;
            masked += m == P3D_SYNTH_HIDDEN_IN_SOURCE;
            disagree += estimate != (m == P3D_SYNTH_HIDDEN_IN_SOURCE);
            outside += m == P3D_SYNTH_OUTSIDE_SOURCE;
            if (j >= W - 10 && z == 8.0f)
                wrong += m != P3D_SYNTH_OUTSIDE_SOURCE;
            if (j < W - 11 && i > 0 && i < H - 1 && j > 0 && amid_wall(&dd, i, j) && amid_wall(sd, i, j + 10))
                wrong += m != P3D_SYNTH_SEEN_IN_SOURCE;
        }
    CHECK_INT(wrong, 0);
    CHECK(disagree < masked / 20);
    CHECK(outside >= 10 * 100);
    fprintf(stderr, "reprojection: %ld wall pixels compared, %ld disoccluded pixels (depth test), %ld (exact), "
                    "%ld disagree, %ld outside\n", compared, hidden, masked, disagree, outside);
    p3d_image_free(&mask);
    p3d_image_free(&dst);
    p3d_map_free(&dd);

    /* From the source camera itself every pixel is seen. */
    const double origin[3] = {0, 0, 0};
    CHECK_INT(p3d_synth_visibility(&ctx, s, origin, &mask), P3D_OK);
    long not_seen = 0;
    for (size_t k = 0; k < (size_t)W * H; k++)
        not_seen += mask.data[k] != P3D_SYNTH_SEEN_IN_SOURCE;
    CHECK_INT(not_seen, 0);
    p3d_image_free(&mask);

    const double forward[3] = {0, 0, 0.3};
    CHECK_INT(p3d_synth_render(&ctx, s, forward, &dst, &dd), P3D_OK);
    CHECK_NEAR(depth_at(&dd, 0, 0), 7.7, 1e-4);
    p3d_image_free(&dst);
    p3d_map_free(&dd);
}

static void test_bad_input(const p3d_synth_scene *s)
{
    p3d_synth_scene bad;
    CHECK_INT(p3d_synth_scene_make(&ctx, 15, 100, 1, &bad), P3D_E_USAGE);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_synth_scene_make(&ctx, 100, 8193, 1, &bad), P3D_E_USAGE);
    p3d_clear_error(&ctx);
    const p3d_synth_object *ball = find(s, "ball");
    CHECK_INT(p3d_synth_pose_check(&ctx, s, ball->centre), P3D_E_USAGE);
    CHECK(strstr(p3d_errmsg(&ctx), "inside the ball") != NULL);
    p3d_clear_error(&ctx);
    const double behind_wall[3] = {0, 0, 9}, below_floor[3] = {0, 2, 0}, ok[3] = {0.1, -0.2, 1};
    CHECK_INT(p3d_synth_pose_check(&ctx, s, behind_wall), P3D_E_USAGE);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_synth_pose_check(&ctx, s, below_floor), P3D_E_USAGE);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_synth_pose_check(&ctx, s, ok), P3D_OK);

    /* A bad pose is refused before the output directory is even created. */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/never", tl_tmpdir());
    const double poses[2][3] = {{0.1, 0, 0}, {0, 0, 9}};
    CHECK_INT(p3d_synth_write(&ctx, s, dir, poses, 2), P3D_E_USAGE);
    CHECK(strncmp(p3d_errmsg(&ctx), "pose 2: ", 8) == 0);
    p3d_clear_error(&ctx);
    struct stat st;
    CHECK(stat(dir, &st) != 0);
}

static long file_size(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Loads dir/name as a map (npy, PFM or gray PNG) into m; P3D_OK or the error. */
static int load_map(const char *dir, const char *name, p3d_map *m)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return p3d_map_load(&ctx, path, m);
}

/* The written files read back (through src/io) equal what the renderer returns. */
static void test_files(void)
{
    p3d_synth_scene s;
    CHECK_INT(p3d_synth_scene_make(&ctx, 64, 48, 5, &s), P3D_OK);
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/a/b", tl_tmpdir());
    const double poses[1][3] = {{0, -0.1, 0.2}};
    CHECK_INT(p3d_synth_write(&ctx, &s, dir, poses, 1), P3D_OK);
    CHECK(file_size(dir, "scene.json") > 500);
    CHECK_INT(file_size(dir, "view_2.png"), -1);

    const double origin[3] = {0, 0, 0};
    p3d_image rgb, mask, png;
    p3d_map depth, m;
    CHECK_INT(p3d_synth_render(&ctx, &s, origin, &rgb, &depth), P3D_OK);
    snprintf(path, sizeof path, "%s/image.png", dir);
    CHECK_INT(p3d_image_load(&ctx, path, &png), P3D_OK);
    CHECK(png.width == 64 && png.height == 48 && memcmp(png.data, rgb.data, 64 * 48 * 3) == 0);
    p3d_image_free(&png);
    CHECK_INT(load_map(dir, "depth.npy", &m), P3D_OK);
    CHECK(m.width == 64 && m.height == 48 && memcmp(m.data, depth.data, sizeof(float) * 64 * 48) == 0);
    p3d_map_free(&m);
    /* disparity.pfm = 1/Z; the top-right corner sees the wall: 1/8. */
    CHECK_INT(load_map(dir, "disparity.pfm", &m), P3D_OK);
    long bad = 0;
    for (int k = 0; k < 64 * 48; k++)
        bad += m.data[k] != 1.0f / depth.data[k];
    CHECK_INT(bad, 0);
    CHECK_NEAR(m.data[63], 1.0 / 8, 1e-7);
    p3d_map_free(&m);
    p3d_image_free(&rgb);
    p3d_map_free(&depth);

    CHECK_INT(p3d_synth_render(&ctx, &s, poses[0], &rgb, &depth), P3D_OK);
    CHECK_INT(load_map(dir, "view_1_depth.npy", &m), P3D_OK);
    CHECK(m.width == 64 && memcmp(m.data, depth.data, sizeof(float) * 64 * 48) == 0);
    p3d_map_free(&m);
    CHECK_INT(p3d_synth_visibility(&ctx, &s, poses[0], &mask), P3D_OK);
    CHECK_INT(load_map(dir, "view_1_hidden.png", &m), P3D_OK);
    bad = 0;
    for (int k = 0; k < 64 * 48; k++)
        bad += m.data[k] != mask.data[k];
    CHECK_INT(bad, 0);
    p3d_map_free(&m);
    p3d_image_free(&mask);
    p3d_image_free(&rgb);
    p3d_map_free(&depth);
}

int main(void)
{
    p3d_ctx_init(&ctx);
    test_camera();
    p3d_synth_scene s;
    CHECK_INT(p3d_synth_scene_make(&ctx, W, H, 1, &s), P3D_OK);
    CHECK(s.nobjects >= 6 && s.nobjects <= P3D_SYNTH_MAX_OBJECTS);
    test_determinism(&s);
    p3d_image rgb;
    p3d_map depth;
    const double origin[3] = {0, 0, 0};
    CHECK_INT(p3d_synth_render(&ctx, &s, origin, &rgb, &depth), P3D_OK);
    test_exact_depths(&s, &depth);
    test_reprojection(&s, &rgb, &depth);
    test_bad_input(&s);
    test_files();
    p3d_image_free(&rgb);
    p3d_map_free(&depth);
    return tl_finish();
}
