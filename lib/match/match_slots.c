/*
 * match_slots.c: slots that mean the same whatever the intent.
 *
 * Sizes ("over 1.5G", "between 10MB and 100MB"), times ("in the last 3
 * days", "older than 30 days", "yesterday", "since monday"), counts ("top
 * 5", "20 biggest", "last 50 lines"), extensions and file types ("python
 * files", ".log", "jpg and png images"), names ("called config.yaml"),
 * exclusions ("but skip node_modules"), users ("owned by alice"), ports,
 * pids and intervals. Each slot records the tokens it took, so an intent
 * that ignores a slot is penalised for the meaning it drops.
 *
 * Slots that depend on the intent (which word is the container, which file
 * is the destination) are roles, filled in match.c.
 */
#include "match_int.h"

#include <ctype.h>
#include <strings.h>

/* A hash lookup: the extensions are vocabulary words flagged WF_EXT. */
bool ms_known_ext(const char *ext)
{
	return (lex_flags(lex_word(ext)) & WF_EXT) != 0;
}

bool ms_tld(const char *label)
{
	static const char *const tlds[] = {
		"com", "net", "org", "io", "dev", "internal", "local", "lan", "co", "uk", "de",
		"fr", "app", "ai", "edu", "gov", "me", "info", "biz", "cloud", "corp", "home",
		"example", "test", "localhost", "us", "eu", "ca", "nl", "au", "jp", "cn", "ru",
		"ch", "se", "no", "fi", "be", "at", "es", "it", "pl", "in", "br", "tv", "sh",
		"xyz", "site", "online", "tech", "intranet", "priv", "private",
	};

	for (size_t i = 0; i < ARRAY_SIZE(tlds); i++)
		if (str_eq(label, tlds[i]))
			return true;
	return false;
}

static const struct lex_ftype *ftype_of(const char *w)
{
	if (!(lex_flags(lex_word(w)) & WF_FTYPE))
		return NULL;
	for (size_t i = 0; i < lex_nftypes; i++)
		if (str_eq(w, lex_ftypes[i].word))
			return &lex_ftypes[i];
	return NULL;
}

static bool is_word(const struct mtok *t, const char *w)
{
	return t->kind == TK_WORD && str_eq(t->low, w);
}

static int next_content(const struct mreq *r, int i)
{
	for (i++; i < r->n; i++)
		if (!r->t[i].stop)
			return i;
	return -1;
}

static int prev_content(const struct mreq *r, int i)
{
	for (i--; i >= 0; i--)
		if (!r->t[i].stop)
			return i;
	return -1;
}

static struct mslot *new_slot(struct mreq *r, int type)
{
	struct mslot *s;

	if (r->ns >= MT_MAX_SLOTS)
		return NULL;
	s = &r->s[r->ns];
	memset(s, 0, sizeof(*s));
	s->type = (uint8_t)type;
	return s;
}

/* Take token i into the slot being built (index r->ns). */
static void take(struct mreq *r, struct mslot *s, int i)
{
	if (i < 0 || i >= r->n || s->ntok >= (int)ARRAY_SIZE(s->tok))
		return;
	s->tok[s->ntok++] = i;
	r->t[i].slot = (int8_t)r->ns;
}

static void commit(struct mreq *r)
{
	r->ns++;
}

/* A count of one implied by token i ("the last line", "the biggest
 * file"); false when the slots are full. */
static bool count_one(struct mreq *r, int i)
{
	struct mslot *s = new_slot(r, SL_COUNT);

	if (!s)
		return false;
	take(r, s, i);
	s->num = 1;
	snprintf(s->val, sizeof(s->val), "1");
	commit(r);
	return true;
}

static bool free_tok(const struct mreq *r, int i)
{
	return i >= 0 && i < r->n && r->t[i].slot < 0;
}

/* ---- sizes ---- */

