/* SPDX-License-Identifier: ISC */
/*
 * A hostile partition against its own shares (tests/shares.bats): it
 * takes the library OS's share ring (boot info's fs_ring) and speaks to
 * the monitor's 9P server itself, on the first share's connection,
 * sending what no honest client sends: messages whose size field lies,
 * unknown types, huge counts, walks of 17 names, names with '/', '..'
 * and 300 bytes, unknown fids, by-reference buffers outside RAM or on
 * the monitor's pages, writes through a read-only fid, a flood of
 * requests, and ring indices that make no sense.
 *
 * The share must hold a file "victim" and nothing named "etc".  One line
 * per case, "case NAME: WHAT CAME BACK"; a reply that is not a sane one
 * (wrong tag, wrong type, a size field that is not its length), a walk
 * that leaves the share, or a share that never answers again is a line
 * "FAIL: ...".  It ends with "survived" and status 0, or status 1 if a
 * line said FAIL.  "fs_hostile loop" goes round again ("round N done"
 * after each) until console input comes, so that other partitions can
 * use the directory meanwhile.
 */
#include <errno.h>
#include <lpar.h>
#include <lpar/fs.h>
#include <stdio.h>
#include <string.h>

#include "../files/errname.h"

enum {
	RLERROR = 7,
	TGETATTR = 24,
	TLOPEN = 12,
	TVERSION = 100,
	TATTACH = 104,
	TFLUSH = 108,
	TWALK = 110,
	TREAD = 116,
	TWRITE = 118,
	TCLUNK = 120,
};
#define NOFID 0xffffffffu
#define ROOT 1u /* the root fid of every session */
#define RFID 3u /* victim, opened for reading */
#define WFID 4u /* victim, opened for writing */

static struct lpar_ring_hdr *ring;
static uint32_t conn;
static uint64_t mem_size, root_qid;
static uint16_t next_tag = 1;
static int failed;
static uint8_t out[LPAR_FS_RING_SIZE], in[LPAR_FS_RING_SIZE];
static size_t outn;
static uint8_t buffer[65536];

/* ---- building messages ---------------------------------------------------- */

static void put(const void *p, size_t n)
{
	memcpy(out + outn, p, n);
	outn += n;
}
static void put8(uint8_t v)
{
	put(&v, 1);
}
static void put16(uint16_t v)
{
	put(&v, 2);
}
static void put32(uint32_t v)
{
	put(&v, 4);
}
static void put64(uint64_t v)
{
	put(&v, 8);
}
static void putstr(const char *s)
{
	put16((uint16_t)strlen(s));
	put(s, strlen(s));
}

/* Starts a message of type with a fresh tag; returns the tag. */
static uint16_t begin(uint8_t type)
{
	uint16_t tag = next_tag++;

	if (next_tag == 0xffff)
		next_tag = 1;
	outn = 0;
	put32(0);
	put8(type);
	put16(tag);
	return tag;
}

/* Sets the size field: the length, or what the case lies. */
static void finish(uint32_t size)
{
	memcpy(out, &size, 4);
}

static uint64_t deadline(unsigned ms)
{
	return lpar_time_monotonic() + ms * 1000000ull;
}

/* ---- exchanges ------------------------------------------------------------ */

struct reply {
	int kind; /* REPLY, RESET, NONE, ERROR */
	uint8_t type;
	uint32_t err; /* Rlerror's */
	uint32_t len;
};
enum { REPLY, RESET, NONE, ERROR };

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void fail(const char *what, const char *detail)
{
	printf("FAIL: %s: %s\n", what, detail);
	failed = 1;
}

/*
 * Sends out[0..len) with ring tag rtag and waits up to ms for the reply
 * to 9P tag, skipping replies to earlier requests.  A reply whose size
 * field is not its length, or whose type is neither Rlerror nor want
 * (0: any R-message), is a failure.
 */
