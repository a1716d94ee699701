/*
 * test_tokenizer.c - sn_tokenize: what becomes a token, and how it is
 * normalized.
 *
 * Expectations are written as the token strings themselves, compared with
 * what the tokenizer wrote at tk.text + start, so that a failure shows the
 * token that came out wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "internal.h"
#include "tokenizer.h"

/* Tokenizes LEN bytes of TEXT with the default rules; fails the test on error. */
static void tokenize(sn_tokenizer *tk, const char *text, size_t len)
{
    sn_tokenizer_settings s;
    sentiment_error err;

    sn_tokenizer_settings_default(&s);
    if (sn_tokenize(tk, &s, text, len, &err) != SENTIMENT_OK)
        fail_msg("sn_tokenize failed: %s", err.message);
}

/* Checks that the tokens of TK are exactly the NULL-terminated EXPECTED. */
static void expect_tokens(const sn_tokenizer *tk, const char *const *expected)
{
    size_t n = 0;

    while (expected[n] != NULL)
        n++;
    for (size_t i = 0; i < tk->count && i < n; i++) {
        const sn_token *t = &tk->tokens[i];
        size_t want = strlen(expected[i]);
        if (t->len != want || memcmp(tk->text + t->start, expected[i], want) != 0)
            fail_msg("token %zu is \"%.*s\", expected \"%s\"", i, (int)t->len,
                     tk->text + t->start, expected[i]);
    }
    if (tk->count != n)
        fail_msg("%zu tokens, expected %zu", tk->count, n);
}

