/*
 * store.c: the answer cache and history in SQLite, and the history spool.
 *
 * Start-up cost decides most choices here, because caro is a short-lived
 * process and every process opens the database afresh:
 *  - Each process is the first connection SQLite sees, so it rebuilds the
 *    WAL index by reading every valid frame of the WAL (~15k instructions
 *    a frame), and it cannot know how much of the WAL was checkpointed:
 *    that lives in the index. So writers would append forever and every
 *    process would read all of it. A process that wrote therefore settles
 *    the WAL as it closes (settle_wal): a PASSIVE checkpoint, which never
 *    waits and never blocks a writer, then, when everything was copied
 *    back, a one-page write that starts the WAL over. The WAL a cache hit
 *    reads then holds one frame. (A TRUNCATE checkpoint would leave it
 *    empty, but it holds the write lock through two fsyncs: 20 concurrent
 *    processes then time out on the lock.) Closing does not checkpoint
 *    otherwise (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE), so readers never fsync.
 *  - synchronous=NORMAL: in WAL mode a commit does not fsync; a crash of
 *    the machine may lose the last few commits but never corrupts.
 *  - A cache hit only reads: its use reaches the LRU order through the
 *    spool, so the hit path never takes the write lock.
 * Write transactions are BEGIN IMMEDIATE, so a lock conflict waits in the
 * busy handler instead of failing on a lock upgrade.
 */
#include "store.h"

#include "fileio.h"
#include "log.h"
#include "paths.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUSY_MS_DEFAULT 1000
/* A spool this large is not read whole; the rest is dropped (see ingest). */
#define SPOOL_READ_MAX (64 * 1024 * 1024)
/* Cached answers larger than this are refused (and ignored when read). */
#define ANSWER_MAX (256 * 1024)

struct store {
	sqlite3 *db;
	struct store_opts opts;
	char dir[4096];
	char path[4200];
	dev_t dev;         /* caro.db's identity when opened, so that a */
	ino_t ino;         /* quarantine never moves someone else's new file */
	bool wrote;        /* committed something: checkpoint on close */
	bool sync_set;     /* synchronous=NORMAL applied */
	bool broken;       /* corrupt: moved aside, no more use */
};

static const char *const decision_names[] = {
	[STORE_SHOWN] = "shown",
	[STORE_RAN] = "ran",
	[STORE_DECLINED] = "declined",
	[STORE_EDITED] = "edited",
	[STORE_BLOCKED] = "blocked",
	[STORE_NONE] = "none",
};

static const char *const cache_use_names[] = {
	[STORE_CACHE_UNUSED] = "unused",
	[STORE_CACHE_HIT] = "hit",
	[STORE_CACHE_MISS] = "miss",
	[STORE_CACHE_BYPASS] = "bypass",
};

const double store_hist_bounds[STORE_HIST_BUCKETS] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 1e300,
};

const char *store_decision_name(enum store_decision d)
{
	return (unsigned)d < STORE_DECISION__COUNT ? decision_names[d] : "none";
}

const char *store_cache_use_name(enum store_cache_use c)
{
	return (unsigned)c < STORE_CACHE__COUNT ? cache_use_names[c] : "unused";
}

static int name_index(const char *const *names, size_t n, const char *s, int fallback)
{
	for (size_t i = 0; s && i < n; i++)
		if (str_eq(names[i], s))
			return (int)i;
	return fallback;
}

/* SQLite stores signed 64-bit integers; hashes and ids are unsigned. */
static int64_t u2i(uint64_t u)
{
	int64_t i;

	memcpy(&i, &u, sizeof(i));
	return i;
}

static uint64_t i2u(int64_t i)
{
	uint64_t u;

	memcpy(&u, &i, sizeof(u));
	return u;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a, 64 bits. Never 0, which means "no hash". Collisions only cost a
 * miss: the full key is compared on every hit. */
static uint64_t hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* ---- errors ---- */

static void quarantine(struct store *st, char *aside, size_t cap);

/*
 * Turn the connection's last error into err, naming what failed. A corrupt
 * database is moved aside on the spot, so the next process starts afresh.
 */
static int db_fail(struct store *st, const char *what, struct err *err)
{
	int code = sqlite3_errcode(st->db) & 0xff;
	const char *msg = sqlite3_errmsg(st->db);
	char aside[4300];

	switch (code) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(err, ERR_TIMEOUT, "store: %s: the database is locked by another "
			       "process", what);
	case SQLITE_FULL:
		return err_set(err, ERR_IO, "store: %s: the disk is full (%s)", what, msg);
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_IOERR:
	case SQLITE_AUTH:
		return err_set(err, ERR_IO, "store: %s: %s (is %s writable?)", what, msg, st->dir);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		if (st->broken)
			return err_set(err, ERR_CORRUPT, "store: %s: %s", what, msg);
		err_set(err, ERR_CORRUPT, "store: %s: %s", what, msg);
		quarantine(st, aside, sizeof(aside));
		if (aside[0]) {
			size_t n = strlen(err->msg);

			snprintf(err->msg + n, sizeof(err->msg) - n, "; moved it to %s", aside);
		}
		return -1;
	default:
		return err_set(err, ERR_INTERNAL, "store: %s: %s", what, msg);
	}
}

/* ---- statements ---- */

static int exec(struct store *st, const char *sql, const char *what, struct err *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, what, err);
	return 0;
}

static int prepare(struct store *st, const char *sql, sqlite3_stmt **s, const char *what,
		   struct err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
		*s = NULL;
		return db_fail(st, what, err);
	}
	return 0;
}

