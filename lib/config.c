/*
 * config.c: the key table and the layering of defaults, file, environment
 * and command line.
 *
 * Every value, defaults included, goes through one setter (set_from_str or
 * set_from_toml), so validation is written once per type.
 */
#include "config.h"

#include "buf.h"
#include "fileio.h"
#include "paths.h"
#include "toml.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

enum key_type { K_STR, K_ENUM, K_INT, K_FLOAT, K_BOOL };

struct key {
	const char *name;
	enum key_type type;
	size_t off;
	const char *def;
	const char *const *choices; /* K_ENUM */
	double min, max;            /* K_INT, K_FLOAT */
	const char *env, *env2;     /* env2 is a fallback, e.g. OLLAMA_HOST */
	bool secret;
	const char *help;
};

#define OFF(f) offsetof(struct config, f)
#define CHOICES(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct key keys[] = {
	{"backend", K_ENUM, OFF(backend), "auto",
	 CHOICES("auto", "match", "local", "ollama", "openai"), 0, 0, "CARO_BACKEND", NULL, false,
	 "engine to use; auto tries match, then local, then remote servers"},
	{"output", K_ENUM, OFF(output), "plain", CHOICES("plain", "json"), 0, 0, "CARO_OUTPUT",
	 NULL, false, "plain text or one JSON object on stdout"},
	{"platform", K_ENUM, OFF(platform), "auto", CHOICES("auto", "linux", "macos", "freebsd"), 0,
	 0, "CARO_PLATFORM", NULL, false, "target userland; auto detects this machine's"},
	{"shell", K_ENUM, OFF(shell), "auto", CHOICES("auto", "sh", "bash", "zsh", "fish"), 0, 0,
	 "CARO_SHELL", NULL, false, "shell commands are written for and run by; auto uses $SHELL"},
	{"safety", K_ENUM, OFF(safety), "moderate", CHOICES("strict", "moderate", "permissive"), 0,
	 0, "CARO_SAFETY", NULL, false,
	 "strict: confirm moderate, block high; moderate: confirm high, block critical; "
	 "permissive: confirm critical"},
	{"candidates", K_INT, OFF(candidates), "1", NULL, 1, 10, "CARO_CANDIDATES", NULL, false,
	 "how many different commands to offer"},
	{"color", K_ENUM, OFF(color), "auto", CHOICES("auto", "always", "never"), 0, 0,
	 "CARO_COLOR", NULL, false, "colours on stderr; auto follows NO_COLOR and the terminal"},
	{"model.path", K_STR, OFF(model_path), "", NULL, 0, 0, "CARO_MODEL", NULL, false,
	 "a local GGUF model file for the local engine"},
	{"model.name", K_STR, OFF(model_name), "", NULL, 0, 0, "CARO_MODEL_NAME", NULL, false,
	 "an installed catalog model for the local engine"},
	{"model.threads", K_INT, OFF(model_threads), "0", NULL, 0, 256, "CARO_THREADS", NULL, false,
	 "inference threads; 0 picks for the machine"},
	{"model.lookup", K_INT, OFF(model_lookup), "10", NULL, 0, 16, "CARO_LOOKUP", NULL, false,
	 "prompt-lookup drafting: tokens checked ahead in one batch; 0 turns it off"},
	{"model.context", K_INT, OFF(model_context), "2048", NULL, 256, 32768, "CARO_CONTEXT", NULL,
	 false, "context length in tokens"},
	{"model.stall_timeout_ms", K_INT, OFF(model_stall_timeout_ms), "30000", NULL, 100, 3600000,
	 "CARO_STALL_TIMEOUT_MS", NULL, false,
	 "model downloads: an attempt that receives nothing this long is retried"},
	{"ollama.host", K_STR, OFF(ollama_host), "http://127.0.0.1:11434", NULL, 0, 0,
	 "CARO_OLLAMA_HOST", "OLLAMA_HOST", false, "Ollama server URL"},
	{"ollama.model", K_STR, OFF(ollama_model), "", NULL, 0, 0, "CARO_OLLAMA_MODEL", NULL, false,
	 "Ollama model name; empty leaves Ollama out of the auto chain"},
	{"ollama.temperature", K_FLOAT, OFF(ollama_temperature), "0.1", NULL, 0, 2,
	 "CARO_OLLAMA_TEMPERATURE", NULL, false, "sampling temperature"},
	{"ollama.keep_alive", K_STR, OFF(ollama_keep_alive), "5m", NULL, 0, 0,
	 "CARO_OLLAMA_KEEP_ALIVE", NULL, false, "how long Ollama keeps the model loaded"},
	{"openai.base_url", K_STR, OFF(openai_base_url), "", NULL, 0, 0, "CARO_OPENAI_BASE_URL",
	 NULL, false,
	 "OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (a URL without a path gets /v1)"},
	{"openai.model", K_STR, OFF(openai_model), "", NULL, 0, 0, "CARO_OPENAI_MODEL", NULL, false,
	 "model name on that server"},
	{"openai.api_key", K_STR, OFF(openai_api_key), "", NULL, 0, 0, "CARO_API_KEY",
	 "OPENAI_API_KEY", true, "API key (prefer the environment variable)"},
	{"openai.temperature", K_FLOAT, OFF(openai_temperature), "0.1", NULL, 0, 2,
	 "CARO_OPENAI_TEMPERATURE", NULL, false, "sampling temperature"},
	{"http.connect_timeout_ms", K_INT, OFF(http_connect_timeout_ms), "3000", NULL, 100, 600000,
	 "CARO_CONNECT_TIMEOUT_MS", NULL, false, "connect timeout for servers"},
	{"http.timeout_ms", K_INT, OFF(http_timeout_ms), "60000", NULL, 100, 3600000,
	 "CARO_TIMEOUT_MS", NULL, false, "total time allowed for one server request"},
	{"http.retries", K_INT, OFF(http_retries), "2", NULL, 0, 10, "CARO_RETRIES", NULL, false,
	 "retries on connection errors, 429 and 5xx"},
	{"cache.max_entries", K_INT, OFF(cache_max_entries), "1000", NULL, 0, 10000000,
	 "CARO_CACHE_MAX_ENTRIES", NULL, false, "answers kept in the cache; 0 disables it"},
	{"cache.ttl_days", K_INT, OFF(cache_ttl_days), "0", NULL, 0, 36500, "CARO_CACHE_TTL_DAYS",
	 NULL, false, "days a cached answer stays valid; 0 keeps it until evicted"},
	{"history.enabled", K_BOOL, OFF(history_enabled), "true", NULL, 0, 0, "CARO_HISTORY", NULL,
	 false, "record requests and decisions in the local history"},
	{"init.key", K_STR, OFF(init_key), "\\C-g", NULL, 0, 0, "CARO_INIT_KEY", NULL, false,
	 "key `caro init` binds, in readline notation"},
};

