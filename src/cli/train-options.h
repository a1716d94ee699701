/*
 * train-options.h - sentiment-train's command line: its own options, and
 * the library's training options as its table gives them.
 */
#ifndef SENTIMENT_TRAIN_OPTIONS_H
#define SENTIMENT_TRAIN_OPTIONS_H

#include <stddef.h>

#include "sentiment.h"

#define TRAIN_MAX_VALID 64

/* What the command line asks for besides the library's options. */
typedef struct train_args {
    const char *output;         /* -o */
    const char *from;           /* --from: a model file, "default", or NULL */
    sentiment_model *base;      /* the model --from names, which the trainer
                                 * fine-tunes; the caller frees it */
    const char *log_path;       /* --log, or NULL */
    const char *plot_path;      /* --plot, or NULL */
    const char *valid[TRAIN_MAX_VALID];     /* --valid files */
    size_t nvalid;
    int quiet;                  /* -q */
    int validation_set;         /* the "validation" option was given */
    int first_corpus;           /* index in argv of the first CORPUS */
} train_args;

/*
 * Reads the command line and makes the trainer *T: one that fine-tunes
 * the model of --from when it is given (loaded into ARGS->base), a new one
 * otherwise; the library's options go to it by name as they come, the
 * rest to ARGS.  Returns -1 when the program is to go on, otherwise its
 * exit status: EXIT_OK after --help or --version, EXIT_USAGE after saying
 * what is wrong, EXIT_FAILURE_RUN when the model cannot be loaded.  The
 * caller frees *T and ARGS->base whatever it returns.
 */
int train_parse_args(int argc, char **argv, sentiment_trainer **t, train_args *args);

#endif
