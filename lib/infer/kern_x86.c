/*
 * kern_x86.c: AVX2/FMA/F16C kernels for x86-64.
 *
 * Built with -mavx2 -mfma -mf16c (module.mk) and only on x86 targets, so
 * nothing here may run before kern_arch() has checked the CPU. The
 * quantized dot products follow ggml's AVX2 ones: weights are unpacked to
 * bytes, multiplied with the 8-bit activations by maddubs (unsigned x
 * signed bytes to 16-bit pairs) and madd (to 32-bit), and each block's
 * integer sum is scaled once in float. The 4-column variants (dot4) unpack
 * a weight block once for four activation rows, which is where batched
 * prefill gets its speed.
 *
 * AVX-512/VNNI is deliberately absent: this machine has no such unit and
 * no emulator is available, and an untested path is not shipped.
 */
#include "infer/kern.h"

#include <cpuid.h>
#include <immintrin.h>
#include <math.h>
#include <pthread.h>

static inline float hsum8(__m256 x)
{
	__m128 r = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));

	r = _mm_add_ps(r, _mm_movehl_ps(r, r));
	r = _mm_add_ss(r, _mm_movehdup_ps(r));
	return _mm_cvtss_f32(r);
}

static inline int hsum8i(__m256i x)
{
	__m128i r = _mm_add_epi32(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));

	r = _mm_add_epi32(r, _mm_shuffle_epi32(r, 0x4e));
	r = _mm_add_epi32(r, _mm_shuffle_epi32(r, 0xb1));
	return _mm_cvtsi128_si32(r);
}

static inline float f16(uint16_t h)
{
	return _cvtsh_ss(h);
}

/* 16 bytes of nibbles -> 32 bytes: low nibbles first, then high ones */
static inline __m256i nibbles(const uint8_t *q)
{
	const __m128i t = _mm_loadu_si128((const __m128i *)q);

	return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(t, 4), t), _mm256_set1_epi8(0x0F));
}

/* 32 bits -> 32 bytes, 0xFF where the bit is set */
static inline __m256i bits_to_bytes(const uint8_t *p)
{
	uint32_t x;
	__m256i bytes;

	memcpy(&x, p, 4);
	bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x),
				    _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
						      0x0101010101010101, 0x0000000000000000));
	bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
	return _mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1));
}

/* sum of x*y over 32 signed bytes, as 8 int32 lanes */
static inline __m256i dot_i8(__m256i x, __m256i y)
{
	const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));

	return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

/* the same with x unsigned and small (< 128) */
static inline __m256i dot_u8(__m256i x, __m256i y)
{
	return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
}

static inline __m256i loadq(const int8_t *q)
{
	return _mm256_loadu_si256((const __m256i *)q);
}

/* ---- 32-element types: each unpacks a block to signed or unsigned bytes ---- */

static inline __m256i unpack_q4_0(const struct blk_q4_0 *a)
{
	return _mm256_sub_epi8(nibbles(a->qs), _mm256_set1_epi8(8));
}

static inline __m256i unpack_q5_0(const struct blk_q5_0 *a)
{
	const __m256i hi = _mm256_andnot_si256(bits_to_bytes(a->qh), _mm256_set1_epi8((char)0xF0));

	return _mm256_or_si256(nibbles(a->qs), hi);
}

static inline __m256i unpack_q5_1(const struct blk_q5_1 *a)
{
	const __m256i hi = _mm256_and_si256(bits_to_bytes(a->qh), _mm256_set1_epi8(0x10));

	return _mm256_or_si256(nibbles(a->qs), hi);
}

/* Two blocks per iteration into two accumulators: the fmadd chain would
 * otherwise bound a row at one block per fmadd latency. */
