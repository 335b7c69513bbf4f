/*
 * prompt.h: the chat every model engine sends (remote servers and the
 * local engine alike), as a list of {role, content} messages:
 *
 *   system      the machine's facts (OS, GNU or BSD tools, shell, package
 *               manager) and the output contract: one command, nothing
 *               else, "# cannot" when there is none;
 *   user/asst   a handful of worked examples, each written for this
 *               platform's userland and shell (BSD sed -i '', fish loops);
 *   user        the working directory and what it holds, when known,
 *               then the request.
 *
 * Everything before the last message depends only on the platform and
 * the shell, never on the request or the directory, so an engine can
 * cache the model state for that prefix (n_prefix messages) and reuse it
 * for every request on this machine. The last message begins with the
 * directory's lines (context_len bytes), so a second, longer prefix is
 * shared by the requests made in one directory.
 */
#ifndef CARO_PROMPT_H
#define CARO_PROMPT_H

#include "common.h"
#include "err.h"
#include "platform.h"

enum prompt_role { PROMPT_SYSTEM, PROMPT_USER, PROMPT_ASSISTANT };

#define PROMPT_MAX_MSGS 24

struct prompt_msg {
	enum prompt_role role;
	char *content;
};

struct prompt {
	size_t n;
	size_t n_prefix;    /* messages [0, n_prefix) are the cacheable prefix */
	size_t context_len; /* bytes of the last message about the directory */
	struct prompt_msg m[PROMPT_MAX_MSGS];
};

struct prompt_input {
	const struct platform *plat;
	enum plat_shell shell;
	const char *request;   /* need not be NUL-terminated */
	size_t len;
	const char *cwd;       /* may be NULL */
	const char *facts;     /* what cwd holds (lib/context.h); may be NULL */
};

/* Build the messages for in into p (which the caller releases with
 * prompt_release even on failure). -1 with ERR_USAGE for an empty
 * request or one with NUL bytes. */
int prompt_build(struct prompt *p, const struct prompt_input *in, struct err *err);
void prompt_release(struct prompt *p);

/* "system", "user" or "assistant": the names chat APIs use. */
const char *prompt_role_name(enum prompt_role r);

/* The answer that means "no command for this": the contract asks models
 * for it, and the answer parser reads it as a decline. */
#define PROMPT_DECLINE "# cannot"

#endif
