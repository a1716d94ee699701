/*
 * fuzz_corpus.c - arbitrary bytes as a corpus file: the line reader, the
 * example parser and sentiment_trainer_add_file() must read anything
 * (plain or gzip, any bytes, any line length) and either succeed or fail
 * with a message naming the file.  With "bad-lines" set to "skip", every
 * non-empty line is either an example or a skipped line.
 *
 * The reader only reads files, so each input is written to one temporary
 * file, rewritten every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentiment.h"
#include "fuzz.h"

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

static void write_input(const uint8_t *data, size_t size)
{
    FILE *f;

    if (path[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        int fd;
        snprintf(path, sizeof path, "%.40s/fuzz-corpus.XXXXXX", dir ? dir : "/tmp");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_file);
    }
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

/* Reads the file line by line; returns the number of non-empty lines, or
 * -1 when reading failed. */
static long read_lines(const uint8_t *data, size_t size)
{
    sentiment_reader *r;
    sentiment_error err;
    const char *line;
    size_t len, total = 0;
    unsigned long lines = 0;
    long nonempty = 0;
    int rc;

    FUZZ_CHECK(sentiment_reader_open(&r, path, &err) == SENTIMENT_OK);
    while ((rc = sentiment_reader_next(r, &line, &len, &err)) == SENTIMENT_OK &&
           line != NULL) {
        sentiment_example ex;
        lines++;
        FUZZ_CHECK(sentiment_reader_line_number(r) == lines);
        FUZZ_CHECK(memchr(line, '\n', len) == NULL);
        FUZZ_CHECK(line[len] == '\0');
        total += len;
        nonempty += len > 0;
        if (sentiment_parse_example(line, len, &ex, &err) == SENTIMENT_OK) {
            FUZZ_CHECK(ex.label >= line && ex.label_len > 0);
            FUZZ_CHECK(ex.label + ex.label_len <= line + len);
            FUZZ_CHECK(ex.text >= line && ex.text + ex.text_len <= line + len);
            FUZZ_CHECK(memchr(ex.label, '\0', ex.label_len) == NULL);
        } else {
            FUZZ_CHECK(err.code == SENTIMENT_ERR_FORMAT && err.message[0] != '\0');
        }
    }
    if (rc != SENTIMENT_OK)
        FUZZ_CHECK(strstr(err.message, path) != NULL);
    /* A plain file's lines are never longer than the file; a gzip file's
     * may be. */
    if (size < 2 || data[0] != 0x1f || data[1] != 0x8b)
        FUZZ_CHECK(total <= size);
    sentiment_reader_free(r);
    return rc == SENTIMENT_OK ? nonempty : -1;
}

static void add_file(const char *bad_lines, long nonempty)
{
    sentiment_trainer *t;
    sentiment_error err;
    size_t skipped;
    const char *first;
    int rc;

    FUZZ_CHECK(sentiment_trainer_create(&t, &err) == SENTIMENT_OK);
    FUZZ_CHECK(sentiment_trainer_set(t, "bad-lines", bad_lines, &err) == SENTIMENT_OK);
    rc = sentiment_trainer_add_file(t, path, &err);
    skipped = sentiment_trainer_skipped_lines(t);
    first = sentiment_trainer_first_skipped_line(t);
    if (rc != SENTIMENT_OK)
        FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0);
    if (strcmp(bad_lines, "stop") == 0)
        FUZZ_CHECK(skipped == 0 && first == NULL);
    FUZZ_CHECK((skipped == 0) == (first == NULL));
    if (first != NULL)
        FUZZ_CHECK(strncmp(first, path, strlen(path)) == 0);
    if (rc == SENTIMENT_OK && nonempty >= 0)
        FUZZ_CHECK(sentiment_trainer_example_count(t) + skipped == (size_t)nonempty);
    sentiment_trainer_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long nonempty;

    write_input(data, size);
    nonempty = read_lines(data, size);
    add_file("stop", nonempty);
    add_file("skip", nonempty);
    return 0;
}
