/*
 * cli.c: global options, their parsing, and the set-up every command shares.
 *
 * Options may come before or after the words of a request (`caro find big
 * files -o json`), as getopt's permutation allows, until "--", after which
 * everything is a word. Command-line values override CARO_* variables,
 * which override config.toml.
 */
#include "caro.h"

#include "log.h"
#include "paths.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_OUTPUT = 1, OPT_BACKEND, OPT_PLATFORM, OPT_SHELL, OPT_EXECUTE, OPT_YES, OPT_DRY_RUN,
	OPT_SAFETY, OPT_EXPLAIN, OPT_CANDIDATES, OPT_NO_CACHE, OPT_VERBOSE, OPT_CONFIG,
	OPT_VERSION, OPT_HELP, OPT_MODEL, OPT_BENCH_TOKENS, OPT_PRINT_ONLY, OPT_WIDGET, OPT_PICK,
	OPT_HAND_BACK,
};

static const struct opt_spec global_opts[] = {
	{"output", 'o', true, OPT_OUTPUT},
	{"backend", 'b', true, OPT_BACKEND},
	{"platform", 0, true, OPT_PLATFORM},
	{"shell", 0, true, OPT_SHELL},
	{"execute", 'x', false, OPT_EXECUTE},
	{"yes", 'y', false, OPT_YES},
	{"dry-run", 0, false, OPT_DRY_RUN},
	{"safety", 0, true, OPT_SAFETY},
	{"explain", 0, false, OPT_EXPLAIN},
	{"candidates", 'n', true, OPT_CANDIDATES},
	{"no-cache", 0, false, OPT_NO_CACHE},
	{"verbose", 'v', false, OPT_VERBOSE},
	{"config", 0, true, OPT_CONFIG},
	{"version", 'V', false, OPT_VERSION},
	{"help", 'h', false, OPT_HELP},
	{"model", 'm', true, OPT_MODEL},
	{"bench-tokens", 0, true, OPT_BENCH_TOKENS},
	{"print-only", 0, false, OPT_PRINT_ONLY},
	{"widget", 0, false, OPT_WIDGET},
	{"pick", 0, true, OPT_PICK},
	{"hand-back", 0, true, OPT_HAND_BACK},
	{NULL, 0, false, 0},
};

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void on_global(struct app *app, int id, const char *arg, const char *arg_name)
{
	struct opts *o = &app->opts;

	switch (id) {
	case OPT_OUTPUT: o->output = arg; break;
	case OPT_BACKEND: o->backend = arg; break;
	case OPT_PLATFORM: o->platform = arg; break;
	case OPT_SHELL: o->shell = arg; break;
	case OPT_EXECUTE: o->execute = true; break;
	case OPT_YES: o->yes = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_SAFETY: o->safety = arg; break;
	case OPT_EXPLAIN:
		o->explain = true;
		o->explain_mode = arg;
		break;
	case OPT_CANDIDATES: o->candidates = arg; break;
	case OPT_NO_CACHE: o->no_cache = true; break;
	case OPT_VERBOSE: o->verbose++; break;
	case OPT_CONFIG: o->config_file = arg; break;
	case OPT_VERSION: o->version = true; break;
	case OPT_HELP: o->help = true; break;
	case OPT_MODEL: o->model = arg; break;
	case OPT_PRINT_ONLY: o->print_only = true; break;
	case OPT_WIDGET:
		/* Before anything can fail: errors go where the binding reads. */
		o->widget = true;
		ui_set_widget(true);
		log_set_quiet(true);
		break;
	case OPT_HAND_BACK: {
		/* A descriptor is checked now, before caro opens files of its own
		 * that could take its number, and kept from child processes. */
		char *end;
		long n = strtol(arg, &end, 10);
		int fl;

		o->hand_back = arg;
		if (!*arg || *end)
			break;
		fl = n >= 3 && n < 65536 ? fcntl((int)n, F_GETFL) : -1;
		if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
			die(EXIT_USAGE, "%s %s: not a descriptor above 2 open for writing", arg_name, arg);
		fcntl((int)n, F_SETFD, FD_CLOEXEC);
		o->hand_back_fd = (int)n;
		break;
	}
	case OPT_PICK: {
		char *end;
		long n = strtol(arg, &end, 10);

		if (*end || n < 1 || n > 1000000)
			die(EXIT_USAGE, "%s: expected a candidate number from 1", arg_name);
		o->pick = (int)n;
		break;
	}
	case OPT_BENCH_TOKENS: {
		char *end;
		long n = strtol(arg, &end, 10);

		if (*end || n < 1 || n > 4096)
			die(EXIT_USAGE, "%s: expected a token count from 1 to 4096", arg_name);
		o->force_tokens = (int)n;
		break;
	}
	}
}

