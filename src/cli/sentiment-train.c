/*
 * sentiment-train - train a model on labeled reviews.
 *
 * Parses options, hands them to the library by name, and reports progress.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"

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
"  -l, --learning-rate=R     step size of the optimizer (default 0.002)\n"
"  -b, --batch-size=N        examples per mini-batch (default 128)\n"
"      --buckets=N           hash buckets, a power of two (default 1048576)\n"
"      --ngrams=N            longest word n-gram, 1 to 5 (default 2)\n"
"      --hidden=N            hidden layer width (default 16)\n"
"      --validation=F        share of examples held out to pick the best\n"
"                            epoch (default 0.05; 0 keeps the last epoch);\n"
"                            not with --valid\n"
"      --char-ngrams=N       longest character n-gram in scripts written\n"
"                            without spaces (Chinese, Japanese, Thai...;\n"
"                            default 4)\n"
"      --stem=N              also count each word longer than N characters\n"
"                            as its first N characters, 0 for never\n"
"                            (default 5)\n"
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
"      --lr-schedule=S       constant (default) or linear decay to 0\n"
"      --dropout=P           drop this share of hidden units in each training\n"
"                            step (default 0)\n"
"      --weight-decay=D      decoupled weight decay (default 0)\n"
"      --init-scale=S        deviation of the first layer's initial weights\n"
"                            (default 0.01)\n"
"      --quantize=BITS       store the first layer in 8 or 4 bits a weight\n"
"                            (default 0: 32-bit floats)\n"
"      --prune=F             drop this share of the first layer's rows, those\n"
"                            that weigh least (default 0)\n"
"      --set NAME=VALUE      any training option of libsentiment(3) by name\n"
"      --seed=N              seed for shuffling and initialization (default 1)\n"
"  -t, --threads=N           threads to train with (default: one per core);\n"
"                            the model is the same for any number\n"
"      --valid=FILE          validation examples from FILE instead of a share\n"
"                            of the training ones (may be repeated)\n"
"      --patience=N          stop after N epochs without a lower validation\n"
"                            loss, 0 for never (default 2)\n"
"      --bad-lines=WHAT      at a malformed corpus line: stop (default) with\n"
"                            its file and line, or skip it and say how many\n"
"                            were skipped\n"
"      --log=FILE            write one CSV row per epoch to FILE\n"
"      --plot=FILE.svg       draw the learning curves into FILE.svg\n"
"  -q, --quiet               print nothing but errors and warnings\n"
"  -h, --help                show this help and exit\n"
"  -V, --version             show the version and exit\n"
"\n"
"Exit status: 0 success, 1 bad input or runtime error, 2 bad usage.\n"
"See sentiment-train(1).\n", stdout);
}

typedef struct progress_state {
    int quiet;
    int tty;                /* stderr is a terminal: draw a bar */
    FILE *log;              /* --log, or NULL */
    const char *log_path;
    int log_failed;
    int log_errno;          /* why it failed, or 0 */
    double *loss, *valid_loss, *accuracy; /* per epoch, for --plot */
    unsigned epochs, best_epoch, epochs_run;
    int bar_drawn;
    int warned_divergence;
    double last_losses[2];  /* of the two epochs before, oldest first */
} progress_state;

/* Seconds as "1m05s" or "12s". */
static void format_time(char *buf, size_t size, double s)
{
    if (s < 0)
        s = 0;
    if (s >= 60)
        snprintf(buf, size, "%um%02us", (unsigned)(s / 60), (unsigned)s % 60);
    else
        snprintf(buf, size, "%.0fs", s);
}

