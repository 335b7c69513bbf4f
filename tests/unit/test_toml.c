/* test_toml.c: the TOML subset, its errors and its caps. */
#include "buf.h"
#include "t.h"
#include "toml.h"

#include <math.h>

static int parse(const char *text, struct toml_doc *d, struct err *e)
{
	return toml_parse(text, strlen(text), d, e);
}

TEST(toml_values_and_tables)
{
	const char *text =
		"# caro config\n"
		"backend = \"auto\"   # trailing comment\n"
		"candidates = 3\n"
		"big = 1_000\n"
		"neg = -42\n"
		"[ollama]\n"
		"host = 'http://127.0.0.1:11434'\n"
		"temperature = 0.25\n"
		"[history]\r\n"
		"enabled = false\r\n"
		"[a.b]\n"
		"\"quoted key\" = \"tab\\there \\u00e9\"\n"
		"list = [\n  \"one\", # first\n  'two',\n]\n";
	struct toml_doc d;
	struct err e;
	const struct toml_entry *x;

	REQUIRE(parse(text, &d, &e) == 0);
	CHECK_INT(d.n, 9);
	x = toml_get(&d, "backend");
	REQUIRE(x && x->type == TOML_STRING);
	CHECK_STR(x->s, "auto");
	CHECK_INT(x->line, 2);
	CHECK_INT(x->val_end - x->val_start, 6);
	CHECK(strncmp(text + x->val_start, "\"auto\"", 6) == 0);
	x = toml_get(&d, "big");
	CHECK(x && x->type == TOML_INT && x->i == 1000);
	x = toml_get(&d, "neg");
	CHECK(x && x->i == -42);
	x = toml_get(&d, "ollama.host");
	CHECK(x && str_eq(x->s, "http://127.0.0.1:11434"));
	x = toml_get(&d, "ollama.temperature");
	CHECK(x && x->type == TOML_FLOAT && fabs(x->f - 0.25) < 1e-12);
	x = toml_get(&d, "history.enabled");
	CHECK(x && x->type == TOML_BOOL && !x->b);
	CHECK_INT(x->line, 10);
	x = toml_get(&d, "a.b.quoted key");
	CHECK(x && str_eq(x->s, "tab\there \xc3\xa9"));
	x = toml_get(&d, "a.b.list");
	REQUIRE(x && x->type == TOML_ARRAY && x->n_arr == 2);
	CHECK_STR(x->arr[0], "one");
	CHECK_STR(x->arr[1], "two");
	CHECK_INT(d.n_tables, 3);
	toml_doc_release(&d);
}

TEST(toml_errors_name_the_line)
{
	static const struct { const char *text, *msg; } cases[] = {
		{"a = 1\nb = \n", "line 2: "},
		{"a = \"open\n", "line 1: unterminated string"},
		{"x = 1\nx = 2\n", "line 2: key 'x' defined twice"},
		{"[t]\n[t]\n", "line 2: table [t] defined twice"},
		{"a = 1 2\n", "line 1: unexpected"},
		{"a = {b = 1}\n", "inline tables are not supported"},
		{"[[t]]\n", "arrays of tables are not supported"},
		{"a = \"\"\"x\"\"\"\n", "multi-line strings are not supported"},
		{"a = 1979-05-27\n", "dates and times are not supported"},
		{"a = [1, 2]\n", "arrays may only hold strings"},
		{"a = \"\\q\"\n", "bad escape"},
		{"a = \"\xff\"\n", "invalid UTF-8"},
		{"a = 99999999999999999999\n", "bad integer"},
		{"backend = auto\n", "strings need quotes"},
		{"= 3\n", "expected a key"},
		{"[t\n", "expected ']'"},
		{"a = \"x\" b\n", "unexpected"},
		{"a = [\"x\" \"y\"]\n", "expected ',' or ']'"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct toml_doc d;
		struct err e;

		CHECK(parse(cases[i].text, &d, &e) == -1);
		if (!strstr(e.msg, cases[i].msg))
			t_fail(__FILE__, __LINE__, "case %zu: '%s' lacks '%s'", i, e.msg, cases[i].msg);
		CHECK(d.n == 0 && d.e == NULL);
		toml_doc_release(&d);
	}
}

TEST(toml_rejects_binary_and_huge_input)
{
	struct toml_doc d;
	struct err e;
	char bin[] = "a = 1\n\0b = 2\n";
	char *huge = xmalloc(TOML_MAX_INPUT + 2);

	CHECK(toml_parse(bin, sizeof(bin) - 1, &d, &e) == -1);
	CHECK(strstr(e.msg, "NUL") != NULL);
	memset(huge, '#', TOML_MAX_INPUT + 1);
	CHECK(toml_parse(huge, TOML_MAX_INPUT + 1, &d, &e) == -1);
	CHECK_INT(e.code, ERR_LIMIT);
	free(huge);
}

TEST(toml_quote_round_trips)
{
	const char *vals[] = {"plain", "with \"quotes\" and \\", "tab\tnew\nline", "\x01"};

	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		struct buf b = BUF_INIT;
		struct toml_doc d;
		struct err e;

		buf_adds(&b, "k = ");
		toml_quote(&b, vals[i]);
		buf_addch(&b, '\n');
		REQUIRE(toml_parse(b.s, b.len, &d, &e) == 0);
		CHECK_STR(toml_get(&d, "k")->s, vals[i]);
		toml_doc_release(&d);
		buf_release(&b);
	}
}

/* Found by fuzz_toml: an error message quoted text past the end of an
 * input that is not NUL-terminated. */
TEST(toml_error_snippet_stays_in_bounds)
{
	static const char text[] = "backend = \"auto\"k = \"\n";
	char *exact = xmalloc(sizeof(text) - 1);
	struct toml_doc d;
	struct err e;

	memcpy(exact, text, sizeof(text) - 1);
	CHECK(toml_parse(exact, 17, &d, &e) == -1);
	CHECK(strstr(e.msg, "unexpected 'k' after") != NULL);
	CHECK(toml_parse(exact, sizeof(text) - 1, &d, &e) == -1);
	CHECK(strstr(e.msg, "unexpected 'k = \"'") != NULL);
	free(exact);
}