static const struct opt_spec *find_long(const struct opt_spec *t, const char *name, size_t len)
{
	for (; t && t->id; t++)
		if (t->long_name && strlen(t->long_name) == len && strncmp(t->long_name, name, len) == 0)
			return t;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *t, char c)
{
	for (; t && t->id; t++)
		if (t->short_name && t->short_name == c)
			return t;
	return NULL;
}

static void dispatch(struct app *app, const struct opt_spec *s, bool global, const char *arg,
		     const char *name, void (*on_extra)(struct app *, int, const char *))
{
	if (global)
		on_global(app, s->id, arg, name);
	else
		on_extra(app, s->id, arg);
}

void cli_parse(struct app *app, int argc, char **argv, const struct opt_spec *extra,
	       void (*on_extra)(struct app *app, int id, const char *arg))
{
	struct opts *o = &app->opts;

	o->words = xcalloc((size_t)argc + 1, sizeof(char *));
	o->n_words = 0;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];

		if (o->after_dashdash || a[0] != '-' || a[1] == '\0') {
			o->words[o->n_words++] = a;
			continue;
		}
		if (str_eq(a, "--")) {
			o->after_dashdash = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt_spec *s = find_long(extra, name, len);
			bool global = false;
			const char *arg = NULL;

			if (!s) {
				s = find_long(global_opts, name, len);
				global = true;
			}
			if (!s)
				die(EXIT_USAGE, "unknown option '--%.*s' (see caro --help)", (int)len, name);
			if (s->has_arg) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					die(EXIT_USAGE, "option '--%s' needs a value", s->long_name);
			} else if (eq) {
				/* --explain=model is the one flag with an optional value. */
				if (s->id != OPT_EXPLAIN || !global)
					die(EXIT_USAGE, "option '--%s' takes no value", s->long_name);
				arg = eq + 1;
			}
			dispatch(app, s, global, arg, a, on_extra);
			continue;
		}
		for (char *c = a + 1; *c; c++) {
			const struct opt_spec *s = find_short(extra, *c);
			bool global = false;
			char name[3] = {'-', *c, '\0'};

			if (!s) {
				s = find_short(global_opts, *c);
				global = true;
			}
			if (!s)
				die(EXIT_USAGE, "unknown option '-%c' (see caro --help)", *c);
			if (!s->has_arg) {
				dispatch(app, s, global, NULL, name, on_extra);
				continue;
			}
			if (c[1]) {
				dispatch(app, s, global, c + 1, name, on_extra);
			} else if (i + 1 < argc) {
				dispatch(app, s, global, argv[++i], name, on_extra);
			} else {
				die(EXIT_USAGE, "option '-%c' needs a value", *c);
			}
			break;
		}
	}
	o->words[o->n_words] = NULL;
}

int cli_first_word(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_spec *s = NULL;

		if (str_eq(a, "--"))
			return -1;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (a[1] == '-') {
			if (!strchr(a, '='))
				s = find_long(global_opts, a + 2, strlen(a + 2));
		} else if (a[2] == '\0') {
			s = find_short(global_opts, a[1]);
		}
		if (s && s->has_arg)
			i++;
	}
	return -1;
}

static void config_warning(const char *msg)
{
	warnf("%s", msg);
}

/* Apply one command-line option over the config, as a usage error when
 * the value is bad. */
static void apply_opt(struct app *app, const char *key, const char *val, const char *opt)
{
	struct err e;

	if (val && config_set_value(&app->cfg, key, val, CFG_CLI, &e) != 0) {
		const char *colon = strchr(e.msg, ':');

		die(EXIT_USAGE, "%s%s", opt, colon ? colon : e.msg);
	}
}

