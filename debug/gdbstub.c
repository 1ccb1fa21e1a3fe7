/* SPDX-License-Identifier: ISC
 * The GDB remote stub's session: what each packet means, in terms of the
 * debug target.  While the partition runs, a waiter thread sits in
 * dbg_wait() and this thread keeps reading the socket, so that gdb's
 * Ctrl-C (a 0x03 byte) becomes dbg_stop().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "gdbregs.h"
#include "gdbstub.h"
#include "rsp.h"
#include "target.h"

#define STUB_BREAKS 64
#define STOP_RETRY_MS 200
#define STUB_WATCHES 8

/* gdb's own signal numbers (the remote protocol's, not the host's). */
#define GDB_SIGINT 2
#define GDB_SIGILL 4
#define GDB_SIGTRAP 5
#define GDB_SIGABRT 6
#define GDB_SIGFPE 8
#define GDB_SIGKILL 9
#define GDB_SIGBUS 10
#define GDB_SIGSEGV 11

#define BP_SW 1u /* set with Z0 */
#define BP_HW 2u /* set with Z1 (planted the same way) */

struct stub {
	struct dbg_target *t;
	struct rsp rsp;
	char *reply;             /* RSP_PACKET_MAX + 1 */
	unsigned char *mem;      /* scratch for m/M/X */

	struct dbg_event last;   /* why the partition is stopped, or how it ended */
	int ended;
	int done;                /* D or k: the session is over */

	/* While the partition runs: the waiter thread and what it found. */
	int running;             /* 1: a waiter thread; 2: waited here already */
	int stopping;            /* dbg_stop() sent, its stop not seen yet */
	pthread_t waiter;
	int wake[2];
	struct dbg_event wev;
	int wret;
	struct lerr werr;

	struct {
		uint64_t addr;
		unsigned kinds;
	} bp[STUB_BREAKS];
	unsigned nbp;
	struct {
		uint64_t addr, len;
		char kind;
	} wp[STUB_WATCHES];
	unsigned nwp;
};

static int reply(struct stub *s, const char *text)
{
	return rsp_send_str(&s->rsp, text);
}

static int reply_err(struct stub *s, int e)
{
	char buf[8];

	if (e < 0)
		e = -e;
	snprintf(buf, sizeof(buf), "E%02x", e > 0 && e < 256 ? e : 1);
	return reply(s, buf);
}

/* ---- stop replies ---- */

static int signal_of_vector(int vector)
{
	switch (vector) {
	case 0:  /* divide error */
	case 16: /* x87 */
	case 19: /* SIMD */
		return GDB_SIGFPE;
	case 1:
	case 3:
		return GDB_SIGTRAP;
	case 6:
		return GDB_SIGILL;
	case 17:
		return GDB_SIGBUS;
	case 10:
	case 11:
	case 12:
	case 13:
	case 14:
		return GDB_SIGSEGV;
	default:
		return GDB_SIGTRAP;
	}
}

/* The signal gdb shows for a crash, from the monitor's reason text. */
static int signal_of_crash(const char *why)
{
	static const struct {
		const char *text;
		int sig;
	} map[] = {
		{ "divide error", GDB_SIGFPE },   { "floating-point", GDB_SIGFPE },
		{ "invalid opcode", GDB_SIGILL }, { "breakpoint trap", GDB_SIGTRAP },
		{ "debug exception", GDB_SIGTRAP }, { "alignment check", GDB_SIGBUS },
		{ "page fault", GDB_SIGSEGV },    { "protection fault", GDB_SIGSEGV },
		{ "segment", GDB_SIGSEGV },       { "hlt", GDB_SIGSEGV },
		{ "port I/O", GDB_SIGSEGV },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strstr(why, map[i].text))
			return map[i].sig;
	return GDB_SIGABRT;
}

/* W or X for "ended exited N", "ended crashed WHY", "ended killed ...". */
static void ended_reply(const struct dbg_event *ev, char *buf, size_t len)
{
	const char *p = ev->text;
	long status;
	char *end;

	if (!strncmp(p, "ended", 5))
		p += 5;
	p += strspn(p, " ");
	if (!strncmp(p, "exited", 6)) {
		status = strtol(p + 6, &end, 10);
		if (end != p + 6) {
			snprintf(buf, len, "W%02x", (unsigned)(status & 0xff));
			return;
		}
	}
	if (!strncmp(p, "crashed", 7))
		snprintf(buf, len, "X%02x", signal_of_crash(p + 7));
	else
		snprintf(buf, len, "X%02x", GDB_SIGKILL);
}

