/* test_gguf.c: the GGUF reader and writer, on built images, the shared
 * fixtures, and truncated, lying and mutated files. */
#include "infer/gguf.h"
#include "infer/gguf_writer.h"
#include "t.h"

/* A file with every value type, nested arrays, three tensors and a
 * non-default alignment. The last tensor ends exactly at the end of the
 * file, so every strict prefix of the image is invalid. */
static void build_image(struct buf *img, uint32_t alignment)
{
	struct gguf_writer w;
	struct buf raw = BUF_INIT;
	static const uint8_t u8s[] = {1, 2, 255};
	static const int32_t i32s[] = {-1, 0, 7, 1 << 30};
	static const float f32s[] = {0.5f, -2.0f, 1e-6f};
	static const uint64_t u64s[] = {1, 1ull << 40};
	static const struct gguf_str strs[] = {{"a", 1}, {"", 0}, {"h\0llo", 5}};
	uint64_t ne_a[2] = {32, 3}, ne_b[1] = {256}, ne_c[3] = {2, 3, 4};
	uint64_t sz_a, sz_b, sz_c, i;
	uint32_t u32;
	uint64_t u64;
	uint8_t byte;
	int16_t i16 = -300;
	uint16_t u16 = 60000;
	double f64 = 3.25;
	int64_t i64 = -5000000000ll;
	int8_t i8 = -7;

	gguf_writer_init(&w, alignment);
	gguf_writer_add_str(&w, "general.architecture", "llama");
	byte = 200;
	gguf_writer_add_raw(&w, "t.u8", GGUF_U8, &byte, 1);
	gguf_writer_add_raw(&w, "t.i8", GGUF_I8, &i8, 1);
	gguf_writer_add_raw(&w, "t.u16", GGUF_U16, &u16, 2);
	gguf_writer_add_raw(&w, "t.i16", GGUF_I16, &i16, 2);
	gguf_writer_add_u32(&w, "t.u32", 4000000000u);
	gguf_writer_add_i32(&w, "t.i32", -42);
	gguf_writer_add_f32(&w, "t.f32", 1.5f);
	gguf_writer_add_bool(&w, "t.bool", true);
	gguf_writer_add_u64(&w, "t.u64", 1ull << 63);
	gguf_writer_add_raw(&w, "t.i64", GGUF_I64, &i64, 8);
	gguf_writer_add_raw(&w, "t.f64", GGUF_F64, &f64, 8);
	gguf_writer_add_arr(&w, "t.arr_u8", GGUF_U8, ARRAY_SIZE(u8s), u8s);
	gguf_writer_add_arr(&w, "t.arr_i32", GGUF_I32, ARRAY_SIZE(i32s), i32s);
	gguf_writer_add_arr(&w, "t.arr_f32", GGUF_F32, ARRAY_SIZE(f32s), f32s);
	gguf_writer_add_arr(&w, "t.arr_u64", GGUF_U64, ARRAY_SIZE(u64s), u64s);
	gguf_writer_add_arr(&w, "t.arr_empty", GGUF_I32, 0, NULL);
	gguf_writer_add_str_arr(&w, "t.arr_str", ARRAY_SIZE(strs), strs);
	/* [[1, 2], ["x", "yz"], []] : an array of arrays of mixed element types */
	u32 = GGUF_ARRAY;
	buf_add(&raw, &u32, 4);
	u64 = 3;
	buf_add(&raw, &u64, 8);
	u32 = GGUF_U32;
	buf_add(&raw, &u32, 4);
	u64 = 2;
	buf_add(&raw, &u64, 8);
	for (i = 1; i <= 2; i++) {
		u32 = (uint32_t)i;
		buf_add(&raw, &u32, 4);
	}
	u32 = GGUF_STRING;
	buf_add(&raw, &u32, 4);
	u64 = 2;
	buf_add(&raw, &u64, 8);
	gguf_writer_put_str(&raw, "x", 1);
	gguf_writer_put_str(&raw, "yz", 2);
	u32 = GGUF_F64;
	buf_add(&raw, &u32, 4);
	u64 = 0;
	buf_add(&raw, &u64, 8);
	gguf_writer_add_raw(&w, "t.nested", GGUF_ARRAY, raw.s, raw.len);
	buf_release(&raw);

	sz_a = gguf_writer_add_tensor(&w, "a.weight", GGUF_T_Q8_0, 2, ne_a, NULL);
	sz_b = gguf_writer_add_tensor(&w, "b.weight", GGUF_T_Q4_K, 1, ne_b, NULL);
	sz_c = gguf_writer_add_tensor(&w, "c", GGUF_T_F32, 3, ne_c, NULL);
	gguf_writer_header(&w, img);
	for (i = 0; i < sz_a; i++)
		buf_addch(img, (char)i);
	for (i = gguf_writer_pad(&w, sz_a); i > 0; i--)
		buf_addch(img, 0);
	for (i = 0; i < sz_b; i++)
		buf_addch(img, (char)(i * 7));
	for (i = gguf_writer_pad(&w, sz_b); i > 0; i--)
		buf_addch(img, 0);
	for (i = 0; i < sz_c; i += 4) {
		float f = (float)i;

		buf_add(img, &f, 4);
	}
	gguf_writer_release(&w);
}

