/*
 * explain_describe.c: arguments in words, for the table's templates: {}
 * (the argument itself), find's {size}, {days}, {mins} and {num} with their
 * +N/-N comparisons, {type}, chmod's {mode} and find's {perm}, {sig},
 * {glob}, date's {date} format, {dur}ations, {sed} scripts command by
 * command, {awk} programs rule by rule, and git's {rev}isions. A
 * describer that does not recognise its argument says it as written
 * rather than guess.
 */
#include "explain_int.h"

#include <ctype.h>
#include <strings.h>

/* Describers: an argument in words. Each appends a phrase to out. */

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* find's numeric arguments: +N more than N, -N less than N, N exactly. */
static const char *cmp_words(const char **s, const char *more, const char *less,
			     const char *exact)
{
	if (**s == '+')
		return (*s)++, more;
	if (**s == '-')
		return (*s)++, less;
	return exact;
}

static void describe_age(const char *a, const char *unit, struct buf *out)
{
	const char *cmp = cmp_words(&a, "more than", "less than", "exactly");

	if (!all_digits(a)) {
		buf_addf(out, "%s %s ago", a, unit);
		return;
	}
	/* find counts whole days, dropping the fraction: -mtime +7 needs 8
	 * days or more, -mtime 1 is one to two days ago. */
	if (str_eq(unit, "day") && str_eq(cmp, "more than") && strlen(a) < 9) {
		buf_addf(out, "more than %s day%s ago (%ld whole days or more)", a,
			 str_eq(a, "1") ? "" : "s", atol(a) + 1);
		return;
	}
	if (str_eq(unit, "day") && str_eq(cmp, "exactly") && strlen(a) < 9) {
		if (atol(a) == 0)
			buf_adds(out, "less than a day ago (within the last 24 hours)");
		else
			buf_addf(out, "between %s and %ld days ago", a, atol(a) + 1);
		return;
	}
	buf_addf(out, "%s %s %s%s ago", cmp, a, unit, str_eq(a, "1") ? "" : "s");
}

/* BSD find -mtime N rounds the age up to whole days (GNU drops the
 * fraction): -mtime -1 matches almost nothing, -mtime -3 means at most
 * two days. With a unit (-1d, 2h) the time is exact. */
static void describe_bsd_days(const char *a, struct buf *out)
{
	char sign = a[0] == '+' || a[0] == '-' ? a[0] : 0;
	const char *n = a + (sign != 0);
	long v;

	if (!all_digits(n) || strlen(n) > 8) {
		buf_addf(out, "%s %s ago (an exact time, as the unit says)",
			 sign == '+' ? "more than" : sign == '-' ? "less than" : "exactly", n);
		return;
	}
	v = atol(n);
	if (sign == '+')
		buf_addf(out, "more than %ld day%s ago", v, v == 1 ? "" : "s");
	else if (sign == '-' && v <= 1)
		buf_adds(out, "0 whole days ago: BSD rounds ages up to whole days, so almost nothing "
			      "matches (-1d: the last 24 hours)");
	else if (sign == '-')
		buf_addf(out, "%ld day%s ago or less (BSD rounds ages up to whole days)", v - 1,
			 v == 2 ? "" : "s");
	else if (v == 0)
		buf_adds(out, "this very second (BSD rounds ages up to whole days)");
	else
		buf_addf(out, "between %ld and %ld days ago", v - 1, v);
}

static void describe_num(const char *a, struct buf *out)
{
	const char *cmp = cmp_words(&a, "more than", "fewer than", "exactly");

	buf_addf(out, "%s %s", cmp, a);
}

