/*
 * remote.c: the parts of the Ollama and OpenAI-compatible engines that
 * are the same: configuration, URLs, the prompt as JSON, text collection,
 * error messages and the final answer.
 */
#include "remote.h"

#include "answer.h"
#include "log.h"
#include "prompt.h"

#include <ctype.h>
#include <strings.h>

struct remote *remote_new(const char *engine, const char *url, const char *model,
			  double temperature, const struct config *cfg)
{
	struct remote *r = xcalloc(1, sizeof(*r));

	r->engine = engine;
	r->url = xstrdup(url);
	r->model = xstrdup(model);
	r->temperature = temperature;
	r->connect_timeout_ms = (long)cfg->http_connect_timeout_ms;
	r->timeout_ms = (long)cfg->http_timeout_ms;
	r->retries = (int)cfg->http_retries;
	return r;
}

void remote_free(struct remote *r)
{
	if (!r)
		return;
	free(r->url);
	free(r->model);
	free(r->keep_alive);
	if (r->auth) {
		/* The key should not outlive its use in memory either. */
		memset(r->auth, 0, strlen(r->auth));
		free(r->auth);
	}
	free(r);
}

/* ------------------------------------------------------------- URLs */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

int remote_ollama_url(const char *host, char *out, size_t cap, struct err *err)
{
	const char *s = host, *sep, *hp, *path, *port = NULL, *h;
	char scheme[8] = "http";
	size_t hl, pl = 0, n = strlen(host);
	bool explicit_scheme = false, v6 = false;
	struct http_url u;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	sep = strstr(s, "://");
	if (sep && (size_t)(sep - s) < n) {
		size_t sl = (size_t)(sep - s);

		if (!((sl == 4 && strncasecmp(s, "http", 4) == 0) ||
		      (sl == 5 && strncasecmp(s, "https", 5) == 0)))
			return err_set(err, ERR_CONFIG, "ollama.host: '%.*s' is not http or https",
				       (int)MIN(sl, 20), s);
		snprintf(scheme, sizeof(scheme), "%.*s", (int)sl, s);
		for (char *c = scheme; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		explicit_scheme = true;
		hp = sep + 3;
	} else {
		hp = s;
	}
	path = memchr(hp, '/', (size_t)(s + n - hp));
	hl = path ? (size_t)(path - hp) : (size_t)(s + n - hp);
	/* host[:port], [v6][:port], or a bare v6 address. */
	h = hp;
	if (hl && hp[0] == '[') {
		const char *rb = memchr(hp, ']', hl);

		if (!rb)
			return err_set(err, ERR_CONFIG, "ollama.host: unclosed [ in '%s'", host);
		h = hp + 1;
		v6 = true;
		if (rb + 1 < hp + hl) {
			if (rb[1] != ':')
				return err_set(err, ERR_CONFIG, "ollama.host: junk after ] in '%s'", host);
			port = rb + 2;
			pl = (size_t)(hp + hl - port);
		}
		hl = (size_t)(rb - h);
	} else {
		const char *colon = memchr(hp, ':', hl);

		if (colon && memchr(colon + 1, ':', (size_t)(hp + hl - colon - 1))) {
			v6 = true; /* a bare IPv6 address */
		} else if (colon) {
			port = colon + 1;
			pl = (size_t)(hp + hl - port);
			hl = (size_t)(colon - hp);
		}
	}
	if (port && !all_digits(port, pl))
		return err_set(err, ERR_CONFIG, "ollama.host: bad port in '%s'", host);
	if (hl == 0 || (hl == 7 && memcmp(h, "0.0.0.0", 7) == 0)) {
		h = "127.0.0.1";
		hl = 9;
		v6 = false;
	} else if (v6 && hl == 2 && memcmp(h, "::", 2) == 0) {
		h = "::1";
		hl = 3;
	}
	snprintf(out, cap, "%s://%s%.*s%s", scheme, v6 ? "[" : "", (int)hl, h, v6 ? "]" : "");
	if (port && pl)
		snprintf(out + strlen(out), cap - strlen(out), ":%.*s", (int)pl, port);
	else if (!explicit_scheme)
		snprintf(out + strlen(out), cap - strlen(out), ":11434");
	if (path) {
		size_t len = (size_t)(s + n - path);

		while (len && path[len - 1] == '/')
			len--;
		snprintf(out + strlen(out), cap - strlen(out), "%.*s", (int)len, path);
	}
	if (http_url_parse(out, &u, err) != 0) {
		err->code = ERR_CONFIG;
		return err_prefix(err, "ollama.host");
	}
	return 0;
}

int remote_openai_url(const char *base, char *out, size_t cap, struct err *err)
{
	static const char *const tails[] = {"/chat/completions", "/completions", "/models"};
	struct http_url u;
	size_t n;

	while (isspace((unsigned char)*base))
		base++;
	if (!*base)
		return err_set(err, ERR_CONFIG, "openai.base_url is not set");
	if (strstr(base, "://"))
		snprintf(out, cap, "%s", base);
	else
		snprintf(out, cap, "http://%s", base);
	n = strlen(out);
	while (n && (isspace((unsigned char)out[n - 1]) || out[n - 1] == '/'))
		out[--n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t tl = strlen(tails[i]);

		if (n > tl && strcmp(out + n - tl, tails[i]) == 0) {
			n -= tl;
			out[n] = '\0';
		}
	}
	if (http_url_parse(out, &u, err) != 0) {
		err->code = ERR_CONFIG;
		return err_prefix(err, "openai.base_url");
	}
	if (strchr(u.path, '?'))
		return err_set(err, ERR_CONFIG, "openai.base_url: no ?query, please");
	if (*u.path == '\0' && n + 3 < cap)
		snprintf(out + n, cap - n, "/v1");
	return 0;
}

/* ---------------------------------------------------------- requests */

void remote_request(struct remote *r, struct http_request *rq, char *url, size_t url_cap,
		    const char *path, const char **hdrs)
{
	size_t h = 0;

	snprintf(url, url_cap, "%s%s", r->url, path);
	memset(rq, 0, sizeof(*rq));
	rq->url = url;
	rq->connect_timeout_ms = r->connect_timeout_ms;
	rq->timeout_ms = r->timeout_ms;
	rq->retries = r->retries;
	rq->max_body = REMOTE_MAX_BODY;
	hdrs[h++] = "Content-Type: application/json";
	if (r->auth)
		hdrs[h++] = r->auth;
	hdrs[h] = NULL;
	rq->headers = hdrs;
}

int remote_messages(const struct gen_request *req, cJSON **out, struct err *err)
{
	struct prompt_input in = {req->plat, req->shell, req->text, req->len, req->cwd, NULL};
	struct prompt p;
	cJSON *arr;

	*out = NULL;
	if (prompt_build(&p, &in, err) != 0) {
		prompt_release(&p);
		return -1;
	}
	arr = cJSON_CreateArray();
	for (size_t i = 0; i < p.n; i++) {
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "role", prompt_role_name(p.m[i].role));
		cJSON_AddStringToObject(m, "content", p.m[i].content);
		cJSON_AddItemToArray(arr, m);
	}
	prompt_release(&p);
	*out = arr;
	return 0;
}

