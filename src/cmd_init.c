/*
 * cmd_init.c: `caro init bash|zsh|fish` prints the shell integration:
 *
 *   - a key binding (Ctrl-G unless init.key or --key say otherwise) that
 *     replaces the command line, read as a request, with caro's command
 *     for it. The user reviews it, edits it and presses Enter: nothing
 *     runs by itself. Pressing the key again on caro's answer steps to the
 *     next candidate. On a decline or a blocked command the line stays as
 *     it was and a one-line message says why.
 *   - a `caro` function, so commands run from caro's menu enter the
 *     shell's own history: caro hands the approved command back
 *     (--hand-back) and the function runs it with eval, after adding it
 *     to the history, and returns its status.
 *
 * The binding talks to caro with --widget: stdout is a one-line status
 * (empty when there is nothing to say) followed by the command; the exit
 * status is caro's usual one. For bindings of your own, `caro --print-only
 * REQUEST` prints only the command.
 *
 * The snippets are templates with @KEY@ (the key in the shell's notation,
 * from lib/keyseq, which escapes everything but letters and digits),
 * @KEYNAME@ (for people) and @VERSION@.
 */
#include "caro.h"

#include "keyseq.h"

static const char snippet_bash[] =
	"# caro @VERSION@ shell integration for bash. In ~/.bashrc:\n"
	"#   eval \"$(caro init bash)\"\n"
	"# @KEYNAME@: turn the request on the command line into a command to review,\n"
	"# edit and run with Enter (again: the next candidate). Commands run from\n"
	"# caro's menu (y) go into this shell's history.\n"
	"caro() {\n"
	"\tlocal __caro_cmd __caro_rc __caro_line __caro_n\n"
	"\t{ __caro_cmd=$(command caro --hand-back 3 --shell bash \"$@\" 3>&1 1>&4 4>&-); "
	"__caro_rc=$?; } 4>&1\n"
	"\t[[ $__caro_rc -eq 0 && -n $__caro_cmd ]] || return \"$__caro_rc\"\n"
	"\t# history -s replaces the newest entry when it is this very line: give\n"
	"\t# the line back, then add the command. A line bash did not record\n"
	"\t# (HISTCONTROL, HISTIGNORE) shows as a new entry: drop it, add nothing.\n"
	"\t__caro_n=$HISTCMD\n"
	"\t__caro_line=$(HISTTIMEFORMAT= builtin history 1)\n"
	"\tbuiltin history -s -- \"${__caro_line#*[0-9][ *] }\"\n"
	"\tif [[ $HISTCMD == \"$__caro_n\" ]]; then\n"
	"\t\tbuiltin history -s -- \"$__caro_cmd\"\n"
	"\telse\n"
	"\t\tbuiltin history -d \"$HISTCMD\"\n"
	"\tfi\n"
	"\tset --\n"
	"\teval \"$__caro_cmd\"\n"
	"}\n"
	"__caro_widget() {\n"
	"\tlocal __caro_out __caro_rc\n"
	"\tif [[ -n ${__caro_req-} && $READLINE_LINE == \"${__caro_shown-}\" ]]; then\n"
	"\t\t__caro_pick=$((__caro_pick + 1))\n"
	"\telse\n"
	"\t\t__caro_req=$READLINE_LINE __caro_pick=1\n"
	"\tfi\n"
	"\t__caro_out=$(command caro --widget --pick \"$__caro_pick\" --shell bash -- "
	"\"$__caro_req\" </dev/null)\n"
	"\t__caro_rc=$?\n"
	"\tif [[ $__caro_rc -eq 0 && $__caro_out == *$'\\n'* ]]; then\n"
	"\t\tREADLINE_LINE=${__caro_out#*$'\\n'}\n"
	"\t\t# Past the end: bash puts the cursor at the end (bytes or characters).\n"
	"\t\tREADLINE_POINT=2147483647\n"
	"\t\t__caro_shown=$READLINE_LINE\n"
	"\telif [[ $__caro_rc -eq 4 ]]; then\n"
	"\t\t__caro_shown=$READLINE_LINE\n"
	"\telse\n"
	"\t\t__caro_req=\n"
	"\tfi\n"
	"\t__caro_out=${__caro_out%%$'\\n'*}\n"
	"\t[[ -z $__caro_out ]] || printf '%s\\n' \"$__caro_out\" >&2\n"
	"\treturn 0\n"
	"}\n"
	"if [[ $- == *i* ]]; then\n"
	"\tbind -m emacs -x '\"@KEY@\": __caro_widget'\n"
	"\tbind -m vi-insert -x '\"@KEY@\": __caro_widget'\n"
	"fi\n";

