/*
 * test_threads.c - the threading contract of sentiment.h: one model shared
 * by any number of threads, each with its own classifier, gives every
 * thread exactly the answers of a single thread.
 *
 * A classifier with threads of its own shares a batch out between them,
 * with the same answers.
 *
 * The threads start together and go through the texts in different orders,
 * so that they really overlap on the shared model; run under
 * ThreadSanitizer or helgrind to check for races as well as for answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#define THREADS 8
#define ROUNDS 20
#define TOP 5

static tu_corpus corpus;
static sentiment_model *model;

/* What one thread finds for one text. */
typedef struct answer {
    size_t label;
    float probs[2];
    size_t count;
    char ngram[TOP][128];
    float weight[TOP];
} answer;

static answer expected[TU_MAX_EXAMPLES];

static int setup(void **state)
{
    static const char *const options[] = {
        "buckets", "4096", "hidden", "8", "epochs", "10", "validation", "0", NULL};
    char path[4096];

    (void)state;
    model = tu_train_tiny(options);
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&corpus, path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sentiment_model_free(model);
    tu_corpus_free(&corpus);
    return 0;
}

/* Classifies and explains text I into A; 0 on success. */
static int answer_for(sentiment_classifier *c, size_t i, answer *a)
{
    sentiment_contribution out[TOP];
    sentiment_error err;
    const char *text = corpus.text[i];

    memset(a, 0, sizeof *a);
    if (sentiment_classify(c, text, strlen(text), &a->label, a->probs, &err) != SENTIMENT_OK ||
        sentiment_explain(c, text, strlen(text), a->label, out, TOP, &a->count, &err) !=
        SENTIMENT_OK)
        return -1;
    for (size_t k = 0; k < a->count; k++) {
        snprintf(a->ngram[k], sizeof a->ngram[k], "%s", out[k].ngram);
        a->weight[k] = out[k].weight;
    }
    return 0;
}

typedef struct worker {
    pthread_t thread;
    unsigned id;
    pthread_barrier_t *start;
    size_t mismatches, failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    sentiment_classifier *c;
    sentiment_error err;

    if (sentiment_classifier_create(&c, model, &err) != SENTIMENT_OK) {
        w->failures++;
        pthread_barrier_wait(w->start);
        return NULL;
    }
    pthread_barrier_wait(w->start);
    for (size_t round = 0; round < ROUNDS; round++) {
        for (size_t j = 0; j < corpus.count; j++) {
            /* Each thread its own order through the texts. */
            size_t i = (j * (2 * w->id + 1) + round) % corpus.count;
            answer a;
            if (answer_for(c, i, &a) != 0)
                w->failures++;
            else if (memcmp(&a, &expected[i], sizeof a) != 0)
                w->mismatches++;
        }
    }
    sentiment_classifier_free(c);
    return NULL;
}

static void test_eight_threads_sharing_a_model_answer_as_one_thread(void **state)
{
    sentiment_classifier *c;
    sentiment_error err;
    pthread_barrier_t start;
    worker workers[THREADS];

    (void)state;
    assert_true(corpus.count > 10);
    assert_int_equal(sentiment_classifier_create(&c, model, &err), SENTIMENT_OK);
    for (size_t i = 0; i < corpus.count; i++)
        assert_int_equal(answer_for(c, i, &expected[i]), 0);
    sentiment_classifier_free(c);

    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    memset(workers, 0, sizeof workers);
    for (unsigned t = 0; t < THREADS; t++) {
        workers[t].id = t;
        workers[t].start = &start;
        assert_int_equal(pthread_create(&workers[t].thread, NULL, work, &workers[t]), 0);
    }
    for (unsigned t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(workers[t].thread, NULL), 0);
        if (workers[t].failures != 0 || workers[t].mismatches != 0)
            fail_msg("thread %u: %zu failures, %zu answers unlike one thread's", t,
                     workers[t].failures, workers[t].mismatches);
    }
    pthread_barrier_destroy(&start);
}

/* The corpus repeated to COUNT texts, for batches longer than TAKE. */
#define BATCH 300

/* A classifier with threads of its own gives each text of a batch the
 * bits of a single call, in input order, whatever the number of threads
 * and whatever the batch (empty, one text, more texts than threads). */
