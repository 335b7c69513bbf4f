/* test_kern.c: every kernel of the architecture table against the
 * reference on random inputs, with lengths that are not multiples of the
 * vector width; the reference dot products against the dequantized
 * formats; and the quantizers' round trips. */
#include "infer/kern.h"
#include "t.h"

#include <math.h>

static uint64_t rng = 88172645463325252ull;

static float frand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (float)((double)(rng >> 11) * 0x1.0p-53 * 2 - 1);
}

static void fill(float *x, int n, float scale)
{
	int i;

	for (i = 0; i < n; i++)
		x[i] = frand() * scale;
}

/* nr random weight rows w quantized into wq (rows quant_row_size apart)
 * and nt activation rows x quantized by the reference into xq (rows
 * quant_act_size apart), n elements each */
static void random_rows(uint32_t type, int n, int nr, int nt, float *w, uint8_t *wq, float *x,
			uint8_t *xq)
{
	const struct quant_type *qt = quant_type(type);
	const size_t rs = quant_row_size(type, n), as = quant_act_size(qt->act, n);
	int i;

	fill(w, n * nr, 0.5f);
	fill(x, n * nt, 2.0f);
	for (i = 0; i < nr; i++)
		qt->quant(w + (size_t)i * n, wq + i * rs, n);
	for (i = 0; i < nt; i++)
		(qt->act == ACT_Q8 ? quant_q8_ref : quant_q8k_ref)(x + (size_t)i * n, xq + i * as, n);
}

/* KTEST(name) { ... k ... }: a test run once for each kernel table this
 * CPU runs (AVX-512 VNNI and AVX2 on such a CPU), as k, or for the
 * reference against itself when there is none. */
#define KTEST(name)                                                         \
	static void name##_on(const struct kern *k);                        \
	TEST(name)                                                          \
	{                                                                   \
		const struct kern *ks[KERN_ARCH_MAX];                       \
		int n_ = kern_arch_all(ks), i_;                             \
                                                                            \
		if (!n_)                                                    \
			ks[n_++] = kern_ref();                              \
		for (i_ = 0; i_ < n_; i_++)                                 \
			name##_on(ks[i_]);                                  \
	}                                                                   \
	static void name##_on(const struct kern *k)

static const uint32_t qtypes[] = {GGUF_T_F32,  GGUF_T_F16,  GGUF_T_BF16, GGUF_T_Q4_0,
				  GGUF_T_Q4_1, GGUF_T_Q5_0, GGUF_T_Q5_1, GGUF_T_Q8_0,
				  GGUF_T_Q4_K, GGUF_T_Q5_K, GGUF_T_Q6_K};

KTEST(kern_dots_match_reference)
{
	const struct kern *ref = kern_ref();
	size_t ti;

	for (ti = 0; ti < ARRAY_SIZE(qtypes); ti++) {
		const struct quant_type *qt = quant_type(qtypes[ti]);
		const int sizes[] = {1, 3, 9, 17};
		size_t si;

		REQUIRE(qt && qt->quant);
		for (si = 0; si < ARRAY_SIZE(sizes); si++) {
			const int n = qt->blck == 1 ? sizes[si] * 7 + 3 : sizes[si] * (int)qt->blck;
			float *w = xmallocarray((size_t)n, sizeof(float));
			float *x = xmallocarray((size_t)n, sizeof(float));
			float *wd = xmallocarray((size_t)n, sizeof(float));
			uint8_t *wq = xmalloc(quant_row_size(qtypes[ti], n));
			uint8_t *xq = xcalloc(1, quant_act_size(qt->act, n) + 8);
			const void *xa;
			double exact = 0, mag = 0;
			float r, a;
			int i;

			fill(w, n, 0.5f);
			fill(x, n, 2.0f);
			qt->quant(w, wq, n);
			qt->dequant(wq, wd, n);
			if (qt->act == ACT_Q8)
				quant_q8_ref(x, xq, n);
			else if (qt->act == ACT_Q8K)
				quant_q8k_ref(x, xq, n);
			else
				memcpy(xq, x, (size_t)n * sizeof(float));
			xa = xq;
			for (i = 0; i < n; i++) {
				exact += (double)wd[i] * x[i];
				mag += fabs((double)wd[i] * x[i]);
			}
			r = ref->dot[qtypes[ti]](n, wq, xa);
			a = k->dot[qtypes[ti]](n, wq, xa);
			/* reference vs the format (activation quantization error) */
			if (fabs(r - exact) > 0.02 * mag + 1e-4)
				t_fail(__FILE__, __LINE__, "%s n=%d: ref %g vs dequantized %g", qt->name,
				       n, r, exact);
			/* arch vs reference: the same integers, summed in another order */
			if (fabs(a - r) > 1e-4 * mag + 1e-5)
				t_fail(__FILE__, __LINE__, "%s n=%d: %s %g vs ref %g", qt->name, n,
				       k->name, a, r);
			free(w);
			free(x);
			free(wd);
			free(wq);
			free(xq);
		}
	}
}

