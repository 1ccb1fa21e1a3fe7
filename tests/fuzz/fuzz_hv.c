/* SPDX-License-Identifier: ISC */
/* A fresh partition on the fake backend for each input (see fuzz_hv.h). */
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../elf/elf.h"
#include "fuzz_hv.h"

#ifndef FUZZ_IMAGE
#define FUZZ_IMAGE "tests/guests/ringcons.elf"
#endif

#define MEM_SIZE (6ull << 20)

static struct elf_image *img;
static int null_fd = -1;
/*
 * The partitions' RAM, one memfd for all of them (zeroed after each): a
 * fresh one costs a page fault for every page the image fills.
 */
static int ram_fd = -1;
static uint8_t *ram;
static char *const argv[] = { (char *)"fuzz", (char *)"1", NULL };
static char *const envp[] = { (char *)"FUZZ=1", NULL };

void fuzz_hv_init(void)
{
	const char *path = getenv("LPAR_FUZZ_IMAGE");
	struct lerr err = { 0, "" };

	if (img)
		return;
	/*
	 * hv_create() confines the process it runs in (hv/sandbox.c): here
	 * that is the fuzzer itself, which must go on allocating, forking
	 * reports and writing its corpus.
	 */
	setenv("LPAR_SANDBOX", "0", 1);
	if (!path)
		path = FUZZ_IMAGE;
	if (elf_open(path, &img, &err)) {
		fprintf(stderr, "fuzz: cannot open the image %s: %s\n", path, err.msg);
		exit(2);
	}
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ram_fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
	if (null_fd < 0 || ram_fd < 0 || ftruncate(ram_fd, (off_t)MEM_SIZE)) {
		perror("fuzz: set-up");
		exit(2);
	}
	ram = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
	if (ram == MAP_FAILED) {
		perror("fuzz: mmap");
		exit(2);
	}
}

struct hv *fuzz_hv_new(const char *share_dir)
{
	struct hv_share_spec share = { .host = share_dir, .guest = "/share", .readonly = 1 };
	struct hv_config cfg = {
		.name = "fuzz",
		.mem_size = MEM_SIZE,
		.argc = 2, .argv = argv,
		.envc = 1, .envp = envp,
		.console_in = -1, .console_out = null_fd,
		.ram_fd = ram_fd, .accel = "fake",
		.listen_fd = -1, .dir_fd = -1, .log_fd = -1,
		.shares = share_dir ? &share : NULL, .nshares = share_dir ? 1 : 0,
	};
	struct lerr err = { 0, "" };
	struct hv *hv;

	sigemptyset(&cfg.stop_signals);
	if (hv_create(&cfg, img, &hv, &err)) {
		fprintf(stderr, "fuzz: cannot create the partition: %s\n", err.msg);
		abort();
	}
	return hv;
}

void fuzz_hv_running(struct hv *hv)
{
	pthread_mutex_lock(&hv->lock);
	hv->boot_ns = hv_host_ns();
	hv_set_state(hv, HV_RUNNING);
	pthread_mutex_unlock(&hv->lock);
}

void fuzz_hv_free(struct hv *hv)
{
	hv_destroy(hv);
	memset(ram, 0, MEM_SIZE); /* the next starts from zeros, as from a new memfd */
}
