/* test_infer.c: the engine against llama.cpp's golden logits for every
 * fixture model (both architectures, every tensor type), in one batch and
 * as a batch followed by single-token decodes, with the reference and the
 * SIMD kernels; plus KV save/restore, sampling and stop strings. */
#include "infer/infer.h"
#include "t.h"

#include <math.h>

static const int32_t golden_ids[24] = {1021, 72,  101, 108, 108, 111, 11,  256,
				       300,  500, 777, 1000, 42, 7,   900, 513,
				       64,   128, 256, 333, 444, 555, 666, 1022};

/* Tolerances as fractions of max |golden logit|: max and mean |diff|.
 * A wrong layout or RoPE style lands at 20-45% (fixtures README). */
struct tol {
	const char *type;
	double max, mean;
};

static const struct tol tols[] = {
	{"f32", 0.002, 0.0003},  {"f16", 0.003, 0.0005},  {"bf16", 0.012, 0.002},
	{"q8_0", 0.03, 0.0045},  {"q4_0", 0.03, 0.0045},  {"q4_1", 0.035, 0.005},
	{"q5_0", 0.03, 0.0045},  {"q5_1", 0.035, 0.005},  {"q4_k", 0.04, 0.006},
	{"q5_k", 0.035, 0.0055}, {"q6_k", 0.035, 0.0055}, {"q4_k_m", 0.045, 0.006},
};

struct cmp {
	double max, mean, scale;
};

static void compare(const float *got, const float *want, int n, struct cmp *r)
{
	double sum = 0;
	int i;

	r->max = 0;
	r->scale = 0;
	for (i = 0; i < n; i++)
		r->scale = fmax(r->scale, fabs(want[i]));
	for (i = 0; i < n; i++) {
		const double d = fabs((double)got[i] - want[i]);

		r->max = fmax(r->max, d);
		sum += d;
	}
	r->mean = sum / n;
}

static void check_model(const char *arch, const struct tol *t, bool ref)
{
	char rel[128];
	struct err err = {0};
	struct infer_model *m;
	struct infer_ctx *c = NULL;
	struct infer_ctx_params p = {.n_ctx = 64, .n_threads = 2, .ref_kernels = ref};
	float *want, *got = NULL;
	size_t len;
	int V, i, mode;

	snprintf(rel, sizeof(rel), "fixtures/models/golden/tiny-%s-%s.batch.f32", arch, t->type);
	want = (float *)t_read_file(t_shared(rel), &len);
	if (!want) {
		t_fail(__FILE__, __LINE__, "cannot read %s", rel);
		return;
	}
	snprintf(rel, sizeof(rel), "fixtures/models/tiny-%s-%s.gguf", arch, t->type);
	m = infer_model_open(t_shared(rel), &err);
	if (!m) {
		t_fail(__FILE__, __LINE__, "%s: %s", rel, err.msg);
		goto out;
	}
	V = infer_model_info(m)->n_vocab;
	if (len != (size_t)24 * V * sizeof(float)) {
		t_fail(__FILE__, __LINE__, "%s: golden size %zu", rel, len);
		goto out;
	}
	c = infer_ctx_new(m, &p, &err);
	if (!c) {
		t_fail(__FILE__, __LINE__, "%s", err.msg);
		goto out;
	}
	got = xmallocarray((size_t)24 * V, sizeof(float));
	for (mode = 0; mode < 3; mode++) {
		struct cmp r = {0};
		double worst = 0, mean = 0, scale;

		infer_truncate(c, 0);
		if (mode == 0) {
			/* one batch of 24 */
			REQUIRE(infer_prefill(c, golden_ids, 24, INFER_ALL_LOGITS, &err) == 0);
			memcpy(got, infer_logits(c, 0), (size_t)24 * V * sizeof(float));
		} else {
			/* 12 in a batch (mode 2: in batches of 5), then one at a time */
			if (mode == 1) {
				REQUIRE(infer_prefill(c, golden_ids, 12, INFER_ALL_LOGITS, &err) == 0);
				memcpy(got, infer_logits(c, 0), (size_t)12 * V * sizeof(float));
			} else {
				for (i = 0; i < 12; i += 5) {
					REQUIRE(infer_prefill(c, golden_ids + i, MIN(5, 12 - i),
							      INFER_ALL_LOGITS, &err) == 0);
					memcpy(got + (size_t)i * V, infer_logits(c, 0),
					       (size_t)MIN(5, 12 - i) * V * sizeof(float));
				}
			}
			for (i = 12; i < 24; i++) {
				REQUIRE(infer_decode(c, golden_ids[i], &err) == 0);
				memcpy(got + (size_t)i * V, infer_logits(c, -1), (size_t)V * sizeof(float));
			}
		}
		CHECK_INT(infer_n_past(c), 24);
		compare(got, want, 24 * V, &r);
		scale = r.scale;
		worst = r.max / scale;
		mean = r.mean / scale;
		if (getenv("CARO_TEST_VERBOSE"))
			fprintf(stderr, "%-6s %-7s %-4s mode %d: max %.5f mean %.6f\n", arch, t->type,
				infer_ctx_kernels(c), mode, worst, mean);
		if (worst > t->max || mean > t->mean)
			t_fail(__FILE__, __LINE__, "%s %s kernels %s mode %d: max %.4f (tol %.4f) mean %.5f (tol %.5f)",
			       arch, t->type, infer_ctx_kernels(c), mode, worst, t->max, mean, t->mean);
	}
out:
	free(got);
	free(want);
	infer_ctx_free(c);
	infer_model_close(m);
}

