/*
 * test_quantize.c - quantized models, model settings, and the default model.
 *
 * A quantized model is a different file (format version 2) and a different
 * first layer in memory, so it gets the same scrutiny as a float one: it
 * must classify the same after a round trip, reject every damaged byte,
 * and stay close to the float model it was made from.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "internal.h"
#include "model.h"
#include "testutil.h"
#include "modelbytes.h"

static tu_corpus corpus;

static int setup(void **state)
{
    char path[4096];

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&corpus, path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_corpus_free(&corpus);
    return 0;
}

/* Word stems (STEM > 0) make the file format version 3 instead of 2. */
static sentiment_model *train_with_stems(const char *bits, const char *hidden,
                                         const char *buckets, const char *prune,
                                         const char *stem)
{
    const char *const options[] = {
        "buckets", buckets, "hidden", hidden, "epochs", "20", "validation", "0",
        "batch-size", "8", "quantize", bits, "prune", prune, "stem", stem, NULL};
    return tu_train_tiny(options);
}

static sentiment_model *train_quantized(const char *bits, const char *hidden,
                                        const char *buckets, const char *prune)
{
    return train_with_stems(bits, hidden, buckets, prune, "0");
}

static void expect_setting(const sentiment_model *m, const char *name, const char *want)
{
    char buf[64];
    sentiment_error err;

    if (sentiment_model_get(m, name, buf, sizeof buf, &err) != SENTIMENT_OK)
        fail_msg("%s: %s", name, err.message);
    if (strcmp(buf, want) != 0)
        fail_msg("%s is '%s', expected '%s'", name, buf, want);
}

static void expect_same_predictions(const sentiment_model *a, const sentiment_model *b)
{
    for (size_t i = 0; i < corpus.count; i++) {
        float pa[2], pb[2];
        size_t la = tu_classify(a, corpus.text[i], pa);
        size_t lb = tu_classify(b, corpus.text[i], pb);
        if (la != lb || memcmp(pa, pb, sizeof pa) != 0)
            fail_msg("\"%s\": %zu (%.9g) before saving, %zu (%.9g) after", corpus.text[i],
                     la, (double)pa[la], lb, (double)pb[lb]);
    }
}

static void test_quantized_model_classifies_the_same_after_a_round_trip(void **state)
{
    static const char *const bits[] = {"8", "4", "8", "4"};
    static const char *const stems[] = {"0", "0", "5", "5"};
    static const char *const versions[] = {"2", "2", "3", "3"};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        /* An odd width leaves half a byte unused at the end of 4-bit rows. */
        sentiment_model *m = train_with_stems(bits[i], "7", "4096", "0", stems[i]);
        sentiment_model *loaded;
        sentiment_error err;
        unsigned char *first, *second;
        size_t n1, n2;

        expect_setting(m, "quantize", bits[i]);
        expect_setting(m, "format-version", versions[i]);
        first = tu_model_bytes(m, &n1);
        assert_int_equal(tu_get32(first + 8), (uint32_t)atoi(versions[i]));
        if (sentiment_model_load_buffer(&loaded, first, n1, &err) != SENTIMENT_OK)
            fail_msg("%s bits: %s", bits[i], err.message);
        expect_setting(loaded, "quantize", bits[i]);
        expect_setting(loaded, "stem", stems[i]);
        expect_same_predictions(m, loaded);
        second = tu_model_bytes(loaded, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(first, second, n1);
        free(first);
        free(second);
        sentiment_model_free(loaded);
        sentiment_model_free(m);
    }
}

static void test_quantized_model_stays_close_to_the_float_model(void **state)
{
    static const char *const bits[] = {"8", "4"};
    static const double tolerance[] = {0.01, 0.08};
    sentiment_model *f = train_quantized("0", "8", "4096", "0");

    (void)state;
    expect_setting(f, "quantize", "0");
    expect_setting(f, "format-version", "1");
    for (size_t i = 0; i < 2; i++) {
        sentiment_model *q = train_quantized(bits[i], "8", "4096", "0");
        double worst = 0;
        for (size_t k = 0; k < corpus.count; k++) {
            float pf[2], pq[2];
            tu_classify(f, corpus.text[k], pf);
            tu_classify(q, corpus.text[k], pq);
            if (fabs((double)pf[0] - pq[0]) > worst)
                worst = fabs((double)pf[0] - pq[0]);
        }
        print_message("%s bits: largest probability change %.4f\n", bits[i], worst);
        if (worst > tolerance[i])
            fail_msg("%s bits moved a probability by %.4f", bits[i], worst);
        sentiment_model_free(q);
    }
    sentiment_model_free(f);
}

