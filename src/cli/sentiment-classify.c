/*
 * sentiment-classify - classify reviews, one per line, or evaluate a model
 * on a labeled corpus.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 success, 1 bad input or runtime error, 2 bad usage.\n"
"See sentiment-classify(1).\n", stdout);
}

/* Prefixes ERR's message with the file and line it is about. */
static int at_line(sentiment_error *err, int rc, const sentiment_reader *r)
{
    char msg[2 * SENTIMENT_ERROR_MESSAGE_SIZE];
    size_t n;

    n = (size_t)snprintf(msg, sizeof msg, "%s:%lu: %s", sentiment_reader_path(r),
                         sentiment_reader_line_number(r), err->message);
    if (n >= sizeof err->message)
        n = sizeof err->message - 1;
    memcpy(err->message, msg, n);
    err->message[n] = '\0';
    err->code = rc;
    return rc;
}

/* Classifies every line of PATH to stdout; PROBS has room for every label. */
static int classify_file(sentiment_classifier *c, const sentiment_model *m,
                         const char *path, float *probs, sentiment_error *err)
{
    sentiment_reader *r;
    const char *line;
    size_t len, label;
    int rc;

    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        rc = sentiment_classify(c, line, len, &label, probs, err);
        if (rc != SENTIMENT_OK) {
            at_line(err, rc, r);
            break;
        }
        printf("%s\t%.4f\n", sentiment_model_label(m, label), probs[label]);
    }
    sentiment_reader_free(r);
    return rc;
}

/* Adds every labeled line of PATH to E; blank lines are skipped. */
static int evaluate_file(sentiment_classifier *c, const sentiment_model *m,
                         sentiment_eval *e, const char *path, sentiment_error *err)
{
    sentiment_reader *r;
    const char *line;
    size_t len, predicted;
    int rc;

    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        sentiment_example ex;
        long truth;

        if (len == 0)
            continue;
        rc = sentiment_parse_example(line, len, &ex, err);
        if (rc != SENTIMENT_OK) {
            at_line(err, rc, r);
            break;
        }
        truth = sentiment_model_find_label(m, ex.label, ex.label_len);
        if (truth < 0) {
            snprintf(err->message, sizeof err->message,
                     "label '%.*s' is not one of the model's", (int)ex.label_len,
                     ex.label);
            rc = at_line(err, SENTIMENT_ERR_FORMAT, r);
            break;
        }
        rc = sentiment_classify(c, ex.text, ex.text_len, &predicted, NULL, err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_eval_add(e, (size_t)truth, predicted, err);
        if (rc != SENTIMENT_OK) {
            at_line(err, rc, r);
            break;
        }
    }
    sentiment_reader_free(r);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"evaluate", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}
    };
    static char *const stdin_only[] = {"-", NULL};
    const char *model_path = NULL;
    char *const *files;
    int evaluate = 0, c, nfiles, status = EXIT_OK;
    sentiment_model *model = NULL;
    sentiment_classifier *classifier = NULL;
    sentiment_eval *eval = NULL;
    sentiment_error err;
    float *probs = NULL;

    cli_program = "sentiment-classify";
    argv[0] = (char *)cli_program; /* getopt names it in its messages */
    while ((c = getopt_long(argc, argv, "m:ehV", options, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'e': evaluate = 1; break;
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

    if (sentiment_model_load(&model, model_path, &err) != SENTIMENT_OK)
        return cli_library_error(&err);
    probs = malloc(sentiment_model_label_count(model) * sizeof *probs);
    if (probs == NULL) {
        cli_error("out of memory");
        status = EXIT_FAILURE_RUN;
        goto out;
    }
    if (sentiment_classifier_create(&classifier, model, &err) != SENTIMENT_OK ||
        (evaluate && sentiment_eval_create(&eval, model, &err) != SENTIMENT_OK)) {
        status = cli_library_error(&err);
        goto out;
    }
    for (int i = 0; i < nfiles; i++) {
        int rc = evaluate ? evaluate_file(classifier, model, eval, files[i], &err)
                          : classify_file(classifier, model, files[i], probs, &err);
        if (rc != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
    }
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
    free(probs);
    sentiment_eval_free(eval);
    sentiment_classifier_free(classifier);
    sentiment_model_free(model);
    if (cli_close_stdout() && status == EXIT_OK)
        status = EXIT_FAILURE_RUN;
    return status;
}
