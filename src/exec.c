/*
 * exec.c: run an approved command through the user's shell.
 *
 * The child inherits stdio, so output streams live and interactive
 * programs work. While it runs, caro ignores SIGINT and SIGQUIT the way a
 * shell does (the child gets them from the terminal), then passes on its
 * exit status: 128+N when signal N killed it.
 *
 * With --hand-back, the approved command is handed to the calling shell
 * function instead, which runs it and records it in the shell's history.
 */
#include "caro.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* The shell to run commands with: --shell/config, then $SHELL, then sh. */
static const char *shell_path(const struct app *app, char *buf, size_t cap)
{
	const char *want = platform_shell_name(app->shell);
	const char *env = getenv("SHELL");
	const char *base = env ? strrchr(env, '/') : NULL;
	const char *path = getenv("PATH");

	base = base ? base + 1 : env;
	if (env && *env == '/' && str_eq(base, want) && access(env, X_OK) == 0)
		return env;
	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);

		snprintf(buf, cap, "%.*s/%s", (int)n, path, want);
		if (n && access(buf, X_OK) == 0)
			return buf;
		path = end ? end + 1 : NULL;
	}
	return "/bin/sh";
}

/* --hand-back FD|FILE: the shell function of `caro init` runs approved
 * commands itself, so they enter its history. The command is written
 * there (no newline added) instead of being run; the function evals it.
 * A descriptor was checked when the option was parsed. */
static int hand_back(const struct opts *o, const char *cmd)
{
	size_t len = strlen(cmd), off = 0;
	int fd = o->hand_back_fd;

	if (!fd) {
		fd = open(o->hand_back, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die(EXIT_ERROR, "--hand-back %s: %s", o->hand_back, strerror(errno));
	}
	while (off < len) {
		ssize_t n = write(fd, cmd + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die(EXIT_ERROR, "--hand-back %s: %s", o->hand_back,
			    n < 0 ? strerror(errno) : "short write");
		off += (size_t)n;
	}
	close(fd);
	return EXIT_OK;
}

int exec_command(const struct app *app, const char *cmd, bool stdout_to_stderr)
{
	struct sigaction ign = {0}, old_int, old_quit;
	char buf[4096];
	const char *sh = shell_path(app, buf, sizeof(buf));
	pid_t pid;
	int status = 0;

	if (app->opts.hand_back && !stdout_to_stderr)
		return hand_back(&app->opts, cmd);
	fflush(stdout);
	fflush(stderr);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		die(EXIT_ERROR, "cannot start %s: %s", sh, strerror(errno));
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (stdout_to_stderr)
			dup2(2, 1);
		execl(sh, sh, "-c", cmd, (char *)NULL);
		fprintf(stderr, "caro: error: cannot run %s: %s\n", sh, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 1 << 8;
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
