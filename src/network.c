/*
 * network.c - forward and backward passes of the feedforward classifier.
 *
 * The first layer is where the work is: its input has a million dimensions
 * but a few hundred non-zeros, so it is computed as a sum of W1 rows and its
 * gradient touches only those rows.  Everything after it is small and dense.
 */
#if defined(__linux__)
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE, a Linux extension */
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "batchnorm.h"
#include "internal.h"
#include "network.h"

/* Batch normalization keeps per-unit scratch on the stack (sn_bn_fold):
 * every hidden layer the network accepts must fit in it. */
_Static_assert(SN_BN_MAX_UNITS >= SN_MAX_HIDDEN,
               "batch normalization must cover the widest hidden layer");

/* Asks for the LEN bytes at P to be backed by huge pages where the system
 * offers them: a quantized first layer is read at random, a row per
 * feature, and with small pages nearly every read also missed the TLB.
 * Only a hint: nothing changes when it is refused. */
static void want_huge_pages(void *p, size_t len)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t to = ((uintptr_t)p + len) & ~(huge - 1);

    if (p != NULL && to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p, (void)len;
#endif
}

/* Allocates everything but the first layer, whose form the callers choose. */
static int alloc_common(sn_network *net, uint32_t inputs, uint32_t hidden,
                        uint32_t outputs, int batchnorm, sentiment_error *err)
{
    memset(net, 0, sizeof *net);
    if (inputs == 0 || hidden == 0 || hidden > SN_MAX_HIDDEN || outputs == 0 ||
        outputs > SN_MAX_LABELS)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "invalid network shape %u x %u x %u",
                       inputs, hidden, outputs);
    net->inputs = inputs;
    net->hidden = hidden;
    net->outputs = outputs;
    net->batchnorm = batchnorm;
    net->bn_epsilon = 1.0f;
    net->dense_count = 3 * (size_t)hidden + (size_t)hidden * outputs + outputs;
    net->dense = sn_calloc(net->dense_count, sizeof *net->dense);
    net->run_mean = sn_calloc(hidden, sizeof *net->run_mean);
    net->run_var = sn_malloc_array(hidden, sizeof *net->run_var);
    if (net->dense == NULL || net->run_mean == NULL || net->run_var == NULL) {
        sn_network_release(net);
        return sn_fail(err, SENTIMENT_ERR_NOMEM,
                       "out of memory for a network of %u x %u x %u", inputs,
                       hidden, outputs);
    }
    for (uint32_t j = 0; j < hidden; j++) {
        sn_net_gamma(net)[j] = 1.0f;
        net->run_var[j] = 1.0f;
    }
    return SENTIMENT_OK;
}

/* Bit W of MAP, a bit per row as in a model file, as the word of rows
 * 64 W to 64 W + 63. */
static uint64_t map_word(const unsigned char *map, size_t map_bytes, size_t w)
{
    uint64_t word = 0;

    for (size_t i = 0; i < 8 && 8 * w + i < map_bytes; i++)
        word |= (uint64_t)map[8 * w + i] << (8 * i);
    return word;
}

/* Rows stored in MAP; with ROW_MAP, also takes MAP into it and counts the
 * rows stored before each word, so that a row's place is one popcount
 * away. */
static size_t index_rows(const unsigned char *map, uint32_t inputs,
                         sn_row_block *row_map)
{
    const size_t words = ((size_t)inputs + 63) / 64;
    const size_t map_bytes = ((size_t)inputs + 7) / 8;
    size_t stored = 0;

    for (size_t w = 0; w < words; w++) {
        uint64_t word = map_word(map, map_bytes, w);
        if (row_map != NULL) {
            row_map[w].bits = word;
            row_map[w].rank = stored;
        }
        stored += sn_popcount64(word);
    }
    return stored;
}

