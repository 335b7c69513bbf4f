/* test_store.c: the answer cache (keys, hits, misses, LRU, TTL, context),
 * migrations and the failures the store must survive. History, the spool
 * and stats are in test_store_history.c. */
#include "store.h"
#include "t.h"

#include "log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct platform linux_plat(void)
{
	struct platform p;
	struct err e;

	platform_target(&p, "linux", &e);
	return p;
}

static struct platform macos_plat(void)
{
	struct platform p;
	struct err e;

	platform_target(&p, "macos", &e);
	return p;
}

static struct store *open_store(const char *dir, long long max_entries)
{
	struct store_opts o = {.max_entries = max_entries, .busy_ms = 200};
	struct store *st = NULL;
	struct err e;

	if (store_open(&st, dir, &o, NULL, &e) != 0)
		t_fail(__FILE__, __LINE__, "store_open: %s", e.msg);
	return st;
}

static void answer1(struct gen_answer *a, const char *cmd)
{
	memset(a, 0, sizeof(*a));
	gen_answer_add(a, cmd, "an explanation");
}

/* Put cmd under (request, plat, shell, engine, ctx). */
static int put(struct store *st, const char *req, const struct platform *p, enum plat_shell sh,
	       const char *engine, const char *ctx, bool ctx_dep, const char *cmd)
{
	struct store_key k;
	struct gen_answer a;
	uint64_t h;
	struct err e;
	int rc;

	store_key_init(&k, req, p, sh, engine, ctx);
	answer1(&a, cmd);
	a.context_dependent = ctx_dep;
	rc = store_cache_put(st, &k, 1, &a, "test", &h, &e);
	if (rc != 0)
		t_fail(__FILE__, __LINE__, "put: %s", e.msg);
	gen_answer_release(&a);
	store_key_release(&k);
	return rc;
}

/* The cached command for the key, or "" on a miss (static buffer). */
static const char *get(struct store *st, const char *req, const struct platform *p,
		       enum plat_shell sh, const char *engine, const char *ctx)
{
	static char out[256];
	struct store_key k;
	struct gen_answer a;
	char eng[32];
	uint64_t h;
	struct err e;
	int rc;

	store_key_init(&k, req, p, sh, engine, ctx);
	rc = store_cache_get(st, &k, 1, &a, eng, sizeof(eng), &h, &e);
	out[0] = '\0';
	if (rc < 0)
		snprintf(out, sizeof(out), "error: %s", e.msg);
	else if (rc == 1)
		snprintf(out, sizeof(out), "%s", a.c[0].command);
	gen_answer_release(&a);
	store_key_release(&k);
	return out;
}

TEST(store_normalize_table)
{
	size_t len;
	char *data = t_read_file(t_data("store_normalize.tsv"), &len);
	int cases = 0;

	REQUIRE(data);
	for (char *line = data, *nl; *line; line = nl + 1) {
		struct buf out = BUF_INIT;
		char *tab;

		nl = strchr(line, '\n');
		REQUIRE(nl);
		*nl = '\0';
		if (line[0] == '#')
			continue;
		tab = strrchr(line, '\t'); /* the request may hold tabs */
		REQUIRE(tab);
		*tab = '\0';
		store_normalize(line, &out);
		CHECK_STR(buf_str(&out), tab + 1);
		buf_release(&out);
		cases++;
	}
	CHECK(cases >= 15);
	free(data);
}

TEST(store_key_dimensions)
{
	struct platform lin = linux_plat(), mac = macos_plat();
	struct store_key a, b;

	store_key_init(&a, "Find big files?", &lin, SHELL_BASH, "ollama:m", NULL);
	store_key_init(&b, "find  big files", &lin, SHELL_BASH, "ollama:m", NULL);
	CHECK(a.h_base == b.h_base && a.h_ctx == 0);
	store_key_release(&b);
	store_key_init(&b, "find big files", &mac, SHELL_BASH, "ollama:m", NULL);
	CHECK(a.h_base != b.h_base);
	store_key_release(&b);
	store_key_init(&b, "find big files", &lin, SHELL_FISH, "ollama:m", NULL);
	CHECK(a.h_base != b.h_base);
	store_key_release(&b);
	store_key_init(&b, "find big files", &lin, SHELL_BASH, "ollama:other", NULL);
	CHECK(a.h_base != b.h_base);
	store_key_release(&b);
	/* A fingerprint adds a second key; the base key stays the same. */
	store_key_init(&b, "find big files", &lin, SHELL_BASH, "ollama:m", "0123456789abcdef");
	CHECK(a.h_base == b.h_base && b.h_ctx != 0 && b.h_ctx != b.h_base);
	store_key_release(&b);
	store_key_release(&a);
}