#define DOT_SIGNED(name, blk, unpack)                                                           \
	static float name(int n, const void *w, const void *xv)                                \
	{                                                                                       \
		const struct blk *a = w;                                                        \
		const struct blk_q8 *x = xv;                                                    \
		__m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;                                 \
		int b, nb = n / QK;                                                             \
                                                                                                \
		for (b = 0; b + 1 < nb; b += 2) {                                               \
			const __m256i s0 = dot_i8(unpack(&a[b]), loadq(x[b].qs));               \
			const __m256i s1 = dot_i8(unpack(&a[b + 1]), loadq(x[b + 1].qs));       \
                                                                                                \
			acc0 = _mm256_fmadd_ps(_mm256_set1_ps(f16(a[b].d) * x[b].d),             \
					       _mm256_cvtepi32_ps(s0), acc0);                    \
			acc1 = _mm256_fmadd_ps(_mm256_set1_ps(f16(a[b + 1].d) * x[b + 1].d),     \
					       _mm256_cvtepi32_ps(s1), acc1);                    \
		}                                                                               \
		if (b < nb) {                                                                   \
			const __m256i s0 = dot_i8(unpack(&a[b]), loadq(x[b].qs));               \
                                                                                                \
			acc0 = _mm256_fmadd_ps(_mm256_set1_ps(f16(a[b].d) * x[b].d),             \
					       _mm256_cvtepi32_ps(s0), acc0);                    \
		}                                                                               \
		return hsum8(_mm256_add_ps(acc0, acc1));                                        \
	}

static inline __m256i unpack_q8_0(const struct blk_q8_0 *a)
{
	return loadq(a->qs);
}

DOT_SIGNED(dot_q8_0, blk_q8_0, unpack_q8_0)
DOT_SIGNED(dot_q4_0, blk_q4_0, unpack_q4_0)
DOT_SIGNED(dot_q5_0, blk_q5_0, unpack_q5_0)

static float dot_q4_1(int n, const void *w, const void *xv)
{
	const struct blk_q4_1 *a = w;
	const struct blk_q8 *x = xv;
	__m256 acc = _mm256_setzero_ps();
	float summ = 0;
	int b;

	for (b = 0; b < n / QK; b++) {
		const __m256i s = dot_u8(nibbles(a[b].qs), loadq(x[b].qs));

		acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(a[b].d) * x[b].d), _mm256_cvtepi32_ps(s), acc);
		summ += f16(a[b].m) * x[b].s;
	}
	return hsum8(acc) + summ;
}

static float dot_q5_1(int n, const void *w, const void *xv)
{
	const struct blk_q5_1 *a = w;
	const struct blk_q8 *x = xv;
	__m256 acc = _mm256_setzero_ps();
	float summ = 0;
	int b;

	for (b = 0; b < n / QK; b++) {
		const __m256i s = dot_u8(unpack_q5_1(&a[b]), loadq(x[b].qs));

		acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(a[b].d) * x[b].d), _mm256_cvtepi32_ps(s), acc);
		summ += f16(a[b].m) * x[b].s;
	}
	return hsum8(acc) + summ;
}

