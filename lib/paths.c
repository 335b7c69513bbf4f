/* paths.c: XDG base directories for caro's files. */
#include "paths.h"

#include <errno.h>
#include <sys/stat.h>

static const struct {
	const char *env, *fallback;
} kinds[] = {
	[PATHS_CONFIG] = {"XDG_CONFIG_HOME", ".config"},
	[PATHS_CACHE] = {"XDG_CACHE_HOME", ".cache"},
	[PATHS_DATA] = {"XDG_DATA_HOME", ".local/share"},
};

int paths_dir(enum paths_kind kind, char *out, size_t cap, struct err *err)
{
	const char *base = getenv(kinds[kind].env);
	const char *home = getenv("HOME");
	int n;

	if (base && base[0] == '/')
		n = snprintf(out, cap, "%s/caro", base);
	else if (home && home[0] == '/')
		n = snprintf(out, cap, "%s/%s/caro", home, kinds[kind].fallback);
	else
		return err_set(err, ERR_IO, "cannot place caro's files: set HOME or %s",
			       kinds[kind].env);
	if (n < 0 || (size_t)n >= cap)
		return err_set(err, ERR_LIMIT, "%s is too long", kinds[kind].env);
	return 0;
}

int paths_mkdir_p(const char *dir, struct err *err)
{
	char path[4096];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return err_set(err, ERR_LIMIT, "bad directory path");
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST)
				return err_errno(err, ERR_IO, "cannot create %s", path);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}
