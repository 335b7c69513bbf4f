/*
 * store_index.c: answers.idx, the answer cache's hot set in a file that a
 * cache hit reads with four pread()s instead of opening SQLite (see
 * store.h for when it is written and why a miss here is not final).
 *
 * Layout, native byte order (the file never leaves the machine; the
 * order mark rejects a foreign one):
 *
 *   header  32 bytes   magic "CAROAIX1", u32 order mark 0x01020304,
 *                      u32 nslots (a power of two), u32 n, u32 0,
 *                      u64 file size
 *   slots   nslots x 16 bytes: u64 khash (0: empty), u32 offset, u32 len
 *   records each 32 bytes: i64 created, u32 want, u32 flags,
 *           u32 key_len, u32 engine_len, u32 answer_len, u32 0,
 *           then key, engine and answer, each followed by a NUL
 *
 * Open addressing with linear probing, at most half full, so a lookup
 * reads one run of slots. Everything read is checked against the file's
 * real size before use: a truncated, foreign or hostile file is an error,
 * never a crash.
 */
#include "store.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "CAROAIX1"
#define ORDER_MARK 0x01020304u
#define HDR_SIZE 32
#define SLOT_SIZE 16
#define REC_HDR 32
#define FLAG_CONTEXT 1u
/* Slots read per pread while probing. */
#define PROBE_CHUNK 16

static void put32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

static void put64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof(v));
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void store_index_format(const struct store_index_rec *r, size_t n, struct buf *out)
{
	uint32_t nslots = 16;
	size_t off;

	while (nslots < 2 * n)
		nslots *= 2;
	off = HDR_SIZE + (size_t)nslots * SLOT_SIZE;
	buf_truncate(out, 0);
	buf_add(out, MAGIC, 8);
	put32(out, ORDER_MARK);
	put32(out, nslots);
	put32(out, (uint32_t)n);
	put32(out, 0);
	put64(out, 0); /* the size, once known */
	buf_grow(out, (size_t)nslots * SLOT_SIZE);
	memset(out->s + out->len, 0, (size_t)nslots * SLOT_SIZE);
	out->len += (size_t)nslots * SLOT_SIZE;
	for (size_t i = 0; i < n; i++) {
		const size_t el = strlen(r[i].engine), al = strlen(r[i].answer);
		const uint32_t len = (uint32_t)(REC_HDR + r[i].key_len + 1 + el + 1 + al + 1);
		const uint32_t o = (uint32_t)off;
		uint32_t at = (uint32_t)(r[i].khash & (nslots - 1));
		unsigned char *slot;

		put64(out, (uint64_t)r[i].created);
		put32(out, r[i].want);
		put32(out, r[i].context ? FLAG_CONTEXT : 0);
		put32(out, (uint32_t)r[i].key_len);
		put32(out, (uint32_t)el);
		put32(out, (uint32_t)al);
		put32(out, 0);
		buf_add(out, r[i].key, r[i].key_len);
		buf_addch(out, '\0');
		buf_add(out, r[i].engine, el + 1);
		buf_add(out, r[i].answer, al + 1);
		/* The first free slot from the hash on (the buffer may have
		 * moved: find the table again). A repeated hash is only a
		 * longer probe: the key decides at lookup. */
		while (get64((unsigned char *)out->s + HDR_SIZE + (size_t)at * SLOT_SIZE) != 0)
			at = (at + 1) & (nslots - 1);
		slot = (unsigned char *)out->s + HDR_SIZE + (size_t)at * SLOT_SIZE;
		memcpy(slot, &r[i].khash, 8);
		memcpy(slot + 8, &o, 4);
		memcpy(slot + 12, &len, 4);
		off += len;
	}
	{
		uint64_t size = out->len;

		memcpy(out->s + 24, &size, 8);
	}
}

static int read_at(int fd, void *p, size_t len, uint64_t off, struct err *err)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)p + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_errno(err, ERR_IO, "store: cannot read the answer index");
		if (n == 0)
			return err_set(err, ERR_CORRUPT, "store: the answer index is truncated");
		got += (size_t)n;
	}
	return 0;
}

