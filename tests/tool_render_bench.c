/* Tool for bench/render.sh: times the per-frame stages of the video renderer
 * (ALGORITHM.md 9) on a mesh without encoding: rasterising, blur + area
 * downscale, crop + cubic resize. Renders every k-th pose of the four
 * default trajectories (dolly zoom at the mesh's centre depth), each
 * thread a whole frame at a time as photo3d render does, and prints the
 * threads' CPU time per stage (robust on a busy machine), frames per
 * wall and per CPU second, and an FNV-1a hash of the finished frames, so two
 * builds can be checked to draw the very same pixels. The stages are timed
 * apart on a full-size canvas; the frames are then made again as photo3d
 * render makes them (frame_render: in bands, each output row reduced as
 * soon as its rows are drawn), timed as a whole ("render alone") and
 * checked to be the same.
 * The mesh is simplified first as photo3d render does (--simplify).
 * Usage: tool_render_bench MESH.ply [FRAMES_PER_VIDEO=24] [THREADS=1] [SUPERSAMPLE]
 *        [SIMPLIFY_PX] (0: the mesh as it is)
 * With P3D_COMPARE=1 each frame is also drawn from the mesh as it is (not
 * timed) and the mean and worst PSNR between the two are printed. */
#include "photo3d/io.h"
#include "photo3d/render.h"
#include "render/frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tool_render_bench MESH.ply [FRAMES_PER_VIDEO] [THREADS] [SUPERSAMPLE] [LOD_PX]\n");
        return 2;
    }
    int per_video = argc > 2 ? atoi(argv[2]) : 24, threads = argc > 3 ? atoi(argv[3]) : 1;
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.threads = threads;
    p3d_mesh mesh;
    if (p3d_mesh_load_ply(&ctx, argv[1], &mesh)) {
        fprintf(stderr, "%s\n", p3d_errmsg(&ctx));
        return 1;
    }
    p3d_render_options opt;
    p3d_render_options_default(&opt);
    int n = opt.num_frames, step = n / (per_video > 0 ? per_video : 1);
    step = step < 1 ? 1 : step;
    p3d_pose *poses = malloc(sizeof *poses * n);
    double depth = p3d_mesh_center_depth(&mesh);
    double fov0 = mesh.hfov > mesh.vfov ? mesh.hfov : mesh.vfov, plane = tan(fov0 / 2) * depth;
    if (argc > 4)
        opt.supersample = atoi(argv[4]);
    int f = opt.supersample, side = mesh.width > mesh.height ? mesh.width : mesh.height;
    frame_layout layout;
    if (!poses || frame_layout_of(&ctx, side, mesh.height, mesh.width, opt.crop_border, &layout))
        return 1;
    raster_rect used = frame_source_rect(&layout);
    raster_rect view = frame_canvas_view(&used, f, side * f);
    /* the simplification tolerance for the largest shift of the four paths */
    double lod_px = argc > 5 ? atof(argv[5]) : P3D_LOD_ERROR_DEFAULT, shift[3] = {0, 0, 0}, min_fov = fov0;
    for (int v = 0; v < opt.nvideos; v++) {
        p3d_trajectory(opt.videos[v].type, opt.videos[v].shift, n, poses);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 3; i++)
                shift[i] = fmax(shift[i], fabs(poses[k].t[i]));
            if (strstr(opt.videos[v].name, "dolly")) {
                double fv = 2 * atan2(plane, fabs(depth + poses[k].t[2]));
                min_fov = fv < min_fov ? fv : min_fov;
            }
        }
    }
    raster_lod lod;
    double tl0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    raster_lod_bound bound = frame_lod_bound(lod_px, side, min_fov, shift);
    if (raster_lod_build(&ctx, &mesh, &bound, &lod)) {
        fprintf(stderr, "%s\n", p3d_errmsg(&ctx));
        return 1;
    }
    printf("simplified (%.2f px): %ld of %ld faces kept, %ld blocks as %ld textured and %ld plain "
           "faces (%ld blocks as two), %.0f ms\n", lod_px, lod.nfaces, mesh.nfaces, lod.nblocks, lod.ntfaces,
           lod.npfaces, lod.nquads,
           1e3 * (seconds(CLOCK_PROCESS_CPUTIME_ID) - tl0));
    /* the frames, then rendered as photo3d render does: each thread draws
     * whole frames (one thread per frame), in its own buffers */
    double(*views)[4] = malloc(sizeof *views * (size_t)opt.nvideos * n);
    int frames = 0;
    for (int v = 0; v < opt.nvideos; v++) {
        p3d_trajectory(opt.videos[v].type, opt.videos[v].shift, n, poses);
        int dolly = strstr(opt.videos[v].name, "dolly") != NULL;
        for (int k = 0; k < n; k += step, frames++) {
            for (int i = 0; i < 3; i++)
                views[frames][i] = -poses[k].t[i];
            views[frames][3] = dolly ? 2 * atan2(plane, fabs(depth + poses[k].t[2])) : fov0;
        }
    }
    uint64_t *hashes = calloc((size_t)frames, sizeof *hashes);
    double t_raster = 0, t_reduce = 0, t_finish = 0, psnr_sum = 0, psnr_min = 99;
    /* P3D_COMPARE=1: PSNR of each simplified frame against the exact one */
    int compare = getenv("P3D_COMPARE") && atoi(getenv("P3D_COMPARE"));
    int failed = 0, out_w = 0, out_h = 0;
    double w0 = seconds(CLOCK_MONOTONIC);
