/*
 * test_vectorizer.c - sn_vectorize and sn_hash: texts to sparse vectors of
 * hashed word n-grams.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "tokenizer.h"
#include "vectorizer.h"

/* Tokenizes and vectorizes TEXT with S; fails the test on error. */
static void vectorize(const sn_vectorizer_settings *s, const char *text, sn_features *f)
{
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sentiment_error err;

    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    assert_int_equal(sn_tokenize(&tk, &ts, text, strlen(text), &err), SENTIMENT_OK);
    if (sn_vectorize(s, &tk, f, &err) != SENTIMENT_OK)
        fail_msg("sn_vectorize: %s", err.message);
    sn_tokenizer_release(&tk);
}

static sn_vectorizer_settings settings(uint32_t bucket_bits, uint32_t ngrams, uint64_t seed)
{
    sn_vectorizer_settings s;

    sn_vectorizer_settings_default(&s);
    s.bucket_bits = bucket_bits;
    s.ngrams = ngrams;
    s.seed = seed;
    return s;
}

static int same_features(const sn_features *a, const sn_features *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++)
        if (a->index[i] != b->index[i] || a->value[i] != b->value[i])
            return 0;
    return 1;
}

/* Checks the shape every vector must have: indices strictly increasing and
 * inside the buckets, unit length. */
static void check_shape(const sn_features *f, uint32_t bucket_bits)
{
    double sq = 0;

    for (size_t i = 0; i < f->count; i++) {
        assert_true(f->index[i] < (UINT32_C(1) << bucket_bits));
        if (i > 0)
            assert_true(f->index[i - 1] < f->index[i]);
        assert_true(f->value[i] > 0);
        sq += (double)f->value[i] * f->value[i];
    }
    if (f->count > 0 && fabs(sq - 1.0) > 1e-5)
        fail_msg("sum of squares %.9f, expected 1", sq);
}

static const char *const texts[] = {
    "",
    "good",
    "not good at all, really not good",
    "The hotel was great; the staff were friendly and the breakfast superb!",
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28",
    "caf\xC3\xA9 \xE2\x98\x85\xE2\x98\x85\xE2\x98\x85 \xF0\x9F\x98\x80 na\xC3\xAFve",
};

static void test_vectorizer_indices_increase_strictly_within_the_buckets(void **state)
{
    sn_features f;

    (void)state;
    sn_features_init(&f);
    for (uint32_t bits = SN_MIN_BUCKET_BITS; bits <= 24; bits += 4)
        for (uint32_t n = 1; n <= SN_MAX_NGRAMS; n++)
            for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
                sn_vectorizer_settings s = settings(bits, n, 99);
                vectorize(&s, texts[t], &f);
                check_shape(&f, bits);
            }
    sn_features_release(&f);
}

static void test_vectorizer_scales_vectors_to_unit_length(void **state)
{
    sn_vectorizer_settings s = settings(20, 2, 1);
    sn_features f;

    (void)state;
    sn_features_init(&f);
    /* Three distinct words and two bigrams: five features of 1/sqrt(5). */
    vectorize(&s, "a b c", &f);
    assert_int_equal(f.count, 5);
    for (size_t i = 0; i < f.count; i++)
        assert_true(fabsf(f.value[i] - 1.0f / sqrtf(5.0f)) < 1e-6f);
    check_shape(&f, 20);
    sn_features_release(&f);
}

static void test_vectorizer_gives_an_empty_vector_for_an_empty_text(void **state)
{
    sn_vectorizer_settings s = settings(16, 3, 1);
    sn_features f;

    (void)state;
    sn_features_init(&f);
    vectorize(&s, "", &f);
    assert_int_equal(f.count, 0);
    vectorize(&s, "something", &f);
    assert_int_equal(f.count, 1);
    vectorize(&s, "   ", &f);
    assert_int_equal(f.count, 0);
    sn_features_release(&f);
}

