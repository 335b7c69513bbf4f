/*
 * match.c: the pattern engine's entry point and scorer.
 *
 * The intent table is compiled at build time (trigger words to vocabulary
 * ids, an index from each first-group word to its intents; match_build.c),
 * so a request costs a tokenise, a slot pass and one fit per intent whose
 * trigger words appear, with no start-up work.
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

#include "explain/explain.h"
#include "shell/shell.h"

#include <ctype.h>
#include <strings.h>

#define MATCH_THRESHOLD 0.80
#define UNUSED_SLOT_COST 1.5
#define MAX_FITS 96
/* What the request's leading verb costs when an intent leaves it unread. */
#define VERB_COST 2.0
/* What a file or path the intent leaves unread costs: "lines 10-20 of
 * a.txt and b.txt" printed from a.txt alone ignores a name the user typed. */
#define UNREAD_NAME_COST 2.0

/* A word left unread that names something the command must act on, so it
 * costs like an unread path: right after in/under/inside it is a place
 * ("png files in images" would search the current folder), and an unknown
 * name after "with" is content ("a file named .gitignore with node_modules
 * in it" would be an empty file). */
static bool unread_name_word(const struct mreq *r, int i)
{
	const struct mtok *t = &r->t[i], *p = i > 0 ? &r->t[i - 1] : NULL;

	if (t->kind != TK_WORD)
		return false;
	if (t->cue == CUE_WITH && t->w < 0)
		return true;
	return p && t->cue == CUE_IN &&
	       (str_eq(p->low, "in") || str_eq(p->low, "under") || str_eq(p->low, "inside"));
}
/* An alternative to the best candidate is offered only when it scores
 * nearly as well, guesses no more of its values, and reads the request's
 * paths the same way (not a folder as a file). A wrong alternative is
 * shown to the user as readily as the first answer. */
#define ALT_MARGIN 0.1
#define T match_tables

bool mt_role_known(const char *name, size_t n);
bool mt_pm_verb_known(const char *verb);

/* Every role a template names must exist: match_check_tables runs this in
 * the unit tests, so that a typo in the table fails loudly there. */
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

/* Check every template's roles. The table is static data, so this is a
 * test's job (test_match.c), not something each process pays for. */
