/* From the unpickled state_dict to tensor records: each value must be
 * torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...) (or a
 * _rebuild_parameter around one) whose storage is the persistent id
 * ('storage', torch.<Type>Storage, key, location, numel[, None]). Every view
 * is checked against its storage (overflow-safe) and the output tensors are
 * allocated here, within a limit derived from the input size.
 * See ../shared/specs/checkpoints/README.md. */
#include "nn/checkpoint_reader.h"

#include <stdlib.h>
#include <string.h>

static int bad_entry(ckpt_reader *r, const char *key, const char *what)
{
    return p3d_fail(r->ctx, P3D_E_INPUT, "%s: state_dict entry '%s': %s", r->name, key, what);
}

static int is_int(const pk_value *v)
{
    return v->kind == PK_INT;
}

static size_t hash_key(const char *key)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h;
}

/* The hash slot holding key, or the empty slot where it belongs. */
static size_t hash_slot(const ckpt_reader *r, const char *key)
{
    size_t i = hash_key(key) & (r->hash_cap - 1);
    while (r->storage_hash[i] >= 0 && strcmp(r->storages[r->storage_hash[i]].key, key))
        i = (i + 1) & (r->hash_cap - 1);
    return i;
}

int ckpt_storage_index(const ckpt_reader *r, const char *key)
{
    return r->hash_cap ? r->storage_hash[hash_slot(r, key)] : -1;
}

/* Registers (or finds) the storage named by a persistent id; *index receives it. */
static int add_storage(ckpt_reader *r, const char *name, const pk_value *pid, int *index)
{
    if (pid->kind != PK_PERSID || pid->u.persid->kind != PK_TUPLE)
        return bad_entry(r, name, "the storage is not a persistent id tuple");
    const pk_value *t = pid->u.persid;
    size_t n = t->u.seq.n;
    pk_value *const *f = t->u.seq.items;
    if (n < 5 || n > 6 || f[0]->kind != PK_STR || strcmp(f[0]->u.str.s, "storage") ||
        f[1]->kind != PK_GLOBAL || f[1]->u.global.g != PK_G_STORAGE || f[2]->kind != PK_STR ||
        f[3]->kind != PK_STR || !is_int(f[4]) || f[4]->u.i < 0)
        return bad_entry(r, name, "malformed storage record");
    if (n == 6 && f[5]->kind != PK_NONE)
        return bad_entry(r, name, "storage views (pre-0.4 PyTorch) are not supported");
    const char *key = f[2]->u.str.s;
    size_t slot = hash_slot(r, key);
    int s = r->storage_hash[slot];
    if (s < 0) {
        s = r->nstorages++;
        r->storage_hash[slot] = s;
        r->storages[s] = (ckpt_storage){.key = key, .dtype = f[1]->u.global.dtype, .numel = f[4]->u.i};
    } else if (r->storages[s].dtype != f[1]->u.global.dtype || r->storages[s].numel != f[4]->u.i) {
        return bad_entry(r, name, "storage described twice with different types or sizes");
    }
    *index = s;
    return P3D_OK;
}

/* Checks that the view (offset, size, stride) lies inside the storage. */
static int check_view(ckpt_reader *r, ckpt_record *rec)
{
    const ckpt_storage *st = &r->storages[rec->storage];
    int64_t numel = 1, last = rec->offset;
    int overflow = 0;
    for (int d = 0; d < rec->ndim; d++) {
        overflow |= __builtin_mul_overflow(numel, rec->size[d], &numel);
        if (rec->size[d] > 0) {
            int64_t reach;
            overflow |= __builtin_mul_overflow(rec->size[d] - 1, rec->stride[d], &reach);
            overflow |= __builtin_add_overflow(last, reach, &last);
        }
    }
    rec->numel = numel;
    if (overflow || (numel > 0 && last >= st->numel) || (numel == 0 && rec->offset > st->numel))
        return bad_entry(r, rec->name, "tensor lies outside its storage");
    if (numel > st->numel)
        return bad_entry(r, rec->name, "tensor has more elements than its storage (expanded views are not supported)");
    return P3D_OK;
}

