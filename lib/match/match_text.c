/*
 * match_text.c: from raw request text to classified, canonical tokens.
 *
 * Stages, each one pass over the tokens (so the whole is linear in the
 * request length, and stops early once the request is too long to be a
 * single command):
 *   split      whitespace, quotes ('...', "...", curly), {json} and [..]
 *   trim       edge punctuation; "what's" -> "whats"
 *   shape      kind from the characters: path, file, host, ip, url...
 *   split      glued number+unit ("1.5G", "30m") into two tokens
 *   words      typo fix (one edit, against the vocabulary), synonyms,
 *              plurals, multi-word phrases, number words
 *   cues       stopwords, and the preposition governing each token
 *
 * The vocabulary is a hash table built at compile time (match_build.c)
 * from the lexicon and every intent's trigger words, with each word's
 * flags, synonym, phrases, cue and number value beside it; typo
 * candidates come from a list of the target words grouped by length.
 */
#include "match_int.h"

#include <ctype.h>

#define MAX_INPUT (1u << 20)
#define T match_tables

int lex_word(const char *w)
{
	return mt_lookup(&T, w, strlen(w));
}

const char *lex_str(int id)
{
	return id >= 0 && id < T.nwords ? T.pool + T.words[id].off : "";
}

unsigned lex_flags(int id)
{
	return id >= 0 && id < T.nwords ? T.words[id].flags : 0;
}

/* Optimal string alignment distance, capped: returns 0, 1 or 2 (= more). */
static int osa1(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;
	int d = 0;

	if ((na > nb ? na - nb : nb - na) > 1)
		return 2;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			i++, j++;
			continue;
		}
		if (++d > 1)
			return 2;
		if (na == nb) {
			if (i + 1 < na && a[i] == b[j + 1] && a[i + 1] == b[j])
				i += 2, j += 2; /* transposition */
			else
				i++, j++;
		} else if (na > nb) {
			i++;
		} else {
			j++;
		}
	}
	d += (int)((na - i) + (nb - j));
	return d > 1 ? 2 : d;
}

static bool is_transposition(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (a[i] != b[i])
			return a[i] == b[i + 1] && a[i + 1] == b[i] && !strcmp(a + i + 2, b + i + 2);
	return false;
}

static void consider(const char *w, size_t n, int id, int *best, int *bscore)
{
	const char *c = T.pool + T.words[id].off;
	size_t cn = strlen(c);
	int sc;

	if (osa1(w, n, c, cn) != 1)
		return;
	if (n <= 4 && (cn != n || !strncmp(w, c, n) || !is_transposition(w, c, n)))
		return; /* short words: only swapped letters ("lsit") */
	sc = (c[0] == w[0]) * 4 + (cn == n) * 2 + !(T.words[id].flags & WF_STOP);
	if (sc > *bscore || (sc == *bscore && id < *best)) {
		*bscore = sc;
		*best = id;
	}
}

/* The vocabulary word one edit away from w, or -1. Only words of length
 * n-1..n+1 can be one edit away; comparing against those few hundred
 * costs microseconds, and only when a word is unknown. */
static int typo_fix(const char *w)
{
	size_t n = strlen(w);
	int best = -1, bscore = -1;

	if (n < 4 || n >= MT_TYPO_MAXLEN)
		return -1;
	for (int i = T.typo_first[n - 1]; i < T.typo_first[MIN(n + 2, MT_TYPO_MAXLEN + 1)]; i++)
		consider(w, n, T.typo_ids[i], &best, &bscore);
	return best;
}

char *mt_strdup(struct mreq *r, const char *s, size_t n)
{
	char *d;

	if (r->used + n + 1 > sizeof(r->arena))
		return NULL;
	d = r->arena + r->used;
	memcpy(d, s, n);
	d[n] = '\0';
	r->used += n + 1;
	return d;
}

bool mt_is(const struct mtok *t, const char *word)
{
	return str_eq(t->low, word);
}