/* Run s to completion (an INSERT, UPDATE or DELETE) and finalize it. */
static int run(struct store *st, sqlite3_stmt *s, const char *what, struct err *err)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return db_fail(st, what, err);
	}
	sqlite3_finalize(s);
	return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static int query_int(struct store *st, const char *sql, int64_t *out, const char *what,
		     struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (prepare(st, sql, &s, what, err) != 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return db_fail(st, what, err);
	}
	*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

/* Start a write transaction, waiting up to busy_ms for the lock. */
static int begin_write(struct store *st, struct err *err)
{
	if (st->broken)
		return err_set(err, ERR_CORRUPT, "store: the database was corrupt");
	if (!st->sync_set) {
		if (exec(st, "PRAGMA synchronous=NORMAL", "setting up", err) != 0)
			return -1;
		st->sync_set = true;
	}
	return exec(st, "BEGIN IMMEDIATE", "locking the database", err);
}

static int commit(struct store *st, struct err *err)
{
	if (exec(st, "COMMIT", "saving", err) != 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static void rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- schema ---- */

/*
 * Migrations: step i takes a database from version i to i + 1. A new
 * version is one more row; never edit a row that has shipped.
 *  1: the first schema.
 *  2: the cache remembers how many candidates were asked for and whether
 *     the answer depended on the directory; history records the target
 *     platform and shell, and what the cache did (hit, miss, bypass)
 *     instead of a bare cached flag; history is indexed by time.
 */
static const char *const migrations[] = {
	"CREATE TABLE cache("
	"  khash INTEGER PRIMARY KEY,"   /* hash of key */
	"  key TEXT NOT NULL,"           /* request, platform, shell, engine[, dir] */
	"  engine TEXT NOT NULL,"        /* the engine that answered */
	"  answer TEXT NOT NULL,"        /* JSON [[command, explanation|null], ...] */
	"  created INTEGER NOT NULL,"    /* Unix ms */
	"  used INTEGER NOT NULL,"       /* Unix ms of the last use: LRU order */
	"  hits INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX cache_used ON cache(used);"
	"CREATE TABLE history("
	"  id INTEGER PRIMARY KEY,"
	"  rid INTEGER UNIQUE,"          /* spool record id: ingestion is idempotent */
	"  ts INTEGER NOT NULL,"         /* Unix ms */
	"  cwd TEXT, request TEXT NOT NULL, command TEXT, engine TEXT,"
	"  cached INTEGER NOT NULL DEFAULT 0, khash INTEGER,"
	"  risk TEXT, decision TEXT NOT NULL, exit_status INTEGER,"
	"  total_ms REAL, generate_ms REAL, check_ms REAL);",

	"ALTER TABLE cache ADD COLUMN want INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE cache ADD COLUMN context INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE history ADD COLUMN platform TEXT;"
	"ALTER TABLE history ADD COLUMN shell TEXT;"
	"ALTER TABLE history ADD COLUMN cache TEXT;"
	"UPDATE history SET cache = CASE WHEN cached THEN 'hit' ELSE 'unused' END;"
	"CREATE INDEX history_ts ON history(ts);",
};

_Static_assert(ARRAY_SIZE(migrations) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

/* Switch the database to WAL (a setting kept in the file). The switch
 * needs the database to itself, and SQLite returns SQLITE_BUSY for it
 * without always going through the busy handler: processes opening a new
 * database at once saw "locked" here. So it is retried, a millisecond at
 * a time, for up to busy_ms. */
static int wal_on(struct store *st, struct err *err)
{
	const struct timespec pause = {0, 1000000};
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) & 0xff;

		if (rc == SQLITE_OK)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		/* the whole wait, busy handler included, stays within busy_ms */
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >=
			    st->opts.busy_ms)
			return db_fail(st, "switching to WAL", err);
		nanosleep(&pause, NULL);
	}
}

/* Bring the schema up to target in one transaction. Another process may
 * have done it meanwhile, so the version is read again under the lock. */
static int migrate(struct store *st, int64_t target, struct err *err)
{
	int64_t v;
	char sql[64];

	/* journal_mode cannot change inside a transaction; WAL is persistent. */
	if (wal_on(st, err) != 0)
		return -1;
	if (begin_write(st, err) != 0)
		return -1;
	if (query_int(st, "PRAGMA user_version", &v, "reading the schema version", err) != 0)
		goto fail;
	for (; v < target; v++) {
		if (exec(st, migrations[v], "upgrading the schema", err) != 0)
			goto fail;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%lld", (long long)target);
	if (exec(st, sql, "upgrading the schema", err) != 0)
		goto fail;
	return commit(st, err);
fail:
	rollback(st);
	return -1;
}

static int on_wal(void *ud, sqlite3 *db, const char *name, int frames)
{
	struct store *st = ud;

	UNUSED(db);
	UNUSED(name);
	UNUSED(frames);
	st->wrote = true;
	return SQLITE_OK;
}

/* ---- open and close ---- */

static void index_path(const char *dir, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", dir, STORE_INDEX_NAME);
}

static void close_db(struct store *st)
{
	if (st->db)
		sqlite3_close_v2(st->db);
	st->db = NULL;
}

/*
 * Move a corrupt caro.db (and its WAL, which must never meet a new
 * database) aside. aside gets the new name, or "" when nothing moved.
 */
static void quarantine(struct store *st, char *aside, size_t cap)
{
	char stamp[32], wal[4300], wal_aside[4400], shm[4300];
	struct stat sb;
	time_t now = time(NULL);
	struct tm tm;

	aside[0] = '\0';
	st->broken = true;
	/* Someone else may have moved it and started afresh already. */
	if (stat(st->path, &sb) != 0 || sb.st_dev != st->dev || sb.st_ino != st->ino)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(aside, cap, "%s.corrupt-%s", st->path, stamp);
	for (int i = 2; access(aside, F_OK) == 0 && i < 100; i++)
		snprintf(aside, cap, "%s.corrupt-%s-%d", st->path, stamp, i);
	if (rename(st->path, aside) != 0) {
		log_debug("store: cannot move %s aside: %s", st->path, strerror(errno));
		aside[0] = '\0';
		return;
	}
	snprintf(wal, sizeof(wal), "%s-wal", st->path);
	snprintf(wal_aside, sizeof(wal_aside), "%s-wal", aside);
	snprintf(shm, sizeof(shm), "%s-shm", st->path);
	if (rename(wal, wal_aside) != 0 && errno != ENOENT)
		unlink(wal);
	unlink(shm);
	/* The index mirrors the database that moved: the new one is empty. */
	index_path(st->dir, shm, sizeof(shm));
	unlink(shm);
}

/* Create caro.db with mode 0600 (SQLite would use 0644) and remember its
 * identity for quarantine. */
static int create_file(struct store *st, struct err *err)
{
	struct stat sb;
	int fd = open(st->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	/* The directory usually exists (the caller made it): mkdir only then. */
	if (fd < 0 && errno == ENOENT && paths_mkdir_p(st->dir, err) == 0)
		fd = open(st->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_errno(err, ERR_IO, "store: cannot open %s", st->path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, ERR_IO, "store: %s is not a regular file", st->path);
	}
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	close(fd);
	return 0;
}

static int open_db(struct store *st, struct err *err)
{
	int64_t v;

	if (create_file(st, err) != 0)
		return -1;
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		if (!st->db)
			return err_set(err, ERR_NOMEM, "store: out of memory");
		return db_fail(st, "opening", err);
	}
	sqlite3_busy_timeout(st->db, st->opts.busy_ms);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	sqlite3_wal_hook(st->db, on_wal, st);
	/* The first statement reads the header and the schema: this is where
	 * a file that is not a database, or a corrupt one, shows. */
	if (query_int(st, "PRAGMA user_version", &v, "opening", err) != 0)
		return -1;
	if (v > STORE_SCHEMA_VERSION)
		return err_set(err, ERR_UNAVAILABLE,
			       "store: %s is from a newer caro (schema %lld, this one knows %d)",
			       st->path, (long long)v, STORE_SCHEMA_VERSION);
	if (v < STORE_SCHEMA_VERSION) {
		if (migrate(st, STORE_SCHEMA_VERSION, err) != 0)
			return -1;
	}
	if (st->opts.max_bytes > 0) {
		int64_t page;
		char sql[64];

		if (query_int(st, "PRAGMA page_size", &page, "opening", err) != 0)
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%lld",
			 (long long)MAX(1, st->opts.max_bytes / MAX(page, 512)));
		if (exec(st, sql, "opening", err) != 0)
			return -1;
	}
	return 0;
}

int store_open(struct store **out, const char *dir, const struct store_opts *opts,
	       struct buf *warn, struct err *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int n;

	*out = NULL;
	if (opts)
		st->opts = *opts;
	if (st->opts.busy_ms <= 0)
		st->opts.busy_ms = BUSY_MS_DEFAULT;
	if (st->opts.history_max <= 0)
		st->opts.history_max = STORE_HISTORY_MAX;
	n = snprintf(st->dir, sizeof(st->dir), "%s", dir);
	if (n < 0 || (size_t)n >= sizeof(st->dir)) {
		free(st);
		return err_set(err, ERR_LIMIT, "store: directory path too long");
	}
	snprintf(st->path, sizeof(st->path), "%s/%s", dir, STORE_DB_NAME);
	for (int attempt = 0;; attempt++) {
		struct err e;

		err_clear(&e);
		if (open_db(st, &e) == 0)
			break;
		close_db(st);
		/* db_fail moved a corrupt file aside (or another process did):
		 * start one new database. */
		if (e.code == ERR_CORRUPT && attempt == 0) {
			if (warn)
				buf_addf(warn, "%s and started a new one", e.msg);
			st->broken = false;
			continue;
		}
		*err = e;
		free(st);
		return -1;
	}
	*out = st;
	return 0;
}

/*
 * Copy the WAL back into caro.db and start it over (see the header). Only
 * this connection knows that everything was copied: its WAL index says so.
 * A write now finds the WAL fully checkpointed and rewrites its header
 * with a new salt, which ends the old frames for whoever reads it next.
 * Nothing here waits: if another process holds a lock, the next writer
 * settles the WAL instead.
 */
static void settle_wal(struct store *st)
{
	int frames = 0, copied = 0;
	char sql[48];

	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames,
				      &copied) != SQLITE_OK || frames != copied) {
		log_debug("store: checkpoint: %d of %d frames: %s", copied, frames,
			  sqlite3_errmsg(st->db));
		return;
	}
	sqlite3_busy_timeout(st->db, 0);
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", STORE_SCHEMA_VERSION);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		log_debug("store: restarting the WAL: %s", sqlite3_errmsg(st->db));
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->db && !st->broken && st->wrote)
		settle_wal(st);
	close_db(st);
	free(st);
}

