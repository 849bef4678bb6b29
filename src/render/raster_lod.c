/* Level of detail for the video renderer (raster.h, raster_lod_build).
 *
 * A 3D photo mesh is a grid: every vertex sits on a pixel centre of the
 * photo (seen from the mesh's own camera), and most grid cells are two
 * triangles. Drawing costs far more per triangle than per pixel (2.8 M
 * faces for the moon example, about 2 screen samples each at 2x2
 * supersampling), yet most of the grid is flat: over a block of cells the
 * inverse depth is linear in the pixel position up to a tiny residue. Such
 * blocks (4 to 64 cells wide, aligned like a quadtree) are drawn as a fan
 * of a few triangles around the block's centre vertex instead. Their
 * colours come from a texture holding the block's vertex colours, looked up
 * where the drawn point lies in the mesh's own camera and interpolated as
 * the cell's two triangles would (raster_fill.c), so no colour detail is
 * lost; a block whose colours the fan itself reproduces within
 * PLAIN_TOLERANCE levels keeps vertex colours and needs no texture.
 *
 * Faithfulness:
 * - Every fan vertex is a vertex of the mesh. In the mesh's own view each
 *   fan triangle covers exactly the grid cells it replaces; only the depth
 *   of interior points changes, by an amount in inverse depth that moves
 *   no point on screen by more than the caller's bound at any of its
 *   camera poses (raster_lod_allowed_dw).
 * - No cracks: a block edge passes through every vertex on it that anything
 *   else draws (a neighbouring block's corner, a vertex of a kept face), so
 *   both sides of a shared edge are cut at the same vertices.
 * - Cells are recognised from the faces themselves (the triangle pair of
 *   each cell that this project's meshes and the reference's both contain),
 *   so any PLY works; what is not a clean grid is drawn as it is.
 * Fans of blocks on the front surface come first, so that fans of hidden
 * layers mostly fail the depth test before being textured. */
#include "render/raster.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_BLOCK 4
#define MAX_BLOCK 64
#define ATLAS_WIDTH 2048
#define PLAIN_TOLERANCE 2.0 /* colour levels */

typedef struct lod_grid {
    double fx, fy, cx, cy; /* the mesh's camera: col = x / z fx + cx */
    long nverts;
    int32_t *col, *row; /* pixel of each vertex; on[] says whether it has one */
    uint8_t *on;
    /* per vertex as the top-right corner of a cell: the cell's other corners */
    int32_t *tr_tl, *tr_bl, *tr_br;
    uint8_t *tr_bad;
    /* per vertex as the top-left corner of a complete cell */
    int32_t *right, *down, *diag;
    uint8_t *cell;    /* 1: a complete, unambiguous cell starts here */
    uint8_t *covered; /* the cell is drawn by a block */
    uint8_t *used;    /* the vertex is drawn by a kept face or is a block corner */
} lod_grid;

static void grid_free(lod_grid *g)
{
    free(g->col), free(g->row), free(g->on);
    free(g->tr_tl), free(g->tr_bl), free(g->tr_br), free(g->tr_bad);
    free(g->right), free(g->down), free(g->diag), free(g->cell), free(g->covered), free(g->used);
}

static int grid_alloc(lod_grid *g, long n)
{
    memset(g, 0, sizeof *g);
    g->nverts = n;
    size_t i32 = (size_t)(n + 1) * sizeof(int32_t), u8 = (size_t)n + 1;
    g->col = malloc(i32), g->row = malloc(i32), g->on = calloc(u8, 1);
    g->tr_tl = malloc(i32), g->tr_bl = malloc(i32), g->tr_br = malloc(i32), g->tr_bad = calloc(u8, 1);
    g->right = malloc(i32), g->down = malloc(i32), g->diag = malloc(i32);
    g->cell = calloc(u8, 1), g->covered = calloc(u8, 1), g->used = calloc(u8, 1);
    if (!g->col || !g->row || !g->on || !g->tr_tl || !g->tr_bl || !g->tr_br || !g->tr_bad ||
        !g->right || !g->down || !g->diag || !g->cell || !g->covered || !g->used)
        return 0;
    for (long i = 0; i < n; i++)
        g->tr_tl[i] = g->tr_bl[i] = g->tr_br[i] = -1;
    return 1;
}

/* The pixel each vertex projects to in the mesh's camera (mesh_build.c:
 * x = z (col + 0.5 - cx) / fx, principal point at the integer half size). */
