/*
 * kern_x86.c: AVX2/FMA/F16C kernels for x86-64, and the same again for
 * AVX-512 VNNI.
 *
 * Built with -mavx2 -mfma -mf16c (module.mk) and only on x86 targets, so
 * nothing here may run before kern_arch_all() has checked the CPU. Three
 * shapes of matmul, all on integers with each block's integer sum scaled
 * once in float:
 *  - dot: one row, one token, as ggml's AVX2 dots (weights unpacked to
 *    bytes, maddubs to 16-bit pairs, madd to 32-bit);
 *  - gemv (decode): dot over rows, one call for many;
 *  - gemm (prefill): a tile of rows is unpacked once into a form where
 *    each vector lane sums one of eight tokens, then multiplied with the
 *    whole batch (the section "batched matmul" below says how).
 * Zen 3, which these were tuned on, runs the integer multiplies (maddubs,
 * madd, sign) and the float FMAs on the same two pipes and broadcasts
 * from memory on the shuffle pipes, so the kernels count those.
 *
 * kern_vnni.c includes this file with KERN_VNNI set and the AVX-512
 * flags, which gives a second table ("avx512vnni") from the same code:
 * the compiler may use the 32 vector registers and EVEX forms anywhere,
 * and the integer products change where VNNI saves work:
 *  - vpdpbusd (unsigned x signed bytes, four products summed into each
 *    32-bit lane and added) replaces maddubs + madd + add: the dots and
 *    gemm's micro-kernels for the 32-element types and the k-quants;
 *  - q8_0's gemm tile holds the weights made unsigned (w + 128), the 128
 *    times the activations' sum taken off as q4_0's offset is, so it
 *    multiplies bytes (one vpdpbusd per 32 products) instead of 16-bit
 *    values (two vpmaddwd);
 *  - vpdpwssd fuses the k-quant dots' scale multiply and add.
 * The vectors stay 256 bits wide, so the code and its tiles are shared
 * and the clock is not lowered for 512-bit work. The VNNI table is
 * checked against the reference by the same tests, which run on an
 * emulated AVX-512 CPU here (tools/emu_avx512.sh).
 */
#ifndef KERN_VNNI
#define KERN_VNNI 0
#endif
#include "infer/kern.h"

#include <cpuid.h>
#include <immintrin.h>
#include <math.h>
#include <pthread.h>

/* Loops over a kernel's register tile must be unrolled for the
 * accumulators to live in registers (gcc and clang both read this). */
#define UNROLL _Pragma("GCC unroll 16")

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

/* 16 bytes of nibbles -> 32 bytes: low nibbles first, then high ones
 * (the bytes loaded into both halves, the upper half shifted by 4) */
static inline __m256i nibbles(const uint8_t *q)
{
	const __m256i t = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)q));

	return _mm256_and_si256(_mm256_srlv_epi64(t, _mm256_set_epi64x(4, 4, 0, 0)),
				_mm256_set1_epi8(0x0F));
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

/* sum of x*y over 32 bytes, x unsigned and y signed, as 8 int32 lanes
 * (x < 128 without VNNI, where maddubs would saturate its pairs) */
static inline __m256i dot_u8(__m256i x, __m256i y)
{
#if KERN_VNNI
	return _mm256_dpbusd_epi32(_mm256_setzero_si256(), x, y);
#else
	return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
#endif
}

/* the same with both signed: x's sign moved onto y */
static inline __m256i dot_i8(__m256i x, __m256i y)
{
	return dot_u8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

/* acc + madd(a, b) (16-bit pairs multiplied and summed into 32-bit lanes) */
static inline __m256i madd_add(__m256i acc, __m256i a, __m256i b)
{
#if KERN_VNNI
	return _mm256_dpwssd_epi32(acc, a, b);
#else
	return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
#endif
}

static inline __m256i loadq(const int8_t *q)
{
	return _mm256_loadu_si256((const __m256i *)q);
}

/* ---- 32-element types: each unpacks a block to signed or unsigned bytes ---- */

/* the codes of a q5_0/q5_1 block from its qh and qs, 0..31 */
static inline __m256i unpack_u5(const uint8_t *qh, const uint8_t *qs)
{
	return _mm256_or_si256(nibbles(qs), _mm256_and_si256(bits_to_bytes(qh), _mm256_set1_epi8(0x10)));
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

/* q4_0 and q5_0 with their codes unsigned (0..15, 0..31): the offset (8,
 * 16) comes off each block as d * offset * s, s the activation's sum, as
 * q4_1's min does, which saves the two sign operations (and q4_0's
 * subtraction) that signed bytes need for maddubs; decode then reads
 * these weights at closer to the memory's speed */
#define DOT_OFFSET(name, blk, codes, offset)                                                    \
	static float name(int n, const void *w, const void *xv)                                \
	{                                                                                       \
		const struct blk *a = w;                                                        \
		const struct blk_q8 *x = xv;                                                    \
		__m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;                                 \
		float off = 0;                                                                  \
		int b, nb = n / QK;                                                             \
                                                                                                \
		for (b = 0; b + 1 < nb; b += 2) {                                               \
			const float d0 = f16(a[b].d), d1 = f16(a[b + 1].d);                     \
			const __m256i s0 = dot_u8(codes(&a[b]), loadq(x[b].qs));                \
			const __m256i s1 = dot_u8(codes(&a[b + 1]), loadq(x[b + 1].qs));        \
                                                                                                \
			acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d0 * x[b].d), _mm256_cvtepi32_ps(s0), \
					       acc0);                                            \
			acc1 = _mm256_fmadd_ps(_mm256_set1_ps(d1 * x[b + 1].d),                  \
					       _mm256_cvtepi32_ps(s1), acc1);                    \
			off += d0 * x[b].s + d1 * x[b + 1].s;                                   \
		}                                                                               \
		if (b < nb) {                                                                   \
			const float d0 = f16(a[b].d);                                           \
			const __m256i s0 = dot_u8(codes(&a[b]), loadq(x[b].qs));                \
                                                                                                \
			acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d0 * x[b].d), _mm256_cvtepi32_ps(s0), \
					       acc0);                                            \
			off += d0 * x[b].s;                                                     \
		}                                                                               \
		return hsum8(_mm256_add_ps(acc0, acc1)) - (offset) * off;                       \
	}

static inline __m256i codes_q4_0(const struct blk_q4_0 *a)
{
	return nibbles(a->qs);
}

static inline __m256i codes_q5_0(const struct blk_q5_0 *a)
{
	return unpack_u5(a->qh, a->qs);
}

DOT_OFFSET(dot_q4_0, blk_q4_0, codes_q4_0, 8)
DOT_OFFSET(dot_q5_0, blk_q5_0, codes_q5_0, 16)

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
		const __m256i s = dot_u8(unpack_u5(a[b].qh, a[b].qs), loadq(x[b].qs));

		acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(a[b].d) * x[b].d), _mm256_cvtepi32_ps(s), acc);
		summ += f16(a[b].m) * x[b].s;
	}
	return hsum8(acc) + summ;
}


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
		const __m256i pl = _mm256_maddubs_epi16(lo, loadq(q8));
		const __m256i ph = _mm256_maddubs_epi16(hi, loadq(q8 + 32));

		sumi = madd_add(sumi, scale_shuffle_k4(scales, 2 * j), pl);
		sumi = madd_add(sumi, scale_shuffle_k4(scales, 2 * j + 1), ph);
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
			__m256i h1, hi;

			hmask = _mm256_slli_epi16(hmask, 1);
			h1 = _mm256_slli_epi16(_mm256_srli_epi16(_mm256_and_si256(hbits, hmask), bit + 1), 4);
			hi = _mm256_add_epi8(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
			hmask = _mm256_slli_epi16(hmask, 1);
			bit += 2;
			sumi = madd_add(sumi, scale_shuffle_k4(scales, 2 * j),
					_mm256_maddubs_epi16(lo, loadq(q8)));
			sumi = madd_add(sumi, scale_shuffle_k4(scales, 2 * j + 1),
					_mm256_maddubs_epi16(hi, loadq(q8 + 32)));
		}
		acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * f16(a[b].d)), _mm256_cvtepi32_ps(sumi), acc);
		summ += x[b].d * f16(a[b].dmin) * (float)k4_min_sum(sm, &x[b]);
	}
	return hsum8(acc) - summ;
}

