/* SPDX-License-Identifier: ISC
 * lpar mem: read, write, dump, load and search a partition's memory from
 * the shell.  This file parses the command line and does the byte moving;
 * cmd/mem_find.c searches, cmd/mem_map.c shows the layout and symbols.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/num.h"
#include "../common/text.h"
#include "../elf/core.h"
#include "../elf/elf.h"
#include "../libpart/image.h"
#include "../libpart/mem.h"
#include "mem.h"
#include "progress.h"

#define CHUNK (64u * 1024)      /* bytes moved at a time; a multiple of 16 */
#define DEFAULT_LEN 64          /* bytes read when no LEN is given */
#define DEFAULT_STR 4096        /* longest string --format s reads by default */

/* ---- the partition, its symbols and addresses ---- */

int mem_fail(struct mem_ctx *x, const char *verb, const struct lerr *err)
{
	lpar_error("cannot %s the memory of '%s': %s", verb, x->name, err->msg);
	return 1;
}

/* --core: the core file stands for the partition, read-only. */
static int core_attach(struct mem_ctx *x)
{
	struct lerr err = { 0 };

	if (elf_core_open(x->core, &x->cf, &err)) {
		x->cf = NULL;
		lpar_error("cannot read core '%s': %s", x->core, err.msg);
		return 1;
	}
	if (part_mem_open_core(x->cf, &x->m, &err))
		return mem_fail(x, "open", &err);
	return 0;
}

/*
 * An ended partition's image, from the path its status record names: a
 * relative one was relative to the monitor's directory, which is gone
 * with it, so only an absolute path is taken.
 */
static int ended_image(struct mem_ctx *x)
{
	char clean[1024];
	const char *shown = text_sanitize(clean, sizeof(clean), x->st.image,
					  strlen(x->st.image));

	x->img_tried = 1;
	if (x->st.image[0] != '/') {
		lerr_set(&x->img_err, ENOENT,
			 "partition '%s' has ended and its image '%s' is a relative path (its monitor's directory went with it)",
			 x->name, shown);
		return 0;
	}
	if (part_image_open(x->st.image, &x->img, &x->img_err)) {
		char msg[sizeof(x->img_err.msg)];

		x->img = NULL;
		snprintf(msg, sizeof(msg), "%s", x->img_err.msg);
		lerr_set(&x->img_err, x->img_err.code, "partition '%s' has ended: its image '%s': %s",
			 x->name, shown, msg);
	}
	return 0;
}

