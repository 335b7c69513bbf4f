/*
 * gguf.c: parse and validate a GGUF image in one pass.
 *
 * The parser is a cursor over [p, end). Every read goes through rd_*(),
 * which checks the bytes left first, so a truncated or lying file stops
 * with an error naming the part being read. Counts that size allocations
 * (keys, tensors) are never trusted up front: the arrays grow as entries
 * are actually parsed, so a header claiming 2^60 tensors costs nothing
 * before it fails. Array element counts are checked against the bytes
 * left (each element needs at least its minimum encoded size).
 *
 * Invariant after gguf_open(): every gguf_str, gguf_arr and tensor range
 * lies inside the image, so accessors need no bounds checks beyond index.
 */
#include "infer/gguf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GGUF_MAGIC 0x46554747u /* "GGUF" little-endian */
#define MAX_DEPTH 8            /* nested arrays */
#define MAX_NAME 256           /* tensor name bytes (ggml uses 64) */
#define MAX_ALIGNMENT (1u << 20)
#define MAX_KV 4096            /* real models carry < 100 keys */
#define MAX_TENSORS 65536      /* real models carry < 3000 tensors */

/* The ggml type table (ggml's type_traits[] sizes). Ids without an entry
 * were removed from ggml and are rejected. */
static const struct gguf_type_info type_table[GGUF_T_COUNT] = {
	[0] = {"f32", 1, 4},       [1] = {"f16", 1, 2},      [2] = {"q4_0", 32, 18},
	[3] = {"q4_1", 32, 20},    [6] = {"q5_0", 32, 22},   [7] = {"q5_1", 32, 24},
	[8] = {"q8_0", 32, 34},    [9] = {"q8_1", 32, 36},   [10] = {"q2_K", 256, 84},
	[11] = {"q3_K", 256, 110}, [12] = {"q4_K", 256, 144}, [13] = {"q5_K", 256, 176},
	[14] = {"q6_K", 256, 210}, [15] = {"q8_K", 256, 292}, [16] = {"iq2_xxs", 256, 66},
	[17] = {"iq2_xs", 256, 74}, [18] = {"iq3_xxs", 256, 98}, [19] = {"iq1_s", 256, 50},
	[20] = {"iq4_nl", 32, 18}, [21] = {"iq3_s", 256, 110}, [22] = {"iq2_s", 256, 82},
	[23] = {"iq4_xs", 256, 136}, [24] = {"i8", 1, 1},    [25] = {"i16", 1, 2},
	[26] = {"i32", 1, 4},      [27] = {"i64", 1, 8},     [28] = {"f64", 1, 8},
	[29] = {"iq1_m", 256, 56}, [30] = {"bf16", 1, 2},    [34] = {"tq1_0", 256, 54},
	[35] = {"tq2_0", 256, 66},
};

/* Encoded size of fixed-size value types; 0 for string and array. */
static const uint8_t vtype_size[GGUF_VTYPE_COUNT] = {
	[GGUF_U8] = 1,  [GGUF_I8] = 1,  [GGUF_U16] = 2, [GGUF_I16] = 2, [GGUF_U32] = 4,
	[GGUF_I32] = 4, [GGUF_F32] = 4, [GGUF_BOOL] = 1, [GGUF_U64] = 8, [GGUF_I64] = 8,
	[GGUF_F64] = 8,
};

static const char *const vtype_names[GGUF_VTYPE_COUNT] = {
	"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64",
};

struct gguf {
	const uint8_t *base;
	uint64_t size;
	bool mapped;
	uint32_t version;
	uint64_t alignment;
	uint64_t data_offset;
	uint64_t fingerprint;
	struct gguf_kv *kv;
	uint64_t n_kv;
	struct gguf_tensor *tensors;
	uint64_t n_tensors;
	char *names; /* all tensor names, NUL-separated */
};

struct cursor {
	const uint8_t *p, *end;
	const char *what; /* the part being read, for errors */
	struct err *err;
	char buf[160];    /* storage for a what that names a key */
};