static void grid_pixels(const p3d_mesh *m, lod_grid *g)
{
    double fx = m->width / (2.0 * tan(m->hfov / 2.0)), fy = m->height / (2.0 * tan(m->vfov / 2.0));
    double cx = m->width / 2 - 0.5, cy = m->height / 2 - 0.5;
    g->fx = fx, g->fy = fy, g->cx = cx, g->cy = cy;
    for (long i = 0; i < m->nverts; i++) {
        const float *p = m->xyz + 3 * i;
        if (!(p[2] > 0) || !isfinite(p[0]) || !isfinite(p[1]) || !isfinite(p[2]))
            continue;
        double c = p[0] / p[2] * fx + cx, r = p[1] / p[2] * fy + cy;
        double rc = nearbyint(c), rr = nearbyint(r);
        if (fabs(c - rc) < 0.01 && fabs(r - rr) < 0.01 && fabs(rc) < 1e6 && fabs(rr) < 1e6) {
            g->col[i] = (int32_t)rc, g->row[i] = (int32_t)rr;
            g->on[i] = 1;
        }
    }
}

/* When face f is a triangle of one grid cell (three of its corners), its
 * corners top-left, top-right, bottom-left, bottom-right (-1: missing). */
static int face_corners(const lod_grid *g, const int32_t *f, int32_t corner[4])
{
    for (int k = 0; k < 3; k++)
        if (!g->on[f[k]])
            return 0;
    int32_t c0 = g->col[f[0]], r0 = g->row[f[0]];
    for (int k = 1; k < 3; k++) {
        c0 = g->col[f[k]] < c0 ? g->col[f[k]] : c0;
        r0 = g->row[f[k]] < r0 ? g->row[f[k]] : r0;
    }
    corner[0] = corner[1] = corner[2] = corner[3] = -1;
    for (int k = 0; k < 3; k++) {
        int32_t dc = g->col[f[k]] - c0, dr = g->row[f[k]] - r0;
        if (dc > 1 || dr > 1 || corner[dc + 2 * dr] >= 0)
            return 0;
        corner[dc + 2 * dr] = f[k];
    }
    return 1;
}

static void note(int32_t *slot, uint8_t *bad, int32_t v)
{
    if (*slot < 0)
        *slot = v;
    else if (*slot != v)
        *bad = 1;
}

/* Cells from the faces: the top-left and the bottom-right triangle of a
 * cell share its top-right to bottom-left diagonal. */
static void grid_cells(const p3d_mesh *m, lod_grid *g)
{
    for (long f = 0; f < m->nfaces; f++) {
        int32_t c[4];
        if (!face_corners(g, m->faces + 3 * f, c) || c[1] < 0 || c[2] < 0)
            continue;
        int32_t tr = c[1];
        note(&g->tr_bl[tr], &g->tr_bad[tr], c[2]);
        if (c[0] >= 0 && c[3] < 0)
            note(&g->tr_tl[tr], &g->tr_bad[tr], c[0]);
        else if (c[3] >= 0 && c[0] < 0)
            note(&g->tr_br[tr], &g->tr_bad[tr], c[3]);
    }
    for (long v = 0; v < g->nverts; v++)
        g->right[v] = g->down[v] = g->diag[v] = -1;
    uint8_t *twice = calloc((size_t)g->nverts + 1, 1);
    if (!twice)
        return; /* no cells: everything is drawn as it is */
    for (long tr = 0; tr < g->nverts; tr++) {
        int32_t tl = g->tr_tl[tr];
        if (tl < 0 || g->tr_br[tr] < 0 || g->tr_bad[tr])
            continue;
        if (g->cell[tl])
            twice[tl] = 1;
        g->cell[tl] = 1;
        g->right[tl] = (int32_t)tr, g->down[tl] = g->tr_bl[tr], g->diag[tl] = g->tr_br[tr];
    }
    for (long v = 0; v < g->nverts; v++)
        if (twice[v])
            g->cell[v] = 0;
    free(twice);
}

/* The (s+1)^2 vertices of the block of s x s cells whose top-left corner
 * is t, row by row, when they all form complete cells that fit together. */
