/* test_store_history.c: spool records, ingestion, history queries, clear
 * and stats. */
#include "store.h"
#include "t.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct store_opts opts = {.max_entries = 100};

static struct store *open_store(const char *dir)
{
	struct store *st = NULL;
	struct err e;

	if (store_open(&st, dir, &opts, NULL, &e) != 0)
		t_fail(__FILE__, __LINE__, "store_open: %s", e.msg);
	return st;
}

static struct store_entry entry(const char *req, const char *cmd, const char *engine,
				enum store_decision d, double total_ms)
{
	struct store_entry e = {
		.ts_ms = 1700000000000,
		.cwd = "/home/u",
		.request = req,
		.command = cmd,
		.engine = engine,
		.platform = "linux",
		.shell = "bash",
		.risk = cmd ? "safe" : NULL,
		.decision = d,
		.exit_status = d == STORE_RAN ? 0 : -1,
		.total_ms = total_ms,
		.generate_ms = total_ms / 2,
		.check_ms = 0.01,
	};
	return e;
}

static void add(const char *dir, struct store_entry e)
{
	struct err err;

	if (store_history_add(dir, &e, &opts, &err) != 0)
		t_fail(__FILE__, __LINE__, "store_history_add: %s", err.msg);
}

TEST(store_record_roundtrip)
{
	struct store_entry e = entry("find\tthe \\ files\nnow", "ls -la\r\n", "match", STORE_RAN,
				     1.5);
	struct store_entry got;
	struct buf line = BUF_INIT, scratch = BUF_INIT;
	uint64_t rid;
	struct err err;

	e.cache = STORE_CACHE_HIT;
	e.khash = 0xfedcba9876543210ULL;
	e.cwd = NULL;
	store_record_format(&e, 0x0123456789abcdefULL, &line);
	REQUIRE(line.len > 0 && line.s[line.len - 1] == '\n');
	CHECK(memchr(line.s, '\n', line.len - 1) == NULL);
	REQUIRE(store_record_parse(line.s, line.len - 1, &got, &rid, &scratch, &err) == 0);
	CHECK(rid == 0x0123456789abcdefULL);
	CHECK(got.khash == e.khash);
	CHECK_INT(got.ts_ms, e.ts_ms);
	CHECK_STR(got.request, e.request);
	CHECK_STR(got.command, e.command);
	CHECK(got.cwd == NULL);
	CHECK_STR(got.engine, "match");
	CHECK_STR(got.risk, "safe");
	CHECK_INT(got.cache, STORE_CACHE_HIT);
	CHECK_INT(got.decision, STORE_RAN);
	CHECK_INT(got.exit_status, 0);
	CHECK(got.total_ms == 1.5 && got.generate_ms == 0.75);
	buf_release(&line);
	buf_release(&scratch);
}

TEST(store_record_cuts_long_text_on_a_character)
{
	struct buf req = BUF_INIT, line = BUF_INIT, scratch = BUF_INIT;
	struct store_entry e, got;
	uint64_t rid;
	struct err err;

	/* Three-byte characters that straddle the cap. */
	buf_adds(&req, "a");
	while (req.len < STORE_TEXT_MAX + 10)
		buf_adds(&req, "\xe2\x82\xac");
	e = entry(req.s, "ls", "match", STORE_SHOWN, 1);
	store_record_format(&e, 1, &line);
	REQUIRE(store_record_parse(line.s, line.len - 1, &got, &rid, &scratch, &err) == 0);
	CHECK(strlen(got.request) <= STORE_TEXT_MAX);
	CHECK(strlen(got.request) > STORE_TEXT_MAX - 4);
	CHECK_INT((strlen(got.request) - 1) % 3, 0);
	buf_release(&req);
	buf_release(&line);
	buf_release(&scratch);
}