static void describe_size(const char *a, struct buf *out)
{
	static const struct {
		char suffix;
		const char *unit;
	} units[] = {
		{'c', "bytes"}, {'k', "KiB"}, {'M', "MiB"}, {'G', "GiB"}, {'T', "TiB"},
		{'P', "PiB"}, {'b', "blocks of 512 bytes"}, {'w', "two-byte words"},
	};
	const char *cmp = cmp_words(&a, "larger than", "smaller than", "exactly");
	size_t n = strspn(a, "0123456789");
	const char *unit = "blocks of 512 bytes";

	if (!n) {
		buf_addf(out, "%s %s", cmp, a);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (a[n] == units[i].suffix && !a[n + 1])
			unit = units[i].unit;
	buf_addf(out, "%s %.*s %s", cmp, (int)n, a, unit);
}

static void describe_type(const char *a, struct buf *out)
{
	static const char letters[] = "fdlbcpsD";
	static const char *const names[] = {
		"regular file", "directory", "symbolic link", "block device",
		"character device", "named pipe (FIFO)", "socket", "door (Solaris)",
	};
	bool first = true;

	for (const char *s = a; *s; s++) {
		const char *l = strchr(letters, *s);

		if (*s == ',')
			continue;
		if (!first)
			buf_adds(out, " or ");
		first = false;
		if (l)
			buf_adds(out, names[l - letters]);
		else
			buf_addf(out, "type '%c' (unknown)", *s);
	}
}

/* Permission bits of one octal digit, as words. */
static void perm_words(int d, struct buf *out)
{
	static const char *const w[] = {"read", "write", "run"};
	bool any = false;

	for (int b = 0; b < 3; b++) {
		if (d & (4 >> b)) {
			buf_addf(out, "%s%s", any ? ", " : "", w[b]);
			any = true;
		}
	}
	if (!any)
		buf_adds(out, "nothing");
}

static bool describe_octal(const char *a, struct buf *out)
{
	size_t n = strlen(a);
	static const char *const who[] = {"owner", "group", "others"};
	char rwx[10];
	int special = 0;

	if (n < 3 || n > 4 || strspn(a, "01234567") != n)
		return false;
	if (n == 4)
		special = a[0] - '0';
	a += n - 3;
	for (int i = 0; i < 3; i++) {
		int d = a[i] - '0';

		rwx[i * 3] = d & 4 ? 'r' : '-';
		rwx[i * 3 + 1] = d & 2 ? 'w' : '-';
		rwx[i * 3 + 2] = d & 1 ? 'x' : '-';
	}
	rwx[9] = '\0';
	buf_addf(out, "%s (", rwx);
	for (int i = 0; i < 3; i++) {
		buf_addf(out, "%s%s: ", i ? "; " : "", who[i]);
		perm_words(a[i] - '0', out);
	}
	buf_addch(out, ')');
	if (special & 4)
		buf_adds(out, "; setuid: runs as the file's owner");
	if (special & 2)
		buf_adds(out, "; setgid: runs as the file's group");
	if (special & 1)
		buf_adds(out, "; sticky: only owners may delete entries");
	if ((a[2] - '0') & 2)
		buf_adds(out, "; anyone may write it");
	return true;
}

/* chmod's symbolic modes: u+x, go-w, a=r, +x, u+rw-x, g=u, o=. */
static void describe_mode(const char *a, struct buf *out)
{
	const char *s = a;
	size_t start = out->len;
	bool first = true;

	if (describe_octal(a, out))
		return;
	if (!*a)
		goto raw;
	while (*s) {
		const char *who = s;
		size_t nwho = strspn(s, "ugoa");
		struct buf whom = BUF_INIT;

		s += nwho;
		if (*s != '+' && *s != '-' && *s != '=')
			goto raw;
		if (!nwho || memchr(who, 'a', nwho)) {
			buf_adds(&whom, "everyone");
		} else {
			for (size_t i = 0; i < nwho; i++)
				buf_addf(&whom, "%s%s", i ? (i + 1 == nwho ? " and " : ", ") : "",
					 who[i] == 'u' ? "the owner" : who[i] == 'g' ? "the group" :
					 "others");
		}
		/* One or more operations on the same users: u+rw-x. */
		while (*s == '+' || *s == '-' || *s == '=') {
			char op = *s++;
			const char *perms = s;
			size_t np = strspn(s, "rwxXstugo");
			bool any = false;

			s += np;
			buf_adds(out, first ? "" : "; ");
			first = false;
			if (op == '=' && !np) {
				buf_addf(out, "remove all permissions of %s", whom.s);
				continue;
			}
			buf_adds(out, op == '+' ? "add " : op == '-' ? "remove " : "set exactly ");
			for (size_t i = 0; i < np; i++) {
				static const char pl[] = "rwxXtugo";
				static const char *const pw[] = {
					"read", "write", "run", "run (directories, or if already runnable)",
					"sticky (only owners may delete entries)",
					"the owner's permissions", "the group's permissions",
					"the others' permissions",
				};
				const char *p = strchr(pl, perms[i]);

				buf_adds(out, any ? ", " : "");
				any = true;
				if (p) {
					buf_adds(out, pw[p - pl]);
				} else { /* s: setuid for u, setgid for g */
					bool u = !nwho || memchr(who, 'u', nwho) || memchr(who, 'a', nwho);
					bool g = !nwho || memchr(who, 'g', nwho) || memchr(who, 'a', nwho);

					buf_adds(out, u && g ? "setuid and setgid" : u ? "setuid (runs as the owner)" :
						 g ? "setgid (runs as the group; new files inherit it)" :
						 "nothing (s for others)");
				}
			}
			if (!any)
				buf_adds(out, "nothing");
			/* s and t are bits of the file, not of a class of users. */
			if (!np || strspn(perms, "st") < np)
				buf_addf(out, " for %s", whom.s);
		}
		buf_release(&whom);
		if (*s == ',')
			s++;
		else if (*s)
			goto raw;
	}
	return;
raw:
	buf_truncate(out, start);
	buf_addf(out, "the mode %s", a);
}

static void describe_perm(const char *a, struct buf *out)
{
	if (*a == '-') {
		buf_adds(out, "at least all of ");
		a++;
	} else if (*a == '/' || *a == '+') {
		buf_adds(out, "any of ");
		a++;
	} else {
		buf_adds(out, "exactly ");
	}
	if (!describe_octal(a, out))
		buf_adds(out, a);
}

static const struct {
	const char *name;
	int num; /* the same on Linux and BSD; 0: differs, give no number */
	const char *what;
} signals[] = {
	{"HUP", 1, "SIGHUP: hang up (many daemons reload their configuration)"},
	{"INT", 2, "SIGINT: interrupt, like Ctrl-C"},
	{"QUIT", 3, "SIGQUIT: quit with a core dump"},
	{"KILL", 9, "SIGKILL: stop at once, no chance to clean up"},
	{"TERM", 15, "SIGTERM: ask to terminate (the default)"},
	{"STOP", 0, "SIGSTOP: pause the process"},
	{"CONT", 0, "SIGCONT: resume a paused process"},
	{"USR1", 0, "SIGUSR1 (its meaning is up to the program)"},
	{"USR2", 0, "SIGUSR2 (its meaning is up to the program)"},
	{"TSTP", 0, "SIGTSTP: suspend, like Ctrl-Z"},
	{"WINCH", 0, "SIGWINCH: the window size changed"},
	{"ALRM", 14, "SIGALRM: a timer went off"},
	{"PIPE", 13, "SIGPIPE: the reader of a pipe went away"},
};

static void describe_sig(const char *a, struct buf *out)
{
	const char *name = a;

	if (str_startswith(name, "SIG"))
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
		bool num = all_digits(a) && signals[i].num && atoi(a) == signals[i].num;

		if (num || strcasecmp(name, signals[i].name) == 0) {
			buf_adds(out, signals[i].what);
			return;
		}
	}
	if (all_digits(a))
		buf_addf(out, "signal number %s (numbers above 15 differ between Linux and BSD)", a);
	else
		buf_addf(out, "the signal %s", a);
}

/* A signal name (KILL, SIGKILL) or number? */
bool explain_is_signal(const char *a)
{
	if (all_digits(a))
		return strlen(a) <= 2 && atoi(a) > 0 && atoi(a) < 65;
	if (str_startswith(a, "SIG"))
		a += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(a, signals[i].name) == 0)
			return true;
	return false;
}

/* A glob pattern in words: *.py, test_*, *foo*, or the pattern itself. */
void explain_describe_glob(const char *a, struct buf *out)
{
	size_t n = strlen(a);
	const char *meta = "*?[";
	bool inner = n > 2 && strpbrk(a + 1, meta) && (size_t)(strpbrk(a + 1, meta) - a) < n - 1;

	if (str_eq(a, "*")) {
		buf_adds(out, "any name");
	} else if (n > 1 && a[0] == '*' && !strpbrk(a + 1, meta)) {
		buf_addf(out, "*%s (names ending in %s)", a + 1, a + 1);
	} else if (n > 1 && a[n - 1] == '*' && !inner && a[0] != '*' && !strpbrk(a, "?[")) {
		buf_addf(out, "%s (names starting with %.*s)", a, (int)(n - 1), a);
	} else if (n > 2 && a[0] == '*' && a[n - 1] == '*' && !strpbrk(a + 1, "?[") &&
		   !memchr(a + 1, '*', n - 2)) {
		buf_addf(out, "%s (names containing %.*s)", a, (int)(n - 2), a + 1);
	} else if (strpbrk(a, meta)) {
		buf_addf(out, "%s (* any text, ? one character, [...] one of a set)", a);
	} else {
		buf_addf(out, "%s exactly", a);
	}
}

static const struct {
	char c;
	const char *what;
} date_conv[] = {
	{'Y', "year"}, {'y', "2-digit year"}, {'m', "month"}, {'d', "day"}, {'e', "day"},
	{'H', "hour"}, {'I', "hour (12-hour)"}, {'M', "minute"}, {'S', "second"},
	{'s', "seconds since 1970"}, {'F', "year-month-day"}, {'T', "hour:minute:second"},
	{'D', "month/day/year"}, {'R', "hour:minute"}, {'a', "weekday name, short"},
	{'A', "weekday name"}, {'b', "month name, short"}, {'B', "month name"},
	{'j', "day of the year"}, {'u', "weekday number (1 Monday)"},
	{'w', "weekday number (0 Sunday)"}, {'V', "ISO week number"}, {'Z', "time zone name"},
	{'z', "UTC offset"}, {'p', "AM or PM"}, {'c', "date and time"}, {'x', "date"},
	{'X', "time"}, {'n', "newline"}, {'t', "tab"}, {'N', "nanoseconds (GNU)"},
	{'%', "%"},
};

