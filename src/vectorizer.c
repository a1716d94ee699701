/*
 * vectorizer.c - the hashing trick: n-grams straight to bucket numbers.
 *
 * No vocabulary is kept: an n-gram's bucket is a hash of its tokens, so the
 * model's size is fixed by the number of buckets and never by the corpus.
 * Each token is hashed once; an n-gram's hash is combined from its tokens'
 * hashes, in order, so "not good" and "good not" land apart.  A token in a
 * negation scope gets a different hash, so "good" and the "good" of "not
 * good" are different features too.  Long words also count, at half
 * weight, as their first few characters, a crude stem.
 *
 * To explain a prediction one must know which n-gram gave each feature.
 * That bookkeeping is written into the one body that also classifies, as a
 * branch on a pointer that the classifying path passes as a constant NULL:
 * the compiler removes it there, so classifying pays nothing for it.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "littleendian.h"
#include "vectorizer.h"

void sn_vectorizer_settings_default(sn_vectorizer_settings *s)
{
    s->bucket_bits = 20;
    s->ngrams = 2;
    s->char_ngrams = 4;
    s->weighting = SN_WEIGHT_BINARY;
    s->normalize = 1;
    s->stem = 5;
    s->seed = 0x5EB71E57ULL;
}

void sn_features_init(sn_features *f)
{
    memset(f, 0, sizeof *f);
}

void sn_features_release(sn_features *f)
{
    sn_free(f->index);
    sn_free(f->value);
    sn_free(f->slots);
    sn_free(f->seen);
    sn_free(f->origin);
    sn_features_init(f);
}

static inline uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* Reads eight bytes at a time in a fixed byte order, so that a model hashes
 * the same on every machine. */
uint64_t sn_hash(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ULL);
    uint64_t tail = 0;

    while (len >= 8) {
        h ^= fmix64(sn_get64le(p));
        h = rotl64(h, 27) * 0x87C37B91114253D5ULL + 0x52DCE729;
        p += 8;
        len -= 8;
    }
    for (size_t i = 0; i < len; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    h ^= fmix64(tail ^ 0xA5A5A5A5A5A5A5A5ULL);
    return fmix64(h);
}

/* A token's hash.  The tokenizer leaves at least 8 readable bytes after
 * every token, so a short one (most words) is one load and one mix. */
static inline uint64_t hash_token(const char *p, size_t len, uint64_t seed)
{
    if (len <= 8 && len > 0) {
        uint64_t v = sn_get64le((const unsigned char *)p);
        v &= ~UINT64_C(0) >> (64 - 8 * len);
        return fmix64(v ^ seed ^ (len * 0x9E3779B97F4A7C15ULL));
    }
    return sn_hash(p, len, seed);
}

/* Both sides are well-mixed hashes already, so one multiply keeps the
 * order of the n-gram and spreads it; the bucket is then taken from the
 * high bits of a second multiply (Fibonacci hashing, see add()). */
static inline uint64_t combine(uint64_t left, uint64_t right)
{
    return rotl64(left, 23) * 0x9E3779B97F4A7C15ULL ^ right;
}

/* Salts that set marked tokens and extra features apart. */
#define SALT_NEGATED 0x6E65676174656421ULL
#define SALT_INTENSIFIED 0x696E74656E736521ULL
#define SALT_ALLCAPS 0x616C6C6361707321ULL
#define SALT_ELONGATED 0x656C6F6E67617421ULL
#define SALT_STEM 0x7374656D73746D21ULL

static int reserve(sn_features *f, size_t need)
{
    if (need > SIZE_MAX / 8)
        return -1;
    if (need > f->cap) {
        size_t n = sn_grow_capacity(f->cap, need, 256);
        if (n == 0 || n > SIZE_MAX / 8)
            return -1;
        uint32_t *index = sn_realloc_array(f->index, n, sizeof *index);
        if (index == NULL)
            return -1;
        f->index = index;
        float *value = sn_realloc_array(f->value, n, sizeof *value);
        if (value == NULL)
            return -1;
        f->value = value;
        f->cap = n;
    }
    return 0;
}

/* The set being filled: its arrays and count in locals of the caller, with
 * restrict, so that a store to one never makes the compiler reload another
 * (a uint64_t slot and a size_t count are the same type to it). */
