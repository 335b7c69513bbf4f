/*
 * http.h: an HTTP client for the remote engines and the model downloader,
 * and incremental parsers for the streams servers send (SSE, NDJSON).
 *
 * One call, http_do, makes one request with retries: connection errors,
 * 429 and 5xx are tried again after a jittered exponential backoff (or the
 * server's Retry-After, when it asks for a wait no longer than
 * HTTP_RETRY_AFTER_MAX_MS), all within the request's total deadline.
 * A response body arrives either whole (in resp->body) or in pieces
 * through on_body as it comes, so a terminal can show a model's text live
 * and a download can go straight to disk. Every body has a size cap.
 *
 * Two transports sit behind http_do and behave the same:
 *  - libcurl, loaded with dlopen() on first use (CARO_LIBCURL may name the
 *    library file). Linking it would cost every caro process ~9 ms and
 *    ~7 MB of RSS at start-up, and most processes never touch the network.
 *    It serves https (with verification always on; CURL_CA_BUNDLE names
 *    other trust anchors, as for the curl tool), proxies (it honours
 *    http_proxy, https_proxy, all_proxy and no_proxy; nothing here turns
 *    that off), host names and redirects.
 *  - a small built-in HTTP/1.1 client for plain http:// to an IP address
 *    or localhost, without user:password@ in the URL, when no proxy
 *    variable is set: the common case of a local Ollama or llama-server,
 *    where loading libcurl (~8 ms, measured by bench/remote_bench.sh)
 *    would be most of the time caro adds.
 *
 * Ctrl-C: http_cancel() is async-signal-safe. A SIGINT handler calls it,
 * and a request in flight (or a retry wait) stops within ~100 ms with
 * ERR_CANCELLED. The flag stays set until http_cancel_reset().
 *
 * Errors name the URL without credentials (no user:password@, no query
 * string) and the cause: "connection refused", "timed out after 500 ms",
 * "HTTP 503". Codes: ERR_NET (connection failed or dropped), ERR_TIMEOUT,
 * ERR_HTTP (5xx and 429: the server's trouble, worth trying another
 * engine), ERR_NOTFOUND (404, 410), ERR_CONFIG (401, 403 and other
 * 3xx/4xx: the request or its configuration is wrong), ERR_LIMIT (body
 * over the cap), ERR_CANCELLED, ERR_UNAVAILABLE (no libcurl for a URL
 * that needs it), ERR_USAGE (a URL we cannot use).
 */
#ifndef CARO_HTTP_H
#define CARO_HTTP_H

#include "buf.h"
#include "common.h"
#include "err.h"

#define HTTP_MAX_BODY (16u << 20)          /* default body cap */
#define HTTP_MAX_ERROR_BODY (64u << 10)    /* kept of a non-2xx body */
#define HTTP_MAX_HEADERS (64u << 10)       /* all header lines of a response */
#define HTTP_RETRY_AFTER_MAX_MS 30000L     /* longer waits are not honoured */
#define HTTP_URL_MAX 4096

struct http_response;

struct http_request {
	const char *method;          /* NULL: POST when body is set, else GET */
	const char *url;             /* http:// or https:// */
	const char *const *headers;  /* "Name: value" lines, NULL-terminated;
					may be NULL. Never logged. */
	const char *body;            /* may be NULL */
	size_t body_len;
	long connect_timeout_ms;     /* per attempt; 0: 10 s */
	long timeout_ms;             /* the whole call: every attempt and
					wait; 0: no deadline */
	long idle_timeout_ms;        /* an attempt that receives nothing for
					this long fails with ERR_TIMEOUT (a
					stalled server); 0: off. Checked about
					every 100 ms (built-in) or 1 s (curl) */
	int retries;                 /* extra attempts after the first */
	size_t max_body;             /* cap on the body; 0: HTTP_MAX_BODY */
	bool follow_redirects;       /* up to 5, http and https only */
	/* The body of a 2xx response, in pieces as they arrive; resp has the
	 * status and headers. Return 0 to go on, or -1 with err filled to
	 * stop: http_do then fails with that error. NULL: the body is
	 * collected in resp->body. Once a piece has been delivered, the
	 * request is not retried. */
	int (*on_body)(void *ud, const struct http_response *resp, const char *data, size_t len,
		       struct err *err);
	/* Called now and then with the body bytes received so far and the
	 * expected total (0 when unknown). Return -1 to stop the transfer
	 * (ERR_CANCELLED). May be NULL. */
	int (*on_progress)(void *ud, uint64_t now, uint64_t total);
	void *ud;
};

