/* buf.c: growable NUL-terminated byte buffer. */
#include "buf.h"

void buf_init(struct buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	buf_grow(b, 0);
}

void buf_release(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void buf_grow(struct buf *b, size_t n)
{
	size_t need;

	if (n > SIZE_MAX - b->len - 1)
		abort();
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	if (b->cap && b->cap < SIZE_MAX / 2 && b->cap * 2 > need)
		need = b->cap * 2;
	if (need < 32)
		need = 32;
	b->s = xrealloc(b->s, need);
	b->cap = need;
	b->s[b->len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (!b->s || len >= b->len)
		return;
	b->len = len;
	b->s[len] = '\0';
}

char *buf_detach(struct buf *b)
{
	char *s;

	if (!b->s)
		buf_grow(b, 0);
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

static bool sh_safe_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("_-./,:+@%", c);
}

void buf_add_shquote(struct buf *b, const char *s)
{
	const unsigned char *p;
	bool bare = *s != '\0';

	for (p = (const unsigned char *)s; *p && bare; p++)
		bare = sh_safe_char(*p);
	if (bare)
		buf_adds(b, s);
	else
		buf_add_shquote_always(b, s);
}

void buf_add_shquote_always(struct buf *b, const char *s)
{
	buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addch(b, *s);
	}
	buf_addch(b, '\'');
}