int match_check_tables(struct err *err);
int match_check_tables(struct err *err)
{
	for (size_t i = 0; i < match_nintents; i++) {
		const struct intent *in = &match_intents[i];

		if (check_template(in->gnu) || check_template(in->bsd) || check_template(in->fbsd) ||
		    check_template(in->expl))
			return err_set(err, ERR_INTERNAL, "match: intent %s: unknown role", in->id);
	}
	for (size_t k = 0; k < match_nendless; k++) {
		size_t i = 0;

		while (i < match_nintents && !str_eq(match_intents[i].id, match_endless[k]))
			i++;
		if (i == match_nintents)
			return err_set(err, ERR_INTERNAL, "match: endless intent %s: no such intent",
				       match_endless[k]);
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
			return in->bsd ? (*in->bsd ? in->bsd : NULL) : in->gnu;
		if (p->os == PLAT_FREEBSD)
			return in->fbsd;
		return in->gnu;
	case SEL_BSD:
		if (p->os == PLAT_MACOS || p->os == PLAT_FREEBSD)
			return p->os == PLAT_FREEBSD && in->fbsd ? in->fbsd : in->bsd;
		return in->gnu;
	case SEL_SHELL:
		return p->shell == SHELL_FISH ? in->bsd : in->gnu;
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
	int guesses;       /* known words taken as values */
	int weakneed;      /* required words met by a verb of looking ("show") */
	int marked;        /* required words met in the number they ask for ("size+") */
	bool verb;         /* the request's first word is one of its required words */
	uint64_t as_dir;   /* tokens a role takes as a folder, by index */
	uint64_t as_file;  /* ... as a file */
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

/* Whether extension slot s only restates the suffix of a file a role took
 * ("a .tgz file named site.tgz"): the file says it, so it is explained. */
static bool ext_restated(const struct mreq *r, const struct mfill *f, int s)
{
	const char *ext = r->s[s].val;
	size_t n = strlen(ext);

	if (r->s[s].type != SL_EXT || n == 0 || strchr(ext, ','))
		return false;
	for (int k = 0; k < f->nroles; k++) {
		const struct mrole *m = &f->roles[k];
		const char *v = NULL;
		size_t vn;

		if (!m->ok)
			continue;
		if (m->tok >= 0 && m->tok2 < 0)
			v = r->t[m->tok].raw;
		else if (m->slot >= 0 && r->s[m->slot].type == SL_NAME)
			v = r->s[m->slot].val;
		if (!v || (vn = strlen(v)) <= n + 1)
			continue;
		if (v[vn - n - 1] == '.' && strcasecmp(v + vn - n, ext) == 0)
			return true;
	}
	return false;
}

/* Whether a "delete" word turned a listing into a removal (find -delete):
 * the del flag of an intent that otherwise only shows. */
/* Whether flag name (n bytes) is set in f. */
static bool flag_set(const struct mfill *f, const char *name, size_t n)
{
	for (int o = 0; o < f->ci->nopt; o++)
		if (((f->flags >> o) & 1u) && f->ci->flaglen[o] == n &&
		    strncmp(f->in->opt + f->ci->flagoff[o], name, n) == 0)
			return true;
	return false;
}

/* find ... -exec rm -rf with nothing to choose the folders by ("remove a
 * directory from mylist") would delete every folder under the place: only
 * when every folder is asked for ("all directories in X") is that the task. */
static bool unfiltered_rmrf(const struct mfill *f)
{
	if (strncmp(f->in->id, "find.", 5) != 0 || !flag_set(f, "del", 3) || !flag_set(f, "d", 1) ||
	    flag_set(f, "empty", 5))
		return false;
	for (int s = 0; s < f->r->ns; s++) {
		int t = f->r->s[s].type;

		if (f->slot_used[s] && (t == SL_NAME || t == SL_EXT || t == SL_TIME || t == SL_SIZE_MIN ||
					t == SL_SIZE_MAX || t == SL_DATE || t == SL_USER || t == SL_EXCLUDE))
			return false;
	}
	for (int k = 0; k < f->nroles; k++) /* "all dist folders": a name said as a word */
		if (f->roles[k].ok && str_eq(f->roles[k].name, "name"))
			return false;
	/* "delete all directories in X" says every one; "a directory" says one */
	for (int i = 0; i < f->r->n; i++)
		if ((mt_is(&f->r->t[i], "dir") && f->r->t[i].plural) || mt_is(&f->r->t[i], "all") ||
		    mt_is(&f->r->t[i], "every"))
			return false;
	return true;
}

static bool destroys(const struct mfill *f)
{
	/* permissions changed, files removed: a word left unread ("give bob read
	 * access") may be the one that limited what the user meant */
	if (strncmp(f->in->id, "chmod.", 6) == 0 || strncmp(f->in->id, "rm.", 3) == 0)
		return true;
	return strncmp(f->in->id, "find.", 5) == 0 && flag_set(f, "del", 3);
}

/* Words that negate what follows ("not", "non-empty", "without"). */
static bool negation_tok(const struct mtok *t)
{
	static const char *const neg[] = {"not", "non", "without", "no", "never", "nor",
					  "exclude"};

	if (t->kind != TK_WORD)
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(neg); k++)
		if (str_eq(t->low, neg[k]))
			return true;
	return false;
}

/* Verbs of looking ("show", "get", "find"): they say a thing is to be
 * seen, not which thing or how, so a reading that needs one is weaker
 * than one that needs the request's other words. */
static bool look_verb(const struct mtok *t)
{
	return mt_is(t, "show") || mt_is(t, "get") || mt_is(t, "find");
}

/* Words that ask about a command rather than for one. */
static bool ask_word(const struct mtok *t)
{
	static const char *const ask[] = {"mean", "means", "meaning", "explain", "asksafe"};

	for (size_t k = 0; k < ARRAY_SIZE(ask); k++)
		if (mt_is(t, ask[k]))
			return true;
	return false;
}

/* Whether t can be the request's verb: a known word, not a value. */
static bool verb_tok(const struct mtok *t)
{
	return t->kind == TK_WORD && t->w >= 0 && !t->phrase;
}

static bool upper_word(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return true;
	return false;
}

/* Whether token i stands where a verb stands and is one: the request's
 * first word when it is a known word ("clear history"; with known false,
 * only a program used on an object: "nice a command", not "nginx logs"),
 * or a program or known word right after "and"/"then" ("make a directory
 * and cd into it", "find files and delete them": a second task). Read as a value (a folder named "cd", a grep for
 * "clear"), it is the task itself misread. */
static bool verb_pos(const struct mreq *r, int i, int first, bool known)
{
	static const char *const det[] = {"a", "an", "the", "my", "this", "that", "some", "every"};
	/* what may come before the verb: "please clear", not "is nginx running"
	 * or "get the name field" ("get" is filler to the scorer) */
	static const char *const polite[] = {"please", "can", "could", "would", "will", "you",
					     "just", "kindly", "now"};
	const struct mtok *t = &r->t[i];

	if (t->kind != TK_WORD || t->phrase || look_verb(t))
		return false;
	for (int k = 0; k < i && i == first; k++) {
		size_t j = 0;

		while (j < ARRAY_SIZE(polite) && !str_eq(r->t[k].low, polite[j]))
			j++;
		if (j == ARRAY_SIZE(polite))
			return false;
	}
	if (i == first) {
		if (known && verb_tok(t))
			return true;
		if (i + 1 < r->n && explain_program_what(t->raw))
			for (size_t k = 0; k < ARRAY_SIZE(det); k++)
				if (str_eq(r->t[i + 1].low, det[k]))
					return true;
		return false;
	}
	/* "between START and END": a literal in capitals is no verb */
	return i > 0 && (str_eq(r->t[i - 1].low, "and") || str_eq(r->t[i - 1].low, "then")) &&
	       (explain_program_what(t->raw) || (verb_tok(t) && !upper_word(t->raw)));
}

/* The role whose value as typed token i is (a name, a pattern), NULL
 * when none or when a role translates it ("force" as signal 9). */
static const struct mrole *value_role(const struct mfill *f, int i)
{
	for (int k = 0; k < f->nroles; k++) {
		const struct mrole *m = &f->roles[k];

		if (m->ok && !m->lit && m->tok >= 0 && i >= m->tok && i <= (m->tok2 >= 0 ? m->tok2 : m->tok))
			return m;
	}
	return NULL;
}

/* Roles whose value is free text or a new name: any known word in the
 * verb's place is the verb, never the grep pattern or the folder to make
 * ("clear history"). A service may lead ("nginx logs"), but a known word
 * there is no process to signal ("download with resume" is no pkill). */
static bool free_text_role(const char *name)
{
	static const char *const free[] = {"pattern", "wpat", "str", "text", "word", "mark", "xpattern",
					   "folder", "name", "quoted", "proc", "path", "gpath", "target"};

	for (size_t k = 0; k < ARRAY_SIZE(free); k++)
		if (strncmp(name, free[k], strlen(free[k])) == 0 &&
		    (!name[strlen(free[k])] || isdigit((unsigned char)name[strlen(free[k])])))
			return true;
	return false;
}

/* Whether the request opens with one of the words hit marks, after no
 * more than filler: "please reboot", not "when did the server reboot". */
static bool leads(const struct mreq *r, const bool *hit)
{
	static const char *const ask[] = {"when", "how", "why", "what", "where", "which", "who",
					  "did", "does", "do", "is", "are", "was", "were", "has",
					  "had", "have", "if"};

	for (int i = 0; i < r->n; i++) {
		if (hit[i])
			return true;
		if (!r->t[i].stop)
			return false;
		for (size_t k = 0; k < ARRAY_SIZE(ask); k++)
			if (str_eq(r->t[i].low, ask[k]))
				return false;
	}
	return false;
}

/* Whether word w is one of the intent's optional words. */
static bool opt_word(const struct cintent *ci, int w)
{
	for (int o = 0; o < ci->nopt; o++)
		if (ci->opt[o] == w)
			return true;
	return false;
}

/* Whether token t meets alternative a of need group g as said: "word+"
 * asks for the plural ("show kubectl contexts" lists them), "word!" for
 * the singular. */
static bool number_ok(const struct cintent *ci, int g, int a, const struct mtok *t)
{
	if ((ci->many[g] >> a) & 1u)
		return t->plural;
	if ((ci->one[g] >> a) & 1u)
		return !t->plural;
	return true;
}

/* Whether token i follows "and" or "then": where a second task begins. */
static bool and_before(const struct mreq *r, int i)
{
	return i > 0 && (str_eq(r->t[i - 1].low, "and") || str_eq(r->t[i - 1].low, "then"));
}

/* "it" or "them" after "and": the first task's object again. */
static bool pronoun_tok(const struct mtok *t)
{
	return t->kind == TK_WORD && (str_eq(t->low, "it") || str_eq(t->low, "them") ||
				      str_eq(t->low, "its") || str_eq(t->low, "their"));
}

/* Whether token i is the verb of a second task on the first one's object:
 * "and stop it", "and make it executable" (a pronoun within a few words,
 * before any further "and"). "and remove duplicates" describes the one
 * task instead. */
static bool second_task(const struct mreq *r, int i)
{
	if (!and_before(r, i) || !verb_tok(&r->t[i]) || look_verb(&r->t[i]))
		return false;
	for (int k = i + 1; k < r->n && k <= i + 3 && !str_eq(r->t[k].low, "and"); k++)
		if (pronoun_tok(&r->t[k]))
			return true;
	return false;
}

/* Whether one of ci's required groups is slot type t ("@exclude"). */
static bool needs_slot(const struct cintent *ci, int t)
{
	for (int g = 0; g < ci->nneed; g++)
		for (int a = 0; a < ci->nalt[g]; a++)
			if (ci->need[g][a] == MT_SLOT_BASE + t)
				return true;
	return false;
}

/* Fit intent ci to the request; false when it does not apply. */
static bool fit(const struct mreq *r, const struct cintent *ci, const struct platform *p,
		struct mfill *f, struct fit *out)
{
	const struct intent *in = &match_intents[ci - T.cints];
	const char *tmpl = pick_template(in, p);
	double e = 0, u = 0;
	int guesses = 0;
	bool needhit[MT_MAX_TOKS] = {false};
	bool trig[MT_MAX_TOKS];
	int strong = 0, lost = 0, weakneed = 0, first = -1, lead = 0, marked = 0;
	int ghit[CI_GROUPS];

	if (!tmpl)
		return false;
	while (lead < r->n && r->t[lead].stop)
		lead++;
	memset(f, 0, sizeof(*f));
	f->r = r;
	f->ci = ci;
	f->in = in;
	f->plat = p;
	for (int g = 0; g < ci->nneed; g++) {
		int hit = -1;

		for (int a = 0; a < ci->nalt[g] && hit < 0; a++) {
			int w = ci->need[g][a];

			if (w >= MT_SLOT_BASE) { /* "@port": a typed slot */
				/* presence only: the template still has to use the slot */
				for (int s = 0; s < r->ns; s++)
					if (r->s[s].type == w - MT_SLOT_BASE && !f->slot_used[s]) {
						hit = MT_MAX_TOKS;
						break;
					}
				continue;
			}
			for (int i = 0; i < r->n; i++)
				if (!f->used[i] && r->t[i].w == w && word_free(r, f, i) &&
				    number_ok(ci, g, a, &r->t[i])) {
					hit = i;
					marked += ((ci->many[g] | ci->one[g]) >> a) & 1u;
					break;
				}
		}
		if (hit < 0)
			return false;
		ghit[g] = hit;
		if (hit < MT_MAX_TOKS) {
			take_word(r, f, hit);
			needhit[hit] = true;
			weakneed += look_verb(&r->t[hit]);
		}
	}
	for (int o = 0; o < ci->nopt; o++) {
		for (int i = 0; i < r->n; i++) {
			if (r->t[i].w != ci->opt[o])
				continue;
			/* "folder" asks for no folders; "in reverse numeric" is order;
			 * but "in src only" says how much of the place */
			if (ci->flaglen[o] && mt_in_place(r, i) && !opt_word(ci, r->t[i - 1].w) &&
			    !str_eq(r->t[i].low, "toplevel"))
				continue;
			if (needhit[i]) { /* a need word can also set a flag */
				f->flags |= 1u << o;
				f->flagged[i] = ci->flaglen[o] > 0;
				break;
			}
			if (f->used[i] || !word_free(r, f, i) || name_shaped_tok(&r->t[i]))
				continue; /* "SHA256SUMS" is a file name, not the word sha256 */
			/* "disable nginx and stop it": a verb after "and" is a second
			 * task, which a word the command merely allows does not do;
			 * a flag word changes the command ("and delete them") */
			if (!ci->flaglen[o] && second_task(r, i))
				continue;
			take_word(r, f, i);
			f->flags |= 1u << o;
			f->flagged[i] = ci->flaglen[o] > 0;
			break;
		}
	}
	/* a second word from a need group ("context around") is explained too,
	 * but not a second verb after "and" when the group's word leads:
	 * "move a.txt to /tmp and rename it" is two tasks, not one mv */
	for (int g = 0; g < ci->nneed; g++)
		for (int a = 0; a < ci->nalt[g]; a++)
			for (int i = 0; i < r->n; i++)
				if (!f->used[i] && r->t[i].w == ci->need[g][a] && word_free(r, f, i) &&
				    number_ok(ci, g, a, &r->t[i]) && !name_shaped_tok(&r->t[i]) &&
				    !(lead < r->n && ghit[g] == lead && and_before(r, i) &&
				      (r->t[i].w != r->t[lead].w || second_task(r, i)))) {
					take_word(r, f, i);
					needhit[i] = true;
				}
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
		const struct mrole *m;

		/* "files not owned by root", "list files without hidden files":
		 * a negation the intent does not read flips the request, so the
		 * command without it is the opposite of what was asked */
		if (negation_tok(t) && !trig[i] && !(t->slot >= 0 && f->slot_used[t->slot]))
			return false;
		if (first < 0 && !t->stop)
			first = i;
		if (t->slot >= 0 && !(f->used[i] && !f->slot_used[t->slot])) {
			/* "diff the files": the verb is no file type */
			if (f->slot_used[t->slot] && !trig[i] && i == first &&
			    explain_program_what(t->raw) && verb_pos(r, i, first, false))
				u += VERB_COST;
			continue;
		}
		/* "serve this folder", "run it here": the command runs in the
		 * current folder anyway, so an unread "." leaves nothing out */
		if (!f->used[i] && t->kind == TK_PATH && str_eq(t->raw, "."))
			continue;
		if (!f->used[i]) {
			/* a quoted string left out is the user's own words ignored;
			 * the leading verb left out ("create a symlink" read by find)
			 * is the task itself ignored */
			if (!t->stop)
				u += t->kind == TK_QUOTED || t->kind == TK_FILE || t->kind == TK_PATH ||
						     t->kind == TK_GLOB || unread_name_word(r, i)
					     ? UNREAD_NAME_COST
				     : (i == first && verb_tok(t) && !look_verb(t)) || verb_pos(r, i, first, false)
					     ? VERB_COST
							     : 1;
			lost += !t->stop;
			continue;
		}
		/* "every .env file", ".bak files": a name said as a kind of
		 * file is many files, never the one file a command reads */
		if (!trig[i] && t->kind == TK_FILE && i + 1 < r->n && r->t[i + 1].plural &&
		    str_eq(r->t[i + 1].low, "file") && (m = value_role(f, i)) &&
		    (str_eq(m->name, "file") || str_eq(m->name, "tfile")))
			u += UNREAD_NAME_COST;
		if (!t->stop && (!trig[i] || !(lex_flags(t->w) & WF_WEAK)))
			strong++;
		if (t->stop)
			e += 0.25;
		else if (!trig[i] && (m = value_role(f, i)) &&
			 (verb_pos(r, i, first, free_text_role(m->name)) || (i == first && look_verb(t))))
			u += VERB_COST, guesses++; /* the task's verb taken as its object */
		else if (!trig[i] && t->kind == TK_WORD && t->w >= 0)
			e += 0.6, u += 0.2, guesses++; /* a known word taken as a value is a guess */
		else
			e += 1;
	}
	for (int s = 0; s < r->ns; s++) {
		if (!f->slot_used[s] && ext_restated(r, f, s))
			e += r->s[s].ntok; /* "a .tgz file named site.tgz" */
		else if (f->slot_used[s])
			e += r->s[s].ntok, strong++;
		else if (r->s[s].type == SL_COUNT && r->s[s].ntok == 1 && trig[r->s[s].tok[0]] &&
			 r->t[r->s[s].tok[0]].kind == TK_WORD)
			; /* "first" of "the first line" read as a trigger ("delete the first line") */
		else /* "every .log file" read by an intent of one file: a whole kind ignored */
			u += r->s[s].type == SL_EXT ? UNREAD_NAME_COST : UNUSED_SLOT_COST;
	}
	if (strong == 0)
		return false;
	/* "list them all", "show it": a pronoun with nothing before it to stand
	 * for names no object; the command would act on whatever is here */
	for (int i = 0; i < r->n; i++) {
		bool before = false;

		if (f->used[i] || i == 0 || !needhit[i - 1] || /* the verb's object: "what day is it" has none */
		    !(str_eq(r->t[i].low, "it") || str_eq(r->t[i].low, "them") ||
		      str_eq(r->t[i].low, "those") || str_eq(r->t[i].low, "these")))
			continue;
		for (int k = 0; k < i; k++)
			before |= !r->t[k].stop && !needhit[k];
		if (!before)
			return false;
	}
	/* "bundle install", "poetry install": an unknown word before the verb
	 * is a program running its own subcommand, not the verb's object */
	if (first == 0 && r->n > 1 && f->used[0] && !trig[0] && r->t[0].slot < 0 &&
	    r->t[0].kind == TK_WORD && r->t[0].w < 0 && needhit[1] && verb_tok(&r->t[1]) &&
	    strcasecmp(r->t[1].raw, r->t[1].low) == 0)
		u += VERB_COST;
	/* "ignore the .env file": a request that opens by leaving something out
	 * asks for no search; only an intent that needs the word reads it */
	if (first >= 0 && r->t[first].slot >= 0 && r->s[r->t[first].slot].type == SL_EXCLUDE &&
	    !needs_slot(ci, SL_EXCLUDE))
		return false;
	/* "commit and push": the leading verb read as a mere option of the
	 * second verb's intent is a first task left undone */
	if (first >= 0 && verb_tok(&r->t[first]) && !look_verb(&r->t[first]) && !needhit[first] &&
	    !f->flagged[first]) /* a flag word is done by the command: "start" of enable --now */
		for (int i = first + 1; i + 1 < r->n; i++)
			if ((str_eq(r->t[i].low, "and") || str_eq(r->t[i].low, "then")) && needhit[i + 1] &&
			    !r->t[i + 1].plural) /* "list the disks and partitions" */
				return false;
	/* "find logs and delete them older than 7 days" without "logs" deletes
	 * every old file: a command that destroys may leave no word unread */
	if ((lost > 0 && destroys(f)) || unfiltered_rmrf(f))
		return false;
	/* "when did the server reboot" asks about a reboot; only "reboot ..." orders one.
	 * The ^ is the first group's: "tag v1 and push it" does not open with push */
	if (in->need[0] == '^') {
		bool lead0[MT_MAX_TOKS] = {false};

		for (int i = 0; i < r->n; i++)
			for (int a = 0; a < ci->nalt[0] && needhit[i]; a++)
				lead0[i] |= r->t[i].w == ci->need[0][a];
		if (!leads(r, lead0))
			return false;
	}
	out->intent = (int)(ci - T.cints);
	out->explained = e;
	out->score = e + u > 0 ? e / (e + u) : 0;
	out->guesses = guesses;
	out->weakneed = weakneed;
	out->marked = marked;
	out->verb = first >= 0 && needhit[first];
	out->as_dir = out->as_file = 0;
	for (int k = 0; k < f->nroles; k++) {
		const struct mrole *m = &f->roles[k];

		if (m->ok && m->tok >= 0 && m->as == AS_DIR)
			out->as_dir |= UINT64_C(1) << m->tok;
		else if (m->ok && m->tok >= 0 && m->as == AS_FILE)
			out->as_file |= UINT64_C(1) << m->tok;
	}
	return true;
}

