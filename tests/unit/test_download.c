/* test_download.c: download_file against tests/testserver.py serving the
 * model fixtures: a whole file, a cut transfer resumed in the same call
 * and by a later call, a server that ignores Range or whose file changed,
 * a stall, a redirect, a 404, a wrong checksum, a full disk, Ctrl-C, and
 * the lock. */
#include "t.h"
#include "testsrv.h"

#include "download.h"
#include "http.h"
#include "sha256.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURE "tiny-llama-f32.gguf"

/* The fixture's digest and size, computed here. */
static const char *fixture_sha(uint64_t *size)
{
	static char hex[65];
	static uint64_t n;

	if (!hex[0]) {
		size_t len;
		char *data = t_read_file(t_shared("fixtures/models/" FIXTURE), &len);

		if (!data)
			return NULL;
		sha256_hex(data, len, hex);
		n = len;
		free(data);
	}
	*size = n;
	return hex;
}

static char *url_for(const char *opts, const char *file)
{
	static char u[1024];
	const char *base = t_server_url();

	snprintf(u, sizeof(u), "%s/id=%d-%p/%s%sOrg/Repo/resolve/main/%s", base ? base : "", getpid(),
		 (void *)opts, opts, *opts ? "/" : "", file);
	return u;
}

static const char *dest_in_tmp(const char *name)
{
	static char p[1024];

	snprintf(p, sizeof(p), "%s/%s", t_tmpdir(), name);
	return p;
}

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static void req_init(struct download_req *r, const char *url, const char *dest)
{
	memset(r, 0, sizeof(*r));
	r->url = url;
	r->dest = dest;
	r->connect_timeout_ms = 3000;
	r->stall_timeout_ms = 1000;
	r->retries = 2;
}

TEST(download_whole_file_verified)
{
	uint64_t size;
	const char *sha = fixture_sha(&size);
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("whole.gguf");
	char part[1100];

	REQUIRE(sha && t_server_url());
	req_init(&r, url_for("", FIXTURE), dest);
	r.sha256 = sha;
	r.size = size;
	CHECK_INT(download_file(&r, &res, &err), 0);
	CHECK(res.verified);
	CHECK_STR(res.sha256, sha);
	CHECK_INT(res.size, size);
	CHECK(exists(dest));
	download_part_path(dest, part, sizeof(part));
	CHECK(!exists(part));
}

TEST(download_cut_transfer_resumes_in_the_same_call)
{
	uint64_t size;
	const char *sha = fixture_sha(&size);
	struct download_req r;
	struct download_result res;
	struct err err;

	REQUIRE(sha && t_server_url());
	req_init(&r, url_for("cut1=1000000", FIXTURE), dest_in_tmp("cut.gguf"));
	r.sha256 = sha;
	CHECK_INT(download_file(&r, &res, &err), 0);
	CHECK_INT(res.attempts, 2);
	CHECK(res.verified);
}

/* A stall after some bytes: the attempt times out, and the next one
 * resumes (progress was made, so it does not count against retries). A
 * stall before any byte is a failure once the retries are spent. */
TEST(download_stall_times_out_and_resumes)
{
	uint64_t size;
	const char *sha = fixture_sha(&size);
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("stall.gguf");
	char part[1100];
	struct stat st;

	REQUIRE(sha && t_server_url());
	req_init(&r, url_for("stall1=2000000", FIXTURE), dest);
	r.retries = 0;
	r.sha256 = sha;
	CHECK_INT(download_file(&r, &res, &err), 0);
	CHECK_INT(res.attempts, 2);
	CHECK(res.verified);

	dest = dest_in_tmp("stall0.gguf");
	req_init(&r, url_for("stall1=0", FIXTURE), dest);
	r.retries = 0;
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_TIMEOUT);
	CHECK(strstr(err.msg, "no data for 1000 ms") != NULL);
	download_part_path(dest, part, sizeof(part));
	CHECK(!exists(dest));
	CHECK(stat(part, &st) == 0 && st.st_size == 0);
}

/* A server that ignores Range, or whose file changed (If-Range fails),
 * sends the whole file: the partial one is started over, not spliced. */
TEST(download_restarts_when_the_server_sends_everything)
{
	static const char *const opts[] = {"norange=1", "etag=v2"};
	uint64_t size;
	const char *sha = fixture_sha(&size);

	REQUIRE(sha && t_server_url());
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		struct download_req r;
		struct download_result res;
		struct err err;
		char dest[1024], part[1100], meta[1200], url[1024];
		FILE *f;

		snprintf(dest, sizeof(dest), "%s/restart%zu.gguf", t_tmpdir(), i);
		snprintf(url, sizeof(url), "%s", url_for(opts[i], FIXTURE));
		download_part_path(dest, part, sizeof(part));
		snprintf(meta, sizeof(meta), "%s.meta", part);
		/* 100 bytes of something else, from an older version. */
		f = fopen(part, "w");
		REQUIRE(f);
		for (int k = 0; k < 100; k++)
			fputc('x', f);
		fclose(f);
		f = fopen(meta, "w");
		REQUIRE(f);
		fprintf(f, "%s\n\"v1\"\n", url);
		fclose(f);
		req_init(&r, url, dest);
		r.sha256 = sha;
		CHECK_INT(download_file(&r, &res, &err), 0);
		CHECK_INT(res.resumed_from, 100);
		CHECK(res.verified);
	}
}

