/*
 * model.c: llama/qwen2 models: loading, the forward pass, the KV cache.
 *
 * The forward pass runs on every thread of the context's pool at once
 * (fwd_worker): each stage splits its work by thread index and ends with
 * a barrier, so the code reads top to bottom like llama2.c's forward()
 * while both cores work. Matmuls split output rows (the q/k/v projections
 * whole heads, so RoPE and the cache writes need no barrier of their own);
 * per-token stages split tokens; attention splits (token, KV head) pairs.
 * Decode prepares each matmul input on every thread rather than meeting at
 * a barrier, which leaves five barriers per layer. Whether the pool's
 * threads pay off at all is measured as it runs (pool_run_adaptive). All
 * buffers are allocated by infer_ctx_new; nothing in here calls malloc.
 *
 * Weights stay in the file mapping in their stored type. Activations are
 * quantized once per matmul input to the formats its weights need
 * (blk_q8 / blk_q8k, and for batches also interleaved by eight tokens for
 * the kernels' gemm), so the products run on integers.
 */
#include "infer/infer.h"
#include "infer/kern.h"
#include "infer/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LAYERS 512
#define MAX_DIM (1 << 16)
#define MAX_VOCAB (1 << 20)
#define MAX_HEAD_DIM 512
/* batches of at most this many tokens prepare matmul inputs per thread */
#define SMALL_BATCH 3
/* rows of the up projection computed per pass, next to the same rows of
 * the gate (which go straight to their buffer) */
#define UP_ROWS 64
/* classes of forward passes for pool_run_adaptive */
enum { JOB_PREFILL, JOB_DECODE };

/* A weight matrix: n_out rows of n_in elements in a ggml type. */
struct wt {
	const uint8_t *data;
	uint32_t type;
	enum quant_act act;
	int n_in, n_out;
	size_t row_size;
};

struct layer {
	const float *attn_norm, *ffn_norm;
	const float *bq, *bk, *bv; /* NULL without biases */
	struct wt wq, wk, wv, wo, wgate, wup, wdown;
};

struct infer_model {
	struct gguf *g;
	struct infer_model_info info;
	struct wt tok_embd, output;
	const float *out_norm;
	const float *rope_freqs; /* Llama 3 per-frequency divisors, or NULL */
	struct layer *layers;
	float **owned; /* converted small tensors */
	int n_owned;
	unsigned acts; /* bit per enum quant_act used by any matmul */
};

struct infer_ctx {
	struct infer_model *m;
	const struct kern *k;
	struct pool *pool;
	int n_ctx, n_batch;
	bool kv_f32;
	bool fixed_threads; /* every pass on all threads (else pool_run_adaptive) */
	size_t kv_elem; /* bytes per cached value */
	int kv_dim, q_dim;
	/* [layer][KV head][n_ctx][head_dim], mmap'd: a head's positions are
	 * one contiguous stream for attention to read (as [n_ctx][kv_dim],
	 * each position's head_dim values lay kv_dim apart, and the strided
	 * reads, all from memory since a token's weights pass through the
	 * caches between two reads, made decode's attention wait on them) */
	uint8_t *kcache, *vcache;
	size_t kv_bytes;          /* of each cache */
	int32_t *tokens;          /* [n_ctx] */
	int n_past;

	/* scratch for one batch of up to B = n_batch tokens */
	float *x;      /* [B][n_embd] residual stream */
	float *xb;     /* [B][xb_stride] normed input / attention output */
	size_t xb_stride; /* max(n_embd, q_dim) */
	int max_in;    /* the longest matmul input: max(n_embd, q_dim, n_ff) */
	float *q;      /* [B][q_dim] */
	float *kv;     /* [2][B][kv_dim] new keys then values */
	float *hb;     /* [B][n_ff] gate, then silu(gate)*up */
	float *up;     /* [n_threads][B][UP_ROWS] a slice of the up projection */
	uint8_t *aq8;  /* [B][act_size(ACT_Q8, max_in)] quantized matmul input */
	uint8_t *aq8k; /* [B][act_size(ACT_Q8K, max_in)] */
	size_t aq8_stride, aq8k_stride;
	/* [B/8][act8_size(form, max_in)] the same, eight tokens interleaved,
	 * in the forms the kernels' gemm take for the model's weights */
	uint8_t *ax8[ACT8_COUNT];
	size_t ax8_stride[ACT8_COUNT];
	unsigned acts8; /* bit per form in use */
	int gemm_min;   /* the smallest batch any of the model's matmuls takes to gemm */
	float *own_f;     /* [n_threads][SMALL_BATCH][max_in] each thread's copy of a small input */
	uint8_t *own_q8;  /* [n_threads][SMALL_BATCH][aq8_stride] */
	uint8_t *own_q8k; /* [n_threads][SMALL_BATCH][aq8k_stride] */
	float *rope;   /* [B][head_dim/2][2] cos, sin */
	float *att;    /* [n_threads][group][n_ctx] attention scores */
	float *logits; /* [B or all][n_vocab] */
	size_t logits_rows;
	int n_logits;  /* rows valid in logits after the last evaluation */

	/* the job of the current forward pass */
	const int32_t *ids;
	int n, pos0;
	float *out_logits; /* where this batch's logit rows go */
	bool all_logits;
};

/* ---- loading ---- */

static int get_hparam(const struct gguf *g, const char *arch, const char *key, bool required,
		      int64_t def, int64_t max, int *out, struct err *err)
{
	char full[128];
	int64_t v;

	snprintf(full, sizeof(full), "%s.%s", arch, key);
	if (!gguf_get_int(g, full, &v)) {
		if (required || gguf_find(g, full))
			return err_set(err, ERR_PARSE, "model: missing or non-integer %s", full);
		v = def;
	}
	if (v < 0 || v > max)
		return err_set(err, ERR_PARSE, "model: %s = %lld is out of range", full, (long long)v);
	*out = (int)v;
	return 0;
}

static int get_float(const struct gguf *g, const char *arch, const char *key, float def,
		     float *out)
{
	char full[128];
	double v;

	snprintf(full, sizeof(full), "%s.%s", arch, key);
	*out = gguf_get_float(g, full, &v) ? (float)v : def;
	return 0;
}

