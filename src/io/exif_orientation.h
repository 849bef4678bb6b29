/* EXIF orientation of JPEG photos (ALGORITHM.md 2.2: photo3d turns photos
 * upright consistently for the pipeline and the depth network). */
#ifndef P3D_EXIF_ORIENTATION_H
#define P3D_EXIF_ORIENTATION_H

#include "photo3d/core.h"

/* The orientation tag (1..8) of an APP1 "Exif" payload; 1 when absent or malformed. */
int p3d_exif_orientation(const uint8_t *app1, size_t len);
/* Rewrites img so that it displays upright for the given orientation (1..8). */
int p3d_apply_orientation(p3d_ctx *ctx, p3d_image *img, int orientation);

#endif
