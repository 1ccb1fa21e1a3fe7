/* SPDX-License-Identifier: ISC
 * The portable monitor core: creates a partition (RAM, image, vCPU), runs
 * its vCPU loop, and keeps its lifecycle (created, running, paused, ended)
 * in step with the controller's requests from the control thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <lpar/boot.h>
#include <lpar/hcall.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/rundir.h"
#include "../elf/elf.h"
#include "priv.h"
#include "sandbox.h"

volatile sig_atomic_t hv_pending_signal;

/* The vCPU the signal handlers interrupt: one partition per process. */
static struct hvb_cpu *volatile signal_cpu;

void hv_on_signal(int signo)
{
	hv_pending_signal = signo;
	hvb_cpu_kick(signal_cpu);
}

/* The controller's kick: its only job is to interrupt a run or ppoll(). */
static void on_kick(int signo)
{
	(void)signo;
	hvb_cpu_kick(signal_cpu);
}

void hv_vcpu_kick(struct hv *hv)
{
	hvb_cpu_kick(hv->cpu);
	pthread_kill(hv->vcpu_thread, HV_KICK_SIGNAL);
}

int hv_accel_valid(const char *name)
{
	return !strcmp(name, "auto") || hvb_find(name);
}

size_t hv_accel_probe(const char *kvm_path, struct hv_accel_report *out, size_t n)
{
	struct hvb_params p = { .kvm_path = kvm_path };
	size_t i;

	for (i = 0; hvb_backends[i]; i++) {
		struct lerr err = { 0, "" };

		if (i >= n)
			continue;
		out[i].name = hvb_backends[i]->name;
		out[i].usable = hvb_backends[i]->probe(&p, &err) == 0;
		snprintf(out[i].why, sizeof(out[i].why), "%s", err.msg);
	}
	return i;
}

uint64_t hv_host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t hv_now(const struct hv *hv)
{
	return hv_host_ns() - hv->boot_ns;
}

void hv_end_exit(struct hv *hv, int status)
{
	hv->ended = 1;
	hv->out.how = HV_END_EXIT;
	hv->out.status = status;
}

void hv_end_signal(struct hv *hv, int signo)
{
	hv->ended = 1;
	hv->out.how = HV_END_SIGNAL;
	hv->out.signo = signo;
}

void hv_end_killed(struct hv *hv, const char *by)
{
	hv->ended = 1;
	hv->out.how = HV_END_KILLED;
	snprintf(hv->out.reason, sizeof(hv->out.reason), "%s", by);
}

/* " <symbol+off>" for addr in img, or "". */
static void sym_name(const struct elf_image *img, uint64_t addr, char *buf, size_t len)
{
	uint64_t off = 0;
	const struct elf_sym *s = img ? elf_sym_at(img, addr, &off) : NULL;

	if (s && off)
		snprintf(buf, len, " <%.80s+%llu>", s->name, (unsigned long long)off);
	else if (s)
		snprintf(buf, len, " <%.80s>", s->name);
	else if (len)
		buf[0] = '\0';
}

/*
 * Where rip is: its symbol in the image, or in the library OS and then
 * also the syscall instruction in the image that called it.
 */
static void crash_where(struct hv *hv, uint64_t rip, char *buf, size_t len)
{
	uint64_t from = hv_los_caller(hv, rip);
	int in_los = rip >= LPAR_LOS_BASE && rip < LPAR_LOS_END;
	char where[160], app[128];

	if (!in_los && from == rip) {
		sym_name(hv->img, rip, buf, len);
		return;
	}
	if (in_los) {
		sym_name(hv->los, rip, app, sizeof(app));
		snprintf(where, sizeof(where), "%s in the library OS", app);
	} else {
		snprintf(where, sizeof(where), " <the monitor's syscall stub>");
	}
	if (from == rip) {
		snprintf(buf, len, "%s", where);
		return;
	}
	sym_name(hv->img, from, app, sizeof(app));
	snprintf(buf, len, "%s, in a syscall from 0x%llx%s", where, (unsigned long long)from, app);
}