/* The batched matmul against the reference dot for every (row, token):
 * row counts that do not fill a tile, token counts that do not fill a
 * group of eight, rows longer than one chunk, and accumulation. */
KTEST(kern_gemm_matches_reference_dots)
{
	const struct kern *ref = kern_ref();
	const int nts[] = {1, 8, 13, 17, 300}; /* 300: more than one block of token groups */
	size_t ti;

	for (ti = 0; ti < ARRAY_SIZE(qtypes); ti++) {
		const uint32_t type = qtypes[ti];
		const struct quant_type *qt = quant_type(type);
		const int sizes[] = {1, 3, 37};
		size_t si, ni;

		if (!k->gemm[type])
			continue;
		for (si = 0; si < ARRAY_SIZE(sizes); si++)
			for (ni = 0; ni < ARRAY_SIZE(nts); ni++) {
				const int n = sizes[si] * (int)qt->blck, nr = 9, nt = nts[ni];

				if (nt > 17 && sizes[si] > 1)
					continue; /* the long batch only with short rows */
				const int ng = (nt + 7) / 8;
				const size_t rs = quant_row_size(type, n), as = quant_act_size(qt->act, n);
				const size_t xs = quant_act8_size(k->gemm_act[type], n);
				float *w = xmallocarray((size_t)n * nr, sizeof(float));
				float *x = xmallocarray((size_t)n * nt, sizeof(float));
				float *out = xmallocarray((size_t)nt * (nr + 3), sizeof(float));
				uint8_t *wq = xmalloc(rs * nr), *xq = xmalloc(as * nt);
				uint8_t *x8 = xmalloc(xs * ng), *back = xmalloc(as);
				int r, t, add;

				random_rows(type, n, nr, nt, w, wq, x, xq);
				for (t = 0; t < nt; t += 8)
					quant_act8_pack(k->gemm_act[type], xq + t * as, as, MIN(8, nt - t), n,
							x8 + (t / 8) * xs);
				/* the interleaved form holds the same blocks */
				quant_act8_unpack(k->gemm_act[type], x8 + ((nt - 1) / 8) * xs, (nt - 1) % 8, n,
						  back);
				CHECK(!memcmp(back, xq + (nt - 1) * as, as));
				for (add = 0; add < 2; add++) {
					for (r = 0; r < nt * (nr + 3); r++)
						out[r] = 1.0f;
					k->gemm[type](n, wq, rs, nr, x8, xs, nt, out, nr + 3, add);
					for (t = 0; t < nt; t++) {
						for (r = 0; r < nr; r++) {
							const float want = ref->dot[type](n, wq + r * rs, xq + t * as) + (add ? 1.0f : 0.0f);
							const float got = out[t * (nr + 3) + r];
							double mag = 1;
							int i;

							for (i = 0; i < n; i++)
								mag += fabs((double)w[(size_t)r * n + i] * x[(size_t)t * n + i]);
							if (fabs(got - want) > 1e-5 * mag)
								t_fail(__FILE__, __LINE__, "%s %s n=%d nt=%d add=%d row %d token %d: %g vs %g",
								       k->name, qt->name, n, nt, add, r, t, got, want);
						}
						for (r = nr; r < nr + 3; r++)
							CHECK(out[t * (nr + 3) + r] == 1.0f); /* untouched */
					}
				}
				free(w);
				free(x);
				free(out);
				free(wq);
				free(xq);
				free(x8);
				free(back);
			}
	}
}

/* gemv against the reference dot for every (row, token): row counts
 * that do not fill the kernel's group of rows, one token (decode: exactly
 * the kernel's own dot), token counts below, at and above the eight that
 * share each block, and accumulation into what out held. */
