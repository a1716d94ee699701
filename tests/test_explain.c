/*
 * test_explain.c - sentiment_explain() and sentiment_classify_batch().
 *
 * An explanation is only worth reading if it is exact: with the hidden
 * units that a text activates held fixed, the network is linear, and the
 * weights of all n-grams plus a constant must add up to the label's score
 * (its logit less the mean logit).  The score is read back from the
 * probabilities, log p_label - mean_k log p_k, which is the same number
 * since softmax ignores a constant added to every logit.
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

#include "explain.h"
#include "internal.h"
#include "testutil.h"

#define ALL 100000  /* more n-grams than any text here has */

/* A NUL byte inside: its length is not strlen()'s. */
static const char with_nul[] = "\xff\xfe broken \x00 bytes";

static const char *const texts[] = {
    "I loved this film, the acting was wonderful and the story moving.",
    "Terrible movie. The plot made no sense and the acting was awful.",
    "The staff were not friendly and the room was NOT clean!!!",
    "sooooo good, really great value",
    "\xE5\xBE\x88\xE5\xA5\xBD\xE7\x9A\x84\xE9\x85\x92\xE5\xBA\x97",
    "",
    with_nul,
};
#define TEXTS (sizeof texts / sizeof texts[0])

static size_t text_len(size_t i)
{
    return texts[i] == with_nul ? sizeof with_nul - 1 : strlen(texts[i]);
}

/* Trains on tiny.tsv with its labels replaced, cycling through LABELS
 * names, so that a test can have any number of labels. */
static sentiment_model *train_labels(size_t labels, const char *const *options)
{
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    char path[4096];
    tu_corpus c;
    sentiment_trainer *t;
    sentiment_model *m = NULL;
    sentiment_error err;

    if (labels == 2)
        return tu_train_tiny(options);
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&c, path);
    assert_int_equal(sentiment_trainer_create(&t, &err), SENTIMENT_OK);
    for (size_t i = 0; options[i] != NULL; i += 2)
        assert_int_equal(sentiment_trainer_set(t, options[i], options[i + 1], &err),
                         SENTIMENT_OK);
    for (size_t i = 0; i < c.count; i++) {
        const char *label = names[i % labels];
        assert_int_equal(sentiment_trainer_add(t, label, 1, c.text[i], strlen(c.text[i]),
                                               &err), SENTIMENT_OK);
    }
    if (sentiment_trainer_train(t, &m, &err) != SENTIMENT_OK)
        fail_msg("train: %s", err.message);
    sentiment_trainer_free(t);
    tu_corpus_free(&c);
    return m;
}

static sentiment_classifier *new_classifier(const sentiment_model *m)
{
    sentiment_classifier *c = NULL;
    sentiment_error err;

    assert_int_equal(sentiment_classifier_create(&c, m, &err), SENTIMENT_OK);
    return c;
}

/* Checks that the weights of every n-gram of every text, plus the
 * constant, add up to the score of every label. */
static void expect_exact_sums(const sentiment_model *m)
{
    const size_t L = sentiment_model_label_count(m);
    sentiment_classifier *c = new_classifier(m);
    sentiment_contribution *all = calloc(ALL, sizeof *all);
    float probs[8];
    sentiment_error err;

    assert_non_null(all);
    assert_true(L <= 8);
    for (size_t i = 0; i < TEXTS; i++) {
        double mean_log = 0;
        assert_int_equal(sentiment_classify(c, texts[i], text_len(i), NULL, probs, &err),
                         SENTIMENT_OK);
        for (size_t k = 0; k < L; k++)
            mean_log += log(probs[k]) / (double)L;
        for (size_t label = 0; label < L; label++) {
            double score = log(probs[label]) - mean_log, sum = 0;
            size_t n = 0;
            assert_int_equal(sentiment_explain(c, texts[i], text_len(i), label, all, ALL,
                                               &n, &err), SENTIMENT_OK);
            assert_true(n < ALL);
            for (size_t j = 0; j < n; j++)
                sum += all[j].weight;
            sum += sn_explain_bias(c);
            if (fabs(sum - score) > 1e-4 * (1 + fabs(score)))
                fail_msg("text %zu, label %zu of %zu: weights and constant sum to %.7f, "
                         "the score is %.7f", i, label, L, sum, score);
        }
    }
    free(all);
    sentiment_classifier_free(c);
}

