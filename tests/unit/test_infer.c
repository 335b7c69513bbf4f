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
