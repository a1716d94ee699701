/*
 * assemble.h - from the network a training run kept to the model it
 * returns.
 */
#ifndef SENTIMENT_ASSEMBLE_H
#define SENTIMENT_ASSEMBLE_H

#include "model.h"

/* What a model records of how it was trained, and how to store it. */
typedef struct sn_assembly {
    char *const *labels;    /* in the order of the network's outputs */
    size_t label_count;
    const sn_tokenizer_settings *tokenizer;
    const sn_lexicon *lexicon;
    const sn_vectorizer_settings *vectorizer;
    unsigned quantize;      /* 0, 8 or 4 bits */
    double prune;           /* share of W1's rows to drop */
    int folded_batchnorm;   /* W1 has batch normalization folded in already,
                             * as the model fine-tuned did; its statistics
                             * in the network are the ones folded */
} sn_assembly;

/*
 * The model of the network NET trained with the feature scales *SCALE
 * (NULL when none): batch normalization folded into the first layer, the
 * rows of the buckets that no training example reached (SEEN[b] == 0)
 * cleared, and the first layer pruned and quantized as HOW says.  *SCALE is
 * taken in any case (and set to NULL); NET is taken when this succeeds
 * (and left empty), and is the caller's to release when it fails.
 */
int sn_model_assemble(sentiment_model **out, const sn_assembly *how, sn_network *net,
                      float **scale, const unsigned char *seen, sentiment_error *err);

#endif