static int bad(struct err *err, const char *why)
{
	return err_set(err, ERR_CORRUPT, "store: the answer index is malformed (%s)", why);
}

/* Parse the record at img[0..len) into r (pointers into img). */
static int parse_rec(const unsigned char *img, size_t len, uint64_t h, struct store_index_rec *r,
		     struct err *err)
{
	uint64_t kl, el, al;

	if (len < REC_HDR)
		return bad(err, "short record");
	kl = get32(img + 16);
	el = get32(img + 20);
	al = get32(img + 24);
	if (REC_HDR + kl + 1 + el + 1 + al + 1 != len)
		return bad(err, "record lengths");
	if (img[REC_HDR + kl] || img[REC_HDR + kl + 1 + el] || img[len - 1])
		return bad(err, "unterminated text");
	memset(r, 0, sizeof(*r));
	r->khash = h;
	r->created = (int64_t)get64(img);
	r->want = get32(img + 8);
	r->context = (get32(img + 12) & FLAG_CONTEXT) != 0;
	r->key = (const char *)img + REC_HDR;
	r->key_len = (size_t)kl;
	r->engine = (const char *)img + REC_HDR + kl + 1;
	r->answer = (const char *)img + REC_HDR + kl + 1 + el + 1;
	return 0;
}

int store_index_find(int fd, uint64_t h, const char *key, size_t key_len,
		     struct store_index_rec *rec, struct buf *scratch, struct err *err)
{
	unsigned char hdr[HDR_SIZE], chunk[PROBE_CHUNK * SLOT_SIZE];
	uint64_t size, table;
	uint32_t nslots, at;
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return err_errno(err, ERR_IO, "store: cannot examine the answer index");
	if (read_at(fd, hdr, sizeof(hdr), 0, err) != 0)
		return -1;
	if (memcmp(hdr, MAGIC, 8) != 0 || get32(hdr + 8) != ORDER_MARK)
		return bad(err, "not an answer index");
	nslots = get32(hdr + 12);
	size = get64(hdr + 24);
	if (nslots == 0 || (nslots & (nslots - 1)) || nslots > (1u << 24))
		return bad(err, "slot count");
	table = HDR_SIZE + (uint64_t)nslots * SLOT_SIZE;
	/* A file cut short, or grown since, is not the file that was written. */
	if (size != (uint64_t)sb.st_size || size < table)
		return bad(err, "size");
	if (h == 0)
		return 0;
	at = (uint32_t)(h & (nslots - 1));
	for (uint32_t probed = 0; probed < nslots;) {
		uint32_t run = MIN(PROBE_CHUNK, nslots - at);

		if (read_at(fd, chunk, (size_t)run * SLOT_SIZE, HDR_SIZE + (uint64_t)at * SLOT_SIZE,
			    err) != 0)
			return -1;
		for (uint32_t i = 0; i < run && probed < nslots; i++, probed++) {
			const unsigned char *s = chunk + (size_t)i * SLOT_SIZE;
			uint64_t sh = get64(s), off = get32(s + 8), len = get32(s + 12);

			if (sh == 0)
				return 0;
			if (sh != h)
				continue;
			if (off < table || len > size || off > size - len)
				return bad(err, "record bounds");
			if (len > STORE_INDEX_MAX_BYTES)
				return bad(err, "record size");
			buf_truncate(scratch, 0);
			buf_grow(scratch, (size_t)len);
			if (read_at(fd, scratch->s, (size_t)len, off, err) != 0)
				return -1;
			if (parse_rec((const unsigned char *)scratch->s, (size_t)len, h, rec, err) != 0)
				return -1;
			/* The hash picked the record; the whole key decides. */
			if (rec->key_len != key_len || memcmp(rec->key, key, key_len) != 0)
				continue;
			return 1;
		}
		at = (at + run) & (nslots - 1);
	}
	return 0;
}
