/* test_http_stream.c: the SSE, NDJSON and HTTP response parsers, fed
 * real fixtures and hand-made edge cases at every possible split. */
#include "t.h"

#include "http.h"

/* Collected events or lines, "type|data" joined with "\x1e". */
struct got {
	struct buf all;
	int n;
	int stop_at; /* return -1 on this event (1-based); 0: never */
};

static int on_event(void *ud, const char *event, const char *data, size_t len, struct err *err)
{
	struct got *g = ud;

	CHECK_INT(strlen(data), len);
	buf_addf(&g->all, "%s|%s\x1e", event, data);
	if (++g->n == g->stop_at)
		return err_set(err, ERR_PARSE, "stop");
	return 0;
}

static int on_line(void *ud, const char *line, size_t len, struct err *err)
{
	struct got *g = ud;

	UNUSED(err);
	CHECK_INT(strlen(line), len);
	buf_addf(&g->all, "%s\x1e", line);
	g->n++;
	return 0;
}

/* Parse s as SSE, cut into pieces at a and b (a <= b <= len). */
static char *sse_split(const char *s, size_t len, size_t a, size_t b, bool *truncated)
{
	struct got g = {BUF_INIT, 0, 0};
	struct http_sse p;
	struct err e;

	http_sse_init(&p, 1 << 16, on_event, &g);
	CHECK(http_sse_feed(&p, s, a, &e) == 0);
	CHECK(http_sse_feed(&p, s + a, b - a, &e) == 0);
	CHECK(http_sse_feed(&p, s + b, len - b, &e) == 0);
	CHECK(http_sse_finish(&p, &e) == 0);
	if (truncated)
		*truncated = p.truncated;
	http_sse_release(&p);
	buf_addch(&g.all, '\0');
	return buf_detach(&g.all);
}

TEST(sse_fixture_any_split)
{
	size_t len;
	char *s = t_read_file(t_shared("fixtures/http/llama-server/chat-stream.body.sse"), &len);
	char *whole;
	int events = 0;

	REQUIRE(s);
	whole = sse_split(s, len, len, len, NULL);
	for (const char *p = whole; (p = strchr(p, '\x1e')); p++)
		events++;
	CHECK_INT(events, 10);
	CHECK(strstr(whole, "message|[DONE]\x1e") != NULL);
	CHECK(str_startswith(whole, "message|{\"choices\""));
	/* Every single split point, and pairs of nearby ones. */
	for (size_t a = 0; a <= len; a++) {
		char *x = sse_split(s, len, a, MIN(len, a + 7), NULL);

		CHECK_STR(x, whole);
		free(x);
	}
	/* Byte by byte. */
	{
		struct got g = {BUF_INIT, 0, 0};
		struct http_sse p;
		struct err e;

		http_sse_init(&p, 1 << 16, on_event, &g);
		for (size_t i = 0; i < len; i++)
			CHECK(http_sse_feed(&p, s + i, 1, &e) == 0);
		CHECK(http_sse_finish(&p, &e) == 0);
		CHECK_STR(buf_str(&g.all), whole);
		http_sse_release(&p);
		buf_release(&g.all);
	}
	free(whole);
	free(s);
}

TEST(sse_line_endings_comments_fields)
{
	static const struct {
		const char *in, *want;
		bool truncated;
	} cases[] = {
		{"data: a\r\n\r\ndata: b\r\rdata: c\n\n", "message|a\x1emessage|b\x1emessage|c\x1e", false},
		{": comment\ndata:x\n\n", "message|x\x1e", false},
		{"data: one\ndata:  two\ndata\n\n", "message|one\n two\n\x1e", false},
		{"event: ping\ndata: 1\n\ndata: 2\n\n", "ping|1\x1emessage|2\x1e", false},
		{"id: 7\nretry: 10\nfoo: bar\n\n", "", false},
		{"data: [DONE]\n", "message|[DONE]\x1e", false},
		{"data: {\"a\":1}\n\ndata: {\"b", "message|{\"a\":1}\x1e", true},
		{"\n\n\r\n", "", false},
		{"data:\n\n", "message|\x1e", false},
		{"", "", false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].in);

		for (size_t a = 0; a <= len; a++) {
			bool tr = false;
			char *x = sse_split(cases[i].in, len, a, a, &tr);

			if (!str_eq(x, cases[i].want) || tr != cases[i].truncated)
				t_fail(__FILE__, __LINE__, "case %zu split %zu: got '%s'", i, a, x);
			free(x);
		}
	}
}