static int load_matrix(struct infer_model *m, const char *name, int n_in, int n_out,
		       bool optional, struct wt *w, struct err *err)
{
	const struct gguf_tensor *t = gguf_find_tensor(m->g, name);
	const struct quant_type *qt;

	memset(w, 0, sizeof(*w));
	if (!t) {
		if (optional)
			return 0;
		return err_set(err, ERR_PARSE, "model: missing tensor %s", name);
	}
	if (t->n_dims != 2 || t->ne[0] != (uint64_t)n_in || t->ne[1] != (uint64_t)n_out)
		return err_set(err, ERR_PARSE, "model: tensor %s has shape [%llu, %llu], want [%d, %d]",
			       name, (unsigned long long)t->ne[0], (unsigned long long)t->ne[1], n_in,
			       n_out);
	qt = quant_type(t->type);
	if (!qt)
		return err_set(err, ERR_UNAVAILABLE, "model: tensor %s has type %s, not supported",
			       name, gguf_type_name(t->type));
	w->data = t->data;
	w->type = t->type;
	w->act = qt->act;
	w->n_in = n_in;
	w->n_out = n_out;
	w->row_size = quant_row_size(t->type, n_in);
	m->info.n_params += t->n_elem;
	return 0;
}

/* A 1-D tensor as floats: used in place when stored as f32 (the mapping
 * aligns tensor data), converted into owned memory otherwise. */
static int load_vector(struct infer_model *m, const char *name, int n, bool optional,
		       const float **out, struct err *err)
{
	const struct gguf_tensor *t = gguf_find_tensor(m->g, name);
	const struct quant_type *qt;
	float *v;

	*out = NULL;
	if (!t) {
		if (optional)
			return 0;
		return err_set(err, ERR_PARSE, "model: missing tensor %s", name);
	}
	if (t->n_elem != (uint64_t)n || t->ne[0] != (uint64_t)n)
		return err_set(err, ERR_PARSE, "model: tensor %s has %llu elements, want %d", name,
			       (unsigned long long)t->n_elem, n);
	qt = quant_type(t->type);
	if (!qt)
		return err_set(err, ERR_UNAVAILABLE, "model: tensor %s has type %s, not supported",
			       name, gguf_type_name(t->type));
	m->info.n_params += t->n_elem;
	if (t->type == GGUF_T_F32 && ((uintptr_t)t->data & 3) == 0) {
		*out = t->data;
		return 0;
	}
	v = xmallocarray((size_t)n, sizeof(float));
	qt->dequant(t->data, v, n);
	m->owned = xrealloc(m->owned, (size_t)(m->n_owned + 1) * sizeof(*m->owned));
	m->owned[m->n_owned++] = v;
	*out = v;
	return 0;
}

static int load_layer(struct infer_model *m, int l, struct err *err)
{
	const struct infer_model_info *in = &m->info;
	struct layer *L = &m->layers[l];
	const int d = in->n_embd, qd = in->n_head * in->head_dim, kvd = in->n_head_kv * in->head_dim;
	char name[96];

#define T(suffix) (snprintf(name, sizeof(name), "blk.%d.%s", l, suffix), name)
	if (load_vector(m, T("attn_norm.weight"), d, false, &L->attn_norm, err) < 0 ||
	    load_vector(m, T("ffn_norm.weight"), d, false, &L->ffn_norm, err) < 0 ||
	    load_matrix(m, T("attn_q.weight"), d, qd, false, &L->wq, err) < 0 ||
	    load_matrix(m, T("attn_k.weight"), d, kvd, false, &L->wk, err) < 0 ||
	    load_matrix(m, T("attn_v.weight"), d, kvd, false, &L->wv, err) < 0 ||
	    load_matrix(m, T("attn_output.weight"), qd, d, false, &L->wo, err) < 0 ||
	    load_matrix(m, T("ffn_gate.weight"), d, in->n_ff, false, &L->wgate, err) < 0 ||
	    load_matrix(m, T("ffn_up.weight"), d, in->n_ff, false, &L->wup, err) < 0 ||
	    load_matrix(m, T("ffn_down.weight"), in->n_ff, d, false, &L->wdown, err) < 0 ||
	    load_vector(m, T("attn_q.bias"), qd, true, &L->bq, err) < 0 ||
	    load_vector(m, T("attn_k.bias"), kvd, true, &L->bk, err) < 0 ||
	    load_vector(m, T("attn_v.bias"), kvd, true, &L->bv, err) < 0)
		return -1;
#undef T
	if (!L->bq != !L->bk || !L->bk != !L->bv)
		return err_set(err, ERR_PARSE, "model: layer %d has only some q/k/v biases", l);
	return 0;
}

/* Which type holds most of the weight bytes: what a file is called by. */
static uint32_t main_type(const struct gguf *g)
{
	uint64_t bytes[GGUF_T_COUNT] = {0}, i;
	uint32_t best = 0, t;

	for (i = 0; i < gguf_n_tensors(g); i++) {
		const struct gguf_tensor *ti = gguf_tensor_at(g, i);

		if (ti->n_dims == 2 && strcmp(ti->name, "token_embd.weight"))
			bytes[ti->type] += ti->size;
	}
	for (t = 0; t < GGUF_T_COUNT; t++)
		if (bytes[t] > bytes[best])
			best = t;
	return best;
}

