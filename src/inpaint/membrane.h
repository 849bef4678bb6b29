/* Membrane (harmonic, Laplace) interpolation of scattered values on a pixel
 * grid: the smooth fill used for depth (ALGORITHM.md 6.3, classical
 * replacement of the depth network) and by the diffusion baseline. */
#ifndef P3D_INPAINT_MEMBRANE_H
#define P3D_INPAINT_MEMBRANE_H

#include <stdint.h>
#include "photo3d/core.h"

enum { MEMBRANE_WALL = 0, MEMBRANE_KNOWN = 1, MEMBRANE_UNKNOWN = 2 };

/* values: w*h pixels of `channels` interleaved floats. state: one of the
 * MEMBRANE_* per pixel. Every 4-connected component of UNKNOWN pixels is solved
 * on its own (Dirichlet data: the KNOWN pixels 4-adjacent to it; WALL pixels do
 * not take part, so walls are barriers) by a coarse-to-fine pyramid with
 * Gauss-Seidel/SOR sweeps. A component that touches no KNOWN pixel takes the
 * values of the nearest KNOWN pixel (4-connected distance, walls ignored);
 * with no KNOWN pixel at all, every UNKNOWN pixel gets `fallback`
 * (`channels` floats). KNOWN and WALL values are not changed. */
int membrane_fill(p3d_ctx *ctx, int w, int h, int channels, const uint8_t *state, float *values,
                  const float *fallback);

/* The pixels on walls after a fill (the rows of continued depth edges, ALGORITHM.md 6.3): every
 * mask pixel in state WALL takes the `channels` values of its non-WALL
 * 8-neighbour with the smallest key (the near side's), repeated until none
 * changes; a filled pixel becomes UNKNOWN and so a neighbour for the rest.
 * Pixels with no such neighbour anywhere stay WALL for the caller. */
void membrane_fill_walls(const uint8_t *mask, int w, int h, uint8_t *state, const float *key,
                         int channels, float *values);

#endif
