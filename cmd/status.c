/* SPDX-License-Identifier: ISC */
/* lpar status: one partition's state, as "key value" lines or JSON. */
#include <stdio.h>
#include <string.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../libpart/part.h"
#include "json.h"
#include "names.h"

/*
 * "share /guest <- /host (rw, 12 requests)": where the partition sees it
 * first, as in mount(8)'s "on"; an external server's share as 9p:SOCKET[:ANAME].
 */
static void share_print(const struct part_share_status *s)
{
	char guest[sizeof(s->guest) * 4], host[sizeof(s->host) * 4], aname[sizeof(s->aname) * 4];
	int p9 = !strcmp(s->kind, "9p");

	text_sanitize(guest, sizeof(guest), s->guest, sizeof(s->guest));
	text_sanitize(host, sizeof(host), s->host, sizeof(s->host));
	text_sanitize(aname, sizeof(aname), s->aname, sizeof(s->aname));
	printf("share %s <- %s%s%s%s (%s, %llu request%s", guest, p9 ? "9p:" : "", host,
	       aname[0] ? ":" : "", aname, s->mode[0] ? s->mode : "rw",
	       (unsigned long long)s->requests, s->requests == 1 ? "" : "s");
	if (s->errors)
		printf(", %llu error%s", (unsigned long long)s->errors, s->errors == 1 ? "" : "s");
	printf(")\n");
}

int cmd_status(int argc, char **argv)
{
	const struct cmd *self = cmd_find("status");
	int first = names_parse(self, argc, argv), status = 0, many;
	struct json_list jl;

	if (first <= 0)
		return -first;
	many = argc - first > 1;
	if (lpar_opts.json && many)
		json_list_begin(&jl);
	for (int i = first; i < argc; i++) {
		struct part_status st;
		struct lerr err = { 0 };
		char clean[4200];

		if (part_status_by_name(argv[i], &st, &err)) {
			status = 1;
			if (lpar_opts.json && many)
				json_list_error(&jl, argv[i], err.msg);
			else
				lpar_error("%s", err.msg);
			continue;
		}
		if (lpar_opts.json) {
			if (many)
				json_list_next(&jl);
			json_status(stdout, &st);
			if (!many)
				printf("\n");
			continue;
		}
		printf("name %s\nstate %s\npid %ld\nmem %llu\nvcpus %d\n", st.name, st.state,
		       st.pid, (unsigned long long)st.mem, st.vcpus);
		if (st.accel[0])
			printf("accel %s\n", text_sanitize(clean, sizeof(clean), st.accel,
							   sizeof(st.accel)));
		printf("image %s\nuptime %.3f\n",
		       text_sanitize(clean, sizeof(clean), st.image, sizeof(st.image)), st.uptime);
		printf("syscalls_unsupported %llu\n", (unsigned long long)st.syscalls_unsupported);
		if (!part_status_ended(&st))
			printf("exits %llu\nhcalls %llu\ncpu %.3f\nrss %llu\n",
			       (unsigned long long)st.exits, (unsigned long long)st.hcalls, st.cpu,
			       (unsigned long long)st.rss_kib);
		if (st.sandbox[0])
			printf("sandbox %s\n", text_sanitize(clean, sizeof(clean), st.sandbox,
							      sizeof(st.sandbox)));
		for (int k = 0; k < st.nrings; k++) {
			const struct part_ring *r = &st.rings[k];

			printf("ring %s index=%u addr=0x%llx len=%llu kind=%s size=%u attach=%s link=%s%s%s gen=%u resets=%llu\n",
			       r->name, r->index, (unsigned long long)r->addr,
			       (unsigned long long)r->len, r->kind, r->size, r->attach, r->link,
			       r->peer[0] ? " peer=" : "", r->peer, r->gen,
			       (unsigned long long)r->resets);
		}
		for (int k = 0; k < st.nshares; k++)
			share_print(&st.shares[k]);
		if (st.workdir[0])
			printf("workdir %s\n", text_sanitize(clean, sizeof(clean), st.workdir,
							     sizeof(st.workdir)));
		if (st.exit_status >= 0)
			printf("exit %d\n", st.exit_status);
		if (st.reason[0])
			printf("reason %s\n", text_sanitize(clean, sizeof(clean), st.reason,
							    sizeof(st.reason)));
		if (st.core[0])
			printf("core %s\n", text_sanitize(clean, sizeof(clean), st.core,
							  sizeof(st.core)));
		else if (st.core_error[0])
			printf("core_error %s\n", text_sanitize(clean, sizeof(clean), st.core_error,
								sizeof(st.core_error)));
		if (many && i + 1 < argc)
			printf("\n");
	}
	if (lpar_opts.json && many)
		json_list_end(&jl);
	return status;
}
