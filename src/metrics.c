/*
 * metrics.c - how good the predictions were: accuracy, per-label precision,
 * recall and F1, macro-F1, and the confusion matrix; and, when the
 * probabilities are given, how far they can be trusted: log loss and
 * expected calibration error.
 *
 * Only sums are kept, never the predictions themselves, so an evaluation
 * of any size takes the same memory.  The trainer validates each epoch
 * through the same sums (sn_eval_record), so that its validation loss and
 * report are those sentiment-classify --evaluate gives for the same
 * examples, floored alike.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "model.h"

#define SN_ECE_BINS 15

struct sentiment_eval {
    const sentiment_model *model;
    size_t labels;
    unsigned long long *confusion; /* [truth * labels + predicted] */
    unsigned long long total;
    /* Over the predictions recorded with their probabilities: */
    unsigned long long prob_total;
    double log_loss_sum;
    /* Per bin of the top probability: how many fell in it, the sum of their
     * top probabilities and how many of them were right. */
    unsigned long long bin_count[SN_ECE_BINS];
    double bin_confidence[SN_ECE_BINS];
    unsigned long long bin_right[SN_ECE_BINS];
};

int sn_eval_create_labels(sentiment_eval **out, size_t labels, sentiment_error *err)
{
    sentiment_eval *e;

    *out = NULL;
    e = sn_calloc(1, sizeof *e);
    if (e == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for evaluation");
    e->labels = labels;
    e->confusion = sn_calloc(e->labels * e->labels, sizeof *e->confusion);
    if (e->confusion == NULL) {
        sn_free(e);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for evaluation");
    }
    *out = e;
    return SENTIMENT_OK;
}

int sentiment_eval_create(sentiment_eval **out, const sentiment_model *model,
                          sentiment_error *err)
{
    int rc;

    if (out == NULL || model == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no model to evaluate");
    rc = sn_eval_create_labels(out, model->label_count, err);
    if (rc == SENTIMENT_OK)
        (*out)->model = model;
    return rc;
}

void sn_eval_clear(sentiment_eval *e)
{
    size_t labels = e->labels;
    unsigned long long *confusion = e->confusion;
    const sentiment_model *model = e->model;

    memset(confusion, 0, labels * labels * sizeof *confusion);
    memset(e, 0, sizeof *e);
    e->model = model;
    e->labels = labels;
    e->confusion = confusion;
}

const unsigned long long *sn_eval_confusion(const sentiment_eval *e)
{
    return e->confusion;
}

void sentiment_eval_free(sentiment_eval *e)
{
    if (e == NULL)
        return;
    sn_free(e->confusion);
    sn_free(e);
}

int sentiment_eval_add(sentiment_eval *e, size_t truth, size_t predicted,
                       sentiment_error *err)
{
    if (e == NULL || truth >= e->labels || predicted >= e->labels)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "label index out of range");
    e->confusion[truth * e->labels + predicted]++;
    e->total++;
    return SENTIMENT_OK;
}

void sn_eval_record(sentiment_eval *e, size_t truth, const float *probs)
{
    size_t best = 0, bin = 0;
    double p, top;

    /* The first of equal maxima, as sentiment_classify() picks it. */
    for (size_t k = 1; k < e->labels; k++)
        if (probs[k] > probs[best])
            best = k;
    p = probs[truth];
    top = probs[best];
    e->confusion[truth * e->labels + best]++;
    e->total++;
    e->prob_total++;
    /* NaN, from a network that diverged, floors as 0 does. */
    e->log_loss_sum -= log(p > SN_MIN_PROB ? p : SN_MIN_PROB);
    /* Bins [0, 1/15), [1/15, 2/15), ... [14/15, 1]: a top probability of
     * exactly 1 belongs to the last, NaN to the first. */
    if (top > 0)
        bin = top < 1 ? (size_t)(top * SN_ECE_BINS) : SN_ECE_BINS - 1;
    if (bin >= SN_ECE_BINS)
        bin = SN_ECE_BINS - 1;
    e->bin_count[bin]++;
    e->bin_confidence[bin] += top;
    e->bin_right[bin] += best == truth;
}

int sentiment_eval_add_probs(sentiment_eval *e, size_t truth, const float *probs,
                             sentiment_error *err)
{
    size_t best = 0;

    if (e == NULL || probs == NULL || truth >= e->labels)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       probs == NULL ? "no probabilities given" : "label index out of range");
    for (size_t k = 1; k < e->labels; k++)
        if (probs[k] > probs[best])
            best = k;
    if (!(probs[truth] >= 0 && probs[truth] <= 1) ||
        !(probs[best] >= 0 && probs[best] <= 1))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "a probability outside 0 to 1");
    sn_eval_record(e, truth, probs);
    return SENTIMENT_OK;
}

