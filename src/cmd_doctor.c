/*
 * cmd_doctor.c: what caro sees. OS, userland per tool, shell, files, and
 * for each engine whether it can be used, why not, and how fast a live
 * probe answers.
 */
#include "caro.h"

#include "backend/backend.h"
#include "http.h"
#include "infer/infer.h"

#include <cjson/cJSON.h>
#include <unistd.h>

struct engine_status {
	const char *name;
	bool available;
	bool ready;
	char status[256];
	double ms;
};

static void probe_engine(struct app *app, const char *name, struct engine_status *s)
{
	const struct backend_ops *ops = backend_find(name);
	struct backend *b = NULL;
	struct buf st = BUF_INIT;
	struct err e;
	double t;

	s->name = name;
	s->available = ops != NULL;
	if (!ops) {
		snprintf(s->status, sizeof(s->status), "not available in this build");
		return;
	}
	if (!backend_usable(ops, &app->cfg, s->status, sizeof(s->status)))
		return;
	t = now_ms();
	if (backend_open(ops, &app->cfg, &b, &e) != 0 || backend_probe(b, &st, &e) != 0) {
		snprintf(s->status, sizeof(s->status), "%s", e.msg);
	} else {
		s->ready = true;
		snprintf(s->status, sizeof(s->status), "%s", buf_str(&st));
	}
	s->ms = now_ms() - t;
	backend_close(b);
	buf_release(&st);
}

static const char *dir_state(const char *dir)
{
	if (access(dir, F_OK) != 0)
		return "missing";
	return access(dir, W_OK) == 0 ? "writable" : "not writable";
}

int cmd_doctor(struct app *app, int argc, char **argv)
{
	struct engine_status eng[8] = {0};
	size_t n_eng = 0;
	char config_state[64], curl_info[160];
	bool curl_ok;

	cli_parse(app, argc, argv, NULL, NULL);
	app_setup(app);
	for (const char *const *name = backend_chain_names; *name && n_eng < ARRAY_SIZE(eng); name++)
		probe_engine(app, *name, &eng[n_eng++]);
	snprintf(config_state, sizeof(config_state), "%s",
		 app->cfg.file_exists ? "ok" : "not created (defaults in use)");
	curl_ok = http_curl_available(curl_info, sizeof(curl_info));

	if (app->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON *tools = cJSON_AddObjectToObject(o, "tools");
		cJSON *engines = cJSON_AddArrayToObject(o, "engines");

		cJSON_AddStringToObject(o, "version", CARO_VERSION);
		cJSON_AddStringToObject(o, "os", platform_os_name(app->plat.os));
		cJSON_AddStringToObject(o, "distro", app->plat.distro);
		cJSON_AddStringToObject(o, "arch", app->plat.arch);
		cJSON_AddStringToObject(o, "userland", platform_userland(&app->plat));
		for (int t = 0; t < TOOL__COUNT; t++)
			cJSON_AddStringToObject(tools, platform_tool_name((enum plat_tool)t),
						platform_is_bsd(&app->plat, (enum plat_tool)t) ?
						"BSD" : "GNU");
		cJSON_AddStringToObject(o, "shell", platform_shell_name(app->shell));
		cJSON_AddStringToObject(o, "package_manager", app->plat.pkg);
		cJSON_AddStringToObject(o, "init", app->plat.init);
		cJSON_AddStringToObject(o, "config", app->cfg.file ? app->cfg.file : "");
		cJSON_AddStringToObject(o, "config_state", config_state);
		cJSON_AddStringToObject(o, "cache_dir", app->cache_dir);
		cJSON_AddStringToObject(o, "cache_state", dir_state(app->cache_dir));
		cJSON_AddStringToObject(o, "safety", safety_level_name(app->safety));
		cJSON_AddStringToObject(o, "kernels", infer_kernels());
		cJSON_AddBoolToObject(o, "libcurl", curl_ok);
		cJSON_AddStringToObject(o, "libcurl_status", curl_info);
		for (size_t i = 0; i < n_eng; i++) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "name", eng[i].name);
			cJSON_AddBoolToObject(e, "available", eng[i].available);
			cJSON_AddBoolToObject(e, "ready", eng[i].ready);
			cJSON_AddStringToObject(e, "status", eng[i].status);
			cJSON_AddNumberToObject(e, "probe_ms", eng[i].ms);
			cJSON_AddItemToArray(engines, e);
		}
		ui_print_json(o);
		return EXIT_OK;
	}

	printf("caro %s\n", CARO_VERSION);
	printf("os          %s%s%s (%s)\n", platform_os_name(app->plat.os),
	       app->plat.distro[0] ? ", " : "", app->plat.distro, app->plat.arch);
	printf("userland    %s:", platform_userland(&app->plat));
	for (int t = 0; t < TOOL__COUNT; t++)
		printf(" %s=%s", platform_tool_name((enum plat_tool)t),
		       platform_is_bsd(&app->plat, (enum plat_tool)t) ? "BSD" : "GNU");
	printf("\nshell       %s\n", platform_shell_name(app->shell));
	printf("packages    %s, init %s\n", app->plat.pkg[0] ? app->plat.pkg : "unknown",
	       app->plat.init);
	printf("config      %s (%s)\n", app->cfg.file ? app->cfg.file : "-", config_state);
	printf("cache       %s (%s)\n", app->cache_dir, dir_state(app->cache_dir));
	printf("safety      %s\n", safety_level_name(app->safety));
	/* Local http servers need no libcurl; https, proxies and host names do. */
	if (curl_ok)
		printf("http        built-in for local servers; %s for the rest\n", curl_info);
	else
		printf("http        built-in for local servers only: %s\n", curl_info);
	printf("kernels     %s (the local engine's, for this CPU)\n", infer_kernels());
	printf("engines\n");
	for (size_t i = 0; i < n_eng; i++) {
		if (eng[i].ready)
			printf("  %-7s ready: %s (%.1f ms)\n", eng[i].name, eng[i].status, eng[i].ms);
		else
			printf("  %-7s not ready: %s\n", eng[i].name, eng[i].status);
	}
	return EXIT_OK;
}
