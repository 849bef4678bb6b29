/* NumPy .npy arrays (format versions 1.0, 2.0, 3.0 as documented in
 * numpy/lib/format.py): the header dict is parsed strictly (the three keys
 * descr, fortran_order, shape, each once); dtypes f4 f8 i1 i2 i4 i8 u1 u2 u4
 * u8 b1 in either byte order are converted to float32 in C order. The shape
 * must match the data size exactly and is multiplied with overflow checks
 * against a limit of 4 x ctx->max_pixels elements before anything is
 * allocated. The writer produces version 1.0, little-endian float32. */
#include "io/io_internal.h"
#include "core/atomic_file.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HEADER 65536

typedef struct {
    char kind;    /* 'f', 'i', 'u', 'b' */
    int size;     /* bytes per element */
    int big;      /* big-endian storage */
} npy_dtype;

typedef struct {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int accept(cursor *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A Python string literal in single or double quotes, without escapes. */
static int parse_string(cursor *c, char *out, size_t cap)
{
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return 0;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || n + 1 >= cap)
            return 0;
        out[n++] = *c->p++;
    }
    if (c->p >= c->end)
        return 0;
    c->p++;
    out[n] = 0;
    return 1;
}

static int parse_bool(cursor *c, int *out)
{
    skip_space(c);
    size_t left = (size_t)(c->end - c->p);
    if (left >= 4 && memcmp(c->p, "True", 4) == 0) {
        c->p += 4;
        *out = 1;
        return 1;
    }
    if (left >= 5 && memcmp(c->p, "False", 5) == 0) {
        c->p += 5;
        *out = 0;
        return 1;
    }
    return 0;
}

/* A tuple of non-negative integers: (), (5,), (3, 4), with an optional
 * trailing comma and Python 2 'L' suffixes. Dimensions over 2^62 are refused. */
static int parse_shape(cursor *c, long *shape, int *ndim, int *too_many)
{
    if (!accept(c, '('))
        return 0;
    *ndim = 0;
    for (;;) {
        skip_space(c);
        if (accept(c, ')'))
            return 1;
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return 0;
        unsigned long long v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            v = v * 10 + (unsigned)(*c->p++ - '0');
            if (v > (1ULL << 62))
                return 0;
        }
        if (c->p < c->end && *c->p == 'L')
            c->p++;
        if (*ndim >= P3D_ARRAY_MAXDIM)
            *too_many = 1;
        else
            shape[*ndim] = (long)v;
        ++*ndim;
        if (!accept(c, ',')) {
            /* "(5)" is an int in Python, not a tuple: numpy writes "(5,)". */
            return accept(c, ')') && *ndim != 1;
        }
    }
}

static int parse_dtype(const char *descr, npy_dtype *dt)
{
    size_t n = strlen(descr);
    if (n < 3 || n > 4 || !strchr("<>|=", descr[0]) || !strchr("fiub", descr[1]))
        return 0;
    char *end;
    long size = strtol(descr + 2, &end, 10);
    if (*end)
        return 0;
    dt->kind = descr[1];
    dt->size = (int)size;
    dt->big = descr[0] == '>';
    switch (dt->kind) {
    case 'f': if (size != 4 && size != 8) return 0; break;
    case 'b': if (size != 1) return 0; break;
    default: if (size != 1 && size != 2 && size != 4 && size != 8) return 0;
    }
    return !(descr[0] == '|' && size != 1);
}

