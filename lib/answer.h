/*
 * answer.h: one shell command out of what a model wrote.
 *
 * Models are asked for a bare command, and often add things around it:
 * <think>...</think> blocks, markdown fences, a "$ " prompt, "Here is the
 * command:" before and an explanation after, chat-template tokens that
 * leak (<|im_end|>). answer_parse takes those away and keeps the one
 * command, or declines with the reason: an empty answer, bytes that are
 * not text, several separate commands, prose without a command, or a
 * command that does not parse as shell (checked with lib/shell).
 *
 * The result is only a candidate: callers still rate it with the safety
 * checker like every other command.
 */
#ifndef CARO_ANSWER_H
#define CARO_ANSWER_H

#include "common.h"
#include "err.h"
#include "platform.h"

#define ANSWER_MAX_INPUT (256u << 10)

struct answer_opts {
	/* The model stopped on its own. False when a token limit cut it: the
	 * last line may then be a partial command and is never used. */
	bool complete;
	/* The shell the command is for. Fish syntax is not POSIX: for fish a
	 * single line that the POSIX parser rejects is still accepted. */
	enum plat_shell shell;
};

/* Extract the command from text[0, len). On success *cmd is the command
 * (caller frees): trimmed, without a trailing comment, one line unless a
 * compound command or a continuation needs several. -1 with ERR_DECLINED
 * and a message for people ("the model's answer has several commands")
 * otherwise. */
int answer_parse(const char *text, size_t len, const struct answer_opts *opts, char **cmd,
		 struct err *err);

/* Is s[0, len) one complete command for a POSIX-family shell? A pipeline,
 * an and-or list and `a; b` on one line count as one; lines of separate
 * commands do not. On true, *end (may be NULL) is where the command's
 * syntax ends, before trailing blanks and a comment. On false, err (may
 * be NULL) says why. */
bool answer_is_one_command(const char *s, size_t len, size_t *end, struct err *err);

#endif
