/* Opening a PyTorch checkpoint (legacy or zip format, told apart by their
 * first bytes), and looking tensors up by name with shape checks.
 * See checkpoint.h and ../shared/specs/checkpoints/README.md. */
#include "nn/checkpoint_reader.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void p3d_ckpt_close(p3d_ckpt *ck)
{
    if (!ck)
        return;
    free(ck->path);
    free(ck->tensors);
    free(ck->ints);
    free(ck->names);
    free(ck->floats);
    free(ck->integers);
    free(ck);
}

static int read_format(ckpt_reader *r, const uint8_t *data, size_t size)
{
    if (size >= 4 && !memcmp(data, "PK\3\4", 4))
        return ckpt_read_zip(r, data, size);
    if (size >= 262 && !memcmp(data + 257, "ustar", 5))
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: tar checkpoints (PyTorch < 0.4) are not supported", r->name);
    if (size >= 2 && data[0] == 0x80)
        return ckpt_read_legacy(r, data, size);
    return p3d_fail(r->ctx, P3D_E_INPUT, "%s: not a PyTorch checkpoint (neither zip nor legacy pickle)", r->name);
}

int p3d_ckpt_open_memory(p3d_ctx *ctx, const char *name, const void *data, size_t size, p3d_ckpt **out)
{
    ckpt_reader r = {.ctx = ctx, .name = name, .input_size = size};
    *out = NULL;
    if (!read_format(&r, data, size)) {
        r.ck->path = strdup(name);
        if (r.ck->path) {
            *out = r.ck;
            r.ck = NULL;
        } else {
            p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", name);
        }
    }
    p3d_ckpt_close(r.ck);
    pk_arena_free(&r.arena);
    free(r.storages);
    free(r.storage_hash);
    free(r.records);
    return *out ? P3D_OK : ctx->status;
}

int p3d_ckpt_open(p3d_ctx *ctx, const char *path, p3d_ckpt **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open", path);
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: not a PyTorch checkpoint (%s)", path,
                        S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot map the file", path);
    posix_madvise(map, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
    int rc = p3d_ckpt_open_memory(ctx, path, map, (size_t)st.st_size, out);
    munmap(map, (size_t)st.st_size);
    return rc;
}

int p3d_ckpt_count(const p3d_ckpt *ck)
{
    return ck->count;
}

const p3d_ckpt_tensor *p3d_ckpt_at(const p3d_ckpt *ck, int i)
{
    return i >= 0 && i < ck->count ? &ck->tensors[i] : NULL;
}

const p3d_ckpt_tensor *p3d_ckpt_find(const p3d_ckpt *ck, const char *name)
{
    for (int i = 0; i < ck->count; i++)
        if (!strcmp(ck->tensors[i].name, name))
            return &ck->tensors[i];
    return NULL;
}

int p3d_ckpt_int_count(const p3d_ckpt *ck)
{
    return ck->int_count;
}

const p3d_ckpt_int_tensor *p3d_ckpt_int_at(const p3d_ckpt *ck, int i)
{
    return i >= 0 && i < ck->int_count ? &ck->ints[i] : NULL;
}

const p3d_ckpt_int_tensor *p3d_ckpt_find_int(const p3d_ckpt *ck, const char *name)
{
    for (int i = 0; i < ck->int_count; i++)
        if (!strcmp(ck->ints[i].name, name))
            return &ck->ints[i];
    return NULL;
}

/* "64x3x7x7", or "scalar" for 0 dimensions. */
static const char *shape_text(char *buf, size_t cap, int ndim, const int64_t *shape)
{
    size_t n = 0;
    buf[0] = 0;
    if (ndim == 0)
        snprintf(buf, cap, "scalar");
    for (int d = 0; d < ndim && n < cap; d++)
        n += (size_t)snprintf(buf + n, cap - n, d ? "x%lld" : "%lld", (long long)shape[d]);
    return buf;
}

int p3d_ckpt_get(p3d_ctx *ctx, const p3d_ckpt *ck, const char *name, int ndim, const int64_t *shape,
                 const float **data)
{
    *data = NULL;
    const p3d_ckpt_tensor *t = p3d_ckpt_find(ck, name);
    if (!t)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: %s tensor '%s'", ck->path,
                        p3d_ckpt_find_int(ck, name) ? "expected a float, found an integer" : "missing", name);
    int same = t->ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same) {
        char have[128], want[128];
        return p3d_fail(ctx, P3D_E_INPUT, "%s: tensor '%s' has shape %s, expected %s", ck->path, name,
                        shape_text(have, sizeof have, t->ndim, t->shape), shape_text(want, sizeof want, ndim, shape));
    }
    *data = t->data;
    return P3D_OK;
}
