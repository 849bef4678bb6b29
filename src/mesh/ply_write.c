/* PLY writer: the reference's ascii layout (ALGORITHM.md 8) or the same
 * header with binary little-endian records. Floats are printed in their
 * shortest form that reads back to the same value, like Python's repr. */
#include "photo3d/mesh.h"
#include "core/atomic_file.h"
#include "mesh/ply_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest decimal that reads back to exactly v (as a float when
 * single != 0), written like Python's repr: positional for exponents -4..15,
 * scientific otherwise. Returns the length. */
static int format_shortest(char *buf, size_t n, double v, int single)
{
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, n, "%.*e", prec - 1, v);
        if (single ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
            break;
    }
    int exp10 = atoi(strchr(buf, 'e') + 1);
    if (exp10 < -4 || exp10 >= 16)
        return (int)strlen(buf);
    int decimals = prec - 1 - exp10;
    return snprintf(buf, n, "%.*f", decimals > 0 ? decimals : 0, v);
}

static void write_header(FILE *fp, const p3d_mesh *m, int ascii)
{
    char hfov[32], vfov[32];
    format_shortest(hfov, sizeof hfov, m->hfov, 0);
    format_shortest(vfov, sizeof vfov, m->vfov, 0);
    fprintf(fp,
            "ply\nformat %s 1.0\ncomment H %d\ncomment W %d\ncomment hFov %s\ncomment vFov %s\n"
            "element vertex %ld\nproperty float x\nproperty float y\nproperty float z\n"
            "property uchar red\nproperty uchar green\nproperty uchar blue\nproperty uchar alpha\n"
            "element face %ld\nproperty list uchar int vertex_index\nend_header\n",
            ascii ? "ascii" : "binary_little_endian", m->height, m->width, hfov, vfov, m->nverts,
            m->nfaces);
}

static void write_ascii_body(FILE *fp, const p3d_mesh *m)
{
    char line[160];
    for (long i = 0; i < m->nverts; i++) {
        int len = 0;
        for (int k = 0; k < 3; k++) {
            len += format_shortest(line + len, sizeof line - len, m->xyz[3 * i + k], 1);
            line[len++] = ' ';
        }
        const uint8_t *c = m->rgba + 4 * i;
        len += snprintf(line + len, sizeof line - len, "%u %u %u %u\n", c[0], c[1], c[2], c[3]);
        fwrite(line, 1, len, fp);
    }
    for (long i = 0; i < m->nfaces; i++) {
        const int32_t *f = m->faces + 3 * i;
        fprintf(fp, "3 %d %d %d\n", f[0], f[1], f[2]);
    }
}

static void write_binary_body(FILE *fp, const p3d_mesh *m)
{
    uint8_t rec[PLY_FACE_RECORD > PLY_VERTEX_RECORD ? PLY_FACE_RECORD : PLY_VERTEX_RECORD];
    for (long i = 0; i < m->nverts; i++) {
        for (int k = 0; k < 3; k++)
            ply_put_le32(rec + 4 * k, ply_float_bits(m->xyz[3 * i + k]));
        memcpy(rec + 12, m->rgba + 4 * i, 4);
        fwrite(rec, 1, PLY_VERTEX_RECORD, fp);
    }
    for (long i = 0; i < m->nfaces; i++) {
        rec[0] = 3;
        for (int k = 0; k < 3; k++)
            ply_put_le32(rec + 1 + 4 * k, (uint32_t)m->faces[3 * i + k]);
        fwrite(rec, 1, PLY_FACE_RECORD, fp);
    }
}

int p3d_mesh_save_ply(p3d_ctx *ctx, const char *path, const p3d_mesh *mesh, int ascii)
{
    for (long i = 0; i < 3 * mesh->nfaces; i++)
        if (mesh->faces[i] < 0 || mesh->faces[i] >= mesh->nverts)
            return p3d_fail(ctx, P3D_E_INTERNAL, "%s: face %ld refers to vertex %d of %ld", path,
                            i / 3, mesh->faces[i], mesh->nverts);
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    char *buf = malloc(1 << 20); /* a large stdio buffer; NULL keeps the default */
    if (buf)
        setvbuf(af.fp, buf, _IOFBF, 1 << 20);
    write_header(af.fp, mesh, ascii);
    if (ascii)
        write_ascii_body(af.fp, mesh);
    else
        write_binary_body(af.fp, mesh);
    rc = p3d_atomic_commit(ctx, &af);
    free(buf);
    return rc;
}
