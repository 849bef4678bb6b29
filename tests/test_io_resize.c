/* Resizing (src/io/resize*.c) on inputs small enough to work out by hand;
 * the parity with cv2.resize on random inputs is in test_io_parity.py. */
#include "photo3d/io.h"
#include "testlib.h"

#include <string.h>

static p3d_ctx ctx;

/* Resizes a w x h float map and checks every output value against want. */
static void check_map(const float *src, int w, int h, int dw, int dh, p3d_resize_mode mode,
                      const float *want, double tol)
{
    p3d_map in = {w, h, (float *)src}, out;
    CHECK_INT(p3d_map_resize(&ctx, &in, dw, dh, mode, &out), P3D_OK);
    for (int i = 0; i < dw * dh; i++)
        CHECK_NEAR(out.data[i], want[i], tol);
    p3d_map_free(&out);
}

/* The same on a 3-channel image whose channels hold v, v+1, v+2 (results
 * rounded as OpenCV rounds). */
static void check_image(const uint8_t *src, int w, int h, int dw, int dh, p3d_resize_mode mode,
                        const uint8_t *want)
{
    uint8_t rgb[64 * 3];
    for (int i = 0; i < w * h; i++)
        for (int c = 0; c < 3; c++)
            rgb[i * 3 + c] = (uint8_t)(src[i] + c);
    p3d_image in = {w, h, 3, rgb, false}, out;
    CHECK_INT(p3d_image_resize(&ctx, &in, dw, dh, mode, &out), P3D_OK);
    for (int i = 0; i < dw * dh; i++)
        for (int c = 0; c < 3; c++)
            CHECK_INT(out.data[i * 3 + c], want[i] + c);
    p3d_image_free(&out);
}

