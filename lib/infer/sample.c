/*
 * sample.c: choosing the next token, the generation loop, stop strings.
 *
 * The sampler follows llama.cpp's default chain: repetition penalty on the
 * raw logits, then top-k, top-p and min-p on the distribution at
 * temperature 1, then the temperature on the survivors, then a draw from
 * a seeded xoshiro256** generator. Candidates far below the maximum (a
 * probability under e^-20 of the top one's) are dropped before sorting,
 * so a 150k vocabulary costs one pass plus a sort of a few hundred.
 */
#include "infer/infer.h"

#include <math.h>

struct cand {
	float logit;
	int32_t id;
};

struct infer_sampler {
	struct infer_sampler_params p;
	int n_vocab;
	struct cand *c;     /* [n_vocab] */
	int32_t *recent;    /* ring of the last repeat_last_n accepted ids */
	int n_recent, head;
	uint64_t s[4];
};

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(struct infer_sampler *S)
{
	uint64_t *s = S->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

void infer_sampler_reset(struct infer_sampler *S, uint64_t seed)
{
	int i;

	/* splitmix64 expands the seed into the xoshiro state */
	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		S->s[i] = z ^ (z >> 31);
	}
	S->n_recent = 0;
	S->head = 0;
}

void infer_sampler_defaults(struct infer_sampler_params *p)
{
	p->temp = 0.8f;
	p->top_k = 40;
	p->top_p = 0.95f;
	p->min_p = 0.05f;
	p->repeat_penalty = 1.0f;
	p->repeat_last_n = 64;
	p->seed = 0;
}

struct infer_sampler *infer_sampler_new(const struct infer_sampler_params *p, int n_vocab)
{
	struct infer_sampler *S = xcalloc(1, sizeof(*S));

	S->p = *p;
	if (S->p.repeat_last_n < 0)
		S->p.repeat_last_n = 0;
	S->n_vocab = n_vocab;
	S->c = xmallocarray((size_t)MAX(n_vocab, 1), sizeof(*S->c));
	S->recent = xmallocarray((size_t)MAX(S->p.repeat_last_n, 1), sizeof(*S->recent));
	infer_sampler_reset(S, p->seed);
	return S;
}

void infer_sampler_free(struct infer_sampler *S)
{
	if (!S)
		return;
	free(S->c);
	free(S->recent);
	free(S);
}

void infer_sampler_accept(struct infer_sampler *S, int32_t id)
{
	if (!S->p.repeat_last_n)
		return;
	S->recent[S->head] = id;
	S->head = (S->head + 1) % S->p.repeat_last_n;
	if (S->n_recent < S->p.repeat_last_n)
		S->n_recent++;
}

static int by_logit(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->logit != y->logit)
		return x->logit < y->logit ? 1 : -1;
	return x->id - y->id; /* deterministic order among ties */
}

/* Apply the repetition penalty once per distinct recent id. */
static void penalize(struct infer_sampler *S, int n)
{
	int i, j;

	for (i = 0; i < S->n_recent; i++) {
		const int32_t id = S->recent[i];
		bool seen = false;

		for (j = 0; j < i && !seen; j++)
			seen = S->recent[j] == id;
		if (seen || id < 0 || id >= n)
			continue;
		/* candidates are still indexed by id here */
		if (S->c[id].logit > 0)
			S->c[id].logit /= S->p.repeat_penalty;
		else
			S->c[id].logit *= S->p.repeat_penalty;
	}
}

