/*
 * keyseq.c: parsing readline-style key names and writing them for bash,
 * zsh and fish. Every format escapes everything but letters and digits,
 * so the output is safe inside the quotes each shell's template uses.
 */
#include "keyseq.h"

#include <ctype.h>
#include <strings.h>

#define ESC 0x1b

/* The control code of c in \C-c or ^c, or -1. */
static int control_of(unsigned char c)
{
	if (isalpha(c))
		return toupper(c) & 0x1f;
	switch (c) {
	case '@': return 0;
	case '[': return ESC;
	case '\\': return 0x1c;
	case ']': return 0x1d;
	case '^': return 0x1e;
	case '_': return 0x1f;
	case '?': return 0x7f;
	default: return -1;
	}
}

static int add(struct keyseq *k, int c, struct err *err)
{
	if (k->n >= KEYSEQ_MAX)
		return err_set(err, ERR_USAGE, "key: longer than %d keys", KEYSEQ_MAX);
	k->b[k->n++] = (unsigned char)c;
	return 0;
}

/* Prefixes that name a modifier: what follows is one key. */
static const struct {
	const char *prefix;
	bool meta;
	bool nocase;
} modifiers[] = {
	{"\\C-", false, false}, {"\\M-", true, false}, {"C-", false, false}, {"M-", true, false},
	{"ctrl-", false, true}, {"ctrl+", false, true}, {"alt-", true, true}, {"alt+", true, true},
	{"meta-", true, true}, {"meta+", true, true},
};

/* One key at *s: a modifier chain ("\M-\C-x"), an escape, ^X, or a plain
 * character. */
static int parse_key(const char **s, struct keyseq *k, struct err *err)
{
	const char *p = *s;

	for (size_t i = 0; i < ARRAY_SIZE(modifiers); i++) {
		size_t n = strlen(modifiers[i].prefix);
		int c;

		if ((modifiers[i].nocase ? strncasecmp : strncmp)(p, modifiers[i].prefix, n) != 0)
			continue;
		p += n;
		if (!*p)
			return err_set(err, ERR_USAGE, "key: nothing after %s", modifiers[i].prefix);
		if (modifiers[i].meta) {
			*s = p;
			if (add(k, ESC, err) < 0)
				return -1;
			return parse_key(s, k, err);
		}
		c = control_of((unsigned char)*p);
		if (c < 0)
			return err_set(err, ERR_USAGE, "key: there is no Ctrl-%c", *p);
		*s = p + 1;
		return add(k, c, err);
	}
	if (p[0] == '^' && p[1]) {
		int c = control_of((unsigned char)p[1]);

		if (c < 0)
			return err_set(err, ERR_USAGE, "key: there is no ^%c", p[1]);
		*s = p + 2;
		return add(k, c, err);
	}
	if (p[0] == '\\') {
		static const char from[] = "eEtr\\\"'";
		static const char to[] = {ESC, ESC, '\t', '\r', '\\', '"', '\''};
		const char *f = p[1] ? strchr(from, p[1]) : NULL;

		if (!f)
			return err_set(err, ERR_USAGE, "key: unknown escape \\%c", p[1] ? p[1] : ' ');
		*s = p + 2;
		return add(k, to[f - from], err);
	}
	if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
		return err_set(err, ERR_USAGE, "key: write control keys as \\C-x or ^X, "
			       "and only ASCII keys");
	*s = p + 1;
	return add(k, *p, err);
}

int keyseq_parse(const char *s, struct keyseq *k, struct err *err)
{
	memset(k, 0, sizeof(*k));
	while (*s)
		if (parse_key(&s, k, err) < 0)
			return -1;
	if (k->n == 0)
		return err_set(err, ERR_USAGE, "key: empty");
	if (k->b[0] >= 0x20 && k->b[0] < 0x7f)
		return err_set(err, ERR_USAGE, "key: '%c' types a character; bind a Ctrl or Alt key",
			       k->b[0]);
	if (k->n == 1 && (k->b[0] == '\r' || k->b[0] == '\n'))
		return err_set(err, ERR_USAGE, "key: that is Enter");
	return 0;
}

void keyseq_format(const struct keyseq *k, enum keyseq_style style, struct buf *out)
{
	for (size_t i = 0; i < k->n; i++) {
		unsigned char c = k->b[i];

		if (isalnum(c)) {
			buf_addch(out, (char)c);
			continue;
		}
		switch (style) {
		case KEYSEQ_READLINE:
			if (c == ESC)
				buf_adds(out, "\\e");
			else if (c >= 1 && c <= 26)
				buf_addf(out, "\\C-%c", c + 'a' - 1);
			else
				buf_addf(out, "\\%03o", c);
			break;
		case KEYSEQ_ZSH:
			if (c < 0x20 && c != 0x1c)
				buf_addf(out, "^%c", c + '@');
			else if (c == 0x7f)
				buf_adds(out, "^?");
			else
				buf_addf(out, "\\%03o", c);
			break;
		case KEYSEQ_FISH:
			if (c == ESC)
				buf_adds(out, "\\e");
			else if (c >= 1 && c <= 26)
				buf_addf(out, "\\c%c", c + 'a' - 1);
			else
				buf_addf(out, "\\x%02x", c);
			break;
		}
	}
}

void keyseq_describe(const struct keyseq *k, struct buf *out)
{
	for (size_t i = 0; i < k->n; i++) {
		unsigned char c = k->b[i];

		if (i)
			buf_addch(out, ' ');
		if (c == ESC && i + 1 < k->n) {
			buf_adds(out, "Alt-");
			c = k->b[++i];
		}
		if (c == ESC)
			buf_adds(out, "Esc");
		else if (c == 0x7f)
			buf_adds(out, "Backspace");
		else if (c == '\t')
			buf_adds(out, "Tab");
		else if (c < 0x20)
			buf_addf(out, "Ctrl-%c", c + '@');
		else
			buf_addch(out, (char)c);
	}
}
