/*
 * tok.c: building a vocabulary, encoding (special tokens, BPE, SentencePiece)
 * and decoding. The pre-tokenizers are in tok_split.c.
 *
 * Invariants of a built struct tok:
 *   - every token text is unique (empty ones excepted, which nothing can
 *     match); text -> id is an open-addressing table of ids;
 *   - BPE merges are keyed by the 64-bit hashes of their two parts. Building
 *     the table then takes one insert per merge and no token lookups; the
 *     merged token is looked up when a merge applies, and a merge whose
 *     result is not a token never applies.
 * Loading is on the path of every caro request that runs a local model, so
 * the build touches as little memory as it can (about 1.5 MB for a 50k
 * vocabulary): page faults, not hashing, are most of its cost. For the same
 * reason pieces are decoded when asked for, not stored.
 *
 * Encoding works on byte offsets into the caller's text and allocates its
 * scratch per call, so one tokenizer serves concurrent callers.
 */
#include "infer/tok.h"
#include "infer/gguf.h"
#include "infer/tok_split.h"
#include "infer/unicode.h"

#include "buf.h"
#include "log.h"

#include <ctype.h>

/* attr[] of a token: its enum tok_type in the low bits, plus flags. */
#define ATTR_TYPE 0x07
#define ATTR_EOG 0x08

/* U+2581, SentencePiece's visible space. */
#define SPM_SPACE "\xe2\x96\x81"

/* Token table slots: a tag from the hash's high bits above id + 1, so most
 * mismatches are rejected without touching the text. Merge table slots: the
 * pair key's high 42 bits above the rank. */
#define ID_BITS 21
#define RANK_BITS 22

struct tok {
	enum tok_model model;
	enum tok_pre pre;
	uint32_t n;
	char *texts;        /* token texts back to back */
	uint32_t *text_off; /* n + 1 offsets into texts */
	uint32_t *table;    /* text -> id */
	uint32_t table_mask;
	uint64_t *merge;    /* BPE: pair_key() of the parts -> rank */
	uint32_t merge_mask;
	float *scores;      /* SPM only */
	uint8_t *attr;
	/* BPE: the token of each byte's GPT-2 character, and its text's
	 * hash64(); SPM: <0xXX> */
	int32_t byte_tok[256];
	uint64_t byte_hash[256];
	/* control, unknown and user-defined tokens grouped by first byte,
	 * longest first within a group: spec[spec_start[b] .. spec_start[b+1]) */
	int32_t *spec;
	uint32_t spec_start[257];
	bool has_user_defined;
	bool spm_words; /* SPM: no token has U+2581 after another character */
	int32_t bos, eos, eot, eom, unk, pad;
	bool add_bos, add_eos, add_space_prefix, ignore_merges;
};

/*
 * GPT-2's byte alphabet: the printable bytes stand for themselves and the
 * other 68 (0x00-0x20, 0x7F-0xA0, 0xAD) for U+0100.. in byte order, so that
 * every byte is one visible character.
 */
static inline uint32_t gpt2_char(unsigned b)
{
	if (b <= 0x20)
		return 0x100 + b;
	if (b >= 0x7F && b <= 0xA0)
		return 0x100 + 33 + (b - 0x7F);
	if (b == 0xAD)
		return 0x100 + 67;
	return b;
}

/* The byte a GPT-2 character stands for, -1 for other codepoints. */
static int gpt2_byte(uint32_t cp)
{
	if (cp < 0x100)
		return gpt2_char(cp) == cp ? (int)cp : -1;
	if (cp <= 0x100 + 32)
		return (int)(cp - 0x100);
	if (cp <= 0x100 + 66)
		return (int)(cp - 0x100 - 33 + 0x7F);
	if (cp == 0x100 + 67)
		return 0xAD;
	return -1;
}

/* Hashing. */

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t load64(const char *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
	return v;
}

static inline uint64_t load32(const char *s)
{
	uint32_t v;

	memcpy(&v, s, 4);
	return v;
}

static uint64_t hash64(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0xff51afd7ed558ccdull), v = 0;

	for (; n > 8; s += 8, n -= 8) {
		h = (h ^ load64(s)) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	/* 1-8 bytes left: overlapping loads cover them all. */
	if (n >= 4)
		v = load32(s) << 32 | load32(s + n - 4);
	else if (n > 0)
		v = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 |
		    (unsigned char)s[n - 1];
	return mix64(h ^ v);
}

/* The key of merging two texts, from their hash64()s. */
static inline uint64_t pair_key(uint64_t left, uint64_t right)
{
	return mix64(left ^ mix64(right + 0x632be59bd9b4e019ull));
}

static inline uint32_t slot_tag(uint64_t h, unsigned low_bits)
{
	return (uint32_t)(h >> (64 - (32 - low_bits))) << low_bits;
}

/* Slots for n entries, at most 4/5 full: linear probing stays short at
 * that load, and the smaller table costs fewer page faults to build. */
static uint32_t table_size(uint32_t n)
{
	uint32_t size = 16;

	while (size < n + n / 4 + 1)
		size <<= 1;
	return size;
}

/* A zeroed table. Not calloc: its fresh pages would be read first (mapping
 * the zero page) and then written, two faults each instead of one. */
static void *new_table(size_t n, size_t size)
{
	void *p = xmallocarray(n, size);

	memset(p, 0, n * size);
	return p;
}

static inline const char *text_of(const struct tok *t, int32_t id, size_t *len)
{
	*len = t->text_off[id + 1] - t->text_off[id];
	return t->texts + t->text_off[id];
}

/* The id of text s whose hash64() is h, or TOK_NONE; *free_slot gets the
 * slot where it would go. */
static int32_t lookup(const struct tok *t, const char *s, size_t len, uint64_t h,
		      uint32_t *free_slot)
{
	const uint32_t tag = slot_tag(h, ID_BITS), low = (1u << ID_BITS) - 1;
	uint32_t i, slot;

	for (i = (uint32_t)h & t->table_mask; (slot = t->table[i]); i = (i + 1) & t->table_mask) {
		int32_t id = (int32_t)(slot & low) - 1;
		size_t n;
		const char *txt;

		if ((slot & ~low) != tag)
			continue;
		txt = text_of(t, id, &n);
		if (n == len && memcmp(txt, s, len) == 0)
			return id;
	}
	if (free_slot)
		*free_slot = i;
	return TOK_NONE;
}

int32_t tok_find(const struct tok *t, const char *s, size_t len)
{
	return lookup(t, s, len, hash64(s, len), NULL);
}

/* Like tok_find, but only normal tokens: what plain text may turn into. */
static int32_t find_normal(const struct tok *t, const char *s, size_t len)
{
	int32_t id = tok_find(t, s, len);

	if (id != TOK_NONE && (t->attr[id] & ATTR_TYPE) != TOK_TYPE_NORMAL)
		return TOK_NONE;
	return id;
}

/*
 * The rank of merging two texts whose hash64()s are left and right, or -1.
 * A slot holds 42 bits of the key, so a pair that is not a merge passes
 * for one with odds of about 2^-40 per lookup, and then only matters if
 * the two texts also make a token.
 */