static int truncated(struct cursor *c)
{
	return err_set(c->err, ERR_PARSE, "gguf: file truncated while reading %s", c->what);
}

static uint64_t left(const struct cursor *c)
{
	return (uint64_t)(c->end - c->p);
}

static int rd_bytes(struct cursor *c, void *out, size_t n)
{
	if (left(c) < n) {
		memset(out, 0, n); /* callers never see garbage, even on error paths */
		return truncated(c);
	}
	memcpy(out, c->p, n);
	c->p += n;
	return 0;
}

static int rd_u32(struct cursor *c, uint32_t *v)
{
	return rd_bytes(c, v, 4);
}

static int rd_u64(struct cursor *c, uint64_t *v)
{
	return rd_bytes(c, v, 8);
}

static int rd_str(struct cursor *c, struct gguf_str *s)
{
	uint64_t n = 0;

	if (rd_u64(c, &n) < 0)
		return -1;
	if (n > left(c))
		return err_set(c->err, ERR_PARSE,
			       "gguf: %s: string length %llu exceeds the %llu bytes left", c->what,
			       (unsigned long long)n, (unsigned long long)left(c));
	s->s = (const char *)c->p;
	s->len = n;
	c->p += n;
	return 0;
}

static int rd_value(struct cursor *c, uint32_t type, struct gguf_value *out, int depth);

/* Parse an array header and skip (validating) its elements. */
static int rd_array(struct cursor *c, struct gguf_arr *a, int depth)
{
	uint32_t type = 0;
	uint64_t n = 0, i;

	if (depth >= MAX_DEPTH)
		return err_set(c->err, ERR_LIMIT, "gguf: %s: arrays nested deeper than %d",
			       c->what, MAX_DEPTH);
	if (rd_u32(c, &type) < 0 || rd_u64(c, &n) < 0)
		return -1;
	if (type >= GGUF_VTYPE_COUNT)
		return err_set(c->err, ERR_PARSE, "gguf: %s: unknown array element type %u",
			       c->what, type);
	a->type = type;
	a->n = n;
	a->data = c->p;
	if (vtype_size[type]) {
		if (n > left(c) / vtype_size[type])
			return err_set(c->err, ERR_PARSE,
				       "gguf: %s: array of %llu %s exceeds the %llu bytes left",
				       c->what, (unsigned long long)n, vtype_names[type],
				       (unsigned long long)left(c));
		c->p += n * vtype_size[type];
	} else {
		/* strings need >= 8 bytes each, nested arrays >= 12 */
		if (n > left(c) / 8)
			return err_set(c->err, ERR_PARSE,
				       "gguf: %s: array of %llu %s exceeds the %llu bytes left",
				       c->what, (unsigned long long)n, vtype_names[type],
				       (unsigned long long)left(c));
		for (i = 0; i < n; i++) {
			struct gguf_value v;

			if (rd_value(c, type, &v, depth + 1) < 0)
				return -1;
		}
	}
	a->size = (uint64_t)(c->p - a->data);
	return 0;
}

static int rd_value(struct cursor *c, uint32_t type, struct gguf_value *out, int depth)
{
	union {
		uint8_t u8;
		int8_t i8;
		uint16_t u16;
		int16_t i16;
		uint32_t u32;
		int32_t i32;
		float f32;
		uint64_t u64;
		int64_t i64;
		double f64;
	} x;

	if (type >= GGUF_VTYPE_COUNT)
		return err_set(c->err, ERR_PARSE, "gguf: %s: unknown value type %u", c->what, type);
	memset(out, 0, sizeof(*out));
	out->type = type;
	if (type == GGUF_STRING)
		return rd_str(c, &out->v.str);
	if (type == GGUF_ARRAY)
		return rd_array(c, &out->v.arr, depth);
	if (rd_bytes(c, &x, vtype_size[type]) < 0)
		return -1;
	switch (type) {
	case GGUF_U8: out->v.u = x.u8; break;
	case GGUF_I8: out->v.i = x.i8; break;
	case GGUF_U16: out->v.u = x.u16; break;
	case GGUF_I16: out->v.i = x.i16; break;
	case GGUF_U32: out->v.u = x.u32; break;
	case GGUF_I32: out->v.i = x.i32; break;
	case GGUF_F32: out->v.f = x.f32; break;
	case GGUF_U64: out->v.u = x.u64; break;
	case GGUF_I64: out->v.i = x.i64; break;
	case GGUF_F64: out->v.f = x.f64; break;
	case GGUF_BOOL:
		if (x.u8 > 1)
			return err_set(c->err, ERR_PARSE, "gguf: %s: bool value %u", c->what, x.u8);
		out->v.b = x.u8;
		break;
	default: break;
	}
	return 0;
}

