/*
 * tokenizer.c - UTF-8 review text to tokens, with utf8proc.
 *
 * Reviews are messy, so the text goes through three steps:
 *
 *  1. repair: invalid UTF-8 becomes U+FFFD and NUL a space, so that no line
 *     is ever lost and utf8proc (which refuses invalid input) always accepts
 *     what follows; HTML tags are dropped and entities decoded ("<br />",
 *     "&amp;").
 *  2. normalize: NFKC, so that "ＡＢＣ" and "ABC" are the same letters.
 *     Pure ASCII, the common case, skips utf8proc.  Case is folded later,
 *     token by token, so that a word in capitals can still be noticed.
 *  3. segment by Unicode category: words (letters with their marks, an
 *     apostrophe inside), numbers, punctuation, and symbols or emoji as
 *     whole grapheme clusters.  Scripts written without spaces (Han, kana,
 *     Thai, ...) become one token per character, from which the vectorizer
 *     makes character n-grams.  URLs, e-mail addresses, @mentions and long
 *     numbers become placeholders, emoticons stay whole, elongations are
 *     shortened, clitics are split off ("don't" -> "do" "n't"), and tokens
 *     after a negation cue are marked until the clause ends.
 *
 * Every step is linear in the length of the text: no rule looks back, and
 * any look-ahead is bounded or consumes what it reads.
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
    s->flags = SN_TOK_ALL;
}

uint32_t sn_tokenizer_rule(const char *name)
{
    static const struct { const char *name; uint32_t flag; } rules[] = {
        {"html", SN_TOK_HTML}, {"placeholders", SN_TOK_PLACEHOLDERS},
        {"elongation", SN_TOK_ELONGATION}, {"negation", SN_TOK_NEGATION},
        {"emoticons", SN_TOK_EMOTICONS}, {"clitics", SN_TOK_CLITICS},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(name, rules[i].name) == 0)
            return rules[i].flag;
    return 0;
}

/* Grows *BUF to hold at least NEED elements of SIZE bytes. */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    size_t n;
    void *p;

    if (need <= *cap)
        return 0;
    n = *cap ? *cap : 256;
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

/* ---- step 1: repair ------------------------------------------------------ */

static int is_ascii_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The length of an HTML tag at P ("<br />", "</p>", "<!-- -->"), or 0.  A
 * tag is at most 256 bytes on one line, so "<3" and "a < b" stay text. */
static size_t tag_length(const char *p, size_t n)
{
    if (n < 3 || !(is_ascii_alpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!'))
        return 0;
    if (p[1] == '/' && !is_ascii_alpha((unsigned char)p[2]))
        return 0;
    for (size_t i = 1; i < n && i < 256; i++) {
        if (p[i] == '>')
            return i + 1;
        if (p[i] == '<' || p[i] == '\n')
            return 0;
    }
    return 0;
}

/* Decodes an HTML entity at P into *CP; returns its length, or 0. */
static size_t entity_length(const char *p, size_t n, int32_t *cp)
{
    static const struct { const char *name; int32_t cp; } names[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
        {"nbsp", ' '}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026},
        {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"rdquo", 0x201D}, {"ldquo", 0x201C},
    };
    size_t i = 1;

    if (n > 12)
        n = 12;
    if (i < n && p[i] == '#') {
        int32_t v = 0;
        int hex = i + 1 < n && (p[i + 1] == 'x' || p[i + 1] == 'X');
        size_t digits = 0;
        for (i += 1 + hex; i < n && p[i] != ';'; i++, digits++) {
            int c = (unsigned char)p[i], d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && ((c | 32) >= 'a' && (c | 32) <= 'f'))
                d = (c | 32) - 'a' + 10;
            else
                return 0;
            v = v * (hex ? 16 : 10) + d;
            if (v > 0x10FFFF)
                return 0;
        }
        if (i >= n || digits == 0 || v == 0 || !utf8proc_codepoint_valid(v))
            return 0;
        *cp = v;
        return i + 1;
    }
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t len = strlen(names[k].name);
        if (len + 2 <= n && memcmp(p + 1, names[k].name, len) == 0 && p[len + 1] == ';') {
            *cp = names[k].cp;
            return len + 2;
        }
    }
    return 0;
}

/* Bytes the repair step must look at: NUL, the start of a tag or entity,
 * and anything not ASCII. */
static inline int special_byte(unsigned char c)
{
    return c == 0 || c == '<' || c == '&' || c >= 0x80;
}

static inline uint64_t load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Where the run of plain bytes starting at I ends.  Eight bytes at a time:
 * a word holds a special byte when one of its bytes has the high bit, or
 * equals 0, '<' or '&' (a zero byte in v ^ that byte repeated). */
static size_t plain_run(const char *text, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;

    while (i + 8 <= len) {
        uint64_t v = load64(text + i), lt = v ^ (ones * '<'), amp = v ^ (ones * '&');
        uint64_t zero = ((v - ones) & ~v) | ((lt - ones) & ~lt) | ((amp - ones) & ~amp);
        if ((zero | v) & highs)
            break;
        i += 8;
    }
    while (i < len && !special_byte((unsigned char)text[i]))
        i++;
    return i;
}

/* Returns the length of the repaired text in tk->clean, or -1; sets
 * *ASCII when it holds no byte above 0x7F. */