/* ---- cache keys ---- */

/* White space, and any other control character: none survives into a key,
 * which keeps \x1f free to separate the key's parts. */
static bool is_ws(char c)
{
	return (unsigned char)c <= ' ' || c == 0x7f;
}

void store_normalize(const char *s, struct buf *out)
{
	size_t start = out->len, len, w;
	char quote = 0;
	bool space = false;
	char *p;

	buf_grow(out, strlen(s));
	for (; *s; s++) {
		char c = is_ws(*s) ? ' ' : *s;

		if (!quote && c == ' ') {
			space = true;
			continue;
		}
		if (space && out->len > start)
			buf_addch(out, ' ');
		space = false;
		if (quote && c == quote)
			quote = 0;
		else if (!quote && (c == '"' || c == '`'))
			quote = c;
		buf_addch(out, c);
	}
	if (out->len == start)
		return;
	p = out->s + start;
	len = out->len - start;
	while (len > 0 && (p[len - 1] == '?' || p[len - 1] == '!' || p[len - 1] == ' '))
		len--;
	/* "list files in src." but not "list files in ." or "show foo.tar.": a
	 * full stop ends the sentence only after a word without dots or slashes. */
	if (len >= 2 && p[len - 1] == '.' && isalpha((unsigned char)p[len - 2])) {
		for (w = len - 1; w > 0 && p[w - 1] != ' '; w--)
			;
		if (!memchr(p + w, '.', len - 1 - w) && !memchr(p + w, '/', len - 1 - w))
			len--;
	}
	while (len > 0 && p[len - 1] == ' ')
		len--;
	buf_truncate(out, start + len);
	/* A capital that only starts the sentence: "Find" but not "README". */
	if (len >= 2 && isupper((unsigned char)p[0]) &&
	    (islower((unsigned char)p[1]) || p[1] == ' '))
		p[0] = (char)tolower((unsigned char)p[0]);
}

