/*
 * batchnorm.c - batch normalization (Ioffe and Szegedy, 2015).
 *
 * In training each hidden unit is normalized with the statistics of the
 * mini-batch; for inference the running averages replace them, which makes
 * the whole operation affine, so it is folded into the hidden layer's
 * weights and costs nothing when classifying.
 *
 * Statistics are accumulated in double: a batch of similar reviews gives
 * nearly equal activations, and a float variance would lose them.
 *
 * The epsilon under the square root is a parameter, and not the tiny
 * constant of the paper: the first layer's activations start with a
 * variance near 1e-4 (small weights, unit-length inputs), and dividing by
 * their standard deviation multiplies the effective step of every weight by
 * a hundred.  With Adam that lets a few updates fit rare n-grams of the
 * training set, which costs 1 to 1.5 points of test accuracy on IMDb.  An
 * epsilon near the activations' variance bounds that gain.
 */
#include <math.h>

#include "batchnorm.h"

void sn_bn_forward_train(size_t batch, size_t h, const float *z,
                         const float *gamma, const float *beta, float eps,
                         float *zhat, float *y, float *mean, float *var,
                         float *inv_std)
{
    for (size_t j = 0; j < h; j++) {
        double sum = 0, sq = 0, m, v;
        for (size_t b = 0; b < batch; b++)
            sum += z[b * h + j];
        m = sum / (double)batch;
        for (size_t b = 0; b < batch; b++) {
            double d = z[b * h + j] - m;
            sq += d * d;
        }
        v = sq / (double)batch;
        mean[j] = (float)m;
        var[j] = (float)v;
        inv_std[j] = (float)(1.0 / sqrt(v + eps));
        for (size_t b = 0; b < batch; b++) {
            float n = (float)((z[b * h + j] - m) * inv_std[j]);
            zhat[b * h + j] = n;
            y[b * h + j] = gamma[j] * n + beta[j];
        }
    }
}

void sn_bn_forward_small(size_t batch, size_t h, const float *z,
                         const float *gamma, const float *beta, float eps,
                         const float *run_mean, const float *run_var, float *zhat,
                         float *y, float *mean, float *var, float *inv_std)
{
    for (size_t j = 0; j < h; j++) {
        double sum = 0, sq = 0;
        inv_std[j] = (float)(1.0 / sqrt((double)run_var[j] + eps));
        for (size_t b = 0; b < batch; b++) {
            double d = z[b * h + j] - run_mean[j];
            float n = (float)(d * inv_std[j]);
            sum += z[b * h + j];
            sq += d * d;
            zhat[b * h + j] = n;
            y[b * h + j] = gamma[j] * n + beta[j];
        }
        mean[j] = (float)(sum / (double)batch);
        var[j] = (float)(sq / (double)batch);
    }
}

void sn_bn_backward_small(size_t batch, size_t h, const float *dy, const float *zhat,
                          const float *gamma, const float *inv_std, float *dz,
                          float *dgamma, float *dbeta)
{
    for (size_t j = 0; j < h; j++) {
        double sum_dy = 0, sum_dy_zhat = 0;
        for (size_t b = 0; b < batch; b++) {
            sum_dy += dy[b * h + j];
            sum_dy_zhat += (double)dy[b * h + j] * zhat[b * h + j];
            dz[b * h + j] = dy[b * h + j] * gamma[j] * inv_std[j];
        }
        dgamma[j] += (float)sum_dy_zhat;
        dbeta[j] += (float)sum_dy;
    }
}

void sn_bn_forward_infer(size_t batch, size_t h, const float *z,
                         const float *gamma, const float *beta, float eps,
                         const float *run_mean, const float *run_var, float *y)
{
    for (size_t j = 0; j < h; j++) {
        float s = gamma[j] / sqrtf(run_var[j] + eps);
        for (size_t b = 0; b < batch; b++)
            y[b * h + j] = (z[b * h + j] - run_mean[j]) * s + beta[j];
    }
}

void sn_bn_backward(size_t batch, size_t h, const float *dy, const float *zhat,
                    const float *gamma, const float *inv_std, float *dz,
                    float *dgamma, float *dbeta)
{
    for (size_t j = 0; j < h; j++) {
        double sum_dy = 0, sum_dy_zhat = 0;
        for (size_t b = 0; b < batch; b++) {
            sum_dy += dy[b * h + j];
            sum_dy_zhat += (double)dy[b * h + j] * zhat[b * h + j];
        }
        dgamma[j] += (float)sum_dy_zhat;
        dbeta[j] += (float)sum_dy;
        /* dz = gamma/sigma * (dy - mean(dy) - zhat * mean(dy * zhat)) */
        double k = (double)gamma[j] * inv_std[j];
        double mdy = sum_dy / (double)batch, mdz = sum_dy_zhat / (double)batch;
        for (size_t b = 0; b < batch; b++)
            dz[b * h + j] = (float)(k * (dy[b * h + j] - mdy - zhat[b * h + j] * mdz));
    }
}

void sn_bn_update_running(size_t h, const float *mean, const float *var,
                          float momentum, float *run_mean, float *run_var)
{
    for (size_t j = 0; j < h; j++) {
        run_mean[j] = (1 - momentum) * run_mean[j] + momentum * mean[j];
        run_var[j] = (1 - momentum) * run_var[j] + momentum * var[j];
    }
}

void sn_bn_fold(size_t rows, size_t h, float *w, float *b, const float *gamma,
                const float *beta, float eps, const float *run_mean,
                const float *run_var)
{
    float s[SN_BN_MAX_UNITS];

    for (size_t j = 0; j < h; j++) {
        s[j] = gamma[j] / sqrtf(run_var[j] + eps);
        b[j] = (b[j] - run_mean[j]) * s[j] + beta[j];
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < h; j++)
            w[r * h + j] *= s[j];
}
