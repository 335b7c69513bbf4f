/*
 * buf.h: a growable byte buffer, always NUL-terminated (git's strbuf).
 *
 * A zeroed struct buf is a valid empty buffer; buf_init is optional.
 * b->s is never NULL after any buf_* call that adds, and points at "" for
 * an empty initialised buffer.
 */
#ifndef CARO_BUF_H
#define CARO_BUF_H

#include "common.h"

#include <stdarg.h>

struct buf {
	char *s;
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Make room for at least n more bytes plus the NUL. */
void buf_grow(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
/* Hand the string to the caller (caller frees) and leave b empty. */
char *buf_detach(struct buf *b);
/* The contents, "" for a never-used buffer. */
static inline const char *buf_str(const struct buf *b)
{
	return b->s ? b->s : "";
}

/* Append s quoted for POSIX sh so that it reads back as one word. Words
 * made only of safe characters are added bare. */
void buf_add_shquote(struct buf *b, const char *s);
/* The same, in single quotes even when the word needs none ('*.py'). */
void buf_add_shquote_always(struct buf *b, const char *s);

#endif