/* ---- shapes ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool is_ipv4(const char *s)
{
	int parts = 0;

	while (*s) {
		int v = 0, d = 0;

		while (isdigit((unsigned char)*s) && d < 4)
			v = v * 10 + (*s++ - '0'), d++;
		if (d == 0 || v > 255)
			return false;
		parts++;
		if (*s == '.')
			s++;
		else if (*s == '/' && parts == 4)
			return all_digits(s + 1);
		else if (*s)
			return false;
	}
	return parts == 4;
}

static bool is_mode_sym(const char *s)
{
	const char *p = s;

	while (*p && strchr("ugoa", *p))
		p++;
	if (!*p || !strchr("+-=", *p))
		return false;
	if (p == s && *p != '+')
		return false;
	p++;
	if (!*p)
		return false;
	for (; *p; p++)
		if (!strchr("rwxXst", *p))
			return false;
	return true;
}

static bool is_date(const char *s)
{
	return strlen(s) == 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) &&
	       s[4] == '-' && s[7] == '-' && isdigit((unsigned char)s[5]) &&
	       isdigit((unsigned char)s[8]) && isdigit((unsigned char)s[9]);
}

/* host:/path or host:~/path, with no user: a remote file for scp and
 * rsync. (8080:80 and db:5432 are pairs: no / or ~ after the colon.) */
static bool is_remote_spec(const char *raw)
{
	const char *colon = strchr(raw, ':'), *p;

	if (!colon || colon == raw || (colon[1] != '/' && colon[1] != '~'))
		return false;
	for (p = raw; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			return false;
	return true;
}

static bool www_archive(const char *raw)
{
	static const char *const exts[] = {".tgz", ".gz", ".zip", ".xz", ".bz2", ".tar", ".7z"};
	size_t n = strlen(raw);

	if (strchr(raw, '/'))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t k = strlen(exts[i]);

		if (n > k && strcmp(raw + n - k, exts[i]) == 0)
			return true;
	}
	return false;
}

static int classify(const char *raw)
{
	const char *dot, *at = strchr(raw, '@');
	size_t n = strlen(raw);

	if (strstr(raw, "://") || (str_startswith(raw, "git@") && strchr(raw, ':')))
		return TK_URL;
	/* www.example.com, but www.tgz or www.tar.gz is an archive named for its site */
	if (str_startswith(raw, "www.") && n > 6 && !www_archive(raw))
		return TK_URL;
	if (at && at != raw && at[1])
		return TK_AT;
	if (is_remote_spec(raw))
		return TK_AT; /* web1:/var/www, as scp and rsync take it */
	if (str_startswith(raw, "HEAD") && (raw[4] == '~' || raw[4] == '^' || raw[4] == '@'))
		return TK_REF;
	if (raw[0] == '-' && n > 1)
		return TK_OPT;
	if (strpbrk(raw, "*?"))
		return TK_GLOB;
	if (all_digits(raw))
		return TK_NUM;
	if (is_date(raw))
		return TK_DATE;
	if (is_ipv4(raw))
		return TK_IP;
	if (is_mode_sym(raw))
		return TK_MODE;
	{
		const char *dash = strchr(raw, '-');

		if (dash && dash != raw && !strchr(dash + 1, '-')) {
			char a[32];
			size_t an = (size_t)(dash - raw);

			if (an < sizeof(a)) {
				memcpy(a, raw, an);
				a[an] = '\0';
				if (all_digits(a) && all_digits(dash + 1))
					return TK_RANGE;
			}
		}
	}
	if (isdigit((unsigned char)raw[0])) {
		char *end;

		strtod(raw, &end);
		if (*end == '\0')
			return TK_DEC;
	}
	{
		const char *colon = strchr(raw, ':');

		if (colon && colon != raw && all_digits(colon + 1))
			return TK_PAIR;
		if (colon && colon != raw && colon[1] == '/')
			return TK_AT; /* host:/path, an scp remote */
	}
	if (strchr(raw, '/') || raw[0] == '~' || str_eq(raw, ".") || str_eq(raw, ".."))
		return TK_PATH;
	{
		char low[16];
		size_t k;

		for (k = 0; raw[k] && k + 1 < sizeof(low); k++)
			low[k] = (char)tolower((unsigned char)raw[k]);
		low[k] = '\0';
		if (!raw[k] && strchr(low, '.') && isalpha((unsigned char)low[0]) && ms_known_ext(low))
			return TK_WORD; /* "a tar.gz" names a format */
	}
	dot = strrchr(raw, '.');
	if (dot && dot[1]) {
		bool letter = false;

		for (const char *p = dot + 1; *p; p++)
			letter |= isalpha((unsigned char)*p) != 0;
		if (!letter)
			return isalpha((unsigned char)raw[0]) ? TK_WORD : TK_DEC;
		if (raw[0] == '.') {
			char low[16];
			size_t k;

			for (k = 0; raw[k + 1] && k + 1 < sizeof(low); k++)
				low[k] = (char)tolower((unsigned char)raw[k + 1]);
			low[k] = '\0';
			if (ms_known_ext(low))
				return TK_EXT;
			return TK_FILE;
		}
		{
			char low[16];
			size_t k;

			for (k = 0; dot[k + 1] && k + 1 < sizeof(low); k++)
				low[k] = (char)tolower((unsigned char)dot[k + 1]);
			low[k] = '\0';
			if (ms_tld(low) && !ms_known_ext(low))
				return TK_HOST;
		}
		return TK_FILE;
	}
	if (isalpha((unsigned char)raw[0]) || (unsigned char)raw[0] >= 0x80 || raw[0] == '_')
		return TK_WORD;
	if (strcasecmp(raw, "7z") == 0) /* a tool and format named with a digit first */
		return TK_WORD;
	if (n >= 6 && n <= 40 && strspn(raw, "0123456789abcdef") == n)
		return TK_WORD; /* a commit hash that starts with a digit: 4f2a9c1 */
	return TK_SYM;
}

