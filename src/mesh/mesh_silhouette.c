/* Silhouette vertices moved out to their pixel's footprint (mesh_build.h;
 * docs/EVAL.md step 7).
 *
 * The LDI samples every surface at pixel centres, so the front layer's mesh
 * stops at the centre of its last pixel, while the surface goes on up to
 * somewhere between that centre and the next one (the background's): half a
 * pixel further on average. Seen from the photo's camera this changes no
 * pixel centre, but a camera moving away from the silhouette sees that
 * sliver as a band of one to two pixels (more where the surface turns away,
 * as at spheres and cylinders), where the mesh showed the hidden layer's
 * fill instead of the occluder. Moving the last vertex out by half a pixel
 * puts the mesh's edge at the expected silhouette. Its depth stays: the
 * disparity extrapolated along the surface's slope over that half pixel
 * changed the novel views by 0.01 dB at most. */
#include "mesh/mesh_build.h"

static int original(const ldi *l, long a)
{
    return !(l->flags[a] & (LDI_SYNTH | LDI_BAND | LDI_DEAD)) && l->iter[a] == 0;
}

long mesh_extend_silhouettes(const ldi *l, int photo_w, int photo_h, float extend, p3d_mesh *mesh)
{
    p3d_camera cam;
    p3d_reference_camera(photo_w, photo_h, l->width, l->height, &cam);
    long v = 0, moved = 0;
    for (int pix = 0; pix < l->cw * l->ch; pix++)
        for (int32_t m = l->head[pix]; m >= 0; m = l->next[m], v++) {
            if (m != l->head[pix] || !original(l, m) || !ldi_inside_border(l, pix))
                continue;
            int ox = 0, oy = 0;
            for (int d = 0; d < 4; d++) {
                if (l->link[4 * (long)m + d] >= 0)
                    continue;
                int q = ldi_neighbour_pix(l, pix, d);
                if (q < 0 || !ldi_inside_border(l, q) || l->head[q] < 0 || !original(l, l->head[q]))
                    continue;
                if (l->depth[l->head[q]] > l->depth[m]) /* a farther neighbour: m is in front */
                    ox += ldi_dx[d], oy += ldi_dy[d];
            }
            if (ox == 0 && oy == 0)
                continue;
            double z = l->depth[m];
            double col = pix % l->cw - l->pad + 0.5 + extend * ox;
            double row = pix / l->cw - l->pad + 0.5 + extend * oy;
            mesh->xyz[3 * v] = (float)(z * (col - cam.cx) / cam.fx);
            mesh->xyz[3 * v + 1] = (float)(z * (row - cam.cy) / cam.fy);
            moved++;
        }
    return moved;
}