TEST(store_cache_hit_and_miss_per_dimension)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat(), mac = macos_plat();
	struct store *st = open_store(dir, 100);

	REQUIRE(st);
	CHECK_STR(get(st, "greet", &lin, SHELL_BASH, "e:1", NULL), "");
	REQUIRE(put(st, "greet", &lin, SHELL_BASH, "e:1", NULL, false, "echo hi") == 0);
	CHECK_STR(get(st, "greet", &lin, SHELL_BASH, "e:1", NULL), "echo hi");
	CHECK_STR(get(st, "  Greet?", &lin, SHELL_BASH, "e:1", NULL), "echo hi");
	CHECK_STR(get(st, "greet", &mac, SHELL_BASH, "e:1", NULL), "");
	CHECK_STR(get(st, "greet", &lin, SHELL_ZSH, "e:1", NULL), "");
	CHECK_STR(get(st, "greet", &lin, SHELL_BASH, "e:2", NULL), "");
	CHECK_STR(get(st, "greet them", &lin, SHELL_BASH, "e:1", NULL), "");
	/* A context-independent answer holds in any directory. */
	CHECK_STR(get(st, "greet", &lin, SHELL_BASH, "e:1", "00000000000000aa"), "echo hi");
	store_close(st);

	/* And survives the process. */
	st = open_store(dir, 100);
	REQUIRE(st);
	CHECK_STR(get(st, "greet", &lin, SHELL_BASH, "e:1", NULL), "echo hi");
	store_close(st);
}

TEST(store_cache_context_dependent)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store *st = open_store(dir, 100);

	REQUIRE(st);
	REQUIRE(put(st, "build it", &lin, SHELL_BASH, "e", "00000000000000aa", true, "make") == 0);
	CHECK_STR(get(st, "build it", &lin, SHELL_BASH, "e", "00000000000000aa"), "make");
	CHECK_STR(get(st, "build it", &lin, SHELL_BASH, "e", "00000000000000bb"), "");
	CHECK_STR(get(st, "build it", &lin, SHELL_BASH, "e", NULL), "");
	/* Without a fingerprint a context-dependent answer is not stored. */
	REQUIRE(put(st, "test it", &lin, SHELL_BASH, "e", NULL, true, "make test") == 0);
	CHECK_STR(get(st, "test it", &lin, SHELL_BASH, "e", NULL), "");
	store_close(st);
}

TEST(store_cache_fingerprint_follows_the_directory)
{
	const char *dir = t_tmpdir();
	char a[17], b[17], c[17], path[512];
	struct err e;
	FILE *f;

	REQUIRE(store_context_fingerprint(dir, a, &e) == 0);
	CHECK_INT(strlen(a), 16);
	REQUIRE(store_context_fingerprint(dir, b, &e) == 0);
	CHECK_STR(a, b);
	/* A new entry changes the directory. */
	usleep(20000);
	snprintf(path, sizeof(path), "%s/Makefile", dir);
	f = fopen(path, "w");
	REQUIRE(f);
	fclose(f);
	REQUIRE(store_context_fingerprint(dir, c, &e) == 0);
	CHECK(strcmp(a, c) != 0);
	CHECK(store_context_fingerprint("/nonexistent/caro", c, &e) == -1);
	CHECK_INT(e.code, ERR_IO);
}

