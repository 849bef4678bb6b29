/* Copies strided tensor views out of raw little-endian storage bytes into
 * contiguous float32 (from float32/float64/float16/bfloat16) or int64 (from
 * the integer and bool types). Dimensions that are contiguous with respect to
 * each other are merged first, so a contiguous float32 tensor is one memcpy. */
#include "nn/checkpoint_reader.h"

#include <string.h>

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | mant << 13; /* inf, nan */
    } else if (exp) {
        bits = sign | (exp + 112) << 23 | mant << 13;
    } else if (!mant) {
        bits = sign;
    } else { /* subnormal: renormalise */
        exp = 113;
        while (!(mant & 0x400)) {
            mant <<= 1;
            exp--;
        }
        bits = sign | exp << 23 | (mant & 0x3ff) << 13;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the checkpoint reader assumes a little-endian host, like the files"
#endif

/* Unaligned little-endian loads. */
#define DEFINE_LOAD(name, type) \
    static inline type name(const uint8_t *p) { type v; memcpy(&v, p, sizeof v); return v; }
DEFINE_LOAD(load_f32, float)
DEFINE_LOAD(load_f64, double)
DEFINE_LOAD(load_u16, uint16_t)
DEFINE_LOAD(load_i16, int16_t)
DEFINE_LOAD(load_i32, int32_t)
DEFINE_LOAD(load_i64, int64_t)

/* n elements, step bytes apart, converted into dst. */
static void convert_row(pk_dtype dt, const uint8_t *src, int64_t step, int64_t n, void *dst)
{
    float *f = dst;
    int64_t *i = dst;
    if (dt == PK_DT_F32 && step == 4) {
        memcpy(f, src, (size_t)n * 4);
        return;
    }
    if (dt == PK_DT_I64 && step == 8) {
        memcpy(i, src, (size_t)n * 8);
        return;
    }
    for (int64_t k = 0; k < n; k++, src += step) {
        switch (dt) {
        case PK_DT_F32: f[k] = load_f32(src); break;
        case PK_DT_F64: f[k] = (float)load_f64(src); break;
        case PK_DT_F16: f[k] = half_to_float(load_u16(src)); break;
        case PK_DT_BF16: {
            uint32_t bits = (uint32_t)load_u16(src) << 16;
            memcpy(&f[k], &bits, 4);
            break;
        }
        case PK_DT_I64: i[k] = load_i64(src); break;
        case PK_DT_I32: i[k] = load_i32(src); break;
        case PK_DT_I16: i[k] = load_i16(src); break;
        case PK_DT_I8: i[k] = (int8_t)src[0]; break;
        case PK_DT_U8: i[k] = src[0]; break;
        case PK_DT_BOOL: i[k] = src[0] != 0; break;
        }
    }
}

static void convert_record(const ckpt_record *rec, pk_dtype dt, const uint8_t *bytes)
{
    if (rec->numel == 0)
        return;
    /* Merge dimensions: drop size-1 ones, join d with the next when stride[d] = size[d+1] * stride[d+1]. */
    int64_t size[P3D_CKPT_MAXDIM], stride[P3D_CKPT_MAXDIM];
    int nd = 0;
    for (int d = 0; d < rec->ndim; d++) {
        if (rec->size[d] == 1)
            continue;
        if (nd && stride[nd - 1] == rec->size[d] * rec->stride[d]) {
            size[nd - 1] *= rec->size[d];
            stride[nd - 1] = rec->stride[d];
        } else {
            size[nd] = rec->size[d];
            stride[nd++] = rec->stride[d];
        }
    }
    if (!nd) {
        size[0] = 1;
        stride[0] = 1;
        nd = 1;
    }
    int esize = pk_dtype_size(dt), osize = pk_dtype_is_float(dt) ? 4 : 8;
    int64_t row = size[nd - 1], index[P3D_CKPT_MAXDIM] = {0};
    uint8_t *dst = rec->dst;
    for (int64_t done = 0; done < rec->numel; done += row) {
        int64_t at = rec->offset;
        for (int d = 0; d < nd - 1; d++)
            at += index[d] * stride[d];
        convert_row(dt, bytes + at * esize, stride[nd - 1] * esize, row, dst + done * osize);
        for (int d = nd - 2; d >= 0 && ++index[d] == size[d]; d--)
            index[d] = 0;
    }
}

static int is_identity_view(const ckpt_record *rec, const ckpt_storage *st)
{
    int64_t expect = 1;
    for (int d = rec->ndim - 1; d >= 0; d--) {
        if (rec->size[d] != 1 && rec->stride[d] != expect)
            return 0;
        expect *= rec->size[d];
    }
    return rec->offset == 0 && rec->numel == st->numel;
}

void *ckpt_direct_destination(ckpt_reader *r, int s)
{
    const ckpt_storage *st = &r->storages[s];
    void *dst = NULL;
    if (st->dtype != PK_DT_F32 && st->dtype != PK_DT_I64)
        return NULL;
    for (int i = 0; i < r->nrecords; i++) {
        if (r->records[i].storage != s)
            continue;
        if (dst || !is_identity_view(&r->records[i], st))
            return NULL;
        dst = r->records[i].dst;
    }
    return dst;
}

void ckpt_convert_storage(ckpt_reader *r, int s, const uint8_t *bytes)
{
    for (int i = 0; i < r->nrecords; i++)
        if (r->records[i].storage == s)
            convert_record(&r->records[i], r->storages[s].dtype, bytes);
    r->storages[s].converted = 1;
}
