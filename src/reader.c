/*
 * reader.c - corpora and review files, line by line.
 *
 * Plain and gzip files read alike: the first bytes tell which, and gzip is
 * inflated as it comes.  The bytes are read with read(2), which returns
 * whatever has arrived, rather than with gzread, which waits until its
 * buffer is full: a line from a pipe or a terminal must be handed out as
 * soon as it is there (see sentiment_reader_ready()).  Lines are handed out
 * in place, in the reader's buffer, which grows to hold the longest line:
 * nothing is copied, and no line is ever cut.
 *
 * Labeled lines (corpora) go through sentiment_reader_next_example(), and
 * whatever a caller finds wrong with a line through
 * sentiment_reader_bad_line(): the trainer and sentiment-classify name a
 * bad line and skip or stop at it the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utf8proc.h>
#include <zlib.h>

#include "internal.h"

#define CHUNK (256 * 1024)

enum { FORMAT_UNKNOWN, FORMAT_PLAIN, FORMAT_GZIP };

struct sentiment_reader {
    int fd;
    char *path;
    unsigned long line_number;
    char *buf;              /* the text, decompressed */
    size_t cap;
    size_t start, end;      /* unread bytes are buf[start .. end) */
    int eof;                /* no text after buf[end] */
    int format;
    /* gzip: the compressed bytes read and not yet inflated are z.next_in,
     * z.avail_in; IN holds them. */
    z_stream z;
    int z_open;             /* inflateInit2 succeeded */
    int member_done;        /* a gzip member ended; another may follow */
    int input_end;          /* read(2) said end of file */
    unsigned char *in;
    /* Bad lines: what to do with them, how many were skipped, and what
     * was wrong with the first one. */
    int bad_lines;
    unsigned long skipped;
    char first_skipped[SENTIMENT_ERROR_MESSAGE_SIZE];
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
    r->fd = -1;
    n = strlen(path);
    r->path = sn_malloc(n + 1);
    r->cap = CHUNK;
    r->buf = sn_malloc(r->cap + 1);
    if (r->path == NULL || r->buf == NULL) {
        sentiment_reader_free(r);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
    }
    memcpy(r->path, path, n + 1);
    /* Standard input is read through a copy, so that freeing the reader
     * leaves the program's own descriptor open. */
    if (strcmp(path, "-") == 0)
        r->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
    else
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd >= 0) {
        /* A directory opens, and would fail on the first read, which would
         * give it a line number. */
        struct stat st;
        if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            sentiment_reader_free(r);
            return sn_fail(err, SENTIMENT_ERR_IO,
                           "%s: is a directory, not a corpus or text file", path);
        }
    }
    if (r->fd < 0) {
        int e = errno;
        sentiment_reader_free(r);
        return sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", path, strerror(e));
    }
    *out = r;
    return SENTIMENT_OK;
}

void sentiment_reader_free(sentiment_reader *r)
{
    if (r == NULL)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->z_open)
        inflateEnd(&r->z);
    sn_free(r->in);
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

/* An error about the line being read. */
static int fail_here(sentiment_reader *r, sentiment_error *err, int code, const char *why)
{
    return sn_fail(err, code, "%s:%lu: %s", r->path, r->line_number + 1, why);
}

/* Up to LEN bytes of input into TO, *GOT of them; 0 at end of file.
 * Waits only when nothing has arrived. */
