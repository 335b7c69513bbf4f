/*
 * cmd_explain.c: `caro explain -- COMMAND` says what a pasted command does,
 * part by part, from lib/explain's table (no model), with the safety
 * checker's verdict. The same explanation backs --explain and the menu's
 * x key (ui_explain).
 */
#include "caro.h"

#include "explain/explain.h"
#include "shell/shell.h"

#include <cjson/cJSON.h>

/* --explain[=MODE]: only the built-in table exists in this build. */
void explain_mode_check(const struct app *app)
{
	const char *m = app->opts.explain_mode;

	if (!m || str_eq(m, "table"))
		return;
	if (str_eq(m, "model"))
		die(EXIT_USAGE, "--explain=model needs a model engine, and this build has none; "
		    "--explain uses the built-in table");
	die(EXIT_USAGE, "--explain=%s: expected table (or nothing)", m);
}

int ui_explain(const struct app *app, const char *cmd, FILE *out)
{
	struct explain ex;
	struct explain_opts eo = {&app->plat};
	struct buf b = BUF_INIT;
	struct err e;

	if (explain_command(cmd, strlen(cmd), &eo, &ex, &e) != 0) {
		fprintf(out, "  cannot explain it: %s\n", e.msg);
		explain_release(&ex);
		return -1;
	}
	explain_format(&ex, &b);
	fputs(buf_str(&b), out);
	fflush(out);
	buf_release(&b);
	explain_release(&ex);
	return 0;
}

/* The items of ex as "explain": [{kind, depth, text, what, platform,
 * mismatch, known}] in obj. */
static void explain_to_json(const struct explain *ex, cJSON *obj)
{
	static const char *const kinds[] = {
		"program", "option", "operand", "assign", "operator", "redirect", "expansion", "note",
	};
	cJSON *items = cJSON_AddArrayToObject(obj, "explain");

	for (size_t i = 0; i < ex->n; i++) {
		const struct explain_item *it = &ex->items[i];
		cJSON *o = cJSON_CreateObject();
		struct buf tag = BUF_INIT;

		cJSON_AddStringToObject(o, "kind", kinds[it->kind]);
		cJSON_AddNumberToObject(o, "depth", it->depth);
		cJSON_AddStringToObject(o, "text", it->text);
		cJSON_AddStringToObject(o, "what", it->what ? it->what : "");
		explain_plat_text(it->plat, &tag);
		if (tag.len)
			cJSON_AddStringToObject(o, "platform", tag.s);
		else
			cJSON_AddNullToObject(o, "platform");
		cJSON_AddBoolToObject(o, "mismatch", it->mismatch);
		cJSON_AddBoolToObject(o, "known", it->known);
		cJSON_AddItemToArray(items, o);
		buf_release(&tag);
	}
}

void ui_explain_json(const struct app *app, const char *cmd, cJSON *obj)
{
	struct explain ex;
	struct explain_opts eo = {&app->plat};
	struct err e;

	if (explain_command(cmd, strlen(cmd), &eo, &ex, &e) != 0) {
		cJSON_AddNullToObject(obj, "explain");
		cJSON_AddStringToObject(obj, "explain_error", e.msg);
	} else {
		explain_to_json(&ex, obj);
	}
	explain_release(&ex);
}

int cmd_explain(struct app *app, int argc, char **argv)
{
	struct safety_opts so = {&app->plat, getenv("HOME")};
	struct safety_verdict v;
	struct explain ex;
	struct explain_opts eo;
	struct err e;
	char *cmd;

	cli_parse(app, argc, argv, NULL, NULL);
	if (app->opts.help) {
		printf("usage: %s\n\n"
		       "Say what a shell command does, part by part: each program and option\n"
		       "(from a built-in table of about 420 programs, GNU and BSD), pipes,\n"
		       "redirections, globs and variables, and what is specific to a platform\n"
		       "(--platform linux|macos|freebsd; default: this machine). No model is\n"
		       "used. The command is also rated by the safety checker. It is never run.\n",
		       cmd_find("explain")->usage);
		return EXIT_OK;
	}
	app_setup(app);
	cmd = read_input(app, "command", SHELL_MAX_INPUT);
	eo.plat = &app->plat;
	if (explain_command(cmd, strlen(cmd), &eo, &ex, &e) != 0) {
		explain_release(&ex);
		free(cmd);
		die(EXIT_USAGE, "cannot explain it: %s", e.msg);
	}
	if (safety_check(cmd, strlen(cmd), &so, &v, &e) != 0) {
		explain_release(&ex);
		free(cmd);
		die(EXIT_ERROR, "%s", e.msg);
	}
	if (app->json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "command", cmd);
		explain_to_json(&ex, o);
		ui_verdict_json(o, &v, safety_policy(v.risk, app->safety));
		cJSON_AddStringToObject(o, "platform", platform_os_name(app->plat.os));
		ui_print_json(o);
	} else {
		struct buf b = BUF_INIT;

		explain_format(&ex, &b);
		fputs(buf_str(&b), stdout);
		fflush(stdout);
		buf_release(&b);
		ui_show_verdict(app, &v, safety_policy(v.risk, app->safety));
	}
	explain_release(&ex);
	free(cmd);
	return EXIT_OK;
}
