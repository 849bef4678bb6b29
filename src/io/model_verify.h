/* Internals shared by the model verification and installation code. */
#ifndef P3D_IO_MODEL_VERIFY_H
#define P3D_IO_MODEL_VERIFY_H

#include <stdio.h>
#include "photo3d/models.h"

/* Reads path to its end, computing its SHA-256 (lowercase hex) and size, and
 * writing a copy of its bytes to copy_to unless that is NULL. */
int p3d_sha256_copy(p3d_ctx *ctx, const char *path, FILE *copy_to, char hex[65], int64_t *size);
/* Compares a file's size and sum with spec; the message names label. */
int p3d_models_check_sums(p3d_ctx *ctx, const p3d_model_spec *spec, const char *label,
                          int64_t size, const char *hex);

#endif
