/*
 * download.c: resumable, verified downloads (see download.h).
 *
 * State kept across attempts: the open partial file, how many bytes it
 * holds, and a running SHA-256 of exactly those bytes. Every attempt asks
 * for the bytes from `have` on; a 206 reply is appended, a 200 reply (the
 * server ignored the range, or If-Range found the file changed) starts the
 * file over. The running digest is restarted whenever the file is, so the
 * final check never re-reads what was downloaded in this run.
 */
#include "download.h"

#include "buf.h"
#include "http.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_STALL_MS 30000L
#define BACKOFF_BASE_MS 500L
#define BACKOFF_MAX_MS 15000L
/* A server that keeps answering but never finishes gets this many
 * attempts in all, progress or not. */
#define MAX_ATTEMPTS 1000
#define VALIDATOR_MAX 256

struct dl {
	const struct download_req *req;
	int fd;
	char part[4096], meta[4096];
	uint64_t have;              /* bytes in the partial file */
	uint64_t total;             /* expected total, 0 unknown */
	struct sha256 sha;          /* of the partial file's bytes */
	char validator[VALIDATOR_MAX]; /* ETag or Last-Modified, "" unknown */
	bool started;               /* this attempt's first body byte came */
	struct err werr;            /* why on_body stopped the transfer */
};

void download_part_path(const char *dest, char *out, size_t cap)
{
	snprintf(out, cap, "%s.part", dest);
}

static void note(const struct dl *d, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void note(const struct dl *d, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_info("download: %s", msg);
	if (d->req->on_note)
		d->req->on_note(d->req->ud, msg);
}

static double mb(uint64_t n)
{
	return (double)n / 1e6;
}

/* Write the .meta file: the URL the part came from and the validator. */
static void meta_write(struct dl *d)
{
	FILE *f = fopen(d->meta, "w");

	if (!f)
		return; /* without it the next run restarts: slower, not wrong */
	fprintf(f, "%s\n%s\n", d->req->url, d->validator);
	fclose(f);
}

/* Read the .meta file. A partial file can be resumed when it came from
 * the same URL, or when the server gave a validator: If-Range then makes
 * the server decide (a mirror serves the same ETag for the same file). */
static bool meta_read(struct dl *d)
{
	char line[HTTP_URL_MAX + 2];
	FILE *f = fopen(d->meta, "r");
	bool same = false;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		same = str_eq(line, d->req->url);
	}
	if (fgets(d->validator, sizeof(d->validator), f))
		d->validator[strcspn(d->validator, "\n")] = '\0';
	fclose(f);
	return same || d->validator[0];
}

/* Empty the partial file and start its digest over. */
static int restart(struct dl *d, struct err *err)
{
	if ((d->have && ftruncate(d->fd, 0) != 0) || lseek(d->fd, 0, SEEK_SET) != 0)
		return err_errno(err, ERR_IO, "cannot truncate %s", d->part);
	d->have = 0;
	sha256_release(&d->sha);
	sha256_init(&d->sha, SHA256_FAST);
	return 0;
}

static int check_space(const struct dl *d, uint64_t need, struct err *err)
{
	struct statvfs vfs;

	if (need == 0 || fstatvfs(d->fd, &vfs) != 0)
		return 0;
	if ((uint64_t)vfs.f_bavail * vfs.f_frsize < need)
		return err_set(err, ERR_IO,
			       "not enough disk space for %s: %.0f MB more needed, %.0f MB free",
			       d->req->dest, mb(need), mb((uint64_t)vfs.f_bavail * vfs.f_frsize));
	return 0;
}

/* "bytes START-END/TOTAL": START and TOTAL (0 when "*"). */
static bool content_range(const char *v, uint64_t *start, uint64_t *total)
{
	unsigned long long s, e;
	const char *slash;

	if (sscanf(v, "bytes %llu-%llu", &s, &e) != 2 || !(slash = strchr(v, '/')))
		return false;
	*start = s;
	*total = slash[1] == '*' ? 0 : strtoull(slash + 1, NULL, 10);
	return true;
}

/* The first body bytes of an attempt: decide between appending (206 at
 * the right offset) and starting over (200). */