int mem_attach(struct mem_ctx *x, unsigned what)
{
	struct lerr err = { 0 };

	if (x->core)
		return core_attach(x);
	if (part_open(x->name, &x->p, &x->st, &err)) {
		x->p = NULL;
		if (err.code == ESRCH && (what & MEM_ATTACH_ENDED) && x->st.image[0] &&
		    strcmp(x->st.state, "gone"))
			return ended_image(x);
		if (err.code == ESRCH && strcmp(x->st.state, "gone"))
			lpar_error("%s: its memory went away with its monitor", err.msg);
		else
			lpar_error("%s", err.msg);
		return 1;
	}
	if (part_status(x->p, &x->st, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if ((what & MEM_ATTACH_WRITE) && !(x->seen & MO_FORCE) &&
	    !strcmp(x->st.state, "running")) {
		lpar_error("partition '%s' is running: pause it first ('lpar pause %s') or write anyway with --force",
			   x->name, x->name);
		return 1;
	}
	if (!(what & MEM_ATTACH_MEM))
		return 0;
	if (part_mem_open(x->p, &x->st, &x->m, &err))
		return mem_fail(x, "open", &err);
	if ((x->seen & MO_VIRT) && part_mem_set_virt(x->m, &err)) {
		lpar_error("cannot use virtual addresses with '%s': %s", x->name, err.msg);
		return 1;
	}
	return 0;
}

/* A core's image: --image, else the one its NT_FILE note names. */
static void core_image(struct mem_ctx *x)
{
	const char *path = x->image ? x->image : x->cf->image;

	if (!*path) {
		lerr_set(&x->img_err, ENOENT, "the core names no image (give it with --image FILE)");
		return;
	}
	if (part_image_open(path, &x->img, &x->img_err)) {
		char msg[sizeof(x->img_err.msg)], clean[1024];

		x->img = NULL;
		/* A path the core names is the core's text, not the user's. */
		path = text_sanitize(clean, sizeof(clean), path, strlen(path));
		snprintf(msg, sizeof(msg), "%s", x->img_err.msg);
		if (x->image)
			lerr_set(&x->img_err, x->img_err.code, "'%s': %s", path, msg);
		else
			lerr_set(&x->img_err, x->img_err.code,
				 "the image the core names, '%s': %s (give it with --image FILE)",
				 path, msg);
	}
}

const struct elf_image *mem_image(struct mem_ctx *x)
{
	if (!x->img_tried && x->cf) {
		x->img_tried = 1;
		core_image(x);
	}
	if (!x->img_tried && x->p) {
		x->img_tried = 1;
		if (part_image_load(x->p, &x->st, &x->img, &x->img_err))
			x->img = NULL;
	}
	return part_image_elf(x->img);
}

static const char *image_shown(struct mem_ctx *x, char *buf, size_t len)
{
	const char *s = part_image_shown(x->img);

	return text_sanitize(buf, len, s, strlen(s));
}

static int sym_lookup(void *ctx, const char *name, uint64_t *addr)
{
	struct mem_ctx *x = ctx;
	const struct elf_image *img = mem_image(x);
	const struct elf_sym *found = NULL;

	x->symdefs = 0;
	if (!img)
		return -ENOENT;
	for (size_t i = 0; i < img->nsyms; i++) {
		const struct elf_sym *s = &img->syms[i];

		if (strcmp(s->name, name))
			continue;
		/* Aliases at one address are one definition. */
		if (!found || s->addr != found->addr)
			x->symdefs++;
		if (!found)
			found = s;
	}
	if (!found)
		return -ENOENT;
	if (x->symdefs > 1)
		return -ENOTUNIQ;
	*addr = found->addr;
	return 0;
}

int mem_addr_syntax(struct mem_ctx *x, const char *what, const char *s)
{
	uint64_t v;
	int r = num_parse_addr(s, NULL, NULL, &v);

	if (r == -EINVAL)
		return lpar_usage_error(x->self, "%s '%s' is not a number, SYMBOL or SYMBOL+OFF",
					what, s);
	if (r == -ERANGE)
		return lpar_usage_error(x->self, "%s '%s' is out of range", what, s);
	return 0;
}

int mem_addr(struct mem_ctx *x, const char *s, uint64_t *out, uint64_t *symsize)
{
	char shown[4200];
	uint64_t size = 0;
	int r = num_parse_addr(s, sym_lookup, x, out);
	int nlen = (int)strcspn(s, "+"); /* the symbol's name */

	switch (r) {
	case 0:
		break;
	case -ENOENT:
		if (!mem_image(x))
			lpar_error("unknown symbol '%.*s': cannot read the symbols of '%s': %s", nlen, s,
				   x->name, x->img_err.msg);
		else if (!mem_image(x)->nsyms)
			lpar_error("unknown symbol '%.*s': the image '%s' has no symbol table", nlen, s,
				   image_shown(x, shown, sizeof(shown)));
		else
			lpar_error("unknown symbol '%.*s': not in the symbols of '%s'", nlen, s,
				   image_shown(x, shown, sizeof(shown)));
		return 1;
	case -ENOTUNIQ:
		lpar_error("ambiguous symbol '%.*s': %u definitions in '%s' (give an address; 'lpar mem %s%s sym %.*s' lists them)",
			   nlen, s, x->symdefs, image_shown(x, shown, sizeof(shown)),
			   x->core ? "--core " : "", x->name, nlen, s);
		return 1;
	case -ERANGE:
		return lpar_usage_error(x->self, "address '%s' is out of range", s);
	default:
		return lpar_usage_error(x->self,
					"address '%s' is not a number, SYMBOL or SYMBOL+OFF", s);
	}
	if (symsize) {
		/* A bare symbol: its size, the natural length to read. */
		if (!isdigit((unsigned char)s[0]) && !strchr(s, '+')) {
			const struct elf_image *img = mem_image(x);
			const struct elf_sym *sym = img ? elf_sym_lookup(img, s) : NULL;

			size = sym ? sym->size : 0;
		}
		*symsize = size;
	}
	return 0;
}

const char *mem_symbolize(struct mem_ctx *x, uint64_t addr, char *buf, size_t len)
{
	const struct elf_image *img = mem_image(x);
	const struct elf_sym *s;
	char name[512];
	uint64_t off = 0;

	s = img ? elf_sym_at(img, addr, &off) : NULL;
	if (!s)
		return NULL;
	text_sanitize(name, sizeof(name), s->name, strlen(s->name));
	if (off)
		snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)off);
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int mem_hex_bytes(const char *s, uint8_t **buf, size_t *len)
{
	size_t n = 0;
	int half = 0;
	uint8_t *b;

	/* Checked whole first, so that nothing is appended on an error. */
	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p)) {
			if (half)
				return -EINVAL; /* a space inside a byte: "d e" */
			continue;
		}
		if (hexval((unsigned char)*p) < 0)
			return -EINVAL;
		half = !half;
		n += !half;
	}
	if (!n || half)
		return -EINVAL;
	b = realloc(*buf, *len + n);
	if (!b)
		return -ENOMEM;
	*buf = b;
	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p))
			continue;
		b[*len] = (uint8_t)(hexval((unsigned char)p[0]) << 4 | hexval((unsigned char)p[1]));
		(*len)++;
		p++;
	}
	return 0;
}

