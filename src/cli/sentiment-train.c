/*
 * sentiment-train - train a model on labeled reviews.
 *
 * Parses options (train-options.c), hands them to the library by name, and
 * reports progress.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"
#include "train-options.h"

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

/* ---- the run, step by step --------------------------------------------------- */

/* What the command line lacks or has twice, and outputs that would
 * overwrite an input or cannot be written; EXIT_OK when all is well. */
static int check_args(const train_args *a, int argc, char **argv)
{
    if (a->output == NULL)
        return cli_usage_error("no output file given (-o MODEL)");
    /* The library ignores the share when validation files are given. */
    if (a->validation_set && a->nvalid > 0)
        return cli_usage_error("--validation and --valid exclude each other: the "
                               "examples of --valid are the validation examples");
    if (a->first_corpus >= argc)
        return cli_usage_error("no training corpus given");
    /* -o may name the model fine-tuned, which is read by now: the new one
     * replaces it, as asked; --log or --plot would only destroy it. */
    if (a->base != NULL && a->from != NULL && strcmp(a->from, "default") != 0) {
        if (a->log_path != NULL && same_file(a->log_path, a->from))
            return cli_usage_error("--log %s is the model of --from: it would be "
                                   "overwritten", a->log_path);
        if (a->plot_path != NULL && same_file(a->plot_path, a->from))
            return cli_usage_error("--plot %s is the model of --from: it would be "
                                   "overwritten", a->plot_path);
    }
    return check_paths(a->output, a->log_path, a->plot_path, argv + a->first_corpus,
                       (size_t)(argc - a->first_corpus), a->valid, a->nvalid);
}

/* Adds the examples of the N files PATHS, as validation examples when
 * VALIDATION is set, saying how many each gave unless QUIET. */
static int add_files(sentiment_trainer *t, char *const *paths, size_t n, int validation,
                     int quiet)
{
    sentiment_error err;

    for (size_t i = 0; i < n; i++) {
        size_t before = sentiment_trainer_example_count(t), added;
        int rc = validation ? sentiment_trainer_add_validation_file(t, paths[i], &err)
                            : sentiment_trainer_add_file(t, paths[i], &err);
        if (rc != SENTIMENT_OK)
            return cli_library_error(&err);
        added = sentiment_trainer_example_count(t) - before;
        if (!quiet)
            fprintf(stderr, "%s: %s: %zu %sexample%s\n", cli_program, paths[i], added,
                    validation ? "validation " : "", added == 1 ? "" : "s");
    }
    return EXIT_OK;
}

/* Reads every corpus and --valid file, then says what was skipped and
 * what looks wrong with the data. */
static int read_inputs(sentiment_trainer *t, const train_args *a, char **corpora,
                       size_t ncorpora)
{
    int status = add_files(t, corpora, ncorpora, 0, a->quiet);

    if (status == EXIT_OK)
        status = add_files(t, (char *const *)a->valid, a->nvalid, 1, a->quiet);
    if (status != EXIT_OK)
        return status;
    /* Said even with --quiet: the model was trained on less than given. */
    if (sentiment_trainer_skipped_lines(t) > 0) {
        size_t n = sentiment_trainer_skipped_lines(t);
        fprintf(stderr, "%s: skipped %zu bad line%s, the first at %s\n", cli_program, n,
                n == 1 ? "" : "s", sentiment_trainer_first_skipped_line(t));
    }
    warn_about_the_data(t);
    return EXIT_OK;
}

/* Readies S for the epochs planned: the curves, the terminal, the --log
 * file with its header. */
