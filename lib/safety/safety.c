/*
 * safety.c: rate a command by walking its shell tree.
 *
 * The walk follows what a shell would run: every item of every list, every
 * command of every pipeline, the bodies of loops, branches and functions,
 * and the lists inside command and process substitutions and here-document
 * bodies, wherever they appear. For each simple command it resolves the
 * words as far as they are known (earlier NAME=value and cd, $HOME, ~,
 * $(echo x)), peels off wrappers (sudo, env, nice, timeout, xargs,
 * find -exec, sh -c, eval, ssh...), and hands the real command to the
 * rules table in rules.c. Text given to a program as data (echo's
 * arguments, grep's pattern) is never read as code; text given to a
 * program that runs it (sh -c, eval, su -c, ssh, watch, a shell reading a
 * here-document or a pipe from echo) is parsed and checked in turn.
 *
 * Work is bounded: nested code strings at most MAX_NEST deep, for-loops
 * unrolled only within a small budget, resolved words capped in length.
 */
#include "safety/safety_int.h"

#include <ctype.h>
#include <stdarg.h>

#define MAX_NEST 8         /* sh -c 'sh -c "..."' levels */
#define MAX_WORD 4096      /* resolved length of one word */
#define MAX_VARS 32
#define MAX_VAR_VALUE 512
#define MAX_FUNCS 16
#define UNROLL_BUDGET 8    /* for-loop body walks per check */
#define MAX_DEPTH 400      /* tree walk recursion */
#define MAX_ARGV_DEPTH 12  /* commands inside commands: find -exec find..., xargs xargs */
#define AV_STACK 32
#define MAX_BRACE 16       /* alternatives of one {a,b,...} looked at */
#define MAX_DOWNLOADS 4    /* downloaded file names remembered */
#define CALL_BUDGET 8      /* function bodies walked again for calls */
#define MAX_KEPT_TREES 4   /* nested code trees kept for their functions */
#define MAX_SCRIPTS 4      /* files written with static text remembered */
#define MAX_SCRIPT_TEXT 1024
#define MAX_MOUNTS 8       /* a container's bind mounts remembered */
/* In a list value (an array, "$@"), marks an element whose leading ~
 * means $HOME: the flag of one word cannot say it for each element. */
#define HOME_MARK '\x03'
/* After the unknown mark: the unknown text is not empty. */
#define NONEMPTY_MARK "\x04"

struct var {
	char name[32];
	char value[MAX_VAR_VALUE];
	/* The text as assigned, when value is a normalized path that lost
	 * characters a later IFS may split on (rm,-rf,/ became rm,-rf,). */
	char raw[MAX_VAR_VALUE];
	bool known;
	bool home;                  /* value starts with ~ meaning $HOME */
	bool has_raw;
};

struct sctx {
	const struct safety_opts *opts;
	struct safety_verdict *v;
	int nest;                   /* code-string depth */
	/* Spans of reasons found inside a nested code string point at the
	 * word that held the string. */
	bool nested;
	size_t nest_start, nest_len;
	struct env env;
	/* Where cd went: "" unknown (the cwd as given), else a normalized
	 * path ("/", "/etc", "~", "~/x", "./x", "?" for unknown). */
	char cwd[256];
	struct var vars[MAX_VARS];
	size_t n_vars;
	/* The characters unquoted expansions split on: IFS as last
	 * assigned a known value, else the default blanks. */
	char ifs[16];
	char bombs[MAX_FUNCS][32];  /* fork-bomb function names */
	size_t n_bombs;
	/* Functions defined earlier in the command, by name; a call walks
	 * the body again with the call's arguments as $1, $@... Bodies in
	 * nested code are forgotten when that code's tree is released. */
	struct func {
		char name[32];
		const struct shell_node *body;
		bool active;        /* being walked for a call: no recursion */
	} funcs[MAX_FUNCS];
	size_t n_funcs;
	/* Aliases defined earlier: a later command that starts with the
	 * name runs the value with the command's words after it. */
	struct alias {
		char name[32];
		char value[256];
		bool active;
	} aliases[MAX_FUNCS];
	size_t n_aliases;
	int calls;                  /* CALL_BUDGET left */
	/* Trees of nested code (eval '...') that defined functions, kept
	 * until the check ends so that later calls can walk the bodies. */
	struct shell_tree kept[MAX_KEPT_TREES];
	size_t n_kept;
	int unroll;
	/* Files a downloader wrote earlier in the command (curl -o F, wget
	 * URL, curl URL > F), normalized like paths. */
	char downloads[MAX_DOWNLOADS][128];
	size_t n_downloads;
	/* Files written earlier in the command with static text (echo CODE
	 * > F, cat > F <<EOF), normalized like paths: running F later runs
	 * that text. */
	struct script {
		char path[128];
		char text[MAX_SCRIPT_TEXT];
		size_t len;
		bool known;             /* false: written, text not known */
		char copy_of[16];       /* cp /bin/bash FILE: "bash", else "" */
	} scripts[MAX_SCRIPTS];
	size_t n_scripts;
	int n_procsubs;             /* <(...) named /dev/fd/63, 62... */
	int depth;                  /* walk recursion, capped */
	int argv_depth;             /* check_argv recursion, capped */
	/* The highest risk a reason may have: lowered to high for a command
	 * run in a container whose mounts are not known (docker exec), where
	 * the worst it can do is wreck that container and its volumes. */
	enum risk cap;
	/* A command run in a container (docker run IMAGE CMD): its paths
	 * are the container's, and reach the host only through the bind
	 * mounts, so rm -rf /host under -v /:/host is rm -rf / while
	 * rm -rf / alone deletes only the container's own files. */
	struct ctr {
		bool on;
		bool private_rest;  /* paths outside the mounts are the
				       container's own (a new container) */
		bool maybe_args;    /* the command about to be checked may
				       be the arguments of the image's
				       entrypoint (docker run IMAGE WORDS) */
		char host_cwd[256]; /* the cwd outside, for mount sources */
		char root[128];     /* chroot DIR inside it, or "" */
		size_t n;
		struct mnt {
			char dst[128];  /* normalized path inside */
			char src[256];  /* the host path as given */
			bool home;      /* src's ~ means $HOME */
			bool named;     /* a named volume: data, not a host path */
		} m[MAX_MOUNTS];
	} ctr;
};

/* Per-command string storage: a stack buffer, then the heap. */
struct strpool {
	char buf[2048];
	size_t used;
	void *heap[16];
	size_t n_heap;
};

static void walk_list(struct sctx *x, const struct shell_node *n);
static void walk_node(struct sctx *x, const struct shell_node *n, const struct stdin_info *in,
		      int *role);
static void walk_node_at(struct sctx *x, const struct shell_node *n, const struct stdin_info *in,
			 int *role);
static void check_argv(struct sctx *x, struct cmd *c);
static const char *base_name(const char *s);

/* Check the words av[0..n) as a command run by c (find -exec, xargs,
 * parallel): c's environment, no stdin of its own. */
static void check_words(struct sctx *x, const struct cmd *c, struct sword *av, size_t n)
{
	struct cmd sub = *c;

	sub.av = av;
	sub.ac = n;
	sub.in = NULL;
	check_argv(x, &sub);
}

/* ---- small helpers ---------------------------------------------------- */

bool str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return *a == *b;
}

bool str_icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i;

		for (i = 0; i < n && hay[i]; i++)
			if ((hay[i] | 0x20) != (needle[i] | 0x20))
				break;
		if (i == n)
			return true;
	}
	return false;
}

bool safety_prog_in(const char *prog, const char *list)
{
	size_t n = strlen(prog);
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len && p[len - 1] == '*') {
			if (n >= len - 1 && !memcmp(prog, p, len - 1))
				return true;
		} else if (len == n && !memcmp(prog, p, n)) {
			return true;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static void *sp_alloc(struct strpool *sp, size_t n)
{
	void *r;

	n = (n + 7) & ~(size_t)7;
	if (sizeof(sp->buf) - sp->used >= n) {
		r = sp->buf + sp->used;
		sp->used += n;
		return r;
	}
	if (sp->n_heap == ARRAY_SIZE(sp->heap))
		return NULL;
	r = xmalloc(n);
	sp->heap[sp->n_heap++] = r;
	return r;
}

static void sp_release(struct strpool *sp)
{
	while (sp->n_heap)
		free(sp->heap[--sp->n_heap]);
}

/* ---- reasons ---------------------------------------------------------- */

static void add_reason(struct sctx *x, const char *rule, enum risk risk, size_t start, size_t len,
		       const char *msg)
{
	struct safety_verdict *v = x->v;
	struct safety_reason *r;
	size_t k;

	if (x->nested) {
		start = x->nest_start;
		len = x->nest_len;
	}
	if (risk > x->cap)
		risk = x->cap;
	if (risk > v->risk)
		v->risk = risk;
	for (k = 0; k < v->n_reasons; k++) {
		r = &v->reasons[k];
		if (!strcmp(r->rule, rule)) {
			if (risk > r->risk) {
				r->risk = risk;
				snprintf(r->message, sizeof(r->message), "%s", msg);
				r->span_start = start;
				r->span_len = len;
			}
			return;
		}
	}
	if (v->n_reasons == SAFETY_MAX_REASONS) {
		/* Keep the most severe: replace the mildest if milder. */
		size_t low = 0;

		for (k = 1; k < v->n_reasons; k++)
			if (v->reasons[k].risk < v->reasons[low].risk)
				low = k;
		if (v->reasons[low].risk >= risk)
			return;
		r = &v->reasons[low];
	} else {
		r = &v->reasons[v->n_reasons++];
	}
	snprintf(r->rule, sizeof(r->rule), "%s", rule);
	snprintf(r->message, sizeof(r->message), "%s", msg);
	r->risk = risk;
	r->span_start = start;
	r->span_len = len;
}

void safety_add(struct cmd *c, int i, const char *rule, enum risk risk, const char *fmt, ...)
{
	char msg[192];
	va_list ap;
	size_t start, len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i < 0 || (size_t)i >= c->ac)
		i = 0;
	start = c->av[i].span_start;
	len = c->av[i].span_len;
	if (i == 0 && c->ac) {
		/* The whole command: from the program to its last argument. */
		const struct sword *last = &c->av[c->ac - 1];

		if (last->span_start + last->span_len > start)
			len = last->span_start + last->span_len - start;
	}
	add_reason(c->x, rule, risk, start, len, msg);
}

/* ---- paths ------------------------------------------------------------ */

static const char *const system_dirs[] = {
	"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
	"/opt", "/proc", "/sbin", "/srv", "/sys", "/usr", "/usr/bin", "/usr/lib",
	"/usr/lib64", "/usr/libexec", "/usr/local", "/usr/local/bin", "/usr/sbin",
	"/usr/share", "/usr/include", "/var", "/var/lib", "/var/db", "/snap",
	"/nix", "/System", "/Library", "/Applications", "/private", "/private/etc",
	"/private/var", "/cores", "/Volumes", "/mnt", "/media", "/run", "/efi",
	"/System/Library", "/System/Applications", "/Library/Frameworks",
};

/* Where volumes are mounted, and how many levels below make the top of
 * one (/media/USER/LABEL, /run/media/USER/LABEL). */
static const struct {
	const char *dir;
	int levels;
} volume_dirs[] = {
	{"/mnt", 1}, {"/media", 2}, {"/run/media", 2}, {"/Volumes", 1},
};

/* A Windows drive's system dirs, below its mount in WSL (/mnt/c). */
static const char *const windows_system[] = {
	"Windows", "Program Files", "Program Files (x86)", "ProgramData",
};

/* System dirs where software and repository keys get installed. */
static const char *const routine_dirs[] = {"/usr/local", "/opt", "/usr/share/keyrings"};

/* Config dirs below /etc that decide who gets in or what code loads. */
static const char *const sensitive_etc[] = {
	"ssh", "pam.d", "sudoers.d", "security", "selinux", "apparmor.d", "polkit-1",
	"ld.so.conf.d",
};

static const char *const build_dirs[] = {
	"node_modules", "target", "build", "dist", "out", "__pycache__", ".next",
	".nuxt", ".cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox",
	".gradle", ".parcel-cache", ".turbo", ".svelte-kit", ".eggs", "coverage",
	".coverage", "htmlcov", ".angular", ".dart_tool", ".build", "DerivedData",
	"_build", "cmake-build-debug", "cmake-build-release", "tmp", ".terraform",
	".venv", "venv", "bin", "obj", "deps", "zig-cache", "zig-out", ".expo",
};

static const char *const vcs_dirs[] = {".git", ".hg", ".svn", ".bzr", "_darcs", ".fossil"};

static const char *const auth_files[] = {
	"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers",
	"/etc/master.passwd", "/etc/pam.d", "/etc/security", "/private/etc/sudoers",
	"/private/etc/master.passwd", "/etc/sudoers.d", "/etc/login.defs",
};

/* Programs, libraries and dirs without which the system cannot boot,
 * log in or become root: /bin/sh runs every script, sudo and su give
 * root, init starts everything, the dynamic loader and libc run every
 * program, the boot loader and kernel modules boot it. */
static const char *const essential_files[] = {
	"/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash",
	"/usr/bin/sudo", "/bin/su", "/usr/bin/su", "/bin/login", "/usr/bin/login",
	"/sbin/init", "/usr/sbin/init", "/lib/systemd/systemd", "/usr/lib/systemd/systemd",
	"/usr/bin/env", "/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1",
	"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib/libc.so.6", "/usr/lib/dyld",
	"/bin/zsh", "/usr/bin/zsh",
	/* and what booting and installing software rest on */
	"/lib/modules", "/usr/lib/modules", "/boot/efi", "/boot/efi/EFI", "/boot/grub",
	"/boot/grub2", "/var/lib/dpkg", "/var/lib/rpm",
};

/* Items of a home directory that hold keys or run at login: the item and
 * everything below it count as sensitive. The first N_STARTUP are shell
 * start-up files: what is written there runs in every new shell. */
#define N_STARTUP 11
static const char *const sensitive_home[] = {
	".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".zshenv",
	".zlogin", ".bash_login", ".login", ".cshrc", ".tcshrc", ".ssh", ".gnupg",
	".aws", ".kube", ".netrc", ".gitconfig", ".docker", ".password-store",
	".bash_history", ".zsh_history", ".histfile", ".pki", ".azure", ".gcloud",
};

/* Items of a home directory that are disposable (caches, the trash). */
static const char *const disposable_home[] = {
	".Trash", ".cache", ".local/share/Trash", "Library/Caches", ".npm/_cacache",
	".cargo/registry", ".gradle/caches", ".m2/repository",
};

static bool in_list(const char *s, size_t n, const char *const *list, size_t count)
{
	size_t k;

	for (k = 0; k < count; k++)
		if (strlen(list[k]) == n && !memcmp(list[k], s, n))
			return true;
	return false;
}

static bool is_history_name(const char *s, size_t n)
{
	return (n >= 8 && !memcmp(s + n - 8, "_history", 8)) ||
	       (n == 8 && !memcmp(s, ".history", 8)) || (n == 8 && !memcmp(s, ".histfile", 8));
}

static bool is_block_device(const char *name)
{
	static const char *const prefixes[] = {
		"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "rdisk", "md", "dm-",
		"mapper/", "disk/", "loop", "sr", "nbd", "zd", "ada", "da", "nvd", "mem",
		"kmem", "port", "root", "mtd", "ubi", "bcache", "rbd",
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(prefixes); k++)
		if (str_startswith(name, prefixes[k]))
			return true;
	return false;
}

/* Normalize a resolved path into out: an anchor ("~" home, "." cwd,
 * "?" unknown, or nothing for absolute paths) followed by "/component"s
 * with . and .. applied; "/" alone for the root. Relative paths are joined
 * to the cwd from an earlier cd when one is known. */
static void normalize(const char *path, bool home, const char *cwd, char *out, size_t cap)
{
	size_t n = 0, base = 1;
	const char *p = path;

	if (home) {
		out[n++] = '~';
		p++;
	} else if (*p == '/') {
		base = 0;
	} else if (*p == SW_UNKNOWN_CH) {
		out[n++] = '?';
		p++;
	} else if (cwd[0] && strcmp(cwd, ".") != 0) {
		n = strlen(cwd);
		if (n >= cap)
			n = cap - 1;
		memcpy(out, cwd, n);
		if (out[0] == '/') {
			base = 0;
			if (n == 1)
				n = 0;
		}
	} else {
		out[n++] = '.';
	}
	out[n] = '\0';
	while (*p) {
		const char *e;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out, '/');

			if (n > base && slash && strcmp(slash, "/..") != 0) {
				n = (size_t)(slash - out);
			} else if (base == 0) {
				/* /.. is / */
			} else if (out[0] == '~' && n == 1) {
				/* ~/.. holds every home */
				memcpy(out, "/home", 5);
				n = 5;
				base = 0;
			} else if (n + 3 < cap) {
				memcpy(out + n, "/..", 3);
				n += 3;
			}
			out[n] = '\0';
		} else if (n + 1 + len < cap) {
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
			out[n] = '\0';
		}
		p += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
}

/* A last path component that names every entry (or, for the extglob
 * !(x), every entry but a few). */
static bool is_star(const char *c)
{
	size_t n = strlen(c);

	if (n > 3 && c[0] == '!' && c[1] == '(' && c[n - 1] == ')')
		return true;
	return !strcmp(c, "*") || !strcmp(c, ".*") || !strcmp(c, "*.*") || !strcmp(c, "{*,.*}") ||
	       !strcmp(c, ".[!.]*") || !strcmp(c, "**") || !strcmp(c, "[^.]*") || !strcmp(c, "?*");
}

/* Classify a path normalized by normalize(). */
static void classify_norm(const char *norm, struct pinfo *pi)
{
	const char *last = strrchr(norm, '/');
	bool star = last && is_star(last + 1);
	char dir[512];
	const char *q;

	memset(pi, 0, sizeof(*pi));
	if (star) {
		size_t n;

		snprintf(dir, sizeof(dir), "%.*s", (int)(last - norm), norm);
		/* dir/ ** / *: every entry at any depth, all of dir too */
		while ((n = strlen(dir)) >= 3 && !strcmp(dir + n - 3, "/**"))
			dir[n - 3] = '\0';
		if (!dir[0])
			strcpy(dir, "/");
	} else {
		snprintf(dir, sizeof(dir), "%s", norm);
	}
	last = strrchr(dir, '/');
	pi->all = star;
	pi->history = last && is_history_name(last + 1, strlen(last + 1));
	pi->login_keys = last && (!strcmp(last + 1, "authorized_keys") ||
				  !strcmp(last + 1, "authorized_keys2"));
	switch (dir[0]) {
	case '?':
		/* "$X/"* names every entry of / when X is empty. */
		pi->cls = !dir[1] && star ? PC_VAR_ROOT : PC_UNKNOWN;
		return;
	case '~': {
		const char *item = dir + 2, *slash;

		if (!dir[1]) {
			pi->cls = PC_HOME;
			return;
		}
		slash = strchr(item, '/');
		for (size_t k = 0; k < ARRAY_SIZE(disposable_home); k++) {
			size_t n = strlen(disposable_home[k]);

			if (!strncmp(item, disposable_home[k], n) && (!item[n] || item[n] == '/')) {
				pi->cls = PC_BUILD;
				return;
			}
		}
		/* ~/.ssh/known_hosts holds other hosts' public keys: losing
		 * it costs a prompt on the next connection, no secret. */
		if (str_startswith(item, ".ssh/known_hosts")) {
			pi->cls = PC_HOME_DEEP;
			return;
		}
		pi->sensitive = in_list(item, slash ? (size_t)(slash - item) : strlen(item),
					sensitive_home, ARRAY_SIZE(sensitive_home));
		pi->startup = !slash && in_list(item, strlen(item), sensitive_home, N_STARTUP);
		pi->cls = slash && !pi->sensitive ? PC_HOME_DEEP : PC_HOME_ITEM;
		return;
	}
	case '.': {
		const char *name = dir + 2, *ln;
		bool only_ups = dir[1] != '\0';

		if (!dir[1]) {
			pi->cls = PC_CWD;
			return;
		}
		for (q = dir + 1; *q; q += 3)
			if (strncmp(q, "/..", 3) != 0) {
				only_ups = false;
				break;
			}
		if (only_ups) {
			pi->cls = PC_PARENT;
			return;
		}
		ln = strrchr(name, '/');
		ln = ln ? ln + 1 : name;
		if (in_list(ln, strlen(ln), vcs_dirs, ARRAY_SIZE(vcs_dirs)) && !star)
			pi->cls = PC_VCS;
		else if (in_list(ln, strlen(ln), build_dirs, ARRAY_SIZE(build_dirs)))
			pi->cls = PC_BUILD;
		else
			pi->cls = PC_ORDINARY;
		return;
	}
	default:
		break;
	}
	/* Absolute. */
	if (!dir[1]) {
		pi->cls = PC_ROOT;
		return;
	}
	if (!strncmp(dir, "/dev/", 5)) {
		const char *name = dir + 5;

		if (!strcmp(name, "null") || !strcmp(name, "zero") || !strcmp(name, "stdout") ||
		    !strcmp(name, "stderr") || !strcmp(name, "stdin") || !strcmp(name, "tty") ||
		    !strncmp(name, "fd/", 3) || !strcmp(name, "random") || !strcmp(name, "urandom") ||
		    !strncmp(name, "pts/", 4))
			pi->cls = PC_NULLDEV;
		else if (!strncmp(name, "tcp/", 4) || !strncmp(name, "udp/", 4))
			pi->devtcp = true, pi->cls = PC_ORDINARY;
		else if (is_block_device(name))
			pi->cls = PC_DEVICE;
		else
			pi->cls = PC_SYSTEM_FILE;
		return;
	}
	if (!strcmp(dir, "/proc/sysrq-trigger")) {
		pi->sysrq = pi->kernel = true;
		pi->cls = PC_SYSTEM_FILE;
		return;
	}
	if (!strncmp(dir, "/proc/sys/", 10) || !strncmp(dir, "/sys/", 5))
		pi->kernel = true;
	/* WSL mounts Windows drives at /mnt/c: its Users are homes, its
	 * Windows and Program Files system dirs, the drive itself a whole
	 * system. */
	if (!strncmp(dir, "/mnt/", 5) && islower((unsigned char)dir[5]) &&
	    (dir[6] == '\0' || dir[6] == '/')) {
		const char *rest = dir + 6;

		if (!*rest) {
			pi->cls = PC_SYSTEM;
			return;
		}
		if (!strncmp(rest, "/Users", 6) && (rest[6] == '\0' || rest[6] == '/')) {
			char h[600];

			snprintf(h, sizeof(h), "%s%s", rest, star ? "/*" : "");
			classify_norm(h, pi);
			return;
		}
		for (size_t k = 0; k < ARRAY_SIZE(windows_system); k++) {
			size_t n = strlen(windows_system[k]);

			if (!strncmp(rest + 1, windows_system[k], n) &&
			    (rest[1 + n] == '\0' || rest[1 + n] == '/')) {
				pi->cls = rest[1 + n] ? PC_SYSTEM_FILE : PC_SYSTEM;
				return;
			}
		}
	}
	if (!strcmp(dir, "/home") || !strcmp(dir, "/Users") || !strcmp(dir, "/root")) {
		pi->cls = PC_HOME;
		return;
	}
	if (!strncmp(dir, "/home/", 6) || !strncmp(dir, "/Users/", 7)) {
		const char *user = strchr(dir + 1, '/') + 1;
		const char *slash = strchr(user, '/');
		char h[600];

		if (!slash) {
			pi->cls = star ? PC_HOME_ITEM : PC_HOME;
			if (star)
				pi->cls = PC_HOME;
			return;
		}
		/* Classify the rest as relative to that home. */
		snprintf(h, sizeof(h), "~%s%s", slash, star ? "/*" : "");
		classify_norm(h, pi);
		return;
	}
	if (!strncmp(dir, "/root/", 6)) {
		char h[600];

		snprintf(h, sizeof(h), "~%s%s", dir + 5, star ? "/*" : "");
		classify_norm(h, pi);
		return;
	}
	if (!strcmp(dir, "/tmp") || !strcmp(dir, "/var/tmp") || !strcmp(dir, "/private/tmp")) {
		pi->cls = star ? PC_TMP : PC_SYSTEM_FILE;
		return;
	}
	if (!strncmp(dir, "/tmp/", 5) || !strncmp(dir, "/var/tmp/", 9) ||
	    !strncmp(dir, "/private/tmp/", 13)) {
		pi->cls = PC_TMP;
		return;
	}
	/* What lies below /var/cache (apt's downloaded packages, man's
	 * pages) is made again when needed, as ~/.cache is. */
	if (!strncmp(dir, "/var/cache/", 11) && dir[11]) {
		pi->cls = PC_BUILD;
		return;
	}
	for (size_t k = 0; k < ARRAY_SIZE(auth_files); k++) {
		size_t n = strlen(auth_files[k]);

		if (!strncmp(dir, auth_files[k], n) && (dir[n] == '\0' || dir[n] == '/'))
			pi->auth = true;
	}
	if (!star && dir[1] && strchr("bsluv", dir[1]))
		pi->essential = in_list(dir, strlen(dir), essential_files,
					ARRAY_SIZE(essential_files));
	/* On a mounted volume: its top (/mnt/usb) is a whole disk's files,
	 * what lies below it ordinary files. */
	for (size_t k = 0; k < ARRAY_SIZE(volume_dirs); k++) {
		const char *v = volume_dirs[k].dir, *e;
		size_t n = strlen(v);
		int depth = 0;

		if (strncmp(dir, v, n) || dir[n] != '/')
			continue;
		for (e = dir + n; *e; e++)
			depth += *e == '/';
		if (depth > volume_dirs[k].levels) {
			pi->cls = PC_ORDINARY;
			return;
		}
		pi->routine = true;
	}
	for (size_t k = 0; k < ARRAY_SIZE(routine_dirs); k++) {
		size_t n = strlen(routine_dirs[k]);

		if (!strncmp(dir, routine_dirs[k], n) && dir[n] == '/')
			pi->routine = true;
	}
	/* /etc/DIR/FILE: an application's own config, but not that of
	 * logins, sshd or the loader. */
	if (!strncmp(dir, "/etc/", 5) && strchr(dir + 5, '/') && !pi->auth) {
		const char *sub = dir + 5;

		pi->routine = !in_list(sub, strcspn(sub, "/"), sensitive_etc, ARRAY_SIZE(sensitive_etc));
	}
	if (in_list(dir, strlen(dir), system_dirs, ARRAY_SIZE(system_dirs))) {
		pi->cls = PC_SYSTEM;
		return;
	}
	for (size_t k = 0; k < ARRAY_SIZE(system_dirs); k++) {
		size_t n = strlen(system_dirs[k]);

		if (!strncmp(dir, system_dirs[k], n) && dir[n] == '/') {
			pi->cls = PC_SYSTEM_FILE;
			return;
		}
	}
	pi->cls = PC_ORDINARY;
	/* /data, /app, /backup: a top-level dir, often a volume's data. */
	pi->top = !strchr(dir + 1, '/');
}

static void classify_in(const char *path, bool home, bool glob, const char *cwd,
			struct pinfo *pi)
{
	char norm[512];

