/*
 * sentiment-classify - classify reviews, one per line, or evaluate a model
 * on a labeled corpus.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(void)
{
    printf("Usage: %s -m MODEL [OPTION]... [FILE]...\n"
           "  or:  %s -m MODEL --evaluate CORPUS...\n", cli_program, cli_program);
    fputs(
"Classify reviews, one per line, from each FILE (standard input when none\n"
"or '-'; plain or gzip-compressed).  For every input line, in order, print\n"
"one line LABEL<TAB>PROBABILITY: the most probable label and its probability.\n"
"\n"
"  -m, --model=MODEL   the model file to use (from sentiment-train)\n"
"  -e, --evaluate      read labeled lines (LABEL<TAB>TEXT or __label__LABEL\n"
"                      TEXT) and print accuracy, per-label precision, recall\n"
"                      and F1, and the confusion matrix\n"
"      --bad-lines=WHAT  with --evaluate, at a line without a label or with\n"
"                      a label the model does not know: stop (default)\n"
"                      with its file and line, or skip it and say how many\n"
"                      were skipped\n"
"  -t, --threads=N     classify with N threads (default: one per core);\n"
"                      the output is the same, in input order\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 success, 1 bad input or runtime error, 2 bad usage.\n"
"See sentiment-classify(1).\n", stdout);
}

/* Prefixes ERR's message with the file and line it is about. */
static int at_line(sentiment_error *err, int rc, const char *path, unsigned long line)
{
    char msg[2 * SENTIMENT_ERROR_MESSAGE_SIZE];
    size_t n;

    n = (size_t)snprintf(msg, sizeof msg, "%s:%lu: %s", path, line, err->message);
    if (n >= sizeof err->message)
        n = sizeof err->message - 1;
    memcpy(err->message, msg, n);
    err->message[n] = '\0';
    err->code = rc;
    return rc;
}

/*
 * Lines are read into batches and each batch is classified by all threads
 * at once, each on its own share with its own classifier (a model may be
 * shared, a classifier may not), then written out in input order.  Memory
 * stays bounded by one batch, however long the input.
 */
#define BATCH_LINES 4096
#define MAX_THREADS 64

typedef struct batch {
    char *text;                     /* the texts, back to back */
    size_t len, cap;
    size_t start[BATCH_LINES + 1];  /* text i is text[start[i] .. start[i+1]) */
    unsigned long line[BATCH_LINES];
    long truth[BATCH_LINES];        /* --evaluate: the label's index */
    size_t label[BATCH_LINES];
    float prob[BATCH_LINES];
    size_t count;
} batch;

typedef struct worker {
    pthread_t thread;
    sentiment_classifier *classifier;
    float *probs;
    batch *b;
    size_t from, to;
    size_t failed;                  /* index of the line that failed, or to */
    int rc;
    sentiment_error err;
} worker;

static void *classify_share(void *arg)
{
    worker *w = arg;
    batch *b = w->b;

    w->rc = SENTIMENT_OK;
    w->failed = w->to;
    for (size_t i = w->from; i < w->to; i++) {
        w->rc = sentiment_classify(w->classifier, b->text + b->start[i],
                                   b->start[i + 1] - b->start[i], &b->label[i], w->probs,
                                   &w->err);
        if (w->rc != SENTIMENT_OK) {
            w->failed = i;
            break;
        }
        b->prob[i] = w->probs[b->label[i]];
    }
    return NULL;
}

/* Classifies the batch with NTHREADS workers; the first line that fails,
 * in input order, gives the error. */
static int classify_batch(batch *b, worker *workers, unsigned nthreads, const char *path,
                          sentiment_error *err)
{
    unsigned started = 1;

    for (unsigned t = 0; t < nthreads; t++) {
        workers[t].b = b;
        workers[t].from = b->count * t / nthreads;
        workers[t].to = b->count * (t + 1) / nthreads;
    }
    for (unsigned t = 1; t < nthreads; t++, started++)
        if (pthread_create(&workers[t].thread, NULL, classify_share, &workers[t]) != 0)
            break;
    classify_share(&workers[0]);
    /* Shares whose thread could not start are done here. */
    for (unsigned t = started; t < nthreads; t++)
        classify_share(&workers[t]);
    for (unsigned t = 1; t < started; t++)
        pthread_join(workers[t].thread, NULL);
    for (unsigned t = 0; t < nthreads; t++) {
        if (workers[t].rc != SENTIMENT_OK) {
            *err = workers[t].err;
            return at_line(err, workers[t].rc, path, b->line[workers[t].failed]);
        }
    }
    return SENTIMENT_OK;
}