typedef struct builder {
    uint64_t *restrict seen;    /* binary weights: a bit per bucket */
    uint64_t *restrict slots;   /* counted weights: a hash set */
    uint32_t *restrict index;
    float *restrict value;
    size_t count;
    unsigned shift;         /* 64 - log2(buckets) */
    size_t slot_mask;
} builder;

#if defined(__GNUC__)
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ALWAYS_INLINE inline
#endif

/* Counts one occurrence of HASH's bucket; when ORIGIN is not NULL, a new
 * bucket also records that the N-gram ending at token END, of KIND, gave
 * it. */
static ALWAYS_INLINE void add(builder *restrict b, uint64_t hash,
                              sn_feature_origin *restrict origin, size_t end,
                              unsigned n, unsigned kind)
{
    uint32_t bucket = (uint32_t)((hash * 0xD6E8FEB86659FD93ULL) >> b->shift);
    if (origin != NULL) {
        /* Written at the next free place whether or not the bucket is new:
         * like the index below, it only counts when it is. */
        origin[b->count].end = (uint32_t)end;
        origin[b->count].n = (uint8_t)n;
        origin[b->count].kind = (uint8_t)kind;
    }
    if (b->seen != NULL) {
        /* Without a branch: whether the bucket is new is a coin toss the
         * processor cannot predict, so always write, and count it only when
         * new. */
        uint64_t bit = UINT64_C(1) << (bucket & 63), *w = &b->seen[bucket >> 6];
        uint64_t old = *w;
        *w = old | bit;
        b->index[b->count] = bucket;
        b->value[b->count] = 1;
        b->count += (old & bit) == 0;
        return;
    }
    /* Fibonacci hashing: buckets are already well spread, this only has to
     * keep neighbours apart.  A slot holds the bucket and its position + 1,
     * so a probe is one load. */
    size_t s = (size_t)((bucket * 0x9E3779B97F4A7C15ULL) >> 32) & b->slot_mask;

    for (;;) {
        uint64_t v = b->slots[s];
        if (v == 0) {
            b->slots[s] = (uint64_t)bucket << 32 | (uint32_t)(b->count + 1);
            b->index[b->count] = bucket;
            b->value[b->count] = 1;
            b->count++;
            return;
        }
        if ((uint32_t)(v >> 32) == bucket) {
            b->value[(uint32_t)v - 1] += 1;
            return;
        }
        s = (s + 1) & b->slot_mask;
    }
}

size_t sn_stem_bytes(const char *p, size_t len, unsigned n)
{
    size_t i = 0;

    /* Counts lead bytes, which every character has one of. */
    for (unsigned chars = 0; i < len; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80 && chars++ == n)
            return i;
    return len;
}

void sn_features_finish(sn_features *f, const float *scale, int normalize)
{
    if (scale != NULL)
        for (size_t i = 0; i < f->count; i++)
            f->value[i] *= scale[f->index[i]];
    if (normalize) {
        double sq = 0;
        for (size_t i = 0; i < f->count; i++)
            sq += (double)f->value[i] * f->value[i];
        if (sq > 0) {
            float k = (float)(1.0 / sqrt(sq));
            for (size_t i = 0; i < f->count; i++)
                f->value[i] *= k;
        }
    }
}

int sn_vectorize(const sn_vectorizer_settings *s, const sn_tokenizer *tk,
                 sn_features *f, sentiment_error *err)
{
    return sn_vectorize_scaled(s, NULL, tk, f, err);
}

/* The most features the tokens of TK can give, or 0 when that many could
 * not be counted.  Binary weights need no more than a bound, since a bit
 * per bucket tells what is already there; counts need the hash set, sized
 * for the exact figure. */
static size_t most_features(const sn_vectorizer_settings *s, const sn_tokenizer *tk,
                            size_t order)
{
    size_t most = 1;

    if (s->weighting == SN_WEIGHT_BINARY) {
        if (tk->count > (SIZE_MAX / 8 - 1) / (order + 4))
            return 0;
        return tk->count * (order + 4) + 1;
    }
    for (size_t i = 0; i < tk->count; i++) {
        const sn_token *t = &tk->tokens[i];
        most += t->kind == SN_TOKEN_CHAR ? order : s->ngrams;
        most += t->kind == SN_TOKEN_WORD; /* its stem */
        most += (t->flags & SN_TOKEN_INTENSIFIED) != 0;
        most += (t->flags & SN_TOKEN_ALLCAPS) != 0;
        most += (t->flags & SN_TOKEN_ELONGATED) != 0;
    }
    return most;
}