/* dot4 for the signed 32-element types: one unpack, four activation rows */
#define DOT4_SIGNED(name, blk, unpack)                                                          \
	static void name(int n, const void *w, const void *xv, size_t xs, float *out)          \
	{                                                                                       \
		const struct blk *a = w;                                                        \
		const struct blk_q8 *x0 = xv;                                                   \
		const struct blk_q8 *x1 = (const void *)((const uint8_t *)xv + xs);             \
		const struct blk_q8 *x2 = (const void *)((const uint8_t *)xv + 2 * xs);         \
		const struct blk_q8 *x3 = (const void *)((const uint8_t *)xv + 3 * xs);         \
		__m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;                     \
		int b;                                                                          \
                                                                                                \
		for (b = 0; b < n / QK; b++) {                                                  \
			const __m256i q = unpack;                                               \
			const __m256i ax = _mm256_sign_epi8(q, q);                              \
			const __m256i one = _mm256_set1_epi16(1);                               \
			const float d = f16(a[b].d);                                            \
			__m256i p;                                                              \
                                                                                                \
			p = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(loadq(x0[b].qs), q)), one); \
			c0 = _mm256_fmadd_ps(_mm256_set1_ps(d * x0[b].d), _mm256_cvtepi32_ps(p), c0); \
			p = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(loadq(x1[b].qs), q)), one); \
			c1 = _mm256_fmadd_ps(_mm256_set1_ps(d * x1[b].d), _mm256_cvtepi32_ps(p), c1); \
			p = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(loadq(x2[b].qs), q)), one); \
			c2 = _mm256_fmadd_ps(_mm256_set1_ps(d * x2[b].d), _mm256_cvtepi32_ps(p), c2); \
			p = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(loadq(x3[b].qs), q)), one); \
			c3 = _mm256_fmadd_ps(_mm256_set1_ps(d * x3[b].d), _mm256_cvtepi32_ps(p), c3); \
		}                                                                               \
		out[0] = hsum8(c0);                                                             \
		out[1] = hsum8(c1);                                                             \
		out[2] = hsum8(c2);                                                             \
		out[3] = hsum8(c3);                                                             \
	}

DOT4_SIGNED(dot4_q8_0, blk_q8_0, loadq(a[b].qs))
DOT4_SIGNED(dot4_q4_0, blk_q4_0, unpack_q4_0(&a[b]))
DOT4_SIGNED(dot4_q5_0, blk_q5_0, unpack_q5_0(&a[b]))

/* ---- k-quants ---- */

/* The 8 scales and 8 mins of a q4_K/q5_K block as 16-bit lanes:
 * scales in the low 128 bits, mins in the high. */
static inline __m256i k4_scales_mins(const uint8_t *s12)
{
	uint32_t u[4];
	uint32_t aux;

	memcpy(u, s12, 12);
	u[3] = ((u[2] >> 4) & 0x0f0f0f0f) | (((u[1] >> 6) & 0x03030303) << 4);
	aux = u[1] & 0x3f3f3f3f;
	u[1] = (u[2] & 0x0f0f0f0f) | (((u[0] >> 6) & 0x03030303) << 4);
	u[2] = aux;
	u[0] &= 0x3f3f3f3f;
	return _mm256_cvtepu8_epi16(_mm_set_epi32((int)u[3], (int)u[2], (int)u[1], (int)u[0]));
}

/* sum over sub-blocks of min_j * (sum of the 32 activations of j) */
static inline int k4_min_sum(__m256i sm, const struct blk_q8k *x)
{
	const __m256i bs = _mm256_loadu_si256((const __m256i *)x->bsums);
	const __m128i q8s = _mm_hadd_epi16(_mm256_castsi256_si128(bs), _mm256_extracti128_si256(bs, 1));
	__m128i prod = _mm_madd_epi16(_mm256_extracti128_si256(sm, 1), q8s);

	prod = _mm_add_epi32(prod, _mm_shuffle_epi32(prod, 0x4e));
	prod = _mm_add_epi32(prod, _mm_shuffle_epi32(prod, 0xb1));
	return _mm_cvtsi128_si32(prod);
}

static inline __m256i scale_shuffle_k4(__m256i scales, int i)
{
	return _mm256_shuffle_epi8(scales, _mm256_set1_epi16((short)(((2 * i + 1) << 8) | (2 * i))));
}

