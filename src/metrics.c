/*
 * metrics.c - how good the predictions were: accuracy, per-label precision,
 * recall and F1, macro-F1, and the confusion matrix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "model.h"

struct sentiment_eval {
    const sentiment_model *model;
    size_t labels;
    unsigned long long *confusion; /* [truth * labels + predicted] */
    unsigned long long total;
};

int sentiment_eval_create(sentiment_eval **out, const sentiment_model *model,
                          sentiment_error *err)
{
    sentiment_eval *e;

    if (out == NULL || model == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no model to evaluate");
    *out = NULL;
    e = sn_calloc(1, sizeof *e);
    if (e == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for evaluation");
    e->model = model;
    e->labels = model->label_count;
    e->confusion = sn_calloc(e->labels * e->labels, sizeof *e->confusion);
    if (e->confusion == NULL) {
        sn_free(e);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for evaluation");
    }
    *out = e;
    return SENTIMENT_OK;
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
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *p = sn_realloc(t->s, cap);
        if (p == NULL) {
            t->failed = 1;
            return;
        }
        t->s = p;
        t->cap = cap;
        va_start(ap, fmt);
        vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
    }
    t->len += (size_t)n;
}

int sentiment_eval_report(const sentiment_eval *e, char **out, sentiment_error *err)
{
    if (e == NULL || out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no evaluation to report");
    return sn_eval_format((const char *const *)e->model->labels, e->labels, e->confusion,
                          out, err);
}

int sn_eval_format(const char *const *labels, size_t L,
                   const unsigned long long *confusion, char **out,
                   sentiment_error *err)
{
    text t = {0};
    size_t width = 5;
    unsigned long long total = 0, right = 0;
    double macro_f1 = 0;

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
    appendf(&t, "\n%-*s %9s %9s %9s %9s\n", (int)width, "label", "precision",
            "recall", "f1", "support");
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
        macro_f1 += f1;
        appendf(&t, "%-*s %9.4f %9.4f %9.4f %9llu\n", (int)width, labels[k], p, r, f1,
                actual);
    }
    appendf(&t, "macro-f1: %.4f\n", L ? macro_f1 / (double)L : 0);
    appendf(&t, "\nconfusion matrix (rows: true label, columns: predicted)\n");
    appendf(&t, "%-*s", (int)width, "");
    for (size_t k = 0; k < L; k++)
        appendf(&t, " %*s", (int)(width > 9 ? width : 9), labels[k]);
    appendf(&t, "\n");
    for (size_t k = 0; k < L; k++) {
        appendf(&t, "%-*s", (int)width, labels[k]);
        for (size_t j = 0; j < L; j++)
            appendf(&t, " %*llu", (int)(width > 9 ? width : 9), confusion[k * L + j]);
        appendf(&t, "\n");
    }
    if (t.failed) {
        sn_free(t.s);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the report");
    }
    *out = t.s;
    return SENTIMENT_OK;
}
