/* Atomic output files (see atomic_file.h). */
#define _GNU_SOURCE
#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_tmp(p3d_ctx *ctx, p3d_atomic *af, const char *path, int keep_open)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) + 16 >= sizeof af->path)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: path too long", path);
    strcpy(af->path, path);
    snprintf(af->tmp_path, sizeof af->tmp_path, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0)
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot create: %s", path, strerror(errno));
    /* mkstemp makes 0600; outputs should get the usual umask-based mode. */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    if (!keep_open) {
        close(fd);
        return P3D_OK;
    }
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        close(fd);
        unlink(af->tmp_path);
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    return P3D_OK;
}

int p3d_atomic_open(p3d_ctx *ctx, p3d_atomic *af, const char *path)
{
    return make_tmp(ctx, af, path, 1);
}

int p3d_atomic_reserve(p3d_ctx *ctx, p3d_atomic *af, const char *path)
{
    return make_tmp(ctx, af, path, 0);
}

int p3d_atomic_commit(p3d_ctx *ctx, p3d_atomic *af)
{
    if (af->fp) {
        int bad = ferror(af->fp) | fflush(af->fp);
        bad |= fclose(af->fp);
        af->fp = NULL;
        if (bad) {
            unlink(af->tmp_path);
            return p3d_fail(ctx, P3D_E_IO, "%s: write failed: %s", af->path, strerror(errno));
        }
    }
    if (rename(af->tmp_path, af->path) != 0) {
        int e = errno;
        unlink(af->tmp_path);
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot rename into place: %s", af->path, strerror(e));
    }
    af->tmp_path[0] = 0;
    return P3D_OK;
}

void p3d_atomic_abort(p3d_atomic *af)
{
    if (af->fp) {
        fclose(af->fp);
        af->fp = NULL;
    }
    if (af->tmp_path[0]) {
        unlink(af->tmp_path);
        af->tmp_path[0] = 0;
    }
}
