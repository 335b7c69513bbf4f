/* test_platform.c: named targets, detection and the facts cache. */
#include "platform.h"
#include "t.h"

#include <sys/stat.h>
#include <unistd.h>

TEST(platform_targets)
{
	struct platform p;
	struct err e;

	REQUIRE(platform_target(&p, "linux", &e) == 0);
	CHECK(p.os == PLAT_LINUX && p.bsd_tools == 0);
	CHECK_STR(platform_userland(&p), "GNU");
	CHECK_STR(p.pkg, "apt");
	REQUIRE(platform_target(&p, "macos", &e) == 0);
	CHECK(p.os == PLAT_MACOS && platform_is_bsd(&p, TOOL_SED) && platform_is_bsd(&p, TOOL_XARGS));
	CHECK_STR(platform_userland(&p), "BSD");
	CHECK_STR(p.init, "launchd");
	REQUIRE(platform_target(&p, "freebsd", &e) == 0);
	CHECK(p.os == PLAT_FREEBSD && platform_is_bsd(&p, TOOL_DU));
	CHECK(platform_target(&p, "windows", &e) == -1);
	CHECK_INT(e.code, ERR_USAGE);
	CHECK(strstr(e.msg, "windows") != NULL);
}

TEST(platform_shell_names)
{
	enum plat_shell s;

	CHECK(platform_shell_parse("zsh", &s) == 0 && s == SHELL_ZSH);
	CHECK(platform_shell_parse("dash", &s) == 0 && s == SHELL_SH);
	CHECK(platform_shell_parse("tcsh", &s) == -1);
	CHECK_STR(platform_shell_name(SHELL_FISH), "fish");
}

/* A fake PATH whose "sed" claims GNU and whose "date" rejects --version
 * as BSD's does: detection must tell them apart, cache the result, and
 * notice when a binary changes. */
TEST(platform_detect_probes_and_caches)
{
	const char *dir = t_tmpdir();
	char bin[512], cache[512], path[600], old_path[4096], warn[256];
	struct platform p;
	struct err e;
	FILE *f;

	snprintf(bin, sizeof(bin), "%s/bin", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	REQUIRE(mkdir(bin, 0755) == 0 && mkdir(cache, 0755) == 0);
	snprintf(path, sizeof(path), "%s/sed", bin);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("#!/bin/sh\necho 'sed (GNU sed) 4.9'\n", f);
	fclose(f);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/date", bin);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("#!/bin/sh\necho 'date: illegal option -- -' >&2\nexit 1\n", f);
	fclose(f);
	chmod(path, 0755);

	snprintf(old_path, sizeof(old_path), "%s", getenv("PATH") ? getenv("PATH") : "");
	setenv("PATH", bin, 1);
	REQUIRE(platform_detect(&p, cache, warn, sizeof(warn), &e) == 0);
	CHECK(!platform_is_bsd(&p, TOOL_SED));
	CHECK(platform_is_bsd(&p, TOOL_DATE));
	CHECK(p.detected);
	CHECK_STR(warn, "");
	snprintf(path, sizeof(path), "%s/platform", cache);
	CHECK(access(path, R_OK) == 0);

	/* Served from the cache: make the probe lie; the answer must not move. */
	snprintf(path, sizeof(path), "%s/platform", cache);
	{
		char *text = t_read_file(path, NULL);
		CHECK(text && strstr(text, "bsd=") != NULL);
		free(text);
	}
	REQUIRE(platform_detect(&p, cache, warn, sizeof(warn), &e) == 0);
	CHECK(platform_is_bsd(&p, TOOL_DATE));

	/* A changed binary invalidates the cache. */
	snprintf(path, sizeof(path), "%s/date", bin);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("#!/bin/sh\necho 'date (GNU coreutils) 9.1 -- now longer'\n", f);
	fclose(f);
	REQUIRE(platform_detect(&p, cache, warn, sizeof(warn), &e) == 0);
	CHECK(!platform_is_bsd(&p, TOOL_DATE));

	/* A GNU sed installed earlier in $PATH is noticed at once, through
	 * the directory's mtime, though no recorded binary changed. */
	{
		char bin2[520], old_env[4700];

		snprintf(bin2, sizeof(bin2), "%s/bin2", dir);
		REQUIRE(mkdir(bin2, 0755) == 0);
		snprintf(old_env, sizeof(old_env), "%s:%s", bin2, bin);
		setenv("PATH", old_env, 1);
		REQUIRE(platform_detect(&p, cache, warn, sizeof(warn), &e) == 0);
		CHECK(!platform_is_bsd(&p, TOOL_DATE));
		snprintf(path, sizeof(path), "%s/date", bin2);
		f = fopen(path, "w");
		REQUIRE(f);
		fputs("#!/bin/sh\necho 'date: illegal option' >&2\nexit 1\n", f);
		fclose(f);
		chmod(path, 0755);
		REQUIRE(platform_detect(&p, cache, warn, sizeof(warn), &e) == 0);
		CHECK(platform_is_bsd(&p, TOOL_DATE));
		setenv("PATH", bin, 1);
	}

	/* An unwritable cache dir still gives facts, and a warning. */
	REQUIRE(platform_detect(&p, "/nonexistent/caro-cache", warn, sizeof(warn), &e) == 0);
	CHECK(strstr(warn, "cannot write") != NULL);
	setenv("PATH", old_path, 1);
}
