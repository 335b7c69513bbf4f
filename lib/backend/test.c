/*
 * backend/test.c: caro's own test engine, a stand-in for a model engine in
 * the CLI tests and benchmarks of what happens around engines (the answer
 * cache, history, stats). It is off unless CARO_TEST_ENGINE is set, and then
 * it joins the end of the auto chain; nothing else can turn it on.
 *
 *   CARO_TEST_ENGINE="on[,delay=MS][,model=NAME][,context][,log=FILE][,decline]"
 *
 * Its answer is `echo 'REQUEST'` (one more candidate per extra -n: `echo
 * 'REQUEST' 2`...), or, for a request "cmd: TEXT", TEXT itself, so a test
 * can put any command through the model path. delay sleeps like a model
 * would; model changes the engine identity (the cache key); context marks
 * answers as depending on the current directory; log appends the request
 * to FILE on every generation, so a test can tell a cache hit (no line)
 * from a miss; decline makes it answer nothing.
 */
#include "backend.h"

#include <errno.h>
#include <time.h>

struct test_engine {
	struct backend base;
	long delay_ms;
	bool context;
	bool decline;
	char model[64];
	char log[1024];
};

static const char *opts_env(void)
{
	const char *v = getenv("CARO_TEST_ENGINE");

	return v && *v ? v : NULL;
}

static bool test_usable(const struct config *cfg, char *why, size_t cap)
{
	UNUSED(cfg);
	if (opts_env())
		return true;
	snprintf(why, cap, "caro's test engine is off (CARO_TEST_ENGINE)");
	return false;
}

static int test_open(const struct config *cfg, struct backend **out, struct err *err)
{
	const char *env = opts_env();
	struct test_engine *t;
	char opts[1200], *save = NULL;

	UNUSED(cfg);
	if (!env)
		return err_set(err, ERR_UNAVAILABLE, "test: CARO_TEST_ENGINE is not set");
	if (strlen(env) >= sizeof(opts))
		return err_set(err, ERR_CONFIG, "test: CARO_TEST_ENGINE is too long");
	t = xcalloc(1, sizeof(*t));
	snprintf(t->model, sizeof(t->model), "echo");
	memcpy(opts, env, strlen(env) + 1);
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *end;

		if (str_startswith(o, "delay=")) {
			t->delay_ms = strtol(o + 6, &end, 10);
			if (*end || t->delay_ms < 0 || t->delay_ms > 60000)
				goto bad;
		} else if (str_startswith(o, "model=")) {
			snprintf(t->model, sizeof(t->model), "%s", o + 6);
		} else if (str_startswith(o, "log=")) {
			snprintf(t->log, sizeof(t->log), "%s", o + 4);
		} else if (str_eq(o, "context")) {
			t->context = true;
		} else if (str_eq(o, "decline")) {
			t->decline = true;
		} else if (!str_eq(o, "on")) {
			goto bad;
		}
	}
	*out = &t->base;
	return 0;
bad:
	free(t);
	return err_set(err, ERR_CONFIG, "test: bad CARO_TEST_ENGINE option in '%.60s'", env);
}

static int test_generate(struct backend *b, const struct gen_request *req, struct gen_answer *ans,
			 struct err *err)
{
	struct test_engine *t = (struct test_engine *)b;
	struct buf cmd = BUF_INIT, expl = BUF_INIT;
	struct timespec ts = {t->delay_ms / 1000, (t->delay_ms % 1000) * 1000000L};
	char *text = xstrndup(req->text, req->len);

	if (t->log[0]) {
		FILE *f = fopen(t->log, "a");

		if (f) {
			fprintf(f, "%s\n", text);
			fclose(f);
		}
	}
	while (t->delay_ms && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	if (t->decline) {
		free(text);
		return err_set(err, ERR_DECLINED, "test: declined");
	}
	buf_addf(&expl, "test engine %s for %s/%s", t->model, platform_os_name(req->plat->os),
		 platform_shell_name(req->shell));
	for (size_t i = 0; i < req->max_candidates; i++) {
		buf_reset(&cmd);
		if (str_startswith(text, "cmd: ")) {
			if (i)
				break;
			buf_adds(&cmd, text + 5);
		} else {
			buf_adds(&cmd, "echo ");
			buf_add_shquote(&cmd, text);
			if (i)
				buf_addf(&cmd, " %zu", i + 1);
		}
		gen_answer_add(ans, cmd.s, expl.s);
	}
	ans->context_dependent = t->context;
	buf_release(&cmd);
	buf_release(&expl);
	free(text);
	return 0;
}

static void test_identity(struct backend *b, struct buf *out)
{
	buf_addf(out, "test:%s", ((struct test_engine *)b)->model);
}

static void test_close(struct backend *b)
{
	free(b);
}

const struct backend_ops backend_test_ops = {
	.name = "test",
	.usable = test_usable,
	.open = test_open,
	.generate = test_generate,
	.identity = test_identity,
	.close = test_close,
};
