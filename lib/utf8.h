/* utf8.h: UTF-8 validation, shared by every reader of outside text. */
#ifndef CARO_UTF8_H
#define CARO_UTF8_H

#include "common.h"

/* Length of the well-formed sequence at s (n bytes available), or 0 when
 * it is not well-formed (overlong, surrogate, out of range, truncated). */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* True when s[0..n) is well-formed UTF-8; *bad gets the offset of the
 * first bad byte otherwise (bad may be NULL). */
bool utf8_valid(const char *s, size_t n, size_t *bad);

/* Columns the UTF-8 character at s (n bytes, well-formed) takes on a
 * terminal: 0 for combining marks, 2 for East Asian wide and emoji, 2 for
 * control characters (shown as ^X), else 1. *len gets its byte length. */
int utf8_char_width(const char *s, size_t n, size_t *len);
/* Columns n bytes of UTF-8 take on a terminal (utf8_char_width summed;
 * a malformed byte counts one). */
size_t utf8_width(const char *s, size_t n);

#endif
