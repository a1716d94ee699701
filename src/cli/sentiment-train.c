/*
 * sentiment-train - train a model on labeled reviews.
 *
 * Parses options, hands them to the library by name, and reports progress.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(void)
{
    printf("Usage: %s [OPTION]... -o MODEL CORPUS...\n", cli_program);
    fputs(
"Train a sentiment model on labeled reviews and write it to MODEL.\n"
"\n"
"Each CORPUS has one example per line, LABEL<TAB>TEXT or fastText's\n"
"__label__LABEL TEXT, plain or gzip-compressed; '-' reads standard input.\n"
"Any number of labels; blank lines are skipped.\n"
"\n"
"  -o, --output=MODEL        where to write the model (required)\n"
"  -e, --epochs=N            passes over the training data (default 5)\n"
"  -l, --learning-rate=R     Adam step size (default 0.002)\n"
"  -b, --batch-size=N        examples per mini-batch (default 128)\n"
"      --buckets=N           hash buckets, a power of two (default 1048576)\n"
"      --ngrams=N            longest word n-gram, 1 to 5 (default 2)\n"
"      --hidden=N            hidden layer width (default 16)\n"
"      --validation=F        share of examples held out to pick the best\n"
"                            epoch (default 0.1; 0 keeps the last epoch)\n"
"      --char-ngrams=N       longest character n-gram in scripts written\n"
"                            without spaces (Chinese, Japanese, Thai...;\n"
"                            default 4)\n"
"      --weighting=W         feature values: binary (default) or logtf\n"
"      --no-normalize        do not scale feature vectors to unit length\n"
"      --lexicons=DIR        word lists from DIR instead of the built-in ones\n"
"      --no-html             keep HTML tags and entities as text\n"
"      --no-placeholders     keep URLs, e-mail, @mentions and long numbers\n"
"      --no-elongation       keep elongations (\"sooooo\") as written\n"
"      --no-negation         do not mark negated words\n"
"      --no-emoticons        cut emoticons into punctuation\n"
"      --no-clitics          keep \"don't\" whole instead of \"do\" \"n't\"\n"
"      --no-nb-scaling       do not weigh features by their naive Bayes\n"
"                            log-count ratio\n"
"      --no-batchnorm        train without batch normalization\n"
"      --bn-epsilon=E        added to the variance in batch normalization\n"
"                            (default 1)\n"
"      --optimizer=O         adam (default) or sgd\n"
"      --init-scale=S        deviation of the first layer's initial weights\n"
"                            (default 0.01)\n"
"      --set NAME=VALUE      any training option of libsentiment(3) by name\n"
"      --seed=N              seed for shuffling and initialization (default 1)\n"
"  -q, --quiet               print nothing but errors\n"
"  -h, --help                show this help and exit\n"
"  -V, --version             show the version and exit\n"
"\n"
"Exit status: 0 success, 1 bad input or runtime error, 2 bad usage.\n"
"See sentiment-train(1).\n", stdout);
}

typedef struct progress_state {
    int quiet;
} progress_state;

static int on_progress(const sentiment_progress *p, void *user)
{
    const progress_state *s = user;

    if (s->quiet)
        return 0;
    if (p->stage == SENTIMENT_STAGE_FEATURES) {
        fprintf(stderr, "%s: extracting features\n", cli_program);
    } else if (p->valid_accuracy >= 0) {
        fprintf(stderr,
                "%s: epoch %u/%u  loss %.4f  validation accuracy %.4f  %.1fs%s\n",
                cli_program, p->epoch, p->epochs, p->loss, p->valid_accuracy,
                p->elapsed, p->best ? "  (best)" : "");
    } else {
        fprintf(stderr, "%s: epoch %u/%u  loss %.4f  %.1fs\n", cli_program,
                p->epoch, p->epochs, p->loss, p->elapsed);
    }
    return 0;
}

int main(int argc, char **argv)
{
    enum { OPT_BUCKETS = 256, OPT_NGRAMS, OPT_HIDDEN, OPT_VALIDATION,
           OPT_NO_BATCHNORM, OPT_SEED, OPT_CHAR_NGRAMS, OPT_WEIGHTING,
           OPT_LEXICONS, OPT_NO_NORMALIZE, OPT_NO_HTML, OPT_NO_PLACEHOLDERS,
           OPT_NO_ELONGATION, OPT_NO_NEGATION, OPT_NO_EMOTICONS, OPT_NO_CLITICS,
           OPT_NO_NB, OPT_BN_EPSILON, OPT_OPTIMIZER, OPT_INIT_SCALE };
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"epochs", required_argument, NULL, 'e'},
        {"learning-rate", required_argument, NULL, 'l'},
        {"batch-size", required_argument, NULL, 'b'},
        {"buckets", required_argument, NULL, OPT_BUCKETS},
        {"ngrams", required_argument, NULL, OPT_NGRAMS},
        {"hidden", required_argument, NULL, OPT_HIDDEN},
        {"validation", required_argument, NULL, OPT_VALIDATION},
        {"char-ngrams", required_argument, NULL, OPT_CHAR_NGRAMS},
        {"weighting", required_argument, NULL, OPT_WEIGHTING},
        {"lexicons", required_argument, NULL, OPT_LEXICONS},
        {"no-normalize", no_argument, NULL, OPT_NO_NORMALIZE},
        {"no-html", no_argument, NULL, OPT_NO_HTML},
        {"no-placeholders", no_argument, NULL, OPT_NO_PLACEHOLDERS},
        {"no-elongation", no_argument, NULL, OPT_NO_ELONGATION},
        {"no-negation", no_argument, NULL, OPT_NO_NEGATION},
        {"no-emoticons", no_argument, NULL, OPT_NO_EMOTICONS},
        {"no-clitics", no_argument, NULL, OPT_NO_CLITICS},
        {"no-batchnorm", no_argument, NULL, OPT_NO_BATCHNORM},
        {"no-nb-scaling", no_argument, NULL, OPT_NO_NB},
        {"bn-epsilon", required_argument, NULL, OPT_BN_EPSILON},
        {"optimizer", required_argument, NULL, OPT_OPTIMIZER},
        {"init-scale", required_argument, NULL, OPT_INIT_SCALE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"set", required_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}
    };
    sentiment_trainer *trainer = NULL;
    sentiment_model *model = NULL;
    sentiment_error err;
    progress_state state = {0};
    const char *output = NULL;
    int c, status = EXIT_OK;

    cli_program = "sentiment-train";
    if (sentiment_trainer_create(&trainer, &err) != SENTIMENT_OK)
        return cli_library_error(&err);

    while ((c = getopt_long(argc, argv, "o:e:l:b:qhV", options, NULL)) != -1) {
        const char *name = NULL;
        const char *value = optarg;
        switch (c) {
        case 'o': output = optarg; break;
        case 'e': name = "epochs"; break;
        case 'l': name = "learning-rate"; break;
        case 'b': name = "batch-size"; break;
        case OPT_BUCKETS: name = "buckets"; break;
        case OPT_NGRAMS: name = "ngrams"; break;
        case OPT_HIDDEN: name = "hidden"; break;
        case OPT_VALIDATION: name = "validation"; break;
        case OPT_CHAR_NGRAMS: name = "char-ngrams"; break;
        case OPT_WEIGHTING: name = "weighting"; break;
        case OPT_LEXICONS: name = "lexicons"; break;
        case OPT_NO_NORMALIZE: name = "normalize"; value = "0"; break;
        case OPT_NO_HTML: name = "html"; value = "0"; break;
        case OPT_NO_PLACEHOLDERS: name = "placeholders"; value = "0"; break;
        case OPT_NO_ELONGATION: name = "elongation"; value = "0"; break;
        case OPT_NO_NEGATION: name = "negation"; value = "0"; break;
        case OPT_NO_EMOTICONS: name = "emoticons"; value = "0"; break;
        case OPT_NO_CLITICS: name = "clitics"; value = "0"; break;
        case OPT_NO_BATCHNORM: name = "batchnorm"; value = "0"; break;
        case OPT_NO_NB: name = "nb-scaling"; value = "0"; break;
        case OPT_BN_EPSILON: name = "bn-epsilon"; break;
        case OPT_OPTIMIZER: name = "optimizer"; break;
        case OPT_INIT_SCALE: name = "init-scale"; break;
        case OPT_SEED: name = "seed"; break;
        case 'S': {
            /* --set NAME=VALUE: any library option by its name. */
            static char buf[256];
            char *eq = strchr(optarg, '=');
            if (eq == NULL || (size_t)(eq - optarg) >= sizeof buf) {
                sentiment_trainer_free(trainer);
                return cli_usage_error("--set takes NAME=VALUE, not '%s'", optarg);
            }
            memcpy(buf, optarg, (size_t)(eq - optarg));
            buf[eq - optarg] = '\0';
            name = buf;
            value = eq + 1;
            break;
        }
        case 'q': state.quiet = 1; break;
        case 'h':
            usage();
            sentiment_trainer_free(trainer);
            return cli_close_stdout() ? EXIT_FAILURE_RUN : EXIT_OK;
        case 'V':
            cli_print_version();
            sentiment_trainer_free(trainer);
            return cli_close_stdout() ? EXIT_FAILURE_RUN : EXIT_OK;
        default:
            sentiment_trainer_free(trainer);
            fprintf(stderr, "Try '%s --help' for more information.\n", cli_program);
            return EXIT_USAGE;
        }
        if (name != NULL && sentiment_trainer_set(trainer, name, value, &err) != SENTIMENT_OK) {
            sentiment_trainer_free(trainer);
            return cli_usage_error("%s", err.message);
        }
    }
    if (output == NULL) {
        sentiment_trainer_free(trainer);
        return cli_usage_error("no output file given (-o MODEL)");
    }
    if (optind >= argc) {
        sentiment_trainer_free(trainer);
        return cli_usage_error("no training corpus given");
    }

    for (int i = optind; i < argc; i++) {
        size_t before = sentiment_trainer_example_count(trainer);
        if (sentiment_trainer_add_file(trainer, argv[i], &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
        if (!state.quiet)
        {
            size_t added = sentiment_trainer_example_count(trainer) - before;
            fprintf(stderr, "%s: %s: %zu example%s\n", cli_program, argv[i], added,
                    added == 1 ? "" : "s");
        }
    }
    sentiment_trainer_set_progress(trainer, on_progress, &state);
    if (sentiment_trainer_train(trainer, &model, &err) != SENTIMENT_OK ||
        sentiment_model_save(model, output, &err) != SENTIMENT_OK) {
        status = cli_library_error(&err);
        goto out;
    }
    if (!state.quiet)
        fprintf(stderr, "%s: wrote %s (%zu labels)\n", cli_program, output,
                sentiment_model_label_count(model));
out:
    sentiment_model_free(model);
    sentiment_trainer_free(trainer);
    return status;
}
