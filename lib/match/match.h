/*
 * match.h: the pattern engine. It turns common requests into commands with
 * no model: normalise the words, extract slots (sizes, times, counts, paths,
 * names...), score a table of intents, and fill the winner's template for
 * the target userland. Below the score threshold it declines.
 */
#ifndef CARO_MATCH_H
#define CARO_MATCH_H

#include "common.h"
#include "err.h"
#include "platform.h"

#define MATCH_MAX_CANDIDATES 10

struct match_candidate {
	char *command;      /* owned by the result */
	char *explanation;  /* what it does and why these flags; owned */
	const char *intent; /* static intent id */
	double score;       /* 0..1 */
};

struct match_result {
	size_t n;
	struct match_candidate c[MATCH_MAX_CANDIDATES];
};

struct match_opts {
	const struct platform *plat; /* target userland; required */
	size_t max_candidates;       /* 1..MATCH_MAX_CANDIDATES */
};

/* Match req (len bytes). On success r holds 1..max_candidates different
 * commands, best first. Returns -1 with ERR_DECLINED when no intent scores
 * above the threshold (r is then empty), ERR_LIMIT for oversized input.
 * Release r with match_result_release in every case. */
int match_request(const char *req, size_t len, const struct match_opts *opts,
		  struct match_result *r, struct err *err);

void match_result_release(struct match_result *r);

#endif
