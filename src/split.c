/*
 * split.c - the validation share: which examples train and which are held
 * out to pick the best epoch with.
 *
 * Examples given for validation are all held out, and every label they
 * name must also have training examples.  Otherwise a share of each label
 * is held out (a stratified split), so that the validation examples have
 * the labels in the proportions of the corpus however few of them a label
 * has; the seed decides which examples, through the shuffle that comes
 * first.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "split.h"

void sn_shuffle(size_t *a, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = sn_rng_below(rng, i);
        size_t tmp = a[i - 1];
        a[i - 1] = a[j];
        a[j] = tmp;
    }
}

/* Given validation examples may name a label that no training example
 * has: the network would have an output it is never shown an example of,
 * and those validation examples could only be wrong.  A typo ("Neg" for
 * "neg") is the usual cause, so training refuses, naming the first such
 * label in sorted order. */
int sn_split_check_given(const sn_store *s, char *const *sorted, const uint32_t *remap,
                         sentiment_error *err)
{
    size_t *trained = sn_calloc(s->labels.count, sizeof *trained);
    size_t missing = 0, first = 0;

    if (trained == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
    for (size_t i = 0; i < s->count; i++)
        if (!s->held_out[i])
            trained[remap[s->label[i]]]++;
    for (size_t k = s->labels.count; k-- > 0;) {
        if (trained[k] == 0) {
            missing++;
            first = k;
        }
    }
    sn_free(trained);
    if (missing == 0)
        return SENTIMENT_OK;
    if (missing == 1)
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "label '%s' has validation examples but no training example",
                       sorted[first]);
    return sn_fail(err, SENTIMENT_ERR_DATA,
                   "label '%s' and %zu more have validation examples but no training "
                   "example", sorted[first], missing - 1);
}

typedef struct share_rest {
    double frac;
    size_t label;
} share_rest;

/* Larger remainders first; the lower label on a draw, for determinism. */
static int cmp_remainders(const void *a, const void *b)
{
    const share_rest *x = a, *y = b;

    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->label < y->label ? -1 : x->label > y->label;
}

/* How many examples of each label to hold out: label k with n[k] examples
 * gives floor(share * n[k]), never all of them (a label seen once stays in
 * training), and the examples still short of floor(share * count) overall
 * go one each to the labels with the largest remainders, as seats go in a
 * largest-remainder vote.  QUOTA gets L counts; returns the sum, or
 * (size_t)-1 when out of memory. */
static size_t validation_quotas(const size_t *n, size_t L, size_t count, double share,
                                size_t *quota)
{
    size_t total = (size_t)(share * (double)count), given = 0, r = 0;
    share_rest *rest = sn_malloc_array(L, sizeof *rest);

    if (rest == NULL)
        return (size_t)-1;
    for (size_t k = 0; k < L; k++) {
        double want = share * (double)n[k];
        quota[k] = (size_t)want;
        if (quota[k] >= n[k])
            quota[k] = n[k] ? n[k] - 1 : 0;
        given += quota[k];
        if (quota[k] + 1 < n[k]) {
            rest[r].frac = want - (double)quota[k];
            rest[r++].label = k;
        }
    }
    qsort(rest, r, sizeof *rest, cmp_remainders);
    for (size_t i = 0; i < r && given < total; i++, given++)
        quota[rest[i].label]++;
    sn_free(rest);
    return given;
}

/* Of each label, the examples held out are its first ones in ORDER, which
 * is shuffled, so the seed decides which. */
int sn_split_hold_out(size_t *order, const uint32_t *labels, size_t count, size_t L,
                      double share, size_t *n_valid, sentiment_error *err)
{
    size_t *n = sn_calloc(L, sizeof *n), *quota = sn_calloc(L, sizeof *quota);
    size_t *held = NULL, total = 0, a = 0, v = 0;
    int rc = SENTIMENT_OK;

    if (n != NULL && quota != NULL) {
        for (size_t i = 0; i < count; i++)
            n[labels[i]]++;
        total = validation_quotas(n, L, count, share, quota);
        if (total != (size_t)-1)
            held = sn_malloc_array(total ? total : 1, sizeof *held);
    }
    if (held == NULL) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the validation share");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        size_t e = order[i];
        if (quota[labels[e]] > 0) {
            quota[labels[e]]--;
            held[v++] = e;
        } else {
            order[a++] = e;
        }
    }
    if (v > 0)
        memcpy(order + a, held, v * sizeof *held);
    *n_valid = v;
out:
    sn_free(n);
    sn_free(quota);
    sn_free(held);
    return rc;
}
