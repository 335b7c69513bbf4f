/*
 * http_stream.c: incremental parsers for what servers send: server-sent
 * events, newline-delimited JSON, and HTTP/1.1 responses for the built-in
 * transport.
 *
 * All three read outside input in pieces of any size, split anywhere, and
 * keep at most one line (or one SSE event) in memory, under a cap. None of
 * them looks past the bytes it was given or needs NUL-terminated input.
 */
#include "http.h"

#include <ctype.h>

/* Index of the first CR or LF in s[0, n), or n. */
static size_t find_eol(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r')
			return i;
	return n;
}

/* -------------------------------------------------------------- SSE */

void http_sse_init(struct http_sse *p, size_t max_event,
		   int (*on_event)(void *ud, const char *event, const char *data, size_t len,
				   struct err *err),
		   void *ud)
{
	memset(p, 0, sizeof(*p));
	p->max_event = max_event ? max_event : (1u << 20);
	p->on_event = on_event;
	p->ud = ud;
}

void http_sse_release(struct http_sse *p)
{
	buf_release(&p->line);
	buf_release(&p->data);
}

static int sse_dispatch(struct http_sse *p, struct err *err)
{
	int rc = 0;

	if (p->has_data)
		rc = p->on_event(p->ud, p->event[0] ? p->event : "message", buf_str(&p->data),
				 p->data.len, err);
	buf_reset(&p->data);
	p->has_data = false;
	p->event[0] = '\0';
	return rc;
}

static int sse_line(struct http_sse *p, struct err *err)
{
	const char *s = buf_str(&p->line), *colon, *v;
	size_t n = p->line.len, name_len, vlen;

	if (n == 0)
		return sse_dispatch(p, err);
	if (s[0] == ':')
		return 0;
	colon = memchr(s, ':', n);
	name_len = colon ? (size_t)(colon - s) : n;
	v = colon ? colon + 1 : s + n;
	vlen = (size_t)(s + n - v);
	if (vlen && *v == ' ') {
		v++;
		vlen--;
	}
	if (name_len == 4 && memcmp(s, "data", 4) == 0) {
		if (p->data.len + vlen + 1 > p->max_event)
			return err_set(err, ERR_LIMIT, "event larger than %zu bytes", p->max_event);
		if (p->has_data)
			buf_addch(&p->data, '\n');
		buf_add(&p->data, v, vlen);
		p->has_data = true;
	} else if (name_len == 5 && memcmp(s, "event", 5) == 0) {
		snprintf(p->event, sizeof(p->event), "%.*s", (int)MIN(vlen, sizeof(p->event) - 1), v);
	}
	return 0;
}

int http_sse_feed(struct http_sse *p, const char *data, size_t len, struct err *err)
{
	while (len) {
		size_t run;

		if (p->last_cr) {
			p->last_cr = false;
			if (*data == '\n') {
				data++;
				len--;
				continue;
			}
		}
		run = find_eol(data, len);
		if (p->line.len + run > p->max_event)
			return err_set(err, ERR_LIMIT, "line longer than %zu bytes", p->max_event);
		buf_add(&p->line, data, run);
		if (run == len)
			break;
		p->last_cr = data[run] == '\r';
		data += run + 1;
		len -= run + 1;
		if (sse_line(p, err) != 0)
			return -1;
		buf_reset(&p->line);
	}
	return 0;
}

int http_sse_finish(struct http_sse *p, struct err *err)
{
	if (p->line.len) {
		/* Cut inside a line: the event it belongs to is incomplete. */
		p->truncated = true;
		buf_reset(&p->line);
		buf_reset(&p->data);
		p->has_data = false;
		return 0;
	}
	return sse_dispatch(p, err);
}

/* ----------------------------------------------------------- NDJSON */

void http_ndjson_init(struct http_ndjson *p, size_t max_line,
		      int (*on_line)(void *ud, const char *line, size_t len, struct err *err),
		      void *ud)
{
	memset(p, 0, sizeof(*p));
	p->max_line = max_line ? max_line : (1u << 20);
	p->on_line = on_line;
	p->ud = ud;
}

void http_ndjson_release(struct http_ndjson *p)
{
	buf_release(&p->line);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static int ndjson_line(struct http_ndjson *p, struct err *err)
{
	size_t n = p->line.len;
	int rc = 0;

	if (n && p->line.s[n - 1] == '\r')
		buf_truncate(&p->line, --n);
	if (!blank(buf_str(&p->line), n))
		rc = p->on_line(p->ud, p->line.s, n, err);
	buf_reset(&p->line);
	return rc;
}

int http_ndjson_feed(struct http_ndjson *p, const char *data, size_t len, struct err *err)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t run = nl ? (size_t)(nl - data) : len;

		if (p->line.len + run > p->max_line)
			return err_set(err, ERR_LIMIT, "line longer than %zu bytes", p->max_line);
		buf_add(&p->line, data, run);
		if (!nl)
			break;
		data += run + 1;
		len -= run + 1;
		if (ndjson_line(p, err) != 0)
			return -1;
	}
	return 0;
}