static void describe_date(const char *a, struct buf *out)
{
	for (const char *s = a; *s; s++) {
		size_t i;

		if (*s != '%' || !s[1]) {
			buf_addch(out, *s);
			continue;
		}
		s++;
		for (i = 0; i < ARRAY_SIZE(date_conv); i++)
			if (date_conv[i].c == *s)
				break;
		if (i < ARRAY_SIZE(date_conv))
			buf_addf(out, "<%s>", date_conv[i].what);
		else
			buf_addf(out, "%%%c", *s);
	}
}

static void describe_dur(const char *a, struct buf *out)
{
	static const struct {
		char suffix;
		const char *unit;
	} units[] = {{'s', "second"}, {'m', "minute"}, {'h', "hour"}, {'d', "day"}};
	size_t n = strspn(a, "0123456789.");
	const char *unit = "second";
	bool one;

	if (!n) {
		buf_adds(out, a);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (a[n] == units[i].suffix && !a[n + 1])
			unit = units[i].unit;
	if (a[n] && !(a[n + 1] == '\0' && strchr("smhd", a[n]))) {
		buf_adds(out, a);
		return;
	}
	one = n == 1 && a[0] == '1';
	buf_addf(out, "%.*s %s%s", (int)n, a, unit, one ? "" : "s");
	if (a[n] && a[n] != 's')
		buf_adds(out, " (a GNU suffix; BSD sleep takes seconds)");
}

/* sed scripts, command by command: addresses (N, $, /re/, \cREc,
 * first~step, ranges with +N), !, and the commands with their arguments,
 * { } groups included. A script with a part it cannot read is said as
 * written rather than guessed at. */

#define SED_MAX_TEXT 400 /* the description is cut after this many bytes */

/* The end of a regex or s part delimited by d, from s (after the opening
 * d), or NULL. */
static const char *sed_delim(const char *s, const char *end, char d)
{
	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		else if (*s == d)
			return s;
		else if (*s == '\n')
			return NULL;
	}
	return NULL;
}

/* One address at *sp: its words, plural ("lines matching /re/") or as
 * one line ("one matching /re/"). Returns false when there is none. */
static bool sed_addr(const char **sp, const char *end, struct buf *plural, struct buf *one)
{
	const char *s = *sp;
	size_t n = strspn(s, "0123456789");

	if (n && s[n] == '~' && isdigit((unsigned char)s[n + 1])) {
		size_t m = strspn(s + n + 1, "0123456789");

		buf_addf(plural, "every %.*s%s line from line %.*s", (int)m, s + n + 1,
			 m == 1 && s[n + 1] == '2' ? "nd" : m == 1 && s[n + 1] == '3' ? "rd" : "th",
			 (int)n, s);
		buf_adds(one, plural->s);
		*sp = s + n + 1 + m;
		return true;
	}
	if (n) {
		buf_addf(plural, "line %.*s", (int)n, s);
		buf_addf(one, "line %.*s", (int)n, s);
		*sp = s + n;
		return true;
	}
	if (*s == '$') {
		buf_adds(plural, "the last line");
		buf_adds(one, "the last line");
		*sp = s + 1;
		return true;
	}
	if (*s == '/' || (*s == '\\' && s + 1 < end && s[1] != '\n')) {
		char d = *s == '/' ? '/' : s[1];
		const char *re = s + (*s == '/' ? 1 : 2), *e = sed_delim(re, end, d);

		if (!e)
			return false;
		buf_addf(plural, "lines matching /%.*s/", (int)(e - re), re);
		buf_addf(one, "one matching /%.*s/", (int)(e - re), re);
		e++;
		while (e < end && (*e == 'I' || *e == 'M'))
			e++;
		*sp = e;
		return true;
	}
	return false;
}

/* The address part of a command at *sp, in words, into out; "" for
 * none. False when it cannot be read. */
static bool sed_addrs(const char **sp, const char *end, struct buf *out)
{
	struct buf p1 = BUF_INIT, o1 = BUF_INIT, p2 = BUF_INIT, o2 = BUF_INIT;
	const char *s = *sp;
	bool ok = true;

	if (!sed_addr(&s, end, &p1, &o1))
		goto out;
	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == ',') {
		s++;
		while (s < end && *s == ' ')
			s++;
		if ((*s == '+' || *s == '~') && isdigit((unsigned char)s[1])) {
			size_t m = strspn(s + 1, "0123456789");

			buf_addf(&o2, *s == '+' ? "%.*s line%s after it" :
				 "the next line whose number is a multiple of %.*s%s", (int)m, s + 1,
				 *s == '+' && !(m == 1 && s[1] == '1') ? "s" : "");
			s += 1 + m;
		} else if (!sed_addr(&s, end, &p2, &o2)) {
			ok = false;
			goto out;
		}
		if (str_eq(o1.s, "line 0"))
			buf_addf(out, "the lines up to the first %s", o2.s);
		else if (str_startswith(o1.s, "line ") && str_startswith(o2.s, "line "))
			buf_addf(out, "lines %s to %s", o1.s + 5, o2.s + 5);
		else if (str_startswith(o1.s, "line ") && str_eq(o2.s, "the last line"))
			buf_addf(out, "lines %s to the end", o1.s + 5);
		else
			buf_addf(out, "the lines from %s to %s", o1.s, o2.s);
	} else {
		buf_adds(out, p1.s);
	}
out:
	*sp = s;
	buf_release(&p1);
	buf_release(&o1);
	buf_release(&p2);
	buf_release(&o2);
	return ok;
}

/* The rest of the line from s (a file name, a label, a's text). */
static size_t sed_rest(const char *s, const char *end, const char *stops)
{
	size_t n = 0;

	while (s + n < end && !strchr(stops, s[n]))
		n++;
	while (n && s[n - 1] == ' ')
		n--;
	return n;
}

/* A part of an s command: '' around text with spaces at its ends, so
 * they show; an empty pattern is the last one used. */
static void sed_part(const char *s, size_t n, bool pattern, struct buf *out)
{
	if (!n && pattern)
		buf_adds(out, "the last pattern used");
	else if (n && (s[0] == ' ' || s[n - 1] == ' '))
		buf_addf(out, "'%.*s'", (int)n, s);
	else
		buf_add(out, s, n);
}

/* One s command from s (at the delimiter); adds its words and moves *sp
 * past it. */
static bool sed_subst(const char **sp, const char *end, const char *addr, bool y,
		      struct buf *out)
{
	const char *s = *sp;
	char d = s < end ? *s : '\0';
	const char *a = s + 1, *b, *c, *f;
	bool global = false;

