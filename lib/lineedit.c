/*
 * lineedit.c: the key handling and drawing of a one-row line editor.
 *
 * Input is decoded in three layers: escape sequences (CSI ESC [ ... final,
 * SS3 ESC O x, and ESC x as Alt-x) are collected whole in le->seq; UTF-8
 * characters are collected whole and inserted only when well-formed; the
 * rest are control keys. Invariant: le->cursor <= le->text.len and never
 * splits a character, because text only ever changes by whole characters.
 */
#include "lineedit.h"

#include "utf8.h"

#define ESC 0x1b
#define CTRL(c) ((c) & 0x1f)

/* Code point ranges by terminal width (after Markus Kuhn's wcwidth):
 * combining marks and zero-width characters take no column, East Asian
 * wide and fullwidth characters and emoji take two. */
struct range {
	uint32_t lo, hi;
};

static const struct range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
	{0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
	{0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
	{0x0900, 0x0902}, {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF},
	{0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
	{0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
	{0x1F3FB, 0x1F3FF}, {0xE0001, 0xE007F}, {0xE0100, 0xE01EF},
};

static const struct range wide[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
	{0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
	{0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F5}, {0x26FA, 0x26FD},
	{0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C},
	{0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0},
	{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x303E},
	{0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
	{0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F004, 0x1F004},
	{0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251},
	{0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F900, 0x1F9FF},
	{0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static uint32_t decode(const unsigned char *s, size_t len)
{
	static const unsigned char mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = s[0] & mask[len];

	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

int lineedit_char_width(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t l = n ? utf8_seq_len(u, n) : 0;
	uint32_t cp;

	if (l == 0) {
		/* Not well-formed: one byte, shown as one column. */
		*len = n ? 1 : 0;
		return n ? 1 : 0;
	}
	*len = l;
	cp = decode(u, l);
	if (cp < 0x20 || cp == 0x7f)
		return 2;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, ARRAY_SIZE(zero_width)))
		return 0;
	if (in_ranges(cp, wide, ARRAY_SIZE(wide)))
		return 2;
	return 1;
}

void lineedit_init(struct lineedit *le, const char *text)
{
	memset(le, 0, sizeof(*le));
	buf_init(&le->text);
	buf_init(&le->kill);
	if (text)
		buf_add(&le->text, text, MIN(strlen(text), (size_t)LINEEDIT_MAX));
	le->cursor = le->text.len;
}

void lineedit_release(struct lineedit *le)
{
	buf_release(&le->text);
	buf_release(&le->kill);
	le->cursor = 0;
}

/* Byte offset of the character before / after pos. */
static size_t prev_char(const struct lineedit *le, size_t pos)
{
	const char *s = le->text.s;

	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)s[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

static size_t next_char(const struct lineedit *le, size_t pos)
{
	size_t l;

	if (pos >= le->text.len)
		return le->text.len;
	lineedit_char_width(le->text.s + pos, le->text.len - pos, &l);
	return pos + l;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Readline's words for Alt-B/Alt-F: runs of letters and digits (any byte
 * of a multibyte character counts as a letter). */
static bool is_word(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static size_t word_left(const struct lineedit *le, size_t pos, bool (*in_word)(unsigned char))
{
	const unsigned char *s = (const unsigned char *)le->text.s;

	while (pos > 0 && !in_word(s[pos - 1]))
		pos--;
	while (pos > 0 && in_word(s[pos - 1]))
		pos--;
	return pos;
}

static size_t word_right(const struct lineedit *le, size_t pos)
{
	const unsigned char *s = (const unsigned char *)le->text.s;

	while (pos < le->text.len && !is_word(s[pos]))
		pos++;
	while (pos < le->text.len && is_word(s[pos]))
		pos++;
	return pos;
}

static bool not_space(unsigned char c)
{
	return !is_space(c);
}

static void insert(struct lineedit *le, const void *p, size_t n)
{
	size_t tail = le->text.len - le->cursor;

	if (le->text.len + n > LINEEDIT_MAX)
		return;
	buf_grow(&le->text, n);
	memmove(le->text.s + le->cursor + n, le->text.s + le->cursor, tail);
	memcpy(le->text.s + le->cursor, p, n);
	le->text.len += n;
	le->text.s[le->text.len] = '\0';
	le->cursor += n;
}

/* Remove [from, to); when kill, remember it for Ctrl-Y. */
static void cut(struct lineedit *le, size_t from, size_t to, bool kill)
{
	if (from >= to)
		return;
	if (kill) {
		buf_reset(&le->kill);
		buf_add(&le->kill, le->text.s + from, to - from);
	}
	memmove(le->text.s + from, le->text.s + to, le->text.len - to);
	le->text.len -= to - from;
	le->text.s[le->text.len] = '\0';
	if (le->cursor >= to)
		le->cursor -= to - from;
	else if (le->cursor > from)
		le->cursor = from;
}

/* A complete CSI or SS3 sequence: the final byte and its parameters. */
static void do_sequence(struct lineedit *le)
{
	const unsigned char *s = le->seq;
	size_t n = le->seq_len;
	char params[sizeof(le->seq)];
	unsigned char fin = s[n - 1];
	bool ctrl_or_alt;

	/* ESC x with x not [ or O: Alt-x. */
	if (s[1] != '[' && s[1] != 'O') {
		switch (s[1]) {
		case 'b': case 'B': le->cursor = word_left(le, le->cursor, is_word); break;
		case 'f': case 'F': le->cursor = word_right(le, le->cursor); break;
		case 'd': case 'D': cut(le, le->cursor, word_right(le, le->cursor), true); break;
		case 0x7f: case 0x08: cut(le, word_left(le, le->cursor, is_word), le->cursor, true); break;
		default: break;
		}
		return;
	}
	memcpy(params, s + 2, n - 3);
	params[n - 3] = '\0';
	/* "1;5C" is Ctrl-Right, "1;3C" Alt-Right: both move by a word. */
	ctrl_or_alt = strchr(params, ';') && (strchr(params, '5') || strchr(params, '3'));
	if (fin == '~') {
		long code = strtol(params, NULL, 10);

		if (le->paste && code != 201)
			return;
		switch (code) {
		case 1: case 7: le->cursor = 0; break;
		case 4: case 8: le->cursor = le->text.len; break;
		case 3: cut(le, le->cursor, next_char(le, le->cursor), false); break;
		case 200: le->paste = true; le->paste_cr = false; break;
		case 201: le->paste = false; break;
		default: break;
		}
		return;
	}
	if (le->paste)
		return;
	switch (fin) {
	case 'C':
		le->cursor = ctrl_or_alt ? word_right(le, le->cursor) : next_char(le, le->cursor);
		break;
	case 'D':
		le->cursor = ctrl_or_alt ? word_left(le, le->cursor, is_word) : prev_char(le, le->cursor);
		break;
	case 'H': le->cursor = 0; break;
	case 'F': le->cursor = le->text.len; break;
	default: break; /* Up, Down, function keys: nothing to do on one line */
	}
}

/* Collect an escape sequence; true while it goes on. */
static bool feed_escape(struct lineedit *le, unsigned char c)
{
	if (le->seq_len >= sizeof(le->seq) - 1) {
		/* Too long to be a key: drop it. */
		le->seq_len = 0;
		return false;
	}
	le->seq[le->seq_len++] = c;
	if (le->seq_len == 2)
		return c == '[' || c == 'O' ? true : (do_sequence(le), le->seq_len = 0, false);
	if (le->seq[1] == 'O' || (c >= 0x40 && c <= 0x7e)) {
		do_sequence(le);
		le->seq_len = 0;
		return false;
	}
	return true;
}

static void feed_paste(struct lineedit *le, unsigned char c)
{
	bool cr = le->paste_cr;

	le->paste_cr = c == '\r';
	if (c == '\n' && cr)
		return; /* CR LF pasted: the CR already made the newline */
	if (c == '\r')
		c = '\n';
	if (c < 0x20 && c != '\n' && c != '\t')
		return;
	insert(le, &c, 1);
}

enum lineedit_state lineedit_feed(struct lineedit *le, unsigned char c)
{
	if (le->seq_len && le->seq[0] == ESC) {
		feed_escape(le, c);
		return LINEEDIT_MORE;
	}
	if (le->utf8_need) {
		if ((c & 0xc0) != 0x80) {
			/* A broken character: drop it and read c afresh. */
			le->utf8_need = le->seq_len = 0;
			return lineedit_feed(le, c);
		}
		le->seq[le->seq_len++] = c;
		if (--le->utf8_need == 0) {
			if (utf8_seq_len(le->seq, le->seq_len) == le->seq_len)
				insert(le, le->seq, le->seq_len);
			le->seq_len = 0;
		}
		return LINEEDIT_MORE;
	}
	if (c == ESC) {
		le->seq[0] = c;
		le->seq_len = 1;
		return LINEEDIT_MORE;
	}
	if (c >= 0x80) {
		size_t need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (need) {
			le->seq[0] = c;
			le->seq_len = 1;
			le->utf8_need = need;
		}
		return LINEEDIT_MORE;
	}
	if (le->paste) {
		feed_paste(le, c);
		return LINEEDIT_MORE;
	}
	if (c >= 0x20 && c != 0x7f) {
		insert(le, &c, 1);
		return LINEEDIT_MORE;
	}
	switch (c) {
	case '\r': case '\n':
		return LINEEDIT_DONE;
	case CTRL('c'): case CTRL('g'):
		return LINEEDIT_CANCEL;
	case CTRL('d'):
		if (le->text.len == 0)
			return LINEEDIT_CANCEL;
		cut(le, le->cursor, next_char(le, le->cursor), false);
		break;
	case CTRL('a'): le->cursor = 0; break;
	case CTRL('e'): le->cursor = le->text.len; break;
	case CTRL('b'): le->cursor = prev_char(le, le->cursor); break;
	case CTRL('f'): le->cursor = next_char(le, le->cursor); break;
	case 0x7f: case CTRL('h'): cut(le, prev_char(le, le->cursor), le->cursor, false); break;
	case CTRL('u'): cut(le, 0, le->cursor, true); break;
	case CTRL('k'): cut(le, le->cursor, le->text.len, true); break;
	case CTRL('w'): cut(le, word_left(le, le->cursor, not_space), le->cursor, true); break;
	case CTRL('y'): insert(le, le->kill.s ? le->kill.s : "", le->kill.len); break;
	case '\t': insert(le, "\t", 1); break;
	default: break; /* other control keys do nothing */
	}
	return LINEEDIT_MORE;
}

static size_t width_of(const char *s, size_t n)
{
	size_t w = 0, l;

	for (size_t i = 0; i < n; i += l)
		w += (size_t)lineedit_char_width(s + i, n - i, &l);
	return w;
}

void lineedit_render(const struct lineedit *le, const char *prompt, size_t cols, struct buf *out)
{
	const char *s = buf_str(&le->text);
	size_t pw = width_of(prompt, strlen(prompt));
	size_t avail, start = 0, w = 0, l, col;

	if (cols == 0)
		cols = 80;
	/* One column stays free so the cursor never wraps the row. */
	avail = cols > pw + 2 ? cols - pw - 1 : 1;
	while (start < le->cursor && width_of(s + start, le->cursor - start) >= avail) {
		lineedit_char_width(s + start, le->text.len - start, &l);
		start += l;
	}
	col = pw + width_of(s + start, le->cursor - start);
	buf_addch(out, '\r');
	buf_adds(out, prompt);
	for (size_t i = start; i < le->text.len; i += l) {
		int cw = lineedit_char_width(s + i, le->text.len - i, &l);
		unsigned char c = (unsigned char)s[i];

		if (w + (size_t)cw > avail)
			break;
		w += (size_t)cw;
		if (c < 0x20 || c == 0x7f) {
			buf_addch(out, '^');
			buf_addch(out, c == 0x7f ? '?' : (char)(c + '@'));
		} else {
			buf_add(out, s + i, l);
		}
	}
	buf_adds(out, "\033[K\r");
	if (col)
		buf_addf(out, "\033[%zuC", col);
}
