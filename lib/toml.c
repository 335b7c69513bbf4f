/*
 * toml.c: a strict parser for the TOML subset in toml.h.
 *
 * A recursive-descent reader over one buffer with a line counter. Caps keep
 * hostile files cheap: 1 MiB of input, 1024 array items. Strings must be
 * valid UTF-8 without raw control characters, as TOML requires.
 */
#include "toml.h"

#include "buf.h"
#include "utf8.h"

#include <errno.h>
#include <math.h>

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	int line;
	struct err *err;
	struct toml_doc *doc;
	char *table; /* current [table], "" at the root */
};

static int fail(struct parser *p, const char *fmt, const char *arg)
{
	char what[200];

	snprintf(what, sizeof(what), fmt, arg);
	return err_set(p->err, ERR_PARSE, "line %d: %s", p->line, what);
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

static void skip_comment(struct parser *p)
{
	if (peek(p) == '#')
		while (p->pos < p->len && p->s[p->pos] != '\n')
			p->pos++;
}

/* Whitespace, newlines and comments, as allowed inside arrays. */
static void skip_ws_nl(struct parser *p)
{
	for (;;) {
		skip_ws(p);
		skip_comment(p);
		if (peek(p) == '\n') {
			p->pos++;
			p->line++;
		} else if (peek(p) == '\r' && p->pos + 1 < p->len && p->s[p->pos + 1] == '\n') {
			p->pos += 2;
			p->line++;
		} else {
			return;
		}
	}
}

/* After a value or header: optional comment, then end of line or input. */
static int expect_eol(struct parser *p)
{
	skip_ws(p);
	skip_comment(p);
	if (p->pos >= p->len)
		return 0;
	if (p->s[p->pos] == '\r' && p->pos + 1 < p->len && p->s[p->pos + 1] == '\n')
		p->pos++;
	if (p->s[p->pos] == '\n') {
		p->pos++;
		p->line++;
		return 0;
	}
	{
		/* The input need not be NUL-terminated: copy a bounded snippet. */
		char snip[24];
		size_t n = 0;

		while (n < sizeof(snip) - 1 && p->pos + n < p->len && p->s[p->pos + n] != '\n' &&
		       p->s[p->pos + n] != '\r')
			n++;
		memcpy(snip, p->s + p->pos, n);
		snip[n] = '\0';
		return fail(p, "unexpected '%s' after the value", snip);
	}
}

static void put_utf8(struct buf *b, uint32_t c)
{
	if (c < 0x80) {
		buf_addch(b, (char)c);
	} else if (c < 0x800) {
		buf_addch(b, (char)(0xC0 | (c >> 6)));
		buf_addch(b, (char)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		buf_addch(b, (char)(0xE0 | (c >> 12)));
		buf_addch(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_addch(b, (char)(0x80 | (c & 0x3F)));
	} else {
		buf_addch(b, (char)(0xF0 | (c >> 18)));
		buf_addch(b, (char)(0x80 | ((c >> 12) & 0x3F)));
		buf_addch(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_addch(b, (char)(0x80 | (c & 0x3F)));
	}
}

/* A "basic" or 'literal' string; the opening quote is at p->pos. */
static int parse_string(struct parser *p, char **out)
{
	char q = p->s[p->pos];
	struct buf b = BUF_INIT;

	if (p->pos + 2 < p->len && p->s[p->pos + 1] == q && p->s[p->pos + 2] == q)
		return fail(p, "%s", "multi-line strings are not supported");
	p->pos++;
	buf_grow(&b, 16);
	for (;;) {
		unsigned char c;
		size_t ulen;

		if (p->pos >= p->len || p->s[p->pos] == '\n') {
			buf_release(&b);
			return fail(p, "%s", "unterminated string");
		}
		c = (unsigned char)p->s[p->pos];
		if (c == (unsigned char)q) {
			p->pos++;
			break;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			buf_release(&b);
			return fail(p, "%s", "control character in string");
		}
		if (c == '\\' && q == '"') {
			char e = p->pos + 1 < p->len ? p->s[p->pos + 1] : '\0';
			uint32_t u = 0;
			int digits = 0;

			p->pos += 2;
			switch (e) {
			case 'b': buf_addch(&b, '\b'); continue;
			case 't': buf_addch(&b, '\t'); continue;
			case 'n': buf_addch(&b, '\n'); continue;
			case 'f': buf_addch(&b, '\f'); continue;
			case 'r': buf_addch(&b, '\r'); continue;
			case 'e': buf_addch(&b, '\033'); continue;
			case '"': buf_addch(&b, '"'); continue;
			case '\\': buf_addch(&b, '\\'); continue;
			case 'u': digits = 4; break;
			case 'U': digits = 8; break;
			default:
				buf_release(&b);
				return fail(p, "%s", "bad escape in string");
			}
			for (int i = 0; i < digits; i++, p->pos++) {
				char h = p->pos < p->len ? p->s[p->pos] : '\0';
				int v = (h >= '0' && h <= '9') ? h - '0' :
					(h >= 'a' && h <= 'f') ? h - 'a' + 10 :
					(h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;

				if (v < 0) {
					buf_release(&b);
					return fail(p, "%s", "bad unicode escape");
				}
				u = u * 16 + (uint32_t)v;
			}
			if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF) || u == 0) {
				buf_release(&b);
				return fail(p, "%s", "bad unicode escape");
			}
			put_utf8(&b, u);
			continue;
		}
		ulen = utf8_seq_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
		if (ulen == 0) {
			buf_release(&b);
			return fail(p, "%s", "invalid UTF-8 in string");
		}
		buf_add(&b, p->s + p->pos, ulen);
		p->pos += ulen;
	}
	*out = buf_detach(&b);
	return 0;
}

static bool bare_key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* key or key.key."quoted key", appended to name with dots. */
static int parse_key(struct parser *p, struct buf *name)
{
	for (;;) {
		skip_ws(p);
		if (peek(p) == '"' || peek(p) == '\'') {
			char *part;

			if (parse_string(p, &part) != 0)
				return -1;
			buf_adds(name, part);
			free(part);
		} else {
			size_t start = p->pos;

			while (p->pos < p->len && bare_key_char(p->s[p->pos]))
				p->pos++;
			if (p->pos == start)
				return fail(p, "%s", "expected a key");
			buf_add(name, p->s + start, p->pos - start);
		}
		skip_ws(p);
		if (peek(p) != '.')
			return 0;
		p->pos++;
		buf_addch(name, '.');
	}
}

static int parse_number(struct parser *p, struct toml_entry *e)
{
	char num[64];
	size_t n = 0, start = p->pos;
	bool is_float = false;
	char *end;

	while (p->pos < p->len && n + 1 < sizeof(num)) {
		char c = p->s[p->pos];

		if (c == '_') {
			p->pos++;
			continue;
		}
		if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' ||
		      c == 'E' || c == 'i' || c == 'n' || c == 'f' || c == 'a'))
			break;
		if (c == '.' || c == 'e' || c == 'E' || c == 'i' || c == 'n')
			is_float = true;
		num[n++] = c;
		p->pos++;
	}
	num[n] = '\0';
	if (n >= 5 && num[4] == '-' && strspn(num, "0123456789") == 4)
		return fail(p, "%s", "dates and times are not supported");
	if (n == 0 || p->pos == start)
		return fail(p, "%s", "expected a value (string, number, boolean or array)");
	errno = 0;
	if (is_float) {
		e->type = TOML_FLOAT;
		if (str_eq(num, "inf") || str_eq(num, "+inf"))
			e->f = INFINITY;
		else if (str_eq(num, "-inf"))
			e->f = -INFINITY;
		else if (strstr(num, "nan"))
			e->f = NAN;
		else
			e->f = strtod(num, &end);
		if (!strstr(num, "inf") && !strstr(num, "nan") && (*end || errno))
			return fail(p, "bad number '%s'", num);
	} else {
		e->type = TOML_INT;
		e->i = strtoll(num, &end, 10);
		if (*end || errno == ERANGE)
			return fail(p, "bad integer '%s'", num);
	}
	return 0;
}

static int parse_array(struct parser *p, struct toml_entry *e)
{
	size_t cap = 0;

	e->type = TOML_ARRAY;
	p->pos++; /* [ */
	for (;;) {
		char *item;

		skip_ws_nl(p);
		if (peek(p) == ']') {
			p->pos++;
			return 0;
		}
		if (peek(p) != '"' && peek(p) != '\'')
			return fail(p, "%s", "arrays may only hold strings here");
		if (e->n_arr >= TOML_MAX_ARRAY)
			return fail(p, "%s", "array too long");
		if (parse_string(p, &item) != 0)
			return -1;
		if (e->n_arr == cap) {
			cap = cap ? cap * 2 : 4;
			e->arr = xrealloc(e->arr, cap * sizeof(*e->arr));
		}
		e->arr[e->n_arr++] = item;
		skip_ws_nl(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == ']') {
			p->pos++;
			return 0;
		}
		return fail(p, "%s", "expected ',' or ']' in array");
	}
}

static int parse_value(struct parser *p, struct toml_entry *e)
{
	int c = peek(p);

	e->val_start = p->pos;
	if (c == '"' || c == '\'') {
		e->type = TOML_STRING;
		if (parse_string(p, &e->s) != 0)
			return -1;
	} else if (c == '[') {
		if (parse_array(p, e) != 0)
			return -1;
	} else if (c == '{') {
		return fail(p, "%s", "inline tables are not supported");
	} else if (p->len - p->pos >= 4 && strncmp(p->s + p->pos, "true", 4) == 0 &&
		   !bare_key_char(p->pos + 4 < p->len ? p->s[p->pos + 4] : ' ')) {
		e->type = TOML_BOOL;
		e->b = true;
		p->pos += 4;
	} else if (p->len - p->pos >= 5 && strncmp(p->s + p->pos, "false", 5) == 0 &&
		   !bare_key_char(p->pos + 5 < p->len ? p->s[p->pos + 5] : ' ')) {
		e->type = TOML_BOOL;
		e->b = false;
		p->pos += 5;
	} else if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) &&
		   strncmp(p->s + p->pos, "inf", MIN(3, p->len - p->pos)) != 0 &&
		   strncmp(p->s + p->pos, "nan", MIN(3, p->len - p->pos)) != 0) {
		return fail(p, "%s", "strings need quotes (\"...\" or '...')");
	} else {
		if (parse_number(p, e) != 0)
			return -1;
		if (p->pos < p->len && (p->s[p->pos] == ':' || p->s[p->pos] == 'T' ||
					(e->type == TOML_INT && p->s[p->pos] == '-')))
			return fail(p, "%s", "dates and times are not supported");
	}
	e->val_end = p->pos;
	return 0;
}

