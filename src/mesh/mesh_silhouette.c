/* A half-pixel rim along the front layer's silhouettes (mesh_build.h;
 * docs/EVAL.md step 7).
 *
 * The LDI samples every surface at pixel centres, so the front layer's mesh
 * stops at the centre of its last pixel, while the surface goes on up to
 * somewhere between that centre and the next one (the background's): half a
 * pixel further on average. Seen from the photo's camera this changes no
 * pixel centre, but a camera moving away from the silhouette sees that
 * sliver as a band of one to two pixels (more where the surface turns away,
 * as at spheres and cylinders), where the mesh showed the hidden layer's
 * fill instead of the occluder. The rim puts the mesh's edge at the expected
 * silhouette: a copy of each silhouette vertex half a pixel out towards each
 * farther neighbour, at the vertex's depth and colour, joined to the
 * original vertices by a strip of triangles (and a square at corners). The
 * original vertices stay where they are, so the photo's own view keeps its
 * colours at every pixel centre. (Moving the vertices out instead blends
 * each edge pixel's colour with its inner neighbour's there.) The disparity
 * extrapolated along the surface's slope over that half pixel changed the
 * novel views by 0.01 dB at most, so the rim keeps the vertex's depth. */
#include "mesh/mesh_build.h"

#include <stdlib.h>
#include <string.h>

static int original(const ldi *l, long a)
{
    return !(l->flags[a] & (LDI_SYNTH | LDI_BAND | LDI_DEAD)) && l->iter[a] == 0;
}

/* Directions (bit d) in which front node m has a missing link to a farther
 * original front node, both inside the border. */
static int silhouette_dirs(const ldi *l, int pix, int32_t m)
{
    if (m != l->head[pix] || !original(l, m) || !ldi_inside_border(l, pix))
        return 0;
    int dirs = 0;
    for (int d = 0; d < 4; d++) {
        if (l->link[4 * (long)m + d] >= 0)
            continue;
        int q = ldi_neighbour_pix(l, pix, d);
        if (q >= 0 && ldi_inside_border(l, q) && l->head[q] >= 0 && original(l, l->head[q]) &&
            l->depth[l->head[q]] > l->depth[m])
            dirs |= 1 << d;
    }
    return dirs;
}

/* Corner c joins directions c and (c + 1) & 3 (up-right, right-down, ...). */
static int corners(int dirs)
{
    int c = 0;
    for (int k = 0; k < 4; k++)
        if ((dirs >> k & 1) && (dirs >> ((k + 1) & 3) & 1))
            c |= 1 << k;
    return c;
}

long mesh_extend_silhouettes(p3d_ctx *ctx, const ldi *l, int photo_w, int photo_h, float extend,
                             p3d_mesh *mesh)
{
    int32_t *vid = malloc((l->n + 1) * sizeof *vid), *first = malloc((l->n + 1) * sizeof *first);
    uint8_t *dirs = calloc(l->n + 1, 1);
    if (!vid || !first || !dirs) {
        free(vid), free(first), free(dirs);
        return p3d_fail(ctx, P3D_E_NOMEM, "mesh: out of memory for the silhouette rim"), -1;
    }
    mesh_vertex_ids(l, vid);
    long nv = mesh->nverts, nf = mesh->nfaces;
    for (int pix = 0; pix < l->cw * l->ch; pix++)
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m]) {
            first[m] = -1;
            dirs[m] = (uint8_t)silhouette_dirs(l, pix, m);
            if (!dirs[m])
                continue;
            first[m] = (int32_t)nv;
            nv += __builtin_popcount(dirs[m]) + __builtin_popcount(corners(dirs[m]));
            nf += 2 * __builtin_popcount(corners(dirs[m]));
        }
    /* strips: pairs of linked silhouette nodes torn the same way, each pair once */
    for (long m = 0; m < l->n; m++)
        for (int e = LDI_RIGHT; dirs[m] && e <= LDI_DOWN; e++) {
            int32_t b = l->link[4 * m + e];
            if (b >= 0)
                nf += 2 * __builtin_popcount(dirs[m] & dirs[b] & ~(1 << e | 1 << LDI_OPPOSITE(e)));
        }
    float *xyz = realloc(mesh->xyz, (nv + 1) * 3 * sizeof *xyz);
    if (xyz)
        mesh->xyz = xyz;
    uint8_t *rgba = xyz ? realloc(mesh->rgba, (nv + 1) * 4) : NULL;
    if (rgba)
        mesh->rgba = rgba;
    int32_t *faces = rgba ? realloc(mesh->faces, (nf + 1) * 3 * sizeof *faces) : NULL;
    if (!faces) {
        free(vid), free(first), free(dirs);
        return p3d_fail(ctx, P3D_E_NOMEM, "mesh: out of memory for the silhouette rim"), -1;
    }
    mesh->faces = faces;
    p3d_camera cam;
    p3d_reference_camera(photo_w, photo_h, l->width, l->height, &cam);
    long added = 0;
    for (int pix = 0; pix < l->cw * l->ch; pix++)
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m]) {
            if (!dirs[m])
                continue;
            double z = l->depth[m];
            long k = first[m];
            for (int s = 0; s < 8; s++) {
                /* s < 4: the copy out in direction s; s >= 4: corner s - 4 */
                int d = s & 3, e = (d + 1) & 3;
                if (s < 4 ? !(dirs[m] >> d & 1) : !(corners(dirs[m]) >> d & 1))
                    continue;
                int ox = ldi_dx[d] + (s >= 4 ? ldi_dx[e] : 0), oy = ldi_dy[d] + (s >= 4 ? ldi_dy[e] : 0);
                mesh_back_project(&cam, pix % l->cw - l->pad + 0.5 + extend * ox,
                                  pix / l->cw - l->pad + 0.5 + extend * oy, z, mesh->xyz + 3 * k);
                memcpy(mesh->rgba + 4 * k, mesh->rgba + 4 * (long)vid[m], 4);
                k++, added++;
            }
        }
    long f = mesh->nfaces;
    for (long m = 0; m < l->n; m++) {
        if (!dirs[m])
            continue;
        int np = __builtin_popcount(dirs[m]);
        for (int d = 0; d < 4; d++) {
            if (!(dirs[m] >> d & 1))
                continue;
            int32_t out_m = first[m] + __builtin_popcount(dirs[m] & ((1 << d) - 1));
            for (int e = LDI_RIGHT; e <= LDI_DOWN; e++) {
                int32_t b = l->link[4 * m + e];
                if (b < 0 || e == d || e == LDI_OPPOSITE(d) || !(dirs[b] >> d & 1))
                    continue;
                int32_t out_b = first[b] + __builtin_popcount(dirs[b] & ((1 << d) - 1));
                int32_t *t = mesh->faces + 3 * f;
                t[0] = vid[m], t[1] = vid[b], t[2] = out_b;
                t[3] = vid[m], t[4] = out_b, t[5] = out_m;
                f += 2;
            }
            int e = (d + 1) & 3;
            if (!(dirs[m] >> e & 1))
                continue;
            int32_t corner = first[m] + np + __builtin_popcount(corners(dirs[m]) & ((1 << d) - 1));
            int32_t out_e = first[m] + __builtin_popcount(dirs[m] & ((1 << e) - 1));
            int32_t *t = mesh->faces + 3 * f;
            t[0] = vid[m], t[1] = out_m, t[2] = corner;
            t[3] = vid[m], t[4] = corner, t[5] = out_e;
            f += 2;
        }
    }
    mesh->nverts = nv, mesh->nfaces = f;
    free(vid), free(first), free(dirs);
    return added;
}