/* ---- formats ---- */

enum fmt { F_HEXDUMP, F_X1, F_X2, F_X4, F_X8, F_D4, F_S, F_RAW };

static const struct {
	const char *name;
	enum fmt f;
	unsigned unit;
} formats[] = {
	{ "x1", F_X1, 1 }, { "x2", F_X2, 2 }, { "x4", F_X4, 4 }, { "x8", F_X8, 8 },
	{ "d4", F_D4, 4 }, { "s", F_S, 1 }, { "raw", F_RAW, 1 },
};

/* The format --format names (the hexdump without it); -1 after a usage error. */
static int format_of(struct mem_ctx *x, unsigned *unit)
{
	*unit = 1;
	if (!x->format)
		return F_HEXDUMP;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(x->format, formats[i].name)) {
			*unit = formats[i].unit;
			return (int)formats[i].f;
		}
	lpar_usage_error(x->self, "unknown format '%s' (x1, x2, x4, x8, d4, s or raw)", x->format);
	return -1;
}

static uint64_t le_get(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

static void le_put(uint8_t *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		b[i] = (uint8_t)v;
}

/* hexdump -C: squeezes repeated lines into "*", ends with the end address. */
struct hexdump {
	uint8_t prev[16];
	int have_prev, squeezing;
};

static void hexdump_line(struct hexdump *h, uint64_t a, const uint8_t *b, size_t n)
{
	if (n == 16 && h->have_prev && !memcmp(h->prev, b, 16)) {
		if (!h->squeezing)
			puts("*");
		h->squeezing = 1;
		return;
	}
	h->squeezing = 0;
	if (n == 16) {
		memcpy(h->prev, b, 16);
		h->have_prev = 1;
	}
	printf("%08llx ", (unsigned long long)a);
	for (size_t i = 0; i < 16; i++) {
		if (i == 8)
			putchar(' ');
		if (i < n)
			printf(" %02x", b[i]);
		else
			fputs("   ", stdout);
	}
	fputs("  |", stdout);
	for (size_t i = 0; i < n; i++)
		putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
	puts("|");
}

static void units_line(enum fmt f, unsigned unit, uint64_t a, const uint8_t *b, size_t n)
{
	printf("%08llx:", (unsigned long long)a);
	for (size_t i = 0; i + unit <= n; i += unit) {
		uint64_t v = le_get(b + i, unit);

		if (f == F_D4)
			printf(" %d", (int32_t)(uint32_t)v);
		else
			printf(" %0*llx", (int)unit * 2, (unsigned long long)v);
	}
	putchar('\n');
}

/* ---- read ---- */

static int parse_len(struct mem_ctx *x, const char *s, uint64_t *len)
{
	int r = num_parse_size(s, len);

	if (r == -ERANGE)
		return lpar_usage_error(x->self, "length '%s' is out of range", s);
	if (r)
		return lpar_usage_error(x->self,
					"length '%s' is not a size (bytes, or with K, M, G)", s);
	if (!*len)
		return lpar_usage_error(x->self, "length '%s' is zero", s);
	return 0;
}

/*
 * With no LEN given, reads stop short at the end of RAM (or at the first
 * unmapped page with --virt) rather than fail.
 */
static int clamp_default(struct mem_ctx *x, uint64_t addr, uint64_t *len)
{
	struct lerr err = { 0 };
	uint64_t bad;

	if (part_mem_check(x->m, addr, *len, &bad, &err) == 0)
		return 0;
	if (bad <= addr)
		return mem_fail(x, "read", &err);
	*len = bad - addr;
	return 0;
}

static int read_string(struct mem_ctx *x, uint64_t addr, uint64_t len)
{
	struct lerr err = { 0 };
	char *buf = malloc(len + 1), *clean;
	size_t n = 0;

	if (!buf) {
		lpar_error("out of memory");
		return 1;
	}
	while (n < len) {
		size_t chunk = len - n > 4096 ? 4096 : (size_t)(len - n);

		if (part_mem_read(x->m, addr + n, buf + n, chunk, &err)) {
			free(buf);
			return mem_fail(x, "read", &err);
		}
		if (memchr(buf + n, '\0', chunk)) {
			n += chunk;
			break;
		}
		n += chunk;
	}
	buf[n] = '\0';
	n = strlen(buf);
	clean = malloc(4 * n + 1);
	if (!clean) {
		free(buf);
		lpar_error("out of memory");
		return 1;
	}
	puts(text_sanitize(clean, 4 * n + 1, buf, n));
	free(clean);
	free(buf);
	return 0;
}

static int mem_read(struct mem_ctx *x, int argc, char **argv)
{
	struct hexdump h = { 0 };
	struct lerr err = { 0 };
	uint64_t addr, len = 0, symsize, bad, done = 0;
	unsigned unit;
	uint8_t *buf;
	int f, r;

	if (argc < 1)
		return lpar_usage_error(x->self, "read: no address");
	if (argc > 2)
		return lpar_usage_error(x->self, "read: unexpected argument '%s'", argv[2]);
	f = format_of(x, &unit);
	if (f < 0)
		return EXIT_USAGE;
	if ((r = mem_addr_syntax(x, "address", argv[0])))
		return r;
	if (argc > 1 && (r = parse_len(x, argv[1], &len)))
		return r;
	if (argc > 1 && len % unit)
		return lpar_usage_error(x->self, "length %llu is not a multiple of %u (--format %s)",
					(unsigned long long)len, unit, x->format);
	if (f == F_RAW && isatty(STDOUT_FILENO)) {
		lpar_error("not writing raw memory to a terminal: redirect it, or use 'lpar mem %s%s dump'",
			   x->core ? "--core " : "", x->name);
		return 1;
	}
	if ((r = mem_attach(x, MEM_ATTACH_MEM)) || (r = mem_addr(x, argv[0], &addr, &symsize)))
		return r;
	if (argc < 2) {
		len = f == F_S ? DEFAULT_STR : symsize ? symsize : DEFAULT_LEN;
		len = (len + unit - 1) / unit * unit;
		if ((r = clamp_default(x, addr, &len)))
			return r;
		len -= len % unit;
		if (!len) {
			lpar_error("cannot read the memory of '%s': fewer than %u bytes left at 0x%llx",
				   x->name, unit, (unsigned long long)addr);
			return 1;
		}
	} else if (part_mem_check(x->m, addr, len, &bad, &err)) {
		return mem_fail(x, "read", &err);
	}
	if (f == F_S)
		return read_string(x, addr, len);
	buf = malloc(CHUNK);
	if (!buf) {
		lpar_error("out of memory");
		return 1;
	}
	while (done < len) {
		size_t n = len - done > CHUNK ? CHUNK : (size_t)(len - done);

		if (part_mem_read(x->m, addr + done, buf, n, &err)) {
			free(buf);
			return mem_fail(x, "read", &err);
		}
		if (f == F_RAW) {
			fwrite(buf, 1, n, stdout);
		} else {
			for (size_t i = 0; i < n; i += 16) {
				size_t k = n - i < 16 ? n - i : 16;

				if (f == F_HEXDUMP)
					hexdump_line(&h, addr + done + i, buf + i, k);
				else
					units_line((enum fmt)f, unit, addr + done + i, buf + i, k);
			}
		}
		done += n;
		if (ferror(stdout))
			break; /* main() reports it */
	}
	if (f == F_HEXDUMP)
		printf("%08llx\n", (unsigned long long)(addr + len));
	free(buf);
	return 0;
}

/* ---- write, load, dump ---- */

/* The bytes VALUE... stand for in format f. */
static int values_parse(struct mem_ctx *x, int f, unsigned unit, int argc, char **argv,
			uint8_t **buf, size_t *len)
{
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		uint64_t v;
		long d;
		uint8_t *b;
		int r;

		switch (f) {
		case F_HEXDUMP:
		case F_X1:
			r = mem_hex_bytes(s, buf, len);
			if (r == -ENOMEM)
				goto nomem;
			if (r)
				return lpar_usage_error(x->self,
							"value '%s' is not hex bytes (like 'de ad be ef'; numbers need --format x2, x4, x8 or d4)",
							s);
			continue;
		case F_S: {
			size_t n = strlen(s) + 1;

			/* The words, joined by spaces, then a NUL. */
			b = realloc(*buf, *len + n);
			if (!b)
				goto nomem;
			*buf = b;
			memcpy(b + *len, s, n);
			if (i + 1 < argc)
				b[*len + n - 1] = ' ';
			*len += n;
			continue;
		}
		case F_D4:
			r = num_parse_int(s, INT32_MIN, INT32_MAX, &d);
			if (r)
				return lpar_usage_error(x->self,
							"value '%s' is not a 32-bit signed decimal number (--format d4)",
							s);
			v = (uint64_t)(uint32_t)(int32_t)d;
			break;
		default:
			r = num_parse_u64(s, &v);
			if (r || (unit < 8 && v >> (unit * 8)))
				return lpar_usage_error(x->self,
							"value '%s' is not a number that fits in %u bytes (--format %s)",
							s, unit, x->format);
			break;
		}
		b = realloc(*buf, *len + unit);
		if (!b)
			goto nomem;
		*buf = b;
		le_put(b + *len, v, unit);
		*len += unit;
	}
	return 0;
nomem:
	lpar_error("out of memory");
	return 1;
}