TEST(infer_golden_logits_llama_ref)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tols); i++)
		check_model("llama", &tols[i], true);
}

TEST(infer_golden_logits_qwen2_ref)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tols); i++)
		check_model("qwen2", &tols[i], true);
}

TEST(infer_golden_logits_llama_simd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tols); i++)
		check_model("llama", &tols[i], false);
}

TEST(infer_golden_logits_qwen2_simd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tols); i++)
		check_model("qwen2", &tols[i], false);
}

static struct infer_model *open_fixture(const char *name)
{
	char rel[128];
	struct err err = {0};
	struct infer_model *m;

	snprintf(rel, sizeof(rel), "fixtures/models/%s.gguf", name);
	m = infer_model_open(t_shared(rel), &err);
	if (!m)
		t_fail(__FILE__, __LINE__, "%s: %s", rel, err.msg);
	return m;
}

/* A whole state read from a file is mapped into the cache (its blocks
 * are page-aligned and so are the cache's heads at this n_ctx): the
 * positions after it are written through copy-on-write pages, the file
 * stays as it was, and the logits equal a straight run's. */
TEST(infer_kv_state_mapped_from_a_file)
{
	struct infer_model *m = open_fixture("tiny-qwen2-q8_0");
	struct infer_ctx_params p = {.n_ctx = 2048, .n_threads = 1};
	struct infer_ctx *c, *c2;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct err err = {0};
	char path[512];
	float *want;
	int V;

	REQUIRE(m);
	V = infer_model_info(m)->n_vocab;
	c = infer_ctx_new(m, &p, &err);
	c2 = infer_ctx_new(m, &p, &err);
	REQUIRE(c && c2);
	REQUIRE(infer_prefill(c, golden_ids, 24, 0, &err) == 0);
	want = xmallocarray((size_t)V, sizeof(float));
	memcpy(want, infer_logits(c, -1), (size_t)V * sizeof(float));
	infer_truncate(c, 13);
	snprintf(path, sizeof(path), "%s/mapped.kv", t_tmpdir());
	REQUIRE(infer_kv_save_file(c, 0, path, &err) == 0);
	REQUIRE(infer_kv_save(c, 0, -1, &before, &err) == 0);
	REQUIRE(infer_kv_load_file(c2, path, golden_ids, 24, &err) == 0);
	CHECK_INT(infer_n_past(c2), 13);
	REQUIRE(infer_prefill(c2, golden_ids + 13, 11, 0, &err) == 0);
	CHECK(!memcmp(infer_logits(c2, -1), want, (size_t)V * sizeof(float)));
	/* the writes did not reach the file */
	infer_truncate(c2, 0);
	REQUIRE(infer_kv_load_file(c2, path, NULL, 0, &err) == 0);
	REQUIRE(infer_kv_save(c2, 0, -1, &after, &err) == 0);
	CHECK(after.len == before.len && !memcmp(after.s, before.s, before.len));
	/* and loading again over the mapped pages works */
	REQUIRE(infer_prefill(c2, golden_ids + 13, 11, 0, &err) == 0);
	CHECK(!memcmp(infer_logits(c2, -1), want, (size_t)V * sizeof(float)));
	buf_release(&before);
	buf_release(&after);
	free(want);
	infer_ctx_free(c);
	infer_ctx_free(c2);
	infer_model_close(m);
}

