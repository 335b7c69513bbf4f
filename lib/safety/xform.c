/*
 * xform.c: what a text filter in a pipeline makes of static text.
 *
 * echo 'fr- mr' | rev | sh and echo 'ez -ez /' | tr z r | sh hide the
 * code a shell runs behind a filter. When the text that goes in is known
 * and the filter is one of a few whose effect is plain (rev, tr with
 * literal sets, sed with one literal s///), the text that comes out is
 * computed here, so the shell's code is judged as if it had been written
 * out. Anything else (regular expressions, tr -s or -c, options not
 * understood, a file operand) is left unknown: the caller then rates the
 * shell as reading code it cannot see.
 */
#include "safety/safety_int.h"

#include <ctype.h>

/* rev: each line's bytes reversed. */
static bool xf_rev(const char *in, size_t n, char *out, size_t cap, size_t *len)
{
	size_t i = 0;

	if (n + 1 > cap)
		return false;
	while (i < n) {
		size_t e = i, k;

		while (e < n && in[e] != '\n')
			e++;
		for (k = i; k < e; k++)
			out[k] = in[e - 1 - (k - i)];
		if (e < n)
			out[e++] = '\n';
		i = e;
	}
	out[n] = '\0';
	*len = n;
	return true;
}

/* One of tr's sets expanded into set (256 bytes at most): ranges a-z,
 * escapes \n \t \\ and the classes [:lower:], [:upper:], [:digit:].
 * False for what is not understood ([=c=], [c*n], other classes). */
static bool tr_set(const char *s, unsigned char *set, size_t *n)
{
	static const struct {
		const char *name, *chars;
	} cls[] = {
		{"[:lower:]", "abcdefghijklmnopqrstuvwxyz"},
		{"[:upper:]", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"[:digit:]", "0123456789"},
	};
	size_t k = 0;

	while (*s) {
		unsigned char ch = (unsigned char)*s;
		size_t c;

		if (ch == '[') {
			for (c = 0; c < ARRAY_SIZE(cls); c++)
				if (str_startswith(s, cls[c].name))
					break;
			if (c == ARRAY_SIZE(cls))
				return false;
			for (const char *p = cls[c].chars; *p; p++) {
				if (k == 256)
					return false;
				set[k++] = (unsigned char)*p;
			}
			s += strlen(cls[c].name);
			continue;
		}
		if (ch == '\\') {
			s++;
			ch = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == '\\' ? '\\' : 0;
			if (!ch)
				return false;
		}
		s++;
		if (s[0] == '-' && s[1] && s[1] != '\\') {
			unsigned char hi = (unsigned char)s[1];

			if (hi < ch)
				return false;
			for (c = ch; c <= hi; c++) {
				if (k == 256)
					return false;
				set[k++] = (unsigned char)c;
			}
			s += 2;
			continue;
		}
		if (k == 256)
			return false;
		set[k++] = ch;
	}
	*n = k;
	return true;
}

/* tr SET1 SET2 and tr -d SET1, as GNU tr does them (a short SET2 is
 * padded with its last character). */
static bool xf_tr(const char *const *av, size_t ac, const char *in, size_t n, char *out,
		  size_t cap, size_t *len)
{
	unsigned char s1[256], s2[256], map[256];
	bool del = false, drop[256] = {false};
	size_t n1, n2 = 0, i = 1, o = 0, k;

	if (i < ac && !strcmp(av[i], "-d"))
		del = true, i++;
	if (i < ac && !strcmp(av[i], "--"))
		i++;
	if (i >= ac || (av[i][0] == '-' && av[i][1]) || !tr_set(av[i], s1, &n1) || !n1)
		return false;
	i++;
	if (del != (i == ac))
		return false;
	if (!del && (i + 1 != ac || !tr_set(av[i], s2, &n2) || !n2))
		return false;
	for (k = 0; k < 256; k++)
		map[k] = (unsigned char)k;
	for (k = 0; k < n1; k++) {
		if (del)
			drop[s1[k]] = true;
		else
			map[s1[k]] = s2[k < n2 ? k : n2 - 1];
	}
	for (k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)in[k];

		if (drop[ch])
			continue;
		if (o + 1 >= cap)
			return false;
		out[o++] = (char)map[ch];
	}
	out[o] = '\0';
	*len = o;
	return true;
}

/* sed 's/FROM/TO/' or 's/FROM/TO/g' (also with -e, any delimiter) where
 * FROM and TO are literal: no regular-expression characters, no &. */
static bool xf_sed(const char *const *av, size_t ac, const char *in, size_t n, char *out,
		   size_t cap, size_t *len)
{
	const char *e, *from, *to, *fl;
	size_t fl_len, tl, i = 1, o = 0, k;
	char d;
	bool global;

	if (i < ac && !strcmp(av[i], "-e"))
		i++;
	if (i + 1 != ac)
		return false;
	e = av[i];
	if (e[0] != 's' || !e[1] || isalnum((unsigned char)e[1]) || e[1] == '\\')
		return false;
	d = e[1];
	from = e + 2;
	to = strchr(from, d);
	if (!to)
		return false;
	fl_len = (size_t)(to - from);
	to++;
	fl = strchr(to, d);
	if (!fl || !fl_len)
		return false;
	tl = (size_t)(fl - to);
	fl++;
	global = !strcmp(fl, "g");
	if (!global && *fl)
		return false;
	for (k = 0; k < fl_len; k++)
		if (strchr(".*[]\\^$+?(){}|", from[k]))
			return false;
	for (k = 0; k < tl; k++)
		if (to[k] == '&' || to[k] == '\\')
			return false;
	for (k = 0; k < n;) {
		size_t eol = k;
		bool done = false;

		while (eol < n && in[eol] != '\n')
			eol++;
		while (k < eol) {
			if (!done && eol - k >= fl_len && !memcmp(in + k, from, fl_len)) {
				if (o + tl + 1 >= cap)
					return false;
				memcpy(out + o, to, tl);
				o += tl;
				k += fl_len;
				done = !global;
				continue;
			}
			if (o + 2 >= cap)
				return false;
			out[o++] = in[k++];
		}
		if (k < n) {
			if (o + 2 >= cap)
				return false;
			out[o++] = in[k++];
		}
	}
	out[o] = '\0';
	*len = o;
	return true;
}

bool safety_xform_text(const char *const *av, size_t ac, const char *in, size_t n, char *out,
		       size_t cap, size_t *len)
{
	const char *p;

	if (!ac || !cap)
		return false;
	p = strrchr(av[0], '/') ? strrchr(av[0], '/') + 1 : av[0];
	if (!strcmp(p, "rev"))
		return ac == 1 && xf_rev(in, n, out, cap, len);
	if (!strcmp(p, "tr"))
		return xf_tr(av, ac, in, n, out, cap, len);
	if (!strcmp(p, "sed") || !strcmp(p, "gsed"))
		return xf_sed(av, ac, in, n, out, cap, len);
	return false;
}
