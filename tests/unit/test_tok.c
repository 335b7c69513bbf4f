/*
 * test_tok.c: the tokenizers on small hand-made vocabularies, where every
 * expected id can be worked out by hand: BPE merge order, SentencePiece
 * scores and byte fallback, special tokens in both parsing modes, decoding,
 * streaming, and the errors malformed vocabularies and inputs give.
 */
#include "infer/gguf.h"
#include "infer/gguf_writer.h"
#include "infer/tok.h"
#include "t.h"

#include "buf.h"
#include "log.h"

#include <math.h>
#include <stdarg.h>

/* GPT-2's character for byte b, UTF-8 encoded into out (NUL-terminated). */
static void gpt2_text(unsigned b, char out[4])
{
	unsigned cp = b;

	if (b <= 0x20)
		cp = 0x100 + b;
	else if (b >= 0x7F && b <= 0xA0)
		cp = 0x100 + 33 + (b - 0x7F);
	else if (b == 0xAD)
		cp = 0x100 + 67;
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = 0;
	} else {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		out[2] = 0;
	}
}

/*
 * The BPE test vocabulary: ids 0-255 are the bytes (id b is byte b), then
 * the tokens below. "Ġ" is GPT-2's character for a space.
 */
enum {
	HE = 256, LL, HELL, HELLO, GW, OR, GWOR, GWORL, GWORLD, BC, AB, AA, ABC,
	CTL, CTL_X, USER, IM_END, N_BPE
};

static const char *const bpe_extra[] = {
	"he", "ll", "hell", "hello", "\xc4\xa0w", "or", "\xc4\xa0wor", "\xc4\xa0worl",
	"\xc4\xa0world", "bc", "ab", "aa", "abc", "<|ctl|>", "<|ctl|>x", "<u>", "<|im_end|>",
};

/* Rank is the index. "x y" makes no token, "a b" comes twice (the first
 * rank counts) and "bogus" is not a pair: none of them may matter. */
static const char *const bpe_merges[] = {
	"h e", "l l", "he ll", "hell o", "\xc4\xa0 w", "o r", "\xc4\xa0w or", "\xc4\xa0wor l",
	"\xc4\xa0worl d", "b c", "a b", "a a", "x y", "a b", "bogus", "q z",
};

static struct tok *bpe_vocab(enum tok_pre pre, unsigned flags_add_bos)
{
	static char bytes[256][4];
	struct tok_str tokens[N_BPE], merges[ARRAY_SIZE(bpe_merges)];
	int32_t types[N_BPE];
	struct tok_desc d;
	struct err err;
	struct tok *t;
	unsigned i;

	for (i = 0; i < 256; i++) {
		gpt2_text(i, bytes[i]);
		tokens[i] = (struct tok_str){bytes[i], strlen(bytes[i])};
	}
	for (i = 256; i < N_BPE; i++)
		tokens[i] = (struct tok_str){bpe_extra[i - 256], strlen(bpe_extra[i - 256])};
	for (i = 0; i < N_BPE; i++)
		types[i] = TOK_TYPE_NORMAL;
	types[CTL] = types[CTL_X] = types[IM_END] = TOK_TYPE_CONTROL;
	types[USER] = TOK_TYPE_USER_DEFINED;
	for (i = 0; i < ARRAY_SIZE(bpe_merges); i++)
		merges[i] = (struct tok_str){bpe_merges[i], strlen(bpe_merges[i])};

	tok_desc_init(&d, TOK_MODEL_BPE, pre);
	d.n_tokens = N_BPE;
	d.tokens = tokens;
	d.types = types;
	d.n_merges = ARRAY_SIZE(merges);
	d.merges = merges;
	d.bos = CTL;
	d.add_bos = flags_add_bos != 0;
	t = tok_new(&d, &err);
	if (!t)
		t_fail(__FILE__, __LINE__, "tok_new: %s", err.msg);
	return t;
}

/* Encode text (NUL-terminated) and compare with the ids that follow,
 * ending with -1. */
