/*
 * test_trainer.c - sentiment_trainer: options, examples, training runs,
 * progress and cancellation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

static void add(sentiment_trainer *t, const char *label, const char *text)
{
    sentiment_error err;

    if (sentiment_trainer_add(t, label, strlen(label), text, strlen(text), &err) !=
        SENTIMENT_OK)
        fail_msg("add %s: %s", label, err.message);
}

/* Expects NAME=VALUE to be refused with ERR_INVALID, naming the option. */
static void expect_invalid(sentiment_trainer *t, const char *name, const char *value)
{
    sentiment_error err;
    int rc;

    memset(&err, 0, sizeof err);
    rc = sentiment_trainer_set(t, name, value, &err);
    if (rc != SENTIMENT_ERR_INVALID)
        fail_msg("%s=\"%s\" gave status %d, expected SENTIMENT_ERR_INVALID", name,
                 value, rc);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    assert_non_null(strstr(err.message, name));
}

static void test_trainer_rejects_an_unknown_option(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;

    (void)state;
    expect_invalid(t, "bucket", "16");
    expect_invalid(t, "", "1");
    expect_invalid(t, "Epochs", "1");
    assert_int_equal(sentiment_trainer_set(t, NULL, "1", &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_set(t, "epochs", NULL, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_set(NULL, "epochs", "1", &err),
                     SENTIMENT_ERR_INVALID);
    sentiment_trainer_free(t);
}

static void test_trainer_accepts_only_powers_of_two_for_buckets(void **state)
{
    static const char *const bad[] = {
        "1000", "0", "8", "134217728", "4097", "abc", "", " 16", "+16", "-16", "16x",
        "1e4", "99999999999999999999999"};
    sentiment_trainer *t = tu_new_trainer();

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(t, "buckets", bad[i]);
    tu_set(t, "buckets", "16");
    tu_set(t, "buckets", "4096");
    tu_set(t, "buckets", "67108864");
    sentiment_trainer_free(t);
}

static void test_trainer_checks_the_range_of_every_option(void **state)
{
    static const struct { const char *name, *bad[6], *good[4]; } cases[] = {
        {"ngrams", {"0", "6", "-1", "2.5", NULL}, {"1", "3", "5", NULL}},
        {"char-ngrams", {"0", "6", "-1", "x", NULL}, {"1", "4", "5", NULL}},
        {"weighting", {"tf", "", "BINARY", NULL}, {"binary", "logtf", NULL}},
        {"normalize", {"2", "-1", "yes", NULL}, {"0", "1", NULL}},
        {"negation", {"2", "on", NULL}, {"0", "1", NULL}},
        {"html", {"2", "", NULL}, {"0", "1", NULL}},
        {"hidden", {"0", "1025", "x", NULL}, {"1", "16", "1024", NULL}},
        {"epochs", {"0", "10001", "", NULL}, {"1", "10000", NULL}},
        {"batch-size", {"0", "65537", NULL}, {"1", "65536", NULL}},
        {"learning-rate", {"0", "-0.1", "101", "nan", "fast", NULL},
         {"0.001", "1e-3", "100", NULL}},
        {"validation", {"1.5", "-0.1", "0.95", "nan", "", NULL}, {"0", "0.5", "0.9", NULL}},
        {"batchnorm", {"2", "-1", "yes", NULL}, {"0", "1", NULL}},
        {"seed", {"-1", "18446744073709551616", "x", NULL},
         {"0", "18446744073709551615", NULL}},
    };
    sentiment_trainer *t = tu_new_trainer();

    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t i = 0; cases[c].bad[i] != NULL; i++)
            expect_invalid(t, cases[c].name, cases[c].bad[i]);
        for (size_t i = 0; cases[c].good[i] != NULL; i++)
            tu_set(t, cases[c].name, cases[c].good[i]);
    }
    sentiment_trainer_free(t);
}

static void test_trainer_needs_two_examples_and_two_labels(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m = (sentiment_model *)&m;
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_ERR_DATA);
    assert_null(m);
    add(t, "pos", "good");
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_ERR_DATA);
    assert_int_equal(err.code, SENTIMENT_ERR_DATA);
    add(t, "pos", "great");
    add(t, "pos", "fine");
    assert_int_equal(sentiment_trainer_example_count(t), 3);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_ERR_DATA);
    assert_null(m);
    assert_non_null(strstr(err.message, "pos"));
    /* A second label makes it trainable. */
    tu_set(t, "buckets", "16");
    tu_set(t, "epochs", "1");
    add(t, "neg", "bad");
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_model_label_count(m), 2);
    sentiment_model_free(m);
    assert_int_equal(sentiment_trainer_train(t, NULL, &err), SENTIMENT_ERR_INVALID);
    sentiment_trainer_free(t);
    sentiment_trainer_free(NULL);
    assert_int_equal(sentiment_trainer_example_count(NULL), 0);
}

