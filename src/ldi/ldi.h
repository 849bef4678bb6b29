/* The layered depth image (ALGORITHM.md 4, 11.1) as compact arrays.
 *
 * The canvas is the working image padded by `pad` pixels on every side.
 * Every pixel holds a short list of layers (nodes), front to back; a node
 * has a depth, a colour, flags and one link per direction (the node index of
 * the 4-neighbour it is connected to, or -1). Links are symmetric: a.link[d]
 * == b iff b.link[opposite(d)] == a. Nodes are never freed one by one:
 * removed nodes are unlinked, dropped from their pixel's list and flagged
 * LDI_DEAD. */
#ifndef P3D_LDI_H
#define P3D_LDI_H

#include "photo3d/core.h"

enum { LDI_UP = 0, LDI_RIGHT = 1, LDI_DOWN = 2, LDI_LEFT = 3 };
#define LDI_OPPOSITE(d) ((d) ^ 2)
extern const int ldi_dx[4], ldi_dy[4];

enum {
    LDI_SYNTH = 1,          /* synthesised by inpainting */
    LDI_BAND = 2,           /* pixel of the extrapolated border band */
    LDI_EDGE_OCCLUSION = 4, /* synthesised with an edge input (provenance 4) */
    LDI_SYNTH_NEAR = 8,     /* near side of a tear along a synthesised edge (next iteration's edges) */
    LDI_DEAD = 16           /* removed (small component) */
};

typedef struct ldi {
    int width, height;   /* working image */
    int pad;             /* extrapolation_thickness */
    int cw, ch;          /* canvas = working image + 2 pad */
    int bord[4];         /* current border, half-open: top, left, bottom, right (canvas coords) */
    int32_t *head;       /* cw*ch: front node of each pixel or -1 */
    long n, cap;
    int32_t *pix;        /* canvas pixel index y*cw + x */
    int32_t *next;       /* next layer behind at the same pixel, or -1 */
    int32_t *link;       /* 4 per node */
    int32_t *edge;       /* depth-edge id or -1 (see ldi_edges.c) */
    float *depth;        /* > 0 */
    uint8_t *rgb;        /* 3 per node */
    uint8_t *flags;
    uint8_t *iter;       /* 0 = original / band, 1, 2 = inpainting iteration that made it */
} ldi;

/* Builds the front layer from a working-size photo and depth (same size),
 * 4-linked everywhere. The canvas is padded by pad, the border is the image. */
int ldi_create(p3d_ctx *ctx, ldi *l, const p3d_image *photo, const p3d_map *depth, int pad);
void ldi_free(ldi *l);

/* Appends a node at canvas pixel pix, inserted into the pixel's list by
 * depth (the front node stays first). Returns the id, or -1 (error set). */
long ldi_add_node(p3d_ctx *ctx, ldi *l, int pix, float depth, const uint8_t *rgb, int flags,
                  int iter);
/* Unlinks and drops the node from its pixel (flags it LDI_DEAD). */
void ldi_remove_node(ldi *l, long node);

void ldi_link(ldi *l, long a, int dir, long b);
void ldi_unlink(ldi *l, long a, int dir);
int ldi_degree(const ldi *l, long node);
/* Canvas pixel of node's 4-neighbour in dir, or -1 outside the canvas. */
int ldi_neighbour_pix(const ldi *l, int pix, int dir);
static inline int ldi_inside_border(const ldi *l, int pix)
{
    int x = pix % l->cw, y = pix / l->cw;
    return y >= l->bord[0] && x >= l->bord[1] && y < l->bord[2] && x < l->bord[3];
}

/* Near/far relations (ALGORITHM.md 4.6), derived on demand: for each
 * missing link of a node (links to nodes with iter > max_iter count as
 * missing, so later layers do not change what earlier stages saw), every layer at that inside-border neighbour pixel
 * (with iter <= max_iter) is "near" when nearer than the node, "far"
 * otherwise. Counts either kind; fills up to max ids when out != NULL. */
int ldi_relations(const ldi *l, long node, int want_far, int max_iter, int32_t *out, int max);

#endif