	if (!d || d == '\\' || d == '\n' || d == ' ')
		return false;
	b = sed_delim(a, end, d);
	c = b ? sed_delim(b + 1, end, d) : NULL;
	if (!c)
		return false;
	if (y)
		buf_addf(out, "change each of %.*s to %.*s", (int)(b - a), a, (int)(c - b - 1), b + 1);
	else if (c == b + 1)
		buf_adds(out, "delete ");
	else
		buf_adds(out, "replace ");
	if (!y) {
		sed_part(a, (size_t)(b - a), true, out);
		if (c > b + 1) {
			buf_adds(out, " with ");
			sed_part(b + 1, (size_t)(c - b - 1), false, out);
		}
	}
	for (f = c + 1; !y && f < end && !strchr(";}\n ", *f); f++) {
		if (*f == 'g') {
			buf_adds(out, ", every match on the line");
			global = true;
		} else if (*f == 'i' || *f == 'I') {
			buf_adds(out, ", ignoring case");
		} else if (*f == 'p') {
			buf_adds(out, ", printing changed lines");
		} else if (*f == 'e') {
			buf_adds(out, ", running the result as a command");
		} else if (*f == 'm' || *f == 'M') {
			buf_adds(out, ", multi-line");
		} else if (isdigit((unsigned char)*f)) {
			size_t m = strspn(f, "0123456789");

			buf_addf(out, ", only match %.*s", (int)m, f);
			global = true;
			f += m - 1;
		} else if (*f == 'w') {
			size_t m = sed_rest(f + 1 + strspn(f + 1, " "), end, "\n");

			buf_addf(out, ", writing changed lines to the file %.*s", (int)m,
				 f + 1 + strspn(f + 1, " "));
			f = f + 1 + strspn(f + 1, " ") + m - 1;
		} else {
			return false;
		}
	}
	if (*addr)
		buf_addf(out, " (on %s)", addr);
	else if (!y && !global)
		buf_adds(out, " (the first match on each line)");
	*sp = y ? c + 1 : f;
	return true;
}

static const struct {
	char c;
	const char *what;
} sed_simple[] = {
	{'n', "print the line and read the next one"},
	{'N', "append the next line (a newline between)"},
	{'D', "delete up to the first newline and restart"},
	{'P', "print up to the first newline"},
	{'g', "replace the line with the hold space"},
	{'G', "append the hold space (at first empty: a blank line)"},
	{'h', "copy the line to the hold space"}, {'H', "append the line to the hold space"},
	{'x', "swap the line and the hold space"},
	{'l', "print the line with invisible characters shown"},
	{'z', "empty the line"}, {'F', "print the file name"},
};

static void describe_sed(const char *a, struct buf *out)
{
	size_t start = out->len;
	const char *s = a, *end = a + strlen(a);
	struct buf addr = BUF_INIT;
	const char *all;
	bool first = true, has_addr;
	int groups = 0;

	if (!*a) {
		buf_adds(out, "empty: it changes nothing");
		return;
	}
	for (;;) {
		bool neg = false;
		char cmd;

		while (s < end && strchr(" \t\n;", *s))
			s++;
		if (s >= end)
			break;
		if (out->len - start > SED_MAX_TEXT) {
			buf_adds(out, "; ...");
			break;
		}
		buf_reset(&addr);
		buf_adds(&addr, ""); /* addr.s is never NULL */
		if (!sed_addrs(&s, end, &addr))
			goto raw;
		while (s < end && *s == ' ')
			s++;
		if (s < end && *s == '!') {
			if (!addr.len)
				goto raw;
			neg = true;
			s++;
			while (s < end && *s == ' ')
				s++;
		}
		if (neg) {
			struct buf t = BUF_INIT;

			buf_addf(&t, "all but %s", addr.s);
			buf_reset(&addr);
			buf_adds(&addr, t.s);
			buf_release(&t);
		}
		if (s >= end)
			goto raw;
		buf_adds(out, first || *s == '}' ? "" : "; then ");
		first = false;
		cmd = *s++;
		/* Inside a group a command without an address works on the
		 * line the group's address chose. */
		has_addr = addr.len > 0;
		if (!has_addr)
			buf_adds(&addr, groups ? "this line" : "");
		all = addr.len ? addr.s : "every line";
		switch (cmd) {
		case 'd':
			buf_addf(out, "delete %s", all);
			break;
		case 'p':
			buf_addf(out, "print %s", all);
			break;
		case 'q':
		case 'Q':
			buf_addf(out, "quit %s %s", cmd == 'q' ? "after" : "before printing",
				 addr.len ? addr.s : "the first line");
			if (isdigit((unsigned char)*s))
				s += strspn(s, "0123456789");
			break;
		case '=':
			buf_addf(out, "print the line number of %s", all);
			break;
		case 's':
		case 'y':
			if (!sed_subst(&s, end, has_addr ? addr.s : "", cmd == 'y', out))
				goto raw;
			break;
		case 'a':
		case 'i':
		case 'c': {
			size_t n;

			if (s < end && *s == '\\')
				s++;
			if (s < end && *s == '\n')
				s++;
			s += strspn(s, " ");
			n = sed_rest(s, end, "\n");
			if (!n)
				goto raw;
			if (cmd == 'c')
				buf_addf(out, "replace %s with the line %.*s", all, (int)n, s);
			else
				buf_addf(out, "add the line %.*s %s %s", (int)n, s,
					 cmd == 'i' ? "before" : "after", all);
			s += n;
			break;
		}
		case 'r':
		case 'R':
		case 'w':
		case 'W': {
			size_t n;

			s += strspn(s, " ");
			n = sed_rest(s, end, "\n");
			if (!n)
				goto raw;
			if (cmd == 'r' || cmd == 'R')
				buf_addf(out, "add %s of the file %.*s after %s",
					 cmd == 'r' ? "the contents" : "a line", (int)n, s, all);
			else
				buf_addf(out, "write %s to the file %.*s", all, (int)n, s);
			s += n;
			break;
		}
		case ':':
		case 'b':
		case 't':
		case 'T': {
			size_t n;

			s += strspn(s, " ");
			n = sed_rest(s, end, cmd == ':' ? "\n;" : "\n;}");
			if (cmd == ':')
				buf_addf(out, "the label %.*s (for b and t to jump to)", (int)n, s);
			else
				buf_addf(out, "%sjump to %s%.*s%s%s",
					 cmd == 't' ? "if a replacement was made, " :
					 cmd == 'T' ? "unless a replacement was made, " : "",
					 n ? "the label " : "the end of the script", (int)n, s,
					 has_addr ? " (on " : "", has_addr ? addr.s : "");
			if (has_addr && cmd != ':')
				buf_addch(out, ')');
			s += n;
			break;
		}
		case '{':
			buf_addf(out, "on %s: [", all);
			groups++;
			first = true;
			break;
		case '}':
			if (!groups--)
				goto raw;
			buf_addch(out, ']');
			break;
		default: {
			size_t i;

			for (i = 0; i < ARRAY_SIZE(sed_simple); i++)
				if (sed_simple[i].c == cmd)
					break;
			if (i == ARRAY_SIZE(sed_simple))
				goto raw;
			buf_adds(out, sed_simple[i].what);
			if (has_addr)
				buf_addf(out, " (on %s)", addr.s);
			break;
		}
		}
	}
	if (groups || first)
		goto raw;
	buf_release(&addr);
	return;
raw:
	buf_release(&addr);
	buf_truncate(out, start);
	buf_adds(out, a);
}

/* awk programs: print $N, /re/, and their mix; else as written. */
/* An awk condition: $N, NR, NF or length, a comparison, a value:
 * "field 3 > 100". Returns the text after it, or NULL. */
