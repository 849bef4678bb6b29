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
 * time (raster_setup.c), and fills their pixels in 4x4 stamps
 * (raster_fill.c; AVX-512 where the target has it, else plain C with the
 * same pixels); at the 3x supersampled size most mesh triangles fit one
 * stamp, and a grid cell whose two faces come in a row is drawn as one
 * stamp. */
#include "render/raster.h"
#include "render/raster_batch.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define BACKGROUND 128
#define PADDING 4 /* z-buffer columns after each row, pixels after the colours: stamps touch 4 at any column */
#define CHUNK_FACES 256
#define BAND_ROWS RASTER_BAND_ROWS

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
    free(c->band_zbuf);
    free(c->ring);
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

/* The vertices xyz (n of them) on screen, with their colours rgba or,
 * for fan vertices, their texel columns (the u of 2 floats uv). */
static void project_vertices(const float *xyz, const uint8_t *rgba, const float *uv, long n,
                             const double center[3], double fov, int size, int threads,
                             projected *out)
{
    double half = size / 2.0, focal = half / tan(fov / 2.0);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long i = 0; i < n; i++) {
        const float *p = xyz + 3 * i;
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
        if (uv)
            out[i].u = uv[2 * i];
        else
            memcpy(out[i].rgba, rgba + 4 * i, 4);
    }
}

/* The chunks of CHUNK_FACES faces that n faces make. */
static long chunks_of(long nfaces)
{
    return (nfaces + CHUNK_FACES - 1) / CHUNK_FACES;
}

/* Screen rows [ymin, ymax] that the drawable faces of each chunk of
 * CHUNK_FACES consecutive faces touch (an empty chunk has ymin > ymax).
 * Mesh faces come in image order, so a chunk spans a few rows and a band
 * only looks at the chunks that reach it. */
static void chunk_rows(const int32_t *faces, long nfaces, const projected *pv, int threads,
                       int portable, float *ymin, float *ymax)
{
    long nchunks = chunks_of(nfaces);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long c = 0; c < nchunks; c++) {
        long end = (c + 1) * CHUNK_FACES < nfaces ? (c + 1) * CHUNK_FACES : nfaces;
        if (portable)
            face_rows_portable(faces + 3 * c * CHUNK_FACES, end - c * CHUNK_FACES, pv, ymin + c, ymax + c);
        else
            face_rows(faces + 3 * c * CHUNK_FACES, end - c * CHUNK_FACES, pv, ymin + c, ymax + c);
    }
}

/* One list of faces to draw: vertices on screen, and for textured faces
 * the texel rows and the texture; the chunks' screen rows. */
typedef struct face_set {
    const int32_t *faces;
    long nfaces;
    const projected *pv;
    const fan_vertices *fan;
    const raster_texture *tex;
    const float *ymin, *ymax;
} face_set;

/* Faces [0, n) over the projected vertices pv as a set to draw; their
 * chunks' rows go to ymin and ymax from chunk *next on, which advances. */
static face_set make_set(const int32_t *faces, long n, const projected *pv, const fan_vertices *fan,
                         const raster_texture *tex, float *ymin, float *ymax, long *next, int threads,
                         int portable)
{
    face_set set = {faces, n, pv, fan, tex, ymin + *next, ymax + *next};
    chunk_rows(faces, n, pv, threads, portable, ymin + *next, ymax + *next);
    *next += chunks_of(n);
    return set;
}

/* The faces of the chunks of set that reach rows [top, bottom], in order,
 * set up a batch at a time, drawn into band. */
