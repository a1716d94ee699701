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
 *
 * Plain ASCII, most of English, also has a fast way that goes from the
 * input bytes to the tokens in one pass.  Each rule of step 3 is written
 * once, as a small recognizer that both ways call (e-mail, URL, mention,
 * emoticon, lone clitic, word, number, grapheme); what differs between the
 * ways is only how they write tokens.
 */
#include <string.h>

#include <utf8proc.h>

#include "internal.h"
#include "tokenizer.h"
#include "vectorizer.h" /* SN_TOKENIZER_RULES, for the settings */

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

/* ---- the recognizers, shared by both ways of segmenting ------------------
 *
 * Each rule of segmentation is one small function that looks at the text
 * from position I and returns where what it recognizes ends, or 0 when it
 * is not there.  Both ways of segmenting call the same ones: the general
 * way (segment() below) on the code points of the normalized text, the fast
 * way (fast_path() further down) on the input bytes, which are plain ASCII
 * there, so that a byte is a code point.  A view holds either.  The
 * recognizers are inlined where WIDE is a constant, so that each way gets
 * a copy that reads its own array, as fast as one written for it. */

#if defined(__GNUC__)
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ALWAYS_INLINE inline
#endif

typedef struct view {
    const int32_t *cps;          /* the general way: code points */
    const unsigned char *bytes;  /* the fast way: ASCII bytes */
    size_t n;
    int wide;                    /* 1: CPS, 0: BYTES */
} view;

static ALWAYS_INLINE int32_t cp_at(const view *v, size_t i)
{
    return v->wide ? v->cps[i] : v->bytes[i];
}

static ALWAYS_INLINE enum kind kind_at(const view *v, size_t i)
{
    return v->wide ? kind_of(v->cps[i]) : (enum kind)ascii_kind[v->bytes[i]];
}

static ALWAYS_INLINE int alnum_at(const view *v, size_t i)
{
    enum kind k = kind_at(v, i);
    return k == LETTER || k == DIGIT;
}

/* Whether V[i] is ASCII: always on the fast way. */
static ALWAYS_INLINE int ascii_at(const view *v, size_t i)
{
    return !v->wide || v->cps[i] < 0x80;
}

static ALWAYS_INLINE int ascii_letter_at(const view *v, size_t i)
{
    return ascii_at(v, i) && ascii_kind[cp_at(v, i)] == LETTER;
}

/* A letter that can be part of a word: not of an unspaced script. */
static ALWAYS_INLINE int word_letter_at(const view *v, size_t i)
{
    return kind_at(v, i) == LETTER && !unspaced_script(cp_at(v, i));
}

static ALWAYS_INLINE int starts_with_ascii(const view *v, size_t i, const char *prefix)
{
    for (size_t k = 0; prefix[k]; k++)
        if (i + k >= v->n || lower_ascii(cp_at(v, i + k)) != prefix[k])
            return 0;
    return 1;
}

/* "http://", "https://", or "www." and a letter at V[i]. */
static ALWAYS_INLINE int url_at(const view *v, size_t i)
{
    int32_t c = cp_at(v, i) | 32;

    if (c == 'h')
        return starts_with_ascii(v, i, "http://") || starts_with_ascii(v, i, "https://");
    return c == 'w' && starts_with_ascii(v, i, "www.") && i + 4 < v->n &&
        kind_at(v, i + 4) == LETTER;
}

/* The end of V[from .. to) without the punctuation that ends a sentence,
 * which is not part of a URL or an address before it. */
static ALWAYS_INLINE size_t trim_trailing(const view *v, size_t from, size_t to)
{
    while (to > from + 1 && cp_at(v, to - 1) < 0x80 &&
           strchr(".,;:!?)]}\"'", (int)cp_at(v, to - 1)))
        to--;
    return to;
}

/* The end of the URL that url_at() found at V[i]. */
static ALWAYS_INLINE size_t url_end(const view *v, size_t i)
{
    size_t end = i;

    while (end < v->n && kind_at(v, end) != SEPARATOR)
        end++;
    return trim_trailing(v, i, end);
}

