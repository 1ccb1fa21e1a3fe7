/* SPDX-License-Identifier: ISC
 * Tracing: what a partition asks of its monitor, for lpar trace.  The vCPU
 * thread records events into a ring only while someone reads the control
 * tree's trace file (one counter read per exit otherwise); readers each
 * keep a cursor, and one that falls behind loses the oldest events and is
 * told how many.  The partition never waits for a tracer.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hcalls.h"
#include "../common/text.h"
#include "priv.h"

int hv_tracing(const struct hv *hv)
{
	return __atomic_load_n(&hv->trace.readers, __ATOMIC_RELAXED) > 0;
}

/* The next slot to fill; call with the lock held. */
static struct hv_tev *slot(struct hv *hv)
{
	struct hv_tev *e = &hv->trace.ring[hv->trace.head % HV_TRACE_RING];

	hv->trace.head++;
	memset(e, 0, sizeof(*e));
	e->t = hv_now(hv);
	return e;
}

void hv_trace_hcall(struct hv *hv, uint64_t nr, const uint64_t *args, int64_t ret,
		    uint64_t dur)
{
	struct hv_tev *e;

	pthread_mutex_lock(&hv->lock);
	if (hv->trace.ring) {
		e = slot(hv);
		e->kind = HV_TEV_HCALL;
		e->nr = nr;
		memcpy(e->a, args, sizeof(e->a));
		e->ret = ret;
		e->dur = dur;
	}
	pthread_mutex_unlock(&hv->lock);
	hv_ctl_kick(hv);
}

void hv_trace_note(struct hv *hv, int kind, const char *fmt, ...)
{
	struct hv_tev *e;
	va_list ap;

	pthread_mutex_lock(&hv->lock);
	if (hv->trace.ring) {
		e = slot(hv);
		e->kind = (uint8_t)kind;
		va_start(ap, fmt);
		vsnprintf(e->text, sizeof(e->text), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&hv->lock);
	hv_ctl_kick(hv);
}

int hv_trace_open(struct hv *hv, uint64_t *cursor)
{
	pthread_mutex_lock(&hv->lock);
	if (!hv->trace.ring) {
		hv->trace.ring = calloc(HV_TRACE_RING, sizeof(*hv->trace.ring));
		if (!hv->trace.ring) {
			pthread_mutex_unlock(&hv->lock);
			return -1;
		}
	}
	*cursor = hv->trace.head;
	__atomic_add_fetch(&hv->trace.readers, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&hv->lock);
	return 0;
}

void hv_trace_close(struct hv *hv)
{
	__atomic_sub_fetch(&hv->trace.readers, 1, __ATOMIC_RELAXED);
}

/* One event as its trace line. */
static size_t format(const struct hv_tev *e, char *buf, size_t len)
{
	const struct hc_info *h;
	char clean[sizeof(e->text) * 4];
	int n;

	n = snprintf(buf, len, "t=%" PRIu64 " ", e->t);
	if (e->kind != HV_TEV_HCALL) {
		text_sanitize(clean, sizeof(clean), e->text, sizeof(e->text));
		n += snprintf(buf + n, len - (size_t)n, "ev=%s %s\n",
			      e->kind == HV_TEV_MARK ? "mark" :
			      e->kind == HV_TEV_RING ? "ring" :
			      e->kind == HV_TEV_SYSCALL ? "syscall" :
			      e->kind == HV_TEV_9P ? "9p" : "exit", clean);
		return (size_t)n;
	}
	h = e->nr < LPAR_HC_MAX ? hc_info((unsigned)e->nr) : NULL;
	n += snprintf(buf + n, len - (size_t)n, "ev=hcall nr=%" PRIu64 " name=%s args=", e->nr,
		      h ? h->name : "unknown");
	for (int i = 0; h && i < 5 && h->args[i]; i++)
		n += snprintf(buf + n, len - (size_t)n, "%s%s=0x%" PRIx64, i ? "," : "",
			      h->args[i], e->a[i]);
	if (!h)
		n += snprintf(buf + n, len - (size_t)n, "0x%" PRIx64, e->a[0]);
	n += snprintf(buf + n, len - (size_t)n, " ret=%" PRId64 " dur=%" PRIu64 "\n", e->ret,
		      e->dur);
	return (size_t)n;
}

size_t hv_trace_read(struct hv *hv, uint64_t *cursor, char *buf, size_t len)
{
	size_t used = 0;

	pthread_mutex_lock(&hv->lock);
	if (hv->trace.head - *cursor > HV_TRACE_RING) {
		uint64_t lost = hv->trace.head - HV_TRACE_RING - *cursor;

		used += (size_t)snprintf(buf, len, "t=%" PRIu64 " ev=dropped count=%" PRIu64 "\n",
					 hv_now(hv), lost);
		*cursor += lost;
	}
	while (*cursor < hv->trace.head && len - used > 512) {
		used += format(&hv->trace.ring[*cursor % HV_TRACE_RING], buf + used,
			       len - used);
		(*cursor)++;
	}
	pthread_mutex_unlock(&hv->lock);
	return used;
}

int hv_trace_pending(struct hv *hv, uint64_t cursor)
{
	int p;

	pthread_mutex_lock(&hv->lock);
	p = cursor < hv->trace.head;
	pthread_mutex_unlock(&hv->lock);
	return p;
}
