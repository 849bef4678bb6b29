/* Colour of the synthesis region by exemplar-based synthesis from the context:
 * the classical stand-in for the colour network (ALGORITHM.md 6.4). Coherent
 * multi-scale synthesis (Wexler et al. 2007) with PatchMatch search
 * (patchmatch.c): the coarsest level starts from an onion-peel fill
 * (onion_fill.c; a membrane fill when it has no source patch), each level
 * runs a few EM iterations (search, vote), and the field is upsampled to seed
 * the next finer level. Source patches come only from known context pixels;
 * the filled depth guides the match (patches of similar depth are preferred).
 * Levels are added only while the hole is thick, so effort scales with the
 * hole. Deterministic: the PRNG is seeded per job. Gray photos are synthesised
 * on one channel and replicated, so R == G == B. */
#include "inpaint/inpaint_steps.h"
#include "inpaint/membrane.h"
#include "inpaint/patchmatch.h"
#include "inpaint/patch_kernels.h"
#include "inpaint/pyramid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PATCH_RADIUS 4         /* 9x9 patches; smaller where no 9x9 source fits */
#define MAX_LEVELS 8
#define COARSEST_HOLE_RADIUS 4 /* levels are added until the hole is this thin... */
#define MIN_LEVEL_SIZE 24      /* ...or the level this small */
#define COARSEST_EM 3
#define COARSEST_SEARCH_ITERATIONS 2 /* per EM iteration; random search over the level */
#define LEVEL_EM 1
#define LEVEL_SEARCH_ITERATIONS 1    /* finer levels refine the upsampled field... */
#define LEVEL_SEARCH_RADIUS 16       /* ...searching near it */
#define THIN_HOLE_EM 1 /* thin holes are synthesised at full size only: the onion */
#define THIN_HOLE_SEARCH_ITERATIONS 1 /* fill does most of the work there */
#define SYNTH_SEED 0x5EED1234ABCDull

static void free_level(synth_level *L)
{
    free(L->img);
    free(L->state);
    free(L->depth);
    free(L->valid);
    memset(L, 0, sizeof *L);
}

static int alloc_level(p3d_ctx *ctx, synth_level *L, int w, int h, int nc)
{
    size_t bytes = (size_t)w * h * nc;
    *L = (synth_level){w, h, nc, malloc(bytes + PATCH_SSD_PADDING), malloc((size_t)w * h),
                       malloc(sizeof(int16_t) * w * h), malloc(bytes + PATCH_SSD_PADDING)};
    if (L->img && L->state && L->depth && L->valid) {
        memset(L->img + bytes, 0, PATCH_SSD_PADDING);
        memset(L->valid + bytes, 0, PATCH_SSD_PADDING);
        return P3D_OK;
    }
    free_level(L);
    return p3d_fail(ctx, P3D_E_NOMEM, "patch synthesis: out of memory for a %dx%d level", w, h);
}

/* L->valid from L->state. */
static void mark_valid(synth_level *L)
{
    for (long i = 0; i < (long)L->w * L->h; i++)
        memset(&L->valid[i * L->nc], L->state[i] == SYNTH_OUTSIDE ? 0 : 0xFF, (size_t)L->nc);
}

static int16_t depth_code(float depth)
{
    return depth > 0 ? (int16_t)lrintf(SYNTH_DEPTH_CODE_SCALE * logf(depth)) : SYNTH_NO_DEPTH;
}

static void fill_finest(const p3d_inpaint_job *job, synth_level *L)
{
    for (long i = 0; i < (long)L->w * L->h; i++) {
        int known = inpaint_is_known(job, i);
        L->state[i] = known ? SYNTH_KNOWN : job->mask[i] ? SYNTH_HOLE : SYNTH_OUTSIDE;
        for (int c = 0; c < L->nc; c++)
            L->img[i * L->nc + c] = known ? job->rgb[i * 3 + c] : 0;
        float d = known ? job->depth[i] : job->mask[i] && job->depth_out ? job->depth_out[i] : 0;
        L->depth[i] = depth_code(d);
    }
}

/* A coarse cell is a hole if any child is; else known (mean of the known
 * children) if any child is. */
static void coarsen(const synth_level *f, synth_level *g)
{
    const int nc = f->nc;
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            int hole = 0, known = 0, coded = 0, sum[3] = {0}, dsum = 0;
            long child[4];
            int children = pyramid_children(x, y, f->w, f->h, child);
            for (int j = 0; j < children; j++) {
                long fi = child[j];
                hole += f->state[fi] == SYNTH_HOLE;
                if (f->state[fi] == SYNTH_KNOWN) {
                    known++;
                    for (int c = 0; c < nc; c++)
                        sum[c] += f->img[fi * nc + c];
                }
                if (f->depth[fi] != SYNTH_NO_DEPTH) {
                    coded++;
                    dsum += f->depth[fi];
                }
            }
            long i = (long)y * g->w + x;
            g->state[i] = hole ? SYNTH_HOLE : known ? SYNTH_KNOWN : SYNTH_OUTSIDE;
            for (int c = 0; c < nc; c++)
                g->img[i * nc + c] = known ? (uint8_t)((sum[c] + known / 2) / known) : 0;
            g->depth[i] = coded ? (int16_t)lrintf((float)dsum / coded) : SYNTH_NO_DEPTH;
        }
}