static inline int64_t merge_rank(const struct tok *t, uint64_t left, uint64_t right)
{
	const uint64_t key = pair_key(left, right), tag = key >> RANK_BITS << RANK_BITS;
	const uint64_t low = (1u << RANK_BITS) - 1;
	uint32_t i;
	uint64_t slot;

	for (i = (uint32_t)key & t->merge_mask; (slot = t->merge[i]); i = (i + 1) & t->merge_mask)
		if ((slot & ~low) == tag)
			return (int64_t)(slot & low) - 1;
	return -1;
}

/* Building. */

void tok_desc_init(struct tok_desc *d, enum tok_model model, enum tok_pre pre)
{
	memset(d, 0, sizeof(*d));
	d->model = model;
	d->pre = pre;
	d->bos = d->eos = d->eot = d->eom = d->unk = d->pad = TOK_NONE;
	if (model == TOK_MODEL_SPM) {
		d->unk = 0;
		d->bos = 1;
		d->eos = 2;
		d->add_bos = true;
		d->add_space_prefix = true;
	} else if (pre == TOK_PRE_LLAMA3) {
		d->add_bos = true;
		d->ignore_merges = true;
	}
}

/*
 * tokenizer.ggml.pre values, as llama.cpp maps them to split rules. Names
 * whose rules llama.cpp combines with other settings than tok_desc_init()
 * gives (dbrx and smaug-bpe: Llama 3's rules, but no ignore_merges) are
 * left out rather than tokenized differently.
 */
static const struct {
	const char *name;
	enum tok_pre pre;
} pre_names[] = {
	{"default", TOK_PRE_GPT2},
	{"gpt-2", TOK_PRE_GPT2},
	{"phi-2", TOK_PRE_GPT2},
	{"mpt", TOK_PRE_GPT2},
	{"olmo", TOK_PRE_GPT2},
	{"jais", TOK_PRE_GPT2},
	{"roberta-bpe", TOK_PRE_GPT2},
	{"gigachat", TOK_PRE_GPT2},
	{"llama-bpe", TOK_PRE_LLAMA3},
	{"llama3", TOK_PRE_LLAMA3},
	{"llama-v3", TOK_PRE_LLAMA3},
	{"falcon3", TOK_PRE_LLAMA3},
	{"qwen2", TOK_PRE_QWEN2},
	{"stablelm2", TOK_PRE_QWEN2},
	{"megrez", TOK_PRE_QWEN2},
	{"smollm", TOK_PRE_STARCODER},
	{"starcoder", TOK_PRE_STARCODER},
	{"refact", TOK_PRE_STARCODER},
	{"command-r", TOK_PRE_STARCODER},
	{"codeshell", TOK_PRE_STARCODER},
	{"exaone", TOK_PRE_STARCODER},
	{"minerva-7b", TOK_PRE_STARCODER},
	{"deepseek-coder", TOK_PRE_DEEPSEEK_CODER},
};

int tok_pre_from_name(const char *name, size_t len, enum tok_pre *pre, struct err *err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pre_names); i++) {
		if (strlen(pre_names[i].name) == len && memcmp(pre_names[i].name, name, len) == 0) {
			*pre = pre_names[i].pre;
			return 0;
		}
	}
	return err_set(err, ERR_UNAVAILABLE, "tok: unsupported pre-tokenizer '%.*s'",
		       (int)MIN(len, 64), name);
}

/*
 * Texts that end a chat turn in the common chat formats. llama.cpp finds the
 * end-of-turn token by these texts when the file does not name it, and
 * stops generation on any of them, and on the fill-in-the-middle padding,
 * repository and file separators code models emit between documents.
 */
static const struct {
	const char *text;
	bool eot; /* may serve as EOT */
	bool eom;
} eog_texts[] = {
	{"<|eot_id|>", true, false},
	{"<|im_end|>", true, false},
	{"<|end|>", true, false},
	{"<end_of_turn>", true, false},
	{"<|endoftext|>", true, false},
	{"<EOT>", true, false},
	{"<\xef\xbd\x9c" "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>", true, false},
	{"<|eom_id|>", false, true},
	{"<|fim_pad|>", false, false},
	{"<fim-pad>", false, false},
	{"<PAD>", false, false},
	{"<|fim_repo|>", false, false},
	{"<|repo_name|>", false, false},
	{"<fim-repo>", false, false},
	{"<REPO>", false, false},
	{"<|file_sep|>", false, false},
};

/*
 * A sequence of strings: a tok_str array, or GGUF's packed array form (each
 * string a little-endian u64 length, then its bytes), which the GGUF reader
 * has already checked against the file. Walked once, in order.
 */
struct strseq {
	uint32_t n;
	const struct tok_str *arr;
	const uint8_t *packed;
};

struct strit {
	const struct strseq *seq;
	uint32_t i;
	const uint8_t *p;
};

static void strit_next(struct strit *it, const char **s, size_t *len)
{
	if (it->seq->arr) {
		*s = it->seq->arr[it->i].s;
		*len = it->seq->arr[it->i].len;
	} else {
		uint64_t n;

		memcpy(&n, it->p, 8);
		*s = (const char *)it->p + 8;
		*len = (size_t)n;
		it->p += 8 + n;
	}
	it->i++;
}

/* What a tokenizer is built from: the scalars of a tok_desc, and arrays
 * that may sit unaligned in a GGUF mapping (read with memcpy). */
struct src {
	const struct tok_desc *d;
	struct strseq tokens, merges;
	const void *scores; /* n floats or NULL */
	const void *types;  /* n int32 or NULL */
};

static int check_id(int32_t id, uint32_t n, const char *what, struct err *err)
{
	if (id != TOK_NONE && (id < 0 || (uint32_t)id >= n))
		return err_set(err, ERR_PARSE, "tok: %s token id %d is not in the vocabulary (%u tokens)",
			       what, id, n);
	return 0;
}

/*
 * Table inserts go in batches: hash a batch and prefetch its slots, then
 * insert. The slots are random, so this overlaps their cache misses, which
 * are most of the cost of the build past the page faults.
 */
#define BATCH 16

static int build_texts(struct tok *t, const struct src *src, struct err *err)
{
	struct strit it = {&src->tokens, 0, src->tokens.packed};
	uint64_t total = 0, h[BATCH];
	uint32_t i, j, cap;

	/* Texts go straight into an arena that grows: the total is not known
	 * before one pass, and a second pass over a mapping costs faults. */
	cap = 8 * t->n + 64;
	t->texts = xmalloc(cap);
	t->text_off = xmallocarray(t->n + 1, sizeof(*t->text_off));
	t->text_off[0] = 0;
	t->table_mask = table_size(t->n) - 1;
	t->table = new_table(t->table_mask + 1, sizeof(*t->table));
	for (i = 0; i < t->n; i += BATCH) {
		uint32_t nb = MIN(BATCH, t->n - i);

		for (j = 0; j < nb; j++) {
			const char *s;
			size_t len;

			strit_next(&it, &s, &len);
			if (len && !s)
				return err_set(err, ERR_PARSE, "tok: token %u has no text", i + j);
			if (len > TOK_MAX_TOKEN_LEN)
				return err_set(err, ERR_LIMIT, "tok: token %u is %zu bytes long (cap %u)",
					       i + j, len, TOK_MAX_TOKEN_LEN);
			if (total + len > TOK_MAX_TEXT_BYTES)
				return err_set(err, ERR_LIMIT, "tok: token texts exceed %u bytes",
					       TOK_MAX_TEXT_BYTES);
			if (total + len > cap) {
				cap = (uint32_t)MIN((uint64_t)cap * 2 + len,
						    (uint64_t)TOK_MAX_TEXT_BYTES);
				t->texts = xrealloc(t->texts, cap);
			}
			if (len)
				memcpy(t->texts + total, s, len);
			total += len;
			t->text_off[i + j + 1] = (uint32_t)total;
			h[j] = hash64(s, len);
			__builtin_prefetch(&t->table[h[j] & t->table_mask], 1);
		}
		for (j = 0; j < nb; j++) {
			size_t len;
			const char *s = text_of(t, (int32_t)(i + j), &len);
			uint32_t slot;
			int32_t dup;

			if (!len)
				continue; /* nothing can match an empty token */
			dup = lookup(t, s, len, h[j], &slot);
			if (dup != TOK_NONE)
				return err_set(err, ERR_PARSE, "tok: token %u '%.*s' duplicates token %d",
					       i + j, (int)MIN(len, 40), s, dup);
			t->table[slot] = slot_tag(h[j], ID_BITS) | (i + j + 1);
		}
	}
	return 0;
}