static int load(struct infer_model *m, struct err *err)
{
	struct infer_model_info *in = &m->info;
	const struct gguf *g = m->g;
	const struct gguf_tensor *te;
	const char *a;
	int64_t v;
	int l;

	if (gguf_get_strcpy(g, "general.architecture", in->arch, sizeof(in->arch)) < 0)
		return err_set(err, ERR_PARSE, "model: no general.architecture");
	if (!str_eq(in->arch, "llama") && !str_eq(in->arch, "qwen2"))
		return err_set(err, ERR_UNAVAILABLE,
			       "model: architecture %s is not supported (llama, qwen2)", in->arch);
	a = in->arch;
	gguf_get_strcpy(g, "general.name", in->name, sizeof(in->name));
	if (get_hparam(g, a, "embedding_length", true, 0, MAX_DIM, &in->n_embd, err) < 0 ||
	    get_hparam(g, a, "block_count", true, 0, MAX_LAYERS, &in->n_layer, err) < 0 ||
	    get_hparam(g, a, "feed_forward_length", true, 0, MAX_DIM * 4, &in->n_ff, err) < 0 ||
	    get_hparam(g, a, "attention.head_count", true, 0, MAX_DIM, &in->n_head, err) < 0 ||
	    get_hparam(g, a, "attention.head_count_kv", false, in->n_head, MAX_DIM, &in->n_head_kv,
		       err) < 0 ||
	    get_hparam(g, a, "context_length", false, 0, 1 << 24, &in->n_ctx_train, err) < 0)
		return -1;
	if (in->n_embd < 1 || in->n_layer < 1 || in->n_ff < 1 || in->n_head < 1 ||
	    in->n_head_kv < 1 || in->n_head % in->n_head_kv || in->n_embd % in->n_head)
		return err_set(err, ERR_PARSE, "model: inconsistent hyper-parameters");
	if (get_hparam(g, a, "attention.key_length", false, in->n_embd / in->n_head, MAX_HEAD_DIM,
		       &in->head_dim, err) < 0)
		return -1;
	{
		int rot;

		if (get_hparam(g, a, "rope.dimension_count", false, in->head_dim, MAX_HEAD_DIM, &rot,
			       err) < 0)
			return -1;
		if (rot != in->head_dim || in->head_dim % 2 || in->head_dim < 2)
			return err_set(err, ERR_UNAVAILABLE,
				       "model: partial rotary embeddings (%d of %d) are not supported",
				       rot, in->head_dim);
	}
	get_float(g, a, "rope.freq_base", 10000.0f, &in->rope_base);
	get_float(g, a, "attention.layer_norm_rms_epsilon", 1e-5f, &in->norm_eps);
	if (!(in->rope_base > 0) || !(in->norm_eps >= 0))
		return err_set(err, ERR_PARSE, "model: bad rope base or norm epsilon");
	in->neox_rope = str_eq(a, "qwen2");

	te = gguf_find_tensor(g, "token_embd.weight");
	if (!te || te->n_dims != 2 || te->ne[1] > MAX_VOCAB)
		return err_set(err, ERR_PARSE, "model: missing or misshapen token_embd.weight");
	in->n_vocab = (int)te->ne[1];
	if (load_matrix(m, "token_embd.weight", in->n_embd, in->n_vocab, false, &m->tok_embd, err) < 0 ||
	    load_matrix(m, "output.weight", in->n_embd, in->n_vocab, true, &m->output, err) < 0 ||
	    load_vector(m, "output_norm.weight", in->n_embd, false, &m->out_norm, err) < 0 ||
	    load_vector(m, "rope_freqs.weight", in->head_dim / 2, true, &m->rope_freqs, err) < 0)
		return -1;
	if (!m->output.data) {
		m->output = m->tok_embd;
		in->tied_output = true;
	}
	m->layers = xcalloc((size_t)in->n_layer, sizeof(*m->layers));
	for (l = 0; l < in->n_layer; l++)
		if (load_layer(m, l, err) < 0)
			return -1;
	/* the activation formats the matmuls need (token_embd itself is only
	 * read a row at a time unless it doubles as the output) */
	m->acts = 1u << m->output.act;
	for (l = 0; l < in->n_layer; l++) {
		const struct layer *L = &m->layers[l];
		const struct wt *all[] = {&L->wq, &L->wk, &L->wv, &L->wo, &L->wgate, &L->wup, &L->wdown};
		size_t j;

		for (j = 0; j < ARRAY_SIZE(all); j++)
			m->acts |= 1u << all[j]->act;
	}
	in->qkv_bias = m->layers[0].bq != NULL;
	in->main_type = main_type(g);
	in->file_size = gguf_file_size(g);
	in->bos_id = gguf_get_int(g, "tokenizer.ggml.bos_token_id", &v) && v >= 0 &&
				     v < in->n_vocab
			     ? (int32_t)v
			     : -1;
	in->eos_id = gguf_get_int(g, "tokenizer.ggml.eos_token_id", &v) && v >= 0 &&
				     v < in->n_vocab
			     ? (int32_t)v
			     : -1;
	return 0;
}

struct infer_model *infer_model_open(const char *path, struct err *err)
{
	struct infer_model *m = xcalloc(1, sizeof(*m));

	m->g = gguf_open(path, err);
	if (!m->g || load(m, err) < 0) {
		if (m->g)
			err_prefix(err, "%s", path);
		infer_model_close(m);
		return NULL;
	}
	return m;
}

void infer_model_close(struct infer_model *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->n_owned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->layers);
	gguf_close(m->g);
	free(m);
}

const struct infer_model_info *infer_model_info(const struct infer_model *m)
{
	return &m->info;
}

const struct gguf *infer_model_gguf(const struct infer_model *m)
{
	return m->g;
}

/* ---- context ---- */