static double size_mult(const char *u)
{
	static const struct {
		const char *u;
		double m;
	} units[] = {
		{"b", 1}, {"byte", 1}, {"k", 1024}, {"kb", 1024}, {"m", 1048576},
		{"mb", 1048576}, {"g", 1073741824.0}, {"gb", 1073741824.0},
		{"t", 1099511627776.0}, {"tb", 1099511627776.0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (str_eq(u, units[i].u))
			return units[i].m;
	return 0;
}


/* "not modified in 90 days", "haven't been accessed for a week": a
 * negated time verb right before the span at first turns "within" into
 * "older than". Returns the negating token, -1. Only that shape counts:
 * in "don't delete files modified in the last week" the "don't" governs
 * another verb. */
static int negated_span(const struct mreq *r, int first)
{
	static const char *const neg[] = {"not", "never", "havent", "hasnt", "wasnt", "werent",
					  "isnt", "arent", "didnt", "hadnt"};
	int k = first - 1;

	while (k >= 0 && (is_word(&r->t[k], "in") || is_word(&r->t[k], "the") ||
			  is_word(&r->t[k], "for") || is_word(&r->t[k], "last") ||
			  is_word(&r->t[k], "past") || is_word(&r->t[k], "within")))
		k--;
	if (k < 1 || !(is_word(&r->t[k], "modified") || is_word(&r->t[k], "access") ||
		       is_word(&r->t[k], "used") || is_word(&r->t[k], "opened")))
		return -1;
	k--;
	if (k >= 1 && is_word(&r->t[k], "been"))
		k--;
	for (size_t i = 0; i < ARRAY_SIZE(neg); i++)
		if (is_word(&r->t[k], neg[i]))
			return k;
	return -1;
}

static void extract_sizes(struct mreq *r)
{
	int between = 0;

	for (int i = 0; i + 1 < r->n; i++) {
		struct mtok *t = &r->t[i], *u = &r->t[i + 1];
		double m;
		int p, type = SL_SIZE_MIN;
		struct mslot *s;

		if (is_word(t, "between"))
			between = 1;
		if ((t->kind != TK_NUM && t->kind != TK_DEC) || u->kind != TK_WORD || !free_tok(r, i))
			continue;
		m = size_mult(u->low);
		if (m == 0)
			continue;
		p = prev_content(r, i);
		if (str_eq(u->low, "m") && p >= 0 &&
		    (is_word(&r->t[p], "last") || is_word(&r->t[p], "past") ||
		     is_word(&r->t[p], "every") || is_word(&r->t[p], "older") ||
		     is_word(&r->t[p], "newer")))
			continue; /* "last 30m" is a time */
		if (str_eq(u->low, "m") && i + 2 < r->n &&
		    (is_word(&r->t[i + 2], "ago") || is_word(&r->t[i + 2], "old")))
			continue;
		s = new_slot(r, type);
		if (!s)
			return;
		/* "under 10mb" (under is filler elsewhere: "files under src"),
		 * "at most 2g", "up to 1g" are upper bounds */
		for (int q = i - 1; q >= 0 && q > p; q--)
			if (is_word(&r->t[q], "under"))
				p = q;
		if (p >= 0 && (is_word(&r->t[p], "below") || is_word(&r->t[p], "under") ||
			       is_word(&r->t[p], "most") || is_word(&r->t[p], "maximum") ||
			       is_word(&r->t[p], "max") || (is_word(&r->t[p], "to") && p > 0 &&
							    is_word(&r->t[p - 1], "up")))) {
			s->type = SL_SIZE_MAX;
			take(r, s, p);
		} else if (p >= 0 && (is_word(&r->t[p], "over") || is_word(&r->t[p], "least") ||
				      is_word(&r->t[p], "minimum"))) {
			take(r, s, p);
		} else if (between == 1) {
			between = 2;
			if (p >= 0 && is_word(&r->t[p], "between"))
				take(r, s, p);
		} else if (between == 2) {
			s->type = SL_SIZE_MAX;
			between = 0;
		}
		take(r, s, i);
		take(r, s, i + 1);
		s->num = t->num * m;
		s->orig = t->num;
		snprintf(s->val, sizeof(s->val), "%s%s", t->raw, u->raw);
		/* "zero byte files" are the empty ones: under one byte, not over none */
		if (t->num == 0 && s->type == SL_SIZE_MIN && s->ntok == 2 && i + 2 < r->n &&
		    (is_word(&r->t[i + 2], "file") || is_word(&r->t[i + 2], "dir"))) {
			s->type = SL_SIZE_MAX;
			s->num = 1;
		}
		commit(r);
		i++;
	}
}

/* ---- times ---- */

static char time_unit(const struct mtok *t)
{
	static const struct {
		const char *w;
		char u;
	} units[] = {
		{"second", 's'}, {"s", 's'}, {"minute", 'm'}, {"m", 'm'}, {"hour", 'h'}, {"h", 'h'},
		{"day", 'd'}, {"d", 'd'}, {"week", 'w'}, {"w", 'w'}, {"month", 'M'}, {"year", 'y'},
		{"y", 'y'},
	};

	if (t->kind != TK_WORD)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (str_eq(t->low, units[i].w))
			return units[i].u;
	return 0;
}

static int weekday(const char *w)
{
	static const char *const days[] = {"sunday", "monday", "tuesday", "wednesday",
					   "thursday", "friday", "saturday"};

	for (int i = 0; i < 7; i++)
		if (str_eq(w, days[i]))
			return i;
	return -1;
}

static void set_amount(struct mslot *s, double n, char unit)
{
	s->orig = n;
	s->unit = unit;
	switch (unit) {
	case 's':
		s->sub = TM_MIN;
		s->num = n / 60.0;
		break;
	case 'm':
		s->sub = TM_MIN;
		s->num = n;
		break;
	case 'h':
		s->sub = TM_MIN;
		s->num = n * 60;
		break;
	case 'd':
		s->sub = TM_DAY;
		s->num = n;
		break;
	case 'w':
		s->sub = TM_DAY;
		s->num = n * 7;
		break;
	case 'M':
		s->sub = TM_DAY;
		s->num = n * 30;
		break;
	default:
		s->sub = TM_DAY;
		s->num = n * 365;
		break;
	}
}

static void extract_times(struct mreq *r)
{
	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		char unit;
		struct mslot *s;

		if (!free_tok(r, i) || t->kind != TK_WORD)
			continue;
		if (is_word(t, "today") || is_word(t, "yesterday") || is_word(t, "tonight")) {
			if (!(s = new_slot(r, SL_TIME)))
				return;
			s->sub = is_word(t, "yesterday") ? TM_YESTERDAY : TM_TODAY;
			s->cmp = -1;
			take(r, s, i);
			if (i > 0 && is_word(&r->t[i - 1], "since")) {
				take(r, s, i - 1);
				s->num = 1; /* since yesterday: yesterday and today */
			}
			snprintf(s->val, sizeof(s->val), "%s", t->low);
			commit(r);
			continue;
		}
		if (weekday(t->low) >= 0 && i > 0 &&
		    (is_word(&r->t[i - 1], "since") || is_word(&r->t[i - 1], "last"))) {
			if (!(s = new_slot(r, SL_TIME)))
				return;
			s->sub = TM_WEEKDAY;
			s->num = weekday(t->low);
			s->cmp = -1;
			if (i > 1 && is_word(&r->t[i - 1], "last") && is_word(&r->t[i - 2], "since"))
				take(r, s, i - 2); /* "since last monday" */
			take(r, s, i - 1);
			take(r, s, i);
			snprintf(s->val, sizeof(s->val), "%s", t->low);
			commit(r);
			continue;
		}
		unit = time_unit(t);
		if (!unit)
			continue;
		{
			double n = 1;
			int first = i, p, nx;
			bool have_num = i > 0 && (r->t[i - 1].kind == TK_NUM || r->t[i - 1].kind == TK_DEC) &&
					free_tok(r, i - 1);
			bool single = strlen(t->low) == 1;
			/* "in a year", "older than an hour": one unit */
			bool article = !have_num && !single && i > 0 && free_tok(r, i - 1) &&
				       (is_word(&r->t[i - 1], "a") || is_word(&r->t[i - 1], "an"));
			int type = SL_TIME;
			int cmp = -1, neg;

			if (have_num || article) {
				n = have_num ? r->t[i - 1].num : 1;
				first = i - 1;
				have_num = true;
			} else if (single) {
				continue; /* a bare "m" or "d" is not a time */
			}
			p = first > 0 ? first - 1 : -1;
			/* "this week", "the last hour", "past 3 days": the word before */
			while (p >= 0 && (is_word(&r->t[p], "the") || is_word(&r->t[p], "in")))
				p--;
			nx = next_content(r, i);
			if (p >= 0 && is_word(&r->t[p], "every")) {
				/* "every day at 2am", "every hour" is a schedule
				 * (cron's), never a screen that refreshes */
				if (unit != 's' && unit != 'm')
					continue;
				type = SL_INTERVAL;
			} else if (p >= 0 && (is_word(&r->t[p], "older") ||
					      (is_word(&r->t[p], "over") && nx >= 0 &&
					       (is_word(&r->t[nx], "old") || is_word(&r->t[nx], "ago"))))) {
				/* "older than 30 days", "more than 30 days ago" */
				cmp = 1;
			} else if (p >= 0 && (is_word(&r->t[p], "last") || is_word(&r->t[p], "past") ||
					      is_word(&r->t[p], "newer") || is_word(&r->t[p], "this") ||
					      is_word(&r->t[p], "within") || is_word(&r->t[p], "below"))) {
				cmp = -1;
			} else if (!have_num) {
				continue; /* "hour" alone */
			}
			neg = type == SL_TIME && cmp == -1 ? negated_span(r, first) : -1;
			if (neg >= 0)
				cmp = 1; /* "not modified in 90 days" is older than 90 days */
			if (!(s = new_slot(r, type)))
				return;
			s->cmp = (int8_t)cmp;
			if (neg >= 0)
				take(r, s, neg);
			if (p >= 0 && (is_word(&r->t[p], "every") || is_word(&r->t[p], "older") ||
				       is_word(&r->t[p], "over") || is_word(&r->t[p], "last") ||
				       is_word(&r->t[p], "past") || is_word(&r->t[p], "newer") ||
				       is_word(&r->t[p], "this") || is_word(&r->t[p], "within") ||
				       is_word(&r->t[p], "below")))
				take(r, s, p);
			if (have_num)
				take(r, s, i - 1);
			take(r, s, i);
			if (nx >= 0 && (is_word(&r->t[nx], "ago") || is_word(&r->t[nx], "old"))) {
				/* "3 days ago" is a point in the past; "less than 3 days ago" and
				 * "in the last 3 days ago" are the span since then */
				if (is_word(&r->t[nx], "ago") && cmp == -1 &&
				    !(p >= 0 && (is_word(&r->t[p], "last") || is_word(&r->t[p], "below") ||
						 is_word(&r->t[p], "within"))))
					s->cmp = -2;
				take(r, s, nx);
			} else if (nx >= 0 && is_word(&r->t[nx], "fromnow")) {
				s->cmp = 2;
				take(r, s, nx);
			} else if (first > 0 && is_word(&r->t[first - 1], "in") && cmp == -1) {
				/* "in 3 days" ("in the last 3 days" has last
				 * before the number): what date arithmetic
				 * reads as ahead ("what date is it in 3 days") */
				s->ahead = true;
			}
			set_amount(s, n, unit);
			snprintf(s->val, sizeof(s->val), "%g %s", n, t->low);
			commit(r);
		}
	}
}

/* ---- counts, ports, pids ---- */

static bool countable(const char *w)
{
	static const char *const nouns[] = {
		"line", "commit", "file", "process", "result", "item", "times", "replica",
		"word", "ip", "character", "char", "match", "error", "request", "connection",
		"command", "event", "package", "container", "image", "pod", "dir", "entry",
		"biggest", "smallest", "newest", "oldest", "most", "least", "record", "digit",
		"letter", "byte", "time", "row", "branch",
	};

	for (size_t i = 0; i < ARRAY_SIZE(nouns); i++)
		if (str_eq(w, nouns[i]))
			return true;
	return false;
}

static void extract_numbers(struct mreq *r)
{
	for (int i = 0; i + 1 < r->n; i++) {
		/* "the last line", "the first line" (singular, no number) is one
		 * line, not head's or tail's ten */
		if ((is_word(&r->t[i], "last") || is_word(&r->t[i], "first")) && free_tok(r, i) && r->t[i + 1].kind == TK_WORD &&
		    strcasecmp(r->t[i + 1].raw, "line") == 0 &&
		    !(i + 2 < r->n && r->t[i + 2].kind == TK_NUM)) {
			if (!count_one(r, i))
				return;
		}
	}
	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		int p, nx;
		struct mslot *s;

		if (!free_tok(r, i) || (t->kind != TK_NUM && t->kind != TK_RANGE))
			continue;
		p = i > 0 ? i - 1 : -1;
		while (p >= 0 && r->t[p].stop && !is_word(&r->t[p], "last") && !is_word(&r->t[p], "first"))
			p--;
		nx = i + 1 < r->n ? i + 1 : -1;
		if (p >= 0 && free_tok(r, p) && is_word(&r->t[p], "port")) {
			if (!(s = new_slot(r, SL_PORT)))
				return;
			take(r, s, p);
		} else if (t->kind == TK_NUM && p >= 0 && free_tok(r, p) &&
			   (is_word(&r->t[p], "pid") || is_word(&r->t[p], "process"))) {
			if (!(s = new_slot(r, SL_PID)))
				return;
			take(r, s, p);
		} else if (t->kind == TK_NUM && p >= 0 && free_tok(r, p) &&
			   (is_word(&r->t[p], "top") || is_word(&r->t[p], "first") ||
			    is_word(&r->t[p], "last"))) {
			if (!(s = new_slot(r, SL_COUNT)))
				return;
			take(r, s, p);
		} else if (t->kind == TK_NUM && nx >= 0 && r->t[nx].kind == TK_WORD &&
			   countable(r->t[nx].low)) {
			if (!(s = new_slot(r, SL_COUNT)))
				return;
		} else {
			continue;
		}
		take(r, s, i);
		s->num = t->num;
		snprintf(s->val, sizeof(s->val), "%s", t->raw);
		commit(r);
	}
}

