/*
 * explain.c: walk a lib/shell tree and say what each part does.
 *
 * Lists, pipelines and compound commands are walked here; a simple
 * command's words are read the way its program reads them (the style of
 * its table row: getopt, find's expression, dd's key=value, tar's and ps's
 * bundles, subcommands, wrappers that run another command). Options are
 * looked up with the target platform in mind: the row for the target's
 * userland wins, then the row for every platform, then a row for the
 * other userland, which is then flagged as a mismatch.
 *
 * Code inside sh -c, ssh, $( ) and find -exec is explained one level
 * deeper, at most MAX_NEST levels, so hostile input cannot recurse
 * without bound; the number of items is capped too.
 */
#include "explain_int.h"

#include "shell/shell.h"
#include "utf8.h"

#include <ctype.h>

#define MAX_NEST 6
#define MAX_ITEMS 4096
#define MAX_ARGS 4096

struct xarg {
	const struct shell_word *w;
	const char *text; /* cooked, or NULL when only known at run time */
};

#define MAX_FUNCS 16

struct xctx {
	struct explain *ex;
	/* Functions defined earlier in the command, by name. */
	char funcs[MAX_FUNCS][64];
	size_t n_funcs;
	const struct platform *plat;
	const char *src;  /* the text the current tree was parsed from */
	unsigned nest;    /* parse depth of @cmd code */
	bool in_exec;     /* inside find -exec: {} is the file found */
	bool in_cond;     /* inside [[ ]]: no word splitting or globbing */
};

/* Items */

/* A copy of s (n bytes) with control characters written as escapes: a
 * CR or tab from $'\r' must not reach the terminal as itself. */
static char *printable(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	if (i == n)
		return xstrndup(s, n);
	buf_add(&b, s, i);
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			buf_adds(&b, "\\n");
		else if (c == '\t')
			buf_adds(&b, "\\t");
		else if (c == '\r')
			buf_adds(&b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(&b, "\\x%02x", c);
		else
			buf_addch(&b, (char)c);
	}
	return buf_detach(&b);
}

