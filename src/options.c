/*
 * options.c - every training option, one row each.
 *
 * As curl's easyoptions.c and Redis' static_configs[], the options are
 * data: a row holds the name, the type, the bounds, the default, whether
 * the model stores the value, a line of help, and where the value lives in
 * an sn_settings.  Setting, reading back, listing (sentiment_option_next),
 * reading a model's copy (sentiment_model_get) and sentiment-train's
 * command line and --help all go through the rows, so a new option is a
 * row here plus the code that uses its value.
 *
 * The defaults are set through the rows too (sn_settings_init), so the
 * default a row shows is the one a trainer starts with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "network.h"
#include "options.h"
#include "pool.h"

/* How a row's value is kept in sn_settings. */
enum field {
    F_U32,      /* uint32_t */
    F_UINT,     /* unsigned */
    F_INT,      /* int */
    F_U64,      /* uint64_t */
    F_DOUBLE,   /* double */
    F_LOG2,     /* uint32_t, the base-2 logarithm of the value */
    F_BIT,      /* a bit (BIT) of a uint32_t */
    F_LEXICONS  /* the word lists and the folder they came from */
};

typedef struct row {
    sentiment_option opt;   /* first, so that an option leads to its row */
    int field;              /* enum field */
    size_t offset;          /* of the value in sn_settings */
    uint32_t bit;           /* F_BIT: the tokenizer rule's SN_TOK_* flag */
} row;

