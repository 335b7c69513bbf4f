/*
 * tok.h: the tokenizers of the inference engine, as GGUF files describe them.
 *
 * Two models:
 *   - byte-level BPE (tokenizer.ggml.model "gpt2"): the text is split into
 *     words by a pre-tokenizer (tokenizer.ggml.pre selects the split rules of
 *     GPT-2, Llama 3, Qwen2, SmolLM/StarCoder or DeepSeek-Coder), each word's
 *     bytes are mapped to GPT-2's printable byte alphabet, and the ranked
 *     merges of tokenizer.ggml.merges are applied, lowest rank first;
 *   - SentencePiece (tokenizer.ggml.model "llama"): spaces become U+2581,
 *     one is prefixed when add_space_prefix is set, adjacent pieces merge by
 *     highest score, and what no token covers falls back to <0xXX> tokens.
 * Both reproduce llama.cpp's tokenizer id for id (see tests/unit/test_tok*).
 *
 * Control, unknown and user-defined tokens ("special" tokens) are cut out
 * of the text before pre-tokenization, longest text first. User-defined
 * ones always are; control and unknown ones only with TOK_ENC_SPECIAL, so
 * a chat template can write "<|im_start|>" while user text that contains
 * the same characters is tokenized as plain text and cannot inject it.
 *
 * Decoding is byte-exact: tok_decode() of tok_encode()'s ids gives back the
 * input bytes, invalid UTF-8 included (byte-level BPE carries any byte;
 * SentencePiece falls back to byte tokens). The exceptions come from the
 * vocabularies, and llama.cpp shares them: SentencePiece decodes a U+2581
 * in the input as a space; a byte-level vocabulary with no normal token for
 * some byte loses it (StarCoder's lacks, and DeepSeek-Coder's aliases to
 * user-defined characters, some of C0, C1 and F5-FF, which valid UTF-8
 * never holds).
 *
 * A struct tok is immutable once built, so one can be shared by threads.
 */
#ifndef CARO_INFER_TOK_H
#define CARO_INFER_TOK_H

#include "common.h"
#include "err.h"

struct buf;
struct gguf;
struct tok;

/* No such token. */
#define TOK_NONE (-1)

/* Caps on what a vocabulary or a call may hold. */
#define TOK_MAX_VOCAB (1u << 20)       /* tokens */
#define TOK_MAX_MERGES ((1u << 22) - 1) /* merges */
#define TOK_MAX_TOKEN_LEN 4096u        /* bytes in one token's text */
#define TOK_MAX_TEXT_BYTES (1u << 26)  /* all token texts together */
#define TOK_MAX_INPUT (256u << 10)     /* bytes one tok_encode() call takes */

enum tok_model {
	TOK_MODEL_BPE, /* byte-level BPE, "gpt2" */
	TOK_MODEL_SPM, /* SentencePiece, "llama" */
};

/* Pre-tokenizer split rules of byte-level BPE. */
enum tok_pre {
	TOK_PRE_GPT2,
	TOK_PRE_LLAMA3,
	TOK_PRE_QWEN2,
	TOK_PRE_STARCODER, /* also SmolLM's */
	TOK_PRE_DEEPSEEK_CODER,
	TOK_PRE_COUNT
};

/* Token types, numbered as tokenizer.ggml.token_type stores them. */
enum tok_type {
	TOK_TYPE_UNDEFINED = 0,
	TOK_TYPE_NORMAL = 1,
	TOK_TYPE_UNKNOWN = 2,
	TOK_TYPE_CONTROL = 3,
	TOK_TYPE_USER_DEFINED = 4,
	TOK_TYPE_UNUSED = 5,
	TOK_TYPE_BYTE = 6,
};

/* A string that need not be NUL-terminated. */
struct tok_str {
	const char *s;
	size_t len;
};

/*
 * Everything a tokenizer is built from, as plain arrays (what the
 * tokenizer.ggml.* keys hold). All pointers are borrowed: tok_new() copies
 * what it keeps. Fill it with tok_desc_init(), which sets the defaults
 * llama.cpp uses for the model and pre-tokenizer, then override.
 */
