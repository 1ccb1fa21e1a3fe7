/* SPDX-License-Identifier: ISC
 * lpar wait: waits for partitions to end; prints "NAME STATUS" for each
 * and exits with the status of the last one (its exit status, 126 if it
 * crashed, 128+N if killed), or 1 if any could not be waited for.
 */
#include <errno.h>
#include <stdio.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "json.h"
#include "names.h"

static int wait_one(const char *name, struct part_status *st, struct lerr *err)
{
	struct part *p = NULL;
	int r = part_open(name, &p, st, err);

	if (r == -ESRCH)
		return 0; /* already ended: *st is its record */
	if (r)
		return r;
	do {
		r = part_wait_change(p, st, err);
	} while (!r && !part_status_ended(st));
	part_close(p);
	return r;
}

int cmd_wait(int argc, char **argv)
{
	const struct cmd *self = cmd_find("wait");
	int first = names_parse(self, argc, argv), status = 0, failed = 0;
	struct json_list jl;

	if (first <= 0)
		return -first;
	if (lpar_opts.json)
		json_list_begin(&jl);
	for (int i = first; i < argc; i++) {
		struct part_status st;
		struct lerr err = { 0 };

		if (wait_one(argv[i], &st, &err)) {
			failed = 1;
			if (lpar_opts.json)
				json_list_error(&jl, argv[i], err.msg);
			else
				lpar_error("%s", err.msg);
			continue;
		}
		status = part_status_code(&st);
		if (lpar_opts.json) {
			json_list_next(&jl);
			printf("{\"name\": \"%s\", \"state\": \"%s\", \"status\": %d}",
			       argv[i], st.state, status);
		} else {
			printf("%s %d\n", argv[i], status);
		}
	}
	if (lpar_opts.json)
		json_list_end(&jl);
	return failed ? 1 : status;
}
