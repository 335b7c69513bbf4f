/* test_explain.c: --explain on the commands of tests/data/explain.tsv, for
 * GNU and BSD targets, plus hostile input. */
#include "explain/explain.h"
#include "explain/explain_int.h"
#include "t.h"
#include "tdata.h"

/* Does an item of ex match one expectation (see the data file)? */
static bool expect_one(const struct explain *ex, const char *spec, struct buf *why)
{
	unsigned depth = 0;
	char text[512], frag[512] = "";
	const char *arrow;
	bool unknown = false, mismatch = false;

	while (str_startswith(spec, "\xc2\xbb")) /* » */
		depth++, spec += 2;
	arrow = strstr(spec, " => ");
	if (arrow) {
		size_t fl;

		snprintf(text, sizeof(text), "%.*s", (int)(arrow - spec), spec);
		snprintf(frag, sizeof(frag), "%s", arrow + 4);
		fl = strlen(frag);
		if (fl > 2 && str_eq(frag + fl - 2, " !")) {
			mismatch = true;
			frag[fl - 2] = '\0';
		}
	} else {
		size_t l = strlen(spec);

		if (l < 3 || !str_eq(spec + l - 2, " ?")) {
			buf_addf(why, "bad expectation '%s'", spec);
			return false;
		}
		snprintf(text, sizeof(text), "%.*s", (int)(l - 2), spec);
		unknown = true;
	}
	for (size_t i = 0; i < ex->n; i++) {
		const struct explain_item *it = &ex->items[i];

		if (it->depth != depth || !str_eq(it->text, text))
			continue;
		if (unknown ? !it->known : (strstr(it->what, frag) && it->mismatch == mismatch))
			return true;
	}
	buf_addf(why, "no item [%s%s%s] at depth %u%s", text, arrow ? " => " : " ?", frag, depth,
		 mismatch ? " flagged for another platform" : "");
	return false;
}

static void dump(const struct explain *ex, struct buf *out)
{
	for (size_t i = 0; i < ex->n; i++)
		buf_addf(out, "\n    %u [%s] %s%s%s", ex->items[i].depth, ex->items[i].text,
			 ex->items[i].what, ex->items[i].mismatch ? " (mismatch)" : "",
			 ex->items[i].known ? "" : " (unknown)");
}

TEST(explain_table_cases)
{
	struct tdata t;
	struct buf cmd = BUF_INIT, why = BUF_INIT;
	int cases = 0, gnu = 0, bsd = 0;

	if (!tdata_open(&t, "explain.tsv"))
		return;
	while (tdata_next(&t)) {
		struct platform plat;
		struct explain ex;
		struct err e;

		cases++;
		if (t.n < 3 || platform_target(&plat, t.f[0], &e) != 0) {
			t_fail(__FILE__, __LINE__, "explain.tsv:%d: bad line", t.line);
			continue;
		}
		if (plat.os == PLAT_LINUX)
			gnu++;
		else
			bsd++;
		t_unescape(t.f[1], &cmd);
		{
			struct explain_opts eo = {&plat};

			if (explain_command(cmd.s, cmd.len, &eo, &ex, &e) != 0) {
				t_fail(__FILE__, __LINE__, "explain.tsv:%d: %s: %s", t.line, cmd.s, e.msg);
				explain_release(&ex);
				continue;
			}
		}
		for (int i = 2; i < t.n; i++) {
			buf_reset(&why);
			if (!expect_one(&ex, t.f[i], &why)) {
				dump(&ex, &why);
				t_fail(__FILE__, __LINE__, "explain.tsv:%d: %s (%s): %s", t.line, cmd.s,
				       t.f[0], why.s);
			}
		}
		explain_release(&ex);
	}
	CHECK(cases >= 60);
	CHECK(gnu >= 20 && bsd >= 20);
	tdata_close(&t);
	buf_release(&cmd);
	buf_release(&why);
}

/* The commands of explain_review.tsv are explained: each parses, every
 * item has a text and an explanation, and the first program is known. */
TEST(explain_review_commands)
{
	struct tdata t;
	int cases = 0;

	if (!tdata_open(&t, "explain_review.tsv"))
		return;
	while (tdata_next(&t)) {
		struct platform plat;
		struct explain ex;
		struct err e;
		struct explain_opts eo = {&plat};
		const struct explain_item *prog = NULL;

		cases++;
		if (t.n != 2 || platform_target(&plat, t.f[0], &e) != 0) {
			t_fail(__FILE__, __LINE__, "explain_review.tsv:%d: bad line", t.line);
			continue;
		}
		if (explain_command(t.f[1], strlen(t.f[1]), &eo, &ex, &e) != 0) {
			t_fail(__FILE__, __LINE__, "explain_review.tsv:%d: %s: %s", t.line, t.f[1], e.msg);
			explain_release(&ex);
			continue;
		}
		CHECK(ex.n > 0);
		for (size_t i = 0; i < ex.n; i++) {
			const struct explain_item *it = &ex.items[i];

			if (!it->text[0] || !it->what || !it->what[0])
				t_fail(__FILE__, __LINE__, "explain_review.tsv:%d: %s: item %zu says "
				       "nothing", t.line, t.f[1], i);
			if (!prog && it->kind == EXPLAIN_PROGRAM)
				prog = it;
		}
		if (prog && !prog->known)
			t_fail(__FILE__, __LINE__, "explain_review.tsv:%d: %s: %s is not in the table",
			       t.line, t.f[1], prog->text);
		explain_release(&ex);
	}
	CHECK(cases >= 400);
	tdata_close(&t);
}