int32_t infer_sample(struct infer_sampler *S, const float *logits)
{
	const struct infer_sampler_params *p = &S->p;
	float max = -INFINITY, sum, cum, r;
	const bool penalty = p->repeat_penalty != 1.0f && p->repeat_penalty > 0;
	int n = S->n_vocab, i, keep;

	/* greedy without a penalty: the first highest logit, read in place
	 * (this runs once per generated token over the whole vocabulary) */
	if (p->temp <= 0 && !penalty) {
		int best = 0;
		float bv = logits[0];

		for (i = 1; i < n; i++)
			if (logits[i] > bv || bv != bv) { /* a NaN never wins */
				best = i;
				bv = logits[i];
			}
		return best;
	}
	for (i = 0; i < n; i++) {
		S->c[i].id = i;
		S->c[i].logit = logits[i];
	}
	if (penalty)
		penalize(S, n);
	for (i = 0; i < n; i++)
		if (S->c[i].logit > max)
			max = S->c[i].logit;
	if (p->temp <= 0) {
		for (i = 0; i < n; i++)
			if (S->c[i].logit == max)
				return i;
		return 0;
	}
	/* drop the hopeless tail, then sort what is left */
	keep = 0;
	for (i = 0; i < n; i++)
		if (S->c[i].logit >= max - 20.0f)
			S->c[keep++] = S->c[i];
	qsort(S->c, (size_t)keep, sizeof(*S->c), by_logit);
	if (p->top_k > 0 && p->top_k < keep)
		keep = p->top_k;
	/* probabilities at temperature 1 for top-p and min-p */
	sum = 0;
	for (i = 0; i < keep; i++)
		sum += expf(S->c[i].logit - max);
	if (p->top_p < 1.0f) {
		cum = 0;
		for (i = 0; i < keep; i++) {
			cum += expf(S->c[i].logit - max) / sum;
			if (cum >= p->top_p) {
				keep = i + 1;
				break;
			}
		}
	}
	if (p->min_p > 0) {
		/* p_i >= min_p * p_max  <=>  logit_i >= max + log(min_p) */
		const float cut = max + logf(p->min_p);

		for (i = 1; i < keep; i++)
			if (S->c[i].logit < cut) {
				keep = i;
				break;
			}
	}
	/* draw at the temperature */
	sum = 0;
	for (i = 0; i < keep; i++) {
		S->c[i].logit = expf((S->c[i].logit - max) / p->temp);
		sum += S->c[i].logit;
	}
	r = (float)((double)(next_u64(S) >> 11) * 0x1.0p-53) * sum;
	cum = 0;
	for (i = 0; i < keep; i++) {
		cum += S->c[i].logit;
		if (r < cum)
			return S->c[i].id;
	}
	return S->c[keep - 1].id;
}

/* The n-gram lengths prompt lookup tries, longest first. One token is too
 * weak a clue: a common token would draft at nearly every step. */
#define LOOKUP_NGRAM_MAX 4
#define LOOKUP_NGRAM_MIN 2
#define LOOKUP_MAX 16
/* The draft length adapts as assisted generation's usual schedule does:
 * it starts at LOOKUP_START, grows by 2 after a draft kept whole and
 * shrinks by 1 after one cut short (never below 1). Each drafted token
 * costs a share of a decode step when it is rejected, so a model that
 * rarely follows its earlier text is soon asked for one token at a time,
 * and one that loops is soon asked for the most. */
#define LOOKUP_START 5

/* Token i of the sequence toks[0..n - 1) followed by last. */
#define SEQ(i) ((i) < n - 1 ? toks[i] : last)

/*
 * Draft up to max tokens after the sequence toks[0..n - 1), last (the
 * cache's tokens and the one just sampled, read in place: the token loop
 * copies nothing): find the latest earlier place where its last L tokens
 * occur (L from LOOKUP_NGRAM_MAX down), and copy what followed there. The
 * copy may run on into the draft itself, as an LZ77 match does: a loop of
 * period d drafts its next turns. Returns the number of tokens in out.
 */
static int lookup_draft(const int32_t *toks, int32_t last, int n, int32_t *out, int max)
{
	for (int L = LOOKUP_NGRAM_MAX; L >= LOOKUP_NGRAM_MIN; L--) {
		if (n <= L)
			continue;
		/* p: start of an earlier occurrence, which must leave at
		 * least one token after it before the tail itself */
		for (int p = n - L - 1; p >= 0; p--) {
			int j = 0, k;

			while (j < L && SEQ(p + j) == SEQ(n - L + j))
				j++;
			if (j < L)
				continue;
			for (k = 0; k < max; k++)
				out[k] = p + L + k < n ? SEQ(p + L + k) : out[p + L + k - n];
			return k;
		}
	}
	return 0;
}
#undef SEQ

/* Emit id, the next generated token: 1 when generation ends here (g->stopped
 * says why; a stop id is not emitted), 0 to go on, -1 when cancelled. */