TEST(store_cache_candidates)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store *st = open_store(dir, 100);
	struct store_key k;
	struct gen_answer a = {0}, got;
	char eng[32];
	uint64_t h, h2;
	struct err e;

	REQUIRE(st);
	store_key_init(&k, "show disk use", &lin, SHELL_BASH, "e", NULL);
	gen_answer_add(&a, "df -h", "free space");
	gen_answer_add(&a, "du -sh .", NULL);
	REQUIRE(store_cache_put(st, &k, 3, &a, "ollama", &h, &e) == 0);
	CHECK(h == k.h_base);
	REQUIRE(store_cache_get(st, &k, 2, &got, eng, sizeof(eng), &h2, &e) == 1);
	CHECK(h2 == h);
	CHECK_STR(eng, "ollama");
	REQUIRE(got.n == 2);
	CHECK_STR(got.c[0].command, "df -h");
	CHECK_STR(got.c[0].explanation, "free space");
	CHECK_STR(got.c[1].command, "du -sh .");
	CHECK(got.c[1].explanation == NULL);
	gen_answer_release(&got);
	/* Fewer wanted: truncated. More than were asked for then: a miss. */
	REQUIRE(store_cache_get(st, &k, 1, &got, eng, sizeof(eng), &h2, &e) == 1);
	CHECK_INT(got.n, 1);
	gen_answer_release(&got);
	CHECK(store_cache_get(st, &k, 4, &got, eng, sizeof(eng), &h2, &e) == 0);
	/* Forgotten: a miss. */
	REQUIRE(store_cache_forget(st, h, &e) == 0);
	CHECK(store_cache_get(st, &k, 1, &got, eng, sizeof(eng), &h2, &e) == 0);
	gen_answer_release(&a);
	store_key_release(&k);
	store_close(st);
}

static int64_t db_int(const char *dir, const char *sql)
{
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	snprintf(path, sizeof(path), "%s/caro.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

/* The first column of the first row as text, in a static buffer. */
static const char *db_text(const char *dir, const char *sql)
{
	static char out[256];
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *s;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/caro.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return out;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return out;
}

static void db_exec(const char *dir, const char *sql)
{
	char path[512];
	sqlite3 *db;
	char *msg = NULL;

	snprintf(path, sizeof(path), "%s/caro.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, &msg) != 0)
		t_fail(__FILE__, __LINE__, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
}

TEST(store_cache_lru_eviction_at_the_bound)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store_opts o = {.max_entries = 3};
	struct store *st = open_store(dir, 3);
	struct store_key k;
	struct err e;

	REQUIRE(st);
	put(st, "a", &lin, SHELL_BASH, "e", NULL, false, "echo a");
	usleep(2000);
	put(st, "b", &lin, SHELL_BASH, "e", NULL, false, "echo b");
	usleep(2000);
	put(st, "c", &lin, SHELL_BASH, "e", NULL, false, "echo c");
	usleep(2000);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM cache"), 3);
	/* A hit on "a" reaches the LRU order through the spool. */
	store_key_init(&k, "a", &lin, SHELL_BASH, "e", NULL);
	REQUIRE(store_touch_add(dir, k.h_base, &o, &e) == 0);
	store_key_release(&k);
	usleep(2000);
	put(st, "d", &lin, SHELL_BASH, "e", NULL, false, "echo d");
	CHECK_INT(db_int(dir, "SELECT count(*) FROM cache"), 3);
	CHECK_STR(get(st, "a", &lin, SHELL_BASH, "e", NULL), "echo a");
	CHECK_STR(get(st, "b", &lin, SHELL_BASH, "e", NULL), "");
	CHECK_STR(get(st, "c", &lin, SHELL_BASH, "e", NULL), "echo c");
	CHECK_STR(get(st, "d", &lin, SHELL_BASH, "e", NULL), "echo d");
	CHECK_INT(db_int(dir, "SELECT hits FROM cache WHERE key LIKE 'a%'"), 1);
	store_close(st);

	/* A bound of 0 turns the cache off. */
	st = open_store(dir, 0);
	REQUIRE(st);
	put(st, "e", &lin, SHELL_BASH, "e", NULL, false, "echo e");
	CHECK_STR(get(st, "a", &lin, SHELL_BASH, "e", NULL), "");
	store_close(st);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM cache"), 3);
}

TEST(store_cache_ttl)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store_opts o = {.max_entries = 100, .ttl_days = 7};
	struct store *st;
	struct err e;

	REQUIRE(store_open(&st, dir, &o, NULL, &e) == 0);
	put(st, "old", &lin, SHELL_BASH, "e", NULL, false, "echo old");
	put(st, "new", &lin, SHELL_BASH, "e", NULL, false, "echo new");
	CHECK_STR(get(st, "old", &lin, SHELL_BASH, "e", NULL), "echo old");
	store_close(st);
	db_exec(dir, "UPDATE cache SET created = created - 8 * 86400000 WHERE key LIKE 'old%'");
	REQUIRE(store_open(&st, dir, &o, NULL, &e) == 0);
	CHECK_STR(get(st, "old", &lin, SHELL_BASH, "e", NULL), "");
	CHECK_STR(get(st, "new", &lin, SHELL_BASH, "e", NULL), "echo new");
	/* The next put deletes what expired. */
	put(st, "newer", &lin, SHELL_BASH, "e", NULL, false, "echo newer");
	store_close(st);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM cache"), 2);
	/* Without a TTL the old entry would have been a hit. */
	o.ttl_days = 0;
	REQUIRE(store_open(&st, dir, &o, NULL, &e) == 0);
	CHECK_STR(get(st, "new", &lin, SHELL_BASH, "e", NULL), "echo new");
	store_close(st);
}

TEST(store_cache_ignores_malformed_answers)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	static const char *const bad[] = {
		"not json", "{}", "[]", "[[1]]", "[[\"\"]]", "[[\"ls\", 3]]", "[\"ls\"]",
	};
	struct store *st = open_store(dir, 100);
	char sql[256];

	REQUIRE(st);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	store_close(st);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(sql, sizeof(sql), "UPDATE cache SET answer = '%s'", bad[i]);
		db_exec(dir, sql);
		st = open_store(dir, 100);
		REQUIRE(st);
		CHECK_STR(get(st, "x", &lin, SHELL_BASH, "e", NULL), "");
		store_close(st);
	}
}

