/*
 * safety_int.h: what safety.c (tree walking, unwrapping, path reasoning)
 * and rules.c (the rules table and its matchers) share. Not for use
 * outside lib/safety.
 *
 * A command reaches the rules as a struct cmd: the program's base name and
 * its arguments resolved to text as far as that can be known statically
 * (variables assigned earlier, $HOME, ~, $(echo x)), with the parts that
 * cannot be known replaced by SW_UNKNOWN_CH. Wrappers (sudo, env, xargs,
 * sh -c...) have been peeled off already, and env says what they implied.
 */
#ifndef CARO_SAFETY_INT_H
#define CARO_SAFETY_INT_H

#include "safety/safety.h"
#include "shell/shell.h"

/* Stands for text that is only known at run time. */
#define SW_UNKNOWN_CH '\x01'

/* Path classes, roughly from least to most dangerous to destroy. */
enum pclass {
	PC_UNKNOWN,     /* not known statically */
	PC_NULLDEV,     /* /dev/null, /dev/stdout, /dev/fd/N: harmless */
	PC_ORDINARY,    /* any other path */
	PC_TMP,         /* below /tmp or /var/tmp */
	PC_BUILD,       /* a regenerable build or cache dir below cwd */
	PC_HOME_DEEP,   /* two or more levels below home */
	PC_VCS,         /* .git, .hg, .svn below cwd */
	PC_HOME_ITEM,   /* directly in home (~/Documents, ~/.ssh) */
	PC_CWD,         /* the current directory (., *, ./ *) */
	PC_PARENT,      /* .. or its contents */
	PC_VAR_ROOT,    /* "$X/..." with X unknown: / if X is empty */
	PC_SYSTEM_FILE, /* below a system dir: /etc/hosts, /var/log/x */
	PC_DEVICE,      /* a disk, partition or raw memory device */
	PC_HOME,        /* a home directory itself, or all of them */
	PC_SYSTEM,      /* a system dir itself: /etc, /usr, /boot, /System */
	PC_ROOT,        /* / */
};

struct pinfo {
	enum pclass cls;
	bool all;        /* names every entry of the dir (dir/ *), or is the
			    dir itself (rm -r dir deletes all of it too) */
	bool auth;       /* passwd, shadow, sudoers...: the system's logins */
	bool essential;  /* /bin/sh, sudo, init, libc: the system needs it to
			    boot, log in or become root */
	bool sensitive;  /* shell start-up files, ssh and gpg keys */
	bool startup;    /* a shell start-up file itself (~/.bashrc) */
	bool history;    /* a shell history file */
	bool login_keys; /* an ssh authorized_keys file: who may log in */
	bool devtcp;     /* bash's /dev/tcp or /dev/udp */
	bool kernel;     /* /proc/sysrq-trigger, /proc/sys, /sys */
	bool sysrq;      /* /proc/sysrq-trigger */
	bool top;        /* a dir directly below / that is no system dir */
	bool routine;    /* a system path where writing files is routine:
			    below /usr/local or /opt, an application's
			    config dir (/etc/nginx/...), a mounted volume */
};

/* sword flags */
#define SW_DYNAMIC   0x01u /* some part is unknown */
#define SW_GLOB      0x02u /* unquoted glob characters */
#define SW_HOME      0x04u /* the leading ~ means $HOME */
#define SW_EVERY     0x08u /* synthetic: every file below (find -exec {}) */
#define SW_CMDSUB    0x10u /* built by a command substitution */
#define SW_DOWNLOAD  0x20u /* a substitution inside it downloads */
#define SW_QUOTED    0x40u
#define SW_DECODED   0x80u /* a substitution inside it decodes (base64 -d) */

/* A resolved argument. */
struct sword {
	const char *s;              /* resolved text, NUL-terminated */
	size_t len;
	unsigned flags;
	size_t span_start, span_len;/* in the checked command */
	bool have_pi;
	struct pinfo pi;            /* path class, computed on demand */
};

/* What wrappers around a command implied. */
struct env {
	bool elevated;   /* sudo, doas, su, pkexec */
	bool remote;     /* ssh host CMD */
};

/* What feeds a command's standard input. */
enum in_kind {
	IN_NONE,         /* terminal or unknown */
	IN_TEXT,         /* static text: echo/printf upstream, here-doc,
			    here-string */
	IN_DOWNLOAD,     /* a downloader upstream */
	IN_DECODED,      /* a decoder upstream (base64 -d): hidden code */
	IN_PATHS,        /* file names from find upstream */
	IN_OTHER,        /* some other command upstream */
	IN_FILE,         /* < FILE: text is the path */
};

