/*
 * classify-batch.c - batches of reviews, classified on the library's
 * threads while the next batch is read.
 *
 * There are two batches: the main thread reads into one while a thread of
 * the program's classifies the other through sentiment_classify_batch()
 * (which shares it out between the classifier's own threads) and formats
 * its output lines.  The main thread writes a batch out only when it is
 * done, so the output is in input order; memory stays bounded by two
 * batches, however long the input.  The thread is made once; when it
 * cannot be, batches are classified in the main thread, with the same
 * output.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"

/* Fills ERR with CODE and "WHERE:LINE: WHY", or "WHERE: WHY" for line 0;
 * a message too long for ERR is cut. */
static int name_error(sentiment_error *err, int code, const char *where, size_t where_len,
                      unsigned long line, const char *why)
{
    char msg[3 * SENTIMENT_ERROR_MESSAGE_SIZE];
    char why_copy[SENTIMENT_ERROR_MESSAGE_SIZE];
    int n;
    size_t len;

    snprintf(why_copy, sizeof why_copy, "%s", why); /* WHY may be ERR's */
    if (where_len > SENTIMENT_ERROR_MESSAGE_SIZE)
        where_len = SENTIMENT_ERROR_MESSAGE_SIZE;
    if (line > 0)
        n = snprintf(msg, sizeof msg, "%.*s:%lu: %s", (int)where_len, where, line, why_copy);
    else
        n = snprintf(msg, sizeof msg, "%.*s: %s", (int)where_len, where, why_copy);
    len = n < 0 ? 0 : (size_t)n >= sizeof err->message ? sizeof err->message - 1 : (size_t)n;
    memcpy(err->message, msg, len);
    err->message[len] = '\0';
    err->code = code;
    return code;
}

static int out_of_memory(sentiment_error *err)
{
    snprintf(err->message, sizeof err->message, "out of memory");
    err->code = SENTIMENT_ERR_NOMEM;
    return SENTIMENT_ERR_NOMEM;
}

/* ---- classifying (in the classifying thread) ----------------------------- */

/* The message of a failed batch without its "text I of the batch: ": the
 * user knows the file and line, not the index. */
static const char *without_index(const char *message)
{
    const char *p = strstr(message, " of the batch: ");

    return strncmp(message, "text ", 5) == 0 && p != NULL ? p + 15 : message;
}

/* Formats the output lines of the first B->done items; with --explain,
 * explains each first (which may fail, and end the batch there). */
static void format_batch(job *j, batch *b)
{
    b->out.len = 0;
    b->out.failed = 0;
    for (size_t i = 0; i < b->done; i++) {
        const item *it = &b->items[i];
        result r = {b->bytes + it->prefix, it->prefix_len, b->labels[i],
                    b->probs + i * j->labels, j->explained, 0};
        if (j->opt->explain > 0) {
            int rc = sentiment_explain(j->classifier, b->texts[i], b->lens[i], r.label,
                                       j->explained, j->opt->explain, &r.explained_count,
                                       &b->err);
            if (rc != SENTIMENT_OK) {
                b->rc = rc;
                b->done = i;
                return;
            }
        }
        format_result(j->opt, j->model, &r, &b->out);
    }
    if (b->out.failed) {
        b->rc = out_of_memory(&b->err);
        b->done = 0;
    }
}

/* Classifies batch B and, unless evaluating, formats its output lines. */
static void classify_batch(job *j, batch *b)
{
    b->rc = SENTIMENT_OK;
    for (size_t i = 0; i < b->count; i++) {
        b->texts[i] = b->bytes + b->items[i].text;
        b->lens[i] = b->items[i].text_len;
    }
    b->rc = sentiment_classify_batch(j->classifier, b->texts, b->lens, b->count, b->labels,
                                     b->probs, &b->err);
    b->done = b->count;
    if (b->rc != SENTIMENT_OK) {
        char why[SENTIMENT_ERROR_MESSAGE_SIZE];
        snprintf(why, sizeof why, "%s", without_index(b->err.message));
        memcpy(b->err.message, why, sizeof why);
        b->done = 0;
        while (b->done < b->count && b->labels[b->done] != (size_t)-1)
            b->done++;
    }
    if (j->eval == NULL)
        format_batch(j, b);
}

