/*
 * pool.h: a fixed set of threads that run one function together.
 *
 * pool_run(p, fn, arg) calls fn(arg, ith, nth) on every thread of the
 * pool at once, the caller being thread 0, and returns when all have
 * returned. Inside fn, pool_barrier() waits for all nth threads; the
 * engine's forward pass is one such call with a barrier between stages
 * (SPMD, as OpenMP's parallel regions), so a token costs a handful of
 * barrier crossings and no task queue.
 *
 * Waiting spins first (the next stage usually arrives within
 * microseconds), then sleeps on a condition variable, so an idle pool
 * costs no CPU and a busy one no syscalls; the spin adapts to how often
 * it fails (pool.c).
 */
#ifndef CARO_POOL_H
#define CARO_POOL_H

#include "common.h"
#include "err.h"

struct pool;

typedef void (*pool_fn)(void *arg, int ith, int nth);

/* Start n_threads - 1 worker threads (n_threads >= 1; 1 means the caller
 * alone). Returns NULL with ERR_UNAVAILABLE when a thread cannot start. */
struct pool *pool_new(int n_threads, struct err *err);
/* Stop and join the workers. pool_free(NULL) is a no-op. */
void pool_free(struct pool *p);
int pool_size(const struct pool *p);
/* Run fn on all threads; not reentrant (one pool_run at a time). */
void pool_run(struct pool *p, pool_fn fn, void *arg);
/* Run fn on one thread or on all of them, whichever has lately been
 * faster for this class of job (0..3, e.g. prefill and decode): the time
 * of each run divided by `units` (its amount of work) is remembered per
 * thread count. A class runs on all threads until, in one of its runs,
 * the long barrier waits for partners that had lost their core
 * (pool_long_waits) add up to a quarter of the run's time; from then on
 * all threads are tried, then one,
 * then the faster is kept (one thread only when clearly faster) and the
 * other re-tried at growing intervals. On a machine where other
 * processes hold the cores, threads that must meet at barriers lose to
 * one thread, and this finds out; on an idle one no run pays for
 * finding out. */
void pool_run_adaptive(struct pool *p, int cls, int units, pool_fn fn, void *arg);
/* At how many barriers so far the others waited long enough (200 us on
 * average) to say that the thread waited for was not running. Counted by
 * the last thread in, so a run's waits are counted when it returns. */
unsigned pool_long_waits(const struct pool *p);
/* The number of threads the last run used. */
int pool_last_threads(const struct pool *p);
/* Wait until all threads of the current pool_run have reached it. */
void pool_barrier(struct pool *p);

/* CPUs this process may run on (sched_getaffinity), at least 1. */
int pool_cpu_count(void);

#endif
