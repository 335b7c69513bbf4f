/*
 * shell.h: a POSIX shell lexer and parser (with the bash forms that models
 * and people commonly write), producing a tree that the safety checker,
 * --explain and the answer parser share.
 *
 * One parse fills a struct shell_tree. Everything in the tree (nodes, words,
 * parts, redirections, cooked strings) lives in the tree's arena and stays
 * valid until the tree is parsed again or released; nothing in it is freed
 * on its own. The tree keeps its own NUL-terminated copy of the input, so the
 * caller's buffer may go away after shell_parse returns.
 *
 * Shape of the tree
 *
 *   root            always a SHELL_LIST (empty for blank or comment-only
 *                   input).
 *   SHELL_LIST      items in `child`, linked by `next`. Each item is a
 *                   command node or a SHELL_PIPELINE, and its `sep` says what
 *                   followed it: ; & && || newline, or SHELL_SEP_END for the
 *                   last one. "a && b || c &" is three items with seps AND,
 *                   OR, AMP: the list is flat, and the shell's grouping
 *                   (and-or chains separated by ; & newline) follows from the
 *                   seps.
 *   SHELL_PIPELINE  commands in `child` (linked by `next`), only when there
 *                   are two or more or a leading `!` (`bang`). A plain
 *                   command is never wrapped in a one-element pipeline.
 *                   `pipe_err` on a command means it was joined to the next
 *                   by |& (stdout and stderr).
 *   SHELL_SIMPLE    `assigns` (NAME=value words, SHELL_W_ASSIGN), `words`
 *                   (argv; `n_words` of them), `redirs`. Any of them may be
 *                   empty, but not all three.
 *   SHELL_SUBSHELL  ( list ): `child` is the LIST.
 *   SHELL_BRACE     { list; }: `child` is the LIST.
 *   SHELL_IF        `cond` (LIST), `child` (then: LIST), `alt` (NULL, a
 *                   LIST for else, or a SHELL_IF for elif).
 *   SHELL_FOR       `var` (the loop name; select too, with `select` set),
 *                   `words` (after `in`; `has_in` says whether `in` was
 *                   written), `child` (body LIST). The bash arithmetic form
 *                   for ((a;b;c)) sets `arith` and keeps the expression as the
 *                   one word in `words`.
 *   SHELL_WHILE,
 *   SHELL_UNTIL     `cond` (LIST), `child` (body LIST).
 *   SHELL_CASE      `words` (the subject, one word), `items` (case items:
 *                   patterns, body LIST or NULL, terminator).
 *   SHELL_FUNCTION  `var` (the name), `child` (the body: a compound
 *                   command node, usually SHELL_BRACE).
 *   SHELL_COND      bash [[ ... ]]: `words` are the words between the
 *                   brackets, operators (&& || ! ( ) < >) included as words.
 *   SHELL_ARITH     bash (( expr )): `words` holds the expression as one
 *                   word whose parts carry any $ or $( ) inside it.
 *
 * Compound commands carry their trailing redirections in `redirs` too.
 *
 * Words keep their source span (start, len into tree->src) and a list of
 * parts: literal runs (with how they were quoted), ~user, $NAME or ${...},
 * $( ) or backquotes (with the parsed sub-list in `sub`), $(( )), <( ) and
 * >( ), and NAME=( ... ) arrays. `text` is the cooked value (quotes and
 * backslashes removed, $'...' escapes decoded) when the word is static,
 * meaning it has no SHELL_W_DYNAMIC part; it is NULL otherwise. Globs,
 * tildes and brace expansions do not make a word dynamic: their text keeps
 * the characters (`~/x`, `*.c`), and the flags and parts say that they are
 * unquoted and so expand.
 *
 * Nodes parsed from inside a backquoted substitution whose text had to be
 * unescaped (`echo \`a \\$b\``) carry the span of the whole substitution,
 * since their own text is not a substring of the input.
 *
 * Limits: input of at most SHELL_MAX_INPUT bytes, no NUL bytes, nesting of
 * compound commands, substitutions and ${ } at most SHELL_MAX_DEPTH deep,
 * at most SHELL_MAX_ITEMS nodes + words + parts + redirections. Input over
 * a limit fails fast with ERR_LIMIT; malformed input fails with ERR_PARSE
 * and a message naming the byte offset. Neither ever crashes or recurses
 * without bound.
 *
 * Not covered: aliases, zsh-only syntax, bash extglob patterns @( ) !( ),
 * coproc, {var}> redirections. Line continuations (backslash-newline) are
 * removed inside words and between tokens, not inside operators.
 */