int remote_text(struct remote_gen *g, const char *piece, size_t len, struct err *err)
{
	if (!len)
		return 0;
	if (g->text.len + len > REMOTE_MAX_TEXT)
		return err_set(err, ERR_DECLINED, "the model's answer is longer than %u bytes",
			       REMOTE_MAX_TEXT);
	buf_add(&g->text, piece, len);
	if (g->req->on_text)
		g->req->on_text(g->req->ud, piece, len);
	return 0;
}

/* ----------------------------------------------------------- errors */

void remote_clean(char *out, size_t cap, const char *s)
{
	size_t i;

	if (!cap)
		return;
	for (i = 0; s[i] && i + 1 < cap; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	out[i] = '\0';
}

/* A short, printable excerpt of what the server said about an error:
 * {"error": "text"}, {"error": {"message": "text"}}, {"message": ...} or
 * {"detail": ...}; "" when none. Control characters become spaces. */
static void server_says(const struct http_response *resp, char *out, size_t cap)
{
	cJSON *j = cJSON_ParseWithLength(buf_str(&resp->body), resp->body.len);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const char *msg = NULL;

	out[0] = '\0';
	if (cJSON_IsString(e))
		msg = e->valuestring;
	else if (cJSON_IsObject(e) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
		msg = cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring;
	else if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "message")))
		msg = cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring;
	else if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "detail")))
		msg = cJSON_GetObjectItemCaseSensitive(j, "detail")->valuestring;
	if (msg)
		remote_clean(out, MIN(cap, 121), msg);
	cJSON_Delete(j);
}

static bool says_model(const char *said, const struct http_response *resp)
{
	return strstr(said, "model") || strstr(said, "Model") ||
	       strstr(buf_str(&resp->body), "model_not_found");
}