/* integer part of one q4_K block against one q8_K block */
static inline __m256i q4k_block(const struct blk_q4_k *a, const int8_t *q8, __m256i scales)
{
	const uint8_t *q4 = a->qs;
	const __m256i m4 = _mm256_set1_epi8(0xF);
	__m256i sumi = _mm256_setzero_si256();
	int j;

	for (j = 0; j < QK_K / 64; j++, q4 += 32, q8 += 64) {
		const __m256i bits = _mm256_loadu_si256((const __m256i *)q4);
		const __m256i lo = _mm256_and_si256(bits, m4);
		const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
		__m256i pl = _mm256_maddubs_epi16(lo, loadq(q8));
		__m256i ph = _mm256_maddubs_epi16(hi, loadq(q8 + 32));

		pl = _mm256_madd_epi16(scale_shuffle_k4(scales, 2 * j), pl);
		ph = _mm256_madd_epi16(scale_shuffle_k4(scales, 2 * j + 1), ph);
		sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(pl, ph));
	}
	return sumi;
}

static float dot_q4_k(int n, const void *w, const void *xv)
{
	const struct blk_q4_k *a = w;
	const struct blk_q8k *x = xv;
	__m256 acc = _mm256_setzero_ps();
	float summ = 0;
	int b;

	for (b = 0; b < n / QK_K; b++) {
		const __m256i sm = k4_scales_mins(a[b].scales);
		const __m128i sc = _mm256_castsi256_si128(sm);
		const __m256i sumi = q4k_block(&a[b], x[b].qs, _mm256_set_m128i(sc, sc));

		acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * f16(a[b].d)), _mm256_cvtepi32_ps(sumi), acc);
		summ += x[b].d * f16(a[b].dmin) * (float)k4_min_sum(sm, &x[b]);
	}
	return hsum8(acc) - summ;
}

static void dot4_q4_k(int n, const void *w, const void *xv, size_t xs, float *out)
{
	const struct blk_q4_k *a = w;
	__m256 acc[4];
	float summ[4] = {0};
	int b, c;

	for (c = 0; c < 4; c++)
		acc[c] = _mm256_setzero_ps();
	for (b = 0; b < n / QK_K; b++) {
		const __m256i sm = k4_scales_mins(a[b].scales);
		const __m128i sc = _mm256_castsi256_si128(sm);
		const __m256i scales = _mm256_set_m128i(sc, sc);
		const float d = f16(a[b].d), dmin = f16(a[b].dmin);

		for (c = 0; c < 4; c++) {
			const struct blk_q8k *x =
				(const struct blk_q8k *)((const uint8_t *)xv + c * xs) + b;
			const __m256i sumi = q4k_block(&a[b], x->qs, scales);

			acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(x->d * d), _mm256_cvtepi32_ps(sumi), acc[c]);
			summ[c] += x->d * dmin * (float)k4_min_sum(sm, x);
		}
	}
	for (c = 0; c < 4; c++)
		out[c] = hsum8(acc[c]) - summ[c];
}

static float dot_q5_k(int n, const void *w, const void *xv)
{
	const struct blk_q5_k *a = w;
	const struct blk_q8k *x = xv;
	const __m256i m4 = _mm256_set1_epi8(0xF);
	__m256 acc = _mm256_setzero_ps();
	float summ = 0;
	int b, j;

	for (b = 0; b < n / QK_K; b++) {
		const __m256i sm = k4_scales_mins(a[b].scales);
		const __m128i sc = _mm256_castsi256_si128(sm);
		const __m256i scales = _mm256_set_m128i(sc, sc);
		const __m256i hbits = _mm256_loadu_si256((const __m256i *)a[b].qh);
		const uint8_t *q5 = a[b].qs;
		const int8_t *q8 = x[b].qs;
		__m256i sumi = _mm256_setzero_si256(), hmask = _mm256_set1_epi8(1);
		int bit = 0;

		for (j = 0; j < QK_K / 64; j++, q5 += 32, q8 += 64) {
			const __m256i bits = _mm256_loadu_si256((const __m256i *)q5);
			const __m256i h0 = _mm256_slli_epi16(
				_mm256_srli_epi16(_mm256_and_si256(hbits, hmask), bit), 4);
			const __m256i lo = _mm256_add_epi8(_mm256_and_si256(bits, m4), h0);
			__m256i h1, hi, pl, ph;

			hmask = _mm256_slli_epi16(hmask, 1);
			h1 = _mm256_slli_epi16(_mm256_srli_epi16(_mm256_and_si256(hbits, hmask), bit + 1), 4);
			hi = _mm256_add_epi8(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
			hmask = _mm256_slli_epi16(hmask, 1);
			bit += 2;
			pl = _mm256_madd_epi16(scale_shuffle_k4(scales, 2 * j),
					       _mm256_maddubs_epi16(lo, loadq(q8)));
			ph = _mm256_madd_epi16(scale_shuffle_k4(scales, 2 * j + 1),
					       _mm256_maddubs_epi16(hi, loadq(q8 + 32)));
			sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(pl, ph));
		}
		acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * f16(a[b].d)), _mm256_cvtepi32_ps(sumi), acc);
		summ += x[b].d * f16(a[b].dmin) * (float)k4_min_sum(sm, &x[b]);
	}
	return hsum8(acc) - summ;
}

