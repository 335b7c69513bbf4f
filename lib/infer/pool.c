/*
 * pool.c: the thread pool, its spin-then-sleep barrier, and the choice of
 * how many threads a job gets.
 *
 * Both "a new job" and "everyone reached the barrier" are a generation
 * counter that waiters watch change. A waiter spins on it, then sleeps:
 * it increments `sleepers` and re-checks the counter under the mutex
 * before waiting, while the thread that bumps the counter looks at
 * `sleepers` afterwards (both seq_cst), so one of the two always sees the
 * other and no wake-up is lost.
 *
 * Spinning is cheap when the other threads are running, and ruinous when
 * they are not: on a machine with more runnable threads than cores, a
 * waiter that spins burns the time slice its partner needs, and the
 * forward pass crosses a barrier every few tens of microseconds. So the
 * spin budget adapts per thread to the waits it sees (wait_change), there
 * is no sched_yield phase (a yield hands the core to another process for
 * a whole slice), and pool_run_adaptive measures whether the extra
 * threads pay off at all, once long waits at the barriers have taken a
 * good share of a run's time: until then one thread would only be slower,
 * and a short run (a few prefill batches, a few dozen tokens) cannot
 * afford the tries.
 */
#define _GNU_SOURCE
#include "infer/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

/* spin budgets in pause instructions (~30 ns each on current x86) */
#define SPIN_MIN 64
#define SPIN_MAX 2048
#define SPIN_JOB 4096 /* a worker waiting for the next job, e.g. the next decoded token */
#define SLEEP_SHORT 200e-6 /* a sleep shorter than this: the partner was running */

/* pool_run_adaptive: a class of jobs runs on n threads until one of its
 * runs is contended: its long barrier waits (SLEEP_SHORT or more: a
 * thread waited for a partner that was not running) add up to
 * CONTENDED_SHARE of the run's time. One descheduling of a few ms in a
 * 100 ms prefill batch is not that: on a shared machine it happens in
 * most processes, and trying one thread on it cost a short run (four
 * prefill batches) a third of its speed. From then on it tries
 * n threads and then 1 thread twice each, then keeps the faster (one thread only when it
 * is ONE_THREAD_MARGIN faster: the cost of a wrong choice is larger that
 * way round) and re-tries the other, twice, after EXPLORE_MIN calls,
 * doubling the gap up to EXPLORE_MAX while it stays slower. Each arm's
 * estimate is the best of its tries, then a moving average while chosen. */
#define MAX_CLASSES 4
#define EXPLORE_MIN 4
#define EXPLORE_MAX 64
#define ONE_THREAD_MARGIN 1.1
#define CONTENDED_SHARE 0.25

struct tuner {
	double cost[2]; /* seconds per unit of work on 1 and on n threads */
	int seen[2];
	int calls, next, gap;
	int trial;      /* tries of the other arm still to make */
	double trial_cost;
	bool contended; /* an n-thread run waited long at a barrier */
};