/* An @mention at V[i], not inside a word: its end, or 0. */
static ALWAYS_INLINE size_t mention_end(const view *v, size_t i)
{
    size_t j = i + 1;

    if (cp_at(v, i) != '@' || j >= v->n || !(alnum_at(v, j) || cp_at(v, j) == '_') ||
        (i > 0 && alnum_at(v, i - 1)))
        return 0;
    while (j < v->n && (alnum_at(v, j) || cp_at(v, j) == '_' || kind_at(v, j) == MARK))
        j++;
    return j;
}

/* The end of the chunk of non-space text at V[i]; sets *AT when it holds
 * an '@' after its first character. */
static ALWAYS_INLINE size_t chunk_end(const view *v, size_t i, int *at)
{
    size_t end = i;

    *at = 0;
    while (end < v->n && kind_at(v, end) != SEPARATOR) {
        if (cp_at(v, end) == '@' && end > i)
            *at = 1;
        end++;
    }
    return end;
}

/* Looks for an e-mail address in the chunk V[i .. end), whole: it is only
 * recognizable from its '@' on.  Sets [*FROM, *TO) when there is one. */
static ALWAYS_INLINE void email_in_chunk(const view *v, size_t i, size_t end, size_t *from,
                                          size_t *to)
{
    size_t p = i, b;
    int dot = 0;

    end = trim_trailing(v, i, end);
    while (p < end && cp_at(v, p) != '@')
        p++;
    for (size_t q = p; q < end; q++)
        dot |= cp_at(v, q) == '.';
    /* The address starts where the characters allowed in its local part
     * stop; what comes before is text. */
    b = p;
    while (b > i && (alnum_at(v, b - 1) ||
                     (cp_at(v, b - 1) < 0x80 && strchr(".-_+", (int)cp_at(v, b - 1)))))
        b--;
    while (b < p && !alnum_at(v, b))
        b++;
    if (b < p && p + 1 < end && dot && alnum_at(v, p + 1)) {
        *from = b;
        *to = end;
    }
}

/* An emoticon of the lexicon at V[i]: its length, or 0.  Longest first. */
static ALWAYS_INLINE size_t emoticon_length(const view *v, const sn_lexicon *lex, size_t i)
{
    char buf[SN_LEX_MAX_ENTRY];
    size_t n = 0;
    int32_t c = cp_at(v, i);

    if (c >= 0x80 || !(lex->emoticon_first[c >> 5] & (UINT32_C(1) << (c & 31))))
        return 0;
    while (n < lex->emoticon_max && i + n < v->n && cp_at(v, i + n) < 0x80 &&
           kind_at(v, i + n) != SEPARATOR) {
        buf[n] = (char)lower_ascii(cp_at(v, i + n));
        n++;
    }
    for (; n >= 2; n--) {
        if (sn_lexicon_lookup(lex, buf, n) & SN_LEX_EMOTICON) {
            /* ":d" must not eat the start of ":data". */
            if (alnum_at(v, i + n - 1) && i + n < v->n && alnum_at(v, i + n))
                continue;
            return n;
        }
    }
    return 0;
}

static int is_clitic(const char *p, size_t n)
{
    static const char *const clitics[] = {"s", "re", "ll", "ve", "d", "m"};
    for (size_t k = 0; k < sizeof clitics / sizeof clitics[0]; k++)
        if (strlen(clitics[k]) == n && memcmp(clitics[k], p, n) == 0)
            return 1;
    return 0;
}

/* A clitic standing alone at V[i], as in corpora tokenized like "it 's":
 * its end, or 0.  Only ASCII letters make one. */
static ALWAYS_INLINE size_t lone_clitic_end(const view *v, size_t i)
{
    size_t j = i + 1, e = j;
    char buf[3];

    if (!is_apostrophe(cp_at(v, i)) || j >= v->n || kind_at(v, j) != LETTER)
        return 0;
    while (e < v->n && e - j < 3 && ascii_letter_at(v, e)) {
        buf[e - j] = (char)lower_ascii(cp_at(v, e));
        e++;
    }
    return (e == v->n || kind_at(v, e) != LETTER) && is_clitic(buf, e - j) ? e : 0;
}