static int start_progress(progress_state *s, const sentiment_trainer *t,
                          const train_args *a)
{
    char epochs[32];

    s->quiet = a->quiet;
    s->epochs = 5; /* the library's default, should it not say */
    if (sentiment_trainer_get(t, "epochs", epochs, sizeof epochs, NULL) == SENTIMENT_OK)
        s->epochs = (unsigned)strtoul(epochs, NULL, 10);
    s->loss = calloc(s->epochs, sizeof *s->loss);
    s->valid_loss = calloc(s->epochs, sizeof *s->valid_loss);
    s->accuracy = calloc(s->epochs, sizeof *s->accuracy);
    if (s->loss == NULL || s->valid_loss == NULL || s->accuracy == NULL) {
        cli_error("out of memory");
        return EXIT_FAILURE_RUN;
    }
    s->tty = isatty(STDERR_FILENO);
    if (a->log_path != NULL) {
        s->log = fopen(a->log_path, "w");
        if (s->log == NULL) {
            cli_error("%s: %s", a->log_path, strerror(errno));
            return EXIT_FAILURE_RUN;
        }
        s->log_path = a->log_path;
        fputs("epoch,train_loss,valid_accuracy,elapsed_seconds,valid_loss\n", s->log);
    }
    return EXIT_OK;
}

/* Closes the --log file, saying so when it could not be written; the
 * model is at OUTPUT all the same. */
static int close_log(progress_state *s, const char *output)
{
    int failed, why;

    if (s->log == NULL)
        return EXIT_OK;
    errno = 0;
    failed = fclose(s->log) != 0 || s->log_failed;
    why = s->log_failed ? s->log_errno : errno;
    s->log = NULL;
    if (failed) {
        cli_error("%s: %s; the model was written to %s", s->log_path,
                  why != 0 ? strerror(why) : "write error", output);
        return EXIT_FAILURE_RUN;
    }
    return EXIT_OK;
}

/* Trains, saves the model, closes the log, draws the plot and reports. */
static int train_and_save(sentiment_trainer *t, const train_args *a, progress_state *s)
{
    sentiment_model *model = NULL;
    sentiment_error err;
    char *report = NULL;
    int status;

    sentiment_trainer_set_progress(t, on_progress, s);
    if (sentiment_trainer_train(t, &model, &err) != SENTIMENT_OK) {
        if (s->bar_drawn)
            fputs("\n", stderr);
        return cli_library_error(&err);
    }
    status = save_model(model, a->output);
    if (status == EXIT_OK)
        status = close_log(s, a->output);
    if (status == EXIT_OK && a->plot_path != NULL &&
        write_plot(a->plot_path, s, s->epochs_run, a->output) < 0)
        status = EXIT_FAILURE_RUN;
    if (status == EXIT_OK && !a->quiet) {
        if (sentiment_trainer_report(t, &report, &err) == SENTIMENT_OK)
            fprintf(stderr, "%s: validation report for the model kept (epoch %u):\n%s",
                    cli_program, s->best_epoch, report);
        fprintf(stderr, "%s: wrote %s (%zu labels)\n", cli_program, a->output,
                sentiment_model_label_count(model));
    }
    free(report);
    sentiment_model_free(model);
    return status;
}

/* Everything after the command line is read: the run, step by step. */
static int run(sentiment_trainer *t, const train_args *a, int argc, char **argv)
{
    progress_state state = {0};
    int status = check_args(a, argc, argv);

    if (status == EXIT_OK)
        status = read_inputs(t, a, argv + a->first_corpus,
                             (size_t)(argc - a->first_corpus));
    if (status == EXIT_OK)
        status = start_progress(&state, t, a);
    if (status == EXIT_OK)
        status = train_and_save(t, a, &state);
    if (state.log != NULL)
        fclose(state.log);
    free(state.loss);
    free(state.valid_loss);
    free(state.accuracy);
    return status;
}

int main(int argc, char **argv)
{
    sentiment_trainer *trainer = NULL;
    train_args args;
    int status;

    cli_program = "sentiment-train";
    argv[0] = (char *)cli_program; /* getopt names it in its messages */
    /* Past the file size limit a write then fails with EFBIG, and the save
     * removes its temporary file, instead of the process being killed. */
    signal(SIGXFSZ, SIG_IGN);
    status = train_parse_args(argc, argv, &trainer, &args);
    if (status < 0)
        status = run(trainer, &args, argc, argv);
    sentiment_trainer_free(trainer);
    sentiment_model_free(args.base);
    return status;
}