int remote_fail(struct remote *r, const struct http_response *resp, struct err *err)
{
	char said[128], msg[256];
	long st = resp->status;
	bool ollama = str_eq(r->engine, "ollama");

	if (err->code == ERR_LIMIT) {
		/* A reply past the cap is a model rambling or a broken server:
		 * no command from this engine. */
		err->code = ERR_DECLINED;
		return err_prefix(err, "%s", r->engine);
	}
	if (st < 300 || err->code == ERR_CANCELLED)
		return err_prefix(err, "%s", r->engine);
	server_says(resp, said, sizeof(said));
	snprintf(msg, sizeof(msg), "%s", err->msg);
	if (st == 404 && says_model(said, resp)) {
		if (ollama)
			return err_set(err, ERR_NOTFOUND,
				       "ollama: model '%s' not found on server %s; pull it with: ollama pull %s",
				       r->model, r->url, r->model);
		return err_set(err, ERR_NOTFOUND,
			       "openai: model '%s' not found on server %s (caro doctor lists the models it serves)",
			       r->model, r->url);
	}
	if (st == 404)
		return err_set(err, ERR_NOTFOUND, "%s: %s: no such endpoint; is %s right?", r->engine,
			       msg, ollama ? "ollama.host" : "openai.base_url (e.g. http://host:8000/v1)");
	if (st == 401 || st == 403) {
		if (ollama)
			return err_set(err, ERR_CONFIG, "ollama: %s: the server refuses access", msg);
		return err_set(err, ERR_CONFIG, "openai: %s: %s", msg,
			       r->has_key ? "check CARO_API_KEY (or OPENAI_API_KEY)" :
			       "set CARO_API_KEY (or OPENAI_API_KEY)");
	}
	if (said[0])
		return err_set(err, err->code, "%s: %s: %s", r->engine, msg, said);
	return err_prefix(err, "%s", r->engine);
}

/* ---------------------------------------------------------- answers */

int remote_answer(struct remote_gen *g, struct gen_answer *ans, struct err *err)
{
	struct answer_opts o = {!g->cut, g->req->shell};
	char *cmd = NULL;

	if (!g->finished)
		return err_set(err, ERR_NET, "%s: %s: the reply ended before the model finished",
			       g->r->engine, g->r->url);
	log_debug("%s: model text: %.*s", g->r->engine, (int)MIN(g->text.len, 400),
		  buf_str(&g->text));
	if (answer_parse(buf_str(&g->text), g->text.len, &o, &cmd, err) != 0)
		return err_prefix(err, "%s", g->r->engine);
	gen_answer_add(ans, cmd, NULL);
	free(cmd);
	return 0;
}

void remote_gen_release(struct remote_gen *g)
{
	buf_release(&g->text);
	buf_release(&g->whole);
	http_sse_release(&g->sse_p);
	http_ndjson_release(&g->nd_p);
}

size_t remote_list_models(const cJSON *arr, const char *field, const char *field2,
			  struct buf *out)
{
	const cJSON *m;
	size_t n = 0;

	cJSON_ArrayForEach(m, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, field);

		if (!cJSON_IsString(name) && field2)
			name = cJSON_GetObjectItemCaseSensitive(m, field2);
		if (!cJSON_IsString(name))
			continue;
		if (n < 8) {
			/* Names come from the server: no terminal escapes. */
			char clean[81];

			if (n)
				buf_adds(out, ", ");
			remote_clean(clean, sizeof(clean), name->valuestring);
			buf_adds(out, clean);
		} else if (n == 8) {
			buf_adds(out, ", ...");
		}
		n++;
	}
	return n;
}

int remote_get_json(struct remote *r, const char *path, cJSON **out, struct err *err)
{
	struct http_request rq;
	struct http_response resp = {0};
	char url[HTTP_URL_MAX + 32];
	const char *hdrs[3];
	int rc = -1;

	*out = NULL;
	remote_request(r, &rq, url, sizeof(url), path, hdrs);
	rq.retries = 0;
	rq.timeout_ms = MIN(r->timeout_ms, REMOTE_PROBE_TIMEOUT_MS);
	if (http_do(&rq, &resp, err) != 0) {
		remote_fail(r, &resp, err);
		goto out;
	}
	*out = cJSON_ParseWithLength(buf_str(&resp.body), resp.body.len);
	if (!*out) {
		err_set(err, ERR_PARSE, "%s: %s%s did not answer with JSON", r->engine, r->url, path);
		goto out;
	}
	rc = 0;
out:
	http_response_release(&resp);
	return rc;
}