/* Where the clitic of the folded word W of LEN bytes starts ("do|n't",
 * "it|'s"), or 0 when it has none. */
static ALWAYS_INLINE size_t clitic_split(const char *w, size_t len)
{
    size_t split = 0;

    if (len > 3 && memcmp(w + len - 3, "n't", 3) == 0)
        return len - 3;
    /* A clitic is at most 2 letters after the apostrophe. */
    for (size_t q = len > 3 ? len - 3 : 1; q < len; q++)
        if (w[q] == '\'' && is_clitic(w + q + 1, len - q - 1))
            split = q;
    return split;
}

/* The end of the word that starts at V[i]: letters and marks of spaced
 * scripts, an apostrophe or an invisible character between two letters. */
static ALWAYS_INLINE size_t word_end(const view *v, size_t i)
{
    size_t j = i + 1;

    for (;;) {
        /* Most words are plain ASCII letters: run over them first. */
        while (j < v->n && ascii_letter_at(v, j))
            j++;
        if (j < v->n && (kind_at(v, j) == LETTER || kind_at(v, j) == MARK) &&
            !unspaced_script(cp_at(v, j)))
            j++;
        else if (j + 1 < v->n && (invisible(cp_at(v, j)) || is_apostrophe(cp_at(v, j))) &&
                 word_letter_at(v, j + 1))
            j += 2;
        else
            return j;
    }
}

/* The end of a character of an unspaced script at V[i], with its marks. */
static ALWAYS_INLINE size_t unspaced_char_end(const view *v, size_t i)
{
    size_t j = i + 1;

    while (j < v->n && kind_at(v, j) == MARK)
        j++;
    return j;
}

/* The end of the number that starts at V[i]: digits, with '.' or ','
 * between two of them. */
static ALWAYS_INLINE size_t number_end(const view *v, size_t i)
{
    size_t j = i + 1;

    for (;;) {
        if (j < v->n && (kind_at(v, j) == DIGIT || kind_at(v, j) == MARK))
            j++;
        else if (j + 1 < v->n && (cp_at(v, j) == '.' || cp_at(v, j) == ',') &&
                 kind_at(v, j + 1) == DIGIT)
            j += 2;
        else
            return j;
    }
}

/* Short numbers carry meaning ("10/10", "2 stars"); long ones (years,
 * prices, phone numbers) rarely do, and become "<number>". */
static ALWAYS_INLINE int long_number(size_t len)
{
    return len > 3;
}

/* The end of the grapheme cluster at V[i]: an emoji with its skin tone, a
 * ZWJ sequence, a flag, or a symbol with its variation selector.  In ASCII
 * every cluster is one character but CR LF, which is a separator. */
static ALWAYS_INLINE size_t grapheme_end(const view *v, size_t i)
{
    utf8proc_int32_t state = 0;
    size_t j = i + 1;

    if (!v->wide)
        return j;
    while (j < v->n && !utf8proc_grapheme_break_stateful(v->cps[j - 1], v->cps[j], &state))
        j++;
    return j;
}

/* The end of the run of one punctuation mark at V[i] ("!!!!!"). */
static ALWAYS_INLINE size_t punct_run_end(const view *v, size_t i)
{
    size_t j = i + 1;

    while (j < v->n && cp_at(v, j) == cp_at(v, i))
        j++;
    return j;
}

/* How many of a run of RUN equal marks the token keeps: two stand for
 * three or more when SHORTEN. */
static ALWAYS_INLINE size_t punct_copies(size_t run, int shorten)
{
    return shorten && run > 2 ? 2 : run;
}

static ALWAYS_INLINE int punct_flags(size_t run, int shorten)
{
    return shorten && run > 2 ? SN_TOKEN_ELONGATED : 0;
}

