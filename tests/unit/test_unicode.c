/* test_unicode.c: the codepoint class table, strict UTF-8 decoding,
 * encoding and the unfinished-sequence check used by streaming output. */
#include "infer/unicode.h"
#include "t.h"

#define CLASS(cp) (unicode_flags(cp) & ~UNICODE_WS)
#define IS_WS(cp) ((unicode_flags(cp) & UNICODE_WS) != 0)

TEST(unicode_classes)
{
	CHECK_INT(CLASS('a'), UNICODE_L);
	CHECK_INT(CLASS('Z'), UNICODE_L);
	CHECK_INT(CLASS('7'), UNICODE_N);
	CHECK_INT(CLASS('_'), UNICODE_P);
	CHECK_INT(CLASS('\''), UNICODE_P);
	CHECK_INT(CLASS('$'), UNICODE_S);  /* Sc */
	CHECK_INT(CLASS('+'), UNICODE_S);  /* Sm */
	CHECK_INT(CLASS('`'), UNICODE_S);  /* Sk */
	CHECK_INT(CLASS(' '), UNICODE_Z);
	CHECK_INT(CLASS('\n'), UNICODE_C);
	CHECK_INT(CLASS(0xE9), UNICODE_L);   /* é, in the direct table */
	CHECK_INT(CLASS(0xBD), UNICODE_N);   /* ½ */
	CHECK_INT(CLASS(0xAD), UNICODE_C);   /* soft hyphen, Cf */
	CHECK_INT(CLASS(0x0101), UNICODE_L); /* first codepoint of the ranges */
	CHECK_INT(CLASS(0x0416), UNICODE_L); /* Ж */
	CHECK_INT(CLASS(0x0301), UNICODE_M); /* combining acute */
	CHECK_INT(CLASS(0x0663), UNICODE_N); /* Arabic-Indic three */
	CHECK_INT(CLASS(0x2019), UNICODE_P); /* ’ */
	CHECK_INT(CLASS(0x20AC), UNICODE_S); /* € */
	CHECK_INT(CLASS(0x2581), UNICODE_S); /* ▁, SentencePiece's space */
	CHECK_INT(CLASS(0x4E2D), UNICODE_L); /* 中 */
	CHECK_INT(CLASS(0xAC00), UNICODE_L); /* 가 */
	CHECK_INT(CLASS(0x3002), UNICODE_P); /* 。 */
	CHECK_INT(CLASS(0xFF5E), UNICODE_S); /* ～ */
	CHECK_INT(CLASS(0x1F680), UNICODE_S); /* 🚀 */
	CHECK_INT(CLASS(0x1F3FB), UNICODE_S); /* skin tone modifier, Sk */
	CHECK_INT(CLASS(0x200D), UNICODE_C); /* zero width joiner */
	CHECK_INT(CLASS(0xFE0F), UNICODE_M); /* variation selector */
	CHECK_INT(CLASS(0xE000), UNICODE_C); /* private use */
	CHECK_INT(CLASS(0xD800), UNICODE_C); /* surrogate */
	CHECK_INT(CLASS(0x0378), UNICODE_C); /* unassigned */
	CHECK_INT(CLASS(0x10FFFF), UNICODE_C);
	CHECK_INT(CLASS(0x110000), UNICODE_C);
	CHECK_INT(CLASS(0xFFFFFFFF), UNICODE_C);
}

TEST(unicode_whitespace_is_white_space_property)
{
	static const uint32_t ws[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
				      0x2000, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
				      0x3000};
	static const uint32_t not_ws[] = {0x00, 0x08, 0x0E, 0x1C, 0x1F, 0x21, 0x7F, 0x84,
					  0x180E, 0x200B, 0x2060, 0xFEFF, 0x2581, 0x3001};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ws); i++)
		if (!IS_WS(ws[i]))
			t_fail(__FILE__, __LINE__, "U+%04X should be whitespace", ws[i]);
	for (i = 0; i < ARRAY_SIZE(not_ws); i++)
		if (IS_WS(not_ws[i]))
			t_fail(__FILE__, __LINE__, "U+%04X should not be whitespace", not_ws[i]);
	CHECK_INT(CLASS(0x3000), UNICODE_Z);
	CHECK_INT(CLASS(0x09), UNICODE_C);
}

