/*
 * fuzz_explain.c: libFuzzer target for lib/explain and lib/lineedit. Any
 * bytes go in: explain must return (0, or -1 with a message and no items),
 * every item must have text and an explanation, and formatting must work;
 * the same bytes fed as keys to the line editor must keep its cursor on a
 * character boundary inside the text and the text valid UTF-8.
 */
#include "buf.h"
#include "explain/explain.h"
#include "lineedit.h"
#include "utf8.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const targets[] = {"linux", "macos"};
	struct explain ex;
	struct lineedit le;
	struct buf b = BUF_INIT;
	struct err e;

	for (size_t t = 0; t < 2; t++) {
		struct platform plat;
		struct explain_opts eo = {&plat};

		if (platform_target(&plat, targets[t], &e) != 0)
			abort();
		if (explain_command((const char *)data, size, &eo, &ex, &e) == 0) {
			for (size_t i = 0; i < ex.n; i++)
				if (!ex.items[i].text || !ex.items[i].what)
					abort();
			explain_format(&ex, &b);
			buf_reset(&b);
		} else if (ex.n || !e.msg[0]) {
			abort();
		}
		explain_release(&ex);
	}
	lineedit_init(&le, "ls -la");
	for (size_t i = 0; i < size; i++) {
		if (lineedit_feed(&le, data[i]) != LINEEDIT_MORE) {
			lineedit_release(&le);
			lineedit_init(&le, NULL);
		}
		if (le.cursor > le.text.len || !utf8_valid(buf_str(&le.text), le.text.len, NULL))
			abort();
		if (le.cursor < le.text.len && (le.text.s[le.cursor] & 0xc0) == 0x80)
			abort();
	}
	lineedit_render(&le, "edit> ", 40, &b);
	lineedit_release(&le);
	buf_release(&b);
	return 0;
}
