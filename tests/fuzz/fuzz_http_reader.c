/*
 * fuzz_http_reader.c: libFuzzer target for the built-in transport's
 * HTTP/1.1 response reader (status line, headers, Content-Length, chunked
 * and close-delimited bodies). Any bytes, whole and in pieces: the same
 * status, headers, body and verdict either way, every length within its
 * cap, no crash.
 */
#include "buf.h"
#include "http.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct got {
	struct buf out;
	size_t body;
};

static int on_header(void *ud, const char *line, size_t len, struct err *err)
{
	struct got *g = ud;

	UNUSED(err);
	if (len > 8192 || memchr(line, '\n', len))
		abort();
	buf_adds(&g->out, "H:");
	buf_add(&g->out, line, len);
	buf_addch(&g->out, '\n');
	return 0;
}

static int on_done(void *ud, struct err *err)
{
	UNUSED(err);
	buf_adds(&((struct got *)ud)->out, "--\n");
	return 0;
}

static int on_body(void *ud, const char *p, size_t len, struct err *err)
{
	struct got *g = ud;

	UNUSED(err);
	g->body += len;
	buf_add(&g->out, p, len);
	return 0;
}

static char *run(const char *data, size_t size, unsigned seed, bool head, int *rc, long *status)
{
	struct got g = {BUF_INIT, 0};
	struct http_reader r;
	struct err e;
	size_t off = 0;

	http_reader_init(&r, head, on_header, on_done, on_body, &g);
	*rc = 0;
	while (off < size && *rc == 0) {
		size_t n = size - off;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			n = MIN(n, 1 + (seed >> 16) % 9);
		}
		*rc = http_reader_feed(&r, data + off, n, &e);
		off += n;
	}
	if (*rc == 0)
		*rc = http_reader_eof(&r, &e) == 0 ? 0 : 2;
	*status = r.status;
	if (r.status && (r.status < 100 || r.status > 999))
		abort();
	http_reader_release(&r);
	buf_addch(&g.out, '\0');
	return buf_detach(&g.out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool head = size && (data[0] & 1);
	int rc1, rc2;
	long s1, s2;
	char *a = run((const char *)data, size, 0, head, &rc1, &s1);
	char *b = run((const char *)data, size, size ? data[0] + 1u : 1u, head, &rc2, &s2);

	if (rc1 != rc2 || s1 != s2 || strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