static void check_ids(const struct tok *t, const char *text, unsigned flags, int line, ...)
{
	struct tok_ids ids = {0};
	struct buf want = BUF_INIT, got = BUF_INIT;
	struct err err;
	va_list ap;
	int32_t id;
	size_t i;

	va_start(ap, line);
	while ((id = va_arg(ap, int32_t)) != -1)
		buf_addf(&want, " %d", id);
	va_end(ap);
	if (tok_encode(t, text, strlen(text), flags, &ids, &err)) {
		t_fail(__FILE__, line, "'%s': %s", text, err.msg);
		return;
	}
	for (i = 0; i < ids.n; i++)
		buf_addf(&got, " %d", ids.v[i]);
	if (strcmp(buf_str(&want), buf_str(&got)) != 0)
		t_fail(__FILE__, line, "'%s': want%s, got%s", text, buf_str(&want), buf_str(&got));
	buf_release(&want);
	buf_release(&got);
	tok_ids_release(&ids);
}

#define IDS(t, text, flags, ...) check_ids(t, text, flags, __LINE__, __VA_ARGS__, -1)

/* A tok_part of a string literal. */
#define PART(lit, special) {lit, sizeof(lit) - 1, special}

/* decode(encode(text)) == text, for text[0..len). */
static void check_roundtrip(const struct tok *t, const char *text, size_t len, unsigned enc,
			    unsigned dec, int line)
{
	struct tok_ids ids = {0};
	struct buf out = BUF_INIT;
	struct err err;

	if (tok_encode(t, text, len, enc, &ids, &err) ||
	    tok_decode(t, ids.v, ids.n, dec, &out, &err))
		t_fail(__FILE__, line, "%s", err.msg);
	else if (out.len != len || memcmp(buf_str(&out), text, len) != 0)
		t_fail(__FILE__, line, "'%.*s' decodes to '%s'", (int)len, text, buf_str(&out));
	buf_release(&out);
	tok_ids_release(&ids);
}

#define ROUNDTRIP(t, text, len, enc, dec) check_roundtrip(t, text, len, enc, dec, __LINE__)

TEST(tok_bpe_merges_lowest_rank_first)
{
	struct tok *t = bpe_vocab(TOK_PRE_GPT2, 0);

	REQUIRE(t);
	IDS(t, "hello world", 0, HELLO, GWORLD);
	IDS(t, "hell", 0, HELL);
	/* "b c" (rank 9) goes before "a b" (rank 10): a + bc, not ab + c. */
	IDS(t, "abc", 0, 'a', BC);
	IDS(t, "ab", 0, AB);
	/* Equal ranks: the leftmost pair first. */
	IDS(t, "aaa", 0, AA, 'a');
	IDS(t, "aaaa", 0, AA, AA);
	/* "x y" is a merge, but "xy" is no token: it never applies. */
	IDS(t, "xy", 0, 'x', 'y');
	/* Words are merged apart: no merge crosses " ". */
	IDS(t, "he llo", 0, HE, ' ', LL, 'o');
	IDS(t, "", 0, -1);
	tok_free(t);
}

/* Llama 3 (ignore_merges): a word that is a token is taken whole. */
TEST(tok_bpe_ignore_merges)
{
	struct tok *t = bpe_vocab(TOK_PRE_LLAMA3, 0);
	struct tok *g = bpe_vocab(TOK_PRE_GPT2, 0);

	REQUIRE(t && g);
	IDS(t, "abc", 0, ABC);
	IDS(g, "abc", 0, 'a', BC);
	IDS(t, "abcab", 0, 'a', BC, AB); /* not a token: merged as usual */
	tok_free(t);
	tok_free(g);
}

TEST(tok_bpe_bytes_roundtrip)
{
	struct tok *t = bpe_vocab(TOK_PRE_GPT2, 0);
	char all[256], mixed[] = "caf\xc3\xa9 \xe2\x82\xac\xff\xfe\x80 \xf0\x9f\x9a\x80\x00 end\r\n\t";
	unsigned i;

	REQUIRE(t);
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	ROUNDTRIP(t, all, sizeof(all), 0, 0);
	ROUNDTRIP(t, mixed, sizeof(mixed) - 1, 0, 0);
	/* Every byte alone is its own byte token. */
	for (i = 0; i < 256; i++) {
		struct tok_ids ids = {0};
		struct err err;
		char c = (char)i;

		REQUIRE(tok_encode(t, &c, 1, 0, &ids, &err) == 0);
		CHECK(ids.n == 1 && ids.v[0] == (int32_t)i);
		tok_ids_release(&ids);
	}
	tok_free(t);
}

