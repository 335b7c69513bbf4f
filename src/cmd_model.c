/*
 * cmd_model.c: `caro model list | pull | rm | info | path | run`.
 *
 *   list                 the catalog and what is installed
 *   pull NAME|hf:O/R/F   download into $XDG_DATA_HOME/caro/models, resumable
 *   rm NAME              delete an installed model
 *   info [NAME|PATH]     what a GGUF file holds (default: the model in use)
 *   path [NAME]          the file the local engine uses (or NAME's)
 *   run MODEL -p TEXT    developers: stream a completion, print speeds
 *
 * The progress bar (rate and ETA) is drawn on stderr only when it is a
 * terminal; otherwise pull prints only notes and the result.
 */
#include "caro.h"

#include "backend/local.h"
#include "chat.h"
#include "http.h"
#include "infer/infer.h"
#include "infer/tok.h"
#include "log.h"
#include "models.h"
#include "proc.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/stat.h>

enum { MO_FORCE = 1, MO_PROMPT, MO_TOKENS, MO_TEMP, MO_SEED, MO_THREADS, MO_CHAT, MO_CTX };

static const struct opt_spec model_opts[] = {
	{"force", 'f', false, MO_FORCE},
	{"prompt", 'p', true, MO_PROMPT},
	{"tokens", 'n', true, MO_TOKENS},
	{"temp", 0, true, MO_TEMP},
	{"seed", 0, true, MO_SEED},
	{"threads", 't', true, MO_THREADS},
	{"chat", 0, false, MO_CHAT},
	{"ctx", 0, true, MO_CTX},
	{NULL, 0, false, 0},
};

static struct {
	bool force, chat;
	const char *prompt;
	long tokens, threads, ctx;
	double temp;
	unsigned long long seed;
	bool temp_set;
} mo = {.tokens = 64, .ctx = 2048};

static long num_arg(const char *arg, const char *name, long lo, long hi)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < lo || v > hi)
		die(EXIT_USAGE, "--%s: expected a number from %ld to %ld", name, lo, hi);
	return v;
}

static void on_model_opt(struct app *app, int id, const char *arg)
{
	char *end;

	UNUSED(app);
	switch (id) {
	case MO_FORCE: mo.force = true; break;
	case MO_PROMPT: mo.prompt = arg; break;
	case MO_TOKENS: mo.tokens = num_arg(arg, "tokens", 1, 32768); break;
	case MO_THREADS: mo.threads = num_arg(arg, "threads", 0, 256); break;
	case MO_CTX: mo.ctx = num_arg(arg, "ctx", 16, 131072); break;
	case MO_CHAT: mo.chat = true; break;
	case MO_SEED:
		mo.seed = strtoull(arg, &end, 0);
		if (!*arg || *end)
			die(EXIT_USAGE, "--seed: expected a number");
		break;
	case MO_TEMP:
		mo.temp = strtod(arg, &end);
		if (!*arg || *end || mo.temp < 0 || mo.temp > 5)
			die(EXIT_USAGE, "--temp: expected a number from 0 to 5");
		mo.temp_set = true;
		break;
	}
}

static const char *mb_str(uint64_t bytes, unsigned approx_mb, char *buf, size_t cap)
{
	if (bytes >= 1000000000ull)
		snprintf(buf, cap, "%.2f GB", (double)bytes / 1e9);
	else if (bytes)
		snprintf(buf, cap, "%.0f MB", (double)bytes / 1e6);
	else
		snprintf(buf, cap, "~%u MB", approx_mb);
	return buf;
}

/* A failed pull: 2 for what the user asked wrong (already installed, a
 * download in progress elsewhere), 130 for Ctrl-C, else 1. */
static int exit_for_err(const struct err *e)
{
	return e->code == ERR_USAGE ? EXIT_USAGE : e->code == ERR_CANCELLED ? 128 + SIGINT :
	       EXIT_ERROR;
}

/* ---------------------------------------------------------------- list */

