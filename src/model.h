/*
 * model.h - what a trained model holds; shared by the trainer, the model
 * file reader and writer, and the classifier.
 */
#ifndef SENTIMENT_MODEL_H
#define SENTIMENT_MODEL_H

#include "lexicon.h"
#include "network.h"
#include "tokenizer.h"
#include "vectorizer.h"

struct sentiment_model {
    size_t label_count;
    char **labels;          /* label_count NUL-terminated strings */
    sn_tokenizer_settings tokenizer;
    sn_lexicon lexicon;     /* the word lists the tokenizer consults */
    sn_vectorizer_settings vectorizer;
    float *scale;           /* per bucket, or NULL: see sn_features_finish */
    float scale_step;       /* in a quantized model, scales are whole
                             * multiples of this step (sn_scale_quantize) */
    /* Ready for inference: batch normalization is already folded into W1 and
     * b1 (net.batchnorm is 0).  When TRAINED_WITH_BATCHNORM is set, gamma,
     * beta and the running statistics in NET record what was folded. */
    sn_network net;
    int trained_with_batchnorm;
};

/* The scratch of sentiment_explain(), made on first use (explain.c). */
typedef struct sn_explainer sn_explainer;

/* What a thread of sentiment_classify_batch() tells of its first failure. */
typedef struct sn_batch_slot {
    size_t failed;              /* the text */
    int rc;
    sentiment_error err;
} sn_batch_slot;

/* Everything one classification writes; one per thread.  A classifier
 * made with threads also owns a pool and, for each thread but the
 * caller's, a classifier of its own: sentiment_classify_batch() shares the
 * texts out between them. */
struct sentiment_classifier {
    const sentiment_model *model;
    sn_tokenizer tokenizer;
    sn_features features;
    sn_workspace workspace;
    float *probs;
    sn_explainer *explainer;    /* NULL until the first explanation */
    sn_pool *pool;              /* NULL with one thread */
    struct sentiment_classifier **helpers; /* pool size - 1 */
    sn_batch_slot *slots;       /* pool size */
};

/* An empty model to be filled by the trainer or the file reader. */
sentiment_model *sn_model_new(void);

/* Copies the labels; fails on memory only. */
int sn_model_set_labels(sentiment_model *m, char *const *labels, size_t count,
                        sentiment_error *err);

/* The versions of the model file format, sentiment-model(5).  Version 1
 * holds 32-bit floats only; version 2 is written for models with a
 * quantized first layer (sections SCL8 and W1Q instead of SCAL and W1);
 * version 3 for models with word stems, whose VECT section has one more
 * field, and whose first layer may be either kind, told apart by the
 * section tags. */
enum {
    SN_FORMAT_VERSION = 1,
    SN_FORMAT_VERSION_QUANTIZED = 2,
    SN_FORMAT_VERSION_STEM = 3,
    SN_FORMAT_VERSION_LATEST = SN_FORMAT_VERSION_STEM
};

/* The version of the file format MODEL is written in: the lowest that
 * holds what it needs, so that a library that does not know what a model
 * needs refuses it by its version instead of misreading it. */
int sn_model_format_version(const sentiment_model *m);

/* The options MODEL stores, as the settings of a trainer would hold them
 * (but for the word lists, which stay the model's own); the others are
 * zero.  sentiment_model_get() reads them, and a trainer that fine-tunes
 * MODEL starts from them. */
struct sn_settings;
void sn_model_settings(const sentiment_model *model, struct sn_settings *s);

#endif
