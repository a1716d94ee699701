/*
 * modelfile.c - reading and writing model files.
 *
 * The format is described byte by byte in man/sentiment-model.5.  In short:
 * a 40-byte header (magic, format version, sizes, a CRC-32 of the
 * compressed data and one of the header itself) and a zlib stream holding
 * the payload, a sequence of tagged sections.  Everything is little-endian.
 *
 * The checksum covers the compressed bytes, not the payload: zlib ignores
 * the unused bits at the end of its last block, so a damaged file could
 * otherwise inflate to the right payload and pass unnoticed.
 *
 * Files come from anywhere, so the reader trusts nothing: every size is
 * checked against what the file can actually hold before memory is
 * allocated for it, and every failure says what is wrong.
 *
 * Replacing the file on disk safely is atomicfile.c's business, and
 * which format version a model needs is the model's own
 * (sn_model_format_version in model.c), so that model.c never calls here.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "atomicfile.h"
#include "buffer.h"
#include "internal.h"
#include "littleendian.h"
#include "model.h"

#define MAGIC "SNTMODEL"
#define HEADER_SIZE 40
#define MAX_LABEL_BYTES 1024
/* zlib cannot expand data by more than about 1032:1. */
#define MAX_INFLATE_RATIO 1040

enum { NET_FLAG_BATCHNORM = 1 };

/* ---- writing ----------------------------------------------------------- */

/* The writers append to an sn_buffer, which remembers a failure to grow:
 * build_payload() checks for memory once, at the end. */

static void emit32(sn_buffer *b, uint32_t v)
{
    unsigned char *p = sn_buffer_grow(b, 4);
    if (p)
        sn_put32le(p, v);
}

static void emit64(sn_buffer *b, uint64_t v)
{
    unsigned char *p = sn_buffer_grow(b, 8);
    if (p)
        sn_put64le(p, v);
}

static void emit_floats(sn_buffer *b, const float *f, size_t n)
{
    unsigned char *p = sn_buffer_grow(b, 4 * n);
    if (p)
        for (size_t i = 0; i < n; i++)
            sn_put32le(p + 4 * i, sn_float_bits(f[i]));
}

/* Starts a section; returns where its length goes, patched by end_section. */
static size_t begin_section(sn_buffer *b, const char tag[4])
{
    sn_buffer_append(b, tag, 4);
    emit64(b, 0);
    return b->len;
}

static void end_section(sn_buffer *b, size_t start)
{
    if (!b->failed)
        sn_put64le(b->data + start - 8, b->len - start);
}

/* Quantized feature scales: the step, then a byte per bucket, the scale
 * being byte x step (see sn_scale_quantize: the scales in memory already
 * are, so the division below is exact). */
static void emit_scale_codes(sn_buffer *b, const float *scale, float step, size_t n)
{
    unsigned char *p;

    emit_floats(b, &step, 1);
    p = sn_buffer_grow(b, n);
    if (p)
        for (size_t i = 0; i < n; i++)
            p[i] = step > 0 ? (unsigned char)lroundf(scale[i] / step) : 0;
}

/* The quantized first layer: bits, number of rows kept, a bit per row
 * (set: kept), the kept rows' scales as bfloat16, then their codes.  Rows
 * that are all zero take no more than their bit. */
static void emit_quantized_rows(sn_buffer *b, const sn_network *net)
{
    const size_t row_bytes = sn_quant_row_bytes(net->quant_bits, net->hidden);
    const size_t map_bytes = ((size_t)net->inputs + 7) / 8;
    unsigned char *p;

    emit32(b, net->quant_bits);
    emit32(b, (uint32_t)net->rows_stored);
    p = sn_buffer_grow(b, map_bytes);
    if (p) {
        memset(p, 0, map_bytes);
        for (uint32_t r = 0; r < net->inputs; r++)
            if (sn_quant_row_index(net, r) >= 0)
                p[r / 8] |= (unsigned char)(1u << (r % 8));
    }
    p = sn_buffer_grow(b, 2 * net->rows_stored);
    if (p)
        for (uint32_t r = 0; r < net->inputs; r++) {
            long k = sn_quant_row_index(net, r);
            if (k >= 0) {
                sn_put16le(p, (uint16_t)(sn_float_bits(net->row_scale[k]) >> 16));
                p += 2;
            }
        }
    for (uint32_t r = 0; r < net->inputs; r++) {
        long k = sn_quant_row_index(net, r);
        if (k >= 0)
            sn_buffer_append(b, net->w1q + (size_t)k * row_bytes, row_bytes);
    }
}