static int block_vertices(const lod_grid *g, int32_t t, int s, int32_t *V)
{
    int n = s + 1;
    V[0] = t;
    for (int j = 0; j < s; j++) {
        if (V[j] < 0 || !g->cell[V[j]])
            return 0;
        V[j + 1] = g->right[V[j]];
    }
    for (int i = 1; i <= s; i++) {
        int32_t up = V[(i - 1) * n];
        if (!g->cell[up])
            return 0;
        V[i * n] = g->down[up];
        for (int j = 1; j <= s; j++) {
            int32_t c = V[(i - 1) * n + j - 1];
            if (!g->cell[c])
                return 0;
            V[i * n + j] = g->diag[c];
        }
    }
    for (int i = 0; i < s; i++)
        for (int j = 0; j < s; j++) {
            int32_t c = V[i * n + j];
            if (!g->cell[c] || g->right[c] != V[i * n + j + 1] || g->down[c] != V[(i + 1) * n + j] ||
                g->diag[c] != V[(i + 1) * n + j + 1])
                return 0;
        }
    return 1;
}

/* What the fan of four triangles from the centre to the block's corners
 * gives at vertex (i, j) for values val (row by row, (s+1)^2), the fan
 * being linear over each triangle in pixel coordinates. */
static double fan_predict(const double *val, int s, int i, int j)
{
    int n = s + 1, h = s / 2, dx = j - h, dy = i - h, adx = abs(dx), ady = abs(dy);
    /* quadrant: the triangle towards corners q and q + 1 (clockwise from
     * the top left), walked from q to q + 1 at parameter r, at distance t
     * from the centre */
    int q = dy <= -adx ? 0 : dx >= ady ? 1 : dy >= adx ? 2 : 3;
    int reach = q == 0 || q == 2 ? ady : adx;
    double t = (double)reach / h, along = q == 0 ? dx : q == 1 ? dy : q == 2 ? -dx : -dy;
    double r = reach ? 0.5 + along / (2.0 * reach) : 0.0;
    double corner[4] = {val[0], val[s], val[s * n + s], val[s * n]};
    return (1 - t) * val[h * n + h] + t * ((1 - r) * corner[q] + r * corner[(q + 1) & 3]);
}

double raster_lod_allowed_dw(const raster_lod_bound *bound, double a, double b, double w_min,
                             double w_max)
{
    const double *c = bound->shift;
    double k = 1.0 - c[2] * w_max;
    if (!(bound->err_px > 0) || !(k >= 0.5))
        return 0; /* the camera comes close to the surface: no simplification */
    double speed = bound->focal * fmax(c[0] + c[2] * a, c[1] + c[2] * b);
    double dw = speed > 0 ? bound->err_px * k * k / speed : INFINITY;
    /* even for a still camera, depth order against other layers is kept */
    return fmin(dw, 0.01 * w_min);
}

/* What two triangles split along the top-right to bottom-left diagonal
 * (as the mesh's cells) give at vertex (i, j), linear over each. */
static double quad_predict(const double *val, int s, int i, int j)
{
    int n = s + 1;
    if (i + j <= s)
        return val[0] + (val[s] - val[0]) * j / s + (val[s * n] - val[0]) * i / s;
    double br = val[s * n + s];
    return br + (val[s * n] - br) * (s - j) / s + (val[s] - br) * (s - i) / s;
}

static double predict(const double *val, int s, int i, int j, int quad)
{
    return quad ? quad_predict(val, s, i, j) : fan_predict(val, s, i, j);
}

/* Whether the block's inverse depth fits its fan (quad: its two corner
 * triangles) within the bound: 1/z is linear in the pixel position across
 * a flat triangle. Leaves 1/z in w. */
static int block_flat(const p3d_mesh *m, const lod_grid *g, const raster_lod_bound *bound,
                      const int32_t *V, int s, int quad, double *w)
{
    int n = s + 1;
    double w_min = INFINITY, w_max = 0;
    for (int k = 0; k < n * n; k++) {
        w[k] = 1.0 / m->xyz[3 * (long)V[k] + 2];
        w_min = fmin(w_min, w[k]), w_max = fmax(w_max, w[k]);
    }
    /* the block's extent in normalised coordinates: its corners' columns and rows */
    double a = fmax(fabs(g->col[V[0]] - g->cx), fabs(g->col[V[s]] - g->cx)) / g->fx;
    double b = fmax(fabs(g->row[V[0]] - g->cy), fabs(g->row[V[s * n]] - g->cy)) / g->fy;
    double max_dw = raster_lod_allowed_dw(bound, a, b, w_min, w_max);
    for (int i = 0; i <= s; i++)
        for (int j = 0; j <= s; j++)
            if (!(fabs(w[i * n + j] - predict(w, s, i, j, quad)) <= max_dw))
                return 0;
    return 1;
}

