/* SPDX-License-Identifier: ISC */
/* lpar kill: ends partitions at once, without asking them. */
#include "names.h"

int cmd_kill(int argc, char **argv)
{
	return names_ctl(cmd_find("kill"), argc, argv, "kill");
}
