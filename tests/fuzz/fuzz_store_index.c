/*
 * fuzz_store_index.c: the answer index reader (answers.idx) on any bytes,
 * since anyone with the user's rights may have written the file.
 *
 * Two properties beyond "no crash, no leak, no read outside the file":
 *  - the input as a file: every lookup (by each hash in its slot table)
 *    returns found, not found or an error, and a found record's strings
 *    lie inside what was read;
 *  - the input cut into records: the index written for them finds each
 *    one again with every field intact, and never finds a wrong key.
 */
#include "store.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int file_with(const void *p, size_t len)
{
	static FILE *f;

	if (!f && !(f = tmpfile()))
		__builtin_trap();
	if (ftruncate(fileno(f), 0) != 0 ||
	    (len && pwrite(fileno(f), p, len, 0) != (ssize_t)len))
		__builtin_trap();
	return fileno(f);
}

static void as_file(const uint8_t *data, size_t size)
{
	struct buf scratch = BUF_INIT;
	struct store_index_rec r;
	struct err err;
	int fd = file_with(data, size);

	for (size_t at = 32; at + 16 <= size && at < 32 + 64 * 16; at += 16) {
		uint64_t h;

		memcpy(&h, data + at, sizeof(h));
		if (store_index_find(fd, h, "k", 1, &r, &scratch, &err) == 1) {
			if (r.key_len != 1 || r.key[0] != 'k' || strlen(r.engine) > scratch.len ||
			    strlen(r.answer) > scratch.len)
				__builtin_trap();
		}
	}
	buf_release(&scratch);
}

static void round_trip(const uint8_t *data, size_t size)
{
	enum { MAXREC = 16 };
	struct store_index_rec rec[MAXREC], got;
	char *text = xmalloc(size + 1);
	struct buf img = BUF_INIT, scratch = BUF_INIT;
	size_t n = 0, pos = 0;
	struct err err;
	int fd;

	memcpy(text, data, size);
	text[size] = '\0';
	/* Records: key, engine and answer are the input's NUL-free pieces. */
	while (n < MAXREC && pos <= size) {
		const char *key = text + pos;
		size_t kl = strlen(key);

		rec[n] = (struct store_index_rec){
			.khash = (n + 1) * 0x9E3779B97F4A7C15ULL, .key = key, .key_len = kl,
			.engine = n % 2 ? key : "", .answer = key + kl / 2,
			.created = (int64_t)(n * 1000003), .want = (uint32_t)n,
			.context = n % 3 == 0,
		};
		n++;
		pos += kl + 1;
	}
	store_index_format(rec, n, &img);
	fd = file_with(img.s, img.len);
	for (size_t i = 0; i < n; i++) {
		if (store_index_find(fd, rec[i].khash, rec[i].key, rec[i].key_len, &got, &scratch,
				     &err) != 1 ||
		    !str_eq(got.answer, rec[i].answer) || !str_eq(got.engine, rec[i].engine) ||
		    got.created != rec[i].created || got.want != rec[i].want ||
		    got.context != rec[i].context)
			__builtin_trap();
		if (store_index_find(fd, rec[i].khash, "\x1f", 1, &got, &scratch, &err) != 0 &&
		    rec[i].key_len == 1 && rec[i].key[0] != '\x1f')
			__builtin_trap();
	}
	buf_release(&img);
	buf_release(&scratch);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_file(data, size);
	round_trip(data, size);
	return 0;
}
