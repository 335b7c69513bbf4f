/*
 * cmd_stats.c: `caro stats [--json]`, how caro has done for this user,
 * computed from the local history (nothing leaves the machine): requests
 * per engine, latency percentiles per engine with cache hits and misses
 * apart, the cache hit rate, the share answered without a model, what
 * became of the commands, and a latency histogram.
 */
#include "caro.h"

#include "store.h"

#include <cjson/cJSON.h>

#define BAR_WIDTH 40

enum { OPT_S_JSON = 100 };

static const struct opt_spec stats_opts[] = {
	{"json", 0, false, OPT_S_JSON},
	{NULL, 0, false, 0},
};

static bool stats_json;

static void on_stats_opt(struct app *app, int id, const char *arg)
{
	UNUSED(app);
	UNUSED(arg);
	if (id == OPT_S_JSON)
		stats_json = true;
}

static double share(int64_t part, int64_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

/* Requests per engine (hits and misses together), summed from the groups. */
static int64_t engine_total(const struct store_stats *s, size_t i)
{
	int64_t n = 0;

	for (size_t j = 0; j < s->n_groups; j++)
		if (str_eq(s->groups[j].engine, s->groups[i].engine))
			n += s->groups[j].n;
	return n;
}

static bool first_of_engine(const struct store_stats *s, size_t i)
{
	return i == 0 || !str_eq(s->groups[i - 1].engine, s->groups[i].engine);
}

static void hist_label(size_t b, char *out, size_t cap)
{
	double lo = b ? store_hist_bounds[b - 1] : 0;

	if (b == STORE_HIST_BUCKETS - 1)
		snprintf(out, cap, ">= %g ms", lo);
	else
		snprintf(out, cap, "%g-%g ms", lo, store_hist_bounds[b]);
}

static void print_json_stats(const struct app *app, const struct store_stats *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *cache, *dec, *engines, *per, *hist;
	char when[32];

	cJSON_AddNumberToObject(o, "requests", (double)s->requests);
	cJSON_AddNumberToObject(o, "answered", (double)s->answered);
	cJSON_AddNumberToObject(o, "without_model", (double)s->without_model);
	cJSON_AddNumberToObject(o, "without_model_share", share(s->without_model, s->answered));
	if (s->requests) {
		format_time_ms(s->first_ms, true, when, sizeof(when));
		cJSON_AddStringToObject(o, "first", when);
		format_time_ms(s->last_ms, true, when, sizeof(when));
		cJSON_AddStringToObject(o, "last", when);
	} else {
		cJSON_AddNullToObject(o, "first");
		cJSON_AddNullToObject(o, "last");
	}
	cache = cJSON_AddObjectToObject(o, "cache");
	cJSON_AddNumberToObject(cache, "hits", (double)s->cache_hits);
	cJSON_AddNumberToObject(cache, "misses", (double)s->cache_misses);
	cJSON_AddNumberToObject(cache, "hit_rate",
				share(s->cache_hits, s->cache_hits + s->cache_misses));
	cJSON_AddNumberToObject(cache, "entries", (double)s->cache_entries);
	cJSON_AddNumberToObject(cache, "max_entries", (double)app->cfg.cache_max_entries);
	dec = cJSON_AddObjectToObject(o, "decisions");
	cJSON_AddNumberToObject(dec, "ran", (double)s->ran);
	cJSON_AddNumberToObject(dec, "shown", (double)s->shown);
	cJSON_AddNumberToObject(dec, "declined", (double)s->declined);
	cJSON_AddNumberToObject(dec, "edited", (double)s->edited);
	cJSON_AddNumberToObject(dec, "blocked", (double)s->blocked);
	cJSON_AddNumberToObject(dec, "none", (double)s->unanswered);
	per = cJSON_AddObjectToObject(o, "requests_per_engine");
	engines = cJSON_AddArrayToObject(o, "latency");
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct store_group *g = &s->groups[i];
		cJSON *e = cJSON_CreateObject();

		if (first_of_engine(s, i))
			cJSON_AddNumberToObject(per, g->engine, (double)engine_total(s, i));
		cJSON_AddStringToObject(e, "engine", g->engine);
		cJSON_AddBoolToObject(e, "cached", g->cached);
		cJSON_AddNumberToObject(e, "count", (double)g->n);
		cJSON_AddNumberToObject(e, "p50_ms", ui_ms(g->p50));
		cJSON_AddNumberToObject(e, "p95_ms", ui_ms(g->p95));
		cJSON_AddNumberToObject(e, "p99_ms", ui_ms(g->p99));
		cJSON_AddNumberToObject(e, "mean_ms", ui_ms(g->mean));
		cJSON_AddNumberToObject(e, "max_ms", ui_ms(g->max));
		cJSON_AddItemToArray(engines, e);
	}
	hist = cJSON_AddArrayToObject(o, "histogram");
	for (size_t b = 0; b < STORE_HIST_BUCKETS; b++) {
		cJSON *h = cJSON_CreateObject();

		if (b + 1 < STORE_HIST_BUCKETS)
			cJSON_AddNumberToObject(h, "below_ms", store_hist_bounds[b]);
		else
			cJSON_AddNullToObject(h, "below_ms");
		cJSON_AddNumberToObject(h, "count", (double)s->hist[b]);
		cJSON_AddItemToArray(hist, h);
	}
	ui_print_json(o);
}

