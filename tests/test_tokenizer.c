/*
 * test_tokenizer.c - sn_tokenize and the word lists it consults: what
 * becomes a token, how it is normalized, and how it is marked.
 *
 * Expectations are written as the token strings themselves, compared with
 * what the tokenizer wrote at tk.text + start, so that a failure shows the
 * token that came out wrong.  Where a rule marks tokens, the expectation
 * also gives each token's kind and flags.
 *
 * Unless a test says otherwise, text is tokenized with every rule on and
 * the built-in word lists, as a model trained with the defaults does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "internal.h"
#include "lexicon.h"
#include "strtab.h"
#include "testutil.h"
#include "tokenizer.h"

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

/* Short names for kinds and flags in expectations. */
enum {
    WORD = SN_TOKEN_WORD,
    NUMBER = SN_TOKEN_NUMBER,
    PUNCT = SN_TOKEN_PUNCT,
    SYMBOL = SN_TOKEN_SYMBOL,
    CHAR = SN_TOKEN_CHAR,
    PLACEHOLDER = SN_TOKEN_PLACEHOLDER,
    EMOTICON = SN_TOKEN_EMOTICON,
    NEG = SN_TOKEN_NEGATED,
    INT = SN_TOKEN_INTENSIFIED,
    CAPS = SN_TOKEN_ALLCAPS,
    LONG = SN_TOKEN_ELONGATED
};

static const char *kind_name(int kind)
{
    static const char *const names[] = {
        "WORD", "NUMBER", "PUNCT", "SYMBOL", "CHAR", "PLACEHOLDER", "EMOTICON"};
    return kind >= 0 && kind < 7 ? names[kind] : "?";
}

/* Tokenizes LEN bytes of TEXT with every rule but those in OFF, consulting
 * LEX (may be NULL); fails the test on error. */
static void tokenize_with(sn_tokenizer *tk, uint32_t off, const sn_lexicon *lex,
                          const char *text, size_t len)
{
    sn_tokenizer_settings s;
    sentiment_error err;

    sn_tokenizer_settings_default(&s);
    s.flags &= ~off;
    if (sn_tokenize(tk, &s, lex, text, len, &err) != SENTIMENT_OK)
        fail_msg("sn_tokenize failed: %s", err.message);
}

/* Tokenizes LEN bytes of TEXT with the default rules and lists. */
static void tokenize(sn_tokenizer *tk, const char *text, size_t len)
{
    tokenize_with(tk, 0, &lexicon, text, len);
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

/* Tokenizes the NUL-terminated TEXT without the rules in OFF and checks its
 * tokens. */
static void check_without(uint32_t off, const char *text, const char *const *expected)
{
    sn_tokenizer tk;

    sn_tokenizer_init(&tk);
    tokenize_with(&tk, off, &lexicon, text, strlen(text));
    expect_tokens(&tk, expected);
    assert_int_equal(tk.invalid, 0);
    sn_tokenizer_release(&tk);
}

/* The same with every rule on. */
static void check(const char *text, const char *const *expected)
{
    check_without(0, text, expected);
}

/* A token as expected: its text, kind and flags. */
typedef struct want {
    const char *text;
    int kind;
    int flags;
} want;

/* Checks the tokens of TK, kinds and flags included, against EXPECTED,
 * which ends with a NULL text. */
static void expect_marked(const sn_tokenizer *tk, const char *input, const want *expected)
{
    size_t n = 0;

    while (expected[n].text != NULL)
        n++;
    for (size_t i = 0; i < tk->count && i < n; i++) {
        const sn_token *t = &tk->tokens[i];
        const want *w = &expected[i];
        size_t len = strlen(w->text);
        if (t->len != len || memcmp(tk->text + t->start, w->text, len) != 0 ||
            t->kind != w->kind || t->flags != w->flags)
            fail_msg("\"%s\": token %zu is \"%.*s\" %s flags %d, expected \"%s\" %s "
                     "flags %d", input, i, (int)t->len, tk->text + t->start,
                     kind_name(t->kind), t->flags, w->text, kind_name(w->kind), w->flags);
    }
    if (tk->count != n)
        fail_msg("\"%s\": %zu tokens, expected %zu", input, tk->count, n);
}

/* Tokenizes TEXT without the rules in OFF and checks kinds and flags too. */
static void check_marked_without(uint32_t off, const char *text, const want *expected)
{
    sn_tokenizer tk;

    sn_tokenizer_init(&tk);
    tokenize_with(&tk, off, &lexicon, text, strlen(text));
    expect_marked(&tk, text, expected);
    assert_int_equal(tk.invalid, 0);
    sn_tokenizer_release(&tk);
}

static void check_marked(const char *text, const want *expected)
{
    check_marked_without(0, text, expected);
}

/* ---- segmentation --------------------------------------------------------- */

static void test_tokenizer_splits_words_numbers_and_punctuation(void **state)
{
    (void)state;
    /* "1,000" has more than 3 characters: a placeholder under the new rules. */
    check("Hello, world! It costs 3.5 dollars (not 1,000).",
          (const char *const[]){"hello", ",", "world", "!", "it", "costs", "3.5",
                                "dollars", "(", "not", "<number>", ")", ".", NULL});
}

static void test_tokenizer_keeps_a_decimal_number_as_one_token(void **state)
{
    (void)state;
    check("3.5", (const char *const[]){"3.5", NULL});
    check("1,5", (const char *const[]){"1,5", NULL});
    /* A point that is not followed by a digit ends the number. */
    check("rated 4. ok", (const char *const[]){"rated", "4", ".", "ok", NULL});
    check("v2", (const char *const[]){"v", "2", NULL});
}

static void test_tokenizer_makes_each_symbol_its_own_token(void **state)
{
    (void)state;
    /* A run of one mark is one token (shortened), an emoticon is one. */
    check("wow!!! :-)", (const char *const[]){"wow", "!!", ":-)", NULL});
    /* Different marks stay apart. */
    check("ok?!", (const char *const[]){"ok", "?", "!", NULL});
    check("5$ & 10\xE2\x82\xAC", /* 10€ */
          (const char *const[]){"5", "$", "&", "10", "\xE2\x82\xAC", NULL});
    /* Without the emoticon rule, each mark is a token again. */
    check_without(SN_TOK_EMOTICONS, ":-)", (const char *const[]){":", "-", ")", NULL});
}

static void test_tokenizer_treats_whitespace_and_controls_as_separators(void **state)
{
    (void)state;
    check("  a\tb\nc\r\nd\x7f" "e  ", (const char *const[]){"a", "b", "c", "d", "e", NULL});
    /* NO-BREAK SPACE and IDEOGRAPHIC SPACE separate too. */
    check("x\xC2\xA0y\xE3\x80\x80z", (const char *const[]){"x", "y", "z", NULL});
}

/* ---- normalization -------------------------------------------------------- */

static void test_tokenizer_applies_nfkc_to_fullwidth_letters(void **state)
{
    (void)state;
    /* ＡＢＣ, fullwidth capitals, are abc after NFKC and case folding. */
    check("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", (const char *const[]){"abc", NULL});
    /* The "ﬁ" ligature is "fi". */
    check("\xEF\xAC\x81ne", (const char *const[]){"fine", NULL});
    /* Fullwidth digits are digits. */
    check("\xEF\xBC\x91\xEF\xBC\x90", (const char *const[]){"10", NULL});
}

static void test_tokenizer_case_folds_sharp_s_to_ss(void **state)
{
    (void)state;
    check("Stra\xC3\x9F" "e", (const char *const[]){"strasse", NULL});
    check("STRASSE", (const char *const[]){"strasse", NULL});
    check("\xC3\x9F", (const char *const[]){"ss", NULL});
}

static void test_tokenizer_case_folds_dotted_capital_i(void **state)
{
    (void)state;
    /* U+0130 folds to "i" followed by U+0307 COMBINING DOT ABOVE, which stays
     * with the letter. */
    check("\xC4\xB0", (const char *const[]){"i\xCC\x87", NULL});
    check("\xC4\xB0stanbul", (const char *const[]){"i\xCC\x87stanbul", NULL});
    /* Greek capitals fold too. */
    check("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", /* ΣΟΦΙΑ */
          (const char *const[]){"\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1", NULL});
}

static void test_tokenizer_composes_combining_marks_with_their_letter(void **state)
{
    (void)state;
    /* "e" + COMBINING ACUTE ACCENT is é (U+00E9), in one token. */
    check("e\xCC\x81", (const char *const[]){"\xC3\xA9", NULL});
    check("caf" "e\xCC\x81!", (const char *const[]){"caf\xC3\xA9", "!", NULL});
    /* The precomposed form gives the same token. */
    check("caf\xC3\xA9!", (const char *const[]){"caf\xC3\xA9", "!", NULL});
    /* A mark with no precomposed form stays inside the word. */
    check("q\xCC\x83q", (const char *const[]){"q\xCC\x83q", NULL});
}

static void test_tokenizer_keeps_apostrophe_inside_a_word(void **state)
{
    (void)state;
    /* "don't" is split by the clitic rule; words without a clitic keep
     * their apostrophe. */
    check("Don't stop", (const char *const[]){"do", "n't", "stop", NULL});
    check("o'clock rock'n'roll", (const char *const[]){"o'clock", "rock'n'roll", NULL});
    /* The typographic apostrophe U+2019 becomes the ASCII one. */
    check("don\xE2\x80\x99t", (const char *const[]){"do", "n't", NULL});
    check("o\xE2\x80\x99" "clock", (const char *const[]){"o'clock", NULL});
    /* At the edge of a word an apostrophe is punctuation. */
    check("'quoted' dogs'", (const char *const[]){"'", "quoted", "'", "dogs", "'", NULL});
}

static void test_tokenizer_reads_ascii_and_unicode_paths_alike(void **state)
{
    sn_tokenizer a, b;
    const char *ascii = "The Movie WAS 10/10, don't MISS it! <br /> Sooo good :-) "
                        "see www.x.com, 12345 &amp; @bob";
    char mixed[256];

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
        assert_int_equal(a.tokens[i].kind, b.tokens[i].kind);
        assert_int_equal(a.tokens[i].flags, b.tokens[i].flags);
        assert_int_equal(a.tokens[i].classes, b.tokens[i].classes);
    }
    sn_tokenizer_release(&a);
    sn_tokenizer_release(&b);
}