TEST(sse_caps_and_stop)
{
	struct got g = {BUF_INIT, 0, 0};
	struct http_sse p;
	struct err e;
	char big[300];

	memset(big, 'a', sizeof(big));
	http_sse_init(&p, 256, on_event, &g);
	CHECK(http_sse_feed(&p, "data: ", 6, &e) == 0);
	CHECK(http_sse_feed(&p, big, sizeof(big), &e) == -1);
	CHECK_INT(e.code, ERR_LIMIT);
	http_sse_release(&p);

	/* Many data lines, each short, still capped as one event. */
	http_sse_init(&p, 256, on_event, &g);
	for (int i = 0; i < 100 && http_sse_feed(&p, "data: 0123456789\n", 17, &e) == 0; i++)
		;
	CHECK_INT(e.code, ERR_LIMIT);
	http_sse_release(&p);

	g.stop_at = 2;
	g.n = 0;
	http_sse_init(&p, 256, on_event, &g);
	CHECK(http_sse_feed(&p, "data: 1\n\ndata: 2\n\ndata: 3\n\n", 27, &e) == -1);
	CHECK_STR(e.msg, "stop");
	CHECK_INT(g.n, 2);
	http_sse_release(&p);
	buf_release(&g.all);
}

static char *ndjson_split(const char *s, size_t len, size_t a)
{
	struct got g = {BUF_INIT, 0, 0};
	struct http_ndjson p;
	struct err e;

	http_ndjson_init(&p, 1 << 16, on_line, &g);
	CHECK(http_ndjson_feed(&p, s, a, &e) == 0);
	CHECK(http_ndjson_feed(&p, s + a, len - a, &e) == 0);
	CHECK(http_ndjson_finish(&p, &e) == 0);
	http_ndjson_release(&p);
	buf_addch(&g.all, '\0');
	return buf_detach(&g.all);
}

TEST(ndjson_fixture_any_split)
{
	size_t len;
	char *s = t_read_file(t_data("ollama/chat-stream.ndjson"), &len);
	char *whole;
	int n = 0;

	REQUIRE(s);
	whole = ndjson_split(s, len, len);
	for (const char *p = whole; (p = strchr(p, '\x1e')); p++)
		n++;
	CHECK_INT(n, 7);
	for (size_t a = 0; a <= len; a++) {
		char *x = ndjson_split(s, len, a);

		CHECK_STR(x, whole);
		free(x);
	}
	free(whole);
	free(s);
}

TEST(ndjson_edges)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"{\"a\":1}\r\n{\"b\":2}\n", "{\"a\":1}\x1e{\"b\":2}\x1e"},
		{"\n\n  \n{\"a\":1}\n\r\n", "{\"a\":1}\x1e"},
		{"{\"a\":1}", "{\"a\":1}\x1e"},
		{"{\"a\":1}\n{\"b\"", "{\"a\":1}\x1e{\"b\"\x1e"},
		{"", ""},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].in);

		for (size_t a = 0; a <= len; a++) {
			char *x = ndjson_split(cases[i].in, len, a);

			if (!str_eq(x, cases[i].want))
				t_fail(__FILE__, __LINE__, "case %zu split %zu: got '%s'", i, a, x);
			free(x);
		}
	}
}

TEST(ndjson_cap)
{
	struct got g = {BUF_INIT, 0, 0};
	struct http_ndjson p;
	struct err e;
	char big[200];

	memset(big, '{', sizeof(big));
	http_ndjson_init(&p, 100, on_line, &g);
	CHECK(http_ndjson_feed(&p, big, sizeof(big), &e) == -1);
	CHECK_INT(e.code, ERR_LIMIT);
	http_ndjson_release(&p);
	buf_release(&g.all);
}

/* ------------------------------------------------ response reader */

struct rd_got {
	struct buf headers, body;
	int done;
};

static int rd_header(void *ud, const char *line, size_t len, struct err *err)
{
	struct rd_got *g = ud;

	UNUSED(err);
	buf_add(&g->headers, line, len);
	buf_addch(&g->headers, '\n');
	return 0;
}

static int rd_done(void *ud, struct err *err)
{
	UNUSED(err);
	((struct rd_got *)ud)->done++;
	return 0;
}

static int rd_body(void *ud, const char *p, size_t len, struct err *err)
{
	UNUSED(err);
	buf_add(&((struct rd_got *)ud)->body, p, len);
	return 0;
}

/* Read resp split at a; returns 0/-1 of feed+eof, fills status and g. */
static int rd_run(const char *resp, size_t len, size_t a, bool eof, long *status,
		  struct rd_got *g, struct err *e)
{
	struct http_reader r;
	int rc;