/* Units that may be glued to a number: "250k", "1.5G", "30m", "2h". */
static bool glued_unit(const char *s)
{
	static const char *const units[] = {
		"k", "kb", "kib", "m", "mb", "mib", "meg", "megs", "g", "gb", "gib", "gig",
		"gigs", "t", "tb", "b", "byte", "bytes", "s", "sec", "secs", "min", "mins", "h",
		"hr", "hrs", "d", "day", "days", "w", "wk", "wks", "mo", "y", "yr", "yrs",
		"minute", "minutes", "hour", "hours", "week", "weeks", "month", "months",
		"year", "years", "x",
	};
	char low[16];
	size_t k;

	for (k = 0; s[k] && k + 1 < sizeof(low); k++)
		low[k] = (char)tolower((unsigned char)s[k]);
	if (s[k])
		return false;
	low[k] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (str_eq(low, units[i]))
			return true;
	return false;
}

/* ---- the pipeline ---- */

/* A typed path every system has as a folder: "grep foo in /etc" is no
 * grep of one file, "cat /var/log" no cat. */
static bool system_folder(const char *p)
{
	static const char *const dirs[] = {
		"/", "/bin", "/boot", "/dev", "/etc", "/etc/apache2", "/etc/cron.d", "/etc/nginx",
		"/etc/ssh", "/etc/systemd", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc",
		"/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib",
		"/usr/local", "/usr/local/bin", "/usr/share", "/var", "/var/cache", "/var/lib",
		"/var/log", "/var/tmp", "/var/www", "/Applications", "/Library", "/System", "/Users",
		"/Volumes", "/private"};
	size_t n = strlen(p);

	if (n > 1 && p[n - 1] == '/')
		n--;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (strlen(dirs[i]) == n && strncmp(dirs[i], p, n) == 0)
			return true;
	return false;
}

static int add_token(struct mreq *r, const char *s, size_t n, int kind, struct err *err)
{
	struct mtok *t;

	if (r->n >= MT_MAX_TOKS)
		return err_set(err, ERR_DECLINED, "match: request too long for the pattern engine");
	if (n > MT_MAX_WORD)
		return err_set(err, ERR_DECLINED, "match: a word of %zu bytes is not a request", n);
	t = &r->t[r->n];
	memset(t, 0, sizeof(*t));
	t->raw = mt_strdup(r, s, n);
	if (!t->raw)
		return err_set(err, ERR_DECLINED, "match: request too long for the pattern engine");
	t->kind = (uint8_t)kind;
	t->w = -1;
	t->slot = -1;
	t->dir = kind == TK_PATH && system_folder(t->raw);
	r->n++;
	return 0;
}

/* Curly quotes are three UTF-8 bytes: E2 80 98/99 (single), 9C/9D (double). */
static int quote_len(const unsigned char *p, const unsigned char *end)
{
	if (*p == '\'' || *p == '"' || *p == '`')
		return 1;
	if (end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] == 0x98 || p[2] == 0x99 || p[2] == 0x9C || p[2] == 0x9D))
		return 3;
	return 0;
}