static int read_some(sentiment_reader *r, void *to, size_t len, size_t *got,
                     sentiment_error *err)
{
    ssize_t n;

    do
        n = read(r->fd, to, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return fail_here(r, err, SENTIMENT_ERR_IO, strerror(errno));
    *got = (size_t)n;
    return SENTIMENT_OK;
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return sn_malloc_array(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    sn_free(p);
}

/* Reads the first bytes, into the text buffer (which is empty), and tells
 * from them whether the input is gzip; gzip bytes move to IN. */
static int detect_format(sentiment_reader *r, sentiment_error *err)
{
    size_t got;

    /* The gzip magic is two bytes, and a pipe may give one at a time. */
    while (r->end < 2) {
        int rc = read_some(r, r->buf + r->end, CHUNK - r->end, &got, err);
        if (rc != SENTIMENT_OK)
            return rc;
        if (got == 0)
            r->eof = 1;
        r->end += got;
        if (got == 0 || (unsigned char)r->buf[0] != 0x1f)
            break;
    }
    if (r->end < 2 || (unsigned char)r->buf[0] != 0x1f || (unsigned char)r->buf[1] != 0x8b) {
        r->format = FORMAT_PLAIN;
        return SENTIMENT_OK;
    }
    r->in = sn_malloc(CHUNK);
    if (r->in == NULL)
        return fail_here(r, err, SENTIMENT_ERR_NOMEM, "out of memory");
    r->z.zalloc = z_alloc;
    r->z.zfree = z_free;
    /* 16: a gzip header and trailer around the deflate stream. */
    if (inflateInit2(&r->z, 15 + 16) != Z_OK)
        return fail_here(r, err, SENTIMENT_ERR_NOMEM, "out of memory");
    r->z_open = 1;
    memcpy(r->in, r->buf, r->end);
    r->z.next_in = r->in;
    r->z.avail_in = (uInt)r->end;
    r->end = 0;
    r->format = FORMAT_GZIP;
    return SENTIMENT_OK;
}

/* Inflates into the free space of the buffer until some text comes out,
 * reading more input when the compressed bytes run out.  Members that
 * follow one another (as "cat a.gz b.gz" makes) read as one text; bytes
 * after the last member that start no other are ignored, as gzip does. */
static int inflate_some(sentiment_reader *r, size_t room, sentiment_error *err)
{
    for (;;) {
        size_t got, produced;
        int ret;

        if (r->z.avail_in == 0 && !r->input_end) {
            int rc = read_some(r, r->in, CHUNK, &got, err);
            if (rc != SENTIMENT_OK)
                return rc;
            r->input_end = got == 0;
            r->z.next_in = r->in;
            r->z.avail_in = (uInt)got;
        }
        if (r->member_done) {
            if (r->z.avail_in == 0 && !r->input_end)
                continue;
            if (r->z.avail_in == 0 || r->z.next_in[0] != 0x1f) {
                r->eof = 1;
                return SENTIMENT_OK;
            }
            if (inflateReset(&r->z) != Z_OK)
                return fail_here(r, err, SENTIMENT_ERR_IO, "cannot restart inflating");
            r->member_done = 0;
        }
        r->z.next_out = (unsigned char *)r->buf + r->end;
        r->z.avail_out = (uInt)room;
        ret = inflate(&r->z, Z_NO_FLUSH);
        produced = room - r->z.avail_out;
        r->end += produced;
        if (ret == Z_STREAM_END)
            r->member_done = 1;
        else if (ret == Z_MEM_ERROR)
            return fail_here(r, err, SENTIMENT_ERR_NOMEM, "out of memory");
        else if (ret != Z_OK && ret != Z_BUF_ERROR)
            return fail_here(r, err, SENTIMENT_ERR_IO,
                             r->z.msg ? r->z.msg : "invalid compressed data");
        if (produced > 0)
            return SENTIMENT_OK;
        /* A gzip stream cut short: the input ended inside a member. */
        if (!r->member_done && r->z.avail_in == 0 && r->input_end)
            return fail_here(r, err, SENTIMENT_ERR_IO, "unexpected end of file");
    }
}

/* Reads more input after the unread bytes, growing the buffer when a line
 * fills it.  Returns SENTIMENT_OK or the error code (with ERR set). */
static int fill(sentiment_reader *r, sentiment_error *err)
{
    size_t room, got;
    int rc;

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
    room = r->cap - r->end;
    if (room > CHUNK * 16)
        room = CHUNK * 16;
    if (r->format == FORMAT_GZIP)
        return inflate_some(r, room, err);
    rc = read_some(r, r->buf + r->end, room, &got, err);
    if (rc != SENTIMENT_OK)
        return rc;
    r->eof = got == 0;
    r->end += got;
    return SENTIMENT_OK;
}

int sentiment_reader_ready(const sentiment_reader *r, int timeout_ms)
{
    struct pollfd p;
    int n;

    if (r == NULL || r->eof || r->input_end)
        return 1;
    if (memchr(r->buf + r->start, '\n', r->end - r->start) != NULL)
        return 1;
    /* Compressed bytes that have come may not make a whole line yet: an
     * approximation, for gzip on a pipe is rarely typed at. */
    if (r->format == FORMAT_GZIP && r->z.avail_in > 0)
        return 1;
    p.fd = r->fd;
    p.events = POLLIN;
    p.revents = 0;
    n = poll(&p, 1, timeout_ms > 0 ? timeout_ms : 0);
    /* An error or a hang-up counts as ready: the next read reports it; a
     * signal counts as a timeout. */
    return n > 0 || (n < 0 && errno != EINTR);
}

int sentiment_reader_next(sentiment_reader *r, const char **line, size_t *len,
                          sentiment_error *err)
{
    size_t scanned = 0;

    if (r == NULL || line == NULL || len == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no reader");
    *line = NULL;
    *len = 0;
    if (r->format == FORMAT_UNKNOWN) {
        int rc = detect_format(r, err);
        if (rc != SENTIMENT_OK)
            return rc;
    }
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

int sentiment_reader_set_bad_lines(sentiment_reader *r, int policy, sentiment_error *err)
{
    if (r == NULL || (policy != SENTIMENT_BAD_LINES_STOP && policy != SENTIMENT_BAD_LINES_SKIP))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no reader, or no such bad-lines policy");
    r->bad_lines = policy;
    return SENTIMENT_OK;
}

int sentiment_reader_bad_line(sentiment_reader *r, int code, const char *why,
                              sentiment_error *err)
{
    if (r == NULL || why == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no reader or no reason");
    if (r->bad_lines == SENTIMENT_BAD_LINES_STOP)
        return sn_fail(err, code, "%s:%lu: %s", r->path, r->line_number, why);
    if (r->skipped++ == 0)
        snprintf(r->first_skipped, sizeof r->first_skipped, "%s:%lu: %s", r->path,
                 r->line_number, why);
    return SENTIMENT_OK;
}

unsigned long sentiment_reader_skipped_lines(const sentiment_reader *r)
{
    return r ? r->skipped : 0;
}

const char *sentiment_reader_first_skipped_line(const sentiment_reader *r)
{
    return r != NULL && r->skipped > 0 ? r->first_skipped : NULL;
}

int sentiment_reader_next_example(sentiment_reader *r, sentiment_example *ex,
                                  sentiment_error *err)
{
    const char *line;
    size_t len;

    if (ex == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no example to fill");
    for (;;) {
        sentiment_error why;
        int rc = sentiment_reader_next(r, &line, &len, err);
        if (rc != SENTIMENT_OK || line == NULL) {
            memset(ex, 0, sizeof *ex);
            return rc;
        }
        if (len == 0)
            continue;
        rc = sentiment_parse_example(line, len, ex, &why);
        if (rc == SENTIMENT_OK)
            return SENTIMENT_OK;
        rc = sentiment_reader_bad_line(r, rc, why.message, err);
        if (rc != SENTIMENT_OK) {
            memset(ex, 0, sizeof *ex);
            return rc;
        }
    }
}