int sn_network_alloc_quantized(sn_network *net, uint32_t inputs, uint32_t hidden,
                               uint32_t outputs, unsigned bits,
                               const unsigned char *map, sentiment_error *err)
{
    const size_t words = ((size_t)inputs + 63) / 64;
    size_t slots;
    int rc = alloc_common(net, inputs, hidden, outputs, 0, err);

    if (rc != SENTIMENT_OK)
        return rc;
    if (bits != 8 && bits != 4) {
        sn_network_release(net);
        return sn_fail(err, SENTIMENT_ERR_INVALID, "quantization to %u bits is not "
                       "supported (8 or 4)", bits);
    }
    net->quant_bits = bits;
    net->rows_stored = index_rows(map, inputs, NULL);
    /* A row per input is faster to find, and costs at most twice the rows
     * stored when they are at least half. */
    if (net->rows_stored >= inputs / 2) {
        slots = inputs;
    } else {
        slots = net->rows_stored;
        net->row_map = sn_malloc_array(words, sizeof *net->row_map);
        if (net->row_map != NULL)
            index_rows(map, inputs, net->row_map);
    }
    if (slots == inputs || net->row_map != NULL) {
        net->w1q = sn_calloc(slots, sn_quant_row_bytes(bits, hidden));
        net->row_scale = sn_calloc(slots, sizeof *net->row_scale);
        want_huge_pages(net->w1q, slots * sn_quant_row_bytes(bits, hidden));
        want_huge_pages(net->row_scale, slots * sizeof *net->row_scale);
    }
    if (net->w1q == NULL || net->row_scale == NULL) {
        sn_network_release(net);
        return sn_fail(err, SENTIMENT_ERR_NOMEM,
                       "out of memory for a network of %u x %u x %u", inputs,
                       hidden, outputs);
    }
    return SENTIMENT_OK;
}

int sn_network_alloc(sn_network *net, uint32_t inputs, uint32_t hidden,
                     uint32_t outputs, int batchnorm, sentiment_error *err)
{
    int rc = alloc_common(net, inputs, hidden, outputs, batchnorm, err);

    if (rc != SENTIMENT_OK)
        return rc;
    net->w1 = sn_calloc((size_t)inputs * hidden, sizeof *net->w1);
    if (net->w1 == NULL) {
        sn_network_release(net);
        return sn_fail(err, SENTIMENT_ERR_NOMEM,
                       "out of memory for a network of %u x %u x %u", inputs,
                       hidden, outputs);
    }
    return SENTIMENT_OK;
}

void sn_network_release(sn_network *net)
{
    sn_free(net->w1);
    sn_free(net->w1q);
    sn_free(net->row_scale);
    sn_free(net->row_map);
    sn_free(net->dense);
    sn_free(net->run_mean);
    sn_free(net->run_var);
    memset(net, 0, sizeof *net);
}

void sn_network_randomize(sn_network *net, uint64_t *rng, float w1_scale)
{
    size_t n1 = (size_t)net->inputs * net->hidden;
    size_t n2 = (size_t)net->hidden * net->outputs;
    float limit = sqrtf(6.0f / (float)(net->hidden + net->outputs));
    float *w2 = sn_net_w2(net);

    for (size_t i = 0; i < n1; i++)
        net->w1[i] = (float)(sn_rng_normal(rng) * w1_scale);
    for (size_t i = 0; i < n2; i++)
        w2[i] = (float)((2 * sn_rng_uniform(rng) - 1) * limit);
}

void sn_network_copy(sn_network *dst, const sn_network *src)
{
    memcpy(dst->w1, src->w1, (size_t)src->inputs * src->hidden * sizeof *src->w1);
    memcpy(dst->dense, src->dense, src->dense_count * sizeof *src->dense);
    memcpy(dst->run_mean, src->run_mean, src->hidden * sizeof *src->run_mean);
    memcpy(dst->run_var, src->run_var, src->hidden * sizeof *src->run_var);
    dst->batchnorm = src->batchnorm;
    dst->bn_epsilon = src->bn_epsilon;
}

int sn_gradients_alloc(sn_gradients *g, const sn_network *net, sentiment_error *err)
{
    memset(g, 0, sizeof *g);
    g->dense = sn_calloc(net->dense_count, sizeof *g->dense);
    g->slot = sn_malloc_array(net->inputs, sizeof *g->slot);
    if (g->dense == NULL || g->slot == NULL) {
        sn_gradients_release(g);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for gradients");
    }
    memset(g->slot, 0xFF, (size_t)net->inputs * sizeof *g->slot);
    return SENTIMENT_OK;
}

void sn_gradients_release(sn_gradients *g)
{
    sn_free(g->dense);
    sn_free(g->rows);
    sn_free(g->w1);
    sn_free(g->slot);
    memset(g, 0, sizeof *g);
}

