/*
 * quant.h: tensor block layouts, number conversions and the type table.
 *
 * The weight blocks are ggml's, byte for byte: a GGUF file's tensor data is
 * an array of these structs, so each layout is pinned with _Static_assert.
 * The activation blocks (blk_q8, blk_q8k) are ours: activations are
 * quantized to 8 bits per matmul so the dot products run on integers.
 *
 * The type table (quant_types[], indexed by ggml type id) is the one place
 * that says, per tensor type, how to dequantize a row, how to quantize one
 * (for tools/gguf_write and tests), and which activation format its dot
 * product takes. Adding a type means a row there, its kernels, and a test.
 */
#ifndef CARO_QUANT_H
#define CARO_QUANT_H

#include "common.h"
#include "infer/gguf.h"

#define QK 32    /* elements per block of the 32-element types */
#define QK_K 256 /* elements per super-block of the k-quants */

struct blk_q4_0 {
	uint16_t d;          /* f16 scale */
	uint8_t qs[QK / 2];  /* nibbles: element j low, element j+16 high */
};
struct blk_q4_1 {
	uint16_t d, m;       /* f16 scale and min */
	uint8_t qs[QK / 2];
};
struct blk_q5_0 {
	uint16_t d;
	uint8_t qh[4];       /* fifth bits, element j at bit j */
	uint8_t qs[QK / 2];
};
struct blk_q5_1 {
	uint16_t d, m;
	uint8_t qh[4];
	uint8_t qs[QK / 2];
};
struct blk_q8_0 {
	uint16_t d;
	int8_t qs[QK];
};
struct blk_q4_k {
	uint16_t d, dmin;    /* super-block scales of the 6-bit scales and mins */
	uint8_t scales[12];  /* 8 scales and 8 mins, 6 bits each */
	uint8_t qs[QK_K / 2];
};
struct blk_q5_k {
	uint16_t d, dmin;
	uint8_t scales[12];
	uint8_t qh[QK_K / 8];
	uint8_t qs[QK_K / 2];
};
struct blk_q6_k {
	uint8_t ql[QK_K / 2]; /* low 4 bits */
	uint8_t qh[QK_K / 4]; /* high 2 bits */
	int8_t scales[QK_K / 16];
	uint16_t d;
};

/* Activations for the 32-element types: d scales qs; s = d * sum(qs),
 * which the types with a min (q4_1, q5_1) and an offset (q4_0, q5_0)
 * need. */
struct blk_q8 {
	float d, s;
	int8_t qs[QK];
};
/* Activations for the k-quants (ggml's q8_K): bsums are sums of 16. */
struct blk_q8k {
	float d;
	int8_t qs[QK_K];
	int16_t bsums[QK_K / 16];
};

/* The same activations for eight tokens at once, for the batched matmul
 * kernels (kern.h gemm): element k of token t is qs[(k / 4) * 32 + t * 4 +
 * k % 4], so one 32-byte load holds four consecutive elements of all eight
 * tokens, and a product with one weight row's four elements broadcast to
 * every lane sums per token. Scales and sums are per token. Tokens past
 * the end of a batch are zero. */
struct blk_q8x8 {
	float d[8], s[8];
	int32_t isum[8]; /* sum(qs) per token: s = d * isum */
	int8_t qs[QK * 8];
};
/* The same widened to 16 bits for kernels that multiply in 16 bits
 * (vpmaddwd): per group of four elements, 16 values for tokens 0 1 4 5
 * then 16 for tokens 2 3 6 7 (each token's four elements together): a
 * vector whose 128-bit halves each hold two tokens. */
struct blk_q8x8w {
	float d[8];
	int16_t qs[QK * 8];
};
/* bsums[j][t][h]: sum of the 16 elements 32j + 16h .. of token t, so one
 * madd with a pair of per-16 factors gives a per-token sum for 32. */
struct blk_q8kx8 {
	float d[8];
	int16_t bsums[QK_K / 32][8][2];
	int8_t qs[QK_K * 8];
};

_Static_assert(sizeof(struct blk_q4_0) == 18, "q4_0 layout");
_Static_assert(sizeof(struct blk_q4_1) == 20, "q4_1 layout");
_Static_assert(sizeof(struct blk_q5_0) == 22, "q5_0 layout");
_Static_assert(sizeof(struct blk_q5_1) == 24, "q5_1 layout");
_Static_assert(sizeof(struct blk_q8_0) == 34, "q8_0 layout");
_Static_assert(sizeof(struct blk_q4_k) == 144, "q4_K layout");
_Static_assert(sizeof(struct blk_q5_k) == 176, "q5_K layout");
_Static_assert(sizeof(struct blk_q6_k) == 210, "q6_K layout");
_Static_assert(sizeof(struct blk_q8) == 40, "q8 activation layout");
_Static_assert(sizeof(struct blk_q8k) == 292, "q8_K activation layout");
_Static_assert(sizeof(struct blk_q8x8) == 352, "q8 x8 activation layout");
_Static_assert(sizeof(struct blk_q8x8w) == 544, "q8 x8 16-bit activation layout");
_Static_assert(sizeof(struct blk_q8kx8) == 2336, "q8_K x8 activation layout");