#define AT(member) offsetof(sn_settings, member)
#define IN_MODEL SENTIMENT_OPTION_IN_MODEL
#define SHAPE SENTIMENT_OPTION_SHAPE
#define ROW(name, type, def, lo, hi, choices, flags, field, member, bit, help) \
    { { name, SENTIMENT_OPTION_##type, def, help, lo, hi, choices, flags }, \
      field, AT(member), bit }
#define COUNT(name, def, lo, hi, flags, field, member, help) \
    ROW(name, COUNT, def, lo, hi, NULL, flags, field, member, 0, help)
#define REAL(name, def, lo, hi, flags, member, help) \
    ROW(name, REAL, def, lo, hi, NULL, flags, F_DOUBLE, member, 0, help)
#define CHOICE(name, def, choices, flags, field, member, help) \
    ROW(name, CHOICE, def, 0, 0, choices, flags, field, member, 0, help)
#define FLAG(name, def, flags, field, member, help) \
    ROW(name, FLAG, def, 0, 1, NULL, flags, field, member, 0, help)
#define RULE(name, bit, help) \
    ROW(name, FLAG, "1", 0, 1, NULL, IN_MODEL | SHAPE, F_BIT, tokenizer.flags, bit, help)

/* In the order of sentiment-train --help.  A help line is a noun phrase,
 * or for a flag what it does when on ("do not " may come before it); it
 * leaves out the default, which is shown from the row. */
static const row rows[] = {
    COUNT("epochs", "5", 1, 10000, 0, F_U32, epochs,
          "passes over the training data"),
    REAL("learning-rate", "0.002", 1e-9, 100, 0, learning_rate,
         "step size of the optimizer"),
    COUNT("batch-size", "128", 1, 65536, 0, F_U32, batch_size,
          "examples per mini-batch"),
    COUNT("buckets", "1048576", 1 << SN_MIN_BUCKET_BITS, 1 << SN_MAX_BUCKET_BITS,
          IN_MODEL | SHAPE | SENTIMENT_OPTION_POWER_OF_TWO, F_LOG2, vectorizer.bucket_bits,
          "hash buckets, a power of two"),
    COUNT("ngrams", "2", 1, SN_MAX_NGRAMS, IN_MODEL | SHAPE, F_U32, vectorizer.ngrams,
          "longest word n-gram"),
    COUNT("hidden", "16", 1, SN_MAX_HIDDEN, IN_MODEL | SHAPE, F_U32, hidden,
          "hidden layer width"),
    REAL("validation", "0.05", 0, 0.9, 0, validation,
         "share of the examples held out, of each label alike, to pick the best "
         "epoch; 0 keeps the last epoch"),
    COUNT("char-ngrams", "4", 1, SN_MAX_NGRAMS, IN_MODEL | SHAPE, F_U32, vectorizer.char_ngrams,
          "longest character n-gram in scripts written without spaces, such as "
          "Chinese, Japanese or Thai"),
    COUNT("stem", "5", 0, SN_MAX_STEM, IN_MODEL | SHAPE, F_U32, vectorizer.stem,
          "a word longer than this many characters also counts, at half weight, "
          "as its first that many characters; 0 for never"),
    CHOICE("weighting", "binary", "binary|logtf", IN_MODEL | SHAPE, F_U32, vectorizer.weighting,
           "feature values: 1 for an n-gram present, or 1 + log of its count"),
    FLAG("normalize", "1", IN_MODEL | SHAPE, F_U32, vectorizer.normalize,
         "scale feature vectors to unit length"),
    ROW("lexicons", PATH, NULL, 0, 0, NULL, SHAPE, F_LEXICONS, lexicons, 0,
        "a folder with negation.txt, contrast.txt, intensifiers.txt and "
        "emoticons.txt, word lists to use instead of the built-in ones"),
    RULE("html", SN_TOK_HTML, "remove HTML tags and decode entities"),
    RULE("placeholders", SN_TOK_PLACEHOLDERS,
         "replace URLs, e-mail, @mentions and long numbers by placeholders"),
    RULE("elongation", SN_TOK_ELONGATION, "shorten elongations (\"sooooo\" to \"soo\")"),
    RULE("negation", SN_TOK_NEGATION, "mark the words in a negation scope"),
    RULE("emoticons", SN_TOK_EMOTICONS, "keep emoticons such as \":-)\" whole"),
    RULE("clitics", SN_TOK_CLITICS, "split \"don't\" into \"do\" \"n't\""),
    FLAG("nb-scaling", "1", IN_MODEL | SHAPE, F_INT, nb_scaling,
         "weigh each bucket by its naive Bayes log-count ratio on the training share"),
    FLAG("batchnorm", "1", IN_MODEL, F_INT, batchnorm, "normalize the hidden layer"),
    REAL("bn-epsilon", "1", 1e-8, 100, IN_MODEL, bn_epsilon,
         "added to the variance in batch normalization"),
    CHOICE("optimizer", "adam", "adam|sgd", 0, F_INT, sgd,
           "Adam, or plain stochastic gradient descent"),
    CHOICE("lr-schedule", "constant", "constant|linear", 0, F_INT, linear_decay,
           "the learning rate throughout, or decaying linearly to 0 at the end of "
           "the last epoch planned"),
    REAL("dropout", "0", 0, 0.9, 0, dropout,
         "share of the hidden units dropped at random in each training step"),
    REAL("weight-decay", "0", 0, 1, 0, weight_decay, "decoupled weight decay, as in AdamW"),
    /* 0 would leave every hidden unit at zero for every text: no gradient
     * would reach the first layer, and the model would say the same for
     * all. */
    REAL("init-scale", "0.01", 0, 100, SENTIMENT_OPTION_ABOVE_MIN, init_scale,
         "deviation of the first layer's initial weights"),
    ROW("quantize", COUNT, "0", 0, 8, "0|8|4", IN_MODEL, F_UINT, quantize, 0,
        "bits a weight of the first layer is stored in, with one scale per row: "
        "8 or 4 for models 4 to 8 times smaller, 0 for 32-bit floats"),
    REAL("prune", "0", 0, 0.99, 0, prune,
         "share of the first layer's rows, those that weigh least, dropped from "
         "the model"),
    COUNT("seed", "1", 0, (double)UINT64_MAX, 0, F_U64, seed,
          "seed of every random choice"),
    COUNT("threads", "0", 0, SN_MAX_THREADS, 0, F_UINT, threads,
          "threads to train with, 0 for one per core; the model does not depend "
          "on it"),
    COUNT("patience", "2", 0, 10000, 0, F_UINT, patience,
          "epochs without a lower validation loss before training stops early, "
          "0 for never"),
    CHOICE("bad-lines", "stop", "stop|skip", 0, F_INT, skip_bad_lines,
           "at a malformed corpus line: stop, naming its file and line, or skip "
           "and count it"),
};

#define NROWS (sizeof rows / sizeof rows[0])

static const row *find(const char *name)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(rows[i].opt.name, name) == 0)
            return &rows[i];
    return NULL;
}

