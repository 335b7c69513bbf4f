/*
 * cmd_ask.c: the request flow. Words in, one command out:
 *
 *   read the request -> engines in order (match, then models, each model
 *   behind the answer cache) -> rate every candidate with the safety
 *   checker, cached ones too -> print (plain or JSON) -> ask, or run with
 *   -x -y when the policy allows -> record it in the history -> pass the
 *   exit status on.
 *
 * Nothing runs unless stdin and stdout are terminals and the user says y,
 * or -x and -y are both given. Blocked commands never run and never reach
 * stdout in plain mode, so `caro ... | sh` cannot run them.
 */
#include "caro.h"

#include "backend/backend.h"
#include "http.h"
#include "log.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct rated {
	char *command;
	char *explanation;
	struct safety_verdict v;
	enum safety_action act;
};

struct answers {
	size_t n;
	char backend[16];
	bool cached;
	enum store_cache_use cache; /* what the answer cache did */
	uint64_t khash;             /* the cache entry used or made */
	struct store *st;           /* opened when a model engine is first tried */
	bool st_tried;
	struct store_key key;       /* of the model engine that answered afresh */
	struct gen_answer fresh;    /* its answer, cached once the user has it */
	double t_generate;
	double t_check;
	double t_ready;             /* start to rated answer, for the history */
	struct err err; /* why nothing was produced, when n == 0 */
	int exit_code;  /* for n == 0 */
	/* Last and never zeroed as a whole (ANSWERS_HEAD): the first n are
	 * filled, the rest are never read, and zeroing ten verdicts costs
	 * 40k instructions a request. */
	struct rated c[GEN_MAX_CANDIDATES];
};
#define ANSWERS_HEAD offsetof(struct answers, c)

static void answers_release(struct answers *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->c[i].command);
		free(a->c[i].explanation);
	}
	a->n = 0;
	gen_answer_release(&a->fresh);
	store_key_release(&a->key);
	store_close(a->st);
	a->st = NULL;
}

/* The answer cache of a model engine: the database is opened on the first
 * model engine, so a pattern-engine answer never pays for it. NULL when
 * the cache is off or unusable (after one warning). */
static struct store *cache_store(struct app *app, struct answers *a)
{
	struct store_opts so;
	struct buf warn = BUF_INIT;
	struct err e;

	if (a->st_tried)
		return a->st;
	a->st_tried = true;
	if (!app->cache_dir_ok || app->cfg.cache_max_entries <= 0)
		return NULL;
	app_store_opts(app, &so);
	if (store_open(&a->st, app->cache_dir, &so, &warn, &e) != 0)
		warnf("answer cache unavailable: %s", e.msg);
	if (warn.len)
		warnf("%s", warn.s);
	buf_release(&warn);
	return a->st;
}

/* Look the request up under this engine's identity; true on a hit, which
 * fills out. Otherwise k is left ready for caching a fresh answer. The
 * answer index comes first: a hit there never opens caro.db. */
static bool cache_get(struct app *app, struct backend *b, const struct gen_request *req,
		      struct answers *out, struct store_key *k)
{
	struct store *st;
	struct buf id = BUF_INIT;
	struct gen_answer ans;
	char fp[17] = "";
	struct err e;
	int rc, irc;

	if (!app->cache_dir_ok || app->cfg.cache_max_entries <= 0)
		return false;
	backend_identity(b, &id);
	if (!req->cwd || store_context_fingerprint(req->cwd, fp, &e) != 0)
		fp[0] = '\0';
	store_key_init(k, req->text, req->plat, req->shell, id.s, fp);
	buf_release(&id);
	if (app->opts.no_cache) {
		/* Not read, but the fresh answer replaces the entry. */
		cache_store(app, out);
		out->cache = STORE_CACHE_BYPASS;
		return false;
	}
	irc = store_index_get(app->cache_dir, k, req->max_candidates, app->cfg.cache_ttl_days, &ans,
			      out->backend, sizeof(out->backend), &out->khash, &e);
	if (irc < 0)
		log_debug("%s", e.msg);
	rc = irc;
	if (irc != 1) {
		st = cache_store(app, out);
		if (!st)
			return false;
		rc = store_cache_get(st, k, req->max_candidates, &ans, out->backend,
				     sizeof(out->backend), &out->khash, &e);
		if (rc < 0)
			warnf("answer cache: %s", e.msg);
		/* The database had it and the index did not exist: make it. */
		if (rc == 1 && irc < 0 && store_index_refresh(st, &e) != 0)
			log_debug("%s", e.msg);
	}
	out->cache = rc == 1 ? STORE_CACHE_HIT : STORE_CACHE_MISS;
	if (rc != 1)
		return false;
	for (size_t i = 0; i < ans.n; i++) {
		out->c[i].command = ans.c[i].command;
		out->c[i].explanation = ans.c[i].explanation;
	}
	out->n = ans.n;
	out->cached = true;
	return true;
}

