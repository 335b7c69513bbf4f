/*
 * keyseq.h: key sequences for shell key bindings.
 *
 * A key is written in readline's notation ("\C-g", "\M-x", "\e", "\C-x\C-e")
 * or the friendlier "^G", "C-g", "ctrl-g", "alt-x" and "M-x". It is parsed
 * into the bytes a terminal sends, then written back in each shell's own
 * notation, so a key from the config can never inject shell code into
 * the snippet `caro init` prints.
 */
#ifndef CARO_KEYSEQ_H
#define CARO_KEYSEQ_H

#include "buf.h"
#include "common.h"
#include "err.h"

#define KEYSEQ_MAX 16

struct keyseq {
	unsigned char b[KEYSEQ_MAX]; /* what the terminal sends */
	size_t n;
};

enum keyseq_style {
	KEYSEQ_READLINE, /* bash's bind, inside "..." inside '...' */
	KEYSEQ_ZSH,      /* zsh's bindkey, inside '...' */
	KEYSEQ_FISH,     /* fish's bind, as one unquoted word */
};

/* Parse s into k. -1 with ERR_USAGE when it is empty, malformed, too long,
 * not ASCII, starts with a key that types a character, or is Enter. */
int keyseq_parse(const char *s, struct keyseq *k, struct err *err);

/* Append k written for a shell's binding command. */
void keyseq_format(const struct keyseq *k, enum keyseq_style style, struct buf *out);

/* Append k for people: "Ctrl-G", "Alt-X", "Ctrl-X Ctrl-E". */
void keyseq_describe(const struct keyseq *k, struct buf *out);

#endif