static const char *awk_cond(const char *s, char *cond, size_t size)
{
	static const char *const ops[] = {"==", "!=", ">=", "<=", ">", "<"};
	char lhs[32];
	const char *op = NULL;
	size_t n;

	if (*s == '$' && isdigit((unsigned char)s[1])) {
		n = 1 + strspn(s + 1, "0123456789");
		snprintf(lhs, sizeof(lhs), "field %.*s", (int)(n - 1), s + 1);
	} else if (str_startswith(s, "NR")) {
		n = 2;
		snprintf(lhs, sizeof(lhs), "the line number");
	} else if (str_startswith(s, "NF")) {
		n = 2;
		snprintf(lhs, sizeof(lhs), "the number of fields");
	} else if (str_startswith(s, "length($0)") || str_startswith(s, "length")) {
		n = str_startswith(s, "length($0)") ? 10 : 6;
		snprintf(lhs, sizeof(lhs), "the length of the line");
	} else {
		return NULL;
	}
	s += n;
	while (*s == ' ')
		s++;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (str_startswith(s, ops[i])) {
			op = ops[i];
			break;
		}
	if (!op)
		return NULL;
	s += strlen(op);
	while (*s == ' ')
		s++;
	n = strcspn(s, " {");
	if (!n || n > 40 || memchr(s, '(', n) || memchr(s, '$', n))
		return NULL;
	snprintf(cond, size, "%s %s %.*s", lhs, op, (int)n, s);
	s += n;
	while (*s == ' ')
		s++;
	return s;
}

/* Whole programs that are idioms: !seen[$0]++, {s+=$3} END {print s},
 * END {print NR}. Spaces are ignored. Adds their meaning, returns true. */
static bool awk_idiom(const char *s, struct buf *out)
{
	char t[128], id[32], id2[32];
	size_t n = 0;
	int f = -1, used = 0;

	for (; *s && n + 1 < sizeof(t); s++)
		if (*s != ' ' && *s != '\t')
			t[n++] = *s;
	if (*s)
		return false;
	t[n] = '\0';
	if (sscanf(t, "!%31[A-Za-z_][$%d]++%n", id, &f, &used) == 2 && (size_t)used == n) {
		if (f == 0)
			buf_adds(out, "print each line the first time it appears (drop repeats)");
		else
			buf_addf(out, "print the first line for each value of field %d", f);
		return true;
	}
	used = 0;
	if (sscanf(t, "{%31[A-Za-z_]+=$%d}END{print%31[A-Za-z_]}%n", id, &f, id2, &used) == 3 &&
	    (size_t)used == n && str_eq(id, id2) && f > 0) {
		buf_addf(out, "add up field %d of every line and print the total", f);
		return true;
	}
	if (str_eq(t, "END{printNR}")) {
		buf_adds(out, "print the number of lines");
		return true;
	}
	return false;
}

/* One rule that prints: print $1, /re/, $3 > 100 {print $1}. Adds its
 * meaning and returns true, or adds nothing and returns false. */
static bool awk_simple(const char *a, struct buf *out)
{
	const char *s = a, *body;
	char re[128] = "", cond[96] = "";
	size_t start = out->len;

	while (*s == ' ')
		s++;
	if (*s == '/') {
		const char *end = strchr(s + 1, '/');

		if (!end || (size_t)(end - s) >= sizeof(re))
			goto raw;
		snprintf(re, sizeof(re), "%.*s", (int)(end - s - 1), s + 1);
		s = end + 1;
		while (*s == ' ')
			s++;
	} else if ((body = awk_cond(s, cond, sizeof(cond)))) {
		s = body;
	}
	if (!*s && (*re || *cond)) {
		if (*re)
			buf_addf(out, "print lines matching /%s/", re);
		else
			buf_addf(out, "print the lines where %s", cond);
		return true;
	}
	if (*s != '{')
		goto raw;
	body = s + 1;
	while (*body == ' ')
		body++;
	if (!str_startswith(body, "print"))
		goto raw;
	body += 5;
	buf_adds(out, "print ");
	if (*body == ' ' || *body == '}') {
		bool any = false;

		for (;;) {
			while (*body == ' ' || *body == ',')
				body++;
			if (*body == '}')
				break;
			if (*body == '$' && isdigit((unsigned char)body[1])) {
				int f = atoi(body + 1);

				body++;
				while (isdigit((unsigned char)*body))
					body++;
				if (f == 0)
					buf_addf(out, "%sthe whole line", any ? ", " : "");
				else
					buf_addf(out, "%sfield %d", any ? ", " : "", f);
			} else if (str_startswith(body, "$NF")) {
				body += 3;
				buf_addf(out, "%sthe last field", any ? ", " : "");
			} else if (str_startswith(body, "NR")) {
				body += 2;
				buf_addf(out, "%sthe line number", any ? ", " : "");
			} else {
				goto raw;
			}
			any = true;
		}
		if (!any && !*cond && !*re)
			buf_adds(out, "every line");
		else if (!any)
			buf_adds(out, "the whole line");
		if (*cond)
			buf_addf(out, " of the lines where %s", cond);
		else if (any || *re)
			buf_addf(out, " of %s", *re ? "lines matching /" : "each line");
		if (*re)
			buf_addf(out, "%s/", re);
		if (body[1] && body[1] != ' ')
			goto raw;
		return true;
	}
raw:
	buf_truncate(out, start);
	return false;
}


/* General awk programs, rule by rule: BEGIN{FS=":"} $3>=1000 {n++}
 * END{print n} is "at the start: set the field separator to :; on the
 * lines where field 3 >= 1000: add 1 to n; at the end: print n". The
 * statements said in words are the common ones (print, assignments,
 * ++, next, exit); others are shown as written. */

#define AWK_MAX_TEXT 400 /* the description is cut after this many bytes */

/* The end of the awk text starting at s (up to end) that ends at the
 * first top-level byte of stops, skipping strings, regexes after an
 * operator, and nested braces and parentheses. */
static const char *awk_scan(const char *s, const char *end, const char *stops)
{
	int depth = 0;
	char prev = '(';

	for (; s < end; s++) {
		char c = *s;

		if (!depth && strchr(stops, c))
			return s;
		if (c == '"' || (c == '/' && strchr("(,!~&|{;=:", prev))) {
			for (s++; s < end && *s != c; s++)
				if (*s == '\\' && s + 1 < end)
					s++;
			if (s >= end)
				return NULL;
		} else if (c == '{' || c == '(' || c == '[') {
			depth++;
		} else if (c == '}' || c == ')' || c == ']') {
			if (--depth < 0)
				return NULL;
		}
		if (c != ' ' && c != '\t')
			prev = c;
	}
	return depth ? NULL : end;
}

/* A simple awk value in words: $3 "field 3", $0 "the line", NR, NF,
 * $NF; anything else as written. */
static void awk_value(const char *s, size_t n, struct buf *out)
{
	static const struct {
		const char *v;
		const char *what;
	} names[] = {
		{"$0", "the line"}, {"$NF", "the last field"}, {"NR", "the line number"},
		{"FNR", "the line number in this file"}, {"NF", "the number of fields"},
		{"FILENAME", "the file's name"},
	};

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i].v) == n && !memcmp(s, names[i].v, n)) {
			buf_adds(out, names[i].what);
			return;
		}
	if (n > 1 && s[0] == '$' && strspn(s + 1, "0123456789") == n - 1) {
		buf_addf(out, "field %.*s", (int)(n - 1), s + 1);
		return;
	}
	buf_addf(out, "%.*s", (int)MIN(n, 60), s);
	if (n > 60)
		buf_adds(out, "...");
}