TEST(gguf_reads_every_value_type)
{
	struct buf img = BUF_INIT;
	struct err err = {0};
	struct gguf *g;
	struct gguf_str s, strs[3];
	struct gguf_arr a;
	struct gguf_value v, inner;
	int64_t i;
	uint64_t u;
	double f;
	bool b;
	char name[8];
	float fl[3];
	int32_t i32[4];

	build_image(&img, 64);
	g = gguf_open_mem(img.s, img.len, &err);
	REQUIRE(g);
	CHECK_INT(gguf_version(g), 3);
	CHECK_INT(gguf_alignment(g), 64);
	CHECK_INT(gguf_data_offset(g) % 64, 0);
	CHECK(gguf_get_str(g, "general.architecture", &s) && gguf_str_eq(s, "llama"));
	CHECK_INT(gguf_get_strcpy(g, "general.architecture", name, 4), 5);
	CHECK_STR(name, "lla");
	CHECK(gguf_get_uint(g, "t.u8", &u) && u == 200);
	CHECK(gguf_get_int(g, "t.i8", &i) && i == -7);
	CHECK(gguf_get_uint(g, "t.u16", &u) && u == 60000);
	CHECK(gguf_get_int(g, "t.i16", &i) && i == -300);
	CHECK(gguf_get_int(g, "t.u32", &i) && i == 4000000000ll);
	CHECK(gguf_get_int(g, "t.i32", &i) && i == -42);
	CHECK(!gguf_get_uint(g, "t.i32", &u));
	CHECK(gguf_get_float(g, "t.f32", &f) && f == 1.5);
	CHECK(gguf_get_bool(g, "t.bool", &b) && b);
	CHECK(gguf_get_uint(g, "t.u64", &u) && u == 1ull << 63);
	CHECK(!gguf_get_int(g, "t.u64", &i)); /* does not fit an int64 */
	CHECK(gguf_get_int(g, "t.i64", &i) && i == -5000000000ll);
	CHECK(gguf_get_float(g, "t.f64", &f) && f == 3.25);
	CHECK(!gguf_get_float(g, "t.i32", &f));
	CHECK(!gguf_get_str(g, "t.i32", &s));
	CHECK(!gguf_get_int(g, "missing", &i));
	CHECK(gguf_find(g, "missing") == NULL);

	REQUIRE(gguf_get_arr(g, "t.arr_u8", GGUF_U8, &a));
	CHECK_INT(a.n, 3);
	CHECK_INT(gguf_arr_int(&a, 2), 255);
	CHECK(!gguf_get_arr(g, "t.arr_u8", GGUF_I32, &a));
	REQUIRE(gguf_get_arr(g, "t.arr_i32", GGUF_I32, &a));
	CHECK_INT(gguf_arr_int(&a, 0), -1);
	CHECK_INT(gguf_arr_int(&a, 3), 1 << 30);
	CHECK_INT(gguf_arr_int(&a, 4), 0); /* out of range */
	CHECK(gguf_arr_to_i32(&a, i32, &err) == 0 && i32[2] == 7);
	REQUIRE(gguf_get_arr(g, "t.arr_f32", GGUF_F32, &a));
	CHECK(gguf_arr_f32(&a, 1) == -2.0f);
	CHECK(gguf_arr_to_f32(&a, fl, &err) == 0 && fl[2] == 1e-6f);
	CHECK(gguf_arr_to_i32(&a, i32, &err) < 0);
	REQUIRE(gguf_get_arr(g, "t.arr_u64", GGUF_VTYPE_COUNT, &a));
	CHECK_INT(gguf_arr_int(&a, 1), 1ll << 40);
	REQUIRE(gguf_get_arr(g, "t.arr_empty", GGUF_I32, &a));
	CHECK_INT(a.n, 0);
	REQUIRE(gguf_get_arr(g, "t.arr_str", GGUF_STRING, &a));
	REQUIRE(gguf_arr_strs(&a, strs, &err) == 0);
	CHECK(gguf_str_eq(strs[0], "a"));
	CHECK_INT(strs[1].len, 0);
	CHECK(strs[2].len == 5 && !memcmp(strs[2].s, "h\0llo", 5));
	gguf_arr_elem(&a, 2, &v);
	CHECK(v.type == GGUF_STRING && v.v.str.len == 5);

	REQUIRE(gguf_get_arr(g, "t.nested", GGUF_ARRAY, &a));
	CHECK_INT(a.n, 3);
	gguf_arr_elem(&a, 0, &v);
	CHECK(v.type == GGUF_ARRAY && v.v.arr.type == GGUF_U32 && v.v.arr.n == 2);
	CHECK_INT(gguf_arr_int(&v.v.arr, 1), 2);
	gguf_arr_elem(&a, 1, &v);
	REQUIRE(v.type == GGUF_ARRAY && v.v.arr.type == GGUF_STRING);
	gguf_arr_elem(&v.v.arr, 1, &inner);
	CHECK(gguf_str_eq(inner.v.str, "yz"));
	gguf_arr_elem(&a, 2, &v);
	CHECK(v.v.arr.type == GGUF_F64 && v.v.arr.n == 0);

	CHECK_INT(gguf_n_tensors(g), 3);
	{
		const struct gguf_tensor *t = gguf_find_tensor(g, "a.weight");

		REQUIRE(t);
		CHECK_INT(t->type, GGUF_T_Q8_0);
		CHECK_INT(t->n_dims, 2);
		CHECK_INT(t->ne[1], 3);
		CHECK_INT(t->ne[2], 1);
		CHECK_INT(t->n_elem, 96);
		CHECK_INT(t->size, 3 * 34);
		CHECK_INT(t->offset % 64, 0);
		CHECK(((const uint8_t *)t->data)[5] == 5);
		t = gguf_find_tensor(g, "b.weight");
		REQUIRE(t);
		CHECK_INT(t->size, 144);
		CHECK(((const uint8_t *)t->data)[3] == 21);
		t = gguf_find_tensor(g, "c");
		REQUIRE(t);
		CHECK_INT(t->n_elem, 24);
		CHECK(t->offset + t->size == img.len);
		CHECK(((const float *)t->data)[1] == 4.0f);
		CHECK(gguf_find_tensor(g, "d") == NULL);
	}
	CHECK_STR(gguf_type_name(GGUF_T_Q6_K), "q6_K");
	CHECK_STR(gguf_type_name(4), "?");
	gguf_close(g);
	buf_release(&img);
}

