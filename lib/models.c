/*
 * models.c: the catalog, the manifest, pulls and the choice of model
 * (see models.h).
 *
 * Catalog values were taken from the repositories' published file lists;
 * where an exact size or sha256 could not be confirmed the row leaves it
 * unknown (0 / NULL) and the pull records what it computed, unverified.
 */
#include "models.h"

#include "fileio.h"

#include "buf.h"
#include "log.h"
#include "http.h"
#include "paths.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct models_entry catalog[] = {
	{"qwen2.5-coder-0.5b", "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
	 "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "Q4_K_M", 0, 398, NULL, "Apache-2.0",
	 "Qwen2.5-Coder 0.5B Instruct: code-trained, the best speed/quality balance", true},
	{"qwen2.5-coder-1.5b", "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
	 "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "Q4_K_M", 0, 1120, NULL, "Apache-2.0",
	 "Qwen2.5-Coder 1.5B Instruct: better commands, about 3x slower", false},
	{"smollm2-360m", "HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "smollm2-360m-instruct-q8_0.gguf",
	 "Q8_0", 0, 386, NULL, "Apache-2.0", "SmolLM2 360M Instruct: small and quick", false},
	{"smollm2-135m", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "smollm2-135m-instruct-q8_0.gguf",
	 "Q8_0", 0, 145, NULL, "Apache-2.0", "SmolLM2 135M Instruct: the smallest; simple requests only",
	 false},
	{"llama-3.2-1b", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
	 "Q4_K_M", 807694464ull, 808, "6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83",
	 "Llama 3.2 Community License", "Llama 3.2 1B Instruct (Llama 3 chat template)", false},
	{"smollm2-135m-q4", "bartowski/SmolLM2-135M-Instruct-GGUF", "SmolLM2-135M-Instruct-Q4_K_M.gguf",
	 "Q4_K_M", 105454432ull, 105, "2e8040ceae7815abe0dcb3540b9995eaa1fa0d2ca9e797d0a635ae4433c68c2d",
	 "Apache-2.0", "SmolLM2 135M Instruct in Q4_K_M", false},
};

const struct models_entry *models_catalog(size_t *n)
{
	*n = ARRAY_SIZE(catalog);
	return catalog;
}

const struct models_entry *models_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(catalog); i++)
		if (!strcasecmp(catalog[i].name, name) || !strcmp(catalog[i].file, name))
			return &catalog[i];
	return NULL;
}

const struct models_entry *models_recommended(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(catalog); i++)
		if (catalog[i].recommended)
			return &catalog[i];
	return &catalog[0];
}

/* ------------------------------------------------------------ manifest */

int models_dir(char *out, size_t cap, struct err *err)
{
	char data[4096];

	if (paths_dir(PATHS_DATA, data, sizeof(data), err) != 0)
		return -1;
	if ((size_t)snprintf(out, cap, "%s/models", data) >= cap)
		return err_set(err, ERR_LIMIT, "models: path too long");
	return 0;
}

static void entry_free(struct models_installed *e)
{
	free(e->name);
	free(e->file);
	free(e->source);
	free(e->sha256);
}

void models_manifest_release(struct models_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_free(&m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* A file name we are willing to join to the models directory. */
static bool safe_file_name(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

int models_manifest_load(const char *dir, struct models_manifest *m, struct err *err)
{
	char path[4096];
	struct buf b = BUF_INIT;
	cJSON *root = NULL;
	const cJSON *arr, *it;
	FILE *f;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return err_errno(err, ERR_IO, "cannot read %s", path);
	}
	for (;;) {
		char chunk[8192];
		size_t n = fread(chunk, 1, sizeof(chunk), f);

		if (b.len + n > MODELS_MANIFEST_MAX) {
			err_set(err, ERR_CORRUPT, "%s is larger than %u bytes", path,
				MODELS_MANIFEST_MAX);
			goto out;
		}
		buf_add(&b, chunk, n);
		if (n < sizeof(chunk))
			break;
	}
	root = cJSON_ParseWithLength(buf_str(&b), b.len);
	arr = cJSON_GetObjectItemCaseSensitive(root, "models");
	if (!cJSON_IsArray(arr)) {
		err_set(err, ERR_CORRUPT, "%s is damaged (no \"models\" list); remove it and pull again",
			path);
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		struct models_installed e = {0};
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(it, "size");
		const cJSON *added = cJSON_GetObjectItemCaseSensitive(it, "added");

		if (!safe_file_name(jstr(it, "file")))
			continue; /* never follow a path out of the directory */
		e.name = (char *)jstr(it, "name");
		e.file = (char *)jstr(it, "file");
		e.source = (char *)jstr(it, "source");
		e.sha256 = (char *)jstr(it, "sha256");
		e.verified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "verified"));
		e.size = cJSON_IsNumber(size) && size->valuedouble > 0 ? (uint64_t)size->valuedouble : 0;
		e.added = cJSON_IsNumber(added) ? (long long)added->valuedouble : 0;
		if (!*e.name)
			e.name = e.file;
		models_manifest_put(m, &e);
	}
	rc = 0;
out:
	if (rc != 0)
		models_manifest_release(m);
	cJSON_Delete(root);
	buf_release(&b);
	fclose(f);
	return rc;
}

