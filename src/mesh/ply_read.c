/* PLY reader for photo3d meshes: ascii (the reference's own files,
 * ALGORITHM.md 8) and binary little-endian. Vertex properties are found by
 * name (x y z, red green blue, optional alpha) in any scalar type; faces must
 * be triangles given as one list property. Every count is checked against the
 * file size before anything is allocated, and every index against the
 * vertex count, so a lying or truncated file gives a one-line error. */
#include "photo3d/mesh.h"
#include "mesh/ply_format.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLY_MAX_FILE_BYTES (4LL << 30)
#define PLY_MAX_PROPS 32

typedef enum { T_NONE, T_I8, T_U8, T_I16, T_U16, T_I32, T_U32, T_F32, T_F64 } ply_type;

static const struct {
    const char *name;
    ply_type type;
} type_names[] = {
    {"char", T_I8},    {"int8", T_I8},      {"uchar", T_U8},   {"uint8", T_U8},
    {"short", T_I16},  {"int16", T_I16},    {"ushort", T_U16}, {"uint16", T_U16},
    {"int", T_I32},    {"int32", T_I32},    {"uint", T_U32},   {"uint32", T_U32},
    {"float", T_F32},  {"float32", T_F32},  {"double", T_F64}, {"float64", T_F64},
};

static const int type_size[] = {0, 1, 1, 2, 2, 4, 4, 4, 8};

/* Vertex channels picked out of the vertex properties. */
enum { CH_X, CH_Y, CH_Z, CH_R, CH_G, CH_B, CH_A, CH_COUNT, CH_OTHER = -1 };
static const char *channel_names[CH_COUNT] = {"x", "y", "z", "red", "green", "blue", "alpha"};

typedef struct {
    const char *path;
    const uint8_t *data; /* whole file, NUL-terminated */
    size_t size, pos;
    int binary;
    long nverts, nfaces;
    int nprops;
    ply_type prop_type[PLY_MAX_PROPS];
    int prop_channel[PLY_MAX_PROPS];
    int vertex_bytes;               /* binary record size */
    ply_type count_type, index_type; /* the face list property */
    int height, width;
    double hfov, vfov;
} ply_reader;

static ply_type parse_type(const char *s)
{
    for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
        if (strcmp(s, type_names[i].name) == 0)
            return type_names[i].type;
    return T_NONE;
}

/* Next header line into buf (without the newline); 0 at end of file. */
static int header_line(ply_reader *r, char *buf, size_t n)
{
    if (r->pos >= r->size)
        return 0;
    const uint8_t *start = r->data + r->pos;
    const uint8_t *nl = memchr(start, '\n', r->size - r->pos);
    size_t len = nl ? (size_t)(nl - start) : r->size - r->pos;
    r->pos += len + (nl != NULL);
    if (len && start[len - 1] == '\r')
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(buf, start, len);
    buf[len] = 0;
    return 1;
}

static int fail(p3d_ctx *ctx, const ply_reader *r, const char *what)
{
    return p3d_fail(ctx, P3D_E_INPUT, "%s: not a valid PLY mesh: %s", r->path, what);
}