static long long repair(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                        const char *text, size_t len, int *ascii)
{
    const int html = (s->flags & SN_TOK_HTML) != 0;
    size_t out = 0, i = 0;
    int high = 0;

    /* Each invalid byte becomes the 3 bytes of U+FFFD; an entity is never
     * longer than what it decodes to. */
    if (len > SIZE_MAX / 3 - 1 ||
        reserve((void **)&tk->clean, &tk->clean_cap, len * 3 + 1, 1) < 0)
        return -1;
    tk->invalid = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        /* Plain ASCII needs no decision but the three below: copy runs. */
        if (!special_byte(c)) {
            size_t j = plain_run(text, i + 1, len);
            memcpy(tk->clean + out, text + i, j - i);
            out += j - i;
            i = j;
            continue;
        }
        if (c < 0x80) {
            size_t n;
            int32_t cp;
            if (c == 0) {
                tk->clean[out++] = ' ';
            } else if (html && c == '<' && (n = tag_length(text + i, len - i)) > 0) {
                tk->clean[out++] = ' ';
                i += n;
                continue;
            } else if (html && c == '&' && (n = entity_length(text + i, len - i, &cp)) > 0) {
                out += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)tk->clean + out);
                high |= cp >= 0x80;
                i += n;
                continue;
            } else {
                tk->clean[out++] = (char)c;
            }
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        high = 1;
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
    *ascii = !high;
    return (long long)out;
}

/* ---- step 2: normalize --------------------------------------------------- */

/* Appends the NFKC code points of LEN bytes at P, which hold non-ASCII
 * text, at tk->cps[*at]. */
static int normalize_piece(sn_tokenizer *tk, const char *p, size_t len, size_t *at)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE;
    utf8proc_ssize_t n;

    for (;;) {
        n = utf8proc_decompose((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)len,
                               tk->cps + *at, (utf8proc_ssize_t)(tk->cps_cap - *at),
                               opts);
        if (n < 0)
            return -1;
        if ((size_t)n <= tk->cps_cap - *at)
            break;
        if (reserve((void **)&tk->cps, &tk->cps_cap, *at + (size_t)n + len + 1,
                    sizeof *tk->cps) < 0)
            return -1;
    }
    n = utf8proc_normalize_utf32(tk->cps + *at, n, opts);
    if (n < 0)
        return -1;
    *at += (size_t)n;
    return 0;
}

/*
 * Fills tk->cps; returns the number of code points, or -1.  Normalization
 * never reaches across an ASCII space (a space composes with nothing), so
 * the text is taken word by word: pure ASCII words are copied, and only
 * words with other characters go through utf8proc.
 */
static long long normalize(sn_tokenizer *tk, size_t len, int ascii)
{
    const char *clean = tk->clean;
    size_t at = 0, i = 0;

    /* NFKC never makes text longer than this, but a piece may: reserve()
     * in normalize_piece grows the buffer when it does. */
    if (reserve((void **)&tk->cps, &tk->cps_cap, len + 1, sizeof *tk->cps) < 0)
        return -1;
    if (ascii) {
        for (size_t k = 0; k < len; k++)
            tk->cps[k] = (unsigned char)clean[k];
        return (long long)len;
    }
    while (i < len) {
        size_t j = i;
        int high = 0;
        while (j < len && clean[j] != ' ') {
            high |= (unsigned char)clean[j] >= 0x80;
            j++;
        }
        if (high) {
            if (normalize_piece(tk, clean + i, j - i, &at) < 0)
                return -1;
        } else {
            if (reserve((void **)&tk->cps, &tk->cps_cap, at + (j - i) + 1,
                        sizeof *tk->cps) < 0)
                return -1;
            for (size_t k = i; k < j; k++)
                tk->cps[at++] = (unsigned char)clean[k];
        }
        if (j < len) {
            if (reserve((void **)&tk->cps, &tk->cps_cap, at + 2, sizeof *tk->cps) < 0)
                return -1;
            tk->cps[at++] = ' ';
        }
        i = j + 1;
    }
    return (long long)at;
}

/* ---- step 3: segment ----------------------------------------------------- */

enum kind { SEPARATOR, LETTER, MARK, DIGIT, PUNCT, SYMBOL };

/* ASCII by table: most reviews are mostly ASCII.  $ + < = > ^ ` | ~ are
 * symbols in Unicode, the other printable non-alphanumerics punctuation. */
#define S SEPARATOR
#define L LETTER
#define D DIGIT
#define P PUNCT
#define Y SYMBOL
static const unsigned char ascii_kind[128] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, P, P, P, Y, P, P, P, P, P, P, Y, P, P, P, P,
    D, D, D, D, D, D, D, D, D, D, P, P, Y, Y, Y, P,
    P, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, P, P, P, Y, P,
    Y, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, P, Y, P, Y, S,
};
#undef S
#undef L
#undef D
#undef P
#undef Y

static enum kind kind_of_unicode(int32_t cp);

static inline enum kind kind_of(int32_t cp)
{
    return cp < 0x80 ? (enum kind)ascii_kind[cp] : kind_of_unicode(cp);
}

static enum kind kind_of_unicode(int32_t cp)
{
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
    case UTF8PROC_CATEGORY_PO:
        return PUNCT;
    case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO:
        return SYMBOL;
    default:
        return SEPARATOR;
    }
}