int http_ndjson_finish(struct http_ndjson *p, struct err *err)
{
	int rc;

	p->at_eof = true;
	rc = ndjson_line(p, err);
	p->at_eof = false;
	return rc;
}

/* ---------------------------------------------------- HTTP responses */

#define RD_MAX_LINE 8192
#define RD_MAX_CHUNK_LINE 1024

void http_reader_init(struct http_reader *r, bool head,
		      int (*on_header)(void *ud, const char *line, size_t len, struct err *err),
		      int (*on_headers_done)(void *ud, struct err *err),
		      int (*on_body)(void *ud, const char *data, size_t len, struct err *err),
		      void *ud)
{
	memset(r, 0, sizeof(*r));
	r->head = head;
	r->on_header = on_header;
	r->on_headers_done = on_headers_done;
	r->on_body = on_body;
	r->ud = ud;
}

void http_reader_release(struct http_reader *r)
{
	buf_release(&r->line);
}

static int parse_status(struct http_reader *r, const char *s, size_t n, struct err *err)
{
	long st = 0;

	/* "HTTP/1.1 200 OK": the version, one space, three digits. */
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) ||
	    s[8] != ' ')
		return err_set(err, ERR_PARSE, "not an HTTP/1.x response");
	for (int i = 9; i < 12; i++) {
		if (!isdigit((unsigned char)s[i]))
			return err_set(err, ERR_PARSE, "bad status line");
		st = st * 10 + (s[i] - '0');
	}
	if (st < 100 || (n > 12 && s[12] != ' '))
		return err_set(err, ERR_PARSE, "bad status line");
	r->status = st;
	r->chunked = r->has_length = false;
	r->length = 0;
	return 0;
}

static bool is_tchar(int c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Case-insensitive: does the comma-separated list end with token? */
static bool last_token_is(const char *v, const char *token)
{
	const char *comma = strrchr(v, ',');
	size_t n;

	v = comma ? comma + 1 : v;
	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return n == strlen(token) && strncasecmp(v, token, n) == 0;
}

static int parse_length(const char *v, uint64_t *out)
{
	uint64_t x = 0;

	if (!isdigit((unsigned char)*v))
		return -1;
	for (; isdigit((unsigned char)*v); v++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*v - '0');
	}
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v)
		return -1;
	*out = x;
	return 0;
}

/* One header line (CR already dropped). Lower-cases the name in place. */
static int header_line(struct http_reader *r, char *s, size_t n, struct err *err)
{
	size_t i = 0;
	char *v;

	if (s[0] == ' ' || s[0] == '\t')
		return 0; /* obsolete line folding: nothing we need is folded */
	while (i < n && is_tchar((unsigned char)s[i])) {
		s[i] = (char)tolower((unsigned char)s[i]);
		i++;
	}
	if (i == 0 || i >= n || s[i] != ':')
		return err_set(err, ERR_PARSE, "malformed header line");
	v = s + i + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (r->status < 200)
		return 0;
	if (i == 14 && memcmp(s, "content-length", 14) == 0) {
		uint64_t len;

		if (parse_length(v, &len) != 0 || (r->has_length && len != r->length))
			return err_set(err, ERR_PARSE, "bad Content-Length");
		r->has_length = true;
		r->length = len;
	} else if (i == 17 && memcmp(s, "transfer-encoding", 17) == 0) {
		if (!last_token_is(v, "chunked"))
			return err_set(err, ERR_PARSE, "unsupported Transfer-Encoding '%.40s'", v);
		r->chunked = true;
	}
	return r->on_header ? r->on_header(r->ud, s, n, err) : 0;
}

static int headers_done(struct http_reader *r, struct err *err)
{
	if (r->status < 200) {
		/* 1xx: an interim response; the real one follows. */
		r->state = HTTP_RD_STATUS;
		return 0;
	}
	if (r->chunked)
		r->has_length = false;
	if (r->on_headers_done && r->on_headers_done(r->ud, err) != 0)
		return -1;
	if (r->head || r->status == 204 || r->status == 304)
		r->state = HTTP_RD_DONE;
	else if (r->chunked)
		r->state = HTTP_RD_CHUNK_SIZE;
	else if (r->has_length && r->length == 0)
		r->state = HTTP_RD_DONE;
	else
		r->state = HTTP_RD_BODY;
	return 0;
}

