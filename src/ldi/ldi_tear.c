/* Tearing the LDI at disparity jumps, with the reference's gap closing
 * (mesh.py: tear_edges; ALGORITHM.md 4.2). */
#include "ldi/ldi_build.h"

#include <math.h>
#include <stdlib.h>

static int jump(const ldi *l, long a, long b, double threshold)
{
    return fabs(1.0 / l->depth[a] - 1.0 / l->depth[b]) > threshold;
}

long ldi_tear_links(ldi *l, double threshold)
{
    int cw = l->cw, ch = l->ch;
    /* torn[dir][pix]: the right (dir 0) / down (dir 1) link of the front node at pix was torn */
    uint8_t *torn = calloc((size_t)2 * cw * ch, 1);
    if (!torn)
        return -1;
    long count = 0;
    for (int pix = 0; pix < cw * ch; pix++) {
        long a = l->head[pix];
        if (a < 0)
            continue;
        for (int k = 0; k < 2; k++) {
            int dir = k ? LDI_DOWN : LDI_RIGHT;
            long b = l->link[4 * a + dir];
            if (b >= 0 && jump(l, a, b, threshold)) {
                ldi_unlink(l, a, dir);
                torn[(size_t)k * cw * ch + pix] = 1;
                count++;
            }
        }
    }
    /* Gap closing: a horizontal link with torn links above and below is torn
     * (rows strictly inside the border), and symmetrically for vertical links. */
    for (int y = l->bord[0] + 1; y < l->bord[2] - 1; y++)
        for (int x = 0; x < cw; x++) {
            int pix = y * cw + x;
            if (torn[pix - cw] && torn[pix + cw] && !torn[pix] && l->head[pix] >= 0 &&
                l->link[4 * (long)l->head[pix] + LDI_RIGHT] >= 0)
                ldi_unlink(l, l->head[pix], LDI_RIGHT), count++;
        }
    const uint8_t *tv = torn + (size_t)cw * ch;
    for (int y = 0; y < ch; y++)
        for (int x = l->bord[1] + 1; x < l->bord[3] - 1; x++) {
            int pix = y * cw + x;
            if (tv[pix - 1] && tv[pix + 1] && !tv[pix] && l->head[pix] >= 0 &&
                l->link[4 * (long)l->head[pix] + LDI_DOWN] >= 0)
                ldi_unlink(l, l->head[pix], LDI_DOWN), count++;
        }
    free(torn);
    return count;
}
