/* fuzz_store_record.c: libFuzzer target for history spool records, which
 * caro reads back from a file anyone with the user's rights may have
 * touched. Each line must parse or be rejected with an error; a parsed
 * one must format back to a line that parses to the same fields. Also
 * feeds the input to the cache-key normalizer. */
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const char *a, const char *b)
{
	return str_eq(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf scratch = BUF_INIT, scratch2 = BUF_INIT, line = BUF_INIT, norm = BUF_INIT;
	struct store_entry e, e2;
	uint64_t rid, rid2;
	struct err err;
	char *text = xstrndup((const char *)data, size);

	store_normalize(text, &norm);
	if (store_record_parse((const char *)data, size, &e, &rid, &scratch, &err) == 0 &&
	    data[0] == 'h') {
		store_record_format(&e, rid, &line);
		if (store_record_parse(line.s, line.len - 1, &e2, &rid2, &scratch2, &err) != 0 ||
		    rid2 != rid || e2.ts_ms != e.ts_ms || e2.decision != e.decision ||
		    e2.cache != e.cache || e2.exit_status != e.exit_status ||
		    (strlen(e.request) < STORE_TEXT_MAX && !same(e2.request, e.request)) ||
		    !same(e2.engine, e.engine))
			__builtin_trap();
	}
	buf_release(&scratch);
	buf_release(&scratch2);
	buf_release(&line);
	buf_release(&norm);
	free(text);
	return 0;
}
