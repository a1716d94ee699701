/*
 * test_network.c - the network's forward and backward passes, batch
 * normalization, and the optimizer.
 *
 * The gradients are checked against central finite differences of the loss
 * that sn_network_gradient itself reports.  The network computes in float,
 * so the step is large (EPS) and the tolerance relative (REL_TOL); a
 * parameter whose step moves a hidden unit across the ReLU kink is skipped,
 * since the loss has no derivative there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "batchnorm.h"
#include "internal.h"
#include "network.h"

/* The textbook epsilon: the hardest case for the checks below. */
#define TEST_EPS 1e-5f
#include "optimizer.h"

#define INPUTS 32
#define HIDDEN 5
#define OUTPUTS 3
#define BATCH 6
#define MAX_BATCH 20 /* above SN_BN_MIN_BATCH: batch statistics */
#define MAX_NNZ 4

#define EPS 3e-3
#define REL_TOL 2e-2
#define ABS_TOL 2e-4 /* below this both gradients count as zero */

/* A batch of sparse examples with their storage. */
typedef struct batch {
    uint32_t index[MAX_BATCH][MAX_NNZ];
    float value[MAX_BATCH][MAX_NNZ];
    sn_sparse x[MAX_BATCH];
    uint32_t labels[MAX_BATCH];
    size_t n;
} batch;

/* N examples of 3 or 4 distinct inputs below SPAN (sorted), values in
 * [0.3, 1]: with SPAN below INPUTS, examples share rows and leave others
 * untouched. */
static void make_batch(batch *bt, size_t n, uint32_t span, uint64_t *rng)
{
    bt->n = n;
    for (size_t b = 0; b < n; b++) {
        size_t count = 3 + sn_rng_below(rng, 2), k = 0;
        while (k < count) {
            uint32_t idx = (uint32_t)sn_rng_below(rng, span);
            size_t pos = 0;
            int dup = 0;
            for (size_t i = 0; i < k; i++)
                dup |= bt->index[b][i] == idx;
            if (dup)
                continue;
            while (pos < k && bt->index[b][pos] < idx)
                pos++;
            memmove(&bt->index[b][pos + 1], &bt->index[b][pos],
                    (k - pos) * sizeof bt->index[b][0]);
            bt->index[b][pos] = idx;
            k++;
        }
        for (size_t i = 0; i < count; i++)
            bt->value[b][i] = (float)(0.3 + 0.7 * sn_rng_uniform(rng));
        bt->x[b].index = bt->index[b];
        bt->x[b].value = bt->value[b];
        bt->x[b].count = count;
        bt->labels[b] = (uint32_t)(b % OUTPUTS);
    }
}

static float uniform(uint64_t *rng, float lo, float hi)
{
    return lo + (hi - lo) * (float)sn_rng_uniform(rng);
}

/* A network with every parameter random, running statistics included. */
static void make_network(sn_network *net, int batchnorm, uint64_t *rng)
{
    sentiment_error err;

    assert_int_equal(sn_network_alloc(net, INPUTS, HIDDEN, OUTPUTS, batchnorm, &err),
                     SENTIMENT_OK);
    sn_network_randomize(net, rng, 0.7f);
    /* Weights of deviation 0.7 give activations of variance near 1: an
     * epsilon well below that makes the normalization do real work. */
    net->bn_epsilon = 0.01f;
    for (uint32_t j = 0; j < HIDDEN; j++) {
        sn_net_b1(net)[j] = uniform(rng, -0.3f, 0.3f);
        sn_net_gamma(net)[j] = uniform(rng, 0.5f, 1.5f);
        sn_net_beta(net)[j] = uniform(rng, -0.2f, 0.4f);
        net->run_mean[j] = uniform(rng, -0.5f, 0.5f);
        net->run_var[j] = uniform(rng, 0.2f, 2.0f);
    }
    for (uint32_t k = 0; k < OUTPUTS; k++)
        sn_net_b2(net)[k] = uniform(rng, -0.2f, 0.2f);
}

/* The loss of the batch, and which hidden units are active (MASK, batch x
 * hidden), as sn_network_gradient sees them. */
static double loss_and_mask(const sn_network *net, sn_workspace *ws, const batch *bt,
                            sn_gradients *scratch, unsigned char *mask)
{
    sentiment_error err;
    double loss;

    assert_int_equal(sn_network_gradient(net, ws, bt->x, bt->labels, bt->n, scratch,
                                         &loss, &err), SENTIMENT_OK);
    for (size_t i = 0; i < bt->n * net->hidden; i++)
        mask[i] = ws->a[i] > 0;
    return loss;
}

