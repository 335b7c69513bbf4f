/*
 * match.c: the pattern engine's entry point and scorer.
 *
 * At first use the intent table is compiled once (trigger words to
 * vocabulary ids, an index from each first-group word to its intents) and
 * the lexicon's typo index is built; after that a request costs a tokenise,
 * a slot pass and one fit per intent whose trigger words appear.
 *
 * Fit and score. An intent fits when every required word group has a word
 * in the request and every role its template needs can be filled. Its
 * score is explained / (explained + unexplained): tokens its triggers,
 * optional words, roles and slots account for, against meaningful words
 * and typed slots it leaves unused. A slot an intent ignores ("over 10MB"
 * for ls) costs more than a stray word, because dropping a filter makes a
 * confidently wrong command. Below MATCH_THRESHOLD the engine declines.
 */
#include "match_int.h"

#include <pthread.h>

#define MATCH_THRESHOLD 0.80
#define UNUSED_SLOT_COST 1.5
#define MAX_FITS 96
#define SLOT_BASE 3500 /* need ids >= this name a slot type: "@port" */

void lex_finish(void);
bool mt_role_known(const char *name, size_t n);
bool mt_pm_verb_known(const char *verb);

static struct cintent *cints;
/* Index: per vocabulary id, a chain of (intent, next) edges, one edge per
 * alternative of each intent's first word group. */
struct edge {
	int intent, next;
};
static int *idx_first; /* per vocab id: first edge, -1 */
static struct edge *edges;
static int nedges;
static int init_failed;
static char init_msg[200];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Intern the words of a trigger string; canonical ids come later. */
static void intern_spec(const char *s)
{
	char w[64];

	while (s && *s) {
		size_t n = strcspn(s, " |:");

		if (n > 0 && n < sizeof(w)) {
			memcpy(w, s, n);
			w[n] = '\0';
			if (w[0] != '@') {
				int id = lex_word(w);

				if (id < 0)
					lex_intern(xstrdup(w), WF_TARGET);
				else
					lex_intern(lex_str(id), WF_TARGET); /* adds the flag */
			}
		}
		s += n;
		if (*s == ':') /* skip the flag name */
			s += strcspn(s, " ");
		while (*s == ' ' || *s == '|')
			s++;
	}
}

int lex_canon(int id);

static const char *const slot_names[SL__COUNT] = {
	[SL_SIZE_MIN] = "size", [SL_TIME] = "time", [SL_EXT] = "ext", [SL_NAME] = "name",
	[SL_EXCLUDE] = "exclude", [SL_USER] = "user", [SL_PORT] = "port", [SL_PID] = "pid",
	[SL_COUNT] = "count", [SL_INTERVAL] = "interval",
};

static int word_id(const char *s, size_t n)
{
	char w[64];

	if (n == 0 || n >= sizeof(w))
		return -1;
	memcpy(w, s, n);
	w[n] = '\0';
	if (w[0] == '@') {
		for (int t = 0; t < SL__COUNT; t++)
			if (slot_names[t] && str_eq(slot_names[t], w + 1))
				return SLOT_BASE + t;
		return -1;
	}
	return lex_canon(lex_word(w));
}

static int compile_one(struct cintent *ci, const struct intent *in)
{
	const char *s = in->need;

	ci->src = in;
	while (*s) {
		size_t n;

		if (ci->nneed >= CI_GROUPS)
			return -1;
		while (*s && *s != ' ') {
			n = strcspn(s, " |");
			if (ci->nalt[ci->nneed] >= CI_ALTS)
				return -1;
			ci->need[ci->nneed][ci->nalt[ci->nneed]++] = word_id(s, n);
			s += n;
			if (*s == '|')
				s++;
		}
		ci->nneed++;
		while (*s == ' ')
			s++;
	}
	s = in->opt ? in->opt : "";
	while (*s) {
		size_t n = strcspn(s, " |:");
		const char *alts = s;
		const char *flag = NULL;
		size_t fl = 0;
		const char *e = s + strcspn(s, " ");

		/* "a|b:flag": every alternative sets flag */
		{
			const char *c = memchr(s, ':', (size_t)(e - s));

			if (c) {
				flag = c + 1;
				fl = (size_t)(e - flag);
			}
		}
		while (alts < e && *alts != ':') {
			n = strcspn(alts, " |:");
			if (ci->nopt >= CI_OPTS)
				return -1;
			ci->opt[ci->nopt] = word_id(alts, n);
			ci->optflag[ci->nopt] = flag ? xstrndup(flag, fl) : NULL;
			ci->nopt++;
			alts += n;
			if (*alts == '|')
				alts++;
		}
		s = e;
		while (*s == ' ')
			s++;
	}
	for (int o = 0; o < ci->nopt; o++) {
		ci->flagid[o] = -1;
		for (int k = 0; ci->optflag[o] && k <= o; k++)
			if (ci->optflag[k] && str_eq(ci->optflag[k], ci->optflag[o])) {
				ci->flagid[o] = (int8_t)k;
				break;
			}
	}
	return 0;
}