struct tok_desc {
	enum tok_model model;
	enum tok_pre pre;         /* BPE only */
	uint32_t n_tokens;
	const struct tok_str *tokens;
	const float *scores;      /* n_tokens entries, or NULL for all 0 */
	const int32_t *types;     /* n_tokens entries of enum tok_type, or NULL for all normal */
	uint32_t n_merges;        /* BPE only */
	const struct tok_str *merges; /* "left right"; the rank is the index */
	int32_t bos, eos, eot, eom, unk, pad; /* TOK_NONE when absent */
	bool add_bos, add_eos;    /* what TOK_ENC_ADD_SPECIAL adds */
	bool add_space_prefix;    /* SPM: prefix a space to the text */
	bool ignore_merges;       /* BPE: a word that is a token is not merged (Llama 3) */
};

/* Set d to an empty vocabulary with llama.cpp's defaults for model and pre:
 * add_bos for SPM and Llama 3, add_space_prefix for SPM, ignore_merges for
 * Llama 3, special ids TOK_NONE except SPM's unk 0, bos 1, eos 2. */
void tok_desc_init(struct tok_desc *d, enum tok_model model, enum tok_pre pre);

/* The pre-tokenizer a tokenizer.ggml.pre value names: "gpt-2", "llama-bpe",
 * "qwen2", "smollm", "starcoder", "deepseek-coder" and the other names
 * llama.cpp gives the same rules ("llama3", "stablelm2", "refact", ...);
 * "default" is GPT-2's. Returns 0, or -1 (ERR_UNAVAILABLE) for rules this
 * tokenizer does not implement. */
int tok_pre_from_name(const char *name, size_t len, enum tok_pre *pre, struct err *err);

/*
 * Build a tokenizer from d. Returns a new tokenizer (caller frees with
 * tok_free) or NULL with err filled: ERR_LIMIT when a count or length is
 * over a cap, ERR_PARSE when the data is malformed (no tokens, duplicate
 * token texts, a type outside enum tok_type, a NaN score, a special id
 * outside the vocabulary). Merges that are not "left right" are ignored;
 * those whose parts or result are not tokens can never apply.
 */
struct tok *tok_new(const struct tok_desc *d, struct err *err);

/*
 * Build a tokenizer from a GGUF file's metadata: tokenizer.ggml.model
 * ("gpt2" or "llama"), .pre, .tokens, .scores, .token_type, .merges,
 * .bos/eos/eot/eom/unknown/padding_token_id, .add_bos_token, .add_eos_token
 * and .add_space_prefix; absent optional keys take tok_desc_init()'s
 * defaults (a missing .pre means GPT-2's rules, with a warning). A special
 * id outside the vocabulary is ignored with a warning, as llama.cpp does.
 * The gguf is only read during the call. NULL with err filled when a
 * required key is missing or has the wrong type (ERR_PARSE), the model or
 * pre-tokenizer is not supported (ERR_UNAVAILABLE), or as for tok_new().
 */
struct tok *tok_new_from_gguf(const struct gguf *g, struct err *err);

void tok_free(struct tok *t);

/* A growable array of token ids; zero it to start. */
struct tok_ids {
	int32_t *v;
	size_t n;
	size_t cap;
};

void tok_ids_release(struct tok_ids *ids);

/* tok_encode() flags. */
enum {
	TOK_ENC_SPECIAL = 1 << 0,     /* parse control tokens written in the text */
	TOK_ENC_ADD_SPECIAL = 1 << 1, /* add BOS/EOS where the vocabulary asks for them */
};

/*
 * Tokenize text[0..len) (any bytes; NUL is an ordinary byte) and append the
 * ids to out. Returns 0, or -1 with err filled (ERR_LIMIT when len is over
 * TOK_MAX_INPUT); out is unchanged on failure. Calls on one tokenizer may
 * run in parallel.
 */
int tok_encode(const struct tok *t, const char *text, size_t len, unsigned flags,
	       struct tok_ids *out, struct err *err);

/* A part of a text for tok_encode_parts(). */
struct tok_part {
	const char *s;
	size_t len;
	bool special; /* control tokens written in this part are parsed */
};

/*
 * Tokenize the concatenation of parts[0..n) as one text, exactly as
 * tok_encode() would (words, merges and SentencePiece's space prefix run
 * across part boundaries), except that control and unknown tokens are only
 * recognised inside parts marked special. A chat prompt is built this way:
 * template parts special, user text not, so user text can neither inject
 * "<|im_end|>" nor tokenize differently than in the whole prompt. flags:
 * TOK_ENC_ADD_SPECIAL (TOK_ENC_SPECIAL is per part here). Same returns as
 * tok_encode(), with the cap on the total.
 */