/* ---- symbols and emoji ------------------------------------------------------ */

static void test_tokenizer_keeps_an_emoji_with_a_skin_tone_as_one_symbol(void **state)
{
    (void)state;
    /* 👍🏽: THUMBS UP SIGN + EMOJI MODIFIER FITZPATRICK TYPE-4. */
    check_marked("great\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
                 (const want[]){{"great", WORD, 0},
                                {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", SYMBOL, 0},
                                {NULL, 0, 0}});
}

static void test_tokenizer_keeps_a_zwj_family_as_one_symbol(void **state)
{
    (void)state;
    /* 👨‍👩‍👧: MAN, ZWJ, WOMAN, ZWJ, GIRL. */
    check_marked("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
                 (const want[]){{"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"
                                 "\xE2\x80\x8D\xF0\x9F\x91\xA7", SYMBOL, 0},
                                {NULL, 0, 0}});
}

static void test_tokenizer_keeps_a_flag_as_one_symbol(void **state)
{
    (void)state;
    /* 🇫🇷: two regional indicators. */
    check_marked("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
                 (const want[]){{"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", SYMBOL, 0},
                                {NULL, 0, 0}});
    /* Two flags in a row are two tokens: indicators pair up. */
    check("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xA9\xF0\x9F\x87\xAA",
          (const char *const[]){"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
                                "\xF0\x9F\x87\xA9\xF0\x9F\x87\xAA", NULL});
}

static void test_tokenizer_keeps_a_heart_with_its_variation_selector_as_one_symbol(void **state)
{
    (void)state;
    /* ❤️: HEAVY BLACK HEART + VARIATION SELECTOR-16. */
    check_marked("love \xE2\x9D\xA4\xEF\xB8\x8F!",
                 (const want[]){{"love", WORD, 0}, {"\xE2\x9D\xA4\xEF\xB8\x8F", SYMBOL, 0},
                                {"!", PUNCT, 0}, {NULL, 0, 0}});
}

/* ---- scripts written without spaces ------------------------------------------ */

static void test_tokenizer_cuts_chinese_into_one_char_token_per_character(void **state)
{
    (void)state;
    /* 这家酒店很好: "this hotel is very good". */
    check_marked("\xE8\xBF\x99\xE5\xAE\xB6\xE9\x85\x92\xE5\xBA\x97\xE5\xBE\x88\xE5\xA5\xBD",
                 (const want[]){{"\xE8\xBF\x99", CHAR, 0}, {"\xE5\xAE\xB6", CHAR, 0},
                                {"\xE9\x85\x92", CHAR, 0}, {"\xE5\xBA\x97", CHAR, 0},
                                {"\xE5\xBE\x88", CHAR, 0}, {"\xE5\xA5\xBD", CHAR, 0},
                                {NULL, 0, 0}});
    /* The ideographic full stop is punctuation. */
    check("\xE5\xBE\x88\xE5\xA5\xBD\xE3\x80\x82",
          (const char *const[]){"\xE5\xBE\x88", "\xE5\xA5\xBD", "\xE3\x80\x82", NULL});
}

static void test_tokenizer_cuts_japanese_kana_and_kanji_into_one_char_token_each(void **state)
{
    (void)state;
    /* とても良いホテル: hiragana, kanji, hiragana, katakana. */
    check_marked("\xE3\x81\xA8\xE3\x81\xA6\xE3\x82\x82\xE8\x89\xAF\xE3\x81\x84"
                 "\xE3\x83\x9B\xE3\x83\x86\xE3\x83\xAB",
                 (const want[]){{"\xE3\x81\xA8", CHAR, 0}, {"\xE3\x81\xA6", CHAR, 0},
                                {"\xE3\x82\x82", CHAR, 0}, {"\xE8\x89\xAF", CHAR, 0},
                                {"\xE3\x81\x84", CHAR, 0}, {"\xE3\x83\x9B", CHAR, 0},
                                {"\xE3\x83\x86", CHAR, 0}, {"\xE3\x83\xAB", CHAR, 0},
                                {NULL, 0, 0}});
    /* Halfwidth katakana with a halfwidth voiced mark, ｶﾞ, is ガ after
     * NFKC: one character. */
    check("\xEF\xBD\xB6\xEF\xBE\x9E", (const char *const[]){"\xE3\x82\xAC", NULL});
    /* The prolonged sound mark ー is a character of its own. */
    check("\xE3\x83\x93\xE3\x83\xBC\xE3\x83\xAB", /* ビール */
          (const char *const[]){"\xE3\x83\x93", "\xE3\x83\xBC", "\xE3\x83\xAB", NULL});
}

/* The grapheme clusters of the NFKC form of TEXT, as the expected tokens of
 * a text in an unspaced script: checks that TK's tokens are exactly them. */
static void expect_graphemes(const sn_tokenizer *tk, const char *text)
{
    utf8proc_uint8_t *nfkc = utf8proc_NFKC((const utf8proc_uint8_t *)text);
    const utf8proc_uint8_t *p;
    utf8proc_int32_t prev = -1, cp, state = 0;
    size_t count = 0, start = 0, pos = 0, len;

    assert_non_null(nfkc);
    p = nfkc;
    len = strlen((const char *)nfkc);
    while (pos < len) {
        utf8proc_ssize_t n = utf8proc_iterate(p + pos, (utf8proc_ssize_t)(len - pos), &cp);
        assert_true(n > 0);
        if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state)) {
            assert_true(count < tk->count);
            assert_int_equal(tk->tokens[count].len, pos - start);
            assert_memory_equal(tk->text + tk->tokens[count].start, p + start, pos - start);
            count++;
            start = pos;
        }
        prev = cp;
        pos += (size_t)n;
    }
    assert_true(count < tk->count);
    assert_int_equal(tk->tokens[count].len, pos - start);
    assert_memory_equal(tk->text + tk->tokens[count].start, p + start, pos - start);
    assert_int_equal(tk->count, count + 1);
    free(nfkc);
}

