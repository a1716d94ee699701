/*
 * explain.c - which n-grams made a prediction: sentiment_explain().
 *
 * At inference batch normalization is folded into W1 and b1, so the hidden
 * layer is relu(b1 + sum_i x_i W1[i]).  Once the text is known, so is which
 * hidden units are active, and for that fixed set every logit is a linear
 * function of the inputs:
 *
 *   logit_k = b2_k + sum_{h active} (b1_h + sum_i x_i W1[i,h]) w2[h,k]
 *
 * Feature i's part in logit k is x_i sum_{h active} W1[i,h] w2[h,k].  The
 * score of a label is its logit minus the mean logit (the part softmax sees:
 * adding a constant to every logit changes no probability), so a feature's
 * weight is its part in the label's logit less the mean of its parts in all
 * of them.  Folding that difference into the output weights first,
 *
 *   d_h = w2[h,label] - mean_k w2[h,k]   (0 for an inactive unit),
 *
 * leaves one dot product of length hidden per feature.  What is left over,
 * the bias terms, is a constant that with the weights adds up to the score
 * exactly: nothing is approximated, unlike gradient-times-input methods on
 * networks that are not piecewise linear.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "internal.h"

struct sn_explainer {
    float *row;             /* hidden: one W1 row */
    float *z;               /* hidden: the pre-activation */
    double *d;              /* hidden: see above */
    size_t hidden;
    struct ranked *ranked;  /* per feature */
    size_t ranked_cap;
    char *text;             /* the n-grams returned, back to back */
    size_t text_len, text_cap;
    double bias;
};

typedef struct ranked {
    double weight;
    size_t position;        /* in the feature vector, i.e. in the text */
    size_t at;              /* where its n-gram starts in text, once written */
} ranked;

void sn_explainer_free(sn_explainer *e)
{
    if (e == NULL)
        return;
    sn_free(e->row);
    sn_free(e->z);
    sn_free(e->d);
    sn_free(e->ranked);
    sn_free(e->text);
    sn_free(e);
}

double sn_explain_bias(const sentiment_classifier *c)
{
    return c != NULL && c->explainer != NULL ? c->explainer->bias : 0;
}

static sn_explainer *explainer_new(size_t hidden)
{
    sn_explainer *e = sn_calloc(1, sizeof *e);

    if (e == NULL)
        return NULL;
    e->hidden = hidden;
    e->row = sn_malloc_array(hidden, sizeof *e->row);
    e->z = sn_malloc_array(hidden, sizeof *e->z);
    e->d = sn_malloc_array(hidden, sizeof *e->d);
    if (e->row == NULL || e->z == NULL || e->d == NULL) {
        sn_explainer_free(e);
        return NULL;
    }
    return e;
}

static int grow_ranked(sn_explainer *e, size_t need)
{
    if (need > e->ranked_cap) {
        ranked *p = sn_grow_array(e->ranked, &e->ranked_cap, need, sizeof *p, 256);
        if (p == NULL)
            return -1;
        e->ranked = p;
    }
    return 0;
}

static int append(sn_explainer *e, const char *s, size_t len)
{
    if (e->text_len + len + 1 > e->text_cap) {
        char *p = sn_grow_array(e->text, &e->text_cap, e->text_len + len + 1, 1, 1024);
        if (p == NULL)
            return -1;
        e->text = p;
    }
    memcpy(e->text + e->text_len, s, len);
    e->text_len += len;
    return 0;
}

/* Appends the n-gram of ORIGIN as the model saw it, NUL-terminated. */
static int append_ngram(sn_explainer *e, const sn_tokenizer *tk,
                        const sn_vectorizer_settings *v,
                        const sn_feature_origin *origin)
{
    static const char *const marker[] = {"", " [intensified]", " [capitals]",
                                         " [elongated]", " [stem]"};
    const size_t first = origin->end + 1 - origin->n;
    /* Capitals and elongation are features of the plain token: a negation
     * scope does not set them apart. */
    const int show_negation = origin->kind == SN_ORIGIN_NGRAM ||
        origin->kind == SN_ORIGIN_INTENSIFIED || origin->kind == SN_ORIGIN_STEM;

    for (size_t i = first; i <= origin->end; i++) {
        const sn_token *t = &tk->tokens[i];
        /* Characters of unspaced scripts were written together. */
        if (i > first && !(t->kind == SN_TOKEN_CHAR &&
                           tk->tokens[i - 1].kind == SN_TOKEN_CHAR) &&
            append(e, " ", 1) < 0)
            return -1;
        if (show_negation && (t->flags & SN_TOKEN_NEGATED) && append(e, "NOT_", 4) < 0)
            return -1;
        /* A stem ends in "-" where it cuts its word short. */
        size_t len = origin->kind == SN_ORIGIN_STEM && t->kind == SN_TOKEN_WORD ?
            sn_stem_bytes(tk->text + t->start, t->len, v->stem) : t->len;
        if (append(e, tk->text + t->start, len) < 0 ||
            (len < t->len && append(e, "-", 1) < 0))
            return -1;
    }
    if (origin->kind < sizeof marker / sizeof marker[0] &&
        append(e, marker[origin->kind], strlen(marker[origin->kind])) < 0)
        return -1;
    return append(e, "", 1);
}

