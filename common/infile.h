/* SPDX-License-Identifier: ISC */
/*
 * Opening a file a user names (an image, a config, a core) for reading:
 * never blocking on a FIFO and refusing anything but a regular file.
 */
#ifndef LPAR_INFILE_H
#define LPAR_INFILE_H

#include "err.h"

/*
 * Opens path read-only and close-on-exec: the descriptor (blocking reads,
 * as usual for a regular file), or -errno with err's message saying why:
 * the open's error, or EISDIR for a directory and EINVAL for a FIFO, a
 * socket or a device ("it is a FIFO, not a regular file").  The open itself is
 * non-blocking, so a FIFO without a writer is refused, not waited for.
 */
int infile_open(const char *path, struct lerr *err);

#endif
