/*
 * backend/ollama.c: the Ollama engine. POST /api/chat with "stream": true
 * (one JSON object per line, the last with "done": true), and GET
 * /api/tags for `caro doctor`, which also checks that the model is there.
 *
 * A model that is not pulled shows up as a 404 from /api/chat; the error
 * then says how to pull it, without a /api/tags round trip per request.
 */
#include "remote.h"

#include <ctype.h>

static bool ollama_usable(const struct config *cfg, char *why, size_t cap)
{
	char url[HTTP_URL_MAX];
	struct err e;

	if (!cfg->ollama_model || !*cfg->ollama_model) {
		snprintf(why, cap, "no model set: set ollama.model or CARO_OLLAMA_MODEL "
				   "(`ollama list` shows yours)");
		return false;
	}
	if (remote_ollama_url(cfg->ollama_host, url, sizeof(url), &e) != 0) {
		snprintf(why, cap, "%s", e.msg);
		return false;
	}
	return true;
}

static int ollama_open(const struct config *cfg, struct backend **out, struct err *err)
{
	char url[HTTP_URL_MAX];
	struct remote *r;

	if (remote_ollama_url(cfg->ollama_host, url, sizeof(url), err) != 0)
		return -1;
	r = remote_new("ollama", url, cfg->ollama_model, cfg->ollama_temperature, cfg);
	if (cfg->ollama_keep_alive && *cfg->ollama_keep_alive)
		r->keep_alive = xstrdup(cfg->ollama_keep_alive);
	*out = &r->base;
	return 0;
}

static void ollama_close(struct backend *b)
{
	remote_free((struct remote *)b);
}

static void ollama_identity(struct backend *b, struct buf *out)
{
	struct remote *r = (struct remote *)b;

	buf_addf(out, "ollama %s %s", r->url, r->model);
}

/* One line of the stream: {"message": {"content": "..."}, "done": false}
 * while text comes, {"done": true, "done_reason": "stop"} at the end, or
 * {"error": "..."} when the server gives up mid-way. */
static int on_line(void *ud, const char *line, size_t len, struct err *err)
{
	struct remote_gen *g = ud;
	cJSON *j = cJSON_ParseWithLength(line, len);
	const cJSON *msg, *content, *reason, *e;
	int rc = 0;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		if (g->nd_p.at_eof)
			return err_set(err, ERR_NET, "%s: the reply was cut off in the middle of a line",
				       g->r->url);
		return err_set(err, ERR_PARSE, "%s: malformed JSON in the reply", g->r->url);
	}
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsString(e)) {
		char said[121];

		remote_clean(said, sizeof(said), e->valuestring);
		rc = err_set(err, ERR_HTTP, "%s: the server failed: %s", g->r->url, said);
		goto out;
	}
	msg = cJSON_GetObjectItemCaseSensitive(j, "message");
	content = cJSON_GetObjectItemCaseSensitive(msg, "content");
	if (cJSON_IsString(content) && !g->finished)
		rc = remote_text(g, content->valuestring, strlen(content->valuestring), err);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "done"))) {
		g->finished = true;
		reason = cJSON_GetObjectItemCaseSensitive(j, "done_reason");
		g->cut = cJSON_IsString(reason) && str_eq(reason->valuestring, "length");
	}
out:
	cJSON_Delete(j);
	return rc;
}

static int on_body(void *ud, const struct http_response *resp, const char *p, size_t n,
		   struct err *err)
{
	struct remote_gen *g = ud;

	UNUSED(resp);
	return http_ndjson_feed(&g->nd_p, p, n, err);
}

/* keep_alive: Ollama takes a duration ("5m") or a number of seconds (-1
 * keeps the model loaded for good, which is not a valid duration). */
static void add_keep_alive(cJSON *body, const char *v)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (*end == '\0' && end != v)
		cJSON_AddNumberToObject(body, "keep_alive", (double)x);
	else
		cJSON_AddStringToObject(body, "keep_alive", v);
}