/* Does a command name the working directory? Then the answer holds only
 * there, whatever the engine says: model prompts carry the directory's
 * path, and a cached `ls /home/u/a` must not answer in /home/u/b. */
static bool names_cwd(const struct gen_answer *ans, const char *cwd)
{
	if (!cwd || !cwd[0] || !cwd[1]) /* "/" is in every absolute path */
		return false;
	for (size_t i = 0; i < ans->n; i++)
		if (strstr(ans->c[i].command, cwd))
			return true;
	return false;
}

/* Exit code for an engine failure that ends the request. */
static int exit_for(const struct err *e)
{
	switch (e->code) {
	case ERR_DECLINED:
	case ERR_UNAVAILABLE:
	case ERR_NET:
	case ERR_TIMEOUT:
	case ERR_HTTP:
		return EXIT_DECLINED;
	case ERR_LIMIT:
	case ERR_USAGE:
		return EXIT_USAGE;
	case ERR_CANCELLED:
		return 128 + SIGINT;
	default:
		return EXIT_ERROR;
	}
}

/* A model's text as it streams in, on one line of the terminal (stderr),
 * cleared once the engine is done. Only the tail that fits is shown, and
 * control characters are blanked so that a model cannot drive the
 * terminal. Widths are counted in bytes, which never undercounts columns. */
struct live {
	char tail[512];
	size_t len;
	size_t width;
	double last_draw;
	bool drawn;
	bool dim;
	struct spinner *spin; /* until the first text arrives */
};

static void live_text(void *ud, const char *piece, size_t len)
{
	struct live *l = ud;
	size_t start;
	double t;

	spinner_stop(l->spin);
	l->spin = NULL;

	if (len >= sizeof(l->tail)) {
		piece += len - sizeof(l->tail);
		len = sizeof(l->tail);
	}
	if (l->len + len > sizeof(l->tail)) {
		size_t drop = l->len + len - sizeof(l->tail);

		memmove(l->tail, l->tail + drop, l->len - drop);
		l->len -= drop;
	}
	for (size_t i = 0; i < len; i++)
		l->tail[l->len++] = (unsigned char)piece[i] < 0x20 || piece[i] == 0x7f ? ' ' : piece[i];
	t = now_ms();
	if (t - l->last_draw < 30)
		return;
	l->last_draw = t;
	start = l->len - MIN(l->len, l->width);
	while (start < l->len && ((unsigned char)l->tail[start] & 0xc0) == 0x80)
		start++;
	fprintf(stderr, "\r\033[K  %s%.*s%s", l->dim ? "\033[2m" : "", (int)(l->len - start),
		l->tail + start, l->dim ? "\033[0m" : "");
	l->drawn = true;
}

static void live_clear(struct live *l)
{
	if (l->drawn)
		fputs("\r\033[K", stderr);
	l->drawn = false;
	l->len = 0;
}

static volatile sig_atomic_t interrupts;

/* The first Ctrl-C stops the request in flight cleanly (ERR_CANCELLED);
 * a second one, for an engine that does not listen, kills as usual. */
static void on_sigint(int sig)
{
	if (interrupts++) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	http_cancel();
}