TEST(store_migrates_from_version_1)
{
	const char *dir = t_tmpdir();
	char *sql = t_read_file(t_data("store_v1.sql"), NULL);
	struct store *st;

	REQUIRE(sql);
	db_exec(dir, sql);
	free(sql);
	CHECK_INT(db_int(dir, "PRAGMA user_version"), 1);
	st = open_store(dir, 100);
	REQUIRE(st);
	store_close(st);
	CHECK_INT(db_int(dir, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* Rows survive; new columns have their defaults or converted values. */
	CHECK_INT(db_int(dir, "SELECT count(*) FROM history"), 2);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM history WHERE cache = 'hit' AND rid = 2"), 1);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM history WHERE cache = 'unused' AND rid = 1"),
		  1);
	CHECK_INT(db_int(dir, "SELECT want + 10 * context FROM cache WHERE khash = 42"), 1);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM sqlite_master WHERE name = 'history_ts'"), 1);
	CHECK_STR(db_text(dir, "PRAGMA integrity_check"), "ok");
	/* Opening again is a no-op. */
	st = open_store(dir, 100);
	REQUIRE(st);
	store_close(st);
	CHECK_INT(db_int(dir, "SELECT count(*) FROM history"), 2);
}

TEST(store_refuses_a_newer_schema)
{
	const char *dir = t_tmpdir();
	struct store_opts o = {.max_entries = 10};
	struct store *st;
	struct err e;

	db_exec(dir, "CREATE TABLE future(x); PRAGMA user_version = 99");
	CHECK(store_open(&st, dir, &o, NULL, &e) == -1);
	CHECK_INT(e.code, ERR_UNAVAILABLE);
	CHECK(strstr(e.msg, "newer") != NULL);
	/* Left alone for the newer caro. */
	CHECK_INT(db_int(dir, "PRAGMA user_version"), 99);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len)
		t_fail(__FILE__, __LINE__, "cannot write %s", path);
	if (f)
		fclose(f);
}

static int count_aside(const char *dir)
{
	char cmd[600];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c '^caro.db.corrupt-[0-9TZ-]*$'", dir);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = 0;
		pclose(p);
	}
	return n;
}

TEST(store_moves_a_garbage_file_aside)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store_opts o = {.max_entries = 10};
	char path[512], junk[8192];
	struct buf warn = BUF_INIT;
	struct store *st;
	struct err e;

	snprintf(path, sizeof(path), "%s/caro.db", dir);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)("not a database "[i % 15]);
	write_file(path, junk, sizeof(junk));
	REQUIRE(store_open(&st, dir, &o, &warn, &e) == 0);
	CHECK(strstr(buf_str(&warn), "moved it to") != NULL);
	CHECK(strstr(buf_str(&warn), "started a new one") != NULL);
	CHECK_INT(count_aside(dir), 1);
	/* The new one works. */
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	CHECK_STR(get(st, "x", &lin, SHELL_BASH, "e", NULL), "echo x");
	store_close(st);
	buf_release(&warn);
}