	if (!*path) {
		memset(pi, 0, sizeof(*pi));
		pi->cls = PC_UNKNOWN;
		return;
	}
	normalize(path, home, cwd, norm, sizeof(norm));
	classify_norm(norm, pi);
	/* "$X/" alone is / itself when X is empty. */
	if (path[0] == SW_UNKNOWN_CH && path[1] == '/' && !path[strspn(path + 1, "/") + 1]) {
		pi->cls = PC_VAR_ROOT;
		pi->all = true;
		return;
	}
	/* /e*c or /[eu]* can name /etc and /usr: a pattern in the first
	 * component below / counts as a system directory. */
	if (glob && norm[0] == '/' && pi->cls < PC_SYSTEM) {
		size_t first = strcspn(norm + 1, "/");

		if (strcspn(norm + 1, "*?[(") < first)
			pi->cls = PC_SYSTEM;
	}
	/* "/$X" is / when X is empty and may be /etc or /usr otherwise;
	 * "/$X/name" may be a file of any system dir. */
	if (norm[0] == '/' && norm[1] == SW_UNKNOWN_CH &&
	    (!norm[2] || norm[2] == '/')) {
		pi->cls = norm[2] && !pi->all ? PC_SYSTEM_FILE : PC_VAR_ROOT;
		if (!norm[2])
			pi->all = true;
		return;
	}
	/* /home/$USER, /Users/$(whoami): a whole home, whoever's (all of
	 * them when the name is empty). */
	if ((!strcmp(norm, "/home/\x01") || !strcmp(norm, "/Users/\x01")) && pi->cls == PC_HOME)
		return;
	/* A path with unknown parts after a known prefix: judge the prefix,
	 * but never as the dir itself. */
	if (strchr(norm, SW_UNKNOWN_CH) && norm[0] != '?') {
		if (pi->cls == PC_ROOT || pi->cls == PC_HOME || pi->cls == PC_SYSTEM)
			pi->cls = pi->cls == PC_ROOT ? PC_ORDINARY :
				  pi->cls == PC_HOME ? PC_HOME_ITEM : PC_SYSTEM_FILE;
		pi->all = false;
	}
}

/* Classify a path named inside a container: through the mount that holds
 * it to the host path; the host's devices and kernel files (a privileged
 * container sees them) as they are; anything else as the container's own
 * (disposable in a new container) or, when the mounts are not known, as
 * the same path would be. */
static void classify_ctr(struct sctx *x, const char *path, bool home, bool glob, struct pinfo *pi)
{
	char in[MAX_WORD + 8], norm[512], rooted[640], host[800];
	const struct mnt *best = NULL;
	size_t k, bl = 0;

	/* Processes in a container run as root: ~ is /root. */
	snprintf(in, sizeof(in), "%s%s", home ? "/root" : "", path + home);
	normalize(in, false, x->cwd, norm, sizeof(norm));
	if (norm[0] == '~') {
		snprintf(rooted, sizeof(rooted), "/root%s", norm + 1);
		normalize(rooted, false, "", norm, sizeof(norm));
	}
	if (norm[0] != '/') {
		/* Below a name or a dir not known statically. */
		memset(pi, 0, sizeof(*pi));
		pi->cls = PC_UNKNOWN;
		return;
	}
	if (x->ctr.root[0]) {
		snprintf(rooted, sizeof(rooted), "%s%s", x->ctr.root, norm);
		normalize(rooted, false, "", norm, sizeof(norm));
	}
	for (k = 0; k < x->ctr.n; k++) {
		const struct mnt *m = &x->ctr.m[k];
		size_t dl = strlen(m->dst);

		if (dl == 1)
			dl = 0; /* a mount on / holds everything */
		if (!strncmp(norm, m->dst, dl) && (norm[dl] == '/' || !norm[dl]) && (!best || dl >= bl))
			best = m, bl = dl;
	}
	if (best && best->named) {
		memset(pi, 0, sizeof(*pi));
		pi->cls = PC_ORDINARY;
		return;
	}
	if (best) {
		snprintf(host, sizeof(host), "%s/%s", best->src, norm + bl);
		classify_in(host, best->home, glob, x->ctr.host_cwd, pi);
		return;
	}
	if (!x->ctr.private_rest || !strncmp(norm, "/dev/", 5) || !strncmp(norm, "/proc/", 6) ||
	    !strncmp(norm, "/sys/", 5)) {
		classify_in(norm, false, glob, "", pi);
		return;
	}
	memset(pi, 0, sizeof(*pi));
	pi->cls = PC_TMP;
}

static void classify_x(struct sctx *x, const char *path, bool home, bool glob, struct pinfo *pi)
{
	if (x->ctr.on && *path)
		classify_ctr(x, path, home, glob, pi);
	else
		classify_in(path, home, glob, x->cwd, pi);
}

void safety_classify_cmd(struct cmd *c, const char *path, bool home, struct pinfo *pi)
{
	classify_x(c->x, path, home, false, pi);
}

const char *safety_path_class(const char *path, const char *cwd)
{
	static const char *const names[] = {
		"unknown", "nulldev", "ordinary", "tmp", "build", "home-deep", "vcs",
		"home-item", "cwd", "parent", "var-root", "system-file", "device", "home",
		"system", "root",
	};
	char norm[512];
	struct pinfo pi;

	norm[0] = '\0';
	if (cwd && *cwd)
		normalize(cwd, cwd[0] == '~', "", norm, sizeof(norm));
	classify_in(path, path[0] == '~', strpbrk(path, "*?[(") != NULL, norm, &pi);
	return (size_t)pi.cls < ARRAY_SIZE(names) ? names[pi.cls] : "?";
}

const struct pinfo *safety_path(struct cmd *c, size_t i)
{
	struct sword *w = &c->av[i];

	if (!w->have_pi) {
		const char *home = c->x->opts->home;
		size_t hl = home ? strlen(home) : 0;
		char tilde[MAX_WORD + 2];

		/* /home/me/x, spelled out, is ~/x. */
		if (hl > 1 && !(w->flags & SW_HOME) && !c->x->ctr.on && !strncmp(w->s, home, hl) &&
		    (w->s[hl] == '/' || !w->s[hl]) && w->len - hl + 2 < sizeof(tilde)) {
			snprintf(tilde, sizeof(tilde), "~%s", w->s + hl);
			classify_in(tilde, true, false, c->x->cwd, &w->pi);
		} else {
			classify_x(c->x, w->s, (w->flags & SW_HOME) != 0, (w->flags & SW_GLOB) != 0,
				   &w->pi);
		}
		if (w->flags & SW_EVERY)
			w->pi.all = true;
		w->have_pi = true;
	}
	return &w->pi;
}

/* ---- resolving words -------------------------------------------------- */

static struct var *var_find(struct sctx *x, const char *name, size_t n)
{
	size_t k;

	for (k = 0; k < x->n_vars; k++)
		if (strlen(x->vars[k].name) == n && !memcmp(x->vars[k].name, name, n))
			return &x->vars[k];
	return NULL;
}

struct rbuf {
	char *s;
	size_t len, cap;
	unsigned flags;
	bool overflow;
};

/* Append s (n bytes); the characters of ifs (NULL: none) become the
 * \x02 field marks of word splitting. */
static void rb_add(struct rbuf *b, const char *s, size_t n, const char *ifs)
{
	size_t k;

	for (k = 0; k < n; k++) {
		char c = s[k];

		if (b->len + 1 >= b->cap) {
			/* Over the cap: the rest is unknown. The last byte marks
			 * it, so the text stays terminated and dynamic. */
			b->overflow = true;
			b->flags |= SW_DYNAMIC;
			if (b->len)
				b->s[b->len - 1] = SW_UNKNOWN_CH;
			b->s[b->len] = '\0';
			return;
		}
		if (ifs && c && strchr(ifs, c))
			c = '\x02';
		b->s[b->len++] = c;
	}
	b->s[b->len] = '\0';
}

static void rb_unknown(struct rbuf *b)
{
	char u = SW_UNKNOWN_CH;

	if (b->len && b->s[b->len - 1] == SW_UNKNOWN_CH)
		return;
	rb_add(b, &u, 1, NULL);
	b->flags |= SW_DYNAMIC;
}

/* Stops the walk at a command whose program is in the class mask *ctx. */
static int visit_class(const struct shell_node *n, void *ctx)
{
	const struct shell_word *w;
	unsigned mask = *(const unsigned *)ctx;

	if (n->kind != SHELL_SIMPLE)
		return 0;
	for (w = n->words; w; w = w->next) {
		const char *base;

		if (!w->text)
			return 0;
		base = strrchr(w->text, '/');
		base = base ? base + 1 : w->text;
		if (safety_prog_class(base) & mask)
			return -1;
		/* Look past wrappers and their options for the program. */
		if (w->text[0] != '-' &&
		    !safety_prog_in(base, "sudo doas env nice nohup timeout command exec time"))
			return 0;
	}
	return 0;
}

static bool subtree_has(const struct shell_node *n, unsigned mask)
{
	return shell_walk(n, visit_class, &mask) < 0;
}

/* The output of echo or printf whose words are all literal, written to
 * buf (cap bytes); NULL for anything else. */
static const char *printf_text(const struct shell_word *fw, char *buf, size_t cap, size_t *len);

static bool unescape(const char *s, char *out, size_t cap, size_t *len);

static const char *echo_text(const struct shell_node *s, char *buf, size_t cap, size_t *len)
{
	const struct shell_word *w;
	const char *prog;
	size_t n = 0, el;
	bool esc = false;

	if (s->kind != SHELL_SIMPLE || !s->words || !s->words->text)
		return NULL;
	prog = s->words->text;
	w = s->words->next;
	if (!strcmp(prog, "echo")) {
		while (w && w->text && (!strcmp(w->text, "-n") || !strcmp(w->text, "-e") ||
					!strcmp(w->text, "-ne") || !strcmp(w->text, "-en"))) {
			esc |= strchr(w->text, 'e') != NULL;
			w = w->next;
		}
	} else if (!strcmp(prog, "printf")) {
		if (!w || !w->text)
			return NULL;
		/* printf 'rm -rf /\n', printf '%s %s\n' rm /. */
		return printf_text(w, buf, cap, len);
	} else {
		return NULL;
	}
	for (; w; w = w->next) {
		/* Static words; ~ and globs keep their characters. */
		if (!w->text || n + w->text_len + 2 > cap)
			return NULL;
		/* echo -e '\x72m': the escapes decoded (never longer). */
		if (esc && strchr(w->text, '\\') && unescape(w->text, buf + n, cap - n, &el)) {
			n += el;
		} else {
			memcpy(buf + n, w->text, w->text_len);
			n += w->text_len;
		}
		if (w->next)
			buf[n++] = ' ';
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* One escape, s just past its backslash: its byte to *v; s is left on
 * its last character. False for one not known. */
static bool esc_char(const char **sp, unsigned *v)
{
	const char *s = *sp;
	int k;

	*v = 0;
	if (*s == 'x') {
		for (k = 0; k < 2 && isxdigit((unsigned char)s[1]); k++, s++)
			*v = *v * 16 + (unsigned)(isdigit((unsigned char)s[1]) ? s[1] - '0' :
						  (tolower((unsigned char)s[1]) - 'a' + 10));
		if (!k)
			return false;
	} else if (*s >= '0' && *s <= '7') {
		/* printf's \NNN; echo -e's \0NNN reads the same here. */
		int more = *s == '0' ? 3 : 2;

		*v = (unsigned)(*s - '0');
		for (k = 0; k < more && s[1] >= '0' && s[1] <= '7'; k++, s++)
			*v = *v * 8 + (unsigned)(s[1] - '0');
	} else if (*s == 'n') {
		*v = '\n';
	} else if (*s == 't') {
		*v = '\t';
	} else if (*s == '\\') {
		*v = '\\';
	} else {
		return false;
	}
	*sp = s;
	return *v <= 255;
}

/* printf's and echo -e's backslash escapes in s (\xHH, \NNN, \n, \t,
 * \\), decoded into out (cap bytes, s no longer than it); false for a
 * format (%) or an escape it does not know, or a NUL. */
static bool unescape(const char *s, char *out, size_t cap, size_t *len)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned v;

		if (n + 1 >= cap || *s == '%')
			return false;
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		s++;
		if (!esc_char(&s, &v) || !v)
			return false;
		out[n++] = (char)v;
	}
	out[n] = '\0';
	*len = n;
	return true;
}

/* Add text s to out (n used of cap), escapes decoded when esc (printf's
 * format, %b); a NUL byte becomes a newline: both end an item for xargs
 * (printf '%s\0' / | xargs -0). False when out of room or for an escape
 * not known. */
static bool printf_add(const char *s, size_t max, bool esc, char *out, size_t cap, size_t *n)
{
	for (; *s && max; s++, max--) {
		unsigned v = (unsigned char)*s;

		if (*n + 2 >= cap)
			return false;
		if (esc && *s == '\\') {
			s++;
			if (!esc_char(&s, &v))
				return false;
		}
		out[(*n)++] = v ? (char)v : '\n';
	}
	return true;
}

/* printf FORMAT ARGS... with static words: what it prints, into buf. The
 * format is used again while arguments remain; %s %b %c %d %i %u %x %o
 * %q (flags and widths read past) and %% are known. NULL otherwise. */