/* Scripts written without spaces between words.  Their letters become one
 * token each; the vectorizer's character n-grams stand in for words. */
static inline int unspaced_script(int32_t cp)
{
    if (cp < 0x0E00)
        return 0;
    return cp <= 0x0EFF ||                     /* Thai, Lao */
        (cp >= 0x1000 && cp <= 0x109F) ||      /* Myanmar */
        (cp >= 0x1780 && cp <= 0x17FF) ||      /* Khmer */
        (cp >= 0x19E0 && cp <= 0x19FF) ||      /* Khmer symbols */
        (cp >= 0x2E80 && cp <= 0x2FDF) ||      /* CJK radicals */
        (cp >= 0x3005 && cp <= 0x3007) ||      /* ideographic iteration, zero */
        (cp >= 0x3021 && cp <= 0x3029) ||      /* Hangzhou numerals */
        (cp >= 0x3040 && cp <= 0x30FF) ||      /* Hiragana, Katakana */
        (cp >= 0x31F0 && cp <= 0x31FF) ||      /* Katakana extensions */
        (cp >= 0x3400 && cp <= 0x4DBF) ||      /* CJK extension A */
        (cp >= 0x4E00 && cp <= 0x9FFF) ||      /* CJK unified ideographs */
        (cp >= 0xA9E0 && cp <= 0xA9FF) ||      /* Myanmar extended B */
        (cp >= 0xAA60 && cp <= 0xAA7F) ||      /* Myanmar extended A */
        (cp >= 0xF900 && cp <= 0xFAFF) ||      /* CJK compatibility */
        (cp >= 0x20000 && cp <= 0x3134F);      /* CJK extensions B-G */
}

/* Soft hyphen, zero-width (non-)joiner, word joiner, zero-width no-break
 * space: invisible inside a word, so they neither end it nor stay in it. */
static inline int invisible(int32_t cp)
{
    return cp == 0x00AD || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
        cp == 0xFEFF;
}

static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

static int lower_ascii(int32_t cp)
{
    return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
}

/* Clause ends close a negation scope. */
static int ends_clause(int32_t cp)
{
    /* NFKC has already turned fullwidth and halfwidth forms and the
     * ellipsis into ASCII; the ideographic comma and full stop remain. */
    return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' ||
        cp == '?' || cp == 0x3001 || cp == 0x3002;
}

typedef struct segmenter {
    sn_tokenizer *tk;
    const sn_tokenizer_settings *s;
    const sn_lexicon *lex;
    const int32_t *cps;
    size_t n;
    size_t clean_len;       /* bytes in tk->clean */
    size_t start;           /* byte offset of the token being built */
    int32_t last[2];        /* last two code points written, for elongation */
    int failed;
} segmenter;

static void put_bytes(segmenter *g, const char *p, size_t n)
{
    sn_tokenizer *tk = g->tk;
    if (reserve((void **)&tk->text, &tk->text_cap, tk->text_len + n + 1, 1) < 0) {
        g->failed = 1;
        return;
    }
    memcpy(tk->text + tk->text_len, p, n);
    tk->text_len += n;
}

/* Writes CP case-folded; returns 1 when it was dropped as an elongation. */
static inline int put_folded(segmenter *g, int32_t cp, int shorten)
{
    utf8proc_int32_t folded[4];
    utf8proc_ssize_t m;
    sn_tokenizer *tk = g->tk;

    if (cp < 0x80 && tk->text_len + 1 < tk->text_cap) {
        int32_t c = lower_ascii(cp);
        if (shorten && c == g->last[0] && c == g->last[1])
            return 1;
        g->last[1] = g->last[0];
        g->last[0] = c;
        tk->text[tk->text_len++] = (char)c;
        return 0;
    }
    if (cp < 0x80) {
        folded[0] = lower_ascii(cp);
        m = 1;
    } else {
        if (cp == 0x2019)
            cp = '\'';
        m = utf8proc_decompose_char(cp, folded, 4, UTF8PROC_CASEFOLD, NULL);
        if (m < 1 || m > 4) {
            folded[0] = cp;
            m = 1;
        }
    }
    if (reserve((void **)&tk->text, &tk->text_cap, tk->text_len + 16 + 1, 1) < 0) {
        g->failed = 1;
        return 0;
    }
    for (utf8proc_ssize_t k = 0; k < m; k++) {
        if (shorten && folded[k] == g->last[0] && folded[k] == g->last[1])
            return 1;
        g->last[1] = g->last[0];
        g->last[0] = folded[k];
        tk->text_len += (size_t)utf8proc_encode_char(
            folded[k], (utf8proc_uint8_t *)tk->text + tk->text_len);
    }
    return 0;
}

static void begin(segmenter *g)
{
    g->start = g->tk->text_len;
    g->last[0] = g->last[1] = -1;
}

