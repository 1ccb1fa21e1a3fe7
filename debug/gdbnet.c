/* SPDX-License-Identifier: ISC
 * Where the GDB stub listens: a TCP address ("[HOST:]PORT") or a UNIX
 * socket ("unix:PATH"), and accepting the one gdb it serves.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "gdbstub.h"

#define DEFAULT_HOST "127.0.0.1"

/* strerror() begins with a capital; lpar's messages do not. */
static const char *why(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

static int listen_unix(const char *addr, const char *path, int *fd, char *shown,
		       size_t shownlen, struct lerr *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat sb;
	char b[128];
	int s, e;

	if (!path[0])
		return lerr_set(err, EINVAL, "invalid gdb address '%s': no socket path", addr);
	if (strlen(path) >= sizeof(sa.sun_path))
		return lerr_set(err, ENAMETOOLONG,
				"invalid gdb address '%s': socket path longer than %zu bytes", addr,
				sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return lerr_set(err, EEXIST, "cannot listen on '%s': %s", path,
					"it exists and is not a socket");
		/* A socket nobody answers on is left over from an earlier stub. */
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return lerr_set(err, errno, "socket: %s", why(errno, b, sizeof(b)));
		e = connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
		close(s);
		if (e != ECONNREFUSED)
			return lerr_set(err, EADDRINUSE, "cannot listen on '%s': %s", path,
					e ? why(e, b, sizeof(b)) : "something is listening there");
		unlink(path);
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return lerr_set(err, errno, "socket: %s", why(errno, b, sizeof(b)));
	/* Whoever connects controls the partition: owner only, set before listen(). */
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(s, 1) < 0) {
		e = errno;
		close(s);
		unlink(path);
		return lerr_set(err, e, "cannot listen on '%s': %s", path, why(e, b, sizeof(b)));
	}
	snprintf(shown, shownlen, "unix:%s", path);
	*fd = s;
	return 0;
}

/* Splits "[HOST:]PORT", "[V6]:PORT" or ":PORT" into host and port. */
static int split_tcp(const char *addr, char *host, size_t hostlen, const char **port,
		     struct lerr *err)
{
	const char *colon;
	size_t n;

	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		if (!close || close[1] != ':')
			return lerr_set(err, EINVAL,
					"invalid gdb address '%s': expected [ADDRESS]:PORT", addr);
		n = (size_t)(close - addr - 1);
		colon = close + 1;
		addr++;
	} else {
		colon = strrchr(addr, ':');
		if (colon && memchr(addr, ':', (size_t)(colon - addr)))
			return lerr_set(err, EINVAL, "invalid gdb address '%s': %s", addr,
					"write IPv6 addresses as [ADDRESS]:PORT");
		n = colon ? (size_t)(colon - addr) : 0;
	}
	if (n >= hostlen)
		return lerr_set(err, EINVAL, "invalid gdb address '%s': host name too long", addr);
	if (n) {
		memcpy(host, addr, n);
		host[n] = '\0';
	} else {
		snprintf(host, hostlen, "%s", DEFAULT_HOST);
	}
	*port = colon ? colon + 1 : addr;
	return 0;
}

static int listen_tcp(const char *addr, int *fd, char *shown, size_t shownlen,
		      struct lerr *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[256], h[NI_MAXHOST], p[NI_MAXSERV], b[128];
	const char *port = "";
	uint64_t pn;
	int s = -1, e = 0, one = 1, r;

	r = split_tcp(addr, host, sizeof(host), &port, err);
	if (r)
		return r;
	if (num_parse_u64(port, &pn) || pn > 65535 || strspn(port, "0123456789") != strlen(port))
		return lerr_set(err, EINVAL, "invalid gdb address '%s': %s", addr,
				"expected [HOST:]PORT or unix:PATH, with PORT 0 to 65535");
	r = getaddrinfo(host, port, &hints, &res);
	if (r)
		return lerr_set(err, EADDRNOTAVAIL, "cannot listen on '%s': %s", addr,
				r == EAI_SYSTEM ? why(errno, b, sizeof(b)) : gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (s < 0) {
			e = errno;
			continue;
		}
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, 1) == 0)
			break;
		e = errno;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0)
		return lerr_set(err, e ? e : EADDRNOTAVAIL, "cannot listen on '%s': %s", addr,
				why(e ? e : EADDRNOTAVAIL, b, sizeof(b)));
	if (getsockname(s, (struct sockaddr *)&ss, &sslen) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sslen, h, sizeof(h), p, sizeof(p),
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(shown, shownlen, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
	else
		snprintf(shown, shownlen, "%s", addr);
	*fd = s;
	return 0;
}

int gdbstub_listen(const char *addr, int *fd, char *shown, size_t shownlen,
		   struct lerr *err)
{
	if (!addr || !addr[0])
		return lerr_set(err, EINVAL,
				"invalid gdb address '': expected [HOST:]PORT or unix:PATH");
	if (!strncmp(addr, "unix:", 5))
		return listen_unix(addr, addr + 5, fd, shown, shownlen, err);
	return listen_tcp(addr, fd, shown, shownlen, err);
}

void gdbstub_unlisten(int lfd, const char *shown)
{
	if (lfd >= 0)
		close(lfd);
	if (!strncmp(shown, "unix:", 5))
		unlink(shown + 5);
}

int gdbstub_accept(int lfd, int *cfd, struct lerr *err)
{
	char b[128];
	int s, one = 1;

	for (;;) {
		s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s >= 0)
			break;
		if (errno == EINTR)
			return lerr_set(err, EINTR, "interrupted while waiting for gdb");
		/* A connection that went away before we took it: wait for the next. */
		if (errno == ECONNABORTED || errno == EPROTO)
			continue;
		return lerr_set(err, errno, "cannot accept gdb's connection: %s",
				why(errno, b, sizeof(b)));
	}
	close(lfd);
	/* Packets are small and answered one by one: do not let Nagle hold them. */
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*cfd = s;
	return 0;
}
