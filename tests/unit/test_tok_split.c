/*
 * test_tok_split.c: the pre-tokenizers on the cases in tests/data/tok_split.txt
 * (format in that file), plus properties that must hold for any input.
 */
#include "infer/tok_split.h"
#include "infer/unicode.h"
#include "t.h"

#include "buf.h"

/* Undo the file's escapes in place; returns the new length. */
static size_t unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r != '\\' || !r[1]) {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case 't':
			*w++ = '\t';
			r++;
			break;
		case 'n':
			*w++ = '\n';
			r++;
			break;
		case 'r':
			*w++ = '\r';
			r++;
			break;
		case 'x': {
			char hex[3] = {r[1], r[2], 0};

			*w++ = (char)strtoul(hex, NULL, 16);
			r += 3;
			break;
		}
		default:
			*w++ = *r++;
			break;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Split s[0..n) with the rules of pre: the byte offset where each word
 * ends goes to ends (n entries); returns the number of words. */
static size_t split_ends(enum tok_pre pre, const char *s, size_t n, uint32_t *ends)
{
	uint32_t *cp = xmallocarray(n + 1, sizeof(*cp)), *off = xmallocarray(n + 1, sizeof(*off));
	uint32_t *tmp = xmallocarray(n + 1, 4);
	uint8_t *fl = xmalloc(n + 1);
	struct tok_cps c = {cp, fl, 0};
	size_t i, k, nw;

	for (i = 0; i < n; i += k) {
		k = unicode_decode(s + i, n - i, &cp[c.n]);
		fl[c.n] = (uint8_t)unicode_flags(cp[c.n]);
		off[c.n++] = (uint32_t)i;
	}
	off[c.n] = (uint32_t)n;
	nw = tok_split(pre, &c, ends, tmp);
	for (i = 0; i < nw; i++)
		ends[i] = off[ends[i]];
	free(cp);
	free(off);
	free(tmp);
	free(fl);
	return nw;
}

/* The words of s[0..n), each followed by a tab, into out. */
static void split(enum tok_pre pre, const char *s, size_t n, struct buf *out)
{
	uint32_t *ends = xmallocarray(n + 1, sizeof(*ends)), a = 0;
	size_t i, nw = split_ends(pre, s, n, ends);

	for (i = 0; i < nw; i++) {
		buf_add(out, s + a, ends[i] - a);
		buf_addch(out, '\t');
		a = ends[i];
	}
	free(ends);
}

TEST(tok_split_cases)
{
	char *data = t_read_file(t_data("tok_split.txt"), NULL), *line, *save = NULL;
	size_t cases = 0;

	REQUIRE(data != NULL);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *pre_name = line, *input = strchr(line, '\t'), *words;
		struct buf want = BUF_INIT, got = BUF_INIT;
		enum tok_pre pre;
		struct err err;
		size_t n;

		if (*line == '#' || !input)
			continue;
		*input++ = '\0';
		words = strchr(input, '\t');
		REQUIRE(words != NULL);
		*words++ = '\0';
		if (tok_pre_from_name(pre_name, strlen(pre_name), &pre, &err)) {
			t_fail(__FILE__, __LINE__, "%s", err.msg);
			continue;
		}
		/* Each expected word ends with a tab, as split() writes them. */
		buf_adds(&want, words);
		buf_addch(&want, '\t');
		n = unescape(want.s);
		buf_truncate(&want, n);
		n = unescape(input);
		split(pre, input, n, &got);
		if (got.len != want.len || memcmp(got.s, want.s, got.len) != 0)
			t_fail(__FILE__, __LINE__, "%s '%s': want [%s], got [%s]", pre_name, input,
			       want.s, got.s);
		buf_release(&want);
		buf_release(&got);
		cases++;
	}
	CHECK(cases >= 40);
	free(data);
}

/* For every rule set: words are never empty and cover the input exactly,
 * whatever the bytes (random ones, mostly invalid UTF-8, and a mix of
 * classes), and splitting is deterministic. */
TEST(tok_split_covers_any_input)
{
	static const char alphabet[] = "a Z9 \t\n\r'.,!$\xc3\xa9\xe4\xb8\xad\xe3\x80\x80\xff\x80";
	uint32_t seed = 12345;
	int pre, round;

	for (pre = 0; pre < TOK_PRE_COUNT; pre++) {
		for (round = 0; round < 300; round++) {
			char s[80];
			uint32_t ends[80], again[80];
			size_t n = (size_t)(round % 80), i, nw;

			for (i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				s[i] = round & 1 ? (char)(seed >> 16)
						 : alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			}
			nw = split_ends((enum tok_pre)pre, s, n, ends);
			CHECK(nw <= n);
			CHECK(n == 0 ? nw == 0 : nw > 0 && ends[nw - 1] == n);
			for (i = 0; i < nw; i++)
				if (ends[i] <= (i ? ends[i - 1] : 0))
					t_fail(__FILE__, __LINE__, "pre %d round %d: empty word %zu", pre,
					       round, i);
			CHECK_INT(split_ends((enum tok_pre)pre, s, n, again), nw);
			CHECK(memcmp(ends, again, nw * sizeof(*ends)) == 0);
		}
	}
}
