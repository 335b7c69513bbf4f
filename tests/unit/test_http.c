/* test_http.c: http_do against tests/testserver.py, through both
 * transports: retries, Retry-After, statuses, timeouts, caps, cuts,
 * cancellation, proxies, and what error messages show. */
#include "t.h"
#include "testsrv.h"

#include "http.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>
#include <time.h>

static const char *const transports[] = {"builtin", "curl"};

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* url = server + path (static storage). */
static const char *at(const char *path)
{
	static char u[1024];
	const char *base = t_server_url();

	snprintf(u, sizeof(u), "%s%s", base ? base : "http://127.0.0.1:9", path);
	return u;
}

/* A fresh id= option, so fail= counters never mix between runs. */
static const char *fresh_id(void)
{
	static char id[64];
	static int seq;

	snprintf(id, sizeof(id), "id=%d-%d", (int)getpid(), ++seq);
	return id;
}

TEST(http_url_parse_and_redact)
{
	static const struct {
		const char *url;
		int ok;
		const char *host;
		int port;
		const char *path;
		const char *shown;
	} cases[] = {
		{"http://127.0.0.1:11434", 1, "127.0.0.1", 11434, "", "http://127.0.0.1:11434"},
		{"https://api.example.com/v1?x=1", 1, "api.example.com", 443, "/v1?x=1",
		 "https://api.example.com/v1"},
		{"HTTP://[::1]:8080/v1/", 1, "::1", 8080, "/v1/", "HTTP://[::1]:8080/v1/"},
		{"http://user:p@ss@host:1/a#frag", 1, "host", 1, "/a#frag", "http://host:1/a"},
		{"http://h:0/", 0, NULL, 0, NULL, "http://h:0/"},
		{"http://h:65536/", 0, NULL, 0, NULL, NULL},
		{"http://h:8x/", 0, NULL, 0, NULL, NULL},
		{"ftp://h/", 0, NULL, 0, NULL, NULL},
		{"http:///x", 0, NULL, 0, NULL, NULL},
		{"http://h /x", 0, NULL, 0, NULL, NULL},
		{"http://[::1/x", 0, NULL, 0, NULL, NULL},
		{"localhost:11434", 0, NULL, 0, NULL, "localhost:11434"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct http_url u;
		struct err e;
		char shown[256];
		int rc = http_url_parse(cases[i].url, &u, &e);

		if ((rc == 0) != cases[i].ok) {
			t_fail(__FILE__, __LINE__, "case %zu (%s): rc %d %s", i, cases[i].url, rc, e.msg);
			continue;
		}
		if (rc == 0) {
			CHECK_STR(u.host, cases[i].host);
			CHECK_INT(u.port, cases[i].port);
			CHECK_STR(u.path, cases[i].path);
		} else {
			CHECK_INT(e.code, ERR_USAGE);
		}
		if (cases[i].shown) {
			http_url_redact(cases[i].url, shown, sizeof(shown));
			CHECK_STR(shown, cases[i].shown);
		}
	}
}

TEST(http_get_collects_body)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		struct http_request rq = {.url = at("/v1/models"), .timeout_ms = 5000};
		struct http_response resp;
		struct err e;

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		CHECK(http_do(&rq, &resp, &e) == 0);
		CHECK_INT(resp.status, 200);
		CHECK_INT(resp.via_curl, t == 1);
		CHECK_STR(resp.content_type, "application/json");
		CHECK(strstr(buf_str(&resp.body), "smollm2") != NULL);
		CHECK(http_response_header(&resp, "server", NULL, 0));
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

struct stream_got {
	struct http_sse sse;
	struct buf events;
	int pieces;
	int stop_after; /* on_body returns -1 after this many pieces; 0 never */
};

static int got_event(void *ud, const char *ev, const char *data, size_t len, struct err *err)
{
	struct stream_got *g = ud;

	UNUSED(ev);
	UNUSED(len);
	UNUSED(err);
	buf_addf(&g->events, "%s\n", data);
	return 0;
}

static int got_body(void *ud, const struct http_response *resp, const char *p, size_t len,
		    struct err *err)
{
	struct stream_got *g = ud;

	CHECK_INT(resp->status, 200);
	CHECK_STR(resp->content_type, "text/event-stream");
	if (g->stop_after && ++g->pieces >= g->stop_after)
		return err_set(err, ERR_PARSE, "enough");
	g->pieces += !g->stop_after;
	return http_sse_feed(&g->sse, p, len, err);
}

TEST(http_streams_in_pieces)
{
	static const char body[] = "{\"model\":\"m\",\"stream\":true}";

	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		struct stream_got g = {0};
		struct http_request rq = {
			.url = at("/trickle=40/say=find%20.%20-name%20x/v1/chat/completions"),
			.body = body, .body_len = sizeof(body) - 1, .timeout_ms = 5000,
			.on_body = got_body, .ud = &g,
		};
		const char *const hdrs[] = {"Content-Type: application/json", NULL};
		struct http_response resp;
		struct err e;

		rq.headers = hdrs;
		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		http_sse_init(&g.sse, 1 << 16, got_event, &g);
		CHECK(http_do(&rq, &resp, &e) == 0);
		CHECK(http_sse_finish(&g.sse, &e) == 0);
		CHECK(g.pieces > 10);
		CHECK(strstr(buf_str(&g.events), "\"content\": \" x\"") != NULL);
		CHECK(str_startswith(strstr(buf_str(&g.events), "[DONE]"), "[DONE]\n"));
		CHECK_INT(resp.body.len, 0);
		http_response_release(&resp);
		http_sse_release(&g.sse);
		buf_release(&g.events);

		/* A callback that stops ends the request with its error. */
		memset(&g, 0, sizeof(g));
		g.stop_after = 2;
		rq.url = at("/trickle=40/say=abcdefghijklmnopqrstuvwxyz/v1/chat/completions");
		http_sse_init(&g.sse, 1 << 16, got_event, &g);
		CHECK(http_do(&rq, &resp, &e) == -1);
		CHECK_STR(e.msg, "enough");
		CHECK_INT(resp.attempts, 1);
		http_response_release(&resp);
		http_sse_release(&g.sse);
		buf_release(&g.events);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

static int do_get(const char *path, int retries, long timeout_ms, size_t max_body,
		  struct http_response *resp, struct err *e)
{
	struct http_request rq = {.url = at(path), .timeout_ms = timeout_ms, .retries = retries,
				  .max_body = max_body, .connect_timeout_ms = 2000};

	return http_do(&rq, resp, e);
}

TEST(http_retries_5xx_then_succeeds)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		struct http_response resp;
		struct err e;
		char path[256];

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		snprintf(path, sizeof(path), "/%s/fail=2/status=503/v1/models", fresh_id());
		CHECK(do_get(path, 2, 10000, 0, &resp, &e) == 0);
		CHECK_INT(resp.attempts, 3);
		CHECK_INT(resp.status, 200);
		http_response_release(&resp);

		/* Retries run out. */
		CHECK(do_get("/always=500/v1/models", 1, 10000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_HTTP);
		CHECK_INT(resp.attempts, 2);
		CHECK_INT(resp.status, 500);
		CHECK(strstr(e.msg, "HTTP 500 (after 2 attempts)") != NULL);
		CHECK(strstr(buf_str(&resp.body), "server_error") != NULL);
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_honours_retry_after)
{
	struct http_response resp;
	struct err e;
	char path[256];
	double t0;

	/* One real wait (1 s), on one transport, to keep the suite quick. */
	setenv("CARO_HTTP_TRANSPORT", "builtin", 1);
	snprintf(path, sizeof(path), "/%s/fail=1/status=429/retry_after=1/v1/models", fresh_id());
	t0 = ms_now();
	CHECK(do_get(path, 1, 10000, 0, &resp, &e) == 0);
	CHECK(ms_now() - t0 >= 950);
	CHECK_INT(resp.attempts, 2);
	http_response_release(&resp);

	/* A wait over the cap is not sat out: fail at once and say why. */
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		t0 = ms_now();
		CHECK(do_get("/always=429/retry_after=120/v1/models", 3, 10000, 0, &resp, &e) == -1);
		CHECK(ms_now() - t0 < 1000);
		CHECK_INT(e.code, ERR_HTTP);
		CHECK_INT(resp.retry_after_ms, 120000);
		CHECK(strstr(e.msg, "HTTP 429; the server asks to wait 120 s") != NULL);
		http_response_release(&resp);
	}
	/* A wait longer than the deadline allows is not started. */
	t0 = ms_now();
	CHECK(do_get("/always=503/retry_after=5/v1/models", 3, 1000, 0, &resp, &e) == -1);
	CHECK(ms_now() - t0 < 900);
	CHECK_INT(resp.attempts, 1);
	http_response_release(&resp);
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_client_errors_are_not_retried)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		struct http_response resp;
		struct err e;

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		CHECK(do_get("/always=401/v1/models", 3, 5000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_CONFIG);
		CHECK_INT(resp.attempts, 1);
		CHECK(strstr(e.msg, "HTTP 401") != NULL);
		http_response_release(&resp);
		CHECK(do_get("/always=404/v1/models", 3, 5000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_NOTFOUND);
		CHECK(strstr(buf_str(&resp.body), "does not exist") != NULL);
		http_response_release(&resp);
		CHECK(do_get("/no/such/endpoint", 3, 5000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_NOTFOUND);
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_times_out_on_a_silent_server)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		struct http_response resp;
		struct err e;
		double t0 = ms_now();

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		CHECK(do_get("/hang=1/v1/models", 2, 300, 0, &resp, &e) == -1);
		CHECK(ms_now() - t0 < 2000);
		CHECK_INT(e.code, ERR_TIMEOUT);
		CHECK(strstr(e.msg, "timed out after 300 ms") != NULL);
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_caps_the_body)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		static const char body[] = "{\"stream\":true}";
		struct http_request rq = {.url = at("/big=2/say=x/v1/chat/completions"), .body = body,
					  .body_len = sizeof(body) - 1, .timeout_ms = 10000,
					  .max_body = 1 << 20, .retries = 2};
		struct http_response resp;
		struct err e;

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		CHECK(http_do(&rq, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_LIMIT);
		CHECK(strstr(e.msg, "reply larger than 1048576 bytes") != NULL);
		CHECK_INT(resp.attempts, 1);
		CHECK(resp.body.len <= (1 << 20));
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_reports_a_cut_stream)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		static const char body[] = "{\"stream\":true}";
		struct stream_got g = {0};
		struct http_request rq = {.url = at("/cut=300/v1/chat/completions"), .body = body,
					  .body_len = sizeof(body) - 1, .timeout_ms = 5000,
					  .on_body = got_body, .ud = &g, .retries = 2};
		struct http_response resp;
		struct err e;

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		http_sse_init(&g.sse, 1 << 16, got_event, &g);
		CHECK(http_do(&rq, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_NET);
		/* Bytes went to the caller: no retry could undo that. */
		CHECK_INT(resp.attempts, 1);
		http_response_release(&resp);
		http_sse_release(&g.sse);
		buf_release(&g.events);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_connection_refused)
{
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		char url[128];
		struct http_request rq = {.url = url, .timeout_ms = 5000, .retries = 1};
		struct http_response resp;
		struct err e;

		snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/models", t_closed_port());
		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		CHECK(http_do(&rq, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_NET);
		CHECK(strstr(e.msg, "connection refused (after 2 attempts)") != NULL);
		CHECK(strstr(e.msg, url) == e.msg);
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

static void on_alarm(int sig)
{
	UNUSED(sig);
	http_cancel();
}

TEST(http_ctrl_c_cancels)
{
	struct sigaction sa = {0}, old;

	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		struct itimerval it = {{0, 0}, {0, 200000}};
		struct http_response resp;
		struct err e;
		double t0 = ms_now();

		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		setitimer(ITIMER_REAL, &it, NULL);
		CHECK(do_get("/hang=1/v1/models", 2, 10000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_CANCELLED);
		CHECK(ms_now() - t0 < 1500);
		CHECK(http_cancelled());
		http_response_release(&resp);
		/* Still cancelled: nothing starts until reset. */
		CHECK(do_get("/v1/models", 0, 1000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_CANCELLED);
		http_response_release(&resp);
		http_cancel_reset();
	}
	/* Cancelled during a retry wait. */
	{
		struct itimerval it = {{0, 0}, {0, 300000}};
		struct http_response resp;
		struct err e;
		double t0 = ms_now();

		setitimer(ITIMER_REAL, &it, NULL);
		CHECK(do_get("/always=503/retry_after=20/v1/models", 2, 30000, 0, &resp, &e) == -1);
		CHECK_INT(e.code, ERR_CANCELLED);
		CHECK(ms_now() - t0 < 1500);
		http_response_release(&resp);
		http_cancel_reset();
	}
	sigaction(SIGALRM, &old, NULL);
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_errors_hide_credentials)
{
	const char *base = t_server_url();

	REQUIRE(base);
	for (size_t t = 0; t < ARRAY_SIZE(transports); t++) {
		char url[256];
		struct http_request rq = {.url = url, .timeout_ms = 5000};
		struct http_response resp;
		struct err e;

		snprintf(url, sizeof(url), "http://user:s3cret@%s/always=500/v1/models?api_key=k3y",
			 base + 7);
		setenv("CARO_HTTP_TRANSPORT", transports[t], 1);
		CHECK(http_do(&rq, &resp, &e) == -1);
		CHECK(strstr(e.msg, "s3cret") == NULL);
		CHECK(strstr(e.msg, "k3y") == NULL);
		CHECK(strstr(e.msg, "/always=500/v1/models: HTTP 500") != NULL);
		http_response_release(&resp);
	}
	unsetenv("CARO_HTTP_TRANSPORT");
}

TEST(http_sends_headers_and_honours_proxies)
{
	const char *base = t_server_url();
	const char *const hdrs[] = {"Authorization: Bearer tok-123", NULL};
	struct http_request rq = {.url = "http://proxied.invalid/say=x/v1/models", .timeout_ms = 5000,
				  .headers = hdrs};
	struct http_response resp;
	struct err e;
	char *log;

	REQUIRE(base);
	/* An address literal without a proxy goes the built-in way... */
	rq.url = at("/hdr-check/v1/models");
	CHECK(http_do(&rq, &resp, &e) == 0);
	CHECK(!resp.via_curl);
	http_response_release(&resp);
	/* ...and any proxy variable hands the request to libcurl, which
	 * sends it to the proxy (our server) with the absolute URL. */
	setenv("http_proxy", base, 1);
	rq.url = "http://proxied.invalid/say=x/v1/models";
	CHECK(http_do(&rq, &resp, &e) == 0);
	CHECK(resp.via_curl);
	CHECK_INT(resp.status, 200);
	http_response_release(&resp);
	unsetenv("http_proxy");
	log = t_read_file(t_server_log(), NULL);
	REQUIRE(log);
	CHECK(strstr(log, "\"target\": \"http://proxied.invalid/say=x/v1/models\"") != NULL);
	CHECK(strstr(log, "\"target\": \"/hdr-check/v1/models\"") != NULL);
	CHECK(strstr(log, "\"authorization\": \"Bearer tok-123\"") != NULL);
	free(log);
}