static int chunk_size_line(struct http_reader *r, const char *s, size_t n, struct err *err)
{
	uint64_t x = 0;
	size_t i = 0;

	for (; i < n && isxdigit((unsigned char)s[i]); i++) {
		int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10);

		if (x >> 59)
			return err_set(err, ERR_LIMIT, "chunk too large");
		x = x * 16 + (uint64_t)d;
	}
	if (i == 0 || (i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t'))
		return err_set(err, ERR_PARSE, "bad chunk size");
	r->length = x;
	r->state = x ? HTTP_RD_CHUNK_DATA : HTTP_RD_TRAILERS;
	return 0;
}

/* A complete line of the current state, CR dropped. */
static int reader_line(struct http_reader *r, struct err *err)
{
	char *s = r->line.s ? r->line.s : (char *)"";
	size_t n = r->line.len;
	int rc = 0;

	if (n && s[n - 1] == '\r')
		s[--n] = '\0';
	switch (r->state) {
	case HTTP_RD_STATUS:
		if (n == 0)
			break; /* tolerate blank lines before the status */
		rc = parse_status(r, s, n, err);
		if (rc == 0)
			r->state = HTTP_RD_HEADERS;
		break;
	case HTTP_RD_HEADERS:
		rc = n ? header_line(r, s, n, err) : headers_done(r, err);
		break;
	case HTTP_RD_CHUNK_SIZE:
		rc = chunk_size_line(r, s, n, err);
		break;
	case HTTP_RD_CHUNK_END:
		if (n)
			rc = err_set(err, ERR_PARSE, "chunk not followed by CRLF");
		else
			r->state = HTTP_RD_CHUNK_SIZE;
		break;
	case HTTP_RD_TRAILERS:
		if (n == 0)
			r->state = HTTP_RD_DONE;
		break;
	default:
		break;
	}
	buf_reset(&r->line);
	return rc;
}

int http_reader_feed(struct http_reader *r, const char *data, size_t len, struct err *err)
{
	while (len && r->state != HTTP_RD_DONE) {
		if (r->state == HTTP_RD_BODY || r->state == HTTP_RD_CHUNK_DATA) {
			size_t n = len;

			if (r->state == HTTP_RD_CHUNK_DATA || r->has_length)
				n = (size_t)MIN((uint64_t)len, r->length);
			if (r->on_body(r->ud, data, n, err) != 0)
				return -1;
			data += n;
			len -= n;
			if (r->state == HTTP_RD_CHUNK_DATA || r->has_length) {
				r->length -= n;
				if (r->length == 0)
					r->state = r->state == HTTP_RD_CHUNK_DATA ? HTTP_RD_CHUNK_END :
						   HTTP_RD_DONE;
			}
			continue;
		}
		{
			const char *nl = memchr(data, '\n', len);
			size_t run = nl ? (size_t)(nl - data) : len;
			size_t cap = r->state == HTTP_RD_CHUNK_SIZE || r->state == HTTP_RD_CHUNK_END ?
				     RD_MAX_CHUNK_LINE : RD_MAX_LINE;

			if (r->line.len + run > cap)
				return err_set(err, ERR_LIMIT, "response line longer than %zu bytes",
					       cap);
			if (r->state == HTTP_RD_HEADERS || r->state == HTTP_RD_TRAILERS) {
				r->header_bytes += run + 1;
				if (r->header_bytes > HTTP_MAX_HEADERS)
					return err_set(err, ERR_LIMIT, "response headers larger than %u bytes",
						       HTTP_MAX_HEADERS);
			}
			if (memchr(data, '\0', run))
				return err_set(err, ERR_PARSE, "NUL byte in the response head");
			buf_add(&r->line, data, run);
			if (!nl)
				break;
			data += run + 1;
			len -= run + 1;
			if (reader_line(r, err) != 0)
				return -1;
		}
	}
	return 0;
}

int http_reader_eof(struct http_reader *r, struct err *err)
{
	if (r->state == HTTP_RD_DONE)
		return 0;
	if (r->state == HTTP_RD_BODY && !r->has_length) {
		r->state = HTTP_RD_DONE;
		return 0;
	}
	if (r->state == HTTP_RD_STATUS && r->line.len == 0 && r->status == 0)
		return err_set(err, ERR_NET, "connection closed without a response");
	return err_set(err, ERR_NET, "connection closed in the middle of the response");
}