/* Ends the token begun at g->start. */
static void finish(segmenter *g, int kind, int flags)
{
    sn_tokenizer *tk = g->tk;
    size_t len = tk->text_len - g->start;
    sn_token *t;

    if (g->failed)
        return;
    if (len == 0)
        return;
    if (reserve((void **)&tk->tokens, &tk->tokens_cap, tk->count + 1,
                sizeof *tk->tokens) < 0 || len > UINT32_MAX || g->start > UINT32_MAX) {
        g->failed = 1;
        return;
    }
    t = &tk->tokens[tk->count++];
    t->start = (uint32_t)g->start;
    t->len = (uint32_t)len;
    t->kind = (uint8_t)kind;
    t->flags = (uint8_t)flags;
    /* A cue of an unspaced script can only be one character: several would
     * be several tokens. */
    t->classes = g->lex && (kind == SN_TOKEN_WORD || kind == SN_TOKEN_CHAR)
        ? (uint8_t)sn_lexicon_lookup(g->lex, tk->text + t->start, len) : 0;
}

static void placeholder(segmenter *g, const char *name)
{
    begin(g);
    put_bytes(g, name, strlen(name));
    finish(g, SN_TOKEN_PLACEHOLDER, 0);
}

static int is_clitic(const char *p, size_t n)
{
    static const char *const clitics[] = {"s", "re", "ll", "ve", "d", "m"};
    for (size_t k = 0; k < sizeof clitics / sizeof clitics[0]; k++)
        if (strlen(clitics[k]) == n && memcmp(clitics[k], p, n) == 0)
            return 1;
    return 0;
}

/* Writes the word cps[from .. to) as one or two tokens. */
static void word(segmenter *g, size_t from, size_t to)
{
    const int shorten = (g->s->flags & SN_TOK_ELONGATION) != 0;
    sn_tokenizer *tk = g->tk;
    size_t upper = 0, lower = 0, len, split = 0;
    int flags = 0;

    begin(g);
    if (reserve((void **)&tk->text, &tk->text_cap, tk->text_len + (to - from) + 16, 1) < 0) {
        g->failed = 1;
        return;
    }
    for (size_t i = from; i < to; i++) {
        int32_t cp = g->cps[i];
        if (cp < 0x80 && cp != '\'') {
            /* A run of ASCII letters, the common case, in locals: writes
             * through a char pointer would make the compiler reload every
             * field of *g and *tk at each letter.  An ASCII letter gives
             * one byte. */
            char *out;
            size_t at;
            int32_t last0, last1;
            if (reserve((void **)&tk->text, &tk->text_cap, tk->text_len + (to - i) + 16, 1) < 0) {
                g->failed = 1;
                return;
            }
            out = tk->text;
            at = tk->text_len;
            last0 = g->last[0];
            last1 = g->last[1];
            size_t begun = i;
            int32_t any = 0, all = 0x20;
            for (; i < to && g->cps[i] < 0x80 && g->cps[i] != '\''; i++) {
                int32_t c = g->cps[i] | 0x20;
                /* Bit 0x20 is what tells a lower-case ASCII letter. */
                any |= g->cps[i];
                all &= g->cps[i];
                if (shorten && c == last0 && c == last1) {
                    flags |= SN_TOKEN_ELONGATED;
                    continue;
                }
                last1 = last0;
                last0 = c;
                out[at++] = (char)c;
            }
            if (any & 0x20)
                lower++;
            if (!(all & 0x20))
                upper += i - begun > 1 ? 2 : 1;
            tk->text_len = at;
            g->last[0] = last0;
            g->last[1] = last1;
            i--;
            continue;
        }
        if (cp < 0x80) {
            upper += cp >= 'A' && cp <= 'Z';
            lower += cp >= 'a' && cp <= 'z';
        } else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU) {
            upper++;
        } else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
            lower++;
        }
        if (invisible(cp))
            continue;
        if (put_folded(g, cp, shorten))
            flags |= SN_TOKEN_ELONGATED;
    }
    if (g->failed)
        return;
    if (upper >= 2 && lower == 0)
        flags |= SN_TOKEN_ALLCAPS;
    len = tk->text_len - g->start;
    if (g->s->flags & SN_TOK_CLITICS) {
        const char *w = tk->text + g->start;
        if (len > 3 && memcmp(w + len - 3, "n't", 3) == 0) {
            split = len - 3;
        } else {
            /* A clitic is at most 2 letters after the apostrophe. */
            for (size_t q = len > 3 ? len - 3 : 1; q < len; q++)
                if (w[q] == '\'' && is_clitic(w + q + 1, len - q - 1))
                    split = q;
        }
    }
    if (split == 0) {
        finish(g, SN_TOKEN_WORD, flags);
        return;
    }
    /* Two tokens over the same bytes: stem, then clitic. */
    tk->text_len = g->start + split;
    finish(g, SN_TOKEN_WORD, flags);
    g->start = tk->text_len;
    tk->text_len = g->start + (len - split);
    finish(g, SN_TOKEN_WORD, 0);
}

/* Copies cps[from .. to) as a token of KIND, folding case. */
static void copy_token(segmenter *g, size_t from, size_t to, int kind)
{
    begin(g);
    for (size_t i = from; i < to; i++)
        put_folded(g, g->cps[i], 0);
    finish(g, kind, 0);
}

static int starts_with_ascii(const int32_t *cps, size_t n, const char *prefix)
{
    size_t k = 0;
    for (; prefix[k]; k++)
        if (k >= n || lower_ascii(cps[k]) != prefix[k])
            return 0;
    return 1;
}

/* End of a URL or address: back over the punctuation that ends a sentence. */
static size_t trim_trailing(const int32_t *cps, size_t from, size_t to)
{
    while (to > from + 1 && cps[to - 1] < 0x80 && strchr(".,;:!?)]}\"'", (int)cps[to - 1]))
        to--;
    return to;
}

