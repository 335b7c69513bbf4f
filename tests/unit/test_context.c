/* test_context.c: the directory summary: counts by extension, notable
 * names, the entry cap, unreadable directories. */
#include "t.h"

#include "context.h"
#include "prompt.h"

#include <sys/stat.h>

static void touch(const char *dir, const char *name)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f)
		fclose(f);
}

TEST(context_dir_summary_counts)
{
	char dir[1024], sub[1100];
	struct buf b = BUF_INIT;
	char name[64];

	snprintf(dir, sizeof(dir), "%s/ctx", t_tmpdir());
	REQUIRE(mkdir(dir, 0700) == 0);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "f%d.py", i);
		touch(dir, name);
	}
	touch(dir, "notes.MD");
	touch(dir, "Makefile");
	touch(dir, ".hidden");
	snprintf(sub, sizeof(sub), "%s/.git", dir);
	REQUIRE(mkdir(sub, 0700) == 0);
	snprintf(sub, sizeof(sub), "%s/src", dir);
	REQUIRE(mkdir(sub, 0700) == 0);
	CHECK_INT(context_dir_summary(dir, 1000, 1000, &b), 10);
	CHECK_STR(buf_str(&b), "5 .py, 1 .md, 1 other, 2 dirs; .git, Makefile");

	buf_reset(&b);
	CHECK_INT(context_dir_summary(dir, 1000, 3, &b), 3);
	CHECK(strstr(buf_str(&b), "(first 3 entries)") != NULL);

	buf_reset(&b);
	CHECK_INT(context_dir_summary("/nonexistent/dir", 1000, 1000, &b), 0);
	CHECK_INT(b.len, 0);
	CHECK_INT(context_dir_summary(NULL, 1000, 1000, &b), 0);
	buf_release(&b);
}

TEST(context_facts_go_into_the_request_only)
{
	struct platform plat = {0};
	struct prompt_input in = {&plat, SHELL_BASH, "zip the logs", 12, "/srv/app",
				  "40 .log files; .git"};
	struct prompt p, bare;
	struct err err;

	plat.os = PLAT_LINUX;
	REQUIRE(prompt_build(&p, &in, &err) == 0);
	CHECK_STR(p.m[p.n - 1].content,
		  "(working directory: /srv/app)\n(in it: 40 .log files; .git)\nzip the logs");
	CHECK_INT(p.context_len, strlen(p.m[p.n - 1].content) - strlen("zip the logs"));
	in.cwd = NULL;
	in.facts = NULL;
	REQUIRE(prompt_build(&bare, &in, &err) == 0);
	CHECK_INT(bare.context_len, 0);
	CHECK_STR(bare.m[bare.n - 1].content, "zip the logs");
	/* everything before the request is the same */
	REQUIRE(p.n == bare.n);
	for (size_t i = 0; i + 1 < p.n; i++)
		CHECK_STR(p.m[i].content, bare.m[i].content);
	prompt_release(&p);
	prompt_release(&bare);
}
