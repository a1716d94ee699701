/*
 * train-options.c - sentiment-train's command line, from the library's
 * option table.
 *
 * Every training option of the library is a long option named as the
 * library names it (--epochs=N), or for a flag that is on by default
 * --no-NAME, which turns it off; --help shows each with the table's line
 * of help and default.  So a new library option reaches the command line
 * and --help with no change here.  What is the program's own (-o, --valid,
 * --log, --plot...) and the short names of a few library options are
 * listed below.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "train-options.h"

/* The program's own options, in the order of --help; -o comes before the
 * library's options, the others after them. */
enum own { OWN_OUTPUT, OWN_FROM, OWN_SET, OWN_VALID, OWN_LOG, OWN_PLOT, OWN_QUIET,
           OWN_HELP, OWN_VERSION, OWN_COUNT };

/* The program's options that --help shows before the library's. */
#define OWN_FIRST 2

static const struct own_option {
    int letter;             /* the short option, or 0 */
    const char *name;
    const char *arg;        /* what the value is called, NULL for none */
    const char *help;
} own[OWN_COUNT] = {
    [OWN_OUTPUT] = {'o', "output", "MODEL", "where to write the model (required)"},
    [OWN_FROM] = {0, "from", "MODEL", "fine-tune MODEL, a model file or 'default' for the "
                  "default model, instead of starting from random weights: its features, "
                  "shape and labels are kept, and the training options default to those "
                  "of fine-tuning (see sentiment-train(1))"},
    [OWN_SET] = {0, "set", "NAME=VALUE", "any training option of libsentiment(3) by name"},
    [OWN_VALID] = {0, "valid", "FILE", "validation examples from FILE instead of a share "
                   "of the training ones (may be repeated)"},
    [OWN_LOG] = {0, "log", "FILE", "write one CSV row per epoch to FILE"},
    [OWN_PLOT] = {0, "plot", "FILE.svg", "draw the learning curves into FILE.svg"},
    [OWN_QUIET] = {'q', "quiet", NULL, "print nothing but errors and warnings"},
    [OWN_HELP] = {'h', "help", NULL, "show this help and exit"},
    [OWN_VERSION] = {'V', "version", NULL, "show the version and exit"},
};

/* Short names of library options. */
static const struct { int letter; const char *name; } letters[] = {
    {'e', "epochs"}, {'l', "learning-rate"}, {'b', "batch-size"}, {'t', "threads"},
};

/* getopt_long's values: a letter, or these plus an index. */
enum { OPT_OWN = 256, OPT_LIBRARY = 512 };

#define MAX_LIBRARY_OPTIONS 128
#define NAME_SIZE 64

/* ---- one option of the library on the command line ---------------------- */

/* A flag on by default is offered as --no-NAME, which turns it off. */
static int negated(const sentiment_option *o)
{
    return o->type == SENTIMENT_OPTION_FLAG && o->default_value != NULL &&
           strcmp(o->default_value, "1") == 0;
}

static void long_name(const sentiment_option *o, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", negated(o) ? "no-" : "", o->name);
}

static int letter_of(const char *name)
{
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (strcmp(letters[i].name, name) == 0)
            return letters[i].letter;
    return 0;
}

/* ---- --help --------------------------------------------------------------- */

/* "  -e, --epochs=N" and then HELP, from column 28 on, wrapped before
 * column 80. */
static void print_entry(int letter, const char *name, const char *arg, const char *help)
{
    enum { HELP_COLUMN = 28, WIDTH = 79 };
    int col = letter ? printf("  -%c, --%s", letter, name) : printf("      --%s", name);
    const char *p = help;

    /* --set NAME=VALUE: a second '=' would read badly. */
    if (arg != NULL)
        col += printf("%s%s", strchr(arg, '=') ? " " : "=", arg);
    if (col > HELP_COLUMN - 2) {
        putchar('\n');
        col = 0;
    }
    while (*p != '\0') {
        size_t word = strcspn(p, " ");
        if (col > HELP_COLUMN && col + 1 + (int)word > WIDTH) {
            putchar('\n');
            col = 0;
        }
        if (col < HELP_COLUMN)
            col += printf("%*s", HELP_COLUMN - col, "");
        else
            col += printf(" ");
        col += printf("%.*s", (int)word, p);
        p += word;
        p += *p == ' ';
    }
    putchar('\n');
}

static void print_library_option(const sentiment_option *o)
{
    char name[NAME_SIZE], help[512];
    const char *arg = o->type == SENTIMENT_OPTION_COUNT ? "N" :
                      o->type == SENTIMENT_OPTION_REAL ? "R" :
                      o->type == SENTIMENT_OPTION_PATH ? "PATH" : NULL;

    if (o->choices != NULL)
        arg = o->choices;
    long_name(o, name, sizeof name);
    if (o->type == SENTIMENT_OPTION_FLAG)
        snprintf(help, sizeof help, "%s%s", negated(o) ? "do not " : "", o->help);
    else if (o->default_value != NULL)
        snprintf(help, sizeof help, "%s (default %s)", o->help, o->default_value);
    else
        snprintf(help, sizeof help, "%s", o->help);
    print_entry(letter_of(o->name), name, arg, help);
}

