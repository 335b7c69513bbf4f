/* test_buf.c: struct buf and shell quoting. */
#include "buf.h"
#include "err.h"
#include "t.h"

#include <errno.h>

TEST(buf_add_and_detach)
{
	struct buf b = BUF_INIT;
	char *s;

	CHECK_STR(buf_str(&b), "");
	buf_adds(&b, "abc");
	buf_addch(&b, '-');
	buf_addf(&b, "%d/%s", 42, "x");
	CHECK_STR(b.s, "abc-42/x");
	CHECK_INT(b.len, 8);
	buf_truncate(&b, 3);
	CHECK_STR(b.s, "abc");
	s = buf_detach(&b);
	CHECK_STR(s, "abc");
	CHECK(b.s == NULL && b.len == 0);
	free(s);
}

TEST(buf_addf_grows_past_initial_capacity)
{
	struct buf b = BUF_INIT;
	char big[5000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_addf(&b, "<%s>", big);
	CHECK_INT(b.len, sizeof(big) + 1);
	CHECK(b.s[0] == '<' && b.s[b.len - 1] == '>' && b.s[b.len] == '\0');
	buf_release(&b);
}

TEST(buf_shquote)
{
	static const struct { const char *in, *out; } cases[] = {
		{"plain", "plain"},
		{"./src/a.py", "./src/a.py"},
		{"", "''"},
		{"two words", "'two words'"},
		{"it's", "'it'\\''s'"},
		{"*.py", "'*.py'"},
		{"$HOME", "'$HOME'"},
		{"~", "'~'"},
		{"a^b", "'a^b'"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;

		buf_add_shquote(&b, cases[i].in);
		CHECK_STR(b.s, cases[i].out);
		buf_release(&b);
	}
}

TEST(err_set_formats_and_returns_minus_one)
{
	struct err e;

	CHECK_INT(err_set(&e, ERR_PARSE, "toml: line %d", 7), -1);
	CHECK_INT(e.code, ERR_PARSE);
	CHECK_STR(e.msg, "toml: line 7");
	err_prefix(&e, "%s", "config.toml");
	CHECK_STR(e.msg, "config.toml: toml: line 7");
	errno = ENOENT;
	err_errno(&e, ERR_IO, "open %s", "x");
	CHECK_STR(e.msg, "open x: No such file or directory");
	CHECK_INT(err_set(NULL, ERR_IO, "ignored"), -1);
}