TEST(store_record_rejects_malformed_lines)
{
	char *data = t_read_file(t_data("store_spool_bad.txt"), NULL);
	struct buf line = BUF_INIT, scratch = BUF_INIT;
	int cases = 0;

	REQUIRE(data);
	for (char *p = data, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		struct store_entry e;
		uint64_t rid;
		struct err err;

		*nl = '\0';
		if (p[0] == '#')
			continue;
		buf_reset(&line);
		for (const char *c = p; *c; c++) {
			if (c[0] == '\\' && c[1] == 't') {
				buf_addch(&line, '\t');
				c++;
			} else {
				buf_addch(&line, *c);
			}
		}
		err_clear(&err);
		if (store_record_parse(buf_str(&line), line.len, &e, &rid, &scratch, &err) != -1)
			t_fail(__FILE__, __LINE__, "accepted: %s", p);
		CHECK_INT(err.code, ERR_PARSE);
		cases++;
	}
	CHECK(cases >= 15);
	buf_release(&line);
	buf_release(&scratch);
	free(data);
}

/* Collect requests, in order, joined by '|'. */
static int collect(void *ud, const struct store_entry *e)
{
	struct buf *b = ud;

	if (b->len)
		buf_addch(b, '|');
	buf_adds(b, e->request);
	return 0;
}

static const char *list(struct store *st, size_t limit, const char *search)
{
	static char out[4096];
	struct store_query q = {limit, search};
	struct buf b = BUF_INIT;
	struct err e;

	if (store_history_each(st, &q, collect, &b, &e) != 0)
		snprintf(out, sizeof(out), "error: %s", e.msg);
	else
		snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_release(&b);
	return out;
}

TEST(store_history_ingest_and_filters)
{
	const char *dir = t_tmpdir();
	struct store_entry e;
	struct store *st;
	struct err err;
	char spool[512];
	struct stat sb;

	e = entry("list files", "ls -la .", "match", STORE_SHOWN, 1);
	add(dir, e);
	e = entry("find big files", "find . -size +100M", "match", STORE_RAN, 2);
	e.ts_ms += 1000;
	add(dir, e);
	e = entry("Greet the World", "echo hello", "ollama", STORE_DECLINED, 300);
	e.ts_ms += 2000;
	add(dir, e);
	e = entry("launch rockets", NULL, NULL, STORE_NONE, 0.5);
	e.ts_ms += 3000;
	add(dir, e);
	snprintf(spool, sizeof(spool), "%s/%s", dir, STORE_SPOOL_NAME);
	REQUIRE(stat(spool, &sb) == 0 && sb.st_size > 0 && (sb.st_mode & 077) == 0);

	st = open_store(dir);
	REQUIRE(st);
	/* Not ingested yet: the database only. */
	CHECK_STR(list(st, 0, NULL), "");
	REQUIRE(store_ingest(st, &err) == 0);
	REQUIRE(stat(spool, &sb) == 0);
	CHECK_INT(sb.st_size, 0);
	CHECK_STR(list(st, 0, NULL), "list files|find big files|Greet the World|launch rockets");
	CHECK_STR(list(st, 2, NULL), "Greet the World|launch rockets");
	CHECK_STR(list(st, 0, "GREET"), "Greet the World");
	CHECK_STR(list(st, 0, "size +100"), "find big files"); /* the command matches too */
	CHECK_STR(list(st, 0, "files"), "list files|find big files");
	CHECK_STR(list(st, 1, "files"), "find big files");
	CHECK_STR(list(st, 0, "%"), "");
	CHECK_STR(list(st, 0, "nothing like it"), "");
	store_close(st);
}

static int first_entry(void *ud, const struct store_entry *e)
{
	struct store_entry *out = ud;

	*out = *e;
	out->request = out->command = out->engine = out->cwd = NULL;
	out->risk = out->platform = out->shell = NULL;
	return 1;
}

