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
	utf8_char_width(le->text.s + pos, le->text.len - pos, &l);
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

void lineedit_render(const struct lineedit *le, const char *prompt, size_t cols, struct buf *out)
{
	const char *s = buf_str(&le->text);
	size_t pw = utf8_width(prompt, strlen(prompt));
	size_t avail, start = 0, w = 0, l, col;

	if (cols == 0)
		cols = 80;
	/* One column stays free so the cursor never wraps the row. */
	avail = cols > pw + 2 ? cols - pw - 1 : 1;
	while (start < le->cursor && utf8_width(s + start, le->cursor - start) >= avail) {
		utf8_char_width(s + start, le->text.len - start, &l);
		start += l;
	}
	col = pw + utf8_width(s + start, le->cursor - start);
	buf_addch(out, '\r');
	buf_adds(out, prompt);
	for (size_t i = start; i < le->text.len; i += l) {
		int cw = utf8_char_width(s + i, le->text.len - i, &l);
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
