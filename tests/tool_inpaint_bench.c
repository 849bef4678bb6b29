/* Benchmark of the inpainting backends (src/inpaint): N crops of S x S shaped
 * like the pipeline's jobs (background context on the left, a ~30 % synthesis
 * band, foreground on the right, a context depth edge entering the band),
 * textured from a PNG photo (or a procedural texture). Prints ms per crop and
 * the mean absolute colour error in the band against the photo for the
 * classical backend and the diffusion baseline; --png DIR writes the first
 * crops (input, both results, edges, depth) for looking at.
 * Usage: tool_inpaint_bench [--crops N] [--size S] [--hole F] [--photo FILE] [--png DIR]
 * (F: band width as a fraction of S, default 0.3)
 * (run by bench/inpaint.sh, i.e. `make bench`). */
#include "inpaint/baselines.h"
#include "inpaint/classical.h"
#include "photo3d/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct texture {
    int w, h;
    uint8_t *rgb;
    int gray; /* R == G == B everywhere: the jobs say so */
} texture;

static int load_photo(p3d_ctx *ctx, const char *path, texture *t)
{
    p3d_image img;
    if (p3d_image_load(ctx, path, &img))
        return -1;
    *t = (texture){img.width, img.height, img.data, img.gray};
    return 0;
}

static void save_png(const char *dir, const char *name, int k, int w, int h, const uint8_t *rgb)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/crop%d_%s.png", dir, k, name);
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_image img = {w, h, 3, (uint8_t *)rgb, false};
    if (p3d_image_save_png(&ctx, path, &img))
        fprintf(stderr, "tool_inpaint_bench: %s\n", p3d_errmsg(&ctx));
}

static void procedural_texture(texture *t)
{
    t->w = t->h = 512;
    t->gray = 0;
    t->rgb = malloc((size_t)3 * 512 * 512);
    uint32_t s = 7;
    for (int y = 0; y < 512; y++)
        for (int x = 0; x < 512; x++) {
            s = s * 1664525u + 1013904223u;
            double v = 128 + 50 * sin(x * 0.4 + 2 * sin(y * 0.05)) + 30 * sin(y * 0.23) +
                       (s >> 27);
            uint8_t *p = &t->rgb[3 * (y * 512 + x)];
            p[0] = (uint8_t)fmin(fmax(v, 0), 255);
            p[1] = (uint8_t)fmin(fmax(255 - v, 0), 255);
            p[2] = (uint8_t)(((x / 16 + y / 16) % 2) * 60 + 80);
        }
}

typedef struct crop {
    p3d_inpaint_job job;
    uint8_t *truth;
} crop;

/* Crop k: texture window at a pseudo-random place; columns left of a wavy
 * line at 45 % are context, a band of about `hole` of the width (wavy when
 * wide) is mask, the rest foreground. Depth: 3 above the middle row, 5 below, with the depth edge on
 * the middle row of the context. */
static void make_crop(const texture *t, int s, double hole, int k, crop *c)
{
    size_t n = (size_t)s * s;
    uint8_t *context = calloc(n, 1), *mask = calloc(n, 1), *edge = calloc(n, 1);
    uint8_t *rgb = calloc(n, 3);
    float *depth = calloc(n, sizeof(float));
    c->truth = calloc(n, 3);
    int ox = t->w > s ? (int)((k * 7919u) % (unsigned)(t->w - s)) : 0;
    int oy = t->h > s ? (int)((k * 104729u) % (unsigned)(t->h - s)) : 0;
    for (int y = 0; y < s; y++) {
        double a = 0.45 * s + 0.04 * s * sin(y * 0.05 + k);
        double b = a + hole * s + (hole > 0.1 ? 0.04 * s * sin(y * 0.07 + 2 * k) : 0);
        for (int x = 0; x < s; x++) {
            size_t i = (size_t)y * s + x;
            const uint8_t *p = &t->rgb[3 * ((size_t)((oy + y) % t->h) * t->w + (ox + x) % t->w)];
            memcpy(&c->truth[3 * i], p, 3);
            if (x < a) {
                context[i] = 1;
                memcpy(&rgb[3 * i], p, 3);
                depth[i] = y < s / 2 ? 3.0f : 5.0f;
                edge[i] = y == s / 2 - 1;
            } else if (x < b) {
                mask[i] = 1;
            }
        }
    }
    c->job = (p3d_inpaint_job){s, s, context, mask, edge, depth, rgb, t->gray,
                               calloc(n, 1), calloc(n, sizeof(float)), calloc(n, 3)};
}

static void free_crop(crop *c)
{
    free((void *)c->job.context);
    free((void *)c->job.mask);
    free((void *)c->job.edge);
    free((void *)c->job.depth);
    free((void *)c->job.rgb);
    free(c->job.edge_out);
    free(c->job.depth_out);
    free(c->job.rgb_out);
    free(c->truth);
}

static double band_error(const crop *c)
{
    double sum = 0;
    long n = 0;
    for (long i = 0; i < (long)c->job.width * c->job.height; i++)
        if (c->job.mask[i]) {
            for (int ch = 0; ch < 3; ch++)
                sum += abs(c->job.rgb_out[3 * i + ch] - c->truth[3 * i + ch]);
            n += 3;
        }
    return n ? sum / n : 0;
}

