/*
 * ui.c: what people see. Results go to stdout; verdicts, prompts and
 * diagnostics go to stderr, so `caro ... | sh` and `$(caro ...)` get only
 * the command. Colours follow NO_COLOR, the config and isatty(2).
 */
#include "caro.h"

#include "clip.h"
#include "lineedit.h"
#include "log.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* In the key-binding protocol (--widget) every message is one line on
 * stdout, where the shell function reads it. */
static bool widget_mode;

void ui_set_widget(bool on)
{
	widget_mode = on;
}

void ui_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

void die(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (widget_mode) {
		ui_one_line(msg);
		printf("caro: %s\n", msg);
		fflush(stdout);
		exit(code);
	}
	fflush(stdout);
	if (log_color())
		fprintf(stderr, "caro: \033[1;31merror:\033[0m %s\n", msg);
	else
		fprintf(stderr, "caro: error: %s\n", msg);
	exit(code);
}

void warnf(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s", msg);
}

const char *ui_risk_color(const struct app *app, enum risk r)
{
	static const char *const colors[] = {"\033[32m", "\033[33m", "\033[31m", "\033[1;31m"};

	return app->color ? colors[r] : "";
}

const char *ui_reset(const struct app *app)
{
	return app->color ? "\033[0m" : "";
}

void ui_show_verdict(const struct app *app, const struct safety_verdict *v, enum safety_action act)
{
	const char *c = ui_risk_color(app, v->risk), *r = ui_reset(app);

	fprintf(stderr, "  risk: %s%s%s", c, safety_risk_name(v->risk), r);
	if (act == SAFETY_BLOCK)
		fprintf(stderr, " %s(blocked at --safety %s)%s", c, safety_level_name(app->safety), r);
	else if (act == SAFETY_CONFIRM)
		fprintf(stderr, " (needs your confirmation on a terminal)");
	fputc('\n', stderr);
	for (size_t i = 0; i < v->n_reasons; i++) {
		const struct safety_reason *x = &v->reasons[i];

		fprintf(stderr, "    %s%s%s %s: %s\n", ui_risk_color(app, x->risk),
			x->risk >= RISK_HIGH ? "!" : "-", r, x->rule, x->message);
	}
}

/* Read one line from fd 0 byte by byte: no stdio buffer may swallow keys
 * meant for the line editor or for the command run next. The newline is
 * dropped. False at end of input. */
static bool read_line0(char *line, size_t cap)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(0, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			line[n] = '\0';
			return n > 0;
		}
		if (c == '\n')
			break;
		if (n + 1 < cap)
			line[n++] = c;
	}
	line[n] = '\0';
	return true;
}

/* Words a menu answer may also be written as. */
static const struct {
	const char *word;
	char key;
} menu_words[] = {
	{"yes", 'y'}, {"no", 'N'}, {"q", 'N'}, {"quit", 'N'}, {"next", 'n'},
	{"edit", 'e'}, {"explain", 'x'}, {"copy", 'c'},
};

/* The key an answer stands for, or 0. Keys match exactly first ("n" and
 * "N" may mean different things), then regardless of case. */
static int menu_key(const char *answer, const char *keys)
{
	size_t len = strlen(answer);

	if (len == 1) {
		if (strchr(keys, answer[0]))
			return answer[0];
		for (const char *k = keys; *k; k++)
			if ((*k | 0x20) == (answer[0] | 0x20))
				return *k;
	}
	for (size_t i = 0; i < ARRAY_SIZE(menu_words); i++)
		if (strcasecmp(answer, menu_words[i].word) == 0 && strchr(keys, menu_words[i].key))
			return menu_words[i].key;
	return 0;
}

int ui_menu(const struct app *app, const char *prompt, const char *keys, const char *help)
{
	char line[64];
	int dflt = 'N';

	for (const char *k = keys; *k; k++)
		if (*k >= 'A' && *k <= 'Z')
			dflt = *k;
	for (;;) {
		char *a = line, *end;
		int key;

		fprintf(stderr, "%s%s%s ", app->color ? "\033[1m" : "", prompt, ui_reset(app));
		fflush(stderr);
		if (!read_line0(line, sizeof(line))) {
			fputc('\n', stderr);
			return dflt;
		}
		while (*a == ' ' || *a == '\t')
			a++;
		end = a + strlen(a);
		while (end > a && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*a)
			return dflt;
		key = menu_key(a, keys);
		if (key)
			return key;
		fprintf(stderr, "  %s\n", help);
	}
}

