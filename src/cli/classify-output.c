/*
 * classify-output.c - the output lines of sentiment-classify: tab-separated
 * columns or one JSON object per line.
 *
 * Whatever bytes the input has, the output stays parseable: a file name
 * in a column loses its tabs and line ends, and a JSON string has every
 * byte that is not part of valid UTF-8 (as utf8proc tells) as U+FFFD.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "classify.h"

static void put(buffer *b, const char *s, size_t len)
{
    if (b->failed || len == 0)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + len) {
            if (cap > SIZE_MAX / 2) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, len);
    b->len += len;
}

static void puts_(buffer *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buffer *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void putf(buffer *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->failed = 1;
    else
        put(b, tmp, (size_t)n);
}

/* The escape of a byte below U+0020. */
static void put_json_control(buffer *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

    if (c == '\n')
        put(b, "\\n", 2);
    else if (c == '\t')
        put(b, "\\t", 2);
    else if (c == '\r')
        put(b, "\\r", 2);
    else
        put(b, esc, 6);
}

/* S as a JSON string.  Input is any bytes: each byte that is not part of
 * valid UTF-8 becomes U+FFFD, so the output is always valid JSON. */
static void put_json_string(buffer *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    put(b, "\"", 1);
    while (i < len) {
        size_t run = i;
        /* Plain characters go out in one piece. */
        while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
               p[run] != '\\')
            run++;
        put(b, s + i, run - i);
        if (run == len)
            break;
        i = run;
        if (p[i] == '"' || p[i] == '\\') {
            char esc[2] = {'\\', (char)p[i]};
            put(b, esc, 2);
            i++;
        } else if (p[i] < 0x20) {
            put_json_control(b, p[i]);
            i++;
        } else {
            utf8proc_int32_t cp;
            utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
            if (n <= 0) {
                put(b, "\\ufffd", 6);
                i++;
            } else {
                put(b, s + i, (size_t)n);
                i += (size_t)n;
            }
        }
    }
    put(b, "\"", 1);
}

/* A file name in a TSV column: tabs and line ends would split the column
 * or the line, so they become spaces. */
static void put_tsv_name(buffer *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
        put(b, &c, 1);
    }
}

/* The output line in tab-separated columns. */
static void format_tsv(const options *opt, const sentiment_model *model, const result *r,
                       buffer *out)
{
    if (opt->documents) {
        put_tsv_name(out, r->prefix, r->prefix_len);
        put(out, "\t", 1);
    } else if (opt->field > 0) {
        put(out, r->prefix, r->prefix_len);
        put(out, "\t", 1);
    }
    puts_(out, sentiment_model_label(model, r->label));
    putf(out, "\t%.4f", r->probs[r->label]);
    if (opt->all)
        for (size_t k = 0; k < sentiment_model_label_count(model); k++) {
            put(out, "\t", 1);
            puts_(out, sentiment_model_label(model, k));
            putf(out, ":%.4f", r->probs[k]);
        }
    if (opt->explain > 0) {
        put(out, "\t", 1);
        for (size_t i = 0; i < r->explained_count; i++) {
            if (i > 0)
                put(out, " ", 1);
            puts_(out, r->explained[i].ngram);
            putf(out, ":%+.4f", r->explained[i].weight);
        }
    }
    put(out, "\n", 1);
}

/* "fields": the columns of a --field line, as an array of strings. */
static void put_json_fields(buffer *out, const char *p, size_t len)
{
    const char *end = p + len;

    puts_(out, "\"fields\":[");
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab != NULL ? tab : end;
        put_json_string(out, p, (size_t)(stop - p));
        if (tab == NULL)
            break;
        put(out, ",", 1);
        p = tab + 1;
    }
    puts_(out, "],");
}

/* The output line as a JSON object. */
static void format_json(const options *opt, const sentiment_model *model, const result *r,
                        buffer *out)
{
    const char *name;

    put(out, "{", 1);
    if (opt->documents) {
        puts_(out, "\"file\":");
        put_json_string(out, r->prefix, r->prefix_len);
        put(out, ",", 1);
    } else if (opt->field > 0) {
        put_json_fields(out, r->prefix, r->prefix_len);
    }
    name = sentiment_model_label(model, r->label);
    puts_(out, "\"label\":");
    put_json_string(out, name, strlen(name));
    putf(out, ",\"probability\":%.4f,\"probabilities\":{", r->probs[r->label]);
    for (size_t k = 0; k < sentiment_model_label_count(model); k++) {
        name = sentiment_model_label(model, k);
        if (k > 0)
            put(out, ",", 1);
        put_json_string(out, name, strlen(name));
        putf(out, ":%.4f", r->probs[k]);
    }
    put(out, "}", 1);
    if (opt->explain > 0) {
        puts_(out, ",\"explanation\":[");
        for (size_t i = 0; i < r->explained_count; i++) {
            if (i > 0)
                put(out, ",", 1);
            puts_(out, "{\"ngram\":");
            put_json_string(out, r->explained[i].ngram, strlen(r->explained[i].ngram));
            putf(out, ",\"weight\":%.4f}", r->explained[i].weight);
        }
        put(out, "]", 1);
    }
    puts_(out, "}\n");
}

void format_result(const options *opt, const sentiment_model *model, const result *r,
                   buffer *out)
{
    if (opt->json)
        format_json(opt, model, r, out);
    else
        format_tsv(opt, model, r, out);
}
