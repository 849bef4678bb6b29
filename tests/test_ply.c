/* PLY writer and reader (src/mesh/ply_*.c): round trips in both formats, the
 * reference's exact ascii layout, hand-written files, and refusal of
 * truncated, lying and malformed files. */
#include "photo3d/mesh.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static void make_mesh(p3d_mesh *m)
{
    static float xyz[] = {-0.25f, 0.1f, 1.5f, 0.3333333f, -1e-7f, 2.0f, 12345.678f, 0.5f, 20.0f,
                          1.0f, 1.0f, 1.0f};
    static uint8_t rgba[] = {255, 0, 10, 1, 1, 2, 3, 4, 128, 128, 128, 5, 0, 0, 0, 2};
    static int32_t faces[] = {0, 1, 2, 2, 1, 3};
    memset(m, 0, sizeof *m);
    m->width = 640;
    m->height = 480;
    m->hfov = 0.9272952180016122; /* 2 atan(1/2) */
    m->vfov = 0.7853981633974483;
    m->nverts = 4;
    m->xyz = xyz;
    m->rgba = rgba;
    m->nfaces = 2;
    m->faces = faces;
}

static void check_same(const p3d_mesh *a, const p3d_mesh *b)
{
    CHECK_INT(b->width, a->width);
    CHECK_INT(b->height, a->height);
    CHECK(b->hfov == a->hfov);
    CHECK(b->vfov == a->vfov);
    CHECK_INT(b->nverts, a->nverts);
    CHECK_INT(b->nfaces, a->nfaces);
    if (b->nverts != a->nverts || b->nfaces != a->nfaces)
        return;
    CHECK(memcmp(a->xyz, b->xyz, sizeof(float) * 3 * a->nverts) == 0);
    CHECK(memcmp(a->rgba, b->rgba, 4 * a->nverts) == 0);
    CHECK(memcmp(a->faces, b->faces, sizeof(int32_t) * 3 * a->nfaces) == 0);
}

static char *slurp(const char *path, long *len)
{
    FILE *fp = fopen(path, "rb");
    fseek(fp, 0, SEEK_END);
    *len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = calloc(*len + 1, 1);
    if (fread(s, 1, *len, fp) != (size_t)*len)
        *len = -1;
    fclose(fp);
    return s;
}

static void write_text(const char *path, const char *text, long len)
{
    FILE *fp = fopen(path, "wb");
    fwrite(text, 1, len < 0 ? (long)strlen(text) : len, fp);
    fclose(fp);
}

/* Loads text as a PLY; returns the status, with the message in *msg. */
static int load_text(const char *text, long len, p3d_mesh *m, char *msg)
{
    char path[300];
    snprintf(path, sizeof path, "%s/t.ply", tl_tmpdir());
    write_text(path, text, len);
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    int rc = p3d_mesh_load_ply(&ctx, path, m);
    strcpy(msg, p3d_errmsg(&ctx));
    return rc;
}

static const char *ascii_head =
    "ply\nformat ascii 1.0\ncomment H 2\ncomment W 3\ncomment hFov 0.5\ncomment vFov 0.25\n"
    "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
    "property uchar red\nproperty uchar green\nproperty uchar blue\nproperty uchar alpha\n"
    "element face 1\nproperty list uchar int vertex_index\nend_header\n";

