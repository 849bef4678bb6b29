/* Internal interface of the software rasterizer and the frame post-processing
 * (ALGORITHM.md 9). */
#ifndef P3D_RASTER_H
#define P3D_RASTER_H

#include "photo3d/mesh.h"

#define P3D_PI 3.14159265358979323846

#define RASTER_BAND_ROWS 128 /* rows per band: several per thread balance the threads */

/* A square canvas: 8-bit colour packed in 32 bits and an inverse-depth
 * buffer whose rows are padded (zstride >= size + 3) so that 4-pixel-wide
 * stamps can be loaded at any column. */
typedef struct raster_canvas {
    int size, zstride;
    uint32_t *rgbx;    /* size*size pixels: R | G << 8 | B << 16; row y at (y - crow0) * size */
    int crow0;         /* the canvas row of rgbx's first row: 0, or a band's first (band_colour) */
    float *inv_depth;  /* 1/z of the nearest surface, 0 = background; row y at (y - zrow0) * zstride */
    int zrow0;         /* the canvas row of inv_depth's first row: 0, or a band's first with band_z */
    int band_z;        /* the z-buffer is needed only while drawing: each band is drawn with a
                        * z-buffer of its own rows (in cache), and inv_depth is left unwritten */
    float *band_zbuf;  /* scratch for band_z: BAND_ROWS rows per thread */
    int band_zthreads; /* its capacity in threads */
    int band_colour;   /* with one thread and a raster_draw_rows callback, the colours too are
                        * drawn into a ring of two bands, read with raster_canvas_row from the
                        * callback (rgbx is left unwritten) */
    uint32_t *ring;    /* scratch for band_colour: the colours of two bands */
    int ring_used;     /* the last draw left its colours in the ring */
    int ring_y0;       /* the canvas row of the ring's first band's first row */
    void *projected;   /* scratch kept between draws: the mesh's vertices on screen */
    long nprojected;   /* its capacity in vertices */
    float *chunk_rows; /* scratch: screen rows reached by each chunk of faces */
    long nchunks;      /* its capacity in chunks */
    int portable;      /* tests: the plain C path even where AVX-512 is there */
} raster_canvas;

/* A rectangle of pixels [x0, x1) x [y0, y1). */
typedef struct raster_rect {
    int x0, y0, x1, y1;
} raster_rect;

/* Spare texel columns and rows after the atlas: lookups read up to 3
 * texels past the last one used (raster_fill.c). */
#define RASTER_ATLAS_SPARE 3

/* A simplified copy of a mesh for drawing many frames (raster_lod.c): the
 * mesh's faces that are kept, drawn with its vertex colours, and the fans of
 * textured triangles that replace flat blocks of its grid cells. */
typedef struct raster_lod {
    long nkverts;
    float *kxyz;     /* 3 per vertex of the kept faces: position */
    uint8_t *krgba;  /* 4 per such vertex: colour */
    long nfaces;
    int32_t *faces;  /* kept faces of the mesh (indices of the kept vertices) */
    long ntverts;
    float *txyz;     /* 3 per fan vertex: position */
    float *tuv;      /* 2 per fan vertex: texel coordinate in the atlas (texel centres at integers) */
    long ntfaces, ntfaces_front;
    int32_t *tfaces; /* fan triangles (indices of the fan vertices); the first ntfaces_front are
                      * of blocks on the front surface, drawn before the kept faces */
    long npverts;
    float *pxyz;     /* 3 per vertex of the fans of plain blocks (colours that the fan reproduces) */
    uint8_t *prgba;  /* 4 per such vertex: its colour */
    long npfaces;
    int32_t *pfaces; /* their triangles */
    uint32_t *atlas; /* the blocks' vertex colours as texels, R | G << 8 | B << 16 */
    int atlas_w, atlas_h, atlas_stride; /* texels used; RASTER_ATLAS_SPARE spare columns and rows */
    long nblocks, nquads; /* blocks, and those drawn as two triangles rather than a fan */
} raster_lod;

/* How far the simplified mesh may move any point on screen: err_px output
 * pixels at most, for camera centres whose coordinates stay within
 * shift[k] (absolute value) of the mesh's own camera, seen with focal
 * lengths up to focal output pixels (the narrowest field of view). */
typedef struct raster_lod_bound {
    double err_px, focal, shift[3];
} raster_lod_bound;

/* The inverse-depth error that moves no point by more than the bound's
 * err_px, for points whose normalised coordinates in the mesh's camera
 * (x / z, y / z) are at most a and b in absolute value and whose inverse
 * depths lie in [w_min, w_max]. A point at x / z = a and inverse depth w
 * lands at f (a - c_x w) / (1 - c_z w) from camera centre c, which moves by
 * f (c_z a - c_x) / (1 - c_z w)^2 per unit of w. */
double raster_lod_allowed_dw(const raster_lod_bound *bound, double a, double b, double w_min,
                             double w_max);

/* Replaces each flat block of 4 to 64 grid cells (aligned; every vertex's
 * inverse depth within raster_lod_allowed_dw of the block's fan) by the
 * fan. bound NULL or err_px <= 0, or a mesh without a grid: every face is
 * kept. */
int raster_lod_build(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod_bound *bound,
                     raster_lod *lod);
void raster_lod_free(raster_lod *lod);

int raster_canvas_alloc(p3d_ctx *ctx, raster_canvas *c, int size);
void raster_canvas_free(raster_canvas *c);

/* Renders the mesh seen from camera centre `center` (mesh coordinates,
 * looking along +Z, image x = +X, y = +Y) with field of view fov (radians)
 * across the canvas: z-buffer, perspective-correct vertex colours, no
 * culling, gray background. Only the pixels of view (NULL: all) are
 * written. Multi-threaded over row bands. */
int raster_draw(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                const raster_rect *view, raster_canvas *canvas);
/* The same for the mesh simplified by lod (NULL: the mesh as it is); the
 * fans are drawn after the kept faces. */
int raster_draw_lod(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod,
                    const double center[3], double fov, const raster_rect *view,
                    raster_canvas *canvas);

/* The same, calling done(user, y0, y1) once the rows [y0, y1) of view are
 * final: band by band in order where ctx->threads is 1 (so that the caller
 * can use them while they are in cache), else once for the whole view. */
typedef void (*raster_rows_fn)(void *user, int y0, int y1);
int raster_draw_rows(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod, const double center[3],
                     double fov, const raster_rect *view, raster_canvas *canvas, raster_rows_fn done,
                     void *user);

/* Row y of the canvas's colours in the ring of band_colour: its band (counted
 * from ring_y0) in slot band & 1. */
static inline uint32_t *raster_ring_row(const raster_canvas *cv, int y)
{
    int k = y - cv->ring_y0, band = k / RASTER_BAND_ROWS;
    return cv->ring + ((size_t)(band & 1) * RASTER_BAND_ROWS + k % RASTER_BAND_ROWS) * cv->size;
}

/* Row y of the canvas's colours: in rgbx, or where band_colour puts it (then
 * only the rows of the band just drawn and the one before it are there). */
static inline const uint32_t *raster_canvas_row(const raster_canvas *cv, int y)
{
    return cv->ring_used ? raster_ring_row(cv, y) : cv->rgbx + (size_t)y * cv->size;
}

/* Canvas coordinate (pixel centres at integer + 0.5) of mesh point p. */
void raster_project(const double center[3], double fov, int size, const double p[3], double *u,
                    double *v);

#endif
