/*
 * code.c: the shell commands inside an interpreter's code.
 *
 * python -c, perl -e, ruby -e, node -e, php -r, lua -e, awk's program,
 * expect -c and make --eval all run shell commands of their own:
 * system("..."), os.system(cmd), `...`, qx{...}, %x(...), execSync(`...`),
 * awk's print ... | "sh" and "cmd" | getline, expect's spawn and exec, a
 * makefile's recipes and $(shell ...). Each such command is rebuilt as
 * far as the code says it statically (string literals, joined by the
 * language's concatenation, names assigned a literal earlier in the code)
 * and checked as shell code, as sh -c would be. What cannot be known
 * becomes SW_UNKNOWN_CH, so "rm -rf " . $dir is still an rm of an unknown
 * path. This is a reader of common idioms, not a parser of six languages:
 * it errs towards finding a command where there is one.
 */
#include "safety/safety_int.h"

#include <ctype.h>

#define CODE_TEXT 1024 /* one rebuilt command */
#define CODE_FINDS 12  /* commands checked per code word */
#define CODE_DEPTH 3   /* names resolved through names */
#define CODE_PARENS 16 /* nested ( ) read into; deeper ones are unknown */
#define CODE_LOOKUPS 64 /* names looked up for their values, per code word */

enum lang {
	L_OTHER,  /* python, node, lua, R, julia...: no shell backticks */
	L_BACKTICK, /* perl, ruby, php: `...` runs a shell command */
	L_AWK,    /* juxtaposition concatenates; | pipes to commands */
};

struct cbuf {
	char s[CODE_TEXT];
	size_t n;
	bool unknown; /* some part is not known */
};

struct scan {
	struct cmd *c;
	const struct sword *w;
	const char *code;
	enum lang lang;
	bool check;      /* check what is found (else only classify) */
	size_t blame;    /* the av index of w, or 0 for text not in av */
	int finds;
	int parens;      /* groups open in expr, capped */
	int lookups;     /* names find_assign may still look up */
	unsigned result; /* CODE_* */
};

