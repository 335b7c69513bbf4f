/* test_answer.c: the answer parser on the corpus in tests/data/answers.txt,
 * and the prompt builder. */
#include "t.h"

#include "answer.h"
#include "buf.h"
#include "prompt.h"

/* Decode C escapes (\n \r \t \\ \xNN) of s into b. */
static void unescape(const char *s, size_t n, struct buf *b)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			buf_addch(b, s[i]);
			continue;
		}
		switch (s[++i]) {
		case 'n': buf_addch(b, '\n'); break;
		case 'r': buf_addch(b, '\r'); break;
		case 't': buf_addch(b, '\t'); break;
		case 'x':
			if (i + 2 < n) {
				char hex[3] = {s[i + 1], s[i + 2], 0};

				buf_addch(b, (char)strtol(hex, NULL, 16));
				i += 2;
			}
			break;
		default: buf_addch(b, s[i]); break;
		}
	}
}

struct acase {
	char name[128];
	bool cut, fish, esc;
	struct buf input;
	struct buf expect; /* the command, or "!" + words */
	int line;
};

static void run_case(struct acase *c)
{
	struct answer_opts o = {!c->cut, c->fish ? SHELL_FISH : SHELL_BASH};
	struct buf in = BUF_INIT;
	char *cmd = NULL;
	struct err e = {0, ""};
	int rc;

	if (c->esc)
		unescape(buf_str(&c->input), c->input.len, &in);
	else
		buf_add(&in, buf_str(&c->input), c->input.len);
	rc = answer_parse(in.s ? in.s : "", in.len, &o, &cmd, &e);
	if (c->expect.s[0] == '!') {
		if (rc != -1 || e.code != ERR_DECLINED || !strstr(e.msg, c->expect.s + 1))
			t_fail(__FILE__, __LINE__, "answers.txt:%d %s: want decline '%s', got rc %d '%s' (%s)",
			       c->line, c->name, c->expect.s + 1, rc, cmd ? cmd : "", e.msg);
	} else {
		struct buf want = BUF_INIT;

		unescape(c->expect.s, c->expect.len, &want);
		if (rc != 0 || !str_eq(cmd, buf_str(&want)))
			t_fail(__FILE__, __LINE__, "answers.txt:%d %s: want '%s', got rc %d '%s' (%s)",
			       c->line, c->name, buf_str(&want), rc, cmd ? cmd : "", e.msg);
		buf_release(&want);
	}
	free(cmd);
	buf_release(&in);
}

TEST(answer_corpus)
{
	char *text = t_read_file(t_data("answers.txt"), NULL);
	struct acase c;
	bool in_case = false, have_input = false;
	int lineno = 0, cases = 0;

	REQUIRE(text);
	memset(&c, 0, sizeof(c));
	for (char *p = text, *nl; *p; p = nl + 1) {
		size_t n;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		n = (size_t)(nl - p);
		lineno++;
		if (n >= 4 && strncmp(p, "=== ", 4) == 0) {
			const char *br = memchr(p, '[', n);

			memset(&c, 0, sizeof(c));
			snprintf(c.name, sizeof(c.name), "%.*s", (int)(br ? br - p - 5 : (long)n - 4), p + 4);
			if (br) {
				char flags[64];

				snprintf(flags, sizeof(flags), "%.*s", (int)(nl - br), br);
				c.cut = strstr(flags, "cut") != NULL;
				c.fish = strstr(flags, "fish") != NULL;
				c.esc = strstr(flags, "esc") != NULL;
			}
			c.line = lineno;
			in_case = true;
			have_input = false;
		} else if (in_case && n >= 4 && strncmp(p, "--- ", 4) == 0) {
			buf_add(&c.expect, p + 4, n - 4);
			run_case(&c);
			buf_release(&c.input);
			buf_release(&c.expect);
			in_case = false;
			cases++;
		} else if (in_case) {
			if (have_input)
				buf_addch(&c.input, '\n');
			buf_add(&c.input, p, n);
			have_input = true;
		}
		if (!*nl)
			break;
	}
	CHECK(!in_case);
	CHECK(cases >= 60);
	free(text);
}

TEST(answer_caps_and_edges)
{
	struct answer_opts o = {true, SHELL_BASH};
	struct buf big = BUF_INIT;
	char *cmd = NULL;
	struct err e;

	/* Over the cap: declined without looking further. */
	while (big.len <= ANSWER_MAX_INPUT)
		buf_adds(&big, "ls -la ");
	CHECK(answer_parse(big.s, big.len, &o, &cmd, &e) == -1);
	CHECK_INT(e.code, ERR_DECLINED);
	CHECK(strstr(e.msg, "longer than") != NULL);
	CHECK(cmd == NULL);
	/* Thousands of lines of prose and one command among them. */
	buf_reset(&big);
	for (int i = 0; i < 5000; i++)
		buf_adds(&big, "This line explains something about the command.\n");
	buf_adds(&big, "\n```\nuptime\n```\n");
	CHECK(answer_parse(big.s, big.len, &o, &cmd, &e) == 0);
	CHECK_STR(cmd, "uptime");
	free(cmd);
	/* Many tags and tokens cost one pass, not one pass each. */
	{
		static const char *const junk[] = {"</think>", "<think>a</think>", "<|im_end|>", "<s>"};

		for (size_t j = 0; j < ARRAY_SIZE(junk); j++) {
			buf_reset(&big);
			while (big.len + 64 < ANSWER_MAX_INPUT)
				buf_adds(&big, junk[j]);
			buf_adds(&big, "\nuptime\n");
			while (big.len + 16 < ANSWER_MAX_INPUT)
				buf_adds(&big, junk[j]);
			CHECK(answer_parse(big.s, big.len, &o, &cmd, &e) == 0 || e.code == ERR_DECLINED);
			free(cmd);
			cmd = NULL;
		}
	}
	/* Not NUL-terminated input is fine. */
	CHECK(answer_parse("pwdXXXX", 3, &o, &cmd, &e) == 0);
	CHECK_STR(cmd, "pwd");
	free(cmd);
	buf_release(&big);
}