static int find_bp(const struct stub *s, uint64_t addr)
{
	for (unsigned i = 0; i < s->nbp; i++)
		if (s->bp[i].addr == addr)
			return (int)i;
	return -1;
}

/*
 * The watchpoint an access at addr hit.  An access may start below the
 * watched range and run into it; gdb wants an address inside the range.
 */
static int find_wp(const struct stub *s, uint64_t addr, uint64_t *report)
{
	for (unsigned i = 0; i < s->nwp; i++)
		if (addr >= s->wp[i].addr && addr - s->wp[i].addr < s->wp[i].len) {
			*report = addr;
			return (int)i;
		}
	for (unsigned i = 0; i < s->nwp; i++)
		if (addr < s->wp[i].addr && s->wp[i].addr - addr < 64) {
			*report = s->wp[i].addr;
			return (int)i;
		}
	*report = addr;
	return -1;
}

static void stop_reply(const struct stub *s, const struct dbg_event *ev, char *buf, size_t len)
{
	const char *what;
	uint64_t at;
	char kind;
	int i;

	switch (ev->kind) {
	case DBG_ENDED:
		ended_reply(ev, buf, len);
		return;
	case DBG_STOP_INTERRUPT:
		snprintf(buf, len, "T%02xthread:1;", GDB_SIGINT);
		return;
	case DBG_STOP_BREAKPOINT:
		i = find_bp(s, ev->addr);
		if (i < 0)
			i = find_bp(s, ev->rip);
		what = i >= 0 && s->bp[i].kinds == BP_HW ? "hwbreak" : "swbreak";
		snprintf(buf, len, "T%02x%s:;thread:1;", GDB_SIGTRAP, what);
		return;
	case DBG_STOP_WATCH:
		i = find_wp(s, ev->addr, &at);
		kind = i >= 0 ? s->wp[i].kind : ev->watch_kind;
		what = kind == 'r' ? "rwatch" : kind == 'a' ? "awatch" : "watch";
		snprintf(buf, len, "T%02x%s:%llx;thread:1;", GDB_SIGTRAP, what,
			 (unsigned long long)at);
		return;
	case DBG_STOP_TRAP:
		snprintf(buf, len, "T%02xthread:1;", signal_of_vector(ev->vector));
		return;
	case DBG_STOP_ATTACH:
	case DBG_STOP_STEP:
	default:
		snprintf(buf, len, "T%02xthread:1;", GDB_SIGTRAP);
		return;
	}
}

/* ---- running and waiting ---- */

/* Waits for the event and wakes the session's poll() with a byte. */
static void wait_event(struct stub *s)
{
	char c = 1;

	s->wret = dbg_wait(s->t, &s->wev, &s->werr);
	while (write(s->wake[1], &c, 1) < 0 && errno == EINTR)
		;
}

static void *waiter_main(void *arg)
{
	wait_event(arg);
	return NULL;
}

/* Waits for the next event in the waiter thread (or here, if no thread can start). */
static void start_wait(struct stub *s)
{
	s->running = 1;
	if (pthread_create(&s->waiter, NULL, waiter_main, s) != 0) {
		s->running = 2; /* no Ctrl-C this time; finish_wait() must not join */
		wait_event(s);
	}
}

/* The waiter has reported: records the event and tells gdb. */
static int finish_wait(struct stub *s)
{
	char c, buf[128];

	while (read(s->wake[0], &c, 1) < 0 && errno == EINTR)
		;
	if (s->running == 1)
		pthread_join(s->waiter, NULL);
	s->running = 0;
	s->stopping = 0;
	if (s->wret) {
		/* The monitor went away without a record: gdb sees a kill. */
		memset(&s->last, 0, sizeof(s->last));
		s->last.kind = DBG_ENDED;
		snprintf(s->last.text, sizeof(s->last.text), "ended killed (%.400s)", s->werr.msg);
	} else {
		s->last = s->wev;
	}
	if (s->last.kind == DBG_ENDED)
		s->ended = 1;
	stop_reply(s, &s->last, buf, sizeof(buf));
	return reply(s, buf);
}

