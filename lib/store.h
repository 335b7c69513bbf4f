/*
 * store.h: caro's memory on disk, in $XDG_CACHE_HOME/caro/.
 *
 *   caro.db        SQLite in WAL mode: the answer cache and the history
 *   history.spool  history records not yet in caro.db, one line each
 *
 * The answer cache remembers what a model engine answered, keyed by the
 * normalized request and everything else that changes the answer: target
 * platform, shell, engine and model identity, and a fingerprint of the
 * current directory when the answer depended on it. It is bounded by an
 * entry count (least recently used go first) and an optional age.
 *
 * History is written without opening SQLite: one append to history.spool
 * (O_APPEND, under a shared flock) costs a few microseconds, where opening
 * the database costs ~0.5 ms, as much as the whole pattern-engine request.
 * Whoever next opens the database for writing, or to read history or
 * stats, moves the spool into caro.db in one transaction ("ingestion"),
 * holding the spool's exclusive flock until the commit; a spool that grows
 * past STORE_SPOOL_INGEST bytes is ingested by the writer that noticed.
 * Each record carries a random id, so a crash between the commit and the
 * spool's truncation cannot duplicate rows.
 *
 * Every failure here is an error returned to the caller, who warns and goes
 * on: the command is always shown, whatever happens to the database. A
 * corrupt caro.db is moved aside (caro.db.corrupt-TIMESTAMP) and recreated.
 * One process at a time: a struct store is not shared between threads.
 */
#ifndef CARO_STORE_H
#define CARO_STORE_H

#include "backend/backend.h"
#include "buf.h"
#include "common.h"
#include "err.h"
#include "platform.h"

#define STORE_DB_NAME "caro.db"
#define STORE_SPOOL_NAME "history.spool"
/* The schema version this build writes; older databases are migrated. */
#define STORE_SCHEMA_VERSION 2
/* A spool larger than this is ingested by the writer that notices. */
#define STORE_SPOOL_INGEST (128 * 1024)
/* History keeps the newest this many rows (by default). */
#define STORE_HISTORY_MAX 100000
/* Longest request, command or cwd kept in history (longer is cut). */
#define STORE_TEXT_MAX (16 * 1024)

struct store_opts {
	long long max_entries; /* cached answers kept; 0 disables the cache */
	long long ttl_days;    /* a cached answer's lifetime; 0: until evicted */
	int busy_ms;           /* how long to wait for a lock (database or
				* spool); 0: 1000 */
	long long max_bytes;   /* cap on caro.db's size; 0: none */
	long long history_max; /* history rows kept; 0: STORE_HISTORY_MAX */
};

struct store;

/*
 * Open (creating when needed) dir/caro.db, creating dir too. Applies WAL
 * mode and migrations from older schema versions. A file that is not a
 * database, or a corrupt one, is renamed to caro.db.corrupt-TIMESTAMP and
 * a fresh database takes its place; *warn (may be NULL) then says so.
 * Returns 0 with *out set, or -1 with err: ERR_IO (cannot create or write:
 * read-only directory, full disk), ERR_TIMEOUT (locked for longer than
 * busy_ms), ERR_UNAVAILABLE (made by a newer caro), ERR_CORRUPT.
 */
int store_open(struct store **out, const char *dir, const struct store_opts *opts,
	       struct buf *warn, struct err *err);
/* Close the database; a large WAL is checkpointed first. NULL is a no-op. */
void store_close(struct store *st);

/* ---- answer cache ---- */

/* A cache key: build it once per engine, then get and put with it. */
struct store_key {
	struct buf base;   /* request, platform, shell, engine identity */
	struct buf ctx;    /* base plus the directory fingerprint */
	uint64_t h_base;
	uint64_t h_ctx;    /* 0 when there is no fingerprint */
};

/*
 * Fill k from the raw request (normalized here), the target platform and
 * shell, the engine identity (backend_identity) and the directory
 * fingerprint (store_context_fingerprint; NULL when unknown, in which case
 * context-dependent answers are not cached). Release with store_key_release.
 */
void store_key_init(struct store_key *k, const char *request, const struct platform *plat,
		    enum plat_shell shell, const char *engine_id, const char *context);
void store_key_release(struct store_key *k);

/*
 * Normalize a request for the cache key: trim, collapse runs of white
 * space (outside double quotes and backquotes), lower-case a capital that
 * only starts a sentence ("Find" but not "README"), drop trailing ? and !
 * and a final full stop after a plain word. Conservative on purpose: two
 * requests that normalize alike must mean the same. Appends to out.
 */
void store_normalize(const char *request, struct buf *out);

/*
 * A fingerprint of the directory cwd (its path, device, inode and change
 * time): answers that depended on the directory's contents are cached
 * under it, so a change to the directory misses. Writes 16 hex digits
 * and a NUL into out. -1 with ERR_IO when cwd cannot be examined.
 */
