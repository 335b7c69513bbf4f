/*
 * tok_bench.c: tokenizer speed on the fixture vocabularies.
 *
 *   build/rel/bench/tok_bench [--reps N] [--json FILE] [VOCAB.gguf ...]
 *
 * Without arguments: every ggml-vocab-*.gguf of $CARO_SHARED/fixtures/
 * tokenizer (default ../shared) and the tiny models' ChatML vocabulary.
 * For each vocabulary it measures
 *   - load: gguf_open (the reader's share) and tok_new_from_gguf (the
 *     tokenizer's), each in a fresh child process (file in the page
 *     cache), as a caro request pays them;
 *   - encode and decode of every string of the .inp corpus (plain text, no
 *     special tokens), each string timed alone, REPS times;
 *   - encode of a ~250-token chat system prompt with its ChatML special
 *     tokens parsed (TOK_ENC_SPECIAL), the prompt the local engine sends.
 * It prints a table and writes one JSON document (default
 * build/bench-tok.json) with median, p95, p99 and max in microseconds.
 * The machine is shared and noisy: compare runs side by side, not with
 * figures from another day.
 */
#include "infer/gguf.h"
#include "infer/tok.h"

#include "buf.h"
#include "bench.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEP "\n__ggml_vocab_test__\n"

/* The system prompt of a command generator, ~250 tokens, in ChatML. */
static const char system_prompt[] =
	"<|im_start|>system\n"
	"You are caro, a tool that turns a request written in plain language into "
	"exactly one POSIX shell command for the user's machine. Answer with the "
	"command only: no prose, no Markdown fences, no explanation. Prefer the "
	"simplest portable command that does what was asked, using the tools found "
	"on this platform (GNU coreutils, findutils and grep on Linux; BSD tools on "
	"macOS). Quote file names and patterns that may contain spaces. Never "
	"delete, overwrite or move files unless the request says so, and never use "
	"sudo. When a request is ambiguous, choose the reading that changes nothing "
	"on disk. Examples:\n"
	"request: find python files changed this week\n"
	"command: find . -name '*.py' -mtime -7\n"
	"request: show the 10 largest files under /var/log\n"
	"command: du -ah /var/log | sort -rh | head -n 10\n"
	"request: count lines in all markdown files\n"
	"command: find . -name '*.md' -exec wc -l {} +\n"
	"<|im_end|>\n"
	"<|im_start|>user\n"
	"list the processes using port 8080<|im_end|>\n"
	"<|im_start|>assistant\n";

/* The whole file (caller frees), or NULL. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static struct tok *load(const char *path, struct err *err)
{
	struct gguf *g = gguf_open(path, err);
	struct tok *t;

	if (!g)
		return NULL;
	t = tok_new_from_gguf(g, err);
	gguf_close(g);
	return t;
}

/* Load time in a fresh process: the child times gguf_open (the reader's
 * share) and tok_new_from_gguf (the tokenizer's) and writes both, in
 * microseconds, to a pipe. Returns 0, or -1 if the child failed. */