static void draw_bar(const progress_state *s, const sentiment_progress *p)
{
    char bar[31], left[32];
    double done = (p->epoch - 1) + p->epoch_fraction;
    /* Time per epoch so far predicts the rest; featurizing is counted in. */
    double eta = done > 0 ? p->elapsed / done * (p->epochs - done) : 0;
    size_t fill = (size_t)(p->epoch_fraction * (sizeof bar - 1) + 0.5);

    for (size_t i = 0; i < sizeof bar - 1; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[sizeof bar - 1] = '\0';
    format_time(left, sizeof left, eta);
    fprintf(stderr, "\r%s: epoch %u/%u [%s] %3.0f%%  loss %.4f", cli_program, p->epoch,
            p->epochs, bar, p->epoch_fraction * 100, p->loss);
    if (s->best_epoch > 0)
        fprintf(stderr, "  best epoch %u: accuracy %.4f",
                s->best_epoch, s->accuracy[s->best_epoch - 1]);
    fprintf(stderr, "  %s left \033[K", left);
}

/* A learning rate too high shows as a training loss that is not finite or
 * grows from epoch to epoch; said once, even with --quiet, since the model
 * written will be poor. */
static void check_divergence(progress_state *s, const sentiment_progress *p)
{
    if (!s->warned_divergence && !isfinite(p->loss)) {
        fprintf(stderr, "%s: warning: the training loss is not finite at epoch %u: "
                "training diverged; try a lower learning rate (-l)\n", cli_program,
                p->epoch);
        s->warned_divergence = 1;
    } else if (!s->warned_divergence && p->epoch >= 3 &&
               s->last_losses[0] < s->last_losses[1] && s->last_losses[1] < p->loss) {
        fprintf(stderr, "%s: warning: the training loss grew for two epochs in a row "
                "(%.4f, %.4f, %.4f): the learning rate may be too high (-l)\n",
                cli_program, s->last_losses[0], s->last_losses[1], p->loss);
        s->warned_divergence = 1;
    }
    s->last_losses[0] = s->last_losses[1];
    s->last_losses[1] = p->loss;
}

static int on_progress(const sentiment_progress *p, void *user)
{
    progress_state *s = user;

    if (p->stage == SENTIMENT_STAGE_EPOCH) {
        if (p->epoch <= s->epochs) {
            s->loss[p->epoch - 1] = p->loss;
            s->valid_loss[p->epoch - 1] = p->valid_loss;
            s->accuracy[p->epoch - 1] = p->valid_accuracy;
        }
        if (p->best)
            s->best_epoch = p->epoch;
        s->epochs_run = p->epoch;
        if (s->log != NULL) {
            fprintf(s->log, "%u,%.6f,", p->epoch, p->loss);
            if (p->valid_accuracy >= 0)
                fprintf(s->log, "%.6f", p->valid_accuracy);
            fprintf(s->log, ",%.3f,", p->elapsed);
            if (p->valid_loss >= 0)
                fprintf(s->log, "%.6f", p->valid_loss);
            fputc('\n', s->log);
            if (fflush(s->log) != 0 && !s->log_failed) {
                s->log_failed = 1;
                s->log_errno = errno;
            }
        }
    }
    if (s->quiet) {
        if (p->stage == SENTIMENT_STAGE_EPOCH)
            check_divergence(s, p);
        return 0;
    }
    if (p->stage == SENTIMENT_STAGE_FEATURES) {
        fprintf(stderr, "%s: extracting features\n", cli_program);
        return 0;
    }
    if (p->stage == SENTIMENT_STAGE_BATCH) {
        if (s->tty) {
            draw_bar(s, p);
            s->bar_drawn = 1;
        }
        return 0;
    }
    if (s->bar_drawn)
        fputs("\r\033[K", stderr);
    s->bar_drawn = 0;
    if (p->valid_accuracy >= 0)
        fprintf(stderr, "%s: epoch %u/%u  loss %.4f  validation loss %.4f accuracy %.4f"
                "  %.1fs%s\n", cli_program, p->epoch, p->epochs, p->loss, p->valid_loss,
                p->valid_accuracy, p->elapsed, p->best ? "  (best)" : "");
    else
        fprintf(stderr, "%s: epoch %u/%u  loss %.4f  %.1fs\n", cli_program, p->epoch,
                p->epochs, p->loss, p->elapsed);
    if (p->stopping)
        fprintf(stderr, "%s: stopping early: no lower validation loss since epoch %u\n",
                cli_program, p->best_epoch);
    check_divergence(s, p);
    return 0;
}

/* "0.1", "5", "1e-2": what --validation takes, mistyped as --valid. */
static int looks_like_number(const char *s)
{
    char *end;

    errno = 0;
    (void)strtod(s, &end);
    return end != s && *end == '\0' && errno == 0;
}

/* --valid VALUE where VALUE names no file but is a number: the user meant
 * a held-out share.  Returns 0, or EXIT_USAGE after saying so. */
static int check_valid_file(const char *value)
{
    struct stat st;

    if (looks_like_number(value) && stat(value, &st) != 0 && errno == ENOENT)
        return cli_usage_error("--valid takes a FILE of validation examples, and there is "
                               "no file '%s'; for a held-out share, use --validation=%s",
                               value, value);
    return 0;
}

/*
 * Warns, even with --quiet, when the corpora were likely not read as
 * meant: over 10 % of the lines skipped as malformed, or labels no one
 * would train on: more than 100 of them (the reviews of a sentiment corpus
 * have a few), or more than half of them with a single example (the junk
 * that random bytes or swapped columns give; a real label is seen often).
 * Training goes on: the data may be odd on purpose.
 */
static void warn_about_the_data(const sentiment_trainer *t)
{
    size_t skipped = sentiment_trainer_skipped_lines(t);
    size_t lines = skipped + sentiment_trainer_example_count(t);
    size_t labels = sentiment_trainer_label_count(t), once = 0;

    if (skipped * 10 > lines)
        fprintf(stderr, "%s: warning: %zu of %zu lines (%.0f %%) skipped: is this a corpus "
                "of LABEL<TAB>TEXT lines?\n", cli_program, skipped, lines,
                100.0 * (double)skipped / (double)lines);
    for (size_t i = 0; i < labels; i++)
        once += sentiment_trainer_label_examples(t, i) == 1;
    if (labels > 100 || once * 2 > labels)
        fprintf(stderr, "%s: warning: %zu labels, %zu of them seen once: is the label the "
                "first column?\n", cli_program, labels, once);
}

/* Writes the learning curves to PATH; returns 0 or prints why not, and
 * that the model is at MODEL all the same. */
static int write_plot(const char *path, const progress_state *s, unsigned epochs_run,
                      const char *model)
{
    FILE *f = fopen(path, "w");
    int failed;

    if (f == NULL) {
        cli_error("%s: %s; the model was written to %s", path, strerror(errno), model);
        return -1;
    }
    failed = plot_learning_curves(f, s->loss, s->valid_loss, s->accuracy, epochs_run,
                                  s->best_epoch) < 0;
    errno = 0;
    if (fclose(f) != 0 || failed) {
        cli_error("%s: %s; the model was written to %s", path,
                  errno != 0 ? strerror(errno) : "write error", model);
        return -1;
    }
    return 0;
}

/* ---- where the files go: checked before anything is read ---------------- */

/* What tells two names of one file apart from two files: device and inode
 * for a file that exists (or standard input, for "-"), and for one that
 * does not yet, its directory's device and inode and its last name. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    const char *base;   /* NULL when the file exists */
} file_id;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* The directory PATH is in, in memory the caller frees; NULL when out of
 * memory. */
