/*
 * dataset.h - every example of a training run as a sparse vector, rows of
 * one matrix, with the naive Bayes feature scales computed from them.
 */
#ifndef SENTIMENT_DATASET_H
#define SENTIMENT_DATASET_H

#include "lexicon.h"
#include "network.h"
#include "pool.h"
#include "store.h"
#include "tokenizer.h"
#include "vectorizer.h"

/* The features of one thread's share of the examples. */
typedef struct sn_chunk {
    uint32_t *index;
    float *value;
    size_t nnz, cap;
    int rc;                 /* how featurizing this share ended */
    sentiment_error err;
} sn_chunk;

/* All examples as sparse vectors: example i is
 * chunk[c].index/value[start[i] .. start[i + 1]) for the chunk c holding
 * it, chunk c holding examples bound[c] .. bound[c + 1] - 1. */
typedef struct sn_dataset {
    size_t *start;          /* count + 1 */
    sn_chunk chunks[SN_MAX_THREADS];
    size_t bound[SN_MAX_THREADS + 1];
    unsigned nchunks;
} sn_dataset;

/* Tokenizes and hashes every example of S, each thread of POOL a share,
 * into raw feature values: neither scaled nor normalized, since the scales
 * come from the features (sn_dataset_nb_scale, sn_dataset_finish).  D is
 * to be released even when this fails. */
int sn_dataset_featurize(sn_dataset *d, const sn_store *s,
                         const sn_tokenizer_settings *tokenizer, const sn_lexicon *lexicon,
                         const sn_vectorizer_settings *vectorizer, sn_pool *pool,
                         sentiment_error *err);
void sn_dataset_release(sn_dataset *d);

/* Example I. */
sn_sparse sn_dataset_row(const sn_dataset *d, size_t i);

/* The naive Bayes feature scale of each of BUCKETS buckets, counted over
 * the N_TRAIN examples ORDER[0 .. N_TRAIN), example e having label
 * LABELS[e] of NLABELS; NULL when out of memory. */
float *sn_dataset_nb_scale(const sn_dataset *d, const size_t *order, size_t n_train,
                           const uint32_t *labels, size_t nlabels, size_t buckets);

/* Turns the raw values of the COUNT examples into what the network reads,
 * as sn_features_finish() does for a text classified. */
void sn_dataset_finish(sn_dataset *d, size_t count, const float *scale, int normalize);

/* Sets SEEN[b] for every bucket b that one of ORDER[0 .. N) reaches. */
void sn_dataset_mark_seen(const sn_dataset *d, const size_t *order, size_t n,
                          unsigned char *seen);

#endif
