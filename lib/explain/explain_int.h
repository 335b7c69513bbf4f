/*
 * explain_int.h: the table explain.c walks with (explain_table.c). Not for
 * use outside lib/explain.
 *
 * A program row says how its words are read (style), where it exists,
 * what it does, and the roles of its operands. An option row belongs to a
 * program (or a subcommand: "git commit") and may take an argument.
 *
 * Texts are templates: {} is the argument as written; {type} {size} {days}
 * {mins} {num} {mode} {perm} {sig} {glob} {date} {dur} {sed} {awk} put it
 * in words (explain_describe.c); {rev} and {drev} add a git revision's
 * meaning after a role, or nothing. Operand roles are separated by |: the
 * first role is for the first operand, and so on, and the last role is
 * for the rest; a role starting with $ is for the last operand when there
 * are two or more (cp SRC... DEST). Role sets separated by || are chosen
 * by options (XR_ALT: sed's files are read, with -i edited in place;
 * the last set stands for any later one). A role or argument named @cmd is shell
 * code, explained in turn ("@cmd there": code run elsewhere, as by ssh).
 */
#ifndef CARO_EXPLAIN_INT_H
#define CARO_EXPLAIN_INT_H

#include "explain/explain.h"

enum xstyle {
	XS_GETOPT, /* -abc bundles, -n5 or -n 5, --long[=value], -- */
	XS_FIND,   /* -H -L -P, start paths, then an expression of primaries */
	XS_DD,     /* key=value operands */
	XS_TAR,    /* getopt; a first word without - is a bundle (tar czf) */
	XS_PS,     /* getopt; a first word without - is BSD letters (ps aux) */
	XS_SUBCMD, /* options, then a subcommand with rows of its own */
	XS_WRAP,   /* options, then skip operands, then a command it runs */
	XS_ENV,    /* options, NAME=value words, then a command (env) */
};

/* Names and flags are held in the rows rather than pointed to: a pointer
 * in a table costs a relocation at every start of caro (PIE), whether or
 * not anything is explained, and the tables have thousands of rows. */
struct xprog {
	char name[28];        /* "ls", or "git commit" for a subcommand */
	unsigned char style;  /* enum xstyle */
	unsigned char plat;   /* EXPLAIN_* marks */
	unsigned char skip;   /* XS_WRAP: operands before the command */
	const char *what;
	const char *operands; /* roles, see above; NULL: "argument" */
};

/* Argument kinds, by the first character of xopt.arg:
 *   ""      no argument
 *   "N"     required: -n5, -n 5, --lines=5, --lines 5
 *   "?N"    optional, attached only: -i.bak, --color=auto
 *   "~N"    optional: attached, or the next word unless it starts with -
 *           (lsof -i :8080, lsof -i)
 *   "2N"    two words (jq --arg NAME VALUE)
 *   "@prog" required; when it names a program of the table, the words
 *           from it on are that program's (python -m pip install x)
 * A flag "-#" stands for a dash and digits (head -5); a flag "+" for a
 * word starting with + (date +%F, the rest is the argument); a flag "@"
 * for a word starting with @ (dig @8.8.8.8); a flag "-" for a lone dash
 * (su -). The option's text is explain_opts_what[] at the same index
 * (opt_what()): the keys hold no pointers. */
struct xopt {
	char prog[24];
	char flag[28];
	char arg[16];
	unsigned char plat;
	unsigned char roles; /* XR_* */
};

/* How an option changes the roles of the operands that follow it. */
#define XR_FIRST 0x1u /* it gives the first operand: grep -e PAT, sed -f FILE */
#define XR_LAST  0x2u /* it gives the last ($) operand: cp -t DIR */
#define XR_STOP  0x4u /* the words after it are all operands: python -m MOD */
#define XR_SIG   0x8u /* it names the signal: a later -N is an ID (kill -s HUP -1) */
#define XR_ALT   0x10u /* it picks the program's second role set (sed -i) */
#define XR_ALT2  0x20u /* ... its third (perl -i; -n picks the second) */

/* explain_describe.c */

/* Append tmpl to out with its placeholders filled from the argument a;
 * a NULL a (known only at run time) is shown as_written. */
void explain_expand(const char *tmpl, const char *a, const char *as_written, struct buf *out);
/* Append a glob pattern in words: "*.py (names ending in .py)". */
void explain_describe_glob(const char *a, struct buf *out);
/* Is a a signal name (KILL, SIGKILL) or number? */
bool explain_is_signal(const char *a);

extern const struct xprog explain_progs[];
extern const size_t explain_n_progs;
extern const struct xopt explain_opts_table[];
extern const char *const explain_opts_what[];
extern const size_t explain_n_opts;

#endif