/* What the letters of a word tell while they are written. */
typedef struct spelling {
    int32_t last0, last1;   /* the last two code points written */
    size_t upper, lower;    /* runs with capitals only, with small letters */
    int flags;              /* SN_TOKEN_ELONGATED when a letter was dropped */
} spelling;

/*
 * Writes the ASCII letters from V[*I] on, up to TO, an apostrophe or a
 * character above 0x7F, folded to lower case at OUT + AT, and returns AT
 * after them.  With SHORTEN, a letter that would be the third of a kind in
 * a row is dropped.  In locals, as the caller's are: stores through a char
 * pointer would make the compiler reload every field of a struct in memory
 * at each letter.
 */
static ALWAYS_INLINE size_t put_ascii_letters(char *out, size_t at, const view *v, size_t *i,
                                              size_t to, int shorten, spelling *sp)
{
    int32_t last0 = sp->last0, last1 = sp->last1, any = 0, all = 0x20;
    size_t k = *i;

    for (; k < to && ascii_at(v, k) && cp_at(v, k) != '\''; k++) {
        int32_t c = cp_at(v, k);
        /* Bit 0x20 is what tells a lower-case ASCII letter. */
        any |= c;
        all &= c;
        c |= 0x20;
        if (shorten && c == last0 && c == last1) {
            sp->flags |= SN_TOKEN_ELONGATED;
            continue;
        }
        last1 = last0;
        last0 = c;
        out[at++] = (char)c;
    }
    if (any & 0x20)
        sp->lower++;
    if (!(all & 0x20))
        sp->upper += k - *i > 1 ? 2 : 1;
    sp->last0 = last0;
    sp->last1 = last1;
    *i = k;
    return at;
}

/* The flags of a word spelt SP: elongated, in capitals when it has two or
 * more and no small letter. */
static ALWAYS_INLINE int word_flags(const spelling *sp)
{
    return sp->flags | (sp->upper >= 2 && sp->lower == 0 ? SN_TOKEN_ALLCAPS : 0);
}

/* The lists the token of KIND at P holds.  A cue of an unspaced script can
 * only be one character: several would be several tokens. */
static ALWAYS_INLINE uint8_t token_classes(const sn_lexicon *lex, int kind, const char *p,
                                           size_t len)
{
    return lex && (kind == SN_TOKEN_WORD || kind == SN_TOKEN_CHAR) &&
        sn_lexicon_may_hold(lex, p, len) ? (uint8_t)sn_lexicon_lookup(lex, p, len) : 0;
}

/* ---- the general way: writing tokens from code points ------------------- */

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

/* The code points as the recognizers read them; a local copy in each
 * caller, so that the compiler knows it is the wide kind. */
static ALWAYS_INLINE view cps_view(const segmenter *g)
{
    view v = {g->cps, NULL, g->n, 1};
    return v;
}

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
    t->classes = token_classes(g->lex, kind, tk->text + t->start, len);
}

static void placeholder(segmenter *g, const char *name)
{
    begin(g);
    put_bytes(g, name, strlen(name));
    finish(g, SN_TOKEN_PLACEHOLDER, 0);
}

/* Copies cps[from .. to) as a token of KIND, folding case. */
static void copy_token(segmenter *g, size_t from, size_t to, int kind)
{
    begin(g);
    for (size_t i = from; i < to; i++)
        put_folded(g, g->cps[i], 0);
    finish(g, kind, 0);
}

/* Counts the case of CP, a letter of a word that is not in a run of ASCII
 * letters, as put_ascii_letters() counts a run. */
static void count_case(spelling *sp, int32_t cp)
{
    if (cp < 0x80) {
        sp->upper += cp >= 'A' && cp <= 'Z';
        sp->lower += cp >= 'a' && cp <= 'z';
    } else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU) {
        sp->upper++;
    } else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
        sp->lower++;
    }
}

