/* Allocation of the plain image and map structs, with the pixel limit checked first. */
#include "photo3d/core.h"

#include <stdlib.h>
#include <string.h>

static int check_size(p3d_ctx *ctx, int width, int height, int channels)
{
    if (width <= 0 || height <= 0 || channels <= 0)
        return p3d_fail(ctx, P3D_E_INPUT, "invalid size %dx%dx%d", width, height, channels);
    if ((long long)width * height > ctx->max_pixels)
        return p3d_fail(ctx, P3D_E_LIMIT, "%dx%d is over the limit of %ld pixels", width, height,
                        ctx->max_pixels);
    return P3D_OK;
}

int p3d_image_alloc(p3d_ctx *ctx, p3d_image *img, int width, int height, int channels)
{
    memset(img, 0, sizeof *img);
    int rc = check_size(ctx, width, height, channels);
    if (rc)
        return rc;
    img->data = calloc((size_t)width * height * channels, 1);
    if (!img->data)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for a %dx%d image", width, height);
    img->width = width;
    img->height = height;
    img->channels = channels;
    return P3D_OK;
}

void p3d_image_free(p3d_image *img)
{
    free(img->data);
    memset(img, 0, sizeof *img);
}

int p3d_map_alloc(p3d_ctx *ctx, p3d_map *map, int width, int height)
{
    memset(map, 0, sizeof *map);
    int rc = check_size(ctx, width, height, 1);
    if (rc)
        return rc;
    map->data = calloc((size_t)width * height, sizeof(float));
    if (!map->data)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for a %dx%d map", width, height);
    map->width = width;
    map->height = height;
    return P3D_OK;
}

int p3d_map_copy(p3d_ctx *ctx, const p3d_map *src, p3d_map *dst)
{
    int rc = p3d_map_alloc(ctx, dst, src->width, src->height);
    if (!rc)
        memcpy(dst->data, src->data, sizeof(float) * (size_t)src->width * src->height);
    return rc;
}

void p3d_map_free(p3d_map *map)
{
    free(map->data);
    memset(map, 0, sizeof *map);
}
