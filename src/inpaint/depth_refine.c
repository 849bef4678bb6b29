/* The depth net's output cleaned up (utils.py: smooth_cntsyn_gap,
 * refine_depth_around_edge; ALGORITHM.md 6.3 steps 4-5): see edge_paths.h. */
#include "inpaint/edge_paths.h"

#include <stdlib.h>
#include <string.h>

static const int dx4[4] = {0, 1, 0, -1}, dy4[4] = {-1, 0, 1, 0};

void depth_smooth_gap(float *depth, const uint8_t *mask, const uint8_t *context, int w, int h)
{
    const long n = (long)w * h;
    float *prev = malloc(n * sizeof *prev);
    if (!prev)
        return; /* a smoothing step left out rather than no depth */
    for (int step = 0; step < 2; step++) {
        memcpy(prev, depth, n * sizeof *prev);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                long i = (long)y * w + x;
                if (!mask[i])
                    continue;
                double sum = 0.0;
                int count = 0;
                for (int d = 0; d < 4; d++) {
                    int xx = x + dx4[d], yy = y + dy4[d];
                    long k = (long)yy * w + xx;
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h || !(mask[k] || context[k]))
                        continue;
                    sum += prev[k];
                    count++;
                }
                double mean = sum / (count + 1e-6);
                if (mean != 0.0)
                    depth[i] = (float)mean;
            }
    }
    free(prev);
}

/* out = cross dilation of in (pixels outside never count). */
static void cross_dilate(const uint8_t *in, uint8_t *out, int w, int h)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            long i = (long)y * w + x;
            out[i] = in[i] || (x > 0 && in[i - 1]) || (x + 1 < w && in[i + 1]) ||
                     (y > 0 && in[i - w]) || (y + 1 < h && in[i + w]);
        }
}

/* One outside-in sweep over band pixels not yet known: each takes the mean
 * of its known (as of the sweep's start) 4-neighbours in the mask with a
 * non-zero depth. Returns whether any pixel was filled. */
static int fill_sweep(float *depth, const uint8_t *band, uint8_t *known, uint8_t *snap,
                      const uint8_t *mask, int w, int h)
{
    const long n = (long)w * h;
    memcpy(snap, known, n);
    int change = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            long i = (long)y * w + x;
            if (!band[i] || snap[i])
                continue;
            double sum = 0.0;
            int count = 0;
            for (int d = 0; d < 4; d++) {
                int xx = x + dx4[d], yy = y + dy4[d];
                long k = (long)yy * w + xx;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h || !mask[k] || !snap[k] || depth[k] == 0.0f)
                    continue;
                sum += depth[k];
                count++;
            }
            if (count) {
                depth[i] = (float)(sum / count);
                known[i] = 1;
                change = 1;
            }
        }
    return change;
}

int depth_refine_edge(float *depth, const int32_t *npath, const int32_t *fpath, int id,
                      const uint8_t *mask, int w, int h, int band)
{
    const long n = (long)w * h;
    uint8_t *mem = calloc(6, n);
    if (!mem)
        return -1;
    uint8_t *near = mem, *far = mem + n, *tmp = mem + 2 * n, *known_far = mem + 3 * n;
    uint8_t *known_near = mem + 4 * n, *snap = mem + 5 * n;
    /* the near path keeps what touches the far path (anywhere), the far
     * path (in the mask) what touches the kept near path */
    for (long i = 0; i < n; i++)
        far[i] = fpath[i] == id;
    cross_dilate(far, tmp, w, h);
    for (long i = 0; i < n; i++)
        near[i] = npath[i] == id && mask[i] && tmp[i];
    cross_dilate(near, tmp, w, h);
    for (long i = 0; i < n; i++)
        far[i] = far[i] && mask[i] && tmp[i];
    for (int r = 0; r < band; r++) {
        cross_dilate(far, tmp, w, h);
        for (long i = 0; i < n; i++)
            far[i] = tmp[i] && !near[i];
        cross_dilate(near, tmp, w, h);
        for (long i = 0; i < n; i++)
            near[i] = tmp[i] && !far[i];
    }
    for (long i = 0; i < n; i++) {
        far[i] = far[i] && mask[i];
        near[i] = near[i] && mask[i];
        known_far[i] = !far[i] && !near[i];
        known_near[i] = known_far[i];
    }
    for (int change = 1; change;) {
        change = fill_sweep(depth, far, known_far, snap, mask, w, h);
        change |= fill_sweep(depth, near, known_near, snap, mask, w, h);
    }
    free(mem);
    return 0;
}
