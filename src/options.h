/*
 * options.h - the training options as data (options.c holds the table).
 *
 * Every option is one row: its name, type, bounds, default, one line of
 * help, and where its value lives in an sn_settings.  sentiment_trainer_set
 * and sentiment_trainer_get, sentiment_model_get and sentiment_option_next
 * all read that one row, so they cannot disagree.
 */
#ifndef SENTIMENT_OPTIONS_H
#define SENTIMENT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "lexicon.h"
#include "tokenizer.h"
#include "vectorizer.h"

/* The value of every option; a trainer holds one.  The names are those of
 * the fields the trainer had before they were gathered here. */
typedef struct sn_settings {
    sn_tokenizer_settings tokenizer;    /* the rules html ... clitics */
    sn_vectorizer_settings vectorizer;  /* buckets ... normalize */
    sn_lexicon lexicon;     /* the lists "lexicons" names, or the built-in */
    char *lexicons;         /* that folder, or NULL for the built-in lists */
    uint32_t hidden, epochs, batch_size;
    double learning_rate, validation, init_scale, bn_epsilon, dropout, weight_decay;
    int batchnorm, nb_scaling, sgd, linear_decay;
    uint64_t seed;
    unsigned quantize;      /* 0, 8 or 4 bits */
    double prune;
    unsigned patience;
    unsigned threads;       /* 0: as many as the machine has cores */
    int skip_bad_lines;     /* "bad-lines": 0 stop, 1 skip */
} sn_settings;

/* Every option at its default, the built-in word lists loaded; fails on
 * memory only.  Release with sn_settings_release() even on failure. */
int sn_settings_init(sn_settings *s, sentiment_error *err);
void sn_settings_release(sn_settings *s);

/* Sets option NAME from its text form; on failure S is unchanged and the
 * message names the option and the value. */
int sn_settings_set(sn_settings *s, const char *name, const char *value,
                    sentiment_error *err);

/* Writes the text form of option O of S, NUL-terminated, to BUF (SIZE
 * bytes), in the form sn_settings_set() takes. */
int sn_settings_get(const sn_settings *s, const sentiment_option *o, char *buf,
                    size_t size, sentiment_error *err);

/* Copies VALUE to BUF when SIZE bytes hold it and its NUL; otherwise
 * SENTIMENT_ERR_INVALID, saying how many bytes NAME's value needs. */
int sn_copy_value(const char *name, const char *value, char *buf, size_t size,
                  sentiment_error *err);

#endif
