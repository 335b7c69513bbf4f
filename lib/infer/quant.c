/*
 * quant.c: the type table, reference dequantizers and quantizers.
 *
 * Dequantizers follow ggml's reference code element for element; they are
 * the definition of each format that the kernels are tested against. The
 * quantizers exist for tools/gguf_write and the tests. They aim at valid
 * blocks with a reasonable error, not at ggml's best (its k-quant search
 * is far more elaborate), since the writer makes random-weight models for
 * speed measurements.
 */
#include "infer/quant.h"

#include <math.h>

static void deq_f32(const void *src, float *y, int64_t n)
{
	memcpy(y, src, (size_t)n * sizeof(float));
}

static void deq_f16(const void *src, float *y, int64_t n)
{
	const uint16_t *x = src;
	int64_t i;

	for (i = 0; i < n; i++)
		y[i] = f16_to_f32(x[i]);
}

static void deq_bf16(const void *src, float *y, int64_t n)
{
	const uint16_t *x = src;
	int64_t i;

	for (i = 0; i < n; i++)
		y[i] = bf16_to_f32(x[i]);
}

static void deq_q4_0(const void *src, float *y, int64_t n)
{
	const struct blk_q4_0 *x = src;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, y += QK) {
		const float d = f16_to_f32(x[b].d);

		for (j = 0; j < QK / 2; j++) {
			y[j] = (float)((x[b].qs[j] & 0xF) - 8) * d;
			y[j + QK / 2] = (float)((x[b].qs[j] >> 4) - 8) * d;
		}
	}
}

static void deq_q4_1(const void *src, float *y, int64_t n)
{
	const struct blk_q4_1 *x = src;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, y += QK) {
		const float d = f16_to_f32(x[b].d), m = f16_to_f32(x[b].m);

		for (j = 0; j < QK / 2; j++) {
			y[j] = (float)(x[b].qs[j] & 0xF) * d + m;
			y[j + QK / 2] = (float)(x[b].qs[j] >> 4) * d + m;
		}
	}
}

static void deq_q5_0(const void *src, float *y, int64_t n)
{
	const struct blk_q5_0 *x = src;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, y += QK) {
		const float d = f16_to_f32(x[b].d);
		uint32_t qh;

		memcpy(&qh, x[b].qh, 4);
		for (j = 0; j < QK / 2; j++) {
			const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;

			y[j] = (float)(((x[b].qs[j] & 0xF) | h0) - 16) * d;
			y[j + QK / 2] = (float)(((x[b].qs[j] >> 4) | h1) - 16) * d;
		}
	}
}

static void deq_q5_1(const void *src, float *y, int64_t n)
{
	const struct blk_q5_1 *x = src;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, y += QK) {
		const float d = f16_to_f32(x[b].d), m = f16_to_f32(x[b].m);
		uint32_t qh;

		memcpy(&qh, x[b].qh, 4);
		for (j = 0; j < QK / 2; j++) {
			const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;

			y[j] = (float)((x[b].qs[j] & 0xF) | h0) * d + m;
			y[j + QK / 2] = (float)((x[b].qs[j] >> 4) | h1) * d + m;
		}
	}
}

static void deq_q8_0(const void *src, float *y, int64_t n)
{
	const struct blk_q8_0 *x = src;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, y += QK) {
		const float d = f16_to_f32(x[b].d);

		for (j = 0; j < QK; j++)
			y[j] = (float)x[b].qs[j] * d;
	}
}

static void deq_q4_k(const void *src, float *y, int64_t n)
{
	const struct blk_q4_k *x = src;
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++) {
		const float d = f16_to_f32(x[b].d), min = f16_to_f32(x[b].dmin);
		const uint8_t *q = x[b].qs;
		uint8_t sc, m;

		for (j = 0; j < QK_K / 64; j++, q += 32) {
			quant_scale_min_k4(2 * j, x[b].scales, &sc, &m);
			const float d1 = d * sc, m1 = min * m;
			quant_scale_min_k4(2 * j + 1, x[b].scales, &sc, &m);
			const float d2 = d * sc, m2 = min * m;

			for (l = 0; l < 32; l++)
				*y++ = d1 * (float)(q[l] & 0xF) - m1;
			for (l = 0; l < 32; l++)
				*y++ = d2 * (float)(q[l] >> 4) - m2;
		}
	}
}

