/*
 * store_bench.c: one store operation per process, to be timed whole by
 * proc_bench next to a process that does nothing. This is how the history
 * spool was chosen over writing history rows straight into SQLite on the
 * pattern-engine path.
 *
 *   store_bench none DIR     nothing: the baseline of this binary
 *   store_bench spool DIR    append one history record to the spool
 *                            (what a pattern-engine request does)
 *   store_bench sqlite DIR   open caro.db and commit one history row
 *                            (the alternative the spool replaces)
 *   store_bench hit DIR      open caro.db and look up one cached answer
 *                            (the store's part of a cache hit)
 *
 * `store_bench prime DIR` creates the database and the cached answer.
 * Exits non-zero when the operation fails (proc_bench then stops).
 */
#include "store.h"

static const struct store_opts opts = {.max_entries = 1000};

static struct store_entry record(void)
{
	struct store_entry e = {
		.cwd = "/home/user/project",
		.request = "find python files modified in the last 7 days",
		.command = "find . -type f -name '*.py' -mtime -7",
		.engine = "match",
		.platform = "linux",
		.shell = "bash",
		.risk = "safe",
		.decision = STORE_SHOWN,
		.exit_status = -1,
		.total_ms = 0.4,
		.generate_ms = 0.02,
		.check_ms = 0.01,
	};
	return e;
}

static void key(struct store_key *k)
{
	struct platform p;
	struct err e;

	platform_target(&p, "linux", &e);
	store_key_init(k, "restart the dev server", &p, SHELL_BASH, "ollama:qwen2.5-coder", NULL);
}

int main(int argc, char **argv)
{
	struct store_entry rec = record();
	struct store *st = NULL;
	struct store_key k;
	struct gen_answer a = {0};
	char engine[32];
	uint64_t h;
	struct err e = {0};
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: store_bench none|spool|sqlite|hit|prime DIR\n");
		return 2;
	}
	if (str_eq(argv[1], "none"))
		return 0;
	if (str_eq(argv[1], "spool"))
		return store_history_add(argv[2], &rec, &opts, &e) == 0 ? 0 : 1;
	if (store_open(&st, argv[2], &opts, NULL, &e) != 0) {
		fprintf(stderr, "store_bench: %s\n", e.msg);
		return 1;
	}
	key(&k);
	if (str_eq(argv[1], "sqlite")) {
		rc = store_history_add(argv[2], &rec, &opts, &e) || store_ingest(st, &e);
	} else if (str_eq(argv[1], "hit")) {
		rc = store_cache_get(st, &k, 1, &a, engine, sizeof(engine), &h, &e) == 1 ? 0 : 1;
	} else if (str_eq(argv[1], "prime")) {
		gen_answer_add(&a, "npm run dev", "start the development server");
		rc = store_cache_put(st, &k, 1, &a, "ollama", &h, &e);
	} else {
		fprintf(stderr, "store_bench: unknown operation %s\n", argv[1]);
		rc = 2;
	}
	if (rc == 1)
		fprintf(stderr, "store_bench: %s\n", e.msg[0] ? e.msg : "miss");
	gen_answer_release(&a);
	store_key_release(&k);
	store_close(st);
	return rc;
}