static bool is_close(const unsigned char *p, const unsigned char *end, const unsigned char *open)
{
	if (open[0] != 0xE2)
		return *p == open[0];
	return end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	       ((open[2] <= 0x99 && (p[2] == 0x98 || p[2] == 0x99)) ||
		(open[2] >= 0x9C && (p[2] == 0x9C || p[2] == 0x9D)));
}

static bool trim_char(unsigned char c, bool lead)
{
	if (lead)
		return strchr("([<,;", c) != NULL && c;
	return strchr(",;:!?)]>.", c) != NULL && c;
}

static int split(struct mreq *r, const char *req, size_t len, struct err *err)
{
	const unsigned char *p = (const unsigned char *)req, *end = p + len;
	/* Position after which a quote kind is known to have no closing one,
	 * so that unclosed quotes never make the scan quadratic. */
	const unsigned char *noclose[4] = {NULL, NULL, NULL, NULL};

	while (p < end) {
		const unsigned char *s;
		int ql;

		while (p < end && (*p <= ' ' || *p == 0x7f))
			p++;
		if (p >= end)
			break;
		ql = quote_len(p, end);
		if (ql && !(p[0] == '\'' && p + 1 < end && p[1] == 's' &&
			    (p + 2 >= end || p[2] <= ' '))) {
			int qk = p[0] == '\'' ? 0 : p[0] == '"' ? 1 : p[0] == '`' ? 2 : 3;
			const unsigned char *q = p + ql;

			if (!noclose[qk] || q <= noclose[qk]) {
				while (q < end && !is_close(q, end, p))
					q++;
			} else {
				q = end;
			}
			if (q < end) {
				if (add_token(r, (const char *)p + ql, (size_t)(q - p - ql), TK_QUOTED,
					      err))
					return -1;
				p = q + (p[0] == 0xE2 ? 3 : 1);
				continue;
			}
			noclose[qk] = p;
			p += ql; /* an unclosed quote is punctuation */
			continue;
		}
		s = p;
		if (*p == '(') {
			const unsigned char *q = p + 1;

			while (q < end && q - p < MT_MAX_WORD && *q != ')' && *q != '(')
				q++;
			if (q < end && *q == ')' && q > p + 1) {
				if (add_token(r, (const char *)p + 1, (size_t)(q - p - 1), TK_QUOTED, err))
					return -1;
				r->t[r->n - 1].paren = true;
				p = q + 1;
				continue;
			}
		}
		if (*p == '{') {
			int depth = 0;
			const unsigned char *q = p;

			for (; q < end; q++) {
				depth += *q == '{';
				depth -= *q == '}';
				if (depth == 0)
					break;
			}
			if (q < end) {
				if (add_token(r, (const char *)s, (size_t)(q - s + 1), TK_QUOTED, err))
					return -1;
				p = q + 1;
				continue;
			}
		}
		while (p < end && *p > ' ' && *p != 0x7f)
			p++;
		while (s < p && trim_char(*s, true))
			s++;
		{
			const unsigned char *e = p;

			while (e > s && trim_char(e[-1], false) && !(e - s == 1 && e[-1] == '.') &&
			       !(e - s >= 2 && e[-1] == '.' && e[-2] == '.'))
				e--;
			if (e > s && quote_len(e - 1, p) == 1 && e - s > 1 && e[-1] != '`')
				e--; /* a stray closing quote */
			if (e > s) {
				char tmp[MT_MAX_WORD + 1];
				size_t n = (size_t)(e - s);

				if (n > MT_MAX_WORD)
					return err_set(err, ERR_DECLINED,
						       "match: a word of %zu bytes is not a request", n);
				memcpy(tmp, s, n);
				tmp[n] = '\0';
				if (add_token(r, tmp, n, classify(tmp), err))
					return -1;
			}
		}
	}
	return 0;
}

