/*
 * model.c - a loaded model, its labels, and classifying text with it.
 *
 * A model never changes after it is built, so threads share it freely;
 * everything a classification writes lives in a sentiment_classifier.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "internal.h"
#include "model.h"
#include "options.h"

sentiment_model *sn_model_new(void)
{
    sentiment_model *m = sn_calloc(1, sizeof *m);
    if (m != NULL) {
        sn_tokenizer_settings_default(&m->tokenizer);
        sn_vectorizer_settings_default(&m->vectorizer);
        sn_lexicon_init(&m->lexicon);
    }
    return m;
}

int sn_model_format_version(const sentiment_model *m)
{
    if (m->vectorizer.stem > 0)
        return SN_FORMAT_VERSION_STEM;
    return m->net.w1q != NULL ? SN_FORMAT_VERSION_QUANTIZED : SN_FORMAT_VERSION;
}

int sn_model_set_labels(sentiment_model *m, char *const *labels, size_t count,
                        sentiment_error *err)
{
    m->labels = sn_calloc(count, sizeof *m->labels);
    if (m->labels == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
    m->label_count = count;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(labels[i]);
        m->labels[i] = sn_malloc(n + 1);
        if (m->labels[i] == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for labels");
        memcpy(m->labels[i], labels[i], n + 1);
    }
    return SENTIMENT_OK;
}

void sentiment_model_free(sentiment_model *model)
{
    if (model == NULL)
        return;
    if (model->labels != NULL)
        for (size_t i = 0; i < model->label_count; i++)
            sn_free(model->labels[i]);
    sn_free(model->labels);
    sn_network_release(&model->net);
    sn_lexicon_release(&model->lexicon);
    sn_free(model->scale);
    sn_free(model);
}

size_t sentiment_model_label_count(const sentiment_model *model)
{
    return model ? model->label_count : 0;
}

const char *sentiment_model_label(const sentiment_model *model, size_t index)
{
    if (model == NULL || index >= model->label_count)
        return NULL;
    return model->labels[index];
}

long sentiment_model_find_label(const sentiment_model *model, const char *label,
                                size_t len)
{
    if (model == NULL || label == NULL)
        return -1;
    for (size_t i = 0; i < model->label_count; i++)
        if (strlen(model->labels[i]) == len && memcmp(model->labels[i], label, len) == 0)
            return (long)i;
    return -1;
}

void sn_model_settings(const sentiment_model *model, sn_settings *s)
{
    char shortest[32];

    memset(s, 0, sizeof *s);
    s->tokenizer = model->tokenizer;
    s->vectorizer = model->vectorizer;
    s->hidden = model->net.hidden;
    s->batchnorm = model->trained_with_batchnorm;
    s->nb_scaling = model->scale != NULL;
    s->quantize = model->net.quant_bits;
    /* The epsilon is a float in the model: its shortest decimal form, as it
     * was given ("0.1", not 0.10000000149...). */
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(shortest, sizeof shortest, "%.*g", digits, (double)model->net.bn_epsilon);
        if ((float)strtod(shortest, NULL) == model->net.bn_epsilon)
            break;
    }
    s->bn_epsilon = strtod(shortest, NULL);
}

