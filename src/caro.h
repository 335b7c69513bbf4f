/*
 * caro.h: what the files of the program share. src/ is the only code that
 * prints results, asks questions and exits; lib/ is its library.
 */
#ifndef CARO_CARO_H
#define CARO_CARO_H

#include "buf.h"
#include "common.h"
#include "config.h"
#include "err.h"
#include "platform.h"
#include "safety/safety.h"

/* Exit codes are part of the CLI contract: scripts depend on them. */
enum {
	EXIT_OK = 0,        /* a command was produced (and run, with -x) */
	EXIT_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_DECLINED = 3,  /* no command could be produced */
	EXIT_BLOCKED = 4,   /* the safety policy refused it */
	EXIT_REFUSED = 5,   /* the user declined to run it */
};

/* Requests larger than this are refused before any engine sees them. */
#define REQUEST_MAX (100 * 1024)

/* Options from the command line. NULL or false means not given, so the
 * config (file, then environment) supplies the value. */
struct opts {
	const char *output;
	const char *backend;
	const char *platform;
	const char *shell;
	const char *safety;
	const char *candidates;
	const char *config_file;
	const char *model;
	const char *explain_mode; /* --explain[=MODE] */
	const char *hand_back;    /* --hand-back FD|FILE: write approved commands there */
	int hand_back_fd;         /* that FD, checked when parsed; 0: a FILE or none */
	bool execute;
	bool yes;
	bool dry_run;
	bool explain;
	bool no_cache;
	bool print_only;          /* print the command only: no menu, never run */
	bool widget;              /* key-binding protocol: a status line, then the command */
	int pick;                 /* --pick K: offer candidate K (1-based) first; 0: unset */
	bool help;
	bool version;
	int verbose;
	int force_tokens;         /* bench only: --bench-tokens N */
	char **words;             /* positional words (owned array, borrowed strings) */
	int n_words;
	bool after_dashdash;      /* words came after "--" */
};

/* What every command needs, set up once by app_setup. */
struct app {
	struct opts opts;
	struct config cfg;
	struct platform plat;
	enum plat_shell shell;
	enum safety_level safety;
	bool json;
	bool tty_in, tty_out, tty_err;
	bool color;
	char cache_dir[4096];
	bool cache_dir_ok;
	double t0_ms;
};

/* One subcommand (git's cmd table): its name, a usage line, and its entry
 * point, which gets the words after the command name. */
struct cmd_entry {
	const char *name;
	const char *usage;
	const char *summary;
	int (*exec)(struct app *app, int argc, char **argv);
};

extern const struct cmd_entry commands[];
const struct cmd_entry *cmd_find(const char *name);

int cmd_ask(struct app *app, int argc, char **argv);
int cmd_check(struct app *app, int argc, char **argv);
int cmd_config(struct app *app, int argc, char **argv);
int cmd_doctor(struct app *app, int argc, char **argv);
int cmd_explain(struct app *app, int argc, char **argv);
int cmd_history(struct app *app, int argc, char **argv);
int cmd_init(struct app *app, int argc, char **argv);
int cmd_model(struct app *app, int argc, char **argv);
int cmd_stats(struct app *app, int argc, char **argv);
int cmd_version(struct app *app, int argc, char **argv);
int cmd_help(struct app *app, int argc, char **argv);

/* cli.c: options and set-up. */

/* A command's own options, tried before the global ones. */
struct opt_spec {
	const char *long_name;
	char short_name;
	bool has_arg;
	int id;
};

/* Parse argv[0..argc) into app->opts, permuting options and words, using
 * extra (may be NULL, ended by a zeroed row) before the global options.
 * on_extra handles ids from extra. Usage errors exit with EXIT_USAGE. */
void cli_parse(struct app *app, int argc, char **argv, const struct opt_spec *extra,
	       void (*on_extra)(struct app *app, int id, const char *arg));
/* Index of the first word of argv that is not an option or an option's
 * value, or -1 when there is none before "--". */
int cli_first_word(int argc, char **argv);
/* Load config, apply options over it, detect or pick the platform. Errors
 * exit (config errors with EXIT_ERROR, bad option values with EXIT_USAGE). */