/* Largest chessboard distance from a hole pixel to the nearest non-hole pixel. */
static int hole_thickness(const synth_level *L, int32_t *dist)
{
    const int w = L->w, h = L->h;
    const int32_t far = w + h;
    for (int pass = 0; pass < 2; pass++) {
        int step = pass ? -1 : 1;
        for (long j = 0; j < (long)w * h; j++) {
            long i = pass ? (long)w * h - 1 - j : j;
            if (L->state[i] != SYNTH_HOLE) {
                dist[i] = 0;
                continue;
            }
            int x = (int)(i % w), y = (int)(i / w);
            int32_t best = pass ? dist[i] : far;
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx, ny = y - step;
                if (nx >= 0 && nx < w && ny >= 0 && ny < h && dist[(long)ny * w + nx] + 1 < best)
                    best = dist[(long)ny * w + nx] + 1;
            }
            if (x - step >= 0 && x - step < w && dist[i - step] + 1 < best)
                best = dist[i - step] + 1;
            dist[i] = best;
        }
    }
    int32_t thickest = 0;
    for (long i = 0; i < (long)w * h; i++)
        if (L->state[i] == SYNTH_HOLE && dist[i] > thickest)
            thickest = dist[i];
    return thickest;
}

static int count_levels(p3d_ctx *ctx, const synth_level *finest, int *levels)
{
    int32_t *dist = malloc(sizeof(int32_t) * finest->w * finest->h);
    if (!dist)
        return p3d_fail(ctx, P3D_E_NOMEM, "patch synthesis: out of memory for a %dx%d crop",
                        finest->w, finest->h);
    int thickness = hole_thickness(finest, dist);
    free(dist);
    int size = finest->w < finest->h ? finest->w : finest->h;
    *levels = 1;
    while (*levels < MAX_LEVELS && thickness > COARSEST_HOLE_RADIUS && size / 2 >= MIN_LEVEL_SIZE) {
        thickness = (thickness + 1) / 2;
        size /= 2;
        (*levels)++;
    }
    return P3D_OK;
}

/* Colours of the coarsest level when it has no source patch: membrane fill
 * from the known pixels (finer levels start from it). */
static int init_coarsest(p3d_ctx *ctx, synth_level *L)
{
    long n = (long)L->w * L->h;
    float *v = malloc(sizeof(float) * n * L->nc);
    if (!v)
        return p3d_fail(ctx, P3D_E_NOMEM, "patch synthesis: out of memory for a %dx%d level",
                        L->w, L->h);
    for (long i = 0; i < n * L->nc; i++)
        v[i] = L->img[i];
    const float gray[3] = {INPAINT_FALLBACK_GRAY, INPAINT_FALLBACK_GRAY, INPAINT_FALLBACK_GRAY};
    int rc = membrane_fill(ctx, L->w, L->h, L->nc, L->state, v, gray); /* SYNTH_* == MEMBRANE_* */
    if (!rc)
        for (long i = 0; i < n; i++)
            if (L->state[i] == SYNTH_HOLE)
                for (int c = 0; c < L->nc; c++)
                    L->img[i * L->nc + c] = (uint8_t)lrintf(fminf(fmaxf(v[i * L->nc + c], 0), 255));
    free(v);
    return rc;
}

/* Hole pixels of the fine level start from their parent cell's colour. */
static void upsample_colors(const synth_level *coarse, synth_level *fine)
{
    for (int y = 0; y < fine->h; y++)
        for (int x = 0; x < fine->w; x++) {
            long i = (long)y * fine->w + x, ci = (long)(y / 2) * coarse->w + x / 2;
            if (fine->state[i] == SYNTH_HOLE)
                memcpy(&fine->img[i * fine->nc], &coarse->img[ci * coarse->nc], (size_t)fine->nc);
        }
}

/* Fine sources from the coarse field (same offset within the 2x2 cell);
 * targets without a valid upsampled source get a random one. */
static void upsample_field(const synth_level *coarse, const patch_field *cf,
                           const synth_level *fine, patch_field *ff, uint64_t *rng)
{
    for (long k = 0; k < ff->ntargets; k++) {
        int x = ff->target[k] % fine->w, y = ff->target[k] / fine->w;
        int32_t slot = cf->slot[(long)(y / 2) * coarse->w + x / 2];
        int32_t s = -1;
        if (slot >= 0) {
            int sx = 2 * (cf->source[slot] % coarse->w) + (x & 1);
            int sy = 2 * (cf->source[slot] / coarse->w) + (y & 1);
            if (sx < fine->w && sy < fine->h && ff->source_ok[(long)sy * fine->w + sx])
                s = sy * fine->w + sx;
        }
        ff->source[k] = s >= 0 ? s : ff->sources[synth_rand(rng) % (uint32_t)ff->nsources];
    }
}

