/*
 * tok_split.c: pre-tokenizer split rules, as scanners over codepoint classes.
 *
 * Each rule set is a list of passes. A pass cuts every word the previous
 * pass left (at first: the whole text) into smaller words and never looks
 * across a word's ends. Two kinds of pass exist, mirroring how llama.cpp
 * applies the tokenizers' regular expressions:
 *   - full scanners (GPT-2's and Llama 3's patterns), where every codepoint
 *     belongs to some match;
 *   - search passes for a single pattern, where each match becomes a word
 *     and so does each stretch between two matches.
 * The scanners follow the alternatives of the patterns in order, as a
 * backtracking regex engine tries them; the comments give the patterns.
 */
#include "infer/tok_split.h"
#include "infer/unicode.h"

#define LNW (UNICODE_L | UNICODE_N | UNICODE_WS)

struct out {
	uint32_t *v;
	size_t n;
};

static void emit(struct out *o, uint32_t end)
{
	o->v[o->n++] = end;
}

/* Classes at i, 0 past the word's end b: a pattern sees nothing there. */
static inline unsigned fl_at(const struct tok_cps *c, uint32_t i, uint32_t b)
{
	return i < b ? c->fl[i] : 0;
}

static inline bool is_crlf(uint32_t cp)
{
	return cp == '\r' || cp == '\n';
}

static inline uint32_t run(const struct tok_cps *c, uint32_t p, uint32_t b, unsigned cls)
{
	uint32_t q = p;

	while (q < b && (c->fl[q] & cls))
		q++;
	return q - p;
}

/* Length of 's|'t|'re|'ve|'m|'ll|'d at p (fold: ASCII case-insensitive). */
static uint32_t contraction(const struct tok_cps *c, uint32_t p, uint32_t b, bool fold)
{
	uint32_t c1, c2;

	if (c->cp[p] != '\'' || p + 1 >= b)
		return 0;
	c1 = c->cp[p + 1];
	if (fold && c1 >= 'A' && c1 <= 'Z')
		c1 += 'a' - 'A';
	if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd')
		return 2;
	if (p + 2 >= b)
		return 0;
	c2 = c->cp[p + 2];
	if (fold && c2 >= 'A' && c2 <= 'Z')
		c2 += 'a' - 'A';
	if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l'))
		return 3;
	return 0;
}

/* 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
static void split_gpt2(const struct tok_cps *c, uint32_t a, uint32_t b, struct out *o)
{
	uint32_t p = a;

	while (p < b) {
		uint32_t q, k;
		bool sp = c->cp[p] == ' ';
		/* The class that decides: the one after an optional space. */
		unsigned f = sp ? fl_at(c, p + 1, b) : c->fl[p];

		if ((k = contraction(c, p, b, false))) {
			q = p + k;
		} else if (f & (UNICODE_L | UNICODE_N)) {
			q = p + sp + run(c, p + sp, b, f & (UNICODE_L | UNICODE_N));
		} else if (f && !(f & LNW)) {
			q = p + sp;
			while (q < b && !(c->fl[q] & LNW))
				q++;
		} else {
			q = p + run(c, p, b, UNICODE_WS);
			/* \s+(?!\S): a run followed by a non-space leaves its
			 * last space to start the next word. */
			if (q - p > 1 && q < b)
				q--;
			if (q == p)
				q = p + 1;
		}
		emit(o, q);
		p = q;
	}
}

/*
 * Llama 3 (max_digits 3) and Qwen2 (max_digits 1):
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 *  ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 */
static void split_llama3(const struct tok_cps *c, uint32_t a, uint32_t b, uint32_t max_digits,
			 struct out *o)
{
	uint32_t p = a;

	while (p < b) {
		uint32_t cp = c->cp[p], q, k;
		unsigned f = c->fl[p];

		if ((k = contraction(c, p, b, true))) {
			q = p + k;
		} else if (!is_crlf(cp) && !(f & UNICODE_N) &&
			   ((f & UNICODE_L) || (fl_at(c, p + 1, b) & UNICODE_L))) {
			/* One leading non-letter (a space, a quote) joins the letters. */
			q = p + 1 + run(c, p + 1, b, UNICODE_L);
		} else if (f & UNICODE_N) {
			q = p + 1;
			while (q < b && q - p < max_digits && (c->fl[q] & UNICODE_N))
				q++;
		} else if (!((cp == ' ' ? fl_at(c, p + 1, b) : f) & LNW)) {
			q = p + (cp == ' ');
			while (q < b && !(c->fl[q] & LNW))
				q++;
			while (q < b && is_crlf(c->cp[q]))
				q++;
		} else {
			uint32_t after_nl = 0;

			for (q = p; q < b && (c->fl[q] & UNICODE_WS); q++)
				if (is_crlf(c->cp[q]))
					after_nl = q + 1;
			if (after_nl)
				q = after_nl; /* \s*[\r\n]+ */
			else if (q - p > 1 && q < b)
				q--;          /* \s+(?!\S) */
			if (q == p)
				q = p + 1;
		}
		emit(o, q);
		p = q;
	}
}

/* Single-pattern matchers for search passes: the match length at p, 0 for
 * none. */
typedef uint32_t (*match_fn)(const struct tok_cps *c, uint32_t p, uint32_t b);

