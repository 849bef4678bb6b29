/* Depth map files (src/io/pfm.c, src/io/map_io.c): PFM written byte by byte
 * (both byte orders, rows bottom-to-top, inf kept), gray PNG maps with raw
 * values, the reference's 16-bit min-max PNG, and refusals. */
#include "photo3d/io.h"
#include "io/io_internal.h"
#include "testlib.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char path[512];

static void write_bytes(const char *header, const float *v, int n, int big)
{
    FILE *f = fopen(path, "wb");
    fputs(header, f);
    for (int i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int b = 0; b < 4; b++)
            fputc((int)(u >> (big ? 24 - 8 * b : 8 * b)) & 255, f);
    }
    fclose(f);
}

static void check_refused(p3d_ctx *ctx, const char *expect)
{
    p3d_map m;
    CHECK_INT(p3d_map_load(ctx, path, &m), P3D_E_INPUT);
    CHECK(m.data == NULL);
    CHECK(strstr(p3d_errmsg(ctx), path) && strstr(p3d_errmsg(ctx), expect));
    if (!strstr(p3d_errmsg(ctx), expect))
        fprintf(stderr, "  message '%s' lacks '%s'\n", p3d_errmsg(ctx), expect);
    p3d_clear_error(ctx);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    snprintf(path, sizeof path, "%s/m.pfm", tl_tmpdir());

    /* 3 x 2 PFM. File rows are bottom-to-top: the first stored row is y = 1. */
    float file_rows[6] = {4, 5, INFINITY, 1, -2, 3};
    for (int big = 0; big < 2; big++) {
        write_bytes(big ? "Pf\n3 2\n1.0\n" : "Pf\n3 2\n-1.0\n", file_rows, 6, big);
        p3d_map m;
        CHECK_INT(p3d_map_load(&ctx, path, &m), P3D_OK);
        CHECK(m.width == 3 && m.height == 2);
        CHECK(m.data[0] == 1 && m.data[1] == -2 && m.data[2] == 3);
        CHECK(m.data[3] == 4 && m.data[4] == 5 && isinf(m.data[5]) && m.data[5] > 0);
        /* Writer round trip (little-endian, same layout). */
        char out[600];
        snprintf(out, sizeof out, "%s/out.pfm", tl_tmpdir());
        CHECK_INT(p3d_map_save_pfm(&ctx, out, &m), P3D_OK);
        p3d_map back;
        CHECK_INT(p3d_map_load(&ctx, out, &back), P3D_OK);
        CHECK(back.width == 3 && memcmp(back.data, m.data, sizeof file_rows) == 0);
        p3d_map_free(&back);
        p3d_map_free(&m);
    }
    write_bytes("PF\n1 1\n-1.0\n", file_rows, 3, 0);
    check_refused(&ctx, "colour PFM");
    write_bytes("Pf\n3 2\n-1.0\n", file_rows, 5, 0);
    check_refused(&ctx, "PFM data is 20 bytes, 3x2 needs 24");
    write_bytes("Pf\n3 -2\n-1.0\n", file_rows, 6, 0);
    check_refused(&ctx, "malformed PFM header");
    write_bytes("Pf\n3 2\n0\n", file_rows, 6, 0);
    check_refused(&ctx, "malformed PFM header");
    write_bytes("Pf\n3 2", file_rows, 0, 0);
    check_refused(&ctx, "malformed PFM header");
    write_bytes("P6\n3 2\n255\n", file_rows, 6, 0);
    check_refused(&ctx, "not a depth map");

    /* 16-bit PNG of a min-max rescale: 65535 * (d - 1) / 3, truncated. */
    snprintf(path, sizeof path, "%s/d.png", tl_tmpdir());
    float ramp[4] = {1, 2, 3, 4};
    p3d_map m = {4, 1, ramp}, back;
    CHECK_INT(p3d_map_save_png16(&ctx, path, &m), P3D_OK);
    CHECK_INT(p3d_map_load(&ctx, path, &back), P3D_OK);
    CHECK(back.width == 4 && back.height == 1);
    CHECK(back.data[0] == 0 && back.data[1] == 21845 && back.data[2] == 43690 && back.data[3] == 65535);
    p3d_map_free(&back);
    float odd[3] = {0, 1, 7}; /* 65535/7 = 9362.14 -> 9362 (truncation, not rounding) */
    m = (p3d_map){3, 1, odd};
    CHECK_INT(p3d_map_save_png16(&ctx, path, &m), P3D_OK);
    CHECK_INT(p3d_map_load(&ctx, path, &back), P3D_OK);
    CHECK(back.data[1] == 9362 && back.data[2] == 65535);
    p3d_map_free(&back);
    float flat[2] = {5, 5};
    m = (p3d_map){2, 1, flat};
    CHECK_INT(p3d_map_save_png16(&ctx, path, &m), P3D_OK);
    CHECK_INT(p3d_map_load(&ctx, path, &back), P3D_OK);
    CHECK(back.data[0] == 0 && back.data[1] == 0);
    p3d_map_free(&back);

    /* An 8-bit gray PNG map keeps raw values; a colour PNG is not a map. */
    uint8_t gray[6] = {0, 1, 2, 250, 254, 255};
    CHECK_INT(p3d_png_write(&ctx, path, 3, 2, 1, 8, gray), P3D_OK);
    CHECK_INT(p3d_map_load(&ctx, path, &back), P3D_OK);
    CHECK(back.data[1] == 1 && back.data[5] == 255);
    p3d_map_free(&back);
    uint8_t rgb[6] = {1, 2, 3, 4, 5, 6};
    CHECK_INT(p3d_png_write(&ctx, path, 2, 1, 3, 8, rgb), P3D_OK);
    check_refused(&ctx, "must be gray");

    /* .npy maps round trip through p3d_map_save_npy. */
    snprintf(path, sizeof path, "%s/m.npy", tl_tmpdir());
    m = (p3d_map){2, 2, ramp};
    CHECK_INT(p3d_map_save_npy(&ctx, path, &m), P3D_OK);
    CHECK_INT(p3d_map_load(&ctx, path, &back), P3D_OK);
    CHECK(back.width == 2 && back.height == 2 && back.data[3] == 4);
    p3d_map_free(&back);
    return tl_finish();
}