static const char *printf_text(const struct shell_word *fw, char *buf, size_t cap, size_t *len)
{
	const struct shell_word *a = fw->next;
	size_t n = 0;
	bool used;

	if (!fw->text)
		return NULL;
	do {
		const char *p;

		used = false;
		for (p = fw->text; *p; p++) {
			const char *val = "";
			char conv;

			if (*p != '%') {
				size_t run = strcspn(p, "%");

				if (!printf_add(p, run, true, buf, cap, &n))
					return NULL;
				p += run - 1;
				continue;
			}
			p++;
			p += strspn(p, "-+ #0123456789.");
			conv = *p;
			if (conv == '%') {
				if (!printf_add("%", 1, false, buf, cap, &n))
					return NULL;
				continue;
			}
			if (!conv || !strchr("sbcdiuxXoq", conv))
				return NULL;
			if (a) {
				if (!a->text)
					return NULL;
				val = a->text;
				a = a->next;
				used = true;
			}
			if (!printf_add(val, conv == 'c' ? 1 : SIZE_MAX, conv == 'b', buf, cap, &n))
				return NULL;
		}
	} while (used && a);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* printf 'ESCAPED' or echo -e 'ESCAPED' with one literal word: its
 * decoded output ($(printf '\x72\x6d') is rm). NULL otherwise. */
static const char *escaped_text(const struct shell_node *s, char *buf, size_t cap, size_t *len)
{
	const struct shell_word *w = s->words->next;
	const char *prog = s->words->text;

	if (!strcmp(prog, "echo") && w && w->text && !strcmp(w->text, "-e"))
		w = w->next;
	else if (strcmp(prog, "printf") != 0)
		return NULL;
	if (!w || w->next || !shell_word_is_literal(w) || !strchr(w->text, '\\'))
		return NULL;
	if (!unescape(w->text, buf, cap, len))
		return NULL;
	/* echo adds a newline; $( ) strips trailing ones either way. */
	while (*len && buf[*len - 1] == '\n')
		buf[--*len] = '\0';
	return buf;
}

/* dirname or basename of one literal path. */
static const char *path_part(const struct shell_node *s, char *buf, size_t cap, size_t *len)
{
	const struct shell_word *w = s->words->next;
	const char *prog = s->words->text;
	size_t n;

	if ((strcmp(prog, "dirname") && strcmp(prog, "basename")) || !w || w->next ||
	    !shell_word_is_literal(w) || w->text_len + 2 > cap || w->text[0] == '-')
		return NULL;
	memcpy(buf, w->text, w->text_len + 1);
	n = w->text_len;
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	if (!strcmp(prog, "basename")) {
		char *sl = strrchr(buf, '/');

		if (sl && sl[1])
			memmove(buf, sl + 1, strlen(sl + 1) + 1);
	} else {
		char *sl = strrchr(buf, '/');

		if (!sl)
			strcpy(buf, ".");
		else if (sl == buf)
			buf[1] = '\0';
		else
			*sl = '\0';
		/* dirname /a//b is /a */
		n = strlen(buf);
		while (n > 1 && buf[n - 1] == '/')
			buf[--n] = '\0';
	}
	*len = strlen(buf);
	return buf;
}

static const char *cat_here_text(const struct shell_node *c, size_t *len);
static bool xform_node(const struct shell_node *c, const struct stdin_info *in, char *buf,
		       size_t cap, size_t *len, const char **src, size_t *src_len);
static bool decoded_text(const struct shell_node *c, const struct stdin_info *in, char *buf,
			 size_t cap, size_t *len);

/* The output of a pipeline of static text through decoders: echo or
 * printf TEXT, cat <<EOF or base64 -d <<< TEXT first, then base64 -d or
 * cat; written to buf (cap bytes). NULL when any stage is something
 * else. $(echo cm0gLXJmIC8= | base64 -d) is then known to be rm -rf /. */
static const char *pipe_text(const struct shell_node *n, char *buf, size_t cap, size_t *len)
{
	char tmp[1024];
	const struct shell_node *c = n->kind == SHELL_PIPELINE ? n->child : n;
	struct stdin_info in;
	bool have = false;

	memset(&in, 0, sizeof(in));
	for (; c; c = n->kind == SHELL_PIPELINE ? c->next : NULL) {
		const struct shell_redir *r;
		const char *t, *src;
		size_t l, src_len;

		if (c->kind != SHELL_SIMPLE || !c->words || !c->words->text)
			return NULL;
		/* Output sent elsewhere (> F) is not the pipe's. */
		for (r = c->redirs; r; r = r->next)
			if (r->op != SHELL_REDIR_HEREDOC && r->op != SHELL_REDIR_HEREDOC_TAB &&
			    r->op != SHELL_REDIR_HERESTRING)
				return NULL;
		if (decoded_text(c, have ? &in : NULL, tmp, sizeof(tmp), &l) ||
		    xform_node(c, have ? &in : NULL, tmp, sizeof(tmp), &l, &src, &src_len)) {
			t = tmp;
		} else if (have && !strcmp(c->words->text, "cat") && !c->words->next && !c->redirs) {
			continue;
		} else if (!have && ((t = echo_text(c, tmp, sizeof(tmp), &l)) != NULL ||
				     (t = cat_here_text(c, &l)) != NULL)) {
			/* t is the text */
		} else {
			return NULL;
		}
		if (l + 1 > cap)
			return NULL;
		memmove(buf, t, l);
		buf[l] = '\0';
		in.kind = IN_TEXT;
		in.text = buf;
		in.text_len = l;
		have = true;
	}
	*len = in.text_len;
	return have ? buf : NULL;
}

static size_t resolve_word(struct sctx *x, const struct shell_word *w, struct sword *out,
			   size_t max, struct strpool *sp, size_t span_start, size_t span_len);

/* Is there a short option ch among s's literal words (mktemp -t)? */
static bool has_short_word(const struct shell_node *s, char ch)
{
	const struct shell_word *w;

	for (w = s->words->next; w; w = w->next)
		if (w->text && w->text[0] == '-' && w->text[1] != '-' && strchr(w->text + 1, ch))
			return true;
	return false;
}

/* $(echo $HOME), $(realpath ~), $(readlink -f "$D"), $(dirname "$HOME"):
 * one argument known statically (a variable set earlier, $HOME, ~) and
 * what the program prints for it. Literal arguments of echo and dirname
 * are left to echo_text and path_part. NULL otherwise. */
static const char *resolved_arg_text(struct sctx *x, const struct shell_node *s,
				     struct strpool *sp, size_t *len, bool *home)
{
	const char *prog = s->words->text;
	const struct shell_word *a = s->words->next;
	struct sword r[2];
	bool dir = !strcmp(prog, "dirname");
	char *out, *sl;
	size_t n;

	if (!strcmp(prog, "readlink") && a && a->text && safety_prog_in(a->text, "-f -e -m"))
		a = a->next;
	else if (!safety_prog_in(prog, "echo realpath dirname"))
		return NULL;
	if (!a || a->next || ((dir || prog[0] == 'e') && shell_word_is_literal(a)) ||
	    resolve_word(x, a, r, 2, sp, a->start, a->len) != 1 ||
	    (r[0].flags & (SW_DYNAMIC | SW_GLOB)) || !r[0].len || r[0].s[0] == '-')
		return NULL;
	*home = (r[0].flags & SW_HOME) != 0;
	if (!dir) {
		*len = r[0].len;
		return r[0].s;
	}
	if (!(out = sp_alloc(sp, r[0].len + 4)))
		return NULL;
	memcpy(out, r[0].s, r[0].len + 1);
	n = r[0].len;
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	if (*home && !strcmp(out, "~"))
		strcpy(out, "~/..");
	else if (!(sl = strrchr(out, '/')))
		strcpy(out, ".");
	else if (sl == out)
		out[1] = '\0';
	else
		*sl = '\0';
	*len = strlen(out);
	return out;
}

/* The output of $(...) when it is plainly static: echo, printf without
 * formats, printf or echo -e of escapes, pwd, which/command -v, dirname
 * and basename, and static text through base64 -d (pipe_text). NULL
 * otherwise. */
static const char *static_cmdsub(struct sctx *x, const struct shell_node *sub, size_t *len,
				 struct strpool *sp, bool *home)
{
	const struct shell_node *s = sub->child;
	const struct shell_word *w;
	const char *prog, *r;
	char *out;

	*home = false;
	if (s && !s->next && (s->kind == SHELL_PIPELINE || (s->kind == SHELL_SIMPLE && s->redirs))) {
		out = sp_alloc(sp, 1024);
		if (!out || !pipe_text(s, out, 1024, len))
			return NULL;
		while (*len && out[*len - 1] == '\n')
			out[--*len] = '\0';
		return out;
	}
	if (!s || s->next || s->kind != SHELL_SIMPLE || !s->words || s->redirs ||
	    !shell_word_is_literal(s->words))
		return NULL;
	prog = s->words->text;
	/* $(true) prints nothing; $(mktemp [-d]) a new name in /tmp (with
	 * a TEMPLATE and no -t, in the current dir: not known). */
	if (safety_prog_in(prog, "true false :") && !s->words->next) {
		*len = 0;
		return "";
	}
	if (!strcmp(prog, "mktemp")) {
		bool tmp = true;

		for (w = s->words->next; w; w = w->next)
			if (!w->text || (w->text[0] != '-' && !has_short_word(s, 't')) ||
			    (w->text[0] == '-' && !safety_prog_in(w->text, "-d -q -u -t --directory "
									 "--quiet --dry-run --tmpdir") &&
			     !(w->text[1] != '-' && strspn(w->text + 1, "dqut") == strlen(w->text + 1))))
				tmp = false;
		if (tmp) {
			*len = 6;
			return "/tmp/\x01";
		}
	}
	if (!strcmp(prog, "pwd")) {
		*len = strlen(x->cwd[0] ? x->cwd : ".");
		return x->cwd[0] ? x->cwd : ".";
	}
	/* $(which rm), $(command -v rm), $(type -P rm): the program's
	 * path, which runs as the program. */
	w = s->words->next;
	if (w && w->text && ((!strcmp(prog, "command") && !strcmp(w->text, "-v")) ||
			     (!strcmp(prog, "type") && safety_prog_in(w->text, "-P -p"))))
		w = w->next;
	else if (strcmp(prog, "which") != 0)
		w = NULL;
	if (w) {
		if (!shell_word_is_literal(w))
			return NULL;
		*len = w->text_len;
		return w->text;
	}
	if ((r = resolved_arg_text(x, s, sp, len, home)) != NULL)
		return r;
	out = sp_alloc(sp, s->len + 1);
	if (!out)
		return NULL;
	if (path_part(s, out, s->len + 1, len) || escaped_text(s, out, s->len + 1, len))
		return out;
	if (!echo_text(s, out, s->len + 1, len))
		return NULL;
	/* $(echo ~) is the home dir. */
	for (w = s->words->next; w && out[0] == '~'; w = w->next)
		if (w->flags & SHELL_W_TILDE)
			*home = true;
	/* $( ) strips trailing newlines: "$(printf '%s\n' /)" is /. */
	while (*len && out[*len - 1] == '\n')
		out[--*len] = '\0';
	return out;
}

static void note_script(struct sctx *x, const struct sword *t, const char *text, size_t len,
			bool append);
static void resolve_parts(struct sctx *x, const struct shell_part *pt, struct rbuf *b,
			  struct strpool *sp, bool first);

static void store_value(struct sctx *x, struct var *v, const char *s, bool home);

static void resolve_param(struct sctx *x, const struct shell_part *pt, struct rbuf *b,
			  struct strpool *sp, bool first)
{
	bool split = pt->quote == SHELL_Q_NONE;
	struct var *v;

	/* ${!x} with x=HOME: $HOME. */
	if ((pt->pflags & SHELL_P_INDIRECT) && !(pt->pflags & SHELL_P_LENGTH) && !pt->op[0] &&
	    (v = var_find(x, pt->text, pt->text_len)) && v->known && v->value[0] &&
	    strlen(v->value) < 32 && v->value[strspn(v->value, "abcdefghijklmnopqrstuvwxyz"
							"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] == '\0') {
		struct shell_part named = *pt;

		/* One level: the named part is a plain $NAME. */
		named.pflags &= ~SHELL_P_INDIRECT;
		named.text = v->value;
		named.text_len = strlen(v->value);
		resolve_param(x, &named, b, sp, first);
		return;
	}
	if (pt->pflags & (SHELL_P_LENGTH | SHELL_P_INDIRECT)) {
		rb_unknown(b);
		return;
	}
	v = var_find(x, pt->text, pt->text_len);
	if (v) {
		if (!v->known) {
			rb_unknown(b);
		} else {
			if (v->home && first && b->len == 0)
				b->flags |= SW_HOME;
			const char *val = v->value;

			/* A value normalized as a path keeps its raw text for an
			 * IFS that splits on what normalizing dropped. */
			if (split && v->has_raw && strpbrk(v->raw, x->ifs))
				val = v->raw;
			rb_add(b, val, strlen(val), split ? x->ifs : NULL);
		}
		return;
	}
	if (!strcmp(pt->text, "HOME")) {
		if (first && b->len == 0) {
			b->flags |= SW_HOME;
			rb_add(b, "~", 1, NULL);
		} else if (b->len && (b->s[b->len - 1] == ' ' || b->s[b->len - 1] == '=' ||
				      b->s[b->len - 1] == '@')) {
			/* "rm -rf $HOME" given to sh -c: a ~ at a word start
			 * of the inner command reads the same; so does curl's
			 * -d @$HOME/x. */
			rb_add(b, "~", 1, NULL);
		} else {
			rb_unknown(b);
		}
		return;
	}
	if (!strcmp(pt->text, "IFS") && split) {
		/* Unset or default IFS splits like a blank: rm${IFS}-rf. */
		rb_add(b, " ", 1, " ");
		return;
	}
	if (!strcmp(pt->text, "PWD") && first && b->len == 0) {
		rb_add(b, ".", 1, NULL);
		return;
	}
	/* Unknown: ${X:-default} is the default when X is unset; ${X:=d}
	 * also sets X to it. */
	if (pt->arg && safety_prog_in(pt->op, ":- - := =")) {
		size_t from = b->len;
		bool had_home = (b->flags & SW_HOME) != 0;

		resolve_parts(x, pt->arg, b, sp, first);
		if (strchr(pt->op, '=') && !memchr(b->s + from, SW_UNKNOWN_CH, b->len - from) &&
		    b->len - from < MAX_VAR_VALUE && pt->text_len < sizeof(v->name) &&
		    x->n_vars < MAX_VARS) {
			char val[MAX_VAR_VALUE];

			v = &x->vars[x->n_vars++];
			snprintf(v->name, sizeof(v->name), "%.*s", (int)pt->text_len, pt->text);
			snprintf(val, sizeof(val), "%.*s", (int)(b->len - from), b->s + from);
			store_value(x, v, val, !had_home && (b->flags & SW_HOME));
		}
		return;
	}
	rb_unknown(b);
	/* ${X:?} stops the shell when X is empty: "${X:?}/"* cannot be /. */
	if (!strcmp(pt->op, ":?"))
		rb_add(b, NONEMPTY_MARK, 1, NULL);
}

static void resolve_parts(struct sctx *x, const struct shell_part *pt, struct rbuf *b,
			  struct strpool *sp, bool first)
{
	for (; pt; pt = pt->next, first = false) {
		switch (pt->kind) {
		case SHELL_PART_LIT:
			/* An unquoted '(' in a word is an extglob's (the parser
			 * ends words at other ones). */
			if (pt->quote == SHELL_Q_NONE && strpbrk(pt->text, "*?[("))
				b->flags |= SW_GLOB;
			if (pt->quote != SHELL_Q_NONE)
				b->flags |= SW_QUOTED;
			rb_add(b, pt->text, pt->text_len, NULL);
			break;
		case SHELL_PART_TILDE:
			if (b->len == 0 && !pt->text_len) {
				b->flags |= SW_HOME;
				rb_add(b, "~", 1, NULL);
			} else if (!strcmp(pt->text, "root")) {
				rb_add(b, "/root", 5, NULL);
			} else if (b->len == 0) {
				rb_add(b, "/home/", 6, NULL);
				rb_add(b, pt->text, pt->text_len, NULL);
			} else {
				/* ~ after = in dd's of=~/x: keep the marker. */
				rb_add(b, "~", 1, NULL);
				rb_add(b, pt->text, pt->text_len, NULL);
			}
			break;
		case SHELL_PART_PARAM:
			resolve_param(x, pt, b, sp, first);
			break;
		case SHELL_PART_CMDSUB: {
			size_t n;
			bool home;
			const char *s = static_cmdsub(x, pt->sub, &n, sp, &home);

			b->flags |= SW_CMDSUB;
			if (s && home && first && b->len == 0)
				b->flags |= SW_HOME;
			if (subtree_has(pt->sub, PROG_DOWNLOAD))
				b->flags |= SW_DOWNLOAD;
			if (subtree_has(pt->sub, PROG_DECODE))
				b->flags |= SW_DECODED;
			if (s) {
				rb_add(b, s, n, pt->quote == SHELL_Q_NONE ? x->ifs : NULL);
				if (memchr(s, SW_UNKNOWN_CH, n))
					b->flags |= SW_DYNAMIC; /* $(mktemp -d) */
			} else {
				rb_unknown(b);
			}
			break;
		}
		case SHELL_PART_PROCSUB: {
			size_t n;
			bool home;
			const char *s = NULL;

			if (subtree_has(pt->sub, PROG_DOWNLOAD))
				b->flags |= SW_DOWNLOAD;
			if (subtree_has(pt->sub, PROG_DECODE))
				b->flags |= SW_DECODED;
			/* <(echo CODE): a file whose text is known, named as
			 * bash names it, so source <(echo 'rm -rf /') runs
			 * what it holds. */
			if (!strcmp(pt->op, "<") && first && !b->len && !pt->next &&
			    (s = static_cmdsub(x, pt->sub, &n, sp, &home)) != NULL &&
			    !memchr(s, SW_UNKNOWN_CH, n) && x->n_procsubs < 32) {
				char name[16];
				struct sword t;

				memset(&t, 0, sizeof(t));
				t.len = (size_t)snprintf(name, sizeof(name), "/dev/fd/%d",
							 63 - x->n_procsubs++);
				t.s = name;
				note_script(x, &t, s, n, false);
				rb_add(b, name, t.len, NULL);
				break;
			}
			rb_unknown(b);
			break;
		}
		case SHELL_PART_ARITH:
		case SHELL_PART_ARRAY:
			rb_unknown(b);
			break;
		}
	}
}

static size_t split_fields(char *p, unsigned flags, struct sword *out, size_t max,
			   size_t span_start, size_t span_len);

/* The k-th alternative of the brace expansion of s ("/{etc,usr}" -> "/etc",
 * "/usr"), expanding the first {a,b} group only; NULL past the last. */
static char *brace_alt(const char *s, size_t k, struct strpool *sp)
{
	const char *open = NULL, *close = NULL, *p, *a, *end;
	int depth = 0;
	size_t i = 0, plen, slen;
	bool comma = false;
	char *r;

	for (p = s; *p; p++) {
		if (*p == '{') {
			if (depth++ == 0)
				open = p, comma = false;
		} else if (*p == '}' && depth > 0) {
			if (--depth == 0 && comma) {
				close = p;
				break;
			}
		} else if (*p == ',' && depth == 1) {
			comma = true;
		}
	}
	if (!close)
		return NULL;
	/* Find alternative k between the braces, at depth 1. */
	for (a = open + 1, depth = 0, p = a; p <= close; p++) {
		if (p == close || (*p == ',' && depth == 0)) {
			if (i++ == k)
				break;
			a = p + 1;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}') {
			depth--;
		}
	}
	if (p > close)
		return NULL;
	end = p;
	plen = (size_t)(open - s);
	slen = strlen(close + 1);
	r = sp_alloc(sp, plen + (size_t)(end - a) + slen + 1);
	if (!r)
		return NULL;
	memcpy(r, s, plen);
	memcpy(r + plen, a, (size_t)(end - a));
	memcpy(r + plen + (size_t)(end - a), close + 1, slen + 1);
	return r;
}

/* Resolve w into one or more swords (unquoted expansions split, braces
 * expanded). Returns how many were written to out (at most max). */
static size_t resolve_word(struct sctx *x, const struct shell_word *w, struct sword *out,
			   size_t max, struct strpool *sp, size_t span_start, size_t span_len)
{
	struct rbuf b;
	size_t n = 0;

	if (!max)
		return 0;
	if (shell_word_is_literal(w)) {
		out[0].s = w->text;
		out[0].len = w->text_len;
		out[0].flags = (w->flags & SHELL_W_QUOTED) ? SW_QUOTED : 0;
		out[0].span_start = span_start;
		out[0].span_len = span_len;
		out[0].have_pi = false;
		return 1;
	}
	memset(&b, 0, sizeof(b));
	/* A static word's text is no longer than its source; expansions can
	 * make it longer, up to the cap, and so can ~user (/home/user). */
	b.cap = w->flags & (SHELL_W_DYNAMIC | SHELL_W_TILDE) ? MAX_WORD :
								  MIN((size_t)MAX_WORD, w->len + 2);
	b.s = sp_alloc(sp, b.cap);
	if (!b.s) {
		out[0].s = "\x01";
		out[0].len = 1;
		out[0].flags = SW_DYNAMIC;
		out[0].span_start = span_start;
		out[0].span_len = span_len;
		out[0].have_pi = false;
		return 1;
	}
	b.s[0] = '\0';
	resolve_parts(x, w->parts, &b, sp, true);
	if (w->flags & SHELL_W_BRACE) {
		size_t k, got = 0;

		/* /{etc,usr} is two words; each is split in turn. */
		for (k = 0; k < MAX_BRACE && n < max; k++) {
			char *alt = brace_alt(b.s, k, sp);

			if (!alt)
				break;
			got = split_fields(alt, b.flags, out + n, max - n, span_start, span_len);
			n += got;
		}
		if (n)
			return n;
	}
	return split_fields(b.s, b.flags, out, max, span_start, span_len);
}

/* Split at the \x02 markers of unquoted expansions into out; empty fields
 * vanish unless quoted. A field that starts with HOME_MARK is a ~ that
 * means $HOME (an element of an array or of "$@"). */
static size_t split_fields(char *p, unsigned flags, struct sword *out, size_t max,
			   size_t span_start, size_t span_len)
{
	size_t n = 0;
	char *e;

	for (;;) {
		e = strchr(p, '\x02');
		if (e)
			*e = '\0';
		bool home = *p == HOME_MARK;
		char *m;

		/* A mark elsewhere (x"$@") says nothing: the ~ is not first. */
		p += home;
		while ((m = strchr(p, HOME_MARK)) != NULL)
			memmove(m, m + 1, strlen(m));
		if (*p || (!e && n == 0 && (flags & SW_QUOTED))) {
			out[n].s = p;
			out[n].len = strlen(p);
			out[n].flags = flags;
			out[n].span_start = span_start;
			out[n].span_len = span_len;
			out[n].have_pi = false;
			if (n > 0)
				out[n].flags &= ~SW_HOME;
			if (home)
				out[n].flags |= SW_HOME;
			if (++n == max)
				break;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

/* ---- variables and cd ------------------------------------------------- */

/* NAME=(a b c): the value is the elements with the \x02 split marks
 * between them, so "${NAME[@]}" (and, reading more than bash would,
 * any other subscript) gives one word per element. An element that is
 * not known statically leaves the whole array unknown. */
static void set_array(struct sctx *x, struct var *v, const struct shell_word *w,
		      struct strpool *sp)
{
	const struct shell_part *pt;
	const struct shell_word *e;
	size_t n = 0;

	for (pt = w->parts; pt && pt->kind != SHELL_PART_ARRAY; pt = pt->next)
		;
	if (!pt || pt->next)
		return; /* NAME+=( ): the earlier elements are not kept */
	for (e = pt->elems; e; e = e->next) {
		struct sword out[8];
		size_t k, got = resolve_word(x, e, out, ARRAY_SIZE(out), sp, 0, 0);

		for (k = 0; k < got; k++) {
			if (out[k].flags & SW_DYNAMIC)
				return;
			if (n + out[k].len + 3 > sizeof(v->value))
				return;
			if (n)
				v->value[n++] = '\x02';
			if (out[k].flags & SW_HOME)
				v->value[n++] = HOME_MARK;
			memcpy(v->value + n, out[k].s, out[k].len);
			n += out[k].len;
		}
	}
	v->value[n] = '\0';
	v->known = true;
}

static void set_var_value(struct sctx *x, struct var *v, const struct shell_word *w,
			  struct strpool *sp);

static void set_var(struct sctx *x, const struct shell_word *w, struct strpool *sp)
{
	struct var *v;
	size_t nl = w->name_len;
	char namebuf[32];

	if (!nl || nl >= sizeof(namebuf) || w->parts->kind != SHELL_PART_LIT)
		return;
	/* NAME is the start of the word's first, unquoted literal part. */
	memcpy(namebuf, w->parts->text, MIN(nl, w->parts->text_len));
	namebuf[MIN(nl, w->parts->text_len)] = '\0';
	v = var_find(x, namebuf, strlen(namebuf));
	if (!v) {
		if (x->n_vars == MAX_VARS)
			return;
		v = &x->vars[x->n_vars++];
		snprintf(v->name, sizeof(v->name), "%s", namebuf);
	}
	v->known = false;
	v->home = false;
	v->has_raw = false;
	set_var_value(x, v, w, sp);
	/* IFS=, makes later unquoted expansions split at commas. A value
	 * not known statically leaves the default: what it splits on is
	 * anyone's guess. */
	if (!strcmp(v->name, "IFS"))
		snprintf(x->ifs, sizeof(x->ifs), "%s",
			 v->known && strlen(v->value) < sizeof(x->ifs) ? v->value : " \t\n");
}

static void set_var_value(struct sctx *x, struct var *v, const struct shell_word *w,
			  struct strpool *sp)
{
	struct sword sw;
	size_t nl = w->name_len;
	struct shell_word val;

	if (w->flags & SHELL_W_ARRAY) {
		set_array(x, v, w, sp);
		return;
	}
	/* Resolve the value: the word with "NAME=" cut from its first part. */
	val = *w;
	{
		struct shell_part first = *w->parts;
		size_t cut = w->parts->text_len > nl ? nl + 1 : w->parts->text_len;

		if (first.kind != SHELL_PART_LIT)
			return;
		if (cut < first.text_len && first.text[cut - 1] != '=')
			cut++; /* NAME+= */
		first.text += cut;
		first.text_len -= cut;
		val.parts = &first;
		val.flags = w->flags & ~SHELL_W_ASSIGN;
		if (!first.text_len && !first.next) {
			v->known = true;
			v->value[0] = '\0';
			return;
		}
		if (!first.text_len)
			val.parts = first.next;
		val.text = NULL;
		val.flags |= SHELL_W_PARAM; /* force resolution through parts */
		{
			struct sword out[1];
			char ifs[sizeof(x->ifs)];
			size_t got;

			/* x=$(echo 'rm -rf /') keeps its blanks: an
			 * assignment's value is not split into words. */
			memcpy(ifs, x->ifs, sizeof(ifs));
			x->ifs[0] = '\0';
			got = resolve_word(x, &val, out, 1, sp, 0, 0);
			memcpy(x->ifs, ifs, sizeof(ifs));
			if (got != 1)
				return;
			sw = out[0];
		}
	}
	if (sw.flags & SW_DYNAMIC) {
		/* A known prefix still tells a lot ($HOME/x, /tmp/$y). */
		if (sw.s[0] == SW_UNKNOWN_CH)
			return;
	}
	store_value(x, v, sw.s, (sw.flags & SW_HOME) != 0);
}

/* v's value is the text s (home: a leading ~ means $HOME). */
static void store_value(struct sctx *x, struct var *v, const char *s, bool home)
{
	char norm[MAX_VAR_VALUE];

	v->home = false;
	v->has_raw = false;
	if (strpbrk(s, " \t\n") || (x->ifs[0] && strpbrk(s, x->ifs))) {
		/* Several words ("rm -rf /"): each is normalized on its own
		 * when $X is split, so keep the text as it is. */
		snprintf(v->value, sizeof(v->value), "%s", s);
	} else if (strchr(s, '/') || s[0] == '~' || s[0] == '.') {
		normalize(s, home, "", norm, sizeof(norm));
		/* Keep the user's form for plain names; paths normalized. */
		if (norm[0] == '.' && norm[1] == '/')
			memmove(norm, norm + 2, strlen(norm + 2) + 1);
		else if (norm[0] == '.' && !norm[1])
			strcpy(norm, ".");
		snprintf(v->value, sizeof(v->value), "%s", norm);
		v->home = norm[0] == '~';
		if (strcmp(norm, s) != 0 && !home) {
			snprintf(v->raw, sizeof(v->raw), "%s", s);
			v->has_raw = true;
		}
	} else {
		snprintf(v->value, sizeof(v->value), "%s", s);
	}
	v->known = true;
}

/* read NAME... from static text (read -r d <<< /): the first line split
 * at IFS, the last name taking the rest. Returns false when the names or
 * the text are not plain. */
static bool read_static(struct sctx *x, const struct cmd *c, const struct shell_word *assigns)
{
	char line[MAX_VAR_VALUE];
	const char *p, *t = c->in && c->in->kind == IN_TEXT ? c->in->text : NULL;
	const char *ifs = x->ifs[0] ? x->ifs : " \t";
	size_t i = 1, n;

	if (!t)
		return false;
	/* IFS=: read a b: the IFS given to read alone */
	for (; assigns; assigns = assigns->next)
		if (assigns->text && str_startswith(assigns->text, "IFS="))
			ifs = assigns->text[4] ? assigns->text + 4 : " \t";
	while (i < c->ac && c->av[i].s[0] == '-') {
		if (strpbrk(c->av[i].s, "adinNptu") && strcmp(c->av[i].s, "-r") &&
		    strcmp(c->av[i].s, "-s"))
			return false; /* arrays, delimiters, counts: not this */
		i++;
	}
	n = strcspn(t, "\n");
	if (i >= c->ac || n >= sizeof(line))
		return false;
	memcpy(line, t, n);
	line[n] = '\0';
	p = line;
	for (; i < c->ac; i++) {
		struct var *v = var_find(x, c->av[i].s, c->av[i].len);
		char field[MAX_VAR_VALUE];
		size_t f;

		if (!v) {
			if (x->n_vars == MAX_VARS || c->av[i].len >= sizeof(v->name))
				return false;
			v = &x->vars[x->n_vars++];
			snprintf(v->name, sizeof(v->name), "%s", c->av[i].s);
		}
		p += strspn(p, ifs);
		f = i + 1 < c->ac ? strcspn(p, ifs) : strlen(p);
		memcpy(field, p, f);
		field[f] = '\0';
		p += f;
		store_value(x, v, field, false);
	}
	return true;
}

/* Variables whose setting stops the shell from saving its history:
 * any value of HISTFILE (or unsetting it), a size of 0 for the others. */
static const struct {
	const char *name;
	const char *off; /* the value that turns saving off; NULL: any */
} history_vars[] = {
	{"HISTFILE", NULL},
	{"HISTSIZE", "0"},
	{"HISTFILESIZE", "0"},
	{"SAVEHIST", "0"},
};

/* name (n bytes) is assigned value (NULL when unset); true if that stops
 * saving history. */
static bool history_off(const char *name, size_t n, const char *value, size_t vlen)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(history_vars); k++) {
		const char *off = history_vars[k].off;

		if (strlen(history_vars[k].name) != n || memcmp(history_vars[k].name, name, n))
			continue;
		if (!off)
			return true;
		return value && vlen == strlen(off) && !memcmp(value, off, vlen);
	}
	return false;
}

static void check_code_at(struct sctx *x, const char *text, size_t len, size_t span_start,
			  size_t span_len, struct env env);

/* Check text as code run later by whatever reads a variable. Unless
 * all (PROMPT_COMMAND runs at every prompt), only high and critical
 * reasons count: EDITOR=nano names an editor, it runs none. */
static void check_code_min(struct sctx *x, const char *text, size_t len, size_t start,
			   size_t span, enum risk min)
{
	struct safety_verdict *save = x->v, tmp;

	if (min == RISK_SAFE) {
		check_code_at(x, text, len, start, span, x->env);
		return;
	}
	tmp.risk = RISK_SAFE;
	tmp.n_reasons = 0;
	x->v = &tmp;
	check_code_at(x, text, len, start, span, x->env);
	x->v = save;
	for (size_t k = 0; k < tmp.n_reasons; k++)
		if (tmp.reasons[k].risk >= min)
			add_reason(x, tmp.reasons[k].rule, tmp.reasons[k].risk, start, span,
				   tmp.reasons[k].message);
}

static void check_code_serious(struct sctx *x, const char *text, size_t len, size_t start,
			       size_t span, bool all)
{
	check_code_min(x, text, len, start, span, all ? RISK_SAFE : RISK_HIGH);
}

/* An assignment word NAME=value with effects of its own: code in
 * PROMPT_COMMAND, history switched off, PATH emptied. */
static void check_assign(struct sctx *x, const struct shell_word *w)
{
	const struct shell_part *p = w->parts;
	size_t nl = w->name_len;

	if (!nl || p->kind != SHELL_PART_LIT || p->text_len <= nl || p->text[nl] != '=')
		return;
	/* Variables whose value a shell or program runs as a command:
	 * PROMPT_COMMAND before every prompt, GIT_SSH_COMMAND, PAGER,
	 * EDITOR... when the program needs one, LESSOPEN's |CMD. */
	if (w->text) {
		static const char *const code_vars[] = {
			"PROMPT_COMMAND", "GIT_SSH_COMMAND", "GIT_PAGER", "GIT_EDITOR",
			"GIT_SEQUENCE_EDITOR", "GIT_EXTERNAL_DIFF", "PAGER", "MANPAGER", "EDITOR",
			"VISUAL", "LESSOPEN", "LESSCLOSE", "SYSTEMD_PAGER", "SUDO_EDITOR",
		};

		for (size_t k = 0; k < ARRAY_SIZE(code_vars); k++)
			if (strlen(code_vars[k]) == nl && !memcmp(p->text, code_vars[k], nl)) {
				const char *val = w->text + nl + 1;

				val += strspn(val, "|"); /* LESSOPEN='|cmd %s' */
				if (*val)
					check_code_serious(x, val, strlen(val), w->start, w->len, !k);
				break;
			}
	}
	/* Variables that make a program load code at start: bash runs the
	 * file BASH_ENV names (sh -i the file ENV names) after expanding
	 * the value, so $(...) in it runs too; the dynamic loader loads
	 * LD_PRELOAD's libraries into every program. ENV=production is a
	 * common setting of something else: only a path or an expansion
	 * counts there. */
	if (w->text) {
		static const struct {
			const char *name;
			const char *what;
		} load_vars[] = {
			{"BASH_ENV", "bash runs at start the file"},
			{"ENV", "an interactive sh runs at start the file"},
			{"LD_PRELOAD", "every program started loads the library"},
			{"LD_AUDIT", "every program started loads the library"},
		};
		const char *val = w->text + nl + 1;
		char msg[192];

		for (size_t k = 0; k < ARRAY_SIZE(load_vars); k++) {
			if (strlen(load_vars[k].name) != nl || memcmp(p->text, load_vars[k].name, nl) ||
			    !*val || (k == 1 && !strpbrk(val, "/$`")))
				continue;
			snprintf(msg, sizeof(msg), "%s %s", load_vars[k].what, val);
			add_reason(x, "load-code", RISK_MODERATE, w->start, w->len, msg);
			if (k < 2 && strpbrk(val, "$`")) {
				char buf[512];
				int bl = snprintf(buf, sizeof(buf), ": %s", val);

				if (bl > 0 && (size_t)bl < sizeof(buf))
					check_code_at(x, buf, (size_t)bl, w->start, w->len, x->env);
				add_reason(x, "load-code", RISK_HIGH, w->start, w->len,
					   "hides a command in a variable the shell expands at start");
			}
			break;
		}
	}
	if (history_off(p->text, nl, p->next ? "" : p->text + nl + 1,
			p->next ? 0 : p->text_len - nl - 1))
		add_reason(x, "history-off", RISK_MODERATE, w->start, w->len,
			   "stops saving shell history");
	/* PATH= or PATH=/somewhere with no bin dir and no $PATH: the shell
	 * stops finding its commands. */
	if (nl == 4 && !memcmp(p->text, "PATH", 4) && !p->next &&
	    !strstr(p->text + 5, "bin"))
		add_reason(x, "path-reset", RISK_MODERATE, w->start, w->len,
			   "empties or replaces PATH: the shell no longer finds its commands");
}

/* env's NAME=value word, resolved to static text: checked as the same
 * assignment before a command would be. */
static void check_env_assign(struct sctx *x, const struct sword *a)
{
	struct shell_part p;
	struct shell_word w;

	memset(&p, 0, sizeof(p));
	memset(&w, 0, sizeof(w));
	p.kind = SHELL_PART_LIT;
	p.text = a->s;
	p.text_len = a->len;
	p.start = a->span_start;
	p.len = a->span_len;
	w.start = a->span_start;
	w.len = a->span_len;
	w.text = a->s;
	w.text_len = a->len;
	w.flags = SHELL_W_ASSIGN;
	w.name_len = (size_t)(strchr(a->s, '=') - a->s);
	w.parts = &p;
	check_assign(x, &w);
}

static void forget_var(struct sctx *x, const char *name, size_t n)
{
	struct var *v = var_find(x, name, n);

	if (v)
		v->known = false;
	if (n == 3 && !memcmp(name, "IFS", 3))
		strcpy(x->ifs, " \t\n"); /* unset IFS splits like the default */
}

static void do_cd(struct sctx *x, struct cmd *c)
{
	char norm[256];
	int i = cmd_operand(c, 0);

	if (i < 0) {
		strcpy(x->cwd, "~");
		return;
	}
	if (c->av[i].flags & SW_DYNAMIC || !strcmp(c->av[i].s, "-")) {
		const char *s = c->av[i].s, *u = strchr(s, SW_UNKNOWN_CH);

		/* cd "$(mktemp -d)", cd /tmp/$X: somewhere below /tmp. */
		if (u && u > s && u[-1] == '/' && !strchr(u + 1, '/') &&
		    (str_startswith(s, "/tmp/") || str_startswith(s, "/var/tmp/")) &&
		    (size_t)(u - s) + 2 < sizeof(x->cwd) && !memchr(s, '.', (size_t)(u - s))) {
			memcpy(x->cwd, s, (size_t)(u - s));
			strcpy(x->cwd + (u - s), "?");
			return;
		}
		strcpy(x->cwd, "?");
		return;
	}
	normalize(c->av[i].s, (c->av[i].flags & SW_HOME) != 0, x->cwd, norm, sizeof(norm));
	snprintf(x->cwd, sizeof(x->cwd), "%s", norm);
}

/* ---- argument helpers ------------------------------------------------- */

bool cmd_has_short(const struct cmd *c, char opt)
{
	size_t i;

	/* With an option table, a letter inside another option's value
	 * (perl -MFile::Path, curl -o file) is no option. */
	if (c->opt) {
		struct optit it = OPTIT_INIT;
		struct opt o;

		while (opt_next(c, &it, &o))
			if (o.letter == opt)
				return true;
		return false;
	}
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "--"))
			break;
		if (s[0] == '-' && s[1] != '-' && strchr(s + 1, opt))
			return true;
	}
	return false;
}

bool cmd_has_long(const struct cmd *c, const char *opt)
{
	size_t i, n = strlen(opt);

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "--"))
			break;
		if (!strncmp(s, opt, n) && (s[n] == '\0' || s[n] == '='))
			return true;
	}
	return false;
}

bool cmd_has_arg(const struct cmd *c, const char *arg)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (!strcmp(c->av[i].s, arg))
			return true;
	return false;
}

bool opt_takes_next(const struct optspec *o, const char *s)
{
	size_t k;

	if (!o || s[0] != '-' || !s[1] || !strcmp(s, "--"))
		return false;
	if (s[1] == '-' || o->dash_long) {
		const char *name = s + (s[1] == '-' ? 2 : 1);

		return !strchr(name, '=') && *name && safety_prog_in(name, o->longs);
	}
	/* A cluster: the first letter that takes a value takes the rest of
	 * the word, or the next word when it is last. */
	for (k = 1; s[k]; k++)
		if (strchr(o->shorts, s[k]))
			return !s[k + 1];
	return false;
}

bool opt_next(const struct cmd *c, struct optit *it, struct opt *o)
{
	const struct optspec *os = c->opt;

	while (!it->done && it->i < c->ac) {
		const char *s = c->av[it->i].s;
		char ch;

		memset(o, 0, sizeof(*o));
		o->i = it->i;
		if (it->k == 0) {
			if (!strcmp(s, "--")) {
				it->done = true;
				it->i++;
				break;
			}
			if (s[0] != '-' || !s[1]) {
				if (it->stop) {
					it->done = true;
					break;
				}
				it->i++;
				continue;
			}
			if (s[1] == '-' || (os && os->dash_long)) {
				const char *eq;

				o->name = s + (s[1] == '-' ? 2 : 1);
				eq = strchr(o->name, '=');
				o->name_len = eq ? (size_t)(eq - o->name) : strlen(o->name);
				if (eq) {
					o->val = eq + 1;
					o->val_i = it->i;
				} else if (opt_takes_next(os, s) && it->i + 1 < c->ac) {
					o->val = c->av[++it->i].s;
					o->val_i = it->i;
				}
				it->i++;
				return true;
			}
			it->k = 1;
		}
		ch = s[it->k];
		if (!ch) {
			it->k = 0;
			it->i++;
			continue;
		}
		o->letter = ch;
		if (os && strchr(os->shorts, ch)) {
			if (s[it->k + 1]) {
				o->val = s + it->k + 1;
				o->val_i = it->i;
			} else if (it->i + 1 < c->ac) {
				o->val = c->av[++it->i].s;
				o->val_i = it->i;
			}
			it->k = 0;
			it->i++;
			return true;
		}
		it->k++;
		return true;
	}
	return false;
}

