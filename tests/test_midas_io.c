/* MiDaS pre/post-processing (src/depth/midas_io.c, box_blur.c) on small
 * inputs with hand-computed sizes and values, and the 3x3 box filter they
 * use (src/io). The comparison with OpenCV itself is tests/test_midas_cv2.py. */
#include "io/io_internal.h"
#include "photo3d/midas.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static void test_sizes(void)
{
    int w, h;
    p3d_midas_input_size(1200, 800, &w, &h); /* 800 * 384/1200 = 256 = 8*32 */
    CHECK_INT(w, 384);
    CHECK_INT(h, 256);
    p3d_midas_input_size(800, 1200, &w, &h);
    CHECK_INT(w, 256);
    CHECK_INT(h, 384);
    p3d_midas_input_size(2100, 2100, &w, &h);
    CHECK_INT(w, 384);
    CHECK_INT(h, 384);
    p3d_midas_input_size(640, 480, &w, &h); /* 288 = 9*32 */
    CHECK_INT(w, 384);
    CHECK_INT(h, 288);
    p3d_midas_input_size(1000, 10, &w, &h); /* 3.84 -> up to 32 */
    CHECK_INT(w, 384);
    CHECK_INT(h, 32);
    p3d_midas_input_size(500, 333, &w, &h); /* 255.74 -> 256 */
    CHECK_INT(w, 384);
    CHECK_INT(h, 256);
    p3d_midas_input_size(500, 335, &w, &h); /* 257.28 -> 288 (rounded up) */
    CHECK_INT(w, 384);
    CHECK_INT(h, 288);

    p3d_midas_output_size(1200, 800, &w, &h); /* 426.67 -> 427 */
    CHECK_INT(w, 640);
    CHECK_INT(h, 427);
    p3d_midas_output_size(384, 256, &w, &h); /* 426.67 */
    CHECK_INT(w, 640);
    CHECK_INT(h, 427);
    p3d_midas_output_size(1280, 5, &w, &h); /* 2.5 -> 2: Python rounds half to even */
    CHECK_INT(w, 640);
    CHECK_INT(h, 2);
    p3d_midas_output_size(7, 1280, &w, &h); /* 3.5 -> 4 */
    CHECK_INT(w, 4);
    CHECK_INT(h, 640);
    p3d_midas_output_size(320, 240, &w, &h);
    CHECK_INT(w, 640);
    CHECK_INT(h, 480);
}

static void test_box_blur(void)
{
    /* 3x2 map   1 2 3
     *           4 5 6
     * reflect-101 rows: row -1 = row 1, row 2 = row 0; columns: -1 -> 1, 3 -> 1.
     * (0,0): rows 4 1 4, columns 2 1 2 -> (5+4+5 + 2+1+2 + 5+4+5)/9 = 33/9
     * (1,0): (4+5+6)*2 + (1+2+3) = 36 -> 4
     * (2,1): rows 1 4 1, columns 2 3 2: (2+3+2)*2 + (5+6+5) = 30 -> 30/9 */
    float v[6] = {1, 2, 3, 4, 5, 6};
    CHECK(p3d_box3x3(v, 3, 2));
    CHECK_NEAR(v[0], 33.0 / 9, 1e-6);
    CHECK_NEAR(v[1], 4.0, 1e-6);
    CHECK_NEAR(v[5], 30.0 / 9, 1e-6);
    /* A 1-pixel-high map repeats its one row: x = 0 of 1 2 3 gives
     * (2 + 1 + 2) * 3 / 9 = 5/3; x = 1 gives 2. */
    float row[3] = {1, 2, 3};
    CHECK(p3d_box3x3(row, 3, 1));
    CHECK_NEAR(row[0], 5.0 / 3, 1e-6);
    CHECK_NEAR(row[1], 2.0, 1e-6);
    /* A 1x1 map keeps its value. */
    float one = 5;
    CHECK(p3d_box3x3(&one, 1, 1));
    CHECK_NEAR(one, 5.0, 1e-6);
}