/* ---- extensions and file types ---- */

static void add_ext(char *val, size_t cap, const char *exts)
{
	size_t n = strlen(val);

	snprintf(val + n, cap - n, "%s%s", n ? "," : "", exts);
}

static void extract_exts(struct mreq *r)
{
	struct mslot *s = NULL;
	int last_explicit = -10;

	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		const struct lex_ftype *ft;
		int nx;

		if (!free_tok(r, i))
			continue;
		if (t->kind == TK_EXT && (t->cue == CUE_TO || t->cue == CUE_INTO) && s) {
			/* "rename .txt files to .md": the target gets its own slot */
			struct mslot *to;

			commit(r);
			s = NULL;
			if (!(to = new_slot(r, SL_EXT)))
				return;
			add_ext(to->val, sizeof(to->val), t->low + 1);
			take(r, to, i);
			commit(r);
			continue;
		}
		/* "in *.ts files": a glob said as a kind of file is its type */
		if (t->kind == TK_GLOB && t->low[0] == '*' && t->low[1] == '.' && t->low[2] &&
		    strspn(t->low + 2, "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(t->low + 2) &&
		    i + 1 < r->n && is_word(&r->t[i + 1], "file") && r->t[i + 1].plural) {
			if (!s && !(s = new_slot(r, SL_EXT)))
				return;
			add_ext(s->val, sizeof(s->val), t->low + 2);
			take(r, s, i);
			last_explicit = i;
			continue;
		}
		if (t->kind == TK_EXT) {
			if (!s && !(s = new_slot(r, SL_EXT)))
				return;
			add_ext(s->val, sizeof(s->val), t->low + 1);
			take(r, s, i);
			last_explicit = i;
			continue;
		}
		if (t->kind != TK_WORD)
			continue;
		nx = next_content(r, i);
		ft = ftype_of(t->low);
		/* "png files in images", "in the images folder": a place, not a type */
		if (ft && (t->cue == CUE_IN || t->cue == CUE_INTO) &&
		    (nx < 0 || is_word(&r->t[nx], "dir")))
			continue;
		/* "images"; and "find logs", "delete logs": a type named by its own
		 * suffix, in the plural, as what a search or a removal acts on
		 * ("show the logs" stays the system's) */
		if (ft && (ft->plain || (t->plural && str_eq(ft->word, ft->exts) && i > 0 &&
					 (is_word(&r->t[i - 1], "find") || is_word(&r->t[i - 1], "delete") ||
					  is_word(&r->t[i - 1], "count") || is_word(&r->t[i - 1], "all"))))) {
			if (!s && !(s = new_slot(r, SL_EXT)))
				return;
			if (i - last_explicit > 3)
				add_ext(s->val, sizeof(s->val), ft->exts);
			take(r, s, i);
			continue;
		}
		if (nx < 0)
			continue;
		/* "the diff for file app.py": a word said of a named file across a
		 * preposition is what is asked about it, not its type */
		if (nx > i + 1 && nx + 1 < r->n &&
		    (r->t[nx + 1].kind == TK_FILE || r->t[nx + 1].kind == TK_PATH))
			continue;
		{
			const char *f = r->t[nx].low;
			bool filey = str_eq(f, "file") || str_eq(f, "script") || str_eq(f, "code") ||
				     str_eq(f, "source") || str_eq(f, "image") || str_eq(f, "video") ||
				     str_eq(f, "document") || str_eq(f, "audio");

			if (ft && filey) {
				if (!s && !(s = new_slot(r, SL_EXT)))
					return;
				add_ext(s->val, sizeof(s->val), ft->exts);
				take(r, s, i);
				last_explicit = i;
				/* "python scripts", "go code": files of that type, read
				 * like "python files" (never a pattern or a package) */
				if (str_eq(f, "script") || str_eq(f, "code") || str_eq(f, "source")) {
					char *low = mt_strdup(r, "file", 4);

					if (low) {
						r->t[nx].low = low;
						r->t[nx].w = lex_word("file");
					}
				}
			} else if (ms_known_ext(t->low) && strlen(t->low) > 1 &&
				   /* "jpgs", "every png": a suffix said as a kind of file
				    * (not "logs", "csv": words of their own too; not a
				    * place: "the docs folder", "in docs") */
				   (filey || (!ft && t->cue != CUE_IN && t->cue != CUE_INTO &&
					      !(i + 1 < r->n && is_word(&r->t[i + 1], "dir")) &&
					      (t->plural ||
					       (i > 0 && (is_word(&r->t[i - 1], "every") ||
							  is_word(&r->t[i - 1], "each") ||
							  is_word(&r->t[i - 1], "all"))))) ||
				    (i + 2 < r->n && (str_eq(r->t[i + 1].low, "and") ||
							      str_eq(r->t[i + 1].low, "or")) &&
					      ms_known_ext(r->t[i + 2].low)) ||
				    (i >= 2 && last_explicit == i - 2 &&
				     (str_eq(r->t[i - 1].low, "and") || str_eq(r->t[i - 1].low, "or"))))) {
				if (!s && !(s = new_slot(r, SL_EXT)))
					return;
				add_ext(s->val, sizeof(s->val), t->low);
				take(r, s, i);
				last_explicit = i;
			}
		}
	}
	if (s)
		commit(r);
}