static void test_classify_batch_on_a_classifiers_threads_answers_as_single_calls(
    void **state)
{
    static const unsigned counts[] = {1, 2, 3, 4, 7};
    const char *texts[BATCH];
    size_t lens[BATCH], labels[BATCH];
    float probs[BATCH * 2];
    sentiment_classifier *c;
    sentiment_error err;

    (void)state;
    assert_int_equal(sentiment_model_label_count(model), 2);
    assert_int_equal(sentiment_classifier_create(&c, model, &err), SENTIMENT_OK);
    for (size_t i = 0; i < corpus.count; i++)
        assert_int_equal(answer_for(c, i, &expected[i]), 0);
    sentiment_classifier_free(c);
    for (size_t i = 0; i < BATCH; i++) {
        texts[i] = corpus.text[i % corpus.count];
        lens[i] = strlen(texts[i]);
    }
    for (size_t n = 0; n < sizeof counts / sizeof counts[0]; n++) {
        assert_int_equal(sentiment_classifier_create_threads(&c, model, counts[n], &err),
                         SENTIMENT_OK);
        assert_int_equal(sentiment_classifier_threads(c), counts[n]);
        for (size_t size = 0; size <= BATCH; size += size < 3 ? 1 : 99) {
            memset(labels, 0xAB, sizeof labels);
            assert_int_equal(sentiment_classify_batch(c, texts, lens, size, labels, probs,
                                                      &err), SENTIMENT_OK);
            for (size_t i = 0; i < size; i++) {
                const answer *a = &expected[i % corpus.count];
                if (labels[i] != a->label || memcmp(probs + 2 * i, a->probs,
                                                    sizeof a->probs) != 0)
                    fail_msg("%u threads, batch of %zu: text %zu differs", counts[n], size,
                             i);
            }
        }
        /* Either output may be left out. */
        assert_int_equal(sentiment_classify_batch(c, texts, lens, BATCH, NULL, probs, &err),
                         SENTIMENT_OK);
        assert_int_equal(sentiment_classify_batch(c, texts, lens, BATCH, labels, NULL, &err),
                         SENTIMENT_OK);
        sentiment_classifier_free(c);
    }
    assert_int_equal(sentiment_classifier_create_threads(&c, model, 0, &err), SENTIMENT_OK);
    assert_true(sentiment_classifier_threads(c) >= 1);
    sentiment_classifier_free(c);
    assert_int_equal(sentiment_classifier_create_threads(&c, model, 65, &err),
                     SENTIMENT_ERR_INVALID);
    assert_null(c);
    assert_int_equal(sentiment_classifier_threads(NULL), 0);
}

/* With threads, texts after a failing one may be classified by another
 * thread, but the error is that of the first failing text in input
 * order, and the labels from it on are marked, as with one thread. */
static void test_classify_batch_on_threads_reports_the_first_failing_text(void **state)
{
    const char *texts[BATCH];
    size_t lens[BATCH], labels[BATCH];
    sentiment_classifier *c;
    sentiment_error err;

    (void)state;
    for (size_t i = 0; i < BATCH; i++) {
        texts[i] = corpus.text[i % corpus.count];
        lens[i] = strlen(texts[i]);
    }
    /* A NULL text of 3 bytes cannot be classified. */
    texts[250] = NULL;
    texts[41] = NULL;
    for (unsigned threads = 1; threads <= 4; threads++) {
        assert_int_equal(sentiment_classifier_create_threads(&c, model, threads, &err),
                         SENTIMENT_OK);
        assert_int_equal(sentiment_classify_batch(c, texts, lens, BATCH, labels, NULL, &err),
                         SENTIMENT_ERR_INVALID);
        assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
        assert_true(strncmp(err.message, "text 41 of the batch: ", 22) == 0);
        for (size_t i = 0; i < 41; i++)
            assert_true(labels[i] == expected[i % corpus.count].label);
        for (size_t i = 41; i < BATCH; i++)
            assert_true(labels[i] == (size_t)-1);
        sentiment_classifier_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eight_threads_sharing_a_model_answer_as_one_thread),
        cmocka_unit_test(test_classify_batch_on_a_classifiers_threads_answers_as_single_calls),
        cmocka_unit_test(test_classify_batch_on_threads_reports_the_first_failing_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
