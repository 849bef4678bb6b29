/* Test tool for tests/test_neural_backend.py: runs the neural inpainting
 * backend's three steps on one job stored as .npy files.
 *   tool_neural EDGE.pth DEPTH.pth COLOR.pth DIR GRAY
 * reads DIR/{context,mask,edge,depth}.npy (H x W) and DIR/rgb.npy (H x W x 3,
 * 0..255), writes DIR/{edge_out,depth_out,rgb_out}.npy (float32). */
#include "inpaint/neural.h"
#include "photo3d/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(p3d_ctx *ctx)
{
    fprintf(stderr, "tool_neural: %s\n", p3d_errmsg(ctx));
    return 1;
}

static int load(p3d_ctx *ctx, const char *dir, const char *name, p3d_array *a)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    return p3d_npy_load(ctx, path, a);
}

static int save(p3d_ctx *ctx, const char *dir, const char *name, int h, int w, int c, float *data)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    p3d_array a = {c > 1 ? 3 : 2, {h, w, c, 0}, data};
    return p3d_npy_save(ctx, path, &a);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: tool_neural EDGE.pth DEPTH.pth COLOR.pth DIR GRAY\n");
        return 2;
    }
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_inpaint_backend be;
    if (p3d_inpaint_neural_create(&ctx, argv[1], argv[2], argv[3], &be))
        return fail(&ctx);
    p3d_array ctxa, mask, edge, depth, rgb;
    const char *dir = argv[4];
    if (load(&ctx, dir, "context", &ctxa) || load(&ctx, dir, "mask", &mask) ||
        load(&ctx, dir, "edge", &edge) || load(&ctx, dir, "depth", &depth) || load(&ctx, dir, "rgb", &rgb))
        return fail(&ctx);
    const int h = (int)ctxa.shape[0], w = (int)ctxa.shape[1];
    const long n = (long)w * h;
    uint8_t *u8 = calloc(n, 10), *rgb_out = malloc(3 * n);
    float *f = calloc(n, 5 * sizeof(float));
    uint8_t *c8 = u8, *m8 = u8 + n, *e8 = u8 + 2 * n, *rgb8 = u8 + 3 * n, *edge_out = u8 + 6 * n;
    for (long i = 0; i < n; i++) {
        c8[i] = ctxa.data[i] != 0;
        m8[i] = mask.data[i] != 0;
        e8[i] = edge.data[i] != 0;
        for (int ch = 0; ch < 3; ch++)
            rgb8[3 * i + ch] = (uint8_t)rgb.data[3 * i + ch];
    }
    float *depth_out = f;
    p3d_inpaint_job job = {w, h, c8, m8, e8, depth.data, rgb8, atoi(argv[5]), edge_out, depth_out, rgb_out};
    job.smooth_gap = 1;
    if (be.edges(&ctx, be.state, &job) || be.depth(&ctx, be.state, &job) || be.color(&ctx, be.state, &job))
        return fail(&ctx);
    float *eo = f + n, *ro = f + 2 * n;
    for (long i = 0; i < n; i++) {
        eo[i] = edge_out[i];
        for (int ch = 0; ch < 3; ch++)
            ro[3 * i + ch] = rgb_out[3 * i + ch];
    }
    if (save(&ctx, dir, "edge_out", h, w, 1, eo) || save(&ctx, dir, "depth_out", h, w, 1, depth_out) ||
        save(&ctx, dir, "rgb_out", h, w, 3, ro))
        return fail(&ctx);
    be.destroy(be.state);
    p3d_array_free(&ctxa), p3d_array_free(&mask), p3d_array_free(&edge), p3d_array_free(&depth);
    p3d_array_free(&rgb);
    free(u8), free(f), free(rgb_out);
    return 0;
}
