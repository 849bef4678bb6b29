/* The checkpoint reader on hand-built legacy files (no torch needed, so it
 * also runs under ASan): values of a strided view and an int64 scalar,
 * spectral-norm folding worked out by hand, and clean refusals of every
 * truncation and every single-byte corruption. tests/test_ckpt.py covers
 * parity with files that torch itself writes. */
#include "nn/checkpoint.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

typedef struct bytes {
    uint8_t data[4096];
    size_t n;
} bytes;

static void put(bytes *b, const void *p, size_t n)
{
    memcpy(b->data + b->n, p, n);
    b->n += n;
}

#define PUT_LIT(b, s) put(b, s, sizeof(s) - 1)

static void put_int(bytes *b, int v) /* BININT1 */
{
    uint8_t op[2] = {'K', (uint8_t)v};
    put(b, op, 2);
}

static void put_str(bytes *b, const char *s) /* BINUNICODE */
{
    uint32_t len = (uint32_t)strlen(s);
    put(b, "X", 1);
    put(b, &len, 4);
    put(b, s, len);
}

static void put_small_ints(bytes *b, int n, const int *v) /* a tuple of BININT1 */
{
    put(b, "(", 1);
    for (int k = 0; k < n; k++)
        put_int(b, v[k]);
    put(b, "t", 1);
}

/* One state_dict entry: _rebuild_tensor_v2(('storage', <type>, key, 'cpu', numel, None), offset, size, stride, False, OrderedDict()) */
static void put_tensor(bytes *b, const char *name, const char *type, const char *key, int numel, int offset,
                       int ndim, const int *size, const int *stride)
{
    char global[64];
    put_str(b, name);
    PUT_LIT(b, "ctorch._utils\n_rebuild_tensor_v2\n((");
    put_str(b, "storage");
    snprintf(global, sizeof global, "ctorch\n%s\n", type);
    put(b, global, strlen(global));
    put_str(b, key);
    put_str(b, "cpu");
    put_int(b, numel);
    PUT_LIT(b, "NtQ");
    put_int(b, offset);
    put_small_ints(b, ndim, size);
    put_small_ints(b, ndim, stride);
    PUT_LIT(b, "\x89" "ccollections\nOrderedDict\n)RtR");
}

static const uint8_t magic[] = {0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.'};

static void put_header(bytes *b)
{
    put(b, magic, sizeof magic);
    PUT_LIT(b, "\x80\x02M\xe9\x03."); /* protocol 1001 */
    PUT_LIT(b, "\x80\x02}");
    put_str(b, "little_endian");
    PUT_LIT(b, "\x88s.");
}

static void put_storage(bytes *b, int64_t count, const void *data, size_t size)
{
    put(b, &count, 8);
    put(b, data, size);
}

/* w: 3x2 view (stride 1, 3) of storage "0" = 0..5; n: int64 scalar 42. */
static void build_basic(bytes *b)
{
    b->n = 0;
    put_header(b);
    PUT_LIT(b, "\x80\x02" "ccollections\nOrderedDict\n)R(");
    put_tensor(b, "w", "FloatStorage", "0", 6, 0, 2, (int[]){3, 2}, (int[]){1, 3});
    put_tensor(b, "n", "LongStorage", "1", 1, 0, 0, NULL, NULL);
    PUT_LIT(b, "u.");
    PUT_LIT(b, "\x80\x02](");
    put_str(b, "0");
    put_str(b, "1");
    PUT_LIT(b, "e.");
    const float w[6] = {0, 1, 2, 3, 4, 5};
    const int64_t n = 42;
    put_storage(b, 6, w, sizeof w);
    put_storage(b, 1, &n, sizeof n);
}

static void test_basic(void)
{
    bytes b;
    build_basic(&b);
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_ckpt *ck;
    CHECK_INT(p3d_ckpt_open_memory(&ctx, "mem.pth", b.data, b.n, &ck), P3D_OK);
    if (!ck) {
        fprintf(stderr, "%s\n", p3d_errmsg(&ctx));
        return;
    }
    CHECK_INT(p3d_ckpt_count(ck), 1);
    CHECK_INT(p3d_ckpt_int_count(ck), 1);
    const float *w;
    CHECK_INT(p3d_ckpt_get(&ctx, ck, "w", 2, (int64_t[]){3, 2}, &w), P3D_OK);
    /* w[i][j] = storage[i + 3 j]: rows (0 3) (1 4) (2 5) */
    const float want[6] = {0, 3, 1, 4, 2, 5};
    for (int k = 0; w && k < 6; k++)
        CHECK_NEAR(w[k], want[k], 0);
    const p3d_ckpt_int_tensor *n = p3d_ckpt_find_int(ck, "n");
    CHECK(n && n->ndim == 0 && n->data[0] == 42);
    CHECK(p3d_ckpt_find(ck, "n") == NULL);

    CHECK_INT(p3d_ckpt_get(&ctx, ck, "w", 2, (int64_t[]){2, 3}, &w), P3D_E_INPUT);
    CHECK(!strcmp(p3d_errmsg(&ctx), "mem.pth: tensor 'w' has shape 3x2, expected 2x3"));
    CHECK(w == NULL);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_ckpt_get(&ctx, ck, "x", 1, (int64_t[]){1}, &w), P3D_E_INPUT);
    CHECK(!strcmp(p3d_errmsg(&ctx), "mem.pth: missing tensor 'x'"));
    p3d_ckpt_close(ck);
}