static void cb_add(struct cbuf *b, const char *s, size_t n)
{
	if (b->n + 2 >= sizeof(b->s)) {
		b->unknown = true;
		return;
	}
	if (b->n + n + 1 >= sizeof(b->s)) {
		n = sizeof(b->s) - b->n - 2;
		b->unknown = true;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void cb_unknown(struct cbuf *b)
{
	char u = SW_UNKNOWN_CH;

	b->unknown = true;
	if (!b->n || b->s[b->n - 1] != SW_UNKNOWN_CH)
		cb_add(b, &u, 1);
}

static bool ident_ch(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* The end of the bracketed text that opens at p ((, [ or {), quotes
 * skipped; the end of the code if it never closes. */
static const char *skip_group(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '"' || *p == '\'' || *p == '`') {
			const char *e = p + 1;

			while (*e && *e != *p)
				e += *e == '\\' && e[1] ? 2 : 1;
			if (!*e)
				return e;
			p = e;
		} else if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if (*p == ')' || *p == ']' || *p == '}') {
			if (--depth <= 0)
				return p + 1;
		}
	}
	return p;
}

/* A lookup of an environment variable (ENV["HOME"], os.environ['HOME'],
 * os.getenv("HOME"), process.env.HOME, $ENV{HOME}, getenv("HOME")):
 * written to b as ${NAME}, which the shell check resolves as it resolves
 * $HOME. name (n bytes) is the identifier chain, e what follows it. */
static bool env_ref(const char *name, size_t n, const char *e, struct cbuf *b)
{
	static const char *const lookups[] = {
		"ENV", "$ENV", "os.environ", "os.environ.get", "os.getenv", "getenv", "ENV.fetch",
		"System.getenv", "Deno.env.get", "process.env", "Sys.getenv", "ENVIRON",
	};
	const char *v = NULL, *z;
	size_t k;

	if (n > 12 && !strncmp(name, "process.env.", 12)) {
		v = name + 12;
		z = name + n;
	} else {
		for (k = 0; k < ARRAY_SIZE(lookups); k++)
			if (strlen(lookups[k]) == n && !strncmp(name, lookups[k], n))
				break;
		if (k == ARRAY_SIZE(lookups) || (*e != '(' && *e != '[' && *e != '{'))
			return false;
		for (v = e + 1; *v == ' '; v++)
			;
		if (*v == '"' || *v == '\'') {
			if (!(z = strchr(v + 1, *v)))
				return false;
			v++;
		} else if (*e == '{') {
			for (z = v; ident_ch(*z); z++)
				; /* Perl's $ENV{HOME} */
		} else {
			return false;
		}
	}
	if (z == v || z - v > 64)
		return false;
	for (const char *q = v; q < z; q++)
		if (!ident_ch(*q))
			return false;
	cb_add(b, "${", 2);
	cb_add(b, v, (size_t)(z - v));
	cb_add(b, "}", 1);
	return true;
}

/* Text between delimiters from p (just past the opening one) to close,
 * backslash escapes decoded and, where interp, the interpolations of
 * Ruby (#{..}), Perl, PHP and JavaScript (${..}) and Python f-strings
 * ({..}) unknown. Returns past the closing delimiter, or NULL if the
 * text never closes. */
static const char *lit_body(const char *p, char open, char close, bool interp, bool fstr,
			    struct cbuf *b)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			char e = p[1];

			p++;
			cb_add(b, e == 'n' || e == 'r' ? "\n" : e == 't' ? "\t" : &p[0], 1);
			continue;
		}
		if (open != close && *p == open) {
			depth++;
		} else if (*p == close) {
			if (depth-- == 0)
				return p + 1;
		} else if (interp && ((*p == '#' || *p == '$') && p[1] == '{')) {
			/* "#{ENV['HOME']}", `${process.env.HOME}`: known as
			 * ${HOME}; any other interpolation is not. */
			const char *e = skip_group(p + 1), *q = p + 2, *n = q;

			while (ident_ch(*n) || *n == '.')
				n++;
			if (n == q || !env_ref(q, (size_t)(n - q), n, b))
				cb_unknown(b);
			p = e - 1;
			continue;
		} else if (interp && *p == '$' && !strncmp(p + 1, "ENV{", 4)) {
			/* Perl's "$ENV{HOME}" */
			const char *e = skip_group(p + 4);

			if (!env_ref(p, 4, p + 4, b))
				cb_unknown(b);
			p = e - 1;
			continue;
		} else if (fstr && *p == '{' && p[1] != '{') {
			p = skip_group(p) - 1;
			cb_unknown(b);
			continue;
		}
		cb_add(b, p, 1);
	}
	return NULL;
}

static char closing(char open)
{
	return open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' : open == '<' ? '>' : open;
}

/* A string literal at p: "..", '..', `..`, Perl's q// qq// qx//, Ruby's
 * %q() %Q() %x() %(), Python's r".." f"..". Its text is added to b; the
 * return is past it, or NULL when p starts none. *cmd says it is itself
 * a command (qx, %x, or a backtick where lang runs them). */
static const char *literal(const struct scan *s, const char *p, struct cbuf *b, bool *cmd)
{
	const char *q = p;
	bool fstr = false;

	*cmd = false;
	if (*p != '"' && *p != '\'' && *p != '`' && p > s->code &&
	    (ident_ch(p[-1]) || p[-1] == '$'))
		return NULL;
	/* Python prefixes: r, b, f, u, rb, fr... */
	while (q < p + 2 && *q && strchr("rRbBfFuU", *q))
		fstr |= *q == 'f' || *q == 'F', q++;
	if (q > p && (*q == '"' || *q == '\''))
		return lit_body(q + 1, *q, *q, false, fstr, b);
	q = p;
	if (*p == '"' || *p == '`')
		return (*cmd = *p == '`' && s->lang == L_BACKTICK),
		       lit_body(p + 1, *p, *p, s->lang != L_AWK, false, b);
	if (*p == '\'')
		return lit_body(p + 1, '\'', '\'', false, false, b);
	if (s->lang != L_BACKTICK)
		return NULL;
	if (p[0] == 'q' && (p[1] == 'q' || p[1] == 'x' || p[1] == 'w'))
		q = p + 2, *cmd = p[1] == 'x';
	else if (p[0] == 'q')
		q = p + 1;
	else if (p[0] == '%' && p[1] && strchr("qQxw", p[1]))
		q = p + 2, *cmd = p[1] == 'x';
	else if (p[0] == '%' && p[1] && strchr("({[<|!", p[1]))
		q = p + 1;
	else
		return NULL;
	if (!*q || ident_ch(*q) || isspace((unsigned char)*q) || *q == ',' || *q == ';' ||
	    *q == ')' || *q == '=')
		return (*cmd = false), NULL;
	/* qq// and qx// interpolate, q// does not; Ruby's %q() and %w()
	 * do not, %Q() %x() and %() do. */
	return lit_body(q + 1, *q, closing(*q),
			p[0] == 'q' ? q == p + 2 && p[1] != 'w' : p[1] != 'q' && p[1] != 'w',
			false, b);
}

static bool stop_ch(const struct scan *s, char ch)
{
	return !ch || strchr(",)]};\n", ch) || (s->lang == L_AWK && strchr("|<>", ch));
}

static const char *expr(struct scan *s, const char *p, struct cbuf *b, int depth);

/* The value assigned to the name (n bytes at name) before the point
 * limit, as "NAME = value" or R's "NAME <- value": past the operator of
 * the last such assignment, or NULL. Each look costs a pass over the code
 * before limit: a scan has a budget of them, past which names are not
 * known (code built to be slow to read cannot make the check slow). */
static const char *find_assign(struct scan *s, const char *name, size_t n, const char *limit)
{
	const char *code = s->code, *p, *found = NULL;

	if (s->lookups <= 0)
		return NULL;
	s->lookups--;
	for (p = strstr(code, name); p && p < limit; p = strstr(p + 1, name)) {
		const char *q = p + n, *v = NULL, *e;

		if ((p > code && ident_ch(p[-1])) || ident_ch(*q))
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (q[0] == '=' && q[1] != '=' && q[1] != '~' && q[1] != '>')
			v = q + 1;
		else if (q[0] == '<' && q[1] == '-')
			v = q + 2;
		if (!v)
			continue;
		/* The whole assignment must come before limit: in c = c "/",
		 * the c on the right is the earlier value. */
		for (e = q; e < limit && *e != ';' && *e != '\n' && *e != '}'; e++)
			;
		if (e < limit || (e == limit && strchr(";\n}", *e)))
			found = v;
	}
	return found;
}

/* awk's field n of the input when that is one static line, else
 * unknown. */
static void awk_field(const struct scan *s, int n, struct cbuf *b)
{
	const struct stdin_info *in = s->c->in;
	const char *t, *end;

	if (!in || in->kind != IN_TEXT || !in->text) {
		cb_unknown(b);
		return;
	}
	t = in->text;
	end = t + in->text_len;
	while (end > t && end[-1] == '\n')
		end--;
	if (memchr(t, '\n', (size_t)(end - t)) || memchr(t, SW_UNKNOWN_CH, (size_t)(end - t))) {
		cb_unknown(b);
		return;
	}
	if (n == 0) {
		cb_add(b, t, (size_t)(end - t));
		return;
	}
	while (t < end) {
		const char *f;

		while (t < end && (*t == ' ' || *t == '\t'))
			t++;
		f = t;
		while (t < end && *t != ' ' && *t != '\t')
			t++;
		if (t > f && --n == 0) {
			cb_add(b, f, (size_t)(t - f));
			return;
		}
	}
}

/* One operand at p (a literal, a name, a group); added to b. */
static const char *operand(struct scan *s, const char *p, struct cbuf *b, int depth)
{
	const char *e;
	bool cmd;

	if ((e = literal(s, p, b, &cmd)) != NULL)
		return e;
	if (*p == '(' && s->parens < CODE_PARENS) {
		s->parens++;
		p = expr(s, p + 1, b, depth);
		s->parens--;
		return *p == ')' ? p + 1 : p;
	}
	if (*p == '(') {
		cb_unknown(b);
		return skip_group(p);
	}
	if (*p == '[' || *p == '{') {
		cb_unknown(b);
		return skip_group(p);
	}
	if (s->lang == L_AWK && *p == '$' && isdigit((unsigned char)p[1])) {
		/* $0, $1...: fields of the input, known when it is one static
		 * line (echo / | awk '{system("rm -rf " $0)}'). */
		int field = 0;

		/* $99999999999 is a field no line has: capped, not overflowed. */
		for (p++; isdigit((unsigned char)*p); p++)
			if (field < 1000000)
				field = field * 10 + (*p - '0');
		awk_field(s, field, b);
		return p;
	}
	if (ident_ch(*p) || *p == '$' || *p == '@') {
		const char *start = p, *val = NULL;
		char name[64];
		size_t nl;

		p++;
		while (ident_ch(*p) || (*p == '.' && ident_ch(p[1])) || (*p == ':' && p[1] == ':'))
			p += *p == ':' ? 2 : 1;
		nl = (size_t)(p - start);
		for (e = p; *e == ' '; e++)
			;
		if (env_ref(start, nl, e, b))
			return *e == '(' || *e == '[' || *e == '{' ? skip_group(e) : p;
		if (*e == '(' || *e == '[') {
			/* A call or an index: its value is not known. */
			cb_unknown(b);
			return skip_group(e);
		}
		if (depth < CODE_DEPTH && nl < sizeof(name)) {
			memcpy(name, start, nl);
			name[nl] = '\0';
			val = find_assign(s, name, nl, start);
		}
		if (val) {
			while (*val == ' ' || *val == '\t')
				val++;
			expr(s, val, b, depth + 1);
		} else {
			cb_unknown(b);
		}
		return p;
	}
	if (isdigit((unsigned char)*p)) {
		e = p;
		while (isalnum((unsigned char)*e) || *e == '.')
			e++;
		cb_add(b, p, (size_t)(e - p));
		return e;
	}
	cb_unknown(b);
	return p + 1;
}

/* An expression at p: operands joined by concatenation (+ . .. & <<, or
 * juxtaposition in awk). Ends at a stop character or at what does not
 * continue it (Perl's `system "x" or die`). */
static const char *expr(struct scan *s, const char *p, struct cbuf *b, int depth)
{
	bool first = true;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (stop_ch(s, *p))
			return p;
		if (!first) {
			if (p[0] == '.' && p[1] == '.')
				p += 2;
			else if (p[0] == '<' && p[1] == '<')
				p += 2;
			else if (*p == '+' || *p == '.' || *p == '&' || *p == '%')
				p++;
			else if (s->lang != L_AWK)
				return p;
			while (*p == ' ' || *p == '\t')
				p++;
			if (stop_ch(s, *p))
				return p;
		}
		/* Python's keyword arguments end the positional ones. */
		if (ident_ch(*p)) {
			const char *q = p;

			while (ident_ch(*q))
				q++;
			if (*q == '=' && q[1] != '=')
				return p;
		}
		p = operand(s, p, b, depth);
		first = false;
	}
}