TEST(gguf_every_truncation_fails_cleanly)
{
	struct buf img = BUF_INIT;
	struct err err;
	size_t n;

	build_image(&img, 32);
	for (n = 0; n < img.len; n++) {
		/* a fresh heap copy, so ASan catches any read past the end */
		char *copy = xmalloc(n ? n : 1);
		struct gguf *g;

		memcpy(copy, img.s, n);
		err_clear(&err);
		g = gguf_open_mem(copy, n, &err);
		if (g) {
			t_fail(__FILE__, __LINE__, "prefix of %zu/%zu bytes accepted", n, img.len);
			gguf_close(g);
		} else if (err.code != ERR_PARSE || strncmp(err.msg, "gguf: ", 6)) {
			t_fail(__FILE__, __LINE__, "prefix %zu: code %d msg %s", n, err.code,
			       err.msg);
		}
		free(copy);
	}
	buf_release(&img);
}

/* Patch bytes at the position of a marker found in the image. */
static size_t find(const struct buf *img, const void *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= img->len; i++)
		if (!memcmp(img->s + i, needle, n))
			return i;
	return (size_t)-1;
}

static void expect_error(const struct buf *img, const char *what)
{
	struct err err = {0};
	char *copy = xmalloc(img->len);
	struct gguf *g;

	memcpy(copy, img->s, img->len);
	g = gguf_open_mem(copy, img->len, &err);
	if (g) {
		t_fail(__FILE__, __LINE__, "lying file accepted: %s", what);
		gguf_close(g);
	} else if (!strstr(err.msg, what)) {
		t_fail(__FILE__, __LINE__, "expected \"%s\" in \"%s\"", what, err.msg);
	}
	free(copy);
}

