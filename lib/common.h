/*
 * common.h: what every file in caro includes.
 *
 * Ownership rule (the one rule, written once): arguments are borrowed.
 * The caller owns a returned pointer only when it comes from a function
 * named *_new, *_dup or *_detach, or one whose comment says "caller frees".
 * X_init/X_release manage storage the caller owns, X_new/X_free heap
 * objects, X_open/X_close files, sockets and databases; X_free(NULL) and
 * X_release on zeroed storage are no-ops.
 */
#ifndef CARO_COMMON_H
#define CARO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#define UNUSED(x) ((void)(x))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define CARO_VERSION "0.1.0"

/*
 * Small allocations abort with the size on out-of-memory (as git, redis and
 * tmux do): there is nothing useful to do after a 64-byte malloc fails.
 * Sizes that come from outside must be checked against caps before any of
 * these is called, and such failures are returned as errors.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xmalloc(a * b) with an overflow check; aborts on overflow too. */
void *xmallocarray(size_t a, size_t b);

/* strcmp that treats NULL as equal only to NULL. */
static inline bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static inline bool str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

#endif