/* Tokenizes the NUL-terminated TEXT and checks its tokens. */
static void check(const char *text, const char *const *expected)
{
    sn_tokenizer tk;

    sn_tokenizer_init(&tk);
    tokenize(&tk, text, strlen(text));
    expect_tokens(&tk, expected);
    assert_int_equal(tk.invalid, 0);
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_splits_words_numbers_and_punctuation(void **state)
{
    (void)state;
    check("Hello, world! It costs 3.5 dollars (not 1,000).",
          (const char *const[]){"hello", ",", "world", "!", "it", "costs", "3.5",
                                "dollars", "(", "not", "1,000", ")", ".", NULL});
}

static void test_tokenizer_keeps_a_decimal_number_as_one_token(void **state)
{
    (void)state;
    check("3.5", (const char *const[]){"3.5", NULL});
    /* A point that is not followed by a digit ends the number. */
    check("rated 4. ok", (const char *const[]){"rated", "4", ".", "ok", NULL});
    check("v2", (const char *const[]){"v", "2", NULL});
}

static void test_tokenizer_makes_each_symbol_its_own_token(void **state)
{
    (void)state;
    check("wow!!! :-)", (const char *const[]){"wow", "!", "!", "!", ":", "-", ")", NULL});
    check("5$ & 10\xE2\x82\xAC", /* 10€ */
          (const char *const[]){"5", "$", "&", "10", "\xE2\x82\xAC", NULL});
}

static void test_tokenizer_treats_whitespace_and_controls_as_separators(void **state)
{
    (void)state;
    check("  a\tb\nc\r\nd\x7f" "e  ", (const char *const[]){"a", "b", "c", "d", "e", NULL});
    /* NO-BREAK SPACE and IDEOGRAPHIC SPACE separate too. */
    check("x\xC2\xA0y\xE3\x80\x80z", (const char *const[]){"x", "y", "z", NULL});
}

static void test_tokenizer_applies_nfkc_to_fullwidth_letters(void **state)
{
    (void)state;
    /* ＡＢＣ, fullwidth capitals, are abc after NFKC and case folding. */
    check("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", (const char *const[]){"abc", NULL});
    /* The "ﬁ" ligature is "fi". */
    check("\xEF\xAC\x81ne", (const char *const[]){"fine", NULL});
}

static void test_tokenizer_case_folds_sharp_s_to_ss(void **state)
{
    (void)state;
    check("Stra\xC3\x9F" "e", (const char *const[]){"strasse", NULL});
    check("STRASSE", (const char *const[]){"strasse", NULL});
}

static void test_tokenizer_case_folds_dotted_capital_i(void **state)
{
    (void)state;
    /* U+0130 folds to "i" followed by U+0307 COMBINING DOT ABOVE, which stays
     * with the letter. */
    check("\xC4\xB0stanbul", (const char *const[]){"i\xCC\x87stanbul", NULL});
    /* Greek capitals fold too. */
    check("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", /* ΣΟΦΙΑ */
          (const char *const[]){"\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1", NULL});
}

static void test_tokenizer_composes_combining_marks_with_their_letter(void **state)
{
    (void)state;
    /* "e" + COMBINING ACUTE ACCENT is é (U+00E9), in one token. */
    check("caf" "e\xCC\x81!", (const char *const[]){"caf\xC3\xA9", "!", NULL});
    /* The precomposed form gives the same token. */
    check("caf\xC3\xA9!", (const char *const[]){"caf\xC3\xA9", "!", NULL});
    /* A mark with no precomposed form stays inside the word. */
    check("q\xCC\x83q", (const char *const[]){"q\xCC\x83q", NULL});
}

static void test_tokenizer_keeps_apostrophe_inside_a_word(void **state)
{
    (void)state;
    check("Don't stop", (const char *const[]){"don't", "stop", NULL});
    /* The typographic apostrophe U+2019 becomes the ASCII one. */
    check("don\xE2\x80\x99t", (const char *const[]){"don't", NULL});
    /* At the edge of a word an apostrophe is punctuation. */
    check("'quoted' dogs'", (const char *const[]){"'", "quoted", "'", "dogs", "'", NULL});
}

static void test_tokenizer_reads_ascii_and_unicode_paths_alike(void **state)
{
    sn_tokenizer a, b;
    const char *ascii = "The Movie WAS 10/10, don't MISS it!";
    char mixed[128];

    (void)state;
    /* A non-ASCII word at the end sends the text through utf8proc; the
     * tokens before it must not change. */
    snprintf(mixed, sizeof mixed, "%s caf\xC3\xA9", ascii);
    sn_tokenizer_init(&a);
    sn_tokenizer_init(&b);
    tokenize(&a, ascii, strlen(ascii));
    tokenize(&b, mixed, strlen(mixed));
    assert_int_equal(b.count, a.count + 1);
    for (size_t i = 0; i < a.count; i++) {
        assert_int_equal(a.tokens[i].len, b.tokens[i].len);
        assert_memory_equal(a.text + a.tokens[i].start, b.text + b.tokens[i].start,
                            a.tokens[i].len);
    }
    sn_tokenizer_release(&a);
    sn_tokenizer_release(&b);
}

/* Checks the invariants every tokenization must hold whatever the input:
 * tokens inside the text, non-empty, valid UTF-8, without NUL bytes or
 * separators. */
static void check_invariants(const sn_tokenizer *tk, size_t input_len)
{
    assert_true(tk->invalid <= input_len);
    for (size_t i = 0; i < tk->count; i++) {
        const sn_token *t = &tk->tokens[i];
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)tk->text + t->start;
        utf8proc_ssize_t left = t->len;

        assert_true(t->len > 0);
        assert_true((size_t)t->start + t->len <= tk->text_len);
        if (i > 0)
            assert_true(t->start >= tk->tokens[i - 1].start + tk->tokens[i - 1].len);
        while (left > 0) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
            if (n <= 0)
                fail_msg("token %zu is not valid UTF-8", i);
            assert_true(cp != 0 && cp != ' ');
            p += n;
            left -= n;
        }
    }
}

