/* glTF 2.0 binary export of the 3D photo mesh, for viewers and game engines.
 * Axes: the mesh frame (X right, Y down, Z forward, ALGORITHM.md 8) is turned
 * 180 degrees about X into glTF's (Y up, camera looking down -Z), i.e. y and
 * z are negated; a rotation keeps the triangles' winding. Colours are the
 * photo's sRGB values converted to the linear COLOR_0 that glTF specifies,
 * stored as normalized unsigned shorts (alpha 1; the provenance code is not
 * a colour), with an unlit double-sided material because the reference mesh
 * has mixed winding. A perspective camera with the photo's vertical field of
 * view and aspect sits at the origin. */
#include "photo3d/render.h"
#include "core/atomic_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLB_MAGIC 0x46546C67u      /* "glTF" */
#define GLB_CHUNK_JSON 0x4E4F534Au /* "JSON" */
#define GLB_CHUNK_BIN 0x004E4942u  /* "BIN\0" */

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t srgb_to_linear16(uint8_t c)
{
    double s = c / 255.0;
    double l = s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
    return (uint16_t)lround(l * 65535.0);
}

/* The binary chunk: positions (12 bytes/vertex), colours (8), indices (12/face). */
static uint8_t *build_binary(const p3d_mesh *m, size_t *size, float lo[3], float hi[3])
{
    size_t npos = 12 * (size_t)m->nverts, ncol = 8 * (size_t)m->nverts, nidx = 12 * (size_t)m->nfaces;
    *size = npos + ncol + nidx;
    uint8_t *bin = malloc(*size ? *size : 1);
    if (!bin)
        return NULL;
    uint16_t lin[256];
    for (int c = 0; c < 256; c++)
        lin[c] = srgb_to_linear16((uint8_t)c);
    for (int k = 0; k < 3; k++)
        lo[k] = INFINITY, hi[k] = -INFINITY;
    for (long i = 0; i < m->nverts; i++) {
        float p[3] = {m->xyz[3 * i], -m->xyz[3 * i + 1], -m->xyz[3 * i + 2]};
        memcpy(bin + 12 * i, p, 12);
        for (int k = 0; k < 3; k++)
            lo[k] = fminf(lo[k], p[k]), hi[k] = fmaxf(hi[k], p[k]);
        uint16_t c[4] = {lin[m->rgba[4 * i]], lin[m->rgba[4 * i + 1]], lin[m->rgba[4 * i + 2]], 65535};
        memcpy(bin + npos + 8 * i, c, 8);
    }
    memcpy(bin + npos + ncol, m->faces, nidx);
    return bin;
}

static char *build_json(const p3d_mesh *m, size_t bin_size, const float lo[3], const float hi[3])
{
    size_t npos = 12 * (size_t)m->nverts, ncol = 8 * (size_t)m->nverts, nidx = 12 * (size_t)m->nfaces;
    size_t cap = 4096;
    char *json = malloc(cap);
    if (!json)
        return NULL;
    double aspect = m->height > 0 ? (double)m->width / m->height : 1.0;
    snprintf(json, cap,
             "{\"asset\":{\"version\":\"2.0\",\"generator\":\"photo3d " PHOTO3D_VERSION "\"},"
             "\"extensionsUsed\":[\"KHR_materials_unlit\"],"
             "\"scene\":0,\"scenes\":[{\"nodes\":[0,1]}],"
             "\"nodes\":[{\"mesh\":0,\"name\":\"photo\"},{\"camera\":0,\"name\":\"photo camera\"}],"
             "\"cameras\":[{\"type\":\"perspective\",\"perspective\":{\"yfov\":%.9g,"
             "\"aspectRatio\":%.9g,\"znear\":0.01}}],"
             "\"materials\":[{\"pbrMetallicRoughness\":{\"baseColorFactor\":[1,1,1,1],"
             "\"metallicFactor\":0,\"roughnessFactor\":1},\"doubleSided\":true,"
             "\"extensions\":{\"KHR_materials_unlit\":{}}}],"
             "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0,\"COLOR_0\":1},"
             "\"indices\":2,\"material\":0,\"mode\":4}]}],"
             "\"buffers\":[{\"byteLength\":%zu}],"
             "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":%zu,\"target\":34962},"
             "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu,\"target\":34962},"
             "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu,\"target\":34963}],"
             "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":%ld,\"type\":\"VEC3\","
             "\"min\":[%.9g,%.9g,%.9g],\"max\":[%.9g,%.9g,%.9g]},"
             "{\"bufferView\":1,\"componentType\":5123,\"normalized\":true,\"count\":%ld,\"type\":\"VEC4\"},"
             "{\"bufferView\":2,\"componentType\":5125,\"count\":%ld,\"type\":\"SCALAR\"}]}",
             m->vfov > 0 ? m->vfov : 1.0, aspect, bin_size, npos, npos, ncol, npos + ncol, nidx,
             m->nverts, lo[0], lo[1], lo[2], hi[0], hi[1], hi[2], m->nverts, 3 * m->nfaces);
    return json;
}

int p3d_mesh_save_glb(p3d_ctx *ctx, const char *path, const p3d_mesh *mesh)
{
    if (mesh->nverts == 0 || mesh->nfaces == 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: the mesh is empty; glTF needs vertices and faces", path);
    size_t bin_size;
    float lo[3], hi[3];
    uint8_t *bin = build_binary(mesh, &bin_size, lo, hi);
    char *json = bin ? build_json(mesh, bin_size, lo, hi) : NULL;
    if (!json) {
        free(bin);
        return p3d_fail(ctx, P3D_E_NOMEM, "%s: out of memory", path);
    }
    size_t json_len = strlen(json), json_pad = (4 - json_len % 4) % 4, bin_pad = (4 - bin_size % 4) % 4;
    size_t total = 12 + 8 + json_len + json_pad + 8 + bin_size + bin_pad;
    int rc = total > UINT32_MAX ? p3d_fail(ctx, P3D_E_LIMIT, "%s: mesh too large for glTF binary", path)
                                : P3D_OK;
    p3d_atomic af;
    if (!rc)
        rc = p3d_atomic_open(ctx, &af, path);
    if (!rc) {
        uint8_t head[20];
        put32(head, GLB_MAGIC);
        put32(head + 4, 2);
        put32(head + 8, (uint32_t)total);
        put32(head + 12, (uint32_t)(json_len + json_pad));
        put32(head + 16, GLB_CHUNK_JSON);
        fwrite(head, 1, 20, af.fp);
        fwrite(json, 1, json_len, af.fp);
        fwrite("   ", 1, json_pad, af.fp);
        put32(head, (uint32_t)(bin_size + bin_pad));
        put32(head + 4, GLB_CHUNK_BIN);
        fwrite(head, 1, 8, af.fp);
        fwrite(bin, 1, bin_size, af.fp);
        fwrite("\0\0\0", 1, bin_pad, af.fp);
        rc = p3d_atomic_commit(ctx, &af);
    }
    free(json);
    free(bin);
    return rc;
}
