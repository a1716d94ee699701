/*
 * classify-input.c - what sentiment-classify reads: lines, a column of
 * tab-separated lines, labeled lines (--evaluate), or whole files as
 * reviews (--documents).
 *
 * Bad lines are the library reader's business (sentiment_reader_bad_line()),
 * so they are named and skipped as the trainer does.  A batch also ends
 * whenever the input has nothing more ready, so that a line from a pipe or
 * a terminal is answered at once; and when the input fails, what was read
 * before is still written out.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "classify.h"

#define IDLE_WAIT_MS 2          /* see flush_when_idle() */
#define MAX_DELAY_MS 50

static int fail_with(sentiment_error *err, int code, const char *what, const char *path)
{
    snprintf(err->message, sizeof err->message, "%s: %s", path, what);
    err->code = code;
    return code;
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Writes out what was read, and stdout's buffer, when the input has
 * nothing more ready: a line from a pipe or a terminal is answered then
 * rather than when a batch is full.  "Nothing ready" allows IDLE_WAIT_MS
 * for more input to come: a fast writer to a pipe, such as zcat, needs a
 * moment to refill it after each read, and batches of one pipe-full (64
 * KB, some 50 reviews) classified a third slower.  A batch whose first
 * line has waited MAX_DELAY_MS is written out at the next pause, however
 * short, so that a steady trickle of lines is answered with that delay at
 * most. */
static int flush_when_idle(job *j, const sentiment_reader *r, sentiment_error *err)
{
    long long wait;
    int rc;

    if (j->eval != NULL || j->filling->count == 0)
        return SENTIMENT_OK;
    if (j->filling->count == 1)
        j->batch_start_ms = now_ms();
    /* What is left of the delay, at most a short pause. */
    wait = MAX_DELAY_MS - (now_ms() - j->batch_start_ms);
    wait = wait > IDLE_WAIT_MS ? IDLE_WAIT_MS : wait < 0 ? 0 : wait;
    if (sentiment_reader_ready(r, (int)wait))
        return SENTIMENT_OK;
    rc = job_flush(j, err);
    if (rc == SENTIMENT_OK && fflush(stdout) != 0) {
        snprintf(err->message, sizeof err->message, "error writing output: %s",
                 strerror(errno));
        rc = err->code = SENTIMENT_ERR_IO;
    }
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

/* Adds the review at TEXT (TEXT_LEN bytes), in a line of LEN bytes at
 * LINE that the output copies with --field. */
static int add_review(job *j, item *it, const char *line, size_t len, size_t offset,
                      size_t text_len, sentiment_error *err)
{
    size_t at;
    int rc = job_add_bytes(j, line, len, &at, err);

    if (rc != SENTIMENT_OK) {
        snprintf(err->message, sizeof err->message, "%s:%lu: out of memory",
                 j->filling->path, it->line);
        return rc;
    }
    it->prefix = at;
    it->text = at + offset;
    it->text_len = text_len;
    return job_push(j, it, err);
}

/* With --evaluate: the next labeled line, with a label of the model's,
 * goes into the batch; *MORE is 0 at the end of the input. */
static int add_example(job *j, sentiment_reader *r, int *more, sentiment_error *err)
{
    sentiment_example ex;
    item it = {0, 0, 0, 0, 0, -1};

    for (;;) {
        char why[SENTIMENT_ERROR_MESSAGE_SIZE];
        int rc = sentiment_reader_next_example(r, &ex, err);
        *more = rc == SENTIMENT_OK && ex.label != NULL;
        if (!*more)
            return rc;
        it.truth = sentiment_model_find_label(j->model, ex.label, ex.label_len);
        if (it.truth >= 0)
            break;
        snprintf(why, sizeof why, "label '%.*s' is not one of the model's",
                 (int)ex.label_len, ex.label);
        rc = sentiment_reader_bad_line(r, SENTIMENT_ERR_FORMAT, why, err);
        if (rc != SENTIMENT_OK)
            return rc;
    }
    it.line = sentiment_reader_line_number(r);
    return add_review(j, &it, ex.text, ex.text_len, 0, ex.text_len, err);
}

/* The next line goes into the batch: the whole line is the text, or with
 * --field its column N, the whole line being copied out; *MORE is 0 at
 * the end of the input. */
static int add_line(job *j, sentiment_reader *r, int *more, sentiment_error *err)
{
    const char *line;
    size_t len;

    for (;;) {
        item it = {0, 0, 0, 0, 0, -1};
        size_t offset = 0, text_len;
        char why[SENTIMENT_ERROR_MESSAGE_SIZE];
        unsigned long columns;
        int rc = sentiment_reader_next(r, &line, &len, err);
        *more = rc == SENTIMENT_OK && line != NULL;
        if (!*more)
            return rc;
        it.line = sentiment_reader_line_number(r);
        text_len = len;
        if (j->opt->field == 0)
            return add_review(j, &it, line, len, 0, len, err);
        columns = find_field(line, len, j->opt->field, &offset, &text_len);
        if (columns == 0) {
            it.prefix_len = len;
            return add_review(j, &it, line, len, offset, text_len, err);
        }
        snprintf(why, sizeof why, "no column %lu (the line has %lu tab-separated column%s)",
                 j->opt->field, columns, columns == 1 ? "" : "s");
        rc = sentiment_reader_bad_line(r, SENTIMENT_ERR_FORMAT, why, err);
        if (rc != SENTIMENT_OK)
            return rc;
    }
}

/* Adds the lines R skipped to the count of all files. */
static void count_skipped(job *j, const sentiment_reader *r)
{
    if (j->skipped == 0 && sentiment_reader_skipped_lines(r) > 0)
        snprintf(j->first_skipped, sizeof j->first_skipped, "%s",
                 sentiment_reader_first_skipped_line(r));
    j->skipped += sentiment_reader_skipped_lines(r);
}

int run_lines(job *j, const char *path, sentiment_error *err)
{
    sentiment_reader *r;
    int rc, more = 1;

    rc = sentiment_reader_open(&r, path, err);
    if (rc == SENTIMENT_OK && j->opt->skip_bad_lines)
        rc = sentiment_reader_set_bad_lines(r, SENTIMENT_BAD_LINES_SKIP, err);
    if (rc != SENTIMENT_OK) {
        sentiment_reader_free(r);
        return rc;
    }
    j->filling->path = path;
    while (rc == SENTIMENT_OK && more) {
        rc = j->eval != NULL ? add_example(j, r, &more, err) : add_line(j, r, &more, err);
        if (rc == SENTIMENT_OK && more)
            rc = flush_when_idle(j, r, err);
    }
    /* When reading fails, the lines read before are still printed. */
    if (rc == SENTIMENT_OK)
        rc = job_flush(j, err);
    else
        job_flush_before_error(j);
    count_skipped(j, r);
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
    if (job_add_bytes(j, path, strlen(path), &at, err) != SENTIMENT_OK) {
        sentiment_reader_free(r);
        return fail_with(err, SENTIMENT_ERR_NOMEM, "out of memory", path);
    }
    it.prefix = at;
    it.prefix_len = strlen(path);
    it.text = j->filling->len;
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL) {
        int first = sentiment_reader_line_number(r) == 1;
        if ((!first && job_add_bytes(j, "\n", 1, &at, err) != SENTIMENT_OK) ||
            job_add_bytes(j, line, len, &at, err) != SENTIMENT_OK) {
            rc = fail_with(err, SENTIMENT_ERR_NOMEM, "out of memory", path);
            break;
        }
    }
    it.text_len = j->filling->len - it.text;
    sentiment_reader_free(r);
    if (rc != SENTIMENT_OK)
        return rc;
    return job_push(j, &it, err);
}

/* Hidden files (".", "..", ".DS_Store") are no reviews. */
static int visible(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Each regular file of directory PATH, in name order, is a review. */
static int run_directory(job *j, const char *path, sentiment_error *err)
{
    struct dirent **names;
    struct stat st;
    int n, rc = SENTIMENT_OK;

    n = scandir(path, &names, visible, alphasort);
    if (n < 0)
        return fail_with(err, SENTIMENT_ERR_IO, strerror(errno), path);
    for (int i = 0; i < n; i++) {
        if (rc == SENTIMENT_OK) {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *full = malloc(len);
            if (full == NULL) {
                rc = fail_with(err, SENTIMENT_ERR_NOMEM, "out of memory", path);
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

int run_documents(job *j, const char *path, sentiment_error *err)
{
    struct stat st;

    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return run_document(j, path, err);
    return run_directory(j, path, err);
}