static void test_trainer_add_rejects_bad_labels(void **state)
{
    static const struct { const char *label; size_t len; } bad[] = {
        {"", 0}, {"a\tb", 3}, {"a\nb", 3}, {"a\0b", 3}};
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char *long_label = malloc(1026);

    (void)state;
    assert_non_null(long_label);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sentiment_trainer_add(t, bad[i].label, bad[i].len, "x", 1, &err),
                         SENTIMENT_ERR_INVALID);
    memset(long_label, 'L', 1025);
    assert_int_equal(sentiment_trainer_add(t, long_label, 1025, "x", 1, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_add(t, NULL, 0, "x", 1, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_add(t, "ok", 2, NULL, 1, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_example_count(t), 0);
    /* 1024 bytes is fine, and so is an empty text. */
    assert_int_equal(sentiment_trainer_add(t, long_label, 1024, "x", 1, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add(t, "ok", 2, NULL, 0, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_example_count(t), 2);
    free(long_label);
    sentiment_trainer_free(t);
}

/* Labels become JSON keys and model strings: two Latin-1 labels must not
 * print as one key, nor a CR make "pos\r" a label of its own. */
static void test_trainer_add_rejects_labels_that_are_not_utf8_or_hold_control_characters(
    void **state)
{
    static const char *const bad[] = {"caf\xE9", "caf\xE8", "pos\r", "\r", "n\x1B[0meg",
                                      "p\x7F", "pos\xC2\x85", "\xED\xA0\x80", "\xC3"};
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        if (sentiment_trainer_add(t, bad[i], strlen(bad[i]), "x", 1, &err) !=
            SENTIMENT_ERR_INVALID)
            fail_msg("label %zu was accepted", i);
        assert_true(strstr(err.message, "UTF-8") || strstr(err.message, "control"));
        assert_int_equal(sentiment_trainer_add_validation(t, bad[i], strlen(bad[i]), "x", 1,
                                                          &err), SENTIMENT_ERR_INVALID);
    }
    assert_int_equal(sentiment_trainer_example_count(t), 0);
    add(t, "caf\xC3\xA9", "x");
    add(t, "\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85", "three stars");
    assert_int_equal(sentiment_trainer_example_count(t), 2);
    sentiment_trainer_free(t);
}

/* Training and validation files alike name the file and line of a label
 * that is not UTF-8; with bad-lines skip, the line is skipped. */
static void test_trainer_add_file_names_file_and_line_of_a_label_that_is_not_utf8(
    void **state)
{
    static const char corpus[] = "pos\tgood\ncaf\xE9\tbad\npos\tlater\n";
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char path[4096], want[4200];

    (void)state;
    tu_temp_path(path, sizeof path);
    tu_write_file(path, corpus, sizeof corpus - 1);
    snprintf(want, sizeof want, "%s:2: ", path);
    memset(&err, 0, sizeof err);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_ERR_FORMAT);
    if (strncmp(err.message, want, strlen(want)) != 0 || !strstr(err.message, "UTF-8"))
        fail_msg("message \"%s\" does not start with \"%s\" and say \"UTF-8\"",
                 err.message, want);
    memset(&err, 0, sizeof err);
    assert_int_equal(sentiment_trainer_add_validation_file(t, path, &err),
                     SENTIMENT_ERR_FORMAT);
    assert_memory_equal(err.message, want, strlen(want));
    tu_set(t, "bad-lines", "skip");
    assert_int_equal(sentiment_trainer_example_count(t), 2);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_example_count(t), 4);
    assert_int_equal(sentiment_trainer_skipped_lines(t), 1);
    unlink(path);
    sentiment_trainer_free(t);
}

/* A corpus saved on Windows trains with the same labels: the reader takes
 * the CR of each CRLF line end off before the label is checked. */
static void test_trainer_reads_labels_of_a_crlf_corpus_without_the_cr(void **state)
{
    static const char corpus[] =
        "pos\tgood fun\r\nneg\tbad dull\r\n__label__pos great\r\n__label__neg\r\n";
    const char *const options[] = {"buckets", "256", "epochs", "1", "validation", "0",
                                   NULL};
    sentiment_model *m;
    char path[4096];

    (void)state;
    tu_temp_path(path, sizeof path);
    tu_write_file(path, corpus, sizeof corpus - 1);
    m = tu_train_file(path, options);
    assert_int_equal(sentiment_model_label_count(m), 2);
    assert_string_equal(sentiment_model_label(m, 0), "neg");
    assert_string_equal(sentiment_model_label(m, 1), "pos");
    sentiment_model_free(m);
    unlink(path);
}

/* What a program needs to tell junk labels from real ones. */
static void test_trainer_counts_the_examples_of_each_label(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_trainer_label_count(t), 0);
    assert_null(sentiment_trainer_label(t, 0));
    add(t, "pos", "good");
    add(t, "neg", "bad");
    add(t, "pos", "fine");
    assert_int_equal(sentiment_trainer_add_validation(t, "neu", 3, "so so", 5, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add_validation(t, "pos", 3, "great", 5, &err),
                     SENTIMENT_OK);
    /* Refused examples count for nothing. */
    assert_int_equal(sentiment_trainer_add(t, "p\r", 2, "x", 1, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_label_count(t), 3);
    /* In the order they first occurred, validation examples included. */
    assert_string_equal(sentiment_trainer_label(t, 0), "pos");
    assert_string_equal(sentiment_trainer_label(t, 1), "neg");
    assert_string_equal(sentiment_trainer_label(t, 2), "neu");
    assert_null(sentiment_trainer_label(t, 3));
    assert_int_equal(sentiment_trainer_label_examples(t, 0), 3);
    assert_int_equal(sentiment_trainer_label_examples(t, 1), 1);
    assert_int_equal(sentiment_trainer_label_examples(t, 2), 1);
    assert_int_equal(sentiment_trainer_label_examples(t, 3), 0);
    assert_int_equal(sentiment_trainer_label_count(NULL), 0);
    assert_null(sentiment_trainer_label(NULL, 0));
    assert_int_equal(sentiment_trainer_label_examples(NULL, 0), 0);
    /* Enough labels to grow the arrays, each counted. */
    for (unsigned i = 0; i < 100; i++) {
        char label[16];
        snprintf(label, sizeof label, "l%u", i % 50);
        add(t, label, "text");
    }
    assert_int_equal(sentiment_trainer_label_count(t), 53);
    assert_string_equal(sentiment_trainer_label(t, 52), "l49");
    assert_int_equal(sentiment_trainer_label_examples(t, 52), 2);
    sentiment_trainer_free(t);
}

/* The share of the corpus texts that M labels as the corpus does. */
static double accuracy_on(const sentiment_model *m, const tu_corpus *c)
{
    size_t right = 0;

    for (size_t i = 0; i < c->count; i++) {
        size_t label = tu_classify(m, c->text[i], NULL);
        right += strcmp(sentiment_model_label(m, label), c->label[i]) == 0;
    }
    return (double)right / (double)c->count;
}

static void test_trainer_fits_the_tiny_corpus(void **state)
{
    static const char *const options[] = {
        "epochs", "40", "buckets", "4096", "validation", "0", "hidden", "8",
        "batch-size", "8", NULL};
    static const char *const without_batchnorm[] = {
        "epochs", "40", "buckets", "4096", "validation", "0", "hidden", "8",
        "batch-size", "8", "batchnorm", "0", NULL};
    char path[4096];
    tu_corpus c;
    sentiment_model *m;
    double acc;

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    assert_int_equal(c.count, 40);
    m = tu_train_tiny(options);
    acc = accuracy_on(m, &c);
    print_message("training accuracy with batch normalization: %.3f\n", acc);
    assert_true(acc >= 0.95);
    sentiment_model_free(m);
    m = tu_train_tiny(without_batchnorm);
    acc = accuracy_on(m, &c);
    print_message("training accuracy without: %.3f\n", acc);
    assert_true(acc >= 0.95);
    sentiment_model_free(m);
    tu_corpus_free(&c);
}

static void test_trainer_fits_the_tiny_corpus_with_default_batches(void **state)
{
    /* The batch size left at its default of 128: the 40 examples make one
     * batch per epoch. */
    static const char *const options[] = {
        "epochs", "40", "buckets", "4096", "validation", "0", "hidden", "8", NULL};
    char path[4096];
    tu_corpus c;
    sentiment_model *m;
    double acc;

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    m = tu_train_tiny(options);
    acc = accuracy_on(m, &c);
    print_message("training accuracy: %.3f\n", acc);
    assert_true(acc >= 0.95);
    sentiment_model_free(m);
    tu_corpus_free(&c);
}

/* The bytes of the model trained on tiny.tsv with OPTIONS, saved. */
static unsigned char *trained_bytes(const char *const *options, size_t *size)
{
    sentiment_model *m = tu_train_tiny(options);
    char path[4096];
    unsigned char *data;

    tu_save_temp(m, path, sizeof path);
    data = tu_read_file(path, size);
    unlink(path);
    sentiment_model_free(m);
    return data;
}

static void test_trainer_gives_identical_files_for_the_same_seed(void **state)
{
    static const char *const seed7[] = {
        "epochs", "5", "buckets", "1024", "hidden", "4", "seed", "7", NULL};
    static const char *const seed8[] = {
        "epochs", "5", "buckets", "1024", "hidden", "4", "seed", "8", NULL};
    unsigned char *a, *b, *c;
    size_t na, nb, nc;

    (void)state;
    a = trained_bytes(seed7, &na);
    b = trained_bytes(seed7, &nb);
    c = trained_bytes(seed8, &nc);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_true(na != nc || memcmp(a, c, na) != 0);
    free(a);
    free(b);
    free(c);
}

static void test_trainer_copies_what_it_is_given(void **state)
{
    sentiment_trainer *t1 = tu_new_trainer(), *t2 = tu_new_trainer();
    sentiment_model *m1, *m2;
    sentiment_error err;
    char label[8], text[64];
    char p1[4096], p2[4096];
    unsigned char *d1, *d2;
    size_t n1, n2;

    (void)state;
    for (int i = 0; i < 10; i++) {
        snprintf(label, sizeof label, "%s", i % 2 ? "pos" : "neg");
        snprintf(text, sizeof text, "%s text number %d", i % 2 ? "good" : "bad", i);
        add(t1, label, text);
        add(t2, i % 2 ? "pos" : "neg", text);
        /* Overwritten right away: the trainer must hold its own copy. */
        memset(label, 'X', sizeof label - 1);
        memset(text, 'Y', sizeof text - 1);
    }
    tu_set(t1, "buckets", "256");
    tu_set(t2, "buckets", "256");
    assert_int_equal(sentiment_trainer_train(t1, &m1, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_train(t2, &m2, &err), SENTIMENT_OK);
    tu_save_temp(m1, p1, sizeof p1);
    tu_save_temp(m2, p2, sizeof p2);
    d1 = tu_read_file(p1, &n1);
    d2 = tu_read_file(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(d1, d2, n1);
    free(d1);
    free(d2);
    unlink(p1);
    unlink(p2);
    sentiment_model_free(m1);
    sentiment_model_free(m2);
    sentiment_trainer_free(t1);
    sentiment_trainer_free(t2);
}

/* What a progress callback saw. */
typedef struct progress_log {
    unsigned calls, epoch_calls, features_calls;
    unsigned epochs[64];
    unsigned planned;
    size_t train_examples, valid_examples;
    int out_of_order;       /* a FEATURES report after an epoch, or elapsed going back */
    int bad_values;         /* a loss or accuracy out of range */
    double last_elapsed;
    int first_best;
    unsigned cancel_at;     /* return non-zero at this epoch (0: never) */
    int cancel_features;    /* return non-zero at the FEATURES stage */
} progress_log;

static int record_progress(const sentiment_progress *p, void *user)
{
    progress_log *log = user;

    log->calls++;
    if (p->stage == SENTIMENT_STAGE_FEATURES) {
        log->features_calls++;
        if (log->epoch_calls > 0 || p->epoch != 0)
            log->out_of_order = 1;
        return log->cancel_features;
    }
    if (p->stage == SENTIMENT_STAGE_BATCH) {
        /* Within an epoch: never the start or the end of one. */
        if (!(p->epoch_fraction > 0 && p->epoch_fraction < 1))
            log->bad_values = 1;
        log->calls--;
        return 0;
    }
    assert_int_equal(p->stage, SENTIMENT_STAGE_EPOCH);
    if (log->epoch_calls < 64)
        log->epochs[log->epoch_calls] = p->epoch;
    if (log->epoch_calls == 0)
        log->first_best = p->best;
    log->epoch_calls++;
    log->planned = p->epochs;
    log->train_examples = p->train_examples;
    log->valid_examples = p->valid_examples;
    if (!(isfinite(p->loss) && p->loss >= 0))
        log->bad_values = 1;
    if (p->valid_examples > 0 ? !(p->valid_accuracy >= 0 && p->valid_accuracy <= 1)
                              : p->valid_accuracy != -1)
        log->bad_values = 1;
    if (p->elapsed < log->last_elapsed)
        log->out_of_order = 1;
    log->last_elapsed = p->elapsed;
    return log->cancel_at != 0 && p->epoch == log->cancel_at;
}

/* Trains on tiny.tsv with OPTIONS and the progress LOG; returns the status. */
static int train_with_progress(const char *const *options, progress_log *log)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m = (sentiment_model *)&m;
    sentiment_error err;
    char path[4096];
    int rc;

    for (size_t i = 0; options[i] != NULL; i += 2)
        tu_set(t, options[i], options[i + 1]);
    tu_tiny_path(path, sizeof path);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_OK);
    sentiment_trainer_set_progress(t, record_progress, log);
    rc = sentiment_trainer_train(t, &m, &err);
    if (rc == SENTIMENT_OK) {
        assert_non_null(m);
    } else {
        assert_null(m);
        assert_int_equal(err.code, rc);
    }
    sentiment_model_free(rc == SENTIMENT_OK ? m : NULL);
    sentiment_trainer_free(t);
    return rc;
}

static void test_trainer_reports_progress_once_per_epoch(void **state)
{
    static const char *const options[] = {
        "epochs", "6", "buckets", "256", "validation", "0.25", "patience", "0", NULL};
    static const char *const no_validation[] = {
        "epochs", "3", "buckets", "256", "validation", "0", NULL};
    progress_log log;

    (void)state;
    memset(&log, 0, sizeof log);
    assert_int_equal(train_with_progress(options, &log), SENTIMENT_OK);
    assert_int_equal(log.epoch_calls, 6);
    assert_int_equal(log.features_calls, 1);
    assert_int_equal(log.calls, 7);
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(log.epochs[i], i + 1);
    assert_int_equal(log.planned, 6);
    assert_int_equal(log.train_examples, 30);
    assert_int_equal(log.valid_examples, 10);
    assert_false(log.out_of_order);
    assert_false(log.bad_values);
    assert_true(log.first_best);

    memset(&log, 0, sizeof log);
    assert_int_equal(train_with_progress(no_validation, &log), SENTIMENT_OK);
    assert_int_equal(log.epoch_calls, 3);
    assert_int_equal(log.train_examples, 40);
    assert_int_equal(log.valid_examples, 0);
    assert_false(log.bad_values);
}

static void test_trainer_cancels_when_progress_returns_nonzero(void **state)
{
    static const char *const options[] = {"epochs", "10", "buckets", "256",
                                          "patience", "0", NULL};
    progress_log log;

    (void)state;
    memset(&log, 0, sizeof log);
    log.cancel_at = 2;
    assert_int_equal(train_with_progress(options, &log), SENTIMENT_ERR_CANCELLED);
    assert_int_equal(log.epoch_calls, 2);

    memset(&log, 0, sizeof log);
    log.cancel_at = 10; /* even at the very last epoch */
    assert_int_equal(train_with_progress(options, &log), SENTIMENT_ERR_CANCELLED);
    assert_int_equal(log.epoch_calls, 10);

    memset(&log, 0, sizeof log);
    log.cancel_features = 1;
    assert_int_equal(train_with_progress(options, &log), SENTIMENT_ERR_CANCELLED);
    assert_int_equal(log.epoch_calls, 0);
}

static void test_trainer_add_file_names_file_and_line_of_a_bad_line(void **state)
{
    static const char corpus[] =
        "pos\tgood\n\n__label__neg bad\nthis line has no label\npos\tlater\n";
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char path[4096], want[4200];

    (void)state;
    tu_temp_path(path, sizeof path);
    tu_write_file(path, corpus, sizeof corpus - 1);
    memset(&err, 0, sizeof err);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_ERR_FORMAT);
    assert_int_equal(err.code, SENTIMENT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:4: ", path);
    if (strncmp(err.message, want, strlen(want)) != 0 || !strstr(err.message, "no label"))
        fail_msg("message \"%s\" does not start with \"%s\" and say \"no label\"",
                 err.message, want);
    /* The lines before it were added; the blank line was skipped. */
    assert_int_equal(sentiment_trainer_example_count(t), 2);

    /* An empty label is reported the same way. */
    tu_write_file(path, "pos\tok\n\tno label here\n", 23);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:2: ", path);
    assert_memory_equal(err.message, want, strlen(want));
    unlink(path);

    /* A missing file is an I/O error that names it. */
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, path));
    sentiment_trainer_free(t);
}

