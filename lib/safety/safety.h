/*
 * safety.h: rate a shell command safe, moderate, high or critical.
 *
 * Every command caro shows or runs, whatever produced it, goes through
 * safety_check first. The checker parses the command as shell (lib/shell),
 * unwraps sudo, env, sh -c and the like, and applies a table of rules, so
 * quoting and flag order cannot hide what a command does.
 */
#ifndef CARO_SAFETY_H
#define CARO_SAFETY_H

#include "common.h"
#include "err.h"
#include "platform.h"

enum risk { RISK_SAFE, RISK_MODERATE, RISK_HIGH, RISK_CRITICAL };

enum safety_level { SAFETY_STRICT, SAFETY_MODERATE, SAFETY_PERMISSIVE };

/* What the policy allows for a rated command:
 *  ALLOW   may run after the user's ordinary consent (y, or -x -y);
 *  CONFIRM must be confirmed interactively on a terminal, even with -y;
 *  BLOCK   never runs. */
enum safety_action { SAFETY_ALLOW, SAFETY_CONFIRM, SAFETY_BLOCK };

#define SAFETY_MAX_REASONS 16

struct safety_reason {
	char rule[32];      /* stable id, e.g. "rm-root" */
	char message[192];  /* for people */
	enum risk risk;
	size_t span_start;  /* byte range in the checked command */
	size_t span_len;
};

struct safety_verdict {
	enum risk risk;     /* the highest risk of any reason, or SAFE */
	size_t n_reasons;
	struct safety_reason reasons[SAFETY_MAX_REASONS];
};

struct safety_opts {
	const struct platform *plat; /* may be NULL */
	const char *home;            /* $HOME for path reasoning; may be NULL */
};

/* Rate cmd (len bytes, need not be NUL-terminated). Always fills v:
 * input that cannot be parsed, or is over the size caps, is rated at least
 * moderate with a reason that says so. Returns 0; -1 only on internal
 * errors. */
int safety_check(const char *cmd, size_t len, const struct safety_opts *opts,
		 struct safety_verdict *v, struct err *err);

enum safety_action safety_policy(enum risk r, enum safety_level level);

const char *safety_risk_name(enum risk r);          /* "safe", ... */
int safety_risk_parse(const char *s, enum risk *out);
const char *safety_level_name(enum safety_level l); /* "strict", ... */
int safety_level_parse(const char *s, enum safety_level *out);

#endif