TEST(gguf_rejects_lying_files)
{
	struct buf img = BUF_INIT;
	uint64_t u64;
	uint32_t u32;
	size_t at;

	build_image(&img, 32);
	/* header fields */
	img.s[0] = 'X';
	expect_error(&img, "bad magic");
	img.s[0] = 'G';
	u32 = 1;
	memcpy(img.s + 4, &u32, 4);
	expect_error(&img, "unsupported version 1");
	u32 = 0x03000000u;
	memcpy(img.s + 4, &u32, 4);
	expect_error(&img, "big-endian");
	u32 = 3;
	memcpy(img.s + 4, &u32, 4);
	u64 = 1ull << 40;
	memcpy(img.s + 8, &u64, 8);
	expect_error(&img, "exceed the caps");
	u64 = 3;
	memcpy(img.s + 8, &u64, 8);

	/* a string that claims more bytes than are left */
	at = find(&img, "llama", 5) - 8;
	u64 = 1ull << 50;
	memcpy(img.s + at, &u64, 8);
	expect_error(&img, "string length");
	u64 = 5;
	memcpy(img.s + at, &u64, 8);

	/* an array that claims too many elements */
	at = find(&img, "t.arr_i32", 9) + 9 + 4 + 4;
	memcpy(&u64, img.s + at, 8);
	CHECK_INT(u64, 4);
	u64 = 1ull << 62;
	memcpy(img.s + at, &u64, 8);
	expect_error(&img, "array of");
	u64 = 4;
	memcpy(img.s + at, &u64, 8);

	/* an unknown value type */
	at = find(&img, "t.f64", 5) + 5;
	u32 = 13;
	memcpy(img.s + at, &u32, 4);
	expect_error(&img, "unknown value type");
	u32 = GGUF_F64;
	memcpy(img.s + at, &u32, 4);

	/* a bool that is neither 0 nor 1 */
	at = find(&img, "t.bool", 6) + 6 + 4;
	img.s[at] = 2;
	expect_error(&img, "bool value");
	img.s[at] = 1;

	/* tensor descriptors: name, n_dims, ne, type, offset */
	at = find(&img, "a.weight", 8) + 8;
	u32 = 5;
	memcpy(img.s + at, &u32, 4);
	expect_error(&img, "5 dimensions");
	u32 = 2;
	memcpy(img.s + at, &u32, 4);
	u64 = 33;
	memcpy(img.s + at + 4, &u64, 8);
	expect_error(&img, "not a multiple");
	u64 = 0;
	memcpy(img.s + at + 4, &u64, 8);
	expect_error(&img, "bad shape");
	u64 = 1ull << 62;
	memcpy(img.s + at + 4, &u64, 8);
	memcpy(img.s + at + 12, &u64, 8);
	expect_error(&img, "bad shape");
	u64 = 32;
	memcpy(img.s + at + 4, &u64, 8);
	u64 = 3;
	memcpy(img.s + at + 12, &u64, 8);
	u32 = 4; /* a removed ggml type id */
	memcpy(img.s + at + 20, &u32, 4);
	expect_error(&img, "unknown type 4");
	u32 = GGUF_T_Q8_0;
	memcpy(img.s + at + 20, &u32, 4);
	memcpy(&u64, img.s + at + 24, 8);
	CHECK_INT(u64, 0);
	u64 = 8;
	memcpy(img.s + at + 24, &u64, 8);
	expect_error(&img, "not aligned");
	u64 = 1ull << 20;
	memcpy(img.s + at + 24, &u64, 8);
	expect_error(&img, "exceeds the file size");
	u64 = ~0ull - 31;
	memcpy(img.s + at + 24, &u64, 8);
	expect_error(&img, "exceeds the file size");
	u64 = 0;
	memcpy(img.s + at + 24, &u64, 8);

	/* duplicate names */
	at = find(&img, "b.weight", 8);
	img.s[at] = 'a';
	expect_error(&img, "duplicate tensor a.weight");
	img.s[at] = 'b';
	at = find(&img, "t.u16", 5);
	img.s[at + 2] = 'i';
	expect_error(&img, "duplicate key t.i16");
	img.s[at + 2] = 'u';
	buf_release(&img);
}

