/* The legacy (pre-zip, PyTorch < 1.6) checkpoint format, used by the
 * official model files: five pickles in a row (magic number, protocol
 * version 1001, system info, the state_dict, the list of storage keys), then
 * for each key in that order an 8-byte little-endian element count and the
 * storage's raw little-endian elements.
 * See ../shared/specs/checkpoints/README.md "Serialization format". */
#include "nn/checkpoint_reader.h"

#include <string.h>

/* 0x1950a86a20f9469cfc6c, torch.serialization's MAGIC_NUMBER, as LONG1 bytes. */
static const uint8_t legacy_magic[10] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

typedef struct legacy_cursor {
    ckpt_reader *r;
    const uint8_t *data;
    size_t size, pos;
} legacy_cursor;

static int next_pickle(legacy_cursor *c, const pk_value **out)
{
    size_t used;
    if (pk_load(c->r->ctx, &c->r->arena, c->r->name, c->pos, c->data + c->pos, c->size - c->pos, &used, out))
        return c->r->ctx->status;
    c->pos += used;
    return P3D_OK;
}

static int read_header(legacy_cursor *c)
{
    ckpt_reader *r = c->r;
    const pk_value *magic, *protocol, *info;
    if (next_pickle(c, &magic))
        return r->ctx->status;
    if (magic->kind != PK_BIGINT || magic->u.str.len != sizeof legacy_magic ||
        memcmp(magic->u.str.s, legacy_magic, sizeof legacy_magic))
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: not a PyTorch checkpoint (wrong magic number)", r->name);
    if (next_pickle(c, &protocol) || next_pickle(c, &info))
        return r->ctx->status;
    if (protocol->kind != PK_INT || protocol->u.i != 1001)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: unsupported legacy protocol version", r->name);
    const pk_value *little = pk_dict_get(info, "little_endian");
    if (!little || little->kind != PK_BOOL || !little->u.i)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: not a little-endian checkpoint", r->name);
    return P3D_OK;
}

/* The storage data after the key list: count, then elements, per key. */
static int read_storages(legacy_cursor *c, const pk_value *keys)
{
    ckpt_reader *r = c->r;
    if (keys->kind != PK_LIST)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: the storage key list is not a list", r->name);
    for (size_t k = 0; k < keys->u.seq.n; k++) {
        const pk_value *key = keys->u.seq.items[k];
        int s = key->kind == PK_STR ? ckpt_storage_index(r, key->u.str.s) : -1;
        if (s < 0 || r->storages[s].converted)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: storage key list names an unknown or repeated storage",
                            r->name);
        const ckpt_storage *st = &r->storages[s];
        if (c->size - c->pos < 8)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: truncated (storage '%s' is missing)", r->name, st->key);
        int64_t count;
        memcpy(&count, c->data + c->pos, 8);
        c->pos += 8;
        if (count != st->numel)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: storage '%s' holds %lld elements, the pickle says %lld",
                            r->name, st->key, (long long)count, (long long)st->numel);
        /* check_storage_total bounded numel * size by the input size */
        size_t bytes = (size_t)st->numel * (size_t)pk_dtype_size(st->dtype);
        if (c->size - c->pos < bytes)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: truncated (storage '%s' needs %zu bytes, %zu left)", r->name,
                            st->key, bytes, c->size - c->pos);
        ckpt_convert_storage(r, s, c->data + c->pos);
        c->pos += bytes;
    }
    return ckpt_check_all_converted(r);
}

int ckpt_read_legacy(ckpt_reader *r, const uint8_t *data, size_t size)
{
    legacy_cursor c = {.r = r, .data = data, .size = size};
    const pk_value *state_dict, *keys;
    if (read_header(&c) || next_pickle(&c, &state_dict) || ckpt_collect(r, state_dict) || next_pickle(&c, &keys))
        return r->ctx->status;
    return read_storages(&c, keys);
}