/* "250k" -> "250" "k"; "1.5G" -> "1.5" "G". */
static int split_units(struct mreq *r, struct err *err)
{
	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		const char *s = t->raw, *u;

		if (t->kind != TK_FILE && t->kind != TK_WORD && t->kind != TK_DEC && t->kind != TK_SYM)
			if (!isdigit((unsigned char)s[0]))
				continue;
		if (!isdigit((unsigned char)s[0]))
			continue;
		u = s;
		while (isdigit((unsigned char)*u) || *u == '.')
			u++;
		if (!*u || u == s || !glued_unit(u) || t->kind == TK_NUM)
			continue;
		if (r->n >= MT_MAX_TOKS)
			return err_set(err, ERR_DECLINED, "match: request too long for the pattern engine");
		memmove(&r->t[i + 2], &r->t[i + 1], (size_t)(r->n - i - 1) * sizeof(r->t[0]));
		r->n++;
		r->t[i + 1] = *t;
		r->t[i + 1].raw = (char *)u;
		r->t[i + 1].kind = TK_WORD;
		t->raw = mt_strdup(r, s, (size_t)(u - s));
		if (!t->raw)
			return err_set(err, ERR_DECLINED, "match: request too long for the pattern engine");
		t->kind = strchr(t->raw, '.') ? TK_DEC : TK_NUM;
		i++;
	}
	return 0;
}

static bool plural_fold(char *w, size_t n, int *id)
{
	char tmp[MT_MAX_WORD + 1];

	if (n < 3 || w[n - 1] != 's' || w[n - 2] == 's')
		return false;
	memcpy(tmp, w, n);
	if (n > 4 && str_eq(w + n - 3, "ies")) {
		strcpy(tmp + n - 3, "y");
		if ((*id = lex_word(tmp)) >= 0)
			return true;
	}
	/* "-s" before "-es", and "-es" only after s, x, z, ch, sh or o
	 * (processes, indexes, branches): "notes" is note's, never not's */
	memcpy(tmp, w, n);
	tmp[n - 1] = '\0';
	if ((*id = lex_word(tmp)) >= 0)
		return true;
	if (n > 4 && w[n - 2] == 'e' && (strchr("sxzo", w[n - 3]) ||
					 (w[n - 3] == 'h' && (w[n - 4] == 'c' || w[n - 4] == 's')))) {
		tmp[n - 2] = '\0';
		if ((*id = lex_word(tmp)) >= 0)
			return true;
	}
	return false;
}

static bool every_word(const struct mtok *t)
{
	return t->kind == TK_WORD && t->low && (str_eq(t->low, "every") || str_eq(t->low, "each"));
}

bool mt_participle(const char *w)
{
	size_t n = strlen(w);

	return n > 4 && (strcmp(w + n - 2, "ed") == 0 || strcmp(w + n - 3, "ing") == 0);
}

/* Lower-case, fix typos, fold synonyms and plurals; w0 is the id before
 * synonym folding (phrases match either). */
static void fold_words(struct mreq *r, int *w0)
{
	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		char low[MT_MAX_WORD + 1];
		size_t n = 0;
		int id;

		w0[i] = -1;
		if (t->kind != TK_WORD) {
			for (const char *s = t->raw; *s && n < MT_MAX_WORD; s++)
				low[n++] = (char)tolower((unsigned char)*s);
			low[n] = '\0';
			t->low = mt_strdup(r, low, n);
			if (!t->low)
				t->low = t->raw;
			/* "ls -la", "tail -f": an intent may list the options it reads */
			if (t->kind == TK_OPT)
				t->w = lex_word(t->low);
			continue;
		}
		for (const char *s = t->raw; *s && n < MT_MAX_WORD; s++) {
			if (*s == '\'')
				continue;
			if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
			    (unsigned char)s[2] == 0x99) {
				s += 2;
				continue;
			}
			low[n++] = (char)tolower((unsigned char)*s);
		}
		low[n] = '\0';
		id = lex_word(low);
		if (id < 0) {
			int pid = -1;

			if (plural_fold(low, n, &pid)) {
				id = pid;
				t->plural = true;
			} else {
				bool alpha = true;

				for (size_t k = 0; k < n; k++)
					alpha &= islower((unsigned char)low[k]) != 0;
				if (alpha && (id = typo_fix(low)) >= 0)
					t->fixed = true;
				else if (alpha && n > 4 && low[n - 1] == 's') {
					/* "conatiners": fix the singular */
					low[n - 1] = '\0';
					if ((id = typo_fix(low)) >= 0)
						t->fixed = t->plural = true;
					low[n - 1] = 's';
				}
			}
		}
		w0[i] = id;
		if (id >= 0 && T.words[id].syn < 0 && !(T.words[id].flags & WF_STOP)) {
			int pid;

			if (plural_fold(low, n, &pid) && pid != id) {
				id = pid; /* "addresses" is a phrase word; "address" the canonical */
				t->plural = true;
			}
		}
		if (id >= 0 && T.words[id].syn >= 0)
			id = T.words[id].syn;
		t->w = id;
		t->low = id >= 0 ? (char *)lex_str(id) : mt_strdup(r, low, n);
		if (!t->low)
			t->low = t->raw;
		/* "every file", "each folder", "every running container" mean
		 * them all, as "files" does */
		if ((i > 0 && every_word(&r->t[i - 1])) ||
		    (i > 1 && every_word(&r->t[i - 2]) &&
		     (mt_participle(r->t[i - 1].raw) || r->t[i - 1].kind == TK_FILE ||
		      r->t[i - 1].kind == TK_EXT)))
			t->plural = true;
	}
}

