/*
 * cmd_history.c: `caro history`, the requests caro was asked and what
 * became of them, and the glue through which the request flow writes them.
 *
 *   caro history [-n N] [--search TEXT] [--json]   newest N (default 20,
 *                                                  0 for all), oldest first
 *   caro history --clear [-y]                      delete history and cache
 *
 * History lives in lib/store: a request appends to a spool file, and this
 * command moves the spool into caro.db before reading.
 */
#include "caro.h"

#include "store.h"

#include <cjson/cJSON.h>
#include <time.h>

#define HISTORY_DEFAULT_COUNT 20

enum { OPT_H_COUNT = 100, OPT_H_JSON, OPT_H_SEARCH, OPT_H_CLEAR };

static const struct opt_spec history_opts[] = {
	{"count", 'n', true, OPT_H_COUNT},
	{"json", 0, false, OPT_H_JSON},
	{"search", 's', true, OPT_H_SEARCH},
	{"clear", 0, false, OPT_H_CLEAR},
	{NULL, 0, false, 0},
};

static struct {
	long count;
	const char *search;
	bool json;
	bool clear;
} hopt = {HISTORY_DEFAULT_COUNT, NULL, false, false};

void app_store_opts(const struct app *app, struct store_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_entries = app->cfg.cache_max_entries;
	o->ttl_days = app->cfg.cache_ttl_days;
}

void history_record(struct app *app, const struct store_entry *e)
{
	struct store_opts so;
	struct err err;
	int rc = 0;

	if (!app->cache_dir_ok)
		return; /* app_setup has warned */
	app_store_opts(app, &so);
	if (app->cfg.history_enabled)
		rc = store_history_add(app->cache_dir, e, &so, &err);
	else if (e->cache == STORE_CACHE_HIT && e->khash)
		rc = store_touch_add(app->cache_dir, e->khash, &so, &err);
	if (rc != 0)
		warnf("%s: %s", app->cfg.history_enabled ? "history not saved" :
		      "cache use not recorded", err.msg);
}

struct store *history_open(struct app *app)
{
	struct store_opts so;
	struct store *st;
	struct buf warn = BUF_INIT;
	struct err e;

	if (!app->cache_dir_ok)
		die(EXIT_ERROR, "no history: the cache directory cannot be used");
	app_store_opts(app, &so);
	if (store_open(&st, app->cache_dir, &so, &warn, &e) != 0)
		die(EXIT_ERROR, "cannot open the history: %s", e.msg);
	if (warn.len)
		warnf("%s", warn.s);
	buf_release(&warn);
	if (store_ingest(st, &e) != 0)
		warnf("the newest requests may be missing: %s", e.msg);
	return st;
}