static int build_attrs(struct tok *t, const struct src *src, struct err *err)
{
	uint32_t i;
	size_t k;

	t->attr = xmalloc(t->n);
	for (i = 0; i < t->n; i++) {
		int32_t type = TOK_TYPE_NORMAL;

		if (src->types)
			memcpy(&type, (const char *)src->types + 4 * (size_t)i, 4);
		if (type < TOK_TYPE_UNDEFINED || type > TOK_TYPE_BYTE)
			return err_set(err, ERR_PARSE, "tok: token %u has unknown type %d", i, type);
		t->attr[i] = (uint8_t)type;
		if (type == TOK_TYPE_USER_DEFINED)
			t->has_user_defined = true;
	}
	if (t->model == TOK_MODEL_SPM) {
		t->scores = xcalloc(t->n, sizeof(*t->scores));
		if (src->scores)
			memcpy(t->scores, src->scores, (size_t)t->n * sizeof(*t->scores));
		for (i = 0; i < t->n; i++)
			if (t->scores[i] != t->scores[i])
				return err_set(err, ERR_PARSE, "tok: token %u has score NaN", i);
	}

	/* End of turn and generation, found by text where the file is silent.
	 * Such a token is a control token whatever its recorded type, or plain
	 * text could produce it. */
	for (k = 0; k < ARRAY_SIZE(eog_texts); k++) {
		int32_t id = tok_find(t, eog_texts[k].text, strlen(eog_texts[k].text));

		if (id == TOK_NONE)
			continue;
		if (eog_texts[k].eot && t->eot == TOK_NONE)
			t->eot = id;
		if (eog_texts[k].eom && t->eom == TOK_NONE)
			t->eom = id;
		t->attr[id] = TOK_TYPE_CONTROL | ATTR_EOG;
	}
	if (t->eos != TOK_NONE)
		t->attr[t->eos] |= ATTR_EOG;
	if (t->eot != TOK_NONE)
		t->attr[t->eot] |= ATTR_EOG;
	if (t->eom != TOK_NONE)
		t->attr[t->eom] |= ATTR_EOG;
	return 0;
}

static inline bool is_special_type(unsigned type)
{
	return type == TOK_TYPE_CONTROL || type == TOK_TYPE_UNKNOWN || type == TOK_TYPE_USER_DEFINED;
}

/* Special tokens indexed by first byte for the scan in split_special(). */
struct spec_ent {
	uint32_t key; /* first byte << 24 | (TOK_MAX_TOKEN_LEN - len) */
	int32_t id;
};

static int cmp_spec(const void *a, const void *b)
{
	const struct spec_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static void build_specials(struct tok *t)
{
	struct spec_ent *ents;
	uint32_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (is_special_type(t->attr[i] & ATTR_TYPE) && t->text_off[i + 1] > t->text_off[i])
			n++;
	ents = xmallocarray(n ? n : 1, sizeof(*ents));
	t->spec = xmallocarray(n ? n : 1, sizeof(*t->spec));
	n = 0;
	for (i = 0; i < t->n; i++) {
		size_t len;
		const char *s = text_of(t, (int32_t)i, &len);

		if (is_special_type(t->attr[i] & ATTR_TYPE) && len) {
			ents[n].key = (uint32_t)(unsigned char)s[0] << 24 |
				      (uint32_t)(TOK_MAX_TOKEN_LEN - len);
			ents[n].id = (int32_t)i;
			n++;
		}
	}
	qsort(ents, n, sizeof(*ents), cmp_spec);
	memset(t->spec_start, 0, sizeof(t->spec_start));
	for (i = 0; i < n; i++) {
		t->spec[i] = ents[i].id;
		t->spec_start[(ents[i].key >> 24) + 1]++;
	}
	for (i = 1; i <= 256; i++)
		t->spec_start[i] += t->spec_start[i - 1];
	free(ents);
}

/*
 * Key each merge by the hashes of its two parts; a repeated pair keeps its
 * first rank. No token is looked up: a part that is not a token can never
 * be a symbol, and a result that is not a token is caught when the merge
 * would apply.
 */
static int build_merges(struct tok *t, const struct src *src, struct err *err)
{
	struct strit it = {&src->merges, 0, src->merges.packed};
	uint32_t i, j, n = src->merges.n, ignored = 0;
	uint64_t key[BATCH];
	bool ok[BATCH];

	if (n > TOK_MAX_MERGES)
		return err_set(err, ERR_LIMIT, "tok: %u merges (cap %u)", n, TOK_MAX_MERGES);
	t->merge_mask = table_size(n) - 1;
	t->merge = new_table(t->merge_mask + 1, sizeof(*t->merge));
	for (i = 0; i < n; i += BATCH) {
		uint32_t nb = MIN(BATCH, n - i);

		for (j = 0; j < nb; j++) {
			const char *s, *sp;
			size_t len;

			strit_next(&it, &s, &len);
			/* Split at the first space after the first byte, as
			 * llama.cpp does. */
			sp = s && len > 2 ? memchr(s + 1, ' ', len - 2) : NULL;
			ok[j] = sp != NULL;
			if (!sp)
				continue;
			key[j] = pair_key(hash64(s, (size_t)(sp - s)),
					  hash64(sp + 1, len - (size_t)(sp - s) - 1));
			__builtin_prefetch(&t->merge[key[j] & t->merge_mask], 1);
		}
		for (j = 0; j < nb; j++) {
			uint64_t slot;
			uint32_t k;

			if (!ok[j]) {
				ignored++;
				continue;
			}
			for (k = (uint32_t)key[j] & t->merge_mask; (slot = t->merge[k]);
			     k = (k + 1) & t->merge_mask)
				if (slot >> RANK_BITS == key[j] >> RANK_BITS)
					break;
			if (slot)
				continue; /* a repeated pair keeps its first rank */
			t->merge[k] = key[j] >> RANK_BITS << RANK_BITS | (i + j + 1);
		}
	}
	if (ignored)
		log_debug("tok: %u of %u merges are not two words; ignored", ignored, n);
	return 0;
}

/* The decoded bytes of token id, written to out, which has room for the
 * token's text (a piece is never longer); returns their number. */
static size_t piece_of(const struct tok *t, int32_t id, char *out)
{
	unsigned type = t->attr[id] & ATTR_TYPE;
	size_t len, i, n = 0;
	const char *s = text_of(t, id, &len);

	if (is_special_type(type)) {
		memcpy(out, s, len);
		return len;
	}
	if (t->model == TOK_MODEL_BPE) {
		if (type != TOK_TYPE_NORMAL)
			return 0;
		for (i = 0; i < len;) {
			unsigned char c = (unsigned char)s[i];
			uint32_t cp;
			size_t k;
			int byte;

			if (c >= 0x21 && c <= 0x7E) { /* printable ASCII is itself */
				out[n++] = (char)c;
				i++;
				continue;
			}
			k = unicode_decode(s + i, len - i, &cp);
			byte = k > 1 ? gpt2_byte(cp) : -1;
			/* A character outside the byte alphabet (a vocabulary
			 * that is not byte-level after all) stands for itself. */
			if (byte >= 0) {
				out[n++] = (char)byte;
			} else {
				memcpy(out + n, s + i, k);
				n += k;
			}
			i += k;
		}
		return n;
	}
	if (type == TOK_TYPE_BYTE && len == 6 && memcmp(s, "<0x", 3) == 0 && s[5] == '>' &&
	    isxdigit((unsigned char)s[3]) && isxdigit((unsigned char)s[4])) {
		char hex[3] = {s[3], s[4], 0};

		out[0] = (char)strtoul(hex, NULL, 16);
		return 1;
	}
	if (type != TOK_TYPE_NORMAL && type != TOK_TYPE_BYTE)
		return 0;
	for (i = 0; i < len;) {
		if (len - i >= 3 && memcmp(s + i, SPM_SPACE, 3) == 0) {
			out[n++] = ' ';
			i += 3;
		} else {
			out[n++] = s[i++];
		}
	}
	return n;
}

static void build_byte_tokens(struct tok *t)
{
	unsigned b;

	for (b = 0; b < 256; b++) {
		char s[8];
		size_t n;

		if (t->model == TOK_MODEL_BPE) {
			n = unicode_encode(gpt2_char(b), s);
			t->byte_tok[b] = tok_find(t, s, n);
			t->byte_hash[b] = hash64(s, n);
		} else {
			snprintf(s, sizeof(s), "<0x%02X>", b);
			t->byte_tok[b] = tok_find(t, s, 6);
			if (t->byte_tok[b] == TOK_NONE) {
				s[0] = (char)b;
				t->byte_tok[b] = tok_find(t, s, 1);
			}
		}
	}
}

/* Whether no normal token has a U+2581 that follows another character: then
 * SentencePiece merges never cross from a word into the next. */
static bool spm_words(const struct tok *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		size_t len, k;
		const char *s = text_of(t, (int32_t)i, &len), *p;

		if ((t->attr[i] & ATTR_TYPE) != TOK_TYPE_NORMAL || len < 4)
			continue;
		for (k = 1; (p = memchr(s + k, SPM_SPACE[0], len - k)); k = (size_t)(p - s) + 1)
			if (p + 3 <= s + len && memcmp(p, SPM_SPACE, 3) == 0 &&
			    (p - s < 3 || memcmp(p - 3, SPM_SPACE, 3) != 0))
				return false;
	}
	return true;
}