int models_manifest_save(const char *dir, const struct models_manifest *m, struct err *err)
{
	char path[4096];
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;
	int rc;

	cJSON_AddNumberToObject(root, "version", 1);
	arr = cJSON_AddArrayToObject(root, "models");
	for (size_t i = 0; i < m->n; i++) {
		const struct models_installed *e = &m->v[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", e->name);
		cJSON_AddStringToObject(o, "file", e->file);
		cJSON_AddStringToObject(o, "source", e->source);
		cJSON_AddStringToObject(o, "sha256", e->sha256);
		cJSON_AddBoolToObject(o, "verified", e->verified);
		cJSON_AddNumberToObject(o, "size", (double)e->size);
		cJSON_AddNumberToObject(o, "added", (double)e->added);
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_Print(root);
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	rc = text ? file_write_atomic(path, text, strlen(text), 0644, 0, err) :
		    err_set(err, ERR_NOMEM, "cannot format %s", path);
	free(text);
	cJSON_Delete(root);
	return rc;
}

struct models_installed *models_manifest_find(const struct models_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcasecmp(m->v[i].name, name) || !strcmp(m->v[i].file, name))
			return &m->v[i];
	return NULL;
}

void models_manifest_put(struct models_manifest *m, const struct models_installed *e)
{
	struct models_installed c = {
		xstrdup(e->name), xstrdup(e->file), xstrdup(e->source ? e->source : ""),
		xstrdup(e->sha256 ? e->sha256 : ""), e->verified, e->size, e->added,
	};

	for (size_t i = 0; i < m->n; i++)
		if (str_eq(m->v[i].file, e->file)) {
			entry_free(&m->v[i]);
			m->v[i] = c;
			return;
		}
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	m->v[m->n++] = c;
}

bool models_manifest_remove(struct models_manifest *m, const char *file)
{
	for (size_t i = 0; i < m->n; i++)
		if (str_eq(m->v[i].file, file)) {
			entry_free(&m->v[i]);
			memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
			m->n--;
			return true;
		}
	return false;
}

/* --------------------------------------------------------------- specs */

static bool name_chars(const char *s, size_t n)
{
	if (!n || (n == 2 && !memcmp(s, "..", 2)) || (n == 1 && *s == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

int models_parse_spec(const char *spec, struct models_spec *out, struct err *err)
{
	const char *rest, *slash1, *slash2, *p;

	memset(out, 0, sizeof(*out));
	if (strncmp(spec, "hf:", 3) != 0) {
		const struct models_entry *e = models_find(spec);
		struct buf names = BUF_INIT;

		if (!e) {
			for (size_t i = 0; i < ARRAY_SIZE(catalog); i++)
				buf_addf(&names, "%s%s", i ? ", " : "", catalog[i].name);
			err_set(err, ERR_NOTFOUND,
				"no model '%.64s' in the catalog (%s); any GGUF on Hugging Face works as "
				"hf:OWNER/REPO/FILE.gguf",
				spec, buf_str(&names));
			buf_release(&names);
			return -1;
		}
		out->entry = e;
		snprintf(out->name, sizeof(out->name), "%s", e->name);
		snprintf(out->repo, sizeof(out->repo), "%s", e->repo);
		snprintf(out->path, sizeof(out->path), "%s", e->file);
		snprintf(out->file, sizeof(out->file), "%s", e->file);
		return 0;
	}
	rest = spec + 3;
	slash1 = strchr(rest, '/');
	slash2 = slash1 ? strchr(slash1 + 1, '/') : NULL;
	if (!slash2 || !name_chars(rest, (size_t)(slash1 - rest)) ||
	    !name_chars(slash1 + 1, (size_t)(slash2 - slash1 - 1)))
		return err_set(err, ERR_USAGE, "'%.80s' is not hf:OWNER/REPO/FILE.gguf", spec);
	/* The path may have folders; each part must be a plain name. */
	for (p = slash2 + 1;;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (!name_chars(p, n))
			return err_set(err, ERR_USAGE, "'%.80s': bad file path in the repository", spec);
		if (!end) {
			if (n < 6 || strcasecmp(p + n - 5, ".gguf") != 0)
				return err_set(err, ERR_USAGE, "'%.80s': the file must be a .gguf", spec);
			if (n >= sizeof(out->file))
				return err_set(err, ERR_USAGE, "'%.80s': file name too long", spec);
			snprintf(out->file, sizeof(out->file), "%s", p);
			break;
		}
		p = end + 1;
	}
	if ((size_t)(slash2 - rest) >= sizeof(out->repo) || strlen(slash2 + 1) >= sizeof(out->path))
		return err_set(err, ERR_USAGE, "'%.80s' is too long", spec);
	snprintf(out->repo, sizeof(out->repo), "%.*s", (int)(slash2 - rest), rest);
	snprintf(out->path, sizeof(out->path), "%s", slash2 + 1);
	/* A catalog file pulled by its hf: name is the catalog entry. */
	out->entry = models_find(out->file);
	if (out->entry && strcmp(out->entry->repo, out->repo) != 0)
		out->entry = NULL;
	snprintf(out->name, sizeof(out->name), "%s", out->entry ? out->entry->name : out->file);
	return 0;
}

void models_url(const struct models_spec *spec, char *out, size_t cap)
{
	const char *ep = getenv("HF_ENDPOINT");
	size_t n;

	if (!ep || !*ep)
		ep = "https://huggingface.co";
	n = strlen(ep);
	while (n && ep[n - 1] == '/')
		n--;
	snprintf(out, cap, "%.*s/%s/resolve/main/%s", (int)n, ep, spec->repo, spec->path);
}

/* ---------------------------------------------------------------- pull */

int models_pull(const struct models_spec *spec, const struct models_pull_opts *o,
		struct download_result *res, char *path, size_t cap, struct err *err)
{
	char dir[4096], dest[4400], url[HTTP_URL_MAX + 1], auth[1024], source[800];
	const char *hdrs[2] = {NULL, NULL};
	const char *token = getenv("HF_TOKEN");
	struct download_req rq = {0};
	struct models_manifest m = {0};
	struct models_installed e = {0};
	struct stat st;
	int rc = -1;

	if (!token || !*token)
		token = getenv("HUGGING_FACE_HUB_TOKEN");
	if (models_dir(dir, sizeof(dir), err) != 0 || paths_mkdir_p(dir, err) != 0)
		return -1;
	snprintf(dest, sizeof(dest), "%s/%s", dir, spec->file);
	if (path)
		snprintf(path, cap, "%s", dest);
	if (!o->force && stat(dest, &st) == 0)
		return err_set(err, ERR_USAGE, "%s is already installed (%s); --force downloads it again",
			       spec->name, dest);
	models_url(spec, url, sizeof(url));
	if (token && *token) {
		if (strlen(token) > 512 || strpbrk(token, "\r\n"))
			return err_set(err, ERR_CONFIG, "HF_TOKEN is malformed");
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs[0] = auth;
	}
	rq.url = url;
	rq.dest = dest;
	rq.sha256 = spec->entry ? spec->entry->sha256 : NULL;
	rq.size = spec->entry ? spec->entry->size : 0;
	rq.headers = hdrs;
	rq.connect_timeout_ms = o->cfg ? (long)o->cfg->http_connect_timeout_ms : 0;
	rq.stall_timeout_ms = o->cfg ? (long)o->cfg->model_stall_timeout_ms : 0;
	rq.retries = o->cfg ? (int)o->cfg->http_retries : 2;
	rq.on_progress = o->on_progress;
	rq.on_note = o->on_note;
	rq.ud = o->ud;
	if (o->force)
		unlink(dest);
	if (download_file(&rq, res, err) != 0) {
		if (err->code == ERR_NOTFOUND)
			err_set(err, ERR_NOTFOUND, "%s/%s was not found on %s (HTTP 404)", spec->repo,
				spec->path, getenv("HF_ENDPOINT") && *getenv("HF_ENDPOINT") ?
				getenv("HF_ENDPOINT") : "huggingface.co");
		else if (err->code == ERR_CONFIG && strstr(err->msg, "HTTP 40"))
			err_prefix(err, "%s", token && *token ? "access denied even with HF_TOKEN" :
				   "access denied (a gated repository needs HF_TOKEN)");
		goto out;
	}
	snprintf(source, sizeof(source), "hf:%s/%s", spec->repo, spec->path);
	e.name = (char *)spec->name;
	e.file = (char *)spec->file;
	e.source = source;
	e.sha256 = res->sha256;
	e.verified = res->verified;
	e.size = res->size;
	e.added = (long long)time(NULL);
	/* Read the manifest again just before writing: another pull may have
	 * added an entry meanwhile. */
	if (models_manifest_load(dir, &m, err) != 0) {
		log_warn("%s; starting a new manifest", err->msg);
		memset(&m, 0, sizeof(m));
	}
	models_manifest_put(&m, &e);
	rc = models_manifest_save(dir, &m, err);
out:
	models_manifest_release(&m);
	return rc;
}

int models_remove(const char *name, char *removed, size_t cap, struct err *err)
{
	char dir[4096], p[4400];
	struct models_manifest m;
	struct models_installed *e;
	const struct models_entry *ce;
	const char *file = NULL;
	bool found = false;
	int rc = -1;

	if (models_dir(dir, sizeof(dir), err) != 0 || models_manifest_load(dir, &m, err) != 0)
		return -1;
	e = models_manifest_find(&m, name);
	ce = models_find(name);
	file = e ? e->file : ce ? ce->file : safe_file_name(name) ? name : NULL;
	if (!file) {
		err_set(err, ERR_NOTFOUND, "no installed model '%.64s'", name);
		goto out;
	}
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (removed)
		snprintf(removed, cap, "%s", p);
	found = unlink(p) == 0;
	snprintf(p, sizeof(p), "%s/%s.part", dir, file);
	found |= unlink(p) == 0;
	snprintf(p, sizeof(p), "%s/%s.part.meta", dir, file);
	unlink(p);
	if (models_manifest_remove(&m, file)) {
		found = true;
		if (models_manifest_save(dir, &m, err) != 0)
			goto out;
	}
	if (!found) {
		err_set(err, ERR_NOTFOUND, "'%.64s' is not installed", name);
		goto out;
	}
	rc = 0;
out:
	models_manifest_release(&m);
	return rc;
}

/* ------------------------------------------------------------- resolve */

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int models_resolve(const struct config *cfg, char *out, size_t cap, struct err *err)
{
	const struct models_entry *rec = models_recommended();
	struct models_manifest m;
	char dir[4096];
	size_t n;
	const struct models_entry *cat = models_catalog(&n);
	int rc = -1;

	if (cfg->model_path && *cfg->model_path) {
		if (!is_file(cfg->model_path))
			return err_set(err, ERR_NOTFOUND, "model file %s does not exist",
				       cfg->model_path);
		snprintf(out, cap, "%s", cfg->model_path);
		return 0;
	}
	if (models_dir(dir, sizeof(dir), err) != 0 || models_manifest_load(dir, &m, err) != 0)
		return -1;
	if (cfg->model_name && *cfg->model_name) {
		const struct models_installed *e = models_manifest_find(&m, cfg->model_name);
		const struct models_entry *c = models_find(cfg->model_name);

		snprintf(out, cap, "%s/%s", dir, e ? e->file : c ? c->file : cfg->model_name);
		if (!is_file(out)) {
			err_set(err, ERR_NOTFOUND,
				"model '%.64s' is not installed; get it with: caro model pull %.64s",
				cfg->model_name, c ? c->name : cfg->model_name);
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* Catalog order first, then whatever else was pulled. */
	for (size_t i = 0; i < n; i++) {
		const struct models_installed *e = models_manifest_find(&m, cat[i].file);

		snprintf(out, cap, "%s/%s", dir, cat[i].file);
		if (e && is_file(out)) {
			rc = 0;
			goto out;
		}
	}
	for (size_t i = 0; i < m.n; i++) {
		snprintf(out, cap, "%s/%s", dir, m.v[i].file);
		if (is_file(out)) {
			rc = 0;
			goto out;
		}
	}
	out[0] = '\0';
	err_set(err, ERR_UNAVAILABLE,
		"no local model installed; get one with: caro model pull %s (%u MB), "
		"or set model.path to a GGUF file",
		rec->name, rec->approx_mb);
out:
	models_manifest_release(&m);
	return rc;
}