static void *map_zero(size_t n)
{
	void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Batches of at least this many tokens may go through the kernels' gemm
 * (padded to a multiple of eight), and from the kernel table's gemm_min
 * for the weight's type on; smaller ones through its gemv, or a dot
 * product per row and token. */
#define GEMM_MIN_TOKENS 4

static int gemm_min(const struct kern *k, uint32_t type)
{
	return k->gemm[type] ? MAX(GEMM_MIN_TOKENS, k->gemm_min[type]) : INT_MAX;
}

/* The eight-token activation forms that the kernels' gemm take for the
 * model's matmul weights (bit per enum quant_act8), and the smallest
 * batch that any of them takes to gemm (*min; INT_MAX: none does). */
static unsigned gemm_forms(const struct infer_model *m, const struct kern *k, int *min)
{
	unsigned forms = 0;
	int l;
	size_t j;

	*min = gemm_min(k, m->output.type);
	if (k->gemm[m->output.type])
		forms |= 1u << k->gemm_act[m->output.type];
	for (l = 0; l < m->info.n_layer; l++) {
		const struct layer *L = &m->layers[l];
		const struct wt *all[] = {&L->wq, &L->wk, &L->wv, &L->wo, &L->wgate, &L->wup, &L->wdown};

		for (j = 0; j < ARRAY_SIZE(all); j++)
			if (k->gemm[all[j]->type]) {
				forms |= 1u << k->gemm_act[all[j]->type];
				*min = MIN(*min, gemm_min(k, all[j]->type));
			}
	}
	return forms & ~(1u << ACT8_NONE);
}

struct infer_ctx *infer_ctx_new(struct infer_model *m, const struct infer_ctx_params *p,
				struct err *err)
{
	const struct infer_model_info *in = &m->info;
	struct infer_ctx_params def = {0};
	struct infer_ctx *c;
	int max_in, nth, B, f;
	size_t kv_per_pos;

	if (!p)
		p = &def;
	if (p->n_ctx < 0 || p->n_ctx > (1 << 20) || p->n_threads < 0 || p->n_threads > 256 ||
	    p->n_batch < 0 || p->n_batch > 4096) {
		err_set(err, ERR_USAGE, "infer: bad context parameters");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->m = m;
	c->k = p->ref_kernels ? kern_ref() : kern_get();
	c->n_ctx = p->n_ctx ? p->n_ctx : in->n_ctx_train ? MIN(in->n_ctx_train, 4096) : 4096;
	c->n_batch = B = p->n_batch ? p->n_batch : 128;
	c->kv_f32 = p->kv_f32;
	c->fixed_threads = p->fixed_threads;
	c->kv_elem = c->kv_f32 ? 4 : 2;
	c->q_dim = in->n_head * in->head_dim;
	c->kv_dim = in->n_head_kv * in->head_dim;
	nth = p->n_threads ? p->n_threads : pool_cpu_count();
	c->pool = pool_new(nth, err);
	if (!c->pool)
		goto fail;

	kv_per_pos = (size_t)c->kv_dim * c->kv_elem;
	c->kv_bytes = (size_t)in->n_layer * (size_t)c->n_ctx * kv_per_pos;
	c->kcache = map_zero(c->kv_bytes);
	c->vcache = map_zero(c->kv_bytes);
	if (!c->kcache || !c->vcache) {
		err_set(err, ERR_NOMEM, "infer: cannot map a %zu MB KV cache", c->kv_bytes >> 19);
		goto fail;
	}
	c->tokens = xcalloc((size_t)c->n_ctx, sizeof(*c->tokens));

	max_in = MAX(MAX(in->n_embd, c->q_dim), in->n_ff);
	c->x = xcalloc((size_t)B * in->n_embd, sizeof(float));
	c->max_in = max_in;
	c->xb_stride = (size_t)MAX(in->n_embd, c->q_dim);
	c->xb = xcalloc((size_t)B * c->xb_stride, sizeof(float));
	c->q = xcalloc((size_t)B * c->q_dim, sizeof(float));
	c->kv = xcalloc((size_t)2 * B * c->kv_dim, sizeof(float));
	c->hb = xcalloc((size_t)B * in->n_ff, sizeof(float));
	c->up = xcalloc((size_t)nth * B * UP_ROWS, sizeof(float));
	c->aq8_stride = quant_act_size(ACT_Q8, max_in);
	c->aq8k_stride = quant_act_size(ACT_Q8K, max_in);
	c->aq8 = xcalloc((size_t)B, c->aq8_stride + 1);
	c->aq8k = xcalloc((size_t)B, c->aq8k_stride + 1);
	c->acts8 = gemm_forms(m, c->k, &c->gemm_min);
	for (f = ACT8_Q8; f < ACT8_COUNT; f++)
		if (c->acts8 & (1u << f)) {
			c->ax8_stride[f] = quant_act8_size(f, max_in);
			c->ax8[f] = xcalloc((size_t)(B + 7) / 8, c->ax8_stride[f]);
		}
	c->own_f = xcalloc((size_t)nth * SMALL_BATCH * max_in, sizeof(float));
	c->own_q8 = xcalloc((size_t)nth * SMALL_BATCH, c->aq8_stride + 1);
	c->own_q8k = xcalloc((size_t)nth * SMALL_BATCH, c->aq8k_stride + 1);
	c->rope = xcalloc((size_t)B * in->head_dim, sizeof(float));
	c->att = xcalloc((size_t)pool_size(c->pool) * (in->n_head / in->n_head_kv) * c->n_ctx,
			 sizeof(float));
	c->logits_rows = 1;
	c->logits = xcalloc((size_t)in->n_vocab, sizeof(float));
	return c;
fail:
	infer_ctx_free(c);
	return NULL;
}

void infer_ctx_free(struct infer_ctx *c)
{
	int f;

	if (!c)
		return;
	pool_free(c->pool);
	if (c->kcache)
		munmap(c->kcache, c->kv_bytes);
	if (c->vcache)
		munmap(c->vcache, c->kv_bytes);
	free(c->tokens);
	free(c->x);
	free(c->xb);
	free(c->q);
	free(c->kv);
	free(c->hb);
	free(c->up);
	free(c->aq8);
	free(c->aq8k);
	for (f = 0; f < ACT8_COUNT; f++)
		free(c->ax8[f]);
	free(c->own_f);
	free(c->own_q8);
	free(c->own_q8k);
	free(c->rope);
	free(c->att);
	free(c->logits);
	free(c);
}

const char *infer_kernels(void)
{
	return kern_get()->name;
}

const char *infer_ctx_kernels(const struct infer_ctx *c)
{
	return c->k->name;
}

int infer_ctx_threads(const struct infer_ctx *c)
{
	return pool_size(c->pool);
}

int infer_ctx_last_threads(const struct infer_ctx *c)
{
	return pool_last_threads(c->pool);
}

int infer_ctx_n_ctx(const struct infer_ctx *c)
{
	return c->n_ctx;
}

/* ---- the forward pass ---- */

/* [lo, hi) of n items for thread ith of nth, in multiples of `grain`. */
static void split(int n, int grain, int ith, int nth, int *lo, int *hi)
{
	int chunks = (n + grain - 1) / grain;

	*lo = MIN(n, chunks * ith / nth * grain);
	*hi = MIN(n, chunks * (ith + 1) / nth * grain);
}

_Static_assert(SMALL_BATCH < GEMM_MIN_TOKENS, "per-thread inputs have no eight-token forms");

/* whether a batch of nb tokens needs the eight-token forms */
static bool batched(const struct infer_ctx *c, int nb)
{
	return nb >= c->gemm_min;
}

/* The input of a matmul: nb token rows as floats, and in the quantized
 * forms the weights take (per token, and interleaved by eight for a
 * batched matmul). Row strides are the context's aq8/aq8k/ax8 strides. */
struct mm_in {
	int nb;
	const float *f;
	size_t f_stride; /* floats */
	const uint8_t *q8, *q8k;
	uint8_t *const *x8; /* the context's ax8[form] */
};

/* Prepare the input of the next matmuls from nb rows of n floats at src
 * (src_stride apart), RMS-normalized with weights norm first unless norm
 * is NULL. A batch of at most SMALL_BATCH rows (decode) is prepared by
 * every thread into its own buffers, which costs a few microseconds and
 * saves a barrier; a larger one is split by groups of eight tokens into
 * the shared buffers and ends with a barrier. */
static void prepare(struct infer_ctx *c, int ith, int nth, const float *src, size_t src_stride,
		    int n, int nb, const float *norm, struct mm_in *in)
{
	const bool q8 = c->m->acts & (1u << ACT_Q8);
	const bool q8k = (c->m->acts & (1u << ACT_Q8K)) && n % QK_K == 0;
	const bool own = nb <= SMALL_BATCH;
	float *f = own ? c->own_f + (size_t)ith * SMALL_BATCH * c->max_in : c->xb;
	const size_t fs = own ? (size_t)c->max_in : c->xb_stride;
	uint8_t *a8 = own ? c->own_q8 + (size_t)ith * SMALL_BATCH * c->aq8_stride : c->aq8;
	uint8_t *a8k = own ? c->own_q8k + (size_t)ith * SMALL_BATCH * c->aq8k_stride : c->aq8k;
	int b0 = 0, b1 = nb, b;

	if (!own)
		split(nb, 8, ith, nth, &b0, &b1);
	in->nb = nb;
	in->f = norm ? f : src;
	in->f_stride = norm ? fs : src_stride;
	in->q8 = a8;
	in->q8k = a8k;
	in->x8 = c->ax8;
	for (b = b0; b < b1; b++) {
		const float *row = in->f + (size_t)b * in->f_stride;

		if (norm)
			c->k->rmsnorm(n, src + (size_t)b * src_stride, norm, c->m->info.norm_eps,
				      f + (size_t)b * fs);
		if (q8)
			c->k->quant_q8(row, a8 + (size_t)b * c->aq8_stride, n);
		if (q8k)
			c->k->quant_q8k(row, a8k + (size_t)b * c->aq8k_stride, n);
	}
	if (own)
		return;
	for (b = b0; batched(c, nb) && b < b1; b += 8) {
		enum quant_act8 form;

		for (form = ACT8_Q8; form < ACT8_COUNT; form++) {
			/* ACT8_Q8K is made from the q8k rows, the others from q8 */
			const bool k8 = form == ACT8_Q8K;
			const size_t rs = k8 ? c->aq8k_stride : c->aq8_stride;

			if ((c->acts8 & (1u << form)) && (k8 ? q8k : q8))
				quant_act8_pack(form, (k8 ? a8k : a8) + (size_t)b * rs, rs, MIN(8, b1 - b), n,
						c->ax8[form] + (size_t)b / 8 * c->ax8_stride[form]);
		}
	}
	pool_barrier(c->pool);
}

/* out[b][r] (= or +=) W[r] . in[b] (+ bias[r]) for rows [r0, r1) and
 * every token of in: batches from the type's gemm_min through the
 * kernels' gemm, smaller ones through their gemv, otherwise a dot product
 * per row and token. */
static void matmul(const struct infer_ctx *c, const struct wt *w, const struct mm_in *in,
		   float *out, int ldo, bool add, const float *bias, int r0, int r1)
{
	const kern_dot_fn dot = c->k->dot[w->type];
	const kern_gemv_fn gemv = c->k->gemv[w->type];
	const int nb = in->nb;
	const uint8_t *x0;
	size_t xs;
	int r, b;

	if (r1 <= r0)
		return;
	if (nb >= gemm_min(c->k, w->type)) {
		x0 = in->x8[c->k->gemm_act[w->type]];
		xs = c->ax8_stride[c->k->gemm_act[w->type]];
		c->k->gemm[w->type](w->n_in, w->data + (size_t)r0 * w->row_size, w->row_size, r1 - r0,
				    x0, xs, nb, out + r0, (size_t)ldo, add);
	} else {
		switch (w->act) {
		case ACT_Q8: x0 = in->q8, xs = c->aq8_stride; break;
		case ACT_Q8K: x0 = in->q8k, xs = c->aq8k_stride; break;
		default: x0 = (const uint8_t *)in->f, xs = in->f_stride * sizeof(float); break;
		}
		if (gemv) {
			gemv(w->n_in, w->data + (size_t)r0 * w->row_size, w->row_size, r1 - r0, x0, xs, nb,
			     out + r0, (size_t)ldo, add);
		} else {
			for (r = r0; r < r1; r++) {
				const uint8_t *wr = w->data + (size_t)r * w->row_size;

				for (b = 0; b < nb; b++) {
					float *o = &out[(size_t)b * ldo + r];
					const float y = dot(w->n_in, wr, x0 + (size_t)b * xs);

					*o = add ? *o + y : y;
				}
			}
		}
	}
	for (b = 0; bias && b < nb; b++)
		for (r = r0; r < r1; r++)
			out[(size_t)b * ldo + r] += bias[r];
}

static void matmul_split(const struct infer_ctx *c, const struct wt *w, const struct mm_in *in,
			 float *out, int ldo, bool add, const float *bias, int ith, int nth)
{
	int r0, r1;

	split(w->n_out, 16, ith, nth, &r0, &r1);
	matmul(c, w, in, out, ldo, add, bias, r0, r1);
}

/* Rotate one head's vector by the position's angles: adjacent pairs
 * (x[2i], x[2i+1]) for llama, halves (x[i], x[i + hd/2]) for NeoX/qwen2. */
static void rope_apply(float *x, const float *cs, int hd, bool neox)
{
	int i;

	for (i = 0; i < hd / 2; i++) {
		const int i0 = neox ? i : 2 * i, i1 = neox ? i + hd / 2 : 2 * i + 1;
		const float c = cs[2 * i], s = cs[2 * i + 1], a = x[i0], b = x[i1];

		x[i0] = a * c - b * s;
		x[i1] = a * s + b * c;
	}
}

/* The forward pass of the batch c->ids[0..n) at positions pos0.., on
 * thread ith of nth. Every stage splits its work and the threads meet at
 * a barrier before the next stage reads it: decode (small batches) has
 * five per layer, after the q/k/v projections, attention, Wo, gate/up
 * and down; larger batches four more, in prepare(). */
static void fwd_worker(void *arg, int ith, int nth)
{
	struct infer_ctx *c = arg;
	const struct infer_model *m = c->m;
	const struct infer_model_info *in = &m->info;
	const struct kern *k = c->k;
	const int B = c->n, d = in->n_embd, hd = in->head_dim, qd = c->q_dim, kvd = c->kv_dim;
	const int ff = in->n_ff, nh = in->n_head, nkv = in->n_head_kv, group = nh / nkv;
	const float att_scale = 1.0f / sqrtf((float)hd);
	const size_t xbs = c->xb_stride;
	float *kn = c->kv, *vn = c->kv + (size_t)B * kvd; /* [B][kvd] each */
	float *att = c->att + (size_t)ith * group * c->n_ctx; /* [group][n_ctx] */
	struct mm_in mi;
	int b0, b1, b, l, i, u, u0, u1;

	/* token embeddings x[b] = token_embd[ids[b]], and each position's
	 * RoPE angles rope[b][i] = (cos, sin)(pos * base^(-2i/hd) / freq[i]) */
	split(B, 1, ith, nth, &b0, &b1);
	for (b = b0; b < b1; b++) {
		const int pos = c->pos0 + b;

		quant_type(m->tok_embd.type)
			->dequant(m->tok_embd.data + (size_t)c->ids[b] * m->tok_embd.row_size,
				  c->x + (size_t)b * d, d);
		for (i = 0; i < hd / 2; i++) {
			double theta = pos * pow(in->rope_base, -2.0 * i / hd);

			if (m->rope_freqs)
				theta /= m->rope_freqs[i];
			c->rope[(size_t)b * hd + 2 * i] = (float)cos(theta);
			c->rope[(size_t)b * hd + 2 * i + 1] = (float)sin(theta);
		}
	}
	pool_barrier(c->pool);

	for (l = 0; l < in->n_layer; l++) {
		const struct layer *L = &m->layers[l];
		/* [nkv][n_ctx][hd] */
		uint8_t *kc = c->kcache + (size_t)l * c->n_ctx * kvd * c->kv_elem;
		uint8_t *vc = c->vcache + (size_t)l * c->n_ctx * kvd * c->kv_elem;

		/* rmsnorm(x[b]) * attn_norm, quantized */
		prepare(c, ith, nth, c->x, (size_t)d, d, B, L->attn_norm, &mi);

		/* q[b] = Wq . + bq, kn[b] = Wk . + bk, vn[b] = Wv . + bv, a head
		 * (hd rows) at a time: unit u < nh is query head u, then the key
		 * heads, then the value heads. Whoever computes a head rotates
		 * it (q, k) and appends it to the cache at pos0 + b (k, v). */
		split(nh + 2 * nkv, 1, ith, nth, &u0, &u1);
		for (u = u0; u < u1; u++) {
			const int h = u < nh ? u : (u - nh) % nkv;
			const int r0 = h * hd, r1 = r0 + hd;

			if (u < nh) {
				matmul(c, &L->wq, &mi, c->q, qd, false, L->bq, r0, r1);
				for (b = 0; b < B; b++)
					rope_apply(c->q + (size_t)b * qd + r0, c->rope + (size_t)b * hd, hd,
						   in->neox_rope);
				continue;
			}
			if (u < nh + nkv) {
				matmul(c, &L->wk, &mi, kn, kvd, false, L->bk, r0, r1);
				for (b = 0; b < B; b++)
					rope_apply(kn + (size_t)b * kvd + r0, c->rope + (size_t)b * hd, hd,
						   in->neox_rope);
			} else {
				matmul(c, &L->wv, &mi, vn, kvd, false, L->bv, r0, r1);
			}
			for (b = 0; b < B; b++) {
				const float *src = (u < nh + nkv ? kn : vn) + (size_t)b * kvd + r0;
				uint8_t *dst = (u < nh + nkv ? kc : vc) +
					       ((size_t)h * c->n_ctx + (size_t)(c->pos0 + b)) * hd * c->kv_elem;

				if (c->kv_f32)
					memcpy(dst, src, (size_t)hd * sizeof(float));
				else
					k->to_f16(hd, src, (uint16_t *)dst);
			}
		}
		pool_barrier(c->pool);

		/* attention, per (token, KV head): the group of query heads
		 * that share a KV head against positions 0..pos (causal):
		 * scores, softmax, weighted sum of values -> xb[b][head]. When
		 * there are few (token, KV head) pairs (decode), groups are cut
		 * into parts so every thread has work (each part reads the KV head
		 * again, so one thread takes whole groups). Threads take every nth
		 * unit rather than a run of them: a causal token's cost grows
		 * with its position, so in a prefill from position 0 a run of
		 * the last tokens costs three times a run of the first. */
		{
			const int units = B * nkv;
			const int parts = nth == 1 ? 1 : MIN(group, MAX(1, (4 * nth + units - 1) / units));
			const int per = (group + parts - 1) / parts;

			for (u = ith; u < units * parts; u += nth) {
				const int bb = u / (nkv * parts), kh = u / parts % nkv;
				const int h0 = kh * group + u % parts * per;
				const int n_heads = MIN(per, (kh + 1) * group - h0);
				const size_t ko = (size_t)kh * c->n_ctx * hd * c->kv_elem;

				if (n_heads > 0)
					k->attn(hd, n_heads, c->pos0 + bb + 1, c->q + (size_t)bb * qd + (size_t)h0 * hd,
						(size_t)hd, kc + ko, vc + ko, (size_t)hd, c->kv_f32, att_scale, att,
						c->xb + (size_t)bb * xbs + (size_t)h0 * hd, (size_t)hd);
			}
		}
		pool_barrier(c->pool);

		/* x[b] += Wo xb[b] */
		prepare(c, ith, nth, c->xb, xbs, qd, B, NULL, &mi);
		matmul_split(c, &L->wo, &mi, c->x, d, true, NULL, ith, nth);
		pool_barrier(c->pool);

		/* hb[b] = silu(Wgate xn[b]) * (Wup xn[b]) with xn = rmsnorm(x[b]) *
		 * ffn_norm; each thread owns the same rows of both, so it can
		 * combine them without a barrier, UP_ROWS rows at a time so the
		 * up projection stays in its cache-sized buffer */
		prepare(c, ith, nth, c->x, (size_t)d, d, B, L->ffn_norm, &mi);
		{
			float *up = c->up + (size_t)ith * B * UP_ROWS; /* [B][UP_ROWS] */
			int r0, r1, rc;

			split(ff, 16, ith, nth, &r0, &r1);
			for (rc = r0; rc < r1; rc += UP_ROWS) {
				const int re = MIN(r1, rc + UP_ROWS);
				struct wt wup = L->wup; /* its rows rc..re-1 */

				wup.data += (size_t)rc * wup.row_size;
				matmul(c, &L->wgate, &mi, c->hb, ff, false, NULL, rc, re);
				matmul(c, &wup, &mi, up, UP_ROWS, false, NULL, 0, re - rc);
				for (b = 0; b < B; b++)
					k->silu_mul(re - rc, c->hb + (size_t)b * ff + rc, up + (size_t)b * UP_ROWS);
			}
		}
		pool_barrier(c->pool);

		/* x[b] += Wdown hb[b] */
		prepare(c, ith, nth, c->hb, (size_t)ff, ff, B, NULL, &mi);
		matmul_split(c, &L->wdown, &mi, c->x, d, true, NULL, ith, nth);
		pool_barrier(c->pool);
	}

	/* logits for the rows wanted: all, or the batch's last token */
	{
		const int first = c->all_logits ? 0 : B - 1;

		prepare(c, ith, nth, c->x + (size_t)first * d, (size_t)d, d, B - first, m->out_norm,
			&mi);
		matmul_split(c, &m->output, &mi, c->out_logits, in->n_vocab, false, NULL, ith, nth);
	}
}

static void forward(struct infer_ctx *c, const int32_t *ids, int n, float *logits, bool all)
{
	c->ids = ids;
	c->n = n;
	c->pos0 = c->n_past;
	c->out_logits = logits;
	c->all_logits = all;
	if (c->fixed_threads)
		pool_run(c->pool, fwd_worker, c);
	else
		pool_run_adaptive(c->pool, n <= SMALL_BATCH ? JOB_DECODE : JOB_PREFILL, n, fwd_worker, c);
	memcpy(c->tokens + c->n_past, ids, (size_t)n * sizeof(*ids));
	c->n_past += n;
}

int infer_prefill(struct infer_ctx *c, const int32_t *ids, int n, unsigned flags,
		  struct err *err)
{
	const int V = c->m->info.n_vocab;
	const bool all = flags & INFER_ALL_LOGITS;
	int i, done;

	if (n <= 0)
		return err_set(err, ERR_USAGE, "infer: nothing to evaluate");
	if (n > c->n_ctx - c->n_past)
		return err_set(err, ERR_LIMIT, "infer: %d tokens do not fit the context (%d of %d used)",
			       n, c->n_past, c->n_ctx);
	for (i = 0; i < n; i++)
		if (ids[i] < 0 || ids[i] >= V)
			return err_set(err, ERR_USAGE, "infer: token id %d is out of range", ids[i]);
	if (all && c->logits_rows < (size_t)n) {
		free(c->logits);
		c->logits = xmallocarray((size_t)n * V, sizeof(float));
		c->logits_rows = (size_t)n;
	}
	for (done = 0; done < n; done += c->n_batch) {
		const int nb = MIN(c->n_batch, n - done);

		forward(c, ids + done, nb, all ? c->logits + (size_t)done * V : c->logits, all);
	}
	c->n_logits = all ? n : 1;
	return 0;
}

int infer_decode(struct infer_ctx *c, int32_t id, struct err *err)
{
	return infer_prefill(c, &id, 1, 0, err);
}

const float *infer_logits(const struct infer_ctx *c, int i)
{
	if (!c->n_logits)
		return NULL;
	if (i < 0)
		i = c->n_logits - 1;
	if (i >= c->n_logits)
		return NULL;
	return c->logits + (size_t)i * c->m->info.n_vocab;
}

int infer_n_past(const struct infer_ctx *c)
{
	return c->n_past;
}

const int32_t *infer_tokens(const struct infer_ctx *c)
{
	return c->tokens;
}

void infer_truncate(struct infer_ctx *c, int n)
{
	if (n >= 0 && n < c->n_past) {
		c->n_past = n;
		c->n_logits = 0;
	}
}

/* ---- KV state save / restore ---- */

/* 03: a state may continue another from position n_from, and a whole
 * one has its blocks page-aligned (01 had the values position by
 * position, 02 neither; both are rejected as damaged, so rebuilt) */
#define KV_MAGIC "CAROKV03"
#define KV_MAX_ALIGN 65536

struct kv_header {
	char magic[8];
	uint64_t fingerprint;
	uint32_t n_layer, kv_dim, elem, n_from, n_tokens;
	/* 0, or the page size it was saved with: the token ids and each
	 * head's keys or values start at a multiple of it (zeros between),
	 * so that a load can map them instead of copying */
	uint32_t align;
};

static uint64_t kv_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t w;

	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 31;
	}
	while (n--)
		h = (h ^ *s++) * 0x100000001b3ull;
	return h;
}