static struct tok *build(const struct src *src, struct err *err)
{
	const struct tok_desc *d = src->d;
	struct tok *t;

	if (d->model != TOK_MODEL_BPE && d->model != TOK_MODEL_SPM) {
		err_set(err, ERR_PARSE, "tok: unknown tokenizer model %d", (int)d->model);
		return NULL;
	}
	if ((unsigned)d->pre >= TOK_PRE_COUNT) {
		err_set(err, ERR_PARSE, "tok: unknown pre-tokenizer %d", (int)d->pre);
		return NULL;
	}
	if (src->tokens.n == 0) {
		err_set(err, ERR_PARSE, "tok: empty vocabulary");
		return NULL;
	}
	if (src->tokens.n > TOK_MAX_VOCAB) {
		err_set(err, ERR_LIMIT, "tok: %u tokens (cap %u)", src->tokens.n, TOK_MAX_VOCAB);
		return NULL;
	}
	if (check_id(d->bos, src->tokens.n, "BOS", err) ||
	    check_id(d->eos, src->tokens.n, "EOS", err) ||
	    check_id(d->eot, src->tokens.n, "EOT", err) ||
	    check_id(d->eom, src->tokens.n, "EOM", err) ||
	    check_id(d->unk, src->tokens.n, "unknown", err) ||
	    check_id(d->pad, src->tokens.n, "padding", err))
		return NULL;

	t = xcalloc(1, sizeof(*t));
	t->model = d->model;
	t->pre = d->pre;
	t->n = src->tokens.n;
	t->bos = d->bos;
	t->eos = d->eos;
	t->eot = d->eot;
	t->eom = d->eom;
	t->unk = d->unk;
	t->pad = d->pad;
	t->add_bos = d->add_bos;
	t->add_eos = d->add_eos;
	t->add_space_prefix = d->model == TOK_MODEL_SPM && d->add_space_prefix;
	t->ignore_merges = d->model == TOK_MODEL_BPE && d->ignore_merges;
	if (build_texts(t, src, err) || build_attrs(t, src, err))
		goto fail;
	if (t->model == TOK_MODEL_BPE && build_merges(t, src, err))
		goto fail;
	build_specials(t);
	build_byte_tokens(t);
	if (t->model == TOK_MODEL_SPM)
		t->spm_words = spm_words(t);
	return t;
fail:
	tok_free(t);
	return NULL;
}

struct tok *tok_new(const struct tok_desc *d, struct err *err)
{
	struct src src;

	memset(&src, 0, sizeof(src));
	src.d = d;
	src.tokens.n = d->tokens ? d->n_tokens : 0;
	src.tokens.arr = d->tokens;
	if (d->model == TOK_MODEL_BPE) {
		if (d->n_merges && !d->merges) {
			err_set(err, ERR_PARSE, "tok: %u merges without data", d->n_merges);
			return NULL;
		}
		src.merges.n = d->n_merges;
		src.merges.arr = d->merges;
	}
	src.scores = d->scores;
	src.types = d->types;
	return build(&src, err);
}

/* A GGUF array of n numbers as the 4-byte type want: the mapped data when
 * it already is, else converted into *copy (caller frees). */
static int gguf_numbers(const struct gguf *g, const char *key, enum gguf_vtype want, uint32_t n,
			const void **out, void **copy, struct err *err)
{
	struct gguf_arr a;

	*out = NULL;
	if (!gguf_get_arr(g, key, GGUF_VTYPE_COUNT, &a))
		return gguf_find(g, key) ? err_set(err, ERR_PARSE, "tok: %s is not an array", key) : 0;
	if (a.n != n)
		return err_set(err, ERR_PARSE, "tok: %s has %llu entries for %u tokens", key,
			       (unsigned long long)a.n, n);
	if (a.type == want) {
		*out = a.data;
		return 0;
	}
	*copy = xmallocarray(n ? n : 1, 4);
	if ((want == GGUF_F32 ? gguf_arr_to_f32(&a, *copy, err) : gguf_arr_to_i32(&a, *copy, err)))
		return err_prefix(err, "tok: %s", key);
	*out = *copy;
	return 0;
}

/* A special token id from key into *id; absent keeps the default, and an
 * id outside the vocabulary is ignored with a warning, as llama.cpp does
 * (published files with a padding id one past the vocabulary exist). */