static char *dir_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);

    if (dir != NULL) {
        memcpy(dir, slash == NULL ? "." : path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* Fills *ID for PATH; returns 0, or -1 when PATH cannot be told apart
 * (its directory does not exist either: then it is no file named twice). */
static int get_file_id(const char *path, file_id *id)
{
    struct stat st;
    char *dir;
    int rc;

    if (strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) == 0 : stat(path, &st) == 0) {
        *id = (file_id){ st.st_dev, st.st_ino, NULL };
        return 0;
    }
    if ((dir = dir_name(path)) == NULL)
        return -1;
    rc = stat(dir, &st);
    free(dir);
    if (rc != 0)
        return -1;
    *id = (file_id){ st.st_dev, st.st_ino, base_name(path) };
    return 0;
}

/* PATH A and PATH B name one file (through links, hard or symbolic). */
static int same_file(const char *a, const char *b)
{
    file_id x, y;

    if (get_file_id(a, &x) < 0 || get_file_id(b, &y) < 0)
        return 0;
    if (x.dev != y.dev || x.ino != y.ino || (x.base == NULL) != (y.base == NULL))
        return 0;
    return x.base == NULL || strcmp(x.base, y.base) == 0;
}

/* Says why the file at PATH could not be written, the model when MODEL is
 * set (which replaces only a regular file, renaming a new one into its
 * directory), --log or --plot otherwise (written in place: a device or a
 * FIFO is fine); returns 0 when it can be. */
static int check_writable(const char *path, int model)
{
    struct stat st;
    char *real = NULL, *dir;
    int rc = 0;

    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            cli_error("%s: %s", path, strerror(EISDIR));
            return -1;
        }
        if (model && !S_ISREG(st.st_mode)) {
            cli_error("%s: not a regular file; a model is written only to a regular "
                      "file", path);
            return -1;
        }
        if (!model) {
            if (access(path, W_OK) != 0) {
                cli_error("%s: %s", path, strerror(errno));
                return -1;
            }
            return 0;
        }
        /* The model is renamed into the directory of the file links lead to. */
        real = realpath(path, NULL);
    } else if (errno != ENOENT) {
        cli_error("%s: %s", path, strerror(errno));
        return -1;
    }
    dir = dir_name(real != NULL ? real : path);
    if (dir == NULL) {
        cli_error("out of memory");
        rc = -1;
    } else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: %s", path, strerror(stat(dir, &st) != 0 ? errno : ENOTDIR));
        rc = -1;
    } else if (access(dir, W_OK | X_OK) != 0) {
        cli_error("%s: cannot create a file in %s: %s", path, dir, strerror(errno));
        rc = -1;
    }
    free(dir);
    free(real);
    return rc;
}