int sentiment_model_get(const sentiment_model *model, const char *name, char *buf,
                        size_t size, sentiment_error *err)
{
    const sentiment_option *o;
    sn_settings s;
    char value[64];

    if (model == NULL || name == NULL || buf == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no model, name or buffer");
    o = sentiment_option_by_name(name);
    if (o != NULL && (o->flags & SENTIMENT_OPTION_IN_MODEL)) {
        sn_model_settings(model, &s);
        return sn_settings_get(&s, o, buf, size, err);
    }
    /* Not options: what the model file says of itself. */
    if (strcmp(name, "format-version") == 0)
        snprintf(value, sizeof value, "%d", sn_model_format_version(model));
    else if (strcmp(name, "tokenizer-rules") == 0)
        snprintf(value, sizeof value, "%u", (unsigned)model->tokenizer.rules);
    else if (strcmp(name, "labels") == 0)
        snprintf(value, sizeof value, "%zu", model->label_count);
    else
        return sn_fail(err, SENTIMENT_ERR_INVALID, "unknown model setting '%s'", name);
    return sn_copy_value(name, value, buf, size, err);
}

int sentiment_classifier_create(sentiment_classifier **out,
                                const sentiment_model *model, sentiment_error *err)
{
    sentiment_classifier *c;
    int rc;

    if (out == NULL || model == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no model given to the classifier");
    *out = NULL;
    c = sn_calloc(1, sizeof *c);
    if (c == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a classifier");
    c->model = model;
    sn_tokenizer_init(&c->tokenizer);
    sn_features_init(&c->features);
    rc = sn_workspace_alloc(&c->workspace, &model->net, 1, err);
    if (rc != SENTIMENT_OK) {
        sn_free(c);
        return rc;
    }
    c->probs = sn_malloc_array(model->label_count, sizeof *c->probs);
    if (c->probs == NULL) {
        sentiment_classifier_free(c);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a classifier");
    }
    *out = c;
    return SENTIMENT_OK;
}

int sentiment_classifier_create_threads(sentiment_classifier **out,
                                        const sentiment_model *model, unsigned threads,
                                        sentiment_error *err)
{
    sentiment_classifier *c;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (threads > SN_MAX_THREADS)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "%u threads: at most %d", threads,
                       SN_MAX_THREADS);
    rc = sentiment_classifier_create(out, model, err);
    if (rc != SENTIMENT_OK || (threads == 0 ? sn_core_count() : threads) == 1)
        return rc;
    c = *out;
    *out = NULL;
    rc = sn_pool_create(&c->pool, threads == 0 ? sn_core_count() : threads, err);
    if (rc == SENTIMENT_OK) {
        c->helpers = sn_calloc(sn_pool_size(c->pool) - 1, sizeof *c->helpers);
        c->slots = sn_calloc(sn_pool_size(c->pool), sizeof *c->slots);
        if (c->helpers == NULL || c->slots == NULL)
            rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a classifier");
    }
    for (unsigned t = 0; rc == SENTIMENT_OK && t + 1 < sn_pool_size(c->pool); t++)
        rc = sentiment_classifier_create(&c->helpers[t], model, err);
    if (rc != SENTIMENT_OK) {
        sentiment_classifier_free(c);
        return rc;
    }
    *out = c;
    return SENTIMENT_OK;
}

unsigned sentiment_classifier_threads(const sentiment_classifier *c)
{
    return c == NULL ? 0 : c->pool != NULL ? sn_pool_size(c->pool) : 1;
}

void sentiment_classifier_free(sentiment_classifier *c)
{
    if (c == NULL)
        return;
    if (c->helpers != NULL)
        for (unsigned t = 0; t + 1 < sn_pool_size(c->pool); t++)
            sentiment_classifier_free(c->helpers[t]);
    sn_free(c->helpers);
    sn_free(c->slots);
    sn_pool_free(c->pool);
    sn_tokenizer_release(&c->tokenizer);
    sn_features_release(&c->features);
    sn_workspace_release(&c->workspace);
    sn_explainer_free(c->explainer);
    sn_free(c->probs);
    sn_free(c);
}

int sentiment_classify(sentiment_classifier *c, const char *text, size_t len,
                       size_t *label, float *probs, sentiment_error *err)
{
    const sentiment_model *m;
    sn_sparse x;
    size_t best = 0;
    int rc;

    if (c == NULL || (text == NULL && len > 0))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no classifier or no text");
    m = c->model;
    rc = sn_tokenize(&c->tokenizer, &m->tokenizer, &m->lexicon, text ? text : "", len,
                     err);
    if (rc != SENTIMENT_OK)
        return rc;
    rc = sn_vectorize_scaled(&m->vectorizer, m->scale, &c->tokenizer, &c->features,
                             err);
    if (rc != SENTIMENT_OK)
        return rc;
    x.index = c->features.index;
    x.value = c->features.value;
    x.count = c->features.count;
    sn_network_predict(&m->net, &c->workspace, &x, 1, c->probs);
    for (size_t k = 1; k < m->label_count; k++)
        if (c->probs[k] > c->probs[best])
            best = k;
    if (label != NULL)
        *label = best;
    if (probs != NULL)
        memcpy(probs, c->probs, m->label_count * sizeof *probs);
    return SENTIMENT_OK;
}

/* Texts a thread takes at a time: reviews differ in length a hundredfold,
 * so shares of equal counts would leave threads waiting for the one with
 * the long ones; small takes keep them all busy to the end. */
#define TAKE 8

typedef struct batch_job {
    sentiment_classifier *c;
    const char *const *texts;
    const size_t *lens;
    size_t count;
    size_t *labels;
    float *probs;
    atomic_size_t next;         /* the first text no thread has taken */
    sn_batch_slot *slots;       /* a thread's first failure */
} batch_job;

/* Classifies texts, TAKE at a time, until none is left or one fails.
 * Which thread classifies a text does not change its result. */
static void batch_share(void *arg, unsigned tid, unsigned nthreads)
{
    batch_job *job = arg;
    sentiment_classifier *c = tid == 0 ? job->c : job->c->helpers[tid - 1];
    const size_t L = c->model->label_count;

    sn_batch_slot *slot = &job->slots[tid];

    (void)nthreads;
    slot->rc = SENTIMENT_OK;
    for (;;) {
        size_t from = atomic_fetch_add(&job->next, TAKE);
        for (size_t i = from; i < from + TAKE && i < job->count; i++) {
            int rc = sentiment_classify(c, job->texts[i], job->lens[i],
                                        job->labels ? &job->labels[i] : NULL,
                                        job->probs ? job->probs + i * L : NULL,
                                        &slot->err);
            if (rc != SENTIMENT_OK) {
                slot->failed = i;
                slot->rc = rc;
                return;
            }
        }
        if (from + TAKE >= job->count)
            return;
    }
}

/* The failure of lowest index, if any: texts are taken in increasing
 * order, so every text before it has been classified. */
static int batch_result(const batch_job *job, unsigned nthreads, sentiment_error *err)
{
    const sn_batch_slot *first = NULL;
    char why[SENTIMENT_ERROR_MESSAGE_SIZE];

    for (unsigned t = 0; t < nthreads; t++)
        if (job->slots[t].rc != SENTIMENT_OK &&
            (first == NULL || job->slots[t].failed < first->failed))
            first = &job->slots[t];
    if (first == NULL)
        return SENTIMENT_OK;
    /* Marks what was not classified, so the caller can tell which text
     * failed. */
    if (job->labels != NULL)
        for (size_t j = first->failed; j < job->count; j++)
            job->labels[j] = (size_t)-1;
    memcpy(why, first->err.message, sizeof why);
    why[sizeof why - 1] = '\0';
    return sn_fail(err, first->rc, "text %zu of the batch: %s", first->failed, why);
}

/* Each text as a call of its own would classify it, so a batch gives
 * exactly the bits of single calls, with any number of threads. */
int sentiment_classify_batch(sentiment_classifier *c, const char *const *texts,
                             const size_t *lens, size_t count, size_t *labels,
                             float *probs, sentiment_error *err)
{
    sn_batch_slot alone;
    batch_job job;

    if (c == NULL || (count > 0 && (texts == NULL || lens == NULL)))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no classifier or no texts");
    job.c = c;
    job.texts = texts;
    job.lens = lens;
    job.count = count;
    job.labels = labels;
    job.probs = probs;
    atomic_init(&job.next, 0);
    /* Threads cost a wake-up each: a text or two are done here. */
    if (c->pool != NULL && count > 1) {
        job.slots = c->slots;
        sn_pool_run(c->pool, batch_share, &job);
        return batch_result(&job, sn_pool_size(c->pool), err);
    }
    job.slots = &alone;
    batch_share(&job, 0, 1);
    return batch_result(&job, 1, err);
}