static void print_plain_stats(const struct app *app, const struct store_stats *s)
{
	int64_t top = 0;
	size_t lo = STORE_HIST_BUCKETS, hi = 0;
	char when[32], when2[32];

	if (!s->requests) {
		printf("no requests recorded yet%s\n",
		       app->cfg.history_enabled ? "" : " (history.enabled is false)");
		return;
	}
	format_time_ms(s->first_ms, false, when, sizeof(when));
	format_time_ms(s->last_ms, false, when2, sizeof(when2));
	printf("%lld requests from %s to %s\n\n", (long long)s->requests, when, when2);
	printf("answered         %lld (%.1f%%)\n", (long long)s->answered,
	       100 * share(s->answered, s->requests));
	printf("without a model  %lld (%.1f%% of answered: pattern engine or cache)\n",
	       (long long)s->without_model, 100 * share(s->without_model, s->answered));
	printf("cache            %.1f%% hit rate (%lld hits, %lld misses), %lld answers kept "
	       "of %lld\n", 100 * share(s->cache_hits, s->cache_hits + s->cache_misses),
	       (long long)s->cache_hits, (long long)s->cache_misses, (long long)s->cache_entries,
	       (long long)app->cfg.cache_max_entries);
	printf("decisions        ran %lld, shown %lld, declined %lld, edited %lld, blocked %lld, "
	       "no command %lld\n", (long long)s->ran, (long long)s->shown, (long long)s->declined,
	       (long long)s->edited, (long long)s->blocked, (long long)s->unanswered);
	if (s->n_groups) {
		printf("\nlatency, request start to rated answer (ms)\n");
		printf("  %-18s %8s %9s %9s %9s %9s\n", "engine", "requests", "p50", "p95", "p99",
		       "mean");
	}
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct store_group *g = &s->groups[i];
		char name[48];

		snprintf(name, sizeof(name), "%s%s", g->engine, g->cached ? " (cache hit)" : "");
		printf("  %-18s %8lld %9.2f %9.2f %9.2f %9.2f\n", name, (long long)g->n, g->p50,
		       g->p95, g->p99, g->mean);
	}
	for (size_t b = 0; b < STORE_HIST_BUCKETS; b++) {
		if (!s->hist[b])
			continue;
		top = MAX(top, s->hist[b]);
		lo = MIN(lo, b);
		hi = b;
	}
	if (!top)
		return;
	printf("\nlatency histogram\n");
	for (size_t b = lo; b <= hi; b++) {
		char label[32];
		int w = (int)((s->hist[b] * BAR_WIDTH + top - 1) / top);

		hist_label(b, label, sizeof(label));
		printf("  %12s  ", label);
		for (int i = 0; i < BAR_WIDTH; i++)
			putchar(i < w ? '#' : ' ');
		printf(" %lld\n", (long long)s->hist[b]);
	}
}

int cmd_stats(struct app *app, int argc, char **argv)
{
	struct store_stats s;
	struct store *st;
	struct err e;
	int rc;

	cli_parse(app, argc, argv, stats_opts, on_stats_opt);
	if (app->opts.help) {
		printf("usage: %s\n", cmd_find("stats")->usage);
		return EXIT_OK;
	}
	if (app->opts.n_words)
		die(EXIT_USAGE, "stats takes no words");
	app_setup(app);
	st = history_open(app);
	rc = store_stats(st, "match", &s, &e);
	store_close(st);
	if (rc != 0)
		die(EXIT_ERROR, "%s", e.msg);
	if (stats_json || app->json)
		print_json_stats(app, &s);
	else
		print_plain_stats(app, &s);
	return EXIT_OK;
}
