/*
 * kern.h: the compute kernels, as a table of function pointers.
 *
 * kern_ref.c fills the table with portable C for every operation. The
 * per-architecture files (kern_x86.c: AVX2/FMA/F16C, built a second time
 * as kern_vnni.c for AVX-512 VNNI; kern_arm.c: NEON) start from a copy of
 * the reference table and replace the entries they accelerate, with
 * identical signatures. kern_get() picks the best table once, from CPU
 * features, unless CARO_KERNELS names another (ref, avx2, ...).
 *
 * Conventions:
 *  - dot[type](n, w, x) is the dot product of one weight row of n elements
 *    in that ggml type with one activation row in the type's activation
 *    format (quant_type(type)->act): blk_q8 for 32-element types, blk_q8k
 *    for k-quants, floats for f32/f16/bf16. n is a multiple of the block.
 *  - gemv[type](n, w, row_size, nr, x, xstride, nt, out, ldo, add) is
 *    out[t * ldo + r] = dot(row r, x_t), or += when add, for the nr rows
 *    at w (row_size bytes apart) and nt tokens in the type's activation
 *    format, x_t = x + t * xstride: decode (nt = 1, exactly dot), and the
 *    few tokens of a draft or a short prompt, each row read once for all
 *    of them. NULL entries mean "dot per row and token".
 *  - gemm_min[type]: batches of at least this many tokens go through
 *    gemm, smaller ones through gemv (0: the engine's default), set from
 *    where the one overtakes the other on the CPU the table is for.
 *  - gemm[type](n, w, row_size, nr, x, xstride, nt, out, ldo, add) is a
 *    batched matmul: for the nr weight rows at w (row_size bytes apart)
 *    and the nt tokens of x, given in the eight-token activation form
 *    gemm_act[type] (quant.h; tokens 8g..8g+7 at x + g * xstride),
 *    out[t * ldo + r] = dot(row r, token t), or += when add. It computes
 *    what dot does (the same integers per block, scaled in float) with
 *    the work arranged for reuse: a tile of rows is unpacked once and
 *    multiplied with every token. NULL entries mean "dot per row and
 *    token".
 *  - The float vector ops take any n (tails are handled).
 */
#ifndef CARO_KERN_H
#define CARO_KERN_H

#include "infer/quant.h"

typedef float (*kern_dot_fn)(int n, const void *w, const void *x);
typedef void (*kern_gemv_fn)(int n, const void *w, size_t row_size, int nr, const void *x,
			    size_t xstride, int nt, float *out, size_t ldo, bool add);
typedef void (*kern_gemm_fn)(int n, const void *w, size_t row_size, int nr, const void *x,
			    size_t xstride, int nt, float *out, size_t ldo, bool add);

struct kern {
	const char *name;
	/* activation quantizers: n % 32 == 0 (q8), n % 256 == 0 (q8k) */
	void (*quant_q8)(const float *x, void *y, int64_t n);
	void (*quant_q8k)(const float *x, void *y, int64_t n);
	kern_dot_fn dot[GGUF_T_COUNT];
	kern_gemv_fn gemv[GGUF_T_COUNT];
	kern_gemm_fn gemm[GGUF_T_COUNT];
	enum quant_act8 gemm_act[GGUF_T_COUNT];
	unsigned char gemm_min[GGUF_T_COUNT];
	/* attention of g query heads that share one KV head, over n cached
	 * positions `stride` elements apart (f16, or f32 with kv_f32): for
	 * each head i, s[t] = scale * (q_i . k[t]), p = softmax(s), and
	 * out_i = sum_t p[t] * v[t]. q_i = q + i * qstride, out_i = out + i *
	 * ostride, hd elements each; att is scratch for g * n floats. The
	 * heads are done together so each K and V row is read and converted
	 * once for all of them. */
	void (*attn)(int hd, int g, int n, const float *q, size_t qstride, const void *k,
		     const void *v, size_t stride, bool kv_f32, float scale, float *att, float *out,
		     size_t ostride);
	void (*to_f16)(int n, const float *x, uint16_t *y);
	/* x = exp(x - max) / sum, in place */
	void (*softmax)(int n, float *x);
	/* o = x / rms(x) * w; o may be x */
	void (*rmsnorm)(int n, const float *x, const float *w, float eps, float *o);
	/* g = silu(g) * u */
	void (*silu_mul)(int n, float *g, const float *u);
};

/* The reference table (always available). */
const struct kern *kern_ref(void);
/* The best table for this CPU, chosen on first call; CARO_KERNELS=NAME
 * picks the table of that name instead when this CPU runs it ("ref": the
 * reference; an unknown name is ignored). Thread-safe after the first
 * call returns. */
const struct kern *kern_get(void);

#define KERN_ARCH_MAX 4
/* The architecture tables this CPU runs, best first, into out (room for
 * KERN_ARCH_MAX); returns how many (0 when none is built for this
 * architecture or the CPU lacks the features). kern_x86.c / kern_arm.c. */
int kern_arch_all(const struct kern **out);
#if defined(__x86_64__)
/* The AVX-512 VNNI table (kern_vnni.c), for kern_x86.c once it has
 * checked the CPU: NULL in a build without the VNNI flags. */
const struct kern *kern_x86_vnni(void);
#endif

#endif
