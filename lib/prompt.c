/*
 * prompt.c: the system prompt and the worked examples, per platform.
 *
 * The examples are a table: each row is one request with its command for
 * GNU tools, the BSD form where the userland changes it, and the fish form
 * where the shell does. Adding an example is one row. They were picked
 * for what a model most often gets wrong on the other userland (sed -i,
 * date arithmetic, stat formats, ps sorting) and for the output contract
 * itself (a bare command; "# cannot" when there is none).
 */
#include "prompt.h"

#include "buf.h"

#define NO_TOOL TOOL__COUNT

struct shot {
	const char *request;
	const char *cmd;         /* GNU tools, a POSIX-family shell */
	enum plat_tool tool;     /* the tool whose userland picks bsd */
	const char *bsd;         /* NULL: cmd works there too */
	const char *fish;        /* NULL: cmd (or bsd) works in fish too */
};

static const struct shot shots[] = {
	{"files over 100 MB in this directory tree", "find . -type f -size +100M", NO_TOOL, NULL,
	 NULL},
	{"replace foo with bar in config.txt", "sed -i 's/foo/bar/g' config.txt", TOOL_SED,
	 "sed -i '' 's/foo/bar/g' config.txt", NULL},
	{"what was the date 3 days ago", "date -d '3 days ago' +%F", TOOL_DATE, "date -v-3d +%F",
	 NULL},
	{"how many bytes is backup.tar", "stat -c %s backup.tar", TOOL_STAT, "stat -f %z backup.tar",
	 NULL},
	{"the 5 processes using the most memory", "ps aux --sort=-%mem | head -n 6", TOOL_PS,
	 "ps aux -m | head -n 6", NULL},
	{"print the name of every .log file here", "for f in *.log; do echo \"$f\"; done", NO_TOOL,
	 NULL, "for f in *.log; echo $f; end"},
	{"write a poem about the sea", PROMPT_DECLINE, NO_TOOL, NULL, NULL},
};

static const char *const role_names[] = {"system", "user", "assistant"};

const char *prompt_role_name(enum prompt_role r)
{
	return role_names[r];
}

static void add(struct prompt *p, enum prompt_role role, char *content)
{
	/* The table is sized for the examples; this cannot overflow. */
	if (p->n >= PROMPT_MAX_MSGS) {
		free(content);
		return;
	}
	p->m[p->n].role = role;
	p->m[p->n].content = content;
	p->n++;
}

/* "GNU sed, find and date; BSD stat" and the like. */
static void tools_line(const struct platform *plat, struct buf *b)
{
	bool first = true;

	for (int bsd = 0; bsd < 2; bsd++) {
		const char *names[TOOL__COUNT];
		int n = 0;

		for (int t = 0; t < TOOL__COUNT; t++)
			if (platform_is_bsd(plat, (enum plat_tool)t) == (bsd != 0))
				names[n++] = platform_tool_name((enum plat_tool)t);
		if (!n)
			continue;
		buf_addf(b, "%s%s ", first ? "" : "; ", bsd ? "BSD" : "GNU");
		for (int i = 0; i < n; i++)
			buf_addf(b, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ", names[i]);
		first = false;
	}
}

static char *system_prompt(const struct platform *plat, enum plat_shell shell)
{
	static const char *const os_titles[] = {"Linux", "macOS", "FreeBSD", "a Unix-like system"};
	struct buf b = BUF_INIT;

	buf_adds(&b, "You turn a request into one shell command for the user's machine.\n\n");
	buf_addf(&b, "Machine: %s", os_titles[plat->os]);
	if (plat->distro[0])
		buf_addf(&b, ", %s", plat->distro);
	if (plat->arch[0])
		buf_addf(&b, ", %s", plat->arch);
	if (plat->pkg[0])
		buf_addf(&b, ". Package manager: %s", plat->pkg);
	if (plat->init[0] && !str_eq(plat->init, "other"))
		buf_addf(&b, ". Services: %s", plat->init);
	buf_adds(&b, ".\nTools: ");
	tools_line(plat, &b);
	buf_addf(&b, ".\nShell: %s%s\n\n", platform_shell_name(shell),
		 shell == SHELL_FISH ? " (write fish syntax, not POSIX sh)." : ".");
	buf_adds(&b,
		 "Answer with the command alone, on one line:\n"
		 "- no explanation, no markdown, no code fences, no \"$ \" prompt;\n"
		 "- use only options that this machine's tools have;\n"
		 "- prefer commands that only read; change or delete only what the request names;\n"
		 "- no sudo unless the request asks for it;\n"
		 "- quote paths and patterns that need it.\n"
		 "If no shell command can do it, answer exactly: " PROMPT_DECLINE);
	return buf_detach(&b);
}

int prompt_build(struct prompt *p, const struct prompt_input *in, struct err *err)
{
	struct buf req = BUF_INIT;

	memset(p, 0, sizeof(*p));
	if (!in->len)
		return err_set(err, ERR_USAGE, "prompt: empty request");
	if (memchr(in->request, '\0', in->len))
		return err_set(err, ERR_USAGE, "prompt: request contains a NUL byte");
	add(p, PROMPT_SYSTEM, system_prompt(in->plat, in->shell));
	for (size_t i = 0; i < ARRAY_SIZE(shots); i++) {
		const struct shot *s = &shots[i];
		const char *cmd = s->cmd;

		if (s->bsd && s->tool != NO_TOOL && platform_is_bsd(in->plat, s->tool))
			cmd = s->bsd;
		if (s->fish && in->shell == SHELL_FISH)
			cmd = s->fish;
		add(p, PROMPT_USER, xstrdup(s->request));
		add(p, PROMPT_ASSISTANT, xstrdup(cmd));
	}
	p->n_prefix = p->n;
	/* The directory before the request: what it says is shared by every
	 * request made there, so it belongs to a prefix (one newline: no
	 * tokenizer merges across it, see lib/backend/local.c). */
	if (in->cwd && *in->cwd)
		buf_addf(&req, "(working directory: %s)\n", in->cwd);
	if (in->facts && *in->facts)
		buf_addf(&req, "(in it: %s)\n", in->facts);
	p->context_len = req.len;
	buf_add(&req, in->request, in->len);
	add(p, PROMPT_USER, buf_detach(&req));
	return 0;
}

void prompt_release(struct prompt *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->m[i].content);
	p->n = p->n_prefix = p->context_len = 0;
}
