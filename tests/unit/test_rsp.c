/* SPDX-License-Identifier: ISC
 * Unit tests for the GDB remote protocol framing (debug/rsp.c): packets,
 * acks, retransmission, the interrupt byte, and every malformed input
 * the stub must refuse without losing its place.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../debug/rsp.h"

struct pair {
	struct rsp r;
	int peer; /* the other end: what gdb would send and see */
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	int sv[2];

	if (!p || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || rsp_init(&p->r, sv[0]))
		return -1;
	p->peer = sv[1];
	fcntl(p->peer, F_SETFL, O_NONBLOCK);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	close(p->r.fd);
	close(p->peer);
	rsp_free(&p->r);
	free(p);
	return 0;
}

/* gdb's side sends bytes; the stub reads them all. */
static void feed(struct pair *p, const void *buf, size_t len)
{
	size_t got = 0;

	assert_int_equal(write(p->peer, buf, len), (ssize_t)len);
	while (got < len) {
		long n = rsp_fill(&p->r);

		assert_true(n > 0);
		got += (size_t)n;
	}
}

static void feeds(struct pair *p, const char *s)
{
	feed(p, s, strlen(s));
}

/* What the stub sent back so far, as a string. */
static const char *sent(struct pair *p)
{
	static char buf[4096];
	ssize_t n = read(p->peer, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void good_packet_is_acked(void **state)
{
	struct pair *p = *state;

	feeds(p, "$qC#b4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
	assert_int_equal(p->r.pktlen, 2);
	assert_string_equal(sent(p), "+");
	assert_int_equal(rsp_next(&p->r, 0), RSP_NONE);
}

static void checksum_in_either_case(void **state)
{
	struct pair *p = *state;

	/* sum("m0,1") = 0x6d+0x30+0x2c+0x31 = 0xfa */
	feeds(p, "$m0,1#FA$m0,1#fa");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(sent(p), "++");
}

static void bad_checksum_is_refused(void **state)
{
	struct pair *p = *state;

	feeds(p, "$qC#b5$qC#zz$qC#b4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
	assert_string_equal(sent(p), "--+");
	assert_int_equal(p->r.naks, 2);
}

static void packet_split_across_reads(void **state)
{
	struct pair *p = *state;

	feeds(p, "$q");
	assert_int_equal(rsp_next(&p->r, 0), RSP_NONE);
	feeds(p, "C#b");
	assert_int_equal(rsp_next(&p->r, 0), RSP_NONE);
	feeds(p, "4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
}

static void packet_cut_short_by_the_next(void **state)
{
	struct pair *p = *state;

	feeds(p, "$abc$qC#b4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
	assert_string_equal(sent(p), "-+");
}

static void noise_between_packets_is_ignored(void **state)
{
	struct pair *p = *state;

	feeds(p, "+++garbage\n#00\x01$qC#b4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
	assert_string_equal(sent(p), "+");
}

static void interrupt_byte(void **state)
{
	struct pair *p = *state;

	feeds(p, "\x03$qC#b4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_INTERRUPT);
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
}

static void interrupt_byte_inside_a_packet_is_data(void **state)
{
	struct pair *p = *state;
	char pkt[16];

	/* "X0,1:" then a raw 0x03: the sum is 0x58+0x30+0x2c+0x31+0x3a+0x03 = 0x122 */
	snprintf(pkt, sizeof(pkt), "$X0,1:%c#22", 3);
	feeds(p, pkt);
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_int_equal(p->r.pktlen, 6);
	assert_int_equal(p->r.pkt[5], 3);
}

static void held_packets_wait_but_interrupts_do_not(void **state)
{
	struct pair *p = *state;

	feeds(p, "\x03$qC#b4");
	assert_int_equal(rsp_next(&p->r, 1), RSP_INTERRUPT);
	assert_int_equal(rsp_next(&p->r, 1), RSP_NONE);
	assert_true(rsp_pending(&p->r));
	assert_string_equal(sent(p), ""); /* not acked while held */
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
}

static void nak_resends_the_last_packet(void **state)
{
	struct pair *p = *state;

	assert_int_equal(rsp_send_str(&p->r, "OK"), 0);
	assert_string_equal(sent(p), "$OK#9a");
	feeds(p, "-");
	assert_int_equal(rsp_next(&p->r, 0), RSP_NONE);
	assert_string_equal(sent(p), "$OK#9a");
	assert_int_equal(p->r.resent, 1);
	feeds(p, "+");
	assert_int_equal(rsp_next(&p->r, 0), RSP_NONE);
	assert_string_equal(sent(p), "");
}

static void no_ack_mode_sends_no_acks(void **state)
{
	struct pair *p = *state;

	p->r.noack = 1;
	assert_int_equal(rsp_send_str(&p->r, "OK"), 0);
	sent(p);
	/* the checksum is not checked either: the transport is reliable */
	feeds(p, "-$qC#00");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
	assert_string_equal(sent(p), "");
}

static void overlong_packet_is_refused(void **state)
{
	struct pair *p = *state;
	size_t n = RSP_PACKET_MAX + 10;
	char *big = malloc(n + 1);

	big[0] = '$';
	memset(big + 1, 'a', n);
	feed(p, big, n + 1);
	free(big);
	assert_int_equal(rsp_next(&p->r, 0), RSP_NONE);
	assert_int_equal(p->r.naks, 1);
	feeds(p, "#00$qC#b4");
	assert_int_equal(rsp_next(&p->r, 0), RSP_PACKET);
	assert_string_equal(p->r.pkt, "qC");
}

static void full_buffer_of_held_packets_is_dropped(void **state)
{
	struct pair *p = *state;
	char chunk[4096];
	long n;

	memset(chunk, 'a', sizeof(chunk));
	chunk[0] = '$';
	/* A peer that sends packets while the partition runs, without end. */
	for (int i = 0; i < 64; i++) {
		assert_int_equal(write(p->peer, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
		n = rsp_fill(&p->r);
		assert_true(n > 0);
		assert_int_equal(rsp_next(&p->r, 1), RSP_NONE);
		sent(p);
	}
	assert_true(p->r.naks >= 1);
}

static void send_frames_with_checksum(void **state)
{
	struct pair *p = *state;

	assert_int_equal(rsp_send(&p->r, "", 0), 0);
	assert_string_equal(sent(p), "$#00");
	assert_int_equal(rsp_send_str(&p->r, "T05thread:1;"), 0);
	assert_string_equal(sent(p), "$T05thread:1;#d7");
}

static void escape_and_unescape(void **state)
{
	const char src[] = { 'a', '#', '$', '}', '*', 'b' };
	char dst[32], back[32];
	size_t n = 0, used;
	long m;

	(void)state;
	used = rsp_escape(dst, &n, sizeof(dst), src, sizeof(src));
	assert_int_equal(used, sizeof(src));
	assert_int_equal(n, 10);
	assert_memory_equal(dst, "a}\x03}\x04}]}\x0a" "b", 10);
	memcpy(back, dst, n);
	m = rsp_unescape(back, n);
	assert_int_equal(m, sizeof(src));
	assert_memory_equal(back, src, sizeof(src));
	/* a '}' with nothing after it is malformed */
	memcpy(back, "ab}", 3);
	assert_int_equal(rsp_unescape(back, 3), -1);
}

static void escape_stops_when_full(void **state)
{
	const char src[] = { 'a', '#', 'b' };
	char dst[8];
	size_t n = 0;

	(void)state;
	/* room for 'a' and not for the two bytes of an escaped '#' */
	assert_int_equal(rsp_escape(dst, &n, 2, src, sizeof(src)), 1);
	assert_int_equal(n, 1);
}

static void hex_numbers(void **state)
{
	const char *s;
	uint64_t v;

	(void)state;
	s = "100010,4";
	assert_int_equal(rsp_hex_u64(&s, &v), 0);
	assert_int_equal(v, 0x100010);
	assert_string_equal(s, ",4");
	s = "ffffffffffffffff";
	assert_int_equal(rsp_hex_u64(&s, &v), 0);
	assert_true(v == UINT64_MAX);
	s = "0000000000000000000001";
	assert_int_equal(rsp_hex_u64(&s, &v), 0);
	assert_int_equal(v, 1);
	s = "10000000000000000"; /* 17 significant digits */
	assert_int_equal(rsp_hex_u64(&s, &v), -1);
	s = ",4";
	assert_int_equal(rsp_hex_u64(&s, &v), -1);
	s = "";
	assert_int_equal(rsp_hex_u64(&s, &v), -1);
}

static void hex_bytes(void **state)
{
	unsigned char b[4];
	char h[9];

	(void)state;
	assert_int_equal(rsp_hex_decode(b, "00fFa5", 3), 0);
	assert_int_equal(b[1], 0xff);
	rsp_hex_encode(h, b, 3);
	assert_string_equal(h, "00ffa5");
	assert_int_equal(rsp_hex_decode(b, "0g", 1), -1);
	assert_int_equal(rsp_hex_decode(b, "0", 1), -1);
	assert_int_equal(rsp_hex_decode(b, "", 1), -1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(good_packet_is_acked),
		T(checksum_in_either_case),
		T(bad_checksum_is_refused),
		T(packet_split_across_reads),
		T(packet_cut_short_by_the_next),
		T(noise_between_packets_is_ignored),
		T(interrupt_byte),
		T(interrupt_byte_inside_a_packet_is_data),
		T(held_packets_wait_but_interrupts_do_not),
		T(nak_resends_the_last_packet),
		T(no_ack_mode_sends_no_acks),
		T(overlong_packet_is_refused),
		T(full_buffer_of_held_packets_is_dropped),
		T(send_frames_with_checksum),
		cmocka_unit_test(escape_and_unescape),
		cmocka_unit_test(escape_stops_when_full),
		cmocka_unit_test(hex_numbers),
		cmocka_unit_test(hex_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