TEST(tok_specials_parsed_only_when_asked)
{
	struct tok *t = bpe_vocab(TOK_PRE_GPT2, 0);
	struct tok_ids ids = {0};
	struct err err;
	size_t i;

	REQUIRE(t);
	IDS(t, "he<|ctl|>ll", TOK_ENC_SPECIAL, HE, CTL, LL);
	IDS(t, "<|ctl|><|ctl|>", TOK_ENC_SPECIAL, CTL, CTL);
	/* The longest special wins where two start at one place. */
	IDS(t, "<|ctl|>x", TOK_ENC_SPECIAL, CTL_X);
	IDS(t, "<|ctl|>xx", TOK_ENC_SPECIAL, CTL_X, 'x');
	/* User-defined tokens are cut out in both modes. */
	IDS(t, "he<u>ll", 0, HE, USER, LL);
	IDS(t, "he<u>ll", TOK_ENC_SPECIAL, HE, USER, LL);

	/* Without TOK_ENC_SPECIAL no control token can come out of text. */
	REQUIRE(tok_encode(t, "<|ctl|>x<|im_end|>", 18, 0, &ids, &err) == 0);
	for (i = 0; i < ids.n; i++)
		CHECK(tok_type(t, ids.v[i]) == TOK_TYPE_NORMAL);
	tok_ids_release(&ids);
	ROUNDTRIP(t, "a<|ctl|>b<u>c<|im_end|>", 23, 0, 0);
	ROUNDTRIP(t, "a<|ctl|>b<u>c<|im_end|>", 23, TOK_ENC_SPECIAL, TOK_DEC_SPECIAL);
	tok_free(t);
}

TEST(tok_add_special)
{
	struct tok *t = bpe_vocab(TOK_PRE_GPT2, 1);
	struct tok *n = bpe_vocab(TOK_PRE_GPT2, 0);

	REQUIRE(t && n);
	CHECK(tok_add_bos(t));
	IDS(t, "hell", TOK_ENC_ADD_SPECIAL, CTL, HELL);
	IDS(t, "hell", 0, HELL);
	IDS(n, "hell", TOK_ENC_ADD_SPECIAL, HELL);
	tok_free(t);
	tok_free(n);
}

TEST(tok_decode_and_pieces)
{
	struct tok *t = bpe_vocab(TOK_PRE_GPT2, 0);
	int32_t ids[] = {HELLO, CTL, GWORLD, USER, 0xE2, 0x82, 0xAC};
	struct buf out = BUF_INIT;
	struct err err;
	char small[3];

	REQUIRE(t);
	REQUIRE(tok_decode(t, ids, ARRAY_SIZE(ids), 0, &out, &err) == 0);
	CHECK_STR(buf_str(&out), "hello world<u>\xe2\x82\xac");
	buf_reset(&out);
	REQUIRE(tok_decode(t, ids, ARRAY_SIZE(ids), TOK_DEC_SPECIAL, &out, &err) == 0);
	CHECK_STR(buf_str(&out), "hello<|ctl|> world<u>\xe2\x82\xac");

	/* tok_piece: snprintf-like, with the full length returned. */
	CHECK_INT(tok_piece(t, GWORLD, small, sizeof(small)), 6);
	CHECK(memcmp(small, " wo", 3) == 0);
	CHECK_INT(tok_piece(t, ' ', small, sizeof(small)), 1);
	CHECK(small[0] == ' ');
	CHECK_INT(tok_piece(t, N_BPE, small, sizeof(small)), 0);
	CHECK_INT(tok_piece(t, -1, small, sizeof(small)), 0);

	ids[1] = N_BPE;
	buf_reset(&out);
	CHECK(tok_decode(t, ids, 2, 0, &out, &err) == -1);
	CHECK_INT(err.code, ERR_PARSE);
	buf_release(&out);
	tok_free(t);
}

