/* Vertices and faces of the 3D photo mesh (ALGORITHM.md 2.6, 8).
 *
 * Faces differ from the reference on purpose: the reference emits, for every
 * node, one triangle per (horizontal, vertical) neighbour pair, i.e. 4
 * overlapping triangles per fully linked cell and 2 per cell with 3 linked
 * corners, with mixed winding. Here a fully linked cell gives 2 triangles
 * (about half the reference's face count) and a partially linked cell the
 * single triangle of its first L-shaped corner (priority top-left, top-right,
 * bottom-right, bottom-left). No face spans a missing link. */
#include "mesh/mesh_build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void p3d_reference_camera(int photo_w, int photo_h, int width, int height, p3d_camera *cam)
{
    /* K in float32 from the photo's size, integer half for the principal
     * point, normalised by the photo size, then scaled to the working size. */
    float longer = (float)(photo_w > photo_h ? photo_w : photo_h);
    float k00 = longer / (float)photo_w, k02 = (float)(photo_w / 2) / (float)photo_w;
    float k11 = longer / (float)photo_h, k12 = (float)(photo_h / 2) / (float)photo_h;
    cam->width = width, cam->height = height;
    cam->fx = (double)k00 * width, cam->cx = (double)k02 * width;
    cam->fy = (double)k11 * height, cam->cy = (double)k12 * height;
}

static int provenance(const ldi *l, long node)
{
    int f = l->flags[node];
    if (f & LDI_BAND)
        return P3D_VERTEX_BORDER;
    if (f & LDI_EDGE_OCCLUSION)
        return P3D_VERTEX_SYNTH_EDGE;
    if (f & LDI_SYNTH)
        return l->iter[node] + 1;
    return P3D_VERTEX_ORIGINAL;
}

/* Cell corners in order top-left, top-right, bottom-right, bottom-left; from
 * corner k, dir_next[k] leads to corner k+1 and dir_prev[k] to corner k-1. */
static const int dir_next[4] = {LDI_RIGHT, LDI_DOWN, LDI_LEFT, LDI_UP};
static const int dir_prev[4] = {LDI_DOWN, LDI_LEFT, LDI_UP, LDI_RIGHT};

/* Writes the triangle of the L at node a, corner k, when this L is the one
 * its cell keeps. Returns 1 when written. (Writing a full cell's two
 * triangles together, from its top-left corner, would let the rasterizer
 * draw them as one stamp (raster_fill.c, fill_pair): 6 of ~50 ms less CPU
 * per frame at 3x supersampling with the same frames, about 1 ms at 2x,
 * where the new order changes which of two equally near triangles wins a
 * few pixels on shared edges. Not done for that.) */
static int corner_triangle(const ldi *l, long a, int k, const int32_t *vid, int32_t *face)
{
    int32_t h = l->link[4 * a + dir_next[k]], v = l->link[4 * a + dir_prev[k]];
    if (h < 0 || v < 0)
        return 0;
    int kh = (k + 1) & 3, kv = (k + 3) & 3;
    int32_t f1 = l->link[4 * (long)h + dir_next[kh]]; /* h's L towards the 4th corner */
    int32_t f2 = l->link[4 * (long)v + dir_prev[kv]];
    if (f1 >= 0 && f1 == f2) {
        if (k != 0 && k != 2) /* full cell: the top-left and bottom-right Ls tile it */
            return 0;
    } else if ((f1 >= 0 && kh < k) || (f2 >= 0 && kv < k)) {
        return 0; /* a competing L of the same cell has priority */
    }
    face[0] = vid[a], face[1] = vid[h], face[2] = vid[v];
    return 1;
}

long mesh_vertex_ids(const ldi *l, int32_t *vid)
{
    long nv = 0;
    for (long i = 0; i < l->n; i++)
        vid[i] = -1;
    for (int pix = 0; pix < l->cw * l->ch; pix++)
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m])
            vid[m] = (int32_t)nv++;
    return nv;
}

void mesh_back_project(const p3d_camera *cam, double col, double row, double d, float xyz[3])
{
    double inv_fx = 1.0 / cam->fx, inv_fy = 1.0 / cam->fy;
    xyz[0] = (float)(d * (col * inv_fx - cam->cx * inv_fx));
    xyz[1] = (float)(d * (row * inv_fy - cam->cy * inv_fy));
    xyz[2] = (float)d;
}

int p3d_mesh_from_ldi(p3d_ctx *ctx, const ldi *l, int photo_w, int photo_h, p3d_mesh *out)
{
    memset(out, 0, sizeof *out);
    p3d_camera cam;
    p3d_reference_camera(photo_w, photo_h, l->width, l->height, &cam);
    int32_t *vid = malloc((l->n + 1) * sizeof *vid);
    if (!vid)
        return p3d_fail(ctx, P3D_E_NOMEM, "mesh: out of memory");
    long nv = mesh_vertex_ids(l, vid);
    out->xyz = malloc((nv + 1) * 3 * sizeof *out->xyz);
    out->rgba = malloc((nv + 1) * 4);
    /* every triangle belongs to one (node, corner) pair: at most 4 per node */
    out->faces = malloc((4 * nv + 1) * 3 * sizeof *out->faces);
    if (!out->xyz || !out->rgba || !out->faces) {
        free(vid);
        p3d_mesh_free(out);
        return p3d_fail(ctx, P3D_E_NOMEM, "mesh: out of memory for %ld vertices", nv);
    }
    for (int pix = 0; pix < l->cw * l->ch; pix++) {
        double col = pix % l->cw - l->pad + 0.5, row = pix / l->cw - l->pad + 0.5;
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m]) {
            long v = vid[m];
            mesh_back_project(&cam, col, row, l->depth[m], out->xyz + 3 * v);
            memcpy(out->rgba + 4 * v, l->rgb + 3 * (long)m, 3);
            out->rgba[4 * v + 3] = (uint8_t)provenance(l, m);
        }
    }
    long nf = 0;
    for (int pix = 0; pix < l->cw * l->ch; pix++)
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m])
            for (int k = 0; k < 4; k++)
                nf += corner_triangle(l, m, k, vid, out->faces + 3 * nf);
    free(vid);
    int32_t *fit = realloc(out->faces, (nf + 1) * 3 * sizeof *fit);
    if (fit)
        out->faces = fit;
    out->nverts = nv;
    out->nfaces = nf;
    out->width = l->width, out->height = l->height;
    out->hfov = 2.0 * atan(1.0 / (2.0 * (cam.fx / l->width)));
    out->vfov = 2.0 * atan(1.0 / (2.0 * (cam.fy / l->height)));
    return P3D_OK;
}

long mesh_reference_face_count(const ldi *l)
{
    long n = 0;
    for (int pix = 0; pix < l->cw * l->ch; pix++)
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m]) {
            const int32_t *k = l->link + 4 * (long)m;
            n += (long)((k[LDI_LEFT] >= 0) + (k[LDI_RIGHT] >= 0)) * ((k[LDI_UP] >= 0) + (k[LDI_DOWN] >= 0));
        }
    return n;
}