static int parse_header(p3d_ctx *ctx, ply_reader *r)
{
    char line[256], word[64], a[64], b[64], c[64];
    if (!header_line(r, line, sizeof line) || strcmp(line, "ply") != 0)
        return fail(ctx, r, "missing 'ply' magic");
    int element = 0; /* 0 none, 1 vertex, 2 face */
    int seen_vertex = 0, seen_face = 0, face_props = 0;
    r->count_type = r->index_type = T_NONE;
    for (;;) {
        if (!header_line(r, line, sizeof line))
            return fail(ctx, r, "header has no end_header");
        if (strcmp(line, "end_header") == 0)
            break;
        if (sscanf(line, "%63s", word) != 1)
            continue;
        if (strcmp(word, "format") == 0) {
            if (sscanf(line, "format %63s %63s", a, b) != 2 || strcmp(b, "1.0") != 0)
                return fail(ctx, r, "bad format line");
            if (strcmp(a, "ascii") == 0)
                r->binary = 0;
            else if (strcmp(a, "binary_little_endian") == 0)
                r->binary = 1;
            else
                return fail(ctx, r, "only ascii and binary_little_endian are supported");
        } else if (strcmp(word, "comment") == 0 || strcmp(word, "obj_info") == 0) {
            sscanf(line, "comment H %d", &r->height);
            sscanf(line, "comment W %d", &r->width);
            sscanf(line, "comment hFov %lf", &r->hfov);
            sscanf(line, "comment vFov %lf", &r->vfov);
        } else if (strcmp(word, "element") == 0) {
            long count;
            if (sscanf(line, "element %63s %ld", a, &count) != 2 || count < 0)
                return fail(ctx, r, "bad element line");
            if (strcmp(a, "vertex") == 0 && !seen_vertex && !seen_face) {
                element = 1, seen_vertex = 1, r->nverts = count;
            } else if (strcmp(a, "face") == 0 && seen_vertex && !seen_face) {
                element = 2, seen_face = 1, r->nfaces = count;
            } else {
                return fail(ctx, r, "only a vertex element followed by a face element is supported");
            }
        } else if (strcmp(word, "property") == 0) {
            if (element == 1) {
                if (sscanf(line, "property %63s %63s", a, b) != 2 || r->nprops == PLY_MAX_PROPS)
                    return fail(ctx, r, "bad vertex property");
                ply_type t = parse_type(a);
                if (t == T_NONE)
                    return fail(ctx, r, "vertex properties must be scalars");
                int ch = CH_OTHER;
                for (int k = 0; k < CH_COUNT; k++)
                    if (strcmp(b, channel_names[k]) == 0)
                        ch = k;
                for (int k = 0; k < r->nprops; k++)
                    if (ch != CH_OTHER && r->prop_channel[k] == ch)
                        return fail(ctx, r, "repeated vertex property");
                r->prop_type[r->nprops] = t;
                r->prop_channel[r->nprops++] = ch;
                r->vertex_bytes += type_size[t];
            } else if (element == 2) {
                if (sscanf(line, "property list %63s %63s %63s", a, b, c) != 3 || face_props++)
                    return fail(ctx, r, "faces need exactly one list property");
                r->count_type = parse_type(a);
                r->index_type = parse_type(b);
                if (r->count_type == T_NONE || r->index_type == T_NONE ||
                    r->count_type >= T_F32 || r->index_type >= T_F32)
                    return fail(ctx, r, "face list types must be integers");
            } else {
                return fail(ctx, r, "property before any element");
            }
        } else {
            return fail(ctx, r, "unknown header keyword");
        }
    }
    if (!seen_vertex)
        return fail(ctx, r, "no vertex element");
    int have[CH_COUNT] = {0};
    for (int k = 0; k < r->nprops; k++)
        if (r->prop_channel[k] != CH_OTHER)
            have[r->prop_channel[k]] = 1;
    if (!have[CH_X] || !have[CH_Y] || !have[CH_Z])
        return fail(ctx, r, "vertices need x, y and z");
    if (r->nfaces > 0 && r->count_type == T_NONE)
        return fail(ctx, r, "faces have no vertex_index list");
    return P3D_OK;
}