static void drop_tokens(struct mreq *r, const bool *gone)
{
	int j = 0;

	for (int i = 0; i < r->n; i++)
		if (!gone[i])
			r->t[j++] = r->t[i];
	r->n = j;
}

/* "HOME", "PWD": a name in capitals is a variable's, never the place its
 * lower-case spelling would be ("the value of HOME"). */
static bool caps_name(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return n >= 3;
}

/* "in Pictures", "to Downloads": the user's folder, capitalised as the
 * system shows it, after a word that says where. Lower-case "pictures"
 * stays a kind of file. */
static const char *user_folder(const struct mreq *r, int i)
{
	static const char *const dirs[] = {"~/Desktop", "~/Documents", "~/Downloads", "~/Movies",
					   "~/Music", "~/Pictures", "~/Public", "~/Videos"};
	const char *w = r->t[i].raw, *p = i > 0 ? r->t[i - 1].low : "";

	if (r->t[i].kind != TK_WORD || !isupper((unsigned char)w[0]) ||
	    !(str_eq(p, "in") || str_eq(p, "under") || str_eq(p, "from") || str_eq(p, "to") ||
	      str_eq(p, "into") || str_eq(p, "inside")))
		return NULL;
	for (size_t k = 0; k < ARRAY_SIZE(dirs); k++)
		if (str_eq(w, dirs[k] + 2))
			return dirs[k];
	return NULL;
}

static void fold_phrases(struct mreq *r, const int *w0)
{
	bool gone[MT_MAX_TOKS] = {false};

	for (int i = 0; i < r->n; i++) {
		int best = -1, blen = 0;
		const char *ud;

		if (r->t[i].kind != TK_WORD)
			continue;
		if ((ud = user_folder(r, i))) {
			r->t[i].kind = TK_PATH;
			r->t[i].raw = r->t[i].low = (char *)ud;
			r->t[i].w = -1;
			r->t[i].dir = true;
			continue;
		}
		for (int pass = 0; pass < 2; pass++) {
			int first = pass ? w0[i] : r->t[i].w;

			if (first < 0 || (pass && w0[i] == r->t[i].w))
				continue;
			for (int k = T.words[first].phr; k >= 0; k = T.phr[k].next) {
				const struct mphrase *p = &T.phr[k];
				int m;

				if (p->n <= blen || i + p->n > r->n)
					continue;
				for (m = 1; m < p->n; m++) {
					const struct mtok *u = &r->t[i + m];

					if (u->kind != TK_WORD ||
					    (u->w != p->w[m] && w0[i + m] != p->w[m]))
						break;
				}
				if (m == p->n) {
					best = k;
					blen = p->n;
				}
			}
		}
		if (best < 0 || (lex_phrases[best].to[0] && strchr("~/.", lex_phrases[best].to[0]) &&
				  caps_name(r->t[i].raw)))
			continue;
		for (int m = 1; m < blen; m++)
			gone[i + m] = true;
		{
			struct mtok *t = &r->t[i];
			const char *to = lex_phrases[best].to;

			if (!*to) {
				gone[i] = true;
			} else if (to[0] == '#') {
				t->kind = TK_NUM;
				t->raw = t->low = (char *)to + 1;
				t->w = -1;
			} else if (to[0] == '=') {
				/* a name said in words ("node modules"): as if
				 * typed, for slots to take */
				t->raw = t->low = (char *)to + 1;
				t->w = lex_word(to + 1);
			} else if (strchr("~/.", to[0])) {
				t->kind = TK_PATH;
				t->raw = t->low = (char *)to;
				t->w = -1;
				t->phrase = true; /* a place said in words: "the syslog" */
				/* ~, ., .., / and the user's folders (~/Downloads) */
				t->dir = str_eq(to, "~") || str_eq(to, ".") || str_eq(to, "..") ||
					 str_eq(to, "/") || (to[0] == '~' && to[1] == '/' &&
							     isupper((unsigned char)to[2]));
			} else {
				t->w = lex_word(to);
				t->low = (char *)(t->w >= 0 ? lex_str(t->w) : to);
				t->phrase = blen > 1;
			}
		}
		i += blen - 1;
	}
	drop_tokens(r, gone);
}

