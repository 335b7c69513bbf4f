/*
 * infer.h: the embedded inference engine, the one header the product uses.
 *
 * A model (struct infer_model) is a mapped GGUF file of the llama or qwen2
 * architecture: opening it parses and validates the header and the tensor
 * table, and touches no weights, so it is cheap (a few ms) and can be done
 * lazily when a request first needs it. A context (struct infer_ctx) holds
 * a KV cache of n_ctx positions, scratch buffers and a thread pool; it is
 * where tokens are evaluated. Several contexts may share one model.
 *
 * Typical use by the local engine:
 *
 *   m = infer_model_open(path, &err);
 *   c = infer_ctx_new(m, &params, &err);
 *   // system prompt: restore its KV state, or compute and save it once
 *   if (infer_kv_load_file(c, cache_path, sys_ids, n_sys, &err) < 0) {
 *           infer_prefill(c, sys_ids, n_sys, 0, &err);
 *           infer_kv_save_file(c, 0, cache_path, &err);
 *   }
 *   infer_prefill(c, req_ids, n_req, 0, &err);       // only the request
 *   infer_generate(c, sampler, &gen, &n, &err);       // streams via gen.on_token
 *
 * Token ids come from the tokenizer (tok.h), which is built from the same
 * GGUF metadata (infer_model_gguf()). Stop strings need text, so they are
 * checked by the caller's on_token callback with infer_stop_scan().
 *
 * Threading: a context is used by one thread at a time; its pool's threads
 * run inside infer_prefill/infer_decode only.
 */
#ifndef CARO_INFER_H
#define CARO_INFER_H

#include "buf.h"
#include "common.h"
#include "err.h"
#include "infer/gguf.h"

struct infer_model;
struct infer_ctx;
struct infer_sampler;

struct infer_model_info {
	char arch[16];        /* "llama" or "qwen2" */
	char name[64];        /* general.name, "" when absent */
	int n_vocab;
	int n_embd;
	int n_layer;
	int n_head;
	int n_head_kv;
	int head_dim;
	int n_ff;
	int n_ctx_train;      /* context_length from the file, 0 when absent */
	float rope_base;
	float norm_eps;
	bool neox_rope;       /* rotate halves (qwen2) instead of pairs (llama) */
	bool qkv_bias;
	bool tied_output;     /* output projection shares token_embd */
	uint32_t main_type;   /* the ggml type of most weight bytes */
	uint64_t n_params;
	uint64_t file_size;
	int32_t bos_id, eos_id; /* -1 when the file names none */
};

/* Map and validate a GGUF model. Returns a new model (caller frees with
 * infer_model_close) or NULL: ERR_IO (cannot open), ERR_PARSE (not a valid
 * GGUF file, a missing or misshapen tensor, an unknown architecture),
 * ERR_UNAVAILABLE (a tensor type the engine does not compute). */
struct infer_model *infer_model_open(const char *path, struct err *err);
/* Unmap. The model must outlive its contexts. NULL is a no-op. */
void infer_model_close(struct infer_model *m);
const struct infer_model_info *infer_model_info(const struct infer_model *m);
/* The underlying GGUF reader, for the tokenizer and metadata lookups;
 * owned by the model. */
const struct gguf *infer_model_gguf(const struct infer_model *m);

struct infer_ctx_params {
	int n_ctx;      /* KV cache positions; 0: min(n_ctx_train, 4096) */
	int n_threads;  /* 0: the CPUs this process may use */
	int n_batch;    /* tokens per forward pass in prefill; 0: 128 */
	bool kv_f32;    /* f32 KV cache instead of f16 (twice the memory) */
	bool ref_kernels; /* the portable reference kernels, as CARO_KERNELS=ref */
	/* Use all n_threads for every evaluation. By default each kind of
	 * evaluation (prefill, decode) measures itself on one thread and on
	 * all of them and keeps the faster: on a machine whose cores are
	 * busy with other work, threads that wait for each other lose. */
	bool fixed_threads;
};