TEST(store_survives_a_truncated_file)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	char path[512], req[32];
	struct store_opts o = {.max_entries = 1000};
	struct buf warn = BUF_INIT;
	struct store *st;
	struct stat sb;
	struct err e;
	bool reported;

	snprintf(path, sizeof(path), "%s/caro.db", dir);
	st = open_store(dir, 1000);
	REQUIRE(st);
	for (int i = 0; i < 200; i++) {
		snprintf(req, sizeof(req), "request number %d", i);
		put(st, req, &lin, SHELL_BASH, "e", NULL, false, "echo a long enough command here");
	}
	store_close(st);
	db_exec(dir, "PRAGMA wal_checkpoint(TRUNCATE)");
	REQUIRE(stat(path, &sb) == 0 && sb.st_size > 16384);
	REQUIRE(truncate(path, sb.st_size / 2) == 0);

	/* Either opening or the first read finds it; either way it is moved
	 * aside and the request goes on. */
	log_set_quiet(true);
	if (store_open(&st, dir, &o, &warn, &e) == 0) {
		const char *r = get(st, "request number 150", &lin, SHELL_BASH, "e", NULL);

		reported = warn.len > 0 || strstr(r, "malformed") != NULL;
		store_close(st);
	} else {
		reported = e.code == ERR_CORRUPT;
	}
	log_set_quiet(false);
	CHECK(reported);
	CHECK_INT(count_aside(dir), 1);
	st = open_store(dir, 1000);
	REQUIRE(st);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	CHECK_STR(get(st, "x", &lin, SHELL_BASH, "e", NULL), "echo x");
	store_close(st);
	buf_release(&warn);
}

TEST(store_waits_then_gives_up_on_a_held_lock)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store_opts o = {.max_entries = 10, .busy_ms = 50};
	struct store *st;
	struct store_key k;
	struct gen_answer a;
	uint64_t h;
	struct err e;
	char path[512];
	sqlite3 *other;

	st = open_store(dir, 10);
	REQUIRE(st);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	store_close(st);

	/* Another writer holds the database. Reads go on (WAL); writes wait
	 * busy_ms, then fail with ERR_TIMEOUT. */
	snprintf(path, sizeof(path), "%s/caro.db", dir);
	REQUIRE(sqlite3_open(path, &other) == SQLITE_OK);
	REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE; DELETE FROM cache WHERE 0", NULL, NULL,
			     NULL) == SQLITE_OK);
	REQUIRE(store_open(&st, dir, &o, NULL, &e) == 0);
	CHECK_STR(get(st, "x", &lin, SHELL_BASH, "e", NULL), "echo x");
	store_key_init(&k, "y", &lin, SHELL_BASH, "e", NULL);
	answer1(&a, "echo y");
	CHECK(store_cache_put(st, &k, 1, &a, "test", &h, &e) == -1);
	CHECK_INT(e.code, ERR_TIMEOUT);
	CHECK(strstr(e.msg, "locked") != NULL);
	store_close(st);

	/* An exclusive locking mode blocks readers too: opening fails. */
	sqlite3_exec(other, "COMMIT; PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;"
		     "DELETE FROM cache WHERE 0", NULL, NULL, NULL);
	CHECK(store_open(&st, dir, &o, NULL, &e) == -1);
	CHECK_INT(e.code, ERR_TIMEOUT);
	sqlite3_close(other);

	/* Released: everything works again. */
	REQUIRE(store_open(&st, dir, &o, NULL, &e) == 0);
	CHECK(store_cache_put(st, &k, 1, &a, "test", &h, &e) == 0);
	store_close(st);
	gen_answer_release(&a);
	store_key_release(&k);
}

TEST(store_reports_a_full_disk)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store_opts o = {.max_entries = 100000, .max_bytes = 64 * 1024};
	struct store *st;
	struct store_key k;
	struct gen_answer a = {0};
	char big[3000], req[32];
	uint64_t h;
	struct err e;
	int rc = 0;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	gen_answer_add(&a, big, NULL);
	REQUIRE(store_open(&st, dir, &o, NULL, &e) == 0);
	for (int i = 0; i < 100 && rc == 0; i++) {
		snprintf(req, sizeof(req), "request %d", i);
		store_key_init(&k, req, &lin, SHELL_BASH, "e", NULL);
		rc = store_cache_put(st, &k, 1, &a, "test", &h, &e);
		store_key_release(&k);
	}
	CHECK(rc == -1);
	CHECK_INT(e.code, ERR_IO);
	CHECK(strstr(e.msg, "full") != NULL);
	/* What is there still reads. */
	CHECK(strncmp(get(st, "request 0", &lin, SHELL_BASH, "e", NULL), "xxxx", 4) == 0);
	store_close(st);
	gen_answer_release(&a);
}