TEST(gguf_rejects_bad_alignment_and_deep_nesting)
{
	struct gguf_writer w;
	struct buf img = BUF_INIT, raw = BUF_INIT;
	uint32_t u32;
	uint64_t one = 1;
	int d;

	gguf_writer_init(&w, 0);
	gguf_writer_add_u32(&w, "general.alignment", 48);
	gguf_writer_header(&w, &img);
	expect_error(&img, "power of two");
	gguf_writer_release(&w);
	buf_reset(&img);

	for (d = 0; d < 12; d++) {
		u32 = GGUF_ARRAY;
		buf_add(&raw, &u32, 4);
		buf_add(&raw, &one, 8);
	}
	u32 = GGUF_U8;
	buf_add(&raw, &u32, 4);
	buf_add(&raw, &one, 8);
	buf_addch(&raw, 1);
	gguf_writer_init(&w, 0);
	gguf_writer_add_raw(&w, "deep", GGUF_ARRAY, raw.s, raw.len);
	gguf_writer_header(&w, &img);
	expect_error(&img, "nested deeper");
	gguf_writer_release(&w);
	buf_release(&img);
	buf_release(&raw);
}

/* Random mutations of a valid image: each is accepted or rejected with an
 * error, never a crash (ASan build) and never an out-of-range tensor. */
TEST(gguf_survives_mutations)
{
	struct buf img = BUF_INIT;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	int round, k;

	build_image(&img, 32);
	for (round = 0; round < 3000; round++) {
		char *copy = xmalloc(img.len);
		struct gguf *g;
		struct err err;

		memcpy(copy, img.s, img.len);
		for (k = 0; k < 1 + round % 4; k++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			copy[(rng >> 8) % img.len] = (char)(rng >> 40);
		}
		g = gguf_open_mem(copy, img.len, &err);
		if (g) {
			uint64_t i;

			for (i = 0; i < gguf_n_tensors(g); i++) {
				const struct gguf_tensor *t = gguf_tensor_at(g, i);

				CHECK(t->offset + t->size <= img.len);
			}
			for (i = 0; i < gguf_n_kv(g); i++) {
				const struct gguf_kv *kv = gguf_kv_at(g, i);
				struct gguf_value v;

				if (kv->val.type == GGUF_ARRAY && kv->val.v.arr.n)
					gguf_arr_elem(&kv->val.v.arr, kv->val.v.arr.n - 1, &v);
			}
			gguf_close(g);
		}
		free(copy);
	}
	buf_release(&img);
}