static int model_list(struct app *app)
{
	char dir[4096], in_use[4096] = "", buf[32];
	struct models_manifest m = {0};
	struct err e;
	size_t n;
	const struct models_entry *cat = models_catalog(&n);
	cJSON *arr = app->json ? cJSON_CreateArray() : NULL;

	if (models_dir(dir, sizeof(dir), &e) != 0 || models_manifest_load(dir, &m, &e) != 0)
		die(EXIT_ERROR, "%s", e.msg);
	if (models_resolve(&app->cfg, in_use, sizeof(in_use), &e) != 0)
		in_use[0] = '\0';
	if (!arr)
		printf("%-20s %-9s %-7s %-28s %s\n", "NAME", "SIZE", "QUANT", "LICENSE", "STATUS");
	for (size_t i = 0; i < n; i++) {
		const struct models_installed *ins = models_manifest_find(&m, cat[i].file);
		char path[4400];
		struct stat st;
		bool installed, used;

		snprintf(path, sizeof(path), "%s/%s", dir, cat[i].file);
		installed = ins && stat(path, &st) == 0;
		used = installed && str_eq(path, in_use);
		if (arr) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", cat[i].name);
			cJSON_AddStringToObject(o, "source", "catalog");
			cJSON_AddStringToObject(o, "repo", cat[i].repo);
			cJSON_AddStringToObject(o, "file", cat[i].file);
			cJSON_AddStringToObject(o, "quant", cat[i].quant);
			if (cat[i].size)
				cJSON_AddNumberToObject(o, "size", (double)cat[i].size);
			else
				cJSON_AddNullToObject(o, "size");
			cJSON_AddNumberToObject(o, "approx_mb", cat[i].approx_mb);
			if (cat[i].sha256)
				cJSON_AddStringToObject(o, "sha256", cat[i].sha256);
			else
				cJSON_AddNullToObject(o, "sha256");
			cJSON_AddStringToObject(o, "license", cat[i].license);
			cJSON_AddBoolToObject(o, "recommended", cat[i].recommended);
			cJSON_AddBoolToObject(o, "installed", installed);
			cJSON_AddBoolToObject(o, "in_use", used);
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		printf("%-20s %-9s %-7s %-28s %s%s%s\n", cat[i].name,
		       mb_str(cat[i].size, cat[i].approx_mb, buf, sizeof(buf)), cat[i].quant,
		       cat[i].license, installed ? "installed" : "-", used ? ", in use" : "",
		       cat[i].recommended ? " (recommended)" : "");
	}
	for (size_t i = 0; i < m.n; i++) {
		char path[4400];

		if (models_find(m.v[i].file))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, m.v[i].file);
		if (arr) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", m.v[i].name);
			cJSON_AddStringToObject(o, "source", m.v[i].source);
			cJSON_AddStringToObject(o, "file", m.v[i].file);
			cJSON_AddNumberToObject(o, "size", (double)m.v[i].size);
			cJSON_AddStringToObject(o, "sha256", m.v[i].sha256);
			cJSON_AddBoolToObject(o, "installed", true);
			cJSON_AddBoolToObject(o, "in_use", str_eq(path, in_use));
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		printf("%-20s %-9s %-7s %-28s installed%s (%s)\n", m.v[i].name,
		       mb_str(m.v[i].size, 0, buf, sizeof(buf)), "", "", str_eq(path, in_use) ?
		       ", in use" : "", m.v[i].source);
	}
	if (in_use[0] && !arr && !strstr(in_use, dir))
		printf("in use: %s (model.path)\n", in_use);
	if (arr) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToObject(o, "models", arr);
		if (in_use[0])
			cJSON_AddStringToObject(o, "in_use", in_use);
		else
			cJSON_AddNullToObject(o, "in_use");
		cJSON_AddStringToObject(o, "dir", dir);
		ui_print_json(o);
	} else if (!in_use[0]) {
		printf("\nnothing installed; get the recommended model with: caro model pull %s\n",
		       models_recommended()->name);
	}
	models_manifest_release(&m);
	return EXIT_OK;
}

/* ---------------------------------------------------------------- pull */

struct bar {
	bool tty;
	double t0, last;
	uint64_t start;        /* bytes on disk when this run began */
	bool drawn;
};

static void bar_clear(struct bar *b)
{
	if (b->drawn)
		fputs("\r\033[K", stderr);
	b->drawn = false;
}

