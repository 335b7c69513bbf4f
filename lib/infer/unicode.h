/*
 * unicode.h: the little Unicode the tokenizers need: strict UTF-8 decoding,
 * UTF-8 encoding, and a codepoint's class (general category and whitespace)
 * from the generated table in unicode_data.c (tools/gen_unicode.py).
 *
 * Invalid UTF-8 never stops anything: the decoder reports each byte that
 * does not start a well-formed sequence (stray continuation bytes, overlong
 * forms, surrogates, values past U+10FFFF, truncated sequences) as a 1-byte
 * unit with the codepoint U+FFFD, so callers keep the original bytes and
 * classify the unit as a symbol, as llama.cpp's decoder does with U+FFFD.
 */
#ifndef CARO_INFER_UNICODE_H
#define CARO_INFER_UNICODE_H

#include "common.h"

/* Classes of a codepoint: exactly one category bit, plus UNICODE_WS. */
enum unicode_flag {
	UNICODE_L = 0x01,  /* letter, \p{L} */
	UNICODE_N = 0x02,  /* number, \p{N} */
	UNICODE_P = 0x04,  /* punctuation, \p{P} */
	UNICODE_S = 0x08,  /* symbol, \p{S} */
	UNICODE_M = 0x10,  /* mark, \p{M} */
	UNICODE_Z = 0x20,  /* separator, \p{Z} */
	UNICODE_C = 0x40,  /* other: control, format, unassigned, private */
	UNICODE_WS = 0x80, /* White_Space, what \s matches */
};

#define UNICODE_REPLACEMENT 0xFFFDu
#define UNICODE_MAX 0x10FFFFu

/* Generated tables (unicode_data.c). */
extern const char unicode_data_version[];
extern const uint8_t unicode_flags_lo[256];
extern const uint32_t unicode_ranges[];
extern const size_t unicode_nranges;

/* Flags of codepoint cp (cp > U+10FFFF counts as unassigned: UNICODE_C). */
unsigned unicode_flags_slow(uint32_t cp);

static inline unsigned unicode_flags(uint32_t cp)
{
	return cp < 256 ? unicode_flags_lo[cp] : unicode_flags_slow(cp);
}

/* Decode one unit at s (n > 0 bytes available): returns its length in bytes
 * (1-4) and stores its codepoint in *cp, U+FFFD for a 1-byte invalid unit. */
size_t unicode_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp (at most U+10FFFF) as UTF-8 into out; returns the length. */
size_t unicode_encode(uint32_t cp, char out[4]);

/* How many bytes at the end of s[0..n) are the start of a UTF-8 sequence
 * that is well-formed so far but not finished (0-3): what a streaming
 * printer should hold back until the next bytes arrive. */
size_t unicode_incomplete_tail(const char *s, size_t n);

#endif
