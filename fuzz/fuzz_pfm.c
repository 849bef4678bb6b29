/* libFuzzer target for the PFM parser (src/io/pfm.c). */
#include "io/io_internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.max_pixels = 1 << 20;
    p3d_map map;
    if (p3d_pfm_parse(&ctx, "fuzz.pfm", data, size, &map, NULL) == P3D_OK) {
        volatile float sink = 0;
        for (size_t i = 0; i < (size_t)map.width * map.height; i++)
            sink += map.data[i];
        (void)sink; /* every element is read: ASan checks the bounds */
        p3d_map_free(&map);
    } else if (map.data) {
        abort();
    }
    return 0;
}