static int read_dims(ckpt_reader *r, const char *name, const pk_value *t, int64_t *dims, int *ndim)
{
    if (t->kind != PK_TUPLE || t->u.seq.n > P3D_CKPT_MAXDIM)
        return bad_entry(r, name, "size/stride is not a tuple of at most 6 integers");
    for (size_t d = 0; d < t->u.seq.n; d++) {
        if (!is_int(t->u.seq.items[d]) || t->u.seq.items[d]->u.i < 0)
            return bad_entry(r, name, "size/stride is not a tuple of non-negative integers");
        dims[d] = t->u.seq.items[d]->u.i;
    }
    *ndim = (int)t->u.seq.n;
    return P3D_OK;
}

static int add_record(ckpt_reader *r, const char *name, const pk_value *v)
{
    if (v->kind == PK_CALL && v->u.call.g == PK_G_REBUILD_PARAMETER && v->u.call.args->u.seq.n >= 1)
        v = v->u.call.args->u.seq.items[0];
    if (v->kind != PK_CALL || v->u.call.g != PK_G_REBUILD_TENSOR_V2)
        return bad_entry(r, name, "not a tensor");
    const pk_value *args = v->u.call.args;
    if (args->u.seq.n < 4 || !is_int(args->u.seq.items[1]) || args->u.seq.items[1]->u.i < 0)
        return bad_entry(r, name, "malformed _rebuild_tensor_v2 arguments");
    ckpt_record *rec = &r->records[r->nrecords];
    *rec = (ckpt_record){.name = name, .offset = args->u.seq.items[1]->u.i};
    int stride_dims;
    if (add_storage(r, name, args->u.seq.items[0], &rec->storage) ||
        read_dims(r, name, args->u.seq.items[2], rec->size, &rec->ndim) ||
        read_dims(r, name, args->u.seq.items[3], rec->stride, &stride_dims))
        return r->ctx->status;
    if (stride_dims != rec->ndim)
        return bad_entry(r, name, "size and stride differ in length");
    if (check_view(r, rec))
        return r->ctx->status;
    r->nrecords++;
    return P3D_OK;
}

/* Allocates the checkpoint's tensor tables, names and data, and points each
 * record at its destination. */
