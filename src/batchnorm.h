/*
 * batchnorm.h - batch normalization of the hidden layer.
 */
#ifndef SENTIMENT_BATCHNORM_H
#define SENTIMENT_BATCHNORM_H

#include <stddef.h>

#define SN_BN_MAX_UNITS 1024 /* the widest hidden layer supported */
/* Below this batch size the batch's own statistics are too noisy (with one
 * example its variance is 0): the running ones are used instead. */
#define SN_BN_MIN_BATCH 16

/*
 * Normalizes each of the H columns of Z (B rows, row-major) with the batch's
 * own mean and variance (dividing by sqrt(variance + EPS)), then scales by
 * GAMMA and shifts by BETA into Y.
 * Keeps ZHAT and INV_STD (H values) for the backward pass and the batch
 * MEAN and VAR (H values) for the running statistics.
 */
void sn_bn_forward_train(size_t batch, size_t h, const float *z,
                         const float *gamma, const float *beta, float eps,
                         float *zhat, float *y, float *mean, float *var,
                         float *inv_std);

/*
 * Training on a batch too small to estimate statistics from (fewer than
 * SN_BN_MIN_BATCH examples): normalizes with the running statistics, which
 * the backward pass then treats as constants, and leaves in MEAN and VAR
 * the batch's mean and its mean squared distance from the running mean,
 * for sn_bn_update_running.  ZHAT, Y and INV_STD as sn_bn_forward_train.
 */
void sn_bn_forward_small(size_t batch, size_t h, const float *z,
                         const float *gamma, const float *beta, float eps,
                         const float *run_mean, const float *run_var, float *zhat,
                         float *y, float *mean, float *var, float *inv_std);

/* Backward pass of sn_bn_forward_small. */
void sn_bn_backward_small(size_t batch, size_t h, const float *dy, const float *zhat,
                          const float *gamma, const float *inv_std, float *dz,
                          float *dgamma, float *dbeta);

/* Inference form: the running statistics instead of the batch's. */
void sn_bn_forward_infer(size_t batch, size_t h, const float *z,
                         const float *gamma, const float *beta, float eps,
                         const float *run_mean, const float *run_var, float *y);

/*
 * Given DY, the loss gradient at the output, writes DZ (gradient at the
 * input) and adds to DGAMMA and DBETA.  DY and DZ may be the same array.
 */
void sn_bn_backward(size_t batch, size_t h, const float *dy, const float *zhat,
                    const float *gamma, const float *inv_std, float *dz,
                    float *dgamma, float *dbeta);

/* Exponential moving average of the batch statistics. */
void sn_bn_update_running(size_t h, const float *mean, const float *var,
                          float momentum, float *run_mean, float *run_var);

/*
 * Folds the normalization into the preceding affine layer: with
 * s = gamma / sqrt(run_var + EPS), each input row W (H values per row,
 * ROWS rows) becomes W * s and the bias becomes (b - run_mean) * s + beta.
 * H is at most SN_BN_MAX_UNITS.  After this the layer alone computes what layer + normalization did.
 */
void sn_bn_fold(size_t rows, size_t h, float *w, float *b, const float *gamma,
                const float *beta, float eps, const float *run_mean,
                const float *run_var);

#endif
