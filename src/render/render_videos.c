/* The videos of a 3D photo (ALGORITHM.md 9): the default four (dolly-zoom-in,
 * zoom-in, circle, swing) or a user path, each frame rendered, post-processed
 * and handed to the encoder thread. The dolly zoom keeps the plane through
 * the image-centre depth at a constant size by changing the fov per frame. */
#define _GNU_SOURCE
#include "photo3d/render.h"
#include "render/frame.h"
#include "render/video.h"
#include "core/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double p3d_mesh_center_depth(const p3d_mesh *m)
{
    /* the centre pixel (H//2, W//2) of the working image: its ray through
     * the pixel centre, with the principal point at the image centre */
    double fx = m->width / (2.0 * tan(m->hfov / 2.0)), fy = m->height / (2.0 * tan(m->vfov / 2.0));
    double rx = (m->width / 2 + 0.5 - m->width / 2.0) / fx;
    double ry = (m->height / 2 + 0.5 - m->height / 2.0) / fy;
    double best = INFINITY, depth = 1.0;
    for (long i = 0; i < m->nverts; i++) {
        const float *p = m->xyz + 3 * i;
        if (m->rgba[4 * i + 3] != P3D_VERTEX_ORIGINAL || !(p[2] > 0))
            continue;
        double dx = p[0] / p[2] - rx, dy = p[1] / p[2] - ry;
        double miss = (dx * dx * fx * fx + dy * dy * fy * fy) + 1e-9 * p[2];
        if (miss < best) {
            best = miss;
            depth = p[2];
        }
    }
    return depth;
}

typedef struct {
    const char *name;
    const p3d_pose *poses;
    int nposes;
    int dolly;
} video_job;

/* The camera centre and field of view of pose k of job. */
static double pose_view(const p3d_mesh *mesh, const video_job *job, int k, double mean_loc_depth,
                        double center[3])
{
    double fov0 = mesh->hfov > mesh->vfov ? mesh->hfov : mesh->vfov;
    double plane_width = tan(fov0 / 2.0) * fabs(mean_loc_depth);
    const p3d_pose *pose = &job->poses[k];
    for (int i = 0; i < 3; i++)
        center[i] = -pose->t[i];
    if (pose->fov > 0)
        return pose->fov;
    if (job->dolly)
        return 2.0 * atan2(plane_width, fabs(mean_loc_depth + pose->t[2]));
    return fov0;
}

/* Video v of opt (its poses written into poses), or opt's custom path. */
static video_job make_job(const p3d_render_options *opt, int v, p3d_pose *poses)
{
    if (opt->path)
        return (video_job){opt->path_name ? opt->path_name : "path", opt->path, opt->path_len, 0};
    const p3d_video_spec *spec = &opt->videos[v];
    p3d_trajectory(spec->type, spec->shift, opt->num_frames, poses);
    return (video_job){spec->name, poses, opt->num_frames, strstr(spec->name, "dolly") != NULL};
}

int p3d_render_videos(p3d_ctx *ctx, const p3d_mesh *mesh, const p3d_render_options *opt,
                      const char *out_dir, const char *stem, double mean_loc_depth)
{
    if (opt->num_frames < 1 || opt->num_frames > 100000)
        return p3d_fail(ctx, P3D_E_USAGE, "number of frames %d is not in 1..100000", opt->num_frames);
    if (mesh->nfaces == 0)
        return p3d_fail(ctx, P3D_E_INPUT, "the mesh has no faces to render");
    p3d_render_stats local = {0};
    p3d_render_stats *stats = opt->stats ? opt->stats : &local;
    memset(stats, 0, sizeof *stats);
    double start = p3d_seconds();
    int nworks = ctx->threads > 0 ? ctx->threads : 1;
    int most = opt->path && opt->path_len > opt->num_frames ? opt->path_len : opt->num_frames;
    frame_work *works = calloc((size_t)nworks, sizeof *works);
    p3d_pose *poses = malloc(sizeof *poses * (size_t)opt->num_frames);
    double(*views)[4] = malloc(sizeof *views * (size_t)most);
    if (!works || !poses || !views) {
        free(works), free(poses), free(views);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for %d poses", most);
    }
    int rc = P3D_OK;
    int njobs = opt->path ? 1 : opt->nvideos;
    raster_lod lod;
    memset(&lod, 0, sizeof lod);
    if (opt->simplify > 0) {
        /* one simplification for all frames, with the error bound at the
         * largest camera move and the narrowest field of view among them */
        double shift[3] = {0, 0, 0}, min_fov = INFINITY, c[3];
        int side = mesh->width > mesh->height ? mesh->width : mesh->height;
        for (int v = 0; v < njobs; v++) {
            video_job job = make_job(opt, v, poses);
            for (int k = 0; k < job.nposes; k++) {
                double fov = pose_view(mesh, &job, k, mean_loc_depth, c);
                for (int i = 0; i < 3; i++)
                    shift[i] = fmax(shift[i], fabs(c[i]));
                min_fov = fmin(min_fov, fov);
            }
        }
        double t0 = p3d_seconds();
        raster_lod_bound bound = frame_lod_bound(opt->simplify, side, min_fov, shift);
        rc = raster_lod_build(ctx, mesh, &bound, &lod);
        stats->render_seconds += p3d_seconds() - t0;
    }
    video_writer *finishing = NULL; /* the previous video, its encoder finishing */
    for (int v = 0; v < njobs && !rc; v++) {
        video_job job = make_job(opt, v, poses);
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s_%s%s%s", out_dir, stem, job.name,
                         opt->format == P3D_VIDEO_PNG ? "" : ".",
                         opt->format == P3D_VIDEO_PNG ? "" : p3d_video_format_ext(opt->format));
        if (n >= (int)sizeof path)
            rc = p3d_fail(ctx, P3D_E_USAGE, "%s: output path too long", out_dir);
        if (rc)
            break;
        for (int k = 0; k < job.nposes; k++)
            views[k][3] = pose_view(mesh, &job, k, mean_loc_depth, views[k]);
        frame_job frames = {job.name, path, (const double(*)[4])views, job.nposes};
        video_writer *done = NULL;
        rc = frames_to_video(ctx, mesh, opt->simplify > 0 ? &lod : NULL, opt, &frames, works, nworks, stats,
                             &done);
        /* the previous video's encoder has finished while this one rendered */
        if (finishing) {
            int close_rc = video_close(ctx, finishing, 1, stats);
            rc = rc ? rc : close_rc;
        }
        finishing = done;
    }
    if (finishing) {
        int close_rc = video_close(ctx, finishing, 1, stats); /* complete: kept */
        rc = rc ? rc : close_rc;
    }
    raster_lod_free(&lod);
    for (int i = 0; i < nworks; i++)
        frame_work_free(&works[i]);
    free(works), free(poses), free(views);
    stats->total_seconds = p3d_seconds() - start;
    return rc;
}