static void test_trainer_add_file_skips_blank_lines(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char path[4096], tiny[4096];

    (void)state;
    tu_temp_path(path, sizeof path);
    tu_write_file(path, "\r\npos\ta\n\n\nneg\tb\r\n\n", 18);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_example_count(t), 2);
    unlink(path);
    /* A second file adds to the first. */
    tu_tiny_path(tiny, sizeof tiny);
    assert_int_equal(sentiment_trainer_add_file(t, tiny, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_example_count(t), 42);
    sentiment_trainer_free(t);
}

static void test_trainer_sorts_the_labels_of_the_model(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m;
    sentiment_error err;

    (void)state;
    tu_set(t, "buckets", "64");
    tu_set(t, "epochs", "2");
    /* "pos" comes first in the data, "neg" first in the model. */
    add(t, "pos", "good");
    add(t, "pos", "nice");
    add(t, "neg", "bad");
    add(t, "neg", "awful");
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_model_label_count(m), 2);
    assert_string_equal(sentiment_model_label(m, 0), "neg");
    assert_string_equal(sentiment_model_label(m, 1), "pos");
    assert_int_equal(sentiment_model_find_label(m, "neg", 3), 0);
    sentiment_model_free(m);
    /* By bytes: capitals before lower case, a prefix before its extensions. */
    add(t, "posit", "great");
    add(t, "Z", "meh");
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_model_label_count(m), 4);
    assert_string_equal(sentiment_model_label(m, 0), "Z");
    assert_string_equal(sentiment_model_label(m, 1), "neg");
    assert_string_equal(sentiment_model_label(m, 2), "pos");
    assert_string_equal(sentiment_model_label(m, 3), "posit");
    sentiment_model_free(m);
    sentiment_trainer_free(t);
}

