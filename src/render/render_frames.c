/* The frames of one video, rendered in parallel and encoded in order.
 *
 * Each worker renders whole frames on one thread, and the workers hand
 * their frames to the encoder in frame order. Splitting each frame over the
 * threads instead (bands, rows) made every frame wait at ten barriers, and
 * at each one a core stood idle whenever the encoder thread had taken the
 * other: the moon's four videos kept the two cores 84 % busy that way.
 *
 * Frames whose camera is that of an earlier frame of the same video (the
 * swing path passes every pose twice, once each way) are copies of it and
 * are not rendered again, within a memory budget. */
#define _GNU_SOURCE /* madvise */
#include "photo3d/render.h"
#include "render/frame.h"
#include "render/video.h"
#include "render/yuv420.h"
#include "core/clock.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* Kept copies of frames for later frames with the same view, at most. */
#define FRAME_CACHE_BYTES (512L << 20)
/* Views are equal within this (relative): the swing path computes the
 * same pose on its two passes with different rounding. */
#define SAME_VIEW 1e-12
/* Views are grouped on a grid this fine before the exact test. */
#define VIEW_GRID 1e-9

static int same_view(const double a[4], const double b[4])
{
    for (int i = 0; i < 4; i++)
        if (!(fabs(a[i] - b[i]) <= SAME_VIEW * (1.0 + fabs(a[i]))))
            return 0;
    return 1;
}

typedef struct view_key {
    long long q[4];
    int k;
} view_key;

static int compare_keys(const void *pa, const void *pb)
{
    const view_key *a = pa, *b = pb;
    for (int i = 0; i < 4; i++)
        if (a->q[i] != b->q[i])
            return a->q[i] < b->q[i] ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

int frame_plan_reuse(const double (*views)[4], int n, long frame_bytes, int *reuse, char *keep)
{
    for (int k = 0; k < n; k++)
        reuse[k] = -1, keep[k] = 0;
    long budget = frame_bytes > 0 ? FRAME_CACHE_BYTES / frame_bytes : 0;
    view_key *keys = malloc(sizeof *keys * (size_t)(n > 0 ? n : 1));
    if (!keys)
        return 0; /* nothing reused: only slower */
    for (int k = 0; k < n; k++) {
        keys[k].k = k;
        for (int i = 0; i < 4; i++) {
            double q = nearbyint(views[k][i] / VIEW_GRID);
            keys[k].q[i] = fabs(q) < 1e18 ? (long long)q : 0; /* NaN and huge: one group, tested below */
        }
    }
    /* equal keys end up together, the earliest frame first; a view that
     * straddles a grid line is only rendered again */
    qsort(keys, (size_t)n, sizeof *keys, compare_keys);
    int reused = 0;
    for (int a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && !memcmp(keys[a].q, keys[b].q, sizeof keys[a].q); b++)
            ;
        int first = keys[a].k;
        for (int i = a + 1; i < b; i++)
            if (same_view(views[first], views[keys[i].k]) && (keep[first] || budget > 0)) {
                budget -= !keep[first];
                keep[first] = 1;
                reuse[keys[i].k] = first;
                reused++;
            }
    }
    free(keys);
    return reused;
}

#define HUGE_PAGE ((size_t)2 << 20)

/* Frames rendered ahead of the encoder's order, at most. */
#define PENDING 8

typedef struct frames_state {
    p3d_ctx *ctx;
    const p3d_mesh *mesh;
    const raster_lod *lod;
    const p3d_render_options *opt;
    const frame_job *job;
    const int *reuse;
    const char *keep;
    int reused;      /* frames that are copies */
    p3d_image *kept; /* per frame: the copy kept for later frames, in one slab */
    long kept_bytes; /* room for each */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int next;                    /* the next frame to take */
    int written;                 /* frames handed to the encoder */
    int draining;                /* a worker is handing frames to the encoder */
    p3d_image pending[PENDING];  /* frame k in slot k % PENDING until written */
    char ready[PENDING];
    int rc; /* the first error */
    video_writer *vw;
} frames_state;

