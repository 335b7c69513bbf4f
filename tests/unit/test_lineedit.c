/* test_lineedit.c: every key of the line editor, from tests/data/lineedit.tsv,
 * and the drawing of long, wide and control text. */
#include "lineedit.h"
#include "utf8.h"
#include "t.h"
#include "tdata.h"

#define MARK "\xe2\x80\xb8" /* U+2038, the cursor in the data file */

/* Split "ab‸cd" into text "abcd" and cursor 2. */
static size_t take_cursor(struct buf *b)
{
	char *m = strstr(b->s, MARK);
	size_t at;

	if (!m)
		return b->len;
	at = (size_t)(m - b->s);
	memmove(m, m + 3, b->len - at - 3 + 1);
	b->len -= 3;
	return at;
}

TEST(lineedit_keys_table)
{
	static const char *const states[] = {"more", "done", "cancel"};
	struct tdata t;
	struct buf start = BUF_INIT, keys = BUF_INIT, want = BUF_INIT;
	int cases = 0;

	if (!tdata_open(&t, "lineedit.tsv"))
		return;
	while (tdata_next(&t)) {
		struct lineedit le;
		enum lineedit_state st = LINEEDIT_MORE;
		size_t cur, want_cur;

		if (t.n != 5) {
			t_fail(__FILE__, __LINE__, "lineedit.tsv:%d: expected 5 fields", t.line);
			continue;
		}
		t_unescape(t.f[1], &start);
		t_unescape(t.f[2], &keys);
		t_unescape(t.f[3], &want);
		cur = take_cursor(&start);
		want_cur = take_cursor(&want);
		lineedit_init(&le, start.s);
		le.cursor = cur;
		for (size_t i = 0; i < keys.len && st == LINEEDIT_MORE; i++)
			st = lineedit_feed(&le, (unsigned char)keys.s[i]);
		if (!str_eq(buf_str(&le.text), want.s) || le.cursor != want_cur ||
		    !str_eq(states[st], t.f[4]))
			t_fail(__FILE__, __LINE__, "%s (line %d): got \"%s\" cursor %zu %s, want \"%s\" "
			       "cursor %zu %s", t.f[0], t.line, buf_str(&le.text), le.cursor,
			       states[st], want.s, want_cur, t.f[4]);
		lineedit_release(&le);
		cases++;
	}
	CHECK(cases >= 50);
	tdata_close(&t);
	buf_release(&start);
	buf_release(&keys);
	buf_release(&want);
}

TEST(lineedit_render_short_line)
{
	struct lineedit le;
	struct buf out = BUF_INIT;

	lineedit_init(&le, "ls -la");
	le.cursor = 2;
	lineedit_render(&le, "> ", 80, &out);
	CHECK_STR(out.s, "\r> ls -la\033[K\r\033[4C");
	buf_reset(&out);
	le.cursor = 0;
	lineedit_render(&le, "", 80, &out);
	CHECK_STR(out.s, "\rls -la\033[K\r");
	buf_release(&out);
	lineedit_release(&le);
}

TEST(lineedit_render_controls_and_wide_characters)
{
	struct lineedit le;
	struct buf out = BUF_INIT;

	lineedit_init(&le, "a\nb\x7f日");
	lineedit_render(&le, "$ ", 80, &out);
	/* ^J and ^? take two columns each, 日 takes two: 2+1+2+1+2+2 = 10 */
	CHECK_STR(out.s, "\r$ a^Jb^?日\033[K\r\033[10C");
	buf_release(&out);
	lineedit_release(&le);
}

TEST(lineedit_render_scrolls_to_the_cursor)
{
	struct lineedit le;
	struct buf out = BUF_INIT;
	char text[101];

	for (int i = 0; i < 100; i++)
		text[i] = (char)('a' + i % 26);
	text[100] = '\0';
	lineedit_init(&le, text);
	lineedit_render(&le, "> ", 20, &out);
	/* 17 columns for text; the cursor at the end needs one of them. */
	CHECK(strstr(out.s, "ghijklmnopqrstuv\033[K") != NULL);
	CHECK(strstr(out.s, "\r\033[18C") != NULL);
	buf_reset(&out);
	le.cursor = 0;
	lineedit_render(&le, "> ", 20, &out);
	CHECK(str_startswith(out.s, "\r> abcdefghijklmnopq\033[K"));
	buf_release(&out);
	lineedit_release(&le);
}

TEST(utf8_char_widths)
{
	size_t l;

	CHECK_INT(utf8_char_width("a", 1, &l), 1);
	CHECK_INT(l, 1);
	CHECK_INT(utf8_char_width("\xc3\xa9", 2, &l), 1);
	CHECK_INT(l, 2);
	CHECK_INT(utf8_char_width("\xcc\x81", 2, &l), 0); /* combining acute */
	CHECK_INT(utf8_char_width("\xe6\x97\xa5", 3, &l), 2);
	CHECK_INT(utf8_char_width("\xf0\x9f\x98\x80", 4, &l), 2);
	CHECK_INT(l, 4);
	CHECK_INT(utf8_char_width("\x01", 1, &l), 2);
	CHECK_INT(utf8_char_width("\xff", 1, &l), 1);
	CHECK_INT(l, 1);
}

TEST(lineedit_caps_the_length)
{
	struct lineedit le;

	lineedit_init(&le, NULL);
	for (size_t i = 0; i < LINEEDIT_MAX + 10; i++)
		lineedit_feed(&le, 'x');
	CHECK_INT(le.text.len, LINEEDIT_MAX);
	/* A long escape sequence is dropped, not overflowed. */
	lineedit_feed(&le, 0x1b);
	lineedit_feed(&le, '[');
	for (int i = 0; i < 100; i++)
		lineedit_feed(&le, '1');
	CHECK_INT(le.text.len, LINEEDIT_MAX);
	lineedit_release(&le);
}