/* Mean gradient magnitude (|dx| + |dy|, summed over channels) of img over the
 * band's interior pixels: texture energy, ~0 for a smooth fill. */
static double band_gradient(const crop *c, const uint8_t *img)
{
    const int s = c->job.width;
    double sum = 0;
    long n = 0;
    for (int y = 0; y + 1 < s; y++)
        for (int x = 0; x + 1 < s; x++) {
            long i = (long)y * s + x;
            if (!c->job.mask[i] || !c->job.mask[i + 1] || !c->job.mask[i + s])
                continue;
            for (int ch = 0; ch < 3; ch++)
                sum += abs(img[3 * (i + 1) + ch] - img[3 * i + ch]) +
                       abs(img[3 * (i + s) + ch] - img[3 * i + ch]);
            n++;
        }
    return n ? sum / n : 0;
}

static void save_views(const char *dir, int k, const char *name, const crop *c)
{
    int s = c->job.width;
    size_t n = (size_t)s * s;
    uint8_t *view = malloc(3 * n);
    save_png(dir, name, k, s, s, c->job.rgb_out);
    for (size_t i = 0; i < n; i++) {
        float d = c->job.depth_out[i];
        uint8_t v = d > 0 ? (uint8_t)fmin(255, 600 / d) : 0;
        view[3 * i] = view[3 * i + 1] = view[3 * i + 2] = v;
        if (c->job.edge_out[i]) {
            view[3 * i] = 255;
            view[3 * i + 1] = view[3 * i + 2] = 0;
        }
    }
    char depth_name[64];
    snprintf(depth_name, sizeof depth_name, "%s_depth", name);
    save_png(dir, depth_name, k, s, s, view);
    free(view);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: stable on a busy machine */
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    int crops = 100, size = 256;
    double hole = 0.3;
    const char *photo = NULL, *png_dir = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--crops")) crops = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--hole")) hole = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--photo")) photo = argv[i + 1];
        else if (!strcmp(argv[i], "--png")) png_dir = argv[i + 1];
        else {
            fprintf(stderr, "tool_inpaint_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (crops < 1 || size < 8 || hole <= 0 || hole > 0.5) {
        fprintf(stderr, "tool_inpaint_bench: need --crops >= 1, --size >= 8, 0 < --hole <= 0.5\n");
        return 2;
    }
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    texture tex;
    if (photo ? load_photo(&ctx, photo, &tex) : (procedural_texture(&tex), 0)) {
        fprintf(stderr, "tool_inpaint_bench: %s\n", p3d_errmsg(&ctx));
        return 1;
    }
    p3d_inpaint_backend backends[2];
    p3d_inpaint_classical_create(&ctx, &backends[0]);
    p3d_inpaint_diffusion_create(&ctx, &backends[1]);
    for (int b = 0; b < 2; b++) {
        const p3d_inpaint_backend *be = &backends[b];
        double ms[3] = {0}, err = 0, hole_pixels = 0, grad = 0, grad_truth = 0;
        for (int k = 0; k < crops; k++) {
            crop c;
            make_crop(&tex, size, hole, k, &c);
            double t0 = now_ms();
            int rc = be->edges(&ctx, be->state, &c.job);
            double t1 = now_ms();
            rc = rc ? rc : be->depth(&ctx, be->state, &c.job);
            double t2 = now_ms();
            rc = rc ? rc : be->color(&ctx, be->state, &c.job);
            double t3 = now_ms();
            if (rc) {
                fprintf(stderr, "tool_inpaint_bench: %s\n", p3d_errmsg(&ctx));
                return 1;
            }
            ms[0] += t1 - t0;
            ms[1] += t2 - t1;
            ms[2] += t3 - t2;
            err += band_error(&c);
            grad += band_gradient(&c, c.job.rgb_out);
            grad_truth += band_gradient(&c, c.truth);
            for (long i = 0; i < (long)size * size; i++)
                hole_pixels += c.job.mask[i];
            if (png_dir && k < 3) {
                if (b == 0) {
                    uint8_t *in = malloc((size_t)3 * size * size);
                    memcpy(in, c.job.rgb, (size_t)3 * size * size);
                    for (long i = 0; i < (long)size * size; i++)
                        if (c.job.mask[i])
                            in[3 * i] = in[3 * i + 2] = 255;
                    save_png(png_dir, "input", k, size, size, in);
                    save_png(png_dir, "truth", k, size, size, c.truth);
                    free(in);
                }
                save_views(png_dir, k, be->name, &c);
            }
            free_crop(&c);
        }
        double total = ms[0] + ms[1] + ms[2];
        printf("inpaint %-9s %d crops %dx%d, hole %.0f%%: %.2f ms/crop, %.2f ms per 10k hole px "
               "(edges %.2f, depth %.2f, color %.2f ms/crop); band: colour error %.1f, "
               "texture energy %.2f of the truth's\n",
               be->name, crops, size, size, 100.0 * hole_pixels / ((double)crops * size * size),
               total / crops, 1e4 * total / hole_pixels, ms[0] / crops, ms[1] / crops, ms[2] / crops,
               err / crops, grad / grad_truth);
        be->destroy(be->state);
    }
    free(tex.rgb);
    return 0;
}