/* Try one engine; true when it produced an answer. */
static bool try_engine(struct app *app, const struct backend_ops *ops, const struct gen_request *req,
		       struct answers *out)
{
	struct gen_answer ans = {0};
	struct backend *b = NULL;
	struct store_key k = {0};
	struct live *l = req->on_text ? req->ud : NULL;
	double t = now_ms();
	int rc;

	if (backend_open(ops, &app->cfg, &b, &out->err) != 0)
		goto fail;
	/* The pattern engine answers faster than the database opens. */
	if (!str_eq(ops->name, "match") && cache_get(app, b, req, out, &k)) {
		out->t_generate += now_ms() - t;
		backend_close(b);
		store_key_release(&k);
		log_info("cache answered in %.3f ms (made by %s)", now_ms() - t, out->backend);
		return true;
	}
	/* Model engines take a while: a spinner until their text shows. */
	if (l && !str_eq(ops->name, "match"))
		l->spin = spinner_start(app, str_eq(ops->name, "local") ? "asking the local model" :
					"asking the server");
	rc = backend_generate(b, req, &ans, &out->err);
	if (l) {
		spinner_stop(l->spin);
		l->spin = NULL;
	}
	if (rc != 0)
		goto fail;
	for (size_t i = 0; i < ans.n; i++) {
		out->c[i].command = xstrdup(ans.c[i].command);
		out->c[i].explanation = ans.c[i].explanation ? xstrdup(ans.c[i].explanation) : NULL;
	}
	out->n = ans.n;
	/* Cached at the end (remember): the user never waits for a lock. */
	if (k.h_base) {
		if (names_cwd(&ans, req->cwd))
			ans.context_dependent = true;
		out->key = k;
		out->fresh = ans;
		memset(&k, 0, sizeof(k));
		memset(&ans, 0, sizeof(ans));
	}
	gen_answer_release(&ans);
	store_key_release(&k);
	snprintf(out->backend, sizeof(out->backend), "%s", ops->name);
	out->t_generate += now_ms() - t;
	backend_close(b);
	log_info("%s answered in %.3f ms", ops->name, now_ms() - t);
	return true;
fail:
	out->t_generate += now_ms() - t;
	log_info("%s: %s", ops->name, out->err.msg);
	gen_answer_release(&ans);
	backend_close(b);
	store_key_release(&k);
	return false;
}

/* The working directory, for model engines' prompts; looked up only when
 * one runs, so the pattern engine's path stays as short as it was. */
static const char *model_cwd(void)
{
	static char cwd[4096];

	return cwd[0] || getcwd(cwd, sizeof(cwd)) ? cwd : NULL;
}

static void generate(struct app *app, const char *text, struct answers *out)
{
	const char *want = app->cfg.backend;
	struct live live = {.dim = app->color};
	struct gen_request req = {
		.text = text,
		.len = strlen(text),
		.plat = &app->plat,
		.shell = app->shell,
		.max_candidates = (size_t)app->cfg.candidates,
		.force_tokens = app->opts.force_tokens,
	};
	char why[256];
	struct winsize ws;
	bool model_tried = false;

	if (app->tty_err && !app->json) {
		live.width = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col - 3u : 77;
		live.width = MIN(live.width, sizeof(live.tail));
		req.on_text = live_text;
		req.ud = &live;
	}

	if (!str_eq(want, "auto")) {
		const struct backend_ops *ops = backend_find(want);

		if (!ops) {
			err_set(&out->err, ERR_UNAVAILABLE,
				"the %s engine is not available in this build of caro", want);
		} else if (!backend_usable(ops, &app->cfg, why, sizeof(why))) {
			err_set(&out->err, ERR_UNAVAILABLE, "the %s engine is not set up: %s", want, why);
		} else {
			if (!str_eq(want, "match"))
				req.cwd = model_cwd();
			if (!try_engine(app, ops, &req, out) && out->err.code == ERR_DECLINED) {
				char why_not[256];
				size_t pre = strlen(want);

				/* The engine's reason, without its "name: " prefix. */
				snprintf(why_not, sizeof(why_not), "%s",
					 strncmp(out->err.msg, want, pre) == 0 &&
					 out->err.msg[pre] == ':' ? out->err.msg + pre + 2 : out->err.msg);
				err_set(&out->err, ERR_DECLINED,
					"the %s engine has no command for that request (%s)", want,
					why_not);
			}
		}
		live_clear(&live);
		out->exit_code = exit_for(&out->err);
		return;
	}

	/* auto: each usable engine in turn; a decline, an outage or a timeout
	 * moves on, any other error ends the request. */
	err_set(&out->err, ERR_DECLINED, "no engine could answer");
	for (const char *const *name = backend_chain(); *name; name++) {
		const struct backend_ops *ops = backend_find(*name);

		if (!ops || !backend_usable(ops, &app->cfg, why, sizeof(why)))
			continue;
		if (!str_eq(*name, "match")) {
			model_tried = true;
			req.cwd = model_cwd();
		}
		if (try_engine(app, ops, &req, out)) {
			live_clear(&live);
			return;
		}
		live_clear(&live);
		if (!backend_should_fall_back(&out->err))
			break;
	}
	if (out->err.code == ERR_DECLINED && !model_tried)
		err_set(&out->err, ERR_DECLINED,
			"no command for that request: the pattern engine does not know it and no "
			"model engine is set up (see caro doctor)");
	out->exit_code = exit_for(&out->err);
}