TEST(tok_vocabulary_accessors)
{
	struct tok *t = bpe_vocab(TOK_PRE_QWEN2, 0);
	size_t len;
	const char *s;

	REQUIRE(t);
	CHECK_INT(tok_n_vocab(t), N_BPE);
	CHECK_INT(tok_model(t), TOK_MODEL_BPE);
	CHECK_INT(tok_pre(t), TOK_PRE_QWEN2);
	CHECK_INT(tok_find(t, "hello", 5), HELLO);
	CHECK_INT(tok_find(t, "hellx", 5), TOK_NONE);
	CHECK_INT(tok_find(t, "", 0), TOK_NONE);
	s = tok_text(t, GW, &len);
	CHECK(len == 3 && memcmp(s, "\xc4\xa0w", 3) == 0);
	CHECK(tok_text(t, N_BPE, &len) == NULL);
	CHECK_INT(tok_type(t, USER), TOK_TYPE_USER_DEFINED);
	CHECK_INT(tok_type(t, N_BPE), TOK_TYPE_UNDEFINED);
	CHECK(tok_is_control(t, CTL));
	CHECK(!tok_is_control(t, USER));
	/* <|im_end|> is the end of a turn, found by its text. */
	CHECK_INT(tok_eot(t), IM_END);
	CHECK(tok_is_eog(t, IM_END));
	CHECK(!tok_is_eog(t, CTL));
	CHECK(!tok_is_eog(t, -5));
	CHECK_INT(tok_eos(t), TOK_NONE);
	CHECK_INT(tok_unk(t), TOK_NONE);
	tok_free(t);
}

/* A stream of byte tokens that split characters: nothing half-printed, and
 * all bytes out in the end. */
TEST(tok_stream_holds_partial_utf8)
{
	struct tok *t = bpe_vocab(TOK_PRE_GPT2, 0);
	struct tok_stream s;
	struct buf out = BUF_INIT;

	REQUIRE(t);
	tok_stream_init(&s, 0);
	CHECK_INT(tok_stream_push(&s, t, 'a', &out), 1);
	CHECK_INT(tok_stream_push(&s, t, 0xE2, &out), 0);
	CHECK_INT(tok_stream_push(&s, t, 0x82, &out), 0);
	CHECK_STR(buf_str(&out), "a");
	CHECK_INT(tok_stream_push(&s, t, 0xAC, &out), 3);
	CHECK_STR(buf_str(&out), "a\xe2\x82\xac");
	/* A sequence the next byte breaks is written as it is. */
	CHECK_INT(tok_stream_push(&s, t, 0xF0, &out), 0);
	CHECK_INT(tok_stream_push(&s, t, HELLO, &out), 6);
	CHECK_STR(buf_str(&out), "a\xe2\x82\xac\xf0hello");
	/* Control tokens are left out unless asked for. */
	CHECK_INT(tok_stream_push(&s, t, CTL, &out), 0);
	CHECK_INT(tok_stream_push(&s, t, USER, &out), 3);
	CHECK_INT(tok_stream_push(&s, t, 0xC3, &out), 0);
	CHECK_INT(tok_stream_flush(&s, &out), 1);
	CHECK_INT(tok_stream_flush(&s, &out), 0);
	CHECK_STR(buf_str(&out), "a\xe2\x82\xac\xf0hello<u>\xc3");
	CHECK_INT(tok_stream_push(&s, t, N_BPE, &out), 0);

	buf_reset(&out);
	tok_stream_init(&s, TOK_DEC_SPECIAL);
	CHECK_INT(tok_stream_push(&s, t, CTL, &out), 7);
	CHECK_STR(buf_str(&out), "<|ctl|>");

	CHECK_INT(tok_utf8_incomplete("ab\xe2\x82", 4), 2);
	buf_release(&out);
	tok_free(t);
}

/*
 * The SentencePiece test vocabulary: <unk>, <s>, </s>, the 256 byte tokens,
 * then pieces with scores chosen so that the merge order shows.
 */
enum { UNK, BOS, EOS, BYTE0, SP_SPACE = BYTE0 + 256, SP_A, SP_B, SP_C, SP_AB, SP_BC, SP_SA,
       SP_SAB, SP_AA, SP_USER, N_SPM };

static struct tok *spm_vocab(bool space_prefix, bool nan_score)
{
	static char bytes[256][8];
	static const char *const extra[] = {
		"\xe2\x96\x81", "a", "b", "c", "ab", "bc", "\xe2\x96\x81" "a", "\xe2\x96\x81" "ab",
		"aa", "<u>",
	};
	static const float extra_scores[] = {-1.0f, -2.0f, -2.0f, -2.0f, -1.5f, -1.0f, -0.5f,
					     -0.2f, -1.0f, 0.0f};
	struct tok_str tokens[N_SPM];
	float scores[N_SPM];
	int32_t types[N_SPM];
	struct tok_desc d;
	struct err err;
	struct tok *t;
	unsigned i;

