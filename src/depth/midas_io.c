/* MiDaS v1 pre- and post-processing (ALGORITHM.md 7; reference
 * MiDaS/MiDaS_utils.py read_image, resize_image, resize_depth and
 * MiDaS/run.py run_depth). */
#include "photo3d/midas.h"

#include "io/io_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void p3d_midas_input_size(int width, int height, int *in_w, int *in_h)
{
    /* numpy: scale = longer / 384.; ceil(side / scale / 32) * 32 */
    double scale = (width > height ? width : height) / 384.0;
    *in_w = (int)(ceil(width / scale / 32) * 32);
    *in_h = (int)(ceil(height / scale / 32) * 32);
}

void p3d_midas_output_size(int width, int height, int *out_w, int *out_h)
{
    /* Python: scale = 640. / max(h, w); int(round(side * scale)), half to even. */
    double scale = 640.0 / (width > height ? width : height);
    *out_w = (int)nearbyint(width * scale);
    *out_h = (int)nearbyint(height * scale);
}

int p3d_midas_preprocess(p3d_ctx *ctx, const p3d_image *photo, p3d_array *input)
{
    int in_w, in_h, w = photo->width, h = photo->height, st;
    p3d_midas_input_size(w, h, &in_w, &in_h);
    memset(input, 0, sizeof *input);
    input->data = malloc((size_t)3 * in_w * in_h * sizeof(float));
    if (!input->data)
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory for a %dx%d network input", in_w, in_h);
    input->ndim = 4;
    input->shape[0] = 1, input->shape[1] = 3, input->shape[2] = in_h, input->shape[3] = in_w;
    /* INTER_AREA is linear and per channel: each channel is scaled to [0, 1]
     * and resized on its own. */
    p3d_map plane = {0}, resized = {0};
    st = p3d_map_alloc(ctx, &plane, w, h);
    for (int c = 0; c < 3 && !st; c++) {
        for (size_t i = 0; i < (size_t)w * h; i++)
            plane.data[i] = (float)(photo->data[i * photo->channels + c] / 255.0);
        st = p3d_map_resize(ctx, &plane, in_w, in_h, P3D_RESIZE_AREA, &resized);
        if (!st)
            memcpy(input->data + (size_t)c * in_w * in_h, resized.data,
                   (size_t)in_w * in_h * sizeof(float));
        p3d_map_free(&resized);
    }
    p3d_map_free(&plane);
    if (st)
        p3d_array_free(input);
    return st;
}

int p3d_midas_postprocess(p3d_ctx *ctx, const p3d_map *net_out, int width, int height,
                          p3d_map *disparity)
{
    int out_w, out_h, w = net_out->width, h = net_out->height;
    p3d_midas_output_size(width, height, &out_w, &out_h);
    p3d_map blurred;
    int st = p3d_map_copy(ctx, net_out, &blurred);
    if (st)
        return st;
    if (!p3d_box3x3(blurred.data, w, h))
        st = p3d_fail(ctx, P3D_E_NOMEM, "out of memory for a %dx%d box filter", w, h);
    if (!st)
        st = p3d_map_resize(ctx, &blurred, out_w, out_h, P3D_RESIZE_AREA, disparity);
    p3d_map_free(&blurred);
    return st;
}
