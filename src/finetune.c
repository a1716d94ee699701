/*
 * finetune.c - training that starts from a model: its settings, its labels,
 * its feature scales and its weights (sentiment_trainer_create_from).
 *
 * A model's weights only mean something with the features they were
 * trained on, so fine-tuning keeps everything that makes a text into
 * features (tokenizer, word lists, vectorizer) and the network's shape;
 * options that would change them are refused, not quietly ignored.  The
 * model's naive Bayes scales are kept too, for the same reason: the first
 * layer's weights were learned for inputs scaled so, and scales counted
 * again on a few hundred reviews would be noise that the weights do not
 * fit.
 *
 * The model's first layer has batch normalization folded into it and may
 * be quantized: it is read back into floats and trained as it is, or, when
 * batch normalization is asked for, that is put back as the identity, with
 * the new corpus's statistics as its running ones, so that the first step
 * starts from exactly what the model computed.  At the end the network is
 * folded and quantized again as any trained one (assemble.c), in the
 * model's bits unless told otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "finetune.h"

/* The training options whose default differs when a model is fine-tuned,
 * measured with bench/finetune.sh (100 to 1,000 reviews of game and hotel
 * reviews, 3 seeds): smaller batches, so that a few hundred reviews still
 * make steps enough per epoch; a lower rate, since the weights are good
 * already (0.0005 to 0.002 were within a point of each other; 0.001 was
 * the best compromise of the two domains); a larger validation share, 5 %
 * of 100 reviews being too few to pick an epoch with (0.05 lost up to 1.5
 * points on hotels); and no batch normalization: put back as the identity
 * it did as well or worse in every case, by up to 2 points on 1,000 game
 * reviews, its statistics of a few batches being noisier than the
 * features they normalize. */
static const struct { const char *name, *value; } tuning_defaults[] = {
    {"epochs", "10"},
    {"learning-rate", "0.001"},
    {"batch-size", "32"},
    {"validation", "0.1"},
    {"patience", "2"},
    {"batchnorm", "0"},
};

int sn_finetune_settings(sn_settings *s, const sentiment_model *model,
                         sentiment_error *err)
{
    sn_settings stored;
    int rc;

    sn_model_settings(model, &stored);
    s->tokenizer = stored.tokenizer;
    s->vectorizer = stored.vectorizer;
    s->hidden = stored.hidden;
    s->nb_scaling = stored.nb_scaling;
    s->bn_epsilon = stored.bn_epsilon;
    s->quantize = stored.quantize;
    sn_lexicon_release(&s->lexicon);
    sn_lexicon_init(&s->lexicon);
    if ((rc = sn_lexicon_copy(&s->lexicon, &model->lexicon, err)) != SENTIMENT_OK)
        return rc;
    for (size_t i = 0; i < sizeof tuning_defaults / sizeof tuning_defaults[0]; i++)
        if ((rc = sn_settings_set(s, tuning_defaults[i].name, tuning_defaults[i].value,
                                  err)) != SENTIMENT_OK)
            return rc;
    return SENTIMENT_OK;
}

int sn_finetune_check_option(const sn_settings *s, const char *name, const char *value,
                             sentiment_error *err)
{
    const sentiment_option *o = sentiment_option_by_name(name);
    sn_settings probe;
    char now[64], asked[64];
    int rc;

    if (o == NULL || !(o->flags & SENTIMENT_OPTION_SHAPE))
        return SENTIMENT_OK;
    if (o->type == SENTIMENT_OPTION_PATH)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "%s: fine-tuning keeps the word lists of the model it starts "
                       "from: its weights were learned with them", name);
    /* A shallow copy: setting an option other than the word lists touches
     * no memory of its own. */
    probe = *s;
    if ((rc = sn_settings_set(&probe, name, value, err)) != SENTIMENT_OK ||
        (rc = sn_settings_get(s, o, now, sizeof now, err)) != SENTIMENT_OK ||
        (rc = sn_settings_get(&probe, o, asked, sizeof asked, err)) != SENTIMENT_OK)
        return rc;
    if (strcmp(now, asked) != 0)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "%s: fine-tuning keeps the model's value, %s, not %s: its "
                       "weights fit only the features and shape it was trained with",
                       name, now, asked);
    return SENTIMENT_OK;
}

/* Writes "'a', 'b', 'c'" of the N names NAME(I) into BUF, cut short with
 * "..." when it does not fit. */
static void list_names(char *buf, size_t size, size_t n,
                       const char *(*name)(const void *, size_t), const void *of)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int k = snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", name(of, i));
        if (k < 0 || (size_t)k >= size - used) {
            snprintf(buf + (used < size - 4 ? used : size - 4), 4, "...");
            return;
        }
        used += (size_t)k;
    }
}

static const char *model_label(const void *m, size_t i)
{
    return ((const sentiment_model *)m)->labels[i];
}

static const char *unknown_label(const void *names, size_t i)
{
    return ((const char *const *)names)[i];
}