/* A role that renders as nothing ("date {time:dv} +%F" for today) leaves
 * two blanks in a row: outside quotes, runs of blanks become one and the
 * ends are trimmed. Inside quotes the text is the user's and stays. */
static void squeeze_blanks(struct buf *b)
{
	size_t w = 0;
	char q = 0;

	for (size_t i = 0; i < b->len; i++) {
		char c = b->s[i];

		if (q) {
			if (c == q)
				q = 0;
			else if (c == '\\' && q == '"' && i + 1 < b->len)
				b->s[w++] = b->s[i++];
		} else if (c == '\'' || c == '"') {
			q = c;
		} else if (c == '\\' && i + 1 < b->len) {
			b->s[w++] = b->s[i++];
		} else if (c == ' ' && (w == 0 || b->s[w - 1] == ' ')) {
			continue;
		}
		b->s[w++] = b->s[i];
	}
	while (w > 0 && b->s[w - 1] == ' ' && !q)
		w--;
	buf_truncate(b, w);
}

static int cmp_fit(const void *a, const void *b)
{
	const struct fit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->explained != y->explained)
		return x->explained > y->explained ? -1 : 1;
	/* Equal fits: a reading that rests on a verb of looking ("show the
	 * date" as ls's "show ... date") is the weaker one; then the reading
	 * whose required word is the request's verb ("sort x in reverse" is
	 * sort's, not tac's; "empty the file" truncates, it does not look for
	 * empty files; "remove the file x" is rm, not find -delete). */
	if (x->weakneed != y->weakneed)
		return x->weakneed < y->weakneed ? -1 : 1;
	/* "list folder sizes": a reading that asked for the plural and got it
	 * (du.dirs's "size+", one size per folder) is more specific than the
	 * one whose verb merely leads */
	if (x->marked != y->marked)
		return x->marked > y->marked ? -1 : 1;
	if (x->verb != y->verb)
		return x->verb ? -1 : 1;
	/* Equal fits: the intent that demanded more of the words is the more
	 * specific reading ("sort ... remove duplicates" is sort -u, which
	 * needs both, not the dedup that merely allows "sort"). */
	if (T.cints[x->intent].nneed != T.cints[y->intent].nneed)
		return T.cints[x->intent].nneed > T.cints[y->intent].nneed ? -1 : 1;
	return x->intent - y->intent;
}

