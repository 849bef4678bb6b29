/* The synthetic scene: a room closed by a brick back wall and a tiled floor,
 * with a ball on a pedestal in front of a crate, a column, a block and a
 * globe at depths between about 2.2 and 8 units, arranged so that small
 * camera moves (ALGORITHM.md 9: the reference's videos move a few percent
 * of the scene depth) open disocclusions tens of pixels wide. The seed
 * jitters positions, sizes, colours and textures; the layout (who occludes
 * whom) stays. Camera model: ALGORITHM.md 2.6. */
#include "photo3d/synth.h"
#include "raycast.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define WALL_Z 8.0
#define FLOOR_Y 1.1

const double p3d_synth_default_poses[P3D_SYNTH_DEFAULT_POSES][3] = {
    {-0.15, 0, 0}, {0.15, 0, 0}, {0, 0, 0.3}};

void p3d_synth_camera(int width, int height, p3d_camera *cam)
{
    double f = width > height ? width : height;
    cam->width = width;
    cam->height = height;
    cam->fx = cam->fy = f;
    cam->cx = width / 2;
    cam->cy = height / 2;
}

/* HSV (all in 0..1) to RGB, rounded to 1/1000 so that scene.json is exact. */
static void hsv_color(double h, double s, double v, double rgb[3])
{
    h = (h - floor(h)) * 6;
    int sector = (int)h;
    double f = h - sector, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double table[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    for (int c = 0; c < 3; c++)
        rgb[c] = round(table[sector % 6][c] * 1000) / 1000;
}

static p3d_synth_object *add_object(p3d_synth_scene *s, const char *name, p3d_synth_shape shape)
{
    p3d_synth_object *o = &s->objects[s->nobjects++];
    memset(o, 0, sizeof *o);
    snprintf(o->name, sizeof o->name, "%s", name);
    o->shape = shape;
    return o;
}

/* A patterned texture for an object: kind drawn from the non-brick kinds,
 * colour a of hue `hue`, colour b a lighter or darker partner. */
static void object_texture(synth_rng *r, double hue, double scale, uint32_t noise_seed,
                           p3d_synth_texture *t)
{
    static const p3d_synth_texture_kind kinds[] = {P3D_SYNTH_CHECKER, P3D_SYNTH_STRIPES, P3D_SYNTH_NOISE,
                                                   P3D_SYNTH_RINGS, P3D_SYNTH_DOTS};
    t->kind = kinds[synth_rng_next(r) % (sizeof kinds / sizeof *kinds)];
    hsv_color(hue, synth_rng_range(r, 0.55, 0.85, 100), synth_rng_range(r, 0.7, 0.95, 100), t->color_a);
    hsv_color(hue + synth_rng_range(r, 0.08, 0.5, 100), synth_rng_range(r, 0.2, 0.6, 100),
              synth_rng_range(r, 0.25, 0.95, 100), t->color_b);
    t->scale = scale;
    t->noise_seed = noise_seed;
}

/* Puts an object of height `height` on the floor at (x, z). */
static void stand_on_floor(p3d_synth_object *o, double x, double height, double z)
{
    o->centre[0] = x;
    o->centre[1] = FLOOR_Y - height / 2;
    o->centre[2] = z;
}

int p3d_synth_scene_make(p3d_ctx *ctx, int width, int height, uint64_t seed, p3d_synth_scene *s)
{
    memset(s, 0, sizeof *s);
    if (width < 16 || height < 16 || width > 8192 || height > 8192)
        return p3d_fail(ctx, P3D_E_USAGE, "size %dx%d is outside 16x16 .. 8192x8192", width, height);
    s->width = width;
    s->height = height;
    s->seed = seed;
    p3d_synth_camera(width, height, &s->camera);
    /* Light from the upper left, in front of the scene (Y points down). */
    double l[3] = {-0.45, -1.0, -0.55}, len = sqrt(l[0] * l[0] + l[1] * l[1] + l[2] * l[2]);
    for (int c = 0; c < 3; c++)
        s->light_dir[c] = l[c] / len;
    s->ambient = 0.4;

    synth_rng r = {seed};
    double hue = synth_rng_uniform(&r);
    const double golden = 0.618033988749895;
    uint32_t noise_seed = (uint32_t)synth_rng_next(&r);

    p3d_synth_object *o = add_object(s, "back wall", P3D_SYNTH_PLANE);
    o->centre[2] = WALL_Z;
    o->normal[2] = -1;
    o->texture.kind = P3D_SYNTH_BRICKS;
    hsv_color(hue, synth_rng_range(&r, 0.35, 0.6, 100), 0.8, o->texture.color_a);
    hsv_color(0, 0, 0.82, o->texture.color_b);
    o->texture.scale = synth_rng_range(&r, 0.5, 0.7, 100);
    o->texture.noise_seed = noise_seed++;

    o = add_object(s, "floor", P3D_SYNTH_PLANE);
    o->centre[1] = FLOOR_Y;
    o->normal[1] = -1;
    o->texture.kind = P3D_SYNTH_CHECKER;
    hsv_color(hue + 0.5, 0.25, 0.85, o->texture.color_a);
    hsv_color(hue + 0.5, 0.45, 0.35, o->texture.color_b);
    o->texture.scale = synth_rng_range(&r, 0.4, 0.6, 100);
    o->texture.noise_seed = noise_seed++;

    o = add_object(s, "crate", P3D_SYNTH_BOX);
    o->size[0] = synth_rng_range(&r, 1.4, 1.7, 100);
    o->size[1] = synth_rng_range(&r, 1.2, 1.4, 100);
    o->size[2] = synth_rng_range(&r, 1.0, 1.2, 100);
    o->yaw_deg = synth_rng_range(&r, 18, 32, 1);
    stand_on_floor(o, synth_rng_range(&r, -1.2, -0.95, 100), o->size[1], synth_rng_range(&r, 5.0, 5.4, 100));
    object_texture(&r, hue + 1 * golden, synth_rng_range(&r, 0.2, 0.3, 100), noise_seed++, &o->texture);

    double ball_r = synth_rng_range(&r, 0.38, 0.45, 100), stand_h = synth_rng_range(&r, 0.5, 0.6, 100);
    double ball_x = synth_rng_range(&r, -0.5, -0.35, 100), ball_z = synth_rng_range(&r, 2.6, 2.8, 100);
    o = add_object(s, "ball", P3D_SYNTH_SPHERE);
    o->size[0] = ball_r;
    o->centre[0] = ball_x;
    o->centre[1] = FLOOR_Y - stand_h - ball_r;
    o->centre[2] = ball_z;
    object_texture(&r, hue + 2 * golden, synth_rng_range(&r, 0.12, 0.18, 100), noise_seed++, &o->texture);

    o = add_object(s, "pedestal", P3D_SYNTH_CYLINDER);
    o->size[0] = synth_rng_range(&r, 0.08, 0.12, 100);
    o->size[1] = stand_h;
    stand_on_floor(o, ball_x, stand_h, ball_z);
    object_texture(&r, hue + 3 * golden, 0.06, noise_seed++, &o->texture);

    o = add_object(s, "column", P3D_SYNTH_CYLINDER);
    o->size[0] = synth_rng_range(&r, 0.33, 0.42, 100);
    o->size[1] = synth_rng_range(&r, 2.1, 2.4, 100);
    stand_on_floor(o, synth_rng_range(&r, 1.25, 1.45, 100), o->size[1], synth_rng_range(&r, 4.2, 4.6, 100));
    object_texture(&r, hue + 4 * golden, synth_rng_range(&r, 0.2, 0.3, 100), noise_seed++, &o->texture);

    o = add_object(s, "block", P3D_SYNTH_BOX);
    o->size[0] = o->size[1] = o->size[2] = synth_rng_range(&r, 0.6, 0.75, 100);
    o->yaw_deg = synth_rng_range(&r, -40, -25, 1);
    stand_on_floor(o, synth_rng_range(&r, 0.65, 0.85, 100), o->size[1], synth_rng_range(&r, 3.5, 3.7, 100));
    object_texture(&r, hue + 5 * golden, synth_rng_range(&r, 0.12, 0.18, 100), noise_seed++, &o->texture);

    o = add_object(s, "globe", P3D_SYNTH_SPHERE);
    o->size[0] = synth_rng_range(&r, 0.6, 0.7, 100);
    stand_on_floor(o, synth_rng_range(&r, 0.2, 0.4, 100), 2 * o->size[0], synth_rng_range(&r, 6.4, 6.8, 100));
    object_texture(&r, hue + 6 * golden, synth_rng_range(&r, 0.2, 0.3, 100), noise_seed++, &o->texture);
    return P3D_OK;
}

int p3d_synth_pose_check(p3d_ctx *ctx, const p3d_synth_scene *s, const double c[3])
{
    if (!(isfinite(c[0]) && isfinite(c[1]) && isfinite(c[2])))
        return p3d_fail(ctx, P3D_E_USAGE, "camera centre is not finite");
    if (c[2] > WALL_Z - 0.5 || c[1] > FLOOR_Y - 0.05 || fabs(c[0]) > 4 || c[1] < -4 || c[2] < -8)
        return p3d_fail(ctx, P3D_E_USAGE,
                        "camera centre (%g,%g,%g) is outside the room (|x| <= 4, -4 <= y <= %g, "
                        "-8 <= z <= %g)", c[0], c[1], c[2], FLOOR_Y - 0.05, WALL_Z - 0.5);
    synth_prim prims[P3D_SYNTH_MAX_OBJECTS];
    synth_prepare(s, prims);
    for (int k = 0; k < s->nobjects; k++)
        if (synth_point_inside(&prims[k], c))
            return p3d_fail(ctx, P3D_E_USAGE, "camera centre (%g,%g,%g) is inside the %s", c[0],
                            c[1], c[2], s->objects[k].name);
    return P3D_OK;
}
