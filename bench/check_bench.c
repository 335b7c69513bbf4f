/*
 * check_bench.c: time safety_check per command over the dev set.
 *
 *   build/rel/bench/check_bench [out.json] [reps] [commands]
 *
 * Reads $CARO_SHARED/eval/dev_safety.tsv (default ../shared), or a file of
 * one command per line (bench/commands.txt, what `make bench` uses), checks every
 * command reps times (default 200), timing each call, and reports the
 * median, p95 and p99 of all calls in microseconds, plus the parse-only
 * share and the time to reject a 1 MB command and 10,000 nested
 * parentheses. Writes JSON to out.json (default build/bench-check.json)
 * and a summary to stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include "common.h"
#include "safety/safety.h"
#include "shell/shell.h"
#include "bench.h"

/* Median time of reps checks of one command. */
static double time_one(const char *cmd, size_t len, int reps, enum risk *risk)
{
	double *t = xmallocarray((size_t)reps, sizeof(*t)), m;
	struct safety_verdict v;
	struct err e;
	int r;

	for (r = 0; r < reps; r++) {
		double t0 = 1e6 * bench_now();

		safety_check(cmd, len, NULL, &v, &e);
		t[r] = 1e6 * bench_now() - t0;
	}
	*risk = v.risk;
	m = bench_summarize(t, (size_t)reps).median;
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	const char *out_path = argc > 1 ? argv[1] : "build/bench-check.json";
	int reps = argc > 2 ? atoi(argv[2]) : 200;
	const char *shared = getenv("CARO_SHARED");
	char path[1024], line[8192];
	char **cmds = NULL;
	size_t n = 0, cap = 0, i, k = 0;
	double *t, *tp;
	struct bench_stats all, parse;
	struct shell_tree tree;
	struct safety_verdict v;
	struct err e;
	double big_us, deep_us, deep2_us;
	enum risk big_risk, deep_risk, deep2_risk;
	char *big;
	FILE *f;

	if (reps < 10)
		reps = 10;
	if (argc > 3)
		snprintf(path, sizeof(path), "%s", argv[3]);
	else
		snprintf(path, sizeof(path), "%s/eval/dev_safety.tsv", shared ? shared : "../shared");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "check_bench: cannot open %s\n", path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		/* expect<TAB>command<TAB>note (the dev set) or one command per
		 * line (bench/commands.txt) */
		char *cmd = strchr(line, '\t'), *end;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		cmd = cmd ? cmd + 1 : line;
		end = strchr(cmd, '\t');
		if (end)
			*end = '\0';
		else
			cmd[strcspn(cmd, "\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			cmds = xrealloc(cmds, cap * sizeof(*cmds));
		}
		cmds[n++] = xstrdup(cmd);
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "check_bench: no commands in %s\n", path);
		return 1;
	}

	/* Warm up, then interleave commands within each repetition so that
	 * noise from the shared machine spreads over all of them. */
	for (i = 0; i < n; i++)
		safety_check(cmds[i], strlen(cmds[i]), NULL, &v, &e);
	t = xmallocarray(n * (size_t)reps, sizeof(*t));
	tp = xmallocarray(n * (size_t)reps, sizeof(*tp));
	shell_tree_init(&tree);
	for (int r = 0; r < reps; r++) {
		for (i = 0; i < n; i++) {
			size_t len = strlen(cmds[i]);
			double t0 = 1e6 * bench_now(), t1;

			safety_check(cmds[i], len, NULL, &v, &e);
			t1 = 1e6 * bench_now();
			shell_parse(&tree, cmds[i], len, 0, &e);
			tp[k] = 1e6 * bench_now() - t1;
			t[k++] = t1 - t0;
		}
	}
	shell_tree_release(&tree);
	all = bench_summarize(t, k);
	parse = bench_summarize(tp, k);

	big = xmalloc((1 << 20) + 1);
	memset(big, 'a', 1 << 20);
	big_us = time_one(big, 1 << 20, 20, &big_risk);
	memset(big, '(', 10000);
	deep_us = time_one(big, 10000, 20, &deep_risk);
	/* Balanced 10,000-deep parentheses around a command. */
	memset(big + 10000, ')', 10000);
	big[9999] = 'a';
	deep2_us = time_one(big, 20000, 20, &deep2_risk);
	free(big);

	printf("safety_check over %zu dev commands x %d reps (%zu calls)\n", n, reps, k);
	printf("  check  median %.2f us  p95 %.2f us  p99 %.2f us  max %.1f us\n", all.median,
	       all.p95, all.p99, all.max);
	printf("  parse  median %.2f us  p95 %.2f us  p99 %.2f us\n", parse.median, parse.p95,
	       parse.p99);
	printf("  1 MB command:            %.2f us (%s)\n", big_us, safety_risk_name(big_risk));
	printf("  10,000 '(' :             %.2f us (%s)\n", deep_us, safety_risk_name(deep_risk));
	printf("  10,000 balanced ( ) :    %.2f us (%s)\n", deep2_us, safety_risk_name(deep2_risk));

	f = fopen(out_path, "w");
	if (!f) {
		fprintf(stderr, "check_bench: cannot write %s\n", out_path);
		return 1;
	}
	fprintf(f,
		"{\n  \"bench\": \"check\",\n  \"commands\": %zu,\n  \"reps\": %d,\n  \"calls\": %zu,\n"
		"  \"check_us\": {\"median\": %.3f, \"p95\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
		"  \"parse_us\": {\"median\": %.3f, \"p95\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
		"  \"reject_1mb_us\": %.3f,\n  \"reject_1mb_risk\": \"%s\",\n"
		"  \"reject_10k_open_parens_us\": %.3f,\n  \"reject_10k_open_parens_risk\": \"%s\",\n"
		"  \"reject_10k_nested_parens_us\": %.3f,\n  \"reject_10k_nested_parens_risk\": \"%s\",\n"
		"  \"budget_us\": {\"median\": 10, \"p99\": 50},\n"
		"  \"within_budget\": %s\n}\n",
		n, reps, k, all.median, all.p95, all.p99, all.max, parse.median, parse.p95, parse.p99,
		parse.max, big_us, safety_risk_name(big_risk), deep_us, safety_risk_name(deep_risk),
		deep2_us, safety_risk_name(deep2_risk),
		all.median < 10 && all.p99 < 50 ? "true" : "false");
	fclose(f);
	for (i = 0; i < n; i++)
		free(cmds[i]);
	free(cmds);
	free(t);
	free(tp);
	return 0;
}
