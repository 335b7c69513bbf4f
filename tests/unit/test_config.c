/* test_config.c: layering, validation, and in-place `config set`. */
#include "buf.h"
#include "config.h"
#include "t.h"

static char warned[512];
static void on_warn(const char *msg) { snprintf(warned, sizeof(warned), "%s", msg); }

static const char *write_tmp(const char *name, const char *text)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t_tmpdir(), name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

static void clear_env(void)
{
	for (size_t i = 0; config_key_name(i); i++)
		unsetenv(config_key_env(i));
	unsetenv("OLLAMA_HOST");
	unsetenv("OPENAI_API_KEY");
}

TEST(config_defaults_file_env_layering)
{
	const char *path = write_tmp("c.toml", "safety = \"strict\"\ncandidates = 3\n"
					      "[ollama]\nmodel = \"qwen2.5-coder\"\n"
					      "[history]\nenabled = false\n");
	struct config c;
	struct err e;
	struct buf b = BUF_INIT;

	clear_env();
	setenv("CARO_CANDIDATES", "5", 1);
	setenv("OLLAMA_HOST", "http://10.0.0.2:11434", 1);
	REQUIRE(config_load(&c, path, on_warn, &e) == 0);
	CHECK_STR(c.backend, "auto");
	CHECK_STR(c.safety, "strict");
	CHECK_INT(c.candidates, 5);
	CHECK_STR(c.ollama_model, "qwen2.5-coder");
	CHECK_STR(c.ollama_host, "http://10.0.0.2:11434");
	CHECK(!c.history_enabled);
	CHECK(c.file_exists);
	/* Provenance per key. */
	for (size_t i = 0; config_key_name(i); i++) {
		if (str_eq(config_key_name(i), "safety"))
			CHECK(config_key_source(&c, i) == CFG_FILE);
		if (str_eq(config_key_name(i), "candidates"))
			CHECK(config_key_source(&c, i) == CFG_ENV);
		if (str_eq(config_key_name(i), "backend"))
			CHECK(config_key_source(&c, i) == CFG_DEFAULT);
	}
	/* CARO_OLLAMA_HOST wins over OLLAMA_HOST. */
	config_release(&c);
	setenv("CARO_OLLAMA_HOST", "http://a:1", 1);
	REQUIRE(config_load(&c, path, on_warn, &e) == 0);
	CHECK_STR(c.ollama_host, "http://a:1");
	/* The command line wins over both. */
	REQUIRE(config_set_value(&c, "candidates", "2", CFG_CLI, &e) == 0);
	CHECK_INT(c.candidates, 2);
	REQUIRE(config_format(&c, "candidates", false, &b, &e) == 0);
	CHECK_STR(b.s, "2");
	config_release(&c);
	buf_release(&b);
	clear_env();
}

TEST(config_errors_name_file_line_and_key)
{
	struct config c;
	struct err e;
	const char *path;

	clear_env();
	path = write_tmp("bad.toml", "backend = \"auto\"\n\nsafety = \"extreme\"\n");
	CHECK(config_load(&c, path, on_warn, &e) == -1);
	CHECK(strstr(e.msg, "bad.toml:3: safety: expected one of strict, moderate, permissive") != NULL);
	config_release(&c);

	path = write_tmp("type.toml", "candidates = \"three\"\n");
	CHECK(config_load(&c, path, on_warn, &e) == -1);
	CHECK(strstr(e.msg, "type.toml:1: candidates: expected an integer, got string") != NULL);
	config_release(&c);

	path = write_tmp("range.toml", "candidates = 99\n");
	CHECK(config_load(&c, path, on_warn, &e) == -1);
	CHECK(strstr(e.msg, "from 1 to 10") != NULL);
	config_release(&c);

	path = write_tmp("syntax.toml", "[ollama\nhost = 1\n");
	CHECK(config_load(&c, path, on_warn, &e) == -1);
	CHECK_INT(e.code, ERR_CONFIG);
	CHECK(strstr(e.msg, "syntax.toml: line 1:") != NULL);
	config_release(&c);

	setenv("CARO_SAFETY", "loose", 1);
	CHECK(config_load(&c, NULL, on_warn, &e) == -1);
	CHECK(strstr(e.msg, "CARO_SAFETY: expected one of") != NULL);
	config_release(&c);
	clear_env();
}