static void deq_q5_k(const void *src, float *y, int64_t n)
{
	const struct blk_q5_k *x = src;
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++) {
		const float d = f16_to_f32(x[b].d), min = f16_to_f32(x[b].dmin);
		const uint8_t *ql = x[b].qs, *qh = x[b].qh;
		unsigned u1 = 1, u2 = 2;
		uint8_t sc, m;

		for (j = 0; j < QK_K / 64; j++, ql += 32, u1 <<= 2, u2 <<= 2) {
			quant_scale_min_k4(2 * j, x[b].scales, &sc, &m);
			const float d1 = d * sc, m1 = min * m;
			quant_scale_min_k4(2 * j + 1, x[b].scales, &sc, &m);
			const float d2 = d * sc, m2 = min * m;

			for (l = 0; l < 32; l++)
				*y++ = d1 * (float)((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
			for (l = 0; l < 32; l++)
				*y++ = d2 * (float)((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
		}
	}
}

static void deq_q6_k(const void *src, float *y, int64_t n)
{
	const struct blk_q6_k *x = src;
	int64_t b;
	int h, l;

	for (b = 0; b < n / QK_K; b++) {
		const float d = f16_to_f32(x[b].d);
		const uint8_t *ql = x[b].ql, *qh = x[b].qh;
		const int8_t *sc = x[b].scales;

		for (h = 0; h < QK_K / 128; h++, y += 128, ql += 64, qh += 32, sc += 8) {
			for (l = 0; l < 32; l++) {
				const int is = l / 16;
				const int q1 = (int)((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32;
				const int q2 = (int)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
				const int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
				const int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;

				y[l] = d * (float)sc[is] * (float)q1;
				y[l + 32] = d * (float)sc[is + 2] * (float)q2;
				y[l + 64] = d * (float)sc[is + 4] * (float)q3;
				y[l + 96] = d * (float)sc[is + 6] * (float)q4;
			}
		}
	}
}

/* ---- quantizers ---- */

static int nearest(float x)
{
	return (int)lrintf(x);
}

static void q_f32(const float *x, void *y, int64_t n)
{
	memcpy(y, x, (size_t)n * sizeof(float));
}

static void q_f16(const float *x, void *dst, int64_t n)
{
	uint16_t *y = dst;
	int64_t i;

	for (i = 0; i < n; i++)
		y[i] = f32_to_f16(x[i]);
}

static void q_bf16(const float *x, void *dst, int64_t n)
{
	uint16_t *y = dst;
	int64_t i;

	for (i = 0; i < n; i++)
		y[i] = f32_to_bf16(x[i]);
}

/* The value of largest magnitude, with its sign (ggml's choice for the
 * symmetric types: it maps exactly to the most negative level). */
static float signed_max(const float *x, int n)
{
	float amax = 0, max = 0;
	int i;

	for (i = 0; i < n; i++)
		if (fabsf(x[i]) > amax) {
			amax = fabsf(x[i]);
			max = x[i];
		}
	return max;
}

static void q_q4_0(const float *x, void *dst, int64_t n)
{
	struct blk_q4_0 *y = dst;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, x += QK) {
		const float d = signed_max(x, QK) / -8, id = d ? 1.0f / d : 0;

		y[b].d = f32_to_f16(d);
		for (j = 0; j < QK / 2; j++) {
			const int q0 = MIN(15, (int)(x[j] * id + 8.5f));
			const int q1 = MIN(15, (int)(x[j + QK / 2] * id + 8.5f));

			y[b].qs[j] = (uint8_t)(q0 | (q1 << 4));
		}
	}
}

static void minmax(const float *x, int n, float *lo, float *hi)
{
	int i;

	*lo = *hi = x[0];
	for (i = 1; i < n; i++) {
		*lo = fminf(*lo, x[i]);
		*hi = fmaxf(*hi, x[i]);
	}
}

static void q_q4_1(const float *x, void *dst, int64_t n)
{
	struct blk_q4_1 *y = dst;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, x += QK) {
		float lo, hi, d, id;

		minmax(x, QK, &lo, &hi);
		d = (hi - lo) / 15;
		id = d ? 1.0f / d : 0;
		y[b].d = f32_to_f16(d);
		y[b].m = f32_to_f16(lo);
		for (j = 0; j < QK / 2; j++) {
			const int q0 = MIN(15, (int)((x[j] - lo) * id + 0.5f));
			const int q1 = MIN(15, (int)((x[j + QK / 2] - lo) * id + 0.5f));

			y[b].qs[j] = (uint8_t)(q0 | (q1 << 4));
		}
	}
}

static void q_q5_0(const float *x, void *dst, int64_t n)
{
	struct blk_q5_0 *y = dst;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, x += QK) {
		const float d = signed_max(x, QK) / -16, id = d ? 1.0f / d : 0;
		uint32_t qh = 0;

		y[b].d = f32_to_f16(d);
		for (j = 0; j < QK / 2; j++) {
			const int q0 = MIN(31, (int)(x[j] * id + 16.5f));
			const int q1 = MIN(31, (int)(x[j + QK / 2] * id + 16.5f));

			y[b].qs[j] = (uint8_t)((q0 & 0xF) | ((q1 & 0xF) << 4));
			qh |= (uint32_t)((q0 & 0x10) >> 4) << j;
			qh |= (uint32_t)((q1 & 0x10) >> 4) << (j + QK / 2);
		}
		memcpy(y[b].qh, &qh, 4);
	}
}

static void q_q5_1(const float *x, void *dst, int64_t n)
{
	struct blk_q5_1 *y = dst;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, x += QK) {
		float lo, hi, d, id;
		uint32_t qh = 0;

		minmax(x, QK, &lo, &hi);
		d = (hi - lo) / 31;
		id = d ? 1.0f / d : 0;
		y[b].d = f32_to_f16(d);
		y[b].m = f32_to_f16(lo);
		for (j = 0; j < QK / 2; j++) {
			const int q0 = MIN(31, (int)((x[j] - lo) * id + 0.5f));
			const int q1 = MIN(31, (int)((x[j + QK / 2] - lo) * id + 0.5f));

			y[b].qs[j] = (uint8_t)((q0 & 0xF) | ((q1 & 0xF) << 4));
			qh |= (uint32_t)((q0 & 0x10) >> 4) << j;
			qh |= (uint32_t)((q1 & 0x10) >> 4) << (j + QK / 2);
		}
		memcpy(y[b].qh, &qh, 4);
	}
}

static void q_q8_0(const float *x, void *dst, int64_t n)
{
	struct blk_q8_0 *y = dst;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, x += QK) {
		float amax = 0, d, id;

		for (j = 0; j < QK; j++)
			amax = fmaxf(amax, fabsf(x[j]));
		d = amax / 127;
		id = d ? 1.0f / d : 0;
		y[b].d = f32_to_f16(d);
		for (j = 0; j < QK; j++)
			y[b].qs[j] = (int8_t)nearest(x[j] * id);
	}
}

