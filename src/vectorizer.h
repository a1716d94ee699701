/*
 * vectorizer.h - tokens to a sparse vector of hashed n-grams.
 */
#ifndef SENTIMENT_VECTORIZER_H
#define SENTIMENT_VECTORIZER_H

#include <stddef.h>
#include <stdint.h>

#include "sentiment.h"
#include "tokenizer.h"

/*
 * The version of the features a text gives: of the tokenizer's rules and of
 * the hashing in vectorizer.c (sn_hash(), the combining of n-grams, the
 * salts, the choice of bucket), one number that models store (TOKN
 * section), so that a model is never fed features made in another way than
 * those it was trained on.  It lives here, with the hashing, the last step
 * that makes features.  Raise it with any change to either;
 * test_vectorizer_gives_the_buckets_of_its_version pins the buckets of one
 * text.
 */
#define SN_TOKENIZER_RULES 3

#define SN_MAX_NGRAMS 5
#define SN_MIN_BUCKET_BITS 4
#define SN_MAX_BUCKET_BITS 26
#define SN_MAX_STEM 16
/* The value of a stem's feature, where a word's is 1 (or 1 + log(count)). */
#define SN_STEM_WEIGHT 0.5f

enum sn_weighting {
    SN_WEIGHT_BINARY = 0,  /* 1 for a bucket present, however often */
    SN_WEIGHT_LOGTF = 1    /* 1 + log(count) */
};

typedef struct sn_vectorizer_settings {
    uint32_t bucket_bits;  /* 2^bucket_bits buckets */
    uint32_t ngrams;       /* longest word n-gram, 1 .. SN_MAX_NGRAMS */
    uint32_t char_ngrams;  /* longest character n-gram in unspaced scripts */
    uint32_t weighting;    /* enum sn_weighting */
    uint32_t normalize;    /* 1: scale the vector to unit length */
    uint32_t stem;         /* a word longer than this many characters also
                            * counts as its first STEM characters, at
                            * SN_STEM_WEIGHT; 0: never */
    uint64_t seed;         /* hash seed */
} sn_vectorizer_settings;

/* Which kind of feature an origin record is about. */
enum sn_origin_kind {
    SN_ORIGIN_NGRAM = 0,        /* a word or character n-gram */
    SN_ORIGIN_INTENSIFIED = 1,  /* the marker of a word after an intensifier */
    SN_ORIGIN_ALLCAPS = 2,      /* the marker of a word in capitals */
    SN_ORIGIN_ELONGATED = 3,    /* the marker of an elongated word */
    SN_ORIGIN_STEM = 4          /* the first characters of a long word */
};

/* Where a feature came from, for explaining a prediction: the n-gram of
 * tokens END - N + 1 .. END of the tokenizer that was vectorized (N is 1
 * for markers, which are about token END alone). */
typedef struct sn_feature_origin {
    uint32_t end;
    uint8_t n;
    uint8_t kind;               /* enum sn_origin_kind */
} sn_feature_origin;

/* A sparse vector; each index appears once, in order of first occurrence. */
typedef struct sn_features {
    uint32_t *index;
    float *value;
    sn_feature_origin *origin; /* per feature, filled by sn_vectorize_origin()
                                * only; the first n-gram of a bucket */
    size_t origin_cap;
    size_t count, cap;
    uint64_t *slots;       /* scratch for counts: open-addressing set */
    uint64_t *seen;        /* scratch for binary weights: a bit per bucket,
                            * all clear between calls */
    size_t seen_words;
    size_t slots_cap;
} sn_features;

void sn_vectorizer_settings_default(sn_vectorizer_settings *s);

void sn_features_init(sn_features *f);
void sn_features_release(sn_features *f);

uint64_t sn_hash(const void *data, size_t len, uint64_t seed);

/*
 * Hashes every word n-gram of the tokens in TK (n = 1 .. ngrams), the
 * character n-grams of unspaced scripts (n = 1 .. char_ngrams), one extra
 * feature for each word marked intensified, in capitals or elongated, and
 * the stem of each word longer than STEM characters (these last, at half a
 * word's value), into 2^bucket_bits buckets.  A token in a negation scope
 * hashes apart from the same token outside one.
 */
int sn_vectorize(const sn_vectorizer_settings *s, const sn_tokenizer *tk,
                 sn_features *f, sentiment_error *err);

/* The same, with each feature's value multiplied by SCALE[index] (when
 * SCALE is not NULL) before the vector is scaled to unit length. */
int sn_vectorize_scaled(const sn_vectorizer_settings *s, const float *scale,
                        const sn_tokenizer *tk, sn_features *f,
                        sentiment_error *err);

/* The same as sn_vectorize_scaled(), and also records in F->origin which
 * n-gram gave each feature.  Slower; meant for explaining, not for
 * classifying. */
int sn_vectorize_origin(const sn_vectorizer_settings *s, const float *scale,
                        const sn_tokenizer *tk, sn_features *f,
                        sentiment_error *err);

/* The length in bytes of the first N characters of the LEN bytes of
 * UTF-8 at P, or LEN when it has no more than N characters: the stem that
 * the vectorizer hashes, or the whole word when the word has none. */
size_t sn_stem_bytes(const char *p, size_t len, unsigned n);

/* Multiplies each value by SCALE[index] (when not NULL), then scales the
 * vector to unit length when NORMALIZE is set. */
void sn_features_finish(sn_features *f, const float *scale, int normalize);

/*
 * Feature scales in 8 bits, as a quantized model file stores them: rounds
 * each of the N scales (all >= 0) to a whole multiple of one step, from 0
 * to 255 steps, and returns the step (0 when every scale is 0).
 */
float sn_scale_quantize(float *scale, size_t n);

#endif