/* Every role a template names must exist: checked once at init so that a
 * typo in the table fails loudly in the unit tests. */
static int check_template(const char *t)
{
	for (const char *p = t; p && *p; p++) {
		const char *k;

		if (*p != '{' || (p > t && p[-1] == '\\'))
			continue;
		k = p + 1 + (p[1] == '?');
		{
			const char *st = k;

			while ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
			       (*k >= '0' && *k <= '9') || *k == '_')
				k++;
			if (k == st || (*k != '}' && *k != ':' && *k != '='))
				continue;
			if (k - st > 3 && strncmp(st, "pm_", 3) == 0) {
				char v[16];

				snprintf(v, sizeof(v), "%.*s", (int)(k - st - 3), st + 3);
				if (!mt_pm_verb_known(v))
					return -1;
				continue;
			}
			if (!mt_role_known(st, (size_t)(k - st)) && p[1] != '?')
				return -1;
		}
	}
	return 0;
}

static void init_once(void)
{
	lex_init();
	for (size_t i = 0; i < match_nintents; i++) {
		intern_spec(match_intents[i].need);
		intern_spec(match_intents[i].opt);
	}
	lex_finish();
	cints = xcalloc(match_nintents, sizeof(*cints));
	idx_first = xmallocarray(4096, sizeof(int));
	edges = xmallocarray(match_nintents * CI_ALTS, sizeof(*edges));
	for (int i = 0; i < 4096; i++)
		idx_first[i] = -1;
	for (size_t i = match_nintents; i-- > 0;) {
		const struct intent *in = &match_intents[i];

		if (compile_one(&cints[i], in) != 0 || cints[i].nneed == 0) {
			init_failed = 1;
			snprintf(init_msg, sizeof(init_msg), "match: intent %s: bad trigger spec", in->id);
			continue;
		}
		/* index by every word of the first group */
		for (int k = 0; k < cints[i].nalt[0]; k++) {
			int w = cints[i].need[0][k];

			if (w < 0 || w >= 4096) {
				init_failed = 1;
				snprintf(init_msg, sizeof(init_msg), "match: intent %s: bad word", in->id);
				continue;
			}
			edges[nedges].intent = (int)i;
			edges[nedges].next = idx_first[w];
			idx_first[w] = nedges++;
		}
	}
}
/* Initialise the tables; for tests that want to check the table. */
int match_init(struct err *err);
int match_init(struct err *err)
{
	pthread_once(&once, init_once);
	if (init_failed)
		return err_set(err, ERR_INTERNAL, "%s", init_msg);
	return 0;
}

/* Check every template's roles. The table is static data, so this is a
 * test's job (test_match.c), not something each process pays for. */
int match_check_tables(struct err *err);
int match_check_tables(struct err *err)
{
	if (match_init(err) != 0)
		return -1;
	for (size_t i = 0; i < match_nintents; i++) {
		const struct intent *in = &match_intents[i];

		if (check_template(in->gnu) || check_template(in->bsd) || check_template(in->fbsd) ||
		    check_template(in->expl))
			return err_set(err, ERR_INTERNAL, "match: intent %s: unknown role", in->id);
	}
	return 0;
}

static const char *pick_template(const struct intent *in, const struct platform *p)
{
	bool bsd;

	switch (in->sel) {
	case SEL_NONE:
		return in->gnu;
	case SEL_OS:
		if (p->os == PLAT_MACOS)
			return in->bsd ? in->bsd : in->gnu;
		if (p->os == PLAT_FREEBSD)
			return in->fbsd;
		return in->gnu;
	case SEL_BSD:
		if (p->os == PLAT_MACOS || p->os == PLAT_FREEBSD)
			return p->os == PLAT_FREEBSD && in->fbsd ? in->fbsd : in->bsd;
		return in->gnu;
	case SEL_INIT:
		if (str_eq(p->init, "launchd"))
			return in->bsd;
		if (str_eq(p->init, "rc"))
			return in->fbsd;
		return in->gnu;
	default:
		bsd = platform_is_bsd(p, (enum plat_tool)(in->sel - SEL_SED));
		if (!bsd)
			return in->gnu;
		if (p->os == PLAT_FREEBSD && in->fbsd)
			return in->fbsd;
		return in->bsd ? in->bsd : in->gnu;
	}
}