/* ---- names, exclusions, users ---- */

static bool name_like(const struct mtok *t)
{
	return t->kind == TK_WORD || t->kind == TK_FILE || t->kind == TK_PATH ||
	       t->kind == TK_QUOTED || t->kind == TK_GLOB || t->kind == TK_NUM;
}

static bool is_generic_noun(const char *w)
{
	static const char *const nouns[] = {"user", "group", "id", "name", "list", "info", "dir",
					    "file", "process", "password", "account", "uid"};

	for (size_t i = 0; i < ARRAY_SIZE(nouns); i++)
		if (str_eq(w, nouns[i]))
			return true;
	return false;
}

/* v1.2.0, 2.3: a release, never a user ("tag this commit as v1.2.0") */
static bool version_like(const char *w)
{
	w += *w == 'v' || *w == 'V';
	return isdigit((unsigned char)*w) && strchr(w, '.') != NULL;
}

static void extract_names(struct mreq *r)
{
	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		int nx = i + 1, type = -1;
		bool dirword;
		struct mslot *s;

		if (t->kind != TK_WORD || !free_tok(r, i))
			continue;
		if (str_eq(t->low, "named") || str_eq(t->low, "called") || str_eq(t->low, "titled")) {
			type = SL_NAME;
		} else if (str_eq(t->low, "exclude")) {
			type = SL_EXCLUDE;
		} else if (str_eq(t->low, "not") && i > 0 && str_eq(r->t[i - 1].low, "but")) {
			type = SL_EXCLUDE;
		} else if (str_eq(t->low, "keep") && i > 0 &&
			   (str_eq(r->t[i - 1].low, "but") || str_eq(r->t[i - 1].low, "and"))) {
			type = SL_EXCLUDE; /* "delete the logs but keep error.log" */
		} else if ((str_eq(t->low, "owned") || str_eq(t->low, "belonging") ||
			    str_eq(t->low, "belong")) &&
			   /* "owned by group devs" names a group, never a user */
			   !(i + 2 < r->n && str_eq(r->t[i + 1].low, "by") && str_eq(r->t[i + 2].low, "group"))) {
			type = SL_USER;
		} else if (nx < r->n && (str_eq(t->low, "user") || str_eq(t->low, "author")) &&
			   r->t[nx].kind == TK_WORD && !r->t[nx].stop &&
			   !is_generic_noun(r->t[nx].low)) {
			type = SL_USER;
		} else if (i > 0 && (str_eq(r->t[i - 1].low, "by") || str_eq(r->t[i - 1].low, "as")) &&
			   t->kind == TK_WORD && (t->w < 0 || t->fixed) && !version_like(t->raw)) {
			/* "commits by alice", "ssh in as ubuntu": t itself is the user */
			if (!(s = new_slot(r, SL_USER)))
				return;
			take(r, s, i);
			snprintf(s->val, sizeof(s->val), "%s", t->raw);
			commit(r);
			continue;
		} else {
			continue;
		}
		while (nx < r->n && r->t[nx].stop && !name_like(&r->t[nx]))
			nx++;
		while (nx < r->n && r->t[nx].kind == TK_WORD &&
		       (str_eq(r->t[nx].low, "by") || str_eq(r->t[nx].low, "to") ||
			str_eq(r->t[nx].low, "the") || str_eq(r->t[nx].low, "user")))
			nx++;
		if (nx >= r->n || !free_tok(r, nx) || !name_like(&r->t[nx]))
			continue;
		dirword = type == SL_EXCLUDE && nx + 1 < r->n && r->t[nx + 1].kind == TK_WORD &&
			  is_word(&r->t[nx + 1], "dir") && free_tok(r, nx + 1);
		/* "but not the hidden ones", "except directories", "but not
		 * warning": a word the engine knows is a kind of entry or a
		 * search term, not a folder to prune; unless "folder" follows */
		if (type == SL_EXCLUDE && r->t[nx].kind == TK_WORD && r->t[nx].w >= 0 && !dirword)
			continue;
		/* "lines with error but not warning": after "but not" a bare word
		 * is as likely a term to leave out as a folder; only a path, a
		 * file name or "the X folder" reads as one */
		if (type == SL_EXCLUDE && str_eq(t->low, "not") && r->t[nx].kind == TK_WORD &&
		    !dirword)
			continue;
		if (!(s = new_slot(r, type)))
			return;
		if (!str_eq(t->low, "user")) /* "user" stays a word intents can need */
			take(r, s, i);
		take(r, s, nx);
		if (dirword) /* "excluding the venv folder": the folder word is the slot's */
			take(r, s, nx + 1);
		/* "except .pid files": a suffix the engine does not know, said
		 * as a kind of file, is a type to leave out (never a folder) */
		if (type == SL_EXCLUDE && r->t[nx].raw[0] == '.' && !strchr(r->t[nx].raw + 1, '.') &&
		    nx + 1 < r->n && is_word(&r->t[nx + 1], "file") && r->t[nx + 1].plural)
			snprintf(s->val, sizeof(s->val), "*%s", r->t[nx].raw);
		else
			snprintf(s->val, sizeof(s->val), "%s", r->t[nx].raw);
		commit(r);
		/* "excluding .git and node_modules": the second is left out too
		 * (a slot of its own), never the folder to act on */
		if (type == SL_EXCLUDE && nx + 2 < r->n && !dirword &&
		    (is_word(&r->t[nx + 1], "and") || is_word(&r->t[nx + 1], "or")) &&
		    free_tok(r, nx + 2) && name_like(&r->t[nx + 2]) &&
		    (s = new_slot(r, SL_EXCLUDE))) {
			take(r, s, nx + 1);
			take(r, s, nx + 2);
			snprintf(s->val, sizeof(s->val), "%s", r->t[nx + 2].raw);
			commit(r);
		}
	}
}