static void rate(struct app *app, struct rated *r)
{
	struct safety_opts so = {&app->plat, getenv("HOME")};
	struct err e;

	if (safety_check(r->command, strlen(r->command), &so, &r->v, &e) != 0) {
		/* A checker failure must never let a command through unrated. */
		memset(&r->v, 0, sizeof(r->v));
		r->v.risk = RISK_CRITICAL;
		r->v.n_reasons = 1;
		snprintf(r->v.reasons[0].rule, sizeof(r->v.reasons[0].rule), "checker-error");
		snprintf(r->v.reasons[0].message, sizeof(r->v.reasons[0].message), "%s", e.msg);
		r->v.reasons[0].risk = RISK_CRITICAL;
	}
	r->act = safety_policy(r->v.risk, app->safety);
}

static void rate_all(struct app *app, struct answers *a)
{
	double t = now_ms();

	for (size_t i = 0; i < a->n; i++)
		rate(app, &a->c[i]);
	a->t_check = now_ms() - t;
}

static void print_json(struct app *app, const char *request, const struct answers *a,
		       const struct rated *primary, int run_status)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *cands, *details, *timing;

	cJSON_AddStringToObject(o, "request", request);
	if (primary)
		cJSON_AddStringToObject(o, "command", primary->command);
	else
		cJSON_AddNullToObject(o, "command");
	cands = cJSON_AddArrayToObject(o, "candidates");
	details = cJSON_CreateArray();
	for (size_t i = 0; i < a->n; i++) {
		cJSON *d = cJSON_CreateObject();

		if (&a->c[i] != primary)
			cJSON_AddItemToArray(cands, cJSON_CreateString(a->c[i].command));
		cJSON_AddStringToObject(d, "command", a->c[i].command);
		ui_verdict_json(d, &a->c[i].v, a->c[i].act);
		if (a->c[i].explanation)
			cJSON_AddStringToObject(d, "explanation", a->c[i].explanation);
		cJSON_AddItemToArray(details, d);
	}
	if (primary && primary->explanation)
		cJSON_AddStringToObject(o, "explanation", primary->explanation);
	else
		cJSON_AddNullToObject(o, "explanation");
	if (primary && app->opts.explain)
		ui_explain_json(app, primary->command, o);
	if (a->backend[0])
		cJSON_AddStringToObject(o, "backend", a->backend);
	else
		cJSON_AddNullToObject(o, "backend");
	if (primary) {
		ui_verdict_json(o, &primary->v, primary->act);
	} else {
		cJSON_AddNullToObject(o, "risk");
		cJSON_AddFalseToObject(o, "blocked");
		cJSON_AddArrayToObject(o, "reasons");
	}
	cJSON_AddStringToObject(o, "platform", platform_os_name(app->plat.os));
	cJSON_AddStringToObject(o, "shell", platform_shell_name(app->shell));
	cJSON_AddBoolToObject(o, "cached", a->cached);
	timing = cJSON_AddObjectToObject(o, "timing_ms");
	cJSON_AddNumberToObject(timing, "total", ui_ms(now_ms() - app->t0_ms));
	cJSON_AddNumberToObject(timing, "generate", ui_ms(a->t_generate));
	cJSON_AddNumberToObject(timing, "check", ui_ms(a->t_check));
	cJSON_AddItemToObject(o, "candidate_details", details);
	if (!primary)
		cJSON_AddStringToObject(o, "error", a->err.msg);
	if (run_status >= 0)
		cJSON_AddNumberToObject(o, "exit_status", run_status);
	ui_print_json(o);
}