static int build_payload(const sentiment_model *m, sn_buffer *b)
{
    const sn_network *net = &m->net;
    const size_t buckets = (size_t)1 << m->vectorizer.bucket_bits;
    size_t s;

    s = begin_section(b, "LABL");
    emit32(b, (uint32_t)m->label_count);
    for (size_t i = 0; i < m->label_count; i++) {
        size_t n = strlen(m->labels[i]);
        emit32(b, (uint32_t)n);
        sn_buffer_append(b, m->labels[i], n);
    }
    end_section(b, s);

    s = begin_section(b, "TOKN");
    emit32(b, m->tokenizer.rules);
    emit32(b, m->tokenizer.flags);
    emit32(b, (uint32_t)m->lexicon.count);
    for (size_t i = 0; i < m->lexicon.count; i++) {
        const sn_lexicon_entry *e = &m->lexicon.entries[i];
        emit32(b, e->classes);
        emit32(b, e->len);
        sn_buffer_append(b, m->lexicon.strings + e->offset, e->len);
    }
    end_section(b, s);

    s = begin_section(b, "VECT");
    emit32(b, m->vectorizer.bucket_bits);
    emit32(b, m->vectorizer.ngrams);
    emit32(b, m->vectorizer.char_ngrams);
    emit32(b, m->vectorizer.weighting);
    emit32(b, m->vectorizer.normalize);
    emit64(b, m->vectorizer.seed);
    if (sn_model_format_version(m) >= SN_FORMAT_VERSION_STEM)
        emit32(b, m->vectorizer.stem);
    end_section(b, s);

    if (net->w1q == NULL) {
        s = begin_section(b, "SCAL");
        if (m->scale != NULL)
            emit_floats(b, m->scale, buckets);
        end_section(b, s);
    } else {
        s = begin_section(b, "SCL8");
        if (m->scale != NULL)
            emit_scale_codes(b, m->scale, m->scale_step, buckets);
        end_section(b, s);
    }

    s = begin_section(b, "NETW");
    emit32(b, net->inputs);
    emit32(b, net->hidden);
    emit32(b, net->outputs);
    emit32(b, m->trained_with_batchnorm ? NET_FLAG_BATCHNORM : 0);
    emit_floats(b, &net->bn_epsilon, 1);
    end_section(b, s);

    if (net->w1q == NULL) {
        s = begin_section(b, "W1  ");
        emit_floats(b, net->w1, (size_t)net->inputs * net->hidden);
        end_section(b, s);
    } else {
        s = begin_section(b, "W1Q ");
        emit_quantized_rows(b, net);
        end_section(b, s);
    }

    s = begin_section(b, "DENS");
    emit_floats(b, net->dense, net->dense_count);
    end_section(b, s);

    s = begin_section(b, "BNST");
    emit_floats(b, net->run_mean, net->hidden);
    emit_floats(b, net->run_var, net->hidden);
    end_section(b, s);

    return b->failed ? -1 : 0;
}

/* The whole file for MODEL, header and compressed payload, in memory the
 * caller frees; PATH only names the file in messages. */
