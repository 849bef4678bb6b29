/* The 3D photo mesh: vertices (position, colour, provenance code) and
 * triangles, with the photo's working size and fields of view, as the
 * reference's PLY carries them. */
#ifndef PHOTO3D_MESH_H
#define PHOTO3D_MESH_H

#include "photo3d/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Provenance codes stored in the PLY "alpha" property (ALGORITHM.md 8). */
enum {
    P3D_VERTEX_ORIGINAL = 1,
    P3D_VERTEX_SYNTH = 2,      /* synthesised without a nearby context edge */
    P3D_VERTEX_SYNTH_EDGE = 4, /* synthesised with edge occlusion */
    P3D_VERTEX_BORDER = 5      /* extrapolated border band */
};

typedef struct p3d_mesh {
    int width, height;   /* working image size (PLY comments H, W) */
    double hfov, vfov;   /* radians (PLY comments hFov, vFov) */
    long nverts;
    float *xyz;          /* 3*nverts: X right, Y down, Z forward (depth) */
    uint8_t *rgba;       /* 4*nverts: colour and provenance code */
    long nfaces;
    int32_t *faces;      /* 3*nfaces vertex indices */
} p3d_mesh;

void p3d_mesh_free(p3d_mesh *mesh);

/* PLY: binary little-endian (default, fast) or the reference's exact ascii
 * layout (header comments H, W, hFov, vFov; x y z red green blue alpha;
 * faces "3 a b c"), which the reference's read_ply loads. Both are read back. */
int p3d_mesh_save_ply(p3d_ctx *ctx, const char *path, const p3d_mesh *mesh, int ascii);
int p3d_mesh_load_ply(p3d_ctx *ctx, const char *path, p3d_mesh *mesh);

#ifdef __cplusplus
}
#endif
#endif
