/* SPDX-License-Identifier: ISC
 * Typed errors: lower layers fill a struct lerr and return -errno; only
 * cmd/ turns them into messages.
 */
#ifndef LPAR_ERR_H
#define LPAR_ERR_H

struct lerr {
	int code;       /* positive errno */
	char msg[512];  /* cause, lowercase, no final period */
};

/* Records code and message in err (if not NULL); returns -code. */
int lerr_set(struct lerr *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
