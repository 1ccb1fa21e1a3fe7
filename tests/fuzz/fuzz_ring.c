/* SPDX-License-Identifier: ISC */
/*
 * The rings as the monitor reads them (hv/ring.c, the console ring's pump
 * in hv/dev_console.c, the shares' message ring in hv/dev_share.c, with the
 * index checks of <lpar/ring.h>), driven as a hostile partition drives
 * them: a running partition made fresh for every input (fuzz_hv.h) with a
 * console ring (its image's) and the library OS's fs ring serving a
 * read-only share of a small directory made once.  The input is steps:
 *
 *   0 tag[4] len[2] data[len]   a message into the fs ring, its producer index moved on
 *   1 which[1] value[4]          sets an index: which % 12 picks the ring (fs tx, fs rx,
 *                                console tx) and the word (prod, cons_event, cons, prod_event)
 *   2                            the fs ring's doorbell (served at once: fake_backend.c)
 *   3 value[4]                   a doorbell with any value
 *   4 len[2] data[len]           bytes into the console ring, its producer index moved on
 *   5                            the console ring flushed, as before hcall output
 *   6 ring[1] gen[4]             the ring_reset hcall
 *   7                            the fs ring's replies taken (rx cons = rx prod)
 *   8 off[4] len[1] data[len]    bytes anywhere in the fs ring's pages
 *
 * With LPAR_FUZZ_VERBOSE set, each step shows the indices and resets on stderr.
 */
#include <fcntl.h>
#include <lpar/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../elf/elf.h"
#include "fuzz_hv.h"

static char dir[] = "/tmp/lpar-fuzz-ring.XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
}

static void cleanup(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/a", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub/b", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];

	(void)argc;
	(void)argv;
	fuzz_hv_init();
	if (!mkdtemp(dir)) {
		perror("fuzz: mkdtemp");
		exit(2);
	}
	atexit(cleanup);
	put("a", "hello, ring\n");
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	put("sub/b", "deeper\n");
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes len bytes at the producer index of d and moves it on by step. */
static void produce(struct lpar_ring_dir *d, const void *hdr, size_t hlen, const uint8_t *data,
		    size_t len, uint32_t step)
{
	uint32_t prod = d->ctl->prod;

	if (hlen + len > d->size)
		return;
	lpar_ring_copy_in(d, prod, hdr, hlen);
	lpar_ring_copy_in(d, prod + (uint32_t)hlen, data, len);
	d->ctl->prod = prod + step;
}

static void doorbell(struct hv *hv, uint32_t value)
{
	struct hvb_exit ex = { .kind = HVB_EXIT_IO, .port = LPAR_DOORBELL_PORT, .size = 4,
			       .out = 1, .data = value };

	hv_devs_io(hv, &ex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv *hv = fuzz_hv_new(dir);
	struct hv_ring *fs = &hv->rings[LPAR_FS_RING_INDEX], *cons = hv_ring_find(hv, "console");
	struct lpar_ring_dir d[3];

	if (!fs->er || !cons)
		abort(); /* the image or the library OS lacks a ring the harness is for */
	d[0] = hv_ring_dir(hv, fs, 0);
	d[1] = hv_ring_dir(hv, fs, 1);
	d[2] = hv_ring_dir(hv, cons, 0);
	fuzz_hv_running(hv);
	while (size) {
		uint8_t op = data[0] % 9;
		size_t need = op == 0 ? 7 : op == 1 ? 6 : op == 3 ? 5 : op == 4 ? 3 :
			      op == 6 ? 6 : op == 8 ? 6 : 1, len = 0;

		if (size < need)
			break;
		if (op == 0)
			len = data[5] | (size_t)data[6] << 8;
		else if (op == 4)
			len = data[1] | (size_t)data[2] << 8;
		else if (op == 8)
			len = data[5];
		if (len > size - need)
			len = size - need;
		switch (op) {
		case 0: {
			struct lpar_msg m = { (uint32_t)len, get32(data + 1) };

			produce(&d[0], &m, sizeof(m), data + need, len, lpar_msg_space((uint32_t)len));
			break;
		}
		case 1: {
			uint32_t *w[4] = { &d[data[1] % 3].ctl->prod, &d[data[1] % 3].ctl->cons_event,
					   &d[data[1] % 3].ctl->cons, &d[data[1] % 3].ctl->prod_event };

			*w[data[1] / 3 % 4] = get32(data + 2);
			break;
		}
		case 2:
			doorbell(hv, LPAR_FS_RING_INDEX);
			break;
		case 3:
			doorbell(hv, get32(data + 1));
			break;
		case 4:
			produce(&d[2], "", 0, data + need, len, (uint32_t)len);
			break;
		case 5:
			hv_dev_console.flush(hv);
			break;
		case 6: {
			struct hv_regs *r = hvb_cpu_regs(hv->cpu);

			r->rax = LPAR_HC_RING_RESET;
			r->rdi = data[1];
			r->rsi = get32(data + 2);
			hv_hcall_dispatch(hv);
			break;
		}
		case 7:
			d[1].ctl->cons = d[1].ctl->prod;
			break;
		case 8: {
			uint64_t total = fs->er->len, off = get32(data + 1) % total;

			if (len > total - off)
				len = (size_t)(total - off);
			memcpy(hv->mem.base + fs->er->addr + off, data + need, len);
			break;
		}
		}
		data += need + len, size -= need + len;
		if (getenv("LPAR_FUZZ_VERBOSE"))
			fprintf(stderr, "op %u: fs tx %u/%u rx %u/%u, resets %llu; console %u/%u\n", op,
				d[0].ctl->prod, d[0].ctl->cons, d[1].ctl->prod, d[1].ctl->cons,
				(unsigned long long)fs->resets, d[2].ctl->prod, d[2].ctl->cons);
	}
	fuzz_hv_free(hv);
	return 0;
}