static int on_start(struct dl *d, const struct http_response *resp, struct err *err)
{
	char v[VALIDATOR_MAX], len[32];
	uint64_t start = 0, total = 0;

	d->started = true;
	if (resp->status == 206) {
		if (!http_response_header(resp, "content-range", v, sizeof(v)) ||
		    !content_range(v, &start, &total) || start != d->have)
			return err_set(err, ERR_NET, "the server resumed at the wrong place (%s)",
				       v);
	} else {
		if (d->have)
			note(d, "the server sent the whole file again; starting over");
		if (restart(d, err) != 0)
			return -1;
		if (http_response_header(resp, "content-length", len, sizeof(len)))
			total = strtoull(len, NULL, 10);
	}
	if (total && d->req->size && total != d->req->size)
		return err_set(err, ERR_CORRUPT, "the server's file has %llu bytes, expected %llu",
			       (unsigned long long)total, (unsigned long long)d->req->size);
	if (total)
		d->total = total;
	if (http_response_header(resp, "etag", v, sizeof(v)) ||
	    http_response_header(resp, "last-modified", v, sizeof(v))) {
		/* A weak ETag cannot validate a range. */
		if (strncmp(v, "W/", 2) != 0 && strcmp(v, d->validator) != 0) {
			snprintf(d->validator, sizeof(d->validator), "%s", v);
			meta_write(d);
		}
	} else if (d->validator[0]) {
		d->validator[0] = '\0';
		meta_write(d);
	}
	return check_space(d, d->total > d->have ? d->total - d->have : 0, err);
}

static int on_body(void *ud, const struct http_response *resp, const char *p, size_t n,
		   struct err *err)
{
	struct dl *d = ud;

	if (!d->started && on_start(d, resp, err) != 0)
		return -1;
	if (d->total && d->have + n > d->total)
		return err_set(err, ERR_LIMIT, "the server sent more than %llu bytes",
			       (unsigned long long)d->total);
	sha256_update(&d->sha, p, n);
	while (n) {
		ssize_t w = write(d->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == ENOSPC || errno == EDQUOT))
			return err_set(err, ERR_IO, "disk full while writing %s (%.1f MB written); "
				       "free some space and run the same command to resume",
				       d->part, mb(d->have));
		if (w <= 0)
			return err_errno(err, ERR_IO, "cannot write %s", d->part);
		p += w;
		n -= (size_t)w;
		d->have += (uint64_t)w;
	}
	return 0;
}

static int on_progress(void *ud, uint64_t now, uint64_t total)
{
	struct dl *d = ud;

	UNUSED(now);
	UNUSED(total);
	if (d->req->on_progress)
		d->req->on_progress(d->req->ud, d->have, d->total);
	return 0;
}

/* Sleep ms, waking to notice Ctrl-C. -1 when cancelled. */
static int wait_ms(long ms)
{
	for (long left = ms; left > 0; left -= 100) {
		struct timespec ts = {0, MIN(left, 100) * 1000000L};

		if (http_cancelled())
			return -1;
		nanosleep(&ts, NULL);
	}
	return http_cancelled() ? -1 : 0;
}

/* One GET from d->have on. */
static int attempt(struct dl *d, struct err *err)
{
	const struct download_req *req = d->req;
	char range[64], if_range[VALIDATOR_MAX + 16];
	const char *hdrs[40];
	struct http_request rq = {0};
	struct http_response resp;
	size_t h = 0;
	int rc;

	for (const char *const *x = req->headers; x && *x && h < ARRAY_SIZE(hdrs) - 3; x++)
		hdrs[h++] = *x;
	if (d->have) {
		snprintf(range, sizeof(range), "Range: bytes=%llu-", (unsigned long long)d->have);
		hdrs[h++] = range;
		if (d->validator[0]) {
			snprintf(if_range, sizeof(if_range), "If-Range: %s", d->validator);
			hdrs[h++] = if_range;
		}
	}
	hdrs[h] = NULL;
	rq.url = req->url;
	rq.headers = hdrs;
	rq.connect_timeout_ms = req->connect_timeout_ms;
	rq.idle_timeout_ms = req->stall_timeout_ms > 0 ? req->stall_timeout_ms : DEFAULT_STALL_MS;
	rq.retries = 0; /* retried here, with Range */
	rq.max_body = SIZE_MAX;
	rq.follow_redirects = true;
	rq.on_body = on_body;
	rq.on_progress = on_progress;
	rq.ud = d;
	d->started = false;
	rc = http_do(&rq, &resp, err);
	if (rc == 0 && !d->started) {
		/* An empty 2xx body: a zero-length file, or a 206 with nothing. */
		rc = on_start(d, &resp, err);
	}
	if (rc != 0 && resp.status == 416) {
		char v[128];
		unsigned long long total;

		/* A 416 whose Content-Range total is what we hold: the whole
		 * file is here already (a run stopped before its check). Any
		 * other 416: what we hold is not this file. */
		if (http_response_header(&resp, "content-range", v, sizeof(v)) &&
		    sscanf(v, "bytes */%llu", &total) == 1 && total == d->have && total) {
			d->total = total;
			rc = 0;
		} else {
			err->code = ERR_CORRUPT;
		}
	}
	http_response_release(&resp);
	return rc;
}