struct http_response {
	long status;               /* final status; 0 when none arrived */
	struct buf headers;        /* "name: value\n" lines of the final
				      response, names lower-cased */
	struct buf body;           /* the body without on_body; an error
				      body (up to HTTP_MAX_ERROR_BODY) */
	char content_type[128];    /* lower-cased, parameters dropped */
	long retry_after_ms;       /* -1 when the server gave none */
	int attempts;
	bool via_curl;             /* which transport carried the request */
	double ms;                 /* wall time of the whole call */
};

/* Make the request described by req. Returns 0 when a 2xx response
 * arrived whole, -1 otherwise with err filled as described at the top of
 * this file; resp (which the caller releases with http_response_release,
 * whatever the outcome) holds the status, headers and body either way. */
int http_do(const struct http_request *req, struct http_response *resp, struct err *err);
void http_response_release(struct http_response *resp);

/* The value of a response header (name in lower case), copied into out;
 * false when absent. */
bool http_response_header(const struct http_response *resp, const char *name, char *out,
			  size_t cap);

/* Stop requests in flight and waits (async-signal-safe), and clear that. */
void http_cancel(void);
void http_cancel_reset(void);
bool http_cancelled(void);

/* Copy url into out without user:password@, query or fragment, so that it
 * can be shown and logged. */
void http_url_redact(const char *url, char *out, size_t cap);

/* Parsed http or https URL. host has no brackets for IPv6. */
struct http_url {
	char scheme[8];     /* "http" or "https", lower case */
	char host[256];
	int port;           /* explicit or the scheme's default */
	bool port_given;
	bool userinfo;      /* user[:password]@ came before the host */
	const char *path;   /* into the parsed string: "/..." with the query,
			       or "" when the URL has no path */
};

/* Split url. -1 with ERR_USAGE for other schemes, a missing or overlong
 * host, a bad port, or control characters and spaces anywhere. */
int http_url_parse(const char *url, struct http_url *u, struct err *err);

/* Whether the libcurl transport can be loaded, for `caro doctor`: info
 * gets its version ("libcurl/7.88.1 OpenSSL/3.0.15") or why not. Loads
 * it (~8 ms), so only doctor calls this. */
bool http_curl_available(char *info, size_t cap);

/*
 * Server-sent events (text/event-stream), as the HTML standard defines
 * them: lines end in LF, CRLF or CR (a CRLF split across two reads is one
 * ending); "data:" lines accumulate (joined with LF) until a blank line
 * dispatches the event; ":" lines are comments; "event:" names the event;
 * "id:" and "retry:" and unknown fields are ignored; one space after the
 * colon is dropped. Pieces may split anything anywhere.
 *
 * At the end of the stream the standard drops an event whose blank line
 * never came; http_sse_finish dispatches it when its last line was whole
 * (some servers end with "data: [DONE]\n"), and reports a cut inside a line
 * by setting truncated.
 */
struct http_sse {
	struct buf line;     /* the line being read */
	struct buf data;     /* data of the event being read */
	char event[64];      /* its type; "" for the default "message" */
	bool has_data;       /* a data line was seen (the data may be "") */
	bool last_cr;        /* the last byte was CR: skip an LF next */
	bool truncated;      /* finish found a partial line */
	size_t max_event;    /* cap on a line and on an event's data */
	/* One event; data is NUL-terminated. Return 0 to go on, -1 to stop
	 * with err filled. */
	int (*on_event)(void *ud, const char *event, const char *data, size_t len,
			struct err *err);
	void *ud;
};

