/* SPDX-License-Identifier: ISC
 * lpar mem map and sym: the partition's memory layout (the monitor's pages
 * below 1 MiB, the image's segments and their symbols, heap, stack guard
 * and stack, from the boot info and the image) and symbol lookups.
 */
#include <errno.h>
#include <lpar/boot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/num.h"
#include "../common/text.h"
#include "../elf/core.h"
#include "../elf/elf.h"
#include "../hv/hv.h"
#include "../libpart/image.h"
#include "../libpart/mem.h"
#include "json.h"
#include "mem.h"

#define PAGE LPAR_PAGE_SIZE
#define MAX_REGIONS 192    /* fixed ones, 64 segments (HV_SEGS_MAX) and the gaps between */
#define SHOW_SYMS 3       /* symbols shown at each end of a segment */

struct region {
	uint64_t lo, hi;
	const char *perm;        /* the partition's access: r--, rw-, r-x, --- */
	const char *kind;        /* unmapped boot monitor segment heap guard stack unknown */
	char what[160];
	const struct elf_seg *seg;
};

struct layout {
	struct region rg[MAX_REGIONS];
	size_t n;
	struct lpar_boot_info bi;
	int bi_ok;
};

static uint64_t page_up(uint64_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

static struct region *add(struct layout *l, uint64_t lo, uint64_t hi, const char *perm,
			  const char *kind, const char *what)
{
	struct region *r;

	if (l->n == MAX_REGIONS || hi <= lo)
		return NULL;
	r = &l->rg[l->n++];
	memset(r, 0, sizeof(*r));
	r->lo = lo;
	r->hi = hi;
	r->perm = perm;
	r->kind = kind;
	snprintf(r->what, sizeof(r->what), "%s", what);
	return r;
}

static int region_cmp(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static const char *seg_perm(unsigned flags)
{
	static const char *const perms[8] = {
		"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx",
	};

	return perms[flags & 7];
}

/* The boot info, copied out and checked against RAM. */
static int boot_info(struct mem_ctx *x, struct lpar_boot_info *bi)
{
	uint64_t ram = part_mem_size(x->m), stack_lo;
	struct lerr err = { 0 };

	if (part_mem_read(x->m, LPAR_BOOT_INFO, bi, sizeof(*bi), &err))
		return -1;
	if (bi->magic != LPAR_BOOT_MAGIC || bi->mem_size != ram || bi->stack_top > ram ||
	    bi->stack_size > bi->stack_top)
		return -1;
	stack_lo = bi->stack_top - bi->stack_size;
	return bi->heap_start <= bi->heap_end && bi->heap_end <= stack_lo ? 0 : -1;
}

/* Builds the layout; the image's part is left out if its symbols cannot be read. */
static void layout_build(struct mem_ctx *x, struct layout *l)
{
	const struct elf_image *img = mem_image(x);
	uint64_t ram = part_mem_size(x->m), end = 0;
	const struct hv_reserved *fixed;
	size_t n, nfixed;

	l->n = 0;
	fixed = hv_reserved_regions(&nfixed);
	for (size_t i = 0; i < nfixed; i++)
		add(l, fixed[i].lo, fixed[i].hi < ram ? fixed[i].hi : ram, fixed[i].perm,
		    fixed[i].kind, fixed[i].what);
	for (size_t i = 0; img && i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		char secs[120], what[160];
		struct region *r;

		if (elf_sections_in(img, s->vaddr, s->vaddr + s->memsz, secs, sizeof(secs)))
			snprintf(what, sizeof(what), "segment %u (%s)", s->index, secs);
		else
			snprintf(what, sizeof(what), "segment %u", s->index);
		r = add(l, s->vaddr, s->vaddr + s->memsz, seg_perm(s->flags), "segment", what);
		if (r)
			r->seg = s;
	}
	l->bi_ok = boot_info(x, &l->bi) == 0;
	if (l->bi_ok) {
		uint64_t stack_lo = l->bi.stack_top - l->bi.stack_size;

		add(l, l->bi.heap_start, l->bi.heap_end, "rw-", "heap", "heap (free memory)");
		add(l, l->bi.heap_end, stack_lo, "---", "guard", "stack guard");
		add(l, stack_lo, l->bi.stack_top, "rw-", "stack", "stack");
	}
	qsort(l->rg, l->n, sizeof(l->rg[0]), region_cmp);
	/* What lies between, a page or more, is not mapped. */
	n = l->n;
	for (size_t i = 0; i < n; i++) {
		if (page_up(end) < l->rg[i].lo)
			add(l, page_up(end), l->rg[i].lo, "---", "unmapped", "");
		if (l->rg[i].hi > end)
			end = l->rg[i].hi;
	}
	if (page_up(end) < ram && l->bi_ok)
		add(l, page_up(end), ram, "---", "unmapped", "");
	else if (page_up(end) < ram)
		add(l, page_up(end), ram, "???", "unknown", "heap and stack (boot info not valid)");
	qsort(l->rg, l->n, sizeof(l->rg[0]), region_cmp);
}

static const char *describe(const struct region *r, char *buf, size_t len)
{
	if (!strcmp(r->kind, "monitor") || !strcmp(r->kind, "unmapped"))
		snprintf(buf, len, "%s%s%s", r->kind, r->what[0] ? ": " : "", r->what);
	else
		snprintf(buf, len, "%s", r->what);
	return buf;
}

const char *mem_region_at(struct mem_ctx *x, uint64_t addr, char *buf, size_t len)
{
	struct layout *l;
	const char *d = NULL;

	if (!x->m)
		return NULL;
	if (addr >= part_mem_size(x->m)) {
		snprintf(buf, len, "past the end of RAM");
		return buf;
	}
	l = malloc(sizeof(*l));
	if (!l)
		return NULL;
	layout_build(x, l);
	for (size_t i = 0; i < l->n && !d; i++)
		if (addr >= l->rg[i].lo && addr < l->rg[i].hi)
			d = describe(&l->rg[i], buf, len);
	free(l);
	return d;
}

/* The symbols inside a segment: [*first, *first + *count) of img->syms. */
static void seg_syms(const struct elf_image *img, const struct elf_seg *s, size_t *first,
		     size_t *count)
{
	size_t i = 0;

	while (i < img->nsyms && img->syms[i].addr < s->vaddr)
		i++;
	*first = i;
	while (i < img->nsyms && img->syms[i].addr - s->vaddr < s->memsz)
		i++;
	*count = i - *first;
}

static void json_sym(const struct elf_sym *s)
{
	printf("{\"addr\": %llu, \"name\": ", (unsigned long long)s->addr);
	json_string(stdout, s->name);
	fputs("}", stdout);
}

static void json_syms(const struct elf_image *img, size_t from, size_t to)
{
	fputs("[", stdout);
	for (size_t i = from; i < to; i++) {
		if (i > from)
			fputs(", ", stdout);
		json_sym(&img->syms[i]);
	}
	fputs("]", stdout);
}

static void map_json(struct mem_ctx *x, const struct layout *l)
{
	const struct elf_image *img = mem_image(x);

	/* A core: the partition's name and state as the core recorded them. */
	fputs("{\"name\": ", stdout);
	json_string(stdout, x->cf && x->cf->have_lpar ? x->cf->lpar.name : x->name);
	fputs(", \"state\": ", stdout);
	json_string(stdout, x->cf && x->cf->have_lpar ? x->cf->lpar.state : x->st.state);
	if (x->cf) {
		fputs(", \"core\": ", stdout);
		json_string(stdout, x->core);
	}
	printf(", \"mem\": %llu, \"image\": ", (unsigned long long)part_mem_size(x->m));
	json_string(stdout, part_image_shown(x->img));
	if (img)
		printf(", \"entry\": %llu", (unsigned long long)img->entry);
	if (l->bi_ok)
		printf(", \"boot\": {\"addr\": %llu, \"heap_start\": %llu, \"heap_end\": %llu, \"stack_top\": %llu, \"stack_size\": %llu}",
		       LPAR_BOOT_INFO, (unsigned long long)l->bi.heap_start,
		       (unsigned long long)l->bi.heap_end, (unsigned long long)l->bi.stack_top,
		       (unsigned long long)l->bi.stack_size);
	fputs(", \"regions\": [", stdout);
	for (size_t i = 0; i < l->n; i++) {
		const struct region *r = &l->rg[i];

		printf("%s{\"start\": %llu, \"end\": %llu, \"perm\": \"%s\", \"kind\": \"%s\", \"what\": ",
		       i ? ", " : "", (unsigned long long)r->lo, (unsigned long long)r->hi, r->perm,
		       r->kind);
		json_string(stdout, r->what);
		if (r->seg && img) {
			char secs[120];
			size_t first, count;

			printf(", \"index\": %u, \"sections\": [", r->seg->index);
			elf_sections_in(img, r->seg->vaddr, r->seg->vaddr + r->seg->memsz, secs,
					sizeof(secs));
			for (char *p = secs, *sp; *p; p = sp) {
				sp = strchr(p, ' ');
				if (sp)
					*sp++ = '\0';
				else
					sp = p + strlen(p);
				if (p != secs)
					fputs(", ", stdout);
				json_string(stdout, p);
			}
			seg_syms(img, r->seg, &first, &count);
			printf("], \"symbols\": {\"count\": %zu, \"first\": ", count);
			json_syms(img, first, first + (count < SHOW_SYMS ? count : SHOW_SYMS));
			fputs(", \"last\": ", stdout);
			json_syms(img, first + (count < SHOW_SYMS ? 0 : count - SHOW_SYMS),
				  first + count);
			fputs("}", stdout);
		}
		fputs("}", stdout);
	}
	fputs("], \"rings\": ", stdout);
	json_rings(stdout, &x->st);
	fputs("}\n", stdout);
}

/* The rings the image declares and what the monitor attached them to. */
static void rings_plain(const struct part_status *st, int w)
{
	char size[32];

	if (!st->nrings)
		return;
	printf("\n%-16s %-*s %-*s %-8s %-10s %-16s %-5s %s\n", "RING", w, "START", w, "END",
	       "KIND", "SIZE", "ATTACH", "LINK", "PEER");
	for (int i = 0; i < st->nrings; i++) {
		const struct part_ring *r = &st->rings[i];

		printf("%-16s %0*llx %0*llx %-8s %-10s %-16s %-5s %s\n", r->name, w,
		       (unsigned long long)r->addr, w, (unsigned long long)(r->addr + r->len),
		       r->kind, num_format_size(r->size, size, sizeof(size)), r->attach, r->link,
		       r->peer[0] ? r->peer : "-");
	}
}

static void print_sym(const struct elf_sym *s, int w, int indent)
{
	char name[512];

	printf("%*s%0*llx %s\n", indent, "", w, (unsigned long long)s->addr,
	       text_sanitize(name, sizeof(name), s->name, strlen(s->name)));
}

static void map_plain(struct mem_ctx *x, const struct layout *l)
{
	const struct elf_image *img = mem_image(x);
	uint64_t ram = part_mem_size(x->m);
	char size[32], what[200], shown[4200], sym[600];
	const char *image = part_image_shown(x->img);
	int w = 8;

	while (w < 16 && (ram - 1) >> (w * 4))
		w++;
	printf("ram %llu (%s)\n", (unsigned long long)ram,
	       num_format_size(ram, size, sizeof(size)));
	printf("image %s\n", text_sanitize(shown, sizeof(shown), image, strlen(image)));
	/* A boot info the controller scribbled on cannot place heap and stack. */
	if (!l->bi_ok)
		printf("boot 0x%llx (not valid: heap and stack not shown)\n", LPAR_BOOT_INFO);
	if (img && mem_symbolize(x, img->entry, sym, sizeof(sym)))
		printf("entry 0x%llx <%s>\n", (unsigned long long)img->entry, sym);
	else if (img)
		printf("entry 0x%llx\n", (unsigned long long)img->entry);
	printf("\n%-*s %-*s PERM %-10s REGION\n", w, "START", w, "END", "SIZE");
	for (size_t i = 0; i < l->n; i++) {
		const struct region *r = &l->rg[i];
		size_t first, count;
		int indent = 2 * w + 2;

		describe(r, what, sizeof(what));
		printf("%0*llx %0*llx %-4s %-10s %s", w, (unsigned long long)r->lo, w,
		       (unsigned long long)r->hi, r->perm,
		       num_format_size(r->hi - r->lo, size, sizeof(size)), what);
		if (!r->seg || !img) {
			putchar('\n');
			continue;
		}
		seg_syms(img, r->seg, &first, &count);
		printf(", %zu symbol%s\n", count, count == 1 ? "" : "s");
		for (size_t k = 0; k < count; k++) {
			if (count > 2 * SHOW_SYMS && k == SHOW_SYMS) {
				printf("%*s... %zu more\n", indent, "", count - 2 * SHOW_SYMS);
				k = count - SHOW_SYMS;
			}
			print_sym(&img->syms[first + k], w, indent);
		}
	}
	rings_plain(&x->st, w);
}

int mem_map(struct mem_ctx *x, int argc, char **argv)
{
	struct layout *l;
	int r;

	if (argc > 0)
		return lpar_usage_error(x->self, "map: unexpected argument '%s'", argv[0]);
	if ((r = mem_attach(x, MEM_ATTACH_MEM)))
		return r;
	if (!mem_image(x)) {
		lpar_error("cannot map the memory of '%s': %s", x->name, x->img_err.msg);
		return 1;
	}
	l = malloc(sizeof(*l));
	if (!l) {
		lpar_error("out of memory");
		return 1;
	}
	layout_build(x, l);
	if (lpar_opts.json)
		map_json(x, l);
	else
		map_plain(x, l);
	free(l);
	return 0;
}

/* ---- sym ---- */

static void sym_line(const struct elf_sym *s, uint64_t addr, struct json_list *jl)
{
	char name[512];
	uint64_t off = addr - s->addr;

	if (lpar_opts.json) {
		json_list_next(jl);
		printf("{\"addr\": %llu, \"name\": ", (unsigned long long)addr);
		json_string(stdout, s->name);
		printf(", \"offset\": %llu, \"start\": %llu, \"size\": %llu, \"type\": \"%s\"}",
		       (unsigned long long)off, (unsigned long long)s->addr,
		       (unsigned long long)s->size, s->is_func ? "func" : "object");
		return;
	}
	text_sanitize(name, sizeof(name), s->name, strlen(s->name));
	if (off)
		printf("0x%llx <%s+0x%llx>\n", (unsigned long long)addr, name,
		       (unsigned long long)off);
	else
		printf("0x%llx <%s>\n", (unsigned long long)addr, name);
}

int mem_sym(struct mem_ctx *x, int argc, char **argv)
{
	const struct elf_image *img;
	const struct elf_sym *s;
	struct json_list jl;
	char name[512], where[200];
	const char *plus;
	uint64_t addr, off = 0, last = 0;
	size_t n = 0;
	int r;

	if (argc < 1)
		return lpar_usage_error(x->self, "sym: no address or symbol");
	if (argc > 1)
		return lpar_usage_error(x->self, "sym: unexpected argument '%s'", argv[1]);
	if ((r = mem_addr_syntax(x, "address or symbol", argv[0])))
		return r;
	/* The symbols are in the image: a partition that has ended still has them. */
	if ((r = mem_attach(x, MEM_ATTACH_MEM | MEM_ATTACH_ENDED)))
		return r;
	img = mem_image(x);
	if (!img) {
		lpar_error("cannot read the symbols of '%s': %s", x->name, x->img_err.msg);
		return 1;
	}
	if (argv[0][0] >= '0' && argv[0][0] <= '9') {
		/* An address: the symbol that holds it. */
		if ((r = mem_addr(x, argv[0], &addr, NULL)))
			return r;
		s = elf_sym_at(img, addr, &off);
		if (!s) {
			if (mem_region_at(x, addr, where, sizeof(where)))
				lpar_error("no symbol at 0x%llx (%s)", (unsigned long long)addr, where);
			else
				lpar_error("no symbol at 0x%llx", (unsigned long long)addr);
			return 1;
		}
		if (lpar_opts.json)
			json_list_begin(&jl);
		sym_line(s, addr, &jl);
		if (lpar_opts.json)
			json_list_end(&jl);
		return 0;
	}
	/* A name, maybe with +OFF: every definition of it. */
	plus = strchr(argv[0], '+');
	snprintf(name, sizeof(name), "%.*s", plus ? (int)(plus - argv[0]) : (int)strlen(argv[0]),
		 argv[0]);
	if (plus && num_parse_u64(plus + 1, &off))
		return lpar_usage_error(x->self, "sym: offset in '%s' is not a number", argv[0]);
	for (size_t i = 0; i < img->nsyms; i++) {
		s = &img->syms[i];
		if (strcmp(s->name, name) || (n && s->addr == last))
			continue;
		if (!n++ && lpar_opts.json)
			json_list_begin(&jl);
		if (__builtin_add_overflow(s->addr, off, &addr))
			addr = UINT64_MAX;
		sym_line(s, addr, &jl);
		last = s->addr;
	}
	if (!n)
		return mem_addr(x, argv[0], &addr, NULL); /* says why it is unknown */
	if (lpar_opts.json)
		json_list_end(&jl);
	return 0;
}
