/*
 * pool.c: the thread pool and its spin-then-sleep barrier.
 *
 * Both "a new job" and "everyone reached the barrier" are a generation
 * counter that waiters watch change. A waiter spins on it, then yields,
 * then sleeps: it increments `sleepers` and re-checks the counter under
 * the mutex before waiting, while the thread that bumps the counter looks
 * at `sleepers` afterwards (both seq_cst), so one of the two always sees
 * the other and no wake-up is lost.
 */
#define _GNU_SOURCE
#include "infer/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#define SPIN_PAUSES 4000 /* tens of us: stages arrive sooner; longer spins starve an oversubscribed machine */
#define SPIN_YIELDS 50

struct pool {
	int n;
	pthread_t *threads;
	atomic_uint job_gen;
	atomic_uint bar_gen;
	atomic_int bar_count;
	atomic_int sleepers;
	atomic_bool quit;
	pool_fn fn;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct worker {
	struct pool *p;
	int ith;
};

#if defined(__x86_64__) || defined(__i386__)
static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}
#elif defined(__aarch64__)
static inline void cpu_relax(void)
{
	__asm__ __volatile__("yield");
}
#else
static inline void cpu_relax(void)
{
}
#endif

static void wait_change(struct pool *p, atomic_uint *gen, unsigned seen)
{
	int i;

	for (i = 0; i < SPIN_PAUSES; i++) {
		if (atomic_load_explicit(gen, memory_order_acquire) != seen)
			return;
		cpu_relax();
	}
	for (i = 0; i < SPIN_YIELDS; i++) {
		if (atomic_load_explicit(gen, memory_order_acquire) != seen)
			return;
		sched_yield();
	}
	pthread_mutex_lock(&p->mu);
	atomic_fetch_add(&p->sleepers, 1);
	while (atomic_load(gen) == seen)
		pthread_cond_wait(&p->cv, &p->mu);
	atomic_fetch_sub(&p->sleepers, 1);
	pthread_mutex_unlock(&p->mu);
}

static void bump(struct pool *p, atomic_uint *gen)
{
	atomic_fetch_add(gen, 1);
	if (atomic_load(&p->sleepers)) {
		pthread_mutex_lock(&p->mu);
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

void pool_barrier(struct pool *p)
{
	unsigned g;

	if (p->n == 1)
		return;
	g = atomic_load(&p->bar_gen);
	if (atomic_fetch_add(&p->bar_count, 1) == p->n - 1) {
		atomic_store(&p->bar_count, 0);
		bump(p, &p->bar_gen);
		return;
	}
	wait_change(p, &p->bar_gen, g);
}

static void *worker_main(void *v)
{
	struct worker *w = v;
	struct pool *p = w->p;
	unsigned seen = 0;

	for (;;) {
		wait_change(p, &p->job_gen, seen);
		seen = atomic_load(&p->job_gen);
		if (atomic_load(&p->quit))
			break;
		p->fn(p->arg, w->ith, p->n);
		pool_barrier(p);
	}
	free(w);
	return NULL;
}

struct pool *pool_new(int n_threads, struct err *err)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	int i;

	p->n = n_threads < 1 ? 1 : n_threads;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->threads = xcalloc((size_t)p->n, sizeof(*p->threads));
	for (i = 1; i < p->n; i++) {
		struct worker *w = xmalloc(sizeof(*w));

		w->p = p;
		w->ith = i;
		if (pthread_create(&p->threads[i], NULL, worker_main, w)) {
			free(w);
			p->n = i; /* join what started */
			pool_free(p);
			err_set(err, ERR_UNAVAILABLE, "pool: cannot start thread %d", i);
			return NULL;
		}
	}
	return p;
}

void pool_free(struct pool *p)
{
	int i;

	if (!p)
		return;
	atomic_store(&p->quit, true);
	bump(p, &p->job_gen);
	for (i = 1; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->threads);
	free(p);
}

int pool_size(const struct pool *p)
{
	return p->n;
}

void pool_run(struct pool *p, pool_fn fn, void *arg)
{
	p->fn = fn;
	p->arg = arg;
	if (p->n > 1)
		bump(p, &p->job_gen);
	fn(arg, 0, p->n);
	pool_barrier(p);
}

int pool_cpu_count(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
