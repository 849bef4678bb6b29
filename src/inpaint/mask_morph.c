/* Square binary morphology (mask_morph.h), used by the neural backend's
 * mask closing (neural_masks.c) and the classical colour fill's fringe
 * (fringe_fill.c). */
#include "inpaint/mask_morph.h"

/* One pass along lines of n pixels, stride step, lines apart by pitch. */
static void morph_lines(const uint8_t *src, uint8_t *dst, int lines, int n, long pitch, long step,
                        int radius, int erode, int *prefix)
{
    for (int l = 0; l < lines; l++) {
        const uint8_t *s = src + l * pitch;
        uint8_t *d = dst + l * pitch;
        prefix[0] = 0;
        for (int i = 0; i < n; i++)
            prefix[i + 1] = prefix[i] + (s[i * step] != 0);
        for (int i = 0; i < n; i++) {
            int lo = i - radius < 0 ? 0 : i - radius;
            int hi = i + radius >= n ? n - 1 : i + radius;
            int ones = prefix[hi + 1] - prefix[lo];
            d[i * step] = erode ? ones == hi - lo + 1 : ones > 0;
        }
    }
}

void mask_morph(uint8_t *img, uint8_t *tmp, int w, int h, int radius, int erode, int *prefix)
{
    morph_lines(img, tmp, h, w, w, 1, radius, erode, prefix);
    morph_lines(tmp, img, w, h, 1, w, radius, erode, prefix);
}
