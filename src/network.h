/*
 * network.h - the classifier: sparse input -> hidden layer -> batch
 * normalization -> ReLU -> output layer -> softmax.
 */
#ifndef SENTIMENT_NETWORK_H
#define SENTIMENT_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "pool.h"
#include "sentiment.h"

#define SN_MAX_HIDDEN 1024
#define SN_MAX_LABELS 65535

/* One example's input: indices strictly increasing. */
typedef struct sn_sparse {
    const uint32_t *index;
    const float *value;
    size_t count;
} sn_sparse;

/* Which of 64 rows of a quantized W1 are stored, and how many rows are
 * stored before them: together, so that finding a row costs one cache
 * miss. */
typedef struct sn_row_block {
    uint64_t bits;
    uint64_t rank;
} sn_row_block;

/*
 * The parameters.  W1 has one row of HIDDEN weights per input, so that a
 * sparse input touches whole rows.  The small parameters live in one block,
 * DENSE, laid out as b1 | gamma | beta | w2 | b2, so that optimizers and
 * snapshots treat them as one array.
 */
typedef struct sn_network {
    uint32_t inputs, hidden, outputs;
    int batchnorm;          /* 0: the hidden layer feeds ReLU directly */
    float bn_epsilon;       /* added to the variance before normalizing */
    float *w1;              /* inputs x hidden */
    float *dense;           /* see sn_net_* below */
    size_t dense_count;
    float *run_mean;        /* hidden: batch-norm running statistics */
    float *run_var;         /* hidden */
    /* A model for inference only may hold W1 quantized instead (w1 is NULL
     * then): row r is the QUANT_BITS-bit signed codes at
     * w1q + k * sn_quant_row_bytes(), times row_scale[k], where
     * k = sn_quant_row_index(net, r); a row of index -1 is all zero (it was
     * pruned, or no training text reached it).  When at least half the rows
     * are stored, k is r, and rows not stored have scale 0, which is the
     * fastest.  Otherwise only the stored rows are, as in the file, and bit
     * r of ROW_MAP tells whether row r is: a model of many buckets and few
     * rows must not cost a full row per bucket. */
    unsigned quant_bits;    /* 0, 8 or 4 */
    size_t rows_stored;
    uint8_t *w1q;
    float *row_scale;
    sn_row_block *row_map;  /* NULL when k is r */
} sn_network;

/* Bytes of one quantized row: HIDDEN codes of BITS bits, packed. */
static inline size_t sn_quant_row_bytes(unsigned bits, uint32_t hidden)
{
    return bits == 4 ? ((size_t)hidden + 1) / 2 : hidden;
}

/* Written out rather than __builtin_popcountll, which without -mpopcnt is
 * a call into libgcc: this is on the path of every feature. */
