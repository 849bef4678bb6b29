/* Procedural surface textures: checkers, stripes, bricks, fractal noise,
 * rings and dots, each lightly modulated by value noise so that every patch
 * of the scene has structure (what novel-view inpainting must reproduce).
 * All patterns are pure functions of the surface point. */
#include "texture.h"
#include "rng.h"

#include <math.h>

#define TWO_PI 6.28318530717958647692

static double smoothstep(double e0, double e1, double x)
{
    double t = (x - e0) / (e1 - e0);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return t * t * (3 - 2 * t);
}

/* Trilinear value noise in [0, 1] with a smooth fade between lattice points. */
static double value_noise(uint32_t seed, double x, double y, double z)
{
    double fx = floor(x), fy = floor(y), fz = floor(z);
    int32_t ix = (int32_t)fx, iy = (int32_t)fy, iz = (int32_t)fz;
    double tx = smoothstep(0, 1, x - fx), ty = smoothstep(0, 1, y - fy), tz = smoothstep(0, 1, z - fz);
    double c[2][2];
    for (int dz = 0; dz < 2; dz++)
        for (int dy = 0; dy < 2; dy++) {
            double a = synth_hash3(seed, ix, iy + dy, iz + dz);
            double b = synth_hash3(seed, ix + 1, iy + dy, iz + dz);
            c[dz][dy] = a + (b - a) * tx;
        }
    double near = c[0][0] + (c[0][1] - c[0][0]) * ty;
    double far = c[1][0] + (c[1][1] - c[1][0]) * ty;
    return near + (far - near) * tz;
}

/* Fractal sum of `octaves` noise layers, each twice as fine and half as strong; in [0, 1]. */
static double fractal_noise(uint32_t seed, const double p[3], double feature, int octaves)
{
    double sum = 0, amp = 0.5, norm = 0, freq = 1 / feature;
    for (int o = 0; o < octaves; o++) {
        sum += amp * value_noise(seed + (uint32_t)o, p[0] * freq, p[1] * freq, p[2] * freq);
        norm += amp;
        amp *= 0.5;
        freq *= 2;
    }
    return sum / norm;
}

static void mix(const double a[3], const double b[3], double m, double out[3])
{
    for (int c = 0; c < 3; c++)
        out[c] = a[c] + (b[c] - a[c]) * m;
}

static void bricks(const p3d_synth_texture *t, double u, double v, double rgb[3])
{
    double bw = t->scale, bh = t->scale / 2, joint = 0.07 * bh;
    double row = floor(v / bh);
    double uu = u + (fmod(row, 2) != 0 ? bw / 2 : 0);
    double col = floor(uu / bw);
    double du = uu - col * bw, dv = v - row * bh;
    double edge = fmin(fmin(du, bw - du), fmin(dv, bh - dv));
    double tint = 0.75 + 0.5 * synth_hash3(t->noise_seed, (int32_t)col, (int32_t)row, 7);
    double brick[3];
    for (int c = 0; c < 3; c++)
        brick[c] = fmin(1.0, t->color_a[c] * tint);
    mix(t->color_b, brick, smoothstep(0.5 * joint, 1.5 * joint, edge), rgb);
}

void synth_texture_color(const p3d_synth_texture *t, double u, double v, const double p[3],
                         double rgb[3])
{
    const double s = t->scale;
    switch (t->kind) {
    case P3D_SYNTH_CHECKER:
        mix(t->color_a, t->color_b, (double)(((long long)floor(u / s) + (long long)floor(v / s)) & 1), rgb);
        break;
    case P3D_SYNTH_STRIPES:
        mix(t->color_a, t->color_b, smoothstep(-0.3, 0.3, sin(TWO_PI * u / s)), rgb);
        break;
    case P3D_SYNTH_BRICKS:
        bricks(t, u, v, rgb);
        break;
    case P3D_SYNTH_NOISE:
        mix(t->color_a, t->color_b, smoothstep(0.3, 0.7, fractal_noise(t->noise_seed, p, s, 5)), rgb);
        break;
    case P3D_SYNTH_RINGS:
        mix(t->color_a, t->color_b, smoothstep(-0.3, 0.3, sin(TWO_PI * sqrt(u * u + v * v) / s)), rgb);
        break;
    case P3D_SYNTH_DOTS: {
        double fu = u / s - floor(u / s) - 0.5, fv = v / s - floor(v / s) - 0.5;
        mix(t->color_a, t->color_b, 1 - smoothstep(0.27, 0.33, sqrt(fu * fu + fv * fv)), rgb);
        break;
    }
    }
    /* Fine grain so that no region is flat (feature size a fifth of the pattern). */
    double grain = 0.88 + 0.24 * fractal_noise(t->noise_seed ^ 0x5eedu, p, s / 5, 2);
    for (int c = 0; c < 3; c++)
        rgb[c] = fmin(1.0, rgb[c] * grain);
}

const char *synth_texture_name(p3d_synth_texture_kind kind)
{
    static const char *const names[] = {"checker", "stripes", "bricks", "noise", "rings", "dots"};
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "unknown";
}