TEST(infer_kv_state_round_trips_and_detects_damage)
{
	struct infer_model *m = open_fixture("tiny-qwen2-q8_0"), *other;
	struct infer_ctx_params p = {.n_ctx = 64, .n_threads = 1};
	struct infer_ctx *c;
	struct buf st = BUF_INIT, cont = BUF_INIT, whole = BUF_INIT, again = BUF_INIT;
	struct err err = {0};
	float *want;
	char path[512];
	int V;

	REQUIRE(m);
	V = infer_model_info(m)->n_vocab;
	c = infer_ctx_new(m, &p, &err);
	REQUIRE(c);
	/* the reference: 24 tokens straight through */
	REQUIRE(infer_prefill(c, golden_ids, 24, 0, &err) == 0);
	want = xmallocarray((size_t)V, sizeof(float));
	memcpy(want, infer_logits(c, -1), (size_t)V * sizeof(float));
	/* save after 16, restore into a fresh cache, finish: same logits */
	infer_truncate(c, 16);
	REQUIRE(infer_kv_save(c, 0, -1, &st, &err) == 0);
	infer_truncate(c, 0);
	REQUIRE(infer_kv_load(c, st.s, st.len, golden_ids, 24, &err) == 0);
	CHECK_INT(infer_n_past(c), 16);
	CHECK(!memcmp(infer_tokens(c), golden_ids, 16 * sizeof(int32_t)));
	REQUIRE(infer_prefill(c, golden_ids + 16, 8, 0, &err) == 0);
	CHECK(!memcmp(infer_logits(c, -1), want, (size_t)V * sizeof(float)));

	/* a continuation: positions 16..24 on top of the 16 saved above */
	REQUIRE(infer_kv_save(c, 16, -1, &cont, &err) == 0);
	REQUIRE(infer_kv_save(c, 0, -1, &whole, &err) == 0);
	CHECK(cont.len < whole.len / 2);
	infer_truncate(c, 0);
	CHECK(infer_kv_load(c, cont.s, cont.len, golden_ids, 24, &err) < 0);
	CHECK_INT(err.code, ERR_NOTFOUND); /* nothing to continue */
	CHECK_INT(infer_n_past(c), 0);
	REQUIRE(infer_prefill(c, golden_ids + 1, 16, 0, &err) == 0);
	CHECK(infer_kv_load(c, cont.s, cont.len, NULL, 0, &err) < 0);
	CHECK_INT(err.code, ERR_NOTFOUND); /* another state of 16 */
	CHECK_INT(infer_n_past(c), 16);    /* left as it was */
	REQUIRE(infer_kv_load(c, st.s, st.len, golden_ids, 24, &err) == 0);
	REQUIRE(infer_kv_load(c, cont.s, cont.len, golden_ids, 24, &err) == 0);
	CHECK_INT(infer_n_past(c), 24);
	REQUIRE(infer_kv_save(c, 0, -1, &again, &err) == 0);
	CHECK(again.len == whole.len && !memcmp(again.s, whole.s, whole.len));
	cont.s[cont.len - 20] ^= 1;
	infer_truncate(c, 16);
	CHECK(infer_kv_load(c, cont.s, cont.len, golden_ids, 24, &err) < 0);
	CHECK_INT(err.code, ERR_CORRUPT);
	CHECK_INT(infer_n_past(c), 16);

	/* stale: other tokens expected; the cache is left as it was */
	CHECK(infer_kv_load(c, st.s, st.len, golden_ids + 1, 23, &err) < 0);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_INT(infer_n_past(c), 16);
	/* damaged: a flipped byte, a truncation */
	st.s[st.len / 2] ^= 0x40;
	CHECK(infer_kv_load(c, st.s, st.len, NULL, 0, &err) < 0);
	CHECK_INT(err.code, ERR_CORRUPT);
	st.s[st.len / 2] ^= 0x40;
	CHECK(infer_kv_load(c, st.s, st.len - 9, NULL, 0, &err) < 0);
	CHECK_INT(err.code, ERR_CORRUPT);
	CHECK(infer_kv_load(c, "CAROKV0", 7, NULL, 0, &err) < 0);
	/* another model file (the f16 twin has another fingerprint) */
	other = open_fixture("tiny-qwen2-f16");
	if (other) {
		struct infer_ctx *c2 = infer_ctx_new(other, &p, &err);

		REQUIRE(c2);
		CHECK(infer_kv_load(c2, st.s, st.len, NULL, 0, &err) < 0);
		CHECK_INT(err.code, ERR_NOTFOUND);
		infer_ctx_free(c2);
		infer_model_close(other);
	}
	/* through a file */
	snprintf(path, sizeof(path), "%s/sys.kv", t_tmpdir());
	CHECK(infer_kv_load_file(c, path, NULL, 0, &err) < 0);
	CHECK_INT(err.code, ERR_NOTFOUND);
	REQUIRE(infer_kv_load(c, st.s, st.len, NULL, 0, &err) == 0);
	REQUIRE(infer_kv_save_file(c, 0, path, &err) == 0);
	infer_truncate(c, 0);
	REQUIRE(infer_kv_load_file(c, path, golden_ids, 24, &err) == 0);
	CHECK_INT(infer_n_past(c), 16);
	buf_release(&st);
	buf_release(&cont);
	buf_release(&whole);
	buf_release(&again);
	free(want);
	infer_ctx_free(c);
	infer_model_close(m);
}

