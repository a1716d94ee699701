/*
 * tokenizer.h - UTF-8 text to tokens.
 */
#ifndef SENTIMENT_TOKENIZER_H
#define SENTIMENT_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "sentiment.h"

/* The version of the tokenization rules; stored in models, so that a model
 * is never fed tokens cut by rules it was not trained with. */
#define SN_TOKENIZER_RULES 1

typedef struct sn_tokenizer_settings {
    uint32_t rules; /* SN_TOKENIZER_RULES when written */
} sn_tokenizer_settings;

typedef struct sn_token {
    uint32_t start; /* byte offset into sn_tokenizer.text */
    uint32_t len;
} sn_token;

/* Scratch and results of the last sn_tokenize() call; reused across calls. */
typedef struct sn_tokenizer {
    char *text;           /* the normalized bytes of all tokens */
    size_t text_len, text_cap;
    sn_token *tokens;
    size_t count, tokens_cap;
    size_t invalid;       /* bytes of invalid UTF-8 replaced in the last call */
    char *clean;          /* valid UTF-8 copy of the input */
    size_t clean_cap;
    int32_t *cps;         /* normalized code points */
    size_t cps_cap;
} sn_tokenizer;

void sn_tokenizer_init(sn_tokenizer *tk);
void sn_tokenizer_release(sn_tokenizer *tk);

void sn_tokenizer_settings_default(sn_tokenizer_settings *s);

/*
 * Cuts LEN bytes of TEXT into tokens: NFKC-normalized and case-folded words
 * (letters with their marks, apostrophes inside a word kept), numbers
 * (digits, with '.' or ',' between digits) and each punctuation mark or
 * symbol on its own.  Invalid UTF-8 becomes U+FFFD, NUL bytes are spaces.
 * Fails only when memory runs out or the text exceeds 1 GiB.
 */
int sn_tokenize(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                const char *text, size_t len, sentiment_error *err);

#endif