static void test_explain_weights_add_up_to_the_score_for_two_to_five_labels(void **state)
{
    static const char *const options[] = {
        "buckets", "4096", "hidden", "8", "epochs", "10", "validation", "0", NULL};

    (void)state;
    for (size_t labels = 2; labels <= 5; labels++) {
        sentiment_model *m = train_labels(labels, options);
        assert_int_equal(sentiment_model_label_count(m), labels);
        expect_exact_sums(m);
        sentiment_model_free(m);
    }
}

static void test_explain_weights_add_up_under_other_settings(void **state)
{
    static const char *const plain[] = {
        "buckets", "1024", "hidden", "5", "epochs", "5", "validation", "0",
        "batchnorm", "0", "nb-scaling", "0", "ngrams", "3", NULL};
    static const char *const counted[] = {
        "buckets", "65536", "hidden", "16", "epochs", "8", "validation", "0",
        "weighting", "logtf", "normalize", "0", "ngrams", "1", NULL};
    sentiment_model *m;

    (void)state;
    m = train_labels(3, plain);
    expect_exact_sums(m);
    sentiment_model_free(m);
    m = train_labels(2, counted);
    expect_exact_sums(m);
    sentiment_model_free(m);
}

static sentiment_model *tiny;   /* neg, pos; trained in setup */

static int setup(void **state)
{
    static const char *const options[] = {
        "buckets", "4096", "hidden", "8", "epochs", "40", "validation", "0", NULL};

    (void)state;
    tiny = tu_train_tiny(options);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sentiment_model_free(tiny);
    return 0;
}

/* The weight of NGRAM in the explanation of TEXT for LABEL; fails the test
 * when it is not there. */
static float weight_of(sentiment_classifier *c, const char *text, size_t label,
                       const char *ngram)
{
    sentiment_contribution out[256];
    sentiment_error err;
    size_t n;

    assert_int_equal(sentiment_explain(c, text, strlen(text), label, out, 256, &n, &err),
                     SENTIMENT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i].ngram, ngram) == 0)
            return out[i].weight;
    for (size_t i = 0; i < n; i++)
        print_message("  %s %+.4f\n", out[i].ngram, out[i].weight);
    fail_msg("no n-gram \"%s\" in the explanation of \"%s\"", ngram, text);
    return 0;
}

static void test_explain_finds_a_positive_word_pushing_towards_pos(void **state)
{
    sentiment_classifier *c = new_classifier(tiny);
    long pos = sentiment_model_find_label(tiny, "pos", 3);
    long neg = sentiment_model_find_label(tiny, "neg", 3);
    const char *text = "wonderful food but a terrible plot";

    (void)state;
    assert_true(pos >= 0 && neg >= 0);
    assert_true(weight_of(c, text, (size_t)pos, "wonderful") > 0);
    assert_true(weight_of(c, text, (size_t)pos, "terrible") < 0);
    /* With two labels, one label's score is the other's negated. */
    assert_true(fabsf(weight_of(c, text, (size_t)neg, "wonderful") +
                      weight_of(c, text, (size_t)pos, "wonderful")) < 1e-5f);
    sentiment_classifier_free(c);
}