static struct reply xchg(const char *what, size_t len, uint32_t rtag, uint16_t tag, uint8_t want,
			 unsigned ms)
{
	struct reply r = {NONE, 0, 0, 0};
	uint64_t end = deadline(ms);
	uint32_t got_tag;
	long n;

	n = lpar_ring_send_tag(ring, rtag, out, len, deadline(ms));
	if (n == -ECONNRESET || n == -ENOTCONN) {
		r.kind = RESET;
		return r;
	}
	if (n < 0) {
		printf("case %s: cannot send: %s\n", what, errname((int)-n));
		r.kind = ERROR;
		return r;
	}
	for (;;) {
		n = lpar_ring_recv_tag(ring, &got_tag, in, sizeof(in), end);
		if (n == -ECONNRESET || n == -ENOTCONN) {
			r.kind = RESET;
			return r;
		}
		if (n == -ETIMEDOUT)
			return r;
		if (n < 0) {
			fail(what, "cannot receive");
			r.kind = ERROR;
			return r;
		}
		if (n < 7 || get32(in) != (uint32_t)n) {
			fail(what, "a reply whose size field is not its length");
			r.kind = ERROR;
			return r;
		}
		if (LPAR_FS_CONN(got_tag) != LPAR_FS_CONN(rtag) && LPAR_FS_CONN(rtag) == conn) {
			fail(what, "a reply on another connection");
			r.kind = ERROR;
			return r;
		}
		if ((uint16_t)(in[5] | in[6] << 8) != tag)
			continue;
		r.kind = REPLY;
		r.type = in[4];
		r.len = (uint32_t)n;
		if (r.type == RLERROR && n >= 11)
			r.err = get32(in + 7);
		else if (r.type == RLERROR)
			fail(what, "a short Rlerror");
		else if (r.type % 2 == 0 || (want && r.type != want))
			fail(what, "a reply of the wrong type");
		return r;
	}
}

static const char *show(struct reply r)
{
	static char s[64];

	switch (r.kind) {
	case RESET:
		return "ring reset";
	case NONE:
		return "no reply";
	case ERROR:
		return "error";
	}
	if (r.type == RLERROR)
		snprintf(s, sizeof(s), "Rlerror %s", errname((int)r.err));
	else
		snprintf(s, sizeof(s), "R-message %u, %u bytes", r.type, r.len);
	return s;
}

/* Sends the message built, with the size field size (0: its length). */
static struct reply send_case(const char *what, uint32_t size, uint32_t rtag, uint16_t tag,
			      uint8_t want)
{
	struct reply r;

	finish(size ? size : (uint32_t)outn);
	r = xchg(what, outn, rtag, tag, want, 2000);
	printf("case %s: %s\n", what, show(r));
	return r;
}

/* ---- a session ------------------------------------------------------------ */

static int handshake(void)
{
	struct reply r;
	uint16_t tag;

	tag = begin(TVERSION);
	put32(LPAR_FS_MSIZE);
	putstr("9P2000.L");
	finish((uint32_t)outn);
	r = xchg("Tversion", outn, conn, tag, TVERSION + 1, 3000);
	if (r.kind != REPLY || r.type != TVERSION + 1)
		return -1;
	if (get32(in + 7) > LPAR_FS_MSIZE)
		fail("Tversion", "an msize above the one asked for");
	tag = begin(TATTACH);
	put32(ROOT);
	put32(NOFID);
	putstr("");
	putstr("");
	put32(0);
	finish((uint32_t)outn);
	r = xchg("Tattach", outn, conn, tag, TATTACH + 1, 3000);
	if (r.kind != REPLY || r.type != TATTACH + 1)
		return -1;
	root_qid = get64(in + 7 + 5);
	return 0;
}

/* Walks fid to newfid by the names, the last NULL. */
static uint16_t walk(uint32_t fid, uint32_t newfid, const char *const *names)
{
	uint16_t tag = begin(TWALK), n = 0;

	put32(fid);
	put32(newfid);
	while (names[n])
		n++;
	put16(n);
	for (n = 0; names[n]; n++)
		putstr(names[n]);
	return tag;
}

