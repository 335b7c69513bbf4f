/*
 * fuzz_tok.c: libFuzzer target for the tokenizers.
 *
 * An input that starts with "GGUF" is read as a GGUF file and, if the
 * reader accepts it, given to tok_new_from_gguf(): a built tokenizer must
 * then encode and decode a sample text. Any other input is encoded
 * with every fixture vocabulary (../shared/fixtures/tokenizer, or
 * $CARO_SHARED) in both special-token modes, and must decode back to the
 * same bytes; a stream of the ids must write the same bytes too. Two
 * exceptions are allowed, both properties of the vocabularies:
 *   - SentencePiece on text that contains U+2581 itself, which decodes as a
 *     space (as in SentencePiece);
 *   - a byte-level vocabulary without a normal token for a byte: StarCoder's
 *     lacks some, which are dropped; DeepSeek-Coder's are user-defined
 *     tokens with the byte's GPT-2 character as text, decoded as that
 *     character (as in llama.cpp). Both only for C0, C1 and F5-FF, bytes
 *     valid UTF-8 never holds.
 */
#include "infer/gguf.h"
#include "infer/tok.h"

#include "buf.h"

#include <dirent.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tok *toks[16];
static bool aliased[16][256]; /* byte b has no normal token */
static size_t n_toks;

static void find_aliases(const struct tok *t, bool *alias)
{
	unsigned b;

	for (b = 0xA1; b < 256 && tok_model(t) == TOK_MODEL_BPE; b++) {
		char s[2] = {(char)(0xC0 | b >> 6), (char)(0x80 | (b & 0x3F))};

		alias[b] = tok_type(t, tok_find(t, s, 2)) != TOK_TYPE_NORMAL;
	}
}

static void load_all(void)
{
	const char *shared = getenv("CARO_SHARED") ? getenv("CARO_SHARED") : "../shared";
	char dir[1024], path[2048];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/fixtures/tokenizer", shared);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "fuzz_tok: no fixtures in %s\n", dir);
		abort();
	}
	while ((de = readdir(d)) && n_toks < ARRAY_SIZE(toks)) {
		size_t n = strlen(de->d_name);
		struct gguf *g;
		struct err err;

		if (n < 5 || strcmp(de->d_name + n - 5, ".gguf") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		g = gguf_open(path, &err);
		if (!g)
			continue;
		toks[n_toks] = tok_new_from_gguf(g, &err);
		if (toks[n_toks]) {
			find_aliases(toks[n_toks], aliased[n_toks]);
			n_toks++;
		}
		gguf_close(g);
	}
	closedir(d);
}

static bool contains(const uint8_t *s, size_t n, const char *needle, size_t m)
{
	size_t i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(s + i, needle, m) == 0)
			return true;
	return false;
}

static void check(const struct tok *t, const bool *alias, const uint8_t *data, size_t size,
		  unsigned enc)
{
	struct tok_ids ids = {0};
	struct buf out = BUF_INIT, streamed = BUF_INIT;
	struct tok_stream st;
	struct err err;
	bool lossy = tok_model(t) == TOK_MODEL_SPM && contains(data, size, "\xe2\x96\x81", 3);
	size_t i;

	for (i = 0; i < size && !lossy; i++)
		lossy = alias[data[i]];
	if (tok_encode(t, (const char *)data, size, enc, &ids, &err))
		abort();
	if (tok_decode(t, ids.v, ids.n, TOK_DEC_SPECIAL, &out, &err))
		abort();
	if (!lossy && (out.len != size || memcmp(buf_str(&out), data, size) != 0))
		abort();
	/* Streaming writes the same bytes as the pieces, in any case. */
	buf_reset(&out);
	tok_stream_init(&st, TOK_DEC_SPECIAL);
	for (i = 0; i < ids.n; i++) {
		char piece[TOK_PIECE_MAX];
		size_t n = tok_piece(t, ids.v[i], piece, sizeof(piece));

		buf_add(&out, piece, n);
		tok_stream_push(&st, t, ids.v[i], &streamed);
	}
	tok_stream_flush(&st, &streamed);
	if (out.len != streamed.len || memcmp(buf_str(&out), buf_str(&streamed), out.len) != 0)
		abort();
	buf_release(&out);
	buf_release(&streamed);
	tok_ids_release(&ids);
}

/* A vocabulary from the fuzzer: errors are fine, crashes and leaks not. */
static void from_gguf(const uint8_t *data, size_t size)
{
	static const char sample[] = "<|im_start|>user\nfind *.py files\xe2\x82\xac \xff 42<|im_end|>";
	struct tok_ids ids = {0};
	struct buf out = BUF_INIT;
	struct err err;
	struct gguf *g = gguf_open_mem(data, size, &err);
	struct tok *t;

	if (!g)
		return;
	t = tok_new_from_gguf(g, &err);
	gguf_close(g);
	if (!t)
		return;
	if (tok_encode(t, sample, sizeof(sample) - 1, TOK_ENC_SPECIAL | TOK_ENC_ADD_SPECIAL, &ids,
		       &err) ||
	    tok_decode(t, ids.v, ids.n, TOK_DEC_SPECIAL, &out, &err))
		abort();
	buf_release(&out);
	tok_ids_release(&ids);
	tok_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	if (size >= 4 && memcmp(data, "GGUF", 4) == 0) {
		from_gguf(data, size);
		return 0;
	}
	if (!n_toks)
		load_all();
	if (size > 4096)
		return 0;
	for (i = 0; i < n_toks; i++) {
		check(toks[i], aliased[i], data, size, 0);
		check(toks[i], aliased[i], data, size, TOK_ENC_SPECIAL);
	}
	return 0;
}
