/*
 * sentiment-classify - classify reviews, one per line, one per file, or from
 * a column of a table; or evaluate a model on a labeled corpus.
 *
 * Whatever the input, the output has exactly one line per review, in input
 * order, so that it can be pasted beside the input or joined with it.  This
 * file holds the options; the input is read in classify-input.c, batches
 * are classified on the library's threads in classify-batch.c, and the
 * output lines are formatted in classify-output.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"

static void usage(void)
{
    const char *env;

    printf("Usage: %s [-m MODEL] [OPTION]... [FILE]...\n"
           "  or:  %s [-m MODEL] --evaluate CORPUS...\n", cli_program, cli_program);
    fputs(
"Classify reviews, one per line, from each FILE (standard input when none\n"
"or '-'; plain or gzip-compressed).  For every input line, in order, print\n"
"one line LABEL<TAB>PROBABILITY: the most probable label and its probability.\n"
"\n"
"  -m, --model=MODEL   the model file to use (from sentiment-train); without\n"
"                      it, the file named by $SENTIMENT_MODEL, or else the\n"
"                      general English review model built into libsentiment\n"
"                      (installed as a file too, see below)\n"
"  -e, --evaluate      read labeled lines (LABEL<TAB>TEXT or __label__LABEL\n"
"                      TEXT) and print accuracy, per-label precision, recall\n"
"                      and F1, macro-F1, log loss, expected calibration\n"
"                      error and the confusion matrix\n"
"      --bad-lines=WHAT  at a line without a label or with a label the\n"
"                      model does not know (--evaluate), or without column\n"
"                      N (--field): stop (default) with its file and line,\n"
"                      or skip it and say how many were skipped\n"
"\n"
"Input:\n"
"  -f, --field=N       the text is column N (from 1) of tab-separated lines;\n"
"                      each output line is the input line, a tab, then the\n"
"                      result columns; a line without column N is bad\n"
"  -d, --documents     each FILE is one review (its lines joined); a FILE\n"
"                      that is a directory gives one review per file in it,\n"
"                      in name order; each output line starts with the file\n"
"                      name and a tab\n"
"\n"
"Output:\n"
"  -a, --all           after LABEL<TAB>PROBABILITY, a column LABEL:PROBABILITY\n"
"                      for every label of the model, in the model's order\n"
"  -x, --explain=K     a last column with the K n-grams that weighed most,\n"
"                      strongest first, each as NGRAM:+WEIGHT (towards the\n"
"                      label) or NGRAM:-WEIGHT (against it), separated by\n"
"                      spaces\n"
"      --format=FORMAT tsv (the default) or json: one JSON object per line,\n"
"                      {\"label\", \"probability\", \"probabilities\", and\n"
"                      \"explanation\", \"fields\" or \"file\" when asked}\n"
"\n"
"  -t, --threads=N     classify with N threads (default: one per core);\n"
"                      the output is the same, in input order\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 success, 1 bad input or runtime error, 2 bad usage.\n"
"See sentiment-classify(1).\n", stdout);
    env = getenv("SENTIMENT_MODEL");
    printf("\nDefault model: %s%s\n", sentiment_model_default_path(),
           env != NULL && env[0] != '\0' ? " ($SENTIMENT_MODEL)" :
           " (the built-in copy is used)");
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long n;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtoul(s, &end, 10);
    if (*end != '\0' || errno != 0 || n > max)
        return -1;
    *out = n;
    return 0;
}

/* The options; returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, options *opt, const char **model_path)
{
    enum { OPT_FORMAT = 256, OPT_BAD_LINES };
    static const struct option long_options[] = {
        {"model", required_argument, NULL, 'm'},
        {"evaluate", no_argument, NULL, 'e'},
        {"field", required_argument, NULL, 'f'},
        {"documents", no_argument, NULL, 'd'},
        {"all", no_argument, NULL, 'a'},
        {"explain", required_argument, NULL, 'x'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"threads", required_argument, NULL, 't'},
        {"bad-lines", required_argument, NULL, OPT_BAD_LINES},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}
    };
    unsigned long n;
    int c;

    while ((c = getopt_long(argc, argv, "m:ef:dax:t:hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'm': *model_path = optarg; break;
        case 'e': opt->evaluate = 1; break;
        case OPT_BAD_LINES:
            if (strcmp(optarg, "stop") != 0 && strcmp(optarg, "skip") != 0)
                return cli_usage_error("--bad-lines: '%s' is neither 'stop' nor 'skip'",
                                       optarg);
            opt->skip_bad_lines = strcmp(optarg, "skip") == 0;
            break;
        case 'd': opt->documents = 1; break;
        case 'a': opt->all = 1; break;
        case 'f':
            if (parse_count(optarg, 1000000, &n) < 0 || n == 0)
                return cli_usage_error("--field: '%s' is not a column number from 1", optarg);
            opt->field = n;
            break;
        case 'x':
            if (parse_count(optarg, MAX_EXPLAIN, &n) < 0 || n == 0)
                return cli_usage_error("--explain: '%s' is not a whole number from 1 to %d",
                                       optarg, MAX_EXPLAIN);
            opt->explain = n;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "tsv") != 0)
                return cli_usage_error("--format: '%s' is neither tsv nor json", optarg);
            opt->json = strcmp(optarg, "json") == 0;
            break;
        case 't':
            if (parse_count(optarg, MAX_THREADS, &n) < 0)
                return cli_usage_error("--threads: '%s' is not a whole number from 0 to %d",
                                       optarg, MAX_THREADS);
            opt->threads = (unsigned)n;
            break;
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
    if (opt->evaluate && optind >= argc)
        return cli_usage_error("--evaluate needs a labeled CORPUS file");
    if (opt->evaluate && (opt->field || opt->documents || opt->all || opt->json ||
                          opt->explain))
        return cli_usage_error("--evaluate prints a report: it takes no --field, "
                               "--documents, --all, --explain or --format");
    if (opt->field && opt->documents)
        return cli_usage_error("--field and --documents exclude each other");
    return -1;
}

/* Reads every file and writes what it asks for: the output lines, the
 * count of bad lines skipped, the report of --evaluate. */