KTEST(kern_gemv_matches_reference_dots)
{
	const struct kern *ref = kern_ref();
	const int nrs[] = {1, 3, 4, 9}, nts[] = {1, 2, 5, 8, 11};
	enum { MAXNT = 11, MAXNR = 9, LDO = MAXNR + 2 };
	size_t ti, ri, ni;

	for (ti = 0; ti < ARRAY_SIZE(qtypes); ti++) {
		const uint32_t type = qtypes[ti];
		const struct quant_type *qt = quant_type(type);
		const int n = 7 * (int)qt->blck;
		const size_t rs = quant_row_size(type, n), as = quant_act_size(qt->act, n);

		if (!k->gemv[type])
			continue;
		for (ri = 0; ri < ARRAY_SIZE(nrs); ri++)
			for (ni = 0; ni < ARRAY_SIZE(nts); ni++) {
				const int nr = nrs[ri], nt = nts[ni], add = (int)ni & 1;
				float *w = xmallocarray((size_t)n * nr, sizeof(float));
				float *x = xmallocarray((size_t)n * nt, sizeof(float)), out[MAXNT * LDO];
				uint8_t *wq = xmalloc(rs * nr), *xq = xmalloc(as * nt);
				int r, t, i;

				random_rows(type, n, nr, nt, w, wq, x, xq);
				for (i = 0; i < MAXNT * LDO; i++)
					out[i] = (float)(i % 7) - 3;
				k->gemv[type](n, wq, rs, nr, xq, as, nt, out, LDO, add);
				for (t = 0; t < MAXNT; t++)
					for (r = 0; r < LDO; r++) {
						const float old = (float)((t * LDO + r) % 7) - 3, got = out[t * LDO + r];
						float want = old;
						double mag = 1;

						if (t < nt && r < nr) {
							want = ref->dot[type](n, wq + r * rs, xq + t * as) + (add ? old : 0);
							for (i = 0; i < n; i++)
								mag += fabs((double)w[(size_t)r * n + i] * x[(size_t)t * n + i]);
						}
						if (fabs(got - want) > 1e-5 * mag)
							t_fail(__FILE__, __LINE__, "%s %s nr=%d nt=%d add=%d row %d token %d: %g vs %g",
							       k->name, qt->name, nr, nt, add, r, t, got, want);
					}
				/* threads split rows at multiples of 16: a row's value
				 * must not depend on which multiple of 4 a call starts at */
				if (nt == 1 && !add && nr > 4) {
					float part[MAXNR];

					k->gemv[type](n, wq + 4 * rs, rs, nr - 4, xq, as, 1, part, 1, false);
					for (r = 4; r < nr; r++)
						if (part[r - 4] != out[r])
							t_fail(__FILE__, __LINE__, "%s %s: row %d differs when the call starts at row 4",
							       k->name, qt->name, r);
				}
				free(w);
				free(x);
				free(wq);
				free(xq);
			}
	}
}

KTEST(kern_quantizers_match_reference)
{
	const struct kern *ref = kern_ref();
	float x[3 * QK_K];
	struct blk_q8 a[3 * QK_K / QK], b[3 * QK_K / QK];
	struct blk_q8k ak[3], bk[3];
	size_t i;

	fill(x, 3 * QK_K, 3.0f);
	memset(x + 32, 0, 32 * sizeof(float)); /* an all-zero block */
	ref->quant_q8(x, a, 3 * QK_K);
	k->quant_q8(x, b, 3 * QK_K);
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		CHECK(a[i].d == b[i].d);
		CHECK(fabsf(a[i].s - b[i].s) <= 1e-5f * fabsf(a[i].s) + 1e-6f);
		CHECK(!memcmp(a[i].qs, b[i].qs, QK));
	}
	CHECK(a[1].d == 0);
	ref->quant_q8k(x, ak, 3 * QK_K);
	k->quant_q8k(x, bk, 3 * QK_K);
	CHECK(!memcmp(ak, bk, sizeof(ak)));
}