static void entry_release(struct toml_entry *e)
{
	free(e->name);
	free(e->s);
	for (size_t i = 0; i < e->n_arr; i++)
		free(e->arr[i]);
	free(e->arr);
}

static int parse_line(struct parser *p, size_t *cap_e, size_t *cap_t)
{
	struct toml_doc *d = p->doc;
	struct buf name = BUF_INIT;
	struct toml_entry e;

	if (peek(p) == '[') {
		struct toml_table *t;
		int line = p->line;
		size_t start = p->pos;

		while (start > 0 && p->s[start - 1] != '\n')
			start--;
		p->pos++;
		if (peek(p) == '[')
			return fail(p, "%s", "arrays of tables are not supported");
		if (parse_key(p, &name) != 0)
			goto bad;
		if (peek(p) != ']') {
			fail(p, "%s", "expected ']' after the table name");
			goto bad;
		}
		p->pos++;
		for (size_t i = 0; i < d->n_tables; i++) {
			if (str_eq(d->t[i].name, name.s)) {
				fail(p, "table [%s] defined twice", name.s);
				goto bad;
			}
		}
		if (expect_eol(p) != 0)
			goto bad;
		if (d->n_tables == *cap_t) {
			*cap_t = *cap_t ? *cap_t * 2 : 8;
			d->t = xrealloc(d->t, *cap_t * sizeof(*d->t));
		}
		t = &d->t[d->n_tables++];
		t->name = xstrdup(name.s);
		t->line = line;
		t->start = start;
		t->end = p->pos;
		free(p->table);
		p->table = buf_detach(&name);
		return 0;
	}

	memset(&e, 0, sizeof(e));
	e.line = p->line;
	if (p->table[0])
		buf_addf(&name, "%s.", p->table);
	if (parse_key(p, &name) != 0)
		goto bad;
	if (peek(p) != '=') {
		fail(p, "%s", "expected '=' after the key");
		goto bad;
	}
	p->pos++;
	skip_ws(p);
	if (parse_value(p, &e) != 0 || expect_eol(p) != 0) {
		entry_release(&e);
		goto bad;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (str_eq(d->e[i].name, name.s)) {
			entry_release(&e);
			p->line = e.line;
			fail(p, "key '%s' defined twice", name.s);
			goto bad;
		}
	}
	e.name = buf_detach(&name);
	if (d->n == *cap_e) {
		*cap_e = *cap_e ? *cap_e * 2 : 16;
		d->e = xrealloc(d->e, *cap_e * sizeof(*d->e));
	}
	d->e[d->n++] = e;
	return 0;
bad:
	buf_release(&name);
	return -1;
}