/* "files ending in .bak", "folders whose name starts with test": a glob on
 * the name ("*.bak", "test*"). Only of files, folders or names: "lines
 * starting with #" is a pattern in the text, not a name. */
static void extract_affixes(struct mreq *r)
{
	static const char *const ends[] = {"ending", "end", "ends", "ended"};
	static const char *const starts[] = {"starting", "start", "starts", "beginning",
					     "begin", "begins", "prefixed"};

	for (int i = 1; i + 2 < r->n; i++) {
		const struct mtok *t = &r->t[i], *v;
		bool end = false, start = false;
		int k = i + 2, p = i - 1;
		struct mslot *s;

		for (size_t j = 0; j < ARRAY_SIZE(ends); j++)
			end |= is_word(t, ends[j]);
		for (size_t j = 0; j < ARRAY_SIZE(starts); j++)
			start |= is_word(t, starts[j]);
		if ((!end && !start) || !free_tok(r, i) ||
		    !(is_word(&r->t[i + 1], "with") || (end && is_word(&r->t[i + 1], "in"))))
			continue;
		/* what ends so: "files", "files that", "folders whose name" */
		while (p > 0 && (r->t[p].stop || is_word(&r->t[p], "name")) && !is_word(&r->t[p], "and"))
			p--;
		if (!is_word(&r->t[p], "file") && !is_word(&r->t[p], "dir") &&
		    !is_word(&r->t[p], "name") && !is_word(&r->t[p], "symlink"))
			continue;
		while (k < r->n && (is_word(&r->t[k], "a") || is_word(&r->t[k], "an") ||
				    is_word(&r->t[k], "the")))
			k++;
		if (k >= r->n || !free_tok(r, k))
			continue;
		v = &r->t[k];
		if (!(v->kind == TK_EXT || v->kind == TK_WORD || v->kind == TK_NUM ||
		      v->kind == TK_QUOTED || v->kind == TK_FILE || v->kind == TK_SYM ||
		      (v->kind == TK_PATH && !strchr(v->raw, '/'))))
			continue;
		if (!(s = new_slot(r, SL_NAME)))
			return;
		snprintf(s->val, sizeof(s->val), end ? "*%s" : "%s*", v->raw);
		for (int j = i; j <= k; j++)
			take(r, s, j);
		commit(r);
	}
}

