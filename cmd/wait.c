/*
 * lpar wait: waits for partitions to end; prints "NAME STATUS" for each
 * and exits with the status of the last one (its exit status, 126 if it
 * crashed, 128+N if killed).
 */
#include <errno.h>
#include <stdio.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "names.h"

static int wait_one(const char *name, struct part_status *st)
{
	struct lerr err = { 0 };
	struct part *p = NULL;
	int r = part_open(name, &p, st, &err);

	if (r == -ESRCH)
		return 0; /* already ended: *st is its record */
	if (r) {
		lpar_error("%s", err.msg);
		return -1;
	}
	do {
		r = part_wait_change(p, st, &err);
	} while (!r && !part_status_ended(st));
	part_close(p);
	if (r) {
		lpar_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int cmd_wait(int argc, char **argv)
{
	const struct cmd *self = cmd_find("wait");
	int first = names_parse(self, argc, argv), status = 0;

	if (first <= 0)
		return -first;
	if (lpar_opts.json)
		printf("[");
	for (int i = first; i < argc; i++) {
		struct part_status st;

		if (wait_one(argv[i], &st)) {
			status = 1;
			continue;
		}
		status = part_status_code(&st);
		if (lpar_opts.json)
			printf("%s{\"name\": \"%s\", \"state\": \"%s\", \"status\": %d}",
			       i > first ? ", " : "", argv[i], st.state, status);
		else
			printf("%s %d\n", argv[i], status);
	}
	if (lpar_opts.json)
		printf("]\n");
	return status;
}