TEST(infer_rejects_bad_use)
{
	struct infer_model *m = open_fixture("tiny-llama-q4_0");
	struct infer_ctx_params p = {.n_ctx = 8, .n_threads = 1};
	struct infer_ctx *c;
	struct err err = {0};
	int32_t bad = 1024;

	REQUIRE(m);
	c = infer_ctx_new(m, &p, &err);
	REQUIRE(c);
	CHECK(infer_logits(c, -1) == NULL);
	CHECK(infer_decode(c, bad, &err) < 0);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK(infer_prefill(c, golden_ids, 9, 0, &err) < 0);
	CHECK_INT(err.code, ERR_LIMIT);
	CHECK_INT(infer_n_past(c), 0);
	CHECK(infer_model_open(t_shared("fixtures/tokenizer/ggml-vocab-gpt-2.gguf"), &err) == NULL);
	infer_ctx_free(c);
	infer_model_close(m);
}

static int collect(void *user, int32_t id)
{
	struct buf *b = user;

	buf_addf(b, "%d ", id);
	return 0;
}

TEST(infer_sampling_is_seeded_and_greedy_is_argmax)
{
	struct infer_model *m = open_fixture("tiny-llama-q8_0");
	struct infer_ctx_params p = {.n_ctx = 64, .n_threads = 2};
	struct infer_sampler_params sp;
	struct infer_ctx *c;
	struct infer_sampler *s;
	struct err err = {0};
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct infer_gen g = {.max_tokens = 10, .on_token = collect};
	float *lg;
	int n, i, best = 0, V, round;

	REQUIRE(m);
	V = infer_model_info(m)->n_vocab;
	c = infer_ctx_new(m, &p, &err);
	REQUIRE(c);
	infer_sampler_defaults(&sp);
	sp.temp = 0;
	s = infer_sampler_new(&sp, V);
	REQUIRE(infer_prefill(c, golden_ids, 8, 0, &err) == 0);
	lg = xmallocarray((size_t)V, sizeof(float));
	memcpy(lg, infer_logits(c, -1), (size_t)V * sizeof(float));
	for (i = 1; i < V; i++)
		if (lg[i] > lg[best])
			best = i;
	CHECK_INT(infer_sample(s, lg), best);
	/* the first of equal highest logits wins; a NaN never does */
	{
		float *t = xmallocarray((size_t)V, sizeof(float));

		for (i = 0; i < V; i++)
			t[i] = -1.0f;
		t[0] = NAN;
		t[V / 3] = t[V / 2] = 2.0f;
		t[V - 1] = NAN;
		CHECK_INT(infer_sample(s, t), V / 3);
		free(t);
	}
	infer_sampler_free(s);
	/* with a repetition penalty (the candidates' path) greedy is argmax too */
	sp.repeat_penalty = 1.1f;
	s = infer_sampler_new(&sp, V);
	CHECK_INT(infer_sample(s, lg), best);
	infer_sampler_free(s);
	sp.repeat_penalty = 1.0f;

	/* same seed, same tokens; the limit is honoured */
	sp.temp = 1.0f;
	sp.seed = 42;
	for (round = 0; round < 2; round++) {
		infer_truncate(c, 0);
		REQUIRE(infer_prefill(c, golden_ids, 8, 0, &err) == 0);
		s = infer_sampler_new(&sp, V);
		g.user = round ? &b : &a;
		REQUIRE(infer_generate(c, s, &g, &n, &err) == 0);
		CHECK_INT(n, 10);
		CHECK_INT(g.stopped, INFER_STOP_LIMIT);
		infer_sampler_free(s);
	}
	CHECK_STR(a.s, b.s);
	CHECK_INT(infer_n_past(c), 8 + 9); /* the last token is not decoded */

	/* top_k = 1 is greedy whatever the temperature */
	sp.top_k = 1;
	s = infer_sampler_new(&sp, V);
	for (i = 0; i < 20; i++)
		CHECK_INT(infer_sample(s, lg), best);
	infer_sampler_free(s);
	free(lg);
	buf_release(&a);
	buf_release(&b);
	infer_ctx_free(c);
	infer_model_close(m);
}