/* Check b as a shell command run by the code. */
static void found(struct scan *s, struct cbuf *b)
{
	if (!b->n)
		return;
	s->result |= CODE_RUNS;
	if (b->unknown)
		s->result |= CODE_DYNAMIC;
	if (s->check && s->finds++ < CODE_FINDS)
		safety_check_code(s->c, b->s, b->n, s->blame, s->c->env);
}

/* Past the argument at p: to the ',' or closing bracket that ends it at
 * its own depth (or to the end of the statement without parentheses). */
static const char *skip_arg(const struct scan *s, const char *p, bool paren)
{
	while (*p && *p != ',' && *p != ')' && *p != ']' && (paren || !strchr(";\n", *p))) {
		struct cbuf junk;
		const char *e;
		bool cmd;

		junk.n = 0;
		junk.unknown = false;
		if (*p == '(' || *p == '[' || *p == '{')
			p = skip_group(p);
		else if ((*p == '"' || *p == '\'' || *p == '`') && (e = literal(s, p, &junk, &cmd)))
			p = e;
		else
			p++;
	}
	return p;
}

/* Does the argument at p give the call's options rather than the
 * command ({stdio: ...}, a callback, shell=True, key: v, key => v)? */
static bool option_arg(const char *p, bool paren)
{
	const char *q = p;

	if (*p == '{' || !strncmp(p, "function", 8) || (*p == '(' && !paren))
		return true;
	while (ident_ch(*q))
		q++;
	return q > p && (((*q == '=' || *q == ':') && q[1] != '=' && q[1] != ':') ||
			 (*q == '=' && q[1] == '>'));
}