bool opt_is(const struct opt *o, char ch, const char *name)
{
	if (ch && o->letter == ch)
		return true;
	return name && o->name && strlen(name) == o->name_len &&
	       !memcmp(o->name, name, o->name_len);
}

int cmd_operand(const struct cmd *c, int nth)
{
	size_t i;
	bool opts = true;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (opts && !strcmp(s, "--")) {
			opts = false;
			continue;
		}
		if (opts && s[0] == '-' && s[1]) {
			if (opt_takes_next(c->opt, s))
				i++;
			continue;
		}
		if (nth-- == 0)
			return (int)i;
	}
	return -1;
}

/* ---- nested code ------------------------------------------------------ */

static void check_tree_text(struct sctx *x, const char *text, size_t len);

void safety_check_code(struct cmd *c, const char *text, size_t len, size_t i, struct env env)
{
	const struct sword *w = &c->av[i < c->ac ? i : 0];

	check_code_at(c->x, text, len, w->span_start, w->span_len, env);
}

static void check_code_at(struct sctx *x, const char *text, size_t len, size_t span_start,
			  size_t span_len, struct env env)
{
	struct env save_env = x->env;
	bool save_nested = x->nested;
	size_t save_start = x->nest_start, save_len = x->nest_len;
	char save_cwd[sizeof(x->cwd)];

	if (x->nest >= MAX_NEST) {
		add_reason(x, "nesting", RISK_HIGH, span_start, span_len,
			   "code nested too deep to be checked");
		return;
	}
	if (!x->nested) {
		x->nested = true;
		x->nest_start = span_start;
		x->nest_len = span_len;
	}
	memcpy(save_cwd, x->cwd, sizeof(save_cwd));
	x->env = env;
	x->nest++;
	check_tree_text(x, text, len);
	x->nest--;
	x->env = save_env;
	memcpy(x->cwd, save_cwd, sizeof(save_cwd));
	x->nested = save_nested;
	x->nest_start = save_start;
	x->nest_len = save_len;
}

/* ---- wrappers --------------------------------------------------------- */

/* Skip the options of a wrapper from av[i], with their values (c->opt):
 * returns the av index of the first operand. */
static size_t skip_opts(const struct cmd *c, size_t i)
{
	while (i < c->ac) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "--"))
			return i + 1;
		if (s[0] != '-' || !s[1])
			return i;
		i += opt_takes_next(c->opt, s) ? 2 : 1;
	}
	/* "xargs -n" at the end: the missing value must not carry i past
	 * the words. */
	return MIN(i, c->ac);
}

/* Does a short option cluster among av[1..end) hold opt? */
static bool opt_before(const struct cmd *c, size_t end, char opt)
{
	size_t i;

	for (i = 1; i < end && i < c->ac; i++)
		if (c->av[i].s[0] == '-' && c->av[i].s[1] != '-' && strchr(c->av[i].s, opt))
			return true;
	return false;
}

static bool is_assignment(const char *s)
{
	const char *e = strchr(s, '=');

	if (!e || e == s || (*s >= '0' && *s <= '9'))
		return false;
	for (const char *p = s; p < e; p++)
		if (!((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && !(*p >= '0' && *p <= '9') &&
		    *p != '_')
			return false;
	return true;
}

static void shift(struct cmd *c, size_t k)
{
	c->av += k;
	c->ac -= k;
}

/* Join av[from..] with spaces into storage from sp (NULL if out of
 * room); *fl gets the union of the words' flags. */
static char *join_args(struct cmd *c, size_t from, struct strpool *sp, size_t *len, unsigned *fl)
{
	size_t n = 0, i;
	char *s, *o;

	*fl = 0;
	for (i = from; i < c->ac; i++) {
		*fl |= c->av[i].flags;
		n += c->av[i].len + 1;
	}
	s = o = sp_alloc(sp, n + 1);
	if (!s)
		return NULL;
	for (i = from; i < c->ac; i++) {
		memcpy(o, c->av[i].s, c->av[i].len);
		o += c->av[i].len;
		if (i + 1 < c->ac)
			*o++ = ' ';
	}
	*o = '\0';
	*len = (size_t)(o - s);
	return s;
}

/* Code that comes from a word (sh -c WORD, eval WORDS...). */
static void run_code_words(struct cmd *c, size_t from, struct strpool *sp, const char *what)
{
	size_t len = 0;
	unsigned fl;
	char *s = join_args(c, from, sp, &len, &fl);

	if (from >= c->ac)
		return;
	if (fl & SW_DOWNLOAD)
		safety_add(c, (int)from, c->env.elevated ? "download-exec-root" : "download-exec",
			   c->env.elevated ? RISK_CRITICAL : RISK_HIGH,
			   "%s runs code downloaded from the network%s", what,
			   c->env.elevated ? " as root" : "");
	else if ((fl & SW_DECODED) && (fl & SW_DYNAMIC))
		safety_add(c, (int)from, "decoded-exec", RISK_HIGH,
			   "%s runs code that was encoded to hide it", what);
	else if (fl & SW_DYNAMIC)
		safety_add(c, (int)from, "dynamic-code", RISK_MODERATE,
			   "%s runs code that is only known at run time", what);
	/* The known parts are checked even when some are not: "rm -rf $D/x"
	 * given to sh -c is still checked for the rest. Decoded text that is
	 * known (base64 -d of a literal) is judged as the code it is. */
	if (s && s[strspn(s, "\x01 \t\n")])
		safety_check_code(c, s, len, from, c->env);
}

/* Words av[from..to) of c are a command run on other hosts (ssh HOST
 * CMD, pdsh -w HOSTS CMD): the remote side is judged like a local one,
 * rm -rf / there is as bad as here and uptime as harmless. What the
 * command alone rates decides the rule's reason: the verdict's running
 * maximum is put back after. */
static void run_remote(struct cmd *c, size_t from, size_t to, struct strpool *sp,
		       const char *rule, const char *where)
{
	struct sctx *x = c->x;
	enum risk before = x->v->risk;
	size_t ac = c->ac;

	c->env.remote = true;
	c->env.elevated = false;
	x->v->risk = RISK_SAFE;
	c->ac = to;
	run_code_words(c, from, sp, c->prog);
	c->ac = ac;
	if (x->v->risk >= RISK_MODERATE)
		safety_add(c, (int)from, rule, RISK_MODERATE, "runs a command on %s%s",
			   strcmp(rule, "ssh-remote") ? "the hosts " : "the remote host ", where);
	if (before > x->v->risk)
		x->v->risk = before;
}

/* pdsh -w HOSTS CMD, pssh -h FILE CMD, clush -w NODES CMD, ansible
 * HOSTS -m shell -a CMD, salt TARGET cmd.run CMD: one command run on
 * many hosts at once. False when c runs no command (a listing, another
 * module), for the caller to go on. */
static bool fleet_command(struct cmd *c, struct strpool *sp)
{
	int t = cmd_operand(c, 0);
	size_t i;

	if (t < 0)
		return false;
	if (!strcmp(c->prog, "ansible")) {
		struct optit it = OPTIT_INIT;
		struct opt o;
		size_t code = 0;
		bool shell_mod = true;

		/* -a CODE runs as a command with the default module
		 * (command) and with shell, raw and script. */
		while (opt_next(c, &it, &o)) {
			if (opt_is(&o, 'm', "module-name") && o.val)
				shell_mod = safety_prog_in(o.val, "shell command raw script "
							   "ansible.builtin.shell ansible.builtin.command "
							   "ansible.builtin.raw win_shell win_command");
			if (opt_is(&o, 'a', "args") && o.val && o.val_i < c->ac)
				code = o.val_i;
		}
		if (!code || !shell_mod)
			return false;
		run_remote(c, code, code + 1, sp, "fleet-remote", c->av[t].s);
		return true;
	}
	if (str_startswith(c->prog, "salt")) {
		for (i = (size_t)t + 1; i + 1 < c->ac; i++)
			if (safety_prog_in(c->av[i].s, "cmd.run cmd.run_all cmd.shell cmd.exec_code "
						      "cmd.run_stdout")) {
				run_remote(c, i + 1, c->ac, sp, "fleet-remote", c->av[t].s);
				return true;
			}
		return false;
	}
	/* pdsh, pssh, clush: the hosts are options, the operands the
	 * command. */
	run_remote(c, (size_t)t, c->ac, sp, "fleet-remote", "given");
	return true;
}

/* Bind $0, $1... for code run by sh -c CODE ARG0 ARG1...; returns how many
 * were bound (unbind_positional undoes it). */
static struct var *var_get(struct sctx *x, const char *name)
{
	struct var *v = var_find(x, name, strlen(name));

	if (!v && x->n_vars < MAX_VARS) {
		v = &x->vars[x->n_vars++];
		snprintf(v->name, sizeof(v->name), "%s", name);
	}
	return v;
}

static size_t bind_positional(struct sctx *x, const struct cmd *c, size_t first)
{
	size_t k, n = 0, len = 0;
	struct var *all = var_get(x, "@");

	/* $@ and $* are $1... with split marks between, as arrays are kept:
	 * "$@" then gives one word per argument. */
	if (all) {
		all->known = true;
		all->home = false;
		all->has_raw = false;
		for (k = first + 1; k < c->ac && all->known; k++) {
			if ((c->av[k].flags & SW_DYNAMIC) || len + c->av[k].len + 3 > sizeof(all->value))
				all->known = false;
			else {
				if (len)
					all->value[len++] = '\x02';
				if (c->av[k].flags & SW_HOME)
					all->value[len++] = HOME_MARK;
				memcpy(all->value + len, c->av[k].s, c->av[k].len);
				len += c->av[k].len;
			}
		}
		all->value[len] = '\0';
		{
			struct var *star = var_get(x, "*");

			if (star)
				*star = *all, strcpy(star->name, "*");
		}
	}

	for (k = first; k < c->ac && n < 10; k++, n++) {
		char name[2] = {(char)('0' + n), '\0'};
		struct var *v = var_find(x, name, 1);

		if (!v) {
			if (x->n_vars == MAX_VARS)
				break;
			v = &x->vars[x->n_vars++];
			strcpy(v->name, name);
		}
		v->known = !(c->av[k].flags & SW_DYNAMIC) && c->av[k].len < sizeof(v->value);
		v->home = (c->av[k].flags & SW_HOME) != 0;
		v->has_raw = false;
		if (v->known)
			memcpy(v->value, c->av[k].s, c->av[k].len + 1);
	}
	return n;
}

static void unbind_positional(struct sctx *x, size_t n)
{
	forget_var(x, "@", 1);
	forget_var(x, "*", 1);
	while (n--) {
		char name[2] = {(char)('0' + n), '\0'};
		struct var *v = var_find(x, name, 1);

		if (v)
			v->known = false;
	}
}

static void stdin_verdict(struct cmd *c);
static void stdin_code(struct cmd *c, struct strpool *sp);

/* ---- files downloaded earlier ----------------------------------------- */

/* Remember that a downloader writes path (its resolved text). */
static void note_download(struct sctx *x, const char *path, size_t len, bool home)
{
	char raw[128], norm[128];

	if (!len || len >= sizeof(raw) || x->n_downloads == MAX_DOWNLOADS ||
	    memchr(path, SW_UNKNOWN_CH, len) || (len == 1 && path[0] == '-'))
		return;
	memcpy(raw, path, len);
	raw[len] = '\0';
	normalize(raw, home, x->cwd, norm, sizeof(norm));
	memcpy(x->downloads[x->n_downloads++], norm, sizeof(norm));
}

/* The file a URL is saved as by curl -O or a bare wget: its last path
 * component, without a query. */
static void note_url_name(struct sctx *x, const char *url)
{
	const char *p = strstr(url, "://"), *slash, *end;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "?#");
	slash = memchr(p, '/', (size_t)(end - p)) ? p : NULL;
	if (!slash)
		return; /* no path: index.html */
	for (slash = end; slash > p && slash[-1] != '/'; slash--)
		;
	note_download(x, slash, (size_t)(end - slash), false);
}

/* curl and wget: the files they write (curl -o F, -fsSLo F, -oF,
 * --output=F; wget -O F, -qO F), or the URL's last component (curl -O,
 * a bare wget). */
static void note_download_args(struct sctx *x, struct cmd *c)
{
	bool wget = !strcmp(c->prog, "wget"), curl = !strcmp(c->prog, "curl");
	bool named = false, remote = false;
	struct optit it = OPTIT_INIT;
	struct opt o;
	int i, n;

	if (!wget && !curl)
		return;
	while (opt_next(c, &it, &o)) {
		if (curl ? opt_is(&o, 'o', "output") : opt_is(&o, 'O', "output-document")) {
			named = true;
			if (o.val)
				note_download(x, o.val, strlen(o.val), o.val_i != o.i &&
					      (c->av[o.val_i].flags & SW_HOME));
		} else if (curl && (opt_is(&o, 'O', "remote-name") ||
				    opt_is(&o, 0, "remote-name-all"))) {
			remote = true;
		}
	}
	if (named || (curl && !remote))
		return;
	for (n = 0; (i = cmd_operand(c, n)) >= 0; n++)
		if (strchr(c->av[i].s, '/'))
			note_url_name(x, c->av[i].s);
}

/* Did a downloader write the file path names? */
static bool download_listed(const struct sctx *x, const char *norm)
{
	for (size_t k = 0; k < x->n_downloads; k++)
		if (!strcmp(norm, x->downloads[k]))
			return true;
	return false;
}

static bool was_downloaded(struct sctx *x, const struct sword *w)
{
	char norm[128];

	if (!x->n_downloads || w->len >= sizeof(norm) || (w->flags & SW_DYNAMIC))
		return false;
	normalize(w->s, (w->flags & SW_HOME) != 0, x->cwd, norm, sizeof(norm));
	return download_listed(x, norm);
}

/* Is the program av[0] names a download? A bare name runs from PATH: a
 * download saved into a bin dir (curl URL | sudo tee /usr/local/bin/x
 * && x). */
static bool runs_download(struct sctx *x, const struct sword *w)
{
	static const char *const bins[] = {"/usr/local/bin/", "/usr/bin/", "/bin/",
					   "/usr/local/sbin/", "~/bin/", "~/.local/bin/"};
	char path[128];
	size_t k;

	if (strchr(w->s, '/'))
		return was_downloaded(x, w);
	for (k = 0; x->n_downloads && k < ARRAY_SIZE(bins); k++)
		if ((size_t)snprintf(path, sizeof(path), "%s%s", bins[k], w->s) < sizeof(path) &&
		    download_listed(x, path))
			return true;
	return false;
}

/* A shell (or interpreter) given a script file operand. */
/* The entry for the file at path (resolved text), or NULL; with add, a
 * new entry when there is none and room for one. */
static struct script *script_find(struct sctx *x, const char *path, size_t len, bool home,
				  bool add)
{
	char raw[128], norm[128];
	size_t k;

	if (!len || len >= sizeof(raw) || memchr(path, SW_UNKNOWN_CH, len))
		return NULL;
	memcpy(raw, path, len);
	raw[len] = '\0';
	normalize(raw, home, x->cwd, norm, sizeof(norm));
	for (k = 0; k < x->n_scripts; k++)
		if (!strcmp(norm, x->scripts[k].path))
			return &x->scripts[k];
	if (!add || x->n_scripts == MAX_SCRIPTS)
		return NULL;
	memcpy(x->scripts[x->n_scripts].path, norm, sizeof(norm));
	x->scripts[x->n_scripts].len = 0;
	x->scripts[x->n_scripts].known = true;
	x->scripts[x->n_scripts].copy_of[0] = '\0';
	return &x->scripts[x->n_scripts++];
}

/* Writing text (NULL: not known) to path, appending or not. */
static void note_script(struct sctx *x, const struct sword *t, const char *text, size_t len,
			bool append)
{
	struct script *sc;

	if (t->flags & SW_DYNAMIC)
		return;
	sc = script_find(x, t->s, t->len, (t->flags & SW_HOME) != 0, true);
	if (!sc)
		return;
	sc->copy_of[0] = '\0';
	if (!append)
		sc->len = 0, sc->known = true;
	if (!text || sc->len + len + 1 > sizeof(sc->text)) {
		sc->known = false;
		return;
	}
	memcpy(sc->text + sc->len, text, len);
	sc->len += len;
	sc->text[sc->len] = '\0';
}

/* The text an earlier command wrote to the file w names, or NULL. */
static const struct script *script_text(struct sctx *x, const struct sword *w)
{
	const struct script *sc;

	if (w->flags & SW_DYNAMIC)
		return NULL;
	sc = script_find(x, w->s, w->len, (w->flags & SW_HOME) != 0, false);
	return sc && sc->known ? sc : NULL;
}

/* Does a #! line name a shell (#!/bin/sh, #!/usr/bin/env bash)? */
static bool shebang_shell(const char *text)
{
	char prog[32];
	const char *p = text + 2, *e;

	while (*p == ' ')
		p++;
	e = p + strcspn(p, " \n");
	if (e - p > 8 && !memcmp(e - 4, "/env", 4)) {
		for (p = e; *p == ' '; p++)
			;
		e = p + strcspn(p, " \n");
	}
	if (e == p || (size_t)(e - p) >= sizeof(prog))
		return false;
	memcpy(prog, p, (size_t)(e - p));
	prog[e - p] = '\0';
	return safety_is_shell(base_name(prog));
}

const char *safety_shell_copy(struct cmd *c, size_t i)
{
	const struct sword *w = &c->av[i];
	const struct script *sc;

	if (w->flags & SW_DYNAMIC)
		return NULL;
	sc = script_find(c->x, w->s, w->len, (w->flags & SW_HOME) != 0, false);
	return sc && sc->copy_of[0] ? sc->copy_of : NULL;
}

/* Check a script's known text as the code of c's program: shell code
 * for a shell or source, the interpreter's own code otherwise. */
static void run_script_text(struct cmd *c, size_t i, const struct script *sc)
{
	if (safety_is_interpreter(c->prog)) {
		struct sword av[3];

		memset(av, 0, sizeof(av));
		av[0] = c->av[0];
		av[1].s = str_startswith(c->prog, "py") ? "-c" : "-e";
		av[1].len = 2;
		av[2].s = sc->text;
		av[2].len = sc->len;
		av[1].span_start = av[2].span_start = c->av[i].span_start;
		av[1].span_len = av[2].span_len = c->av[i].span_len;
		check_words(c->x, c, av, 3);
	} else {
		safety_check_code(c, sc->text, sc->len, i, c->env);
	}
}

static void run_script_file(struct cmd *c, size_t i, const char *what)
{
	const struct script *sc = script_text(c->x, &c->av[i]);

	if (sc)
		run_script_text(c, i, sc);
	if ((c->av[i].flags & SW_DOWNLOAD) || was_downloaded(c->x, &c->av[i]))
		safety_add(c, (int)i, c->env.elevated ? "download-exec-root" : "download-exec",
			   c->env.elevated ? RISK_CRITICAL : RISK_HIGH,
			   "%s runs a script downloaded from the network%s", what,
			   c->env.elevated ? " as root" : "");
	else if (!strcmp(c->av[i].s, "/dev/stdin") || !strcmp(c->av[i].s, "-")) {
		/* source /dev/stdin <<< CODE, sh - < x: stdin is the code */
		c->role = ROLE_SHELL_STDIN;
		stdin_code(c, NULL);
		stdin_verdict(c);
	} else
		safety_add(c, (int)i, "runs-script", RISK_MODERATE, "%s runs the script %s", what,
			   c->av[i].s[0] == SW_UNKNOWN_CH ? "given at run time" : c->av[i].s);
}

/* A shell or interpreter reading its program from stdin: judge what
 * feeds it. */
/* A crontab's text: the command of each entry (after five time fields,
 * or one @reboot-like word, and the user in a system table) is checked
 * as shell code. */
static void check_cron_text(struct cmd *c, const char *text, size_t len, bool user_field)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;
		int fields;

		if (!eol)
			eol = end;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		/* The system tables (/etc/crontab, /etc/cron.d) name the
		 * user after the time. */
		fields = (q < eol && *q == '@' ? 1 : 5) + user_field;
		if (q < eol && *q != '#' && !memchr(q, '=', (size_t)(eol - q) < 64 ?
							(size_t)(eol - q) : 64)) {
			for (; fields && q < eol; fields--) {
				while (q < eol && *q != ' ' && *q != '\t')
					q++;
				while (q < eol && (*q == ' ' || *q == '\t'))
					q++;
			}
			if (!fields && q < eol)
				safety_check_code(c, q, (size_t)(eol - q), 0, c->env);
		}
		p = eol + 1;
	}
}

/* Files and dirs whose files the system or a session runs as shell
 * code later: cron's script dirs, boot, login and logout scripts,
 * shells' system-wide start-up files, X session files. A trailing /
 * takes any file below. */
static const char *const runs_later[] = {
	"/etc/cron.hourly/", "/etc/cron.daily/", "/etc/cron.weekly/", "/etc/cron.monthly/",
	"/etc/rc.local", "/etc/profile", "/etc/profile.d/", "/etc/bash.bashrc", "/etc/bashrc",
	"/etc/zshrc", "/etc/zsh/", "/etc/zprofile", "/etc/zshenv", "/etc/update-motd.d/",
	"/etc/init.d/", "/etc/X11/Xsession.d/", "~/.bash_logout", "~/.zlogout", "~/.xprofile",
	"~/.xinitrc", "~/.xsessionrc", "~/.xsession",
};

static bool is_run_later(const struct sword *w)
{
	if (w->flags & SW_DYNAMIC)
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(runs_later); k++) {
		const char *r = runs_later[k];
		size_t n = strlen(r);

		if ((r[0] == '~') != ((w->flags & SW_HOME) != 0))
			continue;
		if (r[n - 1] == '/' ? str_startswith(w->s, r) && w->s[n] : !strcmp(w->s, r))
			return true;
	}
	return false;
}

/* Text written to a file that something runs later: a shell start-up
 * file runs it in every new shell, a cron table on schedule. */
static void check_written_code(struct cmd *c, const struct sword *t, const char *text, size_t len)
{
	struct cmd tc = *c;
	struct sword w = *t;

	w.have_pi = false;
	tc.av = &w;
	tc.ac = 1;
	if (!(w.flags & SW_DYNAMIC) &&
	    (!strcmp(w.s, "/etc/crontab") || str_startswith(w.s, "/etc/cron.d/")))
		check_cron_text(&tc, text, len, true);
	else if (!(w.flags & SW_DYNAMIC) && str_startswith(w.s, "/var/spool/cron/"))
		check_cron_text(&tc, text, len, false);
	else if (safety_path(&tc, 0)->startup || is_run_later(&w))
		safety_check_code(&tc, text, len, 0, c->env);
}

static void stdin_verdict(struct cmd *c)
{
	const struct stdin_info *in = c->in;

	if (!in)
		return;
	if (in->kind == IN_DECODED) {
		safety_add(c, 0, "decoded-exec", RISK_HIGH,
			   "runs code that was encoded to hide it");
	} else if (in->kind == IN_DOWNLOAD) {
		if (c->env.elevated)
			safety_add(c, 0, "pipe-download-root-shell", RISK_CRITICAL,
				   "runs a script from the network as root, unseen");
		else
			safety_add(c, 0, "pipe-download-shell", RISK_HIGH,
				   "runs a script from the network, unseen");
	} else if (in->kind == IN_FILE) {
		safety_add(c, 0, "runs-script", RISK_MODERATE, "%s runs the script %s", c->prog,
			   in->text[0] == SW_UNKNOWN_CH ? "given at run time" : in->text);
	} else if (in->kind == IN_OTHER && !in->verbatim && !in->text) {
		/* ls | sed 's/^/rm /' | sh, echo X | rev | sh: code that
		 * another command writes or rewrites, which no reader of
		 * this line can see. cat FILE | sh is sh FILE. */
		safety_add(c, 0, "generated-code", RISK_HIGH,
			   "runs code that another command writes%s: what runs cannot be seen",
			   c->env.elevated ? ", as root" : "");
	} else if (in->kind == IN_OTHER || in->kind == IN_PATHS) {
		if (c->env.elevated)
			safety_add(c, 0, "pipe-to-shell", RISK_HIGH,
				   "runs the output of another command as root code");
		else
			safety_add(c, 0, "pipe-to-shell", RISK_MODERATE,
				   "runs the output of another command as code");
	}
}

static bool radix_decode(const char *s, size_t n, const char *al, int bits_per, char *out,
			 size_t cap, size_t *len);

/* Static text that a filter turned into the code a shell reads (echo
 * cm0gLXJmIC8K | rev | sh): the pieces a reader can see, as they are,
 * reversed, and decoded from base64 or hex, are checked as code, and
 * what is critical in any of them is taken as the line's intent. */
static void check_seen(struct cmd *c)
{
	static const struct {
		const char *al;
		int bits;
	} radix[] = {
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 6},
		{"0123456789abcdef", 4},
	};
	const struct stdin_info *in = c->in;
	char form[2][1024], dec[1024];
	size_t n = in->seen_len, k, r, dl;

	if (n >= sizeof(form[0]))
		return;
	memcpy(form[0], in->seen, n);
	form[0][n] = '\0';
	for (k = 0; k < n; k++)
		form[1][k] = in->seen[n - 1 - k];
	form[1][n] = '\0';
	for (k = 0; k < 2; k++) {
		check_code_min(c->x, form[k], n, in->span_start, in->span_len, RISK_CRITICAL);
		for (r = 0; r < ARRAY_SIZE(radix); r++)
			if (radix_decode(form[k], n, radix[r].al, radix[r].bits, dec, sizeof(dec), &dl))
				check_code_min(c->x, dec, dl, in->span_start, in->span_len,
					       RISK_CRITICAL);
	}
}

static void stdin_code(struct cmd *c, struct strpool *sp)
{
	const struct stdin_info *in = c->in;

	(void)sp;
	if (!in)
		return;
	if (in->seen)
		check_seen(c);
	/* IN_OTHER may carry the static part of its text: (cat f; echo x). */
	if (in->text && (in->kind == IN_TEXT || in->kind == IN_OTHER)) {
		struct sctx *x = c->x;
		bool save = x->nested;
		size_t s0 = x->nest_start, l0 = x->nest_len;

		if (!x->nested) {
			x->nested = true;
			x->nest_start = in->span_start;
			x->nest_len = in->span_len;
		}
		safety_check_code(c, in->text, in->text_len, 0, c->env);
		x->nested = save;
		x->nest_start = s0;
		x->nest_len = l0;
	}
}

/* ssh HOST with no command, or a remote shell reading its stdin (ssh
 * HOST bash -s, ssh HOST 'sudo sh'): what feeds ssh is code run there.
 * k is HOST's index. */
