/* Software rasterizer for the 3D photo mesh with the reference's camera
 * (ALGORITHM.md 9, "Camera convention"): u = S/2 + (S/2)(px/pz)/tan(fov/2),
 * likewise v, pixel centres at integer + 0.5. Triangles are filled when a
 * pixel centre lies inside or on an edge; the nearest surface wins (z-buffer
 * on 1/z, which is linear in screen space) and colours are interpolated
 * perspective-correctly as colour/z over 1/z. No culling; triangles with a
 * vertex closer than RASTER_NEAR are dropped (the reference clips nothing in
 * practice). Row bands are drawn in parallel: each band owns its rows, so no
 * locking is needed and the result does not depend on the thread count.
 * Faces come in image order, so each chunk of CHUNK_FACES faces spans a few
 * rows: a band only sets up the faces of the chunks that reach it, 16 at a
 * time (raster_setup.c), and tests their pixels in 4x4 stamps with GCC
 * vector types (AVX-512 with masked stores where the target has it); at
 * the 3x supersampled size most mesh triangles fit one stamp. */
#include "render/raster.h"
#include "render/raster_batch.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define BACKGROUND 128
#define PADDING 4 /* columns after each z-buffer row (and pixels after the colours): 4x4 stamps load 4 at any column */
#define CHUNK_FACES 256
#define BAND_ROWS 64 /* rows per band: many bands balance the threads */
#define STREAMS 2     /* face streams drawn interleaved per band */

int raster_canvas_alloc(p3d_ctx *ctx, raster_canvas *c, int size)
{
    memset(c, 0, sizeof *c);
    size_t n = (size_t)size * size;
    if (size <= 0 || (long long)n > ctx->max_pixels)
        return p3d_fail(ctx, P3D_E_LIMIT, "render canvas %dx%d is over the pixel limit", size, size);
    c->rgbx = malloc(sizeof(uint32_t) * (n + PADDING));
    c->zstride = size + PADDING;
    c->inv_depth = malloc((size_t)size * c->zstride * sizeof(float));
    c->size = size;
    if (!c->rgbx || !c->inv_depth) {
        raster_canvas_free(c);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for a %dx%d render canvas", size, size);
    }
    return P3D_OK;
}

void raster_canvas_free(raster_canvas *c)
{
    free(c->rgbx);
    free(c->inv_depth);
    free(c->projected);
    free(c->chunk_rows);
    memset(c, 0, sizeof *c);
}

void raster_project(const double center[3], double fov, int size, const double p[3], double *u,
                    double *v)
{
    double half = size / 2.0, focal = half / tan(fov / 2.0);
    double pz = p[2] - center[2];
    *u = half + focal * (p[0] - center[0]) / pz;
    *v = half + focal * (p[1] - center[1]) / pz;
}

static void project_vertices(const p3d_mesh *m, const double center[3], double fov, int size,
                             int threads, projected *out)
{
    double half = size / 2.0, focal = half / tan(fov / 2.0);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long i = 0; i < m->nverts; i++) {
        const float *p = m->xyz + 3 * i;
        double pz = p[2] - center[2];
        if (pz < RASTER_NEAR) {
            out[i].x = out[i].y = 0;
            out[i].inv_z = -1;
            continue;
        }
        double iz = 1.0 / pz;
        out[i].x = (float)(half + focal * (p[0] - center[0]) * iz);
        out[i].y = (float)(half + focal * (p[1] - center[1]) * iz);
        out[i].inv_z = (float)iz;
        memcpy(out[i].rgba, m->rgba + 4 * i, 4);
    }
}

/* Screen rows [ymin, ymax] that the drawable faces of each chunk of
 * CHUNK_FACES consecutive faces touch (an empty chunk has ymin > ymax).
 * Mesh faces come in image order, so a chunk spans a few rows and a band
 * only looks at the chunks that reach it. */
static void chunk_rows(const p3d_mesh *m, const projected *pv, int threads, float *ymin,
                       float *ymax)
{
    long nchunks = (m->nfaces + CHUNK_FACES - 1) / CHUNK_FACES;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long c = 0; c < nchunks; c++) {
        float lo = INFINITY, hi = -INFINITY;
        long end = (c + 1) * CHUNK_FACES < m->nfaces ? (c + 1) * CHUNK_FACES : m->nfaces;
        for (long f = c * CHUNK_FACES; f < end; f++) {
            const int32_t *idx = m->faces + 3 * f;
            const projected *v[3] = {pv + idx[0], pv + idx[1], pv + idx[2]};
            if (v[0]->inv_z <= 0 || v[1]->inv_z <= 0 || v[2]->inv_z <= 0)
                continue;
            float a = min3(v[0]->y, v[1]->y, v[2]->y), b = max3(v[0]->y, v[1]->y, v[2]->y);
            lo = a < lo ? a : lo;
            hi = b > hi ? b : hi;
        }
        ymin[c] = lo, ymax[c] = hi;
    }
}

/* The faces that reach a few rows of the canvas, set up a batch at a time. */
typedef struct face_stream {
    raster_rect rows;
    long chunk, face, end; /* the chunk, its next face to set up, its end */
    int next;              /* the batch's next triangle to fill */
    setup_batch batch;
} face_stream;

typedef struct band_job {
    const p3d_mesh *mesh;
    const projected *pv;
    const float *ymin, *ymax; /* chunk_rows */
    long nchunks;
    int portable;
} band_job;

