/*
 * local.c: the local engine: a GGUF model run in-process by lib/infer.
 *
 * Opening the backend only finds the model file; the file is mapped the
 * first time a request reaches this engine, so requests the pattern
 * engine answers never touch it. A request then goes
 *
 *   lib/prompt messages -> lib/chat template -> tokens (template parts
 *   may hold control tokens, the request may not) -> KV state of the
 *   cacheable prefix (system prompt and examples) from the prefix cache,
 *   or computed and saved -> the same for the working directory's lines
 *   -> prefill of the request's own tokens -> greedy decoding, streamed,
 *   until the command is complete -> the answer parser (lib/answer),
 *   which keeps one command or declines.
 *
 * The prefix cache is a file per (model file, template, prefix text)
 * under $XDG_CACHE_HOME/caro/kv/, written by infer_kv_save_file: one for
 * the prefix every request shares (about 8 MB for a 135M model), and per
 * directory a small one that continues it through the directory's lines,
 * so a second request in a directory prefills only its own words. Loading
 * checks the model's fingerprint, the cache geometry, the exact prefix
 * tokens (a continuation: also the state it continues) and a checksum;
 * any mismatch or damage is reported by infer_kv_load_file and the state
 * is computed again and the file rewritten. The KV_KEEP files used last
 * are kept.
 *
 * Decoding stops at an end-of-generation token, at a template marker
 * written as text, or at a newline once the text so far parses as one
 * command (a command that continues over lines, or a fenced block, keeps
 * going until it is whole).
 */
#include "backend.h"
#include "local.h"

#include "answer.h"
#include "chat.h"
#include "context.h"
#include "http.h"
#include "infer/infer.h"
#include "infer/tok.h"
#include "log.h"
#include "models.h"
#include "paths.h"
#include "prompt.h"
#include "sha256.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Tokens a command may take; a model that rambles past it is cut off. */
#define LOCAL_MAX_TOKENS 160
/* Prefix cache files kept; the least recently used go first. */
#define KV_KEEP 16

struct local {
	struct backend base;
	char path[4096];
	int n_threads;
	int lookup;
	int n_ctx;
	/* Loaded on first use. */
	struct infer_model *m;
	struct tok *tok;
	struct chat_template tmpl;
};

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool local_usable(const struct config *cfg, char *why, size_t cap)
{
	char path[4096];
	struct err err;

	if (models_resolve(cfg, path, sizeof(path), &err) == 0)
		return true;
	snprintf(why, cap, "%s", err.msg);
	return false;
}

static int local_open(const struct config *cfg, struct backend **out, struct err *err)
{
	struct local *l = xcalloc(1, sizeof(*l));

	if (models_resolve(cfg, l->path, sizeof(l->path), err) != 0) {
		free(l);
		/* Not set up is not an error of the request: the chain moves on. */
		if (err->code == ERR_UNAVAILABLE || err->code == ERR_NOTFOUND)
			err->code = ERR_UNAVAILABLE;
		return err_prefix(err, "local");
	}
	l->n_threads = (int)cfg->model_threads;
	l->lookup = (int)cfg->model_lookup;
	l->n_ctx = (int)cfg->model_context;
	*out = &l->base;
	return 0;
}

/* Map the model and build its tokenizer and template, once. */
static int load(struct local *l, struct err *err)
{
	const struct gguf *g;
	struct gguf_str tmpl = {0};
	char eos[64] = "";
	int32_t eos_id;

	if (l->m)
		return 0;
	l->m = infer_model_open(l->path, err);
	if (!l->m)
		return err_prefix(err, "local: %s", l->path);
	g = infer_model_gguf(l->m);
	l->tok = tok_new_from_gguf(g, err);
	if (!l->tok) {
		infer_model_close(l->m);
		l->m = NULL;
		return err_prefix(err, "local: %s: tokenizer", l->path);
	}
	eos_id = tok_eos(l->tok);
	if (eos_id != TOK_NONE) {
		size_t n;
		const char *t = tok_text(l->tok, eos_id, &n);

		if (t && n < sizeof(eos))
			snprintf(eos, sizeof(eos), "%.*s", (int)n, t);
	}
	gguf_get_str(g, "tokenizer.chat_template", &tmpl);
	chat_detect(tmpl.s, (size_t)tmpl.len, eos, &l->tmpl);
	if (!l->tmpl.known)
		log_warn("%s: %s chat template; using ChatML", l->path,
			 tmpl.len ? "unrecognised" : "no");
	return 0;
}