/* integer part of one q6_K block; the 16 scales are sign-extended from
 * their bytes, two sub-blocks of 16 per 32 activations */
static inline __m256i q6k_block(const struct blk_q6_k *a, const int8_t *q8)
{
	const __m256i m4 = _mm256_set1_epi8(0xF), m2 = _mm256_set1_epi8(3);
	const __m256i m32s = _mm256_set1_epi8(32);
	const __m128i scales = _mm_loadu_si128((const __m128i *)a->scales);
	const uint8_t *q4 = a->ql, *qh = a->qh;
	__m256i sumi = _mm256_setzero_si256();
	int j, k;

	for (j = 0; j < QK_K / 128; j++, q4 += 64, qh += 32, q8 += 128) {
		const __m256i b1 = _mm256_loadu_si256((const __m256i *)q4);
		const __m256i b2 = _mm256_loadu_si256((const __m256i *)(q4 + 32));
		const __m256i bh = _mm256_loadu_si256((const __m256i *)qh);
		__m256i q[4];

		q[0] = _mm256_or_si256(_mm256_and_si256(b1, m4),
				       _mm256_slli_epi16(_mm256_and_si256(bh, m2), 4));
		q[1] = _mm256_or_si256(_mm256_and_si256(b2, m4),
				       _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bh, 2), m2), 4));
		q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b1, 4), m4),
				       _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bh, 4), m2), 4));
		q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b2, 4), m4),
				       _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bh, 6), m2), 4));
		for (k = 0; k < 4; k++) {
			const int is = 8 * j + 2 * k;
			const __m128i shuf = _mm_set_epi64x((long long)(0x0101010101010101ull * (uint64_t)(is + 1)),
							    (long long)(0x0101010101010101ull * (uint64_t)is));
			const __m256i y = loadq(q8 + 32 * k);
			__m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[k], y),
						     _mm256_maddubs_epi16(m32s, y));

			p = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales, shuf)), p);
			sumi = _mm256_add_epi32(sumi, p);
		}
	}
	return sumi;
}

static float dot_q6_k(int n, const void *w, const void *xv)
{
	const struct blk_q6_k *a = w;
	const struct blk_q8k *x = xv;
	__m256 acc = _mm256_setzero_ps();
	int b;

	for (b = 0; b < n / QK_K; b++)
		acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * f16(a[b].d)),
				      _mm256_cvtepi32_ps(q6k_block(&a[b], x[b].qs)), acc);
	return hsum8(acc);
}

static void dot4_q6_k(int n, const void *w, const void *xv, size_t xs, float *out)
{
	int c;

	/* q6_K's unpacking is cheap next to its arithmetic: no shared work */
	for (c = 0; c < 4; c++)
		out[c] = dot_q6_k(n, w, (const uint8_t *)xv + c * xs);
}

/* ---- float weights ---- */

