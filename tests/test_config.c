/* Pipeline options (src/core/config.c): defaults as the reference's
 * argument.yml, --set parsing, YAML files with ignored and unknown keys. */
#include "photo3d/pipeline.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>

static int notes;
static void count_note(void *user, const char *key, const char *note)
{
    (void)user, (void)key, (void)note;
    notes++;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_pipeline_options o;
    p3d_pipeline_defaults(&o);
    CHECK_NEAR(o.depth_threshold, 0.04, 0);
    CHECK_INT(o.sparse_iter, 5);
    CHECK_INT(o.filter_size_count, 5);
    CHECK_INT(o.filter_size[0], 7);
    CHECK_INT(o.filter_size[4], 5);
    CHECK_INT(o.background_thickness, 70);
    CHECK_INT(o.context_thickness, 140);
    CHECK_INT(o.context_thickness_2, 70);
    CHECK_INT(o.redundant_number, 12);
    CHECK_INT(o.extrapolation_thickness, 60);
    CHECK_INT(o.extrapolate_border, 1);
    CHECK_INT(o.longer_side_len, 960);
    CHECK_INT(o.depth_edge_dilate, 10);

    const char *note = NULL;
    CHECK_INT(p3d_pipeline_set(&ctx, &o, "filter_size", "[9, 3]", &note), P3D_OK);
    CHECK_INT(o.filter_size_count, 2);
    CHECK_INT(o.filter_size[0], 9);
    CHECK_INT(p3d_pipeline_set(&ctx, &o, "extrapolate_border", "False", &note), P3D_OK);
    CHECK_INT(o.extrapolate_border, 0);
    CHECK_INT(p3d_pipeline_set(&ctx, &o, "fps", "40", &note), 1);
    CHECK(note && strstr(note, "video"));
    CHECK_INT(p3d_pipeline_set(&ctx, &o, "depth_treshold", "1", &note), P3D_E_USAGE);
    CHECK(strstr(p3d_errmsg(&ctx), "depth_treshold") != NULL);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_pipeline_set(&ctx, &o, "sparse_iter", "2.5", &note), P3D_E_USAGE);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_pipeline_set(&ctx, &o, "filter_size", "[7, 4]", &note), P3D_E_USAGE);
    p3d_clear_error(&ctx);

    /* An excerpt of the reference's argument.yml. */
    char path[4096];
    snprintf(path, sizeof path, "%s/argument.yml", tl_tmpdir());
    write_file(path, "depth_edge_model_ckpt: checkpoints/edge-model.pth\n"
                     "fps: 40\n"
                     "x_shift_range: [0.00, 0.00, -0.015, -0.015]\n"
                     "traj_types: ['double-straight-line', 'circle']\n"
                     "depth_threshold: 0.05\n"
                     "filter_size: [7, 7, 5, 5, 5]\n"
                     "sparse_iter: 3\n"
                     "extrapolate_border: True\n"
                     "context_thickness: 100\n");
    p3d_pipeline_defaults(&o);
    notes = 0;
    CHECK_INT(p3d_pipeline_load_yaml(&ctx, &o, path, count_note, NULL), P3D_OK);
    CHECK_INT(notes, 4);
    CHECK_NEAR(o.depth_threshold, 0.05, 0);
    CHECK_INT(o.sparse_iter, 3);
    CHECK_INT(o.context_thickness, 100);

    write_file(path, "depth_threshold: 0.05\nno_such_key: 3\n");
    CHECK_INT(p3d_pipeline_load_yaml(&ctx, &o, path, NULL, NULL), P3D_E_INPUT);
    CHECK(strstr(p3d_errmsg(&ctx), "no_such_key") != NULL);
    CHECK(strstr(p3d_errmsg(&ctx), "argument.yml") != NULL);
    p3d_clear_error(&ctx);
    write_file(path, "depth_threshold: [1, 2\n");
    CHECK_INT(p3d_pipeline_load_yaml(&ctx, &o, path, NULL, NULL), P3D_E_INPUT);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_pipeline_load_yaml(&ctx, &o, "/nonexistent/a.yml", NULL, NULL), P3D_E_INPUT);

    int n;
    const p3d_option_info *t = p3d_pipeline_option_table(&n);
    CHECK(n >= 19);
    CHECK(strcmp(t[0].name, "depth_threshold") == 0 && t[0].help[0]);
    return tl_finish();
}
