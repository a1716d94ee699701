/*
 * modelfile.c - reading and writing model files.
 *
 * The format is described byte by byte in man/sentiment-model.5.  In short:
 * a 40-byte header (magic, format version, sizes, a CRC-32 of the
 * compressed data and one of the header itself) and a zlib stream holding
 * the payload, a sequence of tagged sections.  Everything is little-endian.
 *
 * Each section has its own pair here, write_X() and parse_X(), and the
 * table sections[] lists them in the order of the file, as the table of
 * the man page does: the writer and the reader both walk it, so that they
 * cannot disagree about which sections come in which order.
 *
 * The checksum covers the compressed bytes, not the payload: zlib ignores
 * the unused bits at the end of its last block, so a damaged file could
 * otherwise inflate to the right payload and pass unnoticed.
 *
 * Files come from anywhere, so the reader trusts nothing: every size is
 * checked against what the file can actually hold before memory is
 * allocated for it, and every failure says what is wrong.  For the network
 * that takes two passes: the sizes of the first layer, DENS and BNST depend
 * on NETW and are all checked (parse_X) before the network is allocated
 * and filled (fill_X).
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

/* ---- writing fields ---------------------------------------------------- */

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

/* ---- reading fields ---------------------------------------------------- */

typedef struct cursor {
    const unsigned char *p;
    size_t left;
    const char *name;       /* the file, for messages */
    sentiment_error *err;
} cursor;

/* What the sections read so far say, for those that follow. */
typedef struct loading {
    sentiment_model *m;     /* filled section by section */
    uint32_t version;       /* of the file's format */
    int quantized;          /* SCL8 and W1Q, not SCAL and W1; -1 until known */
    uint32_t inputs, hidden, outputs, flags;   /* from NETW */
    float epsilon;
} loading;

static int corrupt(cursor *c, const char *what)
{
    return sn_fail(c->err, SENTIMENT_ERR_CORRUPT, "%s: damaged model file: %s",
                   c->name, what);
}

static int out_of_memory(cursor *c)
{
    return sn_fail(c->err, SENTIMENT_ERR_NOMEM, "%s: out of memory", c->name);
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
    if (body->left != want) {
        char msg[128];
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

/* ---- LABL: the labels -------------------------------------------------- */

static void write_labels(sn_buffer *b, const sentiment_model *m)
{
    emit32(b, (uint32_t)m->label_count);
    for (size_t i = 0; i < m->label_count; i++) {
        size_t n = strlen(m->labels[i]);
        emit32(b, (uint32_t)n);
        sn_buffer_append(b, m->labels[i], n);
    }
}

static int parse_labels(cursor *s, loading *l)
{
    sentiment_model *m = l->m;
    const unsigned char *p;
    uint32_t count;

    if (take(s, 4, &p) < 0)
        return corrupt(s, "label section too short");
    count = sn_get32le(p);
    if (count < 1 || count > SN_MAX_LABELS || count > s->left / 5)
        return corrupt(s, "impossible number of labels");
    m->labels = sn_calloc(count, sizeof *m->labels);
    if (m->labels == NULL)
        return out_of_memory(s);
    m->label_count = count;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n;
        if (take(s, 4, &p) < 0)
            return corrupt(s, "label section too short");
        n = sn_get32le(p);
        if (n == 0 || n > MAX_LABEL_BYTES || take(s, n, &p) < 0)
            return corrupt(s, "a label has an impossible length");
        if (memchr(p, '\0', n) || memchr(p, '\t', n) || memchr(p, '\n', n))
            return corrupt(s, "a label holds a control character");
        m->labels[i] = sn_malloc(n + 1);
        if (m->labels[i] == NULL)
            return out_of_memory(s);
        memcpy(m->labels[i], p, n);
        m->labels[i][n] = '\0';
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(m->labels[k], m->labels[i]) == 0)
                return corrupt(s, "a label appears twice");
    }
    if (s->left != 0)
        return corrupt(s, "label section has bytes left over");
    return SENTIMENT_OK;
}