/* Append t to b as one shell word, in double quotes: ${NAME} from
 * env_ref stays an expansion (a literal $ in the code's text would
 * expand too, which can only make the rating stricter). */
static void cb_add_quoted(struct cbuf *b, const struct cbuf *t)
{
	size_t i, from = 0;

	if (b->n)
		cb_add(b, " ", 1);
	cb_add(b, "\"", 1);
	for (i = 0; i < t->n; i++) {
		if (t->s[i] && strchr("\"\\`", t->s[i])) {
			cb_add(b, t->s + from, i - from);
			cb_add(b, "\\", 1);
			from = i;
		}
	}
	cb_add(b, t->s + from, t->n - from);
	cb_add(b, "\"", 1);
	b->unknown |= t->unknown;
}

/* A command line built from a call's arguments (ARGS_JOIN). */
struct joiner {
	struct cbuf *a;
	int words;
	bool raw;     /* a holds the first argument as it was */
};

/* Add word t: a first argument on its own stays as it is
 * (system("rm -rf /") is shell code); once a second word comes, each is
 * quoted as one word (exec("sh", "-c", "rm -rf /") gives sh two
 * arguments, not a line to split). */
static void join_word(struct joiner *j, const struct cbuf *t, bool may_be_raw)
{
	if (may_be_raw && !j->words) {
		*j->a = *t;
		j->raw = true;
		j->words = 1;
		return;
	}
	if (j->raw) {
		struct cbuf first = *j->a;

		j->a->n = 0;
		j->a->s[0] = '\0';
		j->a->unknown = false;
		cb_add_quoted(j->a, &first);
		j->raw = false;
	}
	cb_add_quoted(j->a, t);
	j->words++;
}

/* call_arglist's flags. ARGS_JOIN: the call runs one command, its first
 * argument, with any more that follow as that command's arguments
 * (system("rm", "-rf", $d), spawn("rm", ["-rf", d])): all go into
 * args[0] as one command line (see join_word), up to the first option
 * argument; a call without parentheses (system "x") is read in any
 * language. */
#define ARGS_JOIN 0x1u

/* One argument at p into t (emptied first); returns the end, p if none. */
static const char *arg_into(struct scan *s, const char *p, struct cbuf *t)
{
	t->n = 0;
	t->s[0] = '\0';
	t->unknown = false;
	return expr(s, p, t, 0);
}

/* The arguments of a call at p (just past its name), one cbuf each (a
 * list [a, b] is its elements joined by blanks); keyword arguments
 * (stdin=PIPE) are left empty. Perl's and Ruby's calls without
 * parentheses run to the end of the statement. Returns how many. */
