/*
 * lineedit.h: a small line editor with readline's keys, as a pure state
 * machine: the caller puts the terminal in raw mode, feeds the bytes it
 * reads and writes what lineedit_render produces. No I/O happens here, so
 * every key can be tested without a terminal.
 *
 * The text is UTF-8 and the cursor always sits on a character boundary.
 * Keys: printable text inserts; Left/Right, Ctrl-B/Ctrl-F move by a
 * character; Alt-B/Alt-F and Ctrl-Left/Ctrl-Right by a word; Home/End and
 * Ctrl-A/Ctrl-E to the ends; Backspace/Ctrl-H and Delete/Ctrl-D delete a
 * character; Ctrl-U and Ctrl-K kill to the start and to the end, Ctrl-W
 * the word before the cursor, and Ctrl-Y yanks the last kill; Enter
 * accepts; Ctrl-C and Ctrl-G (and Ctrl-D on an empty line) cancel. A
 * bracketed paste (ESC [200~ ... ESC [201~) is inserted literally,
 * newlines included. Other escape sequences are read whole and ignored.
 */
#ifndef CARO_LINEEDIT_H
#define CARO_LINEEDIT_H

#include "buf.h"
#include "common.h"

/* Longest line the editor accepts; more input is dropped. */
#define LINEEDIT_MAX (100 * 1024)

enum lineedit_state { LINEEDIT_MORE, LINEEDIT_DONE, LINEEDIT_CANCEL };

struct lineedit {
	struct buf text;        /* the line, UTF-8 */
	size_t cursor;          /* byte offset into text */
	struct buf kill;        /* the last killed text, for Ctrl-Y */
	unsigned char seq[32];  /* an escape or UTF-8 sequence being read */
	size_t seq_len;
	size_t utf8_need;       /* bytes a pending UTF-8 character still needs */
	bool paste;             /* inside a bracketed paste */
	bool paste_cr;          /* the last pasted byte was a CR */
};

/* Start editing a copy of text (may be NULL for an empty line), with the
 * cursor at its end. Release with lineedit_release. */
void lineedit_init(struct lineedit *le, const char *text);
void lineedit_release(struct lineedit *le);

/* Feed one byte of input. Returns LINEEDIT_DONE when the line is accepted
 * (le->text holds it), LINEEDIT_CANCEL when the user gave up, and
 * LINEEDIT_MORE otherwise. Bytes after DONE or CANCEL are not expected. */
enum lineedit_state lineedit_feed(struct lineedit *le, unsigned char c);

/* Append to out what redraws the line on a terminal cols wide: carriage
 * return, prompt (plain text, its width counted), the part of the text
 * that fits (scrolled so the cursor shows; control characters as ^X,
 * wide characters as two columns), erase to the end of the row, and the
 * cursor placed. */
void lineedit_render(const struct lineedit *le, const char *prompt, size_t cols, struct buf *out);

#endif