static void ssh_stdin(struct cmd *c, size_t k, struct strpool *sp)
{
	struct env save = c->env;
	bool reads = k + 1 >= c->ac;

	if (!c->in || c->in->kind == IN_NONE ||
	    (c->in->kind == IN_FILE && !strcmp(c->in->text, "/dev/null")))
		return;
	if (!reads) {
		size_t len = 0;
		unsigned fl;
		const char *s = join_args(c, k + 1, sp, &len, &fl), *e;
		char prog[32];

		if (!s)
			return;
		s += strspn(s, " \t");
		if (str_startswith(s, "sudo ")) {
			c->env.elevated = true;
			s += 5 + strspn(s + 5, " \t");
		}
		e = s + strcspn(s, " \t;|&");
		if ((size_t)(e - s) >= sizeof(prog))
			return;
		memcpy(prog, s, (size_t)(e - s));
		prog[e - s] = '\0';
		reads = safety_is_shell(base_name(prog)) && !strstr(e, "-c") && !strpbrk(e, ";|&");
	}
	if (reads) {
		c->env.remote = true;
		stdin_code(c, sp);
		stdin_verdict(c);
	}
	c->env = save;
}

/* sh/bash/... argv handling. Returns true when handled completely. */
static void handle_shell(struct cmd *c, struct strpool *sp)
{
	size_t i = 1;
	bool dash_c = false, dash_s = false, interactive = false;

	while (i < c->ac) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "--") || !strcmp(s, "-")) {
			i++;
			break;
		}
		if ((s[0] != '-' && s[0] != '+') || !s[1])
			break;
		if (s[1] == '-') {
			i++;
			continue;
		}
		if (strchr(s, 'c'))
			dash_c = true;
		if (strchr(s, 's'))
			dash_s = true;
		if (strchr(s, 'i'))
			interactive = true;
		if ((strchr(s, 'o') || strchr(s, 'O')) && i + 1 < c->ac)
			i++;
		i++;
	}
	if (dash_c) {
		if (i < c->ac) {
			struct cmd one = *c;
			size_t bound = bind_positional(c->x, c, i + 1);

			one.ac = i + 1;
			run_code_words(&one, i, sp, c->prog);
			unbind_positional(c->x, bound);
		}
		c->role = ROLE_SHELL;
		return;
	}
	if (i < c->ac && !dash_s) {
		run_script_file(c, i, c->prog);
		c->role = c->role == ROLE_SHELL_STDIN ? ROLE_SHELL_STDIN : ROLE_SHELL;
		return;
	}
	c->role = interactive ? ROLE_SHELL : ROLE_SHELL_STDIN;
	if (c->in && c->in->kind == IN_TEXT) {
		stdin_code(c, sp);
	} else if ((!c->in || c->in->kind == IN_NONE) && c->env.elevated) {
		safety_add(c, 0, "root-shell", RISK_MODERATE, "starts %s as root", c->prog);
	} else {
		stdin_verdict(c);
		stdin_code(c, sp);
	}
}

/* Interpreters: python -c CODE, perl -e CODE, node -e CODE... */
static void handle_interpreter(struct cmd *c, struct strpool *sp)
{
	size_t i;

	(void)sp;
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "-"))
			break; /* the program is stdin */
		if (s[0] != '-' || !s[1]) {
			run_script_file(c, i, c->prog);
			return;
		}
		if (!strcmp(s, "--"))
			break;
		if ((!strcmp(s, "-c") || !strcmp(s, "-e") || !strcmp(s, "-E") || !strcmp(s, "-r") ||
		     !strcmp(s, "--eval") || !strcmp(s, "-p") || !strcmp(s, "--print") ||
		     (s[1] != '-' && strchr("ceE", s[strlen(s) - 1]))) && i + 1 < c->ac) {
			/* The matchers in rules.c look at the code (fork
			 * bombs, reverse shells, system("...")); code that
			 * comes from a download or a decoder is judged here. */
			unsigned fl = c->av[i + 1].flags;

			if (fl & SW_DOWNLOAD)
				safety_add(c, (int)i + 1,
					   c->env.elevated ? "download-exec-root" : "download-exec",
					   c->env.elevated ? RISK_CRITICAL : RISK_HIGH,
					   "%s runs code downloaded from the network%s", c->prog,
					   c->env.elevated ? " as root" : "");
			else if ((fl & SW_DECODED) && (fl & SW_DYNAMIC))
				safety_add(c, (int)i + 1, "decoded-exec", RISK_HIGH,
					   "%s runs code that was encoded to hide it", c->prog);
			c->role = ROLE_OTHER;
			return;
		}
		if (!strcmp(s, "-m")) {
			/* python -m module: runs a module, as a script would. */
			c->role = ROLE_OTHER;
			return;
		}
		if (!strcmp(s, "-W") || !strcmp(s, "-X") || !strcmp(s, "-I"))
			i++;
	}
	c->role = ROLE_SHELL_STDIN;
	if (c->in && c->in->kind == IN_TEXT) {
		/* python3 - <<EOF ... EOF, perl <<< '...': the program is
		 * static text; the rules read it as they read -c/-e code. */
		struct sword av[3];

		memset(av, 0, sizeof(av));
		av[0] = c->av[0];
		av[1].s = str_startswith(c->prog, "py") ? "-c" : "-e";
		av[1].len = 2;
		av[2].s = c->in->text;
		av[2].len = c->in->text_len;
		av[1].span_start = av[2].span_start = c->in->span_start;
		av[1].span_len = av[2].span_len = c->in->span_len;
		check_words(c->x, c, av, 3);
		return;
	}
	stdin_verdict(c);
}

static const char *const find_narrowing[] = {
	"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex",
	"-iregex", "-newer", "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin",
	"-size", "-user", "-group", "-uid", "-gid", "-perm", "-inum", "-samefile",
	"-links", "-empty", "-lname", "-ilname", "-newermt", "-nouser", "-nogroup",
	"-anewer", "-cnewer", "-used", "-context", "-fstype",
};

/* Does find's test arg (followed by next) select only some files?
 * -name '*' selects all. */
static bool narrowing_at(const char *arg, const char *next)
{
	return arg[0] == '-' &&
	       in_list(arg, strlen(arg), find_narrowing, ARRAY_SIZE(find_narrowing)) &&
	       !(next && (!strcmp(next, "*") || !strcmp(next, "*.*")));
}

void safety_find_scope(struct cmd *c, struct find_scope *fs)
{
	size_t i = 1;

	memset(fs, 0, sizeof(*fs));
	while (i < c->ac && (!strcmp(c->av[i].s, "-H") || !strcmp(c->av[i].s, "-L") ||
			      !strcmp(c->av[i].s, "-P") || !strncmp(c->av[i].s, "-O", 2) ||
			      !strcmp(c->av[i].s, "-D")))
		i += !strcmp(c->av[i].s, "-D") ? 2 : 1;
	for (; i < c->ac; i++) {
		const char *s = c->av[i].s;
		const struct pinfo *pi;

		if (s[0] == '-' || s[0] == '(' || s[0] == '!')
			break;
		pi = safety_path(c, i);
		if (!fs->start_i || pi->cls > fs->start.cls) {
			fs->start = *pi;
			fs->start_i = i;
		}
	}
	fs->first_expr = i < c->ac ? i : c->ac;
	if (!fs->start_i)
		classify_x(c->x, ".", false, false, &fs->start);
	/* A negated test (! -name proc) selects all but a few. Each
	 * branch of an -o outside parentheses must narrow: in -name x -o
	 * -delete, what fails the test goes on to the action. */
	bool branch = false, all = true;

	for (int depth = 0; i < c->ac; i++) {
		const char *s = c->av[i].s;

		depth += !strcmp(s, "(") - !strcmp(s, ")");
		if (!depth && (!strcmp(s, "-o") || !strcmp(s, "-or"))) {
			all = all && branch;
			branch = false;
			continue;
		}
		if (narrowing_at(s, i + 1 < c->ac ? c->av[i + 1].s : NULL) &&
		    !(i > 1 && (!strcmp(c->av[i - 1].s, "!") || !strcmp(c->av[i - 1].s, "-not"))))
			branch = true;
	}
	fs->narrow = all && branch;
}

/* find: each -exec command is checked with {} standing for the files
 * found; the find rules in rules.c judge -delete. */
static void handle_find(struct sctx *x, struct cmd *c)
{
	struct find_scope fs;
	size_t i;
	char synth[300];
	unsigned synth_flags = 0;

	safety_find_scope(c, &fs);
	/* {} is every file below the start (or some of them when narrowed). */
	{
		const char *start = fs.start_i ? c->av[fs.start_i].s : ".";

		if (!*start)
			start = ".";
		if (fs.start_i && (c->av[fs.start_i].flags & SW_HOME))
			synth_flags |= SW_HOME;
		if (!fs.narrow) {
			snprintf(synth, sizeof(synth), "%s%s*", start,
				 start[strlen(start) - 1] == '/' ? "" : "/");
			synth_flags |= SW_EVERY;
		} else {
			snprintf(synth, sizeof(synth), "%s%s%c", start,
				 start[strlen(start) - 1] == '/' ? "" : "/", SW_UNKNOWN_CH);
			synth_flags |= SW_DYNAMIC;
		}
	}
	for (i = fs.first_expr; i < c->ac; i++) {
		const char *s = c->av[i].s;
		size_t j, k, n;
		struct sword stack[AV_STACK], *av;
		struct cmd sub;

		if (strcmp(s, "-exec") && strcmp(s, "-execdir") && strcmp(s, "-ok") &&
		    strcmp(s, "-okdir"))
			continue;
		for (j = i + 1; j < c->ac; j++)
			if (!strcmp(c->av[j].s, ";") || (!strcmp(c->av[j].s, "+") &&
						      !strcmp(c->av[j - 1].s, "{}")))
				break;
		n = j - i - 1;
		if (!n) {
			i = j;
			continue;
		}
		av = n <= AV_STACK ? stack : xmallocarray(n, sizeof(*av));
		for (k = 0; k < n; k++) {
			av[k] = c->av[i + 1 + k];
			if (strstr(av[k].s, "{}")) {
				av[k].s = synth;
				av[k].len = strlen(synth);
				av[k].flags = synth_flags;
				av[k].have_pi = false;
			}
		}
		sub = *c;
		sub.av = av;
		sub.ac = n;
		sub.in = NULL;
		sub.role = ROLE_OTHER;
		check_argv(x, &sub);
		if (av != stack)
			free(av);
		i = j;
	}
}

/* fd PATTERN PATH... -x|-X CMD...: CMD runs on what fd finds, with {}
 * (or the path appended) standing for every file below the paths. */
static void handle_fd(struct sctx *x, struct cmd *c)
{
	struct sword stack[AV_STACK], *av;
	size_t i, e, k, n, nops = 0, start_i = 0;
	bool narrow = false, placeholder = false;
	struct pinfo start;
	char synth[300];
	const char *sp;

	for (e = 1; e < c->ac; e++)
		if (safety_prog_in(c->av[e].s, "-x --exec -X --exec-batch"))
			break;
	if (e + 1 >= c->ac)
		return;
	classify_x(x, ".", false, false, &start);
	for (i = 1; i < e; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-' && !strcmp(s, "--search-path") && i + 1 < e) {
			s = c->av[++i].s;
		} else if (s[0] == '-') {
			if (!strcmp(s, "-e") || !strncmp(s, "--extension", 11) ||
			    !strcmp(s, "-g") || !strcmp(s, "--glob"))
				narrow = true;
			if (opt_takes_next(c->opt, s))
				i++;
			continue;
		} else if (nops++ == 0) {
			/* the pattern: "" . ^ and the like match every name */
			if (strspn(s, ".^$*") != strlen(s))
				narrow = true;
			continue;
		}
		if (!start_i || safety_path(c, i)->cls > start.cls) {
			start = *safety_path(c, i);
			start_i = i;
		}
	}
	sp = start_i ? c->av[start_i].s : ".";
	if (!*sp)
		sp = ".";
	snprintf(synth, sizeof(synth), "%s%s%c", sp, sp[strlen(sp) - 1] == '/' ? "" : "/",
		 narrow ? SW_UNKNOWN_CH : '*');
	n = c->ac - e - 1;
	av = n + 1 <= AV_STACK ? stack : xmallocarray(n + 1, sizeof(*av));
	for (k = 0; k <= n; k++) {
		bool last = k == n;

		if (last && placeholder)
			break;
		av[k] = c->av[last ? start_i : e + 1 + k];
		if (last || (av[k].s[0] == '{' && strchr(av[k].s, '}'))) {
			placeholder |= !last;
			av[k].s = synth;
			av[k].len = strlen(synth);
			av[k].flags = (narrow ? SW_DYNAMIC : SW_EVERY) |
				      (start_i && (c->av[start_i].flags & SW_HOME) ? SW_HOME : 0);
			av[k].have_pi = false;
		}
	}
	check_words(x, c, av, placeholder ? n : n + 1);
	if (av != stack)
		free(av);
}

/* xargs: the command runs with words from stdin appended. */
/* xargs's replace string: -I STR, -iSTR, --replace[=STR]; "{}" else. */
static const char *xargs_placeholder(const struct cmd *c, size_t start)
{
	size_t i;

	for (i = 1; i < start && i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "-I") && i + 1 < start)
			return c->av[i + 1].s;
		if (!strncmp(s, "-I", 2) || (!strncmp(s, "-i", 2) && s[2]))
			return s + 2;
		if (!strncmp(s, "--replace=", 10))
			return s + 10;
	}
	return "{}";
}

/* Does xargs -P 0 (parallel -j 0) start as many commands at once as
 * it has input, with no limit? Options before av[end] are read. */
static bool unbounded_procs(const struct cmd *c, size_t end)
{
	for (size_t i = 1; i < end && i < c->ac; i++) {
		const char *s = c->av[i].s, *val = NULL;

		if (!strcmp(s, "-P") || !strcmp(s, "-j") || !strcmp(s, "--max-procs") ||
		    !strcmp(s, "--jobs"))
			val = i + 1 < end ? c->av[i + 1].s : NULL;
		else if (str_startswith(s, "-P") || str_startswith(s, "-j"))
			val = s + 2;
		else if (str_startswith(s, "--max-procs=") || str_startswith(s, "--jobs="))
			val = strchr(s, '=') + 1;
		if (val && (!strcmp(val, "0") || !strcmp(val, "0%")))
			return true;
	}
	return false;
}

static void handle_xargs(struct sctx *x, struct cmd *c, size_t start, struct strpool *sp)
{
	struct sword stack[AV_STACK], *av;
	size_t n = start < c->ac ? c->ac - start : 0, extra = 0, k;
	const struct stdin_info *in = c->in;
	char *words = NULL;
	bool replace = cmd_has_short(c, 'I') || cmd_has_short(c, 'i') || cmd_has_long(c, "--replace");

	/* yes | xargs -P0 CMD: commands started without end and all at
	 * once, until the process table or memory runs out, as a fork
	 * bomb does. */
	if (in && in->endless && unbounded_procs(c, start))
		safety_add(c, 0, "fork-storm", RISK_CRITICAL,
			   "starts commands without end and without a limit on how many run at once");
	if (in && (in->kind == IN_TEXT || in->kind == IN_PATHS) && in->text_len < 4096) {
		/* Items end at blanks; with -0 at NULs (which static text
		 * holds as newlines), with -d C at C. */
		const char *seps = " \n\t";
		char dsep[2] = {0, 0};

		for (k = 1; k < start && strcmp(c->prog, "parallel"); k++) {
			const char *o = c->av[k].s;

			/* -0, --null, or -0 in a cluster of flags (-r0t),
			 * not a value (-P0). */
			if (!strcmp(o, "--null") ||
			    (o[0] == '-' && o[1] != '-' && strchr(o, '0') &&
			     strspn(o + 1, "rtxp") == (size_t)(strchr(o, '0') - o - 1)))
				seps = "\n";
		}
		for (k = 1; k + 1 < start; k++)
			if (!strcmp(c->av[k].s, "-d") || !strcmp(c->av[k].s, "--delimiter")) {
				const char *d = c->av[k + 1].s;

				dsep[0] = !strcmp(d, "\\n") ? '\n' : d[0];
				seps = dsep[0] ? dsep : seps;
			}
		words = sp_alloc(sp, in->text_len + 1);
		if (words) {
			memcpy(words, in->text, in->text_len + 1);
			for (char *p = words; *p; p++) {
				if (strchr(seps, *p)) {
					*p = '\0';
				} else if (p == words || !p[-1]) {
					extra++;
				}
			}
		}
	} else {
		extra = 1;
	}
	if (extra > 64)
		extra = 64;
	av = n + extra <= AV_STACK ? stack : xmallocarray(n + extra, sizeof(*av));
	for (k = 0; k < n; k++)
		av[k] = c->av[start + k];
	if (!n) {
		/* xargs alone runs echo */
		goto out;
	}
	{
		const char *p = words;
		size_t e = 0;

		for (e = 0; e < extra; e++) {
			struct sword *w = &av[n + e];

			*w = c->av[0];
			w->have_pi = false;
			if (p) {
				while (!*p)
					p++;
				w->s = p;
				w->len = strlen(p);
				w->flags = in->kind == IN_PATHS ? in->path_flags : 0;
				if (p[0] == '~' && (!p[1] || p[1] == '/'))
					w->flags |= SW_HOME; /* echo ~ printed $HOME */
				p += w->len;
			} else {
				/* Another command's output, as $(...) would be. */
				w->s = "\x01";
				w->len = 1;
				w->flags = SW_DYNAMIC | SW_CMDSUB;
			}
		}
	}
	if (replace) {
		/* -I STR: each input line replaces STR wherever it appears
		 * in the command's words (sh -c 'rm -rf {}'), one run per
		 * line; the first few are checked. */
		const char *ph = xargs_placeholder(c, start);
		size_t e, pl = strlen(ph);
		struct sword item_av[AV_STACK];

		if (n > AV_STACK)
			n = AV_STACK;
		for (e = 0; e < extra && e < 8; e++) {
			const struct sword *item = &av[n + e];

			memcpy(item_av, av, n * sizeof(*av));
			for (k = 1; k < n; k++) {
				const char *hit = strstr(av[k].s, ph);
				char *r, *o;
				const char *q;
				size_t cnt = 0;

				if (!pl || !hit)
					continue;
				if (!strcmp(av[k].s, ph)) {
					item_av[k] = *item;
					item_av[k].span_start = av[k].span_start;
					item_av[k].span_len = av[k].span_len;
					continue;
				}
				/* Inside a word only a known line: an unknown
				 * one would make any sh -c code unknown. */
				if (item->flags & SW_DYNAMIC)
					continue;
				for (q = hit; q; q = strstr(q + pl, ph))
					cnt++;
				r = sp_alloc(sp, av[k].len + cnt * item->len + 1);
				if (!r)
					continue;
				for (o = r, q = av[k].s; (hit = strstr(q, ph)); q = hit + pl) {
					memcpy(o, q, (size_t)(hit - q));
					o += hit - q;
					memcpy(o, item->s, item->len);
					o += item->len;
				}
				strcpy(o, q);
				item_av[k].s = r;
				item_av[k].len = strlen(r);
				item_av[k].have_pi = false;
			}
			check_words(x, c, item_av, n);
		}
		goto out;
	}
	check_words(x, c, av, n + extra);
out:
	if (av != stack)
		free(av);
}

/* GNU parallel: `parallel [options] COMMAND... ::: VALUES...` runs
 * COMMAND once per value, which replaces {} or is appended; `::::` takes
 * the values from files and no separator from stdin, as xargs does.
 * Without a COMMAND each value is a command line of its own. Appended
 * values are checked all at once, as handle_xargs does (one rm over all
 * of them); with {} the command is checked once per value (up to 64). */
static void handle_parallel(struct sctx *x, struct cmd *c, struct strpool *sp)
{
	struct sword stack[AV_STACK], *av;
	size_t k = skip_opts(c, 1),
	       sep, n = 0, j;
	bool replace = false;

	for (sep = k; sep < c->ac; sep++)
		if (!strncmp(c->av[sep].s, ":::", 3))
			break;
	if (k == c->ac) {
		/* No command and no values: each line of stdin is a command
		 * line, as for a shell reading its program there. */
		if (c->in && c->in->kind == IN_TEXT)
			stdin_code(c, sp);
		else
			stdin_verdict(c);
		return;
	}
	if (sep == c->ac || !strcmp(c->av[sep].s, "::::")) {
		/* Values from stdin or from files: unknown words, as xargs. */
		struct cmd head = *c;

		head.ac = sep;
		if (sep < c->ac)
			head.in = NULL;
		if (k < sep)
			handle_xargs(x, &head, k, sp);
		return;
	}
	if (k == sep) {
		/* parallel ::: 'cmd one' 'cmd two': each value is code. */
		for (j = sep + 1; j < c->ac && j < sep + 1 + 64; j++)
			if (strncmp(c->av[j].s, ":::", 3) != 0)
				safety_check_code(c, c->av[j].s, c->av[j].len, j, c->env);
		return;
	}
	av = c->ac <= AV_STACK ? stack : xmallocarray(c->ac, sizeof(*av));
	for (j = k; j < sep; j++) {
		av[n++] = c->av[j];
		replace |= strstr(c->av[j].s, "{}") != NULL || strstr(c->av[j].s, "{.}") != NULL;
	}
	for (j = sep + 1; j < c->ac && j < sep + 1 + 64; j++) {
		if (!strncmp(c->av[j].s, ":::", 3))
			continue;
		if (replace) {
			/* Each placeholder word takes the value in turn. */
			for (size_t i = 1; i < sep - k; i++)
				if (c->av[k + i].s[0] == '{')
					av[i] = c->av[j];
			check_words(x, c, av, sep - k);
		} else {
			av[n++] = c->av[j];
		}
	}
	if (!replace)
		check_words(x, c, av, n);
	if (av != stack)
		free(av);
}

/* ---- the command ------------------------------------------------------ */

static const char *base_name(const char *s)
{
	const char *b = strrchr(s, '/');

	return b && b[1] ? b + 1 : s;
}

static void check_argv_at(struct sctx *x, struct cmd *c);
static void check_code_opts(struct cmd *c);
static void check_out_opts(struct cmd *c);

/* The recursion of walk_node and of check_argv (find -exec find -exec...,
 * xargs xargs...) is capped: past the cap nothing more is looked into,
 * and the command is rated as too deep to check. Each nested command costs
 * a pass over the words left, so its cap is small. */
static bool deeper(struct sctx *x, int *depth, int max, size_t start, size_t len)
{
	if (*depth >= max) {
		add_reason(x, "nesting", RISK_HIGH, start, len, "nested too deeply to check");
		return false;
	}
	++*depth;
	return true;
}

static void check_argv(struct sctx *x, struct cmd *c)
{
	if (!c->ac ||
	    !deeper(x, &x->argv_depth, MAX_ARGV_DEPTH, c->av[0].span_start, c->av[0].span_len))
		return;
	check_argv_at(x, c);
	x->argv_depth--;
}

/* Options whose value a program runs as shell code (their programs are
 * PROG_CODEOPT in rules.c's class table). A value must start with mark
 * when one is given (vim -c '!CMD' runs CMD; -c 'set nu' runs nothing),
 * after any ':' and blanks. opt "+" is an argument +VALUE. mark "()"
 * says the value is code in the program's own language (gdb's C
 * expressions, Emacs Lisp, Vim script), whose calls that run shell
 * commands (system("..."), (shell-command "...")) code.c finds. */
static const struct {
	const char *progs;
	const char *opt;
	const char *mark;
} code_opts[] = {
	{"tar gtar bsdtar", "--to-command", NULL},
	{"tar gtar bsdtar", "--checkpoint-action", "exec="},
	/* A compressor named alone (-I zstd) is a program, not a command
	 * line: " " marks values checked only when they hold a blank. */
	{"tar gtar bsdtar", "--use-compress-program", " "},
	{"tar gtar bsdtar", "-I", " "},
	{"zip", "-TT", NULL},
	{"zip", "--unzip-command", NULL},
	{"rsync", "-e", NULL},
	{"rsync", "--rsh", NULL},
	{"vim vi nvim view vimdiff ex gvim", "-c", "!"},
	{"vim vi nvim view vimdiff ex gvim", "--cmd", "!"},
	{"vim vi nvim view vimdiff ex gvim", "+", "!"},
	{"less more", "+", "!"},
	/* ssh -o ProxyCommand=CMD (or "ProxyCommand CMD"); marks are
	 * matched without regard to case, as ssh reads its keywords. */
	{"ssh scp sftp autossh", "-o", "proxycommand="},
	{"ssh scp sftp autossh", "-o", "proxycommand "},
	{"ssh scp sftp autossh", "-o", "localcommand="},
	{"ssh scp sftp autossh", "-o", "localcommand "},
	{"man", "-P", NULL},
	{"man", "--pager", NULL},
	{"gdb", "-ex", "shell "},
	{"gdb", "-ex", "!"},
	{"gdb", "--eval-command", "shell "},
	{"gdb", "--eval-command", "!"},
	{"gdb", "-ex", "()"},
	{"gdb", "--eval-command", "()"},
	{"vim vi nvim view vimdiff ex gvim", "-c", "()"},
	{"vim vi nvim view vimdiff ex gvim", "--cmd", "()"},
	{"emacs emacsclient", "--eval", "()"},
	{"emacs emacsclient", "-eval", "()"},
	{"emacs emacsclient", "-e", "()"},
};

/* git -c KEY=VALUE: keys whose value git runs as shell code; with '!',
 * only a value that starts with it (alias.x=!cmd). */
static const struct {
	const char *key;   /* a trailing '.' matches any key below it */
	bool bang;
} git_code_keys[] = {
	{"core.pager", false},   {"core.sshcommand", false}, {"core.editor", false},
	{"core.fsmonitor", false}, {"sequence.editor", false}, {"diff.external", false},
	{"gpg.program", false},  {"pager.", false},          {"alias.", true},
	{"credential.helper", true},
};

static void code_value(struct cmd *c, size_t i, const char *val, const char *mark)
{
	if (mark && !strcmp(mark, "()")) {
		struct sword w = c->av[i];

		w.s = val;
		w.len = strlen(val);
		w.have_pi = false;
		if (safety_code_commands(c, &w, true) & CODE_RUNS)
			safety_add(c, (int)i, "code-runs-shell", RISK_MODERATE,
				   "%s runs shell commands from its own code", c->prog);
		return;
	}
	if (mark && !strcmp(mark, " ")) {
		if (!strpbrk(val, " \t"))
			return;
	} else if (mark) {
		val += strspn(val, ": \t");
		if (strncasecmp(val, mark, strlen(mark)) != 0)
			return;
		val += strlen(mark);
	}
	if (*val)
		safety_check_code(c, val, strlen(val), i, c->env);
}

/* git's config key (kl bytes at key) set to val in av[i]: checked as
 * code when git runs that key's value. */
static void git_code_value(struct cmd *c, size_t i, const char *key, size_t kl, const char *val)
{
	for (size_t r = 0; r < ARRAY_SIZE(git_code_keys); r++) {
		const char *k = git_code_keys[r].key;
		size_t n = strlen(k);
		bool below = k[n - 1] == '.';

		if (kl < n || strncasecmp(key, k, n) || (!below && kl != n))
			continue;
		code_value(c, i, val, git_code_keys[r].bang ? "!" : NULL);
		return;
	}
}