/* q4_K and q5_K: per sub-block of 32 an affine map x = d*sc*q - dmin*m
 * with q in [0, nmax]; sc and m are 6-bit multiples of the block's d and
 * dmin. L gets the levels. */
static void k_affine(const float *x, int nmax, uint8_t *scales, uint16_t *dd, uint16_t *dm,
		     uint8_t *L)
{
	float sc[8], mn[8], max_sc = 0, max_mn = 0, d, dmin;
	uint8_t ls[8], lm[8];
	int j, l;

	for (j = 0; j < 8; j++) {
		float lo, hi;

		minmax(x + 32 * j, 32, &lo, &hi);
		lo = fminf(lo, 0);
		sc[j] = (hi - lo) / (float)nmax;
		mn[j] = -lo;
		max_sc = fmaxf(max_sc, sc[j]);
		max_mn = fmaxf(max_mn, mn[j]);
	}
	d = max_sc / 63;
	dmin = max_mn / 63;
	*dd = f32_to_f16(d);
	*dm = f32_to_f16(dmin);
	d = f16_to_f32(*dd);
	dmin = f16_to_f32(*dm);
	memset(scales, 0, 12);
	for (j = 0; j < 8; j++) {
		ls[j] = (uint8_t)MIN(63, d ? nearest(sc[j] / d) : 0);
		lm[j] = (uint8_t)MIN(63, dmin ? nearest(mn[j] / dmin) : 0);
		if (j < 4) {
			scales[j] = ls[j];
			scales[j + 4] = lm[j];
		} else {
			scales[j + 4] = (uint8_t)((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
			scales[j - 4] |= (uint8_t)((ls[j] >> 4) << 6);
			scales[j] |= (uint8_t)((lm[j] >> 4) << 6);
		}
	}
	for (j = 0; j < 8; j++) {
		const float s = d * ls[j], m = dmin * lm[j];

		for (l = 0; l < 32; l++) {
			int q = s ? nearest((x[32 * j + l] + m) / s) : 0;

			L[32 * j + l] = (uint8_t)(q < 0 ? 0 : q > nmax ? nmax : q);
		}
	}
}

static void q_q4_k(const float *x, void *dst, int64_t n)
{
	struct blk_q4_k *y = dst;
	uint8_t L[QK_K];
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++, x += QK_K) {
		uint8_t *q = y[b].qs;

		k_affine(x, 15, y[b].scales, &y[b].d, &y[b].dmin, L);
		for (j = 0; j < QK_K; j += 64, q += 32)
			for (l = 0; l < 32; l++)
				q[l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 4));
	}
}