void app_setup(struct app *app)
{
	struct opts *o = &app->opts;
	struct err e;
	char warn[512];
	const char *color_env = getenv("NO_COLOR");

	app->tty_in = isatty(0);
	app->tty_out = isatty(1);
	app->tty_err = isatty(2);
	if (o->verbose)
		log_set_level(o->verbose > 1 ? LOG_DEBUG : LOG_INFO);

	if (config_load(&app->cfg, o->config_file, config_warning, &e) != 0)
		die(EXIT_ERROR, "%s", e.msg);
	if (o->config_file && !app->cfg.file_exists)
		die(EXIT_ERROR, "config file %s does not exist", o->config_file);
	apply_opt(app, "output", o->output, "--output");
	apply_opt(app, "backend", o->backend, "--backend");
	apply_opt(app, "platform", o->platform, "--platform");
	apply_opt(app, "shell", o->shell, "--shell");
	apply_opt(app, "safety", o->safety, "--safety");
	apply_opt(app, "candidates", o->candidates, "--candidates");
	apply_opt(app, "model.path", o->model, "--model");

	app->json = str_eq(app->cfg.output, "json");
	if (str_eq(app->cfg.color, "always"))
		app->color = true;
	else if (str_eq(app->cfg.color, "never"))
		app->color = false;
	else
		app->color = app->tty_err && !(color_env && *color_env);
	log_set_color(app->color);
	safety_level_parse(app->cfg.safety, &app->safety);

	if (paths_dir(PATHS_CACHE, app->cache_dir, sizeof(app->cache_dir), &e) == 0 &&
	    paths_mkdir_p(app->cache_dir, &e) == 0) {
		app->cache_dir_ok = true;
	} else {
		warnf("cache disabled: %s", e.msg);
	}

	if (str_eq(app->cfg.platform, "auto")) {
		platform_detect(&app->plat, app->cache_dir_ok ? app->cache_dir : NULL, warn,
				sizeof(warn), &e);
		if (warn[0])
			warnf("%s", warn);
	} else if (platform_target(&app->plat, app->cfg.platform, &e) != 0) {
		die(EXIT_USAGE, "%s", e.msg);
	}
	if (!str_eq(app->cfg.shell, "auto"))
		platform_shell_parse(app->cfg.shell, &app->plat.shell);
	app->shell = app->plat.shell;
}

void app_release(struct app *app)
{
	config_release(&app->cfg);
	free(app->opts.words);
	app->opts.words = NULL;
}

char *read_input(struct app *app, const char *what, size_t max)
{
	struct buf b = BUF_INIT;
	struct opts *o = &app->opts;
	size_t bad, start, end;

	if (o->n_words > 0) {
		for (int i = 0; i < o->n_words; i++) {
			if (i)
				buf_addch(&b, ' ');
			buf_adds(&b, o->words[i]);
			if (b.len > max)
				break;
		}
	} else if (!isatty(0)) {
		char chunk[8192];
		ssize_t n;

		while ((n = read(0, chunk, sizeof(chunk))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				die(EXIT_ERROR, "cannot read the %s from stdin: %s", what, strerror(errno));
			}
			buf_add(&b, chunk, (size_t)n);
			if (b.len > max)
				break;
		}
	} else {
		die(EXIT_USAGE, "no %s given (try: caro \"list the biggest files here\"; see caro --help)",
		    what);
	}
	if (b.len > max)
		die(EXIT_USAGE, "the %s is too long (more than %zu bytes)", what, max);
	if (b.len && memchr(b.s, '\0', b.len))
		die(EXIT_USAGE, "the %s contains binary data (a NUL byte)", what);
	if (!utf8_valid(buf_str(&b), b.len, &bad))
		die(EXIT_USAGE, "the %s is not valid UTF-8 (bad byte at offset %zu)", what, bad);
	/* Trim surrounding whitespace; a request typed over lines reads as one. */
	start = 0;
	end = b.len;
	while (start < end && strchr(" \t\r\n\v\f", b.s[start]))
		start++;
	while (end > start && strchr(" \t\r\n\v\f", b.s[end - 1]))
		end--;
	if (start == end) {
		buf_release(&b);
		die(EXIT_USAGE, "the %s is empty", what);
	}
	memmove(b.s, b.s + start, end - start);
	buf_truncate(&b, end - start);
	return buf_detach(&b);
}
