/*
 * local.h: the local engine's inner workings, for tests, benchmarks and
 * `caro model run`. Everything else uses it through backend_local_ops.
 */
#ifndef CARO_BACKEND_LOCAL_H
#define CARO_BACKEND_LOCAL_H

#include "backend.h"
#include "buf.h"
#include "platform.h"

/* What one generation did, for logs and tests. */
struct local_stats {
	char model[4096];     /* the file */
	char template_name[16];
	bool template_known;
	char kv_path[4096];   /* the prefix cache file ("" when off) */
	bool cache_hit;       /* the prefix came from kv_path */
	char ctx_path[4096];  /* the file that continues it through the
	                       * directory's lines ("" when none) */
	bool context_hit;     /* those came from ctx_path */
	int n_prompt;         /* prompt tokens */
	int n_prefix;         /* of them, the cacheable prefix */
	int n_context;        /* through the directory's lines (0: none) */
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

/*
 * Where the generated text ends: at a stop string (a chat template's
 * end-of-turn written as text), or at a line end once the text so far is
 * one whole command by the answer parser's judgement (so "```bash" and
 * "Here is the command:" lines go on, and a loop goes on until "done"),
 * or after LOCAL_MAX_LINES lines. Fed the whole text after each new piece.
 */
#define LOCAL_MAX_LINES 16
#define LOCAL_MAX_STOPS 4

struct local_cut {
	const char *stops[LOCAL_MAX_STOPS];
	int n_stops;
	enum plat_shell shell;
	size_t shown;    /* bytes that can be shown: no stop string can start there */
	size_t scanned;  /* bytes checked for line ends */
	int lines;
	bool done;       /* the command is complete; text was cut after it */
};

/* stops (borrowed) are the stop strings. */
void local_cut_init(struct local_cut *c, const char *const *stops, int n_stops,
		    enum plat_shell shell);
/* text grew: returns how many of its bytes can be shown now; sets c->done
 * and truncates text when the command is complete. */
size_t local_cut_feed(struct local_cut *c, struct buf *text);

#endif
