/* Membrane (harmonic) interpolation with walls, per connected component of
 * unknown pixels, solved coarse to fine (cascadic multigrid: each level starts
 * from the coarser solution and runs a few SOR sweeps), followed by a few
 * defect corrections (the same solver applied to the residual equation), which
 * remove the smooth error that coarsening leaves. Used for depth (ALGORITHM.md
 * 6.3, classical replacement of the depth network) and for the diffusion
 * baseline. Cost is O(pixels) per component. */
#include "inpaint/membrane.h"
#include "inpaint/pyramid.h"

#include <stdlib.h>
#include <string.h>

#define MEMBRANE_MAX_CHANNELS 4
#define COARSEST_PIXELS 64 /* a level this small is solved directly */
#define COARSEST_SWEEPS 80
#define LEVEL_SWEEPS 3
#define SOR_OMEGA 1.5f
#define DEFECT_CORRECTIONS 3

/* The discrete problem on unknown pixels i: sum over the non-wall 4-neighbours
 * j of (v_j - v_i) + rhs_i = 0 (rhs = 0: harmonic; else a residual equation). */
typedef struct grid {
    int w, h, nc;
    uint8_t *state;
    float *v;
    float *rhs; /* per unknown pixel and channel */
} grid;

/* The in-grid 4-neighbours of pixel i into nb; returns their number. */
static int neighbours4(long i, int w, int h, long nb[4])
{
    int x = (int)(i % w), y = (int)(i / w), k = 0;
    if (x > 0) nb[k++] = i - 1;
    if (x + 1 < w) nb[k++] = i + 1;
    if (y > 0) nb[k++] = i - w;
    if (y + 1 < h) nb[k++] = i + w;
    return k;
}

/* Red-black SOR sweeps over the unknown pixels: all pixels with x + y even,
 * then all odd ones, so that no update waits for the previous one. The
 * neighbour lists are built once: pixel index and a bit per non-wall
 * 4-neighbour (1 left, 2 right, 4 up, 8 down). */
static int sor_sweeps(p3d_ctx *ctx, grid *g, int sweeps)
{
    const int w = g->w, h = g->h, nc = g->nc;
    long count = 0;
    for (long i = 0; i < (long)w * h; i++)
        count += g->state[i] == MEMBRANE_UNKNOWN;
    int32_t *pixels = malloc(sizeof(int32_t) * (count + 1));
    if (!pixels)
        return p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for %ld pixels", count);
    count = 0;
    for (int colour = 0; colour < 2; colour++)
        for (int y = 0; y < h; y++)
            for (int x = (y + colour) & 1; x < w; x += 2) {
                long i = (long)y * w + x;
                if (g->state[i] != MEMBRANE_UNKNOWN)
                    continue;
                int bits = (x > 0 && g->state[i - 1]) | (x + 1 < w && g->state[i + 1]) << 1 |
                           (y > 0 && g->state[i - w]) << 2 | (y + 1 < h && g->state[i + w]) << 3;
                if (bits)
                    pixels[count++] = (int32_t)(i << 4 | bits);
            }
    const long offset[4] = {-1, 1, -w, w};
    for (int s = 0; s < sweeps; s++)
        for (long k = 0; k < count; k++) {
            long i = pixels[k] >> 4;
            int bits = pixels[k] & 15;
            if (nc == 1 && bits == 15) { /* the common case: depth, all 4 neighbours */
                float sum = g->rhs[i] + g->v[i - 1] + g->v[i + 1] + g->v[i - w] + g->v[i + w];
                g->v[i] += SOR_OMEGA * (0.25f * sum - g->v[i]);
                continue;
            }
            int n = 0;
            float sum[MEMBRANE_MAX_CHANNELS];
            for (int c = 0; c < nc; c++)
                sum[c] = g->rhs[i * nc + c];
            for (int b = 0; b < 4; b++)
                if (bits >> b & 1) {
                    n++;
                    for (int c = 0; c < nc; c++)
                        sum[c] += g->v[(i + offset[b]) * nc + c];
                }
            for (int c = 0; c < nc; c++)
                g->v[i * nc + c] += SOR_OMEGA * (sum[c] / n - g->v[i * nc + c]);
        }
    free(pixels);
    return P3D_OK;
}

