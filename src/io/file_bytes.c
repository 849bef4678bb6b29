/* Whole-file reading and format recognition by magic bytes: the decoders all
 * work on memory buffers, so that they can be fuzzed and so that a file is
 * recognised by its content, never by its extension. */
#include "io/io_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE_BYTES ((size_t)2 << 30)

/* Opens a file for reading; NULL (with the error recorded) for a directory. */
static FILE *open_input(p3d_ctx *ctx, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        p3d_fail(ctx, P3D_E_INPUT, "%s: is a directory", path);
        return NULL;
    }
    return f;
}

/* The whole file in a malloc'd buffer (caller frees *buf). */
static int read_file(p3d_ctx *ctx, const char *path, uint8_t **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = open_input(ctx, path);
    if (!f)
        return ctx->status;
    size_t cap = 1 << 16, n = 0;
    uint8_t *data = malloc(cap);
    int rc = data ? P3D_OK : p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
    while (rc == P3D_OK) {
        if (n == cap) {
            if (cap >= MAX_FILE_BYTES) {
                rc = p3d_fail(ctx, P3D_E_LIMIT, "%s: file is larger than 2 GiB", path);
                break;
            }
            uint8_t *bigger = realloc(data, cap * 2);
            if (!bigger) {
                rc = p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
                break;
            }
            data = bigger;
            cap *= 2;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = p3d_fail(ctx, P3D_E_INPUT, "%s: read error: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc == P3D_OK && n == 0)
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: file is empty", path);
    if (rc) {
        free(data);
        return rc;
    }
    *buf = data;
    *len = n;
    return P3D_OK;
}

int p3d_decode_file(p3d_ctx *ctx, const char *path, p3d_decode_fn decode, void *out,
                    p3d_file_info *info)
{
    uint8_t *buf;
    size_t len;
    int rc = read_file(ctx, path, &buf, &len);
    if (rc)
        return rc;
    rc = decode(ctx, path, p3d_sniff_format(buf, len), buf, len, out, info);
    free(buf);
    return rc;
}

p3d_format p3d_sniff_format(const uint8_t *b, size_t len)
{
    if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return P3D_FMT_PNG;
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return P3D_FMT_JPEG;
    if (len >= 6 && memcmp(b, "\x93NUMPY", 6) == 0)
        return P3D_FMT_NPY;
    if (len >= 3 && b[0] == 'P' && (b[1] == 'f' || b[1] == 'F') &&
        (b[2] == '\n' || b[2] == '\r' || b[2] == ' ' || b[2] == '\t'))
        return P3D_FMT_PFM;
    return P3D_FMT_UNKNOWN;
}

int p3d_check_pixels(p3d_ctx *ctx, const char *name, uint64_t width, uint64_t height)
{
    if (width == 0 || height == 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: empty image (%llux%llu)", name,
                        (unsigned long long)width, (unsigned long long)height);
    if (width > (uint64_t)ctx->max_pixels || height > (uint64_t)ctx->max_pixels ||
        width * height > (uint64_t)ctx->max_pixels)
        return p3d_fail(ctx, P3D_E_LIMIT, "%s: %llux%llu is over the limit of %ld pixels", name,
                        (unsigned long long)width, (unsigned long long)height, ctx->max_pixels);
    return P3D_OK;
}

int p3d_file_format(p3d_ctx *ctx, const char *path, const char **format)
{
    static const char *names[] = {"", "JPEG", "PNG", "NPY", "PFM"};
    *format = "";
    FILE *f = open_input(ctx, path);
    if (!f)
        return ctx->status;
    uint8_t head[16];
    size_t n = fread(head, 1, sizeof head, f);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: read error: %s", path, strerror(errno));
    *format = names[p3d_sniff_format(head, n)];
    return P3D_OK;
}