/* Root ignores file modes, so the read-only case runs as nobody. */
static void as_unprivileged(void (*fn)(const char *dir), const char *dir)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		fn(dir);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		fn(dir);
		_exit(0);
	}
	REQUIRE(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void readonly_checks(const char *dir)
{
	struct store_opts o = {.max_entries = 10};
	struct store_entry en = {.request = "list files", .decision = STORE_SHOWN,
				 .exit_status = -1};
	char sub[512];
	struct store *st;
	struct err e;
	int bad = 0;

	/* An existing database in a directory we cannot write: no WAL. */
	bad += store_open(&st, dir, &o, NULL, &e) != -1 || e.code != ERR_IO;
	bad += store_history_add(dir, &en, &o, &e) != -1 || e.code != ERR_IO;
	/* A cache directory that cannot be created. */
	snprintf(sub, sizeof(sub), "%s/sub/caro", dir);
	bad += store_open(&st, sub, &o, NULL, &e) != -1 || e.code != ERR_IO;
	bad += store_history_add(sub, &en, &o, &e) != -1 || e.code != ERR_IO;
	if (bad) {
		fprintf(stderr, "read-only checks: %d failed (last: %s)\n", bad, e.msg);
		if (geteuid() != 0)
			t_fail(__FILE__, __LINE__, "read-only checks failed");
		_exit(1);
	}
}

TEST(store_fails_cleanly_on_a_readonly_directory)
{
	const char *dir = t_tmpdir();
	struct store *st = open_store(dir, 10);

	REQUIRE(st);
	store_close(st);
	/* A plain connection's close checkpoints and deletes the WAL files,
	 * so a reader would have to create them. */
	db_exec(dir, "PRAGMA journal_mode=WAL");
	{
		char path[512], parent[512];

		snprintf(path, sizeof(path), "%s/caro.db", dir);
		snprintf(parent, sizeof(parent), "%s", dir);
		*strrchr(parent, '/') = '\0';
		REQUIRE(access(path, F_OK) == 0);
		snprintf(path, sizeof(path), "%s/caro.db-wal", dir);
		CHECK(access(path, F_OK) != 0);
		snprintf(path, sizeof(path), "%s/caro.db", dir);
		REQUIRE(chmod(path, 0666) == 0 && chmod(parent, 0711) == 0);
	}
	REQUIRE(chmod(dir, 0555) == 0);
	as_unprivileged(readonly_checks, dir);
	chmod(dir, 0700);
}

/* ---- the answer index (answers.idx) ---- */

/* store_index_get for (request, linux, bash, "e"): the command, "" on a
 * miss, "error: ..." when there is no usable index (static buffer). */
static const char *iget(const char *dir, const char *req, size_t want, long long ttl_days,
			uint64_t *khash)
{
	static char out[256];
	struct platform lin = linux_plat();
	struct store_key k;
	struct gen_answer a;
	char eng[32] = "";
	uint64_t h = 0;
	struct err e;
	int rc;

	store_key_init(&k, req, &lin, SHELL_BASH, "e", NULL);
	rc = store_index_get(dir, &k, want, ttl_days, &a, eng, sizeof(eng), &h, &e);
	out[0] = '\0';
	if (rc < 0)
		snprintf(out, sizeof(out), "error: %s", e.msg);
	else if (rc == 1)
		snprintf(out, sizeof(out), "%s (%s)", a.c[0].command, eng);
	if (rc == 1 && h != k.h_base)
		snprintf(out, sizeof(out), "wrong khash");
	if (khash)
		*khash = h;
	gen_answer_release(&a);
	store_key_release(&k);
	return out;
}

/* The cache key hash of request (linux, bash, engine "e"). */
static uint64_t iget_hash(const char *req)
{
	struct platform lin = linux_plat();
	struct store_key k;
	uint64_t h;

	store_key_init(&k, req, &lin, SHELL_BASH, "e", NULL);
	h = k.h_base;
	store_key_release(&k);
	return h;
}

static void rm_db(const char *dir)
{
	static const char *const names[] = {"caro.db", "caro.db-wal", "caro.db-shm"};
	char path[512];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
}

TEST(store_index_answers_without_the_database)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store *st = open_store(dir, 100);
	struct err e;

	REQUIRE(st);
	CHECK(strncmp(iget(dir, "x", 1, 0, NULL), "error: ", 7) == 0);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	put(st, "y", &lin, SHELL_BASH, "e", NULL, false, "echo y");
	store_close(st);
	/* The database is gone: the index alone answers. */
	rm_db(dir);
	CHECK_STR(iget(dir, "x", 1, 0, NULL), "echo x (test)");
	CHECK_STR(iget(dir, "  x?", 1, 0, NULL), "echo x (test)");
	CHECK_STR(iget(dir, "y", 1, 0, NULL), "echo y (test)");
	CHECK_STR(iget(dir, "z", 1, 0, NULL), "");
	/* Made for one candidate: two is a miss, as in the database. */
	CHECK_STR(iget(dir, "x", 2, 0, NULL), "");
	/* The same request for another platform. */
	{
		struct platform mac = macos_plat();
		struct store_key k;
		struct gen_answer a;
		char eng[32];
		uint64_t h;

		store_key_init(&k, "x", &mac, SHELL_BASH, "e", NULL);
		CHECK_INT(store_index_get(dir, &k, 1, 0, &a, eng, sizeof(eng), &h, &e), 0);
		store_key_release(&k);
	}
}

