/* SPDX-License-Identifier: ISC
 * The status text: one "key value" line each, the same in the control
 * tree's status file, in what wait returns and in the status record left in
 * the run directory.  Documented in docs/control-tree.md.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/text.h"
#include "../elf/elf.h"
#include "priv.h"
#include "sandbox.h"

const char *hv_state_name(enum hv_state s)
{
	switch (s) {
	case HV_CREATED: return "created";
	case HV_RUNNING: return "running";
	case HV_PAUSED: return "paused";
	case HV_ENDED: return "ended";
	}
	return "unknown";
}

static const char *end_state(const struct hv_outcome *o)
{
	switch (o->how) {
	case HV_END_EXIT: return "exited";
	case HV_END_CRASH: return "crashed";
	case HV_END_SIGNAL:
	case HV_END_KILLED: return "killed";
	}
	return "ended";
}

static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

void hv_status_end(struct hv *hv, struct hv_status_end *e)
{
	enum hv_state st;

	memset(e, 0, sizeof(*e));
	pthread_mutex_lock(&hv->lock);
	st = hv->state;
	pthread_mutex_unlock(&hv->lock);
	snprintf(e->state, sizeof(e->state), "%s",
		 st == HV_ENDED ? end_state(&hv->out) :
		 hv_ctl_panicked(hv) ? "panicked" : hv_state_name(st));
	e->ended = st == HV_ENDED;
	if (!e->ended)
		return;
	switch (hv->out.how) {
	case HV_END_EXIT:
		snprintf(e->exit, sizeof(e->exit), "%d", hv->out.status & 0xff);
		break;
	case HV_END_CRASH:
		text_sanitize(e->reason, sizeof(e->reason), hv->out.reason, sizeof(hv->out.reason));
		break;
	case HV_END_SIGNAL:
		snprintf(e->signal, sizeof(e->signal), "%d", hv->out.signo);
		snprintf(e->reason, sizeof(e->reason), "stopped by signal %d", hv->out.signo);
		break;
	case HV_END_KILLED:
		snprintf(e->reason, sizeof(e->reason), "%s", hv->out.reason);
		break;
	}
}

/* The monitor's own CPU time and resident memory (guest RAM it touched included). */
static void monitor_usage(struct hv *hv, char *buf, size_t len, size_t *n)
{
	struct timespec cpu;
	long pages = 0, rss = 0;
	char text[128];
	ssize_t k = hv->statm_fd >= 0 ? pread(hv->statm_fd, text, sizeof(text) - 1, 0) : -1;

	if (k > 0) {
		text[k] = '\0';
		if (sscanf(text, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
	}
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0)
		add(buf, len, n, "cpu %lld.%03ld\n", (long long)cpu.tv_sec, cpu.tv_nsec / 1000000);
	add(buf, len, n, "rss %ld\n", rss * (sysconf(_SC_PAGESIZE) / 1024));
}

size_t hv_status_text(struct hv *hv, char *buf, size_t len)
{
	struct timespec ts;
	struct hv_status_end e;
	uint64_t now, up;
	size_t n = 0;

	hv_status_end(hv, &e);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	up = !strcmp(e.state, "created") ? 0 : now - hv->boot_ns;

	add(buf, len, &n, "name %s\n", hv->name);
	add(buf, len, &n, "state %s\n", e.state);
	add(buf, len, &n, "pid %ld\n", (long)getpid());
	add(buf, len, &n, "mem %llu\n", (unsigned long long)hv->mem.size);
	add(buf, len, &n, "vcpus 1\n");
	add(buf, len, &n, "accel %s\n", hvb_name(hv->vm));
	add(buf, len, &n, "image %s\n", hv->img->path);
	add(buf, len, &n, "uptime %llu.%03llu\n", (unsigned long long)(up / 1000000000u),
	    (unsigned long long)(up / 1000000u % 1000u));
	add(buf, len, &n, "syscalls_unsupported %llu\n",
	    (unsigned long long)__atomic_load_n(&hv->syscalls_unsupported, __ATOMIC_RELAXED));
	/* For lpar top: what the monitor has done, and what it costs the host. */
	add(buf, len, &n, "exits %llu\nhcalls %llu\n",
	    (unsigned long long)__atomic_load_n(&hv->n_exits, __ATOMIC_RELAXED),
	    (unsigned long long)__atomic_load_n(&hv->n_hcalls, __ATOMIC_RELAXED));
	monitor_usage(hv, buf, len, &n);
	hv_sandbox_status(buf, len, &n);
	hv_ring_status(hv, buf, len, &n);
	hv_share_status(hv, buf, len, &n);
	if (e.exit[0])
		add(buf, len, &n, "exit %s\n", e.exit);
	if (e.signal[0])
		add(buf, len, &n, "signal %s\n", e.signal);
	if (e.reason[0])
		add(buf, len, &n, "reason %s\n", e.reason);
	if (e.ended && hv->out.core[0]) {
		char path[sizeof(hv->out.core) * 3];

		add(buf, len, &n, "core %s\n", text_pct_escape(path, sizeof(path), hv->out.core));
	}
	else if (e.ended && hv->out.core_error[0])
		add(buf, len, &n, "core_error %s\n", hv->out.core_error);
	return n;
}
