/*
 * buffer.h - a growable array of bytes.
 *
 * A failure to grow is remembered (FAILED), and every later call does
 * nothing, so that a writer can append a long series of fields and check
 * for memory once at the end instead of after every field.
 */
#ifndef SENTIMENT_BUFFER_H
#define SENTIMENT_BUFFER_H

#include <stddef.h>

typedef struct sn_buffer {
    unsigned char *data;
    size_t len;     /* bytes in use */
    size_t cap;     /* bytes allocated */
    int failed;     /* memory ran out: DATA holds what came before */
} sn_buffer;

/* An empty buffer: nothing is allocated before the first byte comes. */
#define SN_BUFFER_INIT {NULL, 0, 0, 0}

/* N more bytes at the end, to be filled by the caller; NULL when memory
 * runs out or ran out before (and possibly for N = 0: nothing to fill). */
unsigned char *sn_buffer_grow(sn_buffer *b, size_t n);

/* Appends the N bytes at DATA; fails (-1) as sn_buffer_grow() does. */
int sn_buffer_append(sn_buffer *b, const void *data, size_t n);

/* Frees the bytes and makes B empty again. */
void sn_buffer_release(sn_buffer *b);

#endif
