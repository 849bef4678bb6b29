/* Buffer pool for activation tensors (see tensor.h): best-fit reuse of
 * 64-byte aligned blocks; a free block too small for a request is grown
 * rather than kept, so the pool converges to the sizes a network needs.
 * Growing goes through realloc, which for large blocks moves the pages that
 * were already touched (mremap) instead of faulting in fresh ones: inputs
 * of changing sizes would otherwise fault in gigabytes over a run. */
#include "nn/tensor.h"

#include <stdint.h>
#include <stdlib.h>

#define POOL_MAX_BLOCKS 64

#define ALIGN 64

typedef struct pool_block {
    void *raw;   /* from malloc/realloc, ALIGN - 1 spare bytes */
    float *data; /* raw rounded up to ALIGN */
    size_t cap;  /* floats */
    int used;
} pool_block;

struct nn_pool {
    pool_block block[POOL_MAX_BLOCKS];
    pool_block scratch;
    int n;
    int owners;
};

nn_pool *nn_pool_new(void)
{
    nn_pool *pool = calloc(1, sizeof(nn_pool));
    if (pool)
        pool->owners = 1;
    return pool;
}

nn_pool *nn_pool_retain(nn_pool *pool)
{
    pool->owners++;
    return pool;
}

void nn_pool_free(nn_pool *pool)
{
    if (!pool || --pool->owners > 0)
        return;
    for (int i = 0; i < pool->n; i++)
        free(pool->block[i].raw);
    free(pool->scratch.raw);
    free(pool);
}

size_t nn_pool_bytes(const nn_pool *pool)
{
    size_t bytes = 0;
    for (int i = 0; i < pool->n; i++)
        bytes += pool->block[i].cap * sizeof(float);
    return bytes + pool->scratch.cap * sizeof(float);
}

static int best_free_block(const nn_pool *pool, size_t need)
{
    int best = -1;
    for (int i = 0; i < pool->n; i++) {
        const pool_block *b = &pool->block[i];
        if (!b->used && b->cap >= need && (best < 0 || b->cap < pool->block[best].cap))
            best = i;
    }
    return best;
}

/* A free block to grow (the largest free one) or a new empty slot. */
static int slot_for_new_block(nn_pool *pool)
{
    int victim = -1;
    for (int i = 0; i < pool->n; i++)
        if (!pool->block[i].used && (victim < 0 || pool->block[i].cap > pool->block[victim].cap))
            victim = i;
    if (victim >= 0)
        return victim;
    if (pool->n == POOL_MAX_BLOCKS)
        return -1;
    pool->block[pool->n] = (pool_block){0};
    return pool->n++;
}

/* b holds at least need floats afterwards (0 on failure, b unchanged). */
static int grow(pool_block *b, size_t need)
{
    /* the contents need not survive, but realloc keeps the pages */
    void *raw = realloc(b->raw, need * sizeof(float) + ALIGN - 1);
    if (!raw)
        return 0;
    b->raw = raw;
    b->data = (float *)(((uintptr_t)raw + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
    b->cap = need;
    return 1;
}

float *nn_pool_scratch(nn_pool *pool, size_t floats)
{
    if (pool->scratch.cap < floats && !grow(&pool->scratch, floats))
        return NULL;
    return pool->scratch.data;
}

int nn_tensor_get(p3d_ctx *ctx, nn_pool *pool, int c, int h, int w, nn_tensor *t)
{
    t->c = c;
    t->h = h;
    t->w = w;
    t->data = NULL;
    size_t need = (size_t)c * h * w;
    int i = best_free_block(pool, need);
    if (i < 0) {
        i = slot_for_new_block(pool);
        if (i < 0)
            return p3d_fail(ctx, P3D_E_INTERNAL, "nn: tensor pool exhausted");
        if (!grow(&pool->block[i], need))
            return p3d_fail(ctx, P3D_E_NOMEM, "nn: out of memory for a %dx%dx%d tensor", c, h, w);
    }
    pool->block[i].used = 1;
    t->data = pool->block[i].data;
    return P3D_OK;
}

void nn_tensor_put(nn_pool *pool, nn_tensor *t)
{
    if (!t->data)
        return;
    for (int i = 0; i < pool->n; i++)
        if (pool->block[i].data == t->data) {
            pool->block[i].used = 0;
            break;
        }
    t->data = NULL;
}
