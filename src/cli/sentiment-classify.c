/*
 * sentiment-classify - classify reviews, one per line, one per file, or from
 * a column of a table; or evaluate a model on a labeled corpus.
 *
 * Whatever the input, the output has exactly one line per review, in input
 * order, so that it can be pasted beside the input or joined with it.  The
 * work goes in batches: reviews are read into a batch, the batch is shared
 * out between threads (each with its own classifier: a model may be shared,
 * a classifier may not), each thread writes the output lines of its share
 * into its own buffer, and the buffers are written out in order.  Memory
 * stays bounded by one batch, however long the input.  A batch also ends
 * whenever the input has nothing more ready, so that a line from a pipe or
 * a terminal is answered at once; and when the input fails, the batch read
 * so far is still written out before the error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

#define BATCH_LINES 4096
#define BATCH_BYTES ((size_t)64 << 20) /* a batch of long documents ends sooner */
#define MAX_THREADS 64
#define MAX_EXPLAIN 1000
#define IDLE_WAIT_MS 2          /* see flush_when_idle() */
#define MAX_DELAY_MS 50

typedef struct options {
    int evaluate;
    int documents;
    int all;
    int json;
    unsigned long field;    /* 0: the whole line is the text */
    size_t explain;         /* n-grams to show, 0 for none */
} options;

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

static int fail(sentiment_error *err, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(sentiment_error *err, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = rc;
    return rc;
}

/* ---- output lines -------------------------------------------------------- */

/* A growing buffer; a failed append marks it failed and stops. */
typedef struct buffer {
    char *s;
    size_t len, cap;
    int failed;
} buffer;

static void put(buffer *b, const char *s, size_t len)
{
    if (b->failed || len == 0)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + len) {
            if (cap > SIZE_MAX / 2) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, len);
    b->len += len;
}

static void puts_(buffer *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buffer *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void putf(buffer *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->failed = 1;
    else
        put(b, tmp, (size_t)n);
}

/* The length of the valid UTF-8 sequence at S (LEN bytes left), or 0 when
 * the bytes there are not one (overlong forms, surrogates and code points
 * above U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* S as a JSON string.  Input is any bytes: each byte that is not part of
 * valid UTF-8 becomes U+FFFD, so the output is always valid JSON. */
static void put_json_string(buffer *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    put(b, "\"", 1);
    while (i < len) {
        size_t run = i;
        /* Plain characters go out in one piece. */
        while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
               p[run] != '\\')
            run++;
        put(b, s + i, run - i);
        if (run == len)
            break;
        i = run;
        if (p[i] == '"' || p[i] == '\\') {
            char esc[2] = {'\\', (char)p[i]};
            put(b, esc, 2);
            i++;
        } else if (p[i] < 0x20) {
            static const char hex[] = "0123456789abcdef";
            char esc[6] = {'\\', 'u', '0', '0', hex[p[i] >> 4], hex[p[i] & 15]};
            if (p[i] == '\n')
                put(b, "\\n", 2);
            else if (p[i] == '\t')
                put(b, "\\t", 2);
            else if (p[i] == '\r')
                put(b, "\\r", 2);
            else
                put(b, esc, 6);
            i++;
        } else {
            size_t n = utf8_sequence(p + i, len - i);
            if (n == 0) {
                put(b, "\\ufffd", 6);
                i++;
            } else {
                put(b, s + i, n);
                i += n;
            }
        }
    }
    put(b, "\"", 1);
}

/* A file name in a TSV column: tabs and line ends would split the column
 * or the line, so they become spaces. */
static void put_tsv_name(buffer *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
        put(b, &c, 1);
    }
}

/* ---- batches --------------------------------------------------------------- */

/* One review.  Offsets are into the batch's bytes, which may move while
 * the batch fills. */
typedef struct item {
    size_t prefix, prefix_len;  /* copied to the output: the input line with
                                 * --field, the file name with --documents */
    size_t text, text_len;      /* what is classified */
    unsigned long line;         /* for messages */
    long truth;                 /* --evaluate: the label's index */
} item;

typedef struct batch {
    char *bytes;
    size_t len, cap;
    item *items;
    size_t count, max;          /* max: items per batch */
    const char **texts;         /* filled when the batch is classified */
    size_t *lens;
    size_t *labels;
    float *probs;               /* max x label count */
} batch;