	tokens[UNK] = (struct tok_str){"<unk>", 5};
	tokens[BOS] = (struct tok_str){"<s>", 3};
	tokens[EOS] = (struct tok_str){"</s>", 4};
	types[UNK] = TOK_TYPE_UNKNOWN;
	types[BOS] = types[EOS] = TOK_TYPE_CONTROL;
	scores[UNK] = scores[BOS] = scores[EOS] = 0.0f;
	for (i = 0; i < 256; i++) {
		snprintf(bytes[i], sizeof(bytes[i]), "<0x%02X>", i);
		tokens[BYTE0 + i] = (struct tok_str){bytes[i], 6};
		types[BYTE0 + i] = TOK_TYPE_BYTE;
		scores[BYTE0 + i] = 0.0f;
	}
	for (i = 0; i < ARRAY_SIZE(extra); i++) {
		tokens[SP_SPACE + i] = (struct tok_str){extra[i], strlen(extra[i])};
		types[SP_SPACE + i] = TOK_TYPE_NORMAL;
		scores[SP_SPACE + i] = extra_scores[i];
	}
	types[SP_USER] = TOK_TYPE_USER_DEFINED;
	if (nan_score)
		scores[SP_B] = NAN;

	tok_desc_init(&d, TOK_MODEL_SPM, TOK_PRE_GPT2);
	d.n_tokens = N_SPM;
	d.tokens = tokens;
	d.scores = scores;
	d.types = types;
	d.add_space_prefix = space_prefix;
	t = tok_new(&d, &err);
	if (!t && !nan_score)
		t_fail(__FILE__, __LINE__, "tok_new: %s", err.msg);
	if (!t && nan_score && err.code != ERR_PARSE)
		t_fail(__FILE__, __LINE__, "NaN score: %s", err.msg);
	return t;
}

TEST(tok_spm_merges_by_score)
{
	struct tok *t = spm_vocab(false, false);

	REQUIRE(t);
	/* "bc" (-1.0) beats "ab" (-1.5); "abc" is no token. */
	IDS(t, "abc", 0, SP_A, SP_BC);
	IDS(t, "ab", 0, SP_AB);
	/* Equal scores: leftmost first. */
	IDS(t, "aaa", 0, SP_AA, SP_A);
	/* Spaces are U+2581 pieces. */
	IDS(t, "a b", 0, SP_A, SP_SPACE, SP_B);
	tok_free(t);
}

TEST(tok_spm_space_prefix)
{
	struct tok *t = spm_vocab(true, false);

	REQUIRE(t);
	/* "▁ab": "▁a" (-0.5) first, then "▁ab" (-0.2). */
	IDS(t, "ab", 0, SP_SAB);
	IDS(t, "a b", 0, SP_SA, SP_SPACE, SP_B);
	IDS(t, "", 0, -1);
	IDS(t, "ab", TOK_ENC_ADD_SPECIAL, BOS, SP_SAB);
	/* After a special token the text gets its space prefix again. */
	IDS(t, "<s>ab", TOK_ENC_SPECIAL, BOS, SP_SAB);
	IDS(t, "ab<u>ab", 0, SP_SAB, SP_USER, SP_SAB);
	ROUNDTRIP(t, "ab", 2, 0, 0);
	ROUNDTRIP(t, " a  b ", 6, 0, 0);
	ROUNDTRIP(t, "ab<u>ab", 7, 0, 0);
	ROUNDTRIP(t, "<s>ab</s>ab", 11, TOK_ENC_SPECIAL, TOK_DEC_SPECIAL);
	tok_free(t);
}

TEST(tok_spm_byte_fallback)
{
	static const char mixed[] = "caf\xc3\xa9 \xff\x80\xe2\x82\xac \xf0\x9f\x9a\x80\t\n\x00!";
	struct tok *t = spm_vocab(false, false);
	struct tok_ids ids = {0};
	struct err err;
	size_t i;

	REQUIRE(t);
	/* é is no piece: its two bytes as <0xC3> <0xA9>. */
	IDS(t, "\xc3\xa9", 0, BYTE0 + 0xC3, BYTE0 + 0xA9);
	IDS(t, "a\xffz", 0, SP_A, BYTE0 + 0xFF, BYTE0 + 'z');
	ROUNDTRIP(t, mixed, sizeof(mixed) - 1, 0, 0);
	/* Control and byte token texts in plain text stay plain text. */
	REQUIRE(tok_encode(t, "<s><0x41>", 9, 0, &ids, &err) == 0);
	for (i = 0; i < ids.n; i++)
		CHECK(ids.v[i] >= BYTE0);
	tok_ids_release(&ids);
	ROUNDTRIP(t, "<s><0x41></s>", 13, 0, 0);
	tok_free(t);
}

