/*
 * util.c - small things several files need: normal random numbers, a clock.
 */
#include <math.h>
#include <time.h>

#include "internal.h"

/* Box-Muller; one of the pair is thrown away to keep no hidden state beyond
 * the caller's seed. */
double sn_rng_normal(uint64_t *state)
{
    double u1 = sn_rng_uniform(state);
    double u2 = sn_rng_uniform(state);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double sn_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
