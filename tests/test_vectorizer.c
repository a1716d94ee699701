/*
 * test_vectorizer.c - sn_vectorize and sn_hash: texts to sparse vectors of
 * hashed word n-grams, character n-grams of unspaced scripts, and the extra
 * features of marked words.
 *
 * Indices come in order of first occurrence, not sorted: comparisons of
 * two texts' features are made on sets unless the order itself is tested.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "lexicon.h"
#include "tokenizer.h"
#include "vectorizer.h"

/* The built-in word lists, loaded once (see main). */
static sn_lexicon lexicon;

static int setup(void **state)
{
    sentiment_error err;

    (void)state;
    sn_lexicon_init(&lexicon);
    if (sn_lexicon_load_default(&lexicon, &err) != SENTIMENT_OK) {
        print_error("sn_lexicon_load_default: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sn_lexicon_release(&lexicon);
    return 0;
}

/* Tokenizes TEXT with every rule but those in OFF and the built-in lists,
 * then vectorizes it with S; fails the test on error. */
static void vectorize_without(const sn_vectorizer_settings *s, uint32_t off,
                              const char *text, sn_features *f)
{
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sentiment_error err;

    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    ts.flags &= ~off;
    assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, text, strlen(text), &err),
                     SENTIMENT_OK);
    if (sn_vectorize(s, &tk, f, &err) != SENTIMENT_OK)
        fail_msg("sn_vectorize: %s", err.message);
    sn_tokenizer_release(&tk);
}

static void vectorize(const sn_vectorizer_settings *s, const char *text, sn_features *f)
{
    vectorize_without(s, 0, text, f);
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

/* Same indices and values in the same order. */
static int same_features(const sn_features *a, const sn_features *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++)
        if (a->index[i] != b->index[i] || a->value[i] != b->value[i])
            return 0;
    return 1;
}

/* Where INDEX is in F, or -1. */
static long find_index(const sn_features *f, uint32_t index)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->index[i] == index)
            return (long)i;
    return -1;
}

/* Every index of A is in B. */
static int is_subset(const sn_features *a, const sn_features *b)
{
    for (size_t i = 0; i < a->count; i++)
        if (find_index(b, a->index[i]) < 0)
            return 0;
    return 1;
}

/* The same indices with the same values, in any order. */
static int same_feature_set(const sn_features *a, const sn_features *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        long k = find_index(b, a->index[i]);
        if (k < 0 || b->value[k] != a->value[i])
            return 0;
    }
    return 1;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Checks the shape every vector must have: each index once and inside the
 * buckets, values positive, unit length when S normalizes. */
static void check_shape(const sn_features *f, const sn_vectorizer_settings *s)
{
    uint32_t *sorted = malloc((f->count + 1) * sizeof *sorted);
    double sq = 0;

    assert_non_null(sorted);
    for (size_t i = 0; i < f->count; i++) {
        assert_true(f->index[i] < (UINT32_C(1) << s->bucket_bits));
        assert_true(f->value[i] > 0);
        sq += (double)f->value[i] * f->value[i];
        sorted[i] = f->index[i];
    }
    qsort(sorted, f->count, sizeof *sorted, compare_u32);
    for (size_t i = 1; i < f->count; i++)
        if (sorted[i - 1] == sorted[i])
            fail_msg("index %u appears twice", (unsigned)sorted[i]);
    free(sorted);
    if (s->normalize && f->count > 0 && fabs(sq - 1.0) > 1e-5)
        fail_msg("sum of squares %.9f, expected 1", sq);
}

static const char *const texts[] = {
    "",
    "good",
    "not good at all, really not good",
    "The hotel was great; the staff were friendly and the breakfast superb!",
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28",
    "caf\xC3\xA9 \xE2\x98\x85\xE2\x98\x85\xE2\x98\x85 \xF0\x9F\x98\x80 na\xC3\xAFve",
    /* 这家酒店很好，不过很贵 and hotel很好: runs of characters. */
    "\xE8\xBF\x99\xE5\xAE\xB6\xE9\x85\x92\xE5\xBA\x97\xE5\xBE\x88\xE5\xA5\xBD\xEF\xBC\x8C"
    "\xE4\xB8\x8D\xE8\xBF\x87\xE5\xBE\x88\xE8\xB4\xB5 hotel\xE5\xBE\x88\xE5\xA5\xBD",
    "SOOOO GOOD!!! very very nice, not bad but boring :) <br /> www.x.com",
};

