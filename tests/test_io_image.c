/* Photo decoding (src/io/png_decode.c, jpeg_decode.c, exif_orientation.c,
 * image_load.c) and the PNG writer: every PNG colour type and depth, JPEGs
 * written here with libjpeg (plain, gray, EXIF-rotated), the gray flag, and
 * refusals: truncated files, a 20000x20000 header over the pixel limit. */
#include "photo3d/io.h"
#include "io/io_internal.h"
#include "testlib.h"

#include <png.h>
#include <jpeglib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char path[512];

/* A JPEG of w x h pixels, comps 1 or 3, left half colour a, right half b;
 * with an EXIF APP1 orientation tag when orientation > 0. Returns its size. */
static long write_jpeg(int w, int h, int comps, const uint8_t *a, const uint8_t *b, int orientation)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    FILE *f = fopen(path, "wb");
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 98, TRUE);
    jpeg_start_compress(&c, TRUE);
    if (orientation > 0) {
        /* "Exif\0\0", big-endian TIFF header, IFD0 at 8 with one SHORT entry 0x0112. */
        uint8_t exif[6 + 8 + 2 + 12 + 4] = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
                                            0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0,
                                            (uint8_t)orientation, 0, 0, 0, 0, 0, 0};
        jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof exif);
    }
    uint8_t *row = malloc((size_t)w * comps);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++)
            memcpy(row + x * comps, x < w / 2 ? a : b, (size_t)comps);
        jpeg_write_scanlines(&c, &row, 1);
    }
    free(row);
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    long size = ftell(f);
    fclose(f);
    return size;
}

/* A valid 8x8 gray progressive JPEG with 631 scans: one DC scan, then every AC
 * coefficient alone, first at bit 9 and refined bit by bit down to bit 0. */
static void write_many_scan_jpeg(void)
{
    static jpeg_scan_info scans[1 + 63 * 10];
    int n = 0;
    scans[n++] = (jpeg_scan_info){1, {0}, 0, 0, 0, 0};
    for (int k = 1; k <= 63; k++) {
        scans[n++] = (jpeg_scan_info){1, {0}, k, k, 0, 9};
        for (int bit = 9; bit >= 1; bit--)
            scans[n++] = (jpeg_scan_info){1, {0}, k, k, bit, bit - 1};
    }
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    FILE *f = fopen(path, "wb");
    jpeg_stdio_dest(&c, f);
    c.image_width = c.image_height = 8;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    c.scan_info = scans;
    c.num_scans = n;
    jpeg_start_compress(&c, TRUE);
    uint8_t row[8] = {0, 30, 60, 90, 120, 150, 180, 210};
    for (int y = 0; y < 8; y++) {
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
}

static void truncate_file(long size)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc((size_t)size);
    CHECK(fread(buf, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)size, f);
    fclose(f);
    free(buf);
}

static long file_size(void)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static int near(const uint8_t *p, int r, int g, int b, int tol)
{
    return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
}