static float dot_f32w(int n, const void *w, const void *xv)
{
	const float *a = w, *x = xv;
	__m256 c0 = _mm256_setzero_ps(), c1 = c0;
	float s;
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		c0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(x + i), c0);
		c1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(x + i + 8), c1);
	}
	s = hsum8(_mm256_add_ps(c0, c1));
	for (; i < n; i++)
		s += a[i] * x[i];
	return s;
}

static inline __m256 load_f16(const uint16_t *p)
{
	return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

static inline __m256 load_bf16(const uint16_t *p)
{
	const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));

	return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

static float dot_f16w(int n, const void *w, const void *xv)
{
	const uint16_t *a = w;
	const float *x = xv;
	__m256 c0 = _mm256_setzero_ps(), c1 = c0;
	float s;
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		c0 = _mm256_fmadd_ps(load_f16(a + i), _mm256_loadu_ps(x + i), c0);
		c1 = _mm256_fmadd_ps(load_f16(a + i + 8), _mm256_loadu_ps(x + i + 8), c1);
	}
	s = hsum8(_mm256_add_ps(c0, c1));
	for (; i < n; i++)
		s += f16(a[i]) * x[i];
	return s;
}

static float dot_bf16w(int n, const void *w, const void *xv)
{
	const uint16_t *a = w;
	const float *x = xv;
	__m256 c0 = _mm256_setzero_ps(), c1 = c0;
	float s;
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		c0 = _mm256_fmadd_ps(load_bf16(a + i), _mm256_loadu_ps(x + i), c0);
		c1 = _mm256_fmadd_ps(load_bf16(a + i + 8), _mm256_loadu_ps(x + i + 8), c1);
	}
	s = hsum8(_mm256_add_ps(c0, c1));
	for (; i < n; i++)
		s += bf16_to_f32(a[i]) * x[i];
	return s;
}

/* ---- activations ---- */

static inline float hmax8(__m256 v)
{
	__m128 m = _mm_max_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));

	m = _mm_max_ps(m, _mm_movehl_ps(m, m));
	m = _mm_max_ss(m, _mm_movehdup_ps(m));
	return _mm_cvtss_f32(m);
}

/* 32 floats times id, rounded to nearest even, to 32 bytes; returns the sum */
static inline int round_pack32(const float *x, float id, int8_t *out)
{
	const __m256 mul = _mm256_set1_ps(id);
	__m256i i0, i1, i2, i3;
	int sum;

	i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x), mul),
						_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
	i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 8), mul),
						_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
	i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 16), mul),
						_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
	i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 24), mul),
						_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
	sum = hsum8i(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
	i0 = _mm256_packs_epi32(i0, i1);
	i2 = _mm256_packs_epi32(i2, i3);
	i0 = _mm256_packs_epi16(i0, i2);
	i0 = _mm256_permutevar8x32_epi32(i0, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
	_mm256_storeu_si256((__m256i *)out, i0);
	return sum;
}

static inline __m256 abs8(const float *x)
{
	return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_loadu_ps(x));
}

static void quant_q8(const float *x, void *yv, int64_t n)
{
	struct blk_q8 *y = yv;
	int64_t b;

	for (b = 0; b < n / QK; b++, x += QK) {
		const __m256 m = _mm256_max_ps(_mm256_max_ps(abs8(x), abs8(x + 8)),
					       _mm256_max_ps(abs8(x + 16), abs8(x + 24)));
		const float amax = hmax8(m);
		int sum;

		y[b].d = f16(_cvtss_sh(amax / 127, 0));
		sum = round_pack32(x, amax ? 127 / amax : 0, y[b].qs);
		y[b].s = y[b].d * (float)sum;
	}
}

