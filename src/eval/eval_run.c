/* One novel-view comparison (photo3d/eval.h): each requested method's mesh
 * is rendered at the target camera and scored against the real target view
 * over all pixels of known class, the pixels the source also sees and the
 * disoccluded ones. holes reuses ours' mesh, so ours is built whenever either
 * is asked for. */
#include "eval/eval_internal.h"
#include "photo3d/render.h"
#include "core/clock.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const method_names[P3D_EVAL_METHODS] = {"classical", "diffusion", "stretch",
                                                           "holes"};

const char *p3d_eval_method_name(int method)
{
    return method >= 0 && method < P3D_EVAL_METHODS ? method_names[method] : "?";
}

int p3d_eval_method_from_name(const char *name)
{
    for (int m = 0; m < P3D_EVAL_METHODS; m++)
        if (strcmp(name, method_names[m]) == 0)
            return m;
    return strcmp(name, "ours") == 0 ? P3D_EVAL_OURS : -1;
}

static int score_view(p3d_ctx *ctx, const p3d_eval_job *job, uint8_t *const select[3],
                      p3d_eval_result *r)
{
    p3d_map ssim;
    int rc = p3d_ssim_map(ctx, &r->view, job->target, &ssim);
    if (rc)
        return rc;
    p3d_eval_score *score[3] = {&r->all, &r->seen, &r->disoccluded};
    long n = (long)job->target->width * job->target->height;
    for (int k = 0; k < 3; k++) {
        score[k]->psnr = p3d_psnr(&r->view, job->target, select[k]);
        score[k]->ssim = p3d_map_mean(&ssim, select[k]);
        score[k]->pixels = 0;
        for (long i = 0; i < n; i++)
            score[k]->pixels += select[k][i] != 0;
    }
    p3d_map_free(&ssim);
    r->done = 1;
    return P3D_OK;
}

static int check_job(p3d_ctx *ctx, const p3d_eval_job *job)
{
    const p3d_image *s = job->source, *t = job->target, *m = job->mask;
    if (s->channels != 3 || t->channels != 3 || m->channels != 1)
        return p3d_fail(ctx, P3D_E_USAGE, "eval: photos must be RGB and the mask one channel");
    if (t->width != s->width || t->height != s->height || m->width != s->width ||
        m->height != s->height || job->depth->width != s->width || job->depth->height != s->height)
        return p3d_fail(ctx, P3D_E_INPUT,
                        "eval: source %dx%d, depth %dx%d, target %dx%d and mask %dx%d differ in size",
                        s->width, s->height, job->depth->width, job->depth->height, t->width,
                        t->height, m->width, m->height);
    return P3D_OK;
}

int p3d_eval_run(p3d_ctx *ctx, const p3d_eval_job *job, p3d_eval_result results[P3D_EVAL_METHODS])
{
    memset(results, 0, sizeof(p3d_eval_result) * P3D_EVAL_METHODS);
    int rc = check_job(ctx, job);
    if (rc)
        return rc;
    int w = job->source->width, h = job->source->height;
    long n = (long)w * h;
    uint8_t *select[3] = {malloc(n), malloc(n), malloc(n)};
    if (!select[0] || !select[1] || !select[2]) {
        free(select[0]), free(select[1]), free(select[2]);
        return p3d_fail(ctx, P3D_E_NOMEM, "eval: out of memory for %dx%d masks", w, h);
    }
    for (long i = 0; i < n; i++) {
        uint8_t c = job->mask->data[i];
        select[0][i] = c != P3D_EVAL_UNKNOWN;
        select[1][i] = c == P3D_EVAL_SEEN;
        select[2][i] = c == P3D_EVAL_DISOCCLUDED;
    }
    p3d_camera cam;
    p3d_reference_camera(w, h, w, h, &cam);
    p3d_mesh ours = {0};
    unsigned want = job->methods;
    if (want & (1u << P3D_EVAL_HOLES))
        want |= 1u << P3D_EVAL_OURS;
    for (int m = 0; m < P3D_EVAL_METHODS && !rc; m++) {
        if (!(want & (1u << m)))
            continue;
        p3d_mesh mesh = {0};
        double t0 = p3d_seconds();
        if (m == P3D_EVAL_OURS || m == P3D_EVAL_DIFFUSION)
            rc = eval_pipeline_mesh(ctx, job, m, m == P3D_EVAL_OURS ? &ours : &mesh);
        else if (m == P3D_EVAL_STRETCH)
            rc = eval_stretch_mesh(ctx, job, &mesh);
        else
            rc = eval_holes_mesh(ctx, &ours, &mesh);
        results[m].build_seconds = m == P3D_EVAL_HOLES ? 0 : p3d_seconds() - t0;
        if (!rc && (job->methods & (1u << m)))
            rc = p3d_render_view(ctx, m == P3D_EVAL_OURS ? &ours : &mesh, &cam, job->center,
                                 &results[m].view, NULL);
        if (!rc && (job->methods & (1u << m)))
            rc = score_view(ctx, job, select, &results[m]);
        p3d_mesh_free(&mesh);
    }
    p3d_mesh_free(&ours);
    free(select[0]), free(select[1]), free(select[2]);
    if (rc)
        p3d_eval_results_free(results);
    return rc;
}

void p3d_eval_results_free(p3d_eval_result results[P3D_EVAL_METHODS])
{
    for (int m = 0; m < P3D_EVAL_METHODS; m++) {
        p3d_image_free(&results[m].view);
        results[m].done = 0;
    }
}