static void test_pruning_drops_the_rows_that_weigh_least(void **state)
{
    sentiment_model *whole = train_quantized("8", "8", "4096", "0");
    sentiment_model *pruned = train_quantized("8", "8", "4096", "0.9");
    size_t kept_whole = 0, kept_pruned = 0, size_whole, size_pruned;
    unsigned char *a, *b;
    size_t agree = 0;

    (void)state;
    for (uint32_t r = 0; r < whole->net.inputs; r++) {
        kept_whole += sn_quant_row_index(&whole->net, r) >= 0;
        kept_pruned += sn_quant_row_index(&pruned->net, r) >= 0;
        /* A row pruned here was kept there: pruning only removes. */
        if (sn_quant_row_index(&pruned->net, r) >= 0)
            assert_true(sn_quant_row_index(&whole->net, r) >= 0);
    }
    assert_int_equal(kept_whole, whole->net.rows_stored);
    assert_int_equal(kept_pruned, pruned->net.rows_stored);
    print_message("rows kept: %zu of %u, pruned to %zu\n", kept_whole, whole->net.inputs,
                  kept_pruned);
    assert_true(kept_pruned <= whole->net.inputs / 10);
    assert_true(kept_pruned > 0 && kept_pruned < kept_whole);
    a = tu_model_bytes(whole, &size_whole);
    b = tu_model_bytes(pruned, &size_pruned);
    assert_true(size_pruned < size_whole);
    /* The rows that matter most are kept, so most answers stay. */
    for (size_t k = 0; k < corpus.count; k++)
        agree += tu_classify(whole, corpus.text[k], NULL) ==
            tu_classify(pruned, corpus.text[k], NULL);
    assert_true(agree * 10 >= corpus.count * 8);
    free(a);
    free(b);
    sentiment_model_free(whole);
    sentiment_model_free(pruned);
}

static int load_copy(const unsigned char *data, size_t size, sentiment_error *err)
{
    unsigned char *copy = malloc(size ? size : 1);
    sentiment_model *m = NULL;
    int rc;

    assert_non_null(copy);
    memcpy(copy, data, size);
    rc = sentiment_model_load_buffer(&m, copy, size, err);
    free(copy);
    if (rc != SENTIMENT_OK)
        assert_null(m);
    sentiment_model_free(m);
    return rc;
}