	memset(g, 0, sizeof(*g));
	http_reader_init(&r, false, rd_header, rd_done, rd_body, g);
	rc = http_reader_feed(&r, resp, a, e);
	if (rc == 0)
		rc = http_reader_feed(&r, resp + a, len - a, e);
	if (rc == 0 && eof)
		rc = http_reader_eof(&r, e);
	if (rc == 0 && !eof && r.state != HTTP_RD_DONE)
		rc = err_set(e, ERR_INTERNAL, "not done");
	*status = r.status;
	http_reader_release(&r);
	return rc;
}

TEST(reader_framings_any_split)
{
	static const struct {
		const char *resp;
		bool eof;
		long status;
		const char *body;
		const char *header; /* a header line that must be reported */
	} cases[] = {
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloEXTRA", false, 200, "hello",
		 "x-a: b"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n"
		 "1\r\n!\r\n0\r\nTrailer: x\r\n\r\n", false, 200, "hello!", "transfer-encoding: chunked"},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
		 false, 404, "no", "content-length: 2"},
		{"HTTP/1.0 200 OK\nContent-Type: text/plain\n\nuntil close", true, 200, "until close",
		 "content-type: text/plain"},
		{"HTTP/1.1 204 No Content\r\n\r\n", false, 204, "", NULL},
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, 200, "", NULL},
		{"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nbad",
		 false, 500, "bad", NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].resp);

		for (size_t a = 0; a <= len; a++) {
			struct rd_got g;
			struct err e = {0, ""};
			long st = 0;
			int rc = rd_run(cases[i].resp, len, a, cases[i].eof, &st, &g, &e);

			if (rc != 0 || st != cases[i].status || !str_eq(buf_str(&g.body), cases[i].body) ||
			    g.done != 1 ||
			    (cases[i].header && !strstr(buf_str(&g.headers), cases[i].header)))
				t_fail(__FILE__, __LINE__, "case %zu split %zu: rc %d (%s) status %ld body '%s'",
				       i, a, rc, e.msg, st, buf_str(&g.body));
			buf_release(&g.headers);
			buf_release(&g.body);
		}
	}
}

TEST(reader_rejects_bad_responses)
{
	static const struct {
		const char *resp;
		int code;
	} cases[] = {
		{"SSH-2.0-OpenSSH\r\n", ERR_PARSE},
		{"HTTP/1.1 2000 OK\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 20 OK\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", ERR_LIMIT},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", ERR_PARSE},
		{"HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", ERR_PARSE},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* strlen would stop at the NUL of the last case. */
		size_t len = i == ARRAY_SIZE(cases) - 1 ? 27 : strlen(cases[i].resp);
		struct rd_got g;
		struct err e = {0, ""};
		long st;

		if (rd_run(cases[i].resp, len, len / 2, false, &st, &g, &e) != -1 ||
		    e.code != cases[i].code)
			t_fail(__FILE__, __LINE__, "case %zu: code %d (%s)", i, e.code, e.msg);
		buf_release(&g.headers);
		buf_release(&g.body);
	}
}

TEST(reader_eof_and_caps)
{
	struct rd_got g;
	struct err e;
	long st;
	struct buf big = BUF_INIT;

	/* Cut inside a Content-Length body, inside a chunk, before any byte. */
	CHECK(rd_run("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 42, 42, true, &st, &g, &e) == -1);
	CHECK_INT(e.code, ERR_NET);
	buf_release(&g.headers);
	buf_release(&g.body);
	CHECK(rd_run("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 52, 10, true, &st,
		     &g, &e) == -1);
	CHECK_INT(e.code, ERR_NET);
	buf_release(&g.headers);
	buf_release(&g.body);
	CHECK(rd_run("", 0, 0, true, &st, &g, &e) == -1);
	CHECK(strstr(e.msg, "without a response") != NULL);
	buf_release(&g.headers);
	buf_release(&g.body);

	/* Endless headers stop at the cap. */
	buf_adds(&big, "HTTP/1.1 200 OK\r\n");
	while (big.len < HTTP_MAX_HEADERS + 100)
		buf_adds(&big, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
	CHECK(rd_run(big.s, big.len, 7, false, &st, &g, &e) == -1);
	CHECK_INT(e.code, ERR_LIMIT);
	buf_release(&g.headers);
	buf_release(&g.body);
	/* One endless line too. */
	buf_reset(&big);
	buf_adds(&big, "HTTP/1.1 200 OK");
	while (big.len < 10000)
		buf_addch(&big, 'x');
	CHECK(rd_run(big.s, big.len, 7, false, &st, &g, &e) == -1);
	CHECK_INT(e.code, ERR_LIMIT);
	buf_release(&g.headers);
	buf_release(&g.body);
	buf_release(&big);
}
