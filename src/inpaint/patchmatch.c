/* Nearest-neighbour field search (PatchMatch) and voting for one pyramid level
 * of the exemplar-based colour synthesis (see patchmatch.h). Window tests use
 * summed-area tables, so setting up a level is O(pixels). */
#include "inpaint/patchmatch.h"
#include "inpaint/patch_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_CODE_CLAMP 200 /* keeps the depth term within int32 */
#define VOTE_SIGMA 10.0f      /* per-byte RMS difference at which a vote weighs e^-1/2 */

/* Summed-area table (w+1)*(h+1) of state == value. */
static void count_table(const synth_level *L, uint8_t value, int32_t *sat)
{
    const int w = L->w, h = L->h;
    memset(sat, 0, sizeof(int32_t) * (w + 1));
    for (int y = 0; y < h; y++) {
        int32_t row = 0;
        int32_t *out = &sat[(long)(y + 1) * (w + 1)], *above = out - (w + 1);
        out[0] = 0;
        for (int x = 0; x < w; x++) {
            row += L->state[(long)y * w + x] == value;
            out[x + 1] = above[x + 1] + row;
        }
    }
}

/* Count in the window of radius r around (x, y), clipped to the level. */
static int32_t window_count(const int32_t *sat, int w, int h, int x, int y, int r)
{
    int x0 = x - r < 0 ? 0 : x - r, y0 = y - r < 0 ? 0 : y - r;
    int x1 = x + r + 1 > w ? w : x + r + 1, y1 = y + r + 1 > h ? h : y + r + 1;
    long s = w + 1;
    return sat[y1 * s + x1] - sat[y0 * s + x1] - sat[y1 * s + x0] + sat[y0 * s + x0];
}

int patch_field_init(p3d_ctx *ctx, const synth_level *L, int radius, patch_field *f)
{
    const int w = L->w, h = L->h, r = radius, side = 2 * radius + 1;
    long n = (long)w * h;
    memset(f, 0, sizeof *f);
    f->radius = radius;
    int32_t *known = malloc(sizeof(int32_t) * (w + 1) * (h + 1));
    int32_t *hole = malloc(sizeof(int32_t) * (w + 1) * (h + 1));
    int32_t *outside = malloc(sizeof(int32_t) * (w + 1) * (h + 1));
    f->slot = malloc(sizeof(int32_t) * n);
    f->source_ok = malloc((size_t)n);
    f->sources = malloc(sizeof(int32_t) * n);
    f->target = malloc(sizeof(int32_t) * n);
    f->source = malloc(sizeof(int32_t) * n);
    f->cost = malloc(sizeof(int32_t) * n);
    f->vote_sum = malloc(sizeof(float) * n * L->nc);
    f->vote_total = malloc(sizeof(float) * n);
    f->full = malloc((size_t)n);
    int rc = P3D_OK;
    if (!known || !hole || !outside || !f->slot || !f->source_ok || !f->sources || !f->target ||
        !f->source || !f->cost || !f->vote_sum || !f->vote_total || !f->full) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "patch synthesis: out of memory for a %dx%d level", w, h);
        goto done;
    }
    count_table(L, SYNTH_KNOWN, known);
    count_table(L, SYNTH_HOLE, hole);
    count_table(L, SYNTH_OUTSIDE, outside);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            long i = (long)y * w + x;
            int inside = x >= r && y >= r && x + r < w && y + r < h;
            f->source_ok[i] = inside && window_count(known, w, h, x, y, r) == side * side;
            if (f->source_ok[i])
                f->sources[f->nsources++] = (int32_t)i;
            f->slot[i] = -1;
            if (L->state[i] != SYNTH_OUTSIDE && window_count(hole, w, h, x, y, r) > 0) {
                f->slot[i] = (int32_t)f->ntargets;
                f->full[f->ntargets] = inside && window_count(outside, w, h, x, y, r) == 0;
                f->target[f->ntargets++] = (int32_t)i;
            }
        }