/* Unknown pixels start at the mean of the known ones. */
static void init_with_known_mean(grid *g)
{
    double sum[MEMBRANE_MAX_CHANNELS] = {0};
    long n = 0;
    for (long i = 0; i < (long)g->w * g->h; i++)
        if (g->state[i] == MEMBRANE_KNOWN) {
            for (int c = 0; c < g->nc; c++)
                sum[c] += g->v[i * g->nc + c];
            n++;
        }
    for (long i = 0; i < (long)g->w * g->h; i++)
        if (g->state[i] == MEMBRANE_UNKNOWN)
            for (int c = 0; c < g->nc; c++)
                g->v[i * g->nc + c] = n ? (float)(sum[c] / n) : 0.0f;
}

/* A coarse cell is KNOWN (mean of its known children) if any child is known,
 * so that thin known borders survive coarsening; else UNKNOWN if any child is,
 * with the sum of the children's rhs (the coarse Laplacian spans twice the
 * distance: four times the fine one). */
static void coarsen(const grid *f, grid *g)
{
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            long ci = (long)y * g->w + x;
            int known = 0, unknown = 0;
            float sum[MEMBRANE_MAX_CHANNELS] = {0}, rhs[MEMBRANE_MAX_CHANNELS] = {0};
            long child[4];
            int children = pyramid_children(x, y, f->w, f->h, child);
            for (int j = 0; j < children; j++) {
                long fi = child[j];
                if (f->state[fi] == MEMBRANE_KNOWN) {
                    known++;
                    for (int c = 0; c < f->nc; c++)
                        sum[c] += f->v[fi * f->nc + c];
                } else if (f->state[fi] == MEMBRANE_UNKNOWN) {
                    unknown++;
                    for (int c = 0; c < f->nc; c++)
                        rhs[c] += f->rhs[fi * f->nc + c];
                }
            }
            g->state[ci] = known ? MEMBRANE_KNOWN : unknown ? MEMBRANE_UNKNOWN : MEMBRANE_WALL;
            for (int c = 0; c < g->nc; c++) {
                g->v[ci * g->nc + c] = known ? sum[c] / known : 0.0f;
                g->rhs[ci * g->nc + c] = known ? 0.0f : rhs[c];
            }
        }
}

static int cascadic_solve(p3d_ctx *ctx, grid *g)
{
    if ((long)g->w * g->h <= COARSEST_PIXELS || g->w < 4 || g->h < 4) {
        init_with_known_mean(g);
        return sor_sweeps(ctx, g, COARSEST_SWEEPS);
    }
    grid coarse = {(g->w + 1) / 2, (g->h + 1) / 2, g->nc, NULL, NULL, NULL};
    long cn = (long)coarse.w * coarse.h;
    coarse.state = malloc((size_t)cn);
    coarse.v = malloc(sizeof(float) * cn * g->nc);
    coarse.rhs = malloc(sizeof(float) * cn * g->nc);
    int rc = P3D_OK;
    if (!coarse.state || !coarse.v || !coarse.rhs) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for a %dx%d level", coarse.w,
                      coarse.h);
    } else {
        coarsen(g, &coarse);
        rc = cascadic_solve(ctx, &coarse);
    }
    if (!rc) {
        for (int y = 0; y < g->h; y++)
            for (int x = 0; x < g->w; x++) {
                long i = (long)y * g->w + x, ci = (long)(y / 2) * coarse.w + x / 2;
                if (g->state[i] == MEMBRANE_UNKNOWN)
                    memcpy(&g->v[i * g->nc], &coarse.v[ci * g->nc], sizeof(float) * g->nc);
            }
        rc = sor_sweeps(ctx, g, LEVEL_SWEEPS);
    }
    free(coarse.state);
    free(coarse.v);
    free(coarse.rhs);
    return rc;
}

/* Solves g (rhs = 0) by a cascadic solve and defect corrections: the error e
 * of v obeys the same problem with e = 0 at known pixels and rhs = the
 * residual of v. */
static int solve_grid(p3d_ctx *ctx, grid *g)
{
    long n = (long)g->w * g->h * g->nc;
    int rc = cascadic_solve(ctx, g);
    if (rc || DEFECT_CORRECTIONS == 0)
        return rc;
    grid e = {g->w, g->h, g->nc, g->state, malloc(sizeof(float) * n), malloc(sizeof(float) * n)};
    if (!e.v || !e.rhs)
        rc = p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for a %dx%d component", g->w,
                      g->h);
    for (int it = 0; it < DEFECT_CORRECTIONS && !rc; it++) {
        memset(e.v, 0, sizeof(float) * n);
        memset(e.rhs, 0, sizeof(float) * n);
        for (long i = 0; i < (long)g->w * g->h; i++) {
            if (g->state[i] != MEMBRANE_UNKNOWN)
                continue;
            long nb[4];
            int k = neighbours4(i, g->w, g->h, nb);
            for (int c = 0; c < g->nc; c++) {
                float r = 0;
                for (int j = 0; j < k; j++)
                    if (g->state[nb[j]] != MEMBRANE_WALL)
                        r += g->v[nb[j] * g->nc + c] - g->v[i * g->nc + c];
                e.rhs[i * g->nc + c] = r;
            }
        }
        rc = cascadic_solve(ctx, &e);
        for (long i = 0; i < n && !rc; i++)
            g->v[i] += e.v[i];
    }
    free(e.v);
    free(e.rhs);
    return rc;
}