/* Bytes the body needs at least; counts that cannot fit the file are refused. */
static int check_counts(p3d_ctx *ctx, ply_reader *r)
{
    if (r->nverts > INT32_MAX || r->nfaces > INT32_MAX)
        return p3d_fail(ctx, P3D_E_LIMIT, "%s: %ld vertices, %ld faces: too many", r->path,
                        r->nverts, r->nfaces);
    double vmin, fmin;
    if (r->binary) {
        vmin = (double)r->vertex_bytes;
        fmin = type_size[r->count_type] + 3.0 * type_size[r->index_type];
    } else {
        vmin = 2.0 * r->nprops; /* a digit and a separator per value */
        fmin = 8.0;
    }
    double need = vmin * r->nverts + (r->nfaces ? fmin * r->nfaces : 0.0);
    if (need > (double)(r->size - r->pos))
        return p3d_fail(ctx, P3D_E_INPUT,
                        "%s: header announces %ld vertices and %ld faces, more than the file holds",
                        r->path, r->nverts, r->nfaces);
    return P3D_OK;
}

static double get_binary(ply_reader *r, ply_type t)
{
    const uint8_t *p = r->data + r->pos;
    r->pos += type_size[t];
    switch (t) {
    case T_I8: return (int8_t)p[0];
    case T_U8: return p[0];
    case T_I16: return (int16_t)(p[0] | p[1] << 8);
    case T_U16: return (uint16_t)(p[0] | p[1] << 8);
    case T_I32: return (int32_t)ply_get_le32(p);
    case T_U32: return ply_get_le32(p);
    case T_F32: return ply_bits_float(ply_get_le32(p));
    case T_F64: {
        uint64_t lo = ply_get_le32(p), hi = ply_get_le32(p + 4);
        uint64_t bits = lo | hi << 32;
        double d;
        memcpy(&d, &bits, 8);
        return d;
    }
    default: return 0;
    }
}

/* One value; returns 0 when the data ends early or is not a number. */
static int get_value(ply_reader *r, ply_type t, double *out)
{
    if (r->binary) {
        if (r->size - r->pos < (size_t)type_size[t])
            return 0;
        *out = get_binary(r, t);
        return 1;
    }
    const char *s = (const char *)r->data + r->pos;
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    if (end == s || errno == ERANGE)
        return 0;
    r->pos = (size_t)((const uint8_t *)end - r->data);
    return 1;
}

/* The layout photo3d writes (binary float x y z, uchar red green blue
 * alpha): copied field by field, several times faster than one value at a
 * time through doubles. Same results and errors as the general loop. */
static int vertices_are_ours(const ply_reader *r)
{
    static const int channel[7] = {CH_X, CH_Y, CH_Z, CH_R, CH_G, CH_B, CH_A};
    if (!r->binary || r->nprops != 7)
        return 0;
    for (int k = 0; k < 7; k++)
        if (r->prop_channel[k] != channel[k] || r->prop_type[k] != (k < 3 ? T_F32 : T_U8))
            return 0;
    return 1;
}

static int read_our_vertices(p3d_ctx *ctx, ply_reader *r, p3d_mesh *m)
{
    if ((size_t)r->nverts > (r->size - r->pos) / 16)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: vertex %ld is truncated or malformed", r->path,
                        (long)((r->size - r->pos) / 16));
    const uint8_t *p = r->data + r->pos;
    for (long i = 0; i < r->nverts; i++, p += 16) {
        for (int k = 0; k < 3; k++) {
            float v = ply_bits_float(ply_get_le32(p + 4 * k));
            if (!isfinite(v) || fabsf(v) > 3.0e38f)
                return p3d_fail(ctx, P3D_E_INPUT, "%s: vertex %ld has a non-finite coordinate",
                                r->path, i);
            m->xyz[3 * i + k] = v;
        }
        memcpy(m->rgba + 4 * i, p + 12, 4);
    }
    r->pos += 16 * (size_t)r->nverts;
    return P3D_OK;
}

