/*
 * kern_ref.c: portable reference kernels, the definition the SIMD kernels
 * are tested against. The quantized dot products compute exactly what the
 * SIMD ones do (integer sums per block, scaled in float), so the two agree
 * to float rounding; the formats themselves are defined by quant.c's
 * dequantizers, which the tests check these against too.
 */
#include "infer/kern.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

static float dot_f32w(int n, const void *w, const void *x)
{
	const float *a = w, *b = x;
	float s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static float dot_f16w(int n, const void *w, const void *x)
{
	const uint16_t *a = w;
	const float *b = x;
	float s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += f16_to_f32(a[i]) * b[i];
	return s;
}

static float dot_bf16w(int n, const void *w, const void *x)
{
	const uint16_t *a = w;
	const float *b = x;
	float s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += bf16_to_f32(a[i]) * b[i];
	return s;
}

static float dot_q4_0(int n, const void *w, const void *xv)
{
	const struct blk_q4_0 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b, j;

	for (b = 0; b < n / QK; b++) {
		int sum = 0;

		for (j = 0; j < QK / 2; j++)
			sum += (a[b].qs[j] & 0xF) * x[b].qs[j] + (a[b].qs[j] >> 4) * x[b].qs[j + 16];
		/* the -8 offset: sum((q-8)*y) = sum(q*y) - 8*sum(y) */
		s += f16_to_f32(a[b].d) * (x[b].d * (float)sum - 8 * x[b].s);
	}
	return s;
}

static float dot_q4_1(int n, const void *w, const void *xv)
{
	const struct blk_q4_1 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b, j;

	for (b = 0; b < n / QK; b++) {
		int sum = 0;

		for (j = 0; j < QK / 2; j++)
			sum += (a[b].qs[j] & 0xF) * x[b].qs[j] + (a[b].qs[j] >> 4) * x[b].qs[j + 16];
		s += f16_to_f32(a[b].d) * x[b].d * (float)sum + f16_to_f32(a[b].m) * x[b].s;
	}
	return s;
}

static int q5_sum(const uint8_t *qs, const uint8_t *qhp, const int8_t *y)
{
	uint32_t qh;
	int j, sum = 0;

	memcpy(&qh, qhp, 4);
	for (j = 0; j < QK / 2; j++) {
		const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;

		sum += ((qs[j] & 0xF) | h0) * y[j] + ((qs[j] >> 4) | h1) * y[j + 16];
	}
	return sum;
}

static float dot_q5_0(int n, const void *w, const void *xv)
{
	const struct blk_q5_0 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b;

	for (b = 0; b < n / QK; b++) {
		const int sum = q5_sum(a[b].qs, a[b].qh, x[b].qs);

		s += f16_to_f32(a[b].d) * (x[b].d * (float)sum - 16 * x[b].s);
	}
	return s;
}

static float dot_q5_1(int n, const void *w, const void *xv)
{
	const struct blk_q5_1 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b;

	for (b = 0; b < n / QK; b++) {
		const int sum = q5_sum(a[b].qs, a[b].qh, x[b].qs);

		s += f16_to_f32(a[b].d) * x[b].d * (float)sum + f16_to_f32(a[b].m) * x[b].s;
	}
	return s;
}

static float dot_q8_0(int n, const void *w, const void *xv)
{
	const struct blk_q8_0 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b, j;

	for (b = 0; b < n / QK; b++) {
		int sum = 0;

		for (j = 0; j < QK; j++)
			sum += a[b].qs[j] * x[b].qs[j];
		s += f16_to_f32(a[b].d) * x[b].d * (float)sum;
	}
	return s;
}

/* q4_K and q5_K share the affine sub-block form: sum over the 8 sub-blocks
 * of d*sc*sum(q*y) - dmin*m*sum(y), with the y sums from bsums. */
static float dot_q4_k(int n, const void *w, const void *xv)
{
	const struct blk_q4_k *a = w;
	const struct blk_q8k *x = xv;
	float s = 0;
	int b, j, l;

	for (b = 0; b < n / QK_K; b++) {
		const uint8_t *q = a[b].qs;
		const int8_t *y = x[b].qs;
		int sumi = 0, summ = 0;
		uint8_t sc, m;

		for (j = 0; j < QK_K / 64; j++, q += 32, y += 64) {
			int s0 = 0, s1 = 0;

			for (l = 0; l < 32; l++) {
				s0 += (q[l] & 0xF) * y[l];
				s1 += (q[l] >> 4) * y[l + 32];
			}
			quant_scale_min_k4(2 * j, a[b].scales, &sc, &m);
			sumi += sc * s0;
			summ += m * (x[b].bsums[4 * j] + x[b].bsums[4 * j + 1]);
			quant_scale_min_k4(2 * j + 1, a[b].scales, &sc, &m);
			sumi += sc * s1;
			summ += m * (x[b].bsums[4 * j + 2] + x[b].bsums[4 * j + 3]);
		}
		s += x[b].d * (f16_to_f32(a[b].d) * (float)sumi - f16_to_f32(a[b].dmin) * (float)summ);
	}
	return s;
}

static float dot_q5_k(int n, const void *w, const void *xv)
{
	const struct blk_q5_k *a = w;
	const struct blk_q8k *x = xv;
	float s = 0;
	int b, j, l;

	for (b = 0; b < n / QK_K; b++) {
		const uint8_t *q = a[b].qs, *qh = a[b].qh;
		const int8_t *y = x[b].qs;
		int sumi = 0, summ = 0;
		unsigned u1 = 1, u2 = 2;
		uint8_t sc, m;

		for (j = 0; j < QK_K / 64; j++, q += 32, y += 64, u1 <<= 2, u2 <<= 2) {
			int s0 = 0, s1 = 0;

			for (l = 0; l < 32; l++) {
				s0 += ((q[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) * y[l];
				s1 += ((q[l] >> 4) + (qh[l] & u2 ? 16 : 0)) * y[l + 32];
			}
			quant_scale_min_k4(2 * j, a[b].scales, &sc, &m);
			sumi += sc * s0;
			summ += m * (x[b].bsums[4 * j] + x[b].bsums[4 * j + 1]);
			quant_scale_min_k4(2 * j + 1, a[b].scales, &sc, &m);
			sumi += sc * s1;
			summ += m * (x[b].bsums[4 * j + 2] + x[b].bsums[4 * j + 3]);
		}
		s += x[b].d * (f16_to_f32(a[b].d) * (float)sumi - f16_to_f32(a[b].dmin) * (float)summ);
	}
	return s;
}

static float dot_q6_k(int n, const void *w, const void *xv)
{
	const struct blk_q6_k *a = w;
	const struct blk_q8k *x = xv;
	float s = 0;
	int b, h, l, k;

	for (b = 0; b < n / QK_K; b++) {
		const uint8_t *ql = a[b].ql, *qh = a[b].qh;
		const int8_t *y = x[b].qs;
		int sub[16] = {0}, sumi = 0;

		for (h = 0; h < 2; h++, ql += 64, qh += 32, y += 128)
			for (l = 0; l < 32; l++) {
				const int is = 8 * h + l / 16;

				sub[is] += ((int)((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32) * y[l];
				sub[is + 2] += ((int)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) *
					       y[l + 32];
				sub[is + 4] += ((int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) *
					       y[l + 64];
				sub[is + 6] += ((int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) *
					       y[l + 96];
			}
		for (k = 0; k < 16; k++)
			sumi += a[b].scales[k] * sub[k];
		s += x[b].d * f16_to_f32(a[b].d) * (float)sumi;
	}
	return s;
}

static void softmax(int n, float *x)
{
	float max = x[0], sum = 0;
	int i;

	for (i = 1; i < n; i++)
		max = fmaxf(max, x[i]);
	for (i = 0; i < n; i++) {
		x[i] = expf(x[i] - max);
		sum += x[i];
	}
	for (i = 0; i < n; i++)
		x[i] /= sum;
}

static void attn(int hd, int g, int n, const float *q, size_t qstride, const void *k,
		 const void *v, size_t stride, bool kv_f32, float scale, float *att, float *out,
		 size_t ostride)
{
	int i, t, d;

	for (i = 0; i < g; i++) {
		const float *qi = q + (size_t)i * qstride;
		float *p = att + (size_t)i * n, *o = out + (size_t)i * ostride;

		for (t = 0; t < n; t++)
			p[t] = scale * (kv_f32 ? dot_f32w(hd, (const float *)k + (size_t)t * stride, qi)
					       : dot_f16w(hd, (const uint16_t *)k + (size_t)t * stride, qi));
		softmax(n, p);
		memset(o, 0, (size_t)hd * sizeof(float));
		for (t = 0; t < n; t++) {
			if (kv_f32) {
				const float *x = (const float *)v + (size_t)t * stride;

				for (d = 0; d < hd; d++)
					o[d] += p[t] * x[d];
			} else {
				const uint16_t *x = (const uint16_t *)v + (size_t)t * stride;

				for (d = 0; d < hd; d++)
					o[d] += p[t] * f16_to_f32(x[d]);
			}
		}
	}
}

static void to_f16(int n, const float *x, uint16_t *y)
{
	int i;

	for (i = 0; i < n; i++)
		y[i] = f32_to_f16(x[i]);
}

static void rmsnorm(int n, const float *x, const float *w, float eps, float *o)
{
	float ss = 0, scale;
	int i;

	for (i = 0; i < n; i++)
		ss += x[i] * x[i];
	scale = 1.0f / sqrtf(ss / (float)n + eps);
	for (i = 0; i < n; i++)
		o[i] = x[i] * scale * w[i];
}

static void silu_mul(int n, float *g, const float *u)
{
	int i;

	for (i = 0; i < n; i++)
		g[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

static const struct kern ref = {
	.name = "ref",
	.quant_q8 = quant_q8_ref,
	.quant_q8k = quant_q8k_ref,
	.dot =
		{
			[GGUF_T_F32] = dot_f32w,
			[GGUF_T_F16] = dot_f16w,
			[GGUF_T_BF16] = dot_bf16w,
			[GGUF_T_Q4_0] = dot_q4_0,
			[GGUF_T_Q4_1] = dot_q4_1,
			[GGUF_T_Q5_0] = dot_q5_0,
			[GGUF_T_Q5_1] = dot_q5_1,
			[GGUF_T_Q8_0] = dot_q8_0,
			[GGUF_T_Q4_K] = dot_q4_k,
			[GGUF_T_Q5_K] = dot_q5_k,
			[GGUF_T_Q6_K] = dot_q6_k,
		},
	.attn = attn,
	.to_f16 = to_f16,
	.softmax = softmax,
	.rmsnorm = rmsnorm,
	.silu_mul = silu_mul,
};

const struct kern *kern_ref(void)
{
	return &ref;
}

/* Architectures without a SIMD file (module.mk builds kern_x86.c for
 * x86-64 and kern_arm.c for arm64 only) have no arch table. Not a weak
 * symbol: an archive member is never pulled in to override one. */
#if !defined(__x86_64__) && !defined(__aarch64__)
int kern_arch_all(const struct kern **out)
{
	(void)out;
	return 0;
}
#endif

static const struct kern *chosen;

static void choose(void)
{
	const char *force = getenv("CARO_KERNELS");
	const struct kern *ks[KERN_ARCH_MAX];
	int n = kern_arch_all(ks), i;

	chosen = n ? ks[0] : &ref;
	if (force && !strcmp(force, "ref"))
		chosen = &ref;
	for (i = 0; force && i < n; i++)
		if (!strcmp(force, ks[i]->name))
			chosen = ks[i];
}

const struct kern *kern_get(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, choose);
	return chosen;
}
