/*
 * test_threads.c - the threading contract of sentiment.h: one model shared
 * by any number of threads, each with its own classifier, gives every
 * thread exactly the answers of a single thread.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eight_threads_sharing_a_model_answer_as_one_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
