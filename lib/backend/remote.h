/*
 * remote.h: what the Ollama and OpenAI-compatible engines share (private
 * to lib/backend).
 *
 * Both build the same prompt (lib/prompt), send it as JSON, read the
 * streamed reply piece by piece (passing text to req->on_text as it
 * comes), and hand the whole text to the same answer parser. They differ
 * only in URLs, JSON shapes and stream framing (NDJSON vs SSE).
 *
 * Error codes follow backend_should_fall_back: a connection failure, a
 * timeout or a 5xx (ERR_NET, ERR_TIMEOUT, ERR_HTTP) lets the chain move
 * on; a wrong key or model (ERR_CONFIG, ERR_NOTFOUND) or a reply we cannot
 * read (ERR_PARSE) stops it, so the user sees what to fix.
 */
#ifndef CARO_BACKEND_REMOTE_H
#define CARO_BACKEND_REMOTE_H

#include "backend.h"
#include "http.h"

#include <cjson/cJSON.h>

/* Caps on what a server sends: the whole reply, and the model's text. */
#define REMOTE_MAX_BODY (4u << 20)
#define REMOTE_MAX_TEXT (256u << 10)
/* Tokens a model may generate: enough for a command after a short
 * reasoning block, few enough that a model stuck in a loop stops. */
#define REMOTE_MAX_TOKENS 1024
/* A doctor probe waits at most this long. */
#define REMOTE_PROBE_TIMEOUT_MS 5000L

struct remote {
	struct backend base;
	const char *engine;     /* "ollama" or "openai": starts every message */
	char *url;              /* normalised base URL */
	char *model;
	double temperature;
	char *keep_alive;       /* ollama only; may be NULL */
	char *auth;             /* "Authorization: Bearer ..." or NULL; never
				   logged or shown */
	bool has_key;
	long connect_timeout_ms;
	long timeout_ms;
	int retries;
};

/* The state of one generation while its reply streams in. */
struct remote_gen {
	struct remote *r;
	const struct gen_request *req;
	struct buf text;        /* the model's text so far */
	bool finished;          /* the server said the answer is complete */
	bool cut;               /* ...because of the token limit */
	bool started;           /* the first body piece has been seen */
	bool sse;               /* openai: the reply is an event stream */
	struct buf whole;       /* openai: a reply that is one JSON object */
	struct http_sse sse_p;
	struct http_ndjson nd_p;
};

/* Allocate r and fill it from cfg (both engines' fields). url must be
 * normalised already. */
struct remote *remote_new(const char *engine, const char *url, const char *model,
			  double temperature, const struct config *cfg);
void remote_free(struct remote *r);

/* Normalise OLLAMA_HOST-style values: "0.0.0.0:11434", "localhost",
 * "http://gpu:8080/", "" all become a URL with a scheme (http when none
 * is given) and no trailing slash; a host without a scheme gets port
 * 11434; the wildcard addresses 0.0.0.0 and :: mean this machine. -1 with
 * ERR_CONFIG for other schemes or a bad port. */
int remote_ollama_url(const char *host, char *out, size_t cap, struct err *err);

/* Normalise openai.base_url: the API root that /chat/completions and
 * /models hang off. A URL with no path gets /v1 (llama-server's
 * http://127.0.0.1:8080 works as given); any other path is kept, so
 * /api/v1 or /openai/v1 of hosted services work too. A pasted
 * .../chat/completions is trimmed, trailing slashes go, and a missing
 * scheme means http. -1 with ERR_CONFIG otherwise. */
int remote_openai_url(const char *base, char *out, size_t cap, struct err *err);

/* A request to r->url + path with r's timeouts and headers. hdrs must
 * have room for 3 entries. */
void remote_request(struct remote *r, struct http_request *rq, char *url, size_t url_cap,
		    const char *path, const char **hdrs);

/* The chat messages for req as a JSON array (caller deletes). */
int remote_messages(const struct gen_request *req, cJSON **out, struct err *err);

/* Add a piece of the model's text (and show it through req->on_text). */
int remote_text(struct remote_gen *g, const char *piece, size_t len, struct err *err);

/* After http_do failed: turn err into the message people should see,
 * naming the engine and, for statuses, what to do (a missing model, a
 * wrong key, a wrong URL). Returns -1. */
int remote_fail(struct remote *r, const struct http_response *resp, struct err *err);

/* The reply is complete: parse the text into one command and add it to
 * ans. A reply that ended before the model finished is ERR_NET. */
int remote_answer(struct remote_gen *g, struct gen_answer *ans, struct err *err);

void remote_gen_release(struct remote_gen *g);

/* Copy text from a server into out for showing: control characters
 * (terminal escapes) become spaces, and it is cut to fit. */
void remote_clean(char *out, size_t cap, const char *s);

/* The model names a server lists, from a JSON array of objects with one
 * of the given string fields: "a, b, c" into out. Returns how many. */
/* GET path (relative to the engine's URL) for a probe: no retries, the
 * probe timeout, the body parsed as JSON into *out (caller frees with
 * cJSON_Delete). Errors name the engine and the URL. */
int remote_get_json(struct remote *r, const char *path, cJSON **out, struct err *err);
size_t remote_list_models(const cJSON *arr, const char *field, const char *field2,
			  struct buf *out);

#endif