/* Whether the fan's vertex colours reproduce every vertex's colour within
 * PLAIN_TOLERANCE levels, so that the block needs no texture. Colours are
 * interpolated perspective-correctly (colour/z linearly, over 1/z). */
static int block_plain(const p3d_mesh *m, const int32_t *V, int s, int quad, double *w, double *cw)
{
    int n = s + 1;
    for (int k = 0; k < n * n; k++)
        w[k] = 1.0 / m->xyz[3 * (long)V[k] + 2];
    for (int ch = 0; ch < 3; ch++) {
        for (int k = 0; k < n * n; k++)
            cw[k] = m->rgba[4 * (long)V[k] + ch] * w[k];
        for (int i = 0; i <= s; i++)
            for (int j = 0; j <= s; j++) {
                double pred = predict(cw, s, i, j, quad) / predict(w, s, i, j, quad);
                if (!(fabs(m->rgba[4 * (long)V[i * n + j] + ch] - pred) <= PLAIN_TOLERANCE))
                    return 0;
            }
    }
    return 1;
}

/* 1 for the vertices nearest to the camera at their pixel (the photo's
 * front surface), 0 for hidden layers and vertices off the grid. */
static uint8_t *front_vertices(const p3d_mesh *m, const lod_grid *g)
{
    int32_t c0 = INT32_MAX, c1 = INT32_MIN, r0 = INT32_MAX, r1 = INT32_MIN;
    for (long v = 0; v < g->nverts; v++)
        if (g->on[v]) {
            c0 = g->col[v] < c0 ? g->col[v] : c0, c1 = g->col[v] > c1 ? g->col[v] : c1;
            r0 = g->row[v] < r0 ? g->row[v] : r0, r1 = g->row[v] > r1 ? g->row[v] : r1;
        }
    uint8_t *front = calloc((size_t)g->nverts + 1, 1);
    if (!front || c0 > c1)
        return front;
    long w = (long)c1 - c0 + 1, h = (long)r1 - r0 + 1;
    float *nearest = w * h < 4L * g->nverts + 4096 ? malloc(sizeof(float) * w * h) : NULL;
    if (!nearest)
        return front; /* a sparse grid: no vertex counts as front, which only costs speed */
    for (long i = 0; i < w * h; i++)
        nearest[i] = INFINITY;
    for (long v = 0; v < g->nverts; v++) {
        long at = (long)(g->row[v] - r0) * w + g->col[v] - c0;
        if (g->on[v] && m->xyz[3 * v + 2] < nearest[at])
            nearest[at] = m->xyz[3 * v + 2];
    }
    for (long v = 0; v < g->nverts; v++)
        front[v] = g->on[v] && m->xyz[3 * v + 2] == nearest[(long)(g->row[v] - r0) * w + g->col[v] - c0];
    free(nearest);
    return front;
}

static int mod(int a, int s)
{
    int r = a % s;
    return r < 0 ? r + s : r;
}

typedef struct block {
    int32_t t;
    int s, plain;
} block;

/* Growing arrays of the result. */
typedef struct lod_out {
    raster_lod *lod;
    long vcap, fcap, pvcap, pfcap;
} lod_out;

static int grow(void **p, long *cap, long need, size_t size)
{
    if (need <= *cap)
        return 1;
    long n = *cap ? 2 * *cap : 65536;
    void *q = realloc(*p, size * n);
    if (!q)
        return 0;
    *p = q, *cap = n;
    return 1;
}

/* A fan vertex: mesh vertex v with texel coordinate (u, w), or with its own
 * colour when plain. Returns its index, -1 when out of memory. */