static void draw_set(const face_set *set, int portable, const raster_rect *band, raster_canvas *cv)
{
    float top = band->y0 + 0.5f, bottom = band->y1 - 0.5f;
    setup_batch batch;
    batch.tex = set->tex;
    long nchunks = chunks_of(set->nfaces);
    for (long c = 0; c < nchunks; c++) {
        if (!(set->ymax[c] >= top && set->ymin[c] <= bottom))
            continue;
        long end = (c + 1) * CHUNK_FACES < set->nfaces ? (c + 1) * CHUNK_FACES : set->nfaces;
        for (long f = c * CHUNK_FACES; f < end; f += SETUP_BATCH) {
            int n = end - f < SETUP_BATCH ? (int)(end - f) : SETUP_BATCH;
            if (portable) {
                setup_faces_portable(set->faces + 3 * f, n, set->pv, set->fan, band, &batch);
                fill_batch_portable(&batch, cv);
            } else {
                setup_faces(set->faces + 3 * f, n, set->pv, set->fan, band, &batch);
                fill_batch(&batch, cv);
            }
        }
    }
}

/* Clears and draws the rows [y0, y1), columns [x0, x1) of the canvas: the
 * face sets in turn. */
static void draw_band(const face_set *sets, int nsets, int portable, raster_canvas *canvas, int x0,
                      int y0, int x1, int y1)
{
    /* band_z: a z-buffer of the band's rows only, the thread's own; the
     * ring: the band's colours in one of two slots, by band */
    raster_canvas band = *canvas, *cv = canvas;
    if (canvas->band_z) {
        band.inv_depth = canvas->band_zbuf + (size_t)omp_get_thread_num() * BAND_ROWS * canvas->zstride;
        band.zrow0 = y0;
        cv = &band;
    }
    if (canvas->ring_used) {
        band.rgbx = raster_ring_row(canvas, y0); /* y0 starts a band: its slot's first row */
        band.crow0 = y0;
        cv = &band;
    }
    /* the first row pixel by pixel, the others copied from it: GCC at -O2
     * leaves the pixel loop scalar, and memcpy is several times faster */
    uint32_t *first = cv->rgbx + (size_t)(y0 - cv->crow0) * cv->size;
    for (int x = x0; x < x1; x++)
        first[x] = BACKGROUND * 0x010101u;
    for (int y = y0; y < y1; y++) {
        if (y > y0)
            memcpy(first + (size_t)(y - y0) * cv->size + x0, first + x0, sizeof(uint32_t) * (x1 - x0));
        /* the padding columns too: 4-wide stamp loads read them */
        memset(cv->inv_depth + (size_t)(y - cv->zrow0) * cv->zstride + x0, 0, sizeof(float) * (x1 - x0 + PADDING));
    }
    raster_rect rows = {x0, y0, x1, y1};
    for (int k = 0; k < nsets; k++)
        draw_set(&sets[k], portable, &rows, cv);
}

int raster_draw(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                const raster_rect *view, raster_canvas *canvas)
{
    return raster_draw_lod(ctx, mesh, NULL, center, fov, view, canvas);
}

int raster_draw_lod(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod,
                    const double center[3], double fov, const raster_rect *view,
                    raster_canvas *canvas)
{
    return raster_draw_rows(ctx, mesh, lod, center, fov, view, canvas, NULL, NULL);
}