int sn_workspace_alloc(sn_workspace *ws, const sn_network *net, size_t batch_cap,
                       sentiment_error *err)
{
    size_t wide = net->hidden > net->outputs ? net->hidden : net->outputs;

    memset(ws, 0, sizeof *ws);
    ws->batch_cap = batch_cap;
    ws->z = sn_malloc_array(batch_cap, net->hidden * sizeof(float));
    ws->zhat = sn_malloc_array(batch_cap, net->hidden * sizeof(float));
    ws->a = sn_malloc_array(batch_cap, net->hidden * sizeof(float));
    ws->probs = sn_malloc_array(batch_cap, net->outputs * sizeof(float));
    ws->delta = sn_malloc_array(batch_cap, wide * sizeof(float));
    ws->mean = sn_malloc_array(net->hidden, sizeof(float));
    ws->var = sn_malloc_array(net->hidden, sizeof(float));
    ws->inv_std = sn_malloc_array(net->hidden, sizeof(float));
    ws->keep = sn_malloc_array(batch_cap, net->hidden * sizeof(float));
    if (!ws->z || !ws->zhat || !ws->a || !ws->probs || !ws->delta || !ws->mean ||
        !ws->var || !ws->inv_std || !ws->keep) {
        sn_workspace_release(ws);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for a batch of %zu",
                       batch_cap);
    }
    return SENTIMENT_OK;
}

void sn_workspace_release(sn_workspace *ws)
{
    sn_free(ws->z);
    sn_free(ws->zhat);
    sn_free(ws->a);
    sn_free(ws->probs);
    sn_free(ws->delta);
    sn_free(ws->mean);
    sn_free(ws->var);
    sn_free(ws->inv_std);
    sn_free(ws->keep);
    memset(ws, 0, sizeof *ws);
}

typedef struct layer_job {
    const sn_network *net;
    const sn_sparse *x;
    size_t batch;
    float *z;
    const float *delta;
    sn_gradients *g;
} layer_job;

/* Sign-extends the low four bits of V. */
static inline int nibble(unsigned v)
{
    return (int)((v & 15) ^ 8) - 8;
}

/* How many features ahead a row is asked for: its codes and scale are
 * two random reads into megabytes of weights, and waiting for each in turn
 * is what the first layer of a quantized model spent most of its time on. */
#define PREFETCH_AHEAD 16

/* Row K's codes and scale, or -1 when row R is all zero. */
static inline long quant_row(const sn_network *net, uint32_t r)
{
    return net->row_map != NULL ? sn_quant_row_index(net, r) : (long)r;
}

/* A macro, not a function: GCC takes a function that only prefetches for
 * one without effect, and drops its calls. */
#if defined(__GNUC__)
#  define PREFETCH(p) __builtin_prefetch(p)
#else
#  define PREFETCH(p) ((void)(p))
#endif

/* Asks for row R's codes and scale. */
#define PREFETCH_ROW(net, r, row_bytes) do {                          \
        const long k_ = quant_row((net), (r));                       \
        if (k_ >= 0) {                                                \
            PREFETCH((net)->row_scale + k_);                          \
            PREFETCH((net)->w1q + (size_t)k_ * (row_bytes));          \
        }                                                             \
    } while (0)

/* Adds V times 16 codes of 4 bits (8 bytes at Q) to the sums of the even
 * (EVEN) and odd (ODD) hidden units of a block: split so, each sum is one
 * plain loop of a fixed length, which compilers turn into vector code.
 * Each unit still adds its terms in feature order, so the sums are the
 * same bits as one unit at a time. */
static inline void add_block4(float *restrict even, float *restrict odd,
                              const uint8_t *restrict q, float v)
{
    for (size_t k = 0; k < 8; k++)
        even[k] += v * (float)(((q[k] & 15) ^ 8) - 8);
    for (size_t k = 0; k < 8; k++)
        odd[k] += v * (float)(((q[k] >> 4) ^ 8) - 8);
}

/* The same for 8 codes of 8 bits. */
static inline void add_block8(float *restrict z, const uint8_t *restrict q, float v)
{
    for (size_t k = 0; k < 8; k++)
        z[k] += v * (float)(int8_t)q[k];
}

/* One example's z = b1 + x W1 with a quantized W1, into ZB.  SUMS
 * (HIDDEN rounded up to 16 floats) holds the sums of whole blocks of 16
 * units, each block as its 8 even units then its 8 odd ones with 4-bit
 * codes; the units after the last whole block are summed in ZB directly.
 * Each row's scale is multiplied into the feature value once. */