typedef struct job {
    const options *opt;
    const sentiment_model *model;
    size_t labels;
    sentiment_eval *eval;       /* --evaluate, or NULL */
    struct worker *workers;
    unsigned nthreads;
    batch b;
    const char *path;           /* of the file being read, for messages */
    int skip_bad_lines;         /* --bad-lines skip */
    unsigned long skipped;
    char first_skipped[SENTIMENT_ERROR_MESSAGE_SIZE];
    long long batch_start_ms;   /* when the batch got its first line */
} job;

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

typedef struct worker {
    pthread_t thread;
    job *j;
    sentiment_classifier *classifier;
    sentiment_contribution *explained;  /* --explain: K of them */
    size_t from, to;
    buffer out;                 /* the output lines of this share */
    size_t failed;              /* the item that failed */
    int rc;
    sentiment_error err;
} worker;

/* Appends LEN bytes to the batch; returns their offset, or -1 on memory. */
static int add_bytes(batch *b, const char *s, size_t len, size_t *at)
{
    /* Allocated even for nothing, so that offsets always have a base. */
    if (b->bytes == NULL || b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 20;
        while (cap < b->len + len) {
            if (cap > SIZE_MAX / 2)
                return -1;
            cap *= 2;
        }
        char *p = realloc(b->bytes, cap);
        if (p == NULL)
            return -1;
        b->bytes = p;
        b->cap = cap;
    }
    if (len > 0)
        memcpy(b->bytes + b->len, s, len);
    *at = b->len;
    b->len += len;
    return 0;
}

/* The output line of item I in tab-separated columns. */
static void format_tsv(const job *j, const item *it, size_t label, const float *probs,
                       const sentiment_contribution *ex, size_t nex, buffer *out)
{
    const batch *b = &j->b;

    if (j->opt->documents) {
        put_tsv_name(out, b->bytes + it->prefix, it->prefix_len);
        put(out, "\t", 1);
    } else if (j->opt->field > 0) {
        put(out, b->bytes + it->prefix, it->prefix_len);
        put(out, "\t", 1);
    }
    puts_(out, sentiment_model_label(j->model, label));
    putf(out, "\t%.4f", probs[label]);
    if (j->opt->all)
        for (size_t k = 0; k < j->labels; k++) {
            put(out, "\t", 1);
            puts_(out, sentiment_model_label(j->model, k));
            putf(out, ":%.4f", probs[k]);
        }
    if (j->opt->explain > 0) {
        put(out, "\t", 1);
        for (size_t i = 0; i < nex; i++) {
            if (i > 0)
                put(out, " ", 1);
            puts_(out, ex[i].ngram);
            putf(out, ":%+.4f", ex[i].weight);
        }
    }
    put(out, "\n", 1);
}

/* The output line of item I as a JSON object. */
static void format_json(const job *j, const item *it, size_t label, const float *probs,
                        const sentiment_contribution *ex, size_t nex, buffer *out)
{
    const batch *b = &j->b;
    const char *name;

    put(out, "{", 1);
    if (j->opt->documents) {
        puts_(out, "\"file\":");
        put_json_string(out, b->bytes + it->prefix, it->prefix_len);
        put(out, ",", 1);
    } else if (j->opt->field > 0) {
        const char *p = b->bytes + it->prefix, *end = p + it->prefix_len;
        puts_(out, "\"fields\":[");
        for (;;) {
            const char *tab = memchr(p, '\t', (size_t)(end - p));
            const char *stop = tab != NULL ? tab : end;
            put_json_string(out, p, (size_t)(stop - p));
            if (tab == NULL)
                break;
            put(out, ",", 1);
            p = tab + 1;
        }
        puts_(out, "],");
    }
    name = sentiment_model_label(j->model, label);
    puts_(out, "\"label\":");
    put_json_string(out, name, strlen(name));
    putf(out, ",\"probability\":%.4f,\"probabilities\":{", probs[label]);
    for (size_t k = 0; k < j->labels; k++) {
        name = sentiment_model_label(j->model, k);
        if (k > 0)
            put(out, ",", 1);
        put_json_string(out, name, strlen(name));
        putf(out, ":%.4f", probs[k]);
    }
    put(out, "}", 1);
    if (j->opt->explain > 0) {
        puts_(out, ",\"explanation\":[");
        for (size_t i = 0; i < nex; i++) {
            if (i > 0)
                put(out, ",", 1);
            puts_(out, "{\"ngram\":");
            put_json_string(out, ex[i].ngram, strlen(ex[i].ngram));
            putf(out, ",\"weight\":%.4f}", ex[i].weight);
        }
        put(out, "]", 1);
    }
    puts_(out, "}\n");
}

