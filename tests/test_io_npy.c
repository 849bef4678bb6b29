/* .npy reading and writing (src/io/npy.c, src/io/map_io.c): every dtype in
 * both byte orders and both memory orders, written byte by byte here; and
 * every kind of bad header, each refused with a message naming the file. */
#include "photo3d/io.h"
#include "testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char path[512];

/* Writes a version-1.0 .npy with the given header dict and raw data. */
static void write_npy(const char *dict, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    size_t hlen = strlen(dict) + 1;
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    uint8_t hl[2] = {(uint8_t)hlen, (uint8_t)(hlen >> 8)};
    fwrite(hl, 1, 2, f);
    fwrite(dict, 1, strlen(dict), f);
    fputc('\n', f);
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Stores v as a size-byte element of kind 'f'/'i'/'u'/'b' in the byte order. */
static void put(uint8_t *out, char kind, int size, int big, double v)
{
    uint8_t le[8];
    uint64_t u;
    if (kind == 'f' && size == 4) {
        float f = (float)v;
        uint32_t u32;
        memcpy(&u32, &f, 4);
        u = u32;
    } else if (kind == 'f') {
        memcpy(&u, &v, 8);
    } else {
        u = (uint64_t)(int64_t)v;
    }
    for (int i = 0; i < size; i++)
        le[i] = (uint8_t)(u >> (8 * i));
    for (int i = 0; i < size; i++)
        out[i] = big ? le[size - 1 - i] : le[i];
}

/* Element (i, j) of the 2 x 3 test array: distinct, and negative for signed kinds. */
static double value(char kind, int i, int j)
{
    if (kind == 'b')
        return (i + j) % 2;
    return kind == 'i' || kind == 'f' ? -(10 * i + j) : 10 * i + j;
}

static void check_dtype(p3d_ctx *ctx, const char *descr, int fortran)
{
    char kind = descr[1];
    int size = descr[2] - '0', big = descr[0] == '>';
    uint8_t data[6 * 8];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++) {
            int k = fortran ? j * 2 + i : i * 3 + j;
            put(data + k * size, kind, size, big, value(kind, i, j));
        }
    char dict[128];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': (2, 3), }", descr,
             fortran ? "True" : "False");
    write_npy(dict, data, 6 * (size_t)size);
    p3d_array a;
    int rc = p3d_npy_load(ctx, path, &a);
    CHECK_INT(rc, P3D_OK);
    if (rc) {
        fprintf(stderr, "  %s: %s\n", descr, p3d_errmsg(ctx));
        p3d_clear_error(ctx);
        return;
    }
    CHECK_INT(a.ndim, 2);
    CHECK(a.shape[0] == 2 && a.shape[1] == 3);
    int same = 1;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            same &= a.data[i * 3 + j] == (float)value(kind, i, j);
    if (!same)
        fprintf(stderr, "  wrong values for %s fortran=%d\n", descr, fortran);
    CHECK(same);
    p3d_array_free(&a);
}

