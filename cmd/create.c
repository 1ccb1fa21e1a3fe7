/* SPDX-License-Identifier: ISC */
/* lpar create: a partition in a detached monitor, loaded but not started; prints its name. */
#include <stdio.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "launch_opts.h"

int cmd_create(int argc, char **argv)
{
	const struct cmd *self = cmd_find("create");
	char name[PART_NAME_MAX + 1];
	struct launch_opts o;
	struct elf_image *img;
	struct lerr err = { 0 };
	int r;

	r = launch_opts_parse(self, argc, argv, 0, &o);
	if (r)
		return r == EXIT_HELP_SHOWN ? 0 : r;
	r = launch_name_check(&o, "create");
	if (!r)
		r = launch_shares_check(&o, "create");
	if (!r)
		r = launch_core_check(&o, "create");
	if (r)
		return r;
	r = launch_image_open(&o, &img);
	if (r)
		return r;
	o.spec.autostart = 0;
	r = hv_launch_detached(&o.spec, img, name, &err);
	elf_close(img);
	if (r) {
		lpar_error("cannot create partition: %s", err.msg);
		return EXIT_NOSTART;
	}
	printf("%s\n", name);
	return 0;
}
