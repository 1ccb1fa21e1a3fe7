/* SPDX-License-Identifier: ISC */
/*
 * hostile MODE SEED ROUNDS [BATCHES]: a partition that attacks its own
 * monitor, the same way every time for a seed.
 *
 * MODE calls: each round does one of
 *   - an hcall with a number from the whole range (but exit and abort,
 *     which would end it, and set_fs_base, which would break its own
 *     TLS), arguments from a list of boundary values, wild pointers
 *     (outside RAM, the monitor's pages, code, non-canonical) and its own
 *     scratch buffer, and lengths that run off the ends;
 *   - random values written into the indices and event indices of its
 *     rings (the console's and "link"), a message header that lies, then
 *     the doorbell.
 *   After ROUNDS rounds it prints "hostile: batch N done" through the
 *   hcall (its console ring may be broken) and, if more batches are to
 *   come, waits for an event from the controller (lpar hcall NAME event 1)
 *   before the next; after the last it prints "hostile: done", exits 0.
 *
 * MODE ports: each round is port I/O of any width, in or out, at any byte
 *   of the eight a partition may reach (the hcall and doorbell ports),
 *   with random values.  The monitor ends the partition as a crash at the
 *   first access it does not serve (anything but a 4-byte out to either
 *   port); a run that survives prints "hostile: done".
 *
 * The monitor must answer each round and stay whole: what it returns is
 * not checked here (the unit tests and tests/hcall.bats check the values).
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LPAR_RING(console, LPAR_RING_BYTES, 4096);
LPAR_RING(link, LPAR_RING_MSGS, 4096);

static uint64_t rng;
static int self;               /* mode "self": pointers into its own data and stack too */
static void one_port(void);
static uint8_t scratch[3 * 65536] __attribute__((aligned(4096)));

/* xorshift64*: the same sequence for the same seed. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[next() % n];
}

/*
 * A length, or a pointer that is either wild (the monitor must refuse it)
 * or into scratch, with room after it for every length here that stays
 * inside RAM: the partition must not scribble on its own stack and data.
 */
static uint64_t arg(void)
{
	uint64_t ram = lpar_boot->mem_size, s = (uint64_t)(uintptr_t)scratch;
	const uint64_t v[] = {
		0, 1, 2, 3, 7, 8, 16, 63, 64, 4095, 4096, 65536, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, (uint64_t)-1, (uint64_t)-2, 1ull << 63,
		0x0000800000000000ull, 0xffff800000000000ull, /* non-canonical, kernel */
		0x1000, 0x2000, 0x4000, 0x10000, LPAR_LOS_BASE, /* boot info, GDT, stubs, page tables, LOS */
		ram - 1, ram, ram + 4096,                     /* RAM's end */
		(uint64_t)(uintptr_t)one_port,                 /* code */
		s, s + 4093, s + 65536,
		next(), next() & 0xffff,
	};

	const uint64_t own[] = { (uint64_t)(uintptr_t)&rng, ram - 4096, next() % ram };

	if (self && next() % 4 == 0)
		return pick(own, sizeof(own) / sizeof(own[0]));
	return pick(v, sizeof(v) / sizeof(v[0]));
}

/* Each argument is a length or a pointer somewhere; the block hcall gets a short deadline. */
static void one_hcall(void)
{
	long nr = (long)(next() % 80), a[5];

	if (nr == LPAR_HC_EXIT || nr == LPAR_HC_ABORT || nr == LPAR_HC_SET_FS_BASE)
		nr = LPAR_HC_TRACE_MARK;
	for (int i = 0; i < 5; i++)
		a[i] = (long)arg();
	if (nr == LPAR_HC_BLOCK)
		a[0] = (long)(lpar_time_monotonic() + next() % 100000);
	/* Keep the console readable: a short write from the scratch buffer. */
	if (nr == LPAR_HC_CONSOLE_WRITE && (uint64_t)a[1] > 64)
		a[1] = (long)(next() % 64);
	lpar_hcall(nr, a[0], a[1], a[2], a[3], a[4]);
}

