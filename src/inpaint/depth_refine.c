/* The depth net's output cleaned up (utils.py: smooth_cntsyn_gap;
 * ALGORITHM.md 6.3 step 4): see edge_paths.h. */
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
