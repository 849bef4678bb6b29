/* Internal to the rasterizer (raster.c): projected vertices, the set-up of
 * a batch of up to 16 triangles for one band of the canvas in
 * structure-of-arrays form (raster_setup.c) and the filling of their pixels
 * (raster_fill.c). Each has a plain C and an AVX-512 implementation that
 * give bit-identical results (tests/test_raster_paths.c). */
#ifndef P3D_RASTER_BATCH_H
#define P3D_RASTER_BATCH_H

#include "render/raster.h"

#define RASTER_NEAR 1e-3
#define SETUP_BATCH 16

typedef struct projected {
    float x, y, inv_z; /* inv_z <= 0: in front of the near plane */
    union {
        uint8_t rgba[4]; /* colour; colour * inv_z is interpolated linearly on screen */
        float u;         /* a fan vertex's texel column (its row is in raster_lod.tuv) */
    };
} projected;             /* 16 bytes: the bands stream these from memory for every face */

/* The texels that textured triangles take their colours from (interpolated
 * as the mesh's cells are, raster_fill.c texel()). */
typedef struct raster_texture {
    const uint32_t *texels; /* R | G << 8 | B << 16 */
    int stride;             /* texels per row; RASTER_ATLAS_SPARE columns and rows follow the last ones used */
    float umax, vmax;       /* texel coordinates are clamped to [0, umax] x [0, vmax] */
} raster_texture;

/* Plain comparisons: fminf/fmaxf are library calls with NaN rules. */
static inline float min3(float a, float b, float c)
{
    float m = a < b ? a : b;
    return m < c ? m : c;
}

static inline float max3(float a, float b, float c)
{
    float m = a > b ? a : b;
    return m > c ? m : c;
}

/* Triangles ready to draw, in mesh order. Triangle i fills the pixels of
 * [xa, xb] x [ya, yb] (inclusive, inside the band) whose centres p have
 * w_k(p) = dx[k] * (p.y - ay[k]) - dy[k] * (p.x - ax[k]) >= 0 for its three
 * edges k (edge k is opposite vertex k). iz and cz are 1/z and colour/z at
 * the vertices divided by twice the area, so 1/z at p is sum_k w_k iz[k]
 * and colour channel ch is sum_k w_k cz[ch][k] / (1/z). */
typedef struct setup_batch {
    int n;
    int32_t xa[SETUP_BATCH], xb[SETUP_BATCH], ya[SETUP_BATCH], yb[SETUP_BATCH];
    float ax[3][SETUP_BATCH], ay[3][SETUP_BATCH], dx[3][SETUP_BATCH], dy[3][SETUP_BATCH];
    float iz[3][SETUP_BATCH], cz[3][3][SETUP_BATCH];
    const raster_texture *tex; /* textured triangles (cz: see setup_faces) */
} setup_batch;

/* Fan vertices of a simplified mesh (raster_lod): texel coordinates (u in
 * projected.u as well) and positions, for textured faces. */
typedef struct fan_vertices {
    const float *uv, *xyz;
} fan_vertices;

/* Sets up faces [0, n) (n <= SETUP_BATCH, vertex indices in faces) for
 * drawing into the band rect: drops those with a vertex behind the near
 * plane, with no pixel centre in the band or with no area. With fan the
 * faces are textured. A texel coordinate is where the surface point lies
 * in the mesh's own camera: u = U / Q with U and Q interpolated like
 * colours from u_k Z_k and Z_k at the vertices (Z the depth in the mesh's
 * camera, affine over a triangle, like the point's X, Y), so cz[0], cz[1]
 * and cz[2] hold u Z / z, v Z / z and Z / z over twice the area. */
void setup_faces_portable(const int32_t *faces, int n, const projected *pv, const fan_vertices *fan,
                          const raster_rect *band, setup_batch *out);
/* The same with AVX-512 where the build has it (else the portable one). */
void setup_faces(const int32_t *faces, int n, const projected *pv, const fan_vertices *fan,
                 const raster_rect *band, setup_batch *out);

/* Screen rows [*lo, *hi] that faces [0, n) reach, over those with no vertex
 * behind the near plane and leaving NaN rows out (lo > hi when none):
 * raster.c's bounds of a chunk of faces. */
void face_rows_portable(const int32_t *faces, long n, const projected *pv, float *lo, float *hi);
void face_rows(const int32_t *faces, long n, const projected *pv, float *lo, float *hi);

/* Draws the batch's triangles into the canvas in order (AVX-512 where the
 * build has it, else the portable version; both give the same pixels). */
void fill_batch(const setup_batch *t, raster_canvas *cv);
void fill_batch_portable(const setup_batch *t, raster_canvas *cv);

#endif
