/*
 * kern_bench: throughput of the matmul kernels on one thread, in
 * multiply-adds per second, for each quantized type: the batched gemm
 * (prefill), dot per row and token, and gemv ("few") over the same
 * tokens, and gemv over one token (decode, with the weights read from
 * memory rather than cache). gemm against few at --tokens 4 to 16 is
 * where the kernel table's gemm_min comes from.
 *
 *   kern_bench [--rows N] [--cols N] [--tokens N] [--reps N] [--cpu]
 *              [--type q8_0] [--op gemm|dot|few|gemv|gemv_dot|attn] [--gemv-mb N]
 *
 * gemv reads a matrix of --gemv-mb MB (default 256: from memory, as in
 * decode; 2 MB: from cache, which shows the kernel's own speed).
 *
 * --op attn times grouped attention instead (the kernels' attn: g = 1
 * and 3 query heads of 64 dimensions sharing one f16 KV head, as
 * SmolLM2's in decode and prefill, over --tokens cached positions), for
 * the reference and this CPU's kernels side by side, in multiply-adds
 * per second (2 * g * n * 64).
 *
 * Times are wall-clock medians; with --cpu they are the thread's CPU time
 * instead, which a busy machine distorts much less (it still shares
 * caches and memory bandwidth). Prints one JSON object per line.
 */
#include "infer/kern.h"
#include "bench.h"

#include <time.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static float frand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (float)((double)(rng >> 11) * 0x1.0p-53 * 2 - 1);
}

static bool use_cpu;