_Static_assert(ARRAY_SIZE(keys) <= ARRAY_SIZE(((struct config *)0)->src),
	       "grow struct config.src");

static const char *const source_names[] = {"default", "file", "env", "cli"};

const char *config_source_name(enum config_source s) { return source_names[s]; }

const char *config_key_name(size_t i) { return i < ARRAY_SIZE(keys) ? keys[i].name : NULL; }
const char *config_key_help(size_t i) { return i < ARRAY_SIZE(keys) ? keys[i].help : NULL; }
const char *config_key_env(size_t i) { return i < ARRAY_SIZE(keys) ? keys[i].env : NULL; }

enum config_source config_key_source(const struct config *cfg, size_t i)
{
	return i < ARRAY_SIZE(keys) ? cfg->src[i] : CFG_DEFAULT;
}

static int unknown_key(const char *key, struct err *err);

static const struct key *find_key(const char *name, size_t *idx)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (str_eq(keys[i].name, name)) {
			if (idx)
				*idx = i;
			return &keys[i];
		}
	}
	return NULL;
}

static void *field(struct config *cfg, const struct key *k)
{
	return (char *)cfg + k->off;
}

static void choices_text(const struct key *k, struct buf *b)
{
	for (const char *const *c = k->choices; *c; c++)
		buf_addf(b, "%s%s", c == k->choices ? "" : ", ", *c);
}