TEST(infer_sampler_filters)
{
	struct infer_sampler_params sp;
	struct infer_sampler *s;
	float lg[6] = {5.0f, 4.9f, 1.0f, 0.0f, -3.0f, 4.95f};
	int i, seen[6] = {0};

	infer_sampler_defaults(&sp);
	sp.temp = 1.0f;
	sp.top_k = 0;
	sp.top_p = 1.0f;
	sp.min_p = 0.5f; /* keeps 5.0, 4.95, 4.9 */
	s = infer_sampler_new(&sp, 6);
	for (i = 0; i < 300; i++)
		seen[infer_sample(s, lg)]++;
	CHECK(seen[0] && seen[1] && seen[5]);
	CHECK(!seen[2] && !seen[3] && !seen[4]);
	infer_sampler_free(s);

	/* a strong repetition penalty on the favourites moves greedy choice */
	sp.temp = 0;
	sp.repeat_penalty = 100.0f;
	s = infer_sampler_new(&sp, 6);
	infer_sampler_accept(s, 0);
	infer_sampler_accept(s, 5);
	infer_sampler_accept(s, 1);
	CHECK_INT(infer_sample(s, lg), 2);
	infer_sampler_free(s);
}

TEST(infer_stop_scan_holds_back_partial_matches)
{
	const char *stops[] = {"</cmd>", "\n\n"};
	bool hit;

	CHECK_INT(infer_stop_scan("ls -la", 6, stops, 2, &hit), 6);
	CHECK(!hit);
	CHECK_INT(infer_stop_scan("ls -la</c", 9, stops, 2, &hit), 6);
	CHECK(!hit);
	CHECK_INT(infer_stop_scan("ls -la</cmd> more", 17, stops, 2, &hit), 6);
	CHECK(hit);
	CHECK_INT(infer_stop_scan("a\n", 2, stops, 2, &hit), 1);
	CHECK_INT(infer_stop_scan("a\n\nb", 4, stops, 2, &hit), 1);
	CHECK(hit);
	CHECK_INT(infer_stop_scan("", 0, stops, 2, &hit), 0);
	CHECK_INT(infer_stop_scan("abc", 3, NULL, 0, &hit), 3);
}

/* ---- prompt-lookup drafting ---- */

struct run {
	struct buf ids;
	int n, stop_after; /* on_token asks to stop at token stop_after (0: never) */
};

static int collect_run(void *user, int32_t id)
{
	struct run *r = user;

	buf_addf(&r->ids, "%d ", id);
	return ++r->n == r->stop_after;
}

/* Greedy generation after a prompt that repeats itself (so drafts come),
 * with the given draft length; tokens into r, the cache length returned. */
static int gen_greedy(struct infer_model *m, bool ref, int lookup, int max_tokens,
		      const int32_t *stop_ids, int n_stop, struct run *r, struct infer_gen *g)
{
	struct infer_ctx_params p = {.n_ctx = 128, .n_threads = 2, .ref_kernels = ref};
	struct infer_sampler_params sp;
	struct infer_sampler *s;
	struct infer_ctx *c;
	struct err err = {0};
	int32_t prompt[36];
	int n_past;

	for (int i = 0; i < 36; i++)
		prompt[i] = golden_ids[i % 12];
	c = infer_ctx_new(m, &p, &err);
	if (!c)
		t_fail(__FILE__, __LINE__, "%s", err.msg);
	infer_sampler_defaults(&sp);
	sp.temp = 0;
	sp.repeat_penalty = 1.1f; /* the history must follow the drafts too */
	s = infer_sampler_new(&sp, infer_model_info(m)->n_vocab);
	*g = (struct infer_gen){.max_tokens = max_tokens, .on_token = collect_run, .user = r,
				.lookup = lookup, .stop_ids = stop_ids, .n_stop_ids = n_stop};
	if (infer_prefill(c, prompt, 36, 0, &err) != 0 || infer_generate(c, s, g, NULL, &err) != 0)
		t_fail(__FILE__, __LINE__, "%s", err.msg);
	n_past = infer_n_past(c);
	infer_sampler_free(s);
	infer_ctx_free(c);
	return n_past;
}