static int finish(struct dl *d, struct download_result *res, struct err *err)
{
	uint8_t digest[SHA256_LEN];
	const struct download_req *req = d->req;

	if (fsync(d->fd) != 0)
		return err_errno(err, ERR_IO, "cannot write %s", d->part);
	sha256_final(&d->sha, digest);
	sha256_to_hex(digest, res->sha256);
	res->size = d->have;
	if (req->size && d->have != req->size) {
		unlink(d->part);
		unlink(d->meta);
		return err_set(err, ERR_CORRUPT, "%s has %llu bytes, expected %llu; deleted it",
			       req->dest, (unsigned long long)d->have,
			       (unsigned long long)req->size);
	}
	if (req->sha256) {
		if (strcasecmp(req->sha256, res->sha256) != 0) {
			unlink(d->part);
			unlink(d->meta);
			return err_set(err, ERR_CORRUPT,
				       "checksum mismatch for %s: expected sha256 %.16s..., got %.16s...; "
				       "deleted the download",
				       req->dest, req->sha256, res->sha256);
		}
		res->verified = true;
	}
	if (rename(d->part, req->dest) != 0)
		return err_errno(err, ERR_IO, "cannot rename %s", d->part);
	unlink(d->meta);
	return 0;
}

static long backoff(int fails)
{
	long ms = BACKOFF_BASE_MS << MIN(fails, 8);

	ms = MIN(ms, BACKOFF_MAX_MS);
	/* Jitter: 50-100% of the step, so many clients do not come back at
	 * once. rand() is fine for that. */
	return ms / 2 + (long)(rand() % (int)(ms / 2 + 1));
}

int download_file(const struct download_req *req, struct download_result *res, struct err *err)
{
	struct dl d = {.req = req, .fd = -1};
	struct stat st;
	int fails = 0, rc = -1;

	memset(res, 0, sizeof(*res));
	sha256_init(&d.sha, SHA256_FAST);
	download_part_path(req->dest, d.part, sizeof(d.part));
	snprintf(d.meta, sizeof(d.meta), "%s.meta", d.part);
	d.total = req->size;
	d.fd = open(d.part, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d.fd < 0) {
		err_errno(err, ERR_IO, "cannot create %s", d.part);
		goto out;
	}
	if (flock(d.fd, LOCK_EX | LOCK_NB) != 0) {
		err_set(err, ERR_USAGE, "another caro is downloading %s", req->dest);
		close(d.fd);
		d.fd = -1;
		goto out;
	}
	if (fstat(d.fd, &st) != 0) {
		err_errno(err, ERR_IO, "cannot stat %s", d.part);
		goto out;
	}
	d.have = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	if (d.have && (!meta_read(&d) || (req->size && d.have > req->size))) {
		note(&d, "discarding a partial download that cannot be resumed");
		d.validator[0] = '\0';
		if (restart(&d, err) != 0)
			goto out;
	}
	if (d.have) {
		/* Hash what is there, so the final check covers the whole file. */
		if (sha256_update_fd(&d.sha, d.fd, d.have, err) != 0 ||
		    lseek(d.fd, (off_t)d.have, SEEK_SET) < 0)
			goto out;
		res->resumed_from = d.have;
		note(&d, "resuming at %.1f MB", mb(d.have));
	} else {
		meta_write(&d);
	}
	if (check_space(&d, req->size > d.have ? req->size - d.have : 0, err) != 0)
		goto out;

	while (!(req->size && d.have == req->size)) {
		uint64_t before = d.have;
		long wait;

		if (res->attempts >= MAX_ATTEMPTS) {
			err_set(err, ERR_NET, "giving up after %d attempts", res->attempts);
			goto out;
		}
		res->attempts++;
		if (attempt(&d, err) == 0) {
			if (!d.total || d.have == d.total)
				break;
			err_set(err, ERR_NET, "the transfer ended at %.1f of %.1f MB", mb(d.have),
				mb(d.total));
		}
		if (err->code == ERR_CORRUPT && before > 0 && d.have == before) {
			/* 416: what we hold does not fit the file; start over once. */
			note(&d, "the partial download does not match the server's file; starting over");
			if (restart(&d, err) != 0)
				goto out;
			continue;
		}
		if (err->code != ERR_NET && err->code != ERR_TIMEOUT && err->code != ERR_HTTP)
			goto out;
		fails = d.have > before ? 0 : fails + 1;
		if (fails > req->retries) {
			err_prefix(err, "download failed after %d attempts", res->attempts);
			goto out;
		}
		wait = backoff(fails);
		note(&d, "%s; retrying in %.1f s", err->msg, (double)wait / 1000);
		if (wait_ms(wait) != 0) {
			err_set(err, ERR_CANCELLED, "cancelled");
			goto out;
		}
	}
	if (req->on_progress)
		req->on_progress(req->ud, d.have, d.have);
	rc = finish(&d, res, err);
out:
	if (rc != 0 && err->code == ERR_CANCELLED && d.have)
		err_set(err, ERR_CANCELLED,
			"interrupted; %.1f MB kept in %s: run the same command to resume", mb(d.have),
			d.part);
	sha256_release(&d.sha);
	if (d.fd >= 0)
		close(d.fd);
	return rc;
}