TEST(store_index_ttl_forget_and_clear)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store *st = open_store(dir, 100);
	uint64_t kx = 0;
	struct err e;

	REQUIRE(st);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	put(st, "y", &lin, SHELL_BASH, "e", NULL, false, "echo y");
	put(st, "z", &lin, SHELL_BASH, "e", NULL, false, "echo z");
	store_close(st);
	/* Age y past a 7-day TTL; the index learns it when rewritten. */
	db_exec(dir, "UPDATE cache SET created = created - 8 * 86400000 WHERE key LIKE 'y%'");
	st = open_store(dir, 100);
	REQUIRE(st);
	REQUIRE(store_index_refresh(st, &e) == 0);
	CHECK_STR(iget(dir, "y", 1, 7, NULL), "");
	CHECK_STR(iget(dir, "y", 1, 0, NULL), "echo y (test)");
	CHECK_STR(iget(dir, "x", 1, 7, &kx), "echo x (test)");
	/* A forgotten answer leaves the index in the same transaction. */
	REQUIRE(store_cache_forget(st, kx, &e) == 0);
	CHECK_STR(iget(dir, "x", 1, 0, NULL), "");
	CHECK_STR(iget(dir, "z", 1, 0, NULL), "echo z (test)");
	/* And history --clear empties it. */
	REQUIRE(store_clear(st, &e) == 0);
	CHECK_STR(iget(dir, "z", 1, 0, NULL), "");
	CHECK_STR(iget(dir, "y", 1, 0, NULL), "");
	store_close(st);
}

TEST(store_index_damaged_or_missing_is_no_hit)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store *st = open_store(dir, 100);
	char path[512];
	char *img;
	size_t len;
	struct err e;

	REQUIRE(st);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	snprintf(path, sizeof(path), "%s/%s", dir, STORE_INDEX_NAME);
	img = t_read_file(path, &len);
	REQUIRE(img && len > 64);
	/* Cut anywhere, even by one byte: no hit, an error. */
	for (size_t cut = 0; cut < len; cut += cut < 64 ? 7 : 61) {
		write_file(path, img, cut);
		CHECK(strncmp(iget(dir, "x", 1, 0, NULL), "error: ", 7) == 0);
	}
	write_file(path, img, len - 1);
	CHECK(strncmp(iget(dir, "x", 1, 0, NULL), "error: ", 7) == 0);
	/* A flipped length inside the record. */
	img[len - 20] ^= 0x40;
	write_file(path, img, len);
	CHECK(strncmp(iget(dir, "x", 1, 0, NULL), "", 1) == 0 ||
	      strncmp(iget(dir, "x", 1, 0, NULL), "error: ", 7) == 0);
	/* Missing: an error, and a refresh makes it again. */
	unlink(path);
	CHECK(strncmp(iget(dir, "x", 1, 0, NULL), "error: ", 7) == 0);
	REQUIRE(store_index_refresh(st, &e) == 0);
	CHECK_STR(iget(dir, "x", 1, 0, NULL), "echo x (test)");
	store_close(st);
	free(img);
	/* A database moved aside takes its index with it. */
	{
		char dbp[512];
		struct buf warn = BUF_INIT;
		struct store_opts o = {.max_entries = 10};

		snprintf(dbp, sizeof(dbp), "%s/caro.db", dir);
		rm_db(dir);
		write_file(dbp, "not a database at all, not at all", 34);
		REQUIRE(store_open(&st, dir, &o, &warn, &e) == 0);
		CHECK(strstr(buf_str(&warn), "moved it to") != NULL);
		CHECK_INT(access(path, F_OK), -1);
		store_close(st);
		buf_release(&warn);
	}
}

