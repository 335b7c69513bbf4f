/*
 * gguf_write: write a random-weight llama/qwen2 GGUF model with given
 * hyper-parameters and tensor types, for benchmarks and tests (the speed
 * of a model does not depend on its weights).
 *
 *   gguf_write OUT.gguf [--preset NAME] [--arch llama|qwen2] [--vocab N]
 *              [--embd N] [--layers N] [--heads N] [--kv-heads N] [--ff N]
 *              [--ctx N] [--rope-base F] [--tied|--untied] [--qkv-bias]
 *              [--type TYPE] [--vocab-from FILE.gguf] [--seed S]
 *
 * TYPE is f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k
 * (every 2-D tensor in that type; the output, or token_embd when tied,
 * gets q6_K as llama.cpp does unless TYPE is q8_0 or a float), or q4_k_m,
 * llama.cpp's mixed recipe: q4_K, with q6_K for the output and for
 * attn_v/ffn_down in the layers llama.cpp's use_more_bits() picks. A
 * tensor whose rows are not a multiple of 256 falls back as llama.cpp's
 * does: q4_K to q5_0, q5_K to q5_1, q6_K to q8_0.
 *
 * Presets: smollm2-135m, smollm2-360m, qwen2.5-0.5b, qwen2.5-1.5b, tiny.
 * --vocab-from copies every tokenizer.* key (tokens, merges, scores, ids,
 * chat template) from another GGUF file, so the model is usable end to
 * end; the vocabulary size then follows that file. --chatml then makes
 * tokens 1 and 2 <|im_start|> and <|im_end|> (EOS) and sets SmolLM2's
 * ChatML chat template, as SmolLM2's own vocabulary has them, so a
 * vocabulary without them (StarCoder's) tokenizes chat prompts the way
 * the real model does.
 */
#include "buf.h"
#include "err.h"
#include "infer/gguf_writer.h"
#include "infer/quant.h"

#include <math.h>

#define KEY_IS(kv, k) ((kv)->key.len == strlen(k) && !memcmp((kv)->key.s, k, strlen(k)))

struct hp {
	const char *name, *arch;
	int vocab, embd, layers, heads, kv_heads, ff, ctx;
	float rope_base, eps;
	bool tied, qkv_bias;
};

static const struct hp presets[] = {
	{"smollm2-135m", "llama", 49152, 576, 30, 9, 3, 1536, 8192, 100000, 1e-5f, true, false},
	{"smollm2-360m", "llama", 49152, 960, 32, 15, 5, 2560, 8192, 100000, 1e-5f, true, false},
	{"qwen2.5-0.5b", "qwen2", 151936, 896, 24, 14, 2, 4864, 32768, 1e6f, 1e-6f, true, true},
	{"qwen2.5-1.5b", "qwen2", 151936, 1536, 28, 12, 2, 8960, 32768, 1e6f, 1e-6f, true, true},
	{"tiny", "llama", 1024, 256, 2, 4, 2, 512, 2048, 10000, 1e-5f, false, false},
};

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static float frand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (float)((double)(rng_state >> 40) * 0x1.0p-24 * 2 - 1);
}

static int parse_type(const char *s, uint32_t *t)
{
	static const struct {
		const char *name;
		uint32_t type;
	} names[] = {
		{"f32", GGUF_T_F32},   {"f16", GGUF_T_F16},   {"bf16", GGUF_T_BF16},
		{"q8_0", GGUF_T_Q8_0}, {"q4_0", GGUF_T_Q4_0}, {"q4_1", GGUF_T_Q4_1},
		{"q5_0", GGUF_T_Q5_0}, {"q5_1", GGUF_T_Q5_1}, {"q4_k", GGUF_T_Q4_K},
		{"q5_k", GGUF_T_Q5_K}, {"q6_k", GGUF_T_Q6_K}, {"q4_k_m", GGUF_T_COUNT},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			*t = names[i].type;
			return 0;
		}
	return -1;
}

/* llama.cpp's convert_incompatible_tensor for rows not a multiple of 256 */
static uint32_t fallback(uint32_t t, int n_in)
{
	if (n_in % QK_K == 0)
		return t;
	switch (t) {
	case GGUF_T_Q4_K: return GGUF_T_Q5_0;
	case GGUF_T_Q5_K: return GGUF_T_Q5_1;
	case GGUF_T_Q6_K: return GGUF_T_Q8_0;
	default: return t;
	}
}