static int add_line(batch *b, const char *text, size_t len, unsigned long line)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 20;
        while (cap < b->len + len)
            cap *= 2;
        char *p = realloc(b->text, cap);
        if (p == NULL)
            return -1;
        b->text = p;
        b->cap = cap;
    }
    memcpy(b->text + b->len, text, len);
    b->start[b->count] = b->len;
    b->line[b->count] = line;
    b->len += len;
    b->start[++b->count] = b->len;
    return 0;
}

typedef struct job {
    const sentiment_model *model;
    sentiment_eval *eval;           /* --evaluate, or NULL */
    worker *workers;
    unsigned nthreads;
    batch *b;
    int skip_bad_lines;             /* --bad-lines skip */
    unsigned long skipped;
    char first_skipped[SENTIMENT_ERROR_MESSAGE_SIZE];
} job;

/* Classifies the batch and writes or counts its results, then empties it. */
static int flush(job *j, const char *path, sentiment_error *err)
{
    batch *b = j->b;
    int rc = classify_batch(b, j->workers, j->nthreads, path, err);

    for (size_t i = 0; rc == SENTIMENT_OK && i < b->count; i++) {
        if (j->eval != NULL)
            rc = sentiment_eval_add(j->eval, (size_t)b->truth[i], b->label[i], err);
        else
            printf("%s\t%.4f\n", sentiment_model_label(j->model, b->label[i]), b->prob[i]);
    }
    b->count = 0;
    b->len = 0;
    b->start[0] = 0;
    return rc;
}

/* With --bad-lines skip, counts a line that ERR says is bad (no label, or
 * one the model does not have) and returns 1; otherwise returns 0. */
static int skip_bad_line(job *j, const sentiment_error *err)
{
    if (!j->skip_bad_lines || err->code != SENTIMENT_ERR_FORMAT)
        return 0;
    if (j->skipped++ == 0)
        memcpy(j->first_skipped, err->message, sizeof j->first_skipped);
    return 1;
}

/* Classifies every line of PATH, or with --evaluate every labeled line
 * (blank lines are skipped there). */