/* A palette PNG (2 x 1: entries 0 and 1), optionally with transparency. */
static void write_palette_png(int with_trns)
{
    FILE *f = fopen(path, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    png_set_IHDR(png, info, 2, 1, 8, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_color pal[2] = {{10, 20, 30}, {200, 100, 50}};
    png_set_PLTE(png, info, pal, 2);
    png_byte alpha[2] = {0, 128};
    if (with_trns)
        png_set_tRNS(png, info, alpha, 2, NULL);
    png_write_info(png, info);
    png_byte row[2] = {1, 0};
    png_write_row(png, row);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

/* A w x h PNG of the given colour type, bit depth and interlacing; data holds
 * packed rows as libpng expects them. */
static void write_png(int w, int h, int ctype, int depth, int interlace, const uint8_t *data)
{
    FILE *f = fopen(path, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, ctype, interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_set_interlace_handling(png);
    png_bytep rows[16];
    size_t stride = png_get_rowbytes(png, info);
    for (int y = 0; y < h; y++)
        rows[y] = (png_bytep)data + y * stride;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

/* CRC-32 as PNG chunks use it (ISO 3309, reflected polynomial 0xEDB88320). */
static uint32_t png_crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

/* A PNG signature and an IHDR chunk (valid CRC) claiming w x h RGB, then nothing. */
static void write_png_header_only(uint32_t w, uint32_t h)
{
    uint8_t ihdr[17] = {'I', 'H', 'D', 'R', (uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8),
                        (uint8_t)w, (uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8),
                        (uint8_t)h, 8, 2, 0, 0, 0};
    uint32_t crc = png_crc(ihdr, sizeof ihdr);
    uint8_t crcb[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    FILE *f = fopen(path, "wb");
    fwrite("\x89PNG\r\n\x1a\n\0\0\0\x0d", 1, 12, f);
    fwrite(ihdr, 1, sizeof ihdr, f);
    fwrite(crcb, 1, 4, f);
    fclose(f);
}

static void check_refused(p3d_ctx *ctx, int want, const char *expect)
{
    p3d_image img;
    CHECK_INT(p3d_image_load(ctx, path, &img), want);
    CHECK(img.data == NULL);
    CHECK(strstr(p3d_errmsg(ctx), path) && strstr(p3d_errmsg(ctx), expect));
    if (!strstr(p3d_errmsg(ctx), expect))
        fprintf(stderr, "  message '%s' lacks '%s'\n", p3d_errmsg(ctx), expect);
    p3d_clear_error(ctx);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    snprintf(path, sizeof path, "%s/i.png", tl_tmpdir());
    p3d_image img;

    /* 8-bit RGB round trip; gray flag off. */
    uint8_t rgb[2 * 2 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    p3d_image src = {2, 2, 3, rgb, false};
    CHECK_INT(p3d_image_save_png(&ctx, path, &src), P3D_OK);
    CHECK_INT(p3d_image_load(&ctx, path, &img), P3D_OK);
    CHECK(img.width == 2 && img.height == 2 && img.channels == 3 && !img.gray);
    CHECK(memcmp(img.data, rgb, sizeof rgb) == 0);
    p3d_image_free(&img);

    /* 1-channel gray: replicated to 3 equal channels, gray flag on. 1x1 works. */
    uint8_t g[1] = {77};
    src = (p3d_image){1, 1, 1, g, false};
    CHECK_INT(p3d_image_save_png(&ctx, path, &src), P3D_OK);
    p3d_file_info fi;
    CHECK_INT(p3d_image_load_info(&ctx, path, &img, &fi), P3D_OK);
    CHECK(img.width == 1 && img.height == 1 && img.gray && near(img.data, 77, 77, 77, 0));
    CHECK(strcmp(fi.format, "PNG") == 0 && fi.channels == 1 && fi.bit_depth == 8);
    p3d_image_free(&img);

    /* RGB whose pixels are all gray also gets the flag (the reference's test). */
    uint8_t rgb_gray[6] = {9, 9, 9, 200, 200, 200};
    src = (p3d_image){2, 1, 3, rgb_gray, false};
    CHECK_INT(p3d_image_save_png(&ctx, path, &src), P3D_OK);
    CHECK_INT(p3d_image_load(&ctx, path, &img), P3D_OK);
    CHECK(img.gray);
    p3d_image_free(&img);

    /* RGBA: alpha dropped, colour kept as stored. */
    uint8_t rgba[8] = {10, 20, 30, 0, 40, 50, 60, 255};
    src = (p3d_image){2, 1, 4, rgba, false};
    CHECK_INT(p3d_image_save_png(&ctx, path, &src), P3D_OK);
    CHECK_INT(p3d_image_load_info(&ctx, path, &img, &fi), P3D_OK);
    CHECK(fi.channels == 4 && img.channels == 3);
    CHECK(near(img.data, 10, 20, 30, 0) && near(img.data + 3, 40, 50, 60, 0));
    p3d_image_free(&img);

    /* 16-bit RGB and gray+alpha: rounded to 8 bits (0x1234 -> 4660*255/65535 = 18.13 -> 18). */
    uint8_t rgb16[6] = {0x12, 0x34, 0xFF, 0xFF, 0x00, 0x80};
    CHECK_INT(p3d_png_write(&ctx, path, 1, 1, 3, 16, rgb16), P3D_OK);
    CHECK_INT(p3d_image_load_info(&ctx, path, &img, &fi), P3D_OK);
    CHECK(fi.bit_depth == 16 && near(img.data, 18, 255, 0, 0));
    p3d_image_free(&img);

    /* Palette, with and without transparency. */
    for (int trns = 0; trns < 2; trns++) {
        write_palette_png(trns);
        CHECK_INT(p3d_image_load_info(&ctx, path, &img, &fi), P3D_OK);
        CHECK_INT(fi.channels, trns ? 4 : 3);
        CHECK(img.width == 2 && near(img.data, 200, 100, 50, 0) && near(img.data + 3, 10, 20, 30, 0));
        p3d_image_free(&img);
    }

    /* Adam7-interlaced RGB: every pixel lands in place. */
    uint8_t inter[9 * 7 * 3];
    for (size_t i = 0; i < sizeof inter; i++)
        inter[i] = (uint8_t)(i * 5);
    write_png(9, 7, PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_ADAM7, inter);
    CHECK_INT(p3d_image_load(&ctx, path, &img), P3D_OK);
    CHECK(img.width == 9 && img.height == 7 && memcmp(img.data, inter, sizeof inter) == 0);
    p3d_image_free(&img);

    /* 2-bit gray: values 0..3 become 0, 85, 170, 255 for photos and maps alike. */
    uint8_t two_bit[1] = {0x1B}; /* pixels 0, 1, 2, 3 */
    write_png(4, 1, PNG_COLOR_TYPE_GRAY, 2, PNG_INTERLACE_NONE, two_bit);
    CHECK_INT(p3d_image_load(&ctx, path, &img), P3D_OK);
    CHECK(img.gray && img.data[3] == 85 && img.data[6] == 170 && img.data[9] == 255);
    p3d_image_free(&img);
    p3d_map raw;
    CHECK_INT(p3d_map_load(&ctx, path, &raw), P3D_OK);
    CHECK(raw.width == 4 && raw.data[1] == 85 && raw.data[3] == 255);
    p3d_map_free(&raw);

    /* Truncated PNG. */
    uint8_t big[64 * 64 * 3];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7 + i / 191);
    src = (p3d_image){64, 64, 3, big, false};
    CHECK_INT(p3d_image_save_png(&ctx, path, &src), P3D_OK);
    truncate_file(file_size() / 2);
    check_refused(&ctx, P3D_E_INPUT, "bad PNG");
    truncate_file(20);
    check_refused(&ctx, P3D_E_INPUT, "bad PNG");

    /* A 20000 x 20000 header is refused before any pixel memory is allocated. */
    write_png_header_only(20000, 20000);
    check_refused(&ctx, P3D_E_LIMIT, "20000x20000 is over the limit of 100000000 pixels");
    ctx.max_pixels = 15;
    src = (p3d_image){2, 2, 3, rgb, false};
    CHECK_INT(p3d_image_save_png(&ctx, path, &src), P3D_OK);
    CHECK_INT(p3d_image_load(&ctx, path, &img), P3D_OK);
    p3d_image_free(&img);
    ctx.max_pixels = 3;
    check_refused(&ctx, P3D_E_LIMIT, "over the limit of 3 pixels");
    ctx.max_pixels = 100000000;

    /* JPEG: RGB and gray; a truncated one is refused instead of decoding as gray. */
    snprintf(path, sizeof path, "%s/i.jpg", tl_tmpdir());
    const uint8_t red[3] = {220, 30, 40}, blue[3] = {20, 40, 210}, dark[1] = {40}, light[1] = {200};
    long size = write_jpeg(32, 16, 3, red, blue, 0);
    CHECK_INT(p3d_image_load_info(&ctx, path, &img, &fi), P3D_OK);
    CHECK(strcmp(fi.format, "JPEG") == 0 && fi.channels == 3 && !img.gray);
    CHECK(img.width == 32 && img.height == 16);
    CHECK(near(img.data + (8 * 32 + 4) * 3, 220, 30, 40, 8));
    CHECK(near(img.data + (8 * 32 + 28) * 3, 20, 40, 210, 8));
    p3d_image_free(&img);
    write_jpeg(16, 16, 1, dark, light, 0);
    CHECK_INT(p3d_image_load_info(&ctx, path, &img, &fi), P3D_OK);
    CHECK(fi.channels == 1 && img.gray && near(img.data + (8 * 16 + 2) * 3, 40, 40, 40, 3));
    p3d_image_free(&img);
    size = write_jpeg(32, 16, 3, red, blue, 0);
    truncate_file(size * 2 / 3);
    check_refused(&ctx, P3D_E_INPUT, "bad JPEG");
    truncate_file(4);
    check_refused(&ctx, P3D_E_INPUT, "bad JPEG");

    /* A JPEG whose frame header claims 20000 x 20000 is refused before decoding. */
    size = write_jpeg(32, 16, 3, red, blue, 0);
    FILE *jf = fopen(path, "r+b");
    uint8_t jbuf[4096];
    size_t jn = fread(jbuf, 1, sizeof jbuf, jf);
    for (size_t i = 0; i + 9 < jn; i++)
        if (jbuf[i] == 0xFF && jbuf[i + 1] == 0xC0) { /* SOF0: length, precision, height, width */
            jbuf[i + 5] = jbuf[i + 7] = 20000 >> 8;
            jbuf[i + 6] = jbuf[i + 8] = 20000 & 255;
            break;
        }
    rewind(jf);
    fwrite(jbuf, 1, jn, jf);
    fclose(jf);
    check_refused(&ctx, P3D_E_LIMIT, "20000x20000 is over the limit");

    /* A progressive JPEG with more than 500 scans is refused (decoding cost). */
    write_many_scan_jpeg();
    check_refused(&ctx, P3D_E_INPUT, "more than 500 scans");

    /* EXIF orientation 6 (turn 90 degrees clockwise): 32x16 red|blue becomes
     * 16x32 with red on top; 8 (counter-clockwise): blue on top; 3: blue left. */
    int orient[3] = {6, 8, 3};
    for (int k = 0; k < 3; k++) {
        write_jpeg(32, 16, 3, red, blue, orient[k]);
        CHECK_INT(p3d_image_load(&ctx, path, &img), P3D_OK);
        int rotated = orient[k] != 3;
        CHECK_INT(img.width, rotated ? 16 : 32);
        const uint8_t *first = rotated ? img.data + (4 * 16 + 8) * 3 : img.data + (8 * 32 + 4) * 3;
        const uint8_t *want = orient[k] == 6 ? red : blue;
        CHECK(near(first, want[0], want[1], want[2], 8));
        p3d_image_free(&img);
    }

    /* Not an image at all, and a missing file. */
    snprintf(path, sizeof path, "%s/x.npy", tl_tmpdir());
    FILE *f = fopen(path, "wb");
    fputs("\x93NUMPY", f);
    fclose(f);
    check_refused(&ctx, P3D_E_INPUT, "not a JPEG or PNG image");
    snprintf(path, sizeof path, "%s/missing.png", tl_tmpdir());
    check_refused(&ctx, P3D_E_INPUT, "cannot open");
    snprintf(path, sizeof path, "%s", tl_tmpdir());
    check_refused(&ctx, P3D_E_INPUT, "is a directory");
    return tl_finish();
}