/* "files whose name contains invoice", "files with invoice in the name": a
 * glob on the name ("*invoice*"). "files containing invoice" is about the
 * text, so the name must be said. */
static void extract_name_contains(struct mreq *r)
{
	for (int i = 1; i < r->n; i++) {
		const struct mtok *t = &r->t[i];
		int k, p, lo, hi;
		bool file = false;
		struct mslot *s;

		if (is_word(t, "contain") && free_tok(r, i)) {
			p = i - 1; /* "name contains", "names containing", "filename contains" */
			while (p > 0 && r->t[p].stop)
				p--;
			if (!is_word(&r->t[p], "name"))
				continue;
			k = i + 1;
			while (k < r->n && r->t[k].stop)
				k++;
			lo = p, hi = k;
		} else if (is_word(t, "inname") && free_tok(r, i)) {
			k = i - 1; /* "with invoice in the name", "with the word invoice in their name" */
			while (k > 0 && r->t[k].stop)
				k--;
			lo = k, hi = i;
			if (k > 0 && is_word(&r->t[k - 1], "wholeword"))
				lo = k - 1;
		} else {
			continue;
		}
		/* "spaces in their names" is find.spaces' */
		if (k < 0 || k >= r->n || !free_tok(r, k) || r->t[k].slot >= 0 || is_word(&r->t[k], "space") ||
		    !(r->t[k].kind == TK_WORD || r->t[k].kind == TK_NUM || r->t[k].kind == TK_QUOTED))
			continue;
		for (int j = 0; j < lo; j++)
			file |= is_word(&r->t[j], "file") || is_word(&r->t[j], "dir");
		if (!file || !(s = new_slot(r, SL_NAME)))
			continue;
		snprintf(s->val, sizeof(s->val), "*%s*", r->t[k].raw);
		for (int j = lo; j <= hi; j++)
			if (free_tok(r, j) && !r->t[j].stop)
				take(r, s, j);
		commit(r);
	}
}