int raster_draw_rows(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod, const double center[3],
                     double fov, const raster_rect *view, raster_canvas *canvas, raster_rows_fn done,
                     void *user)
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
    long nfaces = lod ? lod->nfaces : mesh->nfaces, ntverts = lod ? lod->ntverts : 0;
    long ntfaces = lod ? lod->ntfaces : 0, nfront = lod ? lod->ntfaces_front : 0;
    long npverts = lod ? lod->npverts : 0, npfaces = lod ? lod->npfaces : 0;
    long nkverts = lod ? lod->nkverts : mesh->nverts, nverts = nkverts + ntverts + npverts;
    long nchunks = chunks_of(nfaces) + chunks_of(npfaces) + chunks_of(nfront) + chunks_of(ntfaces - nfront);
    if (canvas->nprojected < nverts || !canvas->projected || canvas->nchunks < nchunks) {
        free(canvas->projected);
        free(canvas->chunk_rows);
        canvas->nprojected = nverts ? nverts : 1;
        canvas->nchunks = nchunks ? nchunks : 1;
        canvas->projected = malloc(sizeof(projected) * (size_t)canvas->nprojected);
        canvas->chunk_rows = malloc(sizeof(float) * 2 * (size_t)canvas->nchunks);
        if (!canvas->projected || !canvas->chunk_rows) {
            canvas->nprojected = canvas->nchunks = 0;
            return p3d_fail(ctx, P3D_E_NOMEM, "out of memory projecting %ld vertices", mesh->nverts);
        }
    }
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    if (canvas->band_z && canvas->band_zthreads < threads) {
        free(canvas->band_zbuf);
        canvas->band_zbuf = malloc(sizeof(float) * BAND_ROWS * canvas->zstride * (size_t)threads);
        canvas->band_zthreads = canvas->band_zbuf ? threads : 0;
        if (!canvas->band_zbuf)
            return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for the render bands' z-buffers");
    }
    canvas->zrow0 = canvas->crow0 = 0;
    canvas->ring_used = canvas->band_colour && done && threads == 1;
    canvas->ring_y0 = view->y0;
    if (canvas->ring_used && !canvas->ring) {
        canvas->ring = malloc(sizeof(uint32_t) * ((size_t)2 * BAND_ROWS * canvas->size + PADDING));
        if (!canvas->ring)
            return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for the render bands' colours");
    }
    projected *pv = canvas->projected, *tpv = pv + nkverts, *ppv = tpv + ntverts;
    float *ymin = canvas->chunk_rows, *ymax = ymin + nchunks;
    int portable = canvas->portable;
    raster_texture tex = {0};
    fan_vertices fan = {lod ? lod->tuv : NULL, lod ? lod->txyz : NULL};
    face_set sets[4];
    int nsets = 0;
    long next = 0; /* the next set's first chunk */
    project_vertices(lod ? lod->kxyz : mesh->xyz, lod ? lod->krgba : mesh->rgba, NULL, nkverts, center,
                     fov, canvas->size, threads, pv);
    face_set kept = make_set(lod ? lod->faces : mesh->faces, nfaces, pv, NULL, NULL, ymin, ymax, &next,
                             threads, portable);
    if (npfaces > 0) {
        project_vertices(lod->pxyz, lod->prgba, NULL, npverts, center, fov, canvas->size, threads, ppv);
        sets[nsets++] = make_set(lod->pfaces, npfaces, ppv, NULL, NULL, ymin, ymax, &next, threads, portable);
    }
    if (ntfaces > 0) {
        /* front fans, kept faces, hidden fans: front to back, roughly */
        tex = (raster_texture){lod->atlas, lod->atlas_stride, (float)(lod->atlas_w - 1),
                               (float)(lod->atlas_h - 1)};
        project_vertices(lod->txyz, NULL, lod->tuv, ntverts, center, fov, canvas->size, threads, tpv);
        sets[nsets++] = make_set(lod->tfaces, nfront, tpv, &fan, &tex, ymin, ymax, &next, threads, portable);
        sets[nsets++] = kept;
        sets[nsets++] = make_set(lod->tfaces + 3 * nfront, ntfaces - nfront, tpv, &fan, &tex, ymin, ymax,
                                 &next, threads, portable);
    } else {
        sets[nsets++] = kept;
    }
    int rows = view->y1 - view->y0, bands = (rows + BAND_ROWS - 1) / BAND_ROWS;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int b = 0; b < bands; b++) {
        int y0 = view->y0 + b * BAND_ROWS, y1 = y0 + BAND_ROWS < view->y1 ? y0 + BAND_ROWS : view->y1;
        draw_band(sets, nsets, portable, canvas, view->x0, y0, view->x1, y1);
        if (done && threads == 1)
            done(user, y0, y1);
    }
    if (done && threads > 1)
        done(user, view->y0, view->y1);
    return P3D_OK;
}