/* Refuses, with EXIT_USAGE, an output file that is also an input (one of
 * the NCORPORA CORPORA or NVALID --valid files) or another output; says,
 * with EXIT_FAILURE_RUN, when an output cannot be written.  Returns EXIT_OK
 * otherwise. */
static int check_paths(const char *output, const char *log_path, const char *plot_path,
                       char *const *corpora, size_t ncorpora,
                       const char *const *valid, size_t nvalid)
{
    const char *outputs[] = { output, log_path, plot_path };
    static const char *const options[] = { "-o", "--log", "--plot" };
    size_t ninputs = ncorpora + nvalid;

    if (strcmp(output, "-") == 0)
        return cli_usage_error("the model cannot go to standard output (-o -); "
                               "name a file, e.g. ./- for a file named '-'");
    for (size_t i = 0; i < 3; i++) {
        if (outputs[i] == NULL)
            continue;
        for (size_t j = 0; j < ninputs; j++) {
            const char *input = j < ncorpora ? corpora[j] : valid[j - ncorpora];
            if (same_file(outputs[i], input))
                return cli_usage_error("%s %s is the input %s: it would be overwritten",
                                       options[i], outputs[i], input);
        }
        for (size_t j = 0; j < i; j++)
            if (outputs[j] != NULL && same_file(outputs[i], outputs[j]))
                return cli_usage_error("%s %s and %s %s are the same file", options[j],
                                       outputs[j], options[i], outputs[i]);
    }
    for (size_t i = 0; i < 3; i++)
        if (outputs[i] != NULL && check_writable(outputs[i], i == 0) < 0)
            return EXIT_FAILURE_RUN;
    return EXIT_OK;
}

/* ---- saving ------------------------------------------------------------- */

/* A signal among SIGINT, SIGTERM and SIGHUP is pending that will be
 * delivered once the mask OLD is back: not blocked in it, not ignored. */
