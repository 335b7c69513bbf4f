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

#endif