/* What the command does: the engine's words, then each part from the
 * built-in table. */
static void explain(struct app *app, const struct rated *r)
{
	if (r->explanation)
		fprintf(stderr, "  what it does: %s\n", r->explanation);
	ui_explain(app, r->command, stderr);
}

/* Show the command and what the checker thinks of it, on a terminal. */
static void show(struct app *app, const struct answers *a, const struct rated *r)
{
	if (r->act == SAFETY_BLOCK)
		fprintf(stderr, "  %s%s%s\n", ui_risk_color(app, r->v.risk), r->command, ui_reset(app));
	else
		printf("%s\n", r->command);
	fflush(stdout);
	ui_show_verdict(app, &r->v, r->act);
	if (app->opts.explain)
		explain(app, r);
	if (a->n > 1)
		fprintf(stderr, "  candidate %zu of %zu\n", (size_t)(r - a->c) + 1, a->n);
}

/* The terminal menu: run, no, edit, explain, copy, next candidate.
 * Returns the exit code, leaves *rp at the candidate the user ended with
 * and *d at what became of it. A blocked command never runs or reaches
 * the clipboard, but it may be edited (the edit is rated afresh) or left
 * for another candidate. */
static int interact(struct app *app, struct answers *a, struct rated **rp,
		    enum store_decision *d)
{
	struct rated *r = *rp, *was_edited = NULL;
	bool many = a->n > 1;
	const char *prompt = many ? "Run it? [y/N/e/x/c/n]" : "Run it? [y/N/e/x/c]";
	const char *keys = many ? "yNexcn" : "yNexc";
	const char *help = many ?
		"y run it, N or Enter no, e edit, x explain, c copy, n next candidate" :
		"y run it, N or Enter no, e edit, x explain, c copy";

	if (r->act == SAFETY_BLOCK && !many) {
		fprintf(stderr, "caro: not running a command rated %s\n", safety_risk_name(r->v.risk));
		*d = STORE_BLOCKED;
		return EXIT_BLOCKED;
	}
	if (app->opts.yes && r->act == SAFETY_ALLOW) {
		*d = STORE_RAN;
		return exec_command(app, r->command, false);
	}
	for (;;) {
		int key = ui_menu(app, prompt, keys, help);

		switch (key) {
		case 'y':
			if (r->act != SAFETY_BLOCK) {
				*d = r == was_edited ? STORE_EDITED : STORE_RAN;
				return exec_command(app, r->command, false);
			}
			fprintf(stderr, "  blocked: caro does not run a command rated %s at --safety %s\n",
				safety_risk_name(r->v.risk), safety_level_name(app->safety));
			break;
		case 'N':
			*d = r->act == SAFETY_BLOCK ? STORE_BLOCKED : STORE_DECLINED;
			return r->act == SAFETY_BLOCK ? EXIT_BLOCKED : EXIT_REFUSED;
		case 'x':
			explain(app, r);
			break;
		case 'c':
			if (r->act == SAFETY_BLOCK)
				fprintf(stderr, "  blocked: caro does not copy a command rated %s\n",
					safety_risk_name(r->v.risk));
			else
				ui_copy(app, r->command);
			break;
		case 'n':
			r = *rp = &a->c[(size_t)(r - a->c + 1) % a->n];
			show(app, a, r);
			break;
		case 'e': {
			char *edited = ui_edit(app, r->command);

			if (!edited) {
				fprintf(stderr, "  unchanged\n");
				break;
			}
			free(r->command);
			free(r->explanation);
			r->command = edited;
			r->explanation = xstrdup("edited by you");
			was_edited = r;
			rate(app, r);
			show(app, a, r);
			break;
		}
		}
	}
}