/* ---- TOKN: the tokenizer's rules and word lists ------------------------ */

static void write_tokenizer(sn_buffer *b, const sentiment_model *m)
{
    emit32(b, m->tokenizer.rules);
    emit32(b, m->tokenizer.flags);
    emit32(b, (uint32_t)m->lexicon.words.count);
    for (size_t i = 0; i < m->lexicon.words.count; i++) {
        emit32(b, m->lexicon.classes[i]);
        emit32(b, m->lexicon.words.length[i]);
        sn_buffer_append(b, m->lexicon.words.string[i], m->lexicon.words.length[i]);
    }
}

/* One word-list entry, added to the lists its bit set CLASSES names. */
static int parse_lexicon_entry(cursor *s, sentiment_model *m)
{
    const unsigned char *p;
    uint32_t classes, len;

    if (take(s, 8, &p) < 0)
        return corrupt(s, "tokenizer section too short");
    classes = sn_get32le(p);
    len = sn_get32le(p + 4);
    if (classes == 0 || classes >= (1u << SN_LEX_CLASSES) || len == 0 ||
        len > SN_LEX_MAX_ENTRY || take(s, len, &p) < 0)
        return corrupt(s, "a word-list entry is malformed");
    for (uint32_t bit = 1; bit < (1u << SN_LEX_CLASSES); bit <<= 1) {
        sentiment_error detail;
        int rc;
        if (!(classes & bit))
            continue;
        rc = sn_lexicon_add(&m->lexicon, bit, (const char *)p, len, &detail);
        if (rc == SENTIMENT_ERR_NOMEM)
            return out_of_memory(s);
        if (rc != SENTIMENT_OK)
            return corrupt(s, "a word-list entry is malformed");
    }
    return SENTIMENT_OK;
}

static int parse_tokenizer(cursor *s, loading *l)
{
    sentiment_model *m = l->m;
    const unsigned char *p;
    uint32_t count;

    if (take(s, 12, &p) < 0)
        return corrupt(s, "tokenizer section too short");
    m->tokenizer.rules = sn_get32le(p);
    m->tokenizer.flags = sn_get32le(p + 4);
    count = sn_get32le(p + 8);
    if (m->tokenizer.rules != SN_TOKENIZER_RULES)
        return sn_fail(s->err, SENTIMENT_ERR_VERSION,
                       "%s: made with version %u of the tokenizer rules, and this "
                       "library has version %u; train the model again", s->name,
                       m->tokenizer.rules, SN_TOKENIZER_RULES);
    if (m->tokenizer.flags & ~(uint32_t)SN_TOK_ALL)
        return corrupt(s, "unknown tokenizer flags");
    if (count > s->left / 9)
        return corrupt(s, "impossible number of word-list entries");
    for (uint32_t i = 0; i < count; i++) {
        int rc = parse_lexicon_entry(s, m);
        if (rc != SENTIMENT_OK)
            return rc;
    }
    if (s->left != 0)
        return corrupt(s, "tokenizer section has bytes left over");
    return SENTIMENT_OK;
}

/* ---- VECT: the vectorizer's settings ----------------------------------- */

static void write_vectorizer(sn_buffer *b, const sentiment_model *m)
{
    emit32(b, m->vectorizer.bucket_bits);
    emit32(b, m->vectorizer.ngrams);
    emit32(b, m->vectorizer.char_ngrams);
    emit32(b, m->vectorizer.weighting);
    emit32(b, m->vectorizer.normalize);
    emit64(b, m->vectorizer.seed);
    if (sn_model_format_version(m) >= SN_FORMAT_VERSION_STEM)
        emit32(b, m->vectorizer.stem);
}