static void gguf_special(const struct gguf *g, const char *key, uint32_t n, int32_t *id)
{
	uint64_t v;

	if (!gguf_get_uint(g, key, &v))
		return;
	if (v >= n) {
		log_warn("tok: %s = %llu is not in the vocabulary (%u tokens); ignored", key,
			 (unsigned long long)v, n);
		return;
	}
	*id = (int32_t)v;
}

struct tok *tok_new_from_gguf(const struct gguf *g, struct err *err)
{
	struct gguf_str model, pre_name;
	struct gguf_arr tokens, merges;
	struct tok_desc d;
	struct src src;
	enum tok_model m;
	enum tok_pre pre = TOK_PRE_GPT2;
	void *scores_copy = NULL, *types_copy = NULL;
	struct tok *t = NULL;
	uint32_t n;

	if (!gguf_get_str(g, "tokenizer.ggml.model", &model)) {
		err_set(err, ERR_PARSE, "tok: no tokenizer.ggml.model in the file");
		return NULL;
	}
	if (gguf_str_eq(model, "gpt2")) {
		m = TOK_MODEL_BPE;
	} else if (gguf_str_eq(model, "llama")) {
		m = TOK_MODEL_SPM;
	} else {
		err_set(err, ERR_UNAVAILABLE, "tok: unsupported tokenizer model '%.*s'",
			(int)MIN(model.len, 64), model.s);
		return NULL;
	}
	if (m == TOK_MODEL_BPE) {
		if (!gguf_get_str(g, "tokenizer.ggml.pre", &pre_name))
			log_warn("tok: no tokenizer.ggml.pre in the file; splitting as GPT-2 does");
		else if (tok_pre_from_name(pre_name.s, pre_name.len, &pre, err))
			return NULL;
	}
	if (!gguf_get_arr(g, "tokenizer.ggml.tokens", GGUF_STRING, &tokens)) {
		err_set(err, ERR_PARSE, "tok: no tokenizer.ggml.tokens string array in the file");
		return NULL;
	}
	if (tokens.n == 0 || tokens.n > TOK_MAX_VOCAB) {
		err_set(err, tokens.n ? ERR_LIMIT : ERR_PARSE, "tok: %llu tokens (cap %u)",
			(unsigned long long)tokens.n, TOK_MAX_VOCAB);
		return NULL;
	}
	n = (uint32_t)tokens.n;

	tok_desc_init(&d, m, pre);
	/* Defaults the vocabulary is too small for are no tokens. */
	if (d.bos >= (int32_t)n)
		d.bos = TOK_NONE;
	if (d.eos >= (int32_t)n)
		d.eos = TOK_NONE;
	if (d.unk >= (int32_t)n)
		d.unk = TOK_NONE;
	gguf_special(g, "tokenizer.ggml.bos_token_id", n, &d.bos);
	gguf_special(g, "tokenizer.ggml.eos_token_id", n, &d.eos);
	gguf_special(g, "tokenizer.ggml.eot_token_id", n, &d.eot);
	gguf_special(g, "tokenizer.ggml.eom_token_id", n, &d.eom);
	gguf_special(g, "tokenizer.ggml.unknown_token_id", n, &d.unk);
	gguf_special(g, "tokenizer.ggml.padding_token_id", n, &d.pad);
	gguf_get_bool(g, "tokenizer.ggml.add_bos_token", &d.add_bos);
	gguf_get_bool(g, "tokenizer.ggml.add_eos_token", &d.add_eos);
	gguf_get_bool(g, "tokenizer.ggml.add_space_prefix", &d.add_space_prefix);

	memset(&src, 0, sizeof(src));
	src.d = &d;
	src.tokens.n = n;
	src.tokens.packed = tokens.data;
	if (m == TOK_MODEL_BPE) {
		if (!gguf_get_arr(g, "tokenizer.ggml.merges", GGUF_STRING, &merges)) {
			err_set(err, ERR_PARSE, "tok: no tokenizer.ggml.merges string array in the file");
			return NULL;
		}
		if (merges.n > TOK_MAX_MERGES) {
			err_set(err, ERR_LIMIT, "tok: %llu merges (cap %u)",
				(unsigned long long)merges.n, TOK_MAX_MERGES);
			return NULL;
		}
		src.merges.n = (uint32_t)merges.n;
		src.merges.packed = merges.data;
	}
	if (gguf_numbers(g, "tokenizer.ggml.scores", GGUF_F32, n, &src.scores, &scores_copy, err) ||
	    gguf_numbers(g, "tokenizer.ggml.token_type", GGUF_I32, n, &src.types, &types_copy, err))
		goto out;
	t = build(&src, err);
out:
	free(scores_copy);
	free(types_copy);
	return t;
}

void tok_free(struct tok *t)
{
	if (!t)
		return;
	free(t->texts);
	free(t->text_off);
	free(t->table);
	free(t->merge);
	free(t->scores);
	free(t->attr);
	free(t->spec);
	free(t);
}

/* Encoding. */

void tok_ids_release(struct tok_ids *ids)
{
	free(ids->v);
	ids->v = NULL;
	ids->n = ids->cap = 0;
}

static void ids_push(struct tok_ids *ids, int32_t id)
{
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 64;
		ids->v = xrealloc(ids->v, ids->cap * sizeof(*ids->v));
	}
	ids->v[ids->n++] = id;
}

/* Grow *p (of *cap elements of size bytes) to hold at least need. The
 * sizes here derive from an input already checked against TOK_MAX_INPUT. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = need + need / 2 + 16;
	return xrealloc(p, *cap * size);
}

/* A symbol of the merge loops: a token (BPE) or a byte span (SPM) in a
 * doubly linked list of what is left of the word. */
struct sym {
	int32_t id;     /* BPE: token, TOK_NONE if the byte has none, DEAD */
	uint32_t start; /* SPM: offset in the escaped text */
	uint32_t len;   /* SPM: bytes; 0 once merged into the left neighbour */
	int32_t prev, next;
	uint64_t h;     /* BPE: hash64() of the token's text */
};

#define DEAD (-2)

/*
 * A candidate merge of two adjacent symbols, in a binary min-heap on key:
 * the merge's priority in the high half (BPE: its rank; SPM: the merged
 * token's score, ordered so that the highest comes first) and the left
 * symbol's index in the low half, so that ties go to the leftmost pair.
 */
struct bigram {
	uint64_t key;
	int32_t right;
	int32_t lid, rid; /* BPE: the symbols' tokens when queued */
	uint32_t size;    /* SPM: the merged length when queued */
};

static inline int32_t bigram_left(const struct bigram *g)
{
	return (int32_t)(uint32_t)g->key;
}

/* A float's bits as a uint32 that sorts as the float does, reversed. */
static inline uint32_t score_order(float f)
{
	uint32_t u;

	f += 0.0f; /* -0 to +0: they compare equal */
	memcpy(&u, &f, 4);
	u = (u & 0x80000000u) ? ~u : u | 0x80000000u;
	return ~u;
}

struct enc {
	const struct tok *t;
	struct tok_ids *out;
	/* the raw fragment being split: codepoints, classes, byte offsets */
	uint32_t *cp, *off, *ends, *tmp;
	uint8_t *fl;
	struct sym *sym;
	size_t cap_sym;
	struct bigram *heap;
	size_t n_heap, cap_heap;
	char *text;
	size_t cap_text;
};

