/*
 * match_build.c: the engine's tables (struct mtables) from its data.
 *
 * Interns every word the engine knows into one vocabulary, in a fixed order
 * (extensions and file types, filler, extra, weak, synonyms, phrases, then
 * each intent's trigger words), because ids break ties in typo correction
 * and order the phrase and trigger chains. Then it indexes each word's
 * synonym, phrases, cue and number value, groups typo targets by length,
 * compiles each intent's trigger spec to canonical ids and chains intents by
 * their first word group.
 *
 * This runs at build time: tools/match_gen.c writes the result as const C
 * data that the engine reads (build/gen/match_tables.c), and a unit test
 * builds it again and compares. caro itself never links this file. Limits
 * that the runtime builder used to meet by silently dropping words are
 * errors here, so a table that outgrows them fails the build.
 */
#include "match_int.h"

/* The tables while they grow; t views the arrays built so far. */
struct bld {
	struct mtables t;
	char *pool;
	size_t poolsz, poolcap;
	struct mword *words;
	int nwords, wordcap;
	int16_t *hash;
	struct err *err;
};

static int intern_n(struct bld *b, const char *w, size_t n, unsigned flags)
{
	uint32_t h;
	int id = mt_lookup(&b->t, w, n);

	if (id >= 0) {
		b->words[id].flags |= (uint8_t)flags;
		return id;
	}
	if (n == 0)
		return err_set(b->err, ERR_INTERNAL, "match: empty word");
	if (b->nwords >= MT_SLOT_BASE || 2 * (b->nwords + 1) > MT_LEX_CAP)
		return err_set(b->err, ERR_INTERNAL, "match: more than %d words", b->nwords);
	if (b->poolsz + n + 1 > UINT32_MAX)
		return err_set(b->err, ERR_INTERNAL, "match: word pool too large");
	if (b->poolsz + n + 1 > b->poolcap) {
		b->poolcap = MAX(b->poolcap * 2, b->poolsz + n + 1);
		b->pool = xrealloc(b->pool, b->poolcap);
		b->t.pool = b->pool;
	}
	if (b->nwords >= b->wordcap) {
		b->wordcap = b->wordcap ? 2 * b->wordcap : 1024;
		b->words = xrealloc(b->words, (size_t)b->wordcap * sizeof(*b->words));
		b->t.words = b->words;
	}
	memset(&b->words[b->nwords], 0, sizeof(b->words[0]));
	b->words[b->nwords].off = (uint32_t)b->poolsz;
	b->words[b->nwords].syn = b->words[b->nwords].phr = b->words[b->nwords].num = -1;
	b->words[b->nwords].flags = (uint8_t)flags;
	b->words[b->nwords].cue = CUE_NONE;
	memcpy(b->pool + b->poolsz, w, n);
	b->pool[b->poolsz + n] = '\0';
	b->poolsz += n + 1;
	h = mt_hash(w, n) & (MT_LEX_CAP - 1);
	while (b->hash[h] >= 0)
		h = (h + 1) & (MT_LEX_CAP - 1);
	b->hash[h] = (int16_t)b->nwords;
	b->t.nwords = ++b->nwords;
	return b->nwords - 1;
}

static int intern(struct bld *b, const char *w, unsigned flags)
{
	return intern_n(b, w, strlen(w), flags);
}

/* Each space-separated word of a phrase or its replacement, unless it is
 * a path ("~", "/tmp") or a number ("#5"). New words get no flags. */
static int intern_words(struct bld *b, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, " ");

		if (n > 0 && !strchr("~/.#", s[0]) && mt_lookup(&b->t, s, n) < 0 &&
		    intern_n(b, s, n, 0) < 0)
			return -1;
		s += n;
		s += strspn(s, " ");
	}
	return 0;
}

/* A trigger spec's words ("a|b c d:flag"; "@port" names a slot) are typo
 * targets. A leading ^ (need only) is no word: see struct intent. */