/* Fit each intent on the trigger index chain from edge e that seen does
 * not mark yet; append those above the threshold to fits (nfits so far).
 * Returns the new count. */
static int fit_chain(const struct mreq *r, int e, const struct platform *p, unsigned char *seen,
		     struct fit *fits, int nfits)
{
	struct mfill f;

	for (; e >= 0; e = T.edges[e].next) {
		int k = T.edges[e].intent;
		struct fit ft;

		if (seen[k])
			continue;
		seen[k] = 1;
		if (fit(r, &T.cints[k], p, &f, &ft) && ft.score >= MATCH_THRESHOLD && nfits < MAX_FITS)
			fits[nfits++] = ft;
	}
	return nfits;
}

/* Whether fit a may be offered as an alternative to the best one. */
static bool alt_ok(const struct fit *best, const struct fit *a)
{
	return a->score >= best->score - ALT_MARGIN && a->guesses <= best->guesses &&
	       !(a->as_dir & best->as_file) && !(a->as_file & best->as_dir);
}

/* Fit every intent the request's words and slots index; the fits above
 * the threshold go to fits, best first. Returns their count. */
static int best_fits(const struct mreq *r, const struct platform *p, struct fit *fits)
{
	static _Thread_local unsigned char seen[8192];
	int nfits = 0;

	memset(seen, 0, match_nintents < sizeof(seen) ? match_nintents : sizeof(seen));
	for (int i = 0; i < r->n; i++)
		if (r->t[i].w >= 0 && r->t[i].w < T.nwords)
			nfits = fit_chain(r, T.idx_first[r->t[i].w], p, seen, fits, nfits);
	for (int s = 0; s < r->ns; s++)
		nfits = fit_chain(r, T.idx_first[MT_SLOT_BASE + r->s[s].type], p, seen, fits, nfits);
	qsort(fits, (size_t)nfits, sizeof(fits[0]), cmp_fit);
	return nfits;
}

