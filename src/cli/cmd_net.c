/* photo3d net {edge|depth|color|midas} --weights FILE IN.npy OUT.npy: runs
 * one of the three inpainting networks or MiDaS (src/nn/networks.h) on one
 * float32 tensor of shape (1, C, H, W) and writes (1, Cout, H, W). The plain
 * forward pass of the reference network in eval mode: no padding is added,
 * so H and W must already be multiples of 128 (MiDaS: 32). */
#include "cli.h"
#include "nn/networks.h"
#include "photo3d/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static const cli_opt net_opts[] = {
    {"weights", "FILE", "the network's PyTorch checkpoint (legacy or zip format)", 0},
    {"bf16", NULL, "bfloat16 convolutions (faster on AVX512_BF16 CPUs, about 1e-2 relative error)", 0},
    {"time", NULL, "print load and forward times (a cold and a warm pass; wall and CPU) to stderr", 0},
    {0},
};

static const cli_spec net_spec = {
    "net", "{edge|depth|color|midas} --weights FILE IN.npy OUT.npy",
    "Runs one inpainting network (or MiDaS) on a float32 tensor of shape (1, C, H, W) (H, W\n"
    "multiples of 128, MiDaS 32; C = 7 edge, 4 depth, 6 color, 3 midas) and writes its output\n"
    "(1, Cout, H, W) as float32.",
    net_opts, 3, 3,
};

static int check_input(p3d_ctx *ctx, const char *path, const p3d_array *a, const p3d_net *net)
{
    const int channels = p3d_net_in_channels(net), multiple = p3d_net_size_multiple(net) == 32 ? 32 : 128;
    if (a->ndim != 4 || a->shape[0] != 1)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: expected shape (1, C, H, W), got %d dimensions%s",
                        path, a->ndim, a->ndim == 4 ? " with batch != 1" : "");
    if (a->shape[1] != channels)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: %ld channels, the network takes %d", path,
                        a->shape[1], channels);
    if (a->shape[2] <= 0 || a->shape[3] <= 0 || a->shape[2] % multiple || a->shape[3] % multiple)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: size %ldx%ld is not a multiple of %d (pad first)",
                        path, a->shape[3], a->shape[2], multiple);
    return P3D_OK;
}

int cmd_net(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&net_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    int kind = p3d_net_kind_from_name(a.pos[0]);
    if (kind < 0) {
        cli_error("net", "unknown network '%s' (edge, depth, color or midas)", a.pos[0]);
        return 2;
    }
    const char *weights = cli_get(&a, "weights");
    if (!weights) {
        cli_error("net", "--weights FILE is required");
        return 2;
    }
    p3d_ctx ctx;
    cli_ctx(&a, &ctx);
    p3d_array in = {0}, out = {0};
    p3d_net *net = NULL;
    const int timing = cli_has(&a, "time");
    double t0 = now();
    if (p3d_npy_load(&ctx, a.pos[1], &in) || p3d_net_load(&ctx, kind, weights, &net) ||
        check_input(&ctx, a.pos[1], &in, net))
        goto done;
    double t1 = now();
    p3d_net_set_bf16(net, cli_has(&a, "bf16"));
    out.ndim = 4;
    out.shape[0] = 1;
    out.shape[1] = p3d_net_out_channels(net);
    out.shape[2] = in.shape[2];
    out.shape[3] = in.shape[3];
    out.data = malloc((size_t)out.shape[1] * out.shape[2] * out.shape[3] * sizeof(float));
    if (!out.data) {
        p3d_fail(&ctx, P3D_E_NOMEM, "out of memory");
        goto done;
    }
    for (int run = 0; run < 1 + timing; run++) {
        double t2 = now(), c2 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (p3d_net_forward(&ctx, net, (int)in.shape[2], (int)in.shape[3], in.data, out.data))
            goto done;
        if (timing)
            fprintf(stderr, "photo3d net: %s %ldx%ld: load %.3f s, forward (%s) %.3f s, cpu %.3f s\n",
                    a.pos[0], in.shape[3], in.shape[2], t1 - t0, run ? "warm" : "cold", now() - t2,
                    clock_s(CLOCK_PROCESS_CPUTIME_ID) - c2);
    }
    p3d_npy_save(&ctx, a.pos[2], &out);
done:
    p3d_net_free(net);
    p3d_array_free(&in);
    p3d_array_free(&out);
    return ctx.status ? cli_fail("net", &ctx) : 0;
}