/* Labels 4-connected components of UNKNOWN pixels (label >= 0, -1 elsewhere);
 * returns their number. queue: w*h scratch. */
static int label_unknown(int w, int h, const uint8_t *state, int32_t *label, int32_t *queue)
{
    long n = (long)w * h;
    for (long i = 0; i < n; i++)
        label[i] = -1;
    int count = 0;
    for (long seed = 0; seed < n; seed++) {
        if (state[seed] != MEMBRANE_UNKNOWN || label[seed] >= 0)
            continue;
        long head = 0, tail = 0;
        queue[tail++] = (int32_t)seed;
        label[seed] = count;
        while (head < tail) {
            long i = queue[head++];
            long nb[4];
            int k = neighbours4(i, w, h, nb);
            while (k--)
                if (state[nb[k]] == MEMBRANE_UNKNOWN && label[nb[k]] < 0) {
                    label[nb[k]] = count;
                    queue[tail++] = (int32_t)nb[k];
                }
        }
        count++;
    }
    return count;
}

static int touches(int w, int h, const int32_t *label, int x, int y, int id)
{
    long i = (long)y * w + x;
    return (x > 0 && label[i - 1] == id) || (x + 1 < w && label[i + 1] == id) ||
           (y > 0 && label[i - w] == id) || (y + 1 < h && label[i + w] == id);
}

/* Solves component `id` (bounding box x0..x1, y0..y1) on its own grid: its
 * pixels are unknown, the known pixels touching it are its data, the rest is
 * wall. Returns 1 in *has_data when some known pixel touches it. */
static int solve_component(p3d_ctx *ctx, int w, int h, int nc, const uint8_t *state,
                           const int32_t *label, int id, const int box[4], float *values,
                           int *has_data)
{
    int x0 = box[0] > 0 ? box[0] - 1 : 0, y0 = box[1] > 0 ? box[1] - 1 : 0;
    int x1 = box[2] + 1 < w ? box[2] + 1 : w - 1, y1 = box[3] + 1 < h ? box[3] + 1 : h - 1;
    grid g = {x1 - x0 + 1, y1 - y0 + 1, nc, NULL, NULL, NULL};
    long gn = (long)g.w * g.h;
    g.state = malloc((size_t)gn);
    g.v = malloc(sizeof(float) * gn * nc);
    g.rhs = calloc((size_t)gn * nc, sizeof(float));
    if (!g.state || !g.v || !g.rhs) {
        free(g.state);
        free(g.v);
        free(g.rhs);
        return p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for a %dx%d component", g.w,
                        g.h);
    }
    *has_data = 0;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            long i = (long)y * w + x, gi = (long)(y - y0) * g.w + (x - x0);
            uint8_t s = MEMBRANE_WALL;
            if (label[i] == id)
                s = MEMBRANE_UNKNOWN;
            else if (state[i] == MEMBRANE_KNOWN && touches(w, h, label, x, y, id))
                s = MEMBRANE_KNOWN;
            *has_data |= s == MEMBRANE_KNOWN;
            g.state[gi] = s;
            memcpy(&g.v[gi * nc], &values[i * nc], sizeof(float) * nc);
        }
    int rc = *has_data ? solve_grid(ctx, &g) : P3D_OK;
    if (!rc && *has_data)
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                long i = (long)y * w + x, gi = (long)(y - y0) * g.w + (x - x0);
                if (g.state[gi] == MEMBRANE_UNKNOWN)
                    memcpy(&values[i * nc], &g.v[gi * nc], sizeof(float) * nc);
            }
    free(g.state);
    free(g.v);
    free(g.rhs);
    return rc;
}

/* Unknown pixels of the components without data (orphan[label] set) take the
 * value of the nearest known pixel (breadth-first over all pixels). */
