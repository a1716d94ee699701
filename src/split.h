/*
 * split.h - which examples a training run learns from and which it holds
 * out to pick the best epoch with.
 */
#ifndef SENTIMENT_SPLIT_H
#define SENTIMENT_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Puts the N items of A in an order drawn from RNG (Fisher-Yates). */
void sn_shuffle(size_t *a, size_t n, uint64_t *rng);

/* Refuses examples given for validation whose label no training example
 * has, naming the first such label of SORTED; REMAP gives the sorted index
 * of each label of S (sn_store_sorted_labels). */
int sn_split_check_given(const sn_store *s, char *const *sorted, const uint32_t *remap,
                         sentiment_error *err);

/* Holds out SHARE of the COUNT examples of ORDER, label by label, example e
 * having label LABELS[e] of L: ORDER is rearranged to hold the training
 * examples first, in their order, then the validation ones; *N_VALID gets
 * how many those are.  Fails on memory only. */
int sn_split_hold_out(size_t *order, const uint32_t *labels, size_t count, size_t L,
                      double share, size_t *n_valid, sentiment_error *err);

#endif