double sentiment_eval_log_loss(const sentiment_eval *e)
{
    if (e == NULL || e->prob_total == 0)
        return -1;
    return e->log_loss_sum / (double)e->prob_total;
}

/* The mean over bins, weighed by their share of predictions, of how far
 * the bin's accuracy is from its mean top probability. */
double sentiment_eval_calibration_error(const sentiment_eval *e)
{
    double ece = 0;

    if (e == NULL || e->prob_total == 0)
        return -1;
    for (size_t b = 0; b < SN_ECE_BINS; b++) {
        double n = (double)e->bin_count[b];
        if (e->bin_count[b] == 0)
            continue;
        ece += n / (double)e->prob_total *
            fabs((double)e->bin_right[b] / n - e->bin_confidence[b] / n);
    }
    return ece;
}

double sentiment_eval_accuracy(const sentiment_eval *e)
{
    unsigned long long right = 0;

    if (e == NULL || e->total == 0)
        return 0;
    for (size_t k = 0; k < e->labels; k++)
        right += e->confusion[k * e->labels + k];
    return (double)right / (double)e->total;
}

/* A growing string; a failed append marks it failed and stops. */
typedef struct text {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void appendf(text *t, const char *fmt, ...) SN_PRINTF(2, 3);

static void appendf(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (t->s == NULL || t->len + (size_t)n + 1 > t->cap) {
        char *p = sn_grow_array(t->s, &t->cap, t->len + (size_t)n + 1, 1, 1024);
        if (p == NULL) {
            t->failed = 1;
            return;
        }
        t->s = p;
        va_start(ap, fmt);
        vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
    }
    t->len += (size_t)n;
}

int sentiment_eval_report(const sentiment_eval *e, char **out, sentiment_error *err)
{
    if (e == NULL || out == NULL || e->model == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no evaluation to report");
    return sn_eval_format_probs((const char *const *)e->model->labels, e->labels,
                                e->confusion, sentiment_eval_log_loss(e),
                                sentiment_eval_calibration_error(e), out, err);
}

int sn_eval_format(const char *const *labels, size_t L,
                   const unsigned long long *confusion, char **out,
                   sentiment_error *err)
{
    return sn_eval_format_probs(labels, L, confusion, -1, -1, out, err);
}

/* Above this many labels the confusion matrix (L x L counts) would bury
 * the report: the most confused pairs are listed instead. */
#define SN_MATRIX_MAX_LABELS 20
#define SN_TOP_PAIRS 20

/* The per-label table; returns macro-F1, the mean F1 over the labels that
 * occur in the truth or in the predictions (as scikit-learn averages): a
 * label the evaluation never met would only pull the mean towards 0. */
static double label_table(text *t, const char *const *labels, size_t L, int width,
                          const unsigned long long *confusion)
{
    double f1_sum = 0;
    size_t present = 0;

    appendf(t, "\n%-*s %9s %9s %9s %9s\n", width, "label", "precision", "recall", "f1",
            "support");
    for (size_t k = 0; k < L; k++) {
        unsigned long long tp = confusion[k * L + k], predicted = 0, actual = 0;
        double p, r, f1;
        for (size_t j = 0; j < L; j++) {
            predicted += confusion[j * L + k];
            actual += confusion[k * L + j];
        }
        p = predicted ? (double)tp / (double)predicted : 0;
        r = actual ? (double)tp / (double)actual : 0;
        f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        if (predicted + actual > 0) {
            f1_sum += f1;
            present++;
        }
        appendf(t, "%-*s %9.4f %9.4f %9.4f %9llu\n", width, labels[k], p, r, f1, actual);
    }
    return present ? f1_sum / (double)present : 0;
}

static void confusion_matrix(text *t, const char *const *labels, size_t L, int width,
                             const unsigned long long *confusion)
{
    int cell = width > 9 ? width : 9;

    appendf(t, "\nconfusion matrix (rows: true label, columns: predicted)\n");
    appendf(t, "%-*s", width, "");
    for (size_t k = 0; k < L; k++)
        appendf(t, " %*s", cell, labels[k]);
    appendf(t, "\n");
    for (size_t k = 0; k < L; k++) {
        appendf(t, "%-*s", width, labels[k]);
        for (size_t j = 0; j < L; j++)
            appendf(t, " %*llu", cell, confusion[k * L + j]);
        appendf(t, "\n");
    }
}

/* The SN_TOP_PAIRS off-diagonal cells with the highest counts, highest
 * first (ties in matrix order), with how many cells were not zero. */
static void confused_pairs(text *t, const char *const *labels, size_t L, int width,
                           const unsigned long long *confusion)
{
    size_t top[SN_TOP_PAIRS], n = 0, nonzero = 0;
    int name = width > 9 ? width : 9; /* "predicted" */

    for (size_t cell = 0; cell < L * L; cell++) {
        size_t i;
        if (cell / L == cell % L || confusion[cell] == 0)
            continue;
        nonzero++;
        if (n == SN_TOP_PAIRS && confusion[cell] <= confusion[top[n - 1]])
            continue;
        /* Insertion into the sorted list; a later cell goes after equals. */
        i = n < SN_TOP_PAIRS ? n++ : n - 1;
        while (i > 0 && confusion[top[i - 1]] < confusion[cell]) {
            top[i] = top[i - 1];
            i--;
        }
        top[i] = cell;
    }
    appendf(t, "\nmost confused pairs: the %zu most frequent of %zu (no matrix above "
            "%d labels)\n", n, nonzero, SN_MATRIX_MAX_LABELS);
    appendf(t, "%-*s %-*s %9s\n", name, "true", name, "predicted", "count");
    for (size_t i = 0; i < n; i++)
        appendf(t, "%-*s %-*s %9llu\n", name, labels[top[i] / L], name,
                labels[top[i] % L], confusion[top[i]]);
}

int sn_eval_format_probs(const char *const *labels, size_t L,
                         const unsigned long long *confusion, double log_loss,
                         double calibration_error, char **out, sentiment_error *err)
{
    text t = {0};
    size_t width = 5;
    unsigned long long total = 0, right = 0;
    double macro_f1;

    *out = NULL;
    for (size_t k = 0; k < L; k++) {
        if (strlen(labels[k]) > width)
            width = strlen(labels[k]);
        right += confusion[k * L + k];
        for (size_t j = 0; j < L; j++)
            total += confusion[k * L + j];
    }

    appendf(&t, "examples: %llu\n", total);
    appendf(&t, "accuracy: %.4f\n", total ? (double)right / (double)total : 0.0);
    macro_f1 = label_table(&t, labels, L, (int)width, confusion);
    appendf(&t, "macro-f1: %.4f\n", macro_f1);
    if (log_loss >= 0)
        appendf(&t, "log-loss: %.4f\n", log_loss);
    if (calibration_error >= 0)
        appendf(&t, "calibration-error: %.4f (expected, %d bins)\n", calibration_error,
                SN_ECE_BINS);
    if (L <= SN_MATRIX_MAX_LABELS)
        confusion_matrix(&t, labels, L, (int)width, confusion);
    else
        confused_pairs(&t, labels, L, (int)width, confusion);
    if (t.failed) {
        sn_free(t.s);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the report");
    }
    *out = t.s;
    return SENTIMENT_OK;
}
