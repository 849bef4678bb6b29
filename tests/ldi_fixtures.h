/* Test fixtures: LDIs built from in-memory depth maps (no file I/O). */
#ifndef P3D_TEST_LDI_FIXTURES_H
#define P3D_TEST_LDI_FIXTURES_H

#include "ldi/ldi.h"

#include <stdlib.h>
#include <string.h>

/* A width x height scene at depth bg with the rectangle [x0,x1) x [y0,y1) at
 * depth fg; colour encodes the position (r = x, g = y, b = 7). */
static inline void fixture_scene(p3d_image *img, p3d_map *dep, int w, int h, float bg, float fg,
                                 int x0, int y0, int x1, int y1)
{
    img->width = dep->width = w;
    img->height = dep->height = h;
    img->channels = 3;
    img->gray = 0;
    img->data = malloc((size_t)w * h * 3);
    dep->data = malloc((size_t)w * h * sizeof(float));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *c = img->data + 3 * (y * w + x);
            c[0] = (uint8_t)x, c[1] = (uint8_t)y, c[2] = 7;
            dep->data[y * w + x] = (x >= x0 && x < x1 && y >= y0 && y < y1) ? fg : bg;
        }
}

static inline long fixture_front(const ldi *l, int x, int y)
{
    return l->head[(y + l->pad) * l->cw + x + l->pad];
}

#endif