static void test_quantized_model_rejects_every_truncation_and_bit_flip(void **state)
{
    static const char *const bits[] = {"8", "4", "8", "4"};
    static const char *const stems[] = {"0", "0", "5", "5"};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        sentiment_model *m = train_with_stems(bits[i], "3", "16", "0", stems[i]);
        size_t size;
        unsigned char *data = tu_model_bytes(m, &size);

        for (size_t len = 0; len < size; len++) {
            sentiment_error err;
            int rc = load_copy(data, len, &err);
            if (rc != SENTIMENT_ERR_CORRUPT)
                fail_msg("%s bits, cut to %zu of %zu bytes: status %d (%s)", bits[i], len,
                         size, rc, err.message);
        }
        for (size_t bit = 0; bit < 8 * size; bit++) {
            sentiment_error err;
            int rc;
            data[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            rc = load_copy(data, size, &err);
            data[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            if (rc != SENTIMENT_ERR_CORRUPT && rc != SENTIMENT_ERR_VERSION)
                fail_msg("%s bits, bit %zu flipped: status %d", bits[i], bit, rc);
            assert_int_equal(err.code, rc);
        }
        assert_int_equal(load_copy(data, size, NULL), SENTIMENT_OK);
        free(data);
        sentiment_model_free(m);
    }
}

/* ---- damage behind valid checksums ------------------------------------- */

static void expect_damage_rejected(void (*damage)(unsigned char *, size_t),
                                   const char *words)
{
    sentiment_model *m = train_quantized("8", "4", "64", "0");
    size_t size, len, packed_size;
    unsigned char *file = tu_model_bytes(m, &size);
    unsigned char *payload = tu_unpack(file, &len), *packed;
    sentiment_error err;

    damage(payload, len);
    packed = tu_pack(payload, len, tu_get32(file + 8), &packed_size);
    if (load_copy(packed, packed_size, &err) != SENTIMENT_ERR_CORRUPT)
        fail_msg("damage that should say '%s' was not noticed", words);
    if (strstr(err.message, words) == NULL)
        fail_msg("'%s' does not say '%s'", err.message, words);
    free(packed);
    free(payload);
    free(file);
    sentiment_model_free(m);
}

/* The first stored row's first code; rows are stored after the map and
 * the scales. */
static unsigned char *first_code(unsigned char *payload, size_t len)
{
    unsigned char *w = tu_section(payload, len, "W1Q ", NULL);
    uint32_t kept = tu_get32(w + 4);
    return w + 8 + 64 / 8 + 2 * (size_t)kept;
}

static void code_minus_128(unsigned char *p, size_t len)
{
    *first_code(p, len) = 0x80;
}

static void one_row_fewer_in_the_map(unsigned char *p, size_t len)
{
    unsigned char *w = tu_section(p, len, "W1Q ", NULL);
    for (size_t i = 0; i < 8; i++)
        if (w[8 + i] != 0) {
            w[8 + i] &= (unsigned char)(w[8 + i] - 1);
            return;
        }
    fail_msg("no row stored");
}

static void unknown_bit_width(unsigned char *p, size_t len)
{
    tu_put32(tu_section(p, len, "W1Q ", NULL), 6);
}

static void negative_row_scale(unsigned char *p, size_t len)
{
    unsigned char *w = tu_section(p, len, "W1Q ", NULL);
    w[8 + 8 + 1] |= 0x80;
}

static void zero_row_scale(unsigned char *p, size_t len)
{
    unsigned char *w = tu_section(p, len, "W1Q ", NULL);
    w[8 + 8] = 0;
    w[8 + 8 + 1] = 0;
}

static void negative_scale_step(unsigned char *p, size_t len)
{
    tu_section(p, len, "SCL8", NULL)[3] |= 0x80;
}

static void test_quantized_model_rejects_damage_behind_valid_checksums(void **state)
{
    (void)state;
    expect_damage_rejected(code_minus_128, "quantized weight is out of range");
    expect_damage_rejected(one_row_fewer_in_the_map, "row map does not match");
    expect_damage_rejected(unknown_bit_width, "unknown quantization");
    expect_damage_rejected(negative_row_scale, "impossible scale");
    expect_damage_rejected(zero_row_scale, "impossible scale");
    expect_damage_rejected(negative_scale_step, "feature scale step");
}

static void test_quantized_training_fails_cleanly_when_memory_runs_out(void **state)
{
    const char *const options[] = {
        "buckets", "64", "hidden", "3", "epochs", "2", "validation", "0",
        "quantize", "4", "prune", "0.5", NULL};
    char path[4096];

    (void)state;
    tu_tiny_path(path, sizeof path);
    for (unsigned long n = 1;; n++) {
        sentiment_trainer *t;
        sentiment_model *m;
        sentiment_error err;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = tu_try_train(path, options, &t, &m, &err);
        sn_alloc_fail_at = 0;
        sentiment_trainer_free(t);
        sentiment_model_free(m);
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
    }
}

/* ---- settings -------------------------------------------------------- */

static void test_model_reports_the_settings_it_was_trained_with(void **state)
{
    const char *const options[] = {
        "buckets", "1024", "hidden", "5", "ngrams", "3", "char-ngrams", "2",
"weighting", "logtf", "negation", "0", "bn-epsilon", "0.5", "epochs", "1",
        "stem", "3", NULL};
    sentiment_model *m = tu_train_tiny(options);
    char small[2];
    sentiment_error err;

    (void)state;
    expect_setting(m, "buckets", "1024");
    expect_setting(m, "hidden", "5");
    expect_setting(m, "ngrams", "3");
    expect_setting(m, "char-ngrams", "2");
    expect_setting(m, "weighting", "logtf");
    expect_setting(m, "normalize", "1");
    expect_setting(m, "negation", "0");
    expect_setting(m, "html", "1");
    expect_setting(m, "batchnorm", "1");
    expect_setting(m, "bn-epsilon", "0.5");
    expect_setting(m, "nb-scaling", "1");
    expect_setting(m, "quantize", "0");
    expect_setting(m, "labels", "2");
    expect_setting(m, "stem", "3");
    expect_setting(m, "format-version", "3");
    assert_int_equal(sentiment_model_get(m, "colour", small, sizeof small, &err),
                     SENTIMENT_ERR_INVALID);
    assert_non_null(strstr(err.message, "colour"));
    assert_int_equal(sentiment_model_get(m, "buckets", small, sizeof small, &err),
                     SENTIMENT_ERR_INVALID);
    assert_non_null(strstr(err.message, "5 bytes"));
    assert_int_equal(sentiment_model_get(NULL, "buckets", small, sizeof small, &err),
                     SENTIMENT_ERR_INVALID);
    sentiment_model_free(m);
}

/* ---- the default model ------------------------------------------------- */

static void test_default_model_loads_without_a_path_and_knows_reviews(void **state)
{
    static const struct { const char *text, *label; } reviews[] = {
        {"The food was cold and the waiter was rude.", "neg"},
        {"Lovely room, great view, friendly staff. We will be back!", "pos"},
        {"The battery died after two days and support never answered.", "neg"},
        {"This app is fantastic, it does exactly what I need.", "pos"},
    };
    sentiment_model *m;
    sentiment_error err;

    (void)state;
    unsetenv("SENTIMENT_MODEL");
    if (sentiment_model_load(&m, NULL, &err) != SENTIMENT_OK)
        fail_msg("default model: %s", err.message);
    expect_setting(m, "labels", "2");
    for (size_t i = 0; i < sizeof reviews / sizeof reviews[0]; i++) {
        size_t label = tu_classify(m, reviews[i].text, NULL);
        if (strcmp(sentiment_model_label(m, label), reviews[i].label) != 0)
            fail_msg("\"%s\" classified %s", reviews[i].text, sentiment_model_label(m, label));
    }
    sentiment_model_free(m);
    assert_non_null(strstr(sentiment_model_default_path(), "/default.model"));
}

static void test_default_model_is_the_file_the_environment_names(void **state)
{
    const char *const options[] = {"buckets", "64", "hidden", "2", "epochs", "1", NULL};
    sentiment_model *tiny = tu_train_tiny(options), *m;
    sentiment_error err;
    char path[4096];

    (void)state;
    tu_save_temp(tiny, path, sizeof path);
    setenv("SENTIMENT_MODEL", path, 1);
    assert_string_equal(sentiment_model_default_path(), path);
    assert_int_equal(sentiment_model_load(&m, NULL, &err), SENTIMENT_OK);
    expect_setting(m, "buckets", "64");
    sentiment_model_free(m);
    unlink(path);
    assert_int_equal(sentiment_model_load(&m, NULL, &err), SENTIMENT_ERR_IO);
    assert_null(m);
    assert_non_null(strstr(err.message, path));
    /* Empty means unset. */
    setenv("SENTIMENT_MODEL", "", 1);
    assert_int_equal(sentiment_model_load(&m, NULL, &err), SENTIMENT_OK);
    assert_string_equal(sentiment_model_label(m, tu_classify(m, "The food was cold and the waiter was rude.",
                                                            NULL)), "neg");
    sentiment_model_free(m);
    unsetenv("SENTIMENT_MODEL");
    sentiment_model_free(tiny);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantized_model_classifies_the_same_after_a_round_trip),
        cmocka_unit_test(test_quantized_model_stays_close_to_the_float_model),
        cmocka_unit_test(test_pruning_drops_the_rows_that_weigh_least),
        cmocka_unit_test(test_quantized_model_rejects_every_truncation_and_bit_flip),
        cmocka_unit_test(test_quantized_model_rejects_damage_behind_valid_checksums),
        cmocka_unit_test(test_quantized_training_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_model_reports_the_settings_it_was_trained_with),
        cmocka_unit_test(test_default_model_loads_without_a_path_and_knows_reviews),
        cmocka_unit_test(test_default_model_is_the_file_the_environment_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