TEST(config_unknown_keys_warn_with_suggestion)
{
	struct config c;
	struct err e;
	const char *path = write_tmp("u.toml", "[ollama]\nhots = \"x\"\n");

	clear_env();
	warned[0] = '\0';
	REQUIRE(config_load(&c, path, on_warn, &e) == 0);
	CHECK(strstr(warned, "u.toml:2: unknown key 'ollama.hots' (did you mean 'ollama.host'?)") != NULL);
	config_release(&c);
	CHECK(config_set_value(&c, "nope.key", "1", CFG_CLI, &e) == -1);
	CHECK_INT(e.code, ERR_NOTFOUND);
}

TEST(config_missing_file_is_fine)
{
	struct config c;
	struct err e;
	char path[600];

	clear_env();
	snprintf(path, sizeof(path), "%s/none.toml", t_tmpdir());
	REQUIRE(config_load(&c, path, on_warn, &e) == 0);
	CHECK(!c.file_exists);
	CHECK_STR(c.safety, "moderate");
	config_release(&c);
}

TEST(config_write_keeps_the_rest_of_the_file)
{
	const char *path = write_tmp("w.toml", "# my settings\nsafety = \"strict\" # careful\n\n"
					       "[ollama]\nmodel = \"a\"\n");
	struct config c;
	struct err e;
	char *text;

	clear_env();
	REQUIRE(config_write_value(path, "safety", "permissive", &e) == 0);
	REQUIRE(config_write_value(path, "ollama.host", "http://h:1", &e) == 0);
	REQUIRE(config_write_value(path, "openai.model", "m \"q\"", &e) == 0);
	REQUIRE(config_write_value(path, "backend", "match", &e) == 0);
	REQUIRE(config_write_value(path, "history.enabled", "false", &e) == 0);
	text = t_read_file(path, NULL);
	REQUIRE(text);
	CHECK(strstr(text, "# my settings\n") == text);
	CHECK(strstr(text, "safety = \"permissive\" # careful\n") != NULL);
	CHECK(strstr(text, "[ollama]\nhost = \"http://h:1\"\nmodel = \"a\"\n") != NULL);
	CHECK(strstr(text, "\n[openai]\nmodel = \"m \\\"q\\\"\"\n") != NULL);
	/* Root keys stay before the first table. */
	CHECK(strstr(text, "backend = \"match\"\n") < strstr(text, "[ollama]"));
	free(text);
	REQUIRE(config_load(&c, path, on_warn, &e) == 0);
	CHECK_STR(c.safety, "permissive");
	CHECK_STR(c.ollama_host, "http://h:1");
	CHECK_STR(c.openai_model, "m \"q\"");
	CHECK_STR(c.backend, "match");
	CHECK(!c.history_enabled);
	config_release(&c);

	/* Invalid values never reach the file. */
	CHECK(config_write_value(path, "candidates", "0", &e) == -1);
	CHECK(config_write_value(path, "bogus", "1", &e) == -1);
	CHECK_INT(e.code, ERR_NOTFOUND);
}

TEST(config_secret_is_masked)
{
	struct config c;
	struct err e;
	struct buf b = BUF_INIT;

	clear_env();
	setenv("OPENAI_API_KEY", "sk-secret", 1);
	REQUIRE(config_load(&c, "/nonexistent/c.toml", on_warn, &e) == 0);
	REQUIRE(config_format(&c, "openai.api_key", false, &b, &e) == 0);
	CHECK(strstr(b.s, "sk-secret") == NULL);
	buf_reset(&b);
	REQUIRE(config_format(&c, "openai.api_key", true, &b, &e) == 0);
	CHECK_STR(b.s, "sk-secret");
	buf_release(&b);
	config_release(&c);
	clear_env();
}