TEST(gguf_opens_fixture_models)
{
	static const char *const names[] = {"tiny-llama-q4_k_m", "tiny-qwen2-f32",
					    "tiny-qwen2-bf16", "tiny-llama-q5_1"};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(names); k++) {
		char rel[128];
		struct err err = {0};
		struct gguf *g;
		struct gguf_arr a;
		struct gguf_str s, *toks;
		const struct gguf_tensor *t;
		uint64_t u;

		snprintf(rel, sizeof(rel), "fixtures/models/%s.gguf", names[k]);
		g = gguf_open(t_shared(rel), &err);
		if (!g) {
			t_fail(__FILE__, __LINE__, "%s: %s", rel, err.msg);
			continue;
		}
		CHECK(gguf_get_str(g, "general.architecture", &s));
		CHECK(gguf_str_eq(s, k == 0 || k == 3 ? "llama" : "qwen2"));
		REQUIRE(gguf_get_arr(g, "tokenizer.ggml.tokens", GGUF_STRING, &a));
		CHECK_INT(a.n, 1024);
		toks = xmallocarray((size_t)a.n, sizeof(*toks));
		CHECK(gguf_arr_strs(&a, toks, &err) == 0);
		CHECK(gguf_str_eq(toks[1021], "<|endoftext|>"));
		CHECK(gguf_str_eq(toks[1023], "<|im_end|>"));
		free(toks);
		CHECK(gguf_get_uint(g, "tokenizer.ggml.bos_token_id", &u) && u == 1022);
		CHECK(gguf_get_str(g, "tokenizer.chat_template", &s) && s.len > 0);
		CHECK(gguf_get_arr(g, "tokenizer.ggml.merges", GGUF_STRING, &a) && a.n > 0);
		t = gguf_find_tensor(g, "token_embd.weight");
		REQUIRE(t);
		CHECK_INT(t->ne[0], 256);
		CHECK_INT(t->ne[1], 1024);
		CHECK(gguf_find_tensor(g, "blk.1.ffn_down.weight") != NULL);
		gguf_close(g);
	}
}

TEST(gguf_open_reports_missing_and_short_files)
{
	struct err err = {0};
	char path[512];
	FILE *f;

	CHECK(gguf_open("/nonexistent/x.gguf", &err) == NULL);
	CHECK_INT(err.code, ERR_IO);
	CHECK(gguf_open(t_tmpdir(), &err) == NULL);
	snprintf(path, sizeof(path), "%s/short.gguf", t_tmpdir());
	f = fopen(path, "wb");
	REQUIRE(f);
	fputs("GGUF", f);
	fclose(f);
	CHECK(gguf_open(path, &err) == NULL);
	CHECK_INT(err.code, ERR_PARSE);
}

TEST(gguf_fingerprint_sees_header_and_weights)
{
	struct buf img = BUF_INIT;
	struct gguf *g;
	uint64_t a, b, c;

	build_image(&img, 32);
	g = gguf_open_mem(img.s, img.len, NULL);
	REQUIRE(g);
	a = gguf_fingerprint(g);
	gguf_close(g);
	img.s[find(&img, "llama", 5)] = 'L';
	g = gguf_open_mem(img.s, img.len, NULL);
	REQUIRE(g);
	b = gguf_fingerprint(g);
	gguf_close(g);
	img.s[img.len - 1] ^= 1; /* the last weight byte is always sampled */
	g = gguf_open_mem(img.s, img.len, NULL);
	REQUIRE(g);
	c = gguf_fingerprint(g);
	gguf_close(g);
	CHECK(a != b);
	CHECK(b != c);
	buf_release(&img);
}