static void test_trainer_learns_three_labels(void **state)
{
    static const char *const words[3][4] = {
        {"awful", "terrible", "horrible", "dreadful"},
        {"okay", "average", "ordinary", "mediocre"},
        {"wonderful", "excellent", "superb", "brilliant"}};
    static const char *const labels[3] = {"neg", "neu", "pos"};
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m;
    sentiment_error err;
    char text[128];
    size_t right = 0, total = 0;

    (void)state;
    tu_set(t, "buckets", "1024");
    tu_set(t, "epochs", "60");
    tu_set(t, "hidden", "8");
    tu_set(t, "validation", "0");
    tu_set(t, "batch-size", "8");
    /* Added in the order pos, neg, neu. */
    for (int i = 0; i < 12; i++)
        for (int k = 2; k < 5; k++) {
            snprintf(text, sizeof text, "the film was %s, really %s",
                     words[k % 3][i % 4], words[k % 3][(i + 1) % 4]);
            add(t, labels[k % 3], text);
        }
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_model_label_count(m), 3);
    for (size_t k = 0; k < 3; k++)
        assert_string_equal(sentiment_model_label(m, k), labels[k]);
    /* Each training text gets its own label back. */
    for (size_t k = 0; k < 3; k++)
        for (size_t w = 0; w < 4; w++) {
            float probs[3];
            snprintf(text, sizeof text, "the film was %s, really %s", words[k][w],
                     words[k][(w + 1) % 4]);
            right += tu_classify(m, text, probs) == k;
            total++;
            assert_true(fabsf(probs[0] + probs[1] + probs[2] - 1) < 1e-5f);
        }
    print_message("three labels: %zu of %zu right\n", right, total);
    assert_true(right >= total - 1);
    sentiment_model_free(m);
    sentiment_trainer_free(t);
}

static void test_trainer_fails_cleanly_when_memory_runs_out(void **state)
{
    static const char *const texts[] = {
        "good film", "bad film", "great acting", "awful plot", "lovely", "dreadful"};
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        sentiment_trainer *t = NULL;
        sentiment_model *m = NULL;
        sentiment_error err;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_trainer_create(&t, &err);
        if (rc == SENTIMENT_OK) {
            static const char *const options[] = {
                "buckets", "16", "hidden", "2", "epochs", "2", "validation", "0.34",
                "batch-size", "2", NULL};
            for (size_t i = 0; options[i] != NULL; i += 2)
                if (sentiment_trainer_set(t, options[i], options[i + 1], &err))
                    fail_msg("set %s: %s", options[i], err.message);
            for (size_t i = 0; rc == SENTIMENT_OK && i < 6; i++)
                rc = sentiment_trainer_add(t, i % 2 ? "neg" : "pos", 3, texts[i],
                                           strlen(texts[i]), &err);
        }
        if (rc == SENTIMENT_OK)
            rc = sentiment_trainer_train(t, &m, &err);
        sn_alloc_fail_at = 0;
        sentiment_trainer_free(t);
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            assert_int_equal(sentiment_model_label_count(m), 2);
            sentiment_model_free(m);
            break;
        }
        if (rc != SENTIMENT_ERR_NOMEM)
            fail_msg("allocation %lu failing gave status %d (%s)", n, rc, err.message);
        assert_null(m);
    }
    print_message("a small training run makes %lu allocations\n", n - 1);
    assert_true(n > 20);
}

