/*
 * fuzz_shell.c: libFuzzer target for the shell parser and the safety
 * checker. Any bytes go in; the parser must return (0 or -1 with a
 * message), the tree must stay inside the input, the checker must always
 * produce a verdict with spans inside the input.
 */
#include "buf.h"
#include "safety/safety.h"
#include "shell/shell.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span_check {
	size_t len;
};

static int check_node(const struct shell_node *n, void *ctx)
{
	const struct span_check *sc = ctx;

	if (n->start > sc->len || n->len > sc->len - n->start)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct shell_tree t;
	static bool init;
	struct safety_verdict v;
	struct span_check sc = {size};
	struct buf b = BUF_INIT;
	struct err e;
	unsigned flags;

	if (!init) {
		shell_tree_init(&t);
		init = true;
	}
	for (flags = 0; flags <= SHELL_PARSE_ZSH_BRACES; flags++) {
		if (shell_parse(&t, (const char *)data, size, flags, &e) == 0) {
			if (!t.root || t.root->kind != SHELL_LIST)
				abort();
			shell_walk(t.root, check_node, &sc);
			shell_dump(t.root, &b);
			buf_reset(&b);
		} else {
			if (e.code == ERR_OK || !e.msg[0] || t.root)
				abort();
			if (t.err_pos > size || t.ok_len > size)
				abort();
		}
	}
	buf_release(&b);
	if (safety_check((const char *)data, size, NULL, &v, &e) != 0)
		abort();
	if (v.n_reasons > SAFETY_MAX_REASONS || v.risk > RISK_CRITICAL)
		abort();
	for (size_t k = 0; k < v.n_reasons; k++) {
		const struct safety_reason *r = &v.reasons[k];

		if (r->risk > v.risk || !r->rule[0] || r->span_start > size ||
		    r->span_len > size - r->span_start)
			abort();
	}
	return 0;
}