TEST(answer_one_command)
{
	size_t end = 0;
	struct err e;

	CHECK(answer_is_one_command("ls -la  # x", 11, &end, &e));
	CHECK_INT(end, 6);
	CHECK(answer_is_one_command("a | b && c; d &", 15, NULL, &e));
	CHECK(!answer_is_one_command("a\nb", 3, NULL, &e));
	CHECK(strstr(e.msg, "several") != NULL);
	CHECK(!answer_is_one_command("# only", 6, NULL, &e));
	CHECK(!answer_is_one_command("if true; then", 13, NULL, &e));
	CHECK(strstr(e.msg, "not a complete") != NULL);
}

static bool has_msg(const struct prompt *p, enum prompt_role role, const char *needle)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->m[i].role == role && strstr(p->m[i].content, needle))
			return true;
	return false;
}

TEST(prompt_for_platforms)
{
	struct platform linux_p, mac;
	struct prompt p;
	struct err e;
	struct prompt_input in = {&linux_p, SHELL_BASH, "list files", 10, "/home/u/src", NULL};

	REQUIRE(platform_target(&linux_p, "linux", &e) == 0);
	REQUIRE(platform_target(&mac, "macos", &e) == 0);
	REQUIRE(prompt_build(&p, &in, &e) == 0);
	CHECK(p.n >= 8 && p.n_prefix == p.n - 1);
	CHECK_INT(p.m[0].role, PROMPT_SYSTEM);
	CHECK(strstr(p.m[0].content, "Linux") != NULL);
	CHECK(strstr(p.m[0].content, "GNU sed") != NULL);
	CHECK(strstr(p.m[0].content, "Shell: bash") != NULL);
	CHECK(strstr(p.m[0].content, PROMPT_DECLINE) != NULL);
	CHECK(has_msg(&p, PROMPT_ASSISTANT, "sed -i 's/foo/bar/g' config.txt"));
	CHECK(has_msg(&p, PROMPT_ASSISTANT, "date -d '3 days ago' +%F"));
	CHECK(has_msg(&p, PROMPT_ASSISTANT, PROMPT_DECLINE));
	/* Examples alternate user/assistant; the request is last, with cwd. */
	for (size_t i = 1; i < p.n_prefix; i++)
		CHECK_INT(p.m[i].role, i % 2 ? PROMPT_USER : PROMPT_ASSISTANT);
	CHECK_INT(p.m[p.n - 1].role, PROMPT_USER);
	/* the directory first (a prefix of its own), then the request */
	CHECK_STR(p.m[p.n - 1].content, "(working directory: /home/u/src)\nlist files");
	CHECK_INT(p.context_len, strlen("(working directory: /home/u/src)\n"));
	CHECK(strstr(p.m[0].content, "/home/u/src") == NULL);
	prompt_release(&p);

	in.plat = &mac;
	in.shell = SHELL_FISH;
	in.cwd = NULL;
	REQUIRE(prompt_build(&p, &in, &e) == 0);
	CHECK(strstr(p.m[0].content, "macOS") != NULL);
	CHECK(strstr(p.m[0].content, "BSD sed") != NULL);
	CHECK(strstr(p.m[0].content, "fish syntax") != NULL);
	CHECK(has_msg(&p, PROMPT_ASSISTANT, "sed -i '' 's/foo/bar/g' config.txt"));
	CHECK(has_msg(&p, PROMPT_ASSISTANT, "date -v-3d +%F"));
	CHECK(has_msg(&p, PROMPT_ASSISTANT, "for f in *.log; echo $f; end"));
	CHECK(!has_msg(&p, PROMPT_ASSISTANT, "date -d"));
	CHECK_STR(p.m[p.n - 1].content, "list files");
	prompt_release(&p);

	/* Every example's command for every target parses as one command
	 * (fish ones aside) and is what the answer parser keeps. */
	{
		static const char *const targets[] = {"linux", "macos", "freebsd"};

		for (size_t t = 0; t < ARRAY_SIZE(targets); t++) {
			struct platform pl;
			struct prompt_input pi = {&pl, SHELL_BASH, "x", 1, NULL, NULL};

			REQUIRE(platform_target(&pl, targets[t], &e) == 0);
			REQUIRE(prompt_build(&p, &pi, &e) == 0);
			for (size_t i = 1; i < p.n_prefix; i += 2) {
				struct answer_opts o = {true, SHELL_BASH};
				const char *c = p.m[i + 1].content;
				char *got = NULL;

				if (str_eq(c, PROMPT_DECLINE))
					continue;
				if (answer_parse(c, strlen(c), &o, &got, &e) != 0 || !str_eq(got, c))
					t_fail(__FILE__, __LINE__, "%s example '%s': %s", targets[t], c, e.msg);
				free(got);
			}
			prompt_release(&p);
		}
	}

	in.len = 0;
	CHECK(prompt_build(&p, &in, &e) == -1);
	CHECK_INT(e.code, ERR_USAGE);
	prompt_release(&p);
}