/* Opens victim as fid with flags; 0 if it worked. */
static int open_victim(uint32_t fid, uint32_t flags)
{
	static const char *const victim[] = {"victim", NULL};
	struct reply r;
	uint16_t tag;

	tag = walk(ROOT, fid, victim);
	finish((uint32_t)outn);
	r = xchg("walk to victim", outn, conn, tag, TWALK + 1, 3000);
	if (r.kind != REPLY || r.type != TWALK + 1)
		return -1;
	tag = begin(TLOPEN);
	put32(fid);
	put32(flags);
	finish((uint32_t)outn);
	r = xchg("open victim", outn, conn, tag, TLOPEN + 1, 3000);
	return r.kind == REPLY && r.type == TLOPEN + 1 ? 0 : -1;
}

/* A fresh session with victim open on RFID and WFID: resets the ring if it must. */
static int reconnect(void)
{
	if (handshake() < 0) {
		lpar_ring_reset(ring);
		if (lpar_ring_wait_up(ring, deadline(5000)) < 0 || handshake() < 0)
			return -1;
	}
	if (open_victim(RFID, 0) < 0 || open_victim(WFID, 1) < 0)
		return -1;
	return 0;
}

/* After each case: the session still answers, or it is started again. */
static void recover(const char *after)
{
	struct reply r;
	uint16_t tag = begin(TGETATTR);

	put32(ROOT);
	put64(0x7ff);
	finish((uint32_t)outn);
	r = xchg("Tgetattr", outn, conn, tag, TGETATTR + 1, 3000);
	if (r.kind == REPLY && r.type == TGETATTR + 1)
		return;
	if (reconnect() < 0)
		fail(after, "the share never answered again");
}

/* ---- the cases ------------------------------------------------------------ */

static void framing(void)
{
	uint16_t tag;

	/* A ring message too short to hold a size field. */
	outn = 0;
	put16(0x0707);
	printf("case 2-byte message: %s\n", show(xchg("2-byte message", outn, conn, 0, 0, 3000)));
	recover("2-byte message");

	tag = begin(TCLUNK);
	put32(77);
	send_case("size field below the header", 3, conn, tag, 0);
	recover("size field below the header");

	tag = begin(TCLUNK);
	put32(77);
	send_case("size field past the message", 111, conn, tag, 0);
	recover("size field past the message");

	tag = begin(TCLUNK);
	put32(77);
	put64(0);
	put64(0);
	send_case("size field short of the message", 11, conn, tag, 0);
	recover("size field short of the message");

	tag = begin(TCLUNK);
	put32(77);
	send_case("size field of 2 GiB", 0x7fffffff, conn, tag, 0);
	recover("size field of 2 GiB");

	tag = begin(TWRITE);
	put32(WFID);
	put64(0);
	put32(40000);
	memset(out + outn, 'X', 40000);
	outn += 40000;
	send_case("message above msize", 0, conn, tag, 0);
	recover("message above msize");
}