#ifndef CARO_SHELL_H
#define CARO_SHELL_H

#include "common.h"
#include "err.h"

#define SHELL_MAX_INPUT (64 * 1024)
#define SHELL_MAX_DEPTH 200
#define SHELL_MAX_ITEMS 131072 /* above what 64 KiB can need */
#define SHELL_MAX_HEREDOCS 64 /* pending on one line */

enum shell_kind {
	SHELL_LIST,
	SHELL_PIPELINE,
	SHELL_SIMPLE,
	SHELL_SUBSHELL,
	SHELL_BRACE,
	SHELL_IF,
	SHELL_FOR,
	SHELL_WHILE,
	SHELL_UNTIL,
	SHELL_CASE,
	SHELL_FUNCTION,
	SHELL_COND,
	SHELL_ARITH,
};

enum shell_sep {
	SHELL_SEP_END,     /* last item of its list */
	SHELL_SEP_SEMI,    /* ; */
	SHELL_SEP_NEWLINE, /* a newline */
	SHELL_SEP_AMP,     /* & (runs in the background) */
	SHELL_SEP_AND,     /* && */
	SHELL_SEP_OR,      /* || */
};

enum shell_part_kind {
	SHELL_PART_LIT,     /* literal text: `text` cooked, `quote` says how */
	SHELL_PART_TILDE,   /* unquoted ~ or ~user at the start: `text` = user */
	SHELL_PART_PARAM,   /* $NAME, ${NAME...}: `text` = NAME, `op`, `arg` */
	SHELL_PART_CMDSUB,  /* $( ) or ` `: `sub` = the parsed LIST */
	SHELL_PART_ARITH,   /* $(( )): `text` = expression source, `arg` parts */
	SHELL_PART_PROCSUB, /* <( ) or >( ): `sub` = LIST, `op` = "<" or ">" */
	SHELL_PART_ARRAY,   /* NAME=( ... ): `elems` = element words */
};

enum shell_quote {
	SHELL_Q_NONE,      /* unquoted: globs, tildes and splitting apply */
	SHELL_Q_SINGLE,    /* '...' */
	SHELL_Q_DOUBLE,    /* "..." */
	SHELL_Q_ANSI,      /* $'...' */
	SHELL_Q_BACKSLASH, /* \c outside quotes */
	SHELL_Q_HEREDOC,   /* body of a here-document */
};

/* Word flags. */
#define SHELL_W_QUOTED  0x001u /* some part was quoted or escaped */
#define SHELL_W_PARAM   0x002u /* parameter expansion */
#define SHELL_W_CMDSUB  0x004u /* command substitution */
#define SHELL_W_ARITH   0x008u /* arithmetic expansion */
#define SHELL_W_PROCSUB 0x010u /* process substitution */
#define SHELL_W_GLOB    0x020u /* unquoted * ? or [ */
#define SHELL_W_TILDE   0x040u /* tilde prefix */
#define SHELL_W_BRACE   0x080u /* unquoted {a,b} or {1..3} */
#define SHELL_W_ASSIGN  0x100u /* NAME=value (or NAME+=value): name_len */
#define SHELL_W_ARRAY   0x200u /* NAME=( ... ) */
#define SHELL_W_DYNAMIC (SHELL_W_PARAM | SHELL_W_CMDSUB | SHELL_W_ARITH | \
			 SHELL_W_PROCSUB | SHELL_W_ARRAY)