/* Parse and store a textual value. what names the origin for messages
 * ("CARO_SAFETY", "--safety", "config.toml:3: safety"). */
static int set_from_str(struct config *cfg, const struct key *k, const char *v, const char *what,
			struct err *err)
{
	char *end;

	switch (k->type) {
	case K_STR: {
		char **f = field(cfg, k);

		if (strlen(v) > 4096)
			return err_set(err, ERR_CONFIG, "%s: value too long", what);
		free(*f);
		*f = xstrdup(v);
		return 0;
	}
	case K_ENUM: {
		char **f = field(cfg, k);
		struct buf b = BUF_INIT;

		for (const char *const *c = k->choices; *c; c++) {
			if (str_eq(*c, v)) {
				free(*f);
				*f = xstrdup(v);
				return 0;
			}
		}
		choices_text(k, &b);
		err_set(err, ERR_CONFIG, "%s: expected one of %s, got '%.40s'", what, b.s, v);
		buf_release(&b);
		return -1;
	}
	case K_INT: {
		long long x;

		errno = 0;
		x = strtoll(v, &end, 10);
		if (!*v || *end || errno || x < (long long)k->min || x > (long long)k->max)
			return err_set(err, ERR_CONFIG, "%s: expected an integer from %.0f to %.0f, got '%.40s'",
				       what, k->min, k->max, v);
		*(long long *)field(cfg, k) = x;
		return 0;
	}
	case K_FLOAT: {
		double x;

		errno = 0;
		x = strtod(v, &end);
		if (!*v || *end || errno || !isfinite(x) || x < k->min || x > k->max)
			return err_set(err, ERR_CONFIG, "%s: expected a number from %g to %g, got '%.40s'",
				       what, k->min, k->max, v);
		*(double *)field(cfg, k) = x;
		return 0;
	}
	case K_BOOL:
		if (str_eq(v, "true") || str_eq(v, "1") || str_eq(v, "yes") || str_eq(v, "on"))
			*(bool *)field(cfg, k) = true;
		else if (str_eq(v, "false") || str_eq(v, "0") || str_eq(v, "no") || str_eq(v, "off"))
			*(bool *)field(cfg, k) = false;
		else
			return err_set(err, ERR_CONFIG, "%s: expected true or false, got '%.40s'", what, v);
		return 0;
	}
	return err_set(err, ERR_INTERNAL, "%s: bad key type", what);
}

/* A TOML value must have the key's TOML type; numbers become text for
 * set_from_str so ranges are checked in one place. */
static int set_from_toml(struct config *cfg, const struct key *k, const struct toml_entry *e,
			 const char *what, struct err *err)
{
	char num[64];

	switch (k->type) {
	case K_STR:
	case K_ENUM:
		if (e->type != TOML_STRING)
			return err_set(err, ERR_CONFIG, "%s: expected a string, got %s", what,
				       toml_type_name(e->type));
		return set_from_str(cfg, k, e->s, what, err);
	case K_INT:
		if (e->type != TOML_INT)
			return err_set(err, ERR_CONFIG, "%s: expected an integer, got %s", what,
				       toml_type_name(e->type));
		snprintf(num, sizeof(num), "%lld", e->i);
		return set_from_str(cfg, k, num, what, err);
	case K_FLOAT:
		if (e->type == TOML_INT)
			snprintf(num, sizeof(num), "%lld", e->i);
		else if (e->type == TOML_FLOAT)
			snprintf(num, sizeof(num), "%.17g", e->f);
		else
			return err_set(err, ERR_CONFIG, "%s: expected a number, got %s", what,
				       toml_type_name(e->type));
		return set_from_str(cfg, k, num, what, err);
	case K_BOOL:
		if (e->type != TOML_BOOL)
			return err_set(err, ERR_CONFIG, "%s: expected true or false, got %s", what,
				       toml_type_name(e->type));
		*(bool *)field(cfg, k) = e->b;
		return 0;
	}
	return err_set(err, ERR_INTERNAL, "%s: bad key type", what);
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

			cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), sub);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static const char *closest_key(const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t d = edit_distance(name, keys[i].name);

		if (d < bestd) {
			bestd = d;
			best = keys[i].name;
		}
	}
	return best;
}

