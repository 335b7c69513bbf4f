/*
 * kern_arm.c: NEON kernels for arm64 (baseline ARMv8-A: no dotprod
 * extension needed, so any arm64 CPU takes this table).
 *
 * Built only for arm64 targets (module.mk). It accelerates the types of
 * the Q8_0 and Q4_0/Q5_0 files and the float ops on the decode path; the
 * other entries keep the reference kernels, which are correct everywhere.
 * Integer dots widen 8x8 -> 16-bit products with vmull/vmlal (two products
 * of |127*127| cannot overflow 16 bits) and accumulate pairwise to 32.
 */
#include "infer/kern.h"

#include <arm_neon.h>
#include <math.h>
#include <pthread.h>

static inline int32x4_t dot16(int8x16_t a, int8x16_t b)
{
	int16x8_t p = vmull_s8(vget_low_s8(a), vget_low_s8(b));

	p = vmlal_s8(p, vget_high_s8(a), vget_high_s8(b));
	return vpaddlq_s16(p);
}

static inline int block_dot(int8x16_t a0, int8x16_t a1, const int8_t *y)
{
	return vaddvq_s32(vaddq_s32(dot16(a0, vld1q_s8(y)), dot16(a1, vld1q_s8(y + 16))));
}

static float dot_q8_0(int n, const void *w, const void *xv)
{
	const struct blk_q8_0 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b;

	for (b = 0; b < n / QK; b++) {
		const int sum = block_dot(vld1q_s8(a[b].qs), vld1q_s8(a[b].qs + 16), x[b].qs);

		s += f16_to_f32(a[b].d) * x[b].d * (float)sum;
	}
	return s;
}

static float dot_q4_0(int n, const void *w, const void *xv)
{
	const struct blk_q4_0 *a = w;
	const struct blk_q8 *x = xv;
	const int8x16_t eight = vdupq_n_s8(8);
	float s = 0;
	int b;

	for (b = 0; b < n / QK; b++) {
		const uint8x16_t v = vld1q_u8(a[b].qs);
		const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(v, vdupq_n_u8(0x0F))), eight);
		const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(v, 4)), eight);

		s += f16_to_f32(a[b].d) * x[b].d * (float)block_dot(lo, hi, x[b].qs);
	}
	return s;
}

static float dot_q5_0(int n, const void *w, const void *xv)
{
	const struct blk_q5_0 *a = w;
	const struct blk_q8 *x = xv;
	float s = 0;
	int b, j;

	for (b = 0; b < n / QK; b++) {
		const uint8x16_t v = vld1q_u8(a[b].qs);
		uint8_t h[32];
		uint32_t qh;
		int8x16_t lo, hi;

		/* the fifth bits as 0x10 bytes: 32 lanes is cheaper spelled out */
		memcpy(&qh, a[b].qh, 4);
		for (j = 0; j < 32; j++)
			h[j] = (uint8_t)(((qh >> j) & 1) << 4);
		lo = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(v, vdupq_n_u8(0x0F)), vld1q_u8(h)));
		hi = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(v, 4), vld1q_u8(h + 16)));
		lo = vsubq_s8(lo, vdupq_n_s8(16));
		hi = vsubq_s8(hi, vdupq_n_s8(16));
		s += f16_to_f32(a[b].d) * x[b].d * (float)block_dot(lo, hi, x[b].qs);
	}
	return s;
}

static float dot_f32w(int n, const void *w, const void *xv)
{
	const float *a = w, *x = xv;
	float32x4_t acc = vdupq_n_f32(0);
	float s;
	int i = 0;

	for (; i + 4 <= n; i += 4)
		acc = vfmaq_f32(acc, vld1q_f32(a + i), vld1q_f32(x + i));
	s = vaddvq_f32(acc);
	for (; i < n; i++)
		s += a[i] * x[i];
	return s;
}

static void rmsnorm(int n, const float *x, const float *w, float eps, float *o)
{
	float32x4_t acc = vdupq_n_f32(0);
	float ss, scale;
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		const float32x4_t v = vld1q_f32(x + i);

		acc = vfmaq_f32(acc, v, v);
	}
	ss = vaddvq_f32(acc);
	for (; i < n; i++)
		ss += x[i] * x[i];
	scale = 1.0f / sqrtf(ss / (float)n + eps);
	for (i = 0; i + 4 <= n; i += 4)
		vst1q_f32(o + i, vmulq_f32(vmulq_n_f32(vld1q_f32(x + i), scale), vld1q_f32(w + i)));
	for (; i < n; i++)
		o[i] = x[i] * scale * w[i];
}

static struct kern neon;

static void init(void)
{
	neon = *kern_ref();
	neon.name = "neon";
	neon.dot[GGUF_T_Q8_0] = dot_q8_0;
	neon.dot[GGUF_T_Q4_0] = dot_q4_0;
	neon.dot[GGUF_T_Q5_0] = dot_q5_0;
	neon.dot[GGUF_T_F32] = dot_f32w;
	neon.rmsnorm = rmsnorm;
}

/* NEON is part of every arm64 CPU: no feature check is needed. */
int kern_arch_all(const struct kern **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init);
	out[0] = &neon;
	return 1;
}
