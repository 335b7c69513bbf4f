/*
 * clip.c: clipboard programs and OSC 52.
 *
 * A clipboard program is run with a pipe on its stdin and /dev/null for
 * its output, so programs that stay behind to serve the selection (xclip,
 * wl-copy) do not hold our descriptors. SIGPIPE is ignored while writing,
 * in case the program exits before reading everything.
 */
#include "clip.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const argv_pbcopy[] = {"pbcopy", NULL};
static const char *const argv_wl_copy[] = {"wl-copy", NULL};
static const char *const argv_xclip[] = {"xclip", "-selection", "clipboard", "-in", NULL};
static const char *const argv_xsel[] = {"xsel", "--clipboard", "--input", NULL};

static const struct clip_tool tools[] = {
	{"pbcopy", NULL, argv_pbcopy},
	{"wl-copy", "WAYLAND_DISPLAY", argv_wl_copy},
	{"xclip", "DISPLAY", argv_xclip},
	{"xsel", "DISPLAY", argv_xsel},
};

static bool on_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[4096];

	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);

		if (n && n + strlen(name) + 2 <= sizeof(file)) {
			snprintf(file, sizeof(file), "%.*s/%s", (int)n, path, name);
			if (access(file, X_OK) == 0)
				return true;
		}
		path = end ? end + 1 : NULL;
	}
	return false;
}

const struct clip_tool *clip_find_tool(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		const char *display = tools[i].env ? getenv(tools[i].env) : NULL;

		if (tools[i].env && (!display || !*display))
			continue;
		if (on_path(tools[i].name))
			return &tools[i];
	}
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int clip_run(const struct clip_tool *t, const char *text, size_t len, int timeout_ms,
	     struct err *err)
{
	struct sigaction ign = {0}, old;
	int fds[2], status = 0, rc = 0;
	size_t off = 0;
	pid_t pid;

	if (pipe(fds) < 0)
		return err_errno(err, ERR_IO, "clipboard: pipe");
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_errno(err, ERR_IO, "clipboard: fork");
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fds[0], 0);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		close(fds[0]);
		close(fds[1]);
		execvp(t->argv[0], (char *const *)t->argv);
		_exit(127);
	}
	close(fds[0]);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	while (off < len) {
		ssize_t n = write(fds[1], text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);
	for (int waited = 0;; waited += 10) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 1 << 8;
			break;
		}
		if (waited >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return err_set(err, ERR_TIMEOUT, "clipboard: %s did not finish in %d ms",
				       t->name, timeout_ms);
		}
		sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = err_set(err, ERR_IO, "clipboard: %s failed%s", t->name,
			     WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " to start" : "");
	else if (off < len)
		rc = err_set(err, ERR_IO, "clipboard: %s did not read all the text", t->name);
	return rc;
}

void clip_osc52(const char *text, size_t len, struct buf *out)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)text;

	buf_adds(out, "\033]52;c;");
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)s[i + 1] << 8;
		if (left > 2)
			v |= s[i + 2];
		buf_addch(out, b64[(v >> 18) & 63]);
		buf_addch(out, b64[(v >> 12) & 63]);
		buf_addch(out, left > 1 ? b64[(v >> 6) & 63] : '=');
		buf_addch(out, left > 2 ? b64[v & 63] : '=');
	}
	buf_addch(out, '\a');
}
