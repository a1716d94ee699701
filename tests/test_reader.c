/*
 * test_reader.c - sentiment_reader (plain and gzip corpora, line by line)
 * and sentiment_parse_example.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "internal.h"
#include "testutil.h"

/* Writes LEN bytes of DATA gzip-compressed to PATH. */
static void write_gzip(const char *path, const void *data, size_t len)
{
    gzFile gz = gzopen(path, "wb");

    assert_non_null(gz);
    if (len > 0)
        assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

/* A temporary file holding LEN bytes of DATA, compressed when GZIP. */
static void temp_file(char *path, size_t size, const void *data, size_t len, int gzip)
{
    tu_temp_path(path, size);
    if (gzip)
        write_gzip(path, data, len);
    else
        tu_write_file(path, data, len);
}

/* Reads PATH to the end and checks its lines against EXPECTED (COUNT lines,
 * each with its length, so that NUL bytes can be part of them). */
static void expect_lines(const char *path, const char *const *expected,
                         const size_t *lengths, size_t count)
{
    sentiment_reader *r;
    sentiment_error err;
    const char *line;
    size_t len;

    if (sentiment_reader_open(&r, path, &err) != SENTIMENT_OK)
        fail_msg("open %s: %s", path, err.message);
    assert_int_equal(sentiment_reader_line_number(r), 0);
    for (size_t i = 0; i < count; i++) {
        if (sentiment_reader_next(r, &line, &len, &err) != SENTIMENT_OK)
            fail_msg("line %zu: %s", i + 1, err.message);
        if (line == NULL)
            fail_msg("end of input after %zu lines, %zu expected", i, count);
        if (len != lengths[i] || memcmp(line, expected[i], len) != 0)
            fail_msg("line %zu is \"%.*s\" (%zu bytes), expected \"%s\"", i + 1,
                     (int)len, line, len, expected[i]);
        assert_int_equal(line[len], '\0');
        assert_int_equal(sentiment_reader_line_number(r), i + 1);
    }
    assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
    if (line != NULL)
        fail_msg("an extra line \"%.*s\" after the %zu expected", (int)len, line, count);
    assert_int_equal(len, 0);
    /* The end stays the end. */
    assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
    assert_null(line);
    sentiment_reader_free(r);
}

/* The same for lines without NUL bytes, in both plain and gzip form. */
static void expect_text_lines(const char *data, size_t data_len,
                              const char *const *expected, size_t count)
{
    char path[4096];
    size_t lengths[64];

    assert_true(count <= 64);
    for (size_t i = 0; i < count; i++)
        lengths[i] = strlen(expected[i]);
    for (int gzip = 0; gzip <= 1; gzip++) {
        temp_file(path, sizeof path, data, data_len, gzip);
        expect_lines(path, expected, lengths, count);
        unlink(path);
    }
}

#define S(lit) lit, sizeof lit - 1
#define N(arr) (sizeof arr / sizeof arr[0])

static void test_reader_reads_plain_and_gzip_files_alike(void **state)
{
    static const char data[] =
        "pos\tgreat film\nneg\tawful\n\n__label__pos fine\n\xC3\xA9t\xC3\xA9\n";
    static const char *const lines[] = {
        "pos\tgreat film", "neg\tawful", "", "__label__pos fine", "\xC3\xA9t\xC3\xA9"};
    char plain[4096], packed[4096];
    size_t len;
    unsigned char *a, *b;

    (void)state;
    expect_text_lines(S(data), lines, N(lines));
    /* And the gzip file really is compressed. */
    temp_file(plain, sizeof plain, S(data), 0);
    temp_file(packed, sizeof packed, S(data), 1);
    a = tu_read_file(plain, &len);
    b = tu_read_file(packed, &len);
    assert_int_equal(b[0], 0x1F);
    assert_int_equal(b[1], 0x8B);
    assert_memory_not_equal(a, b, 2);
    free(a);
    free(b);
    unlink(plain);
    unlink(packed);
}

static void test_reader_strips_crlf_line_ends(void **state)
{
    static const char data[] = "one\r\ntwo\r\n\r\nthree\rstill three\r\nlast\r";
    static const char *const lines[] = {"one", "two", "", "three\rstill three", "last"};

    (void)state;
    expect_text_lines(S(data), lines, N(lines));
}

static void test_reader_strips_only_one_carriage_return(void **state)
{
    static const char data[] = "a\r\r\nb\n";
    static const char *const lines[] = {"a\r", "b"};

    (void)state;
    expect_text_lines(S(data), lines, N(lines));
}

static void test_reader_removes_a_byte_order_mark_on_the_first_line_only(void **state)
{
    static const char data[] = "\xEF\xBB\xBFpos\tfirst\n\xEF\xBB\xBFpos\tsecond\n";
    static const char *const lines[] = {"pos\tfirst", "\xEF\xBB\xBFpos\tsecond"};
    static const char bom_only[] = "\xEF\xBB\xBF\r\nnext\n";
    static const char *const bom_only_lines[] = {"", "next"};

    (void)state;
    expect_text_lines(S(data), lines, N(lines));
    expect_text_lines(S(bom_only), bom_only_lines, N(bom_only_lines));
}

static void test_reader_returns_a_last_line_without_newline(void **state)
{
    static const char data[] = "first\nno newline at the end";
    static const char *const lines[] = {"first", "no newline at the end"};
    static const char *const single[] = {"x"};

    (void)state;
    expect_text_lines(S(data), lines, N(lines));
    expect_text_lines(S("x"), single, 1);
}

static void test_reader_returns_empty_lines_with_length_zero(void **state)
{
    static const char data[] = "\na\n\n\nb\n\n";
    static const char *const lines[] = {"", "a", "", "", "b", ""};

    (void)state;
    expect_text_lines(S(data), lines, N(lines));
}

static void test_reader_gives_no_lines_for_an_empty_file(void **state)
{
    static const char *const none[] = {NULL};
    static const char *const one_empty[] = {""};

    (void)state;
    expect_text_lines("", 0, none, 0);
    expect_text_lines(S("\n"), one_empty, 1);
}

static void test_reader_keeps_nul_bytes_inside_a_line(void **state)
{
    static const char data[] = "pos\tab\0cd\nneg\0\0\n";
    static const char *const lines[] = {"pos\tab\0cd", "neg\0\0"};
    static const size_t lengths[] = {9, 5};
    char path[4096];

    (void)state;
    for (int gzip = 0; gzip <= 1; gzip++) {
        temp_file(path, sizeof path, S(data), gzip);
        expect_lines(path, lines, lengths, 2);
        unlink(path);
    }
}

static void test_reader_reads_a_line_longer_than_a_megabyte_whole(void **state)
{
    const size_t big = 3 * 1024 * 1024 + 17;
    char *data = malloc(big + 64);
    char path[4096];

    (void)state;
    assert_non_null(data);
    memcpy(data, "short\n", 6);
    for (size_t i = 0; i < big; i++)
        data[6 + i] = (char)('a' + i % 26);
    memcpy(data + 6 + big, "\r\nafter\n", 8);
    for (int gzip = 0; gzip <= 1; gzip++) {
        sentiment_reader *r;
        sentiment_error err;
        const char *line;
        size_t len;

        temp_file(path, sizeof path, data, big + 14, gzip);
        assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        assert_int_equal(len, 5);
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        assert_non_null(line);
        assert_int_equal(len, big);
        assert_memory_equal(line, data + 6, big);
        assert_int_equal(line[len], '\0');
        assert_int_equal(sentiment_reader_line_number(r), 2);
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        assert_int_equal(len, 5);
        assert_memory_equal(line, "after", 5);
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        assert_null(line);
        sentiment_reader_free(r);
        unlink(path);
    }
    free(data);
}

static void test_reader_splits_lines_across_buffer_boundaries(void **state)
{
    /* Lines of every length from 0 to 1999, about 2 MB: many of them
     * straddle the reader's 256 KiB reads, some with the CR on one side
     * and the LF on the other. */
    enum { LINES = 2000 };
    size_t total = 0, pos = 0;
    char *data;
    char path[4096];

    (void)state;
    for (size_t i = 0; i < LINES; i++)
        total += i + 2;
    data = malloc(total);
    assert_non_null(data);
    for (size_t i = 0; i < LINES; i++) {
        for (size_t k = 0; k < i; k++)
            data[pos++] = (char)('0' + (i + k) % 10);
        if (i % 2)
            data[pos - 1] = '\r';  /* odd lines end in CRLF */
        data[pos++] = '\n';
        data[pos++] = '\n';        /* and every line is followed by an empty one */
    }
    assert_int_equal(pos, total);
    for (int gzip = 0; gzip <= 1; gzip++) {
        sentiment_reader *r;
        sentiment_error err;
        const char *line;
        size_t len;

        temp_file(path, sizeof path, data, total, gzip);
        assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
        for (size_t i = 0; i < LINES; i++) {
            size_t want = i % 2 ? i - 1 : i;
            assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
            assert_non_null(line);
            if (len != want)
                fail_msg("line %zu: %zu bytes, %zu expected", 2 * i + 1, len, want);
            for (size_t k = 0; k < want; k++)
                assert_int_equal(line[k], (char)('0' + (i + k) % 10));
            assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
            assert_non_null(line);
            assert_int_equal(len, 0);
        }
        assert_int_equal(sentiment_reader_line_number(r), 2 * LINES);
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        assert_null(line);
        sentiment_reader_free(r);
        unlink(path);
    }
    free(data);
}

static void test_reader_counts_lines_and_keeps_the_path(void **state)
{
    sentiment_reader *r;
    sentiment_error err;
    const char *line;
    size_t len;
    char path[4096];

    (void)state;
    temp_file(path, sizeof path, S("a\n\nb\n"), 0);
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
    assert_string_equal(sentiment_reader_path(r), path);
    for (unsigned long i = 1; i <= 3; i++) {
        assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
        assert_int_equal(sentiment_reader_line_number(r), i);
    }
    assert_int_equal(sentiment_reader_next(r, &line, &len, &err), SENTIMENT_OK);
    assert_null(line);
    assert_int_equal(sentiment_reader_line_number(r), 3);
    sentiment_reader_free(r);
    unlink(path);
    /* NULL is harmless. */
    sentiment_reader_free(NULL);
    assert_int_equal(sentiment_reader_line_number(NULL), 0);
    assert_null(sentiment_reader_path(NULL));
}

static void test_reader_reads_standard_input_for_a_dash(void **state)
{
    static const char *const lines[] = {"from", "stdin"};
    static const size_t lengths[] = {4, 5};
    char path[4096];

    (void)state;
    temp_file(path, sizeof path, S("from\nstdin\n"), 1);
    assert_non_null(freopen(path, "rb", stdin));
    expect_lines("-", lines, lengths, 2);
    unlink(path);
}

static void test_reader_reports_a_missing_file_by_name(void **state)
{
    sentiment_reader *r = (sentiment_reader *)&r;
    sentiment_error err;
    char path[4096];

    (void)state;
    snprintf(path, sizeof path, "%s/libsentiment-no-such-dir/missing.tsv", tu_tmpdir());
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_ERR_IO);
    assert_null(r);
    assert_int_equal(err.code, SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(sentiment_reader_open(NULL, path, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_reader_open(&r, NULL, &err), SENTIMENT_ERR_INVALID);
}

static void test_reader_reports_a_directory_by_name(void **state)
{
    sentiment_reader *r = NULL;
    sentiment_error err;
    const char *line;
    size_t len;
    int rc;

    (void)state;
    memset(&err, 0, sizeof err);
    /* Opening may work; reading must fail, and not loop or look empty. */
    rc = sentiment_reader_open(&r, tu_tmpdir(), &err);
    if (rc == SENTIMENT_OK) {
        rc = sentiment_reader_next(r, &line, &len, &err);
        sentiment_reader_free(r);
    }
    assert_int_equal(rc, SENTIMENT_ERR_IO);
    assert_int_equal(err.code, SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, tu_tmpdir()));
}

/* Reads PATH to the end; returns the first status that is not OK, or OK. */
static int read_to_end(const char *path, sentiment_error *err, size_t *lines)
{
    sentiment_reader *r;
    const char *line;
    size_t len;
    int rc;

    *lines = 0;
    assert_int_equal(sentiment_reader_open(&r, path, err), SENTIMENT_OK);
    while ((rc = sentiment_reader_next(r, &line, &len, err)) == SENTIMENT_OK &&
           line != NULL)
        ++*lines;
    sentiment_reader_free(r);
    return rc;
}

static void test_reader_reports_a_truncated_gzip_file(void **state)
{
    enum { LINES = 20000 };
    char *data = malloc(LINES * 64);
    char path[4096];
    size_t len = 0, packed_len, lines;
    unsigned char *packed;
    uint64_t rng = 3;
    sentiment_error err;

    (void)state;
    assert_non_null(data);
    /* Text that does not compress to nothing, so the cut falls mid-stream. */
    for (size_t i = 0; i < LINES; i++)
        len += (size_t)sprintf(data + len, "pos\treview %zu says %016llx\n", i,
                               (unsigned long long)sn_rng_next(&rng));
    temp_file(path, sizeof path, data, len, 1);
    packed = tu_read_file(path, &packed_len);
    assert_true(packed_len > 10000);

    /* The whole file reads fine. */
    assert_int_equal(read_to_end(path, &err, &lines), SENTIMENT_OK);
    assert_int_equal(lines, LINES);

    /* Cut in the middle of the deflate stream, just before the 8-byte
     * trailer, and inside the trailer: each is an error, never a quiet end
     * of file after fewer lines. */
    const size_t cuts[] = {packed_len / 2, packed_len - 8, packed_len - 3};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        int rc;
        tu_write_file(path, packed, cuts[c]);
        memset(&err, 0, sizeof err);
        rc = read_to_end(path, &err, &lines);
        if (rc == SENTIMENT_OK)
            fail_msg("a gzip file cut to %zu of %zu bytes read as %zu lines without "
                     "an error", cuts[c], packed_len, lines);
        assert_int_equal(rc, SENTIMENT_ERR_IO);
        assert_int_equal(err.code, SENTIMENT_ERR_IO);
        assert_non_null(strstr(err.message, path));
    }
    free(packed);
    free(data);
    unlink(path);
}