struct stdin_info {
	enum in_kind kind;
	const char *text;            /* IN_TEXT, IN_PATHS: NUL-terminated */
	size_t text_len;
	unsigned path_flags;         /* IN_PATHS: flags for the paths */
	bool endless;                /* never ends: yes, cat /dev/zero */
	bool verbatim;               /* IN_OTHER: a file's or a variable's
					text as it is (cat FILE, echo "$X"),
					no code made up */
	/* Static text that a filter upstream turned into this input
	 * (echo X | rev, echo X | tr a-z n-za-m): the pieces a reader can
	 * see of what a shell runs. NULL when none. */
	const char *seen;
	size_t seen_len;
	size_t span_start, span_len;
};

struct sctx;

/* Which options of a program take a value: one row per program (sub
 * NULL) or per subcommand of one (docker run), in rules.c. Every helper
 * that skips options (operands, subcommands, wrappers) reads this table,
 * so a program's options are listed once. */
struct optspec {
	const char *progs;   /* space-separated base names */
	const char *sub;     /* NULL: the program's own options; else the
				subcommands (space-separated) the row is for */
	const char *shorts;  /* short options that take a value */
	const char *longs;   /* long ones, without dashes, space-separated */
	bool dash_long;      /* -name is a long option (sqlite3): no clusters */
};
extern const struct optspec safety_optspecs[];
extern const size_t safety_n_optspecs;

/* The row for prog's subcommand sub (NULL: prog's own row), or NULL. */
const struct optspec *safety_optspec(const char *prog, const char *sub);
/* Does option word s take the next word as its value under o? False for
 * a non-option, "--", an attached value (-oFILE, --out=F) or o NULL. */
bool opt_takes_next(const struct optspec *o, const char *s);

struct cmd {
	struct sctx *x;
	const char *prog;            /* base name of av[0] */
	const struct optspec *opt;   /* prog's options, or NULL */
	struct sword *av;            /* av[0] is the program */
	size_t ac;
	struct env env;
	const struct stdin_info *in;
	/* Set by the command's handling, for pipeline rules. */
	int role;
};

/* Roles a command plays in a pipeline. */
enum { ROLE_OTHER, ROLE_DOWNLOAD, ROLE_NET, ROLE_SHELL_STDIN, ROLE_SHELL };

/* Rules: a matcher returns the index of the argument to blame (0 for the
 * command as a whole) or -1 for no match. */
#define RULE_FALLBACK 0x1u /* only when no other rule of the program hit */

struct rule {
	const char *id;
	const char *progs;           /* space-separated base names; a
				        trailing * matches a prefix */
	int (*match)(struct cmd *c);
	enum risk risk;
	const char *message;
	unsigned flags;
};

extern const struct rule safety_rules[];
extern const size_t safety_n_rules;

/* What the tables say about a program name, looked up once per command
 * in a sorted index built on first use. */
#define PROG_SHELL    0x01u
#define PROG_INTERP   0x02u
#define PROG_DOWNLOAD 0x04u
#define PROG_NET      0x08u
#define PROG_SUDO     0x10u /* sudo, doas, pkexec: elevate and wrap */
#define PROG_WRAPPER  0x20u /* nice, nohup, command...: plain wrappers */
#define PROG_DECODE   0x40u /* base64, xxd...: can turn text into code */
#define PROG_CONTAINER 0x80u /* docker, kubectl...: run commands in containers */
#define PROG_OUTFILE  0x100u /* curl, sort...: an option names the output file */
#define PROG_CODEOPT  0x200u /* tar, vim, git...: an option's value is shell code */
#define PROG_FLEET    0x400u /* pdsh, ansible...: run a command on many hosts */
#define PROG_MAX_RULES 32

struct prog_info {
	unsigned cls;                   /* PROG_* */
	bool known;                     /* named by a rule or the allow-list */
	int ro;                         /* allow-list row, or -1 */
	int opt;                        /* safety_optspecs row, or -1 */
	size_t n_rules;
	unsigned short rules[PROG_MAX_RULES]; /* rows, in table order */
};

void safety_lookup(const char *prog, struct prog_info *pi);

/* The program index behind safety_lookup: every name of the rule,
 * allow-list and class tables, hashed (rules.c). */
#define SAFETY_INDEX_BUCKETS 4096 /* power of two, above twice the names */
struct safety_pentry {
	uint32_t off;     /* the name: len bytes at pool + off, no terminator */
	unsigned char len;
	short rule;       /* row of the rule table, or -1 */
	short ro;         /* row of the allow-list, or -1 */
	short opt;        /* row of the option table, or -1 */
	unsigned cls;     /* PROG_* */
	int next;         /* next entry in the same bucket, in table order */
};
struct safety_index {
	/* Offsets, not pointers: the generated index then needs no
	 * relocation when caro starts. */
	const char *pool;
	const struct safety_pentry *entries, *prefixes; /* prefixes: "foo*" */
	size_t n_entries, n_prefixes;
	const int *bucket_head; /* SAFETY_INDEX_BUCKETS first entries, or -1 */
};
uint32_t safety_name_hash(const char *s, size_t n);
/* Builds the index from the tables, in allocated memory (never freed:
 * the generator and a test use it once). */
