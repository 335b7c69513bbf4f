/*
 * platform.h: facts about the machine a command is for.
 *
 * The facts (OS, distro, arch, the user's shell, and whether each tool that
 * differs between userlands is GNU or BSD) are detected once, by probing
 * `tool --version`, and cached in $XDG_CACHE_HOME/caro/platform. A request
 * only re-reads that file and stats the probed binaries to validate it; it
 * never spawns a probe on the hot path.
 *
 * A target chosen with --platform (linux, macos, freebsd) replaces the
 * detected facts with that system's defaults.
 */
#ifndef CARO_PLATFORM_H
#define CARO_PLATFORM_H

#include "common.h"
#include "err.h"

enum plat_os { PLAT_LINUX, PLAT_MACOS, PLAT_FREEBSD, PLAT_OTHER };

/* The tools whose flags differ between GNU and BSD userlands. */
enum plat_tool {
	TOOL_SED,
	TOOL_FIND,
	TOOL_DATE,
	TOOL_STAT,
	TOOL_DU,
	TOOL_PS,
	TOOL_SORT,
	TOOL_GREP,
	TOOL_XARGS,
	TOOL__COUNT
};

enum plat_shell { SHELL_SH, SHELL_BASH, SHELL_ZSH, SHELL_FISH };

struct platform {
	enum plat_os os;
	char distro[64];      /* "debian 12", "macos 14.5", "" when unknown */
	char arch[16];        /* uname -m: x86_64, arm64, aarch64 */
	enum plat_shell shell;
	uint32_t bsd_tools;   /* bit (1u << tool) set: that tool is BSD */
	char pkg[8];          /* apt, dnf, yum, pacman, zypper, apk, brew, pkg */
	char init[12];        /* systemd, launchd, rc, other */
	bool detected;        /* facts come from this machine, not a --platform */
};

/* Fill p with this machine's facts, from the cache when it is valid,
 * probing and rewriting it otherwise. cache_dir may be NULL (no cache).
 * Failing to write the cache is not an error: *warn gets a message (or is
 * left empty) and the facts are still returned. */
int platform_detect(struct platform *p, const char *cache_dir, char *warn, size_t warn_len,
		    struct err *err);

/* Fill p with the defaults of a named target: "linux", "macos", "freebsd".
 * -1 with ERR_USAGE for other names. */
int platform_target(struct platform *p, const char *name, struct err *err);

static inline bool platform_is_bsd(const struct platform *p, enum plat_tool t)
{
	return (p->bsd_tools >> t) & 1u;
}

const char *platform_os_name(enum plat_os os);      /* "linux", "macos", ... */
const char *platform_tool_name(enum plat_tool t);   /* "sed", "find", ... */
const char *platform_shell_name(enum plat_shell s); /* "bash", ... */
int platform_shell_parse(const char *name, enum plat_shell *out);
/* "GNU", "BSD" or "mixed" for the userland as a whole. */
const char *platform_userland(const struct platform *p);

#endif