/* An emoticon of the lexicon at cps[i]: its length, or 0.  Longest first. */
static size_t emoticon_at(const segmenter *g, size_t i)
{
    char buf[SN_LEX_MAX_ENTRY];
    size_t max = g->lex->emoticon_max, n = 0;
    int32_t c = g->cps[i];

    if (c >= 0x80 || !(g->lex->emoticon_first[c >> 5] & (UINT32_C(1) << (c & 31))))
        return 0;
    while (n < max && i + n < g->n && g->cps[i + n] < 0x80 &&
           kind_of(g->cps[i + n]) != SEPARATOR) {
        buf[n] = (char)lower_ascii(g->cps[i + n]);
        n++;
    }
    for (; n >= 2; n--) {
        if (sn_lexicon_lookup(g->lex, buf, n) & SN_LEX_EMOTICON) {
            /* ":d" must not eat the start of ":data". */
            enum kind last = kind_of(g->cps[i + n - 1]);
            if ((last == LETTER || last == DIGIT) && i + n < g->n &&
                (kind_of(g->cps[i + n]) == LETTER || kind_of(g->cps[i + n]) == DIGIT))
                continue;
            return n;
        }
    }
    return 0;
}

static void segment(segmenter *g)
{
    const int32_t *cps = g->cps;
    const size_t n = g->n;
    const uint32_t flags = g->s->flags;
    size_t i = 0, chunk_end = 0, email_from = SIZE_MAX, email_to = 0;
    /* Only an '@' makes an e-mail address worth looking for. */
    int any_at = (flags & SN_TOK_PLACEHOLDERS) &&
        memchr(g->tk->clean, '@', g->clean_len) != NULL;

    while (i < n && !g->failed) {
        int32_t cp = cps[i];
        enum kind k = kind_of(cp);
        size_t j = i + 1;

        if (k == SEPARATOR) {
            i++;
            continue;
        }
        /* At the start of a chunk of non-space text, look at it whole once:
         * an e-mail address is only recognizable from its '@' onwards. */
        if (any_at && i >= chunk_end) {
            int at = 0;
            chunk_end = i;
            while (chunk_end < n && kind_of(cps[chunk_end]) != SEPARATOR) {
                if (cps[chunk_end] == '@' && chunk_end > i)
                    at = 1;
                chunk_end++;
            }
            if ((flags & SN_TOK_PLACEHOLDERS) && at) {
                size_t end = trim_trailing(cps, i, chunk_end), p = i, b;
                int dot = 0;
                while (p < end && cps[p] != '@')
                    p++;
                for (size_t q = p; q < end; q++)
                    dot |= cps[q] == '.';
                /* The address starts where the characters allowed in its
                 * local part stop; what comes before is text. */
                b = p;
                while (b > i && (kind_of(cps[b - 1]) == LETTER || kind_of(cps[b - 1]) == DIGIT ||
                                 (cps[b - 1] < 0x80 && strchr(".-_+", (int)cps[b - 1]))))
                    b--;
                while (b < p && !(kind_of(cps[b]) == LETTER || kind_of(cps[b]) == DIGIT))
                    b++;
                if (b < p && p + 1 < end && dot &&
                    (kind_of(cps[p + 1]) == LETTER || kind_of(cps[p + 1]) == DIGIT)) {
                    email_from = b;
                    email_to = end;
                }
            }
        }
        if (i == email_from) {
            placeholder(g, "<email>");
            i = email_to;
            continue;
        }
        if ((flags & SN_TOK_PLACEHOLDERS) && ((cp | 32) == 'h' || (cp | 32) == 'w') &&
            (starts_with_ascii(cps + i, n - i, "http://") ||
             starts_with_ascii(cps + i, n - i, "https://") ||
             (starts_with_ascii(cps + i, n - i, "www.") && i + 4 < n &&
              kind_of(cps[i + 4]) == LETTER))) {
            size_t end = i;
            while (end < n && kind_of(cps[end]) != SEPARATOR)
                end++;
            placeholder(g, "<url>");
            i = trim_trailing(cps, i, end);
            continue;
        }
        if ((flags & SN_TOK_PLACEHOLDERS) && cp == '@' && j < n &&
            (kind_of(cps[j]) == LETTER || kind_of(cps[j]) == DIGIT || cps[j] == '_') &&
            (i == 0 || (kind_of(cps[i - 1]) != LETTER && kind_of(cps[i - 1]) != DIGIT))) {
            while (j < n && (kind_of(cps[j]) == LETTER || kind_of(cps[j]) == DIGIT ||
                             cps[j] == '_' || kind_of(cps[j]) == MARK))
                j++;
            placeholder(g, "<user>");
            i = j;
            continue;
        }
        if ((flags & SN_TOK_EMOTICONS) && g->lex && (k == PUNCT || k == SYMBOL)) {
            size_t len = emoticon_at(g, i);
            if (len > 0) {
                copy_token(g, i, i + len, SN_TOKEN_EMOTICON);
                i += len;
                continue;
            }
        }
        /* A clitic standing alone, as in corpora tokenized like "it 's". */
        if ((flags & SN_TOK_CLITICS) && is_apostrophe(cp) && j < n && kind_of(cps[j]) == LETTER) {
            size_t e = j;
            char buf[3];
            while (e < n && e - j < 3 && cps[e] < 0x80 && kind_of(cps[e]) == LETTER) {
                buf[e - j] = (char)lower_ascii(cps[e]);
                e++;
            }
            if ((e == n || kind_of(cps[e]) != LETTER) && is_clitic(buf, e - j)) {
                copy_token(g, i, e, SN_TOKEN_WORD);
                i = e;
                continue;
            }
        }

        if ((k == LETTER || k == MARK) && unspaced_script(cp)) {
            while (j < n && kind_of(cps[j]) == MARK)
                j++;
            copy_token(g, i, j, SN_TOKEN_CHAR);
        } else if (k == LETTER || k == MARK) {
            /* Most words are plain ASCII letters: run over them first. */
            while (j < n && cps[j] < 0x80 && ascii_kind[cps[j]] == LETTER)
                j++;
            for (;;) {
                if (j < n && (kind_of(cps[j]) == LETTER || kind_of(cps[j]) == MARK) &&
                    !unspaced_script(cps[j])) {
                    j++;
                } else if (j + 1 < n && invisible(cps[j]) && kind_of(cps[j + 1]) == LETTER &&
                           !unspaced_script(cps[j + 1])) {
                    j += 2;
                } else if (j + 1 < n && is_apostrophe(cps[j]) &&
                           kind_of(cps[j + 1]) == LETTER && !unspaced_script(cps[j + 1])) {
                    j += 2;
                } else {
                    break;
                }
            }
            word(g, i, j);
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
            /* Short numbers carry meaning ("10/10", "2 stars"); long ones
             * (years, prices, phone numbers) rarely do. */
            if ((flags & SN_TOK_PLACEHOLDERS) && j - i > 3)
                placeholder(g, "<number>");
            else
                copy_token(g, i, j, SN_TOKEN_NUMBER);
        } else {
            /* A whole grapheme cluster: an emoji with its skin tone, a ZWJ
             * sequence, a flag, or a symbol with its variation selector. */
            utf8proc_int32_t state = 0;
            while (j < n && !utf8proc_grapheme_break_stateful(cps[j - 1], cps[j], &state))
                j++;
            if (k == PUNCT && j == i + 1) {
                /* "!!!!!" is one token, shortened to "!!". */
                size_t e = j;
                while (e < n && cps[e] == cp)
                    e++;
                begin(g);
                put_folded(g, cp, 0);
                if (e - i >= 2)
                    put_folded(g, cp, 0);
                if (e - i > 2 && !(flags & SN_TOK_ELONGATION))
                    for (size_t r = 2; r < e - i; r++)
                        put_folded(g, cp, 0);
                finish(g, SN_TOKEN_PUNCT,
                       e - i > 2 && (flags & SN_TOK_ELONGATION) ? SN_TOKEN_ELONGATED : 0);
                j = e;
            } else {
                copy_token(g, i, j, k == PUNCT ? SN_TOKEN_PUNCT : SN_TOKEN_SYMBOL);
            }
        }
        i = j;
    }
}