void hv_end_crash(struct hv *hv, uint64_t rip, const char *fmt, ...)
{
	char what[400], where[340];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	crash_where(hv, rip, where, sizeof(where));
	hv->ended = 1;
	hv->out.how = HV_END_CRASH;
	hv->out.rip = rip;
	snprintf(hv->out.reason, sizeof(hv->out.reason), "%s at rip 0x%llx%s",
		 what, (unsigned long long)rip, where);
}

void hv_set_state(struct hv *hv, enum hv_state s)
{
	hv->state = s;
	hv->gen++;
	pthread_cond_broadcast(&hv->cond);
	hv_ctl_kick(hv);
}

/*
 * KVM_RUN returns EINTR for a signal its mask lets through but does not
 * deliver it (the thread's own mask is back in force by then), so take the
 * pending stop signals and kicks here; otherwise every later KVM_RUN fails
 * at once.
 */
static void consume_signals(struct hv *hv)
{
	struct timespec zero = { 0, 0 };
	sigset_t set = hv->stop_signals;
	int s;

	sigaddset(&set, HV_KICK_SIGNAL);
	while ((s = sigtimedwait(&set, NULL, &zero)) > 0)
		if (s != HV_KICK_SIGNAL)
			hv_pending_signal = s;
}

/* A condition variable whose timed waits use CLOCK_MONOTONIC. */
static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

/* Waits for a request (the lock held), or 50 ms. */
static void stopped_wait(struct hv *hv)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 50 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&hv->cond, &hv->lock, &ts);
}

/* The devices' lifecycle hooks, in list order (struct hv_device). */
static unsigned devs_serve(struct hv *hv)
{
	unsigned req = 0;

	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->serve)
			req |= hv->devs[i]->serve(hv);
	return req;
}

static int devs_start(struct hv *hv)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->start && hv->devs[i]->start(hv))
			return 1;
	return 0;
}

static void devs_pause(struct hv *hv)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->pause)
			hv->devs[i]->pause(hv);
}

static int devs_resume(struct hv *hv)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->resume && hv->devs[i]->resume(hv))
			return 1;
	return 0;
}

static void devs_flush(struct hv *hv)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->flush)
			hv->devs[i]->flush(hv);
}

static void devs_end(struct hv *hv)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->end)
			hv->devs[i]->end(hv);
}

int hv_devs_exception(struct hv *hv, const struct hv_frame *f, uint64_t cr2)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->exception && hv->devs[i]->exception(hv, f, cr2))
			return 1;
	return 0;
}

int hv_devs_mmio(struct hv *hv, const struct hvb_exit *ex)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->mmio && hv->devs[i]->mmio(hv, ex))
			return 1;
	return 0;
}

int hv_devs_io(struct hv *hv, const struct hvb_exit *ex)
{
	for (size_t i = 0; i < hv->ndevs_ready; i++)
		if (hv->devs[i]->io && hv->devs[i]->io(hv, ex))
			return 1;
	return 0;
}

void hv_request(struct hv *hv, unsigned req)
{
	hv->req |= req;
	pthread_cond_broadcast(&hv->cond);
	if (!pthread_equal(pthread_self(), hv->vcpu_thread))
		hv_vcpu_kick(hv);
}

