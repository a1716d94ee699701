/*
 * classify.h - the parts of sentiment-classify: options (sentiment-classify.c),
 * input (classify-input.c), batches handed to the classifier's threads
 * (classify-batch.c) and output lines (classify-output.c).
 *
 * The data flows one way: the main thread reads reviews into a batch and
 * hands a full batch to a thread of the program's that classifies it on
 * the library's threads (sentiment_classify_batch()) and formats its
 * output lines, while the main thread reads the next batch; the main
 * thread then writes the output, in input order.
 */
#ifndef SENTIMENT_CLASSIFY_H
#define SENTIMENT_CLASSIFY_H

#include <pthread.h>
#include <stddef.h>

#include "sentiment.h"

#define BATCH_LINES 4096
#define BATCH_BYTES ((size_t)64 << 20) /* a batch of long documents ends sooner */
#define MAX_THREADS 64
#define MAX_EXPLAIN 1000

typedef struct options {
    int evaluate;
    int documents;
    int all;
    int json;
    int skip_bad_lines;     /* --bad-lines skip */
    unsigned long field;    /* 0: the whole line is the text */
    size_t explain;         /* n-grams to show, 0 for none */
    unsigned threads;       /* 0: one per core */
} options;

/* ---- output lines (classify-output.c) ------------------------------------ */

/* A growing buffer; a failed append marks it failed and stops. */
typedef struct buffer {
    char *s;
    size_t len, cap;
    int failed;
} buffer;

/* What one output line says. */
typedef struct result {
    const char *prefix;     /* the input line with --field, the file name with
                             * --documents, or NULL */
    size_t prefix_len;
    size_t label;
    const float *probs;
    const sentiment_contribution *explained;
    size_t explained_count;
} result;

/* Appends the output line of R in the format OPT asks for. */
void format_result(const options *opt, const sentiment_model *model, const result *r,
                   buffer *out);

/* ---- batches (classify-batch.c) ------------------------------------------- */

/* One review.  Offsets are into the batch's bytes, which may move while
 * the batch fills. */
typedef struct item {
    size_t prefix, prefix_len;  /* copied to the output, see result */
    size_t text, text_len;      /* what is classified */
    unsigned long line;         /* for messages */
    long truth;                 /* --evaluate: the label's index */
} item;

typedef struct batch {
    char *bytes;
    size_t len, cap;
    item *items;
    size_t count;
    const char *path;           /* the file the lines come from */
    const char **texts;         /* filled when the batch is classified */
    size_t *lens;
    size_t *labels;
    float *probs;               /* max items x label count */
    buffer out;                 /* the output lines */
    /* After classifying: how many items have their results (all but
     * after a failure), and the failure. */
    size_t done;
    int rc;
    sentiment_error err;
} batch;

typedef struct job {
    const options *opt;
    const sentiment_model *model;
    size_t labels;
    size_t max;                 /* items per batch */
    sentiment_classifier *classifier;
    sentiment_contribution *explained;  /* --explain: K of them */
    sentiment_eval *eval;       /* --evaluate, or NULL */
    batch batches[2];
    batch *filling;             /* read into by the main thread */
    batch *flying;              /* being classified, or NULL */
    /* The thread that classifies: it waits for WORK, clears it when done. */
    pthread_t thread;
    int threaded;               /* the thread runs */
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    int work, quit;
    int failed;                 /* a review could not be classified or written */
    /* Bad lines skipped, in all files. */
    unsigned long skipped;
    char first_skipped[SENTIMENT_ERROR_MESSAGE_SIZE];
    long long batch_start_ms;   /* when the batch got its first line */
} job;

/* Sets up the batches, the classifier with OPT's threads
 * and the classifying thread for MODEL. */
int job_start(job *j, const options *opt, const sentiment_model *model,
              sentiment_error *err);
void job_end(job *j);

/* Appends LEN bytes to the batch being filled; their offset to *AT. */
int job_add_bytes(job *j, const char *s, size_t len, size_t *at, sentiment_error *err);

/* Adds an item whose bytes were just appended; hands a full batch over. */
int job_push(job *j, const item *it, sentiment_error *err);

/* Classifies and writes (or counts) everything read so far, in order. */
int job_flush(job *j, sentiment_error *err);

/* After an error in the input: what was read before it is still written
 * out; an error in doing so is reported, the first one is left to the
 * caller.  Nothing is written after a review that failed. */
void job_flush_before_error(job *j);

/* ---- input (classify-input.c) ---------------------------------------------- */

/* Classifies every line of PATH, or with --evaluate every labeled line. */
int run_lines(job *j, const char *path, sentiment_error *err);

/* With --documents: PATH is a review, or a directory of them. */
int run_documents(job *j, const char *path, sentiment_error *err);

#endif
