/*
 * cmd_config.c: `caro config get KEY | set KEY VALUE | show | path`.
 * `show` prints every key with its effective value and where it came from
 * (default, file, env, cli); secrets are masked.
 */
#include "caro.h"

#include <cjson/cJSON.h>

static int config_show(struct app *app)
{
	struct buf b = BUF_INIT;
	cJSON *o = app->json ? cJSON_CreateObject() : NULL;

	if (!app->json)
		printf("# %s (%s)\n", app->cfg.file ? app->cfg.file : "(no config file)",
		       app->cfg.file_exists ? "exists" : "not created yet");
	for (size_t i = 0; config_key_name(i); i++) {
		const char *name = config_key_name(i);

		buf_reset(&b);
		config_format(&app->cfg, name, false, &b, NULL);
		if (o) {
			cJSON *k = cJSON_AddObjectToObject(o, name);

			cJSON_AddStringToObject(k, "value", buf_str(&b));
			cJSON_AddStringToObject(k, "source",
						config_source_name(config_key_source(&app->cfg, i)));
			cJSON_AddStringToObject(k, "env", config_key_env(i));
		} else {
			printf("%-26s = %-28s # %s\n", name, buf_str(&b),
			       config_source_name(config_key_source(&app->cfg, i)));
		}
	}
	if (o)
		ui_print_json(o);
	buf_release(&b);
	return EXIT_OK;
}

int cmd_config(struct app *app, int argc, char **argv)
{
	const char *usage = cmd_find("config")->usage;
	struct buf b = BUF_INIT;
	struct err e;
	char **w;
	int n;

	cli_parse(app, argc, argv, NULL, NULL);
	w = app->opts.words;
	n = app->opts.n_words;
	if (app->opts.help) {
		printf("usage: %s\n\nkeys:\n", usage);
		for (size_t i = 0; config_key_name(i); i++)
			printf("  %-26s %s (%s)\n", config_key_name(i), config_key_help(i),
			       config_key_env(i));
		return EXIT_OK;
	}
	if (n == 0)
		die(EXIT_USAGE, "config needs a verb: %s", usage);
	if (str_eq(w[0], "set")) {
		/* set must work even when the current file is broken only in
		 * the sense of being absent; a malformed file is reported. */
		if (n != 3)
			die(EXIT_USAGE, "usage: caro config set KEY VALUE");
		if (config_write_value(app->opts.config_file, w[1], w[2], &e) != 0)
			die(e.code == ERR_NOTFOUND || e.code == ERR_CONFIG ? EXIT_USAGE : EXIT_ERROR,
			    "%s", e.msg);
		return EXIT_OK;
	}
	app_setup(app);
	if (str_eq(w[0], "get")) {
		if (n != 2)
			die(EXIT_USAGE, "usage: caro config get KEY");
		if (config_format(&app->cfg, w[1], false, &b, &e) != 0)
			die(EXIT_USAGE, "%s", e.msg);
		printf("%s\n", buf_str(&b));
		buf_release(&b);
		return EXIT_OK;
	}
	if (str_eq(w[0], "show") && n == 1)
		return config_show(app);
	if (str_eq(w[0], "path") && n == 1) {
		printf("%s\n", app->cfg.file ? app->cfg.file : "");
		return EXIT_OK;
	}
	die(EXIT_USAGE, "unknown config verb '%s': %s", w[0], usage);
}
