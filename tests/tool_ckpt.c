/* Test helper for tests/test_ckpt.py: runs the checkpoint reader on a file
 * and prints what it found, so Python can compare it with torch.
 *   tool_ckpt dump FILE OUT.bin       manifest on stdout ("float|int <TAB> name <TAB> 2x3"),
 *                                     float32 data then int64 data to OUT.bin
 *   tool_ckpt get FILE NAME SHAPE     p3d_ckpt_get with SHAPE like 2x3 ("scalar" = 0-d)
 *   tool_ckpt spectral FILE PREFIX TRANSPOSED OUT.bin
 *   tool_ckpt time FILE REPEATS       best open+close time in seconds
 * Errors: the library's message on stderr, exit 1. */
#include "nn/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int fail(p3d_ctx *ctx)
{
    fprintf(stderr, "%s\n", p3d_errmsg(ctx));
    return 1;
}

static void print_shape(int ndim, const int64_t *shape)
{
    if (!ndim)
        printf("scalar");
    for (int d = 0; d < ndim; d++)
        printf(d ? "x%lld" : "%lld", (long long)shape[d]);
}

static int64_t numel(int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= shape[d];
    return n;
}

static int dump(p3d_ctx *ctx, const p3d_ckpt *ck, const char *out_path)
{
    FILE *out = fopen(out_path, "wb");
    if (!out)
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot create", out_path);
    for (int i = 0; i < p3d_ckpt_count(ck); i++) {
        const p3d_ckpt_tensor *t = p3d_ckpt_at(ck, i);
        printf("float\t%s\t", t->name);
        print_shape(t->ndim, t->shape);
        printf("\n");
        fwrite(t->data, sizeof(float), (size_t)numel(t->ndim, t->shape), out);
    }
    for (int i = 0; i < p3d_ckpt_int_count(ck); i++) {
        const p3d_ckpt_int_tensor *t = p3d_ckpt_int_at(ck, i);
        printf("int\t%s\t", t->name);
        print_shape(t->ndim, t->shape);
        printf("\n");
        fwrite(t->data, sizeof(int64_t), (size_t)numel(t->ndim, t->shape), out);
    }
    return fclose(out) ? p3d_fail(ctx, P3D_E_IO, "%s: write failed", out_path) : P3D_OK;
}

static int get(p3d_ctx *ctx, const p3d_ckpt *ck, const char *name, const char *shape_text)
{
    int64_t shape[P3D_CKPT_MAXDIM];
    int ndim = 0;
    if (strcmp(shape_text, "scalar"))
        for (const char *s = shape_text; ndim < P3D_CKPT_MAXDIM && *s; s += *s == 'x')
            shape[ndim++] = strtoll(s, (char **)&s, 10);
    const float *data;
    if (p3d_ckpt_get(ctx, ck, name, ndim, shape, &data))
        return ctx->status;
    printf("%.9g\n", numel(ndim, shape) ? data[0] : 0.0);
    return P3D_OK;
}

static int spectral(p3d_ctx *ctx, const p3d_ckpt *ck, const char *prefix, int transposed, const char *out_path)
{
    float *w;
    if (p3d_ckpt_spectral_weight(ctx, ck, prefix, transposed, &w))
        return ctx->status;
    char name[512];
    snprintf(name, sizeof name, "%s.weight_orig", prefix);
    const p3d_ckpt_tensor *t = p3d_ckpt_find(ck, name);
    FILE *out = fopen(out_path, "wb");
    size_t n = (size_t)numel(t->ndim, t->shape);
    int ok = out && fwrite(w, sizeof *w, n, out) == n;
    ok &= out && !fclose(out);
    free(w);
    return ok ? P3D_OK : p3d_fail(ctx, P3D_E_IO, "%s: write failed", out_path);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int timing(p3d_ctx *ctx, const char *path, int repeats)
{
    double best = 1e30;
    for (int k = 0; k < repeats; k++) {
        p3d_ckpt *ck;
        double t0 = now();
        if (p3d_ckpt_open(ctx, path, &ck))
            return ctx->status;
        double t = now() - t0;
        p3d_ckpt_close(ck);
        best = t < best ? t : best;
    }
    printf("%.4f\n", best);
    return P3D_OK;
}

int main(int argc, char **argv)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    if (argc < 3) {
        fprintf(stderr, "usage: tool_ckpt dump|get|spectral|time FILE ...\n");
        return 2;
    }
    if (!strcmp(argv[1], "time"))
        return timing(&ctx, argv[2], argc > 3 ? atoi(argv[3]) : 1) ? fail(&ctx) : 0;
    p3d_ckpt *ck;
    if (p3d_ckpt_open(&ctx, argv[2], &ck))
        return fail(&ctx);
    int rc = P3D_E_USAGE;
    if (!strcmp(argv[1], "dump") && argc == 4)
        rc = dump(&ctx, ck, argv[3]);
    else if (!strcmp(argv[1], "get") && argc == 5)
        rc = get(&ctx, ck, argv[3], argv[4]);
    else if (!strcmp(argv[1], "spectral") && argc == 6)
        rc = spectral(&ctx, ck, argv[3], atoi(argv[4]), argv[5]);
    else
        p3d_fail(&ctx, P3D_E_USAGE, "bad arguments");
    p3d_ckpt_close(ck);
    return rc ? fail(&ctx) : 0;
}