static int read_vertices(p3d_ctx *ctx, ply_reader *r, p3d_mesh *m)
{
    if (vertices_are_ours(r))
        return read_our_vertices(ctx, r, m);
    for (long i = 0; i < r->nverts; i++) {
        double ch[CH_COUNT] = {0, 0, 0, 255, 255, 255, P3D_VERTEX_ORIGINAL};
        for (int k = 0; k < r->nprops; k++) {
            double v;
            if (!get_value(r, r->prop_type[k], &v))
                return p3d_fail(ctx, P3D_E_INPUT, "%s: vertex %ld is truncated or malformed",
                                r->path, i);
            int c = r->prop_channel[k];
            if (c == CH_OTHER)
                continue;
            if (c >= CH_R && r->prop_type[k] >= T_F32)
                v *= 255.0; /* float colours are 0..1 */
            ch[c] = v;
        }
        for (int k = 0; k < 3; k++) {
            if (!isfinite(ch[k]) || fabs(ch[k]) > 3.0e38)
                return p3d_fail(ctx, P3D_E_INPUT, "%s: vertex %ld has a non-finite coordinate",
                                r->path, i);
            m->xyz[3 * i + k] = (float)ch[k];
        }
        for (int k = 0; k < 4; k++) {
            double v = ch[CH_R + k];
            m->rgba[4 * i + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
        }
    }
    return P3D_OK;
}

/* Binary triangles with a uchar count and 32-bit indices (as photo3d and
 * the reference write them): 13-byte records, read by read_int_triangles. */
static int faces_are_int_triangles(const ply_reader *r)
{
    return r->binary && r->count_type == T_U8 && (r->index_type == T_I32 || r->index_type == T_U32);
}

/* Those triangles: the same checks as the general loop, without doubles. */
static int read_int_triangles(p3d_ctx *ctx, ply_reader *r, p3d_mesh *m)
{
    const uint8_t *p = r->data + r->pos;
    size_t left = r->size - r->pos;
    int is_signed = r->index_type == T_I32;
    for (long i = 0; i < r->nfaces; i++, p += 13, left -= 13) {
        if (left < 13)
            return p3d_fail(ctx, P3D_E_INPUT, "%s: face %ld is truncated or malformed", r->path, i);
        if (p[0] != 3)
            return p3d_fail(ctx, P3D_E_INPUT,
                            "%s: face %ld has %d vertices; only triangles are supported", r->path, i,
                            p[0]);
        for (int k = 0; k < 3; k++) {
            uint32_t bits = ply_get_le32(p + 1 + 4 * k);
            double v = is_signed ? (double)(int32_t)bits : (double)bits;
            if (!(v >= 0 && v < r->nverts))
                return p3d_fail(ctx, P3D_E_INPUT, "%s: face %ld refers to vertex %g of %ld", r->path,
                                i, v, r->nverts);
            m->faces[3 * i + k] = (int32_t)bits;
        }
    }
    r->pos += 13 * (size_t)r->nfaces;
    return P3D_OK;
}

static int read_faces(p3d_ctx *ctx, ply_reader *r, p3d_mesh *m)
{
    if (faces_are_int_triangles(r))
        return read_int_triangles(ctx, r, m);
    for (long i = 0; i < r->nfaces; i++) {
        double n;
        if (!get_value(r, r->count_type, &n))
            return p3d_fail(ctx, P3D_E_INPUT, "%s: face %ld is truncated or malformed", r->path, i);
        if (n != 3)
            return p3d_fail(ctx, P3D_E_INPUT,
                            "%s: face %ld has %g vertices; only triangles are supported", r->path,
                            i, n);
        for (int k = 0; k < 3; k++) {
            double v;
            if (!get_value(r, r->index_type, &v))
                return p3d_fail(ctx, P3D_E_INPUT, "%s: face %ld is truncated or malformed",
                                r->path, i);
            if (!(v >= 0 && v < r->nverts) || v != floor(v))
                return p3d_fail(ctx, P3D_E_INPUT, "%s: face %ld refers to vertex %g of %ld",
                                r->path, i, v, r->nverts);
            m->faces[3 * i + k] = (int32_t)v;
        }
    }
    return P3D_OK;
}

/* The whole file, NUL-terminated for the ascii parser: mapped where a
 * mapping ends in a zero-filled page tail (no copy, far fewer page faults
 * for a large mesh), else read into memory. *mapped: unmap, not free. */
static int read_file(p3d_ctx *ctx, const char *path, uint8_t **data, size_t *size, int *mapped)
{
    *mapped = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    long page = sysconf(_SC_PAGESIZE);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > PLY_MAX_FILE_BYTES) {
        close(fd);
        return p3d_fail(ctx, st.st_size > PLY_MAX_FILE_BYTES ? P3D_E_LIMIT : P3D_E_INPUT,
                        "%s: cannot read (not a regular file or over 4 GiB)", path);
    }
    size_t len = (size_t)st.st_size;
    if (page > 0 && len % (size_t)page != 0) {
        void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            *data = p;
            *size = len;
            *mapped = 1;
            return P3D_OK;
        }
    }
    *data = malloc(len + 1);
    if (!*data) {
        close(fd);
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, *data + got, len - got);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            break;
        got += n > 0 ? (size_t)n : 0;
    }
    close(fd);
    if (got != len) {
        free(*data);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: read error", path);
    }
    (*data)[len] = 0;
    *size = len;
    return P3D_OK;
}

