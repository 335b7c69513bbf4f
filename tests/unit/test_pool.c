/* test_pool.c: the thread pool: every thread runs, barriers separate
 * phases, and the adaptive runner keeps the thread count that is faster,
 * trying one thread only once a barrier wait has shown contention. */
#include "infer/pool.h"
#include "t.h"

#include <stdatomic.h>
#include <time.h>

struct phases {
	struct pool *p;
	atomic_int count[64];
	int bad;
	int nth_seen;
};

/* each phase: every thread adds one, waits, and checks that all did */
static void phase_job(void *arg, int ith, int nth)
{
	struct phases *ph = arg;
	int i;

	(void)ith;
	ph->nth_seen = nth;
	for (i = 0; i < 64; i++) {
		atomic_fetch_add(&ph->count[i], 1);
		pool_barrier(ph->p);
		if (atomic_load(&ph->count[i]) != nth)
			ph->bad = 1;
		pool_barrier(ph->p);
	}
}

TEST(pool_barriers_separate_phases)
{
	const int sizes[] = {1, 2, 3, 4};
	size_t si;
	int run, i;

	for (si = 0; si < ARRAY_SIZE(sizes); si++) {
		struct err err = {0};
		struct phases ph;

		memset(&ph, 0, sizeof(ph));
		ph.p = pool_new(sizes[si], &err);
		REQUIRE(ph.p);
		CHECK_INT(pool_size(ph.p), sizes[si]);
		for (run = 0; run < 20; run++) {
			for (i = 0; i < 64; i++)
				atomic_store(&ph.count[i], 0);
			pool_run(ph.p, phase_job, &ph);
			CHECK(!ph.bad);
			CHECK_INT(ph.nth_seen, sizes[si]);
			CHECK_INT(pool_last_threads(ph.p), sizes[si]);
		}
		pool_free(ph.p);
	}
}

static void sleep_ms(double ms)
{
	struct timespec ts = {0, (long)(ms * 1e6)};

	nanosleep(&ts, NULL);
}

/* a job that is slower on more threads, as on a machine whose other
 * cores are busy */
static void slow_when_parallel(void *arg, int ith, int nth)
{
	(void)arg;
	if (ith == 0)
		sleep_ms(nth > 1 ? 8 : 0.5);
}

static void fast_when_parallel(void *arg, int ith, int nth)
{
	(void)arg;
	if (ith == 0)
		sleep_ms(nth > 1 ? 0.5 : 8);
}

TEST(pool_adaptive_keeps_the_faster_thread_count)
{
	struct err err = {0};
	struct pool *p = pool_new(2, &err);
	int i, ones = 0, twos = 0;

	REQUIRE(p);
	/* two classes learn independently */
	for (i = 0; i < 24; i++) {
		pool_run_adaptive(p, 0, 1, slow_when_parallel, NULL);
		if (i >= 8)
			ones += pool_last_threads(p) == 1;
		pool_run_adaptive(p, 1, 1, fast_when_parallel, NULL);
		if (i >= 8)
			twos += pool_last_threads(p) == 2;
	}
	/* after the first tries, only the occasional re-try of the other
	 * (two calls at calls 8 and 18 of 8..23) */
	CHECK(ones >= 10);
	CHECK(twos >= 10);
	pool_free(p);
}

/* the same small amount of work on every thread: nobody waits long */
static void balanced(void *arg, int ith, int nth)
{
	volatile double *sink = arg;
	double x = 0;
	int i;

	(void)nth;
	for (i = 0; i < 2000; i++)
		x += i * 0.5;
	sink[ith] = x;
}

TEST(pool_adaptive_tries_one_thread_only_after_a_long_wait)
{
	struct err err = {0};
	struct pool *p = pool_new(2, &err);
	double sink[2];
	int i, ones = 0;

	REQUIRE(p);
	for (i = 0; i < 24; i++) {
		const unsigned waits = pool_long_waits(p);

		pool_run_adaptive(p, 0, 1, balanced, sink);
		/* a busy machine may deschedule a thread mid-run: then one
		 * thread may be tried, and the rest of this run proves nothing */
		if (pool_long_waits(p) != waits)
			break;
		CHECK_INT(pool_last_threads(p), 2);
	}
	/* a job that waits 8 ms at its barrier: the next runs try one thread */
	for (i = 0; i < 6; i++) {
		pool_run_adaptive(p, 1, 1, slow_when_parallel, NULL);
		ones += pool_last_threads(p) == 1;
	}
	CHECK(pool_long_waits(p) > 0);
	CHECK(ones >= 2);
	pool_free(p);
}
