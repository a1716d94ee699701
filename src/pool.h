/*
 * pool.h - a fixed set of threads that run one job at a time, all of them
 * together, each on its own share.
 */
#ifndef SENTIMENT_POOL_H
#define SENTIMENT_POOL_H

#include "sentiment.h"

/* The most threads a pool is made with: the "threads" option's limit, a
 * classifier's, and the number of shares a job's results are kept in
 * (dataset.c). */
#define SN_MAX_THREADS 64

/* Runs share TID of NTHREADS of a job. */
typedef void (*sn_job_fn)(void *arg, unsigned tid, unsigned nthreads);

typedef struct sn_pool sn_pool;

/* A pool of NTHREADS (1 means no thread is started: jobs run in the
 * caller).  *OUT is NULL on failure. */
int sn_pool_create(sn_pool **out, unsigned nthreads, sentiment_error *err);
void sn_pool_free(sn_pool *pool);
unsigned sn_pool_size(const sn_pool *pool);

/* Runs FN(ARG, tid, n) for every tid in 0 .. n-1, the caller being tid 0,
 * and returns when all are done. */
void sn_pool_run(sn_pool *pool, sn_job_fn fn, void *arg);

/* The number of cores online, at least 1 and at most SN_MAX_THREADS: the
 * thread count that 0 stands for. */
unsigned sn_core_count(void);

/* The share [*FROM, *TO) of COUNT items for thread TID of N. */
static inline void sn_share(size_t count, unsigned tid, unsigned n, size_t *from,
                            size_t *to)
{
    *from = count * tid / n;
    *to = count * (tid + 1) / n;
}

#endif
