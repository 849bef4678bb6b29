/* The sparse bilateral median filter of the reference
 * (bilateral_filtering.py: sparse_bilateral_filtering; ALGORITHM.md 3).
 *
 * The reference sorts each window with its 0/1 weights normalised to 1/k and
 * takes the first sorted value whose float32 running sum of weights exceeds
 * 0.5. Flagged pixels add exactly 0 to that sum, so the answer is the j-th
 * smallest unflagged value, where j depends only on k: it is tabulated once
 * by summing 1/k in float32 exactly as numpy does. sigma_s and sigma_r do not
 * enter this path in the reference and are not used here. */
#include "depth/depth_filter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WINDOW 15

/* rank[k]: 1-based rank of the answer among k unflagged values. */
static void median_ranks(int *rank, int kmax)
{
    for (int k = 1; k <= kmax; k++) {
        float w = 1.0f / (float)k, cum = 0.0f;
        int j = 0;
        while (j < k) {
            cum += w;
            j++;
            if (cum > 0.5f)
                break;
        }
        rank[k] = j;
    }
}

/* Outermost ring := the edge-replicated interior (rows first, then columns:
 * corners come from the diagonal interior pixel). */
static void replace_ring_d(double *a, int w, int h)
{
    memcpy(a, a + w, sizeof *a * w);
    memcpy(a + (size_t)(h - 1) * w, a + (size_t)(h - 2) * w, sizeof *a * w);
    for (int y = 0; y < h; y++) {
        a[(size_t)y * w] = a[(size_t)y * w + 1];
        a[(size_t)y * w + w - 1] = a[(size_t)y * w + w - 2];
    }
}

static void replace_ring_u8(uint8_t *a, int w, int h)
{
    memcpy(a, a + w, w);
    memcpy(a + (size_t)(h - 1) * w, a + (size_t)(h - 2) * w, w);
    for (int y = 0; y < h; y++) {
        a[(size_t)y * w] = a[(size_t)y * w + 1];
        a[(size_t)y * w + w - 1] = a[(size_t)y * w + w - 2];
    }
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* The k-th smallest (0-based) of v[0..n-1] (quickselect; reorders v). */
static double select_kth(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j], v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* One pass; ring is scratch of width*height doubles plus the flags' summed-area table. */
static void bilateral_pass(const double *in, double *out, uint8_t *flags, int width, int height,
                           double threshold, int window, double *ring, int threads)
{
    int w = width, h = height, m = window / 2;
    int rank[MAX_WINDOW * MAX_WINDOW + 1];
    median_ranks(rank, window * window);
    memset(flags, 0, (size_t)w * h);
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            size_t i = (size_t)y * w + x;
            double q = 1.0 / in[i];
            flags[i] = fabs(q - 1.0 / in[i - 1]) > threshold || fabs(q - 1.0 / in[i + 1]) > threshold ||
                       fabs(q - 1.0 / in[i - w]) > threshold || fabs(q - 1.0 / in[i + w]) > threshold;
        }
    memcpy(ring, in, sizeof *ring * w * h);
    replace_ring_d(ring, w, h);
    replace_ring_u8(flags, w, h);
    /* Windows without a flag keep their value; a summed-area table of the
     * flags (with the edge replication folded in by clamping) finds them. */
    int32_t *sat = (int32_t *)(ring + (size_t)w * h);
    for (int y = 0; y <= h; y++)
        for (int x = 0; x <= w; x++)
            sat[(size_t)y * (w + 1) + x] =
                y && x ? flags[(size_t)(y - 1) * w + x - 1] + sat[(size_t)(y - 1) * (w + 1) + x] +
                             sat[(size_t)y * (w + 1) + x - 1] - sat[(size_t)(y - 1) * (w + 1) + x - 1]
                       : 0;
#pragma omp parallel for schedule(dynamic, 8) num_threads(threads)
    for (int y = 0; y < h; y++) {
        double vals[MAX_WINDOW * MAX_WINDOW];
        int ya = clampi(y - m, 0, h - 1), yb = clampi(y + m, 0, h - 1) + 1;
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            int xa = clampi(x - m, 0, w - 1), xb = clampi(x + m, 0, w - 1) + 1;
            int32_t nflag = sat[(size_t)yb * (w + 1) + xb] - sat[(size_t)ya * (w + 1) + xb] -
                            sat[(size_t)yb * (w + 1) + xa] + sat[(size_t)ya * (w + 1) + xa];
            out[i] = ring[i];
            if (nflag == 0)
                continue;
            int k = 0;
            for (int dy = -m; dy <= m; dy++) {
                int yy = clampi(y + dy, 0, h - 1);
                for (int dx = -m; dx <= m; dx++) {
                    size_t j = (size_t)yy * w + clampi(x + dx, 0, w - 1);
                    if (!flags[j])
                        vals[k++] = ring[j];
                }
            }
            if (k == 0)
                continue;
            out[i] = select_kth(vals, k, rank[k] - 1);
        }
    }
}

int p3d_depth_bilateral_median(p3d_ctx *ctx, p3d_map *depth, double threshold, const int *sizes,
                               int num_iter)
{
    int w = depth->width, h = depth->height;
    for (int p = 0; p + 1 < num_iter; p++)
        if (sizes[p] < 1 || sizes[p] > MAX_WINDOW || sizes[p] % 2 == 0)
            return p3d_fail(ctx, P3D_E_USAGE, "filter_size %d: window sizes must be odd, 1..%d",
                            sizes[p], MAX_WINDOW);
    if (w < 3 || h < 3 || num_iter < 2)
        return P3D_OK;
    size_t n = (size_t)w * h;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *ring = malloc(n * sizeof *ring + (size_t)(w + 1) * (h + 1) * sizeof(int32_t));
    uint8_t *flags = malloc(n);
    if (!a || !b || !ring || !flags) {
        free(a), free(b), free(ring), free(flags);
        return p3d_fail(ctx, P3D_E_NOMEM, "bilateral filter: out of memory for %dx%d", w, h);
    }
    for (size_t i = 0; i < n; i++)
        a[i] = depth->data[i];
    for (int p = 0; p + 1 < num_iter; p++) {
        bilateral_pass(a, b, flags, w, h, threshold, sizes[p], ring, ctx->threads > 0 ? ctx->threads : 1);
        double *t = a;
        a = b, b = t;
    }
    for (size_t i = 0; i < n; i++)
        depth->data[i] = (float)a[i];
    free(a), free(b), free(ring), free(flags);
    return P3D_OK;
}