static void quantized_hidden_one(const sn_network *net, const sn_sparse *x, float *zb,
                                 float *sums)
{
    const size_t h = net->hidden, row_bytes = sn_quant_row_bytes(net->quant_bits, h);
    const int four = net->quant_bits == 4;
    const size_t blocks = four ? h / 16 : h / 8, block_units = four ? 16 : 8;
    const size_t tail = blocks * block_units;
    const float *b1 = sn_net_b1(net);

    for (size_t j = 0; j < tail; j++)
        sums[four ? j / 16 * 16 + (j % 16) / 2 + 8 * (j % 2) : j] = b1[j];
    memcpy(zb + tail, b1 + tail, (h - tail) * sizeof *zb);
    for (size_t i = 0; i < x->count && i < PREFETCH_AHEAD; i++)
        PREFETCH_ROW(net, x->index[i], row_bytes);
    for (size_t i = 0; i < x->count; i++) {
        const long k = quant_row(net, x->index[i]);
        const uint8_t *q;
        float v;
        if (i + PREFETCH_AHEAD < x->count)
            PREFETCH_ROW(net, x->index[i + PREFETCH_AHEAD], row_bytes);
        /* With a row per input, a row not stored has scale 0. */
        if (k < 0 || (v = x->value[i] * net->row_scale[k]) == 0)
            continue;
        q = net->w1q + (size_t)k * row_bytes;
        for (size_t b = 0; b < blocks; b++) {
            if (four)
                add_block4(sums + 16 * b, sums + 16 * b + 8, q + 8 * b, v);
            else
                add_block8(sums + 8 * b, q + 8 * b, v);
        }
        for (size_t j = tail; j < h; j++)
            zb[j] += v * (float)(four ? nibble(q[j / 2] >> (4 * (j & 1))) : (int8_t)q[j]);
    }
    for (size_t j = 0; j < tail; j++)
        zb[j] = sums[four ? j / 16 * 16 + (j % 16) / 2 + 8 * (j % 2) : j];
}

/* The same as hidden_share() below with a quantized W1. */
static void quantized_hidden_share(const sn_network *net, const sn_sparse *x,
                                   size_t from, size_t to, float *z)
{
    float sums[SN_MAX_HIDDEN + 16];

    for (size_t b = from; b < to; b++)
        quantized_hidden_one(net, &x[b], z + b * net->hidden, sums);
}

/* z = b1 + x W1 for each example of this thread's share. */
static void hidden_share(void *arg, unsigned tid, unsigned nthreads)
{
    const layer_job *job = arg;
    const sn_network *net = job->net;
    const sn_sparse *x = job->x;
    const size_t h = net->hidden;
    const float *b1 = sn_net_b1(net);
    float *z = job->z;
    size_t from, to;

    sn_share(job->batch, tid, nthreads, &from, &to);
    if (net->w1q != NULL) {
        quantized_hidden_share(net, x, from, to, z);
        return;
    }
    for (size_t b = from; b < to; b++) {
        float *zb = z + b * h;
        memcpy(zb, b1, h * sizeof *zb);
        for (size_t i = 0; i < x[b].count; i++) {
            const float *row = net->w1 + (size_t)x[b].index[i] * h;
            const float v = x[b].value[i];
            for (size_t j = 0; j < h; j++)
                zb[j] += v * row[j];
        }
    }
}

static void hidden_layer(const sn_network *net, sn_workspace *ws, const sn_sparse *x,
                         size_t batch, float *z)
{
    layer_job job = {net, x, batch, z, NULL, NULL};

    if (ws->pool != NULL && batch > 1)
        sn_pool_run(ws->pool, hidden_share, &job);
    else
        hidden_share(&job, 0, 1);
}

/* Adds x * delta to the gradient rows of this thread: those whose slot is
 * TID modulo NTHREADS.  Each row sums its examples in the same order
 * whatever the number of threads, so the result does not depend on it. */
static void scatter_share(void *arg, unsigned tid, unsigned nthreads)
{
    const layer_job *job = arg;
    const size_t h = job->net->hidden;
    const sn_gradients *g = job->g;

    for (size_t b = 0; b < job->batch; b++) {
        const float *d = job->delta + b * h;
        const sn_sparse *x = &job->x[b];
        for (size_t i = 0; i < x->count; i++) {
            int32_t s = g->slot[x->index[i]];
            if ((unsigned)s % nthreads != tid)
                continue;
            float *row = g->w1 + (size_t)s * h;
            const float v = x->value[i];
            for (size_t j = 0; j < h; j++)
                row[j] += v * d[j];
        }
    }
}