/* Writes the folded letters of the word cps[from .. to). */
static void spell(segmenter *g, size_t from, size_t to, spelling *sp)
{
    const int shorten = (g->s->flags & SN_TOK_ELONGATION) != 0;
    const view v = cps_view(g);
    sn_tokenizer *tk = g->tk;

    for (size_t i = from; i < to;) {
        int32_t cp = g->cps[i];
        if (cp < 0x80 && cp != '\'') {
            /* An ASCII letter gives one byte. */
            if (reserve((void **)&tk->text, &tk->text_cap, tk->text_len + (to - i) + 16, 1) < 0) {
                g->failed = 1;
                return;
            }
            sp->last0 = g->last[0];
            sp->last1 = g->last[1];
            tk->text_len = put_ascii_letters(tk->text, tk->text_len, &v, &i, to, shorten, sp);
            g->last[0] = sp->last0;
            g->last[1] = sp->last1;
            continue;
        }
        i++;
        count_case(sp, cp);
        if (invisible(cp))
            continue;
        if (put_folded(g, cp, shorten))
            sp->flags |= SN_TOKEN_ELONGATED;
    }
}

/* Writes the word cps[from .. to) as one or two tokens. */
static void word(segmenter *g, size_t from, size_t to)
{
    sn_tokenizer *tk = g->tk;
    spelling sp = {-1, -1, 0, 0, 0};
    size_t len, split = 0;

    begin(g);
    spell(g, from, to, &sp);
    if (g->failed)
        return;
    len = tk->text_len - g->start;
    if (g->s->flags & SN_TOK_CLITICS)
        split = clitic_split(tk->text + g->start, len);
    if (split == 0) {
        finish(g, SN_TOKEN_WORD, word_flags(&sp));
        return;
    }
    /* Two tokens over the same bytes: stem, then clitic. */
    tk->text_len = g->start + split;
    finish(g, SN_TOKEN_WORD, word_flags(&sp));
    g->start = tk->text_len;
    tk->text_len = g->start + (len - split);
    finish(g, SN_TOKEN_WORD, 0);
}

/* A run of RUN equal punctuation marks CP as one token. */
static void punct_run(segmenter *g, int32_t cp, size_t run)
{
    const int shorten = (g->s->flags & SN_TOK_ELONGATION) != 0;

    begin(g);
    for (size_t r = punct_copies(run, shorten); r > 0; r--)
        put_folded(g, cp, 0);
    finish(g, SN_TOKEN_PUNCT, punct_flags(run, shorten));
}

/* Writes the token at cps[i] that no placeholder, emoticon or lone clitic
 * took: a character of an unspaced script, a word, a number, punctuation
 * or a symbol.  Returns its end. */
static size_t plain_token(segmenter *g, size_t i, enum kind k)
{
    const view cps = cps_view(g), *v = &cps;
    size_t j;

    if ((k == LETTER || k == MARK) && unspaced_script(v->cps[i])) {
        j = unspaced_char_end(v, i);
        copy_token(g, i, j, SN_TOKEN_CHAR);
    } else if (k == LETTER || k == MARK) {
        j = word_end(v, i);
        word(g, i, j);
    } else if (k == DIGIT) {
        j = number_end(v, i);
        if ((g->s->flags & SN_TOK_PLACEHOLDERS) && long_number(j - i))
            placeholder(g, "<number>");
        else
            copy_token(g, i, j, SN_TOKEN_NUMBER);
    } else {
        j = grapheme_end(v, i);
        if (k == PUNCT && j == i + 1) {
            j = punct_run_end(v, i);
            punct_run(g, v->cps[i], j - i);
        } else {
            copy_token(g, i, j, k == PUNCT ? SN_TOKEN_PUNCT : SN_TOKEN_SYMBOL);
        }
    }
    return j;
}