static void test_tokenizer_cuts_thai_into_one_char_token_per_grapheme(void **state)
{
    /* นี้ดีมาก ("this is very good"): นี้ is NO NU with SARA II and MAI THO,
     * one grapheme; SARA AA is a letter of its own. */
    const char *thai = "\xE0\xB8\x99\xE0\xB8\xB5\xE0\xB9\x89\xE0\xB8\x94\xE0\xB8\xB5"
                       "\xE0\xB8\xA1\xE0\xB8\xB2\xE0\xB8\x81";
    /* โรงแรมนี้สะอาด: leading vowels, a sentence-long run. */
    const char *longer = "\xE0\xB9\x82\xE0\xB8\xA3\xE0\xB8\x87\xE0\xB9\x81\xE0\xB8\xA3"
                         "\xE0\xB8\xA1\xE0\xB8\x99\xE0\xB8\xB5\xE0\xB9\x89\xE0\xB8\xAA"
                         "\xE0\xB8\xB0\xE0\xB8\xAD\xE0\xB8\xB2\xE0\xB8\x94";
    sn_tokenizer tk;

    (void)state;
    check_marked(thai, (const want[]){{"\xE0\xB8\x99\xE0\xB8\xB5\xE0\xB9\x89", CHAR, 0},
                                      {"\xE0\xB8\x94\xE0\xB8\xB5", CHAR, 0},
                                      {"\xE0\xB8\xA1", CHAR, 0},
                                      {"\xE0\xB8\xB2", CHAR, 0},
                                      {"\xE0\xB8\x81", CHAR, 0},
                                      {NULL, 0, 0}});
    sn_tokenizer_init(&tk);
    tokenize(&tk, thai, strlen(thai));
    expect_graphemes(&tk, thai);
    tokenize(&tk, longer, strlen(longer));
    expect_graphemes(&tk, longer);
    for (size_t i = 0; i < tk.count; i++)
        assert_int_equal(tk.tokens[i].kind, CHAR);
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_splits_mixed_script_into_a_word_and_char_tokens(void **state)
{
    (void)state;
    /* hotel很好 */
    check_marked("hotel\xE5\xBE\x88\xE5\xA5\xBD",
                 (const want[]){{"hotel", WORD, 0}, {"\xE5\xBE\x88", CHAR, 0},
                                {"\xE5\xA5\xBD", CHAR, 0}, {NULL, 0, 0}});
    /* 很好hotel */
    check_marked("\xE5\xBE\x88\xE5\xA5\xBDHotel",
                 (const want[]){{"\xE5\xBE\x88", CHAR, 0}, {"\xE5\xA5\xBD", CHAR, 0},
                                {"hotel", WORD, 0}, {NULL, 0, 0}});
}

/* ---- negation and intensifiers ------------------------------------------------ */

static void test_tokenizer_negates_tokens_after_a_cue_until_punctuation(void **state)
{
    (void)state;
    check_marked("not good. fine",
                 (const want[]){{"not", WORD, 0}, {"good", WORD, NEG}, {".", PUNCT, 0},
                                {"fine", WORD, 0}, {NULL, 0, 0}});
    /* The scope runs over several tokens; a comma ends it too. */
    check_marked("never really liked it, ok",
                 (const want[]){{"never", WORD, 0}, {"really", WORD, NEG},
                                {"liked", WORD, NEG | INT}, {"it", WORD, NEG},
                                {",", PUNCT, 0}, {"ok", WORD, 0}, {NULL, 0, 0}});
    /* The ideographic full stop ends a clause as '.' does. */
    check_marked("not good\xE3\x80\x82" "fine",
                 (const want[]){{"not", WORD, 0}, {"good", WORD, NEG},
                                {"\xE3\x80\x82", PUNCT, 0}, {"fine", WORD, 0},
                                {NULL, 0, 0}});
}

static void test_tokenizer_ends_a_negation_scope_at_a_contrast_word(void **state)
{
    (void)state;
    check_marked("not bad but boring",
                 (const want[]){{"not", WORD, 0}, {"bad", WORD, NEG}, {"but", WORD, 0},
                                {"boring", WORD, 0}, {NULL, 0, 0}});
    check_marked("no pool however great",
                 (const want[]){{"no", WORD, 0}, {"pool", WORD, NEG},
                                {"however", WORD, 0}, {"great", WORD, 0}, {NULL, 0, 0}});
}

static void test_tokenizer_negates_the_words_after_a_split_nt(void **state)
{
    (void)state;
    check_marked("don't like it",
                 (const want[]){{"do", WORD, 0}, {"n't", WORD, 0}, {"like", WORD, NEG},
                                {"it", WORD, NEG}, {NULL, 0, 0}});
}

static void test_tokenizer_marks_the_word_after_an_intensifier(void **state)
{
    (void)state;
    check_marked("very nice room",
                 (const want[]){{"very", WORD, 0}, {"nice", WORD, INT}, {"room", WORD, 0},
                                {NULL, 0, 0}});
    /* Inside a negation scope both marks apply. */
    check_marked("not very nice",
                 (const want[]){{"not", WORD, 0}, {"very", WORD, NEG},
                                {"nice", WORD, NEG | INT}, {NULL, 0, 0}});
    /* Punctuation in between breaks the link. */
    check_marked("very, nice",
                 (const want[]){{"very", WORD, 0}, {",", PUNCT, 0}, {"nice", WORD, 0},
                                {NULL, 0, 0}});
}

/* ---- capitals ------------------------------------------------------------------ */

static void test_tokenizer_flags_a_word_in_capitals_and_folds_it(void **state)
{
    (void)state;
    check_marked("GREAT hotel",
                 (const want[]){{"great", WORD, CAPS}, {"hotel", WORD, 0}, {NULL, 0, 0}});
    check_marked("OK", (const want[]){{"ok", WORD, CAPS}, {NULL, 0, 0}});
    /* Non-ASCII capitals count too: ÉTÉ. */
    check_marked("\xC3\x89T\xC3\x89",
                 (const want[]){{"\xC3\xA9t\xC3\xA9", WORD, CAPS}, {NULL, 0, 0}});
    /* The stem of a split word keeps the flag. */
    check_marked("DON'T",
                 (const want[]){{"do", WORD, CAPS}, {"n't", WORD, 0}, {NULL, 0, 0}});
}

static void test_tokenizer_does_not_flag_single_capitals_or_mixed_case(void **state)
{
    (void)state;
    check_marked("I A Good oK GoOd",
                 (const want[]){{"i", WORD, 0}, {"a", WORD, 0}, {"good", WORD, 0},
                                {"ok", WORD, 0}, {"good", WORD, 0}, {NULL, 0, 0}});
}

/* ---- HTML ------------------------------------------------------------------------ */

static void test_tokenizer_removes_html_tags(void **state)
{
    (void)state;
    check("great<br />room", (const char *const[]){"great", "room", NULL});
    check("<p>nice</p><!-- x --><br/>", (const char *const[]){"nice", NULL});
    check("<b>bold</b> move", (const char *const[]){"bold", "move", NULL});
}

static void test_tokenizer_decodes_html_entities(void **state)
{
    (void)state;
    check("Tom &amp; Jerry", (const char *const[]){"tom", "&", "jerry", NULL});
    check("it&#39;s", (const char *const[]){"it", "'s", NULL});
    check("&quot;hi&quot;", (const char *const[]){"\"", "hi", "\"", NULL});
    check("a&nbsp;b", (const char *const[]){"a", "b", NULL});
    check("caf&#xE9;", (const char *const[]){"caf\xC3\xA9", NULL});
    /* A decoded '<' is text, never a tag. */
    check("&lt;br&gt;", (const char *const[]){"<", "br", ">", NULL});
    /* Not entities: no ';', code point 0, a surrogate. */
    check("&amp", (const char *const[]){"&", "amp", NULL});
    check("&#0;", (const char *const[]){"&", "#", "0", ";", NULL});
}

static void test_tokenizer_keeps_a_less_than_sign_and_a_heart_that_are_not_tags(void **state)
{
    (void)state;
    check_marked("a < b",
                 (const want[]){{"a", WORD, 0}, {"<", SYMBOL, 0}, {"b", WORD, 0},
                                {NULL, 0, 0}});
    check_marked("I <3 it",
                 (const want[]){{"i", WORD, 0}, {"<3", EMOTICON, 0}, {"it", WORD, 0},
                                {NULL, 0, 0}});
    check_marked("<3", (const want[]){{"<3", EMOTICON, 0}, {NULL, 0, 0}});
    check_marked("</3", (const want[]){{"</3", EMOTICON, 0}, {NULL, 0, 0}});
}

/* ---- placeholders ----------------------------------------------------------------- */

static void test_tokenizer_replaces_urls_and_keeps_trailing_punctuation(void **state)
{
    (void)state;
    check_marked("see http://x.com/a?b=1. ok",
                 (const want[]){{"see", WORD, 0}, {"<url>", PLACEHOLDER, 0},
                                {".", PUNCT, 0}, {"ok", WORD, 0}, {NULL, 0, 0}});
    check("https://example.org/path!", (const char *const[]){"<url>", "!", NULL});
    check("www.example.com, yes", (const char *const[]){"<url>", ",", "yes", NULL});
    check("(HTTP://X.COM)", (const char *const[]){"(", "<url>", ")", NULL});
}

static void test_tokenizer_replaces_an_email_address(void **state)
{
    (void)state;
    check_marked("write me@x.org.",
                 (const want[]){{"write", WORD, 0}, {"<email>", PLACEHOLDER, 0},
                                {".", PUNCT, 0}, {NULL, 0, 0}});
    check("me@x.org", (const char *const[]){"<email>", NULL});
    /* No dot after the '@': no address. */
    check("me@home", (const char *const[]){"me", "@", "home", NULL});
}

static void test_tokenizer_keeps_punctuation_before_an_email_address(void **state)
{
    (void)state;
    /* Only the address becomes the placeholder, as with a URL. */
    check("(me@x.org)", (const char *const[]){"(", "<email>", ")", NULL});
    check("\"me@x.org\"", (const char *const[]){"\"", "<email>", "\"", NULL});
}

static void test_tokenizer_replaces_a_mention_with_a_user_placeholder(void **state)
{
    (void)state;
    check_marked("@bob thanks",
                 (const want[]){{"<user>", PLACEHOLDER, 0}, {"thanks", WORD, 0},
                                {NULL, 0, 0}});
    check("thanks @bob_99!", (const char *const[]){"thanks", "<user>", "!", NULL});
}

static void test_tokenizer_replaces_numbers_longer_than_three_characters(void **state)
{
    (void)state;
    check_marked("1234 10 3.5 100 2,500",
                 (const want[]){{"<number>", PLACEHOLDER, 0}, {"10", NUMBER, 0},
                                {"3.5", NUMBER, 0}, {"100", NUMBER, 0},
                                {"<number>", PLACEHOLDER, 0}, {NULL, 0, 0}});
}

/* ---- elongation --------------------------------------------------------------------- */

static void test_tokenizer_shortens_elongated_letters_and_flags_them(void **state)
{
    (void)state;
    check_marked("Sooooo good",
                 (const want[]){{"soo", WORD, LONG}, {"good", WORD, 0}, {NULL, 0, 0}});
    check_marked("cooool", (const want[]){{"cool", WORD, LONG}, {NULL, 0, 0}});
    /* Two equal letters are no elongation. */
    check_marked("soo", (const want[]){{"soo", WORD, 0}, {NULL, 0, 0}});
    check_marked("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
                 (const want[]){{"\xC3\xA9\xC3\xA9", WORD, LONG}, {NULL, 0, 0}});
    check_marked("SOOOO",
                 (const want[]){{"soo", WORD, LONG | CAPS}, {NULL, 0, 0}});
}

static void test_tokenizer_shortens_repeated_punctuation_to_two(void **state)
{
    (void)state;
    check_marked("!!!!!", (const want[]){{"!!", PUNCT, LONG}, {NULL, 0, 0}});
    check_marked("!!!", (const want[]){{"!!", PUNCT, LONG}, {NULL, 0, 0}});
    check_marked("!!", (const want[]){{"!!", PUNCT, 0}, {NULL, 0, 0}});
    check_marked("!", (const want[]){{"!", PUNCT, 0}, {NULL, 0, 0}});
}

/* ---- emoticons ------------------------------------------------------------------------ */

static void test_tokenizer_keeps_emoticons_whole_and_folded(void **state)
{
    (void)state;
    check_marked(":) :-( :D",
                 (const want[]){{":)", EMOTICON, 0}, {":-(", EMOTICON, 0},
                                {":d", EMOTICON, 0}, {NULL, 0, 0}});
    /* Right after a word, and twice in a row. */
    check_marked("nice:):D",
                 (const want[]){{"nice", WORD, 0}, {":)", EMOTICON, 0},
                                {":d", EMOTICON, 0}, {NULL, 0, 0}});
}

static void test_tokenizer_does_not_take_the_start_of_a_word_for_an_emoticon(void **state)
{
    (void)state;
    check_marked(":data",
                 (const want[]){{":", PUNCT, 0}, {"data", WORD, 0}, {NULL, 0, 0}});
    check(":pizza", (const char *const[]){":", "pizza", NULL});
}

/* ---- clitics ----------------------------------------------------------------------------- */

static void test_tokenizer_splits_clitics_off_words(void **state)
{
    (void)state;
    check("it's", (const char *const[]){"it", "'s", NULL});
    check("can't", (const char *const[]){"ca", "n't", NULL});
    check("I'm we're you'll I've he'd",
          (const char *const[]){"i", "'m", "we", "'re", "you", "'ll", "i", "'ve", "he",
                                "'d", NULL});
    check("it\xE2\x80\x99s", (const char *const[]){"it", "'s", NULL});
}

static void test_tokenizer_reads_a_clitic_standing_alone_like_one_attached(void **state)
{
    sn_tokenizer a, b;
    static const char *const pairs[][2] = {
        {"it's", "it 's"}, {"can't", "ca n't"}, {"we're here", "we 're here"},
        {"don't like it", "do n't like it"},
    };

    (void)state;
    sn_tokenizer_init(&a);
    sn_tokenizer_init(&b);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        tokenize(&a, pairs[i][0], strlen(pairs[i][0]));
        tokenize(&b, pairs[i][1], strlen(pairs[i][1]));
        if (a.count != b.count)
            fail_msg("\"%s\": %zu tokens, \"%s\": %zu", pairs[i][0], a.count, pairs[i][1],
                     b.count);
        for (size_t k = 0; k < a.count; k++) {
            assert_int_equal(a.tokens[k].len, b.tokens[k].len);
            assert_memory_equal(a.text + a.tokens[k].start, b.text + b.tokens[k].start,
                                a.tokens[k].len);
            assert_int_equal(a.tokens[k].kind, b.tokens[k].kind);
            assert_int_equal(a.tokens[k].flags, b.tokens[k].flags);
            assert_int_equal(a.tokens[k].classes, b.tokens[k].classes);
        }
    }
    sn_tokenizer_release(&a);
    sn_tokenizer_release(&b);
    check("it 's", (const char *const[]){"it", "'s", NULL});
    check("it \xE2\x80\x99s", (const char *const[]){"it", "'s", NULL});
}