static void test_vectorizer_is_deterministic_for_the_same_seed(void **state)
{
    sn_vectorizer_settings s = settings(20, 3, 12345);
    sn_features a, b;

    (void)state;
    sn_features_init(&a);
    sn_features_init(&b);
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        vectorize(&s, texts[t], &a);
        vectorize(&s, texts[t], &b);
        assert_true(same_features(&a, &b));
    }
    /* Reusing one sn_features for another text first leaves no trace. */
    vectorize(&s, texts[3], &a);
    vectorize(&s, texts[1], &a);
    vectorize(&s, texts[1], &b);
    assert_true(same_features(&a, &b));
    sn_features_release(&a);
    sn_features_release(&b);
}

static void test_vectorizer_uses_other_buckets_with_another_seed(void **state)
{
    sn_vectorizer_settings s1 = settings(20, 2, 1), s2 = settings(20, 2, 2);
    sn_features a, b;

    (void)state;
    sn_features_init(&a);
    sn_features_init(&b);
    vectorize(&s1, texts[3], &a);
    vectorize(&s2, texts[3], &b);
    assert_int_equal(a.count, b.count);
    assert_false(same_features(&a, &b));
    /* Even one word moves. */
    vectorize(&s1, "good", &a);
    vectorize(&s2, "good", &b);
    assert_int_equal(a.count, 1);
    assert_int_equal(b.count, 1);
    assert_int_not_equal(a.index[0], b.index[0]);
    sn_features_release(&a);
    sn_features_release(&b);
}

static void test_vectorizer_tells_word_order_apart_with_bigrams(void **state)
{
    sn_vectorizer_settings uni = settings(20, 1, 7), bi = settings(20, 2, 7);
    sn_features a, b;

    (void)state;
    sn_features_init(&a);
    sn_features_init(&b);
    vectorize(&bi, "good not", &a);
    vectorize(&bi, "not good", &b);
    assert_int_equal(a.count, 3);
    assert_int_equal(b.count, 3);
    assert_false(same_features(&a, &b));
    vectorize(&uni, "good not", &a);
    vectorize(&uni, "not good", &b);
    assert_int_equal(a.count, 2);
    assert_true(same_features(&a, &b));
    sn_features_release(&a);
    sn_features_release(&b);
}

static void test_vectorizer_counts_each_ngram_order_separately(void **state)
{
    sn_features f;

    (void)state;
    sn_features_init(&f);
    /* 4 distinct tokens: 4 unigrams, 3 bigrams, 2 trigrams. */
    for (uint32_t n = 1; n <= 3; n++) {
        static const size_t want[] = {0, 4, 7, 9};
        sn_vectorizer_settings s = settings(24, n, 3);
        vectorize(&s, "w x y z", &f);
        assert_int_equal(f.count, want[n]);
    }
    sn_features_release(&f);
}

static void test_vectorizer_gives_one_feature_for_a_repeated_token(void **state)
{
    sn_vectorizer_settings uni = settings(20, 1, 5), bi = settings(20, 2, 5);
    sn_features f;

    (void)state;
    sn_features_init(&f);
    vectorize(&uni, "good good good good", &f);
    assert_int_equal(f.count, 1);
    assert_true(fabsf(f.value[0] - 1.0f) < 1e-6f);
    /* "good" and "good good", each once. */
    vectorize(&bi, "good good good good", &f);
    assert_int_equal(f.count, 2);
    assert_true(fabsf(f.value[0] - 1.0f / sqrtf(2.0f)) < 1e-6f);
    /* Case and width differences are the same token, so the same feature. */
    vectorize(&uni, "Good GOOD \xEF\xBD\x87ood", &f);
    assert_int_equal(f.count, 1);
    sn_features_release(&f);
}

