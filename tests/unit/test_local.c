/* test_local.c: the local engine end to end on the tiny random-weight
 * Qwen2 fixture: the prompt cache is written, then hit, and a damaged,
 * truncated or stale cache file is detected and rebuilt with the same
 * answer; requests that do not fit the context are refused; the answer
 * goes through the parser (gibberish declines). */
#include "t.h"

#include "backend/backend.h"
#include "backend/local.h"
#include "platform.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

struct env {
	char *old_cache;
	struct config cfg;
	struct platform plat;
	struct backend *b;
};

static bool env_open(struct env *e, const char *model)
{
	char dir[1024];
	struct err err;

	memset(e, 0, sizeof(*e));
	e->old_cache = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
	snprintf(dir, sizeof(dir), "%s/cache", t_tmpdir());
	setenv("XDG_CACHE_HOME", dir, 1);
	e->cfg.model_path = (char *)model;
	e->cfg.model_context = 2048;
	e->cfg.model_threads = 1;
	e->plat.os = PLAT_LINUX;
	if (backend_open(backend_find("local"), &e->cfg, &e->b, &err) != 0) {
		t_fail(__FILE__, __LINE__, "open: %s", err.msg);
		return false;
	}
	return true;
}

static void env_close(struct env *e)
{
	backend_close(e->b);
	if (e->old_cache)
		setenv("XDG_CACHE_HOME", e->old_cache, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	free(e->old_cache);
}

static int run_in(struct env *e, const char *cwd, const char *request, struct buf *text,
		  struct local_stats *st, struct err *err)
{
	struct gen_request req = {
		.text = request, .len = strlen(request), .plat = &e->plat, .shell = SHELL_BASH,
		.max_candidates = 1, .force_tokens = 12, .cwd = cwd,
	};
	bool complete;

	buf_reset(text);
	return backend_local_text(e->b, &req, text, &complete, st, err);
}

static int run(struct env *e, const char *request, struct buf *text, struct local_stats *st,
	       struct err *err)
{
	return run_in(e, NULL, request, text, st, err);
}

static void damage(const char *path, int how)
{
	struct stat st;
	int fd = open(path, O_RDWR);

	if (fd < 0 || fstat(fd, &st) != 0)
		return;
	if (how == 0) {
		/* flip a byte in the middle of the keys and values */
		unsigned char c;

		pread(fd, &c, 1, st.st_size / 2);
		c ^= 0x40;
		pwrite(fd, &c, 1, st.st_size / 2);
	} else if (how == 1) {
		ftruncate(fd, st.st_size - 1000);
	} else {
		ftruncate(fd, 0);
	}
	close(fd);
}

TEST(local_prefix_cache_survives_damage)
{
	struct env e;
	struct buf first = BUF_INIT, again = BUF_INIT;
	struct local_stats st;
	struct err err;
	char saved[4096];

	REQUIRE(env_open(&e, t_shared("fixtures/models/tiny-qwen2-q8_0.gguf")));
	REQUIRE(run(&e, "list the files here", &first, &st, &err) == 0);
	CHECK(!st.cache_hit);
	CHECK(st.n_prefix > 0 && st.n_prefix < st.n_prompt);
	CHECK_INT(st.n_prefilled, st.n_prompt);
	CHECK_INT(st.n_generated, 12);
	CHECK_STR(st.template_name, "chatml");
	CHECK(st.template_known);
	REQUIRE(st.kv_path[0]);
	snprintf(saved, sizeof(saved), "%s", st.kv_path);
	CHECK(access(saved, R_OK) == 0);

	/* Hit: only the request's tokens are evaluated, same text. */
	REQUIRE(run(&e, "list the files here", &again, &st, &err) == 0);
	CHECK(st.cache_hit);
	CHECK_INT(st.n_prefilled, st.n_prompt - st.n_prefix);
	CHECK_STR(buf_str(&again), buf_str(&first));

	/* A different request shares the prefix. */
	REQUIRE(run(&e, "show disk usage", &again, &st, &err) == 0);
	CHECK(st.cache_hit);
	CHECK_STR(st.kv_path, saved);

	for (int how = 0; how < 3; how++) {
		damage(saved, how);
		REQUIRE(run(&e, "list the files here", &again, &st, &err) == 0);
		CHECK(!st.cache_hit);
		CHECK_STR(buf_str(&again), buf_str(&first));
		/* ... and rebuilt: the next run hits again. */
		REQUIRE(run(&e, "list the files here", &again, &st, &err) == 0);
		CHECK(st.cache_hit);
		CHECK_STR(buf_str(&again), buf_str(&first));
	}
	buf_release(&first);
	buf_release(&again);
	env_close(&e);
}

/* The directory's lines get a state of their own, saved as a small
 * continuation of the shared prefix: a second request in the directory
 * prefills only its own tokens, and a damaged continuation is rebuilt on
 * top of the prefix, with the same answer. */
TEST(local_directory_prefix_continues_the_shared_one)
{
	struct env e;
	struct buf first = BUF_INIT, again = BUF_INIT;
	struct local_stats st;
	struct err err;
	char dir[1024], other[1024], f[1100], ctx[4096], kv[4096];
	struct stat s_kv, s_ctx;

	snprintf(dir, sizeof(dir), "%s/proj", t_tmpdir());
	snprintf(other, sizeof(other), "%s/other", t_tmpdir());
	mkdir(dir, 0755);
	mkdir(other, 0755);
	snprintf(f, sizeof(f), "%s/main.py", dir);
	close(open(f, O_CREAT | O_WRONLY, 0644));
	REQUIRE(env_open(&e, t_shared("fixtures/models/tiny-qwen2-q8_0.gguf")));
	REQUIRE(run_in(&e, dir, "list the files here", &first, &st, &err) == 0);
	CHECK(!st.cache_hit && !st.context_hit);
	CHECK(st.n_context > st.n_prefix && st.n_context < st.n_prompt);
	CHECK_INT(st.n_prefilled, st.n_prompt);
	REQUIRE(st.ctx_path[0] && st.kv_path[0]);
	snprintf(ctx, sizeof(ctx), "%s", st.ctx_path);
	snprintf(kv, sizeof(kv), "%s", st.kv_path);
	REQUIRE(stat(kv, &s_kv) == 0 && stat(ctx, &s_ctx) == 0);
	CHECK(s_ctx.st_size < s_kv.st_size / 2); /* only the directory's positions */

	REQUIRE(run_in(&e, dir, "list the files here", &again, &st, &err) == 0);
	CHECK(st.cache_hit && st.context_hit);
	CHECK_INT(st.n_prefilled, st.n_prompt - st.n_context);
	CHECK_STR(buf_str(&again), buf_str(&first));

	/* another request in the directory shares both */
	REQUIRE(run_in(&e, dir, "show disk usage", &again, &st, &err) == 0);
	CHECK(st.cache_hit && st.context_hit);
	CHECK_STR(st.ctx_path, ctx);

	for (int how = 0; how < 3; how++) {
		damage(ctx, how);
		REQUIRE(run_in(&e, dir, "list the files here", &again, &st, &err) == 0);
		CHECK(st.cache_hit && !st.context_hit);
		CHECK_INT(st.n_prefilled, st.n_prompt - st.n_prefix);
		CHECK_STR(buf_str(&again), buf_str(&first));
		REQUIRE(run_in(&e, dir, "list the files here", &again, &st, &err) == 0);
		CHECK(st.cache_hit && st.context_hit);
	}

	/* another directory: the shared prefix, a new continuation */
	REQUIRE(run_in(&e, other, "list the files here", &again, &st, &err) == 0);
	CHECK(st.cache_hit && !st.context_hit);
	CHECK(strcmp(st.ctx_path, ctx) != 0);

	/* the shared prefix lost: computed again, the same tokens, so the
	 * directory's continuation still fits it; the same answer */
	REQUIRE(unlink(kv) == 0);
	REQUIRE(run_in(&e, dir, "list the files here", &again, &st, &err) == 0);
	CHECK(!st.cache_hit && st.context_hit);
	CHECK_INT(st.n_prefilled, st.n_prefix + st.n_prompt - st.n_context);
	CHECK_STR(buf_str(&again), buf_str(&first));
	REQUIRE(run_in(&e, dir, "list the files here", &again, &st, &err) == 0);
	CHECK(st.cache_hit && st.context_hit);
	CHECK_STR(buf_str(&again), buf_str(&first));
	buf_release(&first);
	buf_release(&again);
	env_close(&e);
}

/* A cache file from another model under this model's key is stale: the
 * fingerprint check refuses it and it is rebuilt. */
TEST(local_prefix_cache_from_another_model_is_rebuilt)
{
	struct env e;
	struct buf text = BUF_INIT, other = BUF_INIT;
	struct local_stats st;
	struct err err;
	char saved[4096], other_kv[4096];

	REQUIRE(env_open(&e, t_shared("fixtures/models/tiny-qwen2-q4_0.gguf")));
	REQUIRE(run(&e, "count lines", &other, &st, &err) == 0);
	snprintf(other_kv, sizeof(other_kv), "%s", st.kv_path);
	env_close(&e);

	REQUIRE(env_open(&e, t_shared("fixtures/models/tiny-qwen2-q8_0.gguf")));
	REQUIRE(run(&e, "count lines", &text, &st, &err) == 0);
	snprintf(saved, sizeof(saved), "%s", st.kv_path);
	CHECK(strcmp(saved, other_kv) != 0);
	REQUIRE(rename(other_kv, saved) == 0);
	REQUIRE(run(&e, "count lines", &other, &st, &err) == 0);
	CHECK(!st.cache_hit);
	CHECK_STR(buf_str(&other), buf_str(&text));
	buf_release(&text);
	buf_release(&other);
	env_close(&e);
}

TEST(local_generate_declines_gibberish_or_gives_one_command)
{
	struct env e;
	struct gen_request req;
	struct gen_answer ans;
	struct err err;
	int rc;

	REQUIRE(env_open(&e, t_shared("fixtures/models/tiny-qwen2-q8_0.gguf")));
	memset(&req, 0, sizeof(req));
	req.text = "find files bigger than 10 MB";
	req.len = strlen(req.text);
	req.plat = &e.plat;
	req.shell = SHELL_BASH;
	req.max_candidates = 1;
	rc = backend_generate(e.b, &req, &ans, &err);
	if (rc == 0) {
		CHECK_INT(ans.n, 1);
		CHECK(ans.c[0].command && *ans.c[0].command);
		gen_answer_release(&ans);
	} else {
		CHECK_INT(err.code, ERR_DECLINED);
		CHECK(str_startswith(err.msg, "local: "));
	}
	env_close(&e);
}

TEST(local_refuses_what_does_not_fit)
{
	struct env e;
	struct buf text = BUF_INIT, big = BUF_INIT;
	struct local_stats st;
	struct err err;

	REQUIRE(env_open(&e, t_shared("fixtures/models/tiny-qwen2-q8_0.gguf")));
	for (int i = 0; i < 3000; i++)
		buf_adds(&big, "word ");
	CHECK_INT(run(&e, buf_str(&big), &text, &st, &err), -1);
	CHECK_INT(err.code, ERR_LIMIT);
	CHECK(strstr(err.msg, "model.context") != NULL);
	buf_release(&text);
	buf_release(&big);
	env_close(&e);
}

TEST(local_not_set_up_says_how)
{
	struct config cfg = {0};
	char why[512];
	char *old = getenv("XDG_DATA_HOME") ? xstrdup(getenv("XDG_DATA_HOME")) : NULL;
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/empty-data", t_tmpdir());
	setenv("XDG_DATA_HOME", dir, 1);
	CHECK(!backend_usable(backend_find("local"), &cfg, why, sizeof(why)));
	CHECK(strstr(why, "caro model pull") != NULL);
	if (old)
		setenv("XDG_DATA_HOME", old, 1);
	else
		unsetenv("XDG_DATA_HOME");
	free(old);
}

/* Unescape \n and \| in s[0..n) into b. */
static void unescape(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == '|')) {
			buf_addch(b, s[i + 1] == 'n' ? '\n' : '|');
			i++;
		} else {
			buf_addch(b, s[i]);
		}
	}
}

