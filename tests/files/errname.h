/* SPDX-License-Identifier: ISC */
/* errno values by name, for programs that print the error they got. */
#ifndef TESTS_FILES_ERRNAME_H
#define TESTS_FILES_ERRNAME_H

#include <errno.h>
#include <stdio.h>

static const char *errname(int e)
{
	static char other[32];

	switch (e) {
	case 0:
		return "ok";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EIO:
		return "EIO";
	case ENXIO:
		return "ENXIO";
	case EBADF:
		return "EBADF";
	case EAGAIN:
		return "EAGAIN";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case EXDEV:
		return "EXDEV";
	case ENODEV:
		return "ENODEV";
	case ENOTDIR:
		return "ENOTDIR";
	case EISDIR:
		return "EISDIR";
	case EINVAL:
		return "EINVAL";
	case ENFILE:
		return "ENFILE";
	case EMFILE:
		return "EMFILE";
	case ETXTBSY:
		return "ETXTBSY";
	case EFBIG:
		return "EFBIG";
	case ENOSPC:
		return "ENOSPC";
	case ESPIPE:
		return "ESPIPE";
	case EROFS:
		return "EROFS";
	case EMLINK:
		return "EMLINK";
	case ERANGE:
		return "ERANGE";
	case ENAMETOOLONG:
		return "ENAMETOOLONG";
	case ENOSYS:
		return "ENOSYS";
	case ENOTEMPTY:
		return "ENOTEMPTY";
	case ELOOP:
		return "ELOOP";
	case EPROTO:
		return "EPROTO";
	case EMSGSIZE:
		return "EMSGSIZE";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case ECONNRESET:
		return "ECONNRESET";
	case ENOTCONN:
		return "ENOTCONN";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EOVERFLOW:
		return "EOVERFLOW";
	default:
		snprintf(other, sizeof(other), "errno %d", e);
		return other;
	}
}

#endif