TEST(store_history_fields_survive)
{
	const char *dir = t_tmpdir();
	struct store_entry e = entry("list files", "ls -la .", "ollama", STORE_RAN, 12.5), got;
	struct store_query q = {0, NULL};
	struct store *st;
	struct err err;

	e.exit_status = 3;
	e.cache = STORE_CACHE_HIT;
	e.khash = 77;
	add(dir, e);
	st = open_store(dir);
	REQUIRE(st && store_ingest(st, &err) == 0);
	REQUIRE(store_history_each(st, &q, first_entry, &got, &err) == 0);
	CHECK(got.id > 0);
	CHECK_INT(got.ts_ms, e.ts_ms);
	CHECK_INT(got.cache, STORE_CACHE_HIT);
	CHECK(got.khash == 77);
	CHECK_INT(got.decision, STORE_RAN);
	CHECK_INT(got.exit_status, 3);
	CHECK(got.total_ms == 12.5 && got.generate_ms == 6.25);
	store_close(st);
}

TEST(store_ingest_is_idempotent_and_skips_garbage)
{
	const char *dir = t_tmpdir();
	struct store_entry e = entry("list files", "ls", "match", STORE_SHOWN, 1);
	struct buf rec = BUF_INIT;
	char spool[512];
	struct store *st;
	struct err err;
	FILE *f;

	/* The same record twice (a crash after the commit, before the spool
	 * was emptied), a garbage line and a torn last line. */
	store_record_format(&e, 42, &rec);
	snprintf(spool, sizeof(spool), "%s/%s", dir, STORE_SPOOL_NAME);
	f = fopen(spool, "w");
	REQUIRE(f);
	fprintf(f, "%s%sgarbage\there\n\x01\x02\n%s", rec.s, rec.s, rec.s);
	fclose(f);
	st = open_store(dir);
	REQUIRE(st && store_ingest(st, &err) == 0);
	CHECK_STR(list(st, 0, NULL), "list files");
	f = fopen(spool, "w");
	REQUIRE(f);
	fputs(rec.s, f);
	fclose(f);
	REQUIRE(store_ingest(st, &err) == 0);
	CHECK_STR(list(st, 0, NULL), "list files");
	store_close(st);
	buf_release(&rec);
}

TEST(store_history_keeps_the_newest)
{
	const char *dir = t_tmpdir();
	struct store_opts o = {.max_entries = 10, .history_max = 3};
	struct store *st;
	struct err err;
	char req[16];

	for (int i = 0; i < 5; i++) {
		struct store_entry e = entry(req, "ls", "match", STORE_SHOWN, 1);

		snprintf(req, sizeof(req), "r%d", i);
		e.ts_ms += i;
		REQUIRE(store_history_add(dir, &e, &o, &err) == 0);
	}
	REQUIRE(store_open(&st, dir, &o, NULL, &err) == 0);
	REQUIRE(store_ingest(st, &err) == 0);
	CHECK_STR(list(st, 0, NULL), "r2|r3|r4");
	store_close(st);
}

TEST(store_spool_lock_has_a_deadline)
{
	const char *dir = t_tmpdir();
	struct store_opts o = {.max_entries = 10, .busy_ms = 30};
	struct store_entry e = entry("list files", "ls", "match", STORE_SHOWN, 1);
	char spool[512];
	struct err err;
	int fd;

	/* A process stopped while ingesting holds the exclusive lock. */
	add(dir, e);
	snprintf(spool, sizeof(spool), "%s/%s", dir, STORE_SPOOL_NAME);
	fd = open(spool, O_RDWR);
	REQUIRE(fd >= 0 && flock(fd, LOCK_EX) == 0);
	CHECK(store_history_add(dir, &e, &o, &err) == -1);
	CHECK_INT(err.code, ERR_IO);
	CHECK(strstr(err.msg, "lock") != NULL);
	close(fd);
	CHECK(store_history_add(dir, &e, &o, &err) == 0);
}

