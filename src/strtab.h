/*
 * strtab.h - a table of byte strings, numbered in order of first addition.
 *
 * The word lists and the trainer's label names both need the same thing:
 * turn a string into a small number once, and find it again fast.  Each
 * string is copied once (its address stays the same for the table's life,
 * so callers may hand it out) and found through an open-addressing hash
 * table kept at most half full, so a lookup is one hash and usually one
 * comparison.
 */
#ifndef SENTIMENT_STRTAB_H
#define SENTIMENT_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct sn_strtab {
    char **string;      /* string i, NUL-terminated (it may hold NULs too) */
    uint32_t *length;   /* its length in bytes, the NUL not counted */
    size_t count, cap;
    uint32_t *slot;     /* index + 1, or 0 for empty */
    size_t slots;       /* 0, or a power of two at least 2 * count */
} sn_strtab;

void sn_strtab_init(sn_strtab *t);
void sn_strtab_release(sn_strtab *t);

/* The index of the LEN bytes at S, or -1 when the table lacks them. */
long sn_strtab_find(const sn_strtab *t, const char *s, size_t len);

/* The index of the LEN bytes at S, added as the next index when new; -1
 * when memory runs out, and then the table is as it was. */
long sn_strtab_intern(sn_strtab *t, const char *s, size_t len);

#endif
