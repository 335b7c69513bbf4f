/*
 * llamacpp_bench: llama.cpp's speed on this machine, measured the way
 * infer_bench measures caro's engine, so the two can be tabled side by
 * side: pp256 (one 256-token prompt from an empty cache) and tg32 (32
 * single-token decodes from an empty cache), the same token ids, repeated
 * and reported as median and p95, for each thread count asked; the load
 * time (process start to ready to decode) and the peak RSS.
 *
 *   llamacpp_bench LIBDIR MODEL.gguf [--threads 1,2] [--reps N] [--label NAME]
 *   llamacpp_bench LIBDIR MODEL.gguf --case PROMPT,PREFIX,GEN [--state FILE] [--threads N]
 *
 * LIBDIR holds a prebuilt llama.cpp (libllama.*.so, libggml*.so with its
 * per-CPU backends), as the npm package @node-llama-cpp/linux-x64 ships
 * it; bench/llamacpp_bench.sh fetches it. It is opened with dlopen, so
 * caro never links it. The functions used take or return only pointers,
 * integers and struct llama_batch, whose layout has not changed since
 * 2023; the parameter structs, which change from release to release, are
 * passed through as the library's own defaults, opaquely (the threads are
 * set afterwards with llama_set_n_threads).
 *
 * --case is a whole-process stand-in for caro's local engine (bench/
 * local_bench.py): a PROMPT-token prompt whose first PREFIX tokens are a
 * cached state (llama_state_load_file from FILE when it exists; else
 * computed and saved there), then GEN greedy tokens (argmax). Time it
 * from outside (proc_bench).
 */
#include "common.h"
#include "bench.h"
#include "proc.h"

#include <dirent.h>
#include <dlfcn.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef int32_t llama_token;

/* llama.h's struct llama_batch */
struct llama_batch {
	int32_t n_tokens;
	llama_token *token;
	float *embd;
	int32_t *pos;
	int32_t *n_seq_id;
	int32_t **seq_id;
	int8_t *logits;
};

/* The parameter structs, opaque: larger than any release's (under 1 KB),
 * so a by-value return fills a prefix and a by-value argument copies the
 * callee's whole struct. */
struct opaque_params {
	_Alignas(16) unsigned char b[4096];
};

static struct {
	void (*backend_init)(void);
	void (*log_set)(void (*cb)(int, const char *, void *), void *ud);
	struct opaque_params (*model_default_params)(void);
	struct opaque_params (*context_default_params)(void);
	void *(*model_load_from_file)(const char *path, struct opaque_params p);
	void *(*init_from_model)(void *model, struct opaque_params p);
	void (*set_n_threads)(void *ctx, int32_t n, int32_t n_batch);
	const void *(*model_get_vocab)(const void *model);
	int32_t (*vocab_n_tokens)(const void *vocab);
	struct llama_batch (*batch_get_one)(llama_token *tokens, int32_t n);
	int32_t (*decode)(void *ctx, struct llama_batch b);
	float *(*get_logits_ith)(void *ctx, int32_t i);
	void *(*get_memory)(const void *ctx);
	void (*memory_clear)(void *mem, bool data);
	bool (*state_load_file)(void *ctx, const char *path, llama_token *out, size_t cap,
				size_t *n_out);
	bool (*state_save_file)(void *ctx, const char *path, const llama_token *t, size_t n);
	const char *(*print_system_info)(void);
	void (*free_ctx)(void *ctx);
	void (*model_free)(void *model);
	void (*load_all_from_path)(const char *dir);
} L;

static void quiet(int level, const char *text, void *ud)
{
	(void)level;
	(void)text;
	(void)ud;
}

/* dlsym into *fp, or complain */
static int sym(void *lib, const char *name, void *fp)
{
	void *s = dlsym(lib, name);

	if (!s) {
		fprintf(stderr, "llamacpp_bench: %s: %s\n", name, dlerror());
		return -1;
	}
	memcpy(fp, &s, sizeof(s));
	return 0;
}

/* dir/NAME for the first NAME in dir that starts with prefix and holds
 * ".so" (the versioned names differ per release: libllama.v0.5.0.so). */
static int find_lib(const char *dir, const char *prefix, char *out, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) && strstr(e->d_name, ".so")) {
			snprintf(out, cap, "%s/%s", dir, e->d_name);
			rc = 0;
			break;
		}
	closedir(d);
	return rc;
}

