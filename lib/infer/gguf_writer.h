/*
 * gguf_writer.h: build GGUF v3 files (tests, fuzz seeds, tools/gguf_write).
 *
 * Metadata is encoded as it is added; tensors are declared (name, type,
 * shape) before the header is produced, so their offsets are known. The
 * caller then writes each tensor's bytes in declaration order, each
 * followed by gguf_writer_pad() bytes of zeros. This keeps multi-gigabyte
 * models out of memory: only one tensor needs to exist at a time.
 */
#ifndef CARO_GGUF_WRITER_H
#define CARO_GGUF_WRITER_H

#include "buf.h"
#include "infer/gguf.h"

struct gguf_writer {
	struct buf kv;   /* encoded key/value pairs */
	uint64_t n_kv;
	struct buf ti;   /* encoded tensor descriptors */
	uint64_t n_tensors;
	uint64_t data_size; /* running size of the data section */
	uint32_t alignment;
};

/* Start an empty file with the given alignment (0: the default 32). Writes
 * general.alignment only when it differs from the default. */
void gguf_writer_init(struct gguf_writer *w, uint32_t alignment);
void gguf_writer_release(struct gguf_writer *w);

void gguf_writer_add_u32(struct gguf_writer *w, const char *key, uint32_t v);
void gguf_writer_add_i32(struct gguf_writer *w, const char *key, int32_t v);
void gguf_writer_add_u64(struct gguf_writer *w, const char *key, uint64_t v);
void gguf_writer_add_f32(struct gguf_writer *w, const char *key, float v);
void gguf_writer_add_bool(struct gguf_writer *w, const char *key, bool v);
void gguf_writer_add_str(struct gguf_writer *w, const char *key, const char *v);
/* An array of n fixed-size elements of type elem (little-endian in data). */
void gguf_writer_add_arr(struct gguf_writer *w, const char *key, enum gguf_vtype elem,
			 uint64_t n, const void *data);
void gguf_writer_add_str_arr(struct gguf_writer *w, const char *key, uint64_t n,
			     const struct gguf_str *v);
/* A key whose value bytes (after the type) are given already encoded: for
 * nested arrays, odd values in tests, and copying a kv from another file. */
void gguf_writer_add_raw(struct gguf_writer *w, const char *key, enum gguf_vtype type,
			 const void *bytes, size_t len);
/* Copy a key/value pair read from another file, byte for byte. */
void gguf_writer_add_kv(struct gguf_writer *w, const struct gguf_kv *kv);

/* Declare the next tensor; ne[0] varies fastest. Returns its data size in
 * bytes, or 0 (ERR_USAGE) for an unknown type, a bad shape or a row that
 * is not a whole number of blocks. */
uint64_t gguf_writer_add_tensor(struct gguf_writer *w, const char *name, uint32_t type,
				uint32_t n_dims, const uint64_t *ne, struct err *err);

/* Append the whole header (magic to the start of the data section, padded) to out. */
void gguf_writer_header(const struct gguf_writer *w, struct buf *out);
/* Zero bytes to write after a tensor of size bytes. */
size_t gguf_writer_pad(const struct gguf_writer *w, uint64_t size);

/* Append `bytes` as a GGUF string / a value of any fixed-size type to b:
 * helpers for hand-encoding raw values in tests. */
void gguf_writer_put_str(struct buf *b, const char *s, size_t len);

#endif