/* probs = softmax(a W2 + b2), in place over a batch. */
static void output_layer(const sn_network *net, const float *a, size_t batch,
                         float *probs)
{
    const size_t h = net->hidden, c = net->outputs;
    const float *w2 = sn_net_w2(net), *b2 = sn_net_b2(net);

    for (size_t b = 0; b < batch; b++) {
        float *p = probs + b * c;
        float max = -INFINITY, sum = 0;
        memcpy(p, b2, c * sizeof *p);
        for (size_t j = 0; j < h; j++) {
            float aj = a[b * h + j];
            if (aj == 0)
                continue;
            for (size_t k = 0; k < c; k++)
                p[k] += aj * w2[j * c + k];
        }
        for (size_t k = 0; k < c; k++)
            if (p[k] > max)
                max = p[k];
        for (size_t k = 0; k < c; k++) {
            p[k] = expf(p[k] - max);
            sum += p[k];
        }
        for (size_t k = 0; k < c; k++)
            p[k] /= sum;
    }
}

static int slot_for(sn_gradients *g, uint32_t row, size_t h)
{
    if (g->slot[row] >= 0)
        return g->slot[row];
    if (g->nrows == g->rows_cap) {
        size_t cap = sn_grow_capacity(g->rows_cap, g->nrows + 1, 4096);
        uint32_t *rows = cap ? sn_realloc_array(g->rows, cap, sizeof *rows) : NULL;
        if (rows == NULL)
            return -1;
        g->rows = rows;
        float *w1 = sn_realloc_array(g->w1, cap, h * sizeof *w1);
        if (w1 == NULL)
            return -1;
        g->w1 = w1;
        g->rows_cap = cap;
    }
    g->rows[g->nrows] = row;
    memset(g->w1 + g->nrows * h, 0, h * sizeof *g->w1);
    g->slot[row] = (int32_t)g->nrows;
    return (int)g->nrows++;
}

static void clear_gradients(sn_gradients *g, const sn_network *net)
{
    for (size_t r = 0; r < g->nrows; r++)
        g->slot[g->rows[r]] = -1;
    g->nrows = 0;
    memset(g->dense, 0, net->dense_count * sizeof *g->dense);
}

int sn_network_gradient(const sn_network *net, sn_workspace *ws,
                        const sn_sparse *x, const uint32_t *labels, size_t batch,
                        sn_gradients *g, double *loss, sentiment_error *err)
{
    const size_t h = net->hidden, c = net->outputs;
    const float *w2 = sn_net_w2(net);
    float *gb1 = g->dense, *ggamma = g->dense + h, *gbeta = g->dense + 2 * h;
    float *gw2 = g->dense + 3 * h, *gb2 = gw2 + h * c;
    float *y = ws->a; /* normalized pre-activation; ReLU applied in place below */
    double total = 0;

    clear_gradients(g, net);
    hidden_layer(net, ws, x, batch, ws->z);
    if (net->batchnorm && batch >= SN_BN_MIN_BATCH)
        sn_bn_forward_train(batch, h, ws->z, sn_net_gamma(net), sn_net_beta(net),
                            net->bn_epsilon, ws->zhat, y, ws->mean, ws->var,
                            ws->inv_std);
    else if (net->batchnorm)
        sn_bn_forward_small(batch, h, ws->z, sn_net_gamma(net), sn_net_beta(net),
                            net->bn_epsilon, net->run_mean, net->run_var, ws->zhat, y,
                            ws->mean, ws->var, ws->inv_std);
    else
        memcpy(y, ws->z, batch * h * sizeof *y);
    /* ReLU in place; its derivative is read back below as a > 0. */
    for (size_t i = 0; i < batch * h; i++)
        if (y[i] < 0)
            y[i] = 0;
    if (ws->dropout > 0 && ws->rng != NULL) {
        const float scale = 1.0f / (1.0f - ws->dropout);
        for (size_t i = 0; i < batch * h; i++) {
            ws->keep[i] = sn_rng_uniform(ws->rng) < ws->dropout ? 0.0f : scale;
            y[i] *= ws->keep[i];
        }
    }
    output_layer(net, ws->a, batch, ws->probs);

    /* Output layer: d(loss)/d(logits) = (p - onehot) / batch. */
    for (size_t b = 0; b < batch; b++) {
        float *p = ws->probs + b * c;
        double pt = p[labels[b]];
        total -= log(pt > SN_MIN_PROB ? pt : SN_MIN_PROB);
        for (size_t k = 0; k < c; k++) {
            float d = (p[k] - (k == labels[b])) / (float)batch;
            p[k] = d; /* probs now hold the delta */
            gb2[k] += d;
        }
        for (size_t j = 0; j < h; j++) {
            float aj = ws->a[b * h + j];
            float back = 0;
            for (size_t k = 0; k < c; k++) {
                gw2[j * c + k] += aj * p[k];
                back += w2[j * c + k] * p[k];
            }
            /* A dropped unit has a == 0 and no gradient; a kept one was
             * scaled, and so is its gradient. */
            ws->delta[b * h + j] = aj > 0 ? back : 0;
            if (ws->dropout > 0 && ws->rng != NULL)
                ws->delta[b * h + j] *= ws->keep[b * h + j];
        }
    }
    *loss = total / (double)batch;

    if (net->batchnorm && batch >= SN_BN_MIN_BATCH)
        sn_bn_backward(batch, h, ws->delta, ws->zhat, sn_net_gamma(net),
                       ws->inv_std, ws->delta, ggamma, gbeta);
    else if (net->batchnorm)
        sn_bn_backward_small(batch, h, ws->delta, ws->zhat, sn_net_gamma(net),
                             ws->inv_std, ws->delta, ggamma, gbeta);
    /* First give every row touched its place, then add to the rows. */
    for (size_t b = 0; b < batch; b++) {
        const float *d = ws->delta + b * h;
        for (size_t j = 0; j < h; j++)
            gb1[j] += d[j];
        for (size_t i = 0; i < x[b].count; i++)
            if (slot_for(g, x[b].index[i], h) < 0)
                return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for gradients");
    }
    {
        layer_job job = {net, x, batch, NULL, ws->delta, g};
        if (ws->pool != NULL)
            sn_pool_run(ws->pool, scatter_share, &job);
        else
            scatter_share(&job, 0, 1);
    }
    return SENTIMENT_OK;
}

