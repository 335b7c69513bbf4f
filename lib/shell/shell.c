/*
 * shell.c: a recursive-descent parser for POSIX sh (plus common bash forms)
 * over a hand-written, context-aware lexer.
 *
 * The lexer does not know about reserved words: it returns WORD tokens and
 * the parser decides that an unquoted `if` in command position is a
 * keyword, as the POSIX grammar says. $( ) is parsed by calling the parser
 * recursively on the same input, so a `)` inside a quoted string or a case
 * pattern inside the substitution is handled the way a shell handles it.
 * Backquotes are unescaped into a copy and parsed by a child parser.
 *
 * Invariants: every recursion passes through enter(), which caps the depth;
 * every arena object passes through alloc_item(), which caps the count; the
 * scratch buffer used to cook literals is as large as the input, because a
 * cooked literal is never longer than its source.
 */
#include "shell/shell.h"

#include "buf.h"

#define ARENA_CHUNK 8192

struct shell_arena {
	struct shell_arena *next;
	size_t cap, used;
	max_align_t data[];
};

enum tok_kind {
	T_EOF,
	T_WORD,
	T_NEWLINE,
	T_SEMI,
	T_AMP,
	T_AND,
	T_OR,
	T_PIPE,
	T_PIPE_ERR,
	T_LPAREN,
	T_RPAREN,
	T_DSEMI,
	T_SEMI_AMP,
	T_DSEMI_AMP,
	T_REDIR,
};

struct tok {
	enum tok_kind kind;
	size_t start, end;
	struct shell_word *word;
	enum shell_redir_op rop;
	int fd;
};

struct parser {
	struct shell_tree *t;
	const char *s;
	size_t pos, end;
	unsigned flags;
	struct err *err;
	int *depth;              /* shared with child parsers */
	struct tok tok;
	bool have_tok;
	bool cond_mode;          /* inside [[ ]] */
	size_t last_end;         /* end of the last consumed token */
	/* Spans of nodes made by a child parser on an unescaped copy. */
	bool override;
	size_t ov_start, ov_len;
	struct shell_redir **heredocs; /* shared pending queue */
	size_t *n_heredocs;
	char *scratch;           /* shared, >= input length + 1 */
	size_t scratch_len;
	bool top;                /* the top-level parser: records ok_len */
};

/* Word-building state: literal characters are cooked into the scratch
 * buffer and flushed into a part whenever the quoting changes or a
 * non-literal part starts. */
struct wb {
	struct shell_part *head, **tail;
	unsigned flags;
	enum shell_quote q;
	size_t lit_start;        /* source offset of the pending literal */
	size_t scratch_base;
	bool pending;
	bool keep_empty;         /* flush an empty literal too ('' alone) */
};

/* Scanning modes of scan_parts. */
enum scan_mode {
	M_WORD,    /* unquoted word: stops at blanks and operators */
	M_DQUOTE,  /* inside "...": stops at the closing quote */
	M_EXPAND,  /* here-doc body, arithmetic: only $ ` \ are special */
	M_OPERAND, /* ${x:-...} operand: quotes nest, stops at } */
	M_ARRAY,   /* (not a scan mode of its own; see lex_array) */
};

static int parse_list(struct parser *p, struct shell_node **out);
static int parse_command(struct parser *p, struct shell_node **out);
static int scan_parts(struct parser *p, enum scan_mode mode, struct wb *w, bool strip_tabs);

/* ---- arena ------------------------------------------------------------ */

static void *arena_alloc(struct shell_tree *t, size_t n)
{
	struct shell_arena *a = t->arena;
	void *r;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!a || a->cap - a->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		struct shell_arena *c = xmalloc(sizeof(*c) + cap);

		c->cap = cap;
		c->used = 0;
		c->next = a;
		t->arena = a = c;
	}
	r = (char *)a->data + a->used;
	a->used += n;
	return r;
}

void shell_tree_init(struct shell_tree *t)
{
	memset(t, 0, sizeof(*t));
}

void shell_tree_release(struct shell_tree *t)
{
	struct shell_arena *a = t->arena, *next;

	for (; a; a = next) {
		next = a->next;
		free(a);
	}
	memset(t, 0, sizeof(*t));
}

/* Keep only the oldest chunk (the common case needs no more), emptied. */
static void arena_reset(struct shell_tree *t)
{
	struct shell_arena *a = t->arena, *next;

	if (!a)
		return;
	while (a->next) {
		next = a->next;
		free(a);
		a = next;
	}
	a->used = 0;
	t->arena = a;
}