/* After the output: cache a fresh model answer and write the history row.
 * An edited command says the answer was wrong: it is not cached, and a
 * cached one is forgotten. */
static void remember(struct app *app, const char *request, struct answers *a,
		     const struct rated *r, enum store_decision d, int status)
{
	char cwd[4096];
	struct store_entry e = {
		.cwd = getcwd(cwd, sizeof(cwd)),
		.request = request,
		.command = r ? r->command : NULL,
		.engine = a->backend[0] ? a->backend : NULL,
		.platform = platform_os_name(app->plat.os),
		.shell = platform_shell_name(app->shell),
		.risk = r ? safety_risk_name(r->v.risk) : NULL,
		.cache = a->cache,
		.khash = a->khash,
		.decision = d,
		/* With --hand-back the shell runs it: its status is not ours. */
		.exit_status = (d == STORE_RAN || d == STORE_EDITED) && !app->opts.hand_back ?
			status : -1,
		.total_ms = a->t_ready,
		.generate_ms = a->t_generate,
		.check_ms = a->t_check,
	};
	struct err err;

	if (a->fresh.n && a->st && d != STORE_EDITED &&
	    store_cache_put(a->st, &a->key, (size_t)app->cfg.candidates, &a->fresh, a->backend,
			    &a->khash, &err) != 0)
		warnf("answer not cached: %s", err.msg);
	/* A hit from the answer index left the database closed until now. */
	if (d == STORE_EDITED && a->khash && cache_store(app, a) &&
	    store_cache_forget(a->st, a->khash, &err))
		log_info("%s", err.msg);
	e.khash = a->khash;
	history_record(app, &e);
}

/* --print-only and --widget: hand one candidate to a key binding or a
 * script and never run anything. --print-only prints just the command
 * (messages on stderr). --widget prints a one-line status first (empty
 * when there is nothing to say), then the command; on failure only the
 * status line. Blocked commands are never printed, only named. */
static int print_only(struct app *app, const struct answers *a, const struct rated *r)
{
	struct buf msg = BUF_INIT;
	size_t k = (size_t)(r - a->c) + 1;
	int rc = EXIT_OK;

	if (r->act == SAFETY_BLOCK) {
		buf_addf(&msg, "caro: blocked, rated %s (--safety %s)", safety_risk_name(r->v.risk),
			 safety_level_name(app->safety));
		if (r->v.n_reasons)
			buf_addf(&msg, ": %s", r->v.reasons[0].message);
		rc = EXIT_BLOCKED;
	} else if (app->opts.widget) {
		if (a->n > 1)
			buf_addf(&msg, "caro: %zu of %zu, press the key again for the next", k, a->n);
		if (r->v.risk > RISK_SAFE) {
			buf_adds(&msg, msg.len ? "; " : "caro: ");
			buf_addf(&msg, "risk %s", safety_risk_name(r->v.risk));
			if (r->v.n_reasons)
				buf_addf(&msg, ": %s", r->v.reasons[0].message);
			if (r->act == SAFETY_CONFIRM)
				buf_adds(&msg, "; read it before you press Enter");
		}
	}
	if (rc == EXIT_BLOCKED && a->n > 1)
		buf_addf(&msg, "; %zu of %zu, press the key again for the next", k, a->n);
	if (app->opts.widget) {
		if (msg.s)
			ui_one_line(msg.s);
		printf("%s\n", buf_str(&msg));
		if (rc == EXIT_OK)
			fputs(r->command, stdout);
	} else if (rc == EXIT_OK) {
		printf("%s\n", r->command);
	} else {
		fprintf(stderr, "%s\n", msg.s);
	}
	buf_release(&msg);
	return rc;
}

