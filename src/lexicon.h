/*
 * lexicon.h - the word lists the tokenizer consults: negation cues,
 * contrast words, intensifiers and emoticons.
 */
#ifndef SENTIMENT_LEXICON_H
#define SENTIMENT_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "sentiment.h"
#include "strtab.h"

enum sn_lexicon_class {
    SN_LEX_NEGATION = 1,
    SN_LEX_CONTRAST = 2,
    SN_LEX_INTENSIFIER = 4,
    SN_LEX_EMOTICON = 8
};
#define SN_LEX_CLASSES 4
#define SN_LEX_MAX_ENTRY 63

typedef struct sn_lexicon {
    sn_strtab words;        /* entry i, in order of first addition */
    uint32_t *classes;      /* entry i: the SN_LEX_* bits of its lists */
    size_t classes_cap;
    uint32_t emoticon_first[4]; /* bit c: some emoticon starts with ASCII c */
    uint64_t filter[64];    /* a Bloom filter of 4096 bits, see lexicon.c */
    size_t emoticon_max;    /* longest emoticon, bytes */
} sn_lexicon;

/* The lists of lexicons/, built into the library (lexicon-data.c), in the
 * order of sn_lexicon_files. */
extern const char *const sn_default_lexicons[SN_LEX_CLASSES];

/* The file name of each class's list in a lexicon folder, and its class. */
extern const char *const sn_lexicon_files[SN_LEX_CLASSES];
extern const uint32_t sn_lexicon_file_class[SN_LEX_CLASSES];

void sn_lexicon_init(sn_lexicon *lex);
void sn_lexicon_release(sn_lexicon *lex);

/* Adds ENTRY to CLASS; an entry already there gains the class. */
int sn_lexicon_add(sn_lexicon *lex, uint32_t cls, const char *entry, size_t len,
                   sentiment_error *err);

/* Adds every line of a list (comments '#' and blank lines skipped); NAME is
 * used in messages with the line number. */
int sn_lexicon_parse(sn_lexicon *lex, uint32_t cls, const char *text, size_t len,
                     const char *name, sentiment_error *err);

/* The lists in lexicons/ of the source tree, built into the library. */
int sn_lexicon_load_default(sn_lexicon *lex, sentiment_error *err);

/* Reads DIR/negation.txt, contrast.txt, intensifiers.txt, emoticons.txt;
 * all four must exist (SENTIMENT_ERR_IO naming those missing), an empty
 * file being an empty list. */
int sn_lexicon_load_dir(sn_lexicon *lex, const char *dir, sentiment_error *err);

/* The classes of the LEN bytes at S, 0 when it is in no list. */
uint32_t sn_lexicon_lookup(const sn_lexicon *lex, const char *s, size_t len);

/* Most words are in no list.  A Bloom filter bit from the length and three
 * of the bytes turns nearly all of them away before any hashing; it is
 * inline because the tokenizer asks it for every word. */
static inline unsigned sn_lexicon_filter_bit(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    return (unsigned)(len * 131 + u[0] * 7 + u[len - 1] * 31 + u[len / 2] * 3) & 4095;
}

/* 0 when S is surely in no list; otherwise ask sn_lexicon_lookup(). */
static inline int sn_lexicon_may_hold(const sn_lexicon *lex, const char *s, size_t len)
{
    unsigned bit;

    if (len == 0 || len > SN_LEX_MAX_ENTRY)
        return 0;
    bit = sn_lexicon_filter_bit(s, len);
    return (lex->filter[bit >> 6] & (UINT64_C(1) << (bit & 63))) != 0;
}

/* Copies SRC into an empty DST. */
int sn_lexicon_copy(sn_lexicon *dst, const sn_lexicon *src, sentiment_error *err);

#endif