/* Classifies this worker's share of the batch and, unless evaluating,
 * writes its output lines. */
static void *classify_share(void *arg)
{
    worker *w = arg;
    job *j = w->j;
    batch *b = &j->b;
    const size_t L = j->labels;

    w->rc = SENTIMENT_OK;
    w->out.len = 0;
    w->out.failed = 0;
    /* One call per text, not sentiment_classify_batch(): its messages
     * would name the text by its place in this share, which the user
     * never sees; flush() names the file and line. */
    for (size_t i = w->from; i < w->to; i++) {
        b->texts[i] = b->bytes + b->items[i].text;
        b->lens[i] = b->items[i].text_len;
        w->rc = sentiment_classify(w->classifier, b->texts[i], b->lens[i], &b->labels[i],
                                   b->probs + i * L, &w->err);
        if (w->rc != SENTIMENT_OK) {
            w->failed = i;
            return NULL;
        }
    }
    if (j->eval != NULL)
        return NULL;
    for (size_t i = w->from; i < w->to; i++) {
        size_t nex = 0;
        if (j->opt->explain > 0) {
            w->rc = sentiment_explain(w->classifier, b->texts[i], b->lens[i], b->labels[i],
                                      w->explained, j->opt->explain, &nex, &w->err);
            if (w->rc != SENTIMENT_OK) {
                w->failed = i;
                return NULL;
            }
        }
        if (j->opt->json)
            format_json(j, &b->items[i], b->labels[i], b->probs + i * L, w->explained, nex,
                        &w->out);
        else
            format_tsv(j, &b->items[i], b->labels[i], b->probs + i * L, w->explained, nex,
                       &w->out);
    }
    if (w->out.failed) {
        w->failed = w->from;
        w->rc = fail(&w->err, SENTIMENT_ERR_NOMEM, "out of memory for the output");
    }
    return NULL;
}

/* Classifies the batch and writes or counts its results, then empties it.
 * The first item that fails, in input order, gives the error. */