/* 这家酒店很好: six distinct characters. */
static const char chinese[] =
    "\xE8\xBF\x99\xE5\xAE\xB6\xE9\x85\x92\xE5\xBA\x97\xE5\xBE\x88\xE5\xA5\xBD";

static void test_vectorizer_lists_each_index_once_within_the_buckets(void **state)
{
    sn_features f;

    (void)state;
    sn_features_init(&f);
    for (uint32_t bits = SN_MIN_BUCKET_BITS; bits <= 24; bits += 4)
        for (uint32_t n = 1; n <= SN_MAX_NGRAMS; n++)
            for (uint32_t c = 1; c <= SN_MAX_NGRAMS; c += 2)
                for (uint32_t w = 0; w < 4; w++)
                    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
                        sn_vectorizer_settings s = settings(bits, n, 99);
                        s.char_ngrams = c;
                        s.weighting = w & 1 ? SN_WEIGHT_LOGTF : SN_WEIGHT_BINARY;
                        s.normalize = w >> 1;
                        vectorize(&s, texts[t], &f);
                        check_shape(&f, &s);
                    }
    sn_features_release(&f);
}

static void test_vectorizer_lists_indices_in_order_of_first_occurrence(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 17);
    sn_features f, one;
    uint32_t a, b, c;

    (void)state;
    s.stem = 0; /* one feature a word */
    sn_features_init(&f);
    sn_features_init(&one);
    vectorize(&s, "apple", &one);
    a = one.index[0];
    vectorize(&s, "banana", &one);
    b = one.index[0];
    vectorize(&s, "cherry", &one);
    c = one.index[0];
    assert_true(a != b && b != c && a != c);
    vectorize(&s, "banana apple banana cherry apple", &f);
    assert_int_equal(f.count, 3);
    assert_int_equal(f.index[0], b);
    assert_int_equal(f.index[1], a);
    assert_int_equal(f.index[2], c);
    sn_features_release(&f);
    sn_features_release(&one);
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
    check_shape(&f, &s);
    /* With log weights too. */
    s.weighting = SN_WEIGHT_LOGTF;
    vectorize(&s, "a a a b c a b", &f);
    check_shape(&f, &s);
    sn_features_release(&f);
}

static void test_vectorizer_leaves_values_unscaled_when_normalize_is_off(void **state)
{
    sn_vectorizer_settings s = settings(20, 2, 1);
    sn_features f;

    (void)state;
    s.normalize = 0;
    sn_features_init(&f);
    vectorize(&s, "a b c", &f);
    assert_int_equal(f.count, 5);
    for (size_t i = 0; i < f.count; i++)
        assert_true(f.value[i] == 1.0f);
    sn_features_release(&f);
}

static void test_vectorizer_weights_a_repeated_word_by_one_plus_the_log_of_its_count(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 3);
    sn_features binary, logtf;
    long good, bad;

    (void)state;
    s.normalize = 0;
    sn_features_init(&binary);
    sn_features_init(&logtf);
    vectorize(&s, "good good good bad", &binary);
    s.weighting = SN_WEIGHT_LOGTF;
    vectorize(&s, "good good good bad", &logtf);
    assert_int_equal(binary.count, 2);
    assert_int_equal(logtf.count, 2);
    /* The same buckets, other values. */
    good = find_index(&logtf, binary.index[0]);
    bad = find_index(&logtf, binary.index[1]);
    assert_true(good >= 0 && bad >= 0);
    assert_true(binary.value[0] == 1.0f && binary.value[1] == 1.0f);
    assert_true(fabsf(logtf.value[good] - (1.0f + logf(3.0f))) < 1e-6f);
    assert_true(logtf.value[bad] == 1.0f);
    assert_true(fabsf(logtf.value[good] / logtf.value[bad] - (1.0f + logf(3.0f))) < 1e-6f);
    /* Normalized, the ratio stays. */
    s.normalize = 1;
    vectorize(&s, "good good good bad", &logtf);
    check_shape(&logtf, &s);
    good = find_index(&logtf, binary.index[0]);
    bad = find_index(&logtf, binary.index[1]);
    assert_true(fabsf(logtf.value[good] / logtf.value[bad] - (1.0f + logf(3.0f))) < 1e-5f);
    sn_features_release(&binary);
    sn_features_release(&logtf);
}