/* "the biggest file", "the largest folder", "which file is the largest",
 * "which process uses the most memory": a superlative of one thing is a
 * count of one (head -n 1), where "the biggest files" lists the top ten.
 * Folders too, since du.hog never lists the parent's own total. */
static void extract_superlative_one(struct mreq *r)
{
	static const char *const sup[] = {"biggest", "smallest", "newest", "oldest"};
	static const char *const one[] = {"file", "dir", "process"};

	for (int i = 0; i < r->ns; i++)
		if (r->s[i].type == SL_COUNT)
			return;
	for (int i = 0; i + 1 < r->n; i++) {
		bool is_sup = false;
		int k = i + 1;

		for (size_t j = 0; j < ARRAY_SIZE(sup); j++)
			is_sup |= is_word(&r->t[i], sup[j]);
		if (!is_sup || !free_tok(r, i))
			continue;
		while (k < r->n && ((r->t[k].slot >= 0 && r->s[r->t[k].slot].type == SL_EXT) ||
				    is_word(&r->t[k], "modified")))
			k++;
		if (k >= r->n || r->t[k].plural || !(is_word(&r->t[k], "file") || is_word(&r->t[k], "dir")))
			continue;
		/* "the biggest file or folder" is du -a's, whose list starts with
		 * the folder's own total */
		if (k + 2 < r->n && (is_word(&r->t[k + 1], "or") || is_word(&r->t[k + 1], "and")) &&
		    (is_word(&r->t[k + 2], "file") || is_word(&r->t[k + 2], "dir")))
			continue;
		count_one(r, i);
		return;
	}
	/* "which file is the largest": the question names one thing before its
	 * superlative; "which files are the largest" asks for several */
	for (int i = 0; i + 2 < r->n; i++) {
		bool noun = false;
		int n = i + 1; /* the noun, after its type: "which .jar file" */

		/* "the file that was changed most recently" asks the same */
		bool rel = is_word(&r->t[i], "the") && i + 2 < r->n &&
			   (is_word(&r->t[i + 2], "that") || is_word(&r->t[i + 2], "which"));

		if (!is_word(&r->t[i], "which") && !is_word(&r->t[i], "what") && !rel)
			continue;
		while (n + 1 < r->n && r->t[n].slot >= 0 && r->s[r->t[n].slot].type == SL_EXT)
			n++;
		for (size_t j = 0; j < ARRAY_SIZE(one); j++)
			noun |= is_word(&r->t[n], one[j]);
		if (!noun || r->t[n].plural)
			return;
		for (int k = n + 1; k < r->n; k++) {
			bool is_sup = is_word(&r->t[k], "most");

			for (size_t j = 0; j < ARRAY_SIZE(sup); j++)
				is_sup |= is_word(&r->t[k], sup[j]);
			if (is_sup && free_tok(r, k)) {
				count_one(r, k);
				return;
			}
		}
		return;
	}
}

