/* fileio.c: atomic whole-file writes (temporary file, fsync, rename). */
#include "fileio.h"

#include <fcntl.h>
#include <unistd.h>

int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		      unsigned flags, struct err *err)
{
	char tmp[4200];
	const char *p = data;
	size_t left = len;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= sizeof(tmp))
		return err_set(err, ERR_LIMIT, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return err_errno(err, ERR_IO, "cannot write %s", tmp);
	while (left > 0) {
		ssize_t w = write(fd, p, left);

		if (w < 0) {
			err_errno(err, ERR_IO, "cannot write %s", tmp);
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (!(flags & FILE_NOSYNC) && fsync(fd) != 0) {
		err_errno(err, ERR_IO, "cannot write %s", tmp);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		err_errno(err, ERR_IO, "cannot write %s", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err_errno(err, ERR_IO, "cannot replace %s", path);
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}