static void test_vectorizer_gives_an_empty_vector_for_an_empty_text(void **state)
{
    sn_vectorizer_settings s = settings(16, 3, 1);
    sn_features f;

    (void)state;
    sn_features_init(&f);
    vectorize(&s, "", &f);
    assert_int_equal(f.count, 0);
    vectorize(&s, "thing", &f);
    assert_int_equal(f.count, 1);
    vectorize(&s, "   ", &f);
    assert_int_equal(f.count, 0);
    vectorize(&s, "<br />", &f);
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
    assert_false(same_feature_set(&a, &b));
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
    /* Words in no list: no mark changes their features. */
    vectorize(&bi, "good movie", &a);
    vectorize(&bi, "movie good", &b);
    assert_int_equal(a.count, 3);
    assert_int_equal(b.count, 3);
    assert_false(same_feature_set(&a, &b));
    vectorize(&uni, "good movie", &a);
    vectorize(&uni, "movie good", &b);
    assert_int_equal(a.count, 2);
    assert_true(same_feature_set(&a, &b));
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
    sn_features f, g;

    (void)state;
    sn_features_init(&f);
    sn_features_init(&g);
    vectorize(&uni, "good good good good", &f);
    assert_int_equal(f.count, 1);
    assert_true(fabsf(f.value[0] - 1.0f) < 1e-6f);
    /* "good" and "good good", each once. */
    vectorize(&bi, "good good good good", &f);
    assert_int_equal(f.count, 2);
    assert_true(fabsf(f.value[0] - 1.0f / sqrtf(2.0f)) < 1e-6f);
    /* Case and width differences are the same token, so the same feature. */
    vectorize(&uni, "Good gOOd \xEF\xBD\x87ood", &f);
    assert_int_equal(f.count, 1);
    vectorize(&uni, "good", &g);
    assert_int_equal(f.index[0], g.index[0]);
    /* A word in capitals is the same token plus its capitals feature. */
    vectorize(&uni, "Good GOOD \xEF\xBD\x87ood", &f);
    assert_int_equal(f.count, 2);
    assert_true(is_subset(&g, &f));
    sn_features_release(&f);
    sn_features_release(&g);
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
    check_shape(&f, &s);
    sn_features_release(&f);
}

/* ---- character n-grams --------------------------------------------------------- */

static void test_vectorizer_makes_more_features_with_longer_character_ngrams(void **state)
{
    sn_features f1, f2, f3;
    sn_vectorizer_settings s = settings(24, 1, 21);

    (void)state;
    sn_features_init(&f1);
    sn_features_init(&f2);
    sn_features_init(&f3);
    s.char_ngrams = 1;
    vectorize(&s, chinese, &f1);
    s.char_ngrams = 2;
    vectorize(&s, chinese, &f2);
    s.char_ngrams = 3;
    vectorize(&s, chinese, &f3);
    /* 6 characters; 5 pairs; 4 triples. */
    assert_int_equal(f1.count, 6);
    assert_int_equal(f2.count, 6 + 5);
    assert_int_equal(f3.count, 6 + 5 + 4);
    assert_true(is_subset(&f1, &f2));
    assert_true(is_subset(&f2, &f3));
    sn_features_release(&f1);
    sn_features_release(&f2);
    sn_features_release(&f3);
}