#pragma omp parallel num_threads(threads) reduction(+ : t_raster, t_reduce, t_finish, psnr_sum) \
    reduction(min : psnr_min)
    {
        p3d_ctx tctx = ctx;
        tctx.threads = 1;
        raster_canvas canvas;
        p3d_image square = {0}, out = {0}, exact = {0};
        frame_scratch scratch = {0}; /* kept between frames, as photo3d render does */
        int bad = raster_canvas_alloc(&tctx, &canvas, side * f);
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < frames; i++) {
            if (bad)
                continue;
            const double *c = views[i];
            double t0 = seconds(CLOCK_THREAD_CPUTIME_ID);
            int rc = raster_draw_lod(&tctx, &mesh, &lod, c, c[3], &view, &canvas);
            double t1 = seconds(CLOCK_THREAD_CPUTIME_ID);
            if (!rc)
                rc = frame_reduce(&tctx, &canvas, f, &used, &square);
            double t2 = seconds(CLOCK_THREAD_CPUTIME_ID);
            if (!rc)
                rc = frame_finish(&tctx, &square, &layout, &scratch, &out);
            double t3 = seconds(CLOCK_THREAD_CPUTIME_ID);
            t_raster += t1 - t0, t_reduce += t2 - t1, t_finish += t3 - t2;
            if (!rc && compare) { /* the same frame from the mesh as it is */
                rc = raster_draw(&tctx, &mesh, c, c[3], &view, &canvas) ||
                     frame_reduce(&tctx, &canvas, f, &used, &square) ||
                     frame_finish(&tctx, &square, &layout, NULL, &exact);
                double se = 0;
                size_t nb = (size_t)out.width * out.height * 3;
                for (size_t b = 0; b < nb && !rc; b++)
                    se += (double)(out.data[b] - exact.data[b]) * (out.data[b] - exact.data[b]);
                double psnr = se > 0 ? 10 * log10(255.0 * 255.0 * nb / se) : 99;
                psnr_sum += psnr;
                psnr_min = psnr < psnr_min ? psnr : psnr_min;
            }
            if (rc) {
#pragma omp critical
                {
                    if (!failed)
                        fprintf(stderr, "%s\n", p3d_errmsg(&tctx));
                    failed = 1;
                }
                bad = 1;
                continue;
            }
            hashes[i] = fnv1a(1469598103934665603ull, out.data, (size_t)out.width * out.height * 3);
            out_w = out.width, out_h = out.height;
        }
        failed |= bad;
        raster_canvas_free(&canvas);
        p3d_image_free(&square);
        p3d_image_free(&out);
        p3d_image_free(&exact);
        free(scratch.mem);
    }
    double wall = seconds(CLOCK_MONOTONIC) - w0;
    if (failed)
        return 1;
    uint64_t hash = 1469598103934665603ull; /* of the frames' hashes, in order */
    for (int i = 0; i < frames; i++)
        hash = fnv1a(hash, (const uint8_t *)&hashes[i], sizeof hashes[i]);
    printf("frames %d (%dx%d, canvas %d, threads %d, a frame each)\n", frames, out_w, out_h, side * f,
           threads);
    printf("CPU ms per frame: raster %.2f  reduce %.2f  finish %.2f  total %.2f\n",
           1e3 * t_raster / frames, 1e3 * t_reduce / frames, 1e3 * t_finish / frames,
           1e3 * (t_raster + t_reduce + t_finish) / frames);
    printf("stages apart: %.1f frames per wall second, %.1f per CPU second\n", frames / wall,
           frames / (t_raster + t_reduce + t_finish));
    /* the same frames as photo3d render makes them (frame_render: bands of
     * rows with their own z-buffer and colours, each output row reduced as
     * soon as its rows are drawn): the same bytes, timed as a whole */
    double t_video = 0;
    int differ = 0;
    w0 = seconds(CLOCK_MONOTONIC);
#pragma omp parallel num_threads(threads) reduction(+ : t_video, differ)
    {
        p3d_ctx tctx = ctx;
        tctx.threads = 1;
        frame_work work;
        memset(&work, 0, sizeof work);
        p3d_image out = {0};
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < frames; i++) {
            const double *c = views[i];
            double t0 = seconds(CLOCK_THREAD_CPUTIME_ID);
            int rc = frame_render(&tctx, &mesh, &lod, c, c[3], f, opt.crop_border, &work, &out);
            t_video += seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
            differ += rc || fnv1a(1469598103934665603ull, out.data, (size_t)out.width * out.height * 3) != hashes[i];
        }
        frame_work_free(&work);
        p3d_image_free(&out);
    }
    wall = seconds(CLOCK_MONOTONIC) - w0;
    printf("render alone (as photo3d render: banded): %.1f frames per wall second, %.1f per CPU second, "
           "%.2f CPU ms per frame; %s\n", frames / wall, frames / t_video, 1e3 * t_video / frames,
           differ ? "FRAMES DIFFER from the stages apart" : "the same frames");
    if (compare)
        printf("simplified against exact frames: mean PSNR %.2f dB, worst %.2f dB\n",
               psnr_sum / frames, psnr_min);
    printf("frames hash %016llx\n", (unsigned long long)hash);
    raster_lod_free(&lod);
    p3d_mesh_free(&mesh);
    free(poses), free(views), free(hashes);
    return differ ? 1 : 0; /* the banded frames must be the stage-by-stage ones */
}
