/*
 * fuzz_answer.c: libFuzzer target for the answer parser. Any bytes are a
 * model's answer: the parser must decline (ERR_DECLINED with a message)
 * or return one non-empty command that is valid UTF-8 text and parses as
 * one complete shell command.
 */
#include "answer.h"
#include "utf8.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the options, the rest is the answer. */
	struct answer_opts o = {size ? !(data[0] & 1) : true, size && (data[0] & 2) ? SHELL_FISH : SHELL_BASH};
	const char *text = size ? (const char *)data + 1 : "";
	size_t len = size ? size - 1 : 0;
	char *cmd = NULL;
	struct err e = {0, ""};

	if (answer_parse(text, len, &o, &cmd, &e) != 0) {
		if (cmd || e.code != ERR_DECLINED || !e.msg[0])
			abort();
		return 0;
	}
	if (!cmd || !*cmd || !utf8_valid(cmd, strlen(cmd), NULL))
		abort();
	for (const char *c = cmd; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t')
			abort();
	if (o.shell == SHELL_BASH && !answer_is_one_command(cmd, strlen(cmd), NULL, NULL))
		abort();
	free(cmd);
	return 0;
}