static int open_llama(const char *dir)
{
	char path[4200];
	void *ggml, *lib;

	if (find_lib(dir, "libggml.", path, sizeof(path)) < 0 ||
	    !(ggml = dlopen(path, RTLD_NOW | RTLD_GLOBAL))) {
		fprintf(stderr, "llamacpp_bench: no libggml in %s\n", dir);
		return -1;
	}
	if (find_lib(dir, "libllama.", path, sizeof(path)) < 0 ||
	    !(lib = dlopen(path, RTLD_NOW | RTLD_GLOBAL))) {
		fprintf(stderr, "llamacpp_bench: no libllama in %s: %s\n", dir, dlerror());
		return -1;
	}
	if (sym(ggml, "ggml_backend_load_all_from_path", &L.load_all_from_path) ||
	    sym(lib, "llama_backend_init", &L.backend_init) ||
	    sym(lib, "llama_log_set", &L.log_set) ||
	    sym(lib, "llama_model_default_params", &L.model_default_params) ||
	    sym(lib, "llama_context_default_params", &L.context_default_params) ||
	    sym(lib, "llama_model_load_from_file", &L.model_load_from_file) ||
	    sym(lib, "llama_init_from_model", &L.init_from_model) ||
	    sym(lib, "llama_set_n_threads", &L.set_n_threads) ||
	    sym(lib, "llama_model_get_vocab", &L.model_get_vocab) ||
	    sym(lib, "llama_vocab_n_tokens", &L.vocab_n_tokens) ||
	    sym(lib, "llama_batch_get_one", &L.batch_get_one) ||
	    sym(lib, "llama_decode", &L.decode) ||
	    sym(lib, "llama_get_logits_ith", &L.get_logits_ith) ||
	    sym(lib, "llama_get_memory", &L.get_memory) ||
	    sym(lib, "llama_memory_clear", &L.memory_clear) ||
	    sym(lib, "llama_state_load_file", &L.state_load_file) ||
	    sym(lib, "llama_state_save_file", &L.state_save_file) ||
	    sym(lib, "llama_print_system_info", &L.print_system_info) ||
	    sym(lib, "llama_free", &L.free_ctx) ||
	    sym(lib, "llama_model_free", &L.model_free))
		return -1;
	L.log_set(quiet, NULL);
	/* the CPU backend of this CPU's kind (libggml-cpu-haswell.so on AVX2) */
	L.load_all_from_path(dir);
	L.backend_init();
	return 0;
}

/* Evaluate n tokens in batches of at most 512 (the default n_ubatch). */
static int eval(void *ctx, llama_token *ids, int n)
{
	int done, nb;

	for (done = 0; done < n; done += nb) {
		nb = MIN(512, n - done);
		if (L.decode(ctx, L.batch_get_one(ids + done, nb)) != 0) {
			fprintf(stderr, "llamacpp_bench: llama_decode failed\n");
			return -1;
		}
	}
	return 0;
}

static llama_token argmax(void *ctx, int n_vocab)
{
	const float *lg = L.get_logits_ith(ctx, -1);
	llama_token best = 0;
	int i;

	for (i = 1; i < n_vocab; i++)
		if (lg[i] > lg[best])
			best = i;
	return best;
}

