/* Procedural surface textures of the synthetic scene (see texture.c). */
#ifndef P3D_SYNTH_TEXTURE_H
#define P3D_SYNTH_TEXTURE_H

#include "photo3d/synth.h"

/* Colour (linear RGB, 0..1) of texture t at surface coordinates (u, v), in
 * scene units along the surface, and at the object-local point p (for solid
 * noise). Depends only on the surface point, never on the viewer. */
void synth_texture_color(const p3d_synth_texture *t, double u, double v, const double p[3],
                         double rgb[3]);

/* Name used in scene.json, e.g. "checker". */
const char *synth_texture_name(p3d_synth_texture_kind kind);

#endif