static int resume(struct stub *s, int step, int has_addr, uint64_t addr)
{
	struct lerr err = { 0 };
	struct vcpu_regs r;
	char buf[128];
	int e;

	if (s->ended) {
		stop_reply(s, &s->last, buf, sizeof(buf));
		return reply(s, buf);
	}
	if (has_addr) {
		e = dbg_regs_get(s->t, &r, &err);
		if (!e) {
			r.rip = addr;
			e = dbg_regs_set(s->t, &r, &err);
		}
		if (e)
			return reply_err(s, e);
	}
	e = step ? dbg_step(s->t, 1, &err) : dbg_cont(s->t, &err);
	/* ESRCH: it has ended meanwhile, and the wait says how. */
	if (e && e != -ESRCH)
		return reply_err(s, e);
	start_wait(s);
	return 0;
}

/* ---- packets ---- */

/* Parses "ADDR,LEN" at *p (hex), leaving *p after it. */
static int parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
	if (rsp_hex_u64(p, addr) || **p != ',')
		return -1;
	(*p)++;
	return rsp_hex_u64(p, len);
}

static int handle_g(struct stub *s)
{
	struct lerr err = { 0 };
	struct vcpu_regs r;

	if (s->ended || dbg_regs_get(s->t, &r, &err))
		return reply_err(s, s->ended ? ESRCH : err.code);
	gdbregs_encode_all(&r, s->reply);
	return reply(s, s->reply);
}

static int handle_G(struct stub *s, const char *hex, size_t len)
{
	struct lerr err = { 0 };
	struct vcpu_regs r;
	size_t off = 0;

	if (len != 2 * gdbregs_gsize())
		return reply(s, "E01");
	if (s->ended || dbg_regs_get(s->t, &r, &err))
		return reply_err(s, s->ended ? ESRCH : err.code);
	for (unsigned n = 0; n < gdbregs_count(); n++) {
		int e = gdbregs_decode(&r, n, hex + off);

		if (e == -1)
			return reply(s, "E01");
		if (e == -2)
			return reply_err(s, EPERM);
		off += gdbregs_get(n)->bits / 4;
	}
	if (dbg_regs_set(s->t, &r, &err))
		return reply_err(s, err.code);
	return reply(s, "OK");
}

static int handle_p(struct stub *s, const char *args)
{
	struct lerr err = { 0 };
	struct vcpu_regs r;
	uint64_t n;

	if (rsp_hex_u64(&args, &n) || *args || n >= gdbregs_count())
		return reply(s, "E01");
	if (s->ended || dbg_regs_get(s->t, &r, &err))
		return reply_err(s, s->ended ? ESRCH : err.code);
	gdbregs_encode(&r, (unsigned)n, s->reply);
	return reply(s, s->reply);
}

static int handle_P(struct stub *s, const char *args)
{
	struct lerr err = { 0 };
	struct vcpu_regs r;
	uint64_t n;
	int e;

	if (rsp_hex_u64(&args, &n) || *args++ != '=' || n >= gdbregs_count() ||
	    strlen(args) != gdbregs_get((unsigned)n)->bits / 4)
		return reply(s, "E01");
	if (s->ended || dbg_regs_get(s->t, &r, &err))
		return reply_err(s, s->ended ? ESRCH : err.code);
	e = gdbregs_decode(&r, (unsigned)n, args);
	if (e == -1)
		return reply(s, "E01");
	if (e == -2)
		return reply_err(s, EPERM);
	if (dbg_regs_set(s->t, &r, &err))
		return reply_err(s, err.code);
	return reply(s, "OK");
}

/*
 * Reads as much of [addr, addr+len) as is mapped from the start, page by
 * page if the whole range fails: gdb takes a short read as "the rest is
 * not accessible".
 */
static size_t mem_read_some(struct stub *s, uint64_t addr, size_t len)
{
	struct lerr err = { 0 };
	size_t done = 0;

	if (dbg_mem_read(s->t, addr, s->mem, len, &err) == 0)
		return len;
	while (done < len) {
		uint64_t at = addr + done;
		size_t chunk = 4096 - (size_t)(at & 4095);

		if (chunk > len - done)
			chunk = len - done;
		if (dbg_mem_read(s->t, at, s->mem + done, chunk, &err))
			break;
		done += chunk;
	}
	return done;
}

