/* RGB to I420 for the video encoders (src/render/yuv420.c): known colours
 * give BT.601 limited-range values; every pixel agrees with the BT.601
 * formula to a level (luma) and chroma with the formula on the 2x2 block's
 * mean; the AVX-512 path gives the bytes of the plain one at widths that
 * are and are not multiples of its 16 pixels; luma agrees with swscale's
 * (which converted the frames before, as ffmpeg does for the reference). */
#include "render/yuv420.h"
#include "testlib.h"

#include <libswscale/swscale.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2024;
static int byte(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (int)(rng >> 24);
}

static double bt601(int c, double r, double g, double b)
{
    static const double m[3][3] = {
        {65.481, 128.553, 24.966}, {-37.797, -74.203, 112.0}, {112.0, -93.786, -18.214}};
    return (c ? 128 : 16) + (m[c][0] * r + m[c][1] * g + m[c][2] * b) / 255.0;
}

/* A w x h image: random pixels (noise) or a smooth ramp (w <= 96, h <= 40). */
static void fill(p3d_image *img, int w, int h, int noise)
{
    *img = (p3d_image){w, h, 3, malloc((size_t)w * h * 3), false};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                img->data[((size_t)y * w + x) * 3 + c] =
                    (uint8_t)(noise ? byte() : c == 0 ? x + y : c == 1 ? 2 * x : 255 - x - 2 * y);
}

static void check_colours(p3d_ctx *ctx)
{
    /* 2x2 blocks of one colour: black, white, gray, red, green, blue */
    static const uint8_t rgb[6][3] = {{0, 0, 0}, {255, 255, 255}, {128, 128, 128},
                                      {255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
    static const uint8_t want[6][3] = {{16, 128, 128}, {235, 128, 128}, {126, 128, 128},
                                       {81, 90, 240}, {145, 54, 34}, {41, 240, 110}};
    p3d_image in = {12, 2, 3, malloc(12 * 2 * 3), false}, out = {0};
    for (int k = 0; k < 6; k++)
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++)
                memcpy(in.data + ((size_t)y * 12 + 2 * k + x) * 3, rgb[k], 3);
    CHECK_INT(rgb_to_yuv420(ctx, &in, &out), P3D_OK);
    CHECK_INT(out.width, 12);
    CHECK_INT(out.height, 3);
    CHECK_INT(out.channels, 1);
    for (int k = 0; k < 6; k++) {
        CHECK_INT(out.data[2 * k], want[k][0]);
        CHECK_INT(out.data[12 + 2 * k + 1], want[k][0]);
        CHECK_INT(out.data[24 + k], want[k][1]); /* Cb: 6 values after the 24 luma */
        CHECK_INT(out.data[30 + k], want[k][2]);
    }
    free(in.data);
    p3d_image_free(&out);
}

/* Every value against the formula, and the two paths against each other. */
static void check_formula_and_paths(p3d_ctx *ctx, int w, int h)
{
    p3d_image in, fast = {0}, plain = {0};
    fill(&in, w, h, 1);
    CHECK_INT(rgb_to_yuv420_path(ctx, &in, 0, &fast), P3D_OK);
    CHECK_INT(rgb_to_yuv420_path(ctx, &in, 1, &plain), P3D_OK);
    CHECK_INT(memcmp(fast.data, plain.data, (size_t)w * yuv420_rows(h)), 0);
    double worst[3] = {0, 0, 0};
    const uint8_t *u = fast.data + (size_t)w * h, *v = u + (size_t)w * h / 4;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *p = in.data + ((size_t)y * w + x) * 3;
            double e = fabs(fast.data[(size_t)y * w + x] - bt601(0, p[0], p[1], p[2]));
            worst[0] = e > worst[0] ? e : worst[0];
            if (y % 2 || x % 2)
                continue;
            double mean[3] = {0, 0, 0};
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                    for (int c = 0; c < 3; c++)
                        mean[c] += in.data[((size_t)(y + dy) * w + x + dx) * 3 + c] / 4.0;
            size_t at = (size_t)y / 2 * (w / 2) + x / 2;
            for (int c = 1; c < 3; c++) {
                double e2 = fabs((c == 1 ? u : v)[at] - bt601(c, mean[0], mean[1], mean[2]));
                worst[c] = e2 > worst[c] ? e2 : worst[c];
            }
        }
    for (int c = 0; c < 3; c++)
        CHECK(worst[c] <= 0.51); /* rounded to nearest */
    free(in.data);
    p3d_image_free(&fast);
    p3d_image_free(&plain);
}

/* Luma as swscale's (identical size: its luma is the formula, rounded its
 * own way); chroma, which swscale filters with a cubic, close on a ramp. */
static void check_swscale(p3d_ctx *ctx)
{
    int w = 96, h = 40;
    p3d_image in, ours = {0};
    fill(&in, w, h, 0);
    CHECK_INT(rgb_to_yuv420(ctx, &in, &ours), P3D_OK);
    struct SwsContext *sws = sws_getContext(w, h, AV_PIX_FMT_RGB24, w, h, AV_PIX_FMT_YUV420P, SWS_BICUBIC,
                                            NULL, NULL, NULL);
    CHECK(sws != NULL);
    uint8_t *planes[3] = {malloc((size_t)w * h), malloc((size_t)w * h / 4), malloc((size_t)w * h / 4)};
    int strides[3] = {w, w / 2, w / 2}, in_stride[1] = {w * 3};
    const uint8_t *src[1] = {in.data};
    sws_scale(sws, src, in_stride, 0, h, planes, strides);
    int worst_y = 0;
    for (int i = 0; i < w * h; i++) {
        int d = abs(ours.data[i] - planes[0][i]);
        worst_y = d > worst_y ? d : worst_y;
    }
    CHECK(worst_y <= 1);
    /* chroma away from the borders, which swscale's cubic filter replicates */
    double sum = 0;
    int n = 0;
    for (int p = 1; p < 3; p++)
        for (int y = 2; y < h / 2 - 2; y++)
            for (int x = 2; x < w / 2 - 2; x++) {
                sum += abs(ours.data[(size_t)w * h + (p - 1) * w * h / 4 + y * w / 2 + x] -
                            planes[p][y * w / 2 + x]);
                n++;
            }
    CHECK(sum / n <= 0.5);
    sws_freeContext(sws);
    for (int p = 0; p < 3; p++)
        free(planes[p]);
    free(in.data);
    p3d_image_free(&ours);
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    check_colours(&ctx);
    check_formula_and_paths(&ctx, 960, 8);
    check_formula_and_paths(&ctx, 50, 6); /* 3 groups of 16 and a tail */
    check_formula_and_paths(&ctx, 2, 2);
    /* odd sizes are refused with a message */
    p3d_image odd = {5, 4, 3, calloc(60, 1), false}, out = {0};
    CHECK_INT(rgb_to_yuv420(&ctx, &odd, &out), P3D_E_INTERNAL);
    CHECK(strstr(ctx.msg, "5x4") != NULL);
    free(odd.data);
    check_swscale(&ctx);
    return tl_finish();
}