static int parse_header(p3d_ctx *ctx, const char *name, const char *text, size_t len,
                        npy_dtype *dt, p3d_file_info *fi)
{
    cursor c = {text, text + len};
    int have_descr = 0, have_order = 0, have_shape = 0, too_many = 0;
    if (!accept(&c, '{'))
        return p3d_fail(ctx, P3D_E_INPUT, "%s: malformed .npy header (no dict)", name);
    while (!accept(&c, '}')) {
        char key[32];
        if (!parse_string(&c, key, sizeof key) || !accept(&c, ':'))
            return p3d_fail(ctx, P3D_E_INPUT, "%s: malformed .npy header", name);
        int ok;
        if (strcmp(key, "descr") == 0 && !have_descr++)
            ok = parse_string(&c, fi->dtype, sizeof fi->dtype);
        else if (strcmp(key, "fortran_order") == 0 && !have_order++)
            ok = parse_bool(&c, &fi->fortran_order);
        else if (strcmp(key, "shape") == 0 && !have_shape++)
            ok = parse_shape(&c, fi->shape, &fi->ndim, &too_many);
        else
            return p3d_fail(ctx, P3D_E_INPUT, "%s: .npy header has an unexpected or repeated key '%s'",
                            name, key);
        if (!ok)
            return p3d_fail(ctx, P3D_E_INPUT, "%s: malformed value for '%s' in the .npy header",
                            name, key);
        if (!accept(&c, ',')) {
            if (!accept(&c, '}'))
                return p3d_fail(ctx, P3D_E_INPUT, "%s: malformed .npy header", name);
            break;
        }
    }
    skip_space(&c);
    if (c.p != c.end)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: trailing bytes after the .npy header dict", name);
    if (!have_descr || !have_order || !have_shape)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: .npy header lacks descr, fortran_order or shape", name);
    if (too_many)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: array has %d dimensions, at most %d are supported",
                        name, fi->ndim, P3D_ARRAY_MAXDIM);
    if (!parse_dtype(fi->dtype, dt))
        return p3d_fail(ctx, P3D_E_INPUT, "%s: unsupported .npy dtype '%s' (supported: f4 f8 i1 i2 "
                        "i4 i8 u1 u2 u4 u8 b1)", name, fi->dtype);
    return P3D_OK;
}

static double element_value(const uint8_t *p, const npy_dtype *dt)
{
    uint8_t b[8];
    for (int i = 0; i < dt->size; i++)
        b[i] = p[dt->big ? dt->size - 1 - i : i];
    uint64_t u = 0;
    for (int i = dt->size - 1; i >= 0; i--)
        u = u << 8 | b[i];
    switch (dt->kind) {
    case 'f':
        if (dt->size == 4) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, 4);
            return f;
        } else {
            double d;
            memcpy(&d, &u, 8);
            return d;
        }
    case 'i': {
        int shift = 64 - 8 * dt->size;
        return (double)((int64_t)(u << shift) >> shift);
    }
    case 'b': return u != 0;
    default: return (double)u;
    }
}

/* Element k (in C order) of the destination comes from file element src;
 * for Fortran order the multi-index is walked with per-axis strides. */
static void convert_elements(const uint8_t *data, const npy_dtype *dt, const p3d_file_info *fi,
                             size_t count, float *out)
{
    if (!fi->fortran_order || fi->ndim < 2) {
        for (size_t k = 0; k < count; k++)
            out[k] = (float)element_value(data + k * dt->size, dt);
        return;
    }
    size_t stride[P3D_ARRAY_MAXDIM], idx[P3D_ARRAY_MAXDIM] = {0};
    stride[0] = 1;
    for (int d = 1; d < fi->ndim; d++)
        stride[d] = stride[d - 1] * (size_t)fi->shape[d - 1];
    size_t src = 0;
    for (size_t k = 0; k < count; k++) {
        out[k] = (float)element_value(data + src * dt->size, dt);
        for (int d = fi->ndim - 1; d >= 0; d--) {
            src += stride[d];
            if (++idx[d] < (size_t)fi->shape[d])
                break;
            src -= stride[d] * idx[d];
            idx[d] = 0;
        }
    }
}