static void *classifying_thread(void *arg)
{
    job *j = arg;

    pthread_mutex_lock(&j->lock);
    for (;;) {
        while (!j->work && !j->quit)
            pthread_cond_wait(&j->wake, &j->lock);
        if (j->quit)
            break;
        pthread_mutex_unlock(&j->lock);
        classify_batch(j, j->flying);
        pthread_mutex_lock(&j->lock);
        j->work = 0;
        pthread_cond_signal(&j->done);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* ---- handing over and writing out (in the main thread) ------------------- */

/* Waits for the batch in flight, writes its output or counts it in the
 * evaluation, then names its failure, if any, by file and line. */
static int finish(job *j, sentiment_error *err)
{
    batch *b = j->flying;
    int rc = SENTIMENT_OK;

    if (b == NULL)
        return SENTIMENT_OK;
    if (j->threaded) {
        pthread_mutex_lock(&j->lock);
        while (j->work)
            pthread_cond_wait(&j->done, &j->lock);
        pthread_mutex_unlock(&j->lock);
    }
    j->flying = NULL;
    if (j->eval != NULL) {
        for (size_t i = 0; i < b->done && rc == SENTIMENT_OK; i++)
            rc = sentiment_eval_add_probs(j->eval, (size_t)b->items[i].truth,
                                          b->probs + i * j->labels, err);
    } else if (fwrite(b->out.s, 1, b->out.len, stdout) != b->out.len) {
        snprintf(err->message, sizeof err->message, "error writing output: %s",
                 strerror(errno));
        rc = err->code = SENTIMENT_ERR_IO;
    }
    if (rc == SENTIMENT_OK && b->rc != SENTIMENT_OK) {
        const item *it = &b->items[b->done];
        if (j->opt->documents)
            rc = name_error(err, b->rc, b->bytes + it->prefix, it->prefix_len, 0,
                            b->err.message);
        else
            rc = name_error(err, b->rc, b->path, strlen(b->path), it->line, b->err.message);
    }
    b->count = 0;
    b->len = 0;
    j->failed = rc != SENTIMENT_OK;
    return rc;
}

/* Hands the batch being filled to the classifying thread, once the one
 * before it is written out, and fills the other. */
static int submit(job *j, sentiment_error *err)
{
    int rc;

    if (j->filling->count == 0)
        return SENTIMENT_OK;
    rc = finish(j, err);
    if (rc != SENTIMENT_OK)
        return rc;
    j->flying = j->filling;
    j->filling = j->filling == &j->batches[0] ? &j->batches[1] : &j->batches[0];
    j->filling->path = j->flying->path;
    if (!j->threaded) {
        classify_batch(j, j->flying);
        return SENTIMENT_OK;
    }
    pthread_mutex_lock(&j->lock);
    j->work = 1;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    return SENTIMENT_OK;
}

int job_flush(job *j, sentiment_error *err)
{
    int rc = submit(j, err);

    if (rc == SENTIMENT_OK)
        rc = finish(j, err);
    return rc;
}

void job_flush_before_error(job *j)
{
    sentiment_error later;

    /* An evaluation prints no report after an error, and after a review
     * that could not be classified or written, what follows it is not
     * written either. */
    if (j->eval != NULL || j->failed)
        return;
    if (job_flush(j, &later) != SENTIMENT_OK)
        cli_library_error(&later);
}

int job_add_bytes(job *j, const char *s, size_t len, size_t *at, sentiment_error *err)
{
    batch *b = j->filling;

    /* Allocated even for nothing, so that offsets always have a base. */
    if (b->bytes == NULL || b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 20;
        while (cap < b->len + len) {
            if (cap > SIZE_MAX / 2)
                return out_of_memory(err);
            cap *= 2;
        }
        char *p = realloc(b->bytes, cap);
        if (p == NULL)
            return out_of_memory(err);
        b->bytes = p;
        b->cap = cap;
    }
    if (len > 0)
        memcpy(b->bytes + b->len, s, len);
    *at = b->len;
    b->len += len;
    return SENTIMENT_OK;
}

int job_push(job *j, const item *it, sentiment_error *err)
{
    batch *b = j->filling;

    b->items[b->count++] = *it;
    if (b->count == j->max || b->len >= BATCH_BYTES)
        return submit(j, err);
    return SENTIMENT_OK;
}

/* ---- setting up ------------------------------------------------------------ */

static int batch_alloc(batch *b, size_t max, size_t labels)
{
    b->items = malloc(max * sizeof *b->items);
    b->texts = malloc(max * sizeof *b->texts);
    b->lens = malloc(max * sizeof *b->lens);
    b->labels = malloc(max * sizeof *b->labels);
    b->probs = malloc(max * labels * sizeof *b->probs);
    return b->items && b->texts && b->lens && b->labels && b->probs ? 0 : -1;
}

static void batch_free(batch *b)
{
    free(b->bytes);
    free(b->items);
    free(b->texts);
    free(b->lens);
    free(b->labels);
    free(b->probs);
    free(b->out.s);
}

int job_start(job *j, const options *opt, const sentiment_model *model,
              sentiment_error *err)
{
    int rc;

    memset(j, 0, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    pthread_cond_init(&j->done, NULL);
    j->opt = opt;
    j->model = model;
    j->labels = sentiment_model_label_count(model);
    j->filling = &j->batches[0];
    /* The probabilities of a batch take label count floats per review:
     * fewer reviews per batch when there are very many labels. */
    j->max = ((size_t)1 << 22) / j->labels;
    j->max = j->max > BATCH_LINES ? BATCH_LINES : j->max < 16 ? 16 : j->max;
    if (batch_alloc(&j->batches[0], j->max, j->labels) < 0 ||
        batch_alloc(&j->batches[1], j->max, j->labels) < 0)
        return out_of_memory(err);
    if (opt->explain > 0 &&
        (j->explained = malloc(opt->explain * sizeof *j->explained)) == NULL)
        return out_of_memory(err);
    rc = sentiment_classifier_create_threads(&j->classifier, model, opt->threads, err);
    if (rc == SENTIMENT_OK && opt->evaluate)
        rc = sentiment_eval_create(&j->eval, model, err);
    if (rc != SENTIMENT_OK)
        return rc;
    j->threaded = pthread_create(&j->thread, NULL, classifying_thread, j) == 0;
    return SENTIMENT_OK;
}

void job_end(job *j)
{
    if (j->threaded) {
        pthread_mutex_lock(&j->lock);
        while (j->work)
            pthread_cond_wait(&j->done, &j->lock);
        j->quit = 1;
        pthread_cond_signal(&j->wake);
        pthread_mutex_unlock(&j->lock);
        pthread_join(j->thread, NULL);
    }
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->wake);
    pthread_cond_destroy(&j->done);
    batch_free(&j->batches[0]);
    batch_free(&j->batches[1]);
    free(j->explained);
    sentiment_classifier_free(j->classifier);
    sentiment_eval_free(j->eval);
}
