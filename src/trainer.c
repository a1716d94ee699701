/*
 * trainer.c - from labeled texts to a model.
 *
 * Examples are kept as raw text until training starts, so that every option
 * (buckets, n-grams, ...) may be set in any order before and after adding
 * them.  Training then turns all texts into sparse vectors once, holds out
 * a validation share, and runs mini-batch Adam for a number of epochs,
 * keeping the weights of the epoch that scored best on the held-out share.
 * At the end batch normalization is folded into the first layer.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "model.h"
#include "batchnorm.h"
#include "optimizer.h"
#include "pool.h"

#define SN_MAX_THREADS 64

struct sentiment_trainer {
    /* options */
    sn_tokenizer_settings tokenizer;
    sn_vectorizer_settings vectorizer;
    sn_lexicon lexicon;
    uint32_t hidden, epochs, batch_size;
    double learning_rate, validation, init_scale, bn_epsilon, dropout, weight_decay;
    int batchnorm, nb_scaling, sgd, linear_decay;
    uint64_t seed;
    unsigned quantize;      /* 0, 8 or 4 bits */
    double prune;

    /* examples: text i is text[offset[i] .. offset[i+1]) */
    char *text;
    size_t text_len, text_cap;
    size_t *offset;
    uint32_t *label;
    unsigned char *held_out;    /* per example: given for validation */
    size_t count, cap, held_out_count;
    unsigned patience;
    unsigned threads;       /* 0: as many as the machine has cores */

    /* the validation confusion matrix and log loss of the kept epoch, after
     * training */
    unsigned long long *confusion;
    char **report_labels;
    double report_log_loss;
    size_t report_label_count;

    /* label names, and a hash table from name to index */
    char **names;
    size_t *label_examples; /* per label: examples with it, of both kinds */
    size_t name_count, names_cap;
    uint32_t *table;        /* index + 1, or 0 for empty */
    size_t table_size;

    sentiment_progress_fn progress;
    void *user;

    /* "bad-lines": stop at a malformed corpus line, or skip and count it */
    int skip_bad_lines;
    size_t skipped;
    char *first_skipped;    /* "FILE:LINE: why", for the first line skipped */
};

