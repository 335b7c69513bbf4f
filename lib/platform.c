/*
 * platform.c: detect and cache the facts of the machine commands are for.
 *
 * Detection runs `tool --version` for each tool whose flags differ between
 * GNU and BSD, which costs ~10 ms, so its result is cached in
 * <cache_dir>/platform with the path and identity of each probed binary.
 * The cache is valid while the kernel, $PATH, every $PATH directory's
 * mtime and every recorded binary are unchanged: one stat per directory
 * and per tool, no $PATH walk, no process spawned. A binary added to a
 * $PATH directory changes that directory's mtime, so it is noticed too.
 */
#include "platform.h"

#include "buf.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Bump the last number when detection changes, so old facts are redone. */
#define CACHE_MAGIC "caro-platform " CARO_VERSION " 3"
#define PROBE_TIMEOUT_MS 2000
#define CACHE_MAX 16384

static const char *const tool_names[TOOL__COUNT] = {
	"sed", "find", "date", "stat", "du", "ps", "sort", "grep", "xargs",
};

/* Package managers in order of preference, by the binary that marks them. */
static const struct { const char *bin, *name; } pkg_mgrs[] = {
	{"apt-get", "apt"}, {"dnf", "dnf"}, {"yum", "yum"}, {"pacman", "pacman"},
	{"zypper", "zypper"}, {"apk", "apk"}, {"brew", "brew"}, {"pkg", "pkg"},
};

static const char *const os_names[] = {"linux", "macos", "freebsd", "other"};
static const char *const shell_names[] = {"sh", "bash", "zsh", "fish"};

const char *platform_os_name(enum plat_os os) { return os_names[os]; }
const char *platform_tool_name(enum plat_tool t) { return tool_names[t]; }
const char *platform_shell_name(enum plat_shell s) { return shell_names[s]; }

int platform_shell_parse(const char *name, enum plat_shell *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(shell_names); i++) {
		if (str_eq(name, shell_names[i])) {
			*out = (enum plat_shell)i;
			return 0;
		}
	}
	/* Shells that read POSIX sh syntax are treated as sh. */
	if (str_eq(name, "dash") || str_eq(name, "ksh") || str_eq(name, "mksh") ||
	    str_eq(name, "ash") || str_eq(name, "posh")) {
		*out = SHELL_SH;
		return 0;
	}
	return -1;
}

const char *platform_userland(const struct platform *p)
{
	uint32_t all = (1u << TOOL__COUNT) - 1;

	if (p->bsd_tools == 0)
		return "GNU";
	if ((p->bsd_tools & all) == all)
		return "BSD";
	return "mixed";
}

static void set_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

/* The user's shell from $SHELL; bash when unset or unknown. */
static enum plat_shell env_shell(void)
{
	const char *sh = getenv("SHELL");
	const char *base;
	enum plat_shell s;

	if (!sh || !*sh)
		return SHELL_BASH;
	base = strrchr(sh, '/');
	base = base ? base + 1 : sh;
	if (platform_shell_parse(base, &s) != 0)
		return SHELL_BASH;
	return s;
}

int platform_target(struct platform *p, const char *name, struct err *err)
{
	struct utsname u;

	memset(p, 0, sizeof(*p));
	p->shell = env_shell();
	if (uname(&u) == 0)
		set_str(p->arch, sizeof(p->arch), u.machine);
	if (str_eq(name, "linux")) {
		p->os = PLAT_LINUX;
		set_str(p->pkg, sizeof(p->pkg), "apt");
		set_str(p->init, sizeof(p->init), "systemd");
	} else if (str_eq(name, "macos") || str_eq(name, "darwin")) {
		p->os = PLAT_MACOS;
		p->bsd_tools = (1u << TOOL__COUNT) - 1;
		set_str(p->pkg, sizeof(p->pkg), "brew");
		set_str(p->init, sizeof(p->init), "launchd");
	} else if (str_eq(name, "freebsd")) {
		p->os = PLAT_FREEBSD;
		p->bsd_tools = (1u << TOOL__COUNT) - 1;
		set_str(p->pkg, sizeof(p->pkg), "pkg");
		set_str(p->init, sizeof(p->init), "rc");
	} else {
		return err_set(err, ERR_USAGE, "unknown platform '%s' (auto, linux, macos, freebsd)",
			       name ? name : "");
	}
	return 0;
}