static int read_file(const char *path, struct buf *out, bool *exists, struct err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char chunk[8192];
	ssize_t n;

	*exists = false;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_errno(err, ERR_IO, "cannot read %s", path);
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(err, ERR_IO, "%s is a directory", path);
	}
	*exists = true;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (out->len + (size_t)n > TOML_MAX_INPUT) {
			close(fd);
			return err_set(err, ERR_LIMIT, "%s is larger than %u bytes", path,
				       TOML_MAX_INPUT);
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	if (n < 0)
		return err_errno(err, ERR_IO, "cannot read %s", path);
	return 0;
}

static int default_path(char *out, size_t cap, struct err *err)
{
	char dir[4000];

	if (paths_dir(PATHS_CONFIG, dir, sizeof(dir), err) != 0)
		return -1;
	snprintf(out, cap, "%s/config.toml", dir);
	return 0;
}

static int unknown_key(const char *key, struct err *err)
{
	const char *near = closest_key(key);

	return err_set(err, ERR_NOTFOUND, "unknown key '%s'%s%s%s", key,
		       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

int config_load(struct config *cfg, const char *path, void (*warn)(const char *msg),
		struct err *err)
{
	struct buf text = BUF_INIT;
	struct toml_doc doc = {0};
	char pathbuf[4096], what[4400];
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (set_from_str(cfg, &keys[i], keys[i].def, keys[i].name, err) != 0)
			goto out;
		cfg->src[i] = CFG_DEFAULT;
	}

	if (!path) {
		/* Without a usable HOME there is no default file: not an error. */
		struct err ignored;

		if (default_path(pathbuf, sizeof(pathbuf), &ignored) == 0)
			path = pathbuf;
	}
	if (path) {
		cfg->file = xstrdup(path);
		if (read_file(path, &text, &cfg->file_exists, err) != 0)
			goto out;
	}
	if (cfg->file_exists) {
		if (toml_parse(buf_str(&text), text.len, &doc, err) != 0) {
			err->code = ERR_CONFIG;
			err_prefix(err, "%s", path);
			goto out;
		}
		for (size_t i = 0; i < doc.n; i++) {
			const struct toml_entry *e = &doc.e[i];
			size_t idx;
			const struct key *k = find_key(e->name, &idx);

			if (!k) {
				const char *near = closest_key(e->name);

				if (warn) {
					snprintf(what, sizeof(what), "%s:%d: unknown key '%s'%s%s%s",
						 path, e->line, e->name, near ? " (did you mean '" : "",
						 near ? near : "", near ? "'?)" : "");
					warn(what);
				}
				continue;
			}
			snprintf(what, sizeof(what), "%s:%d: %s", path, e->line, e->name);
			if (set_from_toml(cfg, k, e, what, err) != 0)
				goto out;
			cfg->src[idx] = CFG_FILE;
		}
	}

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *env = keys[i].env;
		const char *v = env ? getenv(env) : NULL;

		if ((!v || !*v) && keys[i].env2) {
			env = keys[i].env2;
			v = getenv(env);
		}
		if (!v || !*v)
			continue;
		if (set_from_str(cfg, &keys[i], v, env, err) != 0)
			goto out;
		cfg->src[i] = CFG_ENV;
	}
	rc = 0;
out:
	toml_doc_release(&doc);
	buf_release(&text);
	return rc;
}

void config_release(struct config *cfg)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (keys[i].type == K_STR || keys[i].type == K_ENUM) {
			char **f = field(cfg, &keys[i]);

			free(*f);
			*f = NULL;
		}
	}
	free(cfg->file);
	cfg->file = NULL;
}

int config_set_value(struct config *cfg, const char *key, const char *value,
		     enum config_source src, struct err *err)
{
	size_t idx;
	const struct key *k = find_key(key, &idx);

	if (!k)
		return unknown_key(key, err);
	if (set_from_str(cfg, k, value, key, err) != 0)
		return -1;
	cfg->src[idx] = src;
	return 0;
}