/* Malformed vocabularies and inputs: clear errors, never a crash. */
TEST(tok_rejects_malformed)
{
	struct tok_str tokens[3] = {{"a", 1}, {"b", 1}, {"a", 1}};
	int32_t types[3] = {1, 1, 9};
	char long_text[TOK_MAX_TOKEN_LEN + 1];
	struct tok_desc d;
	struct err err;
	struct tok *t;

	tok_desc_init(&d, TOK_MODEL_BPE, TOK_PRE_GPT2);
	d.tokens = tokens;
	d.n_tokens = 3;
	CHECK(tok_new(&d, &err) == NULL); /* duplicate "a" */
	CHECK_INT(err.code, ERR_PARSE);
	CHECK(strstr(err.msg, "duplicates") != NULL);

	tokens[2] = (struct tok_str){"c", 1};
	d.types = types;
	CHECK(tok_new(&d, &err) == NULL); /* type 9 */
	CHECK_INT(err.code, ERR_PARSE);
	d.types = NULL;

	d.eos = 3;
	CHECK(tok_new(&d, &err) == NULL);
	CHECK_INT(err.code, ERR_PARSE);
	d.eos = -7;
	CHECK(tok_new(&d, &err) == NULL);
	d.eos = TOK_NONE;

	memset(long_text, 'x', sizeof(long_text));
	tokens[1] = (struct tok_str){long_text, sizeof(long_text)};
	CHECK(tok_new(&d, &err) == NULL);
	CHECK_INT(err.code, ERR_LIMIT);
	tokens[1] = (struct tok_str){"b", 1};

	d.n_tokens = 0;
	CHECK(tok_new(&d, &err) == NULL);
	d.n_tokens = TOK_MAX_VOCAB + 1;
	CHECK(tok_new(&d, &err) == NULL);
	CHECK_INT(err.code, ERR_LIMIT);
	d.n_tokens = 3;
	d.n_merges = 2;
	CHECK(tok_new(&d, &err) == NULL); /* merges without data */
	d.n_merges = 0;
	d.pre = TOK_PRE_COUNT;
	CHECK(tok_new(&d, &err) == NULL);
	d.pre = TOK_PRE_GPT2;

	/* An empty token is allowed (nothing can produce it). */
	tokens[1] = (struct tok_str){"", 0};
	t = tok_new(&d, &err);
	REQUIRE(t != NULL);
	{
		struct tok_ids ids = {0};

		CHECK(tok_encode(t, "x", (size_t)TOK_MAX_INPUT + 1, 0, &ids, &err) == -1);
		CHECK_INT(err.code, ERR_LIMIT);
		CHECK(ids.n == 0);
		/* Bytes the vocabulary lacks are dropped (it has no unknown token). */
		CHECK(tok_encode(t, "abz", 3, 0, &ids, &err) == 0);
		CHECK_INT(ids.n, 1);
		tok_ids_release(&ids);
	}
	tok_free(t);
	tok_free(NULL);

	CHECK(spm_vocab(false, true) == NULL);
}

TEST(tok_pre_names)
{
	static const struct {
		const char *name;
		enum tok_pre pre;
	} ok[] = {
		{"gpt-2", TOK_PRE_GPT2},         {"default", TOK_PRE_GPT2},
		{"llama-bpe", TOK_PRE_LLAMA3},   {"llama3", TOK_PRE_LLAMA3},
		{"qwen2", TOK_PRE_QWEN2},        {"smollm", TOK_PRE_STARCODER},
		{"starcoder", TOK_PRE_STARCODER}, {"deepseek-coder", TOK_PRE_DEEPSEEK_CODER},
	};
	enum tok_pre pre;
	struct err err;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		CHECK(tok_pre_from_name(ok[i].name, strlen(ok[i].name), &pre, &err) == 0);
		CHECK_INT(pre, ok[i].pre);
	}
	CHECK(tok_pre_from_name("qwen", 4, &pre, &err) == -1);
	CHECK_INT(err.code, ERR_UNAVAILABLE);
	CHECK(tok_pre_from_name("qwen22", 6, &pre, &err) == -1);
	CHECK(tok_pre_from_name("tekken", 6, &pre, &err) == -1);
}