static void test_vectorizer_leaves_english_text_unaffected_by_char_ngrams(void **state)
{
    sn_features a, b;

    (void)state;
    sn_features_init(&a);
    sn_features_init(&b);
    for (uint32_t n = 1; n <= 3; n++) {
        sn_vectorizer_settings s = settings(20, n, 4);
        s.char_ngrams = 1;
        vectorize(&s, texts[3], &a);
        for (uint32_t c = 2; c <= SN_MAX_NGRAMS; c++) {
            s.char_ngrams = c;
            vectorize(&s, texts[3], &b);
            assert_true(same_features(&a, &b));
        }
    }
    sn_features_release(&a);
    sn_features_release(&b);
}

static void test_vectorizer_makes_no_character_ngram_across_a_word(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 8);
    sn_features f;

    (void)state;
    sn_features_init(&f);
    s.char_ngrams = 3;
    /* hotel很好: "hotel", 很, 好 and 很好; no n-gram with "hotel". */
    vectorize(&s, "hotel\xE5\xBE\x88\xE5\xA5\xBD", &f);
    assert_int_equal(f.count, 4);
    /* 很好hotel很好: the two runs give the same n-grams. */
    vectorize(&s, "\xE5\xBE\x88\xE5\xA5\xBDhotel\xE5\xBE\x88\xE5\xA5\xBD", &f);
    assert_int_equal(f.count, 4);
    sn_features_release(&f);
}

/* ---- marked tokens ------------------------------------------------------------- */

static void test_vectorizer_hashes_a_negated_token_apart_from_the_same_token(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 6);
    sn_features good, not_good, not_marked;

    (void)state;
    sn_features_init(&good);
    sn_features_init(&not_good);
    sn_features_init(&not_marked);
    vectorize(&s, "good", &good);
    vectorize(&s, "not good", &not_good);
    assert_int_equal(good.count, 1);
    assert_int_equal(not_good.count, 2);
    /* The "good" of "not good" is another feature than plain "good". */
    assert_true(find_index(&not_good, good.index[0]) < 0);
    /* Without negation marking, it is the same. */
    vectorize_without(&s, SN_TOK_NEGATION, "not good", &not_marked);
    assert_int_equal(not_marked.count, 2);
    assert_true(find_index(&not_marked, good.index[0]) >= 0);
    /* After the clause ends, "good" is plain again. */
    vectorize(&s, "not bad, good", &not_good);
    assert_true(find_index(&not_good, good.index[0]) >= 0);
    sn_features_release(&good);
    sn_features_release(&not_good);
    sn_features_release(&not_marked);
}

static void test_vectorizer_gives_marked_words_an_extra_feature(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 9);
    sn_features plain, marked;

    (void)state;
    sn_features_init(&plain);
    sn_features_init(&marked);
    /* In capitals: the word and its capitals feature. */
    vectorize(&s, "good", &plain);
    vectorize(&s, "GOOD", &marked);
    assert_int_equal(marked.count, 2);
    assert_true(is_subset(&plain, &marked));
    /* Intensified: "very", "nice", and nice's intensified feature. */
    vectorize(&s, "nice", &plain);
    vectorize(&s, "very nice", &marked);
    assert_int_equal(marked.count, 3);
    assert_true(is_subset(&plain, &marked));
    /* Elongated: "soo" and its elongation feature. */
    vectorize(&s, "soo", &plain);
    vectorize(&s, "sooooo", &marked);
    assert_int_equal(plain.count, 1);
    assert_int_equal(marked.count, 2);
    assert_true(is_subset(&plain, &marked));
    sn_features_release(&plain);
    sn_features_release(&marked);
}

/* ---- word stems ------------------------------------------------------------ */

