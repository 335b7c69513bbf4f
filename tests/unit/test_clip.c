/* test_clip.c: OSC 52 encoding, choosing a clipboard program, running it. */
#include "clip.h"
#include "t.h"

#include <sys/stat.h>

TEST(clip_osc52_base64)
{
	struct buf b = BUF_INIT;

	clip_osc52("", 0, &b);
	CHECK_STR(b.s, "\033]52;c;\a");
	buf_reset(&b);
	clip_osc52("ls -la", 6, &b);
	CHECK_STR(b.s, "\033]52;c;bHMgLWxh\a");
	buf_reset(&b);
	clip_osc52("a", 1, &b);
	CHECK_STR(b.s, "\033]52;c;YQ==\a");
	buf_reset(&b);
	clip_osc52("ab", 2, &b);
	CHECK_STR(b.s, "\033]52;c;YWI=\a");
	buf_reset(&b);
	clip_osc52("echo '\xc3\xa9' \"$X\"\n", 15, &b);
	CHECK_STR(b.s, "\033]52;c;ZWNobyAnw6knICIkWCIK\a");
	buf_release(&b);
}

static void write_tool(const char *dir, const char *name, const char *body)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	REQUIRE(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

struct saved_env {
	char *path, *display, *wayland;
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);

	return v ? xstrdup(v) : NULL;
}

static void restore(const char *name, char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
	free(v);
}

TEST(clip_tool_choice_follows_path_and_display)
{
	struct saved_env s = {dup_env("PATH"), dup_env("DISPLAY"), dup_env("WAYLAND_DISPLAY")};
	char dir[1024], out[1100];
	const struct clip_tool *t;
	struct err e;
	char *got;

	snprintf(dir, sizeof(dir), "%s/clipbin", t_tmpdir());
	mkdir(dir, 0755);
	snprintf(out, sizeof(out), "%s/copied", dir);
	write_tool(dir, "xclip", "exec cat >\"${0%/*}/copied\"");
	write_tool(dir, "wl-copy", "exit 3");
	snprintf(out, sizeof(out), "%s:/usr/bin:/bin", dir);
	setenv("PATH", out, 1);
	snprintf(out, sizeof(out), "%s/copied", dir);
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");
	CHECK(clip_find_tool() == NULL);
	setenv("DISPLAY", "", 1);
	CHECK(clip_find_tool() == NULL);
	setenv("DISPLAY", ":0", 1);
	t = clip_find_tool();
	REQUIRE(t);
	CHECK_STR(t->name, "xclip");
	CHECK_INT(clip_run(t, "ls 'a b'\n", 9, 2000, &e), 0);
	got = t_read_file(out, NULL);
	CHECK_STR(got, "ls 'a b'\n");
	free(got);
	/* Wayland comes first, and a failing program is an error. */
	setenv("WAYLAND_DISPLAY", "wayland-0", 1);
	t = clip_find_tool();
	REQUIRE(t);
	CHECK_STR(t->name, "wl-copy");
	CHECK_INT(clip_run(t, "x", 1, 2000, &e), -1);
	CHECK_INT(e.code, ERR_IO);
	restore("PATH", s.path);
	restore("DISPLAY", s.display);
	restore("WAYLAND_DISPLAY", s.wayland);
}

TEST(clip_run_times_out_and_survives_early_exit)
{
	static const char *const argv_sleep[] = {"sleep", "5", NULL};
	static const char *const argv_true[] = {"true", NULL};
	struct clip_tool slow = {"sleep", NULL, argv_sleep};
	struct clip_tool quick = {"true", NULL, argv_true};
	char *big = xmalloc(1 << 20);
	struct err e;

	CHECK_INT(clip_run(&slow, "x", 1, 50, &e), -1);
	CHECK_INT(e.code, ERR_TIMEOUT);
	/* true exits without reading: no SIGPIPE, an error instead. */
	memset(big, 'x', 1 << 20);
	CHECK_INT(clip_run(&quick, big, 1 << 20, 2000, &e), -1);
	CHECK_INT(e.code, ERR_IO);
	free(big);
}
