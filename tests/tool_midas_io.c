/* Runs the MiDaS pre/post-processing steps on .npy files for
 * tests/test_midas_cv2.py:
 *   tool_midas_io pre PHOTO.npy OUT.npy      (H, W, 3) 0..255 -> (1, 3, h, w)
 *   tool_midas_io post NET.npy W H OUT.npy   (h, w) network output -> disparity of a W x H photo
 *   tool_midas_io blur IN.npy OUT.npy        (h, w) -> 3x3 box blur */
#include "io/io_internal.h"
#include "photo3d/midas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(p3d_ctx *ctx)
{
    fprintf(stderr, "tool_midas_io: %s\n", p3d_errmsg(ctx));
    return 1;
}

static int load_map(p3d_ctx *ctx, const char *path, p3d_map *map)
{
    p3d_array a;
    int st = p3d_npy_load(ctx, path, &a);
    if (st)
        return st;
    if (a.ndim != 2) {
        p3d_array_free(&a);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: expected a 2-D array", path);
    }
    *map = (p3d_map){(int)a.shape[1], (int)a.shape[0], a.data};
    return P3D_OK;
}

static int pre(p3d_ctx *ctx, const char *in_path, const char *out_path)
{
    p3d_array a, input;
    int st = p3d_npy_load(ctx, in_path, &a);
    if (st)
        return st;
    p3d_image photo = {0};
    if (a.ndim != 3 || a.shape[2] != 3)
        st = p3d_fail(ctx, P3D_E_INPUT, "%s: expected (H, W, 3)", in_path);
    if (!st)
        st = p3d_image_alloc(ctx, &photo, (int)a.shape[1], (int)a.shape[0], 3);
    for (size_t i = 0; !st && i < (size_t)photo.width * photo.height * 3; i++)
        photo.data[i] = (uint8_t)lrintf(a.data[i]);
    if (!st)
        st = p3d_midas_preprocess(ctx, &photo, &input);
    if (!st) {
        st = p3d_npy_save(ctx, out_path, &input);
        p3d_array_free(&input);
    }
    p3d_image_free(&photo);
    p3d_array_free(&a);
    return st;
}

int main(int argc, char **argv)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_map in = {0}, out = {0};
    int st;
    if (argc == 4 && strcmp(argv[1], "pre") == 0)
        st = pre(&ctx, argv[2], argv[3]);
    else if (argc == 6 && strcmp(argv[1], "post") == 0) {
        st = load_map(&ctx, argv[2], &in);
        if (!st)
            st = p3d_midas_postprocess(&ctx, &in, atoi(argv[3]), atoi(argv[4]), &out);
        if (!st)
            st = p3d_map_save_npy(&ctx, argv[5], &out);
    } else if (argc == 4 && strcmp(argv[1], "blur") == 0) {
        st = load_map(&ctx, argv[2], &in);
        if (!st && !p3d_box3x3(in.data, in.width, in.height))
            st = p3d_fail(&ctx, P3D_E_NOMEM, "out of memory");
        if (!st)
            st = p3d_map_save_npy(&ctx, argv[3], &in);
    } else {
        fprintf(stderr, "usage: tool_midas_io pre|post|blur ... (see the source)\n");
        return 2;
    }
    p3d_map_free(&in);
    p3d_map_free(&out);
    return st ? fail(&ctx) : 0;
}