TEST(infer_lookup_drafting_changes_nothing_but_the_speed)
{
	static const char *const models[] = {"tiny-llama-f32", "tiny-qwen2-q8_0",
					     "tiny-llama-q4_k_m"};
	int drafted = 0, accepted = 0;

	for (size_t mi = 0; mi < ARRAY_SIZE(models); mi++) {
		struct infer_model *m = open_fixture(models[mi]);

		REQUIRE(m);
		for (int ref = 0; ref < 2; ref++) {
			struct run plain = {BUF_INIT, 0, 0}, fast = {BUF_INIT, 0, 0};
			struct infer_gen gp, gf;
			int np, nf;
			int32_t stop;

			/* To the token limit. */
			np = gen_greedy(m, ref, 0, 40, NULL, 0, &plain, &gp);
			nf = gen_greedy(m, ref, 8, 40, NULL, 0, &fast, &gf);
			CHECK_STR(fast.ids.s, plain.ids.s);
			CHECK_INT(nf, np);
			CHECK_INT(gf.stopped, gp.stopped);
			CHECK_INT(gp.n_drafted, 0);
			CHECK(gf.n_accepted <= gf.n_drafted);
			drafted += gf.n_drafted;
			accepted += gf.n_accepted;
			/* A limit, a stop id and a callback stop that fall inside a
			 * batch of drafts end it where one-by-one decoding would. */
			for (int limit = 3; limit <= 17; limit += 7) {
				buf_reset(&plain.ids);
				buf_reset(&fast.ids);
				plain.n = fast.n = 0;
				np = gen_greedy(m, ref, 0, limit, NULL, 0, &plain, &gp);
				nf = gen_greedy(m, ref, 8, limit, NULL, 0, &fast, &gf);
				CHECK_STR(fast.ids.s, plain.ids.s);
				CHECK_INT(nf, np);
				CHECK_INT(gf.stopped, INFER_STOP_LIMIT);
			}
			/* The 12th token of the plain run as a stop id. */
			{
				const char *p = plain.ids.s;

				buf_reset(&plain.ids);
				plain.n = 0;
				gen_greedy(m, ref, 0, 40, NULL, 0, &plain, &gp);
				p = plain.ids.s;
				for (int i = 0; i < 11; i++)
					p = strchr(p, ' ') + 1;
				stop = (int32_t)atoi(p);
			}
			buf_reset(&plain.ids);
			buf_reset(&fast.ids);
			plain.n = fast.n = 0;
			np = gen_greedy(m, ref, 0, 40, &stop, 1, &plain, &gp);
			nf = gen_greedy(m, ref, 8, 40, &stop, 1, &fast, &gf);
			CHECK_STR(fast.ids.s, plain.ids.s);
			CHECK_INT(nf, np);
			CHECK_INT(gf.stopped, INFER_STOP_ID);
			buf_reset(&plain.ids);
			buf_reset(&fast.ids);
			plain.n = fast.n = 0;
			plain.stop_after = fast.stop_after = 9;
			np = gen_greedy(m, ref, 0, 40, NULL, 0, &plain, &gp);
			nf = gen_greedy(m, ref, 8, 40, NULL, 0, &fast, &gf);
			CHECK_STR(fast.ids.s, plain.ids.s);
			CHECK_INT(nf, np);
			CHECK_INT(gf.stopped, INFER_STOP_CALLBACK);
			buf_release(&plain.ids);
			buf_release(&fast.ids);
		}
		infer_model_close(m);
	}
	/* The prompt repeats itself: drafting must have happened, and the
	 * random models fall into loops, so some drafts were kept. */
	CHECK(drafted > 0);
	CHECK(accepted > 0);
}
