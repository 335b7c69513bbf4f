/*
 * backend.h: the engines that turn a request into commands, behind one
 * const ops table each (curl's TLS backends, SQLite's VFS, ggml's backends).
 *
 * An engine produces text and nothing else: every command it returns is
 * parsed and rated by the caller like any other. Callers use the thin
 * wrappers below and never reach into b->ops.
 */
#ifndef CARO_BACKEND_H
#define CARO_BACKEND_H

#include "buf.h"
#include "common.h"
#include "config.h"
#include "err.h"
#include "platform.h"

#define GEN_MAX_CANDIDATES 10

struct gen_request {
	const char *text;            /* the user's request */
	size_t len;
	const struct platform *plat; /* target userland */
	enum plat_shell shell;       /* shell the command is for */
	const char *cwd;             /* may be NULL */
	size_t max_candidates;       /* 1..GEN_MAX_CANDIDATES */
	/* Engines that generate text call this with each piece as it comes,
	 * so a terminal can show it live. May be NULL. */
	void (*on_text)(void *ud, const char *piece, size_t len);
	void *ud;
	/* Benchmarks only: force this many generated tokens (0: off). */
	int force_tokens;
};

struct gen_candidate {
	char *command;
	char *explanation; /* may be NULL */
};

struct gen_answer {
	size_t n;
	struct gen_candidate c[GEN_MAX_CANDIDATES];
	bool context_dependent; /* the answer used facts about the cwd */
};

/* Add a candidate (copied) unless the same command is already there or the
 * answer is full. Returns true when added. */
bool gen_answer_add(struct gen_answer *a, const char *command, const char *explanation);
void gen_answer_release(struct gen_answer *a);

struct backend;

struct backend_ops {
	const char *name;
	/* Cheap and offline: can this engine be used with this config? When
	 * not, why says what to do about it. */
	bool (*usable)(const struct config *cfg, char *why, size_t cap);
	int (*open)(const struct config *cfg, struct backend **out, struct err *err);
	/* ERR_DECLINED: no command for this request. ERR_NET, ERR_TIMEOUT and
	 * 5xx ERR_HTTP: the next engine may try (backend_should_fall_back). */
	int (*generate)(struct backend *b, const struct gen_request *req, struct gen_answer *ans,
			struct err *err);
	/* A live check for `caro doctor`, which may touch the network. */
	int (*probe)(struct backend *b, struct buf *status, struct err *err);
	/* What identifies this engine's answers, for cache keys: the engine
	 * and model identity (file size+mtime, server URL and model...). */
	void (*identity)(struct backend *b, struct buf *out);
	void (*close)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
};

/* The engine of that name, or NULL when this build has none. */
const struct backend_ops *backend_find(const char *name);
/* Engine names in --backend auto order: match, local, ollama, openai. */
extern const char *const backend_chain_names[];
/* The auto chain to walk: backend_chain_names, plus caro's own test engine
 * at the end when CARO_TEST_ENGINE is set (tests only, backend/test.c). */
const char *const *backend_chain(void);

bool backend_usable(const struct backend_ops *ops, const struct config *cfg, char *why, size_t cap);
int backend_open(const struct backend_ops *ops, const struct config *cfg, struct backend **out,
		 struct err *err);
int backend_generate(struct backend *b, const struct gen_request *req, struct gen_answer *ans,
		     struct err *err);
int backend_probe(struct backend *b, struct buf *status, struct err *err);
void backend_identity(struct backend *b, struct buf *out);
const char *backend_name(const struct backend *b);
void backend_close(struct backend *b);

/* May the chain move on to the next engine after this error? */
bool backend_should_fall_back(const struct err *e);

#endif
