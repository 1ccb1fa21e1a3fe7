/* SPDX-License-Identifier: ISC
 * GDB remote serial protocol framing.  Input is parsed from a buffer so
 * that half a packet, several packets or noise in one read are all the
 * same to the caller; nothing the peer sends can make it fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/text.h"
#include "rsp.h"

/* Room for a whole packet with its framing, noise before it, and the next one starting. */
#define RSP_IN_MAX (2 * RSP_PACKET_MAX + 64)
#define RSP_OUT_MAX (RSP_PACKET_MAX + 4)

static const char hexdig[] = "0123456789abcdef";

int rsp_init(struct rsp *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->in = malloc(RSP_IN_MAX);
	r->pkt = malloc(RSP_PACKET_MAX + 1);
	r->out = malloc(RSP_OUT_MAX);
	if (!r->in || !r->pkt || !r->out) {
		rsp_free(r);
		return -ENOMEM;
	}
	r->pkt[0] = '\0';
	return 0;
}

void rsp_free(struct rsp *r)
{
	free(r->in);
	free(r->pkt);
	free(r->out);
	r->in = NULL;
	r->pkt = NULL;
	r->out = NULL;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_ack(struct rsp *r, char c)
{
	if (r->noack)
		return 0;
	return write_all(r->fd, &c, 1);
}

long rsp_fill(struct rsp *r)
{
	ssize_t n;

	if (r->inlen == RSP_IN_MAX) {
		/* Only a peer that ignores the protocol gets here (packets
		 * held while the partition runs): drop what it sent. */
		r->inlen = 0;
		r->naks++;
		send_ack(r, '-');
	}
	n = read(r->fd, r->in + r->inlen, RSP_IN_MAX - r->inlen);
	if (n < 0)
		return -errno;
	r->inlen += (size_t)n;
	return n;
}

int rsp_pending(const struct rsp *r)
{
	return r->inlen > 0;
}

/*
 * Looks at a packet starting with '$' at in[i].  Returns the index just
 * past it, or 0 if more input is needed; *ok says whether it is good.
 */
static size_t frame_end(struct rsp *r, size_t i, int *ok)
{
	size_t j = i + 1;
	unsigned sum = 0;
	int hi, lo;

	*ok = 0;
	while (j < r->inlen && r->in[j] != '#' && r->in[j] != '$')
		sum += r->in[j++];
	if (j - i - 1 > RSP_PACKET_MAX)
		return j; /* too long: refuse what we have; the rest is noise */
	if (j == r->inlen)
		return 0;
	if (r->in[j] == '$')
		return j; /* cut short by the next packet */
	if (j + 2 >= r->inlen)
		return 0;
	hi = text_hexval(r->in[j + 1]);
	lo = text_hexval(r->in[j + 2]);
	/* Checksums may be ignored in no-ack mode; the transport is reliable. */
	if (r->noack || (hi >= 0 && lo >= 0 && (unsigned)(hi << 4 | lo) == (sum & 0xff))) {
		r->pktlen = j - i - 1;
		memcpy(r->pkt, r->in + i + 1, r->pktlen);
		r->pkt[r->pktlen] = '\0';
		*ok = 1;
	}
	return j + 3;
}

int rsp_next(struct rsp *r, int hold_packets)
{
	int ev = RSP_NONE, ok, e = 0;
	size_t i = 0, end;

	while (i < r->inlen && ev == RSP_NONE) {
		switch (r->in[i]) {
		case '$':
			if (hold_packets)
				goto out;
			end = frame_end(r, i, &ok);
			if (!end)
				goto out;
			i = end;
			if (ok) {
				ev = RSP_PACKET;
				e = send_ack(r, '+');
			} else {
				r->naks++;
				e = send_ack(r, '-');
			}
			break;
		case 0x03:
			ev = RSP_INTERRUPT;
			i++;
			break;
		case '-':
			i++;
			if (!r->noack && r->outlen) {
				r->resent++;
				e = write_all(r->fd, r->out, r->outlen);
			}
			break;
		default:
			i++; /* '+' and noise between packets */
			break;
		}
		if (e)
			break;
	}
out:
	memmove(r->in, r->in + i, r->inlen - i);
	r->inlen -= i;
	return e ? e : ev;
}

int rsp_send(struct rsp *r, const char *data, size_t len)
{
	unsigned sum = 0;
	size_t i;

	if (len > RSP_PACKET_MAX)
		return -EMSGSIZE;
	r->out[0] = '$';
	for (i = 0; i < len; i++)
		sum += (unsigned char)data[i];
	memcpy(r->out + 1, data, len);
	r->out[len + 1] = '#';
	r->out[len + 2] = hexdig[(sum >> 4) & 0xf];
	r->out[len + 3] = hexdig[sum & 0xf];
	r->outlen = len + 4;
	return write_all(r->fd, r->out, r->outlen);
}

int rsp_send_str(struct rsp *r, const char *s)
{
	return rsp_send(r, s, strlen(s));
}

size_t rsp_escape(char *dst, size_t *dstlen, size_t dstmax, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t i, n = *dstlen;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		int esc = c == '#' || c == '$' || c == '}' || c == '*';

		if (n + 1 + (size_t)esc > dstmax)
			break;
		if (esc) {
			dst[n++] = '}';
			c ^= 0x20;
		}
		dst[n++] = (char)c;
	}
	*dstlen = n;
	return i;
}

long rsp_unescape(char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == '}') {
			if (++i == len)
				return -1;
			buf[n++] = (char)(buf[i] ^ 0x20);
		} else {
			buf[n++] = buf[i];
		}
	}
	return (long)n;
}

void rsp_hex_encode(char *dst, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t i;

	for (i = 0; i < len; i++) {
		dst[2 * i] = hexdig[s[i] >> 4];
		dst[2 * i + 1] = hexdig[s[i] & 0xf];
	}
	dst[2 * len] = '\0';
}

int rsp_hex_decode(void *dst, const char *src, size_t len)
{
	unsigned char *d = dst;
	size_t i;

	for (i = 0; i < len; i++) {
		int hi = text_hexval((unsigned char)src[2 * i]);
		int lo = hi < 0 ? -1 : text_hexval((unsigned char)src[2 * i + 1]);

		if (lo < 0)
			return -1;
		d[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int rsp_hex_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	int n = 0, d;

	while ((d = text_hexval((unsigned char)*p)) >= 0) {
		/* Leading zeros do not count towards the 16 digits. */
		if (v >> 60)
			return -1;
		v = v << 4 | (uint64_t)d;
		p++;
		n++;
	}
	if (!n)
		return -1;
	*s = p;
	*out = v;
	return 0;
}
