/* SPDX-License-Identifier: ISC */
/* Loading the image a partition runs, for its symbols (lpar mem, the debugger). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "../p9/client.h"
#include "image.h"
#include "conn.h"
#include "part.h"

struct part_image {
	struct elf_image *elf;
	char shown[4096];
	int copy_fd;             /* a memfd holding the tree's copy, or -1 */
};

const struct elf_image *part_image_elf(const struct part_image *im) { return im ? im->elf : NULL; }
const char *part_image_shown(const struct part_image *im) { return im ? im->shown : ""; }

/* Copies the control tree's image file into a memfd. */
static int copy_from_tree(struct part *p, uint64_t size, int *fd_out, struct lerr *err)
{
	struct p9c *c = part_conn(p);
	uint64_t off = 0;
	char *buf;
	uint32_t fid;
	int fd, e;

	e = p9c_open_path(c, "image", P9_ORDONLY, &fid);
	if (e)
		return lerr_set(err, -e, "cannot read the image of '%s': %s", part_name(p),
				strerror(-e));
	fd = memfd_create("lpar-image", MFD_CLOEXEC);
	buf = malloc(65536);
	if (fd < 0 || !buf) {
		e = lerr_set(err, ENOMEM, "cannot copy the image of '%s': %s", part_name(p),
			     strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = p9c_read(c, fid, off, buf, 65536 - 64);

		if (n < 0) {
			e = lerr_set(err, (int)-n, "cannot read the image of '%s': %s",
				     part_name(p), strerror((int)-n));
			goto out;
		}
		if (n == 0)
			break;
		if (write(fd, buf, (size_t)n) != n) {
			e = lerr_set(err, EIO, "cannot copy the image of '%s'", part_name(p));
			goto out;
		}
		off += (uint64_t)n;
		if (size && off > size)
			break;
	}
	*fd_out = fd;
	fd = -1;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	p9c_clunk(c, fid);
	return e;
}

/* The size the monitor reports for the image it loaded, or 0. */
static uint64_t tree_image_size(struct part *p)
{
	struct p9c *c = part_conn(p);
	struct p9_attr a;
	uint32_t fid = p9c_fid(c);
	uint64_t size = 0;

	if (p9c_walk(c, P9C_ROOT, fid, "image") == 0) {
		if (p9c_getattr(c, fid, &a) == 0)
			size = a.size;
		p9c_clunk(c, fid);
	}
	return size;
}

int part_image_load(struct part *p, const struct part_status *st,
		   struct part_image **out, struct lerr *err)
{
	struct part_image *im = calloc(1, sizeof(*im));
	uint64_t size = tree_image_size(p);
	char path[4200];
	struct stat sb;
	int e;

	if (!im)
		return lerr_set(err, ENOMEM, "out of memory");
	im->copy_fd = -1;
	snprintf(im->shown, sizeof(im->shown), "%s", st->image);
	/*
	 * The status names the image as it was given: a relative path is
	 * relative to where the partition was started, the monitor's cwd.
	 */
	if (st->image[0] == '/')
		snprintf(path, sizeof(path), "%s", st->image);
	else
		snprintf(path, sizeof(path), "/proc/%ld/cwd/%s", st->pid, st->image);
	if (st->image[0] && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (!size || (uint64_t)sb.st_size == size) &&
	    elf_open(path, &im->elf, NULL) == 0) {
		char real[4096];

		if (st->image[0] != '/' && realpath(path, real))
			snprintf(im->shown, sizeof(im->shown), "%s", real);
		*out = im;
		return 0;
	}
	/* Moved, rebuilt or unreachable: the monitor still has the one it loaded. */
	e = copy_from_tree(p, size, &im->copy_fd, err);
	if (!e) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", im->copy_fd);
		e = elf_open(path, &im->elf, err);
	}
	if (e) {
		part_image_free(im);
		return e;
	}
	*out = im;
	return 0;
}

int part_image_open(const char *path, struct part_image **out, struct lerr *err)
{
	struct part_image *im = calloc(1, sizeof(*im));
	int e;

	if (!im)
		return lerr_set(err, ENOMEM, "out of memory");
	im->copy_fd = -1;
	snprintf(im->shown, sizeof(im->shown), "%s", path);
	e = elf_open(path, &im->elf, err);
	if (e) {
		free(im);
		return e;
	}
	*out = im;
	return 0;
}

void part_image_free(struct part_image *im)
{
	if (!im)
		return;
	if (im->elf)
		elf_close(im->elf);
	if (im->copy_fd >= 0)
		close(im->copy_fd);
	free(im);
}
