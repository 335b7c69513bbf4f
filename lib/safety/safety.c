/*
 * safety.c: a first checker: words split with shell quoting, sudo-style
 * wrappers skipped, and a few rules for the worst commands. The full
 * checker (issue 4) with a real parser replaces this file; safety.h stays.
 */
#include "safety.h"

#include <ctype.h>

#define MAX_CMD (64 * 1024)
#define MAX_WORDS 256

static const char *const risk_names[] = {"safe", "moderate", "high", "critical"};
static const char *const level_names[] = {"strict", "moderate", "permissive"};

const char *safety_risk_name(enum risk r) { return risk_names[r]; }
const char *safety_level_name(enum safety_level l) { return level_names[l]; }

int safety_risk_parse(const char *s, enum risk *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(risk_names); i++)
		if (str_eq(s, risk_names[i]))
			return *out = (enum risk)i, 0;
	return -1;
}

int safety_level_parse(const char *s, enum safety_level *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++)
		if (str_eq(s, level_names[i]))
			return *out = (enum safety_level)i, 0;
	return -1;
}

enum safety_action safety_policy(enum risk r, enum safety_level level)
{
	switch (level) {
	case SAFETY_STRICT:
		return r >= RISK_HIGH ? SAFETY_BLOCK : r >= RISK_MODERATE ? SAFETY_CONFIRM : SAFETY_ALLOW;
	case SAFETY_MODERATE:
		return r >= RISK_CRITICAL ? SAFETY_BLOCK : r >= RISK_HIGH ? SAFETY_CONFIRM : SAFETY_ALLOW;
	case SAFETY_PERMISSIVE:
		return r >= RISK_CRITICAL ? SAFETY_CONFIRM : SAFETY_ALLOW;
	}
	return SAFETY_BLOCK;
}

static void add_reason(struct safety_verdict *v, const char *rule, enum risk r, const char *msg)
{
	if (v->n_reasons < SAFETY_MAX_REASONS) {
		struct safety_reason *x = &v->reasons[v->n_reasons++];

		snprintf(x->rule, sizeof(x->rule), "%s", rule);
		snprintf(x->message, sizeof(x->message), "%s", msg);
		x->risk = r;
	}
	if (r > v->risk)
		v->risk = r;
}

/* Split one simple command into words, removing quotes. Returns the number
 * of words, or -1 when quotes are unbalanced. Stops at ; | & newline. */
static int split_words(const char *s, size_t len, size_t *pos, char words[][256], int max)
{
	int n = 0;
	size_t i = *pos;

	for (;;) {
		size_t k = 0;
		bool any = false;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len || strchr(";|&\n", s[i]))
			break;
		while (i < len && !strchr(" \t;|&\n", s[i])) {
			char q = s[i];

			any = true;
			if (q == '\'' || q == '"') {
				i++;
				while (i < len && s[i] != q) {
					if (k < 255)
						words[n][k++] = s[i];
					i++;
				}
				if (i >= len)
					return -1;
				i++;
			} else {
				if (q == '\\' && i + 1 < len)
					i++;
				if (k < 255)
					words[n][k++] = s[i];
				i++;
			}
		}
		if (any && n < max) {
			words[n][k] = '\0';
			n++;
		}
	}
	while (i < len && strchr(";|&\n", s[i]))
		i++;
	*pos = i;
	return n;
}

static bool is_root_or_home(const char *w)
{
	return str_eq(w, "/") || str_eq(w, "/*") || str_eq(w, "~") || str_eq(w, "~/") ||
	       str_eq(w, "~/*") || str_eq(w, "$HOME") || str_eq(w, "/.");
}

static void check_simple(char words[][256], int n, struct safety_verdict *v)
{
	int i = 0;
	bool recursive = false;
	const char *prog;

	/* Wrappers run the command that follows them. */
	while (i < n && (str_eq(words[i], "sudo") || str_eq(words[i], "doas") ||
			 str_eq(words[i], "command") || str_eq(words[i], "env") ||
			 str_eq(words[i], "nohup") || str_eq(words[i], "time"))) {
		i++;
		while (i < n && (words[i][0] == '-' || strchr(words[i], '=')))
			i++;
	}
	if (i >= n)
		return;
	prog = strrchr(words[i], '/') ? strrchr(words[i], '/') + 1 : words[i];
	if (str_eq(prog, "rm")) {
		for (int j = i + 1; j < n; j++)
			if (words[j][0] == '-' && words[j][1] != '-' && strpbrk(words[j], "rR"))
				recursive = true;
			else if (str_eq(words[j], "--recursive"))
				recursive = true;
		for (int j = i + 1; j < n; j++) {
			if (recursive && is_root_or_home(words[j]))
				add_reason(v, "rm-root", RISK_CRITICAL,
					   "recursive delete of the root or home directory");
		}
		if (recursive)
			add_reason(v, "rm-recursive", RISK_MODERATE, "deletes directories recursively");
		else
			add_reason(v, "rm", RISK_MODERATE, "deletes files");
	} else if (str_startswith(prog, "mkfs") || str_eq(prog, "wipefs")) {
		add_reason(v, "mkfs", RISK_CRITICAL, "formats a disk or partition");
	} else if (str_eq(prog, "dd")) {
		for (int j = i + 1; j < n; j++)
			if (str_startswith(words[j], "of=/dev/"))
				add_reason(v, "dd-device", RISK_CRITICAL, "writes over a block device");
	} else if (str_eq(prog, "shutdown") || str_eq(prog, "reboot") || str_eq(prog, "halt") ||
		   str_eq(prog, "poweroff")) {
		add_reason(v, "power", RISK_HIGH, "shuts down or restarts the machine");
	} else if (str_eq(prog, "chmod") || str_eq(prog, "chown")) {
		for (int j = i + 1; j < n; j++)
			if (words[j][0] == '-' && strchr(words[j], 'R'))
				recursive = true;
		for (int j = i + 1; j < n; j++)
			if (recursive && is_root_or_home(words[j]))
				add_reason(v, "chmod-root", RISK_CRITICAL,
					   "changes permissions of every file on the system");
		add_reason(v, "perm", RISK_MODERATE, "changes file permissions or owners");
	}
}

static bool contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(s + i, needle, n) == 0)
			return true;
	return false;
}

int safety_check(const char *cmd, size_t len, const struct safety_opts *opts,
		 struct safety_verdict *v, struct err *err)
{
	static char words[MAX_WORDS][256];
	size_t pos = 0;

	UNUSED(opts);
	UNUSED(err);
	memset(v, 0, sizeof(*v));
	if (len > MAX_CMD) {
		add_reason(v, "too-long", RISK_MODERATE, "command too long to check");
		return 0;
	}
	while (pos < len) {
		int n = split_words(cmd, len, &pos, words, MAX_WORDS);

		if (n < 0) {
			add_reason(v, "unparseable", RISK_MODERATE, "unbalanced quotes");
			break;
		}
		check_simple(words, n, v);
	}
	if (contains(cmd, len, "| sh") || contains(cmd, len, "| bash"))
		add_reason(v, "pipe-to-shell", RISK_HIGH, "runs downloaded or generated text as code");
	return 0;
}
