/*
 * test_shell.c: the shell parser. Table cases in tests/data/shell_parse.tsv
 * (input -> tree dump or error); here the limits, spans, cooked values and
 * flags that a dump does not show.
 */
#include "t.h"

#include "buf.h"
#include "shell/shell.h"

/* Undo the \n \t \\ escapes of the table's input column. */
static size_t unescape(char *s)
{
	char *o = s, *i = s;

	for (; *i; i++) {
		if (*i == '\\' && (i[1] == 'n' || i[1] == 't' || i[1] == '\\')) {
			i++;
			*o++ = *i == 'n' ? '\n' : *i == 't' ? '\t' : '\\';
		} else {
			*o++ = *i;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

TEST(shell_table)
{
	char *data = t_read_file(t_data("shell_parse.tsv"), NULL);
	char *line, *save = NULL;
	struct shell_tree t;
	struct buf b = BUF_INIT;
	int n = 0;

	REQUIRE(data);
	shell_tree_init(&t);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t'), *want;
		struct err e;
		size_t len;
		int r;

		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		want = tab + 1;
		len = unescape(line);
		r = shell_parse(&t, line, len, 0, &e);
		n++;
		if (!strncmp(want, "ERR:", 4) || !strncmp(want, "INCOMPLETE:", 11)) {
			bool inc = want[0] == 'I';
			const char *msg = strchr(want, ':') + 1;

			if (r == 0 || !strstr(e.msg, msg) || (inc && !t.incomplete))
				t_fail(__FILE__, __LINE__, "%s: want error '%s' (incomplete=%d), got %s%s",
				       line, msg, inc, r == 0 ? "success" : e.msg,
				       t.incomplete ? " (incomplete)" : "");
			continue;
		}
		if (r < 0) {
			t_fail(__FILE__, __LINE__, "%s: %s", line, e.msg);
			continue;
		}
		buf_reset(&b);
		shell_dump(t.root, &b);
		if (strcmp(buf_str(&b), want) != 0)
			t_fail(__FILE__, __LINE__, "%s:\n  want %s\n  got  %s", line, want, buf_str(&b));
	}
	CHECK(n > 60);
	buf_release(&b);
	shell_tree_release(&t);
	free(data);
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
	size_t u = strlen(unit), tl = strlen(tail);
	char *s = xmalloc(u * times + tl + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	memcpy(s + u * times, tail, tl + 1);
	return s;
}

TEST(shell_limits)
{
	static const char *const units[] = {"(", "$(", "${x:-", "\"$(", "{ ", "if a; then ",
					    "a=(", "$((", "f() { ", "[[ $(", "<(", "\"${x:-\"$("};
	struct shell_tree t;
	struct err e;
	size_t k;
	char *s;

	shell_tree_init(&t);
	/* Over the size cap: rejected before any work. */
	s = repeat("a", 1 << 20, "");
	CHECK_INT(shell_parse(&t, s, 1 << 20, 0, &e), -1);
	CHECK_INT(e.code, ERR_LIMIT);
	CHECK(strstr(e.msg, "limit") != NULL);
	free(s);
	/* 10,000 levels of every nesting form: a clear error, no overflow. */
	for (k = 0; k < ARRAY_SIZE(units); k++) {
		s = repeat(units[k], 10000, "x");
		if (strlen(s) > SHELL_MAX_INPUT)
			s[SHELL_MAX_INPUT] = '\0';
		if (shell_parse(&t, s, strlen(s), 0, &e) == 0)
			t_fail(__FILE__, __LINE__, "10000 x '%s' parsed", units[k]);
		else
			CHECK(e.code == ERR_LIMIT || e.code == ERR_PARSE);
		free(s);
	}
	s = repeat("(", 10000, "");
	CHECK_INT(shell_parse(&t, s, 10000, 0, &e), -1);
	CHECK_INT(e.code, ERR_LIMIT);
	CHECK(strstr(e.msg, "nesting") != NULL);
	free(s);
	/* Balanced but deep is still over the cap. */
	s = xmalloc(20001);
	memset(s, '(', 10000);
	memset(s + 10000, ')', 10000);
	s[10000] = 'a';
	CHECK_INT(shell_parse(&t, s, 20000, 0, &e), -1);
	free(s);
	/* Many small words fit; node cap holds for the worst case. */
	s = repeat("a ", 32000, "");
	CHECK_INT(shell_parse(&t, s, strlen(s), 0, &e), 0);
	free(s);
	s = repeat("$a", 32000, "");
	CHECK_INT(shell_parse(&t, s, strlen(s), 0, &e), 0);
	free(s);
	s = repeat("a;", 32000, "");
	CHECK_INT(shell_parse(&t, s, strlen(s), 0, &e), 0);
	free(s);
	/* NUL bytes and binary. */
	CHECK_INT(shell_parse(&t, "ls\0-la", 6, 0, &e), -1);
	CHECK(strstr(e.msg, "NUL") != NULL);
	CHECK_INT(shell_parse(&t, "\xff\xfe\x01\x02", 4, 0, &e), 0);
	CHECK_INT(shell_parse(&t, NULL, 0, 0, &e), 0);
	CHECK_INT(shell_parse(&t, "", 0, 0, NULL), 0);
	CHECK(t.root && t.root->kind == SHELL_LIST && !t.root->child);
	shell_tree_release(&t);
	shell_tree_release(&t);
}

TEST(shell_words)
{
	struct shell_tree t;
	struct err e;
	const char *src = "X=1 rm -rf \"$HOME\"/a 'b c' *.o ~/d $(id) 2>/dev/null";
	const struct shell_node *n;
	const struct shell_word *w;

	shell_tree_init(&t);
	REQUIRE(shell_parse(&t, src, strlen(src), 0, &e) == 0);
	n = t.root->child;
	REQUIRE(n && n->kind == SHELL_SIMPLE);
	CHECK_INT(n->n_words, 7);
	REQUIRE(n->assigns);
	CHECK(n->assigns->flags & SHELL_W_ASSIGN);
	CHECK_INT(n->assigns->name_len, 1);
	w = n->words;
	CHECK_STR(w->text, "rm");
	CHECK(shell_word_is_literal(w));
	CHECK_INT(w->start, 4);
	CHECK_INT(w->len, 2);
	w = w->next->next;
	CHECK(w->text == NULL);
	CHECK(w->flags & SHELL_W_PARAM);
	CHECK(w->flags & SHELL_W_QUOTED);
	CHECK_INT(w->parts->kind, SHELL_PART_PARAM);
	CHECK_INT(w->parts->quote, SHELL_Q_DOUBLE);
	CHECK_STR(w->parts->text, "HOME");
	CHECK_STR(w->parts->next->text, "/a");
	CHECK_INT(w->start, 11);
	CHECK_INT(w->len, 9);
	w = w->next;
	CHECK_STR(w->text, "b c");
	CHECK(shell_word_is_literal(w));
	w = w->next;
	CHECK_STR(w->text, "*.o");
	CHECK(w->flags & SHELL_W_GLOB);
	CHECK(!shell_word_is_literal(w));
	w = w->next;
	CHECK_STR(w->text, "~/d");
	CHECK(w->flags & SHELL_W_TILDE);
	CHECK_INT(w->parts->kind, SHELL_PART_TILDE);
	w = w->next;
	CHECK(w->flags & SHELL_W_CMDSUB);
	CHECK(w->parts->sub && w->parts->sub->child->kind == SHELL_SIMPLE);
	CHECK_STR(w->parts->sub->child->words->text, "id");
	REQUIRE(n->redirs);
	CHECK_INT(n->redirs->fd, 2);
	CHECK_INT(n->redirs->op, SHELL_REDIR_OUT);
	CHECK_STR(n->redirs->target->text, "/dev/null");
	CHECK_INT(n->start, 0);
	CHECK_INT(n->len, strlen(src));
	shell_tree_release(&t);
}

TEST(shell_one_line)
{
	static const struct {
		const char *src;
		bool one;
	} cases[] = {
		{"ls -la", true},
		{"find . -name '*.py' | xargs wc -l && echo done", true},
		{"for f in *; do echo \"$f\"; done", true},
		{"cat <<EOF\nbody\nEOF\n", true},
		{"ls\n", true},
		{"ls -la\nThis lists the files.", false},
		{"Here is the command:\nls", false},
		{"", false},
		{"# just a comment", false},
	};
	struct shell_tree t;
	struct err e;
	size_t k;

	shell_tree_init(&t);
	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		REQUIRE(shell_parse(&t, cases[k].src, strlen(cases[k].src), 0, &e) == 0);
		if (shell_is_one_line(t.root) != cases[k].one)
			t_fail(__FILE__, __LINE__, "one_line(%s) != %d", cases[k].src, cases[k].one);
	}
	shell_tree_release(&t);
}

static int count_nodes(const struct shell_node *n, void *ctx)
{
	(void)n;
	(*(int *)ctx)++;
	return 0;
}

TEST(shell_walk_and_ok_len)
{
	struct shell_tree t;
	struct err e;
	const char *src = "a $(b | c) <<E; d\nx $(e)\nE\necho \"unterminated";
	int count = 0;

	shell_tree_init(&t);
	/* The walk sees the lists inside substitutions and here-documents. */
	REQUIRE(shell_parse(&t, src, (size_t)(strstr(src, "echo") - src), 0, &e) == 0);
	CHECK_INT(shell_walk(t.root, count_nodes, &count), 0);
	/* list, a, list(b|c), pipeline, b, c, list(e), e, d */
	CHECK_INT(count, 9);
	/* A failure reports how much parsed before it. */
	CHECK_INT(shell_parse(&t, src, strlen(src), 0, &e), -1);
	CHECK(t.incomplete);
	CHECK(t.ok_len > 0 && t.ok_len < strlen(src));
	CHECK(strstr(e.msg, "offset") != NULL);
	shell_tree_release(&t);
}