static int ollama_generate(struct backend *b, const struct gen_request *req,
			   struct gen_answer *ans, struct err *err)
{
	struct remote *r = (struct remote *)b;
	struct remote_gen g = {.r = r, .req = req};
	struct http_request rq;
	struct http_response resp = {0};
	char url[HTTP_URL_MAX + 32], *text = NULL;
	const char *hdrs[3];
	cJSON *body = cJSON_CreateObject(), *msgs, *opts;
	int rc = -1;

	if (remote_messages(req, &msgs, err) != 0)
		goto out;
	cJSON_AddStringToObject(body, "model", r->model);
	cJSON_AddItemToObject(body, "messages", msgs);
	cJSON_AddTrueToObject(body, "stream");
	opts = cJSON_AddObjectToObject(body, "options");
	cJSON_AddNumberToObject(opts, "temperature", r->temperature);
	cJSON_AddNumberToObject(opts, "num_predict", REMOTE_MAX_TOKENS);
	if (r->keep_alive)
		add_keep_alive(body, r->keep_alive);
	text = cJSON_PrintUnformatted(body);
	http_ndjson_init(&g.nd_p, REMOTE_MAX_BODY, on_line, &g);
	remote_request(r, &rq, url, sizeof(url), "/api/chat", hdrs);
	rq.body = text;
	rq.body_len = strlen(text);
	rq.on_body = on_body;
	rq.ud = &g;
	if (http_do(&rq, &resp, err) != 0 || http_ndjson_finish(&g.nd_p, err) != 0) {
		remote_fail(r, &resp, err);
		goto out;
	}
	rc = remote_answer(&g, ans, err);
out:
	http_response_release(&resp);
	remote_gen_release(&g);
	cJSON_Delete(body);
	free(text);
	return rc;
}

/* Does the server's name for a model match ours? "llama3.2" is
 * "llama3.2:latest" to Ollama. */
static bool same_model(const char *have, const char *want)
{
	size_t n = strlen(want);

	if (str_eq(have, want))
		return true;
	return !strchr(want, ':') && strncmp(have, want, n) == 0 && str_eq(have + n, ":latest");
}

static int ollama_probe(struct backend *b, struct buf *status, struct err *err)
{
	struct remote *r = (struct remote *)b;
	struct buf names = BUF_INIT;
	const cJSON *models, *m;
	cJSON *j = NULL;
	bool found = false;
	size_t n;
	int rc = -1;

	if (remote_get_json(r, "/api/tags", &j, err) != 0)
		goto out;
	models = cJSON_GetObjectItemCaseSensitive(j, "models");
	if (!cJSON_IsArray(models)) {
		err_set(err, ERR_PARSE, "ollama: %s: /api/tags has no model list (is this Ollama?)", r->url);
		goto out;
	}
	cJSON_ArrayForEach(m, models) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");

		if (!cJSON_IsString(name))
			name = cJSON_GetObjectItemCaseSensitive(m, "model");
		found |= cJSON_IsString(name) && same_model(name->valuestring, r->model);
	}
	n = remote_list_models(models, "name", "model", &names);
	if (!found) {
		err_set(err, ERR_NOTFOUND,
			"ollama: model '%s' not found on server %s; pull it with: ollama pull %s "
			"(it has: %s)", r->model, r->url, r->model, n ? buf_str(&names) : "none");
		goto out;
	}
	buf_addf(status, "%s at %s (%zu model%s)", r->model, r->url, n, n == 1 ? "" : "s");
	rc = 0;
out:
	cJSON_Delete(j);
	buf_release(&names);
	return rc;
}

const struct backend_ops backend_ollama_ops = {
	.name = "ollama",
	.usable = ollama_usable,
	.open = ollama_open,
	.generate = ollama_generate,
	.probe = ollama_probe,
	.identity = ollama_identity,
	.close = ollama_close,
};