static void usage(void)
{
    printf("Usage: %s [OPTION]... -o MODEL CORPUS...\n", cli_program);
    fputs("Train a sentiment model on labeled reviews and write it to MODEL.\n"
          "\n"
          "Each CORPUS has one example per line, LABEL<TAB>TEXT or fastText's\n"
          "__label__LABEL TEXT, plain or gzip-compressed; '-' reads standard input.\n"
          "Any number of labels; blank lines are skipped.\n"
          "\n", stdout);
    for (size_t i = 0; i < OWN_FIRST; i++)
        print_entry(own[i].letter, own[i].name, own[i].arg, own[i].help);
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;)
        print_library_option(o);
    for (size_t i = OWN_FIRST; i < OWN_COUNT; i++)
        print_entry(own[i].letter, own[i].name, own[i].arg, own[i].help);
    fputs("\n"
          "Exit status: 0 success, 1 bad input or runtime error, 2 bad usage.\n"
          "See sentiment-train(1).\n", stdout);
}

/* ---- the getopt tables ---------------------------------------------------- */

typedef struct option_table {
    struct option *longopts;
    char shortopts[64];
    const sentiment_option *library[MAX_LIBRARY_OPTIONS];
    char (*names)[NAME_SIZE];       /* the library options' long names */
} option_table;

static void add_short(option_table *tab, int letter, int takes_value)
{
    size_t n = strlen(tab->shortopts);

    if (n + 3 <= sizeof tab->shortopts) {
        tab->shortopts[n] = (char)letter;
        tab->shortopts[n + 1] = takes_value ? ':' : '\0';
        tab->shortopts[n + 2] = '\0';
    }
}

/* Fills TAB from the library's options and the program's; 0, or -1 when
 * out of memory. */
static int build_table(option_table *tab)
{
    size_t nlib = 0, k = 0;

    memset(tab, 0, sizeof *tab);
    for (const sentiment_option *o = NULL;
         nlib < MAX_LIBRARY_OPTIONS && (o = sentiment_option_next(o)) != NULL;)
        tab->library[nlib++] = o;
    tab->longopts = calloc(OWN_COUNT + nlib + 1, sizeof *tab->longopts);
    tab->names = calloc(nlib ? nlib : 1, sizeof *tab->names);
    if (tab->longopts == NULL || tab->names == NULL)
        return -1;
    for (size_t i = 0; i < OWN_COUNT; i++, k++) {
        int has_arg = own[i].arg != NULL ? required_argument : no_argument;
        tab->longopts[k] = (struct option){own[i].name, has_arg, NULL,
                                           own[i].letter ? own[i].letter
                                                         : OPT_OWN + (int)i};
        if (own[i].letter)
            add_short(tab, own[i].letter, own[i].arg != NULL);
    }
    for (size_t i = 0; i < nlib; i++, k++) {
        const sentiment_option *o = tab->library[i];
        int flag = o->type == SENTIMENT_OPTION_FLAG;
        long_name(o, tab->names[i], NAME_SIZE);
        tab->longopts[k] = (struct option){tab->names[i],
                                           flag ? no_argument : required_argument, NULL,
                                           OPT_LIBRARY + (int)i};
        if (letter_of(o->name))
            add_short(tab, letter_of(o->name), !flag);
    }
    return 0;
}

static void free_table(option_table *tab)
{
    free(tab->longopts);
    free(tab->names);
}

/* ---- what each option does -------------------------------------------------- */

/* Sets library option NAME; -1 to go on, or EXIT_USAGE after saying why
 * not. */
static int set_option(sentiment_trainer *t, train_args *a, const char *name,
                      const char *value)
{
    sentiment_error err;

    if (strcmp(name, "validation") == 0)
        a->validation_set = 1;
    if (sentiment_trainer_set(t, name, value, &err) != SENTIMENT_OK)
        return cli_usage_error("%s", err.message);
    return -1;
}

/* "0.1", "5", "1e-2": what --validation takes, mistyped as --valid. */
static int looks_like_number(const char *s)
{
    char *end;

    errno = 0;
    (void)strtod(s, &end);
    return end != s && *end == '\0' && errno == 0;
}

/* --valid VALUE: a file of validation examples; but when VALUE names no
 * file and is a number, the user meant a held-out share. */