/* Render fit ft of r: the command and its explanation (the caller frees
 * both). false when the command comes out empty. */
/* Whether a rendered command is shell that lib/shell reads as at least one
 * command: a template whose optional parts all fell away can leave a
 * stray operator ("| wc -l" when "count unique lines" names no file). */
static bool parses(const struct buf *c)
{
	struct shell_tree t;
	struct err e;
	bool ok;

	shell_tree_init(&t);
	ok = shell_parse(&t, c->s, c->len, 0, &e) == 0 && t.root && t.root->child;
	shell_tree_release(&t);
	return ok;
}

static bool render_fit(const struct mreq *r, const struct fit *ft, const struct platform *p,
		       struct mfill *f, char **cmd, char **expl)
{
	const struct intent *in = &match_intents[ft->intent];
	struct buf c = BUF_INIT, ex = BUF_INIT;
	struct fit again;

	/* refit: the fill state is rebuilt rather than stored per intent */
	fit(r, &T.cints[ft->intent], p, f, &again);
	mt_render(f, pick_template(in, p), false, false, &c);
	squeeze_blanks(&c);
	if (c.len == 0 || !parses(&c)) {
		buf_release(&c);
		return false;
	}
	if (in->expl)
		mt_render(f, in->expl, false, true, &ex);
	else
		buf_adds(&ex, in->id);
	*cmd = buf_detach(&c);
	*expl = buf_detach(&ex);
	return true;
}

