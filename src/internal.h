/*
 * internal.h - helpers shared by the library's files and never installed.
 *
 * Error reporting: every fallible internal function takes the caller's
 * sentiment_error (possibly NULL) and fills it through sn_fail(), which
 * returns the code so that "return sn_fail(err, ...)" reads naturally.
 */
#ifndef SENTIMENT_INTERNAL_H
#define SENTIMENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sentiment.h"

#if defined(__GNUC__)
#  define SN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define SN_PRINTF(f, a)
#endif

int sn_fail(sentiment_error *err, int code, const char *fmt, ...) SN_PRINTF(3, 4);

/* Allocation through these lets the tests make the N-th allocation fail. */
void *sn_malloc(size_t size);
void *sn_calloc(size_t count, size_t size);
void *sn_realloc(void *ptr, size_t size);
/* Array allocation that fails cleanly on size overflow. */
void *sn_malloc_array(size_t count, size_t size);
void *sn_realloc_array(void *ptr, size_t count, size_t size);
void sn_free(void *ptr);

/* Growing arrays, the one way the library does it: the capacity doubles
 * (starting at FIRST) until it holds NEED elements, so that appending one
 * element at a time costs amortized constant time.  sn_grow_capacity()
 * gives that capacity, or 0 when it would overflow; for arrays that grow
 * together.  sn_grow_array() reallocates P, an array of *CAP elements of
 * SIZE bytes, to it and sets *CAP; on failure it returns NULL and P and
 * *CAP stay as they were. */
size_t sn_grow_capacity(size_t cap, size_t need, size_t first);
void *sn_grow_array(void *p, size_t *cap, size_t need, size_t size, size_t first);

/* Test hook: when non-zero, the allocation with this 1-based number fails;
 * allocations are only counted while it is non-zero.  Set both from one
 * thread while no other allocates. */
extern unsigned long sn_alloc_fail_at;
extern unsigned long sn_alloc_count;

/* Test hook: when non-zero, an allocation of more than this many bytes
 * fails, and sn_alloc_refused keeps the largest size refused, so that a
 * test can tell that nothing that large was even asked for. */
extern size_t sn_alloc_limit;
extern size_t sn_alloc_refused;

/* Test hook: when non-zero, sentiment_model_save() kills its own process
 * with SIGKILL once it has written this many bytes of the file, as a crash
 * or a power cut in the middle of a save would. */
extern unsigned long sn_save_kill_after;

/* splitmix64: small, fast, and the same sequence on every machine, so that a
 * seed reproduces training bit for bit. */
static inline uint64_t sn_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double sn_rng_uniform(uint64_t *state)
{
    return (double)(sn_rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n), n > 0; the slight modulo bias does not matter here. */
static inline size_t sn_rng_below(uint64_t *state, size_t n)
{
    return (size_t)(sn_rng_next(state) % n);
}

double sn_rng_normal(uint64_t *state);

/* The least probability a log loss takes, so that one confident mistake
 * costs much but not infinitely much (as in scikit-learn): the training
 * loss (network.c), the trainer's validation loss and
 * sentiment_eval_log_loss() agree, the last two being computed by the same
 * code (metrics.c). */
#define SN_MIN_PROB 1e-15

/* An evaluation of LABELS labels with no model, for the trainer's
 * validation: sentiment_eval_report() refuses it, having no label names
 * (sn_eval_format_probs() takes them). */
int sn_eval_create_labels(sentiment_eval **out, size_t labels, sentiment_error *err);
/* Forgets every prediction recorded. */
void sn_eval_clear(sentiment_eval *e);
/* sentiment_eval_add_probs() without its checks, for probabilities the
 * library computed itself (TRUTH in range); a NaN counts as 0. */
void sn_eval_record(sentiment_eval *e, size_t truth, const float *probs);
/* The counts, labels x labels, truth major. */
const unsigned long long *sn_eval_confusion(const sentiment_eval *e);

/* The evaluation report of sentiment_eval_report() from a confusion matrix
 * (L x L, truth major) and the L label names. */
int sn_eval_format(const char *const *labels, size_t L,
                   const unsigned long long *confusion, char **out,
                   sentiment_error *err);
/* The same with the log loss and the calibration error (left out when
 * negative). */
int sn_eval_format_probs(const char *const *labels, size_t L,
                         const unsigned long long *confusion, double log_loss,
                         double calibration_error, char **out, sentiment_error *err);

/* SENTIMENT_OK when the LEN bytes of LABEL are UTF-8 without control
 * characters, otherwise CODE with what is wrong (reader.c). */
int sn_check_label(const char *label, size_t len, int code, sentiment_error *err);

/* Monotonic seconds, for progress reports. */
double sn_now(void);

#endif