static void test_tokenizer_takes_only_ascii_letters_for_a_standalone_clitic(void **state)
{
    (void)state;
    /* U+0173 (ų) and U+7164 (煤) end in the byte of 's' and 'd': they are no
     * clitic, so the apostrophe stays punctuation. */
    check("'\xC5\xB3", (const char *const[]){"'", "\xC5\xB3", NULL});
    check("'\xE7\x85\xA4", (const char *const[]){"'", "\xE7\x85\xA4", NULL});
}

/* ---- each rule switched off ----------------------------------------------------------------- */

static void test_tokenizer_keeps_tags_and_entities_as_text_when_html_is_off(void **state)
{
    (void)state;
    check_without(SN_TOK_HTML, "a<br />b",
                  (const char *const[]){"a", "<", "br", "/", ">", "b", NULL});
    check_without(SN_TOK_HTML, "x &amp; y",
                  (const char *const[]){"x", "&", "amp", ";", "y", NULL});
}

static void test_tokenizer_keeps_urls_addresses_and_numbers_when_placeholders_are_off(void **state)
{
    (void)state;
    /* (Elongation off too, or "www" would be "ww".) */
    check_without(SN_TOK_PLACEHOLDERS | SN_TOK_ELONGATION, "www.x.com",
                  (const char *const[]){"www", ".", "x", ".", "com", NULL});
    check_without(SN_TOK_PLACEHOLDERS, "me@x.org",
                  (const char *const[]){"me", "@", "x", ".", "org", NULL});
    check_without(SN_TOK_PLACEHOLDERS, "@bob", (const char *const[]){"@", "bob", NULL});
    check_without(SN_TOK_PLACEHOLDERS, "12345 2,500",
                  (const char *const[]){"12345", "2,500", NULL});
}

static void test_tokenizer_keeps_elongations_as_written_when_elongation_is_off(void **state)
{
    (void)state;
    check_marked_without(SN_TOK_ELONGATION, "Sooooo",
                         (const want[]){{"sooooo", WORD, 0}, {NULL, 0, 0}});
    check_marked_without(SN_TOK_ELONGATION, "!!!!!",
                         (const want[]){{"!!!!!", PUNCT, 0}, {NULL, 0, 0}});
}

static void test_tokenizer_marks_no_negation_when_negation_is_off(void **state)
{
    (void)state;
    check_marked_without(SN_TOK_NEGATION, "not good",
                         (const want[]){{"not", WORD, 0}, {"good", WORD, 0}, {NULL, 0, 0}});
    check_marked_without(SN_TOK_NEGATION, "don't like it",
                         (const want[]){{"do", WORD, 0}, {"n't", WORD, 0},
                                        {"like", WORD, 0}, {"it", WORD, 0}, {NULL, 0, 0}});
}

