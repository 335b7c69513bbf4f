/*
 * fuzz_ndjson.c: libFuzzer target for the NDJSON line splitter, run the
 * way the Ollama engine runs it: each line goes to cJSON. Whole and in
 * pieces must agree; lines stay within the cap; nothing crashes.
 */
#include "buf.h"
#include "http.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

static int on_line(void *ud, const char *line, size_t len, struct err *err)
{
	struct buf *out = ud;
	cJSON *j;

	UNUSED(err);
	if (len > CAP || line[len] != '\0' || memchr(line, '\n', len))
		abort();
	j = cJSON_ParseWithLength(line, len);
	buf_addf(out, "%d|%zu|", j != NULL, len);
	buf_add(out, line, len);
	buf_addch(out, '\n');
	cJSON_Delete(j);
	return 0;
}

static char *run(const char *data, size_t size, unsigned seed, int *rc)
{
	struct buf out = BUF_INIT;
	struct http_ndjson p;
	struct err e;
	size_t off = 0;

	http_ndjson_init(&p, CAP, on_line, &out);
	*rc = 0;
	while (off < size && *rc == 0) {
		size_t n = size - off;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			n = MIN(n, 1 + (seed >> 16) % 7);
		}
		*rc = http_ndjson_feed(&p, data + off, n, &e);
		off += n;
	}
	if (*rc == 0)
		*rc = http_ndjson_finish(&p, &e);
	http_ndjson_release(&p);
	buf_addch(&out, '\0');
	return buf_detach(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc1, rc2;
	char *a = run((const char *)data, size, 0, &rc1);
	char *b = run((const char *)data, size, size ? data[0] + 1u : 1u, &rc2);

	if (rc1 != rc2 || strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