/* ------------------------------------------------------ prefix cache */

/* $XDG_CACHE_HOME/caro/kv/<key>.kv for this model file, template and
 * prefix text; "" when there is no cache directory. */
static void kv_path(const struct local *l, const char *prefix, size_t len, char *out, size_t cap)
{
	char dir[4096], hex[SHA256_HEX_LEN + 1];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	struct stat st;
	struct err err;
	char id[4300];

	out[0] = '\0';
	if (paths_dir(PATHS_CACHE, dir, sizeof(dir), &err) != 0 || stat(l->path, &st) != 0)
		return;
	/* The file's identity: path, size, mtime (a replaced file gets a new
	 * key; infer checks the weights' fingerprint besides). */
	snprintf(id, sizeof(id), "caro-kv-1\n%s\n%lld\n%lld.%09ld\n%s\n%s\n", l->path,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		 chat_family_name(l->tmpl.family), l->tmpl.end);
	sha256_init(&s, 0);
	sha256_update(&s, id, strlen(id));
	sha256_update(&s, prefix, len);
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	snprintf(out, cap, "%s/kv/%.32s.kv", dir, hex);
}

/* Keep the KV_KEEP newest files of the cache directory. */
static void kv_prune(const char *kv_file)
{
	char dir[4096], p[4400], oldest[4400];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s", kv_file);
	*strrchr(dir, '/') = '\0';
	for (;;) {
		time_t t_old = 0;
		int n = 0;

		if (!(d = opendir(dir)))
			return;
		oldest[0] = '\0';
		while ((e = readdir(d))) {
			struct stat st;
			size_t len = strlen(e->d_name);

			if (len < 4 || strcmp(e->d_name + len - 3, ".kv"))
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			if (stat(p, &st) != 0)
				continue;
			n++;
			if (!oldest[0] || st.st_mtime < t_old) {
				t_old = st.st_mtime;
				snprintf(oldest, sizeof(oldest), "%s", p);
			}
		}
		closedir(d);
		if (n <= KV_KEEP || !oldest[0] || unlink(oldest) != 0)
			return;
	}
}

/* Save positions [from, n_past) of c's cache at path, as well as it can:
 * a cache that cannot be written costs speed, not the answer. */
static void kv_save(const struct infer_ctx *c, int from, const char *path)
{
	struct err kerr;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (paths_mkdir_p(dir, &kerr) != 0 || infer_kv_save_file(c, from, path, &kerr) != 0)
		log_warn("local: cannot save the prompt cache: %s", kerr.msg);
	else
		kv_prune(path);
}

/* Extend c's cache to the prompt's first n tokens: from the file at path
 * (a state that continues what the cache holds), or computed and saved
 * there. *hit tells which; *n_prefilled counts what was computed. */
static int cached_prefill(struct infer_ctx *c, const int32_t *ids, int n_ids, int n,
			  const char *path, bool *hit, int *n_prefilled, struct err *err)
{
	struct err kerr = {0};
	int from = infer_n_past(c);

	*hit = false;
	if (path[0] && infer_kv_load_file(c, path, ids, n_ids, &kerr) == 0) {
		if (infer_n_past(c) == n) {
			/* Used: the newest files are the ones kv_prune keeps. */
			utimensat(AT_FDCWD, path, NULL, 0);
			*hit = true;
			return 0;
		}
		log_info("local: rebuilding the prompt cache: it holds %d tokens, not %d",
			 infer_n_past(c), n);
		infer_truncate(c, from);
	} else if (path[0] && kerr.code != ERR_NOTFOUND) {
		log_info("local: rebuilding the prompt cache: %s", kerr.msg);
	}
	if (infer_prefill(c, ids + from, n - from, 0, err) != 0)
		return err_prefix(err, "local");
	*n_prefilled += n - from;
	if (path[0])
		kv_save(c, from, path);
	return 0;
}

/* How many of ids (the whole prompt) the text of head alone (the
 * prompt's first parts) settles: the tokens both share, less the last
 * one when head's own encoding goes on past it, since the text after
 * the cut may have merged with it differently. Loading the saved state
 * checks its tokens against the prompt's besides. */