static int flush(job *j, sentiment_error *err)
{
    batch *b = &j->b;
    unsigned nthreads = j->nthreads, started = 1;
    worker *workers = j->workers;
    int rc = SENTIMENT_OK;

    if (b->count == 0)
        return SENTIMENT_OK;
    /* A few reviews are not worth a thread each. */
    if (nthreads > b->count)
        nthreads = (unsigned)b->count;
    for (unsigned t = 0; t < nthreads; t++) {
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

    for (unsigned t = 0; t < nthreads && rc == SENTIMENT_OK; t++) {
        worker *w = &workers[t];
        if (w->rc != SENTIMENT_OK) {
            const item *it = &b->items[w->failed < w->to ? w->failed : w->from];
            *err = w->err;
            if (j->opt->documents)
                rc = fail(err, w->rc, "%.*s: %s", (int)it->prefix_len,
                          b->bytes + it->prefix, w->err.message);
            else
                rc = at_line(err, w->rc, j->path, it->line);
            break;
        }
        if (j->eval != NULL) {
            for (size_t i = w->from; i < w->to && rc == SENTIMENT_OK; i++)
                rc = sentiment_eval_add_probs(j->eval, (size_t)b->items[i].truth,
                                              b->probs + i * j->labels, err);
        } else if (fwrite(w->out.s, 1, w->out.len, stdout) != w->out.len) {
            rc = fail(err, SENTIMENT_ERR_IO, "error writing output: %s", strerror(errno));
        }
    }
    b->count = 0;
    b->len = 0;
    return rc;
}

/* Adds an item whose bytes were just appended; flushes a full batch. */
static int push(job *j, const item *it, sentiment_error *err)
{
    batch *b = &j->b;

    b->items[b->count++] = *it;
    if (b->count == b->max || b->len >= BATCH_BYTES)
        return flush(j, err);
    return SENTIMENT_OK;
}

/* After an error, the reviews read before it are still classified and
 * printed, as if the input had ended there; the error itself is reported
 * by the caller.  An evaluation prints no report after an error, so it
 * has nothing to finish. */
static void flush_before_error(job *j)
{
    sentiment_error later;

    if (j->eval == NULL && flush(j, &later) != SENTIMENT_OK)
        cli_library_error(&later);
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Writes out the batch, and stdout's buffer, when the input has nothing
 * more ready: a line from a pipe or a terminal is answered then rather
 * than when a batch is full.  "Nothing ready" allows IDLE_WAIT_MS for more
 * input to come: a fast writer to a pipe, such as zcat, needs a moment to
 * refill it after each read, and batches of one pipe-full (64 KB, some 50
 * reviews) classified a third slower.  A batch whose first line has
 * waited MAX_DELAY_MS is written out at the next pause, however short, so
 * that a steady trickle of lines is answered with that delay at most. */
static int flush_when_idle(job *j, const sentiment_reader *r, sentiment_error *err)
{
    long long wait;
    int rc;

    if (j->eval != NULL || j->b.count == 0)
        return SENTIMENT_OK;
    if (j->b.count == 1)
        j->batch_start_ms = now_ms();
    /* What is left of the delay, at most a short pause. */
    wait = MAX_DELAY_MS - (now_ms() - j->batch_start_ms);
    wait = wait > IDLE_WAIT_MS ? IDLE_WAIT_MS : wait < 0 ? 0 : wait;
    if (sentiment_reader_ready(r, (int)wait))
        return SENTIMENT_OK;
    rc = flush(j, err);
    if (rc == SENTIMENT_OK && fflush(stdout) != 0)
        rc = fail(err, SENTIMENT_ERR_IO, "error writing output: %s", strerror(errno));
    return rc;
}

/* Column N (from 1) of a tab-separated line: its offset and length.
 * Returns 0, or, when the line has fewer than N columns, how many it has. */
static unsigned long find_field(const char *line, size_t len, unsigned long n, size_t *at,
                                size_t *field_len)
{
    size_t start = 0;
    const char *tab;

    for (unsigned long col = 1; col < n; col++) {
        tab = memchr(line + start, '\t', len - start);
        if (tab == NULL)
            return col;
        start = (size_t)(tab - line) + 1;
    }
    tab = memchr(line + start, '\t', len - start);
    *at = start;
    *field_len = (tab != NULL ? (size_t)(tab - line) : len) - start;
    return 0;
}

/* A bad line (ERR says why, CODE): an error, or with --bad-lines skip
 * counted and left out (SENTIMENT_OK). */
static int bad_line(job *j, int code, unsigned long line, sentiment_error *err)
{
    at_line(err, code, j->path, line);
    return skip_bad_line(j, err) ? SENTIMENT_OK : code;
}

/* Adds line NUMBER of the input to the batch: the text to classify, with
 * its label for --evaluate (where blank lines are left out), with the
 * whole line to copy out for --field. */
static int add_line(job *j, const char *line, size_t len, unsigned long number,
                    sentiment_error *err)
{
    item it = {0, 0, 0, 0, number, -1};
    const char *keep = line;        /* the bytes the batch keeps */
    size_t keep_len = len, offset = 0, text_len = len, at;

    if (j->eval != NULL) {
        sentiment_example ex;
        int rc;
        if (len == 0)
            return SENTIMENT_OK;
        rc = sentiment_parse_example(line, len, &ex, err);
        if (rc != SENTIMENT_OK)
            return bad_line(j, rc, number, err);
        it.truth = sentiment_model_find_label(j->model, ex.label, ex.label_len);
        if (it.truth < 0) {
            fail(err, SENTIMENT_ERR_FORMAT, "label '%.*s' is not one of the model's",
                 (int)ex.label_len, ex.label);
            return bad_line(j, SENTIMENT_ERR_FORMAT, number, err);
        }
        keep = ex.text;
        keep_len = text_len = ex.text_len;
    } else if (j->opt->field > 0) {
        /* The whole line goes out again, the column in it is the text. */
        unsigned long columns = find_field(line, len, j->opt->field, &offset, &text_len);
        if (columns > 0) {
            fail(err, SENTIMENT_ERR_FORMAT, "no column %lu (the line has %lu tab-separated "
                 "column%s)", j->opt->field, columns, columns == 1 ? "" : "s");
            return bad_line(j, SENTIMENT_ERR_FORMAT, number, err);
        }
        it.prefix_len = len;
    }
    if (add_bytes(&j->b, keep, keep_len, &at) < 0)
        return at_line(err, fail(err, SENTIMENT_ERR_NOMEM, "out of memory"), j->path, number);
    it.prefix = at;
    it.text = at + offset;
    it.text_len = text_len;
    return push(j, &it, err);
}

/* Classifies every line of PATH, or with --evaluate every labeled line.
 * When reading fails, the lines read before are still printed. */
static int run_lines(job *j, const char *path, sentiment_error *err)
{
    sentiment_reader *r;
    const char *line;
    size_t len;
    int rc;

    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    j->path = path;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        rc = add_line(j, line, len, sentiment_reader_line_number(r), err);
        if (rc == SENTIMENT_OK)
            rc = flush_when_idle(j, r, err);
        if (rc != SENTIMENT_OK)
            break;
    }
    if (rc == SENTIMENT_OK)
        rc = flush(j, err);
    else
        flush_before_error(j);
    j->b.count = 0;
    j->b.len = 0;
    sentiment_reader_free(r);
    return rc;
}

/* Reads the whole of PATH as one review, its lines joined by newlines. */
static int run_document(job *j, const char *path, sentiment_error *err)
{
    sentiment_reader *r;
    const char *line;
    size_t len, at;
    item it = {0, 0, 0, 0, 1, -1};
    int rc;

    rc = sentiment_reader_open(&r, path, err);
    if (rc != SENTIMENT_OK)
        return rc;
    /* Earlier documents are flushed with the name of their own file. */
    if (add_bytes(&j->b, path, strlen(path), &at) < 0) {
        sentiment_reader_free(r);
        return fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
    }
    it.prefix = at;
    it.prefix_len = strlen(path);
    it.text = j->b.len;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        int first = sentiment_reader_line_number(r) == 1;
        if ((!first && add_bytes(&j->b, "\n", 1, &at) < 0) ||
            add_bytes(&j->b, line, len, &at) < 0) {
            rc = fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
            break;
        }
    }
    it.text_len = j->b.len - it.text;
    sentiment_reader_free(r);
    if (rc != SENTIMENT_OK)
        return rc;
    return push(j, &it, err);
}

