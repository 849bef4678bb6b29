/* Test tool for tests/test_io_parity.py: runs one photo3d I/O operation on
 * files so that Python can compare it with OpenCV and scikit-image.
 *   tool_io resize-image area|linear|cubic IN.png W H OUT.png
 *   tool_io resize-map   area|linear|cubic IN.npy W H OUT.npy
 *   tool_io depth        disparity|depth   IN     W H OUT.npy   (p3d_depth_from_map)
 *   tool_io map          IN OUT.npy                              (p3d_map_load) */
#include "photo3d/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(p3d_ctx *ctx)
{
    fprintf(stderr, "tool_io: %s\n", p3d_errmsg(ctx));
    return 1;
}

static p3d_resize_mode mode_of(const char *s)
{
    return strcmp(s, "area") == 0 ? P3D_RESIZE_AREA
         : strcmp(s, "linear") == 0 ? P3D_RESIZE_LINEAR : P3D_RESIZE_CUBIC;
}

int main(int argc, char **argv)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    if (argc == 4 && strcmp(argv[1], "map") == 0) {
        p3d_map m;
        if (p3d_map_load(&ctx, argv[2], &m) || p3d_map_save_npy(&ctx, argv[3], &m))
            return fail(&ctx);
        p3d_map_free(&m);
        return 0;
    }
    if (argc != 7) {
        fprintf(stderr, "usage: see tests/tool_io.c\n");
        return 2;
    }
    int w = atoi(argv[4]), h = atoi(argv[5]);
    if (strcmp(argv[1], "resize-image") == 0) {
        p3d_image in, out;
        if (p3d_image_load(&ctx, argv[3], &in) ||
            p3d_image_resize(&ctx, &in, w, h, mode_of(argv[2]), &out) ||
            p3d_image_save_png(&ctx, argv[6], &out))
            return fail(&ctx);
        p3d_image_free(&in);
        p3d_image_free(&out);
    } else if (strcmp(argv[1], "resize-map") == 0) {
        p3d_map in, out;
        if (p3d_map_load(&ctx, argv[3], &in) ||
            p3d_map_resize(&ctx, &in, w, h, mode_of(argv[2]), &out) ||
            p3d_map_save_npy(&ctx, argv[6], &out))
            return fail(&ctx);
        p3d_map_free(&in);
        p3d_map_free(&out);
    } else if (strcmp(argv[1], "depth") == 0) {
        p3d_map in, out;
        p3d_depth_kind kind = strcmp(argv[2], "depth") == 0 ? P3D_DEPTH_KIND_DEPTH
                                                           : P3D_DEPTH_KIND_DISPARITY;
        if (p3d_map_load(&ctx, argv[3], &in) || p3d_depth_from_map(&ctx, &in, kind, w, h, &out) ||
            p3d_map_save_npy(&ctx, argv[6], &out))
            return fail(&ctx);
        p3d_map_free(&in);
        p3d_map_free(&out);
    } else {
        return 2;
    }
    return 0;
}