void sn_network_predict(const sn_network *net, sn_workspace *ws,
                        const sn_sparse *x, size_t batch, float *probs)
{
    const size_t h = net->hidden;

    hidden_layer(net, ws, x, batch, ws->z);
    if (net->batchnorm)
        sn_bn_forward_infer(batch, h, ws->z, sn_net_gamma(net), sn_net_beta(net),
                            net->bn_epsilon, net->run_mean, net->run_var, ws->a);
    else
        memcpy(ws->a, ws->z, batch * h * sizeof *ws->a);
    for (size_t i = 0; i < batch * h; i++)
        if (ws->a[i] < 0)
            ws->a[i] = 0;
    output_layer(net, ws->a, batch, probs);
}

void sn_network_hidden(const sn_network *net, sn_workspace *ws, const sn_sparse *x,
                       size_t batch)
{
    hidden_layer(net, ws, x, batch, ws->z);
}

void sn_network_fold_batchnorm(sn_network *net)
{
    if (!net->batchnorm)
        return;
    sn_bn_fold(net->inputs, net->hidden, net->w1, sn_net_b1(net),
               sn_net_gamma(net), sn_net_beta(net), net->bn_epsilon, net->run_mean,
               net->run_var);
    net->batchnorm = 0;
}

void sn_network_w1_row(const sn_network *net, uint32_t r, float *out)
{
    const size_t h = net->hidden;

    if (net->w1 != NULL) {
        memcpy(out, net->w1 + (size_t)r * h, h * sizeof *out);
        return;
    }
    const long k = sn_quant_row_index(net, r);
    if (k < 0) {
        memset(out, 0, h * sizeof *out);
        return;
    }
    const uint8_t *q = net->w1q + (size_t)k * sn_quant_row_bytes(net->quant_bits, net->hidden);
    for (size_t j = 0; j < h; j++) {
        int code = net->quant_bits == 8 ? (int8_t)q[j] : nibble(q[j / 2] >> (4 * (j & 1)));
        out[j] = (float)code * net->row_scale[k];
    }
}

/* Rounds F to the nearest bfloat16 (the top 16 bits of a float), the form
 * a row scale takes in a model file: quantizing with the rounded scale
 * makes the codes in memory and in the file the same. */