static void q_q5_k(const float *x, void *dst, int64_t n)
{
	struct blk_q5_k *y = dst;
	uint8_t L[QK_K];
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++, x += QK_K) {
		uint8_t *ql = y[b].qs, m1 = 1, m2 = 2;

		k_affine(x, 31, y[b].scales, &y[b].d, &y[b].dmin, L);
		memset(y[b].qh, 0, sizeof(y[b].qh));
		for (j = 0; j < QK_K; j += 64, ql += 32, m1 <<= 2, m2 <<= 2)
			for (l = 0; l < 32; l++) {
				int l1 = L[j + l], l2 = L[j + l + 32];

				if (l1 > 15) {
					l1 -= 16;
					y[b].qh[l] |= m1;
				}
				if (l2 > 15) {
					l2 -= 16;
					y[b].qh[l] |= m2;
				}
				ql[l] = (uint8_t)(l1 | (l2 << 4));
			}
	}
}

static void q_q6_k(const float *x, void *dst, int64_t n)
{
	struct blk_q6_k *y = dst;
	uint8_t L[QK_K];
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++, x += QK_K) {
		float s[16], max_s = 0, d;
		uint8_t *ql = y[b].ql, *qh = y[b].qh;

		for (j = 0; j < 16; j++) {
			s[j] = signed_max(x + 16 * j, 16) / -32;
			if (fabsf(s[j]) > fabsf(max_s))
				max_s = s[j];
		}
		d = max_s / -128;
		y[b].d = f32_to_f16(d);
		d = f16_to_f32(y[b].d);
		for (j = 0; j < 16; j++) {
			const int sc = d ? MAX(-128, MIN(127, nearest(s[j] / d))) : 0;
			const float ds = d * (float)sc;

			y[b].scales[j] = (int8_t)sc;
			for (l = 0; l < 16; l++) {
				int q = ds ? nearest(x[16 * j + l] / ds) : 0;

				L[16 * j + l] = (uint8_t)(MAX(-32, MIN(31, q)) + 32);
			}
		}
		for (j = 0; j < QK_K; j += 128, ql += 64, qh += 32)
			for (l = 0; l < 32; l++) {
				const uint8_t *p = L + j + l;

				ql[l] = (uint8_t)((p[0] & 0xF) | ((p[64] & 0xF) << 4));
				ql[l + 32] = (uint8_t)((p[32] & 0xF) | ((p[96] & 0xF) << 4));
				qh[l] = (uint8_t)((p[0] >> 4) | ((p[32] >> 4) << 2) | ((p[64] >> 4) << 4) |
						  ((p[96] >> 4) << 6));
			}
	}
}

/* ---- activations ---- */

void quant_q8_ref(const float *x, void *dst, int64_t n)
{
	struct blk_q8 *y = dst;
	int64_t b;
	int j;

	for (b = 0; b < n / QK; b++, x += QK) {
		float amax = 0, id;
		int sum = 0;

		for (j = 0; j < QK; j++)
			amax = fmaxf(amax, fabsf(x[j]));
		/* d is rounded to f16 as ggml stores it, so results track
		 * llama.cpp's closely */
		y[b].d = f16_to_f32(f32_to_f16(amax / 127));
		id = amax ? 127 / amax : 0;
		for (j = 0; j < QK; j++) {
			y[b].qs[j] = (int8_t)nearest(x[j] * id);
			sum += y[b].qs[j];
		}
		y[b].s = y[b].d * (float)sum;
	}
}

