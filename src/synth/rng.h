/* Deterministic pseudo-random numbers for the synthetic scene: splitmix64
 * (Steele, Lea, Flood 2014) as a generator and as a hash of lattice points,
 * so that a seed fixes every byte of the output on any platform. */
#ifndef P3D_SYNTH_RNG_H
#define P3D_SYNTH_RNG_H

#include <stdint.h>

static inline uint64_t synth_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct synth_rng {
    uint64_t state;
} synth_rng;

static inline uint64_t synth_rng_next(synth_rng *r)
{
    r->state += 0x9e3779b97f4a7c15ULL;
    return synth_mix64(r->state);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double synth_rng_uniform(synth_rng *r)
{
    return (double)(synth_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [lo, hi], rounded to a multiple of 1/per_unit: k / per_unit is
 * the double nearest to its short decimal form, so scene.json is exact. */
static inline double synth_rng_range(synth_rng *r, double lo, double hi, int per_unit)
{
    double x = (lo + (hi - lo) * synth_rng_uniform(r)) * per_unit;
    return (double)(long long)(x + (x >= 0 ? 0.5 : -0.5)) / per_unit;
}

/* Hash of an integer lattice point to [0, 1). */
static inline double synth_hash3(uint32_t seed, int32_t x, int32_t y, int32_t z)
{
    uint64_t h = synth_mix64(seed ^ synth_mix64((uint64_t)(uint32_t)x * 0x9e3779b97f4a7c15ULL ^
                                                 synth_mix64((uint64_t)(uint32_t)y << 21 ^ (uint32_t)z)));
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

#endif