TEST(store_index_refresh_does_not_wait_for_the_lock)
{
	const char *dir = t_tmpdir();
	struct platform lin = linux_plat();
	struct store *st = open_store(dir, 100);
	char path[512];
	struct err e;
	int fd;

	REQUIRE(st);
	put(st, "x", &lin, SHELL_BASH, "e", NULL, false, "echo x");
	snprintf(path, sizeof(path), "%s/answers.lock", dir);
	fd = open(path, O_RDWR);
	REQUIRE(fd >= 0);
	REQUIRE(flock(fd, LOCK_EX) == 0);
	CHECK_INT(store_index_refresh(st, &e), -1);
	CHECK_INT(e.code, ERR_TIMEOUT);
	/* Forgetting waits for it (busy_ms), then fails and keeps the entry. */
	CHECK_INT(store_cache_forget(st, iget_hash("x"), &e), -1);
	CHECK_STR(get(st, "x", &lin, SHELL_BASH, "e", NULL), "echo x");
	close(fd);
	CHECK_INT(store_index_refresh(st, &e), 0);
	CHECK_INT(store_cache_forget(st, iget_hash("x"), &e), 0);
	CHECK_STR(get(st, "x", &lin, SHELL_BASH, "e", NULL), "");
	CHECK_STR(iget(dir, "x", 1, 0, NULL), "");
	store_close(st);
}

TEST(store_index_format_and_find_round_trip)
{
	enum { N = 300 };
	struct store_index_rec r[N], got;
	char keys[N][32], answers[N][48];
	struct buf img = BUF_INIT, scratch = BUF_INIT;
	char path[512];
	struct err e;
	int fd;

	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key %d", i);
		snprintf(answers[i], sizeof(answers[i]), "[[\"echo %d\",null]]", i);
		/* Low bits collide in runs, so probing wraps and chains. */
		r[i] = (struct store_index_rec){
			.khash = ((uint64_t)(i + 1) << 40) | (uint64_t)(i % 7 ? 1023 : i),
			.key = keys[i], .key_len = strlen(keys[i]), .engine = i % 2 ? "a" : "",
			.answer = answers[i], .created = 1000 + i, .want = (uint32_t)(i % 4),
			.context = i % 3 == 0,
		};
	}
	store_index_format(r, N, &img);
	snprintf(path, sizeof(path), "%s/idx", t_tmpdir());
	write_file(path, img.s, img.len);
	fd = open(path, O_RDONLY);
	REQUIRE(fd >= 0);
	for (int i = 0; i < N; i++) {
		REQUIRE(store_index_find(fd, r[i].khash, keys[i], strlen(keys[i]), &got, &scratch,
					 &e) == 1);
		CHECK_STR(got.answer, answers[i]);
		CHECK_STR(got.engine, r[i].engine);
		CHECK_INT(got.created, 1000 + i);
		CHECK_INT(got.want, (uint32_t)(i % 4));
		CHECK_INT(got.context, i % 3 == 0);
		/* The hash is not enough: the key must match too. */
		CHECK_INT(store_index_find(fd, r[i].khash, "key", 3, &got, &scratch, &e), 0);
	}
	CHECK_INT(store_index_find(fd, 12345, "key 1", 5, &got, &scratch, &e), 0);
	close(fd);
	/* An empty index is valid and finds nothing. */
	store_index_format(r, 0, &img);
	write_file(path, img.s, img.len);
	fd = open(path, O_RDONLY);
	REQUIRE(fd >= 0);
	CHECK_INT(store_index_find(fd, r[0].khash, keys[0], strlen(keys[0]), &got, &scratch, &e),
		  0);
	close(fd);
	buf_release(&img);
	buf_release(&scratch);
}