TEST(store_spool_ingests_itself_when_large)
{
	const char *dir = t_tmpdir();
	char big[8000], spool[512];
	struct store *st;
	struct stat sb;
	int n = 0;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(spool, sizeof(spool), "%s/%s", dir, STORE_SPOOL_NAME);
	/* Past STORE_SPOOL_INGEST the writer moves it into caro.db. */
	for (; n < 2 * STORE_SPOOL_INGEST / (int)sizeof(big); n++)
		add(dir, entry(big, "ls", "match", STORE_SHOWN, 1));
	REQUIRE(stat(spool, &sb) == 0);
	CHECK(sb.st_size < STORE_SPOOL_INGEST);
	st = open_store(dir);
	REQUIRE(st);
	{
		int64_t h = 0, c = 0;
		struct err err;

		REQUIRE(store_counts(st, &h, &c, &err) == 0);
		CHECK(h > 0 && h < n);
		REQUIRE(store_ingest(st, &err) == 0);
		REQUIRE(store_counts(st, &h, &c, &err) == 0);
		CHECK_INT(h, n);
	}
	store_close(st);
}

static bool contains(const char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; data && i + n <= len; i++)
		if (memcmp(data + i, needle, n) == 0)
			return true;
	return false;
}

TEST(store_clear_removes_history_cache_and_spool)
{
	const char *dir = t_tmpdir();
	struct platform p;
	struct store_key k;
	struct gen_answer a = {0};
	struct store *st;
	struct err err;
	int64_t h, c;
	uint64_t kh;
	char spool[512];
	struct stat sb;

	platform_target(&p, "linux", &err);
	add(dir, entry("list files", "ls", "match", STORE_SHOWN, 1));
	st = open_store(dir);
	REQUIRE(st && store_ingest(st, &err) == 0);
	add(dir, entry("in the spool", "ls", "match", STORE_SHOWN, 1));
	store_key_init(&k, "secret project", &p, SHELL_BASH, "e", NULL);
	gen_answer_add(&a, "echo x", NULL);
	REQUIRE(store_cache_put(st, &k, 1, &a, "e", &kh, &err) == 0);
	REQUIRE(store_counts(st, &h, &c, &err) == 0);
	CHECK(h == 2 && c == 1); /* the put ingested the spool */
	add(dir, entry("in the spool again", "ls", "match", STORE_SHOWN, 1));
	REQUIRE(store_clear(st, &err) == 0);
	REQUIRE(store_counts(st, &h, &c, &err) == 0);
	CHECK(h == 0 && c == 0);
	snprintf(spool, sizeof(spool), "%s/%s", dir, STORE_SPOOL_NAME);
	CHECK(stat(spool, &sb) == 0 && sb.st_size == 0);
	store_close(st);
	{
		/* The request text is gone from the file, not just unlinked. */
		char path[512];
		char *data;
		size_t len;

		snprintf(path, sizeof(path), "%s/caro.db", dir);
		data = t_read_file(path, &len);
		REQUIRE(data);
		CHECK(!contains(data, len, "secret project"));
		free(data);
		snprintf(path, sizeof(path), "%s/caro.db-wal", dir);
		data = t_read_file(path, &len);
		CHECK(!contains(data, data ? len : 0, "secret project"));
		free(data);
	}
	gen_answer_release(&a);
	store_key_release(&k);
}

TEST(store_percentile_nearest_rank)
{
	double v[20];

	for (int i = 0; i < 20; i++)
		v[i] = i + 1;
	CHECK(store_percentile(v, 0, 0.5) == 0);
	CHECK(store_percentile(v, 1, 0.99) == 1);
	CHECK(store_percentile(v, 20, 0.50) == 10);
	CHECK(store_percentile(v, 20, 0.95) == 19);
	CHECK(store_percentile(v, 20, 0.99) == 20);
	CHECK(store_percentile(v, 20, 0.0) == 1);
	CHECK(store_percentile(v, 20, 1.0) == 20);
	CHECK(store_percentile(v, 2, 0.5) == 1);
}