typedef struct check_stats {
    size_t compared, skipped;
    double worst;           /* largest relative error among compared */
} check_stats;

/*
 * Compares ANALYTIC with the central difference of the loss in parameter
 * *P.  Returns without comparing when the step changes the ReLU pattern.
 */
static void check_parameter(sn_network *net, sn_workspace *ws, const batch *bt,
                            sn_gradients *scratch, const unsigned char *mask0,
                            float *p, float analytic, const char *what, size_t i,
                            check_stats *st)
{
    unsigned char mplus[MAX_BATCH * HIDDEN], mminus[MAX_BATCH * HIDDEN];
    const float orig = *p;
    const float up = (float)(orig + EPS), down = (float)(orig - EPS);
    double lplus, lminus, numeric, diff, scale;

    *p = up;
    lplus = loss_and_mask(net, ws, bt, scratch, mplus);
    *p = down;
    lminus = loss_and_mask(net, ws, bt, scratch, mminus);
    *p = orig;
    if (memcmp(mplus, mask0, bt->n * HIDDEN) != 0 ||
        memcmp(mminus, mask0, bt->n * HIDDEN) != 0) {
        st->skipped++;
        return;
    }
    numeric = (lplus - lminus) / ((double)up - (double)down);
    diff = fabs(numeric - analytic);
    scale = fmax(fabs(numeric), fabs(analytic));
    st->compared++;
    if (scale < ABS_TOL)
        return;
    if (diff / scale > st->worst)
        st->worst = diff / scale;
    if (diff > REL_TOL * scale + ABS_TOL / 10)
        fail_msg("%s[%zu]: analytic gradient %.6g, numeric %.6g", what, i,
                 (double)analytic, numeric);
}

/* N examples: below SN_BN_MIN_BATCH batch normalization uses the running
 * statistics, from it on the batch's own. */
static void check_gradient(int batchnorm, uint64_t seed, size_t n)
{
    sn_network net;
    sn_workspace ws;
    sn_gradients g, scratch;
    sentiment_error err;
    batch bt;
    uint64_t rng = seed;
    unsigned char mask0[MAX_BATCH * HIDDEN];
    float dense[3 * HIDDEN + HIDDEN * OUTPUTS + OUTPUTS];
    int touched[INPUTS] = {0};
    size_t ntouched = 0;
    double loss;
    check_stats st = {0, 0, 0};
    static const char *const names[] = {"b1", "gamma", "beta", "w2", "b2"};

    make_network(&net, batchnorm, &rng);
    make_batch(&bt, n, 24, &rng);
    assert_int_equal(sn_workspace_alloc(&ws, &net, n, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&g, &net, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&scratch, &net, &err), SENTIMENT_OK);
    assert_int_equal(net.dense_count, sizeof dense / sizeof dense[0]);

    loss = loss_and_mask(&net, &ws, &bt, &g, mask0);
    assert_true(isfinite(loss) && loss > 0);
    memcpy(dense, g.dense, sizeof dense);

    /* The rows in G are exactly the inputs the batch touches, each once. */
    for (size_t b = 0; b < bt.n; b++)
        for (size_t i = 0; i < bt.x[b].count; i++)
            if (!touched[bt.x[b].index[i]]++)
                ntouched++;
    assert_int_equal(g.nrows, ntouched);
    for (uint32_t r = 0; r < INPUTS; r++) {
        if (touched[r]) {
            assert_true(g.slot[r] >= 0 && (size_t)g.slot[r] < g.nrows);
            assert_int_equal(g.rows[g.slot[r]], r);
        } else {
            assert_int_equal(g.slot[r], -1);
        }
    }

    /* W1, row by row. */
    for (uint32_t r = 0; r < INPUTS; r++) {
        if (!touched[r])
            continue;
        for (uint32_t j = 0; j < HIDDEN; j++)
            check_parameter(&net, &ws, &bt, &scratch, mask0,
                            &net.w1[(size_t)r * HIDDEN + j],
                            g.w1[(size_t)g.slot[r] * HIDDEN + j], "w1",
                            (size_t)r * HIDDEN + j, &st);
    }
    /* The dense block: b1 | gamma | beta | w2 | b2. */
    for (size_t i = 0; i < net.dense_count; i++) {
        size_t part = i < 3 * HIDDEN ? i / HIDDEN :
            i < 3 * HIDDEN + HIDDEN * OUTPUTS ? 3 : 4;
        if (!batchnorm && (part == 1 || part == 2)) {
            /* Unused without normalization: no gradient at all. */
            assert_true(dense[i] == 0.0f);
            continue;
        }
        check_parameter(&net, &ws, &bt, &scratch, mask0, &net.dense[i], dense[i],
                        names[part], i, &st);
    }
    if (batchnorm && n >= SN_BN_MIN_BATCH)
        for (size_t j = 0; j < HIDDEN; j++)
            assert_true(fabsf(dense[j]) < 1e-5f); /* the mean cancels b1 */

    /* An untouched row does not change the loss at all. */
    for (uint32_t r = 0; r < INPUTS; r++) {
        if (touched[r])
            continue;
        unsigned char m[MAX_BATCH * HIDDEN];
        float orig = net.w1[(size_t)r * HIDDEN];
        net.w1[(size_t)r * HIDDEN] = orig + 1.0f;
        assert_true(loss_and_mask(&net, &ws, &bt, &scratch, m) == loss);
        net.w1[(size_t)r * HIDDEN] = orig;
        break;
    }

    print_message("batchnorm=%d: %zu gradients compared, %zu skipped at a kink, "
                  "worst relative error %.2g\n", batchnorm, st.compared, st.skipped,
                  st.worst);
    /* Skips are rare; a check that compared little proves little. */
    assert_true(st.compared >= 4 * (st.compared + st.skipped) / 5);

    sn_gradients_release(&scratch);
    sn_gradients_release(&g);
    sn_workspace_release(&ws);
    sn_network_release(&net);
}

