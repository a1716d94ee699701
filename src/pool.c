/*
 * pool.c - the threads behind multi-threaded training and batch
 * classification.
 *
 * Jobs are split by index, never by who comes first, so a result does not
 * depend on the number of threads or on their timing: training with a seed
 * gives the same model with one thread or many.
 */
#include <pthread.h>
#include <unistd.h>

#include "internal.h"
#include "pool.h"

struct sn_pool {
    unsigned nthreads;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t start, done;
    sn_job_fn fn;
    void *arg;
    unsigned long generation;   /* counts jobs; a worker waits for a new one */
    unsigned running;           /* workers still busy with the current job */
    int quit;
};

typedef struct worker {
    sn_pool *pool;
    unsigned tid;
} worker;

static void *work(void *p)
{
    worker *w = p;
    sn_pool *pool = w->pool;
    unsigned long seen = 0;

    for (;;) {
        sn_job_fn fn;
        void *arg;

        pthread_mutex_lock(&pool->lock);
        while (!pool->quit && pool->generation == seen)
            pthread_cond_wait(&pool->start, &pool->lock);
        if (pool->quit) {
            pthread_mutex_unlock(&pool->lock);
            break;
        }
        seen = pool->generation;
        fn = pool->fn;
        arg = pool->arg;
        pthread_mutex_unlock(&pool->lock);

        fn(arg, w->tid, pool->nthreads);

        pthread_mutex_lock(&pool->lock);
        if (--pool->running == 0)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
    sn_free(w);
    return NULL;
}

int sn_pool_create(sn_pool **out, unsigned nthreads, sentiment_error *err)
{
    sn_pool *pool;
    unsigned started = 0;

    *out = NULL;
    if (nthreads < 1)
        nthreads = 1;
    pool = sn_calloc(1, sizeof *pool);
    if (pool == NULL)
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for threads");
    pool->nthreads = nthreads;
    if (nthreads > 1) {
        pool->threads = sn_calloc(nthreads - 1, sizeof *pool->threads);
        if (pool->threads == NULL) {
            sn_free(pool);
            return sn_fail(err, SENTIMENT_ERR_NOMEM, "out of memory for threads");
        }
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->start, NULL);
    pthread_cond_init(&pool->done, NULL);
    for (unsigned t = 1; t < nthreads; t++) {
        worker *w = sn_malloc(sizeof *w);
        if (w == NULL)
            break;
        w->pool = pool;
        w->tid = t;
        if (pthread_create(&pool->threads[t - 1], NULL, work, w) != 0) {
            sn_free(w);
            break;
        }
        started++;
    }
    if (started + 1 < nthreads) {
        pool->nthreads = started + 1;
        sn_pool_free(pool);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "cannot start %u threads", nthreads);
    }
    *out = pool;
    return SENTIMENT_OK;
}

void sn_pool_free(sn_pool *pool)
{
    if (pool == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned t = 1; t < pool->nthreads; t++)
        pthread_join(pool->threads[t - 1], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->start);
    pthread_cond_destroy(&pool->done);
    sn_free(pool->threads);
    sn_free(pool);
}

unsigned sn_pool_size(const sn_pool *pool)
{
    return pool->nthreads;
}

void sn_pool_run(sn_pool *pool, sn_job_fn fn, void *arg)
{
    if (pool->nthreads == 1) {
        fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->arg = arg;
    pool->running = pool->nthreads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);

    fn(arg, 0, pool->nthreads);

    pthread_mutex_lock(&pool->lock);
    while (pool->running > 0)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

unsigned sn_core_count(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    return cores < 1 ? 1 : cores > SN_MAX_THREADS ? SN_MAX_THREADS : (unsigned)cores;
}