static long push_vertex(lod_out *o, const p3d_mesh *m, int32_t v, float u, float w, int plain)
{
    raster_lod *l = o->lod;
    if (plain) {
        long cap = o->pvcap;
        if (!grow((void **)&l->pxyz, &cap, l->npverts + 1, 3 * sizeof(float)) ||
            !grow((void **)&l->prgba, &o->pvcap, l->npverts + 1, 4))
            return -1;
        memcpy(l->pxyz + 3 * l->npverts, m->xyz + 3 * (long)v, 3 * sizeof(float));
        memcpy(l->prgba + 4 * l->npverts, m->rgba + 4 * (long)v, 4);
        return l->npverts++;
    }
    long cap = o->vcap;
    if (!grow((void **)&l->txyz, &cap, l->ntverts + 1, 3 * sizeof(float)) ||
        !grow((void **)&l->tuv, &o->vcap, l->ntverts + 1, 2 * sizeof(float)))
        return -1;
    memcpy(l->txyz + 3 * l->ntverts, m->xyz + 3 * (long)v, 3 * sizeof(float));
    l->tuv[2 * l->ntverts] = u, l->tuv[2 * l->ntverts + 1] = w;
    return l->ntverts++;
}

static int push_face(lod_out *o, long a, long b, long c, int plain)
{
    raster_lod *l = o->lod;
    int32_t **faces = plain ? &l->pfaces : &l->tfaces;
    long *n = plain ? &l->npfaces : &l->ntfaces;
    if (!grow((void **)faces, plain ? &o->pfcap : &o->fcap, *n + 1, 3 * sizeof(int32_t)))
        return 0;
    int32_t *f = *faces + 3 * (*n)++;
    f[0] = (int32_t)a, f[1] = (int32_t)b, f[2] = (int32_t)c;
    return 1;
}

/* Whether a vertex of the block's boundary other than its corners is drawn
 * by anything else (then its edge must pass through it). */
static int boundary_used(const lod_grid *g, const int32_t *V, int s)
{
    int n = s + 1;
    for (int k = 1; k < s; k++)
        if (g->used[V[k]] || g->used[V[k * n + s]] || g->used[V[s * n + k]] || g->used[V[k * n]])
            return 1;
    return 0;
}

/* A block as its two corner triangles, split as the mesh's cells (the
 * rasterizer draws such a pair in one pass over the block). */
static int block_quad(lod_out *o, const p3d_mesh *m, const int32_t *V, int s, int tx, int ty, int plain)
{
    int n = s + 1;
    long tl = push_vertex(o, m, V[0], (float)tx, (float)ty, plain);
    long tr = push_vertex(o, m, V[s], (float)(tx + s), (float)ty, plain);
    long bl = push_vertex(o, m, V[s * n], (float)tx, (float)(ty + s), plain);
    long br = push_vertex(o, m, V[s * n + s], (float)(tx + s), (float)(ty + s), plain);
    return tl >= 0 && tr >= 0 && bl >= 0 && br >= 0 && push_face(o, tl, tr, bl, plain) &&
           push_face(o, br, bl, tr, plain);
}

/* The fan of a block: its centre and the boundary vertices that anything
 * else draws, textured from the block's tile at (tx, ty) unless plain. */
static int block_fan(lod_out *o, const p3d_mesh *m, const lod_grid *g, const int32_t *V, int s,
                     int tx, int ty, int plain)
{
    int n = s + 1, h = s / 2;
    long centre = push_vertex(o, m, V[h * n + h], (float)(tx + h), (float)(ty + h), plain);
    long first = -1, prev = -1;
    if (centre < 0)
        return 0;
    /* clockwise in the image: top row, right column, bottom row, left column */
    for (int k = 0; k < 4 * s; k++) {
        int i, j;
        if (k < s)
            i = 0, j = k;
        else if (k < 2 * s)
            i = k - s, j = s;
        else if (k < 3 * s)
            i = s, j = 3 * s - k;
        else
            i = 4 * s - k, j = 0;
        int32_t v = V[i * n + j];
        if (k % s && !g->used[v])
            continue;
        long id = push_vertex(o, m, v, (float)(tx + j), (float)(ty + i), plain);
        if (id < 0 || (prev >= 0 && !push_face(o, centre, prev, id, plain)))
            return 0;
        first = first < 0 ? id : first;
        prev = id;
    }
    return push_face(o, centre, prev, first, plain);
}