static inline unsigned sn_popcount64(uint64_t v)
{
    v -= (v >> 1) & UINT64_C(0x5555555555555555);
    v = (v & UINT64_C(0x3333333333333333)) + ((v >> 2) & UINT64_C(0x3333333333333333));
    v = (v + (v >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    return (unsigned)((v * UINT64_C(0x0101010101010101)) >> 56);
}

/* Where row R of a quantized W1 is, or -1 when it is all zero. */
static inline long sn_quant_row_index(const sn_network *net, uint32_t r)
{
    if (net->row_map == NULL)
        return net->row_scale[r] != 0 ? (long)r : -1;

    const sn_row_block *b = &net->row_map[r / 64];
    const uint64_t bit = UINT64_C(1) << (r % 64);
    if (!(b->bits & bit))
        return -1;
    return (long)b->rank + (long)sn_popcount64(b->bits & (bit - 1));
}

/* Where to put row R, the NTH row stored, when filling a quantized W1 that
 * sn_network_alloc_quantized() made. */
static inline size_t sn_quant_row_slot(const sn_network *net, uint32_t r, size_t nth)
{
    return net->row_map == NULL ? r : nth;
}

static inline float *sn_net_b1(const sn_network *n) { return n->dense; }
static inline float *sn_net_gamma(const sn_network *n) { return n->dense + n->hidden; }
static inline float *sn_net_beta(const sn_network *n) { return n->dense + 2 * (size_t)n->hidden; }
static inline float *sn_net_w2(const sn_network *n) { return n->dense + 3 * (size_t)n->hidden; }
static inline float *sn_net_b2(const sn_network *n)
{
    return n->dense + 3 * (size_t)n->hidden + (size_t)n->hidden * n->outputs;
}

/* Allocates a network with zero weights, gamma 1, running variance 1. */
int sn_network_alloc(sn_network *net, uint32_t inputs, uint32_t hidden,
                     uint32_t outputs, int batchnorm, sentiment_error *err);
void sn_network_release(sn_network *net);

/* The same shape for inference only, with W1 quantized to BITS (8 or 4),
 * storing the rows whose bit is set in MAP (bit r % 8 of byte r / 8, as in
 * a model file): codes and scales are allocated and zero, w1 is NULL.
 * Memory is at most about twice what the stored rows take (see sn_network),
 * plus two bits per input; fill each row at sn_quant_row_slot(). */
int sn_network_alloc_quantized(sn_network *net, uint32_t inputs, uint32_t hidden,
                               uint32_t outputs, unsigned bits,
                               const unsigned char *map, sentiment_error *err);

/*
 * Replaces W1 by codes of BITS bits with one scale per row, after setting to
 * zero the share PRUNE (0 to 1) of rows that matter least.  A row matters by
 * its length times SCALE[row] (the feature's weight, or 1 when SCALE is
 * NULL).  Batch normalization must be folded first.
 */
int sn_network_quantize(sn_network *net, unsigned bits, double prune,
                        const float *scale, sentiment_error *err);

/* Row R of W1 as floats into OUT (HIDDEN values), quantized or not. */
void sn_network_w1_row(const sn_network *net, uint32_t r, float *out);

/* Random weights: W1 normal with deviation W1_SCALE, W2 Glorot-uniform. */
void sn_network_randomize(sn_network *net, uint64_t *rng, float w1_scale);

/* Copies every parameter of SRC into DST, which has the same shape. */
void sn_network_copy(sn_network *dst, const sn_network *src);

/* Gradients: dense like the parameters, W1 only for the rows touched. */
typedef struct sn_gradients {
    float *dense;
    uint32_t *rows;         /* the inputs touched, in order of first touch */
    float *w1;              /* nrows x hidden */
    size_t nrows, rows_cap;
    int32_t *slot;          /* per input: its position in rows, or -1 */
} sn_gradients;

int sn_gradients_alloc(sn_gradients *g, const sn_network *net, sentiment_error *err);
void sn_gradients_release(sn_gradients *g);

/* Scratch for a batch of up to BATCH_CAP examples. */
typedef struct sn_workspace {
    sn_pool *pool;          /* threads to share the work, or NULL */
    size_t batch_cap;
    float *z, *zhat, *a, *probs, *delta; /* batch x hidden, or batch x outputs */
    float *mean, *var, *inv_std;          /* hidden */
    /* Dropout in training: each hidden activation is kept with probability
     * 1 - DROPOUT and then scaled by 1 / (1 - DROPOUT); RNG draws the mask. */
    float dropout;
    uint64_t *rng;
    float *keep;                          /* batch x hidden: 0 or the scale */
} sn_workspace;

int sn_workspace_alloc(sn_workspace *ws, const sn_network *net, size_t batch_cap,
                       sentiment_error *err);
void sn_workspace_release(sn_workspace *ws);

/*
 * Forward and backward pass over BATCH examples with batch statistics.
 * Resets G, then fills it with the gradient of the mean cross-entropy loss;
 * the batch mean and variance are left in WS for the running statistics.
 * *LOSS gets the mean loss.  Fails only when memory runs out.
 */
int sn_network_gradient(const sn_network *net, sn_workspace *ws,
                        const sn_sparse *x, const uint32_t *labels, size_t batch,
                        sn_gradients *g, double *loss, sentiment_error *err);

/*
 * Inference: probabilities of BATCH examples into PROBS (batch x outputs),
 * using the running statistics when the network normalizes.  The result for
 * one example never depends on the others in the batch.
 */
void sn_network_predict(const sn_network *net, sn_workspace *ws,
                        const sn_sparse *x, size_t batch, float *probs);

/* The hidden layer before normalization and ReLU, b1 + x W1, of BATCH
 * examples into WS->z (batch x hidden). */
void sn_network_hidden(const sn_network *net, sn_workspace *ws, const sn_sparse *x,
                       size_t batch);

/* Folds batch normalization into W1 and b1 and turns it off. */
void sn_network_fold_batchnorm(sn_network *net);

#endif
