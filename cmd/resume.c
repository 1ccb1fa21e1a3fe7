/* SPDX-License-Identifier: ISC */
/* lpar resume: lets a paused partition run again. */
#include "names.h"

int cmd_resume(int argc, char **argv)
{
	return names_ctl(cmd_find("resume"), argc, argv, "resume");
}