void quant_q8k_ref(const float *x, void *dst, int64_t n)
{
	struct blk_q8k *y = dst;
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++, x += QK_K) {
		float amax = 0, id;

		for (j = 0; j < QK_K; j++)
			amax = fmaxf(amax, fabsf(x[j]));
		y[b].d = amax / 127;
		id = amax ? 127 / amax : 0;
		for (j = 0; j < QK_K; j++)
			y[b].qs[j] = (int8_t)nearest(x[j] * id);
		for (j = 0; j < QK_K / 16; j++) {
			int sum = 0;

			for (l = 0; l < 16; l++)
				sum += y[b].qs[16 * j + l];
			y[b].bsums[j] = (int16_t)sum;
		}
	}
}

static const struct quant_type types[GGUF_T_COUNT] = {
	[GGUF_T_F32] = {"f32", 1, 4, ACT_F32, deq_f32, q_f32},
	[GGUF_T_F16] = {"f16", 1, 2, ACT_F32, deq_f16, q_f16},
	[GGUF_T_BF16] = {"bf16", 1, 2, ACT_F32, deq_bf16, q_bf16},
	[GGUF_T_Q4_0] = {"q4_0", QK, 18, ACT_Q8, deq_q4_0, q_q4_0},
	[GGUF_T_Q4_1] = {"q4_1", QK, 20, ACT_Q8, deq_q4_1, q_q4_1},
	[GGUF_T_Q5_0] = {"q5_0", QK, 22, ACT_Q8, deq_q5_0, q_q5_0},
	[GGUF_T_Q5_1] = {"q5_1", QK, 24, ACT_Q8, deq_q5_1, q_q5_1},
	[GGUF_T_Q8_0] = {"q8_0", QK, 34, ACT_Q8, deq_q8_0, q_q8_0},
	[GGUF_T_Q4_K] = {"q4_K", QK_K, 144, ACT_Q8K, deq_q4_k, q_q4_k},
	[GGUF_T_Q5_K] = {"q5_K", QK_K, 176, ACT_Q8K, deq_q5_k, q_q5_k},
	[GGUF_T_Q6_K] = {"q6_K", QK_K, 210, ACT_Q8K, deq_q6_k, q_q6_k},
};

const struct quant_type *quant_type(uint32_t type)
{
	if (type >= GGUF_T_COUNT || !types[type].name)
		return NULL;
	return &types[type];
}

size_t quant_row_size(uint32_t type, int64_t n)
{
	const struct quant_type *t = quant_type(type);

	return t ? (size_t)(n / t->blck) * t->size : 0;
}

size_t quant_act_size(enum quant_act act, int64_t n)
{
	switch (act) {
	case ACT_Q8: return (size_t)(n / QK) * sizeof(struct blk_q8);
	case ACT_Q8K: return (size_t)(n / QK_K) * sizeof(struct blk_q8k);
	default: return (size_t)n * sizeof(float);
	}
}

size_t quant_act8_size(enum quant_act8 form, int64_t n)
{
	switch (form) {
	case ACT8_Q8: return (size_t)(n / QK) * sizeof(struct blk_q8x8);
	case ACT8_Q8W: return (size_t)(n / QK) * sizeof(struct blk_q8x8w);
	case ACT8_Q8K: return (size_t)(n / QK_K) * sizeof(struct blk_q8kx8);
	default: return 0;
	}
}

/* where element k (0..3) of group g of token t lives in a blk_q8x8w */
static size_t q8w_at(int g, int t, int k)
{
	return (size_t)g * 32 + (size_t)(t & 2) * 8 + (size_t)(t & 4) * 2 + (size_t)(t & 1) * 4 +
	       (size_t)k;
}