/* Reads a whole file ("-": standard input) of at most max bytes. */
static int file_read(struct mem_ctx *x, const char *path, uint64_t max, uint8_t **buf,
		     size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t cap = 0;
	struct stat sb;
	char size[32];

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		lpar_error("cannot open '%s': %s", path, strerror(errno));
		return 1;
	}
	num_format_size(max, size, sizeof(size));
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > max) {
		lpar_error("cannot load '%s': it is larger (%llu bytes) than the memory of '%s' (%s)",
			   path, (unsigned long long)sb.st_size, x->name, size);
		goto fail;
	}
	for (;;) {
		ssize_t n;

		if (*len == cap) {
			uint8_t *b;

			cap = cap ? cap * 2 : CHUNK;
			b = realloc(*buf, cap);
			if (!b) {
				lpar_error("out of memory");
				goto fail;
			}
			*buf = b;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0) {
			lpar_error("cannot read '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
		if (*len > max) {
			lpar_error("cannot load '%s': it is larger than the memory of '%s' (%s)", path,
				   x->name, size);
			goto fail;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (!*len) {
		lpar_error("cannot load '%s': it is empty", path);
		return 1;
	}
	return 0;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	free(*buf);
	*buf = NULL;
	return 1;
}

/* Writes buf at the address operand a; the partition is attached. */
static int put(struct mem_ctx *x, const char *a, const uint8_t *buf, size_t len)
{
	struct lerr err = { 0 };
	uint64_t addr;
	int r = mem_addr(x, a, &addr, NULL);

	if (r)
		return r;
	if (part_mem_write(x->m, addr, buf, len, &err))
		return mem_fail(x, "write", &err);
	return 0;
}

static int mem_write(struct mem_ctx *x, int argc, char **argv)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned unit;
	int f, r;

	if (argc < 1)
		return lpar_usage_error(x->self, "write: no address");
	if ((r = mem_addr_syntax(x, "address", argv[0])))
		return r;
	if (x->file) {
		if (argc > 1)
			return lpar_usage_error(x->self, "write: values and --file together");
		if (x->format)
			return lpar_usage_error(x->self, "write: --format and --file together");
		if ((r = mem_attach(x, MEM_ATTACH_MEM | MEM_ATTACH_WRITE)))
			return r;
		r = file_read(x, x->file, part_mem_size(x->m), &buf, &len);
		if (!r)
			r = put(x, argv[0], buf, len);
		free(buf);
		return r;
	}
	if (argc < 2)
		return lpar_usage_error(x->self, "write: no value (or --file FILE)");
	f = format_of(x, &unit);
	if (f < 0)
		return EXIT_USAGE;
	if (f == F_RAW)
		return lpar_usage_error(x->self, "write: --format raw takes its bytes from --file FILE");
	r = values_parse(x, f, unit, argc - 1, argv + 1, &buf, &len);
	if (!r)
		r = mem_attach(x, MEM_ATTACH_MEM | MEM_ATTACH_WRITE);
	if (!r)
		r = put(x, argv[0], buf, len);
	free(buf);
	return r;
}

/* put() in pieces, with a progress line on a terminal: a whole file's worth. */
static int put_file(struct mem_ctx *x, const char *a, const uint8_t *buf, size_t len)
{
	struct lerr err = { 0 };
	struct progress pr;
	uint64_t addr, bad;
	size_t done = 0;
	int r = mem_addr(x, a, &addr, NULL);

	if (r)
		return r;
	/* All or nothing: the whole range is checked before the first byte. */
	if (part_mem_check(x->m, addr, len, &bad, &err))
		return mem_fail(x, "write", &err);
	progress_start(&pr, "load", len);
	while (done < len) {
		size_t n = len - done > 16 * CHUNK ? 16 * CHUNK : len - done;

		if (part_mem_write(x->m, addr + done, buf + done, n, &err)) {
			progress_stop(&pr);
			return mem_fail(x, "write", &err);
		}
		done += n;
		progress_update(&pr, done);
	}
	progress_end(&pr, done);
	return 0;
}

static int mem_load(struct mem_ctx *x, int argc, char **argv)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	if (argc < 2)
		return lpar_usage_error(x->self, "load: %s", argc ? "no address" : "no file");
	if (argc > 2)
		return lpar_usage_error(x->self, "load: unexpected argument '%s'", argv[2]);
	if ((r = mem_addr_syntax(x, "address", argv[1])))
		return r;
	if ((r = mem_attach(x, MEM_ATTACH_MEM | MEM_ATTACH_WRITE)))
		return r;
	r = file_read(x, argv[0], part_mem_size(x->m), &buf, &len);
	if (!r)
		r = put_file(x, argv[1], buf, len);
	free(buf);
	return r;
}

/* Copies [addr, addr + len) to fd. */
static int copy_out(struct mem_ctx *x, uint64_t addr, uint64_t len, int fd, const char *path)
{
	struct lerr err = { 0 };
	uint8_t *buf = malloc(CHUNK);
	struct progress pr;

	if (!buf) {
		lpar_error("out of memory");
		return 1;
	}
	progress_start(&pr, "dump", len);
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done > CHUNK ? CHUNK : (size_t)(len - done);

		if (part_mem_read(x->m, addr + done, buf, n, &err)) {
			progress_stop(&pr);
			free(buf);
			return mem_fail(x, "read", &err);
		}
		for (size_t w = 0; w < n;) {
			ssize_t k = write(fd, buf + w, n - w);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				progress_stop(&pr);
				lpar_error("cannot write '%s': %s", path, strerror(k < 0 ? errno : EIO));
				free(buf);
				return 1;
			}
			w += (size_t)k;
		}
		done += n;
		progress_update(&pr, done);
	}
	progress_end(&pr, len);
	free(buf);
	return 0;
}

