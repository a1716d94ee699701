/*
 * dataset.c - from the trainer's texts to the sparse matrix it trains on.
 *
 * Every text is tokenized and hashed once per training run, in parallel:
 * each thread of the pool turns a contiguous share of the examples into
 * its own chunk of indices and values, so that no thread waits for another
 * and no chunk is ever copied into one large array; a row is found by its
 * example number alone (sn_dataset_row).
 *
 * Values stay raw until the naive Bayes scales are known, since those are
 * counted from the features themselves, over the training share only; then
 * sn_dataset_finish() scales and normalizes every row in place, as
 * sn_features_finish() does for a text classified, so that training and
 * classification see the same vectors.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "dataset.h"

void sn_dataset_release(sn_dataset *d)
{
    sn_free(d->start);
    for (unsigned c = 0; c < d->nchunks; c++) {
        sn_free(d->chunks[c].index);
        sn_free(d->chunks[c].value);
    }
    memset(d, 0, sizeof *d);
}

sn_sparse sn_dataset_row(const sn_dataset *d, size_t i)
{
    unsigned c = 0;
    sn_sparse x;

    while (i >= d->bound[c + 1])
        c++;
    x.index = d->chunks[c].index + d->start[i];
    x.value = d->chunks[c].value + d->start[i];
    /* start[i + 1] of the next chunk's first example restarts at 0. */
    x.count = (i + 1 == d->bound[c + 1] ? d->chunks[c].nnz : d->start[i + 1]) - d->start[i];
    return x;
}

typedef struct featurize_job {
    const sn_store *store;
    const sn_tokenizer_settings *tokenizer;
    const sn_lexicon *lexicon;
    sn_vectorizer_settings raw;     /* the trainer's, without normalization */
    sn_dataset *d;
} featurize_job;

/* Appends the features F of example I to chunk CH. */
static int append_row(sn_dataset *d, sn_chunk *ch, size_t i, const sn_features *f)
{
    if (ch->nnz + f->count > ch->cap) {
        size_t cap = sn_grow_capacity(ch->cap, ch->nnz + f->count, 1 << 16);
        uint32_t *index = cap ? sn_realloc_array(ch->index, cap, sizeof *index) : NULL;
        if (index != NULL)
            ch->index = index;
        float *value = index ? sn_realloc_array(ch->value, cap, sizeof *value) : NULL;
        if (value == NULL)
            return sn_fail(&ch->err, SENTIMENT_ERR_NOMEM, "out of memory for features");
        ch->value = value;
        ch->cap = cap;
    }
    d->start[i] = ch->nnz;
    if (f->count > 0) {
        memcpy(ch->index + ch->nnz, f->index, f->count * sizeof *f->index);
        memcpy(ch->value + ch->nnz, f->value, f->count * sizeof *f->value);
    }
    ch->nnz += f->count;
    return SENTIMENT_OK;
}

/* Turns this thread's share of the texts into raw feature values. */
static void featurize_share(void *arg, unsigned tid, unsigned nthreads)
{
    const featurize_job *job = arg;
    sn_dataset *d = job->d;
    sn_chunk *ch = &d->chunks[tid];
    sn_tokenizer tk;
    sn_features f;

    (void)nthreads;
    sn_tokenizer_init(&tk);
    sn_features_init(&f);
    ch->rc = SENTIMENT_OK;
    for (size_t i = d->bound[tid]; i < d->bound[tid + 1]; i++) {
        size_t len;
        const char *text = sn_store_text(job->store, i, &len);
        ch->rc = sn_tokenize(&tk, job->tokenizer, job->lexicon, text, len, &ch->err);
        if (ch->rc == SENTIMENT_OK)
            ch->rc = sn_vectorize(&job->raw, &tk, &f, &ch->err);
        if (ch->rc == SENTIMENT_OK)
            ch->rc = append_row(d, ch, i, &f);
        if (ch->rc != SENTIMENT_OK)
            break;
    }
    sn_tokenizer_release(&tk);
    sn_features_release(&f);
}

