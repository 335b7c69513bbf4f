/*
 * backend/openai.c: the engine for OpenAI-compatible servers: vLLM,
 * llama.cpp's llama-server, LM Studio, Ollama's /v1, and hosted APIs.
 * POST {base_url}/chat/completions with "stream": true (server-sent
 * events, ended by "data: [DONE]"), and GET {base_url}/models for
 * `caro doctor`.
 *
 * base_url is the API root, /v1 included, as in OpenAI's own clients;
 * a bare http://host:port gets /v1 (see remote_openai_url).
 *
 * The API key goes into one Authorization header and nowhere else: not
 * into logs, messages, identity strings or the cache key.
 */
#include "remote.h"

static bool openai_usable(const struct config *cfg, char *why, size_t cap)
{
	char url[HTTP_URL_MAX];
	struct err e;

	if (!cfg->openai_base_url || !*cfg->openai_base_url) {
		snprintf(why, cap, "no server set: set openai.base_url or CARO_OPENAI_BASE_URL "
				   "(e.g. http://127.0.0.1:8000/v1)");
		return false;
	}
	if (!cfg->openai_model || !*cfg->openai_model) {
		snprintf(why, cap, "no model set: set openai.model or CARO_OPENAI_MODEL");
		return false;
	}
	if (remote_openai_url(cfg->openai_base_url, url, sizeof(url), &e) != 0) {
		snprintf(why, cap, "%s", e.msg);
		return false;
	}
	return true;
}

static int openai_open(const struct config *cfg, struct backend **out, struct err *err)
{
	char url[HTTP_URL_MAX];
	const char *key = cfg->openai_api_key ? cfg->openai_api_key : "";
	struct remote *r;

	if (remote_openai_url(cfg->openai_base_url, url, sizeof(url), err) != 0)
		return -1;
	for (const char *k = key; *k; k++)
		if ((unsigned char)*k < 0x20 || *k == 0x7f)
			return err_set(err, ERR_CONFIG, "openai.api_key contains control characters");
	r = remote_new("openai", url, cfg->openai_model, cfg->openai_temperature, cfg);
	if (*key) {
		struct buf h = BUF_INIT;

		buf_addf(&h, "Authorization: Bearer %s", key);
		r->auth = buf_detach(&h);
		r->has_key = true;
	}
	*out = &r->base;
	return 0;
}

static void openai_close(struct backend *b)
{
	remote_free((struct remote *)b);
}

static void openai_identity(struct backend *b, struct buf *out)
{
	struct remote *r = (struct remote *)b;

	buf_addf(out, "openai %s %s", r->url, r->model);
}

/* choices[0] of a chunk or a completion: its text (delta.content or
 * message.content) and its finish_reason. */
static int take_choice(struct remote_gen *g, const cJSON *j, const char *part, struct err *err)
{
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0);
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(c, part), "content");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(c, "finish_reason");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");

	if (e) {
		char said[121] = "";
		const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;

		if (cJSON_IsString(m))
			remote_clean(said, sizeof(said), m->valuestring);
		return err_set(err, ERR_HTTP, "%s: the server failed: %s", g->r->url,
			       said[0] ? said : "no reason given");
	}
	if (cJSON_IsString(content) && !g->finished &&
	    remote_text(g, content->valuestring, strlen(content->valuestring), err) != 0)
		return -1;
	if (cJSON_IsString(reason)) {
		g->finished = true;
		g->cut = str_eq(reason->valuestring, "length");
	}
	return 0;
}

static int on_event(void *ud, const char *event, const char *data, size_t len, struct err *err)
{
	struct remote_gen *g = ud;
	cJSON *j;
	int rc;

	UNUSED(event);
	if (str_eq(data, "[DONE]")) {
		g->finished = true;
		return 0;
	}
	j = cJSON_ParseWithLength(data, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(err, ERR_PARSE, "%s: malformed JSON in an event of the reply", g->r->url);
	}
	rc = take_choice(g, j, "delta", err);
	cJSON_Delete(j);
	return rc;
}