static void test_vectorizer_gives_a_long_word_its_stem_as_an_extra_feature(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 4), none = settings(24, 1, 4);
    sn_features admired, admires, f;

    (void)state;
    none.stem = 0;
    sn_features_init(&admired);
    sn_features_init(&admires);
    sn_features_init(&f);
    assert_int_equal(s.stem, 5);
    vectorize(&s, "admired", &admired);
    vectorize(&s, "admires", &admires);
    assert_int_equal(admired.count, 2);
    assert_int_equal(admires.count, 2);
    /* Two words, one stem. */
    assert_int_not_equal(admired.index[0], admires.index[0]);
    assert_int_equal(admired.index[1], admires.index[1]);
    /* The stem is not the word "admir", which is too short for a stem. */
    vectorize(&s, "admir", &f);
    assert_int_equal(f.count, 1);
    assert_int_not_equal(f.index[0], admired.index[1]);
    /* Without stems, the word alone, in the same bucket. */
    vectorize(&none, "admired", &f);
    assert_int_equal(f.count, 1);
    assert_int_equal(f.index[0], admired.index[0]);
    /* With stems of six characters they still share "admire". */
    s.stem = 6;
    vectorize(&s, "admires", &f);
    vectorize(&s, "admired", &admired);
    assert_int_equal(f.index[1], admired.index[1]);
    sn_features_release(&admired);
    sn_features_release(&admires);
    sn_features_release(&f);
}

static void test_vectorizer_puts_stems_last_at_half_a_words_value(void **state)
{
    sn_vectorizer_settings s = settings(24, 2, 4);
    sn_features a, b;

    (void)state;
    sn_features_init(&a);
    sn_features_init(&b);
    s.normalize = 0;
    /* "she", "admired", "she admired", then the stem "admir": stems make
     * no bigrams. */
    vectorize(&s, "she admired", &a);
    vectorize(&s, "she admires", &b);
    assert_int_equal(a.count, 4);
    assert_int_equal(b.count, 4);
    assert_int_equal(a.index[0], b.index[0]);
    assert_int_not_equal(a.index[2], b.index[2]);
    assert_int_equal(a.index[3], b.index[3]);
    for (size_t i = 0; i < 3; i++)
        assert_true(a.value[i] == 1.0f);
    assert_true(a.value[3] == SN_STEM_WEIGHT);
    /* With counts: 1 + log(2) for the stem of two words, halved. */
    s.weighting = SN_WEIGHT_LOGTF;
    vectorize(&s, "admired admires", &a);
    assert_int_equal(a.count, 4);
    assert_true(fabsf(a.value[3] - SN_STEM_WEIGHT * (1.0f + logf(2.0f))) < 1e-6f);
    /* Scaled to unit length, a stem keeps half a word's value. */
    s.weighting = SN_WEIGHT_BINARY;
    s.normalize = 1;
    vectorize(&s, "she admired", &a);
    assert_true(fabsf(a.value[3] * 2 - a.value[0]) < 1e-6f);
    sn_features_release(&a);
    sn_features_release(&b);
}

static void test_vectorizer_counts_stem_length_in_characters_not_bytes(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 4);
    sn_features a, b;

    (void)state;
    sn_features_init(&a);
    sn_features_init(&b);
    /* "cafés": five characters in six bytes, no stem. */
    vectorize(&s, "caf\xC3\xA9s", &a);
    assert_int_equal(a.count, 1);
    /* "naïveté" and "naïvety" share "naïve". */
    vectorize(&s, "na\xC3\xAFvet\xC3\xA9", &a);
    vectorize(&s, "na\xC3\xAFvety", &b);
    assert_int_equal(a.count, 2);
    assert_int_equal(b.count, 2);
    assert_int_equal(a.index[1], b.index[1]);
    assert_int_equal(sn_stem_bytes("na\xC3\xAFvet\xC3\xA9", 9, 5), 6);
    assert_int_equal(sn_stem_bytes("na\xC3\xAFve", 6, 5), 6);
    assert_int_equal(sn_stem_bytes("abc", 3, 5), 3);
    assert_int_equal(sn_stem_bytes("abc", 3, 0), 0);
    /* Numbers and characters of unspaced scripts are no words. */
    vectorize(&s, "1234567", &a);
    assert_int_equal(a.count, 1);
    s.char_ngrams = 1;
    vectorize(&s, chinese, &a);
    assert_int_equal(a.count, 6);
    sn_features_release(&a);
    sn_features_release(&b);
}