void app_setup(struct app *app);
void app_release(struct app *app);
/* Milliseconds on a monotonic clock. */
double now_ms(void);

/* The words of a request or command: joined words, or stdin when there are
 * none and stdin is not a terminal. Validated: not empty, at most max
 * bytes, no NUL bytes, valid UTF-8. Exits with EXIT_USAGE otherwise.
 * Caller frees. */
char *read_input(struct app *app, const char *what, size_t max);

/* ui.c: everything people see, on stderr except results. */
struct cJSON;
NORETURN void die(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);
void warnf(const char *fmt, ...) PRINTF_LIKE(1, 2);
void ui_show_verdict(const struct app *app, const struct safety_verdict *v, enum safety_action act);
/* Ask on the terminal until the answer is one of keys and return that
 * key. An answer matches a key exactly first, then in either case, or as a
 * word (yes, no, q, next, edit, explain, copy). Enter and end of input
 * give the default: the upper-case key in keys, else 'N'. Other answers
 * print help and ask again. */
int ui_menu(const struct app *app, const char *prompt, const char *keys, const char *help);
/* Let the user edit cmd in $VISUAL/$EDITOR, else on the terminal with the
 * line editor (lib/lineedit), else on a plain prompt line. Returns the new
 * command (caller frees) or NULL when unchanged, empty, cancelled or not
 * valid UTF-8. */
char *ui_edit(const struct app *app, const char *cmd);
/* Put text on the clipboard (a clipboard program, else OSC 52 to the
 * terminal) and say on stderr how. */
void ui_copy(const struct app *app, const char *text);
/* cmd_explain.c: print what cmd does, from lib/explain's table, to out;
 * -1 (after saying why) when it does not parse. */
int ui_explain(const struct app *app, const char *cmd, FILE *out);
/* Add the explanation of cmd to a JSON object as "explain": [items]. */
void ui_explain_json(const struct app *app, const char *cmd, struct cJSON *obj);
/* Die with a usage error unless --explain's mode is one this build has. */
void explain_mode_check(const struct app *app);
/* --widget: die() and messages become one line on stdout. */
void ui_set_widget(bool on);
/* Replace control characters (newlines too) in s with spaces. */
void ui_one_line(char *s);
const char *ui_risk_color(const struct app *app, enum risk r);
const char *ui_reset(const struct app *app);
/* Print a cJSON object on stdout (one line) and free it. */
void ui_print_json(struct cJSON *obj);
/* Milliseconds rounded to microseconds, for JSON timings. */
double ui_ms(double ms);
void ui_verdict_json(struct cJSON *obj, const struct safety_verdict *v, enum safety_action act);

/* cmd_history.c: the glue between the program and lib/store. */
struct store;
struct store_entry;
struct store_opts;
/* The store settings from the config (cache bound and lifetime). */
void app_store_opts(const struct app *app, struct store_opts *o);
/* Record a finished request in the history spool, unless history is off
 * (then only a cache hit is noted, for the LRU order). Failures warn. */
void history_record(struct app *app, const struct store_entry *e);
/* Open the database and move the spool in, for commands that read it.
 * Dies with EXIT_ERROR when it cannot be opened. */
struct store *history_open(struct app *app);
/* Unix milliseconds as "2024-05-01 17:40" local time, or as ISO 8601 UTC
 * ("2024-05-01T15:40:00Z") when iso. */
void format_time_ms(int64_t ms, bool iso, char *out, size_t cap);

/* spinner.c: "working" on the terminal (stderr) while an engine runs.
 * NULL (and nothing drawn) when stderr is not a terminal or in JSON mode;
 * spinner_stop(NULL) is a no-op. */
struct spinner;
struct spinner *spinner_start(const struct app *app, const char *label);
void spinner_stop(struct spinner *s);

/* exec.c: run a command through the user's shell with inherited stdio.
 * Returns the exit status to pass on (128+N for signal N). When
 * stdout_to_stderr, the command's stdout goes to our stderr (JSON mode).
 * With --hand-back (and not stdout_to_stderr) the command is written to
 * that descriptor or file instead and 0 is returned. */
int exec_command(const struct app *app, const char *cmd, bool stdout_to_stderr);

#endif