static int handle_m(struct stub *s, const char *args)
{
	uint64_t addr, len, end;
	size_t n;

	if (parse_addr_len(&args, &addr, &len) || *args)
		return reply(s, "E01");
	if (s->ended)
		return reply_err(s, ESRCH);
	if (len > RSP_PACKET_MAX / 2)
		len = RSP_PACKET_MAX / 2;
	if (__builtin_add_overflow(addr, len, &end))
		len = UINT64_MAX - addr + 1; /* up to the top of the address space */
	if (!len)
		return reply(s, "");
	n = mem_read_some(s, addr, (size_t)len);
	if (!n)
		return reply_err(s, EFAULT);
	rsp_hex_encode(s->reply, s->mem, n);
	return reply(s, s->reply);
}

static int mem_write(struct stub *s, uint64_t addr, size_t len)
{
	struct lerr err = { 0 };
	uint64_t end;

	if (s->ended)
		return reply_err(s, ESRCH);
	if (__builtin_add_overflow(addr, len, &end))
		return reply_err(s, EFAULT);
	if (len && dbg_mem_write(s->t, addr, s->mem, len, &err))
		return reply_err(s, err.code ? err.code : EFAULT);
	return reply(s, "OK");
}

static int handle_M(struct stub *s, const char *args, size_t pktlen)
{
	const char *start = args - 1;
	uint64_t addr, len;

	if (parse_addr_len(&args, &addr, &len) || *args++ != ':' || len > RSP_PACKET_MAX / 2 ||
	    pktlen - (size_t)(args - start) != 2 * len || rsp_hex_decode(s->mem, args, len))
		return reply(s, "E01");
	return mem_write(s, addr, (size_t)len);
}

static int handle_X(struct stub *s, const char *args, size_t pktlen)
{
	const char *start = args - 1;
	uint64_t addr, len;
	long n;

	if (parse_addr_len(&args, &addr, &len) || *args++ != ':' || len > RSP_PACKET_MAX)
		return reply(s, "E01");
	n = (long)(pktlen - (size_t)(args - start));
	memcpy(s->mem, args, (size_t)n);
	n = rsp_unescape((char *)s->mem, (size_t)n);
	if (n < 0 || (uint64_t)n != len)
		return reply(s, "E01");
	return mem_write(s, addr, (size_t)len);
}

static int handle_Z(struct stub *s, int insert, const char *args)
{
	struct lerr err = { 0 };
	uint64_t type, addr, kind;
	int i, e;

	if (rsp_hex_u64(&args, &type) || *args++ != ',' || parse_addr_len(&args, &addr, &kind) ||
	    (*args && *args != ';'))
		return reply(s, "E01");
	if (type > 4)
		return reply(s, "");
	if (s->ended)
		return reply_err(s, ESRCH);
	if (type <= 1) {
		unsigned bit = type == 0 ? BP_SW : BP_HW;

		i = find_bp(s, addr);
		if (insert) {
			/* gdb may insert again to update conditions: that is no error. */
			if (i >= 0) {
				s->bp[i].kinds |= bit;
				return reply(s, "OK");
			}
			if (s->nbp == STUB_BREAKS)
				return reply_err(s, ENOSPC);
			if (dbg_break(s->t, addr, &err))
				return reply_err(s, err.code);
			s->bp[s->nbp].addr = addr;
			s->bp[s->nbp++].kinds = bit;
			return reply(s, "OK");
		}
		if (i < 0 || !(s->bp[i].kinds & bit))
			return reply_err(s, ENOENT);
		s->bp[i].kinds &= ~bit;
		if (s->bp[i].kinds)
			return reply(s, "OK");
		s->bp[i] = s->bp[--s->nbp];
		e = dbg_delete(s->t, addr, &err);
		return e ? reply_err(s, err.code) : reply(s, "OK");
	}
	{
		char k = type == 2 ? 'w' : type == 3 ? 'r' : 'a';

		for (i = 0; i < (int)s->nwp; i++)
			if (s->wp[i].addr == addr && s->wp[i].kind == k && s->wp[i].len == kind)
				break;
		if (insert) {
			if (i < (int)s->nwp)
				return reply(s, "OK");
			if (s->nwp == STUB_WATCHES)
				return reply_err(s, ENOSPC);
			if (dbg_watch(s->t, addr, kind, k, &err))
				return reply_err(s, err.code);
			s->wp[s->nwp].addr = addr;
			s->wp[s->nwp].len = kind;
			s->wp[s->nwp++].kind = k;
			return reply(s, "OK");
		}
		if (i == (int)s->nwp)
			return reply_err(s, ENOENT);
		s->wp[i] = s->wp[--s->nwp];
		e = dbg_unwatch(s->t, addr, &err);
		return e ? reply_err(s, err.code) : reply(s, "OK");
	}
}

