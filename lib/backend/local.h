/*
 * local.h: the local engine's inner workings, for tests, benchmarks and
 * `caro model run`. Everything else uses it through backend_local_ops.
 */
#ifndef CARO_BACKEND_LOCAL_H
#define CARO_BACKEND_LOCAL_H

#include "backend.h"
#include "buf.h"

/* What one generation did, for logs and tests. */
struct local_stats {
	char model[4096];     /* the file */
	char template_name[16];
	bool template_known;
	char kv_path[4096];   /* the prefix cache file ("" when off) */
	bool cache_hit;       /* the prefix came from kv_path */
	int n_prompt;         /* prompt tokens */
	int n_prefix;         /* of them, the cacheable prefix */
	int n_prefilled;      /* evaluated in this run */
	int n_generated;
	double ms_load;       /* open the model, build the tokenizer */
	double ms_prompt;     /* context, prefix cache, prefill */
	double ms_generate;
};

/* Generate the model's raw text for req with a local backend b (opened
 * through backend_open with backend_local_ops). *complete is false when
 * the token limit cut the text. st may be NULL. */
int backend_local_text(struct backend *b, const struct gen_request *req, struct buf *text,
		       bool *complete, struct local_stats *st, struct err *err);

#endif