static void contents(void)
{
	static const char *const dotdot16[] = {"..", "..", "..", "..", "..", "..", "..", "..", "..",
					       "..", "..", "..", "..", "..", "..", "..", NULL};
	static const char *const dotdot17[] = {"..", "..", "..", "..", "..", "..",
					       "..", "..", "..", "..", "..", "..",
					       "..", "..", "..", "..", "..", NULL};
	static const char *const passwd[] = {"..", "..", "etc", "passwd", NULL};
	static const char *const slash1[] = {"../etc", NULL};
	static const char *const slash2[] = {"/etc", NULL};
	static const char *const slash3[] = {"victim/", NULL};
	static const char *const empty[] = {"", NULL};
	static const char *const dot[] = {".", NULL};
	static const char *long1[] = {NULL, NULL};
	static char name[301];
	struct reply r;
	uint16_t tag;
	int i, ok;

	tag = begin(250);
	send_case("unknown type 250", 0, conn, tag, 0);
	recover("unknown type 250");

	tag = begin(RLERROR);
	put32(5);
	send_case("an R-message sent as a request", 0, conn, tag, 0);
	recover("an R-message sent as a request");

	tag = begin(TWALK);
	put32(ROOT);
	put32(9);
	put16(2);
	putstr("victim");
	send_case("Twalk with a name missing", 0, conn, tag, 0);
	recover("Twalk with a name missing");

	tag = begin(TWALK);
	put32(ROOT);
	put32(9);
	put16(1);
	put16(60000);
	put(".", 1);
	send_case("Twalk name length past the end", 0, conn, tag, 0);
	recover("Twalk name length past the end");

	tag = begin(TWALK);
	put32(ROOT);
	put32(9);
	put16(65535);
	send_case("Twalk of 65535 names, none there", 0, conn, tag, 0);
	recover("Twalk of 65535 names, none there");

	tag = walk(ROOT, 9, dotdot17);
	r = send_case("Twalk of 17 names", 0, conn, tag, TWALK + 1);
	if (r.kind == REPLY && r.type == TWALK + 1)
		fail("Twalk of 17 names", "walked more than 16 names");
	recover("Twalk of 17 names");

	tag = walk(ROOT, 10, dotdot16);
	r = send_case("Twalk of 16 '..'", 0, conn, tag, TWALK + 1);
	if (r.kind == REPLY && r.type == TWALK + 1) {
		ok = in[7] == 16 && in[8] == 0;
		for (i = 0; ok && i < 16; i++)
			ok = get64(in + 9 + 13 * i + 5) == root_qid;
		printf("case Twalk of 16 '..': every step is the root: %s\n", ok ? "yes" : "no");
		if (!ok)
			fail("Twalk of 16 '..'", "left the root");
		tag = begin(TCLUNK);
		put32(10);
		send_case("clunk it", 0, conn, tag, TCLUNK + 1);
	}
	recover("Twalk of 16 '..'");

	tag = walk(ROOT, 11, passwd);
	r = send_case("Twalk ../../etc/passwd", 0, conn, tag, TWALK + 1);
	if (r.kind == REPLY && r.type == TWALK + 1 && in[7] == 4)
		fail("Twalk ../../etc/passwd", "reached a file outside the share");
	recover("Twalk ../../etc/passwd");

	tag = walk(ROOT, 12, slash1);
	r = send_case("Twalk '../etc'", 0, conn, tag, TWALK + 1);
	if (r.kind == REPLY && r.type == TWALK + 1)
		fail("Twalk '../etc'", "a name with '/' was walked");
	recover("Twalk '../etc'");
	tag = walk(ROOT, 12, slash2);
	r = send_case("Twalk '/etc'", 0, conn, tag, TWALK + 1);
	if (r.kind == REPLY && r.type == TWALK + 1)
		fail("Twalk '/etc'", "a name with '/' was walked");
	recover("Twalk '/etc'");
	tag = walk(ROOT, 12, slash3);
	r = send_case("Twalk 'victim/'", 0, conn, tag, TWALK + 1);
	if (r.kind == REPLY && r.type == TWALK + 1)
		fail("Twalk 'victim/'", "a name with '/' was walked");
	recover("Twalk 'victim/'");

	memset(name, 'a', 300);
	long1[0] = name;
	tag = walk(ROOT, 13, long1);
	send_case("Twalk a 300-byte name", 0, conn, tag, TWALK + 1);
	recover("Twalk a 300-byte name");
	tag = walk(ROOT, 13, empty);
	send_case("Twalk an empty name", 0, conn, tag, TWALK + 1);
	recover("Twalk an empty name");
	tag = walk(ROOT, 13, dot);
	send_case("Twalk '.'", 0, conn, tag, TWALK + 1);
	recover("Twalk '.'");

	tag = walk(0xdeadbeef, 14, dot);
	send_case("Twalk from an unknown fid", 0, conn, tag, TWALK + 1);
	recover("Twalk from an unknown fid");
	tag = walk(ROOT, RFID, dot);
	send_case("Twalk to a fid in use", 0, conn, tag, TWALK + 1);
	recover("Twalk to a fid in use");
	tag = begin(TGETATTR);
	put32(0xdeadbeef);
	put64(0x7ff);
	send_case("Tgetattr of an unknown fid", 0, conn, tag, TGETATTR + 1);
	recover("Tgetattr of an unknown fid");
	tag = begin(TCLUNK);
	put32(0xdeadbeef);
	send_case("Tclunk of an unknown fid", 0, conn, tag, TCLUNK + 1);
	recover("Tclunk of an unknown fid");
	tag = begin(TREAD);
	put32(ROOT);
	put64(0);
	put32(100);
	send_case("Tread of a fid not open", 0, conn, tag, TREAD + 1);
	recover("Tread of a fid not open");

	tag = begin(TREAD);
	put32(RFID);
	put64(0);
	put32(0xffffffff);
	r = send_case("Tread of 4 GiB", 0, conn, tag, TREAD + 1);
	if (r.kind == REPLY && r.type == TREAD + 1 &&
	    (r.len > LPAR_FS_MSIZE || get32(in + 7) != r.len - 11))
		fail("Tread of 4 GiB", "an Rread whose count is not its data or above msize");
	recover("Tread of 4 GiB");
	tag = begin(TREAD);
	put32(RFID);
	put64(~0ull);
	put32(100);
	send_case("Tread at offset 2^64 - 1", 0, conn, tag, TREAD + 1);
	recover("Tread at offset 2^64 - 1");

	tag = begin(TWRITE);
	put32(WFID);
	put64(0);
	put32(0xffffffff);
	put64(0x4141414141414141ull);
	send_case("Twrite of 4 GiB with 8 bytes", 0, conn, tag, TWRITE + 1);
	recover("Twrite of 4 GiB with 8 bytes");
	tag = begin(TWRITE);
	put32(RFID);
	put64(0);
	put32(8);
	put64(0x4242424242424242ull);
	send_case("Twrite through a read-only fid", 0, conn, tag, TWRITE + 1);
	recover("Twrite through a read-only fid");

	tag = begin(TFLUSH);
	put16(0x4242);
	send_case("Tflush of no request", 0, conn, tag, TFLUSH + 1);
	recover("Tflush of no request");

	outn = 0;
	put32(0);
	put8(TGETATTR);
	put16(0xffff);
	put32(ROOT);
	put64(0x7ff);
	send_case("Tgetattr with NOTAG", 0, conn, 0xffff, TGETATTR + 1);
	recover("Tgetattr with NOTAG");

	tag = begin(TGETATTR);
	put32(ROOT);
	put64(0x7ff);
	finish((uint32_t)outn);
	r = xchg("a connection no share has", outn, 999, tag, 0, 2000);
	printf("case a connection no share has: %s\n", show(r));
	recover("a connection no share has");
}