static int call_arglist(struct scan *s, const char *p, struct cbuf *args, int max, unsigned flags)
{
	bool paren, join = flags & ARGS_JOIN;
	struct joiner j = {args, 0, false};
	struct cbuf t;
	int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	paren = *p == '(';
	if (paren)
		p++;
	else if (s->lang != L_BACKTICK && !join)
		return 0;
	if (join) {
		max = 1;
		args->n = 0;
		args->s[0] = '\0';
		args->unknown = false;
	}
	for (;;) {
		struct cbuf *a = &args[n < max ? n : max - 1];
		const char *q;

		while (*p == ' ' || *p == '\t' || (paren && *p == '\n'))
			p++;
		if (!*p || *p == ')' || (!paren && strchr(";\n", *p)) || (n == max && !join))
			return n;
		if (join && n && option_arg(p, paren))
			return n;
		if (!join) {
			a->n = 0;
			a->s[0] = '\0';
			a->unknown = false;
		}
		/* Perl's open(my $fh, ...): the declaration is the handle. */
		if (!strncmp(p, "my ", 3) || !strncmp(p, "our ", 4) || !strncmp(p, "local ", 6))
			p += strcspn(p, " ") + 1;
		if (*p == '[') {
			for (p++;;) {
				while (*p == ' ' || *p == '\n')
					p++;
				if (!*p || *p == ']')
					break;
				if (join) {
					if ((q = arg_into(s, p, &t)) != p)
						join_word(&j, &t, false);
				} else {
					if (a->n)
						cb_add(a, " ", 1);
					q = expr(s, p, a, 0);
				}
				p = q == p ? skip_arg(s, p, true) : q;
				if (*p != ',')
					break;
				p++;
			}
			if (*p == ']')
				p++;
		} else if (join) {
			q = arg_into(s, p, &t);
			if (q != p)
				join_word(&j, &t, n == 0);
			p = q == p ? skip_arg(s, p, paren) : q;
		} else {
			q = expr(s, p, a, 0);
			p = q == p ? (a->n = 0, skip_arg(s, p, paren)) : q;
		}
		n++;
		p = skip_arg(s, p, paren);
		if (*p != ',')
			return n;
		p++;
	}
}

/* Names of calls that run their argument as a shell command or a
 * program with arguments. A name must start a word (os.system's dot is
 * fine); "subprocess." takes any function of that module. */
static const char *const shell_calls[] = {
	"system", "popen", "popen2", "popen3", "exec", "execSync", "execFile", "execFileSync",
	"spawn", "spawnSync", "shell_exec", "passthru", "proc_open", "Popen", "check_output",
	"check_call", "call", "run", "getoutput", "getstatusoutput", "execute", "capture2",
	"capture2e", "capture3", "system2", "execvp", "execv", "execl", "execlp", "execve",
	"spawnl", "spawnlp", "spawnv", "spawnvp", "do shell script",
	/* Emacs Lisp: (shell-command "CMD"), also -to-string, async-,
	 * call-process-, start-process- (whose NAME BUFFER come first). */
	"shell-command", "shell-command-to-string",
};

static bool is_call(const struct scan *s, const char *p, const char *name, const char **after)
{
	size_t n = strlen(name);
	const char *q = p + n;

	if (p > s->code && (ident_ch(p[-1]) || p[-1] == '$'))
		return false;
	if (ident_ch(*q))
		return false;
	while (*q == ' ')
		q++;
	/* A call needs its argument: system("x"), system "x", exec 'x';
	 * "exec" alone in prose or a bare name is not one. */
	if (*q != '(' && *q != '"' && *q != '\'' && *q != '`' &&
	    !(s->lang == L_BACKTICK && (*q == 'q' || *q == '%')))
		return false;
	*after = p + n;
	return true;
}

static void scan_calls(struct scan *s)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(shell_calls); k++) {
		const char *p, *after;

		for (p = strstr(s->code, shell_calls[k]); p; p = strstr(p + 1, shell_calls[k])) {
			struct cbuf b;

			if (!is_call(s, p, shell_calls[k], &after))
				continue;
			b.n = 0;
			b.s[0] = '\0';
			b.unknown = false;
			call_arglist(s, after, &b, 1, ARGS_JOIN);
			found(s, &b);
		}
	}
}

/* Names of calls that start a program reading what the code writes to
 * it: perl's open(F, "|-", CMD) or open(F, "| CMD"), popen(CMD, "w"),
 * subprocess.Popen([CMD], stdin=PIPE), spawn(CMD)... */
static const char *const pipe_openers[] = {
	"open", "popen", "Popen", "run", "call", "check_call", "check_output", "spawn",
	"spawnSync", "execSync", "proc_open",
};

/* Does the code start a shell that reads its commands from the code
 * (a pipe opened to sh, Popen(["bash"], stdin=PIPE))? */
static bool opens_shell(struct scan *s)
{
	struct cbuf args[4];
	size_t k;

	for (k = 0; k < ARRAY_SIZE(pipe_openers); k++) {
		const char *name = pipe_openers[k], *p;
		size_t nl = strlen(name);

		for (p = strstr(s->code, name); p; p = strstr(p + 1, name)) {
			const char *cmd = NULL, *q;
			char prog[64];
			size_t pl;
			int n;

			if ((p > s->code && (ident_ch(p[-1]) || p[-1] == '$')) || ident_ch(p[nl]))
				continue;
			n = call_arglist(s, p + nl, args, (int)ARRAY_SIZE(args), 0);
			if (!n)
				continue;
			if (k == 0) {
				/* open: "|-" then the command, or a mode "|CMD". */
				if (n >= 3 && !strcmp(args[1].s, "|-"))
					cmd = args[2].s;
				else if (n >= 2 && args[1].s[0] == '|')
					cmd = args[1].s + 1;
				else if (args[0].s[0] == '|')
					cmd = args[0].s + 1;
			} else {
				cmd = args[0].s;
			}
			if (!cmd)
				continue;
			cmd += strspn(cmd, " \t");
			pl = strcspn(cmd, " \t");
			snprintf(prog, sizeof(prog), "%.*s", (int)MIN(pl, sizeof(prog) - 1), cmd);
			q = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
			if (safety_is_shell(q) && !strstr(cmd + pl, " -c"))
				return true;
		}
	}
	return false;
}

