/* Image quality metrics for novel views: PSNR over a pixel selection and
 * SSIM of the luminance (Wang, Bovik, Sheikh, Simoncelli 2004, with its
 * standard constants: 11x11 Gaussian window of sigma 1.5, K1 = 0.01,
 * K2 = 0.03, dynamic range 255). The window is truncated at the image border
 * and renormalised, so every pixel has a value. */
#include "photo3d/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SSIM_RADIUS 5
#define SSIM_SIGMA 1.5
#define SSIM_C1 ((0.01 * 255) * (0.01 * 255))
#define SSIM_C2 ((0.03 * 255) * (0.03 * 255))

double p3d_psnr(const p3d_image *a, const p3d_image *b, const uint8_t *select)
{
    long n = (long)a->width * a->height, count = 0;
    double se = 0;
    for (long i = 0; i < n; i++) {
        if (select && !select[i])
            continue;
        for (int c = 0; c < 3; c++) {
            double d = (double)a->data[3 * i + c] - b->data[3 * i + c];
            se += d * d;
        }
        count++;
    }
    if (!count)
        return NAN;
    if (se == 0)
        return INFINITY;
    return 10 * log10(255.0 * 255.0 / (se / (3.0 * count)));
}

double p3d_map_mean(const p3d_map *map, const uint8_t *select)
{
    long n = (long)map->width * map->height, count = 0;
    double sum = 0;
    for (long i = 0; i < n; i++)
        if (!select || select[i])
            sum += map->data[i], count++;
    return count ? sum / count : NAN;
}

/* Separable window blur of src into dst: horizontal then vertical, the
 * Gaussian truncated at the border and renormalised. */
static void window_blur(const float *src, float *tmp, float *dst, int w, int h, const double *g)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double s = 0, ws = 0;
            for (int k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++)
                if (x + k >= 0 && x + k < w)
                    s += g[k + SSIM_RADIUS] * src[(size_t)y * w + x + k], ws += g[k + SSIM_RADIUS];
            tmp[(size_t)y * w + x] = (float)(s / ws);
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double s = 0, ws = 0;
            for (int k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++)
                if (y + k >= 0 && y + k < h)
                    s += g[k + SSIM_RADIUS] * tmp[(size_t)(y + k) * w + x], ws += g[k + SSIM_RADIUS];
            dst[(size_t)y * w + x] = (float)(s / ws);
        }
}

static float luminance(const uint8_t *p)
{
    return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
}

int p3d_ssim_map(p3d_ctx *ctx, const p3d_image *a, const p3d_image *b, p3d_map *map)
{
    memset(map, 0, sizeof *map);
    if (a->width != b->width || a->height != b->height || a->channels != 3 || b->channels != 3)
        return p3d_fail(ctx, P3D_E_USAGE, "ssim: images %dx%d and %dx%d differ", a->width,
                        a->height, b->width, b->height);
    int w = a->width, h = a->height;
    size_t n = (size_t)w * h;
    int rc = p3d_map_alloc(ctx, map, w, h);
    if (rc)
        return rc;
    /* planes: x, y, xx, yy, xy, then their blurred versions, and scratch */
    float *buf = malloc(sizeof(float) * n * 11);
    if (!buf) {
        p3d_map_free(map);
        return p3d_fail(ctx, P3D_E_NOMEM, "ssim: out of memory for %dx%d", w, h);
    }
    float *plane[5], *mean[5], *tmp = buf + 10 * n;
    for (int k = 0; k < 5; k++)
        plane[k] = buf + k * n, mean[k] = buf + (5 + k) * n;
    for (size_t i = 0; i < n; i++) {
        float x = luminance(a->data + 3 * i), y = luminance(b->data + 3 * i);
        plane[0][i] = x, plane[1][i] = y;
        plane[2][i] = x * x, plane[3][i] = y * y, plane[4][i] = x * y;
    }
    double g[2 * SSIM_RADIUS + 1];
    for (int k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++)
        g[k + SSIM_RADIUS] = exp(-(k * k) / (2 * SSIM_SIGMA * SSIM_SIGMA));
    for (int k = 0; k < 5; k++)
        window_blur(plane[k], tmp, mean[k], w, h, g);
    for (size_t i = 0; i < n; i++) {
        double mx = mean[0][i], my = mean[1][i];
        double vx = mean[2][i] - mx * mx, vy = mean[3][i] - my * my, cxy = mean[4][i] - mx * my;
        map->data[i] = (float)(((2 * mx * my + SSIM_C1) * (2 * cxy + SSIM_C2)) /
                               ((mx * mx + my * my + SSIM_C1) * (vx + vy + SSIM_C2)));
    }
    free(buf);
    return P3D_OK;
}