int tok_encode_parts(const struct tok *t, const struct tok_part *parts, size_t n, unsigned flags,
		     struct tok_ids *out, struct err *err);

/* A buffer of TOK_PIECE_MAX bytes holds any token's piece. */
#define TOK_PIECE_MAX TOK_MAX_TOKEN_LEN

/*
 * The bytes token id stands for in decoded text (GPT-2 bytes mapped back,
 * U+2581 as a space, <0xXX> as its byte; control, unknown and user-defined
 * tokens as their text). Writes at most cap of them to out (no NUL) and
 * returns their full number, as snprintf does; 0 for an id out of range.
 */
size_t tok_piece(const struct tok *t, int32_t id, char *out, size_t cap);

/* tok_decode() and tok_stream flags. */
enum {
	TOK_DEC_SPECIAL = 1 << 0, /* include the text of control and unknown tokens */
};

/*
 * Append the text of ids[0..n) to out: the inverse of tok_encode(). Control
 * and unknown tokens are left out unless TOK_DEC_SPECIAL. For a vocabulary
 * with add_space_prefix, the space the encoder put in front of the text
 * (and after each special token) is removed again. Returns 0, or -1 with
 * err filled (ERR_PARSE) for an id out of range.
 */
int tok_decode(const struct tok *t, const int32_t *ids, size_t n, unsigned flags,
	       struct buf *out, struct err *err);

/*
 * Streaming output. A token's piece may end inside a UTF-8 sequence that the
 * next token finishes; a printer that writes pieces as they come would
 * print half a character. tok_stream_push() appends a token's piece to out
 * but holds back an unfinished sequence at its end until the following
 * bytes complete it (or prove it never will, then it is written as is);
 * tok_stream_flush() writes what is held at the end. The bytes appended
 * over a whole stream are exactly the concatenated pieces.
 */
struct tok_stream {
	unsigned flags;     /* TOK_DEC_SPECIAL or 0 */
	size_t n_held;
	char held[4];
};

void tok_stream_init(struct tok_stream *s, unsigned flags);
/* Returns the number of bytes appended to out (0 for an id out of range). */
size_t tok_stream_push(struct tok_stream *s, const struct tok *t, int32_t id, struct buf *out);
size_t tok_stream_flush(struct tok_stream *s, struct buf *out);

/* Length of the unfinished UTF-8 sequence at the end of s[0..n), 0-3. */
size_t tok_utf8_incomplete(const char *s, size_t n);

/* The vocabulary. */
uint32_t tok_n_vocab(const struct tok *t);
enum tok_model tok_model(const struct tok *t);
enum tok_pre tok_pre(const struct tok *t);
/* TOK_TYPE_UNDEFINED for an id out of range. */
enum tok_type tok_type(const struct tok *t, int32_t id);
/* The token's text as the vocabulary stores it (GPT-2 byte alphabet,
 * U+2581 for spaces); NULL for an id out of range. Owned by t. */
const char *tok_text(const struct tok *t, int32_t id, size_t *len);
/* The id whose vocabulary text is exactly text[0..len), or TOK_NONE. */
int32_t tok_find(const struct tok *t, const char *text, size_t len);

/* Special ids, TOK_NONE when the vocabulary has none. EOT is the end of a
 * chat turn: tokenizer.ggml.eot_token_id, else found by its text
 * (<|eot_id|>, <|im_end|>, <|end|>, <end_of_turn>, <|endoftext|>, ...). */
int32_t tok_bos(const struct tok *t);
int32_t tok_eos(const struct tok *t);
int32_t tok_eot(const struct tok *t);
int32_t tok_unk(const struct tok *t);
int32_t tok_pad(const struct tok *t);
/* Whether TOK_ENC_ADD_SPECIAL adds BOS / EOS. */
bool tok_add_bos(const struct tok *t);
bool tok_add_eos(const struct tok *t);
/* Whether generating id ends the generation: EOS, EOT, EOM and every token
 * whose text is one of the end-of-turn texts above or a code model's
 * document separator (<|file_sep|>, <|repo_name|>, <|fim_pad|>, ...), the
 * set llama.cpp stops on. */
bool tok_is_eog(const struct tok *t, int32_t id);
/* Whether id is a control or unknown token (left out of decoded text). */
bool tok_is_control(const struct tok *t, int32_t id);

#endif
