/*
 * strtab.c - a table of byte strings, numbered in order of first addition.
 *
 * See strtab.h.  Growing comes before adding, so that a failure leaves the
 * table as it was: the callers' own arrays indexed by string (a word's
 * lists, a label's example count) grow first too, and none of them may
 * hold an index the table does not.
 */
#include <string.h>

#include "internal.h"
#include "strtab.h"

void sn_strtab_init(sn_strtab *t)
{
    memset(t, 0, sizeof *t);
}

void sn_strtab_release(sn_strtab *t)
{
    for (size_t i = 0; i < t->count; i++)
        sn_free(t->string[i]);
    sn_free(t->string);
    sn_free(t->length);
    sn_free(t->slot);
    sn_strtab_init(t);
}

/* FNV-1a, 64 bits. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ULL;
    return h;
}

/* The slot that holds S, or the empty slot where it would go. */
static size_t slot_of(const sn_strtab *t, const char *s, size_t len)
{
    size_t h = hash_bytes(s, len) & (t->slots - 1);

    while (t->slot[h] != 0) {
        size_t i = t->slot[h] - 1;
        if (t->length[i] == len && memcmp(t->string[i], s, len) == 0)
            break;
        h = (h + 1) & (t->slots - 1);
    }
    return h;
}

long sn_strtab_find(const sn_strtab *t, const char *s, size_t len)
{
    size_t h;

    if (t->slots == 0)
        return -1;
    h = slot_of(t, s, len);
    return (long)t->slot[h] - 1;
}

static int rehash(sn_strtab *t, size_t slots)
{
    uint32_t *slot = sn_calloc(slots, sizeof *slot);

    if (slot == NULL)
        return -1;
    sn_free(t->slot);
    t->slot = slot;
    t->slots = slots;
    for (size_t i = 0; i < t->count; i++)
        t->slot[slot_of(t, t->string[i], t->length[i])] = (uint32_t)i + 1;
    return 0;
}

/* Room for one more string, in the arrays and in the hash table. */
static int reserve_one(sn_strtab *t)
{
    if (t->count == t->cap) {
        size_t cap = sn_grow_capacity(t->cap, t->count + 1, 16);
        char **string = cap ? sn_realloc_array(t->string, cap, sizeof *string) : NULL;
        if (string == NULL)
            return -1;
        t->string = string;
        uint32_t *length = sn_realloc_array(t->length, cap, sizeof *length);
        if (length == NULL)
            return -1; /* STRING is larger than CAP says: harmless */
        t->length = length;
        t->cap = cap;
    }
    if (2 * (t->count + 1) > t->slots)
        return rehash(t, t->slots ? 2 * t->slots : 32);
    return 0;
}

long sn_strtab_intern(sn_strtab *t, const char *s, size_t len)
{
    long found = sn_strtab_find(t, s, len);
    char *copy;

    if (found >= 0)
        return found;
    if (len > UINT32_MAX || t->count >= UINT32_MAX - 1 || reserve_one(t) < 0)
        return -1;
    copy = sn_malloc(len + 1);
    if (copy == NULL)
        return -1;
    if (len > 0)
        memcpy(copy, s, len);
    copy[len] = '\0';
    t->string[t->count] = copy;
    t->length[t->count] = (uint32_t)len;
    t->slot[slot_of(t, s, len)] = (uint32_t)t->count + 1;
    return (long)t->count++;
}