TEST(local_cut_cases)
{
	static const char *const stops[] = {"<|im_end|>", "<|im_start|>"};
	char *data = t_read_file(t_data("local_cut.txt"), NULL);
	char *line, *save = NULL;
	const char *pieces = NULL, *want = NULL;
	int cases = 0;

	REQUIRE(data);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct local_cut c;
		struct buf text = BUF_INIT, expect = BUF_INIT;
		size_t shown = 0;

		if (!strncmp(line, "pieces: ", 8))
			pieces = line + 8;
		else if (!strncmp(line, "text: ", 6))
			want = line + 6;
		if (strncmp(line, "stop: ", 6) || !pieces || !want)
			continue;
		local_cut_init(&c, stops, 2, SHELL_BASH);
		for (const char *p = pieces; *p && !c.done;) {
			const char *e = p;
			size_t before;

			while (*e && !(*e == '|' && (e == p || e[-1] != '\\')))
				e++;
			before = text.len;
			unescape(&text, p, (size_t)(e - p));
			shown = local_cut_feed(&c, &text);
			/* Never shows more than there is, nor takes back what it showed. */
			CHECK(shown <= text.len);
			CHECK(text.len >= MIN(before, shown));
			p = *e ? e + 1 : e;
		}
		if (!strcmp(want, "-"))
			buf_add(&expect, text.s, text.len);
		else
			unescape(&expect, want, strlen(want));
		if (!str_eq(buf_str(&text), buf_str(&expect)) || c.done != !strcmp(line + 6, "yes"))
			t_fail(__FILE__, __LINE__, "pieces %s: got \"%s\" (done %d)", pieces,
			       buf_str(&text), c.done);
		if (c.done)
			CHECK_INT(shown, text.len);
		buf_release(&text);
		buf_release(&expect);
		pieces = want = NULL;
		cases++;
	}
	CHECK(cases >= 10);
	free(data);
}