static bool use_more_bits(int i, int n)
{
	return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

struct tensor {
	char name[64];
	uint32_t type;
	int n_in, n_out; /* n_out = 1 for vectors */
	float scale;     /* uniform(-scale, scale); 0: all ones (norms) */
};

static uint32_t pick(uint32_t ftype, const char *role, int layer, int n_layer, int n_in, bool out)
{
	uint32_t t;

	if (ftype != GGUF_T_COUNT) {
		t = ftype;
		if (out && t != GGUF_T_Q8_0 && t != GGUF_T_F32 && t != GGUF_T_F16 && t != GGUF_T_BF16)
			t = GGUF_T_Q6_K;
	} else if (out) {
		t = GGUF_T_Q6_K;
	} else if ((!strcmp(role, "attn_v") || !strcmp(role, "ffn_down")) &&
		   use_more_bits(layer, n_layer)) {
		t = GGUF_T_Q6_K;
	} else {
		t = GGUF_T_Q4_K;
	}
	return fallback(t, n_in);
}

static void add(struct tensor *ts, int *n, const char *name, uint32_t type, int n_in, int n_out,
		float scale)
{
	struct tensor *t = &ts[(*n)++];

	snprintf(t->name, sizeof(t->name), "%s", name);
	t->type = type;
	t->n_in = n_in;
	t->n_out = n_out;
	t->scale = scale;
}

static int usage(void)
{
	fprintf(stderr, "usage: gguf_write OUT.gguf [--preset NAME] [--arch llama|qwen2] [--vocab N]\n"
			"  [--embd N] [--layers N] [--heads N] [--kv-heads N] [--ff N] [--ctx N]\n"
			"  [--rope-base F] [--tied|--untied] [--qkv-bias] [--type TYPE]\n"
			"  [--vocab-from FILE.gguf [--chatml]] [--seed S]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct hp hp = presets[4];
	const char *out = NULL, *vocab_from = NULL;
	bool chatml = false;
	uint32_t ftype = GGUF_T_Q8_0;
	struct gguf *vg = NULL;
	struct gguf_writer w;
	struct buf hdr = BUF_INIT;
	struct err err = {0};
	struct tensor *ts;
	float *row;
	uint8_t *qrow;
	FILE *f;
	int i, l, nt = 0, hd, max_in;
	char name[64];

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-') {
			out = a;
			continue;
		}
		if (!strcmp(a, "--tied")) {
			hp.tied = true;
			continue;
		}
		if (!strcmp(a, "--untied")) {
			hp.tied = false;
			continue;
		}
		if (!strcmp(a, "--qkv-bias")) {
			hp.qkv_bias = true;
			continue;
		}
		if (!strcmp(a, "--chatml")) {
			chatml = true;
			continue;
		}
		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--preset")) {
			size_t k;

			for (k = 0; k < ARRAY_SIZE(presets) && strcmp(presets[k].name, v); k++)
				;
			if (k == ARRAY_SIZE(presets)) {
				fprintf(stderr, "gguf_write: unknown preset %s\n", v);
				return 2;
			}
			hp = presets[k];
		} else if (!strcmp(a, "--arch")) {
			hp.arch = !strcmp(v, "qwen2") ? "qwen2" : "llama";
		} else if (!strcmp(a, "--vocab")) {
			hp.vocab = atoi(v);
		} else if (!strcmp(a, "--embd")) {
			hp.embd = atoi(v);
		} else if (!strcmp(a, "--layers")) {
			hp.layers = atoi(v);
		} else if (!strcmp(a, "--heads")) {
			hp.heads = atoi(v);
		} else if (!strcmp(a, "--kv-heads")) {
			hp.kv_heads = atoi(v);
		} else if (!strcmp(a, "--ff")) {
			hp.ff = atoi(v);
		} else if (!strcmp(a, "--ctx")) {
			hp.ctx = atoi(v);
		} else if (!strcmp(a, "--rope-base")) {
			hp.rope_base = (float)atof(v);
		} else if (!strcmp(a, "--type")) {
			if (parse_type(v, &ftype) < 0) {
				fprintf(stderr, "gguf_write: unknown type %s\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--vocab-from")) {
			vocab_from = v;
		} else if (!strcmp(a, "--seed")) {
			rng_state = strtoull(v, NULL, 0) | 1;
		} else {
			return usage();
		}
	}
	if (!out)
		return usage();
	if (hp.embd < 32 || hp.layers < 1 || hp.heads < 1 || hp.kv_heads < 1 || hp.ff < 32 ||
	    hp.heads % hp.kv_heads || hp.embd % hp.heads || hp.vocab < 1 || hp.embd % 32 ||
	    hp.ff % 32) {
		fprintf(stderr, "gguf_write: inconsistent hyper-parameters\n");
		return 2;
	}
	if (vocab_from) {
		struct gguf_arr toks;

		vg = gguf_open(vocab_from, &err);
		if (!vg) {
			fprintf(stderr, "gguf_write: %s\n", err.msg);
			return 1;
		}
		if (!gguf_get_arr(vg, "tokenizer.ggml.tokens", GGUF_STRING, &toks)) {
			fprintf(stderr, "gguf_write: %s has no tokenizer.ggml.tokens\n", vocab_from);
			return 1;
		}
		hp.vocab = (int)toks.n;
	}
	hd = hp.embd / hp.heads;

	gguf_writer_init(&w, 0);
	gguf_writer_add_str(&w, "general.architecture", hp.arch);
	gguf_writer_add_str(&w, "general.name", "caro random-weight model");
#define KEY(k) (snprintf(name, sizeof(name), "%s.%s", hp.arch, k), name)
	gguf_writer_add_u32(&w, KEY("context_length"), (uint32_t)hp.ctx);
	gguf_writer_add_u32(&w, KEY("embedding_length"), (uint32_t)hp.embd);
	gguf_writer_add_u32(&w, KEY("block_count"), (uint32_t)hp.layers);
	gguf_writer_add_u32(&w, KEY("feed_forward_length"), (uint32_t)hp.ff);
	gguf_writer_add_u32(&w, KEY("attention.head_count"), (uint32_t)hp.heads);
	gguf_writer_add_u32(&w, KEY("attention.head_count_kv"), (uint32_t)hp.kv_heads);
	gguf_writer_add_u32(&w, KEY("rope.dimension_count"), (uint32_t)hd);
	gguf_writer_add_f32(&w, KEY("rope.freq_base"), hp.rope_base);
	gguf_writer_add_f32(&w, KEY("attention.layer_norm_rms_epsilon"), hp.eps);
#undef KEY
	if (vg) {
		uint64_t k;

		for (k = 0; k < gguf_n_kv(vg); k++) {
			const struct gguf_kv *kv = gguf_kv_at(vg, k);

			if (kv->key.len > 10 && !memcmp(kv->key.s, "tokenizer.", 10) &&
			    !(chatml && (KEY_IS(kv, "tokenizer.ggml.tokens") ||
					 KEY_IS(kv, "tokenizer.ggml.eos_token_id") ||
					 KEY_IS(kv, "tokenizer.chat_template"))))
				gguf_writer_add_kv(&w, kv);
		}
	}
	if (vg && chatml) {
		static const char tmpl[] =
			"{% for message in messages %}{% if loop.first and messages[0]['role'] != "
			"'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named "
			"SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + "
			"message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor "
			"%}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
		struct gguf_arr toks;
		struct gguf_str *strs;

		gguf_get_arr(vg, "tokenizer.ggml.tokens", GGUF_STRING, &toks);
		strs = xcalloc(toks.n, sizeof(*strs));
		if (toks.n < 3 || gguf_arr_strs(&toks, strs, &err) != 0) {
			fprintf(stderr, "gguf_write: --chatml needs a vocabulary of strings\n");
			return 1;
		}
		strs[1] = (struct gguf_str){"<|im_start|>", 12};
		strs[2] = (struct gguf_str){"<|im_end|>", 10};
		gguf_writer_add_str_arr(&w, "tokenizer.ggml.tokens", toks.n, strs);
		gguf_writer_add_u32(&w, "tokenizer.ggml.eos_token_id", 2);
		gguf_writer_add_str(&w, "tokenizer.chat_template", tmpl);
		free(strs);
	}

	/* the tensors, in llama.cpp's order */
	ts = xcalloc((size_t)hp.layers * 12 + 4, sizeof(*ts));
	add(ts, &nt, "token_embd.weight",
	    hp.tied ? pick(ftype, "", 0, hp.layers, hp.embd, true)
		    : fallback(ftype == GGUF_T_COUNT ? GGUF_T_Q4_K : ftype, hp.embd),
	    hp.embd, hp.vocab, 1.0f);
	add(ts, &nt, "output_norm.weight", GGUF_T_F32, hp.embd, 1, 0);
	if (!hp.tied)
		add(ts, &nt, "output.weight", pick(ftype, "", 0, hp.layers, hp.embd, true), hp.embd,
		    hp.vocab, 1.0f / sqrtf((float)hp.embd));
	for (l = 0; l < hp.layers; l++) {
		const int qd = hp.embd, kvd = hp.kv_heads * hd;
		const float se = 1.0f / sqrtf((float)hp.embd), sf = 1.0f / sqrtf((float)hp.ff);
#define NAME(s) (snprintf(name, sizeof(name), "blk.%d.%s", l, s), name)
		add(ts, &nt, NAME("attn_norm.weight"), GGUF_T_F32, hp.embd, 1, 0);
		add(ts, &nt, NAME("attn_q.weight"), pick(ftype, "attn_q", l, hp.layers, hp.embd, false),
		    hp.embd, qd, se);
		add(ts, &nt, NAME("attn_k.weight"), pick(ftype, "attn_k", l, hp.layers, hp.embd, false),
		    hp.embd, kvd, se);
		add(ts, &nt, NAME("attn_v.weight"), pick(ftype, "attn_v", l, hp.layers, hp.embd, false),
		    hp.embd, kvd, se);
		if (hp.qkv_bias) {
			add(ts, &nt, NAME("attn_q.bias"), GGUF_T_F32, qd, 1, 0.1f);
			add(ts, &nt, NAME("attn_k.bias"), GGUF_T_F32, kvd, 1, 0.1f);
			add(ts, &nt, NAME("attn_v.bias"), GGUF_T_F32, kvd, 1, 0.1f);
		}
		add(ts, &nt, NAME("attn_output.weight"),
		    pick(ftype, "attn_output", l, hp.layers, qd, false), qd, hp.embd, se);
		add(ts, &nt, NAME("ffn_norm.weight"), GGUF_T_F32, hp.embd, 1, 0);
		add(ts, &nt, NAME("ffn_gate.weight"), pick(ftype, "ffn_gate", l, hp.layers, hp.embd, false),
		    hp.embd, hp.ff, se);
		add(ts, &nt, NAME("ffn_up.weight"), pick(ftype, "ffn_up", l, hp.layers, hp.embd, false),
		    hp.embd, hp.ff, se);
		add(ts, &nt, NAME("ffn_down.weight"), pick(ftype, "ffn_down", l, hp.layers, hp.ff, false),
		    hp.ff, hp.embd, sf);
#undef NAME
	}
	max_in = 0;
	for (i = 0; i < nt; i++) {
		uint64_t ne[2] = {(uint64_t)ts[i].n_in, (uint64_t)ts[i].n_out};

		if (!gguf_writer_add_tensor(&w, ts[i].name, ts[i].type, ts[i].n_out > 1 ? 2 : 1, ne,
					    &err)) {
			fprintf(stderr, "gguf_write: %s\n", err.msg);
			return 1;
		}
		max_in = MAX(max_in, ts[i].n_in);
	}
	gguf_writer_header(&w, &hdr);

	f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 1;
	}
	fwrite(hdr.s, 1, hdr.len, f);
	row = xmallocarray((size_t)max_in, sizeof(float));
	qrow = xmalloc((size_t)max_in * 4 + 64);
	for (i = 0; i < nt; i++) {
		const struct quant_type *qt = quant_type(ts[i].type);
		const size_t rs = quant_row_size(ts[i].type, ts[i].n_in);
		static const char zeros[64];
		uint64_t size = (uint64_t)rs * (uint64_t)ts[i].n_out;
		int r, j;

		for (r = 0; r < ts[i].n_out; r++) {
			for (j = 0; j < ts[i].n_in; j++)
				row[j] = ts[i].scale ? frand() * ts[i].scale : 1.0f;
			qt->quant(row, qrow, ts[i].n_in);
			fwrite(qrow, 1, rs, f);
		}
		fwrite(zeros, 1, gguf_writer_pad(&w, size), f);
	}
	if (fclose(f) != 0) {
		perror(out);
		return 1;
	}
	fprintf(stderr, "gguf_write: %s: %s, %d tensors\n", out, hp.arch, nt);
	free(row);
	free(qrow);
	free(ts);
	buf_release(&hdr);
	gguf_writer_release(&w);
	gguf_close(vg);
	return 0;
}
