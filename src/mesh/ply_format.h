/* Shared details of the PLY layout photo3d writes (ALGORITHM.md 8): record
 * sizes of the binary form and explicit little-endian byte order. */
#ifndef P3D_PLY_FORMAT_H
#define P3D_PLY_FORMAT_H

#include <stdint.h>
#include <string.h>

#define PLY_VERTEX_RECORD 16 /* float x y z, uchar red green blue alpha */
#define PLY_FACE_RECORD 13   /* uchar 3, int a b c */

static inline void ply_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t ply_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t ply_float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static inline float ply_bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

#endif
