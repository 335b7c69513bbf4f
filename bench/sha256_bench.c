/*
 * sha256_bench: SHA-256 throughput of the portable code and of libcrypto
 * (when it loads), over the same buffer, side by side.
 *
 *   sha256_bench [-m MB] [-n RUNS] [--json FILE]
 *
 * Prints MB/s (median of RUNS) per implementation; with --json appends one
 * JSON object per implementation to FILE.
 */
#include "sha256.h"
#include "bench.h"

int main(int argc, char **argv)
{
	size_t mb = 64;
	int runs = 5;
	const char *json = NULL;
	uint8_t *buf, d[SHA256_LEN];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc)
			mb = (size_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else {
			fprintf(stderr, "usage: sha256_bench [-m MB] [-n RUNS] [--json FILE]\n");
			return 2;
		}
	}
	if (mb < 1 || runs < 1 || runs > 100)
		return 2;
	buf = xmalloc(mb << 20);
	for (size_t i = 0; i < mb << 20; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	for (unsigned flags = 0; flags <= SHA256_FAST; flags += SHA256_FAST) {
		double t[100];
		const char *impl = "portable";

		for (int r = 0; r < runs; r++) {
			struct sha256 s;
			double t0 = bench_now();

			sha256_init(&s, flags);
			impl = sha256_impl(&s);
			sha256_update(&s, buf, mb << 20);
			sha256_final(&s, d);
			t[r] = bench_now() - t0;
		}
		bench_sort(t, (size_t)runs);
		printf("sha256 %-9s %7.1f MB/s (median of %d over %zu MB)\n", impl,
		       (double)mb / t[runs / 2], runs, mb);
		if (json) {
			FILE *f = fopen(json, "a");

			if (f) {
				fprintf(f, "{\"name\": \"sha256 %s\", \"mb_per_s\": %.1f, \"runs\": %d, \"mb\": %zu}\n",
					impl, (double)mb / t[runs / 2], runs, mb);
				fclose(f);
			}
		}
		if (flags == 0 && !strcmp(impl, "portable")) {
			struct sha256 probe;

			sha256_init(&probe, SHA256_FAST);
			if (!probe.evp) {
				printf("sha256 libcrypto: not loadable here\n");
				break;
			}
			sha256_release(&probe);
		}
	}
	free(buf);
	return 0;
}
