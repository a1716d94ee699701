/*
 * finetune.h - what a training run that starts from a model does
 * differently (sentiment_trainer_create_from).
 */
#ifndef SENTIMENT_FINETUNE_H
#define SENTIMENT_FINETUNE_H

#include "dataset.h"
#include "model.h"
#include "network.h"
#include "options.h"
#include "store.h"

/* S, fresh from sn_settings_init(), takes what MODEL stores (tokenizer,
 * word lists, vectorizer, hidden width, feature scaling, batch-norm
 * epsilon, quantization) and the defaults of fine-tuning for the training
 * options.  Fails on memory only. */
int sn_finetune_settings(sn_settings *s, const sentiment_model *model,
                         sentiment_error *err);

/* SENTIMENT_OK when option NAME may be set to VALUE in settings S that
 * fine-tune a model: any option that does not shape the model, and one
 * that does only to the value it has.  Otherwise SENTIMENT_ERR_INVALID,
 * naming the option and the model's value. */
int sn_finetune_check_option(const sn_settings *s, const char *name, const char *value,
                             sentiment_error *err);

/* The labels of a run that fine-tunes MODEL: *SORTED gets the model's
 * label names in its order (pointers to the model's strings), *REMAP the
 * model's index of each label of S.  A label of S that the model lacks is
 * refused (SENTIMENT_ERR_DATA), naming the labels of both. */
int sn_finetune_labels(const sn_store *s, const sentiment_model *model, char ***sorted,
                       uint32_t **remap, sentiment_error *err);

/* A copy of MODEL's feature scales (BUCKETS floats), or NULL when the
 * model has none; *FAILED is set when memory ran out. */
float *sn_finetune_scales(const sentiment_model *model, size_t buckets, int *failed);

/* Sets SEEN[r] for every row r of the first layer that MODEL holds, so
 * that what it knows is not cleared as unseen. */
void sn_finetune_mark_rows(const sentiment_model *model, unsigned char *seen);

/* NET, allocated with MODEL's shape, gets its weights in floats.  With
 * NET->batchnorm, batch normalization is put back as the identity: its
 * running statistics are those of the hidden layer over the training
 * examples ORDER[0 .. N) of DATA, and gamma and beta undo what it does
 * with them.  WS and BATCH (WS->batch_cap rows) are scratch. */
void sn_finetune_start(sn_network *net, const sentiment_model *model, sn_workspace *ws,
                       sn_sparse *batch, const sn_dataset *data, const size_t *order,
                       size_t n);

#endif
