/*
 * unicode.c: strict UTF-8 and codepoint classes for the tokenizers.
 *
 * The decoder accepts exactly the well-formed sequences of the Unicode
 * standard (table 3-7): no overlongs, no surrogates, nothing past U+10FFFF.
 */
#include "infer/unicode.h"

unsigned unicode_flags_slow(uint32_t cp)
{
	size_t lo = 0, hi = unicode_nranges;
	uint32_t key;

	if (cp > UNICODE_MAX)
		return UNICODE_C;
	/* Last range whose start is <= cp; the table starts at U+0100. */
	key = cp << 8 | 0xff;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (unicode_ranges[mid] <= key)
			lo = mid;
		else
			hi = mid;
	}
	return unicode_ranges[lo] & 0xff;
}

/* Valid range of the second byte after lead byte b (first continuation). */
static bool second_ok(unsigned char b, unsigned char c)
{
	switch (b) {
	case 0xE0:
		return c >= 0xA0 && c <= 0xBF;
	case 0xED:
		return c >= 0x80 && c <= 0x9F;
	case 0xF0:
		return c >= 0x90 && c <= 0xBF;
	case 0xF4:
		return c >= 0x80 && c <= 0x8F;
	default:
		return (c & 0xC0) == 0x80;
	}
}

/* Length of the sequence lead byte b starts, 0 if b cannot start one. */
static size_t lead_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		return 2;
	if (b >= 0xE0 && b <= 0xEF)
		return 3;
	if (b >= 0xF0 && b <= 0xF4)
		return 4;
	return 0;
}

size_t unicode_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = lead_len(s[0]), i;
	uint32_t v;

	if (len == 1) {
		*cp = s[0];
		return 1;
	}
	if (len == 0 || len > n || !second_ok(s[0], s[1]))
		goto bad;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
	v = s[0] & (0x7F >> len);
	for (i = 1; i < len; i++)
		v = v << 6 | (s[i] & 0x3F);
	*cp = v;
	return len;
bad:
	*cp = UNICODE_REPLACEMENT;
	return 1;
}

size_t unicode_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t unicode_incomplete_tail(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t back, i;

	for (back = 1; back <= 3 && back <= n; back++) {
		const unsigned char *lead = s + n - back;
		size_t len;

		if ((*lead & 0xC0) == 0x80)
			continue; /* a continuation byte: look further back */
		len = lead_len(*lead);
		if (len <= back)
			return 0; /* complete, ASCII or not a lead at all */
		if (back >= 2 && !second_ok(lead[0], lead[1]))
			return 0;
		for (i = 2; i < back; i++)
			if ((lead[i] & 0xC0) != 0x80)
				return 0;
		return back;
	}
	return 0;
}
