/*
 * download.h: one file over HTTP(S) to disk, built for large files on bad
 * networks (model weights).
 *
 * The bytes go to DEST.part as they arrive. An interrupted transfer (a
 * dropped connection, a stalled server, Ctrl-C, a killed process) leaves
 * that file behind, and the next call resumes it with an HTTP Range
 * request; If-Range with the server's validator (ETag or Last-Modified,
 * kept in DEST.part.meta) makes a server whose file changed send the whole
 * new file instead of a splice of two. Failed attempts are retried with
 * exponential backoff as long as they make progress, and up to `retries`
 * times in a row when they do not. When the transfer is complete the
 * SHA-256 of the file is checked against the expected value (when there is
 * one), and only then is the file renamed to DEST: a reader never sees a
 * partial or unverified file under the final name. A mismatch deletes the
 * partial file.
 *
 * A lock (flock on DEST.part) keeps two processes from writing the same
 * file. Nothing here prints: progress and notes go to callbacks.
 */
#ifndef CARO_DOWNLOAD_H
#define CARO_DOWNLOAD_H

#include "common.h"
#include "err.h"
#include "sha256.h"

struct download_req {
	const char *url;
	const char *dest;             /* the final path; its directory must exist */
	const char *sha256;           /* expected digest (hex), or NULL: unknown */
	uint64_t size;                /* expected size, or 0: unknown */
	const char *const *headers;   /* extra request headers (NULL-terminated;
					 may be NULL); never logged */
	long connect_timeout_ms;      /* per attempt; 0: 10 s */
	long stall_timeout_ms;        /* no bytes for this long: the attempt
					 fails and is retried; 0: 30 s */
	int retries;                  /* attempts in a row without progress */
	/* Bytes on disk so far and the total (0 when unknown), called often:
	 * throttle in the callback. May be NULL. */
	void (*on_progress)(void *ud, uint64_t have, uint64_t total);
	/* Something people may want to know ("resuming at 120 MB", "retrying
	 * in 2 s: connection dropped"). May be NULL. */
	void (*on_note)(void *ud, const char *msg);
	void *ud;
};

struct download_result {
	char sha256[SHA256_HEX_LEN + 1]; /* of the file now at dest */
	uint64_t size;
	bool verified;                   /* matched req->sha256 */
	uint64_t resumed_from;           /* bytes already on disk at the start */
	int attempts;
};

/*
 * Download req->url to req->dest as described above. Returns 0 when the
 * file is complete (and verified, with req->sha256) at dest. -1 otherwise:
 *   ERR_NOTFOUND   404/410: no such file on the server
 *   ERR_CONFIG     401/403 (a gated repository needs a token) and other
 *                  4xx statuses, a redirect loop
 *   ERR_CORRUPT    checksum or size mismatch; the partial file is deleted
 *   ERR_IO         the disk is full (checked before and while writing), or
 *                  another file error; the partial file is kept
 *   ERR_NET, ERR_TIMEOUT, ERR_HTTP   retries exhausted; partial file kept
 *   ERR_CANCELLED  http_cancel() (Ctrl-C); partial file kept
 *   ERR_UNAVAILABLE  no libcurl (https needs it)
 *   ERR_LIMIT      the server sends more than the expected size
 *   ERR_USAGE      another process holds the lock
 * Messages say what happened and, where it helps, what to do.
 */
int download_file(const struct download_req *req, struct download_result *res, struct err *err);

/* The partial file's path for dest (DEST.part) into out. */
void download_part_path(const char *dest, char *out, size_t cap);

#endif