/* Hidden files (".", "..", ".DS_Store") are no reviews. */
static int visible(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* With --documents: PATH is a review, or a directory of them. */
static int run_documents(job *j, const char *path, sentiment_error *err)
{
    struct dirent **names;
    struct stat st;
    int n, rc = SENTIMENT_OK;

    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return run_document(j, path, err);
    n = scandir(path, &names, visible, alphasort);
    if (n < 0)
        return fail(err, SENTIMENT_ERR_IO, "%s: %s", path, strerror(errno));
    for (int i = 0; i < n; i++) {
        if (rc == SENTIMENT_OK) {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *full = malloc(len);
            if (full == NULL) {
                rc = fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
            } else {
                snprintf(full, len, "%s%s%s", path,
                         path[strlen(path) - 1] == '/' ? "" : "/", names[i]->d_name);
                /* Subdirectories are not entered: a folder of reviews is
                 * flat, and its neighbours may be other labels. */
                if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
                    rc = run_document(j, full, err);
                free(full);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
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

int main(int argc, char **argv)
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
    static char *const stdin_only[] = {"-", NULL};
    const char *model_path = NULL;
    char *const *files;
    int c, nfiles, status = EXIT_OK;
    sentiment_model *model = NULL;
    sentiment_error err;
    worker workers[MAX_THREADS];
    unsigned nthreads = 0;
    unsigned long n;
    options opt = {0, 0, 0, 0, 0, 0};
    job j;

    cli_program = "sentiment-classify";
    argv[0] = (char *)cli_program; /* getopt names it in its messages */
    memset(workers, 0, sizeof workers);
    memset(&j, 0, sizeof j);
    while ((c = getopt_long(argc, argv, "m:ef:dax:t:hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'e': opt.evaluate = 1; break;
        case OPT_BAD_LINES:
            if (strcmp(optarg, "stop") != 0 && strcmp(optarg, "skip") != 0)
                return cli_usage_error("--bad-lines: '%s' is neither 'stop' nor 'skip'",
                                       optarg);
            j.skip_bad_lines = strcmp(optarg, "skip") == 0;
            break;
        case 'd': opt.documents = 1; break;
        case 'a': opt.all = 1; break;
        case 'f':
            if (parse_count(optarg, 1000000, &n) < 0 || n == 0)
                return cli_usage_error("--field: '%s' is not a column number from 1", optarg);
            opt.field = n;
            break;
        case 'x':
            if (parse_count(optarg, MAX_EXPLAIN, &n) < 0 || n == 0)
                return cli_usage_error("--explain: '%s' is not a whole number from 1 to %d",
                                       optarg, MAX_EXPLAIN);
            opt.explain = n;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                opt.json = 1;
            else if (strcmp(optarg, "tsv") == 0)
                opt.json = 0;
            else
                return cli_usage_error("--format: '%s' is neither tsv nor json", optarg);
            break;
        case 't':
            if (parse_count(optarg, MAX_THREADS, &n) < 0)
                return cli_usage_error("--threads: '%s' is not a whole number from 0 to %d",
                                       optarg, MAX_THREADS);
            nthreads = (unsigned)n;
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
    if (opt.evaluate && optind >= argc)
        return cli_usage_error("--evaluate needs a labeled CORPUS file");
    if (opt.evaluate && (opt.field || opt.documents || opt.all || opt.json || opt.explain))
        return cli_usage_error("--evaluate prints a report: it takes no --field, "
                               "--documents, --all, --explain or --format");
    if (opt.field && opt.documents)
        return cli_usage_error("--field and --documents exclude each other");
    files = optind < argc ? argv + optind : stdin_only;
    nfiles = optind < argc ? argc - optind : 1;

    if (nthreads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (unsigned)cores;
    }
    if (sentiment_model_load(&model, model_path, &err) != SENTIMENT_OK)
        return cli_library_error(&err);
    j.opt = &opt;
    j.model = model;
    j.labels = sentiment_model_label_count(model);
    j.workers = workers;
    j.nthreads = nthreads;
    /* The probabilities of a batch take label count floats per review:
     * fewer reviews per batch when there are very many labels. */
    j.b.max = ((size_t)1 << 22) / j.labels;
    j.b.max = j.b.max > BATCH_LINES ? BATCH_LINES : j.b.max < 16 ? 16 : j.b.max;
    j.b.items = malloc(j.b.max * sizeof *j.b.items);
    j.b.texts = malloc(j.b.max * sizeof *j.b.texts);
    j.b.lens = malloc(j.b.max * sizeof *j.b.lens);
    j.b.labels = malloc(j.b.max * sizeof *j.b.labels);
    j.b.probs = malloc(j.b.max * j.labels * sizeof *j.b.probs);
    if (!j.b.items || !j.b.texts || !j.b.lens || !j.b.labels || !j.b.probs) {
        cli_error("out of memory");
        status = EXIT_FAILURE_RUN;
        goto out;
    }
    for (unsigned t = 0; t < nthreads; t++) {
        workers[t].j = &j;
        if (opt.explain > 0) {
            workers[t].explained = malloc(opt.explain * sizeof *workers[t].explained);
            if (workers[t].explained == NULL) {
                cli_error("out of memory");
                status = EXIT_FAILURE_RUN;
                goto out;
            }
        }
        if (sentiment_classifier_create(&workers[t].classifier, model, &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
    }
    if (opt.evaluate && sentiment_eval_create(&j.eval, model, &err) != SENTIMENT_OK) {
        status = cli_library_error(&err);
        goto out;
    }
    for (int i = 0; i < nfiles; i++) {
        int rc = opt.documents ? run_documents(&j, files[i], &err)
                               : run_lines(&j, files[i], &err);
        if (rc != SENTIMENT_OK) {
            flush_before_error(&j); /* the documents before a bad one */
            status = cli_library_error(&err);
            goto out;
        }
    }
    if (opt.documents && flush(&j, &err) != SENTIMENT_OK) {
        status = cli_library_error(&err);
        goto out;
    }
    if (j.skipped > 0)
        fprintf(stderr, "%s: skipped %lu bad line%s, the first at %s\n", cli_program,
                j.skipped, j.skipped == 1 ? "" : "s", j.first_skipped);
    if (opt.evaluate) {
        char *report;
        if (sentiment_eval_report(j.eval, &report, &err) != SENTIMENT_OK) {
            status = cli_library_error(&err);
            goto out;
        }
        fputs(report, stdout);
        free(report);
    }
out:
    for (unsigned t = 0; t < MAX_THREADS; t++) {
        free(workers[t].explained);
        free(workers[t].out.s);
        sentiment_classifier_free(workers[t].classifier);
    }
    free(j.b.bytes);
    free(j.b.items);
    free(j.b.texts);
    free(j.b.lens);
    free(j.b.labels);
    free(j.b.probs);
    sentiment_eval_free(j.eval);
    sentiment_model_free(model);
    if (cli_close_stdout() && status == EXIT_OK)
        status = EXIT_FAILURE_RUN;
    return status;
}