static int intern_spec(struct bld *b, const char *s)
{
	if (s && *s == '^')
		s++;
	while (s && *s) {
		size_t n = strcspn(s, " |:+!");

		if (n > 0 && s[0] != '@' && intern_n(b, s, n, WF_TARGET) < 0)
			return -1;
		s += n;
		if (*s == '+' || *s == '!') /* a number mark, need only */
			s++;
		if (*s == ':') /* skip the flag name */
			s += strcspn(s, " ");
		s += strspn(s, " |");
	}
	return 0;
}

static int intern_all(struct bld *b)
{
	for (size_t i = 0; i < lex_nexts; i++)
		if (intern(b, lex_exts[i], WF_EXT | WF_NOTYPO) < 0)
			return -1;
	for (size_t i = 0; i < lex_nftypes; i++)
		if (intern(b, lex_ftypes[i].word, WF_FTYPE) < 0)
			return -1;
	for (size_t i = 0; i < lex_nstopwords; i++)
		if (intern(b, lex_stopwords[i], WF_STOP) < 0)
			return -1;
	for (size_t i = 0; i < lex_nextra_words; i++)
		if (intern(b, lex_extra_words[i], WF_TARGET) < 0)
			return -1;
	for (size_t i = 0; i < lex_nweak_words; i++)
		if (intern(b, lex_weak_words[i], WF_WEAK) < 0)
			return -1;
	for (size_t i = 0; i < lex_nsynonyms; i++)
		if (intern(b, lex_synonyms[i].from, 0) < 0 || intern(b, lex_synonyms[i].to, 0) < 0)
			return -1;
	for (size_t i = 0; i < lex_nphrases; i++)
		if (intern_words(b, lex_phrases[i].words) ||
		    (lex_phrases[i].to[0] != '=' && intern_words(b, lex_phrases[i].to)))
			return -1;
	for (size_t i = 0; i < match_nintents; i++)
		if (intern_spec(b, match_intents[i].need) || intern_spec(b, match_intents[i].opt))
			return err_prefix(b->err, "intent %s", match_intents[i].id);
	return 0;
}

static int word(const struct bld *b, const char *w)
{
	return mt_lookup(&b->t, w, strlen(w));
}

/* Phrases by first word: inserted in reverse so that each chain lists the
 * longer phrases (written first in the table) first. */
static int index_phrases(struct bld *b)
{
	struct mphrase *phr = xcalloc(lex_nphrases, sizeof(*phr));

	b->t.phr = phr;
	b->t.nphr = (int)lex_nphrases;
	if (lex_nphrases > INT16_MAX)
		return err_set(b->err, ERR_INTERNAL, "match: too many phrases");
	for (size_t k = lex_nphrases; k-- > 0;) {
		const char *s = lex_phrases[k].words;
		struct mphrase *p = &phr[k];

		while (*s) {
			size_t n = strcspn(s, " ");
			int id = mt_lookup(&b->t, s, n);

			if (p->n >= MT_PHRASE_WORDS || id < 0)
				return err_set(b->err, ERR_INTERNAL,
					       "match: phrase \"%s\": more than %d words or a path",
					       lex_phrases[k].words, MT_PHRASE_WORDS);
			p->w[p->n++] = (int16_t)id;
			s += n;
			s += strspn(s, " ");
		}
		if (p->n == 0)
			return err_set(b->err, ERR_INTERNAL, "match: empty phrase");
		p->next = b->words[p->w[0]].phr;
		b->words[p->w[0]].phr = (int16_t)k;
	}
	return 0;
}

/* Only words intents and slots use may be typo targets: the lexicon's
 * rarer synonyms ("alive") would turn names ("alice") into meanings. */
static bool typo_target(const struct bld *b, int id)
{
	size_t n = strlen(b->pool + b->words[id].off);
	unsigned fl = b->words[id].flags;

	return n >= 4 && n < MT_TYPO_MAXLEN && !(fl & WF_NOTYPO) && ((fl & WF_TARGET) || n >= 6);
}