void safety_index_build(struct safety_index *ix);
/* The index tools/safety_gen.c wrote at build time. */
extern const struct safety_index safety_index_compiled;

/* rules.c: is this command plainly read-only or benign (no reason at
 * all)? ro is prog_info.ro. */
bool safety_read_only(struct cmd *c, int ro);
bool safety_is_shell(const char *prog);
bool safety_is_interpreter(const char *prog);
unsigned safety_prog_class(const char *prog);

/* safety.c services for matchers. */
const struct pinfo *safety_path(struct cmd *c, size_t i);
bool safety_prog_in(const char *prog, const char *list);

struct find_scope {
	struct pinfo start;   /* the most dangerous start path */
	size_t start_i;       /* its av index, 0 for the implied "." */
	size_t first_expr;    /* av index of the first test or action */
	bool narrow;          /* a test that selects some files (-name...) */
};
void safety_find_scope(struct cmd *c, struct find_scope *fs);
/* If an earlier command made av[i] a copy of a shell or interpreter
 * binary (cp /bin/bash /tmp/x), that program's name ("bash"), else NULL. */
const char *safety_shell_copy(struct cmd *c, size_t i);
/* Classify a path as seen by c (after any cd earlier in the command). */
void safety_classify_cmd(struct cmd *c, const char *path, bool home, struct pinfo *pi);

/* The class of a path as a name ("root", "home-item"...), for tests: a
 * leading ~ means $HOME, cwd is what an earlier cd left ("" for none). */
const char *safety_path_class(const char *path, const char *cwd);

/* Argument helpers: options end at "--". */
bool cmd_has_short(const struct cmd *c, char opt);
bool cmd_has_long(const struct cmd *c, const char *opt);
bool cmd_has_arg(const struct cmd *c, const char *arg);
/* i-th (0-based) word after av[0] that is neither an option nor an
 * option's value (c->opt says which take one); -1 if none. */
int cmd_operand(const struct cmd *c, int nth);

/* One option of a command, as opt_next gives them: each letter of a
 * cluster in turn (-sSLo F gives s, S, L, then o with F), or a long
 * option with its value (--output=F, --output F). */
struct opt {
	size_t i;          /* av index of the option word */
	char letter;       /* the short option, or 0 for a long one */
	const char *name;  /* a long option's name, without dashes */
	size_t name_len;
	const char *val;   /* its value, or NULL */
	size_t val_i;      /* av index holding val */
};
struct optit {
	size_t i, k;       /* word, and letter in a cluster */
	bool done;
	bool stop;         /* options end at the first operand (docker run
			      IMAGE CMD...); i is then that operand's index,
			      or the one after "--" */
};
#define OPTIT_INIT {1, 0, false, false}
/* The next option of c (in c->opt's terms); false after the last. */
bool opt_next(const struct cmd *c, struct optit *it, struct opt *o);
/* Is o the long option name, or the short letter ch (0: none)? */
bool opt_is(const struct opt *o, char ch, const char *name);
bool str_ieq(const char *a, const char *b);
bool str_icontains(const char *hay, const char *needle);

/* Check text as shell code in the context of c (sh -c, eval, awk's
 * system("..."), ssh's remote command), blaming argument i. */
void safety_check_code(struct cmd *c, const char *text, size_t len, size_t i, struct env env);

/* code.c: the shell commands that the code in word w of c runs
 * (system("..."), `...`, awk's print | "sh", expect's spawn, a
 * makefile's recipes), for interpreters, awk, expect and make. With
 * check, each is checked as shell code in c's context. Returns CODE_*
 * flags for what was found. */
#define CODE_RUNS    0x1u /* runs some command */
#define CODE_DYNAMIC 0x2u /* a command not known statically */
#define CODE_WRITES  0x4u /* awk: writes a file */
#define CODE_SHELL   0x8u /* awk: pipes text not known into a shell */
unsigned safety_code_commands(struct cmd *c, const struct sword *w, bool check);

/* xform.c: the output of filter av[0..ac) (rev, tr, sed s///) fed the
 * static text in (n bytes), into out (cap bytes, NUL-terminated). False
 * when the filter or its arguments are not ones whose effect is known. */
bool safety_xform_text(const char *const *av, size_t ac, const char *in, size_t n, char *out,
		       size_t cap, size_t *len);

/* Add a reason blaming argument i of c (or the whole command if i < 0). */
void safety_add(struct cmd *c, int i, const char *rule, enum risk risk, const char *fmt, ...)
	PRINTF_LIKE(5, 6);

#endif
