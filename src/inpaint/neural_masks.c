/* open_small_mask of the reference (ALGORITHM.md 6.1), a closing despite the
 * name. Square dilation/erosion of a binary image are separable; along one
 * line, a window's count of ones (clipped to the image, as OpenCV treats
 * the border for morphology) comes from prefix sums. */
#include "inpaint/neural.h"

#include <stdlib.h>
#include <string.h>

#define CLOSE_RADIUS 20 /* 41x41 */
#define CLOSE_TIMES 3

/* One pass along lines of n pixels, stride step, lines apart by pitch:
 * dilate: any one in the window; erode: all (in-image) pixels ones. */
static void morph_lines(const uint8_t *src, uint8_t *dst, int lines, int n, long pitch, long step,
                        int erode, int *prefix)
{
    for (int l = 0; l < lines; l++) {
        const uint8_t *s = src + l * pitch;
        uint8_t *d = dst + l * pitch;
        prefix[0] = 0;
        for (int i = 0; i < n; i++)
            prefix[i + 1] = prefix[i] + (s[i * step] != 0);
        for (int i = 0; i < n; i++) {
            int lo = i - CLOSE_RADIUS < 0 ? 0 : i - CLOSE_RADIUS;
            int hi = i + CLOSE_RADIUS >= n ? n - 1 : i + CLOSE_RADIUS;
            int ones = prefix[hi + 1] - prefix[lo];
            d[i * step] = erode ? ones == hi - lo + 1 : ones > 0;
        }
    }
}

static void morph(uint8_t *img, uint8_t *tmp, int w, int h, int erode, int *prefix)
{
    morph_lines(img, tmp, h, w, w, 1, erode, prefix);
    morph_lines(tmp, img, w, h, 1, w, erode, prefix);
}

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
        morph(u, u + n, w, h, 0, prefix);
        morph(u, u + n, w, h, 1, prefix);
    }
    for (long i = 0; i < n; i++)
        out[i] = mask[i] || (u[i] && !context[i]);
    free(u);
    free(prefix);
}