/* Part flags (pflags). */
#define SHELL_P_BRACED    0x1u /* ${...} rather than $NAME */
#define SHELL_P_LENGTH    0x2u /* ${#NAME} */
#define SHELL_P_INDIRECT  0x4u /* ${!NAME} */
#define SHELL_P_BACKQUOTE 0x8u /* `...` rather than $( ) */

struct shell_node;
struct shell_word;

struct shell_part {
	enum shell_part_kind kind;
	enum shell_quote quote;   /* LIT: how it was quoted; others: Q_DOUBLE
				     when inside "..." (no splitting) */
	unsigned pflags;
	size_t start, len;        /* source span */
	const char *text;         /* see enum shell_part_kind; never NULL */
	size_t text_len;
	const char *op;           /* PARAM: "", ":-", "-", ":=", "=", ":?",
				     "?", ":+", "+", "#", "##", "%", "%%",
				     "/", "//", "/#", "/%", "^", "^^", ",",
				     ",,", ":" (substring), "@"; PROCSUB:
				     "<" or ">"; others "" */
	struct shell_part *arg;   /* PARAM: the operand after op (NULL if
				     none); ARITH: the expression's parts */
	struct shell_node *sub;   /* CMDSUB, PROCSUB */
	struct shell_word *elems; /* ARRAY */
	struct shell_part *next;
};

struct shell_word {
	size_t start, len;        /* source span, quotes included */
	const char *text;         /* cooked value, NUL-terminated; NULL when
				     the word has a SHELL_W_DYNAMIC part */
	size_t text_len;
	unsigned flags;           /* SHELL_W_* */
	size_t name_len;          /* SHELL_W_ASSIGN: length of NAME */
	struct shell_part *parts; /* never NULL: an empty word ('') has one
				     empty literal part */
	struct shell_word *next;
};

enum shell_redir_op {
	SHELL_REDIR_IN,          /* <    */
	SHELL_REDIR_OUT,         /* >    */
	SHELL_REDIR_APPEND,      /* >>   */
	SHELL_REDIR_CLOBBER,     /* >|   */
	SHELL_REDIR_RDWR,        /* <>   */
	SHELL_REDIR_DUP_IN,      /* <&N, <&- */
	SHELL_REDIR_DUP_OUT,     /* >&N, >&- */
	SHELL_REDIR_OUT_ERR,     /* &> file, >& file (stdout and stderr) */
	SHELL_REDIR_APPEND_ERR,  /* &>> file */
	SHELL_REDIR_HEREDOC,     /* <<   */
	SHELL_REDIR_HEREDOC_TAB, /* <<-  */
	SHELL_REDIR_HERESTRING,  /* <<<  */
};

struct shell_redir {
	enum shell_redir_op op;
	int fd;                   /* the fd redirected: as written, else 0
				     for input forms and 1 for output forms;
				     -1 for OUT_ERR/APPEND_ERR (1 and 2) */
	size_t start, len;
	struct shell_word *target;/* file, fd or "-", here-doc delimiter,
				     here-string word */
	struct shell_word *body;  /* HEREDOC*: the body as a word, whose
				     parts carry $ and $( ) unless the
				     delimiter was quoted (then it is one
				     literal); NULL otherwise */
	struct shell_redir *next;
};

struct shell_case_item {
	size_t start, len;
	struct shell_word *patterns; /* linked by next */
	struct shell_node *body;     /* LIST, or NULL when empty */
	const char *term;            /* ";;", ";&", ";;&" or "" before esac */
	struct shell_case_item *next;
};