static char *arena_strndup(struct shell_tree *t, const char *s, size_t n)
{
	char *r = arena_alloc(t, n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* ---- errors and items ------------------------------------------------- */

static int fail_at(struct parser *p, size_t pos, bool incomplete, int code, const char *what)
{
	struct shell_tree *t = p->t;

	/* The first error wins: a child parser's message is more precise. */
	if (p->err->code != ERR_OK)
		return -1;
	if (p->override)
		pos = p->ov_start;
	t->err_pos = pos;
	t->incomplete = incomplete;
	return err_set(p->err, code, "shell: %s at offset %zu", what, pos);
}

static int syntax(struct parser *p, size_t pos, const char *what)
{
	return fail_at(p, pos, false, ERR_PARSE, what);
}

static int early_end(struct parser *p, const char *what)
{
	return fail_at(p, p->end, true, ERR_PARSE, what);
}

static void *alloc_item(struct parser *p, size_t size)
{
	void *r;

	if (++p->t->n_items > SHELL_MAX_ITEMS) {
		fail_at(p, p->pos, false, ERR_LIMIT, "too many syntax nodes (limit 131072)");
		return NULL;
	}
	r = arena_alloc(p->t, size);
	memset(r, 0, size);
	return r;
}

static int enter(struct parser *p)
{
	if (++*p->depth > SHELL_MAX_DEPTH)
		return fail_at(p, p->pos, false, ERR_LIMIT, "nesting deeper than 200 levels");
	return 0;
}

static void leave(struct parser *p)
{
	--*p->depth;
}

static void set_span(struct parser *p, size_t *start, size_t *len, size_t s, size_t e)
{
	if (p->override) {
		*start = p->ov_start;
		*len = p->ov_len;
	} else {
		*start = s;
		*len = e > s ? e - s : 0;
	}
}

static struct shell_node *new_node(struct parser *p, enum shell_kind kind, size_t start)
{
	struct shell_node *n = alloc_item(p, sizeof(*n));

	if (n) {
		n->kind = kind;
		set_span(p, &n->start, &n->len, start, start);
	}
	return n;
}

static void end_node(struct parser *p, struct shell_node *n)
{
	if (!p->override && p->last_end > n->start)
		n->len = p->last_end - n->start;
}

/* ---- character helpers ------------------------------------------------ */

static int ch(const struct parser *p, size_t k)
{
	size_t i = p->pos + k;

	return i < p->end ? (unsigned char)p->s[i] : -1;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static bool is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '<' || c == '>' || c == '(' || c == ')';
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ---- word building ---------------------------------------------------- */

static void wb_init(struct parser *p, struct wb *w)
{
	memset(w, 0, sizeof(*w));
	w->tail = &w->head;
	w->scratch_base = p->scratch_len;
}

static int wb_flush(struct parser *p, struct wb *w)
{
	struct shell_part *pt;
	size_t n;

	if (!w->pending)
		return 0;
	n = p->scratch_len - w->scratch_base;
	if (n == 0 && !w->keep_empty) {
		/* "" inside a word adds nothing but the QUOTED flag. */
		w->pending = false;
		return 0;
	}
	pt = alloc_item(p, sizeof(*pt));
	if (!pt)
		return -1;
	pt->kind = SHELL_PART_LIT;
	pt->quote = w->q;
	pt->op = "";
	set_span(p, &pt->start, &pt->len, w->lit_start, p->pos);
	pt->text = arena_strndup(p->t, p->scratch + w->scratch_base, n);
	pt->text_len = n;
	p->scratch_len = w->scratch_base;
	*w->tail = pt;
	w->tail = &pt->next;
	w->pending = false;
	return 0;
}

/* Start (or continue) a literal run quoted as q at source offset at. */
static int wb_lit_begin(struct parser *p, struct wb *w, enum shell_quote q, size_t at)
{
	if (w->pending && w->q != q && wb_flush(p, w) < 0)
		return -1;
	if (!w->pending) {
		w->pending = true;
		w->q = q;
		w->lit_start = at;
	}
	if (q != SHELL_Q_NONE && q != SHELL_Q_HEREDOC)
		w->flags |= SHELL_W_QUOTED;
	return 0;
}

static int wb_addc(struct parser *p, struct wb *w, enum shell_quote q, size_t at, int c)
{
	if (wb_lit_begin(p, w, q, at) < 0)
		return -1;
	p->scratch[p->scratch_len++] = (char)c;
	return 0;
}

static int wb_add_part(struct parser *p, struct wb *w, struct shell_part *pt)
{
	if (wb_flush(p, w) < 0)
		return -1;
	*w->tail = pt;
	w->tail = &pt->next;
	return 0;
}

static struct shell_part *new_part(struct parser *p, enum shell_part_kind kind, size_t start)
{
	struct shell_part *pt = alloc_item(p, sizeof(*pt));

	if (pt) {
		pt->kind = kind;
		pt->op = "";
		pt->text = "";
		set_span(p, &pt->start, &pt->len, start, start);
	}
	return pt;
}

static void end_part(struct parser *p, struct shell_part *pt)
{
	if (!p->override)
		pt->len = p->pos - pt->start;
}

/* Make the word from the builder: cooked text when static. */
static struct shell_word *wb_finish(struct parser *p, struct wb *w, size_t start)
{
	struct shell_word *wd;
	struct shell_part *pt;
	size_t n = 0;
	char *s;

	if (wb_flush(p, w) < 0)
		return NULL;
	if (!w->head) {
		/* An empty word: '' or "". */
		w->keep_empty = true;
		if (wb_lit_begin(p, w, SHELL_Q_SINGLE, start) < 0 || wb_flush(p, w) < 0)
			return NULL;
	}
	wd = alloc_item(p, sizeof(*wd));
	if (!wd)
		return NULL;
	set_span(p, &wd->start, &wd->len, start, p->pos);
	wd->flags = w->flags;
	wd->parts = w->head;
	if (w->flags & SHELL_W_DYNAMIC)
		return wd;
	if (!w->head->next && w->head->kind == SHELL_PART_LIT) {
		wd->text = w->head->text;
		wd->text_len = w->head->text_len;
		return wd;
	}
	for (pt = w->head; pt; pt = pt->next)
		n += pt->text_len + (pt->kind == SHELL_PART_TILDE);
	s = arena_alloc(p->t, n + 1);
	wd->text = s;
	wd->text_len = n;
	for (pt = w->head; pt; pt = pt->next) {
		if (pt->kind == SHELL_PART_TILDE)
			*s++ = '~';
		memcpy(s, pt->text, pt->text_len);
		s += pt->text_len;
	}
	*s = '\0';
	return wd;
}

/* ---- expansions ------------------------------------------------------- */

/* Find the end of $(( ... )) starting after the two parentheses. Returns 1
 * with *close at the first ')' of '))', 0 if this is not arithmetic (the
 * caller then parses $( ( ... ) ... )), -1 on a limit. */
static int scan_arith(struct parser *p, size_t from, size_t *close)
{
	size_t i = from;
	int depth = 0;

	while (i < p->end) {
		char c = p->s[i];

		if (c == '(') {
			if (++depth > SHELL_MAX_DEPTH)
				return fail_at(p, i, false, ERR_LIMIT,
					       "nesting deeper than 200 levels");
		} else if (c == ')') {
			if (depth == 0) {
				if (i + 1 < p->end && p->s[i + 1] == ')') {
					*close = i;
					return 1;
				}
				return 0;
			}
			depth--;
		} else if (c == '\\') {
			i++;
		} else if (c == '\'' || c == '"') {
			size_t j = i + 1;

			while (j < p->end && p->s[j] != c)
				j++;
			i = j;
		}
		i++;
	}
	return 0;
}

/* Scan [from, to) as an expansion-only region (arithmetic, here-doc body)
 * into a part list. */
static int scan_region(struct parser *p, size_t from, size_t to, bool strip_tabs,
		       struct shell_part **out, unsigned *flags)
{
	size_t save_pos = p->pos, save_end = p->end;
	struct wb w;
	int r;

	wb_init(p, &w);
	p->pos = from;
	p->end = to;
	r = scan_parts(p, M_EXPAND, &w, strip_tabs);
	if (r == 0)
		r = wb_flush(p, &w);
	p->pos = save_pos;
	p->end = save_end;
	if (r < 0)
		return -1;
	*out = w.head;
	if (flags)
		*flags |= w.flags & ~SHELL_W_QUOTED;
	return 0;
}

/* Parse $( ... ) or <( ... ): p->pos is just after the '('. */
static int parse_subst_body(struct parser *p, struct shell_node **sub)
{
	bool save_cond = p->cond_mode;
	size_t open = p->pos;

	p->have_tok = false;
	p->cond_mode = false;
	if (enter(p) < 0 || parse_list(p, sub) < 0)
		return -1;
	leave(p);
	/* parse_list stopped at a token it could not start a command with;
	 * it must be our ')'. */
	if (!p->have_tok || p->tok.kind != T_RPAREN) {
		if (p->have_tok && p->tok.kind == T_EOF)
			return fail_at(p, open, true, ERR_PARSE, "unterminated $( or <(");
		return syntax(p, p->have_tok ? p->tok.start : p->pos, "expected ')'");
	}
	p->have_tok = false;
	p->cond_mode = save_cond;
	return 0;
}

static int lex_cmdsub(struct parser *p, struct wb *w, enum shell_quote q)
{
	size_t start = p->pos, close;
	struct shell_part *pt;
	int r;

	/* p->pos at '$', followed by '('. */
	if (ch(p, 2) == '(') {
		r = scan_arith(p, p->pos + 3, &close);
		if (r < 0)
			return -1;
		if (r == 1) {
			pt = new_part(p, SHELL_PART_ARITH, start);
			if (!pt)
				return -1;
			pt->quote = q;
			pt->text = arena_strndup(p->t, p->s + start + 3, close - start - 3);
			pt->text_len = close - start - 3;
			if (enter(p) < 0 ||
			    scan_region(p, start + 3, close, false, &pt->arg, &w->flags) < 0)
				return -1;
			leave(p);
			p->pos = close + 2;
			end_part(p, pt);
			w->flags |= SHELL_W_ARITH;
			return wb_add_part(p, w, pt);
		}
	}
	pt = new_part(p, SHELL_PART_CMDSUB, start);
	if (!pt)
		return -1;
	pt->quote = q;
	p->pos += 2;
	if (parse_subst_body(p, &pt->sub) < 0)
		return -1;
	end_part(p, pt);
	w->flags |= SHELL_W_CMDSUB;
	return wb_add_part(p, w, pt);
}

static int lex_procsub(struct parser *p, struct wb *w)
{
	struct shell_part *pt = new_part(p, SHELL_PART_PROCSUB, p->pos);

	if (!pt)
		return -1;
	pt->op = p->s[p->pos] == '<' ? "<" : ">";
	p->pos += 2;
	if (parse_subst_body(p, &pt->sub) < 0)
		return -1;
	end_part(p, pt);
	w->flags |= SHELL_W_PROCSUB;
	return wb_add_part(p, w, pt);
}

/* A backquoted substitution: unescape into a copy when needed, and parse
 * it with a child parser. */
static int lex_backquote(struct parser *p, struct wb *w, enum shell_quote q)
{
	size_t start = p->pos, i = p->pos + 1, close;
	bool escapes = false;
	struct shell_part *pt;
	struct parser c;
	char *copy = NULL;
	size_t n = 0;

	while (i < p->end && p->s[i] != '`') {
		if (p->s[i] == '\\' && i + 1 < p->end) {
			char e = p->s[i + 1];

			if (e == '`' || e == '\\' || e == '$' || (q == SHELL_Q_DOUBLE && e == '"'))
				escapes = true;
			i++;
		}
		i++;
	}
	if (i >= p->end)
		return fail_at(p, start, true, ERR_PARSE, "unterminated backquote");
	close = i;
	pt = new_part(p, SHELL_PART_CMDSUB, start);
	if (!pt)
		return -1;
	pt->quote = q;
	pt->pflags = SHELL_P_BACKQUOTE;

	c = *p;
	c.have_tok = false;
	c.cond_mode = false;
	c.top = false;
	if (escapes) {
		copy = arena_alloc(p->t, close - start);
		for (i = start + 1; i < close; i++) {
			char e = i + 1 < close ? p->s[i + 1] : 0;

			if (p->s[i] == '\\' && (e == '`' || e == '\\' || e == '$' ||
						(q == SHELL_Q_DOUBLE && e == '"')))
				i++;
			copy[n++] = p->s[i];
		}
		copy[n] = '\0';
		c.s = copy;
		c.pos = 0;
		c.end = n;
		if (!p->override) {
			c.override = true;
			c.ov_start = start;
			c.ov_len = close + 1 - start;
		}
	} else {
		c.pos = start + 1;
		c.end = close;
	}
	if (enter(p) < 0 || parse_list(&c, &pt->sub) < 0)
		return -1;
	leave(p);
	if (!c.have_tok || c.tok.kind != T_EOF)
		return syntax(&c, c.have_tok ? c.tok.start : c.pos, "unexpected token in backquotes");
	p->pos = close + 1;
	end_part(p, pt);
	w->flags |= SHELL_W_CMDSUB;
	return wb_add_part(p, w, pt);
}

static const char *const param_ops[] = {
	":-", ":=", ":?", ":+", "##", "%%", "//", "/#", "/%", "^^", ",,",
	"-", "=", "?", "+", "#", "%", "/", "^", ",", ":", "@",
};

/* ${ ... }: p->pos at '$'. */
static int lex_braced_param(struct parser *p, struct wb *w, enum shell_quote q)
{
	size_t start = p->pos, name_start;
	struct shell_part *pt = new_part(p, SHELL_PART_PARAM, start);
	size_t k;

	if (!pt)
		return -1;
	pt->quote = q;
	pt->pflags = SHELL_P_BRACED;
	p->pos += 2;
	if (ch(p, 0) == '#' && ch(p, 1) != '}' && ch(p, 1) != -1) {
		pt->pflags |= SHELL_P_LENGTH;
		p->pos++;
	} else if (ch(p, 0) == '!' && ch(p, 1) != '}' && ch(p, 1) != -1) {
		pt->pflags |= SHELL_P_INDIRECT;
		p->pos++;
	}
	name_start = p->pos;
	if (is_name_start(ch(p, 0))) {
		while (is_name_char(ch(p, 0)))
			p->pos++;
	} else if (is_digit(ch(p, 0))) {
		while (is_digit(ch(p, 0)))
			p->pos++;
	} else if (ch(p, 0) != -1 && strchr("@*#?-$!", ch(p, 0))) {
		p->pos++;
	} else {
		if (ch(p, 0) == -1)
			return fail_at(p, start, true, ERR_PARSE, "unterminated ${");
		return syntax(p, p->pos, "bad substitution");
	}
	pt->text = arena_strndup(p->t, p->s + name_start, p->pos - name_start);
	pt->text_len = p->pos - name_start;
	if (ch(p, 0) == '[') {
		/* ${a[i]}: the subscript is kept in the name's span. */
		while (ch(p, 0) != -1 && ch(p, 0) != ']')
			p->pos++;
		if (ch(p, 0) == -1)
			return fail_at(p, start, true, ERR_PARSE, "unterminated ${");
		p->pos++;
	}
	if (ch(p, 0) != '}') {
		struct wb a;

		for (k = 0; k < ARRAY_SIZE(param_ops); k++) {
			size_t n = strlen(param_ops[k]);

			if (p->pos + n <= p->end && !memcmp(p->s + p->pos, param_ops[k], n))
				break;
		}
		if (k == ARRAY_SIZE(param_ops)) {
			if (ch(p, 0) == -1)
				return fail_at(p, start, true, ERR_PARSE, "unterminated ${");
			return syntax(p, p->pos, "bad substitution");
		}
		pt->op = param_ops[k];
		p->pos += strlen(param_ops[k]);
		if (wb_flush(p, w) < 0 || enter(p) < 0)
			return -1;
		wb_init(p, &a);
		if (scan_parts(p, M_OPERAND, &a, false) < 0 || wb_flush(p, &a) < 0)
			return -1;
		leave(p);
		pt->arg = a.head;
		w->flags |= a.flags & ~SHELL_W_QUOTED;
		if (ch(p, 0) != '}')
			return fail_at(p, start, true, ERR_PARSE, "unterminated ${");
	}
	p->pos++;
	end_part(p, pt);
	w->flags |= SHELL_W_PARAM;
	return wb_add_part(p, w, pt);
}

/* A '$' at p->pos: $NAME, ${...}, $(...), $((...)), $'...' is handled by
 * the caller. A '$' not followed by any of these is literal. */
static int lex_dollar(struct parser *p, struct wb *w, enum shell_quote lq)
{
	enum shell_quote q = lq == SHELL_Q_NONE ? SHELL_Q_NONE : SHELL_Q_DOUBLE;
	int c = ch(p, 1);
	size_t start = p->pos;
	struct shell_part *pt;

	if (c == '(')
		return lex_cmdsub(p, w, q);
	if (c == '{')
		return lex_braced_param(p, w, q);
	if (is_name_start(c) || is_digit(c) || (c != -1 && strchr("@*#?-$!", c))) {
		pt = new_part(p, SHELL_PART_PARAM, start);
		if (!pt)
			return -1;
		pt->quote = q;
		p->pos++;
		if (is_name_start(c)) {
			while (is_name_char(ch(p, 0)))
				p->pos++;
		} else {
			p->pos++;
		}
		pt->text = arena_strndup(p->t, p->s + start + 1, p->pos - start - 1);
		pt->text_len = p->pos - start - 1;
		end_part(p, pt);
		w->flags |= SHELL_W_PARAM;
		return wb_add_part(p, w, pt);
	}
	if (wb_addc(p, w, lq, start, '$') < 0)
		return -1;
	p->pos++;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int add_utf8(struct parser *p, struct wb *w, size_t at, unsigned long cp)
{
	char u[4];
	int n, i;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		if (cp > 0x10ffff)
			cp = 0xfffd;
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (i = 0; i < n; i++)
		if (wb_addc(p, w, SHELL_Q_ANSI, at, (unsigned char)u[i]) < 0)
			return -1;
	return 0;
}

/* $'...': p->pos at '$'. Decodes the bash escapes. */
static int lex_ansi(struct parser *p, struct wb *w)
{
	size_t start = p->pos;

	p->pos += 2;
	if (wb_lit_begin(p, w, SHELL_Q_ANSI, start) < 0)
		return -1;
	for (;;) {
		int c = ch(p, 0), e, v, k;
		unsigned long cp;

		if (c == -1)
			return fail_at(p, start, true, ERR_PARSE, "unterminated $'");
		if (c == '\'') {
			p->pos++;
			return 0;
		}
		if (c != '\\') {
			if (wb_addc(p, w, SHELL_Q_ANSI, start, c) < 0)
				return -1;
			p->pos++;
			continue;
		}
		e = ch(p, 1);
		p->pos += 2;
		switch (e) {
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'e': case 'E': c = 0x1b; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'v': c = '\v'; break;
		case '\\': case '\'': case '"': case '?': c = e; break;
		case 'c':
			c = ch(p, 0) == -1 ? 'c' : (ch(p, 0) & 0x1f);
			if (ch(p, 0) != -1)
				p->pos++;
			break;
		case 'x': case 'u': case 'U':
			cp = 0;
			for (k = 0; k < (e == 'x' ? 2 : e == 'u' ? 4 : 8); k++) {
				v = hexval(ch(p, 0));
				if (v < 0)
					break;
				cp = cp * 16 + (unsigned long)v;
				p->pos++;
			}
			if (k == 0) {
				if (wb_addc(p, w, SHELL_Q_ANSI, start, '\\') < 0)
					return -1;
				c = e;
				break;
			}
			if (e == 'x') {
				c = (int)cp;
				break;
			}
			if (add_utf8(p, w, start, cp) < 0)
				return -1;
			continue;
		case -1:
			return fail_at(p, start, true, ERR_PARSE, "unterminated $'");
		default:
			if (e >= '0' && e <= '7') {
				v = e - '0';
				for (k = 0; k < 2 && ch(p, 0) >= '0' && ch(p, 0) <= '7'; k++) {
					v = v * 8 + ch(p, 0) - '0';
					p->pos++;
				}
				c = v & 0xff;
				break;
			}
			if (wb_addc(p, w, SHELL_Q_ANSI, start, '\\') < 0)
				return -1;
			c = e;
		}
		if (c == 0)
			continue; /* bash stops the string at NUL; drop it */
		if (wb_addc(p, w, SHELL_Q_ANSI, start, c) < 0)
			return -1;
	}
}

/* NAME=( ... ): p->pos at '('. Elements are words; newlines and comments
 * are allowed between them. */
static int lex_array(struct parser *p, struct wb *w)
{
	struct shell_part *pt = new_part(p, SHELL_PART_ARRAY, p->pos);
	struct shell_word **tail;

	if (!pt || enter(p) < 0)
		return -1;
	tail = &pt->elems;
	p->pos++;
	for (;;) {
		struct wb e;
		size_t ws;
		int c;

		while ((c = ch(p, 0)) == ' ' || c == '\t' || c == '\n')
			p->pos++;
		if (c == '#') {
			while (ch(p, 0) != -1 && ch(p, 0) != '\n')
				p->pos++;
			continue;
		}
		if (c == ')')
			break;
		if (c == -1)
			return early_end(p, "unterminated array");
		if (is_meta(c))
			return syntax(p, p->pos, "unexpected character in array");
		ws = p->pos;
		wb_init(p, &e);
		if (scan_parts(p, M_WORD, &e, false) < 0)
			return -1;
		if (!(*tail = wb_finish(p, &e, ws)))
			return -1;
		tail = &(*tail)->next;
	}
	leave(p);
	p->pos++;
	end_part(p, pt);
	w->flags |= SHELL_W_ARRAY;
	return wb_add_part(p, w, pt);
}

/* Is the pending unquoted literal of w "NAME=" or "NAME+="? */
static bool wb_is_assign_prefix(const struct parser *p, const struct wb *w, size_t *name_len)
{
	const char *s = p->scratch + w->scratch_base;
	size_t n = p->scratch_len - w->scratch_base, i;

	if (w->head || !w->pending || w->q != SHELL_Q_NONE || n < 2 || s[n - 1] != '=')
		return false;
	n--;
	if (s[n - 1] == '+')
		n--;
	if (!n || !is_name_start((unsigned char)s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_name_char((unsigned char)s[i]))
			return false;
	*name_len = n;
	return true;
}

static int lex_tilde(struct parser *p, struct wb *w)
{
	size_t start = p->pos, i = p->pos + 1;
	struct shell_part *pt;

	while (i < p->end && (is_name_char((unsigned char)p->s[i]) || p->s[i] == '.' ||
			      p->s[i] == '-' || p->s[i] == '+'))
		i++;
	if (i < p->end && p->s[i] != '/' && p->s[i] != ':' && !is_meta((unsigned char)p->s[i])) {
		/* ~"x" or ~$x: no tilde expansion. */
		p->pos++;
		return wb_addc(p, w, SHELL_Q_NONE, start, '~');
	}
	pt = new_part(p, SHELL_PART_TILDE, start);
	if (!pt)
		return -1;
	pt->text = arena_strndup(p->t, p->s + start + 1, i - start - 1);
	pt->text_len = i - start - 1;
	p->pos = i;
	end_part(p, pt);
	w->flags |= SHELL_W_TILDE;
	return wb_add_part(p, w, pt);
}

/* The parenthesized part of an extglob pattern, at p->pos ('('): copied
 * into the word up to its matching ')', nested ones included, and the
 * word marked as a glob. Returns 1, or 0 (nothing consumed) when no ')'
 * closes it on this line, so the '(' stays an operator. */
static int lex_extglob(struct parser *p, struct wb *w)
{
	size_t q = p->pos;
	int depth = 0;

	for (; q < p->end; q++) {
		char c = p->s[q];

		if (c == '\\' && q + 1 < p->end) {
			q++;
			continue;
		}
		if (c == '\n' || c == '\'' || c == '"' || c == '`' || c == '$')
			return 0;
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			break;
	}
	if (q >= p->end)
		return 0;
	for (size_t i = p->pos; i <= q; i++)
		if (wb_addc(p, w, SHELL_Q_NONE, i, p->s[i]) < 0)
			return -1;
	w->flags |= SHELL_W_GLOB;
	p->pos = q + 1;
	return 1;
}

/* The heart of the lexer: scan characters into w until the mode's end. */
static int scan_parts(struct parser *p, enum scan_mode mode, struct wb *w, bool strip_tabs)
{
	bool at_line_start = true, assign_val = false;
	int brace_open = 0;
	size_t name_len;

	for (;;) {
		int c = ch(p, 0);
		size_t at = p->pos;
		enum shell_quote lq = mode == M_EXPAND ? SHELL_Q_HEREDOC :
				      mode == M_DQUOTE ? SHELL_Q_DOUBLE : SHELL_Q_NONE;

		if (c == -1)
			return 0;
		if (c == 0)
			return fail_at(p, at, false, ERR_LIMIT, "NUL byte in command");
		if (mode == M_EXPAND && strip_tabs && at_line_start && c == '\t') {
			p->pos++;
			continue;
		}
		at_line_start = c == '\n';
		switch (mode) {
		case M_WORD:
			/* ksh/bash extglob (on in most interactive bash, through
			 * bash-completion) and zsh ksh_glob: ?(a|b) *(..) +(..)
			 * @(..) !(..) are one glob word, parentheses and all. */
			if (c == '(' && at > 0 && strchr("?*+@!", p->s[at - 1]) &&
			    (w->head || w->pending)) {
				int e = lex_extglob(p, w);

				if (e < 0)
					return -1;
				if (e > 0)
					continue;
			}
			if (is_meta(c))
				return 0;
			if (p->cond_mode == false && (p->flags & SHELL_PARSE_ZSH_BRACES) &&
			    c == '}' && brace_open == 0 && (w->head || w->pending))
				return 0;
			break;
		case M_DQUOTE:
			if (c == '"')
				return 0;
			break;
		case M_OPERAND:
			if (c == '}')
				return 0;
			break;
		default:
			break;
		}

		if (c == '\\') {
			int e = ch(p, 1);

			if (e == '\n') {
				p->pos += 2;
				continue;
			}
			if (e == -1) {
				p->pos++;
				if (wb_addc(p, w, lq, at, '\\') < 0)
					return -1;
				continue;
			}
			if (mode == M_WORD || mode == M_OPERAND) {
				if (wb_addc(p, w, SHELL_Q_BACKSLASH, at, e) < 0)
					return -1;
				p->pos += 2;
				continue;
			}
			/* In "..." and here-docs only these escape. */
			if (e == '$' || e == '`' || e == '\\' || (mode == M_DQUOTE && e == '"')) {
				if (wb_addc(p, w, lq == SHELL_Q_HEREDOC ? SHELL_Q_HEREDOC : SHELL_Q_DOUBLE,
					    at, e) < 0)
					return -1;
				p->pos += 2;
				continue;
			}
			if (wb_addc(p, w, lq, at, '\\') < 0)
				return -1;
			p->pos++;
			continue;
		}
		if (c == '$') {
			int e = ch(p, 1);

			if ((mode == M_WORD || mode == M_OPERAND) && e == '\'') {
				if (lex_ansi(p, w) < 0)
					return -1;
				continue;
			}
			if ((mode == M_WORD || mode == M_OPERAND) && e == '"') {
				p->pos++; /* $"..." reads as "..." */
				continue;
			}
			if (lex_dollar(p, w, lq) < 0)
				return -1;
			continue;
		}
		if (c == '`') {
			if (lex_backquote(p, w, lq == SHELL_Q_NONE ? SHELL_Q_NONE : SHELL_Q_DOUBLE) < 0)
				return -1;
			continue;
		}
		if (mode == M_WORD || mode == M_OPERAND) {
			if (c == '\'') {
				size_t q = p->pos + 1;

				while (q < p->end && p->s[q] != '\'')
					q++;
				if (q >= p->end)
					return fail_at(p, at, true, ERR_PARSE,
						       "unterminated single quote");
				if (wb_lit_begin(p, w, SHELL_Q_SINGLE, at) < 0)
					return -1;
				memcpy(p->scratch + p->scratch_len, p->s + at + 1, q - at - 1);
				p->scratch_len += q - at - 1;
				p->pos = q + 1;
				continue;
			}
			if (c == '"') {
				if (wb_lit_begin(p, w, SHELL_Q_DOUBLE, at) < 0)
					return -1;
				p->pos++;
				if (scan_parts(p, M_DQUOTE, w, false) < 0)
					return -1;
				if (ch(p, 0) != '"')
					return fail_at(p, at, true, ERR_PARSE,
						       "unterminated double quote");
				p->pos++;
				continue;
			}
		}
		if (mode == M_WORD) {
			if (c == '~' && !w->head && !w->pending) {
				if (lex_tilde(p, w) < 0)
					return -1;
				continue;
			}
			if (c == '~' && assign_val && w->pending && w->q == SHELL_Q_NONE &&
			    p->scratch_len > w->scratch_base &&
			    (p->scratch[p->scratch_len - 1] == '=' ||
			     p->scratch[p->scratch_len - 1] == ':')) {
				if (lex_tilde(p, w) < 0)
					return -1;
				continue;
			}
			if (c == '*' || c == '?' || c == '[')
				w->flags |= SHELL_W_GLOB;
			if (c == '{') {
				brace_open++;
			} else if (c == '}' && brace_open > 0) {
				brace_open--;
				w->flags |= SHELL_W_BRACE;
			}
			if (c == '=' && !assign_val) {
				if (wb_addc(p, w, SHELL_Q_NONE, at, c) < 0)
					return -1;
				p->pos++;
				if (wb_is_assign_prefix(p, w, &name_len)) {
					assign_val = true;
					w->flags |= SHELL_W_ASSIGN;
					/* name_len is recomputed by the caller. */
					if (ch(p, 0) == '(') {
						if (lex_array(p, w) < 0)
							return -1;
					} else if (ch(p, 0) == '~') {
						if (lex_tilde(p, w) < 0)
							return -1;
					}
				}
				continue;
			}
		}
		if (wb_addc(p, w, lq, at, c) < 0)
			return -1;
		p->pos++;
	}
}

/* ---- tokens ----------------------------------------------------------- */

static int read_heredocs(struct parser *p);

static int lex_word_tok(struct parser *p, struct tok *t)
{
	struct wb w;
	size_t start = p->pos;
	int c = ch(p, 0);

	wb_init(p, &w);
	if ((c == '<' || c == '>') && ch(p, 1) == '(') {
		if (lex_procsub(p, &w) < 0)
			return -1;
	}
	if (scan_parts(p, M_WORD, &w, false) < 0)
		return -1;
	t->kind = T_WORD;
	t->word = wb_finish(p, &w, start);
	if (!t->word)
		return -1;
	if (t->word->flags & SHELL_W_ASSIGN) {
		const char *s = p->s + start;
		size_t n = 0;

		while (is_name_char((unsigned char)s[n]))
			n++;
		t->word->name_len = n;
	}
	return 0;
}

/* Cond mode ([[ ]]): operators come back as words. */
static int lex_cond_op(struct parser *p, struct tok *t)
{
	static const char *const ops[] = {"&&", "||", "(", ")", "<", ">", "!"};
	size_t k, start = p->pos;
	struct wb w;

	for (k = 0; k < ARRAY_SIZE(ops); k++) {
		size_t n = strlen(ops[k]);

		if (p->pos + n <= p->end && !memcmp(p->s + p->pos, ops[k], n))
			break;
	}
	if (k == ARRAY_SIZE(ops))
		return 1;
	wb_init(p, &w);
	for (size_t i = 0; ops[k][i]; i++) {
		if (wb_addc(p, &w, SHELL_Q_NONE, start, ops[k][i]) < 0)
			return -1;
		p->pos++;
	}
	t->kind = T_WORD;
	t->word = wb_finish(p, &w, start);
	return t->word ? 0 : -1;
}

static int lex(struct parser *p, struct tok *t)
{
	int c;

	memset(t, 0, sizeof(*t));
	for (;;) {
		c = ch(p, 0);
		if (is_blank(c) || (p->cond_mode && c == '\n')) {
			p->pos++;
		} else if (c == '\\' && ch(p, 1) == '\n') {
			p->pos += 2;
		} else if (c == '#') {
			while (ch(p, 0) != -1 && ch(p, 0) != '\n')
				p->pos++;
		} else {
			break;
		}
	}
	t->start = p->pos;
	if (c == -1) {
		t->kind = T_EOF;
		t->end = p->pos;
		return 0;
	}
	if (p->cond_mode) {
		int r = lex_cond_op(p, t);

		if (r <= 0) {
			t->end = p->pos;
			return r;
		}
		if (lex_word_tok(p, t) < 0)
			return -1;
		t->end = p->pos;
		return 0;
	}
	if (c == '\n') {
		p->pos++;
		t->kind = T_NEWLINE;
		t->end = p->pos;
		return read_heredocs(p);
	}
	if (is_digit(c)) {
		size_t i = p->pos;

		while (i < p->end && is_digit((unsigned char)p->s[i]))
			i++;
		if (i < p->end && (p->s[i] == '<' || p->s[i] == '>') &&
		    !(i + 1 < p->end && p->s[i + 1] == '(') && i - p->pos <= 4) {
			t->fd = atoi(p->s + p->pos);
			p->pos = i;
			c = ch(p, 0);
			goto redir;
		}
	}
	t->fd = -2;
	switch (c) {
	case ';':
		if (ch(p, 1) == ';' && ch(p, 2) == '&') {
			t->kind = T_DSEMI_AMP;
			p->pos += 3;
		} else if (ch(p, 1) == ';') {
			t->kind = T_DSEMI;
			p->pos += 2;
		} else if (ch(p, 1) == '&') {
			t->kind = T_SEMI_AMP;
			p->pos += 2;
		} else {
			t->kind = T_SEMI;
			p->pos++;
		}
		break;
	case '&':
		if (ch(p, 1) == '&') {
			t->kind = T_AND;
			p->pos += 2;
		} else if (ch(p, 1) == '>') {
			t->kind = T_REDIR;
			t->fd = -1;
			if (ch(p, 2) == '>') {
				t->rop = SHELL_REDIR_APPEND_ERR;
				p->pos += 3;
			} else {
				t->rop = SHELL_REDIR_OUT_ERR;
				p->pos += 2;
			}
		} else {
			t->kind = T_AMP;
			p->pos++;
		}
		break;
	case '|':
		if (ch(p, 1) == '|') {
			t->kind = T_OR;
			p->pos += 2;
		} else if (ch(p, 1) == '&') {
			t->kind = T_PIPE_ERR;
			p->pos += 2;
		} else {
			t->kind = T_PIPE;
			p->pos++;
		}
		break;
	case '(':
		t->kind = T_LPAREN;
		p->pos++;
		break;
	case ')':
		t->kind = T_RPAREN;
		p->pos++;
		break;
	case '<':
	case '>':
		if (ch(p, 1) == '(') {
			if (lex_word_tok(p, t) < 0)
				return -1;
			break;
		}
		goto redir;
	default:
		if ((p->flags & SHELL_PARSE_ZSH_BRACES) && (c == '{' || c == '}') &&
		    ch(p, 1) != ',' ) {
			struct wb w;

			wb_init(p, &w);
			if (wb_addc(p, &w, SHELL_Q_NONE, p->pos, c) < 0)
				return -1;
			p->pos++;
			t->kind = T_WORD;
			t->word = wb_finish(p, &w, t->start);
			if (!t->word)
				return -1;
			break;
		}
		if (lex_word_tok(p, t) < 0)
			return -1;
	}
	t->end = p->pos;
	return 0;

redir:
	t->kind = T_REDIR;
	if (c == '<') {
		if (ch(p, 1) == '<' && ch(p, 2) == '<') {
			t->rop = SHELL_REDIR_HERESTRING;
			p->pos += 3;
		} else if (ch(p, 1) == '<' && ch(p, 2) == '-') {
			t->rop = SHELL_REDIR_HEREDOC_TAB;
			p->pos += 3;
		} else if (ch(p, 1) == '<') {
			t->rop = SHELL_REDIR_HEREDOC;
			p->pos += 2;
		} else if (ch(p, 1) == '&') {
			t->rop = SHELL_REDIR_DUP_IN;
			p->pos += 2;
		} else if (ch(p, 1) == '>') {
			t->rop = SHELL_REDIR_RDWR;
			p->pos += 2;
		} else {
			t->rop = SHELL_REDIR_IN;
			p->pos++;
		}
		if (t->fd == -2)
			t->fd = 0;
	} else {
		if (ch(p, 1) == '>') {
			t->rop = SHELL_REDIR_APPEND;
			p->pos += 2;
		} else if (ch(p, 1) == '&') {
			t->rop = SHELL_REDIR_DUP_OUT;
			p->pos += 2;
		} else if (ch(p, 1) == '|') {
			t->rop = SHELL_REDIR_CLOBBER;
			p->pos += 2;
		} else {
			t->rop = SHELL_REDIR_OUT;
			p->pos++;
		}
		if (t->fd == -2)
			t->fd = 1;
	}
	t->end = p->pos;
	return 0;
}

static int peek(struct parser *p)
{
	struct tok t;

	if (!p->have_tok) {
		/* Lex into a local: a word may hold $( ), whose parse uses
		 * p->tok for its own tokens. */
		if (lex(p, &t) < 0)
			return -1;
		p->tok = t;
		p->have_tok = true;
	}
	return 0;
}

static void consume(struct parser *p)
{
	p->have_tok = false;
	p->last_end = p->tok.end;
}

static bool tok_is_kw(const struct tok *t, const char *kw)
{
	return t->kind == T_WORD && t->word->text &&
	       !(t->word->flags & (SHELL_W_QUOTED | SHELL_W_DYNAMIC | SHELL_W_TILDE)) &&
	       strcmp(t->word->text, kw) == 0;
}

static int skip_newlines(struct parser *p)
{
	for (;;) {
		if (peek(p) < 0)
			return -1;
		if (p->tok.kind != T_NEWLINE)
			return 0;
		consume(p);
	}
}

static const char *tok_desc(const struct tok *t)
{
	switch (t->kind) {
	case T_EOF: return "end of input";
	case T_WORD: return "word";
	case T_NEWLINE: return "newline";
	case T_SEMI: return "';'";
	case T_AMP: return "'&'";
	case T_AND: return "'&&'";
	case T_OR: return "'||'";
	case T_PIPE: return "'|'";
	case T_PIPE_ERR: return "'|&'";
	case T_LPAREN: return "'('";
	case T_RPAREN: return "')'";
	case T_DSEMI: return "';;'";
	case T_SEMI_AMP: return "';&'";
	case T_DSEMI_AMP: return "';;&'";
	case T_REDIR: return "redirection";
	}
	return "token";
}

static int unexpected(struct parser *p)
{
	char msg[96];

	if (p->tok.kind == T_EOF)
		return early_end(p, "unexpected end of input");
	if (p->tok.kind == T_WORD && p->tok.word->text)
		snprintf(msg, sizeof(msg), "unexpected '%.40s'", p->tok.word->text);
	else
		snprintf(msg, sizeof(msg), "unexpected %s", tok_desc(&p->tok));
	return syntax(p, p->tok.start, msg);
}

/* Consume keyword kw or fail. */
static int expect_kw(struct parser *p, const char *kw)
{
	char msg[64];

	if (peek(p) < 0)
		return -1;
	if (tok_is_kw(&p->tok, kw)) {
		consume(p);
		return 0;
	}
	if (p->tok.kind == T_EOF) {
		snprintf(msg, sizeof(msg), "missing '%s'", kw);
		return early_end(p, msg);
	}
	snprintf(msg, sizeof(msg), "expected '%s'", kw);
	return syntax(p, p->tok.start, msg);
}

/* ---- here-documents --------------------------------------------------- */

static int read_heredocs(struct parser *p)
{
	size_t k;

	for (k = 0; k < *p->n_heredocs; k++) {
		struct shell_redir *r = p->heredocs[k];
		bool strip = r->op == SHELL_REDIR_HEREDOC_TAB;
		const char *delim;
		size_t dlen, body_start = p->pos, body_end = p->end;
		struct shell_word *bw;

		if (r->target->text) {
			delim = r->target->text;
			dlen = r->target->text_len;
		} else {
			delim = p->s + r->target->start;
			dlen = r->target->len;
		}
		while (p->pos < p->end) {
			size_t ls = p->pos, le = ls;

			while (le < p->end && p->s[le] != '\n')
				le++;
			p->pos = le < p->end ? le + 1 : le;
			if (strip)
				while (ls < le && p->s[ls] == '\t')
					ls++;
			if (le - ls == dlen && !memcmp(p->s + ls, delim, dlen)) {
				/* body_end: start of the delimiter line. */
				body_end = ls;
				while (body_end > body_start && p->s[body_end - 1] == '\t')
					body_end--;
				break;
			}
		}
		bw = alloc_item(p, sizeof(*bw));
		if (!bw)
			return -1;
		set_span(p, &bw->start, &bw->len, body_start, body_end);
		if (r->target->flags & SHELL_W_QUOTED) {
			struct wb w;

			wb_init(p, &w);
			for (size_t i = body_start; i < body_end; i++) {
				if (strip && p->s[i] == '\t' && (i == body_start || p->s[i - 1] == '\n'))
					continue;
				if (wb_addc(p, &w, SHELL_Q_HEREDOC, body_start, p->s[i]) < 0)
					return -1;
			}
			w.keep_empty = true;
			if (wb_lit_begin(p, &w, SHELL_Q_HEREDOC, body_start) < 0 ||
			    wb_flush(p, &w) < 0)
				return -1;
			bw->parts = w.head;
		} else {
			if (scan_region(p, body_start, body_end, strip, &bw->parts, &bw->flags) < 0)
				return -1;
			if (!bw->parts) {
				struct wb w;

				wb_init(p, &w);
				w.keep_empty = true;
				if (wb_lit_begin(p, &w, SHELL_Q_HEREDOC, body_start) < 0 ||
				    wb_flush(p, &w) < 0)
					return -1;
				bw->parts = w.head;
			}
		}
		if (!(bw->flags & SHELL_W_DYNAMIC)) {
			struct shell_part *pt;
			size_t n = 0;
			char *s;

			for (pt = bw->parts; pt; pt = pt->next)
				n += pt->text_len;
			s = arena_alloc(p->t, n + 1);
			bw->text = s;
			bw->text_len = n;
			for (pt = bw->parts; pt; pt = pt->next) {
				memcpy(s, pt->text, pt->text_len);
				s += pt->text_len;
			}
			*s = '\0';
		}
		r->body = bw;
	}
	*p->n_heredocs = 0;
	return 0;
}

/* ---- commands --------------------------------------------------------- */

/* After a T_REDIR token (consumed): the target word. */
static int parse_redir(struct parser *p, struct shell_redir **out)
{
	struct shell_redir *r = alloc_item(p, sizeof(*r));
	size_t start = p->tok.start;

	if (!r)
		return -1;
	r->op = p->tok.rop;
	r->fd = p->tok.fd;
	consume(p);
	if (peek(p) < 0)
		return -1;
	if (p->tok.kind != T_WORD) {
		if (p->tok.kind == T_EOF)
			return early_end(p, "missing redirection target");
		return syntax(p, p->tok.start, "expected a file name after redirection");
	}
	r->target = p->tok.word;
	consume(p);
	set_span(p, &r->start, &r->len, start, p->last_end);
	if (r->op == SHELL_REDIR_DUP_OUT && r->fd == 1 && r->target->text) {
		/* >&file (not a number, not -) sends stdout and stderr there. */
		const char *s = r->target->text;
		bool num = *s != '\0';

		for (; *s; s++)
			if (!is_digit((unsigned char)*s))
				num = false;
		if (!num && strcmp(r->target->text, "-") != 0) {
			r->op = SHELL_REDIR_OUT_ERR;
			r->fd = -1;
		}
	}
	if (r->op == SHELL_REDIR_HEREDOC || r->op == SHELL_REDIR_HEREDOC_TAB) {
		if (*p->n_heredocs >= SHELL_MAX_HEREDOCS)
			return fail_at(p, start, false, ERR_LIMIT, "too many here-documents");
		p->heredocs[(*p->n_heredocs)++] = r;
	}
	*out = r;
	return 0;
}

/* Redirections after a compound command. */
static int parse_trailing_redirs(struct parser *p, struct shell_node *n)
{
	struct shell_redir **tail = &n->redirs;

	for (;;) {
		if (peek(p) < 0)
			return -1;
		if (p->tok.kind != T_REDIR)
			break;
		if (parse_redir(p, tail) < 0)
			return -1;
		tail = &(*tail)->next;
	}
	end_node(p, n);
	return 0;
}

static int parse_simple(struct parser *p, struct shell_node **out)
{
	struct shell_node *n = new_node(p, SHELL_SIMPLE, p->tok.start);
	struct shell_word **wt, **at;
	struct shell_redir **rt;

	if (!n)
		return -1;
	wt = &n->words;
	at = &n->assigns;
	rt = &n->redirs;
	for (;;) {
		if (peek(p) < 0)
			return -1;
		if (p->tok.kind == T_WORD) {
			if (!n->words && (p->tok.word->flags & SHELL_W_ASSIGN)) {
				*at = p->tok.word;
				at = &(*at)->next;
			} else {
				*wt = p->tok.word;
				wt = &(*wt)->next;
				n->n_words++;
			}
			consume(p);
		} else if (p->tok.kind == T_REDIR) {
			if (parse_redir(p, rt) < 0)
				return -1;
			rt = &(*rt)->next;
		} else {
			break;
		}
	}
	if (!n->words && !n->assigns && !n->redirs)
		return unexpected(p);
	end_node(p, n);
	*out = n;
	return 0;
}

/* A list that must not be empty, ended by a keyword the caller checks. */
static int parse_body(struct parser *p, struct shell_node **out, const char *before)
{
	char msg[64];

	if (parse_list(p, out) < 0)
		return -1;
	if (!(*out)->child) {
		if (p->tok.kind == T_EOF) {
			snprintf(msg, sizeof(msg), "unexpected end of input (expected %s)", before);
			return early_end(p, msg);
		}
		snprintf(msg, sizeof(msg), "expected a command before %s", before);
		return syntax(p, p->tok.start, msg);
	}
	return 0;
}

static int parse_group(struct parser *p, struct shell_node **out, bool brace)
{
	struct shell_node *n = new_node(p, brace ? SHELL_BRACE : SHELL_SUBSHELL, p->tok.start);

	if (!n)
		return -1;
	consume(p);
	if (parse_body(p, &n->child, brace ? "'}'" : "')'") < 0)
		return -1;
	if (brace) {
		if (expect_kw(p, "}") < 0)
			return -1;
	} else {
		if (p->tok.kind != T_RPAREN)
			return p->tok.kind == T_EOF ? early_end(p, "missing ')'") : unexpected(p);
		consume(p);
	}
	*out = n;
	return parse_trailing_redirs(p, n);
}

static int parse_if(struct parser *p, struct shell_node **out)
{
	struct shell_node *n = new_node(p, SHELL_IF, p->tok.start);

	if (!n)
		return -1;
	consume(p);
	if (parse_body(p, &n->cond, "'then'") < 0 || expect_kw(p, "then") < 0 ||
	    parse_body(p, &n->child, "'fi'") < 0)
		return -1;
	if (tok_is_kw(&p->tok, "elif")) {
		if (enter(p) < 0 || parse_if(p, &n->alt) < 0)
			return -1;
		leave(p);
		/* The nested if consumed the shared 'fi'. */
		*out = n;
		return parse_trailing_redirs(p, n);
	}
	if (tok_is_kw(&p->tok, "else")) {
		consume(p);
		if (parse_body(p, &n->alt, "'fi'") < 0)
			return -1;
	}
	if (expect_kw(p, "fi") < 0)
		return -1;
	*out = n;
	return parse_trailing_redirs(p, n);
}

static int parse_loop(struct parser *p, struct shell_node **out, enum shell_kind kind)
{
	struct shell_node *n = new_node(p, kind, p->tok.start);

	if (!n)
		return -1;
	consume(p);
	if (parse_body(p, &n->cond, "'do'") < 0 || expect_kw(p, "do") < 0 ||
	    parse_body(p, &n->child, "'done'") < 0 || expect_kw(p, "done") < 0)
		return -1;
	*out = n;
	return parse_trailing_redirs(p, n);
}

/* do ... done, or a { } body as bash allows after for. */
static int parse_do_group(struct parser *p, struct shell_node *n)
{
	if (skip_newlines(p) < 0)
		return -1;
	if (tok_is_kw(&p->tok, "{")) {
		struct shell_node *b;

		if (parse_group(p, &b, true) < 0)
			return -1;
		n->child = b->child;
		return 0;
	}
	if (expect_kw(p, "do") < 0 || parse_body(p, &n->child, "'done'") < 0 ||
	    expect_kw(p, "done") < 0)
		return -1;
	return 0;
}

/* Skip blanks at p->pos without lexing (for lookahead on raw text). */
static size_t skip_blanks_at(const struct parser *p, size_t i)
{
	while (i < p->end && is_blank((unsigned char)p->s[i]))
		i++;
	return i;
}

static int parse_arith_word(struct parser *p, size_t open, size_t close, struct shell_word **out)
{
	struct shell_word *w = alloc_item(p, sizeof(*w));
	struct shell_part *pt;

	if (!w)
		return -1;
	pt = new_part(p, SHELL_PART_ARITH, open);
	if (!pt)
		return -1;
	pt->text = arena_strndup(p->t, p->s + open + 2, close - open - 2);
	pt->text_len = close - open - 2;
	if (enter(p) < 0 || scan_region(p, open + 2, close, false, &pt->arg, &w->flags) < 0)
		return -1;
	leave(p);
	set_span(p, &pt->start, &pt->len, open, close + 2);
	set_span(p, &w->start, &w->len, open, close + 2);
	w->flags |= SHELL_W_ARITH;
	w->parts = pt;
	*out = w;
	return 0;
}

static int parse_for(struct parser *p, struct shell_node **out)
{
	struct shell_node *n = new_node(p, SHELL_FOR, p->tok.start);
	struct shell_word **wt;
	size_t i, close;
	int r;

	if (!n)
		return -1;
	n->select = tok_is_kw(&p->tok, "select");
	consume(p);
	i = skip_blanks_at(p, p->pos);
	if (!n->select && i + 1 < p->end && p->s[i] == '(' && p->s[i + 1] == '(') {
		r = scan_arith(p, i + 2, &close);
		if (r < 0)
			return -1;
		if (r == 0)
			return syntax(p, i, "bad for ((...)) loop");
		n->arith = true;
		if (parse_arith_word(p, i, close, &n->words) < 0)
			return -1;
		n->n_words = 1;
		p->pos = close + 2;
		p->last_end = p->pos;
		if (peek(p) < 0)
			return -1;
		if (p->tok.kind == T_SEMI)
			consume(p);
		if (parse_do_group(p, n) < 0)
			return -1;
		*out = n;
		return parse_trailing_redirs(p, n);
	}
	if (peek(p) < 0)
		return -1;
	if (p->tok.kind != T_WORD || !p->tok.word->text)
		return p->tok.kind == T_EOF ? early_end(p, "missing loop variable")
					    : syntax(p, p->tok.start, "expected a loop variable");
	n->var = p->tok.word;
	consume(p);
	if (skip_newlines(p) < 0)
		return -1;
	if (tok_is_kw(&p->tok, "in")) {
		n->has_in = true;
		consume(p);
		wt = &n->words;
		for (;;) {
			if (peek(p) < 0)
				return -1;
			if (p->tok.kind != T_WORD)
				break;
			*wt = p->tok.word;
			wt = &(*wt)->next;
			n->n_words++;
			consume(p);
		}
		if (p->tok.kind != T_SEMI && p->tok.kind != T_NEWLINE)
			return unexpected(p);
		consume(p);
	} else if (p->tok.kind == T_SEMI) {
		consume(p);
	}
	if (parse_do_group(p, n) < 0)
		return -1;
	*out = n;
	return parse_trailing_redirs(p, n);
}

static int parse_case(struct parser *p, struct shell_node **out)
{
	struct shell_node *n = new_node(p, SHELL_CASE, p->tok.start);
	struct shell_case_item **it;

	if (!n)
		return -1;
	consume(p);
	if (peek(p) < 0)
		return -1;
	if (p->tok.kind != T_WORD)
		return p->tok.kind == T_EOF ? early_end(p, "missing case word") : unexpected(p);
	n->words = p->tok.word;
	n->n_words = 1;
	consume(p);
	if (skip_newlines(p) < 0 || expect_kw(p, "in") < 0)
		return -1;
	it = &n->items;
	for (;;) {
		struct shell_case_item *ci;
		struct shell_word **pt;

		if (skip_newlines(p) < 0)
			return -1;
		if (tok_is_kw(&p->tok, "esac")) {
			consume(p);
			break;
		}
		if (p->tok.kind == T_EOF)
			return early_end(p, "missing 'esac'");
		ci = alloc_item(p, sizeof(*ci));
		if (!ci)
			return -1;
		set_span(p, &ci->start, &ci->len, p->tok.start, p->tok.start);
		ci->term = "";
		if (p->tok.kind == T_LPAREN) {
			consume(p);
			if (peek(p) < 0)
				return -1;
		}
		pt = &ci->patterns;
		for (;;) {
			if (p->tok.kind != T_WORD)
				return p->tok.kind == T_EOF ? early_end(p, "missing case pattern")
							    : unexpected(p);
			*pt = p->tok.word;
			pt = &(*pt)->next;
			consume(p);
			if (peek(p) < 0)
				return -1;
			if (p->tok.kind != T_PIPE)
				break;
			consume(p);
			if (peek(p) < 0)
				return -1;
		}
		if (p->tok.kind != T_RPAREN)
			return p->tok.kind == T_EOF ? early_end(p, "missing ')' in case") : unexpected(p);
		consume(p);
		if (parse_list(p, &ci->body) < 0)
			return -1;
		if (!ci->body->child)
			ci->body = NULL;
		if (p->tok.kind == T_DSEMI || p->tok.kind == T_SEMI_AMP || p->tok.kind == T_DSEMI_AMP) {
			ci->term = p->tok.kind == T_DSEMI ? ";;" : p->tok.kind == T_SEMI_AMP ? ";&" : ";;&";
			consume(p);
		} else if (!tok_is_kw(&p->tok, "esac")) {
			return p->tok.kind == T_EOF ? early_end(p, "missing 'esac'") : unexpected(p);
		}
		if (!p->override && p->last_end > ci->start)
			ci->len = p->last_end - ci->start;
		*it = ci;
		it = &ci->next;
	}
	*out = n;
	return parse_trailing_redirs(p, n);
}

static int parse_cond(struct parser *p, struct shell_node **out)
{
	struct shell_node *n = new_node(p, SHELL_COND, p->tok.start);
	struct shell_word **wt;

	if (!n)
		return -1;
	consume(p);
	p->cond_mode = true;
	wt = &n->words;
	for (;;) {
		if (peek(p) < 0)
			return -1;
		if (p->tok.kind == T_EOF)
			return early_end(p, "missing ']]'");
		if (tok_is_kw(&p->tok, "]]"))
			break;
		*wt = p->tok.word;
		wt = &(*wt)->next;
		n->n_words++;
		consume(p);
	}
	p->cond_mode = false;
	consume(p);
	*out = n;
	return parse_trailing_redirs(p, n);
}

static int parse_function(struct parser *p, struct shell_node **out, bool keyword)
{
	struct shell_node *n = new_node(p, SHELL_FUNCTION, p->tok.start);
	size_t i;

	if (!n)
		return -1;
	if (keyword) {
		consume(p);
		if (peek(p) < 0)
			return -1;
		if (p->tok.kind != T_WORD || !p->tok.word->text)
			return p->tok.kind == T_EOF ? early_end(p, "missing function name")
						    : syntax(p, p->tok.start, "bad function name");
	}
	n->var = p->tok.word;
	consume(p);
	i = skip_blanks_at(p, p->pos);
	if (i < p->end && p->s[i] == '(') {
		/* name ( ): the parentheses, with optional blanks. */
		i = skip_blanks_at(p, i + 1);
		if (i >= p->end || p->s[i] != ')')
			return syntax(p, i, "expected ')' in function definition");
		p->pos = i + 1;
		p->last_end = p->pos;
	}
	if (skip_newlines(p) < 0)
		return -1;
	if (p->tok.kind == T_EOF)
		return early_end(p, "missing function body");
	if (enter(p) < 0 || parse_command(p, &n->child) < 0)
		return -1;
	leave(p);
	if (n->child->kind == SHELL_SIMPLE || n->child->kind == SHELL_FUNCTION)
		return syntax(p, n->child->start, "function body must be a compound command");
	end_node(p, n);
	*out = n;
	return 0;
}

/* Is the word token in command position followed by "( )"? */
static bool looks_like_funcdef(const struct parser *p)
{
	size_t i = skip_blanks_at(p, p->pos);

	if (i >= p->end || p->s[i] != '(')
		return false;
	i = skip_blanks_at(p, i + 1);
	return i < p->end && p->s[i] == ')';
}

/* Is the word just read bash's `coproc` before a compound command
 * (`coproc { ...; }`, `coproc NAME ( ... )`, `coproc while ...`)? Then
 * *name says whether a NAME comes first. `coproc cmd args` is left a
 * simple command: its program is a wrapper like nohup. */
static bool looks_like_coproc(const struct parser *p, bool *name)
{
	static const char *const kws[] = {"while", "until", "if", "for", "select", "case", "[["};
	size_t i = skip_blanks_at(p, p->pos), j;

	*name = false;
	if (i >= p->end)
		return false;
	if (p->s[i] == '{' || p->s[i] == '(')
		return true;
	for (size_t k = 0; k < ARRAY_SIZE(kws); k++) {
		size_t n = strlen(kws[k]);

		if (p->end - i > n && !memcmp(p->s + i, kws[k], n) &&
		    (p->s[i + n] == ' ' || p->s[i + n] == '\t' || p->s[i + n] == '\n'))
			return true;
	}
	if (!is_name_start((unsigned char)p->s[i]))
		return false;
	for (j = i + 1; j < p->end && is_name_char((unsigned char)p->s[j]); j++)
		;
	j = skip_blanks_at(p, j);
	*name = j < p->end && (p->s[j] == '{' || p->s[j] == '(');
	return *name;
}

static int parse_command(struct parser *p, struct shell_node **out)
{
	struct tok *t = &p->tok;
	bool coproc_name;
	int r = -1;

	if (peek(p) < 0)
		return -1;
	if (enter(p) < 0)
		return -1;
	if (t->kind == T_LPAREN) {
		size_t close;
		int a = 0;

		if (t->start + 1 < p->end && p->s[t->start + 1] == '(') {
			a = scan_arith(p, t->start + 2, &close);
			if (a < 0)
				goto out;
		}
		if (a == 1) {
			struct shell_node *n = new_node(p, SHELL_ARITH, t->start);

			if (!n || parse_arith_word(p, t->start, close, &n->words) < 0)
				goto out;
			n->n_words = 1;
			p->have_tok = false;
			p->pos = close + 2;
			p->last_end = p->pos;
			*out = n;
			r = parse_trailing_redirs(p, n);
		} else {
			r = parse_group(p, out, false);
		}
	} else if (t->kind == T_WORD) {
		if (tok_is_kw(t, "coproc") && looks_like_coproc(p, &coproc_name)) {
			/* The compound command runs as it would in the
			 * foreground, so it stands for the coproc. */
			consume(p);
			if (coproc_name) {
				if (peek(p) < 0)
					goto out;
				consume(p);
			}
			r = parse_command(p, out);
		} else if (tok_is_kw(t, "{"))
			r = parse_group(p, out, true);
		else if (tok_is_kw(t, "if"))
			r = parse_if(p, out);
		else if (tok_is_kw(t, "while"))
			r = parse_loop(p, out, SHELL_WHILE);
		else if (tok_is_kw(t, "until"))
			r = parse_loop(p, out, SHELL_UNTIL);
		else if (tok_is_kw(t, "for") || tok_is_kw(t, "select"))
			r = parse_for(p, out);
		else if (tok_is_kw(t, "case"))
			r = parse_case(p, out);
		else if (tok_is_kw(t, "[["))
			r = parse_cond(p, out);
		else if (tok_is_kw(t, "function"))
			r = parse_function(p, out, true);
		else if (t->word->text && !(t->word->flags & SHELL_W_ASSIGN) && looks_like_funcdef(p))
			r = parse_function(p, out, false);
		else if (tok_is_kw(t, "then") || tok_is_kw(t, "else") || tok_is_kw(t, "elif") ||
			 tok_is_kw(t, "fi") || tok_is_kw(t, "do") || tok_is_kw(t, "done") ||
			 tok_is_kw(t, "esac") || tok_is_kw(t, "}") || tok_is_kw(t, "in"))
			r = unexpected(p);
		else
			r = parse_simple(p, out);
	} else if (t->kind == T_REDIR) {
		r = parse_simple(p, out);
	} else {
		r = unexpected(p);
	}
out:
	if (r == 0)
		leave(p);
	return r;
}

static int parse_pipeline(struct parser *p, struct shell_node **out)
{
	struct shell_node *first, *last, *n = NULL;
	size_t start;
	bool bang = false;

	if (peek(p) < 0)
		return -1;
	start = p->tok.start;
	if (tok_is_kw(&p->tok, "!")) {
		bang = true;
		consume(p);
	}
	if (parse_command(p, &first) < 0)
		return -1;
	last = first;
	for (;;) {
		struct shell_node *c;

		if (peek(p) < 0)
			return -1;
		if (p->tok.kind != T_PIPE && p->tok.kind != T_PIPE_ERR)
			break;
		if (!n) {
			n = new_node(p, SHELL_PIPELINE, start);
			if (!n)
				return -1;
			n->child = first;
		}
		last->pipe_err = p->tok.kind == T_PIPE_ERR;
		consume(p);
		if (skip_newlines(p) < 0)
			return -1;
		if (p->tok.kind == T_EOF)
			return early_end(p, "missing command after '|'");
		if (parse_command(p, &c) < 0)
			return -1;
		last->next = c;
		last = c;
	}
	if (bang && !n) {
		n = new_node(p, SHELL_PIPELINE, start);
		if (!n)
			return -1;
		n->child = first;
	}
	if (n) {
		n->bang = bang;
		end_node(p, n);
		*out = n;
	} else {
		*out = first;
	}
	return 0;
}

/* Can the current token start a command? Everything else ends a list. */
static bool starts_command(const struct parser *p)
{
	const struct tok *t = &p->tok;

	if (t->kind == T_LPAREN || t->kind == T_REDIR)
		return true;
	if (t->kind != T_WORD)
		return false;
	return !(tok_is_kw(t, "then") || tok_is_kw(t, "else") || tok_is_kw(t, "elif") ||
		 tok_is_kw(t, "fi") || tok_is_kw(t, "do") || tok_is_kw(t, "done") ||
		 tok_is_kw(t, "esac") || tok_is_kw(t, "}"));
}

/* A list: items separated by ; & && || and newlines. Stops, without
 * consuming it, at the first token that cannot start a command; the
 * caller checks that it is the terminator it wants. */
static int parse_list(struct parser *p, struct shell_node **out)
{
	struct shell_node *l, **tail;

	if (peek(p) < 0)
		return -1;
	l = new_node(p, SHELL_LIST, p->tok.start);
	if (!l)
		return -1;
	tail = &l->child;
	*out = l;
	for (;;) {
		struct shell_node *item = NULL;
		enum shell_sep sep;

		if (skip_newlines(p) < 0)
			return -1;
		if (!starts_command(p))
			break;
		if (!l->child && !p->override)
			l->start = p->tok.start;
		if (parse_pipeline(p, &item) < 0)
			return -1;
		*tail = item;
		tail = &item->next;
		if (peek(p) < 0)
			return -1;
		switch (p->tok.kind) {
		case T_SEMI: sep = SHELL_SEP_SEMI; break;
		case T_NEWLINE: sep = SHELL_SEP_NEWLINE; break;
		case T_AMP: sep = SHELL_SEP_AMP; break;
		case T_AND: sep = SHELL_SEP_AND; break;
		case T_OR: sep = SHELL_SEP_OR; break;
		default: sep = SHELL_SEP_END; break;
		}
		item->sep = sep;
		if (sep == SHELL_SEP_END)
			break;
		consume(p);
		if (sep == SHELL_SEP_AND || sep == SHELL_SEP_OR) {
			if (skip_newlines(p) < 0)
				return -1;
			if (p->tok.kind == T_EOF) {
				char msg[48];

				snprintf(msg, sizeof(msg), "missing command after '%s'",
					 shell_sep_name(sep));
				return early_end(p, msg);
			}
			if (!starts_command(p))
				return unexpected(p);
		} else if (p->top && *p->depth == 0) {
			p->t->ok_len = p->last_end;
		}
	}
	end_node(p, l);
	if (!l->child && !p->override)
		l->len = 0;
	return 0;
}

int shell_parse(struct shell_tree *t, const char *src, size_t len, unsigned flags,
		struct err *err)
{
	struct shell_redir *heredocs[SHELL_MAX_HEREDOCS];
	size_t n_heredocs = 0;
	struct parser p;
	int depth = 0;
	struct shell_node *root;
	struct err local_err;

	/* The parser relies on err->code to keep the first error. */
	if (!err)
		err = &local_err;
	if (!src)
		len = 0;
	arena_reset(t);
	t->root = NULL;
	t->n_items = 0;
	t->err_pos = 0;
	t->incomplete = false;
	t->ok_len = 0;
	t->src = NULL;
	t->len = 0;
	err_clear(err);
	if (len > SHELL_MAX_INPUT)
		return err_set(err, ERR_LIMIT, "shell: command is %zu bytes, over the %d-byte limit",
			       len, SHELL_MAX_INPUT);
	t->src = arena_strndup(t, src ? src : "", src ? len : 0);
	t->len = len;
	if (memchr(t->src, '\0', len)) {
		t->err_pos = (size_t)((char *)memchr(t->src, '\0', len) - t->src);
		return err_set(err, ERR_LIMIT, "shell: NUL byte in command at offset %zu",
			       t->err_pos);
	}

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.s = t->src;
	p.end = len;
	p.flags = flags;
	p.err = err;
	p.depth = &depth;
	p.heredocs = heredocs;
	p.n_heredocs = &n_heredocs;
	p.scratch = arena_alloc(t, len + 1);
	p.top = true;
	if (parse_list(&p, &root) < 0)
		goto fail;
	if (p.tok.kind != T_EOF) {
		unexpected(&p);
		goto fail;
	}
	if (n_heredocs && read_heredocs(&p) < 0)
		goto fail;
	t->root = root;
	t->ok_len = len;
	return 0;
fail:
	if (err->code == ERR_OK)
		err_set(err, ERR_INTERNAL, "shell: parse failed");
	t->root = NULL;
	return -1;
}

/* ---- walking ---------------------------------------------------------- */

static int walk_words(const struct shell_word *w, shell_visit_fn fn, void *ctx);

static int walk_parts(const struct shell_part *pt, shell_visit_fn fn, void *ctx)
{
	for (; pt; pt = pt->next) {
		if (pt->sub && shell_walk(pt->sub, fn, ctx) < 0)
			return -1;
		if (pt->arg && walk_parts(pt->arg, fn, ctx) < 0)
			return -1;
		if (pt->elems && walk_words(pt->elems, fn, ctx) < 0)
			return -1;
	}
	return 0;
}

static int walk_words(const struct shell_word *w, shell_visit_fn fn, void *ctx)
{
	for (; w; w = w->next)
		if ((w->flags & SHELL_W_DYNAMIC) && walk_parts(w->parts, fn, ctx) < 0)
			return -1;
	return 0;
}

int shell_walk(const struct shell_node *n, shell_visit_fn fn, void *ctx)
{
	const struct shell_node *c;
	const struct shell_redir *r;
	const struct shell_case_item *ci;
	int v;

	if (!n)
		return 0;
	v = fn(n, ctx);
	if (v < 0)
		return -1;
	if (v > 0)
		return 0;
	if (walk_words(n->assigns, fn, ctx) < 0 || walk_words(n->words, fn, ctx) < 0)
		return -1;
	if (shell_walk(n->cond, fn, ctx) < 0)
		return -1;
	for (c = n->child; c; c = c->next)
		if (shell_walk(c, fn, ctx) < 0)
			return -1;
	if (shell_walk(n->alt, fn, ctx) < 0)
		return -1;
	for (ci = n->items; ci; ci = ci->next)
		if (walk_words(ci->patterns, fn, ctx) < 0 || shell_walk(ci->body, fn, ctx) < 0)
			return -1;
	for (r = n->redirs; r; r = r->next)
		if (walk_words(r->target, fn, ctx) < 0 ||
		    (r->body && walk_words(r->body, fn, ctx) < 0))
			return -1;
	return 0;
}

bool shell_is_one_line(const struct shell_node *root)
{
	const struct shell_node *c;

	if (!root || root->kind != SHELL_LIST || !root->child)
		return false;
	for (c = root->child; c; c = c->next)
		if (c->sep == SHELL_SEP_NEWLINE && c->next)
			return false;
	return true;
}

/* ---- names and dump --------------------------------------------------- */

const char *shell_kind_name(enum shell_kind k)
{
	static const char *const names[] = {
		"list", "pipeline", "simple", "subshell", "brace", "if", "for",
		"while", "until", "case", "function", "cond", "arith",
	};

	return (size_t)k < ARRAY_SIZE(names) ? names[k] : "?";
}

const char *shell_sep_name(enum shell_sep s)
{
	static const char *const names[] = {"", ";", "\\n", "&", "&&", "||"};

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "?";
}

const char *shell_redir_op_name(enum shell_redir_op op)
{
	static const char *const names[] = {
		"<", ">", ">>", ">|", "<>", "<&", ">&", "&>", "&>>", "<<", "<<-", "<<<",
	};

	return (size_t)op < ARRAY_SIZE(names) ? names[op] : "?";
}

static void dump_text(struct buf *b, const char *s, size_t n, bool quoted)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '"' || c == '\\' || c == '$' || c == '`')
			buf_addf(b, "\\%c", c);
		else if (quoted && (c == '*' || c == '?' || c == '[' || c == '~'))
			buf_addf(b, "\\%c", c);
		else if ((unsigned char)c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", (unsigned char)c);
		else
			buf_addch(b, c);
	}
}

static void dump_word(const struct shell_word *w, struct buf *b);

static void dump_parts(const struct shell_part *pt, struct buf *b)
{
	for (; pt; pt = pt->next) {
		switch (pt->kind) {
		case SHELL_PART_LIT:
			dump_text(b, pt->text, pt->text_len, pt->quote != SHELL_Q_NONE);
			break;
		case SHELL_PART_TILDE:
			buf_addf(b, "~%s", pt->text);
			break;
		case SHELL_PART_PARAM:
			if (!(pt->pflags & SHELL_P_BRACED)) {
				buf_addf(b, "$%s", pt->text);
				break;
			}
			buf_addf(b, "${%s%s%s", pt->pflags & SHELL_P_LENGTH ? "#" :
				 pt->pflags & SHELL_P_INDIRECT ? "!" : "", pt->text, pt->op);
			dump_parts(pt->arg, b);
			buf_addch(b, '}');
			break;
		case SHELL_PART_CMDSUB:
			buf_adds(b, "$( ");
			shell_dump(pt->sub, b);
			buf_addch(b, ')');
			break;
		case SHELL_PART_PROCSUB:
			buf_addf(b, "%s( ", pt->op);
			shell_dump(pt->sub, b);
			buf_addch(b, ')');
			break;
		case SHELL_PART_ARITH:
			buf_adds(b, "$((");
			dump_parts(pt->arg, b);
			buf_adds(b, "))");
			break;
		case SHELL_PART_ARRAY: {
			const struct shell_word *e;

			buf_addch(b, '(');
			for (e = pt->elems; e; e = e->next) {
				dump_word(e, b);
				if (e->next)
					buf_addch(b, ' ');
			}
			buf_addch(b, ')');
			break;
		}
		}
	}
}

static void dump_word(const struct shell_word *w, struct buf *b)
{
	buf_addch(b, '"');
	dump_parts(w->parts, b);
	buf_addch(b, '"');
}

static void dump_words(const struct shell_word *w, struct buf *b)
{
	for (; w; w = w->next) {
		buf_addch(b, ' ');
		dump_word(w, b);
	}
}

static void dump_redirs(const struct shell_redir *r, struct buf *b)
{
	for (; r; r = r->next) {
		bool dflt = (r->fd == 0 && (r->op == SHELL_REDIR_IN || r->op == SHELL_REDIR_RDWR ||
					   r->op == SHELL_REDIR_DUP_IN || r->op >= SHELL_REDIR_HEREDOC)) ||
			    (r->fd == 1 && (r->op == SHELL_REDIR_OUT || r->op == SHELL_REDIR_APPEND ||
					    r->op == SHELL_REDIR_CLOBBER || r->op == SHELL_REDIR_DUP_OUT)) ||
			    r->fd == -1;

		buf_addch(b, ' ');
		if (!dflt)
			buf_addf(b, "%d", r->fd);
		buf_adds(b, shell_redir_op_name(r->op));
		dump_word(r->target, b);
		if (r->body) {
			buf_addch(b, ':');
			dump_word(r->body, b);
		}
	}
}

void shell_dump(const struct shell_node *n, struct buf *b)
{
	const struct shell_node *c;
	const struct shell_case_item *ci;

	if (!n) {
		buf_adds(b, "()");
		return;
	}
	if (n->kind == SHELL_LIST && n->child && !n->child->next && n->child->sep == SHELL_SEP_END) {
		shell_dump(n->child, b);
		return;
	}
	buf_addf(b, "(%s", shell_kind_name(n->kind));
	switch (n->kind) {
	case SHELL_LIST:
		for (c = n->child; c; c = c->next) {
			buf_addch(b, ' ');
			shell_dump(c, b);
			if (c->sep != SHELL_SEP_END)
				buf_addf(b, " %s", shell_sep_name(c->sep));
		}
		break;
	case SHELL_PIPELINE:
		if (n->bang)
			buf_adds(b, " !");
		for (c = n->child; c; c = c->next) {
			buf_addch(b, ' ');
			shell_dump(c, b);
			if (c->pipe_err)
				buf_adds(b, " |&");
		}
		break;
	case SHELL_SIMPLE:
		for (const struct shell_word *a = n->assigns; a; a = a->next) {
			buf_addch(b, ' ');
			dump_word(a, b);
		}
		dump_words(n->words, b);
		break;
	case SHELL_IF:
		buf_addch(b, ' ');
		shell_dump(n->cond, b);
		buf_addch(b, ' ');
		shell_dump(n->child, b);
		if (n->alt) {
			buf_addch(b, ' ');
			shell_dump(n->alt, b);
		}
		break;
	case SHELL_WHILE:
	case SHELL_UNTIL:
		buf_addch(b, ' ');
		shell_dump(n->cond, b);
		buf_addch(b, ' ');
		shell_dump(n->child, b);
		break;
	case SHELL_FOR:
		if (n->select)
			buf_adds(b, " select");
		if (n->var) {
			buf_addch(b, ' ');
			dump_word(n->var, b);
		}
		if (n->has_in || n->arith) {
			buf_adds(b, " (");
			dump_words(n->words, b);
			buf_adds(b, " )");
		}
		buf_addch(b, ' ');
		shell_dump(n->child, b);
		break;
	case SHELL_CASE:
		dump_words(n->words, b);
		for (ci = n->items; ci; ci = ci->next) {
			buf_adds(b, " (");
			dump_words(ci->patterns, b);
			buf_adds(b, " ) ");
			shell_dump(ci->body, b);
			if (*ci->term)
				buf_addf(b, " %s", ci->term);
		}
		break;
	case SHELL_FUNCTION:
		buf_addch(b, ' ');
		dump_word(n->var, b);
		buf_addch(b, ' ');
		shell_dump(n->child, b);
		break;
	case SHELL_COND:
	case SHELL_ARITH:
		dump_words(n->words, b);
		break;
	case SHELL_SUBSHELL:
	case SHELL_BRACE:
		buf_addch(b, ' ');
		shell_dump(n->child, b);
		break;
	}
	dump_redirs(n->redirs, b);
	buf_addch(b, ')');
}