/* A context on model m with params p (NULL: all defaults). Allocates the
 * KV cache (its pages are touched only as positions fill, so a large
 * n_ctx costs address space, not RSS) and starts the threads. Returns NULL
 * with ERR_USAGE for bad params or ERR_UNAVAILABLE if threads fail. */
struct infer_ctx *infer_ctx_new(struct infer_model *m, const struct infer_ctx_params *p,
				struct err *err);
/* Stop the threads and free. NULL is a no-op. */
void infer_ctx_free(struct infer_ctx *c);
/* The name of the kernel set in use ("avx512vnni", "avx2", "neon", "ref"). */
const char *infer_ctx_kernels(const struct infer_ctx *c);
/* The name of the kernel set a context on this CPU gets (the best it runs,
 * or the one CARO_KERNELS names). */
const char *infer_kernels(void);
int infer_ctx_threads(const struct infer_ctx *c);
/* How many threads the last evaluation used (see fixed_threads). */
int infer_ctx_last_threads(const struct infer_ctx *c);
int infer_ctx_n_ctx(const struct infer_ctx *c);

/* Evaluate n tokens at the end of the cache (positions n_past .. n_past+n-1)
 * in batches of n_batch, appending them to the cache. Afterwards
 * infer_logits(c, -1) is the distribution for the next token; with
 * INFER_ALL_LOGITS every position's logits are kept (n rows of n_vocab),
 * which tests and scoring use. Returns 0, or -1 with ERR_USAGE (an id out
 * of range, n <= 0) or ERR_LIMIT (the cache would overflow n_ctx); on
 * error the cache is left as it was. */
#define INFER_ALL_LOGITS 1u
int infer_prefill(struct infer_ctx *c, const int32_t *ids, int n, unsigned flags,
		  struct err *err);
/* Evaluate one token: infer_prefill(c, &id, 1, 0, err). */
int infer_decode(struct infer_ctx *c, int32_t id, struct err *err);
/* Logits of row i of the last evaluation (i < n with INFER_ALL_LOGITS),
 * or of its last token for i = -1. n_vocab floats owned by the context,
 * valid until the next evaluation; NULL before any evaluation. */
const float *infer_logits(const struct infer_ctx *c, int i);

/* The tokens whose keys and values are in the cache, in order. */
int infer_n_past(const struct infer_ctx *c);
const int32_t *infer_tokens(const struct infer_ctx *c);
/* Forget every position from n on (n <= n_past), e.g. to keep the common
 * prefix of a cached prompt and a new one. */
void infer_truncate(struct infer_ctx *c, int n);

/* Serialize positions [from, n) of the cache (n <= n_past; -1: all)
 * into out (appended): a header with the model's fingerprint, the KV
 * geometry and all n token ids, the keys and values of those positions,
 * and a checksum. from > 0 makes a continuation, which restores only on
 * top of a cache holding the same first from tokens: a long prefix
 * shared by few requests can be saved as a small file beside the state
 * of the short prefix all requests share. */
int infer_kv_save(const struct infer_ctx *c, int from, int n, struct buf *out, struct err *err);
/* Restore a state saved by infer_kv_save: the cache then holds its n
 * positions (a continuation keeps the from positions it was saved on).
 * When expect is not NULL, the saved tokens must be a prefix of
 * expect[0..n_expect) (ERR_NOTFOUND otherwise: the cache is stale). A
 * state from another model file or KV geometry, or a continuation of
 * tokens the cache does not hold, is ERR_NOTFOUND too; a truncated or
 * damaged one ERR_CORRUPT. On error the cache is left as it was. */
int infer_kv_load(struct infer_ctx *c, const void *data, size_t len, const int32_t *expect,
		  int n_expect, struct err *err);
/* The same through a file, of positions [from, n_past): saving writes a
 * temporary file and renames it into place, so readers never see a
 * partial state. ERR_IO on file errors (a missing file is ERR_NOTFOUND). */