static double now(void)
{
	struct timespec ts;

	clock_gettime(use_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum mode { M_GEMM, M_DOT, M_FEW, M_GEMV, M_GEMV_DOT };

static void run(const struct kern *k, uint32_t type, enum mode mode, int nr, int n, int nt,
		const uint8_t *w, const uint8_t *xq, size_t as, const uint8_t *x8, size_t xs,
		float *out)
{
	const size_t rs = quant_row_size(type, n);
	int r, t, j;

	switch (mode) {
	case M_GEMM:
		k->gemm[type](n, w, rs, nr, x8, xs, nt, out, (size_t)nr, false);
		break;
	case M_DOT:
		for (r = 0; r < nr; r += 16)
			for (t = 0; t < nt; t++)
				for (j = r; j < MIN(nr, r + 16); j++)
					out[t * nr + j] = k->dot[type](n, w + j * rs, xq + t * as);
		break;
	case M_FEW:
		if (k->gemv[type])
			k->gemv[type](n, w, rs, nr, xq, as, nt, out, (size_t)nr, false);
		break;
	case M_GEMV:
		if (k->gemv[type]) {
			k->gemv[type](n, w, rs, nr, xq, as, 1, out, 1, false);
			break;
		}
		/* fall through */
	case M_GEMV_DOT:
		for (r = 0; r < nr; r++)
			out[r] = k->dot[type](n, w + r * rs, xq);
		break;
	}
}

/* grouped attention, reference and arch kernels alternated rep by rep */
static void bench_attn(int n, int reps, int G)
{
	enum { HD = 64, MAXG = 3 };
	const struct kern *ks[2] = {kern_ref(), kern_get()};
	uint16_t *kc = xmallocarray((size_t)n * HD, 2), *vc = xmallocarray((size_t)n * HD, 2);
	float *f = xmallocarray((size_t)n * HD, sizeof(float)), q[MAXG * HD], o[MAXG * HD];
	float *att = xmallocarray((size_t)G * n, sizeof(float));
	double *tm[2] = {xmallocarray((size_t)reps, sizeof(double)),
			 xmallocarray((size_t)reps, sizeof(double))};
	int i, r;

	for (i = 0; i < n * HD; i++)
		f[i] = frand();
	kern_ref()->to_f16(n * HD, f, kc);
	for (i = 0; i < n * HD; i++)
		f[i] = frand();
	kern_ref()->to_f16(n * HD, f, vc);
	for (i = 0; i < G * HD; i++)
		q[i] = frand();
	for (r = 0; r < reps; r++)
		for (i = 0; i < 2; i++) {
			const double t0 = now();

			ks[i]->attn(HD, G, n, q, HD, kc, vc, HD, false, 0.125f, att, o, HD);
			tm[i][r] = now() - t0;
		}
	for (i = 0; i < 2; i++) {
		const double macs = 2.0 * G * n * HD;

		bench_sort(tm[i], (size_t)reps);
		printf("{\"kernels\": \"%s\", \"op\": \"attn\", \"head_dim\": %d, \"heads\": %d, "
		       "\"positions\": %d, \"clock\": \"%s\", \"gmacs_median\": %.2f, "
		       "\"gmacs_best\": %.2f}\n",
		       ks[i]->name, HD, G, n, use_cpu ? "cpu" : "wall", macs / tm[i][reps / 2] / 1e9,
		       macs / tm[i][0] / 1e9);
		free(tm[i]);
	}
	free(kc);
	free(vc);
	free(f);
	free(att);
}

int main(int argc, char **argv)
{
	static const uint32_t types[] = {GGUF_T_Q8_0, GGUF_T_Q4_0, GGUF_T_Q5_0, GGUF_T_Q4_1,
					 GGUF_T_Q5_1, GGUF_T_Q4_K, GGUF_T_Q5_K, GGUF_T_Q6_K};
	static const char *names[] = {"gemm", "dot", "few", "gemv", "gemv_dot"};
	const struct kern *k = kern_get();
	const char *only_type = NULL, *only_op = NULL;
	int nr = 1536, n = 768, nt = 128, reps = 7, gemv_mb = 256, i;
	size_t ti;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rows") && i + 1 < argc)
			nr = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cols") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tokens") && i + 1 < argc)
			nt = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--type") && i + 1 < argc)
			only_type = argv[++i];
		else if (!strcmp(argv[i], "--op") && i + 1 < argc)
			only_op = argv[++i];
		else if (!strcmp(argv[i], "--gemv-mb") && i + 1 < argc)
			gemv_mb = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cpu"))
			use_cpu = true;
		else {
			fprintf(stderr, "usage: kern_bench [--rows N] [--cols N] [--tokens N] [--reps N] "
					"[--cpu]\n");
			return 2;
		}
	}
	if (nr < 1 || nr > 1 << 20 || n < QK_K || n > 1 << 16 || n % QK_K || nt < 4 || nt > 4096 ||
	    reps < 1 || gemv_mb < 1 || gemv_mb > 4096)
		return 2;
	if (only_op && !strcmp(only_op, "attn")) {
		bench_attn(nt, reps * 100, 1);
		bench_attn(nt, reps * 100, 3);
		return 0;
	}
	for (ti = 0; ti < ARRAY_SIZE(types); ti++) {
		if (only_type && strcmp(only_type, quant_type(types[ti])->name))
			continue;
		const uint32_t type = types[ti];
		const struct quant_type *qt = quant_type(type);
		const size_t rs = quant_row_size(type, n), as = quant_act_size(qt->act, n);
		const size_t xs = quant_act8_size(k->gemm_act[type], n);
		/* decode reads a matrix bigger than the caches, as a model does */
		const int gemv_rows =
			only_op && strncmp(only_op, "gemv", 4) ? nr : (int)(((size_t)gemv_mb << 20) / rs);
		uint8_t *w = xmalloc(rs * (size_t)gemv_rows), *xq = xmalloc(as * (size_t)nt);
		uint8_t *x8 = xmalloc(xs * (size_t)(nt + 7) / 8);
		float *f = xmallocarray((size_t)n, sizeof(float));
		float *out = xmallocarray((size_t)MAX((size_t)nt * nr, (size_t)gemv_rows), sizeof(float));
		double *tm = xmallocarray((size_t)reps, sizeof(double));
		int r, t, mode;

		for (r = 0; r < gemv_rows; r++) {
			if (r < 64) {
				for (i = 0; i < n; i++)
					f[i] = frand();
				qt->quant(f, w + (size_t)r * rs, n);
			} else {
				memcpy(w + (size_t)r * rs, w + (size_t)(r % 64) * rs, rs);
			}
		}
		for (t = 0; t < nt; t++) {
			for (i = 0; i < n; i++)
				f[i] = frand();
			(qt->act == ACT_Q8 ? k->quant_q8 : k->quant_q8k)(f, xq + (size_t)t * as, n);
		}
		for (t = 0; t < nt; t += 8)
			quant_act8_pack(k->gemm_act[type], xq + (size_t)t * as, as, MIN(8, nt - t), n,
					x8 + (size_t)t / 8 * xs);
		for (mode = M_GEMM; mode <= M_GEMV_DOT; mode++) {
			const bool one = mode == M_GEMV || mode == M_GEMV_DOT;
			const int rows = one ? gemv_rows : nr;
			const double macs = (double)rows * n * (one ? 1 : nt);

			if ((mode == M_GEMM && !k->gemm[type]) || (mode == M_FEW && !k->gemv[type]) ||
			    (only_op && strcmp(only_op, names[mode])))
				continue;
			run(k, type, mode, rows, n, nt, w, xq, as, x8, xs, out); /* warm-up */
			for (r = 0; r < reps; r++) {
				const double t0 = now();

				run(k, type, mode, rows, n, nt, w, xq, as, x8, xs, out);
				tm[r] = now() - t0;
			}
			bench_sort(tm, (size_t)reps);
			printf("{\"kernels\": \"%s\", \"type\": \"%s\", \"op\": \"%s\", \"rows\": %d, "
			       "\"cols\": %d, \"tokens\": %d, \"clock\": \"%s\", \"gmacs_median\": %.2f, "
			       "\"gmacs_best\": %.2f%s}\n",
			       k->name, qt->name, names[mode], rows, n, one ? 1 : nt,
			       use_cpu ? "cpu" : "wall", macs / tm[reps / 2] / 1e9, macs / tm[0] / 1e9,
			       one ? "" : "");
			if (one)
				printf("{\"kernels\": \"%s\", \"type\": \"%s\", \"op\": \"%s_gbs\", "
				       "\"gbs_median\": %.2f}\n",
				       k->name, qt->name, names[mode], (double)rows * rs / tm[reps / 2] / 1e9);
		}
		free(w);
		free(xq);
		free(x8);
		free(f);
		free(out);
		free(tm);
	}
	return 0;
}