/* Whether a thread id in a packet names our one thread (or all of them). */
static int our_thread(const char *tid)
{
	if (*tid == 'p') {
		tid = strchr(tid, '.');
		if (!tid)
			return 1; /* "pPID": all its threads */
		tid++;
	}
	return !strcmp(tid, "-1") || !strcmp(tid, "0") || !strcmp(tid, "1");
}

/* Whether a thread id names our thread exactly ("1", "p1.1"). */
static int thread_is_ours(const char *tid)
{
	if (*tid == 'p') {
		tid = strchr(tid, '.');
		if (!tid)
			return 0;
		tid++;
	}
	return !strcmp(tid, "1");
}

/* vCont;ACTION[:TID]...: the first action for our thread applies. */
static int handle_vcont(struct stub *s, const char *p)
{
	char action[64];

	while (*p == ';') {
		size_t n = strcspn(++p, ";");
		char *colon;

		if (n >= sizeof(action))
			return reply(s, "E01");
		memcpy(action, p, n);
		action[n] = '\0';
		p += n;
		colon = strchr(action, ':');
		if (colon)
			*colon = '\0';
		if (colon && !our_thread(colon + 1))
			continue;
		/* C and S carry a signal; the partition has no signals to take it. */
		if (!strcmp(action, "c") || (action[0] == 'C' && action[1] && strlen(action) == 3))
			return resume(s, 0, 0, 0);
		if (!strcmp(action, "s") || (action[0] == 'S' && action[1] && strlen(action) == 3))
			return resume(s, 1, 0, 0);
		return reply(s, "E01");
	}
	return reply(s, "E01");
}

/* c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR] */
static int handle_resume(struct stub *s, int step, int with_sig, const char *args)
{
	uint64_t v, addr = 0;
	int has_addr = 0;

	if (with_sig) {
		if (rsp_hex_u64(&args, &v) || (*args && *args != ';'))
			return reply(s, "E01");
		if (*args)
			args++;
		else
			args = "";
	}
	if (*args) {
		if (rsp_hex_u64(&args, &addr) || *args)
			return reply(s, "E01");
		has_addr = 1;
	}
	return resume(s, step, has_addr, addr);
}

/* A qXfer read of data: "OFFSET,LENGTH" -> m (more) or l (last) with binary data. */
static int xfer_reply(struct stub *s, const char *data, size_t dlen, const char *args)
{
	uint64_t off, len;
	size_t n = 1, sent;

	if (parse_addr_len(&args, &off, &len) || *args)
		return reply(s, "E00");
	if (off >= dlen)
		return reply(s, "l");
	if (len > dlen - off)
		len = dlen - off;
	sent = rsp_escape(s->reply, &n, RSP_PACKET_MAX, data + off, (size_t)len);
	s->reply[0] = off + sent < dlen ? 'm' : 'l';
	return rsp_send(&s->rsp, s->reply, n);
}

/* The image file gdb can load symbols from when told nothing else. */
static int exec_file(struct stub *s, char *path, size_t len)
{
	const struct elf_image *img = dbg_image(s->t);
	char real[PATH_MAX];

	if (!img || !img->path)
		return -1;
	/* The target's own copy of the image: reachable through our pid. */
	if (!strncmp(img->path, "/proc/self/", 11)) {
		snprintf(path, len, "/proc/%ld/%s", (long)getpid(), img->path + 11);
		return 0;
	}
	if (!realpath(img->path, real))
		return -1;
	snprintf(path, len, "%s", real);
	return 0;
}