static void on_progress(void *ud, uint64_t have, uint64_t total)
{
	struct bar *b = ud;
	double t = now_ms(), secs, rate;
	char eta[32] = "";
	int pct, width = 24, fill;

	if (!b->tty || (t - b->last < 100 && have != total))
		return;
	b->last = t;
	if (!b->t0) {
		b->t0 = t;
		b->start = have;
	}
	secs = (t - b->t0) / 1e3;
	rate = secs > 0.2 ? (double)(have - b->start) / secs : 0;
	if (total && rate > 0 && have < total) {
		long left = (long)((double)(total - have) / rate);

		snprintf(eta, sizeof(eta), "  ETA %ld:%02ld", left / 60, left % 60);
	}
	pct = total ? (int)((double)have * 100 / (double)total) : 0;
	fill = total ? (int)((double)have * width / (double)total) : 0;
	if (total)
		fprintf(stderr, "\r\033[K  %3d%% [%.*s%*s] %.1f/%.1f MB  %.1f MB/s%s", pct, fill,
			"========================", width - fill, "", (double)have / 1e6,
			(double)total / 1e6, rate / 1e6, eta);
	else
		fprintf(stderr, "\r\033[K  %.1f MB  %.1f MB/s", (double)have / 1e6, rate / 1e6);
	b->drawn = true;
}

static void on_note(void *ud, const char *msg)
{
	struct bar *b = ud;

	bar_clear(b);
	fprintf(stderr, "caro: %s\n", msg);
}

static void on_sigint(int sig)
{
	UNUSED(sig);
	http_cancel();
}

static int model_pull(struct app *app, const char *what)
{
	struct models_spec spec;
	struct models_pull_opts o = {0};
	struct download_result res;
	struct bar bar = {.tty = app->tty_err && !app->json};
	struct sigaction sa = {0}, old;
	char path[4400], size[32];
	struct err e;
	int rc;

	if (models_parse_spec(what, &spec, &e) != 0)
		die(EXIT_USAGE, "%s", e.msg);
	o.cfg = &app->cfg;
	o.force = mo.force;
	o.on_progress = on_progress;
	o.on_note = on_note;
	o.ud = &bar;
	if (!app->json)
		fprintf(stderr, "caro: pulling %s (hf:%s/%s, %s)\n", spec.name, spec.repo, spec.path,
			spec.entry ? mb_str(spec.entry->size, spec.entry->approx_mb, size,
					    sizeof(size)) : "size unknown");
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	rc = models_pull(&spec, &o, &res, path, sizeof(path), &e);
	sigaction(SIGINT, &old, NULL);
	bar_clear(&bar);
	if (rc != 0)
		die(exit_for_err(&e), "%s", e.msg);
	if (app->json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "name", spec.name);
		cJSON_AddStringToObject(j, "path", path);
		cJSON_AddNumberToObject(j, "size", (double)res.size);
		cJSON_AddStringToObject(j, "sha256", res.sha256);
		cJSON_AddBoolToObject(j, "verified", res.verified);
		cJSON_AddNumberToObject(j, "resumed_from", (double)res.resumed_from);
		cJSON_AddNumberToObject(j, "attempts", res.attempts);
		ui_print_json(j);
		return EXIT_OK;
	}
	fprintf(stderr, "caro: installed %s (%.1f MB), sha256 %s %s\n", spec.name,
		(double)res.size / 1e6, res.sha256,
		res.verified ? "(verified)" :
		"(no published checksum to verify against; recorded for later checks)");
	printf("%s\n", path);
	return EXIT_OK;
}

/* ----------------------------------------------------------- info, path */

/* The file NAME means: a path, an installed name, or (none) the model in
 * use. Dies when there is none. */
static void model_file(struct app *app, const char *name, char *out, size_t cap)
{
	struct config c = app->cfg;
	struct err e;
	struct stat st;

	if (name && (strchr(name, '/') || stat(name, &st) == 0)) {
		snprintf(out, cap, "%s", name);
		if (stat(out, &st) != 0)
			die(EXIT_ERROR, "no such file: %s", name);
		return;
	}
	if (name) {
		c.model_path = NULL;
		c.model_name = (char *)name;
	}
	if (models_resolve(&c, out, cap, &e) != 0)
		die(e.code == ERR_UNAVAILABLE ? EXIT_DECLINED : EXIT_ERROR, "%s", e.msg);
}