/* Records the first error (the worker's message into the caller's ctx). */
static void fail(frames_state *s, const p3d_ctx *wctx, int rc)
{
    if (!s->rc) {
        s->rc = rc;
        s->ctx->status = wctx->status;
        memcpy(s->ctx->msg, wctx->msg, sizeof s->ctx->msg);
    }
    pthread_cond_broadcast(&s->changed);
}

/* Frame j to the encoder (the writer opened with the first frame). */
static int write_frame(frames_state *s, p3d_ctx *wctx, int j)
{
    int copy = s->reuse[j] >= 0;
    p3d_image *frame = copy ? &s->kept[s->reuse[j]] : &s->pending[j % PENDING];
    int rc = P3D_OK;
    if (!s->vw) {
        /* one encoder thread beside the renderers; two where most frames
         * are copies, as then the encoder has most of the work */
        int threads = s->reused * 4 >= s->job->n && s->ctx->threads > 1 ? 2 : 1;
        int height = frame->channels == 1 ? yuv420_frame_height(frame->height) : frame->height;
        rc = video_open(wctx, &s->vw, s->job->path, s->opt->format, frame->width, height, s->opt->fps,
                        s->opt->crf, threads);
    }
    if (!rc) /* a kept frame is copied, a pending one swapped with a free buffer */
        rc = copy ? video_write(wctx, s->vw, frame) : video_give(wctx, s->vw, frame);
    if (!rc)
        p3d_report(s->ctx, s->job->name, j + 1, s->job->n);
    return rc;
}

/* Puts frame k (swapped with the slot's buffer, which the worker draws
 * into next) among the pending ones, and when no other worker is at it,
 * hands every pending frame that is next in order to the encoder. A worker
 * waits only when it is PENDING frames ahead. */
