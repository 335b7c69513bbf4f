/*
 * cmd_check.c: `caro check [-o json] [--platform P] [--safety L] -- CMD`
 * rates a command the user supplies, with the same verdict fields as a
 * generated one. Exit 0 when the policy would let it run, 4 when blocked.
 */
#include "caro.h"

#include <cjson/cJSON.h>

int cmd_check(struct app *app, int argc, char **argv)
{
	struct safety_opts so;
	struct safety_verdict v;
	enum safety_action act;
	struct err e;
	char *cmd;
	double t;

	cli_parse(app, argc, argv, NULL, NULL);
	if (app->opts.help) {
		printf("usage: %s\n", cmd_find("check")->usage);
		return EXIT_OK;
	}
	app_setup(app);
	cmd = read_input(app, "command", 1u << 20);
	so.plat = &app->plat;
	so.home = getenv("HOME");
	t = now_ms();
	if (safety_check(cmd, strlen(cmd), &so, &v, &e) != 0)
		die(EXIT_ERROR, "check: %s", e.msg);
	t = now_ms() - t;
	act = safety_policy(v.risk, app->safety);

	if (app->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON *timing;

		cJSON_AddStringToObject(o, "command", cmd);
		ui_verdict_json(o, &v, act);
		cJSON_AddStringToObject(o, "safety", safety_level_name(app->safety));
		cJSON_AddStringToObject(o, "platform", platform_os_name(app->plat.os));
		timing = cJSON_AddObjectToObject(o, "timing_ms");
		cJSON_AddNumberToObject(timing, "check", ui_ms(t));
		cJSON_AddNumberToObject(timing, "total", ui_ms(now_ms() - app->t0_ms));
		ui_print_json(o);
	} else {
		const char *c = ui_risk_color(app, v.risk), *r = ui_reset(app);

		printf("%s%s%s%s\n", c, safety_risk_name(v.risk), r,
		       act == SAFETY_BLOCK ? " (blocked)" : act == SAFETY_CONFIRM ?
		       " (needs confirmation)" : "");
		for (size_t i = 0; i < v.n_reasons; i++)
			printf("  %s: %s\n", v.reasons[i].rule, v.reasons[i].message);
	}
	free(cmd);
	return act == SAFETY_BLOCK ? EXIT_BLOCKED : EXIT_OK;
}
