/*
 * fuzz_match.c: libFuzzer target for the pattern engine. Any bytes go in
 * as a request, for Linux and for macOS. match_request must return either
 * candidates or a decline (ERR_DECLINED, or ERR_LIMIT for oversized input)
 * with a message and no candidates. Every candidate must be a non-empty
 * command that lib/shell parses into at least one command, with an intent,
 * an explanation and a score at or above the threshold, and no two alike;
 * asking for one candidate must give the first of ten.
 */
#include "match/match.h"
#include "shell/shell.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_command(struct shell_tree *t, const char *cmd)
{
	struct err e;

	if (!cmd || !cmd[0])
		abort();
	if (shell_parse(t, cmd, strlen(cmd), 0, &e) != 0 || !t->root || !t->root->child)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const targets[] = {"linux", "macos"};
	static struct shell_tree t;
	static bool init;

	if (!init) {
		shell_tree_init(&t);
		init = true;
	}
	for (size_t k = 0; k < ARRAY_SIZE(targets); k++) {
		struct platform plat;
		struct match_opts o = {&plat, MATCH_MAX_CANDIDATES};
		struct match_result r, one;
		struct err e = {0}, e1 = {0};
		int rc, rc1;

		if (platform_target(&plat, targets[k], &e) != 0)
			abort();
		rc = match_request((const char *)data, size, &o, &r, &e);
		if (rc != 0) {
			if (r.n != 0 || !e.msg[0] || (e.code != ERR_DECLINED && e.code != ERR_LIMIT))
				abort();
		} else {
			if (r.n < 1 || r.n > MATCH_MAX_CANDIDATES)
				abort();
			for (size_t i = 0; i < r.n; i++) {
				const struct match_candidate *c = &r.c[i];

				check_command(&t, c->command);
				if (!c->intent || !c->intent[0] || !c->explanation || !c->explanation[0])
					abort();
				if (c->score < 0.8 || c->score > 1 || (i > 0 && c->score > r.c[i - 1].score))
					abort();
				for (size_t j = 0; j < i; j++)
					if (str_eq(r.c[j].command, c->command))
						abort();
			}
		}
		o.max_candidates = 1;
		rc1 = match_request((const char *)data, size, &o, &one, &e1);
		if (rc1 != rc || (rc == 0 && (one.n != 1 || !str_eq(one.c[0].command, r.c[0].command))))
			abort();
		match_result_release(&one);
		match_result_release(&r);
	}
	return 0;
}
