/* Cropping a reduced frame to the video frame (ALGORITHM.md 9, per frame
 * steps 4-7): the aspect "anchor" crop with the reference's floating-point
 * length L, the border crop to the photo size, the crop_border fractions
 * [top, left, bottom, right] resized back with OpenCV-style INTER_CUBIC, and
 * the cut to even width and height for yuv420p. The cubic resize is a
 * float, multi-threaded one that writes only the even-cut part: io's
 * OpenCV-exact fixed-point p3d_image_resize (single-threaded, plus copies in
 * and out) made each frame 12% slower; the two differ by at most 1 level.
 * Where AVX-512 is built, both passes run 16 floats wide with the same
 * operations in the same order (same bytes; tests/test_render.c). */
#include "render/frame.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

void frame_anchor(int size, int height, int width, int *row0, int *row1, int *col0, int *col1)
{
    double ratio = (double)height / width;
    int half_size = size / 2;
    *row0 = *col0 = 0;
    *row1 = *col1 = size;
    if (ratio <= 1) {
        double len = width * ratio; /* floating-point error can shorten the crop */
        int half = (int)floor(len / 2);
        *row0 = half_size - half;
        *row1 = half_size + half < size - 1 ? half_size + half : size - 1;
    } else {
        double len = height / ratio;
        int half = (int)floor(len / 2);
        *col0 = half_size - half;
        *col1 = half_size + half < size - 1 ? half_size + half : size - 1;
    }
}

/* OpenCV's cubic weights (A = -0.75) for a fractional offset t in [0, 1). */
static void cubic_weights(float t, float w[4])
{
    const float a = -0.75f;
    w[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
    w[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
    w[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
    w[3] = 1 - w[0] - w[1] - w[2];
}

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
static const v8f top = {255, 255, 255, 255, 255, 255, 255, 255};

typedef struct {
    int idx[4];
    float w[4];
} cubic_tap;

/* Taps for dst_n outputs sampling a source of src_n pixels (replicated edges). */
static void cubic_taps(int src_n, int dst_n, int out_n, cubic_tap *taps)
{
    double scale = (double)src_n / dst_n;
    for (int d = 0; d < out_n; d++) {
        double f = (d + 0.5) * scale - 0.5;
        int s = (int)floor(f);
        cubic_weights((float)(f - s), taps[d].w);
        for (int k = 0; k < 4; k++) {
            int i = s - 1 + k;
            taps[d].idx[k] = i < 0 ? 0 : i >= src_n ? src_n - 1 : i;
        }
    }
}

static uint8_t to_u8(float v)
{
    return (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5f);
}

#if defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>
#define FAST_CUBIC 1
/* The AVX-512 version keeps a row as 4 floats per pixel (R, G, B, 0) and
 * computes 4 output pixels per register: their 16 source taps lie within 8
 * source pixels (2 registers) when the resize magnifies, so a permute
 * fetches them. The same float operations in the same order as the plain
 * version (no FMA), so the same bytes. */
typedef struct cubic_group {
    int base;        /* first source pixel of the 8 loaded */
    int32_t perm[4][16]; /* tap k, lane 4 j + ch: float index in the 8 pixels */
    float w[4][16];      /* tap k's weight for output j, repeated over ch */
} cubic_group;

/* Groups of 4 outputs [0, ow - ow % 4); 0 when some group's taps span more
 * than 8 source pixels (strong reduction: use the plain version). */
static int cubic_groups(const cubic_tap *tx, int ow, cubic_group *g)
{
    for (int x = 0; x + 4 <= ow; x += 4) {
        cubic_group *c = g + x / 4;
        c->base = tx[x].idx[0];
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < 4; k++) {
                int off = tx[x + j].idx[k] - c->base;
                if (off < 0 || off > 7)
                    return 0;
                for (int ch = 0; ch < 4; ch++) {
                    c->perm[k][4 * j + ch] = 4 * off + ch;
                    c->w[k][4 * j + ch] = tx[x + j].w[k];
                }
            }
    }
    return 1;
}

/* Source row s (w pixels of RGB) as RGB0 floats, 4 per pixel, and 8 pixels of zeros after. */
static void row_to_rgbx(const uint8_t *s, int w, float *line)
{
    const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
    int x = 0;
    for (; x + 6 <= w; x += 4) { /* 16 bytes loaded, 12 used */
        __m128i px = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 3 * x)), spread);
        _mm512_storeu_ps(line + 4 * x, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(px)));
    }
    for (; x < w; x++)
        for (int ch = 0; ch < 4; ch++)
            line[4 * x + ch] = ch < 3 ? s[3 * x + ch] : 0;
    memset(line + 4 * w, 0, sizeof(float) * 32);
}

