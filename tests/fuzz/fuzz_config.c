/* SPDX-License-Identifier: ISC */
/*
 * The config file parser (libpart/config.c, lpar run --config): the input
 * is the file, read through a memfd's /proc/self/fd path.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../libpart/part.h"

static int accel_valid(const char *name)
{
	return !strcmp(name, "kvm") || !strcmp(name, "tcg") || !strcmp(name, "auto");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct part_config cfg;
	struct lerr err = { 0, "" };
	char path[64];
	int fd = memfd_create("fuzz-config", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		part_config_read(path, accel_valid, &cfg, &err);
	}
	close(fd);
	return 0;
}