static int settled(const struct tok_ids *ids, const struct tok_ids *head)
{
	size_t n = 0;

	while (n < MIN(ids->n, head->n) && ids->v[n] == head->v[n])
		n++;
	if (n < head->n && n > 0)
		n--;
	return (int)MIN(n, ids->n ? ids->n - 1 : 0);
}

/* ----------------------------------------------------------- decoding */

/* ------------------------------------------------- end of the command */

void local_cut_init(struct local_cut *c, const char *const *stops, int n_stops,
		    enum plat_shell shell)
{
	memset(c, 0, sizeof(*c));
	c->n_stops = MIN(n_stops, (int)ARRAY_SIZE(c->stops));
	for (int i = 0; i < c->n_stops; i++)
		c->stops[i] = stops[i];
	c->shell = shell;
}

/* Is text a whole command? */
static bool command_done(const struct local_cut *c, const struct buf *text)
{
	struct answer_opts o = {true, c->shell};
	struct err e;
	char *cmd = NULL;
	bool ok;

	ok = answer_parse(text->s, text->len, &o, &cmd, &e) == 0;
	free(cmd);
	return ok;
}

size_t local_cut_feed(struct local_cut *c, struct buf *text)
{
	bool matched = false;
	size_t keep;

	if (c->done)
		return c->shown;
	keep = infer_stop_scan(text->s + c->shown, text->len - c->shown, c->stops, c->n_stops,
			       &matched);
	if (matched) {
		buf_truncate(text, c->shown + keep);
		c->done = true;
		return c->shown = text->len;
	}
	/* A finished line may finish the command: a pipeline on one line,
	 * a loop once its last line came, a fenced block once it closed. */
	while (c->scanned < text->len) {
		char *nl = memchr(text->s + c->scanned, '\n', text->len - c->scanned);

		if (!nl)
			break;
		c->scanned = (size_t)(nl - text->s) + 1;
		if (++c->lines >= LOCAL_MAX_LINES || command_done(c, text)) {
			buf_truncate(text, c->scanned);
			c->done = true;
			return c->shown = text->len;
		}
	}
	return c->shown += keep;
}

/* ----------------------------------------------------------- decoding */

struct gen_state {
	struct local *l;
	const struct gen_request *req;
	struct buf *text;
	struct tok_stream stream;
	struct local_cut cut;
	size_t emitted;   /* bytes of text passed to on_text */
	bool force;       /* --bench-tokens: no stops at all */
	bool done;        /* stopped at the end of the command */
};

/* Pass text up to upto to the terminal. */
static void emit(struct gen_state *g, size_t upto)
{
	if (g->req->on_text && upto > g->emitted)
		g->req->on_text(g->req->ud, g->text->s + g->emitted, upto - g->emitted);
	g->emitted = MAX(g->emitted, upto);
}

static int on_token(void *ud, int32_t id)
{
	struct gen_state *g = ud;

	if (http_cancelled())
		return -1;
	if (g->force) {
		tok_stream_push(&g->stream, g->l->tok, id, g->text);
		return 0;
	}
	if (tok_is_eog(g->l->tok, id)) {
		g->done = true;
		return 1;
	}
	tok_stream_push(&g->stream, g->l->tok, id, g->text);
	emit(g, local_cut_feed(&g->cut, g->text));
	if (g->cut.done) {
		g->done = true;
		return 1;
	}
	return 0;
}

