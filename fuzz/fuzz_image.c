/* libFuzzer target for the photo decoders (src/io/jpeg_decode.c,
 * png_decode.c, exif_orientation.c): JPEG, PNG as photo and PNG as depth map. */
#include "io/io_internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.max_pixels = 1 << 20;
    p3d_image img;
    p3d_map map;
    switch (p3d_sniff_format(data, size)) {
    case P3D_FMT_JPEG:
        if (p3d_jpeg_decode(&ctx, "fuzz.jpg", data, size, &img, NULL) == P3D_OK)
            p3d_image_free(&img);
        break;
    case P3D_FMT_PNG:
        if (p3d_png_decode(&ctx, "fuzz.png", data, size, 0, &img, NULL, NULL) == P3D_OK)
            p3d_image_free(&img);
        p3d_clear_error(&ctx);
        if (p3d_png_decode(&ctx, "fuzz.png", data, size, 1, NULL, &map, NULL) == P3D_OK)
            p3d_map_free(&map);
        break;
    default:
        break;
    }
    return 0;
}