int toml_parse(const char *text, size_t len, struct toml_doc *doc, struct err *err)
{
	struct parser p = {text, len, 0, 1, err, doc, xstrdup("")};
	size_t cap_e = 0, cap_t = 0;
	int rc = 0;

	memset(doc, 0, sizeof(*doc));
	if (len > TOML_MAX_INPUT) {
		free(p.table);
		return err_set(err, ERR_LIMIT, "file is larger than %u bytes", TOML_MAX_INPUT);
	}
	if (memchr(text, '\0', len)) {
		free(p.table);
		return err_set(err, ERR_PARSE, "binary data (a NUL byte) in a text file");
	}
	/* A UTF-8 byte order mark is allowed at the very start. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3;
	for (;;) {
		skip_ws_nl(&p);
		if (p.pos >= p.len)
			break;
		if (parse_line(&p, &cap_e, &cap_t) != 0) {
			rc = -1;
			break;
		}
	}
	free(p.table);
	if (rc != 0)
		toml_doc_release(doc);
	return rc;
}

void toml_doc_release(struct toml_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++)
		entry_release(&doc->e[i]);
	for (size_t i = 0; i < doc->n_tables; i++)
		free(doc->t[i].name);
	free(doc->e);
	free(doc->t);
	memset(doc, 0, sizeof(*doc));
}

const struct toml_entry *toml_get(const struct toml_doc *doc, const char *name)
{
	for (size_t i = 0; i < doc->n; i++)
		if (str_eq(doc->e[i].name, name))
			return &doc->e[i];
	return NULL;
}

const char *toml_type_name(enum toml_type t)
{
	static const char *const names[] = {"string", "integer", "float", "boolean", "array"};

	return names[t];
}

void toml_quote(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c < 0x20 || c == 0x7F)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addch(b, (char)c);
	}
	buf_addch(b, '"');
}