static int hand_over(frames_state *s, p3d_ctx *wctx, int k, p3d_image *frame)
{
    pthread_mutex_lock(&s->lock);
    while (k - s->written >= PENDING && !s->rc)
        pthread_cond_wait(&s->changed, &s->lock);
    if (!s->rc) {
        if (s->reuse[k] < 0) {
            p3d_image t = s->pending[k % PENDING];
            s->pending[k % PENDING] = *frame;
            *frame = t;
        }
        s->ready[k % PENDING] = 1;
    }
    if (!s->draining) {
        s->draining = 1;
        while (!s->rc && s->written < s->job->n && s->ready[s->written % PENDING]) {
            int j = s->written;
            pthread_mutex_unlock(&s->lock);
            int rc = write_frame(s, wctx, j); /* may wait for the encoder */
            pthread_mutex_lock(&s->lock);
            if (rc)
                fail(s, wctx, rc);
            s->ready[j % PENDING] = 0;
            s->written++;
            pthread_cond_broadcast(&s->changed);
        }
        s->draining = 0;
    }
    int rc = s->rc;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void worker(frames_state *s, frame_work *work)
{
    p3d_ctx wctx = *s->ctx; /* one thread per frame; errors are copied back */
    wctx.threads = 1;
    wctx.progress = NULL;
    /* the frame as the writer takes it: RGB, or I420 converted here, where
     * the two workers share the conversion instead of the encoder's thread */
    int yuv = video_takes_yuv420(s->opt->format);
    p3d_image rgb = {0}, frame = {0};
    for (;;) {
        pthread_mutex_lock(&s->lock);
        int k = s->rc ? s->job->n : s->next++;
        pthread_mutex_unlock(&s->lock);
        if (k >= s->job->n)
            break;
        int rc = P3D_OK;
        if (s->reuse[k] < 0) {
            const double *v = s->job->views[k];
            rc = frame_render(&wctx, s->mesh, s->lod, v, v[3], s->opt->supersample, s->opt->crop_border,
                              work, yuv ? &rgb : &frame);
            if (!rc && yuv)
                rc = rgb_to_yuv420(&wctx, &rgb, &frame);
            if (!rc && s->keep[k]) {
                size_t bytes = (size_t)frame.width * frame.height * frame.channels;
                if (bytes > (size_t)s->kept_bytes) /* larger than the photo: cannot be */
                    rc = p3d_fail(&wctx, P3D_E_INTERNAL, "frame %dx%d is larger than the photo",
                                  frame.width, frame.height);
                else
                    memcpy(s->kept[k].data, frame.data, bytes);
                s->kept[k].width = frame.width, s->kept[k].height = frame.height;
                s->kept[k].channels = frame.channels;
            }
        }
        if (rc) {
            pthread_mutex_lock(&s->lock);
            fail(s, &wctx, rc);
            pthread_mutex_unlock(&s->lock);
            break;
        }
        if (hand_over(s, &wctx, k, &frame))
            break;
    }
    p3d_image_free(&frame);
    p3d_image_free(&rgb);
}

int frames_to_video(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod,
                    const p3d_render_options *opt, const frame_job *job, frame_work *works,
                    int nworks, p3d_render_stats *stats, video_writer **done)
{
    *done = NULL;
    int n = job->n;
    int *reuse = malloc(sizeof *reuse * (size_t)n);
    char *keep = malloc((size_t)n);
    p3d_image *kept = calloc((size_t)n, sizeof *kept);
    if (!reuse || !keep || !kept) {
        free(reuse), free(keep), free(kept);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for %d frames", n);
    }
    /* the frame size before any frame is drawn: a budget, so an estimate
     * from the mesh's photo is enough */
    long frame_bytes = 3L * mesh->width * mesh->height / (video_takes_yuv420(opt->format) ? 2 : 1);
    int reused = frame_plan_reuse(job->views, n, frame_bytes, reuse, keep);
    /* the kept frames in one slab of huge pages where the kernel has them:
     * 300 MB in 4 KB pages took 80 k page faults, half a CPU-second */
    long nkept = 0;
    for (int k = 0; k < n; k++)
        nkept += keep[k];
    size_t slab_bytes = ((size_t)nkept * frame_bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *slab = NULL;
    if (nkept && posix_memalign(&slab, HUGE_PAGE, slab_bytes) != 0) {
        free(reuse), free(keep), free(kept);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory keeping %ld frames", nkept);
    }
#ifdef MADV_HUGEPAGE
    if (slab)
        madvise(slab, slab_bytes, MADV_HUGEPAGE); /* a hint */
#endif
    for (int k = 0, i = 0; k < n; k++)
        if (keep[k])
            kept[k] = (p3d_image){0, 0, 3, (uint8_t *)slab + (size_t)frame_bytes * i++, false};
    frames_state s = {ctx, mesh, lod, opt, job, reuse, keep, reused, kept, frame_bytes};
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.changed, NULL);
    int workers = nworks < n ? nworks : n;
    double t0 = p3d_seconds();
#pragma omp parallel num_threads(workers)
    {
        int w = 0;
#ifdef _OPENMP
        w = omp_get_thread_num();
#endif
        worker(&s, &works[w]);
    }
    stats->render_seconds += p3d_seconds() - t0;
    int rc = s.rc;
    if (s.vw && !rc) {
        video_end(s.vw); /* the encoder finishes while the caller goes on */
        *done = s.vw;
    } else if (s.vw) {
        video_close(ctx, s.vw, 0, stats);
    }
    if (!rc)
        stats->frames += n;
    free(slab);
    pthread_mutex_destroy(&s.lock);
    pthread_cond_destroy(&s.changed);
    for (int i = 0; i < PENDING; i++)
        p3d_image_free(&s.pending[i]);
    free(reuse), free(keep), free(kept);
    return rc;
}
