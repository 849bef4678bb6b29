/* The reference's depth read path, utils.py read_MiDaS_depth(path, 3.0, H, W)
 * (ALGORITHM.md 2.4), reproduced in float32 as numpy computes it:
 *   1. disparity d (for P3D_DEPTH_KIND_DEPTH: d = 1/depth); unknown values
 *      (not finite; for depth kind also <= 0) take the smallest known
 *      disparity, i.e. the farthest plane; no known value at all is an error;
 *   2. d -= min(d);
 *   3. d = box3x3(d / max) * max    (cv2.blur, border reflect-101);
 *   4. d = d / max * 3.0;
 *   5. d = resize(d / max, (H, W)) * max  (skimage.transform.resize, order 1:
 *      Gaussian anti-aliasing with sigma = (in/out - 1)/2 on shrinking axes,
 *      ndimage mode 'mirror'; then ndimage.zoom with grid_mode, i.e. sample
 *      x_in = (x_out + 0.5) * in/out - 0.5, linear, mirrored about the edge
 *      pixel centre; clipped to the range of the resize input);
 *   6. depth = 1 / max(d, 0.05), so depth lies in [1/3, 20].
 * A flat map (max 0 after step 2) has no reference behaviour (it divides by
 * zero); here it becomes d = 3.0 everywhere, depth 1/3.
 * p3d_depth_from_map_sharp leaves step 3 out for a map whose jumps are
 * already sharp (depth_filter.h: p3d_disparity_ramp_fraction). */
#include "photo3d/io.h"

#include "depth/depth_filter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Index of sample i on a line of n mirrored about its end samples
 * (OpenCV BORDER_REFLECT_101 = ndimage 'mirror'), repeating for far indices. */
static int mirror_index(int i, int n)
{
    if (n == 1)
        return 0;
    int period = 2 * n - 2;
    i %= period;
    if (i < 0)
        i += period;
    return i < n ? i : period - i;
}

static float max_of(const float *d, size_t n)
{
    float m = d[0];
    for (size_t i = 1; i < n; i++)
        m = d[i] > m ? d[i] : m;
    return m;
}

static void scale_by(float *d, size_t n, float s)
{
    for (size_t i = 0; i < n; i++)
        d[i] *= s;
}

static void divide_by(float *d, size_t n, float s)
{
    for (size_t i = 0; i < n; i++)
        d[i] /= s;
}

/* The disparity of a raw value, or NaN when the value is unknown. */
static double known_disparity(float v, p3d_depth_kind kind)
{
    if (!isfinite(v) || (kind == P3D_DEPTH_KIND_DEPTH && v <= 0))
        return NAN;
    return kind == P3D_DEPTH_KIND_DEPTH ? 1.0 / v : v;
}

/* Steps 1-2 and the division of step 3, in double so that no float input
 * can overflow (1/depth of a denormal, a range wider than FLT_MAX):
 * d = (disp - min) / (max - min), unknown values 0. Returns -1 when no value
 * is known, 0 for a flat map, 1 otherwise. */
static int normalised_disparity(const p3d_map *raw, p3d_depth_kind kind, float *d)
{
    size_t n = (size_t)raw->width * raw->height;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = known_disparity(raw->data[i], kind);
        if (!isnan(x)) {
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
    }
    if (isinf(lo))
        return -1;
    if (hi == lo)
        return 0;
    for (size_t i = 0; i < n; i++) {
        double x = known_disparity(raw->data[i], kind);
        d[i] = isnan(x) ? 0.f : (float)((x - lo) / (hi - lo));
    }
    return 1;
}

/* cv2.blur(d, (3, 3)) in place (see io_internal.h). */
int p3d_box3x3(float *d, int w, int h)
{
    float *out = malloc(sizeof(float) * (size_t)w * h);
    if (!out)
        return 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double s = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    s += d[(size_t)mirror_index(y + dy, h) * w + mirror_index(x + dx, w)];
            out[(size_t)y * w + x] = (float)(s * (1.0 / 9.0));
        }
    memcpy(d, out, sizeof(float) * (size_t)w * h);
    free(out);
    return 1;
}

/* ndimage.gaussian_filter1d along one axis (stride: 1 = x, w = y), truncate
 * 4.0, mode 'mirror', double sums stored as float. */
static int gaussian_axis(float *d, int w, int h, int along_y, double sigma)
{
    int radius = (int)(4.0 * sigma + 0.5);
    double *k = malloc(sizeof(double) * (size_t)(2 * radius + 1));
    int n = along_y ? h : w, lines = along_y ? w : h;
    size_t step = along_y ? (size_t)w : 1, line_step = along_y ? 1 : (size_t)w;
    float *line = malloc(sizeof(float) * (size_t)n);
    if (!k || !line) {
        free(k), free(line);
        return 0;
    }
    double sum = 0;
    for (int i = -radius; i <= radius; i++)
        sum += k[i + radius] = exp(-0.5 / (sigma * sigma) * i * i);
    for (int i = 0; i <= 2 * radius; i++)
        k[i] /= sum;
    for (int l = 0; l < lines; l++) {
        float *p = d + l * line_step;
        for (int i = 0; i < n; i++)
            line[i] = p[i * step];
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int j = -radius; j <= radius; j++)
                v += line[mirror_index(i + j, n)] * k[j + radius];
            p[i * step] = (float)v;
        }
    }
    free(k), free(line);
    return 1;
}