static int model_info(struct app *app, const char *name)
{
	char path[4400], dir[4096], ttype[16];
	struct models_manifest m = {0};
	const struct models_installed *ins = NULL;
	const struct models_entry *ce;
	const struct infer_model_info *mi;
	struct infer_model *im;
	struct tok *tk;
	struct chat_template t;
	struct gguf_str tmpl = {0};
	const char *base, *eos_text = NULL;
	size_t eos_len = 0;
	char eos[64] = "";
	struct err e;

	model_file(app, name, path, sizeof(path));
	im = infer_model_open(path, &e);
	if (!im)
		die(EXIT_ERROR, "%s", e.msg);
	mi = infer_model_info(im);
	tk = tok_new_from_gguf(infer_model_gguf(im), &e);
	if (tk && tok_eos(tk) != TOK_NONE)
		eos_text = tok_text(tk, tok_eos(tk), &eos_len);
	if (eos_text && eos_len < sizeof(eos))
		snprintf(eos, sizeof(eos), "%.*s", (int)eos_len, eos_text);
	gguf_get_str(infer_model_gguf(im), "tokenizer.chat_template", &tmpl);
	chat_detect(tmpl.s, (size_t)tmpl.len, eos, &t);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (models_dir(dir, sizeof(dir), &e) == 0 && models_manifest_load(dir, &m, &e) == 0)
		ins = models_manifest_find(&m, base);
	ce = models_find(base);
	snprintf(ttype, sizeof(ttype), "%s", gguf_type_name(mi->main_type));
	if (app->json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "path", path);
		cJSON_AddStringToObject(o, "name", ins ? ins->name : ce ? ce->name : base);
		cJSON_AddNumberToObject(o, "size", (double)mi->file_size);
		cJSON_AddStringToObject(o, "arch", mi->arch);
		cJSON_AddStringToObject(o, "general_name", mi->name);
		cJSON_AddNumberToObject(o, "parameters", (double)mi->n_params);
		cJSON_AddStringToObject(o, "type", ttype);
		cJSON_AddNumberToObject(o, "layers", mi->n_layer);
		cJSON_AddNumberToObject(o, "embedding", mi->n_embd);
		cJSON_AddNumberToObject(o, "context_train", mi->n_ctx_train);
		cJSON_AddNumberToObject(o, "vocab", mi->n_vocab);
		cJSON_AddStringToObject(o, "tokenizer", !tk ? "unsupported" :
					tok_model(tk) == TOK_MODEL_BPE ? "bpe" : "spm");
		cJSON_AddStringToObject(o, "chat_template", chat_family_name(t.family));
		cJSON_AddBoolToObject(o, "chat_template_known", t.known);
		if (ins) {
			cJSON_AddStringToObject(o, "source", ins->source);
			cJSON_AddStringToObject(o, "sha256", ins->sha256);
			cJSON_AddBoolToObject(o, "verified", ins->verified);
		}
		if (ce)
			cJSON_AddStringToObject(o, "license", ce->license);
		ui_print_json(o);
	} else {
		printf("file:          %s (%.1f MB)\n", path, (double)mi->file_size / 1e6);
		printf("name:          %s%s%s\n", ins ? ins->name : ce ? ce->name : base,
		       mi->name[0] ? " / " : "", mi->name);
		printf("architecture:  %s, %.0fM parameters, %s, %d layers, embedding %d\n",
		       mi->arch, (double)mi->n_params / 1e6, ttype, mi->n_layer, mi->n_embd);
		printf("context:       %d tokens (trained)\n", mi->n_ctx_train);
		printf("tokenizer:     %s, %d tokens\n", !tk ? "unsupported" :
		       tok_model(tk) == TOK_MODEL_BPE ? "byte-level BPE" : "SentencePiece",
		       mi->n_vocab);
		printf("chat template: %s%s\n", chat_family_name(t.family),
		       t.known ? "" : tmpl.len ? " (not recognised; ChatML is used)" :
		       " (none in the file; ChatML is used)");
		if (ins)
			printf("source:        %s\nsha256:        %s%s\n", ins->source, ins->sha256,
			       ins->verified ? " (verified)" : " (computed at download)");
		if (ce)
			printf("license:       %s\n", ce->license);
	}
	tok_free(tk);
	infer_model_close(im);
	models_manifest_release(&m);
	return EXIT_OK;
}

