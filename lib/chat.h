/*
 * chat.h: chat templates, the text a chat model was trained to read.
 *
 * A GGUF file carries its template as Jinja source (tokenizer.
 * chat_template). caro runs no Jinja: it recognises the family from marks
 * the source must contain and renders that family's layout itself. Three
 * families cover the models caro's catalog offers and most small chat
 * models besides:
 *
 *   chatml  <|im_start|>ROLE\nCONTENT<|im_end|>\n        SmolLM2, Qwen2.5
 *   llama3  <|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|>
 *   zephyr  <|ROLE|>\nCONTENT END\n  where END is <|endoftext|>, <|end|>
 *           (Phi-3) or the vocabulary's EOS text (</s>: Zephyr, TinyLlama)
 *
 * followed by the opening of the assistant's turn. The layouts match
 * llama.cpp's llama_chat_apply_template for the same families
 * (tests/unit/test_chat.c holds the strings). A template that matches no
 * family, or none at all, is rendered as ChatML with known = false, so the
 * caller can warn.
 *
 * Rendering produces the text together with its parts: template parts
 * (where control tokens such as <|im_end|> may be written) and message
 * contents (where they are ordinary text), ready for tok_encode_parts(),
 * so a request containing "<|im_end|>" cannot close its own turn.
 */
#ifndef CARO_CHAT_H
#define CARO_CHAT_H

#include "buf.h"
#include "common.h"
#include "err.h"
#include "infer/tok.h"
#include "prompt.h"

enum chat_family { CHAT_CHATML, CHAT_LLAMA3, CHAT_ZEPHYR, CHAT_FAMILY_COUNT };

struct chat_template {
	enum chat_family family;
	bool known;      /* recognised; false: ChatML as a fallback */
	char end[32];    /* zephyr: the text that ends a turn */
};

/* Recognise the template source tmpl[0..len) (NULL or empty: none).
 * eos_text is the vocabulary's EOS token text (may be NULL), for the
 * zephyr family's templates that end turns with eos_token. */
void chat_detect(const char *tmpl, size_t len, const char *eos_text, struct chat_template *out);
/* "chatml", "llama3" or "zephyr". */
const char *chat_family_name(enum chat_family f);

/* A rendered prompt. parts point into text. */
struct chat_prompt {
	struct buf text;
	struct tok_part *parts;
	size_t n_parts;
	size_t n_prefix_parts; /* parts rendering messages [0, p->n_prefix) */
	size_t prefix_len;     /* bytes of text those parts cover */
	/* The same through the last message's directory lines
	 * (p->context_len bytes of it; 0 parts when there are none). */
	size_t n_context_parts;
	size_t context_len;
};

/* Render the messages of p in template t, ending with the opening of the
 * assistant's turn, into out (released with chat_prompt_release, also on
 * failure). -1 with ERR_USAGE for an empty prompt. */
int chat_render(const struct chat_template *t, const struct prompt *p, struct chat_prompt *out,
		struct err *err);
void chat_prompt_release(struct chat_prompt *cp);

/* Texts that end the assistant's turn when a model writes them as plain
 * text (its vocabulary lacking the control token): up to cap of them into
 * out (pointing into t or static storage). Returns how many. */
#define CHAT_MAX_STOPS 4
size_t chat_stop_strings(const struct chat_template *t, const char **out, size_t cap);

#endif