struct fit {
	int intent;
	double score;
	double explained;
};

/* A trigger word may be a token no slot took, or a slot of that one
 * token ("images" is a file type for find, a noun for docker). */
static bool word_free(const struct mreq *r, const struct mfill *f, int i)
{
	int s = r->t[i].slot;

	if (s >= 0 && r->s[s].type == SL_COUNT && r->t[i].kind == TK_WORD)
		return true; /* "last" of "last 5": tail's trigger and the count's cue */
	return s < 0 || (r->s[s].ntok == 1 && !f->slot_used[s]);
}

static bool name_shaped_tok(const struct mtok *t)
{
	bool upper = false, digit = false;
	size_t n = strlen(t->raw);

	for (const char *p = t->raw + 1; *p; p++) {
		upper |= *p >= 'A' && *p <= 'Z';
		digit |= (*p >= '0' && *p <= '9') || *p == '_';
	}
	return upper && (n >= 5 || digit);
}

static void take_word(const struct mreq *r, struct mfill *f, int i)
{
	int s = r->t[i].slot;

	f->used[i] = true;
	if (s >= 0 && r->s[s].type != SL_COUNT)
		f->slot_used[s] = true;
}

/* Fit intent ci to the request; false when it does not apply. */
static bool fit(const struct mreq *r, const struct cintent *ci, const struct platform *p,
		struct mfill *f, struct fit *out)
{
	const char *tmpl = pick_template(ci->src, p);
	double e = 0, u = 0;
	bool needhit[MT_MAX_TOKS] = {false};
	bool trig[MT_MAX_TOKS];
	int strong = 0;

	if (!tmpl)
		return false;
	memset(f, 0, sizeof(*f));
	f->r = r;
	f->ci = ci;
	f->plat = p;
	for (int g = 0; g < ci->nneed; g++) {
		int hit = -1;

		for (int a = 0; a < ci->nalt[g] && hit < 0; a++) {
			int w = ci->need[g][a];

			if (w >= SLOT_BASE) { /* "@port": a typed slot */
				/* presence only: the template still has to use the slot */
				for (int s = 0; s < r->ns; s++)
					if (r->s[s].type == w - SLOT_BASE && !f->slot_used[s]) {
						hit = MT_MAX_TOKS;
						break;
					}
				continue;
			}
			for (int i = 0; i < r->n; i++)
				if (!f->used[i] && r->t[i].w == w && word_free(r, f, i)) {
					hit = i;
					break;
				}
		}
		if (hit < 0)
			return false;
		if (hit < MT_MAX_TOKS)
			take_word(r, f, hit);
		needhit[hit < MT_MAX_TOKS ? hit : 0] |= hit < MT_MAX_TOKS;
	}
	for (int o = 0; o < ci->nopt; o++) {
		for (int i = 0; i < r->n; i++) {
			if (r->t[i].w != ci->opt[o])
				continue;
			if (needhit[i]) { /* a need word can also set a flag */
				f->flags |= 1u << o;
				break;
			}
			if (f->used[i] || !word_free(r, f, i) || name_shaped_tok(&r->t[i]))
				continue; /* "SHA256SUMS" is a file name, not the word sha256 */
			take_word(r, f, i);
			f->flags |= 1u << o;
			break;
		}
	}
	/* a second word from a need group ("context around") is explained too */
	for (int g = 0; g < ci->nneed; g++)
		for (int a = 0; a < ci->nalt[g]; a++)
			for (int i = 0; i < r->n; i++)
				if (!f->used[i] && r->t[i].w == ci->need[g][a] && word_free(r, f, i))
					take_word(r, f, i);
	/* a flag set by one alternative counts for its siblings too */
	for (int o = 0; o < ci->nopt; o++)
		if (((f->flags >> o) & 1u) && ci->flagid[o] >= 0)
			for (int k = 0; k < ci->nopt; k++)
				if (ci->flagid[k] == ci->flagid[o])
					f->flags |= 1u << k;
	memcpy(trig, f->used, sizeof(trig));
	if (mt_render(f, tmpl, true, false, NULL) != 0)
		return false;
	for (int i = 0; i < r->n; i++) {
		const struct mtok *t = &r->t[i];

		if (t->slot >= 0 && !(f->used[i] && !f->slot_used[t->slot]))
			continue;
		if (!f->used[i]) {
			/* a quoted string left out is the user's own words ignored */
			u += t->stop ? 0 : t->kind == TK_QUOTED ? 2 : 1;
			continue;
		}
		if (!t->stop && (!trig[i] || !(lex_flags(t->w) & WF_WEAK)))
			strong++;
		if (t->stop)
			e += 0.25;
		else if (!trig[i] && t->kind == TK_WORD && t->w >= 0)
			e += 0.6, u += 0.2; /* a known word taken as a value is a guess */
		else
			e += 1;
	}
	for (int s = 0; s < r->ns; s++) {
		if (f->slot_used[s])
			e += r->s[s].ntok, strong++;
		else
			u += UNUSED_SLOT_COST;
	}
	if (strong == 0)
		return false;
	out->intent = (int)(ci - cints);
	out->explained = e;
	out->score = e + u > 0 ? e / (e + u) : 0;
	return true;
}