static void segment(segmenter *g)
{
    const view cps = cps_view(g), *v = &cps;
    const uint32_t flags = g->s->flags;
    const int placeholders = (flags & SN_TOK_PLACEHOLDERS) != 0;
    size_t i = 0, chunk_to = 0, email_from = SIZE_MAX, email_to = 0, j;
    /* Only an '@' makes an e-mail address worth looking for. */
    const int any_at = placeholders && memchr(g->tk->clean, '@', g->clean_len) != NULL;

    while (i < v->n && !g->failed) {
        enum kind k = kind_at(v, i);

        if (k == SEPARATOR) {
            i++;
            continue;
        }
        if (any_at && i >= chunk_to) {
            int at;
            chunk_to = chunk_end(v, i, &at);
            if (at)
                email_in_chunk(v, i, chunk_to, &email_from, &email_to);
        }
        if (i == email_from) {
            placeholder(g, "<email>");
            i = email_to;
        } else if (placeholders && url_at(v, i)) {
            placeholder(g, "<url>");
            i = url_end(v, i);
        } else if (placeholders && (j = mention_end(v, i)) > 0) {
            placeholder(g, "<user>");
            i = j;
        } else if ((flags & SN_TOK_EMOTICONS) && g->lex && (k == PUNCT || k == SYMBOL) &&
                   (j = emoticon_length(v, g->lex, i)) > 0) {
            copy_token(g, i, i + j, SN_TOKEN_EMOTICON);
            i += j;
        } else if ((flags & SN_TOK_CLITICS) && (j = lone_clitic_end(v, i)) > 0) {
            copy_token(g, i, j, SN_TOKEN_WORD);
            i = j;
        } else {
            i = plain_token(g, i, k);
        }
    }
}

/* ---- after segmenting ---------------------------------------------------- */

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


/* ---- the fast way for plain ASCII -----------------------------------------
 *
 * Most reviews in English are plain ASCII.  For them the steps above reduce
 * to one pass from the input bytes to the tokens, with the same recognizers
 * but without the copy, the code points, case folding by utf8proc or
 * reserving room at each character.  A text with anything that pass does
 * not cover (a byte above 0x7F, an HTML entity, an '@', a URL) goes the
 * general way; tests check that both ways give the same tokens. */

int sn_tokenizer_fast_path = 1;

/* The tokenizer's output while the fast way fills it, in a local: stores
 * through a char pointer would otherwise make the compiler reload every
 * field of the tokenizer after each byte written.  Room for all of it is
 * reserved beforehand. */
typedef struct fast {
    char *out;              /* tk->text */
    size_t at;              /* bytes written */
    sn_token *tokens;
    size_t count;
    size_t start;           /* where the current token began */
    const sn_lexicon *lex;
} fast;

static ALWAYS_INLINE void fast_token(fast *f, int kind, int flags)
{
    sn_token *t = &f->tokens[f->count++];
    size_t len = f->at - f->start;

    t->start = (uint32_t)f->start;
    t->len = (uint32_t)len;
    t->kind = (uint8_t)kind;
    t->flags = (uint8_t)flags;
    t->classes = token_classes(f->lex, kind, f->out + f->start, len);
    f->start = f->at;
}

/* Copies P[from .. to) as a token of KIND, folding case. */
static ALWAYS_INLINE void fast_copy(fast *f, const unsigned char *p, size_t from, size_t to,
                                    int kind)
{
    for (size_t r = from; r < to; r++)
        f->out[f->at++] = (char)lower_ascii(p[r]);
    fast_token(f, kind, 0);
}

/* Writes the word V[i .. j) as one or two tokens, as word() does. */
static ALWAYS_INLINE void fast_word(fast *f, const view *v, size_t i, size_t j, int shorten,
                                    int clitics)
{
    spelling sp = {-1, -1, 0, 0, 0};
    size_t at = f->at, len, split = 0;
    int apostrophe = 0;

    while (i < j) {
        if (v->bytes[i] == '\'') {
            /* Only ever between two letters, so never an elongation. */
            apostrophe = 1;
            sp.last1 = sp.last0;
            sp.last0 = '\'';
            f->out[at++] = '\'';
            i++;
        } else {
            at = put_ascii_letters(f->out, at, v, &i, j, shorten, &sp);
        }
    }
    f->at = at;
    len = f->at - f->start;
    /* Every clitic has an apostrophe; most words have none. */
    if (clitics && apostrophe)
        split = clitic_split(f->out + f->start, len);
    if (split == 0) {
        fast_token(f, SN_TOKEN_WORD, word_flags(&sp));
        return;
    }
    f->at = f->start + split;
    fast_token(f, SN_TOKEN_WORD, word_flags(&sp));
    f->at = at;
    fast_token(f, SN_TOKEN_WORD, 0);
}