static int allocate_output(ckpt_reader *r)
{
    p3d_ckpt *ck = r->ck;
    size_t nfloat = 0, nint = 0, name_bytes = 0, float_elems = 0, int_elems = 0;
    const size_t align = 16; /* elements: keeps every tensor 64-byte aligned */
    for (int i = 0; i < r->nrecords; i++) {
        const ckpt_record *rec = &r->records[i];
        size_t padded = ((size_t)rec->numel + align - 1) / align * align;
        if (pk_dtype_is_float(r->storages[rec->storage].dtype)) {
            nfloat++;
            float_elems += padded;
        } else {
            nint++;
            int_elems += padded;
        }
        name_bytes += strlen(rec->name) + 1;
    }
    /* Every storage lies in the input, and each view is at most its storage,
     * but views may overlap; a bound keeps hostile overlaps from exhausting memory. */
    size_t limit = 8 * r->input_size + ((size_t)64 << 20);
    if (float_elems > limit / sizeof(float) || int_elems > limit / sizeof(int64_t) ||
        float_elems * sizeof(float) + int_elems * sizeof(int64_t) > limit)
        return p3d_fail(r->ctx, P3D_E_LIMIT, "%s: tensors need more memory than a file of this size can hold",
                        r->name);
    ck->tensors = calloc(nfloat ? nfloat : 1, sizeof *ck->tensors);
    ck->ints = calloc(nint ? nint : 1, sizeof *ck->ints);
    ck->names = malloc(name_bytes ? name_bytes : 1);
    ck->floats = aligned_alloc(64, (float_elems ? float_elems : align) * sizeof(float));
    ck->integers = aligned_alloc(64, (int_elems ? int_elems : align) * sizeof(int64_t));
    if (!ck->tensors || !ck->ints || !ck->names || !ck->floats || !ck->integers)
        return p3d_fail(r->ctx, P3D_E_NOMEM, "%s: out of memory for the tensors", r->name);
    char *name = ck->names;
    float *fdst = ck->floats;
    int64_t *idst = ck->integers;
    for (int i = 0; i < r->nrecords; i++) {
        ckpt_record *rec = &r->records[i];
        size_t len = strlen(rec->name) + 1, padded = ((size_t)rec->numel + align - 1) / align * align;
        memcpy(name, rec->name, len);
        if (pk_dtype_is_float(r->storages[rec->storage].dtype)) {
            p3d_ckpt_tensor *t = &ck->tensors[ck->count++];
            *t = (p3d_ckpt_tensor){.name = name, .ndim = rec->ndim, .data = fdst};
            memcpy(t->shape, rec->size, sizeof rec->size);
            rec->dst = fdst;
            fdst += padded;
        } else {
            p3d_ckpt_int_tensor *t = &ck->ints[ck->int_count++];
            *t = (p3d_ckpt_int_tensor){.name = name, .ndim = rec->ndim, .data = idst};
            memcpy(t->shape, rec->size, sizeof rec->size);
            rec->dst = idst;
            idst += padded;
        }
        name += len;
    }
    return P3D_OK;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A pickled dict may repeat a key, which would make lookups ambiguous. */
static int check_unique_names(ckpt_reader *r)
{
    const char **names = malloc((r->nrecords ? r->nrecords : 1) * sizeof *names);
    if (!names)
        return p3d_fail(r->ctx, P3D_E_NOMEM, "%s: out of memory", r->name);
    for (int i = 0; i < r->nrecords; i++)
        names[i] = r->records[i].name;
    qsort(names, (size_t)r->nrecords, sizeof *names, compare_names);
    for (int i = 1; i < r->nrecords; i++)
        if (!strcmp(names[i - 1], names[i])) {
            bad_entry(r, names[i], "the key appears twice");
            break;
        }
    free(names);
    return r->ctx->status;
}

/* Storages must fit in the input: they are stored in it, uncompressed. */
static int check_storage_total(ckpt_reader *r)
{
    uint64_t total = 0;
    for (int s = 0; s < r->nstorages; s++) {
        uint64_t bytes;
        if (__builtin_mul_overflow((uint64_t)r->storages[s].numel, (uint64_t)pk_dtype_size(r->storages[s].dtype),
                                   &bytes) ||
            __builtin_add_overflow(total, bytes, &total) || total > r->input_size)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: storages claim more bytes than the file holds", r->name);
    }
    return P3D_OK;
}

int ckpt_collect(ckpt_reader *r, const pk_value *state_dict)
{
    if (state_dict->kind != PK_DICT)
        return p3d_fail(r->ctx, P3D_E_INPUT, "%s: the checkpoint is not a state_dict (a dict of tensors)", r->name);
    size_t n = state_dict->u.seq.n / 2;
    if (n > (1u << 20))
        return p3d_fail(r->ctx, P3D_E_LIMIT, "%s: more than 2^20 tensors", r->name);
    r->hash_cap = 16;
    while (r->hash_cap < 2 * n)
        r->hash_cap *= 2;
    r->storage_hash = malloc(r->hash_cap * sizeof *r->storage_hash);
    r->storages = malloc((n ? n : 1) * sizeof *r->storages);
    r->records = malloc((n ? n : 1) * sizeof *r->records);
    r->ck = calloc(1, sizeof *r->ck);
    if (!r->storage_hash || !r->storages || !r->records || !r->ck)
        return p3d_fail(r->ctx, P3D_E_NOMEM, "%s: out of memory", r->name);
    memset(r->storage_hash, 0xff, r->hash_cap * sizeof *r->storage_hash);
    for (size_t k = 0; k < n; k++) {
        const pk_value *key = state_dict->u.seq.items[2 * k];
        if (key->kind != PK_STR || strlen(key->u.str.s) != key->u.str.len)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: a state_dict key is not a string", r->name);
        if (add_record(r, key->u.str.s, state_dict->u.seq.items[2 * k + 1]))
            return r->ctx->status;
    }
    if (check_unique_names(r) || check_storage_total(r))
        return r->ctx->status;
    return allocate_output(r);
}

int ckpt_check_all_converted(ckpt_reader *r)
{
    for (int s = 0; s < r->nstorages; s++)
        if (!r->storages[s].converted)
            return p3d_fail(r->ctx, P3D_E_INPUT, "%s: no data for storage '%s'", r->name, r->storages[s].key);
    return P3D_OK;
}