/* The reply is an event stream, or (from servers that ignore "stream")
 * one JSON completion: the first piece tells which. */
static int on_body(void *ud, const struct http_response *resp, const char *p, size_t n,
		   struct err *err)
{
	struct remote_gen *g = ud;

	if (!g->started) {
		size_t i = 0;

		while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
			i++;
		g->started = true;
		g->sse = str_eq(resp->content_type, "text/event-stream") ||
			 (!str_eq(resp->content_type, "application/json") && (i == n || p[i] != '{'));
	}
	if (g->sse)
		return http_sse_feed(&g->sse_p, p, n, err);
	buf_add(&g->whole, p, n);
	return 0;
}

static int take_whole(struct remote_gen *g, struct err *err)
{
	cJSON *j = cJSON_ParseWithLength(buf_str(&g->whole), g->whole.len);
	int rc;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(err, ERR_PARSE, "%s: the reply is not a JSON completion", g->r->url);
	}
	rc = take_choice(g, j, "message", err);
	cJSON_Delete(j);
	return rc;
}

static int openai_generate(struct backend *b, const struct gen_request *req,
			   struct gen_answer *ans, struct err *err)
{
	struct remote *r = (struct remote *)b;
	struct remote_gen g = {.r = r, .req = req};
	struct http_request rq;
	struct http_response resp = {0};
	char url[HTTP_URL_MAX + 32], *text = NULL;
	const char *hdrs[3];
	cJSON *body = cJSON_CreateObject(), *msgs;
	int rc = -1;

	if (remote_messages(req, &msgs, err) != 0)
		goto out;
	cJSON_AddStringToObject(body, "model", r->model);
	cJSON_AddItemToObject(body, "messages", msgs);
	cJSON_AddTrueToObject(body, "stream");
	cJSON_AddNumberToObject(body, "temperature", r->temperature);
	cJSON_AddNumberToObject(body, "max_tokens", REMOTE_MAX_TOKENS);
	text = cJSON_PrintUnformatted(body);
	http_sse_init(&g.sse_p, REMOTE_MAX_BODY, on_event, &g);
	remote_request(r, &rq, url, sizeof(url), "/chat/completions", hdrs);
	rq.body = text;
	rq.body_len = strlen(text);
	rq.on_body = on_body;
	rq.ud = &g;
	if (http_do(&rq, &resp, err) != 0 ||
	    (g.sse ? http_sse_finish(&g.sse_p, err) : take_whole(&g, err)) != 0) {
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

static int openai_probe(struct backend *b, struct buf *status, struct err *err)
{
	struct remote *r = (struct remote *)b;
	struct buf names = BUF_INIT;
	const cJSON *data, *m;
	cJSON *j = NULL;
	bool found = false;
	size_t n;
	int rc = -1;

	if (remote_get_json(r, "/models", &j, err) != 0)
		goto out;
	data = cJSON_GetObjectItemCaseSensitive(j, "data");
	if (!cJSON_IsArray(data)) {
		err_set(err, ERR_PARSE, "openai: %s/models has no model list (is base_url right?)",
			r->url);
		goto out;
	}
	cJSON_ArrayForEach(m, data) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");

		found |= cJSON_IsString(id) && str_eq(id->valuestring, r->model);
	}
	n = remote_list_models(data, "id", NULL, &names);
	/* llama-server answers to any model name; vLLM and hosted APIs do
	 * not. Say so rather than guess which this is. */
	if (found)
		buf_addf(status, "%s at %s (%zu model%s)", r->model, r->url, n, n == 1 ? "" : "s");
	else
		buf_addf(status, "%s answers, but does not list '%s' (it lists: %s)", r->url, r->model,
			 n ? buf_str(&names) : "none");
	rc = 0;
out:
	cJSON_Delete(j);
	buf_release(&names);
	return rc;
}

const struct backend_ops backend_openai_ops = {
	.name = "openai",
	.usable = openai_usable,
	.open = openai_open,
	.generate = openai_generate,
	.probe = openai_probe,
	.identity = openai_identity,
	.close = openai_close,
};