static size_t kv_round(size_t n, size_t align)
{
	return align ? (n + align - 1) / align * align : n;
}

static void kv_pad(struct buf *out, size_t start, size_t align)
{
	static const uint8_t zeros[256];

	while (kv_round(out->len - start, align) != out->len - start)
		buf_add(out, zeros, MIN(sizeof(zeros), kv_round(out->len - start, align) -
							 (out->len - start)));
}

int infer_kv_save(const struct infer_ctx *c, int from, int n, struct buf *out, struct err *err)
{
	const size_t row = (size_t)c->kv_dim * c->kv_elem;
	const size_t hrow = (size_t)c->m->info.head_dim * c->kv_elem, head = c->n_ctx * hrow;
	const long page = sysconf(_SC_PAGESIZE);
	struct kv_header h;
	size_t start = out->len;
	uint64_t sum;
	int l, kh;

	if (n < 0)
		n = c->n_past;
	if (n > c->n_past || from < 0 || from > n)
		return err_set(err, ERR_USAGE, "infer: cannot save positions %d to %d of %d", from,
			       n, c->n_past);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, KV_MAGIC, 8);
	h.fingerprint = gguf_fingerprint(c->m->g);
	h.n_layer = (uint32_t)c->m->info.n_layer;
	h.kv_dim = (uint32_t)c->kv_dim;
	h.elem = (uint32_t)c->kv_elem;
	h.n_from = (uint32_t)from;
	h.n_tokens = (uint32_t)n;
	/* A continuation is small and lands mid-page: copied, never mapped. */
	h.align = from == 0 && page >= 4096 && page <= KV_MAX_ALIGN ? (uint32_t)page : 0;
	buf_add(out, &h, sizeof(h));
	/* All n tokens, so that a continuation names the state it needs. */
	buf_add(out, c->tokens, (size_t)n * sizeof(int32_t));
	kv_pad(out, start, h.align);
	for (l = 0; l < c->m->info.n_layer; l++) {
		const size_t off = (size_t)l * c->n_ctx * row + (size_t)from * hrow;

		for (kh = 0; kh < 2 * c->m->info.n_head_kv; kh++) {
			const uint8_t *cache = kh < c->m->info.n_head_kv ? c->kcache : c->vcache;

			buf_add(out, cache + off + (kh % c->m->info.n_head_kv) * head,
				(size_t)(n - from) * hrow);
			kv_pad(out, start, h.align);
		}
	}
	sum = kv_hash(0x243f6a8885a308d3ull, out->s + start, out->len - start);
	buf_add(out, &sum, sizeof(sum));
	return 0;
}