static void test_vectorizer_folds_into_few_buckets_without_duplicates(void **state)
{
    /* 16 buckets and far more n-grams: collisions must merge. */
    sn_vectorizer_settings s = settings(SN_MIN_BUCKET_BITS, 3, 11);
    sn_features f;

    (void)state;
    sn_features_init(&f);
    vectorize(&s, texts[4], &f);
    assert_true(f.count <= 16);
    assert_true(f.count >= 8);
    check_shape(&f, SN_MIN_BUCKET_BITS);
    sn_features_release(&f);
}

static void test_hash_is_stable_for_the_same_input(void **state)
{
    const char *s = "the quick brown fox jumps over the lazy dog";

    (void)state;
    for (size_t len = 0; len <= strlen(s); len++)
        assert_true(sn_hash(s, len, 42) == sn_hash(s, len, 42));
    /* Equal bytes at other addresses hash alike (no alignment effects). */
    char copy[64];
    memcpy(copy + 1, s, strlen(s));
    assert_true(sn_hash(copy + 1, strlen(s), 9) == sn_hash(s, strlen(s), 9));
}

static void test_hash_differs_for_different_lengths(void **state)
{
    static const unsigned char zeros[32];
    uint64_t h[33];

    (void)state;
    /* Zero bytes only add zeros to the tail: the length alone must separate
     * them. */
    for (size_t len = 0; len <= 32; len++) {
        h[len] = sn_hash(zeros, len, 0);
        for (size_t k = 0; k < len; k++)
            assert_true(h[k] != h[len]);
    }
    assert_true(sn_hash("a", 1, 0) != sn_hash("a\0", 2, 0));
}

static void test_hash_depends_on_seed_and_every_byte(void **state)
{
    unsigned char buf[24];

    (void)state;
    memset(buf, 'x', sizeof buf);
    assert_true(sn_hash(buf, sizeof buf, 1) != sn_hash(buf, sizeof buf, 2));
    for (size_t i = 0; i < sizeof buf; i++) {
        uint64_t before = sn_hash(buf, sizeof buf, 3);
        buf[i] ^= 1;
        assert_true(sn_hash(buf, sizeof buf, 3) != before);
        buf[i] ^= 1;
    }
}

static void test_vectorizer_fails_cleanly_when_memory_runs_out(void **state)
{
    sn_vectorizer_settings s = settings(20, 3, 1);
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sentiment_error err;
    unsigned long n;

    (void)state;
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    assert_int_equal(sn_tokenize(&tk, &ts, texts[3], strlen(texts[3]), &err),
                     SENTIMENT_OK);
    for (n = 1;; n++) {
        sn_features f;
        int rc;

        sn_features_init(&f);
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sn_vectorize(&s, &tk, &f, &err);
        sn_alloc_fail_at = 0;
        sn_features_release(&f);
        if (rc == SENTIMENT_OK)
            break;
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
    }
    assert_true(n > 2); /* the index and the value arrays */
    sn_tokenizer_release(&tk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectorizer_indices_increase_strictly_within_the_buckets),
        cmocka_unit_test(test_vectorizer_scales_vectors_to_unit_length),
        cmocka_unit_test(test_vectorizer_gives_an_empty_vector_for_an_empty_text),
        cmocka_unit_test(test_vectorizer_is_deterministic_for_the_same_seed),
        cmocka_unit_test(test_vectorizer_uses_other_buckets_with_another_seed),
        cmocka_unit_test(test_vectorizer_tells_word_order_apart_with_bigrams),
        cmocka_unit_test(test_vectorizer_counts_each_ngram_order_separately),
        cmocka_unit_test(test_vectorizer_gives_one_feature_for_a_repeated_token),
        cmocka_unit_test(test_vectorizer_folds_into_few_buckets_without_duplicates),
        cmocka_unit_test(test_hash_is_stable_for_the_same_input),
        cmocka_unit_test(test_hash_differs_for_different_lengths),
        cmocka_unit_test(test_hash_depends_on_seed_and_every_byte),
        cmocka_unit_test(test_vectorizer_fails_cleanly_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
