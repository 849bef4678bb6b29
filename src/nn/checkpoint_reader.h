/* Internal to the checkpoint reader: the state_dict as tensor records over
 * storages, shared by the two file formats (checkpoint_legacy.c,
 * checkpoint_zip.c), the record builder (checkpoint_records.c) and the
 * element conversion (checkpoint_convert.c). */
#ifndef P3D_NN_CHECKPOINT_READER_H
#define P3D_NN_CHECKPOINT_READER_H

#include "nn/checkpoint.h"
#include "nn/pickle.h"

struct p3d_ckpt {
    char *path;
    p3d_ckpt_tensor *tensors;
    int count;
    p3d_ckpt_int_tensor *ints;
    int int_count;
    char *names;      /* every tensor name, NUL-separated */
    float *floats;    /* every float tensor's data */
    int64_t *integers;
};

/* A torch storage: a flat typed array named by its key. */
typedef struct ckpt_storage {
    const char *key;
    pk_dtype dtype;
    int64_t numel;
    int converted; /* its tensors have been copied out */
} ckpt_storage;

/* One state_dict entry: a strided view of a storage. */
typedef struct ckpt_record {
    const char *name;
    int storage;
    int64_t offset, numel;
    int ndim;
    int64_t size[P3D_CKPT_MAXDIM], stride[P3D_CKPT_MAXDIM];
    void *dst; /* float * or int64_t *, inside the checkpoint */
} ckpt_record;

typedef struct ckpt_reader {
    p3d_ctx *ctx;
    const char *name; /* the file, for messages */
    size_t input_size;
    pk_arena arena;
    ckpt_storage *storages;
    int nstorages;
    int *storage_hash; /* open addressing over storages by key, -1 = empty */
    size_t hash_cap;
    ckpt_record *records;
    int nrecords;
    p3d_ckpt *ck;
} ckpt_reader;

/* Builds records and storages from the unpickled state_dict, checks every
 * view against its storage and allocates the output tensors in r->ck. */
int ckpt_collect(ckpt_reader *r, const pk_value *state_dict);
/* Storage index by key, or -1. */
int ckpt_storage_index(const ckpt_reader *r, const char *key);
/* Copies every tensor viewing storage s out of its bytes (storage numel
 * elements, little-endian, any alignment) into float32 / int64. */
void ckpt_convert_storage(ckpt_reader *r, int s, const uint8_t *bytes);
/* Where storage s can be read to directly, or NULL: when its only tensor
 * is all of it, contiguous, in the output type (float32 or int64). */
void *ckpt_direct_destination(ckpt_reader *r, int s);
/* Fails unless every storage has been converted. */
int ckpt_check_all_converted(ckpt_reader *r);

int ckpt_read_legacy(ckpt_reader *r, const uint8_t *data, size_t size);
int ckpt_read_zip(ckpt_reader *r, const uint8_t *data, size_t size);

#endif