int sn_dataset_featurize(sn_dataset *d, const sn_store *s,
                         const sn_tokenizer_settings *tokenizer, const sn_lexicon *lexicon,
                         const sn_vectorizer_settings *vectorizer, sn_pool *pool,
                         sentiment_error *err)
{
    featurize_job job = {s, tokenizer, lexicon, *vectorizer, d};

    job.raw.normalize = 0;
    memset(d, 0, sizeof *d);
    d->nchunks = sn_pool_size(pool);
    d->start = sn_malloc_array(s->count + 1, sizeof *d->start);
    if (d->start == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for features");
    for (unsigned c = 0; c <= d->nchunks; c++)
        d->bound[c] = s->count * c / d->nchunks;
    sn_pool_run(pool, featurize_share, &job);
    for (unsigned c = 0; c < d->nchunks; c++) {
        if (d->chunks[c].rc != SENTIMENT_OK) {
            if (err != NULL)
                *err = d->chunks[c].err;
            return d->chunks[c].rc;
        }
    }
    d->start[s->count] = 0;
    return SENTIMENT_OK;
}

/*
 * Naive Bayes log-count ratios as feature scales (Wang and Manning, 2012,
 * the "NB" of NBSVM): for each label, r = log((p / |p|) / (q / |q|)) with p
 * and q the smoothed counts of a bucket in the texts with and without the
 * label; a bucket's scale is the largest |r| over the labels.  Buckets that
 * tell the labels apart weigh more from the start, and buckets no training
 * text reached weigh nothing.  Only the first N_TRAIN examples in ORDER are
 * counted, so the validation share stays unseen.
 */
float *sn_dataset_nb_scale(const sn_dataset *d, const size_t *order, size_t n_train,
                           const uint32_t *labels, size_t nlabels, size_t buckets)
{
    float *count = sn_calloc(buckets * nlabels, sizeof *count);
    float *scale = sn_calloc(buckets, sizeof *scale);
    double *total = sn_calloc(nlabels, sizeof *total), all = 0;

    if (count == NULL || scale == NULL || total == NULL) {
        sn_free(count);
        sn_free(scale);
        sn_free(total);
        return NULL;
    }
    for (size_t i = 0; i < n_train; i++) {
        size_t e = order[i];
        sn_sparse x = sn_dataset_row(d, e);
        for (size_t k = 0; k < x.count; k++)
            count[(size_t)x.index[k] * nlabels + labels[e]] += 1;
    }
    for (size_t b = 0; b < buckets; b++)
        for (size_t c = 0; c < nlabels; c++)
            total[c] += count[b * nlabels + c] + 1.0;
    for (size_t c = 0; c < nlabels; c++)
        all += total[c];
    for (size_t b = 0; b < buckets; b++) {
        const float *n = count + b * nlabels;
        double sum = 0, best = 0;
        for (size_t c = 0; c < nlabels; c++)
            sum += n[c];
        if (sum == 0)
            continue;
        for (size_t c = 0; c < nlabels; c++) {
            double p = (n[c] + 1.0) / total[c];
            double q = (sum - n[c] + (double)(nlabels - 1)) / (all - total[c]);
            double r = fabs(log(p / q));
            if (r > best)
                best = r;
        }
        scale[b] = (float)best;
    }
    sn_free(count);
    sn_free(total);
    return scale;
}

void sn_dataset_finish(sn_dataset *d, size_t count, const float *scale, int normalize)
{
    for (size_t i = 0; i < count; i++) {
        sn_sparse x = sn_dataset_row(d, i);
        sn_features f;
        /* The rows are the dataset's own: only sn_sparse makes them const. */
        f.index = (uint32_t *)x.index;
        f.value = (float *)x.value;
        f.count = x.count;
        sn_features_finish(&f, scale, normalize);
    }
}

void sn_dataset_mark_seen(const sn_dataset *d, const size_t *order, size_t n,
                          unsigned char *seen)
{
    for (size_t i = 0; i < n; i++) {
        sn_sparse x = sn_dataset_row(d, order[i]);
        for (size_t k = 0; k < x.count; k++)
            seen[x.index[k]] = 1;
    }
}