static int emit(struct infer_sampler *s, struct infer_gen *g, int32_t id, int *n, int *n_out)
{
	int rc;

	for (int i = 0; i < g->n_stop_ids; i++)
		if (id == g->stop_ids[i]) {
			g->stopped = INFER_STOP_ID;
			return 1;
		}
	infer_sampler_accept(s, id);
	(*n)++;
	if (n_out)
		*n_out = *n;
	rc = g->on_token ? g->on_token(g->user, id) : 0;
	if (rc < 0)
		return -1;
	if (rc > 0)
		g->stopped = INFER_STOP_CALLBACK;
	else if (*n >= g->max_tokens)
		g->stopped = INFER_STOP_LIMIT;
	return g->stopped != INFER_STOP_NONE;
}

int infer_generate(struct infer_ctx *c, struct infer_sampler *s, struct infer_gen *g, int *n_out,
		   struct err *err)
{
	const bool lookup = g->lookup > 0 && s->p.temp <= 0;
	const int lookup_max = MIN(g->lookup, LOOKUP_MAX);
	int32_t batch[1 + LOOKUP_MAX];
	int n = 0, rc = 0, k, j, base, draft = MIN(LOOKUP_START, lookup_max);
	int32_t id;

	g->stopped = INFER_STOP_NONE;
	g->n_drafted = g->n_accepted = 0;
	if (n_out)
		*n_out = 0;
	if (!infer_logits(c, -1))
		return err_set(err, ERR_USAGE, "infer: generate needs a prefill first");
	id = infer_sample(s, infer_logits(c, -1));
	for (;;) {
		/* id was sampled from the last evaluation and is not in the cache */
		if ((rc = emit(s, g, id, &n, n_out)) != 0)
			break;
		base = infer_n_past(c);
		if (base >= infer_ctx_n_ctx(c)) {
			g->stopped = INFER_STOP_CONTEXT;
			break;
		}
		k = !lookup ? 0 :
			lookup_draft(infer_tokens(c), id, base + 1, batch + 1,
				     MIN(draft, MIN(g->max_tokens - n, infer_ctx_n_ctx(c) - base - 1)));
		batch[0] = id;
		if (infer_prefill(c, batch, 1 + k, k ? INFER_ALL_LOGITS : 0, err) != 0) {
			rc = -2;
			break;
		}
		g->n_drafted += k;
		/* Row j holds the distribution after batch[j]: keep drafts while
		 * the model would have chosen them itself. */
		for (j = 0;; j++) {
			id = infer_sample(s, infer_logits(c, k ? j : -1));
			if (j == k || id != batch[j + 1])
				break;
			g->n_accepted++;
			if ((rc = emit(s, g, id, &n, n_out)) != 0)
				break;
			if (base + j + 1 >= infer_ctx_n_ctx(c)) {
				g->stopped = INFER_STOP_CONTEXT;
				rc = 1;
				break;
			}
		}
		if (k)
			draft = j == k ? MIN(draft + 2, lookup_max) : MAX(1, draft - 1);
		/* The cache keeps batch[0..j]: what one-by-one decoding would
		 * have evaluated by now. */
		infer_truncate(c, base + j + 1);
		if (rc != 0)
			break;
	}
	if (rc == -1)
		return err_set(err, ERR_CANCELLED, "infer: generation cancelled");
	return rc == -2 ? -1 : 0;
}

size_t infer_stop_scan(const char *text, size_t len, const char *const *stops, int n_stops,
		       bool *matched)
{
	size_t safe = len, i;
	int k;

	*matched = false;
	/* the earliest full occurrence of any stop string */
	for (i = 0; i < len && !*matched; i++)
		for (k = 0; k < n_stops; k++) {
			const size_t sl = strlen(stops[k]);

			if (sl && sl <= len - i && !memcmp(text + i, stops[k], sl)) {
				*matched = true;
				safe = i;
				break;
			}
		}
	if (*matched)
		return safe;
	/* hold back the longest tail that is a proper prefix of a stop */
	for (k = 0; k < n_stops; k++) {
		const size_t sl = strlen(stops[k]);
		size_t t;

		for (t = MIN(sl - (sl > 0), len); t > 0; t--)
			if (!memcmp(text + len - t, stops[k], t)) {
				safe = MIN(safe, len - t);
				break;
			}
	}
	return safe;
}
