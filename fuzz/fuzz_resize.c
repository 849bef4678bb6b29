/* libFuzzer target for resizing and the reference depth path
 * (src/io/resize*.c, depth_reference.c): the first bytes choose the sizes
 * (1..64), the mode and the channel count, the rest fills the pixels. Any
 * size pair must resize without touching memory out of bounds, and depth
 * must stay within [1/3, 20] whenever the map has a finite value. */
#include "photo3d/io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    int sw = data[0] % 64 + 1, sh = data[1] % 64 + 1, dw = data[2] % 64 + 1, dh = data[3] % 64 + 1;
    p3d_resize_mode mode = (p3d_resize_mode)(data[4] % 3);
    p3d_depth_kind kind = (p3d_depth_kind)(data[4] / 3 % 2);
    int cn = data[5] % 4 + 1;
    data += 6;
    size -= 6;
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_image img, out;
    if (p3d_image_alloc(&ctx, &img, sw, sh, cn))
        return 0;
    size_t n = (size_t)sw * sh * cn;
    memset(img.data, 0, n); /* defined pixels when the input has none */
    for (size_t i = 0; i < n && size; i++)
        img.data[i] = data[i % size];
    if (p3d_image_resize(&ctx, &img, dw, dh, mode, &out) == P3D_OK)
        p3d_image_free(&out);
    p3d_image_free(&img);

    p3d_map map, mout, depth;
    if (p3d_map_alloc(&ctx, &map, sw, sh))
        return 0;
    memset(map.data, 0, sizeof(float) * (size_t)sw * sh);
    for (size_t i = 0; i < (size_t)sw * sh && size >= 4; i++)
        memcpy(&map.data[i], data + (i * 4) % (size - size % 4), 4);
    if (p3d_map_resize(&ctx, &map, dw, dh, mode, &mout) == P3D_OK)
        p3d_map_free(&mout);
    int rc = p3d_depth_from_map(&ctx, &map, kind, dw, dh, &depth);
    if (rc == P3D_OK) {
        for (int i = 0; i < dw * dh; i++)
            if (!(depth.data[i] >= 1.0f / 3 - 1e-6f && depth.data[i] <= 20.0f))
                abort();
        p3d_map_free(&depth);
    }
    p3d_map_free(&map);
    return 0;
}