done:
    free(known);
    free(hole);
    free(outside);
    return rc;
}

void patch_field_free(patch_field *f)
{
    free(f->target);
    free(f->source);
    free(f->cost);
    free(f->vote_sum);
    free(f->vote_total);
    free(f->full);
    free(f->slot);
    free(f->source_ok);
    free(f->sources);
    memset(f, 0, sizeof *f);
}

void patch_field_randomize(patch_field *f, uint64_t *rng)
{
    for (long k = 0; k < f->ntargets; k++)
        f->source[k] = f->sources[synth_rand(rng) % (uint32_t)f->nsources];
}

static int32_t depth_term(const synth_level *L, int32_t t, int32_t s, int side)
{
    int16_t dt = L->depth[t], ds = L->depth[s];
    if (dt == SYNTH_NO_DEPTH || ds == SYNTH_NO_DEPTH)
        return 0;
    int d = dt - ds;
    d = d > DEPTH_CODE_CLAMP ? DEPTH_CODE_CLAMP : d < -DEPTH_CODE_CLAMP ? -DEPTH_CODE_CLAMP : d;
    return side * side * L->nc * d * d;
}

int32_t patch_distance(const synth_level *L, const patch_field *f, long k, int32_t s,
                       int32_t bound, const uint8_t *valid)
{
    const int w = L->w, h = L->h, nc = L->nc, r = f->radius, side = 2 * r + 1;
    const int32_t t = f->target[k];
    int32_t cost = depth_term(L, t, s, side);
    if (f->full[k] && !valid)
        return patch_ssd(L->img + (long)(t - r * w - r) * nc, L->img + (long)(s - r * w - r) * nc,
                         (long)w * nc, side, side * nc, cost, bound);
    /* The target patch clipped to the level; the source patch (always inside)
     * is cut the same way. */
    const int tx = t % w, ty = t / w;
    const int x0 = tx < r ? 0 : tx - r, x1 = tx + r >= w ? w - 1 : tx + r;
    const int y0 = ty < r ? 0 : ty - r, y1 = ty + r >= h ? h - 1 : ty + r;
    const long at = ((long)y0 * w + x0) * nc, as = at + (long)(s - t) * nc;
    return patch_ssd_masked(L->img + at, L->img + as, (valid ? valid : L->valid) + at,
                            (long)w * nc, y1 - y0 + 1, (x1 - x0 + 1) * nc, cost, bound);
}

void patch_field_costs(const synth_level *L, patch_field *f)
{
    for (long k = 0; k < f->ntargets; k++)
        f->cost[k] = patch_distance(L, f, k, f->source[k], INT32_MAX, NULL);
}

/* Tries source s for target k; keeps it when it is closer. */
static void try_source(const synth_level *L, patch_field *f, long k, int32_t s)
{
    if (s == f->source[k])
        return;
    int32_t c = patch_distance(L, f, k, s, f->cost[k], NULL);
    if (c < f->cost[k]) {
        f->source[k] = s;
        f->cost[k] = c;
    }
}

/* Propagation: the neighbour at offset (ox, oy) matches source s' there, so
 * try s' shifted back by the same offset. */
static void propagate(const synth_level *L, patch_field *f, long k, int ox, int oy)
{
    const int w = L->w, t = f->target[k], tx = t % w, ty = t / w;
    int nx = tx + ox, ny = ty + oy;
    if (nx < 0 || ny < 0 || nx >= w || ny >= L->h)
        return;
    int32_t slot = f->slot[(long)ny * w + nx];
    if (slot < 0)
        return;
    int sx = f->source[slot] % w - ox, sy = f->source[slot] / w - oy;
    if (sx < 0 || sy < 0 || sx >= w || sy >= L->h)
        return;
    int32_t s = sy * w + sx;
    if (f->source_ok[s])
        try_source(L, f, k, s);
}