/* integer part of one q6_K block; the 16 scales are sign-extended from
 * their bytes, two sub-blocks of 16 per 32 activations. The codes are
 * 0..63 for values -32..31: the offset comes off once per block as 32 *
 * (scales . bsums), the activations' sums of 16, instead of a second
 * maddubs (of 32 and the activations) for every 32 of them. */
static inline __m256i q6k_block(const struct blk_q6_k *a, const struct blk_q8k *x)
{
	const __m256i m4 = _mm256_set1_epi8(0xF), m2 = _mm256_set1_epi8(3);
	const __m128i scales = _mm_loadu_si128((const __m128i *)a->scales);
	const int8_t *q8 = x->qs;
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
			const __m256i p = _mm256_maddubs_epi16(q[k], y);

			sumi = madd_add(sumi, _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales, shuf)), p);
		}
	}
	{
		const __m256i off = _mm256_madd_epi16(_mm256_cvtepi8_epi16(scales),
						      _mm256_loadu_si256((const __m256i *)x->bsums));

		return _mm256_sub_epi32(sumi, _mm256_slli_epi32(off, 5));
	}
}

static float dot_q6_k(int n, const void *w, const void *xv)
{
	const struct blk_q6_k *a = w;
	const struct blk_q8k *x = xv;
	__m256 acc = _mm256_setzero_ps();
	int b;

	for (b = 0; b < n / QK_K; b++)
		acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * f16(a[b].d)),
				      _mm256_cvtepi32_ps(q6k_block(&a[b], &x[b])), acc);
	return hsum8(acc);
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

/* ---- gemv: a few tokens against rows (decode, drafts, short prompts) ----
 *
 * Decode is bound by reading the matrix, and the hardware prefetcher
 * alone does not keep up: it stops at each 4 KB page and restarts only
 * after a few misses, and a decode step reads a handful of small matrices
 * in turn. So gemv fetches GEMV_AHEAD bytes ahead of what it multiplies,
 * past a call's last row into the rows the next call takes (a prefetch
 * never faults). That fetch must be spread over the work: the 32-element
 * types take four rows at a time (dot4n32, sharing the activation's loads
 * and the scale work), and a burst of 50 prefetches before each group of
 * four halved their speed from memory, where one prefetch per 64 bytes
 * of each block as it is reached made them 1.6 (q4_0) and 1.2 (q8_0)
 * times as fast as a row at a time. Other types go a row at a time, the
 * row's fetch ahead issued before it.
 *
 * Several tokens share each block of the rows, unpacked once into
 * registers (four tokens per pass in groups of four rows; a row left
 * over takes up to eight): for the 32-element types that makes a batch
 * of 4 to 8 tokens faster per token than a dot per token, and faster
 * than gemm, whose tile is built for one group of eight tokens and
 * wasted on a few. */

#define GEMV_AHEAD 4096

static inline void gemv_store(float *out, size_t ldo, const float *v, int nt, bool add)
{
	for (int t = 0; t < nt; t++)
		out[(size_t)t * ldo] = add ? out[(size_t)t * ldo] + v[t] : v[t];
}

static inline void prefetch_ahead(const uint8_t *row, size_t rs)
{
	for (size_t o = 0; o < rs; o += 64)
		_mm_prefetch((const char *)row + GEMV_AHEAD + o, _MM_HINT_T0);
}

/* Types without a shared-block kernel: a dot per token, the row in L1. */
#define GEMV_BY_DOT(name, dot)                                                                   \
	static void name(int n, const void *w, size_t rs, int nr, const void *x, size_t xs,    \
			 int nt, float *out, size_t ldo, bool add)                              \
	{                                                                                        \
		const uint8_t *row = w;                                                          \
                                                                                                 \
		for (int r = 0; r < nr; r++, row += rs) {                                        \
			prefetch_ahead(row, rs);                                                 \
			for (int t = 0; t < nt; t++) {                                           \
				const float v = dot(n, row, (const uint8_t *)x + (size_t)t * xs); \
                                                                                                 \
				gemv_store(out + r + (size_t)t * ldo, ldo, &v, 1, add);          \
			}                                                                        \
		}                                                                                \
	}

GEMV_BY_DOT(gemv_q4_k, dot_q4_k)
GEMV_BY_DOT(gemv_q5_k, dot_q5_k)
GEMV_BY_DOT(gemv_q6_k, dot_q6_k)

/* the kinds of 32-element type, for gemv here and gemm's micro-kernels:
 * q8_0, or unsigned codes of 4 or 5 bits with an offset (q4_0, q5_0) or a
 * min (q4_1, q5_1) */
enum { MICRO_Q8, MICRO_Q4_0, MICRO_Q5_0, MICRO_Q4_1, MICRO_Q5_1 };

/* The bytes of one block of a 32-element type of this kind, and the
 * block's size: q8_0's made unsigned (|q|, its signs in *raw, to move onto
 * the activations), the others' codes as they are (0..15 or 0..31); *d
 * and *m get the f16 scale and (q4_1/q5_1) min. */
static inline size_t blk_size32(const int kind)
{
	return kind == MICRO_Q8 ? sizeof(struct blk_q8_0)
	       : kind == MICRO_Q4_0 ? sizeof(struct blk_q4_0)
	       : kind == MICRO_Q5_0 ? sizeof(struct blk_q5_0)
	       : kind == MICRO_Q4_1 ? sizeof(struct blk_q4_1)
				    : sizeof(struct blk_q5_1);
}

static inline __attribute__((always_inline)) __m256i unpack32(const int kind, const uint8_t *blk,
							       __m256i *raw, uint16_t *d, uint16_t *m)
{
	switch (kind) {
	case MICRO_Q8: {
		const struct blk_q8_0 *a = (const struct blk_q8_0 *)blk;

		*raw = loadq(a->qs);
		*d = a->d;
		return _mm256_sign_epi8(*raw, *raw);
	}
	case MICRO_Q4_0: {
		const struct blk_q4_0 *a = (const struct blk_q4_0 *)blk;

		*d = a->d;
		return codes_q4_0(a);
	}
	case MICRO_Q5_0: {
		const struct blk_q5_0 *a = (const struct blk_q5_0 *)blk;

		*d = a->d;
		return codes_q5_0(a);
	}
	case MICRO_Q4_1: {
		const struct blk_q4_1 *a = (const struct blk_q4_1 *)blk;

		*d = a->d;
		*m = a->m;
		return nibbles(a->qs);
	}
	default: {
		const struct blk_q5_1 *a = (const struct blk_q5_1 *)blk;

		*d = a->d;
		*m = a->m;
		return unpack_u5(a->qh, a->qs);
	}
	}
}

/* v[t] = row . x_t for nt (constant after inlining, <= 8) tokens xs
 * bytes apart, a 32-element type of this kind: each block's codes are
 * unpacked once (q8_0: made unsigned for maddubs, its sign moved onto
 * each token's bytes) and multiplied with every token; the offset of
 * q4_0/q5_0 and the min of q4_1/q5_1 go through the activations' sums,
 * as in their dots. */
static inline __attribute__((always_inline)) void dotn32(int n, const uint8_t *row,
							  const uint8_t *x, size_t xs, const int nt,
							  const int kind, float *v)
{
	__m256 acc[8];
	float off[8];
	int b, t;

	UNROLL
	for (t = 0; t < nt; t++) {
		acc[t] = _mm256_setzero_ps();
		off[t] = 0;
	}
	for (b = 0; b < n / QK; b++) {
		__m256i q, sgn = _mm256_setzero_si256();
		uint16_t dh, mh = 0;
		float d, m;

		q = unpack32(kind, row + (size_t)b * blk_size32(kind), &sgn, &dh, &mh);
		d = f16(dh);
		m = f16(mh);
		UNROLL
		for (t = 0; t < nt; t++) {
			const struct blk_q8 *xt = (const struct blk_q8 *)(x + (size_t)t * xs) + b;
			__m256i xq = loadq(xt->qs);

			if (kind == MICRO_Q8)
				xq = _mm256_sign_epi8(xq, sgn);
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * xt->d), _mm256_cvtepi32_ps(dot_u8(q, xq)),
						 acc[t]);
			if (kind != MICRO_Q8)
				off[t] += (kind == MICRO_Q4_1 || kind == MICRO_Q5_1 ? m : d) * xt->s;
		}
	}
	UNROLL
	for (t = 0; t < nt; t++) {
		v[t] = hsum8(acc[t]);
		if (kind == MICRO_Q4_0)
			v[t] -= 8 * off[t];
		else if (kind == MICRO_Q5_0)
			v[t] -= 16 * off[t];
		else if (kind != MICRO_Q8)
			v[t] += off[t];
	}
}