static int cmp_fit(const void *a, const void *b)
{
	const struct fit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->explained != y->explained)
		return x->explained > y->explained ? -1 : 1;
	return x->intent - y->intent;
}

int match_request(const char *req, size_t len, const struct match_opts *opts,
		  struct match_result *res, struct err *err)
{
	struct mreq *r = NULL;
	struct fit fits[MAX_FITS];
	struct mfill f;
	int nfits = 0, ret = -1;
	size_t want;
	static _Thread_local unsigned char seen[8192];

	memset(res, 0, sizeof(*res));
	if (!opts || !opts->plat || !req)
		return err_set(err, ERR_USAGE, "match: no request or platform");
	if (match_init(err) != 0)
		return -1;
	want = opts->max_candidates ? MIN(opts->max_candidates, MATCH_MAX_CANDIDATES) : 1;
	r = xmalloc(sizeof(*r));
	if (mt_tokenize(r, req, len, err) != 0)
		goto out;
	if (r->n == 0) {
		err_set(err, ERR_DECLINED, "match: empty request");
		goto out;
	}
	ms_extract(r);

	memset(seen, 0, match_nintents < sizeof(seen) ? match_nintents : sizeof(seen));
	for (int i = 0; i < r->n; i++) {
		int w = r->t[i].w;

		if (w < 0 || w >= 4096)
			continue;
		for (int e = idx_first[w]; e >= 0; e = edges[e].next) {
			int k = edges[e].intent;
			struct fit ft;

			if (seen[k])
				continue;
			seen[k] = 1;
			if (fit(r, &cints[k], opts->plat, &f, &ft) && ft.score >= MATCH_THRESHOLD &&
			    nfits < MAX_FITS)
				fits[nfits++] = ft;
		}
	}
	for (int s = 0; s < r->ns; s++) {
		for (int e = idx_first[SLOT_BASE + r->s[s].type]; e >= 0; e = edges[e].next) {
			int k = edges[e].intent;
			struct fit ft;

			if (seen[k])
				continue;
			seen[k] = 1;
			if (fit(r, &cints[k], opts->plat, &f, &ft) && ft.score >= MATCH_THRESHOLD &&
			    nfits < MAX_FITS)
				fits[nfits++] = ft;
		}
	}
	if (nfits == 0) {
		err_set(err, ERR_DECLINED, "match: no confident match");
		goto out;
	}
	qsort(fits, (size_t)nfits, sizeof(fits[0]), cmp_fit);
	for (int k = 0; k < nfits && res->n < want; k++) {
		const struct cintent *ci = &cints[fits[k].intent];
		struct buf cmd = BUF_INIT, ex = BUF_INIT;
		struct fit again;
		bool dup = false;

		/* refit: the fill state is rebuilt rather than stored per intent */
		fit(r, ci, opts->plat, &f, &again);
		mt_render(&f, pick_template(ci->src, opts->plat), false, false, &cmd);
		for (size_t j = 0; j < res->n; j++)
			dup |= str_eq(res->c[j].command, buf_str(&cmd));
		if (dup || cmd.len == 0) {
			buf_release(&cmd);
			continue;
		}
		if (ci->src->expl)
			mt_render(&f, ci->src->expl, false, true, &ex);
		else
			buf_adds(&ex, ci->src->id);
		res->c[res->n].command = buf_detach(&cmd);
		res->c[res->n].explanation = buf_detach(&ex);
		res->c[res->n].intent = ci->src->id;
		res->c[res->n].score = fits[k].score;
		res->n++;
	}
	ret = 0;
out:
	free(r);
	return ret;
}

void match_result_release(struct match_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n && i < MATCH_MAX_CANDIDATES; i++) {
		free(r->c[i].command);
		free(r->c[i].explanation);
	}
	memset(r, 0, sizeof(*r));
}
