/* The extrapolated border band (mesh_tools.py: fill_dummy_bord, extrapolate;
 * ALGORITHM.md 4.8, 4.10). */
#ifndef P3D_LDI_BORDER_H
#define P3D_LDI_BORDER_H

#include "inpaint/backend.h"
#include "ldi/ldi_build.h"
#include "photo3d/pipeline.h"

/* Fills the pad-wide band around the image with nodes (flag LDI_BAND):
 * 8 backend jobs in the reference's order (up, left, down, right, right-up,
 * right-down, left-up, left-down), each on the block of context_thickness
 * rows/columns next to its band strip, reading everything known so far.
 * Band nodes are linked to their 4-neighbours unless the disparity jumps by
 * more than depth_threshold; afterwards the border is the whole canvas. */
int ldi_extrapolate_border(p3d_ctx *ctx, ldi *l, const uint8_t *cls,
                           const p3d_pipeline_options *o, int gray,
                           const p3d_inpaint_backend *backend);

#endif