int hv_yield(struct hv *hv)
{
	int end = 0;

	consume_signals(hv);
	pthread_mutex_lock(&hv->lock);
	for (;;) {
		if (hv_pending_signal) {
			hv_end_signal(hv, hv_pending_signal);
			end = 1;
			break;
		}
		if (hv->req & HV_REQ_KILL) {
			if (hv_ctl_panicked(hv)) {
				struct hv_regs r = { 0 };

				hvb_cpu_get_regs(hv->cpu, &r);
				pthread_mutex_unlock(&hv->lock);
				hv_end_crash(hv, r.rip, "panic requested by the controller");
				pthread_mutex_lock(&hv->lock);
			} else {
				hv_end_killed(hv, "killed by the controller");
			}
			end = 1;
			break;
		}
		hv->req |= devs_serve(hv);
		if (hv->state == HV_CREATED && (hv->req & HV_REQ_START)) {
			hv->req &= ~HV_REQ_START;
			hv->boot_ns = hv_host_ns();
			if (devs_start(hv)) {
				end = 1;
				break;
			}
			hv_set_state(hv, HV_RUNNING);
		}
		if (hv->state == HV_RUNNING && (hv->req & HV_REQ_PAUSE)) {
			hv->req &= ~(HV_REQ_PAUSE | HV_REQ_RESUME);
			/* Finish the exit in progress so registers are consistent. */
			hvb_cpu_settle(hv->cpu);
			devs_pause(hv);
			hv_set_state(hv, HV_PAUSED);
		}
		if (hv->state == HV_PAUSED && (hv->req & HV_REQ_RESUME)) {
			hv->req &= ~HV_REQ_RESUME;
			if (devs_resume(hv)) {
				end = 1;
				break;
			}
			hv_set_state(hv, HV_RUNNING);
		}
		if (hv->state == HV_RUNNING)
			break;
		/*
		 * Created or paused: stop signals stay blocked in this thread
		 * and pending for the process, so look for them now and then.
		 */
		stopped_wait(hv);
		consume_signals(hv);
	}
	pthread_mutex_unlock(&hv->lock);
	return end;
}

/* Writes the status record into the run directory, atomically. */
static void status_record(struct hv *hv)
{
	char text[2048];
	size_t n;
	int fd;

	if (hv->dir_fd < 0)
		return;
	n = hv_status_text(hv, text, sizeof(text));
	fd = openat(hv->dir_fd, PART_STATUS_FILE ".tmp",
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, text, n) == (ssize_t)n && fsync(fd) == 0) {
		close(fd);
		renameat(hv->dir_fd, PART_STATUS_FILE ".tmp", hv->dir_fd,
			 PART_STATUS_FILE);
		return;
	}
	close(fd);
	unlinkat(hv->dir_fd, PART_STATUS_FILE ".tmp", 0);
}


int hv_run(struct hv *hv, struct hv_outcome *out, struct lerr *err)
{
	struct hvb_exit ex;
	int r = 0;

	hv->vcpu_thread = pthread_self();
	while (!hv->ended) {
		if (hv_yield(hv))
			break;
		r = hvb_cpu_run(hv->cpu, &ex);
		if (r) {
			hv_end_crash(hv, hvb_cpu_regs(hv->cpu)->rip,
				     "the vCPU could not run: %s", strerror(-r));
			lerr_set(err, -r, "running the vCPU failed: %s", strerror(-r));
			break;
		}
		hv_exit_handle(hv, &ex);
	}
	/* Output the devices still owe (a console ring's) goes out while the I/O thread runs. */
	devs_flush(hv);
	hv_io_stop(hv);
	devs_end(hv);
	/* Before the record and the end are told, so both can say where the core went. */
	if (hv->out.how == HV_END_CRASH && hv->core_dir)
		hv_dump_crash(hv);
	/*
	 * The record goes down before anyone waiting hears of the end, so a
	 * controller that saw "ended" finds it ended in the run directory too.
	 */
	pthread_mutex_lock(&hv->lock);
	hv->state = HV_ENDED;
	pthread_mutex_unlock(&hv->lock);
	status_record(hv);
	pthread_mutex_lock(&hv->lock);
	hv_set_state(hv, HV_ENDED);
	pthread_mutex_unlock(&hv->lock);
	hv_ctl_stop(hv);
	*out = hv->out;
	return r;
}

