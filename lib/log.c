/* log.c: leveled diagnostics on stderr. */
#include "log.h"

#include <stdarg.h>

static enum log_level cur_level = LOG_WARN;
static bool use_color;
static bool quiet;

void log_set_level(enum log_level level) { cur_level = level; }
enum log_level log_get_level(void) { return cur_level; }
void log_set_color(bool on) { use_color = on; }
bool log_color(void) { return use_color; }
void log_set_quiet(bool q) { quiet = q; }

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = {"error", "warning", "info", "debug"};
	static const char *const col[] = {"\033[1;31m", "\033[1;33m", "\033[1;36m", "\033[2m"};
	char line[1024];
	va_list ap;

	if (level > cur_level || (quiet && level != LOG_ERROR))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_color)
		fprintf(stderr, "caro: %s%s:\033[0m %s\n", col[level], tag[level], line);
	else
		fprintf(stderr, "caro: %s: %s\n", tag[level], line);
}