static void test_preprocess(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    /* A uniform 600x400 photo of colour (10, 128, 255): every element of the
     * (1, 3, 256, 384) input is that colour / 255. */
    p3d_image photo;
    CHECK_INT(p3d_image_alloc(&ctx, &photo, 600, 400, 3), P3D_OK);
    for (int i = 0; i < 600 * 400; i++)
        photo.data[3 * i] = 10, photo.data[3 * i + 1] = 128, photo.data[3 * i + 2] = 255;
    p3d_array in;
    CHECK_INT(p3d_midas_preprocess(&ctx, &photo, &in), P3D_OK);
    CHECK_INT(in.ndim, 4);
    CHECK_INT(in.shape[0], 1);
    CHECK_INT(in.shape[1], 3);
    CHECK_INT(in.shape[2], 256);
    CHECK_INT(in.shape[3], 384);
    size_t plane = 256 * 384;
    CHECK_NEAR(in.data[0], 10 / 255.0, 1e-7);
    CHECK_NEAR(in.data[plane + 1000], 128 / 255.0, 1e-7);
    CHECK_NEAR(in.data[3 * plane - 1], 1.0, 1e-7);
    /* Exact 2x area averaging: a 768x512 photo whose pixel (x, y) has red
     * (x % 2) * 200 + (y % 2) * 40 gives red (0 + 200 + 40 + 240) / 4 = 120
     * everywhere in the 384x256 input. */
    p3d_image_free(&photo);
    p3d_array_free(&in);
    CHECK_INT(p3d_image_alloc(&ctx, &photo, 768, 512, 3), P3D_OK);
    for (int y = 0; y < 512; y++)
        for (int x = 0; x < 768; x++)
            photo.data[3 * (y * 768 + x)] = (uint8_t)((x % 2) * 200 + (y % 2) * 40);
    CHECK_INT(p3d_midas_preprocess(&ctx, &photo, &in), P3D_OK);
    CHECK_INT(in.shape[2], 256);
    CHECK_INT(in.shape[3], 384);
    CHECK_NEAR(in.data[0], 120 / 255.0, 1e-6);
    CHECK_NEAR(in.data[plane - 1], 120 / 255.0, 1e-6);
    CHECK_NEAR(in.data[plane], 0.0, 1e-7);
    p3d_image_free(&photo);
    p3d_array_free(&in);
}

static void test_postprocess(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    /* Network output 384x256 for a 1200x800 photo -> 640x427. A map that is
     * constant along x and linear along y stays constant along x. */
    p3d_map out;
    CHECK_INT(p3d_map_alloc(&ctx, &out, 384, 256), P3D_OK);
    for (int y = 0; y < 256; y++)
        for (int x = 0; x < 384; x++)
            out.data[y * 384 + x] = 2.0f + 0.5f * (float)y;
    p3d_map disp;
    CHECK_INT(p3d_midas_postprocess(&ctx, &out, 1200, 800, &disp), P3D_OK);
    CHECK_INT(disp.width, 640);
    CHECK_INT(disp.height, 427);
    /* Interior rows: the box blur keeps a linear ramp. The first output row
     * samples input row 0 only (OpenCV's upsampling weight 1 - f, f = max(0,
     * 1 - 427/256) = 0), whose blurred value is 2 + 0.5 * (1 + 0 + 1) / 3
     * (row -1 mirrors row 1). */
    CHECK_NEAR(disp.data[0], 2.0 + 1.0 / 3, 1e-5);
    CHECK_NEAR(disp.data[639], 2.0 + 1.0 / 3, 1e-5);
    float mn = disp.data[0], mx = disp.data[0];
    for (int i = 0; i < 640 * 427; i++)
        mn = disp.data[i] < mn ? disp.data[i] : mn, mx = disp.data[i] > mx ? disp.data[i] : mx;
    CHECK(mn >= 2.0f && mx <= 2.0f + 0.5f * 255);
    /* Rows stay flat up to float rounding (values up to ~130: ulp 1.5e-5). */
    double row_spread = 0;
    for (int y = 0; y < 427; y++)
        for (int x = 1; x < 640; x++)
            row_spread = fmax(row_spread, fabs(disp.data[y * 640 + x] - disp.data[y * 640]));
    CHECK_NEAR(row_spread, 0.0, 1e-4);
    p3d_map_free(&disp);
    p3d_map_free(&out);
}

int main(void)
{
    test_sizes();
    test_box_blur();
    test_preprocess();
    test_postprocess();
    return tl_finish();
}