static int ram_create(struct hv *hv, int fd, uint64_t size, struct lerr *err)
{
	int made = fd < 0;
	void *p;

	if (made) {
		fd = memfd_create(PART_RAM_MEMFD, MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd < 0)
			return lerr_set(err, errno, "cannot create partition memory: %s",
					strerror(errno));
	} else {
		fd = dup(fd);
		if (fd < 0)
			return lerr_set(err, errno, "%s", strerror(errno));
	}
	hv->ram_fd = fd;
	if (ftruncate(fd, (off_t)size) < 0)
		return lerr_set(err, errno, "cannot size partition memory: %s",
				strerror(errno));
	/*
	 * Its size is fixed for good: anyone of our user can open it through
	 * "ram", and RAM shrunk under our mapping would make the next touch
	 * of it a SIGBUS.  Holes may still be punched (a channel's pages).
	 * A file we were given may not take seals: that is its maker's lookout.
	 */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) < 0 && made)
		return lerr_set(err, errno, "cannot seal partition memory: %s",
				strerror(errno));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		 fd, 0);
	if (p == MAP_FAILED)
		return lerr_set(err, errno, "cannot map partition memory: %s",
				strerror(errno));
	hv->mem.base = p;
	hv->mem.size = size;
	return 0;
}

int hv_check_image(const struct hv_config *cfg, const struct elf_image *img,
		   struct lerr *err)
{
	uint64_t need = img->hi + HV_STACK_GUARD + HV_STACK_SIZE;
	char a[32], b[32];

	if (img->nsegs > HV_SEGS_MAX)
		return lerr_set(err, ENOEXEC, "too many segments (%zu; at most %d)",
				img->nsegs, HV_SEGS_MAX);
	if (cfg->mem_size % LPAR_PAGE_SIZE)
		return lerr_set(err, EINVAL, "memory size %llu bytes is not a multiple of 4 KiB",
				(unsigned long long)cfg->mem_size);
	if (cfg->mem_size > HV_MEM_MAX)
		return lerr_set(err, EINVAL, "memory size %s is more than the %s a partition can have",
				num_format_size(cfg->mem_size, a, sizeof(a)),
				num_format_size(HV_MEM_MAX, b, sizeof(b)));
	/* Name a size the user can pass to --mem: whole MiB, rounded up. */
	if (cfg->mem_size < need)
		return lerr_set(err, EINVAL,
				"memory size %s is too small for this image, which needs at least %llu MiB",
				num_format_size(cfg->mem_size, a, sizeof(a)),
				(unsigned long long)((need + (1ull << 20) - 1) >> 20));
	return elf_check_fit(img, LPAR_IMAGE_MIN,
			     cfg->mem_size - HV_STACK_SIZE - HV_STACK_GUARD,
			     cfg->mem_size, err);
}

/* The vCPU runs with the caller's mask minus the stop signals and the kick. */
static void signals_init(struct hv *hv, const struct hv_config *cfg)
{
	struct sigaction sa;
	sigset_t kick;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigaction(HV_KICK_SIGNAL, &sa, NULL);
	sigemptyset(&kick);
	sigaddset(&kick, HV_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, NULL);
	pthread_sigmask(SIG_SETMASK, NULL, &hv->run_mask);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&cfg->stop_signals, s))
			sigdelset(&hv->run_mask, s);
	sigdelset(&hv->run_mask, HV_KICK_SIGNAL);
}

/* The paging registers as the vCPU has them, read once before it runs. */
static int paging_regs(struct hv *hv, struct lerr *err)
{
	struct hv_sregs sr;
	int e = hvb_cpu_sregs(hv->cpu, &sr);

	if (e)
		return lerr_set(err, -e, "cannot read the vCPU's control registers: %s",
				strerror(-e));
	hv->lay.cr0 = sr.cr0;
	hv->lay.cr3 = sr.cr3;
	hv->lay.cr4 = sr.cr4;
	return 0;
}

int hv_create(const struct hv_config *cfg, const struct elf_image *img,
	      struct hv **out, struct lerr *err)
{
	struct hv_boot_state bs;
	struct hv *hv;
	int r;

