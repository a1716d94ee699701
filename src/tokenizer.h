/*
 * tokenizer.h - UTF-8 text to tokens.
 */
#ifndef SENTIMENT_TOKENIZER_H
#define SENTIMENT_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "lexicon.h"
#include "sentiment.h"

/* Which rules apply; all on by default. */
enum sn_tokenizer_flag {
    SN_TOK_HTML = 1,          /* drop HTML tags, decode entities */
    SN_TOK_PLACEHOLDERS = 2,  /* URLs, e-mail, @mentions, long numbers */
    SN_TOK_ELONGATION = 4,    /* "sooooo" -> "soo", "!!!!" -> "!!" */
    SN_TOK_NEGATION = 8,      /* mark tokens in a negation scope */
    SN_TOK_EMOTICONS = 16,    /* keep ":-)" whole */
    SN_TOK_CLITICS = 32       /* "don't" -> "do" "n't", "it's" -> "it" "'s" */
};
#define SN_TOK_ALL 63

typedef struct sn_tokenizer_settings {
    uint32_t rules;   /* SN_TOKENIZER_RULES (vectorizer.h) when written */
    uint32_t flags;   /* enum sn_tokenizer_flag */
} sn_tokenizer_settings;

enum sn_token_kind {
    SN_TOKEN_WORD,
    SN_TOKEN_NUMBER,
    SN_TOKEN_PUNCT,       /* punctuation, possibly repeated ("!!") */
    SN_TOKEN_SYMBOL,      /* symbols and emoji, a grapheme cluster each */
    SN_TOKEN_CHAR,        /* one character of a script written without spaces */
    SN_TOKEN_PLACEHOLDER, /* "<url>", "<email>", "<user>", "<number>" */
    SN_TOKEN_EMOTICON
};

enum sn_token_flag {
    SN_TOKEN_NEGATED = 1,     /* inside a negation scope */
    SN_TOKEN_INTENSIFIED = 2, /* right after an intensifier */
    SN_TOKEN_ALLCAPS = 4,     /* a word of two or more letters, all capitals */
    SN_TOKEN_ELONGATED = 8    /* a letter or mark repeated 3 times or more */
};

typedef struct sn_token {
    uint32_t start;   /* byte offset into sn_tokenizer.text */
    uint32_t len;
    uint8_t kind;     /* enum sn_token_kind */
    uint8_t flags;    /* enum sn_token_flag */
    uint8_t classes;  /* SN_LEX_* lists the token is in */
} sn_token;

/* Scratch and results of the last sn_tokenize() call; reused across calls. */
typedef struct sn_tokenizer {
    char *text;           /* the normalized bytes of all tokens, then 8 NULs */
    size_t text_len, text_cap;
    sn_token *tokens;
    size_t count, tokens_cap;
    size_t invalid;       /* bytes of invalid UTF-8 replaced in the last call */
    char *clean;          /* valid UTF-8 copy of the input, HTML removed */
    size_t clean_cap;
    int32_t *cps;         /* NFKC code points of clean */
    size_t cps_cap;
} sn_tokenizer;

void sn_tokenizer_init(sn_tokenizer *tk);
void sn_tokenizer_release(sn_tokenizer *tk);

void sn_tokenizer_settings_default(sn_tokenizer_settings *s);

/*
 * Cuts LEN bytes of TEXT into tokens (see tokenizer.c for the rules).
 * LEX may be NULL: then no list applies.  Invalid UTF-8 becomes U+FFFD and
 * NUL bytes are spaces.  Fails only when memory runs out or the text
 * exceeds 1 GiB.
 */
/* Test hook: 0 sends every text the general way, to compare the two. */
extern int sn_tokenizer_fast_path;

int sn_tokenize(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                const sn_lexicon *lex, const char *text, size_t len,
                sentiment_error *err);

#endif
