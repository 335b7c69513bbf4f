/*
 * sha256.h: SHA-256 (FIPS 180-4), for checking downloaded model files and
 * naming cache files.
 *
 * Two implementations behind one interface:
 *   - OpenSSL's libcrypto, loaded with dlopen() the first time a context
 *     is started with SHA256_FAST (the downloader does). It uses the CPU's
 *     SHA instructions where there are any (~1.4 GB/s here, 5x the
 *     portable code), which matters when a resumed download re-reads a
 *     partial file of a gigabyte. Loading it costs a few ms, so nothing on
 *     the request path asks for it, and caro never links it.
 *   - a portable implementation here, used for short inputs (cache keys),
 *     and whenever libcrypto cannot be loaded.
 * Both are tested against the NIST vectors and against each other
 * (tests/unit/test_sha256.c); bench/sha256_bench measures them.
 */
#ifndef CARO_SHA256_H
#define CARO_SHA256_H

#include "common.h"
#include "err.h"

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	void *evp;           /* libcrypto's EVP_MD_CTX, or NULL: portable */
	uint32_t h[8];
	uint64_t n;          /* bytes hashed so far */
	uint8_t block[64];
	size_t fill;         /* bytes waiting in block */
};

enum {
	SHA256_FAST = 1 << 0, /* use libcrypto when it can be loaded */
};

/* Start a digest. flags: SHA256_FAST or 0 (portable). */
void sha256_init(struct sha256 *s, unsigned flags);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Write the digest of everything passed to update and release s (which
 * must be initialised again before reuse). */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* Release s without a digest (error paths). Zeroed storage is fine. */
void sha256_release(struct sha256 *s);
/* "libcrypto" or "portable": what s computes with. */
const char *sha256_impl(const struct sha256 *s);

/* One-shot digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
void sha256_to_hex(const uint8_t d[SHA256_LEN], char out[SHA256_HEX_LEN + 1]);
/* Whether s is exactly 64 hex digits (either case). */
bool sha256_is_hex(const char *s);

/* Feed the first len bytes of the open file fd (read from offset 0) into
 * s. -1 with ERR_IO when a read fails or the file is shorter. */
int sha256_update_fd(struct sha256 *s, int fd, uint64_t len, struct err *err);

#endif