int store_context_fingerprint(const char *cwd, char out[17], struct err *err)
{
	struct stat sb;
	struct buf b = BUF_INIT;

	out[0] = '\0';
	if (!cwd || stat(cwd, &sb) != 0)
		return err_errno(err, ERR_IO, "store: cannot examine the current directory");
	/* Adding, removing or renaming an entry changes the directory's mtime. */
	buf_addf(&b, "%s%c%llu:%llu:%lld.%09ld:%lld.%09ld", cwd, 0,
		 (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino,
		 (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec,
		 (long long)sb.st_ctim.tv_sec, (long)sb.st_ctim.tv_nsec);
	snprintf(out, 17, "%016llx", (unsigned long long)hash64(b.s, b.len));
	buf_release(&b);
	return 0;
}

void store_key_init(struct store_key *k, const char *request, const struct platform *plat,
		    enum plat_shell shell, const char *engine_id, const char *context)
{
	memset(k, 0, sizeof(*k));
	/* Normalizing leaves no control character, so \x1f separates. */
	store_normalize(request, &k->base);
	buf_addf(&k->base, "\x1f%s|%s|%s|%x|%s|%s\x1f%s\x1f%s", platform_os_name(plat->os),
		 plat->distro, plat->arch, (unsigned)plat->bsd_tools, plat->pkg, plat->init,
		 platform_shell_name(shell), engine_id ? engine_id : "");
	k->h_base = hash64(k->base.s, k->base.len);
	if (context && *context) {
		buf_addf(&k->ctx, "%s\x1f%s", k->base.s, context);
		k->h_ctx = hash64(k->ctx.s, k->ctx.len);
	}
}

void store_key_release(struct store_key *k)
{
	buf_release(&k->base);
	buf_release(&k->ctx);
	k->h_base = k->h_ctx = 0;
}

/* ---- cache ---- */

/* [[command, explanation|null], ...] -> ans (at most want). */
static int answer_parse(const char *json, size_t want, struct gen_answer *ans)
{
	cJSON *root, *it;

	if (!json || strlen(json) > ANSWER_MAX)
		return -1;
	root = cJSON_Parse(json);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(it, root) {
		cJSON *cmd = cJSON_GetArrayItem(it, 0), *ex = cJSON_GetArrayItem(it, 1);

		if (ans->n >= want)
			break;
		if (!cJSON_IsArray(it) || !cJSON_IsString(cmd) || !*cmd->valuestring ||
		    (ex && !cJSON_IsString(ex) && !cJSON_IsNull(ex))) {
			gen_answer_release(ans);
			break;
		}
		gen_answer_add(ans, cmd->valuestring, cJSON_IsString(ex) ? ex->valuestring : NULL);
	}
	cJSON_Delete(root);
	return ans->n ? 0 : -1;
}

static char *answer_format(const struct gen_answer *ans)
{
	cJSON *root = cJSON_CreateArray();
	char *s;

	for (size_t i = 0; i < ans->n; i++) {
		cJSON *it = cJSON_CreateArray();

		const char *ex = ans->c[i].explanation;

		cJSON_AddItemToArray(it, cJSON_CreateString(ans->c[i].command));
		cJSON_AddItemToArray(it, ex ? cJSON_CreateString(ex) : cJSON_CreateNull());
		cJSON_AddItemToArray(root, it);
	}
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

int store_cache_get(struct store *st, const struct store_key *k, size_t want,
		    struct gen_answer *ans, char *engine, size_t engine_cap, uint64_t *khash,
		    struct err *err)
{
	sqlite3_stmt *s;
	int rc, hit = 0;
	int64_t cutoff = st->opts.ttl_days > 0 ? wall_ms() - st->opts.ttl_days * 86400000LL :
		INT64_MIN;

	memset(ans, 0, sizeof(*ans));
	if (st->broken || st->opts.max_entries <= 0 || want == 0)
		return 0;
	if (prepare(st, "SELECT khash, key, engine, answer, want, context, created FROM cache "
		    "WHERE khash IN (?1, ?2) ORDER BY khash = ?2 DESC", &s, "reading the cache",
		    err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, u2i(k->h_base));
	sqlite3_bind_int64(s, 2, u2i(k->h_ctx));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint64_t h = i2u(sqlite3_column_int64(s, 0));
		const char *key = col_text(s, 1);
		const struct buf *want_key = h == k->h_ctx && k->h_ctx ? &k->ctx : &k->base;

		/* The hash picked the row; the full key decides. */
		if (!str_eq(key, want_key->s) || sqlite3_column_int64(s, 6) < cutoff ||
		    sqlite3_column_int64(s, 4) < (int64_t)want)
			continue;
		if (answer_parse(col_text(s, 3), want, ans) != 0) {
			log_debug("store: ignoring a malformed cached answer");
			continue;
		}
		ans->context_dependent = sqlite3_column_int(s, 5) != 0;
		snprintf(engine, engine_cap, "%s", col_text(s, 2) ? col_text(s, 2) : "");
		*khash = h;
		hit = 1;
		break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(s);
		return db_fail(st, "reading the cache", err);
	}
	sqlite3_finalize(s);
	return hit;
}

struct spool {
	int fd; /* -1: none; otherwise open and exclusively locked */
};

static int ingest_locked(struct store *st, struct spool *sp, struct err *err);
static void spool_release(struct spool *sp, bool committed);

/* Delete expired entries and the least recently used beyond the bound. */
static int evict(struct store *st, struct err *err)
{
	sqlite3_stmt *s;

	if (st->opts.ttl_days > 0) {
		if (prepare(st, "DELETE FROM cache WHERE created < ?", &s, "expiring", err) != 0)
			return -1;
		sqlite3_bind_int64(s, 1, wall_ms() - st->opts.ttl_days * 86400000LL);
		if (run(st, s, "expiring", err) != 0)
			return -1;
	}
	if (prepare(st, "DELETE FROM cache WHERE khash IN (SELECT khash FROM cache "
		    "ORDER BY used DESC, created DESC LIMIT -1 OFFSET ?)",
		    &s, "evicting", err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->opts.max_entries);
	return run(st, s, "evicting", err);
}

/*
 * answers.idx is rewritten whole from the cache table (see store.h) by
 * whoever holds answers.lock, an flock that orders the rewrites: each one
 * reads the newest committed state under the lock, so a later rename never
 * carries an older snapshot. A put rewrites it after its commit, outside
 * the database's write lock, which 20 concurrent writers already contend
 * for; forget and clear rewrite it inside their transaction and commit
 * before they let go of answers.lock, so no rewrite can bring back what
 * they removed.
 */
static int lock_fd(int fd, int op, int timeout_ms);

static int index_lock(struct store *st, int timeout_ms, struct err *err)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/answers.lock", st->dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_errno(err, ERR_IO, "store: cannot open %s", path);
	if (lock_fd(fd, LOCK_EX, timeout_ms) != 0) {
		close(fd);
		return err_set(err, ERR_TIMEOUT, "store: the answer index is locked by another "
			       "process");
	}
	return fd;
}

static void index_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * With answers.lock held: rewrite the index from what this connection
 * sees. -1 only when a stale index could not be removed.
 */
static int index_rebuild(struct store *st, struct err *err)
{
	struct store_index_rec *r = NULL;
	struct buf img = BUF_INIT;
	sqlite3_stmt *s = NULL;
	char path[4200];
	size_t n = 0, bytes = 0;
	int rc = -1, step;

	index_path(st->dir, path, sizeof(path));
	if (prepare(st, "SELECT khash, key, engine, answer, created, want, context FROM cache "
		    "ORDER BY used DESC, created DESC LIMIT ?", &s, "indexing", err) != 0)
		goto drop;
	sqlite3_bind_int(s, 1, STORE_INDEX_MAX_ENTRIES);
	r = xcalloc(STORE_INDEX_MAX_ENTRIES, sizeof(*r));
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *key = col_text(s, 1), *engine = col_text(s, 2), *ans = col_text(s, 3);
		struct store_index_rec *x = &r[n];

		if (!key || !engine || !ans)
			continue;
		x->key_len = strlen(key);
		bytes += x->key_len + strlen(engine) + strlen(ans) + 64;
		if (bytes > STORE_INDEX_MAX_BYTES)
			break;
		x->khash = i2u(sqlite3_column_int64(s, 0));
		x->key = xstrdup(key);
		x->engine = xstrdup(engine);
		x->answer = xstrdup(ans);
		x->created = sqlite3_column_int64(s, 4);
		x->want = (uint32_t)MIN(MAX(sqlite3_column_int64(s, 5), 0), UINT32_MAX);
		x->context = sqlite3_column_int(s, 6) != 0;
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(st, "indexing", err);
		goto drop;
	}
	store_index_format(r, n, &img);
	/* No fsync: the index is derived, and a short file is rejected. */
	if (file_write_atomic(path, img.s, img.len, 0600, FILE_NOSYNC, err) != 0)
		goto drop;
	rc = 0;
	goto out;
drop:
	/* No index is always right: hits then read the database. */
	log_debug("store: answer index not written: %s", err->msg);
	if (unlink(path) == 0 || errno == ENOENT)
		rc = 0;
	else
		err_errno(err, ERR_IO, "store: cannot remove the stale %s", path);
out:
	sqlite3_finalize(s);
	for (size_t i = 0; i < n; i++) {
		free((char *)r[i].key);
		free((char *)r[i].engine);
		free((char *)r[i].answer);
	}
	free(r);
	buf_release(&img);
	return rc;
}

int store_cache_put(struct store *st, const struct store_key *k, size_t want,
		    const struct gen_answer *ans, const char *engine, uint64_t *khash,
		    struct err *err)
{
	struct spool sp = {-1};
	sqlite3_stmt *s = NULL;
	const struct buf *key = ans->context_dependent ? &k->ctx : &k->base;
	uint64_t h = ans->context_dependent ? k->h_ctx : k->h_base;
	int64_t now = wall_ms();
	char *json;
	int rc = -1;

	*khash = 0;
	/* broken: the corruption was reported when it was found. */
	if (st->broken || st->opts.max_entries <= 0 || ans->n == 0 || h == 0)
		return 0;
	json = answer_format(ans);
	if (!json || strlen(json) > ANSWER_MAX) {
		free(json);
		return err_set(err, ERR_LIMIT, "store: the answer is too large to cache");
	}
	if (begin_write(st, err) != 0)
		goto out;
	if (ingest_locked(st, &sp, err) != 0)
		goto fail;
	if (prepare(st, "INSERT OR REPLACE INTO cache(khash, key, engine, answer, want, context, "
		    "created, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s, "caching", err) != 0)
		goto fail;
	sqlite3_bind_int64(s, 1, u2i(h));
	sqlite3_bind_text(s, 2, key->s, (int)key->len, SQLITE_STATIC);
	bind_text(s, 3, engine);
	bind_text(s, 4, json);
	sqlite3_bind_int64(s, 5, (int64_t)want);
	sqlite3_bind_int(s, 6, ans->context_dependent);
	sqlite3_bind_int64(s, 7, now);
	sqlite3_bind_int64(s, 8, now);
	if (run(st, s, "caching", err) != 0 || evict(st, err) != 0 || commit(st, err) != 0)
		goto fail;
	spool_release(&sp, true);
	*khash = h;
	rc = 0;
	{
		struct err ie;
		int fd = index_lock(st, st->opts.busy_ms, &ie);

		/* Not indexed: hits on it read the database, then refresh. */
		if (fd < 0 || index_rebuild(st, &ie) != 0)
			log_debug("%s", ie.msg);
		index_unlock(fd);
	}
	goto out;
fail:
	rollback(st);
	spool_release(&sp, false);
out:
	free(json);
	return rc;
}

int store_cache_forget(struct store *st, uint64_t khash, struct err *err)
{
	sqlite3_stmt *s;
	int fd = -1;

	if (st->broken)
		return 0;
	if (begin_write(st, err) != 0)
		return -1;
	if ((fd = index_lock(st, st->opts.busy_ms, err)) < 0 ||
	    prepare(st, "DELETE FROM cache WHERE khash = ?", &s, "forgetting", err) != 0)
		goto fail;
	sqlite3_bind_int64(s, 1, u2i(khash));
	if (run(st, s, "forgetting", err) != 0 || index_rebuild(st, err) != 0 ||
	    commit(st, err) != 0)
		goto fail;
	index_unlock(fd);
	return 0;
fail:
	rollback(st);
	index_unlock(fd);
	return -1;
}

int store_index_get(const char *dir, const struct store_key *k, size_t want, long long ttl_days,
		    struct gen_answer *ans, char *engine, size_t engine_cap, uint64_t *khash,
		    struct err *err)
{
	const struct buf *keys[2] = {&k->ctx, &k->base};
	const uint64_t hashes[2] = {k->h_ctx, k->h_base};
	int64_t cutoff = ttl_days > 0 ? wall_ms() - ttl_days * 86400000LL : INT64_MIN;
	struct buf scratch = BUF_INIT;
	struct store_index_rec r;
	char path[4200];
	int fd, rc = 0;

	memset(ans, 0, sizeof(*ans));
	index_path(dir, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_errno(err, ERR_IO, "store: cannot open %s", path);
	/* The entry made for this directory first, as in store_cache_get. */
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (!hashes[i])
			continue;
		rc = store_index_find(fd, hashes[i], keys[i]->s, keys[i]->len, &r, &scratch, err);
		if (rc != 1)
			continue;
		rc = 0;
		if (r.created < cutoff || r.want < want || answer_parse(r.answer, want, ans) != 0)
			continue;
		ans->context_dependent = r.context;
		snprintf(engine, engine_cap, "%s", r.engine);
		*khash = r.khash;
		rc = 1;
	}
	close(fd);
	buf_release(&scratch);
	return rc;
}

int store_index_refresh(struct store *st, struct err *err)
{
	int fd, rc;

	if (st->broken)
		return 0;
	/* A cache hit must not wait: someone else is rewriting it anyway. */
	if ((fd = index_lock(st, 0, err)) < 0)
		return -1;
	rc = index_rebuild(st, err);
	index_unlock(fd);
	return rc;
}

/* ---- spool records ---- */

/*
 * One record per line, tab-separated, with \\ \t \n \r escaped and \N for
 * NULL:
 *   h1 RID TS KHASH CACHE RISK DECISION EXIT TOTAL GEN CHECK ENGINE
 *      PLATFORM SHELL CWD REQUEST COMMAND        (a history row)
 *   t1 RID TS KHASH                              (a cache hit, history off)
 * RID and KHASH are hexadecimal.
 */
enum {
	F_KIND, F_RID, F_TS, F_KHASH, F_CACHE, F_RISK, F_DECISION, F_EXIT, F_TOTAL, F_GEN,
	F_CHECK, F_ENGINE, F_PLATFORM, F_SHELL, F_CWD, F_REQUEST, F_COMMAND, F__COUNT,
	F_TOUCH_COUNT = F_KHASH + 1,
};

static void add_field(struct buf *b, const char *s)
{
	size_t n = 0;

	buf_addch(b, '\t');
	if (!s) {
		buf_adds(b, "\\N");
		return;
	}
	for (; *s && n < STORE_TEXT_MAX; s++, n++) {
		switch (*s) {
		case '\\': buf_adds(b, "\\\\"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		default: buf_addch(b, *s);
		}
	}
	/* Never cut a UTF-8 sequence in half. */
	while (n == STORE_TEXT_MAX && b->len && ((unsigned char)b->s[b->len - 1] & 0xc0) == 0x80)
		buf_truncate(b, b->len - 1);
	if (n == STORE_TEXT_MAX && b->len && ((unsigned char)b->s[b->len - 1] & 0xc0) == 0xc0)
		buf_truncate(b, b->len - 1);
}

void store_record_format(const struct store_entry *e, uint64_t rid, struct buf *out)
{
	buf_addf(out, "h1\t%016llx\t%lld\t%016llx", (unsigned long long)rid, (long long)e->ts_ms,
		 (unsigned long long)e->khash);
	add_field(out, store_cache_use_name(e->cache));
	add_field(out, e->risk);
	add_field(out, store_decision_name(e->decision));
	buf_addf(out, "\t%d\t%.3f\t%.3f\t%.3f", e->exit_status, e->total_ms, e->generate_ms,
		 e->check_ms);
	add_field(out, e->engine);
	add_field(out, e->platform);
	add_field(out, e->shell);
	add_field(out, e->cwd);
	add_field(out, e->request ? e->request : "");
	add_field(out, e->command);
	buf_addch(out, '\n');
}

static int parse_u64_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; *s; s++, n++) {
		int d = isdigit((unsigned char)*s) ? *s - '0' :
			(*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 : -1;

		if (d < 0 || n >= 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return n ? 0 : -1;
}

static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_ms(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !(v >= 0 && v < 1e9))
		return -1;
	*out = v;
	return 0;
}

int store_record_parse(const char *line, size_t len, struct store_entry *e, uint64_t *rid,
		       struct buf *scratch, struct err *err)
{
	size_t starts[F__COUNT];
	bool null[F__COUNT] = {false};
	size_t nf = 0;
	const char *f[F__COUNT], *bad = NULL;
	int64_t v;

	memset(e, 0, sizeof(*e));
	/* Three texts of STORE_TEXT_MAX, each at most doubled by escapes. */
	if (len > 8 * STORE_TEXT_MAX)
		return err_set(err, ERR_PARSE, "store: spool record too long");
	buf_reset(scratch);
	buf_grow(scratch, len + F__COUNT);
	/* Unescape into scratch, one NUL-terminated field after another. */
	starts[nf++] = 0;
	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (c == '\t' && nf == F__COUNT) {
			bad = "too many fields";
		} else if (c == '\t') {
			buf_addch(scratch, '\0');
			starts[nf++] = scratch->len;
		} else if (c == '\\') {
			c = ++i < len ? line[i] : '\0';
			if (c == 'N' && scratch->len == starts[nf - 1] &&
			    (i + 1 == len || line[i + 1] == '\t'))
				null[nf - 1] = true;
			else if (c == '\\' || c == 't' || c == 'n' || c == 'r')
				buf_addch(scratch, c == 't' ? '\t' : c == 'n' ? '\n' :
					  c == 'r' ? '\r' : '\\');
			else
				bad = "a bad escape";
		} else if (c == '\0') {
			bad = "a NUL byte";
		} else {
			buf_addch(scratch, c);
		}
		if (bad)
			break;
	}
	if (bad)
		return err_set(err, ERR_PARSE, "store: spool record with %s", bad);
	buf_addch(scratch, '\0');
	for (size_t i = 0; i < nf; i++)
		f[i] = null[i] ? NULL : scratch->s + starts[i];
	if (!(str_eq(f[0], "h1") && nf == F__COUNT) && !(str_eq(f[0], "t1") && nf == F_TOUCH_COUNT))
		return err_set(err, ERR_PARSE, "store: unknown spool record");
	if (!f[F_RID] || parse_u64_hex(f[F_RID], rid) != 0 || !f[F_TS] ||
	    parse_i64(f[F_TS], 0, INT64_MAX / 2, &e->ts_ms) != 0 || !f[F_KHASH] ||
	    parse_u64_hex(f[F_KHASH], &e->khash) != 0)
		return err_set(err, ERR_PARSE, "store: bad id, time or hash in spool record");
	if (str_eq(f[0], "t1")) {
		e->cache = STORE_CACHE_HIT;
		e->decision = STORE_NONE;
		return 0;
	}
	e->cache = (enum store_cache_use)name_index(cache_use_names, STORE_CACHE__COUNT,
						    f[F_CACHE], -1);
	e->decision = (enum store_decision)name_index(decision_names, STORE_DECISION__COUNT,
						      f[F_DECISION], -1);
	if ((int)e->cache < 0 || (int)e->decision < 0)
		return err_set(err, ERR_PARSE, "store: bad cache use or decision in spool record");
	if (!f[F_EXIT] || parse_i64(f[F_EXIT], -1, 65535, &v) != 0)
		return err_set(err, ERR_PARSE, "store: bad exit status in spool record");
	e->exit_status = (int)v;
	if (!f[F_TOTAL] || !f[F_GEN] || !f[F_CHECK] || parse_ms(f[F_TOTAL], &e->total_ms) != 0 ||
	    parse_ms(f[F_GEN], &e->generate_ms) != 0 || parse_ms(f[F_CHECK], &e->check_ms) != 0)
		return err_set(err, ERR_PARSE, "store: bad timing in spool record");
	if (!f[F_REQUEST])
		return err_set(err, ERR_PARSE, "store: spool record without a request");
	e->risk = f[F_RISK];
	e->engine = f[F_ENGINE];
	e->platform = f[F_PLATFORM];
	e->shell = f[F_SHELL];
	e->cwd = f[F_CWD];
	e->request = f[F_REQUEST];
	e->command = f[F_COMMAND];
	return 0;
}

/* ---- the spool ---- */

static void spool_path(const char *dir, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", dir, STORE_SPOOL_NAME);
}

static uint64_t record_id(void)
{
	static uint64_t counter;
	struct {
		int64_t t;
		uint64_t pid, n;
	} seed = {wall_ms(), (uint64_t)getpid(), ++counter};
	uint64_t r;

	if (getentropy(&r, sizeof(r)) == 0)
		return r;
	return hash64(&seed, sizeof(seed));
}

/*
 * flock with a deadline: a process stopped while holding the spool's lock
 * (Ctrl-Z at the wrong moment) must not hang every other caro. Locks are
 * held for microseconds to milliseconds, so short sleeps suffice.
 */
static int lock_fd(int fd, int op, int timeout_ms)
{
	struct timespec pause = {0, 1000000};

	for (int waited = 0;; waited++) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			errno = EWOULDBLOCK;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

/*
 * Append one whole record under a shared lock, so that ingestion (which
 * takes the exclusive lock) never sees half of it. One write(): O_APPEND
 * makes concurrent appends land whole, one after another.
 */
static int spool_append(const char *dir, const struct buf *rec, int busy_ms, off_t *size,
			struct err *err)
{
	char path[4200];
	struct stat sb;
	ssize_t w;
	int fd;

	spool_path(dir, path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT && paths_mkdir_p(dir, err) == 0)
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_errno(err, ERR_IO, "store: cannot open %s", path);
	if (lock_fd(fd, LOCK_SH, busy_ms > 0 ? busy_ms : BUSY_MS_DEFAULT) != 0) {
		close(fd);
		return err_errno(err, ERR_IO, "store: cannot lock %s", path);
	}
	do {
		w = write(fd, rec->s, rec->len);
	} while (w < 0 && errno == EINTR);
	if (w != (ssize_t)rec->len) {
		if (w >= 0)
			errno = ENOSPC;
		err_errno(err, ERR_IO, "store: cannot write %s", path);
		close(fd);
		return -1;
	}
	*size = fstat(fd, &sb) == 0 ? sb.st_size : 0;
	close(fd);
	return 0;
}

static void spool_maybe_ingest(const char *dir, off_t size, const struct store_opts *opts)
{
	struct store *st;
	struct err e;

	if (size < STORE_SPOOL_INGEST)
		return;
	/* The record is safe in the spool: failing here only delays. */
	if (store_open(&st, dir, opts, NULL, &e) != 0 || store_ingest(st, &e) != 0)
		log_info("history spool not moved into the database yet: %s", e.msg);
	store_close(st);
}

int store_history_add(const char *dir, const struct store_entry *e, const struct store_opts *opts,
		      struct err *err)
{
	struct store_entry now = *e;
	struct buf rec = BUF_INIT;
	off_t size;
	int rc;

	if (!now.ts_ms)
		now.ts_ms = wall_ms();
	store_record_format(&now, record_id(), &rec);
	rc = spool_append(dir, &rec, opts ? opts->busy_ms : 0, &size, err);
	buf_release(&rec);
	if (rc == 0)
		spool_maybe_ingest(dir, size, opts);
	return rc;
}

int store_touch_add(const char *dir, uint64_t khash, const struct store_opts *opts,
		    struct err *err)
{
	struct buf rec = BUF_INIT;
	off_t size;
	int rc;

	buf_addf(&rec, "t1\t%016llx\t%lld\t%016llx\n", (unsigned long long)record_id(),
		 (long long)wall_ms(), (unsigned long long)khash);
	rc = spool_append(dir, &rec, opts ? opts->busy_ms : 0, &size, err);
	buf_release(&rec);
	if (rc == 0)
		spool_maybe_ingest(dir, size, opts);
	return rc;
}

/* Open and exclusively lock the spool; sp->fd stays -1 when there is none. */
static int spool_take(struct store *st, struct spool *sp, struct err *err)
{
	char path[4200];

	spool_path(st->dir, path, sizeof(path));
	sp->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (sp->fd < 0)
		return errno == ENOENT ? 0 : err_errno(err, ERR_IO, "store: cannot open %s", path);
	if (lock_fd(sp->fd, LOCK_EX, st->opts.busy_ms) != 0) {
		close(sp->fd);
		sp->fd = -1;
		return err_errno(err, ERR_IO, "store: cannot lock %s", path);
	}
	return 0;
}

/* After the commit the records are in the database: empty the spool. */
static void spool_release(struct spool *sp, bool committed)
{
	if (sp->fd < 0)
		return;
	if (committed && ftruncate(sp->fd, 0) != 0)
		log_debug("store: cannot empty the spool: %s", strerror(errno));
	close(sp->fd);
	sp->fd = -1;
}

static int insert_record(struct store *st, sqlite3_stmt *ins, sqlite3_stmt *touch,
			 const struct store_entry *e, uint64_t rid, bool touch_only,
			 struct err *err)
{
	if (!touch_only) {
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, u2i(rid));
		sqlite3_bind_int64(ins, 2, e->ts_ms);
		bind_text(ins, 3, e->cwd);
		bind_text(ins, 4, e->request);
		bind_text(ins, 5, e->command);
		bind_text(ins, 6, e->engine);
		sqlite3_bind_int(ins, 7, e->cache == STORE_CACHE_HIT);
		if (e->khash)
			sqlite3_bind_int64(ins, 8, u2i(e->khash));
		else
			sqlite3_bind_null(ins, 8);
		bind_text(ins, 9, e->risk);
		bind_text(ins, 10, store_decision_name(e->decision));
		if (e->exit_status >= 0)
			sqlite3_bind_int(ins, 11, e->exit_status);
		else
			sqlite3_bind_null(ins, 11);
		sqlite3_bind_double(ins, 12, e->total_ms);
		sqlite3_bind_double(ins, 13, e->generate_ms);
		sqlite3_bind_double(ins, 14, e->check_ms);
		bind_text(ins, 15, e->platform);
		bind_text(ins, 16, e->shell);
		bind_text(ins, 17, store_cache_use_name(e->cache));
		if (sqlite3_step(ins) != SQLITE_DONE)
			return db_fail(st, "saving history", err);
	}
	if (e->cache == STORE_CACHE_HIT && e->khash) {
		sqlite3_reset(touch);
		sqlite3_bind_int64(touch, 1, e->ts_ms);
		sqlite3_bind_int64(touch, 2, u2i(e->khash));
		if (sqlite3_step(touch) != SQLITE_DONE)
			return db_fail(st, "saving history", err);
	}
	return 0;
}

/*
 * Inside a write transaction: take the spool and insert its records. The
 * spool stays locked until spool_release after the commit, so appenders
 * wait (microseconds: the database lock is already held) rather than
 * write records that the truncation would lose.
 */
static int ingest_locked(struct store *st, struct spool *sp, struct err *err)
{
	sqlite3_stmt *ins = NULL, *touch = NULL;
	struct buf data = BUF_INIT, scratch = BUF_INIT;
	char chunk[65536];
	ssize_t n;
	size_t bad = 0, pos, nl;
	int rc = -1;

	if (spool_take(st, sp, err) != 0)
		return -1;
	if (sp->fd < 0)
		return 0;
	while (data.len < SPOOL_READ_MAX && (n = read(sp->fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_errno(err, ERR_IO, "store: cannot read the history spool");
			goto out;
		}
		buf_add(&data, chunk, (size_t)n);
	}
	if (data.len == 0) {
		rc = 0;
		goto out;
	}
	if (prepare(st, "INSERT OR IGNORE INTO history(rid, ts, cwd, request, command, engine, "
		    "cached, khash, risk, decision, exit_status, total_ms, generate_ms, check_ms, "
		    "platform, shell, cache) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    &ins, "saving history", err) != 0 ||
	    prepare(st, "UPDATE cache SET used = max(used, ?), hits = hits + 1 WHERE khash = ?",
		    &touch, "saving history", err) != 0)
		goto out;
	/* Only whole lines count: a torn last line comes from a failed write. */
	for (pos = 0; pos < data.len; pos = nl + 1) {
		const char *p = data.s + pos;
		const char *end = memchr(p, '\n', data.len - pos);
		struct store_entry e;
		uint64_t rid;
		struct err pe;

		if (!end)
			break;
		nl = (size_t)(end - data.s);
		if (store_record_parse(p, (size_t)(end - p), &e, &rid, &scratch, &pe) != 0) {
			bad++;
			continue;
		}
		if (insert_record(st, ins, touch, &e, rid, p[0] == 't', err) != 0)
			goto out;
	}
	if (bad)
		log_info("store: skipped %zu malformed history spool records", bad);
	{
		sqlite3_stmt *s;

		if (prepare(st, "DELETE FROM history WHERE id <= (SELECT max(id) FROM history) - ?",
			    &s, "trimming history", err) != 0)
			goto out;
		sqlite3_bind_int64(s, 1, st->opts.history_max);
		if (run(st, s, "trimming history", err) != 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(touch);
	buf_release(&data);
	buf_release(&scratch);
	return rc;
}

int store_ingest(struct store *st, struct err *err)
{
	struct spool sp = {-1};
	char path[4200];
	struct stat sb;

	spool_path(st->dir, path, sizeof(path));
	if (st->broken || stat(path, &sb) != 0 || sb.st_size == 0)
		return 0;
	if (begin_write(st, err) != 0)
		return -1;
	if (ingest_locked(st, &sp, err) != 0 || commit(st, err) != 0) {
		rollback(st);
		spool_release(&sp, false);
		return -1;
	}
	spool_release(&sp, true);
	return 0;
}

/* ---- history ---- */

int store_history_each(struct store *st, const struct store_query *q,
		       int (*fn)(void *ud, const struct store_entry *e), void *ud, struct err *err)
{
	static const char sql[] =
		"SELECT * FROM (SELECT id, ts, cwd, request, command, engine, platform, shell, "
		"cache, khash, risk, decision, exit_status, total_ms, generate_ms, check_ms "
		"FROM history "
		"WHERE ?1 IS NULL OR instr(lower(request), lower(?1)) > 0 "
		"OR instr(lower(coalesce(command, '')), lower(?1)) > 0 "
		"ORDER BY ts DESC, id DESC LIMIT ?2) ORDER BY ts, id";
	sqlite3_stmt *s;
	int rc;

	if (st->broken)
		return err_set(err, ERR_CORRUPT, "store: the database was corrupt");
	if (prepare(st, sql, &s, "reading history", err) != 0)
		return -1;
	bind_text(s, 1, q->search && *q->search ? q->search : NULL);
	sqlite3_bind_int64(s, 2, q->limit ? (int64_t)q->limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_entry e = {0};

		e.id = sqlite3_column_int64(s, 0);
		e.ts_ms = sqlite3_column_int64(s, 1);
		e.cwd = col_text(s, 2);
		e.request = col_text(s, 3);
		e.command = col_text(s, 4);
		e.engine = col_text(s, 5);
		e.platform = col_text(s, 6);
		e.shell = col_text(s, 7);
		e.cache = (enum store_cache_use)name_index(cache_use_names, STORE_CACHE__COUNT,
							   col_text(s, 8), STORE_CACHE_UNUSED);
		e.khash = i2u(sqlite3_column_int64(s, 9));
		e.risk = col_text(s, 10);
		e.decision = (enum store_decision)name_index(decision_names, STORE_DECISION__COUNT,
							     col_text(s, 11), STORE_NONE);
		e.exit_status = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 :
			sqlite3_column_int(s, 12);
		e.total_ms = sqlite3_column_double(s, 13);
		e.generate_ms = sqlite3_column_double(s, 14);
		e.check_ms = sqlite3_column_double(s, 15);
		if (!e.request)
			e.request = "";
		if (fn(ud, &e) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		sqlite3_finalize(s);
		return db_fail(st, "reading history", err);
	}
	sqlite3_finalize(s);
	return 0;
}

int store_counts(struct store *st, int64_t *history, int64_t *cache, struct err *err)
{
	if (st->broken)
		return err_set(err, ERR_CORRUPT, "store: the database was corrupt");
	if (query_int(st, "SELECT count(*) FROM history", history, "counting", err) != 0 ||
	    query_int(st, "SELECT count(*) FROM cache", cache, "counting", err) != 0)
		return -1;
	return 0;
}

int store_clear(struct store *st, struct err *err)
{
	struct spool sp = {-1};
	int fd = -1;

	if (begin_write(st, err) != 0)
		return -1;
	/* Overwrite what is deleted: requests should not linger in free pages. */
	if (spool_take(st, &sp, err) != 0 || (fd = index_lock(st, st->opts.busy_ms, err)) < 0 ||
	    exec(st, "PRAGMA secure_delete=ON", "clearing", err) != 0 ||
	    exec(st, "DELETE FROM history; DELETE FROM cache", "clearing", err) != 0 ||
	    index_rebuild(st, err) != 0 || commit(st, err) != 0) {
		rollback(st);
		spool_release(&sp, false);
		index_unlock(fd);
		return -1;
	}
	spool_release(&sp, true);
	index_unlock(fd);
	/* And out of the WAL, which still holds the old pages: this one waits
	 * for readers (the user asked for it). */
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
	    SQLITE_OK)
		log_debug("store: checkpoint: %s", sqlite3_errmsg(st->db));
	st->wrote = false;
	return 0;
}

/* ---- stats ---- */

double store_percentile(const double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	/* Nearest rank: the smallest value with at least p of the data at or
	 * below it. The epsilon keeps 0.95 * 20 from landing on 19.000001. */
	rank = (size_t)(p * (double)n - 1e-9) + 1;
	return v[MIN(MAX(rank, 1), n) - 1];
}

static void group_finish(struct store_group *g, const double *v, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	g->n = (int64_t)n;
	g->p50 = store_percentile(v, n, 0.50);
	g->p95 = store_percentile(v, n, 0.95);
	g->p99 = store_percentile(v, n, 0.99);
	g->mean = n ? sum / (double)n : 0;
	g->max = n ? v[n - 1] : 0;
}

static int stats_counts(struct store *st, const char *pattern_engine, struct store_stats *o,
			struct err *err)
{
	sqlite3_stmt *s;
	int64_t *fields[] = {
		&o->requests, &o->answered, &o->without_model, &o->cache_hits, &o->cache_misses,
		&o->ran, &o->shown, &o->declined, &o->edited, &o->blocked, &o->unanswered,
		&o->first_ms, &o->last_ms,
	};

	if (prepare(st, "SELECT count(*), "
		    "total(command IS NOT NULL), "
		    "total(command IS NOT NULL AND (engine = ?1 OR cache = 'hit')), "
		    "total(cache = 'hit'), total(cache = 'miss'), "
		    "total(decision = 'ran'), total(decision = 'shown'), "
		    "total(decision = 'declined'), total(decision = 'edited'), "
		    "total(decision = 'blocked'), total(decision = 'none'), "
		    "coalesce(min(ts), 0), coalesce(max(ts), 0) FROM history",
		    &s, "computing stats", err) != 0)
		return -1;
	bind_text(s, 1, pattern_engine);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return db_fail(st, "computing stats", err);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		*fields[i] = sqlite3_column_int64(s, (int)i);
	sqlite3_finalize(s);
	return query_int(st, "SELECT count(*) FROM cache", &o->cache_entries, "computing stats",
			 err);
}

int store_stats(struct store *st, const char *pattern_engine, struct store_stats *o,
		struct err *err)
{
	sqlite3_stmt *s;
	double *v = NULL;
	size_t n = 0, cap = 0;
	struct store_group cur = {0};
	bool have = false;
	int rc;

	memset(o, 0, sizeof(*o));
	if (st->broken)
		return err_set(err, ERR_CORRUPT, "store: the database was corrupt");
	if (stats_counts(st, pattern_engine, o, err) != 0)
		return -1;
	/* One pass over the latencies, sorted by group and value. */
	if (prepare(st, "SELECT engine, cache = 'hit', total_ms FROM history "
		    "WHERE command IS NOT NULL AND engine IS NOT NULL AND total_ms IS NOT NULL "
		    "ORDER BY engine, cache = 'hit', total_ms", &s, "computing stats", err) != 0)
		return -1;
	for (;;) {
		const char *engine;
		bool cached;
		double ms;

		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		engine = col_text(s, 0);
		cached = sqlite3_column_int(s, 1) != 0;
		ms = sqlite3_column_double(s, 2);
		if (!have || strncmp(cur.engine, engine, sizeof(cur.engine) - 1) != 0 ||
		    cur.cached != cached) {
			if (have && o->n_groups < STORE_STATS_GROUPS) {
				group_finish(&cur, v, n);
				o->groups[o->n_groups++] = cur;
			}
			memset(&cur, 0, sizeof(cur));
			snprintf(cur.engine, sizeof(cur.engine), "%s", engine);
			cur.cached = cached;
			have = true;
			n = 0;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = ms;
		for (size_t b = 0; b < STORE_HIST_BUCKETS; b++) {
			if (ms < store_hist_bounds[b] || b == STORE_HIST_BUCKETS - 1) {
				o->hist[b]++;
				break;
			}
		}
	}
	if (have && o->n_groups < STORE_STATS_GROUPS) {
		group_finish(&cur, v, n);
		o->groups[o->n_groups++] = cur;
	}
	free(v);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, "computing stats", err);
	return 0;
}
