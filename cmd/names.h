/* SPDX-License-Identifier: ISC */
/* Shared by the subcommands that act on partitions named on the command line. */
#ifndef LPAR_CMD_NAMES_H
#define LPAR_CMD_NAMES_H

#include "cmd.h"

/*
 * Checks "[-h] NAME..." (at least one name; options before the names).
 * Returns the index of the first name, or -(exit status) after an error or
 * --help.
 */
int names_parse(const struct cmd *self, int argc, char **argv);

/* Runs "ctl" command cmd on every named partition; 0, or 1 if any failed. */
int names_ctl(const struct cmd *self, int argc, char **argv, const char *cmd);

#endif
