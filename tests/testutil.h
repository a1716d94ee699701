/*
 * testutil.h - what several unit tests need: temporary files, whole-file
 * reads and writes, the path of a test corpus, and small trained models.
 *
 * Every helper is static inline so that a test program that uses only some
 * of them compiles without warnings.  The helpers fail the current cmocka
 * test instead of returning errors, so tests stay about what they check.
 * Include it after <cmocka.h>.
 */
#ifndef SENTIMENT_TESTUTIL_H
#define SENTIMENT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentiment.h"

/* The directory for temporary files: $TMPDIR, or /tmp. */
static inline const char *tu_tmpdir(void)
{
    const char *d = getenv("TMPDIR");
    return d != NULL && *d != '\0' ? d : "/tmp";
}

/* Creates an empty temporary file; its name goes to PATH (SIZE bytes). */
static inline void tu_temp_path(char *path, size_t size)
{
    int fd;
    int n = snprintf(path, size, "%s/libsentiment-test.XXXXXX", tu_tmpdir());

    assert_true(n > 0 && (size_t)n < size);
    fd = mkstemp(path);
    if (fd < 0)
        fail_msg("mkstemp %s failed", path);
    close(fd);
}

/* Creates a temporary directory; its name goes to PATH (SIZE bytes). */
static inline void tu_temp_dir(char *path, size_t size)
{
    int n = snprintf(path, size, "%s/libsentiment-test.XXXXXX", tu_tmpdir());

    assert_true(n > 0 && (size_t)n < size);
    if (mkdtemp(path) == NULL)
        fail_msg("mkdtemp %s failed", path);
}

static inline void tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        fail_msg("cannot write %s", path);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated, in memory the caller frees. */
static inline unsigned char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data;
    long size;

    if (f == NULL)
        fail_msg("cannot read %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

/* The path of a file of the source tree, such as "tests/data/tiny.tsv". */
static inline void tu_source_path(char *path, size_t size, const char *relative)
{
    const char *top = getenv("top_srcdir");
    int n = snprintf(path, size, "%s/%s", top != NULL && *top ? top : ".", relative);

    assert_true(n > 0 && (size_t)n < size);
}

/* Labeled texts read from a corpus, for classifying what was trained on. */
#define TU_MAX_EXAMPLES 256

typedef struct tu_corpus {
    size_t count;
    char *label[TU_MAX_EXAMPLES];
    char *text[TU_MAX_EXAMPLES];
} tu_corpus;

static inline void tu_corpus_load(tu_corpus *c, const char *path)
{
    sentiment_reader *r;
    sentiment_error err;
    const char *line;
    size_t len;

    memset(c, 0, sizeof *c);
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
    for (;;) {
        sentiment_example ex;
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        if (line == NULL)
            break;
        if (len == 0)
            continue;
        assert_int_equal(sentiment_parse_example(line, len, &ex, &err), SENTIMENT_OK);
        assert_true(c->count < TU_MAX_EXAMPLES);
        c->label[c->count] = strndup(ex.label, ex.label_len);
        c->text[c->count] = strndup(ex.text, ex.text_len);
        assert_non_null(c->label[c->count]);
        assert_non_null(c->text[c->count]);
        c->count++;
    }
    sentiment_reader_free(r);
}

static inline void tu_corpus_free(tu_corpus *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->label[i]);
        free(c->text[i]);
    }
    c->count = 0;
}

/* A new trainer; fails the test when it cannot be made. */
static inline sentiment_trainer *tu_new_trainer(void)
{
    sentiment_trainer *t = NULL;
    sentiment_error err;

    assert_int_equal(sentiment_trainer_create(&t, &err), SENTIMENT_OK);
    assert_non_null(t);
    return t;
}

/* Sets option NAME of T to VALUE; fails the test with the library's
 * message when it is refused. */