int raster_lod_build(p3d_ctx *ctx, const p3d_mesh *m, const raster_lod_bound *bound,
                     raster_lod *out)
{
    int simplify = bound && bound->err_px > 0;
    memset(out, 0, sizeof *out);
    lod_grid g;
    int32_t *V = malloc(sizeof(int32_t) * (MAX_BLOCK + 1) * (MAX_BLOCK + 1));
    double *val = malloc(sizeof(double) * 2 * (MAX_BLOCK + 1) * (MAX_BLOCK + 1));
    int8_t *level = calloc((size_t)m->nverts + 1, 1); /* log2 of the largest flat block at a vertex */
    block *blocks = NULL;
    long nblocks = 0, bcap = 0;
    int ok = V && val && level && grid_alloc(&g, m->nverts);
    out->faces = ok ? malloc(sizeof(int32_t) * 3 * (size_t)(m->nfaces + 1)) : NULL;
    if (!ok || !out->faces) {
        free(V), free(val), free(level), grid_free(&g), free(out->faces);
        memset(out, 0, sizeof *out);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory simplifying a mesh of %ld faces", m->nfaces);
    }
    if (m->width > 0 && m->height > 0 && m->hfov > 0 && m->vfov > 0 && simplify) {
        grid_pixels(m, &g);
        grid_cells(m, &g);
    }
    /* flat blocks, smallest first: a block is tried only where its four
     * quarters were flat */
    int lg = 0;
    for (int s = MIN_BLOCK; s <= MAX_BLOCK && simplify; s *= 2, lg++)
        for (long t = 0; t < m->nverts; t++) {
            if (!g.cell[t] || mod(g.col[t], s) || mod(g.row[t], s))
                continue;
            if (s > MIN_BLOCK) {
                int q = s / 2, n = s + 1;
                if (level[t] != lg || !block_vertices(&g, (int32_t)t, s, V))
                    continue;
                if (level[V[q]] != lg || level[V[q * n]] != lg || level[V[q * n + q]] != lg)
                    continue;
            } else if (!block_vertices(&g, (int32_t)t, s, V)) {
                continue;
            }
            if (block_flat(m, &g, bound, V, s, 0, val))
                level[t] = (int8_t)(lg + 1);
        }
    /* the largest blocks win; their cells are covered */
    for (int s = MAX_BLOCK, l = lg; s >= MIN_BLOCK && l > 0 && ok; s /= 2, l--)
        for (long t = 0; t < m->nverts && ok; t++) {
            if (level[t] != l || g.covered[t] || mod(g.col[t], s) || mod(g.row[t], s))
                continue;
            block_vertices(&g, (int32_t)t, s, V);
            for (int i = 0; i < s; i++)
                for (int j = 0; j < s; j++)
                    g.covered[V[i * (s + 1) + j]] = 1;
            g.used[V[0]] = g.used[V[s]] = g.used[V[s * (s + 1)]] = g.used[V[s * (s + 1) + s]] = 1;
            if (nblocks == bcap) {
                bcap = bcap ? 2 * bcap : 4096;
                block *p = realloc(blocks, sizeof *p * bcap);
                ok = p != NULL;
                blocks = ok ? p : blocks;
            }
            if (ok)
                blocks[nblocks++] = (block){(int32_t)t, s, block_plain(m, V, s, 0, val, val + (s + 1) * (s + 1))};
        }
    /* kept faces: all but those of covered cells */
    for (long f = 0; f < m->nfaces && ok; f++) {
        const int32_t *fv = m->faces + 3 * f;
        int32_t c[4];
        if (face_corners(&g, fv, c)) {
            /* the cell's top-left corner; a bottom-right triangle has its top-right */
            int32_t t = c[0] >= 0 ? c[0] : c[1] >= 0 ? g.tr_tl[c[1]] : -1;
            if (t >= 0 && g.cell[t] && g.covered[t]) {
                int32_t own[4] = {t, g.right[t], g.down[t], g.diag[t]};
                int mine = 1;
                for (int k = 0; k < 4; k++)
                    mine &= c[k] < 0 || c[k] == own[k];
                if (mine)
                    continue;
            }
        }
        memcpy(out->faces + 3 * out->nfaces++, fv, 3 * sizeof(int32_t));
        g.used[fv[0]] = g.used[fv[1]] = g.used[fv[2]] = 1;
    }
    /* tiles of (s+1)^2 texels on shelves, then the fans */
    lod_out o = {out, 0, 0};
    int x = 0, y = 0, shelf = 0;
    long *at = ok ? malloc(sizeof(long) * (size_t)(nblocks + 1)) : NULL;
    ok = ok && at;
    for (long b = 0; b < nblocks && ok; b++) {
        int tile = blocks[b].s + 1;
        at[b] = 0;
        if (blocks[b].plain)
            continue;
        if (x + tile > ATLAS_WIDTH)
            x = 0, y += shelf, shelf = 0;
        at[b] = (long)y * ATLAS_WIDTH + x;
        x += tile;
        shelf = tile > shelf ? tile : shelf;
    }
    if (ok && y + shelf > 0) {
        out->atlas_w = ATLAS_WIDTH, out->atlas_h = y + shelf;
        out->atlas_stride = ATLAS_WIDTH + RASTER_ATLAS_SPARE;
        out->atlas = calloc((size_t)out->atlas_stride * (out->atlas_h + RASTER_ATLAS_SPARE),
                            sizeof(uint32_t));
        ok = out->atlas != NULL;
    }
    /* the fans of blocks in front first, then those of hidden layers: these
     * then mostly fail the depth test before being textured */
    uint8_t *front = ok ? front_vertices(m, &g) : NULL;
    ok = ok && front;
    for (long k = 0; k < 2 * nblocks && ok; k++) {
        long b = k % nblocks;
        if (k == nblocks)
            out->ntfaces_front = out->ntfaces;
        int s = blocks[b].s, n = s + 1, tx = (int)(at[b] % ATLAS_WIDTH), ty = (int)(at[b] / ATLAS_WIDTH);
        block_vertices(&g, blocks[b].t, s, V);
        int plain = blocks[b].plain;
        if ((plain && k >= nblocks) || (!plain && front[V[(s / 2) * n + s / 2]] != (k < nblocks)))
            continue;
        for (int i = 0; i <= s && !plain; i++)
            for (int j = 0; j <= s; j++) {
                const uint8_t *c = m->rgba + 4 * (long)V[i * n + j];
                out->atlas[(size_t)(ty + i) * out->atlas_stride + tx + j] =
                    (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16;
            }
        /* two triangles where nothing else needs the block's edges cut and
         * they are as faithful as the fan */
        double *cw = val + n * n;
        int quad = !boundary_used(&g, V, s) && block_flat(m, &g, bound, V, s, 1, val) &&
                   (!plain || block_plain(m, V, s, 1, val, cw));
        ok = quad ? block_quad(&o, m, V, s, tx, ty, plain) : block_fan(&o, m, &g, V, s, tx, ty, plain);
        out->nquads += quad;
    }
    if (ok && nblocks == 0)
        out->ntfaces_front = 0;
    /* the kept faces' own vertices, so that a frame projects only those */
    int32_t *map = ok ? malloc(sizeof(int32_t) * (size_t)(m->nverts + 1)) : NULL;
    ok = ok && map;
    for (long v = 0; ok && v < m->nverts; v++)
        map[v] = -1;
    for (long k = 0; ok && k < 3 * out->nfaces; k++)
        if (map[out->faces[k]] < 0)
            map[out->faces[k]] = (int32_t)out->nkverts++;
    out->kxyz = ok ? malloc(sizeof(float) * 3 * (size_t)(out->nkverts + 1)) : NULL;
    out->krgba = ok ? malloc(4 * (size_t)(out->nkverts + 1)) : NULL;
    ok = ok && out->kxyz && out->krgba;
    for (long v = 0; ok && v < m->nverts; v++)
        if (map[v] >= 0) {
            memcpy(out->kxyz + 3 * (long)map[v], m->xyz + 3 * v, 3 * sizeof(float));
            memcpy(out->krgba + 4 * (long)map[v], m->rgba + 4 * v, 4);
        }
    for (long k = 0; ok && k < 3 * out->nfaces; k++)
        out->faces[k] = map[out->faces[k]];
    free(map);
    out->nblocks = nblocks;
    free(front), free(at), free(blocks), free(V), free(val), free(level), grid_free(&g);
    if (!ok) {
        raster_lod_free(out);
        return p3d_fail(ctx, P3D_E_NOMEM, "out of memory simplifying a mesh of %ld faces", m->nfaces);
    }
    return P3D_OK;
}

void raster_lod_free(raster_lod *l)
{
    free(l->faces), free(l->txyz), free(l->tuv), free(l->tfaces), free(l->atlas);
    free(l->pxyz), free(l->prgba), free(l->pfaces), free(l->kxyz), free(l->krgba);
    memset(l, 0, sizeof *l);
}
