/*
 * optimizer.c - Adam (Kingma and Ba, 2015) for a network with sparse input.
 *
 * A W1 row is updated only in the steps whose batch touched it ("lazy"
 * Adam): updating all rows every step would cost a million rows per batch
 * for the few hundred that carry a gradient.  Bias correction uses the
 * global step count, as in the dense case.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "optimizer.h"

int sn_adam_alloc(sn_adam *opt, const sn_network *net, float lr,
                  sentiment_error *err)
{
    size_t n1 = (size_t)net->inputs * net->hidden;

    memset(opt, 0, sizeof *opt);
    opt->lr = lr;
    opt->beta1 = 0.9f;
    opt->beta2 = 0.999f;
    opt->epsilon = 1e-8f;
    opt->m1 = sn_calloc(n1, sizeof *opt->m1);
    opt->v1 = sn_calloc(n1, sizeof *opt->v1);
    opt->md = sn_calloc(net->dense_count, sizeof *opt->md);
    opt->vd = sn_calloc(net->dense_count, sizeof *opt->vd);
    if (!opt->m1 || !opt->v1 || !opt->md || !opt->vd) {
        sn_adam_release(opt);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for the optimizer");
    }
    return SENTIMENT_OK;
}

void sn_adam_release(sn_adam *opt)
{
    sn_free(opt->m1);
    sn_free(opt->v1);
    sn_free(opt->md);
    sn_free(opt->vd);
    memset(opt, 0, sizeof *opt);
}

/* One Adam step; SHRINK (1 - lr * weight decay) scales the weights first,
 * as AdamW does, so the decay does not pass through the moments. */
static void update(float *w, float *m, float *v, const float *g, size_t n,
                   float b1, float b2, float step, float eps, float shrink)
{
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        w[i] = w[i] * shrink - step * m[i] / (sqrtf(v[i]) + eps);
    }
}

typedef struct rows_job {
    sn_adam *opt;
    sn_network *net;
    const sn_gradients *g;
    float step;
} rows_job;

/* The W1 rows of this thread's share: rows are disjoint, so threads never
 * write the same weight. */
static void rows_share(void *arg, unsigned tid, unsigned nthreads)
{
    const rows_job *job = arg;
    const size_t h = job->net->hidden;
    const sn_gradients *g = job->g;
    sn_adam *opt = job->opt;
    size_t from, to;

    sn_share(g->nrows, tid, nthreads, &from, &to);
    for (size_t r = from; r < to; r++) {
        size_t off = (size_t)g->rows[r] * h;
        update(job->net->w1 + off, opt->m1 + off, opt->v1 + off, g->w1 + r * h, h,
               opt->beta1, opt->beta2, job->step, opt->epsilon,
               1 - opt->lr * opt->weight_decay);
    }
}

void sn_adam_step(sn_adam *opt, sn_network *net, const sn_gradients *g)
{
    rows_job job;
    double t, step;

    t = (double)++opt->step;
    /* Bias correction folded into the step size. */
    step = opt->lr * sqrt(1 - pow(opt->beta2, t)) / (1 - pow(opt->beta1, t));
    update(net->dense, opt->md, opt->vd, g->dense, net->dense_count, opt->beta1,
           opt->beta2, (float)step, opt->epsilon, 1 - opt->lr * opt->weight_decay);
    job.opt = opt;
    job.net = net;
    job.g = g;
    job.step = (float)step;
    if (opt->pool != NULL)
        sn_pool_run(opt->pool, rows_share, &job);
    else
        rows_share(&job, 0, 1);
}

void sn_sgd_step(sn_network *net, const sn_gradients *g, float lr, float decay)
{
    const size_t h = net->hidden;
    const float shrink = 1 - lr * decay;

    for (size_t i = 0; i < net->dense_count; i++)
        net->dense[i] = net->dense[i] * shrink - lr * g->dense[i];
    for (size_t r = 0; r < g->nrows; r++) {
        float *w = net->w1 + (size_t)g->rows[r] * h;
        const float *d = g->w1 + r * h;
        for (size_t j = 0; j < h; j++)
            w[j] = w[j] * shrink - lr * d[j];
    }
}