static int run(job *j, char *const *files, int nfiles, sentiment_error *err)
{
    int rc = SENTIMENT_OK;

    for (int i = 0; i < nfiles && rc == SENTIMENT_OK; i++)
        rc = j->opt->documents ? run_documents(j, files[i], err)
                               : run_lines(j, files[i], err);
    if (rc != SENTIMENT_OK) {
        job_flush_before_error(j); /* the documents before a bad one */
        return rc;
    }
    if (j->opt->documents && (rc = job_flush(j, err)) != SENTIMENT_OK)
        return rc;
    if (j->skipped > 0)
        fprintf(stderr, "%s: skipped %lu bad line%s, the first at %s\n", cli_program,
                j->skipped, j->skipped == 1 ? "" : "s", j->first_skipped);
    if (j->eval != NULL) {
        char *report;
        rc = sentiment_eval_report(j->eval, &report, err);
        if (rc != SENTIMENT_OK)
            return rc;
        fputs(report, stdout);
        free(report);
    }
    return SENTIMENT_OK;
}

int main(int argc, char **argv)
{
    static char *const stdin_only[] = {"-", NULL};
    const char *model_path = NULL;
    sentiment_model *model = NULL;
    sentiment_error err;
    options opt;
    job j;
    int status;

    cli_program = "sentiment-classify";
    argv[0] = (char *)cli_program; /* getopt names it in its messages */
    memset(&opt, 0, sizeof opt);
    status = parse_options(argc, argv, &opt, &model_path);
    if (status >= 0)
        return status;
    if (sentiment_model_load(&model, model_path, &err) != SENTIMENT_OK)
        return cli_library_error(&err);
    status = EXIT_OK;
    if (job_start(&j, &opt, model, &err) != SENTIMENT_OK ||
        run(&j, optind < argc ? argv + optind : stdin_only, optind < argc ? argc - optind : 1,
            &err) != SENTIMENT_OK)
        status = cli_library_error(&err);
    job_end(&j);
    sentiment_model_free(model);
    if (cli_close_stdout() && status == EXIT_OK)
        status = EXIT_FAILURE_RUN;
    return status;
}