int store_context_fingerprint(const char *cwd, char out[17], struct err *err);

/*
 * Look the key up. Returns 1 on a hit, filling ans (candidates in the
 * order they were generated, at most want of them; caller releases with
 * gen_answer_release) and engine (the engine that produced the answer);
 * 0 on a miss (also when the entry is older than ttl_days or was made for
 * fewer candidates than want); -1 on errors. A hit does not write: its use
 * reaches the cache's LRU order through the history record (khash).
 */
int store_cache_get(struct store *st, const struct store_key *k, size_t want,
		    struct gen_answer *ans, char *engine, size_t engine_cap, uint64_t *khash,
		    struct err *err);

/*
 * Remember ans (made by engine for want candidates) under k, replacing
 * any entry there; ingests the history spool first so that LRU order is
 * current, then evicts expired and least recently used entries beyond
 * max_entries. Answers that depended on the directory go under the
 * fingerprint (and are not stored without one). Sets *khash to the
 * entry's id (0 when nothing was stored). 0, or -1 on errors (nothing is
 * stored). Once a corrupt database has been reported (and moved aside),
 * writes through this store are skipped and return 0.
 */
int store_cache_put(struct store *st, const struct store_key *k, size_t want,
		    const struct gen_answer *ans, const char *engine, uint64_t *khash,
		    struct err *err);

/* Forget the entry khash (the user corrected it). 0, or -1 on errors. */
int store_cache_forget(struct store *st, uint64_t khash, struct err *err);

/* ---- the answer index ---- */

/*
 * answers.idx holds the most recently used cached answers (at most
 * STORE_INDEX_MAX_ENTRIES and STORE_INDEX_MAX_BYTES) in a hash table that
 * a cache hit reads with four pread()s. Opening caro.db costs a cache hit
 * about 1 ms of system calls (the WAL, its shared-memory index, locks),
 * as much as all the rest of the process, so a hit never opens it.
 *
 * The index is derived from caro.db and rewritten whole (a temporary file,
 * then rename) after each change to the cache, under an flock of its own
 * (answers.lock) that keeps rewrites in commit order. When it cannot be
 * written it is removed; forget and clear fail when it can be neither, so
 * the index never holds an answer that was forgotten or cleared. It may
 * lack recent ones, so a miss in the index is not final: the caller asks
 * caro.db next. An out-of-band change to caro.db (the sqlite3 shell) must
 * remove the index.
 */
#define STORE_INDEX_NAME "answers.idx"
#define STORE_INDEX_MAX_ENTRIES 4096
#define STORE_INDEX_MAX_BYTES (8 * 1024 * 1024)

/*
 * Look k up in dir's index, as store_cache_get does in the database (same
 * results, same want and ttl_days rules). Returns 1 on a hit, 0 on a miss,
 * -1 when there is no usable index (err says why): then ask the database,
 * and after a hit there call store_index_refresh.
 */
int store_index_get(const char *dir, const struct store_key *k, size_t want, long long ttl_days,
		    struct gen_answer *ans, char *engine, size_t engine_cap, uint64_t *khash,
		    struct err *err);

/* Rewrite the index from the database if nobody else is rewriting it
 * right now (a cache hit must not wait). 0, or -1 on errors. */
int store_index_refresh(struct store *st, struct err *err);

/* One index record (exposed for tests and the fuzzer). */
struct store_index_rec {
	uint64_t khash;
	const char *key; /* key_len bytes, as in struct store_key */
	size_t key_len;
	const char *engine;
	const char *answer; /* JSON, as in caro.db */
	int64_t created;    /* Unix ms */
	uint32_t want;
	bool context;
};

/* The whole index file for r[0..n) (khash non-zero) into out. */
void store_index_format(const struct store_index_rec *r, size_t n, struct buf *out);

/*
 * Find the record with hash h and key (key_len bytes) in the index open on
 * fd. 1 with *rec pointing into scratch; 0 when it is not there; -1 with
 * ERR_CORRUPT (malformed, truncated or foreign file) or ERR_IO.
 */
int store_index_find(int fd, uint64_t h, const char *key, size_t key_len,
		     struct store_index_rec *rec, struct buf *scratch, struct err *err);

/* ---- history ---- */

/* What became of a request. "edited" means an edited command was run. */
enum store_decision {
	STORE_SHOWN,    /* printed (or shown), not run by caro */
	STORE_RAN,
	STORE_DECLINED, /* the user said no */
	STORE_EDITED,
	STORE_BLOCKED,  /* the safety policy refused it */
	STORE_NONE,     /* no command was produced */
	STORE_DECISION__COUNT
};

/* What the answer cache did for a request. */
enum store_cache_use {
	STORE_CACHE_UNUSED, /* not consulted: the pattern engine answered, or cache off */
	STORE_CACHE_HIT,
	STORE_CACHE_MISS,
	STORE_CACHE_BYPASS, /* --no-cache */
	STORE_CACHE__COUNT
};

