/*
 * tok_split.h: the pre-tokenizers of byte-level BPE (internal to tok.c).
 *
 * A pre-tokenizer cuts a stretch of text into the words that BPE then
 * merges within. The rules are the regular expressions of the original
 * tokenizers, written here as scanners over codepoint classes.
 */
#ifndef CARO_INFER_TOK_SPLIT_H
#define CARO_INFER_TOK_SPLIT_H

#include "infer/tok.h"

/* A stretch of text as codepoints and their unicode_flags(). */
struct tok_cps {
	const uint32_t *cp;
	const uint8_t *fl;
	uint32_t n;
};

/*
 * Split c into words by the rules of pre. Writes the end index (exclusive,
 * in codepoints) of each word, in order, to ends and returns their number;
 * the words cover c exactly and none is empty. ends and tmp must each hold
 * c->n entries; tmp is scratch.
 */
size_t tok_split(enum tok_pre pre, const struct tok_cps *c, uint32_t *ends, uint32_t *tmp);

#endif