static int model_path(struct app *app, const char *name)
{
	char path[4400];

	model_file(app, name, path, sizeof(path));
	printf("%s\n", path);
	return EXIT_OK;
}

static int model_rm(struct app *app, const char *name)
{
	char path[4400];
	struct err e;

	UNUSED(app);
	if (models_remove(name, path, sizeof(path), &e) != 0)
		die(e.code == ERR_NOTFOUND ? EXIT_USAGE : EXIT_ERROR, "%s", e.msg);
	fprintf(stderr, "caro: removed %s\n", path);
	return EXIT_OK;
}

/* ----------------------------------------------------------------- run */

struct run_state {
	struct tok *tk;
	struct tok_stream ts;
	struct buf out;
};

static int run_token(void *ud, int32_t id)
{
	struct run_state *r = ud;

	if (http_cancelled())
		return -1;
	if (tok_is_eog(r->tk, id))
		return 1;
	buf_reset(&r->out);
	tok_stream_push(&r->ts, r->tk, id, &r->out);
	fwrite(r->out.s, 1, r->out.len, stdout);
	fflush(stdout);
	return 0;
}

static int model_run(struct app *app, const char *name)
{
	char path[4400];
	struct infer_model *m;
	struct infer_ctx *c = NULL;
	struct infer_sampler *s = NULL;
	struct infer_ctx_params cp = {0};
	struct infer_sampler_params sp;
	struct infer_gen gen = {0};
	struct run_state r = {0};
	struct tok_ids ids = {0};
	struct err e;
	struct sigaction sa = {0}, old;
	double t_ready, t1, t2, t3, load_ms;
	int n_gen = 0, rc = EXIT_ERROR;

	if (!mo.prompt)
		die(EXIT_USAGE, "usage: %s", cmd_find("model")->usage);
	model_file(app, name, path, sizeof(path));
	m = infer_model_open(path, &e);
	if (!m)
		die(EXIT_ERROR, "%s", e.msg);
	r.tk = tok_new_from_gguf(infer_model_gguf(m), &e);
	if (!r.tk)
		goto fail;
	cp.n_ctx = (int)mo.ctx;
	cp.n_threads = (int)(mo.threads ? mo.threads : app->cfg.model_threads);
	c = infer_ctx_new(m, &cp, &e);
	if (!c)
		goto fail;
	if (mo.chat) {
		/* The prompt as one user turn in the model's own template. */
		struct chat_template t;
		struct gguf_str tmpl = {0};
		struct prompt p = {0};
		struct chat_prompt chp;

		gguf_get_str(infer_model_gguf(m), "tokenizer.chat_template", &tmpl);
		chat_detect(tmpl.s, (size_t)tmpl.len, NULL, &t);
		p.m[0].role = PROMPT_USER;
		p.m[0].content = xstrdup(mo.prompt);
		p.n = 1;
		if (chat_render(&t, &p, &chp, &e) != 0 ||
		    tok_encode_parts(r.tk, chp.parts, chp.n_parts, TOK_ENC_ADD_SPECIAL, &ids, &e) != 0) {
			chat_prompt_release(&chp);
			prompt_release(&p);
			goto fail;
		}
		chat_prompt_release(&chp);
		prompt_release(&p);
	} else if (tok_encode(r.tk, mo.prompt, strlen(mo.prompt),
			      TOK_ENC_SPECIAL | TOK_ENC_ADD_SPECIAL, &ids, &e) != 0) {
		goto fail;
	}
	if (!ids.n)
		die(EXIT_USAGE, "the prompt has no tokens");
	t_ready = now_ms();
	load_ms = proc_uptime_ms();
	if (load_ms < 0)
		load_ms = t_ready - app->t0_ms;
	infer_sampler_defaults(&sp);
	if (mo.temp_set)
		sp.temp = (float)mo.temp;
	sp.seed = mo.seed;
	s = infer_sampler_new(&sp, infer_model_info(m)->n_vocab);
	tok_stream_init(&r.ts, 0);
	gen.max_tokens = (int)mo.tokens;
	gen.on_token = run_token;
	gen.lookup = (int)app->cfg.model_lookup;
	gen.user = &r;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	t1 = now_ms();
	if (infer_prefill(c, ids.v, (int)ids.n, 0, &e) != 0)
		goto fail;
	t2 = now_ms();
	if (infer_generate(c, s, &gen, &n_gen, &e) != 0 && e.code != ERR_CANCELLED)
		goto fail;
	t3 = now_ms();
	buf_reset(&r.out);
	tok_stream_flush(&r.ts, &r.out);
	fwrite(r.out.s, 1, r.out.len, stdout);
	printf("\n");
	fflush(stdout);
	fprintf(stderr,
		"caro: %s, %s kernels, %d threads\n"
		"load %.1f ms | prefill %zu tokens %.1f tok/s | decode %d tokens %.1f tok/s "
		"(lookup kept %d of %d drafted) | peak RSS %.1f MB\n",
		infer_model_info(m)->arch, infer_ctx_kernels(c), infer_ctx_threads(c), load_ms, ids.n,
		(double)ids.n / ((t2 - t1) / 1e3), n_gen,
		n_gen > 1 ? (n_gen - 1) / ((t3 - t2) / 1e3) : 0.0, gen.n_accepted, gen.n_drafted,
		proc_peak_rss_mb());
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "caro: %s\n", e.msg);
out:
	sigaction(SIGINT, &old, NULL);
	tok_ids_release(&ids);
	buf_release(&r.out);
	infer_sampler_free(s);
	infer_ctx_free(c);
	tok_free(r.tk);
	infer_model_close(m);
	return rc;
}

