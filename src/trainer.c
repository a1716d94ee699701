/*
 * trainer.c - from labeled texts to a model: the public trainer object,
 * its options (the table of options.c), and training as a sequence of
 * steps.
 *
 * The trainer keeps its examples as raw text (store.c) until training
 * starts, so that every option may be set in any order before and after
 * adding them.  sentiment_trainer_train() then reads as what it does: sort
 * the labels, split the examples into training and validation (split.c),
 * build the sparse matrix of their features (dataset.c), start a network,
 * and for each epoch run mini-batch Adam over the training examples,
 * validate through the library's own evaluation code (metrics.c) and keep
 * the weights with the lowest validation loss; finally the kept network is
 * assembled into a model (assemble.c).  Every step takes the run's state,
 * which is released in one place whichever step fails.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "options.h"
#include "assemble.h"
#include "batchnorm.h"
#include "dataset.h"
#include "finetune.h"
#include "optimizer.h"
#include "pool.h"
#include "split.h"
#include "store.h"

struct sentiment_trainer {
    sn_settings opt;        /* every option (options.c) */
    sn_store store;         /* the examples and their labels */

    /* after a successful training with validation examples: their
     * evaluation with the weights kept, and the label names it uses */
    sentiment_eval *report;
    char **report_labels;
    size_t report_label_count;

    sentiment_progress_fn progress;
    void *user;

    /* the model fine-tuned (sentiment_trainer_create_from), which the
     * caller keeps alive, or NULL */
    const sentiment_model *base;
};