/* The activation format a weight type's dot product takes. */
enum quant_act {
	ACT_F32,  /* plain floats (f32, f16, bf16 weights) */
	ACT_Q8,   /* struct blk_q8 per 32 */
	ACT_Q8K,  /* struct blk_q8k per 256 */
};

typedef void (*quant_dequant_fn)(const void *src, float *dst, int64_t n);
typedef void (*quant_quant_fn)(const float *src, void *dst, int64_t n);

struct quant_type {
	const char *name;
	uint32_t blck, size;       /* elements and bytes per block */
	enum quant_act act;
	quant_dequant_fn dequant;  /* n is a multiple of blck */
	quant_quant_fn quant;      /* NULL: cannot be written */
};

/* The row for a ggml type id, or NULL when the engine does not compute
 * with that type (the GGUF reader knows more types than we run). */
const struct quant_type *quant_type(uint32_t type);

/* Bytes of one row of n elements in a type (n a multiple of blck). */
size_t quant_row_size(uint32_t type, int64_t n);
/* Bytes of the activation form of a row of n elements. */
size_t quant_act_size(enum quant_act act, int64_t n);

/* The eight-token forms of activations, and the per-token form each is
 * made from (ACT_Q8 for the first two, ACT_Q8K for the last). */
enum quant_act8 {
	ACT8_NONE,
	ACT8_Q8,  /* struct blk_q8x8 per 32 */
	ACT8_Q8W, /* struct blk_q8x8w per 32 */
	ACT8_Q8K, /* struct blk_q8kx8 per 256 */
	ACT8_COUNT
};

/* Bytes of the eight-token form of rows of n elements (0 for ACT8_NONE). */
size_t quant_act8_size(enum quant_act8 form, int64_t n);
/* Interleave nt <= 8 token rows of quantized activations (the per-token
 * form, row_stride bytes apart, n elements each) into the eight-token
 * form at out; tokens nt..7 are zero. */
void quant_act8_pack(enum quant_act8 form, const void *rows, size_t row_stride, int nt, int64_t n,
		     void *out);
/* The inverse for one token: token t's n elements back to the per-token
 * form (tests use it). */
void quant_act8_unpack(enum quant_act8 form, const void *x8, int t, int64_t n, void *out);

/* Reference activation quantizers (the kernels have their own). */
void quant_q8_ref(const float *x, void *y, int64_t n);
void quant_q8k_ref(const float *x, void *y, int64_t n);

static inline uint32_t f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static inline float f32_from_bits(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/* IEEE half <-> float, exact for every half and round-to-nearest-even the
 * other way (the FP16 library's branch-free method, as ggml uses). */
static inline float f16_to_f32(uint16_t h)
{
	const uint32_t w = (uint32_t)h << 16;
	const uint32_t sign = w & 0x80000000u;
	const uint32_t two_w = w + w;
	const float normalized = f32_from_bits((two_w >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
	const float denormalized = f32_from_bits((two_w >> 17) | (126u << 23)) - 0.5f;

	return f32_from_bits(sign | (two_w < (1u << 27) ? f32_bits(denormalized) : f32_bits(normalized)));
}

static inline uint16_t f32_to_f16(float f)
{
	float base = (f < 0 ? -f : f) * 0x1.0p+112f * 0x1.0p-110f;
	const uint32_t w = f32_bits(f);
	const uint32_t shl1_w = w + w;
	const uint32_t sign = w & 0x80000000u;
	uint32_t bias = shl1_w & 0xFF000000u, bits;

	if (bias < 0x71000000u)
		bias = 0x71000000u;
	base = f32_from_bits((bias >> 1) + 0x07800000u) + base;
	bits = f32_bits(base);
	return (uint16_t)((sign >> 16) |
			  (shl1_w > 0xFF000000u ? 0x7E00u
						: ((bits >> 13) & 0x00007C00u) + (bits & 0x00000FFFu)));
}

static inline float bf16_to_f32(uint16_t h)
{
	return f32_from_bits((uint32_t)h << 16);
}

static inline uint16_t f32_to_bf16(float f)
{
	uint32_t u = f32_bits(f);

	if ((u & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((u >> 16) | 64); /* quiet NaN */
	return (uint16_t)((u + (0x7fffu + ((u >> 16) & 1))) >> 16);
}

/* The 6-bit scale and min j (0..7) of a q4_K/q5_K block. */
static inline void quant_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m)
{
	if (j < 4) {
		*d = q[j] & 63;
		*m = q[j + 4] & 63;
	} else {
		*d = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
		*m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
	}
}

#endif