/* Resolve a program name through $PATH into path; false when absent. */
static bool which(const char *path_env, const char *prog, char *path, size_t cap)
{
	const char *p = path_env;

	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct stat st;

		if (n > 0 && n + strlen(prog) + 2 <= cap) {
			snprintf(path, cap, "%.*s/%s", (int)n, p, prog);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
				return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run argv with stdin from /dev/null and return the first bytes of its
 * stdout and stderr in out. A probe that hangs is killed after a deadline. */
static int run_probe(char *const argv[], char *out, size_t cap)
{
	posix_spawn_file_actions_t fa;
	int fds[2];
	pid_t pid;
	size_t n = 0;
	long long deadline = now_ms() + PROBE_TIMEOUT_MS;
	int rc, status;

	out[0] = '\0';
	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return -1;
	}
	for (;;) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		long long left = deadline - now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (n + 1 >= cap) {
			char sink[512];

			r = read(fds[0], sink, sizeof(sink));
		} else {
			r = read(fds[0], out + n, cap - 1 - n);
			if (r > 0)
				n += (size_t)r;
		}
		if (r <= 0 && !(r < 0 && errno == EINTR))
			break;
	}
	out[n] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* One line of the facts file: key=value. */
static const char *cache_get(const char *text, const char *key, char *val, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(val, cap, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return val;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The identity of a file as the cache records it. */
/* Decimal digits of v at p; returns the end. snprintf would cost ~2,500
 * instructions a stamp, and every request checks about 20 stamps. */
static char *put_u64(char *p, unsigned long long v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* dev:ino:mtime_s.mtime_ns:size of a file, or "-" when it cannot be
 * stat'ed. cap must hold 5 numbers and 4 separators (at least 96). */
static void file_stamp(const char *path, char *out, size_t cap)
{
	struct stat st;
	char *p = out;
	long ns;

	if (cap < 96 || stat(path, &st) != 0) {
		snprintf(out, cap, "-");
		return;
	}
	/* Nanoseconds (POSIX.1-2008 st_mtim): a file added to a $PATH
	 * directory in the same second must still change its stamp. A time
	 * before 1970 is written as 0: it only has to differ when the file
	 * changes, and such a file does not. */
	p = put_u64(p, (unsigned long long)st.st_dev);
	*p++ = ':';
	p = put_u64(p, (unsigned long long)st.st_ino);
	*p++ = ':';
	p = put_u64(p, st.st_mtim.tv_sec > 0 ? (unsigned long long)st.st_mtim.tv_sec : 0);
	*p++ = '.';
	ns = st.st_mtim.tv_nsec;
	for (long d = 100000000; d > 0; d /= 10)
		*p++ = (char)('0' + (ns / d) % 10);
	*p++ = ':';
	p = put_u64(p, st.st_size > 0 ? (unsigned long long)st.st_size : 0);
	*p = '\0';
}

/* What the cached facts depend on besides the tools: kernel, PATH and each
 * PATH directory's mtime (a binary added to or removed from a directory
 * changes it). */
static void base_key(struct buf *b, const char *path_env, const struct utsname *u)
{
	char stamp[96], path[1024];
	const char *p = path_env;

	buf_addf(b, "uname=%s %s %s\n", u->sysname, u->release, u->machine);
	buf_addf(b, "path=%s\n", path_env);
	buf_adds(b, "dirs=");
	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > 0 && n < sizeof(path)) {
			memcpy(path, p, n);
			path[n] = '\0';
			file_stamp(path, stamp, sizeof(stamp));
			buf_adds(b, stamp);
			buf_addch(b, ';');
		}
		p = end ? end + 1 : NULL;
	}
	buf_addch(b, '\n');
}

/* One line per tool: where $PATH finds it and that file's identity, or
 * "absent". Resolving walks $PATH, so this runs only when probing. */
static void tools_key(struct buf *b, const char *path_env)
{
	char stamp[96], path[1024];

	for (int t = 0; t < TOOL__COUNT; t++) {
		if (which(path_env, tool_names[t], path, sizeof(path))) {
			file_stamp(path, stamp, sizeof(stamp));
			buf_addf(b, "tool.%s=%s|%s\n", tool_names[t], path, stamp);
		} else {
			buf_addf(b, "tool.%s=absent\n", tool_names[t]);
		}
	}
}

/* Check the tool lines at s against the files they name: one stat per
 * tool instead of a $PATH walk. Returns where the facts start, or NULL
 * when a tool line is missing or a binary changed. */
static const char *tools_still_valid(const char *s)
{
	char path[1024], stamp[96];

	for (int t = 0; t < TOOL__COUNT; t++) {
		const char *nl = strchr(s, '\n'), *bar;
		size_t plen = strlen("tool.") + strlen(tool_names[t]) + 1;

		if (!nl || strncmp(s, "tool.", 5) != 0 || strncmp(s + 5, tool_names[t], plen - 6) != 0 ||
		    s[plen - 1] != '=')
			return NULL;
		s += plen;
		if (strncmp(s, "absent\n", 7) != 0) {
			bar = memchr(s, '|', (size_t)(nl - s));
			if (!bar || (size_t)(bar - s) >= sizeof(path))
				return NULL;
			memcpy(path, s, (size_t)(bar - s));
			path[bar - s] = '\0';
			file_stamp(path, stamp, sizeof(stamp));
			if (strlen(stamp) != (size_t)(nl - bar - 1) ||
			    strncmp(stamp, bar + 1, (size_t)(nl - bar - 1)) != 0)
				return NULL;
		}
		s = nl + 1;
	}
	return s;
}

static void read_os_release(char *out, size_t cap)
{
	char text[4096], id[64] = "", ver[64] = "";
	FILE *f = fopen("/etc/os-release", "r");
	size_t n;

	out[0] = '\0';
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	cache_get(text, "ID", id, sizeof(id));
	cache_get(text, "VERSION_ID", ver, sizeof(ver));
	/* Values may be quoted: ID="debian". */
	for (char *s = id; *s; s++)
		if (*s == '"')
			memmove(s, s + 1, strlen(s));
	for (char *s = ver; *s; s++)
		if (*s == '"')
			memmove(s, s + 1, strlen(s));
	snprintf(out, cap, "%s%s%s", id, *ver ? " " : "", ver);
}

/* The slow path: spawn probes to learn this machine's facts. */
static void probe(struct platform *p, const char *path_env, const struct utsname *u)
{
	char path[1024], out[512];

	if (str_eq(u->sysname, "Darwin"))
		platform_target(p, "macos", NULL);
	else if (str_eq(u->sysname, "FreeBSD"))
		platform_target(p, "freebsd", NULL);
	else
		platform_target(p, "linux", NULL);
	if (!str_eq(u->sysname, "Linux") && !str_eq(u->sysname, "Darwin") &&
	    !str_eq(u->sysname, "FreeBSD"))
		p->os = PLAT_OTHER;
	p->detected = true;

	for (int t = 0; t < TOOL__COUNT; t++) {
		char *argv[3];

		if (!which(path_env, tool_names[t], path, sizeof(path)))
			continue;
		argv[0] = path;
		argv[1] = "--version";
		argv[2] = NULL;
		if (run_probe(argv, out, sizeof(out)) != 0)
			continue;
		/* GNU tools, procps (Linux ps), BusyBox and uutils answer
		 * --version and take GNU-style flags; BSD tools reject it. */
		if (strstr(out, "GNU") || strstr(out, "procps") || strstr(out, "BusyBox") ||
		    strstr(out, "uutils"))
			p->bsd_tools &= ~(1u << t);
		else
			p->bsd_tools |= 1u << t;
	}

	if (p->os == PLAT_MACOS) {
		char *argv[] = {"/usr/bin/sw_vers", "-productVersion", NULL};

		if (run_probe(argv, out, sizeof(out)) == 0 && out[0]) {
			out[strcspn(out, "\n")] = '\0';
			snprintf(p->distro, sizeof(p->distro), "macos %s", out);
		}
	} else {
		read_os_release(p->distro, sizeof(p->distro));
	}

	p->pkg[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(pkg_mgrs); i++) {
		if (which(path_env, pkg_mgrs[i].bin, path, sizeof(path))) {
			set_str(p->pkg, sizeof(p->pkg), pkg_mgrs[i].name);
			break;
		}
	}
	if (p->os == PLAT_LINUX) {
		struct stat st;

		set_str(p->init, sizeof(p->init),
			stat("/run/systemd/system", &st) == 0 ? "systemd" : "other");
	}
}

static void facts_format(struct buf *b, const struct platform *p)
{
	buf_addf(b, "os=%s\ndistro=%s\narch=%s\nbsd=%u\npkg=%s\ninit=%s\n",
		 platform_os_name(p->os), p->distro, p->arch, (unsigned)p->bsd_tools, p->pkg,
		 p->init);
}

static int facts_parse(const char *text, struct platform *p)
{
	char v[128];

	if (!cache_get(text, "os", v, sizeof(v)))
		return -1;
	if (platform_target(p, str_eq(v, "other") ? "linux" : v, NULL) != 0)
		return -1;
	if (str_eq(v, "other"))
		p->os = PLAT_OTHER;
	p->detected = true;
	if (cache_get(text, "distro", v, sizeof(v)))
		set_str(p->distro, sizeof(p->distro), v);
	if (cache_get(text, "arch", v, sizeof(v)))
		set_str(p->arch, sizeof(p->arch), v);
	if (!cache_get(text, "bsd", v, sizeof(v)))
		return -1;
	p->bsd_tools = (uint32_t)strtoul(v, NULL, 10) & ((1u << TOOL__COUNT) - 1);
	if (cache_get(text, "pkg", v, sizeof(v)))
		set_str(p->pkg, sizeof(p->pkg), v);
	if (cache_get(text, "init", v, sizeof(v)))
		set_str(p->init, sizeof(p->init), v);
	return 0;
}

/* Read the cache file if it is there and no larger than CACHE_MAX. */
static char *read_small(const char *path)
{
	char *s;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	s = xmalloc(CACHE_MAX + 1);
	n = read(fd, s, CACHE_MAX);
	close(fd);
	if (n <= 0 || n >= CACHE_MAX) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
}

int platform_detect(struct platform *p, const char *cache_dir, char *warn, size_t warn_len,
		    struct err *err)
{
	struct buf key = BUF_INIT, file = BUF_INIT;
	const char *path_env = getenv("PATH");
	char cpath[1024];
	struct utsname u;
	char *cached = NULL;

	UNUSED(err);
	if (warn_len)
		warn[0] = '\0';
	if (!path_env)
		path_env = "/usr/bin:/bin";
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	base_key(&key, path_env, &u);

	if (cache_dir && snprintf(cpath, sizeof(cpath), "%s/platform", cache_dir) <
			     (int)sizeof(cpath)) {
		const char *facts;

		cached = read_small(cpath);
		/* Valid when the kernel, PATH and its directories are as they
		 * were and every probed binary is the same file. */
		if (cached && str_startswith(cached, CACHE_MAGIC "\n") &&
		    strncmp(cached + sizeof(CACHE_MAGIC), key.s, key.len) == 0 &&
		    (facts = tools_still_valid(cached + sizeof(CACHE_MAGIC) + key.len)) &&
		    facts_parse(facts, p) == 0) {
			p->shell = env_shell();
			goto out;
		}
	} else {
		cache_dir = NULL;
	}

	probe(p, path_env, &u);
	p->shell = env_shell();
	if (cache_dir) {
		struct err werr;

		buf_addf(&file, "%s\n%s", CACHE_MAGIC, key.s);
		tools_key(&file, path_env);
		facts_format(&file, p);
		if (file_write_atomic(cpath, file.s, file.len, 0644, 0, &werr) != 0 && warn_len)
			snprintf(warn, warn_len, "%s", werr.msg);
	}
out:
	free(cached);
	buf_release(&key);
	buf_release(&file);
	return 0;
}
