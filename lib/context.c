/*
 * context.c: the directory summary (see context.h). Extensions are
 * counted in a small open-addressing table; names that tell what kind of
 * project a directory is (build files, VCS, package manifests) are a
 * table of their own, listed when present.
 */
#include "context.h"

#include <ctype.h>
#include <dirent.h>
#include <time.h>

#define EXT_SLOTS 64  /* distinct extensions tracked; more are "other" */
#define EXT_MAX 12    /* longest extension kept */
#define SHOW_EXTS 5
#define CHECK_EVERY 64

/* Names worth naming: they say what the directory is. */
static const char *const notable[] = {
	".git", ".hg", ".svn", "Makefile", "CMakeLists.txt", "meson.build", "configure",
	"package.json", "Cargo.toml", "go.mod", "pyproject.toml", "setup.py", "requirements.txt",
	"Pipfile", "Gemfile", "pom.xml", "build.gradle", "composer.json", "Dockerfile",
	"docker-compose.yml", "compose.yaml", ".venv", "venv", "node_modules", "README.md",
	".env", "Vagrantfile", "flake.nix", "justfile", "Taskfile.yml",
};

struct ext {
	char name[EXT_MAX + 1];
	size_t n;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void count_ext(struct ext *t, const char *name, size_t *other)
{
	const char *dot = strrchr(name, '.');
	char e[EXT_MAX + 1];
	size_t n, h = 5381;

	if (!dot || dot == name || !dot[1] || strlen(dot + 1) > EXT_MAX) {
		(*other)++;
		return;
	}
	for (n = 0; dot[1 + n]; n++) {
		unsigned char c = (unsigned char)dot[1 + n];

		if (!isalnum(c) && c != '_' && c != '-') {
			(*other)++;
			return;
		}
		e[n] = (char)tolower(c);
		h = h * 33 + (unsigned char)e[n];
	}
	e[n] = '\0';
	for (size_t i = 0; i < EXT_SLOTS; i++) {
		struct ext *s = &t[(h + i) % EXT_SLOTS];

		if (!s->n) {
			memcpy(s->name, e, n + 1);
			s->n = 1;
			return;
		}
		if (!strcmp(s->name, e)) {
			s->n++;
			return;
		}
	}
	(*other)++;
}

static int by_count(const void *a, const void *b)
{
	const struct ext *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

size_t context_dir_summary(const char *dir, double budget_ms, size_t max_entries,
			   struct buf *out)
{
	struct ext exts[EXT_SLOTS];
	bool seen[ARRAY_SIZE(notable)] = {false};
	size_t n = 0, dirs = 0, other = 0, shown = 0;
	double deadline = now_ms() + budget_ms;
	bool partial = false, first = true;
	struct dirent *e;
	DIR *d;

	memset(exts, 0, sizeof(exts));
	d = dir ? opendir(dir) : NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n >= max_entries || (n % CHECK_EVERY == 0 && n && now_ms() > deadline)) {
			partial = true;
			break;
		}
		n++;
		for (size_t i = 0; i < ARRAY_SIZE(notable); i++)
			if (e->d_name[0] == notable[i][0] && !strcmp(e->d_name, notable[i])) {
				seen[i] = true;
				break;
			}
		if (e->d_type == DT_DIR)
			dirs++;
		else if (e->d_name[0] != '.')
			count_ext(exts, e->d_name, &other);
	}
	closedir(d);
	if (!n)
		return 0;
	qsort(exts, EXT_SLOTS, sizeof(exts[0]), by_count);
	/* Terse: every word here is a token the model must read. */
	for (size_t i = 0; i < EXT_SLOTS && exts[i].n && shown < SHOW_EXTS; i++, shown++) {
		buf_addf(out, "%s%zu .%s", first ? "" : ", ", exts[i].n, exts[i].name);
		first = false;
	}
	for (size_t i = shown; i < EXT_SLOTS; i++)
		other += exts[i].n;
	if (other) {
		buf_addf(out, "%s%zu other", first ? "" : ", ", other);
		first = false;
	}
	if (dirs) {
		buf_addf(out, "%s%zu dir%s", first ? "" : ", ", dirs, dirs == 1 ? "" : "s");
		first = false;
	}
	for (size_t i = 0, k = 0; i < ARRAY_SIZE(notable); i++)
		if (seen[i]) {
			buf_addf(out, "%s%s", k++ ? ", " : first ? "" : "; ", notable[i]);
			first = false;
		}
	if (partial)
		buf_addf(out, " (first %zu entries)", n);
	return n;
}