/* tok_new_from_gguf on files built here: the keys it reads and its errors. */
static struct tok *from_gguf(void (*edit)(struct gguf_writer *), struct err *err)
{
	static const struct gguf_str tokens[] = {{"a", 1}, {"b", 1}, {"ab", 2}, {"<|im_end|>", 10}};
	static const struct gguf_str merges[] = {{"a b", 3}};
	static const uint8_t types[] = {1, 1, 1, 3};
	struct gguf_writer w;
	struct buf img = BUF_INIT;
	struct gguf *g;
	struct tok *t = NULL;

	gguf_writer_init(&w, 0);
	gguf_writer_add_str(&w, "general.architecture", "llama");
	gguf_writer_add_str(&w, "tokenizer.ggml.model", "gpt2");
	gguf_writer_add_str(&w, "tokenizer.ggml.pre", "qwen2");
	gguf_writer_add_str_arr(&w, "tokenizer.ggml.tokens", ARRAY_SIZE(tokens), tokens);
	gguf_writer_add_str_arr(&w, "tokenizer.ggml.merges", ARRAY_SIZE(merges), merges);
	gguf_writer_add_arr(&w, "tokenizer.ggml.token_type", GGUF_U8, ARRAY_SIZE(types), types);
	gguf_writer_add_u32(&w, "tokenizer.ggml.eos_token_id", 3);
	if (edit)
		edit(&w);
	gguf_writer_header(&w, &img);
	g = gguf_open_mem(img.s, img.len, err);
	if (g)
		t = tok_new_from_gguf(g, err);
	gguf_close(g);
	gguf_writer_release(&w);
	buf_release(&img);
	return t;
}

static void edit_pad_out_of_range(struct gguf_writer *w)
{
	gguf_writer_add_u32(w, "tokenizer.ggml.padding_token_id", 4);
	gguf_writer_add_bool(w, "tokenizer.ggml.add_bos_token", true);
	gguf_writer_add_u32(w, "tokenizer.ggml.bos_token_id", 2);
}

static void edit_bad_scores(struct gguf_writer *w)
{
	static const float scores[] = {1, 2};

	gguf_writer_add_arr(w, "tokenizer.ggml.scores", GGUF_F32, 2, scores);
}

static void edit_scores_not_array(struct gguf_writer *w)
{
	gguf_writer_add_f32(w, "tokenizer.ggml.scores", 1.0f);
}

TEST(tok_from_gguf)
{
	struct tok *t;
	struct err err;

	t = from_gguf(NULL, &err);
	REQUIRE(t != NULL);
	CHECK_INT(tok_pre(t), TOK_PRE_QWEN2);
	CHECK_INT(tok_eos(t), 3);
	CHECK(tok_is_control(t, 3));
	CHECK(!tok_add_bos(t));
	IDS(t, "ab", 0, 2);
	IDS(t, "ab<|im_end|>", TOK_ENC_SPECIAL, 2, 3);
	tok_free(t);

	log_set_quiet(true);
	t = from_gguf(edit_pad_out_of_range, &err); /* warned about, ignored */
	log_set_quiet(false);
	REQUIRE(t != NULL);
	CHECK_INT(tok_pad(t), TOK_NONE);
	CHECK(tok_add_bos(t));
	IDS(t, "ab", TOK_ENC_ADD_SPECIAL, 2, 2);
	tok_free(t);
}

TEST(tok_from_gguf_errors)
{
	struct err err;

	CHECK(from_gguf(edit_bad_scores, &err) == NULL);
	CHECK_INT(err.code, ERR_PARSE);
	CHECK(strstr(err.msg, "scores") != NULL);
	CHECK(from_gguf(edit_scores_not_array, &err) == NULL);
	CHECK_INT(err.code, ERR_PARSE);
}