static int ask(struct app *app, const char *request)
{
	struct answers a;
	struct rated *r = NULL;
	bool interactive = app->tty_in && app->tty_out && !app->json && !app->opts.dry_run;
	bool want_run = app->opts.execute && app->opts.yes && !app->opts.dry_run;
	enum store_decision d = STORE_SHOWN;
	struct sigaction sa = {0}, old;
	int status;

	memset(&a, 0, ANSWERS_HEAD);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	/* Ctrl-C cancels a request in flight; a SIGINT ignored by whoever
	 * started us (a background job) stays ignored. */
	sigaction(SIGINT, NULL, &old);
	if (old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	generate(app, request, &a);
	sigaction(SIGINT, &old, NULL);
	if (a.n == 0) {
		a.t_ready = now_ms() - app->t0_ms;
		if (app->json)
			print_json(app, request, &a, NULL, -1);
		if (app->opts.widget)
			ui_one_line(a.err.msg);
		fprintf(app->opts.widget ? stdout : stderr, "caro: %s\n", a.err.msg);
		d = STORE_NONE;
		status = a.exit_code;
		goto out;
	}
	rate_all(app, &a);
	a.t_ready = now_ms() - app->t0_ms;
	/* --pick K starts at candidate K, counting round. */
	r = &a.c[app->opts.pick ? (size_t)(app->opts.pick - 1) % a.n : 0];

	if (app->opts.print_only || app->opts.widget) {
		status = print_only(app, &a, r);
		goto out;
	}

	if (app->json) {
		status = -1;
		if (want_run && r->act == SAFETY_ALLOW) {
			status = exec_command(app, r->command, true);
			d = STORE_RAN;
		}
		print_json(app, request, &a, r, status);
		if (r->act == SAFETY_BLOCK)
			status = EXIT_BLOCKED;
		else if (status < 0 && app->opts.execute && !app->opts.dry_run)
			status = EXIT_REFUSED;
		else if (status < 0)
			status = EXIT_OK;
		goto out;
	}
	if (interactive) {
		show(app, &a, r);
		status = interact(app, &a, &r, &d);
		goto out;
	}

	/* Not a terminal: print the command for the pipe, run only with -x -y. */
	if (r->act == SAFETY_BLOCK) {
		show(app, &a, r);
		fprintf(stderr, "caro: blocked: not printing or running a command rated %s\n",
			safety_risk_name(r->v.risk));
		status = EXIT_BLOCKED;
	} else if (want_run && r->act == SAFETY_ALLOW) {
		fprintf(stderr, "$ %s\n", r->command);
		status = exec_command(app, r->command, false);
		d = STORE_RAN;
	} else {
		printf("%s\n", r->command);
		if (app->tty_err)
			ui_show_verdict(app, &r->v, r->act);
		else if (r->v.risk >= RISK_HIGH)
			ui_show_verdict(app, &r->v, r->act);
		if (app->opts.explain)
			explain(app, r);
		status = EXIT_OK;
		if (app->opts.execute && !app->opts.dry_run) {
			fprintf(stderr, "caro: not running it: %s\n",
				r->act == SAFETY_CONFIRM ?
				"a command rated this high needs your answer on a terminal" :
				"without a terminal, running needs both -x and -y");
			status = EXIT_REFUSED;
		}
	}
out:
	if (r && r->act == SAFETY_BLOCK)
		d = STORE_BLOCKED;
	remember(app, request, &a, r, d, status);
	answers_release(&a);
	return status;
}

int cmd_ask(struct app *app, int argc, char **argv)
{
	char *request;
	int rc;

	cli_parse(app, argc, argv, NULL, NULL);
	if (app->opts.help)
		return cmd_help(app, 0, NULL);
	if (app->opts.version)
		return cmd_version(app, 0, NULL);
	app_setup(app);
	explain_mode_check(app);
	if (app->opts.print_only || app->opts.widget) {
		/* output = "json" in the config must not break key bindings. */
		if ((app->json && app->opts.output) || app->opts.execute)
			die(EXIT_USAGE, "--%s prints a command and never runs it: drop %s",
			    app->opts.widget ? "widget" : "print-only", app->opts.execute ? "-x" : "-o json");
		app->json = false;
	}
	request = read_input(app, "request", REQUEST_MAX);
	rc = ask(app, request);
	free(request);
	return rc;
}