/* One statement of an action (n bytes at s). */
static void awk_stmt(const char *s, size_t n, struct buf *out)
{
	static const struct {
		const char *var;
		const char *what;
	} specials[] = {
		{"FS", "the field separator"}, {"OFS", "the output field separator"},
		{"RS", "the record (line) separator"}, {"ORS", "the output line ending"},
	};
	static const struct {
		const char *op;
		const char *fmt;
		bool value_first; /* the format names the value, then the variable */
	} assigns[] = {
		{"+=", "add %s to %s", true}, {"-=", "subtract %s from %s", true},
		{"*=", "multiply %s by %s", false}, {"/=", "divide %s by %s", false},
		{"=", "set %s to %s", false},
	};
	size_t id = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789$");
	const char *t = s + id;
	size_t rest;

	if (id == 5 && !memcmp(s, "print", 5) && (n == 5 || s[5] == ' ' || s[5] == '(')) {
		const char *e = s + 5, *end = s + n;
		bool any = false;

		buf_adds(out, "print ");
		while (e < end) {
			const char *comma = awk_scan(e, end, ",>|");

			if (!comma)
				comma = end;
			if (comma > e && strspn(e, " ") < (size_t)(comma - e)) {
				buf_adds(out, any ? ", " : "");
				awk_value(e, (size_t)(comma - e), out);
				any = true;
			}
			if (comma < end && *comma != ',') {
				/* print > "file", >> "file", | "command" */
				const char *to = comma + 1 + (comma[0] == '>' && comma[1] == '>');

				while (*to == ' ')
					to++;
				buf_addf(out, " %s %.*s", comma[0] == '|' ? "into the command" :
					 comma[1] == '>' ? "at the end of the file" : "to the file",
					 (int)MIN((size_t)(end - to), 60), to);
				break;
			}
			e = comma + 1;
		}
		if (!any)
			buf_adds(out, "the line");
		return;
	}
	if (id == 6 && !memcmp(s, "printf", 6)) {
		size_t sp = strspn(s + 6, " (");

		buf_addf(out, "print in a format: %.*s", (int)MIN(n - 6 - sp, 80), s + 6 + sp);
		return;
	}
	if ((id == 4 && !memcmp(s, "next", 4) && n == 4)) {
		buf_adds(out, "skip to the next line");
		return;
	}
	if (id == 4 && !memcmp(s, "exit", 4)) {
		buf_adds(out, "stop reading (END still runs)");
		return;
	}
	/* Other words that start a statement: if, for, while, delete... */
	while (t < s + n && t[0] == '[') {
		const char *c = awk_scan(t + 1, s + n, "]");

		if (!c)
			break;
		t = c + 1;
	}
	rest = n - (size_t)(t - s);
	if (id && s[0] != '$' && !strchr("0123456789", s[0]) && rest >= 2 &&
	    ((t[0] == '+' && t[1] == '+') || (t[0] == '-' && t[1] == '-')) && rest == 2) {
		buf_addf(out, "%s 1 %s %.*s", t[0] == '+' ? "add" : "subtract",
			 t[0] == '+' ? "to" : "from", (int)(t - s), s);
		return;
	}
	if (id && !isdigit((unsigned char)s[0]))
		while (*t == ' ')
			t++, rest--;
	for (size_t i = 0; id && !isdigit((unsigned char)s[0]) && i < ARRAY_SIZE(assigns); i++) {
		size_t ol = strlen(assigns[i].op);
		struct buf var = BUF_INIT, val = BUF_INIT;
		const char *v = t + ol;

		if (rest <= ol || memcmp(t, assigns[i].op, ol) || t[ol] == '=')
			continue;
		while (*v == ' ')
			v++;
		awk_value(s, (size_t)(strcspn(s, " +-*/=")), &var);
		awk_value(v, (size_t)(s + n - v), &val);
		if (str_eq(var.s, val.s) && s[0] == '$') {
			buf_adds(out, "rebuild the line (its fields joined by the output separator)");
			buf_release(&var);
			buf_release(&val);
			return;
		}
		for (size_t k = 0; k < ARRAY_SIZE(specials); k++)
			if (str_eq(var.s, specials[k].var) && str_eq(assigns[i].op, "=")) {
				buf_reset(&var);
				buf_adds(&var, specials[k].what);
			}
		buf_addf(out, assigns[i].fmt, assigns[i].value_first ? val.s : var.s,
			 assigns[i].value_first ? var.s : val.s);
		buf_release(&var);
		buf_release(&val);
		return;
	}
	buf_addf(out, "%.*s", (int)MIN(n, 60), s);
	if (n > 60)
		buf_adds(out, "...");
}

/* The statements of an action, the braces' insides (n bytes at s). */
static bool awk_action(const char *s, size_t n, struct buf *out)
{
	const char *end = s + n;
	bool first = true;

	while (end > s && strchr(" \t\n;", end[-1]))
		end--;
	for (;;) {
		const char *e;
		size_t w;

		while (s < end && strchr(" \t\n;", *s))
			s++;
		if (s >= end)
			break;
		/* if, for, while and do take the statements after them: the
		 * rest is shown as written. */
		w = strspn(s, "abcdefghijklmnopqrstuvwxyz");
		if ((w == 2 && !memcmp(s, "if", 2)) || (w == 3 && !memcmp(s, "for", 3)) ||
		    (w == 5 && !memcmp(s, "while", 5)) || (w == 2 && !memcmp(s, "do", 2))) {
			buf_addf(out, "%s%.*s%s", first ? "" : ", then ", (int)MIN((size_t)(end - s), 100),
				 s, end - s > 100 ? "..." : "");
			return true;
		}
		e = awk_scan(s, end, ";\n");
		if (!e)
			return false;
		{
			size_t len = (size_t)(e - s);

			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			buf_adds(out, first ? "" : ", then ");
			first = false;
			awk_stmt(s, len, out);
		}
		if (out->len > AWK_MAX_TEXT)
			return true;
		s = e;
	}
	if (first)
		buf_adds(out, "nothing");
	return true;
}

