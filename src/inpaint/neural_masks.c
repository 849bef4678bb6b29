/* open_small_mask of the reference (ALGORITHM.md 6.1), a closing despite the
 * name: square dilations and erosions (mask_morph.h). */
#include "inpaint/mask_morph.h"
#include "inpaint/neural.h"

#include <stdlib.h>
#include <string.h>

#define CLOSE_RADIUS 20 /* 41x41 */
#define CLOSE_TIMES 3

void neural_close_mask(const uint8_t *mask, const uint8_t *context, int w, int h, uint8_t *out)
{
    const long n = (long)w * h;
    uint8_t *u = malloc(2 * n);
    int *prefix = malloc(((w > h ? w : h) + 1) * sizeof(int));
    if (!u || !prefix) { /* no closing rather than no result */
        memcpy(out, mask, n);
        free(u);
        free(prefix);
        return;
    }
    for (long i = 0; i < n; i++)
        u[i] = mask[i] || context[i];
    for (int t = 0; t < CLOSE_TIMES; t++) {
        mask_morph(u, u + n, w, h, CLOSE_RADIUS, 0, prefix);
        mask_morph(u, u + n, w, h, CLOSE_RADIUS, 1, prefix);
    }
    for (long i = 0; i < n; i++)
        out[i] = mask[i] || (u[i] && !context[i]);
    free(u);
    free(prefix);
}
