/* test_models.c: the catalog, spec parsing, the manifest, pulling through
 * HF_ENDPOINT (tests/testserver.py) and the choice of model. */
#include "t.h"
#include "testsrv.h"

#include "models.h"
#include "sha256.h"

#include <sys/stat.h>
#include <unistd.h>

TEST(models_catalog_rows_are_sane)
{
	size_t n;
	const struct models_entry *c = models_catalog(&n);
	int recommended = 0;

	CHECK(n >= 4);
	for (size_t i = 0; i < n; i++) {
		size_t fl = strlen(c[i].file);

		CHECK(fl > 5 && !strcmp(c[i].file + fl - 5, ".gguf"));
		CHECK(strchr(c[i].repo, '/') != NULL);
		CHECK(c[i].license && *c[i].license);
		CHECK(!c[i].sha256 || sha256_is_hex(c[i].sha256));
		CHECK(c[i].size || c[i].approx_mb);
		CHECK(models_find(c[i].name) == &c[i]);
		recommended += c[i].recommended;
	}
	CHECK_INT(recommended, 1);
	CHECK(models_find("SMOLLM2-135M") != NULL);
	CHECK(models_find("nope") == NULL);
}

TEST(models_parse_spec_cases)
{
	static const struct {
		const char *spec;
		int code; /* 0: ok */
		const char *repo, *path, *file, *name;
	} cases[] = {
		{"smollm2-135m", 0, "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF",
		 "smollm2-135m-instruct-q8_0.gguf", "smollm2-135m-instruct-q8_0.gguf", "smollm2-135m"},
		{"hf:a/b/c.gguf", 0, "a/b", "c.gguf", "c.gguf", "c.gguf"},
		{"hf:a/b/sub/dir/m-Q4_K_M.gguf", 0, "a/b", "sub/dir/m-Q4_K_M.gguf", "m-Q4_K_M.gguf",
		 "m-Q4_K_M.gguf"},
		{"hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 0,
		 "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
		 "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "qwen2.5-coder-0.5b"},
		{"no-such-model", ERR_NOTFOUND, NULL, NULL, NULL, NULL},
		{"hf:a/b", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:a/b/c.bin", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:a/../c.gguf", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:a/b/../c.gguf", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:a/b//c.gguf", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:a b/c/d.gguf", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:a/b/c.gguf?x=1", ERR_USAGE, NULL, NULL, NULL, NULL},
		{"hf:/b/c.gguf", ERR_USAGE, NULL, NULL, NULL, NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct models_spec s;
		struct err err = {0};
		int rc = models_parse_spec(cases[i].spec, &s, &err);

		if (cases[i].code) {
			if (rc != -1 || err.code != cases[i].code)
				t_fail(__FILE__, __LINE__, "%s: rc %d code %d", cases[i].spec, rc,
				       err.code);
			continue;
		}
		if (rc != 0) {
			t_fail(__FILE__, __LINE__, "%s: %s", cases[i].spec, err.msg);
			continue;
		}
		CHECK_STR(s.repo, cases[i].repo);
		CHECK_STR(s.path, cases[i].path);
		CHECK_STR(s.file, cases[i].file);
		CHECK_STR(s.name, cases[i].name);
	}
}

TEST(models_url_honours_hf_endpoint)
{
	struct models_spec s;
	struct err err;
	char url[1024];
	char *old = getenv("HF_ENDPOINT") ? xstrdup(getenv("HF_ENDPOINT")) : NULL;

	REQUIRE(models_parse_spec("hf:o/r/f.gguf", &s, &err) == 0);
	unsetenv("HF_ENDPOINT");
	models_url(&s, url, sizeof(url));
	CHECK_STR(url, "https://huggingface.co/o/r/resolve/main/f.gguf");
	setenv("HF_ENDPOINT", "http://127.0.0.1:9/mirror/", 1);
	models_url(&s, url, sizeof(url));
	CHECK_STR(url, "http://127.0.0.1:9/mirror/o/r/resolve/main/f.gguf");
	if (old)
		setenv("HF_ENDPOINT", old, 1);
	else
		unsetenv("HF_ENDPOINT");
	free(old);
}

TEST(models_manifest_round_trip_and_damage)
{
	const char *dir = t_tmpdir();
	struct models_manifest m = {0}, back;
	struct models_installed e = {"a", "a.gguf", "hf:o/r/a.gguf", "00", true, 42, 7};
	struct err err;
	char path[1024];
	FILE *f;

	models_manifest_put(&m, &e);
	e.name = "b";
	e.file = "b.gguf";
	e.verified = false;
	models_manifest_put(&m, &e);
	e.size = 43;
	models_manifest_put(&m, &e); /* replaces b */
	CHECK_INT(m.n, 2);
	REQUIRE(models_manifest_save(dir, &m, &err) == 0);
	REQUIRE(models_manifest_load(dir, &back, &err) == 0);
	CHECK_INT(back.n, 2);
	CHECK_STR(models_manifest_find(&back, "a")->source, "hf:o/r/a.gguf");
	CHECK(models_manifest_find(&back, "a.gguf")->verified);
	CHECK_INT(models_manifest_find(&back, "b")->size, 43);
	CHECK(models_manifest_remove(&back, "a.gguf"));
	CHECK(!models_manifest_remove(&back, "a.gguf"));
	CHECK_INT(back.n, 1);
	models_manifest_release(&back);
	models_manifest_release(&m);

	/* Damaged: a clear error. Entries with paths are dropped. */
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("{\"models\": [", f);
	fclose(f);
	CHECK_INT(models_manifest_load(dir, &back, &err), -1);
	CHECK_INT(err.code, ERR_CORRUPT);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("{\"models\": [{\"file\": \"../../etc/passwd\"}, {\"file\": \"ok.gguf\"}]}", f);
	fclose(f);
	REQUIRE(models_manifest_load(dir, &back, &err) == 0);
	CHECK_INT(back.n, 1);
	CHECK_STR(back.v[0].name, "ok.gguf");
	models_manifest_release(&back);
}

/* Pull through the test server into a private XDG_DATA_HOME, then resolve,
 * then remove. */
TEST(models_pull_resolve_remove)
{
	char data[1024], endpoint[1024], path[4400], want[4400];
	const char *base = t_server_url();
	struct models_spec spec;
	struct models_pull_opts o = {0};
	struct download_result res;
	struct config cfg = {0};
	struct err err;
	char *old_data = getenv("XDG_DATA_HOME") ? xstrdup(getenv("XDG_DATA_HOME")) : NULL;
	char *old_ep = getenv("HF_ENDPOINT") ? xstrdup(getenv("HF_ENDPOINT")) : NULL;

	REQUIRE(base);
	snprintf(data, sizeof(data), "%s/data", t_tmpdir());
	snprintf(endpoint, sizeof(endpoint), "%s/as=tiny-qwen2-q8_0.gguf", base);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("HF_ENDPOINT", endpoint, 1);
	cfg.http_retries = 1;
	cfg.model_stall_timeout_ms = 2000;
	o.cfg = &cfg;

	CHECK_INT(models_resolve(&cfg, path, sizeof(path), &err), -1);
	CHECK_INT(err.code, ERR_UNAVAILABLE);
	CHECK(strstr(err.msg, "caro model pull") != NULL);

	REQUIRE(models_parse_spec("smollm2-360m", &spec, &err) == 0);
	REQUIRE(models_pull(&spec, &o, &res, path, sizeof(path), &err) == 0);
	CHECK(!res.verified); /* the catalog has no published digest for it */
	CHECK_INT(strlen(res.sha256), 64);
	/* Installed: a second pull says so; resolve finds it. */
	CHECK_INT(models_pull(&spec, &o, &res, path, sizeof(path), &err), -1);
	CHECK(strstr(err.msg, "already installed") != NULL);
	snprintf(want, sizeof(want), "%s/caro/models/smollm2-360m-instruct-q8_0.gguf", data);
	CHECK_STR(path, want);
	REQUIRE(models_resolve(&cfg, path, sizeof(path), &err) == 0);
	CHECK_STR(path, want);
	/* model.name must name something installed. */
	cfg.model_name = "qwen2.5-coder-1.5b";
	CHECK_INT(models_resolve(&cfg, path, sizeof(path), &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK(strstr(err.msg, "caro model pull qwen2.5-coder-1.5b") != NULL);
	cfg.model_name = NULL;
	/* model.path wins and must exist. */
	cfg.model_path = "/nonexistent/x.gguf";
	CHECK_INT(models_resolve(&cfg, path, sizeof(path), &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	cfg.model_path = NULL;

	/* A catalog entry with a published digest the fixture cannot match. */
	REQUIRE(models_parse_spec("smollm2-135m-q4", &spec, &err) == 0);
	CHECK_INT(models_pull(&spec, &o, &res, path, sizeof(path), &err), -1);
	CHECK_INT(err.code, ERR_CORRUPT);

	REQUIRE(models_remove("smollm2-360m", path, sizeof(path), &err) == 0);
	CHECK_INT(models_resolve(&cfg, path, sizeof(path), &err), -1);
	CHECK_INT(models_remove("smollm2-360m", path, sizeof(path), &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);

	if (old_data)
		setenv("XDG_DATA_HOME", old_data, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (old_ep)
		setenv("HF_ENDPOINT", old_ep, 1);
	else
		unsetenv("HF_ENDPOINT");
	free(old_data);
	free(old_ep);
}