static void test_vectorizer_hashes_a_negated_stem_apart_from_the_same_stem(void **state)
{
    sn_vectorizer_settings s = settings(24, 1, 8);
    sn_features plain, negated;
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sentiment_error err;

    (void)state;
    sn_features_init(&plain);
    sn_features_init(&negated);
    vectorize(&s, "admired", &plain);
    /* "not", "admired" negated, and its stem negated. */
    vectorize(&s, "not admired", &negated);
    assert_int_equal(negated.count, 3);
    assert_true(find_index(&negated, plain.index[0]) < 0);
    assert_true(find_index(&negated, plain.index[1]) < 0);
    /* Explanations say which feature is a stem. */
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, "admired", 7, &err), SENTIMENT_OK);
    assert_int_equal(sn_vectorize_origin(&s, NULL, &tk, &plain, &err), SENTIMENT_OK);
    assert_int_equal(plain.count, 2);
    assert_int_equal(plain.origin[0].kind, SN_ORIGIN_NGRAM);
    assert_int_equal(plain.origin[1].kind, SN_ORIGIN_STEM);
    assert_int_equal(plain.origin[1].end, 0);
    assert_int_equal(plain.origin[1].n, 1);
    sn_tokenizer_release(&tk);
    sn_features_release(&plain);
    sn_features_release(&negated);
}

static void test_vectorizer_survives_random_texts_and_settings(void **state)
{
    /* Runs of characters of every length, words, marks and breaks, with
     * every combination of orders: each index once, never more features
     * than n-grams and marks. */
    static const char *const pieces[] = {
        "\xE5\xBE\x88", "\xE5\xA5\xBD", "\xE3\x81\x82", "\xE0\xB8\x99\xE0\xB8\xB5",
        "hotel", " ", ", ", "not ", "very ", "SOOOO ", "GOOD ", ":) ", "!!! ", "1234 ",
        "\xF0\x9F\x91\x8D",
    };
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sn_features f;
    sentiment_error err;
    uint64_t rng = 5;
    char buf[80 * 8];

    (void)state;
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    sn_features_init(&f);
    for (int round = 0; round < 3000; round++) {
        size_t len = 0, n = sn_rng_below(&rng, 80), bound = 0;
        sn_vectorizer_settings s = settings(
            SN_MIN_BUCKET_BITS + (uint32_t)sn_rng_below(&rng, 17),
            1 + (uint32_t)sn_rng_below(&rng, SN_MAX_NGRAMS), sn_rng_next(&rng));
        s.char_ngrams = 1 + (uint32_t)sn_rng_below(&rng, SN_MAX_NGRAMS);
        s.weighting = (uint32_t)sn_rng_below(&rng, 2);
        s.normalize = (uint32_t)sn_rng_below(&rng, 2);
        for (size_t i = 0; i < n; i++) {
            const char *p = pieces[sn_rng_below(&rng, sizeof pieces / sizeof pieces[0])];
            memcpy(buf + len, p, strlen(p));
            len += strlen(p);
        }
        assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, buf, len, &err), SENTIMENT_OK);
        if (sn_vectorize(&s, &tk, &f, &err) != SENTIMENT_OK)
            fail_msg("sn_vectorize: %s", err.message);
        check_shape(&f, &s);
        for (size_t i = 0; i < tk.count; i++) {
            bound += s.ngrams > s.char_ngrams ? s.ngrams : s.char_ngrams;
            bound += (tk.tokens[i].flags & (SN_TOKEN_INTENSIFIED | SN_TOKEN_ALLCAPS |
                                            SN_TOKEN_ELONGATED)) != 0 ? 3 : 0;
        }
        assert_true(f.count <= bound);
    }
    sn_features_release(&f);
    sn_tokenizer_release(&tk);
}

/* ---- hashing ------------------------------------------------------------------- */

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

/* The buckets of one text with the default settings, as version
 * SN_TOKENIZER_RULES of the rules and the hashing gives them.  A change to
 * either that moves a feature fails here: raise the version (models made
 * before then refuse to load instead of classifying nonsense) and record
 * the new buckets. */