/* --case: the local engine's request, whole process */
static int run_case(void *model, void *ctx, int n_vocab, const char *spec, const char *state)
{
	int n_prompt = 0, n_prefix = 0, n_gen = 0, i, n_past = 0;
	llama_token *ids, tok;
	size_t n_loaded = 0;

	if (sscanf(spec, "%d,%d,%d", &n_prompt, &n_prefix, &n_gen) != 3 || n_prompt < 1 ||
	    n_prefix < 0 || n_prefix >= n_prompt || n_gen < 1) {
		fprintf(stderr, "llamacpp_bench: --case PROMPT,PREFIX,GEN\n");
		return 2;
	}
	(void)model;
	ids = xmallocarray((size_t)n_prompt, sizeof(*ids));
	for (i = 0; i < n_prompt; i++)
		ids[i] = (llama_token)((i * 7919 + 13) % n_vocab);
	if (state && n_prefix > 0 && access(state, F_OK) == 0) {
		llama_token *saved = xmallocarray((size_t)n_prefix, sizeof(*saved));

		if (L.state_load_file(ctx, state, saved, (size_t)n_prefix, &n_loaded) &&
		    n_loaded == (size_t)n_prefix && !memcmp(saved, ids, (size_t)n_prefix * sizeof(*ids)))
			n_past = n_prefix;
		else
			L.memory_clear(L.get_memory(ctx), true);
		free(saved);
	}
	if (n_past == 0 && state && n_prefix > 0) {
		if (eval(ctx, ids, n_prefix) < 0 || !L.state_save_file(ctx, state, ids, (size_t)n_prefix))
			return 1;
		n_past = n_prefix;
	}
	if (eval(ctx, ids + n_past, n_prompt - n_past) < 0)
		return 1;
	for (i = 0; i < n_gen; i++) {
		tok = argmax(ctx, n_vocab);
		if (i + 1 < n_gen && eval(ctx, &tok, 1) < 0)
			return 1;
	}
	free(ids);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir, *path, *threads = "1,2", *label = "", *cse = NULL, *state = NULL;
	struct rusage ru;
	void *model, *ctx;
	llama_token prompt[256];
	double load_ms, *pp, *tg;
	int reps = 5, i, r, n_vocab, first = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: llamacpp_bench LIBDIR MODEL.gguf [--threads 1,2] [--reps N] "
				"[--label NAME] [--case PROMPT,PREFIX,GEN [--state FILE]]\n");
		return 2;
	}
	dir = argv[1];
	path = argv[2];
	for (i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--threads"))
			threads = argv[i + 1];
		else if (!strcmp(argv[i], "--reps"))
			reps = MAX(1, atoi(argv[i + 1]));
		else if (!strcmp(argv[i], "--label"))
			label = argv[i + 1];
		else if (!strcmp(argv[i], "--case"))
			cse = argv[i + 1];
		else if (!strcmp(argv[i], "--state"))
			state = argv[i + 1];
		else {
			fprintf(stderr, "llamacpp_bench: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (open_llama(dir) < 0)
		return 1;
	model = L.model_load_from_file(path, L.model_default_params());
	if (!model) {
		fprintf(stderr, "llamacpp_bench: cannot load %s\n", path);
		return 1;
	}
	/* the default context (512 positions or more) holds pp256 and tg32 */
	ctx = L.init_from_model(model, L.context_default_params());
	if (!ctx) {
		fprintf(stderr, "llamacpp_bench: cannot create a context\n");
		return 1;
	}
	n_vocab = L.vocab_n_tokens(L.model_get_vocab(model));
	if (cse) {
		L.set_n_threads(ctx, atoi(threads), atoi(threads));
		r = run_case(model, ctx, n_vocab, cse, state);
		L.free_ctx(ctx);
		L.model_free(model);
		return r;
	}
	load_ms = proc_uptime_ms();
	for (i = 0; i < 256; i++)
		prompt[i] = (llama_token)((i * 7919 + 13) % n_vocab);
	pp = xmallocarray((size_t)reps, sizeof(double));
	tg = xmallocarray((size_t)reps, sizeof(double));
	printf("{\"model\": \"%s\", \"label\": \"%s\", \"engine\": \"llama.cpp\", \"load_ms\": %.2f, "
	       "\"system_info\": \"",
	       path, label, load_ms);
	for (const char *c = L.print_system_info(); *c; c++)
		if (*c >= ' ' && *c != '"' && *c != '\\')
			putchar(*c);
	printf("\", \"runs\": [");
	for (const char *t = threads; *t;) {
		const int nth = atoi(t);

		L.set_n_threads(ctx, nth, nth);
		/* warm-up: touches every weight page once */
		L.memory_clear(L.get_memory(ctx), true);
		if (eval(ctx, prompt, 32) < 0)
			return 1;
		for (r = 0; r < reps; r++) {
			double a;

			L.memory_clear(L.get_memory(ctx), true);
			a = (1e3 * bench_now());
			if (eval(ctx, prompt, 256) < 0)
				return 1;
			pp[r] = 256 / (((1e3 * bench_now()) - a) / 1e3);
			L.memory_clear(L.get_memory(ctx), true);
			a = (1e3 * bench_now());
			for (i = 0; i < 32; i++)
				if (eval(ctx, &prompt[i], 1) < 0)
					return 1;
			tg[r] = 32 / (((1e3 * bench_now()) - a) / 1e3);
		}
		printf("%s{\"threads\": \"%d\", \"pp256_median\": %.1f, \"pp256_p95_low\": %.1f, "
		       "\"tg32_median\": %.1f, \"tg32_p95_low\": %.1f}",
		       first ? "" : ", ", nth, bench_quantile(pp, (size_t)reps, 0.5), bench_quantile(pp, (size_t)reps, 0.05), bench_quantile(tg, (size_t)reps, 0.5),
		       bench_quantile(tg, (size_t)reps, 0.05));
		first = 0;
		t = strchr(t, ',');
		t = t ? t + 1 : "";
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("], \"peak_rss_mb\": %.1f}\n", (double)ru.ru_maxrss / 1024);
	free(pp);
	free(tg);
	L.free_ctx(ctx);
	L.model_free(model);
	return 0;
}
