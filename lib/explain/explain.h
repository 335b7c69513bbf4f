/*
 * explain.h: what a shell command does, in plain words, with no model.
 *
 * The command is parsed with lib/shell and its tree walked: every program
 * and each of its options is looked up in a table (explain_table.c: about
 * 130 common utilities with their GNU and BSD spellings), operands get the
 * role the program gives them, and pipes, lists, redirections, globs,
 * variables and substitutions are said in words. Rows that belong to one
 * userland or OS are marked, and checked against the target platform, so
 * `sed -i` explains differently for GNU and BSD and a GNU-only flag on a
 * Mac is pointed out.
 *
 * The result is a flat list of items in command order, each with a depth
 * (a command inside sudo, xargs, find -exec or $( ) is one level deeper),
 * for the caller to print as text (explain_format) or JSON.
 */
#ifndef CARO_EXPLAIN_H
#define CARO_EXPLAIN_H

#include "buf.h"
#include "common.h"
#include "err.h"
#include "platform.h"

/* Platform marks of table rows and items. */
#define EXPLAIN_GNU   0x1u /* GNU userland only (Linux) */
#define EXPLAIN_BSD   0x2u /* BSD userland only (macOS, FreeBSD) */
#define EXPLAIN_LINUX 0x4u /* a program found on Linux only */
#define EXPLAIN_MACOS 0x8u /* a program found on macOS only */

enum explain_kind {
	EXPLAIN_PROGRAM,   /* a program, builtin or keyword: text is its name */
	EXPLAIN_OPTION,    /* an option with its argument, as written */
	EXPLAIN_OPERAND,   /* a positional argument */
	EXPLAIN_ASSIGN,    /* NAME=value */
	EXPLAIN_OPERATOR,  /* | |& && || ; & ! and the words of if, for... */
	EXPLAIN_REDIRECT,  /* > file, 2>&1, <<EOF */
	EXPLAIN_EXPANSION, /* a glob, $VAR, $( ), ~ inside the word above */
	EXPLAIN_NOTE,      /* a remark: platform, quoting */
};

struct explain_item {
	enum explain_kind kind;
	unsigned depth;  /* nesting; 0 for the top level */
	char *text;      /* what the item is about, as written */
	char *what;      /* the explanation */
	unsigned plat;   /* EXPLAIN_* marks of the row (0: everywhere) */
	bool mismatch;   /* marked for a platform other than the target */
	bool known;      /* found in the table (false: unknown program or
			    option, and what says so) */
};

struct explain {
	size_t n, cap;
	struct explain_item *items;
};

struct explain_opts {
	const struct platform *plat; /* target; NULL: no platform checks */
};

/* Explain cmd (len bytes). On success ex holds the items (release with
 * explain_release in every case). -1 with ERR_PARSE or ERR_LIMIT (from
 * lib/shell) when cmd does not parse, and ex is then empty. */
int explain_command(const char *cmd, size_t len, const struct explain_opts *opts,
		    struct explain *ex, struct err *err);

void explain_release(struct explain *ex);

/* Append ex as aligned text: one item a line, indented by depth, the
 * explanation in a second column, platform marks in brackets. */
void explain_format(const struct explain *ex, struct buf *out);

/* "GNU", "BSD", "Linux", "macOS" marks as text ("GNU only"), or "". */
void explain_plat_text(unsigned plat, struct buf *out);

/* The table's one-line description of a program, or NULL. */
const char *explain_program_what(const char *name);

/* Sizes of the table, for tests: programs and option rows. */
void explain_table_size(size_t *programs, size_t *options);

#endif