static float round_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u += 0x7FFF + ((u >> 16) & 1);
    u &= 0xFFFF0000u;
    memcpy(&f, &u, sizeof f);
    return f;
}

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The codes of one row W of H weights with STEP, into CODE (zero). */
static void quantize_row(const float *w, size_t h, float step, unsigned bits,
                         uint8_t *code)
{
    const int qmax = bits == 8 ? 127 : 7;

    for (size_t j = 0; j < h; j++) {
        long c = lroundf(w[j] / step);
        if (c > qmax)
            c = qmax;
        if (c < -qmax)
            c = -qmax;
        if (bits == 8)
            code[j] = (uint8_t)(int8_t)c;
        else
            code[j / 2] |= (uint8_t)(((unsigned)c & 15) << (4 * (j & 1)));
    }
}

/* Each row's importance (its length times its feature's scale) into
 * STEP[r]; then the rows at or below the PRUNE share of them are cut, and
 * STEP[r] becomes the scale of the row's codes, 0 for a row not kept.
 * Fails on memory only. */
static int row_steps(const sn_network *net, unsigned bits, double prune,
                     const float *scale, float *step)
{
    const size_t h = net->hidden, inputs = net->inputs;
    const int qmax = bits == 8 ? 127 : 7;
    float cut = -1;

    for (size_t r = 0; r < inputs; r++) {
        const float *w = net->w1 + r * h;
        double sq = 0;
        for (size_t j = 0; j < h; j++)
            sq += (double)w[j] * w[j];
        step[r] = (float)(sqrt(sq) * (scale ? scale[r] : 1.0f));
    }
    if (prune > 0) {
        /* The row at the cut and all below it go; ties go together. */
        float *sorted = sn_malloc_array(inputs, sizeof *sorted);
        if (sorted == NULL)
            return -1;
        memcpy(sorted, step, inputs * sizeof *sorted);
        qsort(sorted, inputs, sizeof *sorted, compare_floats);
        cut = sorted[(size_t)(prune * (double)inputs)];
        sn_free(sorted);
    }
    for (size_t r = 0; r < inputs; r++) {
        const float *w = net->w1 + r * h;
        float max = 0;
        if (step[r] <= cut) {
            step[r] = 0;
            continue;
        }
        for (size_t j = 0; j < h; j++)
            if (fabsf(w[j]) > max)
                max = fabsf(w[j]);
        step[r] = round_bf16(max / (float)qmax);
        if (!(step[r] > 0))
            step[r] = 0;
    }
    return 0;
}

int sn_network_quantize(sn_network *net, unsigned bits, double prune,
                        const float *scale, sentiment_error *err)
{
    const size_t h = net->hidden, inputs = net->inputs;
    const size_t row_bytes = sn_quant_row_bytes(bits, net->hidden);
    float *step;
    unsigned char *map;
    sn_network q;
    size_t nth = 0;
    int rc;

    if (net->batchnorm || net->w1 == NULL)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "quantize a folded float network");
    if (!(prune >= 0 && prune < 1))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "prune share must be from 0 to 1");
    step = sn_malloc_array(inputs, sizeof *step);
    map = sn_calloc((inputs + 7) / 8, 1);
    if (step == NULL || map == NULL || row_steps(net, bits, prune, scale, step) < 0) {
        sn_free(step);
        sn_free(map);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory while quantizing");
    }
    for (size_t r = 0; r < inputs; r++)
        if (step[r] > 0)
            map[r / 8] |= (unsigned char)(1u << (r % 8));
    rc = sn_network_alloc_quantized(&q, net->inputs, net->hidden, net->outputs, bits,
                                    map, err);
    sn_free(map);
    if (rc != SENTIMENT_OK) {
        sn_free(step);
        return rc;
    }
    for (size_t r = 0; r < inputs; r++) {
        if (step[r] > 0) {
            size_t k = sn_quant_row_slot(&q, (uint32_t)r, nth++);
            q.row_scale[k] = step[r];
            quantize_row(net->w1 + r * h, h, step[r], bits, q.w1q + k * row_bytes);
        }
    }
    sn_free(step);
    memcpy(q.dense, net->dense, net->dense_count * sizeof *q.dense);
    memcpy(q.run_mean, net->run_mean, h * sizeof *q.run_mean);
    memcpy(q.run_var, net->run_var, h * sizeof *q.run_var);
    q.bn_epsilon = net->bn_epsilon;
    sn_network_release(net);
    *net = q;
    return SENTIMENT_OK;
}