int cmd_model(struct app *app, int argc, char **argv)
{
	const char *usage = cmd_find("model")->usage;
	char **w;
	int n;

	cli_parse(app, argc, argv, model_opts, on_model_opt);
	w = app->opts.words;
	n = app->opts.n_words;
	if (app->opts.help) {
		printf("usage: %s\n\n"
		       "  list                  the catalog, what is installed, what is in use\n"
		       "  pull NAME [-f]        download a catalog model (resumable); also\n"
		       "  pull hf:OWNER/REPO/FILE.gguf   any GGUF on Hugging Face\n"
		       "  rm NAME               delete an installed model\n"
		       "  info [NAME|PATH]      what a model file holds (default: the one in use)\n"
		       "  path [NAME]           the file the local engine uses\n"
		       "  run MODEL -p TEXT     stream a completion and print speeds; options\n"
		       "                        -n N tokens, --temp T, --seed S, --threads T,\n"
		       "                        --ctx N, --chat (wrap TEXT in the chat template)\n\n"
		       "HF_ENDPOINT changes the server, HF_TOKEN is sent for gated repositories,\n"
		       "and http_proxy/https_proxy are honoured.\n",
		       usage);
		return EXIT_OK;
	}
	if (n == 0)
		die(EXIT_USAGE, "model needs a verb: %s", usage);
	app_setup(app);
	if (str_eq(w[0], "list") && n == 1)
		return model_list(app);
	if (str_eq(w[0], "pull") && n == 2)
		return model_pull(app, w[1]);
	if ((str_eq(w[0], "rm") || str_eq(w[0], "remove")) && n == 2)
		return model_rm(app, w[1]);
	if (str_eq(w[0], "info") && n <= 2)
		return model_info(app, n == 2 ? w[1] : NULL);
	if (str_eq(w[0], "path") && n <= 2)
		return model_path(app, n == 2 ? w[1] : NULL);
	if (str_eq(w[0], "run") && n <= 2)
		return model_run(app, n == 2 ? w[1] : NULL);
	die(EXIT_USAGE, "usage: %s", usage);
}
