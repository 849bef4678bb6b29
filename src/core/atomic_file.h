/* Atomic output files: write to a temporary file beside the target, then
 * rename over it, so that a failed run never leaves a half-written output. */
#ifndef P3D_ATOMIC_FILE_H
#define P3D_ATOMIC_FILE_H

#include <stdio.h>
#include "photo3d/core.h"

typedef struct p3d_atomic {
    FILE *fp;            /* open for writing ("wb") on the temporary file */
    char tmp_path[4096]; /* the temporary file (same directory as path) */
    char path[4096];     /* the final name */
} p3d_atomic;

/* Creates the temporary file. On failure nothing exists on disk. */
int p3d_atomic_open(p3d_ctx *ctx, p3d_atomic *af, const char *path);
/* Flushes, closes and renames onto the final path. On failure the temporary is removed. */
int p3d_atomic_commit(p3d_ctx *ctx, p3d_atomic *af);
/* Closes and removes the temporary file; safe to call twice. */
void p3d_atomic_abort(p3d_atomic *af);

/* For writers that need a file name rather than a FILE* (libavformat, libzip):
 * fills af->tmp_path and af->path without opening; the caller writes to
 * tmp_path then calls p3d_atomic_commit (fp stays NULL). */
int p3d_atomic_reserve(p3d_ctx *ctx, p3d_atomic *af, const char *path);

#endif