static int fill_from_nearest_known(p3d_ctx *ctx, int w, int h, int nc, const uint8_t *state,
                                   const int32_t *label, const uint8_t *orphan, float *values,
                                   int32_t *queue)
{
    long n = (long)w * h, head = 0, tail = 0;
    int32_t *from = malloc(sizeof(int32_t) * n);
    if (!from)
        return p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for %dx%d pixels", w, h);
    for (long i = 0; i < n; i++) {
        from[i] = state[i] == MEMBRANE_KNOWN ? (int32_t)i : -1;
        if (from[i] >= 0)
            queue[tail++] = (int32_t)i;
    }
    while (head < tail) {
        long i = queue[head++];
        long nb[4];
        int k = neighbours4(i, w, h, nb);
        while (k--)
            if (from[nb[k]] < 0) {
                from[nb[k]] = from[i];
                queue[tail++] = (int32_t)nb[k];
            }
    }
    for (long i = 0; i < n; i++)
        if (label[i] >= 0 && orphan[label[i]])
            memcpy(&values[i * nc], &values[(long)from[i] * nc], sizeof(float) * nc);
    free(from);
    return P3D_OK;
}

int membrane_fill(p3d_ctx *ctx, int w, int h, int channels, const uint8_t *state, float *values,
                  const float *fallback)
{
    if (channels < 1 || channels > MEMBRANE_MAX_CHANNELS)
        return p3d_fail(ctx, P3D_E_INTERNAL, "membrane: %d channels", channels);
    if (w <= 0 || h <= 0)
        return P3D_OK;
    long n = (long)w * h;
    if (n >= (1L << 27)) /* sor_sweeps packs a pixel index and 4 bits into an int32 */
        return p3d_fail(ctx, P3D_E_LIMIT, "membrane: %dx%d is too large", w, h);
    int has_known = 0;
    for (long i = 0; i < n && !has_known; i++)
        has_known = state[i] == MEMBRANE_KNOWN;
    if (!has_known) {
        for (long i = 0; i < n; i++)
            if (state[i] == MEMBRANE_UNKNOWN)
                memcpy(&values[i * channels], fallback, sizeof(float) * channels);
        return P3D_OK;
    }
    int32_t *label = malloc(sizeof(int32_t) * n), *queue = malloc(sizeof(int32_t) * n);
    int (*box)[4] = NULL;
    uint8_t *orphan = NULL;
    int rc = P3D_OK;
    if (!label || !queue) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for %dx%d pixels", w, h);
        goto done;
    }
    int count = label_unknown(w, h, state, label, queue);
    box = malloc(sizeof *box * (count + 1));
    orphan = calloc((size_t)count + 1, 1);
    if (!box || !orphan) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "membrane: out of memory for %d components", count);
        goto done;
    }
    for (int c = 0; c < count; c++) {
        box[c][0] = w;
        box[c][1] = h;
        box[c][2] = box[c][3] = -1;
    }
    for (long i = 0; i < n; i++)
        if (label[i] >= 0) {
            int *b = box[label[i]], x = (int)(i % w), y = (int)(i / w);
            if (x < b[0]) b[0] = x;
            if (y < b[1]) b[1] = y;
            if (x > b[2]) b[2] = x;
            if (y > b[3]) b[3] = y;
        }
    int orphans = 0;
    for (int c = 0; c < count && !rc; c++) {
        int has_data = 0;
        rc = solve_component(ctx, w, h, channels, state, label, c, box[c], values, &has_data);
        orphan[c] = !has_data;
        orphans += !has_data;
    }
    if (!rc && orphans)
        rc = fill_from_nearest_known(ctx, w, h, channels, state, label, orphan, values, queue);
done:
    free(label);
    free(queue);
    free(box);
    free(orphan);
    return rc;
}

void membrane_fill_walls(const uint8_t *mask, int w, int h, uint8_t *state, const float *key,
                         int channels, float *values)
{
    long n = (long)w * h;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (long i = 0; i < n; i++) {
            if (!mask[i] || state[i] != MEMBRANE_WALL)
                continue;
            int x = (int)(i % w), y = (int)(i / w);
            long best = -1;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    long j = (long)ny * w + nx;
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && state[j] != MEMBRANE_WALL &&
                        (best < 0 || key[j] < key[best]))
                        best = j;
                }
            if (best >= 0) {
                memcpy(&values[(size_t)channels * i], &values[(size_t)channels * best],
                       sizeof(float) * channels);
                state[i] = MEMBRANE_UNKNOWN;
                changed = 1;
            }
        }
    }
}