/* After opens_shell: the text the code writes to the shell is its
 * commands. Writes are read in order: perl's print|printf|say HANDLE
 * LIST, syswrite(H, X), .write(X), .puts(X), .communicate(X),
 * .stdin.end(X), fwrite($h, X), fputs($h, X), and input=X or input: X
 * given to the call. */
static void scan_shell_input(struct scan *s)
{
	static const struct {
		const char *name;
		int arg;    /* which argument is the text */
		bool nl;    /* a newline follows it (puts) */
	} writers[] = {
		{".write", 0, false}, {":write", 0, false}, {".puts", 0, true},
		{".print", 0, false}, {".communicate", 0, false}, {".end", 0, false},
		{"->print", 0, false}, {"->say", 0, true},
		{"syswrite", 1, false}, {"fwrite", 1, false}, {"fputs", 1, false},
	};
	struct cbuf text, args[3];
	const char *p = s->code;

	/* Cheap test first: no write, no shell to look for. */
	if (s->lang == L_AWK || (!strstr(p, "print") && !strstr(p, "write") && !strstr(p, "puts") &&
				 !strstr(p, "communicate") && !strstr(p, "input") &&
				 !strstr(p, ".end") && !strstr(p, "say")) ||
	    !opens_shell(s))
		return;
	text.n = 0;
	text.s[0] = '\0';
	text.unknown = false;
	while (*p) {
		struct cbuf junk;
		const char *e;
		bool cmd, hit = false;
		size_t k;

		junk.n = 0;
		junk.unknown = false;
		if ((*p == '"' || *p == '\'' || *p == '`') && (e = literal(s, p, &junk, &cmd))) {
			p = e;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(writers) && !hit; k++) {
			size_t nl = strlen(writers[k].name);
			int n;

			if (strncmp(p, writers[k].name, nl) || ident_ch(p[nl]) ||
			    (ident_ch(writers[k].name[0]) && p > s->code && ident_ch(p[-1])))
				continue;
			n = call_arglist(s, p + nl, args, (int)ARRAY_SIZE(args), 0);
			if (n > writers[k].arg) {
				cb_add(&text, args[writers[k].arg].s, args[writers[k].arg].n);
				text.unknown |= args[writers[k].arg].unknown;
				if (writers[k].nl)
					cb_add(&text, "\n", 1);
			}
			hit = true;
			p += nl;
		}
		if (hit)
			continue;
		if ((!strncmp(p, "input=", 6) && p[6] != '=') || !strncmp(p, "input:", 6)) {
			if (p == s->code || !ident_ch(p[-1])) {
				e = p + 6;
				while (*e == ' ')
					e++;
				expr(s, e, &text, 0);
			}
			p += 6;
			continue;
		}
		if (s->lang == L_BACKTICK && (p == s->code || !ident_ch(p[-1])) &&
		    (!strncmp(p, "print", 5) || !strncmp(p, "say", 3))) {
			/* print HANDLE LIST: a $name, {$name} or BAREWORD followed
			 * by the list, with no comma or operator between. */
			const char *h = p + (p[0] == 's' ? 3 : p[5] == 'f' ? 6 : 5);

			p = h;
			if (!isspace((unsigned char)*h) && *h != '(')
				continue;
			h += strspn(h, " \t(");
			if (*h == '{') {
				h = skip_group(h);
			} else if (*h == '$' || isupper((unsigned char)*h)) {
				const char *nm = h;

				for (h++; ident_ch(*h); h++)
					;
				if (!strncmp(nm, "STDOUT", 6) || !strncmp(nm, "STDERR", 6))
					continue;
			} else {
				continue;
			}
			if (!isspace((unsigned char)*h))
				continue;
			h += strspn(h, " \t");
			if (!*h || strchr(",.=;)-+*/x?:<>|&", *h))
				continue;
			for (;;) {
				e = expr(s, h, &text, 0);
				if (*e != ',' || e == h)
					break;
				h = e + 1;
				while (*h == ' ')
					h++;
			}
			p = e > p ? e : p;
			continue;
		}
		p++;
	}
	found(s, &text);
}

/* Perl, Ruby, PHP: `cmd`, qx{cmd} and %x(cmd) anywhere outside other
 * string literals. */