/* Room in F->origin for MOST records. */
static int reserve_origins(sn_features *f, size_t most)
{
    if (most > f->origin_cap) {
        sn_feature_origin *p = sn_realloc_array(f->origin, most, sizeof *p);
        if (p == NULL)
            return -1;
        f->origin = p;
        f->origin_cap = most;
    }
    return 0;
}

/* Readies B to collect up to MOST features into F: a bit per bucket for
 * binary weights, an empty hash set for counts. */
static int start_builder(builder *b, sn_features *f, const sn_vectorizer_settings *s,
                         size_t most)
{
    if (reserve(f, most) < 0)
        return -1;
    b->seen = NULL;
    b->slots = NULL;
    b->slot_mask = 0;
    b->index = f->index;
    b->value = f->value;
    b->count = 0;
    b->shift = 64 - s->bucket_bits;
    if (s->weighting == SN_WEIGHT_BINARY) {
        size_t words = ((size_t)1 << s->bucket_bits) / 64 + 1;
        if (f->seen_words < words) {
            uint64_t *p = sn_calloc(words, sizeof *p);
            if (p == NULL)
                return -1;
            sn_free(f->seen);
            f->seen = p;
            f->seen_words = words;
        }
        b->seen = f->seen;
    } else {
        size_t slots = 64;
        while (slots < 2 * most)
            slots *= 2;
        if (slots > f->slots_cap) {
            uint64_t *p = sn_realloc_array(f->slots, slots, sizeof *p);
            if (p == NULL)
                return -1;
            f->slots = p;
            f->slots_cap = slots;
        }
        memset(f->slots, 0, slots * sizeof *f->slots);
        b->slots = f->slots;
        b->slot_mask = slots - 1;
    }
    return 0;
}

/* Adds every word and character n-gram of the tokens of TK, and the
 * markers of intensified, capitalized and elongated words. */
static ALWAYS_INLINE void add_ngrams(builder *restrict b, const sn_vectorizer_settings *s,
                                     const sn_tokenizer *tk, size_t order,
                                     sn_feature_origin *restrict origin)
{
    uint64_t window[SN_MAX_NGRAMS] = {0};
    size_t run = 0;         /* consecutive character tokens ending here */

    for (size_t i = 0; i < tk->count; i++) {
        const sn_token *t = &tk->tokens[i];
        uint64_t plain = hash_token(tk->text + t->start, t->len, s->seed);
        uint64_t h = plain;

        if (t->flags & SN_TOKEN_NEGATED)
            h = combine(h, SALT_NEGATED);
        run = t->kind == SN_TOKEN_CHAR ? run + 1 : 0;
        /* window[k] holds the hash of the (k+1)-gram ending at token i;
         * windows longer than word n-grams exist only in a run of
         * characters, where character n-grams count too. */
        if (run == 0 && s->ngrams == 2) {
            /* The common case, words and bigrams, without the loops. */
            window[1] = combine(window[0], h);
            window[0] = h;
            add(b, h, origin, i, 1, SN_ORIGIN_NGRAM);
            if (i > 0)
                add(b, window[1], origin, i, 2, SN_ORIGIN_NGRAM);
        } else {
            const size_t top = run > 0 ? order : s->ngrams;
            for (size_t k = top - 1; k > 0; k--)
                if (k < s->ngrams || k < run)
                    window[k] = combine(window[k - 1], h);
            window[0] = h;
            for (size_t k = 0; k < top && k <= i; k++) {
                if (k < s->ngrams || (k < s->char_ngrams && k < run))
                    add(b, window[k], origin, i, (unsigned)k + 1, SN_ORIGIN_NGRAM);
            }
        }
        if (t->flags & SN_TOKEN_INTENSIFIED)
            add(b, combine(h, SALT_INTENSIFIED), origin, i, 1, SN_ORIGIN_INTENSIFIED);
        if (t->flags & SN_TOKEN_ALLCAPS)
            add(b, combine(plain, SALT_ALLCAPS), origin, i, 1, SN_ORIGIN_ALLCAPS);
        if (t->flags & SN_TOKEN_ELONGATED)
            add(b, combine(plain, SALT_ELONGATED), origin, i, 1, SN_ORIGIN_ELONGATED);
    }
}

/*
 * Adds the stem of each word longer than s->stem characters.  Truncation
 * is a stemmer that knows no language: "admired" and "admires" share
 * "admir", so a word met only in the test set still says something.
 */