/* What kind of thing a role's value is, for a pronoun to refer back to:
 * "stop the web container and remove it" is one container. 0: a role no
 * pronoun refers to (a destination, a pattern, a count). */
enum obj { OBJ_NONE, OBJ_SVC, OBJ_CONTAINER, OBJ_POD, OBJ_IMAGE, OBJ_BRANCH, OBJ_PKG,
	   OBJ_FILE, OBJ_DIR, OBJ_ANYPATH };

static int obj_class(const char *role)
{
	static const struct {
		const char *role;
		int obj;
	} objs[] = {
		/* a process named like a service is its daemon: "kill nginx and restart it" */
		{"service", OBJ_SVC}, {"sysvc", OBJ_SVC}, {"daemon", OBJ_SVC}, {"proc", OBJ_SVC},
		{"container", OBJ_CONTAINER}, {"pod", OBJ_POD}, {"image", OBJ_IMAGE},
		{"branch", OBJ_BRANCH}, {"pkg", OBJ_PKG}, {"spkg", OBJ_PKG},
		{"file", OBJ_FILE}, {"tfile", OBJ_FILE}, {"nfile", OBJ_FILE}, {"script", OBJ_FILE},
		{"tarf", OBJ_FILE}, {"zipf", OBJ_FILE}, {"gzf", OBJ_FILE}, {"xzf", OBJ_FILE},
		{"bzf", OBJ_FILE}, {"szf", OBJ_FILE}, {"orig", OBJ_FILE}, {"path", OBJ_DIR}, {"gpath", OBJ_DIR},
		{"dir", OBJ_DIR}, {"folder", OBJ_DIR}, {"exdir", OBJ_DIR}, {"cdir", OBJ_DIR},
		{"sdir", OBJ_DIR}, {"dfolder", OBJ_DIR}, {"target", OBJ_ANYPATH},
	};
	char base[16];
	size_t n = strlen(role);

	while (n > 1 && isdigit((unsigned char)role[n - 1]))
		n--; /* file2 is a file */
	snprintf(base, sizeof(base), "%.*s", (int)n, role);
	for (size_t k = 0; k < ARRAY_SIZE(objs); k++)
		if (str_eq(base, objs[k].role))
			return objs[k].obj;
	return OBJ_NONE;
}

static bool obj_same(int a, int b)
{
	/* a package installed is the service it runs: "install nginx and start it" */
	return a != OBJ_NONE && b != OBJ_NONE &&
	       (a == b || (a == OBJ_ANYPATH && (b == OBJ_FILE || b == OBJ_DIR)) ||
		(b == OBJ_ANYPATH && (a == OBJ_FILE || a == OBJ_DIR)) ||
		(a == OBJ_PKG && b == OBJ_SVC));
}

static bool endless(const struct intent *in)
{
	for (size_t k = 0; k < match_nendless; k++)
		if (str_eq(in->id, match_endless[k]))
			return true;
	return false;
}

/* Two tasks on one thing: "stop the web container and remove it", "make a
 * folder called site and cd into it". The part before the last "and"/"then"
 * ahead of the pronoun is read alone; its one object (with the noun that
 * names it: "web container") then takes the pronoun's place in the second
 * part, which is read alone too, and the commands run one after the other
 * (&&: the second only if the first worked). Both readings must pass the
 * threshold, the second must read the object in a role of the same kind,
 * and the first must return. Returns 0 with one candidate in res, -1 when
 * the request is not of that shape or either part does not read. */