static int parse_vectorizer(cursor *s, loading *l)
{
    sn_vectorizer_settings *v = &l->m->vectorizer;
    const int stems = l->version >= SN_FORMAT_VERSION_STEM;
    const unsigned char *p = s->p;
    int rc;

    if ((rc = expect_size(s, "VECT", stems ? 32 : 28)) != SENTIMENT_OK)
        return rc;
    v->bucket_bits = sn_get32le(p);
    v->ngrams = sn_get32le(p + 4);
    v->char_ngrams = sn_get32le(p + 8);
    v->weighting = sn_get32le(p + 12);
    v->normalize = sn_get32le(p + 16);
    v->seed = sn_get64le(p + 20);
    v->stem = stems ? sn_get32le(p + 28) : 0;
    if (stems && (v->stem < 1 || v->stem > SN_MAX_STEM))
        return corrupt(s, "impossible stem length");
    if (v->char_ngrams < 1 || v->char_ngrams > SN_MAX_NGRAMS)
        return corrupt(s, "impossible character n-gram order");
    if (v->weighting > SN_WEIGHT_LOGTF || v->normalize > 1)
        return corrupt(s, "unknown feature weighting");
    if (v->bucket_bits < SN_MIN_BUCKET_BITS || v->bucket_bits > SN_MAX_BUCKET_BITS)
        return corrupt(s, "impossible number of hash buckets");
    if (v->ngrams < 1 || v->ngrams > SN_MAX_NGRAMS)
        return corrupt(s, "impossible n-gram order");
    return SENTIMENT_OK;
}

static size_t bucket_count(const sentiment_model *m)
{
    return (size_t)1 << m->vectorizer.bucket_bits;
}

/* ---- SCAL: the feature scales, as floats ------------------------------- */

static void write_scales(sn_buffer *b, const sentiment_model *m)
{
    if (m->scale != NULL)
        emit_floats(b, m->scale, bucket_count(m));
}

static int parse_scales(cursor *s, loading *l)
{
    const size_t buckets = bucket_count(l->m);
    int rc;

    if (s->left == 0)
        return SENTIMENT_OK;
    if ((rc = expect_size(s, "SCAL", (uint64_t)buckets * 4)) != SENTIMENT_OK)
        return rc;
    l->m->scale = sn_malloc_array(buckets, sizeof *l->m->scale);
    if (l->m->scale == NULL)
        return out_of_memory(s);
    read_floats(s->p, l->m->scale, buckets);
    return check_floats(s, l->m->scale, buckets, "feature scales");
}

/* ---- SCL8: the feature scales in a byte each --------------------------- */

/* The step, then a byte per bucket, the scale being byte x step (see
 * sn_scale_quantize: the scales in memory already are, so the division
 * below is exact). */
static void write_scale_codes(sn_buffer *b, const sentiment_model *m)
{
    const size_t buckets = bucket_count(m);
    const float step = m->scale_step;
    unsigned char *p;

    if (m->scale == NULL)
        return;
    emit_floats(b, &step, 1);
    p = sn_buffer_grow(b, buckets);
    if (p)
        for (size_t i = 0; i < buckets; i++)
            p[i] = step > 0 ? (unsigned char)lroundf(m->scale[i] / step) : 0;
}

static int parse_scale_codes(cursor *s, loading *l)
{
    sentiment_model *m = l->m;
    const size_t buckets = bucket_count(m);
    float step;
    int rc;

    if (s->left == 0)
        return SENTIMENT_OK;
    if ((rc = expect_size(s, "SCL8", 4 + (uint64_t)buckets)) != SENTIMENT_OK)
        return rc;
    read_floats(s->p, &step, 1);
    if (!(step >= 0 && step < 1e30f))
        return corrupt(s, "impossible feature scale step");
    m->scale = sn_malloc_array(buckets, sizeof *m->scale);
    if (m->scale == NULL)
        return out_of_memory(s);
    m->scale_step = step;
    for (size_t i = 0; i < buckets; i++)
        m->scale[i] = (float)s->p[4 + i] * step;
    return SENTIMENT_OK;
}