/* v[4 t + i] = row i (rows rs bytes apart) . x_t for rows 0..3 and nt
 * (constant after inlining, <= 4) tokens xs bytes apart, a 32-element
 * type of this kind; fetch issues the fetch ahead (the first pass over
 * the rows only). Done row by row, each block's scale work (an f16
 * converted, multiplied by the activation's scale, broadcast) and each
 * row's sum across lanes cost as much as the multiply itself, and short
 * rows (576 elements: 18 blocks) pay the sum often. Four rows at a time
 * share each activation block's load, sum their products into one vector
 * (lane i holds half of row i's), and are scaled with one multiply, one
 * FMA and one FMA for the offset or min per token. A row's value does not
 * depend on the other three, but it does on whether it is in a group of
 * four: model.c's threads split rows at multiples of 16, so a row always
 * takes the same path whatever the thread count. */
static inline __attribute__((always_inline)) void dot4n32(int n, const uint8_t *row, size_t rs,
							   const uint8_t *x, size_t xs, const int nt,
							   const int kind, bool fetch, float *v)
{
	__m256 acc[4];
	__m128 off[4];
	const size_t bs = blk_size32(kind);
	int t;

	UNROLL
	for (t = 0; t < nt; t++) {
		acc[t] = _mm256_setzero_ps();
		off[t] = _mm_setzero_ps();
	}
	for (int b = 0; b < n / QK; b++) {
		__m256i q[4], raw[4];
		uint64_t dh = 0, mh = 0; /* the rows' f16 scales (and mins), 16 bits each */
		__m128 d4, m4 = _mm_setzero_ps();

		/* the four rows' share of the fetch ahead, spread over the
		 * blocks: a burst of 50 prefetches ahead of each group of rows
		 * stalled the loads (half the speed from memory); only the
		 * first pass over the rows fetches */
		for (size_t o = 0; fetch && o < 4 * bs; o += 64)
			_mm_prefetch((const char *)row + GEMV_AHEAD + 4 * bs * (size_t)b + o, _MM_HINT_T0);
		UNROLL
		for (int i = 0; i < 4; i++) {
			uint16_t d, m = 0;

			q[i] = unpack32(kind, row + (size_t)i * rs + (size_t)b * bs, &raw[i], &d, &m);
			dh |= (uint64_t)d << 16 * i;
			mh |= (uint64_t)m << 16 * i;
		}
		d4 = _mm_cvtph_ps(_mm_cvtsi64_si128((long long)dh));
		if (kind == MICRO_Q4_1 || kind == MICRO_Q5_1)
			m4 = _mm_cvtph_ps(_mm_cvtsi64_si128((long long)mh));
		UNROLL
		for (t = 0; t < nt; t++) {
			const struct blk_q8 *xt = (const struct blk_q8 *)(x + (size_t)t * xs) + b;
			const __m256i xq = loadq(xt->qs);
			__m256i s[4];

			UNROLL
			for (int i = 0; i < 4; i++)
				s[i] = dot_u8(q[i], kind == MICRO_Q8 ? _mm256_sign_epi8(xq, raw[i]) : xq);
			{
				/* lanes: rows 0..3 in each half, the halves' sums to be added */
				const __m256i s4 = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]),
								     _mm256_hadd_epi32(s[2], s[3]));
				const __m128 dx = _mm_mul_ps(d4, _mm_set1_ps(xt->d));

				acc[t] = _mm256_fmadd_ps(_mm256_set_m128(dx, dx), _mm256_cvtepi32_ps(s4), acc[t]);
				if (kind == MICRO_Q4_0 || kind == MICRO_Q5_0)
					off[t] = _mm_fmadd_ps(d4, _mm_set1_ps(xt->s), off[t]);
				else if (kind != MICRO_Q8)
					off[t] = _mm_fmadd_ps(m4, _mm_set1_ps(xt->s), off[t]);
			}
		}
	}
	UNROLL
	for (t = 0; t < nt; t++) {
		__m128 r = _mm_add_ps(_mm256_castps256_ps128(acc[t]), _mm256_extractf128_ps(acc[t], 1));

		if (kind == MICRO_Q4_0)
			r = _mm_fnmadd_ps(_mm_set1_ps(8), off[t], r);
		else if (kind == MICRO_Q5_0)
			r = _mm_fnmadd_ps(_mm_set1_ps(16), off[t], r);
		else if (kind != MICRO_Q8)
			r = _mm_add_ps(r, off[t]);
		_mm_storeu_ps(v + 4 * t, r);
	}
}

static inline __attribute__((always_inline)) void gemv32(int n, const void *w, size_t rs, int nr,
							  const void *x, size_t xs, int nt,
							  float *out, size_t ldo, bool add,
							  const int kind, kern_dot_fn dot)
{
	const uint8_t *row = w;
	float v[16];
	int r = 0;

	/* groups of four rows, four tokens at a time */
	for (; r + 4 <= nr; r += 4, row += 4 * rs) {
		for (int t0 = 0; t0 < nt; t0 += 4) {
			const uint8_t *xt = (const uint8_t *)x + (size_t)t0 * xs;
			const int k = MIN(4, nt - t0);

			switch (k) {
			case 1: dot4n32(n, row, rs, xt, xs, 1, kind, t0 == 0, v); break;
			case 2: dot4n32(n, row, rs, xt, xs, 2, kind, t0 == 0, v); break;
			case 3: dot4n32(n, row, rs, xt, xs, 3, kind, t0 == 0, v); break;
			default: dot4n32(n, row, rs, xt, xs, 4, kind, t0 == 0, v); break;
			}
			for (int t = 0; t < k; t++)
				for (int i = 0; i < 4; i++) {
					float *o = out + r + i + (size_t)(t0 + t) * ldo;

					*o = add ? *o + v[4 * t + i] : v[4 * t + i];
				}
		}
	}
	for (; r < nr; r++, row += rs) {
		prefetch_ahead(row, rs);
		if (nt == 1) {
			v[0] = dot(n, row, x);
			gemv_store(out + r, ldo, v, 1, add);
			continue;
		}
		for (int t0 = 0; t0 < nt; t0 += 8) {
			const uint8_t *xt = (const uint8_t *)x + (size_t)t0 * xs;
			const int k = MIN(8, nt - t0);

			switch (k) {
			case 1: dotn32(n, row, xt, xs, 1, kind, v); break;
			case 2: dotn32(n, row, xt, xs, 2, kind, v); break;
			case 3: dotn32(n, row, xt, xs, 3, kind, v); break;
			case 4: dotn32(n, row, xt, xs, 4, kind, v); break;
			case 5: dotn32(n, row, xt, xs, 5, kind, v); break;
			case 6: dotn32(n, row, xt, xs, 6, kind, v); break;
			case 7: dotn32(n, row, xt, xs, 7, kind, v); break;
			default: dotn32(n, row, xt, xs, 8, kind, v); break;
			}
			gemv_store(out + r + (size_t)t0 * ldo, ldo, v, k, add);
		}
	}
}

#define GEMV32(name, kind, dot)                                                                  \
	static void name(int n, const void *w, size_t rs, int nr, const void *x, size_t xs,    \
			 int nt, float *out, size_t ldo, bool add)                              \
	{                                                                                        \
		gemv32(n, w, rs, nr, x, xs, nt, out, ldo, add, kind, dot);                       \
	}

GEMV32(gemv_q8_0, MICRO_Q8, dot_q8_0)
GEMV32(gemv_q4_0, MICRO_Q4_0, dot_q4_0)
GEMV32(gemv_q5_0, MICRO_Q5_0, dot_q5_0)
GEMV32(gemv_q4_1, MICRO_Q4_1, dot_q4_1)
GEMV32(gemv_q5_1, MICRO_Q5_1, dot_q5_1)

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

/* ---- attention ---- */

/* 8 elements of a KV cache row (f16 or f32) as floats */
static inline __m256 kv_load8(const void *base, size_t off, bool f32)
{
	return f32 ? _mm256_loadu_ps((const float *)base + off) : load_f16((const uint16_t *)base + off);
}