int sentiment_trainer_create(sentiment_trainer **out, sentiment_error *err)
{
    sentiment_trainer *t;

    if (out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no place to put the trainer");
    *out = NULL;
    t = sn_calloc(1, sizeof *t);
    if (t == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a trainer");
    if (sn_store_init(&t->store, err) != SENTIMENT_OK ||
        sn_settings_init(&t->opt, err) != SENTIMENT_OK) {
        sentiment_trainer_free(t);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a trainer");
    }
    *out = t;
    return SENTIMENT_OK;
}

int sentiment_trainer_create_from(sentiment_trainer **out, const sentiment_model *model,
                                  sentiment_error *err)
{
    int rc;

    if (out == NULL || model == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no place to put the trainer, or no model");
    if ((rc = sentiment_trainer_create(out, err)) != SENTIMENT_OK)
        return rc;
    if ((rc = sn_finetune_settings(&(*out)->opt, model, err)) != SENTIMENT_OK) {
        sentiment_trainer_free(*out);
        *out = NULL;
        return rc;
    }
    (*out)->base = model;
    return SENTIMENT_OK;
}

void sentiment_trainer_free(sentiment_trainer *t)
{
    if (t == NULL)
        return;
    sn_store_release(&t->store);
    sentiment_eval_free(t->report);
    sn_free(t->report_labels);
    sn_settings_release(&t->opt);
    sn_free(t);
}

void sentiment_trainer_set_progress(sentiment_trainer *t, sentiment_progress_fn fn,
                                    void *user)
{
    if (t != NULL) {
        t->progress = fn;
        t->user = user;
    }
}

size_t sentiment_trainer_example_count(const sentiment_trainer *t)
{
    return t ? t->store.count : 0;
}

/* ---- options: the table of options.c does the work ---------------------- */

int sentiment_trainer_set(sentiment_trainer *t, const char *name, const char *value,
                          sentiment_error *err)
{
    if (t == NULL || name == NULL || value == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer, option or value");
    if (t->base != NULL) {
        int rc = sn_finetune_check_option(&t->opt, name, value, err);
        if (rc != SENTIMENT_OK)
            return rc;
    }
    return sn_settings_set(&t->opt, name, value, err);
}

int sentiment_trainer_get(const sentiment_trainer *t, const char *name, char *buf,
                          size_t size, sentiment_error *err)
{
    const sentiment_option *o;

    if (t == NULL || name == NULL || buf == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer, option or buffer");
    if ((o = sentiment_option_by_name(name)) == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "unknown training option '%s'", name);
    return sn_settings_get(&t->opt, o, buf, size, err);
}

/* ---- examples (store.c) ------------------------------------------------ */

int sentiment_trainer_add(sentiment_trainer *t, const char *label, size_t label_len,
                          const char *text, size_t text_len, sentiment_error *err)
{
    if (t == NULL || label == NULL || (text == NULL && text_len > 0))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer, label or text");
    return sn_store_add(&t->store, label, label_len, text, text_len, 0, err);
}

int sentiment_trainer_add_validation(sentiment_trainer *t, const char *label,
                                     size_t label_len, const char *text,
                                     size_t text_len, sentiment_error *err)
{
    if (t == NULL || label == NULL || (text == NULL && text_len > 0))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer, label or text");
    return sn_store_add(&t->store, label, label_len, text, text_len, 1, err);
}

int sentiment_trainer_add_file(sentiment_trainer *t, const char *path,
                               sentiment_error *err)
{
    if (t == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer");
    return sn_store_add_file(&t->store, path, 0, t->opt.skip_bad_lines, err);
}

int sentiment_trainer_add_validation_file(sentiment_trainer *t, const char *path,
                                          sentiment_error *err)
{
    if (t == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer");
    return sn_store_add_file(&t->store, path, 1, t->opt.skip_bad_lines, err);
}

size_t sentiment_trainer_label_count(const sentiment_trainer *t)
{
    return t ? t->store.labels.count : 0;
}

const char *sentiment_trainer_label(const sentiment_trainer *t, size_t index)
{
    return t != NULL && index < t->store.labels.count ? t->store.labels.string[index] : NULL;
}

size_t sentiment_trainer_label_examples(const sentiment_trainer *t, size_t index)
{
    return t != NULL && index < t->store.labels.count ? t->store.label_examples[index] : 0;
}

size_t sentiment_trainer_skipped_lines(const sentiment_trainer *t)
{
    return t ? t->store.skipped : 0;
}

const char *sentiment_trainer_first_skipped_line(const sentiment_trainer *t)
{
    return t ? t->store.first_skipped : NULL;
}

/* ---- training ---------------------------------------------------------- */

/* A training run: what each step leaves for the next, all released in one
 * place (run_release) whichever step fails. */
typedef struct run {
    uint64_t rng;           /* the one random sequence, from the seed */
    double start;           /* sn_now() when training started */
    sentiment_progress progress;

    /* sort_labels */
    char **sorted;          /* label names in the model's order (the store's,
                             * or the model fine-tuned's) */
    uint32_t *remap;        /* per label of the store: its index in SORTED */
    size_t nlabels;         /* of SORTED: the network's outputs */
    /* split */
    size_t *order;          /* training examples first, then validation */
    uint32_t *labels;       /* per example, in sorted-label numbering */
    size_t n_train, n_valid;
    /* build_dataset */
    sn_pool *pool;
    sn_dataset data;
    float *scale;           /* per bucket, or NULL */
    unsigned char *seen;    /* per bucket: occurs in a training example */
    /* init_network */
    sn_network net, best;
    sn_gradients grad;
    sn_workspace ws;
    sn_adam adam;
    sn_sparse *batch;       /* ws.batch_cap rows, and their labels */
    uint32_t *batch_labels;
    float *probs;           /* ws.batch_cap x labels, for validation */
    sentiment_eval *eval, *best_eval;   /* the epoch just validated; the best */
    size_t nbatches;        /* per epoch */
} run;

static void run_release(run *r)
{
    sn_free(r->sorted);
    sn_free(r->remap);
    sn_free(r->order);
    sn_free(r->labels);
    sn_pool_free(r->pool);
    sn_dataset_release(&r->data);
    sn_free(r->scale);
    sn_free(r->seen);
    sn_network_release(&r->net);
    sn_network_release(&r->best);
    sn_gradients_release(&r->grad);
    sn_workspace_release(&r->ws);
    sn_adam_release(&r->adam);
    sn_free(r->batch);
    sn_free(r->batch_labels);
    sn_free(r->probs);
    sentiment_eval_free(r->eval);
    sentiment_eval_free(r->best_eval);
}

/* Calls the progress function, if any, with the run's progress; a nonzero
 * answer cancels training. */
static int report_progress(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    if (t->progress && t->progress(&r->progress, t->user))
        return sn_fail(err, SENTIMENT_ERR_CANCELLED, "training cancelled");
    return SENTIMENT_OK;
}

/* The labels in sorted order: a model does not depend on corpus order.
 * A model fine-tuned keeps its own labels, in its order. */
static int sort_labels(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    if (t->base != NULL) {
        r->nlabels = t->base->label_count;
        return sn_finetune_labels(&t->store, t->base, &r->sorted, &r->remap, err);
    }
    r->nlabels = t->store.labels.count;
    return sn_store_sorted_labels(&t->store, &r->sorted, &r->remap, err);
}

/* Given validation examples are all held out; otherwise a random share of
 * each label is, drawn once the examples are shuffled.  Leaves the
 * training examples first in r->order, then the validation ones. */
static int split(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    const sn_store *s = &t->store;
    size_t a = 0, b;
    int rc;

    r->n_valid = s->held_out_count;
    if (r->n_valid >= s->count)
        return sn_fail(err, SENTIMENT_ERR_DATA, "no training examples, only validation ones");
    if (r->n_valid > 0 &&
        (rc = sn_split_check_given(s, r->sorted, r->remap, err)) != SENTIMENT_OK)
        return rc;
    r->n_train = s->count - r->n_valid;
    r->order = sn_malloc_array(s->count, sizeof *r->order);
    r->labels = sn_malloc_array(s->count, sizeof *r->labels);
    if (r->order == NULL || r->labels == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for training");
    b = r->n_train;
    for (size_t i = 0; i < s->count; i++) {
        if (s->held_out[i])
            r->order[b++] = i;
        else
            r->order[a++] = i;
        r->labels[i] = r->remap[s->label[i]];
    }
    sn_shuffle(r->order, s->held_out_count > 0 ? r->n_train : s->count, &r->rng);
    if (s->held_out_count > 0)
        return SENTIMENT_OK;
    rc = sn_split_hold_out(r->order, r->labels, s->count, r->nlabels,
                           t->opt.validation, &r->n_valid, err);
    r->n_train = s->count - r->n_valid;
    return rc;
}

/* The thread pool, of the size asked or of one thread per core. */
static int start_threads(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    unsigned n = t->opt.threads;

    if (n == 0)
        n = sn_core_count();
    return sn_pool_create(&r->pool, n, err);
}

/* Every example as the vector the network reads: features, then their
 * naive Bayes scales from the training examples (or those of the model
 * fine-tuned), then scaled rows; and which buckets the training examples
 * reach, or the model holds. */
static int build_dataset(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    const sn_store *s = &t->store;
    const size_t buckets = (size_t)1 << t->opt.vectorizer.bucket_bits;
    int rc;

    rc = sn_dataset_featurize(&r->data, s, &t->opt.tokenizer, &t->opt.lexicon,
                              &t->opt.vectorizer, r->pool, err);
    if (rc != SENTIMENT_OK)
        return rc;
    if (t->base != NULL) {
        int failed;
        r->scale = sn_finetune_scales(t->base, buckets, &failed);
        if (failed)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for feature scales");
    } else if (t->opt.nb_scaling) {
        r->scale = sn_dataset_nb_scale(&r->data, r->order, r->n_train, r->labels,
                                       r->nlabels, buckets);
        if (r->scale == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for feature scales");
    }
    sn_dataset_finish(&r->data, s->count, r->scale, t->opt.vectorizer.normalize != 0);
    r->seen = sn_calloc(buckets, 1);
    if (r->seen == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for training");
    sn_dataset_mark_seen(&r->data, r->order, r->n_train, r->seen);
    if (t->base != NULL)
        sn_finetune_mark_rows(t->base, r->seen);
    return SENTIMENT_OK;
}

/* The network with its start, random or the model fine-tuned, what
 * training it takes, and room for a batch. */
static int init_network(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    const size_t L = r->nlabels;
    size_t cap = 2 * (size_t)t->opt.batch_size;
    int rc;

    if (cap < 256)
        cap = 256;
    if ((rc = sn_network_alloc(&r->net, UINT32_C(1) << t->opt.vectorizer.bucket_bits,
                               t->opt.hidden, (uint32_t)L, t->opt.batchnorm, err)) ||
        (rc = sn_network_alloc(&r->best, r->net.inputs, r->net.hidden, r->net.outputs,
                               t->opt.batchnorm, err)) ||
        (rc = sn_gradients_alloc(&r->grad, &r->net, err)) ||
        (rc = sn_workspace_alloc(&r->ws, &r->net, cap, err)) ||
        (rc = sn_adam_alloc(&r->adam, &r->net, (float)t->opt.learning_rate, err)) ||
        (rc = sn_eval_create_labels(&r->eval, L, err)) ||
        (rc = sn_eval_create_labels(&r->best_eval, L, err)))
        return rc;
    r->batch = sn_malloc_array(cap, sizeof *r->batch);
    r->batch_labels = sn_malloc_array(cap, sizeof *r->batch_labels);
    r->probs = sn_malloc_array(cap, L * sizeof *r->probs);
    if (r->batch == NULL || r->batch_labels == NULL || r->probs == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for training");
    r->ws.pool = r->adam.pool = r->pool;
    r->adam.weight_decay = (float)t->opt.weight_decay;
    r->ws.dropout = (float)t->opt.dropout;
    r->net.bn_epsilon = r->best.bn_epsilon = (float)t->opt.bn_epsilon;
    if (t->base != NULL)
        sn_finetune_start(&r->net, t->base, &r->ws, r->batch, &r->data, r->order,
                          r->n_train);
    else
        sn_network_randomize(&r->net, &r->rng, (float)t->opt.init_scale);
    return SENTIMENT_OK;
}

/* One optimizer step on batch K of EPOCH: training examples
 * r->order[FROM .. TO); its mean loss in *LOSS. */
static int train_batch(const sentiment_trainer *t, run *r, unsigned epoch, size_t k,
                       size_t from, size_t to, double *loss, sentiment_error *err)
{
    double lr = t->opt.learning_rate;
    int rc;

    for (size_t b = from; b < to; b++) {
        r->batch[b - from] = sn_dataset_row(&r->data, r->order[b]);
        r->batch_labels[b - from] = r->labels[r->order[b]];
    }
    r->ws.rng = &r->rng; /* dropout masks, in training steps only */
    rc = sn_network_gradient(&r->net, &r->ws, r->batch, r->batch_labels, to - from,
                             &r->grad, loss, err);
    r->ws.rng = NULL;
    if (rc != SENTIMENT_OK)
        return rc;
    /* The linear schedule goes from the full rate at the first step to
     * nearly nothing at the last step planned. */
    if (t->opt.linear_decay)
        lr *= 1 - ((double)(epoch - 1) * (double)r->nbatches + (double)k) /
            ((double)t->opt.epochs * (double)r->nbatches);
    r->adam.lr = (float)lr;
    if (t->opt.sgd)
        sn_sgd_step(&r->net, &r->grad, (float)lr, (float)t->opt.weight_decay);
    else
        sn_adam_step(&r->adam, &r->net, &r->grad);
    if (r->net.batchnorm)
        sn_bn_update_running(r->net.hidden, r->ws.mean, r->ws.var, 0.1f,
                             r->net.run_mean, r->net.run_var);
    return SENTIMENT_OK;
}

/* One pass over the training examples, in a new order; their mean loss in
 * *LOSS.  About 50 progress reports along the way. */
static int run_epoch(const sentiment_trainer *t, run *r, unsigned epoch, double *loss,
                     sentiment_error *err)
{
    const size_t n = r->n_train, nbatches = r->nbatches;
    const size_t report_every = nbatches / 50 + 1;
    double loss_sum = 0;

    sn_shuffle(r->order, n, &r->rng);
    for (size_t k = 0; k < nbatches; k++) {
        double batch_loss;
        int rc;
        if (t->progress && k % report_every == 0 && k > 0) {
            r->progress.stage = SENTIMENT_STAGE_BATCH;
            r->progress.epoch = epoch;
            r->progress.epoch_fraction = (double)k / (double)nbatches;
            r->progress.loss = loss_sum / (double)k;
            r->progress.elapsed = sn_now() - r->start;
            if ((rc = report_progress(t, r, err)) != SENTIMENT_OK)
                return rc;
        }
        rc = train_batch(t, r, epoch, k, k * n / nbatches, (k + 1) * n / nbatches,
                         &batch_loss, err);
        if (rc != SENTIMENT_OK)
            return rc;
        loss_sum += batch_loss;
    }
    *loss = loss_sum / (double)nbatches;
    return SENTIMENT_OK;
}

/* Accuracy on the validation examples, and their mean log loss in *LOSS
 * (-1 for both when there are none), as sentiment_eval computes them: the
 * examples are recorded into r->eval, cleared first. */
static double validate(run *r, double *loss)
{
    const size_t from = r->n_train, to = r->n_train + r->n_valid;
    const size_t c = r->net.outputs;

    sn_eval_clear(r->eval);
    *loss = -1;
    if (r->n_valid == 0)
        return -1;
    for (size_t i = from; i < to; i += r->ws.batch_cap) {
        size_t n = to - i < r->ws.batch_cap ? to - i : r->ws.batch_cap;
        for (size_t b = 0; b < n; b++)
            r->batch[b] = sn_dataset_row(&r->data, r->order[i + b]);
        sn_network_predict(&r->net, &r->ws, r->batch, n, r->probs);
        for (size_t b = 0; b < n; b++)
            sn_eval_record(r->eval, r->labels[r->order[i + b]], r->probs + b * c);
    }
    *loss = sentiment_eval_log_loss(r->eval);
    return sentiment_eval_accuracy(r->eval);
}

/* The weights and the validation of this epoch become the best. */
static void keep_best(run *r)
{
    sentiment_eval *e = r->best_eval;

    sn_network_copy(&r->best, &r->net);
    r->best_eval = r->eval;
    r->eval = e;
}

/* The epochs, each validated; the weights of the one with the lowest
 * validation loss are kept in r->best, those of the last one when there is
 * no validation example. */
static int run_epochs(const sentiment_trainer *t, run *r, sentiment_error *err)
{
    sentiment_progress *p = &r->progress;
    double best_loss = 0;

    /* Batches of nearly equal size, none smaller than batch_size unless the
     * data is: a tiny last batch would give batch normalization nothing to
     * normalize with. */
    r->nbatches = r->n_train / t->opt.batch_size;
    if (r->nbatches == 0)
        r->nbatches = 1;
    p->stage = SENTIMENT_STAGE_EPOCH;
    p->train_examples = r->n_train;
    p->valid_examples = r->n_valid;
    for (unsigned epoch = 1, stale = 0; epoch <= t->opt.epochs; epoch++) {
        double loss;
        int rc = run_epoch(t, r, epoch, &loss, err);
        if (rc != SENTIMENT_OK)
            return rc;
        p->stage = SENTIMENT_STAGE_EPOCH;
        p->epoch = epoch;
        p->epoch_fraction = 1;
        p->loss = loss;
        p->valid_accuracy = validate(r, &p->valid_loss);
        p->elapsed = sn_now() - r->start;
        /* The lowest validation loss, not the highest accuracy: epochs
         * often differ in accuracy by one or two examples, and the most
         * overfitted one would win such a draw as often as not (on the
         * default model's corpora, IMDb lost 1.4 points that way). */
        p->best = epoch == 1 || p->valid_loss < best_loss || r->n_valid == 0;
        if (p->best) {
            best_loss = p->valid_loss;
            p->best_epoch = epoch;
            keep_best(r);
            stale = 0;
        } else {
            stale++;
        }
        /* Early stopping: PATIENCE epochs without a lower validation loss
         * end training; the best epoch's weights are kept. */
        p->stopping = t->opt.patience > 0 && stale >= t->opt.patience &&
                      epoch < t->opt.epochs;
        if ((rc = report_progress(t, r, err)) != SENTIMENT_OK)
            return rc;
        if (p->stopping)
            break;
    }
    return SENTIMENT_OK;
}

/* The model of the weights kept. */
static int assemble(const sentiment_trainer *t, run *r, sentiment_model **out,
                    sentiment_error *err)
{
    sn_assembly how;

    how.labels = r->sorted;
    how.label_count = r->nlabels;
    how.tokenizer = &t->opt.tokenizer;
    how.lexicon = &t->opt.lexicon;
    how.vectorizer = &t->opt.vectorizer;
    how.quantize = t->opt.quantize;
    how.prune = t->opt.prune;
    how.folded_batchnorm = t->base != NULL && t->base->trained_with_batchnorm;
    return sn_model_assemble(out, &how, &r->best, &r->scale, r->seen, err);
}

static void forget_report(sentiment_trainer *t)
{
    sentiment_eval_free(t->report);
    sn_free(t->report_labels);
    t->report = NULL;
    t->report_labels = NULL;
    t->report_label_count = 0;
}

/* The validation of the weights kept, for sentiment_trainer_report(); the
 * report names labels as the model does, but the model's strings belong to
 * the caller, so it keeps the store's (sorted) pointers. */
static void keep_report(sentiment_trainer *t, run *r)
{
    if (r->n_valid == 0)
        return;
    t->report = r->best_eval;
    r->best_eval = NULL;
    t->report_labels = r->sorted;
    r->sorted = NULL;
    t->report_label_count = r->nlabels;
}

int sentiment_trainer_train(sentiment_trainer *t, sentiment_model **out,
                            sentiment_error *err)
{
    const sn_store *s;
    run r;
    int rc;

    if (t == NULL || out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer or no place for the model");
    *out = NULL;
    forget_report(t);
    s = &t->store;
    if (s->count < 2)
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "%zu training examples; at least 2 are needed", s->count);
    if (s->labels.count < 2)
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "all examples have the label '%s'; at least 2 labels are needed",
                       s->labels.string[0]);
    memset(&r, 0, sizeof r);
    r.rng = t->opt.seed;
    r.start = sn_now();
    r.progress.stage = SENTIMENT_STAGE_FEATURES;
    r.progress.epochs = t->opt.epochs;
    r.progress.valid_accuracy = -1;
    r.progress.valid_loss = -1;

    /* The progress function hears of the features stage before the first
     * long step, and may cancel there. */
    if ((rc = sort_labels(t, &r, err)) == SENTIMENT_OK &&
        (rc = split(t, &r, err)) == SENTIMENT_OK &&
        (rc = report_progress(t, &r, err)) == SENTIMENT_OK &&
        (rc = start_threads(t, &r, err)) == SENTIMENT_OK &&
        (rc = build_dataset(t, &r, err)) == SENTIMENT_OK &&
        (rc = init_network(t, &r, err)) == SENTIMENT_OK &&
        (rc = run_epochs(t, &r, err)) == SENTIMENT_OK &&
        (rc = assemble(t, &r, out, err)) == SENTIMENT_OK)
        keep_report(t, &r);
    run_release(&r);
    return rc;
}

int sentiment_trainer_report(const sentiment_trainer *t, char **out, sentiment_error *err)
{
    if (t == NULL || out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no trainer or no place for the report");
    *out = NULL;
    if (t->report == NULL || t->report_labels == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "no validation report: train with validation examples first");
    return sn_eval_format_probs((const char *const *)t->report_labels,
                                t->report_label_count, sn_eval_confusion(t->report),
                                sentiment_eval_log_loss(t->report), -1, out, err);
}