/* Largest |weight| first; equal ones in text order, so the result never
 * depends on the sort. */
static int by_magnitude(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    double mx = fabs(x->weight), my = fabs(y->weight);

    if (mx != my)
        return mx < my ? 1 : -1;
    return (x->position > y->position) - (x->position < y->position);
}

/* Fills E->z with the hidden layer's pre-activation for F, and E->d and
 * E->bias for LABEL (see the top of the file). */
static void linearize(sn_explainer *e, const sn_network *net, const sn_features *f,
                      size_t label)
{
    const size_t h = net->hidden, L = net->outputs;
    const float *b1 = sn_net_b1(net), *w2 = sn_net_w2(net), *b2 = sn_net_b2(net);
    double mean_b2 = 0;

    /* Summed in floats and in the order of the network's own pass, so that
     * the same units come out active even where a sum is close to 0. */
    memcpy(e->z, b1, h * sizeof *e->z);
    for (size_t i = 0; i < f->count; i++) {
        sn_network_w1_row(net, f->index[i], e->row);
        for (size_t j = 0; j < h; j++)
            e->z[j] += f->value[i] * e->row[j];
    }
    for (size_t k = 0; k < L; k++)
        mean_b2 += b2[k];
    e->bias = b2[label] - mean_b2 / (double)L;
    for (size_t j = 0; j < h; j++) {
        double mean = 0;
        if (!(e->z[j] > 0)) {
            e->d[j] = 0;
            continue;
        }
        for (size_t k = 0; k < L; k++)
            mean += w2[j * L + k];
        e->d[j] = w2[j * L + label] - mean / (double)L;
        e->bias += b1[j] * e->d[j];
    }
}

int sentiment_explain(sentiment_classifier *c, const char *text, size_t len,
                      size_t label, sentiment_contribution *out, size_t k,
                      size_t *count, sentiment_error *err)
{
    const sentiment_model *m;
    const sn_network *net;
    const sn_features *f;
    sn_explainer *e;
    size_t n;
    int rc;

    if (c == NULL || (text == NULL && len > 0) || count == NULL || (out == NULL && k > 0))
        return sn_fail(err, SENTIMENT_ERR_INVALID, "no classifier, text or output given");
    *count = 0;
    m = c->model;
    net = &m->net;
    if (label >= m->label_count)
        return sn_fail(err, SENTIMENT_ERR_INVALID, "label index %zu out of range (%zu labels)",
                       label, m->label_count);
    if (net->batchnorm)
        return sn_fail(err, SENTIMENT_ERR_INVALID,
                       "batch normalization not folded into the model");
    if (c->explainer == NULL) {
        c->explainer = explainer_new(net->hidden);
        if (c->explainer == NULL)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for an explanation");
    }
    e = c->explainer;
    e->text_len = 0;
    e->bias = 0;
    rc = sn_tokenize(&c->tokenizer, &m->tokenizer, &m->lexicon, text ? text : "", len,
                     err);
    if (rc != SENTIMENT_OK)
        return rc;
    rc = sn_vectorize_origin(&m->vectorizer, m->scale, &c->tokenizer, &c->features, err);
    if (rc != SENTIMENT_OK)
        return rc;
    f = &c->features;
    if (grow_ranked(e, f->count) < 0)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for an explanation");

    linearize(e, net, f, label);
    for (size_t i = 0; i < f->count; i++) {
        double dot = 0;
        sn_network_w1_row(net, f->index[i], e->row);
        for (size_t j = 0; j < net->hidden; j++)
            dot += e->row[j] * e->d[j];
        e->ranked[i].weight = f->value[i] * dot;
        e->ranked[i].position = i;
    }
    if (f->count > 1)
        qsort(e->ranked, f->count, sizeof *e->ranked, by_magnitude);

    n = k < f->count ? k : f->count;
    for (size_t i = 0; i < n; i++) {
        e->ranked[i].at = e->text_len;
        if (append_ngram(e, &c->tokenizer, &m->vectorizer,
                         &f->origin[e->ranked[i].position]) < 0)
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for an explanation");
    }
    /* Only now: the buffer may have moved while it grew. */
    for (size_t i = 0; i < n; i++) {
        out[i].ngram = e->text + e->ranked[i].at;
        out[i].weight = (float)e->ranked[i].weight;
    }
    *count = n;
    return SENTIMENT_OK;
}
