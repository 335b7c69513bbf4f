/*
 * fuzz_sse.c: libFuzzer target for the SSE parser. Any bytes go in,
 * whole and cut into pieces at places the input itself picks; both ways
 * must give the same events (the parser may not depend on how reads
 * split the stream), every event must be within the cap, and nothing may
 * crash or leak.
 */
#include "buf.h"
#include "http.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

static int on_event(void *ud, const char *event, const char *d, size_t len, struct err *err)
{
	struct buf *out = ud;

	UNUSED(err);
	if (len > CAP || d[len] != '\0' || strlen(event) >= 64)
		abort();
	buf_addf(out, "%s|%zu|", event, len);
	buf_add(out, d, len);
	buf_addch(out, '\n');
	return 0;
}

/* Parse data in pieces of sizes drawn from a little generator seeded by
 * seed (0: one piece). Returns the events; *rc the first failure. */
static char *run(const char *data, size_t size, unsigned seed, int *rc, bool *truncated)
{
	struct buf out = BUF_INIT;
	struct http_sse p;
	struct err e;
	size_t off = 0;

	http_sse_init(&p, CAP, on_event, &out);
	*rc = 0;
	while (off < size && *rc == 0) {
		size_t n = size - off;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			n = MIN(n, 1 + (seed >> 16) % 7);
		}
		*rc = http_sse_feed(&p, data + off, n, &e);
		off += n;
	}
	if (*rc == 0)
		*rc = http_sse_finish(&p, &e);
	*truncated = p.truncated;
	http_sse_release(&p);
	buf_addch(&out, '\0');
	return buf_detach(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc1, rc2;
	bool t1, t2;
	char *a = run((const char *)data, size, 0, &rc1, &t1);
	char *b = run((const char *)data, size, size ? data[0] + 1u : 1u, &rc2, &t2);

	/* A cap can trip at a different event only if the output differs;
	 * with the same input both runs must agree exactly. */
	if (rc1 != rc2 || t1 != t2 || strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