int backend_local_text(struct backend *b, const struct gen_request *req, struct buf *text,
		       bool *complete, struct local_stats *st, struct err *err)
{
	struct local *l = (struct local *)b;
	struct local_stats st_local;
	struct prompt p = {0};
	struct chat_prompt cp = {0};
	struct tok_ids ids = {0}, pids = {0}, cids = {0};
	struct buf facts = BUF_INIT;
	struct infer_ctx_params cpar = {0};
	struct infer_sampler_params sp;
	struct infer_sampler *smp = NULL;
	struct infer_ctx *c = NULL;
	struct gen_state g = {0};
	struct infer_gen gen = {0};
	struct prompt_input in = {req->plat, req->shell, req->text, req->len, req->cwd, NULL};
	int n_prefix, n_context, lcp, rc = -1, n_ctx;
	double t0 = ms_now(), t1;

	if (!st)
		st = &st_local;
	memset(st, 0, sizeof(*st));
	*complete = false;
	snprintf(st->model, sizeof(st->model), "%s", l->path);
	if (load(l, err) != 0)
		return -1;
	snprintf(st->template_name, sizeof(st->template_name), "%s",
		 chat_family_name(l->tmpl.family));
	st->template_known = l->tmpl.known;
	t1 = ms_now();
	st->ms_load = t1 - t0;

	if (req->cwd && context_dir_summary(req->cwd, CONTEXT_BUDGET_MS, CONTEXT_MAX_ENTRIES,
					    &facts))
		in.facts = buf_str(&facts);
	if (prompt_build(&p, &in, err) != 0 || chat_render(&l->tmpl, &p, &cp, err) != 0 ||
	    tok_encode_parts(l->tok, cp.parts, cp.n_parts, TOK_ENC_ADD_SPECIAL, &ids, err) != 0 ||
	    tok_encode_parts(l->tok, cp.parts, cp.n_prefix_parts, TOK_ENC_ADD_SPECIAL, &pids,
			     err) != 0 ||
	    tok_encode_parts(l->tok, cp.parts, cp.n_context_parts, TOK_ENC_ADD_SPECIAL, &cids,
			     err) != 0) {
		err_prefix(err, "local");
		goto out;
	}
	/* The cacheable prefix: the tokens the prefix alone gives and the
	 * whole prompt shares, up to the last control token among them, so
	 * no request text can change how they were split. */
	for (lcp = 0; (size_t)lcp < MIN(ids.n, pids.n) && ids.v[lcp] == pids.v[lcp]; lcp++)
		;
	for (n_prefix = lcp; n_prefix > 0 && !tok_is_control(l->tok, ids.v[n_prefix - 1]);)
		n_prefix--;
	/* A vocabulary without the template's control tokens: the shared
	 * tokens less the last, which the request's text might have merged
	 * with (the cache file's token check catches any other change). */
	if (n_prefix == 0)
		n_prefix = settled(&ids, &pids);
	/* The longer prefix through the directory's lines, when they add
	 * tokens: its state is saved as a continuation of the first. */
	n_context = cids.n ? settled(&ids, &cids) : 0;
	if (n_context <= n_prefix)
		n_context = 0;
	n_prefix = MIN(n_prefix, (int)ids.n - 1);
	st->n_prompt = (int)ids.n;
	st->n_prefix = n_prefix;
	st->n_context = n_context;

	n_ctx = l->n_ctx > 0 ? l->n_ctx : 2048;
	if ((int)ids.n + LOCAL_MAX_TOKENS > n_ctx || (int)ids.n + req->force_tokens > n_ctx) {
		err_set(err, ERR_LIMIT,
			"local: the prompt takes %zu tokens; with the answer that is more than the "
			"context of %d (model.context)", ids.n, n_ctx);
		goto out;
	}
	cpar.n_ctx = n_ctx;
	cpar.n_threads = l->n_threads;
	c = infer_ctx_new(l->m, &cpar, err);
	if (!c) {
		err_prefix(err, "local");
		goto out;
	}
	if (n_prefix > 0) {
		kv_path(l, cp.text.s, cp.prefix_len, st->kv_path, sizeof(st->kv_path));
		if (cached_prefill(c, ids.v, (int)ids.n, n_prefix, st->kv_path, &st->cache_hit,
				   &st->n_prefilled, err) != 0)
			goto out;
	}
	if (n_context > 0) {
		kv_path(l, cp.text.s, cp.context_len, st->ctx_path, sizeof(st->ctx_path));
		if (cached_prefill(c, ids.v, (int)ids.n, n_context, st->ctx_path, &st->context_hit,
				   &st->n_prefilled, err) != 0)
			goto out;
	}
	st->n_prefilled += (int)ids.n - infer_n_past(c);
	if (infer_prefill(c, ids.v + infer_n_past(c), (int)ids.n - infer_n_past(c), 0, err) != 0) {
		err_prefix(err, "local");
		goto out;
	}
	st->ms_prompt = ms_now() - t1;
	t1 = ms_now();

	/* Greedy: a command is not the place for creativity, and the same
	 * request then gives the same answer. */
	infer_sampler_defaults(&sp);
	sp.temp = 0;
	smp = infer_sampler_new(&sp, infer_model_info(l->m)->n_vocab);
	g.l = l;
	g.req = req;
	g.text = text;
	g.force = req->force_tokens > 0;
	{
		const char *stops[CHAT_MAX_STOPS];
		size_t n = chat_stop_strings(&l->tmpl, stops, CHAT_MAX_STOPS);

		local_cut_init(&g.cut, stops, (int)n, req->shell);
	}
	tok_stream_init(&g.stream, 0);
	gen.max_tokens = g.force ? req->force_tokens : LOCAL_MAX_TOKENS;
	gen.on_token = on_token;
	gen.user = &g;
	gen.lookup = l->lookup;
	if (infer_generate(c, smp, &gen, &st->n_generated, err) != 0) {
		if (err->code == ERR_CANCELLED)
			err_set(err, ERR_CANCELLED, "local: cancelled");
		else
			err_prefix(err, "local");
		goto out;
	}
	tok_stream_flush(&g.stream, text);
	if (!g.cut.done)
		emit(&g, text->len); /* EOS or the limit: all of it is the answer */
	*complete = g.done || gen.stopped == INFER_STOP_ID;
	st->ms_generate = ms_now() - t1;
	log_info("local: %s (%s template), prompt %d tokens (%d cached %s, %d with the directory "
		 "%s), prefilled %d in %.1f ms, %d tokens in %.1f ms (lookup kept %d of %d drafted), "
		 "load %.1f ms",
		 l->path, st->template_name, st->n_prompt, st->n_prefix,
		 st->cache_hit ? "hit" : "miss", st->n_context,
		 !st->n_context ? "none" : st->context_hit ? "hit" : "miss", st->n_prefilled,
		 st->ms_prompt, st->n_generated,
		 st->ms_generate, gen.n_accepted, gen.n_drafted, st->ms_load);
	rc = 0;
out:
	infer_sampler_free(smp);
	infer_ctx_free(c);
	tok_ids_release(&ids);
	tok_ids_release(&pids);
	tok_ids_release(&cids);
	chat_prompt_release(&cp);
	prompt_release(&p);
	buf_release(&facts);
	return rc;
}

