/*
 * lexicon.c - word lists as a hash set.
 *
 * The lists are tiny (tens of entries) but consulted for every token, so a
 * lookup is one hash and usually one comparison.  They are written by the
 * project in lexicons/, built into the library, and stored in every model,
 * so a model tokenizes the same wherever it runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "lexicon.h"

const char *const sn_lexicon_files[SN_LEX_CLASSES] = {
    "negation.txt", "contrast.txt", "intensifiers.txt", "emoticons.txt"
};
const uint32_t sn_lexicon_file_class[SN_LEX_CLASSES] = {
    SN_LEX_NEGATION, SN_LEX_CONTRAST, SN_LEX_INTENSIFIER, SN_LEX_EMOTICON
};

void sn_lexicon_init(sn_lexicon *lex)
{
    memset(lex, 0, sizeof *lex);
}

void sn_lexicon_release(sn_lexicon *lex)
{
    sn_strtab_release(&lex->words);
    sn_free(lex->classes);
    sn_lexicon_init(lex);
}

uint32_t sn_lexicon_lookup(const sn_lexicon *lex, const char *s, size_t len)
{
    long i;

    if (!sn_lexicon_may_hold(lex, s, len))
        return 0;
    i = sn_strtab_find(&lex->words, s, len);
    return i < 0 ? 0 : lex->classes[i];
}

int sn_lexicon_add(sn_lexicon *lex, uint32_t cls, const char *entry, size_t len,
                   sentiment_error *err)
{
    long i;

    if (len == 0 || len > SN_LEX_MAX_ENTRY)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "a list entry must have 1 to %d bytes", SN_LEX_MAX_ENTRY);
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)entry[k] <= ' ' || entry[k] == 0x7F)
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "a list entry must not hold spaces or control characters");
    if (cls == SN_LEX_EMOTICON) {
        unsigned char c = (unsigned char)entry[0];
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9'))
            return sn_fail(err, SENTIMENT_ERR_INVALID,
                           "an emoticon must start with an ASCII punctuation mark");
        lex->emoticon_first[c >> 5] |= UINT32_C(1) << (c & 31);
        if (len > lex->emoticon_max)
            lex->emoticon_max = len;
    }
    /* Room for the classes of one more entry first: the table must hold no
     * entry without them. */
    if (lex->words.count == lex->classes_cap) {
        uint32_t *classes = sn_grow_array(lex->classes, &lex->classes_cap,
                                          lex->words.count + 1, sizeof *classes, 64);
        if (classes == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for word lists");
        lex->classes = classes;
    }
    size_t before = lex->words.count;
    i = sn_strtab_intern(&lex->words, entry, len);
    if (i < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for word lists");
    if (lex->words.count > before)
        lex->classes[i] = 0;
    lex->classes[i] |= cls;
    unsigned bit = sn_lexicon_filter_bit(entry, len);
    lex->filter[bit >> 6] |= UINT64_C(1) << (bit & 63);
    return SENTIMENT_OK;
}

int sn_lexicon_parse(sn_lexicon *lex, uint32_t cls, const char *text, size_t len,
                     const char *name, sentiment_error *err)
{
    size_t pos = 0;
    unsigned long line = 0;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, b = pos, e = end;
        sentiment_error detail;

        line++;
        while (b < e && (text[b] == ' ' || text[b] == '\t'))
            b++;
        while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
            e--;
        if (e > b && text[b] != '#') {
            int rc = sn_lexicon_add(lex, cls, text + b, e - b, &detail);
            if (rc != SENTIMENT_OK)
                return sn_fail(err, rc, "%s:%lu: %s", name, line, detail.message);
        }
        pos = end + 1;
    }
    return SENTIMENT_OK;
}