static int run_file(job *j, const char *path, sentiment_error *err)
{
    sentiment_reader *r;
    const char *line;
    size_t len;
    int rc;

    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        unsigned long number = sentiment_reader_line_number(r);
        const char *text = line;
        size_t text_len = len;
        long truth = -1;

        if (j->eval != NULL) {
            sentiment_example ex;
            if (len == 0)
                continue;
            rc = sentiment_parse_example(line, len, &ex, err);
            if (rc != SENTIMENT_OK) {
                at_line(err, rc, path, number);
                if (skip_bad_line(j, err))
                    continue;
                break;
            }
            truth = sentiment_model_find_label(j->model, ex.label, ex.label_len);
            if (truth < 0) {
                snprintf(err->message, sizeof err->message,
                         "label '%.*s' is not one of the model's", (int)ex.label_len,
                         ex.label);
                rc = at_line(err, SENTIMENT_ERR_FORMAT, path, number);
                if (skip_bad_line(j, err))
                    continue;
                break;
            }
            text = ex.text;
            text_len = ex.text_len;
        }
        j->b->truth[j->b->count] = truth;
        if (add_line(j->b, text, text_len, number) < 0) {
            snprintf(err->message, sizeof err->message, "out of memory");
            rc = at_line(err, SENTIMENT_ERR_NOMEM, path, number);
            break;
        }
        if (j->b->count == BATCH_LINES && (rc = flush(j, path, err)) != SENTIMENT_OK)
            break;
    }
    if (rc == SENTIMENT_OK && j->b->count > 0)
        rc = flush(j, path, err);
    j->b->count = 0;
    j->b->len = 0;
    sentiment_reader_free(r);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"evaluate", no_argument, NULL, 'e'},
        {"threads", required_argument, NULL, 't'},
        {"bad-lines", required_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}
    };
    static char *const stdin_only[] = {"-", NULL};
    const char *model_path = NULL;
    char *const *files;
    int evaluate = 0, skip_bad_lines = 0, c, nfiles, status = EXIT_OK;
    sentiment_model *model = NULL;
    sentiment_eval *eval = NULL;
    sentiment_error err;
    worker workers[MAX_THREADS];
    batch *b = NULL;
    unsigned nthreads = 0;
    job j;

    cli_program = "sentiment-classify";
    argv[0] = (char *)cli_program; /* getopt names it in its messages */
    memset(workers, 0, sizeof workers);
    while ((c = getopt_long(argc, argv, "m:et:hV", options, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'e': evaluate = 1; break;
        case 'B':
            if (strcmp(optarg, "stop") != 0 && strcmp(optarg, "skip") != 0)
                return cli_usage_error("--bad-lines: '%s' is neither 'stop' nor 'skip'",
                                       optarg);
            skip_bad_lines = strcmp(optarg, "skip") == 0;
            break;
        case 't': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end != '\0' || n > MAX_THREADS)
                return cli_usage_error("--threads: '%s' is not a whole number from 0 to %d",
                                       optarg, MAX_THREADS);
            nthreads = (unsigned)n;
            break;
        }
        case 'h':
            usage();
            return cli_close_stdout() ? EXIT_FAILURE_RUN : EXIT_OK;
        case 'V':
            cli_print_version();
            return cli_close_stdout() ? EXIT_FAILURE_RUN : EXIT_OK;
        default:
            fprintf(stderr, "Try '%s --help' for more information.\n", cli_program);
            return EXIT_USAGE;
        }
    }
    if (model_path == NULL)
        return cli_usage_error("no model given (-m MODEL)");
    if (evaluate && optind >= argc)
        return cli_usage_error("--evaluate needs a labeled CORPUS file");
    files = optind < argc ? argv + optind : stdin_only;
    nfiles = optind < argc ? argc - optind : 1;

    if (nthreads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (unsigned)cores;
    }
    if (sentiment_model_load(&model, model_path, &err) != SENTIMENT_OK)
        return cli_library_error(&err);
    b = calloc(1, sizeof *b);
    if (b == NULL) {
        cli_error("out of memory");
        status = EXIT_FAILURE_RUN;
        goto out;
    }
    for (unsigned t = 0; t < nthreads; t++) {
        workers[t].probs = malloc(sentiment_model_label_count(model) * sizeof(float));
        if (workers[t].probs == NULL) {
            cli_error("out of memory");
            status = EXIT_FAILURE_RUN;
            goto out;
        }
        if (sentiment_classifier_create(&workers[t].classifier, model, &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
    }
    if (evaluate && sentiment_eval_create(&eval, model, &err) != SENTIMENT_OK) {
        status = cli_library_error(&err);
        goto out;
    }
    j.model = model;
    j.eval = eval;
    j.workers = workers;
    j.nthreads = nthreads;
    j.b = b;
    j.skip_bad_lines = skip_bad_lines;
    j.skipped = 0;
    for (int i = 0; i < nfiles; i++) {
        if (run_file(&j, files[i], &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
    }
    if (j.skipped > 0)
        fprintf(stderr, "%s: skipped %lu bad line%s, the first at %s\n", cli_program,
                j.skipped, j.skipped == 1 ? "" : "s", j.first_skipped);
    if (evaluate) {
        char *report;
        if (sentiment_eval_report(eval, &report, &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
        fputs(report, stdout);
        free(report);
    }
out:
    for (unsigned t = 0; t < MAX_THREADS; t++) {
        free(workers[t].probs);
        sentiment_classifier_free(workers[t].classifier);
    }
    if (b != NULL)
        free(b->text);
    free(b);
    sentiment_eval_free(eval);
    sentiment_model_free(model);
    if (cli_close_stdout() && status == EXIT_OK)
        status = EXIT_FAILURE_RUN;
    return status;
}
