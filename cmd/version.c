/* lpar version: lpar's own version and the hcall ABI it speaks. */
#include <lpar/hcall.h>
#include <stdio.h>

#include "cmd.h"

#ifndef LPAR_VERSION
#define LPAR_VERSION "0.1.0"
#endif

int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return lpar_usage_error(cmd_find("version"), "too many arguments");
	if (lpar_opts.json)
		printf("{\"version\": \"%s\", \"abi\": %d}\n", LPAR_VERSION,
		       LPAR_ABI_VERSION);
	else
		printf("lpar %s (hcall ABI %d)\n", LPAR_VERSION, LPAR_ABI_VERSION);
	return 0;
}
