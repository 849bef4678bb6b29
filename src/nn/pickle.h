/* A pickle interpreter for the subset that PyTorch checkpoints use (protocol
 * 2, plus the protocol 4 framing opcodes). It builds a tree of plain values
 * and never executes anything: the only globals it accepts are an allow-list
 * (OrderedDict, the tensor rebuild functions, the *Storage classes), calls
 * of the rebuild functions stay unevaluated (PK_CALL) for the checkpoint
 * reader to interpret. Every resource is bounded (memo, stack, nesting,
 * string length, memory), so hostile input is refused quickly.
 * See ../shared/specs/checkpoints/README.md. */
#ifndef P3D_NN_PICKLE_H
#define P3D_NN_PICKLE_H

#include <stddef.h>
#include <stdint.h>
#include "photo3d/core.h"

/* Element types of torch storages (torch.<Name>Storage). */
typedef enum {
    PK_DT_F32, PK_DT_F64, PK_DT_F16, PK_DT_BF16,
    PK_DT_I64, PK_DT_I32, PK_DT_I16, PK_DT_I8, PK_DT_U8, PK_DT_BOOL
} pk_dtype;

int pk_dtype_size(pk_dtype dt);
int pk_dtype_is_float(pk_dtype dt);

typedef enum {
    PK_NONE, PK_BOOL, PK_INT, PK_BIGINT, PK_FLOAT, PK_STR,
    PK_TUPLE, PK_LIST, PK_DICT, PK_GLOBAL, PK_PERSID, PK_CALL
} pk_kind;

/* The allowed globals. */
typedef enum {
    PK_G_ORDERED_DICT,       /* collections.OrderedDict */
    PK_G_REBUILD_TENSOR_V2,  /* torch._utils._rebuild_tensor_v2 */
    PK_G_REBUILD_PARAMETER,  /* torch._utils._rebuild_parameter */
    PK_G_STORAGE             /* torch.<Type>Storage, with its dtype */
} pk_global;

typedef struct pk_value pk_value;
struct pk_value {
    pk_kind kind;
    int depth; /* nesting depth of containers below this value */
    union {
        int64_t i;                                        /* PK_BOOL, PK_INT */
        double f;                                         /* PK_FLOAT */
        struct { const char *s; size_t len; } str;        /* PK_STR (NUL-terminated copy), PK_BIGINT (raw LE bytes) */
        struct { pk_value **items; size_t n, cap; } seq;  /* PK_TUPLE, PK_LIST; PK_DICT: key, value, key, value ... */
        struct { pk_global g; pk_dtype dtype; } global;   /* PK_GLOBAL */
        pk_value *persid;                                 /* PK_PERSID: the persistent id (a tuple for torch) */
        struct { pk_global g; pk_value *args; } call;     /* PK_CALL: a rebuild function applied to a tuple */
    } u;
};

/* Owns every value built by pk_load calls made with it. */
typedef struct pk_arena {
    struct pk_block *blocks;
    size_t used_bytes;
} pk_arena;

void pk_arena_free(pk_arena *arena);

/* Runs one pickle starting at data[0] (at most size bytes) up to its STOP.
 * *used receives the bytes consumed, *out the result (owned by arena).
 * Errors are "<name>: ..." with the position as name_offset + byte index. */
int pk_load(p3d_ctx *ctx, pk_arena *arena, const char *name, size_t name_offset,
            const uint8_t *data, size_t size, size_t *used, const pk_value **out);

/* Dictionary lookup by string key; NULL when absent or not a dict. */
const pk_value *pk_dict_get(const pk_value *dict, const char *key);

#endif