/* ---- the validation share ------------------------------------------------ */

/* The support of LABEL in the validation report of T: how many of the
 * examples held out have that label (the last figure of its line). */
static unsigned long long held_out_with(const sentiment_trainer *t, const char *label)
{
    sentiment_error err;
    char *report = NULL;
    unsigned long long n = 0;

    if (sentiment_trainer_report(t, &report, &err) != SENTIMENT_OK)
        fail_msg("report: %s", err.message);
    for (const char *line = report; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > strlen(label) && strncmp(line, label, strlen(label)) == 0 &&
            line[strlen(label)] == ' ' && !strstr(line, "examples")) {
            const char *last = line + len;
            while (last > line && last[-1] != ' ')
                last--;
            n = strtoull(last, NULL, 10);
            break;
        }
        line = end ? end + 1 : NULL;
    }
    free(report);
    return n;
}

/* A trainer with N_POS "pos" and N_NEG "neg" examples, each text its own. */
static sentiment_trainer *trainer_with(unsigned n_pos, unsigned n_neg, const char *seed)
{
    sentiment_trainer *t = tu_new_trainer();
    char text[64];

    tu_set(t, "buckets", "256");
    tu_set(t, "hidden", "4");
    tu_set(t, "epochs", "1");
    tu_set(t, "seed", seed);
    for (unsigned i = 0; i < n_pos; i++) {
        snprintf(text, sizeof text, "good fine %u", i);
        add(t, "pos", text);
    }
    for (unsigned i = 0; i < n_neg; i++) {
        snprintf(text, sizeof text, "bad awful %u", i);
        add(t, "neg", text);
    }
    return t;
}

/* Drawn from all examples at once, the only "neg" of 61 was held out about
 * as often as the share said (with 0.25, by seed 5), and the model then
 * never saw one. */
static void test_trainer_never_holds_out_the_only_example_of_a_label(void **state)
{
    static const struct { const char *share; unsigned pos; } cases[] = {
        {"0.05", 3}, {"0.25", 15}, {"0.5", 30}, {"0.9", 54}};

    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (unsigned seed = 1; seed <= 8; seed++) {
            char s[8];
            sentiment_trainer *t;
            sentiment_model *m = NULL;
            sentiment_error err;

            snprintf(s, sizeof s, "%u", seed);
            t = trainer_with(60, 1, s);
            tu_set(t, "validation", cases[k].share);
            if (sentiment_trainer_train(t, &m, &err) != SENTIMENT_OK)
                fail_msg("share %s, seed %u: %s", cases[k].share, seed, err.message);
            if (held_out_with(t, "neg") != 0)
                fail_msg("share %s, seed %u: the only neg example was held out",
                         cases[k].share, seed);
            assert_int_equal(held_out_with(t, "pos"), cases[k].pos);
            sentiment_model_free(m);
            sentiment_trainer_free(t);
        }
    }
}

/* Each label gives its share: 25 % of 40 "pos" and 20 "neg" is 10 and 5,
 * whatever the seed; which ones depends on the seed, reproducibly. */
static void test_trainer_holds_out_the_validation_share_of_each_label(void **state)
{
    size_t size[3] = {0, 0, 0};
    unsigned char *bytes[3] = {NULL, NULL, NULL};

    (void)state;
    for (unsigned seed = 1; seed <= 8; seed++) {
        char s[8];
        sentiment_trainer *t;
        sentiment_model *m = NULL;
        sentiment_error err;

        snprintf(s, sizeof s, "%u", seed);
        t = trainer_with(40, 20, s);
        tu_set(t, "validation", "0.25");
        assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
        if (held_out_with(t, "pos") != 10 || held_out_with(t, "neg") != 5)
            fail_msg("seed %u: %llu pos and %llu neg held out, not 10 and 5", seed,
                     held_out_with(t, "pos"), held_out_with(t, "neg"));
        if (seed <= 2)
            bytes[seed] = tu_model_bytes(m, &size[seed]);
        if (seed == 1) {
            sentiment_model_free(m);
            assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
            bytes[0] = tu_model_bytes(m, &size[0]);
        }
        sentiment_model_free(m);
        sentiment_trainer_free(t);
    }
    assert_non_null(bytes[0]);
    assert_true(size[0] == size[1] && memcmp(bytes[0], bytes[1], size[0]) == 0);
    assert_false(size[1] == size[2] && memcmp(bytes[1], bytes[2], size[1]) == 0);
    for (int i = 0; i < 3; i++)
        free(bytes[i]);
}

/* Validation examples given explicitly may name a label that no training
 * example has: the model could never learn it, so training refuses. */
