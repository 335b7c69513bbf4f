/*
 * fuzz_toml.c: the TOML subset parser on any bytes.
 *
 * Beyond "no crash, no leak", two properties: every value's byte range
 * lies inside the input (config set rewrites those bytes), and every
 * string value, quoted again with toml_quote, parses back to itself.
 */
#include "buf.h"
#include "toml.h"

#include <assert.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toml_doc doc;
	struct err err;

	if (toml_parse((const char *)data, size, &doc, &err) != 0) {
		assert(doc.n == 0 && doc.e == NULL);
		assert(err.msg[0] != '\0');
		toml_doc_release(&doc);
		return 0;
	}
	for (size_t i = 0; i < doc.n; i++) {
		const struct toml_entry *e = &doc.e[i];

		assert(e->val_start <= e->val_end && e->val_end <= size);
		assert(e->line >= 1);
		if (e->type == TOML_STRING) {
			struct buf b = BUF_INIT;
			struct toml_doc again;

			buf_adds(&b, "k = ");
			toml_quote(&b, e->s);
			assert(toml_parse(b.s, b.len, &again, &err) == 0);
			assert(again.n == 1 && str_eq(again.e[0].s, e->s));
			toml_doc_release(&again);
			buf_release(&b);
		}
	}
	for (size_t i = 0; i < doc.n_tables; i++)
		assert(doc.t[i].start < doc.t[i].end && doc.t[i].end <= size);
	toml_doc_release(&doc);
	return 0;
}