/* Files without the keys, or with models and rules not supported. */
TEST(tok_from_gguf_missing_keys)
{
	static const struct gguf_str tokens[] = {{"a", 1}};
	static const char *const models[] = {"bert", "gpt2", "llama", NULL};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(models); i++) {
		struct gguf_writer w;
		struct buf img = BUF_INIT;
		struct gguf *g;
		struct err err;

		gguf_writer_init(&w, 0);
		if (models[i])
			gguf_writer_add_str(&w, "tokenizer.ggml.model", models[i]);
		if (i == 2)
			gguf_writer_add_str_arr(&w, "tokenizer.ggml.tokens", 1, tokens);
		if (i == 1)
			gguf_writer_add_str(&w, "tokenizer.ggml.pre", "no-such-rules");
		gguf_writer_header(&w, &img);
		g = gguf_open_mem(img.s, img.len, &err);
		REQUIRE(g != NULL);
		if (i == 2) {
			/* "llama" with a one-token vocabulary builds. */
			struct tok *t = tok_new_from_gguf(g, &err);

			CHECK(t != NULL);
			tok_free(t);
		} else {
			CHECK(tok_new_from_gguf(g, &err) == NULL);
			CHECK_INT(err.code, i == 3 ? ERR_PARSE : ERR_UNAVAILABLE);
		}
		gguf_close(g);
		gguf_writer_release(&w);
		buf_release(&img);
	}
}

/* A token with U+2581 inside ("a▁") can join a word to the next space:
 * then the words must not be merged apart. */
TEST(tok_spm_piece_across_words)
{
	struct tok_str tokens[] = {{"<unk>", 5}, {"a", 1}, {"b", 1}, {"\xe2\x96\x81", 3},
				   {"a\xe2\x96\x81", 4}, {"\xe2\x96\x81" "b", 4}};
	float scores[] = {0, -5, -5, -5, -1, -2};
	struct tok_desc d;
	struct err err;
	struct tok *t;

	tok_desc_init(&d, TOK_MODEL_SPM, TOK_PRE_GPT2);
	d.tokens = tokens;
	d.scores = scores;
	d.n_tokens = ARRAY_SIZE(tokens);
	d.bos = d.eos = TOK_NONE;
	d.add_space_prefix = false;
	t = tok_new(&d, &err);
	REQUIRE(t != NULL);
	/* "a▁" (-1) beats "▁b" (-2). */
	IDS(t, "a b", 0, 4, 2);
	ROUNDTRIP(t, "a b a", 5, 0, 0);
	tok_free(t);
}

/* Parts: specials only where allowed, merging as in one text. */
TEST(tok_encode_parts)
{
	struct tok *b = bpe_vocab(TOK_PRE_GPT2, 0), *s = spm_vocab(true, false);
	const struct tok_part chat[] = {
		PART("<|ctl|>", true), PART("he", false), PART("llo<|ctl|>", false),
		PART("<|im_end|>", true),
	};
	const struct tok_part spm[] = {PART("<s>", true), PART("a", false), PART("b", false)};
	struct tok_ids ids = {0}, whole = {0};
	struct err err;
	size_t i, n_ctl = 0;

	REQUIRE(b && s);
	REQUIRE(tok_encode_parts(b, chat, ARRAY_SIZE(chat), 0, &ids, &err) == 0);
	/* "he" + "llo" merge across the boundary into "hello". */
	REQUIRE(ids.n >= 4);
	CHECK_INT(ids.v[0], CTL);
	CHECK_INT(ids.v[1], HELLO);
	CHECK_INT(ids.v[ids.n - 1], IM_END);
	for (i = 0; i < ids.n; i++)
		n_ctl += ids.v[i] == CTL;
	CHECK_INT(n_ctl, 1); /* the one in the plain part stays text */
	tok_ids_release(&ids);

	/* SentencePiece: one space prefix after <s>, and "a" + "b" merge. */
	REQUIRE(tok_encode_parts(s, spm, ARRAY_SIZE(spm), 0, &ids, &err) == 0);
	REQUIRE(tok_encode(s, "<s>ab", 5, TOK_ENC_SPECIAL, &whole, &err) == 0);
	CHECK(ids.n == 2 && ids.v[0] == BOS && ids.v[1] == SP_SAB);
	CHECK(ids.n == whole.n && memcmp(ids.v, whole.v, ids.n * sizeof(*ids.v)) == 0);
	tok_ids_release(&ids);
	tok_ids_release(&whole);

	CHECK(tok_encode_parts(s, NULL, 0, 0, &ids, &err) == 0);
	CHECK_INT(ids.n, 0);
	tok_free(b);
	tok_free(s);
}