/* lane p = the sum of the lanes of a[p] */
static inline __m256 hsum8x8(const __m256 *a)
{
	const __m256 h0 = _mm256_hadd_ps(a[0], a[1]), h1 = _mm256_hadd_ps(a[2], a[3]);
	const __m256 h2 = _mm256_hadd_ps(a[4], a[5]), h3 = _mm256_hadd_ps(a[6], a[7]);
	const __m256 h01 = _mm256_hadd_ps(h0, h1), h23 = _mm256_hadd_ps(h2, h3);

	return _mm256_add_ps(_mm256_permute2f128_ps(h01, h23, 0x20),
			     _mm256_permute2f128_ps(h01, h23, 0x31));
}

/* out_i = sum_t p_i[t] v[t] for nh (<= 4) heads, 8 * nv dimensions at a
 * time so the nh * nv (<= 8) accumulators stay in registers and each V
 * row is converted once for all heads. Fewer heads take wider slices:
 * each accumulator is a chain of dependent FMAs, and with fewer than
 * eight the FMA latency, not its throughput, would set the pace. */
static inline __attribute__((always_inline)) void attn_values(int hd, const int nh, const int nv,
							       int n, const float *p, const void *v,
							       size_t stride, const bool f32,
							       float *out, size_t ostride)
{
	int d0, t, i, j;

	for (d0 = 0; d0 < hd; d0 += 8 * nv) {
		__m256 acc[4][8];

		UNROLL
		for (i = 0; i < nh; i++)
			UNROLL
			for (j = 0; j < nv; j++)
				acc[i][j] = _mm256_setzero_ps();
		for (t = 0; t < n; t++) {
			__m256 vv[8];

			UNROLL
			for (j = 0; j < nv; j++)
				vv[j] = kv_load8(v, (size_t)t * stride + d0 + 8 * j, f32);
			UNROLL
			for (i = 0; i < nh; i++) {
				const __m256 w = _mm256_broadcast_ss(p + (size_t)i * n + t);

				UNROLL
				for (j = 0; j < nv; j++)
					acc[i][j] = _mm256_fmadd_ps(w, vv[j], acc[i][j]);
			}
		}
		UNROLL
		for (i = 0; i < nh; i++)
			UNROLL
			for (j = 0; j < nv; j++)
				_mm256_storeu_ps(out + (size_t)i * ostride + d0 + 8 * j, acc[i][j]);
	}
}

/* s[t0..t0+np) of one head: eight positions at a time, each K row
 * converted as it is multiplied (a converted copy stored once for all
 * heads and read back cost more than converting again), the eight dot
 * products summed across lanes together (hsum8x8). Past the end (np < 8)
 * the last row stands in for the missing ones and only np are stored. */
static inline __attribute__((always_inline)) void attn_scores8(int hd, const float *qi,
								const void *k, size_t stride,
								const bool f32, int t0, int np,
								__m256 vscale, float *s)
{
	size_t off[8];
	__m256 acc[8], sum;
	int p, d;

	UNROLL
	for (p = 0; p < 8; p++) {
		off[p] = (size_t)(t0 + MIN(p, np - 1)) * stride;
		acc[p] = _mm256_setzero_ps();
	}
	for (d = 0; d < hd; d += 8) {
		const __m256 qv = _mm256_loadu_ps(qi + d);

		UNROLL
		for (p = 0; p < 8; p++)
			acc[p] = _mm256_fmadd_ps(qv, kv_load8(k, off[p] + d, f32), acc[p]);
	}
	sum = _mm256_mul_ps(hsum8x8(acc), vscale);
	if (np == 8) {
		_mm256_storeu_ps(s, sum);
	} else {
		float tmp[8];

		_mm256_storeu_ps(tmp, sum);
		memcpy(s, tmp, (size_t)np * sizeof(float));
	}
}

static void attn(int hd, int g, int n, const float *q, size_t qstride, const void *k, const void *v,
		 size_t stride, bool kv_f32, float scale, float *att, float *out, size_t ostride)
{
	const __m256 vscale = _mm256_set1_ps(scale);
	int t0, i;

	if (hd % 16) {
		kern_ref()->attn(hd, g, n, q, qstride, k, v, stride, kv_f32, scale, att, out, ostride);
		return;
	}
	for (i = 0; i < g; i++) {
		const float *qi = q + (size_t)i * qstride;
		float *s = att + (size_t)i * n;

		for (t0 = 0; t0 < n; t0 += 8) {
			if (kv_f32)
				attn_scores8(hd, qi, k, stride, true, t0, MIN(8, n - t0), vscale, s + t0);
			else
				attn_scores8(hd, qi, k, stride, false, t0, MIN(8, n - t0), vscale, s + t0);
		}
	}
	for (i = 0; i < g; i++)
		softmax(n, att + (size_t)i * n);
	for (i = 0; i < g; i += 4) {
		const float *pi = att + (size_t)i * n;
		float *oi = out + (size_t)i * ostride;

#define VALUES_NV(nh, nv)                                                                      \
	do {                                                                                     \
		if (kv_f32)                                                                      \
			attn_values(hd, nh, nv, n, pi, v, stride, true, oi, ostride);             \
		else                                                                             \
			attn_values(hd, nh, nv, n, pi, v, stride, false, oi, ostride);            \
	} while (0)
/* the widest slice of 8 / nh vectors that divides hd (a multiple of 16) */
#define VALUES(nh)                                                                              \
	do {                                                                                     \
		if (8 / (nh) >= 8 && hd % 64 == 0)                                               \
			VALUES_NV(nh, 8);                                                        \
		else if (8 / (nh) >= 4 && hd % 32 == 0)                                          \
			VALUES_NV(nh, 4);                                                        \
		else                                                                             \
			VALUES_NV(nh, 2);                                                        \
	} while (0)
		switch (MIN(4, g - i)) {
		case 1: VALUES(1); break;
		case 2: VALUES(2); break;
		case 3: VALUES(3); break;
		default: VALUES(4); break;
		}
#undef VALUES_NV
#undef VALUES
	}
}

/* ---- batched matmul: a tile of rows unpacked once, multiplied with every token ----
 *
 * A tile holds GR weight rows of KC elements in one form for all types:
 * every group of four weights in natural element order, copied into all
 * eight 32-bit lanes of a vector (unsigned bytes, the type's offset or min
 * handled per block against the activations' sums; q8_0 as 16-bit
 * values), and the scales as floats or 16-bit integers. A micro-kernel
 * then multiplies one such vector with four elements of eight tokens
 * (blk_q8x8), so each lane sums one token and no horizontal sums are
 * needed, and reads weights with plain loads (a broadcast from memory
 * costs a shuffle on Zen 3). The tile is built once per GR rows and
 * shared by every token of the batch. */

#define GR 4     /* weight rows per tile */
#define KC QK_K  /* elements per chunk of a tile */
#define TGB 32   /* groups of eight tokens per pass over a tile */

struct tile32 {
	__m256i q[GR][KC / 4];
	__m256 d[GR][KC / QK];       /* weight scale, in every lane */
	__m256 o[GR][KC / QK];       /* q4_1/q5_1: the min, factor of the activation sum s */
};

struct tilek {
	__m256i q[GR][KC / 4];
	__m256i sc[GR][KC / 16];     /* the scale of each 16 elements, in every lane (scale_lanes) */
	__m256i mn[GR][KC / 32];     /* the factors of the two bsums of each 32 elements */
	float d[GR], dmin[GR];
};

/* Any vector register: with AVX-512 the EVEX forms reach ymm16-31 too. */
#if KERN_VNNI
#define VREG "v"
#else
#define VREG "x"
#endif

/* acc + v, computed in acc's register. Written as asm because gcc,
 * given the intrinsic in an unrolled loop, computes the sum into a
 * temporary and copies it back: a move per multiply-add that costs a
 * sixth of the issue width. */
static inline __m256i acc16(__m256i acc, __m256i v)
{
	__asm__("vpaddw %1, %0, %0" : "+" VREG(acc) : VREG(v));
	return acc;
}

static inline __m256i acc32(__m256i acc, __m256i v)
{
	__asm__("vpaddd %1, %0, %0" : "+" VREG(acc) : VREG(v));
	return acc;
}

/* v, pinned in a register: gcc would otherwise reload a value for each
 * use (folding the load into the multiply), doubling the loads of a
 * micro-kernel that is bound by loads. */
static inline __m256i in_reg(__m256i v)
{
	__asm__("" : "+" VREG(v));
	return v;
}