/* A field with the largest radius for which some source patch exists. */
static int init_field(p3d_ctx *ctx, const synth_level *L, patch_field *f)
{
    for (int r = PATCH_RADIUS; r >= 0; r--) {
        int rc = patch_field_init(ctx, L, r, f);
        if (rc || f->nsources > 0)
            return rc;
        patch_field_free(f);
    }
    return P3D_OK;
}

/* Synthesises every level from the coarsest (levels[n-1]) to the finest. */
static int synthesize_levels(p3d_ctx *ctx, synth_level *levels, int n, uint64_t *rng,
                             float *confidence, int32_t *source)
{
    patch_field prev = {0}, cur = {0};
    int rc = P3D_OK;
    for (int l = n - 1; l >= 0 && !rc; l--) {
        synth_level *L = &levels[l];
        if (l < n - 1)
            upsample_colors(&levels[l + 1], L);
        rc = init_field(ctx, L, &cur);
        if (!rc && cur.nsources == 0 && l == n - 1)
            rc = init_coarsest(ctx, L); /* no exemplar at all: a smooth estimate */
        if (rc || cur.nsources == 0) {
            patch_field_free(&cur);
            patch_field_free(&prev);
            continue;
        }
        /* The first level with a field (normally the coarsest) starts from
         * scratch and searches globally; the others refine the coarser field. */
        int first = prev.ntargets == 0;
        if (first) {
            patch_field_randomize(&cur, rng);
            rc = onion_fill(ctx, L, &cur, rng);
        } else {
            upsample_field(&levels[l + 1], &prev, L, &cur, rng);
            patch_vote(L, &cur, 0);
        }
        int em = !first ? LEVEL_EM : l > 0 ? COARSEST_EM : THIN_HOLE_EM;
        int iterations = !first  ? LEVEL_SEARCH_ITERATIONS
                         : l > 0 ? COARSEST_SEARCH_ITERATIONS
                                 : THIN_HOLE_SEARCH_ITERATIONS;
        int radius = first ? (L->w > L->h ? L->w : L->h) : LEVEL_SEARCH_RADIUS;
        for (int it = 0; it < em && !rc; it++) {
            patch_field_costs(L, &cur);
            patchmatch_search(L, &cur, iterations, radius, rng);
            patch_vote(L, &cur, 1);
        }
        if (!rc && l == 0 && confidence)
            rc = patch_vote_confidence(ctx, L, &cur, confidence);
        for (long i = 0; !rc && l == 0 && source && i < (long)L->w * L->h; i++)
            if (L->state[i] == SYNTH_HOLE && cur.slot[i] >= 0)
                source[i] = cur.source[cur.slot[i]];
        patch_field_free(&prev);
        prev = cur;
        memset(&cur, 0, sizeof cur);
    }
    patch_field_free(&prev);
    patch_field_free(&cur);
    return rc;
}

static void write_output(const p3d_inpaint_job *job, const synth_level *L)
{
    for (long i = 0; i < (long)L->w * L->h; i++)
        for (int c = 0; c < 3; c++)
            job->rgb_out[i * 3 + c] =
                L->state[i] == SYNTH_OUTSIDE ? 0 : L->img[i * L->nc + (L->nc == 1 ? 0 : c)];
}

int inpaint_synthesize_color(p3d_ctx *ctx, p3d_inpaint_job *job, float *confidence,
                             int32_t *source)
{
    const int w = job->width, h = job->height;
    if (w <= 0 || h <= 0)
        return P3D_OK;
    for (long i = 0; confidence && i < (long)w * h; i++)
        confidence[i] = job->mask[i] ? 0.0f : 1.0f;
    for (long i = 0; source && i < (long)w * h; i++)
        source[i] = -1;
    synth_level levels[MAX_LEVELS] = {{0}};
    int nlevels = 0, rc = alloc_level(ctx, &levels[0], w, h, job->gray ? 1 : 3);
    if (!rc) {
        fill_finest(job, &levels[0]);
        mark_valid(&levels[0]);
        rc = count_levels(ctx, &levels[0], &nlevels);
    }
    for (int l = 1; l < nlevels && !rc; l++) {
        rc = alloc_level(ctx, &levels[l], (levels[l - 1].w + 1) / 2, (levels[l - 1].h + 1) / 2,
                         levels[0].nc);
        if (!rc) {
            coarsen(&levels[l - 1], &levels[l]);
            mark_valid(&levels[l]);
        }
    }
    uint64_t rng = SYNTH_SEED ^ ((uint64_t)w << 32) ^ (uint64_t)h;
    if (!rc)
        rc = synthesize_levels(ctx, levels, nlevels, &rng, confidence, source);
    if (!rc)
        write_output(job, &levels[0]);
    for (int l = 0; l < MAX_LEVELS; l++)
        free_level(&levels[l]);
    return rc;
}