/* Restore from data[0..len); fd >= 0 is the file data maps, whose aligned
 * blocks may then be mapped into the cache (copy-on-write) instead of
 * copied: no page of the cache is zeroed and filled, the page cache's
 * pages serve until a position in them is written. */
static int kv_load(struct infer_ctx *c, const void *data, size_t len, int fd,
		   const int32_t *expect, int n_expect, struct err *err)
{
	const size_t row = (size_t)c->kv_dim * c->kv_elem;
	const size_t hrow = (size_t)c->m->info.head_dim * c->kv_elem, head = c->n_ctx * hrow;
	const long page = sysconf(_SC_PAGESIZE);
	const uint8_t *p = data;
	struct kv_header h;
	uint64_t sum;
	size_t need, sz, blk, at;
	int l, i, kh, base;
	bool map;

	if (len < sizeof(h) + 8)
		return err_set(err, ERR_CORRUPT, "infer: KV state truncated");
	memcpy(&h, p, sizeof(h));
	if (memcmp(h.magic, KV_MAGIC, 8))
		return err_set(err, ERR_CORRUPT, "infer: not a KV state (bad magic)");
	if (h.fingerprint != gguf_fingerprint(c->m->g))
		return err_set(err, ERR_NOTFOUND, "infer: KV state is for another model file");
	if (h.n_layer != (uint32_t)c->m->info.n_layer || h.kv_dim != (uint32_t)c->kv_dim ||
	    h.elem != c->kv_elem)
		return err_set(err, ERR_NOTFOUND, "infer: KV state has another cache geometry");
	if (h.n_from > h.n_tokens || (h.align & (h.align - 1)) || h.align > KV_MAX_ALIGN)
		return err_set(err, ERR_CORRUPT, "infer: KV state has a bad header");
	if (h.n_tokens > (uint32_t)c->n_ctx)
		return err_set(err, ERR_NOTFOUND, "infer: KV state of %u tokens exceeds the context",
			       h.n_tokens);
	sz = (size_t)(h.n_tokens - h.n_from) * hrow;
	blk = kv_round(sz, h.align);
	at = kv_round(sizeof(h) + (size_t)h.n_tokens * 4, h.align);
	need = at + 2 * (size_t)h.n_layer * c->m->info.n_head_kv * blk + 8;
	if (len != need)
		return err_set(err, ERR_CORRUPT, "infer: KV state has %zu bytes, expected %zu", len,
			       need);
	memcpy(&sum, p + len - 8, 8);
	if (sum != kv_hash(0x243f6a8885a308d3ull, p, len - 8))
		return err_set(err, ERR_CORRUPT, "infer: KV state checksum mismatch");
	p += sizeof(h);
	/* A continuation needs the very state it was computed on. */
	if (h.n_from > (uint32_t)c->n_past ||
	    memcmp(c->tokens, p, (size_t)h.n_from * sizeof(int32_t)))
		return err_set(err, ERR_NOTFOUND,
			       "infer: KV state continues %u positions the cache lacks", h.n_from);
	base = (int)h.n_from;
	for (i = base; i < (int)h.n_tokens; i++) {
		int32_t id;

		memcpy(&id, p + (size_t)i * 4, 4);
		if (id < 0 || id >= c->m->info.n_vocab)
			return err_set(err, ERR_CORRUPT, "infer: KV state has a bad token id");
	}
	if (expect && ((int)h.n_tokens > n_expect ||
		       memcmp(p, expect, (size_t)h.n_tokens * sizeof(int32_t))))
		return err_set(err, ERR_NOTFOUND, "infer: KV state is for other tokens");
	/* Nothing is changed before here: on error the cache is as it was.
	 * Mapped when the blocks and the cache's heads both fall on pages
	 * (a block's last page, read past its end, holds zeros, and lies
	 * inside its head's stretch of the cache). */
	map = fd >= 0 && base == 0 && h.align && page > 0 && h.align % page == 0 &&
	      (uintptr_t)c->kcache % (uintptr_t)page == 0 &&
	      (uintptr_t)c->vcache % (uintptr_t)page == 0 && head % (size_t)page == 0 &&
	      blk <= head;
	memcpy(c->tokens + base, p + (size_t)base * 4, (size_t)(h.n_tokens - h.n_from) * 4);
	for (l = 0; l < (int)h.n_layer; l++) {
		const size_t off = (size_t)l * c->n_ctx * row + (size_t)base * hrow;

		for (kh = 0; kh < 2 * c->m->info.n_head_kv; kh++, at += blk) {
			uint8_t *dst = (kh < c->m->info.n_head_kv ? c->kcache : c->vcache) + off +
				       (kh % c->m->info.n_head_kv) * head;

			if (map && blk &&
			    mmap(dst, blk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
				 (off_t)at) != MAP_FAILED)
				continue;
			/* A failed MAP_FIXED may have unmapped the range: put
			 * fresh memory back before copying into it. */
			if (map && blk &&
			    mmap(dst, blk, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
				abort();
			memcpy(dst, (const uint8_t *)data + at, sz);
		}
	}
	c->n_past = (int)h.n_tokens;
	c->n_logits = 0;
	return 0;
}

int infer_kv_load(struct infer_ctx *c, const void *data, size_t len, const int32_t *expect,
		  int n_expect, struct err *err)
{
	return kv_load(c, data, len, -1, expect, n_expect, err);
}

int infer_kv_save_file(const struct infer_ctx *c, int from, const char *path, struct err *err)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	FILE *f = NULL;
	int rc = -1;

	if (infer_kv_save(c, from, -1, &b, err) < 0)
		goto out;
	buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp.s, "wb");
	if (!f) {
		err_errno(err, ERR_IO, "infer: cannot create %s", tmp.s);
		goto out;
	}
	if (fwrite(b.s, 1, b.len, f) != b.len || fflush(f) != 0) {
		err_errno(err, ERR_IO, "infer: cannot write %s", tmp.s);
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		err_errno(err, ERR_IO, "infer: cannot write %s", tmp.s);
		goto out;
	}
	f = NULL;
	if (rename(tmp.s, path) < 0) {
		err_errno(err, ERR_IO, "infer: cannot rename %s", tmp.s);
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (rc < 0 && tmp.s)
		unlink(tmp.s);
	buf_release(&b);
	buf_release(&tmp);
	return rc;
}

int infer_kv_load_file(struct infer_ctx *c, const char *path, const int32_t *expect,
		       int n_expect, struct err *err)
{
	struct stat st;
	void *map;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(err, ERR_NOTFOUND, "infer: no KV state at %s", path);
		return err_errno(err, ERR_IO, "infer: cannot open %s", path);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return err_set(err, ERR_CORRUPT, "infer: %s is not a KV state", path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return err_errno(err, ERR_IO, "infer: cannot map %s", path);
	}
	rc = kv_load(c, map, (size_t)st.st_size, fd, expect, n_expect, err);
	munmap(map, (size_t)st.st_size);
	close(fd);
	return rc;
}