static int load_in_child(const char *path, double us[2])
{
	int fd[2], status, rc = -1;
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct err err;
		double t0 = 1e6 * bench_now(), t[2] = {-1, -1};
		struct gguf *g = gguf_open(path, &err);
		struct tok *tk = NULL;

		t[0] = 1e6 * bench_now() - t0;
		if (g) {
			t0 = 1e6 * bench_now();
			tk = tok_new_from_gguf(g, &err);
			t[1] = tk ? 1e6 * bench_now() - t0 : -1;
		}
		if (write(fd[1], t, sizeof(t)) != (ssize_t)sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (pid > 0 && read(fd[0], us, 2 * sizeof(*us)) == (ssize_t)(2 * sizeof(*us)) &&
	    us[0] >= 0 && us[1] >= 0)
		rc = 0;
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return rc;
}

static void json_stats(struct buf *j, const char *name, const struct bench_stats *s)
{
	buf_addf(j, ", \"%s_us\": {\"p50\": %.3f, \"p95\": %.3f, \"p99\": %.3f, \"max\": %.3f, "
		    "\"samples\": %zu}",
		 name, s->median, s->p95, s->p99, s->max, s->n);
}

/* Bench one vocabulary; appends its JSON object to j. */
static int bench_vocab(const char *path, const char *inp_path, int reps, struct buf *j)
{
	struct err err;
	struct tok *t = load(path, &err);
	char *inp = NULL, *p;
	size_t inp_len = 0, n_str = 0, i, total_tokens = 0, total_bytes = 0;
	const char *strs[256];
	size_t lens[256];
	double *enc = NULL, *dec = NULL, open_us[15], build_us[15], sys[200];
	size_t n_enc = 0, n_load = 0, sys_tokens = 0;
	struct bench_stats s_enc, s_dec, s_open, s_build, s_sys;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int r;

	if (!t) {
		fprintf(stderr, "tok_bench: %s: %s\n", path, err.msg);
		return -1;
	}
	if (inp_path)
		inp = read_file(inp_path, &inp_len);
	for (p = inp; p && p < inp + inp_len && n_str < ARRAY_SIZE(strs);) {
		char *sep = strstr(p, SEP);

		strs[n_str] = p;
		lens[n_str++] = sep ? (size_t)(sep - p) : strlen(p);
		if (!sep)
			break;
		p = sep + strlen(SEP);
	}

	for (i = 0; i < ARRAY_SIZE(open_us); i++) {
		double us[2];

		if (load_in_child(path, us) == 0) {
			open_us[n_load] = us[0];
			build_us[n_load++] = us[1];
		}
	}

	enc = xmallocarray((size_t)reps * (n_str ? n_str : 1), sizeof(*enc));
	dec = xmallocarray((size_t)reps * (n_str ? n_str : 1), sizeof(*dec));
	for (r = 0; r < reps; r++) {
		for (i = 0; i < n_str; i++) {
			struct tok_ids ids = {0};
			struct buf out = BUF_INIT;
			double t0 = 1e6 * bench_now(), t1, t2;

			tok_encode(t, strs[i], lens[i], 0, &ids, &err);
			t1 = 1e6 * bench_now();
			tok_decode(t, ids.v, ids.n, 0, &out, &err);
			t2 = 1e6 * bench_now();
			enc[n_enc] = t1 - t0;
			dec[n_enc++] = t2 - t1;
			if (r == 0) {
				total_tokens += ids.n;
				total_bytes += lens[i];
			}
			tok_ids_release(&ids);
			buf_release(&out);
		}
	}
	for (i = 0; i < ARRAY_SIZE(sys); i++) {
		struct tok_ids ids = {0};
		double t0 = 1e6 * bench_now();

		tok_encode(t, system_prompt, sizeof(system_prompt) - 1, TOK_ENC_SPECIAL, &ids, &err);
		sys[i] = 1e6 * bench_now() - t0;
		sys_tokens = ids.n;
		tok_ids_release(&ids);
	}

	s_enc = bench_summarize(enc, n_enc);
	s_dec = bench_summarize(dec, n_enc);
	s_open = bench_summarize(open_us, n_load);
	s_build = bench_summarize(build_us, n_load);
	s_sys = bench_summarize(sys, ARRAY_SIZE(sys));
	printf("%-30s %6u %8.0f %8.0f %8.2f %8.2f %8.2f %8.2f %8.2f %5zu %8.1f %8.1f\n", name,
	       tok_n_vocab(t), s_open.median, s_build.median, s_enc.median, s_enc.p95, s_enc.p99,
	       s_dec.median, s_dec.p99, sys_tokens, s_sys.median, s_sys.p99);

	if (j->len > 1)
		buf_adds(j, ",");
	buf_addf(j, "\n  {\"vocab\": \"%s\", \"n_vocab\": %u, \"strings\": %zu, \"bytes\": %zu, "
		    "\"tokens\": %zu, \"reps\": %d",
		 name, tok_n_vocab(t), n_str, total_bytes, total_tokens, reps);
	json_stats(j, "gguf_open", &s_open);
	json_stats(j, "tok_build", &s_build);
	json_stats(j, "encode", &s_enc);
	json_stats(j, "decode", &s_dec);
	buf_addf(j, ", \"system_prompt_tokens\": %zu", sys_tokens);
	json_stats(j, "system_prompt_encode", &s_sys);
	buf_adds(j, "}");

	free(enc);
	free(dec);
	free(inp);
	tok_free(t);
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int main(int argc, char **argv)
{
	const char *shared = getenv("CARO_SHARED") ? getenv("CARO_SHARED") : "../shared";
	const char *json_path = "build/bench-tok.json";
	char dir[1024], path[2048], inp[2100];
	struct buf j = BUF_INIT;
	int reps = 20, i, failed = 0, n_args = 0;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
		else
			argv[1 + n_args++] = argv[i];
	}
	if (reps < 1 || reps > 100000) {
		fprintf(stderr, "tok_bench: --reps must be 1..100000\n");
		return 2;
	}
	printf("%-30s %6s %8s %8s %8s %8s %8s %8s %8s %5s %8s %8s\n", "vocab", "n", "open",
	       "build", "enc p50", "enc p95", "enc p99", "dec p50", "dec p99", "sys", "sys p50",
	       "sys p99");
	printf("%-30s %6s %8s %8s %8s %8s %8s %8s %8s %5s %8s %8s\n", "", "", "us", "us", "us",
	       "us", "us", "us", "us", "tok", "us", "us");
	buf_adds(&j, "["); /* bench_vocab() appends ",\n{...}" after the first */
	if (n_args) {
		for (i = 1; i <= n_args; i++) {
			snprintf(inp, sizeof(inp), "%s.inp", argv[i]);
			failed |= bench_vocab(argv[i], access(inp, R_OK) == 0 ? inp : NULL, reps, &j);
		}
	} else {
		DIR *d;
		struct dirent *de;
		char *names[64];
		size_t n = 0, k;

		snprintf(dir, sizeof(dir), "%s/fixtures/tokenizer", shared);
		d = opendir(dir);
		if (!d) {
			fprintf(stderr, "tok_bench: cannot open %s\n", dir);
			return 1;
		}
		while ((de = readdir(d)) && n < ARRAY_SIZE(names))
			if (str_startswith(de->d_name, "ggml-vocab-") && has_suffix(de->d_name, ".gguf"))
				names[n++] = xstrdup(de->d_name);
		closedir(d);
		for (k = 0; k < n; k++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
			snprintf(inp, sizeof(inp), "%s.inp", path);
			failed |= bench_vocab(path, inp, reps, &j);
			free(names[k]);
		}
		snprintf(path, sizeof(path), "%s/fixtures/models/tiny-qwen2-q8_0.gguf", shared);
		snprintf(inp, sizeof(inp), "%s/fixtures/tokenizer/ggml-vocab-gpt-2.gguf.inp", shared);
		failed |= bench_vocab(path, inp, reps, &j);
	}
	f = fopen(json_path, "w");
	if (!f) {
		fprintf(stderr, "tok_bench: cannot write %s\n", json_path);
		return 1;
	}
	fprintf(f, "{\"benchmark\": \"tok\", \"unit\": \"microseconds\", \"reps\": %d, "
		   "\"results\": %s\n]}\n",
		reps, buf_str(&j));
	fclose(f);
	printf("results: %s\n", json_path);
	buf_release(&j);
	return failed ? 1 : 0;
}