static void random_search(const synth_level *L, patch_field *f, long k, int max_radius,
                          uint64_t *rng)
{
    const int w = L->w, h = L->h;
    for (int radius = max_radius; radius >= 1; radius /= 2) {
        int bx = f->source[k] % w, by = f->source[k] / w;
        int x = bx + (int)(synth_rand(rng) % (uint32_t)(2 * radius + 1)) - radius;
        int y = by + (int)(synth_rand(rng) % (uint32_t)(2 * radius + 1)) - radius;
        x = x < 0 ? 0 : x >= w ? w - 1 : x;
        y = y < 0 ? 0 : y >= h ? h - 1 : y;
        int32_t s = y * w + x;
        if (f->source_ok[s])
            try_source(L, f, k, s);
    }
}

void patchmatch_search(const synth_level *L, patch_field *f, int iterations, int max_radius,
                       uint64_t *rng)
{
    for (int it = 0; it < iterations; it++) {
        int dir = it % 2 ? -1 : 1;
        for (long j = 0; j < f->ntargets; j++) {
            long k = dir > 0 ? j : f->ntargets - 1 - j;
            propagate(L, f, k, -dir, 0);
            propagate(L, f, k, 0, -dir);
            random_search(L, f, k, max_radius, rng);
        }
    }
}

/* Each target adds its source patch, weighted, to sums over the target
 * patch's pixels (rows are contiguous on both sides, so this vectorises);
 * hole pixels then take sum / total weight. */
void patch_vote(synth_level *L, patch_field *f, int weighted)
{
    const int w = L->w, h = L->h, nc = L->nc, r = f->radius, side = 2 * r + 1;
    const long n = (long)w * h;
    const float scale = -1.0f / (2.0f * VOTE_SIGMA * VOTE_SIGMA * side * side * nc);
    memset(f->vote_sum, 0, sizeof(float) * n * nc);
    memset(f->vote_total, 0, sizeof(float) * n);
    for (long k = 0; k < f->ntargets; k++) {
        const float weight = weighted ? expf(scale * f->cost[k]) + 1e-6f : 1.0f;
        const int t = f->target[k], tx = t % w, ty = t / w;
        const int x0 = tx < r ? 0 : tx - r, x1 = tx + r >= w ? w - 1 : tx + r;
        const int y0 = ty < r ? 0 : ty - r, y1 = ty + r >= h ? h - 1 : ty + r;
        const int row = (x1 - x0 + 1) * nc;
        for (int y = y0; y <= y1; y++) {
            const long at = (long)y * w + x0;
            patch_accumulate(f->vote_sum + at * nc, L->img + (at + f->source[k] - t) * nc, row,
                             weight);
            float *total = f->vote_total + at;
            for (int j = 0; j <= x1 - x0; j++)
                total[j] += weight;
        }
    }
    for (long q = 0; q < n; q++)
        if (L->state[q] == SYNTH_HOLE && f->vote_total[q] > 0)
            for (int c = 0; c < nc; c++)
                L->img[q * nc + c] = (uint8_t)(f->vote_sum[q * nc + c] / f->vote_total[q] + 0.5f);
}

int patch_vote_confidence(p3d_ctx *ctx, const synth_level *L, const patch_field *f, float *conf)
{
    const int w = L->w, h = L->h, r = f->radius;
    int32_t *votes = calloc((size_t)w * h, sizeof *votes);
    if (!votes)
        return p3d_fail(ctx, P3D_E_NOMEM, "patch synthesis: out of memory for a %dx%d level", w, h);
    for (long k = 0; k < f->ntargets; k++) {
        const int tx = f->target[k] % w, ty = f->target[k] / w;
        for (int y = ty < r ? 0 : ty - r; y <= ty + r && y < h; y++)
            for (int x = tx < r ? 0 : tx - r; x <= tx + r && x < w; x++)
                votes[(long)y * w + x]++;
    }
    for (long q = 0; q < (long)w * h; q++)
        if (L->state[q] == SYNTH_HOLE)
            conf[q] = votes[q] ? fminf(f->vote_total[q] / votes[q], 1.0f) : 0.0f;
    free(votes);
    return P3D_OK;
}