static void heap_push(struct enc *e, const struct bigram *g)
{
	size_t i;

	e->heap = grow(e->heap, &e->cap_heap, e->n_heap + 1, sizeof(*e->heap));
	for (i = e->n_heap++; i > 0; i = (i - 1) / 2) {
		size_t parent = (i - 1) / 2;

		if (g->key >= e->heap[parent].key)
			break;
		e->heap[i] = e->heap[parent];
	}
	e->heap[i] = *g;
}

static struct bigram heap_pop(struct enc *e)
{
	struct bigram top = e->heap[0], last = e->heap[--e->n_heap];
	size_t i = 0, n = e->n_heap;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && e->heap[c + 1].key < e->heap[c].key)
			c++;
		if (e->heap[c].key >= last.key)
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	if (n)
		e->heap[i] = last;
	return top;
}

/*
 * A byte no token covers (a vocabulary without all 256 byte tokens, like
 * StarCoder's, which lacks the bytes valid UTF-8 never holds). BPE drops
 * it, as llama.cpp and Hugging Face's tokenizers do: its unknown token is
 * often <|endoftext|>, which would end the model's text. SentencePiece
 * gives the unknown token, as SentencePiece does.
 */
static void push_missing(struct enc *e)
{
	if (e->t->model == TOK_MODEL_SPM && e->t->unk != TOK_NONE)
		ids_push(e->out, e->t->unk);
}

static void bpe_pair(struct enc *e, int32_t left, int32_t right)
{
	struct bigram g;
	int64_t rank;

	if (left < 0 || right < 0 || e->sym[left].id < 0 || e->sym[right].id < 0)
		return;
	rank = merge_rank(e->t, e->sym[left].h, e->sym[right].h);
	if (rank < 0)
		return;
	memset(&g, 0, sizeof(g));
	g.key = (uint64_t)rank << 32 | (uint32_t)left;
	g.right = right;
	g.lid = e->sym[left].id;
	g.rid = e->sym[right].id;
	heap_push(e, &g);
}

/* The token whose text is that of a then that of b, or TOK_NONE; *h gets
 * the hash64() of that text. */
static int32_t find_concat(struct enc *e, int32_t a, int32_t b, uint64_t *h)
{
	size_t na, nb;
	const char *sa = text_of(e->t, a, &na), *sb = text_of(e->t, b, &nb);

	e->text = grow(e->text, &e->cap_text, na + nb, 1);
	memcpy(e->text, sa, na);
	memcpy(e->text + na, sb, nb);
	*h = hash64(e->text, na + nb);
	return lookup(e->t, e->text, na + nb, *h, NULL);
}

/* Merge the bytes of one word, lowest rank first (ties: leftmost first). */
static void bpe_word(struct enc *e, const unsigned char *w, size_t m)
{
	const struct tok *t = e->t;
	struct sym *sym;
	int32_t i;

	if (t->ignore_merges && m > 1) {
		size_t n = 0, k;
		int32_t id;

		e->text = grow(e->text, &e->cap_text, 2 * m, 1);
		for (k = 0; k < m; k++)
			n += unicode_encode(gpt2_char(w[k]), e->text + n);
		id = find_normal(t, e->text, n);
		if (id != TOK_NONE) {
			ids_push(e->out, id);
			return;
		}
	}
	if (m == 1) {
		if (t->byte_tok[w[0]] != TOK_NONE)
			ids_push(e->out, t->byte_tok[w[0]]);
		else
			push_missing(e);
		return;
	}
	e->sym = grow(e->sym, &e->cap_sym, m, sizeof(*e->sym));
	sym = e->sym;
	for (i = 0; i < (int32_t)m; i++) {
		sym[i].id = t->byte_tok[w[i]];
		sym[i].h = t->byte_hash[w[i]];
		sym[i].prev = i - 1;
		sym[i].next = i + 1;
	}
	sym[m - 1].next = -1;
	e->n_heap = 0;
	/* Start the table reads of all first pairs before using any: they
	 * are cache misses, and this way they overlap. */
	for (i = 1; i < (int32_t)m; i++)
		__builtin_prefetch(&t->merge[pair_key(sym[i - 1].h, sym[i].h) & t->merge_mask]);
	for (i = 1; i < (int32_t)m; i++)
		bpe_pair(e, i - 1, i);
	while (e->n_heap) {
		struct bigram g = heap_pop(e);
		int32_t left = bigram_left(&g), merged;
		struct sym *l = &sym[left], *r = &sym[g.right];
		uint64_t h;

		/* Queued before one of the two changed: stale. */
		if (l->id != g.lid || r->id != g.rid || l->next != g.right)
			continue;
		merged = find_concat(e, l->id, r->id, &h);
		if (merged == TOK_NONE)
			continue; /* the merge makes no token: it does not exist */
		l->id = merged;
		l->h = h;
		l->next = r->next;
		if (r->next >= 0)
			sym[r->next].prev = left;
		r->id = DEAD;
		bpe_pair(e, l->prev, left);
		bpe_pair(e, left, l->next);
	}
	for (i = 0; i != -1; i = sym[i].next) {
		if (sym[i].id >= 0)
			ids_push(e->out, sym[i].id);
		else
			push_missing(e);
	}
}

/* Split a raw fragment into words and encode each with BPE. */
static void encode_bpe(struct enc *e, const char *s, size_t n)
{
	struct tok_cps c;
	size_t i, nw, w;
	uint32_t m = 0, a = 0;

	for (i = 0; i < n;) {
		uint32_t cp;
		size_t k = unicode_decode(s + i, n - i, &cp);

		e->cp[m] = cp;
		e->fl[m] = (uint8_t)unicode_flags(cp);
		e->off[m] = (uint32_t)i;
		m++;
		i += k;
	}
	e->off[m] = (uint32_t)n;
	c.cp = e->cp;
	c.fl = e->fl;
	c.n = m;
	nw = tok_split(e->t->pre, &c, e->ends, e->tmp);
	for (w = 0; w < nw; w++) {
		uint32_t b = e->ends[w];

		bpe_word(e, (const unsigned char *)s + e->off[a], e->off[b] - e->off[a]);
		a = b;
	}
}

static void spm_pair(struct enc *e, int32_t left, int32_t right)
{
	const struct sym *l, *r;
	struct bigram g;
	int32_t id;

	if (left < 0 || right < 0)
		return;
	l = &e->sym[left];
	r = &e->sym[right];
	id = find_normal(e->t, e->text + l->start, l->len + r->len);
	if (id == TOK_NONE)
		return;
	memset(&g, 0, sizeof(g));
	g.key = (uint64_t)score_order(e->t->scores[id]) << 32 | (uint32_t)left;
	g.right = right;
	g.size = l->len + r->len;
	heap_push(e, &g);
}

/* SentencePiece on one raw fragment: spaces become U+2581 (one more in
 * front when prefix), characters merge by highest score, and what is left
 * without a token falls back to byte tokens. */