int main(void)
{
    p3d_ctx_init(&ctx);

    /* AREA 4x4 -> 2x2: means of the 2x2 blocks. */
    const float m4[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    check_map(m4, 4, 4, 2, 2, P3D_RESIZE_AREA, (const float[]){2.5f, 4.5f, 10.5f, 12.5f}, 1e-6);
    /* uint8 2x2 blocks round half up (OpenCV's (sum + 2) >> 2): {0,1,1,1} -> 3/4 -> 1, {0,0,1,1} -> 2/4 -> 1. */
    check_image((const uint8_t[]){0, 1, 0, 0, 1, 1, 1, 1}, 4, 2, 2, 1, P3D_RESIZE_AREA,
                (const uint8_t[]){1, 1});

    /* AREA 3x3 -> 2x2 (ratio 1.5): output 0 covers source [0, 1.5): weights 2/3, 1/3;
     * output 1 covers [1.5, 3): 1/3, 2/3. With v = 3y + x, the x part is 1/3 or 5/3
     * and the y part 3 * (1/3) = 1 or 3 * (5/3) = 5. */
    const float m3[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    check_map(m3, 3, 3, 2, 2, P3D_RESIZE_AREA,
              (const float[]){4.f / 3, 8.f / 3, 16.f / 3, 20.f / 3}, 1e-5);
    /* uint8: 1.333 -> 1, 2.667 -> 3, 5.333 -> 5, 6.667 -> 7. */
    check_image((const uint8_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3, 2, 2, P3D_RESIZE_AREA,
                (const uint8_t[]){1, 3, 5, 7});

    /* AREA 2x2 -> 3x3 (enlarging: OpenCV's linear scheme). Along x: dx = 0 takes
     * source 0 (f = 1 - 1.5 <= 0), dx = 1 sx = 0, f = 2 - 1.5 = 0.5, dx = 2 source 1.
     * So [a, (a+b)/2, b] along each axis. */
    const float m2[4] = {0, 4, 8, 12};
    check_map(m2, 2, 2, 3, 3, P3D_RESIZE_AREA,
              (const float[]){0, 2, 4, 4, 6, 8, 8, 10, 12}, 1e-6);
    check_image((const uint8_t[]){0, 4, 8, 12}, 2, 2, 3, 3, P3D_RESIZE_AREA,
                (const uint8_t[]){0, 2, 4, 4, 6, 8, 8, 10, 12});

    /* LINEAR 2x2 -> 4x4 with half-pixel centres: x_src = (x + 0.5)/2 - 0.5 =
     * -0.25, 0.25, 0.75, 1.25 -> [a, 0.75a + 0.25b, 0.25a + 0.75b, b] (edges clamped);
     * rows [0, 1, 3, 4] plus columns [0, 2, 6, 8]. */
    const float lin[16] = {0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12};
    check_map(m2, 2, 2, 4, 4, P3D_RESIZE_LINEAR, lin, 1e-6);
    check_image((const uint8_t[]){0, 4, 8, 12}, 2, 2, 4, 4, P3D_RESIZE_LINEAR,
                (const uint8_t[]){0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12});

    /* CUBIC 4x1 -> 2x1: x_src = 0.5 and 2.5, weights at f = 0.5 (a = -0.75):
     * -0.09375, 0.59375, 0.59375, -0.09375; taps (0,0,1,2) and (1,2,3,3) after
     * clamping. [0,10,20,30] -> 4.0625, 25.9375; uint8 -> 4, 26. */
    check_map((const float[]){0, 10, 20, 30}, 4, 1, 2, 1, P3D_RESIZE_CUBIC,
              (const float[]){4.0625f, 25.9375f}, 1e-5);
    check_image((const uint8_t[]){0, 10, 20, 30}, 4, 1, 2, 1, P3D_RESIZE_CUBIC,
                (const uint8_t[]){4, 26});
    /* Overshoot: [0,0,255,255] -> -23.906 and 278.906 as floats, clamped to 0 and 255. */
    check_map((const float[]){0, 0, 255, 255}, 4, 1, 2, 1, P3D_RESIZE_CUBIC,
              (const float[]){-23.90625f, 278.90625f}, 1e-4);
    uint8_t step[4] = {0, 0, 255, 255};
    p3d_image in = {4, 1, 1, step, false}, out;
    CHECK_INT(p3d_image_resize(&ctx, &in, 2, 1, P3D_RESIZE_CUBIC, &out), P3D_OK);
    CHECK(out.data[0] == 0 && out.data[1] == 255);
    p3d_image_free(&out);

    /* Same size copies; a 1x1 source spreads everywhere. */
    check_map(m4, 4, 4, 4, 4, P3D_RESIZE_CUBIC, m4, 0);
    check_map((const float[]){7}, 1, 1, 3, 2, P3D_RESIZE_LINEAR, (const float[]){7, 7, 7, 7, 7, 7}, 0);
    check_map((const float[]){7}, 1, 1, 3, 2, P3D_RESIZE_CUBIC, (const float[]){7, 7, 7, 7, 7, 7}, 1e-6);

    /* Invalid sizes and the pixel limit. */
    p3d_map src = {4, 4, (float *)m4}, dst;
    CHECK_INT(p3d_map_resize(&ctx, &src, 0, 4, P3D_RESIZE_AREA, &dst), P3D_E_USAGE);
    p3d_clear_error(&ctx);
    ctx.max_pixels = 100;
    CHECK_INT(p3d_map_resize(&ctx, &src, 20, 20, P3D_RESIZE_AREA, &dst), P3D_E_LIMIT);
    CHECK(dst.data == NULL);
    p3d_clear_error(&ctx);

    /* The working size: longer side to 960, the other truncated (Python int()). */
    int w, h;
    p3d_working_size(640, 640, 960, &w, &h);
    CHECK(w == 960 && h == 960);
    p3d_working_size(641, 427, 960, &w, &h);
    CHECK(w == 960 && h == 639);
    p3d_working_size(427, 641, 960, &w, &h);
    CHECK(w == 639 && h == 960);
    p3d_working_size(1, 3, 960, &w, &h);
    CHECK(w == 320 && h == 960);
    return tl_finish();
}
