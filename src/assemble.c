/*
 * assemble.c - the last step of training: the network kept becomes a
 * model.
 *
 * A model is what classification needs and nothing more, so the network
 * is reshaped here once rather than at every load: batch normalization is
 * folded into the first layer (a scale and a shift per hidden unit, cheaper
 * applied once to the weights than to every text), the rows of buckets no
 * training text reached are cleared (they still hold their random start,
 * which would only add noise to the texts that reach them), and the first
 * layer is pruned and quantized when asked, since that is where nearly all
 * of a model's bytes are.  With the network go the settings that make a
 * text into the same features as in training: tokenizer, word lists,
 * vectorizer and feature scales.
 */
#include <string.h>

#include "internal.h"
#include "assemble.h"

/* Everything but the network: labels, settings, word lists, scales. */
static int describe(sentiment_model *model, const sn_assembly *how, float **scale,
                    sentiment_error *err)
{
    int rc;

    model->scale = *scale;
    *scale = NULL;
    if ((rc = sn_model_set_labels(model, how->labels, how->label_count, err)) !=
        SENTIMENT_OK)
        return rc;
    model->tokenizer = *how->tokenizer;
    model->vectorizer = *how->vectorizer;
    return sn_lexicon_copy(&model->lexicon, how->lexicon, err);
}

static void clear_unseen_rows(sn_network *net, const unsigned char *seen)
{
    for (size_t i = 0; i < net->inputs; i++)
        if (!seen[i])
            memset(net->w1 + i * net->hidden, 0, net->hidden * sizeof(float));
}

/* Pruning and quantizing W1, and the scales with it. */
static int compress(sentiment_model *model, sn_network *net, const sn_assembly *how,
                    sentiment_error *err)
{
    int rc;

    if (how->quantize == 0 && !(how->prune > 0))
        return SENTIMENT_OK;
    /* Pruning alone still stores the rows kept in 8 bits: a float file has
     * no way to leave rows out. */
    rc = sn_network_quantize(net, how->quantize ? how->quantize : 8, how->prune,
                             model->scale, err);
    if (rc != SENTIMENT_OK)
        return rc;
    if (model->scale != NULL)
        model->scale_step =
            sn_scale_quantize(model->scale, (size_t)1 << model->vectorizer.bucket_bits);
    return SENTIMENT_OK;
}

int sn_model_assemble(sentiment_model **out, const sn_assembly *how, sn_network *net,
                      float **scale, const unsigned char *seen, sentiment_error *err)
{
    sentiment_model *model = sn_model_new();
    int rc;

    *out = NULL;
    if (model == NULL) {
        sn_free(*scale);
        *scale = NULL;
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the model");
    }
    if ((rc = describe(model, how, scale, err)) != SENTIMENT_OK)
        goto fail;
    model->trained_with_batchnorm = net->batchnorm || how->folded_batchnorm;
    sn_network_fold_batchnorm(net);
    clear_unseen_rows(net, seen);
    if ((rc = compress(model, net, how, err)) != SENTIMENT_OK)
        goto fail;
    model->net = *net;
    memset(net, 0, sizeof *net);
    *out = model;
    return SENTIMENT_OK;
fail:
    sentiment_model_free(model);
    return rc;
}
