/* SPDX-License-Identifier: ISC */
/*
 * Files written whole or not at all (core files): made under no name (or
 * a temporary one) in the target directory, 0600, and given their name
 * only once complete, never following a symlink there and never replacing
 * what is there unless asked.  Used by the monitor and its clients alike.
 */
#ifndef LPAR_OUTFILE_H
#define LPAR_OUTFILE_H

#include <limits.h>

struct outfile {
	int dir_fd;             /* the target directory */
	int fd;                 /* the file being written */
	int unnamed;            /* O_TMPFILE: nothing to remove if it fails */
	char tmp[NAME_MAX + 1]; /* else its temporary name in the directory */
};

/*
 * Creates the file that will be path once committed: 0 or -errno (the
 * directory is missing, not a directory, or not writable).  Only the
 * directory part of path is used here.
 */
int outfile_open(struct outfile *o, const char *path);
/*
 * Names the file path's last component: -EEXIST if something (a symlink
 * too) has that name, unless force, which replaces it (a symlink itself,
 * never its target).  On success the file is closed; on failure it is
 * still there to retry under another name or to discard.
 */
int outfile_commit(struct outfile *o, const char *path, int force);
/* Removes the unfinished file (safe after a commit, and twice). */
void outfile_discard(struct outfile *o);
/* The last component of path ("core.x" of "/tmp/core.x"). */
const char *outfile_base(const char *path);

#endif