/* find "report final.pdf": a quoted file name after find or locate is the
 * name to look for (find -name), never a text to grep for. */
static void quoted_file_name(struct mreq *r)
{
	for (int i = 1; i < r->n; i++) {
		const struct mtok *t = &r->t[i];
		const char *dot = strrchr(t->raw, '.');
		int p = i - 1;
		struct mslot *s;

		if (t->kind != TK_QUOTED || !free_tok(r, i) || !dot || dot == t->raw ||
		    strchr(t->raw, '/') || !ms_known_ext(dot + 1))
			continue;
		while (p > 0 && r->t[p].stop)
			p--;
		if (!is_word(&r->t[p], "find") && !is_word(&r->t[p], "locate"))
			continue;
		if (!(s = new_slot(r, SL_NAME)))
			return;
		take(r, s, i);
		snprintf(s->val, sizeof(s->val), "%s", t->raw);
		commit(r);
	}
}

/* "except .lock files", "but not .md ones": a type said after an
 * exclusion is one to leave out (find -not -name '*.lock'), never the one
 * to pick. */
static void exclude_exts(struct mreq *r)
{
	for (int si = 0; si < r->ns; si++) {
		struct mslot *s = &r->s[si];
		int first = r->n, p;
		size_t n = strlen(s->val);

		if (s->type != SL_EXT || n == 0 || n + 3 > sizeof(s->val) ||
		    s->ntok >= (int)ARRAY_SIZE(s->tok))
			continue;
		for (size_t k = 0; k < n; k++)
			if (!isalnum((unsigned char)s->val[k]))
				n = 0;
		for (int k = 0; k < s->ntok; k++)
			first = s->tok[k] < first ? s->tok[k] : first;
		for (p = first - 1; p >= 0 && r->t[p].stop && !is_word(&r->t[p], "not"); p--)
			;
		if (n == 0 || !free_tok(r, p) ||
		    !(is_word(&r->t[p], "exclude") ||
		      (is_word(&r->t[p], "not") && p > 0 && is_word(&r->t[p - 1], "but"))))
			continue;
		s->type = SL_EXCLUDE;
		memmove(s->val + 2, s->val, n + 1);
		s->val[0] = '*';
		s->val[1] = '.';
		s->tok[s->ntok++] = p;
		r->t[p].slot = (int8_t)si;
	}
}

/* "after 2024-01-01", "before 2023-06-30", "between A and B": a date as a
 * bound (cmp -1: on or after it, +1: before it). "until" stays a word:
 * "how many days until 2026-01-01" counts to the date. */
static void extract_dates(struct mreq *r)
{
	bool between = false;

	for (int i = 1; i < r->n; i++) {
		const struct mtok *p = &r->t[i - 1];
		int cmp = 0;
		struct mslot *s;

		between |= is_word(p, "between");
		if (r->t[i].kind != TK_DATE || !free_tok(r, i))
			continue;
		if (is_word(p, "after") || is_word(p, "since") || is_word(p, "from") ||
		    (between && is_word(p, "between")))
			cmp = -1;
		else if (is_word(p, "before") || (between && (is_word(p, "and") || is_word(p, "to"))))
			cmp = 1;
		if (!cmp || !(s = new_slot(r, SL_DATE)))
			continue;
		s->cmp = (int8_t)cmp;
		if (free_tok(r, i - 1))
			take(r, s, i - 1);
		take(r, s, i);
		snprintf(s->val, sizeof(s->val), "%s", r->t[i].raw);
		commit(r);
	}
}

/* "in this folder only", "in src only": only after a place is the folder
 * itself, not its subfolders (find -maxdepth 1). */
static void only_here(struct mreq *r)
{
	for (int i = 1; i < r->n; i++) {
		const struct mtok *p = &r->t[i - 1];
		char *low;

		/* "in src, only .go files", "only the test ones": only says
		 * which files, not which place */
		int k = i + 1;

		while (k < r->n && r->t[k].stop)
			k++;
		if (k < r->n)
			continue;
		if (!is_word(&r->t[i], "only") ||
		    !(p->kind == TK_PATH || (is_word(p, "dir") && mt_in_place(r, i - 1)) ||
		      (p->kind == TK_WORD && !p->stop && (p->cue == CUE_IN || p->cue == CUE_INTO))) ||
		    !(low = mt_strdup(r, "toplevel", 8)))
			continue;
		r->t[i].low = low;
		r->t[i].w = lex_word("toplevel");
		r->t[i].stop = false;
	}
}

void ms_extract(struct mreq *r)
{
	only_here(r);
	extract_affixes(r);
	extract_name_contains(r);
	extract_dates(r);
	extract_sizes(r);
	extract_times(r);
	extract_numbers(r);
	extract_exts(r);
	exclude_exts(r);
	extract_superlative_one(r);
	quoted_file_name(r);
	extract_names(r);
}