/* ---- NETW: the shape of the network ------------------------------------ */

static void write_shape(sn_buffer *b, const sentiment_model *m)
{
    emit32(b, m->net.inputs);
    emit32(b, m->net.hidden);
    emit32(b, m->net.outputs);
    emit32(b, m->trained_with_batchnorm ? NET_FLAG_BATCHNORM : 0);
    emit_floats(b, &m->net.bn_epsilon, 1);
}

/* Only remembered: the network is allocated once the sections that hold
 * its weights are found to be as large as this shape says. */
static int parse_shape(cursor *s, loading *l)
{
    const unsigned char *p = s->p;
    int rc;

    if ((rc = expect_size(s, "NETW", 20)) != SENTIMENT_OK)
        return rc;
    l->inputs = sn_get32le(p);
    l->hidden = sn_get32le(p + 4);
    l->outputs = sn_get32le(p + 8);
    l->flags = sn_get32le(p + 12);
    if (l->inputs != UINT32_C(1) << l->m->vectorizer.bucket_bits)
        return corrupt(s, "network input size differs from the number of buckets");
    if (l->outputs != l->m->label_count)
        return corrupt(s, "network output size differs from the number of labels");
    if (l->hidden < 1 || l->hidden > SN_MAX_HIDDEN)
        return corrupt(s, "impossible hidden layer width");
    if (l->flags & ~(uint32_t)NET_FLAG_BATCHNORM)
        return corrupt(s, "unknown network flags");
    read_floats(p + 16, &l->epsilon, 1);
    if (!(l->epsilon > 0 && l->epsilon <= 100))
        return corrupt(s, "impossible batch-normalization epsilon");
    return SENTIMENT_OK;
}

/* ---- W1: the first layer, as floats ------------------------------------ */

static void write_first_layer(sn_buffer *b, const sentiment_model *m)
{
    emit_floats(b, m->net.w1, (size_t)m->net.inputs * m->net.hidden);
}

static int parse_first_layer(cursor *s, loading *l)
{
    return expect_size(s, "W1", (uint64_t)l->inputs * l->hidden * 4);
}

static int fill_first_layer(cursor *s, loading *l)
{
    sn_network *net = &l->m->net;
    const size_t n = (size_t)l->inputs * l->hidden;
    int rc;

    if ((rc = sn_network_alloc(net, l->inputs, l->hidden, l->outputs, 0, s->err)))
        return rc;
    read_floats(s->p, net->w1, n);
    return check_floats(s, net->w1, n, "first layer");
}

/* ---- W1Q: the first layer, quantized ----------------------------------- */

/* Bits, number of rows kept, a bit per row (set: kept), the kept rows'
 * scales as bfloat16, then their codes.  Rows that are all zero take no
 * more than their bit. */