static void test_vectorizer_gives_the_buckets_of_its_version(void **state)
{
    static const uint32_t version3[] = {
        392815, 47675, 599553, 536410, 873019, 969130, 388255, 280454,
        82618, 446850, 154773, 733302, 240054, 915923, 854163, 138672,
        831009, 65397, 399997, 252094, 119803, 223933, 709942, 788087,
        636841, 711163, 124445, 67186, 607951, 307275, 628210, 706944,
    };
    const size_t n = sizeof version3 / sizeof version3[0];
    sn_vectorizer_settings s;
    sn_features f;

    (void)state;
    assert_int_equal(SN_TOKENIZER_RULES, 3);
    sn_vectorizer_settings_default(&s);
    sn_features_init(&f);
    vectorize(&s, "Not SOOOO good :) but very admirable, 12345 at http://x.org "
              "\xE5\xBE\x88\xE5\xA5\xBD\xE5\x90\x83", &f);
    assert_int_equal(f.count, n);
    for (size_t i = 0; i < n; i++)
        if (f.index[i] != version3[i])
            fail_msg("feature %zu is in bucket %u, not %u as in version 3", i,
                     (unsigned)f.index[i], (unsigned)version3[i]);
    sn_features_release(&f);
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
    assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, texts[6], strlen(texts[6]), &err),
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
    assert_true(n > 3); /* the index, value and slot arrays */
    sn_tokenizer_release(&tk);
}

/* Explaining must see the vector that classifying sees, bit for bit, under
 * every weighting, scale and n-gram order. */
static void test_vectorizer_with_origins_makes_the_same_vector(void **state)
{
    static const char *const samples[] = {
        "I did not like it at all, it was VERY boring and sooo long",
        "\xE5\xBE\x88\xE5\xA5\xBD\xE7\x9A\x84\xE9\x85\x92\xE5\xBA\x97 good good good",
        "", "a", "not not not"};
    float scale[1 << 12];
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sn_features plain, traced;
    sentiment_error err;

    (void)state;
    for (size_t i = 0; i < sizeof scale / sizeof scale[0]; i++)
        scale[i] = 0.5f + (float)(i % 7);
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    sn_features_init(&plain);
    sn_features_init(&traced);
    for (uint32_t weighting = 0; weighting < 2; weighting++)
        for (uint32_t ngrams = 1; ngrams <= SN_MAX_NGRAMS; ngrams++)
            for (size_t t = 0; t < sizeof samples / sizeof samples[0]; t++)
                for (int scaled = 0; scaled < 2; scaled++) {
                    sn_vectorizer_settings s = settings(12, ngrams, 3);
                    const float *sc = scaled ? scale : NULL;
                    s.weighting = weighting;
                    assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, samples[t],
                                                 strlen(samples[t]), &err), SENTIMENT_OK);
                    assert_int_equal(sn_vectorize_scaled(&s, sc, &tk, &plain, &err),
                                     SENTIMENT_OK);
                    assert_int_equal(sn_vectorize_origin(&s, sc, &tk, &traced, &err),
                                     SENTIMENT_OK);
                    assert_int_equal(plain.count, traced.count);
                    assert_memory_equal(plain.index, traced.index,
                                        plain.count * sizeof *plain.index);
                    assert_memory_equal(plain.value, traced.value,
                                        plain.count * sizeof *plain.value);
                    for (size_t i = 0; i < traced.count; i++) {
                        const sn_feature_origin *o = &traced.origin[i];
                        assert_true(o->end < tk.count);
                        assert_true(o->n >= 1 && o->n <= o->end + 1);
                        assert_true(o->kind <= SN_ORIGIN_STEM);
                    }
                }
    sn_features_release(&plain);
    sn_features_release(&traced);
    sn_tokenizer_release(&tk);
}

/* "good bad" with bigrams: good, bad, then "good bad" ending at token 1;
 * "VERY" adds a capitals marker and makes "good" intensified. */
