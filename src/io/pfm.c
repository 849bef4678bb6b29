/* PFM depth maps (the Portable Float Map used by Middlebury): "Pf" header,
 * width, height, then a scale whose sign gives the byte order (negative =
 * little-endian); rows are stored bottom-to-top. Values (including +-inf and
 * NaN) are kept exactly as stored; the scale's magnitude is ignored. A colour
 * PFM ("PF") is refused because depth maps are single-channel. */
#include "io/io_internal.h"
#include "core/atomic_file.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Next whitespace-separated token of at most cap-1 bytes, or 0. */
static int next_token(const uint8_t *buf, size_t len, size_t *pos, char *out, size_t cap)
{
    while (*pos < len && is_space(buf[*pos]))
        ++*pos;
    size_t n = 0;
    while (*pos < len && !is_space(buf[*pos])) {
        if (n + 1 >= cap)
            return 0;
        out[n++] = (char)buf[(*pos)++];
    }
    out[n] = 0;
    return n > 0;
}

int p3d_pfm_parse(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len, p3d_map *map,
                  p3d_file_info *info)
{
    memset(map, 0, sizeof *map);
    if (info) {
        memset(info, 0, sizeof *info);
        strcpy(info->format, "PFM");
        info->channels = len >= 2 && buf[1] == 'F' ? 3 : 1;
        info->bit_depth = 32;
    }
    size_t pos = 0;
    char magic[4], ws[24], hs[24], ss[40];
    if (!next_token(buf, len, &pos, magic, sizeof magic) ||
        (strcmp(magic, "Pf") != 0 && strcmp(magic, "PF") != 0))
        return p3d_fail(ctx, P3D_E_INPUT, "%s: not a PFM file", name);
    if (strcmp(magic, "PF") == 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: colour PFM (PF); a depth map must be gray (Pf)", name);
    if (!next_token(buf, len, &pos, ws, sizeof ws) || !next_token(buf, len, &pos, hs, sizeof hs) ||
        !next_token(buf, len, &pos, ss, sizeof ss) || pos >= len || !is_space(buf[pos]))
        return p3d_fail(ctx, P3D_E_INPUT, "%s: malformed PFM header", name);
    pos++; /* exactly one whitespace byte separates the header from the data */
    char *end1, *end2, *end3;
    long w = strtol(ws, &end1, 10), h = strtol(hs, &end2, 10);
    double scale = strtod(ss, &end3);
    if (*end1 || *end2 || *end3 || w <= 0 || h <= 0 || !isfinite(scale) || scale == 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: malformed PFM header (size %s x %s, scale %s)", name,
                        ws, hs, ss);
    int rc = p3d_check_pixels(ctx, name, (uint64_t)w, (uint64_t)h);
    if (rc)
        return rc;
    size_t need = (size_t)w * (size_t)h * 4;
    if (len - pos != need)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: PFM data is %zu bytes, %ldx%ld needs %zu", name,
                        len - pos, w, h, need);
    if ((rc = p3d_map_alloc(ctx, map, (int)w, (int)h)))
        return rc;
    int big = scale > 0;
    const uint8_t *p = buf + pos;
    for (long fy = 0; fy < h; fy++) {
        float *row = map->data + (size_t)(h - 1 - fy) * w;
        for (long x = 0; x < w; x++, p += 4) {
            uint32_t u = big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                             : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
            memcpy(&row[x], &u, 4);
        }
    }
    return P3D_OK;
}

int p3d_map_save_pfm(p3d_ctx *ctx, const char *path, const p3d_map *map)
{
    p3d_atomic af;
    int rc = p3d_atomic_open(ctx, &af, path);
    if (rc)
        return rc;
    fprintf(af.fp, "Pf\n%d %d\n-1\n", map->width, map->height);
    for (int y = map->height - 1; y >= 0; y--)
        for (int x = 0; x < map->width; x++) {
            uint32_t u;
            memcpy(&u, &map->data[(size_t)y * map->width + x], 4);
            uint8_t le[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
            fwrite(le, 1, 4, af.fp);
        }
    return p3d_atomic_commit(ctx, &af);
}