static void quant_q8k(const float *x, void *yv, int64_t n)
{
	struct blk_q8k *y = yv;
	int64_t b;
	int j, l;

	for (b = 0; b < n / QK_K; b++, x += QK_K) {
		__m256 m = _mm256_setzero_ps();
		float amax, id;

		for (j = 0; j < QK_K; j += 8)
			m = _mm256_max_ps(m, abs8(x + j));
		amax = hmax8(m);
		y[b].d = amax / 127;
		id = amax ? 127 / amax : 0;
		for (j = 0; j < QK_K; j += 32)
			round_pack32(x + j, id, y[b].qs + j);
		for (j = 0; j < QK_K / 16; j++) {
			int sum = 0;

			for (l = 0; l < 16; l++)
				sum += y[b].qs[16 * j + l];
			y[b].bsums[j] = (int16_t)sum;
		}
	}
}

/* ---- float vector ops ---- */

/* exp on 8 lanes: 2^n * p(r) with r = x - n ln2, |r| <= ln2/2, and a
 * degree-6 Taylor polynomial (relative error ~2e-7); x clamped to
 * [-87, 88] so 2^n stays a normal float. */
static inline __m256 exp8(__m256 x)
{
	const __m256 ln2_hi = _mm256_set1_ps(0.693145751953125f);
	const __m256 ln2_lo = _mm256_set1_ps(1.428606765330187e-06f);
	__m256 n, r, p;
	__m256i e;

	x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
	n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
			    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	r = _mm256_fnmadd_ps(n, ln2_hi, x);
	r = _mm256_fnmadd_ps(n, ln2_lo, r);
	p = _mm256_set1_ps(1.0f / 720);
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
	return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static void silu_mul(int n, float *g, const float *u)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		const __m256 x = _mm256_loadu_ps(g + i);
		const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
		const __m256 s = _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));

		_mm256_storeu_ps(g + i, _mm256_mul_ps(s, _mm256_loadu_ps(u + i)));
	}
	for (; i < n; i++)
		g[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

static void softmax(int n, float *x)
{
	__m256 vmax = _mm256_set1_ps(-INFINITY), vsum = _mm256_setzero_ps(), m, inv;
	float max, sum;
	int i;

	for (i = 0; i + 8 <= n; i += 8)
		vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + i));
	max = hmax8(vmax);
	for (; i < n; i++)
		max = fmaxf(max, x[i]);
	m = _mm256_set1_ps(max);
	for (i = 0; i + 8 <= n; i += 8) {
		const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));

		_mm256_storeu_ps(x + i, e);
		vsum = _mm256_add_ps(vsum, e);
	}
	sum = hsum8(vsum);
	for (; i < n; i++) {
		x[i] = expf(x[i] - max);
		sum += x[i];
	}
	inv = _mm256_set1_ps(1.0f / sum);
	for (i = 0; i + 8 <= n; i += 8)
		_mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
	for (; i < n; i++)
		x[i] /= sum;
}

static void rmsnorm(int n, const float *x, const float *w, float eps, float *o)
{
	__m256 acc = _mm256_setzero_ps(), s;
	float ss, scale;
	int i;

	for (i = 0; i + 8 <= n; i += 8) {
		const __m256 v = _mm256_loadu_ps(x + i);

		acc = _mm256_fmadd_ps(v, v, acc);
	}
	ss = hsum8(acc);
	for (; i < n; i++)
		ss += x[i] * x[i];
	scale = 1.0f / sqrtf(ss / (float)n + eps);
	s = _mm256_set1_ps(scale);
	for (i = 0; i + 8 <= n; i += 8)
		_mm256_storeu_ps(o + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), s),
						      _mm256_loadu_ps(w + i)));
	for (; i < n; i++)
		o[i] = x[i] * scale * w[i];
}