static void test_vectorizer_records_which_ngram_gave_each_feature(void **state)
{
    sn_vectorizer_settings s = settings(20, 2, 1);
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sn_features f;
    sentiment_error err;
    int intensified = 0, capitals = 0;

    (void)state;
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    sn_features_init(&f);
    assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, "good bad", 8, &err), SENTIMENT_OK);
    assert_int_equal(sn_vectorize_origin(&s, NULL, &tk, &f, &err), SENTIMENT_OK);
    assert_int_equal(f.count, 3);
    assert_int_equal(f.origin[0].end, 0);
    assert_int_equal(f.origin[0].n, 1);
    assert_int_equal(f.origin[1].end, 1);
    assert_int_equal(f.origin[1].n, 1);
    assert_int_equal(f.origin[2].end, 1);
    assert_int_equal(f.origin[2].n, 2);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(f.origin[i].kind, SN_ORIGIN_NGRAM);

    assert_int_equal(sn_tokenize(&tk, &ts, &lexicon, "VERY good", 9, &err), SENTIMENT_OK);
    assert_int_equal(sn_vectorize_origin(&s, NULL, &tk, &f, &err), SENTIMENT_OK);
    for (size_t i = 0; i < f.count; i++) {
        if (f.origin[i].kind == SN_ORIGIN_INTENSIFIED) {
            intensified++;
            assert_int_equal(f.origin[i].end, 1);
        } else if (f.origin[i].kind == SN_ORIGIN_ALLCAPS) {
            capitals++;
            assert_int_equal(f.origin[i].end, 0);
        }
    }
    assert_int_equal(intensified, 1);
    assert_int_equal(capitals, 1);
    sn_features_release(&f);
    sn_tokenizer_release(&tk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectorizer_lists_each_index_once_within_the_buckets),
        cmocka_unit_test(test_vectorizer_lists_indices_in_order_of_first_occurrence),
        cmocka_unit_test(test_vectorizer_scales_vectors_to_unit_length),
        cmocka_unit_test(test_vectorizer_leaves_values_unscaled_when_normalize_is_off),
        cmocka_unit_test(test_vectorizer_weights_a_repeated_word_by_one_plus_the_log_of_its_count),
        cmocka_unit_test(test_vectorizer_gives_an_empty_vector_for_an_empty_text),
        cmocka_unit_test(test_vectorizer_is_deterministic_for_the_same_seed),
        cmocka_unit_test(test_vectorizer_uses_other_buckets_with_another_seed),
        cmocka_unit_test(test_vectorizer_tells_word_order_apart_with_bigrams),
        cmocka_unit_test(test_vectorizer_counts_each_ngram_order_separately),
        cmocka_unit_test(test_vectorizer_gives_one_feature_for_a_repeated_token),
        cmocka_unit_test(test_vectorizer_folds_into_few_buckets_without_duplicates),
        cmocka_unit_test(test_vectorizer_makes_more_features_with_longer_character_ngrams),
        cmocka_unit_test(test_vectorizer_leaves_english_text_unaffected_by_char_ngrams),
        cmocka_unit_test(test_vectorizer_makes_no_character_ngram_across_a_word),
        cmocka_unit_test(test_vectorizer_hashes_a_negated_token_apart_from_the_same_token),
        cmocka_unit_test(test_vectorizer_gives_a_long_word_its_stem_as_an_extra_feature),
        cmocka_unit_test(test_vectorizer_puts_stems_last_at_half_a_words_value),
        cmocka_unit_test(test_vectorizer_counts_stem_length_in_characters_not_bytes),
        cmocka_unit_test(test_vectorizer_hashes_a_negated_stem_apart_from_the_same_stem),
        cmocka_unit_test(test_vectorizer_gives_marked_words_an_extra_feature),
        cmocka_unit_test(test_vectorizer_survives_random_texts_and_settings),
        cmocka_unit_test(test_hash_is_stable_for_the_same_input),
        cmocka_unit_test(test_hash_differs_for_different_lengths),
        cmocka_unit_test(test_hash_depends_on_seed_and_every_byte),
        cmocka_unit_test(test_vectorizer_gives_the_buckets_of_its_version),
        cmocka_unit_test(test_vectorizer_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_vectorizer_with_origins_makes_the_same_vector),
        cmocka_unit_test(test_vectorizer_records_which_ngram_gave_each_feature),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
