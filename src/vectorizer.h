/*
 * vectorizer.h - tokens to a sparse vector of hashed word n-grams.
 */
#ifndef SENTIMENT_VECTORIZER_H
#define SENTIMENT_VECTORIZER_H

#include <stddef.h>
#include <stdint.h>

#include "sentiment.h"
#include "tokenizer.h"

#define SN_MAX_NGRAMS 3
#define SN_MIN_BUCKET_BITS 4
#define SN_MAX_BUCKET_BITS 26

typedef struct sn_vectorizer_settings {
    uint32_t bucket_bits; /* 2^bucket_bits buckets */
    uint32_t ngrams;      /* longest word n-gram, 1 .. SN_MAX_NGRAMS */
    uint64_t seed;        /* hash seed */
} sn_vectorizer_settings;

/* A sparse vector: indices strictly increasing. */
typedef struct sn_features {
    uint32_t *index;
    float *value;
    size_t count, cap;
} sn_features;

void sn_vectorizer_settings_default(sn_vectorizer_settings *s);

void sn_features_init(sn_features *f);
void sn_features_release(sn_features *f);

uint64_t sn_hash(const void *data, size_t len, uint64_t seed);

/*
 * Hashes every word n-gram of the tokens in TK (n = 1 .. s->ngrams) into one
 * of 2^bucket_bits buckets.  A bucket present gets the value 1 however often
 * it occurs; the vector is then scaled to unit length.
 */
int sn_vectorize(const sn_vectorizer_settings *s, const sn_tokenizer *tk,
                 sn_features *f, sentiment_error *err);

#endif
