/* SPDX-License-Identifier: ISC */
/* lpar start: starts partitions made with lpar create. */
#include "names.h"

int cmd_start(int argc, char **argv)
{
	return names_ctl(cmd_find("start"), argc, argv, "start");
}