/* Makes the stream's next triangle ready; 0 when it has none left. */
static int stream_ready(face_stream *s, const band_job *job)
{
    while (s->next >= s->batch.n) {
        if (s->face >= s->end) {
            float top = s->rows.y0 + 0.5f, bottom = s->rows.y1 - 0.5f;
            do
                s->chunk++;
            while (s->chunk < job->nchunks &&
                   !(job->ymax[s->chunk] >= top && job->ymin[s->chunk] <= bottom));
            if (s->chunk >= job->nchunks)
                return 0;
            s->face = s->chunk * CHUNK_FACES;
            s->end = s->face + CHUNK_FACES < job->mesh->nfaces ? s->face + CHUNK_FACES : job->mesh->nfaces;
        }
        int n = s->end - s->face < SETUP_BATCH ? (int)(s->end - s->face) : SETUP_BATCH;
        const int32_t *faces = job->mesh->faces + 3 * s->face;
        if (job->portable)
            setup_faces_portable(faces, n, job->pv, &s->rows, &s->batch);
        else
            setup_faces(faces, n, job->pv, &s->rows, &s->batch);
        s->face += n;
        s->next = 0;
    }
    return 1;
}

/* Clears and draws the rows [y0, y1), columns [x0, x1) of the canvas. The
 * rows are split between STREAMS streams of faces, each in mesh order,
 * whose triangles are filled in turn: they touch different pixels, so the
 * result is the same as one after the other, but the CPU can overlap a
 * triangle's z-buffer reads with the previous triangle's writes of another
 * stream instead of waiting for them. */
static void draw_band(const band_job *job, raster_canvas *cv, int x0, int y0, int x1, int y1)
{
    for (int y = y0; y < y1; y++) {
        uint32_t *rgbx = cv->rgbx + (size_t)y * cv->size;
        for (int x = x0; x < x1; x++)
            rgbx[x] = BACKGROUND * 0x010101u;
        /* the padding columns too: 4-wide stamp loads read them */
        memset(cv->inv_depth + (size_t)y * cv->zstride + x0, 0, sizeof(float) * (x1 - x0 + PADDING));
    }
    face_stream st[STREAMS];
    int nstreams = 0;
    for (int k = 0; k < STREAMS; k++) {
        int a = y0 + (y1 - y0) * k / STREAMS, b = y0 + (y1 - y0) * (k + 1) / STREAMS;
        if (a < b) {
            face_stream *s = &st[nstreams++];
            s->rows = (raster_rect){x0, a, x1, b};
            s->chunk = -1, s->face = s->end = 0;
            s->next = s->batch.n = 0;
        }
    }
    for (int live = nstreams; live;) {
        live = 0;
        for (int k = 0; k < nstreams; k++)
            if (stream_ready(&st[k], job)) {
                if (job->portable)
                    fill_triangle_portable(&st[k].batch, st[k].next++, cv);
                else
                    fill_triangle(&st[k].batch, st[k].next++, cv);
                live++;
            }
    }
}

int raster_draw(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                const raster_rect *view, raster_canvas *canvas)
{
    raster_rect all = {0, 0, canvas->size, canvas->size};
    if (!view)
        view = &all;
    if (view->x0 < 0 || view->y0 < 0 || view->x1 > canvas->size || view->y1 > canvas->size ||
        view->x0 >= view->x1 || view->y0 >= view->y1)
        return p3d_fail(ctx, P3D_E_INTERNAL, "render view [%d,%d)x[%d,%d) is not inside the canvas",
                        view->x0, view->x1, view->y0, view->y1);
    if (!(fov > 0 && fov < P3D_PI))
        return p3d_fail(ctx, P3D_E_INPUT, "mesh field of view %g rad is not in (0, pi)", fov);
    long nchunks = (mesh->nfaces + CHUNK_FACES - 1) / CHUNK_FACES;
    if (canvas->nprojected < mesh->nverts || !canvas->projected || canvas->nchunks < nchunks) {
        free(canvas->projected);
        free(canvas->chunk_rows);
        canvas->nprojected = mesh->nverts ? mesh->nverts : 1;
        canvas->nchunks = nchunks ? nchunks : 1;
        canvas->projected = malloc(sizeof(projected) * (size_t)canvas->nprojected);
        canvas->chunk_rows = malloc(sizeof(float) * 2 * (size_t)canvas->nchunks);
        if (!canvas->projected || !canvas->chunk_rows) {
            canvas->nprojected = canvas->nchunks = 0;
            return p3d_fail(ctx, P3D_E_NOMEM, "out of memory projecting %ld vertices", mesh->nverts);
        }
    }
    projected *pv = canvas->projected;
    float *ymin = canvas->chunk_rows, *ymax = ymin + nchunks;
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    project_vertices(mesh, center, fov, canvas->size, threads, pv);
    chunk_rows(mesh, pv, threads, ymin, ymax);
    band_job job = {mesh, pv, ymin, ymax, nchunks, canvas->portable || mesh->nverts >= (1L << 29)};
    int rows = view->y1 - view->y0, bands = (rows + BAND_ROWS - 1) / BAND_ROWS;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int b = 0; b < bands; b++) {
        int y0 = view->y0 + b * BAND_ROWS, y1 = y0 + BAND_ROWS < view->y1 ? y0 + BAND_ROWS : view->y1;
        draw_band(&job, canvas, view->x0, y0, view->x1, y1);
    }
    return P3D_OK;
}
