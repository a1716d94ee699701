/*
 * reader.c - corpora and review files, line by line.
 *
 * zlib's gzread reads gzip and plain files alike, so one code path serves
 * both.  Lines are handed out in place, in the reader's buffer, which grows
 * to hold the longest line: nothing is copied, and no line is ever cut.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>
#include <zlib.h>

#include "internal.h"

#define CHUNK (256 * 1024)

struct sentiment_reader {
    gzFile gz;
    char *path;
    unsigned long line_number;
    char *buf;
    size_t cap;
    size_t start, end;      /* unread bytes are buf[start .. end) */
    int eof;
};

int sentiment_reader_open(sentiment_reader **out, const char *path,
                          sentiment_error *err)
{
    sentiment_reader *r;
    size_t n;

    if (out == NULL || path == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no file name given");
    *out = NULL;
    r = sn_calloc(1, sizeof *r);
    if (r == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
    n = strlen(path);
    r->path = sn_malloc(n + 1);
    r->cap = CHUNK;
    r->buf = sn_malloc(r->cap + 1);
    if (r->path == NULL || r->buf == NULL) {
        sentiment_reader_free(r);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
    }
    memcpy(r->path, path, n + 1);
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDIN_FILENO);
        r->gz = fd < 0 ? NULL : gzdopen(fd, "rb");
        if (r->gz == NULL && fd >= 0)
            close(fd);
    } else {
        r->gz = gzopen(path, "rb");
    }
    if (r->gz == NULL) {
        int e = errno;
        sentiment_reader_free(r);
        return sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", path,
                       e ? strerror(e) : "cannot open");
    }
    gzbuffer(r->gz, CHUNK);
    *out = r;
    return SENTIMENT_OK;
}

void sentiment_reader_free(sentiment_reader *r)
{
    if (r == NULL)
        return;
    if (r->gz != NULL)
        gzclose(r->gz);
    sn_free(r->path);
    sn_free(r->buf);
    sn_free(r);
}

unsigned long sentiment_reader_line_number(const sentiment_reader *r)
{
    return r ? r->line_number : 0;
}

const char *sentiment_reader_path(const sentiment_reader *r)
{
    return r ? r->path : NULL;
}

/* gzerror() puts the file name in front of its message; we add our own. */
static const char *gz_message(gzFile gz, const char *path, int *zerr)
{
    const char *msg = gzerror(gz, zerr);
    size_t n = strlen(path);

    if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        msg += n + 2;
    return msg;
}

/* Reads more input after the unread bytes, growing the buffer when a line
 * fills it.  Returns SENTIMENT_OK or the error code (with ERR set). */
static int fill(sentiment_reader *r, sentiment_error *err)
{
    int got;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end == r->cap) {
        size_t cap = r->cap * 2;
        char *p = cap > r->cap ? sn_realloc(r->buf, cap + 1) : NULL;
        if (p == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM,
                           "%s:%lu: out of memory for a line of over %zu bytes",
                           r->path, r->line_number + 1, r->cap);
        r->buf = p;
        r->cap = cap;
    }
    {
        size_t want = r->cap - r->end;
        got = gzread(r->gz, r->buf + r->end, want > CHUNK * 16 ? CHUNK * 16 : (unsigned)want);
    }
    if (got < 0) {
        int zerr;
        const char *msg = gz_message(r->gz, r->path, &zerr);
        return sn_fail(err, SENTIMENT_ERR_IO, "%s:%lu: %s", r->path,
                       r->line_number + 1,
                       zerr == Z_ERRNO ? strerror(errno) : msg);
    }
    if (got == 0) {
        int zerr;
        const char *msg = gz_message(r->gz, r->path, &zerr);
        /* A gzip stream cut short reads as end of file with an error set. */
        if (zerr != Z_OK && zerr != Z_STREAM_END)
            return sn_fail(err, SENTIMENT_ERR_IO, "%s:%lu: %s", r->path,
                           r->line_number + 1, msg);
        r->eof = 1;
    }
    r->end += (size_t)got;
    return SENTIMENT_OK;
}

