/*
 * ui.c: what people see. Results go to stdout; verdicts, prompts and
 * diagnostics go to stderr, so `caro ... | sh` and `$(caro ...)` get only
 * the command. Colours follow NO_COLOR, the config and isatty(2).
 */
#include "caro.h"

#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

void die(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
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

int ui_menu(const struct app *app, const char *prompt, const char *keys)
{
	char line[64];

	for (;;) {
		fprintf(stderr, "%s%s%s ", app->color ? "\033[1m" : "", prompt, ui_reset(app));
		fflush(stderr);
		if (!fgets(line, sizeof(line), stdin)) {
			fputc('\n', stderr);
			return 'n';
		}
		if (line[0] == '\n')
			return 'n';
		for (const char *k = keys; *k; k++)
			if (line[0] == *k || line[0] == *k - 'a' + 'A')
				return *k;
		fprintf(stderr, "  please answer one of: %s\n", keys);
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
	while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0 && b.len < REQUEST_MAX)
		buf_add(&b, chunk, (size_t)n);
	if (fd >= 0)
		close(fd);
	unlink(path);
	return buf_detach(&b);
}

char *ui_edit(const struct app *app, const char *cmd)
{
	const char *editor = getenv("VISUAL");
	char *out = NULL;
	size_t len;

	UNUSED(app);
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (editor && *editor) {
		out = edit_with_editor(editor, cmd);
	} else {
		char line[8192];

		fprintf(stderr, "  current: %s\n  new command (empty keeps it): ", cmd);
		fflush(stderr);
		if (fgets(line, sizeof(line), stdin))
			out = xstrdup(line);
	}
	if (!out)
		return NULL;
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r' || out[len - 1] == ' '))
		out[--len] = '\0';
	if (!len || str_eq(out, cmd)) {
		free(out);
		return NULL;
	}
	return out;
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
