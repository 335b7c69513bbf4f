/*
 * sha256.c: SHA-256 as FIPS 180-4 describes it (section 6.2), and the
 * optional libcrypto path (see sha256.h for why both).
 */
#include "sha256.h"

#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

/* ------------------------------------------------------ libcrypto */

/* The EVP calls we need, found with dlsym; NULL when not loadable. */
static struct {
	bool tried, ok;
	void *(*ctx_new)(void);
	void (*ctx_free)(void *ctx);
	const void *(*md)(void);
	int (*init)(void *ctx, const void *md, void *engine);
	int (*update)(void *ctx, const void *p, size_t n);
	int (*final)(void *ctx, unsigned char *out, unsigned int *n);
} evp;

static bool evp_load(void)
{
	static const char *const names[] = {"libcrypto.so.3", "libcrypto.so", "libcrypto.dylib"};
	static const char *const syms[] = {"EVP_MD_CTX_new", "EVP_MD_CTX_free", "EVP_sha256",
					   "EVP_DigestInit_ex", "EVP_DigestUpdate",
					   "EVP_DigestFinal_ex"};
	void *f[ARRAY_SIZE(syms)];
	void *h = NULL;

	if (evp.tried)
		return evp.ok;
	evp.tried = true;
	if (getenv("CARO_SHA256_PORTABLE"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(names) && !h; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(syms); i++)
		if (!(f[i] = dlsym(h, syms[i])))
			return false;
	/* POSIX guarantees that dlsym's object pointers convert to functions. */
	memcpy(&evp.ctx_new, &f[0], sizeof(f[0]));
	memcpy(&evp.ctx_free, &f[1], sizeof(f[1]));
	memcpy(&evp.md, &f[2], sizeof(f[2]));
	memcpy(&evp.init, &f[3], sizeof(f[3]));
	memcpy(&evp.update, &f[4], sizeof(f[4]));
	memcpy(&evp.final, &f[5], sizeof(f[5]));
	evp.ok = true;
	return true;
}

/* ------------------------------------------------------- portable */

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Process n 64-byte blocks (section 6.2.2): the message schedule first,
 * then the 64 rounds, eight at a time with the working variables renamed
 * instead of shifted. */
#define S0(x) (ror(x, 2) ^ ror(x, 13) ^ ror(x, 22))
#define S1(x) (ror(x, 6) ^ ror(x, 11) ^ ror(x, 25))
#define G0(x) (ror(x, 7) ^ ror(x, 18) ^ ((x) >> 3))
#define G1(x) (ror(x, 17) ^ ror(x, 19) ^ ((x) >> 10))
#define ROUND(a, b, c, d, e, f, g, h, i)                                             \
	do {                                                                         \
		uint32_t t1_ = h + S1(e) + ((e & f) ^ (~e & g)) + K[i] + w[i];      \
		d += t1_;                                                            \
		h = t1_ + S0(a) + ((a & b) ^ (a & c) ^ (b & c));                     \
	} while (0)

static void compress(uint32_t st[8], const uint8_t *p, size_t n)
{
	for (; n; n--, p += 64) {
		uint32_t w[64], a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5],
				g = st[6], h = st[7];
		int i;

		for (i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		for (; i < 64; i++)
			w[i] = G1(w[i - 2]) + w[i - 7] + G0(w[i - 15]) + w[i - 16];
		for (i = 0; i < 64; i += 8) {
			ROUND(a, b, c, d, e, f, g, h, i);
			ROUND(h, a, b, c, d, e, f, g, i + 1);
			ROUND(g, h, a, b, c, d, e, f, i + 2);
			ROUND(f, g, h, a, b, c, d, e, i + 3);
			ROUND(e, f, g, h, a, b, c, d, i + 4);
			ROUND(d, e, f, g, h, a, b, c, i + 5);
			ROUND(c, d, e, f, g, h, a, b, i + 6);
			ROUND(b, c, d, e, f, g, h, a, i + 7);
		}
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
	}
}

/* ---------------------------------------------------- the interface */

void sha256_init(struct sha256 *s, unsigned flags)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memset(s, 0, sizeof(*s));
	memcpy(s->h, h0, sizeof(h0));
	if ((flags & SHA256_FAST) && evp_load()) {
		s->evp = evp.ctx_new();
		if (s->evp && evp.init(s->evp, evp.md(), NULL) != 1) {
			evp.ctx_free(s->evp);
			s->evp = NULL;
		}
	}
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->n += len;
	if (s->evp) {
		evp.update(s->evp, p, len);
		return;
	}
	if (s->fill) {
		size_t take = MIN(len, 64 - s->fill);

		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		len -= take;
		if (s->fill < 64)
			return;
		compress(s->h, s->block, 1);
		s->fill = 0;
	}
	compress(s->h, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(s->block, p, len);
	s->fill = len;
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	uint64_t bits = s->n * 8;

	if (s->evp) {
		unsigned int n = SHA256_LEN;

		evp.final(s->evp, out, &n);
		sha256_release(s);
		return;
	}
	s->block[s->fill++] = 0x80;
	if (s->fill > 56) {
		memset(s->block + s->fill, 0, 64 - s->fill);
		compress(s->h, s->block, 1);
		s->fill = 0;
	}
	memset(s->block + s->fill, 0, 56 - s->fill);
	for (int i = 0; i < 8; i++)
		s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	compress(s->h, s->block, 1);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
	sha256_release(s);
}

void sha256_release(struct sha256 *s)
{
	if (s->evp)
		evp.ctx_free(s->evp);
	s->evp = NULL;
}

const char *sha256_impl(const struct sha256 *s)
{
	return s->evp ? "libcrypto" : "portable";
}

void sha256_to_hex(const uint8_t d[SHA256_LEN], char out[SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[SHA256_HEX_LEN] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];

	sha256_init(&s, 0);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_to_hex(d, out);
}

bool sha256_is_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return i == SHA256_HEX_LEN;
}

int sha256_update_fd(struct sha256 *s, int fd, uint64_t len, struct err *err)
{
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	uint64_t off = 0;
	int rc = -1;

	while (off < len) {
		ssize_t n = pread(fd, buf, (size_t)MIN((uint64_t)CHUNK, len - off), (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_errno(err, ERR_IO, "sha256: read failed");
			goto out;
		}
		if (n == 0) {
			err_set(err, ERR_IO, "sha256: file shorter than %llu bytes",
				(unsigned long long)len);
			goto out;
		}
		sha256_update(s, buf, (size_t)n);
		off += (uint64_t)n;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
