/* Images of the pipeline's intermediate state for --debug-dir. */
#ifndef P3D_DEBUG_MAPS_H
#define P3D_DEBUG_MAPS_H

#include "ldi/ldi_build.h"
#include "ldi/ldi_inpaint.h"
#include "photo3d/pipeline.h"

int debug_keep_depth(p3d_ctx *ctx, p3d_pipeline_debug *d, const p3d_map *depth);
/* Canvas gray image: 255 foreground-side, 128 background-side edge pixels. */
int debug_edges_image(p3d_ctx *ctx, p3d_pipeline_debug *d, const ldi *l, const uint8_t *cls);
/* Allocates the canvas maps an inpainting iteration writes into. */
int debug_inpaint_maps(p3d_ctx *ctx, p3d_pipeline_debug *d, const ldi *l, int iter,
                       ldi_inpaint_debug *m);
/* Turns them into the iteration's images and frees them. */
void debug_inpaint_finish(p3d_pipeline_debug *d, const ldi *l, int iter, ldi_inpaint_debug *m);

#endif
