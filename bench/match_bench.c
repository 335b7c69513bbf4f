/*
 * match_bench.c: time match_request per request over a request set.
 *
 *   match_bench [FILE] [-r REPS] [-o OUT.json]
 *
 * FILE is JSONL with a "query" per line (the dev set; the default is
 * $CARO_SHARED/eval/dev_nl.jsonl) or plain text with one request per line
 * and # comments (bench/requests.txt, what `make bench` uses). Each request
 * is matched REPS times (default 200) for the linux target, every call
 * timed on its own; the report gives median, p95 and p99 in microseconds,
 * plus one 100 KB request (the linearity check) timed 20 times. The JSON
 * goes to OUT (default build/bench-match.json) and a summary to stdout.
 */
#include "match/match.h"
#include "bench.h"

#include <cjson/cJSON.h>

#define MAX_REQS 4096

static double time_one(const char *q, size_t len, const struct match_opts *o)
{
	struct match_result r;
	struct err err;
	double t0 = 1e6 * bench_now();

	match_request(q, len, o, &r, &err);
	t0 = 1e6 * bench_now() - t0;
	match_result_release(&r);
	return t0;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *out = "build/bench-match.json";
	char path[1024], line[65536];
	char *reqs[MAX_REQS];
	size_t nreq = 0, reps = 200, n = 0, big_len = 100 * 1024;
	double *t, bigt[20];
	struct platform p;
	struct match_opts o;
	struct err err = {0};
	FILE *f;
	char *big;
	cJSON *j;

	for (int i = 1; i < argc; i++) {
		if (str_eq(argv[i], "-r") && i + 1 < argc)
			reps = (size_t)atoi(argv[++i]);
		else if (str_eq(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else
			file = argv[i];
	}
	if (!file) {
		const char *sh = getenv("CARO_SHARED");

		snprintf(path, sizeof(path), "%s/eval/dev_nl.jsonl", sh ? sh : "../shared");
		file = path;
	}
	f = fopen(file, "r");
	if (!f) {
		perror(file);
		return 1;
	}
	while (nreq < MAX_REQS && fgets(line, sizeof(line), f)) {
		cJSON *d, *q;

		if (line[0] != '{') {
			line[strcspn(line, "\n")] = '\0';
			if (line[0] && line[0] != '#')
				reqs[nreq++] = xstrdup(line);
			continue;
		}
		d = cJSON_Parse(line);
		q = d ? cJSON_GetObjectItem(d, "query") : NULL;
		if (cJSON_IsString(q))
			reqs[nreq++] = xstrdup(q->valuestring);
		cJSON_Delete(d);
	}
	fclose(f);
	if (nreq == 0 || reps == 0) {
		fprintf(stderr, "match_bench: no requests\n");
		return 1;
	}
	platform_target(&p, "linux", &err);
	o.plat = &p;
	o.max_candidates = 1;
	time_one("warm up", 7, &o); /* builds the tables once */
	t = xmallocarray(nreq * reps, sizeof(double));
	for (size_t r = 0; r < reps; r++)
		for (size_t i = 0; i < nreq; i++)
			t[n++] = time_one(reqs[i], strlen(reqs[i]), &o);
	bench_sort(t, n);

	/* A 100 KB request of words: must stay linear (the engine declines it). */
	big = xmalloc(big_len + 1);
	for (size_t i = 0; i < big_len; i++)
		big[i] = "find big files "[i % 15];
	big[big_len] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bigt); i++)
		bigt[i] = time_one(big, big_len, &o);
	bench_sort(bigt, ARRAY_SIZE(bigt));

	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "bench", "match_request");
	cJSON_AddNumberToObject(j, "requests", (double)nreq);
	cJSON_AddNumberToObject(j, "reps", (double)reps);
	cJSON_AddNumberToObject(j, "median_us", bench_pct(t, n, 0.5));
	cJSON_AddNumberToObject(j, "p95_us", bench_pct(t, n, 0.95));
	cJSON_AddNumberToObject(j, "p99_us", bench_pct(t, n, 0.99));
	cJSON_AddNumberToObject(j, "max_us", t[n - 1]);
	cJSON_AddNumberToObject(j, "big_request_bytes", (double)big_len);
	cJSON_AddNumberToObject(j, "big_request_median_us", bench_pct(bigt, ARRAY_SIZE(bigt), 0.5));
	cJSON_AddNumberToObject(j, "big_request_max_us", bigt[ARRAY_SIZE(bigt) - 1]);
	{
		char *s = cJSON_Print(j);
		FILE *w = fopen(out, "w");

		if (w) {
			fprintf(w, "%s\n", s);
			fclose(w);
		} else {
			perror(out);
		}
		printf("match_request over %zu requests x %zu: median %.2f us, p95 %.2f us, p99 %.2f us;"
		       " 100 KB request: median %.1f us, max %.1f us\n",
		       nreq, reps, bench_pct(t, n, 0.5), bench_pct(t, n, 0.95), bench_pct(t, n, 0.99),
		       bench_pct(bigt, ARRAY_SIZE(bigt), 0.5), bigt[ARRAY_SIZE(bigt) - 1]);
		free(s);
	}
	cJSON_Delete(j);
	free(big);
	free(t);
	for (size_t i = 0; i < nreq; i++)
		free(reqs[i]);
	return 0;
}
