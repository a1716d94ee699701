/*
 * store.h - the trainer's examples, as given: raw texts, their labels and
 * which of them were given for validation, with the table of label names
 * and what was skipped of the corpus files.
 */
#ifndef SENTIMENT_STORE_H
#define SENTIMENT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sentiment.h"
#include "strtab.h"

typedef struct sn_store {
    /* example i: text[offset[i] .. offset[i + 1]), label[i], held_out[i] */
    char *text;
    size_t text_len, text_cap;
    size_t *offset;         /* count + 1 */
    uint32_t *label;        /* index into names, in order of first use */
    unsigned char *held_out;    /* given for validation */
    size_t count, cap, held_out_count;

    /* label names, numbered in order of first use */
    sn_strtab labels;
    size_t *label_examples; /* per label: examples with it, of both kinds */
    size_t label_examples_cap;

    /* the malformed lines skipped under "bad-lines skip" */
    size_t skipped;
    char *first_skipped;    /* "FILE:LINE: why", for the first line skipped */
} sn_store;

/* An empty store; fails on memory only. */
int sn_store_init(sn_store *s, sentiment_error *err);
void sn_store_release(sn_store *s);

/* Adds one example, for training or, when HELD_OUT, for validation.
 * SENTIMENT_ERR_INVALID for a label that is empty, too long or not text,
 * SENTIMENT_ERR_DATA past SN_MAX_LABELS labels; nothing changes when it
 * fails. */
int sn_store_add(sn_store *s, const char *label, size_t label_len, const char *text,
                 size_t text_len, int held_out, sentiment_error *err);

/* Adds every example of the corpus file PATH.  A malformed line stops with
 * its file and line, or when SKIP_BAD_LINES is counted and skipped. */
int sn_store_add_file(sn_store *s, const char *path, int held_out, int skip_bad_lines,
                      sentiment_error *err);

/* The label names in byte order, so that a model does not depend on the
 * order of the corpus: *SORTED gets labels.count pointers to the store's own
 * names, *REMAP the sorted index of each label.  The caller frees both
 * arrays (not the names); fails on memory only. */
int sn_store_sorted_labels(const sn_store *s, char ***sorted, uint32_t **remap,
                           sentiment_error *err);

/* The text of example I and its length. */
static inline const char *sn_store_text(const sn_store *s, size_t i, size_t *len)
{
    *len = s->offset[i + 1] - s->offset[i];
    return s->text + s->offset[i];
}

#endif
