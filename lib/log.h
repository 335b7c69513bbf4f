/*
 * log.h: diagnostics on stderr (never stdout, which carries only results).
 *
 * The program sets the level from -v and the colour from NO_COLOR/isatty;
 * library code only calls log_debug/log_warn.
 */
#ifndef CARO_LOG_H
#define CARO_LOG_H

#include "common.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_color(bool on);
bool log_color(void);
/* Silence warnings (used by tests that expect them). */
void log_set_quiet(bool quiet);

void log_msg(enum log_level level, const char *fmt, ...) PRINTF_LIKE(2, 3);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