static void test_tokenizer_still_marks_intensified_words_when_negation_is_off(void **state)
{
    (void)state;
    /* Intensifiers have no flag of their own: turning negation marking off
     * must not turn them off too. */
    check_marked_without(SN_TOK_NEGATION, "not very nice",
                         (const want[]){{"not", WORD, 0}, {"very", WORD, 0},
                                        {"nice", WORD, INT}, {NULL, 0, 0}});
}

static void test_tokenizer_cuts_emoticons_into_punctuation_when_emoticons_are_off(void **state)
{
    (void)state;
    check_without(SN_TOK_EMOTICONS, ":) <3 :D",
                  (const char *const[]){":", ")", "<", "3", ":", "d", NULL});
}

static void test_tokenizer_keeps_words_whole_when_clitics_are_off(void **state)
{
    (void)state;
    check_without(SN_TOK_CLITICS, "don't it's can't",
                  (const char *const[]){"don't", "it's", "can't", NULL});
    check_without(SN_TOK_CLITICS, "it 's", (const char *const[]){"it", "'", "s", NULL});
    /* "don't" whole is then no negation cue (unless listed as such). */
    check_marked_without(SN_TOK_CLITICS, "don't like",
                         (const want[]){{"don't", WORD, 0}, {"like", WORD, 0},
                                        {NULL, 0, 0}});
}

static void test_tokenizer_applies_no_list_without_a_lexicon(void **state)
{
    sn_tokenizer tk;
    const char *text = "not very good :) but fine";

    (void)state;
    sn_tokenizer_init(&tk);
    tokenize_with(&tk, 0, NULL, text, strlen(text));
    expect_marked(&tk, text, (const want[]){{"not", WORD, 0}, {"very", WORD, 0},
                                            {"good", WORD, 0}, {":", PUNCT, 0},
                                            {")", PUNCT, 0}, {"but", WORD, 0},
                                            {"fine", WORD, 0}, {NULL, 0, 0}});
    for (size_t i = 0; i < tk.count; i++)
        assert_int_equal(tk.tokens[i].classes, 0);
    /* With the lists, the classes are set on the tokens. */
    tokenize(&tk, text, strlen(text));
    assert_int_equal(tk.tokens[0].classes, SN_LEX_NEGATION);
    assert_int_equal(tk.tokens[1].classes, SN_LEX_INTENSIFIER);
    assert_int_equal(tk.tokens[4].classes, SN_LEX_CONTRAST);
    sn_tokenizer_release(&tk);
}

/* ---- broken and unusual input ---------------------------------------------------------------- */

/* Checks the invariants every tokenization must hold whatever the input:
 * tokens inside the text, in order, non-empty, valid UTF-8, without NUL
 * bytes or spaces, with a known kind, flags and classes. */