/* Vertices and faces, in two threads where both are binary records of a
 * fixed size (the faces then start at a known offset). */
static int read_elements(p3d_ctx *ctx, ply_reader *r, p3d_mesh *m)
{
    int fixed = vertices_are_ours(r) && faces_are_int_triangles(r) &&
                (size_t)r->nverts <= (r->size - r->pos) / 16;
    if (!fixed) {
        int rc = read_vertices(ctx, r, m);
        return rc ? rc : read_faces(ctx, r, m);
    }
    ply_reader rf = *r;
    rf.pos = r->pos + 16 * (size_t)r->nverts;
    p3d_ctx cf = *ctx;
    int rv = P3D_OK, rcf = P3D_OK;
#pragma omp parallel sections num_threads(2)
    {
#pragma omp section
        rv = read_our_vertices(ctx, r, m);
#pragma omp section
        rcf = read_int_triangles(&cf, &rf, m);
    }
    if (rv)
        return rv;
    if (rcf) {
        ctx->status = cf.status;
        memcpy(ctx->msg, cf.msg, sizeof ctx->msg);
        return rcf;
    }
    r->pos = rf.pos;
    return P3D_OK;
}

int p3d_mesh_load_ply(p3d_ctx *ctx, const char *path, p3d_mesh *mesh)
{
    memset(mesh, 0, sizeof *mesh);
    ply_reader r = {.path = path};
    uint8_t *data = NULL;
    int mapped = 0;
    int rc = read_file(ctx, path, &data, &r.size, &mapped);
    if (rc)
        return rc;
    r.data = data;
    rc = parse_header(ctx, &r);
    if (!rc)
        rc = check_counts(ctx, &r);
    if (!rc) {
        mesh->xyz = malloc(sizeof(float) * 3 * (size_t)(r.nverts ? r.nverts : 1));
        mesh->rgba = malloc(4 * (size_t)(r.nverts ? r.nverts : 1));
        mesh->faces = malloc(sizeof(int32_t) * 3 * (size_t)(r.nfaces ? r.nfaces : 1));
        if (!mesh->xyz || !mesh->rgba || !mesh->faces)
            rc = p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory for %ld vertices", path, r.nverts);
    }
    if (!rc)
        rc = read_elements(ctx, &r, mesh);
    if (mapped)
        munmap(data, r.size);
    else
        free(data);
    if (rc) {
        p3d_mesh_free(mesh);
        return rc;
    }
    mesh->nverts = r.nverts;
    mesh->nfaces = r.nfaces;
    mesh->width = r.width;
    mesh->height = r.height;
    mesh->hfov = r.hfov;
    mesh->vfov = r.vfov;
    return P3D_OK;
}