int config_format(const struct config *cfg, const char *key, bool reveal, struct buf *out,
		  struct err *err)
{
	const struct key *k = find_key(key, NULL);
	const void *f;

	if (!k)
		return unknown_key(key, err);
	f = (const char *)cfg + k->off;
	switch (k->type) {
	case K_STR:
	case K_ENUM: {
		const char *s = *(char *const *)f;

		if (k->secret && !reveal && s && *s)
			buf_adds(out, "(set, hidden)");
		else
			buf_adds(out, s ? s : "");
		break;
	}
	case K_INT:
		buf_addf(out, "%lld", *(const long long *)f);
		break;
	case K_FLOAT:
		buf_addf(out, "%g", *(const double *)f);
		break;
	case K_BOOL:
		buf_adds(out, *(const bool *)f ? "true" : "false");
		break;
	}
	return 0;
}

/* The TOML text for a validated value of key k. */
static void toml_value_text(const struct key *k, const struct config *tmp, struct buf *b)
{
	if (k->type == K_STR || k->type == K_ENUM)
		toml_quote(b, *(char *const *)((const char *)tmp + k->off));
	else
		config_format(tmp, k->name, true, b, NULL);
}

int config_write_value(const char *path, const char *key, const char *value, struct err *err)
{
	struct buf text = BUF_INIT, val = BUF_INIT, out = BUF_INIT;
	struct toml_doc doc = {0};
	struct config tmp;
	char pathbuf[4096];
	const struct key *k = find_key(key, NULL);
	const struct toml_entry *e;
	bool exists;
	int rc = -1;

	memset(&tmp, 0, sizeof(tmp));
	if (!k)
		return unknown_key(key, err);
	if (set_from_str(&tmp, k, value, key, err) != 0)
		goto out;
	toml_value_text(k, &tmp, &val);

	if (!path) {
		if (default_path(pathbuf, sizeof(pathbuf), err) != 0)
			goto out;
		path = pathbuf;
	}
	if (read_file(path, &text, &exists, err) != 0)
		goto out;
	if (toml_parse(buf_str(&text), text.len, &doc, err) != 0) {
		err_prefix(err, "%s: fix the file first", path);
		goto out;
	}

	e = toml_get(&doc, key);
	if (e) {
		/* Replace the value's bytes, keeping the line's comment. */
		buf_add(&out, buf_str(&text), e->val_start);
		buf_add(&out, val.s, val.len);
		buf_add(&out, buf_str(&text) + e->val_end, text.len - e->val_end);
	} else {
		const char *dot = strrchr(key, '.');
		size_t tlen = dot ? (size_t)(dot - key) : 0;
		const char *leaf = dot ? dot + 1 : key;
		const struct toml_table *t = NULL;
		size_t at;

		for (size_t i = 0; i < doc.n_tables && dot; i++)
			if (strlen(doc.t[i].name) == tlen && strncmp(doc.t[i].name, key, tlen) == 0)
				t = &doc.t[i];
		if (t) {
			at = t->end;
		} else if (!dot) {
			/* A root key must precede the first table. */
			at = doc.n_tables ? doc.t[0].start : text.len;
		} else {
			at = text.len;
		}
		buf_add(&out, buf_str(&text), at);
		if (out.len && out.s[out.len - 1] != '\n')
			buf_addch(&out, '\n');
		if (dot && !t)
			buf_addf(&out, "%s[%.*s]\n", out.len ? "\n" : "", (int)tlen, key);
		buf_addf(&out, "%s = %s\n", leaf, val.s);
		buf_add(&out, buf_str(&text) + at, text.len - at);
	}

	{
		char dir[4096];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (paths_mkdir_p(dir, err) != 0)
				goto out;
		}
	}
	/* 0600: the file may hold an API key. */
	rc = file_write_atomic(path, buf_str(&out), out.len, 0600, 0, err);
out:
	toml_doc_release(&doc);
	buf_release(&text);
	buf_release(&val);
	buf_release(&out);
	config_release(&tmp);
	return rc;
}
