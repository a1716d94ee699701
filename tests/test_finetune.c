/*
 * test_finetune.c - sentiment_trainer_create_from: training that starts
 * from a model's settings, labels and weights.
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
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

/* The small model the tests fine-tune: settings other than the defaults,
 * so that a trainer that forgot them would show it. */
static const char *const base_options[] = {
    "buckets", "4096", "ngrams", "1", "hidden", "8", "stem", "0", "weighting", "logtf",
    "html", "0", "epochs", "30", "validation", "0", "batch-size", "8", NULL};

static const char *const probe = "The staff were rude and the room was dirty.";

static sentiment_trainer *trainer_from(const sentiment_model *m)
{
    sentiment_trainer *t = NULL;
    sentiment_error err;

    if (sentiment_trainer_create_from(&t, m, &err) != SENTIMENT_OK)
        fail_msg("create_from: %s", err.message);
    assert_non_null(t);
    return t;
}

static void add_tiny(sentiment_trainer *t)
{
    char path[4096];
    sentiment_error err;

    tu_tiny_path(path, sizeof path);
    if (sentiment_trainer_add_file(t, path, &err) != SENTIMENT_OK)
        fail_msg("add_file: %s", err.message);
}

static sentiment_model *train(sentiment_trainer *t)
{
    sentiment_model *m = NULL;
    sentiment_error err;

    if (sentiment_trainer_train(t, &m, &err) != SENTIMENT_OK)
        fail_msg("train: %s", err.message);
    assert_non_null(m);
    return m;
}

/* Option NAME of the model M, and of the trainer T, in text form. */
static const char *model_value(const sentiment_model *m, const char *name, char *buf,
                               size_t size)
{
    sentiment_error err;

    if (sentiment_model_get(m, name, buf, size, &err) != SENTIMENT_OK)
        fail_msg("model_get %s: %s", name, err.message);
    return buf;
}

static const char *trainer_value(const sentiment_trainer *t, const char *name, char *buf,
                                 size_t size)
{
    sentiment_error err;

    if (sentiment_trainer_get(t, name, buf, size, &err) != SENTIMENT_OK)
        fail_msg("trainer_get %s: %s", name, err.message);
    return buf;
}

/* Every option that a model stores has the same value in A and B. */
static void assert_same_settings(const sentiment_model *a, const sentiment_model *b)
{
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;) {
        char x[64], y[64];
        if (!(o->flags & SENTIMENT_OPTION_IN_MODEL))
            continue;
        model_value(a, o->name, x, sizeof x);
        model_value(b, o->name, y, sizeof y);
        if (strcmp(x, y) != 0)
            fail_msg("%s: %s before, %s after fine-tuning", o->name, x, y);
    }
}

static void test_finetuning_changes_the_weights_and_keeps_the_settings(void **state)
{
    sentiment_model *base = tu_train_tiny(base_options), *tuned;
    sentiment_trainer *t;
    float before[2], after[2];
    char buf[64];

    (void)state;
    t = trainer_from(base);
    /* The trainer reads as the model it starts from. */
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;) {
        char x[64];
        if (!(o->flags & SENTIMENT_OPTION_SHAPE) || o->type == SENTIMENT_OPTION_PATH)
            continue;
        assert_string_equal(trainer_value(t, o->name, buf, sizeof buf),
                            model_value(base, o->name, x, sizeof x));
    }
    add_tiny(t);
    tu_set(t, "epochs", "3");
    tu_set(t, "learning-rate", "0.01");
    tuned = train(t);
    assert_same_settings(base, tuned);
    assert_int_equal(sentiment_model_label_count(tuned), 2);
    assert_string_equal(sentiment_model_label(tuned, 0), "neg");
    assert_string_equal(sentiment_model_label(tuned, 1), "pos");
    tu_classify(base, probe, before);
    tu_classify(tuned, probe, after);
    print_message("P(neg) %.6f before, %.6f after\n", before[0], after[0]);
    assert_true(fabsf(before[0] - after[0]) > 1e-4f);
    sentiment_trainer_free(t);
    sentiment_model_free(tuned);
    sentiment_model_free(base);
}

/* With a rate too small to move anything, the model fine-tuned computes
 * what the model did: its weights, dequantized, and batch normalization,
 * put back as the identity, start exactly there. */