/* Marks negation scopes and intensified words, once all tokens are known. */
static void mark_scopes(sn_tokenizer *tk, const sn_tokenizer_settings *s)
{
    const int negation = (s->flags & SN_TOK_NEGATION) != 0;
    int negated = 0, intensify = 0;

    for (size_t i = 0; i < tk->count; i++) {
        sn_token *t = &tk->tokens[i];
        if (t->kind == SN_TOKEN_PUNCT) {
            utf8proc_int32_t cp = (unsigned char)tk->text[t->start];
            if (cp >= 0x80)
                utf8proc_iterate((const utf8proc_uint8_t *)tk->text + t->start, t->len, &cp);
            if (ends_clause(cp)) {
                negated = intensify = 0;
                continue;
            }
        }
        if (t->classes & SN_LEX_CONTRAST)
            negated = 0;
        if (negated)
            t->flags |= SN_TOKEN_NEGATED;
        if (intensify && (t->kind == SN_TOKEN_WORD || t->kind == SN_TOKEN_CHAR))
            t->flags |= SN_TOKEN_INTENSIFIED;
        intensify = (t->classes & SN_LEX_INTENSIFIER) != 0;
        if (negation && (t->classes & SN_LEX_NEGATION))
            negated = 1;
    }
}

/* ---- the fast path for plain ASCII ---------------------------------------
 *
 * Most reviews in English are plain ASCII.  For them the steps above reduce
 * to the rules below, done in one pass from the input bytes to the tokens,
 * without the copy, the code points or the general segmenter.  A text with
 * anything those rules do not cover (a byte above 0x7F, an HTML tag or
 * entity, an '@', a URL) goes the general way; tests check that both ways
 * give the same tokens. */

int sn_tokenizer_fast_path = 1;

/* The tokenizer's output while the fast path fills it, in a local: stores
 * through a char pointer would otherwise make the compiler reload every
 * field of the tokenizer after each byte written. */
typedef struct fast {
    char *out;              /* tk->text */
    size_t at;              /* bytes written */
    sn_token *tokens;
    size_t count;
    size_t start;           /* where the current token began */
    const sn_lexicon *lex;
} fast;