static void scan_backticks(struct scan *s)
{
	const char *p = s->code;

	while (*p) {
		struct cbuf b;
		const char *e;
		bool cmd;

		b.n = 0;
		b.s[0] = '\0';
		b.unknown = false;
		if ((*p == '"' || *p == '\'' || *p == '`' || *p == 'q' || *p == '%') &&
		    (e = literal(s, p, &b, &cmd)) != NULL) {
			if (cmd)
				found(s, &b);
			p = e;
		} else {
			p++;
		}
	}
}

/* The last print or printf keyword in [from, to), or NULL. */
static const char *print_kw(const struct scan *s, const char *from, const char *to)
{
	const char *q, *kw = NULL;

	for (q = from; q + 5 <= to; q++)
		if (!strncmp(q, "print", 5) && (q == s->code || !ident_ch(q[-1])))
			kw = q;
	return kw;
}

/* awk: print ... | "cmd" and "cmd" | getline run cmd; when cmd is a
 * shell, what print writes is its code. print > "file" writes a file. */
static void scan_awk(struct scan *s)
{
	const char *p = s->code, *stmt = s->code;
	const struct stdin_info *in = s->c->in;

	while (*p) {
		struct cbuf b;
		bool cmd;
		const char *e;

		b.n = 0;
		b.s[0] = '\0';
		b.unknown = false;
		if ((*p == '"' || *p == '\'') && (e = literal(s, p, &b, &cmd)) != NULL) {
			p = e;
			continue;
		}
		if (*p == ';' || *p == '{' || *p == '}' || *p == '\n') {
			stmt = ++p;
			continue;
		}
		if (*p == '|' && p[1] == '|') {
			p += 2;
			continue;
		}
		if (*p == '>' && print_kw(s, stmt, p)) {
			/* print > "file": a write unless to a standard stream. */
			e = p + 1 + (p[1] == '>');
			while (*e == ' ')
				e++;
			bool append = p[1] == '>';

			e = expr(s, e, &b, 0);
			if (b.unknown || (strncmp(b.s, "/dev/std", 8) && strcmp(b.s, "/dev/null")))
				s->result |= CODE_WRITES;
			/* The file is judged as the shell's > FILE would be. */
			if (!b.unknown && b.n && !strchr(b.s, '\'') && s->check) {
				struct cbuf r;

				snprintf(r.s, sizeof(r.s), ": %s '%s'", append ? ">>" : ">", b.s);
				r.n = strlen(r.s);
				safety_check_code(s->c, r.s, r.n, s->blame, s->c->env);
			}
			p = e;
			continue;
		}
		if (*p != '|') {
			p++;
			continue;
		}
		e = p + 1;
		while (*e == ' ')
			e++;
		if (!strncmp(e, "getline", 7)) {
			/* "cmd" | getline: the command is the operands before. */
			const char *q = stmt;

			while (*q == ' ' || *q == '(' || *q == '!' ||
			       (!strncmp(q, "while", 5) && (q += 4)) || (!strncmp(q, "if", 2) && (q += 1)))
				q++;
			expr(s, q, &b, 0);
			found(s, &b);
			p = e + 7;
			continue;
		}
		/* print ARGS | CMD */
		{
			struct cbuf text;
			const char *kw = print_kw(s, stmt, p);

			e = expr(s, e, &b, 0);
			found(s, &b);
			text.n = 0;
			text.s[0] = '\0';
			text.unknown = false;
			if (kw && b.n && !b.unknown) {
				char prog[64];
				size_t pl = strcspn(b.s, " \t");
				const char *base;

				snprintf(prog, sizeof(prog), "%.*s", (int)MIN(pl, sizeof(prog) - 1), b.s);
				base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
				if (safety_is_shell(base) && !strstr(b.s, " -c")) {
					kw += 5 + (kw[5] == 'f');
					while (*kw == ' ')
						kw++;
					if (kw >= p) {
						/* print alone: the input records. */
						if (in && in->kind == IN_TEXT && in->text)
							cb_add(&text, in->text, in->text_len);
						else
							cb_unknown(&text);
					} else {
						/* The arguments, OFS (a blank) between. */
						while (kw < p) {
							const char *n2 = expr(s, kw, &text, 0);

							if (*n2 != ',')
								break;
							cb_add(&text, " ", 1);
							kw = n2 + 1;
						}
					}
					if (text.unknown)
						s->result |= CODE_SHELL;
					found(s, &text);
				}
			}
			p = e;
		}
	}
}

/* expect and Tcl: spawn CMD, exec CMD, system CMD; after spawning a
 * shell (or ssh, su), what send types is code for it too. */
