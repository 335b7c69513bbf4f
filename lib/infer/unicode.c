/*
 * unicode.c: strict UTF-8 and codepoint classes for the tokenizers.
 *
 * The decoder accepts exactly the well-formed sequences of the Unicode
 * standard (table 3-7): no overlongs, no surrogates, nothing past U+10FFFF;
 * lib/utf8.c judges that for it.
 */
#include "infer/unicode.h"

#include "utf8.h"

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
	size_t len, i;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	len = utf8_seq_len(s, n);
	if (!len) {
		*cp = UNICODE_REPLACEMENT;
		return 1;
	}
	v = s[0] & (0x7F >> len);
	for (i = 1; i < len; i++)
		v = v << 6 | (s[i] & 0x3F);
	*cp = v;
	return len;
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
	size_t back;

	for (back = 1; back <= 3 && back <= n; back++) {
		const unsigned char *lead = s + n - back;
		unsigned char full[4];
		size_t len;

		if ((*lead & 0xC0) == 0x80)
			continue; /* a continuation byte: look further back */
		len = lead_len(*lead);
		if (len <= back)
			return 0; /* complete, ASCII or not a lead at all */
		if (back == 1)
			return 1; /* any lead byte can still be completed */
		/* With its second byte present, the sequence can still be
		 * completed if it is well-formed with continuation bytes added. */
		memcpy(full, lead, back);
		memset(full + back, 0x80, len - back);
		return utf8_seq_len(full, len) == len ? back : 0;
	}
	return 0;
}
