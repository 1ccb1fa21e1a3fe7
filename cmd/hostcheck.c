/* SPDX-License-Identifier: ISC */
/*
 * lpar host-check: whether this host can run partitions, and if not why
 * and what to do, as virt-host-validate and kvm-ok say it: each backend
 * (with the usual reasons KVM is missing), the run directory, memory,
 * musl-gcc for lpar-cc and the monitor's sandbox.  Exit 0 when at least
 * one backend works and the run directory is usable.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/rundir.h"
#include "../common/text.h"
#include "../hv/hv.h"
#include "cmd.h"
#include "json.h"

#define ACCELS_MAX 8
#define CHECKS_MAX 12
#define DEFAULT_MEM_MIB 64

enum result { PASS, WARN, FAIL };

struct check {
	char name[16];
	enum result result;
	char detail[768];
};

struct checks {
	struct check c[CHECKS_MAX];
	int n;
};

static const char *const result_names[] = { "pass", "warn", "fail" };

static struct check *add(struct checks *cs, const char *name, enum result r, const char *fmt,
			 ...) __attribute__((format(printf, 4, 5)));

static struct check *add(struct checks *cs, const char *name, enum result r, const char *fmt,
			 ...)
{
	struct check *c;
	va_list ap;

	if (cs->n == CHECKS_MAX)
		return NULL;
	c = &cs->c[cs->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->result = r;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return c;
}

/* Whether /proc/cpuinfo's flags show hardware virtualization (vmx, svm). */
static int cpu_has_virt(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int yes = 0;

	if (!f)
		return -1;
	while (!yes && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && (strstr(line, " vmx") || strstr(line, " svm")))
			yes = 1;
	fclose(f);
	return yes;
}

/* Why KVM cannot be used, in the words a user can act on. */
static void kvm_hint(const char *dev, char *buf, size_t len)
{
	struct stat st;
	int virt = cpu_has_virt();

	if (stat(dev, &st) == 0) {
		struct group *g = getgrgid(st.st_gid);

		if (access(dev, R_OK | W_OK) != 0) {
			snprintf(buf, len,
				 "you may not open %s: add your user to its group '%s' (usermod -aG %s USER, then log in again), or run as root",
				 dev, g ? g->gr_name : "?", g ? g->gr_name : "kvm");
			return;
		}
		snprintf(buf, len, "%s opens, but is not a KVM device that works", dev);
		return;
	}
	if (virt == 0) {
		snprintf(buf, len,
			 "this CPU shows no vmx or svm flag: virtualization is off in the firmware, or this is a virtual machine without nested virtualization (most cloud VMs)");
		return;
	}
	if (access("/sys/module/kvm", F_OK) != 0) {
		snprintf(buf, len, "the CPU can virtualize but the kvm module is not loaded: modprobe kvm_intel (Intel) or kvm_amd (AMD)");
		return;
	}
	if (access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0) {
		snprintf(buf, len, "this is a container started without the device: give it /dev/kvm (docker run --device /dev/kvm)");
		return;
	}
	snprintf(buf, len, "the kvm module is loaded but %s is missing: create it (mknod %s c 10 232) or check udev",
		 dev, dev);
}

static int backends(struct checks *cs)
{
	struct hv_accel_report acc[ACCELS_MAX];
	size_t n = hv_accel_probe(lpar_opts.kvm_path, acc, ACCELS_MAX);
	int any = 0;

	if (n > ACCELS_MAX)
		n = ACCELS_MAX;
	for (size_t i = 0; i < n; i++) {
		char clean[sizeof(acc[i].why) * 4], hint[512] = "";

		text_sanitize(clean, sizeof(clean), acc[i].why, sizeof(acc[i].why));
		if (acc[i].usable) {
			any = 1;
			add(cs, acc[i].name, PASS, "%s", clean);
			continue;
		}
		if (!strcmp(acc[i].name, "kvm")) {
			char *paren = strstr(clean, " (");

			kvm_hint(lpar_opts.kvm_path, hint, sizeof(hint));
			/* The run error's own short advice, which the hint replaces. */
			if (paren)
				*paren = '\0';
		}
		add(cs, acc[i].name, strcmp(acc[i].name, "kvm") ? FAIL : WARN, "%s%s%s", clean,
		    hint[0] ? "; " : "", hint);
	}
	return any;
}