static void scan_tcl(struct scan *s)
{
	const char *p = s->code;
	bool shell = false;

	while (*p) {
		const char *end = p;
		struct cbuf b;
		char first[32];
		size_t fl;
		int words = 0;

		while (*end && *end != ';' && *end != '\n') {
			if (*end == '{' || *end == '[' || *end == '"')
				end = *end == '"' ? (strchr(end + 1, '"') ? strchr(end + 1, '"') + 1 : end + 1)
						  : skip_group(end);
			else
				end++;
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		fl = strcspn(p, " \t;\n");
		snprintf(first, sizeof(first), "%.*s", (int)MIN(fl, sizeof(first) - 1), p);
		b.n = 0;
		b.s[0] = '\0';
		b.unknown = false;
		if (safety_prog_in(first, "spawn exec system send")) {
			const char *q = p + fl;

			while (q < end) {
				const char *w0;

				while (q < end && (*q == ' ' || *q == '\t'))
					q++;
				if (q >= end)
					break;
				w0 = q;
				if (*q == '{') {
					const char *e = skip_group(q);

					if (b.n)
						cb_add(&b, " ", 1);
					cb_add(&b, "'", 1);
					cb_add(&b, q + 1, (size_t)(e - q - 2 > 0 ? e - q - 2 : 0));
					cb_add(&b, "'", 1);
					q = e;
				} else if (*q == '"') {
					if (b.n && strcmp(first, "send"))
						cb_add(&b, " ", 1);
					q = lit_body(q + 1, '"', '"', false, false, &b);
					if (!q)
						q = end;
				} else if (*q == '[' || *q == '$') {
					cb_unknown(&b);
					q = *q == '[' ? skip_group(q) : q + 1 + strcspn(q + 1, " \t;\n");
				} else {
					/* Up to a blank or the end of the command;
					 * at least one character, so the walk
					 * moves on (a stray ; inside quotes). */
					size_t n = strcspn(q, " \t");

					if (n > (size_t)(end - q))
						n = (size_t)(end - q);
					if (!n)
						n = 1;

					/* spawn -noecho, send -- "..." */
					if (!(words == 0 && *q == '-')) {
						if (b.n)
							cb_add(&b, " ", 1);
						cb_add(&b, q, n);
					}
					q += n;
				}
				if (q > w0)
					words++;
			}
			if (!strcmp(first, "send")) {
				if (shell)
					found(s, &b);
			} else {
				const char *base = b.s;
				size_t bl = strcspn(b.s, " ");
				char prog[64];

				snprintf(prog, sizeof(prog), "%.*s", (int)MIN(bl, sizeof(prog) - 1), base);
				base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
				if (!strcmp(first, "spawn"))
					shell = safety_is_shell(base) ||
						safety_prog_in(base, "ssh su sudo telnet docker kubectl");
				found(s, &b);
			}
		}
		p = *end ? end + 1 : end;
	}
}

/* Make: recipe lines (a tab first, or after "targets: prereqs ;") and
 * $(shell ...) run in a shell; make's own $(VAR), $@, $< are unknown
 * and $$ is a $. */
static void make_line(struct scan *s, const char *p, size_t n)
{
	struct cbuf b;
	size_t i;

	b.n = 0;
	b.s[0] = '\0';
	b.unknown = false;
	while (n && strchr("@+- \t", *p))
		p++, n--;
	for (i = 0; i < n; i++) {
		if (p[i] != '$') {
			cb_add(&b, p + i, 1);
		} else if (i + 1 < n && p[i + 1] == '$') {
			cb_add(&b, "$", 1);
			i++;
		} else if (i + 1 < n && (p[i + 1] == '(' || p[i + 1] == '{')) {
			const char *e = skip_group(p + i + 1);

			cb_unknown(&b);
			i = (size_t)(e - p) - 1;
		} else {
			cb_unknown(&b);
			i++;
		}
	}
	found(s, &b);
}

static void scan_make(struct scan *s)
{
	const char *p = s->code, *sh;

	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *colon = memchr(p, ':', n), *semi;

		if (*p == '\t')
			make_line(s, p + 1, n - 1);
		else if (colon && (semi = memchr(colon, ';', n - (size_t)(colon - p))) != NULL &&
			 colon[1] != '=')
			make_line(s, semi + 1, n - (size_t)(semi + 1 - p));
		p += n + (p[n] == '\n');
	}
	for (sh = strstr(s->code, "$(shell "); sh; sh = strstr(sh + 1, "$(shell ")) {
		const char *e = skip_group(sh + 1);

		if (e - sh > 9)
			make_line(s, sh + 8, (size_t)(e - sh - 9));
	}
}

unsigned safety_code_commands(struct cmd *c, const struct sword *w, bool check)
{
	struct scan s;

	if (!w || !w->len)
		return 0;
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.w = w;
	s.code = w->s;
	s.check = check;
	s.lookups = CODE_LOOKUPS;
	s.blame = w >= c->av && w < c->av + c->ac ? (size_t)(w - c->av) : 0;
	if (safety_prog_in(c->prog, "make gmake")) {
		scan_make(&s);
		return s.result;
	}
	if (safety_prog_in(c->prog, "expect tclsh wish")) {
		scan_tcl(&s);
		return s.result;
	}
	s.lang = safety_prog_in(c->prog, "awk gawk mawk nawk busybox") ? L_AWK :
		 safety_prog_in(c->prog, "perl ruby php") ? L_BACKTICK : L_OTHER;
	scan_calls(&s);
	if (s.lang == L_BACKTICK)
		scan_backticks(&s);
	scan_shell_input(&s);
	if (s.lang == L_AWK)
		scan_awk(&s);
	return s.result;
}