int infer_kv_save_file(const struct infer_ctx *c, int from, const char *path, struct err *err);
int infer_kv_load_file(struct infer_ctx *c, const char *path, const int32_t *expect,
		       int n_expect, struct err *err);

/* ---- sampling ---- */

struct infer_sampler_params {
	float temp;            /* <= 0: greedy (argmax) */
	int top_k;             /* <= 0: off */
	float top_p;           /* >= 1: off */
	float min_p;           /* <= 0: off; keep p >= min_p * p_max */
	float repeat_penalty;  /* 1: off; llama.cpp's rule on the last tokens */
	int repeat_last_n;     /* how many recent tokens the penalty sees */
	uint64_t seed;
};

/* Defaults: temp 0.8, top_k 40, top_p 0.95, min_p 0.05, repeat_penalty
 * 1.0 (off), repeat_last_n 64, seed 0. */
void infer_sampler_defaults(struct infer_sampler_params *p);
/* A sampler for a vocabulary of n_vocab (caller frees). */
struct infer_sampler *infer_sampler_new(const struct infer_sampler_params *p, int n_vocab);
void infer_sampler_free(struct infer_sampler *s);
/* Choose a token from logits (n_vocab floats, not modified). The same
 * seed, logits and accepted history give the same choice. */
int32_t infer_sample(struct infer_sampler *s, const float *logits);
/* Record a token in the repetition history (infer_generate does this for
 * every generated token; callers may feed prompt tokens). */
void infer_sampler_accept(struct infer_sampler *s, int32_t id);
/* Forget the history and reseed. */
void infer_sampler_reset(struct infer_sampler *s, uint64_t seed);

/* ---- generation ---- */

enum infer_stop {
	INFER_STOP_NONE,
	INFER_STOP_ID,       /* an end-of-generation id was sampled */
	INFER_STOP_LIMIT,    /* max_tokens generated */
	INFER_STOP_CALLBACK, /* on_token asked to stop (e.g. a stop string) */
	INFER_STOP_CONTEXT,  /* the KV cache is full */
};

struct infer_gen {
	int max_tokens;             /* token limit, > 0 */
	const int32_t *stop_ids;    /* e.g. eos, <|im_end|>: ends without being emitted */
	int n_stop_ids;
	/* Called with each generated token, in order. Return 0 to go on, 1 to
	 * stop (the token counts as generated), -1 to abort with ERR_CANCELLED. */
	int (*on_token)(void *user, int32_t id);
	void *user;
	/* Prompt-lookup drafting, with greedy sampling only: when the last
	 * tokens occurred before (in the prompt or the output), up to this
	 * many of the tokens that followed them are checked in one batch (fewer
	 * while drafts keep being cut short), and those the model agrees with
	 * cost no decode step of their own. The
	 * output is the same token for token (up to the last bits of the
	 * float sums, which a batch adds in another order). 0: off. */
	int lookup;
	enum infer_stop stopped;    /* out: why generation ended */
	int n_drafted, n_accepted;  /* out: drafted tokens, and those kept */
};

/* Sample and decode up to g->max_tokens tokens after a prefill (the
 * logits of the last evaluation are the first distribution). Each token
 * is passed to g->on_token before it is decoded, so the caller streams
 * text with no extra latency, and the final token is never decoded when
 * generation stops there. *n_out (may be NULL) gets the number of tokens
 * passed to on_token. Returns 0 or -1 (an evaluation error, or
 * ERR_CANCELLED from the callback). */
int infer_generate(struct infer_ctx *c, struct infer_sampler *s, struct infer_gen *g, int *n_out,
		   struct err *err);

/* Stop strings over streamed text. text[0..len) is the text generated so
 * far that has not been emitted yet. Returns how many leading bytes can be
 * emitted now: up to the first occurrence of any stop string (then
 * *matched is set and generation should end), else all but the longest
 * tail that could still grow into a stop string. */
size_t infer_stop_scan(const char *text, size_t len, const char *const *stops, int n_stops,
		       bool *matched);

#endif