static void test_reader_fails_cleanly_when_memory_runs_out(void **state)
{
    /* A line longer than the first buffer makes the reader grow it. */
    const size_t big = 600 * 1024;
    char *data = malloc(big + 16);
    char path[4096];
    unsigned long n;

    (void)state;
    assert_non_null(data);
    memset(data, 'x', big);
    memcpy(data + big, "\nend\n", 5);
    temp_file(path, sizeof path, data, big + 5, 0);
    for (n = 1;; n++) {
        sentiment_reader *r = NULL;
        sentiment_error err;
        const char *line;
        size_t len, lines = 0;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_reader_open(&r, path, &err);
        while (rc == SENTIMENT_OK &&
               (rc = sentiment_reader_next(r, &line, &len, &err)) == SENTIMENT_OK &&
               line != NULL)
            lines++;
        sn_alloc_fail_at = 0;
        sentiment_reader_free(r);
        if (rc == SENTIMENT_OK) {
            assert_int_equal(lines, 2);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        assert_int_equal(err.code, SENTIMENT_ERR_NOMEM);
    }
    assert_true(n > 3);
    free(data);
    unlink(path);
}

static void test_reader_reports_nomem_without_an_error_struct(void **state)
{
    const size_t big = 600 * 1024;
    char *data = malloc(big + 1);
    char path[4096];
    sentiment_reader *r;
    const char *line;
    size_t len;
    int rc;

    (void)state;
    assert_non_null(data);
    memset(data, 'y', big);
    data[big] = '\n';
    temp_file(path, sizeof path, data, big + 1, 0);
    assert_int_equal(sentiment_reader_open(&r, path, NULL), SENTIMENT_OK);
    /* The next allocation is the buffer growing for the long line. */
    sn_alloc_count = 0;
    sn_alloc_fail_at = 1;
    rc = sentiment_reader_next(r, &line, &len, NULL);
    sn_alloc_fail_at = 0;
    assert_int_equal(sn_alloc_count, 1);
    assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
    sentiment_reader_free(r);
    free(data);
    unlink(path);
}

/* ---- reading as the input comes -------------------------------------------- */

/* A reader of standard input made the read end of a new pipe; the write
 * end goes to *WRITER.  The program's standard input comes back with
 * restore_stdin(SAVED). */
static sentiment_reader *pipe_reader(int *writer, int *saved)
{
    sentiment_reader *r;
    sentiment_error err;
    int fds[2];

    assert_int_equal(pipe(fds), 0);
    *saved = dup(STDIN_FILENO);
    assert_true(*saved >= 0);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    *writer = fds[1];
    assert_int_equal(sentiment_reader_open(&r, "-", &err), SENTIMENT_OK);
    return r;
}

static void restore_stdin(int saved)
{
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

static void write_all(int fd, const void *data, size_t len)
{
    assert_int_equal(write(fd, data, len), (ssize_t)len);
}

/* The next line of R is EXPECTED; the alarm ends a test that would wait
 * for input that never comes. */
static void expect_next(sentiment_reader *r, const char *expected)
{
    sentiment_error err;
    const char *line;
    size_t len;

    alarm(20);
    if (sentiment_reader_next(r, &line, &len, &err) != SENTIMENT_OK)
        fail_msg("%s", err.message);
    alarm(0);
    if (expected == NULL) {
        assert_null(line);
        return;
    }
    assert_non_null(line);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(line, expected, len);
}

static void test_reader_hands_out_a_line_from_a_pipe_as_soon_as_it_is_there(void **state)
{
    int writer, saved;
    sentiment_reader *r = pipe_reader(&writer, &saved);

    (void)state;
    /* Nothing has come: reading would wait; asked to, it waits for input
     * a while, then says so too. */
    assert_int_equal(sentiment_reader_ready(r, 0), 0);
    {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(sentiment_reader_ready(r, 50), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 40);
    }
    write_all(writer, S("one\ntwo\n"));
    assert_int_equal(sentiment_reader_ready(r, 0), 1);
    expect_next(r, "one");
    assert_int_equal(sentiment_reader_ready(r, 0), 1); /* "two" is buffered */
    expect_next(r, "two");
    assert_int_equal(sentiment_reader_ready(r, 0), 0);
    write_all(writer, S("three"));
    assert_int_equal(sentiment_reader_ready(r, 0), 1);
    close(writer);
    expect_next(r, "three");
    assert_int_equal(sentiment_reader_ready(r, 0), 1); /* the end is there */
    expect_next(r, NULL);
    sentiment_reader_free(r);
    restore_stdin(saved);
    assert_int_equal(sentiment_reader_ready(NULL, 0), 1);
}

/* The bytes of TEXT gzip-compressed, as one member; the caller frees them. */
static unsigned char *gzip_member(const char *text, size_t *size)
{
    char path[4096];
    unsigned char *data;

    temp_file(path, sizeof path, text, strlen(text), 1);
    data = tu_read_file(path, size);
    unlink(path);
    return data;
}

static void test_reader_inflates_gzip_from_a_pipe_member_by_member(void **state)
{
    int writer, saved;
    sentiment_reader *r = pipe_reader(&writer, &saved);
    size_t n1, n2;
    unsigned char *one = gzip_member("first line\n", &n1);
    unsigned char *two = gzip_member("second\nthird\n", &n2);

    (void)state;
    write_all(writer, one, n1);
    expect_next(r, "first line");
    assert_int_equal(sentiment_reader_ready(r, 0), 0);
    write_all(writer, two, n2);
    expect_next(r, "second");
    expect_next(r, "third");
    close(writer);
    expect_next(r, NULL);
    sentiment_reader_free(r);
    restore_stdin(saved);
    free(one);
    free(two);
}

static void test_reader_reads_concatenated_gzip_members_as_one_file(void **state)
{
    static const char *const lines[] = {"first line", "second", "third"};
    static const size_t lengths[] = {10, 6, 5};
    size_t n1, n2;
    unsigned char *one = gzip_member("first line\nsec", &n1);
    unsigned char *two = gzip_member("ond\nthird\n", &n2);
    unsigned char *both = malloc(n1 + n2);
    char path[4096];
    sentiment_reader *r;
    sentiment_error err;

    (void)state;
    assert_non_null(both);
    memcpy(both, one, n1);
    memcpy(both + n1, two, n2);
    temp_file(path, sizeof path, both, n1 + n2, 0);
    expect_lines(path, lines, lengths, 3);
    /* A regular file is always ready. */
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_reader_ready(r, 0), 1);
    sentiment_reader_free(r);
    unlink(path);
    free(both);
    free(one);
    free(two);
}

/* ---- sentiment_parse_example --------------------------------------------- */

/* Parses the NUL-terminated LINE and checks label and text. */
static void expect_example(const char *line, const char *label, const char *text)
{
    sentiment_example ex;
    sentiment_error err;

    if (sentiment_parse_example(line, strlen(line), &ex, &err) != SENTIMENT_OK)
        fail_msg("\"%s\": %s", line, err.message);
    assert_int_equal(ex.label_len, strlen(label));
    assert_memory_equal(ex.label, label, ex.label_len);
    assert_int_equal(ex.text_len, strlen(text));
    assert_memory_equal(ex.text, text, ex.text_len);
}

/* Parses LEN bytes of LINE, expects ERR_FORMAT with WORDS in the message. */
static void expect_rejected(const char *line, size_t len, const char *words)
{
    sentiment_example ex;
    sentiment_error err;

    memset(&err, 0, sizeof err);
    assert_int_equal(sentiment_parse_example(line, len, &ex, &err), SENTIMENT_ERR_FORMAT);
    assert_int_equal(err.code, SENTIMENT_ERR_FORMAT);
    if (strstr(err.message, words) == NULL)
        fail_msg("message \"%s\" does not say \"%s\"", err.message, words);
}

static void test_parse_example_accepts_label_tab_text(void **state)
{
    (void)state;
    expect_example("pos\tgreat film", "pos", "great film");
    expect_example("neg\t", "neg", "");
    /* Only the first TAB separates. */
    expect_example("5\tone\ttwo", "5", "one\ttwo");
    expect_example("very positive\tok", "very positive", "ok");
}

static void test_parse_example_accepts_fasttext_labels(void **state)
{
    (void)state;
    expect_example("__label__pos great film", "pos", "great film");
    expect_example("__label__neg\tawful", "neg", "awful");
    expect_example("__label__pos", "pos", "");
    expect_example("__label__4  two spaces", "4", " two spaces");
}

static void test_parse_example_rejects_a_line_without_label(void **state)
{
    (void)state;
    expect_rejected(S("just some text without a tab"), "no label");
    expect_rejected(S(""), "no label");
    /* The TAB must be inside the given length. */
    expect_rejected("pos\ttext", 3, "no label");
}

static void test_parse_example_rejects_an_empty_label(void **state)
{
    (void)state;
    expect_rejected(S("\ttext"), "empty label");
    expect_rejected(S("__label__ text"), "empty label");
    expect_rejected(S("__label__"), "empty label");
}

static void test_parse_example_rejects_bad_labels(void **state)
{
    char line[1100];
    sentiment_example ex;

    (void)state;
    expect_rejected(S("p\0s\ttext"), "NUL");
    memset(line, 'a', 1025);
    line[1025] = '\t';
    expect_rejected(line, 1026, "1024");
    line[1024] = '\t'; /* 1024 bytes is the longest allowed */
    assert_int_equal(sentiment_parse_example(line, 1025, &ex, NULL), SENTIMENT_OK);
    assert_int_equal(ex.label_len, 1024);
    assert_int_equal(sentiment_parse_example(NULL, 0, &ex, NULL), SENTIMENT_ERR_INVALID);
}

static void test_parse_example_rejects_labels_that_are_not_utf8(void **state)
{
    (void)state;
    /* Latin-1 "cafe" with an acute e, in both formats. */
    expect_rejected(S("caf\xE9\ttext"), "UTF-8");
    expect_rejected(S("__label__caf\xE9 text"), "UTF-8");
    /* A cut sequence, an overlong "/", a surrogate, a stray continuation. */
    expect_rejected(S("caf\xC3\ttext"), "UTF-8");
    expect_rejected(S("\xC0\xAF\ttext"), "UTF-8");
    expect_rejected(S("\xED\xA0\x80\ttext"), "UTF-8");
    expect_rejected(S("\x80pos\ttext"), "UTF-8");
    /* UTF-8 labels are fine, and the text is not the label's business. */
    expect_example("caf\xC3\xA9\tt\xE9xt", "caf\xC3\xA9", "t\xE9xt");
    expect_example("__label__\xF0\x9F\x98\x80 ok", "\xF0\x9F\x98\x80", "ok");
}

static void test_parse_example_rejects_control_characters_in_labels(void **state)
{
    (void)state;
    /* A CR that a CRLF line end left inside the line, DEL, ESC, and the C1
     * control NEL written in UTF-8. */
    expect_rejected(S("pos\r\ttext"), "control character");
    expect_rejected(S("__label__pos\r text"), "control character");
    expect_rejected(S("p\x7Fs\ttext"), "control character");
    expect_rejected(S("\x1B[1mpos\ttext"), "control character");
    expect_rejected(S("pos\xC2\x85\ttext"), "control character");
    /* Control characters in the text stay. */
    expect_example("pos\tline\rbreak", "pos", "line\rbreak");
}

/* A corpus with a blank line, a line without label and an empty label. */
static const char bad_corpus[] = "pos\tgood\n\nno label here\n\tempty label\n"
                                 "__label__neg bad\n";

/* Labeled lines come out split, blank lines passed over, each with its
 * line number; by default the first bad line stops reading, named by file
 * and line. */
static void test_reader_next_example_stops_at_a_bad_line_naming_file_and_line(void **state)
{
    sentiment_reader *r;
    sentiment_example ex;
    sentiment_error err;
    char path[4096], want[4200];

    (void)state;
    temp_file(path, sizeof path, S(bad_corpus), 1);
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_OK);
    assert_int_equal(ex.label_len, 3);
    assert_memory_equal(ex.label, "pos", 3);
    assert_int_equal(ex.text_len, 4);
    assert_memory_equal(ex.text, "good", 4);
    assert_int_equal(sentiment_reader_line_number(r), 1);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:3: no label", path);
    if (strncmp(err.message, want, strlen(want)) != 0)
        fail_msg("\"%s\" does not start with \"%s\"", err.message, want);
    assert_null(ex.label);
    assert_int_equal(sentiment_reader_skipped_lines(r), 0);
    assert_null(sentiment_reader_first_skipped_line(r));
    sentiment_reader_free(r);
    unlink(path);
}

