/* scene.json: the synthetic scene's description (see scene_json.c). */
#ifndef P3D_SYNTH_SCENE_JSON_H
#define P3D_SYNTH_SCENE_JSON_H

#include "photo3d/synth.h"

/* Writes the scene, camera, light, objects and the file names of the source
 * view and of view_K (K = 1..npose) with their camera centres, atomically. */
int synth_write_json(p3d_ctx *ctx, const char *path, const p3d_synth_scene *s,
                     const double (*poses)[3], int npose);

#endif