struct pool {
	int n;      /* threads, the caller included */
	int active; /* threads taking part in the current run */
	pthread_t *threads;
	atomic_uint job_gen;
	atomic_uint bar_gen;
	atomic_int bar_count;
	atomic_int sleepers;
	atomic_uint long_waits; /* barriers where the others waited SLEEP_SHORT or more */
	/* Barrier waits of SLEEP_SHORT or more, in total, counted by the last
	 * thread in before it lets the others go: a waiter's own count would
	 * land after the caller had looked. bar_arrive_ns sums the arrival
	 * times at the current barrier. */
	_Atomic uint64_t long_wait_ns;
	_Atomic uint64_t bar_arrive_ns;
	atomic_bool quit;
	pool_fn fn;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tuner tuners[MAX_CLASSES];
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double now_s(void)
{
	return (double)now_ns() * 1e-9;
}

/* Wait until *gen differs from seen: spin up to *budget pauses, then
 * sleep. The budget follows the waits: a spin that succeeded late makes
 * it cover four times as long; a sleep that ended soon (the partner was
 * running, only slower) doubles it; a long sleep (the partner had lost
 * its core) halves it, so a busy machine is not burnt spinning. (How
 * long the others waited is counted by the last thread into a barrier.) */
static void wait_change(struct pool *p, atomic_uint *gen, unsigned seen, int *budget)
{
	double t0;
	int i;

	for (i = 0; i < *budget; i++) {
		if (atomic_load_explicit(gen, memory_order_acquire) != seen) {
			if (4 * i > *budget)
				*budget = MIN(SPIN_MAX, 4 * i);
			return;
		}
		cpu_relax();
	}
	t0 = now_s();
	pthread_mutex_lock(&p->mu);
	atomic_fetch_add(&p->sleepers, 1);
	while (atomic_load(gen) == seen)
		pthread_cond_wait(&p->cv, &p->mu);
	atomic_fetch_sub(&p->sleepers, 1);
	pthread_mutex_unlock(&p->mu);
	if (now_s() - t0 < SLEEP_SHORT)
		*budget = MIN(SPIN_MAX, 2 * *budget);
	else
		*budget = MAX(SPIN_MIN, *budget / 2);
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

/* each thread's barrier spin budget */
static _Thread_local int bar_budget = SPIN_MAX;

void pool_barrier(struct pool *p)
{
	uint64_t t;
	unsigned g;

	if (p->active == 1)
		return;
	g = atomic_load(&p->bar_gen);
	/* The arrival time goes in before the count, so the last one in
	 * (seq_cst) sees every other arrival. */
	t = now_ns();
	atomic_fetch_add(&p->bar_arrive_ns, t);
	if (atomic_fetch_add(&p->bar_count, 1) == p->active - 1) {
		const uint64_t k = (uint64_t)p->active - 1, now = now_ns();
		const uint64_t others = atomic_exchange(&p->bar_arrive_ns, 0) - t;
		const uint64_t waited = k * now - others;

		if (waited >= k * (uint64_t)(SLEEP_SHORT * 1e9)) {
			atomic_fetch_add(&p->long_waits, 1);
			atomic_fetch_add(&p->long_wait_ns, waited);
		}
		atomic_store(&p->bar_count, 0);
		bump(p, &p->bar_gen);
		return;
	}
	wait_change(p, &p->bar_gen, g, &bar_budget);
}

static void *worker_main(void *v)
{
	struct worker *w = v;
	struct pool *p = w->p;
	unsigned seen = 0;
	int budget = SPIN_JOB;

	for (;;) {
		wait_change(p, &p->job_gen, seen, &budget);
		budget = SPIN_JOB; /* the gap between jobs is the caller's, not a partner's */
		seen = atomic_load(&p->job_gen);
		if (atomic_load(&p->quit))
			break;
		if (w->ith < p->active) {
			p->fn(p->arg, w->ith, p->active);
			pool_barrier(p);
		}
	}
	free(w);
	return NULL;
}

struct pool *pool_new(int n_threads, struct err *err)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	int i;

	p->n = n_threads < 1 ? 1 : n_threads;
	p->active = p->n;
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

static void run(struct pool *p, int nth, pool_fn fn, void *arg)
{
	p->fn = fn;
	p->arg = arg;
	p->active = nth;
	if (nth > 1)
		bump(p, &p->job_gen);
	fn(arg, 0, nth);
	pool_barrier(p);
}

void pool_run(struct pool *p, pool_fn fn, void *arg)
{
	run(p, p->n, fn, arg);
}


static int tuner_best(const struct tuner *t)
{
	return t->cost[0] * ONE_THREAD_MARGIN < t->cost[1] ? 0 : 1;
}

/* Which arm (0: one thread, 1: all) a class's next call takes. */
static int tuner_pick(struct tuner *t)
{
	if (t->seen[1] < 2 || !t->contended)
		return 1;
	if (t->seen[0] < 2)
		return 0;
	if (!t->trial && t->calls >= t->next)
		t->trial = 2;
	return t->trial ? !tuner_best(t) : tuner_best(t);
}

static void tuner_record(struct tuner *t, int arm, double cost)
{
	t->calls++;
	if (t->seen[arm] < 2) {
		/* the start: the best of two tries */
		t->cost[arm] = t->seen[arm] ? MIN(t->cost[arm], cost) : cost;
		t->seen[arm]++;
		t->gap = EXPLORE_MIN;
		t->next = t->calls + t->gap;
		return;
	}
	if (!t->trial) {
		t->cost[arm] = 0.75 * t->cost[arm] + 0.25 * cost;
		return;
	}
	/* a try of the other arm: after two, its best replaces its estimate */
	t->trial_cost = t->trial == 2 ? cost : MIN(t->trial_cost, cost);
	if (--t->trial)
		return;
	t->cost[arm] = t->trial_cost;
	t->gap = tuner_best(t) == arm ? EXPLORE_MIN : MIN(2 * t->gap, EXPLORE_MAX);
	t->next = t->calls + t->gap;
}

void pool_run_adaptive(struct pool *p, int cls, int units, pool_fn fn, void *arg)
{
	struct tuner *t = &p->tuners[cls < 0 ? 0 : cls % MAX_CLASSES];
	uint64_t waited;
	double t0, el;
	int arm;

	if (p->n == 1 || units < 1) {
		pool_run(p, fn, arg);
		return;
	}
	arm = tuner_pick(t);
	waited = atomic_load(&p->long_wait_ns);
	t0 = now_s();
	run(p, arm ? p->n : 1, fn, arg);
	el = now_s() - t0;
	tuner_record(t, arm, el / units);
	if (arm && (double)(atomic_load(&p->long_wait_ns) - waited) * 1e-9 >= CONTENDED_SHARE * el)
		t->contended = true;
}

unsigned pool_long_waits(const struct pool *p)
{
	return atomic_load(&p->long_waits);
}

int pool_last_threads(const struct pool *p)
{
	return p->active;
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