static void test_network_gradient_matches_finite_differences_with_batchnorm(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        check_gradient(1, seed, MAX_BATCH);
        check_gradient(1, seed, BATCH);
        check_gradient(1, seed, 1);
    }
}

static void test_network_gradient_matches_finite_differences_without_batchnorm(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        check_gradient(0, seed, BATCH);
        check_gradient(0, seed, 1);
    }
}

/* A training example the network is sure is wrong, with probability 0 in
 * float: the training loss floors it as the validation loss and
 * sentiment_eval_log_loss() do (SN_MIN_PROB), not at 1e-30, which made it
 * cost twice as much in the training loss as in the validation loss. */
static void test_network_loss_floors_a_certain_mistake_as_evaluation_does(void **state)
{
    static const uint32_t index[1] = {0};
    static const float value[1] = {1};
    const uint32_t label = 0;
    sn_network net;
    sn_workspace ws;
    sn_gradients g;
    sn_sparse x = {index, value, 1};
    sentiment_error err;
    double loss;

    (void)state;
    assert_int_equal(sn_network_alloc(&net, 2, 1, 2, 0, &err), SENTIMENT_OK);
    net.w1[0] = 1;
    sn_net_b2(&net)[1] = 200; /* exp(-200) is 0 in float */
    assert_int_equal(sn_workspace_alloc(&ws, &net, 1, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&g, &net, &err), SENTIMENT_OK);
    assert_int_equal(sn_network_gradient(&net, &ws, &x, &label, 1, &g, &loss, &err),
                     SENTIMENT_OK);
    if (fabs(loss + log(SN_MIN_PROB)) > 1e-9)
        fail_msg("loss %.6f, not -log(%g) = %.6f", loss, SN_MIN_PROB, -log(SN_MIN_PROB));
    sn_gradients_release(&g);
    sn_workspace_release(&ws);
    sn_network_release(&net);
}

static void test_network_gradient_resets_between_calls(void **state)
{
    sn_network net;
    sn_workspace ws;
    sn_gradients g, fresh;
    sentiment_error err;
    batch a, b;
    uint64_t rng = 5;
    double loss;

    (void)state;
    make_network(&net, 1, &rng);
    make_batch(&a, BATCH, INPUTS, &rng);
    make_batch(&b, BATCH, INPUTS, &rng);
    assert_int_equal(sn_workspace_alloc(&ws, &net, BATCH, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&g, &net, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&fresh, &net, &err), SENTIMENT_OK);
    assert_int_equal(sn_network_gradient(&net, &ws, a.x, a.labels, a.n, &g, &loss, &err),
                     SENTIMENT_OK);
    assert_int_equal(sn_network_gradient(&net, &ws, b.x, b.labels, b.n, &g, &loss, &err),
                     SENTIMENT_OK);
    assert_int_equal(sn_network_gradient(&net, &ws, b.x, b.labels, b.n, &fresh, &loss,
                                         &err), SENTIMENT_OK);
    /* Nothing of batch A is left over in G. */
    assert_int_equal(g.nrows, fresh.nrows);
    assert_memory_equal(g.rows, fresh.rows, g.nrows * sizeof *g.rows);
    assert_memory_equal(g.w1, fresh.w1, g.nrows * HIDDEN * sizeof *g.w1);
    assert_memory_equal(g.dense, fresh.dense, net.dense_count * sizeof *g.dense);
    for (uint32_t r = 0; r < INPUTS; r++)
        assert_int_equal(g.slot[r], fresh.slot[r]);
    sn_gradients_release(&fresh);
    sn_gradients_release(&g);
    sn_workspace_release(&ws);
    sn_network_release(&net);
}