KTEST(kern_float_ops_match_reference)
{
	const struct kern *ref = kern_ref();
	int n;

	for (n = 1; n <= 77; n += 4) {
		float a[80], b[80], c[80], w[80], o1[80], o2[80];
		uint16_t h1[80], h2[80];
		int i;

		fill(a, n, 4.0f);
		fill(b, n, 1.0f);
		fill(w, n, 1.0f);
		memcpy(c, a, sizeof(a));
		ref->rmsnorm(n, a, w, 1e-5f, o1);
		k->rmsnorm(n, a, w, 1e-5f, o2);
		for (i = 0; i < n; i++)
			CHECK(fabsf(o1[i] - o2[i]) <= 1e-5f * (1 + fabsf(o1[i])));
		ref->silu_mul(n, a, b);
		k->silu_mul(n, c, b);
		for (i = 0; i < n; i++)
			CHECK(fabsf(a[i] - c[i]) <= 1e-5f * (1 + fabsf(a[i])));
		fill(a, n, 30.0f);
		memcpy(c, a, sizeof(a));
		ref->softmax(n, a);
		k->softmax(n, c);
		for (i = 0; i < n; i++)
			CHECK(fabsf(a[i] - c[i]) <= 1e-6f + 1e-5f * a[i]);
		ref->to_f16(n, b, h1);
		k->to_f16(n, b, h2);
		CHECK(!memcmp(h1, h2, (size_t)n * 2));
	}
}

/* Grouped attention: head sizes with and without a fast path (48: the
 * narrowest slices of V), position counts that are not multiples of 8,
 * 1 to 7 heads per group (the AVX2 kernel does values four heads at a
 * time), f16 and f32 caches. */
KTEST(kern_attention_matches_reference)
{
	const struct kern *ref = kern_ref();
	const int hds[] = {64, 128, 40, 48}, ns[] = {1, 7, 37}, gs[] = {1, 3, 5, 7};
	enum { MAXN = 37, STRIDE = 3 * 128, MAXG = 7 };
	static float kf[MAXN * STRIDE], vf[MAXN * STRIDE], q[MAXG * 130];
	static float a1[MAXG * MAXN], a2[MAXG * MAXN], o1[MAXG * 130], o2[MAXG * 130];
	static uint16_t kh[MAXN * STRIDE], vh[MAXN * STRIDE];
	size_t h, ni, gi;
	int i, f32;

	fill(kf, MAXN * STRIDE, 1.0f);
	fill(vf, MAXN * STRIDE, 1.0f);
	ref->to_f16(MAXN * STRIDE, kf, kh);
	ref->to_f16(MAXN * STRIDE, vf, vh);
	for (h = 0; h < ARRAY_SIZE(hds); h++)
		for (ni = 0; ni < ARRAY_SIZE(ns); ni++)
			for (gi = 0; gi < ARRAY_SIZE(gs); gi++)
				for (f32 = 0; f32 < 2; f32++) {
					const int hd = hds[h], n = ns[ni], g = gs[gi];
					const void *kc = f32 ? (const void *)(kf + 64) : (const void *)(kh + 64);
					const void *vc = f32 ? (const void *)(vf + 64) : (const void *)(vh + 64);

					fill(q, MAXG * 130, 2.0f);
					for (i = 0; i < MAXG * 130; i++)
						o2[i] = o1[i] = -1.0f; /* untouched past each head */
					ref->attn(hd, g, n, q, 130, kc, vc, STRIDE, f32, 0.125f, a1, o1, 130);
					k->attn(hd, g, n, q, 130, kc, vc, STRIDE, f32, 0.125f, a2, o2, 130);
					for (i = 0; i < g * 130; i++)
						if (fabsf(o1[i] - o2[i]) > 1e-5f * (1 + fabsf(o1[i])))
							t_fail(__FILE__, __LINE__, "%s hd %d n %d g %d f32 %d: out[%d] %g vs %g",
							       k->name, hd, n, g, f32, i, o2[i], o1[i]);
				}
}

TEST(kern_f16_conversions_are_exact)
{
	uint32_t h;

	/* every finite half survives half -> float -> half */
	for (h = 0; h < 65536; h++) {
		const float f = f16_to_f32((uint16_t)h);

		if (isnan(f))
			continue;
		if (f32_to_f16(f) != h)
			t_fail(__FILE__, __LINE__, "half 0x%04x -> %g -> 0x%04x", h, f,
			       f32_to_f16(f));
	}
	CHECK(bf16_to_f32(f32_to_bf16(1.5f)) == 1.5f);
	CHECK(f32_to_f16(65520.0f) == 0x7c00); /* overflow rounds to inf */
}