static bool awk_rules(const char *s, struct buf *out)
{
	const char *end = s + strlen(s);
	bool first = true;

	for (;;) {
		const char *brace;
		size_t plen;
		char cond[96];

		while (s < end && strchr(" \t\n;", *s))
			s++;
		if (s >= end)
			break;
		if (!first)
			buf_adds(out, "; ");
		if (out->len > AWK_MAX_TEXT) {
			buf_adds(out, "...");
			return true;
		}
		first = false;
		brace = awk_scan(s, end, "{\n;");
		if (!brace)
			return false;
		plen = (size_t)(brace - s);
		while (plen && s[plen - 1] == ' ')
			plen--;
		if (plen == 5 && !memcmp(s, "BEGIN", 5)) {
			buf_adds(out, "at the start: ");
		} else if (plen == 3 && !memcmp(s, "END", 3)) {
			buf_adds(out, "at the end: ");
		} else if (!plen || (plen == 1 && s[0] == '1')) {
			buf_adds(out, "on each line: ");
		} else if (s[0] == '/' && s[plen - 1] == '/' && plen > 2 &&
			   !memchr(s + 1, '/', plen - 2)) {
			buf_addf(out, "on lines matching %.*s: ", (int)plen, s);
		} else if (awk_scan(s, s + plen, ",") < s + plen) {
			const char *comma = awk_scan(s, s + plen, ",");

			const char *b = comma + 1;
			size_t la = (size_t)(comma - s), lb = (size_t)(s + plen - b);

			while (*b == ' ' && lb)
				b++, lb--;
			while (la && s[la - 1] == ' ')
				la--;
			buf_addf(out, "on the lines from one %s %.*s to one %s %.*s: ",
				 s[0] == '/' ? "matching" : "where", (int)MIN(la, 60), s,
				 b[0] == '/' ? "matching" : "where", (int)MIN(lb, 60), b);
		} else {
			char pat[128];
			const char *after;

			snprintf(pat, sizeof(pat), "%.*s", (int)MIN(plen, sizeof(pat) - 1), s);
			after = plen < sizeof(pat) ? awk_cond(pat, cond, sizeof(cond)) : NULL;
			if (after && !*after)
				buf_addf(out, "on the lines where %s: ", cond);
			else
				buf_addf(out, "on the lines where %.*s: ", (int)MIN(plen, 80), s);
		}
		if (brace >= end || *brace != '{') {
			buf_adds(out, "print the line");
			s = brace;
			continue;
		}
		{
			const char *close = awk_scan(brace + 1, end, "}");

			if (!close || close >= end)
				return false;
			if (!awk_action(brace + 1, (size_t)(close - brace - 1), out))
				return false;
			s = close + 1;
		}
	}
	return !first;
}

static void describe_awk(const char *a, struct buf *out)
{
	const char *s = a;
	size_t start = out->len;

	while (*s == ' ' || *s == '\n')
		s++;
	if (awk_idiom(s, out) || awk_simple(s, out))
		return;
	if (awk_rules(s, out))
		return;
	buf_truncate(out, start);
	buf_adds(out, a);
}

/* After a count of 1, the word that follows in the template is made
 * singular ("1 lines" reads "1 line"); adds it to out and returns the
 * template after it. Templates name counted things in plain plurals. */
static const char *singular(const char *tmpl, struct buf *out)
{
	size_t n = 0, keep;

	if (tmpl[0] != ' ')
		return tmpl;
	while (isalpha((unsigned char)tmpl[1 + n]))
		n++;
	/* The word is tmpl[1..n]: "lines", "processes"; not "less". */
	if (n < 3 || tmpl[n] != 's' || tmpl[n - 1] == 's')
		return tmpl;
	keep = n > 4 && tmpl[n - 1] == 'e' && tmpl[n - 2] == 's' && tmpl[n - 3] == 's' ? n - 2 : n - 1;
	buf_add(out, tmpl, 1 + keep);
	return tmpl + 1 + n;
}

/* BSD date -v: [+|-]N and a unit. With a sign it moves the time; without
 * one it sets that field (-v0H: the hour 0). */
static void describe_dateadj(const char *a, struct buf *out)
{
	static const struct {
		char c;
		const char *unit;
	} units[] = {
		{'y', "year"}, {'m', "month"}, {'w', "week"}, {'d', "day"},
		{'H', "hour"}, {'M', "minute"}, {'S', "second"},
	};
	bool sign = a[0] == '+' || a[0] == '-';
	size_t n = strspn(a + sign, "0123456789");
	const char *unit = NULL;

	for (size_t i = 0; n && i < ARRAY_SIZE(units); i++)
		if (a[sign + n] == units[i].c && !a[sign + n + 1])
			unit = units[i].unit;
	if (!unit) {
		buf_addf(out, "adjust the time by %s (+1d: a day later; 0H: set the hour to 0)", a);
		return;
	}
	if (sign)
		buf_addf(out, "move the time %s %.*s %s%s", a[0] == '+' ? "forward" : "back",
			 (int)n, a + 1, unit, n == 1 && a[1] == '1' ? "" : "s");
	else
		buf_addf(out, "set the %s to %.*s", unit, (int)n, a);
}

/* sort -k F1[.C][opts][,F2[.C][opts]]: "field 2, as numbers, reversed". */
static void describe_sortkey(const char *a, struct buf *out)
{
	static const struct {
		char c;
		const char *what;
	} kinds[] = {
		{'n', "as numbers"}, {'h', "as human sizes (2K, 1G)"}, {'g', "as general numbers"},
		{'V', "as version numbers"}, {'M', "as month names"}, {'f', "ignoring case"},
		{'b', "ignoring leading blanks"}, {'d', "in dictionary order"}, {'R', "randomly"},
		{'r', "reversed"},
	};
	size_t start = out->len, n1 = strspn(a, "0123456789"), n2 = 0;
	const char *s = a + n1, *f2 = NULL;
	char flags[16] = "";
	size_t nf = 0;

	if (!n1)
		goto raw;
	for (int part = 0; part < 2; part++) {
		if (*s == '.')
			s += 1 + strspn(s + 1, "0123456789");
		while (*s && *s != ',' && nf + 1 < sizeof(flags)) {
			if (!strchr("nhgVMfbdRr", *s))
				goto raw;
			if (!memchr(flags, *s, nf))
				flags[nf++] = *s;
			s++;
		}
		if (part == 0 && *s == ',') {
			f2 = s + 1;
			n2 = strspn(f2, "0123456789");
			if (!n2)
				goto raw;
			s = f2 + n2;
		} else {
			break;
		}
	}
	if (*s)
		goto raw;
	if (f2 && n1 == n2 && !memcmp(a, f2, n1))
		buf_addf(out, "field %.*s", (int)n1, a);
	else if (f2)
		buf_addf(out, "fields %.*s to %.*s", (int)n1, a, (int)n2, f2);
	else
		buf_addf(out, "field %.*s to the end of the line", (int)n1, a);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (memchr(flags, kinds[i].c, nf))
			buf_addf(out, ", %s", kinds[i].what);
	return;
raw:
	buf_truncate(out, start);
	buf_addf(out, "the key %s", a);
}

/* git push's refspecs: main, +main (forced), local:remote, :remote
 * (deletes it). */
static void describe_refspec(const char *a, struct buf *out)
{
	bool force = a[0] == '+';
	const char *s = a + force, *colon = strchr(s, ':');

	if (colon == s)
		buf_addf(out, "delete the remote branch or tag %s", s + 1);
	else if (colon && colon[1])
		buf_addf(out, "push the local %.*s to the remote's %s", (int)(colon - s), s, colon + 1);
	else
		buf_addf(out, "branch or tag %s", s);
	if (force && colon != s)
		buf_adds(out, ", forced (overwriting the remote's history)");
}

/* One git revision: HEAD~3 "3 commits before HEAD", main^2 "the second
 * parent of main", HEAD@{2} "where HEAD was 2 moves ago". Adds nothing
 * and returns false for a plain name. */
