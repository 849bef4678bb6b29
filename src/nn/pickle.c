/* Pickle subset interpreter for PyTorch checkpoints (see pickle.h and
 * ../shared/specs/checkpoints/README.md). The machine is iterative (no
 * recursion), values are shared by reference (a memo GET never copies), and
 * every resource has a limit checked before it is used. */
#include "nn/pickle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PK_MAX_STACK (1u << 20)       /* values on the stack */
#define PK_MAX_DEPTH 64               /* MARK nesting and container nesting */
#define PK_MAX_MEMO (1u << 20)        /* highest memo index + 1 */
#define PK_MAX_STRING (1u << 20)      /* bytes in one string */
#define PK_MAX_ARENA (64u << 20)      /* bytes of values per arena */
#define PK_BLOCK_BYTES (64u << 10)

struct pk_block {
    struct pk_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

typedef struct pk_machine {
    p3d_ctx *ctx;
    pk_arena *arena;
    const char *name;
    size_t base;                /* position of data[0] in the named file */
    const uint8_t *data;
    size_t size, pos, op_pos;   /* op_pos: start of the current opcode */
    pk_value **stack;
    size_t sp, stack_cap;
    size_t marks[PK_MAX_DEPTH];
    int nmarks;
    pk_value **memo;
    size_t memo_cap, memo_len; /* memo_len: slots filled, the next MEMOIZE index */
} pk_machine;

static const struct {
    const char *module, *name;
    pk_global g;
    pk_dtype dtype;
} allowed_globals[] = {
    {"collections", "OrderedDict", PK_G_ORDERED_DICT, PK_DT_F32},
    {"torch._utils", "_rebuild_tensor_v2", PK_G_REBUILD_TENSOR_V2, PK_DT_F32},
    {"torch._utils", "_rebuild_parameter", PK_G_REBUILD_PARAMETER, PK_DT_F32},
    {"torch", "FloatStorage", PK_G_STORAGE, PK_DT_F32},
    {"torch", "DoubleStorage", PK_G_STORAGE, PK_DT_F64},
    {"torch", "HalfStorage", PK_G_STORAGE, PK_DT_F16},
    {"torch", "BFloat16Storage", PK_G_STORAGE, PK_DT_BF16},
    {"torch", "LongStorage", PK_G_STORAGE, PK_DT_I64},
    {"torch", "IntStorage", PK_G_STORAGE, PK_DT_I32},
    {"torch", "ShortStorage", PK_G_STORAGE, PK_DT_I16},
    {"torch", "CharStorage", PK_G_STORAGE, PK_DT_I8},
    {"torch", "ByteStorage", PK_G_STORAGE, PK_DT_U8},
    {"torch", "BoolStorage", PK_G_STORAGE, PK_DT_BOOL},
};

int pk_dtype_size(pk_dtype dt)
{
    static const int sizes[] = {4, 8, 2, 2, 8, 4, 2, 1, 1, 1};
    return sizes[dt];
}

int pk_dtype_is_float(pk_dtype dt)
{
    return dt <= PK_DT_BF16;
}

static int fail(pk_machine *m, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(pk_machine *m, int code, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return p3d_fail(m->ctx, code, "%s: %s (pickle opcode at byte %zu)", m->name, what, m->base + m->op_pos);
}

void pk_arena_free(pk_arena *arena)
{
    while (arena->blocks) {
        struct pk_block *next = arena->blocks->next;
        free(arena->blocks);
        arena->blocks = next;
    }
    arena->used_bytes = 0;
}

static void *arena_alloc(pk_machine *m, size_t bytes)
{
    pk_arena *a = m->arena;
    bytes = (bytes + 15) & ~(size_t)15;
    if (bytes > PK_MAX_ARENA || a->used_bytes + bytes > PK_MAX_ARENA) {
        fail(m, P3D_E_LIMIT, "pickle needs more than %u MiB of values", PK_MAX_ARENA >> 20);
        return NULL;
    }
    struct pk_block *b = a->blocks;
    if (!b || b->size - b->used < bytes) {
        size_t size = bytes > PK_BLOCK_BYTES ? bytes : PK_BLOCK_BYTES;
        b = malloc(sizeof *b + size);
        if (!b) {
            p3d_fail(m->ctx, P3D_E_NOMEM, "%s: out of memory reading the pickle", m->name);
            return NULL;
        }
        b->size = size;
        b->used = 0;
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += bytes;
    a->used_bytes += bytes;
    return p;
}

static pk_value *new_value(pk_machine *m, pk_kind kind)
{
    pk_value *v = arena_alloc(m, sizeof *v);
    if (v) {
        memset(v, 0, sizeof *v);
        v->kind = kind;
    }
    return v;
}

/* Records that container now holds child; refuses nesting beyond the limit. */
static int nest(pk_machine *m, pk_value *container, const pk_value *child)
{
    if (child->depth + 1 > container->depth)
        container->depth = child->depth + 1;
    if (container->depth > PK_MAX_DEPTH)
        return fail(m, P3D_E_LIMIT, "values nested deeper than %d levels", PK_MAX_DEPTH);
    return P3D_OK;
}

static int seq_append(pk_machine *m, pk_value *seq, pk_value *item)
{
    if (seq->u.seq.n == seq->u.seq.cap) {
        size_t cap = seq->u.seq.cap ? 2 * seq->u.seq.cap : 4;
        pk_value **items = arena_alloc(m, cap * sizeof *items);
        if (!items)
            return m->ctx->status;
        if (seq->u.seq.n)
            memcpy(items, seq->u.seq.items, seq->u.seq.n * sizeof *items);
        seq->u.seq.items = items;
        seq->u.seq.cap = cap;
    }
    seq->u.seq.items[seq->u.seq.n++] = item;
    return nest(m, seq, item);
}

static int push(pk_machine *m, pk_value *v)
{
    if (!v)
        return m->ctx->status;
    if (m->sp == m->stack_cap) {
        if (m->stack_cap >= PK_MAX_STACK)
            return fail(m, P3D_E_LIMIT, "more than %u values on the pickle stack", PK_MAX_STACK);
        size_t cap = m->stack_cap ? 2 * m->stack_cap : 64;
        pk_value **s = realloc(m->stack, cap * sizeof *s);
        if (!s)
            return p3d_fail(m->ctx, P3D_E_NOMEM, "%s: out of memory reading the pickle", m->name);
        m->stack = s;
        m->stack_cap = cap;
    }
    m->stack[m->sp++] = v;
    return P3D_OK;
}

/* The stack bottom for the current opcode: values above the last MARK only. */
static size_t stack_floor(const pk_machine *m)
{
    return m->nmarks ? m->marks[m->nmarks - 1] : 0;
}

static pk_value *pop(pk_machine *m)
{
    if (m->sp <= stack_floor(m)) {
        fail(m, P3D_E_INPUT, "pickle stack underflow");
        return NULL;
    }
    return m->stack[--m->sp];
}

/* Pops the two topmost values: *upper was pushed last. */
static int pop_pair(pk_machine *m, pk_value **lower, pk_value **upper)
{
    *upper = pop(m);
    *lower = *upper ? pop(m) : NULL;
    return *lower ? P3D_OK : m->ctx->status;
}

static pk_value *top(pk_machine *m)
{
    if (m->sp <= stack_floor(m)) {
        fail(m, P3D_E_INPUT, "pickle stack underflow");
        return NULL;
    }
    return m->stack[m->sp - 1];
}

/* Pops the last MARK; *first receives the stack index of the first value above it. */
static int pop_mark(pk_machine *m, size_t *first)
{
    if (!m->nmarks)
        return fail(m, P3D_E_INPUT, "pickle uses a MARK that was never set");
    *first = m->marks[--m->nmarks];
    return P3D_OK;
}

static int take(pk_machine *m, size_t n, const uint8_t **p)
{
    if (m->size - m->pos < n)
        return fail(m, P3D_E_INPUT, "truncated pickle");
    *p = m->data + m->pos;
    m->pos += n;
    return P3D_OK;
}

static uint64_t read_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int make_int(pk_machine *m, int64_t i)
{
    pk_value *v = new_value(m, PK_INT);
    if (v)
        v->u.i = i;
    return push(m, v);
}

/* LONG1: n-byte little-endian two's complement; over 8 bytes stays raw. */
static int op_long1(pk_machine *m)
{
    const uint8_t *p = NULL;
    if (take(m, 1, &p))
        return m->ctx->status;
    int n = p[0];
    if (take(m, (size_t)n, &p))
        return m->ctx->status;
    if (n > 8) {
        char *bytes = arena_alloc(m, (size_t)n);
        pk_value *v = bytes ? new_value(m, PK_BIGINT) : NULL;
        if (v) {
            memcpy(bytes, p, (size_t)n);
            v->u.str.s = bytes;
            v->u.str.len = (size_t)n;
        }
        return push(m, v);
    }
    uint64_t u = n ? read_le(p, n) : 0;
    if (n && n < 8 && (p[n - 1] & 0x80))
        u |= ~(uint64_t)0 << (8 * n);
    return make_int(m, (int64_t)u);
}

static int make_string(pk_machine *m, int len_bytes)
{
    const uint8_t *p = NULL;
    if (take(m, (size_t)len_bytes, &p))
        return m->ctx->status;
    uint64_t len = read_le(p, len_bytes);
    if (len > PK_MAX_STRING)
        return fail(m, P3D_E_LIMIT, "string of %llu bytes exceeds the limit of %u",
                    (unsigned long long)len, PK_MAX_STRING);
    if (take(m, (size_t)len, &p))
        return m->ctx->status;
    char *s = arena_alloc(m, (size_t)len + 1);
    pk_value *v = s ? new_value(m, PK_STR) : NULL;
    if (!v)
        return m->ctx->status;
    memcpy(s, p, (size_t)len);
    s[len] = 0;
    v->u.str.s = s;
    v->u.str.len = (size_t)len;
    return push(m, v);
}

/* Copies text for an error message, replacing anything unprintable. */
static void printable(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
    dst[n] = 0;
}

static int make_global(pk_machine *m, const char *module, size_t mlen, const char *name, size_t nlen)
{
    for (size_t i = 0; i < sizeof allowed_globals / sizeof allowed_globals[0]; i++) {
        if (strlen(allowed_globals[i].module) == mlen && !memcmp(allowed_globals[i].module, module, mlen) &&
            strlen(allowed_globals[i].name) == nlen && !memcmp(allowed_globals[i].name, name, nlen)) {
            pk_value *v = new_value(m, PK_GLOBAL);
            if (v) {
                v->u.global.g = allowed_globals[i].g;
                v->u.global.dtype = allowed_globals[i].dtype;
            }
            return push(m, v);
        }
    }
    char mod[80], nam[80];
    printable(mod, sizeof mod, module, mlen);
    printable(nam, sizeof nam, name, nlen);
    return p3d_fail(m->ctx, P3D_E_INPUT, "%s: refuses pickle global '%s %s'", m->name, mod, nam);
}

/* GLOBAL: "module\nname\n". */
static int op_global(pk_machine *m)
{
    const char *line[2];
    size_t len[2];
    for (int k = 0; k < 2; k++) {
        const uint8_t *start = m->data + m->pos;
        const uint8_t *nl = memchr(start, '\n', m->size - m->pos);
        if (!nl)
            return fail(m, P3D_E_INPUT, "truncated pickle");
        line[k] = (const char *)start;
        len[k] = (size_t)(nl - start);
        m->pos += len[k] + 1;
    }
    return make_global(m, line[0], len[0], line[1], len[1]);
}

static int op_stack_global(pk_machine *m)
{
    pk_value *module, *name;
    if (pop_pair(m, &module, &name))
        return m->ctx->status;
    if (name->kind != PK_STR || module->kind != PK_STR)
        return fail(m, P3D_E_INPUT, "STACK_GLOBAL needs two strings");
    return make_global(m, module->u.str.s, module->u.str.len, name->u.str.s, name->u.str.len);
}

static int memo_put(pk_machine *m, uint64_t index)
{
    pk_value *v = top(m);
    if (!v)
        return m->ctx->status;
    if (index >= PK_MAX_MEMO)
        return fail(m, P3D_E_LIMIT, "memo index %llu exceeds the limit of %u",
                    (unsigned long long)index, PK_MAX_MEMO);
    if (index >= m->memo_cap) {
        size_t cap = m->memo_cap ? m->memo_cap : 64;
        while (cap <= index)
            cap *= 2;
        pk_value **memo = realloc(m->memo, cap * sizeof *memo);
        if (!memo)
            return p3d_fail(m->ctx, P3D_E_NOMEM, "%s: out of memory reading the pickle", m->name);
        memset(memo + m->memo_cap, 0, (cap - m->memo_cap) * sizeof *memo);
        m->memo = memo;
        m->memo_cap = cap;
    }
    m->memo_len += !m->memo[index];
    m->memo[index] = v;
    return P3D_OK;
}

static int memo_get(pk_machine *m, uint64_t index)
{
    if (index >= m->memo_cap || !m->memo[index])
        return fail(m, P3D_E_INPUT, "memo index %llu was never stored", (unsigned long long)index);
    return push(m, m->memo[index]);
}

static int make_tuple(pk_machine *m, size_t first)
{
    size_t n = m->sp - first;
    pk_value *t = new_value(m, PK_TUPLE);
    pk_value **items = n && t ? arena_alloc(m, n * sizeof *items) : NULL;
    if (!t || (n && !items))
        return m->ctx->status;
    t->u.seq.items = items;
    t->u.seq.n = t->u.seq.cap = n;
    for (size_t k = 0; k < n; k++) {
        items[k] = m->stack[first + k];
        if (nest(m, t, items[k]))
            return m->ctx->status;
    }
    m->sp = first;
    return push(m, t);
}

static int op_tuple_n(pk_machine *m, size_t n)
{
    if (m->sp - stack_floor(m) < n)
        return fail(m, P3D_E_INPUT, "pickle stack underflow");
    return make_tuple(m, m->sp - n);
}

/* SETITEM(S) / APPEND(S): values from stack[first..sp) go into the container below them. */
static int fill_container(pk_machine *m, size_t first, pk_kind kind)
{
    if (first <= stack_floor(m))
        return fail(m, P3D_E_INPUT, "pickle stack underflow");
    pk_value *c = m->stack[first - 1];
    if (c->kind != kind)
        return fail(m, P3D_E_INPUT, "%s on a value that is not a %s",
                    kind == PK_DICT ? "SETITEM" : "APPEND", kind == PK_DICT ? "dict" : "list");
    if (kind == PK_DICT && (m->sp - first) % 2)
        return fail(m, P3D_E_INPUT, "SETITEMS with an odd number of values");
    for (size_t k = first; k < m->sp; k++)
        if (seq_append(m, c, m->stack[k]))
            return m->ctx->status;
    m->sp = first;
    return P3D_OK;
}

static int op_reduce(pk_machine *m)
{
    pk_value *fn, *args;
    if (pop_pair(m, &fn, &args))
        return m->ctx->status;
    if (fn->kind != PK_GLOBAL || args->kind != PK_TUPLE)
        return fail(m, P3D_E_INPUT, "REDUCE needs a global and a tuple");
    if (fn->u.global.g == PK_G_ORDERED_DICT) {
        if (args->u.seq.n)
            return fail(m, P3D_E_INPUT, "OrderedDict called with arguments");
        return push(m, new_value(m, PK_DICT));
    }
    if (fn->u.global.g == PK_G_STORAGE)
        return fail(m, P3D_E_INPUT, "a storage class is called");
    pk_value *call = new_value(m, PK_CALL);
    if (!call)
        return m->ctx->status;
    call->u.call.g = fn->u.global.g;
    call->u.call.args = args;
    if (nest(m, call, args))
        return m->ctx->status;
    return push(m, call);
}

/* BUILD sets attributes; only OrderedDict's _metadata dict occurs, which we drop. */
static int op_build(pk_machine *m)
{
    pk_value *state = pop(m);
    pk_value *obj = state ? top(m) : NULL;
    if (!obj)
        return m->ctx->status;
    if (obj->kind != PK_DICT || (state->kind != PK_DICT && state->kind != PK_NONE))
        return fail(m, P3D_E_INPUT, "BUILD is only accepted for a dict's attributes");
    return P3D_OK;
}

static int op_persid(pk_machine *m)
{
    pk_value *id = pop(m);
    pk_value *v = id ? new_value(m, PK_PERSID) : NULL;
    if (!v)
        return m->ctx->status;
    v->u.persid = id;
    if (nest(m, v, id))
        return m->ctx->status;
    return push(m, v);
}

static int op_binfloat(pk_machine *m)
{
    const uint8_t *p = NULL;
    if (take(m, 8, &p))
        return m->ctx->status;
    uint64_t bits = 0;
    for (int k = 0; k < 8; k++)
        bits = bits << 8 | p[k]; /* big-endian */
    pk_value *v = new_value(m, PK_FLOAT);
    if (v)
        memcpy(&v->u.f, &bits, sizeof v->u.f);
    return push(m, v);
}

static int op_unsigned(pk_machine *m, int n, uint64_t *value)
{
    const uint8_t *p = NULL;
    if (take(m, (size_t)n, &p))
        return m->ctx->status;
    *value = read_le(p, n);
    return P3D_OK;
}

/* Executes one opcode; *stop is set by STOP. */
static int step(pk_machine *m, int *stop)
{
    const uint8_t *p = NULL;
    uint64_t arg = 0;
    size_t first = 0;
    m->op_pos = m->pos;
    if (take(m, 1, &p))
        return m->ctx->status;
    uint8_t op = p[0];
    switch (op) {
    case 0x80: /* PROTO */
        if (op_unsigned(m, 1, &arg))
            return m->ctx->status;
        if (arg < 2 || arg > 4)
            return fail(m, P3D_E_INPUT, "unsupported pickle protocol %u", (unsigned)arg);
        return P3D_OK;
    case 0x95: /* FRAME: only a length hint */
        return op_unsigned(m, 8, &arg);
    case '.': *stop = 1; return P3D_OK;
    case '(':
        if (m->nmarks == PK_MAX_DEPTH)
            return fail(m, P3D_E_LIMIT, "MARKs nested deeper than %d levels", PK_MAX_DEPTH);
        m->marks[m->nmarks++] = m->sp;
        return P3D_OK;
    case 'N': return push(m, new_value(m, PK_NONE));
    case 0x88: case 0x89: {
        pk_value *v = new_value(m, PK_BOOL);
        if (v)
            v->u.i = op == 0x88;
        return push(m, v);
    }
    case 'K': return op_unsigned(m, 1, &arg) ? m->ctx->status : make_int(m, (int64_t)arg);
    case 'M': return op_unsigned(m, 2, &arg) ? m->ctx->status : make_int(m, (int64_t)arg);
    case 'J': return op_unsigned(m, 4, &arg) ? m->ctx->status : make_int(m, (int32_t)(uint32_t)arg);
    case 0x8a: return op_long1(m);
    case 'G': return op_binfloat(m);
    case 'X': return make_string(m, 4);
    case 0x8c: case 'U': return make_string(m, 1);
    case 'c': return op_global(m);
    case 0x93: return op_stack_global(m);
    case 'q': return op_unsigned(m, 1, &arg) ? m->ctx->status : memo_put(m, arg);
    case 'r': return op_unsigned(m, 4, &arg) ? m->ctx->status : memo_put(m, arg);
    case 0x94: return memo_put(m, m->memo_len);
    case 'h': return op_unsigned(m, 1, &arg) ? m->ctx->status : memo_get(m, arg);
    case 'j': return op_unsigned(m, 4, &arg) ? m->ctx->status : memo_get(m, arg);
    case '}': return push(m, new_value(m, PK_DICT));
    case ']': return push(m, new_value(m, PK_LIST));
    case ')': return make_tuple(m, m->sp);
    case 't': return pop_mark(m, &first) ? m->ctx->status : make_tuple(m, first);
    case 0x85: return op_tuple_n(m, 1);
    case 0x86: return op_tuple_n(m, 2);
    case 0x87: return op_tuple_n(m, 3);
    case 's': return m->sp - stack_floor(m) < 2 ? fail(m, P3D_E_INPUT, "pickle stack underflow")
                                                : fill_container(m, m->sp - 2, PK_DICT);
    case 'u': return pop_mark(m, &first) ? m->ctx->status : fill_container(m, first, PK_DICT);
    case 'a': return m->sp - stack_floor(m) < 1 ? fail(m, P3D_E_INPUT, "pickle stack underflow")
                                                : fill_container(m, m->sp - 1, PK_LIST);
    case 'e': return pop_mark(m, &first) ? m->ctx->status : fill_container(m, first, PK_LIST);
    case 'R': return op_reduce(m);
    case 'b': return op_build(m);
    case 'Q': return op_persid(m);
    default:
        return fail(m, P3D_E_INPUT, "unsupported pickle opcode 0x%02x", op);
    }
}

int pk_load(p3d_ctx *ctx, pk_arena *arena, const char *name, size_t name_offset,
            const uint8_t *data, size_t size, size_t *used, const pk_value **out)
{
    pk_machine m = {.ctx = ctx, .arena = arena, .name = name, .base = name_offset, .data = data, .size = size};
    int stop = 0;
    *out = NULL;
    while (!stop && step(&m, &stop) == P3D_OK) {
    }
    if (stop) {
        if (m.sp != 1 || m.nmarks)
            fail(&m, P3D_E_INPUT, "pickle ends with %zu values on the stack", m.sp);
        else {
            *out = m.stack[0];
            *used = m.pos;
        }
    }
    free(m.stack);
    free(m.memo);
    return *out ? P3D_OK : ctx->status;
}

const pk_value *pk_dict_get(const pk_value *dict, const char *key)
{
    if (!dict || dict->kind != PK_DICT)
        return NULL;
    for (size_t k = 0; k + 1 < dict->u.seq.n; k += 2) {
        const pk_value *kv = dict->u.seq.items[k];
        if (kv->kind == PK_STR && !strcmp(kv->u.str.s, key))
            return dict->u.seq.items[k + 1];
    }
    return NULL;
}