TEST(store_stats_groups_and_counts)
{
	const char *dir = t_tmpdir();
	struct store_stats s;
	struct store *st;
	struct err err;

	/* 10 pattern-engine answers of 1..10 ms, 4 model misses of 100..400
	 * ms, 2 cache hits of 1.5 and 2.5 ms, one with no command. */
	for (int i = 1; i <= 10; i++)
		add(dir, entry("p", "ls", "match", i <= 3 ? STORE_RAN : STORE_SHOWN, i));
	for (int i = 1; i <= 4; i++) {
		struct store_entry e = entry("m", "echo", "ollama", i == 1 ? STORE_BLOCKED :
					     i == 2 ? STORE_DECLINED : STORE_SHOWN, 100.0 * i);

		e.cache = STORE_CACHE_MISS;
		add(dir, e);
	}
	for (int i = 0; i < 2; i++) {
		struct store_entry e = entry("m", "echo", "ollama", i ? STORE_EDITED : STORE_SHOWN,
					     1.5 + i);

		e.cache = STORE_CACHE_HIT;
		add(dir, e);
	}
	add(dir, entry("x", NULL, NULL, STORE_NONE, 0.7));
	st = open_store(dir);
	REQUIRE(st && store_ingest(st, &err) == 0);
	REQUIRE(store_stats(st, "match", &s, &err) == 0);
	CHECK_INT(s.requests, 17);
	CHECK_INT(s.answered, 16);
	CHECK_INT(s.without_model, 12);
	CHECK_INT(s.cache_hits, 2);
	CHECK_INT(s.cache_misses, 4);
	CHECK_INT(s.ran, 3);
	CHECK_INT(s.blocked, 1);
	CHECK_INT(s.declined, 1);
	CHECK_INT(s.edited, 1);
	CHECK_INT(s.unanswered, 1);
	CHECK_INT(s.shown, 17 - 3 - 1 - 1 - 1 - 1);
	REQUIRE(s.n_groups == 3);
	CHECK_STR(s.groups[0].engine, "match");
	CHECK(!s.groups[0].cached && s.groups[0].n == 10);
	CHECK(s.groups[0].p50 == 5 && s.groups[0].p95 == 10 && s.groups[0].max == 10);
	CHECK(s.groups[0].mean == 5.5);
	CHECK_STR(s.groups[1].engine, "ollama");
	CHECK(!s.groups[1].cached && s.groups[1].n == 4 && s.groups[1].p50 == 200);
	CHECK(s.groups[1].p99 == 400);
	CHECK_STR(s.groups[2].engine, "ollama");
	CHECK(s.groups[2].cached && s.groups[2].n == 2 && s.groups[2].p50 == 1.5);
	/* Histogram: <1: 0; 1-2: 1 (1 ms) + 1 (1.5); 2-5: 3 (2,3,4) + 1 (2.5);
	 * 5-10: 5 (5..9); 10-20: 1; 50-100: 0; 100-200: 1; 200-500: 3. */
	CHECK_INT(s.hist[0], 0);
	CHECK_INT(s.hist[1], 2);
	CHECK_INT(s.hist[2], 4);
	CHECK_INT(s.hist[3], 5);
	CHECK_INT(s.hist[4], 1);
	CHECK_INT(s.hist[7], 1);
	CHECK_INT(s.hist[8], 3);
	CHECK_INT(s.first_ms, 1700000000000);
	store_close(st);
}

TEST(store_stats_on_an_empty_history)
{
	const char *dir = t_tmpdir();
	struct store_stats s;
	struct store *st = open_store(dir);
	struct err err;

	REQUIRE(st);
	REQUIRE(store_stats(st, "match", &s, &err) == 0);
	CHECK_INT(s.requests, 0);
	CHECK_INT(s.n_groups, 0);
	store_close(st);
}