static int local_generate(struct backend *b, const struct gen_request *req, struct gen_answer *ans,
			  struct err *err)
{
	struct buf text = BUF_INIT;
	struct answer_opts o = {false, req->shell};
	char *cmd = NULL;
	int rc = -1;

	if (backend_local_text(b, req, &text, &o.complete, NULL, err) != 0)
		goto out;
	log_debug("local: model text: %.*s", (int)MIN(text.len, 400), buf_str(&text));
	if (answer_parse(buf_str(&text), text.len, &o, &cmd, err) != 0) {
		err_prefix(err, "local");
		goto out;
	}
	gen_answer_add(ans, cmd, NULL);
	ans->context_dependent = req->cwd != NULL;
	rc = 0;
out:
	free(cmd);
	buf_release(&text);
	return rc;
}

static int local_probe(struct backend *b, struct buf *status, struct err *err)
{
	struct local *l = (struct local *)b;
	const struct infer_model_info *mi;

	if (load(l, err) != 0)
		return -1;
	mi = infer_model_info(l->m);
	buf_addf(status, "%s: %s, %.0fM parameters, %s chat template%s", l->path, mi->arch,
		 (double)mi->n_params / 1e6, chat_family_name(l->tmpl.family),
		 l->tmpl.known ? "" : " (fallback)");
	return 0;
}

static void local_identity(struct backend *b, struct buf *out)
{
	struct local *l = (struct local *)b;
	struct stat st;

	buf_addf(out, "local:%s", l->path);
	if (stat(l->path, &st) == 0)
		buf_addf(out, ":%lld:%lld", (long long)st.st_size, (long long)st.st_mtime);
}

static void local_close(struct backend *b)
{
	struct local *l = (struct local *)b;

	tok_free(l->tok);
	infer_model_close(l->m);
	free(l);
}

const struct backend_ops backend_local_ops = {
	.name = "local",
	.usable = local_usable,
	.open = local_open,
	.generate = local_generate,
	.probe = local_probe,
	.identity = local_identity,
	.close = local_close,
};