/* Run $VISUAL or $EDITOR (which may carry arguments) on a temp file. */
static char *edit_with_editor(const char *editor, const char *cmd)
{
	char path[] = "/tmp/caro-edit-XXXXXX";
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd = mkstemp(path);
	pid_t pid;
	int status;

	if (fd < 0)
		return NULL;
	if (write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\n", 1) < 0) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	/* The editor may carry arguments ("code -w"), so the shell splits it. */
	buf_addf(&b, "%s \"$1\"", editor);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", b.s, "sh", path, (char *)NULL);
		_exit(127);
	}
	buf_reset(&b);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	fd = open(path, O_RDONLY);
	while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0 && b.len <= REQUEST_MAX)
		buf_add(&b, chunk, (size_t)n);
	if (fd >= 0)
		close(fd);
	unlink(path);
	if (b.len > REQUEST_MAX) {
		warnf("the edited command is longer than %d bytes; keeping the old one", REQUEST_MAX);
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* The terminal state to restore if a signal ends us while the line editor
 * has the terminal in raw mode. */
static struct termios raw_saved;
static volatile sig_atomic_t raw_active;

static void raw_restore_and_die(int sig)
{
	if (raw_active)
		tcsetattr(0, TCSANOW, &raw_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static size_t term_cols(void)
{
	struct winsize ws;

	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Edit cmd on the terminal with lib/lineedit in raw mode. Returns the new
 * text (caller frees), or NULL when cancelled or the terminal cannot be
 * put in raw mode. */
static char *edit_on_line(const char *cmd)
{
	static const int sigs[] = {SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa = {0}, old[ARRAY_SIZE(sigs)];
	struct termios raw;
	struct lineedit le;
	struct buf out = BUF_INIT;
	enum lineedit_state st = LINEEDIT_MORE;
	char *res = NULL;

	if (tcgetattr(0, &raw_saved) < 0)
		return NULL;
	raw = raw_saved;
	raw.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
	raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	sa.sa_handler = raw_restore_and_die;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	/* TCSANOW, not TCSAFLUSH: keys typed ahead belong to the editor. */
	if (tcsetattr(0, TCSANOW, &raw) < 0)
		goto out;
	raw_active = 1;
	fprintf(stderr, "  edit, then Enter to use it (Ctrl-C keeps the old one)\n");
	fflush(stderr);
	write_all(2, "\033[?2004h", 8);
	lineedit_init(&le, cmd);
	while (st == LINEEDIT_MORE) {
		unsigned char chunk[256];
		ssize_t n;

		buf_reset(&out);
		lineedit_render(&le, "edit> ", term_cols(), &out);
		write_all(2, out.s, out.len);
		n = read(0, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			st = LINEEDIT_CANCEL;
		for (ssize_t i = 0; i < n && st == LINEEDIT_MORE; i++)
			st = lineedit_feed(&le, chunk[i]);
	}
	buf_reset(&out);
	lineedit_render(&le, "edit> ", term_cols(), &out);
	buf_adds(&out, "\033[?2004l\r\n");
	write_all(2, out.s, out.len);
	tcsetattr(0, TCSANOW, &raw_saved);
	raw_active = 0;
	if (st == LINEEDIT_DONE)
		res = xstrdup(buf_str(&le.text));
	lineedit_release(&le);
out:
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	buf_release(&out);
	return res;
}

char *ui_edit(const struct app *app, const char *cmd)
{
	const char *editor = getenv("VISUAL");
	char *out = NULL;
	size_t len, bad;

	UNUSED(app);
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (editor && *editor) {
		out = edit_with_editor(editor, cmd);
	} else if (isatty(0) && isatty(2)) {
		out = edit_on_line(cmd);
	} else {
		char line[8192];

		fprintf(stderr, "  current: %s\n  new command (empty keeps it): ", cmd);
		fflush(stderr);
		if (read_line0(line, sizeof(line)))
			out = xstrdup(line);
	}
	if (!out)
		return NULL;
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r' || out[len - 1] == ' ' ||
		       out[len - 1] == '\t'))
		out[--len] = '\0';
	if (!utf8_valid(out, len, &bad)) {
		warnf("the edited command is not valid UTF-8 (byte %zu); keeping the old one", bad);
		len = 0;
	}
	if (!len || str_eq(out, cmd)) {
		free(out);
		return NULL;
	}
	return out;
}

void ui_copy(const struct app *app, const char *text)
{
	const struct clip_tool *t = clip_find_tool();
	struct buf osc = BUF_INIT;
	struct err e;
	int fd = isatty(2) ? 2 : isatty(1) ? 1 : -1;

	UNUSED(app);
	if (t) {
		if (clip_run(t, text, strlen(text), 3000, &e) == 0) {
			fprintf(stderr, "  copied (%s)\n", t->name);
			return;
		}
		warnf("%s", e.msg);
	}
	if (fd < 0) {
		fprintf(stderr, "  cannot copy: no clipboard program and no terminal\n");
		return;
	}
	fflush(stderr);
	clip_osc52(text, strlen(text), &osc);
	write_all(fd, osc.s, osc.len);
	buf_release(&osc);
	fprintf(stderr, "  copied through the terminal (OSC 52; some terminals need it enabled)\n");
}

double ui_ms(double ms)
{
	return (double)(long long)(ms * 1000.0 + 0.5) / 1000.0;
}

void ui_print_json(cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		cJSON_free(s);
	}
	cJSON_Delete(obj);
	fflush(stdout);
}

void ui_verdict_json(cJSON *obj, const struct safety_verdict *v, enum safety_action act)
{
	cJSON *reasons;

	cJSON_AddStringToObject(obj, "risk", safety_risk_name(v->risk));
	cJSON_AddBoolToObject(obj, "blocked", act == SAFETY_BLOCK);
	reasons = cJSON_AddArrayToObject(obj, "reasons");
	for (size_t i = 0; i < v->n_reasons; i++) {
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "rule", v->reasons[i].rule);
		cJSON_AddStringToObject(r, "message", v->reasons[i].message);
		cJSON_AddStringToObject(r, "risk", safety_risk_name(v->reasons[i].risk));
		cJSON_AddItemToArray(reasons, r);
	}
}
