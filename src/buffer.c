/*
 * buffer.c - a growable array of bytes (see buffer.h).  It doubles, so that
 * appending N bytes one field at a time costs O(N) in all.
 */
#include <string.h>

#include "buffer.h"
#include "internal.h"

#define FIRST_CAPACITY 4096

unsigned char *sn_buffer_grow(sn_buffer *b, size_t n)
{
    if (b->failed)
        return NULL;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : FIRST_CAPACITY;
        unsigned char *p;

        if (n > (size_t)-1 - b->len) {
            b->failed = 1;
            return NULL;
        }
        while (cap < b->len + n)
            cap = cap <= (size_t)-1 / 2 ? cap * 2 : b->len + n;
        p = sn_realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return NULL;
        }
        b->data = p;
        b->cap = cap;
    }
    b->len += n;
    return b->data + b->len - n;
}

int sn_buffer_append(sn_buffer *b, const void *data, size_t n)
{
    unsigned char *p;

    if (n == 0)
        return b->failed ? -1 : 0;
    p = sn_buffer_grow(b, n);
    if (p == NULL)
        return -1;
    memcpy(p, data, n);
    return 0;
}

void sn_buffer_release(sn_buffer *b)
{
    sn_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