TEST(explain_table_is_large_and_consistent)
{
	size_t progs, opts;

	explain_table_size(&progs, &opts);
	CHECK(progs >= 700);
	CHECK(opts >= 3000);
	CHECK(explain_program_what("ls") != NULL);
	CHECK(explain_program_what("no-such-program") == NULL);
}

/* The rows hold names and flags in fixed arrays (no pointers, for start-up
 * time): a name that fills its array has lost its NUL, and C accepts that
 * silently. Argument kinds and texts must be well formed too. */
TEST(explain_table_rows_fit)
{
	for (size_t i = 0; i < explain_n_progs; i++)
		CHECK(memchr(explain_progs[i].name, '\0', sizeof(explain_progs[i].name)) != NULL);
	for (size_t i = 0; i < explain_n_opts; i++) {
		const struct xopt *o = &explain_opts_table[i];

		REQUIRE(memchr(o->prog, '\0', sizeof(o->prog)) != NULL);
		REQUIRE(memchr(o->flag, '\0', sizeof(o->flag)) != NULL);
		REQUIRE(memchr(o->arg, '\0', sizeof(o->arg)) != NULL);
		CHECK(o->prog[0] && o->flag[0]);
		CHECK(explain_opts_what[i] && explain_opts_what[i][0]);
		if (o->arg[0] == '2' || o->arg[0] == '?' || o->arg[0] == '~')
			CHECK(o->arg[1] != '\0');
		/* Sorted by program: find_opt searches them by halves. */
		if (i > 0 && strcmp(explain_opts_table[i - 1].prog, o->prog) > 0) {
			CHECK(!"explain_opts.inc rows out of order");
			break;
		}
	}
}

TEST(explain_refuses_what_does_not_parse)
{
	struct explain ex;
	struct err e;

	CHECK_INT(explain_command("echo 'unterminated", 17, NULL, &ex, &e), -1);
	CHECK_INT(e.code, ERR_PARSE);
	CHECK_INT(ex.n, 0);
	explain_release(&ex);
	CHECK_INT(explain_command("a\0b", 3, NULL, &ex, &e), -1);
	explain_release(&ex);
}

TEST(explain_survives_deep_and_long_input)
{
	struct buf b = BUF_INIT, out = BUF_INIT;
	struct explain ex;
	struct err e;

	/* sh -c inside sh -c, deeper than the nesting cap. */
	buf_adds(&b, "echo x");
	for (int i = 0; i < 8; i++) {
		struct buf q = BUF_INIT;

		buf_adds(&q, "sh -c ");
		buf_add_shquote(&q, b.s);
		buf_reset(&b);
		buf_adds(&b, q.s);
		buf_release(&q);
	}
	REQUIRE(explain_command(b.s, b.len, NULL, &ex, &e) == 0);
	explain_format(&ex, &out);
	CHECK(strstr(out.s, "nested too deeply") != NULL);
	explain_release(&ex);
	/* Many words and many pipes. */
	buf_reset(&b);
	for (int i = 0; i < 3000; i++)
		buf_adds(&b, "ls -la x | ");
	buf_adds(&b, "wc -l");
	if (explain_command(b.s, b.len, NULL, &ex, &e) != 0) {
		t_fail(__FILE__, __LINE__, "%s", e.msg);
		return;
	}
	CHECK(ex.n <= 4200);
	CHECK(str_eq(ex.items[ex.n - 1].text, "..."));
	explain_release(&ex);
	buf_release(&b);
	buf_release(&out);
}

TEST(explain_format_aligns_and_tags)
{
	struct platform plat;
	struct explain ex;
	struct explain_opts eo = {&plat};
	struct buf out = BUF_INIT;
	struct err e;

	REQUIRE(platform_target(&plat, "macos", &e) == 0);
	REQUIRE(explain_command("ls --color=auto", 15, &eo, &ex, &e) == 0);
	explain_format(&ex, &out);
	CHECK(str_startswith(out.s, "  ls                      list directory contents\n"));
	CHECK(strstr(out.s, "  --color=auto            colour the output (always, auto or never) "
		     "[GNU only, not on this system]\n") != NULL);
	CHECK(strstr(out.s, "  platform                not available on this macos system") != NULL);
	explain_release(&ex);
	buf_release(&out);
}

/* Columns, not bytes: a word with accents or wide characters puts its
 * description in the same column as an ASCII word does. */
TEST(explain_format_aligns_by_columns)
{
	struct explain ex;
	struct buf out = BUF_INIT;
	struct err e;
	const char *cmd = "echo h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac";

	REQUIRE(explain_command(cmd, strlen(cmd), NULL, &ex, &e) == 0);
	explain_format(&ex, &out);
	CHECK(strstr(out.s, "  echo                    print its arguments\n") != NULL);
	CHECK(strstr(out.s, "\n  h\xc3\xa9llo                   text to print\n") != NULL);
	CHECK(strstr(out.s, "\n  \xe6\x97\xa5\xe6\x9c\xac                    text to print\n") != NULL);
	explain_release(&ex);
	buf_release(&out);
}

