/* SPDX-License-Identifier: ISC */
/* Opening user-named input files without blocking, regular files only. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"

static const char *kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return NULL;
}

int infile_open(const char *path, struct lerr *err)
{
	struct stat st;
	int fd, fl;

	/* O_NONBLOCK: an open of a FIFO would otherwise wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return lerr_set(err, errno, "%s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return lerr_set(err, e, "%s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		const char *k = kind(st.st_mode);

		close(fd);
		return lerr_set(err, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "%s%s%snot a regular file",
				k ? "it is " : "", k ? k : "", k ? ", " : "");
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;

		close(fd);
		return lerr_set(err, e, "%s", strerror(e));
	}
	return fd;
}