static void check_invariants(const sn_tokenizer *tk, size_t input_len)
{
    assert_true(tk->invalid <= input_len);
    for (size_t i = 0; i < tk->count; i++) {
        const sn_token *t = &tk->tokens[i];
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)tk->text + t->start;
        utf8proc_ssize_t left = t->len;

        assert_true(t->len > 0);
        assert_true((size_t)t->start + t->len <= tk->text_len);
        assert_true(t->kind <= SN_TOKEN_EMOTICON);
        assert_true((t->flags & ~15) == 0);
        assert_true((t->classes & ~15) == 0);
        if (t->classes != 0)
            assert_true(t->kind == SN_TOKEN_WORD || t->kind == SN_TOKEN_PUNCT);
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
    /* The vectorizer reads 8 bytes past every token. */
    for (size_t k = 0; k < 8; k++)
        assert_int_equal(tk->text[tk->text_len + k], 0);
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

/* Random flags: each rule on or off. */
static uint32_t random_flags(uint64_t *rng)
{
    return (uint32_t)sn_rng_below(rng, SN_TOK_ALL + 1);
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
            else if (mode == 1)     /* high bytes, the first a continuation byte */
                buf[i] = (unsigned char)(0x80 | (r & (i == 0 ? 0x3F : 0x7F)));
            else                    /* ASCII with some high bytes */
                buf[i] = (unsigned char)((r >> 8) % 8 == 0 ? r | 0x80 : 32 + r % 95);
        }
        tokenize_with(&tk, ~random_flags(&rng) & SN_TOK_ALL,
                      round % 4 == 3 ? NULL : &lexicon, (const char *)buf, len);
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

static void test_tokenizer_survives_random_mixes_of_what_its_rules_look_for(void **state)
{
    /* Pieces that start or end a rule, joined at random, so that every rule
     * meets cut-off and overlapping input. */
    static const char *const pieces[] = {
        "<", ">", "br", "/", "&amp;", "&#", "x41;", "&", ";", "http://", "https://",
        "www.", "@", ".", ",", "'", "\xE2\x80\x99", "n't", "s", "re", ":", ")", "(",
        "-", "D", "d", "!", "?", "1", "2345", " ", "\t", "\xC3\xA9", "\xCC\x81",
        "\xE5\xBE\x88", "\xE0\xB8\x99\xE0\xB8\xB5\xE0\xB9\x89", "\xF0\x9F\x91\x8D",
        "\xF0\x9F\x8F\xBD", "\xE2\x80\x8D", "\xEF\xB8\x8F", "\xF0\x9F\x87\xAB", "\xFF",
        "\xC3", "not", "but", "very", "SOOO", "o", "\xC4\xB0", "\xC3\x9F", "<3", "^_^",
        "\xEF\xBD\xB6", "\xEF\xBE\x9E", "\xE3\x80\x82", "_",
    };
    sn_tokenizer tk, fresh;
    uint64_t rng = 2026;
    char buf[64 * 16];

    (void)state;
    sn_tokenizer_init(&tk);
    for (int round = 0; round < 4000; round++) {
        size_t len = 0, n = 1 + sn_rng_below(&rng, 60);
        uint32_t off = ~random_flags(&rng) & SN_TOK_ALL;
        for (size_t i = 0; i < n; i++) {
            const char *p = pieces[sn_rng_below(&rng, sizeof pieces / sizeof pieces[0])];
            size_t m = strlen(p);
            memcpy(buf + len, p, m);
            len += m;
            if (sn_rng_below(&rng, 16) == 0)
                buf[len++] = '\0';
        }
        tokenize_with(&tk, off, &lexicon, buf, len);
        check_invariants(&tk, len);
        /* A reused tokenizer gives what a fresh one gives. */
        if (round % 8 == 0) {
            sn_tokenizer_init(&fresh);
            tokenize_with(&fresh, off, &lexicon, buf, len);
            assert_int_equal(fresh.count, tk.count);
            assert_int_equal(fresh.text_len, tk.text_len);
            assert_memory_equal(fresh.text, tk.text, tk.text_len);
            for (size_t i = 0; i < tk.count; i++) {
                assert_int_equal(fresh.tokens[i].start, tk.tokens[i].start);
                assert_int_equal(fresh.tokens[i].len, tk.tokens[i].len);
                assert_int_equal(fresh.tokens[i].kind, tk.tokens[i].kind);
                assert_int_equal(fresh.tokens[i].flags, tk.tokens[i].flags);
                assert_int_equal(fresh.tokens[i].classes, tk.tokens[i].classes);
            }
            sn_tokenizer_release(&fresh);
        }
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
    /* A NUL is no clause end: the scope goes on over it.  It ends a URL. */
    tokenize(&tk, "not\0good", 8);
    expect_marked(&tk, "not\\0good",
                  (const want[]){{"not", WORD, 0}, {"good", WORD, NEG}, {NULL, 0, 0}});
    tokenize(&tk, "www.x.com\0ok", 12);
    expect_tokens(&tk, (const char *const[]){"<url>", "ok", NULL});
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
    /* Only tags: nothing left. */
    tokenize(&tk, "<br /><p>", 9);
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
    /* "été" is one token, "Wow!!" two: "!!" is one token. */
    assert_int_equal(tk.count, WORDS / 2 * 3);
    for (size_t i = 0; i < tk.count; i++) {
        static const char *const cycle[] = {"wow", "!!", "\xC3\xA9t\xC3\xA9"};
        const char *w = cycle[i % 3];
        assert_int_equal(tk.tokens[i].len, strlen(w));
        assert_memory_equal(tk.text + tk.tokens[i].start, w, strlen(w));
    }
    sn_tokenizer_release(&tk);
}

static void test_tokenizer_refuses_a_text_longer_than_1_gib_without_reading_it(void **state)
{
    sn_tokenizer tk;
    sn_tokenizer_settings s;
    sentiment_error err;

    (void)state;
    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&s);
    /* The length alone must be refused: the buffer holds one byte. */
    assert_int_equal(sn_tokenize(&tk, &s, &lexicon, "x", (size_t)UINT32_MAX / 4 + 1, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    assert_int_equal(tk.count, 0);
#if SIZE_MAX > UINT32_MAX
    assert_int_equal(sn_tokenize(&tk, &s, &lexicon, "x", (size_t)UINT32_MAX + 1, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(tk.count, 0);
#endif
    sn_tokenizer_release(&tk);
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
        rc = sn_tokenize(&tk, &s, &lexicon, text, strlen(text), &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            /* café strasse , do n't U+FFFD 3.5 ! */
            assert_int_equal(tk.count, 8);
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

/* ---- word lists ------------------------------------------------------------------------------- */

static void test_lexicon_parse_skips_comments_and_blank_lines(void **state)
{
    const char *text = "# negation cues\n\nnot\n  never  \r\n\t# indented comment\n"
                       "n't\r\n\n   \nno";
    sn_lexicon lex;
    sentiment_error err;

    (void)state;
    sn_lexicon_init(&lex);
    assert_int_equal(sn_lexicon_parse(&lex, SN_LEX_NEGATION, text, strlen(text), "neg.txt",
                                      &err), SENTIMENT_OK);
    assert_int_equal(lex.words.count, 4);
    assert_int_equal(sn_lexicon_lookup(&lex, "not", 3), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lex, "never", 5), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lex, "n't", 3), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lex, "no", 2), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lex, "#", 1), 0);
    assert_int_equal(sn_lexicon_lookup(&lex, "# negation cues", 15), 0);
    /* An empty list is fine. */
    assert_int_equal(sn_lexicon_parse(&lex, SN_LEX_CONTRAST, "", 0, "empty.txt", &err),
                     SENTIMENT_OK);
    assert_int_equal(lex.words.count, 4);
    sn_lexicon_release(&lex);
}

/* Parses TEXT as a list of class CLS named "list.txt" and expects it to be
 * refused with a message that starts with PREFIX. */
static void expect_parse_error(uint32_t cls, const char *text, const char *prefix)
{
    sn_lexicon lex;
    sentiment_error err;
    int rc;

    sn_lexicon_init(&lex);
    memset(&err, 0, sizeof err);
    rc = sn_lexicon_parse(&lex, cls, text, strlen(text), "list.txt", &err);
    if (rc != SENTIMENT_ERR_INVALID || strncmp(err.message, prefix, strlen(prefix)) != 0)
        fail_msg("a list whose bad entry is on line %s gave status %d \"%s\", expected "
                 "%d with a message starting \"%s\"", prefix + strlen("list.txt:"), rc,
                 rc == SENTIMENT_OK ? "" : err.message, SENTIMENT_ERR_INVALID, prefix);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    sn_lexicon_release(&lex);
}

static void test_lexicon_parse_names_the_file_and_line_of_a_bad_entry(void **state)
{
    char longest[SN_LEX_MAX_ENTRY + 8];

    (void)state;
    /* A space inside an entry. */
    expect_parse_error(SN_LEX_NEGATION, "# cues\nnot\nnot at all\n", "list.txt:3:");
    /* An emoticon starting with a letter or a digit. */
    expect_parse_error(SN_LEX_EMOTICON, ":)\n\nxd\n", "list.txt:3:");
    expect_parse_error(SN_LEX_EMOTICON, "8)\n", "list.txt:1:");
    expect_parse_error(SN_LEX_EMOTICON, ":)\n\xC3\xA9:\n", "list.txt:2:");
    /* A control character. */
    expect_parse_error(SN_LEX_INTENSIFIER, "very\nso\x01" "o\n", "list.txt:2:");
    /* An entry longer than 63 bytes; 63 are fine. */
    memset(longest, 'a', sizeof longest);
    longest[SN_LEX_MAX_ENTRY + 1] = '\0';
    expect_parse_error(SN_LEX_CONTRAST, longest, "list.txt:1:");
    {
        sn_lexicon lex;
        sentiment_error err;
        sn_lexicon_init(&lex);
        assert_int_equal(sn_lexicon_parse(&lex, SN_LEX_CONTRAST, longest, SN_LEX_MAX_ENTRY,
                                          "list.txt", &err), SENTIMENT_OK);
        assert_int_equal(sn_lexicon_lookup(&lex, longest, SN_LEX_MAX_ENTRY),
                         SN_LEX_CONTRAST);
        sn_lexicon_release(&lex);
    }
}

static void test_lexicon_refuses_an_emoticon_starting_with_a_capital_letter(void **state)
{
    (void)state;
    /* "XD" starts with a letter as "xd" does (and could never match: tokens
     * are case-folded). */
    expect_parse_error(SN_LEX_EMOTICON, ":)\nXD\n", "list.txt:2:");
}

static void test_lexicon_refuses_an_entry_with_the_delete_control_character(void **state)
{
    (void)state;
    /* DEL (0x7F) is a control character like 0x01. */
    expect_parse_error(SN_LEX_INTENSIFIER, "very\nso\x7F\n", "list.txt:2:");
}

static void test_lexicon_lookup_finds_entries_and_nothing_else(void **state)
{
    (void)state;
    assert_int_equal(sn_lexicon_lookup(&lexicon, "not", 3), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "n't", 3), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "but", 3), SN_LEX_CONTRAST);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "very", 4), SN_LEX_INTENSIFIER);
    assert_int_equal(sn_lexicon_lookup(&lexicon, ":)", 2), SN_LEX_EMOTICON);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "<3", 2), SN_LEX_EMOTICON);
    /* Prefixes, extensions, other case, other words: nothing. */
    assert_int_equal(sn_lexicon_lookup(&lexicon, "no", 1), 0);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "nots", 4), 0);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "Not", 3), 0);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "good", 4), 0);
    assert_int_equal(sn_lexicon_lookup(&lexicon, ":D", 2), 0);
    assert_int_equal(sn_lexicon_lookup(&lexicon, "", 0), 0);
    /* An empty lexicon finds nothing. */
    {
        sn_lexicon empty;
        sn_lexicon_init(&empty);
        assert_int_equal(sn_lexicon_lookup(&empty, "not", 3), 0);
        sn_lexicon_release(&empty);
    }
}

static void test_lexicon_gives_an_entry_in_two_lists_both_classes(void **state)
{
    sn_lexicon lex;
    sentiment_error err;

    (void)state;
    sn_lexicon_init(&lex);
    assert_int_equal(sn_lexicon_add(&lex, SN_LEX_NEGATION, "no", 2, &err), SENTIMENT_OK);
    assert_int_equal(sn_lexicon_add(&lex, SN_LEX_INTENSIFIER, "no", 2, &err), SENTIMENT_OK);
    assert_int_equal(sn_lexicon_add(&lex, SN_LEX_NEGATION, "no", 2, &err), SENTIMENT_OK);
    assert_int_equal(lex.words.count, 1);
    assert_int_equal(sn_lexicon_lookup(&lex, "no", 2), SN_LEX_NEGATION | SN_LEX_INTENSIFIER);
    sn_lexicon_release(&lex);
}

static void test_lexicon_finds_every_entry_of_a_long_list(void **state)
{
    sn_lexicon lex;
    sentiment_error err;
    char word[16];

    (void)state;
    sn_lexicon_init(&lex);
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(word, sizeof word, "w%d", i);
        /* Every list but emoticons, which cannot start with a letter. */
        assert_int_equal(sn_lexicon_add(&lex, 1u << (i % 3), word, (size_t)n, &err),
                         SENTIMENT_OK);
    }
    assert_int_equal(lex.words.count, 3000);
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(sn_lexicon_lookup(&lex, word, (size_t)n), 1u << (i % 3));
        n = snprintf(word, sizeof word, "x%d", i);
        assert_int_equal(sn_lexicon_lookup(&lex, word, (size_t)n), 0);
    }
    sn_lexicon_release(&lex);
}

