/* Simple inpainting baselines used to evaluate the real backends.
 * "diffusion": no edge continuation (edge_out = edge), depth and colour by
 * harmonic (membrane) interpolation from the context; output conventions as
 * the classical backend (classical.h). */
#ifndef P3D_INPAINT_BASELINES_H
#define P3D_INPAINT_BASELINES_H

#include "inpaint/backend.h"

int p3d_inpaint_diffusion_create(p3d_ctx *ctx, p3d_inpaint_backend *out);

#endif