static void test_explain_lists_the_strongest_ngrams_first(void **state)
{
    sentiment_classifier *c = new_classifier(tiny);
    sentiment_contribution all[256], top[3];
    sentiment_error err;
    size_t n, m;
    const char *text = texts[0];

    (void)state;
    assert_int_equal(sentiment_explain(c, text, strlen(text), 1, all, 256, &n, &err),
                     SENTIMENT_OK);
    assert_true(n > 10);
    for (size_t i = 1; i < n; i++)
        assert_true(fabsf(all[i - 1].weight) >= fabsf(all[i].weight));
    /* K cuts the same list short. */
    for (size_t i = 0; i < n; i++)
        all[i].ngram = strdup(all[i].ngram);
    assert_int_equal(sentiment_explain(c, text, strlen(text), 1, top, 3, &m, &err),
                     SENTIMENT_OK);
    assert_int_equal(m, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(top[i].ngram, all[i].ngram);
        assert_true(top[i].weight == all[i].weight);
    }
    for (size_t i = 0; i < n; i++)
        free((char *)all[i].ngram);
    /* K = 0 asks for nothing and gets nothing. */
    assert_int_equal(sentiment_explain(c, text, strlen(text), 1, NULL, 0, &m, &err),
                     SENTIMENT_OK);
    assert_int_equal(m, 0);
    sentiment_classifier_free(c);
}

static void test_explain_names_ngrams_as_the_model_saw_them(void **state)
{
    static const char *const options[] = {
        "buckets", "1048576", "hidden", "4", "epochs", "1", "ngrams", "3",
        "validation", "0", NULL};
    sentiment_model *m = tu_train_tiny(options);
    sentiment_classifier *c = new_classifier(m);

    (void)state;
    /* Negation scopes, word n-grams of every order, folded case. */
    weight_of(c, "It was not good", 0, "NOT_good");
    weight_of(c, "It was not good", 0, "was not NOT_good");
    weight_of(c, "It was not good", 0, "it");
    /* Markers, each on its word. */
    weight_of(c, "a VERY good day", 0, "very [capitals]");
    weight_of(c, "a VERY good day", 0, "good [intensified]");
    weight_of(c, "sooooo nice", 0, "soo [elongated]");
    weight_of(c, "not sooooo nice", 0, "soo [elongated]");
    weight_of(c, "not very nice", 0, "NOT_nice [intensified]");
    /* Characters of an unspaced script are written together. */
    weight_of(c, "\xE5\xBE\x88\xE5\xA5\xBD\xE7\x9A\x84", 0,
              "\xE5\xBE\x88\xE5\xA5\xBD\xE7\x9A\x84");
    weight_of(c, "\xE5\xBE\x88\xE5\xA5\xBD\xE7\x9A\x84", 0, "\xE5\xA5\xBD");
    sentiment_classifier_free(c);
    sentiment_model_free(m);
}

