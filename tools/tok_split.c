/*
 * tok_split.c: the pre-tokenizers on lines from stdin, for
 * tools/tok_split_check.py.
 *
 *   build/rel/tools/tok_split < cases
 *
 * Each input line is PRE<TAB>HEX (a tokenizer.ggml.pre name, the text's
 * bytes in hex); each output line is the words, in hex, separated by
 * spaces (an empty line for an empty text).
 */
#include "infer/tok_split.h"
#include "infer/unicode.h"

#include "buf.h"

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int main(void)
{
	char line[65536];

	while (fgets(line, sizeof(line), stdin)) {
		char *tab = strchr(line, '\t'), *h;
		struct buf text = BUF_INIT, out = BUF_INIT;
		uint32_t *cp, *off, *ends, *tmp, a = 0;
		uint8_t *fl;
		struct tok_cps c;
		enum tok_pre pre;
		struct err err;
		size_t i, k, n, nw;

		if (!tab) {
			fprintf(stderr, "tok_split: line without a tab\n");
			return 2;
		}
		*tab = '\0';
		if (tok_pre_from_name(line, strlen(line), &pre, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		for (h = tab + 1; hexval(h[0]) >= 0 && hexval(h[1]) >= 0; h += 2)
			buf_addch(&text, (char)(hexval(h[0]) << 4 | hexval(h[1])));
		n = text.len;
		cp = xmallocarray(n + 1, sizeof(*cp));
		off = xmallocarray(n + 1, sizeof(*off));
		ends = xmallocarray(n + 1, sizeof(*ends));
		tmp = xmallocarray(n + 1, sizeof(*tmp));
		fl = xmalloc(n + 1);
		c = (struct tok_cps){cp, fl, 0};
		for (i = 0; i < n; i += k) {
			k = unicode_decode(text.s + i, n - i, &cp[c.n]);
			fl[c.n] = (uint8_t)unicode_flags(cp[c.n]);
			off[c.n++] = (uint32_t)i;
		}
		off[c.n] = (uint32_t)n;
		nw = tok_split(pre, &c, ends, tmp);
		for (i = 0; i < nw; a = ends[i++]) {
			if (i)
				buf_addch(&out, ' ');
			for (k = off[a]; k < off[ends[i]]; k++)
				buf_addf(&out, "%02x", (unsigned char)text.s[k]);
		}
		printf("%s\n", buf_str(&out));
		buf_release(&text);
		buf_release(&out);
		free(cp);
		free(off);
		free(ends);
		free(tmp);
		free(fl);
	}
	return 0;
}
