/* Minimal writers for the synth outputs (PNG, .npy, PFM), used until the io
 * stage's p3d_image_save_png / p3d_map_save_npy / p3d_map_save_pfm land. */
#ifndef P3D_SYNTH_FILES_H
#define P3D_SYNTH_FILES_H

#include "photo3d/core.h"

int synth_save_png(p3d_ctx *ctx, const char *path, const p3d_image *img);
int synth_save_npy(p3d_ctx *ctx, const char *path, const p3d_map *map);
int synth_save_pfm(p3d_ctx *ctx, const char *path, const p3d_map *map);

#endif
