/* SPDX-License-Identifier: ISC */
/* lpar pause: stops a partition's vCPUs; its memory and state stay as they are. */
#include "names.h"

int cmd_pause(int argc, char **argv)
{
	return names_ctl(cmd_find("pause"), argc, argv, "pause");
}