static void test_tokenizer_replaces_invalid_utf8_and_counts_it(void **state)
{
    sn_tokenizer tk;

    (void)state;
    sn_tokenizer_init(&tk);
    /* A lone continuation byte between two letters. */
    tokenize(&tk, "a\x80" "b", 3);
    expect_tokens(&tk, (const char *const[]){"a", "\xEF\xBF\xBD", "b", NULL});
    assert_int_equal(tk.invalid, 1);

    /* A sequence cut short at the end of the text. */
    tokenize(&tk, "ok \xC3", 4);
    expect_tokens(&tk, (const char *const[]){"ok", "\xEF\xBF\xBD", NULL});
    assert_int_equal(tk.invalid, 1);

    /* An overlong encoding of '/': both bytes are invalid. */
    tokenize(&tk, "\xC0\xAF", 2);
    expect_tokens(&tk, (const char *const[]){"\xEF\xBF\xBD", "\xEF\xBF\xBD", NULL});
    assert_int_equal(tk.invalid, 2);

    /* An encoded UTF-16 surrogate is not UTF-8: each of its bytes is
     * replaced. */
    tokenize(&tk, "\xED\xA0\x80", 3);
    assert_int_equal(tk.invalid, 3);
    check_invariants(&tk, 3);

    /* 0xFF can never appear in UTF-8. */
    tokenize(&tk, "\xFF\xFE", 2);
    assert_int_equal(tk.invalid, 2);
    assert_int_equal(tk.count, 2);

    /* The count is reset by the next call. */
    tokenize(&tk, "fine", 4);
    assert_int_equal(tk.invalid, 0);
    expect_tokens(&tk, (const char *const[]){"fine", NULL});
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_survives_random_bytes(void **state)
{
    sn_tokenizer tk;
    uint64_t rng = 42;
    unsigned char buf[256];

    (void)state;
    sn_tokenizer_init(&tk);
    for (int round = 0; round < 5000; round++) {
        size_t len = sn_rng_below(&rng, sizeof buf + 1);
        int mode = round % 3;
        for (size_t i = 0; i < len; i++) {
            uint64_t r = sn_rng_next(&rng);
            if (mode == 0)          /* any byte */
                buf[i] = (unsigned char)r;
            else if (mode == 1)     /* mostly high bytes: broken sequences */
                buf[i] = (unsigned char)(0x80 | (r & 0x7F));
            else                    /* ASCII with some high bytes */
                buf[i] = (unsigned char)((r >> 8) % 8 == 0 ? r | 0x80 : 32 + r % 95);
        }
        tokenize(&tk, (const char *)buf, len);
        check_invariants(&tk, len);
        if (mode == 1 && len > 0)
            assert_true(tk.invalid > 0); /* nothing valid starts with 10xxxxxx */
    }
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_survives_random_code_points(void **state)
{
    sn_tokenizer tk;
    uint64_t rng = 7;
    utf8proc_uint8_t buf[4 * 64];

    (void)state;
    sn_tokenizer_init(&tk);
    /* Valid UTF-8 of any scalar value, assigned or not: no replacement. */
    for (int round = 0; round < 3000; round++) {
        size_t len = 0, n = sn_rng_below(&rng, 64);
        for (size_t i = 0; i < n; i++) {
            int32_t cp = (int32_t)sn_rng_below(&rng, 0x110000);
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 'x';
            len += (size_t)utf8proc_encode_char(cp, buf + len);
        }
        tokenize(&tk, (const char *)buf, len);
        check_invariants(&tk, len);
        assert_int_equal(tk.invalid, 0);
    }
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_treats_nul_bytes_as_separators(void **state)
{
    sn_tokenizer tk;

    (void)state;
    sn_tokenizer_init(&tk);
    tokenize(&tk, "good\0movie\0\0", 12);
    expect_tokens(&tk, (const char *const[]){"good", "movie", NULL});
    assert_int_equal(tk.invalid, 0);
    tokenize(&tk, "caf\xC3\xA9\0" "bar", 9);
    expect_tokens(&tk, (const char *const[]){"caf\xC3\xA9", "bar", NULL});
    tokenize(&tk, "\0\0\0", 3);
    assert_int_equal(tk.count, 0);
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_gives_no_tokens_for_empty_input(void **state)
{
    sn_tokenizer tk;

    (void)state;
    sn_tokenizer_init(&tk);
    tokenize(&tk, "", 0);
    assert_int_equal(tk.count, 0);
    assert_int_equal(tk.invalid, 0);
    tokenize(&tk, "x", 0); /* the length, not the NUL, ends the text */
    assert_int_equal(tk.count, 0);
    tokenize(&tk, " \t\r\n ", 5);
    assert_int_equal(tk.count, 0);
    /* A non-empty call followed by an empty one leaves no stale tokens. */
    tokenize(&tk, "two words", 9);
    assert_int_equal(tk.count, 2);
    tokenize(&tk, "", 0);
    assert_int_equal(tk.count, 0);
    assert_int_equal(tk.text_len, 0);
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_handles_a_long_text_in_one_call(void **state)
{
    sn_tokenizer tk;
    enum { WORDS = 20000 };
    static char text[WORDS * 6];

    (void)state;
    for (size_t i = 0; i < WORDS; i++)
        memcpy(text + 6 * i, i % 2 ? "\xC3\xA9t\xC3\xA9 " : "Wow!! ", 6);
    sn_tokenizer_init(&tk);
    tokenize(&tk, text, sizeof text);
    /* "été" is one token, "Wow!!" three. */
    assert_int_equal(tk.count, WORDS / 2 * 4);
    for (size_t i = 0; i < tk.count; i++) {
        static const char *const cycle[] = {"wow", "!", "!", "\xC3\xA9t\xC3\xA9"};
        const char *want = cycle[i % 4];
        assert_int_equal(tk.tokens[i].len, strlen(want));
        assert_memory_equal(tk.text + tk.tokens[i].start, want, strlen(want));
    }
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_refuses_a_text_longer_than_4_gib_without_reading_it(void **state)
{
#if SIZE_MAX > UINT32_MAX
    sn_tokenizer tk;
    sn_tokenizer_settings s;
    sentiment_error err;

    (void)state;
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&s);
    /* The length alone must be refused: the buffer holds one byte. */
    assert_int_equal(sn_tokenize(&tk, &s, "x", (size_t)UINT32_MAX + 1, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    assert_int_equal(tk.count, 0);
    sn_tokenizer_release(&tk);
#else
    (void)state;
    skip();
#endif
}

static void test_tokenizer_fails_cleanly_when_memory_runs_out(void **state)
{
    const char *text = "Caf\xC3\xA9 STRA\xC3\x9F" "E, don't \xFF 3.5!";
    sn_tokenizer_settings s;
    unsigned long n;

    (void)state;
    sn_tokenizer_settings_default(&s);
    for (n = 1;; n++) {
        sn_tokenizer tk;
        sentiment_error err;
        int rc;

        sn_tokenizer_init(&tk);
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sn_tokenize(&tk, &s, text, strlen(text), &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            assert_int_equal(tk.count, 7);
            assert_int_equal(tk.invalid, 1);
            sn_tokenizer_release(&tk);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        assert_int_equal(err.code, SENTIMENT_ERR_NOMEM);
        sn_tokenizer_release(&tk);
    }
    assert_true(n > 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenizer_splits_words_numbers_and_punctuation),
        cmocka_unit_test(test_tokenizer_keeps_a_decimal_number_as_one_token),
        cmocka_unit_test(test_tokenizer_makes_each_symbol_its_own_token),
        cmocka_unit_test(test_tokenizer_treats_whitespace_and_controls_as_separators),
        cmocka_unit_test(test_tokenizer_applies_nfkc_to_fullwidth_letters),
        cmocka_unit_test(test_tokenizer_case_folds_sharp_s_to_ss),
        cmocka_unit_test(test_tokenizer_case_folds_dotted_capital_i),
        cmocka_unit_test(test_tokenizer_composes_combining_marks_with_their_letter),
        cmocka_unit_test(test_tokenizer_keeps_apostrophe_inside_a_word),
        cmocka_unit_test(test_tokenizer_reads_ascii_and_unicode_paths_alike),
        cmocka_unit_test(test_tokenizer_replaces_invalid_utf8_and_counts_it),
        cmocka_unit_test(test_tokenizer_survives_random_bytes),
        cmocka_unit_test(test_tokenizer_survives_random_code_points),
        cmocka_unit_test(test_tokenizer_treats_nul_bytes_as_separators),
        cmocka_unit_test(test_tokenizer_gives_no_tokens_for_empty_input),
        cmocka_unit_test(test_tokenizer_handles_a_long_text_in_one_call),
        cmocka_unit_test(test_tokenizer_refuses_a_text_longer_than_4_gib_without_reading_it),
        cmocka_unit_test(test_tokenizer_fails_cleanly_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
