/* Halving pyramids (membrane.c, patch_synth.c): the fine pixels under a
 * coarse cell. */
#ifndef P3D_INPAINT_PYRAMID_H
#define P3D_INPAINT_PYRAMID_H

/* Indices of the (up to 4) pixels of a fw x fh level under cell (x, y) of the
 * next coarser level, ceil(fw/2) x ceil(fh/2); returns their number. */
static inline int pyramid_children(int x, int y, int fw, int fh, long child[4])
{
    int n = 0;
    for (int fy = 2 * y; fy < 2 * y + 2 && fy < fh; fy++)
        for (int fx = 2 * x; fx < 2 * x + 2 && fx < fw; fx++)
            child[n++] = (long)fy * fw + fx;
    return n;
}

#endif