int p3d_npy_parse(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len, p3d_array *a,
                  p3d_file_info *info)
{
    memset(a, 0, sizeof *a);
    p3d_file_info local;
    p3d_file_info *fi = info ? info : &local;
    memset(fi, 0, sizeof *fi);
    strcpy(fi->format, "NPY");
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: not a .npy file", name);
    int major = buf[6];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        hstart = 10;
    } else if ((major == 2 || major == 3) && len >= 12) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        hstart = 12;
    } else {
        return p3d_fail(ctx, P3D_E_INPUT, "%s: unsupported .npy format version %d", name, major);
    }
    if (hlen > MAX_HEADER || hlen > len - hstart)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: .npy header length %zu runs past the file (%zu bytes)",
                        name, hlen, len);
    npy_dtype dt;
    int rc = parse_header(ctx, name, (const char *)buf + hstart, hlen, &dt, fi);
    if (rc)
        return rc;
    fi->bit_depth = dt.size * 8;
    uint64_t count = 1, limit = 4 * (uint64_t)ctx->max_pixels;
    for (int d = 0; d < fi->ndim; d++) {
        uint64_t n = (uint64_t)fi->shape[d];
        if (n != 0 && count > limit / n)
            return p3d_fail(ctx, P3D_E_LIMIT, "%s: shape has more than %llu elements (the limit)",
                            name, (unsigned long long)limit);
        count *= n;
    }
    if (count == 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: array has no elements", name);
    size_t data_len = len - hstart - hlen;
    if (count * (uint64_t)dt.size != data_len)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: the header's shape needs %llu data bytes, the file has %zu",
                        name, (unsigned long long)(count * (uint64_t)dt.size), data_len);
    a->data = malloc(count * sizeof(float));
    if (!a->data)
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory for %llu elements", name,
                        (unsigned long long)count);
    a->ndim = fi->ndim;
    memcpy(a->shape, fi->shape, sizeof a->shape);
    convert_elements(buf + hstart + hlen, &dt, fi, (size_t)count, a->data);
    return P3D_OK;
}

/* Any content goes to the parser, whose magic check names a non-.npy file. */
static int decode_npy(p3d_ctx *ctx, const char *path, p3d_format format, const uint8_t *buf,
                      size_t len, void *out, p3d_file_info *info)
{
    (void)format;
    return p3d_npy_parse(ctx, path, buf, len, out, info);
}

int p3d_npy_load_info(p3d_ctx *ctx, const char *path, p3d_array *a, p3d_file_info *info)
{
    memset(a, 0, sizeof *a);
    return p3d_decode_file(ctx, path, decode_npy, a, info);
}

int p3d_npy_load(p3d_ctx *ctx, const char *path, p3d_array *a)
{
    return p3d_npy_load_info(ctx, path, a, NULL);
}

void p3d_array_free(p3d_array *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

int p3d_npy_save(p3d_ctx *ctx, const char *path, const p3d_array *a)
{
    if (a->ndim < 0 || a->ndim > P3D_ARRAY_MAXDIM)
        return p3d_fail(ctx, P3D_E_USAGE, "%s: cannot write a %d-dimensional array", path, a->ndim);
    char header[256];
    int n = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    size_t count = 1;
    for (int d = 0; d < a->ndim; d++) {
        n += snprintf(header + n, sizeof header - n, "%s%ld", d ? ", " : "", a->shape[d]);
        count *= (size_t)a->shape[d];
    }
    n += snprintf(header + n, sizeof header - n, "%s), }", a->ndim == 1 ? "," : "");
    /* Pad with spaces so that the data starts at a multiple of 64 bytes. */
    int total = (10 + n + 1 + 63) / 64 * 64;
    memset(header + n, ' ', (size_t)(total - 10 - n - 1));
    header[total - 10 - 1] = '\n';
    int hlen = total - 10;
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (uint8_t)(hlen & 255), (uint8_t)(hlen >> 8)};
    fwrite(pre, 1, 10, af.fp);
    fwrite(header, 1, (size_t)hlen, af.fp);
    for (size_t k = 0; k < count; k++) {
        uint32_t u;
        memcpy(&u, &a->data[k], 4);
        uint8_t le[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
        fwrite(le, 1, 4, af.fp);
    }
    return p3d_atomic_commit(ctx, &af);
}