static inline void fast_token(fast *f, int kind, int flags)
{
    sn_token *t = &f->tokens[f->count++];
    size_t len = f->at - f->start;

    t->start = (uint32_t)f->start;
    t->len = (uint32_t)len;
    t->kind = (uint8_t)kind;
    t->flags = (uint8_t)flags;
    t->classes = f->lex && kind == SN_TOKEN_WORD &&
        sn_lexicon_may_hold(f->lex, f->out + f->start, len)
        ? (uint8_t)sn_lexicon_lookup(f->lex, f->out + f->start, len) : 0;
    f->start = f->at;
}

static inline int ascii_letter(unsigned char c)
{
    return c < 0x80 && ascii_kind[c] == LETTER;
}

/* The emoticon of the lexicon at P[i], as emoticon_at() does it. */
static size_t fast_emoticon(const sn_lexicon *lex, const unsigned char *p, size_t i,
                            size_t n)
{
    char buf[SN_LEX_MAX_ENTRY];
    size_t m = 0;
    unsigned char c = p[i];

    if (!(lex->emoticon_first[c >> 5] & (UINT32_C(1) << (c & 31))))
        return 0;
    while (m < lex->emoticon_max && i + m < n && ascii_kind[p[i + m]] != SEPARATOR) {
        buf[m] = (char)lower_ascii(p[i + m]);
        m++;
    }
    for (; m >= 2; m--) {
        if (sn_lexicon_lookup(lex, buf, m) & SN_LEX_EMOTICON) {
            int last = ascii_kind[p[i + m - 1]];
            if ((last == LETTER || last == DIGIT) && i + m < n &&
                (ascii_kind[p[i + m]] == LETTER || ascii_kind[p[i + m]] == DIGIT))
                continue;
            return m;
        }
    }
    return 0;
}

/* Returns 1 when TEXT was tokenized, 0 when it needs the general way, -1
 * when memory ran out. */