static int handle_q(struct stub *s, const char *p)
{
	char path[PATH_MAX + 32];
	const char *xml;
	size_t xlen;

	if (!strncmp(p, "qSupported", 10)) {
		snprintf(s->reply, RSP_PACKET_MAX,
			 "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;"
			 "qXfer:exec-file:read+;swbreak+;hwbreak+;vContSupported+",
			 RSP_PACKET_MAX);
		return reply(s, s->reply);
	}
	if (!strncmp(p, "qXfer:features:read:", 20)) {
		p += 20;
		if (strncmp(p, "target.xml:", 11))
			return reply(s, "E00");
		xml = gdbregs_target_xml(&xlen);
		return xfer_reply(s, xml, xlen, p + 11);
	}
	if (!strncmp(p, "qXfer:exec-file:read:", 21)) {
		p = strchr(p + 21, ':');
		if (!p || exec_file(s, path, sizeof(path)))
			return reply(s, "E00");
		return xfer_reply(s, path, strlen(path), p + 1);
	}
	if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10))
		return reply(s, "1");
	if (!strcmp(p, "qC"))
		return reply(s, "QC1");
	if (!strcmp(p, "qfThreadInfo"))
		return reply(s, "m1");
	if (!strcmp(p, "qsThreadInfo"))
		return reply(s, "l");
	if (!strncmp(p, "qSymbol:", 8))
		return reply(s, "OK");
	return reply(s, "");
}

/* gdb's kill ends the partition, as "lpar kill" would. */
static void kill_partition(struct stub *s)
{
	struct lerr err = { 0 };

	s->done = 1;
	if (!s->ended)
		dbg_kill(s->t, &err);
	s->ended = 1;
}

static int handle_packet(struct stub *s)
{
	const char *p = s->rsp.pkt;
	size_t len = s->rsp.pktlen;
	char buf[128];

	switch (p[0]) {
	case '?':
		stop_reply(s, &s->last, buf, sizeof(buf));
		return reply(s, buf);
	case 'g':
		return len == 1 ? handle_g(s) : reply(s, "E01");
	case 'G':
		return handle_G(s, p + 1, len - 1);
	case 'p':
		return handle_p(s, p + 1);
	case 'P':
		return handle_P(s, p + 1);
	case 'm':
		return handle_m(s, p + 1);
	case 'M':
		return handle_M(s, p + 1, len);
	case 'X':
		return handle_X(s, p + 1, len);
	case 'c':
		return handle_resume(s, 0, 0, p + 1);
	case 's':
		return handle_resume(s, 1, 0, p + 1);
	case 'C':
		return handle_resume(s, 0, 1, p + 1);
	case 'S':
		return handle_resume(s, 1, 1, p + 1);
	case 'Z':
		return handle_Z(s, 1, p + 1);
	case 'z':
		return handle_Z(s, 0, p + 1);
	case 'H':
		return reply(s, "OK");
	case 'T':
		return reply(s, thread_is_ours(p + 1) ? "OK" : "E01");
	case 'D':
		s->done = 1;
		return reply(s, "OK");
	case 'k':
		kill_partition(s); /* gdb waits for no reply */
		return 0;
	case 'q':
		return handle_q(s, p);
	case 'Q':
		if (!strcmp(p, "QStartNoAckMode")) {
			int e = reply(s, "OK");

			s->rsp.noack = 1;
			return e;
		}
		return reply(s, "");
	case 'v':
		if (!strcmp(p, "vCont?"))
			return reply(s, "vCont;c;C;s;S");
		if (!strncmp(p, "vCont;", 6))
			return handle_vcont(s, p + 5);
		if (!strncmp(p, "vKill", 5)) {
			kill_partition(s);
			return reply(s, "OK");
		}
		return reply(s, "");
	default:
		return reply(s, "");
	}
}

/* Takes back what gdb left planted when it went without removing it. */
static void cleanup(struct stub *s)
{
	struct lerr err = { 0 };
	struct pollfd pfd = { .fd = s->wake[0], .events = POLLIN };

	while (s->running) {
		dbg_stop(s->t, &err);
		if (poll(&pfd, 1, STOP_RETRY_MS) > 0)
			finish_wait(s);
	}
	if (s->ended)
		return;
	while (s->nbp)
		dbg_delete(s->t, s->bp[--s->nbp].addr, &err);
	while (s->nwp)
		dbg_unwatch(s->t, s->wp[--s->nwp].addr, &err);
}

