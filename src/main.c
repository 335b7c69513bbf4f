/*
 * main.c: the command table and dispatch (git's cmd table, tmux's cmd-*).
 *
 *   caro [options] [--] REQUEST...     ask for a command
 *   caro COMMAND [options] [args]      a subcommand from the table below
 *
 * A subcommand is recognised only as the first word, exactly; to ask a
 * request that starts with such a word, quote it: caro "check disk space".
 */
#include "caro.h"

#include "log.h"


const struct cmd_entry commands[] = {
	{"check", "caro check [-o json] [--platform P] [--safety L] -- COMMAND",
	 "rate a shell command's risk", cmd_check},
	{"config", "caro config get KEY | set KEY VALUE | show | path",
	 "read and change settings", cmd_config},
	{"doctor", "caro doctor [-o json]", "show what caro sees and which engines work",
	 cmd_doctor},
	{"model", "caro model list | pull NAME | rm NAME | info [NAME] | path [NAME] | run MODEL -p TEXT",
	 "manage local models (download, inspect, try)", cmd_model},
	{"explain", "caro explain [-o json] [--platform P] [--] COMMAND",
	 "say what a shell command does, part by part", cmd_explain},
	{"history", "caro history [-n N] [--search TEXT] [--json] | --clear [-y]",
	 "list past requests and what became of them", cmd_history},
	{"init", "caro init bash|zsh|fish [--key KEY] | caro init --print-only",
	 "print the shell integration (key binding, history)", cmd_init},
	{"stats", "caro stats [--json]", "counts, latency percentiles and cache hit rate",
	 cmd_stats},
	{"version", "caro version", "print the version", cmd_version},
	{"help", "caro help", "print this help", cmd_help},
	{NULL, NULL, NULL, NULL},
};

const struct cmd_entry *cmd_find(const char *name)
{
	for (const struct cmd_entry *c = commands; c->name; c++)
		if (str_eq(c->name, name))
			return c;
	return NULL;
}

int cmd_version(struct app *app, int argc, char **argv)
{
	UNUSED(app);
	UNUSED(argc);
	UNUSED(argv);
	printf("caro %s\n", CARO_VERSION);
	return EXIT_OK;
}

int cmd_help(struct app *app, int argc, char **argv)
{
	UNUSED(app);
	UNUSED(argc);
	UNUSED(argv);
	printf("usage: caro [options] [--] REQUEST...\n"
	       "       caro COMMAND [options] [args]\n\n"
	       "Turn a request in plain language into a shell command for this machine,\n"
	       "rate its risk, and run it only if you agree.\n\n"
	       "options:\n"
	       "  -o, --output plain|json     output format (json: one object on stdout)\n"
	       "  -b, --backend ENGINE        auto, match, local, ollama or openai\n"
	       "      --platform P            auto, linux, macos or freebsd (GNU or BSD flags)\n"
	       "      --shell S               sh, bash, zsh or fish\n"
	       "  -x, --execute               run the command (needs -y without a terminal)\n"
	       "  -y, --yes                   do not ask before running allowed commands\n"
	       "      --dry-run               never run anything\n"
	       "      --safety LEVEL          strict, moderate (default) or permissive\n"
	       "      --explain               say what the command does\n"
	       "  -n, --candidates N          offer up to N different commands\n"
	       "      --no-cache              do not use cached answers\n"
	       "  -m, --model PATH            a local GGUF model for the local engine\n"
	       "  -v, --verbose               diagnostics on stderr (-vv for more)\n"
	       "      --config FILE           read this config file\n"
	       "  -V, --version               print the version\n"
	       "  -h, --help                  print this help\n\n"
	       "commands:\n");
	for (const struct cmd_entry *c = commands; c->name; c++)
		printf("  %-9s %s\n", c->name, c->summary);
	printf("\nexit status: 0 command produced (or run: its status), 1 error, 2 usage,\n"
	       "3 no command, 4 blocked by safety, 5 not run (you said no).\n"
	       "See caro(1) for the configuration file and environment variables.\n");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct app app;
	const struct cmd_entry *cmd = NULL;
	int first, rc;

	memset(&app, 0, sizeof(app));
	app.t0_ms = now_ms();
	/* No setlocale: caro stays in the C locale. Commands and requests
	 * are bytes that lib/utf8.c decodes itself, ctype must not change
	 * meaning with the user's locale, and numbers are written with '.'.
	 * setlocale(LC_CTYPE, "") cost 60k instructions per process (15% of
	 * `caro --version`), most of it reading locale.alias, for nothing. */

	/* Global options may precede the subcommand: caro -o json check -- ls */
	first = cli_first_word(argc, argv);
	if (first > 0)
		cmd = cmd_find(argv[first]);
	if (cmd) {
		/* Hand the subcommand everything but its own name. */
		char **rest = xmalloc((size_t)argc * sizeof(char *));
		int n = 0;

		for (int i = 1; i < argc; i++)
			if (i != first)
				rest[n++] = argv[i];
		rc = cmd->exec(&app, n, rest);
		free(rest);
	} else {
		rc = cmd_ask(&app, argc - 1, argv + 1);
	}
	app_release(&app);
	fflush(stdout);
	if (ferror(stdout))
		die(EXIT_ERROR, "cannot write the output");
	return rc;
}