static int fast_path(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                     const sn_lexicon *lex, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    const uint32_t flags = s->flags;
    const int shorten = (flags & SN_TOK_ELONGATION) != 0;
    fast f;
    size_t i = 0;

    /* Eight bytes at a time, for the bytes that send a text the general
     * way: above 0x7F, '@' (an address or a mention), '&' (an entity). */
    for (size_t k = 0; k < len;) {
        const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        int32_t cp;
        unsigned char c;
        if (k + 8 <= len) {
            uint64_t v = load64(text + k), at = v ^ (ones * '@'), amp = v ^ (ones * '&');
            if (!((v | ((at - ones) & ~at) | ((amp - ones) & ~amp)) & highs)) {
                k += 8;
                continue;
            }
        }
        c = p[k];
        if (c >= 0x80 || ((flags & SN_TOK_PLACEHOLDERS) && c == '@') ||
            ((flags & SN_TOK_HTML) && c == '&' && entity_length(text + k, len - k, &cp) > 0))
            return 0;
        k++;
    }
    /* Output never outgrows the input but for "<number>" (8 bytes for at
     * least 4), and there is at most one token per input byte. */
    if (reserve((void **)&tk->text, &tk->text_cap, 2 * len + 16, 1) < 0 ||
        reserve((void **)&tk->tokens, &tk->tokens_cap, len + 1, sizeof *tk->tokens) < 0)
        return -1;
    tk->invalid = 0;
    f.out = tk->text;
    f.at = 0;
    f.tokens = tk->tokens;
    f.count = 0;
    f.lex = lex && lex->count ? lex : NULL;
    f.start = 0;
    while (i < len) {
        unsigned char c = p[i];
        int k = ascii_kind[c];
        size_t j = i + 1;
        char *out = f.out;

        if (k == SEPARATOR) {
            i++;
            continue;
        }
        if ((flags & SN_TOK_HTML) && c == '<') {
            /* A tag is a space, as repair() makes it. */
            size_t tag = tag_length(text + i, len - i);
            if (tag > 0) {
                i += tag;
                continue;
            }
        }
        if ((flags & SN_TOK_PLACEHOLDERS) && ((c | 32) == 'h' || (c | 32) == 'w')) {
            size_t m = 0;
            char low[8];
            while (m < 8 && i + m < len) {
                low[m] = (char)lower_ascii(p[i + m]);
                m++;
            }
            if ((m >= 7 && memcmp(low, "http://", 7) == 0) ||
                (m >= 8 && memcmp(low, "https://", 8) == 0) ||
                (m >= 5 && memcmp(low, "www.", 4) == 0))
                return 0; /* URLs go the general way */
        }
        if ((flags & SN_TOK_EMOTICONS) && f.lex && (k == PUNCT || k == SYMBOL)) {
            size_t m = fast_emoticon(f.lex, p, i, len);
            if (m > 0) {
                for (size_t r = 0; r < m; r++)
                    out[f.at++] = (char)lower_ascii(p[i + r]);
                fast_token(&f, SN_TOKEN_EMOTICON, 0);
                i += m;
                continue;
            }
        }
        if ((flags & SN_TOK_CLITICS) && c == '\'' && j < len && ascii_letter(p[j])) {
            size_t e = j;
            char buf[3];
            while (e < len && e - j < 3 && ascii_letter(p[e])) {
                buf[e - j] = (char)lower_ascii(p[e]);
                e++;
            }
            if ((e == len || !ascii_letter(p[e])) && is_clitic(buf, e - j)) {
                for (size_t r = i; r < e; r++)
                    out[f.at++] = (char)lower_ascii(p[r]);
                fast_token(&f, SN_TOKEN_WORD, 0);
                i = e;
                continue;
            }
        }
        if (k == LETTER) {
            int32_t last0 = -1, last1 = -1;
            int wflags = 0, any = 0, all = 0x20, letters = 0;
            size_t wlen, split = 0, at = f.at;
            /* In locals: a store through OUT, a char pointer, would make the
             * compiler reload f.at after every letter. */
            for (j = i;;) {
                unsigned char cj = j < len ? p[j] : 0;
                if (cj < 0x80 && ascii_kind[cj] == LETTER) {
                    int32_t lc = cj | 0x20;
                    any |= cj;
                    all &= cj;
                    letters++;
                    j++;
                    if (shorten && lc == last0 && lc == last1) {
                        wflags |= SN_TOKEN_ELONGATED;
                        continue;
                    }
                    last1 = last0;
                    last0 = lc;
                    out[at++] = (char)lc;
                } else if (cj == '\'' && j + 1 < len && ascii_letter(p[j + 1])) {
                    last1 = last0;
                    last0 = '\'';
                    out[at++] = '\'';
                    j++;
                } else {
                    break;
                }
            }
            f.at = at;
            if (letters >= 2 && !(all & 0x20) && !(any & 0x20 & ~all))
                wflags |= SN_TOKEN_ALLCAPS;
            wlen = f.at - f.start;
            if (flags & SN_TOK_CLITICS) {
                const char *w = out + f.start;
                if (wlen > 3 && memcmp(w + wlen - 3, "n't", 3) == 0) {
                    split = wlen - 3;
                } else {
                    for (size_t q = wlen > 3 ? wlen - 3 : 1; q < wlen; q++)
                        if (w[q] == '\'' && is_clitic(w + q + 1, wlen - q - 1))
                            split = q;
                }
            }
            if (split == 0) {
                fast_token(&f, SN_TOKEN_WORD, wflags);
            } else {
                size_t end = f.at;
                f.at = f.start + split;
                fast_token(&f, SN_TOKEN_WORD, wflags);
                f.at = end;
                fast_token(&f, SN_TOKEN_WORD, 0);
            }
            i = j;
            continue;
        }
        if (k == DIGIT) {
            for (;;) {
                if (j < len && ascii_kind[p[j]] == DIGIT)
                    j++;
                else if (j + 1 < len && (p[j] == '.' || p[j] == ',') &&
                         ascii_kind[p[j + 1]] == DIGIT)
                    j += 2;
                else
                    break;
            }
            if ((flags & SN_TOK_PLACEHOLDERS) && j - i > 3) {
                memcpy(out + f.at, "<number>", 8);
                f.at += 8;
                fast_token(&f, SN_TOKEN_PLACEHOLDER, 0);
            } else {
                memcpy(out + f.at, text + i, j - i);
                f.at += j - i;
                fast_token(&f, SN_TOKEN_NUMBER, 0);
            }
            i = j;
            continue;
        }
        if (k == PUNCT) {
            size_t e = j, copies;
            while (e < len && p[e] == c)
                e++;
            copies = e - i >= 2 ? 2 : 1;
            if (e - i > 2 && !shorten)
                copies = e - i;
            memset(out + f.at, c, copies);
            f.at += copies;
            fast_token(&f, SN_TOKEN_PUNCT, e - i > 2 && shorten ? SN_TOKEN_ELONGATED : 0);
            i = e;
            continue;
        }
        /* An ASCII symbol: a grapheme cluster of its own. */
        out[f.at++] = (char)c;
        fast_token(&f, SN_TOKEN_SYMBOL, 0);
        i = j;
    }
    tk->text_len = f.at;
    tk->count = f.count;
    return 1;
}

int sn_tokenize(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                const sn_lexicon *lex, const char *text, size_t len,
                sentiment_error *err)
{
    segmenter g;
    long long clean_len, ncps;
    int ascii;

    tk->count = 0;
    tk->text_len = 0;
    if (len > UINT32_MAX / 4)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "text of %zu bytes is longer than the 1 GiB supported", len);
    if (sn_tokenizer_fast_path) {
        int done = fast_path(tk, s, lex, text, len);
        if (done < 0)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while tokenizing");
        if (done > 0)
            goto finished;
        tk->count = 0;
        tk->text_len = 0;
    }
    clean_len = repair(tk, s, text, len, &ascii);
    if (clean_len < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while tokenizing");
    ncps = normalize(tk, (size_t)clean_len, ascii);
    if (ncps < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while normalizing");
    memset(&g, 0, sizeof g);
    g.tk = tk;
    g.s = s;
    g.lex = lex && lex->count ? lex : NULL;
    g.cps = tk->cps;
    g.n = (size_t)ncps;
    g.clean_len = (size_t)clean_len;
    segment(&g);
    if (g.failed)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while tokenizing");
finished:
    /* The vectorizer reads 8 bytes at a time: keep them readable. */
    if (reserve((void **)&tk->text, &tk->text_cap, tk->text_len + 8, 1) < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while tokenizing");
    memset(tk->text + tk->text_len, 0, 8);
    mark_scopes(tk, s);
    return SENTIMENT_OK;
}