/*
 * By reference: Tread and Twrite with LPAR_FS_OOL.  If refuse, the monitor
 * must not use the buffer (an Rread or Rwrite with a count is a failure);
 * else it may cut the count to what the buffer holds.
 */
static void ool(const char *what, uint8_t type, uint64_t addr, uint64_t len, uint32_t count,
		int refuse)
{
	struct lpar_fs_ool o = {addr, len};
	struct reply r;
	uint16_t tag = begin(type);

	put32(type == TREAD ? RFID : WFID);
	put64(0);
	put32(count);
	finish((uint32_t)outn);
	put(&o, sizeof(o));
	r = xchg(what, outn, conn | LPAR_FS_OOL, tag, type + 1, 3000);
	printf("case %s: %s\n", what, show(r));
	if (r.kind == REPLY && r.type == type + 1 && r.len >= 11 &&
	    (refuse ? get32(in + 7) > 0 : get32(in + 7) > len))
		fail(what, refuse ? "the monitor used the buffer" : "a count past the buffer");
	recover(what);
}

static void by_reference(void)
{
	const struct lpar_boot_info *b = lpar_boot;
	uint32_t magic = b->magic;
	uint64_t heap = (uint64_t)(uintptr_t)buffer;
	struct reply r;
	uint16_t tag;

	ool("OOL Tread into page 0", TREAD, 0, 4096, 4096, 1);
	ool("OOL Tread into the boot info", TREAD, LPAR_BOOT_INFO, 4096, 4096, 1);
	ool("OOL Tread into the GDT", TREAD, 0x2000, 4096, 4096, 1);
	ool("OOL Tread into the IDT", TREAD, 0x3000, 4096, 4096, 1);
	ool("OOL Tread into the page tables", TREAD, 0x10000, 4096, 4096, 1);
	ool("OOL Tread into the library OS", TREAD, LPAR_LOS_BASE, 4096, 4096, 1);
	ool("OOL Tread past RAM", TREAD, mem_size, 4096, 4096, 1);
	ool("OOL Tread across the end of RAM", TREAD, mem_size - 16, 4096, 4096, 1);
	ool("OOL Tread at an address that wraps", TREAD, ~0ull - 4095, 8192, 4096, 1);
	ool("OOL Tread of 2^40 bytes", TREAD, heap, 1ull << 40, 0xffffffff, 0);
	ool("OOL Twrite from past RAM", TWRITE, mem_size, 4096, 4096, 1);
	ool("OOL Twrite from the GDT", TWRITE, 0x2000, 4096, 4096, 1);
	ool("OOL Twrite from the page tables", TWRITE, 0x10000, 4096, 4096, 1);
	ool("OOL Twrite at an address that wraps", TWRITE, ~0ull - 4095, 8192, 4096, 1);
	ool("OOL Tread with count above the buffer", TREAD, heap, 4096, 65536, 0);
	if (b->magic != magic)
		fail("OOL", "the boot info changed");

	/* OOL with no struct lpar_fs_ool after the message. */
	tag = begin(TREAD);
	put32(RFID);
	put64(0);
	put32(100);
	finish((uint32_t)outn);
	put32(0);
	r = xchg("OOL without its buffer", outn, conn | LPAR_FS_OOL, tag, TREAD + 1, 3000);
	printf("case OOL without its buffer: %s\n", show(r));
	recover("OOL without its buffer");
	/* OOL on a request that has no data. */
	tag = begin(TGETATTR);
	put32(ROOT);
	put64(0x7ff);
	finish((uint32_t)outn);
	put64(heap);
	put64(sizeof(buffer));
	r = xchg("OOL on a Tgetattr", outn, conn | LPAR_FS_OOL, tag, 0, 3000);
	printf("case OOL on a Tgetattr: %s\n", show(r));
	recover("OOL on a Tgetattr");

	/* A good one, to show the path works: the victim's bytes, by reference. */
	tag = begin(TREAD);
	put32(RFID);
	put64(0);
	put32(4096);
	finish((uint32_t)outn);
	{
		struct lpar_fs_ool o = {heap, 4096};

		put(&o, sizeof(o));
	}
	r = xchg("OOL Tread into the partition's buffer", outn, conn | LPAR_FS_OOL, tag, TREAD + 1,
		 3000);
	printf("case OOL Tread into the partition's buffer: %s", show(r));
	if (r.kind == REPLY && r.type == TREAD + 1)
		printf(", count %u, starts '%.8s'", get32(in + 7), (const char *)buffer);
	printf("\n");
	recover("OOL Tread into the partition's buffer");
}

