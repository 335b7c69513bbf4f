/*
 * infer_run: run a GGUF model from the command line (the developer's
 * `caro model run` until src/ wires the same thing).
 *
 *   infer_run MODEL.gguf --ids 1,2,3 [-n N] [--temp T] [--seed S]
 *             [--threads T] [--ctx N] [--top-k K] [--top-p P] [--min-p P]
 *
 * Prompts are given as token ids until the tokenizer lands (-p TEXT is
 * refused with that reason). Generated ids stream to stdout as they are
 * produced; the statistics go to stderr: load time (process start to
 * ready to decode), prefill and decode tokens/s, peak RSS.
 */
#include "infer/infer.h"
#include "proc.h"

#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int on_token(void *user, int32_t id)
{
	(void)user;
	printf("%d ", id);
	fflush(stdout);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: infer_run MODEL.gguf --ids 1,2,3 [-n N] [--temp T] [--seed S]\n"
			"                 [--threads T] [--ctx N] [--top-k K] [--top-p P] [--min-p P]\n");
	return 2;
}

int main(int argc, char **argv)
{
	double t0 = now_ms(), t_ready, t1, t2, t3, load_ms;
	const char *path = NULL, *ids_arg = NULL;
	struct infer_sampler_params sp;
	struct infer_ctx_params cp = {.n_ctx = 2048};
	struct infer_gen gen = {.max_tokens = 64, .on_token = on_token};
	struct infer_model *m = NULL;
	struct infer_ctx *c = NULL;
	struct infer_sampler *s = NULL;
	struct err err = {0};
	int32_t *ids = NULL, stop[1];
	int n_ids = 0, i, n_gen = 0, rc = 1;

	infer_sampler_defaults(&sp);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-') {
			path = a;
			continue;
		}
		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--ids"))
			ids_arg = v;
		else if (!strcmp(a, "-p")) {
			fprintf(stderr, "infer_run: -p needs the tokenizer, which is not built yet; "
					"use --ids\n");
			return 2;
		} else if (!strcmp(a, "-n"))
			gen.max_tokens = atoi(v);
		else if (!strcmp(a, "--temp"))
			sp.temp = (float)atof(v);
		else if (!strcmp(a, "--seed"))
			sp.seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--threads"))
			cp.n_threads = atoi(v);
		else if (!strcmp(a, "--ctx"))
			cp.n_ctx = atoi(v);
		else if (!strcmp(a, "--top-k"))
			sp.top_k = atoi(v);
		else if (!strcmp(a, "--top-p"))
			sp.top_p = (float)atof(v);
		else if (!strcmp(a, "--min-p"))
			sp.min_p = (float)atof(v);
		else
			return usage();
	}
	if (!path || !ids_arg || gen.max_tokens < 1)
		return usage();
	ids = xmallocarray(strlen(ids_arg) + 1, sizeof(*ids));
	for (const char *p = ids_arg; *p;) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p) {
			fprintf(stderr, "infer_run: bad --ids near \"%s\"\n", p);
			goto out;
		}
		ids[n_ids++] = (int32_t)v;
		p = *end == ',' ? end + 1 : end;
	}

	m = infer_model_open(path, &err);
	if (!m)
		goto fail;
	c = infer_ctx_new(m, &cp, &err);
	if (!c)
		goto fail;
	t_ready = now_ms();
	load_ms = proc_uptime_ms() - (now_ms() - t_ready);
	if (load_ms < 0)
		load_ms = t_ready - t0;
	s = infer_sampler_new(&sp, infer_model_info(m)->n_vocab);
	stop[0] = infer_model_info(m)->eos_id;
	gen.stop_ids = stop;
	gen.n_stop_ids = stop[0] >= 0;

	t1 = now_ms();
	if (infer_prefill(c, ids, n_ids, 0, &err) < 0)
		goto fail;
	t2 = now_ms();
	if (infer_generate(c, s, &gen, &n_gen, &err) < 0)
		goto fail;
	t3 = now_ms();
	printf("\n");
	fprintf(stderr,
		"infer_run: %s, %s kernels, %d threads\n"
		"load %.1f ms | prefill %d tokens %.1f tok/s | decode %d tokens %.1f tok/s | "
		"peak RSS %.1f MB\n",
		infer_model_info(m)->arch, infer_ctx_kernels(c), infer_ctx_threads(c), load_ms, n_ids,
		n_ids / ((t2 - t1) / 1e3), n_gen, n_gen > 1 ? (n_gen - 1) / ((t3 - t2) / 1e3) : 0.0,
		proc_peak_rss_mb());
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "infer_run: %s\n", err.msg);
out:
	infer_sampler_free(s);
	infer_ctx_free(c);
	infer_model_close(m);
	free(ids);
	return rc;
}
