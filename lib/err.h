/*
 * err.h: the error value every fallible function fills.
 *
 * Functions return 0 on success and -1 on failure, after filling a
 * caller-provided struct err. The code drives decisions (fall back to the
 * next engine on ERR_NET, refuse on ERR_UNSAFE); the message is for people
 * and already names the module ("gguf: tensor x exceeds file size").
 */
#ifndef CARO_ERR_H
#define CARO_ERR_H

#include "common.h"

enum err_code {
	ERR_OK = 0,
	ERR_INTERNAL,    /* a bug or an impossible state */
	ERR_NOMEM,       /* an allocation sized from outside failed */
	ERR_IO,          /* a file or directory operation failed */
	ERR_PARSE,       /* malformed input: config, JSON, GGUF, shell */
	ERR_USAGE,       /* bad arguments from the user */
	ERR_CONFIG,      /* a bad configuration value */
	ERR_LIMIT,       /* input larger than a cap */
	ERR_NOTFOUND,    /* a named thing does not exist */
	ERR_UNAVAILABLE, /* an engine or feature cannot be used here */
	ERR_DECLINED,    /* an engine could not produce a command */
	ERR_UNSAFE,      /* the safety policy refuses */
	ERR_NET,         /* connection failed: try the next engine */
	ERR_TIMEOUT,     /* a deadline passed: try the next engine */
	ERR_HTTP,        /* the server answered with an error status */
	ERR_CORRUPT,     /* stored data failed a validity check */
	ERR_CANCELLED,   /* the user interrupted */
};

struct err {
	int code;
	char msg[256];
};

/* Fill err (which may be NULL) and return -1, so callers can write
 * "return err_set(err, ERR_IO, "...", ...);". */
int err_set(struct err *err, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Like err_set, appending ": strerror(errno)". */
int err_errno(struct err *err, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Prefix an existing message: "ctx: old message". Returns -1. */
int err_prefix(struct err *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

static inline void err_clear(struct err *err)
{
	if (err) {
		err->code = ERR_OK;
		err->msg[0] = '\0';
	}
}

#endif