int sn_finetune_labels(const sn_store *s, const sentiment_model *model, char ***sorted,
                       uint32_t **remap, sentiment_error *err)
{
    const char **unknown;
    size_t nunknown = 0;

    *sorted = sn_malloc_array(model->label_count, sizeof **sorted);
    *remap = sn_malloc_array(s->labels.count, sizeof **remap);
    unknown = sn_malloc_array(s->labels.count, sizeof *unknown);
    if (*sorted == NULL || *remap == NULL || unknown == NULL) {
        sn_free(unknown);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the labels");
    }
    for (size_t i = 0; i < model->label_count; i++)
        (*sorted)[i] = model->labels[i];
    for (size_t i = 0; i < s->labels.count; i++) {
        const char *name = s->labels.string[i];
        long k = sentiment_model_find_label(model, name, strlen(name));
        if (k < 0)
            unknown[nunknown++] = name;
        (*remap)[i] = k < 0 ? 0 : (uint32_t)k;
    }
    if (nunknown > 0) {
        char theirs[200], ours[200];
        list_names(theirs, sizeof theirs, nunknown, unknown_label, unknown);
        list_names(ours, sizeof ours, model->label_count, model_label, model);
        sn_free(unknown);
        return sn_fail(err, SENTIMENT_ERR_DATA,
                       "the examples have %s %s that the model fine-tuned lacks; its "
                       "labels are %s", nunknown == 1 ? "the label" : "the labels",
                       theirs, ours);
    }
    sn_free(unknown);
    return SENTIMENT_OK;
}

float *sn_finetune_scales(const sentiment_model *model, size_t buckets, int *failed)
{
    float *scale;

    *failed = 0;
    if (model->scale == NULL)
        return NULL;
    scale = sn_malloc_array(buckets, sizeof *scale);
    if (scale == NULL)
        *failed = 1;
    else
        memcpy(scale, model->scale, buckets * sizeof *scale);
    return scale;
}

void sn_finetune_mark_rows(const sentiment_model *model, unsigned char *seen)
{
    const sn_network *net = &model->net;

    for (uint32_t r = 0; r < net->inputs; r++) {
        if (net->w1q != NULL) {
            seen[r] |= sn_quant_row_index(net, r) >= 0;
            continue;
        }
        for (size_t j = 0; j < net->hidden && !seen[r]; j++)
            seen[r] = net->w1[(size_t)r * net->hidden + j] != 0;
    }
}

/* The mean and variance of each hidden unit's input b1 + x W1 over the
 * examples ORDER[0 .. N) of DATA, into MEAN and VAR (NET's hidden width). */
static void hidden_statistics(const sn_network *net, sn_workspace *ws, sn_sparse *batch,
                              const sn_dataset *data, const size_t *order, size_t n,
                              double *mean, double *var)
{
    const size_t h = net->hidden;

    memset(mean, 0, h * sizeof *mean);
    memset(var, 0, h * sizeof *var);
    for (size_t i = 0; i < n; i += ws->batch_cap) {
        size_t m = n - i < ws->batch_cap ? n - i : ws->batch_cap;
        for (size_t b = 0; b < m; b++)
            batch[b] = sn_dataset_row(data, order[i + b]);
        sn_network_hidden(net, ws, batch, m);
        for (size_t b = 0; b < m; b++)
            for (size_t j = 0; j < h; j++) {
                double z = ws->z[b * h + j];
                mean[j] += z;
                var[j] += z * z;
            }
    }
    for (size_t j = 0; j < h; j++) {
        mean[j] /= (double)n;
        var[j] = var[j] / (double)n - mean[j] * mean[j];
        if (var[j] < 0)
            var[j] = 0;
    }
}

void sn_finetune_start(sn_network *net, const sentiment_model *model, sn_workspace *ws,
                       sn_sparse *batch, const sn_dataset *data, const size_t *order,
                       size_t n)
{
    const size_t h = net->hidden;
    double mean[SN_MAX_HIDDEN], var[SN_MAX_HIDDEN];
    int batchnorm = net->batchnorm;

    for (uint32_t r = 0; r < net->inputs; r++)
        sn_network_w1_row(&model->net, r, net->w1 + (size_t)r * h);
    memcpy(net->dense, model->net.dense, net->dense_count * sizeof *net->dense);
    if (!batchnorm || n == 0) {
        /* Trained as it is, the layer keeps the record of the
         * normalization folded into it. */
        memcpy(net->run_mean, model->net.run_mean, h * sizeof *net->run_mean);
        memcpy(net->run_var, model->net.run_var, h * sizeof *net->run_var);
        return;
    }
    /* With running statistics m and v, gamma = sqrt(v + eps) and beta = m
     * make the normalization give back its input: the first steps train
     * what the model computed, and the kept network folds as any other. */
    hidden_statistics(net, ws, batch, data, order, n, mean, var);
    for (size_t j = 0; j < h; j++) {
        net->run_mean[j] = (float)mean[j];
        net->run_var[j] = (float)var[j];
        sn_net_gamma(net)[j] = sqrtf((float)var[j] + net->bn_epsilon);
        sn_net_beta(net)[j] = (float)mean[j];
    }
}
