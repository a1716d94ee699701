/*
 * optimizer.h - Adam with lazy updates of the sparse first layer.
 */
#ifndef SENTIMENT_OPTIMIZER_H
#define SENTIMENT_OPTIMIZER_H

#include "network.h"

typedef struct sn_adam {
    sn_pool *pool;         /* threads to share the rows, or NULL */
    float lr, beta1, beta2, epsilon;
    float weight_decay;    /* decoupled (AdamW): w -= lr * weight_decay * w */
    uint64_t step;
    float *m1, *v1;        /* moments of W1, one per weight */
    float *md, *vd;        /* moments of the dense block */
} sn_adam;

int sn_adam_alloc(sn_adam *opt, const sn_network *net, float lr,
                  sentiment_error *err);
void sn_adam_release(sn_adam *opt);

/* Applies G to NET: every dense parameter, and the W1 rows in G only. */
void sn_adam_step(sn_adam *opt, sn_network *net, const sn_gradients *g);

/* Plain stochastic gradient descent with step LR, the same rows, and
 * weight decay DECAY (w -= lr * decay * w). */
void sn_sgd_step(sn_network *net, const sn_gradients *g, float lr, float decay);

#endif