static void spm_merge(struct enc *e, int32_t first, int32_t end)
{
	const struct tok *t = e->t;
	struct sym *sym = e->sym;
	int32_t j;
	size_t i;

	sym[first].prev = -1;
	sym[end - 1].next = -1;
	e->n_heap = 0;
	/* Start the table reads of all first pairs before using any: they
	 * are cache misses, and this way they overlap. */
	for (j = first + 1; j < end; j++)
		__builtin_prefetch(&t->table[hash64(e->text + sym[j - 1].start,
						    sym[j - 1].len + sym[j].len) &
					     t->table_mask]);
	for (j = first + 1; j < end; j++)
		spm_pair(e, j - 1, j);
	while (e->n_heap) {
		struct bigram g = heap_pop(e);
		int32_t left = bigram_left(&g);
		struct sym *l = &sym[left], *r = &sym[g.right];

		if (l->len == 0 || r->len == 0 || l->len + r->len != g.size)
			continue;
		l->len += r->len;
		r->len = 0;
		l->next = r->next;
		if (r->next >= 0)
			sym[r->next].prev = left;
		spm_pair(e, l->prev, left);
		spm_pair(e, left, l->next);
	}
	for (j = first; j != -1; j = sym[j].next) {
		const char *p = e->text + sym[j].start;
		int32_t id = find_normal(t, p, sym[j].len);

		if (id != TOK_NONE) {
			ids_push(e->out, id);
			continue;
		}
		for (i = 0; i < sym[j].len; i++) {
			int32_t b = t->byte_tok[(unsigned char)p[i]];

			if (b != TOK_NONE)
				ids_push(e->out, b);
			else
				push_missing(e);
		}
	}
}

static inline bool is_spm_space(const struct enc *e, int32_t i)
{
	return e->sym[i].len == 3 && memcmp(e->text + e->sym[i].start, SPM_SPACE, 3) == 0;
}

/*
 * SentencePiece on one raw fragment: spaces become U+2581 (one more in
 * front when prefix), characters merge by highest score (ties: leftmost),
 * and what is left without a token falls back to byte tokens.
 *
 * When no token has a U+2581 after another character (t->spm_words, true
 * of the usual vocabularies), no merge can join a word to the spaces before
 * the next one, so each such word merges on its own: the same result as
 * one merge loop over the whole text, without its long heap.
 */
static void encode_spm(struct enc *e, const char *s, size_t n, bool prefix)
{
	struct sym *sym;
	size_t k = 0, i;
	int32_t m = 0, j, first = 0;

	e->text = grow(e->text, &e->cap_text, 3 * n + 3, 1);
	if (prefix) {
		memcpy(e->text, SPM_SPACE, 3);
		k = 3;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == ' ') {
			memcpy(e->text + k, SPM_SPACE, 3);
			k += 3;
		} else {
			e->text[k++] = s[i];
		}
	}
	if (k == 0)
		return;
	e->sym = grow(e->sym, &e->cap_sym, k, sizeof(*e->sym));
	sym = e->sym;
	for (i = 0; i < k; m++) {
		uint32_t cp;
		size_t len = unicode_decode(e->text + i, k - i, &cp);

		sym[m].start = (uint32_t)i;
		sym[m].len = (uint32_t)len;
		sym[m].prev = m - 1;
		sym[m].next = m + 1;
		i += len;
	}
	if (e->t->spm_words) {
		for (j = 1; j < m; j++) {
			if (is_spm_space(e, j) && !is_spm_space(e, j - 1)) {
				spm_merge(e, first, j);
				first = j;
			}
		}
	}
	spm_merge(e, first, m);
}

/* A piece of the input: raw text, or a special token cut out of it. */
struct frag {
	size_t start, len;
	int32_t id; /* TOK_NONE for raw text */
};

struct occ {
	size_t pos;
	size_t len;
	int32_t id;
};

/* Longest first, then lowest id, then leftmost: the order in which
 * llama.cpp cuts special tokens out of the text. */
static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_occ_pos(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Cut the special tokens out of text: each token in turn, longest first,
 * takes all its occurrences that do not overlap one taken before it. User-
 * defined tokens count everywhere; control and unknown tokens only where
 * every byte of them has control[] set (control NULL: nowhere). The result
 * is the text as fragments in order (caller frees *frags).
 */
static size_t split_special(const struct tok *t, const char *text, size_t len,
			    const uint8_t *control, struct frag **frags)
{
	struct occ *occ = NULL;
	size_t n_occ = 0, cap_occ = 0, p, i, n_frag = 0, n_keep = 0, at = 0;
	struct frag *f;
	uint8_t *taken;

	for (p = 0; p < len && (t->has_user_defined || control); p++) {
		unsigned char c = (unsigned char)text[p];
		uint32_t k;

		for (k = t->spec_start[c]; k < t->spec_start[c + 1]; k++) {
			int32_t id = t->spec[k];
			size_t n;
			const char *s = text_of(t, id, &n);

			if (n > len - p || memcmp(text + p, s, n) != 0)
				continue;
			if ((t->attr[id] & ATTR_TYPE) != TOK_TYPE_USER_DEFINED &&
			    (!control || memchr(control + p, 0, n)))
				continue;
			occ = grow(occ, &cap_occ, n_occ + 1, sizeof(*occ));
			occ[n_occ].pos = p;
			occ[n_occ].len = n;
			occ[n_occ].id = id;
			n_occ++;
		}
	}
	if (!n_occ) {
		*frags = xmalloc(sizeof(**frags));
		(*frags)[0] = (struct frag){0, len, TOK_NONE};
		return len ? 1 : 0;
	}
	qsort(occ, n_occ, sizeof(*occ), cmp_occ);
	taken = xcalloc(len, 1);
	for (i = 0; i < n_occ; i++) {
		size_t j;

		for (j = 0; j < occ[i].len && !taken[occ[i].pos + j]; j++)
			;
		if (j < occ[i].len)
			continue;
		memset(taken + occ[i].pos, 1, occ[i].len);
		occ[n_keep++] = occ[i];
	}
	free(taken);
	qsort(occ, n_keep, sizeof(*occ), cmp_occ_pos);
	f = xmallocarray(2 * n_keep + 1, sizeof(*f));
	for (i = 0; i < n_keep; i++) {
		if (occ[i].pos > at)
			f[n_frag++] = (struct frag){at, occ[i].pos - at, TOK_NONE};
		f[n_frag++] = (struct frag){occ[i].pos, occ[i].len, occ[i].id};
		at = occ[i].pos + occ[i].len;
	}
	if (at < len)
		f[n_frag++] = (struct frag){at, len - at, TOK_NONE};
	free(occ);
	*frags = f;
	return n_frag;
}

/* Encode text[0..len), control[] as for split_special(). */
static void encode(const struct tok *t, const char *text, size_t len, const uint8_t *control,
		   unsigned flags, struct tok_ids *out)
{
	struct enc e;
	struct frag *frags = NULL;
	size_t n_frag, i, longest = 0;
	bool prev_special = true;

	if ((flags & TOK_ENC_ADD_SPECIAL) && t->add_bos && t->bos != TOK_NONE)
		ids_push(out, t->bos);
	n_frag = split_special(t, text, len, control, &frags);
	for (i = 0; i < n_frag; i++)
		if (frags[i].id == TOK_NONE)
			longest = MAX(longest, frags[i].len);

	memset(&e, 0, sizeof(e));
	e.t = t;
	e.out = out;
	if (longest && t->model == TOK_MODEL_BPE) {
		e.cp = xmallocarray(longest + 1, sizeof(*e.cp));
		e.off = xmallocarray(longest + 1, sizeof(*e.off));
		e.ends = xmallocarray(longest + 1, sizeof(*e.ends));
		e.tmp = xmallocarray(longest + 1, sizeof(*e.tmp));
		e.fl = xmalloc(longest + 1);
	}
	for (i = 0; i < n_frag; i++) {
		const struct frag *f = &frags[i];

		if (f->id != TOK_NONE) {
			ids_push(out, f->id);
			prev_special = true;
			continue;
		}
		if (t->model == TOK_MODEL_BPE)
			encode_bpe(&e, text + f->start, f->len);
		else
			encode_spm(&e, text + f->start, f->len, t->add_space_prefix && prev_special);
		prev_special = false;
	}
	if ((flags & TOK_ENC_ADD_SPECIAL) && t->add_eos && t->eos != TOK_NONE)
		ids_push(out, t->eos);

	free(frags);
	free(e.cp);
	free(e.off);
	free(e.ends);
	free(e.tmp);
	free(e.fl);
	free(e.sym);
	free(e.heap);
	free(e.text);
}

int tok_encode(const struct tok *t, const char *text, size_t len, unsigned flags,
	       struct tok_ids *out, struct err *err)
{
	struct tok_part part = {text, len, (flags & TOK_ENC_SPECIAL) != 0};

	return tok_encode_parts(t, &part, 1, flags, out, err);
}

int tok_encode_parts(const struct tok *t, const struct tok_part *parts, size_t n, unsigned flags,
		     struct tok_ids *out, struct err *err)
{
	struct buf joined = BUF_INIT;
	const char *text = n == 1 ? parts[0].s : NULL;
	uint8_t *control = NULL;
	size_t total = 0, i;
	bool any_special = false;

	for (i = 0; i < n; i++) {
		if (!parts[i].s && parts[i].len)
			return err_set(err, ERR_USAGE, "tok: part %zu has no text", i);
		if (parts[i].len > TOK_MAX_INPUT - total)
			return err_set(err, ERR_LIMIT, "tok: input of more than %u bytes",
				       TOK_MAX_INPUT);
		total += parts[i].len;
		any_special |= parts[i].special;
	}
	if (n > 1) {
		for (i = 0; i < n; i++)
			buf_add(&joined, parts[i].s, parts[i].len);
		text = buf_str(&joined);
	}
	if (any_special && total) {
		size_t at = 0;

		control = xmalloc(total);
		for (i = 0; i < n; at += parts[i++].len)
			memset(control + at, parts[i].special, parts[i].len);
	}
	encode(t, text, total, control, flags, out);
	free(control);
	buf_release(&joined);
	return 0;
}

/* Decoding. */

size_t tok_piece(const struct tok *t, int32_t id, char *out, size_t cap)
{
	char tmp[TOK_PIECE_MAX];
	size_t len;

	if (id < 0 || (uint32_t)id >= t->n)
		return 0;
	text_of(t, id, &len);
	if (cap >= len)
		return piece_of(t, id, out);
	len = piece_of(t, id, tmp);
	memcpy(out, tmp, MIN(len, cap));
	return len;
}

int tok_decode(const struct tok *t, const int32_t *ids, size_t n, unsigned flags,
	       struct buf *out, struct err *err)
{
	char piece[TOK_PIECE_MAX];
	bool strip = t->add_space_prefix;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = piece;
		size_t len;
		unsigned type;

		if (ids[i] < 0 || (uint32_t)ids[i] >= t->n)
			return err_set(err, ERR_PARSE, "tok: token id %d is not in the vocabulary",
				       ids[i]);
		len = piece_of(t, ids[i], piece);
		type = t->attr[ids[i]] & ATTR_TYPE;
		if (is_special_type(type)) {
			if (type == TOK_TYPE_USER_DEFINED || (flags & TOK_DEC_SPECIAL))
				buf_add(out, p, len);
			/* The encoder puts a space in front of the text that
			 * follows a special token: take it away again. */
			strip = t->add_space_prefix;
			continue;
		}
		if (strip && len && p[0] == ' ') {
			p++;
			len--;
		}
		strip = false;
		buf_add(out, p, len);
	}
	return 0;
}

