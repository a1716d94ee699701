/*
 * test_options.c - the option table: listing it, its defaults, setting and
 * reading back through it, a model's copy of the options it stores, and
 * the messages of refused values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

/* Option NAME of T in text form, in a static buffer. */
static const char *get(const sentiment_trainer *t, const char *name)
{
    static char buf[4096];
    sentiment_error err;

    if (sentiment_trainer_get(t, name, buf, sizeof buf, &err) != SENTIMENT_OK)
        fail_msg("get %s: %s", name, err.message);
    return buf;
}

/* Expects NAME=VALUE to be refused with exactly MESSAGE. */
static void expect_refused(const char *name, const char *value, const char *message)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;

    assert_int_equal(sentiment_trainer_set(t, name, value, &err), SENTIMENT_ERR_INVALID);
    assert_string_equal(err.message, message);
    sentiment_trainer_free(t);
}

static void test_options_are_listed_once_each_with_a_line_of_help(void **state)
{
    size_t count = 0;

    (void)state;
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;) {
        assert_ptr_equal(sentiment_option_by_name(o->name), o);
        assert_non_null(o->help);
        assert_true(strlen(o->help) > 10);
        assert_null(strchr(o->help, '\n'));
        /* Only a path may have no default. */
        assert_true(o->default_value != NULL || o->type == SENTIMENT_OPTION_PATH);
        assert_true((o->type == SENTIMENT_OPTION_CHOICE) <= (o->choices != NULL));
        for (const sentiment_option *p = NULL; (p = sentiment_option_next(p)) != o;)
            assert_string_not_equal(p->name, o->name);
        count++;
    }
    assert_true(count >= 32);
    assert_null(sentiment_option_by_name("no-such-option"));
    assert_null(sentiment_option_by_name(NULL));
}

static void test_option_next_ends_at_a_pointer_that_is_no_option(void **state)
{
    sentiment_option copy = *sentiment_option_by_name("epochs");

    (void)state;
    assert_null(sentiment_option_next(&copy));
}

static void test_a_new_trainer_has_the_defaults_of_the_table(void **state)
{
    sentiment_trainer *t = tu_new_trainer();

    (void)state;
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;)
        assert_string_equal(get(t, o->name), o->default_value ? o->default_value : "");
    sentiment_trainer_free(t);
}

static void test_trainer_get_reads_back_what_set_was_given(void **state)
{
    static const char *const values[] = {
        "epochs", "7", "learning-rate", "0.0123", "batch-size", "3", "buckets", "4096",
        "ngrams", "3", "hidden", "1024", "validation", "0.1", "char-ngrams", "1",
        "stem", "0", "weighting", "logtf", "normalize", "0", "html", "0",
        "clitics", "0", "nb-scaling", "0", "batchnorm", "0", "bn-epsilon", "1e-8",
        "optimizer", "sgd", "lr-schedule", "linear", "dropout", "0.9",
        "weight-decay", "1", "init-scale", "100", "quantize", "4", "prune", "0.99",
        "seed", "18446744073709551615", "threads", "64", "patience", "0",
        "bad-lines", "skip", NULL};
    sentiment_trainer *t = tu_new_trainer();
    char lexicons[4096];

    (void)state;
    for (size_t i = 0; values[i] != NULL; i += 2)
        tu_set(t, values[i], values[i + 1]);
    for (size_t i = 0; values[i] != NULL; i += 2)
        assert_string_equal(get(t, values[i]), values[i + 1]);
    /* A rule switched off leaves the others on. */
    assert_string_equal(get(t, "negation"), "1");
    tu_source_path(lexicons, sizeof lexicons, "lexicons");
    tu_set(t, "lexicons", lexicons);
    assert_string_equal(get(t, "lexicons"), lexicons);
    sentiment_trainer_free(t);
}