/* With SKIP, bad lines are counted, the first one's message is kept, and
 * the good lines around them all come out; a line the caller finds bad
 * counts the same. */
static void test_reader_next_example_skips_and_counts_bad_lines(void **state)
{
    sentiment_reader *r;
    sentiment_example ex;
    sentiment_error err;
    char path[4096], want[4200];

    (void)state;
    temp_file(path, sizeof path, S(bad_corpus), 0);
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_reader_set_bad_lines(r, SENTIMENT_BAD_LINES_SKIP, &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_OK);
    assert_memory_equal(ex.label, "pos", 3);
    /* The caller refuses the first good line: it counts as skipped. */
    assert_int_equal(sentiment_reader_bad_line(r, SENTIMENT_ERR_FORMAT, "not wanted", &err),
                     SENTIMENT_OK);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_OK);
    assert_int_equal(ex.label_len, 3);
    assert_memory_equal(ex.label, "neg", 3);
    assert_int_equal(sentiment_reader_line_number(r), 5);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_OK);
    assert_null(ex.label);
    assert_null(ex.text);
    assert_int_equal(sentiment_reader_skipped_lines(r), 3);
    snprintf(want, sizeof want, "%s:1: not wanted", path);
    assert_string_equal(sentiment_reader_first_skipped_line(r), want);
    sentiment_reader_free(r);
    unlink(path);
}

