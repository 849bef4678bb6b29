/* Greedy "onion-peel" initialisation of the coarsest synthesis level (as in
 * Newson et al. 2014, video inpainting): hole pixels are filled in layers of
 * increasing distance from the known region, each copying the centre of the
 * source patch that best matches its known and already filled neighbours.
 * Texture next to the hole thereby grows into it, where a smooth first guess
 * would make the EM iterations prefer smooth sources. Search per pixel:
 * shifted sources of filled neighbours, random sources, then a shrinking
 * random search around the best (PatchMatch-style). */
#include "inpaint/patch_kernels.h"
#include "inpaint/patchmatch.h"

#include <stdlib.h>
#include <string.h>

#define RANDOM_CANDIDATES 8

static const int NB8[8][2] = {{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}};

typedef struct best_match {
    int32_t source, cost;
} best_match;

static void consider(const synth_level *L, const patch_field *f, long k, int32_t s,
                     const uint8_t *filled, best_match *b)
{
    if (s < 0 || !f->source_ok[s] || s == b->source)
        return;
    int32_t c = patch_distance(L, f, k, s, b->cost, filled);
    if (c < b->cost) {
        b->cost = c;
        b->source = s;
    }
}

static void fill_pixel(synth_level *L, patch_field *f, int32_t p, const uint8_t *filled,
                       uint64_t *rng)
{
    const int w = L->w, h = L->h, x = p % w, y = p / w;
    const long k = f->slot[p];
    best_match b = {-1, INT32_MAX};
    for (int j = 0; j < 8; j++) {
        int nx = x + NB8[j][0], ny = y + NB8[j][1];
        if (nx < 0 || ny < 0 || nx >= w || ny >= h)
            continue;
        int32_t n = ny * w + nx, slot = f->slot[n];
        if (!filled[(long)n * L->nc] || L->state[n] != SYNTH_HOLE || slot < 0)
            continue;
        int sx = f->source[slot] % w - NB8[j][0], sy = f->source[slot] / w - NB8[j][1];
        if (sx >= 0 && sy >= 0 && sx < w && sy < h)
            consider(L, f, k, sy * w + sx, filled, &b);
    }
    for (int j = 0; j < RANDOM_CANDIDATES; j++)
        consider(L, f, k, f->sources[synth_rand(rng) % (uint32_t)f->nsources], filled, &b);
    for (int radius = (w > h ? w : h) / 4; radius >= 1 && b.source >= 0; radius /= 2) {
        int cx = b.source % w + (int)(synth_rand(rng) % (uint32_t)(2 * radius + 1)) - radius;
        int cy = b.source / w + (int)(synth_rand(rng) % (uint32_t)(2 * radius + 1)) - radius;
        if (cx >= 0 && cy >= 0 && cx < w && cy < h)
            consider(L, f, k, cy * w + cx, filled, &b);
    }
    if (b.source < 0)
        b.source = f->sources[synth_rand(rng) % (uint32_t)f->nsources];
    f->source[k] = b.source;
    memcpy(&L->img[(long)p * L->nc], &L->img[(long)b.source * L->nc], (size_t)L->nc);
}

int onion_fill(p3d_ctx *ctx, synth_level *L, patch_field *f, uint64_t *rng)
{
    const int w = L->w, h = L->h;
    long n = (long)w * h;
    /* filled: laid out like L->img, as patch_distance wants its masks */
    uint8_t *filled = calloc((size_t)n * L->nc + PATCH_SSD_PADDING, 1), *seen = malloc((size_t)n);
    int32_t *layer = malloc(sizeof(int32_t) * n), *next = malloc(sizeof(int32_t) * n);
    if (!filled || !seen || !layer || !next) {
        free(filled);
        free(seen);
        free(layer);
        free(next);
        return p3d_fail(ctx, P3D_E_NOMEM, "patch synthesis: out of memory for a %dx%d level", w,
                        h);
    }
    for (long i = 0; i < n; i++) {
        seen[i] = L->state[i] == SYNTH_KNOWN;
        memset(&filled[i * L->nc], seen[i] ? 0xFF : 0, (size_t)L->nc);
    }
    long count = 0;
    for (long i = 0; i < n; i++) {
        if (L->state[i] != SYNTH_HOLE)
            continue;
        int x = (int)(i % w), y = (int)(i / w), border = 0;
        for (int j = 0; j < 8 && !border; j++) {
            int nx = x + NB8[j][0], ny = y + NB8[j][1];
            border = nx >= 0 && ny >= 0 && nx < w && ny < h &&
                     L->state[(long)ny * w + nx] == SYNTH_KNOWN;
        }
        if (border) {
            layer[count++] = (int32_t)i;
            seen[i] = 1;
        }
    }
    /* Holes cut off from every known pixel keep their first guess. */
    while (count > 0) {
        for (long j = 0; j < count; j++) {
            fill_pixel(L, f, layer[j], filled, rng);
            memset(&filled[(long)layer[j] * L->nc], 0xFF, (size_t)L->nc);
        }
        long next_count = 0;
        for (long j = 0; j < count; j++) {
            int x = layer[j] % w, y = layer[j] / w;
            for (int d = 0; d < 8; d++) {
                int nx = x + NB8[d][0], ny = y + NB8[d][1];
                long q = (long)ny * w + nx;
                if (nx >= 0 && ny >= 0 && nx < w && ny < h && L->state[q] == SYNTH_HOLE &&
                    !seen[q]) {
                    seen[q] = 1;
                    next[next_count++] = (int32_t)q;
                }
            }
        }
        int32_t *swap = layer;
        layer = next;
        next = swap;
        count = next_count;
    }
    free(filled);
    free(seen);
    free(layer);
    free(next);
    return P3D_OK;
}