/*
 * The answer to gdb's first '?': attached and stopped, or ended already
 * (killed while no debugger looked).  Not from dbg_wait() alone: a
 * partition created but not started may not count as stopped yet.
 */
static void where_it_stands(struct stub *s)
{
	struct lerr err = { 0 };
	struct vcpu_regs r;

	memset(&s->last, 0, sizeof(s->last));
	s->last.kind = DBG_STOP_ATTACH;
	if (dbg_regs_get(s->t, &r, &err) == 0) {
		s->last.rip = r.rip;
		return;
	}
	if ((err.code == ESRCH || err.code == EPIPE || err.code == ECONNRESET) &&
	    dbg_wait(s->t, &s->wev, &err) == 0 && s->wev.kind == DBG_ENDED) {
		s->last = s->wev;
		s->ended = 1;
	}
}

/*
 * Asks the running partition to stop (gdb's Ctrl-C).  A stop that reaches
 * the monitor just after a cont, before the vCPU runs again, can be lost,
 * so it is asked again every STOP_RETRY_MS until the stop is seen.
 */
static void ask_stop(struct stub *s)
{
	struct lerr err = { 0 };

	s->stopping = 1;
	dbg_stop(s->t, &err);
}

static int session_loop(struct stub *s)
{
	struct pollfd pfd[2];
	long n;
	int ev;

	for (;;) {
		while (!s->done) {
			ev = rsp_next(&s->rsp, s->running);
			if (ev < 0)
				return 0; /* gdb went away while we wrote */
			if (ev == RSP_NONE)
				break;
			if (ev == RSP_INTERRUPT) {
				if (s->running)
					ask_stop(s);
				continue;
			}
			if (handle_packet(s) < 0)
				return 0;
		}
		if (s->done)
			return 0;
		pfd[0] = (struct pollfd){ .fd = s->rsp.fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		n = poll(pfd, s->running ? 2 : 1, s->stopping ? STOP_RETRY_MS : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0 && s->running && s->stopping) {
			ask_stop(s);
			continue;
		}
		if (s->running && (pfd[1].revents & POLLIN)) {
			if (finish_wait(s) < 0)
				return 0;
			continue;
		}
		if (pfd[0].revents) {
			n = rsp_fill(&s->rsp);
			if (n == 0 || (n < 0 && n != -EINTR && n != -EAGAIN))
				return 0; /* gdb disconnected */
		}
	}
}

int gdbstub_session(struct dbg_target *t, int cfd, struct lerr *err)
{
	struct stub *s = calloc(1, sizeof(*s));
	int e;

	if (!s) {
		close(cfd);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	s->t = t;
	s->wake[0] = s->wake[1] = -1;
	s->reply = malloc(RSP_PACKET_MAX + 1);
	s->mem = malloc(RSP_PACKET_MAX);
	if (!s->reply || !s->mem || rsp_init(&s->rsp, cfd)) {
		e = lerr_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (pipe2(s->wake, O_CLOEXEC) < 0) {
		e = lerr_set(err, errno, "pipe: %s", strerror(errno));
		goto out;
	}
	where_it_stands(s);
	e = session_loop(s);
	if (e)
		lerr_set(err, -e, "gdb stub: %s", strerror(-e));
	cleanup(s);
out:
	if (s->wake[0] >= 0) {
		close(s->wake[0]);
		close(s->wake[1]);
	}
	rsp_free(&s->rsp);
	close(cfd);
	free(s->reply);
	free(s->mem);
	free(s);
	return e;
}

int gdbstub_serve_on(struct dbg_target *t, int lfd, const char *shown, struct lerr *err)
{
	int cfd, e;

	fprintf(stderr, "lpar: waiting for gdb on %s\n", shown);
	e = gdbstub_accept(lfd, &cfd, err); /* closes lfd once a gdb is there */
	if (e) {
		gdbstub_unlisten(lfd, shown);
		return e;
	}
	gdbstub_unlisten(-1, shown);
	return gdbstub_session(t, cfd, err);
}

int gdbstub_serve(struct dbg_target *t, const char *addr, struct lerr *err)
{
	char shown[4200];
	int lfd, e;

	e = gdbstub_listen(addr, &lfd, shown, sizeof(shown), err);
	if (e)
		return e;
	return gdbstub_serve_on(t, lfd, shown, err);
}