/* Linear sample positions of ndimage.zoom(grid_mode=True) along one axis. */
static void zoom_taps(int in, int out, int *i0, int *i1, double *t)
{
    double zoom = (double)in / out;
    for (int o = 0; o < out; o++) {
        double c = (o + 0.5) * zoom - 0.5;
        if (c < 0 || c > in - 1) {
            /* mirror the coordinate itself, as ndimage's map_coordinate does */
            double period = 2.0 * in - 2;
            if (in == 1)
                c = 0;
            else if (c < 0)
                c = -c;
            else
                c = period - c;
        }
        int s = (int)floor(c);
        i0[o] = s;
        i1[o] = mirror_index(s + 1, in);
        t[o] = c - s;
    }
}

/* Step 5 on a map normalised to max 1 (src is modified by the anti-aliasing). */
static int skimage_resize_linear(float *src, int sw, int sh, float *dst, int dw, int dh)
{
    size_t n = (size_t)sw * sh;
    float lo = src[0], hi = src[0];
    for (size_t i = 1; i < n; i++) {
        lo = src[i] < lo ? src[i] : lo;
        hi = src[i] > hi ? src[i] : hi;
    }
    double sy = fmax(0, ((double)sh / dh - 1) / 2), sx = fmax(0, ((double)sw / dw - 1) / 2);
    if (dh < sh || dw < sw) {
        if ((sy > 1e-15 && !gaussian_axis(src, sw, sh, 1, sy)) ||
            (sx > 1e-15 && !gaussian_axis(src, sw, sh, 0, sx)))
            return 0;
    }
    int *x0 = malloc(sizeof(int) * dw), *x1 = malloc(sizeof(int) * dw);
    int *y0 = malloc(sizeof(int) * dh), *y1 = malloc(sizeof(int) * dh);
    double *tx = malloc(sizeof(double) * dw), *ty = malloc(sizeof(double) * dh);
    int ok = x0 && x1 && y0 && y1 && tx && ty;
    if (ok) {
        zoom_taps(sw, dw, x0, x1, tx);
        zoom_taps(sh, dh, y0, y1, ty);
        for (int y = 0; y < dh; y++) {
            const float *r0 = src + (size_t)y0[y] * sw, *r1 = src + (size_t)y1[y] * sw;
            for (int x = 0; x < dw; x++) {
                double top = (1 - tx[x]) * r0[x0[x]] + tx[x] * r0[x1[x]];
                double bottom = (1 - tx[x]) * r1[x0[x]] + tx[x] * r1[x1[x]];
                float v = (float)((1 - ty[y]) * top + ty[y] * bottom);
                dst[(size_t)y * dw + x] = v < lo ? lo : v > hi ? hi : v;
            }
        }
    }
    free(x0), free(x1), free(y0), free(y1), free(tx), free(ty);
    return ok;
}

int p3d_depth_from_map(p3d_ctx *ctx, const p3d_map *raw, p3d_depth_kind kind, int width,
                       int height, p3d_map *depth)
{
    return p3d_depth_from_map_sharp(ctx, raw, kind, width, height, 0, 0, depth, NULL);
}

int p3d_depth_from_map_sharp(p3d_ctx *ctx, const p3d_map *raw, p3d_depth_kind kind, int width, int height,
                             double threshold, double min_ramp, p3d_map *depth, int *blurred)
{
    if (blurred)
        *blurred = 0;
    memset(depth, 0, sizeof *depth);
    if (width <= 0 || height <= 0)
        return p3d_fail(ctx, P3D_E_USAGE, "depth: invalid working size %dx%d", width, height);
    int w = raw->width, h = raw->height;
    size_t n = (size_t)w * h;
    float *d = malloc(sizeof(float) * n);
    if (!d)
        return p3d_fail(ctx, P3D_E_NOMEM, "depth: out of memory for a %dx%d map", w, h);
    int known = normalised_disparity(raw, kind, d);
    if (known < 0) {
        free(d);
        return p3d_fail(ctx, P3D_E_INPUT, "depth map has no valid value (all are %s)",
                        kind == P3D_DEPTH_KIND_DEPTH ? "non-finite or <= 0" : "non-finite");
    }
    int rc = p3d_map_alloc(ctx, depth, width, height);
    if (rc == P3D_OK && known) {
        /* sharp jumps keep them: the blur would only smear what the filter
         * then sharpens again (d has maximum 1, the result 3: threshold / 3) */
        long jumps = 0;
        double share = min_ramp > 0 ? p3d_disparity_ramp_fraction(d, w, h, threshold / 3, &jumps) : 0;
        int blur = min_ramp <= 0 || jumps == 0 || share >= min_ramp;
        if (blurred)
            *blurred = blur;
        if (blur && !p3d_box3x3(d, w, h)) /* d's maximum is 1: box(d / max) * max = box(d) */
            rc = P3D_E_NOMEM;
        float mx = max_of(d, n);
        for (size_t i = 0; i < n; i++)
            d[i] = d[i] / mx * 3.0f;
        mx = max_of(d, n);
        divide_by(d, n, mx);
        if (rc == P3D_OK && !skimage_resize_linear(d, w, h, depth->data, width, height))
            rc = P3D_E_NOMEM;
        scale_by(depth->data, (size_t)width * height, mx);
    } else if (rc == P3D_OK) {
        for (size_t i = 0; i < (size_t)width * height; i++)
            depth->data[i] = 3.0f;
    }
    free(d);
    if (rc) {
        p3d_map_free(depth);
        return rc == P3D_E_NOMEM ? p3d_fail(ctx, rc, "depth: out of memory") : rc;
    }
    for (size_t i = 0; i < (size_t)width * height; i++)
        depth->data[i] = 1.f / fmaxf(depth->data[i], 0.05f);
    return P3D_OK;
}