/* Many requests at once: more replies than the reply ring holds. */
static void flood(void)
{
	enum { N = 600 };
	uint32_t got_tag;
	uint16_t first = 0;
	int i, replies = 0, sent = 0;
	long n;

	for (i = 0; i < N; i++) {
		uint16_t tag = begin(TGETATTR);

		if (!i)
			first = tag;
		put32(ROOT);
		put64(0x7ff);
		finish((uint32_t)outn);
		n = lpar_ring_send_tag(ring, conn, out, outn, deadline(3000));
		if (n < 0)
			break;
		sent++;
	}
	while (replies < sent) {
		n = lpar_ring_recv_tag(ring, &got_tag, in, sizeof(in), deadline(3000));
		if (n < 0)
			break;
		if (n >= 7 && in[4] == TGETATTR + 1 && (uint16_t)((in[5] | in[6] << 8) - first) < N)
			replies++;
	}
	printf("case %d requests at once: %d sent, %d answered\n", N, sent, replies);
	if (replies != sent)
		fail("flood", "not every request was answered");
	recover("flood");
}

static void doorbell(void)
{
	__asm__ volatile("outl %%eax, %[port]" ::"a"(ring->index), [port] "i"(LPAR_DOORBELL_PORT)
			 : "memory");
}

/* Waits up to 3 s for the monitor to start the ring over; says whether it did. */
static void wild(const char *what, uint32_t gen0)
{
	uint64_t end = deadline(3000);
	int reset;

	doorbell();
	while (!(reset = __atomic_load_n(&ring->gen, __ATOMIC_ACQUIRE) != gen0) &&
	       lpar_time_monotonic() < end)
		lpar_block(lpar_time_monotonic() + 1000000);
	printf("case %s: %s\n", what, reset ? "ring reset" : "ignored");
	if (!reset)
		lpar_ring_reset(ring);
	if (lpar_ring_wait_up(ring, deadline(5000)) < 0 || reconnect() < 0)
		fail(what, "the share never answered again");
}