/* "twenty five" -> 25; "five" -> 5. */
static void fold_numbers(struct mreq *r)
{
	bool gone[MT_MAX_TOKS] = {false};

	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		int v;

		if (t->kind != TK_WORD || t->w < 0 || (v = T.words[t->w].num) < 0)
			continue;
		if (v >= 20 && v < 100 && i + 1 < r->n && r->t[i + 1].w >= 0) {
			int u = T.words[r->t[i + 1].w].num;

			if (u > 0 && u < 10) {
				v += u;
				gone[i + 1] = true;
			}
		}
		{
			char tmp[16];
			int n = snprintf(tmp, sizeof(tmp), "%d", v);

			t->raw = t->low = mt_strdup(r, tmp, (size_t)n);
			if (!t->raw)
				t->raw = t->low = (char *)"0";
		}
		t->kind = TK_NUM;
		t->w = -1;
	}
	drop_tokens(r, gone);
}

static bool ends_s(const char *w)
{
	size_t n = strlen(w);

	return n > 3 && w[n - 1] == 's' && w[n - 2] != 's';
}

static void set_cues(struct mreq *r)
{
	int cue = CUE_NONE;

	for (int i = 0; i < r->n; i++) {
		struct mtok *t = &r->t[i];
		int c = t->kind == TK_WORD && t->w >= 0 ? T.words[t->w].cue : CUE_NONE;

		t->stop = t->kind == TK_WORD && (lex_flags(t->w) & WF_STOP);
		/* "files that imports requests": an unknown verb of a relative
		 * clause says how the files hold what follows; it is no search term */
		if (t->kind == TK_WORD && t->w < 0 && i > 0 && i + 1 < r->n &&
		    r->t[i + 1].kind == TK_WORD && !r->t[i + 1].stop && ends_s(t->low) &&
		    (str_eq(r->t[i - 1].low, "that") || str_eq(r->t[i - 1].low, "which")))
			t->stop = true;
		if (t->kind == TK_NUM || t->kind == TK_DEC)
			t->num = strtod(t->raw, NULL);
		if (c != CUE_NONE) {
			cue = c;
			t->stop = true;
			continue;
		}
		t->cue = (uint8_t)cue;
		if (!t->stop)
			cue = CUE_NONE;
	}
}

bool mt_in_place(const struct mreq *r, int i)
{
	const struct mtok *p = &r->t[i > 0 ? i - 1 : 0];

	return i > 0 && p->kind == TK_WORD && !p->stop &&
	       (p->cue == CUE_IN || p->cue == CUE_FROM || p->cue == CUE_INTO);
}

void mt_recue(struct mreq *r)
{
	for (int i = 0; i < r->n; i++)
		r->t[i].slot = -1;
	r->ns = 0;
	set_cues(r);
}

int mt_tokenize(struct mreq *r, const char *req, size_t len, struct err *err)
{
	int w0[MT_MAX_TOKS];

	r->n = 0;
	r->ns = 0;
	r->used = 0;
	if (len > MAX_INPUT)
		return err_set(err, ERR_LIMIT, "match: request of %zu bytes exceeds %u", len,
			       MAX_INPUT);
	if (split(r, req, len, err) || split_units(r, err))
		return -1;
	fold_words(r, w0);
	fold_phrases(r, w0);
	fold_numbers(r);
	set_cues(r);
	return 0;
}
