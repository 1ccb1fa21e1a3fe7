/* SPDX-License-Identifier: ISC
 * The GDB remote stub: serves one gdb ("target remote") over TCP or a
 * UNIX socket and drives a debug target for it.  See docs/gdb-stub.md.
 */
#ifndef LPAR_DEBUG_GDBSTUB_H
#define LPAR_DEBUG_GDBSTUB_H

#include <stddef.h>

struct lerr;
struct dbg_target;

/*
 * Listens on addr: "[HOST:]PORT" (TCP; HOST defaults to 127.0.0.1, may be
 * a name or "[v6addr]"; PORT 0 picks a free one) or "unix:PATH" (a socket
 * created there, refused if something other than a stale socket is in
 * the way).  *fd is the listening socket; shown gets the address to print
 * ("127.0.0.1:40123", "unix:/tmp/g.sock").  -errno with err filled.
 */
int gdbstub_listen(const char *addr, int *fd, char *shown, size_t shownlen,
		   struct lerr *err);

/* Gives up a listener from gdbstub_listen(): closes it, removes a UNIX socket. */
void gdbstub_unlisten(int lfd, const char *shown);

/*
 * Accepts one connection on a listening fd from gdbstub_listen() and
 * closes it (one gdb per stub).  -EINTR if a signal came first.
 */
int gdbstub_accept(int lfd, int *cfd, struct lerr *err);

/*
 * Speaks the remote serial protocol with gdb on the connected fd cfd
 * (closed on return) until gdb detaches ('D'), kills ('k': the partition
 * ends), disconnects, or the partition ends and gdb goes.  The target must
 * be attached (stopped).  Breakpoints and watchpoints gdb set are removed
 * before it returns.  The caller then calls dbg_detach(), which lets the
 * partition run on.  Returns 0, or -errno for a failure of the stub
 * itself (memory, threads).
 */
int gdbstub_session(struct dbg_target *t, int cfd, struct lerr *err);

/*
 * For lpar attach --gdb and lpar run --gdb, on a listening fd and its shown
 * address from gdbstub_listen(): prints "lpar: waiting for gdb on SHOWN" to
 * stderr (the one message this layer prints: the user needs it before the
 * call returns), accepts one gdb, serves it, closes the fds and removes a
 * UNIX socket.  Listen first, attach second, then call this: a bad address
 * is then refused before the partition is touched.
 */
int gdbstub_serve_on(struct dbg_target *t, int lfd, const char *shown, struct lerr *err);

/* gdbstub_listen() and gdbstub_serve_on() in one. */
int gdbstub_serve(struct dbg_target *t, const char *addr, struct lerr *err);

#endif