const sentiment_option *sentiment_option_by_name(const char *name)
{
    const row *r = name != NULL ? find(name) : NULL;
    return r != NULL ? &r->opt : NULL;
}

const sentiment_option *sentiment_option_next(const sentiment_option *prev)
{
    if (prev == NULL)
        return &rows[0].opt;
    for (size_t i = 0; i + 1 < NROWS; i++)
        if (prev == &rows[i].opt)
            return &rows[i + 1].opt;
    return NULL;
}

/* ---- text to value ------------------------------------------------------ */

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

/* The index of WORD among the '|'-separated CHOICES, or -1. */
static int choice_index(const char *choices, const char *word)
{
    size_t n = strlen(word);
    int i = 0;

    for (const char *p = choices; p != NULL; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return i;
        p = bar != NULL ? bar + 1 : NULL;
    }
    return -1;
}

/* V as people write the bounds: whole numbers in full, others in the
 * shortest form that reads back as V, exponents without leading zeros
 * ("1e-9", not "1e-09"). */
static void format_real(char *buf, size_t size, double v)
{
    char *e;

    if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
        snprintf(buf, size, "%lld", (long long)v);  /* 10000, not 1e4 */
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    e = strchr(buf, 'e');
    if (e != NULL) {
        char *digit = e + 1 + (e[1] == '-' || e[1] == '+');
        char *first = digit;
        while (*first == '0' && first[1] != '\0')
            first++;
        memmove(digit, first, strlen(first) + 1);
        if (e[1] == '+')
            memmove(e + 1, e + 2, strlen(e + 2) + 1);
    }
}

/* The '|'-separated CHOICES as "'a', 'b' or 'c'" (QUOTE "'"), or as
 * "0, 8 or 4" (QUOTE ""). */
static void join_choices(const char *choices, const char *quote, char *buf, size_t size)
{
    size_t n = 0, left = 1;

    for (const char *p = choices; *p; p++)
        left += *p == '|';
    for (const char *p = choices; left > 0 && n < size; left--) {
        size_t len = strcspn(p, "|");
        n += (size_t)snprintf(buf + n, size - n, "%s%s%.*s%s",
                              n == 0 ? "" : left == 1 ? " or " : ", ", quote, (int)len,
                              p, quote);
        p += len + (p[len] == '|');
    }
}

/* What is wrong with a value that R refused, after "NAME: 'VALUE' ": "is
 * not a whole number from 1 to 5", "is neither 'adam' nor 'sgd'". */
static void describe(const row *r, char *buf, size_t size)
{
    const sentiment_option *o = &r->opt;
    const char *kind = o->max < 1 ? "a fraction" : "a number";
    char lo[32], hi[32], words[128];

    format_real(lo, sizeof lo, o->min);
    format_real(hi, sizeof hi, o->max);
    if (o->type == SENTIMENT_OPTION_CHOICE && strchr(o->choices, '|') ==
        strrchr(o->choices, '|')) {
        size_t first = strcspn(o->choices, "|");
        snprintf(buf, size, "is neither '%.*s' nor '%s'", (int)first, o->choices,
                 o->choices + first + 1);
    } else if (o->type == SENTIMENT_OPTION_CHOICE) {
        join_choices(o->choices, "'", words, sizeof words);
        snprintf(buf, size, "is not one of %s", words);
    } else if (o->choices != NULL) {
        join_choices(o->choices, "", words, sizeof words);
        snprintf(buf, size, "is not %s", words);
    } else if (o->type == SENTIMENT_OPTION_FLAG) {
        snprintf(buf, size, "is not 0 or 1");
    } else if (o->flags & SENTIMENT_OPTION_POWER_OF_TWO) {
        snprintf(buf, size, "is not a power of two from %s to %s", lo, hi);
    } else if (o->type == SENTIMENT_OPTION_COUNT && o->max >= (double)UINT64_MAX) {
        snprintf(buf, size, "is not a non-negative whole number");
    } else if (o->type == SENTIMENT_OPTION_COUNT) {
        snprintf(buf, size, "is not a whole number from %s to %s", lo, hi);
    } else if (o->flags & SENTIMENT_OPTION_ABOVE_MIN) {
        snprintf(buf, size, "is not %s above %s, up to %s", kind, lo, hi);
    } else {
        snprintf(buf, size, "is not %s from %s to %s", kind, lo, hi);
    }
}

