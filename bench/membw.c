/*
 * membw: the machine's streaming read bandwidth, the physical bound of
 * single-token decode (every weight byte is read once per token). Each
 * thread sums its own slice of a buffer larger than the caches; the
 * figure is bytes read over wall time, median of the repetitions.
 *
 *   membw [--mb N] [--threads 1,2] [--reps N]
 *
 * Prints one JSON object on stdout: {"membw": [{"threads": 1, "gbs_median":
 * ..., "gbs_max": ...}, ...]}. bench/infer_bench.sh runs it beside the
 * engine, so decode speed can be read as a fraction of what this machine
 * gave at that moment.
 */
#include "common.h"
#include "bench.h"

#include <pthread.h>
#include <time.h>

struct slice {
	const uint64_t *p;
	size_t n;
	uint64_t sum;
};

/* Eight independent sums so the loop is bound by loads, not adds. */
static void *sum_slice(void *v)
{
	struct slice *s = v;
	uint64_t a[8] = {0};
	size_t i;
	int j;

	for (i = 0; i + 8 <= s->n; i += 8)
		for (j = 0; j < 8; j++)
			a[j] += s->p[i + j];
	s->sum = a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *threads = "1,2";
	size_t mb = 512, n, i;
	uint64_t *buf, total = 0;
	double *gbs;
	int reps = 7, r, first = 1;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--mb") && i + 1 < (size_t)argc)
			mb = (size_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < (size_t)argc)
			threads = argv[++i];
		else if (!strcmp(argv[i], "--reps") && i + 1 < (size_t)argc)
			reps = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: membw [--mb N] [--threads 1,2] [--reps N]\n");
			return 2;
		}
	}
	if (mb < 1 || mb > 65536 || reps < 1 || reps > 1000)
		return 2;
	n = mb << 17; /* 64-bit words */
	buf = xmallocarray(n, sizeof(*buf));
	for (i = 0; i < n; i++)
		buf[i] = i;
	gbs = xmallocarray((size_t)reps, sizeof(double));
	printf("{\"membw\": [");
	for (const char *t = threads; *t;) {
		const int nth = atoi(t);
		pthread_t tid[64];
		struct slice sl[64];
		int k;

		if (nth < 1 || nth > 64)
			return 2;
		for (r = 0; r < reps; r++) {
			const double t0 = bench_now();

			for (k = 0; k < nth; k++) {
				sl[k].p = buf + n / (size_t)nth * (size_t)k;
				sl[k].n = n / (size_t)nth;
				if (k)
					pthread_create(&tid[k], NULL, sum_slice, &sl[k]);
			}
			sum_slice(&sl[0]);
			for (k = 1; k < nth; k++)
				pthread_join(tid[k], NULL);
			gbs[r] = (double)(n / (size_t)nth * (size_t)nth * 8) / (bench_now() - t0) / 1e9;
			for (k = 0; k < nth; k++)
				total += sl[k].sum;
		}
		bench_sort(gbs, (size_t)reps);
		printf("%s{\"threads\": %d, \"gbs_median\": %.1f, \"gbs_max\": %.1f}", first ? "" : ", ",
		       nth, gbs[reps / 2], gbs[reps - 1]);
		first = 0;
		t = strchr(t, ',');
		t = t ? t + 1 : "";
	}
	printf("], \"checksum\": %llu}\n", (unsigned long long)(total & 0xff));
	free(gbs);
	free(buf);
	return 0;
}