void http_sse_init(struct http_sse *p, size_t max_event,
		   int (*on_event)(void *ud, const char *event, const char *data, size_t len,
				   struct err *err),
		   void *ud);
/* Feed the next piece of the stream. -1 when on_event stops or a line or
 * event passes max_event (ERR_LIMIT). */
int http_sse_feed(struct http_sse *p, const char *data, size_t len, struct err *err);
/* The stream ended: dispatch a pending event as described above. */
int http_sse_finish(struct http_sse *p, struct err *err);
void http_sse_release(struct http_sse *p);

/*
 * Newline-delimited JSON (Ollama's streams): one value per LF-ended line;
 * a CR before the LF is dropped; blank lines are skipped. At the end of
 * the stream a last line without its LF is still delivered (a reply that
 * is one JSON object need not end in a newline), with at_eof set so the
 * receiver can tell a cut line from a bad one.
 */
struct http_ndjson {
	struct buf line;
	size_t max_line;
	bool at_eof;         /* set while finish delivers an unended line */
	/* One line, NUL-terminated, without its line ending. */
	int (*on_line)(void *ud, const char *line, size_t len, struct err *err);
	void *ud;
};

void http_ndjson_init(struct http_ndjson *p, size_t max_line,
		      int (*on_line)(void *ud, const char *line, size_t len, struct err *err),
		      void *ud);
int http_ndjson_feed(struct http_ndjson *p, const char *data, size_t len, struct err *err);
int http_ndjson_finish(struct http_ndjson *p, struct err *err);
void http_ndjson_release(struct http_ndjson *p);

/*
 * The built-in transport's response reader, exposed for tests and the
 * fuzzer: feed it the bytes of a response as they arrive. It handles the
 * status line, headers (skipping 1xx responses), and Content-Length,
 * chunked or close-delimited bodies, with caps on every length.
 */
enum http_rd_state { HTTP_RD_STATUS, HTTP_RD_HEADERS, HTTP_RD_BODY, HTTP_RD_CHUNK_SIZE,
		     HTTP_RD_CHUNK_DATA, HTTP_RD_CHUNK_END, HTTP_RD_TRAILERS, HTTP_RD_DONE };

struct http_reader {
	enum http_rd_state state;
	bool head;              /* a HEAD request: no body follows */
	long status;
	bool chunked;
	bool has_length;
	uint64_t length;        /* Content-Length, or what is left of a chunk */
	struct buf line;        /* a status, header or chunk-size line */
	size_t header_bytes;
	/* A header line of the final response, "name: value" with the name
	 * lower-cased, after its status (in r->status) is known. */
	int (*on_header)(void *ud, const char *line, size_t len, struct err *err);
	/* The headers are complete: the body follows. */
	int (*on_headers_done)(void *ud, struct err *err);
	int (*on_body)(void *ud, const char *data, size_t len, struct err *err);
	void *ud;
};

void http_reader_init(struct http_reader *r, bool head,
		      int (*on_header)(void *ud, const char *line, size_t len, struct err *err),
		      int (*on_headers_done)(void *ud, struct err *err),
		      int (*on_body)(void *ud, const char *data, size_t len, struct err *err),
		      void *ud);
/* Feed bytes; -1 with ERR_PARSE for a malformed response, ERR_LIMIT for
 * lengths past the caps, or a callback's error. Bytes after the end of
 * the response are ignored. */
int http_reader_feed(struct http_reader *r, const char *data, size_t len, struct err *err);
/* The connection closed: 0 when that ends the response properly (a
 * close-delimited body, or it was already done), -1 with ERR_NET when
 * the response was cut short. */
int http_reader_eof(struct http_reader *r, struct err *err);
void http_reader_release(struct http_reader *r);

#endif