/* ---- where values live --------------------------------------------------- */

static void store_int(sn_settings *s, const row *r, unsigned long long v)
{
    char *p = (char *)s + r->offset;
    uint32_t u32 = (uint32_t)v, bits = 0;
    unsigned u = (unsigned)v;
    int i = (int)v;
    uint64_t u64 = v;

    switch (r->field) {
    case F_U32: memcpy(p, &u32, sizeof u32); break;
    case F_UINT: memcpy(p, &u, sizeof u); break;
    case F_INT: memcpy(p, &i, sizeof i); break;
    case F_U64: memcpy(p, &u64, sizeof u64); break;
    case F_LOG2:
        while ((1ULL << bits) < v)
            bits++;
        memcpy(p, &bits, sizeof bits);
        break;
    case F_BIT:
        memcpy(&u32, p, sizeof u32);
        u32 = v ? u32 | r->bit : u32 & ~r->bit;
        memcpy(p, &u32, sizeof u32);
        break;
    default: break;
    }
}

static unsigned long long load_int(const sn_settings *s, const row *r)
{
    const char *p = (const char *)s + r->offset;
    uint32_t u32 = 0;
    unsigned u = 0;
    int i = 0;
    uint64_t u64 = 0;

    switch (r->field) {
    case F_U32: memcpy(&u32, p, sizeof u32); return u32;
    case F_UINT: memcpy(&u, p, sizeof u); return u;
    case F_INT: memcpy(&i, p, sizeof i); return (unsigned long long)i;
    case F_U64: memcpy(&u64, p, sizeof u64); return u64;
    case F_LOG2: memcpy(&u32, p, sizeof u32); return 1ULL << u32;
    case F_BIT: memcpy(&u32, p, sizeof u32); return (u32 & r->bit) != 0;
    default: return 0;
    }
}

/* Reads VALUE as R's type asks; on success stores it in S and returns 0. */
static int parse_into(sn_settings *s, const row *r, const char *value)
{
    const sentiment_option *o = &r->opt;
    unsigned long long u;
    double d;
    int k;

    switch (o->type) {
    case SENTIMENT_OPTION_COUNT:
    case SENTIMENT_OPTION_FLAG:
        if (parse_uint(value, (unsigned long long)o->min,
                       o->max >= (double)UINT64_MAX ? UINT64_MAX
                                                    : (unsigned long long)o->max,
                       &u) < 0)
            return -1;
        if ((o->flags & SENTIMENT_OPTION_POWER_OF_TWO) && (u & (u - 1)) != 0)
            return -1;
        if (o->choices != NULL) {
            char number[32];
            snprintf(number, sizeof number, "%llu", u);
            if (choice_index(o->choices, number) < 0)
                return -1;
        }
        store_int(s, r, u);
        return 0;
    case SENTIMENT_OPTION_REAL:
        if (parse_real(value, o->min, o->max, &d) < 0 ||
            ((o->flags & SENTIMENT_OPTION_ABOVE_MIN) && !(d > o->min)))
            return -1;
        memcpy((char *)s + r->offset, &d, sizeof d);
        return 0;
    case SENTIMENT_OPTION_CHOICE:
        if ((k = choice_index(o->choices, value)) < 0)
            return -1;
        store_int(s, r, (unsigned long long)k);
        return 0;
    default:
        return -1;
    }
}