/* in or out, 1, 2 or 4 bytes, at each byte of the hcall and doorbell ports. */
static void one_port(void)
{
	static const uint16_t ports[] = { LPAR_HCALL_PORT, LPAR_HCALL_PORT + 1, LPAR_HCALL_PORT + 2,
					  LPAR_HCALL_PORT + 3, LPAR_DOORBELL_PORT,
					  LPAR_DOORBELL_PORT + 1, LPAR_DOORBELL_PORT + 2,
					  LPAR_DOORBELL_PORT + 3 };
	uint16_t port = ports[next() % 8];
	unsigned width = 1u << (next() % 3), out = next() & 1;
	uint64_t v = next();
	uint32_t val = (uint32_t)v;

	/* The two ports' eight bytes are next to each other; past them is denied (#GP). */
	if (port + width > LPAR_DOORBELL_PORT + 4)
		width = 1;
	/* A 4-byte out to the hcall port is an hcall: one_hcall() does those. */
	if (port == LPAR_HCALL_PORT && width == 4 && out)
		out = 0;
	if (out) {
		if (width == 1)
			__asm__ volatile("outb %b0, %w1" ::"a"(val), "Nd"(port) : "memory");
		else if (width == 2)
			__asm__ volatile("outw %w0, %w1" ::"a"(val), "Nd"(port) : "memory");
		else
			__asm__ volatile("outl %0, %w1" ::"a"(val), "Nd"(port) : "memory");
	} else {
		if (width == 1)
			__asm__ volatile("inb %w1, %b0" : "=a"(val) : "Nd"(port) : "memory");
		else if (width == 2)
			__asm__ volatile("inw %w1, %w0" : "=a"(val) : "Nd"(port) : "memory");
		else
			__asm__ volatile("inl %w1, %0" : "=a"(val) : "Nd"(port) : "memory");
	}
}

/* Random indices in one direction of one ring, then its doorbell. */
static void one_ring(void)
{
	struct lpar_ring_hdr *r = next() & 1 ? lpar_ring(console) : lpar_ring(link);
	struct lpar_ring_dir d = lpar_ring_dir_at(r, r->size, (int)(next() & 1));
	uint32_t *field[] = { &d.ctl->prod, &d.ctl->cons, &d.ctl->prod_event, &d.ctl->cons_event };
	const uint64_t v[] = { 0, 1, r->size, r->size + 1, 0x7fffffff, 0xffffffff, next() };

	lpar_ring_store(field[next() % 4], (uint32_t)pick(v, sizeof(v) / sizeof(v[0])));
	if (next() & 1)
		memset(d.data, (int)(next() & 0xff), 64); /* and a message header that lies */
	__asm__ volatile("outl %%eax, %[port]" ::"a"(r->index), [port] "i"(LPAR_DOORBELL_PORT)
			 : "memory");
}

static void say(const char *text)
{
	lpar_hcall2(LPAR_HC_CONSOLE_WRITE, text, strlen(text));
}

int main(int argc, char **argv)
{
	unsigned long rounds, batches;
	int ports;
	char line[80];

	if (argc < 4 || (strcmp(argv[1], "calls") && strcmp(argv[1], "ports") &&
			 strcmp(argv[1], "self"))) {
		fprintf(stderr, "usage: hostile calls|self|ports SEED ROUNDS [BATCHES]\n");
		return 2;
	}
	ports = !strcmp(argv[1], "ports");
	self = !strcmp(argv[1], "self");
	rng = strtoull(argv[2], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
	rounds = strtoul(argv[3], NULL, 0);
	batches = argc > 4 ? strtoul(argv[4], NULL, 0) : 1;
	for (unsigned long b = 1; b <= batches; b++) {
		for (unsigned long i = 0; i < rounds; i++) {
			if (ports)
				one_port();
			else if (next() % 3)
				one_hcall();
			else
				one_ring();
		}
		snprintf(line, sizeof(line), "hostile: batch %lu done\n", b);
		say(line);
		if (b == batches)
			break;
		/* The controller looks at the monitor, then lets the next batch go. */
		while (!(lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_EVENT))
			;
		lpar_hcall0(LPAR_HC_EVENT_TAKE);
	}
	say("hostile: done\n");
	return 0;
}
