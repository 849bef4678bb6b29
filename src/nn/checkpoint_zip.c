/* The zip checkpoint format (PyTorch >= 1.6), read with libzip from memory:
 * <prefix>/data.pkl holds the state_dict pickle, <prefix>/data/<key> each
 * storage's raw little-endian bytes, <prefix>/byteorder (newer versions) the
 * byte order. See ../shared/specs/checkpoints/README.md "Serialization format". */
#include "nn/checkpoint_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct zip_entry {
    const char *name;
    zip_uint64_t index;
    size_t size; /* uncompressed bytes */
    int stored;  /* not compressed */
} zip_entry;

/* Locates name; entries must not be larger than the input itself (no
 * decompression bombs) and must not be encrypted. */
static int find_entry(ckpt_reader *r, zip_t *za, const char *name, zip_entry *e)
{
    zip_int64_t i = zip_name_locate(za, name, 0);
    zip_stat_t st;
    const zip_uint64_t needed = ZIP_STAT_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
    if (i < 0 || zip_stat_index(za, (zip_uint64_t)i, 0, &st) || (st.valid & needed) != needed)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: zip entry %s is missing", r->name, name);
    if (st.size > r->input_size)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: zip entry %s is larger than the file", r->name, name);
    if (st.encryption_method != ZIP_EM_NONE)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: zip entry %s is encrypted", r->name, name);
    *e = (zip_entry){.name = name, .index = (zip_uint64_t)i, .size = (size_t)st.size,
                     .stored = st.comp_method == ZIP_CM_STORE};
    return P3D_OK;
}

/* Reads the first want bytes of an entry into dst. Storage data skips the
 * CRC check (a third of the load time; the legacy format has no checksum at
 * all) by reading stored entries raw. */
static int read_entry(ckpt_reader *r, zip_t *za, const zip_entry *e, size_t want, void *dst, int check_crc)
{
    zip_file_t *zf = zip_fopen_index(za, e->index, !check_crc && e->stored ? ZIP_FL_COMPRESSED : 0);
    zip_int64_t got = 0;
    if (zf) {
        while ((size_t)got < want) {
            zip_int64_t n = zip_fread(zf, (char *)dst + got, want - (size_t)got);
            if (n <= 0)
                break;
            got += n;
        }
        zip_fclose(zf);
    }
    if (!zf || (size_t)got != want)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: zip entry %s is unreadable (%s)", r->name, e->name,
                        zip_strerror(za));
    return P3D_OK;
}

/* The archive's top folder: the entry "<prefix>/data.pkl". */
static int find_prefix(ckpt_reader *r, zip_t *za, char *prefix, size_t cap)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        const char *slash = name ? strchr(name, '/') : NULL;
        if (slash && !strcmp(slash, "/data.pkl") && (size_t)(slash - name) < cap) {
            memcpy(prefix, name, (size_t)(slash - name));
            prefix[slash - name] = 0;
            return P3D_OK;
        }
    }
    return p3d_fail(r->ctx, P3D_E_INPUT, "%s: zip archive has no <name>/data.pkl entry", r->name);
}

static int check_byteorder(ckpt_reader *r, zip_t *za, const char *prefix)
{
    char name[300], order[8] = {0};
    snprintf(name, sizeof name, "%s/byteorder", prefix);
    if (zip_name_locate(za, name, 0) < 0)
        return P3D_OK; /* written only since PyTorch 2.1; older files are little-endian */
    zip_entry e;
    if (find_entry(r, za, name, &e))
        return r->ctx->status;
    if (e.size != 6 || read_entry(r, za, &e, 6, order, 1) || strcmp(order, "little"))
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: not a little-endian checkpoint", r->name);
    return P3D_OK;
}

static int read_state_dict(ckpt_reader *r, zip_t *za, const char *prefix)
{
    char name[300], label[4500];
    snprintf(name, sizeof name, "%s/data.pkl", prefix);
    snprintf(label, sizeof label, "%s: %s", r->name, name);
    zip_entry e;
    size_t used;
    if (find_entry(r, za, name, &e))
        return r->ctx->status;
    uint8_t *pickle = malloc(e.size ? e.size : 1);
    if (!pickle)
        return p3d_fail(r->ctx, P3D_E_NOMEM, "%s: out of memory", r->name);
    const pk_value *state_dict;
    int rc = read_entry(r, za, &e, e.size, pickle, 1);
    if (!rc)
        rc = pk_load(r->ctx, &r->arena, label, 0, pickle, e.size, &used, &state_dict);
    if (!rc)
        rc = ckpt_collect(r, state_dict);
    free(pickle);
    return rc;
}

static int read_storages(ckpt_reader *r, zip_t *za, const char *prefix)
{
    char name[300];
    for (int s = 0; s < r->nstorages; s++) {
        const ckpt_storage *st = &r->storages[s];
        snprintf(name, sizeof name, "%s/data/%s", prefix, st->key);
        zip_entry e;
        size_t want = (size_t)st->numel * (size_t)pk_dtype_size(st->dtype); /* bounded by check_storage_total */
        if (find_entry(r, za, name, &e))
            return r->ctx->status;
        if (e.size < want)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: zip entry %s holds %zu bytes, the pickle says %zu", r->name,
                            name, e.size, want);
        void *direct = ckpt_direct_destination(r, s);
        if (direct) {
            if (read_entry(r, za, &e, want, direct, 0))
                return r->ctx->status;
            r->storages[s].converted = 1;
            continue;
        }
        uint8_t *bytes = malloc(want ? want : 1);
        if (!bytes)
            return p3d_fail(r->ctx, P3D_E_NOMEM, "%s: out of memory", r->name);
        if (!read_entry(r, za, &e, want, bytes, 0))
            ckpt_convert_storage(r, s, bytes);
        free(bytes);
        if (r->ctx->status)
            return r->ctx->status;
    }
    return P3D_OK;
}

int ckpt_read_zip(ckpt_reader *r, const uint8_t *data, size_t size)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
    if (!za) {
        p3d_fail(r->ctx, P3D_E_INPUT, "%s: not a valid zip archive (%s)", r->name, zip_error_strerror(&err));
        if (src)
            zip_source_free(src);
        zip_error_fini(&err);
        return r->ctx->status;
    }
    zip_error_fini(&err);
    char prefix[256];
    if (!find_prefix(r, za, prefix, sizeof prefix) && !check_byteorder(r, za, prefix) &&
        !read_state_dict(r, za, prefix))
        read_storages(r, za, prefix);
    zip_discard(za);
    return r->ctx->status;
}