static int held_signal_pending(const sigset_t *old)
{
    sigset_t pending;
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

    if (sigpending(&pending) != 0)
        return 0;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        if (sigismember(old, sigs[i]) == 0 && sigismember(&pending, sigs[i]) == 1 &&
            sigaction(sigs[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
            return 1;
    }
    return 0;
}

/* Saves MODEL to PATH with SIGINT, SIGTERM and SIGHUP held back.  The
 * library removes its temporary file on every failure, but nothing can
 * once the process is killed, and a library installs no signal handlers:
 * so the save is let finish (seconds at most) and a signal that came
 * meanwhile then ends the program as it would have, with no temporary file
 * left and the model either the old one or the new one, whole.  Returns
 * 0, or EXIT_FAILURE_RUN after saying why. */
static int save_model(const sentiment_model *model, const char *path)
{
    sigset_t held, old;
    sentiment_error err;
    int rc;

    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    sigaddset(&held, SIGHUP);
    sigprocmask(SIG_BLOCK, &held, &old);
    rc = sentiment_model_save(model, path, &err);
    if (rc != SENTIMENT_OK)
        cli_library_error(&err);
    else if (held_signal_pending(&old))
        cli_error("stopping on a signal that came while saving; the model was "
                  "written to %s", path);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc == SENTIMENT_OK ? 0 : EXIT_FAILURE_RUN;
}

int main(int argc, char **argv)
{
    enum { OPT_BUCKETS = 256, OPT_NGRAMS, OPT_HIDDEN, OPT_VALIDATION,
           OPT_NO_BATCHNORM, OPT_SEED, OPT_CHAR_NGRAMS, OPT_WEIGHTING,
           OPT_LEXICONS, OPT_NO_NORMALIZE, OPT_NO_HTML, OPT_NO_PLACEHOLDERS,
           OPT_NO_ELONGATION, OPT_NO_NEGATION, OPT_NO_EMOTICONS, OPT_NO_CLITICS,
           OPT_NO_NB, OPT_BN_EPSILON, OPT_OPTIMIZER, OPT_INIT_SCALE, OPT_VALID,
           OPT_PATIENCE, OPT_LOG, OPT_PLOT, OPT_BAD_LINES, OPT_THREADS, OPT_DROPOUT,
           OPT_WEIGHT_DECAY, OPT_LR_SCHEDULE, OPT_QUANTIZE, OPT_PRUNE, OPT_STEM };
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
        {"stem", required_argument, NULL, OPT_STEM},
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
        {"valid", required_argument, NULL, OPT_VALID},
        {"patience", required_argument, NULL, OPT_PATIENCE},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"dropout", required_argument, NULL, OPT_DROPOUT},
        {"lr-schedule", required_argument, NULL, OPT_LR_SCHEDULE},
        {"weight-decay", required_argument, NULL, OPT_WEIGHT_DECAY},
        {"quantize", required_argument, NULL, OPT_QUANTIZE},
        {"prune", required_argument, NULL, OPT_PRUNE},
        {"log", required_argument, NULL, OPT_LOG},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"bad-lines", required_argument, NULL, OPT_BAD_LINES},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}
    };
    sentiment_trainer *trainer = NULL;
    sentiment_model *model = NULL;
    sentiment_error err;
    progress_state state = {0};
    const char *output = NULL, *log_path = NULL, *plot_path = NULL;
    const char *valid[64];
    size_t nvalid = 0;
    char *report = NULL;
    int c, status = EXIT_OK, validation_set = 0;

    cli_program = "sentiment-train";
    argv[0] = (char *)cli_program; /* getopt names it in its messages */
    /* Past the file size limit a write then fails with EFBIG, and the save
     * removes its temporary file, instead of the process being killed. */
    signal(SIGXFSZ, SIG_IGN);
    if (sentiment_trainer_create(&trainer, &err) != SENTIMENT_OK)
        return cli_library_error(&err);

    while ((c = getopt_long(argc, argv, "o:e:l:b:t:qhV", options, NULL)) != -1) {
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
        case OPT_STEM: name = "stem"; break;
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
        case OPT_VALID:
            if (check_valid_file(optarg) != 0) {
                sentiment_trainer_free(trainer);
                return EXIT_USAGE;
            }
            if (nvalid < sizeof valid / sizeof valid[0]) {
                valid[nvalid++] = optarg;
            } else {
                sentiment_trainer_free(trainer);
                return cli_usage_error("more than %zu --valid files",
                                       sizeof valid / sizeof valid[0]);
            }
            break;
        case OPT_PATIENCE: name = "patience"; break;
        case 't':
        case OPT_THREADS: name = "threads"; break;
        case OPT_DROPOUT: name = "dropout"; break;
        case OPT_LR_SCHEDULE: name = "lr-schedule"; break;
        case OPT_WEIGHT_DECAY: name = "weight-decay"; break;
        case OPT_QUANTIZE: name = "quantize"; break;
        case OPT_PRUNE: name = "prune"; break;
        case OPT_LOG: log_path = optarg; break;
        case OPT_PLOT: plot_path = optarg; break;
        case OPT_BAD_LINES: name = "bad-lines"; break;
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
        if (name != NULL && strcmp(name, "epochs") == 0 && value != NULL)
            state.epochs = (unsigned)strtoul(value, NULL, 10);
        if (name != NULL && strcmp(name, "validation") == 0)
            validation_set = 1;
        if (name != NULL && sentiment_trainer_set(trainer, name, value, &err) != SENTIMENT_OK) {
            sentiment_trainer_free(trainer);
            return cli_usage_error("%s", err.message);
        }
    }
    if (output == NULL) {
        sentiment_trainer_free(trainer);
        return cli_usage_error("no output file given (-o MODEL)");
    }
    /* The library ignores the share when validation files are given. */
    if (validation_set && nvalid > 0) {
        sentiment_trainer_free(trainer);
        return cli_usage_error("--validation and --valid exclude each other: the "
                               "examples of --valid are the validation examples");
    }
    if (optind >= argc) {
        sentiment_trainer_free(trainer);
        return cli_usage_error("no training corpus given");
    }
    status = check_paths(output, log_path, plot_path, argv + optind, (size_t)(argc - optind),
                         valid, nvalid);
    if (status != EXIT_OK) {
        sentiment_trainer_free(trainer);
        return status;
    }

    for (int i = optind; i < argc; i++) {
        size_t before = sentiment_trainer_example_count(trainer);
        if (sentiment_trainer_add_file(trainer, argv[i], &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
        if (!state.quiet) {
            size_t added = sentiment_trainer_example_count(trainer) - before;
            fprintf(stderr, "%s: %s: %zu example%s\n", cli_program, argv[i], added,
                    added == 1 ? "" : "s");
        }
    }
    for (size_t i = 0; i < nvalid; i++) {
        size_t before = sentiment_trainer_example_count(trainer);
        if (sentiment_trainer_add_validation_file(trainer, valid[i], &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
        if (!state.quiet) {
            size_t added = sentiment_trainer_example_count(trainer) - before;
            fprintf(stderr, "%s: %s: %zu validation example%s\n", cli_program, valid[i],
                    added, added == 1 ? "" : "s");
        }
    }
    /* Said even with --quiet: the model was trained on less than given. */
    if (sentiment_trainer_skipped_lines(trainer) > 0) {
        size_t n = sentiment_trainer_skipped_lines(trainer);
        fprintf(stderr, "%s: skipped %zu bad line%s, the first at %s\n", cli_program, n,
                n == 1 ? "" : "s", sentiment_trainer_first_skipped_line(trainer));
    }
    warn_about_the_data(trainer);

    if (state.epochs == 0)
        state.epochs = 5; /* the library's default */
    state.loss = calloc(state.epochs, sizeof *state.loss);
    state.valid_loss = calloc(state.epochs, sizeof *state.valid_loss);
    state.accuracy = calloc(state.epochs, sizeof *state.accuracy);
    if (state.loss == NULL || state.valid_loss == NULL || state.accuracy == NULL) {
        cli_error("out of memory");
        status = EXIT_FAILURE_RUN;
        goto out;
    }
    state.tty = isatty(STDERR_FILENO);
    if (log_path != NULL) {
        state.log = fopen(log_path, "w");
        if (state.log == NULL) {
            cli_error("%s: %s", log_path, strerror(errno));
            status = EXIT_FAILURE_RUN;
            goto out;
        }
        state.log_path = log_path;
        fputs("epoch,train_loss,valid_accuracy,elapsed_seconds,valid_loss\n", state.log);
    }
    sentiment_trainer_set_progress(trainer, on_progress, &state);
    if (sentiment_trainer_train(trainer, &model, &err) != SENTIMENT_OK) {
        if (state.bar_drawn)
            fputs("\n", stderr);
        status = cli_library_error(&err);
        goto out;
    }
    if ((status = save_model(model, output)) != EXIT_OK)
        goto out;
    if (state.log != NULL) {
        errno = 0;
        int failed = fclose(state.log) != 0 || state.log_failed;
        int why = state.log_failed ? state.log_errno : errno;
        state.log = NULL;
        if (failed) {
            cli_error("%s: %s; the model was written to %s", log_path,
                      why != 0 ? strerror(why) : "write error", output);
            status = EXIT_FAILURE_RUN;
            goto out;
        }
    }
    if (plot_path != NULL && write_plot(plot_path, &state, state.epochs_run, output) < 0) {
        status = EXIT_FAILURE_RUN;
        goto out;
    }
    if (!state.quiet) {
        if (sentiment_trainer_report(trainer, &report, &err) == SENTIMENT_OK)
            fprintf(stderr, "%s: validation report for the model kept (epoch %u):\n%s",
                    cli_program, state.best_epoch, report);
        fprintf(stderr, "%s: wrote %s (%zu labels)\n", cli_program, output,
                sentiment_model_label_count(model));
    }
out:
    if (state.log != NULL)
        fclose(state.log);
    free(state.loss);
    free(state.valid_loss);
    free(state.accuracy);
    free(report);
    sentiment_model_free(model);
    sentiment_trainer_free(trainer);
    return status;
}
