/* scene.json: everything needed to use the synthetic scene as ground truth
 * (size, seed, camera and its pixel convention, light, objects with shape,
 * placement, texture), the views' files, the legend of the disocclusion
 * masks, and a one-paragraph description for people. Scene
 * parameters are short decimals by construction (scene.c); %.10g prints them
 * to well below a pixel's precision. */
#include "scene_json.h"
#include "core/atomic_file.h"
#include "texture.h"

#include <inttypes.h>
#include <stdio.h>

static const char *shape_name(p3d_synth_shape shape)
{
    static const char *const names[] = {"plane", "sphere", "box", "cylinder"};
    return names[shape];
}

static void vec3(FILE *f, const char *key, const double v[3])
{
    fprintf(f, "\"%s\": [%.10g, %.10g, %.10g]", key, v[0], v[1], v[2]);
}

static void object_json(FILE *f, const p3d_synth_object *o)
{
    fprintf(f, "    {\"name\": \"%s\", \"type\": \"%s\", ", o->name, shape_name(o->shape));
    vec3(f, o->shape == P3D_SYNTH_PLANE ? "point" : "centre", o->centre);
    switch (o->shape) {
    case P3D_SYNTH_PLANE:
        fprintf(f, ", ");
        vec3(f, "normal", o->normal);
        break;
    case P3D_SYNTH_SPHERE:
        fprintf(f, ", \"radius\": %.10g", o->size[0]);
        break;
    case P3D_SYNTH_BOX:
        fprintf(f, ", ");
        vec3(f, "size", o->size);
        fprintf(f, ", \"yaw_deg\": %.10g", o->yaw_deg);
        break;
    case P3D_SYNTH_CYLINDER:
        fprintf(f, ", \"radius\": %.10g, \"height\": %.10g", o->size[0], o->size[1]);
        break;
    }
    const p3d_synth_texture *t = &o->texture;
    fprintf(f, ",\n     \"texture\": {\"kind\": \"%s\", ", synth_texture_name(t->kind));
    vec3(f, "color_a", t->color_a);
    fprintf(f, ", ");
    vec3(f, "color_b", t->color_b);
    fprintf(f, ", \"scale\": %.10g}}", t->scale);
}

static void description(FILE *f, const p3d_synth_scene *s)
{
    const p3d_synth_object *o = s->objects;
    fprintf(f, "A room closed by a brick back wall at Z = %g and a %s floor at Y = %g (Y points down). "
               "In front of it:", o[0].centre[2], synth_texture_name(o[1].texture.kind), o[1].centre[1]);
    for (int k = 2; k < s->nobjects; k++)
        fprintf(f, "%s a %s %s (%s) at depth %g", k > 2 ? ";" : "", synth_texture_name(o[k].texture.kind),
                o[k].name, shape_name(o[k].shape), o[k].centre[2]);
    fprintf(f, ". The ball on its pedestal hides part of the crate, so moving the camera "
               "reveals surfaces the source view does not show.");
}

int synth_write_json(p3d_ctx *ctx, const char *path, const p3d_synth_scene *s,
                     const double (*poses)[3], int npose)
{
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    FILE *f = af.fp;
    const p3d_camera *c = &s->camera;
    fprintf(f, "{\n  \"generator\": \"photo3d synth %s\",\n  \"description\": \"", PHOTO3D_VERSION);
    description(f, s);
    fprintf(f, "\",\n  \"size\": [%d, %d],\n  \"seed\": %" PRIu64 ",\n", s->width, s->height, s->seed);
    fprintf(f, "  \"camera\": {\"model\": \"pinhole\", \"fx\": %.10g, \"fy\": %.10g, \"cx\": %.10g, "
               "\"cy\": %.10g,\n    \"convention\": \"pixel (col j, row i) with depth Z is X = Z*(j+0.5-cx)/fx, "
               "Y = Z*(i+0.5-cy)/fy; X right, Y down, Z forward; views translate the camera centre, "
               "no rotation\"},\n",
            c->fx, c->fy, c->cx, c->cy);
    fprintf(f, "  \"units\": \"scene units; depth.npy and view_K_depth.npy hold Z from the camera centre "
               "along the optical axis, disparity.pfm holds 1/Z\",\n  \"light\": {");
    vec3(f, "direction_to_light", s->light_dir);
    fprintf(f, ", \"ambient\": %.10g, \"shadows\": true},\n  \"objects\": [\n", s->ambient);
    for (int k = 0; k < s->nobjects; k++) {
        object_json(f, &s->objects[k]);
        fprintf(f, "%s\n", k + 1 < s->nobjects ? "," : "");
    }
    fprintf(f, "  ],\n  \"hidden_mask\": {\"%d\": \"the source view sees this surface point\", \"%d\": "
               "\"outside the source frame\", \"%d\": \"occluded in the source view (disocclusion)\"},\n",
            P3D_SYNTH_SEEN_IN_SOURCE, P3D_SYNTH_OUTSIDE_SOURCE, P3D_SYNTH_HIDDEN_IN_SOURCE);
    fprintf(f, "  \"source\": {\"centre\": [0, 0, 0], \"image\": \"image.png\", \"depth\": \"depth.npy\", "
               "\"disparity\": \"disparity.pfm\"},\n  \"views\": [\n");
    for (int k = 0; k < npose; k++) {
        fprintf(f, "    {");
        vec3(f, "centre", poses[k]);
        fprintf(f, ", \"image\": \"view_%d.png\", \"depth\": \"view_%d_depth.npy\", "
                   "\"hidden\": \"view_%d_hidden.png\"}%s\n", k + 1, k + 1, k + 1, k + 1 < npose ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return p3d_atomic_commit(ctx, &af);
}