struct shell_node {
	enum shell_kind kind;
	enum shell_sep sep;          /* as an item of a LIST */
	size_t start, len;           /* source span */
	struct shell_node *next;     /* next item of the parent LIST or
				        PIPELINE */
	struct shell_node *child;    /* see the shape above */
	struct shell_node *cond;
	struct shell_node *alt;
	struct shell_word *words;
	size_t n_words;
	struct shell_word *assigns;
	struct shell_word *var;
	struct shell_redir *redirs;
	struct shell_case_item *items;
	bool bang;                   /* PIPELINE: ! */
	bool pipe_err;               /* joined to the next command by |& */
	bool has_in;                 /* FOR */
	bool arith;                  /* FOR: for ((...)) */
	bool select;                 /* FOR: select */
};

struct shell_arena;

struct shell_tree {
	char *src;                   /* NUL-terminated copy of the input */
	size_t len;
	struct shell_node *root;     /* a SHELL_LIST; NULL after a failure */
	/* After a failure: where it was found, and whether the input merely
	 * ended too soon (unterminated quote, missing fi, trailing |) rather
	 * than containing something wrong. */
	size_t err_pos;
	bool incomplete;
	/* The end of the last complete top-level item before the failure (0
	 * if none): src[0, ok_len) parses, and a shell reading the input
	 * line by line would have run it. */
	size_t ok_len;
	size_t n_items;              /* allocated nodes, words, parts, redirs */
	struct shell_arena *arena;
};

/* Parse flags. */
#define SHELL_PARSE_ZSH_BRACES 0x1u /* treat { and } as tokens even
				       without blanks, as zsh does */

/* Make t empty (no allocation). */
void shell_tree_init(struct shell_tree *t);

/* Free everything t holds; t is empty afterwards. */
void shell_tree_release(struct shell_tree *t);

/* Parse src (len bytes, need not be NUL-terminated) into t, replacing what
 * t held before (memory is reused). Returns 0 with t->root set, or -1 with
 * ERR_LIMIT (too long, too deep, too many nodes, NUL byte) or ERR_PARSE
 * (syntax), a message of the form "shell: ... at offset N", and
 * t->err_pos, t->incomplete and t->ok_len set. */
int shell_parse(struct shell_tree *t, const char *src, size_t len, unsigned flags,
		struct err *err);

/* Call fn on n and every node below it, in source order, including the
 * lists inside command and process substitutions, here-document bodies
 * and ${...} operands. fn returns 0 to go on, 1 to skip the node's
 * children, or -1 to stop; shell_walk returns -1 if stopped, else 0. */
typedef int (*shell_visit_fn)(const struct shell_node *n, void *ctx);
int shell_walk(const struct shell_node *n, shell_visit_fn fn, void *ctx);

/* Append a compact, stable S-expression of n to b: used by table-driven
 * tests and for debugging ("caro check --debug"). Words print as
 * "cooked text" with $NAME, ${NAME op arg}, $(...), $((...)) and ~user for
 * their parts; quoted glob characters print with a backslash. */
struct buf;
void shell_dump(const struct shell_node *n, struct buf *b);

const char *shell_kind_name(enum shell_kind k);       /* "simple", ... */
const char *shell_sep_name(enum shell_sep s);         /* ";", "&&", ... */
const char *shell_redir_op_name(enum shell_redir_op op); /* ">>", ... */

/* True when root (a parsed tree's root) holds at least one command and
 * no item is followed by a newline: the input is one command line, such
 * as "a | b && c" or "for ...; do ...; done" (here-document bodies do not
 * count as lines). The answer parser uses it to reject prose around a
 * command. */
bool shell_is_one_line(const struct shell_node *root);

/* True when w is literal text (no expansion of any kind, quoted or not):
 * w->text is then exactly what the command receives. */
static inline bool shell_word_is_literal(const struct shell_word *w)
{
	return w->text && !(w->flags & (SHELL_W_DYNAMIC | SHELL_W_GLOB | SHELL_W_TILDE |
					SHELL_W_BRACE));
}

#endif
