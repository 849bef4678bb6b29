/* The meshes that are compared (docs/EVAL.md): ours (the pipeline with the
 * classical backend), diffusion (the pipeline with the diffusion baseline
 * backend), holes (ours without its synthesised and border-band vertices, so
 * disocclusions show the renderer's gray background) and stretch (one untorn
 * grid mesh over the bilaterally filtered depth: foreground and background
 * joined by long triangles, as a 3D photo without layering looks). */
#include "eval/eval_internal.h"

#include "depth/depth_filter.h"
#include "inpaint/baselines.h"
#include "inpaint/classical.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int eval_pipeline_mesh(p3d_ctx *ctx, const p3d_eval_job *job, int method, p3d_mesh *mesh)
{
    p3d_inpaint_backend backend;
    int rc = method == P3D_EVAL_OURS ? p3d_inpaint_classical_create(ctx, &backend)
                                     : p3d_inpaint_diffusion_create(ctx, &backend);
    if (rc)
        return rc;
    rc = p3d_photo3d_build(ctx, job->source, job->depth, job->source->width, job->source->height,
                           job->options, &backend, mesh, NULL);
    backend.destroy(backend.state);
    return rc;
}

int eval_holes_mesh(p3d_ctx *ctx, const p3d_mesh *ours, p3d_mesh *mesh)
{
    *mesh = *ours;
    mesh->xyz = malloc(sizeof(float) * 3 * (size_t)(ours->nverts + 1));
    mesh->rgba = malloc(4 * (size_t)(ours->nverts + 1));
    mesh->faces = malloc(sizeof(int32_t) * 3 * (size_t)(ours->nfaces + 1));
    if (!mesh->xyz || !mesh->rgba || !mesh->faces) {
        p3d_mesh_free(mesh);
        return p3d_fail(ctx, P3D_E_NOMEM, "eval: out of memory copying a mesh");
    }
    memcpy(mesh->xyz, ours->xyz, sizeof(float) * 3 * ours->nverts);
    memcpy(mesh->rgba, ours->rgba, 4 * (size_t)ours->nverts);
    mesh->nfaces = 0;
    for (long f = 0; f < ours->nfaces; f++) {
        const int32_t *t = ours->faces + 3 * f;
        if (ours->rgba[4 * t[0] + 3] == P3D_VERTEX_ORIGINAL &&
            ours->rgba[4 * t[1] + 3] == P3D_VERTEX_ORIGINAL &&
            ours->rgba[4 * t[2] + 3] == P3D_VERTEX_ORIGINAL)
            memcpy(mesh->faces + 3 * mesh->nfaces++, t, sizeof(int32_t) * 3);
    }
    return P3D_OK;
}

int eval_stretch_mesh(p3d_ctx *ctx, const p3d_eval_job *job, p3d_mesh *mesh)
{
    const p3d_image *src = job->source;
    int w = src->width, h = src->height;
    long n = (long)w * h;
    memset(mesh, 0, sizeof *mesh);
    p3d_map depth = {0};
    int rc = p3d_map_copy(ctx, job->depth, &depth);
    if (rc)
        return rc;
    const p3d_pipeline_options *o = job->options;
    rc = p3d_depth_preprocess(ctx, &depth, o, NULL);
    mesh->xyz = malloc(sizeof(float) * 3 * n);
    mesh->rgba = malloc(4 * (size_t)n);
    mesh->faces = malloc(sizeof(int32_t) * 6 * n);
    if (!rc && (!mesh->xyz || !mesh->rgba || !mesh->faces))
        rc = p3d_fail(ctx, P3D_E_NOMEM, "eval: out of memory for a %dx%d mesh", w, h);
    if (rc) {
        p3d_map_free(&depth);
        p3d_mesh_free(mesh);
        return rc;
    }
    p3d_camera cam;
    p3d_reference_camera(w, h, w, h, &cam);
    for (long i = 0; i < n; i++) {
        double d = depth.data[i], x = i % w + 0.5, y = i / w + 0.5;
        mesh->xyz[3 * i] = (float)(d * (x - cam.cx) / cam.fx);
        mesh->xyz[3 * i + 1] = (float)(d * (y - cam.cy) / cam.fy);
        mesh->xyz[3 * i + 2] = (float)d;
        memcpy(mesh->rgba + 4 * i, src->data + 3 * i, 3);
        mesh->rgba[4 * i + 3] = P3D_VERTEX_ORIGINAL;
    }
    for (int y = 0; y + 1 < h; y++)
        for (int x = 0; x + 1 < w; x++) {
            int32_t a = y * w + x, t[6] = {a, a + w, a + 1, a + 1, a + w, a + w + 1};
            memcpy(mesh->faces + 3 * mesh->nfaces, t, sizeof t);
            mesh->nfaces += 2;
        }
    mesh->nverts = n;
    mesh->width = w, mesh->height = h;
    mesh->hfov = 2 * atan(w / (2 * cam.fx));
    mesh->vfov = 2 * atan(h / (2 * cam.fy));
    p3d_map_free(&depth);
    return P3D_OK;
}
