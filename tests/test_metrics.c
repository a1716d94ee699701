/*
 * test_metrics.c - sentiment_eval: accuracy, log loss, calibration error
 * and the report for people.
 *
 * The expected numbers are worked out by hand from small confusion
 * matrices; the report is read back line by line rather than compared
 * whole, so that column widths may change without breaking the tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

static sentiment_model *two;   /* labels neg, pos (trained on tiny.tsv) */
static sentiment_model *three; /* labels neg, neu, pos */

static int setup(void **state)
{
    static const char *const options[] = {
        "buckets", "16", "hidden", "2", "epochs", "1", NULL};
    sentiment_trainer *t;
    sentiment_error err;

    (void)state;
    two = tu_train_tiny(options);
    assert_int_equal(sentiment_trainer_create(&t, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_set(t, "buckets", "16", &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_set(t, "epochs", "1", &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add(t, "pos", 3, "good", 4, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add(t, "neu", 3, "okay", 4, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_add(t, "neg", 3, "bad", 3, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_train(t, &three, &err), SENTIMENT_OK);
    sentiment_trainer_free(t);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sentiment_model_free(two);
    sentiment_model_free(three);
    return 0;
}

static sentiment_eval *new_eval(const sentiment_model *m)
{
    sentiment_eval *e = NULL;
    sentiment_error err;

    assert_int_equal(sentiment_eval_create(&e, m, &err), SENTIMENT_OK);
    assert_non_null(e);
    return e;
}

/* Adds COUNT predictions of PREDICTED for examples labeled TRUTH. */
static void add_many(sentiment_eval *e, size_t truth, size_t predicted, int count)
{
    sentiment_error err;

    for (int i = 0; i < count; i++)
        assert_int_equal(sentiment_eval_add(e, truth, predicted, &err), SENTIMENT_OK);
}

/* Fills E from CONFUSION[truth][predicted] for L labels. */
static void add_confusion(sentiment_eval *e, size_t L, const int confusion[][3])
{
    for (size_t t = 0; t < L; t++)
        for (size_t p = 0; p < L; p++)
            add_many(e, t, p, confusion[t][p]);
}

static char *report(const sentiment_eval *e)
{
    char *text = NULL;
    sentiment_error err;

    if (sentiment_eval_report(e, &text, &err) != SENTIMENT_OK)
        fail_msg("report: %s", err.message);
    assert_non_null(text);
    return text;
}

/* The row of LABEL in the per-label table: precision, recall, F1, support. */
static void label_row(const char *text, const char *label, double *p, double *r,
                      double *f1, unsigned long long *support)
{
    const char *header = strstr(text, "precision");
    const char *line;
    size_t n = strlen(label);

    assert_non_null(header);
    line = strchr(header, '\n');
    while (line != NULL && line[1] != '\0') {
        line++;
        if (strncmp(line, label, n) == 0 && line[n] == ' ') {
            assert_int_equal(sscanf(line + n, "%lf %lf %lf %llu", p, r, f1, support), 4);
            return;
        }
        line = strchr(line, '\n');
    }
    fail_msg("no row for label %s in\n%s", label, text);
}

/* Checks one row against values computed here; the report rounds to four
 * places. */
static void expect_row(const char *text, const char *label, double p, double r,
                       unsigned long long support)
{
    double gp, gr, gf1, f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    unsigned long long gs;

    label_row(text, label, &gp, &gr, &gf1, &gs);
    if (fabs(gp - p) > 5e-5 || fabs(gr - r) > 5e-5 || fabs(gf1 - f1) > 5e-5 || gs != support)
        fail_msg("%s: precision %.4f recall %.4f f1 %.4f support %llu; expected "
                 "%.4f %.4f %.4f %llu\n%s", label, gp, gr, gf1, gs, p, r, f1, support,
                 text);
}

/* The value after "NAME: " in the report. */
static double value_after(const char *text, const char *name)
{
    const char *at = strstr(text, name);
    double v;

    if (at == NULL)
        fail_msg("no \"%s\" in\n%s", name, text);
    assert_int_equal(sscanf(at + strlen(name), "%lf", &v), 1);
    return v;
}

static void test_eval_accuracy_is_the_share_of_right_predictions(void **state)
{
    sentiment_eval *e = new_eval(two);

    (void)state;
    assert_true(sentiment_eval_accuracy(e) == 0); /* none added yet */
    add_many(e, 0, 0, 2);
    add_many(e, 1, 1, 1);
    add_many(e, 0, 1, 1);
    assert_true(fabs(sentiment_eval_accuracy(e) - 0.75) < 1e-12);
    add_many(e, 1, 0, 4);
    assert_true(fabs(sentiment_eval_accuracy(e) - 3.0 / 8.0) < 1e-12);
    sentiment_eval_free(e);
    assert_true(sentiment_eval_accuracy(NULL) == 0);
    sentiment_eval_free(NULL);
}

static void test_eval_report_states_count_and_accuracy(void **state)
{
    sentiment_eval *e = new_eval(two);
    char *text;

    (void)state;
    /* neg right twice, pos right once, one neg taken for pos. */
    add_many(e, 0, 0, 2);
    add_many(e, 1, 1, 1);
    add_many(e, 0, 1, 1);
    text = report(e);
    if (strstr(text, "accuracy: 0.7500") == NULL || strstr(text, "examples: 4") == NULL)
        fail_msg("unexpected report\n%s", text);
    free(text);
    sentiment_eval_free(e);
}

static void test_eval_report_gives_precision_recall_and_f1_per_label(void **state)
{
    sentiment_eval *e = new_eval(two);
    char *text;

    (void)state;
    add_many(e, 0, 0, 2);
    add_many(e, 1, 1, 1);
    add_many(e, 0, 1, 1);
    text = report(e);
    /* neg: 2 of the 2 predicted neg are right, 2 of the 3 neg found.
     * pos: 1 of the 2 predicted pos is right, the 1 pos found. */
    expect_row(text, "neg", 1.0, 2.0 / 3.0, 3);
    expect_row(text, "pos", 0.5, 1.0, 1);
    assert_true(fabs(value_after(text, "macro-f1:") - (0.8 + 2.0 / 3.0) / 2) < 5e-5);
    free(text);
    sentiment_eval_free(e);
}

static void test_eval_report_handles_three_labels(void **state)
{
    static const int confusion[3][3] = {
        /* predicted: neg neu pos */
        {3, 1, 0}, /* truly neg */
        {1, 2, 1}, /* truly neu */
        {1, 0, 4}, /* truly pos */
    };
    sentiment_eval *e;
    char *text;
    double f_neg = 2 * 0.6 * 0.75 / 1.35, f_neu = 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5);

    (void)state;
    assert_string_equal(sentiment_model_label(three, 0), "neg");
    assert_string_equal(sentiment_model_label(three, 1), "neu");
    e = new_eval(three);
    add_confusion(e, 3, confusion);
    assert_true(fabs(sentiment_eval_accuracy(e) - 9.0 / 13.0) < 1e-12);
    text = report(e);
    assert_non_null(strstr(text, "examples: 13"));
    assert_non_null(strstr(text, "accuracy: 0.6923"));
    expect_row(text, "neg", 3.0 / 5, 3.0 / 4, 4);
    expect_row(text, "neu", 2.0 / 3, 2.0 / 4, 4);
    expect_row(text, "pos", 4.0 / 5, 4.0 / 5, 5);
    assert_true(fabs(value_after(text, "macro-f1:") - (f_neg + f_neu + 0.8) / 3) < 5e-5);
    free(text);
    sentiment_eval_free(e);
}

static void test_eval_report_prints_the_confusion_matrix(void **state)
{
    static const int confusion[3][3] = {{3, 1, 0}, {1, 2, 1}, {1, 0, 4}};
    static const char *const names[3] = {"neg", "neu", "pos"};
    sentiment_eval *e = new_eval(three);
    char *text;
    const char *at;

    (void)state;
    add_confusion(e, 3, confusion);
    text = report(e);
    at = strstr(text, "confusion matrix");
    assert_non_null(at);
    at = strchr(at, '\n') + 1; /* the title */
    at = strchr(at, '\n') + 1; /* the column labels */
    for (size_t t = 0; t < 3; t++) {
        char name[16];
        int row[3];
        assert_int_equal(sscanf(at, "%15s %d %d %d", name, &row[0], &row[1], &row[2]), 4);
        assert_string_equal(name, names[t]);
        for (size_t p = 0; p < 3; p++)
            assert_int_equal(row[p], confusion[t][p]);
        at = strchr(at, '\n');
        assert_non_null(at);
        at++;
    }
    free(text);
    sentiment_eval_free(e);
}

static void test_eval_report_gives_zero_for_a_label_never_seen(void **state)
{
    sentiment_eval *e = new_eval(three);
    char *text;

    (void)state;
    /* "neu" neither occurs nor is predicted: 0, not NaN. */
    add_many(e, 0, 0, 3);
    add_many(e, 2, 0, 1);
    text = report(e);
    expect_row(text, "neu", 0, 0, 0);
    expect_row(text, "pos", 0, 0, 1);
    expect_row(text, "neg", 0.75, 1, 3);
    assert_null(strstr(text, "nan"));
    free(text);
    sentiment_eval_free(e);

    /* An empty evaluation reports zeros. */
    e = new_eval(two);
    text = report(e);
    assert_non_null(strstr(text, "examples: 0"));
    assert_non_null(strstr(text, "accuracy: 0.0000"));
    assert_null(strstr(text, "nan"));
    free(text);
    sentiment_eval_free(e);
}

static void test_eval_add_rejects_label_indices_out_of_range(void **state)
{
    sentiment_eval *e = new_eval(two);
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_eval_add(e, 2, 0, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add(e, 0, 2, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add(e, (size_t)-1, 0, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add(NULL, 0, 0, &err), SENTIMENT_ERR_INVALID);
    /* Nothing was counted. */
    add_many(e, 1, 1, 1);
    assert_true(sentiment_eval_accuracy(e) == 1.0);
    assert_int_equal(sentiment_eval_create(NULL, two, &err), SENTIMENT_ERR_INVALID);
    {
        sentiment_eval *none;
        char *text;
        assert_int_equal(sentiment_eval_create(&none, NULL, &err), SENTIMENT_ERR_INVALID);
        assert_int_equal(sentiment_eval_report(NULL, &text, &err), SENTIMENT_ERR_INVALID);
        assert_int_equal(sentiment_eval_report(e, NULL, &err), SENTIMENT_ERR_INVALID);
    }
    sentiment_eval_free(e);
}

static void test_eval_agrees_with_classifying_the_corpus(void **state)
{
    char path[4096];
    tu_corpus c;
    sentiment_eval *e = new_eval(two);
    size_t right = 0;
    char *text, expected[64];

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    for (size_t i = 0; i < c.count; i++) {
        long truth = sentiment_model_find_label(two, c.label[i], strlen(c.label[i]));
        size_t predicted = tu_classify(two, c.text[i], NULL);
        sentiment_error err;
        assert_true(truth >= 0);
        assert_int_equal(sentiment_eval_add(e, (size_t)truth, predicted, &err), SENTIMENT_OK);
        right += (size_t)truth == predicted;
    }
    assert_true(fabs(sentiment_eval_accuracy(e) - (double)right / (double)c.count) < 1e-12);
    text = report(e);
    snprintf(expected, sizeof expected, "accuracy: %.4f", (double)right / (double)c.count);
    assert_non_null(strstr(text, expected));
    free(text);
    sentiment_eval_free(e);
    tu_corpus_free(&c);
}

static void test_eval_fails_cleanly_when_memory_runs_out(void **state)
{
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        sentiment_eval *e = NULL;
        sentiment_error err;
        char *text = NULL;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_eval_create(&e, three, &err);
        if (rc == SENTIMENT_OK) {
            sn_alloc_fail_at = 0;
            add_many(e, 0, 1, 2);
            sn_alloc_fail_at = n;
            rc = sentiment_eval_report(e, &text, &err);
        }
        sn_alloc_fail_at = 0;
        sentiment_eval_free(e);
        if (rc == SENTIMENT_OK) {
            assert_non_null(strstr(text, "examples: 2"));
            free(text);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        assert_null(text);
    }
    assert_true(n > 2);
}

/* Records TRUTH with the probabilities P0, P1 of a two-label model. */
static void add_two(sentiment_eval *e, size_t truth, float p0, float p1)
{
    const float probs[2] = {p0, p1};
    sentiment_error err;

    assert_int_equal(sentiment_eval_add_probs(e, truth, probs, &err), SENTIMENT_OK);
}

/*
 * Four predictions worked out by hand:
 *   truth neg, (0.8, 0.2):   right, top 0.8  -> bin 12, -ln 0.8
 *   truth pos, (0.6, 0.4):   wrong, top 0.6  -> bin 9,  -ln 0.4
 *   truth pos, (0.1, 0.9):   right, top 0.9  -> bin 13, -ln 0.9
 *   truth pos, (0.85, 0.15): wrong, top 0.85 -> bin 12, -ln 0.15
 * Log loss: (0.22314 + 0.91629 + 0.10536 + 1.89712) / 4 = 0.78548.
 * ECE: bin 12 holds 2 of 4 with accuracy 0.5 and mean top 0.825, bin 9 one
 * with 0 and 0.6, bin 13 one with 1 and 0.9:
 *   2/4 * 0.325 + 1/4 * 0.6 + 1/4 * 0.1 = 0.3375.
 */
static void add_four_by_hand(sentiment_eval *e)
{
    add_two(e, 0, 0.8f, 0.2f);
    add_two(e, 1, 0.6f, 0.4f);
    add_two(e, 1, 0.1f, 0.9f);
    add_two(e, 1, 0.85f, 0.15f);
}

static void test_eval_log_loss_is_the_mean_negative_log_of_the_true_label(void **state)
{
    sentiment_eval *e = new_eval(two);
    double expected = -(log(0.8) + log(0.4) + log(0.9) + log(0.15)) / 4;

    (void)state;
    assert_true(sentiment_eval_log_loss(e) == -1); /* none recorded yet */
    add_four_by_hand(e);
    assert_true(fabs(sentiment_eval_log_loss(e) - expected) < 1e-6);
    assert_true(fabs(sentiment_eval_log_loss(e) - 0.78548) < 1e-5);
    /* The most probable label is the prediction: two of four right. */
    assert_true(fabs(sentiment_eval_accuracy(e) - 0.5) < 1e-12);
    sentiment_eval_free(e);
    assert_true(sentiment_eval_log_loss(NULL) == -1);
}

static void test_eval_log_loss_clamps_a_zero_probability(void **state)
{
    sentiment_eval *e = new_eval(two);

    (void)state;
    add_two(e, 0, 0.0f, 1.0f);
    /* -ln(1e-15), not infinity. */
    assert_true(fabs(sentiment_eval_log_loss(e) - 34.538776) < 1e-5);
    sentiment_eval_free(e);
}

static void test_eval_calibration_error_weighs_each_bin_by_its_share(void **state)
{
    sentiment_eval *e = new_eval(two);

    (void)state;
    assert_true(sentiment_eval_calibration_error(e) == -1);
    add_four_by_hand(e);
    assert_true(fabs(sentiment_eval_calibration_error(e) - 0.3375) < 1e-6);
    sentiment_eval_free(e);
    assert_true(sentiment_eval_calibration_error(NULL) == -1);
}

static void test_eval_calibration_puts_certainty_in_the_last_bin(void **state)
{
    sentiment_eval *e = new_eval(two);

    (void)state;
    /* Sure and right: perfectly calibrated, even at the edge p = 1. */
    add_two(e, 0, 1.0f, 0.0f);
    add_two(e, 1, 0.0f, 1.0f);
    assert_true(fabs(sentiment_eval_calibration_error(e)) < 1e-12);
    /* A tie goes to the first label, as in sentiment_classify(): wrong at
     * 0.5 adds 1/3 * 0.5. */
    add_two(e, 1, 0.5f, 0.5f);
    assert_true(fabs(sentiment_eval_calibration_error(e) - 0.5 / 3) < 1e-6);
    assert_true(fabs(sentiment_eval_accuracy(e) - 2.0 / 3) < 1e-12);
    sentiment_eval_free(e);
}

static void test_eval_report_adds_log_loss_and_calibration_with_probabilities(void **state)
{
    sentiment_eval *e = new_eval(two);
    char *text;

    (void)state;
    add_many(e, 0, 0, 1);
    text = report(e);
    assert_null(strstr(text, "log-loss"));
    assert_null(strstr(text, "calibration-error"));
    free(text);
    sentiment_eval_free(e);

    e = new_eval(two);
    add_four_by_hand(e);
    text = report(e);
    assert_true(fabs(value_after(text, "log-loss:") - 0.7855) < 5e-5);
    assert_true(fabs(value_after(text, "calibration-error:") - 0.3375) < 5e-5);
    assert_non_null(strstr(text, "examples: 4"));
    /* pos predicted once, rightly; found once in three. */
    expect_row(text, "pos", 1.0, 1.0 / 3.0, 3);
    free(text);
    sentiment_eval_free(e);
}

static void test_eval_add_probs_rejects_bad_arguments(void **state)
{
    sentiment_eval *e = new_eval(two);
    const float ok[2] = {0.5f, 0.5f}, bad[2] = {NAN, 0.5f}, over[2] = {1.5f, -0.5f};
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_eval_add_probs(e, 0, NULL, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add_probs(e, 2, ok, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add_probs(NULL, 0, ok, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add_probs(e, 0, bad, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_eval_add_probs(e, 0, over, &err), SENTIMENT_ERR_INVALID);
    /* Nothing was counted. */
    assert_true(sentiment_eval_log_loss(e) == -1);
    assert_true(sentiment_eval_accuracy(e) == 0);
    sentiment_eval_free(e);
}

static void test_eval_macro_f1_averages_over_the_labels_present(void **state)
{
    sentiment_eval *e = new_eval(two);
    char *text;

    (void)state;
    /* Only pos, all right: neg neither occurs nor is predicted, so it does
     * not count (as in scikit-learn), and macro-F1 is pos's F1, 1. */
    add_many(e, 1, 1, 5);
    text = report(e);
    assert_true(fabs(value_after(text, "macro-f1:") - 1.0) < 5e-5);
    free(text);
    sentiment_eval_free(e);

    /* neu is absent; neg (F1 6/7) and pos (F1 0, predicted never but
     * present in the truth) are averaged. */
    e = new_eval(three);
    add_many(e, 0, 0, 3);
    add_many(e, 2, 0, 1);
    text = report(e);
    assert_true(fabs(value_after(text, "macro-f1:") - (6.0 / 7.0) / 2) < 5e-5);
    free(text);
    sentiment_eval_free(e);
}

/* A model with COUNT labels l00, l01, ... */
static sentiment_model *many_labels(int count)
{
    sentiment_trainer *t;
    sentiment_model *m;
    sentiment_error err;

    assert_int_equal(sentiment_trainer_create(&t, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_set(t, "buckets", "16", &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_set(t, "hidden", "2", &err), SENTIMENT_OK);
    assert_int_equal(sentiment_trainer_set(t, "epochs", "1", &err), SENTIMENT_OK);
    for (int k = 0; k < count; k++) {
        char label[8];
        snprintf(label, sizeof label, "l%02d", k);
        assert_int_equal(sentiment_trainer_add(t, label, 3, "word", 4, &err), SENTIMENT_OK);
    }
    assert_int_equal(sentiment_trainer_train(t, &m, &err), SENTIMENT_OK);
    sentiment_trainer_free(t);
    assert_int_equal(sentiment_model_label_count(m), count);
    return m;
}

static void test_eval_report_lists_the_most_confused_pairs_above_twenty_labels(void **state)
{
    sentiment_model *m = many_labels(30);
    sentiment_eval *e = new_eval(m);
    char *text;
    const char *at;
    int pairs = 0;

    (void)state;
    /* Each label mostly right; label k taken for label k+1 k+1 times, so
     * the most confused pair is l28 -> l29 (29 times), then l27 -> l28... */
    for (size_t k = 0; k < 30; k++) {
        add_many(e, k, k, 40);
        if (k + 1 < 30)
            add_many(e, k, k + 1, (int)k + 1);
    }
    text = report(e);
    for (int k = 0; k < 30; k++) {
        char label[8];
        snprintf(label, sizeof label, "l%02d", k);
        double p, r, f1;
        unsigned long long support;
        label_row(text, label, &p, &r, &f1, &support);
        assert_int_equal(support, 40 + (k + 1 < 30 ? k + 1 : 0));
    }
    assert_null(strstr(text, "confusion matrix"));
    at = strstr(text, "most confused pairs");
    if (at == NULL)
        fail_msg("no most confused pairs in\n%s", text);
    at = strchr(at, '\n') + 1;
    at = strchr(at, '\n') + 1; /* the column titles */
    for (; *at != '\0'; at = strchr(at, '\n') + 1, pairs++) {
        char truth[8], predicted[8];
        unsigned long long count;
        assert_int_equal(sscanf(at, "%7s %7s %llu", truth, predicted, &count), 3);
        assert_int_equal(count, 29 - pairs);
        assert_int_equal(atoi(truth + 1), 28 - pairs);
        assert_int_equal(atoi(predicted + 1), 29 - pairs);
    }
    assert_int_equal(pairs, 20);
    /* Far below the 30 x 30 matrix's size. */
    assert_true(strlen(text) < 4000);
    free(text);
    sentiment_eval_free(e);
    sentiment_model_free(m);
}

static void test_eval_report_keeps_the_matrix_up_to_twenty_labels(void **state)
{
    sentiment_model *m = many_labels(20);
    sentiment_eval *e = new_eval(m);
    char *text;

    (void)state;
    add_many(e, 3, 4, 2);
    text = report(e);
    assert_non_null(strstr(text, "confusion matrix"));
    assert_null(strstr(text, "most confused pairs"));
    free(text);
    sentiment_eval_free(e);
    sentiment_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_accuracy_is_the_share_of_right_predictions),
        cmocka_unit_test(test_eval_report_states_count_and_accuracy),
        cmocka_unit_test(test_eval_report_gives_precision_recall_and_f1_per_label),
        cmocka_unit_test(test_eval_report_handles_three_labels),
        cmocka_unit_test(test_eval_report_prints_the_confusion_matrix),
        cmocka_unit_test(test_eval_report_gives_zero_for_a_label_never_seen),
        cmocka_unit_test(test_eval_add_rejects_label_indices_out_of_range),
        cmocka_unit_test(test_eval_agrees_with_classifying_the_corpus),
        cmocka_unit_test(test_eval_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_eval_log_loss_is_the_mean_negative_log_of_the_true_label),
        cmocka_unit_test(test_eval_log_loss_clamps_a_zero_probability),
        cmocka_unit_test(test_eval_calibration_error_weighs_each_bin_by_its_share),
        cmocka_unit_test(test_eval_calibration_puts_certainty_in_the_last_bin),
        cmocka_unit_test(test_eval_report_adds_log_loss_and_calibration_with_probabilities),
        cmocka_unit_test(test_eval_add_probs_rejects_bad_arguments),
        cmocka_unit_test(test_eval_macro_f1_averages_over_the_labels_present),
        cmocka_unit_test(test_eval_report_lists_the_most_confused_pairs_above_twenty_labels),
        cmocka_unit_test(test_eval_report_keeps_the_matrix_up_to_twenty_labels),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
