/* Private interface of src/eval: the meshes of the compared methods. */
#ifndef P3D_EVAL_INTERNAL_H
#define P3D_EVAL_INTERNAL_H

#include "photo3d/eval.h"
#include "photo3d/mesh.h"

/* The pipeline's mesh with the classical (P3D_EVAL_OURS) or the diffusion backend. */
int eval_pipeline_mesh(p3d_ctx *ctx, const p3d_eval_job *job, int method, p3d_mesh *mesh);
/* A copy of ours without the faces that touch synthesised or band vertices. */
int eval_holes_mesh(p3d_ctx *ctx, const p3d_mesh *ours, p3d_mesh *mesh);
/* One grid mesh (two triangles per cell) over the filtered source depth. */
int eval_stretch_mesh(p3d_ctx *ctx, const p3d_eval_job *job, p3d_mesh *mesh);

#endif
