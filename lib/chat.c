/*
 * chat.c: recognising chat template families and rendering prompts in
 * them (see chat.h). Each family is one row of a table: the marks that
 * identify its Jinja source, and the strings around a message.
 */
#include "chat.h"

#include <ctype.h>

struct family {
	const char *name;
	const char *head;      /* before the role name (template text) */
	const char *head_end;  /* after the role name */
	const char *end;       /* after the content; NULL: the template's end[] */
	const char *sep;       /* after end, before the next message */
	bool trim;             /* contents are trimmed (llama3's "| trim") */
	const char *stops[4];
};

static const struct family families[CHAT_FAMILY_COUNT] = {
	[CHAT_CHATML] = {"chatml", "<|im_start|>", "\n", "<|im_end|>", "\n", false,
			 {"<|im_end|>", "<|im_start|>", NULL}},
	[CHAT_LLAMA3] = {"llama3", "<|start_header_id|>", "<|end_header_id|>\n\n", "<|eot_id|>", "",
			 true, {"<|eot_id|>", "<|start_header_id|>", NULL}},
	[CHAT_ZEPHYR] = {"zephyr", "<|", "|>\n", NULL, "\n", false,
			 {"<|user|>", "<|assistant|>", "<|system|>", NULL}},
};

const char *chat_family_name(enum chat_family f)
{
	return f < CHAT_FAMILY_COUNT ? families[f].name : "?";
}

static bool has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; s && i + k <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

void chat_detect(const char *tmpl, size_t len, const char *eos_text, struct chat_template *out)
{
	memset(out, 0, sizeof(*out));
	out->family = CHAT_CHATML;
	out->known = true;
	/* The order matters where marks overlap: ChatML first, as llama.cpp
	 * does; Phi-3's <|end|> before the other <|user|> templates. */
	if (has(tmpl, len, "<|im_start|>") && !has(tmpl, len, "<|im_sep|>") &&
	    !has(tmpl, len, "<end_of_utterance>"))
		return;
	if (has(tmpl, len, "<|start_header_id|>") && has(tmpl, len, "<|end_header_id|>")) {
		out->family = CHAT_LLAMA3;
		return;
	}
	if (has(tmpl, len, "<|user|>") && !has(tmpl, len, "[gMASK]")) {
		const char *end = has(tmpl, len, "<|end|>")         ? "<|end|>" :
				  has(tmpl, len, "<|endoftext|>")   ? "<|endoftext|>" :
				  has(tmpl, len, "eos_token") && eos_text && *eos_text ? eos_text :
				  NULL;

		if (end && strlen(end) < sizeof(out->end)) {
			out->family = CHAT_ZEPHYR;
			snprintf(out->end, sizeof(out->end), "%s", end);
			return;
		}
	}
	out->known = false;
}

/* Append a part to cp: its text goes into cp->text; the parts array is
 * built from offsets once the text stops moving. */
struct seg {
	size_t off, len;
	bool special;
};

static void add(struct chat_prompt *cp, struct seg **segs, size_t *cap, const char *s, size_t n,
		bool special)
{
	if (!n)
		return;
	if (cp->n_parts == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*segs = xrealloc(*segs, *cap * sizeof(**segs));
	}
	(*segs)[cp->n_parts].off = cp->text.len;
	(*segs)[cp->n_parts].len = n;
	(*segs)[cp->n_parts].special = special;
	cp->n_parts++;
	buf_add(&cp->text, s, n);
}

int chat_render(const struct chat_template *t, const struct prompt *p, struct chat_prompt *out,
		struct err *err)
{
	const struct family *f = &families[t->family < CHAT_FAMILY_COUNT ? t->family : CHAT_CHATML];
	const char *end = f->end ? f->end : t->end;
	struct seg *segs = NULL;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (p->n == 0)
		return err_set(err, ERR_USAGE, "chat: no messages");
	for (size_t i = 0; i <= p->n; i++) {
		const char *role = i < p->n ? prompt_role_name(p->m[i].role) : "assistant";
		const char *c;
		size_t n;

		if (i == p->n_prefix) {
			out->n_prefix_parts = out->n_parts;
			out->prefix_len = out->text.len;
		}
		add(out, &segs, &cap, f->head, strlen(f->head), true);
		add(out, &segs, &cap, role, strlen(role), true);
		add(out, &segs, &cap, f->head_end, strlen(f->head_end), true);
		if (i == p->n)
			break; /* the assistant's turn is left open */
		c = p->m[i].content;
		n = strlen(c);
		if (f->trim) {
			while (n && isspace((unsigned char)*c)) {
				c++;
				n--;
			}
			while (n && isspace((unsigned char)c[n - 1]))
				n--;
		}
		if (i == p->n - 1 && p->context_len) {
			/* Its own part, so that the text through it can be
			 * encoded alone (parts are joined for encoding, so this
			 * changes no token). */
			const char *ctx_end = p->m[i].content + p->context_len;
			size_t k = ctx_end > c ? MIN((size_t)(ctx_end - c), n) : 0;

			add(out, &segs, &cap, c, k, false);
			out->n_context_parts = out->n_parts;
			out->context_len = out->text.len;
			c += k;
			n -= k;
		}
		add(out, &segs, &cap, c, n, false);
		add(out, &segs, &cap, end, strlen(end), true);
		add(out, &segs, &cap, f->sep, strlen(f->sep), true);
	}
	out->parts = xmallocarray(out->n_parts, sizeof(*out->parts));
	for (size_t i = 0; i < out->n_parts; i++) {
		out->parts[i].s = out->text.s + segs[i].off;
		out->parts[i].len = segs[i].len;
		out->parts[i].special = segs[i].special;
	}
	free(segs);
	return 0;
}

void chat_prompt_release(struct chat_prompt *cp)
{
	buf_release(&cp->text);
	free(cp->parts);
	memset(cp, 0, sizeof(*cp));
}

size_t chat_stop_strings(const struct chat_template *t, const char **out, size_t cap)
{
	const struct family *f = &families[t->family < CHAT_FAMILY_COUNT ? t->family : CHAT_CHATML];
	size_t n = 0;

	if (t->family == CHAT_ZEPHYR && t->end[0] && n < cap)
		out[n++] = t->end;
	for (int i = 0; f->stops[i] && n < cap; i++)
		out[n++] = f->stops[i];
	return n;
}