/* "lexicons": the lists of folder DIR replace the ones in use, once all
 * four have been read. */
static int set_lexicons(sn_settings *s, const char *dir, sentiment_error *err)
{
    sn_lexicon lex;
    size_t n = strlen(dir);
    char *copy = sn_malloc(n + 1);
    int rc;

    if (copy == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "lexicons: out of memory");
    memcpy(copy, dir, n + 1);
    sn_lexicon_init(&lex);
    rc = sn_lexicon_load_dir(&lex, dir, err);
    if (rc != SENTIMENT_OK) {
        sn_lexicon_release(&lex);
        sn_free(copy);
        return rc;
    }
    sn_lexicon_release(&s->lexicon);
    s->lexicon = lex;
    sn_free(s->lexicons);
    s->lexicons = copy;
    return SENTIMENT_OK;
}

int sn_settings_set(sn_settings *s, const char *name, const char *value,
                    sentiment_error *err)
{
    const row *r = find(name);
    char why[160];

    if (r == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "unknown training option '%s'", name);
    if (r->field == F_LEXICONS)
        return set_lexicons(s, value, err);
    if (parse_into(s, r, value) == 0)
        return SENTIMENT_OK;
    describe(r, why, sizeof why);
    return sn_fail(err, SENTIMENT_ERR_INVALID, "%s: '%s' %s", name, value, why);
}

int sn_copy_value(const char *name, const char *value, char *buf, size_t size,
                  sentiment_error *err)
{
    size_t n = strlen(value);

    if (n + 1 > size)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "%s: the value needs a buffer of %zu bytes", name, n + 1);
    memcpy(buf, value, n + 1);
    return SENTIMENT_OK;
}

int sn_settings_get(const sn_settings *s, const sentiment_option *o, char *buf,
                    size_t size, sentiment_error *err)
{
    const row *r = (const row *)o;  /* o is the first member of its row */
    char value[64];
    double d;

    switch (o->type) {
    case SENTIMENT_OPTION_REAL:
        memcpy(&d, (const char *)s + r->offset, sizeof d);
        format_real(value, sizeof value, d);
        break;
    case SENTIMENT_OPTION_CHOICE: {
        const char *p = o->choices;
        for (unsigned long long k = load_int(s, r); k > 0 && p != NULL; k--)
            p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL;
        snprintf(value, sizeof value, "%.*s", p ? (int)strcspn(p, "|") : 0, p ? p : "");
        break;
    }
    case SENTIMENT_OPTION_PATH:
        return sn_copy_value(o->name, s->lexicons ? s->lexicons : "", buf, size, err);
    default:
        snprintf(value, sizeof value, "%llu", load_int(s, r));
        break;
    }
    return sn_copy_value(o->name, value, buf, size, err);
}

/* ---- defaults ------------------------------------------------------------- */

int sn_settings_init(sn_settings *s, sentiment_error *err)
{
    memset(s, 0, sizeof *s);
    sn_tokenizer_settings_default(&s->tokenizer);
    sn_vectorizer_settings_default(&s->vectorizer);
    sn_lexicon_init(&s->lexicon);
    for (size_t i = 0; i < NROWS; i++)
        if (rows[i].opt.default_value != NULL &&
            parse_into(s, &rows[i], rows[i].opt.default_value) < 0)
            return sn_fail(err, SENTIMENT_ERR_INVALID, "%s: the default '%s' is refused",
                           rows[i].opt.name, rows[i].opt.default_value);
    return sn_lexicon_load_default(&s->lexicon, err);
}

void sn_settings_release(sn_settings *s)
{
    sn_lexicon_release(&s->lexicon);
    sn_free(s->lexicons);
    s->lexicons = NULL;
}