static void finetune_without_moving(const char *quantize, const char *batchnorm)
{
    static const char *const texts[] = {
        "The staff were rude and the room was dirty.", "A lovely hotel, great staff.",
        "I loved this film", "awful plot and bad acting"};
    sentiment_model *base, *tuned;
    sentiment_trainer *t;
    const char *options[sizeof base_options / sizeof base_options[0] + 2];
    size_t n = 0;

    while (base_options[n] != NULL) {
        options[n] = base_options[n];
        n++;
    }
    options[n++] = "quantize";
    options[n++] = quantize;
    options[n] = NULL;
    base = tu_train_tiny(options);
    t = trainer_from(base);
    tu_set(t, "learning-rate", "1e-9");
    tu_set(t, "epochs", "1");
    tu_set(t, "batchnorm", batchnorm);
    add_tiny(t);
    tuned = train(t);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        float p[2], q[2];
        tu_classify(base, texts[i], p);
        tu_classify(tuned, texts[i], q);
        if (fabsf(p[0] - q[0]) > 0.01f)
            fail_msg("quantize %s, batchnorm %s: \"%s\": P(neg) %.4f before, %.4f after",
                     quantize, batchnorm, texts[i], p[0], q[0]);
    }
    sentiment_trainer_free(t);
    sentiment_model_free(tuned);
    sentiment_model_free(base);
}

static void test_finetuning_starts_from_what_the_model_computes(void **state)
{
    (void)state;
    finetune_without_moving("0", "1");
    finetune_without_moving("0", "0");
    finetune_without_moving("8", "1");
    finetune_without_moving("4", "0");
}

/* Expects NAME=VALUE to be refused, the message naming the option and
 * the model's value. */
static void expect_refused(sentiment_trainer *t, const char *name, const char *value,
                           const char *model_has)
{
    sentiment_error err;

    memset(&err, 0, sizeof err);
    if (sentiment_trainer_set(t, name, value, &err) != SENTIMENT_ERR_INVALID)
        fail_msg("%s=%s was not refused", name, value);
    print_message("%s\n", err.message);
    assert_non_null(strstr(err.message, name));
    assert_non_null(strstr(err.message, model_has));
}

static void test_finetuning_refuses_options_that_change_the_shape(void **state)
{
    sentiment_model *base = tu_train_tiny(base_options), *tuned;
    sentiment_trainer *t = trainer_from(base);
    char dir[4096], buf[64];

    (void)state;
    expect_refused(t, "buckets", "1024", "4096");
    expect_refused(t, "ngrams", "2", "1");
    expect_refused(t, "hidden", "16", "8");
    expect_refused(t, "stem", "5", "0");
    expect_refused(t, "weighting", "binary", "logtf");
    expect_refused(t, "html", "1", "0");
    expect_refused(t, "negation", "0", "1");
    expect_refused(t, "nb-scaling", "0", "1");
    tu_temp_dir(dir, sizeof dir);
    expect_refused(t, "lexicons", dir, "word lists");
    rmdir(dir);
    assert_string_equal(trainer_value(t, "buckets", buf, sizeof buf), "4096");
    /* The model's own value, and options that do not shape the model. */
    tu_set(t, "buckets", "4096");
    tu_set(t, "hidden", "8");
    tu_set(t, "epochs", "2");
    tu_set(t, "learning-rate", "0.01");
    tu_set(t, "quantize", "8");
    tu_set(t, "batchnorm", "0");
    add_tiny(t);
    tuned = train(t);
    assert_string_equal(model_value(tuned, "quantize", buf, sizeof buf), "8");
    sentiment_trainer_free(t);
    sentiment_model_free(tuned);
    sentiment_model_free(base);
}