static int encode_model(const sentiment_model *model, const char *path,
                        unsigned char **file, size_t *size, sentiment_error *err)
{
    sn_buffer payload = SN_BUFFER_INIT;
    uLongf packed_len;
    unsigned char *f = NULL, *packed;
    int rc = SENTIMENT_OK;

    if (build_payload(model, &payload) < 0) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory while saving", path);
        goto out;
    }
    packed_len = compressBound((uLong)payload.len);
    f = sn_malloc(HEADER_SIZE + (size_t)packed_len);
    if (f == NULL) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory while saving", path);
        goto out;
    }
    packed = f + HEADER_SIZE;
    if (compress2(packed, &packed_len, payload.data, (uLong)payload.len, 6) != Z_OK) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: compression failed", path);
        goto out;
    }
    memcpy(f, MAGIC, 8);
    sn_put32le(f + 8, (uint32_t)sn_model_format_version(model));
    sn_put32le(f + 12, 0);
    sn_put64le(f + 16, payload.len);
    sn_put64le(f + 24, packed_len);
    sn_put32le(f + 32, (uint32_t)crc32_z(0L, packed, packed_len));
    sn_put32le(f + 36, (uint32_t)crc32(0L, f, 36));
    *file = f;
    *size = HEADER_SIZE + (size_t)packed_len;
    f = NULL;
out:
    sn_free(f);
    sn_buffer_release(&payload);
    return rc;
}

int sentiment_model_save(const sentiment_model *model, const char *path,
                         sentiment_error *err)
{
    unsigned char *file = NULL;
    size_t size = 0;
    int rc;

    if (model == NULL || path == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no model or no path to save to");
    rc = encode_model(model, path, &file, &size, err);
    if (rc != SENTIMENT_OK)
        return rc;
    rc = sn_file_replace(path, file, size, err);
    sn_free(file);
    return rc;
}

/* ---- reading ----------------------------------------------------------- */

typedef struct cursor {
    const unsigned char *p;
    size_t left;
    const char *name;       /* the file, for messages */
    sentiment_error *err;
} cursor;

static int corrupt(cursor *c, const char *what)
{
    return sn_fail(c->err, SENTIMENT_ERR_CORRUPT, "%s: damaged model file: %s",
                   c->name, what);
}

static int take(cursor *c, size_t n, const unsigned char **out)
{
    if (n > c->left)
        return -1;
    *out = c->p;
    c->p += n;
    c->left -= n;
    return 0;
}

/* Opens the section that must come next; *BODY is a cursor over its bytes. */
static int open_section(cursor *c, const char tag[4], cursor *body)
{
    const unsigned char *p;
    uint64_t len;
    char msg[96];

    if (take(c, 12, &p) < 0) {
        snprintf(msg, sizeof msg, "section '%.4s' missing (payload ends early)", tag);
        return corrupt(c, msg);
    }
    if (memcmp(p, tag, 4) != 0) {
        snprintf(msg, sizeof msg, "expected section '%.4s', found '%.4s'", tag,
                 (const char *)p);
        return corrupt(c, msg);
    }
    len = sn_get64le(p + 4);
    *body = *c;
    if (len > c->left) {
        snprintf(msg, sizeof msg, "section '%.4s' is longer than the payload", tag);
        return corrupt(c, msg);
    }
    body->left = (size_t)len;
    c->p += len;
    c->left -= (size_t)len;
    return SENTIMENT_OK;
}

static int expect_size(cursor *body, const char *tag, uint64_t want)
{
    char msg[128];
    if (body->left != want) {
        snprintf(msg, sizeof msg, "section '%s' holds %zu bytes, %llu expected", tag,
                 body->left, (unsigned long long)want);
        return corrupt(body, msg);
    }
    return SENTIMENT_OK;
}

static void read_floats(const unsigned char *p, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = sn_bits_float(sn_get32le(p + 4 * i));
}

static int check_floats(cursor *c, const float *f, size_t n, const char *what)
{
    char msg[96];
    for (size_t i = 0; i < n; i++) {
        if (!(f[i] > -1e30f && f[i] < 1e30f)) {
            snprintf(msg, sizeof msg, "%s holds a value that is not a finite number",
                     what);
            return corrupt(c, msg);
        }
    }
    return SENTIMENT_OK;
}

static int parse_labels(cursor *c, sentiment_model *m)
{
    cursor s;
    const unsigned char *p;
    uint32_t count;
    int rc = open_section(c, "LABL", &s);

    if (rc != SENTIMENT_OK)
        return rc;
    if (take(&s, 4, &p) < 0)
        return corrupt(c, "label section too short");
    count = sn_get32le(p);
    if (count < 1 || count > SN_MAX_LABELS || count > s.left / 5)
        return corrupt(c, "impossible number of labels");
    m->labels = sn_calloc(count, sizeof *m->labels);
    if (m->labels == NULL)
        return sn_fail(c->err, SENTIMENT_ERR_NOMEM, "%s: out of memory", c->name);
    m->label_count = count;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n;
        if (take(&s, 4, &p) < 0)
            return corrupt(c, "label section too short");
        n = sn_get32le(p);
        if (n == 0 || n > MAX_LABEL_BYTES || take(&s, n, &p) < 0)
            return corrupt(c, "a label has an impossible length");
        if (memchr(p, '\0', n) || memchr(p, '\t', n) || memchr(p, '\n', n))
            return corrupt(c, "a label holds a control character");
        m->labels[i] = sn_malloc(n + 1);
        if (m->labels[i] == NULL)
            return sn_fail(c->err, SENTIMENT_ERR_NOMEM, "%s: out of memory", c->name);
        memcpy(m->labels[i], p, n);
        m->labels[i][n] = '\0';
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(m->labels[k], m->labels[i]) == 0)
                return corrupt(c, "a label appears twice");
    }
    if (s.left != 0)
        return corrupt(c, "label section has bytes left over");
    return SENTIMENT_OK;
}