static const char snippet_zsh[] =
	"# caro @VERSION@ shell integration for zsh. In ~/.zshrc:\n"
	"#   eval \"$(caro init zsh)\"\n"
	"# @KEYNAME@: turn the request on the command line into a command to review,\n"
	"# edit and run with Enter (again: the next candidate). Commands run from\n"
	"# caro's menu (y) go into this shell's history.\n"
	"caro() {\n"
	"\tlocal __caro_cmd __caro_rc\n"
	"\t{ __caro_cmd=$(command caro --hand-back 3 --shell zsh \"$@\" 3>&1 1>&4 4>&-); "
	"__caro_rc=$? } 4>&1\n"
	"\t(( __caro_rc == 0 )) && [[ -n $__caro_cmd ]] || return $__caro_rc\n"
	"\tprint -rs -- \"$__caro_cmd\"\n"
	"\tset --\n"
	"\teval \"$__caro_cmd\"\n"
	"}\n"
	"typeset -g __caro_req= __caro_shown=\n"
	"typeset -gi __caro_pick=0\n"
	"__caro_widget() {\n"
	"\temulate -L zsh\n"
	"\tlocal out rc\n"
	"\tif [[ -n $__caro_req && $BUFFER == \"$__caro_shown\" ]]; then\n"
	"\t\t__caro_pick+=1\n"
	"\telse\n"
	"\t\t__caro_req=$BUFFER __caro_pick=1\n"
	"\tfi\n"
	"\tout=$(command caro --widget --pick $__caro_pick --shell zsh -- \"$__caro_req\" "
	"</dev/null)\n"
	"\trc=$?\n"
	"\tif (( rc == 0 )) && [[ $out == *$'\\n'* ]]; then\n"
	"\t\tBUFFER=${out#*$'\\n'}\n"
	"\t\tCURSOR=$#BUFFER\n"
	"\t\t__caro_shown=$BUFFER\n"
	"\telif (( rc == 4 )); then\n"
	"\t\t__caro_shown=$BUFFER\n"
	"\telse\n"
	"\t\t__caro_req=\n"
	"\tfi\n"
	"\tout=${out%%$'\\n'*}\n"
	"\t[[ -z $out ]] || zle -M -- \"$out\"\n"
	"\treturn 0\n"
	"}\n"
	"if [[ -o interactive ]]; then\n"
	"\tzle -N __caro_widget\n"
	"\tbindkey -M emacs '@KEY@' __caro_widget\n"
	"\tbindkey -M viins '@KEY@' __caro_widget\n"
	"fi\n";

static const char snippet_fish[] =
	"# caro @VERSION@ shell integration for fish. In ~/.config/fish/config.fish:\n"
	"#   caro init fish | source\n"
	"# @KEYNAME@: turn the request on the command line into a command to review,\n"
	"# edit and run with Enter (again: the next candidate). Commands run from\n"
	"# caro's menu (y) go into this shell's history.\n"
	"function caro --description 'turn a request into a shell command'\n"
	"\tif not isatty stdout\n"
	"\t\tcommand caro --shell fish $argv\n"
	"\t\treturn $status\n"
	"\tend\n"
	"\tset -l __caro_cmd (command caro --hand-back 3 --shell fish $argv 3>&1 1>/dev/tty | "
	"string collect)\n"
	"\tset -l __caro_rc $pipestatus[1]\n"
	"\tif test $__caro_rc -ne 0; or test -z \"$__caro_cmd\"\n"
	"\t\treturn $__caro_rc\n"
	"\tend\n"
	"\t__caro_history_add $__caro_cmd\n"
	"\teval $__caro_cmd\n"
	"end\n"
	"# fish 3 has no way to add a history entry but its file: append one as\n"
	"# fish writes them (\\ and newline escaped), then merge it in.\n"
	"function __caro_history_add\n"
	"\tset -l name fish\n"
	"\tset -q fish_history; and set name $fish_history\n"
	"\ttest \"$name\" = default; and set name fish\n"
	"\ttest -n \"$name\"; or return 0\n"
	"\tset -l dir ~/.local/share/fish\n"
	"\ttest -n \"$XDG_DATA_HOME\"; and set dir $XDG_DATA_HOME/fish\n"
	"\tset -l lines (string split \\n -- $argv[1])\n"
	"\tset lines (string replace -a -- '\\\\' '\\\\\\\\' $lines)\n"
	"\tcommand mkdir -p $dir; or return 0\n"
	"\tprintf '%s\\n' \"- cmd: \"(string join '\\n' -- $lines) \"  when: \"(command date +%s) "
	">>$dir/$name\"_history\"\n"
	"\tbuiltin history merge\n"
	"end\n"
	"function __caro_widget\n"
	"\tset -l line (commandline | string collect)\n"
	"\tif set -q __caro_req[1]; and test \"$line\" = \"$__caro_shown\"\n"
	"\t\tset -g __caro_pick (math $__caro_pick + 1)\n"
	"\telse\n"
	"\t\tset -g __caro_req $line\n"
	"\t\tset -g __caro_pick 1\n"
	"\tend\n"
	"\tset -l out (command caro --widget --pick $__caro_pick --shell fish -- $__caro_req "
	"</dev/null)\n"
	"\tset -l rc $status\n"
	"\tif test $rc -eq 0; and set -q out[2]\n"
	"\t\tcommandline -r -- (string join \\n -- $out[2..-1])\n"
	"\t\tset -g __caro_shown (commandline | string collect)\n"
	"\telse if test $rc -eq 4\n"
	"\t\tset -g __caro_shown $line\n"
	"\telse\n"
	"\t\tset -e __caro_req\n"
	"\tend\n"
	"\tif test -n \"$out[1]\"\n"
	"\t\tprintf '\\n%s\\n' $out[1] >&2\n"
	"\tend\n"
	"\tcommandline -f repaint\n"
	"end\n"
	"if status is-interactive\n"
	"\tbind @KEY@ __caro_widget\n"
	"\tbind -M insert @KEY@ __caro_widget\n"
	"end\n";

