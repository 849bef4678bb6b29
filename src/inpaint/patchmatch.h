/* One pyramid level of exemplar-based synthesis (ALGORITHM.md 6.4, classical
 * stand-in for the colour network): the nearest-neighbour field from target
 * patches (around the hole) to source patches (entirely known context),
 * searched by PatchMatch (Barnes et al. 2009: propagation + random search),
 * and the voting step that rebuilds the hole from the matched patches
 * (Wexler et al. 2007). Private to src/inpaint. */
#ifndef P3D_INPAINT_PATCHMATCH_H
#define P3D_INPAINT_PATCHMATCH_H

#include <stdint.h>
#include "photo3d/core.h"

enum { SYNTH_OUTSIDE = 0, SYNTH_KNOWN = 1, SYNTH_HOLE = 2 };
#define SYNTH_NO_DEPTH INT16_MIN
#define SYNTH_DEPTH_CODE_SCALE 64.0f /* depth codes per unit of log-depth */

typedef struct synth_level {
    int w, h, nc;   /* size; channels: 1 (gray photo) or 3 */
    uint8_t *img;   /* w*h*nc: known pixels fixed, hole pixels the current estimate */
    uint8_t *state; /* SYNTH_* per pixel */
    int16_t *depth; /* SYNTH_DEPTH_CODE_SCALE * log(depth), or SYNTH_NO_DEPTH */
    uint8_t *valid; /* laid out like img: 0xFF where the pixel is known or hole, 0 outside */
} synth_level;

typedef struct patch_field {
    int radius;          /* patches are (2 radius + 1)^2 */
    long ntargets;
    int32_t *target;     /* pixel of each target patch centre (scan order): known or hole
                          * pixels within `radius` of a hole pixel */
    int32_t *source;     /* pixel of its source patch centre */
    int32_t *cost;       /* distance of the pair */
    float *vote_sum;     /* scratch of patch_vote: per pixel and channel */
    float *vote_total;   /* scratch of patch_vote: per pixel */
    uint8_t *full;       /* target patch inside the level with no outside pixel */
    int32_t *slot;       /* per pixel: its index in target[], or -1 */
    uint8_t *source_ok;  /* per pixel: the patch centred there is inside and all known */
    int32_t *sources;    /* the pixels with source_ok */
    long nsources;
} patch_field;

/* Small deterministic PRNG (splitmix64). */
static inline uint32_t synth_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* Targets, slots and valid sources of level L for the given radius; the
 * sources are left unset. patch_field_free releases (also after a failure). */
int patch_field_init(p3d_ctx *ctx, const synth_level *L, int radius, patch_field *f);
void patch_field_free(patch_field *f);
/* Every target gets a uniformly random valid source (needs nsources > 0). */
void patch_field_randomize(patch_field *f, uint64_t *rng);
/* Recomputes cost[] for the current sources and image. */
void patch_field_costs(const synth_level *L, patch_field *f);
/* PatchMatch iterations (alternating scan direction) improving source/cost;
 * the random search starts max_radius pixels around the current source. */
void patchmatch_search(const synth_level *L, patch_field *f, int iterations, int max_radius,
                       uint64_t *rng);
/* Every hole pixel becomes the mean of the source pixels that the target
 * patches covering it map it to; weighted: each patch weighs
 * exp(-mean squared difference / 2 VOTE_SIGMA^2) by its cost (which must be
 * current), else all weigh the same. */
void patch_vote(synth_level *L, patch_field *f, int weighted);
/* After a weighted patch_vote: per hole pixel, the mean weight of the votes it
 * got (1: every covering patch matches exactly, towards 0: none matches well);
 * other pixels are left as they are. */
int patch_vote_confidence(p3d_ctx *ctx, const synth_level *L, const patch_field *f, float *conf);

/* Distance of target k to the source centred at pixel s: SSD over the target
 * patch's pixels that are inside the level and valid (valid: laid out like
 * L->img, 0xFF or 0 per byte; NULL: L->valid), plus the depth term (patches at
 * another depth cost more); stops early once a row pushes it to `bound` or
 * more. Images and masks carry PATCH_SSD_PADDING bytes at their end. */
int32_t patch_distance(const synth_level *L, const patch_field *f, long k, int32_t s,
                       int32_t bound, const uint8_t *valid);

/* onion_fill.c: greedy first estimate of a level's hole, layer by layer from
 * its border inwards: each hole pixel takes the centre of the source patch
 * that best matches its known and already filled neighbours; sets source[]
 * for the hole's targets (others keep theirs). */
int onion_fill(p3d_ctx *ctx, synth_level *L, patch_field *f, uint64_t *rng);

#endif