static void test_trainer_get_refuses_an_unknown_name_and_a_small_buffer(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;
    char buf[8];

    (void)state;
    assert_int_equal(sentiment_trainer_get(t, "labels", buf, sizeof buf, &err),
                     SENTIMENT_ERR_INVALID);
    assert_string_equal(err.message, "unknown training option 'labels'");
    assert_int_equal(sentiment_trainer_get(t, "buckets", buf, 7, &err),
                     SENTIMENT_ERR_INVALID);
    assert_string_equal(err.message, "buckets: the value needs a buffer of 8 bytes");
    assert_int_equal(sentiment_trainer_get(t, "buckets", buf, 8, &err), SENTIMENT_OK);
    assert_string_equal(buf, "1048576");
    assert_int_equal(sentiment_trainer_get(NULL, "buckets", buf, 8, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_get(t, NULL, buf, 8, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_trainer_get(t, "buckets", NULL, 8, &err),
                     SENTIMENT_ERR_INVALID);
    sentiment_trainer_free(t);
}

/* Every bound of the table holds: the bounds themselves are taken, one
 * step past them is refused with a message naming the option. */
static void test_every_option_takes_its_bounds_and_nothing_past_them(void **state)
{
    (void)state;
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;) {
        sentiment_trainer *t = tu_new_trainer();
        sentiment_error err;
        char lo[64], hi[64], below[64], above[64];
        int whole = o->type != SENTIMENT_OPTION_REAL;

        if (o->type == SENTIMENT_OPTION_PATH || o->type == SENTIMENT_OPTION_CHOICE ||
            o->choices != NULL || o->max >= 1e19) {
            sentiment_trainer_free(t);
            continue;
        }
        snprintf(lo, sizeof lo, whole ? "%.0f" : "%.17g", o->min);
        snprintf(hi, sizeof hi, whole ? "%.0f" : "%.17g", o->max);
        snprintf(below, sizeof below, whole ? "%.0f" : "%.17g", whole ? o->min - 1 :
                 o->min / 2);
        snprintf(above, sizeof above, whole ? "%.0f" : "%.17g", whole ? o->max + 1 :
                 o->max * 1.01);
        if (o->flags & SENTIMENT_OPTION_POWER_OF_TWO)
            snprintf(above, sizeof above, "%.0f", o->max * 2);
        tu_set(t, o->name, hi);
        if (o->flags & SENTIMENT_OPTION_ABOVE_MIN)
            assert_int_equal(sentiment_trainer_set(t, o->name, lo, &err),
                             SENTIMENT_ERR_INVALID);
        else
            tu_set(t, o->name, lo);
        if (o->min > 0) {
            assert_int_equal(sentiment_trainer_set(t, o->name, below, &err),
                             SENTIMENT_ERR_INVALID);
            assert_non_null(strstr(err.message, o->name));
        }
        assert_int_equal(sentiment_trainer_set(t, o->name, above, &err),
                         SENTIMENT_ERR_INVALID);
        assert_non_null(strstr(err.message, o->name));
        sentiment_trainer_free(t);
    }
}

static void test_refused_values_are_explained_as_before_the_table(void **state)
{
    (void)state;
    expect_refused("epochs", "0", "epochs: '0' is not a whole number from 1 to 10000");
    expect_refused("buckets", "1000",
                   "buckets: '1000' is not a power of two from 16 to 67108864");
    expect_refused("weighting", "tf", "weighting: 'tf' is neither 'binary' nor 'logtf'");
    expect_refused("bad-lines", "ignore",
                   "bad-lines: 'ignore' is neither 'stop' nor 'skip'");
    expect_refused("learning-rate", "0",
                   "learning-rate: '0' is not a number from 1e-9 to 100");
    expect_refused("dropout", "0.95", "dropout: '0.95' is not a fraction from 0 to 0.9");
    expect_refused("init-scale", "0", "init-scale: '0' is not a number above 0, up to 100");
    expect_refused("negation", "2", "negation: '2' is not 0 or 1");
    expect_refused("seed", "-1", "seed: '-1' is not a non-negative whole number");
    expect_refused("quantize", "3", "quantize: '3' is not 0, 8 or 4");
    expect_refused("no-such-option", "1", "unknown training option 'no-such-option'");
}

static void test_a_refused_value_keeps_the_option_as_it_was(void **state)
{
    sentiment_trainer *t = tu_new_trainer();
    sentiment_error err;

    (void)state;
    tu_set(t, "quantize", "8");
    assert_int_equal(sentiment_trainer_set(t, "quantize", "5", &err),
                     SENTIMENT_ERR_INVALID);
    assert_string_equal(get(t, "quantize"), "8");
    tu_set(t, "elongation", "0");
    assert_int_equal(sentiment_trainer_set(t, "elongation", "yes", &err),
                     SENTIMENT_ERR_INVALID);
    assert_string_equal(get(t, "elongation"), "0");
    sentiment_trainer_free(t);
}

/* The model answers for every option it stores as the trainer does, and
 * for no other. */
static void test_model_get_reads_every_option_the_model_stores(void **state)
{
    static const char *const options[] = {
        "buckets", "4096", "ngrams", "3", "char-ngrams", "2", "stem", "4",
        "weighting", "logtf", "normalize", "0", "placeholders", "0", "emoticons", "0",
        "hidden", "5", "batchnorm", "0", "bn-epsilon", "0.1", "nb-scaling", "0",
        "quantize", "4", "epochs", "2", "validation", "0", NULL};
    sentiment_trainer *t = tu_new_trainer();
    sentiment_model *m = tu_train_tiny(options);
    sentiment_error err;
    char value[64];

    (void)state;
    for (size_t i = 0; options[i] != NULL; i += 2)
        tu_set(t, options[i], options[i + 1]);
    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;) {
        int rc = sentiment_model_get(m, o->name, value, sizeof value, &err);
        if (o->flags & SENTIMENT_OPTION_IN_MODEL) {
            assert_int_equal(rc, SENTIMENT_OK);
            assert_string_equal(value, get(t, o->name));
        } else {
            assert_int_equal(rc, SENTIMENT_ERR_INVALID);
            assert_non_null(strstr(err.message, o->name));
        }
    }
    assert_int_equal(sentiment_model_get(m, "labels", value, sizeof value, &err),
                     SENTIMENT_OK);
    assert_string_equal(value, "2");
    assert_int_equal(sentiment_model_get(m, "bn-epsilon", value, 2, &err),
                     SENTIMENT_ERR_INVALID);
    assert_string_equal(err.message, "bn-epsilon: the value needs a buffer of 4 bytes");
    sentiment_model_free(m);
    sentiment_trainer_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_are_listed_once_each_with_a_line_of_help),
        cmocka_unit_test(test_option_next_ends_at_a_pointer_that_is_no_option),
        cmocka_unit_test(test_a_new_trainer_has_the_defaults_of_the_table),
        cmocka_unit_test(test_trainer_get_reads_back_what_set_was_given),
        cmocka_unit_test(test_trainer_get_refuses_an_unknown_name_and_a_small_buffer),
        cmocka_unit_test(test_every_option_takes_its_bounds_and_nothing_past_them),
        cmocka_unit_test(test_refused_values_are_explained_as_before_the_table),
        cmocka_unit_test(test_a_refused_value_keeps_the_option_as_it_was),
        cmocka_unit_test(test_model_get_reads_every_option_the_model_stores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
