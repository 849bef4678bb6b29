/* The network weights: the four official checkpoint files of the reference
 * (../shared/specs/checkpoints/README.md), where they are installed, how they
 * are verified (size + SHA-256) and fetched (HTTP with resume, or copied from
 * a folder the user already has). This is the only part of photo3d that
 * touches the network.
 *
 * Model directory: $PHOTO3D_MODELS, else $XDG_CACHE_HOME/photo3d/models, else
 * $HOME/.cache/photo3d/models. */
#ifndef PHOTO3D_MODELS_H
#define PHOTO3D_MODELS_H

#include "photo3d/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define P3D_MODEL_MAX 8
#define P3D_MODEL_NAME_MAX 64
#define P3D_MODEL_PATH_MAX 4096

/* One checkpoint file: its name in the model directory, what it is, its
 * expected size and SHA-256 (lowercase hex) and its published locations. */
typedef struct p3d_model_spec {
    char name[P3D_MODEL_NAME_MAX];
    const char *role;
    int64_t size;
    char sha256[65];
    const char *url;        /* primary location */
    const char *mirror_url; /* second location, tried when the primary fails */
} p3d_model_spec;

/* The set of known files with their expected sums: the built-in table, or the
 * built-in table with sizes/sums overridden from a manifest (tests, users who
 * re-saved a checkpoint). Plain data; no cleanup needed. */
typedef struct p3d_model_catalog {
    int count;
    p3d_model_spec models[P3D_MODEL_MAX];
} p3d_model_catalog;

void p3d_models_catalog_default(p3d_model_catalog *cat);
/* Overrides sizes and sums from a text file of lines "NAME SIZE SHA256"
 * (blank lines and lines starting with '#' ignored). Every NAME must be one
 * of the catalog's files. */
int p3d_models_catalog_load(p3d_ctx *ctx, p3d_model_catalog *cat, const char *manifest_path);
/* The entry called name, or NULL. */
const p3d_model_spec *p3d_models_lookup(const p3d_model_catalog *cat, const char *name);

/* The model directory (see above) into out (size n); not created. */
int p3d_models_dir(p3d_ctx *ctx, char *out, size_t n);
/* The path of an installed official file (built-in catalog) into path (size
 * n). Only existence is checked, so that a checkpoint re-saved by a newer
 * PyTorch can be used too (the checkpoint reader validates the content;
 * `photo3d models verify` checks sizes and sums). A missing file fails with
 * P3D_E_INPUT and a one-line message naming the file and the command that
 * fetches it. */
int p3d_models_find(p3d_ctx *ctx, const char *name, char *path, size_t n);

/* SHA-256 of a file as lowercase hex (65 bytes with the terminator). */
int p3d_sha256_file(p3d_ctx *ctx, const char *path, char hex[65]);
/* Checks that path has spec's size and SHA-256; P3D_E_INPUT naming the file
 * and what is wrong (missing, size, checksum) otherwise. */
int p3d_models_verify_file(p3d_ctx *ctx, const p3d_model_spec *spec, const char *path);

/* Where and how to download. */
typedef struct p3d_fetch_opts {
    const char *dir;             /* model directory (created if absent) */
    const char *const *base_urls; /* if n_base_urls > 0: try BASE/NAME for each, in order, */
    int n_base_urls;              /*   instead of the spec's url and mirror_url */
    long timeout_s;               /* connect timeout, and abort when stalled this long (0: 30) */
} p3d_fetch_opts;

/* Downloads spec's file into DIR/NAME.part (resuming a partial .part with a
 * Range request), verifies size and SHA-256, and renames it to DIR/NAME.
 * Locations are tried in order until one gives a verified file. What is left
 * on failure: the .part of an interrupted transfer (connection lost, stalled,
 * refused) is kept so that the next fetch resumes it; a .part that cannot be
 * a prefix of the right file is removed: one whose response ended normally
 * but short, one that grew too long, one of the full size with a wrong sum.
 * DIR/NAME is never touched unless the new file is verified. */
int p3d_models_fetch(p3d_ctx *ctx, const p3d_fetch_opts *opts, const p3d_model_spec *spec);
/* Installs SRC_DIR/NAME into dir: copied to a temporary file in dir,
 * verified, then renamed; nothing is installed when the copy is wrong. */
int p3d_models_install_from(p3d_ctx *ctx, const char *dir, const p3d_model_spec *spec,
                            const char *src_dir);

#ifdef __cplusplus
}
#endif
#endif