/* acc + the products of unsigned weight bytes w and signed activation
 * bytes x: as 16-bit sums of pairs (maddubs), or with VNNI as 32-bit
 * sums of four (vpdpbusd, one instruction in place of two) */
static inline __m256i acc_u8(__m256i acc, __m256i w, __m256i x)
{
#if KERN_VNNI
	return _mm256_dpbusd_epi32(acc, w, x);
#else
	return acc16(acc, _mm256_maddubs_epi16(w, x));
#endif
}

/* acc_u8's sums as 32-bit lanes */
static inline __m256i sums32(__m256i a)
{
	return KERN_VNNI ? a : _mm256_madd_epi16(a, _mm256_set1_epi16(1));
}

/* acc + acc_u8's sums a times the scales sc (scale_lanes) */
static inline __m256i acc_scaled(__m256i acc, __m256i a, __m256i sc)
{
	return acc32(acc, KERN_VNNI ? _mm256_mullo_epi32(a, sc) : _mm256_madd_epi16(a, sc));
}

/* Groups of four per run of acc_u8 sums before they are widened or
 * scaled: bounded by the 16-bit sums without VNNI (see the callers), by
 * the block or the span of one scale with it. */
#define RUN(n16, n32) (KERN_VNNI ? (n32) : (n16))

/* dst[g] = dword g of u in all lanes */
static inline void spread(__m256i u, __m256i *dst)
{
	int g;

	UNROLL
	for (g = 0; g < 8; g++)
		dst[g] = _mm256_permutevar8x32_epi32(u, _mm256_set1_epi32(g));
}

/* Fetch bytes [off, off + len) of rows [r0, r1) of w toward the cache:
 * the next tile's weights, while this one is multiplied with the batch
 * (the unpack would otherwise wait on memory for every tile). */
static void prefetch_rows(const uint8_t *w, size_t rs, int r0, int r1, size_t off, size_t len)
{
	int r;
	size_t i;

	for (r = r0; r < r1; r++)
		for (i = 0; i < len; i += 64)
			_mm_prefetch((const char *)w + (size_t)r * rs + off + i, _MM_HINT_T0);
}

/* res[r] lanes are tokens: out[t * ldo + r] (+)= res[r][t] for r < nrr,
 * t < ntt. A 4x8 transpose in registers: storing the vectors and
 * reloading single floats would stall on store forwarding. */
static void store_tile(const __m256 *res, int nrr, int ntt, float *out, size_t ldo, bool add)
{
	const __m256 t0 = _mm256_unpacklo_ps(res[0], res[1]), t1 = _mm256_unpackhi_ps(res[0], res[1]);
	const __m256 t2 = _mm256_unpacklo_ps(res[2], res[3]), t3 = _mm256_unpackhi_ps(res[2], res[3]);
	__m256 u[4];
	int t, r;

	_Static_assert(GR == 4, "store_tile transposes four rows");
	u[0] = _mm256_shuffle_ps(t0, t2, 0x44); /* tokens 0 and 4 */
	u[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
	u[2] = _mm256_shuffle_ps(t1, t3, 0x44);
	u[3] = _mm256_shuffle_ps(t1, t3, 0xEE);
	for (t = 0; t < ntt; t++, out += ldo) {
		__m128 v = t < 4 ? _mm256_castps256_ps128(u[t]) : _mm256_extractf128_ps(u[t - 4], 1);

		if (nrr == GR) {
			if (add)
				v = _mm_add_ps(v, _mm_loadu_ps(out));
			_mm_storeu_ps(out, v);
		} else {
			float f[4];

			_mm_storeu_ps(f, v);
			for (r = 0; r < nrr; r++)
				out[r] = add ? out[r] + f[r] : f[r];
		}
	}
}

/* ---- unpacking rows [0, nr) of w, blocks [b0, b0 + nb) ---- */

typedef void (*unpack32_fn)(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t);
typedef void (*unpackk_fn)(const uint8_t *w, size_t rs, int nr, int b0, struct tilek *t);

#if KERN_VNNI
/* q8_0 with VNNI: the weights made unsigned for vpdpbusd (w + 128: the
 * sign bit flipped), the 128 * sum(x) that adds coming off through the
 * activations' sums as q4_0's offset does (micro_u32 with shift 7) */
static void unpack32_q8_0(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t)
{
	const __m256i flip = _mm256_set1_epi8((char)0x80);
	int r, b;

	for (r = 0; r < nr; r++) {
		const struct blk_q8_0 *a = (const struct blk_q8_0 *)(w + (size_t)r * rs) + b0;

		for (b = 0; b < nb; b++) {
			spread(_mm256_xor_si256(loadq(a[b].qs), flip), &t->q[r][8 * b]);
			t->d[r][b] = _mm256_set1_ps(f16(a[b].d));
		}
	}
}
#else
/* q8_0 multiplies in 16 bits (vpmaddwd: two multiplies per 32 products
 * against three for the sign trick with vpmaddubsw, and all of them
 * share two pipes on Zen 3): each group of four weights as int16,
 * repeated for each token of the vector */
static void unpack32_q8_0(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t)
{
	int r, b;

	for (r = 0; r < nr; r++) {
		const struct blk_q8_0 *a = (const struct blk_q8_0 *)(w + (size_t)r * rs) + b0;

		for (b = 0; b < nb; b++) {
			const __m256i lo = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)a[b].qs));
			const __m256i hi = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a[b].qs + 16)));

			t->q[r][8 * b + 0] = _mm256_permute4x64_epi64(lo, 0x00);
			t->q[r][8 * b + 1] = _mm256_permute4x64_epi64(lo, 0x55);
			t->q[r][8 * b + 2] = _mm256_permute4x64_epi64(lo, 0xAA);
			t->q[r][8 * b + 3] = _mm256_permute4x64_epi64(lo, 0xFF);
			t->q[r][8 * b + 4] = _mm256_permute4x64_epi64(hi, 0x00);
			t->q[r][8 * b + 5] = _mm256_permute4x64_epi64(hi, 0x55);
			t->q[r][8 * b + 6] = _mm256_permute4x64_epi64(hi, 0xAA);
			t->q[r][8 * b + 7] = _mm256_permute4x64_epi64(hi, 0xFF);
			t->d[r][b] = _mm256_set1_ps(f16(a[b].d));
		}
	}
}
#endif

static void unpack32_q4_0(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t)
{
	int r, b;

	for (r = 0; r < nr; r++) {
		const struct blk_q4_0 *a = (const struct blk_q4_0 *)(w + (size_t)r * rs) + b0;

		for (b = 0; b < nb; b++) {
			spread(nibbles(a[b].qs), &t->q[r][8 * b]);
			t->d[r][b] = _mm256_set1_ps(f16(a[b].d));
		}
	}
}

static void unpack32_q4_1(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t)
{
	int r, b;

	for (r = 0; r < nr; r++) {
		const struct blk_q4_1 *a = (const struct blk_q4_1 *)(w + (size_t)r * rs) + b0;

		for (b = 0; b < nb; b++) {
			spread(nibbles(a[b].qs), &t->q[r][8 * b]);
			t->d[r][b] = _mm256_set1_ps(f16(a[b].d));
			t->o[r][b] = _mm256_set1_ps(f16(a[b].m));
		}
	}
}

static void unpack32_q5_0(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t)
{
	int r, b;

	for (r = 0; r < nr; r++) {
		const struct blk_q5_0 *a = (const struct blk_q5_0 *)(w + (size_t)r * rs) + b0;

		for (b = 0; b < nb; b++) {
			spread(unpack_u5(a[b].qh, a[b].qs), &t->q[r][8 * b]);
			t->d[r][b] = _mm256_set1_ps(f16(a[b].d));
		}
	}
}

static void unpack32_q5_1(const uint8_t *w, size_t rs, int nr, int b0, int nb, struct tile32 *t)
{
	int r, b;

	for (r = 0; r < nr; r++) {
		const struct blk_q5_1 *a = (const struct blk_q5_1 *)(w + (size_t)r * rs) + b0;

		for (b = 0; b < nb; b++) {
			spread(unpack_u5(a[b].qh, a[b].qs), &t->q[r][8 * b]);
			t->d[r][b] = _mm256_set1_ps(f16(a[b].d));
			t->o[r][b] = _mm256_set1_ps(f16(a[b].m));
		}
	}
}