static int parse_tokenizer(cursor *c, sentiment_model *m)
{
    cursor s;
    const unsigned char *p;
    uint32_t count;
    int rc = open_section(c, "TOKN", &s);

    if (rc != SENTIMENT_OK)
        return rc;
    if (take(&s, 12, &p) < 0)
        return corrupt(c, "tokenizer section too short");
    m->tokenizer.rules = sn_get32le(p);
    m->tokenizer.flags = sn_get32le(p + 4);
    count = sn_get32le(p + 8);
    if (m->tokenizer.rules != SN_TOKENIZER_RULES)
        return sn_fail(c->err, SENTIMENT_ERR_VERSION,
                       "%s: made with version %u of the tokenizer rules, and this "
                       "library has version %u; train the model again", c->name,
                       m->tokenizer.rules, SN_TOKENIZER_RULES);
    if (m->tokenizer.flags & ~(uint32_t)SN_TOK_ALL)
        return corrupt(c, "unknown tokenizer flags");
    if (count > s.left / 9)
        return corrupt(c, "impossible number of word-list entries");
    for (uint32_t i = 0; i < count; i++) {
        uint32_t classes, len;
        if (take(&s, 8, &p) < 0)
            return corrupt(c, "tokenizer section too short");
        classes = sn_get32le(p);
        len = sn_get32le(p + 4);
        if (classes == 0 || classes >= (1u << SN_LEX_CLASSES) || len == 0 ||
            len > SN_LEX_MAX_ENTRY || take(&s, len, &p) < 0)
            return corrupt(c, "a word-list entry is malformed");
        for (uint32_t bit = 1; bit < (1u << SN_LEX_CLASSES); bit <<= 1) {
            sentiment_error detail;
            if (!(classes & bit))
                continue;
            rc = sn_lexicon_add(&m->lexicon, bit, (const char *)p, len, &detail);
            if (rc == SENTIMENT_ERR_NOMEM)
                return sn_fail(c->err, rc, "%s: out of memory", c->name);
            if (rc != SENTIMENT_OK)
                return corrupt(c, "a word-list entry is malformed");
        }
    }
    if (s.left != 0)
        return corrupt(c, "tokenizer section has bytes left over");
    return SENTIMENT_OK;
}

