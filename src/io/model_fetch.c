/* Installing checkpoint files into the model directory: downloaded (trying
 * each location in turn, resuming partial downloads) or copied from a folder
 * the user has; either way verified before an atomic rename makes them
 * visible. See photo3d/models.h for what is kept after a failure. */
#include "photo3d/models.h"

#include "core/atomic_file.h"
#include "download.h"
#include "model_verify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p */
static int make_dirs(p3d_ctx *ctx, const char *dir)
{
    char path[P3D_MODEL_PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: path too long", dir);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != 0)
            continue;
        char c = *p;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return p3d_fail(ctx, P3D_E_IO, "%s: cannot create: %s", path, strerror(errno));
        *p = c;
        if (c == 0)
            break;
    }
    return P3D_OK;
}

static int join(p3d_ctx *ctx, char *out, size_t n, const char *dir, const char *name,
                const char *suffix)
{
    int len = snprintf(out, n, "%s%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
                       name, suffix);
    if (len < 0 || (size_t)len >= n)
        return p3d_fail(ctx, P3D_E_USAGE, "%s/%s: path too long", dir, name);
    return P3D_OK;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int install_part(p3d_ctx *ctx, const char *part, const char *final)
{
    if (rename(part, final) != 0)
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot rename into place: %s", final, strerror(errno));
    return P3D_OK;
}

/* One location: download (resuming), then verify the whole file. */
static int fetch_from(p3d_ctx *ctx, const char *url, const p3d_fetch_opts *opts,
                      const p3d_model_spec *spec, const char *part, const char *final)
{
    char stage[P3D_MODEL_NAME_MAX + 16];
    snprintf(stage, sizeof stage, "fetch %s", spec->name);
    int st = p3d_download_resume(ctx, url, part, spec->size, opts->timeout_s, stage);
    if (st)
        return st;
    /* The response ended normally: a short file is all the server has, not
     * a prefix worth resuming. */
    int64_t have = file_size(part);
    if (have < spec->size) {
        unlink(part);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: the server's file has %lld bytes, expected %lld", url,
                        (long long)have, (long long)spec->size);
    }
    st = p3d_models_verify_file(ctx, spec, part);
    if (st) {
        unlink(part);
        p3d_error_prefix(ctx, "%s", url);
        return st;
    }
    return install_part(ctx, part, final);
}

int p3d_models_fetch(p3d_ctx *ctx, const p3d_fetch_opts *opts, const p3d_model_spec *spec)
{
    char final[P3D_MODEL_PATH_MAX], part[P3D_MODEL_PATH_MAX];
    int st = make_dirs(ctx, opts->dir);
    if (!st)
        st = join(ctx, final, sizeof final, opts->dir, spec->name, "");
    if (!st)
        st = join(ctx, part, sizeof part, opts->dir, spec->name, ".part");
    if (st)
        return st;
    /* A .part of full size is left over from a run that stopped before
     * verifying: it needs no download if it is right. */
    if (file_size(part) >= spec->size) {
        if (p3d_models_verify_file(ctx, spec, part) == P3D_OK)
            return install_part(ctx, part, final);
        p3d_clear_error(ctx);
        unlink(part);
    }
    char urls[P3D_MODEL_MAX][P3D_MODEL_PATH_MAX];
    int n_urls = 0;
    if (opts->n_base_urls > 0) {
        for (int i = 0; i < opts->n_base_urls && i < P3D_MODEL_MAX; i++)
            if ((st = join(ctx, urls[n_urls++], sizeof urls[0], opts->base_urls[i], spec->name, "")))
                return st;
    } else {
        snprintf(urls[n_urls++], sizeof urls[0], "%s", spec->url);
        snprintf(urls[n_urls++], sizeof urls[0], "%s", spec->mirror_url);
    }
    /* Every location's failure goes into the final message. */
    char why[sizeof ctx->msg] = "";
    for (int i = 0; i < n_urls; i++) {
        st = fetch_from(ctx, urls[i], opts, spec, part, final);
        if (st == P3D_OK)
            return P3D_OK;
        size_t len = strlen(why);
        snprintf(why + len, sizeof why - len, "%s%s", len ? "; " : "", p3d_errmsg(ctx));
        p3d_clear_error(ctx);
    }
    int64_t kept = file_size(part);
    if (kept == 0)
        unlink(part);
    if (kept > 0)
        return p3d_fail(ctx, st, "%s not installed (%lld bytes kept in %s; run the fetch again to resume): %s",
                        spec->name, (long long)kept, part, why);
    return p3d_fail(ctx, st, "%s not installed: %s", spec->name, why);
}

int p3d_models_install_from(p3d_ctx *ctx, const char *dir, const p3d_model_spec *spec,
                            const char *src_dir)
{
    char src[P3D_MODEL_PATH_MAX], final[P3D_MODEL_PATH_MAX];
    int st = make_dirs(ctx, dir);
    if (!st)
        st = join(ctx, src, sizeof src, src_dir, spec->name, "");
    if (!st)
        st = join(ctx, final, sizeof final, dir, spec->name, "");
    if (st)
        return st;
    if (file_size(src) < 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: missing", src);
    p3d_atomic af;
    if ((st = p3d_atomic_open(ctx, &af, final)))
        return st;
    char hex[65];
    int64_t size;
    st = p3d_sha256_copy(ctx, src, af.fp, hex, &size);
    if (!st)
        st = p3d_models_check_sums(ctx, spec, src, size, hex);
    if (st) {
        p3d_atomic_abort(&af);
        return st;
    }
    return p3d_atomic_commit(ctx, &af);
}