static void test_trainer_refuses_a_label_with_validation_examples_only(void **state)
{
    sentiment_trainer *t = trainer_with(10, 10, "1");
    sentiment_model *m = NULL;
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_trainer_add_validation(t, "pos", 3, "good", 4, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add_validation(t, "Neg", 3, "bad", 3, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add_validation(t, "Neg", 3, "dull", 4, &err),
                     SENTIMENT_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_ERR_DATA);
    assert_null(m);
    if (!strstr(err.message, "'Neg'") || !strstr(err.message, "no training example"))
        fail_msg("message \"%s\" does not name 'Neg' and say \"no training example\"",
                 err.message);
    /* One training example is enough. */
    add(t, "Neg", "so bad");
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    sentiment_model_free(m);
    sentiment_trainer_free(t);
}

/* The validation report is of the last training, which must have
 * succeeded: after a training refused, the report of the one before
 * described a model the caller may no longer have, as if it were the new
 * one's. */
static void test_trainer_keeps_no_report_once_a_training_fails(void **state)
{
    sentiment_trainer *t = trainer_with(10, 10, "1");
    sentiment_model *m = NULL;
    sentiment_error err;
    char *report = NULL;

    (void)state;
    assert_int_equal(sentiment_trainer_add_validation(t, "pos", 3, "good", 4, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add_validation(t, "neg", 3, "bad", 3, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    sentiment_model_free(m);
    assert_int_equal(sentiment_trainer_report(t, &report, &err), SENTIMENT_OK);
    free(report);
    /* A label with validation examples only: the next training is refused. */
    assert_int_equal(sentiment_trainer_add_validation(t, "Neg", 3, "dull", 4, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_ERR_DATA);
    assert_null(m);
    report = NULL;
    assert_int_equal(sentiment_trainer_report(t, &report, &err), SENTIMENT_ERR_INVALID);
    assert_null(report);
    sentiment_trainer_free(t);
}

/* ---- word lists ("lexicons") ---------------------------------------------- */

/* Expects the lexicons folder DIR to be refused with ERR_IO, the message
 * naming DIR and every file of MISSING and no other list file. */
static void expect_lexicons_refused(const char *dir, const char *const *missing)
{
    static const char *const files[] = {"negation.txt", "contrast.txt",
                                        "intensifiers.txt", "emoticons.txt"};
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;

    memset(&err, 0, sizeof err);
    assert_int_equal(sentiment_trainer_set(t, "lexicons", dir, &err), SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, dir));
    for (size_t i = 0; i < 4; i++) {
        int named = strstr(err.message, files[i]) != NULL, expected = 0;
        for (size_t k = 0; missing[k] != NULL; k++)
            expected |= strcmp(missing[k], files[i]) == 0;
        if (named != expected)
            fail_msg("message \"%s\" %s %s", err.message,
                     named ? "names" : "does not name", files[i]);
    }
    sentiment_trainer_free(t);
}

/* A folder of word lists without the lists (a mistyped path, the folder
 * above the right one) trained with empty lists in silence. */
static void test_trainer_refuses_a_lexicons_folder_without_the_lists(void **state)
{
    static const char *const all[] = {"negation.txt", "contrast.txt", "intensifiers.txt",
                                      "emoticons.txt", NULL};
    static const char *const three[] = {"contrast.txt", "intensifiers.txt",
                                        "emoticons.txt", NULL};
    sentiment_trainer *t;
    sentiment_error err;
    char dir[4096], path[4200];

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    expect_lexicons_refused(dir, all);
    /* One list is not enough either: a file misnamed would be an empty
     * list, silently.  An empty file says so on purpose. */
    snprintf(path, sizeof path, "%s/negation.txt", dir);
    tu_write_file(path, "nope\n", 5);
    expect_lexicons_refused(dir, three);
    for (size_t k = 0; three[k] != NULL; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, three[k]);
        tu_write_file(path, "", 0);
    }
    t = tu_new_trainer();
    if (sentiment_trainer_set(t, "lexicons", dir, &err) != SENTIMENT_OK)
        fail_msg("four lists, three of them empty: %s", err.message);
    sentiment_trainer_free(t);
    for (size_t k = 0; all[k] != NULL; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, all[k]);
        unlink(path);
    }
    rmdir(dir);
}

/* ---- malformed corpus lines ("bad-lines") -------------------------------- */

/* A corpus file: the tiny corpus with two malformed lines (3 and the
 * last); its path goes to PATH. */
static void write_corpus_with_bad_lines(char *path, size_t size)
{
    char tiny[4096];
    size_t len;
    unsigned char *data;
    FILE *f;

    tu_tiny_path(tiny, sizeof tiny);
    data = tu_read_file(tiny, &len);
    tu_temp_path(path, size);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("pos\tgood\nneg\tbad\nthis line has no label\n", f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fputs("\tan empty label\n", f);
    assert_int_equal(fclose(f), 0);
    free(data);
}

static void test_trainer_stops_at_the_first_bad_line_by_default(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char path[4096], want[4200];

    (void)state;
    write_corpus_with_bad_lines(path, sizeof path);
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:3: no label", path);
    assert_non_null(strstr(err.message, want));
    assert_int_equal(sentiment_trainer_skipped_lines(t), 0);
    assert_null(sentiment_trainer_first_skipped_line(t));
    tu_set(t, "bad-lines", "stop");
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_ERR_FORMAT);
    expect_invalid(t, "bad-lines", "ignore");
    expect_invalid(t, "bad-lines", "");
    sentiment_trainer_free(t);
    unlink(path);
}

static void test_trainer_skips_bad_lines_counting_them_and_naming_the_first(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char path[4096], want[4200];
    size_t lines;

    (void)state;
    write_corpus_with_bad_lines(path, sizeof path);
    tu_set(t, "bad-lines", "skip");
    assert_int_equal(sentiment_trainer_add_file(t, path, &err), SENTIMENT_OK);
    lines = sentiment_trainer_example_count(t);
    assert_int_equal(lines, 2 + 40);
    assert_int_equal(sentiment_trainer_skipped_lines(t), 2);
    snprintf(want, sizeof want, "%s:3: no label", path);
    assert_non_null(sentiment_trainer_first_skipped_line(t));
    assert_int_equal(strncmp(sentiment_trainer_first_skipped_line(t), want, strlen(want)),
                     0);
    /* Validation files count too; the first bad line stays the first. */
    assert_int_equal(sentiment_trainer_add_validation_file(t, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_example_count(t), 2 * lines);
    assert_int_equal(sentiment_trainer_skipped_lines(t), 4);
    assert_int_equal(strncmp(sentiment_trainer_first_skipped_line(t), want, strlen(want)),
                     0);
    /* Not every failure is a bad line: a missing file still fails. */
    assert_int_equal(sentiment_trainer_add_file(t, "/nonexistent/corpus.tsv", &err),
                     SENTIMENT_ERR_IO);
    assert_int_equal(sentiment_trainer_skipped_lines(NULL), 0);
    assert_null(sentiment_trainer_first_skipped_line(NULL));
    sentiment_trainer_free(t);
    unlink(path);
}

/* Training from a corpus file, reader and skipped lines included: every
 * allocation may fail, each failure is SENTIMENT_ERR_NOMEM and leaks
 * nothing (the sanitizer build checks).  One thread: the allocation count
 * must not depend on which thread allocates first. */
static void test_training_from_a_file_fails_cleanly_when_memory_runs_out(void **state)
{
    static const char *const options[] = {
        "buckets", "64", "hidden", "4", "epochs", "2", "validation", "0.2",
        "batch-size", "8", "threads", "1", "bad-lines", "skip", NULL};
    char path[4096];
    unsigned long n;

    (void)state;
    write_corpus_with_bad_lines(path, sizeof path);
    for (n = 1;; n++) {
        sentiment_trainer *t;
        sentiment_model *m;
        sentiment_error err;
        char *report = NULL;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = tu_try_train(path, options, &t, &m, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_trainer_report(t, &report, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            assert_int_equal(sentiment_trainer_skipped_lines(t), 2);
            assert_int_equal(sentiment_model_label_count(m), 2);
            free(report);
            sentiment_model_free(m);
            sentiment_trainer_free(t);
            break;
        }
        sentiment_model_free(m);
        sentiment_trainer_free(t);
        if (rc != SENTIMENT_ERR_NOMEM)
            fail_msg("allocation %lu failing gave status %d (%s)", n, rc, err.message);
        assert_int_equal(err.code, SENTIMENT_ERR_NOMEM);
    }
    print_message("training from a file makes %lu allocations\n", n - 1);
    assert_true(n > 30);
    unlink(path);
}

static void test_trainer_add_that_runs_out_of_memory_adds_no_label(void **state)
{
    unsigned long n;

    (void)state;
    /* The ninth label makes the trainer grow its label table as well. */
    for (n = 1;; n++) {
        sentiment_trainer *t = tu_new_trainer();
        sentiment_model *m;
        sentiment_error err;
        char label[8];
        int rc;

        tu_set(t, "buckets", "16");
        tu_set(t, "epochs", "1");
        for (int i = 0; i < 8; i++) {
            snprintf(label, sizeof label, "l%d", i);
            add(t, label, "some text");
        }
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_trainer_add(t, "l8", 2, "more text", 9, &err);
        sn_alloc_fail_at = 0;
        assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
        if (rc == SENTIMENT_OK) {
            assert_int_equal(sentiment_model_label_count(m), 9);
            sentiment_model_free(m);
            sentiment_trainer_free(t);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        assert_int_equal(sentiment_trainer_example_count(t), 8);
        /* The failed call left no trace: no example, and no label without
         * examples in the model. */
        size_t labels = sentiment_model_label_count(m);
        int has_l8 = sentiment_model_find_label(m, "l8", 2) >= 0;
        sentiment_model_free(m);
        sentiment_trainer_free(t);
        if (labels != 8 || has_l8)
            fail_msg("allocation %lu failed in sentiment_trainer_add(\"l8\"), yet the "
                     "model has %zu labels%s", n, labels, has_l8 ? ", \"l8\" among them" : "");
    }
    assert_true(n > 2);
}


/* Accuracy of M on the corpus C, from index FROM on, every STEP-th. */
static double corpus_accuracy(const sentiment_model *m, const tu_corpus *c, size_t from,
                              size_t step)
{
    size_t right = 0, n = 0;

    for (size_t i = from; i < c->count; i += step, n++) {
        long truth = sentiment_model_find_label(m, c->label[i], strlen(c->label[i]));
        right += (long)tu_classify(m, c->text[i], NULL) == truth;
    }
    return n ? (double)right / (double)n : 0;
}

/* Mean log loss of M on the corpus C, from index FROM on, every STEP-th. */
static double corpus_log_loss(const sentiment_model *m, const tu_corpus *c, size_t from,
                              size_t step)
{
    double sum = 0;
    size_t n = 0;

    for (size_t i = from; i < c->count; i += step, n++) {
        long truth = sentiment_model_find_label(m, c->label[i], strlen(c->label[i]));
        float p[2];
        assert_int_equal(sentiment_model_label_count(m), 2);
        tu_classify(m, c->text[i], p);
        sum -= log((double)p[truth] + 1e-12);
    }
    return n ? sum / (double)n : 0;
}

typedef struct epoch_log {
    unsigned epochs;
    double accuracy[64];
    double loss[64];
    int stopping;
    unsigned best_epoch;
} epoch_log;

static int log_epochs(const sentiment_progress *p, void *user)
{
    epoch_log *log = user;

    if (p->stage == SENTIMENT_STAGE_EPOCH && log->epochs < 64) {
        log->loss[log->epochs] = p->valid_loss;
        log->accuracy[log->epochs++] = p->valid_accuracy;
        log->stopping = p->stopping;
        log->best_epoch = p->best_epoch;
    }
    return 0;
}

/* Adds corpus C to T, every third example for validation only, given
 * explicitly. */
static void add_every_third_for_validation(sentiment_trainer *t, const tu_corpus *c)
{
    sentiment_error err;

    for (size_t i = 0; i < c->count; i++) {
        int rc = i % 3 == 2
            ? sentiment_trainer_add_validation(t, c->label[i], strlen(c->label[i]),
                                               c->text[i], strlen(c->text[i]), &err)
            : sentiment_trainer_add(t, c->label[i], strlen(c->label[i]), c->text[i],
                                    strlen(c->text[i]), &err);
        assert_int_equal(rc, SENTIMENT_OK);
    }
}

/* Accuracy on a few validation examples stops moving long before their
 * loss does: the epoch kept is the one with the lowest loss, not the first
 * to reach the highest accuracy. */
static void test_trainer_keeps_the_epoch_with_the_lowest_validation_loss(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m = NULL;
    sentiment_error err;
    char path[4096];
    tu_corpus c;
    epoch_log log;
    unsigned lowest = 0;

    (void)state;
    memset(&log, 0, sizeof log);
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    add_every_third_for_validation(t, &c);
    tu_set(t, "buckets", "4096");
    tu_set(t, "hidden", "8");
    tu_set(t, "batch-size", "4");
    tu_set(t, "learning-rate", "0.005");
    tu_set(t, "epochs", "30");
    tu_set(t, "patience", "0");
    sentiment_trainer_set_progress(t, log_epochs, &log);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    assert_int_equal(log.epochs, 30);
    for (unsigned e = 1; e < log.epochs; e++)
        if (log.loss[e] < log.loss[lowest])
            lowest = e;
    assert_int_equal(log.best_epoch, lowest + 1);
    assert_true(fabs(corpus_log_loss(m, &c, 2, 3) - log.loss[lowest]) < 1e-4);
    {
        unsigned first_most_accurate = 0;
        for (unsigned e = 1; e < log.epochs; e++)
            if (log.accuracy[e] > log.accuracy[first_most_accurate])
                first_most_accurate = e;
        /* Otherwise this test could not tell the two rules apart. */
        assert_int_not_equal(first_most_accurate, lowest);
    }
    sentiment_model_free(m);
    sentiment_trainer_free(t);
    tu_corpus_free(&c);
}

static void test_trainer_stops_early_and_keeps_the_best_epochs_weights(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m = NULL;
    sentiment_error err;
    char path[4096];
    tu_corpus c;
    epoch_log log;
    double lowest = INFINITY;
    char *report = NULL, expected[64];

    (void)state;
    memset(&log, 0, sizeof log);
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    add_every_third_for_validation(t, &c);
    tu_set(t, "buckets", "4096");
    tu_set(t, "hidden", "8");
    tu_set(t, "batch-size", "4");
    tu_set(t, "learning-rate", "0.05");
    tu_set(t, "epochs", "60");
    tu_set(t, "patience", "3");
    sentiment_trainer_set_progress(t, log_epochs, &log);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);

    /* It stopped before the 60th epoch, three epochs after the best, which
     * is the first with the lowest validation loss. */
    assert_true(log.epochs < 60);
    assert_true(log.stopping);
    assert_int_equal(log.epochs, log.best_epoch + 3);
    for (unsigned e = 0; e < log.epochs; e++) {
        assert_true(log.loss[e] > 0);
        if (log.loss[e] < lowest)
            lowest = log.loss[e];
    }
    assert_true(log.loss[log.best_epoch - 1] == lowest);
    for (unsigned e = 0; e + 1 < log.best_epoch; e++)
        assert_true(log.loss[e] > lowest);
    /* The model scores on the validation examples what the best epoch did:
     * its loss (up to the folding of batch normalization) and accuracy. */
    assert_true(fabs(corpus_log_loss(m, &c, 2, 3) - lowest) < 1e-4);
    assert_true(fabs(corpus_accuracy(m, &c, 2, 3) - log.accuracy[log.best_epoch - 1]) <
                1e-9);
    /* And the report says so, for the 13 validation examples. */
    assert_int_equal(sentiment_trainer_report(t, &report, &err), SENTIMENT_OK);
    snprintf(expected, sizeof expected, "accuracy: %.4f\n", log.accuracy[log.best_epoch - 1]);
    assert_non_null(strstr(report, expected));
    assert_non_null(strstr(report, "examples: 13\n"));
    free(report);

    sentiment_model_free(m);
    sentiment_trainer_free(t);
    tu_corpus_free(&c);
}

static void test_trainer_report_needs_validation_examples(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char *report = (char *)&report;

    (void)state;
    assert_int_equal(sentiment_trainer_report(t, &report, &err), SENTIMENT_ERR_INVALID);
    assert_null(report);
    sentiment_trainer_free(t);
}

static void test_trainer_learns_with_dropout_and_weight_decay(void **state)
{
    const char *const options[] = {"buckets", "4096", "hidden", "16", "epochs", "30",
                                   "validation", "0", "batch-size", "8",
                                   "dropout", "0.3", "weight-decay", "0.01", NULL};
    const char *const plain[] = {"buckets", "4096", "hidden", "16", "epochs", "30",
                                 "validation", "0", "batch-size", "8", NULL};
    char path[4096], a[4096], b[4096];
    size_t alen, blen;
    unsigned char *x, *y;
    sentiment_model *m, *p;
    tu_corpus c;

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    m = tu_train_tiny(options);
    p = tu_train_tiny(plain);
    assert_true(corpus_accuracy(m, &c, 0, 1) >= 0.95);
    /* The options change the model: they are not ignored. */
    tu_save_temp(m, a, sizeof a);
    tu_save_temp(p, b, sizeof b);
    x = tu_read_file(a, &alen);
    y = tu_read_file(b, &blen);
    assert_false(alen == blen && memcmp(x, y, alen) == 0);
    free(x);
    free(y);
    remove(a);
    remove(b);
    sentiment_model_free(m);
    sentiment_model_free(p);
    tu_corpus_free(&c);
}

static void test_trainer_trains_with_batches_of_one_to_eight(void **state)
{
    static const char *const sizes[] = {"1", "2", "3", "8"};
    char path[4096];
    tu_corpus c;

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const char *const options[] = {"buckets", "4096", "hidden", "8", "epochs", "15",
                                       "validation", "0", "batch-size", sizes[k], NULL};
        sentiment_model *m = tu_train_tiny(options);
        double acc = corpus_accuracy(m, &c, 0, 1);
        if (acc < 0.95)
            fail_msg("batch size %s: training accuracy %.3f", sizes[k], acc);
        sentiment_model_free(m);
    }
    tu_corpus_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trainer_rejects_an_unknown_option),
        cmocka_unit_test(test_trainer_accepts_only_powers_of_two_for_buckets),
        cmocka_unit_test(test_trainer_checks_the_range_of_every_option),
        cmocka_unit_test(test_trainer_needs_two_examples_and_two_labels),
        cmocka_unit_test(test_trainer_add_rejects_bad_labels),
        cmocka_unit_test(test_trainer_add_rejects_labels_that_are_not_utf8_or_hold_control_characters),
        cmocka_unit_test(test_trainer_add_file_names_file_and_line_of_a_label_that_is_not_utf8),
        cmocka_unit_test(test_trainer_reads_labels_of_a_crlf_corpus_without_the_cr),
        cmocka_unit_test(test_trainer_counts_the_examples_of_each_label),
        cmocka_unit_test(test_trainer_fits_the_tiny_corpus),
        cmocka_unit_test(test_trainer_fits_the_tiny_corpus_with_default_batches),
        cmocka_unit_test(test_trainer_gives_identical_files_for_the_same_seed),
        cmocka_unit_test(test_trainer_copies_what_it_is_given),
        cmocka_unit_test(test_trainer_reports_progress_once_per_epoch),
        cmocka_unit_test(test_trainer_cancels_when_progress_returns_nonzero),
        cmocka_unit_test(test_trainer_add_file_names_file_and_line_of_a_bad_line),
        cmocka_unit_test(test_trainer_add_file_skips_blank_lines),
        cmocka_unit_test(test_trainer_sorts_the_labels_of_the_model),
        cmocka_unit_test(test_trainer_learns_three_labels),
        cmocka_unit_test(test_trainer_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_trainer_add_that_runs_out_of_memory_adds_no_label),
        cmocka_unit_test(test_trainer_stops_early_and_keeps_the_best_epochs_weights),
        cmocka_unit_test(test_trainer_keeps_the_epoch_with_the_lowest_validation_loss),
        cmocka_unit_test(test_trainer_report_needs_validation_examples),
        cmocka_unit_test(test_trainer_never_holds_out_the_only_example_of_a_label),
        cmocka_unit_test(test_trainer_holds_out_the_validation_share_of_each_label),
        cmocka_unit_test(test_trainer_refuses_a_label_with_validation_examples_only),
        cmocka_unit_test(test_trainer_keeps_no_report_once_a_training_fails),
        cmocka_unit_test(test_trainer_refuses_a_lexicons_folder_without_the_lists),
        cmocka_unit_test(test_trainer_trains_with_batches_of_one_to_eight),
        cmocka_unit_test(test_trainer_learns_with_dropout_and_weight_decay),
        cmocka_unit_test(test_trainer_stops_at_the_first_bad_line_by_default),
        cmocka_unit_test(test_trainer_skips_bad_lines_counting_them_and_naming_the_first),
        cmocka_unit_test(test_training_from_a_file_fails_cleanly_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