static bool git_rev1(const char *s, size_t n, struct buf *out)
{
	size_t base = 0;
	const char *name;
	size_t nl;

	while (base < n && s[base] != '~' && s[base] != '^' && !(s[base] == '@' && base + 1 < n &&
								  s[base + 1] == '{'))
		base++;
	if (base == n)
		return false;
	name = base ? s : "HEAD";
	nl = base ? base : 4;
	if (s[base] == '@') {
		const char *close = memchr(s + base, '}', n - base);
		size_t k = base + 2;

		if (!close || (size_t)(close - s) + 1 != n)
			return false;
		if (strspn(s + k, "0123456789") == (size_t)(close - s) - k)
			buf_addf(out, "where %.*s was %.*s move%s ago (the reflog)", (int)nl, name,
				 (int)(close - s - k), s + k, close - s - k == 1 && s[k] == '1' ? "" : "s");
		else
			buf_addf(out, "where %.*s was at %.*s (the reflog)", (int)nl, name,
				 (int)(close - s - k), s + k);
		return true;
	}
	/* ~N and ^N steps; a run of them is counted as first parents. */
	{
		size_t i = base;
		long back = 0;
		int second = 0;

		while (i < n) {
			char op = s[i++];
			size_t dn = strspn(s + i, "0123456789");
			long v = dn ? atol(s + i) : 1;

			if ((op != '~' && op != '^') || dn > 6)
				return false;
			i += dn;
			if (op == '^' && v == 2 && i == n)
				second = 1;
			else if (op == '^' && v != 1)
				return false;
			else
				back += v;
		}
		if (second && back)
			buf_addf(out, "the second parent (the merged side) of %ld commit%s before %.*s",
				 back, back == 1 ? "" : "s", (int)nl, name);
		else if (second)
			buf_addf(out, "the second parent of %.*s (the merged side)", (int)nl, name);
		else
			buf_addf(out, "%ld commit%s before %.*s", back, back == 1 ? "" : "s", (int)nl, name);
	}
	return true;
}

/* git revisions and ranges, after a role ("commit or path{rev}"): A..B,
 * A...B and single revisions in words; nothing for a plain name. diff
 * reads the ranges as two ends, the others as sets of commits. */
static void describe_rev_as(const char *a, bool diff, struct buf *out)
{
	const char *dots = strstr(a, "..");
	struct buf l = BUF_INIT, r = BUF_INIT;
	size_t start = out->len;

	if (!dots) {
		buf_adds(out, ": ");
		if (!git_rev1(a, strlen(a), out))
			buf_truncate(out, start);
		return;
	}
	{
		bool three = dots[2] == '.';
		const char *b = dots + 2 + three;
		size_t an = (size_t)(dots - a);

		if (!an || !git_rev1(a, an, &l))
			buf_addf(&l, "%.*s", an ? (int)an : 4, an ? a : "HEAD");
		if (!*b || !git_rev1(b, strlen(b), &r))
			buf_adds(&r, *b ? b : "HEAD");
		if (diff && three)
			buf_addf(out, ": the changes on %s since it branched off %s", r.s, l.s);
		else if (diff)
			buf_addf(out, ": the changes from %s to %s", l.s, r.s);
		else if (three)
			buf_addf(out, ": the commits on either %s or %s but not both", l.s, r.s);
		else
			buf_addf(out, ": the commits on %s that are not on %s", r.s, l.s);
	}
	buf_release(&l);
	buf_release(&r);
}

static void describe_rev(const char *a, struct buf *out)
{
	describe_rev_as(a, false, out);
}

static void describe_drev(const char *a, struct buf *out)
{
	describe_rev_as(a, true, out);
}

/* make's operands: NAME=value sets a variable, anything else is a target. */
static void describe_mkarg(const char *a, struct buf *out)
{
	const char *eq = strchr(a, '=');

	if (eq && eq > a && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
				    (size_t)(eq - a))
		buf_addf(out, "set the make variable %.*s to %s", (int)(eq - a), a, eq + 1);
	else
		buf_adds(out, "target to build");
}

/* head -n / tail -n counts: "3" "-3" for head; "3" "+3" for tail. */
static void describe_count(const char *a, bool head, const char *unit, struct buf *out)
{
	bool other = (head && a[0] == '-') || (!head && a[0] == '+');
	const char *n = a + (a[0] == '-' || a[0] == '+');
	bool one = str_eq(n, "1");

	if (other && head)
		buf_addf(out, "all but the last %s %s%s", n, unit, one ? "" : "s");
	else if (other)
		buf_addf(out, "from %s %s on", unit, n);
	else if (one)
		buf_addf(out, "the %s %s", head ? "first" : "last", unit);
	else
		buf_addf(out, "the %s %s %ss", head ? "first" : "last", n, unit);
}

void explain_expand(const char *tmpl, const char *a, const char *as_written, struct buf *out)
{
	static const struct {
		const char *name;
		void (*fn)(const char *a, struct buf *out);
	} describers[] = {
		{"{type}", describe_type}, {"{size}", describe_size}, {"{num}", describe_num},
		{"{mode}", describe_mode}, {"{perm}", describe_perm}, {"{sig}", describe_sig},
		{"{glob}", explain_describe_glob}, {"{date}", describe_date}, {"{dur}", describe_dur},
		{"{sed}", describe_sed}, {"{awk}", describe_awk}, {"{mkarg}", describe_mkarg},
		{"{dateadj}", describe_dateadj}, {"{sortkey}", describe_sortkey},
		{"{refspec}", describe_refspec}, {"{bdays}", describe_bsd_days},
		{"{rev}", describe_rev}, {"{drev}", describe_drev},
	};

	while (*tmpl) {
		size_t i;

		if (*tmpl != '{') {
			buf_addch(out, *tmpl++);
			continue;
		}
		if (str_startswith(tmpl, "{}")) {
			/* Blank text (cut -d ' ') is shown quoted, as written. */
			bool blank = a && *a && !a[strspn(a, " \t")] && as_written && *as_written;

			buf_adds(out, a && *a && !blank ? a : as_written);
			tmpl += 2;
			if (a && str_eq(a, "1"))
				tmpl = singular(tmpl, out);
			continue;
		}
		if (str_startswith(tmpl, "{head") || str_startswith(tmpl, "{tail")) {
			/* {headl} {headc} {taill} {tailc}: lines or bytes. */
			const char *unit = tmpl[5] == 'c' ? "byte" : "line";

			if (a && *a)
				describe_count(a, tmpl[1] == 'h', unit, out);
			else
				buf_addf(out, "%s %ss", as_written, unit);
			tmpl += 7;
			continue;
		}
		if (str_startswith(tmpl, "{days}") || str_startswith(tmpl, "{mins}")) {
			bool days = tmpl[1] == 'd';

			if (a)
				describe_age(a, days ? "day" : "minute", out);
			else
				buf_adds(out, as_written);
			tmpl += 6;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(describers); i++)
			if (str_startswith(tmpl, describers[i].name))
				break;
		if (i == ARRAY_SIZE(describers)) {
			buf_addch(out, *tmpl++);
			continue;
		}
		if (a)
			describers[i].fn(a, out);
		else if (describers[i].fn == describe_rev || describers[i].fn == describe_drev)
			; /* a remark after the role: none when known only at run time */
		else if (*as_written && !as_written[strspn(as_written, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_")])
			buf_adds(out, as_written); /* a row's NAME, in a note */
		else
			buf_addf(out, "%s (known only when it runs)", as_written);
		tmpl += strlen(describers[i].name);
	}
}
