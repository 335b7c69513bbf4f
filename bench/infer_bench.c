/*
 * infer_bench: prefill and decode speed of one GGUF model, as llama-bench
 * measures them: pp256 (one 256-token prompt from an empty cache) and
 * tg32 (32 single-token decodes from an empty cache), each repeated and
 * reported as median and p95, for each thread count asked. Also the load
 * time (process start to ready to decode; run it with the file in the
 * page cache) and the peak RSS with a 2048-token context.
 *
 *   infer_bench MODEL.gguf [--threads 1,2] [--reps N] [--label NAME]
 *
 * Prints one JSON object on stdout; bench/infer_bench.sh runs it per
 * model in a fresh process (so RSS is per model) and builds the table.
 */
#include "infer/infer.h"
#include "proc.h"
#include "bench.h"

#include <time.h>
#include <unistd.h>

/* CPU time of the whole process (all threads) */
static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const double t0 = (1e3 * bench_now());
	const char *path = NULL, *threads = "1,2", *label = NULL;
	struct infer_model *m;
	struct infer_ctx *c;
	struct err err = {0};
	double load_ms, *pp, *tg, *ppc, *tgc;
	int32_t prompt[256];
	int reps = 5, i, r, first = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = argv[++i];
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--label") && i + 1 < argc)
			label = argv[++i];
		else if (argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "usage: infer_bench MODEL.gguf [--threads 1,2] [--reps N]\n");
			return 2;
		}
	}
	if (!path || reps < 1)
		return 2;

	/* load: open and a context on the default thread count, as a user's
	 * first request would */
	m = infer_model_open(path, &err);
	if (!m) {
		fprintf(stderr, "infer_bench: %s\n", err.msg);
		return 1;
	}
	{
		struct infer_ctx_params p = {.n_ctx = 2048, .n_threads = atoi(threads)};

		c = infer_ctx_new(m, &p, &err);
		if (!c) {
			fprintf(stderr, "infer_bench: %s\n", err.msg);
			return 1;
		}
	}
	load_ms = proc_uptime_ms();
	if (load_ms < 0)
		load_ms = (1e3 * bench_now()) - t0;
	infer_ctx_free(c);

	for (i = 0; i < 256; i++)
		prompt[i] = (int32_t)((i * 7919 + 13) % infer_model_info(m)->n_vocab);
	pp = xmallocarray((size_t)reps, sizeof(double));
	tg = xmallocarray((size_t)reps, sizeof(double));
	ppc = xmallocarray((size_t)reps, sizeof(double));
	tgc = xmallocarray((size_t)reps, sizeof(double));
	printf("{\"model\": \"%s\", \"label\": \"%s\", \"arch\": \"%s\", \"type\": \"%s\", "
	       "\"file_mb\": %.1f, \"load_ms\": %.2f, \"runs\": [",
	       path, label ? label : "", infer_model_info(m)->arch,
	       gguf_type_name(infer_model_info(m)->main_type),
	       (double)infer_model_info(m)->file_size / (1 << 20), load_ms);
	for (const char *t = threads; *t;) {
		/* a number: that many threads for everything; "auto": all CPUs,
		 * with the engine choosing per kind of evaluation */
		const bool autot = !strncmp(t, "auto", 4);
		const int nth = autot ? 0 : atoi(t);
		struct infer_ctx_params p = {.n_ctx = 2048, .n_threads = nth, .fixed_threads = !autot};
		int used_pp = 0, used_tg = 0;
		char tname[16];

		snprintf(tname, sizeof(tname), "%s", autot ? "auto" : "");
		if (!autot)
			snprintf(tname, sizeof(tname), "%d", nth);

		c = infer_ctx_new(m, &p, &err);
		if (!c) {
			fprintf(stderr, "infer_bench: %s\n", err.msg);
			return 1;
		}
		/* warm-up: touches every weight page once */
		if (infer_prefill(c, prompt, 32, 0, &err) < 0) {
			fprintf(stderr, "infer_bench: %s\n", err.msg);
			return 1;
		}
		for (r = 0; r < reps; r++) {
			double a, ac;

			infer_truncate(c, 0);
			a = (1e3 * bench_now());
			ac = cpu_ms();
			infer_prefill(c, prompt, 256, 0, &err);
			used_pp = infer_ctx_last_threads(c);
			pp[r] = 256 / (((1e3 * bench_now()) - a) / 1e3);
			ppc[r] = 256 / ((cpu_ms() - ac) / 1e3);
			infer_truncate(c, 0);
			a = (1e3 * bench_now());
			ac = cpu_ms();
			for (i = 0; i < 32; i++)
				infer_decode(c, prompt[i], &err);
			used_tg = infer_ctx_last_threads(c);
			tg[r] = 32 / (((1e3 * bench_now()) - a) / 1e3);
			tgc[r] = 32 / ((cpu_ms() - ac) / 1e3);
		}
		printf("%s{\"threads\": \"%s\", \"kernels\": \"%s\", \"last_threads_pp\": %d, "
		       "\"last_threads_tg\": %d, \"pp256_median\": %.1f, "
		       "\"pp256_p95_low\": %.1f, \"tg32_median\": %.1f, \"tg32_p95_low\": %.1f, "
		       "\"pp256_per_cpu_s\": %.1f, \"tg32_per_cpu_s\": %.1f}",
		       first ? "" : ", ", tname, infer_ctx_kernels(c), used_pp, used_tg,
		       bench_quantile(pp, (size_t)reps, 0.5),
		       bench_quantile(pp, (size_t)reps, 0.05), bench_quantile(tg, (size_t)reps, 0.5), bench_quantile(tg, (size_t)reps, 0.05), bench_quantile(ppc, (size_t)reps, 0.5),
		       bench_quantile(tgc, (size_t)reps, 0.5));
		first = 0;
		infer_ctx_free(c);
		t = strchr(t, ',');
		t = t ? t + 1 : "";
	}
	printf("], \"peak_rss_mb\": %.1f}\n", proc_peak_rss_mb());
	free(pp);
	free(tg);
	free(ppc);
	free(tgc);
	infer_model_close(m);
	return 0;
}
