/* libFuzzer target for the checkpoint reader (legacy and zip formats, the
 * pickle interpreter): any input must either load, with every tensor
 * readable, or be refused with a one-line message naming the file. */
#include "nn/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile float sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_ckpt *ck;
    if (p3d_ckpt_open_memory(&ctx, "fuzz.pth", data, size, &ck) != P3D_OK) {
        if (ck || strncmp(p3d_errmsg(&ctx), "fuzz.pth: ", 10) || strchr(p3d_errmsg(&ctx), '\n'))
            abort();
        return 0;
    }
    float sum = 0;
    for (int i = 0; i < p3d_ckpt_count(ck); i++) {
        const p3d_ckpt_tensor *t = p3d_ckpt_at(ck, i);
        int64_t n = 1;
        for (int d = 0; d < t->ndim; d++)
            n *= t->shape[d];
        for (int64_t k = 0; k < n; k++)
            sum += t->data[k];
        const float *same;
        if (p3d_ckpt_get(&ctx, ck, t->name, t->ndim, t->shape, &same) != P3D_OK || same != t->data)
            abort();
        size_t len = strlen(t->name);
        if (len > 12 && !strcmp(t->name + len - 12, ".weight_orig")) {
            char prefix[256];
            snprintf(prefix, sizeof prefix, "%.*s", (int)(len - 12), t->name);
            float *w;
            for (int transposed = 0; transposed < 2; transposed++) {
                p3d_clear_error(&ctx);
                if (p3d_ckpt_spectral_weight(&ctx, ck, prefix, transposed, &w) == P3D_OK)
                    free(w);
            }
        }
    }
    for (int i = 0; i < p3d_ckpt_int_count(ck); i++) {
        const p3d_ckpt_int_tensor *t = p3d_ckpt_int_at(ck, i);
        if (p3d_ckpt_find_int(ck, t->name) == NULL)
            abort();
    }
    p3d_ckpt_close(ck);
    sink = sum; /* every value was read, under ASan */
    return 0;
}