/* The range table is sorted, starts at U+0100 and covers the codespace. */
TEST(unicode_table_shape)
{
	size_t i;

	REQUIRE(unicode_nranges > 100);
	CHECK_INT(unicode_ranges[0] >> 8, 0x100);
	for (i = 1; i < unicode_nranges; i++) {
		if ((unicode_ranges[i] >> 8) <= (unicode_ranges[i - 1] >> 8))
			t_fail(__FILE__, __LINE__, "range %zu out of order", i);
		if ((unicode_ranges[i] & 0xff) == (unicode_ranges[i - 1] & 0xff))
			t_fail(__FILE__, __LINE__, "ranges %zu and %zu not merged", i - 1, i);
	}
	CHECK(unicode_ranges[unicode_nranges - 1] >> 8 <= UNICODE_MAX);
	CHECK(strlen(unicode_data_version) >= 4);
}

static uint32_t dec(const char *s, size_t n, size_t *len)
{
	uint32_t cp = 0;

	*len = unicode_decode(s, n, &cp);
	return cp;
}

TEST(unicode_decode_strict)
{
	size_t len;

	CHECK_INT(dec("A", 1, &len), 'A');
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xc3\xa9", 2, &len), 0xE9);
	CHECK_INT(len, 2);
	CHECK_INT(dec("\xe2\x82\xac", 3, &len), 0x20AC);
	CHECK_INT(len, 3);
	CHECK_INT(dec("\xf0\x9f\x9a\x80", 4, &len), 0x1F680);
	CHECK_INT(len, 4);
	CHECK_INT(dec("\xf4\x8f\xbf\xbf", 4, &len), 0x10FFFF);
	CHECK_INT(len, 4);
	CHECK_INT(dec("\0", 1, &len), 0);
	CHECK_INT(len, 1);

	/* Each of these is one invalid byte: U+FFFD, length 1. */
	CHECK_INT(dec("\x80", 1, &len), UNICODE_REPLACEMENT);     /* stray continuation */
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xc0\xaf", 2, &len), UNICODE_REPLACEMENT); /* overlong '/' */
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xe0\x80\xaf", 3, &len), UNICODE_REPLACEMENT);
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xed\xa0\x80", 3, &len), UNICODE_REPLACEMENT); /* surrogate */
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xf4\x90\x80\x80", 4, &len), UNICODE_REPLACEMENT); /* > U+10FFFF */
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xe2\x82", 2, &len), UNICODE_REPLACEMENT); /* truncated */
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xe2\x82\x41", 3, &len), UNICODE_REPLACEMENT);
	CHECK_INT(len, 1);
	CHECK_INT(dec("\xff", 1, &len), UNICODE_REPLACEMENT);
	CHECK_INT(len, 1);
}

TEST(unicode_encode_roundtrip)
{
	static const uint32_t cps[] = {0, 0x41, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFD, 0xFFFF,
				       0x10000, 0x1F680, 0x10FFFF};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cps); i++) {
		char b[4];
		size_t n = unicode_encode(cps[i], b), len;

		CHECK_INT(dec(b, n, &len), cps[i]);
		CHECK_INT(len, n);
	}
}

TEST(unicode_incomplete_tail)
{
	CHECK_INT(unicode_incomplete_tail("", 0), 0);
	CHECK_INT(unicode_incomplete_tail("abc", 3), 0);
	CHECK_INT(unicode_incomplete_tail("a\xe2", 2), 1);
	CHECK_INT(unicode_incomplete_tail("a\xe2\x82", 3), 2);
	CHECK_INT(unicode_incomplete_tail("a\xe2\x82\xac", 4), 0);
	CHECK_INT(unicode_incomplete_tail("\xf0\x9f\x9a", 3), 3);
	CHECK_INT(unicode_incomplete_tail("\xf0\x9f\x9a\x80", 4), 0);
	CHECK_INT(unicode_incomplete_tail("\xc3", 1), 1);
	/* Sequences that can never complete are not held back. */
	CHECK_INT(unicode_incomplete_tail("\xc0", 1), 0);
	CHECK_INT(unicode_incomplete_tail("\xff", 1), 0);
	CHECK_INT(unicode_incomplete_tail("\x80\x80", 2), 0);
	CHECK_INT(unicode_incomplete_tail("\xe0\x80", 2), 0);   /* overlong start */
	CHECK_INT(unicode_incomplete_tail("\xed\xa0", 2), 0);   /* surrogate start */
	CHECK_INT(unicode_incomplete_tail("\xe2\x41", 2), 0);
	CHECK_INT(unicode_incomplete_tail("\x80\x80\x80\x80", 4), 0);
}