static inline void tu_set(sentiment_trainer *t, const char *name, const char *value)
{
    sentiment_error err;

    if (sentiment_trainer_set(t, name, value, &err) != SENTIMENT_OK)
        fail_msg("%s=%s: %s", name, value, err.message);
}

/* The path of tests/data/tiny.tsv. */
static inline void tu_tiny_path(char *path, size_t size)
{
    tu_source_path(path, size, "tests/data/tiny.tsv");
}

/*
 * Trains on the corpus file at PATH with OPTIONS, a NULL-terminated list of
 * name, value pairs ({"epochs", "3", NULL}).  Fails the test on any error.
 */
static inline sentiment_model *tu_train_file(const char *path, const char *const *options)
{
    sentiment_trainer *t;
    sentiment_model *m = NULL;
    sentiment_error err;

    assert_int_equal(sentiment_trainer_create(&t, &err), SENTIMENT_OK);
    for (size_t i = 0; options != NULL && options[i] != NULL; i += 2) {
        if (sentiment_trainer_set(t, options[i], options[i + 1], &err) != SENTIMENT_OK)
            fail_msg("option %s=%s: %s", options[i], options[i + 1], err.message);
    }
    if (sentiment_trainer_add_file(t, path, &err) != SENTIMENT_OK)
        fail_msg("add_file: %s", err.message);
    if (sentiment_trainer_train(t, &m, &err) != SENTIMENT_OK)
        fail_msg("train: %s", err.message);
    sentiment_trainer_free(t);
    assert_non_null(m);
    return m;
}

/*
 * The steps of tu_train_file() without failing the test: creates *T, sets
 * OPTIONS, adds the file at PATH and trains *M, stopping at the first
 * error, whose status is returned.  The caller frees *T and *M (either may
 * be NULL).  For loops that make each allocation fail in turn.
 */
static inline int tu_try_train(const char *path, const char *const *options,
                               sentiment_trainer **t, sentiment_model **m,
                               sentiment_error *err)
{
    int rc;

    *t = NULL;
    *m = NULL;
    rc = sentiment_trainer_create(t, err);
    for (size_t i = 0; rc == SENTIMENT_OK && options[i] != NULL; i += 2)
        rc = sentiment_trainer_set(*t, options[i], options[i + 1], err);
    if (rc == SENTIMENT_OK)
        rc = sentiment_trainer_add_file(*t, path, err);
    if (rc == SENTIMENT_OK)
        rc = sentiment_trainer_train(*t, m, err);
    return rc;
}

/* The same on tests/data/tiny.tsv. */
static inline sentiment_model *tu_train_tiny(const char *const *options)
{
    char path[4096];

    tu_tiny_path(path, sizeof path);
    return tu_train_file(path, options);
}

/* Saves M to a new temporary file whose name goes to PATH. */
static inline void tu_save_temp(const sentiment_model *m, char *path, size_t size)
{
    sentiment_error err;

    tu_temp_path(path, size);
    if (sentiment_model_save(m, path, &err) != SENTIMENT_OK)
        fail_msg("save %s: %s", path, err.message);
}

/* The bytes of M as saved to a file; the caller frees them. */
static inline unsigned char *tu_model_bytes(const sentiment_model *m, size_t *size)
{
    char path[4096];
    unsigned char *data;

    tu_save_temp(m, path, sizeof path);
    data = tu_read_file(path, size);
    unlink(path);
    return data;
}

/* Classifies TEXT with M; the label index is returned, probabilities go to
 * PROBS when not NULL. */
static inline size_t tu_classify(const sentiment_model *m, const char *text, float *probs)
{
    sentiment_classifier *c;
    sentiment_error err;
    size_t label = (size_t)-1;

    assert_int_equal(sentiment_classifier_create(&c, m, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_classify(c, text, strlen(text), &label, probs, &err),
                     SENTIMENT_OK);
    sentiment_classifier_free(c);
    return label;
}

#endif