/* A k-quant scale in every lane of a vector: 16-bit lanes for vpmaddwd
 * with the 16-bit sums, or 32-bit lanes for vpmulld with VNNI's 32-bit
 * sums. */
static inline __m256i scale_lanes(int s)
{
	return KERN_VNNI ? _mm256_set1_epi32(s) : _mm256_set1_epi16((short)s);
}

/* q4_K / q5_K: 6-bit scales and mins per 32 elements */
static void k4_factors(const uint8_t *s12, struct tilek *t, int r)
{
	uint8_t sc, m;
	int j;

	for (j = 0; j < 8; j++) {
		quant_scale_min_k4(j, s12, &sc, &m);
		t->sc[r][2 * j] = t->sc[r][2 * j + 1] = scale_lanes(sc);
		t->mn[r][j] = _mm256_set1_epi16(m);
	}
}

static void unpackk_q4_k(const uint8_t *w, size_t rs, int nr, int b0, struct tilek *t)
{
	const __m256i m4 = _mm256_set1_epi8(0xF);
	int r, c;

	for (r = 0; r < nr; r++) {
		const struct blk_q4_k *a = (const struct blk_q4_k *)(w + (size_t)r * rs) + b0;

		for (c = 0; c < 4; c++) {
			const __m256i bits = _mm256_loadu_si256((const __m256i *)(a->qs + 32 * c));

			spread(_mm256_and_si256(bits, m4), &t->q[r][16 * c]);
			spread(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), &t->q[r][16 * c + 8]);
		}
		k4_factors(a->scales, t, r);
		t->d[r] = f16(a->d);
		t->dmin[r] = f16(a->dmin);
	}
}

static void unpackk_q5_k(const uint8_t *w, size_t rs, int nr, int b0, struct tilek *t)
{
	const __m256i m4 = _mm256_set1_epi8(0xF), b4 = _mm256_set1_epi8(0x10);
	int r, c;

	for (r = 0; r < nr; r++) {
		const struct blk_q5_k *a = (const struct blk_q5_k *)(w + (size_t)r * rs) + b0;
		const __m256i hb = _mm256_loadu_si256((const __m256i *)a->qh);

		for (c = 0; c < 4; c++) {
			const __m256i bits = _mm256_loadu_si256((const __m256i *)(a->qs + 32 * c));
			/* bit 2c of each qh byte to bit 4 for the low nibbles, bit 2c+1 for the high */
			const __m256i h = _mm256_srli_epi16(hb, 2 * c);

			spread(_mm256_or_si256(_mm256_and_si256(bits, m4),
					       _mm256_and_si256(_mm256_slli_epi16(h, 4), b4)),
			       &t->q[r][16 * c]);
			spread(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4),
					       _mm256_and_si256(_mm256_slli_epi16(h, 3), b4)),
			       &t->q[r][16 * c + 8]);
		}
		k4_factors(a->scales, t, r);
		t->d[r] = f16(a->d);
		t->dmin[r] = f16(a->dmin);
	}
}

/* q6_K: values 0..63 with the offset 32 moved into the bsums term
 * (mins = 32 * scale, dmin = d) */
static void unpackk_q6_k(const uint8_t *w, size_t rs, int nr, int b0, struct tilek *t)
{
	const __m256i m4 = _mm256_set1_epi8(0xF), m30 = _mm256_set1_epi8(0x30);
	int r, h, i;

	for (r = 0; r < nr; r++) {
		const struct blk_q6_k *a = (const struct blk_q6_k *)(w + (size_t)r * rs) + b0;

		for (h = 0; h < 2; h++) {
			const uint8_t *ql = a->ql + 64 * h;
			const __m256i b1 = _mm256_loadu_si256((const __m256i *)ql);
			const __m256i b2 = _mm256_loadu_si256((const __m256i *)(ql + 32));
			const __m256i bh = _mm256_loadu_si256((const __m256i *)(a->qh + 32 * h));
			__m256i *q = &t->q[r][32 * h];

			spread(_mm256_or_si256(_mm256_and_si256(b1, m4),
					       _mm256_and_si256(_mm256_slli_epi16(bh, 4), m30)),
			       q);
			spread(_mm256_or_si256(_mm256_and_si256(b2, m4),
					       _mm256_and_si256(_mm256_slli_epi16(bh, 2), m30)),
			       q + 8);
			spread(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b1, 4), m4),
					       _mm256_and_si256(bh, m30)),
			       q + 16);
			spread(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b2, 4), m4),
					       _mm256_and_si256(_mm256_srli_epi16(bh, 2), m30)),
			       q + 24);
		}
		for (i = 0; i < 16; i++)
			t->sc[r][i] = scale_lanes(a->scales[i]);
		for (i = 0; i < 8; i++)
			t->mn[r][i] = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)(32 * a->scales[2 * i]) |
								  (uint32_t)(uint16_t)(32 * a->scales[2 * i + 1]) << 16));
		t->d[r] = t->dmin[r] = f16(a->d);
	}
}

/* ---- micro-kernels: GR rows of a tile against T (1 or 2) groups of
 * eight tokens x[t], adding into res[t][GR]. Two groups share each tile
 * load; the float results stay in memory, touched once per block. ---- */

/* q8_0: 16-bit products (vpmaddwd) with activations already widened
 * (blk_q8x8w): each token's four elements give two 32-bit lanes, xl
 * holding tokens 0 1 | 4 5 and xh 2 3 | 6 7, so hadd of the two sums is
 * in token order. Widening here instead (unpack and shift) would cost
 * more than the loads, once per row tile. */
static inline __attribute__((always_inline)) void micro_q8_0(const struct tile32 *tl, int nb,
							      const struct blk_q8x8w *x, __m256 *res)
{
	int b, j, r;

	for (b = 0; b < nb; b++) {
		__m256i lo[GR], hi[GR];
		__m256 dx;

		UNROLL
		for (r = 0; r < GR; r++)
			lo[r] = hi[r] = _mm256_setzero_si256();
		UNROLL
		for (j = 0; j < QK / 4; j++) {
			const __m256i xl = in_reg(_mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * j)));
			const __m256i xh = in_reg(_mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * j + 16)));

			UNROLL
			for (r = 0; r < GR; r++) {
				const __m256i wq = in_reg(tl->q[r][8 * b + j]);

				lo[r] = acc32(lo[r], _mm256_madd_epi16(wq, xl));
				hi[r] = acc32(hi[r], _mm256_madd_epi16(wq, xh));
			}
		}
		dx = _mm256_loadu_ps(x[b].d);
		UNROLL
		for (r = 0; r < GR; r++)
			res[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_hadd_epi32(lo[r], hi[r])),
						 _mm256_mul_ps(dx, tl->d[r][b]), res[r]);
	}
}

/* unsigned weights below 2^bits: 16-bit sums over `run` groups of four
 * (run * 2 * (2^bits - 1) * 127 < 2^15; with VNNI 32-bit sums over the
 * block), each run then scaled in float. The offset of q4_0/q5_0 (8 or
 * 16: shift 3 or 4; VNNI's unsigned q8_0: 128, shift 7) comes off the
 * block's first run in integers, isum << shift, which keeps it off the
 * multiply pipes; the min of q4_1/q5_1 (shift 0) is added in float, o * s. */
static inline __attribute__((always_inline)) void micro_u32(const struct tile32 *tl, int nb, const struct blk_q8x8 *const *x,
			     __m256 (*res)[GR], const int T, const int run, const int shift)
{
	int b, j, jj, r, t;

	for (b = 0; b < nb; b++) {
		for (j = 0; j < QK / 4; j += run) {
			__m256i a[GR][2];

			UNROLL
			for (r = 0; r < GR; r++)
				a[r][0] = a[r][1] = _mm256_setzero_si256();
			UNROLL
			for (jj = j; jj < j + run; jj++) {
				__m256i xv[2];

				UNROLL
				for (t = 0; t < T; t++)
					xv[t] = in_reg(loadq(x[t][b].qs + 32 * jj));
				UNROLL
				for (r = 0; r < GR; r++) {
					const __m256i wq = in_reg(tl->q[r][8 * b + jj]);

					UNROLL
					for (t = 0; t < T; t++)
						a[r][t] = acc_u8(a[r][t], wq, xv[t]);
				}
			}
			UNROLL
			for (t = 0; t < T; t++) {
				const __m256 dx = _mm256_loadu_ps(x[t][b].d);
				const __m256i off = _mm256_slli_epi32(
					_mm256_loadu_si256((const __m256i *)x[t][b].isum), shift);

				UNROLL
				for (r = 0; r < GR; r++) {
					__m256i i32 = sums32(a[r][t]);

					if (shift && j == 0)
						i32 = _mm256_sub_epi32(i32, off);
					res[t][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i32),
								    _mm256_mul_ps(dx, tl->d[r][b]), res[t][r]);
				}
			}
		}
		UNROLL
		for (t = 0; t < T && !shift; t++) {
			const __m256 s = _mm256_loadu_ps(x[t][b].s);

			UNROLL
			for (r = 0; r < GR; r++)
				res[t][r] = _mm256_fmadd_ps(s, tl->o[r][b], res[t][r]);
		}
	}
}

