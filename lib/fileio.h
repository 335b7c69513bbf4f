/* fileio.h: whole-file writes that readers never see half done. */
#ifndef CARO_FILEIO_H
#define CARO_FILEIO_H

#include "common.h"
#include "err.h"

/* Write data to a temporary file beside path, fsync it and rename it over
 * path, so a reader sees the old contents or the new, never a part (a
 * full disk or a crash leaves the old file). The temporary file is
 * removed on failure. mode applies to a newly created file (0600 for
 * anything that may hold a secret). ERR_IO with the cause otherwise.
 * FILE_NOSYNC skips the fsync, for derived files that can be rebuilt and
 * whose reader rejects a short or empty one: after a machine crash the
 * rename may survive without the data. */
#define FILE_NOSYNC 1u
int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		      unsigned flags, struct err *err);

#endif
