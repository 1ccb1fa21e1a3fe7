/* SPDX-License-Identifier: ISC */
/* Typed errors for the library layers. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int lerr_set(struct lerr *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}
