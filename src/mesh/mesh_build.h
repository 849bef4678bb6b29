/* The 3D photo mesh from the LDI (mesh.py: write_ply, generate_face,
 * reproject_3d_int_detail; ALGORITHM.md 8). */
#ifndef P3D_MESH_BUILD_H
#define P3D_MESH_BUILD_H

#include "ldi/ldi.h"
#include "photo3d/mesh.h"
#include "photo3d/pipeline.h"

/* One vertex per live node in raster order of the canvas, layers front to
 * back, back-projected with the reference camera of a photo_w x photo_h
 * photo at the LDI's working size (pixel centres at +0.5, band pixels
 * outside the frustum). Faces: per grid cell, the triangles whose three
 * corners are linked in an L: 2 per fully linked cell (split along the
 * top-left/bottom-right diagonal), 1 per cell with 3 linked corners. */
int p3d_mesh_from_ldi(p3d_ctx *ctx, const ldi *l, int photo_w, int photo_h, p3d_mesh *out);

/* The mesh vertex of each node (vid, l->n entries): live nodes numbered in
 * p3d_mesh_from_ldi's order, -1 for the others. Returns their number. */
long mesh_vertex_ids(const ldi *l, int32_t *vid);
/* The point at depth d seen through (col, row) of the LDI's working image
 * (pixel centres at +0.5) by cam, as p3d_mesh_from_ldi places vertices. */
void mesh_back_project(const p3d_camera *cam, double col, double row, double d, float xyz[3]);

/* Adds a rim of `extend` pixels along the front layer's silhouettes: for
 * every original front node with missing links towards farther original
 * front nodes (both inside the border), a copy of its vertex moved out
 * towards each of them (and diagonally at corners), at its depth and with
 * its colour and provenance, joined by triangles to the original vertex and
 * to the copies of its linked neighbours that face the same way. mesh must
 * be p3d_mesh_from_ldi's of the same LDI. Returns the number of vertices
 * added, or -1 (error set). */
long mesh_extend_silhouettes(p3d_ctx *ctx, const ldi *l, int photo_w, int photo_h, float extend,
                             p3d_mesh *mesh);

/* The number of triangles the reference's generate_face would emit for the
 * same LDI: one per node and (horizontal, vertical) link pair. */
long mesh_reference_face_count(const ldi *l);

#endif
