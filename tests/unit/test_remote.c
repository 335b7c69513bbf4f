/* test_remote.c: what the remote engines share: URL normalisation (table
 * in tests/data/remote_urls.tsv), error messages, engine set-up. */
#include "t.h"

#include "backend/remote.h"
#include "config.h"

TEST(remote_url_table)
{
	char *text = t_read_file(t_data("remote_urls.tsv"), NULL);
	int n = 0;

	REQUIRE(text);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *kind = line, *in, *want, out[HTTP_URL_MAX];
		struct err e = {0, ""};
		int rc;

		if (*line == '#')
			continue;
		in = strchr(kind, '\t');
		REQUIRE(in);
		*in++ = '\0';
		want = strchr(in, '\t');
		REQUIRE(want);
		*want++ = '\0';
		out[0] = '\0';
		rc = str_eq(kind, "ollama") ? remote_ollama_url(in, out, sizeof(out), &e) :
		     remote_openai_url(in, out, sizeof(out), &e);
		if (*want == '!') {
			if (rc != -1 || e.code != ERR_CONFIG || !strstr(e.msg, want + 1))
				t_fail(__FILE__, __LINE__, "%s '%s': want error '%s', got rc %d '%s' (%s)", kind,
				       in, want + 1, rc, out, e.msg);
		} else if (rc != 0 || !str_eq(out, want)) {
			t_fail(__FILE__, __LINE__, "%s '%s': want '%s', got rc %d '%s' (%s)", kind, in, want,
			       rc, out, e.msg);
		}
		n++;
	}
	CHECK(n >= 30);
	free(text);
}

TEST(remote_engines_need_a_model)
{
	const struct backend_ops *ol = backend_find("ollama"), *oa = backend_find("openai");
	struct config cfg;
	struct err e;
	char why[256];

	REQUIRE(ol && oa);
	REQUIRE(config_load(&cfg, "/nonexistent/caro.toml", NULL, &e) == 0);
	free(cfg.ollama_model);
	cfg.ollama_model = xstrdup("");
	free(cfg.openai_base_url);
	cfg.openai_base_url = xstrdup("");
	CHECK(!backend_usable(ol, &cfg, why, sizeof(why)));
	CHECK(strstr(why, "ollama.model") != NULL);
	CHECK(!backend_usable(oa, &cfg, why, sizeof(why)));
	CHECK(strstr(why, "openai.base_url") != NULL);
	free(cfg.ollama_model);
	cfg.ollama_model = xstrdup("llama3.2");
	free(cfg.openai_base_url);
	cfg.openai_base_url = xstrdup("http://127.0.0.1:8080");
	free(cfg.openai_model);
	cfg.openai_model = xstrdup("m");
	CHECK(backend_usable(ol, &cfg, why, sizeof(why)));
	CHECK(backend_usable(oa, &cfg, why, sizeof(why)));

	/* The key goes into the Authorization header only: not the identity. */
	{
		struct backend *b = NULL;
		struct buf id = BUF_INIT;

		free(cfg.openai_api_key);
		cfg.openai_api_key = xstrdup("sk-hidden-1234");
		REQUIRE(backend_open(oa, &cfg, &b, &e) == 0);
		backend_identity(b, &id);
		CHECK_STR(buf_str(&id), "openai http://127.0.0.1:8080/v1 m");
		CHECK_STR(((struct remote *)b)->auth, "Authorization: Bearer sk-hidden-1234");
		backend_close(b);
		buf_release(&id);
		free(cfg.openai_api_key);
		cfg.openai_api_key = xstrdup("sk-bad\r\nX-Injected: 1");
		CHECK(backend_open(oa, &cfg, &b, &e) == -1);
		CHECK_INT(e.code, ERR_CONFIG);
		CHECK(strstr(e.msg, "sk-bad") == NULL);
	}
	config_release(&cfg);
}

TEST(remote_fail_messages)
{
	struct config cfg;
	struct err e;
	struct remote *r;
	struct http_response resp = {0};

	REQUIRE(config_load(&cfg, "/nonexistent/caro.toml", NULL, &e) == 0);
	r = remote_new("ollama", "http://h:11434", "qwen9", 0.1, &cfg);
	resp.status = 404;
	buf_adds(&resp.body, "{\"error\":\"model \\\"qwen9\\\" not found, try pulling it first\"}");
	err_set(&e, ERR_NOTFOUND, "http://h:11434/api/chat: HTTP 404");
	CHECK(remote_fail(r, &resp, &e) == -1);
	CHECK_STR(e.msg, "ollama: model 'qwen9' not found on server http://h:11434; pull it with: "
			 "ollama pull qwen9");
	/* A server's words are cleaned of control characters. */
	buf_reset(&resp.body);
	buf_adds(&resp.body, "{\"error\":{\"message\":\"bad \\u001b[31mthing\"}}");
	resp.status = 400;
	err_set(&e, ERR_CONFIG, "http://h:11434/api/chat: HTTP 400");
	remote_fail(r, &resp, &e);
	CHECK_STR(e.msg, "ollama: http://h:11434/api/chat: HTTP 400: bad  [31mthing");
	/* Over a cap: no command from this engine. */
	resp.status = 200;
	err_set(&e, ERR_LIMIT, "http://h:11434/api/chat: reply larger than 4194304 bytes");
	remote_fail(r, &resp, &e);
	CHECK_INT(e.code, ERR_DECLINED);
	http_response_release(&resp);
	remote_free(r);
	config_release(&cfg);
}