static void test_finetuning_refuses_labels_the_model_lacks(void **state)
{
    sentiment_model *base = tu_train_tiny(base_options), *m = NULL;
    sentiment_trainer *t = trainer_from(base);
    sentiment_error err;

    (void)state;
    add_tiny(t);
    assert_int_equal(sentiment_trainer_add(t, "neutral", 7, "It is a hotel.", 14, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add(t, "mixed", 5, "Good and bad.", 13, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_ERR_DATA);
    assert_null(m);
    print_message("%s\n", err.message);
    assert_non_null(strstr(err.message, "'neutral', 'mixed'"));
    assert_non_null(strstr(err.message, "'neg', 'pos'"));
    sentiment_trainer_free(t);
    sentiment_model_free(base);
}

/* A corpus that has only some of the model's labels still trains a model
 * of all of them, in the model's order. */
static void test_finetuning_keeps_labels_the_examples_lack(void **state)
{
    static const char *const three[] = {
        "buckets", "4096", "hidden", "4", "epochs", "5", "validation", "0", NULL};
    sentiment_trainer *t;
    sentiment_model *base, *tuned;
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_trainer_create(&t, &err), SENTIMENT_OK);
    for (size_t i = 0; three[i] != NULL; i += 2)
        tu_set(t, three[i], three[i + 1]);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(sentiment_trainer_add(t, "pos", 3, "great", 5, &err), 0);
        assert_int_equal(sentiment_trainer_add(t, "neg", 3, "awful", 5, &err), 0);
        assert_int_equal(sentiment_trainer_add(t, "mid", 3, "okay", 4, &err), 0);
    }
    base = train(t);
    sentiment_trainer_free(t);
    t = trainer_from(base);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(sentiment_trainer_add(t, "pos", 3, "lovely", 6, &err), 0);
        assert_int_equal(sentiment_trainer_add(t, "neg", 3, "dreadful", 8, &err), 0);
    }
    tuned = train(t);
    assert_int_equal(sentiment_model_label_count(tuned), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(sentiment_model_label(tuned, i), sentiment_model_label(base, i));
    sentiment_trainer_free(t);
    sentiment_model_free(tuned);
    sentiment_model_free(base);
}

static void test_finetuning_starts_from_the_default_model(void **state)
{
    sentiment_model *base = NULL, *tuned;
    sentiment_trainer *t;
    sentiment_error err;
    char buf[64];

    (void)state;
    unsetenv("SENTIMENT_MODEL");
    assert_int_equal(sentiment_model_load(&base, NULL, &err), SENTIMENT_OK);
    t = trainer_from(base);
    /* The defaults of fine-tuning, and the model's bits. */
    assert_string_equal(trainer_value(t, "epochs", buf, sizeof buf), "10");
    assert_string_equal(trainer_value(t, "quantize", buf, sizeof buf),
                        model_value(base, "quantize", buf + 32, 32));
    tu_set(t, "epochs", "1");
    add_tiny(t);
    tuned = train(t);
    assert_same_settings(base, tuned);
    assert_int_equal(tu_classify(tuned, "I loved this film, wonderful acting.", NULL),
                     (size_t)sentiment_model_find_label(tuned, "pos", 3));
    sentiment_trainer_free(t);
    sentiment_model_free(tuned);
    sentiment_model_free(base);
}

static void test_trainer_create_from_needs_a_model(void **state)
{
    sentiment_trainer *t = (sentiment_trainer *)&t;
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_trainer_create_from(&t, NULL, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_create_from(NULL, NULL, &err),
                     SENTIMENT_ERR_INVALID);
}

static void test_finetuning_fails_cleanly_when_memory_runs_out(void **state)
{
    static const char *const small[] = {
        "buckets", "64", "hidden", "2", "epochs", "2", "validation", "0", NULL};
    sentiment_model *base = tu_train_tiny(small);
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        sentiment_trainer *t = NULL;
        sentiment_model *m = NULL;
        sentiment_error err;
        char path[4096];
        int rc;

        tu_tiny_path(path, sizeof path);
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_trainer_create_from(&t, base, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_trainer_set(t, "validation", "0.2", &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_trainer_add_file(t, path, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_trainer_train(t, &m, &err);
        sn_alloc_fail_at = 0;
        sentiment_trainer_free(t);
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            sentiment_model_free(m);
            break;
        }
        if (rc != SENTIMENT_ERR_NOMEM)
            fail_msg("allocation %lu failing gave status %d (%s)", n, rc, err.message);
        assert_null(m);
    }
    print_message("fine-tuning makes %lu allocations\n", n - 1);
    assert_true(n > 20);
    sentiment_model_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finetuning_changes_the_weights_and_keeps_the_settings),
        cmocka_unit_test(test_finetuning_starts_from_what_the_model_computes),
        cmocka_unit_test(test_finetuning_refuses_options_that_change_the_shape),
        cmocka_unit_test(test_finetuning_refuses_labels_the_model_lacks),
        cmocka_unit_test(test_finetuning_keeps_labels_the_examples_lack),
        cmocka_unit_test(test_finetuning_starts_from_the_default_model),
        cmocka_unit_test(test_trainer_create_from_needs_a_model),
        cmocka_unit_test(test_finetuning_fails_cleanly_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