/* Outputs [0, ngroups * 4) of one row, RGB0 floats, into r (3 per pixel). */
static void resize_row_groups(const float *line, const cubic_group *g, int ngroups, float *r)
{
    for (int i = 0; i < ngroups; i++, g++) {
        __m512 lo = _mm512_loadu_ps(line + 4 * g->base), hi = _mm512_loadu_ps(line + 4 * g->base + 16);
        __m512 sum = _mm512_mul_ps(_mm512_loadu_ps(g->w[0]),
                                   _mm512_permutex2var_ps(lo, _mm512_loadu_si512(g->perm[0]), hi));
        for (int k = 1; k < 4; k++)
            sum = _mm512_add_ps(sum, _mm512_mul_ps(_mm512_loadu_ps(g->w[k]),
                                                   _mm512_permutex2var_ps(lo, _mm512_loadu_si512(g->perm[k]), hi)));
        /* drop the 4th lane of each pixel: 12 floats */
        const __m512i pack = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
        _mm512_mask_storeu_ps(r + 12 * i, 0x0FFF, _mm512_permutexvar_ps(pack, sum));
    }
}
#else
#define FAST_CUBIC 0
#endif

/* n rounded up to a whole number of 64-byte cache lines. */
static size_t aligned(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

/* Carves n bytes (64-byte aligned) off *at. */
static void *carve(char **at, size_t n)
{
    void *p = *at;
    *at += aligned(n);
    return p;
}

/* Source row s (w pixels) resized horizontally to ow pixels of 3 floats
 * into r; line holds the row as floats. */
static void resize_row(const uint8_t *s, int w, int ow, const cubic_tap *tx, const void *groups,
                       int ngroups, float *line, float *r)
{
    int x = 0;
#if FAST_CUBIC
    if (ngroups) {
        row_to_rgbx(s, w, line);
        resize_row_groups(line, groups, ngroups, r);
        x = 4 * ngroups;
    }
#else
    (void)groups, (void)ngroups;
#endif
    if (x < ow) { /* the plain layout for the plain loop's pixels */
        for (int i = 0; i < 3 * w; i++)
            line[i] = s[i];
        line[3 * w] = 0;
    }
    for (; x < ow; x++) {
        /* the 3 channels at once (the 4th lane is dropped) */
        const cubic_tap *t = tx + x;
        v4f p[4];
        for (int k = 0; k < 4; k++)
            memcpy(&p[k], line + 3 * t->idx[k], sizeof p[k]);
        v4f sum = t->w[0] * p[0] + t->w[1] * p[1] + t->w[2] * p[2] + t->w[3] * p[3];
        memcpy(r + 3 * x, &sum, 3 * sizeof(float));
    }
}

/* Resizes region (x0, y0, w, h) of src to full_w x full_h and keeps the
 * top-left dst->width x dst->height of the result; portable: the plain
 * version even where the AVX-512 one is built. Output rows are made in
 * order from the 4 horizontally resized source rows they need, kept in a
 * ring of 4 (a row's taps are 4 consecutive source rows, so row i lives in
 * slot i % 4): all in cache, where resizing every source row first into a
 * 10 MB buffer spent more time on memory than on arithmetic. The buffers
 * come from scratch, kept between frames. */
static int resize_cubic_region(const p3d_image *src, int x0, int y0, int w, int h, int full_w,
                               int full_h, p3d_image *dst, int threads, int portable,
                               frame_scratch *scratch)
{
    int ow = dst->width, oh = dst->height;
    /* per thread: a source row in float, padded so that a pixel loads as 4
     * floats (RGB0 and 8 more pixels for the AVX-512 version), and the ring */
    size_t line_bytes = aligned(sizeof(float) * (4 * (size_t)w + 32));
    size_t row_bytes = aligned(sizeof(float) * 3 * (size_t)ow);
    size_t thread_bytes = line_bytes + 4 * row_bytes;
    size_t need = aligned(sizeof(cubic_tap) * ow) + aligned(sizeof(cubic_tap) * oh) +
                  (size_t)threads * thread_bytes;
#if FAST_CUBIC
    need += aligned(sizeof(cubic_group) * (size_t)(ow / 4 + 1));
#endif
    if (scratch->bytes < need) {
        free(scratch->mem);
        scratch->bytes = 0;
        scratch->mem = malloc(need);
        if (!scratch->mem)
            return 0;
        scratch->bytes = need;
    }
    char *at = scratch->mem;
    cubic_tap *tx = carve(&at, sizeof *tx * ow), *ty = carve(&at, sizeof *ty * oh);
    char *per_thread = carve(&at, (size_t)threads * thread_bytes);
    cubic_taps(w, full_w, ow, tx);
    cubic_taps(h, full_h, oh, ty);
    int ngroups = 0;
    void *groups = NULL;
#if FAST_CUBIC
    groups = portable ? NULL : carve(&at, sizeof(cubic_group) * (size_t)(ow / 4 + 1));
    if (groups && cubic_groups(tx, ow, groups))
        ngroups = ow / 4;
#else
    (void)portable;
#endif
#pragma omp parallel num_threads(threads)
    {
        int thread = 0;
#ifdef _OPENMP
        thread = omp_get_thread_num();
#endif
        char *mine = per_thread + (size_t)thread * thread_bytes;
        float *line = (float *)mine, *ring[4];
        int tag[4] = {-1, -1, -1, -1};
        for (int i = 0; i < 4; i++)
            ring[i] = (float *)(mine + line_bytes + i * row_bytes);
#pragma omp for schedule(static)
        for (int y = 0; y < oh; y++) {
            const cubic_tap *t = ty + y;
            for (int k = 0; k < 4; k++) {
                int sy = t->idx[k];
                if (tag[sy & 3] != sy) {
                    resize_row(src->data + ((size_t)(y0 + sy) * src->width + x0) * 3, w, ow, tx, groups,
                               ngroups, line, ring[sy & 3]);
                    tag[sy & 3] = sy;
                }
            }
            const float *r0 = ring[t->idx[0] & 3], *r1 = ring[t->idx[1] & 3];
            const float *r2 = ring[t->idx[2] & 3], *r3 = ring[t->idx[3] & 3];
            uint8_t *d = dst->data + (size_t)y * ow * 3;
            int x = 0;
#if FAST_CUBIC
            for (; ngroups && x + 16 <= 3 * ow; x += 16) { /* as below, 16 at a time */
                __m512 v = _mm512_mul_ps(_mm512_set1_ps(t->w[0]), _mm512_loadu_ps(r0 + x));
                v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_set1_ps(t->w[1]), _mm512_loadu_ps(r1 + x)));
                v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_set1_ps(t->w[2]), _mm512_loadu_ps(r2 + x)));
                v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_set1_ps(t->w[3]), _mm512_loadu_ps(r3 + x)));
                v = _mm512_add_ps(v, _mm512_set1_ps(0.5f));
                v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(0.5f), _CMP_GT_OQ), v);
                v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(255.5f), _CMP_LT_OQ),
                                         _mm512_set1_ps(255.0f), v);
                _mm_storeu_si128((__m128i *)(d + x), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(v)));
            }
