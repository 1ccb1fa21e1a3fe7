/* SPDX-License-Identifier: ISC */
/*
 * Core files of live partitions: the control tree's core file holds the
 * partition still while it is open and serves the core; its headers come
 * over 9P, and its memory straight from the RAM file where this process
 * may open it (sendfile: one copy in the kernel, as fast as cp), else
 * over 9P too.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/corefile.h"
#include "../common/err.h"
#include "../common/outfile.h"
#include "../common/text.h"
#include "../p9/client.h"
#include "conn.h"
#include "part.h"

#define CHUNK (8u << 20)
#define PLANTED_MAX 64

struct part_core {
	struct part *p;
	uint32_t fid;
	uint8_t *head;            /* the ELF header, program headers and notes */
	uint64_t head_len;        /* the first segment's offset */
	Elf64_Phdr *ph;           /* into head */
	unsigned phnum;
	uint64_t size;
	const struct part_progress *pg; /* told how far part_core_write() has got, or NULL */
	int ram_fd;               /* the RAM file, or -1 */
	uint64_t ram_size;
	/* Rings joined to channels: shared pages the RAM file does not hold. */
	uint64_t shared_lo[PART_RINGS_MAX], shared_hi[PART_RINGS_MAX];
	int nshared;
	/* The LPAR note's planted addresses: int3 bytes in RAM, not in the core. */
	uint64_t planted[PLANTED_MAX];
	int nplanted;
};

/* Reads [off, off + len) of the core file over 9P; a short file is EIO. */
static int core_pread(struct part_core *c, uint64_t off, void *buf, size_t len)
{
	struct p9c *conn = part_conn(c->p);
	uint32_t max = p9c_msize(conn) - P9_IOHDR;
	size_t done = 0;

	while (done < len) {
		uint32_t n = len - done > max ? max : (uint32_t)(len - done);
		ssize_t got = p9c_read(conn, c->fid, off + done, (uint8_t *)buf + done, n);

		if (got < 0)
			return (int)got;
		if (got == 0)
			return -EIO;
		done += (size_t)got;
	}
	return 0;
}

static int core_err(struct part_core *c, int e, struct lerr *err)
{
	/* Ended, or its monitor went away with it. */
	if (e == -ESRCH || e == -ECONNRESET || e == -EPIPE || e == -ENOTCONN)
		return lerr_set(err, ESRCH, "partition '%s' ended before its core was complete",
				part_name(c->p));
	return lerr_set(err, -e, "cannot read the core of '%s': %s", part_name(c->p),
			strerror(-e));
}

/* The LPAR note's "planted" line, if any. */
static void planted_parse(struct part_core *c, const char *text, size_t len)
{
	const char *end = text + len, *at = text;

	while (at < end) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = nl ? (size_t)(nl - at) : (size_t)(end - at);

		if (n > 8 && !strncmp(at, "planted ", 8)) {
			char line[2048], *s, *next;

			snprintf(line, sizeof(line), "%.*s", (int)n, at);
			for (s = line + 8; c->nplanted < PLANTED_MAX; s = next) {
				uint64_t a = strtoull(s, &next, 16);

				if (next == s)
					break;
				c->planted[c->nplanted++] = a;
			}
		}
		at += n + 1;
	}
}

static void notes_parse(struct part_core *c, const Elf64_Phdr *note)
{
	uint64_t at = note->p_offset, end = note->p_offset + note->p_filesz;

	while (at + sizeof(Elf64_Nhdr) <= end && end <= c->head_len) {
		Elf64_Nhdr nh;
		uint64_t name, desc;

		memcpy(&nh, c->head + at, sizeof(nh));
		name = at + sizeof(nh);
		desc = name + ((nh.n_namesz + 3) & ~3u);
		if (desc + nh.n_descsz > end)
			return;
		if (nh.n_namesz == sizeof(CORE_NOTE_LPAR) && nh.n_type == CORE_NT_LPAR_INFO &&
		    !memcmp(c->head + name, CORE_NOTE_LPAR, sizeof(CORE_NOTE_LPAR)))
			planted_parse(c, (const char *)c->head + desc, nh.n_descsz);
		at = desc + ((nh.n_descsz + 3) & ~3u);
	}
}