static void expect_error(const char *body, const char *needle)
{
    char text[2048], msg[512];
    snprintf(text, sizeof text, "%s%s", ascii_head, body);
    p3d_mesh m;
    CHECK_INT(load_text(text, -1, &m, msg), P3D_E_INPUT);
    if (!strstr(msg, needle) || !strstr(msg, "t.ply"))
        fprintf(stderr, "  message was: %s (wanted %s)\n", msg, needle);
    CHECK(strstr(msg, needle) != NULL);
    CHECK(strstr(msg, "t.ply") != NULL);
    CHECK(strchr(msg, '\n') == NULL);
    CHECK(m.xyz == NULL);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    char path[300], msg[512];
    p3d_mesh src, back;
    make_mesh(&src);

    /* Round trips: both formats reproduce every bit. */
    for (int ascii = 0; ascii <= 1; ascii++) {
        snprintf(path, sizeof path, "%s/m%d.ply", tl_tmpdir(), ascii);
        CHECK_INT(p3d_mesh_save_ply(&ctx, path, &src, ascii), P3D_OK);
        CHECK_INT(p3d_mesh_load_ply(&ctx, path, &back), P3D_OK);
        check_same(&src, &back);
        p3d_mesh_free(&back);
    }

    /* The ascii file has the reference's exact layout. */
    snprintf(path, sizeof path, "%s/m1.ply", tl_tmpdir());
    long len;
    char *text = slurp(path, &len);
    const char *expect =
        "ply\nformat ascii 1.0\ncomment H 480\ncomment W 640\ncomment hFov 0.9272952180016122\n"
        "comment vFov 0.7853981633974483\nelement vertex 4\nproperty float x\nproperty float y\n"
        "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
        "property uchar alpha\nelement face 2\nproperty list uchar int vertex_index\nend_header\n"
        "-0.25 0.1 1.5 255 0 10 1\n0.3333333 -1e-07 2 1 2 3 4\n12345.678 0.5 20 128 128 128 5\n"
        "1 1 1 0 0 0 2\n3 0 1 2\n3 2 1 3\n";
    if (strcmp(text, expect) != 0)
        fprintf(stderr, "ascii file:\n%s", text);
    CHECK(strcmp(text, expect) == 0);
    free(text);

    /* A file of exactly 4096 bytes (a page) is read, not mapped: the ascii
     * parser needs a NUL after the text, which only a partial last page of
     * a mapping gives. The same mesh either way. */
    {
        static char page[4097];
        const char *after = expect + strlen("ply\nformat ascii 1.0\n");
        int pad = 4096 - (int)strlen(expect) - (int)strlen("comment \n");
        snprintf(page, sizeof page, "ply\nformat ascii 1.0\ncomment %0*d\n%s", pad, 0, after);
        CHECK_INT((int)strlen(page), 4096);
        CHECK_INT(load_text(page, 4096, &back, msg), P3D_OK);
        check_same(&src, &back);
        p3d_mesh_free(&back);
    }

    /* Binary: the same header with binary_little_endian, 16-byte vertices, 13-byte faces. */
    snprintf(path, sizeof path, "%s/m0.ply", tl_tmpdir());
    text = slurp(path, &len);
    char *body = strstr(text, "end_header\n");
    CHECK(strncmp(text, "ply\nformat binary_little_endian 1.0\ncomment H 480\n", 50) == 0);
    CHECK(body != NULL);
    if (body)
        CHECK_INT(len - (body + 11 - text), 4 * 16 + 2 * 13);
    free(text);

    /* A hand-written file in the reference's style (Python float repr, CRLF line ends). */
    const char *hand =
        "ply\r\nformat ascii 1.0\r\ncomment H 2\r\ncomment W 3\r\ncomment hFov 0.5\r\n"
        "comment vFov 0.25\r\nelement vertex 3\r\nproperty float x\r\nproperty float y\r\n"
        "property float z\r\nproperty uchar red\r\nproperty uchar green\r\nproperty uchar blue\r\n"
        "property uchar alpha\r\nelement face 1\r\nproperty list uchar int vertex_index\r\n"
        "end_header\r\n-0.123456789012345 0.5 1.0 10 20 30 1\r\n0.0 0.0 2.0 40 50 60 5\r\n"
        "1e-3 -2.5 3.25 70 80 90 4\r\n3 2 0 1\r\n";
    CHECK_INT(load_text(hand, -1, &back, msg), P3D_OK);
    CHECK_INT(back.width, 3);
    CHECK_INT(back.height, 2);
    CHECK_NEAR(back.hfov, 0.5, 0);
    CHECK_NEAR(back.vfov, 0.25, 0);
    CHECK_INT(back.nverts, 3);
    CHECK_INT(back.nfaces, 1);
    if (back.nverts == 3 && back.nfaces == 1) {
        CHECK(back.xyz[0] == (float)-0.123456789012345);
        CHECK(back.xyz[6] == 1e-3f);
        CHECK(back.xyz[7] == -2.5f);
        CHECK_INT(back.rgba[4], 40);
        CHECK_INT(back.rgba[7], 5);
        CHECK_INT(back.faces[0], 2);
        CHECK_INT(back.faces[2], 1);
    }
    p3d_mesh_free(&back);

    /* Other property orders and types; colourless vertices get white, code 1. */
    const char *other =
        "ply\nformat ascii 1.0\nelement vertex 3\nproperty double z\nproperty float nx\n"
        "property float y\nproperty float x\nelement face 1\nproperty list int uint vertex_indices\n"
        "end_header\n1 0 2 3\n4 0 5 6\n7 0 8 9\n3 0 1 2\n";
    CHECK_INT(load_text(other, -1, &back, msg), P3D_OK);
    if (back.nverts == 3) {
        CHECK(back.xyz[0] == 3 && back.xyz[1] == 2 && back.xyz[2] == 1);
        CHECK(back.rgba[0] == 255 && back.rgba[3] == 1);
    }
    p3d_mesh_free(&back);

    /* Bad files: one-line errors naming the file; nothing allocated. */
    expect_error("0 0 1 1 1 1 1\n0 1 1 1 1 1 1\n1 0 1 1 1 1 1\n4 0 1 2 2\n", "only triangles");
    expect_error("0 0 1 1 1 1 1\n0 1 1 1 1 1 1\n1 0 1 1 1 1 1\n3 0 1 3\n", "refers to vertex 3");
    expect_error("0 0 1 1 1 1 1\n0 1 1 1 1 1 1\n1 0 1 1 1 1 1\n3 0 -1 2\n", "refers to vertex -1");
    expect_error("0 0 1 1 1 1 1\n0 1 1 1 1 1 1\n1 0 nan 1 1 1 1\n3 0 1 2\n", "non-finite");
    expect_error("0 0 1 1 1 1 1\n0 1 1 1 1 1 1\n1 0 1 1 1 1 1\n3 0 1      \n", "face 0 is truncated");
    expect_error("0 0 1 1 1 1 1\n0 1 1 1 1 1 1\n1 0 1 1 1 x 1 3 0 1 2 0 0 0 0\n", "vertex 2");
    expect_error("0 0 1\n", "more than the file holds");

    p3d_mesh m;
    CHECK_INT(load_text("ply\nformat binary_big_endian 1.0\nend_header\n", -1, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "binary_little_endian") != NULL);
    CHECK_INT(load_text("PLY\n", -1, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "magic") != NULL);
    CHECK_INT(load_text("ply\nformat ascii 1.0\nelement vertex 1\n", -1, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "end_header") != NULL);
    CHECK_INT(load_text("ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nend_header\n0 0 0\n",
                        -1, &m, msg),
              P3D_E_INPUT);
    CHECK(strstr(msg, "x, y and z") != NULL);
    /* A binary file whose header claims a billion faces is refused before allocating. */
    const char *lying =
        "ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
        "property float z\nelement face 1000000000\nproperty list uchar int vertex_index\nend_header\n"
        "012345678901";
    CHECK_INT(load_text(lying, -1, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "more than the file holds") != NULL);

    /* Every truncation of a valid binary file fails cleanly (the full file loads). */
    snprintf(path, sizeof path, "%s/m0.ply", tl_tmpdir());
    text = slurp(path, &len);
    int failures = 0;
    for (long cut = 0; cut < len; cut++)
        failures += load_text(text, cut, &m, msg) != P3D_OK;
    CHECK_INT(failures, len);
    CHECK_INT(load_text(text, len, &m, msg), P3D_OK);
    p3d_mesh_free(&m);
    /* Bad values in the binary records (read in two threads, vertices and
     * faces): the same one-line errors as the general reader. */
    char *faces = text + len - 2 * 13, *verts = faces - 4 * 16;
    faces[13 + 1 + 4] = 99; /* face 1, its second index */
    CHECK_INT(load_text(text, len, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "face 1 refers to vertex 99 of 4") != NULL);
    faces[13 + 1 + 4] = 1;
    faces[0] = 4;
    CHECK_INT(load_text(text, len, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "face 0 has 4 vertices") != NULL);
    faces[0] = 3;
    const uint8_t nan_bits[4] = {0, 0, 0xc0, 0x7f};
    memcpy(verts + 2 * 16 + 4, nan_bits, 4); /* vertex 2's y; both kinds of error: the vertex's wins */
    faces[13 + 1 + 4] = 99;
    CHECK_INT(load_text(text, len, &m, msg), P3D_E_INPUT);
    CHECK(strstr(msg, "vertex 2 has a non-finite coordinate") != NULL);
    free(text);

    /* Unreadable path. */
    CHECK_INT(p3d_mesh_load_ply(&ctx, "/nonexistent/x.ply", &m), P3D_E_INPUT);
    CHECK(strstr(p3d_errmsg(&ctx), "/nonexistent/x.ply") != NULL);
    return tl_finish();
}
