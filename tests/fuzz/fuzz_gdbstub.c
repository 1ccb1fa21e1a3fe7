/* SPDX-License-Identifier: ISC */
/*
 * The GDB stub (debug/gdbstub.c, with debug/rsp.c's framing and
 * debug/gdbregs.c's register layout): the input is what gdb sends, bytes
 * on a socket that then closes, to a stub serving a fake target
 * (fake_target.c); a thread takes what the stub sends back.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../debug/gdbstub.h"
#include "fake_target.h"

#define INPUT_MAX (64u << 10) /* what one socket buffer surely holds */

static void *drain(void *arg)
{
	int fd = *(int *)arg;
	char buf[65536];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lerr err = { 0, "" };
	pthread_t th;
	int sv[2];

	if (size > INPUT_MAX)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	if (pthread_create(&th, NULL, drain, &sv[1]))
		abort();
	gdbstub_session(fake_target_reset(), sv[0], &err); /* closes sv[0] */
	pthread_join(th, NULL);
	close(sv[1]);
	return 0;
}