/* Typo targets grouped by length, by id within a length (counting sort). */
static void index_typos(struct bld *b)
{
	int16_t *first = xcalloc(MT_TYPO_MAXLEN + 2, sizeof(*first));
	int16_t *ids = xmallocarray((size_t)b->nwords + 1, sizeof(*ids));
	int count[MT_TYPO_MAXLEN + 2] = {0};

	for (int id = 0; id < b->nwords; id++)
		if (typo_target(b, id))
			count[strlen(b->pool + b->words[id].off) + 1]++;
	for (int n = 1; n <= MT_TYPO_MAXLEN + 1; n++)
		count[n] += count[n - 1];
	for (int n = 0; n <= MT_TYPO_MAXLEN + 1; n++)
		first[n] = (int16_t)count[n];
	for (int id = 0; id < b->nwords; id++)
		if (typo_target(b, id))
			ids[count[strlen(b->pool + b->words[id].off)]++] = (int16_t)id;
	b->t.typo_first = first;
	b->t.typo_ids = ids;
	b->t.ntypo = first[MT_TYPO_MAXLEN + 1];
}

/* Second half, once every word is interned: per-word indexes. */
static int index_words(struct bld *b)
{
	for (size_t i = 0; i < lex_nsynonyms; i++) {
		int a = word(b, lex_synonyms[i].from), c = word(b, lex_synonyms[i].to);

		if (a != c)
			b->words[a].syn = (int16_t)c;
	}
	if (index_phrases(b) != 0)
		return -1;
	for (size_t i = 0; i < lex_ncues; i++) {
		int id = word(b, lex_cues[i].w);

		if (id < 0)
			return err_set(b->err, ERR_INTERNAL, "match: cue %s is no word", lex_cues[i].w);
		b->words[id].cue = (int8_t)lex_cues[i].v;
	}
	for (size_t i = 0; i < lex_nnumwords; i++) {
		int id = word(b, lex_numwords[i].w);

		if (id < 0)
			return err_set(b->err, ERR_INTERNAL, "match: number %s is no word",
				       lex_numwords[i].w);
		b->words[id].num = (int16_t)lex_numwords[i].v;
	}
	index_typos(b);
	return 0;
}

static const char *const slot_names[SL__COUNT] = {
	[SL_SIZE_MIN] = "size", [SL_TIME] = "time", [SL_EXT] = "ext", [SL_NAME] = "name",
	[SL_EXCLUDE] = "exclude", [SL_USER] = "user", [SL_PORT] = "port", [SL_PID] = "pid",
	[SL_COUNT] = "count", [SL_INTERVAL] = "interval", [SL_DATE] = "date",
};

/* A trigger word's canonical id, or MT_SLOT_BASE + slot for "@slot"; -1. */
static int word_id(const struct bld *b, const char *s, size_t n)
{
	int id;

	if (n > 1 && s[0] == '@') {
		for (int t = 0; t < SL__COUNT; t++)
			if (slot_names[t] && strlen(slot_names[t]) == n - 1 &&
			    !strncmp(slot_names[t], s + 1, n - 1))
				return MT_SLOT_BASE + t;
		return -1;
	}
	id = n ? mt_lookup(&b->t, s, n) : -1;
	return id >= 0 && b->words[id].syn >= 0 ? b->words[id].syn : id;
}

/* "a|b c": groups of alternatives, each group required. "a b|c:flag"
 * for optional words, where every alternative sets the flag. */