static int mem_dump(struct mem_ctx *x, int argc, char **argv)
{
	struct lerr err = { 0 };
	uint64_t addr, len, bad;
	char tmp[4200];
	int r, fd;

	if (argc < 2)
		return lpar_usage_error(x->self, "dump: %s", argc ? "no length" : "no address");
	if (argc > 2)
		return lpar_usage_error(x->self, "dump: unexpected argument '%s'", argv[2]);
	if (!x->output)
		return lpar_usage_error(x->self, "dump: no output file (-o FILE, or -o - for standard output)");
	if ((r = mem_addr_syntax(x, "address", argv[0])) || (r = parse_len(x, argv[1], &len)))
		return r;
	if (!strcmp(x->output, "-") && isatty(STDOUT_FILENO)) {
		lpar_error("not writing raw memory to a terminal: redirect it, or give -o FILE");
		return 1;
	}
	if ((r = mem_attach(x, MEM_ATTACH_MEM)) || (r = mem_addr(x, argv[0], &addr, NULL)))
		return r;
	if (part_mem_check(x->m, addr, len, &bad, &err))
		return mem_fail(x, "read", &err);
	if (!strcmp(x->output, "-"))
		return copy_out(x, addr, len, STDOUT_FILENO, "standard output");
	/* A temporary file renamed into place: a failed dump leaves FILE as it was. */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", x->output);
	fd = mkstemp(tmp);
	if (fd < 0) {
		lpar_error("cannot create '%s': %s", x->output, strerror(errno));
		return 1;
	}
	{
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	r = copy_out(x, addr, len, fd, x->output);
	if (close(fd) < 0 && !r) {
		lpar_error("cannot write '%s': %s", x->output, strerror(errno));
		r = 1;
	}
	if (!r && rename(tmp, x->output) < 0) {
		lpar_error("cannot create '%s': %s", x->output, strerror(errno));
		r = 1;
	}
	if (r)
		unlink(tmp);
	return r;
}

/* ---- the command ---- */

static const struct mem_sub {
	const char *name;
	int (*fn)(struct mem_ctx *x, int argc, char **argv);
	unsigned opts;   /* MO_* it takes */
	int json;
} subs[] = {
	{ "read", mem_read, MO_VIRT | MO_FORMAT | MO_CORE | MO_IMAGE, 0 },
	{ "write", mem_write, MO_VIRT | MO_FORCE | MO_FORMAT | MO_FILE, 0 },
	{ "dump", mem_dump, MO_VIRT | MO_OUTPUT | MO_CORE | MO_IMAGE, 0 },
	{ "load", mem_load, MO_VIRT | MO_FORCE, 0 },
	{ "find", mem_find, MO_VIRT | MO_STRING | MO_INT | MO_SIZE | MO_CORE | MO_IMAGE, 1 },
	{ "map", mem_map, MO_CORE | MO_IMAGE, 1 },
	{ "sym", mem_sym, MO_CORE | MO_IMAGE, 1 },
};

static const char *const opt_names[] = {
	"--virt", "--force", "--format", "--file", "--output", "--string", "--int", "--size",
	"--core", "--image",
};

int cmd_mem(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "virt", no_argument, NULL, 'v' },
		{ "force", no_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "file", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "string", required_argument, NULL, 's' },
		{ "int", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 'z' },
		{ "core", required_argument, NULL, 'c' },
		{ "image", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mem_ctx x = { .self = cmd_find("mem") };
	const struct mem_sub *sub = NULL;
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		unsigned bit = 0;
		const char **val = NULL;

		switch (c) {
		case 'v': bit = MO_VIRT; break;
		case 'F': bit = MO_FORCE; break;
		case 'f': bit = MO_FORMAT; val = &x.format; break;
		case 'i': bit = MO_FILE; val = &x.file; break;
		case 'o': bit = MO_OUTPUT; val = &x.output; break;
		case 's': bit = MO_STRING; val = &x.string; break;
		case 'n': bit = MO_INT; val = &x.intval; break;
		case 'z': bit = MO_SIZE; val = &x.size; break;
		case 'c': bit = MO_CORE; val = &x.core; break;
		case 'I': bit = MO_IMAGE; val = &x.image; break;
		case 'h':
			cmd_help_print(x.self, stdout);
			return 0;
		case ':':
			return lpar_usage_error(x.self, "option '%s' needs a value",
						argv[optind - 1]);
		default:
			return lpar_usage_error(x.self, "unknown option '%s'", argv[optind - 1]);
		}
		if ((r = opt_once(x.self, &x.seen, bit, opt_names[__builtin_ctz(bit)])))
			return r;
		if (val)
			*val = optarg;
	}
	argc -= optind;
	argv += optind;
	if (x.image && !x.core)
		return lpar_usage_error(x.self, "--image goes with --core (a partition's image is its own)");
	/* A core stands where NAME would: the operands start with the command. */
	if (x.core) {
		argc++;
		argv--;
	} else if (argc < 1) {
		return lpar_missing_name(x.self);
	}
	if (argc < 2)
		return lpar_usage_error(x.self, "no memory command (read, write, dump, load, find, map or sym)");
	x.name = x.core ? x.core : argv[0];
	x.sub = argv[1];
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(subs[i].name, argv[1]))
			sub = &subs[i];
	if (!sub)
		return lpar_usage_error(x.self, "unknown memory command '%s' (read, write, dump, load, find, map or sym)",
					argv[1]);
	if (x.core && (!strcmp(sub->name, "write") || !strcmp(sub->name, "load")))
		return lpar_usage_error(x.self, "'lpar mem %s' cannot change a core file: a core is read-only",
					sub->name);
	if (x.core && !(sub->opts & MO_CORE))
		return lpar_usage_error(x.self, "'lpar mem %s' needs a live partition: it takes no --core",
					sub->name);
	if (lpar_opts.json && !sub->json) {
		lpar_opts.json = 0;
		return lpar_usage_error(x.self, "'lpar mem %s' has no JSON output", sub->name);
	}
	if (x.seen & ~sub->opts) {
		unsigned bad = x.seen & ~sub->opts;

		return lpar_usage_error(x.self, "'lpar mem %s' takes no %s option", sub->name,
					opt_names[__builtin_ctz(bad)]);
	}
	r = sub->fn(&x, argc - 2, argv + 2);
	part_image_free(x.img);
	part_mem_close(x.m);
	elf_core_close(x.cf);
	part_close(x.p);
	return r;
}