static void test_explain_rejects_bad_arguments(void **state)
{
    sentiment_classifier *c = new_classifier(tiny);
    sentiment_contribution out[4];
    sentiment_error err;
    size_t n = 99;

    (void)state;
    assert_int_equal(sentiment_explain(NULL, "a", 1, 0, out, 4, &n, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_explain(c, NULL, 1, 0, out, 4, &n, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_explain(c, "a", 1, 2, out, 4, &n, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(sentiment_explain(c, "a", 1, 0, NULL, 4, &n, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_explain(c, "a", 1, 0, out, 4, NULL, &err),
                     SENTIMENT_ERR_INVALID);
    /* No text is an empty text: no n-gram at all. */
    assert_int_equal(sentiment_explain(c, NULL, 0, 0, out, 4, &n, &err), SENTIMENT_OK);
    assert_int_equal(n, 0);
    sentiment_classifier_free(c);
}

static void test_classify_batch_gives_the_results_of_single_calls(void **state)
{
    const char *ptr[TEXTS];
    size_t lens[TEXTS], labels[TEXTS], label;
    float probs[TEXTS * 2], one[2];
    sentiment_classifier *c = new_classifier(tiny);
    sentiment_error err;

    (void)state;
    for (size_t i = 0; i < TEXTS; i++) {
        ptr[i] = texts[i];
        lens[i] = text_len(i);
    }
    assert_int_equal(sentiment_classify_batch(c, ptr, lens, TEXTS, labels, probs, &err),
                     SENTIMENT_OK);
    for (size_t i = 0; i < TEXTS; i++) {
        assert_int_equal(sentiment_classify(c, ptr[i], lens[i], &label, one, &err),
                         SENTIMENT_OK);
        assert_int_equal(labels[i], label);
        assert_memory_equal(probs + 2 * i, one, sizeof one);
    }
    /* Either output may be left out, and an empty batch is no error. */
    assert_int_equal(sentiment_classify_batch(c, ptr, lens, TEXTS, NULL, probs, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_classify_batch(c, ptr, lens, TEXTS, labels, NULL, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_classify_batch(c, NULL, NULL, 0, NULL, NULL, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_classify_batch(c, NULL, lens, 1, labels, NULL, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_classify_batch(NULL, ptr, lens, 1, labels, NULL, &err),
                     SENTIMENT_ERR_INVALID);
    sentiment_classifier_free(c);
}

/* Makes allocation N, N + 1, ... fail until explaining succeeds; every
 * failure must be a clean NOMEM, and the classifier usable after it. */
static void test_explain_fails_cleanly_when_memory_runs_out(void **state)
{
    sentiment_contribution out[ALL / 1000];
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        sentiment_classifier *c = NULL;
        sentiment_error err;
        size_t count = 7;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_classifier_create(&c, tiny, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_explain(c, texts[0], strlen(texts[0]), 1, out, ALL / 1000,
                                   &count, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_true(count > 10);
            sentiment_classifier_free(c);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        assert_int_equal(err.code, SENTIMENT_ERR_NOMEM);
        if (c != NULL) {
            /* What failed leaves the classifier whole. */
            assert_int_equal(count, 0);
            assert_int_equal(sentiment_explain(c, texts[1], strlen(texts[1]), 0, out,
                                               ALL / 1000, &count, &err), SENTIMENT_OK);
            assert_true(count > 0);
        }
        sentiment_classifier_free(c);
    }
    assert_true(n > 5);
}

static void test_classify_batch_fails_cleanly_when_memory_runs_out(void **state)
{
    const char *ptr[TEXTS];
    size_t lens[TEXTS], labels[TEXTS];
    float probs[TEXTS * 2];
    unsigned long n;

    (void)state;
    for (size_t i = 0; i < TEXTS; i++) {
        ptr[i] = texts[i];
        lens[i] = text_len(i);
    }
    for (n = 1;; n++) {
        sentiment_classifier *c = NULL;
        sentiment_error err;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_classifier_create(&c, tiny, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_classify_batch(c, ptr, lens, TEXTS, labels, probs, &err);
        sn_alloc_fail_at = 0;
        sentiment_classifier_free(c);
        if (rc == SENTIMENT_OK)
            break;
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        if (c != NULL) {
            /* The texts not classified are marked, and the message says
             * which one failed. */
            size_t first = 0;
            while (first < TEXTS && labels[first] != (size_t)-1)
                first++;
            assert_true(first < TEXTS);
            for (size_t i = first; i < TEXTS; i++)
                assert_true(labels[i] == (size_t)-1);
            assert_non_null(strstr(err.message, "text "));
        }
    }
    assert_true(n > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_weights_add_up_to_the_score_for_two_to_five_labels),
        cmocka_unit_test(test_explain_weights_add_up_under_other_settings),
        cmocka_unit_test(test_explain_finds_a_positive_word_pushing_towards_pos),
        cmocka_unit_test(test_explain_lists_the_strongest_ngrams_first),
        cmocka_unit_test(test_explain_names_ngrams_as_the_model_saw_them),
        cmocka_unit_test(test_explain_rejects_bad_arguments),
        cmocka_unit_test(test_classify_batch_gives_the_results_of_single_calls),
        cmocka_unit_test(test_explain_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_classify_batch_fails_cleanly_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