static ALWAYS_INLINE void add_stems(builder *restrict b, const sn_vectorizer_settings *s,
                                    const sn_tokenizer *tk,
                                    sn_feature_origin *restrict origin)
{
    for (size_t i = 0; i < tk->count; i++) {
        const sn_token *t = &tk->tokens[i];
        const char *w = tk->text + t->start;
        size_t n;
        uint64_t h;

        if (t->kind != SN_TOKEN_WORD || t->len <= s->stem ||
            (n = sn_stem_bytes(w, t->len, s->stem)) == t->len)
            continue;
        h = combine(hash_token(w, n, s->seed), SALT_STEM);
        if (t->flags & SN_TOKEN_NEGATED)
            h = combine(h, SALT_NEGATED);
        add(b, h, origin, i, 1, SN_ORIGIN_STEM);
    }
}

/* Turns the counts of F into values: 1 + log(count) for counted weights,
 * half that from FIRST_STEM on, each times SCALE[index], then the vector
 * scaled to unit length when asked. */
static void set_values(sn_features *f, const sn_vectorizer_settings *s, const float *scale,
                       size_t first_stem)
{
    if (s->weighting == SN_WEIGHT_LOGTF) {
        for (size_t i = 0; i < f->count; i++)
            f->value[i] = 1.0f + logf(f->value[i]);
    }
    for (size_t i = first_stem; i < f->count; i++)
        f->value[i] *= SN_STEM_WEIGHT;
    if (s->weighting != SN_WEIGHT_LOGTF && first_stem == f->count && scale == NULL &&
        s->normalize && f->count > 0) {
        /* All ones (no stems) scaled to unit length: one pass instead of
         * three. */
        const float v = (float)(1.0 / sqrt((double)f->count));
        for (size_t i = 0; i < f->count; i++)
            f->value[i] = v;
        return;
    }
    /* Binary values are 1, or a stem's weight, already. */
    sn_features_finish(f, scale, s->normalize != 0);
}

/* The body of sn_vectorize_scaled() and sn_vectorize_origin(); WITH_ORIGIN
 * is a constant in each, so each gets its own copy without dead code. */
static ALWAYS_INLINE int vectorize(const sn_vectorizer_settings *s,
                                   const float *scale, const sn_tokenizer *tk,
                                   sn_features *f, int with_origin,
                                   sentiment_error *err)
{
    const size_t order = s->ngrams > s->char_ngrams ? s->ngrams : s->char_ngrams;
    const size_t most = most_features(s, tk, order);
    sn_feature_origin *origin = NULL;
    size_t first_stem;
    builder b;

    f->count = 0;
    if (most == 0 || start_builder(&b, f, s, most) < 0 ||
        (with_origin && reserve_origins(f, most) < 0))
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while vectorizing");
    if (with_origin)
        origin = f->origin;
    add_ngrams(&b, s, tk, order, origin);
    /* Stems come last, so that features from FIRST_STEM on are stems: they
     * weigh half as much as a word, being weaker evidence (at full weight
     * they cost IMDb 0.4 points, see NEWS). */
    first_stem = b.count;
    if (s->stem > 0)
        add_stems(&b, s, tk, origin);
    f->count = b.count;
    /* Clear the bits this text set, for the next one. */
    if (b.seen != NULL)
        for (size_t i = 0; i < b.count; i++)
            b.seen[f->index[i] >> 6] = 0;
    set_values(f, s, scale, first_stem);
    return SENTIMENT_OK;
}

int sn_vectorize_scaled(const sn_vectorizer_settings *s, const float *scale,
                        const sn_tokenizer *tk, sn_features *f,
                        sentiment_error *err)
{
    return vectorize(s, scale, tk, f, 0, err);
}

int sn_vectorize_origin(const sn_vectorizer_settings *s, const float *scale,
                        const sn_tokenizer *tk, sn_features *f,
                        sentiment_error *err)
{
    return vectorize(s, scale, tk, f, 1, err);
}

float sn_scale_quantize(float *scale, size_t n)
{
    float max = 0, step;

    for (size_t i = 0; i < n; i++)
        if (scale[i] > max)
            max = scale[i];
    step = max / 255;
    if (!(step > 0))
        return 0;
    for (size_t i = 0; i < n; i++)
        scale[i] = (float)lroundf(scale[i] / step) * step;
    return step;
}
