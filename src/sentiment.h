/*
 * sentiment.h - the public interface of libsentiment.
 *
 * libsentiment tells whether a review is positive or negative (or how many
 * stars it deserves).  Text flows one way through it:
 *
 *   UTF-8 text -> tokens -> hashed word n-grams -> feedforward network with
 *   batch normalization -> label and probabilities.
 *
 * Conventions, valid for every function below:
 *
 *  - Every name starts with sentiment_ or SENTIMENT_.
 *  - Functions that can fail return an int status: SENTIMENT_OK (0) on
 *    success or one of the sentiment_status codes.  When the caller passes a
 *    non-NULL sentiment_error, it is filled with the same code and a message
 *    for people ("imdb.tsv:12: no label ...", "model.bin: checksum mismatch").
 *    On success the error is left untouched.
 *  - The library never prints, never exits and never aborts: bad input and
 *    allocation failures come back as status codes.
 *  - Objects are opaque; each *_create or *_load has a *_free that accepts
 *    NULL and does nothing with it.
 *
 * Threads: a sentiment_model is immutable once loaded or trained; any number
 * of threads may classify with one model at the same time, each through its
 * own sentiment_classifier.  A sentiment_classifier, sentiment_trainer,
 * sentiment_reader or sentiment_eval must only be used by one thread at a
 * time.  A classifier made by sentiment_classifier_create_threads() owns
 * threads of its own, which sentiment_classify_batch() shares its texts
 * between; it is still called from one thread at a time (see
 * libsentiment-thread(3)).
 */