int sentiment_trainer_create(sentiment_trainer **out, sentiment_error *err)
{
    sentiment_trainer *t;

    if (out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no place to put the trainer");
    *out = NULL;
    t = sn_calloc(1, sizeof *t);
    if (t == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a trainer");
    sn_tokenizer_settings_default(&t->tokenizer);
    sn_vectorizer_settings_default(&t->vectorizer);
    sn_lexicon_init(&t->lexicon);
    t->hidden = 16;
    t->epochs = 5;
    t->batch_size = 128;
    t->learning_rate = 0.002;
    t->validation = 0.05;
    t->batchnorm = 1;
    t->nb_scaling = 1;
    t->init_scale = 0.01;
    t->bn_epsilon = 1.0;
    t->patience = 2;
    t->seed = 1;
    t->offset = sn_malloc(sizeof *t->offset);
    if (t->offset == NULL || sn_lexicon_load_default(&t->lexicon, err) != SENTIMENT_OK) {
        sentiment_trainer_free(t);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a trainer");
    }
    t->offset[0] = 0;
    *out = t;
    return SENTIMENT_OK;
}

void sentiment_trainer_free(sentiment_trainer *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->name_count; i++)
        sn_free(t->names[i]);
    sn_free(t->names);
    sn_free(t->label_examples);
    sn_free(t->table);
    sn_free(t->text);
    sn_free(t->offset);
    sn_free(t->label);
    sn_free(t->held_out);
    sn_free(t->confusion);
    sn_free(t->report_labels);
    sn_free(t->first_skipped);
    sn_lexicon_release(&t->lexicon);
    sn_free(t);
}

void sentiment_trainer_set_progress(sentiment_trainer *t, sentiment_progress_fn fn,
                                    void *user)
{
    if (t != NULL) {
        t->progress = fn;
        t->user = user;
    }
}

size_t sentiment_trainer_example_count(const sentiment_trainer *t)
{
    return t ? t->count : 0;
}

/* ---- options ----------------------------------------------------------- */

static int parse_uint(const char *s, unsigned long long lo, unsigned long long hi,
                      unsigned long long *out)
{
    char *end;
    unsigned long long v;

    if (s == NULL || !(*s >= '0' && *s <= '9'))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_real(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    if (s == NULL || !((*s >= '0' && *s <= '9') || *s == '.'))
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int sentiment_trainer_set(sentiment_trainer *t, const char *name, const char *value,
                          sentiment_error *err)
{
    unsigned long long u;
    double d;

    if (t == NULL || name == NULL || value == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer, option or value");
    if (strcmp(name, "buckets") == 0) {
        if (parse_uint(value, 1ULL << SN_MIN_BUCKET_BITS, 1ULL << SN_MAX_BUCKET_BITS,
                       &u) < 0 || (u & (u - 1)) != 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "buckets: '%s' is not a power of two from %d to %d", value,
                           1 << SN_MIN_BUCKET_BITS, 1 << SN_MAX_BUCKET_BITS);
        t->vectorizer.bucket_bits = 0;
        while ((1ULL << t->vectorizer.bucket_bits) < u)
            t->vectorizer.bucket_bits++;
    } else if (strcmp(name, "ngrams") == 0 || strcmp(name, "char-ngrams") == 0) {
        if (parse_uint(value, 1, SN_MAX_NGRAMS, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "%s: '%s' is not a whole number from 1 to %d", name, value,
                           SN_MAX_NGRAMS);
        if (name[0] == 'n')
            t->vectorizer.ngrams = (uint32_t)u;
        else
            t->vectorizer.char_ngrams = (uint32_t)u;
    } else if (strcmp(name, "weighting") == 0) {
        if (strcmp(value, "binary") == 0)
            t->vectorizer.weighting = SN_WEIGHT_BINARY;
        else if (strcmp(value, "logtf") == 0)
            t->vectorizer.weighting = SN_WEIGHT_LOGTF;
        else
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "weighting: '%s' is neither 'binary' nor 'logtf'", value);
    } else if (strcmp(name, "stem") == 0) {
        if (parse_uint(value, 0, SN_MAX_STEM, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "stem: '%s' is not a whole number from 0 to %d", value,
                           SN_MAX_STEM);
        t->vectorizer.stem = (uint32_t)u;
    } else if (strcmp(name, "normalize") == 0) {
        if (parse_uint(value, 0, 1, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID, "normalize: '%s' is not 0 or 1",
                           value);
        t->vectorizer.normalize = (uint32_t)u;
    } else if (sn_tokenizer_rule(name) != 0) {
        if (parse_uint(value, 0, 1, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID, "%s: '%s' is not 0 or 1", name,
                           value);
        if (u)
            t->tokenizer.flags |= sn_tokenizer_rule(name);
        else
            t->tokenizer.flags &= ~sn_tokenizer_rule(name);
    } else if (strcmp(name, "lexicons") == 0) {
        sn_lexicon lex;
        int rc;
        sn_lexicon_init(&lex);
        rc = sn_lexicon_load_dir(&lex, value, err);
        if (rc != SENTIMENT_OK) {
            sn_lexicon_release(&lex);
            return rc;
        }
        sn_lexicon_release(&t->lexicon);
        t->lexicon = lex;
    } else if (strcmp(name, "hidden") == 0) {
        if (parse_uint(value, 1, SN_MAX_HIDDEN, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "hidden: '%s' is not a whole number from 1 to %d", value,
                           SN_MAX_HIDDEN);
        t->hidden = (uint32_t)u;
    } else if (strcmp(name, "epochs") == 0) {
        if (parse_uint(value, 1, 10000, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "epochs: '%s' is not a whole number from 1 to 10000", value);
        t->epochs = (uint32_t)u;
    } else if (strcmp(name, "batch-size") == 0) {
        if (parse_uint(value, 1, 65536, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "batch-size: '%s' is not a whole number from 1 to 65536",
                           value);
        t->batch_size = (uint32_t)u;
    } else if (strcmp(name, "learning-rate") == 0) {
        if (parse_real(value, 1e-9, 100, &d) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "learning-rate: '%s' is not a number from 1e-9 to 100", value);
        t->learning_rate = d;
    } else if (strcmp(name, "bad-lines") == 0) {
        if (strcmp(value, "stop") == 0)
            t->skip_bad_lines = 0;
        else if (strcmp(value, "skip") == 0)
            t->skip_bad_lines = 1;
        else
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "bad-lines: '%s' is neither 'stop' nor 'skip'", value);
    } else if (strcmp(name, "optimizer") == 0) {
        if (strcmp(value, "adam") == 0)
            t->sgd = 0;
        else if (strcmp(value, "sgd") == 0)
            t->sgd = 1;
        else
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "optimizer: '%s' is neither 'adam' nor 'sgd'", value);
    } else if (strcmp(name, "threads") == 0) {
        if (parse_uint(value, 0, SN_MAX_THREADS, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "threads: '%s' is not a whole number from 0 to %d", value,
                           SN_MAX_THREADS);
        t->threads = (unsigned)u;
    } else if (strcmp(name, "patience") == 0) {
        if (parse_uint(value, 0, 10000, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "patience: '%s' is not a whole number from 0 to 10000", value);
        t->patience = (unsigned)u;
    } else if (strcmp(name, "lr-schedule") == 0) {
        if (strcmp(value, "constant") == 0)
            t->linear_decay = 0;
        else if (strcmp(value, "linear") == 0)
            t->linear_decay = 1;
        else
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "lr-schedule: '%s' is neither 'constant' nor 'linear'", value);
    } else if (strcmp(name, "dropout") == 0) {
        if (parse_real(value, 0, 0.9, &d) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "dropout: '%s' is not a fraction from 0 to 0.9", value);
        t->dropout = d;
    } else if (strcmp(name, "weight-decay") == 0) {
        if (parse_real(value, 0, 1, &d) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "weight-decay: '%s' is not a number from 0 to 1", value);
        t->weight_decay = d;
    } else if (strcmp(name, "bn-epsilon") == 0) {
        if (parse_real(value, 1e-8, 100, &d) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "bn-epsilon: '%s' is not a number from 1e-8 to 100", value);
        t->bn_epsilon = d;
    } else if (strcmp(name, "init-scale") == 0) {
        /* 0 leaves every hidden unit at zero for every text: no gradient
         * reaches the first layer, and the model says the same for all. */
        if (parse_real(value, 0, 100, &d) < 0 || !(d > 0))
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "init-scale: '%s' is not a number above 0, up to 100", value);
        t->init_scale = d;
    } else if (strcmp(name, "validation") == 0) {
        if (parse_real(value, 0, 0.9, &d) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "validation: '%s' is not a fraction from 0 to 0.9", value);
        t->validation = d;
    } else if (strcmp(name, "batchnorm") == 0 || strcmp(name, "nb-scaling") == 0) {
        if (parse_uint(value, 0, 1, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID, "%s: '%s' is not 0 or 1", name,
                           value);
        if (name[0] == 'b')
            t->batchnorm = (int)u;
        else
            t->nb_scaling = (int)u;
    } else if (strcmp(name, "quantize") == 0) {
        if (parse_uint(value, 0, 8, &u) < 0 || (u != 0 && u != 8 && u != 4))
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "quantize: '%s' is not 0, 8 or 4 (bits)", value);
        t->quantize = (unsigned)u;
    } else if (strcmp(name, "prune") == 0) {
        if (parse_real(value, 0, 0.99, &d) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "prune: '%s' is not a fraction from 0 to 0.99", value);
        t->prune = d;
    } else if (strcmp(name, "seed") == 0) {
        if (parse_uint(value, 0, UINT64_MAX, &u) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "seed: '%s' is not a non-negative whole number", value);
        t->seed = u;
    } else {
        return sn_fail(err, SENTIMENT_ERR_INVALID, "unknown training option '%s'", name);
    }
    return SENTIMENT_OK;
}

/* ---- examples ---------------------------------------------------------- */

static uint64_t label_hash(const char *s, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ULL;
    return h;
}

static int rehash(sentiment_trainer *t, size_t size)
{
    uint32_t *table = sn_calloc(size, sizeof *table);
    if (table == NULL)
        return -1;
    for (size_t i = 0; i < t->name_count; i++) {
        size_t h = label_hash(t->names[i], strlen(t->names[i])) & (size - 1);
        while (table[h] != 0)
            h = (h + 1) & (size - 1);
        table[h] = (uint32_t)i + 1;
    }
    sn_free(t->table);
    t->table = table;
    t->table_size = size;
    return 0;
}

/* The index of LABEL, added when new; a negative status when it cannot be:
 * -SENTIMENT_ERR_NOMEM, or -SENTIMENT_ERR_DATA past SN_MAX_LABELS labels.
 * Nothing changes when it fails. */
static long intern_label(sentiment_trainer *t, const char *label, size_t len)
{
    size_t h;
    char *copy;

    /* Grow first, so that a failure leaves no half-added label behind. */
    if (t->table_size == 0 && rehash(t, 16) < 0)
        return -SENTIMENT_ERR_NOMEM;
    if (2 * (t->name_count + 1) > t->table_size && rehash(t, 2 * t->table_size) < 0)
        return -SENTIMENT_ERR_NOMEM;
    h = label_hash(label, len) & (t->table_size - 1);
    while (t->table[h] != 0) {
        const char *name = t->names[t->table[h] - 1];
        if (strlen(name) == len && memcmp(name, label, len) == 0)
            return (long)t->table[h] - 1;
        h = (h + 1) & (t->table_size - 1);
    }
    if (t->name_count >= SN_MAX_LABELS)
        return -SENTIMENT_ERR_DATA;
    if (t->name_count == t->names_cap) {
        size_t cap = t->names_cap ? 2 * t->names_cap : 8;
        char **names = sn_realloc_array(t->names, cap, sizeof *names);
        if (names == NULL)
            return -SENTIMENT_ERR_NOMEM;
        t->names = names;
        /* names_cap grows once both arrays have: a failure here leaves
         * names larger than its capacity says, which is harmless. */
        size_t *counts = sn_realloc_array(t->label_examples, cap, sizeof *counts);
        if (counts == NULL)
            return -SENTIMENT_ERR_NOMEM;
        t->label_examples = counts;
        t->names_cap = cap;
    }
    copy = sn_malloc(len + 1);
    if (copy == NULL)
        return -SENTIMENT_ERR_NOMEM;
    memcpy(copy, label, len);
    copy[len] = '\0';
    t->names[t->name_count] = copy;
    t->label_examples[t->name_count] = 0;
    t->table[h] = (uint32_t)++t->name_count;
    return (long)t->name_count - 1;
}

int sentiment_trainer_add(sentiment_trainer *t, const char *label, size_t label_len,
                          const char *text, size_t text_len, sentiment_error *err)
{
    long index;

    if (t == NULL || label == NULL || (text == NULL && text_len > 0))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer, label or text");
    if (label_len == 0 || label_len > 1024 || memchr(label, '\0', label_len))
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "a label must be 1 to 1024 bytes without NUL");
    if (sn_check_label(label, label_len, SENTIMENT_ERR_INVALID, err) != SENTIMENT_OK)
        return SENTIMENT_ERR_INVALID;
    if (t->count + 1 >= t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        size_t *offset = sn_realloc_array(t->offset, cap + 1, sizeof *offset);
        if (offset == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        t->offset = offset;
        uint32_t *labels = sn_realloc_array(t->label, cap, sizeof *labels);
        if (labels == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        t->label = labels;
        unsigned char *held = sn_realloc_array(t->held_out, cap, 1);
        if (held == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        t->held_out = held;
        t->cap = cap;
    }
    if (t->text_len + text_len > t->text_cap) {
        size_t cap = t->text_cap ? t->text_cap : 1 << 20;
        while (cap < t->text_len + text_len)
            cap *= 2;
        char *p = sn_realloc(t->text, cap);
        if (p == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for examples");
        t->text = p;
        t->text_cap = cap;
    }
    index = intern_label(t, label, label_len);
    if (index == -SENTIMENT_ERR_DATA)
        return sn_fail(err, SENTIMENT_ERR_DATA, "more than %d different labels",
                       SN_MAX_LABELS);
    if (index < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
    if (text_len > 0)
        memcpy(t->text + t->text_len, text, text_len);
    t->text_len += text_len;
    t->label[t->count] = (uint32_t)index;
    t->label_examples[index]++;
    t->held_out[t->count] = 0;
    t->offset[++t->count] = t->text_len;
    return SENTIMENT_OK;
}

int sentiment_trainer_add_validation(sentiment_trainer *t, const char *label,
                                     size_t label_len, const char *text,
                                     size_t text_len, sentiment_error *err)
{
    int rc = sentiment_trainer_add(t, label, label_len, text, text_len, err);
    if (rc == SENTIMENT_OK) {
        t->held_out[t->count - 1] = 1;
        t->held_out_count++;
    }
    return rc;
}

/* Counts a malformed line skipped under "bad-lines skip", keeping what was
 * wrong with the first one. */
static int skip_line(sentiment_trainer *t, const char *path, unsigned long line,
                     const char *why, sentiment_error *err)
{
    if (t->first_skipped == NULL) {
        int n = snprintf(NULL, 0, "%s:%lu: %s", path, line, why);
        t->first_skipped = n < 0 ? NULL : sn_malloc((size_t)n + 1);
        if (t->first_skipped == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s:%lu: out of memory", path, line);
        snprintf(t->first_skipped, (size_t)n + 1, "%s:%lu: %s", path, line, why);
    }
    t->skipped++;
    return SENTIMENT_OK;
}

static int add_file(sentiment_trainer *t, const char *path, int held_out,
                    sentiment_error *err)
{
    sentiment_reader *r;
    const char *line;
    size_t len;
    int rc;

    if (t == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer");
    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        sentiment_example ex;
        sentiment_error detail;
        if (len == 0)
            continue;
        rc = sentiment_parse_example(line, len, &ex, &detail);
        if (rc == SENTIMENT_OK)
            rc = held_out ? sentiment_trainer_add_validation(t, ex.label, ex.label_len,
                                                             ex.text, ex.text_len, &detail)
                          : sentiment_trainer_add(t, ex.label, ex.label_len, ex.text,
                                                  ex.text_len, &detail);
        if ((rc == SENTIMENT_ERR_FORMAT || rc == SENTIMENT_ERR_INVALID) &&
            t->skip_bad_lines) {
            rc = skip_line(t, path, sentiment_reader_line_number(r), detail.message,
                           err);
            if (rc != SENTIMENT_OK)
                break;
            continue;
        }
        if (rc != SENTIMENT_OK) {
            sn_fail(err, rc, "%s:%lu: %s", path, sentiment_reader_line_number(r),
                    detail.message);
            break;
        }
    }
    sentiment_reader_free(r);
    return rc;
}

int sentiment_trainer_add_file(sentiment_trainer *t, const char *path,
                               sentiment_error *err)
{
    return add_file(t, path, 0, err);
}

size_t sentiment_trainer_label_count(const sentiment_trainer *t)
{
    return t ? t->name_count : 0;
}

const char *sentiment_trainer_label(const sentiment_trainer *t, size_t index)
{
    return t != NULL && index < t->name_count ? t->names[index] : NULL;
}

size_t sentiment_trainer_label_examples(const sentiment_trainer *t, size_t index)
{
    return t != NULL && index < t->name_count ? t->label_examples[index] : 0;
}

size_t sentiment_trainer_skipped_lines(const sentiment_trainer *t)
{
    return t ? t->skipped : 0;
}

const char *sentiment_trainer_first_skipped_line(const sentiment_trainer *t)
{
    return t ? t->first_skipped : NULL;
}

int sentiment_trainer_add_validation_file(sentiment_trainer *t, const char *path,
                                          sentiment_error *err)
{
    return add_file(t, path, 1, err);
}

/* ---- training ---------------------------------------------------------- */

/* All examples as sparse vectors, rows of a CSR matrix. */
/* The features of one thread's share of the examples. */
typedef struct chunk {
    uint32_t *index;
    float *value;
    size_t nnz, cap;
    int rc;                 /* how featurizing this share ended */
    sentiment_error err;
} chunk;

/* All examples as sparse vectors: example i is
 * chunk[c].index/value[start[i] .. start[i + 1]) for the chunk c holding
 * it, chunk c holding examples bound[c] .. bound[c + 1] - 1. */
typedef struct dataset {
    size_t *start;          /* count + 1 */
    chunk chunks[SN_MAX_THREADS];
    size_t bound[SN_MAX_THREADS + 1];
    unsigned nchunks;
} dataset;

static void dataset_release(dataset *d)
{
    sn_free(d->start);
    for (unsigned c = 0; c < d->nchunks; c++) {
        sn_free(d->chunks[c].index);
        sn_free(d->chunks[c].value);
    }
}

static sn_sparse row_of(const dataset *d, size_t i)
{
    unsigned c = 0;
    sn_sparse x;

    while (i >= d->bound[c + 1])
        c++;
    x.index = d->chunks[c].index + d->start[i];
    x.value = d->chunks[c].value + d->start[i];
    /* start[i + 1] of the next chunk's first example restarts at 0. */
    x.count = (i + 1 == d->bound[c + 1] ? d->chunks[c].nnz : d->start[i + 1]) - d->start[i];
    return x;
}

typedef struct featurize_job {
    const sentiment_trainer *t;
    dataset *d;
} featurize_job;

/* Turns this thread's share of the texts into raw feature values. */
static void featurize_share(void *arg, unsigned tid, unsigned nthreads)
{
    const featurize_job *job = arg;
    const sentiment_trainer *t = job->t;
    dataset *d = job->d;
    chunk *ch = &d->chunks[tid];
    sn_vectorizer_settings raw = t->vectorizer;
    sn_tokenizer tk;
    sn_features f;

    (void)nthreads;
    raw.normalize = 0;
    sn_tokenizer_init(&tk);
    sn_features_init(&f);
    ch->rc = SENTIMENT_OK;
    for (size_t i = d->bound[tid]; i < d->bound[tid + 1]; i++) {
        ch->rc = sn_tokenize(&tk, &t->tokenizer, &t->lexicon, t->text + t->offset[i],
                             t->offset[i + 1] - t->offset[i], &ch->err);
        if (ch->rc == SENTIMENT_OK)
            ch->rc = sn_vectorize(&raw, &tk, &f, &ch->err);
        if (ch->rc != SENTIMENT_OK)
            break;
        if (ch->nnz + f.count > ch->cap) {
            size_t cap = ch->cap ? ch->cap : 1 << 16;
            while (cap < ch->nnz + f.count)
                cap *= 2;
            uint32_t *index = sn_realloc_array(ch->index, cap, sizeof *index);
            if (index != NULL)
                ch->index = index;
            float *value = index ? sn_realloc_array(ch->value, cap, sizeof *value) : NULL;
            if (value == NULL) {
                ch->rc = sn_fail(&ch->err, SENTIMENT_ERR_NOMEM, "out of memory for features");
                break;
            }
            ch->value = value;
            ch->cap = cap;
        }
        d->start[i] = ch->nnz;
        if (f.count > 0) {
            memcpy(ch->index + ch->nnz, f.index, f.count * sizeof *f.index);
            memcpy(ch->value + ch->nnz, f.value, f.count * sizeof *f.value);
        }
        ch->nnz += f.count;
    }
    sn_tokenizer_release(&tk);
    sn_features_release(&f);
}

/* Turns every text into raw feature values, each thread of POOL a share:
 * scaling and normalization come after, once the scales are known (see
 * nb_scale). */
static int featurize(const sentiment_trainer *t, sn_pool *pool, dataset *d,
                     sentiment_error *err)
{
    featurize_job job = {t, d};

    memset(d, 0, sizeof *d);
    d->nchunks = sn_pool_size(pool);
    d->start = sn_malloc_array(t->count + 1, sizeof *d->start);
    if (d->start == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for features");
    for (unsigned c = 0; c <= d->nchunks; c++)
        d->bound[c] = t->count * c / d->nchunks;
    sn_pool_run(pool, featurize_share, &job);
    for (unsigned c = 0; c < d->nchunks; c++) {
        if (d->chunks[c].rc != SENTIMENT_OK) {
            if (err != NULL)
                *err = d->chunks[c].err;
            return d->chunks[c].rc;
        }
    }
    d->start[t->count] = 0;
    return SENTIMENT_OK;
}

/*
 * Naive Bayes log-count ratios as feature scales (Wang and Manning, 2012,
 * the "NB" of NBSVM): for each label, r = log((p / |p|) / (q / |q|)) with p
 * and q the smoothed counts of a bucket in the texts with and without the
 * label; a bucket's scale is the largest |r| over the labels.  Buckets that
 * tell the labels apart weigh more from the start, and buckets no training
 * text reached weigh nothing.  Only the first N_TRAIN examples in ORDER are
 * counted, so the validation share stays unseen.
 */
static float *nb_scale(const dataset *d, const size_t *order, size_t n_train,
                       const uint32_t *labels, size_t nlabels, size_t buckets)
{
    float *count = sn_calloc(buckets * nlabels, sizeof *count);
    float *scale = sn_calloc(buckets, sizeof *scale);
    double *total = sn_calloc(nlabels, sizeof *total), all = 0;

    if (count == NULL || scale == NULL || total == NULL) {
        sn_free(count);
        sn_free(scale);
        sn_free(total);
        return NULL;
    }
    for (size_t i = 0; i < n_train; i++) {
        size_t e = order[i];
        sn_sparse x = row_of(d, e);
        for (size_t k = 0; k < x.count; k++)
            count[(size_t)x.index[k] * nlabels + labels[e]] += 1;
    }
    for (size_t b = 0; b < buckets; b++)
        for (size_t c = 0; c < nlabels; c++)
            total[c] += count[b * nlabels + c] + 1.0;
    for (size_t c = 0; c < nlabels; c++)
        all += total[c];
    for (size_t b = 0; b < buckets; b++) {
        const float *n = count + b * nlabels;
        double sum = 0, best = 0;
        for (size_t c = 0; c < nlabels; c++)
            sum += n[c];
        if (sum == 0)
            continue;
        for (size_t c = 0; c < nlabels; c++) {
            double p = (n[c] + 1.0) / total[c];
            double q = (sum - n[c] + (double)(nlabels - 1)) / (all - total[c]);
            double r = fabs(log(p / q));
            if (r > best)
                best = r;
        }
        scale[b] = (float)best;
    }
    sn_free(count);
    sn_free(total);
    return scale;
}

static void finish_rows(dataset *d, size_t count, const float *scale, int normalize)
{
    for (size_t i = 0; i < count; i++) {
        sn_sparse x = row_of(d, i);
        sn_features f;
        f.index = (uint32_t *)x.index;
        f.value = (float *)x.value;
        f.count = x.count;
        sn_features_finish(&f, scale, normalize);
    }
}

static void shuffle(size_t *a, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = sn_rng_below(rng, i);
        size_t tmp = a[i - 1];
        a[i - 1] = a[j];
        a[j] = tmp;
    }
}

typedef struct named {
    const char *name;
    uint32_t index;
} named;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Everything a training run allocates, released in one place. */
typedef struct run {
    dataset data;
    size_t *order;          /* training examples first, then validation */
    uint32_t *labels;       /* per example, in sorted-label numbering */
    uint32_t *batch_labels;
    sn_sparse *batch;
    float *probs;
    float *scale;           /* per bucket, or NULL */
    unsigned char *seen;    /* per bucket: occurs in a training example */
    unsigned long long *confusion;  /* of the epoch just validated */
    sn_network net, best;
    sn_gradients grad;
    sn_workspace ws;
    sn_adam adam;
    sn_pool *pool;
} run;

static void run_release(run *r)
{
    dataset_release(&r->data);
    sn_free(r->order);
    sn_free(r->labels);
    sn_free(r->batch_labels);
    sn_free(r->batch);
    sn_free(r->probs);
    sn_free(r->scale);
    sn_free(r->seen);
    sn_free(r->confusion);
    sn_network_release(&r->net);
    sn_network_release(&r->best);
    sn_gradients_release(&r->grad);
    sn_workspace_release(&r->ws);
    sn_adam_release(&r->adam);
    sn_pool_free(r->pool);
}

/* Accuracy on examples ORDER[FROM .. TO), and their mean log loss in
 * *LOSS; counts into CONFUSION (labels x labels, truth major), which it
 * clears first. */
static double validate(run *r, size_t from, size_t to, unsigned long long *confusion,
                       double *loss)
{
    const size_t c = r->net.outputs;
    size_t right = 0;
    double loss_sum = 0;

    memset(confusion, 0, c * c * sizeof *confusion);
    for (size_t i = from; i < to; i += r->ws.batch_cap) {
        size_t n = to - i < r->ws.batch_cap ? to - i : r->ws.batch_cap;
        for (size_t b = 0; b < n; b++)
            r->batch[b] = row_of(&r->data, r->order[i + b]);
        sn_network_predict(&r->net, &r->ws, r->batch, n, r->probs);
        for (size_t b = 0; b < n; b++) {
            const float *p = r->probs + b * c;
            size_t best = 0;
            for (size_t k = 1; k < c; k++)
                if (p[k] > p[best])
                    best = k;
            right += best == r->labels[r->order[i + b]];
            double q = p[r->labels[r->order[i + b]]];
            loss_sum -= log(q > SN_MIN_PROB ? q : SN_MIN_PROB);
            confusion[r->labels[r->order[i + b]] * c + best]++;
        }
    }
    *loss = to > from ? loss_sum / (double)(to - from) : -1;
    return to > from ? (double)right / (double)(to - from) : -1;
}

/* Given validation examples may name a label that no training example
 * has: the network would have an output it is never shown an example of,
 * and those validation examples could only be wrong.  A typo ("Neg" for
 * "neg") is the usual cause, so training refuses, naming the first such
 * label in sorted order. */
static int check_every_label_is_trained(const sentiment_trainer *t, char *const *sorted,
                                        const uint32_t *remap, sentiment_error *err)
{
    size_t *trained = sn_calloc(t->name_count, sizeof *trained);
    size_t missing = 0, first = 0;

    if (trained == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
    for (size_t i = 0; i < t->count; i++)
        if (!t->held_out[i])
            trained[remap[t->label[i]]]++;
    for (size_t k = t->name_count; k-- > 0;) {
        if (trained[k] == 0) {
            missing++;
            first = k;
        }
    }
    sn_free(trained);
    if (missing == 0)
        return SENTIMENT_OK;
    if (missing == 1)
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "label '%s' has validation examples but no training example",
                       sorted[first]);
    return sn_fail(err, SENTIMENT_ERR_DATA,
                   "label '%s' and %zu more have validation examples but no training "
                   "example", sorted[first], missing - 1);
}

typedef struct share_rest {
    double frac;
    size_t label;
} share_rest;

/* Larger remainders first; the lower label on a draw, for determinism. */
static int cmp_remainders(const void *a, const void *b)
{
    const share_rest *x = a, *y = b;

    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->label < y->label ? -1 : x->label > y->label;
}

/* How many examples of each label to hold out: label k with n[k] examples
 * gives floor(share * n[k]), never all of them (a label seen once stays in
 * training), and the examples still short of floor(share * count) overall
 * go one each to the labels with the largest remainders, as seats go in a
 * largest-remainder vote.  QUOTA gets L counts; returns the sum, or
 * (size_t)-1 when out of memory. */
static size_t validation_quotas(const size_t *n, size_t L, size_t count, double share,
                                size_t *quota)
{
    size_t total = (size_t)(share * (double)count), given = 0, r = 0;
    share_rest *rest = sn_malloc_array(L, sizeof *rest);

    if (rest == NULL)
        return (size_t)-1;
    for (size_t k = 0; k < L; k++) {
        double want = share * (double)n[k];
        quota[k] = (size_t)want;
        if (quota[k] >= n[k])
            quota[k] = n[k] ? n[k] - 1 : 0;
        given += quota[k];
        if (quota[k] + 1 < n[k]) {
            rest[r].frac = want - (double)quota[k];
            rest[r++].label = k;
        }
    }
    qsort(rest, r, sizeof *rest, cmp_remainders);
    for (size_t i = 0; i < r && given < total; i++, given++)
        quota[rest[i].label]++;
    sn_free(rest);
    return given;
}

/* Holds out the validation share label by label (see validation_quotas):
 * of each label, the examples held out are its first ones in r->order,
 * which is shuffled, so the seed decides which.  r->order is rearranged to
 * hold the training examples first, in their order, then the validation
 * ones; *N_VALID gets how many those are. */
static int hold_out_share(run *r, size_t count, size_t L, double share, size_t *n_valid,
                          sentiment_error *err)
{
    size_t *n = sn_calloc(L, sizeof *n), *quota = sn_calloc(L, sizeof *quota);
    size_t *held = NULL, total = 0, a = 0, v = 0;
    int rc = SENTIMENT_OK;

    if (n != NULL && quota != NULL) {
        for (size_t i = 0; i < count; i++)
            n[r->labels[i]]++;
        total = validation_quotas(n, L, count, share, quota);
        if (total != (size_t)-1)
            held = sn_malloc_array(total ? total : 1, sizeof *held);
    }
    if (held == NULL) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the validation share");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        size_t e = r->order[i];
        if (quota[r->labels[e]] > 0) {
            quota[r->labels[e]]--;
            held[v++] = e;
        } else {
            r->order[a++] = e;
        }
    }
    if (v > 0)
        memcpy(r->order + a, held, v * sizeof *held);
    *n_valid = v;
out:
    sn_free(n);
    sn_free(quota);
    sn_free(held);
    return rc;
}

int sentiment_trainer_train(sentiment_trainer *t, sentiment_model **out,
                            sentiment_error *err)
{
    run r;
    sentiment_progress progress;
    sentiment_model *model = NULL;
    uint32_t *remap = NULL;
    char **sorted = NULL;
    named *order = NULL;
    uint64_t rng;
    size_t n_valid, n_train, cap, nbatches;
    double start = sn_now(), best_loss = 0;
    int rc;

    if (t == NULL || out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer or no place for the model");
    *out = NULL;
    if (t->count < 2)
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "%zu training examples; at least 2 are needed", t->count);
    if (t->name_count < 2)
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "all examples have the label '%s'; at least 2 labels are needed",
                       t->names[0]);

    memset(&r, 0, sizeof r);
    rng = t->seed;

    memset(&progress, 0, sizeof progress);
    progress.stage = SENTIMENT_STAGE_FEATURES;
    progress.epochs = t->epochs;
    progress.valid_accuracy = -1;
    progress.valid_loss = -1;

    /* Labels in sorted order: a model does not depend on corpus order. */
    sorted = sn_malloc_array(t->name_count, sizeof *sorted);
    remap = sn_malloc_array(t->name_count, sizeof *remap);
    order = sn_malloc_array(t->name_count, sizeof *order);
    if (sorted == NULL || remap == NULL || order == NULL) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
        goto out;
    }
    for (size_t i = 0; i < t->name_count; i++) {
        order[i].name = t->names[i];
        order[i].index = (uint32_t)i;
    }
    qsort(order, t->name_count, sizeof *order, cmp_names);
    for (size_t k = 0; k < t->name_count; k++) {
        sorted[k] = t->names[order[k].index];
        remap[order[k].index] = (uint32_t)k;
    }

    /* Given validation examples are all held out; otherwise the share is
     * drawn once the examples are shuffled (hold_out_share). */
    n_valid = t->held_out_count;
    if (n_valid >= t->count) {
        rc = sn_fail(err, SENTIMENT_ERR_DATA, "no training examples, only validation ones");
        goto out;
    }
    if (n_valid > 0 &&
        (rc = check_every_label_is_trained(t, sorted, remap, err)) != SENTIMENT_OK)
        goto out;
    n_train = t->count - n_valid;
    cap = 2 * (size_t)t->batch_size;
    if (cap < 256)
        cap = 256;

    r.order = sn_malloc_array(t->count, sizeof *r.order);
    r.labels = sn_malloc_array(t->count, sizeof *r.labels);
    r.batch_labels = sn_malloc_array(cap, sizeof *r.batch_labels);
    r.batch = sn_malloc_array(cap, sizeof *r.batch);
    r.probs = sn_malloc_array(cap, t->name_count * sizeof *r.probs);
    r.seen = sn_calloc((size_t)1 << t->vectorizer.bucket_bits, 1);
    r.confusion = sn_calloc(t->name_count * t->name_count, sizeof *r.confusion);
    sn_free(t->confusion);
    t->confusion = sn_calloc(t->name_count * t->name_count, sizeof *t->confusion);
    sn_free(t->report_labels);
    t->report_labels = NULL;
    t->report_label_count = 0;
    if (!r.order || !r.labels || !r.batch_labels || !r.batch || !r.probs || !r.seen ||
        !r.confusion || !t->confusion) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for training");
        goto out;
    }
    /* Training examples first, then the validation ones. */
    {
        size_t a = 0, b = n_train;
        for (size_t i = 0; i < t->count; i++) {
            if (t->held_out_count > 0 && t->held_out[i])
                r.order[b++] = i;
            else
                r.order[a++] = i;
            r.labels[i] = remap[t->label[i]];
        }
    }

    if (t->progress && t->progress(&progress, t->user)) {
        rc = sn_fail(err, SENTIMENT_ERR_CANCELLED, "training cancelled");
        goto out;
    }
    {
        unsigned n = t->threads;
        if (n == 0) {
            long cores = sysconf(_SC_NPROCESSORS_ONLN);
            n = cores < 1 ? 1 : cores > SN_MAX_THREADS ? SN_MAX_THREADS : (unsigned)cores;
        }
        if ((rc = sn_pool_create(&r.pool, n, err)) != SENTIMENT_OK)
            goto out;
    }
    rc = featurize(t, r.pool, &r.data, err);
    if (rc != SENTIMENT_OK)
        goto out;

    /* Without given validation examples, a random share of each label is
     * held out. */
    shuffle(r.order, t->held_out_count > 0 ? n_train : t->count, &rng);
    if (t->held_out_count == 0) {
        rc = hold_out_share(&r, t->count, t->name_count, t->validation, &n_valid, err);
        if (rc != SENTIMENT_OK)
            goto out;
        n_train = t->count - n_valid;
    }
    if (t->nb_scaling) {
        r.scale = nb_scale(&r.data, r.order, n_train, r.labels, t->name_count,
                           (size_t)1 << t->vectorizer.bucket_bits);
        if (r.scale == NULL) {
            rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for feature scales");
            goto out;
        }
    }
    finish_rows(&r.data, t->count, r.scale, t->vectorizer.normalize != 0);
    for (size_t i = 0; i < n_train; i++) {
        sn_sparse x = row_of(&r.data, r.order[i]);
        for (size_t k = 0; k < x.count; k++)
            r.seen[x.index[k]] = 1;
    }

    if ((rc = sn_network_alloc(&r.net, UINT32_C(1) << t->vectorizer.bucket_bits, t->hidden,
                               (uint32_t)t->name_count, t->batchnorm, err)) ||
        (rc = sn_network_alloc(&r.best, r.net.inputs, r.net.hidden, r.net.outputs,
                               t->batchnorm, err)) ||
        (rc = sn_gradients_alloc(&r.grad, &r.net, err)) ||
        (rc = sn_workspace_alloc(&r.ws, &r.net, cap, err)) ||
        (rc = sn_adam_alloc(&r.adam, &r.net, (float)t->learning_rate, err)))
        goto out;
    r.ws.pool = r.adam.pool = r.pool;
    r.adam.weight_decay = (float)t->weight_decay;
    r.ws.dropout = (float)t->dropout;
    sn_network_randomize(&r.net, &rng, (float)t->init_scale);
    r.net.bn_epsilon = r.best.bn_epsilon = (float)t->bn_epsilon;

    /* Batches of nearly equal size, none smaller than batch_size unless the
     * data is: a tiny last batch would give batch normalization nothing to
     * normalize with. */
    nbatches = n_train / t->batch_size;
    if (nbatches == 0)
        nbatches = 1;
    progress.stage = SENTIMENT_STAGE_EPOCH;
    progress.train_examples = n_train;
    progress.valid_examples = n_valid;
    for (unsigned epoch = 1, stale = 0; epoch <= t->epochs; epoch++) {
        double loss_sum = 0;
        size_t report_every = nbatches / 50 + 1;

        shuffle(r.order, n_train, &rng);
        for (size_t k = 0; k < nbatches; k++) {
            if (t->progress && k % report_every == 0 && k > 0) {
                progress.stage = SENTIMENT_STAGE_BATCH;
                progress.epoch = epoch;
                progress.epoch_fraction = (double)k / (double)nbatches;
                progress.loss = loss_sum / (double)k;
                progress.elapsed = sn_now() - start;
                if (t->progress(&progress, t->user)) {
                    rc = sn_fail(err, SENTIMENT_ERR_CANCELLED, "training cancelled");
                    goto out;
                }
            }
            size_t from = k * n_train / nbatches, to = (k + 1) * n_train / nbatches;
            double loss;
            for (size_t b = from; b < to; b++) {
                r.batch[b - from] = row_of(&r.data, r.order[b]);
                r.batch_labels[b - from] = r.labels[r.order[b]];
            }
            r.ws.rng = &rng; /* dropout masks, in training steps only */
            rc = sn_network_gradient(&r.net, &r.ws, r.batch, r.batch_labels,
                                     to - from, &r.grad, &loss, err);
            r.ws.rng = NULL;
            if (rc != SENTIMENT_OK)
                goto out;
            /* The linear schedule goes from the full rate at the first step
             * to nearly nothing at the last step planned. */
            double lr = t->learning_rate;
            if (t->linear_decay)
                lr *= 1 - ((double)(epoch - 1) * (double)nbatches + (double)k) /
                    ((double)t->epochs * (double)nbatches);
            r.adam.lr = (float)lr;
            if (t->sgd)
                sn_sgd_step(&r.net, &r.grad, (float)lr, (float)t->weight_decay);
            else
                sn_adam_step(&r.adam, &r.net, &r.grad);
            if (r.net.batchnorm)
                sn_bn_update_running(r.net.hidden, r.ws.mean, r.ws.var, 0.1f,
                                     r.net.run_mean, r.net.run_var);
            loss_sum += loss;
        }
        progress.stage = SENTIMENT_STAGE_EPOCH;
        progress.epoch = epoch;
        progress.epoch_fraction = 1;
        progress.loss = loss_sum / (double)nbatches;
        progress.valid_accuracy = validate(&r, n_train, t->count, r.confusion,
                                           &progress.valid_loss);
        progress.elapsed = sn_now() - start;
        /* The lowest validation loss, not the highest accuracy: epochs
         * often differ in accuracy by one or two examples, and the most
         * overfitted one would win such a draw as often as not (on the
         * default model's corpora, IMDb lost 1.4 points that way). */
        progress.best = epoch == 1 || progress.valid_loss < best_loss || n_valid == 0;
        if (progress.best) {
            best_loss = progress.valid_loss;
            t->report_log_loss = progress.valid_loss;
            progress.best_epoch = epoch;
            sn_network_copy(&r.best, &r.net);
            memcpy(t->confusion, r.confusion,
                   t->name_count * t->name_count * sizeof *t->confusion);
            stale = 0;
        } else {
            stale++;
        }
        /* Early stopping: PATIENCE epochs without a lower validation loss
         * end training; the best epoch's weights are kept. */
        progress.stopping = t->patience > 0 && stale >= t->patience && epoch < t->epochs;
        if (t->progress && t->progress(&progress, t->user)) {
            rc = sn_fail(err, SENTIMENT_ERR_CANCELLED, "training cancelled");
            goto out;
        }
        if (progress.stopping)
            break;
    }

    model = sn_model_new();
    if (model == NULL) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the model");
        goto out;
    }
    if ((rc = sn_model_set_labels(model, sorted, t->name_count, err)) != SENTIMENT_OK)
        goto out;
    if (n_valid > 0) {
        /* The report names labels as the model does; the model's strings
         * belong to the caller, so keep our own (sorted) pointers. */
        t->report_labels = sorted;
        t->report_label_count = t->name_count;
        sorted = NULL;
    }
    model->tokenizer = t->tokenizer;
    model->vectorizer = t->vectorizer;
    model->scale = r.scale;
    r.scale = NULL;
    if ((rc = sn_lexicon_copy(&model->lexicon, &t->lexicon, err)) != SENTIMENT_OK)
        goto out;
    model->trained_with_batchnorm = r.best.batchnorm;
    sn_network_fold_batchnorm(&r.best);
    /* Buckets no training example reached still hold their random start;
     * they would only add noise to the texts that reach them. */
    for (size_t i = 0; i < r.best.inputs; i++)
        if (!r.seen[i])
            memset(r.best.w1 + i * r.best.hidden, 0, r.best.hidden * sizeof(float));
    if (t->quantize != 0 || t->prune > 0) {
        /* Pruning alone still stores the rows kept in 8 bits: a float file
         * has no way to leave rows out. */
        rc = sn_network_quantize(&r.best, t->quantize ? t->quantize : 8, t->prune,
                                 model->scale, err);
        if (rc != SENTIMENT_OK)
            goto out;
        if (model->scale != NULL)
            model->scale_step = sn_scale_quantize(
                model->scale, (size_t)1 << model->vectorizer.bucket_bits);
    }
    model->net = r.best;
    memset(&r.best, 0, sizeof r.best);
    *out = model;
    model = NULL;
out:
    sentiment_model_free(model);
    run_release(&r);
    sn_free(sorted);
    sn_free(remap);
    sn_free(order);
    return rc;
}

int sentiment_trainer_report(const sentiment_trainer *t, char **out, sentiment_error *err)
{
    if (t == NULL || out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer or no place for the report");
    *out = NULL;
    if (t->report_labels == NULL || t->confusion == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "no validation report: train with validation examples first");
    return sn_eval_format_probs((const char *const *)t->report_labels,
                                t->report_label_count, t->confusion, t->report_log_loss,
                                -1, out, err);
}