static void indices(void)
{
	struct lpar_ring_dir tx = lpar_ring_dir_at(ring, ring->size, 0);
	struct lpar_ring_dir rx = lpar_ring_dir_at(ring, ring->size, 1);
	struct lpar_msg h = {100000, 0};
	uint32_t p;

	lpar_ring_store(&tx.ctl->prod, lpar_ring_load(&tx.ctl->prod) + 0x40000000u);
	wild("tx prod 1 GiB ahead", __atomic_load_n(&ring->gen, __ATOMIC_ACQUIRE));

	h.tag = conn;
	p = lpar_ring_load(&tx.ctl->prod);
	lpar_ring_copy_in(&tx, p, &h, sizeof(h));
	lpar_ring_store(&tx.ctl->prod, p + 16);
	wild("a message header of 100000 bytes", __atomic_load_n(&ring->gen, __ATOMIC_ACQUIRE));

	p = __atomic_load_n(&ring->gen, __ATOMIC_ACQUIRE);
	lpar_ring_store(&rx.ctl->cons, lpar_ring_load(&rx.ctl->prod) + 4096);
	begin(TGETATTR);
	put32(ROOT);
	put64(0x7ff);
	finish((uint32_t)outn);
	{
		/* Sent by hand: the SDK would see its own rx as corrupt first. */
		struct lpar_msg m = {(uint32_t)outn, conn};
		uint32_t tp = lpar_ring_load(&tx.ctl->prod);

		lpar_ring_copy_in(&tx, tp, &m, sizeof(m));
		lpar_ring_copy_in(&tx, tp + sizeof(m), out, outn);
		lpar_ring_store(&tx.ctl->prod, tp + lpar_msg_space((uint32_t)outn));
	}
	wild("rx cons ahead of prod", p);
}

int main(int argc, char **argv)
{
	const struct lpar_fs_boot *fb;
	int loop = argc > 1 && !strcmp(argv[1], "loop"), round = 0;
	char input[64];

	if (!lpar_boot->fs_ring || !lpar_boot->fs) {
		printf("fs_hostile: this partition has no shares\n");
		return 2;
	}
	ring = (struct lpar_ring_hdr *)(uintptr_t)lpar_boot->fs_ring;
	fb = (const struct lpar_fs_boot *)(uintptr_t)lpar_boot->fs;
	mem_size = lpar_boot->mem_size;
	if (!fb->nshares) {
		printf("fs_hostile: the mount table is empty\n");
		return 2;
	}
	conn = LPAR_FS_CONN(fb->share[0].conn);
	printf("fs_hostile: ring %u, %u bytes, share %s on connection %u\n", ring->index,
	       ring->size, fb->share[0].path, conn);
	if (lpar_ring_wait_up(ring, deadline(5000)) < 0 || reconnect() < 0) {
		printf("FAIL: no session with the share to start with\n");
		return 1;
	}
	do {
		framing();
		contents();
		by_reference();
		flood();
		indices();
		printf("round %d done\n", ++round);
		fflush(stdout);
	} while (loop && !failed && lpar_console_read(input, sizeof(input)) == -EAGAIN);
	if (failed)
		return 1;
	printf("survived\n");
	return 0;
}