static void test_lexicon_load_dir_reads_a_folder_where_empty_files_are_empty_lists(void **state)
{
    char dir[4096], path[4200];
    sn_lexicon lex;
    sentiment_error err;
    const char *neg = "# mine\nnope\nnot\n";
    const char *emo = ":o)\n";

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/negation.txt", dir);
    tu_write_file(path, neg, strlen(neg));
    snprintf(path, sizeof path, "%s/emoticons.txt", dir);
    tu_write_file(path, emo, strlen(emo));

    /* A list without its file is refused: a misnamed file would leave it
     * empty in silence. */
    sn_lexicon_init(&lex);
    assert_int_equal(sn_lexicon_load_dir(&lex, dir, &err), SENTIMENT_ERR_IO);
    if (!strstr(err.message, "contrast.txt, intensifiers.txt") ||
        strstr(err.message, "negation.txt"))
        fail_msg("message \"%s\" does not name exactly the two lists missing", err.message);
    sn_lexicon_release(&lex);
    snprintf(path, sizeof path, "%s/contrast.txt", dir);
    tu_write_file(path, "", 0);
    snprintf(path, sizeof path, "%s/intensifiers.txt", dir);
    tu_write_file(path, "", 0);

    sn_lexicon_init(&lex);
    assert_int_equal(sn_lexicon_load_dir(&lex, dir, &err), SENTIMENT_OK);
    assert_int_equal(lex.words.count, 3);
    assert_int_equal(sn_lexicon_lookup(&lex, "nope", 4), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lex, "not", 3), SN_LEX_NEGATION);
    assert_int_equal(sn_lexicon_lookup(&lex, ":o)", 3), SN_LEX_EMOTICON);
    /* contrast.txt and intensifiers.txt are empty: empty lists. */
    assert_int_equal(sn_lexicon_lookup(&lex, "but", 3), 0);
    assert_int_equal(sn_lexicon_lookup(&lex, "very", 4), 0);
    sn_lexicon_release(&lex);

    /* Tokenizing with these lists: "nope" negates, "very" intensifies nothing. */
    {
        sn_tokenizer tk;
        const char *text = "nope very good :o)";
        sn_lexicon_init(&lex);
        assert_int_equal(sn_lexicon_load_dir(&lex, dir, &err), SENTIMENT_OK);
        sn_tokenizer_init(&tk);
        tokenize_with(&tk, 0, &lex, text, strlen(text));
        expect_marked(&tk, text, (const want[]){{"nope", WORD, 0}, {"very", WORD, NEG},
                                                {"good", WORD, NEG}, {":o)", EMOTICON, NEG},
                                                {NULL, 0, 0}});
        sn_tokenizer_release(&tk);
        sn_lexicon_release(&lex);
    }

    /* A bad entry is reported with the file's path and the line. */
    snprintf(path, sizeof path, "%s/contrast.txt", dir);
    tu_write_file(path, "but\nand yet\n", 12);
    sn_lexicon_init(&lex);
    assert_int_equal(sn_lexicon_load_dir(&lex, dir, &err), SENTIMENT_ERR_INVALID);
    {
        char where[4300];
        snprintf(where, sizeof where, "%s:2:", path);
        if (strstr(err.message, where) == NULL)
            fail_msg("message \"%s\" does not name \"%s\"", err.message, where);
    }
    sn_lexicon_release(&lex);

    for (int k = 0; k < SN_LEX_CLASSES; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, sn_lexicon_files[k]);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

static void test_tokenizer_finds_a_listed_character_of_an_unspaced_script(void **state)
{
    sn_lexicon lex;
    sn_tokenizer tk;
    sentiment_error err;
    /* 不好，很好: "not good, very good", with 不 a negation cue and 很 an
     * intensifier in lists of one's own: the character after 很 is
     * intensified like a word after "very". */
    const char *text = "\xE4\xB8\x8D\xE5\xA5\xBD\xEF\xBC\x8C\xE5\xBE\x88\xE5\xA5\xBD";

    (void)state;
    sn_lexicon_init(&lex);
    assert_int_equal(sn_lexicon_add(&lex, SN_LEX_NEGATION, "\xE4\xB8\x8D", 3, &err),
                     SENTIMENT_OK);
    assert_int_equal(sn_lexicon_add(&lex, SN_LEX_INTENSIFIER, "\xE5\xBE\x88", 3, &err),
                     SENTIMENT_OK);
    sn_tokenizer_init(&tk);
    tokenize_with(&tk, 0, &lex, text, strlen(text));
    assert_int_equal(tk.count, 5);
    assert_int_equal(tk.tokens[0].classes, SN_LEX_NEGATION);
    assert_int_equal(tk.tokens[3].classes, SN_LEX_INTENSIFIER);
    expect_marked(&tk, text, (const want[]){{"\xE4\xB8\x8D", CHAR, 0},
                                            {"\xE5\xA5\xBD", CHAR, NEG},
                                            {",", PUNCT, 0},
                                            {"\xE5\xBE\x88", CHAR, 0},
                                            {"\xE5\xA5\xBD", CHAR, INT},
                                            {NULL, 0, 0}});
    sn_tokenizer_release(&tk);
    sn_lexicon_release(&lex);
}

static void test_lexicon_built_in_lists_are_the_files_of_the_lexicons_folder(void **state)
{
    char dir[4096];
    sn_lexicon lex;
    sentiment_error err;
    struct stat st;

    (void)state;
    tu_source_path(dir, sizeof dir, "lexicons");
    if (stat(dir, &st) != 0) {
        print_message("no %s: skipped\n", dir);
        skip();
    }
    sn_lexicon_init(&lex);
    if (sn_lexicon_load_dir(&lex, dir, &err) != SENTIMENT_OK)
        fail_msg("%s", err.message);
    assert_int_equal(lex.words.count, lexicon.words.count);
    assert_true(lex.words.count > 100);
    for (size_t i = 0; i < lex.words.count; i++)
        assert_int_equal(sn_lexicon_lookup(&lexicon, lex.words.string[i], lex.words.length[i]),
                         lex.classes[i]);
    sn_lexicon_release(&lex);
}

static void test_lexicon_fails_cleanly_when_memory_runs_out(void **state)
{
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        sn_lexicon lex;
        sentiment_error err;
        int rc;

        sn_lexicon_init(&lex);
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sn_lexicon_load_default(&lex, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_int_equal(lex.words.count, lexicon.words.count);
            assert_int_equal(sn_lexicon_lookup(&lex, "not", 3), SN_LEX_NEGATION);
            sn_lexicon_release(&lex);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        sn_lexicon_release(&lex);
    }
    assert_true(n > 2);
}

static void test_strtab_numbers_strings_in_order_of_first_addition(void **state)
{
    sn_strtab t;
    char word[16];

    (void)state;
    sn_strtab_init(&t);
    assert_int_equal(sn_strtab_find(&t, "a", 1), -1);
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(sn_strtab_intern(&t, word, (size_t)n), i);
    }
    for (int i = 999; i >= 0; i--) {
        int n = snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(sn_strtab_intern(&t, word, (size_t)n), i);
        assert_int_equal(sn_strtab_find(&t, word, (size_t)n), i);
        assert_string_equal(t.string[i], word);
    }
    /* Bytes, not C strings: a NUL inside, and a prefix, are other strings. */
    assert_int_equal(sn_strtab_intern(&t, "w1\0x", 4), 1000);
    assert_int_equal(sn_strtab_find(&t, "w", 1), -1);
    assert_int_equal(t.count, 1001);
    sn_strtab_release(&t);
}

/* Every allocation in turn fails: the table keeps what it held, and the
 * string that could not be added is not found. */
static void test_strtab_keeps_what_it_held_when_memory_runs_out(void **state)
{
    (void)state;
    for (unsigned long n = 1; n < 200; n++) {
        sn_strtab t;
        char word[16];
        int added = 0;

        sn_strtab_init(&t);
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        for (; added < 100; added++) {
            int len = snprintf(word, sizeof word, "w%d", added);
            if (sn_strtab_intern(&t, word, (size_t)len) < 0)
                break;
        }
        sn_alloc_fail_at = 0;
        assert_int_equal(t.count, (size_t)added);
        for (int i = 0; i <= added && i < 100; i++) {
            int len = snprintf(word, sizeof word, "w%d", i);
            assert_int_equal(sn_strtab_find(&t, word, (size_t)len), i < added ? i : -1);
        }
        sn_strtab_release(&t);
    }
}


/* Tokenizes TEXT the fast way (when it applies) and the general way, and
 * fails unless both give the same tokens. */