static int run_dir(struct checks *cs)
{
	struct lerr err = { 0, "" };
	char dir[4096], clean[sizeof(dir) * 4];

	if (part_rundir(dir, sizeof(dir), &err)) {
		add(cs, "rundir", FAIL, "%s", err.msg);
		return 0;
	}
	text_sanitize(clean, sizeof(clean), dir, strlen(dir));
	add(cs, "rundir", PASS, "%s (yours, mode 0700)", clean);
	return 1;
}

static void memory(struct checks *cs)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long kib = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	if (!kib) {
		add(cs, "memory", WARN, "cannot read MemAvailable from /proc/meminfo");
		return;
	}
	add(cs, "memory", kib / 1024 < DEFAULT_MEM_MIB * 2 ? WARN : PASS,
	    "%lu MiB available; a partition takes %d MiB by default (--mem), touched as it runs",
	    kib / 1024, DEFAULT_MEM_MIB);
}

/* musl-gcc on PATH, for lpar-cc (lpar-cc(1)). */
static void compiler(struct checks *cs)
{
	const char *path = getenv("PATH"), *cc = getenv("LPAR_CC");
	char buf[4096];

	if (!cc || !*cc)
		cc = "musl-gcc";
	for (const char *p = path ? path : ""; *p;) {
		size_t k = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)k, p, cc);
		if (k && access(buf, X_OK) == 0) {
			char clean[sizeof(buf) * 4];

			add(cs, "lpar-cc", PASS, "%s for lpar-cc", text_sanitize(clean, sizeof(clean), buf, strlen(buf)));
			return;
		}
		p += k + (p[k] == ':');
	}
	add(cs, "lpar-cc", WARN, "%s is not on PATH: lpar-cc cannot build images (apt-get install musl-tools); lpar runs images built elsewhere",
	    cc);
}

static void sandbox(struct checks *cs)
{
	char what[128];

	hv_sandbox_probe(what, sizeof(what));
	add(cs, "sandbox", PASS, "monitors run under %s", what);
}

static void print_text(const struct checks *cs, int ok)
{
	static const char *const shown[] = { "PASS", "WARN", "FAIL" };

	for (int i = 0; i < cs->n; i++)
		printf("%-8s %s  %s\n", cs->c[i].name, shown[cs->c[i].result], cs->c[i].detail);
	printf("%s\n", ok ? "lpar can run partitions on this host." :
			    "lpar cannot run partitions on this host: see FAIL above.");
}

static void print_json(const struct checks *cs, int ok)
{
	printf("{\"ok\": %s, \"checks\": [", ok ? "true" : "false");
	for (int i = 0; i < cs->n; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
		json_string(stdout, cs->c[i].name);
		printf(", \"result\": \"%s\", \"detail\": ", result_names[cs->c[i].result]);
		json_string(stdout, cs->c[i].detail);
		fputs("}", stdout);
	}
	fputs("]}\n", stdout);
}

int cmd_host_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("host-check");
	struct checks cs = { .n = 0 };
	int c, ok;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help_print(self, stdout);
			return 0;
		}
		return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return lpar_usage_error(self, "unexpected argument '%s'", argv[optind]);
	ok = backends(&cs);
	ok &= run_dir(&cs);
	memory(&cs);
	compiler(&cs);
	sandbox(&cs);
	if (lpar_opts.json)
		print_json(&cs, ok);
	else
		print_text(&cs, ok);
	return ok ? 0 : 1;
}