static void to_f16(int n, const float *x, uint16_t *y)
{
	int i = 0;

	for (; i + 8 <= n; i += 8)
		_mm_storeu_si128((__m128i *)(y + i),
				 _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
	for (; i < n; i++)
		y[i] = f32_to_f16(x[i]);
}

static void attn_scores(int hd, int n, const float *q, const void *k, size_t stride, bool kv_f32,
			float scale, float *out)
{
	int t;

	if (kv_f32 || hd % 16) {
		kern_ref()->attn_scores(hd, n, q, k, stride, kv_f32, scale, out);
		return;
	}
	for (t = 0; t < n; t++)
		out[t] = scale * dot_f16w(hd, (const uint16_t *)k + (size_t)t * stride, q);
}

static void attn_values(int hd, int n, const float *p, const void *v, size_t stride, bool kv_f32,
			float *out)
{
	__m256 acc[16];
	int t, i;

	if (kv_f32 || hd % 8 || hd > 128) {
		kern_ref()->attn_values(hd, n, p, v, stride, kv_f32, out);
		return;
	}
	for (i = 0; i < hd / 8; i++)
		acc[i] = _mm256_setzero_ps();
	for (t = 0; t < n; t++) {
		const uint16_t *x = (const uint16_t *)v + (size_t)t * stride;
		const __m256 w = _mm256_set1_ps(p[t]);

		for (i = 0; i < hd / 8; i++)
			acc[i] = _mm256_fmadd_ps(w, load_f16(x + 8 * i), acc[i]);
	}
	for (i = 0; i < hd / 8; i++)
		_mm256_storeu_ps(out + 8 * i, acc[i]);
}

static struct kern avx2;

static void init(void)
{
	avx2 = *kern_ref();
	avx2.name = "avx2";
	avx2.quant_q8 = quant_q8;
	avx2.quant_q8k = quant_q8k;
	avx2.dot[GGUF_T_F32] = dot_f32w;
	avx2.dot[GGUF_T_F16] = dot_f16w;
	avx2.dot[GGUF_T_BF16] = dot_bf16w;
	avx2.dot[GGUF_T_Q8_0] = dot_q8_0;
	avx2.dot[GGUF_T_Q4_0] = dot_q4_0;
	avx2.dot[GGUF_T_Q4_1] = dot_q4_1;
	avx2.dot[GGUF_T_Q5_0] = dot_q5_0;
	avx2.dot[GGUF_T_Q5_1] = dot_q5_1;
	avx2.dot[GGUF_T_Q4_K] = dot_q4_k;
	avx2.dot[GGUF_T_Q5_K] = dot_q5_k;
	avx2.dot[GGUF_T_Q6_K] = dot_q6_k;
	avx2.dot4[GGUF_T_Q8_0] = dot4_q8_0;
	avx2.dot4[GGUF_T_Q4_0] = dot4_q4_0;
	avx2.dot4[GGUF_T_Q5_0] = dot4_q5_0;
	avx2.dot4[GGUF_T_Q4_K] = dot4_q4_k;
	avx2.dot4[GGUF_T_Q6_K] = dot4_q6_k;
	avx2.attn_scores = attn_scores;
	avx2.attn_values = attn_values;
	avx2.to_f16 = to_f16;
	avx2.softmax = softmax;
	avx2.rmsnorm = rmsnorm;
	avx2.silu_mul = silu_mul;
}

/* AVX2, FMA and F16C from cpuid, and the OS saving the ymm registers
 * (OSXSAVE and XCR0 bits 1-2). */
static bool cpu_ok(void)
{
	unsigned a, b, c, d;
	uint32_t xcr0_lo, xcr0_hi;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	if (!(c & bit_FMA) || !(c & bit_F16C) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return false;
	__asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	if ((xcr0_lo & 6) != 6)
		return false;
	if (__get_cpuid_max(0, NULL) < 7)
		return false;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & bit_AVX2) != 0;
}

/* The CPU check runs before any AVX instruction: this function and
 * cpu_ok() only use cpuid and xgetbv, and init() (compiled with AVX) runs
 * after them. */
const struct kern *kern_arch(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (!cpu_ok())
		return NULL;
	pthread_once(&once, init);
	return &avx2;
}