static struct explain_item *add_item(struct xctx *x, enum explain_kind kind, unsigned depth,
				     const char *text, size_t text_len)
{
	struct explain *ex = x->ex;
	struct explain_item *it;

	/* Two items past the cap are kept for the closing notes. */
	if (ex->n >= MAX_ITEMS + (kind == EXPLAIN_NOTE ? 2 : 0))
		return NULL;
	if (ex->n == ex->cap) {
		ex->cap = ex->cap ? ex->cap * 2 : 32;
		ex->items = xrealloc(ex->items, ex->cap * sizeof(*ex->items));
	}
	it = &ex->items[ex->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->depth = depth;
	it->text = printable(text, text_len);
	it->known = true;
	return it;
}

static void set_what(struct explain_item *it, struct buf *what)
{
	if (it)
		it->what = printable(what->s ? what->s : "", what->len);
	buf_release(what);
}

static void add_simple(struct xctx *x, enum explain_kind kind, unsigned depth, const char *text,
		       const char *what)
{
	struct explain_item *it = add_item(x, kind, depth, text, strlen(text));

	if (it)
		it->what = xstrdup(what);
}

/* Platforms */

/* Does the target's copy of prog come from GNU? Tools whose userland was
 * probed say so; others follow the OS. */
static bool target_gnu(const struct xctx *x, const char *prog)
{
	size_t n = strcspn(prog, " ");

	for (int t = 0; t < TOOL__COUNT; t++) {
		const char *name = platform_tool_name((enum plat_tool)t);

		if (strlen(name) == n && strncmp(name, prog, n) == 0)
			return !platform_is_bsd(x->plat, (enum plat_tool)t);
	}
	return x->plat->os == PLAT_LINUX || x->plat->os == PLAT_OTHER;
}

static bool plat_ok(const struct xctx *x, const char *prog, unsigned plat)
{
	if (!plat || !x->plat)
		return true;
	if ((plat & EXPLAIN_GNU) && !target_gnu(x, prog))
		return false;
	if ((plat & EXPLAIN_BSD) && target_gnu(x, prog))
		return false;
	if ((plat & EXPLAIN_LINUX) && x->plat->os != PLAT_LINUX)
		return false;
	if ((plat & EXPLAIN_MACOS) && x->plat->os != PLAT_MACOS)
		return false;
	return true;
}

static void mark(struct xctx *x, struct explain_item *it, const char *prog, unsigned plat)
{
	if (!it)
		return;
	it->plat = plat;
	it->mismatch = !plat_ok(x, prog, plat);
}

/* Table lookups */

/* A scan in table order (the table is grouped by topic for its readers);
 * the first byte is compared inline, so a miss, which the pattern engine
 * asks about most words, costs no call per row. */
static const struct xprog *find_prog(const char *name)
{
	for (size_t i = 0; i < explain_n_progs; i++)
		if (explain_progs[i].name[0] == name[0] && str_eq(explain_progs[i].name, name))
			return &explain_progs[i];
	return NULL;
}

const char *explain_program_what(const char *name)
{
	const struct xprog *p = find_prog(name);

	return p ? p->what : NULL;
}

void explain_table_size(size_t *programs, size_t *options)
{
	*programs = explain_n_progs;
	*options = explain_n_opts;
}

static size_t opts_of(const char *prog, size_t *end);

/* The text of an option row (a template, see explain_int.h). A text "=-c"
 * makes the row a long spelling of -c (grep --count): -c's text is used,
 * its generic or GNU row first. */
static const char *opt_what(const struct xopt *o)
{
	const char *w = explain_opts_what[o - explain_opts_table];
	const char *found = NULL;
	size_t end;

	if (w[0] != '=')
		return w;
	for (size_t i = opts_of(o->prog, &end); i < end; i++) {
		const struct xopt *r = &explain_opts_table[i];
		const char *rw = explain_opts_what[i];

		if (!str_eq(r->flag, w + 1) || rw[0] == '=')
			continue;
		if (!r->plat || (r->plat & EXPLAIN_GNU))
			return rw;
		if (!found)
			found = rw;
	}
	return found ? found : "an option caro's table does not describe";
}

/* The first option row of prog, and one past its last: the rows are
 * sorted by program (explain_opts.inc), so this is a binary search. */
static size_t opts_of(const char *prog, size_t *end)
{
	size_t lo = 0, hi = explain_n_opts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(explain_opts_table[mid].prog, prog) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*end = lo;
	while (*end < explain_n_opts && str_eq(explain_opts_table[*end].prog, prog))
		++*end;
	return lo;
}

/* The option row for flag (len bytes) of prog: the target's own row
 * first, then one for every platform, then another platform's. */
static const struct xopt *find_opt_in(const struct xctx *x, const char *prog, const char *flag,
				      size_t len)
{
	const struct xopt *generic = NULL, *other = NULL;
	size_t end, i = opts_of(prog, &end);

	for (; i < end; i++) {
		const struct xopt *o = &explain_opts_table[i];

		if (len >= sizeof(o->flag) || o->flag[len] || memcmp(o->flag, flag, len))
			continue;
		if (!o->plat) {
			if (!generic)
				generic = o;
		} else if (plat_ok(x, prog, o->plat)) {
			return o;
		} else if (!other) {
			other = o;
		}
	}
	return generic ? generic : other;
}

/* Programs that take another's options and subcommands: pip3 install
 * -e is pip's, podman's are docker's. */
static const struct {
	char name[12], same_as[8];
} opt_aliases[] = {
	{"pip3", "pip"}, {"podman", "docker"}, {"magick", "convert"}, {"mogrify", "convert"},
	{"montage", "convert"}, {"identify", "convert"},
};

/* Subcommands fall back on their program's options (apt install -y). */
static const struct xopt *find_opt(const struct xctx *x, const char *prog, const char *flag,
				   size_t len)
{
	const struct xopt *o = find_opt_in(x, prog, flag, len);
	char parent[64];
	const char *sp;

	for (size_t i = 0; !o && i < ARRAY_SIZE(opt_aliases); i++) {
		size_t nl = strlen(opt_aliases[i].name);

		if (!strncmp(prog, opt_aliases[i].name, nl) && (!prog[nl] || prog[nl] == ' ') &&
		    strlen(prog) - nl + strlen(opt_aliases[i].same_as) < sizeof(parent)) {
			snprintf(parent, sizeof(parent), "%s%s", opt_aliases[i].same_as, prog + nl);
			o = find_opt(x, parent, flag, len);
			if (o)
				return o;
		}
	}

	while (!o && (sp = strrchr(prog, ' ')) && (size_t)(sp - prog) < sizeof(parent)) {
		memcpy(parent, prog, (size_t)(sp - prog));
		parent[sp - prog] = '\0';
		prog = parent;
		o = find_opt_in(x, prog, flag, len);
	}
	return o ? o : find_opt_in(x, "*", flag, len);
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* Words */

static size_t word_end(const struct shell_word *w)
{
	return w->start + w->len;
}

static void walk_list(struct xctx *x, const struct shell_node *n, unsigned depth);
static void explain_words(struct xctx *x, struct xarg *av, size_t n, unsigned depth);

/* Parse code (static text from sh -c, ssh, su -c) and explain it one
 * level deeper. */
static void explain_code(struct xctx *x, const char *code, unsigned depth)
{
	struct shell_tree t;
	struct err e;
	const char *saved = x->src;

	if (x->nest >= MAX_NEST) {
		add_simple(x, EXPLAIN_NOTE, depth, "...", "nested too deeply to explain further");
		return;
	}
	shell_tree_init(&t);
	if (shell_parse(&t, code, strlen(code), 0, &e) == 0) {
		x->nest++;
		x->src = t.src;
		walk_list(x, t.root, depth);
		x->src = saved;
		x->nest--;
	} else {
		add_simple(x, EXPLAIN_NOTE, depth, "...", "this code does not parse as shell");
	}
	shell_tree_release(&t);
}

static const struct {
	const char *name;
	const char *what;
} special_params[] = {
	{"?", "the exit status of the last command"}, {"$", "this shell's process ID"},
	{"!", "the process ID of the last background command"},
	{"#", "the number of arguments"}, {"@", "all the arguments, each as a word"},
	{"*", "all the arguments"}, {"0", "the name of the shell or script"},
	{"-", "the shell's option letters"}, {"HOME", "your home directory"},
	{"PWD", "the working directory"}, {"USER", "your user name"},
	{"PATH", "the directories searched for programs"}, {"RANDOM", "a random number"},
};

static const struct {
	const char *op;
	const char *what;
} param_ops[] = {
	{":-", "or %s when it is unset or empty"}, {"-", "or %s when it is unset"},
	{":=", "set to %s first when unset or empty"}, {"=", "set to %s first when unset"},
	{":?", "an error (%s) when unset or empty"}, {"?", "an error (%s) when unset"},
	{":+", "%s when it is set and not empty, else nothing"},
	{"+", "%s when it is set, else nothing"},
	{"#", "with the shortest prefix matching %s removed"},
	{"##", "with the longest prefix matching %s removed"},
	{"%", "with the shortest suffix matching %s removed"},
	{"%%", "with the longest suffix matching %s removed"},
	{"/", "with the first match of %s replaced"}, {"//", "with every match of %s replaced"},
	{":", "the substring from %s"}, {"^^", "in upper case"}, {",,", "in lower case"},
};

static void explain_param(struct xctx *x, const struct shell_part *p, unsigned depth)
{
	struct buf what = BUF_INIT;
	const char *name = p->text;
	size_t i;

	if (p->pflags & SHELL_P_LENGTH) {
		buf_addf(&what, "the length of $%s", name);
	} else {
		for (i = 0; i < ARRAY_SIZE(special_params); i++)
			if (str_eq(special_params[i].name, name))
				break;
		if (i < ARRAY_SIZE(special_params))
			buf_adds(&what, special_params[i].what);
		else if (all_digits(name))
			buf_addf(&what, "argument %s", name);
		else
			buf_addf(&what, "the value of the variable %s", name);
		for (i = 0; p->op[0] && i < ARRAY_SIZE(param_ops); i++) {
			if (str_eq(param_ops[i].op, p->op)) {
				char arg[96];

				snprintf(arg, sizeof(arg), "'%.*s'", p->arg ? (int)MIN(p->arg->len, 80) : 0,
					 p->arg ? x->src + p->arg->start : "");
				buf_adds(&what, ", ");
				buf_addf(&what, param_ops[i].what, arg);
				break;
			}
		}
	}
	if (p->quote != SHELL_Q_DOUBLE && !x->in_cond)
		buf_adds(&what, " (unquoted: split into words and globbed)");
	set_what(add_item(x, EXPLAIN_EXPANSION, depth, x->src + p->start, p->len), &what);
}

/* Does text hold a {a,b} or {1..5} that bash expands? stash@{1} and
 * ${x} do not. */
static bool brace_expands(const char *text)
{
	for (const char *o = strchr(text, '{'); o; o = strchr(o + 1, '{')) {
		const char *c = strchr(o, '}');
		const char *comma = strchr(o, ',');
		const char *dots = strstr(o, "..");

		if (o > text && o[-1] == '$')
			continue;
		if (c && ((comma && comma < c) || (dots && dots < c)))
			return true;
	}
	return false;
}

/* Say what the expansions in w do, one level below its item. */
static void explain_expansions(struct xctx *x, const struct shell_word *w, unsigned depth,
			       bool pattern_arg)
{
	for (const struct shell_part *p = w->parts; p; p = p->next) {
		switch (p->kind) {
		case SHELL_PART_PARAM:
			explain_param(x, p, depth);
			break;
		case SHELL_PART_CMDSUB: {
			bool saved = x->in_cond;

			add_simple(x, EXPLAIN_EXPANSION, depth, "$( )",
				   "runs the command inside and puts its output here:");
			x->in_cond = false; /* the code inside is split as usual */
			if (p->sub)
				walk_list(x, p->sub, depth + 1);
			x->in_cond = saved;
			break;
		}
		case SHELL_PART_PROCSUB:
			add_simple(x, EXPLAIN_EXPANSION, depth, p->op[0] == '<' ? "<( )" : ">( )",
				   p->op[0] == '<' ? "runs the command inside; its output reads "
				   "like a file:" : "runs the command inside; what is written to "
				   "this file feeds it:");
			if (p->sub)
				walk_list(x, p->sub, depth + 1);
			break;
		case SHELL_PART_ARITH:
			add_simple(x, EXPLAIN_EXPANSION, depth, "$(( ))",
				   "arithmetic: the value of the expression");
			break;
		case SHELL_PART_TILDE:
			add_simple(x, EXPLAIN_EXPANSION, depth, *p->text ? "~user" : "~",
				   *p->text ? "that user's home directory" : "your home directory");
			break;
		default:
			break;
		}
	}
	if ((w->flags & SHELL_W_GLOB) && w->text) {
		struct buf what = BUF_INIT;

		if (pattern_arg) {
			buf_adds(&what, "unquoted: the shell expands it to matching names here "
				 "before the program sees it; quote it to pass the pattern");
			set_what(add_item(x, EXPLAIN_NOTE, depth, w->text, w->text_len), &what);
		} else {
			buf_adds(&what, "the shell replaces it with the matching names: ");
			explain_describe_glob(w->text, &what);
			set_what(add_item(x, EXPLAIN_EXPANSION, depth, w->text, w->text_len), &what);
		}
	}
	if ((w->flags & SHELL_W_BRACE) && !(w->text && str_eq(w->text, "{}")) &&
	    (!w->text || brace_expands(w->text)))
		add_simple(x, EXPLAIN_EXPANSION, depth, "{ , }",
			   "brace expansion: the shell makes several words of it");
}

/* The role of operand k (is_last: no operand follows; many: two or more
 * operands in all) from the table's | separated roles. Copies it to out. */
static void role_of(const char *roles, size_t k, bool is_last, bool many, struct buf *out)
{
	const char *last = roles ? strstr(roles, "|$") : NULL;
	const char *r = roles;
	size_t plain_end = roles ? (last ? (size_t)(last - roles) : strlen(roles)) : 0;

	buf_reset(out);
	if (!roles) {
		buf_adds(out, "argument");
		return;
	}
	if (roles[0] == '$') { /* only a last role */
		buf_adds(out, roles + 1);
		return;
	}
	if (last && is_last && many && k > 0) {
		buf_adds(out, last + 2);
		return;
	}
	for (size_t i = 0; i < k; i++) {
		const char *bar = memchr(r, '|', plain_end - (size_t)(r - roles));

		if (!bar)
			break;
		r = bar + 1;
	}
	{
		const char *bar = memchr(r, '|', plain_end - (size_t)(r - roles));

		buf_add(out, r, bar ? (size_t)(bar - r) : plain_end - (size_t)(r - roles));
	}
}

static const char *arg_text(const struct xarg *a, struct buf *tmp, const char *src)
{
	if (a->text)
		return a->text;
	buf_reset(tmp);
	buf_add(tmp, src + a->w->start, a->w->len);
	return tmp->s;
}

/* The row for the same flag in the other userland, when the table has
 * one that says something else: GNU stat -f is not BSD stat -f. */
static const struct xopt *other_userland(const char *prog, const struct xopt *o)
{
	unsigned want = o->plat & EXPLAIN_GNU ? EXPLAIN_BSD : o->plat & EXPLAIN_BSD ? EXPLAIN_GNU : 0;

	if (!want)
		return NULL;
	size_t end;

	if (!str_eq(o->prog, prog))
		return NULL;
	for (size_t i = opts_of(prog, &end); i < end; i++) {
		const struct xopt *r = &explain_opts_table[i];

		if ((r->plat & want) && str_eq(r->flag, o->flag) &&
		    !str_eq(opt_what(r), opt_what(o)))
			return r;
	}
	return NULL;
}

/* One option item: text from the option's first byte to the end of its
 * argument word; what from the row's template. Platform marks the
 * program already carries (every option of systemctl is Linux-only) are
 * not repeated. */
static const struct xopt *option_item(struct xctx *x, const struct xprog *p, const char *prog,
				      const struct xopt *o, const char *text, size_t text_len,
				      const char *arg, const struct shell_word *argw, unsigned depth)
{
	struct buf what = BUF_INIT, tmp = BUF_INIT;
	struct explain_item *it;
	bool code = o && o->arg[0] && str_eq(o->arg, "@cmd");
	const struct xopt *other = o ? other_userland(o->prog, o) : NULL;

	if (o) {
		if (code)
			buf_adds(&what, "run this code:");
		else
			explain_expand(opt_what(o), argw && !argw->text ? NULL : arg,
			       argw ? (buf_add(&tmp, x->src + argw->start, argw->len), tmp.s) : "",
			       &what);
	} else {
		buf_addf(&what, "an option caro's table does not describe (see man %.*s)",
			 (int)strcspn(prog, " "), prog);
	}
	it = add_item(x, EXPLAIN_OPTION, depth, text, text_len);
	if (it && !o)
		it->known = false;
	if (o)
		mark(x, it, prog, o->plat & ~(unsigned)(p ? p->plat : 0));
	set_what(it, &what);
	buf_release(&tmp);
	if (other) {
		struct buf note = BUF_INIT;

		buf_addf(&note, "on %s, %s %s means: ", other->plat & EXPLAIN_GNU ? "GNU" : "BSD",
			 prog, other->flag);
		/* The same word read the other way: -mtime -3 on BSD. When
		 * the other reading takes the next word (BSD sed -i SUFFIX)
		 * and this one took none, say so. */
		const char *aw = other->arg;

		if (!arg && other->arg[0] && !strchr("?~", other->arg[0]) && !argw)
			aw = "the next word";
		explain_expand(opt_what(other), other->arg[0] && o->arg[0] ? arg : NULL, aw, &note);
		set_what(add_item(x, EXPLAIN_NOTE, depth + 1, other->flag, strlen(other->flag)),
			 &note);
	}
	if (argw)
		explain_expansions(x, argw, depth + 1, o && strstr(opt_what(o), "{glob}"));
	if (code && arg)
		explain_code(x, arg, depth + 1);
	return o;
}

static size_t opt_width(const struct xctx *x, const char *prog, const char *t);

/* Does the word a start an option (-x, --x; not a lone -)? */
static bool opt_word(const struct xarg *a)
{
	return a->text && a->text[0] == '-' && a->text[1];
}

/* Does any word after i look like an operand (not an option or an
 * option's argument)? After -- (opts_done) every word is one. */
static bool operand_follows(const struct xctx *x, const char *prog, const struct xarg *av,
			    size_t n, size_t i, bool opts_done)
{
	for (size_t j = i + 1; j < n;) {
		if (opts_done || !opt_word(&av[j]))
			return true;
		if (str_eq(av[j].text, "--"))
			return j + 1 < n;
		j += opt_width(x, prog, av[j].text);
	}
	return false;
}

static size_t count_operands(const struct xctx *x, const char *prog, const struct xarg *av,
			     size_t n, size_t i)
{
	size_t c = 0;

	for (size_t j = i; j < n;) {
		if (av[j].text && str_eq(av[j].text, "--"))
			return c + (n - j - 1);
		if (!opt_word(&av[j])) {
			c++;
			j++;
		} else {
			j += opt_width(x, prog, av[j].text);
		}
	}
	return c;
}

static void operand_what(struct xctx *x, const struct xprog *p, const char *role,
			 const struct xarg *a, struct buf *what)
{
	struct buf tmp = BUF_INIT;
	const char *text = a->text;

	if (x->in_exec && text && str_eq(text, "{}"))
		buf_adds(what, "the path of each file found");
	else if (str_eq(role, "argument") && !p)
		buf_adds(what, "argument");
	else
		explain_expand(role, text, arg_text(a, &tmp, x->src), what);
	buf_release(&tmp);
}

static void operand_item(struct xctx *x, const struct xprog *p, const char *role,
			 const struct xarg *a, unsigned depth)
{
	struct buf what = BUF_INIT;

	operand_what(x, p, role, a, &what);
	set_what(add_item(x, EXPLAIN_OPERAND, depth, x->src + a->w->start, a->w->len), &what);
	explain_expansions(x, a->w, depth + 1, strstr(role, "{glob}") != NULL);
}

/* The words from av[i] on, joined with spaces, as code: ssh host cmd...
 * (remote: it runs elsewhere, "there"; a role "@cmd there"). */
static void operands_as_code(struct xctx *x, const struct xarg *av, size_t n, size_t i,
			     unsigned depth, bool remote)
{
	struct buf code = BUF_INIT;
	size_t start = av[i].w->start, end = word_end(av[n - 1].w);
	struct explain_item *it;

	for (size_t j = i; j < n; j++) {
		if (!av[j].text) {
			buf_release(&code);
			it = add_item(x, EXPLAIN_OPERAND, depth, x->src + start, end - start);
			if (it)
				it->what = xstrdup(remote ? "a command to run there (known only at run time)"
						  : "a command it runs (known only at run time)");
			return;
		}
		if (j > i)
			buf_addch(&code, ' ');
		buf_adds(&code, av[j].text);
	}
	it = add_item(x, EXPLAIN_OPERAND, depth, x->src + start, end - start);
	if (it)
		it->what = xstrdup(remote ? "the command to run there:" : "the command it runs:");
	explain_code(x, code.s, depth + 1);
	buf_release(&code);
}

/* How many words the option t of prog takes: 2 when its argument is the
 * next word, else 1. */
static size_t opt_width(const struct xctx *x, const char *prog, const char *t)
{
	const struct xopt *o;

	if (t[1] == '-') {
		const char *eq = strchr(t, '=');

		o = find_opt(x, prog, t, eq ? (size_t)(eq - t) : strlen(t));
		if (!o || !o->arg[0] || o->arg[0] == '?' || o->arg[0] == '~' || eq)
			return 1;
		return o->arg[0] == '2' ? 3 : 2;
	}
	o = find_opt(x, prog, t, strlen(t));
	if (o && strlen(t) > 2)
		return o->arg[0] && o->arg[0] != '?' && o->arg[0] != '~' ? 2 : 1;
	if (!o && (o = find_opt(x, prog, "-*", 2))) /* ffmpeg -framerate 30 */
		return o->arg[0] ? 2 : 1;
	for (const char *c = t + 1; *c; c++) {
		char flag[3] = {'-', *c, '\0'};

		o = find_opt(x, prog, flag, 2);
		if (o && o->arg[0])
			return c[1] || o->arg[0] == '?' || o->arg[0] == '~' ? 1 : 2;
	}
	return 1;
}

/* What the options seen so far do to the operands' roles (XR_*). */
struct roles_state {
	size_t shift;  /* the first role is given by an option */
	bool no_last;  /* the last ($) role is given by an option */
	bool stop;     /* the words from here on are operands */
	bool sig;      /* a signal was named: -N words are now IDs (kill -9 -1) */
	bool prog_arg; /* the last option's argument may name a program
			  (python -m pip install x: pip's words follow) */
	const char *roles; /* the program's role set the options chose */
	/* Operands described before an option took the first role (grep -rn
	 * /etc -e PAT: getopt reads options anywhere), to describe again. */
	size_t early_item[4], early_arg[4], n_early;
	bool redone;
};

static void roles_note(struct roles_state *rs, const struct xopt *o)
{
	if (!o)
		return;
	if (o->roles & XR_FIRST)
		rs->shift = 1;
	if (o->roles & XR_LAST)
		rs->no_last = true;
	if (o->roles & XR_STOP)
		rs->stop = true;
	if ((o->roles & XR_SIG) || str_eq(o->flag, "-@sig"))
		rs->sig = true;
	rs->prog_arg = str_eq(o->arg, "@prog");
}

/* Once an option has taken the first role, the operands described before
 * it move up one role: grep -rn /etc -e PAT searches /etc. */
static void roles_redo(struct xctx *x, const struct xprog *p, struct roles_state *rs,
		       const struct xarg *av, size_t total)
{
	struct buf role = BUF_INIT, what = BUF_INIT;

	rs->redone = true;
	for (size_t j = 0; j < rs->n_early; j++) {
		struct explain_item *it;

		if (rs->early_item[j] >= x->ex->n)
			break;
		role_of(rs->roles, j + 1, false, total > 1 && !rs->no_last, &role);
		if (str_startswith(role.s, "@cmd"))
			break;
		it = &x->ex->items[rs->early_item[j]];
		operand_what(x, p, role.s, &av[rs->early_arg[j]], &what);
		free(it->what);
		it->what = NULL;
		set_what(it, &what);
	}
	buf_release(&role);
}

static unsigned alt_of(const struct xopt *o)
{
	return !o ? 0 : o->roles & XR_ALT2 ? 2 : o->roles & XR_ALT ? 1 : 0;
}

/* Which of the program's role sets its options choose (XR_ALT, XR_ALT2:
 * sed -i edits the files it would read). getopt reads options anywhere,
 * so every word up to -- is looked at. */
static unsigned role_set(const struct xctx *x, const struct xprog *p, const char *prog,
			 const struct xarg *av, size_t n, size_t i)
{
	unsigned set = 0;

	/* tar xzf: the bundle before i counts too. */
	if (p->style == XS_TAR && i > 1 && av[1].text && av[1].text[0] != '-')
		for (const char *c = av[1].text; *c; c++) {
			char flag[3] = {'-', *c, '\0'};

			set = MAX(set, alt_of(find_opt(x, prog, flag, 2)));
		}
	for (; i < n; i++) {
		const char *t = av[i].text;
		const struct xopt *o;

		if (!t || t[0] != '-' || !t[1])
			continue;
		if (str_eq(t, "--"))
			break;
		o = find_opt(x, prog, t, t[1] == '-' ? strcspn(t, "=") : strlen(t));
		if (o || t[1] == '-') {
			set = MAX(set, alt_of(o));
			continue;
		}
		for (const char *c = t + 1; *c; c++) {
			char flag[3] = {'-', *c, '\0'};

			o = find_opt(x, prog, flag, 2);
			set = MAX(set, alt_of(o));
			if (o && o->arg[0])
				break;
		}
	}
	return set;
}

/* Role set number set of roles (sets are separated by ||; the last one
 * stands for any higher number), into out. */
static const char *roles_pick(const char *roles, unsigned set, struct buf *out)
{
	const char *end;

	if (!roles)
		return NULL;
	for (; set; set--) {
		const char *alt = strstr(roles, "||");

		if (!alt)
			break;
		roles = alt + 2;
	}
	end = strstr(roles, "||");
	buf_add(out, roles, end ? (size_t)(end - roles) : strlen(roles));
	return out->s;
}

/* Is t, where operand k is due, a mode starting with a dash (chmod -x
 * f: take run permission away), not an option? */
static bool dash_mode(const struct roles_state *rs, size_t k, const char *t)
{
	const char *m = rs->roles ? strstr(rs->roles, "{mode}") : NULL;

	return m && k + rs->shift == 0 && (size_t)(m - rs->roles) < strcspn(rs->roles, "|") &&
	       t[0] == '-' && strspn(t + 1, "rwxXst") == strlen(t + 1);
}

/* getopt-style words of prog from av[i] on. */
static void explain_getopt(struct xctx *x, const struct xprog *p, const char *prog,
			   struct xarg *av, size_t n, size_t i, unsigned depth)
{
	struct buf role = BUF_INIT, roles = BUF_INIT;
	size_t k = 0, total = count_operands(x, prog, av, n, i);
	struct roles_state rs = {0};

	if (p && p->operands && strstr(p->operands, "||"))
		rs.roles = roles_pick(p->operands, role_set(x, p, prog, av, n, i), &roles);
	else
		rs.roles = p ? p->operands : NULL;

	for (; i <= n; i++) {
		const struct xarg *a = &av[i];
		const char *t;
		const struct xopt *o;

		/* python -m pip install x: the module is a program in the
		 * table, and the words from it on are its command line. */
		if (rs.prog_arg && av[i - 1].text && find_prog(av[i - 1].text)) {
			explain_words(x, av + i - 1, n - i + 1, depth + 1);
			break;
		}
		rs.prog_arg = false;
		if (i == n)
			break;
		t = a->text;
		if (rs.shift && !rs.redone && rs.n_early)
			roles_redo(x, p, &rs, av, total);
		if (!rs.stop && t && str_eq(t, "--")) {
			add_simple(x, EXPLAIN_OPTION, depth, "--",
				   "end of options: the words after it are operands");
			rs.stop = true;
			continue;
		}
		if (!rs.stop && t && t[0] == '-' && t[1] == '-' && t[2]) {
			const char *eq = strchr(t, '=');
			size_t len = eq ? (size_t)(eq - t) : strlen(t);
			const struct shell_word *argw = NULL;
			const char *arg = eq ? eq + 1 : NULL;
			size_t end = word_end(a->w);

			o = find_opt(x, prog, t, len);
			if (o && o->arg[0] && o->arg[0] != '?' && !eq && i + 1 < n &&
			    (o->arg[0] != '~' || !opt_word(&av[i + 1]))) {
				argw = av[++i].w;
				arg = av[i].text;
				end = word_end(argw);
				if (o->arg[0] == '2' && i + 1 < n)
					end = word_end(av[++i].w);
			}
			roles_note(&rs, option_item(x, p, prog, o, x->src + a->w->start,
						    end - a->w->start, arg,
						    argw ? argw : (eq ? a->w : NULL), depth));
			continue;
		}
		/* A lone dash or a word starting with @ with a row of its
		 * own: su -, dig @8.8.8.8. */
		if (!rs.stop && t && (str_eq(t, "-") || (t[0] == '@' && t[1])) &&
		    (o = find_opt(x, prog, t, 1))) {
			roles_note(&rs, option_item(x, p, prog, o, x->src + a->w->start, a->w->len,
						    t[1] ? t + 1 : NULL, t[1] ? a->w : NULL, depth));
			continue;
		}
		if (!rs.stop && t && (t[0] == '-' || t[0] == '+') && t[1] &&
		    !(rs.sig && t[0] == '-' && all_digits(t + 1)) && !dash_mode(&rs, k, t)) {
			o = find_opt(x, prog, t, strlen(t));

			/* One dash, a long name and =: terraform plan -out=FILE. */
			if (!o && t[0] == '-' && strchr(t, '=')) {
				const char *eq = strchr(t, '=');
				const struct xopt *lo = find_opt(x, prog, t, (size_t)(eq - t));

				if (lo && lo->arg[0] && eq - t > 2) {
					roles_note(&rs, option_item(x, p, prog, lo, x->src + a->w->start,
								    a->w->len, eq + 1, a->w, depth));
					continue;
				}
			}
			/* The whole word first: -name, -KILL, +short, -productVersion. */
			if (o && !(o->arg[0] && t[0] == '-' && strlen(t) == 2)) {
				const struct shell_word *argw = NULL;
				size_t end = word_end(a->w);

				if (o->arg[0] && o->arg[0] != '?' && i + 1 < n &&
				    (o->arg[0] != '~' || !opt_word(&av[i + 1]))) {
					argw = av[++i].w;
					end = word_end(argw);
					if (o->arg[0] == '2' && i + 1 < n)
						end = word_end(av[++i].w);
				}
				roles_note(&rs, option_item(x, p, prog, o, x->src + a->w->start,
							    end - a->w->start,
							    argw ? av[i].text : NULL, argw, depth));
				continue;
			}
			/* A word starting with +, with a row for "+": date +%F. */
			if (t[0] == '+') {
				o = find_opt(x, prog, "+", 1);
				if (o) {
					roles_note(&rs, option_item(x, p, prog, o, x->src + a->w->start,
								    a->w->len, t + 1, a->w, depth));
					continue;
				}
			} else if (explain_is_signal(t + 1) && (o = find_opt(x, prog, "-@sig", 5))) {
				roles_note(&rs, option_item(x, p, prog, o, x->src + a->w->start,
							    a->w->len, t + 1, NULL, depth));
				continue;
			} else if (all_digits(t + 1) && (o = find_opt(x, prog, "-#", 2))) {
				option_item(x, p, prog, o, x->src + a->w->start, a->w->len, t + 1, NULL,
					    depth);
				continue;
			} else {
				/* Programs whose options are all words after one dash
				 * (ffmpeg -framerate 30) have a row "-*": an option it
				 * does not know is one word, with a value when the row
				 * takes one. */
				const struct xopt *star = o ? NULL : find_opt(x, prog, "-*", 2);

				if (star) {
					const struct shell_word *argw = NULL;
					size_t end = word_end(a->w), at = x->ex->n;

					if (star->arg[0] && i + 1 < n && !opt_word(&av[i + 1])) {
						argw = av[++i].w;
						end = word_end(argw);
					}

					option_item(x, p, prog, star, x->src + a->w->start, end - a->w->start,
						    argw ? av[i].text : NULL, argw, depth);
					if (at < x->ex->n)
						x->ex->items[at].known = false;
					continue;
				}
				/* A bundle of letters: -la, -n5, -xzf FILE, -9k. A word
				 * whose first letter is no known option is one unknown
				 * option (openssl -base64, java -version). */
				{
					char first[3] = {'-', t[1], '\0'};

					if (!isdigit((unsigned char)t[1]) && !find_opt(x, prog, first, 2)) {
						option_item(x, p, prog, NULL, x->src + a->w->start,
							    a->w->len, NULL, NULL, depth);
						continue;
					}
				}
				for (const char *c = t + 1; *c; c++) {
					size_t nd = strspn(c, "0123456789");

					if (nd && (o = find_opt(x, prog, "-#", 2))) {
						char text[24];
						char num[20];

						snprintf(num, sizeof(num), "%.*s", (int)MIN(nd, 18), c);
						snprintf(text, sizeof(text), "-%s", num);
						option_item(x, p, prog, o, text, strlen(text), num, NULL,
							    depth);
						c += nd - 1;
						continue;
					}
					char flag[3] = {'-', *c, '\0'};
					const struct shell_word *argw = NULL;
					const char *arg = NULL;
					struct buf text = BUF_INIT;

					o = find_opt(x, prog, flag, 2);
					buf_adds(&text, flag);
					if (o && o->arg[0] && c[1]) {
						arg = c + 1;
						buf_adds(&text, c + 1);
						c += strlen(c) - 1;
					} else if (o && o->arg[0] && o->arg[0] != '?' && i + 1 < n &&
						   (o->arg[0] != '~' || !opt_word(&av[i + 1]))) {
						argw = av[++i].w;
						arg = av[i].text;
						buf_addch(&text, ' ');
						buf_add(&text, x->src + argw->start, argw->len);
						if (o->arg[0] == '2' && i + 1 < n) {
							i++;
							buf_addch(&text, ' ');
							buf_add(&text, x->src + av[i].w->start,
								av[i].w->len);
						}
					}
					roles_note(&rs, option_item(x, p, prog, o, text.s, text.len, arg,
								    argw, depth));
					buf_release(&text);
				}
				continue;
			}
		}
		/* An operand. */
		role_of(rs.roles, k + rs.shift, !operand_follows(x, prog, av, n, i, rs.stop),
			total > 1 && !rs.no_last, &role);
		if (str_startswith(role.s, "@cmd")) {
			operands_as_code(x, av, n, i, depth, str_eq(role.s, "@cmd there"));
			break;
		}
		if (!rs.shift && rs.n_early < ARRAY_SIZE(rs.early_item) && x->ex->n < MAX_ITEMS) {
			rs.early_item[rs.n_early] = x->ex->n;
			rs.early_arg[rs.n_early++] = i;
		}
		operand_item(x, p, role.s, a, depth);
		k++;
	}
	if (rs.shift && !rs.redone && rs.n_early)
		roles_redo(x, p, &rs, av, total);
	buf_release(&role);
	buf_release(&roles);
}

static void explain_wrap(struct xctx *x, const struct xprog *p, struct xarg *av, size_t n,
			 size_t i, unsigned depth);

/* XS_SUBCMD: options of prog, then a subcommand with rows of its own. */
static void explain_subcmd(struct xctx *x, const struct xprog *p, struct xarg *av, size_t n,
			   size_t i, unsigned depth)
{
	size_t first = i;
	const struct xprog *sub = NULL;
	struct explain_item *it;

	while (i < n && av[i].text && av[i].text[0] == '-' && av[i].text[1])
		i += opt_width(x, p->name, av[i].text);
	i = MIN(i, n);
	explain_getopt(x, p, p->name, av, i, first, depth);
	if (i >= n)
		return;
	if (av[i].text) {
		char name[128];

		snprintf(name, sizeof(name), "%s %s", p->name, av[i].text);
		sub = find_prog(name);
		for (size_t a = 0; !sub && a < ARRAY_SIZE(opt_aliases); a++)
			if (str_eq(p->name, opt_aliases[a].name)) {
				snprintf(name, sizeof(name), "%s %s", opt_aliases[a].same_as, av[i].text);
				sub = find_prog(name);
			}
	}
	if (!sub && p->operands) {
		/* A program whose subcommand is optional (magick in.png
		 * out.jpg, magick mogrify ...): the words are its operands. */
		explain_getopt(x, p, p->name, av, n, i, depth);
		return;
	}
	it = add_item(x, EXPLAIN_PROGRAM, depth, x->src + av[i].w->start, av[i].w->len);
	if (!sub) {
		if (it) {
			it->what = xstrdup("a subcommand caro's table does not describe");
			it->known = false;
		}
		explain_getopt(x, p, p->name, av, n, i + 1, depth);
		return;
	}
	if (it)
		it->what = xstrdup(sub->what);
	mark(x, it, sub->name, sub->plat & ~(unsigned)p->plat);
	if (sub->style == XS_SUBCMD)
		explain_subcmd(x, sub, av, n, i + 1, depth);
	else if (sub->style == XS_WRAP)
		explain_wrap(x, sub, av, n, i + 1, depth);
	else
		explain_getopt(x, sub, sub->name, av, n, i + 1, depth);
}

/* find: -H/-L/-P, start paths, then the expression. */
static void explain_find(struct xctx *x, const struct xprog *p, struct xarg *av, size_t n,
			 size_t i, unsigned depth)
{
	struct buf role = BUF_INIT;

	/* Options before the start paths. */
	while (i < n && av[i].text && av[i].text[0] == '-' && strlen(av[i].text) == 2 &&
	       strchr("HLPEXsx", av[i].text[1])) {
		explain_getopt(x, p, "find", av, i + 1, i, depth);
		i++;
	}
	/* Start paths: words up to the first that starts an expression. */
	if (i >= n || (av[i].text && (av[i].text[0] == '-' || str_eq(av[i].text, "(") ||
				      str_eq(av[i].text, "!"))))
		add_simple(x, EXPLAIN_NOTE, depth, "(.)", "no start path: the current directory");
	for (; i < n; i++) {
		const char *t = av[i].text;

		if (t && (t[0] == '-' || str_eq(t, "(") || str_eq(t, "!")))
			break;
		buf_reset(&role);
		buf_adds(&role, p->operands);
		operand_item(x, p, role.s, &av[i], depth);
	}
	for (; i < n; i++) {
		const char *t = av[i].text;
		const struct xopt *o;

		if (t && (str_eq(t, "-exec") || str_eq(t, "-execdir") || str_eq(t, "-ok") ||
			  str_eq(t, "-okdir"))) {
			size_t j = i + 1;
			bool saved = x->in_exec;
			struct buf what = BUF_INIT;

			while (j < n && !(av[j].text && (str_eq(av[j].text, ";") ||
							 (str_eq(av[j].text, "+") && j > i + 1 &&
							  av[j - 1].text && str_eq(av[j - 1].text, "{}")))))
				j++;
			buf_addf(&what, "run a command for the files found%s%s:",
				 t[3] == 'd' || t[4] == 'd' ? ", from the file's directory" : "",
				 t[1] == 'o' ? ", asking first" : "");
			set_what(add_item(x, EXPLAIN_OPTION, depth, t, strlen(t)), &what);
			x->in_exec = true;
			if (j > i + 1)
				explain_words(x, av + i + 1, j - i - 1, depth + 1);
			x->in_exec = saved;
			if (j < n)
				add_simple(x, EXPLAIN_OPERATOR, depth, av[j].text,
					   str_eq(av[j].text, "+") ?
					   "end of the command: run it with many files at once" :
					   "end of the command: run it once per file");
			i = j;
			continue;
		}
		o = t ? find_opt(x, "find", t, strlen(t)) : NULL;
		if (o && o->arg[0] && i + 1 < n) {
			option_item(x, p, "find", o, x->src + av[i].w->start,
				    word_end(av[i + 1].w) - av[i].w->start, av[i + 1].text,
				    av[i + 1].w, depth);
			i++;
		} else if (o) {
			option_item(x, p, "find", o, t, strlen(t), NULL, NULL, depth);
		} else {
			option_item(x, p, "find", NULL, x->src + av[i].w->start, av[i].w->len, NULL, NULL,
				    depth);
		}
	}
	buf_release(&role);
}

/* dd: key=value words. */
static void explain_dd(struct xctx *x, struct xarg *av, size_t n, size_t i, unsigned depth)
{
	for (; i < n; i++) {
		const char *t = av[i].text;
		const char *eq = t ? strchr(t, '=') : NULL;
		const struct xopt *o = eq ? find_opt(x, "dd", t, (size_t)(eq - t)) : NULL;

		option_item(x, NULL, "dd", o, x->src + av[i].w->start, av[i].w->len, eq ? eq + 1 : NULL,
			    NULL, depth);
	}
}

/* tar czf and ps aux: a first word of letters without a dash. */
static size_t explain_bundle(struct xctx *x, const struct xprog *p, struct xarg *av, size_t n,
			     size_t i, unsigned depth, bool dash)
{
	const char *t = av[i].text;
	size_t next = i + 1;

	for (const char *c = t; *c; c++) {
		char flag[3] = {dash ? '-' : *c, dash ? *c : '\0', '\0'};
		const struct xopt *o = find_opt(x, p->name, flag, strlen(flag));
		const struct shell_word *argw = NULL;
		char text[2] = {*c, '\0'};

		if (o && o->arg[0] && o->arg[0] != '?' && next < n)
			argw = av[next++].w;
		if (argw) {
			struct buf tb = BUF_INIT;

			buf_addf(&tb, "%c %.*s", *c, (int)argw->len, x->src + argw->start);
			option_item(x, p, p->name, o, tb.s, tb.len, av[next - 1].text, argw, depth);
			buf_release(&tb);
		} else {
			option_item(x, p, p->name, o, text, 1, NULL, NULL, depth);
		}
	}
	return next;
}

/* env: options, NAME=value words, then a command. */
static void explain_env(struct xctx *x, const struct xprog *p, struct xarg *av, size_t n,
			size_t i, unsigned depth)
{
	size_t j = i;

	while (j < n && av[j].text && av[j].text[0] == '-' && av[j].text[1])
		j += opt_width(x, "env", av[j].text);
	explain_getopt(x, p, "env", av, MIN(j, n), i, depth);
	for (; j < n && av[j].w->flags & SHELL_W_ASSIGN; j++) {
		struct buf what = BUF_INIT;
		const struct shell_word *w = av[j].w;

		buf_addf(&what, "set %.*s in the command's environment", (int)w->name_len,
			 x->src + w->start);
		set_what(add_item(x, EXPLAIN_ASSIGN, depth, x->src + w->start, w->len), &what);
		explain_expansions(x, w, depth + 1, false);
	}
	if (j < n)
		explain_words(x, av + j, n - j, depth + 1);
}

/* XS_WRAP: options, p->skip operands, then the command it runs. */
static void explain_wrap(struct xctx *x, const struct xprog *p, struct xarg *av, size_t n,
			 size_t i, unsigned depth)
{
	size_t j = i, skipped = 0;

	while (j < n) {
		const char *t = av[j].text;

		if (t && str_eq(t, "--")) {
			j++;
			break;
		}
		if (p->skip && skipped >= p->skip)
			break; /* the words after the image are its command's */
		if (t && t[0] == '-' && t[1]) {
			j += opt_width(x, p->name, t);
			continue;
		}
		if (skipped >= p->skip)
			break;
		skipped++;
		j++;
	}
	explain_getopt(x, p, p->name, av, MIN(j, n), i, depth);
	/* A word starting with - cannot name a program: docker run
	 * --entrypoint sh IMG -c CODE gives the words to what the image
	 * runs. */
	if (j < n && p->skip && opt_word(&av[j])) {
		for (; j < n; j++)
			operand_item(x, p, "argument for what it runs (the image's entry point or "
				     "command)", &av[j], depth + 1);
		return;
	}
	if (j < n)
		explain_words(x, av + j, n - j, depth + 1);
}

/* Conditions: test, [ and bash's [[ ]] */

static const struct {
	const char *op;
	const char *fmt; /* %s: the operand */
} cond_unary[] = {
	{"-e", "%s exists"}, {"-a", "%s exists"}, {"-f", "%s is a regular file"},
	{"-d", "%s is a directory"}, {"-L", "%s is a symbolic link"},
	{"-h", "%s is a symbolic link"}, {"-r", "%s is readable by you"},
	{"-w", "%s is writable by you"},
	{"-x", "%s is executable by you (a directory: you may enter it)"},
	{"-s", "%s is a file that is not empty"}, {"-z", "%s is empty (a string of length 0)"},
	{"-n", "%s is not empty"}, {"-b", "%s is a block device"},
	{"-c", "%s is a character device"}, {"-p", "%s is a named pipe (FIFO)"},
	{"-S", "%s is a socket"}, {"-g", "%s has the setgid bit"},
	{"-u", "%s has the setuid bit"}, {"-k", "%s has the sticky bit"},
	{"-O", "%s is owned by you"}, {"-G", "%s belongs to your group"},
	{"-N", "%s was modified since it was last read"},
	{"-t", "file descriptor %s is a terminal"}, {"-v", "the variable %s is set (bash)"},
	{"-o", "the shell option %s is on"}, {"-R", "the variable %s is a name reference"},
};

static const struct {
	const char *op;
	const char *fmt;     /* the left operand, then the right */
	const char *pattern; /* in [[ ]] with an unquoted right side, or NULL */
} cond_binary[] = {
	{"=", "%s equals %s", "%s matches the pattern %s"},
	{"==", "%s equals %s", "%s matches the pattern %s"},
	{"!=", "%s does not equal %s", "%s does not match the pattern %s"},
	{"=~", "%s matches the regular expression %s (bash)", NULL},
	{"<", "%s sorts before %s", NULL}, {">", "%s sorts after %s", NULL},
	{"-eq", "%s equals %s (as numbers)", NULL},
	{"-ne", "%s is not equal to %s (as numbers)", NULL},
	{"-lt", "%s is less than %s (as numbers)", NULL},
	{"-le", "%s is less than or equal to %s (as numbers)", NULL},
	{"-gt", "%s is greater than %s (as numbers)", NULL},
	{"-ge", "%s is greater than or equal to %s (as numbers)", NULL},
	{"-nt", "%s is newer than %s (modified later; or only the first exists)", NULL},
	{"-ot", "%s is older than %s (modified earlier; or only the second exists)", NULL},
	{"-ef", "%s and %s are the same file", NULL},
};

struct cond {
	struct xctx *x;
	const struct xarg *av;
	size_t n, i;
	bool dbl;       /* [[ ]]: && || are the connectives, no globbing */
	unsigned depth;
	unsigned level; /* nesting of ! and ( ), capped */
};

/* An operand as written, without the quotes around all of it: "$a" is
 * said $a, '' the empty string. */
static void cond_shown(const struct cond *c, size_t k, struct buf *out)
{
	const struct shell_word *w = c->av[k].w;
	const char *s = c->x->src + w->start;
	size_t len = w->len;

	if (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0] &&
	    !memchr(s + 1, s[0], len - 2)) {
		s++;
		len -= 2;
	}
	if (c->x->in_exec && len == 2 && !memcmp(s, "{}", 2))
		buf_adds(out, "the file found");
	else if (!len)
		buf_adds(out, "the empty string");
	else if (len > 60)
		buf_addf(out, "%.57s...", s);
	else
		buf_add(out, s, len);
}

static const char *cond_word(const struct cond *c, size_t k)
{
	return k < c->n && c->av[k].text ? c->av[k].text : "";
}

static int cond_binary_op(const struct cond *c, size_t k)
{
	const char *t = cond_word(c, k);

	/* Quoted, an operator is a plain string: [ "$a" "=" b ] still
	 * compares, so only the spelling counts. */
	for (size_t j = 0; j < ARRAY_SIZE(cond_binary); j++)
		if (str_eq(t, cond_binary[j].op))
			return (int)j;
	return -1;
}

static int cond_unary_op(const struct cond *c, size_t k)
{
	const char *t = cond_word(c, k);

	for (size_t j = 0; j < ARRAY_SIZE(cond_unary); j++)
		if (str_eq(t, cond_unary[j].op))
			return (int)j;
	return -1;
}

/* One test (first to last word) as an item, and its words' expansions. */
static void cond_item(struct cond *c, size_t first, size_t last, struct buf *what, bool pattern)
{
	const struct shell_word *a = c->av[first].w, *b = c->av[last].w;

	set_what(add_item(c->x, EXPLAIN_OPERAND, c->depth, c->x->src + a->start,
			  word_end(b) - a->start), what);
	for (size_t k = first; k <= last; k++)
		if (!(c->dbl && pattern && k == last))
			explain_expansions(c->x, c->av[k].w, c->depth + 1, false);
}

static void cond_or(struct cond *c);

static void cond_primary(struct cond *c)
{
	struct buf what = BUF_INIT, l = BUF_INIT, r = BUF_INIT;
	size_t i = c->i;
	const char *t = cond_word(c, i);
	int op;

	if (i >= c->n) /* [[ ( ]]: nothing after the ( */
		return;
	if (str_eq(t, "(") && c->level < 32) {
		add_simple(c->x, EXPLAIN_OPERATOR, c->depth, "(", "a group: the tests up to ) together");
		c->i++;
		c->level++;
		cond_or(c);
		c->level--;
		if (c->i < c->n && str_eq(cond_word(c, c->i), ")")) {
			add_simple(c->x, EXPLAIN_OPERATOR, c->depth, ")", "the end of the group");
			c->i++;
		}
		return;
	}
	if (i + 2 < c->n && (op = cond_binary_op(c, i + 1)) >= 0) {
		const struct shell_word *rw = c->av[i + 2].w;
		bool pattern = c->dbl && cond_binary[op].pattern &&
			       (rw->flags & SHELL_W_GLOB);

		cond_shown(c, i, &l);
		cond_shown(c, i + 2, &r);
		buf_addf(&what, pattern ? cond_binary[op].pattern : cond_binary[op].fmt, l.s, r.s);
		if (c->dbl && str_eq(cond_binary[op].op, "=~"))
			buf_adds(&what, "; the matched parts go to ${BASH_REMATCH[@]}");
		cond_item(c, i, i + 2, &what, pattern || str_eq(cond_binary[op].op, "=~"));
		c->i = i + 3;
	} else if (i + 1 < c->n && (op = cond_unary_op(c, i)) >= 0) {
		cond_shown(c, i + 1, &r);
		buf_addf(&what, cond_unary[op].fmt, r.s);
		cond_item(c, i, i + 1, &what, false);
		c->i = i + 2;
	} else {
		cond_shown(c, i, &r);
		buf_addf(&what, "%s is not empty", r.s);
		cond_item(c, i, i, &what, false);
		c->i = i + 1;
	}
	buf_release(&l);
	buf_release(&r);
}

static void cond_not(struct cond *c)
{
	if (c->i + 1 < c->n && str_eq(cond_word(c, c->i), "!") && c->level < 32) {
		add_simple(c->x, EXPLAIN_OPERATOR, c->depth, "!", "not: true when this is false:");
		c->i++;
		c->level++;
		cond_not(c);
		c->level--;
		return;
	}
	cond_primary(c);
}

static bool cond_connective(const struct cond *c, const char *dbl, const char *single)
{
	const char *t = cond_word(c, c->i);

	return c->i + 1 < c->n && str_eq(t, c->dbl ? dbl : single);
}

static void cond_and(struct cond *c)
{
	cond_not(c);
	while (cond_connective(c, "&&", "-a")) {
		add_simple(c->x, EXPLAIN_OPERATOR, c->depth, cond_word(c, c->i),
			   "and (both must be true)");
		c->i++;
		cond_not(c);
	}
}

static void cond_or(struct cond *c)
{
	cond_and(c);
	while (cond_connective(c, "||", "-o")) {
		add_simple(c->x, EXPLAIN_OPERATOR, c->depth, cond_word(c, c->i),
			   "or (either may be true)");
		c->i++;
		cond_and(c);
	}
}

/* The words of a condition (without [ ] or [[ ]]), each test in words:
 * -f x is "x is a regular file". Words left over (a stray ")") are said
 * as parts of it. */
static void explain_cond(struct xctx *x, const struct xarg *av, size_t n, bool dbl,
			 unsigned depth)
{
	struct cond c = {x, av, n, 0, dbl, depth, 0};

	if (!n) {
		add_simple(x, EXPLAIN_NOTE, depth, "(empty)", "no test: the condition is false");
		return;
	}
	cond_or(&c);
	for (; c.i < n; c.i++)
		operand_item(x, NULL, "part of the condition (not read as a test)", &av[c.i], depth);
}

/* A command's words: the program, then its arguments its way. */
static void explain_words(struct xctx *x, struct xarg *av, size_t n, unsigned depth)
{
	const struct shell_word *w0 = av[0].w;
	const char *name = av[0].text;
	const char *base;
	const struct xprog *p;
	struct explain_item *it;
	struct buf what = BUF_INIT;

	if (!name) {
		it = add_item(x, EXPLAIN_PROGRAM, depth, x->src + w0->start, w0->len);
		if (it) {
			it->what = xstrdup("a program chosen when it runs");
			it->known = false;
		}
		explain_expansions(x, w0, depth + 1, false);
		explain_getopt(x, NULL, "?", av, n, 1, depth);
		return;
	}
	for (size_t f = 0; f < x->n_funcs; f++) {
		if (str_eq(x->funcs[f], name)) {
			it = add_item(x, EXPLAIN_PROGRAM, depth, x->src + w0->start, w0->len);
			buf_addf(&what, "the function %s defined in this command", name);
			set_what(it, &what);
			explain_getopt(x, NULL, name, av, n, 1, depth);
			return;
		}
	}
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	p = *base ? find_prog(base) : NULL;
	if (!p && strchr(base, '.') && strchr(base, '.') != base) {
		/* mkfs.ext4, fsck.vfat: the family's row. */
		char family[64];

		snprintf(family, sizeof(family), "%.*s", (int)(strchr(base, '.') - base), base);
		p = find_prog(family);
	}
	it = add_item(x, EXPLAIN_PROGRAM, depth, x->src + w0->start, w0->len);
	if (p) {
		buf_adds(&what, p->what);
		mark(x, it, p->name, p->plat);
	} else if (x->in_exec && str_eq(name, "{}")) {
		buf_adds(&what, "each file found, run as a program");
	} else if (strchr(name, '/')) {
		buf_addf(&what, "runs the program or script %s", name);
	} else {
		buf_addf(&what, "a program caro's table does not describe (see man %s)", base);
		if (it)
			it->known = false;
	}
	set_what(it, &what);
	if (!p) {
		explain_getopt(x, NULL, base, av, n, 1, depth);
		return;
	}
	if (str_eq(p->name, "[") || str_eq(p->name, "test")) {
		bool close = p->name[0] == '[' && n > 1 && av[n - 1].text && str_eq(av[n - 1].text, "]");

		explain_cond(x, av + 1, n - 1 - close, false, depth);
		if (close)
			add_simple(x, EXPLAIN_OPERATOR, depth, "]", "the end of the condition");
		return;
	}
	switch (p->style) {
	case XS_FIND:
		explain_find(x, p, av, n, 1, depth);
		break;
	case XS_DD:
		explain_dd(x, av, n, 1, depth);
		break;
	case XS_TAR:
	case XS_PS:
		if (n > 1 && av[1].text && av[1].text[0] && av[1].text[0] != '-')
			explain_getopt(x, p, p->name, av, n,
				       explain_bundle(x, p, av, n, 1, depth, p->style == XS_TAR),
				       depth);
		else
			explain_getopt(x, p, p->name, av, n, 1, depth);
		break;
	case XS_SUBCMD:
		explain_subcmd(x, p, av, n, 1, depth);
		break;
	case XS_WRAP:
		explain_wrap(x, p, av, n, 1, depth);
		break;
	case XS_ENV:
		explain_env(x, p, av, n, 1, depth);
		break;
	default:
		explain_getopt(x, p, p->name, av, n, 1, depth);
		break;
	}
}

/* Redirections */

static const char *fd_name(int fd)
{
	switch (fd) {
	case 0: return "the input";
	case 1: return "the output";
	case 2: return "error messages";
	default: return NULL;
	}
}

static void explain_redir(struct xctx *x, const struct shell_redir *r, unsigned depth)
{
	struct buf what = BUF_INIT, fdn = BUF_INIT;
	const struct shell_word *tw = r->target;
	const char *target = tw && tw->text ? tw->text : NULL;
	char tbuf[256];
	bool null = target && str_eq(target, "/dev/null");

	if (!target && tw)
		snprintf(tbuf, sizeof(tbuf), "%.*s", (int)MIN(tw->len, 200), x->src + tw->start);
	else
		snprintf(tbuf, sizeof(tbuf), "%s", target ? target : "");
	if (r->fd >= 0 && fd_name(r->fd))
		buf_adds(&fdn, fd_name(r->fd));
	else
		buf_addf(&fdn, "file descriptor %d", r->fd);
	switch (r->op) {
	case SHELL_REDIR_IN:
		buf_addf(&what, "%s comes from the file %s", fdn.s, tbuf);
		break;
	case SHELL_REDIR_OUT:
	case SHELL_REDIR_CLOBBER:
		if (null)
			buf_addf(&what, "discard %s", fdn.s);
		else
			buf_addf(&what, "write %s to the file %s, replacing what it held%s", fdn.s,
				 tbuf, r->op == SHELL_REDIR_CLOBBER ? " (even with noclobber set)" :
				 "");
		break;
	case SHELL_REDIR_APPEND:
		buf_addf(&what, null ? "discard %s" : "append %s to the file %s", fdn.s, tbuf);
		break;
	case SHELL_REDIR_RDWR:
		buf_addf(&what, "open the file %s for reading and writing as %s", tbuf, fdn.s);
		break;
	case SHELL_REDIR_DUP_OUT:
	case SHELL_REDIR_DUP_IN:
		if (str_eq(tbuf, "-")) {
			buf_addf(&what, "close %s", fdn.s);
		} else {
			int to = all_digits(tbuf) ? atoi(tbuf) : -1;

			buf_addf(&what, "send %s to the same place as %s", fdn.s,
				 to >= 0 && fd_name(to) ? fd_name(to) : tbuf);
			if (r->fd == 2 && to == 1)
				buf_adds(&what, " (errors are mixed into the output)");
		}
		break;
	case SHELL_REDIR_OUT_ERR:
		buf_addf(&what, null ? "discard the output and error messages" :
			 "write the output and error messages to the file %s, replacing it", tbuf);
		break;
	case SHELL_REDIR_APPEND_ERR:
		buf_addf(&what, null ? "discard the output and error messages" :
			 "append the output and error messages to the file %s", tbuf);
		break;
	case SHELL_REDIR_HEREDOC:
	case SHELL_REDIR_HEREDOC_TAB:
		buf_addf(&what, "here-document: the lines up to %s are the input%s%s", tbuf,
			 r->op == SHELL_REDIR_HEREDOC_TAB ? " (leading tabs removed)" : "",
			 r->body && !(r->body->flags & SHELL_W_DYNAMIC) ? "" :
			 ", with $ expansions");
		break;
	case SHELL_REDIR_HERESTRING:
		buf_addf(&what, "the text %s (and a newline) is the input", tbuf);
		break;
	}
	{
		/* The item's text: the operator and target, not a here-doc body. */
		size_t len = r->len;

		if (tw && (r->op == SHELL_REDIR_HEREDOC || r->op == SHELL_REDIR_HEREDOC_TAB))
			len = word_end(tw) - r->start;
		set_what(add_item(x, EXPLAIN_REDIRECT, depth, x->src + r->start, len), &what);
	}
	if (tw && r->op != SHELL_REDIR_HEREDOC && r->op != SHELL_REDIR_HEREDOC_TAB)
		explain_expansions(x, tw, depth + 1, false);
	if (r->body)
		explain_expansions(x, r->body, depth + 1, false);
	buf_release(&fdn);
}

/* Nodes */

static void walk_node(struct xctx *x, const struct shell_node *n, unsigned depth);

static void walk_simple(struct xctx *x, const struct shell_node *n, unsigned depth)
{
	struct xarg *av = NULL;
	size_t na = 0;

	for (const struct shell_word *w = n->assigns; w; w = w->next) {
		struct buf what = BUF_INIT;

		buf_addf(&what, n->words ? "set %.*s in this command's environment only" :
			 "set the shell variable %.*s", (int)w->name_len, x->src + w->start);
		set_what(add_item(x, EXPLAIN_ASSIGN, depth, x->src + w->start, w->len), &what);
		explain_expansions(x, w, depth + 1, false);
	}
	if (n->n_words) {
		size_t cap = MIN(n->n_words, (size_t)MAX_ARGS);

		av = xmallocarray(cap, sizeof(*av));
		for (const struct shell_word *w = n->words; w && na < cap; w = w->next) {
			av[na].w = w;
			av[na].text = w->text;
			na++;
		}
		explain_words(x, av, na, depth);
		free(av);
	}
	for (const struct shell_redir *r = n->redirs; r; r = r->next)
		explain_redir(x, r, depth);
}

static void walk_pipeline(struct xctx *x, const struct shell_node *n, unsigned depth)
{
	if (n->bang)
		add_simple(x, EXPLAIN_OPERATOR, depth, "!",
			   "negate the pipeline's status: success becomes failure and back");
	for (const struct shell_node *c = n->child; c; c = c->next) {
		walk_node(x, c, depth);
		if (c->next)
			add_simple(x, EXPLAIN_OPERATOR, depth, c->pipe_err ? "|&" : "|",
				   c->pipe_err ? "pipe: its output and error messages feed the "
				   "next command" : "pipe: its output feeds the next command");
	}
}

static void walk_list(struct xctx *x, const struct shell_node *n, unsigned depth)
{
	for (const struct shell_node *c = n->child; c; c = c->next) {
		walk_node(x, c, depth);
		switch (c->sep) {
		case SHELL_SEP_AND:
			add_simple(x, EXPLAIN_OPERATOR, depth, "&&", "then, only if that succeeded:");
			break;
		case SHELL_SEP_OR:
			add_simple(x, EXPLAIN_OPERATOR, depth, "||", "or else, only if that failed:");
			break;
		case SHELL_SEP_SEMI:
			if (c->next)
				add_simple(x, EXPLAIN_OPERATOR, depth, ";", "then, whatever happened:");
			break;
		case SHELL_SEP_AMP:
			add_simple(x, EXPLAIN_OPERATOR, depth, "&",
				   "run that in the background: the shell does not wait for it");
			break;
		default:
			break;
		}
	}
}

static void walk_words_list(struct xctx *x, const char *head, const struct shell_word *w,
			    const char *what, unsigned depth)
{
	struct buf t = BUF_INIT;

	buf_adds(&t, head);
	for (; w; w = w->next) {
		buf_addch(&t, ' ');
		buf_add(&t, x->src + w->start, w->len);
	}
	add_simple(x, EXPLAIN_OPERATOR, depth, t.s, what);
	buf_release(&t);
}

static void walk_node(struct xctx *x, const struct shell_node *n, unsigned depth)
{
	struct buf t = BUF_INIT;

	switch (n->kind) {
	case SHELL_LIST:
		walk_list(x, n, depth);
		break;
	case SHELL_PIPELINE:
		walk_pipeline(x, n, depth);
		break;
	case SHELL_SIMPLE:
		walk_simple(x, n, depth);
		break;
	case SHELL_SUBSHELL:
		add_simple(x, EXPLAIN_OPERATOR, depth, "( )",
			   "in a subshell: cd and variables inside do not last:");
		walk_list(x, n->child, depth + 1);
		break;
	case SHELL_BRACE:
		add_simple(x, EXPLAIN_OPERATOR, depth, "{ }", "a group, run together:");
		walk_list(x, n->child, depth + 1);
		break;
	case SHELL_IF:
		add_simple(x, EXPLAIN_OPERATOR, depth, "if", "run this; if it succeeds:");
		walk_list(x, n->cond, depth + 1);
		add_simple(x, EXPLAIN_OPERATOR, depth, "then", "run this:");
		walk_list(x, n->child, depth + 1);
		if (n->alt && n->alt->kind == SHELL_IF) {
			add_simple(x, EXPLAIN_OPERATOR, depth, "elif", "otherwise, try:");
			walk_node(x, n->alt, depth + 1);
		} else if (n->alt) {
			add_simple(x, EXPLAIN_OPERATOR, depth, "else", "otherwise, run this:");
			walk_list(x, n->alt, depth + 1);
		}
		break;
	case SHELL_FOR:
		if (n->arith) {
			walk_words_list(x, "for ((", n->words, "a C-style loop:", depth);
		} else {
			buf_addf(&t, "%s %.*s", n->select ? "select" : "for",
				 n->var ? (int)n->var->len : 0, n->var ? x->src + n->var->start : "");
			if (n->has_in)
				buf_adds(&t, " in");
			{
				struct buf what = BUF_INIT;

				buf_addf(&what, "%s, with $%.*s set to it:", n->has_in ?
					 "for each word that follows" : "for each argument",
					 n->var ? (int)n->var->len : 0,
					 n->var ? x->src + n->var->start : "");
				walk_words_list(x, t.s, n->words, what.s, depth);
				buf_release(&what);
			}
			for (const struct shell_word *w = n->words; w; w = w->next)
				explain_expansions(x, w, depth + 1, false);
		}
		walk_list(x, n->child, depth + 1);
		break;
	case SHELL_WHILE:
	case SHELL_UNTIL:
		add_simple(x, EXPLAIN_OPERATOR, depth, n->kind == SHELL_WHILE ? "while" : "until",
			   n->kind == SHELL_WHILE ? "repeat while this succeeds:" :
			   "repeat until this succeeds:");
		walk_list(x, n->cond, depth + 1);
		add_simple(x, EXPLAIN_OPERATOR, depth, "do", "the body:");
		walk_list(x, n->child, depth + 1);
		break;
	case SHELL_CASE:
		walk_words_list(x, "case", n->words, "run the branch whose pattern matches:", depth);
		for (const struct shell_case_item *ci = n->items; ci; ci = ci->next) {
			walk_words_list(x, "", ci->patterns, "when it matches this pattern:", depth + 1);
			if (ci->body)
				walk_list(x, ci->body, depth + 2);
		}
		break;
	case SHELL_FUNCTION:
		buf_addf(&t, "%.*s()", n->var ? (int)n->var->len : 0, n->var ? x->src + n->var->start : "");
		if (n->var && n->var->len < sizeof(x->funcs[0]) && x->n_funcs < MAX_FUNCS)
			snprintf(x->funcs[x->n_funcs++], sizeof(x->funcs[0]), "%.*s",
				 (int)n->var->len, x->src + n->var->start);
		add_simple(x, EXPLAIN_OPERATOR, depth, t.s, "define a function that runs:");
		if (n->child)
			walk_node(x, n->child, depth + 1);
		break;
	case SHELL_COND: {
		struct xarg av[256];
		size_t na = 0;

		for (const struct shell_word *w = n->words; w && na < ARRAY_SIZE(av); w = w->next) {
			av[na].w = w;
			av[na++].text = w->text;
		}
		add_simple(x, EXPLAIN_PROGRAM, depth, "[[",
			   "test a condition (bash; no word splitting or globbing inside):");
		/* The parser gives != as ! and = when they touch: one word. */
		for (size_t k = 0; k + 1 < na; k++)
			if (av[k].text && av[k + 1].text && str_eq(av[k].text, "!") &&
			    str_eq(av[k + 1].text, "=") && word_end(av[k].w) == av[k + 1].w->start) {
				av[k].text = "!=";
				memmove(&av[k + 1], &av[k + 2], (na - k - 2) * sizeof(*av));
				na--;
			}
		x->in_cond = true;
		explain_cond(x, av, na, true, depth);
		x->in_cond = false;
		add_simple(x, EXPLAIN_OPERATOR, depth, "]]", "the end of the condition");
		break;
	}
	case SHELL_ARITH:
		walk_words_list(x, "((", n->words, "arithmetic: succeeds when not zero (bash)", depth);
		break;
	}
	if (n->kind != SHELL_SIMPLE)
		for (const struct shell_redir *r = n->redirs; r; r = r->next)
			explain_redir(x, r, depth);
	buf_release(&t);
}

/* A closing note naming what does not exist on the target. */
static void platform_note(struct xctx *x)
{
	struct buf names = BUF_INIT, what = BUF_INIT;
	size_t count = 0;

	for (size_t i = 0; i < x->ex->n; i++) {
		const struct explain_item *it = &x->ex->items[i];

		if (!it->mismatch)
			continue;
		if (count++ < 6)
			buf_addf(&names, "%s%s", names.len ? ", " : "", it->text);
	}
	if (!count) {
		buf_release(&names);
		return;
	}
	buf_addf(&what, "not available on this %s system (%s userland): %s%s",
		 platform_os_name(x->plat->os), platform_userland(x->plat), names.s,
		 count > 6 ? ", ..." : "");
	set_what(add_item(x, EXPLAIN_NOTE, 0, "platform", 8), &what);
	buf_release(&names);
}

int explain_command(const char *cmd, size_t len, const struct explain_opts *opts,
		    struct explain *ex, struct err *err)
{
	struct shell_tree t;
	struct xctx x;
	int rc = 0;

	memset(ex, 0, sizeof(*ex));
	memset(&x, 0, sizeof(x));
	x.ex = ex;
	x.plat = opts ? opts->plat : NULL;
	shell_tree_init(&t);
	if (shell_parse(&t, cmd, len, 0, err) != 0) {
		rc = -1;
		goto out;
	}
	x.src = t.src;
	walk_list(&x, t.root, 0);
	if (x.plat)
		platform_note(&x);
	if (ex->n >= MAX_ITEMS)
		add_simple(&x, EXPLAIN_NOTE, 0, "...", "too long: the rest is not explained");
out:
	shell_tree_release(&t);
	return rc;
}

void explain_release(struct explain *ex)
{
	for (size_t i = 0; i < ex->n; i++) {
		free(ex->items[i].text);
		free(ex->items[i].what);
	}
	free(ex->items);
	memset(ex, 0, sizeof(*ex));
}

void explain_plat_text(unsigned plat, struct buf *out)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{EXPLAIN_GNU, "GNU"}, {EXPLAIN_BSD, "BSD"}, {EXPLAIN_LINUX, "Linux"},
		{EXPLAIN_MACOS, "macOS"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (plat & names[i].bit)
			buf_addf(out, "%s%s", out->len ? "/" : "", names[i].name);
	if (plat)
		buf_adds(out, " only");
}

void explain_format(const struct explain *ex, struct buf *out)
{
	enum { COL = 26 };

	for (size_t i = 0; i < ex->n; i++) {
		const struct explain_item *it = &ex->items[i];
		size_t indent = 2 + 2 * (size_t)MIN(it->depth, 10u);
		size_t start = out->len, textw;
		struct buf tag = BUF_INIT;

		buf_addf(out, "%*s", (int)indent, "");
		/* Newlines in a word (a here-doc, a multi-line string) would
		 * break the columns. */
		for (const char *s = it->text; *s; s++)
			buf_addch(out, *s == '\n' ? ' ' : *s);
		/* Columns, not bytes: "héllo" takes five. */
		textw = utf8_width(out->s + start, out->len - start);
		if (textw + 2 > COL) {
			buf_addch(out, '\n');
			buf_addf(out, "%*s", COL, "");
		} else {
			buf_addf(out, "%*s", (int)(COL - textw), "");
		}
		buf_adds(out, it->what ? it->what : "");
		explain_plat_text(it->plat, &tag);
		if (tag.len)
			buf_addf(out, " [%s%s]", tag.s, it->mismatch ? ", not on this system" : "");
		buf_addch(out, '\n');
		buf_release(&tag);
	}
}