#endif
            for (; x + 8 <= 3 * ow; x += 8) { /* as to_u8, 8 at a time */
                v8f p[4];
                memcpy(&p[0], r0 + x, sizeof p[0]);
                memcpy(&p[1], r1 + x, sizeof p[1]);
                memcpy(&p[2], r2 + x, sizeof p[2]);
                memcpy(&p[3], r3 + x, sizeof p[3]);
                v8f v = t->w[0] * p[0] + t->w[1] * p[1] + t->w[2] * p[2] + t->w[3] * p[3] + 0.5f;
                v8i bits = (v8i)v & (v > 0.5f); /* v <= 0 before rounding: 0 */
                v8i below = (v8f)bits < 255.5f;
                v8f clamped = (v8f)((bits & below) | ((v8i)top & ~below));
                v8i level = __builtin_convertvector(clamped, v8i);
                for (int k = 0; k < 8; k++)
                    d[x + k] = (uint8_t)level[k];
            }
            for (; x < 3 * ow; x++)
                d[x] = to_u8(t->w[0] * r0[x] + t->w[1] * r1[x] + t->w[2] * r2[x] + t->w[3] * r3[x]);
        }
    }
    return 1;
}

int frame_layout_of(p3d_ctx *ctx, int size, int height, int width, const double crop_border[4],
                    frame_layout *l)
{
    int r1, c1;
    frame_anchor(size, height, width, &l->r0, &r1, &l->c0, &c1);
    /* border crop [0, H) x [0, W) of the anchored frame: a no-op unless the
     * canvas is larger than the photo */
    l->hc = r1 - l->r0 < height ? r1 - l->r0 : height;
    l->wc = c1 - l->c0 < width ? c1 - l->c0 : width;
    l->top = (int)(l->hc * crop_border[0]);
    l->left = (int)(l->wc * crop_border[1]);
    l->ch = l->hc - l->top - (int)(l->hc * crop_border[2]);
    l->cw = l->wc - l->left - (int)(l->wc * crop_border[3]);
    l->oh = l->hc & ~1;
    l->ow = l->wc & ~1;
    if (l->ch <= 0 || l->cw <= 0 || l->oh <= 0 || l->ow <= 0)
        return p3d_fail(ctx, P3D_E_USAGE, "frame %dx%d is too small for crop_border", l->wc, l->hc);
    return P3D_OK;
}