	r = hv_check_image(cfg, img, err);
	if (r)
		return r;
	hv = calloc(1, sizeof(*hv));
	if (!hv)
		return lerr_set(err, ENOMEM, "out of memory");
	hv->ram_fd = -1;
	hv->statm_fd = -1;
	hv->img = img;
	hv->name = strdup(cfg->name);
	hv->core_dir = cfg->core_dir ? strdup(cfg->core_dir) : NULL;
	hv->argc = cfg->argc;
	hv->argv = cfg->argv;
	hv->envc = cfg->envc;
	hv->envp = cfg->envp;
	hv->cfg = cfg;
	hv->dir_fd = cfg->dir_fd;
	hv->devs = hv_devices_all();
	hv->stop_signals = cfg->stop_signals;
	hv->created_ns = hv_host_ns();
	hv->boot_ns = hv->created_ns;
	hv->state = HV_CREATED;
	hv->vcpu_thread = pthread_self(); /* hv_run() runs on the creating thread */
	if (cfg->autostart)
		hv->req = HV_REQ_START;
	pthread_mutex_init(&hv->lock, NULL);
	cond_init_monotonic(&hv->cond);
	signals_init(hv, cfg);
	if (!hv->name || (cfg->core_dir && !hv->core_dir)) {
		hv_destroy(hv);
		return lerr_set(err, ENOMEM, "out of memory");
	}

	r = hv_los_open(&hv->los, err);
	if (!r)
		r = hvb_open(&(struct hvb_params){ cfg->accel, cfg->kvm_path, cfg->cache_dir,
						    HV_KICK_SIGNAL },
			     &hv->vm, err);
	if (!r)
		r = ram_create(hv, cfg->ram_fd, cfg->mem_size, err);
	if (!r)
		r = hvb_map_ram(hv->vm, hv->mem.base, hv->mem.size, err);
	if (!r)
		r = hv_layout_build(hv, &bs, err);
	if (!r)
		r = hvb_cpu_create(hv->vm, &bs, &hv->run_mask, &hv->cpu, err);
	if (!r) {
		signal_cpu = hv->cpu;
		r = paging_regs(hv, err);
	}
	if (!r)
		r = hv_hcall_register(hv, err);
	if (!r)
		r = hv_io_init(hv, err);
	if (!r)
		r = hv_block_init(hv, err);
	while (!r && hv->devs[hv->ndevs_ready]) {
		const struct hv_device *d = hv->devs[hv->ndevs_ready];

		r = d->init ? d->init(hv, err) : 0;
		if (!r)
			hv->ndevs_ready++;
	}
	/* The status's rss line: Landlock would not let it be opened later. */
	hv->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	/* Every host resource is held: confine the monitor before its threads start. */
	if (!r)
		r = hv_sandbox_enter(hv, cfg, err);
	if (!r && cfg->listen_fd >= 0)
		r = hv_ctl_start(hv, cfg->listen_fd, err);
	if (!r)
		r = hv_io_start(hv, err);
	hv->cfg = NULL;
	if (r) {
		hv_destroy(hv);
		return r;
	}
	*out = hv;
	return 0;
}

int hv_ram_fd(const struct hv *hv)
{
	return hv->ram_fd;
}

void hv_destroy(struct hv *hv)
{
	if (!hv)
		return;
	hv_ctl_stop(hv);
	hv_io_stop(hv);
	while (hv->ndevs_ready > 0) {
		const struct hv_device *d = hv->devs[--hv->ndevs_ready];

		if (d->fini)
			d->fini(hv);
	}
	hv_io_fini(hv);
	hv_block_fini(hv);
	if (signal_cpu == hv->cpu)
		signal_cpu = NULL;
	hvb_close(hv->vm);
	if (hv->statm_fd >= 0)
		close(hv->statm_fd);
	if (hv->mem.base)
		munmap(hv->mem.base, hv->mem.size);
	if (hv->ram_fd >= 0)
		close(hv->ram_fd);
	pthread_mutex_destroy(&hv->lock);
	pthread_cond_destroy(&hv->cond);
	free(hv->trace.ring); /* kept from the first lpar trace on: no reader is left */
	free(hv->name);
	free(hv->core_dir);
	elf_close(hv->los);
	free(hv);
}
