/*
 * store.c - the examples a trainer is given, kept as raw text.
 *
 * Texts stay text until training starts, so that every option (buckets,
 * n-grams, ...) may be set in any order before and after adding them: all
 * texts share one growing buffer, and example i is the bytes between two
 * offsets.  Labels are interned into a small open-addressing table, so an
 * example costs one index and a corpus of millions of lines holds each
 * label name once; the table numbers labels in order of first use, and
 * sn_store_sorted_labels() gives the order a model uses.
 *
 * Corpus files are read here too, line by line through the library's
 * reader, with the "bad-lines" policy: a malformed line stops with its file
 * and line, or is counted and skipped, the first one kept for the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "network.h"     /* SN_MAX_LABELS */
#include "store.h"

int sn_store_init(sn_store *s, sentiment_error *err)
{
    memset(s, 0, sizeof *s);
    s->offset = sn_malloc(sizeof *s->offset);
    if (s->offset == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
    s->offset[0] = 0;
    return SENTIMENT_OK;
}

void sn_store_release(sn_store *s)
{
    sn_strtab_release(&s->labels);
    sn_free(s->label_examples);
    sn_free(s->text);
    sn_free(s->offset);
    sn_free(s->label);
    sn_free(s->held_out);
    sn_free(s->first_skipped);
    memset(s, 0, sizeof *s);
}

/* ---- the label table --------------------------------------------------- */

/* The index of LABEL, added when new; a negative status when it cannot be:
 * -SENTIMENT_ERR_NOMEM, or -SENTIMENT_ERR_DATA past SN_MAX_LABELS labels.
 * Nothing changes when it fails. */
static long intern_label(sn_store *s, const char *label, size_t len)
{
    long found = sn_strtab_find(&s->labels, label, len);
    size_t n = s->labels.count;

    if (found >= 0)
        return found;
    if (n >= SN_MAX_LABELS)
        return -SENTIMENT_ERR_DATA;
    /* The count of examples first: the table must hold no label without. */
    if (n == s->label_examples_cap) {
        size_t *counts = sn_grow_array(s->label_examples, &s->label_examples_cap, n + 1,
                                       sizeof *counts, 8);
        if (counts == NULL)
            return -SENTIMENT_ERR_NOMEM;
        s->label_examples = counts;
    }
    found = sn_strtab_intern(&s->labels, label, len);
    if (found < 0)
        return -SENTIMENT_ERR_NOMEM;
    s->label_examples[found] = 0;
    return found;
}

typedef struct named {
    const char *name;
    uint32_t index;
} named;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

int sn_store_sorted_labels(const sn_store *s, char ***sorted, uint32_t **remap,
                           sentiment_error *err)
{
    named *order = sn_malloc_array(s->labels.count, sizeof *order);

    *sorted = sn_malloc_array(s->labels.count, sizeof **sorted);
    *remap = sn_malloc_array(s->labels.count, sizeof **remap);
    if (*sorted == NULL || *remap == NULL || order == NULL) {
        sn_free(order);
        sn_free(*sorted);
        sn_free(*remap);
        *sorted = NULL;
        *remap = NULL;
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
    }
    for (size_t i = 0; i < s->labels.count; i++) {
        order[i].name = s->labels.string[i];
        order[i].index = (uint32_t)i;
    }
    qsort(order, s->labels.count, sizeof *order, cmp_names);
    for (size_t k = 0; k < s->labels.count; k++) {
        (*sorted)[k] = s->labels.string[order[k].index];
        (*remap)[order[k].index] = (uint32_t)k;
    }
    sn_free(order);
    return SENTIMENT_OK;
}

/* ---- examples ---------------------------------------------------------- */

/* Room for one more example and TEXT_LEN more bytes of text. */
static int reserve(sn_store *s, size_t text_len, sentiment_error *err)
{
    if (s->count + 1 >= s->cap) {
        size_t cap = sn_grow_capacity(s->cap, s->count + 2, 1024);
        size_t *offset = sn_realloc_array(s->offset, cap + 1, sizeof *offset);
        if (offset == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        s->offset = offset;
        uint32_t *labels = sn_realloc_array(s->label, cap, sizeof *labels);
        if (labels == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        s->label = labels;
        unsigned char *held = sn_realloc_array(s->held_out, cap, 1);
        if (held == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        s->held_out = held;
        s->cap = cap;
    }
    if (s->text_len + text_len > s->text_cap) {
        char *p = sn_grow_array(s->text, &s->text_cap, s->text_len + text_len, 1, 1 << 20);
        if (p == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        s->text = p;
    }
    return SENTIMENT_OK;
}

int sn_store_add(sn_store *s, const char *label, size_t label_len, const char *text,
                 size_t text_len, int held_out, sentiment_error *err)
{
    long index;

    if (label_len == 0 || label_len > 1024 || memchr(label, '\0', label_len))
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "a label must be 1 to 1024 bytes without NUL");
    if (sn_check_label(label, label_len, SENTIMENT_ERR_INVALID, err) != SENTIMENT_OK)
        return SENTIMENT_ERR_INVALID;
    if (reserve(s, text_len, err) != SENTIMENT_OK)
        return SENTIMENT_ERR_NOMEM;
    index = intern_label(s, label, label_len);
    if (index == -SENTIMENT_ERR_DATA)
        return sn_fail(err, SENTIMENT_ERR_DATA, "more than %d different labels",
                       SN_MAX_LABELS);
    if (index < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
    if (text_len > 0)
        memcpy(s->text + s->text_len, text, text_len);
    s->text_len += text_len;
    s->label[s->count] = (uint32_t)index;
    s->label_examples[index]++;
    s->held_out[s->count] = held_out != 0;
    s->held_out_count += held_out != 0;
    s->offset[++s->count] = s->text_len;
    return SENTIMENT_OK;
}

/* ---- corpus files ------------------------------------------------------ */

/* Adds what reader R skipped to the store's count, and the first of its
 * lines when the store has none yet. */
static int count_skipped(sn_store *s, const sentiment_reader *r, sentiment_error *err)
{
    const char *first = sentiment_reader_first_skipped_line(r);

    s->skipped += sentiment_reader_skipped_lines(r);
    if (first != NULL && s->first_skipped == NULL) {
        size_t n = strlen(first);
        s->first_skipped = sn_malloc(n + 1);
        if (s->first_skipped == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", first);
        memcpy(s->first_skipped, first, n + 1);
    }
    return SENTIMENT_OK;
}

int sn_store_add_file(sn_store *s, const char *path, int held_out, int skip_bad_lines,
                      sentiment_error *err)
{
    sentiment_reader *r;
    sentiment_example ex;
    int rc, counted;

    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    if (skip_bad_lines)
        rc = sentiment_reader_set_bad_lines(r, SENTIMENT_BAD_LINES_SKIP, err);
    /* The reader names file and line of a line it cannot split, and of one
     * the store refuses (a label that is not text), as the policy says. */
    while (rc == SENTIMENT_OK &&
           (rc = sentiment_reader_next_example(r, &ex, err)) == SENTIMENT_OK &&
           ex.label != NULL) {
        sentiment_error detail;
        rc = sn_store_add(s, ex.label, ex.label_len, ex.text, ex.text_len, held_out, &detail);
        if (rc == SENTIMENT_ERR_INVALID)
            rc = sentiment_reader_bad_line(r, rc, detail.message, err);
        else if (rc != SENTIMENT_OK)
            sn_fail(err, rc, "%s:%lu: %s", path, sentiment_reader_line_number(r),
                    detail.message);
    }
    counted = count_skipped(s, r, rc == SENTIMENT_OK ? err : NULL);
    sentiment_reader_free(r);
    return rc != SENTIMENT_OK ? rc : counted;
}
