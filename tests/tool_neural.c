/* Test tool for tests/test_neural_backend.py: runs the neural inpainting
 * backend's three steps on one job stored as .npy files.
 *   tool_neural EDGE.pth DEPTH.pth COLOR.pth DIR GRAY [REPEATS[full]]
 * reads DIR/{context,mask,edge,depth}.npy (H x W) and DIR/rgb.npy (H x W x 3,
 * 0..255), writes DIR/{edge_out,depth_out,rgb_out}.npy (float32). With
 * DIR/end_depth.npy and DIR/far_dir.npy (H x W) the edges are traced as
 * paths with REPEATS (default 2) extra edge passes (REPEATSfull: run the net
 * even when a pass's input repeats), and DIR/{npath,fpath}.npy are written
 * too. Prints "edge_runs N passes M". */
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
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: tool_neural EDGE.pth DEPTH.pth COLOR.pth DIR GRAY [REPEATS]\n");
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
    float *f = calloc(n, 7 * sizeof(float));
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
    p3d_array end = {0}, far = {0};
    char path[1024];
    snprintf(path, sizeof path, "%s/end_depth.npy", dir);
    FILE *probe = fopen(path, "rb");
    int32_t *paths = NULL;
    int8_t *far8 = NULL;
    if (probe) {
        fclose(probe);
        if (load(&ctx, dir, "end_depth", &end) || load(&ctx, dir, "far_dir", &far))
            return fail(&ctx);
        paths = malloc(2 * n * sizeof *paths);
        far8 = malloc(n);
        float *front = calloc(n, sizeof *front);
        for (long i = 0; i < n; i++) {
            far8[i] = (int8_t)far.data[i];
            paths[i] = paths[n + i] = -1;
        }
        job.end_depth = end.data, job.far_dir = far8, job.front_depth = front;
        job.edge_repeats = argc == 7 ? atoi(argv[6]) : 2;
        if (argc == 7 && strstr(argv[6], "full"))
            p3d_inpaint_neural_always_run(&be);
        job.refine_band = 5;
        job.npath = paths, job.fpath = paths + n;
    }
    if (be.edges(&ctx, be.state, &job) || be.depth(&ctx, be.state, &job) || be.color(&ctx, be.state, &job))
        return fail(&ctx);
    long passes, runs = p3d_inpaint_neural_edge_runs(&be, &passes);
    printf("edge_runs %ld passes %ld\n", runs, passes);
    if (paths) {
        float *np = f + 5 * n, *fp = f + 6 * n;
        for (long i = 0; i < n; i++)
            np[i] = (float)paths[i], fp[i] = (float)paths[n + i];
        if (save(&ctx, dir, "npath", h, w, 1, np) || save(&ctx, dir, "fpath", h, w, 1, fp))
            return fail(&ctx);
        free((void *)job.front_depth), free(far8), free(paths);
        p3d_array_free(&end), p3d_array_free(&far);
    }
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