void format_time_ms(int64_t ms, bool iso, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (iso) {
		gmtime_r(&t, &tm);
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else {
		localtime_r(&t, &tm);
		strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
	}
}

static void on_history_opt(struct app *app, int id, const char *arg)
{
	char *end;

	UNUSED(app);
	switch (id) {
	case OPT_H_COUNT:
		hopt.count = strtol(arg, &end, 10);
		if (!*arg || *end || hopt.count < 0 || hopt.count > 100000000)
			die(EXIT_USAGE, "-n: expected a count (0 for all), got '%.40s'", arg);
		break;
	case OPT_H_JSON: hopt.json = true; break;
	case OPT_H_SEARCH: hopt.search = arg; break;
	case OPT_H_CLEAR: hopt.clear = true; break;
	}
}

/* Print s on one line: control characters (a newline in a command, or an
 * escape sequence someone typed) are shown escaped, never interpreted. */
static void put_text(const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static int print_plain(void *ud, const struct store_entry *e)
{
	bool *any_cached = ud;
	char when[32], result[32], engine[40];

	format_time_ms(e->ts_ms, false, when, sizeof(when));
	if (e->exit_status >= 0)
		snprintf(result, sizeof(result), "%s:%d", store_decision_name(e->decision),
			 e->exit_status);
	else
		snprintf(result, sizeof(result), "%s", store_decision_name(e->decision));
	snprintf(engine, sizeof(engine), "%s%s", e->engine ? e->engine : "-",
		 e->cache == STORE_CACHE_HIT ? "*" : "");
	*any_cached |= e->cache == STORE_CACHE_HIT;
	printf("%6lld  %s  %-10s %-8s ", (long long)e->id, when, result, engine);
	put_text(e->command ? e->command : "-");
	fputs("  # ", stdout);
	put_text(e->request);
	putchar('\n');
	return 0;
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static int add_json(void *ud, const struct store_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *timing;
	char when[32];

	format_time_ms(e->ts_ms, true, when, sizeof(when));
	cJSON_AddNumberToObject(o, "id", (double)e->id);
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddNumberToObject(o, "ts_ms", (double)e->ts_ms);
	add_str_or_null(o, "cwd", e->cwd);
	cJSON_AddStringToObject(o, "request", e->request);
	add_str_or_null(o, "command", e->command);
	add_str_or_null(o, "engine", e->engine);
	cJSON_AddBoolToObject(o, "cached", e->cache == STORE_CACHE_HIT);
	cJSON_AddStringToObject(o, "cache", store_cache_use_name(e->cache));
	add_str_or_null(o, "risk", e->risk);
	cJSON_AddStringToObject(o, "decision", store_decision_name(e->decision));
	if (e->exit_status >= 0)
		cJSON_AddNumberToObject(o, "exit_status", e->exit_status);
	else
		cJSON_AddNullToObject(o, "exit_status");
	add_str_or_null(o, "platform", e->platform);
	add_str_or_null(o, "shell", e->shell);
	timing = cJSON_AddObjectToObject(o, "timing_ms");
	cJSON_AddNumberToObject(timing, "total", ui_ms(e->total_ms));
	cJSON_AddNumberToObject(timing, "generate", ui_ms(e->generate_ms));
	cJSON_AddNumberToObject(timing, "check", ui_ms(e->check_ms));
	cJSON_AddItemToArray(ud, o);
	return 0;
}

static int clear(struct app *app, struct store *st, bool json)
{
	int64_t nh = 0, nc = 0;
	struct err e;

	if (store_counts(st, &nh, &nc, &e) != 0)
		die(EXIT_ERROR, "%s", e.msg);
	if (!app->opts.yes) {
		char prompt[160];

		if (!app->tty_in || !app->tty_err)
			die(EXIT_USAGE, "history --clear asks first: run it on a terminal, "
			    "or add --yes");
		snprintf(prompt, sizeof(prompt),
			 "Delete %lld history entries and %lld cached answers? [y/N]",
			 (long long)nh, (long long)nc);
		if (ui_menu(app, prompt, "yN", "y deletes them, N or Enter keeps them") != 'y') {
			fprintf(stderr, "caro: nothing deleted\n");
			return EXIT_REFUSED;
		}
	}
	if (store_clear(st, &e) != 0)
		die(EXIT_ERROR, "%s", e.msg);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "deleted_history", (double)nh);
		cJSON_AddNumberToObject(o, "deleted_cache", (double)nc);
		ui_print_json(o);
	} else {
		printf("deleted %lld history entries and %lld cached answers\n", (long long)nh,
		       (long long)nc);
	}
	return EXIT_OK;
}

int cmd_history(struct app *app, int argc, char **argv)
{
	struct store_query q;
	struct store *st;
	struct err e;
	bool json, any_cached = false;
	int rc;

	cli_parse(app, argc, argv, history_opts, on_history_opt);
	if (app->opts.help) {
		printf("usage: %s\n", cmd_find("history")->usage);
		return EXIT_OK;
	}
	if (app->opts.n_words)
		die(EXIT_USAGE, "history takes no words (to look for text: --search TEXT)");
	app_setup(app);
	json = hopt.json || app->json;
	st = history_open(app);
	if (hopt.clear) {
		rc = clear(app, st, json);
		store_close(st);
		return rc;
	}
	if (!app->cfg.history_enabled)
		warnf("history is off (history.enabled = false): nothing new is recorded");
	q.limit = (size_t)hopt.count;
	q.search = hopt.search;
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON *entries = cJSON_AddArrayToObject(o, "entries");

		rc = store_history_each(st, &q, add_json, entries, &e);
		cJSON_AddNumberToObject(o, "count", cJSON_GetArraySize(entries));
		if (rc == 0)
			ui_print_json(o);
		else
			cJSON_Delete(o);
	} else {
		rc = store_history_each(st, &q, print_plain, &any_cached, &e);
		if (rc == 0 && any_cached)
			printf("(* answered from the cache)\n");
	}
	store_close(st);
	if (rc != 0)
		die(EXIT_ERROR, "%s", e.msg);
	return EXIT_OK;
}