/* Reads and checks the headers: the ELF header, then everything before the first segment. */
static int head_read(struct part_core *c, struct lerr *err)
{
	uint64_t first = UINT64_MAX;
	Elf64_Ehdr eh;
	uint8_t *h;
	int e = core_pread(c, 0, &eh, sizeof(eh));

	if (e)
		return core_err(c, e, err);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_type != ET_CORE ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff != sizeof(eh) || !eh.e_phnum)
		return lerr_set(err, EPROTO, "the monitor of '%s' served no ELF core",
				part_name(c->p));
	c->phnum = eh.e_phnum;
	c->head_len = sizeof(eh) + (uint64_t)c->phnum * sizeof(Elf64_Phdr);
	c->head = malloc(c->head_len);
	if (!c->head)
		return lerr_set(err, ENOMEM, "out of memory");
	e = core_pread(c, 0, c->head, c->head_len);
	if (e)
		return core_err(c, e, err);
	c->ph = (Elf64_Phdr *)(c->head + sizeof(eh));
	/* The segments follow one another from the first one's offset to the end. */
	c->size = c->head_len;
	for (unsigned i = 0; i < c->phnum; i++) {
		const Elf64_Phdr *ph = &c->ph[i];

		if (ph->p_offset + ph->p_filesz > c->size)
			c->size = ph->p_offset + ph->p_filesz;
		if (ph->p_type == PT_LOAD && ph->p_offset < first)
			first = ph->p_offset;
	}
	if (first == UINT64_MAX)
		first = c->size;
	if (first < c->head_len)
		return lerr_set(err, EPROTO, "the core of '%s' is malformed", part_name(c->p));
	/* Then the notes, up to the first segment. */
	h = realloc(c->head, first);
	if (!h)
		return lerr_set(err, ENOMEM, "out of memory");
	c->head = h;
	c->ph = (Elf64_Phdr *)(c->head + sizeof(eh));
	e = core_pread(c, 0, c->head, first);
	if (e)
		return core_err(c, e, err);
	c->head_len = first;
	for (unsigned i = 0; i < c->phnum; i++)
		if (c->ph[i].p_type == PT_NOTE)
			notes_parse(c, &c->ph[i]);
	return 0;
}

int part_core_open(struct part *p, struct part_core **out, struct lerr *err)
{
	struct part_core *c = calloc(1, sizeof(*c));
	struct part_status st;
	struct stat sb;
	int e;

	if (!c)
		return lerr_set(err, ENOMEM, "out of memory");
	c->p = p;
	c->ram_fd = -1;
	e = p9c_open_path(part_conn(p), "core", P9_ORDONLY, &c->fid);
	if (e) {
		free(c);
		if (e == -ESRCH)
			return lerr_set(err, ESRCH, "partition '%s' has ended", part_name(p));
		if (e == -ENOENT)
			return lerr_set(err, ENOTSUP, "the monitor of '%s' cannot write core files",
					part_name(p));
		return lerr_set(err, -e, "cannot open the core of '%s': %s", part_name(p),
				strerror(-e));
	}
	/* The first read waits for the partition to pause. */
	e = head_read(c, err);
	if (!e && part_ram_open(p, &c->ram_fd, NULL) == 0 && fstat(c->ram_fd, &sb) == 0) {
		c->ram_size = (uint64_t)sb.st_size;
		if (part_status(p, &st, NULL) == 0)
			for (int i = 0; i < st.nrings; i++)
				if (!strncmp(st.rings[i].attach, "channel", 7)) {
					c->shared_lo[c->nshared] = st.rings[i].addr;
					c->shared_hi[c->nshared++] = st.rings[i].addr + st.rings[i].len;
				}
	}
	if (e) {
		part_core_close(c);
		return e;
	}
	*out = c;
	return 0;
}

uint64_t part_core_size(const struct part_core *c)
{
	return c->size;
}

void part_core_close(struct part_core *c)
{
	if (!c)
		return;
	/* The monitor resumes the partition if the open paused it. */
	p9c_clunk(part_conn(c->p), c->fid);
	if (c->ram_fd >= 0)
		close(c->ram_fd);
	free(c->head);
	free(c);
}

/* Whether the RAM file holds [pa, pa + len) as the partition sees it. */
static int in_ram(const struct part_core *c, uint64_t pa, uint64_t len)
{
	if (c->ram_fd < 0 || pa > c->ram_size || len > c->ram_size - pa)
		return 0;
	for (int i = 0; i < c->nshared; i++)
		if (pa < c->shared_hi[i] && pa + len > c->shared_lo[i])
			return 0;
	return 1;
}

static int all_zero(const uint8_t *p, size_t len)
{
	static const uint8_t zero[CORE_PAGE];

	return len <= sizeof(zero) && !memcmp(p, zero, len);
}