/* k-quants, one super-block: 16-bit sums (VNNI: 32-bit) over `run`
 * groups of four times the scale of their 16 or 32 elements (a run never
 * spans two scales), summed in 32 bits; then d * isum - dmin * (mins . bsums). Two rows at
 * a time, so the 16- and 32-bit sums of both groups fit in registers. */
static inline __attribute__((always_inline)) void micro_k(const struct tilek *tl, const struct blk_q8kx8 *const *x,
			   __m256 (*res)[GR], const int T, const int run)
{
	int j, jj, r, r0, t;

	UNROLL
	for (t = 0; t < T; t++) {
		const __m256 dx = _mm256_loadu_ps(x[t]->d);
		__m256i acc[GR];

		UNROLL
		for (r = 0; r < GR; r++)
			acc[r] = _mm256_setzero_si256();
		for (j = 0; j < QK_K / 32; j++) {
			const __m256i bs = _mm256_loadu_si256((const __m256i *)x[t]->bsums[j]);

			UNROLL
			for (r = 0; r < GR; r++)
				acc[r] = acc32(acc[r], _mm256_madd_epi16(bs, tl->mn[r][j]));
		}
		UNROLL
		for (r = 0; r < GR; r++)
			res[t][r] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(acc[r]),
						     _mm256_mul_ps(dx, _mm256_set1_ps(tl->dmin[r])), res[t][r]);
	}
	for (r0 = 0; r0 < GR; r0 += 2) {
		__m256i acc[2][2];

		UNROLL
		for (r = 0; r < 2; r++)
			acc[r][0] = acc[r][1] = _mm256_setzero_si256();
		for (j = 0; j < QK_K / 4; j += run) {
			__m256i a[2][2];

			UNROLL
			for (r = 0; r < 2; r++)
				a[r][0] = a[r][1] = _mm256_setzero_si256();
			for (jj = j; jj < j + run; jj++) {
				__m256i xv[2];

				UNROLL
				for (t = 0; t < T; t++)
					xv[t] = in_reg(loadq(x[t]->qs + 32 * jj));
				UNROLL
				for (r = 0; r < 2; r++) {
					const __m256i wq = in_reg(tl->q[r0 + r][jj]);

					UNROLL
					for (t = 0; t < T; t++)
						a[r][t] = acc_u8(a[r][t], wq, xv[t]);
				}
			}
			UNROLL
			for (r = 0; r < 2; r++) {
				const __m256i sc = tl->sc[r0 + r][j / 4];

				UNROLL
				for (t = 0; t < T; t++)
					acc[r][t] = acc_scaled(acc[r][t], a[r][t], sc);
			}
		}
		UNROLL
		for (t = 0; t < T; t++) {
			const __m256 dx = _mm256_loadu_ps(x[t]->d);

			UNROLL
			for (r = 0; r < 2; r++)
				res[t][r0 + r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[r][t]),
								 _mm256_mul_ps(dx, _mm256_set1_ps(tl->d[r0 + r])),
								 res[t][r0 + r]);
		}
	}
}

/* micro_u32 with its constants for a kind (kind and T constant after inlining) */
static inline __attribute__((always_inline)) void micro_u32_kind(const struct tile32 *tl, int nb,
								  const struct blk_q8x8 *const *x,
								  __m256 (*res)[GR], const int T,
								  const int kind)
{
	switch (kind) {
	case MICRO_Q8: micro_u32(tl, nb, x, res, T, QK / 4, 7); break; /* VNNI only */
	case MICRO_Q4_0: micro_u32(tl, nb, x, res, T, RUN(8, QK / 4), 3); break;
	case MICRO_Q5_0: micro_u32(tl, nb, x, res, T, RUN(4, QK / 4), 4); break;
	case MICRO_Q4_1: micro_u32(tl, nb, x, res, T, RUN(8, QK / 4), 0); break;
	default: micro_u32(tl, nb, x, res, T, RUN(4, QK / 4), 0); break;
	}
}

/* ---- drivers: tiles of GR rows; per tile, blocks of TGB token groups;
 * per block, chunks of KC elements unpacked once for all its groups ---- */

/* always inlined, so each type's wrapper gets a copy with one micro-kernel */
static inline __attribute__((always_inline)) void gemm32(int n, const uint8_t *w, size_t rs, int nr,
							  const uint8_t *x, size_t xs, int nt,
							  float *out, size_t ldo, bool add,
							  unpack32_fn unpack, int kind)
{
	/* q8_0 in 16 bits (no VNNI) takes one token group at a time (its
	 * accumulators fill the registers) */
	const bool wide = kind == MICRO_Q8 && !KERN_VNNI;
	const int nbt = n / QK, ng = (nt + 7) / 8, step = wide ? 1 : 2;
	struct tile32 tl;
	__m256 acc[TGB][GR];
	int r0, g0, b0, g, r;

	for (r0 = 0; r0 < nr; r0 += GR) {
		const int nrr = MIN(GR, nr - r0);

		if (nrr < GR)
			memset(&tl, 0, sizeof(tl));
		for (g0 = 0; g0 < ng; g0 += TGB) {
			const int ngg = MIN(TGB, ng - g0);

			for (g = 0; g < ngg; g++)
				for (r = 0; r < GR; r++)
					acc[g][r] = _mm256_setzero_ps();
			for (b0 = 0; b0 < nbt; b0 += KC / QK) {
				const int nb = MIN(KC / QK, nbt - b0);

				unpack(w + (size_t)r0 * rs, rs, nrr, b0, nb, &tl);
				prefetch_rows(w, rs, r0 + GR, MIN(nr, r0 + 2 * GR), rs / nbt * b0, rs / nbt * nb);
				for (g = 0; g < ngg; g += step) {
					const uint8_t *xr = x + (size_t)(g0 + g) * xs;
					const struct blk_q8x8 *x0 = (const struct blk_q8x8 *)xr + b0;
					const struct blk_q8x8 *xg[2] = {
						x0, g + 1 < ngg ? (const struct blk_q8x8 *)((const uint8_t *)x0 + xs) : x0};

					if (wide)
						micro_q8_0(&tl, nb, (const struct blk_q8x8w *)xr + b0, acc[g]);
					else if (g + 1 < ngg)
						micro_u32_kind(&tl, nb, xg, &acc[g], 2, kind);
					else
						micro_u32_kind(&tl, nb, xg, &acc[g], 1, kind);
				}
			}
			for (g = 0; g < ngg; g++)
				store_tile(acc[g], nrr, MIN(8, nt - 8 * (g0 + g)),
					   out + (size_t)8 * (g0 + g) * ldo + r0, ldo, add);
		}
	}
}

static inline __attribute__((always_inline)) void gemmk(int n, const uint8_t *w, size_t rs, int nr,
							 const uint8_t *x, size_t xs, int nt,
							 float *out, size_t ldo, bool add,
							 unpackk_fn unpack, int run)
{
	const int nbt = n / QK_K, ng = (nt + 7) / 8;
	struct tilek tl;
	__m256 acc[TGB][GR];
	int r0, g0, b0, g, r;

	for (r0 = 0; r0 < nr; r0 += GR) {
		const int nrr = MIN(GR, nr - r0);

		if (nrr < GR)
			memset(&tl, 0, sizeof(tl));
		for (g0 = 0; g0 < ng; g0 += TGB) {
			const int ngg = MIN(TGB, ng - g0);

			for (g = 0; g < ngg; g++)
				for (r = 0; r < GR; r++)
					acc[g][r] = _mm256_setzero_ps();
			for (b0 = 0; b0 < nbt; b0++) {
				unpack(w + (size_t)r0 * rs, rs, nrr, b0, &tl);
				prefetch_rows(w, rs, r0 + GR, MIN(nr, r0 + 2 * GR), rs / nbt * b0, rs / nbt);
				for (g = 0; g < ngg; g += 2) {
					const struct blk_q8kx8 *x0 =
						(const struct blk_q8kx8 *)(x + (size_t)(g0 + g) * xs) + b0;
					const struct blk_q8kx8 *xg[2] = {
						x0, g + 1 < ngg ? (const struct blk_q8kx8 *)((const uint8_t *)x0 + xs) : x0};

					if (g + 1 < ngg)
						micro_k(&tl, xg, &acc[g], 2, run);
					else
						micro_k(&tl, xg, &acc[g], 1, run);
				}
			}
			for (g = 0; g < ngg; g++)
				store_tile(acc[g], nrr, MIN(8, nt - 8 * (g0 + g)),
					   out + (size_t)8 * (g0 + g) * ldo + r0, ldo, add);
		}
	}
}