static const struct {
	const char *name;
	const char *snippet;
	enum keyseq_style style;
} shells[] = {
	{"bash", snippet_bash, KEYSEQ_READLINE},
	{"zsh", snippet_zsh, KEYSEQ_ZSH},
	{"fish", snippet_fish, KEYSEQ_FISH},
};

enum { OPT_KEY = 1000 };

static const struct opt_spec init_opts[] = {
	{"key", 0, true, OPT_KEY},
	{NULL, 0, false, 0},
};

static const char *key_opt;

static void on_init_opt(struct app *app, int id, const char *arg)
{
	UNUSED(app);
	if (id == OPT_KEY)
		key_opt = arg;
}

/* Copy tmpl to stdout with its placeholders filled. */
static void expand(const char *tmpl, const char *key, const char *keyname)
{
	static const char *const names[] = {"@KEY@", "@KEYNAME@", "@VERSION@"};
	const char *values[] = {key, keyname, CARO_VERSION};
	struct buf out = BUF_INIT;

	while (*tmpl) {
		size_t i = 0;

		for (; i < ARRAY_SIZE(names); i++)
			if (str_startswith(tmpl, names[i]))
				break;
		if (i < ARRAY_SIZE(names)) {
			buf_adds(&out, values[i]);
			tmpl += strlen(names[i]);
		} else {
			buf_addch(&out, *tmpl++);
		}
	}
	fputs(buf_str(&out), stdout);
	buf_release(&out);
}

int cmd_init(struct app *app, int argc, char **argv)
{
	struct keyseq k;
	struct buf key = BUF_INIT, keyname = BUF_INIT;
	struct err e;
	const char *want;
	size_t i;

	cli_parse(app, argc, argv, init_opts, on_init_opt);
	if (app->opts.help) {
		printf("usage: %s\n\n"
		       "Print the shell integration; add it to your shell's start-up file:\n"
		       "  bash  eval \"$(caro init bash)\"     in ~/.bashrc\n"
		       "  zsh   eval \"$(caro init zsh)\"      in ~/.zshrc\n"
		       "  fish  caro init fish | source       in ~/.config/fish/config.fish\n\n"
		       "The key (init.key, default Ctrl-G) replaces the request you typed on the\n"
		       "command line with caro's command for it, to review, edit and run with\n"
		       "Enter; press it again for the next candidate (caro config set candidates 3).\n"
		       "Nothing runs by itself. The caro function records commands you run from\n"
		       "caro's menu in the shell's history.\n\n"
		       "  --key KEY   bind KEY instead: \\C-g, ^G, ctrl-g, \\M-g, alt-g, \\C-x\\C-g\n\n"
		       "For bindings of your own: caro --print-only REQUEST prints only the command\n"
		       "(exit 3: no command, 4: blocked); --widget adds a status line before it.\n",
		       cmd_find("init")->usage);
		return EXIT_OK;
	}
	if (app->opts.print_only) {
		/* caro init --print-only: how to build a binding of your own. */
		printf("# For key bindings of your own, ask caro for the command only:\n"
		       "#   cmd=$(caro --print-only -- \"$request\")\n"
		       "# It prints the command and nothing else, never runs or asks, and exits\n"
		       "# 0 with a command, 3 when there is none and 4 when it is blocked (a\n"
		       "# blocked command is never printed); messages go to stderr. Add\n"
		       "# --shell bash|zsh|fish to write for that shell, --pick K for candidate K.\n"
		       "# --widget instead puts a one-line status before the command, and keeps\n"
		       "# stderr quiet (what caro init's bindings use).\n");
		return EXIT_OK;
	}
	app_setup(app);
	if (app->opts.n_words != 1)
		die(EXIT_USAGE, "which shell? usage: %s", cmd_find("init")->usage);
	want = app->opts.words[0];
	for (i = 0; i < ARRAY_SIZE(shells); i++)
		if (str_eq(shells[i].name, want))
			break;
	if (i == ARRAY_SIZE(shells))
		die(EXIT_USAGE, "caro init knows bash, zsh and fish, not '%s'", want);
	if (keyseq_parse(key_opt ? key_opt : app->cfg.init_key, &k, &e) != 0)
		die(EXIT_USAGE, "%s %s: %s", key_opt ? "--key" : "init.key",
		    key_opt ? key_opt : app->cfg.init_key, e.msg);
	keyseq_format(&k, shells[i].style, &key);
	keyseq_describe(&k, &keyname);
	expand(shells[i].snippet, key.s, keyname.s);
	buf_release(&key);
	buf_release(&keyname);
	return EXIT_OK;
}