TEST(download_follows_redirects)
{
	uint64_t size;
	const char *sha = fixture_sha(&size);
	struct download_req r;
	struct download_result res;
	struct err err;

	REQUIRE(sha && t_server_url());
	req_init(&r, url_for("redirect=1", FIXTURE), dest_in_tmp("redirected.gguf"));
	r.sha256 = sha;
	CHECK_INT(download_file(&r, &res, &err), 0);
	CHECK(res.verified);
}

TEST(download_404_and_401)
{
	struct download_req r;
	struct download_result res;
	struct err err;

	REQUIRE(t_server_url());
	req_init(&r, url_for("", "no-such-model.gguf"), dest_in_tmp("missing.gguf"));
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK(strstr(err.msg, "404") != NULL);

	req_init(&r, url_for("token=1", FIXTURE), dest_in_tmp("gated.gguf"));
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_CONFIG);
	{
		const char *hdrs[] = {"Authorization: Bearer hf-test-token", NULL};

		r.headers = hdrs;
		CHECK_INT(download_file(&r, &res, &err), 0);
	}
}

TEST(download_checksum_mismatch_deletes_the_file)
{
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("bad.gguf");
	char part[1100];

	REQUIRE(t_server_url());
	req_init(&r, url_for("", FIXTURE), dest);
	r.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_CORRUPT);
	CHECK(strstr(err.msg, "checksum mismatch") != NULL);
	CHECK(strstr(err.msg, "deleted") != NULL);
	download_part_path(dest, part, sizeof(part));
	CHECK(!exists(dest));
	CHECK(!exists(part));

	/* A size that disagrees with the server's is caught before the bytes. */
	r.sha256 = NULL;
	r.size = 12345;
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_CORRUPT);
	CHECK(!exists(dest));
}

/* The partial file is a link to /dev/full: every write fails with ENOSPC. */
TEST(download_full_disk_is_a_clear_error)
{
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("full.gguf");
	char part[1100];

	REQUIRE(t_server_url());
	if (access("/dev/full", W_OK) != 0)
		return;
	download_part_path(dest, part, sizeof(part));
	REQUIRE(symlink("/dev/full", part) == 0);
	req_init(&r, url_for("", FIXTURE), dest);
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_IO);
	if (!strstr(err.msg, "disk"))
		t_fail(__FILE__, __LINE__, "message: %s", err.msg);
	CHECK(!exists(dest));
	unlink(part);
}

static void cancel_midway(void *ud, uint64_t have, uint64_t total)
{
	UNUSED(ud);
	UNUSED(total);
	if (have > 1000000)
		http_cancel();
}

TEST(download_ctrl_c_keeps_a_resumable_file)
{
	uint64_t size;
	const char *sha = fixture_sha(&size);
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("cancel.gguf");
	char part[1100];
	struct stat st;

	REQUIRE(sha && t_server_url());
	req_init(&r, url_for("trickle=65536", FIXTURE), dest);
	r.on_progress = cancel_midway;
	CHECK_INT(download_file(&r, &res, &err), -1);
	http_cancel_reset();
	CHECK_INT(err.code, ERR_CANCELLED);
	CHECK(strstr(err.msg, "run the same command to resume") != NULL);
	download_part_path(dest, part, sizeof(part));
	REQUIRE(stat(part, &st) == 0);
	CHECK(st.st_size > 1000000);
	r.on_progress = NULL;
	r.sha256 = sha;
	CHECK_INT(download_file(&r, &res, &err), 0);
	CHECK(res.resumed_from > 1000000);
	CHECK(res.verified);
}

TEST(download_lock_keeps_a_second_writer_out)
{
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("locked.gguf");
	char part[1100];
	int fd;

	REQUIRE(t_server_url());
	download_part_path(dest, part, sizeof(part));
	fd = open(part, O_RDWR | O_CREAT, 0644);
	REQUIRE(fd >= 0);
	REQUIRE(flock(fd, LOCK_EX) == 0);
	req_init(&r, url_for("", FIXTURE), dest);
	CHECK_INT(download_file(&r, &res, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK(strstr(err.msg, "another caro") != NULL);
	close(fd);
}

/* The whole file is already in the partial one (a run killed before its
 * check): the server's 416 with the same total completes it. */
TEST(download_complete_part_is_finished_not_fetched_again)
{
	uint64_t size;
	const char *sha = fixture_sha(&size);
	struct download_req r;
	struct download_result res;
	struct err err;
	const char *dest = dest_in_tmp("complete.gguf");
	char part[1100], meta[1200], url[1024];
	size_t len;
	char *data = t_read_file(t_shared("fixtures/models/" FIXTURE), &len);
	FILE *f;

	REQUIRE(sha && data && t_server_url());
	snprintf(url, sizeof(url), "%s", url_for("", FIXTURE));
	download_part_path(dest, part, sizeof(part));
	snprintf(meta, sizeof(meta), "%s.meta", part);
	f = fopen(part, "w");
	REQUIRE(f);
	fwrite(data, 1, len, f);
	fclose(f);
	f = fopen(meta, "w");
	REQUIRE(f);
	fprintf(f, "%s\n\n", url);
	fclose(f);
	req_init(&r, url, dest);
	r.sha256 = sha;
	CHECK_INT(download_file(&r, &res, &err), 0);
	CHECK_INT(res.resumed_from, len);
	CHECK_INT(res.attempts, 1);
	CHECK(res.verified);
	free(data);
}