static int compose(const struct mreq *r, const struct platform *p, struct match_result *res)
{
	struct mreq *a = NULL, *b = NULL;
	struct fit *fits = NULL;
	struct mfill f;
	const struct mrole *obj = NULL;
	char *cmd[2] = {NULL, NULL}, *ex[2] = {NULL, NULL};
	double score[2];
	int pr = -1, k = -1, j, lo, hi, at, otok = -1, kind = OBJ_NONE, ret = -1;
	struct buf out = BUF_INIT, expl = BUF_INIT;

	for (int i = 0; i < r->n && pr < 0; i++)
		if (pronoun_tok(&r->t[i]))
			pr = i;
	for (int i = pr - 1; i > 0 && k < 0; i--)
		if (str_eq(r->t[i].low, "and") || str_eq(r->t[i].low, "then"))
			k = i;
	if (k <= 0)
		return -1;
	j = k + 1 + (k + 1 < pr && str_eq(r->t[k + 1].low, "then"));
	if (!verb_tok(&r->t[j]))
		return -1; /* "... and it": no second verb */
	a = xmalloc(sizeof(*a));
	b = xmalloc(sizeof(*b));
	fits = xmalloc(MAX_FITS * sizeof(*fits));

	/* the first task, alone */
	memcpy(a, r, sizeof(*a));
	a->n = k;
	mt_recue(a);
	ms_extract(a);
	if (best_fits(a, p, fits) == 0 || endless(&match_intents[fits[0].intent]))
		goto out;
	score[0] = fits[0].score;
	if (!render_fit(a, &fits[0], p, &f, &cmd[0], &ex[0]))
		goto out;
	for (int m = 0; m < f.nroles; m++) {
		const struct mrole *rl = &f.roles[m];
		const struct mslot *sl = rl->slot >= 0 ? &a->s[rl->slot] : NULL;
		int c = obj_class(rl->name), t = rl->tok;

		if (sl && sl->type == SL_NAME && sl->ntok > 0)
			t = sl->tok[sl->ntok - 1]; /* "a folder called site": site */
		/* "find files under /home and list them": /home is where, not what */
		if (!rl->ok || t < 0 || rl->lit || c == OBJ_NONE || (rl->tok2 >= 0 && rl->tok2 != t) ||
		    (a->t[t].cue != CUE_NONE && a->t[t].cue != CUE_OF))
			continue;
		if (obj && otok != t)
			goto out; /* "copy a.txt to b.txt and ...": which one is "it"? */
		obj = rl;
		otok = t;
		kind = c;
	}
	if (!obj)
		goto out;
	/* the object with the nouns around it that name it ("the web container") */
	lo = hi = otok;
	if (lo > 0 && mt_role_noun(obj->name, &a->t[lo - 1]))
		lo--;
	if (hi + 1 < a->n && mt_role_noun(obj->name, &a->t[hi + 1]))
		hi++;
	if (r->n - j + (hi - lo) > MT_MAX_TOKS)
		goto out;

	/* the second task, the pronoun read as the object */
	memcpy(b, r, sizeof(*b));
	b->n = 0;
	at = -1;
	for (int i = j; i < r->n; i++) {
		if (i != pr) {
			b->t[b->n++] = r->t[i];
			continue;
		}
		for (int o = lo; o <= hi; o++) {
			if (o == otok) {
				at = b->n;
				/* "the logs folder ... delete it": a folder or file
				 * by its name, never the word's other meaning */
				if (b->n < MT_MAX_TOKS && r->t[o].kind == TK_WORD &&
				    (kind == OBJ_DIR || kind == OBJ_FILE || kind == OBJ_ANYPATH)) {
					b->t[b->n] = r->t[o];
					b->t[b->n].kind = TK_PATH;
					b->t[b->n].w = -1;
					b->n++;
					continue;
				}
			}
			b->t[b->n++] = r->t[o];
		}
	}
	mt_recue(b);
	ms_extract(b);
	if (best_fits(b, p, fits) == 0)
		goto out;
	score[1] = fits[0].score;
	if (!render_fit(b, &fits[0], p, &f, &cmd[1], &ex[1]))
		goto out;
	{
		const struct mrole *m = value_role(&f, at);

		if (!m || !obj_same(kind, obj_class(m->name)))
			goto out;
	}
	/* "cmd &" cannot be followed by "&& ..." */
	if (cmd[0][strlen(cmd[0]) - 1] == '&' || str_eq(cmd[0], cmd[1]))
		goto out;
	buf_addf(&out, "%s && %s", cmd[0], cmd[1]);
	buf_addf(&expl, "%s Then, if that worked: %s", ex[0], ex[1]);
	res->c[0].command = buf_detach(&out);
	res->c[0].explanation = buf_detach(&expl);
	res->c[0].intent = "compose";
	res->c[0].score = MIN(score[0], score[1]);
	res->n = 1;
	ret = 0;
out:
	for (int i = 0; i < 2; i++) {
		free(cmd[i]);
		free(ex[i]);
	}
	buf_release(&out);
	buf_release(&expl);
	free(fits);
	free(a);
	free(b);
	return ret;
}

/* The platform a word names: "on a mac" (folded to onmac), "with brew",
 * "launchctl" are macOS's; "on linux" (onlinux), "systemctl",
 * "journalctl" Linux's. PLAT_OTHER: none. */
