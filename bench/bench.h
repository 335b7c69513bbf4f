/*
 * bench.h: what every benchmark in bench/ needs to time and summarize,
 * in one place so that all of them quote the same statistics the same
 * way: a monotonic clock and nearest-rank percentiles of sorted samples.
 *
 * Header-only (static inline) because each bench is its own program
 * built from one file (see the Makefile's bench rule).
 */
#ifndef CARO_BENCH_H
#define CARO_BENCH_H

#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock: differences only. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
}

/* The p-quantile (0..1) of n sorted samples, nearest rank. */
static inline double bench_pct(const double *sorted, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

/* Sorts v in place and returns its p-quantile. */
static inline double bench_quantile(double *v, size_t n, double p)
{
	bench_sort(v, n);
	return bench_pct(v, n, p);
}

struct bench_stats {
	double median, p95, p99, max;
	size_t n;
};

/* Sorts v in place and returns its median, p95, p99, maximum and count. */
static inline struct bench_stats bench_summarize(double *v, size_t n)
{
	struct bench_stats s = {0, 0, 0, 0, n};

	if (n == 0)
		return s;
	bench_sort(v, n);
	s.median = bench_pct(v, n, 0.50);
	s.p95 = bench_pct(v, n, 0.95);
	s.p99 = bench_pct(v, n, 0.99);
	s.max = v[n - 1];
	return s;
}

#endif