/* Check the values of c's options that run shell code. */
static void check_code_opts(struct cmd *c)
{
	size_t r, i;

	for (r = 0; r < ARRAY_SIZE(code_opts); r++) {
		const char *opt = code_opts[r].opt;
		size_t ol = strlen(opt);

		if (!safety_prog_in(c->prog, code_opts[r].progs))
			continue;
		for (i = 1; i < c->ac; i++) {
			const char *s = c->av[i].s;

			if (!strcmp(s, "--"))
				break;
			if (c->av[i].flags & SW_DYNAMIC)
				continue;
			if (!strcmp(opt, "+")) {
				if (s[0] == '+' && s[1])
					code_value(c, i, s + 1, code_opts[r].mark);
			} else if (!strcmp(s, opt) && i + 1 < c->ac) {
				code_value(c, i + 1, c->av[i + 1].s, code_opts[r].mark);
			} else if (!strncmp(s, opt, ol) && s[ol] && (opt[1] != '-' || s[ol] == '=')) {
				/* --opt=VALUE, or -oVALUE */
				code_value(c, i, s + ol + (s[ol] == '='), code_opts[r].mark);
			}
		}
	}
	if (!strcmp(c->prog, "git")) {
		/* git config [--global...] KEY VALUE: the same keys, kept
		 * for every later git command. */
		for (i = 1; i < c->ac && c->av[i].s[0] == '-'; i++)
			if (!strcmp(c->av[i].s, "-C") || !strcmp(c->av[i].s, "-c"))
				i++;
		if (i + 2 < c->ac && !strcmp(c->av[i].s, "config")) {
			size_t k = i + 1;

			while (k < c->ac && c->av[k].s[0] == '-')
				k += !strcmp(c->av[k].s, "--file") || !strcmp(c->av[k].s, "-f") ||
				     !strcmp(c->av[k].s, "--blob") ? 2 : 1;
			if (k + 1 < c->ac && !(c->av[k].flags & SW_DYNAMIC))
				git_code_value(c, k + 1, c->av[k].s, strlen(c->av[k].s),
					       c->av[k + 1].s);
		}
		for (i = 1; i + 1 < c->ac && c->av[i].s[0] == '-'; i++) {
			const char *kv = c->av[i + 1].s, *eq;

			if (!strcmp(c->av[i].s, "-C"))
				i++; /* -C DIR */
			if (strcmp(c->av[i].s, "-c") != 0)
				continue;
			i++;
			eq = strchr(kv, '=');
			if (!eq || (c->av[i].flags & SW_DYNAMIC))
				continue;
			git_code_value(c, i, kv, (size_t)(eq - kv), eq + 1);
		}
	}
}

/* ---- containers ------------------------------------------------------- */

/* Add the bind mount of -v SRC:DST[:OPTS] (mount false) or of --mount
 * type=bind,source=S,target=D (mount true) to ctr. Read-only mounts,
 * tmpfs and anonymous volumes cannot change the host: left out. A
 * named volume (-v data:/data) holds data but names no host path. */
