/* Depth/disparity map files (ALGORITHM.md 2.4 step 1, 7): loading by content
 * (.npy of shape (H,W) or (H,W,1), PFM, gray 8/16-bit PNG as raw values) and
 * the writers (.npy, PFM, and the reference's 16-bit min-max PNG). */
#include "io/io_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int map_from_npy(p3d_ctx *ctx, const char *path, const uint8_t *buf, size_t len,
                        p3d_map *map, p3d_file_info *info)
{
    p3d_array a;
    int rc = p3d_npy_parse(ctx, path, buf, len, &a, info);
    if (rc)
        return rc;
    if (!(a.ndim == 2 || (a.ndim == 3 && a.shape[2] == 1))) {
        char shape[96] = "";
        for (int d = 0; d < a.ndim; d++)
            snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%ld", d ? ", " : "",
                     a.shape[d]);
        p3d_array_free(&a);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: a depth map must have shape (H, W) or (H, W, 1), "
                        "not (%s)", path, shape);
    }
    if ((rc = p3d_check_pixels(ctx, path, (uint64_t)a.shape[1], (uint64_t)a.shape[0]))) {
        p3d_array_free(&a);
        return rc;
    }
    map->width = (int)a.shape[1];
    map->height = (int)a.shape[0];
    map->data = a.data; /* ownership moves to the map */
    return P3D_OK;
}

static int decode_map(p3d_ctx *ctx, const char *path, p3d_format format, const uint8_t *buf,
                      size_t len, void *out, p3d_file_info *info)
{
    switch (format) {
    case P3D_FMT_NPY: return map_from_npy(ctx, path, buf, len, out, info);
    case P3D_FMT_PFM: return p3d_pfm_parse(ctx, path, buf, len, out, info);
    case P3D_FMT_PNG: return p3d_png_decode(ctx, path, buf, len, 1, NULL, out, info);
    case P3D_FMT_JPEG:
        return p3d_fail(ctx, P3D_E_INPUT, "%s: a JPEG cannot be a depth map (use .npy, .pfm or a "
                        "gray PNG)", path);
    default: return p3d_fail(ctx, P3D_E_INPUT, "%s: not a depth map (.npy, .pfm or gray PNG)", path);
    }
}

int p3d_map_load_info(p3d_ctx *ctx, const char *path, p3d_map *map, p3d_file_info *info)
{
    memset(map, 0, sizeof *map);
    return p3d_decode_file(ctx, path, decode_map, map, info);
}

int p3d_map_load(p3d_ctx *ctx, const char *path, p3d_map *map)
{
    return p3d_map_load_info(ctx, path, map, NULL);
}

int p3d_map_save_npy(p3d_ctx *ctx, const char *path, const p3d_map *map)
{
    p3d_array a = {2, {map->height, map->width}, map->data};
    return p3d_npy_save(ctx, path, &a);
}

/* MiDaS write_depth: 65535 * (d - min) / (max - min) in float32, truncated
 * to uint16; all zero when max - min is not above DBL_EPSILON. Non-finite
 * values are written as 0 and left out of min and max. */
int p3d_map_save_png16(p3d_ctx *ctx, const char *path, const p3d_map *map)
{
    size_t n = (size_t)map->width * map->height;
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(map->data[i])) {
            lo = fminf(lo, map->data[i]);
            hi = fmaxf(hi, map->data[i]);
        }
    uint8_t *be = malloc(n * 2 + 1);
    if (!be)
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
    int spread = isfinite(lo) && (double)hi - (double)lo > 2.220446049250313e-16;
    float range = hi - lo;
    for (size_t i = 0; i < n; i++) {
        float d = map->data[i];
        unsigned v = 0;
        if (spread && isfinite(d)) {
            float scaled = 65535.0f * (d - lo) / range;
            v = scaled >= 65535.0f ? 65535u : (unsigned)scaled;
        }
        be[2 * i] = (uint8_t)(v >> 8);
        be[2 * i + 1] = (uint8_t)v;
    }
    int rc = p3d_png_write(ctx, path, map->width, map->height, 1, 16, be);
    free(be);
    return rc;
}