#define GEMM32(name, unpack, kind)                                                               \
	static void name(int n, const void *w, size_t rs, int nr, const void *x, size_t xs, int nt, \
			 float *out, size_t ldo, bool add)                                          \
	{                                                                                        \
		gemm32(n, w, rs, nr, x, xs, nt, out, ldo, add, unpack, kind);                     \
	}
#define GEMMK(name, unpack, run)                                                                 \
	static void name(int n, const void *w, size_t rs, int nr, const void *x, size_t xs, int nt, \
			 float *out, size_t ldo, bool add)                                          \
	{                                                                                        \
		gemmk(n, w, rs, nr, x, xs, nt, out, ldo, add, unpack, run);                       \
	}

GEMM32(gemm_q8_0, unpack32_q8_0, MICRO_Q8)
GEMM32(gemm_q4_0, unpack32_q4_0, MICRO_Q4_0)
GEMM32(gemm_q4_1, unpack32_q4_1, MICRO_Q4_1)
GEMM32(gemm_q5_0, unpack32_q5_0, MICRO_Q5_0)
GEMM32(gemm_q5_1, unpack32_q5_1, MICRO_Q5_1)
/* runs: q4_K 8 groups (one 32-element scale), q5_K 4, q6_K 2 (16-element
 * scales); with VNNI's 32-bit sums, the span of one scale */
GEMMK(gemm_q4_k, unpackk_q4_k, 8)
GEMMK(gemm_q5_k, unpackk_q5_k, RUN(4, 8))
GEMMK(gemm_q6_k, unpackk_q6_k, RUN(2, 4))

static struct kern tbl;

static void init(void)
{
	tbl = *kern_ref();
	tbl.name = KERN_VNNI ? "avx512vnni" : "avx2";
	tbl.quant_q8 = quant_q8;
	tbl.quant_q8k = quant_q8k;
	tbl.dot[GGUF_T_F32] = dot_f32w;
	tbl.dot[GGUF_T_F16] = dot_f16w;
	tbl.dot[GGUF_T_BF16] = dot_bf16w;
	tbl.dot[GGUF_T_Q8_0] = dot_q8_0;
	tbl.dot[GGUF_T_Q4_0] = dot_q4_0;
	tbl.dot[GGUF_T_Q4_1] = dot_q4_1;
	tbl.dot[GGUF_T_Q5_0] = dot_q5_0;
	tbl.dot[GGUF_T_Q5_1] = dot_q5_1;
	tbl.dot[GGUF_T_Q4_K] = dot_q4_k;
	tbl.dot[GGUF_T_Q5_K] = dot_q5_k;
	tbl.dot[GGUF_T_Q6_K] = dot_q6_k;
	tbl.gemv[GGUF_T_Q8_0] = gemv_q8_0;
	tbl.gemv[GGUF_T_Q4_0] = gemv_q4_0;
	tbl.gemv[GGUF_T_Q4_1] = gemv_q4_1;
	tbl.gemv[GGUF_T_Q5_0] = gemv_q5_0;
	tbl.gemv[GGUF_T_Q5_1] = gemv_q5_1;
	tbl.gemv[GGUF_T_Q4_K] = gemv_q4_k;
	tbl.gemv[GGUF_T_Q5_K] = gemv_q5_k;
	tbl.gemv[GGUF_T_Q6_K] = gemv_q6_k;
	tbl.gemm[GGUF_T_Q8_0] = gemm_q8_0;
	tbl.gemm_act[GGUF_T_Q8_0] = KERN_VNNI ? ACT8_Q8 : ACT8_Q8W;
	tbl.gemm_act[GGUF_T_Q4_0] = tbl.gemm_act[GGUF_T_Q4_1] = ACT8_Q8;
	tbl.gemm_act[GGUF_T_Q5_0] = tbl.gemm_act[GGUF_T_Q5_1] = ACT8_Q8;
	tbl.gemm_act[GGUF_T_Q4_K] = tbl.gemm_act[GGUF_T_Q5_K] = tbl.gemm_act[GGUF_T_Q6_K] = ACT8_Q8K;
	/* gemm_min: from kern_bench, gemm against few at 4 to 24 tokens. A
	 * gemm tile is built for one group of eight tokens, so below eight it
	 * is mostly waste; gemv shares each block among up to eight tokens,
	 * which for q8_0 (two multiplies per 32 products either way) stays
	 * ahead of the padded gemm up to about 20 tokens (16: 24 against 20
	 * G multiply-adds/s; 24: 23 against 28). The k-quants' gemv is a dot
	 * per token. */
	tbl.gemm_min[GGUF_T_Q8_0] = 20;
#if KERN_VNNI
	/* Not measured (no VNNI CPU to time on): VNNI's q8_0 gemm does one
	 * multiply per 32 products and its gemv still three (two signs and
	 * vpdpbusd), so gemm should win from one group, as for the other
	 * 32-element types. */
	tbl.gemm_min[GGUF_T_Q8_0] = 8;
#endif
	tbl.gemm_min[GGUF_T_Q4_0] = tbl.gemm_min[GGUF_T_Q4_1] = 8;
	tbl.gemm_min[GGUF_T_Q5_0] = tbl.gemm_min[GGUF_T_Q5_1] = 8;
	tbl.gemm_min[GGUF_T_Q4_K] = tbl.gemm_min[GGUF_T_Q5_K] = tbl.gemm_min[GGUF_T_Q6_K] = 6;
	tbl.gemm[GGUF_T_Q4_0] = gemm_q4_0;
	tbl.gemm[GGUF_T_Q4_1] = gemm_q4_1;
	tbl.gemm[GGUF_T_Q5_0] = gemm_q5_0;
	tbl.gemm[GGUF_T_Q5_1] = gemm_q5_1;
	tbl.gemm[GGUF_T_Q4_K] = gemm_q4_k;
	tbl.gemm[GGUF_T_Q5_K] = gemm_q5_k;
	tbl.gemm[GGUF_T_Q6_K] = gemm_q6_k;
	tbl.attn = attn;
	tbl.to_f16 = to_f16;
	tbl.softmax = softmax;
	tbl.rmsnorm = rmsnorm;
	tbl.silu_mul = silu_mul;
}

#if KERN_VNNI
/* kern_x86.c's kern_arch_all calls this only after checking the CPU. */
const struct kern *kern_x86_vnni(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init);
	return &tbl;
}
#else
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

/* After cpu_ok: AVX-512 F, BW, VL and VNNI from cpuid, and the OS saving
 * the opmask and zmm state too (XCR0 bits 5-7). */
static bool vnni_ok(void)
{
	const unsigned need_b = bit_AVX512F | bit_AVX512BW | bit_AVX512VL;
	unsigned a, b, c, d;
	uint32_t xcr0_lo, xcr0_hi;

	__cpuid_count(7, 0, a, b, c, d);
	if ((b & need_b) != need_b || !(c & bit_AVX512VNNI))
		return false;
	__asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	return (xcr0_lo & 0xE6) == 0xE6;
}

/* The CPU checks run before any AVX instruction: this function, cpu_ok()
 * and vnni_ok() only use cpuid and xgetbv, and init() (compiled with AVX)
 * runs after them. */
int kern_arch_all(const struct kern **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const struct kern *v;
	int n = 0;

	if (!cpu_ok())
		return 0;
	if (vnni_ok() && (v = kern_x86_vnni()))
		out[n++] = v;
	pthread_once(&once, init);
	out[n++] = &tbl;
	return n;
}
#endif
