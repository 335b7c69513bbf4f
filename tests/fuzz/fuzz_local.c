/*
 * fuzz_local.c: libFuzzer target for what the local engine and `caro
 * model` read from outside: a chat template's source (recognition and
 * rendering, whose parts must cover the text exactly, one ending where the
 * request's directory lines do), a pull spec
 * (hf:OWNER/REPO/FILE: a parsed one never holds "..", a slash in the local
 * file name, or a control character), and a model's text fed piece by
 * piece to the end-of-command rule (which must never show more than there
 * is, nor grow the text).
 */
#include "backend/local.h"
#include "chat.h"
#include "models.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void spec(const char *s)
{
	struct models_spec out;
	struct err e;

	if (models_parse_spec(s, &out, &e) != 0)
		return;
	if (strstr(out.path, "..") || strchr(out.file, '/') || !*out.file || !*out.repo)
		abort();
	for (const char *c = out.path; *c; c++)
		if ((unsigned char)*c <= ' ')
			abort();
}

static void chat(const char *s, size_t n)
{
	struct chat_template t;
	struct prompt p = {0};
	struct chat_prompt cp;
	struct err e;
	size_t total = 0;

	chat_detect(s, n, "</s>", &t);
	p.m[0].role = PROMPT_SYSTEM;
	p.m[0].content = strndup(s, n);
	p.m[1].role = PROMPT_USER;
	p.m[1].content = strndup(s, n / 2);
	p.n = 2;
	p.n_prefix = 1;
	p.context_len = n / 6; /* the directory's lines: part of the request */
	if (chat_render(&t, &p, &cp, &e) != 0)
		abort();
	if (cp.n_context_parts &&
	    (cp.n_context_parts > cp.n_parts || cp.n_context_parts < cp.n_prefix_parts ||
	     cp.context_len < cp.prefix_len || cp.context_len > cp.text.len ||
	     cp.parts[cp.n_context_parts - 1].s + cp.parts[cp.n_context_parts - 1].len !=
		     cp.text.s + cp.context_len))
		abort();
	for (size_t i = 0; i < cp.n_parts; i++) {
		if (cp.parts[i].s != cp.text.s + total)
			abort();
		total += cp.parts[i].len;
	}
	if (total != cp.text.len || cp.prefix_len > cp.text.len)
		abort();
	chat_prompt_release(&cp);
	prompt_release(&p);
}

static void cut(const uint8_t *data, size_t size)
{
	static const char *const stops[] = {"<|im_end|>", "<|im_start|>"};
	struct local_cut c;
	struct buf text = BUF_INIT;
	size_t i = 0;

	local_cut_init(&c, stops, 2, SHELL_BASH);
	while (i < size && !c.done) {
		size_t n = 1 + data[i] % 7, before;

		i++;
		n = n < size - i ? n : size - i;
		buf_add(&text, data + i, n);
		before = text.len;
		if (local_cut_feed(&c, &text) > text.len || text.len > before)
			abort();
		i += n;
	}
	buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	spec(s);
	chat(s, strlen(s));
	cut(data, size);
	free(s);
	return 0;
}