/* Grow *arr (of elem-sized entries) to hold at least n + 1. */
static void *grow(void *arr, uint64_t n, uint64_t *cap, size_t elem)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(arr, (size_t)*cap * elem);
}

/* A word-at-a-time multiplicative hash: fast enough for a 3 MB header. */
static uint64_t hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;

	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	while (n--) {
		h = (h ^ *b++) * 0x100000001b3ull;
	}
	return h;
}

static void fingerprint(struct gguf *g)
{
	uint64_t h = 0xcbf29ce484222325ull, data = g->size - g->data_offset;
	int i;

	h = hash(h, g->base, (size_t)g->data_offset);
	h = hash(h, &g->size, sizeof(g->size));
	/* 64 samples of 64 bytes spread over the weights: catches weight edits
	 * that keep the header (fine-tunes saved under the same name). */
	if (data >= 64)
		for (i = 0; i < 64; i++)
			h = hash(h, g->base + g->data_offset + (data - 64) * (uint64_t)i / 63, 64);
	g->fingerprint = h;
}

static int parse_tensor(struct gguf *g, struct cursor *c, struct gguf_tensor *t,
			uint64_t *name_off, uint64_t *names_cap)
{
	struct gguf_str name;
	const struct gguf_type_info *ti;
	uint32_t n_dims, type, d;
	uint64_t off;

	c->what = "tensor name";
	if (rd_str(c, &name) < 0)
		return -1;
	if (name.len == 0 || name.len >= MAX_NAME || memchr(name.s, 0, name.len))
		return err_set(c->err, ERR_PARSE, "gguf: tensor %llu has a bad name",
			       (unsigned long long)g->n_tensors);
	c->what = "tensor info";
	if (rd_u32(c, &n_dims) < 0)
		return -1;
	if (n_dims < 1 || n_dims > GGUF_MAX_DIMS)
		return err_set(c->err, ERR_PARSE, "gguf: tensor %.*s has %u dimensions",
			       (int)name.len, name.s, n_dims);
	t->n_dims = n_dims;
	t->n_elem = 1;
	for (d = 0; d < GGUF_MAX_DIMS; d++) {
		t->ne[d] = 1;
		if (d < n_dims && rd_u64(c, &t->ne[d]) < 0)
			return -1;
		if (t->ne[d] == 0 || t->ne[d] > (uint64_t)INT64_MAX / t->n_elem)
			return err_set(c->err, ERR_PARSE, "gguf: tensor %.*s has a bad shape",
				       (int)name.len, name.s);
		t->n_elem *= t->ne[d];
	}
	if (rd_u32(c, &type) < 0 || rd_u64(c, &off) < 0)
		return -1;
	ti = gguf_type_info(type);
	if (!ti)
		return err_set(c->err, ERR_PARSE, "gguf: tensor %.*s has unknown type %u",
			       (int)name.len, name.s, type);
	if (t->ne[0] % ti->blck)
		return err_set(c->err, ERR_PARSE,
			       "gguf: tensor %.*s: row of %llu is not a multiple of the %s block %u",
			       (int)name.len, name.s, (unsigned long long)t->ne[0], ti->name,
			       ti->blck);
	t->type = type;
	t->size = t->n_elem / ti->blck * ti->size;
	t->offset = off; /* relative until the data section is known */
	/* names are copied; the pointer is fixed up once the buffer stops moving */
	if (*name_off + name.len + 1 > *names_cap) {
		while (*name_off + name.len + 1 > *names_cap)
			*names_cap = *names_cap ? *names_cap * 2 : 4096;
		g->names = xrealloc(g->names, (size_t)*names_cap);
	}
	memcpy(g->names + *name_off, name.s, name.len);
	g->names[*name_off + name.len] = '\0';
	t->name = (const char *)(uintptr_t)*name_off;
	*name_off += name.len + 1;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorting keeps this O(n log n) for files that claim many tensors. */
static int check_unique_names(struct gguf *g, struct err *err)
{
	const char **v;
	uint64_t i;
	int rc = 0;

	if (g->n_tensors < 2)
		return 0;
	v = xmallocarray((size_t)g->n_tensors, sizeof(*v));
	for (i = 0; i < g->n_tensors; i++)
		v[i] = g->tensors[i].name;
	qsort(v, (size_t)g->n_tensors, sizeof(*v), cmp_names);
	for (i = 1; i < g->n_tensors && !rc; i++)
		if (!strcmp(v[i - 1], v[i]))
			rc = err_set(err, ERR_PARSE, "gguf: duplicate tensor %s", v[i]);
	free(v);
	return rc;
}

static int parse(struct gguf *g, struct err *err)
{
	struct cursor c = {.p = g->base, .end = g->base + g->size, .what = "header", .err = err};
	uint32_t magic;
	uint64_t n_tensors, n_kv, i, kv_cap = 0, t_cap = 0, name_off = 0, names_cap = 0;

	if (rd_u32(&c, &magic) < 0)
		return err_set(err, ERR_PARSE, "gguf: file too short (%llu bytes)",
			       (unsigned long long)g->size);
	if (magic != GGUF_MAGIC)
		return err_set(err, ERR_PARSE, "gguf: not a GGUF file (bad magic)");
	if (rd_u32(&c, &g->version) < 0)
		return -1;
	if (g->version == 0x02000000u || g->version == 0x03000000u)
		return err_set(err, ERR_PARSE, "gguf: big-endian GGUF files are not supported");
	if (g->version != 2 && g->version != 3)
		return err_set(err, ERR_PARSE, "gguf: unsupported version %u (need 2 or 3)",
			       g->version);
	if (rd_u64(&c, &n_tensors) < 0 || rd_u64(&c, &n_kv) < 0)
		return -1;
	if (n_kv > MAX_KV || n_tensors > MAX_TENSORS)
		return err_set(err, ERR_LIMIT, "gguf: %llu keys and %llu tensors exceed the caps (%d, %d)",
			       (unsigned long long)n_kv, (unsigned long long)n_tensors, MAX_KV,
			       MAX_TENSORS);

	g->alignment = GGUF_DEFAULT_ALIGNMENT;
	for (i = 0; i < n_kv; i++) {
		struct gguf_kv *kv;
		uint32_t type;
		uint64_t j;

		c.what = "metadata key";
		g->kv = grow(g->kv, g->n_kv, &kv_cap, sizeof(*g->kv));
		kv = &g->kv[g->n_kv];
		if (rd_str(&c, &kv->key) < 0)
			return -1;
		for (j = 0; j < g->n_kv; j++)
			if (g->kv[j].key.len == kv->key.len &&
			    !memcmp(g->kv[j].key.s, kv->key.s, kv->key.len))
				return err_set(err, ERR_PARSE, "gguf: duplicate key %.*s",
					       (int)MIN(kv->key.len, 200), kv->key.s);
		snprintf(c.buf, sizeof(c.buf), "the value of %.*s", (int)MIN(kv->key.len, 100),
			 kv->key.s);
		c.what = c.buf;
		if (rd_u32(&c, &type) < 0 || rd_value(&c, type, &kv->val, 0) < 0)
			return -1;
		g->n_kv++;
		if (gguf_str_eq(kv->key, "general.alignment")) {
			if (type != GGUF_U32 || kv->val.v.u == 0 ||
			    (kv->val.v.u & (kv->val.v.u - 1)) || kv->val.v.u > MAX_ALIGNMENT)
				return err_set(err, ERR_PARSE,
					       "gguf: general.alignment must be a u32 power of two");
			g->alignment = kv->val.v.u;
		}
	}

	for (i = 0; i < n_tensors; i++) {
		g->tensors = grow(g->tensors, g->n_tensors, &t_cap, sizeof(*g->tensors));
		if (parse_tensor(g, &c, &g->tensors[g->n_tensors], &name_off, &names_cap) < 0)
			return -1;
		g->n_tensors++;
	}

	g->data_offset = (uint64_t)(c.p - g->base);
	g->data_offset = (g->data_offset + g->alignment - 1) / g->alignment * g->alignment;
	if (n_tensors && g->data_offset > g->size)
		return err_set(err, ERR_PARSE, "gguf: file truncated before the tensor data");

	for (i = 0; i < g->n_tensors; i++) {
		struct gguf_tensor *t = &g->tensors[i];

		t->name = g->names + (uintptr_t)t->name;
		if (t->offset % g->alignment)
			return err_set(err, ERR_PARSE, "gguf: tensor %s: offset %llu is not aligned to %llu",
				       t->name, (unsigned long long)t->offset,
				       (unsigned long long)g->alignment);
		if (t->offset > g->size - g->data_offset ||
		    t->size > g->size - g->data_offset - t->offset)
			return err_set(err, ERR_PARSE,
				       "gguf: tensor %s (%llu bytes at %llu) exceeds the file size %llu",
				       t->name, (unsigned long long)t->size,
				       (unsigned long long)(g->data_offset + t->offset),
				       (unsigned long long)g->size);
		t->offset += g->data_offset;
		t->data = g->base + t->offset;
	}
	if (check_unique_names(g, err) < 0)
		return -1;
	if (g->data_offset > g->size)
		g->data_offset = g->size;
	fingerprint(g);
	return 0;
}

struct gguf *gguf_open_mem(const void *data, size_t len, struct err *err)
{
	struct gguf *g = xcalloc(1, sizeof(*g));

	g->base = data;
	g->size = len;
	if (parse(g, err) < 0) {
		gguf_close(g);
		return NULL;
	}
	return g;
}

struct gguf *gguf_open(const char *path, struct err *err)
{
	struct gguf *g = NULL;
	struct stat st;
	void *map;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_errno(err, ERR_IO, "gguf: cannot open %s", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		err_errno(err, ERR_IO, "gguf: cannot stat %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, ERR_IO, "gguf: %s is not a regular file", path);
		goto out;
	}
	if (st.st_size < 24) {
		err_set(err, ERR_PARSE, "gguf: %s: file too short (%lld bytes)", path,
			(long long)st.st_size);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		err_errno(err, ERR_IO, "gguf: cannot map %s", path);
		goto out;
	}
	g = xcalloc(1, sizeof(*g));
	g->base = map;
	g->size = (uint64_t)st.st_size;
	g->mapped = true;
	if (parse(g, err) < 0) {
		err_prefix(err, "%s", path);
		gguf_close(g);
		g = NULL;
	}
out:
	close(fd);
	return g;
}

void gguf_close(struct gguf *g)
{
	if (!g)
		return;
	if (g->mapped)
		munmap((void *)g->base, (size_t)g->size);
	free(g->kv);
	free(g->tensors);
	free(g->names);
	free(g);
}

uint32_t gguf_version(const struct gguf *g)
{
	return g->version;
}

uint64_t gguf_alignment(const struct gguf *g)
{
	return g->alignment;
}

uint64_t gguf_data_offset(const struct gguf *g)
{
	return g->data_offset;
}

const void *gguf_base(const struct gguf *g)
{
	return g->base;
}

uint64_t gguf_file_size(const struct gguf *g)
{
	return g->size;
}

uint64_t gguf_fingerprint(const struct gguf *g)
{
	return g->fingerprint;
}

uint64_t gguf_n_kv(const struct gguf *g)
{
	return g->n_kv;
}

const struct gguf_kv *gguf_kv_at(const struct gguf *g, uint64_t i)
{
	return i < g->n_kv ? &g->kv[i] : NULL;
}

bool gguf_str_eq(struct gguf_str a, const char *s)
{
	size_t n = strlen(s);

	return a.len == n && !memcmp(a.s, s, n);
}

const struct gguf_kv *gguf_find(const struct gguf *g, const char *key)
{
	uint64_t i;

	for (i = 0; i < g->n_kv; i++)
		if (gguf_str_eq(g->kv[i].key, key))
			return &g->kv[i];
	return NULL;
}

static bool is_uint(enum gguf_vtype t)
{
	return t == GGUF_U8 || t == GGUF_U16 || t == GGUF_U32 || t == GGUF_U64;
}

static bool is_sint(enum gguf_vtype t)
{
	return t == GGUF_I8 || t == GGUF_I16 || t == GGUF_I32 || t == GGUF_I64;
}

bool gguf_get_int(const struct gguf *g, const char *key, int64_t *out)
{
	const struct gguf_kv *kv = gguf_find(g, key);

	if (!kv)
		return false;
	if (is_sint(kv->val.type)) {
		*out = kv->val.v.i;
		return true;
	}
	if (is_uint(kv->val.type) && kv->val.v.u <= (uint64_t)INT64_MAX) {
		*out = (int64_t)kv->val.v.u;
		return true;
	}
	return false;
}

bool gguf_get_uint(const struct gguf *g, const char *key, uint64_t *out)
{
	const struct gguf_kv *kv = gguf_find(g, key);

	if (!kv)
		return false;
	if (is_uint(kv->val.type)) {
		*out = kv->val.v.u;
		return true;
	}
	if (is_sint(kv->val.type) && kv->val.v.i >= 0) {
		*out = (uint64_t)kv->val.v.i;
		return true;
	}
	return false;
}

bool gguf_get_float(const struct gguf *g, const char *key, double *out)
{
	const struct gguf_kv *kv = gguf_find(g, key);

	if (!kv || (kv->val.type != GGUF_F32 && kv->val.type != GGUF_F64))
		return false;
	*out = kv->val.v.f;
	return true;
}

bool gguf_get_bool(const struct gguf *g, const char *key, bool *out)
{
	const struct gguf_kv *kv = gguf_find(g, key);

	if (!kv || kv->val.type != GGUF_BOOL)
		return false;
	*out = kv->val.v.b;
	return true;
}

bool gguf_get_str(const struct gguf *g, const char *key, struct gguf_str *out)
{
	const struct gguf_kv *kv = gguf_find(g, key);

	if (!kv || kv->val.type != GGUF_STRING)
		return false;
	*out = kv->val.v.str;
	return true;
}

int64_t gguf_get_strcpy(const struct gguf *g, const char *key, char *buf, size_t cap)
{
	struct gguf_str s;
	size_t n;

	if (!gguf_get_str(g, key, &s))
		return -1;
	if (cap) {
		n = s.len < cap - 1 ? (size_t)s.len : cap - 1;
		memcpy(buf, s.s, n);
		buf[n] = '\0';
	}
	return (int64_t)s.len;
}

bool gguf_get_arr(const struct gguf *g, const char *key, enum gguf_vtype elem,
		  struct gguf_arr *out)
{
	const struct gguf_kv *kv = gguf_find(g, key);

	if (!kv || kv->val.type != GGUF_ARRAY)
		return false;
	if (elem != GGUF_VTYPE_COUNT && kv->val.v.arr.type != elem)
		return false;
	*out = kv->val.v.arr;
	return true;
}

/* Decode element i of a validated array. Strings and nested arrays are
 * re-walked with a cursor; the array was validated at open, so the walk
 * cannot fail. */
void gguf_arr_elem(const struct gguf_arr *a, uint64_t i, struct gguf_value *out)
{
	struct cursor c = {.p = a->data, .end = a->data + a->size, .what = "array"};
	uint64_t k;

	memset(out, 0, sizeof(*out));
	out->type = a->type;
	if (i >= a->n)
		return;
	if (vtype_size[a->type]) {
		c.p += i * vtype_size[a->type];
		rd_value(&c, a->type, out, 0);
		return;
	}
	for (k = 0; k <= i; k++)
		if (rd_value(&c, a->type, out, 0) < 0)
			return;
}

int64_t gguf_arr_int(const struct gguf_arr *a, uint64_t i)
{
	struct gguf_value v;

	if (!vtype_size[a->type])
		return 0;
	gguf_arr_elem(a, i, &v);
	if (is_uint(a->type))
		return (int64_t)v.v.u;
	if (is_sint(a->type))
		return v.v.i;
	if (a->type == GGUF_BOOL)
		return v.v.b;
	/* float elements: truncated, out-of-range and NaN give 0 (no UB) */
	if (!(v.v.f > -9.2e18 && v.v.f < 9.2e18))
		return 0;
	return (int64_t)v.v.f;
}

float gguf_arr_f32(const struct gguf_arr *a, uint64_t i)
{
	struct gguf_value v;

	if (!vtype_size[a->type])
		return 0;
	gguf_arr_elem(a, i, &v);
	if (a->type == GGUF_F32 || a->type == GGUF_F64)
		return v.v.f > 3.4e38 ? INFINITY : v.v.f < -3.4e38 ? -INFINITY : (float)v.v.f;
	return (float)gguf_arr_int(a, i);
}

int gguf_arr_strs(const struct gguf_arr *a, struct gguf_str *out, struct err *err)
{
	struct cursor c = {.p = a->data, .end = a->data + a->size, .what = "array", .err = err};
	uint64_t i;

	if (a->type != GGUF_STRING)
		return err_set(err, ERR_USAGE, "gguf: array of %s is not a string array",
			       vtype_names[a->type]);
	for (i = 0; i < a->n; i++)
		if (rd_str(&c, &out[i]) < 0)
			return -1;
	return 0;
}

int gguf_arr_to_f32(const struct gguf_arr *a, float *out, struct err *err)
{
	uint64_t i;

	if (!vtype_size[a->type])
		return err_set(err, ERR_USAGE, "gguf: array of %s is not numeric",
			       vtype_names[a->type]);
	if (a->type == GGUF_F32) {
		memcpy(out, a->data, (size_t)a->n * 4);
		return 0;
	}
	for (i = 0; i < a->n; i++)
		out[i] = gguf_arr_f32(a, i);
	return 0;
}

int gguf_arr_to_i32(const struct gguf_arr *a, int32_t *out, struct err *err)
{
	uint64_t i;

	if (!vtype_size[a->type] || a->type == GGUF_F32 || a->type == GGUF_F64)
		return err_set(err, ERR_USAGE, "gguf: array of %s is not an integer array",
			       vtype_names[a->type]);
	if (a->type == GGUF_I32 || a->type == GGUF_U32) {
		memcpy(out, a->data, (size_t)a->n * 4);
		return 0;
	}
	for (i = 0; i < a->n; i++)
		out[i] = (int32_t)gguf_arr_int(a, i);
	return 0;
}

uint64_t gguf_n_tensors(const struct gguf *g)
{
	return g->n_tensors;
}

const struct gguf_tensor *gguf_tensor_at(const struct gguf *g, uint64_t i)
{
	return i < g->n_tensors ? &g->tensors[i] : NULL;
}

const struct gguf_tensor *gguf_find_tensor(const struct gguf *g, const char *name)
{
	uint64_t i;

	for (i = 0; i < g->n_tensors; i++)
		if (!strcmp(g->tensors[i].name, name))
			return &g->tensors[i];
	return NULL;
}

const struct gguf_type_info *gguf_type_info(uint32_t type)
{
	if (type >= GGUF_T_COUNT || !type_table[type].name)
		return NULL;
	return &type_table[type];
}

const char *gguf_type_name(uint32_t type)
{
	const struct gguf_type_info *ti = gguf_type_info(type);

	return ti ? ti->name : "?";
}

const char *gguf_vtype_name(uint32_t vtype)
{
	return vtype < GGUF_VTYPE_COUNT ? vtype_names[vtype] : "?";
}