static int compile_one(const struct bld *b, struct cintent *ci, const struct intent *in)
{
	const char *s = in->need + (in->need[0] == '^');

	while (*s) {
		if (ci->nneed >= CI_GROUPS)
			return -1;
		while (*s && *s != ' ') {
			size_t n = strcspn(s, " |");
			char mark = n > 1 && (s[n - 1] == '+' || s[n - 1] == '!') ? s[n - 1] : 0;
			int id = word_id(b, s, n - (mark != 0));
			int a = ci->nalt[ci->nneed];

			if (a >= CI_ALTS || id < 0 || (mark && id >= MT_SLOT_BASE))
				return -1;
			if (mark == '+')
				ci->many[ci->nneed] |= (uint16_t)(1u << a);
			else if (mark == '!')
				ci->one[ci->nneed] |= (uint16_t)(1u << a);
			ci->need[ci->nneed][ci->nalt[ci->nneed]++] = (int16_t)id;
			s += n;
			if (*s == '|')
				s++;
		}
		ci->nneed++;
		s += strspn(s, " ");
	}
	s = in->opt ? in->opt : "";
	while (*s) {
		const char *e = s + strcspn(s, " ");
		const char *c = memchr(s, ':', (size_t)(e - s));

		if (c && (c + 1 == e || e - c - 1 > UINT8_MAX || c + 1 - in->opt > UINT16_MAX))
			return -1;
		while (s < e && *s != ':') {
			size_t n = strcspn(s, " |:");
			int id = word_id(b, s, n);

			if (ci->nopt >= CI_OPTS || id < 0)
				return -1;
			ci->opt[ci->nopt] = (int16_t)id;
			ci->flagoff[ci->nopt] = c ? (uint16_t)(c + 1 - in->opt) : 0;
			ci->flaglen[ci->nopt] = c ? (uint8_t)(e - c - 1) : 0;
			ci->nopt++;
			s += n;
			if (*s == '|')
				s++;
		}
		s = e + strspn(e, " ");
	}
	for (int o = 0; o < ci->nopt; o++) {
		ci->flagid[o] = -1;
		for (int k = 0; ci->flaglen[o] && k <= o; k++)
			if (ci->flaglen[k] == ci->flaglen[o] &&
			    !strncmp(in->opt + ci->flagoff[k], in->opt + ci->flagoff[o], ci->flaglen[o])) {
				ci->flagid[o] = (int8_t)k;
				break;
			}
	}
	return ci->nneed > 0 ? 0 : -1;
}

/* Compile every intent; chain each by the words of its first group, last
 * intent first so that every chain runs in table order. */
static int compile_intents(struct bld *b)
{
	struct cintent *cints = xcalloc(match_nintents, sizeof(*cints));
	int16_t *first = xmallocarray(MT_IDX_CAP, sizeof(*first));
	struct medge *edges = xmallocarray(match_nintents * CI_ALTS, sizeof(*edges));
	int nedges = 0;

	b->t.cints = cints;
	b->t.ncints = (int)match_nintents;
	b->t.idx_first = first;
	b->t.edges = edges;
	for (int i = 0; i < MT_IDX_CAP; i++)
		first[i] = -1;
	if (match_nintents > INT16_MAX || match_nintents * CI_ALTS > INT16_MAX)
		return err_set(b->err, ERR_INTERNAL, "match: too many intents");
	for (size_t i = match_nintents; i-- > 0;) {
		const struct intent *in = &match_intents[i];

		if (compile_one(b, &cints[i], in) != 0)
			return err_set(b->err, ERR_INTERNAL, "match: intent %s: bad trigger spec",
				       in->id);
		for (int k = 0; k < cints[i].nalt[0]; k++) {
			int w = cints[i].need[0][k];

			edges[nedges].intent = (int16_t)i;
			edges[nedges].next = first[w];
			first[w] = (int16_t)nedges++;
		}
	}
	b->t.nedges = nedges;
	return 0;
}

int match_tables_build(struct mtables *t, struct err *err)
{
	struct bld b;
	int16_t *hash = xmallocarray(MT_LEX_CAP, sizeof(*hash));

	memset(&b, 0, sizeof(b));
	for (int i = 0; i < MT_LEX_CAP; i++)
		hash[i] = -1;
	b.hash = hash;
	b.t.hash = hash;
	b.err = err;
	if (intern_all(&b) != 0 || index_words(&b) != 0 || compile_intents(&b) != 0) {
		match_tables_release(&b.t);
		memset(t, 0, sizeof(*t));
		return -1;
	}
	b.t.poolsz = (uint32_t)b.poolsz;
	*t = b.t;
	return 0;
}

/* The arrays were allocated above, so their const is only the view's. */
void match_tables_release(struct mtables *t)
{
	free((void *)t->pool);
	free((void *)t->words);
	free((void *)t->hash);
	free((void *)t->typo_first);
	free((void *)t->typo_ids);
	free((void *)t->phr);
	free((void *)t->cints);
	free((void *)t->idx_first);
	free((void *)t->edges);
	memset(t, 0, sizeof(*t));
}