static void expect_both_ways_agree(uint32_t off, const sn_lexicon *lex, const char *text,
                                   size_t len)
{
    sn_tokenizer a, b;

    sn_tokenizer_init(&a);
    sn_tokenizer_init(&b);
    sn_tokenizer_fast_path = 1;
    tokenize_with(&a, off, lex, text, len);
    sn_tokenizer_fast_path = 0;
    tokenize_with(&b, off, lex, text, len);
    sn_tokenizer_fast_path = 1;
    if (a.count != b.count)
        fail_msg("\"%.*s\" (rules off %#x): %zu tokens the fast way, %zu the general way",
                 (int)len, text, off, a.count, b.count);
    for (size_t i = 0; i < a.count; i++) {
        const sn_token *x = &a.tokens[i], *y = &b.tokens[i];
        if (x->len != y->len || memcmp(a.text + x->start, b.text + y->start, x->len) != 0 ||
            x->kind != y->kind || x->flags != y->flags || x->classes != y->classes)
            fail_msg("\"%.*s\" (rules off %#x): token %zu is \"%.*s\" kind %d flags %d "
                     "classes %d the fast way, \"%.*s\" kind %d flags %d classes %d the "
                     "general way", (int)len, text, off, i, (int)x->len, a.text + x->start,
                     x->kind, x->flags, x->classes, (int)y->len, b.text + y->start, y->kind,
                     y->flags, y->classes);
    }
    assert_int_equal(a.invalid, b.invalid);
    sn_tokenizer_release(&a);
    sn_tokenizer_release(&b);
}

static void test_tokenizer_fast_path_agrees_with_the_general_one(void **state)
{
    /* ASCII pieces that start, end or interrupt a rule. */
    static const char *const pieces[] = {
        "<", ">", "br", "/", "<br />", "<b>", "</p>", "&amp;", "&", "&#39;", ";",
        "http://", "HTTP://", "https://", "www.", "Www.x", "@", ".", ",", "'", "n't",
        "N'T", "s", "re", "ll", ":", ")", "(", "-", ":-)", ":D", ":d", ":data", "<3",
        "</3", "^_^", "^^", "D", "d", "!", "?", "!!!!", "...", "1", "10", "3.5", "2345",
        "1,000", " ", "\t", "\n", "\r", "\0", "\x7f", "not", "but", "very", "SOOOO",
        "sooo", "o", "O", "A", "GREAT", "Great", "it", "can", "don't", "it's", "x'y'z",
        "''", "--", "$", "+", "=", "|", "~", "`", "_", "h", "w", "www", "hello", "e",
        "\x01", "#", "%", "*", "[", "]", "{", "}", "\"", "\\",
    };
    uint64_t rng = 7;
    char buf[64 * 16];

    (void)state;
    for (int round = 0; round < 20000; round++) {
        size_t len = 0, n = 1 + sn_rng_below(&rng, 40);
        uint32_t off = round % 4 == 0 ? random_flags(&rng) : 0;
        for (size_t i = 0; i < n; i++) {
            const char *p = pieces[sn_rng_below(&rng, sizeof pieces / sizeof pieces[0])];
            size_t m = strlen(p) + (p[0] == '\0');
            memcpy(buf + len, p, m);
            len += m;
        }
        expect_both_ways_agree(off, &lexicon, buf, len);
        if (round % 16 == 0)
            expect_both_ways_agree(off, NULL, buf, len);
    }
    /* And plain random ASCII bytes. */
    for (int round = 0; round < 5000; round++) {
        size_t len = sn_rng_below(&rng, 64);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)sn_rng_below(&rng, 128);
        expect_both_ways_agree(round % 3 == 0 ? random_flags(&rng) : 0, &lexicon, buf, len);
    }
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
        cmocka_unit_test(test_tokenizer_keeps_an_emoji_with_a_skin_tone_as_one_symbol),
        cmocka_unit_test(test_tokenizer_keeps_a_zwj_family_as_one_symbol),
        cmocka_unit_test(test_tokenizer_keeps_a_flag_as_one_symbol),
        cmocka_unit_test(test_tokenizer_keeps_a_heart_with_its_variation_selector_as_one_symbol),
        cmocka_unit_test(test_tokenizer_cuts_chinese_into_one_char_token_per_character),
        cmocka_unit_test(test_tokenizer_cuts_japanese_kana_and_kanji_into_one_char_token_each),
        cmocka_unit_test(test_tokenizer_cuts_thai_into_one_char_token_per_grapheme),
        cmocka_unit_test(test_tokenizer_splits_mixed_script_into_a_word_and_char_tokens),
        cmocka_unit_test(test_tokenizer_negates_tokens_after_a_cue_until_punctuation),
        cmocka_unit_test(test_tokenizer_ends_a_negation_scope_at_a_contrast_word),
        cmocka_unit_test(test_tokenizer_negates_the_words_after_a_split_nt),
        cmocka_unit_test(test_tokenizer_marks_the_word_after_an_intensifier),
        cmocka_unit_test(test_tokenizer_flags_a_word_in_capitals_and_folds_it),
        cmocka_unit_test(test_tokenizer_does_not_flag_single_capitals_or_mixed_case),
        cmocka_unit_test(test_tokenizer_removes_html_tags),
        cmocka_unit_test(test_tokenizer_decodes_html_entities),
        cmocka_unit_test(test_tokenizer_keeps_a_less_than_sign_and_a_heart_that_are_not_tags),
        cmocka_unit_test(test_tokenizer_replaces_urls_and_keeps_trailing_punctuation),
        cmocka_unit_test(test_tokenizer_replaces_an_email_address),
        cmocka_unit_test(test_tokenizer_keeps_punctuation_before_an_email_address),
        cmocka_unit_test(test_tokenizer_replaces_a_mention_with_a_user_placeholder),
        cmocka_unit_test(test_tokenizer_replaces_numbers_longer_than_three_characters),
        cmocka_unit_test(test_tokenizer_shortens_elongated_letters_and_flags_them),
        cmocka_unit_test(test_tokenizer_shortens_repeated_punctuation_to_two),
        cmocka_unit_test(test_tokenizer_keeps_emoticons_whole_and_folded),
        cmocka_unit_test(test_tokenizer_does_not_take_the_start_of_a_word_for_an_emoticon),
        cmocka_unit_test(test_tokenizer_splits_clitics_off_words),
        cmocka_unit_test(test_tokenizer_reads_a_clitic_standing_alone_like_one_attached),
        cmocka_unit_test(test_tokenizer_takes_only_ascii_letters_for_a_standalone_clitic),
        cmocka_unit_test(test_tokenizer_keeps_tags_and_entities_as_text_when_html_is_off),
        cmocka_unit_test(test_tokenizer_keeps_urls_addresses_and_numbers_when_placeholders_are_off),
        cmocka_unit_test(test_tokenizer_keeps_elongations_as_written_when_elongation_is_off),
        cmocka_unit_test(test_tokenizer_marks_no_negation_when_negation_is_off),
        cmocka_unit_test(test_tokenizer_still_marks_intensified_words_when_negation_is_off),
        cmocka_unit_test(test_tokenizer_cuts_emoticons_into_punctuation_when_emoticons_are_off),
        cmocka_unit_test(test_tokenizer_keeps_words_whole_when_clitics_are_off),
        cmocka_unit_test(test_tokenizer_applies_no_list_without_a_lexicon),
        cmocka_unit_test(test_tokenizer_replaces_invalid_utf8_and_counts_it),
        cmocka_unit_test(test_tokenizer_survives_random_bytes),
        cmocka_unit_test(test_tokenizer_fast_path_agrees_with_the_general_one),
        cmocka_unit_test(test_tokenizer_survives_random_code_points),
        cmocka_unit_test(test_tokenizer_survives_random_mixes_of_what_its_rules_look_for),
        cmocka_unit_test(test_tokenizer_treats_nul_bytes_as_separators),
        cmocka_unit_test(test_tokenizer_gives_no_tokens_for_empty_input),
        cmocka_unit_test(test_tokenizer_handles_a_long_text_in_one_call),
        cmocka_unit_test(test_tokenizer_refuses_a_text_longer_than_1_gib_without_reading_it),
        cmocka_unit_test(test_tokenizer_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_lexicon_parse_skips_comments_and_blank_lines),
        cmocka_unit_test(test_lexicon_parse_names_the_file_and_line_of_a_bad_entry),
        cmocka_unit_test(test_lexicon_refuses_an_emoticon_starting_with_a_capital_letter),
        cmocka_unit_test(test_lexicon_refuses_an_entry_with_the_delete_control_character),
        cmocka_unit_test(test_lexicon_lookup_finds_entries_and_nothing_else),
        cmocka_unit_test(test_lexicon_gives_an_entry_in_two_lists_both_classes),
        cmocka_unit_test(test_lexicon_finds_every_entry_of_a_long_list),
        cmocka_unit_test(test_lexicon_load_dir_reads_a_folder_where_empty_files_are_empty_lists),
        cmocka_unit_test(test_tokenizer_finds_a_listed_character_of_an_unspaced_script),
        cmocka_unit_test(test_lexicon_built_in_lists_are_the_files_of_the_lexicons_folder),
        cmocka_unit_test(test_lexicon_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_strtab_numbers_strings_in_order_of_first_addition),
        cmocka_unit_test(test_strtab_keeps_what_it_held_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