static void write_quantized_rows(sn_buffer *b, const sentiment_model *m)
{
    const sn_network *net = &m->net;
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

static size_t popcount8(unsigned v)
{
    size_t n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* The parts of a W1Q section S that parse_quantized_rows() checked. */
static uint32_t quant_bits(const cursor *s)
{
    return sn_get32le(s->p);
}

static uint32_t quant_count(const cursor *s)
{
    return sn_get32le(s->p + 4);
}

static const unsigned char *quant_map(const cursor *s)
{
    return s->p + 8;
}

/* Everything but the rows themselves is checked against the section's real
 * size before the network is allocated. */
static int parse_quantized_rows(cursor *s, loading *l)
{
    const size_t map_bytes = ((size_t)l->inputs + 7) / 8;
    const unsigned char *map;
    size_t kept = 0;
    uint32_t bits, count;
    int rc;

    if (s->left < 8)
        return corrupt(s, "quantized first layer section too short");
    bits = quant_bits(s);
    count = quant_count(s);
    if (bits != 8 && bits != 4)
        return corrupt(s, "unknown quantization of the first layer");
    if (count > l->inputs)
        return corrupt(s, "more quantized rows than inputs");
    if ((rc = expect_size(s, "W1Q", 8 + (uint64_t)map_bytes + (uint64_t)count *
                          (2 + sn_quant_row_bytes(bits, l->hidden)))) != SENTIMENT_OK)
        return rc;
    map = quant_map(s);
    for (size_t i = 0; i < map_bytes; i++)
        kept += popcount8(map[i]);
    if (kept != count || (l->inputs % 8 && map[map_bytes - 1] >> (l->inputs % 8)))
        return corrupt(s, "quantized row map does not match its row count");
    return SENTIMENT_OK;
}

/* Whether the codes of a row are in range: -128 and -8 are never written,
 * codes are symmetric, and the unused half of a last byte is 0. */
static int codes_in_range(const unsigned char *codes, size_t row_bytes, unsigned bits,
                          uint32_t hidden)
{
    for (size_t j = 0; j < row_bytes; j++)
        if (bits == 8 ? codes[j] == 0x80 :
            ((codes[j] & 15) == 8 || (codes[j] >> 4) == 8 ||
             (hidden % 2 && j == row_bytes - 1 && codes[j] >> 4)))
            return 0;
    return 1;
}

static int fill_quantized_rows(cursor *s, loading *l)
{
    sn_network *net = &l->m->net;
    const uint32_t bits = quant_bits(s);
    const size_t row_bytes = sn_quant_row_bytes(bits, l->hidden);
    const unsigned char *map = quant_map(s);
    const unsigned char *scales = map + (l->inputs + (size_t)7) / 8;
    const unsigned char *codes = scales + 2 * (size_t)quant_count(s);
    int rc;

    /* Rows not stored take memory only when they are at most half (see
     * sn_network): nothing here is much larger than what the section
     * holds, and a forged header of many buckets and no rows costs two bits
     * per bucket, against the bit its row map takes in the payload. */
    rc = sn_network_alloc_quantized(net, l->inputs, l->hidden, l->outputs, bits, map,
                                    s->err);
    if (rc == SENTIMENT_ERR_NOMEM)
        return out_of_memory(s);
    if (rc != SENTIMENT_OK)
        return rc;
    for (uint32_t r = 0, nth = 0; r < l->inputs; r++) {
        float f;
        size_t k;
        if (!(map[r / 8] >> (r % 8) & 1))
            continue;
        f = sn_bits_float((uint32_t)sn_get16le(scales) << 16);
        if (!(f > 0 && f < 1e30f))
            return corrupt(s, "a quantized row has an impossible scale");
        if (!codes_in_range(codes, row_bytes, bits, l->hidden))
            return corrupt(s, "a quantized weight is out of range");
        k = sn_quant_row_slot(net, r, nth++);
        net->row_scale[k] = f;
        memcpy(net->w1q + k * row_bytes, codes, row_bytes);
        scales += 2;
        codes += row_bytes;
    }
    return SENTIMENT_OK;
}

/* ---- DENS: the biases, gamma, beta and the output layer ---------------- */

static void write_dense(sn_buffer *b, const sentiment_model *m)
{
    emit_floats(b, m->net.dense, m->net.dense_count);
}

static size_t dense_count(const loading *l)
{
    return 3 * (size_t)l->hidden + (size_t)l->hidden * l->outputs + l->outputs;
}

static int parse_dense(cursor *s, loading *l)
{
    return expect_size(s, "DENS", (uint64_t)dense_count(l) * 4);
}

static int fill_dense(cursor *s, loading *l)
{
    read_floats(s->p, l->m->net.dense, dense_count(l));
    return check_floats(s, l->m->net.dense, dense_count(l), "output layer");
}

/* ---- BNST: the batch-normalization statistics -------------------------- */

static void write_bn_stats(sn_buffer *b, const sentiment_model *m)
{
    emit_floats(b, m->net.run_mean, m->net.hidden);
    emit_floats(b, m->net.run_var, m->net.hidden);
}

static int parse_bn_stats(cursor *s, loading *l)
{
    return expect_size(s, "BNST", (uint64_t)l->hidden * 8);
}

static int fill_bn_stats(cursor *s, loading *l)
{
    sn_network *net = &l->m->net;
    int rc;

    read_floats(s->p, net->run_mean, l->hidden);
    read_floats(s->p + 4 * (size_t)l->hidden, net->run_var, l->hidden);
    if ((rc = check_floats(s, net->run_mean, l->hidden, "batch-norm statistics")) ||
        (rc = check_floats(s, net->run_var, l->hidden, "batch-norm statistics")))
        return rc;
    return SENTIMENT_OK;
}

/* ---- the sections, in the order of the file ---------------------------- */

/* Which models hold a section: all, or one of each pair of the scales and
 * the first layer, as the first layer is quantized or not. */
enum form { EVERY_MODEL, FLOAT_LAYER, QUANTIZED_LAYER };

typedef struct section {
    char tag[5];
    enum form form;
    void (*write)(sn_buffer *b, const sentiment_model *m);
    /* Reads the section, or only checks it where the memory it fills is
     * allocated once all sections are checked: FILL then reads it, from
     * the cursor PARSE left where it found it. */
    int (*parse)(cursor *s, loading *l);
    int (*fill)(cursor *s, loading *l);
} section;

/* As the table of sentiment-model(5), which tests/test_modelfile.c holds
 * against what is written. */
static const section sections[] = {
    {"LABL", EVERY_MODEL, write_labels, parse_labels, NULL},
    {"TOKN", EVERY_MODEL, write_tokenizer, parse_tokenizer, NULL},
    {"VECT", EVERY_MODEL, write_vectorizer, parse_vectorizer, NULL},
    {"SCAL", FLOAT_LAYER, write_scales, parse_scales, NULL},
    {"SCL8", QUANTIZED_LAYER, write_scale_codes, parse_scale_codes, NULL},
    {"NETW", EVERY_MODEL, write_shape, parse_shape, NULL},
    {"W1  ", FLOAT_LAYER, write_first_layer, parse_first_layer, fill_first_layer},
    {"W1Q ", QUANTIZED_LAYER, write_quantized_rows, parse_quantized_rows,
     fill_quantized_rows},
    {"DENS", EVERY_MODEL, write_dense, parse_dense, fill_dense},
    {"BNST", EVERY_MODEL, write_bn_stats, parse_bn_stats, fill_bn_stats},
};
#define SECTION_COUNT (sizeof sections / sizeof sections[0])

static int holds(const section *s, int quantized)
{
    return s->form == EVERY_MODEL || (s->form == QUANTIZED_LAYER) == quantized;
}

/* ---- writing ----------------------------------------------------------- */

static int build_payload(const sentiment_model *m, sn_buffer *b)
{
    for (size_t i = 0; i < SECTION_COUNT; i++) {
        size_t start;
        if (!holds(&sections[i], m->net.w1q != NULL))
            continue;
        sn_buffer_append(b, sections[i].tag, 4);
        emit64(b, 0); /* the length, known at the end */
        start = b->len;
        sections[i].write(b, m);
        if (!b->failed)
            sn_put64le(b->data + start - 8, b->len - start);
    }
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

/* Whether the file holds section S: versions 1 and 2 say by themselves
 * which of the scales and first layers they hold; in version 3 the tag
 * after VECT does. */
static int file_holds(const section *s, loading *l, const cursor *c)
{
    if (s->form == EVERY_MODEL)
        return 1;
    if (l->quantized < 0)
        l->quantized = l->version == SN_FORMAT_VERSION_QUANTIZED ||
            (l->version == SN_FORMAT_VERSION_STEM && c->left >= 4 &&
             memcmp(c->p, "SCL8", 4) == 0);
    return holds(s, l->quantized);
}

static int parse_payload(cursor *c, sentiment_model *m, uint32_t version)
{
    loading l = {0};
    cursor body[SECTION_COUNT];
    int held[SECTION_COUNT];
    int rc;

    l.m = m;
    l.version = version;
    l.quantized = -1;
    for (size_t i = 0; i < SECTION_COUNT; i++) {
        held[i] = file_holds(&sections[i], &l, c);
        if (held[i] && ((rc = open_section(c, sections[i].tag, &body[i])) ||
                        (rc = sections[i].parse(&body[i], &l))))
            return rc;
    }
    if (c->left != 0)
        return corrupt(c, "unexpected bytes after the last section");
    for (size_t i = 0; i < SECTION_COUNT; i++)
        if (held[i] && sections[i].fill != NULL &&
            (rc = sections[i].fill(&body[i], &l)) != SENTIMENT_OK)
            return rc;
    m->net.bn_epsilon = l.epsilon;
    m->trained_with_batchnorm = (l.flags & NET_FLAG_BATCHNORM) != 0;
    return SENTIMENT_OK;
}

/* Checks the header of the SIZE bytes at DATA against them: everything
 * but the payload, whose VERSION and length it gives. */
static int check_header(cursor *c, const unsigned char *data, size_t size,
                        uint32_t *version, uint64_t *payload_len)
{
    uint64_t packed_len;

    if (size < HEADER_SIZE || memcmp(data, MAGIC, 8) != 0) {
        if (size >= 8 && memcmp(data, MAGIC, 8) == 0)
            return corrupt(c, "file is shorter than its header");
        return sn_fail(c->err, SENTIMENT_ERR_CORRUPT,
                       "%s: not a libsentiment model file", c->name);
    }
    if (sn_get32le(data + 36) != (uint32_t)crc32(0L, data, 36))
        return corrupt(c, "header checksum mismatch");
    *version = sn_get32le(data + 8);
    if (*version < SN_FORMAT_VERSION || *version > SN_FORMAT_VERSION_LATEST)
        return sn_fail(c->err, SENTIMENT_ERR_VERSION,
                       "%s: model format version %u is not supported (this library "
                       "reads versions %u to %u)", c->name, *version,
                       SN_FORMAT_VERSION, SN_FORMAT_VERSION_LATEST);
    if (sn_get32le(data + 12) != 0)
        return corrupt(c, "unknown header flags");
    *payload_len = sn_get64le(data + 16);
    packed_len = sn_get64le(data + 24);
    if (packed_len != size - HEADER_SIZE)
        return corrupt(c, packed_len > size - HEADER_SIZE ?
                       "file is truncated" : "unexpected bytes after the data");
    if (*payload_len == 0 || *payload_len / MAX_INFLATE_RATIO > packed_len ||
        *payload_len > (uint64_t)ULONG_MAX || *payload_len > SIZE_MAX)
        return corrupt(c, "impossible payload size");
    if (sn_get32le(data + 32) !=
        (uint32_t)crc32_z(0L, data + HEADER_SIZE, (z_size_t)packed_len))
        return corrupt(c, "checksum mismatch");
    return SENTIMENT_OK;
}

static int load_bytes(sentiment_model **out, const unsigned char *data, size_t size,
                      const char *name, sentiment_error *err)
{
    cursor c = {0};
    uint64_t payload_len = 0;
    uint32_t version = 0;
    unsigned char *payload = NULL;
    sentiment_model *m = NULL;
    uLongf got;
    int rc;

    c.name = name;
    c.err = err;
    if (out == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no place to put the model");
    *out = NULL;
    if ((rc = check_header(&c, data, size, &version, &payload_len)) != SENTIMENT_OK)
        return rc;
    payload = sn_malloc((size_t)payload_len);
    if (payload == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory for %llu bytes",
                       name, (unsigned long long)payload_len);
    got = (uLongf)payload_len;
    if (uncompress(payload, &got, data + HEADER_SIZE, (uLong)(size - HEADER_SIZE)) != Z_OK ||
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