/* Under STOP a line the caller finds bad fails with the caller's code and
 * reason, after file and line; unknown policies and NULLs are refused. */
static void test_reader_bad_line_stops_with_the_callers_reason(void **state)
{
    sentiment_reader *r;
    sentiment_example ex;
    sentiment_error err;
    char path[4096], want[4200];

    (void)state;
    temp_file(path, sizeof path, S("a\tb\nc\td\n"), 0);
    assert_int_equal(sentiment_reader_open(&r, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_reader_next_example(r, &ex, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_reader_bad_line(r, SENTIMENT_ERR_FORMAT, "label 'c' unknown",
                                               &err), SENTIMENT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:2: label 'c' unknown", path);
    assert_string_equal(err.message, want);
    assert_int_equal(sentiment_reader_set_bad_lines(r, 7, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_reader_bad_line(r, SENTIMENT_ERR_FORMAT, NULL, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_reader_next_example(r, NULL, &err), SENTIMENT_ERR_INVALID);
    sentiment_reader_free(r);
    unlink(path);
    assert_int_equal(sentiment_reader_set_bad_lines(NULL, 0, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_reader_skipped_lines(NULL), 0);
    assert_null(sentiment_reader_first_skipped_line(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_reads_plain_and_gzip_files_alike),
        cmocka_unit_test(test_reader_strips_crlf_line_ends),
        cmocka_unit_test(test_reader_strips_only_one_carriage_return),
        cmocka_unit_test(test_reader_removes_a_byte_order_mark_on_the_first_line_only),
        cmocka_unit_test(test_reader_returns_a_last_line_without_newline),
        cmocka_unit_test(test_reader_returns_empty_lines_with_length_zero),
        cmocka_unit_test(test_reader_gives_no_lines_for_an_empty_file),
        cmocka_unit_test(test_reader_keeps_nul_bytes_inside_a_line),
        cmocka_unit_test(test_reader_reads_a_line_longer_than_a_megabyte_whole),
        cmocka_unit_test(test_reader_splits_lines_across_buffer_boundaries),
        cmocka_unit_test(test_reader_counts_lines_and_keeps_the_path),
        cmocka_unit_test(test_reader_reads_standard_input_for_a_dash),
        cmocka_unit_test(test_reader_reports_a_missing_file_by_name),
        cmocka_unit_test(test_reader_reports_a_directory_by_name),
        cmocka_unit_test(test_reader_reports_a_truncated_gzip_file),
        cmocka_unit_test(test_reader_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_reader_reports_nomem_without_an_error_struct),
        cmocka_unit_test(test_reader_hands_out_a_line_from_a_pipe_as_soon_as_it_is_there),
        cmocka_unit_test(test_reader_inflates_gzip_from_a_pipe_member_by_member),
        cmocka_unit_test(test_reader_reads_concatenated_gzip_members_as_one_file),
        cmocka_unit_test(test_reader_next_example_stops_at_a_bad_line_naming_file_and_line),
        cmocka_unit_test(test_reader_next_example_skips_and_counts_bad_lines),
        cmocka_unit_test(test_reader_bad_line_stops_with_the_callers_reason),
        cmocka_unit_test(test_parse_example_accepts_label_tab_text),
        cmocka_unit_test(test_parse_example_accepts_fasttext_labels),
        cmocka_unit_test(test_parse_example_rejects_a_line_without_label),
        cmocka_unit_test(test_parse_example_rejects_an_empty_label),
        cmocka_unit_test(test_parse_example_rejects_bad_labels),
        cmocka_unit_test(test_parse_example_rejects_labels_that_are_not_utf8),
        cmocka_unit_test(test_parse_example_rejects_control_characters_in_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
