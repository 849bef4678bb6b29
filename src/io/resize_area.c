/* OpenCV INTER_AREA for shrinking (ALGORITHM.md 2.3; cv::resize's
 * resizeAreaFast and resizeArea): each destination pixel is the average of
 * the source area it covers, partially covered source pixels weighted by
 * the covered fraction. Integer ratios use a plain block sum; other ratios
 * use OpenCV's weight tables with float accumulation in the same order, so
 * that results match OpenCV bit for bit (uint8 rounds half to even, except
 * OpenCV's 2x2 uint8 kernel, which rounds half up). */
#include "io/resize_internal.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    int di, si;  /* destination and source index along one axis */
    float alpha; /* fraction of the destination cell this source pixel covers */
} area_weight;

/* computeResizeAreaTab: returns the number of entries written (<= 2*ssize + dsize). */
static int area_table(int ssize, int dsize, double scale, area_weight *tab)
{
    int k = 0;
    for (int dx = 0; dx < dsize; dx++) {
        double fsx1 = dx * scale, fsx2 = fsx1 + scale;
        double cell = fmin(scale, ssize - fsx1);
        int sx1 = (int)ceil(fsx1), sx2 = (int)floor(fsx2);
        sx2 = sx2 < ssize - 1 ? sx2 : ssize - 1;
        sx1 = sx1 < sx2 ? sx1 : sx2;
        if (sx1 - fsx1 > 1e-3)
            tab[k++] = (area_weight){dx, sx1 - 1, (float)((sx1 - fsx1) / cell)};
        for (int sx = sx1; sx < sx2; sx++)
            tab[k++] = (area_weight){dx, sx, (float)(1.0 / cell)};
        if (fsx2 - sx2 > 1e-3)
            tab[k++] = (area_weight){dx, sx2, (float)(fmin(fmin(fsx2 - sx2, 1.0), cell) / cell)};
    }
    return k;
}

static uint8_t round_u8(float v)
{
    long r = lrintf(v);
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

/* Source row y as floats (exact for uint8). */
static void load_row(const void *src, int is_u8, size_t row_len, int y, float *out)
{
    if (is_u8) {
        const uint8_t *s = (const uint8_t *)src + (size_t)y * row_len;
        for (size_t i = 0; i < row_len; i++)
            out[i] = s[i];
    } else {
        const float *s = (const float *)src + (size_t)y * row_len;
        for (size_t i = 0; i < row_len; i++)
            out[i] = s[i];
    }
}

static void store_row(void *dst, int is_u8, size_t row_len, int y, const float *sum)
{
    if (is_u8) {
        uint8_t *d = (uint8_t *)dst + (size_t)y * row_len;
        for (size_t i = 0; i < row_len; i++)
            d[i] = round_u8(sum[i]);
    } else {
        float *d = (float *)dst + (size_t)y * row_len;
        for (size_t i = 0; i < row_len; i++)
            d[i] = sum[i];
    }
}

/* resizeArea_: rows of the y table are weighted into sum in table order. */
static int area_general(const void *src, int is_u8, int sw, int sh, int cn, void *dst, int dw,
                        int dh)
{
    area_weight *xt = malloc(sizeof *xt * (size_t)(2 * sw + dw));
    area_weight *yt = malloc(sizeof *yt * (size_t)(2 * sh + dh));
    float *row = malloc(sizeof(float) * (size_t)sw * cn);
    float *buf = malloc(sizeof(float) * (size_t)dw * cn);
    float *sum = malloc(sizeof(float) * (size_t)dw * cn);
    int rc = xt && yt && row && buf && sum ? P3D_OK : P3D_E_NOMEM;
    if (rc == P3D_OK) {
        int nx = area_table(sw, dw, p3d_resize_scale(sw, dw), xt);
        int ny = area_table(sh, dh, p3d_resize_scale(sh, dh), yt);
        size_t dlen = (size_t)dw * cn;
        int prev_dy = yt[0].di;
        for (size_t i = 0; i < dlen; i++)
            sum[i] = 0;
        for (int j = 0; j < ny; j++) {
            load_row(src, is_u8, (size_t)sw * cn, yt[j].si, row);
            for (size_t i = 0; i < dlen; i++)
                buf[i] = 0;
            for (int k = 0; k < nx; k++)
                for (int c = 0; c < cn; c++)
                    buf[xt[k].di * cn + c] += row[xt[k].si * cn + c] * xt[k].alpha;
            float beta = yt[j].alpha;
            if (yt[j].di != prev_dy) {
                store_row(dst, is_u8, dlen, prev_dy, sum);
                for (size_t i = 0; i < dlen; i++)
                    sum[i] = beta * buf[i];
                prev_dy = yt[j].di;
            } else {
                for (size_t i = 0; i < dlen; i++)
                    sum[i] += beta * buf[i];
            }
        }
        store_row(dst, is_u8, dlen, prev_dy, sum);
    }
    free(xt);
    free(yt);
    free(row);
    free(buf);
    free(sum);
    return rc;
}

/* resizeAreaFast_: integer ratios sx x sy; the block is summed row by row. */
static void area_integer_u8(const uint8_t *src, int sw, int cn, uint8_t *dst, int dw, int dh,
                            int sx, int sy)
{
    int area = sx * sy, half_up = sx == 2 && sy == 2 && cn != 2;
    float scale = 1.f / area;
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++)
            for (int c = 0; c < cn; c++) {
                int s = 0;
                for (int by = 0; by < sy; by++)
                    for (int bx = 0; bx < sx; bx++)
                        s += src[((size_t)(y * sy + by) * sw + x * sx + bx) * cn + c];
                dst[((size_t)y * dw + x) * cn + c] =
                    half_up ? (uint8_t)((s + 2) >> 2) : round_u8((float)s * scale);
            }
}

/* Element k of the block (row-major) whose top-left source pixel is (x0, y0). */
static float block_at(const float *src, int sw, int x0, int y0, int sx, int k)
{
    return src[(size_t)(y0 + k / sx) * sw + x0 + k % sx];
}

/* Float block sums group four terms as OpenCV does: sum += a + b + c + d. */
static void area_integer_f32(const float *src, int sw, float *dst, int dw, int dh, int sx, int sy)
{
    int area = sx * sy;
    float scale = 1.f / area;
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++) {
            int x0 = x * sx, y0 = y * sy, k = 0;
            float s = 0;
            for (; k <= area - 4; k += 4)
                s += block_at(src, sw, x0, y0, sx, k) + block_at(src, sw, x0, y0, sx, k + 1) +
                     block_at(src, sw, x0, y0, sx, k + 2) + block_at(src, sw, x0, y0, sx, k + 3);
            for (; k < area; k++)
                s += block_at(src, sw, x0, y0, sx, k);
            dst[(size_t)y * dw + x] = s * scale;
        }
}

int p3d_resize_area_u8(const uint8_t *src, int sw, int sh, int cn, uint8_t *dst, int dw, int dh)
{
    if (p3d_resize_integer_scales(sw, sh, dw, dh)) {
        area_integer_u8(src, sw, cn, dst, dw, dh, sw / dw, sh / dh);
        return P3D_OK;
    }
    return area_general(src, 1, sw, sh, cn, dst, dw, dh);
}

int p3d_resize_area_f32(const float *src, int sw, int sh, float *dst, int dw, int dh)
{
    if (p3d_resize_integer_scales(sw, sh, dw, dh)) {
        area_integer_f32(src, sw, dst, dw, dh, sw / dw, sh / dh);
        return P3D_OK;
    }
    return area_general(src, 0, sw, sh, 1, dst, dw, dh);
}