static void test_network_gradient_fails_cleanly_when_memory_runs_out(void **state)
{
    sn_network net;
    sn_workspace ws;
    sn_gradients g, fresh;
    sentiment_error err;
    batch bt;
    uint64_t rng = 8;
    double loss, fresh_loss;
    unsigned long n;

    (void)state;
    make_network(&net, 1, &rng);
    make_batch(&bt, BATCH, INPUTS, &rng);
    assert_int_equal(sn_workspace_alloc(&ws, &net, BATCH, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&fresh, &net, &err), SENTIMENT_OK);
    assert_int_equal(sn_network_gradient(&net, &ws, bt.x, bt.labels, bt.n, &fresh,
                                         &fresh_loss, &err), SENTIMENT_OK);
    for (n = 1;; n++) {
        int rc;
        assert_int_equal(sn_gradients_alloc(&g, &net, &err), SENTIMENT_OK);
        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sn_network_gradient(&net, &ws, bt.x, bt.labels, bt.n, &g, &loss, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            sn_gradients_release(&g);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        /* The same gradients, once memory is back, are whole and right. */
        assert_int_equal(sn_network_gradient(&net, &ws, bt.x, bt.labels, bt.n, &g, &loss,
                                             &err), SENTIMENT_OK);
        assert_true(loss == fresh_loss);
        assert_int_equal(g.nrows, fresh.nrows);
        assert_memory_equal(g.w1, fresh.w1, g.nrows * HIDDEN * sizeof *g.w1);
        assert_memory_equal(g.dense, fresh.dense, net.dense_count * sizeof *g.dense);
        sn_gradients_release(&g);
    }
    assert_true(n > 1);
    sn_gradients_release(&fresh);
    sn_workspace_release(&ws);
    sn_network_release(&net);
}

/* Predicts the N examples of BT with NET into PROBS (n x OUTPUTS). */
static void predict(const sn_network *net, const batch *bt, float *probs)
{
    sn_workspace ws;
    sentiment_error err;

    assert_int_equal(sn_workspace_alloc(&ws, net, bt->n, &err), SENTIMENT_OK);
    sn_network_predict(net, &ws, bt->x, bt->n, probs);
    sn_workspace_release(&ws);
}

static void test_network_predicts_probabilities_that_sum_to_one(void **state)
{
    sn_network net;
    batch bt;
    uint64_t rng = 17;
    float probs[BATCH * OUTPUTS];

    (void)state;
    for (int bn = 0; bn <= 1; bn++) {
        make_network(&net, bn, &rng);
        make_batch(&bt, BATCH, INPUTS, &rng);
        predict(&net, &bt, probs);
        for (size_t b = 0; b < BATCH; b++) {
            double sum = 0;
            for (size_t k = 0; k < OUTPUTS; k++) {
                assert_true(probs[b * OUTPUTS + k] >= 0 && probs[b * OUTPUTS + k] <= 1);
                sum += probs[b * OUTPUTS + k];
            }
            assert_true(fabs(sum - 1) < 1e-6);
        }
        sn_network_release(&net);
    }
}

static void test_network_folding_batchnorm_keeps_predictions(void **state)
{
    sn_network net, folded;
    sentiment_error err;
    batch bt;
    uint64_t rng = 23;
    float before[BATCH * OUTPUTS], after[BATCH * OUTPUTS];

    (void)state;
    for (int round = 0; round < 5; round++) {
        make_network(&net, 1, &rng);
        make_batch(&bt, BATCH, INPUTS, &rng);
        assert_int_equal(sn_network_alloc(&folded, INPUTS, HIDDEN, OUTPUTS, 1, &err),
                         SENTIMENT_OK);
        sn_network_copy(&folded, &net);
        predict(&net, &bt, before);
        sn_network_fold_batchnorm(&folded);
        assert_int_equal(folded.batchnorm, 0);
        predict(&folded, &bt, after);
        for (size_t i = 0; i < BATCH * OUTPUTS; i++)
            if (fabsf(before[i] - after[i]) > 1e-5f)
                fail_msg("probability %zu: %.8f before folding, %.8f after", i,
                         (double)before[i], (double)after[i]);
        /* Folding twice does nothing more. */
        sn_network_fold_batchnorm(&folded);
        predict(&folded, &bt, before);
        assert_memory_equal(before, after, sizeof after);
        sn_network_release(&folded);
        sn_network_release(&net);
    }
}

static void test_bn_fold_matches_inference_normalization(void **state)
{
    enum { ROWS = 7, H = 6, B = 4 };
    float w[ROWS * H], b[H], gamma[H], beta[H], mean[H], var[H];
    float x[B * ROWS], z[B * H], y[B * H];
    uint64_t rng = 31;

    (void)state;
    for (size_t i = 0; i < ROWS * H; i++)
        w[i] = uniform(&rng, -1, 1);
    for (size_t j = 0; j < H; j++) {
        b[j] = uniform(&rng, -1, 1);
        gamma[j] = uniform(&rng, 0.2f, 2);
        beta[j] = uniform(&rng, -1, 1);
        mean[j] = uniform(&rng, -1, 1);
        var[j] = uniform(&rng, 0.01f, 3);
    }
    for (size_t i = 0; i < B * ROWS; i++)
        x[i] = uniform(&rng, -1, 1);
    /* y = normalize(x W + b) with the running statistics. */
    for (size_t r = 0; r < B; r++)
        for (size_t j = 0; j < H; j++) {
            z[r * H + j] = b[j];
            for (size_t i = 0; i < ROWS; i++)
                z[r * H + j] += x[r * ROWS + i] * w[i * H + j];
        }
    sn_bn_forward_infer(B, H, z, gamma, beta, TEST_EPS, mean, var, y);
    sn_bn_fold(ROWS, H, w, b, gamma, beta, TEST_EPS, mean, var);
    for (size_t r = 0; r < B; r++)
        for (size_t j = 0; j < H; j++) {
            float folded = b[j];
            for (size_t i = 0; i < ROWS; i++)
                folded += x[r * ROWS + i] * w[i * H + j];
            assert_true(fabsf(folded - y[r * H + j]) < 1e-5f * (1 + fabsf(y[r * H + j])));
        }
}

static void test_network_prediction_does_not_depend_on_the_batch(void **state)
{
    sn_network net;
    batch all, one;
    uint64_t rng = 41;
    float together[BATCH * OUTPUTS], alone[OUTPUTS];

    (void)state;
    for (int bn = 0; bn <= 1; bn++) {
        make_network(&net, bn, &rng);
        make_batch(&all, BATCH, INPUTS, &rng);
        predict(&net, &all, together);
        for (size_t b = 0; b < BATCH; b++) {
            memcpy(&one, &all, sizeof one);
            one.x[0].index = all.index[b];
            one.x[0].value = all.value[b];
            one.x[0].count = all.x[b].count;
            one.n = 1;
            predict(&net, &one, alone);
            assert_memory_equal(alone, together + b * OUTPUTS, sizeof alone);
        }
        /* Reversed order, same answers. */
        memcpy(&one, &all, sizeof one);
        for (size_t b = 0; b < BATCH; b++)
            one.x[b] = all.x[BATCH - 1 - b];
        float reversed[BATCH * OUTPUTS];
        predict(&net, &one, reversed);
        for (size_t b = 0; b < BATCH; b++)
            assert_memory_equal(reversed + b * OUTPUTS,
                                together + (BATCH - 1 - b) * OUTPUTS,
                                OUTPUTS * sizeof(float));
        sn_network_release(&net);
    }
}

/* The scalar sum(DY * y) of the normalized Z, in double. */
static double bn_objective(size_t batch_n, size_t h, const float *z, const float *gamma,
                           const float *beta, const float *dy)
{
    float zhat[64], y[64], mean[8], var[8], inv_std[8];
    double s = 0;

    sn_bn_forward_train(batch_n, h, z, gamma, beta, TEST_EPS, zhat, y, mean, var, inv_std);
    for (size_t i = 0; i < batch_n * h; i++)
        s += (double)dy[i] * y[i];
    return s;
}

static void test_bn_backward_matches_finite_differences(void **state)
{
    enum { B = 6, H = 4 };
    float z[B * H], dy[B * H], dz[B * H], gamma[H], beta[H];
    float zhat[B * H], y[B * H], mean[H], var[H], inv_std[H];
    float dgamma[H], dbeta[H], inplace[B * H];
    float *params[3] = {z, gamma, beta};
    const float *grads[3] = {dz, dgamma, dbeta};
    const size_t sizes[3] = {B * H, H, H};
    static const char *const names[3] = {"z", "gamma", "beta"};
    const double eps = 1e-2;
    uint64_t rng = 57;

    (void)state;
    for (size_t i = 0; i < B * H; i++) {
        z[i] = (float)(2 * sn_rng_normal(&rng) + 1);
        dy[i] = uniform(&rng, -1, 1);
    }
    for (size_t j = 0; j < H; j++) {
        gamma[j] = uniform(&rng, 0.5f, 2);
        beta[j] = uniform(&rng, -1, 1);
        dgamma[j] = 0.25f; /* the backward pass adds to these */
        dbeta[j] = -0.5f;
    }
    sn_bn_forward_train(B, H, z, gamma, beta, TEST_EPS, zhat, y, mean, var, inv_std);
    /* Each column of zhat has mean 0 and variance var / (var + eps). */
    for (size_t j = 0; j < H; j++) {
        double m = 0, v = 0;
        for (size_t b = 0; b < B; b++)
            m += zhat[b * H + j];
        m /= B;
        for (size_t b = 0; b < B; b++)
            v += (zhat[b * H + j] - m) * (zhat[b * H + j] - m);
        v /= B;
        assert_true(fabs(m) < 1e-6);
        assert_true(fabs(v - var[j] / (var[j] + TEST_EPS)) < 1e-5);
    }
    sn_bn_backward(B, H, dy, zhat, gamma, inv_std, dz, dgamma, dbeta);
    for (size_t j = 0; j < H; j++) {
        dgamma[j] -= 0.25f;
        dbeta[j] += 0.5f;
    }
    for (int which = 0; which < 3; which++) {
        for (size_t i = 0; i < sizes[which]; i++) {
            float *p = params[which] + i, orig = *p;
            float up = (float)(orig + eps), down = (float)(orig - eps);
            double lp, lm, numeric, analytic = grads[which][i];
            *p = up;
            lp = bn_objective(B, H, z, gamma, beta, dy);
            *p = down;
            lm = bn_objective(B, H, z, gamma, beta, dy);
            *p = orig;
            numeric = (lp - lm) / ((double)up - (double)down);
            if (fabs(numeric - analytic) > 1e-2 * fmax(fabs(numeric), fabs(analytic)) + 1e-4)
                fail_msg("d%s[%zu]: analytic %.6g, numeric %.6g", names[which], i,
                         analytic, numeric);
        }
    }
    /* DY and DZ may be the same array. */
    memcpy(inplace, dy, sizeof inplace);
    for (size_t j = 0; j < H; j++)
        dgamma[j] = dbeta[j] = 0;
    sn_bn_backward(B, H, inplace, zhat, gamma, inv_std, inplace, dgamma, dbeta);
    assert_memory_equal(inplace, dz, sizeof dz);
}

static void test_bn_running_statistics_move_by_momentum(void **state)
{
    float mean[2] = {1, -2}, var[2] = {4, 0.5f};
    float run_mean[2] = {0, 0}, run_var[2] = {1, 1};

    (void)state;
    sn_bn_update_running(2, mean, var, 0.1f, run_mean, run_var);
    assert_true(fabsf(run_mean[0] - 0.1f) < 1e-7f);
    assert_true(fabsf(run_mean[1] + 0.2f) < 1e-7f);
    assert_true(fabsf(run_var[0] - 1.3f) < 1e-6f);
    assert_true(fabsf(run_var[1] - 0.95f) < 1e-6f);
    for (int i = 0; i < 500; i++)
        sn_bn_update_running(2, mean, var, 0.1f, run_mean, run_var);
    assert_true(fabsf(run_mean[0] - 1) < 1e-5f && fabsf(run_var[0] - 4) < 1e-4f);
}

static void test_bn_normalizes_a_constant_column_to_beta(void **state)
{
    enum { B = 5 };
    float z[B], zhat[B], y[B], gamma = 3, beta = 0.25f, mean, var, inv_std;
    float dz[B], dy[B] = {1, -1, 2, 0, 0.5f}, dgamma = 0, dbeta = 0;

    (void)state;
    /* Identical activations: no variance, and no division by zero. */
    for (size_t b = 0; b < B; b++)
        z[b] = 7.5f;
    sn_bn_forward_train(B, 1, z, &gamma, &beta, TEST_EPS, zhat, y, &mean, &var, &inv_std);
    assert_true(var == 0);
    for (size_t b = 0; b < B; b++) {
        assert_true(y[b] == beta);
        assert_true(zhat[b] == 0);
    }
    sn_bn_backward(B, 1, dy, zhat, &gamma, &inv_std, dz, &dgamma, &dbeta);
    for (size_t b = 0; b < B; b++)
        assert_true(isfinite(dz[b]));
    assert_true(dgamma == 0);
    assert_true(fabsf(dbeta - 2.5f) < 1e-6f);
}

static void test_adam_updates_only_the_rows_in_the_gradient(void **state)
{
    sn_network net, before;
    sn_workspace ws;
    sn_gradients g;
    sn_adam adam;
    sentiment_error err;
    batch bt;
    uint64_t rng = 77;
    double first, loss;

    (void)state;
    make_network(&net, 1, &rng);
    make_batch(&bt, BATCH, 16, &rng); /* rows 16 .. 31 never touched */
    assert_int_equal(sn_network_alloc(&before, INPUTS, HIDDEN, OUTPUTS, 1, &err),
                     SENTIMENT_OK);
    sn_network_copy(&before, &net);
    assert_int_equal(sn_workspace_alloc(&ws, &net, BATCH, &err), SENTIMENT_OK);
    assert_int_equal(sn_gradients_alloc(&g, &net, &err), SENTIMENT_OK);
    assert_int_equal(sn_adam_alloc(&adam, &net, 0.01f, &err), SENTIMENT_OK);
    assert_int_equal(sn_network_gradient(&net, &ws, bt.x, bt.labels, bt.n, &g, &first,
                                         &err), SENTIMENT_OK);
    sn_adam_step(&adam, &net, &g);
    assert_int_equal(adam.step, 1);
    for (uint32_t r = 16; r < INPUTS; r++)
        assert_memory_equal(net.w1 + r * HIDDEN, before.w1 + r * HIDDEN,
                            HIDDEN * sizeof(float));
    /* The first Adam step moves every parameter with a gradient by about
     * the learning rate. */
    for (size_t s = 0; s < g.nrows; s++)
        for (uint32_t j = 0; j < HIDDEN; j++) {
            size_t i = (size_t)g.rows[s] * HIDDEN + j;
            if (fabsf(g.w1[s * HIDDEN + j]) > 1e-4f)
                assert_true(fabsf(fabsf(net.w1[i] - before.w1[i]) - 0.01f) < 1e-3f);
        }
    /* A few more steps on the same batch lower its loss. */
    for (int i = 0; i < 20; i++) {
        assert_int_equal(sn_network_gradient(&net, &ws, bt.x, bt.labels, bt.n, &g, &loss,
                                             &err), SENTIMENT_OK);
        sn_adam_step(&adam, &net, &g);
    }
    assert_true(loss < first);
    sn_adam_release(&adam);
    sn_gradients_release(&g);
    sn_workspace_release(&ws);
    sn_network_release(&before);
    sn_network_release(&net);
}

static void test_network_alloc_rejects_impossible_shapes(void **state)
{
    sn_network net;
    sentiment_error err;

    (void)state;
    assert_int_equal(sn_network_alloc(&net, 0, 4, 2, 1, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sn_network_alloc(&net, 16, 0, 2, 1, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sn_network_alloc(&net, 16, SN_MAX_HIDDEN + 1, 2, 1, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sn_network_alloc(&net, 16, 4, 0, 1, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(err.code, SENTIMENT_ERR_INVALID);
    /* A fresh network: zero weights, gamma 1, running variance 1. */
    assert_int_equal(sn_network_alloc(&net, 16, 4, 2, 1, &err), SENTIMENT_OK);
    assert_int_equal(net.dense_count, 3 * 4 + 4 * 2 + 2);
    for (size_t j = 0; j < 4; j++) {
        assert_true(sn_net_gamma(&net)[j] == 1.0f);
        assert_true(net.run_var[j] == 1.0f);
        assert_true(net.run_mean[j] == 0.0f);
        assert_true(sn_net_beta(&net)[j] == 0.0f);
    }
    sn_network_release(&net);
    sn_network_release(&net); /* released twice: harmless */
}

/* The first layer of a quantized network, summed the plain way: unit by
 * unit, each row's scale times the feature value, then times each code. */
static void plain_quantized_z(const sn_network *net, const sn_sparse *x, float *z)
{
    const size_t h = net->hidden, row_bytes = sn_quant_row_bytes(net->quant_bits, h);

    memcpy(z, sn_net_b1(net), h * sizeof *z);
    for (size_t i = 0; i < x->count; i++) {
        const long k = sn_quant_row_index(net, x->index[i]);
        const uint8_t *q;
        float v;
        if (k < 0 || (v = x->value[i] * net->row_scale[k]) == 0)
            continue;
        q = net->w1q + (size_t)k * row_bytes;
        for (size_t j = 0; j < h; j++) {
            int code = net->quant_bits == 8 ? (int8_t)q[j]
                : (int)((((unsigned)q[j / 2] >> (4 * (j & 1))) & 15) ^ 8) - 8;
            z[j] += v * (float)code;
        }
    }
}

/* The quantized first layer works on blocks of units (16 with 4 bits, 8
 * with 8) and asks for rows ahead of need: whatever the width, whole
 * blocks or not, every stored row or a few, its sums are the bits of the
 * plain loop. */
static void test_quantized_first_layer_sums_exactly_as_the_plain_loop(void **state)
{
    static const uint32_t widths[] = {1, 3, 8, 15, 16, 17, 24, 33, 48};
    unsigned char map[INPUTS / 8];
    uint64_t rng = 11;
    sentiment_error err;

    (void)state;
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        for (unsigned bits = 4; bits <= 8; bits += 4) {
            for (int sparse = 0; sparse < 2; sparse++) {
                const uint32_t h = widths[w];
                sn_network net;
                sn_workspace ws;
                batch bt;
                float want[48];
                size_t row_bytes = sn_quant_row_bytes(bits, h), nth = 0;

                /* All rows but one, or a quarter of them (a row map). */
                for (size_t i = 0; i < sizeof map; i++)
                    map[i] = sparse ? 0x11 : 0xFF;
                map[1] &= 0xFD;
                assert_int_equal(sn_network_alloc_quantized(&net, INPUTS, h, OUTPUTS, bits,
                                                            map, &err), SENTIMENT_OK);
                for (uint32_t r = 0; r < INPUTS; r++) {
                    if (!(map[r / 8] & (1u << (r % 8))))
                        continue;
                    size_t k = sn_quant_row_slot(&net, r, nth++);
                    net.row_scale[k] = uniform(&rng, 0.01f, 0.2f);
                    for (size_t b = 0; b < row_bytes; b++)
                        net.w1q[k * row_bytes + b] = (uint8_t)sn_rng_below(&rng, 256);
                }
                for (uint32_t j = 0; j < h; j++)
                    sn_net_b1(&net)[j] = uniform(&rng, -0.3f, 0.3f);
                assert_int_equal(sn_workspace_alloc(&ws, &net, MAX_BATCH, &err),
                                 SENTIMENT_OK);
                make_batch(&bt, MAX_BATCH, INPUTS, &rng);
                {
                    float probs[MAX_BATCH * OUTPUTS];
                    sn_network_predict(&net, &ws, bt.x, bt.n, probs);
                }
                for (size_t b = 0; b < bt.n; b++) {
                    plain_quantized_z(&net, &bt.x[b], want);
                    if (memcmp(want, ws.z + b * h, h * sizeof *want) != 0)
                        fail_msg("hidden %u, %u bits, %s rows: example %zu differs", h,
                                 bits, sparse ? "few" : "all", b);
                }
                sn_workspace_release(&ws);
                sn_network_release(&net);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_gradient_matches_finite_differences_with_batchnorm),
        cmocka_unit_test(test_network_gradient_matches_finite_differences_without_batchnorm),
        cmocka_unit_test(test_network_gradient_resets_between_calls),
        cmocka_unit_test(test_network_loss_floors_a_certain_mistake_as_evaluation_does),
        cmocka_unit_test(test_network_gradient_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_network_predicts_probabilities_that_sum_to_one),
        cmocka_unit_test(test_network_folding_batchnorm_keeps_predictions),
        cmocka_unit_test(test_bn_fold_matches_inference_normalization),
        cmocka_unit_test(test_network_prediction_does_not_depend_on_the_batch),
        cmocka_unit_test(test_bn_backward_matches_finite_differences),
        cmocka_unit_test(test_bn_running_statistics_move_by_momentum),
        cmocka_unit_test(test_bn_normalizes_a_constant_column_to_beta),
        cmocka_unit_test(test_adam_updates_only_the_rows_in_the_gradient),
        cmocka_unit_test(test_network_alloc_rejects_impossible_shapes),
        cmocka_unit_test(test_quantized_first_layer_sums_exactly_as_the_plain_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