/* One history row. Strings are borrowed; NULL means none. */
struct store_entry {
	int64_t id;             /* set when read back */
	int64_t ts_ms;          /* Unix time in milliseconds; 0: now (when added) */
	const char *cwd;
	const char *request;
	const char *command;    /* NULL when none was produced */
	const char *engine;     /* the engine that produced the command */
	const char *platform;   /* "linux", "macos"... */
	const char *shell;
	const char *risk;       /* "safe"... (safety_risk_name); NULL when no command */
	enum store_cache_use cache;
	uint64_t khash;         /* the cache entry used or made, 0 when none */
	enum store_decision decision;
	int exit_status;        /* when ran or edited; -1 otherwise */
	double total_ms;        /* from start to the rated answer */
	double generate_ms;
	double check_ms;
};

const char *store_decision_name(enum store_decision d);
const char *store_cache_use_name(enum store_cache_use c);

/*
 * Record e in dir's history spool: no SQLite, one append. Texts longer
 * than STORE_TEXT_MAX are cut. When the spool has grown past
 * STORE_SPOOL_INGEST, it is moved into caro.db (opened with opts); a
 * failure there keeps the spool and is not an error. -1 with ERR_IO when
 * the record could not be written (read-only directory, full disk, the
 * spool locked for longer than opts->busy_ms).
 */
int store_history_add(const char *dir, const struct store_entry *e, const struct store_opts *opts,
		      struct err *err);

/*
 * Note a cache hit for the LRU order when no history record will carry it
 * (history is off): one spool append, like store_history_add.
 */
int store_touch_add(const char *dir, uint64_t khash, const struct store_opts *opts,
		    struct err *err);

/*
 * Move the history spool into the database (see the header comment).
 * History and stats readers call this first. 0, or -1 on errors (the
 * spool is then kept for the next try).
 */
int store_ingest(struct store *st, struct err *err);

struct store_query {
	size_t limit;       /* the newest this many; 0: all */
	const char *search; /* substring of the request or command, any case; NULL: all */
};

/*
 * Call fn for each entry matching q, oldest first, with strings valid
 * during the call only. fn returns 0 to go on, non-zero to stop. Reads
 * the database only: call store_ingest first. 0, or -1 on errors.
 */
int store_history_each(struct store *st, const struct store_query *q,
		       int (*fn)(void *ud, const struct store_entry *e), void *ud, struct err *err);

/* Count history rows and cached answers (after store_ingest). */
int store_counts(struct store *st, int64_t *history, int64_t *cache, struct err *err);

/* Delete all history (rows and spool) and every cached answer, since the
 * cache keys hold requests too. 0, or -1 on errors. */
int store_clear(struct store *st, struct err *err);

/* ---- stats ---- */

#define STORE_STATS_GROUPS 16
#define STORE_HIST_BUCKETS 12

/* Latency of one engine, cache hits and misses apart. */
struct store_group {
	char engine[32];
	bool cached;
	int64_t n;
	double p50, p95, p99, mean, max; /* milliseconds, request start to rated answer */
};

struct store_stats {
	int64_t requests;
	int64_t answered;       /* a command was produced */
	int64_t without_model;  /* answered by the pattern engine or the cache */
	int64_t cache_hits, cache_misses;
	int64_t ran, shown, declined, edited, blocked, unanswered;
	int64_t cache_entries;
	int64_t first_ms, last_ms; /* time of the oldest and newest request */
	size_t n_groups;           /* sorted by engine, misses first */
	struct store_group groups[STORE_STATS_GROUPS];
	int64_t hist[STORE_HIST_BUCKETS]; /* answered requests per latency bucket */
};

/* Upper bounds of the histogram buckets in ms; the last is open-ended. */
extern const double store_hist_bounds[STORE_HIST_BUCKETS];

/* Compute stats over the whole history (call store_ingest first).
 * pattern_engine names the engine that needs no model (for
 * without_model). Engines past STORE_STATS_GROUPS groups are counted but
 * get no group. */
int store_stats(struct store *st, const char *pattern_engine, struct store_stats *out,
		struct err *err);

/* Value at fraction p (0..1) of sorted v[0..n), nearest rank; 0 when n=0. */
double store_percentile(const double *v, size_t n, double p);

/* ---- spool records (exposed for tests and the fuzzer) ---- */

/* Append e as one spool line (with its '\n') to out; rid is its id. */
void store_record_format(const struct store_entry *e, uint64_t rid, struct buf *out);

/* Parse one spool line (len bytes, without the '\n'). Strings in e point
 * into scratch (reset here), valid until it changes. -1 with ERR_PARSE on
 * any malformed field. */
int store_record_parse(const char *line, size_t len, struct store_entry *e, uint64_t *rid,
		       struct buf *scratch, struct err *err);

#endif
