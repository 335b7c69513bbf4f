/* test_sha256.c: SHA-256 against the NIST vectors (FIPS 180-4 examples
 * and the one-million-'a' message), split at every offset, and the
 * libcrypto path against the portable one. */
#include "t.h"

#include "sha256.h"

#include <fcntl.h>
#include <unistd.h>

static const struct {
	const char *msg;
	const char *hex;
} vectors[] = {
	{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
	 "lmnopqrsmnopqrstnopqrstu",
	 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void digest(unsigned flags, const void *p, size_t n, size_t split, char hex[65])
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];

	sha256_init(&s, flags);
	sha256_update(&s, p, split);
	sha256_update(&s, (const char *)p + split, n - split);
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
}

TEST(sha256_nist_vectors_any_split)
{
	char hex[65];

	for (unsigned flags = 0; flags <= SHA256_FAST; flags += SHA256_FAST)
		for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
			size_t n = strlen(vectors[i].msg);

			for (size_t split = 0; split <= n; split++) {
				digest(flags, vectors[i].msg, n, split, hex);
				CHECK_STR(hex, vectors[i].hex);
			}
		}
}

TEST(sha256_million_a)
{
	size_t n = 1000000;
	char *a = xmalloc(n), hex[65];

	memset(a, 'a', n);
	for (unsigned flags = 0; flags <= SHA256_FAST; flags += SHA256_FAST) {
		digest(flags, a, n, 333333, hex);
		CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	free(a);
}

/* Lengths around the padding boundaries (55, 56, 63, 64 ...): both
 * implementations must agree on every one. */
TEST(sha256_portable_matches_libcrypto)
{
	uint8_t buf[300];
	char a[65], b[65];
	struct sha256 probe;

	sha256_init(&probe, SHA256_FAST);
	if (!probe.evp) {
		sha256_release(&probe);
		return; /* no libcrypto here: only the portable code to test */
	}
	CHECK_STR(sha256_impl(&probe), "libcrypto");
	sha256_release(&probe);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(buf); n++) {
		digest(0, buf, n, n / 3, a);
		digest(SHA256_FAST, buf, n, n / 2, b);
		CHECK_STR(a, b);
	}
}

TEST(sha256_file_and_hex_helpers)
{
	char path[512], hex[65];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	struct err err;
	int fd;

	snprintf(path, sizeof(path), "%s/abc", t_tmpdir());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	REQUIRE(fd >= 0);
	REQUIRE(write(fd, "abc", 3) == 3);
	sha256_init(&s, SHA256_FAST);
	CHECK_INT(sha256_update_fd(&s, fd, 3, &err), 0);
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	CHECK_STR(hex, vectors[1].hex);
	sha256_init(&s, 0);
	CHECK_INT(sha256_update_fd(&s, fd, 4, &err), -1);
	CHECK_INT(err.code, ERR_IO);
	sha256_release(&s);
	close(fd);

	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, vectors[1].hex);
	CHECK(sha256_is_hex(vectors[1].hex));
	CHECK(sha256_is_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	CHECK(!sha256_is_hex("ba78"));
	CHECK(!sha256_is_hex("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(!sha256_is_hex(""));
}