/* The loader must fail with P3D_E_INPUT (or LIMIT) and name the file. */
static void check_refused(p3d_ctx *ctx, int want, const char *expect_in_msg)
{
    p3d_array a;
    int rc = p3d_npy_load(ctx, path, &a);
    CHECK_INT(rc, want);
    CHECK(a.data == NULL);
    CHECK(strstr(p3d_errmsg(ctx), path) != NULL);
    if (!strstr(p3d_errmsg(ctx), expect_in_msg)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", p3d_errmsg(ctx), expect_in_msg);
        CHECK(0);
    }
    p3d_clear_error(ctx);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    snprintf(path, sizeof path, "%s/a.npy", tl_tmpdir());

    static const char *dtypes[] = {"<f4", ">f4", "<f8", ">f8", "|u1", "<u1", "|i1", "<u2", ">u2",
                                   "<i2", ">i2", "<u4", ">i4", "<i8", ">i8", "<u8", "|b1"};
    for (size_t k = 0; k < sizeof dtypes / sizeof *dtypes; k++)
        for (int fortran = 0; fortran < 2; fortran++)
            check_dtype(&ctx, dtypes[k], fortran);

    /* Writer round trip, including a 3-D and a 1-D shape (written "(5,)"). */
    float v[24];
    for (int i = 0; i < 24; i++)
        v[i] = (float)i * 0.25f - 3;
    p3d_array out = {3, {2, 3, 4}, v}, in;
    CHECK_INT(p3d_npy_save(&ctx, path, &out), P3D_OK);
    CHECK_INT(p3d_npy_load(&ctx, path, &in), P3D_OK);
    CHECK(in.ndim == 3 && in.shape[2] == 4 && memcmp(in.data, v, sizeof v) == 0);
    p3d_array_free(&in);
    p3d_array one = {1, {5}, v};
    CHECK_INT(p3d_npy_save(&ctx, path, &one), P3D_OK);
    CHECK_INT(p3d_npy_load(&ctx, path, &in), P3D_OK);
    CHECK(in.ndim == 1 && in.shape[0] == 5 && in.data[4] == v[4]);
    p3d_array_free(&in);
    /* The data starts on a 64-byte boundary, as numpy writes it. */
    FILE *f = fopen(path, "rb");
    uint8_t head[10];
    CHECK(fread(head, 1, 10, f) == 10);
    fclose(f);
    CHECK_INT((10 + head[8] + 256 * head[9]) % 64, 0);

    /* Maps: (H, W) and (H, W, 1) load; anything else is refused. */
    float px[6] = {1, 2, 3, 4, 5, 6};
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 1), }", px, sizeof px);
    p3d_map m;
    CHECK_INT(p3d_map_load(&ctx, path, &m), P3D_OK);
    CHECK(m.width == 3 && m.height == 2 && m.data[5] == 6);
    p3d_map_free(&m);
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", px, sizeof px);
    CHECK_INT(p3d_map_load(&ctx, path, &m), P3D_E_INPUT);
    CHECK(strstr(p3d_errmsg(&ctx), "(1, 2, 3)") != NULL);
    p3d_clear_error(&ctx);
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", px, sizeof px);
    CHECK_INT(p3d_map_load(&ctx, path, &m), P3D_E_INPUT);
    p3d_clear_error(&ctx);

    /* Bad headers. */
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "needs 36 data bytes, the file has 24");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576), }", px, sizeof px);
    check_refused(&ctx, P3D_E_LIMIT, "elements");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
              px, sizeof px);
    check_refused(&ctx, P3D_E_LIMIT, "elements");
    write_npy("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "unsupported .npy dtype '<c8'");
    write_npy("{'descr': '|f4', 'fortran_order': False, 'shape': (6,), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "dtype");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 3, 1), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "5 dimensions");
    /* Found by fuzz_npy: a 6th dimension was stored past the shape array. */
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 2, 3, 1), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "7 dimensions");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "malformed value for 'shape'");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1}", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "unexpected or repeated key 'extra'");
    write_npy("{'descr': '<f4', 'descr': '<f4', 'shape': (6,), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "repeated key");
    write_npy("{'descr': '<f4', 'shape': (6,), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "lacks");
    write_npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (6,), }", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "fortran_order");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)", px, sizeof px);
    check_refused(&ctx, P3D_E_INPUT, "malformed");
    write_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", px, 0);
    check_refused(&ctx, P3D_E_INPUT, "no elements");
    /* A header length that runs past the end of the file. */
    f = fopen(path, "wb");
    fwrite("\x93NUMPY\x01\x00\xff\x7f{", 1, 11, f);
    fclose(f);
    check_refused(&ctx, P3D_E_INPUT, "runs past the file");
    f = fopen(path, "wb");
    fwrite("\x93NUMPY\x09\x00\x10\x00{}", 1, 12, f);
    fclose(f);
    check_refused(&ctx, P3D_E_INPUT, "version 9");
    return tl_finish();
}