static int add_valid_file(train_args *a, const char *value)
{
    struct stat st;

    if (looks_like_number(value) && stat(value, &st) != 0 && errno == ENOENT)
        return cli_usage_error("--valid takes a FILE of validation examples, and there is "
                               "no file '%s'; for a held-out share, use --validation=%s",
                               value, value);
    if (a->nvalid >= TRAIN_MAX_VALID)
        return cli_usage_error("more than %d --valid files", TRAIN_MAX_VALID);
    a->valid[a->nvalid++] = value;
    return -1;
}

/* --set NAME=VALUE: any library option by its name. */
static int set_by_name(sentiment_trainer *t, train_args *a, const char *arg)
{
    char name[256];
    const char *eq = strchr(arg, '=');

    if (eq == NULL || (size_t)(eq - arg) >= sizeof name)
        return cli_usage_error("--set takes NAME=VALUE, not '%s'", arg);
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    return set_option(t, a, name, eq + 1);
}

/* One of the program's own options; -1 to go on, or the exit status. */
static int own_option(enum own which, const char *arg, sentiment_trainer *t,
                      train_args *a)
{
    switch (which) {
    case OWN_OUTPUT: a->output = arg; return -1;
    case OWN_FROM: return -1;   /* read before the others (find_from) */
    case OWN_SET: return set_by_name(t, a, arg);
    case OWN_VALID: return add_valid_file(a, arg);
    case OWN_LOG: a->log_path = arg; return -1;
    case OWN_PLOT: a->plot_path = arg; return -1;
    case OWN_QUIET: a->quiet = 1; return -1;
    case OWN_HELP:
        usage();
        return cli_close_stdout() ? EXIT_FAILURE_RUN : EXIT_OK;
    case OWN_VERSION:
        cli_print_version();
        return cli_close_stdout() ? EXIT_FAILURE_RUN : EXIT_OK;
    default:
        fprintf(stderr, "Try '%s --help' for more information.\n", cli_program);
        return EXIT_USAGE;
    }
}

/* What getopt_long's C stands for; -1 to go on, or the exit status. */
static int handle(const option_table *tab, int c, const char *arg, sentiment_trainer *t,
                  train_args *a)
{
    if (c >= OPT_LIBRARY) {
        const sentiment_option *o = tab->library[c - OPT_LIBRARY];
        if (o->type == SENTIMENT_OPTION_FLAG)
            arg = negated(o) ? "0" : "1";
        return set_option(t, a, o->name, arg);
    }
    if (c >= OPT_OWN)
        return own_option((enum own)(c - OPT_OWN), arg, t, a);
    for (size_t i = 0; i < OWN_COUNT; i++)
        if (own[i].letter == c)
            return own_option((enum own)i, arg, t, a);
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (letters[i].letter == c)
            return set_option(t, a, letters[i].name, arg);
    return own_option(OWN_COUNT, arg, t, a);    /* getopt said what is wrong */
}

/* The last --from of the command line, or NULL: read first, since the
 * trainer that the other options go to depends on it.  Errors are left for
 * the second reading to report, in order. */
static const char *find_from(int argc, char **argv, const option_table *tab)
{
    const char *from = NULL;
    int c, saved = opterr;

    opterr = 0;
    while ((c = getopt_long(argc, argv, tab->shortopts, tab->longopts, NULL)) != -1)
        if (c == OPT_OWN + OWN_FROM)
            from = optarg;
    opterr = saved;
    optind = 0;     /* glibc: start over, and again permute the arguments */
    return from;
}

/* The trainer: one that fine-tunes the model FROM names, loaded into
 * A->base, or a new one; 0, or the exit status after saying why not. */
static int make_trainer(const char *from, sentiment_trainer **t, train_args *a)
{
    sentiment_error err;

    a->from = from;
    if (from == NULL)
        return sentiment_trainer_create(t, &err) ? cli_library_error(&err) : 0;
    /* "default" is the model sentiment-classify uses without -m; a file
     * of that name is ./default. */
    if (sentiment_model_load(&a->base, strcmp(from, "default") == 0 ? NULL : from,
                             &err) != SENTIMENT_OK)
        return cli_library_error(&err);
    return sentiment_trainer_create_from(t, a->base, &err) ? cli_library_error(&err) : 0;
}

int train_parse_args(int argc, char **argv, sentiment_trainer **t, train_args *a)
{
    option_table tab;
    int c, status = -1;

    memset(a, 0, sizeof *a);
    *t = NULL;
    if (build_table(&tab) < 0) {
        free_table(&tab);
        cli_error("out of memory");
        return EXIT_FAILURE_RUN;
    }
    if (make_trainer(find_from(argc, argv, &tab), t, a) != 0) {
        free_table(&tab);
        return EXIT_FAILURE_RUN;
    }
    while (status < 0 && (c = getopt_long(argc, argv, tab.shortopts, tab.longopts,
                                          NULL)) != -1)
        status = handle(&tab, c, optarg, *t, a);
    free_table(&tab);
    a->first_corpus = optind;
    return status;
}