static int named_platform(const struct mtok *t)
{
	static const char *const mac[] = {"onmac", "macos", "brew", "homebrew", "launchd", "launchctl"};
	static const char *const linux_[] = {"onlinux", "systemctl", "systemd", "journalctl"};

	if (t->kind != TK_WORD)
		return PLAT_OTHER;
	for (size_t k = 0; k < ARRAY_SIZE(mac); k++)
		if (str_eq(t->low, mac[k]))
			return PLAT_MACOS;
	for (size_t k = 0; k < ARRAY_SIZE(linux_); k++)
		if (str_eq(t->low, linux_[k]))
			return PLAT_LINUX;
	return PLAT_OTHER;
}

int match_request(const char *req, size_t len, const struct match_opts *opts,
		  struct match_result *res, struct err *err)
{
	struct mreq *r = NULL;
	struct fit fits[MAX_FITS];
	const struct fit *best = NULL;
	struct mfill f;
	int nfits = 0, ret = -1;
	size_t want;

	memset(res, 0, sizeof(*res));
	if (!opts || !opts->plat || !req)
		return err_set(err, ERR_USAGE, "match: no request or platform");
	want = opts->max_candidates ? MIN(opts->max_candidates, MATCH_MAX_CANDIDATES) : 1;
	r = xmalloc(sizeof(*r));
	if (mt_tokenize(r, req, len, err) != 0)
		goto out;
	if (r->n == 0) {
		err_set(err, ERR_DECLINED, "match: empty request");
		goto out;
	}
	ms_extract(r);
	/* "don't delete the logs", "never push to main": an order not to do
	 * something has no command, and the verb's command is its opposite */
	for (int i = 0; i < r->n; i++) {
		if (r->t[i].stop)
			continue;
		if (mt_is(&r->t[i], "not") || mt_is(&r->t[i], "never")) {
			err_set(err, ERR_DECLINED, "match: a request not to do something");
			goto out;
		}
		break;
	}
	/* "install node on a mac" asked of a Linux machine is for another
	 * machine: no command here answers it. On the machine it names, "on a
	 * mac" says nothing more; "brew" and "launchctl" stay words to read. */
	for (int i = 0; i < r->n; i++) {
		int os = named_platform(&r->t[i]);

		if (os == PLAT_OTHER)
			continue;
		if (os != (int)opts->plat->os) {
			err_set(err, ERR_DECLINED, "match: the request names another platform");
			goto out;
		}
		if (str_eq(r->t[i].low, "onmac") || str_eq(r->t[i].low, "onlinux"))
			r->t[i].stop = true;
	}
	/* "the syslog", "the auth log" name Debian's files: macOS has none of
	 * them (its log is read with `log show`), so a command on them fails.
	 * A path typed out is the user's own and stays. */
	if (opts->plat->os == PLAT_MACOS)
		for (int i = 0; i < r->n; i++)
			if (r->t[i].kind == TK_PATH && r->t[i].phrase &&
			    (str_eq(r->t[i].low, "/var/log/syslog") || str_eq(r->t[i].low, "/var/log/kern.log") ||
			     str_eq(r->t[i].low, "/var/log/auth.log"))) {
				err_set(err, ERR_DECLINED, "match: a Linux log file that macOS does not have");
				goto out;
			}
	/* "what does ls -la do": a question about what a command does */
	if (r->n > 3 && str_eq(r->t[0].low, "what") &&
	    (str_eq(r->t[1].low, "does") || str_eq(r->t[1].low, "do")) &&
	    str_eq(r->t[r->n - 1].low, "do")) {
		err_set(err, ERR_DECLINED, "match: a question about a command, not a task");
		goto out;
	}
	/* "what does chmod 755 mean", "is it safe to run rm -rf /": a question
	 * about a command is not an order to run it */
	for (int i = 0; i < r->n; i++)
		if (r->t[i].kind == TK_WORD && ask_word(&r->t[i])) {
			err_set(err, ERR_DECLINED, "match: a question about a command, not a task");
			goto out;
		}

	nfits = best_fits(r, opts->plat, fits);
	if (nfits == 0) {
		if (compose(r, opts->plat, res) == 0) {
			ret = 0;
			goto out;
		}
		err_set(err, ERR_DECLINED, "match: no confident match");
		goto out;
	}
	for (int k = 0; k < nfits && res->n < want; k++) {
		char *cmd, *ex;
		bool dup = false;

		if (best && !alt_ok(best, &fits[k]))
			continue;
		if (!render_fit(r, &fits[k], opts->plat, &f, &cmd, &ex))
			continue;
		for (size_t j = 0; j < res->n; j++)
			dup |= str_eq(res->c[j].command, cmd);
		if (dup) {
			free(cmd);
			free(ex);
			continue;
		}
		res->c[res->n].command = cmd;
		res->c[res->n].explanation = ex;
		res->c[res->n].intent = match_intents[fits[k].intent].id;
		res->c[res->n].score = fits[k].score;
		res->n++;
		if (!best)
			best = &fits[k];
	}
	/* Fits whose templates all lacked a value ("maker private": chmod
	 * with no target) are no answer. */
	if (res->n == 0) {
		err_set(err, ERR_DECLINED, "match: no confident match");
		goto out;
	}
	ret = 0;
out:
	free(r);
	return ret;
}

int match_debug_fits(const char *req, const struct platform *p,
		     void (*cb)(void *arg, const char *id, double score, double explained, int guesses),
		     void *arg)
{
	struct mreq *r = xmalloc(sizeof(*r));
	struct err err = {0};
	struct mfill f;

	if (mt_tokenize(r, req, strlen(req), &err) != 0) {
		free(r);
		return -1;
	}
	ms_extract(r);
	for (int k = 0; k < T.ncints; k++) {
		struct fit ft;

		if (fit(r, &T.cints[k], p, &f, &ft))
			cb(arg, match_intents[k].id, ft.score, ft.explained, ft.guesses);
	}
	free(r);
	return 0;
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