size_t tok_utf8_incomplete(const char *s, size_t n)
{
	return unicode_incomplete_tail(s, n);
}

void tok_stream_init(struct tok_stream *s, unsigned flags)
{
	memset(s, 0, sizeof(*s));
	s->flags = flags;
}

size_t tok_stream_push(struct tok_stream *s, const struct tok *t, int32_t id, struct buf *out)
{
	char piece[TOK_PIECE_MAX], tmp[8];
	const char *p = piece;
	size_t len, n, hold, done = 0;

	if (id < 0 || (uint32_t)id >= t->n)
		return 0;
	if (tok_is_control(t, id) && !(s->flags & TOK_DEC_SPECIAL))
		return 0;
	len = piece_of(t, id, piece);
	/* Finish the held sequence with the first bytes of the piece. */
	while (s->n_held && len) {
		memcpy(tmp, s->held, s->n_held);
		n = s->n_held;
		tmp[n++] = *p;
		hold = unicode_incomplete_tail(tmp, n);
		if (hold == n) {
			/* still unfinished, but still well-formed */
			s->held[s->n_held++] = *p++;
			len--;
			continue;
		}
		/* Complete, or proved never to complete: write what was held
		 * and go on with the piece from its first byte. */
		buf_add(out, s->held, s->n_held);
		done += s->n_held;
		s->n_held = 0;
	}
	if (s->n_held)
		return done; /* the piece went into the held sequence */
	hold = unicode_incomplete_tail(p, len);
	buf_add(out, p, len - hold);
	done += len - hold;
	memcpy(s->held, p + len - hold, hold);
	s->n_held = hold;
	return done;
}

size_t tok_stream_flush(struct tok_stream *s, struct buf *out)
{
	size_t n = s->n_held;

	buf_add(out, s->held, n);
	s->n_held = 0;
	return n;
}

/* The vocabulary. */

uint32_t tok_n_vocab(const struct tok *t)
{
	return t->n;
}

enum tok_model tok_model(const struct tok *t)
{
	return t->model;
}

enum tok_pre tok_pre(const struct tok *t)
{
	return t->pre;
}

enum tok_type tok_type(const struct tok *t, int32_t id)
{
	if (id < 0 || (uint32_t)id >= t->n)
		return TOK_TYPE_UNDEFINED;
	return (enum tok_type)(t->attr[id] & ATTR_TYPE);
}

const char *tok_text(const struct tok *t, int32_t id, size_t *len)
{
	if (id < 0 || (uint32_t)id >= t->n) {
		*len = 0;
		return NULL;
	}
	return text_of(t, id, len);
}

int32_t tok_bos(const struct tok *t)
{
	return t->bos;
}

int32_t tok_eos(const struct tok *t)
{
	return t->eos;
}

int32_t tok_eot(const struct tok *t)
{
	return t->eot;
}

int32_t tok_unk(const struct tok *t)
{
	return t->unk;
}

int32_t tok_pad(const struct tok *t)
{
	return t->pad;
}

bool tok_add_bos(const struct tok *t)
{
	return t->add_bos && t->bos != TOK_NONE;
}

bool tok_add_eos(const struct tok *t)
{
	return t->add_eos && t->eos != TOK_NONE;
}

bool tok_is_eog(const struct tok *t, int32_t id)
{
	return id >= 0 && (uint32_t)id < t->n && (t->attr[id] & ATTR_EOG);
}

bool tok_is_control(const struct tok *t, int32_t id)
{
	unsigned type = tok_type(t, id);

	return type == TOK_TYPE_CONTROL || type == TOK_TYPE_UNKNOWN;
}
