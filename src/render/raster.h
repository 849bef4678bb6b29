/* Internal interface of the software rasterizer and the frame post-processing
 * (ALGORITHM.md 9). */
#ifndef P3D_RASTER_H
#define P3D_RASTER_H

#include "photo3d/mesh.h"

#define P3D_PI 3.14159265358979323846

/* A square canvas: 8-bit colour packed in 32 bits and an inverse-depth
 * buffer whose rows are padded (zstride >= size + 3) so that 4-pixel-wide
 * stamps can be loaded at any column. */
typedef struct raster_canvas {
    int size, zstride;
    uint32_t *rgbx;    /* size*size pixels: R | G << 8 | B << 16 */
    float *inv_depth;  /* 1/z of the nearest surface, 0 = background; row y at y*zstride */
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

int raster_canvas_alloc(p3d_ctx *ctx, raster_canvas *c, int size);
void raster_canvas_free(raster_canvas *c);

/* Renders the mesh seen from camera centre `center` (mesh coordinates,
 * looking along +Z, image x = +X, y = +Y) with field of view fov (radians)
 * across the canvas: z-buffer, perspective-correct vertex colours, no
 * culling, gray background. Only the pixels of view (NULL: all) are
 * written. Multi-threaded over row bands. */
int raster_draw(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                const raster_rect *view, raster_canvas *canvas);

/* Canvas coordinate (pixel centres at integer + 0.5) of mesh point p. */
void raster_project(const double center[3], double fov, int size, const double p[3], double *u,
                    double *v);

#endif