/* \p{N} */
static uint32_t match_digit(const struct tok_cps *c, uint32_t p, uint32_t b)
{
	(void)b;
	return (c->fl[p] & UNICODE_N) ? 1 : 0;
}

/* [\r\n] */
static uint32_t match_crlf(const struct tok_cps *c, uint32_t p, uint32_t b)
{
	(void)b;
	return is_crlf(c->cp[p]) ? 1 : 0;
}

/* \s?X+ for the class X */
static uint32_t match_space_run(const struct tok_cps *c, uint32_t p, uint32_t b, unsigned cls)
{
	if ((c->fl[p] & UNICODE_WS) && (fl_at(c, p + 1, b) & cls))
		return 1 + run(c, p + 1, b, cls);
	return run(c, p, b, cls);
}

static uint32_t match_space_letters(const struct tok_cps *c, uint32_t p, uint32_t b)
{
	return match_space_run(c, p, b, UNICODE_L);
}

static uint32_t match_space_punct(const struct tok_cps *c, uint32_t p, uint32_t b)
{
	return match_space_run(c, p, b, UNICODE_P);
}

/*
 * [一-龥ࠀ-一가-퟿]+, that is U+0800..U+9FA5 and U+AC00..U+D7FF. llama.cpp
 * matches it on codepoints with every non-ASCII space replaced by U+000B,
 * so the spaces inside those ranges (U+2000.., U+3000) never match.
 */
static inline bool is_cjk(const struct tok_cps *c, uint32_t i)
{
	uint32_t cp = c->cp[i];

	return ((cp >= 0x0800 && cp <= 0x9FA5) || (cp >= 0xAC00 && cp <= 0xD7FF)) &&
	       !(c->fl[i] & UNICODE_WS);
}

static uint32_t match_cjk(const struct tok_cps *c, uint32_t p, uint32_t b)
{
	uint32_t q = p;

	while (q < b && is_cjk(c, q))
		q++;
	return q - p;
}

/* Each match is a word, and so is each stretch between matches. */
static void split_search(const struct tok_cps *c, uint32_t a, uint32_t b, match_fn match,
			 struct out *o)
{
	uint32_t p = a, gap = a;

	while (p < b) {
		uint32_t k = match(c, p, b);

		if (!k) {
			p++;
			continue;
		}
		if (gap < p)
			emit(o, p);
		p += k;
		emit(o, p);
		gap = p;
	}
	if (gap < b)
		emit(o, b);
}

enum pass {
	PASS_END,
	PASS_GPT2,
	PASS_LLAMA3,
	PASS_QWEN2,
	PASS_DIGIT,
	PASS_CRLF,
	PASS_SPACE_LETTERS,
	PASS_SPACE_PUNCT,
	PASS_CJK,
};

/* The passes of each pre-tokenizer, as llama.cpp lists its expressions. */
static const uint8_t rules[TOK_PRE_COUNT][6] = {
	[TOK_PRE_GPT2] = {PASS_GPT2},
	[TOK_PRE_LLAMA3] = {PASS_LLAMA3},
	[TOK_PRE_QWEN2] = {PASS_QWEN2},
	[TOK_PRE_STARCODER] = {PASS_DIGIT, PASS_GPT2},
	[TOK_PRE_DEEPSEEK_CODER] = {PASS_CRLF, PASS_SPACE_LETTERS, PASS_SPACE_PUNCT, PASS_CJK,
				    PASS_DIGIT},
};

static void apply(enum pass pass, const struct tok_cps *c, uint32_t a, uint32_t b, struct out *o)
{
	switch (pass) {
	case PASS_GPT2:
		split_gpt2(c, a, b, o);
		break;
	case PASS_LLAMA3:
		split_llama3(c, a, b, 3, o);
		break;
	case PASS_QWEN2:
		split_llama3(c, a, b, 1, o);
		break;
	case PASS_DIGIT:
		split_search(c, a, b, match_digit, o);
		break;
	case PASS_CRLF:
		split_search(c, a, b, match_crlf, o);
		break;
	case PASS_SPACE_LETTERS:
		split_search(c, a, b, match_space_letters, o);
		break;
	case PASS_SPACE_PUNCT:
		split_search(c, a, b, match_space_punct, o);
		break;
	case PASS_CJK:
		split_search(c, a, b, match_cjk, o);
		break;
	case PASS_END:
		break;
	}
}

size_t tok_split(enum tok_pre pre, const struct tok_cps *c, uint32_t *ends, uint32_t *tmp)
{
	const uint8_t *passes = rules[(unsigned)pre < TOK_PRE_COUNT ? pre : TOK_PRE_GPT2];
	uint32_t *cur = tmp, *next = ends;
	size_t n_cur = 1, i;

	if (c->n == 0)
		return 0;
	cur[0] = c->n;
	for (; *passes != PASS_END; passes++) {
		struct out o = {next, 0};
		uint32_t a = 0;
		uint32_t *swap;

		for (i = 0; i < n_cur; i++) {
			apply((enum pass)*passes, c, a, cur[i], &o);
			a = cur[i];
		}
		swap = cur;
		cur = next;
		next = swap;
		n_cur = o.n;
	}
	if (cur != ends)
		memcpy(ends, cur, n_cur * sizeof(*ends));
	return n_cur;
}