int sn_lexicon_load_default(sn_lexicon *lex, sentiment_error *err)
{
    for (int k = 0; k < SN_LEX_CLASSES; k++) {
        int rc = sn_lexicon_parse(lex, sn_lexicon_file_class[k], sn_default_lexicons[k],
                                  strlen(sn_default_lexicons[k]), sn_lexicon_files[k],
                                  err);
        if (rc != SENTIMENT_OK)
            return rc;
    }
    return SENTIMENT_OK;
}

/* A mistyped folder, or one level off, must not train a model without
 * lists in silence; nor may a misnamed file leave its list empty.  So every
 * list needs its file, and an empty file is how a list is left empty on
 * purpose.  The message names every file missing at once. */
static int check_lexicon_files(const char *dir, sentiment_error *err)
{
    char missing[256] = "";
    size_t n = 0;
    struct stat st;

    if (stat(dir, &st) < 0)
        return sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return sn_fail(err, SENTIMENT_ERR_IO, "%s: not a folder", dir);
    for (int k = 0; k < SN_LEX_CLASSES; k++) {
        char path[4096];

        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, sn_lexicon_files[k]) >=
            sizeof path)
            return sn_fail(err, SENTIMENT_ERR_INVALID, "%s: path too long", dir);
        if (stat(path, &st) < 0 && errno == ENOENT) {
            size_t len = strlen(missing);
            snprintf(missing + len, sizeof missing - len, "%s%s", len ? ", " : "",
                     sn_lexicon_files[k]);
            n++;
        }
    }
    if (n == SN_LEX_CLASSES)
        return sn_fail(err, SENTIMENT_ERR_IO,
                       "%s: holds no word list (%s); an empty file makes an empty list",
                       dir, missing);
    if (n > 0)
        return sn_fail(err, SENTIMENT_ERR_IO,
                       "%s: no %s; every word list needs its file, an empty file makes "
                       "an empty list", dir, missing);
    return SENTIMENT_OK;
}

int sn_lexicon_load_dir(sn_lexicon *lex, const char *dir, sentiment_error *err)
{
    int rc = check_lexicon_files(dir, err);

    if (rc != SENTIMENT_OK)
        return rc;
    for (int k = 0; k < SN_LEX_CLASSES; k++) {
        char path[4096];
        FILE *f;
        char *data = NULL;
        size_t len = 0, cap = 0;

        snprintf(path, sizeof path, "%s/%s", dir, sn_lexicon_files[k]);
        f = fopen(path, "rb");
        if (f == NULL)
            return sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", path, strerror(errno));
        for (;;) {
            if (len == cap) {
                cap = cap ? 2 * cap : 4096;
                if (cap > (1u << 24)) {
                    sn_free(data);
                    fclose(f);
                    return sn_fail(err, SENTIMENT_ERR_INVALID, "%s: larger than 16 MiB",
                                   path);
                }
                char *p = sn_realloc(data, cap);
                if (p == NULL) {
                    sn_free(data);
                    fclose(f);
                    return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", path);
                }
                data = p;
            }
            size_t got = fread(data + len, 1, cap - len, f);
            len += got;
            if (got == 0)
                break;
        }
        if (ferror(f)) {
            sn_free(data);
            fclose(f);
            return sn_fail(err, SENTIMENT_ERR_IO, "%s: read error", path);
        }
        fclose(f);
        rc = sn_lexicon_parse(lex, sn_lexicon_file_class[k], data ? data : "", len, path,
                              err);
        sn_free(data);
        if (rc != SENTIMENT_OK)
            return rc;
    }
    return SENTIMENT_OK;
}

int sn_lexicon_copy(sn_lexicon *dst, const sn_lexicon *src, sentiment_error *err)
{
    for (size_t i = 0; i < src->words.count; i++) {
        for (uint32_t bit = 1; bit <= SN_LEX_EMOTICON; bit <<= 1) {
            if (src->classes[i] & bit) {
                int rc = sn_lexicon_add(dst, bit, src->words.string[i],
                                        src->words.length[i], err);
                if (rc != SENTIMENT_OK)
                    return rc;
            }
        }
    }
    return SENTIMENT_OK;
}
