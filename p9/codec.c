/* SPDX-License-Identifier: ISC */
/* 9P2000.L wire encoding: little-endian integers, counted strings, qids. */
#include <string.h>

#include "p9.h"

void p9_buf_init(struct p9_buf *b, void *data, uint32_t size)
{
	b->data = data;
	b->size = size;
	b->pos = 0;
	b->err = 0;
}

static const uint8_t *take(struct p9_buf *b, uint32_t n)
{
	const uint8_t *p;

	if (b->err || n > b->size - b->pos) {
		b->err = 1;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static uint8_t *room(struct p9_buf *b, uint32_t n)
{
	uint8_t *p;

	if (b->err || n > b->size - b->pos) {
		b->err = 1;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static uint64_t get_le(struct p9_buf *b, unsigned n)
{
	const uint8_t *p = take(b, n);
	uint64_t v = 0;

	if (!p)
		return 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(struct p9_buf *b, uint64_t v, unsigned n)
{
	uint8_t *p = room(b, n);

	if (!p)
		return;
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint8_t p9_get8(struct p9_buf *b) { return (uint8_t)get_le(b, 1); }
uint16_t p9_get16(struct p9_buf *b) { return (uint16_t)get_le(b, 2); }
uint32_t p9_get32(struct p9_buf *b) { return (uint32_t)get_le(b, 4); }
uint64_t p9_get64(struct p9_buf *b) { return get_le(b, 8); }
void p9_put8(struct p9_buf *b, uint8_t v) { put_le(b, v, 1); }
void p9_put16(struct p9_buf *b, uint16_t v) { put_le(b, v, 2); }
void p9_put32(struct p9_buf *b, uint32_t v) { put_le(b, v, 4); }
void p9_put64(struct p9_buf *b, uint64_t v) { put_le(b, v, 8); }

const char *p9_getstr(struct p9_buf *b, uint16_t *len)
{
	*len = p9_get16(b);
	return (const char *)take(b, *len);
}

int p9_getstr_copy(struct p9_buf *b, char *dst, size_t dstlen)
{
	uint16_t n;
	const char *s = p9_getstr(b, &n);

	if (!s || n >= dstlen || memchr(s, '\0', n)) {
		b->err = 1;
		if (dstlen)
			dst[0] = '\0';
		return -1;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

void p9_getqid(struct p9_buf *b, struct p9_qid *q)
{
	q->type = p9_get8(b);
	q->version = p9_get32(b);
	q->path = p9_get64(b);
}

const uint8_t *p9_getbytes(struct p9_buf *b, uint32_t n)
{
	return take(b, n);
}

void p9_putstrn(struct p9_buf *b, const char *s, size_t len)
{
	uint8_t *p;

	if (len > 0xffff) {
		b->err = 1;
		return;
	}
	p9_put16(b, (uint16_t)len);
	p = room(b, (uint32_t)len);
	if (p)
		memcpy(p, s, len);
}

void p9_putstr(struct p9_buf *b, const char *s)
{
	p9_putstrn(b, s, strlen(s));
}

void p9_putqid(struct p9_buf *b, const struct p9_qid *q)
{
	p9_put8(b, q->type);
	p9_put32(b, q->version);
	p9_put64(b, q->path);
}

void p9_putbytes(struct p9_buf *b, const void *p, uint32_t n)
{
	uint8_t *d = room(b, n);

	if (d && n)
		memcpy(d, p, n);
}

void p9_msg_begin(struct p9_buf *b, uint8_t type, uint16_t tag)
{
	b->pos = 0;
	b->err = 0;
	p9_put32(b, 0);
	p9_put8(b, type);
	p9_put16(b, tag);
}

void p9_msg_end(struct p9_buf *b)
{
	uint32_t n = b->pos;

	if (b->size >= 4) {
		b->data[0] = (uint8_t)n;
		b->data[1] = (uint8_t)(n >> 8);
		b->data[2] = (uint8_t)(n >> 16);
		b->data[3] = (uint8_t)(n >> 24);
	}
}

int p9_put_dirent(struct p9_buf *b, const struct p9_qid *q, uint64_t off,
		  uint8_t type, const char *name)
{
	size_t n = strlen(name);
	uint32_t need = 13 + 8 + 1 + 2 + (uint32_t)n;

	if (b->err || n > 0xffff || need > b->size - b->pos)
		return -1;
	p9_putqid(b, q);
	p9_put64(b, off);
	p9_put8(b, type);
	p9_putstrn(b, name, n);
	return 0;
}

const char *p9_type_name(uint8_t type)
{
	switch (type) {
	case P9_RLERROR: return "Rlerror";
	case P9_TSTATFS: return "Tstatfs";
	case P9_TLOPEN: return "Tlopen";
	case P9_TLCREATE: return "Tlcreate";
	case P9_TSYMLINK: return "Tsymlink";
	case P9_TMKNOD: return "Tmknod";
	case P9_TRENAME: return "Trename";
	case P9_TREADLINK: return "Treadlink";
	case P9_TGETATTR: return "Tgetattr";
	case P9_TSETATTR: return "Tsetattr";
	case P9_TXATTRWALK: return "Txattrwalk";
	case P9_TXATTRCREATE: return "Txattrcreate";
	case P9_TREADDIR: return "Treaddir";
	case P9_TFSYNC: return "Tfsync";
	case P9_TLINK: return "Tlink";
	case P9_TMKDIR: return "Tmkdir";
	case P9_TRENAMEAT: return "Trenameat";
	case P9_TUNLINKAT: return "Tunlinkat";
	case P9_TVERSION: return "Tversion";
	case P9_TAUTH: return "Tauth";
	case P9_TATTACH: return "Tattach";
	case P9_TFLUSH: return "Tflush";
	case P9_TWALK: return "Twalk";
	case P9_TREAD: return "Tread";
	case P9_TWRITE: return "Twrite";
	case P9_TCLUNK: return "Tclunk";
	case P9_TREMOVE: return "Tremove";
	default: return "unknown";
	}
}
