/*
 * vectorizer.c - the hashing trick: word n-grams straight to bucket numbers.
 *
 * No vocabulary is kept: an n-gram's bucket is a hash of its tokens, so the
 * model's size is fixed by the number of buckets and never by the corpus.
 * Each token is hashed once; an n-gram's hash is combined from its tokens'
 * hashes, in order, so "not good" and "good not" land apart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vectorizer.h"

void sn_vectorizer_settings_default(sn_vectorizer_settings *s)
{
    s->bucket_bits = 20;
    s->ngrams = 2;
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

static inline uint64_t load64le(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
        (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
        (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* Reads eight bytes at a time in a fixed byte order, so that a model hashes
 * the same on every machine. */
uint64_t sn_hash(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ULL);
    uint64_t tail = 0;

    while (len >= 8) {
        h ^= fmix64(load64le(p));
        h = rotl64(h, 27) * 0x87C37B91114253D5ULL + 0x52DCE729;
        p += 8;
        len -= 8;
    }
    for (size_t i = 0; i < len; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    h ^= fmix64(tail ^ 0xA5A5A5A5A5A5A5A5ULL);
    return fmix64(h);
}

static inline uint64_t combine(uint64_t left, uint64_t right)
{
    return fmix64(rotl64(left, 23) * 0x9E3779B97F4A7C15ULL ^ right);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int reserve(sn_features *f, size_t need)
{
    size_t n;
    uint32_t *index;
    float *value;

    if (need <= f->cap)
        return 0;
    n = f->cap ? f->cap : 256;
    while (n < need)
        n *= 2;
    index = sn_realloc_array(f->index, n, sizeof *index);
    if (index == NULL)
        return -1;
    f->index = index;
    value = sn_realloc_array(f->value, n, sizeof *value);
    if (value == NULL)
        return -1;
    f->value = value;
    f->cap = n;
    return 0;
}

int sn_vectorize(const sn_vectorizer_settings *s, const sn_tokenizer *tk,
                 sn_features *f, sentiment_error *err)
{
    const uint32_t mask = (UINT32_C(1) << s->bucket_bits) - 1;
    uint64_t window[SN_MAX_NGRAMS] = {0};
    size_t n = 0, unique;
    float value;

    f->count = 0;
    if (tk->count > (SIZE_MAX / SN_MAX_NGRAMS) || reserve(f, tk->count * s->ngrams) < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while vectorizing");
    for (size_t i = 0; i < tk->count; i++) {
        uint64_t h = sn_hash(tk->text + tk->tokens[i].start, tk->tokens[i].len,
                             s->seed);
        /* window[k] holds the hash of the (k+1)-gram ending at token i. */
        for (size_t k = s->ngrams - 1; k > 0; k--)
            window[k] = combine(window[k - 1], h);
        window[0] = h;
        for (size_t k = 0; k < s->ngrams && k <= i; k++)
            f->index[n++] = (uint32_t)(fmix64(window[k] + k) & mask);
    }
    if (n > 1)
        qsort(f->index, n, sizeof *f->index, cmp_u32);
    unique = 0;
    for (size_t i = 0; i < n; i++)
        if (unique == 0 || f->index[unique - 1] != f->index[i])
            f->index[unique++] = f->index[i];
    value = unique ? 1.0f / sqrtf((float)unique) : 0.0f;
    for (size_t i = 0; i < unique; i++)
        f->value[i] = value;
    f->count = unique;
    return SENTIMENT_OK;
}
