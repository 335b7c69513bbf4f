/* err.c: filling struct err. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>

int err_set(struct err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_errno(struct err *err, int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t len;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (len < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

int err_prefix(struct err *err, const char *fmt, ...)
{
	char joined[2 * sizeof(err->msg) + 2];
	va_list ap;
	int n;

	if (!err)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(joined, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	n = MIN(n, (int)sizeof(err->msg) - 1);
	memcpy(joined + n, ": ", 2);
	memcpy(joined + n + 2, err->msg, sizeof(err->msg));
	joined[sizeof(joined) - 1] = '\0';
	memcpy(err->msg, joined, sizeof(err->msg) - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}