/* Every prefix and every one-byte corruption either loads or fails with a
 * message naming the file; ASan/UBSan watch for anything worse. */
static void test_damage(void)
{
    bytes b, d;
    build_basic(&b);
    int refused = 0, loaded = 0;
    for (size_t cut = 0; cut < b.n; cut++) {
        p3d_ctx ctx;
        p3d_ctx_init(&ctx);
        p3d_ckpt *ck;
        int rc = p3d_ckpt_open_memory(&ctx, "mem.pth", b.data, cut, &ck);
        refused += rc != P3D_OK && ck == NULL && !strncmp(p3d_errmsg(&ctx), "mem.pth: ", 9);
    }
    CHECK_INT(refused, b.n);
    refused = 0;
    for (size_t at = 0; at < b.n; at++) {
        for (int v = 0; v < 256; v += 51) {
            d = b;
            d.data[at] = (uint8_t)(d.data[at] ^ (v | 1));
            p3d_ctx ctx;
            p3d_ctx_init(&ctx);
            p3d_ckpt *ck;
            if (p3d_ckpt_open_memory(&ctx, "mem.pth", d.data, d.n, &ck) == P3D_OK)
                loaded++;
            else
                refused += !strncmp(p3d_errmsg(&ctx), "mem.pth: ", 9) && strchr(p3d_errmsg(&ctx), '\n') == NULL;
            p3d_ckpt_close(ck);
        }
    }
    /* data bytes (24 + 8 values) load with other values; everything else must be refused cleanly */
    CHECK_INT(refused + loaded, (int)b.n * 6);
    CHECK(loaded >= 32 * 6 && refused > (int)b.n * 6 / 2);
}

/* W_orig = [[1 2] [3 4]], u = (1 0), v = (0 1):
 *   convolution: sigma = u . (W v) = u . (2 4) = 2
 *   transposed (W_mat = W^T): sigma = u . (W^T v) = u . (3 4) = 3 */
static void test_spectral(void)
{
    bytes b = {.n = 0};
    put_header(&b);
    PUT_LIT(&b, "\x80\x02}(");
    put_tensor(&b, "sn.weight_orig", "FloatStorage", "w", 4, 0, 2, (int[]){2, 2}, (int[]){2, 1});
    put_tensor(&b, "sn.weight_u", "FloatStorage", "uv", 4, 0, 1, (int[]){2}, (int[]){1});
    put_tensor(&b, "sn.weight_v", "FloatStorage", "uv", 4, 2, 1, (int[]){2}, (int[]){1});
    PUT_LIT(&b, "u.");
    PUT_LIT(&b, "\x80\x02](");
    put_str(&b, "uv");
    put_str(&b, "w");
    PUT_LIT(&b, "e.");
    put_storage(&b, 4, (float[]){1, 0, 0, 1}, 16);
    put_storage(&b, 4, (float[]){1, 2, 3, 4}, 16);
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_ckpt *ck;
    CHECK_INT(p3d_ckpt_open_memory(&ctx, "sn.pth", b.data, b.n, &ck), P3D_OK);
    if (!ck)
        return;
    float *w;
    for (int transposed = 0; transposed < 2; transposed++) {
        CHECK_INT(p3d_ckpt_spectral_weight(&ctx, ck, "sn", transposed, &w), P3D_OK);
        float sigma = transposed ? 3 : 2;
        for (int k = 0; w && k < 4; k++)
            CHECK_NEAR(w[k], (k + 1) / sigma, 1e-7);
        free(w);
    }
    CHECK_INT(p3d_ckpt_spectral_weight(&ctx, ck, "none", 0, &w), P3D_E_INPUT);
    CHECK(!strcmp(p3d_errmsg(&ctx), "sn.pth: missing tensor 'none.weight_orig'"));
    p3d_ckpt_close(ck);
}

int main(void)
{
    test_basic();
    test_damage();
    test_spectral();
    return tl_finish();
}