static void add_mount(struct ctr *ctr, const char *spec, bool mount)
{
	char src[256] = "", dst[128] = "";
	bool ro = false, bind = !mount;
	const char *p = spec;
	struct mnt *m;

	if (ctr->n == MAX_MOUNTS)
		return;
	if (mount) {
		while (*p) {
			size_t n = strcspn(p, ","), kl = strcspn(p, "=,");
			const char *v = p[kl] == '=' ? p + kl + 1 : NULL;
			int vl = v ? (int)(p + n - v) : 0;

#define KEY(k) (kl == strlen(k) && !strncmp(p, k, kl))
			if (KEY("type"))
				bind = v && vl == 4 && !strncmp(v, "bind", 4);
			else if ((KEY("source") || KEY("src")) && v)
				snprintf(src, sizeof(src), "%.*s", vl, v);
			else if ((KEY("target") || KEY("destination") || KEY("dst")) && v)
				snprintf(dst, sizeof(dst), "%.*s", vl, v);
			else if (KEY("readonly") || KEY("ro"))
				ro = !v || (vl && v[0] != 'f' && v[0] != '0');
#undef KEY
			p += n + (p[n] == ',');
		}
		if (!bind && !src[0])
			return; /* an anonymous volume, or tmpfs */
	} else {
		const char *c1 = strchr(spec, ':'), *c2;

		if (!c1)
			return; /* -v /data: an anonymous volume */
		c2 = strchr(c1 + 1, ':');
		snprintf(src, sizeof(src), "%.*s", (int)(c1 - spec), spec);
		snprintf(dst, sizeof(dst), "%.*s", c2 ? (int)(c2 - c1 - 1) : (int)strlen(c1 + 1),
			 c1 + 1);
		for (p = c2 ? c2 + 1 : ""; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
			if (!strncmp(p, "ro", 2) && (!p[2] || p[2] == ','))
				ro = true;
		bind = strchr(src, '/') || src[0] == '.' || src[0] == '~';
	}
	if (ro || !src[0] || dst[0] != '/')
		return;
	m = &ctr->m[ctr->n++];
	normalize(dst, false, "", m->dst, sizeof(m->dst));
	snprintf(m->src, sizeof(m->src), "%s", src);
	m->home = src[0] == '~';
	m->named = !bind;
}

/* docker|podman|nerdctl run|create|exec, docker compose run|exec and
 * kubectl exec: the command they run in the container is checked like
 * any other, with paths seen through the mounts given (-v, --mount) and
 * the working dir (-w). A new container's other files are its own; in
 * one that exists already (exec) the mounts are not known, and what the
 * command does there is rated at most high. */
static void handle_container(struct sctx *x, struct cmd *c)
{
	struct cmd t = *c;
	struct optit it = OPTIT_INIT;
	struct opt o;
	struct sword stack[AV_STACK], *av;
	const struct sword *entry = NULL;
	const char *workdir = NULL, *sub;
	bool kube = safety_prog_in(c->prog, "kubectl oc"), fresh = false, known = true;
	size_t i = 1, start, n, k;
	struct ctr *save;
	char save_cwd[sizeof(x->cwd)];
	enum risk save_cap = x->cap;

	/* The subcommand, past the global options. */
	while (i < c->ac && c->av[i].s[0] == '-')
		i += opt_takes_next(c->opt, c->av[i].s) ? 2 : 1;
	if (i >= c->ac)
		return;
	sub = c->av[i].s;
	if (!kube && !strcmp(sub, "container") && i + 1 < c->ac)
		sub = c->av[++i].s;
	if (!kube && (!strcmp(sub, "compose") || !strcmp(c->prog, "docker-compose"))) {
		/* compose [globals] run|exec SERVICE CMD */
		t.opt = safety_optspec(c->prog, "compose");
		if (!strcmp(c->prog, "docker-compose"))
			i = 0;
		for (i++; i < c->ac && c->av[i].s[0] == '-';)
			i += opt_takes_next(t.opt, c->av[i].s) ? 2 : 1;
		if (i >= c->ac || !safety_prog_in(c->av[i].s, "run exec"))
			return;
		t.opt = safety_optspec(c->prog, !strcmp(c->av[i].s, "run") ? "compose-run" :
								       "compose-exec");
		known = false;
	} else if (kube ? !strcmp(sub, "exec") : safety_prog_in(sub, "run create exec")) {
		t.opt = safety_optspec(c->prog, sub);
		fresh = !kube && strcmp(sub, "exec") != 0;
		known = fresh;
	} else {
		return;
	}
	it.i = i + 1;
	it.stop = true;
	save = xmalloc(sizeof(*save));
	*save = x->ctr;
	memset(&x->ctr, 0, offsetof(struct ctr, m));
	while (opt_next(&t, &it, &o)) {
		if (!o.val)
			continue;
		if (opt_is(&o, 'v', "volume") && fresh)
			add_mount(&x->ctr, o.val, false);
		else if (opt_is(&o, 0, "mount") && fresh)
			add_mount(&x->ctr, o.val, true);
		else if (opt_is(&o, 'w', "workdir"))
			workdir = o.val;
		else if (opt_is(&o, 0, "entrypoint") && o.val_i != o.i)
			entry = &c->av[o.val_i];
		else if (opt_is(&o, 0, "volumes-from"))
			known = false;
	}
	/* it.i: the image, container or service; the command follows (after
	 * "--" for kubectl). */
	start = it.i + 1;
	if (kube) {
		for (k = it.i; k < c->ac && strcmp(c->av[k].s, "--"); k++)
			;
		if (k < c->ac)
			start = k + 1;
	}
	n = (start < c->ac ? c->ac - start : 0) + (entry != NULL);
	if (it.i >= c->ac || !n)
		goto out;
	/* docker run IMAGE WORDS: WORDS are the command when the image has no
	 * entrypoint, else the entrypoint's arguments, which we cannot know.
	 * They are checked as a command, the worse reading, but a first word
	 * that is no program we know is not blamed as one (trivy fs /src):
	 * it may well be an argument. */
	if (fresh && !entry && start < c->ac && c->av[start].s[0] == '-')
		goto out;
	av = n <= AV_STACK ? stack : xmallocarray(n, sizeof(*av));
	k = 0;
	if (entry)
		av[k++] = *entry;
	for (; k < n; k++)
		av[k] = c->av[start + k - (entry != NULL)];
	for (k = 0; k < n; k++)
		av[k].have_pi = false;
	x->ctr.on = true;
	x->ctr.private_rest = known;
	memcpy(x->ctr.host_cwd, x->cwd, sizeof(x->ctr.host_cwd));
	memcpy(save_cwd, x->cwd, sizeof(save_cwd));
	if (workdir && workdir[0] == '/')
		normalize(workdir, false, "", x->cwd, sizeof(x->cwd));
	else
		strcpy(x->cwd, "/");
	if (!known && x->cap > RISK_HIGH)
		x->cap = RISK_HIGH;
	t.av = av;
	t.ac = n;
	t.role = ROLE_OTHER;
	x->ctr.maybe_args = fresh && !entry;
	check_argv(x, &t);
	x->cap = save_cap;
	memcpy(x->cwd, save_cwd, sizeof(save_cwd));
	if (av != stack)
		free(av);
out:
	x->ctr = *save;
	free(save);
}

/* Remember alias name=value for later commands; a later definition
 * replaces an earlier one. */
static void remember_alias(struct sctx *x, const char *name, const char *value)
{
	size_t k;

	if (strlen(name) >= sizeof(x->aliases[0].name) ||
	    strlen(value) >= sizeof(x->aliases[0].value))
		return;
	for (k = 0; k < x->n_aliases; k++)
		if (!strcmp(x->aliases[k].name, name))
			break;
	if (k == x->n_aliases) {
		if (k == ARRAY_SIZE(x->aliases))
			return;
		x->n_aliases++;
	}
	snprintf(x->aliases[k].name, sizeof(x->aliases[k].name), "%s", name);
	snprintf(x->aliases[k].value, sizeof(x->aliases[k].value), "%s", value);
	x->aliases[k].active = false;
}

/* Peel wrappers off c until the real command; then apply the rules. */
static void check_argv_at(struct sctx *x, struct cmd *c)
{
	struct strpool sp;
	struct prog_info info;
	int guard;
	char *keep_root = NULL; /* the container's root before a chroot */
	bool ctr_off = false;   /* nsenter left the container */
	const struct script *script;
	const char *copy_of;
	/* Only the container's own command may be an entrypoint's arguments,
	 * not what it runs in turn. */
	bool maybe_args = x->ctr.maybe_args;

	x->ctr.maybe_args = false;

	sp.used = 0;
	sp.n_heap = 0;
	/* Each turn peels at least one word, so the loop ends with the words;
	 * a count cap would let 64 wrappers hide the command. */
	for (guard = c->ac; guard > 0 && c->ac; guard--) {
		const char *prog;
		size_t k;

		if ((c->av[0].flags & SW_DYNAMIC) && c->ac >= 3 && !strcmp(c->av[1].s, "-c")) {
			/* $SHELL -c CODE: whatever the shell, CODE runs. */
			c->prog = "sh";
			handle_shell(c, &sp);
			goto out;
		}
		if (c->av[0].flags & SW_DYNAMIC) {
			bool bad = false;

			for (k = 1; k < c->ac; k++) {
				const struct pinfo *pi = safety_path(c, k);

				if (pi->cls >= PC_SYSTEM_FILE)
					bad = true;
			}
			if (bad)
				safety_add(c, 0, "dynamic-command", RISK_HIGH,
					   "runs a command chosen at run time on a system path");
			else
				safety_add(c, 0, "dynamic-command", RISK_MODERATE,
					   "runs a command chosen at run time");
			goto out;
		}
		prog = base_name(c->av[0].s);
		/* /tmp/x after cp /bin/bash /tmp/x runs bash */
		if (prog != c->av[0].s && (copy_of = safety_shell_copy(c, 0)) != NULL)
			prog = copy_of;
		c->prog = prog;
		/* Bombs defined earlier in this command. A function comes before
		 * a builtin or program of the same name (., :, eval). */
		for (k = 0; k < x->n_bombs; k++)
			if (!strcmp(x->bombs[k], c->av[0].s)) {
				safety_add(c, 0, "fork-bomb", RISK_CRITICAL,
					   "runs a fork bomb: %s calls itself without end", prog);
				goto out;
			}
		/* An alias defined earlier: its value, then the other words,
		 * is the command line. */
		for (k = 0; k < x->n_aliases; k++)
			if (!strcmp(x->aliases[k].name, c->av[0].s) && !x->aliases[k].active) {
				struct alias *al = &x->aliases[k];
				size_t rl = 0, vl = strlen(al->value);
				unsigned fl;
				char *rest = join_args(c, 1, &sp, &rl, &fl);
				char *code = rest ? sp_alloc(&sp, vl + rl + 2) : NULL;

				if (!code)
					break;
				snprintf(code, vl + rl + 2, "%s %s", al->value, rest);
				al->active = true;
				safety_check_code(c, code, vl + 1 + rl, 0, c->env);
				al->active = false;
				goto out;
			}
		/* A function defined earlier comes first too: its body runs
		 * with these arguments. */
		for (k = 0; k < x->n_funcs; k++)
			if (!strcmp(x->funcs[k].name, c->av[0].s) && !x->funcs[k].active &&
			    x->calls > 0) {
				struct func *f = &x->funcs[k];
				size_t bound = bind_positional(x, c, 0);

				x->calls--;
				f->active = true;
				walk_node(x, f->body, c->in, NULL);
				f->active = false;
				unbind_positional(x, bound);
				goto out;
			}
		safety_lookup(prog, &info);
		c->opt = info.opt >= 0 ? &safety_optspecs[info.opt] : NULL;
		if (runs_download(x, &c->av[0]))
			safety_add(c, 0, c->env.elevated ? "download-exec-root" : "download-exec",
				   c->env.elevated ? RISK_CRITICAL : RISK_HIGH,
				   "runs a program downloaded from the network%s",
				   c->env.elevated ? " as root" : "");
		/* ./run.sh after printf '...' > run.sh: a script with no
		 * #! line (or a shell's) runs in a shell. */
		if (prog != c->av[0].s && (script = script_text(x, &c->av[0])) != NULL &&
		    (!str_startswith(script->text, "#!") || shebang_shell(script->text))) {
			safety_check_code(c, script->text, script->len, 0, c->env);
			goto out;
		}
		if (info.cls & PROG_SUDO) {
			c->env.elevated = true;
			k = skip_opts(c, 1);
			/* sudo NAME=value... CMD sets the environment, as env
			 * does. */
			while (k < c->ac && is_assignment(c->av[k].s)) {
				if (!(c->av[k].flags & SW_DYNAMIC))
					check_env_assign(x, &c->av[k]);
				k++;
			}
			if (k >= c->ac) {
				bool shell = opt_before(c, k, 'i') || opt_before(c, k, 's') ||
					     !strcmp(prog, "pkexec") || !strcmp(prog, "run0");

				/* sudo -s <<< CODE: the root shell reads its
				 * program from stdin. */
				if (shell && c->in && c->in->kind != IN_NONE) {
					c->role = ROLE_SHELL_STDIN;
					if (c->in->kind == IN_TEXT) {
						stdin_code(c, &sp);
					} else {
						stdin_verdict(c);
						stdin_code(c, &sp);
					}
				} else if (shell) {
					safety_add(c, 0, "root-shell", RISK_MODERATE,
						   "opens a root shell");
				}
				goto out;
			}
			if (opt_before(c, k, 'e')) {
				/* sudo -e FILE: edit as root. */
				safety_add(c, (int)k, "sudoedit", RISK_MODERATE,
					   "edits %s as root", c->av[k].s);
				goto out;
			}
			shift(c, k);
			continue;
		}
		if (info.cls & PROG_WRAPPER) {
			if (!strcmp(prog, "command") && (cmd_has_short(c, 'v') || cmd_has_short(c, 'V')))
				goto out;
			if (!strcmp(prog, "exec") && c->ac == 1)
				goto out;
			/* npx -c 'CODE' runs CODE in a shell. */
			if (!strcmp(prog, "npx"))
				for (k = 1; k + 1 < c->ac && c->av[k].s[0] == '-'; k++)
					if (safety_prog_in(c->av[k].s, "-c --call")) {
						safety_check_code(c, c->av[k + 1].s, c->av[k + 1].len,
								  k + 1, c->env);
						goto out;
					}
			k = skip_opts(c, 1);
			if (!strcmp(prog, "taskset") || !strcmp(prog, "chrt"))
				k++; /* mask or priority */
			/* nsenter from a container enters the host's namespaces
			 * (-t 1 -m): its paths are the host's. */
			if (!strcmp(prog, "nsenter") && x->ctr.on) {
				x->ctr.on = false;
				ctr_off = true;
			}
			if (k >= c->ac) {
				/* nsenter -t 1 -a: a shell in another process's
				 * namespaces, the host's from a container. */
				if (safety_prog_in(prog, "nsenter unshare"))
					safety_add(c, 0, "root-shell", RISK_MODERATE,
						   "opens a shell in other namespaces");
				goto out;
			}
			shift(c, k);
			continue;
		}
		/* gdb --args PROG ARGS, lldb -- PROG ARGS: the debugger runs
		 * PROG (with -ex run, or once told to); its own options are
		 * checked as well, below. */
		if (safety_prog_in(prog, "gdb cgdb lldb")) {
			for (k = 1; k + 1 < c->ac; k++)
				if (!strcmp(c->av[k].s, strcmp(prog, "lldb") ? "--args" : "--")) {
					check_words(x, c, c->av + k + 1, c->ac - k - 1);
					break;
				}
		}
		if (!strcmp(prog, "timeout")) {
			k = skip_opts(c, 1);
			if (k + 1 >= c->ac)
				goto out;
			shift(c, k + 1);
			continue;
		}
		if (!strcmp(prog, "env")) {
			k = 1;
			while (k < c->ac) {
				const char *s = c->av[k].s;

				if (!strcmp(s, "-S") || !strcmp(s, "--split-string")) {
					run_code_words(c, k + 1, &sp, "env -S");
					goto out;
				}
				if (str_startswith(s, "-S") || str_startswith(s, "--split-string=")) {
					/* -S"CODE", --split-string=CODE: the rest of the
					 * word is the command line, the words after it
					 * its arguments. */
					struct sword *w = &c->av[k];
					size_t cut = s[1] == 'S' ? 2 : 15;

					w->s += cut;
					w->len -= cut;
					w->have_pi = false;
					run_code_words(c, k, &sp, "env -S");
					goto out;
				}
				if (!strcmp(s, "--")) {
					k++;
					continue;
				}
				if (s[0] == '-') {
					if (!strcmp(s, "-u") || !strcmp(s, "-C") || !strcmp(s, "-P") ||
					    !strcmp(s, "--unset") || !strcmp(s, "--chdir"))
						k++;
					k++;
					continue;
				}
				if (is_assignment(s)) {
					/* env PAGER=CMD git log, env BASH_ENV=F
					 * bash: as NAME=value before the command. */
					if (!(c->av[k].flags & SW_DYNAMIC))
						check_env_assign(x, &c->av[k]);
					k++;
					continue;
				}
				break;
			}
			if (k >= c->ac)
				goto out; /* prints the environment */
			shift(c, k);
			continue;
		}
		if (!strcmp(prog, "busybox") || !strcmp(prog, "toybox")) {
			if (c->ac < 2)
				goto out;
			shift(c, 1);
			continue;
		}
		if (!strcmp(prog, "chroot")) {
			k = skip_opts(c, 1);
			if (k + 1 >= c->ac) {
				safety_add(c, 0, "root-shell", RISK_MODERATE, "opens a shell in a chroot");
				goto out;
			}
			c->env.elevated = true;
			if (x->ctr.on && !(c->av[k].flags & SW_DYNAMIC)) {
				/* In a container: the new root is a dir of it
				 * (chroot /host under -v /:/host is the host). */
				char dir[sizeof(x->ctr.root)], norm[sizeof(x->ctr.root)];

				if (!keep_root)
					keep_root = xstrdup(x->ctr.root);
				normalize(c->av[k].s, false, x->cwd, norm, sizeof(norm));
				snprintf(dir, sizeof(dir), "%s%s", x->ctr.root,
					 strcmp(norm, "/") ? norm : "");
				memcpy(x->ctr.root, dir, sizeof(dir));
			}
			shift(c, k + 1);
			continue;
		}
		if (!strcmp(prog, "flock")) {
			k = skip_opts(c, 1);
			/* -c may come before the lock file or right after it. */
			for (size_t j = 1; j < c->ac && j <= k + 1; j++)
				if (!strcmp(c->av[j].s, "-c") || !strcmp(c->av[j].s, "--command")) {
					run_code_words(c, j + 1, &sp, "flock -c");
					goto out;
				}
			if (k + 1 >= c->ac)
				goto out;
			shift(c, k + 1);
			continue;
		}
		if (!strcmp(prog, "xargs")) {
			k = skip_opts(c, 1);
			handle_xargs(x, c, k, &sp);
			goto out;
		}
		if (!strcmp(prog, "parallel")) {
			handle_parallel(x, c, &sp);
			goto out;
		}
		if (!strcmp(prog, "fd") || !strcmp(prog, "fdfind")) {
			handle_fd(x, c);
			break;
		}
		if (!strcmp(prog, "find")) {
			handle_find(x, c);
			break; /* find's own rules (-delete) follow */
		}
		if (safety_prog_in(prog, "su runuser sg")) {
			for (k = 1; k < c->ac; k++)
				if (!strcmp(c->av[k].s, "-c") || !strcmp(c->av[k].s, "--command") ||
				    (c->av[k].s[0] == '-' && c->av[k].s[1] != '-' &&
				     strchr(c->av[k].s, 'c') && strlen(c->av[k].s) <= 3))
					break;
			if (!strcmp(prog, "sg") && k >= c->ac && c->ac >= 3) {
				run_code_words(c, 2, &sp, "sg");
				goto out;
			}
			if (k + 1 < c->ac) {
				struct cmd one = *c;

				one.env.elevated = true;
				one.ac = k + 2;
				if (!(c->av[k + 1].flags & SW_DYNAMIC))
					safety_check_code(&one, c->av[k + 1].s, c->av[k + 1].len, k + 1,
							  one.env);
				else
					run_code_words(&one, k + 1, &sp, prog);
				goto out;
			}
			if (!strcmp(prog, "runuser")) {
				k = skip_opts(c, 1);
				if (k < c->ac) {
					c->env.elevated = true;
					shift(c, k);
					continue;
				}
			}
			safety_add(c, 0, "root-shell", RISK_MODERATE, "opens a shell as another user");
			goto out;
		}
		if (!strcmp(prog, "ssh")) {
			k = skip_opts(c, 1);
			/* ssh host -- CMD */
			if (k + 2 < c->ac && !strcmp(c->av[k + 1].s, "--")) {
				c->av[k + 1] = c->av[k];
				k++;
			}
			check_code_opts(c); /* -o ProxyCommand=CMD */
			ssh_stdin(c, k, &sp);
			if (k + 1 >= c->ac)
				goto out; /* an interactive session */
			run_remote(c, k + 1, c->ac, &sp, "ssh-remote", c->av[k].s);
			goto out;
		}
		if ((info.cls & PROG_FLEET) && fleet_command(c, &sp))
			goto out;
		if (!strcmp(prog, "script")) {
			/* script -c CODE [FILE]: CODE runs in a shell. */
			for (k = 1; k + 1 < c->ac; k++)
				if (!strcmp(c->av[k].s, "--command") ||
				    (c->av[k].s[0] == '-' && c->av[k].s[1] != '-' &&
				     c->av[k].s[c->av[k].len - 1] == 'c' &&
				     strspn(c->av[k].s + 1, "aefqc") == c->av[k].len - 1)) {
					size_t ac = c->ac;

					c->ac = k + 2; /* the code only, not the log file */
					run_code_words(c, k + 1, &sp, "script");
					c->ac = ac;
					goto out;
				}
			break;
		}
		if (!strcmp(prog, "watch")) {
			k = skip_opts(c, 1);
			run_code_words(c, k, &sp, "watch");
			goto out;
		}
		if (!strcmp(prog, "eval")) {
			run_code_words(c, 1, &sp, "eval");
			goto out;
		}
		if (!strcmp(prog, "source") || !strcmp(prog, ".")) {
			if (c->ac > 1)
				run_script_file(c, 1, prog);
			goto out;
		}
		if (info.cls & PROG_SHELL) {
			handle_shell(c, &sp);
			goto out;
		}
		if (info.cls & PROG_INTERP)
			handle_interpreter(c, &sp);
		if (!strcmp(prog, "alias")) {
			/* alias NAME='code': the code runs when NAME is typed. */
			for (k = 1; k < c->ac; k++) {
				const char *eq = strchr(c->av[k].s, '=');
				enum risk before = x->v->risk;
				struct prog_info named;
				char name[64];

				if (!eq || (c->av[k].flags & SW_DYNAMIC))
					continue;
				/* What the code alone rates: the verdict's
				 * running maximum is put back after. */
				x->v->risk = RISK_SAFE;
				safety_check_code(c, eq + 1, strlen(eq + 1), k, c->env);
				snprintf(name, sizeof(name), "%.*s",
					 (int)(eq - c->av[k].s), c->av[k].s);
				safety_lookup(name, &named);
				/* A read-only command people type without a
				 * thought (ls, cd, cat) made to change things. */
				if (x->v->risk >= RISK_MODERATE && named.ro >= 0)
					safety_add(c, (int)k, "alias-trap", RISK_HIGH,
						   "makes '%s', a read-only command, run code "
						   "that changes things", name);
				if (before > x->v->risk)
					x->v->risk = before;
				remember_alias(x, name, eq + 1);
			}
			goto out;
		}
		if (safety_prog_in(prog, "at batch")) {
			/* at TIME <<< CODE, echo CODE | batch: the job is shell
			 * code run later; at -f FILE reads it from FILE. */
			for (k = 1; k + 1 < c->ac; k++)
				if (!strcmp(c->av[k].s, "-f")) {
					const struct script *sc = script_text(x, &c->av[k + 1]);

					if (sc)
						safety_check_code(c, sc->text, sc->len, k + 1, c->env);
				}
			if (c->in && c->in->text &&
			    (c->in->kind == IN_TEXT || c->in->kind == IN_OTHER))
				stdin_code(c, &sp);
			break;
		}
		if (!strcmp(prog, "crontab")) {
			/* crontab - with the table as text: each entry's
			 * command runs on schedule. */
			/* crontab alone reads the table from stdin too */
			if ((cmd_has_arg(c, "-") || (c->ac == 1 && c->in)) && c->in && c->in->text &&
			    (c->in->kind == IN_TEXT || c->in->kind == IN_OTHER))
				check_cron_text(c, c->in->text, c->in->text_len, false);
			break;
		}
		if (!strcmp(prog, "trap")) {
			k = skip_opts(c, 1);
			if (k < c->ac && !cmd_has_short(c, 'l') && !cmd_has_short(c, 'p') &&
			    strcmp(c->av[k].s, "-") != 0 && !(c->av[k].flags & SW_DYNAMIC))
				safety_check_code(c, c->av[k].s, c->av[k].len, k, c->env);
			goto out;
		}
		if (!strcmp(prog, "set")) {
			/* set -- a b, set a b: new positional parameters. */
			bool opt_arg = false;

			for (k = 1; k < c->ac && c->av[k].s[0] == '-' && strcmp(c->av[k].s, "--"); k++)
				opt_arg |= !strcmp(c->av[k].s, "-o"); /* set -o OPTION */
			if (!opt_arg && k < c->ac && c->av[k].s[0] != '+')
				bind_positional(x, c, !strcmp(c->av[k].s, "--") ? k : k - 1);
			break; /* its own rules follow (set +o history) */
		}
		if (info.cls & PROG_CONTAINER) {
			handle_container(x, c);
			break; /* their own rules follow (-v /:/host, prune) */
		}
		if (!strcmp(prog, "cd") || !strcmp(prog, "pushd")) {
			do_cd(x, c);
			goto out;
		}
		break;
	}
	if (!c->ac || !c->prog)
		goto out;
	if (info.cls & PROG_DOWNLOAD) {
		c->role = c->role ? c->role : ROLE_DOWNLOAD;
		note_download_args(x, c);
	}
	if (info.cls & PROG_NET)
		c->role = ROLE_NET;
	if (info.cls & PROG_CODEOPT)
		check_code_opts(c);
	if (info.cls & PROG_OUTFILE)
		check_out_opts(c);
	/* Help and version output change nothing. */
	if (c->ac == 2 && (!strcmp(c->av[1].s, "--help") || !strcmp(c->av[1].s, "--version") ||
			   !strcmp(c->av[1].s, "-h")))
		goto out;
	{
		bool hit = false, fallback = false;
		size_t r;

		for (r = 0; r < info.n_rules; r++) {
			const struct rule *ru = &safety_rules[info.rules[r]];
			int i;

			if (ru->flags & RULE_FALLBACK) {
				fallback = true;
				continue;
			}
			i = ru->match(c);
			if (i >= 0) {
				safety_add(c, i, ru->id, ru->risk, "%s", ru->message);
				hit = true;
			}
		}
		if (hit || safety_read_only(c, info.ro))
			goto out;
		if (fallback) {
			for (r = 0; r < info.n_rules; r++) {
				const struct rule *ru = &safety_rules[info.rules[r]];
				int i;

				if (!(ru->flags & RULE_FALLBACK))
					continue;
				i = ru->match(c);
				if (i >= 0) {
					safety_add(c, i, ru->id, ru->risk, "%s", ru->message);
					break;
				}
			}
			goto out;
		}
		if (c->role == ROLE_SHELL || c->role == ROLE_SHELL_STDIN)
			goto out;
		/* python3 -m http.server --help: no rule matched, and the
		 * program only prints its usage. */
		if (!strcmp(c->av[c->ac - 1].s, "--help") || !strcmp(c->av[c->ac - 1].s, "--version") ||
		    (c->ac == 2 && !strcmp(c->av[1].s, "-version"))) /* java -version */
			goto out;
		if (!info.known && maybe_args)
			;
		else if (!info.known)
			safety_add(c, 0, "unknown-program", RISK_MODERATE,
				   "%s is not a known read-only command", c->prog);
		else
			safety_add(c, 0, "changes-state", RISK_MODERATE,
				   "%s changes files or system state", c->prog);
	}
out:
	if (keep_root) {
		snprintf(x->ctr.root, sizeof(x->ctr.root), "%s", keep_root);
		free(keep_root);
	}
	if (ctr_off)
		x->ctr.on = true;
	sp_release(&sp);
}

/* ---- redirections ----------------------------------------------------- */

/* Judge a write to the file c->av[i] names (> FILE, >> FILE when not
 * trunc, or an option that names the output file), as its class says. */
static void judge_write(struct cmd *c, size_t i, bool trunc)
{
	const struct pinfo *pi = safety_path(c, i);
	const struct sword *w = &c->av[i];

	if (pi->sysrq) {
		safety_add(c, (int)i, "sysrq", RISK_CRITICAL,
			   "writes to /proc/sysrq-trigger: an immediate kernel action (crash, reboot)");
	} else if (pi->cls == PC_DEVICE) {
		safety_add(c, (int)i, "write-device", RISK_CRITICAL,
			   "writes over a disk device, destroying its data");
	} else if (pi->auth) {
		safety_add(c, (int)i, trunc ? "truncate-auth" : "write-auth",
			   trunc ? RISK_CRITICAL : RISK_HIGH,
			   trunc ? "overwrites a file that controls logins (passwd, shadow, sudoers)"
				 : "changes a file that controls logins (passwd, shadow, sudoers)");
	} else if (pi->login_keys) {
		safety_add(c, (int)i, "ssh-login-key", RISK_HIGH, "%s",
			   trunc ? "replaces the keys that may log in to this account over ssh"
				 : "adds a key that may log in to this account over ssh");
	} else if (pi->kernel) {
		safety_add(c, (int)i, "write-kernel", RISK_HIGH, "changes kernel settings");
	} else if ((pi->cls == PC_SYSTEM || pi->cls == PC_SYSTEM_FILE) && !pi->routine) {
		safety_add(c, (int)i, "write-system-file", RISK_HIGH, "%s a system file",
			   trunc ? "overwrites" : "appends to");
	} else if (pi->history && trunc) {
		safety_add(c, (int)i, "history-wipe", RISK_HIGH, "erases the shell history");
	} else if (pi->sensitive && trunc) {
		safety_add(c, (int)i, "write-dotfile", RISK_HIGH,
			   "overwrites a shell start-up file or key file in the home directory");
	} else if (pi->sensitive) {
		safety_add(c, (int)i, "append-dotfile", RISK_MODERATE,
			   "appends to a start-up or key file in the home directory");
	} else if (pi->cls == PC_HOME || pi->cls == PC_ROOT) {
		safety_add(c, (int)i, "write-system-file", RISK_HIGH, "writes to a directory path");
	} else if (pi->cls != PC_NULLDEV) {
		safety_add(c, (int)i, "redirect-write", RISK_MODERATE, "%s %s",
			   trunc ? "overwrites" : "appends to",
			   w->s[0] == SW_UNKNOWN_CH ? "a file named at run time" : w->s);
	}
}

/* Options that name the file a program writes its output to: judged as
 * > FILE would be (curl -o /etc/passwd is truncate-auth). */
static const struct {
	const char *progs;
	char letter;
	const char *name;
} out_opts[] = {
	{"curl", 'o', "output"},   {"wget", 'O', "output-document"}, {"sort", 'o', "output"},
	{"gpg gpg2", 'o', "output"}, {"openssl", 0, "out"},          {"openssl", 0, "keyout"},
};

static void check_out_opts(struct cmd *c)
{
	struct optit it = OPTIT_INIT;
	struct opt o;
	size_t k;

	while (opt_next(c, &it, &o)) {
		if (!o.val || o.val_i == o.i || !strcmp(o.val, "-"))
			continue;
		for (k = 0; k < ARRAY_SIZE(out_opts); k++)
			if (safety_prog_in(c->prog, out_opts[k].progs) &&
			    opt_is(&o, out_opts[k].letter, out_opts[k].name))
				judge_write(c, o.val_i, true);
	}
}

static void check_redirs(struct sctx *x, const struct shell_redir *r, struct strpool *sp)
{
	for (; r; r = r->next) {
		struct sword w;
		struct cmd c;

		if (r->op == SHELL_REDIR_HEREDOC || r->op == SHELL_REDIR_HEREDOC_TAB ||
		    r->op == SHELL_REDIR_HERESTRING)
			continue;
		if ((r->op == SHELL_REDIR_DUP_IN || r->op == SHELL_REDIR_DUP_OUT))
			continue;
		if (resolve_word(x, r->target, &w, 1, sp, r->start, r->len) != 1)
			continue;
		memset(&c, 0, sizeof(c));
		c.x = x;
		c.av = &w;
		c.ac = 1;
		c.prog = "";
		c.env = x->env;
		if (safety_path(&c, 0)->devtcp) {
			safety_add(&c, 0, "reverse-shell", RISK_HIGH,
				   "connects the shell's input or output to a network socket");
			continue;
		}
		if (r->op == SHELL_REDIR_IN)
			continue;
		judge_write(&c, 0, r->op != SHELL_REDIR_APPEND && r->op != SHELL_REDIR_APPEND_ERR);
	}
}

/* ---- walking the tree ------------------------------------------------- */

static void walk_word_subs(struct sctx *x, const struct shell_word *w);

static void walk_part_subs(struct sctx *x, const struct shell_part *pt)
{
	for (; pt; pt = pt->next) {
		if (pt->sub) {
			char save[sizeof(x->cwd)];

			memcpy(save, x->cwd, sizeof(save));
			walk_list(x, pt->sub);
			memcpy(x->cwd, save, sizeof(save));
		}
		if (pt->arg)
			walk_part_subs(x, pt->arg);
		if (pt->elems)
			walk_word_subs(x, pt->elems);
	}
}

static void walk_word_subs(struct sctx *x, const struct shell_word *w)
{
	for (; w; w = w->next)
		if (w->flags & (SHELL_W_CMDSUB | SHELL_W_PROCSUB | SHELL_W_PARAM | SHELL_W_ARITH |
				SHELL_W_ARRAY))
			walk_part_subs(x, w->parts);
}

static void walk_redir_subs(struct sctx *x, const struct shell_redir *r)
{
	for (; r; r = r->next) {
		walk_word_subs(x, r->target);
		if (r->body)
			walk_word_subs(x, r->body);
	}
}

/* Does the body of function name call it in a way that multiplies? */
struct bomb_scan {
	const char *name;
	int calls;
	bool spread;     /* a call in a pipeline or in the background */
};

static void scan_calls(const struct shell_node *n, struct bomb_scan *b, bool spread, int depth)
{
	const struct shell_node *c;

	if (!n || depth > 64)
		return;
	switch (n->kind) {
	case SHELL_SIMPLE:
		if (n->words && n->words->text && !strcmp(n->words->text, b->name)) {
			b->calls++;
			if (spread)
				b->spread = true;
		}
		return;
	case SHELL_PIPELINE:
		for (c = n->child; c; c = c->next)
			scan_calls(c, b, true, depth + 1);
		return;
	case SHELL_LIST:
		for (c = n->child; c; c = c->next)
			scan_calls(c, b, spread || c->sep == SHELL_SEP_AMP, depth + 1);
		return;
	default:
		scan_calls(n->cond, b, spread, depth + 1);
		for (c = n->child; c; c = c->next)
			scan_calls(c, b, spread, depth + 1);
		scan_calls(n->alt, b, spread, depth + 1);
		return;
	}
}

static bool is_forever(const struct shell_node *cond, bool until)
{
	const struct shell_node *c = cond ? cond->child : NULL;

	if (!c || c->next || c->kind != SHELL_SIMPLE || !c->words || !c->words->text ||
	    c->words->next)
		return false;
	return until ? !strcmp(c->words->text, "false")
		     : (!strcmp(c->words->text, "true") || !strcmp(c->words->text, ":"));
}

/* for ((init; test; step)) with no test, or a test of 1, runs forever. */
static bool is_forever_for(const struct shell_node *n)
{
	const char *t = n->arith && n->words && n->words->parts ? n->words->parts->text : NULL;
	const char *a, *b;


	if (!t || !(a = strchr(t, ';')) || !(b = strchr(a + 1, ';')))
		return false;
	for (a++; a < b && (*a == ' ' || *a == '\t'); a++)
		;
	while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	return a == b || (b - a == 1 && *a == '1');
}

/* What the body of an endless loop does: leaves it (break, exit, return),
 * waits between rounds (sleep, read...), or makes something new each
 * round (a file, a directory, output appended). */
struct loop_scan {
	bool leaves, paced, creates;
};

static void scan_loop(const struct shell_node *n, struct loop_scan *ls, int depth)
{
	const struct shell_node *c;
	const struct shell_redir *r;

	if (!n || depth > 64)
		return;
	for (r = n->redirs; r; r = r->next)
		if ((r->op == SHELL_REDIR_OUT || r->op == SHELL_REDIR_APPEND ||
		     r->op == SHELL_REDIR_CLOBBER || r->op == SHELL_REDIR_OUT_ERR ||
		     r->op == SHELL_REDIR_APPEND_ERR) &&
		    !(r->target && r->target->text && !strncmp(r->target->text, "/dev/", 5)) &&
		    (r->op == SHELL_REDIR_APPEND || r->op == SHELL_REDIR_APPEND_ERR ||
		     !r->target || !r->target->text))
			ls->creates = true; /* appended, or a new name each round */
	if (n->kind == SHELL_SIMPLE) {
		const char *p = n->words ? n->words->text : NULL, *slash;

		if (!p)
			return;
		if ((slash = strrchr(p, '/')))
			p = slash + 1;
		if (safety_prog_in(p, "break exit return"))
			ls->leaves = true;
		else if (safety_prog_in(p, "sleep wait read inotifywait select usleep"))
			ls->paced = true;
		else if (safety_prog_in(p, "mkdir touch cp dd fallocate mkfifo mknod mktemp ln "
					   "install truncate tee split"))
			ls->creates = true;
		return;
	}
	scan_loop(n->cond, ls, depth + 1);
	for (c = n->child; c; c = c->next)
		scan_loop(c, ls, depth + 1);
	scan_loop(n->alt, ls, depth + 1);
}

/* An endless loop that makes something every round and never waits or
 * leaves fills the disk or the inode table (while :; do mkdir d; cd d;
 * done). */
static bool loop_fills(const struct shell_node *body)
{
	struct loop_scan ls = {false, false, false};

	scan_loop(body, &ls, 0);
	return ls.creates && !ls.leaves && !ls.paced;
}

static bool has_background(const struct shell_node *l)
{
	const struct shell_node *c;

	for (c = l ? l->child : NULL; c; c = c->next)
		if (c->sep == SHELL_SEP_AMP)
			return true;
	return false;
}

#define FILL_LOOP_MSG "creates files or directories in an endless loop: fills the disk"

static void add_node_reason(struct sctx *x, const struct shell_node *n, const char *rule,
			    enum risk risk, const char *msg)
{
	add_reason(x, rule, risk, n->start, n->len, msg);
}

static void check_simple(struct sctx *x, const struct shell_node *n, const struct stdin_info *in,
			 int *role)
{
	struct strpool sp;
	struct sword stack[AV_STACK], *av = stack;
	size_t cap = AV_STACK, ac = 0;
	const struct shell_word *w;
	const struct shell_redir *r;
	struct stdin_info hd;
	struct cmd c;

	sp.used = 0;
	sp.n_heap = 0;
	check_redirs(x, n->redirs, &sp);
	if (!n->words) {
		for (w = n->assigns; w; w = w->next) {
			check_assign(x, w);
			set_var(x, w, &sp);
		}
		goto out;
	}
	if (n->n_words > cap) {
		cap = n->n_words + 8;
		av = xmallocarray(cap, sizeof(*av));
	}
	for (w = n->words; w; w = w->next) {
		size_t got = resolve_word(x, w, av + ac, cap - ac, &sp, w->start, w->len);

		ac += got;
		if (ac == cap && w->next) {
			/* Splitting made more words than the array holds. */
			struct sword *bigger = xmallocarray(cap * 2, sizeof(*av));

			memcpy(bigger, av, ac * sizeof(*av));
			if (av != stack)
				free(av);
			av = bigger;
			cap *= 2;
		}
	}
	/* Here-documents and here-strings feed stdin. */
	for (r = n->redirs; r; r = r->next) {
		if (r->op == SHELL_REDIR_HERESTRING || r->op == SHELL_REDIR_HEREDOC ||
		    r->op == SHELL_REDIR_HEREDOC_TAB) {
			const struct shell_word *bw = r->op == SHELL_REDIR_HERESTRING ? r->target : r->body;

			memset(&hd, 0, sizeof(hd));
			hd.kind = bw && bw->text ? IN_TEXT : IN_OTHER;
			if (bw && bw->text) {
				hd.text = bw->text;
				hd.text_len = bw->text_len;
			}
			hd.span_start = r->start;
			hd.span_len = r->len;
			if (bw && !bw->text) {
				/* <<< "$(...)": known text when the substitution's
				 * output is (echo X | base64 -d); an unquoted
				 * here-document's $HOME is known too. What is not
				 * known stays SW_UNKNOWN_CH in the text. */
				struct sword s1;

				if (resolve_word(x, bw, &s1, 1, &sp, r->start, r->len) == 1) {
					if (s1.flags & SW_DOWNLOAD)
						hd.kind = IN_DOWNLOAD;
					else if (!(s1.flags & SW_DYNAMIC))
						hd.kind = IN_TEXT, hd.text = s1.s, hd.text_len = s1.len;
					else if (s1.flags & SW_DECODED)
						hd.kind = IN_DECODED;
					else
						hd.text = s1.s, hd.text_len = s1.len;
				}
			}
			in = &hd;
		} else if (r->op == SHELL_REDIR_IN && r->fd == 0 &&
			   !(r->target->flags & SHELL_W_PROCSUB)) {
			/* < FILE: a file written earlier with static text
			 * gives that text; any other is a script by name. */
			struct sword s1;
			const struct script *sc;

			memset(&hd, 0, sizeof(hd));
			hd.span_start = r->start;
			hd.span_len = r->len;
			if (resolve_word(x, r->target, &s1, 1, &sp, r->start, r->len) != 1)
				continue;
			sc = script_text(x, &s1);
			hd.kind = sc ? IN_TEXT : IN_FILE;
			hd.text = sc ? sc->text : s1.s;
			hd.text_len = sc ? sc->len : s1.len;
			in = &hd;
		} else if (r->op == SHELL_REDIR_IN && (r->target->flags & SHELL_W_PROCSUB)) {
			struct sword s1;
			const struct script *sc = NULL;

			memset(&hd, 0, sizeof(hd));
			hd.kind = IN_OTHER;
			hd.span_start = r->start;
			hd.span_len = r->len;
			if (resolve_word(x, r->target, &s1, 1, &sp, r->start, r->len) == 1) {
				if (s1.flags & SW_DOWNLOAD)
					hd.kind = IN_DOWNLOAD;
				else if ((sc = script_text(x, &s1)) != NULL) {
					/* sh < <(echo CODE): CODE */
					hd.kind = IN_TEXT;
					hd.text = sc->text;
					hd.text_len = sc->len;
				}
			}
			in = &hd;
		}
	}
	if (!ac)
		goto out;
	memset(&c, 0, sizeof(c));
	c.x = x;
	c.av = av;
	c.ac = ac;
	c.env = x->env;
	c.in = in;
	check_argv(x, &c);
	*role = c.role;
	/* curl URL > FILE: FILE is downloaded code if run later. */
	if (c.role == ROLE_DOWNLOAD)
		for (r = n->redirs; r; r = r->next)
			if (r->fd == 1 && (r->op == SHELL_REDIR_OUT || r->op == SHELL_REDIR_CLOBBER ||
					   r->op == SHELL_REDIR_OUT_ERR)) {
				struct sword t;

				if (resolve_word(x, r->target, &t, 1, &sp, r->start, r->len) == 1)
					note_download(x, t.s, t.len, (t.flags & SW_HOME) != 0);
			}
	/* echo CODE > F, cat > F <<EOF: remember what F holds; any other
	 * write leaves it unknown. */
	for (r = n->redirs; r; r = r->next) {
		struct sword t;
		const char *text = NULL, *xsrc;
		size_t tlen = 0, xsrc_len;
		char *buf;

		if (r->fd != 1 || (r->op != SHELL_REDIR_OUT && r->op != SHELL_REDIR_CLOBBER &&
				   r->op != SHELL_REDIR_APPEND && r->op != SHELL_REDIR_OUT_ERR &&
				   r->op != SHELL_REDIR_APPEND_ERR))
			continue;
		if (resolve_word(x, r->target, &t, 1, &sp, r->start, r->len) != 1 ||
		    str_startswith(t.s, "/dev/"))
			continue;
		if (c.prog && !strcmp(c.prog, "cat") && c.ac == 1 && in && in->kind == IN_TEXT) {
			text = in->text;
			tlen = in->text_len;
		} else if ((buf = sp_alloc(&sp, n->len + 2)) != NULL &&
			   echo_text(n, buf, n->len + 1, &tlen)) {
			buf[tlen++] = '\n';
			text = buf;
		} else if ((buf = sp_alloc(&sp, 1024)) != NULL &&
			   (decoded_text(n, in, buf, 1024, &tlen) ||
			    xform_node(n, in, buf, 1024, &tlen, &xsrc, &xsrc_len))) {
			/* echo B64 | base64 -d > F, echo '/ fr- mr' | rev > F */
			text = buf;
		}
		note_script(x, &t, text, tlen,
			    r->op == SHELL_REDIR_APPEND || r->op == SHELL_REDIR_APPEND_ERR);
		if (text && tlen)
			check_written_code(&c, &t, text, tlen);
	}
	/* cp /bin/bash /tmp/x: /tmp/x is a shell (chmod +s on it later). */
	if (c.prog && safety_prog_in(c.prog, "cp install") && c.ac >= 3) {
		const struct sword *d = &c.av[c.ac - 1];
		struct script *sc;

		for (size_t i = 1; i + 1 < c.ac; i++) {
			const char *b = base_name(c.av[i].s);

			if (c.av[i].s[0] != '-' && (safety_is_shell(b) || safety_is_interpreter(b)) &&
			    strlen(b) < sizeof(sc->copy_of) && !(d->flags & SW_DYNAMIC) &&
			    (sc = script_find(x, d->s, d->len, (d->flags & SW_HOME) != 0, true))) {
				sc->known = false;
				strcpy(sc->copy_of, b);
				break;
			}
		}
	}
	/* echo 'ENTRY' | sudo tee /etc/cron.d/x, ... | tee -a ~/.bashrc;
	 * curl URL | tee x.sh: x.sh is downloaded code if run later. */
	if (c.prog && !strcmp(c.prog, "tee") && in &&
	    ((in->kind == IN_TEXT && in->text_len) || in->kind == IN_DOWNLOAD)) {
		int i;

		for (i = 1; i < (int)c.ac; i++) {
			if (c.av[i].s[0] == '-')
				continue;
			if (in->kind == IN_DOWNLOAD)
				note_download(x, c.av[i].s, c.av[i].len,
					      (c.av[i].flags & SW_HOME) != 0);
			else
				check_written_code(&c, &c.av[i], in->text, in->text_len);
		}
	}
	/* export/readonly/declare NAME=value, unset NAME, read NAME. */
	if (c.prog && safety_prog_in(c.prog, "export declare typeset local readonly")) {
		for (w = n->words->next; w; w = w->next)
			if (w->flags & SHELL_W_ASSIGN) {
				check_assign(x, w);
				set_var(x, w, &sp);
			}
	} else if (c.prog && !strcmp(c.prog, "read") && read_static(x, &c, n->assigns)) {
		/* read -r d <<< /: d is / */
	} else if (c.prog && safety_prog_in(c.prog, "unset read mapfile readarray")) {
		bool unset = !strcmp(c.prog, "unset");

		for (size_t i = 1; i < c.ac; i++) {
			if (unset && history_off(c.av[i].s, c.av[i].len, NULL, 0))
				safety_add(&c, (int)i, "history-off", RISK_MODERATE,
					   "stops saving shell history");
			forget_var(x, c.av[i].s, c.av[i].len);
		}
	}
	for (w = n->assigns; w; w = w->next)
		check_assign(x, w);
out:
	if (av != stack)
		free(av);
	sp_release(&sp);
}

/* echo WORDS with expansions: its output as far as it is known (echo
 * "rm -rf $HOME" | sh), parts not known as SW_UNKNOWN_CH. */
static bool echo_text_resolved(struct sctx *x, const struct shell_node *c, char *buf, size_t cap,
			       size_t *len)
{
	const struct shell_word *w;
	struct strpool sp;
	size_t n = 0;
	bool ok = true;

	if (c->kind != SHELL_SIMPLE || !c->words || !c->words->text ||
	    strcmp(c->words->text, "echo") || c->redirs)
		return false;
	sp.used = 0;
	sp.n_heap = 0;
	for (w = c->words->next; w && ok; w = w->next) {
		struct sword r[8];
		size_t k, got;

		if (w->text && (!strcmp(w->text, "-n") || !strcmp(w->text, "-e")) && !n)
			continue;
		got = resolve_word(x, w, r, ARRAY_SIZE(r), &sp, w->start, w->len);
		for (k = 0; k < got && ok; k++) {
			if (n + r[k].len + 2 > cap) {
				ok = false;
				break;
			}
			if (n)
				buf[n++] = ' ';
			memcpy(buf + n, r[k].s, r[k].len);
			n += r[k].len;
		}
	}
	sp_release(&sp);
	buf[n] = '\0';
	*len = n;
	return ok && n;
}

/* What a command's output gives the next one in a pipeline (echo and
 * find are filled in by walk_pipeline). */
static void summarize(const struct shell_node *n, int role, struct stdin_info *out)
{
	const struct shell_word *w;
	const char *p;
	bool cat;

	memset(out, 0, sizeof(*out));
	out->kind = role == ROLE_DOWNLOAD ? IN_DOWNLOAD : IN_OTHER;
	out->span_start = n->start;
	out->span_len = n->len;
	if (n->kind != SHELL_SIMPLE || !n->words || !n->words->text)
		return;
	p = base_name(n->words->text);
	if (!strcmp(p, "find"))
		out->kind = IN_PATHS;
	/* ls alone prints every name in the current dir. */
	if (!strcmp(p, "ls")) {
		for (w = n->words->next; w && w->text && w->text[0] == '-' && w->text[1]; w = w->next)
			;
		if (!w) {
			out->kind = IN_PATHS;
			out->text = "*";
			out->text_len = 1;
			out->path_flags = SW_EVERY;
		}
	}
	if (safety_prog_class(p) & PROG_DECODE)
		out->kind = IN_DECODED;
	cat = !strcmp(p, "cat");
	/* Output without end: yes, seq ... inf, cat /dev/zero. */
	out->endless = !strcmp(p, "yes");
	/* echo "$CMD", printf '%s' "$CMD": a variable's text as it is, as
	 * sh -c "$CMD" would run it; cat FILE...: the files' text as it is,
	 * as if the shell read them itself (sh FILE). */
	out->verbatim = !strcmp(p, "echo") || !strcmp(p, "printf") || (cat && n->words->next);
	for (w = n->words->next; w; w = w->next) {
		if (!w->text)
			continue;
		if ((!strcmp(p, "seq") && (!strcmp(w->text, "inf") || !strcmp(w->text, "infinity"))) ||
		    (cat && (!strcmp(w->text, "/dev/zero") || !strcmp(w->text, "/dev/urandom") ||
			     !strcmp(w->text, "/dev/random"))))
			out->endless = true;
		if (cat && w->text[0] == '-')
			out->verbatim = false; /* cat -v, cat -A rewrite */
	}
}

/* cat F, where an earlier command wrote F with known text (echo CODE >
 * F; cat F | sh) or F is <(echo CODE): that text. */
static const char *cat_file_text(struct sctx *x, const struct shell_node *c, size_t *len)
{
	const struct shell_word *w;
	const struct script *sc;
	struct strpool sp;
	struct sword s1;

	if (c->kind != SHELL_SIMPLE || c->redirs || !c->words || !c->words->text ||
	    strcmp(c->words->text, "cat") || !(w = c->words->next) || w->next ||
	    (w->text && w->text[0] == '-'))
		return NULL;
	sp.used = 0;
	sp.n_heap = 0;
	sc = resolve_word(x, w, &s1, 1, &sp, w->start, w->len) == 1 ? script_text(x, &s1) : NULL;
	sp_release(&sp);
	if (!sc)
		return NULL;
	*len = sc->len;
	return sc->text;
}

/* A filter whose words are all static, fed static text (in, or its own
 * here-string or here-document): what it writes, into buf. *src is the
 * text that went in. */
static bool xform_node(const struct shell_node *c, const struct stdin_info *in, char *buf,
		       size_t cap, size_t *len, const char **src, size_t *src_len)
{
	const char *av[8];
	const struct shell_word *w;
	const struct shell_redir *r;
	size_t ac = 0;

	*src = in && in->kind == IN_TEXT ? in->text : NULL;
	*src_len = *src ? in->text_len : 0;
	if (c->kind != SHELL_SIMPLE)
		return false;
	for (r = c->redirs; r; r = r->next) {
		const struct shell_word *bw = r->op == SHELL_REDIR_HERESTRING ? r->target :
					      r->op == SHELL_REDIR_HEREDOC ||
					      r->op == SHELL_REDIR_HEREDOC_TAB ? r->body : NULL;

		if (!bw && r->fd == 0)
			return false; /* < FILE: not known */
		if (bw) {
			*src = bw->text;
			*src_len = bw->text ? bw->text_len : 0;
		}
	}
	/* Text not all known ("$P" | rev) stays unknown: reversed or
	 * translated, what runs cannot be told. */
	if (!*src || memchr(*src, SW_UNKNOWN_CH, *src_len))
		return false;
	for (w = c->words; w; w = w->next) {
		if (!w->text || ac == ARRAY_SIZE(av))
			return false;
		av[ac++] = w->text;
	}
	return safety_xform_text(av, ac, *src, *src_len, buf, cap, len);
}

/* The static lines of a group's output, ( ... ) or { ...; }: what its
 * echo and printf items write, one line each, into buf (cap bytes).
 * *all says whether every item was such static text. NULL when none
 * was. */
static const char *group_text(const struct shell_node *g, char *buf, size_t cap, size_t *len,
			      bool *all)
{
	const struct shell_node *l, *it;
	size_t n = 0;

	*all = true;
	if (g->kind != SHELL_SUBSHELL && g->kind != SHELL_BRACE)
		return NULL;
	l = g->child;
	it = l && l->kind == SHELL_LIST ? l->child : l;
	for (; it; it = l && l->kind == SHELL_LIST ? it->next : NULL) {
		size_t k;

		if (n + 2 < cap && !it->redirs && echo_text(it, buf + n, cap - n - 1, &k)) {
			n += k;
			buf[n++] = '\n';
		} else {
			*all = false;
		}
	}
	if (!n)
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* cat <<EOF ... EOF or cat <<< 'TEXT' (no other words) writes the
 * body as it is: that body when static, else NULL. */
static const char *cat_here_text(const struct shell_node *c, size_t *len)
{
	const struct shell_redir *r;
	const struct shell_word *bw = NULL;

	if (c->kind != SHELL_SIMPLE || !c->words || !c->words->text ||
	    strcmp(c->words->text, "cat") != 0 ||
	    (c->words->next && (!c->words->next->text || strcmp(c->words->next->text, "-") ||
				c->words->next->next)))
		return NULL;
	for (r = c->redirs; r; r = r->next) {
		if (r->op == SHELL_REDIR_HERESTRING)
			bw = r->target;
		else if (r->op == SHELL_REDIR_HEREDOC || r->op == SHELL_REDIR_HEREDOC_TAB)
			bw = r->body;
		else if (r->fd == 0 || r->fd == 1)
			return NULL;
	}
	if (!bw || !bw->text)
		return NULL;
	*len = bw->text_len;
	return bw->text;
}

#define B64_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#define B32_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define HEX_ALPHABET "0123456789abcdef"

/* Decode text written in al (64, 32 or 16 characters of bits bits each;
 * blanks and padding ignored, base64's URL alphabet and hex in either
 * case accepted) into out (cap bytes, NUL-terminated). False for text
 * that is not in the alphabet or decodes to anything but printable text:
 * only code can be judged. */
static bool radix_decode(const char *s, size_t n, const char *al, int bits_per, char *out,
			 size_t cap, size_t *len)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0, i;

	for (i = 0; i < n && s[i] != '='; i++) {
		const char *f;
		unsigned char ch = (unsigned char)s[i];

		if (isspace(ch))
			continue;
		if (bits_per == 6 && (ch == '-' || ch == '_'))
			ch = ch == '-' ? '+' : '/';
		if (bits_per == 4)
			ch = (unsigned char)tolower(ch);
		if (!ch || !(f = strchr(al, ch)))
			return false;
		acc = (acc << bits_per) | (unsigned)(f - al);
		bits += bits_per;
		if (bits >= 8) {
			unsigned char b = (unsigned char)(acc >> (bits - 8));

			bits -= 8;
			acc &= (1u << bits) - 1;
			if (o + 1 >= cap || (b < 0x20 && b != '\n' && b != '\t') || b == 0x7f)
				return false;
			out[o++] = (char)b;
		}
	}
	out[o] = '\0';
	*len = o;
	return o > 0;
}

/* A decoder with no file operand (base64 -d, base32 -d, basenc
 * --base16 -d, xxd -r -p), fed the static text in (or its own
 * here-string or here-document): the decoded text into buf. */
static bool decoded_text(const struct shell_node *c, const struct stdin_info *in, char *buf,
			 size_t cap, size_t *len)
{
	const struct shell_word *w;
	const struct shell_redir *r;
	const char *src = in && in->kind == IN_TEXT ? in->text : NULL, *prog, *al = NULL;
	size_t sl = src ? in->text_len : 0;
	bool decode = false, xr = false, xp = false;
	int bits = 6;

	if (c->kind != SHELL_SIMPLE || !c->words || !c->words->text)
		return false;
	prog = base_name(c->words->text);
	if (!strcmp(prog, "base64"))
		al = B64_ALPHABET;
	else if (!strcmp(prog, "base32"))
		al = B32_ALPHABET, bits = 5;
	else if (strcmp(prog, "basenc") && strcmp(prog, "xxd"))
		return false;
	for (w = c->words->next; w; w = w->next) {
		const char *t = w->text;

		if (!t || t[0] != '-')
			return false; /* a file, or not known */
		if (!strcmp(t, "--decode") || (t[1] != '-' && strpbrk(t + 1, "dD") && prog[0] != 'x'))
			decode = true;
		else if (!strcmp(t, "--base64") || !strcmp(t, "--base64url"))
			al = B64_ALPHABET, bits = 6;
		else if (!strcmp(t, "--base32"))
			al = B32_ALPHABET, bits = 5;
		else if (!strcmp(t, "--base16"))
			al = HEX_ALPHABET, bits = 4;
		if (prog[0] == 'x' && t[1] != '-') {
			xr |= strchr(t, 'r') != NULL;
			xp |= strchr(t, 'p') != NULL;
		}
	}
	if (prog[0] == 'x' && xr && xp)
		al = HEX_ALPHABET, bits = 4, decode = true;
	for (r = c->redirs; r; r = r->next) {
		const struct shell_word *bw = r->op == SHELL_REDIR_HERESTRING ? r->target :
					      r->op == SHELL_REDIR_HEREDOC ||
					      r->op == SHELL_REDIR_HEREDOC_TAB ? r->body : NULL;

		if (bw) {
			src = bw->text;
			sl = bw->text ? bw->text_len : 0;
		} else if (r->fd == 0) {
			return false;
		}
	}
	return decode && al && src && radix_decode(src, sl, al, bits, buf, cap, len);
}

/* Does simple command c name a secret file (keys, credentials, the
 * password database, history) among its static words? */
static bool reads_secret(struct sctx *x, const struct shell_node *c)
{
	const struct shell_word *w;

	/* Programs that print secrets: the word that makes them do it. */
	static const struct {
		const char *prog, *word;
	} printers[] = {
		{"gpg", "--export-secret-keys"}, {"gpg", "--export-secret-subkeys"},
		{"gpg2", "--export-secret-keys"}, {"pass", "show"},
		{"security", "find-generic-password"}, {"security", "find-internet-password"},
		{"aws", "get-secret-value"}, {"vault", "read"}, {"kubectl", "secret"},
	};

	if (c->kind != SHELL_SIMPLE || !c->words || !c->words->text)
		return false;
	for (w = c->words->next; w; w = w->next) {
		struct pinfo pi;
		size_t k;

		for (k = 0; k < ARRAY_SIZE(printers); k++)
			if (w->text && !strcmp(w->text, printers[k].word) &&
			    !strcmp(base_name(c->words->text), printers[k].prog))
				return true;
		if (!w->text || w->text[0] == '-')
			continue;
		classify_x(x, w->text, (w->flags & SHELL_W_TILDE) != 0, false, &pi);
		if ((pi.sensitive && !pi.startup) || pi.auth || pi.history || pi.login_keys)
			return true;
	}
	return false;
}

/* Does a downloader read what it sends from stdin (curl -d @-, -T -)? */
static bool sends_stdin(const struct shell_node *c)
{
	const struct shell_word *w;

	for (w = c->words; w; w = w->next)
		if (w->text && (strstr(w->text, "@-") || !strcmp(w->text, "-") ||
				strstr(w->text, "=-") || strstr(w->text, "<-")))
			return true;
	return false;
}

static void walk_pipeline(struct sctx *x, const struct shell_node *n)
{
	const struct shell_node *c;
	struct stdin_info in, prev;
	bool first = true, have_shell = false, have_net = false, all_static, secret = false;
	char text[1024], dec[1024], seen[1024];
	const char *here, *seen_src, *xsrc;
	size_t here_len, seen_len = 0, xsrc_len;
	bool filtered;
	int role;

	memset(&prev, 0, sizeof(prev));
	for (c = n->child; c; c = c->next) {
		role = ROLE_OTHER;
		if (first) {
			walk_node(x, c, NULL, &role);
		} else {
			in = prev;
			walk_node(x, c, &in, &role);
		}
		if (role == ROLE_SHELL || role == ROLE_SHELL_STDIN)
			have_shell = true;
		if (role == ROLE_NET)
			have_net = true;
		/* cat ~/.ssh/id_rsa | base64 | curl -d @- URL, tar c ~/.ssh | nc */
		if (secret && (role == ROLE_NET || (role == ROLE_DOWNLOAD && sends_stdin(c)) ||
			       (c->kind == SHELL_SIMPLE && c->words && c->words->text &&
				!strcmp(base_name(c->words->text), "ssh"))))
			add_node_reason(x, c, "exfiltrate", RISK_HIGH,
					"sends keys, credentials or the password database to another host");
		secret = secret || reads_secret(x, c);
		/* What this command gives the next: tee and pv pass their
		 * input on. */
		if (!first && in.kind != IN_NONE && c->kind == SHELL_SIMPLE && c->words &&
		    c->words->text && safety_prog_in(base_name(c->words->text), "tee pv buffer mbuffer")) {
			prev = in;
			continue;
		}
		summarize(c, role, &prev);
		/* What a reader can see of text a filter hides: what was
		 * seen further up, or static text that goes in (copied now:
		 * the branches below reuse text). */
		seen_src = NULL;
		if (!first && in.seen) {
			seen_src = in.seen;
			seen_len = in.seen_len;
		} else if (!first && in.kind == IN_TEXT && in.text && in.text_len < sizeof(seen)) {
			memcpy(seen, in.text, in.text_len);
			seen[in.text_len] = '\0';
			seen_src = seen;
			seen_len = in.text_len;
		}
		filtered = false;
		if (prev.kind == IN_DECODED &&
		    decoded_text(c, first ? NULL : &in, dec, sizeof(dec), &prev.text_len)) {
			/* echo cm0gLXJmIC8K | base64 -d | sh: the code is known. */
			memcpy(text, dec, prev.text_len + 1);
			prev.kind = IN_TEXT;
			prev.text = text;
		} else if (xform_node(c, first ? NULL : &in, dec, sizeof(dec), &prev.text_len,
				      &xsrc, &xsrc_len)) {
			/* echo 'fr- mr' | rev | sh: the code is known too;
			 * seen keeps the text that went in (rev <<< 'fr- mr'
			 * brings its own). */
			if (!seen_src && xsrc_len < sizeof(seen)) {
				memcpy(seen, xsrc, xsrc_len);
				seen[xsrc_len] = '\0';
				seen_src = seen;
				seen_len = xsrc_len;
			}
			memcpy(text, dec, prev.text_len + 1);
			prev.kind = IN_TEXT;
			prev.text = text;
			filtered = true;
		} else if (echo_text(c, text, sizeof(text), &prev.text_len) ||
			   echo_text_resolved(x, c, text, sizeof(text), &prev.text_len)) {
			prev.kind = IN_TEXT;
			prev.text = text;
		} else if ((here = cat_here_text(c, &here_len)) != NULL ||
			   (here = cat_file_text(x, c, &here_len)) != NULL) {
			prev.kind = IN_TEXT;
			prev.text = here;
			prev.text_len = here_len;
		} else if (prev.kind == IN_OTHER &&
			   group_text(c, text, sizeof(text), &prev.text_len, &all_static)) {
			/* (crontab -l; echo 'ENTRY') | crontab -: ENTRY is
			 * known even when the rest of the output is not. */
			prev.text = text;
			if (all_static)
				prev.kind = IN_TEXT;
		} else if (prev.kind == IN_PATHS && !prev.text) {
			/* find START ... | xargs: paths below START. */
			static const char every[] = "/*";
			const struct shell_word *sw = c->words->next;

			while (sw && sw->text && sw->text[0] == '-')
				sw = sw->next;
			if (sw && sw->text && sw->text_len && !(sw->flags & SHELL_W_DYNAMIC) &&
			    sw->text_len + 3 < sizeof(text)) {
				bool narrowed = false;

				int depth = 0;
				bool all = true;

				/* Every branch of a top-level -o must narrow, as
				 * in safety_find_scope. */
				for (const struct shell_word *t = sw; t; t = t->next) {
					if (!t->text)
						continue;
					depth += !strcmp(t->text, "(") - !strcmp(t->text, ")");
					if (!depth && (!strcmp(t->text, "-o") || !strcmp(t->text, "-or"))) {
						all = all && narrowed;
						narrowed = false;
						continue;
					}
					if (narrowing_at(t->text, t->next ? t->next->text : NULL))
						narrowed = true;
				}
				narrowed = narrowed && all;
				snprintf(text, sizeof(text), "%s%s", sw->text,
					 narrowed ? "/\x01" : sw->text[sw->text_len - 1] == '/' ? "*" : every);
				prev.text = text;
				prev.text_len = strlen(text);
				prev.path_flags = narrowed ? SW_DYNAMIC : SW_EVERY;
				if (sw->flags & SHELL_W_TILDE)
					prev.path_flags |= SW_HOME;
			} else {
				prev.kind = IN_OTHER;
			}
		}
		/* curl URL | tr -d '\r' | sh: a filter passes the download
		 * on. */
		if (!first && in.kind == IN_DOWNLOAD && prev.kind == IN_OTHER)
			prev.kind = IN_DOWNLOAD;
		if (seen_src && (filtered || prev.kind == IN_OTHER || prev.kind == IN_DECODED)) {
			prev.seen = seen_src;
			prev.seen_len = seen_len;
		}
		first = false;
	}
	if (have_shell && have_net)
		add_node_reason(x, n, "reverse-shell", RISK_HIGH,
				"connects a shell to a network tool: a reverse or bind shell");
}

/* Remember NAME() BODY for later calls; a later definition replaces an
 * earlier one of the same name. */
static void define_func(struct sctx *x, const char *name, const struct shell_node *body)
{
	size_t k;

	if (strlen(name) >= sizeof(x->funcs[0].name))
		return;
	for (k = 0; k < x->n_funcs; k++)
		if (!strcmp(x->funcs[k].name, name))
			break;
	if (k == x->n_funcs) {
		if (x->n_funcs == MAX_FUNCS)
			return;
		x->n_funcs++;
	}
	strcpy(x->funcs[k].name, name);
	x->funcs[k].body = body;
	x->funcs[k].active = false;
}

static void walk_node_at(struct sctx *x, const struct shell_node *n, const struct stdin_info *in,
		      int *role)
{
	char save_cwd[sizeof(x->cwd)];
	int dummy;

	if (!role)
		role = &dummy;
	*role = ROLE_OTHER;
	switch (n->kind) {
	case SHELL_LIST:
		walk_list(x, n);
		break;
	case SHELL_PIPELINE:
		walk_pipeline(x, n);
		break;
	case SHELL_SIMPLE:
		walk_word_subs(x, n->assigns);
		walk_word_subs(x, n->words);
		walk_redir_subs(x, n->redirs);
		check_simple(x, n, in, role);
		return;
	case SHELL_SUBSHELL:
		memcpy(save_cwd, x->cwd, sizeof(save_cwd));
		walk_list(x, n->child);
		memcpy(x->cwd, save_cwd, sizeof(save_cwd));
		break;
	case SHELL_BRACE:
		walk_list(x, n->child);
		break;
	case SHELL_IF:
		walk_list(x, n->cond);
		walk_list(x, n->child);
		if (n->alt)
			walk_node(x, n->alt, NULL, NULL);
		break;
	case SHELL_WHILE:
	case SHELL_UNTIL:
		/* Processes started without end and never waited for fill
		 * the process table as a fork bomb does. */
		if (is_forever(n->cond, n->kind == SHELL_UNTIL) && has_background(n->child))
			add_node_reason(x, n, "fork-loop", RISK_CRITICAL,
					"starts background processes in an endless loop");
		else if (is_forever(n->cond, n->kind == SHELL_UNTIL) && loop_fills(n->child))
			add_node_reason(x, n, "fill-loop", RISK_HIGH, FILL_LOOP_MSG);
		walk_list(x, n->cond);
		walk_list(x, n->child);
		break;
	case SHELL_FOR: {
		const struct shell_word *w;
		struct var *v = NULL;

		if (is_forever_for(n) && has_background(n->child))
			add_node_reason(x, n, "fork-loop", RISK_CRITICAL,
					"starts background processes in an endless loop");
		else if (is_forever_for(n) && loop_fills(n->child))
			add_node_reason(x, n, "fill-loop", RISK_HIGH, FILL_LOOP_MSG);

		walk_word_subs(x, n->words);
		if (n->var && n->var->text && !n->arith) {
			v = var_find(x, n->var->text, n->var->text_len);
			if (!v && x->n_vars < MAX_VARS) {
				v = &x->vars[x->n_vars++];
				snprintf(v->name, sizeof(v->name), "%s", n->var->text);
			}
		}
		/* Unroll short static loops so "for d in / ~" is seen. */
		if (v && n->has_in && n->n_words <= 4 && x->unroll > 0) {
			for (w = n->words; w; w = w->next) {
				if (x->unroll-- <= 0)
					break;
				/* A glob stands for each name it matches:
				 * for f in /etc/ *; do rm "$f" reaches every
				 * entry of /etc, as rm /etc/ * does. */
				v->known = w->text != NULL;
				v->home = (w->flags & SHELL_W_TILDE) != 0;
				v->has_raw = false;
				if (w->text) {
					snprintf(v->value, sizeof(v->value), "%s", w->text);
					if (v->home)
						v->value[0] = '~';
				}
				walk_list(x, n->child);
			}
		} else {
			if (v)
				v->known = false;
			walk_list(x, n->child);
		}
		if (v)
			v->known = false;
		break;
	}
	case SHELL_CASE: {
		const struct shell_case_item *ci;

		walk_word_subs(x, n->words);
		for (ci = n->items; ci; ci = ci->next) {
			walk_word_subs(x, ci->patterns);
			if (ci->body)
				walk_list(x, ci->body);
		}
		break;
	}
	case SHELL_FUNCTION: {
		struct bomb_scan b = {n->var->text ? n->var->text : "", 0, false};
		enum risk before = x->v->risk;

		if (n->var->text)
			scan_calls(n->child, &b, false, 0);
		memcpy(save_cwd, x->cwd, sizeof(save_cwd));
		/* What the body alone rates: the verdict's running maximum is
		 * put back after. */
		x->v->risk = RISK_SAFE;
		walk_node(x, n->child, NULL, NULL);
		memcpy(x->cwd, save_cwd, sizeof(save_cwd));
		if (n->var->text) {
			struct prog_info named;

			/* ls() { rm -rf "$@"; }: a read-only command people type
			 * without a thought, made to change things. */
			safety_lookup(n->var->text, &named);
			if (x->v->risk >= RISK_MODERATE && named.ro >= 0)
				add_reason(x, "function-trap", RISK_HIGH, n->start, n->len,
					   "defines a function that makes a read-only command "
					   "run code that changes things");
			define_func(x, n->var->text, n->child);
		}
		if (before > x->v->risk)
			x->v->risk = before;
		/* Recorded after the body, so that only calls from outside it
		 * count as running the bomb. */
		if (b.calls >= 2 || (b.calls >= 1 && b.spread)) {
			add_node_reason(x, n, "fork-bomb-def", RISK_HIGH,
					"defines a function that multiplies itself: a fork bomb");
			if (x->n_bombs < MAX_FUNCS)
				snprintf(x->bombs[x->n_bombs++], sizeof(x->bombs[0]), "%s", b.name);
		}
		break;
	}
	case SHELL_COND:
	case SHELL_ARITH:
		walk_word_subs(x, n->words);
		break;
	}
	if (n->redirs) {
		struct strpool sp;

		sp.used = 0;
		sp.n_heap = 0;
		walk_redir_subs(x, n->redirs);
		check_redirs(x, n->redirs, &sp);
		sp_release(&sp);
	}
}

static void walk_node(struct sctx *x, const struct shell_node *n, const struct stdin_info *in,
		      int *role)
{
	if (role)
		*role = ROLE_OTHER;
	if (!deeper(x, &x->depth, MAX_DEPTH, n->start, n->len))
		return;
	walk_node_at(x, n, in, role);
	x->depth--;
}

static void walk_list(struct sctx *x, const struct shell_node *l)
{
	const struct shell_node *c;

	if (!l)
		return;
	if (l->kind != SHELL_LIST) {
		walk_node(x, l, NULL, NULL);
		return;
	}
	for (c = l->child; c; c = c->next)
		walk_node(x, c, NULL, NULL);
}

/* ---- entry points ----------------------------------------------------- */

static void check_tree_text(struct sctx *x, const char *text, size_t len)
{
	struct shell_tree t;
	struct err e;
	size_t n_funcs = x->n_funcs;

	shell_tree_init(&t);
	if (shell_parse(&t, text, len, 0, &e) == 0) {
		walk_list(x, t.root);
	} else {
		char msg[192];
		size_t ok = t.ok_len;

		snprintf(msg, sizeof(msg), "cannot be parsed as shell (%.150s)",
			 e.msg + (str_startswith(e.msg, "shell: ") ? 7 : 0));
		if (e.code == ERR_LIMIT && !x->nested)
			add_reason(x, "too-complex", RISK_CRITICAL, t.err_pos, len - t.err_pos,
				   msg);
		else
			add_reason(x, "unparseable", e.code == ERR_LIMIT ? RISK_HIGH : RISK_MODERATE,
				   t.err_pos, len - t.err_pos, msg);
		/* What parses before the error would run in a shell that
		 * reads line by line; zsh accepts {a;} bodies. */
		if (e.code == ERR_PARSE && ok > 0 && ok < len &&
		    shell_parse(&t, text, ok, 0, NULL) == 0)
			walk_list(x, t.root);
		x->n_funcs = n_funcs;
		if (e.code == ERR_PARSE && shell_parse(&t, text, len, SHELL_PARSE_ZSH_BRACES, NULL) == 0)
			walk_list(x, t.root);
	}
	/* Bodies defined in this text point into its tree: keep the tree
	 * of nested code for later calls, or forget them. */
	if (x->n_funcs > n_funcs && x->nest > 0 && x->n_kept < MAX_KEPT_TREES) {
		x->kept[x->n_kept++] = t;
		return;
	}
	x->n_funcs = n_funcs;
	shell_tree_release(&t);
}

int safety_check(const char *cmd, size_t len, const struct safety_opts *opts,
		 struct safety_verdict *v, struct err *err)
{
	struct sctx x;
	struct safety_opts none = {NULL, NULL};

	(void)err;
	/* Only the counters: the reasons and the variables' storage are
	 * written before they are read, and clearing them would cost more
	 * than the whole check. */
	v->risk = RISK_SAFE;
	v->n_reasons = 0;
	x.nest = 0;
	strcpy(x.ifs, " \t\n");
	x.nested = false;
	x.nest_start = x.nest_len = 0;
	x.env.elevated = x.env.remote = false;
	x.cwd[0] = '\0';
	x.n_vars = 0;
	x.n_bombs = 0;
	x.n_funcs = 0;
	x.n_aliases = 0;
	x.n_kept = 0;
	x.calls = CALL_BUDGET;
	x.n_downloads = 0;
	x.n_scripts = 0;
	x.n_procsubs = 0;
	x.depth = 0;
	x.argv_depth = 0;
	x.cap = RISK_CRITICAL;
	x.ctr.on = false;
	x.ctr.maybe_args = false;
	x.ctr.root[0] = '\0';
	x.opts = opts ? opts : &none;
	x.v = v;
	x.unroll = UNROLL_BUDGET;
	if (!cmd)
		len = 0;
	if (len > SHELL_MAX_INPUT) {
		add_reason(&x, "too-large", RISK_CRITICAL, 0, len,
			   "command is too large to check (over 64 KiB)");
		return 0;
	}
	check_tree_text(&x, cmd ? cmd : "", len);
	while (x.n_kept)
		shell_tree_release(&x.kept[--x.n_kept]);
	return 0;
}

enum safety_action safety_policy(enum risk r, enum safety_level level)
{
	switch (level) {
	case SAFETY_STRICT:
		return r >= RISK_HIGH ? SAFETY_BLOCK : r >= RISK_MODERATE ? SAFETY_CONFIRM : SAFETY_ALLOW;
	case SAFETY_PERMISSIVE:
		return r >= RISK_CRITICAL ? SAFETY_CONFIRM : SAFETY_ALLOW;
	case SAFETY_MODERATE:
	default:
		return r >= RISK_CRITICAL ? SAFETY_BLOCK : r >= RISK_HIGH ? SAFETY_CONFIRM : SAFETY_ALLOW;
	}
}

static const char *const risk_names[] = {"safe", "moderate", "high", "critical"};
static const char *const level_names[] = {"strict", "moderate", "permissive"};

const char *safety_risk_name(enum risk r)
{
	return (size_t)r < ARRAY_SIZE(risk_names) ? risk_names[r] : "?";
}

int safety_risk_parse(const char *s, enum risk *out)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(risk_names); k++)
		if (s && str_ieq(s, risk_names[k])) {
			*out = (enum risk)k;
			return 0;
		}
	return -1;
}

const char *safety_level_name(enum safety_level l)
{
	return (size_t)l < ARRAY_SIZE(level_names) ? level_names[l] : "?";
}

int safety_level_parse(const char *s, enum safety_level *out)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(level_names); k++)
		if (s && str_ieq(s, level_names[k])) {
			*out = (enum safety_level)k;
			return 0;
		}
	return -1;
}