static int write_at(int fd, const uint8_t *p, size_t len, uint64_t off, int seekable)
{
	while (len) {
		ssize_t n = seekable ? pwrite(fd, p, len, (off_t)off) : write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Writes p[len] at off: in a seekable file, runs of zero pages are left as holes. */
static int put(int fd, const uint8_t *p, size_t len, uint64_t off, int seekable)
{
	const size_t page = CORE_PAGE;
	size_t at = 0;

	if (!seekable)
		return write_at(fd, p, len, off, 0);
	while (at < len) {
		size_t end = at, step;
		int e;

		while (end < len && !all_zero(p + end, (step = len - end < page ? len - end : page)))
			end += step;
		if (end > at && (e = write_at(fd, p + at, end - at, off + at, 1)))
			return e;
		at = end < len ? end + (len - end < page ? len - end : page) : end;
	}
	return 0;
}

/*
 * The bytes under the debugger's int3s in [off, off + len) of the core,
 * which the RAM file has as int3s: from the monitor, over what was copied.
 */
static int fix_planted(struct part_core *c, const Elf64_Phdr *ph, uint64_t off, uint64_t len,
		       int fd)
{
	for (int i = 0; i < c->nplanted; i++) {
		uint64_t a = c->planted[i], at;
		uint8_t b;
		int e;

		if (a < ph->p_paddr || a - ph->p_paddr >= ph->p_filesz)
			continue;
		at = ph->p_offset + (a - ph->p_paddr);
		if (at < off || at >= off + len)
			continue;
		if ((e = core_pread(c, at, &b, 1)) || (e = write_at(fd, &b, 1, at, 1)))
			return e;
	}
	return 0;
}

/* Copies [pa, pa + len) of the RAM file to fd at off, in the kernel. */
static int ram_send(struct part_core *c, int fd, uint64_t pa, uint64_t len, uint64_t off,
		    int seekable)
{
	off_t from = (off_t)pa;

	if (seekable && lseek(fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	while (len) {
		ssize_t n = sendfile(fd, c->ram_fd, &from, len > CHUNK ? CHUNK : (size_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		len -= (uint64_t)n;
	}
	return 0;
}

int part_core_write(struct part_core *c, int fd, struct lerr *err)
{
	struct stat sb;
	uint64_t off = 0;
	uint8_t *buf = malloc(CHUNK), probe;
	int seekable, e = 0;
	ssize_t n;

	if (!buf)
		return lerr_set(err, ENOMEM, "out of memory");
	seekable = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && lseek(fd, 0, SEEK_CUR) == 0;
	e = put(fd, c->head, c->head_len, 0, seekable);
	off = c->head_len;
	for (unsigned i = 0; !e && i < c->phnum; i++) {
		const Elf64_Phdr *ph = &c->ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		/* In file order, no gaps (the monitor lays segments end to end). */
		if (ph->p_offset != off) {
			e = -EPROTO;
			break;
		}
		for (uint64_t at = 0; !e && at < ph->p_filesz; at += CHUNK) {
			size_t len = ph->p_filesz - at < CHUNK ? (size_t)(ph->p_filesz - at) : CHUNK;

			/* A pipe cannot be fixed up afterwards: the monitor's bytes then. */
			if (in_ram(c, ph->p_paddr + at, len) && (seekable || !c->nplanted)) {
				e = ram_send(c, fd, ph->p_paddr + at, len, off + at, seekable);
				if (!e && seekable && c->nplanted)
					e = fix_planted(c, ph, off + at, len, fd);
			} else {
				e = core_pread(c, off + at, buf, len);
				if (!e)
					e = put(fd, buf, len, off + at, seekable);
			}
			if (!e && c->pg)
				c->pg->fn(c->pg->arg, off + at + len, c->size);
		}
		off += ph->p_filesz;
	}
	free(buf);
	if (!e && seekable && ftruncate(fd, (off_t)c->size) < 0)
		e = -errno;
	if (e && e != -ESRCH && e != -EIO && e != -EPROTO)
		return lerr_set(err, -e, "%s", strerror(-e));
	if (e == -EPROTO)
		return lerr_set(err, EPROTO, "the core of '%s' is malformed", part_name(c->p));
	/* Still held where it was: the monitor answers past the end only while it is. */
	n = e ? e : p9c_read(part_conn(c->p), c->fid, c->size, &probe, 1);
	if (n != 0)
		return core_err(c, n < 0 ? (int)n : -EIO, err);
	return 0;
}

int part_core_take(struct part *p, int fd, const struct part_progress *pg, struct lerr *err)
{
	struct part_core *c = NULL;
	int r;

	r = part_core_open(p, &c, err);
	if (!r) {
		c->pg = pg;
		r = part_core_write(c, fd, err);
	}
	/* The partition runs on before the file gets its name. */
	part_core_close(c);
	return r;
}

int part_core_save(struct part *p, const char *file, int force, const struct part_progress *pg,
		   struct lerr *err)
{
	char shown[4200];
	struct lerr why = { 0, "" };
	struct outfile of;
	struct stat sb;
	int r;

	text_sanitize(shown, sizeof(shown), file, strlen(file));
	/* Said before the partition is paused for nothing. */
	if (!force && lstat(file, &sb) == 0)
		return lerr_set(err, EEXIST, "cannot write '%s': it exists (--force replaces it)",
				shown);
	r = outfile_open(&of, file);
	if (r)
		return lerr_set(err, -r, "cannot write '%s': %s", shown, strerror(-r));
	if (part_core_take(p, of.fd, pg, &why)) {
		outfile_discard(&of);
		return lerr_set(err, why.code ? why.code : EIO,
				"cannot write the core of '%s' to '%s': %s", part_name(p), shown,
				why.msg);
	}
	r = outfile_commit(&of, file, force);
	if (r) {
		outfile_discard(&of);
		if (r == -EEXIST)
			return lerr_set(err, EEXIST,
					"cannot write '%s': it exists (--force replaces it)", shown);
		return lerr_set(err, -r, "cannot write '%s': %s", shown, strerror(-r));
	}
	return 0;
}