void quant_act8_pack(enum quant_act8 form, const void *rows, size_t row_stride, int nt, int64_t n,
		     void *out)
{
	const uint8_t *r = rows;
	int64_t b;
	int t, g, j, k;

	memset(out, 0, quant_act8_size(form, n));
	if (form == ACT8_Q8W) {
		/* via the 8-bit form of each block: its halves of 8 tokens x 4
		 * elements go to 16 bits with tokens 2 3 and 4 5 swapped */
		struct blk_q8x8w *y = out;

		for (b = 0; b < n / QK; b++) {
			struct blk_q8x8 tmp;

			memset(&tmp, 0, sizeof(tmp));
			for (t = 0; t < nt; t++) {
				const struct blk_q8 *x = (const struct blk_q8 *)(r + (size_t)t * row_stride) + b;

				y[b].d[t] = x->d;
				for (g = 0; g < QK / 4; g++)
					memcpy(&tmp.qs[g * 32 + t * 4], &x->qs[g * 4], 4);
			}
			for (g = 0; g < QK / 4; g++)
				for (k = 0; k < 8; k++) {
					const int8_t *src = tmp.qs + g * 32;
					int16_t *dst = y[b].qs + g * 32;

					dst[k] = src[k];
					dst[8 + k] = src[16 + k];
					dst[16 + k] = src[8 + k];
					dst[24 + k] = src[24 + k];
				}
		}
		return;
	}
	for (t = 0; t < nt; t++, r += row_stride) {
		if (form == ACT8_Q8) {
			const struct blk_q8 *x = (const struct blk_q8 *)r;
			struct blk_q8x8 *y = out;

			for (b = 0; b < n / QK; b++) {
				y[b].d[t] = x[b].d;
				y[b].s[t] = x[b].s;
				for (k = 0; k < QK; k++)
					y[b].isum[t] += x[b].qs[k];
				for (g = 0; g < QK / 4; g++)
					memcpy(&y[b].qs[g * 32 + t * 4], &x[b].qs[g * 4], 4);
			}
		} else if (form == ACT8_Q8K) {
			const struct blk_q8k *x = (const struct blk_q8k *)r;
			struct blk_q8kx8 *y = out;

			for (b = 0; b < n / QK_K; b++) {
				y[b].d[t] = x[b].d;
				for (j = 0; j < QK_K / 32; j++) {
					y[b].bsums[j][t][0] = x[b].bsums[2 * j];
					y[b].bsums[j][t][1] = x[b].bsums[2 * j + 1];
				}
				for (g = 0; g < QK_K / 4; g++)
					memcpy(&y[b].qs[g * 32 + t * 4], &x[b].qs[g * 4], 4);
			}
		}
	}
}

void quant_act8_unpack(enum quant_act8 form, const void *x8, int t, int64_t n, void *out)
{
	int64_t b;
	int g, j, k;

	if (form == ACT8_Q8 || form == ACT8_Q8W) {
		struct blk_q8 *y = out;

		for (b = 0; b < n / QK; b++) {
			int sum = 0;

			for (g = 0; g < QK / 4; g++)
				for (k = 0; k < 4; k++) {
					y[b].qs[g * 4 + k] =
						form == ACT8_Q8
							? ((const struct blk_q8x8 *)x8)[b].qs[g * 32 + t * 4 + k]
							: (int8_t)((const struct blk_q8x8w *)x8)[b].qs[q8w_at(g, t, k)];
					sum += y[b].qs[g * 4 + k];
				}
			y[b].d = form == ACT8_Q8 ? ((const struct blk_q8x8 *)x8)[b].d[t]
						 : ((const struct blk_q8x8w *)x8)[b].d[t];
			/* the 16-bit form keeps no sums: recomputed as quant_q8 does */
			y[b].s = form == ACT8_Q8 ? ((const struct blk_q8x8 *)x8)[b].s[t] : y[b].d * (float)sum;
		}
	} else if (form == ACT8_Q8K) {
		const struct blk_q8kx8 *x = x8;
		struct blk_q8k *y = out;

		for (b = 0; b < n / QK_K; b++) {
			y[b].d = x[b].d[t];
			for (j = 0; j < QK_K / 32; j++) {
				y[b].bsums[2 * j] = x[b].bsums[j][t][0];
				y[b].bsums[2 * j + 1] = x[b].bsums[j][t][1];
			}
			for (g = 0; g < QK_K / 4; g++)
				memcpy(&y[b].qs[g * 4], &x[b].qs[g * 32 + t * 4], 4);
		}
	}
}