/* Nothing cut by crop_border: the cubic resize would be the identity. */
static int uncut(const frame_layout *l)
{
    return l->ch == l->hc && l->cw == l->wc;
}

raster_rect frame_source_rect(const frame_layout *l)
{
    if (uncut(l))
        return (raster_rect){l->c0, l->r0, l->c0 + l->ow, l->r0 + l->oh};
    int x0 = l->c0 + l->left, y0 = l->r0 + l->top;
    return (raster_rect){x0, y0, x0 + l->cw, y0 + l->ch};
}

int frame_finish_path(p3d_ctx *ctx, const p3d_image *square, const frame_layout *l, int portable,
                      frame_scratch *scratch, p3d_image *out)
{
    int oh = l->oh, ow = l->ow;
    if (!out->data || out->width != ow || out->height != oh || out->channels != 3) {
        p3d_image_free(out);
        int rc = p3d_image_alloc(ctx, out, ow, oh, 3);
        if (rc)
            return rc;
    }
    if (uncut(l)) {
        for (int y = 0; y < oh; y++)
            memcpy(out->data + (size_t)y * ow * 3,
                   square->data + ((size_t)(l->r0 + y) * square->width + l->c0) * 3, (size_t)ow * 3);
        return P3D_OK;
    }
    int threads = ctx->threads > 0 ? ctx->threads : 1;
    frame_scratch local = {0};
    int ok = resize_cubic_region(square, l->c0 + l->left, l->r0 + l->top, l->cw, l->ch, l->wc, l->hc,
                                 out, threads, portable, scratch ? scratch : &local);
    free(local.mem);
    return ok ? P3D_OK : p3d_fail(ctx, P3D_E_NOMEM, "out of memory resizing a frame");
}

int frame_finish(p3d_ctx *ctx, const p3d_image *square, const frame_layout *l, frame_scratch *scratch,
                 p3d_image *out)
{
    return frame_finish_path(ctx, square, l, 0, scratch, out);
}
