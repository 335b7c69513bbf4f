/*
 * main.c: the one runner for every unit suite.
 *
 *   build/rel/unit            run everything
 *   build/rel/unit toml buf   run tests whose name or file contains a word
 */
#define _XOPEN_SOURCE 700
#include "t.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

static struct t_case *head, **tail = &head;
static int failures;
static const char *current;
static char tmpdir[256];

void t_register(struct t_case *c)
{
	*tail = c;
	tail = &c->next;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	failures++;
	fprintf(stderr, "FAIL %s (%s:%d): ", current, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *t_shared(const char *rel)
{
	static char path[1024];
	const char *base = getenv("CARO_SHARED");

	snprintf(path, sizeof(path), "%s/%s", base ? base : "../shared", rel);
	return path;
}

const char *t_data(const char *rel)
{
	static char path[1024];

	snprintf(path, sizeof(path), "tests/data/%s", rel);
	return path;
}

char *t_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			s = xrealloc(s, cap + 1);
		}
		r = fread(s + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	s[n] = '\0';
	if (len)
		*len = n;
	return s;
}

static void rm_tmpdir(void)
{
	char cmd[300];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmpdir);
	}
}

const char *t_tmpdir(void)
{
	static int seq;
	static char path[320];

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/caro-unit-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(rm_tmpdir);
	}
	snprintf(path, sizeof(path), "%s/%d", tmpdir, ++seq);
	if (mkdir(path, 0700) != 0) {
		perror("mkdir");
		exit(1);
	}
	return path;
}

static bool selected(const struct t_case *c, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(c->name, argv[i]) || strstr(c->file, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int ran = 0, failed_tests = 0;

	for (struct t_case *c = head; c; c = c->next) {
		int before = failures;

		if (!selected(c, argc, argv))
			continue;
		current = c->name;
		c->fn();
		ran++;
		if (failures != before)
			failed_tests++;
	}
	printf("%d tests, %d failed\n", ran, failed_tests);
	return failed_tests ? 1 : 0;
}