static int parse_scale_codes(cursor *c, sentiment_model *m)
{
    const size_t buckets = (size_t)1 << m->vectorizer.bucket_bits;
    cursor s;
    float step;
    int rc;

    if ((rc = open_section(c, "SCL8", &s)) != SENTIMENT_OK)
        return rc;
    if (s.left == 0)
        return SENTIMENT_OK;
    if ((rc = expect_size(&s, "SCL8", 4 + (uint64_t)buckets)) != SENTIMENT_OK)
        return rc;
    read_floats(s.p, &step, 1);
    if (!(step >= 0 && step < 1e30f))
        return corrupt(c, "impossible feature scale step");
    m->scale = sn_malloc_array(buckets, sizeof *m->scale);
    if (m->scale == NULL)
        return sn_fail(c->err, SENTIMENT_ERR_NOMEM, "%s: out of memory", c->name);
    m->scale_step = step;
    for (size_t i = 0; i < buckets; i++)
        m->scale[i] = (float)s.p[4 + i] * step;
    return SENTIMENT_OK;
}

static size_t popcount8(unsigned v)
{
    size_t n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* See emit_quantized_rows(): section S, already opened.  Everything is
 * checked against the section's real size before the network is
 * allocated. */
static int parse_quantized_rows(cursor *c, cursor s, sentiment_model *m,
                                uint32_t inputs, uint32_t hidden, uint32_t outputs)
{
    const size_t map_bytes = ((size_t)inputs + 7) / 8;
    const unsigned char *map, *scales, *codes;
    size_t row_bytes, kept = 0;
    uint32_t bits, count;
    int rc;

    if (s.left < 8)
        return corrupt(c, "quantized first layer section too short");
    bits = sn_get32le(s.p);
    count = sn_get32le(s.p + 4);
    if (bits != 8 && bits != 4)
        return corrupt(c, "unknown quantization of the first layer");
    if (count > inputs)
        return corrupt(c, "more quantized rows than inputs");
    row_bytes = sn_quant_row_bytes(bits, hidden);
    if ((rc = expect_size(&s, "W1Q", 8 + (uint64_t)map_bytes +
                          (uint64_t)count * (2 + row_bytes))) != SENTIMENT_OK)
        return rc;
    map = s.p + 8;
    scales = map + map_bytes;
    codes = scales + 2 * (size_t)count;
    for (size_t i = 0; i < map_bytes; i++)
        kept += popcount8(map[i]);
    if (kept != count || (inputs % 8 && map[map_bytes - 1] >> (inputs % 8)))
        return corrupt(c, "quantized row map does not match its row count");
    /* Rows not stored take memory only when they are at most half (see
     * sn_network): nothing here is much larger than what the section
     * holds, and a forged header of many buckets and no rows costs two bits
     * per bucket, against the bit its row map takes in the payload. */
    rc = sn_network_alloc_quantized(&m->net, inputs, hidden, outputs, bits, map,
                                    c->err);
    if (rc == SENTIMENT_ERR_NOMEM)
        return sn_fail(c->err, rc, "%s: out of memory", c->name);
    if (rc != SENTIMENT_OK)
        return rc;
    for (uint32_t r = 0, nth = 0; r < inputs; r++) {
        float f;
        if (!(map[r / 8] >> (r % 8) & 1))
            continue;
        f = sn_bits_float((uint32_t)sn_get16le(scales) << 16);
        if (!(f > 0 && f < 1e30f))
            return corrupt(c, "a quantized row has an impossible scale");
        for (size_t j = 0; j < row_bytes; j++) {
            /* -128 and -8 are never written: codes are symmetric. */
            if (bits == 8 ? codes[j] == 0x80 :
                ((codes[j] & 15) == 8 || (codes[j] >> 4) == 8 ||
                 (hidden % 2 && j == row_bytes - 1 && codes[j] >> 4)))
                return corrupt(c, "a quantized weight is out of range");
        }
        size_t k = sn_quant_row_slot(&m->net, r, nth++);
        m->net.row_scale[k] = f;
        memcpy(m->net.w1q + k * row_bytes, codes, row_bytes);
        scales += 2;
        codes += row_bytes;
    }
    return SENTIMENT_OK;
}

/* The sections after NETW: the first layer, DENS and BNST.  All three are
 * found and their sizes checked before the network is allocated, so that
 * no size a forged file declares costs more memory than its payload
 * holds. */
static int parse_network(cursor *c, sentiment_model *m, uint32_t inputs,
                         uint32_t hidden, uint32_t outputs, int quantized)
{
    const size_t dense_count = 3 * (size_t)hidden + (size_t)hidden * outputs + outputs;
    cursor first, dens, bnst;
    int rc;

    if ((rc = open_section(c, quantized ? "W1Q " : "W1  ", &first)) != SENTIMENT_OK ||
        (!quantized && (rc = expect_size(&first, "W1", (uint64_t)inputs * hidden * 4))) ||
        (rc = open_section(c, "DENS", &dens)) != SENTIMENT_OK ||
        (rc = expect_size(&dens, "DENS", (uint64_t)dense_count * 4)) != SENTIMENT_OK ||
        (rc = open_section(c, "BNST", &bnst)) != SENTIMENT_OK ||
        (rc = expect_size(&bnst, "BNST", (uint64_t)hidden * 8)) != SENTIMENT_OK)
        return rc;
    if (c->left != 0)
        return corrupt(c, "unexpected bytes after the last section");

    if (quantized) {
        if ((rc = parse_quantized_rows(c, first, m, inputs, hidden, outputs)))
            return rc;
    } else {
        if ((rc = sn_network_alloc(&m->net, inputs, hidden, outputs, 0, c->err)))
            return rc;
        read_floats(first.p, m->net.w1, (size_t)inputs * hidden);
        if ((rc = check_floats(c, m->net.w1, (size_t)inputs * hidden, "first layer")))
            return rc;
    }
    read_floats(dens.p, m->net.dense, dense_count);
    if ((rc = check_floats(c, m->net.dense, dense_count, "output layer")))
        return rc;
    read_floats(bnst.p, m->net.run_mean, hidden);
    read_floats(bnst.p + 4 * (size_t)hidden, m->net.run_var, hidden);
    if ((rc = check_floats(c, m->net.run_mean, hidden, "batch-norm statistics")) ||
        (rc = check_floats(c, m->net.run_var, hidden, "batch-norm statistics")))
        return rc;
    return SENTIMENT_OK;
}

static int parse_payload(cursor *c, sentiment_model *m, uint32_t version)
{
    cursor s;
    const unsigned char *p;
    uint32_t inputs, hidden, outputs, flags;
    float epsilon;
    int quantized, rc;

    if ((rc = parse_labels(c, m)) != SENTIMENT_OK)
        return rc;

    if ((rc = parse_tokenizer(c, m)) != SENTIMENT_OK)
        return rc;

    if ((rc = open_section(c, "VECT", &s)) != SENTIMENT_OK ||
        (rc = expect_size(&s, "VECT", version >= SN_FORMAT_VERSION_STEM ? 32 : 28)))
        return rc;
    p = s.p;
    m->vectorizer.bucket_bits = sn_get32le(p);
    m->vectorizer.ngrams = sn_get32le(p + 4);
    m->vectorizer.char_ngrams = sn_get32le(p + 8);
    m->vectorizer.weighting = sn_get32le(p + 12);
    m->vectorizer.normalize = sn_get32le(p + 16);
    m->vectorizer.seed = sn_get64le(p + 20);
    m->vectorizer.stem = version >= SN_FORMAT_VERSION_STEM ? sn_get32le(p + 28) : 0;
    if (version >= SN_FORMAT_VERSION_STEM &&
        (m->vectorizer.stem < 1 || m->vectorizer.stem > SN_MAX_STEM))
        return corrupt(c, "impossible stem length");
    if (m->vectorizer.char_ngrams < 1 || m->vectorizer.char_ngrams > SN_MAX_NGRAMS)
        return corrupt(c, "impossible character n-gram order");
    if (m->vectorizer.weighting > SN_WEIGHT_LOGTF || m->vectorizer.normalize > 1)
        return corrupt(c, "unknown feature weighting");
    if (m->vectorizer.bucket_bits < SN_MIN_BUCKET_BITS ||
        m->vectorizer.bucket_bits > SN_MAX_BUCKET_BITS)
        return corrupt(c, "impossible number of hash buckets");
    if (m->vectorizer.ngrams < 1 || m->vectorizer.ngrams > SN_MAX_NGRAMS)
        return corrupt(c, "impossible n-gram order");

    /* Versions 1 and 2 say by themselves; in version 3 the next tag does. */
    quantized = version == SN_FORMAT_VERSION_QUANTIZED ||
        (version == SN_FORMAT_VERSION_STEM && c->left >= 4 && memcmp(c->p, "SCL8", 4) == 0);
    if (quantized) {
        if ((rc = parse_scale_codes(c, m)) != SENTIMENT_OK)
            return rc;
    } else if ((rc = open_section(c, "SCAL", &s)) != SENTIMENT_OK) {
        return rc;
    } else if (s.left != 0) {
        size_t buckets = (size_t)1 << m->vectorizer.bucket_bits;
        if ((rc = expect_size(&s, "SCAL", (uint64_t)buckets * 4)) != SENTIMENT_OK)
            return rc;
        m->scale = sn_malloc_array(buckets, sizeof *m->scale);
        if (m->scale == NULL)
            return sn_fail(c->err, SENTIMENT_ERR_NOMEM, "%s: out of memory", c->name);
        read_floats(s.p, m->scale, buckets);
        if ((rc = check_floats(c, m->scale, buckets, "feature scales")))
            return rc;
    }

    if ((rc = open_section(c, "NETW", &s)) != SENTIMENT_OK ||
        (rc = expect_size(&s, "NETW", 20)) != SENTIMENT_OK)
        return rc;
    p = s.p;
    inputs = sn_get32le(p);
    hidden = sn_get32le(p + 4);
    outputs = sn_get32le(p + 8);
    flags = sn_get32le(p + 12);
    if (inputs != UINT32_C(1) << m->vectorizer.bucket_bits)
        return corrupt(c, "network input size differs from the number of buckets");
    if (outputs != m->label_count)
        return corrupt(c, "network output size differs from the number of labels");
    if (hidden < 1 || hidden > SN_MAX_HIDDEN)
        return corrupt(c, "impossible hidden layer width");
    if (flags & ~(uint32_t)NET_FLAG_BATCHNORM)
        return corrupt(c, "unknown network flags");

    read_floats(p + 16, &epsilon, 1);
    if (!(epsilon > 0 && epsilon <= 100))
        return corrupt(c, "impossible batch-normalization epsilon");

    if ((rc = parse_network(c, m, inputs, hidden, outputs, quantized)) != SENTIMENT_OK)
        return rc;
    m->net.bn_epsilon = epsilon;
    m->trained_with_batchnorm = (flags & NET_FLAG_BATCHNORM) != 0;
    return SENTIMENT_OK;
}

static int load_bytes(sentiment_model **out, const unsigned char *data, size_t size,
                      const char *name, sentiment_error *err)
{
    cursor c = {0};
    uint64_t payload_len, packed_len;
    uint32_t version;
    unsigned char *payload = NULL;
    sentiment_model *m = NULL;
    uLongf got;
    int rc;

    c.name = name;
    c.err = err;
    if (out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no place to put the model");
    *out = NULL;
    if (size < HEADER_SIZE || memcmp(data, MAGIC, 8) != 0) {
        if (size >= 8 && memcmp(data, MAGIC, 8) == 0)
            return corrupt(&c, "file is shorter than its header");
        return sn_fail(err, SENTIMENT_ERR_CORRUPT, "%s: not a libsentiment model file",
                       name);
    }
    if (sn_get32le(data + 36) != (uint32_t)crc32(0L, data, 36))
        return corrupt(&c, "header checksum mismatch");
    version = sn_get32le(data + 8);
    if (version < SN_FORMAT_VERSION || version > SN_FORMAT_VERSION_LATEST)
        return sn_fail(err, SENTIMENT_ERR_VERSION,
                       "%s: model format version %u is not supported (this library "
                       "reads versions %u to %u)", name, version, SN_FORMAT_VERSION,
                       SN_FORMAT_VERSION_LATEST);
    if (sn_get32le(data + 12) != 0)
        return corrupt(&c, "unknown header flags");
    payload_len = sn_get64le(data + 16);
    packed_len = sn_get64le(data + 24);
    if (packed_len != size - HEADER_SIZE)
        return corrupt(&c, packed_len > size - HEADER_SIZE ?
                       "file is truncated" : "unexpected bytes after the data");
    if (payload_len == 0 || payload_len / MAX_INFLATE_RATIO > packed_len ||
        payload_len > (uint64_t)ULONG_MAX || payload_len > SIZE_MAX)
        return corrupt(&c, "impossible payload size");

    if (sn_get32le(data + 32) != (uint32_t)crc32_z(0L, data + HEADER_SIZE, (z_size_t)packed_len))
        return corrupt(&c, "checksum mismatch");

    payload = sn_malloc((size_t)payload_len);
    if (payload == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory for %llu bytes",
                       name, (unsigned long long)payload_len);
    got = (uLongf)payload_len;
    if (uncompress(payload, &got, data + HEADER_SIZE, (uLong)packed_len) != Z_OK ||
        got != payload_len) {
        rc = corrupt(&c, "compressed data is damaged");
        goto out;
    }
    m = sn_model_new();
    if (m == NULL) {
        rc = sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    c.p = payload;
    c.left = (size_t)payload_len;
    rc = parse_payload(&c, m, version);
    if (rc == SENTIMENT_OK) {
        *out = m;
        m = NULL;
    }
out:
    sentiment_model_free(m);
    sn_free(payload);
    return rc;
}

int sentiment_model_load_buffer(sentiment_model **out, const void *data,
                                size_t size, sentiment_error *err)
{
    if (data == NULL && size > 0)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no buffer to load from");
    return load_bytes(out, data ? data : "", size, "(buffer)", err);
}

/* The bytes of models/default.model, compiled in by src/embed-model.sh. */
extern const unsigned char sn_default_model[];
extern const size_t sn_default_model_size;

/* The model SENTIMENT_MODEL names, or NULL when it is unset or empty. */
static const char *model_from_environment(void)
{
    const char *env = getenv("SENTIMENT_MODEL");
    return env != NULL && env[0] != '\0' ? env : NULL;
}

const char *sentiment_model_default_path(void)
{
    const char *env = model_from_environment();
    return env != NULL ? env : PKGDATADIR "/default.model";
}

int sentiment_model_load(sentiment_model **out, const char *path,
                         sentiment_error *err)
{
    /* A file the user did not name on this call is named the way they
     * named it: SENTIMENT_MODEL=PATH. */
    char shown[SENTIMENT_ERROR_MESSAGE_SIZE];
    const char *name = path;
    FILE *f;
    struct stat st;
    unsigned char *data;
    int rc;

    if (out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no place to put the model");
    *out = NULL;
    if (path == NULL) {
        path = model_from_environment();
        if (path == NULL)
            return load_bytes(out, sn_default_model, sn_default_model_size,
                              "(built-in default model)", err);
        snprintf(shown, sizeof shown, "SENTIMENT_MODEL=%s", path);
        name = shown;
    }
    f = fopen(path, "rb");
    if (f == NULL)
        return sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", name, strerror(errno));
    st.st_mode = 0;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        const char *why = S_ISDIR(st.st_mode) ? "is a directory, not a model file" :
            "not a regular file";
        fclose(f);
        return sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", name, why);
    }
    data = sn_malloc((size_t)st.st_size);
    if (data == NULL) {
        fclose(f);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory", name);
    }
    if (fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: read error", name);
    } else {
        rc = load_bytes(out, data, (size_t)st.st_size, name, err);
    }
    fclose(f);
    sn_free(data);
    return rc;
}
