/* libFuzzer target for the .npy parser (src/io/npy.c): any bytes must give
 * either an array whose size matches its shape or a clean error. */
#include "io/io_internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    ctx.max_pixels = 1 << 20;
    p3d_array a;
    p3d_file_info info;
    if (p3d_npy_parse(&ctx, "fuzz.npy", data, size, &a, &info) == P3D_OK) {
        size_t n = 1;
        for (int d = 0; d < a.ndim; d++)
            n *= (size_t)a.shape[d];
        volatile float sink = 0;
        for (size_t i = 0; i < n; i++)
            sink += a.data[i];
        (void)sink; /* every element is read: ASan checks the bounds */
        p3d_array_free(&a);
    } else if (a.data) {
        abort(); /* a failed parse must not hand out memory */
    }
    return 0;
}
