/*
 * tokenizer.c - UTF-8 text to tokens, with utf8proc.
 *
 * The text goes through three steps:
 *   1. repair: invalid UTF-8 becomes U+FFFD and NUL becomes a space, so that
 *      utf8proc (which refuses invalid input) always accepts what follows and
 *      no line is ever lost;
 *   2. normalize: NFKC with case folding, so that "ＡＢＣ", "ABC" and "abc"
 *      are one word; pure ASCII, by far the common case in English reviews,
 *      takes a shortcut that gives the same result;
 *   3. segment by Unicode category: runs of letters (with their combining
 *      marks) are words, runs of digits are numbers, every punctuation mark
 *      or symbol is a token of its own, everything else separates.
 */
#include <string.h>

#include <utf8proc.h>

#include "internal.h"
#include "tokenizer.h"

void sn_tokenizer_init(sn_tokenizer *tk)
{
    memset(tk, 0, sizeof *tk);
}

void sn_tokenizer_release(sn_tokenizer *tk)
{
    sn_free(tk->text);
    sn_free(tk->tokens);
    sn_free(tk->clean);
    sn_free(tk->cps);
    sn_tokenizer_init(tk);
}

void sn_tokenizer_settings_default(sn_tokenizer_settings *s)
{
    s->rules = SN_TOKENIZER_RULES;
}

/* Grows *BUF to hold at least NEED elements of SIZE bytes. */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    size_t n;
    void *p;

    if (need <= *cap)
        return 0;
    n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            return -1;
        n *= 2;
    }
    p = sn_realloc_array(*buf, n, size);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* Step 1.  Returns the length of the repaired text in tk->clean, or -1. */
static long long repair(sn_tokenizer *tk, const char *text, size_t len)
{
    /* Each invalid byte becomes 3 bytes of U+FFFD. */
    size_t out = 0, i = 0;

    if (len > SIZE_MAX / 3 - 1 ||
        reserve((void **)&tk->clean, &tk->clean_cap, len * 3 + 1, 1) < 0)
        return -1;
    tk->invalid = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            tk->clean[out++] = c == 0 ? ' ' : (char)c;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n > 0) {
            memcpy(tk->clean + out, text + i, (size_t)n);
            out += (size_t)n;
            i += (size_t)n;
        } else {
            memcpy(tk->clean + out, "\xEF\xBF\xBD", 3);
            out += 3;
            tk->invalid++;
            i++;
        }
    }
    tk->clean[out] = '\0';
    return (long long)out;
}

/* Step 2.  Fills tk->cps; returns the number of code points, or -1. */
static long long normalize(sn_tokenizer *tk, size_t len, int ascii)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT |
        UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
    utf8proc_ssize_t n;

    if (ascii) {
        if (reserve((void **)&tk->cps, &tk->cps_cap, len + 1, sizeof *tk->cps) < 0)
            return -1;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)tk->clean[i];
            tk->cps[i] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
        }
        return (long long)len;
    }
    for (;;) {
        n = utf8proc_decompose((const utf8proc_uint8_t *)tk->clean,
                               (utf8proc_ssize_t)len, tk->cps,
                               (utf8proc_ssize_t)tk->cps_cap, opts);
        if (n < 0)
            return -1;
        if ((size_t)n <= tk->cps_cap)
            break;
        if (reserve((void **)&tk->cps, &tk->cps_cap, (size_t)n, sizeof *tk->cps) < 0)
            return -1;
    }
    n = utf8proc_normalize_utf32(tk->cps, n, opts);
    return n < 0 ? -1 : (long long)n;
}

enum kind { SEPARATOR, LETTER, MARK, DIGIT, SYMBOL };

static enum kind kind_of(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return LETTER;
        if (cp >= '0' && cp <= '9')
            return DIGIT;
        if (cp > ' ' && cp < 0x7F)
            return SYMBOL;
        return SEPARATOR;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return MARK;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return DIGIT;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC: case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
        return SYMBOL;
    default:
        return SEPARATOR;
    }
}

static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

/* Appends code points [from, to) as one token. */
static int emit(sn_tokenizer *tk, const int32_t *cps, size_t from, size_t to)
{
    size_t start = tk->text_len;

    if (reserve((void **)&tk->tokens, &tk->tokens_cap, tk->count + 1,
                sizeof *tk->tokens) < 0 ||
        reserve((void **)&tk->text, &tk->text_cap,
                tk->text_len + 4 * (to - from) + 1, 1) < 0)
        return -1;
    for (size_t i = from; i < to; i++) {
        /* A typographic apostrophe inside a word is the ASCII one. */
        int32_t cp = cps[i] == 0x2019 ? '\'' : cps[i];
        tk->text_len += (size_t)utf8proc_encode_char(
            cp, (utf8proc_uint8_t *)tk->text + tk->text_len);
    }
    if (tk->text_len - start > UINT32_MAX || start > UINT32_MAX)
        return -1;
    tk->tokens[tk->count].start = (uint32_t)start;
    tk->tokens[tk->count].len = (uint32_t)(tk->text_len - start);
    tk->count++;
    return 0;
}

/* Step 3. */
static int segment(sn_tokenizer *tk, const int32_t *cps, size_t n)
{
    size_t i = 0;

    while (i < n) {
        enum kind k = kind_of(cps[i]);
        size_t j = i + 1;

        if (k == SEPARATOR) {
            i++;
            continue;
        }
        if (k == LETTER || k == MARK) {
            for (;;) {
                if (j < n && (kind_of(cps[j]) == LETTER || kind_of(cps[j]) == MARK)) {
                    j++;
                } else if (j + 1 < n && is_apostrophe(cps[j]) &&
                           kind_of(cps[j + 1]) == LETTER) {
                    j += 2;
                } else {
                    break;
                }
            }
        } else if (k == DIGIT) {
            for (;;) {
                if (j < n && (kind_of(cps[j]) == DIGIT || kind_of(cps[j]) == MARK)) {
                    j++;
                } else if (j + 1 < n && (cps[j] == '.' || cps[j] == ',') &&
                           kind_of(cps[j + 1]) == DIGIT) {
                    j += 2;
                } else {
                    break;
                }
            }
        } else {
            /* A symbol keeps the marks that follow it (e.g. a keycap). */
            while (j < n && kind_of(cps[j]) == MARK)
                j++;
        }
        if (emit(tk, cps, i, j) < 0)
            return -1;
        i = j;
    }
    return 0;
}

int sn_tokenize(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                const char *text, size_t len, sentiment_error *err)
{
    long long clean_len, ncps;
    int ascii = 1;

    (void)s;
    tk->count = 0;
    tk->text_len = 0;
    if (len > UINT32_MAX / 4)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "text of %zu bytes is longer than the 1 GiB supported", len);
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)text[i] >= 0x80) {
            ascii = 0;
            break;
        }
    }
    clean_len = repair(tk, text, len);
    if (clean_len < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while tokenizing");
    ncps = normalize(tk, (size_t)clean_len, ascii);
    if (ncps < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while normalizing");
    if (segment(tk, tk->cps, (size_t)ncps) < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while tokenizing");
    return SENTIMENT_OK;
}
