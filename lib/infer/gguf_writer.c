/*
 * gguf_writer.c: encode GGUF v3 headers (see gguf_writer.h).
 *
 * Values are appended little-endian with memcpy; this file, like the
 * reader, assumes a little-endian host (x86-64 and arm64 Linux/macOS).
 */
#include "infer/gguf_writer.h"

#define GGUF_MAGIC 0x46554747u

static void put(struct buf *b, const void *p, size_t n)
{
	if (n)
		buf_add(b, p, n);
}

static void put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	put(b, &v, 8);
}

void gguf_writer_put_str(struct buf *b, const char *s, size_t len)
{
	put_u64(b, len);
	put(b, s, len);
}

static void put_key(struct gguf_writer *w, const char *key, enum gguf_vtype type)
{
	gguf_writer_put_str(&w->kv, key, strlen(key));
	put_u32(&w->kv, type);
	w->n_kv++;
}

void gguf_writer_init(struct gguf_writer *w, uint32_t alignment)
{
	memset(w, 0, sizeof(*w));
	w->alignment = alignment ? alignment : GGUF_DEFAULT_ALIGNMENT;
	if (w->alignment != GGUF_DEFAULT_ALIGNMENT)
		gguf_writer_add_u32(w, "general.alignment", w->alignment);
}

void gguf_writer_release(struct gguf_writer *w)
{
	buf_release(&w->kv);
	buf_release(&w->ti);
	memset(w, 0, sizeof(*w));
}

void gguf_writer_add_u32(struct gguf_writer *w, const char *key, uint32_t v)
{
	put_key(w, key, GGUF_U32);
	put_u32(&w->kv, v);
}

void gguf_writer_add_i32(struct gguf_writer *w, const char *key, int32_t v)
{
	put_key(w, key, GGUF_I32);
	put(&w->kv, &v, 4);
}

void gguf_writer_add_u64(struct gguf_writer *w, const char *key, uint64_t v)
{
	put_key(w, key, GGUF_U64);
	put_u64(&w->kv, v);
}

void gguf_writer_add_f32(struct gguf_writer *w, const char *key, float v)
{
	put_key(w, key, GGUF_F32);
	put(&w->kv, &v, 4);
}

void gguf_writer_add_bool(struct gguf_writer *w, const char *key, bool v)
{
	uint8_t b = v;

	put_key(w, key, GGUF_BOOL);
	put(&w->kv, &b, 1);
}

void gguf_writer_add_str(struct gguf_writer *w, const char *key, const char *v)
{
	put_key(w, key, GGUF_STRING);
	gguf_writer_put_str(&w->kv, v, strlen(v));
}

void gguf_writer_add_arr(struct gguf_writer *w, const char *key, enum gguf_vtype elem,
			 uint64_t n, const void *data)
{
	static const uint8_t size[GGUF_VTYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

	put_key(w, key, GGUF_ARRAY);
	put_u32(&w->kv, elem);
	put_u64(&w->kv, n);
	put(&w->kv, data, (size_t)n * size[elem]);
}

void gguf_writer_add_str_arr(struct gguf_writer *w, const char *key, uint64_t n,
			     const struct gguf_str *v)
{
	uint64_t i;

	put_key(w, key, GGUF_ARRAY);
	put_u32(&w->kv, GGUF_STRING);
	put_u64(&w->kv, n);
	for (i = 0; i < n; i++)
		gguf_writer_put_str(&w->kv, v[i].s, (size_t)v[i].len);
}

void gguf_writer_add_raw(struct gguf_writer *w, const char *key, enum gguf_vtype type,
			 const void *bytes, size_t len)
{
	put_key(w, key, type);
	put(&w->kv, bytes, len);
}

void gguf_writer_add_kv(struct gguf_writer *w, const struct gguf_kv *kv)
{
	const struct gguf_value *v = &kv->val;

	gguf_writer_put_str(&w->kv, kv->key.s, (size_t)kv->key.len);
	put_u32(&w->kv, v->type);
	w->n_kv++;
	switch (v->type) {
	case GGUF_STRING:
		gguf_writer_put_str(&w->kv, v->v.str.s, (size_t)v->v.str.len);
		break;
	case GGUF_ARRAY:
		put_u32(&w->kv, v->v.arr.type);
		put_u64(&w->kv, v->v.arr.n);
		put(&w->kv, v->v.arr.data, (size_t)v->v.arr.size);
		break;
	default: {
		/* scalars: re-encode from the decoded value at the stored width */
		union {
			uint8_t u8;
			uint16_t u16;
			uint32_t u32;
			uint64_t u64;
			float f32;
			double f64;
		} x;
		size_t n = 0;

		switch (v->type) {
		case GGUF_U8: case GGUF_I8: x.u8 = (uint8_t)v->v.u; n = 1; break;
		case GGUF_BOOL: x.u8 = v->v.b; n = 1; break;
		case GGUF_U16: case GGUF_I16: x.u16 = (uint16_t)v->v.u; n = 2; break;
		case GGUF_U32: case GGUF_I32: x.u32 = (uint32_t)v->v.u; n = 4; break;
		case GGUF_U64: case GGUF_I64: x.u64 = v->v.u; n = 8; break;
		case GGUF_F32: x.f32 = (float)v->v.f; n = 4; break;
		case GGUF_F64: x.f64 = v->v.f; n = 8; break;
		default: break;
		}
		put(&w->kv, &x, n);
	}
	}
}

uint64_t gguf_writer_add_tensor(struct gguf_writer *w, const char *name, uint32_t type,
				uint32_t n_dims, const uint64_t *ne, struct err *err)
{
	const struct gguf_type_info *ti = gguf_type_info(type);
	uint64_t n = 1, size;
	uint32_t d;

	if (!ti) {
		err_set(err, ERR_USAGE, "gguf: unknown tensor type %u", type);
		return 0;
	}
	if (n_dims < 1 || n_dims > GGUF_MAX_DIMS || ne[0] % ti->blck) {
		err_set(err, ERR_USAGE, "gguf: tensor %s: bad shape for %s", name, ti->name);
		return 0;
	}
	for (d = 0; d < n_dims; d++)
		n *= ne[d];
	size = n / ti->blck * ti->size;
	gguf_writer_put_str(&w->ti, name, strlen(name));
	put_u32(&w->ti, n_dims);
	for (d = 0; d < n_dims; d++)
		put_u64(&w->ti, ne[d]);
	put_u32(&w->ti, type);
	put_u64(&w->ti, w->data_size);
	w->n_tensors++;
	w->data_size += size + gguf_writer_pad(w, size);
	return size;
}

size_t gguf_writer_pad(const struct gguf_writer *w, uint64_t size)
{
	return (size_t)((w->alignment - size % w->alignment) % w->alignment);
}

void gguf_writer_header(const struct gguf_writer *w, struct buf *out)
{
	static const char zeros[64];
	size_t pad, start = out->len;

	put_u32(out, GGUF_MAGIC);
	put_u32(out, 3);
	put_u64(out, w->n_tensors);
	put_u64(out, w->n_kv);
	put(out, w->kv.s, w->kv.len);
	put(out, w->ti.s, w->ti.len);
	pad = gguf_writer_pad(w, out->len - start);
	while (pad) {
		size_t k = MIN(pad, sizeof(zeros));

		put(out, zeros, k);
		pad -= k;
	}
}