int sentiment_reader_next(sentiment_reader *r, const char **line, size_t *len,
                          sentiment_error *err)
{
    size_t scanned = 0;

    if (r == NULL || line == NULL || len == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no reader");
    *line = NULL;
    *len = 0;
    for (;;) {
        char *begin = r->buf + r->start;
        char *nl = memchr(begin + scanned, '\n', r->end - r->start - scanned);
        size_t n;

        if (nl == NULL && !r->eof) {
            scanned = r->end - r->start;
            int rc = fill(r, err);
            if (rc != SENTIMENT_OK)
                return rc;
            continue;
        }
        if (nl == NULL && r->start == r->end)
            return SENTIMENT_OK; /* end of input */
        n = nl ? (size_t)(nl - begin) : r->end - r->start;
        r->start += n + (nl != NULL);
        begin[n] = '\0';
        if (n > 0 && begin[n - 1] == '\r')
            begin[--n] = '\0';
        r->line_number++;
        if (r->line_number == 1 && n >= 3 && memcmp(begin, "\xEF\xBB\xBF", 3) == 0) {
            begin += 3;
            n -= 3;
        }
        *line = begin;
        *len = n;
        return SENTIMENT_OK;
    }
}

/* Labels come back as model strings and JSON keys that other programs
 * read: they must be UTF-8 text (two Latin-1 labels would print as one
 * key), and a control character (a CR, an escape sequence) would make a
 * label that looks like another one. */
int sn_check_label(const char *label, size_t len, int code, sentiment_error *err)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp = (unsigned char)label[i];
        utf8proc_ssize_t n = 1;

        if (cp >= 0x80)
            n = utf8proc_iterate((const utf8proc_uint8_t *)label + i,
                                 (utf8proc_ssize_t)(len - i), &cp);
        if (n < 0)
            return sn_fail(err, code, "label is not valid UTF-8 (byte 0x%02X at offset %zu)",
                           (unsigned char)label[i], i);
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
            return sn_fail(err, code, "control character U+%04X in the label", (unsigned)cp);
        i += (size_t)n;
    }
    return SENTIMENT_OK;
}

int sentiment_parse_example(const char *line, size_t len, sentiment_example *ex,
                            sentiment_error *err)
{
    static const char prefix[] = "__label__";
    const size_t plen = sizeof prefix - 1;
    const char *sep;

    if (line == NULL || ex == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no line to parse");
    if (len >= plen && memcmp(line, prefix, plen) == 0) {
        size_t i = plen;
        while (i < len && line[i] != ' ' && line[i] != '\t')
            i++;
        ex->label = line + plen;
        ex->label_len = i - plen;
        ex->text = line + (i < len ? i + 1 : len);
        ex->text_len = len - (size_t)(ex->text - line);
    } else {
        sep = memchr(line, '\t', len);
        if (sep == NULL)
            return sn_fail(err, SENTIMENT_ERR_FORMAT,
                           "no label (expected LABEL<TAB>TEXT or __label__LABEL TEXT)");
        ex->label = line;
        ex->label_len = (size_t)(sep - line);
        ex->text = sep + 1;
        ex->text_len = len - ex->label_len - 1;
    }
    if (ex->label_len == 0)
        return sn_fail(err, SENTIMENT_ERR_FORMAT, "empty label");
    if (ex->label_len > 1024)
        return sn_fail(err, SENTIMENT_ERR_FORMAT, "label longer than 1024 bytes");
    if (memchr(ex->label, '\0', ex->label_len) != NULL)
        return sn_fail(err, SENTIMENT_ERR_FORMAT, "NUL byte in the label");
    return sn_check_label(ex->label, ex->label_len, SENTIMENT_ERR_FORMAT, err);
}