/* Whether the fast way can take the LEN bytes of TEXT: none above 0x7F,
 * and when the rules would look at them, no '@' (an address or a mention)
 * and no entity.  Eight bytes at a time. */
static int fast_way_applies(const char *text, size_t len, uint32_t flags)
{
    const unsigned char *p = (const unsigned char *)text;
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;

    for (size_t k = 0; k < len;) {
        int32_t cp;
        if (k + 8 <= len) {
            uint64_t v = load64(text + k), at = v ^ (ones * '@'), amp = v ^ (ones * '&');
            if (!((v | ((at - ones) & ~at) | ((amp - ones) & ~amp)) & highs)) {
                k += 8;
                continue;
            }
        }
        if (p[k] >= 0x80 || ((flags & SN_TOK_PLACEHOLDERS) && p[k] == '@') ||
            ((flags & SN_TOK_HTML) && p[k] == '&' && entity_length(text + k, len - k, &cp) > 0))
            return 0;
        k++;
    }
    return 1;
}

/* Returns 1 when TEXT was tokenized, 0 when it needs the general way, -1
 * when memory ran out. */
static int fast_path(sn_tokenizer *tk, const sn_tokenizer_settings *s,
                     const sn_lexicon *lex, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    const view v = {NULL, p, len, 0};
    const uint32_t flags = s->flags;
    const int shorten = (flags & SN_TOK_ELONGATION) != 0;
    fast f;
    size_t i = 0, j;

    if (!fast_way_applies(text, len, flags))
        return 0;
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
    f.lex = lex && lex->words.count ? lex : NULL;
    f.start = 0;
    while (i < len) {
        unsigned char c = p[i];
        enum kind k = (enum kind)ascii_kind[c];

        if (k == SEPARATOR) {
            i++;
            continue;
        }
        if ((flags & SN_TOK_HTML) && c == '<' && (j = tag_length(text + i, len - i)) > 0) {
            /* A tag is a space, as repair() makes it. */
            i += j;
        } else if ((flags & SN_TOK_PLACEHOLDERS) && url_at(&v, i)) {
            return 0; /* a tag may end a URL: only the general way knows */
        } else if ((flags & SN_TOK_EMOTICONS) && f.lex && (k == PUNCT || k == SYMBOL) &&
                   (j = emoticon_length(&v, f.lex, i)) > 0) {
            fast_copy(&f, p, i, i + j, SN_TOKEN_EMOTICON);
            i += j;
        } else if ((flags & SN_TOK_CLITICS) && (j = lone_clitic_end(&v, i)) > 0) {
            fast_copy(&f, p, i, j, SN_TOKEN_WORD);
            i = j;
        } else if (k == LETTER) {
            j = word_end(&v, i);
            fast_word(&f, &v, i, j, shorten, (flags & SN_TOK_CLITICS) != 0);
            i = j;
        } else if (k == DIGIT) {
            j = number_end(&v, i);
            if ((flags & SN_TOK_PLACEHOLDERS) && long_number(j - i)) {
                memcpy(f.out + f.at, "<number>", 8);
                f.at += 8;
                fast_token(&f, SN_TOKEN_PLACEHOLDER, 0);
            } else {
                fast_copy(&f, p, i, j, SN_TOKEN_NUMBER);
            }
            i = j;
        } else if (k == PUNCT) {
            j = punct_run_end(&v, i);
            memset(f.out + f.at, c, punct_copies(j - i, shorten));
            f.at += punct_copies(j - i, shorten);
            fast_token(&f, SN_TOKEN_PUNCT, punct_flags(j - i, shorten));
            i = j;
        } else {
            j = grapheme_end(&v, i);
            fast_copy(&f, p, i, j, SN_TOKEN_SYMBOL);
            i = j;
        }
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
    g.lex = lex && lex->words.count ? lex : NULL;
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
