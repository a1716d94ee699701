/*
 * memory.c - every allocation of the library goes through here.
 *
 * Keeping them in one place lets a test make the N-th allocation fail and
 * check that each caller turns it into SENTIMENT_ERR_NOMEM without a leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

unsigned long sn_alloc_fail_at;
unsigned long sn_alloc_count;
size_t sn_alloc_limit;
size_t sn_alloc_refused;

/* Counts only while a test has armed a failure: in normal use no thread
 * writes to the shared counter, so threads allocating at once do not race
 * on it. */
static int should_fail(size_t size)
{
    if (sn_alloc_limit != 0 && size > sn_alloc_limit) {
        if (size > sn_alloc_refused)
            sn_alloc_refused = size;
        return 1;
    }
    if (sn_alloc_fail_at == 0)
        return 0;
    ++sn_alloc_count;
    return sn_alloc_count == sn_alloc_fail_at;
}

void *sn_malloc(size_t size)
{
    if (should_fail(size))
        return NULL;
    return malloc(size ? size : 1);
}

void *sn_calloc(size_t count, size_t size)
{
    if (should_fail(size != 0 && count > SIZE_MAX / size ? SIZE_MAX : count * size))
        return NULL;
    if (count == 0 || size == 0)
        count = size = 1;
    return calloc(count, size);
}

void *sn_realloc(void *ptr, size_t size)
{
    if (should_fail(size))
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void *sn_malloc_array(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return sn_malloc(count * size);
}

void *sn_realloc_array(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return sn_realloc(ptr, count * size);
}

void sn_free(void *ptr)
{
    free(ptr);
}

size_t sn_grow_capacity(size_t cap, size_t need, size_t first)
{
    if (cap == 0)
        cap = first ? first : 1;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return 0;
        cap *= 2;
    }
    return cap;
}

void *sn_grow_array(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t grown = sn_grow_capacity(*cap, need, first);
    void *q = grown ? sn_realloc_array(p, grown, size) : NULL;

    if (q != NULL)
        *cap = grown;
    return q;
}
