/* SPDX-License-Identifier: ISC
 * GDB remote serial protocol framing: "$data#cs" packets, '+'/'-' acks,
 * the 0x03 interrupt byte, and the hex and binary encodings packets use.
 * Nothing here knows what a packet means; see gdbstub.c for that.
 */
#ifndef LPAR_DEBUG_RSP_H
#define LPAR_DEBUG_RSP_H

#include <stddef.h>
#include <stdint.h>

/* The largest packet (data between '$' and '#') either side sends. */
#define RSP_PACKET_MAX 0x10000

enum rsp_event {
	RSP_NONE,       /* nothing complete in the input yet */
	RSP_PACKET,     /* a packet: rsp.pkt, rsp.pktlen (NUL-terminated) */
	RSP_INTERRUPT,  /* a 0x03 byte outside a packet */
};

struct rsp {
	int fd;
	int noack;            /* after QStartNoAckMode: no '+'/'-' either way */
	unsigned char *in;    /* raw bytes read, not yet parsed */
	size_t inlen;
	char *pkt;            /* the last packet's data, NUL-terminated */
	size_t pktlen;
	char *out;            /* the last packet sent, framed, for '-' */
	size_t outlen;
	unsigned long naks;   /* packets refused (bad checksum, framing) */
	unsigned long resent; /* packets sent again on '-' */
};

/* Sets up r for a connected fd; -ENOMEM. */
int rsp_init(struct rsp *r, int fd);
void rsp_free(struct rsp *r);

/*
 * Reads what the fd has (one read(2)).  Returns the byte count, 0 at end
 * of file, or -errno (-EAGAIN and -EINTR are worth retrying).
 */
long rsp_fill(struct rsp *r);

/*
 * Takes the next event from the bytes read so far.  Acks a good packet
 * with '+' and refuses one with a bad checksum or broken framing with '-'
 * (unless in no-ack mode); answers '-' from the peer by sending the last
 * packet again.  With hold_packets, stops before a packet's '$' and leaves
 * it for later (what arrives while the partition runs, other than 0x03).
 * Returns an rsp_event, or -errno if writing failed.
 */
int rsp_next(struct rsp *r, int hold_packets);

/* Whether unparsed bytes remain that rsp_next() could use. */
int rsp_pending(const struct rsp *r);

/* Sends data as one packet; -errno if the connection failed. */
int rsp_send(struct rsp *r, const char *data, size_t len);
int rsp_send_str(struct rsp *r, const char *s);

/*
 * Appends the binary escaping of src ('#', '$', '}' and '*' become '}'
 * and the byte ^ 0x20) to dst, at most dstmax bytes; returns how many
 * source bytes fit.  *dstlen is advanced.
 */
size_t rsp_escape(char *dst, size_t *dstlen, size_t dstmax, const void *src, size_t len);

/* Undoes the escaping in place; returns the decoded length, or -1 for a '}' at the end. */
long rsp_unescape(char *buf, size_t len);

/* Two lowercase hex digits per byte; dst holds 2 * len + 1. */
void rsp_hex_encode(char *dst, const void *src, size_t len);
/* Exactly 2 * len hex digits from src into dst; -1 if any is not hex. */
int rsp_hex_decode(void *dst, const char *src, size_t len);

/*
 * Parses 1 to 16 hex digits at *s into *out and advances *s past them;
 * -1 if there are none or too many.
 */
int rsp_hex_u64(const char **s, uint64_t *out);

#endif