#ifndef SENTIMENT_H
#define SENTIMENT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The API version, semver.  It is not the shared library's ABI version
 * (libtool's -version-info in Makefile.am), which follows its own rules.
 */
#define SENTIMENT_VERSION_MAJOR 0
#define SENTIMENT_VERSION_MINOR 2
#define SENTIMENT_VERSION_PATCH 0
#define SENTIMENT_VERSION_NUMBER \
    (SENTIMENT_VERSION_MAJOR * 10000 + SENTIMENT_VERSION_MINOR * 100 + \
     SENTIMENT_VERSION_PATCH)

/* SENTIMENT_API marks the public functions.  On Windows the library is
 * compiled with SENTIMENT_BUILDING (Makefile.am) and exports them; a
 * program imports them from the DLL, or defines SENTIMENT_STATIC to link
 * the static library. */
#if defined(_WIN32) && defined(SENTIMENT_BUILDING)
#  define SENTIMENT_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(SENTIMENT_STATIC)
#  define SENTIMENT_API __declspec(dllimport)
#elif defined(_WIN32)
#  define SENTIMENT_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define SENTIMENT_API __attribute__((visibility("default")))
#else
#  define SENTIMENT_API
#endif

/*
 * Status codes.  This list only grows: new codes are added at the end, none
 * is ever removed or renumbered.
 */
typedef enum sentiment_status {
    SENTIMENT_OK = 0,
    SENTIMENT_ERR_NOMEM = 1,     /* an allocation failed */
    SENTIMENT_ERR_IO = 2,        /* a file could not be opened, read or written */
    SENTIMENT_ERR_FORMAT = 3,    /* a corpus line is malformed */
    SENTIMENT_ERR_CORRUPT = 4,   /* a model file is damaged or not a model */
    SENTIMENT_ERR_VERSION = 5,   /* a model file is of an unsupported version */
    SENTIMENT_ERR_INVALID = 6,   /* an argument or option value is invalid */
    SENTIMENT_ERR_DATA = 7,      /* training data unusable (too few examples or labels) */
    SENTIMENT_ERR_CANCELLED = 8  /* a progress callback asked to stop */
} sentiment_status;

#define SENTIMENT_ERROR_MESSAGE_SIZE 512

/* Filled by a failing call when the caller passes one.  Owned by the caller. */
typedef struct sentiment_error {
    int code;                                  /* a sentiment_status */
    char message[SENTIMENT_ERROR_MESSAGE_SIZE]; /* NUL-terminated, for people */
} sentiment_error;

/* A sentence describing CODE; never NULL, also for unknown codes. */
SENTIMENT_API const char *sentiment_strerror(int code);

/* The version of the library actually loaded, as SENTIMENT_VERSION_NUMBER
 * and as a string such as "0.1.0". */
SENTIMENT_API unsigned sentiment_version_number(void);
SENTIMENT_API const char *sentiment_version_string(void);

/* ------------------------------------------------------------------------
 * Reading corpora and review files
 * ------------------------------------------------------------------------ */

typedef struct sentiment_reader sentiment_reader;

/*
 * Opens PATH for reading line by line; "-" means standard input.  Plain and
 * gzip-compressed files are both accepted.  On success *OUT owns the file
 * until sentiment_reader_free().
 */
SENTIMENT_API int sentiment_reader_open(sentiment_reader **out, const char *path,
                                        sentiment_error *err);

/*
 * Reads the next line.  On success *LINE points at its bytes (valid until the
 * next call; no terminating newline, a trailing CR removed, a UTF-8 byte
 * order mark at the start of the file removed) and *LEN is its length; the
 * bytes are followed by a NUL, but the line itself may contain NUL bytes.
 * At end of input *LINE is set to NULL and SENTIMENT_OK is returned.
 */
SENTIMENT_API int sentiment_reader_next(sentiment_reader *r, const char **line,
                                        size_t *len, sentiment_error *err);

/*
 * 1 when the next sentiment_reader_next() can return without waiting for
 * more input (a line is buffered, input is waiting, or the input has
 * ended), 0 when it would wait: the moment for a program reading a pipe or
 * a terminal to write out what it has.  When nothing is there yet, waits
 * up to TIMEOUT_MS milliseconds for input to come (0 or less: not at all).
 * With gzip input, compressed bytes that have come count as ready even
 * when they do not make a whole line yet.  1 for NULL.
 */
SENTIMENT_API int sentiment_reader_ready(const sentiment_reader *r, int timeout_ms);

/* The number of the line last returned (1 for the first), and the path as
 * given to sentiment_reader_open(). */
SENTIMENT_API unsigned long sentiment_reader_line_number(const sentiment_reader *r);
SENTIMENT_API const char *sentiment_reader_path(const sentiment_reader *r);

SENTIMENT_API void sentiment_reader_free(sentiment_reader *r);

/* One labeled example; pointers into the line it was parsed from. */
typedef struct sentiment_example {
    const char *label;
    size_t label_len;
    const char *text;
    size_t text_len;
} sentiment_example;

/*
 * Splits a corpus line into label and text.  Two formats are accepted:
 * "LABEL<TAB>TEXT" and fastText's "__label__LABEL TEXT".  Returns
 * SENTIMENT_ERR_FORMAT when the line has no label, or a label that is not
 * UTF-8 or holds a control character (U+0000-U+001F, U+007F-U+009F).
 */
SENTIMENT_API int sentiment_parse_example(const char *line, size_t len,
                                          sentiment_example *ex,
                                          sentiment_error *err);

/* What a reader does with a bad line (since 0.2.0). */
typedef enum sentiment_bad_lines {
    SENTIMENT_BAD_LINES_STOP = 0, /* fail, naming file and line (the default) */
    SENTIMENT_BAD_LINES_SKIP = 1  /* count it, keep the first message, go on */
} sentiment_bad_lines;

/* Sets what R does with a bad line: a sentiment_bad_lines value;
 * SENTIMENT_ERR_INVALID for another (since 0.2.0). */
SENTIMENT_API int sentiment_reader_set_bad_lines(sentiment_reader *r, int policy,
                                                 sentiment_error *err);

/*
 * Reads the next labeled line as sentiment_parse_example() splits it:
 * blank lines are passed over, and a line it refuses is a bad line (see
 * sentiment_reader_bad_line()), skipped or fatal as the reader's policy
 * says.  *EX points into the line, valid until the next call.  At end of
 * input EX->label and EX->text are NULL and SENTIMENT_OK is returned
 * (since 0.2.0).
 */
SENTIMENT_API int sentiment_reader_next_example(sentiment_reader *r,
                                                sentiment_example *ex,
                                                sentiment_error *err);

/*
 * The caller found the line last read bad, for the reason WHY (a message
 * without file or line; CODE, usually SENTIMENT_ERR_FORMAT): the policy
 * decides.  STOP fills ERR with "FILE:LINE: WHY" and returns CODE.  SKIP
 * counts the line, keeps "FILE:LINE: WHY" when it is the first, and
 * returns SENTIMENT_OK (since 0.2.0).
 */
SENTIMENT_API int sentiment_reader_bad_line(sentiment_reader *r, int code,
                                            const char *why, sentiment_error *err);

/* The lines skipped so far, and "FILE:LINE: why" for the first of them or
 * NULL when none was; the string belongs to the reader (since 0.2.0). */
SENTIMENT_API unsigned long sentiment_reader_skipped_lines(const sentiment_reader *r);
SENTIMENT_API const char *sentiment_reader_first_skipped_line(const sentiment_reader *r);

/* ------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------ */

typedef struct sentiment_model sentiment_model;

/*
 * Loads a model file written by sentiment_model_save().  A damaged file is
 * reported as SENTIMENT_ERR_CORRUPT with what is wrong in the message.
 *
 * PATH NULL loads the default model: the file named by the environment
 * variable SENTIMENT_MODEL when it is set and not empty, otherwise the
 * general English review model built into the library (see
 * sentiment_model_default_path()).
 */
SENTIMENT_API int sentiment_model_load(sentiment_model **out, const char *path,
                                       sentiment_error *err);

/*
 * Where the default model comes from, for messages and --help: the value of
 * SENTIMENT_MODEL when set, otherwise the path where the installed copy of
 * the built-in model lives (PKGDATADIR/default.model).  The library does
 * not need that file: it carries the same bytes inside itself.  The string
 * is static or belongs to the environment; do not free it.
 */
SENTIMENT_API const char *sentiment_model_default_path(void);

/* The same from SIZE bytes at DATA, which the call does not keep. */
SENTIMENT_API int sentiment_model_load_buffer(sentiment_model **out,
                                              const void *data, size_t size,
                                              sentiment_error *err);

/*
 * Writes MODEL to PATH.  The file is written under a temporary name in the
 * same directory and renamed into place, so an interrupted save never
 * damages an existing file at PATH; on failure the temporary is removed.
 * A symbolic link at PATH has its target replaced and stays a link; a PATH
 * that exists and is not a regular file is refused (SENTIMENT_ERR_IO).  A
 * replaced file keeps its mode, and its owner where permitted.  No signal
 * handler is installed: a caller that must leave no temporary file when
 * killed blocks SIGINT, SIGTERM and SIGHUP around the call.
 */
SENTIMENT_API int sentiment_model_save(const sentiment_model *model,
                                       const char *path, sentiment_error *err);

SENTIMENT_API void sentiment_model_free(sentiment_model *model);

/* The labels, numbered 0 .. count-1 in the order used by every
 * probability array of this API.  The strings belong to the model. */
SENTIMENT_API size_t sentiment_model_label_count(const sentiment_model *model);
SENTIMENT_API const char *sentiment_model_label(const sentiment_model *model,
                                                size_t index);

/* Looks a label up by name; returns its index, or -1 when the model has no
 * such label. */
SENTIMENT_API long sentiment_model_find_label(const sentiment_model *model,
                                              const char *label, size_t len);

/*
 * Reads one of the model's settings in text form: an option that
 * sentiment_trainer_set() takes and the model stores (those with
 * SENTIMENT_OPTION_IN_MODEL), by its name and in the same form, and also:
 *
 *   format-version   version of the file format the model was read from or
 *                    will be written in
 *   tokenizer-rules  version of the tokenizer rules it was trained with
 *   labels           number of labels
 *
 * Writes the value, NUL-terminated, to BUF (SIZE bytes).  Returns
 * SENTIMENT_ERR_INVALID for an unknown name or a buffer too small.
 */
SENTIMENT_API int sentiment_model_get(const sentiment_model *model,
                                      const char *name, char *buf, size_t size,
                                      sentiment_error *err);

/* ------------------------------------------------------------------------
 * Classifying
 * ------------------------------------------------------------------------ */

typedef struct sentiment_classifier sentiment_classifier;

/*
 * A classifier holds the scratch memory for classifying with MODEL; create
 * one per thread.  MODEL must outlive it.
 */
SENTIMENT_API int sentiment_classifier_create(sentiment_classifier **out,
                                              const sentiment_model *model,
                                              sentiment_error *err);
SENTIMENT_API void sentiment_classifier_free(sentiment_classifier *c);

/*
 * The same with THREADS threads (0: one per core; 1: none is started) that
 * sentiment_classify_batch() shares its texts between: the calling thread
 * and THREADS - 1 threads that the classifier starts now, keeps waiting
 * between batches and stops in sentiment_classifier_free().  Results are
 * the same bits whatever the count.  SENTIMENT_ERR_INVALID above 64
 * threads; SENTIMENT_ERR_NOMEM when the threads cannot be started (since
 * 0.2.0).
 */
SENTIMENT_API int sentiment_classifier_create_threads(sentiment_classifier **out,
                                                      const sentiment_model *model,
                                                      unsigned threads,
                                                      sentiment_error *err);

/* The number of threads a classifier classifies a batch with, the caller's
 * included: 1 for sentiment_classifier_create() (since 0.2.0). */
SENTIMENT_API unsigned sentiment_classifier_threads(const sentiment_classifier *c);

/*
 * Classifies LEN bytes of TEXT (any bytes: invalid UTF-8 is replaced, NUL
 * bytes are spaces).  Writes the index of the most probable label to *LABEL
 * when LABEL is not NULL and, when PROBS is not NULL, the probability of
 * every label to PROBS[0 .. sentiment_model_label_count()-1].
 */
SENTIMENT_API int sentiment_classify(sentiment_classifier *c, const char *text,
                                     size_t len, size_t *label, float *probs,
                                     sentiment_error *err);

/*
 * Classifies COUNT texts: TEXTS[i] of LENS[i] bytes.  LABELS (COUNT
 * entries) and PROBS (COUNT x label count, row by row) are filled as by
 * sentiment_classify(); either may be NULL.  Each text's result is the same
 * as alone: batching only saves calls, and with a classifier made with
 * threads, the texts are shared out between them (results in input order,
 * the call returns when all are done).  When a text fails, the call
 * returns the error of the first text that failed, with "text I of the
 * batch: " (I its index in TEXTS) before the message; the texts before it
 * have their results, and the LABELS of it and of those after it are set
 * to (size_t)-1.
 */
SENTIMENT_API int sentiment_classify_batch(sentiment_classifier *c,
                                           const char *const *texts,
                                           const size_t *lens, size_t count,
                                           size_t *labels, float *probs,
                                           sentiment_error *err);

/* One n-gram's part in a prediction, for sentiment_explain(). */
typedef struct sentiment_contribution {
    /* The n-gram as the model saw it: normalized tokens joined by spaces,
     * a word in a negation scope written NOT_word, and marker features as
     * "word [intensified]", "word [capitals]" or "word [elongated]" (only
     * the intensified marker tells a negation scope apart, as in
     * "NOT_good [intensified]").  Characters of scripts written without
     * spaces are joined without spaces.
     * NUL-terminated; belongs to the classifier and stays valid until its
     * next call. */
    const char *ngram;
    /* Its signed share of the label's score: positive pushed the text
     * towards the label, negative away from it.  Score is the label's
     * logit minus the mean logit of all labels; the shares of all n-grams
     * plus a constant add up to it exactly. */
    float weight;
} sentiment_contribution;

/*
 * Explains how TEXT scores for label index LABEL: writes the at most K
 * n-grams with the largest |weight|, largest first (equal ones in text
 * order), to OUT[0 .. *COUNT-1]; *COUNT is less than K when the text has
 * fewer n-grams.  When several n-grams share a hash bucket, the first one in
 * the text names it.  The strings in OUT are valid until the next call on C.
 * OUT may be NULL when K is 0.  SENTIMENT_ERR_INVALID when LABEL is not a
 * label index of the model.
 */
SENTIMENT_API int sentiment_explain(sentiment_classifier *c, const char *text,
                                    size_t len, size_t label,
                                    sentiment_contribution *out, size_t k,
                                    size_t *count, sentiment_error *err);

/* ------------------------------------------------------------------------
 * Training
 * ------------------------------------------------------------------------ */

typedef struct sentiment_trainer sentiment_trainer;

SENTIMENT_API int sentiment_trainer_create(sentiment_trainer **out,
                                           sentiment_error *err);

/*
 * Fine-tuning: a trainer that starts from MODEL (since 0.2.0).  It takes
 * what shapes the model: tokenizer rules, word lists, buckets, n-grams,
 * stems, weighting, hidden width, naive Bayes feature scales (kept, not
 * counted again), and trains its weights further on the examples added;
 * its labels are the model's, in the model's order, and an example whose
 * label the model lacks makes sentiment_trainer_train() fail with
 * SENTIMENT_ERR_DATA, naming it.  Setting an option flagged
 * SENTIMENT_OPTION_SHAPE to another value than the model's is refused
 * (SENTIMENT_ERR_INVALID).  The other options apply; their defaults are
 * those of fine-tuning, listed in sentiment_trainer_create_from(3), and
 * "quantize" starts at the model's bits.  The first layer, which has
 * batch normalization folded into it, is trained as it is; with
 * "batchnorm" set to 1, batch normalization is put back as the identity
 * and folded again at the end.
 *
 * MODEL must outlive the trainer, which never changes it.
 */
SENTIMENT_API int sentiment_trainer_create_from(sentiment_trainer **out,
                                                const sentiment_model *model,
                                                sentiment_error *err);
SENTIMENT_API void sentiment_trainer_free(sentiment_trainer *t);

/*
 * Sets an option by name from its text form, as the command line gives it:
 * numbers in decimal, flags as 1 or 0, choices as one of their words.  The
 * options are listed, with their bounds, defaults and a line of help each,
 * by sentiment_option_next() below and described in
 * sentiment_trainer_set(3).  An option that fails keeps its value.
 *
 * Returns SENTIMENT_ERR_INVALID for an unknown name or a bad value, and
 * for "lexicons" SENTIMENT_ERR_IO, naming the files missing, unless the
 * folder holds all four lists.
 */
SENTIMENT_API int sentiment_trainer_set(sentiment_trainer *t, const char *name,
                                        const char *value, sentiment_error *err);

/*
 * Reads option NAME of T in the text form sentiment_trainer_set() takes
 * (the folder of "lexicons", empty for the built-in lists), NUL-terminated,
 * into BUF (SIZE bytes).  SENTIMENT_ERR_INVALID for an unknown name or a
 * buffer too small (since 0.2.0).
 */
SENTIMENT_API int sentiment_trainer_get(const sentiment_trainer *t, const char *name,
                                        char *buf, size_t size, sentiment_error *err);

/* What kind of value an option takes. */
typedef enum sentiment_option_type {
    SENTIMENT_OPTION_COUNT = 0,  /* a whole number from min to max */
    SENTIMENT_OPTION_REAL = 1,   /* a number from min to max */
    SENTIMENT_OPTION_CHOICE = 2, /* one of the words of choices */
    SENTIMENT_OPTION_FLAG = 3,   /* 1 (on) or 0 (off) */
    SENTIMENT_OPTION_PATH = 4    /* the name of a file or folder */
} sentiment_option_type;

/* Bits of sentiment_option.flags. */
#define SENTIMENT_OPTION_IN_MODEL 1u     /* the model stores it, and
                                          * sentiment_model_get() reads it */
#define SENTIMENT_OPTION_POWER_OF_TWO 2u /* a count that is a power of two */
#define SENTIMENT_OPTION_ABOVE_MIN 4u    /* min itself is not allowed */
#define SENTIMENT_OPTION_SHAPE 8u        /* it shapes the model's features or
                                          * network: a trainer that fine-tunes
                                          * a model keeps the model's value
                                          * (since 0.2.0) */

/*
 * One training option, as sentiment_trainer_set() takes it.  The strings
 * are static.  Fields are only ever added at the end.
 */
typedef struct sentiment_option {
    const char *name;           /* "epochs" */
    int type;                   /* a sentiment_option_type */
    const char *default_value;  /* in the text form, as "5"; NULL when the
                                 * default is no value (lexicons: the
                                 * built-in lists) */
    const char *help;           /* one line for people, without the default:
                                 * a noun phrase, or for a flag what it does
                                 * when on, so that "do not " can come before
                                 * it */
    double min, max;            /* bounds of a COUNT or a REAL (the largest
                                 * count, 2^64 - 1, is as a double 2^64) */
    const char *choices;        /* the words of a CHOICE, or the only values
                                 * of a COUNT, joined by '|' ("adam|sgd");
                                 * NULL otherwise */
    unsigned flags;             /* SENTIMENT_OPTION_* bits */
} sentiment_option;

/*
 * Walks the options: the first for PREV NULL, then the one after PREV,
 * NULL after the last (or when PREV is not an option of this table).  The
 * order is that of sentiment-train --help.
 *
 *   for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)); )
 *       printf("%s: %s\n", o->name, o->help);
 */
SENTIMENT_API const sentiment_option *sentiment_option_next(const sentiment_option *prev);

/* The option called NAME, or NULL when there is none. */
SENTIMENT_API const sentiment_option *sentiment_option_by_name(const char *name);

/* Adds one example.  The label and text are copied.  A label is 1 to 1024
 * bytes of UTF-8 without control characters (SENTIMENT_ERR_INVALID
 * otherwise). */
SENTIMENT_API int sentiment_trainer_add(sentiment_trainer *t, const char *label,
                                        size_t label_len, const char *text,
                                        size_t text_len, sentiment_error *err);

/* Adds every example of a corpus file (see sentiment_reader_open() and
 * sentiment_parse_example()); blank lines are skipped.  A malformed line
 * fails the call with its file name and line number in the message. */
SENTIMENT_API int sentiment_trainer_add_file(sentiment_trainer *t,
                                             const char *path,
                                             sentiment_error *err);

/* Adds an example, or every example of a corpus file, to the validation
 * set: examples never trained on, used to pick the best epoch and to stop
 * early.  When any is given, no share of the training examples is held
 * out (the "validation" option is ignored).  Every label of the validation
 * examples must have a training example too, or training fails with
 * SENTIMENT_ERR_DATA. */
SENTIMENT_API int sentiment_trainer_add_validation(sentiment_trainer *t,
                                                   const char *label,
                                                   size_t label_len,
                                                   const char *text,
                                                   size_t text_len,
                                                   sentiment_error *err);
SENTIMENT_API int sentiment_trainer_add_validation_file(sentiment_trainer *t,
                                                        const char *path,
                                                        sentiment_error *err);

/* The number of examples added so far (training and validation). */
SENTIMENT_API size_t sentiment_trainer_example_count(const sentiment_trainer *t);

/*
 * The labels of the examples added so far, training and validation ones,
 * numbered 0 .. count-1 in the order they first occurred (a model sorts
 * them; see sentiment_trainer_train()): how many there are, the name of
 * label INDEX (NULL past the last; the string belongs to the trainer and
 * lives as long as it), and how many examples have it (0 past the last).
 * With sentiment_trainer_skipped_lines(), what a program needs to tell a
 * corpus that was not read as meant: hundreds of labels, most of them seen
 * once, are seldom what anyone wanted to train (since 0.2.0).
 */
SENTIMENT_API size_t sentiment_trainer_label_count(const sentiment_trainer *t);
SENTIMENT_API const char *sentiment_trainer_label(const sentiment_trainer *t,
                                                  size_t index);
SENTIMENT_API size_t sentiment_trainer_label_examples(const sentiment_trainer *t,
                                                      size_t index);

typedef enum sentiment_stage {
    SENTIMENT_STAGE_FEATURES = 0, /* turning texts into features */
    SENTIMENT_STAGE_EPOCH = 1,    /* an epoch has ended */
    SENTIMENT_STAGE_BATCH = 2     /* within an epoch, about 50 times each */
} sentiment_stage;

/* What a progress callback is told.  Fields are only ever added at the end. */
typedef struct sentiment_progress {
    int stage;                  /* a sentiment_stage */
    unsigned epoch;             /* 1-based; 0 during SENTIMENT_STAGE_FEATURES */
    unsigned epochs;            /* epochs planned */
    double loss;                /* mean training loss of the epoch */
    double valid_accuracy;      /* accuracy on the held-out examples, or -1 */
    double elapsed;             /* seconds since training started */
    size_t train_examples;
    size_t valid_examples;
    int best;                   /* 1 when this epoch has the lowest validation
                                 * loss so far */
    double epoch_fraction;      /* share of the current epoch done, 0 to 1 */
    unsigned best_epoch;        /* the best epoch so far, 0 before the first */
    int stopping;               /* 1 when early stopping ends training here */
    double valid_loss;          /* mean log loss on the held-out examples, or
                                 * -1 (since 0.2.0) */
} sentiment_progress;

/* Return non-zero to cancel training (it then fails with
 * SENTIMENT_ERR_CANCELLED). */
typedef int (*sentiment_progress_fn)(const sentiment_progress *p, void *user);

SENTIMENT_API void sentiment_trainer_set_progress(sentiment_trainer *t,
                                                  sentiment_progress_fn fn,
                                                  void *user);

/*
 * Trains a model on the examples added.  The weights of the epoch with the
 * lowest validation log loss are kept (accuracy would choose among epochs
 * that differ by a handful of examples, often the most overfitted one).
 * The model's labels are sorted by their bytes (strcmp), whatever the
 * order of the examples.  On success *OUT is a new model that the caller
 * frees.
 */
SENTIMENT_API int sentiment_trainer_train(sentiment_trainer *t,
                                          sentiment_model **out,
                                          sentiment_error *err);

/*
 * After a successful sentiment_trainer_train(): the report of
 * sentiment_eval_report() for the validation examples, with the weights
 * that were kept.  *OUT is released with free().  SENTIMENT_ERR_INVALID
 * when there was no validation example, or when the last training failed.
 */
SENTIMENT_API int sentiment_trainer_report(const sentiment_trainer *t, char **out,
                                           sentiment_error *err);

/*
 * With the option "bad-lines" set to "skip": the number of malformed corpus
 * lines that sentiment_trainer_add_file() and
 * sentiment_trainer_add_validation_file() have skipped so far (0 when none,
 * and always 0 with "stop"), and what was wrong with the first of them as
 * "FILE:LINE: why", or NULL when none was skipped.  The string belongs to
 * the trainer and lives as long as it.
 */
SENTIMENT_API size_t sentiment_trainer_skipped_lines(const sentiment_trainer *t);
SENTIMENT_API const char *sentiment_trainer_first_skipped_line(const sentiment_trainer *t);

/* ------------------------------------------------------------------------
 * Evaluation
 * ------------------------------------------------------------------------ */

typedef struct sentiment_eval sentiment_eval;

/* Counts predictions against truth for a model's labels.  MODEL must
 * outlive the evaluation: the report reads its label names. */
SENTIMENT_API int sentiment_eval_create(sentiment_eval **out,
                                        const sentiment_model *model,
                                        sentiment_error *err);
SENTIMENT_API void sentiment_eval_free(sentiment_eval *e);

/* Records one prediction; both are label indices of the model. */
SENTIMENT_API int sentiment_eval_add(sentiment_eval *e, size_t truth,
                                     size_t predicted, sentiment_error *err);

/* Records one prediction with the probability the model gave every label
 * (PROBS, label count entries): the predicted label is the most probable,
 * and the probabilities also feed the log loss and calibration error. */
SENTIMENT_API int sentiment_eval_add_probs(sentiment_eval *e, size_t truth,
                                           const float *probs,
                                           sentiment_error *err);

/* The fraction of predictions that were right (0 when none was added). */
SENTIMENT_API double sentiment_eval_accuracy(const sentiment_eval *e);

/* Mean negative log probability of the true label, and the expected
 * calibration error (15 equal-width bins of the top probability), over the
 * predictions recorded with sentiment_eval_add_probs(); -1 when there was
 * none. */
SENTIMENT_API double sentiment_eval_log_loss(const sentiment_eval *e);
SENTIMENT_API double sentiment_eval_calibration_error(const sentiment_eval *e);

/*
 * A report for people: example count, accuracy, per-label precision, recall
 * and F1, macro-F1 (the mean F1 over the labels that occur in the truth or
 * in the predictions), log loss and calibration error (when probabilities
 * were recorded) and the confusion matrix; above 20 labels, instead of the
 * matrix, the 20 most frequent confusions (true label, predicted label,
 * count), so that the report grows with the label count, not its square.
 * *OUT is a NUL-terminated string that the caller releases with free().
 */
SENTIMENT_API int sentiment_eval_report(const sentiment_eval *e, char **out,
                                        sentiment_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SENTIMENT_H */
