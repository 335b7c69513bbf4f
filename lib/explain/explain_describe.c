/*
 * explain_describe.c: arguments in words, for the table's templates: {}
 * (the argument itself), find's {size}, {days}, {mins} and {num} with their
 * +N/-N comparisons, {type}, chmod's {mode} and find's {perm}, {sig},
 * {glob}, date's {date} format, {dur}ations, and the common one-command
 * forms of {sed} scripts and {awk} programs. A describer that does not
 * recognise its argument says it as written rather than guess.
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

/* sed scripts: the common one-command forms in words, else as written. */
static bool sed_one(const char *s, size_t n, struct buf *out)
{
	char addr[128] = "";
	size_t i = 0;

	/* An address: /re/, N, $, or N,M. */
	if (s[0] == '/') {
		const char *end = memchr(s + 1, '/', n - 1);

		if (!end || (size_t)(end - s) >= sizeof(addr) - 20)
			return false;
		snprintf(addr, sizeof(addr), "lines matching /%.*s/", (int)(end - s - 1), s + 1);
		i = (size_t)(end - s) + 1;
		/* A range /a/,/b/: from a line matching a to one matching b. */
		if (i + 1 < n && s[i] == ',' && s[i + 1] == '/') {
			const char *end2 = memchr(s + i + 2, '/', n - i - 2);

			if (!end2 || (size_t)(end2 - s) >= sizeof(addr) - 40)
				return false;
			snprintf(addr, sizeof(addr), "the lines from one matching /%.*s/ to one matching /%.*s/",
				 (int)(end - s - 1), s + 1, (int)(end2 - (s + i + 2)), s + i + 2);
			i = (size_t)(end2 - s) + 1;
		}
	} else if (isdigit((unsigned char)s[0]) || s[0] == '$') {
		size_t a = strspn(s, "0123456789$");
		size_t b = 0;

		if (s[a] == ',')
			b = strspn(s + a + 1, "0123456789$");
		if (b)
			snprintf(addr, sizeof(addr), "lines %.*s to %.*s", (int)a, s, (int)b,
				 s + a + 1);
		else
			snprintf(addr, sizeof(addr), "%s", s[0] == '$' && a == 1 ?
				 "the last line" : "line ");
		if (!b && !(s[0] == '$' && a == 1))
			snprintf(addr + 5, sizeof(addr) - 5, "%.*s", (int)a, s);
		i = b ? a + 1 + b : a;
	}
	if (i < n && s[i] == '!') {
		size_t l = strlen(addr);

		if (!l)
			return false;
		memmove(addr + 8, addr, l + 1);
		memcpy(addr, "all but ", 8);
		i++;
	}
	if (i >= n)
		return false;
	switch (s[i]) {
	case 'd':
		if (i + 1 != n)
			return false;
		buf_addf(out, "delete %s", *addr ? addr : "every line");
		return true;
	case 'p':
		if (i + 1 != n)
			return false;
		buf_addf(out, "print %s", *addr ? addr : "every line");
		return true;
	case 'q':
		buf_addf(out, "quit after %s", *addr ? addr : "the first line");
		return true;
	case '=':
		buf_addf(out, "print the line number of %s", *addr ? addr : "every line");
		return true;
	case 'i': case 'a': case 'c': {
		/* GNU one-liners: 5i\TEXT, $a TEXT, /re/c\TEXT. */
		const char *t = s + i + 1, *end = s + n;

		if (t < end && *t == '\\')
			t++;
		while (t < end && *t == ' ')
			t++;
		if (t >= end)
			return false;
		if (s[i] == 'c')
			buf_addf(out, "replace %s with the line %.*s", *addr ? addr : "every line",
				 (int)(end - t), t);
		else
			buf_addf(out, "add the line %.*s %s %s", (int)(end - t), t,
				 s[i] == 'i' ? "before" : "after", *addr ? addr : "every line");
		return true;
	}
	case 's': case 'y': {
		char d = i + 1 < n ? s[i + 1] : '\0';
		const char *a = s + i + 2, *b, *c, *end = s + n;

		if (!d || d == '\\' || d == '\n')
			return false;
		b = memchr(a, d, (size_t)(end - a));
		if (!b)
			return false;
		c = memchr(b + 1, d, (size_t)(end - b - 1));
		if (!c)
			return false;
		if (s[i] == 'y') {
			buf_addf(out, "change each of %.*s to %.*s", (int)(b - a), a, (int)(c - b - 1),
				 b + 1);
			return true;
		}
		if (c == b + 1)
			buf_addf(out, "delete %.*s", (int)(b - a), a);
		else
			buf_addf(out, "replace %.*s with %.*s", (int)(b - a), a, (int)(c - b - 1),
				 b + 1);
		for (const char *f = c + 1; f < end; f++) {
			if (*f == 'g')
				buf_adds(out, ", every match on the line");
			else if (*f == 'i' || *f == 'I')
				buf_adds(out, ", ignoring case");
			else if (*f == 'p')
				buf_adds(out, ", printing changed lines");
			else if (isdigit((unsigned char)*f))
				buf_addf(out, ", only match %c", *f);
			else
				return false;
		}
		if (*addr)
			buf_addf(out, " (on %s)", addr);
		else if (!memchr(c + 1, 'g', (size_t)(end - c - 1)))
			buf_adds(out, " (the first match on each line)");
		return true;
	}
	default:
		return false;
	}
}

static void describe_sed(const char *a, struct buf *out)
{
	size_t start = out->len;
	const char *s = a;
	bool first = true;

	if (!*a) {
		buf_adds(out, "empty: it changes nothing");
		return;
	}

	/* Several commands split by ; or newlines, when none is an s or y
	 * whose text could hold a ; itself. */
	while (*s) {
		size_t n = strcspn(s, ";\n");

		if ((s[0] == 's' || s[0] == 'y') && s[n])
			n = strlen(s);
		while (n && s[n - 1] == ' ')
			n--;
		if (n) {
			if (!first)
				buf_adds(out, "; then ");
			first = false;
			if (!sed_one(s, n, out))
				goto raw;
		}
		s += n;
		while (*s == ';' || *s == '\n' || *s == ' ')
			s++;
	}
	if (!first)
		return;
raw:
	buf_truncate(out, start);
	buf_addf(out, "%s", a);
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

static void describe_awk(const char *a, struct buf *out)
{
	const char *s = a, *body;
	char re[128] = "", cond[96] = "";
	size_t start = out->len;

	while (*s == ' ')
		s++;
	if (awk_idiom(s, out))
		return;
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
		return;
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
		if (!any)
			buf_adds(out, "the whole line");
		if (*cond)
			buf_addf(out, " of the lines where %s", cond);
		else
			buf_addf(out, " of %s", *re ? "lines matching /" : "each line");
		if (*re)
			buf_addf(out, "%s/", re);
		if (body[1] && body[1] != ' ')
			goto raw;
		return;
	}
raw:
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
		else if (*as_written && !as_written[strspn(as_written, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_")])
			buf_adds(out, as_written); /* a row's NAME, in a note */
		else
			buf_addf(out, "%s (known only when it runs)", as_written);
		tmpl += strlen(describers[i].name);
	}
}
